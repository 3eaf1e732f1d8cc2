"""Dewow, band-pass and background removal against analytic expectations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from roadhealth import make_survey, validate
from roadhealth.errors import ProcessingError
from roadhealth.processing import (
    background_removal,
    bandpass,
    bandpass_response,
    design_bandpass,
    dewow,
)

DT = 0.05  # ns: 20 GHz sampling
F_ANT = 500.0  # MHz


def _survey(data, **kw):
    return make_survey(np.asarray(data), dt_ns=DT, antenna_mhz=F_ANT, **kw)


def test_dewow_removes_low_frequency_drift():
    n = 1024
    t = DT * np.arange(n)
    # radar-band signal the running mean leaves untouched (whole cycles in one window): 500 and
    # 1000 MHz; what remains after dewow is then exactly the drift that was not removed
    f = F_ANT / 1000
    sig = np.sin(2 * np.pi * f * t) + 0.5 * np.cos(2 * np.pi * 2 * f * t + 0.3)
    rng = np.random.default_rng(1)
    phase = rng.uniform(0, 2 * np.pi, size=(2, 5, 1))
    drift = 5.0 + 3.0 * np.sin(2 * np.pi * 0.01 * t + phase) + 0.05 * t  # DC + 10 MHz wow + trend
    data = sig + drift
    out = dewow(_survey(data))
    assert out.dtype == np.float64  # float64 in, float64 out
    w = round(1000 / F_ANT / DT)
    inner = slice(w, n - w)  # away from the ends, where the window is truncated
    resid = out.values[..., inner] - sig[inner]
    rms_sig = np.sqrt(np.mean(sig[inner] ** 2))
    assert np.sqrt(np.mean(resid**2)) < 0.01 * rms_sig
    # and the raw drift was large
    assert np.sqrt(np.mean((data[..., inner] - sig[inner]) ** 2)) > 3 * rms_sig


@pytest.mark.parametrize("method", ["median", "highpass"])
def test_dewow_other_methods_remove_dc(method):
    n = 512
    t = DT * np.arange(n)
    sig = np.sin(2 * np.pi * F_ANT / 1000 * t)
    out = dewow(_survey((sig + 7.0)[None, None, :].repeat(3, axis=1)), method=method)
    inner = slice(100, 100 + 7 * 40)  # seven whole periods
    assert abs(out.values[..., inner].mean()) < 0.02


@pytest.mark.parametrize("method", ["fft", "sos"])
def test_bandpass_matches_designed_response(method):
    n = 4096
    low, high = 150.0, 900.0
    imp = np.zeros((1, 1, n))
    imp[..., n // 2] = 1.0
    out = bandpass(_survey(imp), low_mhz=low, high_mhz=high, order=4, method=method)
    freqs = np.fft.rfftfreq(n, DT) * 1000.0
    measured = np.abs(np.fft.rfft(out.values[0, 0])) ** 2  # power ratio to the flat impulse spectrum
    sos = design_bandpass(low, high, dt_ns=DT, order=4)
    designed = bandpass_response(sos, freqs, dt_ns=DT)
    band = (freqs >= low) & (freqs <= high)
    db = 10 * np.log10(measured[band] / designed[band])
    assert np.max(np.abs(db)) < 0.5
    # the corners are where they were asked: -3 dB of the zero-phase response (+- 0.5 dB)
    corner = 10 * np.log10(bandpass_response(sos, [low, high], dt_ns=DT))
    np.testing.assert_allclose(corner, -3.0, atol=0.5)
    # roll-off: 'order' 4 is 24 dB/octave per edge far from the corner
    far = 10 * np.log10(bandpass_response(sos, [low / 8, low / 16], dt_ns=DT))
    assert 20 < far[0] - far[1] < 28


def test_bandpass_white_noise_spectrum_ratio():
    rng = np.random.default_rng(2)
    n = 2048
    x = rng.standard_normal((1, 400, n))
    low, high = 200.0, 1000.0
    out = bandpass(_survey(x), low_mhz=low, high_mhz=high, method="fft").values
    win = np.hanning(n)
    p_in = (np.abs(np.fft.rfft(x * win, axis=-1)) ** 2).mean(axis=(0, 1))
    p_out = (np.abs(np.fft.rfft(out * win, axis=-1)) ** 2).mean(axis=(0, 1))
    freqs = np.fft.rfftfreq(n, DT) * 1000.0
    sos = design_bandpass(low, high, dt_ns=DT)
    band = (freqs >= low) & (freqs <= high)
    db = 10 * np.log10(p_out[band] / p_in[band] / bandpass_response(sos, freqs[band], dt_ns=DT))
    # white-noise estimate: average over 400 traces and smoothing of 9 bins
    db = np.convolve(db, np.ones(9) / 9, mode="valid")
    assert np.max(np.abs(db)) < 0.5


def test_bandpass_float32_for_int16():
    x = (np.random.default_rng(3).standard_normal((2, 10, 256)) * 1000).astype(np.int16)
    out = bandpass(_survey(x))
    assert out.dtype == np.float32
    rec = out.attrs["history"][-1]
    assert rec["parameters"]["low_mhz"] == pytest.approx(F_ANT / 4)
    assert rec["parameters"]["high_mhz"] == pytest.approx(2 * F_ANT)


@pytest.mark.parametrize(
    "kw",
    [dict(low_mhz=900, high_mhz=100), dict(low_mhz=100, high_mhz=20000), dict(order=3),
     dict(method="iir"), dict(low_mhz=-5)],
)
def test_bandpass_bad_parameters(kw):
    x = np.zeros((1, 4, 128))
    with pytest.raises(ProcessingError):
        bandpass(_survey(x), **kw)


def _ricker(t, f_mhz):
    a = (np.pi * f_mhz / 1000 * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def test_moving_background_removes_flat_layer_keeps_hyperbola_apex():
    n_tr, n = 400, 400
    dx = 0.05  # m
    dist = dx * np.arange(n_tr)
    t = DT * np.arange(n)
    layer = _ricker(t - 4.0, F_ANT)[None, :].repeat(n_tr, axis=0)
    v = 0.1  # m/ns
    x0, t0 = dist[n_tr // 2], 12.0
    t_hyp = np.sqrt(t0**2 + (2 * (dist - x0) / v) ** 2)
    hyp = _ricker(t[None, :] - t_hyp[:, None], F_ANT)
    s = _survey(layer + hyp, distance_m=dist)
    out = background_removal(s, window_m=5.0)
    validate(out)
    rec = out.attrs["history"][-1]
    assert rec["step"] == "background_removal" and rec["parameters"]["window_m"] == 5.0
    y = out.values[0]
    i_layer = round(4.0 / DT)
    assert np.abs(y[:, i_layer - 10:i_layer + 10]).max() < 0.05  # layer gone (hyperbola is far below)
    i_apex = round(t0 / DT)
    apex = y[n_tr // 2, i_apex]
    assert apex > 0.85  # apex amplitude 1 kept
    # global mean removes the layer everywhere as well
    glob = background_removal(s).values[0]
    assert np.abs(glob[:, i_layer - 10:i_layer + 10]).max() < 0.02
    # moving median too
    med = background_removal(s, method="median", window_traces=101).values[0]
    assert np.abs(med[:, i_layer - 10:i_layer + 10]).max() < 1e-6
    assert med[n_tr // 2, i_apex] > 0.9


def test_background_window_validation():
    s = _survey(np.zeros((1, 50, 64)))
    with pytest.raises(ProcessingError):
        background_removal(s, window_traces=500)
    with pytest.raises(ProcessingError):
        background_removal(s, window_traces=11, window_m=2.0)
    with pytest.raises(ProcessingError):
        background_removal(s, method="mode")
    # auto on a short survey without measured distances: 201 traces, clamped to the survey
    out = background_removal(s, window_m="auto")
    assert out.attrs["history"][-1]["parameters"] == {"method": "mean", "window_traces": 49}


def test_design_matches_scipy_single_edge():
    """One edge only: the zero-phase -3 dB point is exact."""
    sos = design_bandpass(None, 800.0, dt_ns=DT, order=6)
    p = bandpass_response(sos, [800.0], dt_ns=DT)
    np.testing.assert_allclose(10 * np.log10(p), -3.0103, atol=1e-3)
    assert sos.shape == (2, 6)  # order 6 zero-phase = order 3 per pass (2 sections)
    assert np.allclose(signal.sosfreqz(sos, worN=[0.0], fs=1000 / DT)[1], 1.0)


def test_dewow_mean_removes_a_linear_trend_up_to_the_ends():
    # odd extension at the ends: a straight line is its own running mean, to the last sample
    n = 300
    t = DT * np.arange(n)
    for size_ns in (2.0, 2.1):  # odd and even windows (in samples)
        out = dewow(_survey((3.0 + 0.7 * t)[None, None, :]), window_ns=size_ns)
        np.testing.assert_allclose(out.values, 0.0, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("antenna_mhz", [250.0, 500.0, 1500.0])
def test_fused_dewow_bandpass_equals_the_two_steps(dtype, antenna_mhz):
    from roadhealth.processing import apply, recipe_from_history

    rng = np.random.default_rng(3)
    n = 400
    t = DT * np.arange(n)
    f = antenna_mhz / 1000
    wavelet = np.exp(-(((t - 4.0) * f * 3) ** 2)) * np.cos(2 * np.pi * f * (t - 4.0))
    data = 5.0 + 0.02 * t + wavelet + 0.05 * rng.standard_normal((2, 7, n))
    s = make_survey(data.astype(dtype), dt_ns=DT, antenna_mhz=antenna_mhz)
    recipe = [{"name": "dewow", "params": {}}, {"name": "bandpass", "params": {}}]
    fused = apply(s, recipe)
    plain = apply(s, recipe, fuse=False)
    assert fused.dtype == plain.dtype == dtype
    scale = np.abs(plain.values).max()
    # the fused pass differs only by what the band-pass carries across its extension: < 1e-4
    np.testing.assert_allclose(fused.values, plain.values, rtol=0, atol=1e-4 * scale)
    inner = slice(n // 4, -n // 4)
    np.testing.assert_allclose(fused.values[..., inner], plain.values[..., inner], rtol=0,
                               atol=2e-5 * scale)
    strip = [{k: v for k, v in r.items() if k != "time"} for r in fused.attrs["history"]]
    assert strip == [{k: v for k, v in r.items() if k != "time"} for r in plain.attrs["history"]]
    assert [st["name"] for st in recipe_from_history(fused)["steps"]] == ["dewow", "bandpass"]
    # a header word survey, or highpass dewow, is not fused (still the same result)
    hp = [{"name": "dewow", "params": {"method": "highpass"}}, {"name": "bandpass", "params": {}}]
    np.testing.assert_array_equal(apply(s, hp).values, apply(s, hp, fuse=False).values)


@pytest.mark.parametrize("size", [51, 101, 201])
def test_running_median_tracks_the_exact_one(size):
    """The median of block medians: within the noise of the exact running median on a slowly
    varying background, and as robust to a short strong target."""
    from scipy import ndimage

    from roadhealth.processing.filters import running_median

    rng = np.random.default_rng(size)
    n_tr, n = 900, 64
    tr = np.arange(n_tr)
    bg = 100.0 * np.sin(tr / 300.0)[None, :, None] * np.cos(np.arange(n) / 7.0)[None, None, :]
    x = (bg + 10.0 * rng.standard_normal((2, n_tr, n))).astype(np.float32)
    x[:, 400:400 + size // 5, 20:30] += 1000.0  # a target a fifth of the window long
    fast = running_median(x, size, axis=1)
    exact = ndimage.median_filter(x, size=(1, size, 1), mode="reflect")
    assert fast.shape == x.shape and fast.dtype == x.dtype
    err = fast - exact
    assert np.sqrt(np.mean(err**2)) < 0.25 * 10.0  # a quarter of the noise
    # the target does not leak into the background (the exact median rejects it too)
    assert np.abs(fast[:, 400:400 + size // 5, 20:30] - bg[:, 400:400 + size // 5, 20:30]).max() < 60.0
    # short windows use the exact filter
    np.testing.assert_array_equal(running_median(x, 21, axis=1),
                                  ndimage.median_filter(x, size=(1, 21, 1), mode="reflect"))


@pytest.mark.parametrize("chunks", [(1, 137, 64), (2, 400, 64), (1, 50, 64)])
def test_moving_median_background_is_the_same_on_dask(chunks):
    """The block grid of the median of medians is aligned to the survey, not to dask chunks."""
    import dask.array as da

    rng = np.random.default_rng(5)
    x = (rng.standard_normal((2, 1500, 64)) + 5 * np.sin(np.arange(1500) / 200)[None, :, None]).astype(np.float32)
    dist = np.arange(1500) * 0.05
    ref = background_removal(_survey(x, distance_m=dist), method="median", window_traces=201).values
    lazy = make_survey(da.from_array(x, chunks=chunks), dt_ns=DT, antenna_mhz=F_ANT, distance_m=dist)
    np.testing.assert_array_equal(background_removal(lazy, method="median", window_traces=201).values, ref)


@pytest.mark.parametrize("step", ["bandpass", "dewow", "envelope", "coherence", "agc"])
def test_filters_leave_the_header_words_zero(step):
    """The samples that stand for GSSI scan counters and marks carry no filter response."""
    import roadhealth.processing as rp

    x = np.random.default_rng(0).standard_normal((1, 10, 512))
    x[..., :2] = 1000.0
    s = make_survey(x, dt_ns=DT, antenna_mhz=F_ANT, attrs={"header_words": 2})
    out = rp.STEPS[step](s)
    assert out.attrs["header_words"] == 2
    assert np.all(out.values[..., :2] == 0)
