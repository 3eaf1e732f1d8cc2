"""roadhealth.processing.declip: clipped traces restored as band-limited signals, and detection on
a record whose direct wave saturated."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import roadhealth
import roadhealth.processing as rp
from roadhealth.errors import ProcessingError
from roadhealth.processing.declip import MAX_RUN_PERIODS, clipped_run_periods
from roadhealth.survey import make_survey

BLIND = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind"


def _ricker(t, f_ghz, t0):
    a = (np.pi * f_ghz * (t - t0)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _traces(n_trace=30, dt=0.1, n=400, f_mhz=400.0, seed=0):
    """A direct wave (strong, the same on every trace) and weaker reflections varying along track."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * dt
    direct = 10.0 * _ricker(t, f_mhz * 1e-3, 4.0)
    refl = np.stack([0.8 * _ricker(t, f_mhz * 1e-3, 12.0 + 3 * np.sin(i / 5)) + 0.3 * _ricker(t, f_mhz * 1e-3, 25.0 + i * 0.1)
                     for i in range(n_trace)])
    x = direct[None, :] + refl + 0.001 * rng.standard_normal((n_trace, n))
    return make_survey(x[None].astype(np.float64), dt_ns=dt, distance_m=np.arange(n_trace) * 0.05, antenna_mhz=f_mhz)


def _clip(s, level):
    x = s.values
    m = level * np.abs(x).max()
    return s.copy(data=np.clip(x, -m, m))


def test_a_mildly_clipped_record_is_restored():
    s = _traces()
    c = _clip(s, 0.6)
    assert rp.clipped_fraction(c) == 1.0 and rp.clipped_fraction(s) == 0.0
    assert 0.1 < clipped_run_periods(c) <= MAX_RUN_PERIODS
    d = rp.declip(c)
    err = np.sqrt(np.mean((d.values - s.values) ** 2)) / np.sqrt(np.mean(s.values ** 2))
    err_clipped = np.sqrt(np.mean((c.values - s.values) ** 2)) / np.sqrt(np.mean(s.values ** 2))
    assert err_clipped > 0.15 and err < 0.01
    # the samples that were not clipped are untouched, the restored ones lie beyond the rails
    free = np.abs(c.values) < 0.6 * np.abs(s.values).max() * (1 - 1e-6)
    np.testing.assert_array_equal(d.values[free], c.values[free])
    assert np.abs(d.values).max() > 0.95 * np.abs(s.values).max()
    rec = d.attrs["history"][-1]
    assert rec["step"] == "declip" and rec["parameters"]["clipped_trace_fraction"] == 1.0


def test_an_unclipped_record_is_left_as_it_is():
    s = _traces()
    s.values[0, 3, 50] = s.values.max()  # one sample touching the maximum is a peak, not a rail
    assert rp.clipped_fraction(s) == 0.0
    d = rp.declip(s)
    np.testing.assert_array_equal(d.values, s.values)
    assert d.attrs["history"][-1]["parameters"]["clipped_trace_fraction"] == 0.0


def test_a_deep_clip_is_measured_as_long_runs():
    s = _traces()
    assert clipped_run_periods(_clip(s, 0.25)) > MAX_RUN_PERIODS > clipped_run_periods(_clip(s, 0.7))
    assert clipped_run_periods(s) == 0.0


def test_dask_and_numpy_agree():
    c = _clip(_traces(), 0.6)
    lazy = c.chunk({"trace": 7})
    out = rp.declip(lazy)
    assert out.chunks is not None
    np.testing.assert_allclose(out.values, rp.declip(c).values, rtol=0, atol=1e-9)


def test_bad_parameters_are_processing_errors():
    c = _clip(_traces(), 0.6)
    with pytest.raises(ProcessingError, match="cutoff_mhz"):
        rp.declip(c, cutoff_mhz=-1)
    with pytest.raises(ProcessingError, match="iterations"):
        rp.declip(c, iterations=0)


