"""The polarity reference without a layer reflection, the robust hyperbola fit and the first-break
pick under a slow offset: properties that broke before 1 December 2026."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

import roadhealth
from roadhealth.detect import detect
from roadhealth.detect.features import _robust_hyperbola
from roadhealth.detect.prepare import first_arrival_phase
from roadhealth.processing.timezero import _pick_kernel
from roadhealth.synth import Acquisition, SystemEffects, simulate
from roadhealth.synth.model import Cavity, RoadModel, WaterRichZone

BLIND = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind"


def _full_wave(name: str):
    path = BLIND / f"{name}_clean.sgy"
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.read(path), gpd.read_file(BLIND / f"{name}_truth.geojson")


def test_cavity_on_uniform_soil_is_air_against_the_first_arrival():
    """gprMax: a 0.5 m cavity 1.1 m down in one uniform soil under the asphalt, no layer reflection
    to take the phase from. The sign vote called it a metal pipe (same polarity) and it was lost."""
    s, truth = _full_wave("bw400_cavity_26")
    d = detect(s)
    assert "first arrival" in d.attrs["detect"]["polarity_source"]
    t = truth.iloc[0]
    hit = d[(d["distance_start_m"] <= t["distance_end_m"] + 0.5) & (d["distance_end_m"] >= t["distance_start_m"] - 0.5)]
    assert list(hit["kind"]) == ["cavity"], d[["kind", "distance_start_m", "depth_top_m"]]
    assert abs(hit.iloc[0]["depth_top_m"] - t["depth_top_m"]) <= 0.2


def test_metal_pipe_on_uniform_soil_stays_clutter():
    """The same reference keeps a metal pipe (a reflection into a slower medium) a pipe."""
    s, _ = _full_wave("bw400_pipe_11")
    d = detect(s)
    assert "first arrival" in d.attrs["detect"]["polarity_source"]
    assert len(d) == 0, d[["kind", "distance_start_m", "depth_top_m"]]
    assert d.attrs["detect"]["rejected"].get("pipe", 0) >= 1


def _road(frequency_mhz: float, objects=(), **effects):
    model = RoadModel(14.0, objects=list(objects), seed=3)
    acq = Acquisition(frequency_mhz=frequency_mhz, n_samples=512, window_ns=40.0 * 600 / frequency_mhz,
                      trace_spacing_m=0.04)
    base = dict(noise_sd=0.0, rfi=0.0, jitter_ns=0.0)
    return simulate(model, acq, SystemEffects(**(base | effects)), seed=1)


@pytest.mark.parametrize("frequency_mhz", [400.0, 600.0])
def test_fast_model_bodies_read_right_against_the_first_arrival(frequency_mhz):
    """The fast model's direct wave carries the near-field phase (``direct_phase_deg``), so that
    without a layer reflection (its layers are too weak here) an air cavity reads as air and a wet
    zone as a slower medium against the first arrival, as in the full-wave files. (At 900 MHz the
    fast model's cavity top reads 160 degrees from the first arrival's opposite, at the edge of
    the air side, and this wet zone joins a 4.8 m layer-like region: not asserted.)"""
    objects = [Cavity(s_m=4.0, u_m=0.0, depth_top_m=0.6, length_m=1.0, width_m=1.0, height_m=0.35),
               WaterRichZone(s_m=10.0, u_m=0.0, depth_top_m=0.6, length_m=2.0, width_m=2.0, height_m=0.3)]
    d = detect(_road(frequency_mhz, objects))
    assert "first arrival" in d.attrs["detect"]["polarity_source"]
    kinds = {round(0.5 * (r.distance_start_m + r.distance_end_m)): r.kind for r in d.itertuples()}
    assert kinds.get(4) == "cavity" and kinds.get(10) == "water_rich", d[["kind", "distance_start_m", "features"]].to_string()


def test_first_arrival_phase_ignores_header_words():
    s = _road(600.0)
    ref = first_arrival_phase(s, 600.0)
    x = s.values.copy()
    x[..., :2] = -30.0 * np.abs(x).max()  # a GSSI record's first two samples: header words
    marked = first_arrival_phase(s.copy(data=x).assign_attrs(header_words=2), 600.0)
    assert abs(math.remainder(marked - ref, 2 * math.pi)) < math.radians(5)


def test_robust_hyperbola_drops_an_isolated_cycle_skip():
    x = np.linspace(-0.6, 0.6, 25)
    t = np.sqrt(12.0**2 + (2 * x / 0.11) ** 2)
    w = np.ones_like(x)
    skip = t.copy()
    skip[17] += 2 * 1.6  # one column's envelope maximum on the next lobe but one
    fit = _robust_hyperbola(x, skip, w, period_ns=1.6)
    assert fit["rms_residual_ns"] < 0.02 and fit["rms_all_ns"] > 0.4
    assert fit["velocity_m_per_ns"] == pytest.approx(0.11, rel=0.02)
    # picks that wander everywhere (a scattering top) are not trimmed into a hyperbola
    rng = np.random.default_rng(0)
    wander = t + rng.choice([-1.6, 0.0, 1.6], size=t.size)
    fit = _robust_hyperbola(x, wander, w, period_ns=1.6)
    assert fit["rms_residual_ns"] == fit["rms_all_ns"]


def test_first_break_is_picked_under_a_slow_one_signed_tail():
    """A quiet lead-in, a wavelet, then a long positive hump (wow): the trace median sits well above
    the lead-in, whose edge at the first sample was picked as the first break."""
    n, dt, f0 = 384, 0.0625, 0.8
    t = np.arange(n) * dt
    a = (np.pi * f0 * (t - 3.0)) ** 2
    x = (1 - 2 * a) * np.exp(-a)
    x += 0.2 * np.clip(t - 3.0, 0, None) / 8.0 * np.exp(1 - np.clip(t - 3.0, 0, None) / 8.0) * (t > 3.0)
    pick = _pick_kernel(x[None, :].astype(np.float32), threshold=0.2, n_header=0, skip=None, search=None,
                        peak_width=round(1 / f0 / dt))[0]
    assert abs(pick * dt - 3.0) < 0.2


def _background_removed(s):
    """The survey with its mean trace subtracted before detection sees it (a simulation's
    scattered field, or processed data saved without their history)."""
    x = np.asarray(s.values, dtype=np.float64)
    return s.copy(data=(x - x.mean(axis=1, keepdims=True)).astype(np.float32))


def test_removed_background_wet_zone_keeps_its_polarity_and_depth(monkeypatch):
    """gprMax (Ricker source): a wet zone 0.7 m down whose file lost its direct wave and layers
    before detection. Nothing in it measures the phase of a reflection into a slower medium or
    the surface's time; both are assumed (``REMOVED_REFERENCE_DEG``, ``REMOVED_SURFACE_PERIODS``).
    With the earlier assumptions (the sign at the envelope peak against a negative surface
    reflection, the surface at the file's time zero) it read as a cavity 0.23 m too deep."""
    from roadhealth.detect import prepare as prep

    s, truth = _full_wave("bw400_water_rich_01")
    t = truth.iloc[0]
    d = detect(_background_removed(s))
    assert d.attrs["detect"]["polarity_source"] == prep.REMOVED_POLARITY_SOURCE
    wet = d[(d["distance_end_m"] >= t["distance_start_m"]) & (d["distance_start_m"] <= t["distance_end_m"])]
    assert list(wet["kind"]) == ["water_rich"]
    assert abs(float(wet["depth_top_m"].iloc[0]) - t["depth_top_m"]) <= 0.12
    monkeypatch.setattr(prep, "REMOVED_REFERENCE_DEG", None)
    monkeypatch.setattr(prep, "REMOVED_SURFACE_PERIODS", None)
    old = detect(_background_removed(s))
    assert "water_rich" not in set(old["kind"])


def test_removed_background_metal_pipe_stays_clutter(monkeypatch):
    """The same for a 15 cm metal pipe 0.7 m down (gprMax): under the assumed phase its top has the
    surface's polarity and it is rejected as a pipe; under the sign convention used before it read
    as air, a 'cavity'."""
    from roadhealth.detect import prepare as prep

    s, _ = _full_wave("bw400_pipe_01")
    assert len(detect(_background_removed(s))) == 0
    monkeypatch.setattr(prep, "REMOVED_REFERENCE_DEG", None)
    assert "cavity" in set(detect(_background_removed(s))["kind"])


def _cut_at_first_arrival_peak(s, frequency_mhz):
    """The record with its samples before the direct wave's envelope peak dropped (1.65 periods
    into a gprMax record), time zero at the new first sample: an export time-zeroed there."""
    k = round(1.65 * 1000.0 / frequency_mhz / float(s.attrs["dt_ns"]))
    c = s.isel(sample=slice(k, None))
    return c.assign_coords(twt_ns=c.coords["twt_ns"] - float(c.coords["twt_ns"].values[0]))


def test_a_record_cut_at_its_first_arrival_peak_keeps_the_polarity(monkeypatch):
    """gprMax: a wet zone 0.8 m down and a metal pipe, each record cut where its direct wave peaks.
    Nothing else gives a phase reference on these lines (no layer reflection stands out), and
    the first arrival's phase read at the cut edge is about 100 degrees off: the wet zone read as
    a cavity and the pipe as an air body. The cut is recognised (the first arrival peaks within
    ``FIRST_ARRIVAL_CUT_PERIODS`` of the record's start) and the main lobe's sign is read instead."""
    from roadhealth.detect import prepare as prep

    s, _ = _full_wave("bw400_water_rich_09")
    cut = _cut_at_first_arrival_peak(s, 400.0)
    assert prep.first_arrival_phase(cut, 400.0) in (0.0, math.pi)
    assert list(detect(cut)["kind"]) == list(detect(s)["kind"]) == ["water_rich"]
    pipe, _ = _full_wave("bw400_pipe_09")
    pipe_cut = _cut_at_first_arrival_peak(pipe, 400.0)
    assert len(detect(pipe_cut)) == 0
    monkeypatch.setattr(prep, "FIRST_ARRIVAL_CUT_PERIODS", None)
    assert list(detect(cut)["kind"]) == ["cavity"]
    assert "cavity" in set(detect(pipe_cut)["kind"])
