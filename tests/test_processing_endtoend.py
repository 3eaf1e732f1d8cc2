"""End to end: a simulated road through time zero and depth conversion lands interfaces at their
true depth below the road surface (issue 4: an interface at 0.60 m within 2 cm)."""

from __future__ import annotations

import numpy as np
import pytest

import roadhealth.processing as rp
from roadhealth.constants import C0_M_PER_NS
from roadhealth.processing.depth import Layer
from roadhealth.synth import Acquisition, RoadModel, SystemEffects, simulate
from roadhealth.synth.model import Layer as ModelLayer
from roadhealth.synth.model import Material


def _flat_road():
    layers = [ModelLayer("asphalt", Material("a", 5.0, 0.0), 0.60), ModelLayer("sub", Material("s", 12.0, 0.0))]
    return RoadModel(6.0, layers=layers, seed=0, scatterer_density_per_m3=0)


ACQ = Acquisition(frequency_mhz=600, n_channels=1, trace_spacing_m=0.05, window_ns=32, n_samples=256)
MODEL = [Layer(eps_r=5.0, thickness_m=0.60), Layer(eps_r=12.0)]


@pytest.mark.parametrize(("effects", "steps", "tol_m"), [
    ("ideal", ["time_zero"], 0.02),
    # realistic instrument: direct wave, ringing, wow, noise; dewow + band-pass as in the default
    # recipe (its background removal would remove this perfectly flat interface on purpose)
    ("realistic", ["time_zero", "dewow", "bandpass"], 0.02),
])
def test_interface_depth_after_time_zero(effects, steps, tol_m):
    eff = SystemEffects.ideal() if effects == "ideal" else SystemEffects()
    s = simulate(_flat_road(), ACQ, eff)
    recipe = {"steps": [st for st in rp.default_recipe()["steps"] if st["name"] in steps]}
    if effects == "realistic":  # the pick is the direct wave: give the antenna constant 2 h / c
        recipe["steps"][0]["params"]["surface_delay_ns"] = 2 * ACQ.antenna_height_m / C0_M_PER_NS
    out = rp.add_depth(rp.envelope(rp.apply(s, recipe)), MODEL)
    t, z = out.twt_ns.values, out.depth_m.values
    env = out.values[0].mean(axis=0)
    if effects == "ideal":  # alone, the surface wavelet peaks at twt_ns = 0 (with the direct wave
        surface = np.argmax(np.where(t < 3.0, env, 0))  # on top, their sum peaks elsewhere)
        assert abs(t[surface]) <= out.attrs["dt_ns"]
    win = (t > 5.0) & (t < 14.0)
    k = np.flatnonzero(win)[np.argmax(env[win])]
    assert z[k] == pytest.approx(0.60, abs=tol_m)


@pytest.mark.parametrize("n_trace", [1, 2, 3])
def test_default_recipe_on_very_short_surveys(n_trace):
    import warnings

    from roadhealth import make_survey
    from roadhealth.errors import RoadHealthWarning

    data = np.random.default_rng(0).standard_normal((1, n_trace, 256)).astype("float32")
    s = make_survey(data, dt_ns=0.1, antenna_mhz=600, distance_m=np.arange(n_trace) * 0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = rp.apply(s)
    # time zero trims the samples above the pick that are not kept and those no trace recorded
    assert out.shape[:2] == s.shape[:2] and 0 < out.shape[2] <= s.shape[2]
    assert np.all(np.isfinite(out.values))
    warned = any(issubclass(w.category, RoadHealthWarning) and "background" in str(w.message) for w in caught)
    assert warned == (n_trace < 3)


def test_a_nan_sample_does_not_spread():
    from roadhealth import make_survey

    data = np.random.default_rng(1).standard_normal((2, 241, 256)).astype("float32")
    data[0, 10, 100] = np.nan
    s = make_survey(data, dt_ns=0.1, antenna_mhz=600, distance_m=np.arange(241) * 0.05)
    out = rp.apply(s)
    assert np.all(np.isfinite(out.values))
    clean = rp.apply(s.where(np.isfinite(s), 0.0))
    np.testing.assert_array_equal(out.values, clean.values)  # NaN counts as 0 ("no data")
