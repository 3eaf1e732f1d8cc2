"""roadhealth.processing.decimate_samples: anti-aliased decimation of oversampled traces."""

from __future__ import annotations

import numpy as np
import pytest

import roadhealth.processing as rp
from roadhealth.errors import ProcessingError
from roadhealth.survey import make_survey


def _ricker(t_ns, f_mhz, t0_ns):
    a = (np.pi * f_mhz * 1e-3 * (t_ns - t0_ns)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _survey(dt_ns, n, f_mhz=400.0, antenna=True, n_traces=5):
    t = np.arange(n) * dt_ns
    tr = _ricker(t, f_mhz, 6.0) - 0.4 * _ricker(t, f_mhz, 17.3)
    data = np.broadcast_to(tr, (2, n_traces, n)).astype(np.float32) * np.arange(1, n_traces + 1)[None, :, None]
    return make_survey(np.ascontiguousarray(data), dt_ns=dt_ns, antenna_mhz=f_mhz if antenna else None)


def test_decimated_traces_are_the_band_limited_trace_at_the_coarser_interval():
    fine = _survey(0.0125, 3200)  # 200 samples per period at 400 MHz
    coarse = _survey(0.1, 400)
    out = rp.decimate_samples(fine, factor=8)
    assert out.shape == coarse.shape
    assert out.attrs["dt_ns"] == pytest.approx(0.1)
    np.testing.assert_allclose(out.coords["twt_ns"].values, coarse.coords["twt_ns"].values)
    peak = np.abs(coarse.values).max()
    # away from the record's ends (the filter's edge) the samples are the coarse record's
    assert np.abs(out.values[..., 20:-20] - coarse.values[..., 20:-20]).max() < 2e-3 * peak
    rec = out.attrs["history"][-1]
    assert rec["step"] == "decimate_samples" and rec["parameters"]["factor"] == 8


def test_plain_subsampling_would_alias_but_decimation_does_not():
    # a 3 GHz tone sampled every 0.05 ns (Nyquist 10 GHz), decimated by 4 (Nyquist 2.5 GHz): gone
    s = _survey(0.05, 2000)
    t = s.coords["twt_ns"].values
    tone = s.copy(data=(s.values + 0.5 * np.sin(2 * np.pi * 3.0 * t)).astype(np.float32))
    out = rp.decimate_samples(tone, factor=4)
    clean = rp.decimate_samples(s, factor=4)
    assert np.abs(out.values - clean.values)[..., 40:-40].max() < 0.02
    assert np.abs(tone.values[..., ::4] - s.values[..., ::4]).max() > 0.3  # what plain subsampling keeps


@pytest.mark.parametrize(("dt_ns", "expected"), [(0.0125, 8), (0.013, 8), (0.1, 1), (0.0625, 2), (0.07, 1),
                                                 (0.005, 21)])
def test_auto_factor_brings_the_rate_nearest_24_samples_per_period(dt_ns, expected):
    # 400 MHz: 2.5 ns period; 0.013 ns is 192 samples per period, a hair under 8 x 24
    s = _survey(dt_ns, 64)
    assert rp.auto_decimation(s) == expected
    if expected > 1:
        per_period = 2.5 / (dt_ns * expected)
        assert 16 <= per_period <= 36


def test_auto_factor_uses_the_estimated_frequency_without_an_antenna():
    s = _survey(0.0125, 3200, antenna=False)
    assert rp.auto_decimation(s) == 8
    out = rp.decimate_samples(s)
    assert out.sizes["sample"] == 400


def test_factor_one_changes_nothing_but_the_history():
    s = _survey(0.1, 400)
    out = rp.decimate_samples(s)
    np.testing.assert_array_equal(out.values, s.values)
    assert out.attrs["history"][-1]["parameters"]["factor"] == 1
    assert len(s.attrs["history"]) == len(out.attrs["history"]) - 1


def test_dask_backed_survey_gives_the_same_result():
    import dask.array as da

    s = _survey(0.0125, 1600)
    lazy = s.copy(data=da.from_array(s.values, chunks=(1, 2, 400)))
    out = rp.decimate_samples(lazy, factor=8)
    assert hasattr(out.data, "dask")
    np.testing.assert_allclose(out.values, rp.decimate_samples(s, factor=8).values, rtol=1e-5, atol=1e-6)


def test_depth_coordinate_along_samples_is_kept_aligned():
    s = _survey(0.0125, 800)
    s = s.assign_coords(depth_m=("sample", 0.05 * s.coords["twt_ns"].values))
    out = rp.decimate_samples(s, factor=4)
    np.testing.assert_allclose(out.coords["depth_m"].values, 0.05 * out.coords["twt_ns"].values)


def test_as_a_recipe_step():
    s = _survey(0.0125, 800)
    out = rp.apply(s, {"name": "r", "steps": [{"name": "decimate_samples", "params": {"factor": 4}}]})
    assert out.sizes["sample"] == 200


@pytest.mark.parametrize("factor", [0, -2, 1.5, "two", True])
def test_bad_factor_is_a_clear_error(factor):
    with pytest.raises(ProcessingError, match="factor must be a positive integer"):
        rp.decimate_samples(_survey(0.0125, 64), factor=factor)


def test_a_factor_that_leaves_one_sample_is_refused():
    with pytest.raises(ProcessingError, match="at least 2 are needed"):
        rp.decimate_samples(_survey(0.0125, 8), factor=8)
