"""Attributes against analytic expectations."""

from __future__ import annotations

import numpy as np
import pytest

from roadhealth import make_survey, validate
from roadhealth.processing import (
    attenuation,
    coherence,
    dominant_frequency,
    energy_ratio,
    envelope,
    instantaneous_frequency,
    instantaneous_phase,
)

DT = 0.05
F = 800.0


def test_envelope_of_modulated_sinusoid():
    n = 2048
    t = DT * np.arange(n)
    env = 1.0 + 0.5 * np.sin(2 * np.pi * 0.02 * t)  # 20 MHz modulation
    x = env * np.cos(2 * np.pi * F / 1000 * t + 0.4)
    s = make_survey(np.broadcast_to(x, (1, 3, n)).copy(), dt_ns=DT, antenna_mhz=F)
    out = envelope(s)
    validate(out)
    inner = slice(100, n - 100)
    np.testing.assert_allclose(out.values[0, 1, inner], env[inner], atol=0.01)
    f = instantaneous_frequency(s).values[0, 1, inner]
    np.testing.assert_allclose(np.median(f), F, rtol=0.01)
    ph = instantaneous_phase(s).values[0, 1, inner]
    expected = np.angle(np.exp(1j * (2 * np.pi * F / 1000 * t[inner] + 0.4)))
    assert np.max(np.abs(np.angle(np.exp(1j * (ph - expected))))) < 0.02
    dom = dominant_frequency(s).values[0, 1, inner]
    np.testing.assert_allclose(dom, F, rtol=0.02)


def test_dominant_frequency_follows_a_step_in_frequency():
    n = 2048
    t = DT * np.arange(n)
    f = np.where(t < t[n // 2], 400.0, 1200.0)
    x = np.cos(2 * np.pi * np.cumsum(f / 1000) * DT)
    s = make_survey(x[None, None], dt_ns=DT, antenna_mhz=F)
    dom = dominant_frequency(s, window_ns=5.0).values[0, 0]
    assert dom[200] == pytest.approx(400, rel=0.03)
    assert dom[-200] == pytest.approx(1200, rel=0.03)


def test_energy_ratio_and_attenuation_per_trace():
    n = 1000
    t = DT * np.arange(n)
    rng = np.random.default_rng(0)
    alpha = np.array([0.5, 2.0])[:, None, None]  # dB/ns
    x = rng.standard_normal((2, 50, n)) * 10 ** (-alpha * t / 20)
    s = make_survey(x, dt_ns=DT, antenna_mhz=F)
    att = attenuation(s, start_ns=2.0, end_ns=40.0)
    assert att.dims == ("channel", "trace")
    np.testing.assert_allclose(att.values.mean(axis=1), [0.5, 2.0], rtol=0.1)
    er = energy_ratio(s, split_ns=10.0)
    assert er.attrs["history"][-1]["step"] == "energy_ratio"
    # analytic: energy decays as 10^(-alpha t / 10)
    def expected(a):
        k = a * np.log(10) / 10
        top = (1 - np.exp(-k * 10.0)) / k
        bot = (np.exp(-k * 10.0) - np.exp(-k * t[-1])) / k
        return 10 * np.log10(bot / top)
    np.testing.assert_allclose(er.values.mean(axis=1), [expected(0.5), expected(2.0)], atol=0.6)


def test_coherence_high_for_flat_layers_low_for_noise():
    n_tr, n = 100, 400
    t = DT * np.arange(n)
    rng = np.random.default_rng(1)
    layer = np.cos(2 * np.pi * F / 1000 * t)[None, None, :].repeat(n_tr, axis=1)
    noise = rng.standard_normal((1, n_tr, n))
    s = make_survey(np.concatenate([layer, noise], axis=0), dt_ns=DT, antenna_mhz=F)
    c = coherence(s, window_traces=9)
    validate(c)
    assert c.values[0].min() > 0.99
    assert c.values[1].mean() == pytest.approx(1 / 9, abs=0.06)


def test_attributes_dask_equal_numpy():
    import dask.array as da
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 60, 128)).astype(np.float32)
    s = make_survey(x, dt_ns=DT, antenna_mhz=F)
    lazy = make_survey(da.from_array(x, chunks=(1, 16, 64)), dt_ns=DT, antenna_mhz=F)
    for f in (envelope, dominant_frequency, lambda v: coherence(v, window_traces=7)):
        np.testing.assert_allclose(f(lazy).values, f(s).values, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(attenuation(lazy).values, attenuation(s).values, rtol=1e-5)
