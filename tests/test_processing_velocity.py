"""Velocity and permittivity from the data: surface reflection, hyperbolas, layer picks."""

from __future__ import annotations

import numpy as np
import pytest

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import ProcessingError
from roadhealth.processing import velocity
from roadhealth.survey import make_survey


def ricker(t, f_ghz):
    a = (np.pi * f_ghz * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def test_surface_permittivity_from_fresnel_synthetic():
    rng = np.random.default_rng(1)
    n = 200
    eps_true = 4.0 + 3.0 * (0.5 + 0.5 * np.sin(np.linspace(0, 6, n)))
    t = np.arange(400) * 0.025  # 1 GHz horn, 10 ns
    inc = 1000.0
    r = (1 - np.sqrt(eps_true)) / (1 + np.sqrt(eps_true))
    road = (
        inc * r[:, None] * ricker(t - 3.0, 1.0)[None]
        + 0.2 * inc * r[:, None] * ricker(t - 6.0, 1.0)[None]
    )
    road += rng.normal(0, 2.0, road.shape)
    plate = -inc * ricker(t - 3.0, 1.0)[None].repeat(20, 0) + rng.normal(0, 2.0, (20, t.size))
    s = make_survey(road, dt_ns=0.025, antenna_mhz=1000)
    p = make_survey(plate, dt_ns=0.025, antenna_mhz=1000)
    eps = velocity.surface_permittivity(s, p, window_ns=(2.0, 4.5))
    assert eps.dims == ("channel", "trace")
    assert np.all(np.abs(eps.values[0] / eps_true - 1) < 0.05)
    eps2 = velocity.surface_permittivity(s, inc, window_ns=(2.0, 4.5))
    np.testing.assert_allclose(eps2.values[0], eps_true, rtol=0.05)
    assert eps.attrs["history"][-1]["step"] == "surface_permittivity"
    with pytest.raises(ProcessingError):
        velocity.surface_permittivity(s, -1.0)
    # dask gives the same
    np.testing.assert_allclose(
        velocity.surface_permittivity(s.chunk({"trace": 50}), inc, window_ns=(2, 4.5)).values,
        eps2.values,
    )


def test_fit_hyperbola_exact():
    x = np.linspace(0, 2, 41)
    v, x0, t0 = 0.11, 0.8, 7.0
    t = np.sqrt(t0**2 + (2 * (x - x0) / v) ** 2)
    fit = velocity.fit_hyperbola(x, t)
    assert fit["velocity_m_per_ns"] == pytest.approx(v, rel=1e-6)
    assert fit["x0_m"] == pytest.approx(x0, abs=1e-6)
    assert fit["t0_ns"] == pytest.approx(t0, rel=1e-6)
    assert fit["eps_r"] == pytest.approx((C0_M_PER_NS / v) ** 2, rel=1e-5)


def test_fit_hyperbola_far_from_the_origin_and_without_moveout():
    x = np.linspace(0, 2, 41)
    t = np.sqrt(7.0**2 + (2 * (x - 0.8) / 0.11) ** 2)
    # the same top 1e6 m along a chainage: the centred fit is unchanged
    far = velocity.fit_hyperbola(x + 1e6, t)
    assert far["velocity_m_per_ns"] == pytest.approx(0.11, rel=1e-4)
    assert far["x0_m"] == pytest.approx(1e6 + 0.8, abs=1e-3)
    # positions all alike (a corrupt start position of 1e308 swallowing the steps): no fit, no
    # LinAlgError from inside numpy
    for bad in (np.full(41, 1e308), np.full(41, 3.0)):
        assert np.isnan(velocity.fit_hyperbola(bad, t)["velocity_m_per_ns"])


@pytest.mark.parametrize("v_true", [0.08, 0.12])
def test_hyperbola_velocity_within_3_percent(v_true):
    rng = np.random.default_rng(2)
    dx, dt = 0.02, 0.05
    x = np.arange(200) * dx
    t = np.arange(400) * dt
    data = 0.5 * ricker(t - 3.0, 0.8)[None].repeat(x.size, 0)  # a flat layer to ignore
    for x0, t0 in ((1.2, 8.0), (2.8, 12.0)):
        tt = np.sqrt(t0**2 + (2 * (x - x0) / v_true) ** 2)
        data += (t0 / tt)[:, None] * ricker(t[None] - tt[:, None], 0.8)  # with spreading
    data += rng.normal(0, 0.05, data.shape)
    s = make_survey(data.astype(np.float32), dt_ns=dt, distance_m=x, antenna_mhz=800,
                    attrs={"time_zero_at_surface": True})
    df = velocity.hyperbola_velocities(s, n_max=2, window_ns=(5, 18), aperture_m=0.8)
    assert len(df) == 2
    assert np.all(np.abs(df.velocity_m_per_ns / v_true - 1) < 0.03)
    assert np.all(df.velocity_sigma_m_per_ns < 0.03 * v_true)
    assert sorted(np.round(df.x0_m, 1)) == [1.2, 2.8]
    # with given apexes
    df2 = velocity.hyperbola_velocities(s, apexes=[(0, 1.2, 8.0)], aperture_m=0.8)
    assert abs(df2.velocity_m_per_ns[0] / v_true - 1) < 0.03


def test_pick_layers_follows_undulating_layer():
    rng = np.random.default_rng(3)
    n = 300
    x = np.arange(n) * 0.05
    dt = 0.05
    t = np.arange(500) * dt
    t_asphalt = 2.0 + 0.3 * np.sin(2 * np.pi * x / 5.0)
    t_base = 8.0 + 1.0 * np.sin(2 * np.pi * x / 9.0 + 1)
    data = ricker(t[None] - t_asphalt[:, None], 1.0) + 0.6 * ricker(t[None] - t_base[:, None], 1.0)
    data += rng.normal(0, 0.05, data.shape)
    data[150, 300:320] += 5.0  # an isolated strong event: continuity must ignore it
    s = make_survey(data.astype(np.float32), dt_ns=dt, distance_m=x, antenna_mhz=1000,
                    attrs={"time_zero_at_surface": True})
    ds = velocity.pick_layers(s, [(0.5, 4.0), (5.0, 12.0)], eps_r=[5.0, 9.0])
    assert ds.twt_ns.dims == ("layer", "channel", "trace")
    assert np.max(np.abs(ds.twt_ns.values[0, 0] - t_asphalt)) < 0.1
    assert np.max(np.abs(ds.twt_ns.values[1, 0] - t_base)) < 0.15
    v1 = C0_M_PER_NS / np.sqrt(5.0)
    np.testing.assert_allclose(ds.thickness_m.values[0, 0], v1 * t_asphalt / 2, atol=0.01)
    np.testing.assert_allclose(ds.depth_m.values[1], ds.thickness_m.values.sum(0))
    lazy = velocity.pick_layers(s.chunk({"trace": 64}), [(0.5, 4.0), (5.0, 12.0)])
    np.testing.assert_allclose(lazy.twt_ns.values, ds.twt_ns.values)
    with pytest.raises(ProcessingError):
        velocity.pick_layers(s, [(4.0, 1.0)])
    with pytest.raises(ProcessingError):
        velocity.pick_layers(s, [(0.5, 4.0)], eps_r=[5.0, 9.0])
