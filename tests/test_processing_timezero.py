"""Time-zero picking and alignment: drifting synthetic traces, outlier picks, and real field files."""

from __future__ import annotations

import numpy as np
import pytest

from roadhealth import make_survey, validate
from roadhealth.errors import ProcessingError
from roadhealth.processing import pick_time_zero, time_zero

DT = 0.1  # ns
F = 900.0  # MHz


def _ricker(t, f_mhz=F):
    a = (np.pi * f_mhz / 1000 * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _jittered(n_chan=3, n_tr=60, n=256, t0=6.0, jitter_ns=2.0, noise=0.01, seed=0, extra=None):
    """Traces whose arrival drifts slowly (antenna bounce, thermal drift): +- jitter_ns over half a
    period of the survey's length, a different phase per channel (integer + fractional samples)."""
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * np.pi, size=(n_chan, 1))
    shifts = jitter_ns * np.sin(np.pi * np.arange(n_tr) / n_tr + phase)
    t = DT * np.arange(n)
    arr = t0 + shifts
    data = _ricker(t - arr[..., None]) + 0.3 * _ricker(t - arr[..., None] - 8.0)  # surface + a layer
    if extra is not None:
        data = data + extra(t, arr)
    data += noise * rng.standard_normal(data.shape)
    return data, arr


def _peak_times(y, t):
    """Time of the envelope peak per trace, with parabolic refinement, ns."""
    k = np.argmax(np.abs(y), axis=-1)
    k = np.clip(k, 1, y.shape[-1] - 2)
    a = np.abs(np.take_along_axis(y, (k - 1)[..., None], -1))[..., 0]
    b = np.abs(np.take_along_axis(y, k[..., None], -1))[..., 0]
    c = np.abs(np.take_along_axis(y, (k + 1)[..., None], -1))[..., 0]
    return t[k] + DT * 0.5 * (a - c) / (a - 2 * b + c)


@pytest.mark.parametrize("interpolation", ["linear", "fft", "nearest"])
def test_alignment_within_one_sample(interpolation):
    data, _arr = _jittered()
    s = make_survey(data, dt_ns=DT, antenna_mhz=F, time_zero_ns=-1.0)
    out = time_zero(s, threshold=0.2, pre_ns=1.0, interpolation=interpolation, per="trace")
    validate(out)
    assert out.attrs["history"][-1]["step"] == "time_zero"
    assert len(out.attrs["history"]) == 1
    t = out.coords["twt_ns"].values
    assert t[0] == pytest.approx(-1.0) and np.allclose(np.diff(t), DT)
    peaks = _peak_times(out.values, t)
    # every trace's wavelet now at the same time, within one sample (fractional shifts included);
    # the nearest-sample shift leaves up to half a sample each way
    assert np.ptp(peaks) < (2 * DT if interpolation == "nearest" else DT)
    # and twt_ns = 0 is the surface: the peak of the surface wavelet, within one sample
    assert np.all(np.abs(peaks) < DT)
    # reference="onset": 0 is the wavelet's start instead, its peak a fixed fraction of a period later
    s0 = time_zero(s, threshold=0.2, reference="onset", per="trace")
    onset = _peak_times(s0.values, s0.twt_ns.values)
    assert np.ptp(onset) < 2 * DT
    assert 2 * DT < np.median(onset) < 1000 / F


def test_picks_track_the_jitter():
    data, arr = _jittered(noise=0.02, seed=3)
    s = make_survey(data, dt_ns=DT, antenna_mhz=F)
    picks = pick_time_zero(s, threshold=0.2).values
    offset = picks - arr
    # a constant offset (the onset precedes the peak), to within one sample on every trace
    assert np.max(np.abs(offset - np.median(offset))) < DT


def test_surface_pick_skips_direct_wave():
    # air-coupled: a fixed direct wave at 3 ns, then the surface reflection at 6 ns +- jitter
    def direct(t, arr):
        return 1.5 * _ricker(t - 3.0)[None, None, :]

    data, arr = _jittered(extra=direct, jitter_ns=1.0, seed=5)
    s = make_survey(data, dt_ns=DT, antenna_mhz=F)
    first = pick_time_zero(s, threshold=0.2).values
    assert np.ptp(first) < DT  # the direct wave does not move
    surf = pick_time_zero(s, threshold=0.2, pick="surface", skip_ns=1.5).values
    assert np.ptp(surf - arr) < DT
    out = time_zero(s, pick="surface", skip_ns=1.5, pre_ns=4.0)
    rec = out.attrs["history"][-1]["parameters"]
    assert rec["pick"] == "surface" and rec["skip_ns"] == 1.5 and rec["per"] == "trace"  # auto
    t = out.coords["twt_ns"].values
    late = t > -0.5  # after the (now jittered) direct wave
    peaks = _peak_times(out.values[..., late], t[late])
    assert np.ptp(peaks) < DT


