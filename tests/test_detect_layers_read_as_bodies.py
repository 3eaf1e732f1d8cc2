"""A reflector that goes on past an air body's region is an interface, not a cavity's top
(``core._continuing_reflector``, ``core.LAYER_CONTINUES_FRACTION``): the measure on synthetic
events (an interface, a body's top that ends in fading diffractions, a residual of the other sign),
on the real geological section whose dipping reflector had read as a cavity, and on blind
full-wave cavities kept in the repository, which keep their kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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
    return core._continues(x, tr, s_top, side, n_ext, half=12, period_s=PERIOD, dip_tol_s=0.2)


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
