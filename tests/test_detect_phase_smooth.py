"""The phase of a top read along its smoothed arrival time (``phase_consistency_smooth``,
``features.SMOOTH_TOP_TRACES``): in noise a column's envelope maximum jitters around the wavelet's
own peak and the phase read there turns with it, so one reflector looks like many; read at the
running median of the region's top times it keeps one phase, while random scatterers stay random.
The wet-zone rule takes the better of the two readings (``classify.scores``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import roadhealth.detect.features as F
from roadhealth.detect.candidates import attributes, regions
from roadhealth.detect.classify import scores
from roadhealth.detect.features import column_records, region_features

DT_NS, MHZ, SPACING_M = 0.1, 400.0, 0.02


def _ricker(t_ns, f_mhz):
    a = (np.pi * f_mhz * 1e-3 * t_ns) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _features(x, d):
    att = attributes(x, dt_ns=DT_NS, centre_mhz=MHZ, surface_ns=0.0, t0_ns=0.0, spacing_m=SPACING_M,
                     velocity_m_per_ns=0.1)
    reg = regions(att)
    recs = column_records(att, reg)
    f, _ = region_features(att, reg, dt_ns=DT_NS, t0_ns=0.0, surface_ns=0.0, centre_mhz=MHZ,
                           velocity_m_per_ns=0.1, distance_m=d[None, :], offset_m=np.zeros(1), records=recs)
    return f


def _flat_reflector_in_noise(noise, seed=5, n_t=301, n_s=400):
    """One channel, 6 m at 2 cm: a reflector 1.6 m long at 20 ns in the line's middle (one
    400 MHz wavelet along it) in white noise of RMS ``noise`` (the wavelet's peak is 1)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_s) * DT_NS
    d = np.arange(n_t) * SPACING_M
    x = (noise * rng.standard_normal((1, n_t, n_s))).astype(np.float32)
    on = np.abs(d - d.mean()) <= 0.8
    x[0, on] += _ricker(t - 20.0, MHZ).astype(np.float32)
    return x, d


def _scatterers_in_noise(seed=7, n_t=301, n_s=400, n=60):
    """The same line with ``n`` point scatterers of random sign and strength at random times
    18-24 ns under 1.6 m of it: no one wavelet along any top."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_s) * DT_NS
    d = np.arange(n_t) * SPACING_M
    x = (0.02 * rng.standard_normal((1, n_t, n_s))).astype(np.float32)
    xs = rng.uniform(d.mean() - 0.8, d.mean() + 0.8, n)
    ts = rng.uniform(18.0, 24.0, n)
    amp = rng.choice([-1.0, 1.0], n) * rng.uniform(0.3, 1.0, n)
    for x0, t0, a in zip(xs, ts, amp, strict=True):  # (a test fixture: a few dozen scatterers)
        th = np.sqrt(t0 ** 2 + (2 * (d - x0) / 0.1) ** 2)
        near = np.abs(d - x0) <= 0.25
        x[0, near] += (a * _ricker(t[None, :] - th[near, None], MHZ)).astype(np.float32)
    return x, d


def test_a_reflector_whose_picks_noise_jitters_keeps_one_phase_along_its_smoothed_top():
    x, d = _flat_reflector_in_noise(0.3)
    f = _features(x, d)
    r = f.loc[f["z_peak"].idxmax()]
    # the picks jitter: read at each column's own envelope maximum the phases scatter
    assert r["phase_consistency"] < 0.75
    # along the smoothed top they are one wavelet's again
    assert r["phase_consistency_smooth"] > 0.9
    assert r["phase_consistency_smooth"] > r["phase_consistency"] + 0.1


def test_without_noise_both_readings_agree():
    x, d = _flat_reflector_in_noise(0.001)
    f = _features(x, d)
    r = f.loc[f["z_peak"].idxmax()]
    assert r["phase_consistency"] > 0.95
    assert r["phase_consistency_smooth"] == pytest.approx(r["phase_consistency"], abs=0.02)


def test_random_scatterers_stay_incoherent_along_a_smoothed_top():
    x, d = _scatterers_in_noise()
    f = _features(x, d)
    r = f.loc[f["z_peak"].idxmax()]
    assert r["phase_consistency_smooth"] < 0.6


def test_a_wider_window_smooths_the_jittered_picks_more(monkeypatch):
    # the window's width is what smooths: the narrowest (0 is taken as one trace each side, a
    # three-trace median) leaves more of the jitter than six traces each side
    x, d = _flat_reflector_in_noise(0.3)
    monkeypatch.setattr(F, "SMOOTH_TOP_TRACES", 0)
    f1 = _features(x, d)
    monkeypatch.setattr(F, "SMOOTH_TOP_TRACES", 6)
    f6 = _features(x, d)
    r1, r6 = f1.loc[f1["z_peak"].idxmax()], f6.loc[f6["z_peak"].idxmax()]
    assert r6["phase_consistency_smooth"] > r1["phase_consistency_smooth"]


#: The features of a blind full-wave wet lens (400 MHz, 1.2 m long, 0.8 m down, eps_r 20 in the
#: default road) under white noise at -34 dB of the direct wave (the ``white34`` robustness
#: variant), as region_features and core measured them (fifty-third session).
WHITE_NOISE_LENS = {
    "n_columns": 76.0, "n_channels": 1.0, "distance_start_m": 1.058, "distance_end_m": 2.835, "top_start_m": 1.35,
    "top_end_m": 2.295, "t_top_ns": 15.05, "t_top_median_ns": 15.85, "top_range_ns": 2.7, "t_bottom_ns": 19.1,
    "energy_delay_ns": 1.6, "primary_delay_ns": 1.6, "polarity_raw": 0.4886, "phase_top_rad": 0.9404,
    "phase_consistency": 0.5026, "phase_consistency_smooth": 0.8034, "ringing": 0.2519, "below_db": 1.724,
    "centroid_mhz": 517.9, "coherence": 0.5381, "coherence_dip": 0.7251, "coherence_below": 0.2076,
    "z_surface": 0.8804, "surface_amplitude_ratio": 0.0213, "z_top": 5.882, "z_top_depth": 5.882,
    "bottom_delay_ns": 9.6, "bottom_ratio": 0.307, "multiple_ratio": 0.8033, "apex_range_ns": 0.0,
    "channel_amplitude_ratio": 1.0, "channel_fraction": 1.0, "apex_line_rms_m": np.nan, "flat_top_start_m": 1.193,
    "flat_top_end_m": 2.565, "flat_top_length_m": 1.372, "hyperbola_v": 0.1749, "hyperbola_rms_ns": 0.372,
    "hyperbola_rms_all_ns": 0.5467, "hyperbola_x0_m": 1.885, "dip_ns_per_m": 0.2307, "plane_rms_ns": 1.26,
    "apex_flat_m": 0.6525, "t_apex_ns": 14.6, "hyperbola_v_ratio": 1.650, "z_peak": 14.21, "zc_peak": 2.243,
    "z_peak_short": 12.94, "region_start_m": 1.215, "region_end_m": 2.52, "zone_start_m": 1.215,
    "zone_end_m": 2.52, "surface_ratio": 0.062, "freq_ratio": 1.249, "depth_top_m": 0.8134, "depth_bottom_m": 0.9422,
    "period_ns": 2.4, "fresnel_m": 0.4437, "apex_flat_ratio": 1.471, "polarity_peak": -0.4886, "polarity": -0.7017,
    "t_below_ns": 15.05, "velocity_m_per_ns": 0.1081, "n_channels_survey": 1.0, "at_line_end": 0.0,
    "background_ratio": 5.959, "layer_shift_residual": 0.6867, "layer_shift_periods": 0.2718, "across_line": 1.0,
    "z_peak_rows": 14.21,
}


def test_the_wet_rule_reads_a_noisy_lens_along_its_smoothed_top():
    f = pd.DataFrame([WHITE_NOISE_LENS])
    assert scores(f).loc[0, "water_rich"] > 0.9
    # read at the jittered picks alone (0.50), the same top is no wet zone's
    assert scores(f.drop(columns=["phase_consistency_smooth"])).loc[0, "water_rich"] < 0.1
    # and the smoothed reading serves the wet rule only: nothing else scores differently
    s_with, s_without = scores(f), scores(f.drop(columns=["phase_consistency_smooth"]))
    other = [c for c in s_with.columns if c != "water_rich"]
    assert np.allclose(s_with[other].to_numpy(float), s_without[other].to_numpy(float))
