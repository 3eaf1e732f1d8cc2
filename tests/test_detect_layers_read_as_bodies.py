"""Layers read as bodies: a reflector that goes on past an air body's region is an interface, not a
cavity's top (``core._continuing_reflector``, ``core.LAYER_CONTINUES_FRACTION``), and a loose call
whose interior is a bundle of parallel reflectors is layered ground, not scattering soil
(``core._layered_interior``, ``core.LAYERED_INTERIOR``). Each measure on synthetic events, on the
real geological section whose reflectors had read as a cavity and a loose zone, and on blind
full-wave bodies kept in the repository, which keep their kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import roadhealth
import roadhealth.detect.core as core

BLIND = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind"

DT = 0.1  # ns
PERIOD = 25.0  # samples (400 MHz at 0.1 ns)
N_T, N_S = 200, 400


def _ricker(n_s: int, centre: np.ndarray, amp: np.ndarray) -> np.ndarray:
    """Traces (len(centre), n_s) holding one Ricker wavelet each, at ``centre`` samples."""
    s = np.arange(n_s)[None, :] - centre[:, None]
    a = (np.pi * s / PERIOD) ** 2
    return (amp[:, None] * (1 - 2 * a) * np.exp(-a)).astype(np.float32)


def _measure(x, tr, side, n_ext=50):
    s_top = np.round(120 + 0.4 * tr).astype(np.int64)
    return core._continues(x, tr, s_top, side, n_ext, period_s=PERIOD, dip_tol_s=0.2)


def test_a_dipping_interface_continues_past_its_brightest_stretch():
    """A reflector dipping 0.4 samples per trace across the whole line, brightest over traces
    80-120: from the stretch's ends it continues over every trace looked at, on both sides."""
    t = np.arange(N_T)
    amp = np.where((t >= 80) & (t <= 120), 1.0, 0.7)
    x = _ricker(N_S, 120 + 0.4 * t, amp)
    tr = np.arange(80, 121)
    assert _measure(x, tr, +1) == 50
    assert _measure(x, tr, -1) == 50


def test_a_body_top_that_ends_in_fading_diffractions_does_not_continue():
    """The same top over traces 80-120, past which only diffraction flanks bend down (a point at
    each end, hyperbolas of 1 sample per trace squared) and fade as 1 / (1 + k / 3): a few traces
    at most, far under the interface's run."""
    t = np.arange(N_T)
    centre = 120 + 0.4 * t
    k = np.where(t > 120, t - 120, np.where(t < 80, 80 - t, 0)).astype(float)
    edge = np.where(t > 120, 120 + 0.4 * 120, 120 + 0.4 * 80)
    centre = np.where(k > 0, edge + np.sqrt((k * 2.0) ** 2 + 30.0 ** 2) - 30.0, centre)
    amp = np.where(k > 0, 0.5 / (1 + k / 3), 1.0)
    x = _ricker(N_S, centre, amp)
    tr = np.arange(80, 121)
    assert _measure(x, tr, +1) <= 5
    assert _measure(x, tr, -1) <= 5


def test_a_diffraction_flank_that_does_not_fade_is_not_followed_as_far_as_a_layer():
    """The same top whose diffraction flanks keep 0.9 of its strength (an undamped edge, a
    worst case): the run along them stops where the hyperbola leaves the window about the end's
    dip, well short of the fraction of the region's length the rule needs."""
    t = np.arange(N_T)
    k = np.where(t > 120, t - 120, np.where(t < 80, 80 - t, 0)).astype(float)
    edge = np.where(t > 120, 120 + 0.4 * 120, 120 + 0.4 * 80)
    centre = np.where(k > 0, edge + np.sqrt((k * 2.0) ** 2 + 30.0 ** 2) - 30.0, 120 + 0.4 * t)
    x = _ricker(N_S, centre, np.where(k > 0, 0.9, 1.0))
    tr = np.arange(80, 121)
    for side in (-1, +1):
        assert 0 < _measure(x, tr, side) < core.LAYER_CONTINUES_FRACTION * 50


def test_a_residual_of_the_other_sign_past_the_body_does_not_count():
    """Past the body the same event with the opposite sign (what removing a line's mean trace
    leaves beside a long void, or an interface of the other contrast): no continuation."""
    t = np.arange(N_T)
    amp = np.where((t >= 80) & (t <= 120), 1.0, -0.8)
    x = _ricker(N_S, 120 + 0.4 * t, amp)
    assert _measure(x, np.arange(80, 121), +1) == 0


def test_a_weaker_continuation_does_not_count():
    """Past the body the event goes on at a third of its amplitude (an interface of smaller
    contrast that the body's top lies on): under LAYER_CONTINUES_AMPLITUDE, no continuation."""
    t = np.arange(N_T)
    amp = np.where((t >= 80) & (t <= 120), 1.0, 0.3)
    x = _ricker(N_S, 120 + 0.4 * t, amp)
    assert _measure(x, np.arange(80, 121), +1) == 0


@pytest.mark.usefixtures("samples_dir")
def test_the_real_dipping_reflector_is_no_cavity(samples_dir, monkeypatch):
    """GSSI 400 MHz geological section (``gssi/gprpy_400mhz/FILE____032.DZT``): the brightest
    stretch of a strong reflector dipping through 11-20 m had read as a cavity at 0.96
    (13.4-15.2 m, 1.6 m down). Its event continues past the stretch in the same phase for the
    stretch's whole length: a layer. Without the rule the cavity comes back."""
    path = samples_dir / "gssi" / "gprpy_400mhz" / "FILE____032.DZT"
    d = roadhealth.detect(roadhealth.read(path))
    assert not ((d["kind"] == "cavity") & (d["distance_start_m"] > 12.5) & (d["distance_end_m"] < 16.5)).any()
    assert d.attrs["detect"]["rejected"]["reflector going on past it"] == 1  # (said apart from other layers)
    monkeypatch.setattr(core, "LAYER_CONTINUES_FRACTION", None)
    d0 = roadhealth.detect(roadhealth.read(path))
    assert ((d0["kind"] == "cavity") & (d0["distance_start_m"] > 12.5) & (d0["distance_end_m"] < 16.5)).any()