def test_header_words_are_ignored():
    data, arr = _jittered(n_chan=1, n_tr=60, seed=7)
    data[..., :2] = 30.0  # GSSI header words: not radar samples, larger than any echo
    s = make_survey(data, dt_ns=DT, antenna_mhz=F, attrs={"header_words": 2})
    picks = pick_time_zero(s).values
    assert np.ptp(picks - arr) < DT
    out = time_zero(s, per="trace")
    validate(out)
    assert out.attrs["header_words"] == 0
    assert np.abs(out.values).max() < 2.0  # the header values never enter the data


def test_dask_equals_numpy():
    import dask.array as da
    data, _ = _jittered(n_tr=90)
    s = make_survey(data.astype(np.float32), dt_ns=DT, antenna_mhz=F)
    ref = time_zero(s, interpolation="fft", per="trace").values
    lazy = make_survey(da.from_array(data.astype(np.float32), chunks=(2, 25, 64)), dt_ns=DT, antenna_mhz=F)
    out = time_zero(lazy, interpolation="fft", per="trace")
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.values, ref, atol=1e-6)


@pytest.mark.parametrize("kw", [dict(threshold=1.5), dict(pick="last"), dict(interpolation="cubic"),
                                dict(pre_ns=-1.0), dict(pick="surface", skip_ns=-1)])
def test_bad_parameters(kw):
    s = make_survey(np.zeros((1, 3, 32)), dt_ns=DT, antenna_mhz=F)
    with pytest.raises(ProcessingError):
        time_zero(s, **kw)


@pytest.mark.parametrize("interpolation", ["linear", "nearest", "fft"])
def test_per_channel_shift_is_one_time_per_channel(interpolation):
    """Ground-coupled arrays: each channel keeps its own constant time zero; a few wild picks do
    not move it, and the fast per-channel path equals the general per-trace shifter."""
    import dask.array as da

    from roadhealth.processing.timezero import _shift_kernel

    rng = np.random.default_rng(11)
    n_tr, n = 80, 256
    t = DT * np.arange(n)
    t0 = np.array([5.0, 5.37, 6.02])[:, None] * np.ones((1, n_tr))
    data = _ricker(t - t0[..., None]) + 0.3 * _ricker(t - t0[..., None] - 8.0)
    data[1, 10] = 3 * _ricker(t - 1.0)  # one trace with a strong early spike: a wild pick
    data += 0.01 * rng.standard_normal(data.shape)
    s = make_survey(data.astype(np.float32), dt_ns=DT, antenna_mhz=F)
    out = time_zero(s, per="channel", interpolation=interpolation, pre_ns=1.0)
    qc = out.attrs["time_zero_qc"]
    assert qc["picks_rejected"] >= 1
    # every channel's surface peak lands at 0 (nearest: within half a sample)
    peaks = _peak_times(np.delete(out.values, 10, axis=1), out.twt_ns.values)
    assert np.all(np.abs(peaks) < DT)
    # the same as shifting every trace of the channel by the channel's time zero
    shift = ((np.array(qc["channel_time_zero_ns"]) - 1.0) / DT)[:, None] * np.ones((1, n_tr))
    if interpolation == "nearest":
        shift = np.rint(shift)
    full = _shift_kernel(s.values.astype(np.float32), shift, 0, interpolation)
    k_lo = qc["samples_trimmed_top"]
    np.testing.assert_allclose(out.values, full[..., k_lo:k_lo + out.sizes["sample"]], atol=2e-3)
    lazy = make_survey(da.from_array(data.astype(np.float32), chunks=(2, 30, n)), dt_ns=DT, antenna_mhz=F)
    np.testing.assert_allclose(time_zero(lazy, per="channel", interpolation=interpolation, pre_ns=1.0).values,
                               out.values, atol=1e-6)
