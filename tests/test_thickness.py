"""Asphalt thickness from layer picks, calibrated to cores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import ProcessingError, RoadHealthWarning
from roadhealth.processing.thickness import asphalt_thickness, calibrate_thickness


def picks(n_channel=3, n_trace=400, thickness_m=None, eps_r=6.0, velocities=True):
    """A pick_layers-like Dataset: asphalt bottom at a known thickness, positions along x."""
    s = np.arange(n_trace) * 0.05
    off = (np.arange(n_channel) - (n_channel - 1) / 2) * 0.1
    h = 0.15 + 0.03 * np.sin(s / 3.0) if thickness_m is None else np.full(n_trace, thickness_m)
    v = C0_M_PER_NS / np.sqrt(eps_r)
    twt = np.broadcast_to(2 * h / v, (n_channel, n_trace))
    ds = xr.Dataset(
        {"twt_ns": (("layer", "channel", "trace"), np.stack([twt, twt + 5.0])),
         "amplitude": (("layer", "channel", "trace"), np.ones((2, n_channel, n_trace)))},
        coords={"layer": ["asphalt", "base"],
                "x": (("channel", "trace"), 1000 + np.broadcast_to(s, (n_channel, n_trace))),
                "y": (("channel", "trace"), 2000 + np.broadcast_to(off[:, None], (n_channel, n_trace))),
                "distance_m": (("channel", "trace"), np.broadcast_to(s, (n_channel, n_trace))),
                "offset_m": ("channel", off)},
        attrs={"crs": "EPSG:4545"})
    if velocities:
        ds["thickness_m"] = (("layer", "channel", "trace"), np.stack([np.broadcast_to(h, twt.shape), np.full(twt.shape, 0.3)]))
    return ds, h


def test_table_from_picks_with_positions():
    ds, h = picks()
    t = asphalt_thickness(ds, survey="S1")
    assert len(t) == 3 * 400
    assert list(t.columns[:8]) == ["survey", "channel", "trace", "x", "y", "distance_m", "offset_m", "twt_ns"]
    first = t[t.channel == 0]
    assert first["thickness_m"].to_numpy() == pytest.approx(h)
    assert first["x"].to_numpy() == pytest.approx(1000 + first["distance_m"].to_numpy())
    assert t["offset_m"].unique().tolist() == pytest.approx([-0.1, 0.0, 0.1])
    assert t["asphalt_mm"].to_numpy() == pytest.approx(1000 * t["thickness_m"].to_numpy())
    assert t.attrs["crs"] == "EPSG:4545"
    # by name, with a velocity instead of the picks' thicknesses, and decimated
    t2 = asphalt_thickness(ds, layer="asphalt", eps_r=6.0, step=4)
    assert len(t2) == 3 * 100 and t2["trace"].iloc[:3].tolist() == [0, 4, 8]
    assert t2["thickness_m"].to_numpy() == pytest.approx(np.tile(h[::4], 3))
    t3 = asphalt_thickness(ds, eps_r=6.0 * 1.21)  # 10 % slower: 10 % thinner
    assert t3["thickness_m"].to_numpy() == pytest.approx(np.tile(h, 3) / 1.1)


def test_calibration_recovers_the_velocity_factor():
    ds, h = picks(eps_r=6.0)
    t = asphalt_thickness(ds, eps_r=6.0 * 1.44)  # assumed permittivity too high: radar 1/1.2 of the truth
    rng = np.random.default_rng(1)
    k = np.array([40, 150, 260, 350])
    cores = pd.DataFrame({"core_id": [f"C{i}" for i in range(4)], "x": 1000 + k * 0.05 + 0.02, "y": 2000.03,
                          "asphalt_mm": 1000 * h[k] + rng.normal(0, 1.0, 4)})
    cal, rep = calibrate_thickness(t, cores)
    assert rep["factor"] == pytest.approx(1.2, rel=0.02)
    assert rep["eps_r_factor"] == pytest.approx(1 / 1.44, rel=0.04)
    assert rep["residual_mm_rms"] < 3.0
    assert cal.loc[cal.channel == 1, "asphalt_mm"].to_numpy() == pytest.approx(1000 * h, rel=0.02)
    assert (cal["thickness_raw_m"] == t["thickness_m"]).all()
    # a core far from every trace is reported as unused, not matched
    far = pd.concat([cores, pd.DataFrame({"core_id": ["FAR"], "x": [1500.0], "y": [2000.0], "asphalt_mm": [90]})])
    _, rep2 = calibrate_thickness(t, far)
    assert rep2["n_cores"] == 4 and not rep2["cores"].set_index("core_id").loc["FAR", "used"]
    assert rep2["factor"] == pytest.approx(rep["factor"])
    assert rep["disagree"] == []


def test_a_core_the_radar_misses_is_announced_and_does_not_move_the_factor():
    ds, h = picks(eps_r=6.0)
    t = asphalt_thickness(ds, eps_r=6.0)
    k = np.array([40, 150, 260, 350, 390])
    mm = 1000 * h[k]
    mm[2] = 50.0  # thin asphalt the radar does not resolve: the pick lies on something deeper
    cores = pd.DataFrame({"core_id": [f"C{i}" for i in range(5)], "x": 1000 + k * 0.05, "y": 2000.0, "asphalt_mm": mm})
    with pytest.warns(RoadHealthWarning, match=r"C2 \(core 50 mm"):
        _, rep = calibrate_thickness(t, cores)
    assert rep["disagree"] == ["C2"] and rep["factor"] == pytest.approx(1.0, rel=0.01)


def test_errors():
    ds, _ = picks(velocities=False)
    with pytest.raises(ProcessingError, match="eps_r or velocity_m_per_ns"):
        asphalt_thickness(ds)
    with pytest.raises(ProcessingError, match="not among"):
        asphalt_thickness(ds, layer="wearing", eps_r=6)
    with pytest.raises(ProcessingError, match="top one"):
        asphalt_thickness(ds, layer="base", eps_r=6)
    with pytest.raises(ProcessingError, match="not physical"):
        asphalt_thickness(ds, velocity_m_per_ns=0.5)
    with pytest.raises(ProcessingError, match="pick_layers"):
        asphalt_thickness(xr.Dataset())
    t = asphalt_thickness(ds, eps_r=6)
    with pytest.raises(ProcessingError, match="none of"):
        calibrate_thickness(t, pd.DataFrame({"x": [0.0], "y": [0.0], "asphalt_mm": [150]}))
    with pytest.raises(ProcessingError, match="missing column"):
        calibrate_thickness(t, pd.DataFrame({"x": [0.0], "y": [0.0]}))
