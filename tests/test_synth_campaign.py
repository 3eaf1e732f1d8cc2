"""Truth tables, campaigns (bundled Longdu sample and generated ones) and gprMax export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.synth import Cavity, LooseZone, Manhole, Pipe, RoadModel, Void, WaterRichZone
from roadhealth.synth.campaign import generate_campaign, longdu_passes, read_truth
from roadhealth.synth.gprmax import to_gprmax, write_gprmax
from roadhealth.synth.truth import ANOMALY_COLUMNS, clutter_truth, empty_anomalies, truth

LONGDU = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"

EXPECTED_COLUMNS = [
    "kind", "confidence", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
    "depth_top_m", "depth_bottom_m", "length_m", "width_m", "height_m", "cover_m", "risk", "evidence",
    "geometry",
]


def test_anomaly_schema_columns_are_exact():
    assert ANOMALY_COLUMNS == EXPECTED_COLUMNS
    empty = empty_anomalies("EPSG:4545")
    assert list(empty.columns) == EXPECTED_COLUMNS
    assert len(empty) == 0 and empty.crs == "EPSG:4545"
    empty_truth = truth(RoadModel(10.0))
    assert list(empty_truth.columns) == EXPECTED_COLUMNS


def test_truth_matches_model_objects():
    objs = [
        Cavity(s_m=5.0, u_m=0.2, depth_top_m=0.6, length_m=1.2, width_m=0.8, height_m=0.4),
        Void(s_m=10.0, u_m=0.0, length_m=1.5, width_m=1.0, height_m=0.04, under="asphalt"),
        LooseZone(s_m=15.0, u_m=0.0, depth_top_m=0.5, length_m=2.0, width_m=1.5, height_m=0.6),
        WaterRichZone(s_m=20.0, u_m=-0.1, depth_top_m=0.55, length_m=3.0, width_m=2.0, height_m=0.5),
        Pipe(3.0, 0.0, depth_m=0.8),
        Manhole(12.0, 0.3),
    ]
    model = RoadModel(25.0, objects=objs, seed=2)
    t = truth(model)
    assert list(t.kind) == ["cavity", "void", "loose", "water_rich"]
    assert (t.confidence == 1.0).all()
    cav = t.iloc[0]
    assert cav.distance_start_m == pytest.approx(4.4, abs=1e-3)
    assert cav.distance_end_m == pytest.approx(5.6, abs=1e-3)
    assert cav.offset_start_m == pytest.approx(-0.2, abs=1e-3)
    assert cav.offset_end_m == pytest.approx(0.6, abs=1e-3)
    assert cav.depth_top_m == 0.6 and cav.depth_bottom_m == pytest.approx(1.0)
    assert cav.length_m == pytest.approx(1.2, abs=1e-3) and cav.width_m == pytest.approx(0.8, abs=1e-3)
    assert cav.geometry.area == pytest.approx(np.pi * 0.6 * 0.4, rel=0.01)
    # the void sits exactly under the asphalt at its centre
    void_top = model.interfaces(10.0, 0.0)[1]
    assert t.iloc[1].depth_top_m == pytest.approx(void_top)
    assert t.iloc[1].cover_m == pytest.approx(void_top)
    assert set(t.risk) <= {"high", "medium", "low"}
    c = clutter_truth(model)
    assert list(c.kind) == ["pipe", "manhole"]


def test_gprmax_export_2d_and_3d(tmp_path):
    model = RoadModel(6.0, objects=[
        Cavity(s_m=2.0, u_m=0.0, depth_top_m=0.5, length_m=1.0, width_m=0.8, height_m=0.3, water_fraction=0.3),
        Pipe(4.5, 0.0, depth_m=0.6, diameter_m=0.2, material="metal"),
        Pipe(5.2, 0.0, depth_m=0.5, diameter_m=0.16, material="pvc", fill="water"),
        LooseZone(s_m=3.3, u_m=0.0, depth_top_m=0.4, length_m=0.8, width_m=0.8, height_m=0.3),
    ], seed=5)
    text = to_gprmax(model, frequency_mhz=600.0, time_window_ns=25.0, trace_step_m=0.02)
    lines = text.splitlines()
    commands = [ln.split(":")[0] for ln in lines if ln.startswith("#")]
    for cmd in ("#title", "#domain", "#dx_dy_dz", "#time_window", "#material", "#waveform", "#hertzian_dipole",
                "#rx", "#src_steps", "#rx_steps", "#box", "#cylinder"):
        assert cmd in commands, cmd
    dom = [float(v) for v in next(ln for ln in lines if ln.startswith("#domain:")).split(":")[1].split()]
    dx = float(next(ln for ln in lines if ln.startswith("#dx_dy_dz:")).split()[1])
    assert dom[2] == pytest.approx(dx)  # 2D: one cell thick
    assert "#time_window: 2.5000e-08" in lines
    assert "#waveform: ricker 1 6.0000e+08 src_pulse" in lines
    mats = {ln.split()[-1]: float(ln.split()[1]) for ln in lines if ln.startswith("#material:")}
    assert mats["air"] == 1.0 and mats["water"] == 81.0 and mats["pvc"] == 3.0
    assert any(name.startswith("asphalt") for name in mats) and any(name.startswith("loose") for name in mats)
    # every box lies inside the domain and uses a defined material (or pec)
    for ln in lines:
        if ln.startswith("#box:"):
            parts = ln.split()[1:]
            v = [float(p) for p in parts[:6]]
            assert all(-1e-9 <= a <= b + 1e-9 for a, b in zip(v[:3], v[3:], strict=True))
            assert v[3] <= dom[0] + 1e-6 and v[4] <= dom[1] + 1e-6
            assert parts[6] in mats or parts[6] == "pec"
    cyl = [ln for ln in lines if ln.startswith("#cylinder:")]
    assert any(ln.endswith(" pec") for ln in cyl) and any(ln.endswith(" water") for ln in cyl)
    assert re.search(r"-n (\d+)", text)
    text3 = to_gprmax(model, dims="3d")
    assert "#hertzian_dipole: y" in text3 and text3.count("#box:") > text.count("#box:")
    p = write_gprmax(model, tmp_path / "road.in")
    assert p.read_text() == to_gprmax(model)


@pytest.fixture(scope="module")
def small_campaign(tmp_path_factory):
    out = tmp_path_factory.mktemp("campaign")
    return generate_campaign(out, n_roads=2, length_m=12.0, seed=7, defects_per_100m=25.0, clutter_per_100m=10.0)


def test_generated_campaign_files_and_readback(small_campaign):
    out = small_campaign
    manifest = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    assert len(manifest["surveys"]) == 2 and manifest["crs"] == "EPSG:4545"
    cl = gpd.read_file(out / "centrelines.gpkg", layer="centrelines")
    assert list(cl.columns[:5]) == ["name", "name_en", "width_m", "lanes", "length_m"]
    assert cl.crs.to_epsg() == 4545
    cond = pd.read_csv(out / "surface_condition.csv")
    assert {"road", "chainage_start_m", "chainage_end_m", "cracking_pct", "rutting_mm", "ravelling", "pci"} <= set(cond)
    assert cond.pci.between(0, 100).all()
    cores = pd.read_csv(out / "cores.csv")
    assert (cores.asphalt_mm > 80).all() and (cores.asphalt_mm < 300).all()
    sv = manifest["surveys"][0]
    s = roadhealth.read(out / sv["file"], crs="EPSG:4545")
    assert s.sizes["channel"] == 12 and s.sizes["trace"] == sv["n_traces"]
    assert s.attrs["antenna_mhz"] == 600.0
    t = read_truth(out / "truth.gpkg", survey=sv["file"][:-4])
    assert list(t.columns) == EXPECTED_COLUMNS


def _longdu_available():
    return (LONGDU / "campaign.json").is_file()


@pytest.mark.skipif(not _longdu_available(), reason="sample_data/longdu not generated")
def test_longdu_reads_back_with_gnss_and_truth_matches_model():
    manifest = json.loads((LONGDU / "campaign.json").read_text(encoding="utf-8"))
    roads = {r["code"]: r for r in longdu_passes()}
    assert [sv["file"] for sv in manifest["surveys"]] == [f"{c}.DZT" for c in roads]
    kinds = set()
    for sv in manifest["surveys"]:
        code = sv["file"][:-4]
        s = roadhealth.read(LONGDU / sv["file"], crs="EPSG:4545")
        model = roads[code]["model"]
        acq = roads[code].get("acq")
        # short passes: the 12-channel array at 5 cm; long passes: 3 channels at 25 cm
        assert s.sizes["channel"] == (12 if acq is None else acq.n_channels) and s.dtype == np.int16
        assert sv["chainage_start_m"] == roads[code]["chainage_start_m"]
        assert "gnss_source" in s.attrs and s.attrs["crs"] == "EPSG:4545"
        x, y = model.frame.to_xy(s.distance_m.values, s.offset_m.values[:, None])
        err = np.hypot(s.x.values - x, s.y.values - y)
        assert err.max() < 0.1  # GNSS (1 cm noise, a fix every 2 m) vs the model track
        assert np.all((s.lon > 108.3) & (s.lon < 108.5) & (s.lat > 30.7) & (s.lat < 30.9))
        saved = read_truth(LONGDU / "truth.gpkg", survey=code)
        fresh = truth(model)
        assert list(saved.columns) == EXPECTED_COLUMNS
        pd.testing.assert_frame_equal(saved.drop(columns="geometry"), fresh.drop(columns="geometry"),
                                      check_dtype=False, atol=1e-9)
        assert saved.geometry.geom_equals_exact(fresh.geometry, tolerance=1e-6).all()
        kinds |= set(saved.kind)
    assert kinds == {"cavity", "void", "loose", "water_rich"}
    clutter = read_truth(LONGDU / "truth.gpkg", layer="clutter")
    assert {"pipe", "manhole", "undulation"} <= set(clutter.kind)
    total = sum(p.stat().st_size for p in LONGDU.rglob("*") if p.is_file())
    assert total < 25 * 10**6  # issue 11: sample_data under 25 MB
    cl = gpd.read_file(LONGDU / "centrelines.gpkg", layer="centrelines")
    assert set(cl.name) == {"外贸路", "金陵路", "富康路"}
    assert (cl.geometry.length >= 300).all()  # working lengths: longer than one HIR run


@pytest.mark.skipif(not _longdu_available(), reason="sample_data/longdu not generated")
def test_longdu_condition_and_thickness_vary_along_the_roads():
    from roadhealth.synth.campaign import LONGDU_STRETCHES

    cond = pd.read_csv(LONGDU / "surface_condition.csv")
    roads = {r["code"]: r for r in longdu_passes()}
    for code, stretches in LONGDU_STRETCHES.items():
        c = cond[cond["road"] == roads[code]["name"]]
        mid = (c["chainage_start_m"] + c["chainage_end_m"]) / 2
        for a, b, state in stretches:
            pci = c.loc[(mid > a + 1) & (mid < b - 1), "pci"]
            if state == "sound":
                assert (pci >= 71).all(), (code, a, b, pci.tolist())
            elif state == "failed":
                assert (pci < 25).all(), (code, a, b, pci.tolist())
            else:
                assert ((pci > 25) & (pci < 71)).all(), (code, a, b, pci.tolist())
    # the structurally failed stretch of Jinling Road is thin: cores and model agree
    cores = pd.read_csv(LONGDU / "cores.csv")
    jl = cores[cores["core_id"].str.startswith("JINLING")]
    thin = jl[(jl["chainage_m"] > 160) & (jl["chainage_m"] < 210)]
    assert len(thin) and (thin["asphalt_mm"] < 80).all()
    assert (jl.loc[jl["chainage_m"] < 100, "asphalt_mm"] > 120).all()
    assert cores.groupby("road").size().min() >= 5


def test_truth_satisfies_the_anomaly_contract():
    from roadhealth.anomalies import AnomalyTableError, validate_anomalies
    from roadhealth.synth.campaign import read_truth

    root = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"
    table = read_truth(root / "truth.gpkg", survey="WAIMAO")
    validate_anomalies(table[ANOMALY_COLUMNS])
    assert set(table["kind"]) == {"cavity", "void", "loose", "water_rich"}
    broken = table[ANOMALY_COLUMNS].copy()
    broken["kind"] = broken["kind"].astype(object)
    broken.loc[broken.index[0], "kind"] = "pothole"
    with pytest.raises(AnomalyTableError, match="pothole"):
        validate_anomalies(broken)


def test_roads_simulated_in_worker_processes_give_the_same_files(tmp_path):
    from roadhealth.synth.campaign import generate_campaign

    one = generate_campaign(tmp_path / "one", n_roads=2, length_m=12.0, seed=9, workers=1)
    two = generate_campaign(tmp_path / "two", n_roads=2, length_m=12.0, seed=9, workers=2)
    for name in ("ROAD01.DZT", "ROAD02.DZT", "ROAD01.DZG", "campaign.json", "surface_condition.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
