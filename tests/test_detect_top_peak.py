"""The times a diffraction hyperbola is fitted to are the top wavelet's own envelope peaks
(``features.TOP_CLIMB_PERIODS``): where a column's search window ends on the rising edge of its
wavelet (on a steep flank the region, grown from stacked scores, starts early), the pick climbs
to the envelope's next peak, so a point diffractor's flanks fit the velocity of the ground."""

from __future__ import annotations

import numpy as np
import pytest

import roadhealth.detect.features as F
from roadhealth.detect.candidates import attributes, regions
from roadhealth.detect.features import _climb_to_peak, column_records, region_features

DT_NS, MHZ, SPACING_M = 0.1, 400.0, 0.05


def _ricker(t_ns, f_mhz):
    a = (np.pi * f_mhz * 1e-3 * t_ns) ** 2
    return (1 - 2 * a) * np.exp(-a)


def test_a_pick_on_a_rising_edge_climbs_to_the_next_envelope_peak():
    s = np.arange(40, dtype=float)
    env = np.vstack([np.exp(-0.5 * ((s - 14) / 3) ** 2),   # peak at 14, window ended at 10
                     np.exp(-0.5 * ((s - 8) / 3) ** 2),    # already past its peak at 10
                     s.copy(),                             # rises all the way: the reach's end
                     np.exp(-0.5 * ((s - 30) / 3) ** 2)])  # peak beyond the reach
    ri = np.arange(4)
    top = np.array([10, 10, 10, 10])
    rising = np.array([True, True, True, True])
    out = _climb_to_peak(env, ri, top, rising, 8, env.shape[1])
    assert out.tolist() == [14, 10, 18, 18]
    # a column whose window maximum lay inside its window is left alone
    assert _climb_to_peak(env, ri, top, np.zeros(4, dtype=bool), 8, env.shape[1]).tolist() == top.tolist()
    # no reach, or a top at the record's last sample: nothing moves
    assert _climb_to_peak(env, ri, top, rising, 0, env.shape[1]).tolist() == top.tolist()
    assert _climb_to_peak(env, ri, np.full(4, 39), rising, 8, env.shape[1]).tolist() == [39] * 4


def _point_diffractor(v=0.12, depth_m=1.0, n_t=161, n_s=500):
    """One channel, 8 m at 5 cm, a point diffractor ``depth_m`` under the line's middle in a
    ground of velocity ``v`` (m/ns), 400 MHz Ricker wavelets along its hyperbola as a time gain
    leaves them (the flanks as strong as the apex), weak noise."""
    rng = np.random.default_rng(3)
    t = np.arange(n_s) * DT_NS
    d = (np.arange(n_t) - n_t // 2) * SPACING_M
    x = 0.01 * rng.standard_normal((1, n_t, n_s)).astype(np.float32)
    t_hyp = 2 * np.sqrt(depth_m ** 2 + d ** 2) / v
    x[0] += _ricker(t[None, :] - t_hyp[:, None], MHZ).astype(np.float32)
    return x, d


def _fitted_velocity(x, d, v_scores=0.1):
    att = attributes(x, dt_ns=DT_NS, centre_mhz=MHZ, surface_ns=0.0, t0_ns=0.0, spacing_m=SPACING_M,
                     velocity_m_per_ns=v_scores)
    reg = regions(att)
    recs = column_records(att, reg)
    f, _ = region_features(att, reg, dt_ns=DT_NS, t0_ns=0.0, surface_ns=0.0, centre_mhz=MHZ,
                           velocity_m_per_ns=v_scores, distance_m=d[None, :], offset_m=np.zeros(1), records=recs)
    r = f.loc[f["z_peak"].idxmax()]
    return float(r["hyperbola_v_ratio"]) * v_scores, recs[recs["label"] == r.name]


def test_a_point_diffractors_flanks_fit_the_grounds_velocity():
    x, d = _point_diffractor(v=0.12)
    v_fit, recs = _fitted_velocity(x, d)
    # the picks climbed on some flank columns: there the window had ended on the rising edge
    moved = recs["s_peak"].to_numpy() > recs["s_top"].to_numpy()
    assert moved.any()
    assert (recs["s_peak"].to_numpy() >= recs["s_top"].to_numpy()).all()
    assert v_fit == pytest.approx(0.12, rel=0.01)


def test_without_the_climb_the_same_flanks_read_too_fast(monkeypatch):
    x, d = _point_diffractor(v=0.12)
    v_on, _ = _fitted_velocity(x, d)
    monkeypatch.setattr(F, "TOP_CLIMB_PERIODS", None)
    v_off, recs = _fitted_velocity(x, d)
    assert (recs["s_peak"].to_numpy() == recs["s_top"].to_numpy()).all()
    # early flank picks bend the hyperbola flatter: faster (1.5 % here; 1.46 -> 1.33 times the
    # survey velocity on the blind metal pipe of the constant's note, whose region started 6 ns early)
    assert v_off > v_on * 1.008
    assert v_off > 0.12 * 1.008
