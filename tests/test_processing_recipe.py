"""Recipes: the default recipe on numpy and dask, reproducibility, history -> recipe."""

from __future__ import annotations

import numpy as np
import pytest

from roadhealth import make_survey, validate
from roadhealth.errors import ProcessingError
from roadhealth.processing import (
    STEPS,
    apply,
    default_recipe,
    load_recipe,
    recipe_from_history,
    recipe_to_toml,
)
from roadhealth.processing.recipe import DEFAULT_RECIPE

DT = 0.05
F = 1000.0  # MHz


def _ricker(t, f_mhz=F):
    a = (np.pi * f_mhz / 1000 * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _raw(n_chan=2, n_tr=240, n=256, seed=0, antenna=True, lazy=False):
    """int16 road survey: jittered surface, a flat layer, a hyperbola, DC offset, wow, noise."""
    rng = np.random.default_rng(seed)
    t = DT * np.arange(n)
    dist = 0.02 * np.arange(n_tr)
    t0 = 2.0 + rng.uniform(-0.3, 0.3, (n_chan, n_tr, 1))
    layer = 0.3 * _ricker(t - t0 - 3.0)
    th = t0 + np.sqrt(5.0**2 + (2 * (dist - dist[n_tr // 2]) / 0.1) ** 2)[None, :, None]
    hyp = 0.2 * _ricker(t - th)
    wow = 0.2 * np.exp(-t / 4.0)
    x = _ricker(t - t0) + layer + hyp + wow + 0.01 * rng.standard_normal((n_chan, n_tr, n))
    data = (8000 * x + 300).astype(np.int16)
    if lazy:
        import dask.array as da

        data = da.from_array(data, chunks=(1, 50, n))  # several chunks along trace
    return make_survey(data, dt_ns=DT, distance_m=dist, antenna_mhz=F if antenna else None,
                       attrs={"history": [{"step": "read", "parameters": {}, "version": "x"}]})


def test_default_recipe_dask_equals_numpy():
    import dask.array  # noqa: F401
    ref = apply(_raw())
    lazy = apply(_raw(lazy=True))
    assert lazy.chunks is not None  # still lazy
    assert lazy.dtype == np.float32 and ref.dtype == np.float32
    np.testing.assert_allclose(lazy.values, ref.values, rtol=1e-4, atol=1e-4 * np.abs(ref.values).max())
    np.testing.assert_allclose(lazy.coords["twt_ns"].values, ref.coords["twt_ns"].values)
    validate(lazy)


def test_every_step_valid_and_records_once():
    s = _raw(n_tr=120)
    for step in default_recipe()["steps"]:
        before = len(s.attrs["history"])
        s = STEPS[step["name"]](s, **step["params"])
        validate(s)
        assert len(s.attrs["history"]) == before + 1
        assert s.attrs["history"][-1]["step"] == step["name"]
    extra = [("agc", {}), ("sec_gain", {"alpha_db_per_ns": 0.5}), ("exp_gain", {"alpha_db_per_ns": 0.1}),
             ("envelope", {}), ("instantaneous_phase", {}), ("instantaneous_frequency", {}),
             ("dominant_frequency", {}), ("coherence", {}), ("stack", {"n_traces": 2}),
             ("resample_traces", {"spacing_m": 0.03}), ("dewow", {"method": "highpass"}),
             ("background_removal", {"method": "median"})]
    for name, params in extra:
        out = STEPS[name](s, **params)
        validate(out)
        assert len(out.attrs["history"]) == len(s.attrs["history"]) + 1
        assert out.attrs["history"][-1]["step"] == name


def test_same_recipe_file_same_output_and_history_rebuilds_recipe(tmp_path):
    raw = _raw()
    path = tmp_path / "r.toml"
    path.write_text(DEFAULT_RECIPE.read_text())
    a = apply(raw, path)
    b = apply(raw, str(path))
    c = apply(raw, DEFAULT_RECIPE.read_text())  # a TOML string
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.values, c.values)
    rebuilt = recipe_from_history(a)
    assert [s["name"] for s in rebuilt["steps"]] == [s["name"] for s in default_recipe()["steps"]]
    assert "auto" not in str(rebuilt)  # every parameter resolved
    again = apply(raw, rebuilt)
    np.testing.assert_array_equal(again.values, a.values)
    # and through TOML text
    text = recipe_to_toml(rebuilt)
    np.testing.assert_array_equal(apply(raw, text).values, a.values)
    assert load_recipe(text)["steps"] == rebuilt["steps"]


def test_missing_antenna_frequency_is_estimated_from_the_spectrum():
    raw = _raw(antenna=False)
    out = apply(raw)
    est = out.attrs["centre_mhz_estimate"]
    assert 0.85 * F < est < 1.15 * F  # a Ricker's spectral peak is its nominal frequency
    rec = {r["step"]: r["parameters"] for r in out.attrs["history"]}
    assert rec["dewow"]["window_ns"] == pytest.approx(1000 / est)
    np.testing.assert_array_equal(apply(raw, recipe_from_history(out)).values, out.values)


def test_recipe_errors():
    raw = _raw(n_tr=20)
    with pytest.raises(ProcessingError, match="unknown step"):
        apply(raw, {"steps": [{"name": "frobnicate"}]})
    with pytest.raises(ProcessingError, match="bad parameters"):
        apply(raw, [{"name": "dewow", "params": {"windw_ns": 2}}])
    with pytest.raises(ProcessingError, match="not valid TOML"):
        apply(raw, "[[steps]\nname=")
    with pytest.raises(ProcessingError, match="not found"):
        apply(raw, "missing_recipe.toml")
    # a misspelt name was reported as invalid TOML (found by fuzzing detect)
    with pytest.raises(ProcessingError, match="'defualt' is no recipe: expected 'default'"):
        apply(raw, "defualt")
    def steps(s):  # (the history without its wall-clock times: two runs may straddle a second)
        return [{k: v for k, v in h.items() if k != "time"} for h in s.attrs["history"]]

    assert steps(apply(raw, "default")) == steps(apply(raw))  # detect's name for it too


@pytest.mark.parametrize("f_mhz", [400.0, 900.0, 1600.0])
def test_centre_frequency_estimate_on_realistic_synthetic_data(f_mhz):
    """With direct wave, ringing, low-frequency wow and noise, the estimate stays within 15 %."""
    from roadhealth.processing import estimate_centre_frequency_mhz
    from roadhealth.synth import Acquisition, Cavity, RoadModel, SystemEffects, simulate

    acq = Acquisition(frequency_mhz=f_mhz, n_channels=2, window_ns=32.0, n_samples=512, trace_spacing_m=0.02)
    model = RoadModel(3.0, seed=1, objects=[Cavity(s_m=1.5, u_m=0, depth_top_m=0.3, length_m=0.6,
                                                   width_m=0.6, height_m=0.2)])
    est = estimate_centre_frequency_mhz(simulate(model, acq, SystemEffects()))
    assert est == pytest.approx(f_mhz, rel=0.15)


def test_history_replays_layered_model_steps_including_per_trace_layers():
    import xarray as xr

    from roadhealth.processing.depth import Layer

    raw = _raw().assign_attrs(time_zero_at_surface=True)
    n_ch, n_tr = raw.sizes["channel"], raw.sizes["trace"]
    bottom = xr.DataArray(2.0 + 0.5 * np.sin(np.arange(n_tr) / 7.0)[None, :].repeat(n_ch, 0), dims=("channel", "trace"))
    model = [Layer(eps_r=5.5, bottom_twt_ns=bottom, name="asphalt"), Layer(velocity_m_per_ns=0.1, thickness_m=0.3),
             Layer(eps_r=12.0)]
    for step in ({"name": "add_depth", "params": {"model": model}},
                 {"name": "to_depth", "params": {"model": model, "dz_m": 0.01}},
                 {"name": "phase_shift_migrate", "params": {"model": [Layer(eps_r=6.0, thickness_m=0.2), Layer(eps_r=9.0)]}}):
        out = apply(raw, {"steps": [step]})
        again = apply(raw, load_recipe(recipe_to_toml(recipe_from_history(out))))
        np.testing.assert_array_equal(again.values, out.values)
        if "depth_m" in out.coords:
            np.testing.assert_array_equal(again.depth_m.values, out.depth_m.values)


@pytest.mark.parametrize("cut_periods", [1.0, 1.65])
def test_centre_frequency_of_a_record_cut_in_its_first_arrival(cut_periods, monkeypatch):
    """A gprMax line (400 MHz Ricker) whose record starts inside the direct wave, as an export
    time-zeroed at its first break (1 period in) or its peak (1.65) has it. The spectral window is
    centred on the strongest arrival with zeros beyond the record's start (426 MHz whole, 432 cut
    at the first break, 525 cut at the peak, where half the wavelet is gone); clipped to the
    record, as before, the taper's edge lay on the arrival (517 and 575 MHz; over 58 blind lines
    so cut, 0.73-1.29 and 0.46-1.48 times the antenna's frequency)."""
    import warnings
    from pathlib import Path

    import roadhealth
    import roadhealth.processing._core as core
    from roadhealth.processing import estimate_centre_frequency_mhz

    path = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind" / "bw400_cavity_70_clean.sgy"
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = roadhealth.read(path)
    whole = estimate_centre_frequency_mhz(s)
    k = round(cut_periods * 2.5 / float(s.attrs["dt_ns"]))
    cut = s.isel(sample=slice(k, None))
    est = estimate_centre_frequency_mhz(cut)
    assert whole == pytest.approx(400.0, rel=0.1)
    assert est == pytest.approx(whole, rel=0.1 if cut_periods < 1.5 else 0.25)
    monkeypatch.setattr(core, "CENTRED_WINDOW", False)
    assert abs(estimate_centre_frequency_mhz(cut) / whole - 1) > abs(est / whole - 1)


@pytest.mark.parametrize(("step", "params", "match"), [
    # found by fuzzing recipes: a NaN power made most samples NaN without a word; text where a
    # number belongs and a huge filter order failed deep inside numpy
    ("tpower_gain", {"power": float("nan")}, r"step 0 \(tpower_gain\): parameter power = nan: expected a finite"),
    ("bandpass", {"order": "four"}, r"parameter order = 'four': expected a number"),
    ("time_zero", {"search_ns": "abc"}, r"parameter search_ns = 'abc'"),
    ("bandpass", {"low_mhz": "abc"}, r"step 0 \(bandpass, parameters \{'low_mhz': 'abc'\}\) failed"),
    ("tpower_gain", {"max_gain_db": 1e12}, r"tpower_gain.*OverflowError"),
])
def test_bad_parameter_values_name_the_step_and_parameter(step, params, match):
    with pytest.raises(ProcessingError, match=match):
        apply(_raw(n_chan=1, n_tr=20), [{"name": step, "params": params}])


def test_good_parameter_values_still_pass():
    s = _raw(n_chan=1, n_tr=20)
    out = apply(s, [{"name": "bandpass", "params": {"low_mhz": "auto", "order": 4}},
                    {"name": "tpower_gain", "params": {"power": 1.5, "max_gain_db": None}}])
    assert np.isfinite(out.values).all()
