"""Depth conversion through a layered model."""

from __future__ import annotations

import numpy as np
import pytest

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import ProcessingError
from roadhealth.processing import depth
from roadhealth.processing.depth import Layer
from roadhealth.survey import make_survey, validate

V5 = C0_M_PER_NS / np.sqrt(5.0)
V12 = C0_M_PER_NS / np.sqrt(12.0)


def ricker(t, f_ghz):
    a = (np.pi * f_ghz * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def two_layer_survey(n_trace=20, time_zero_ns=-1.0):
    t_if = 2 * 0.10 / V5 + 2 * 0.50 / V12  # interface at 0.60 m depth
    dt = 0.02
    t = time_zero_ns + np.arange(1000) * dt
    data = np.repeat(ricker(t - t_if, 1.0)[None], n_trace, 0)
    return make_survey(data.astype(np.float32), dt_ns=dt, time_zero_ns=time_zero_ns,
                       attrs={"time_zero_at_surface": True}), t_if


def test_interface_at_060_m_within_2_cm():
    s, _ = two_layer_survey()
    model = [Layer(eps_r=5, thickness_m=0.10, name="asphalt"), Layer(eps_r=12, name="base")]
    d = depth.add_depth(s, model)
    validate(d)
    assert d.depth_m.dims == ("sample",)
    peak = int(np.argmax(d.values[0, 0]))
    assert abs(float(d.depth_m[peak]) - 0.60) < 0.02
    z = depth.to_depth(s, model, dz_m=0.005, max_depth_m=1.0)
    validate(z)
    assert z.attrs["domain"] == "depth"
    assert np.isnan(z.values[0, 0, -1])  # beyond the record
    assert abs(float(z.depth_m[int(np.nanargmax(z.values[0, 0]))]) - 0.60) < 0.02
    assert z.attrs["history"][-1]["step"] == "to_depth"


def test_depth_of_twt_piecewise_and_air():
    model = [(5.0, 0.10), (12.0, 0.50)]
    t = np.array([-1.0, 0.0, 2 * 0.1 / V5, 2 * 0.1 / V5 + 2 * 0.5 / V12, 20.0])
    d = depth.depth_of_twt(t, model)
    np.testing.assert_allclose(d[:4], [-C0_M_PER_NS / 2, 0.0, 0.10, 0.60])
    assert d[4] == pytest.approx(0.60)  # open bottom: last layer has thickness 0.5 -> clamps


def test_laterally_varying_model_from_picks():
    s, _t_if = two_layer_survey(n_trace=10, time_zero_ns=0.0)
    bottom = np.linspace(1.0, 2.0, 10)[None, :]  # asphalt bottom twt varies along the road
    model = [Layer(eps_r=5, bottom_twt_ns=bottom), Layer(eps_r=12)]
    d = depth.add_depth(s, model)
    assert d.depth_m.dims == ("channel", "trace", "sample")
    k = int(np.searchsorted(s.twt_ns.values, 2.0))
    np.testing.assert_allclose(d.depth_m.values[0, :, 0], 0.0)
    expected = V5 * bottom[0] / 2 + V12 * (s.twt_ns.values[k] - bottom[0]) / 2
    np.testing.assert_allclose(d.depth_m.values[0, :, k], expected)
    z = depth.to_depth(s, model, dz_m=0.01, max_depth_m=0.8)
    assert z.twt_model_ns.dims == ("channel", "trace", "sample")
    lazy = depth.to_depth(s.chunk({"trace": 3}), model, dz_m=0.01, max_depth_m=0.8)
    assert hasattr(lazy.data, "dask")
    np.testing.assert_allclose(lazy.values, z.values, atol=1e-6)
    np.testing.assert_allclose(
        depth.add_depth(s.chunk({"trace": 3}), model).depth_m.values, d.depth_m.values
    )


def test_rms_and_interval_velocity():
    model = [Layer(velocity_m_per_ns=0.12, bottom_twt_ns=4.0), Layer(velocity_m_per_ns=0.08)]
    t = np.array([2.0, 4.0, 8.0])
    np.testing.assert_allclose(depth.interval_velocity(t, model), [0.12, 0.08, 0.08])
    np.testing.assert_allclose(
        depth.rms_velocity(t, model), [0.12, 0.12, np.sqrt((0.12**2 * 4 + 0.08**2 * 4) / 8)]
    )


def test_bad_models():
    s, _ = two_layer_survey(n_trace=2)
    with pytest.raises(ProcessingError):
        depth.layer_model([Layer()])
    with pytest.raises(ProcessingError):
        depth.layer_model([Layer(eps_r=5), Layer(eps_r=9)])  # open layer above another
    with pytest.raises(ProcessingError):
        depth.layer_model([Layer(eps_r=0.5)])
    with pytest.raises(ProcessingError):
        depth.to_depth(s, [Layer(eps_r=5)], dz_m=0)