def _blind(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.read(BLIND / f"{name}.sgy", interval_unit="ps")


def test_detect_restores_a_saturated_direct_wave(monkeypatch):
    """A blind 900 MHz void under the asphalt, its record clipped at 0.6 of the peak: read as
    clipped, the surface's amplitude is cut and the void is called a wet zone; declipped, it is
    the void found on the unclipped record."""
    import roadhealth.detect.prepare as prep

    s = _blind("bw900_void_10_clean")
    c = _clip(s.astype(np.float64), 0.6)
    ref = roadhealth.detect(s)
    got = roadhealth.detect(c)
    assert list(got["kind"]) == list(ref["kind"]) == ["void"]
    assert any("clipped at the recorder's rails" in n for n in got.attrs["detect"]["notes"])
    np.testing.assert_allclose(got["depth_top_m"], ref["depth_top_m"], atol=0.02)
    monkeypatch.setattr(prep, "CLIPPED_MIN_FRACTION", 2.0)  # as it was before: used as clipped
    assert list(roadhealth.detect(c)["kind"]) != ["void"]


def test_detect_leaves_a_deep_clip_as_recorded():
    s = _blind("bw900_void_10_clean")
    d = roadhealth.detect(_clip(s.astype(np.float64), 0.25))
    assert any("too long to restore" in n for n in d.attrs["detect"]["notes"])


def test_header_words_are_not_rails_and_coarse_integers_need_longer_runs():
    clean = _traces()
    s = _clip(clean, 0.6)
    x = s.values.copy()
    x[..., :2] = 1e6  # header samples, far beyond the data
    h = s.copy(data=x).assign_attrs(header_words=2)
    assert rp.clipped_fraction(h) == 1.0
    out = rp.declip(h).values[..., 2:]
    ref = clean.values[..., 2:]
    assert np.sqrt(np.mean((out - ref) ** 2)) / np.sqrt(np.mean(ref ** 2)) < 0.01
    # 8-bit data: an unclipped peak between two samples repeats its level, which is no rail
    q = np.round(_traces().values / np.abs(_traces().values).max() * 120).astype(np.int8)
    q[0, :, 40:42] = q.max()  # two samples at the top on every trace
    eight = make_survey(q, dt_ns=0.1, distance_m=np.arange(q.shape[1]) * 0.05, antenna_mhz=400.0)
    assert rp.clipped_fraction(eight) == 0.0
    q[0, :, 40:43] = q.max()  # three: a rail
    assert rp.clipped_fraction(eight.copy(data=q)) == 1.0
    # a non-finite sample does not hide the rails
    y = s.values.copy()
    y[0, 0, 5] = np.inf
    assert rp.clipped_fraction(s.copy(data=y)) == 1.0


def test_a_direct_wave_at_the_first_samples_is_restored_too():
    s = _traces()
    t = np.asarray(s.twt_ns.values)
    early = s.copy(data=s.values + 10.0 * _ricker(t, 0.4, 1.2)[None, None, :] - 10.0 * _ricker(t, 0.4, 4.0)[None, None, :])
    c = _clip(early, 0.6)  # the record starts inside the wavelet; its first lobe is clipped

    def err(y):
        return np.sqrt(np.mean((y - early.values) ** 2)) / np.sqrt(np.mean(early.values ** 2))

    assert err(c.values) > 0.2 and err(rp.declip(c).values) < 0.02


def test_prepare_declips_before_decimating():
    """An oversampled record (a full-wave simulation's every step) is low-passed by the
    decimation, which rounds the flat runs off: it is declipped first."""
    from roadhealth.detect.prepare import prepare

    s = _traces(dt=0.02, n=2000)  # 125 samples per period: decimated by detection
    c = _clip(s, 0.6)
    notes = prepare(c).notes
    assert any("clipped samples restored" in n for n in notes) and any("decimated" in n for n in notes)
