"""Gains against analytic expectations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from roadhealth import make_survey, validate
from roadhealth.errors import ProcessingError
from roadhealth.processing import agc, exp_gain, gain_curve, sec_gain, tpower_gain

DT = 0.1
F = 500.0


def _decaying(n_tr=20, n=1024, tau=15.0, seed=0):
    rng = np.random.default_rng(seed)
    t = DT * np.arange(n)
    return rng.standard_normal((2, n_tr, n)) * np.exp(-t / tau), t


def test_agc_output_has_near_constant_rms():
    x, _t = _decaying()
    s = make_survey(x, dt_ns=DT, antenna_mhz=F)
    out = agc(s, window_ns=10.0)
    validate(out)
    y = out.values
    rms = np.sqrt(ndimage.uniform_filter1d(y**2, 100, axis=-1).mean(axis=(0, 1)))
    inner = rms[100:-100]
    assert inner.min() > 0.85 and inner.max() < 1.15
    # before AGC the RMS spans orders of magnitude
    raw = np.sqrt(ndimage.uniform_filter1d(x**2, 100, axis=-1).mean(axis=(0, 1)))[100:-100]
    assert raw.max() / raw.min() > 100


def test_tpower_and_exp_gain_curves_are_exact():
    x = np.ones((1, 3, 200))
    s = make_survey(x, dt_ns=DT, antenna_mhz=F, time_zero_ns=-2.0)
    t = s.coords["twt_ns"].values
    out = tpower_gain(s, power=2.0, start_ns=2.0, max_gain_db=None, stop_ns=None)
    expected = np.where(t > 2.0, (t / 2.0) ** 2, 1.0)
    np.testing.assert_allclose(out.values[0, 0], expected, rtol=1e-12)
    out = exp_gain(s, alpha_db_per_ns=1.0, start_ns=1.0, max_gain_db=None, stop_ns=None)
    expected = np.where(t > 1.0, 10 ** ((t - 1.0) / 20), 1.0)  # 1 dB/ns of amplitude
    np.testing.assert_allclose(out.values[0, 0], expected, rtol=1e-12)
    out = sec_gain(s, power=1.0, alpha_db_per_ns=0.5, start_ns=1.0, max_gain_db=20.0, stop_ns=None)
    g = gain_curve(t, power=1.0, alpha_db_per_ns=0.5, start_ns=1.0, max_gain_db=20.0)
    np.testing.assert_allclose(out.values[0, 0], g)
    assert g.max() == pytest.approx(10.0)


def test_sec_auto_recovers_attenuation():
    rng = np.random.default_rng(4)
    n = 800
    t = DT * np.arange(n)
    alpha_db = 0.8  # dB/ns
    amp = np.where(t > 1, 1 / np.maximum(t, 1), 1.0) * 10 ** (-alpha_db * np.maximum(t - 1, 0) / 20)
    x = rng.standard_normal((1, 200, n)) * amp
    s = make_survey(x, dt_ns=DT, antenna_mhz=F)
    out = sec_gain(s, power=1.0, start_ns=1.0, max_gain_db=None)
    est = out.attrs["history"][-1]["parameters"]["alpha_db_per_ns"]
    assert est == pytest.approx(alpha_db, rel=0.1)


def test_gain_bad_parameters():
    s = make_survey(np.ones((1, 2, 50)), dt_ns=DT, antenna_mhz=F)
    with pytest.raises(ProcessingError):
        exp_gain(s, alpha_db_per_ns=-1.0)
    with pytest.raises(ProcessingError):
        agc(s, window_ns=0.0)
    with pytest.raises(ProcessingError):
        tpower_gain(s, start_ns=-2)


def _echoes_then_noise(n_tr=200, n=2000, t_signal_ns=60.0, noise=0.01, seed=2):
    """Spherically spreading echoes down to ``t_signal_ns``, then only receiver noise."""
    rng = np.random.default_rng(seed)
    t = DT * np.arange(n)
    amp = np.where(t < t_signal_ns, 1.0 / np.maximum(t, 1.0), 0.0)
    x = rng.standard_normal((1, n_tr, n)) * amp + noise * rng.standard_normal((1, n_tr, n))
    return make_survey(x, dt_ns=DT, antenna_mhz=F), t


def test_tpower_gain_is_capped_by_default():
    s, _ = _echoes_then_noise()
    out = tpower_gain(s, power=2.0, start_ns=1.0, stop_ns=None)
    gain = out.values[0].std(axis=0) / np.maximum(s.values[0].std(axis=0), 1e-30)
    assert gain.max() == pytest.approx(100.0, rel=0.05)  # 40 dB
    assert out.attrs["history"][-1]["parameters"]["max_gain_db"] == 40.0


def test_gain_stops_growing_at_the_noise_floor():
    from roadhealth.processing.gain import noise_floor_ns

    s, t = _echoes_then_noise(t_signal_ns=60.0)
    stop = noise_floor_ns(s, start_ns=1.0)
    assert 50.0 < stop < 70.0  # where the echoes end and the noise begins
    out = tpower_gain(s, power=1.0, start_ns=1.0)
    rec = out.attrs["history"][-1]["parameters"]
    assert rec["stop_ns"] == pytest.approx(stop)
    g = gain_curve(t, power=1.0, start_ns=1.0, max_gain_db=40.0, stop_ns=stop)
    assert np.all(g[t >= stop] == g[np.argmax(t >= stop)])  # flat below the stop
    # the deep noise is amplified no more than the last echoes
    deep = out.values[0][:, t > 150].std()
    unstopped = tpower_gain(s, power=1.0, start_ns=1.0, stop_ns=None,
                            max_gain_db=None).values[0][:, t > 150].std()
    assert deep < 0.5 * unstopped
    # and a record that never reaches its noise floor is left alone: the stop is at its end
    short = s.isel(sample=slice(0, 500))
    assert noise_floor_ns(short, start_ns=1.0) > 0.9 * float(short.twt_ns[-1])


def test_gain_parameters_are_checked():
    s, _ = _echoes_then_noise(n_tr=3, n=100)
    with pytest.raises(ProcessingError, match="max_gain_db"):
        tpower_gain(s, max_gain_db=-3)
    with pytest.raises(ProcessingError, match="stop_ns"):
        tpower_gain(s, stop_ns="soon")