@pytest.mark.parametrize("name", ["bw400_cavity_129_clean", "bw400_cavity_79_clean", "bw400_void_01_noisy"])
def test_blind_air_bodies_keep_their_kind(name):
    """Blind full-wave lines: a cavity in one uniform soil, a cavity whose top goes on furthest of
    the clean blind cavities (0.46 of its length), a noisy void under the asphalt: each still an air
    body, its measured continuation under the rule's fraction of its length."""
    path = BLIND / f"{name}.sgy"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    s = roadhealth.read(path)
    _, cls, _ = core._analyse(s, "default", {}, classified=True)
    air = cls[cls["decision"].isin(core.AIR_KINDS)]
    assert len(air) >= 1
    length = np.maximum(1.0, (air["distance_end_m"] - air["distance_start_m"]).to_numpy(float))
    assert (air["layer_continues_m"].to_numpy(float) < core.LAYER_CONTINUES_FRACTION * length).all()


def _loose_region(x, s_top):
    """A one-row classified table (a loose call) and its strong tops over traces 60-140 of one
    channel, for :func:`core._layered_interior`."""
    t = np.arange(60, 141)
    cls = pd.DataFrame({"decision": ["loose"], "is_defect": [True], "confidence": [0.9],
                        "period_ns": [PERIOD * DT]}, index=pd.Index([1], name="label"))
    strong = pd.DataFrame({"label": 1, "c": 0, "t": t, "s_top": np.full(t.size, s_top)})
    dist = (np.arange(N_T) * 0.02)[None, :]
    return core._layered_interior(cls, strong, x[None], dist, DT, 0.1, 400.0)


def test_parallel_dipping_reflectors_under_a_loose_top_are_a_layer():
    """Five parallel reflectors dipping 1 ns/m (0.2 samples per 2 cm trace), 40 samples apart,
    under the top: coherent along their dip and nearly so at zero dip, so the call is a layer."""
    t = np.arange(N_T)
    x = sum(_ricker(N_S, 100 + 40 * i + 0.2 * t, np.ones(N_T)) for i in range(5))
    out = _loose_region(x, 100)
    assert out["decision"].iloc[0] == "layer" and not out["is_defect"].iloc[0]
    assert out["interior_dip_semblance"].iloc[0] >= 0.9


def test_steeply_dipping_reflectors_are_coherent_along_their_dip_only():
    """The bundle dipping 5 ns/m (one sample per 2 cm trace): the dip scan finds it coherent
    (the dips are in the right units), but not at zero dip, so the call stays loose (the rule is
    for gentle dips only)."""
    t = np.arange(N_T)
    x = sum(_ricker(N_S, 100 + 40 * i + 1.0 * t, np.ones(N_T)) for i in range(5))
    out = _loose_region(x, 150)
    assert out["interior_dip_semblance"].iloc[0] >= 0.9
    assert out["interior_flat_semblance"].iloc[0] < core.LAYERED_INTERIOR[1]
    assert out["decision"].iloc[0] == "loose"


def test_scattering_under_a_loose_top_stays_loose():
    """Random point scatterers (a wavelet at a random time in each trace of every 25-sample band,
    random signs) under the top: incoherent along every dip, the call stays loose."""
    rng = np.random.default_rng(3)
    x = np.zeros((N_T, N_S), np.float32)
    for band in range(130, 330, 25):
        x += _ricker(N_S, band + rng.uniform(0, 25, N_T), rng.choice([-1.0, 1.0], N_T))
    out = _loose_region(x, 100)
    assert out["decision"].iloc[0] == "loose" and out["is_defect"].iloc[0]
    assert out["interior_dip_semblance"].iloc[0] < core.LAYERED_INTERIOR[0]


@pytest.mark.usefixtures("samples_dir")
def test_the_real_bundle_of_dipping_reflectors_is_no_loose_zone(samples_dir, monkeypatch):
    """The same section's 'loose zone' at 0.98 (18.3-19.9 m, 1.6 m down) lies on a bundle of
    parallel dipping reflectors: coherent along their dip under its top, it is a layer. Without
    the rule the loose zone comes back."""
    path = samples_dir / "gssi" / "gprpy_400mhz" / "FILE____032.DZT"
    d = roadhealth.detect(roadhealth.read(path))
    assert not ((d["kind"] == "loose") & (d["distance_start_m"] > 17.5)).any()
    assert d.attrs["detect"]["rejected"]["layered interior"] == 1
    monkeypatch.setattr(core, "LAYERED_INTERIOR", None)
    d0 = roadhealth.detect(roadhealth.read(path))
    assert ((d0["kind"] == "loose") & (d0["distance_start_m"] > 17.5)).any()


@pytest.mark.parametrize("name", ["bw200_loose_05_clean", "bw400_loose_32_clean"])
def test_blind_loose_zones_keep_their_kind(name):
    """Blind full-wave loose zones: a 200 MHz zone whose interior is the most coherent along a dip
    of the clean blind loose zones (0.87), and a 400 MHz one under a faint top, both still loose."""
    path = BLIND / f"{name}.sgy"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    d = roadhealth.detect(roadhealth.read(path))
    assert "loose" in set(d["kind"])
