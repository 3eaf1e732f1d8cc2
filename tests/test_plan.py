"""The HIR planner: referencing, treatments, runs, pre-treatments, schedule, outputs, errors."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadhealth.plan import PlanError, lane_bands, lane_of_offset, load_config, locate_points, plan
from roadhealth.plan import _testing as T
from roadhealth.plan.treatments import HIR_TREATMENTS

LONGDU = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"

#: Small sections so that short synthetic roads have several; one 8-machine train, one crew.
CFG = {"sections": {"min_length_m": 20.0, "step_m": 5.0},
       "runs": {"min_run_m": 60.0, "bridge_gap_m": 25.0},
       "schedule": {"trains": 1, "crews": 1}}


def distressed_pci(s):
    return np.where((s > 100) & (s < 300), 45.0, np.where(s > 420, 50.0, 85.0))


# ----------------------------------------------------------------------------- referencing
def test_locate_points_chainage_offset_lane_and_unreferenced():
    line = shapely.LineString([(0, 0), (100, 0), (100, 100)])  # east, then north
    cl = gpd.GeoDataFrame({"name": ["a"], "width_m": [14.0], "lanes": [4], "direction": ["two_way"]},
                          geometry=[line], crs=T.CRS)
    x = np.array([50.0, 50.0, 50.0, 103.0, 97.0, 50.0])
    y = np.array([1.0, -1.0, -5.0, 50.0, 60.0, 30.0])
    r = locate_points(x, y, cl, tolerance_m=2.0)
    assert r["chainage_m"].tolist() == pytest.approx([50, 50, 50, 150, 160, 50])
    assert r["offset_m"].tolist()[:5] == pytest.approx([1, -1, -5, -3, 3])  # positive left of travel
    assert r["lane"].tolist()[:5] == ["L1", "R1", "R2", "R1", "L1"]
    assert r["side"].tolist()[:5] == ["left", "right", "right", "right", "left"]
    assert r["referenced"].tolist() == [True] * 5 + [False]  # 30 m away: reported, not snapped


def test_lane_names_and_bands():
    assert list(lane_bands(7.0, 2)) == ["R1", "L1"]
    assert lane_bands(12.0, 4)["R2"] == (-6.0, -3.0)
    assert list(lane_bands(10.5, 3)) == ["R1", "C", "L1"]
    assert list(lane_bands(7.0, 2, "one_way")) == ["2", "1"]
    assert lane_of_offset([-9.0, 9.0], 7.0, 2).tolist() == ["R1", "L1"]  # beyond the edge: the outer lane


# ----------------------------------------------------------------------------- whole plans
def base_inputs(specs=(), *, pci=distressed_pci, asphalt=180.0):
    cl = T.roads(2, length_m=600.0)
    cond = T.condition(cl, [pci, pci])
    th = T.thickness(cl, asphalt, lane_offsets=(-2.5, -1.75, -1.0, 1.0, 1.75, 2.5))
    return cl, T.defects(cl, list(specs)), cond, th


def test_treatments_runs_and_quantities_on_a_known_layout():
    specs = [(0, 200.0, -1.8, "cavity", "medium", 1.0, 0.8, 0.6),    # beneath the distressed stretch
             (0, 500.0, 2.2, "loose", "low", 2.0, 1.5, 0.5),         # a loose zone under the far stretch, left lane
             (1, 50.0, -1.8, "cavity", "high", 1.2, 1.0, 0.25)]      # an emergency on a sound stretch
    cl, an, cond, th = base_inputs(specs)
    p = plan(cl, an, cond, th, CFG)
    sec = p.sections
    s0 = sec[(sec.road == "road1") & (sec.lane == "R1")].sort_values("chainage_from_m")
    # sections follow the condition: sound 0-100, distressed 100-300, sound 300-420, distressed beyond
    assert s0["chainage_from_m"].tolist() == pytest.approx([0, 100, 300, 420])
    assert s0["treatment"].tolist() == ["no_action", "pretreat_then_hir", "no_action", "hir"]
    assert "D001" in s0["reason"].iloc[1]
    runs = p.hir_runs
    r1 = runs[(runs.road == "road1") & (runs.lane == "R1")]
    assert r1[["chainage_from_m", "chainage_to_m"]].values.tolist() == [[100, 300], [420, 600]]
    assert p.treated_length_m == pytest.approx(runs["length_m"].sum())
    assert p.treated_length_m == pytest.approx(4 * (200 + 180))  # 2 roads x 2 lanes
    h = p.config["hir"]
    run = r1.iloc[0]
    assert run["area_m2"] == pytest.approx(200 * 3.5)
    assert run["new_mix_t"] / run["recycled_mix_t"] == pytest.approx(h["new_mix_fraction"])
    assert run["recycled_mix_t"] == pytest.approx(700 * 0.040 * h["mix_density_t_m3"])
    pre = p.pretreatments.set_index("defect_id")
    assert pre.loc["D001", "treatment"] == "drill_and_grout" and pre.loc["D001", "grout_m3"] > 0
    assert pre.loc["D001", "runs"] == "road1:R1:1"
    assert pre.loc["D002", "runs"] == "road1:L1:2" and pre.loc["D002", "treatment"] == "drill_and_grout"
    assert pre.loc["D003", "emergency"] and pre.loc["D003", "treatment"] == "excavate_and_backfill"
    assert pre.loc["D003", "runs"] == ""  # under no run, treated anyway (emergency, cavity)
    sched = p.schedule
    first = sched[sched.kind == "pretreatment"].sort_values("start_day").iloc[0]
    assert first["job"] == pre.loc["D003", "pretreatment_id"]  # emergencies first
    assert p.summary["deadlines_met"]


def test_structural_thin_and_unsurveyed_lanes():
    def pci(s):
        return np.where(s < 200, 15.0, 50.0)

    cl, an, cond, th = base_inputs(pci=pci, asphalt=lambda s: np.where(s > 400, 60.0, 180.0))
    th = th[th["y"] < T.Y0 + 50]  # road2 (at y0 + 100): nothing surveyed at all
    th = th[~((th["y"] > T.Y0) & (th["y"] < T.Y0 + 50))]  # road1: only the right lane surveyed
    p = plan(cl, an, cond, th, CFG)
    sec = p.sections.set_index(["road", "lane", "chainage_from_m"])
    assert sec.loc[("road1", "R1", 0.0), "treatment"] == "reconstruction"
    assert "PCI 15 < 25" in sec.loc[("road1", "R1", 0.0), "reason"]
    assert sec.loc[("road1", "R1", 200.0), "treatment"] == "hir"
    assert sec.loc[("road1", "R1", 400.0), "treatment"] == "mill_and_overlay"
    assert "asphalt 60 mm" in sec.loc[("road1", "R1", 400.0), "reason"]
    assert sec.loc[("road1", "L1", 200.0), "treatment"] == "survey_first"
    assert (p.sections[p.sections.road == "road2"]["treatment"].isin(["survey_first", "reconstruction"])).all()


def test_radar_coverage_counts_gaps_and_never_cores():
    cl, an, cond, th = base_inputs()
    sparse = th[np.isclose((th["x"] - T.X0) % 20.0, 0.0)]  # a radar point every 20 m: 5 m of 20 covered
    p = plan(cl, an, cond, sparse, CFG)
    d = p.sections[(p.sections.road == "road1") & (p.sections.lane == "R1") & (p.sections.chainage_from_m == 100)]
    assert d["treatment"].tolist() == ["survey_first"] and "radar covers 24 %" in d["reason"].iloc[0]  # 9.5 x 5 m of 200 m
    assert d["coverage"].iloc[0] == pytest.approx(47.5 / 200)
    # dense cores add thickness but no coverage; with min_coverage 0 the lane is planned anyway
    q = plan(cl, an, cond, sparse, CFG, cores=th)
    assert q.sections.set_index(["road", "lane", "chainage_from_m"]).loc[("road1", "R1", 100.0), "treatment"] == \
        "survey_first"
    r = plan(cl, an, cond, sparse, {**CFG, "runs": {"min_coverage": 0.0, "min_run_m": 60.0, "bridge_gap_m": 25.0}})
    assert r.sections.set_index(["road", "lane", "chainage_from_m"]).loc[("road1", "R1", 100.0), "treatment"] == "hir"
    dense = plan(cl, an, cond, th[np.isclose((th["x"] - T.X0) % 5.0, 0.0)], CFG)  # every 5 m: no gap
    assert (dense.sections[dense.sections.lane.isin(["R1", "L1"])]["coverage"] > 0.97).all()


def test_runs_bridge_short_gaps_and_drop_short_runs():
    # distressed 0-100, sound 100-120 (bridged), distressed 120-300, sound 300-400 (too long to
    # bridge), distressed 400-440 (40 m: no run -> mill and inlay)
    def pci(s):
        return np.where((s < 100) | ((s > 120) & (s < 300)) | ((s > 400) & (s < 440)), 45.0, 85.0)

    cl, an, cond, th = base_inputs(pci=pci)
    p = plan(cl, an, cond, th, {**CFG, "sections": {"min_length_m": 20.0, "step_m": 5.0, "penalty": 1.0}})
    r = p.hir_runs[(p.hir_runs.road == "road1") & (p.hir_runs.lane == "R1")]
    assert r[["chainage_from_m", "chainage_to_m"]].values.tolist() == [[0, 300]]
    assert r["bridged_m"].iloc[0] == pytest.approx(20.0) and "bridges" in r["reason"].iloc[0]
    s = p.sections[(p.sections.road == "road1") & (p.sections.lane == "R1")].set_index("chainage_from_m")
    assert s.loc[400.0, "treatment"] == "mill_and_inlay" and "M1" in s.loc[400.0, "reason"]
    check_runs(p)


def test_breaks_split_runs():
    cl, an, cond, th = base_inputs()
    breaks = pd.DataFrame({"road": ["road1", "road1"], "chainage_m": [150.0, 290.0], "kind": ["manhole", "junction"]})
    p = plan(cl, an, cond, th, CFG, breaks=breaks)
    r = p.hir_runs[(p.hir_runs.road == "road1") & (p.hir_runs.lane == "R1")]
    # 100-300 split at 150 and 290: 100-150 (50 m < 60: dropped), 150-290, 290-300 (dropped)
    assert r[["chainage_from_m", "chainage_to_m"]].values.tolist()[0] == [150, 290]
    check_runs(p)
    # the same breaks as points (e.g. the manholes of a survey), referenced to the nearest road
    pts = gpd.GeoDataFrame({"kind": ["manhole", "junction", "far"]}, crs=T.CRS,
                           geometry=shapely.points([(T.X0 + 150, T.Y0 - 1.5), (T.X0 + 290, T.Y0 + 2), (T.X0, T.Y0 + 50)]))
    q = plan(cl, an, cond, th, CFG, breaks=pts)
    pd.testing.assert_frame_equal(q.hir_runs.drop(columns="geometry"), p.hir_runs.drop(columns="geometry"))


def check_runs(p, breaks=None):
    """Runs respect the minimum length and the bridging rule; treated length = sum of runs."""
    cfg = p.config["runs"]
    runs = p.hir_runs
    assert (runs["length_m"] >= cfg["min_run_m"] - 1e-9).all()
    assert runs["length_m"].to_numpy() == pytest.approx((runs["chainage_to_m"] - runs["chainage_from_m"]).to_numpy())
    assert p.treated_length_m == pytest.approx(runs["length_m"].sum())
    for (_road, _lane), g in runs.groupby(["road", "lane"]):
        g = g.sort_values("chainage_from_m")
        assert (g["chainage_from_m"].to_numpy()[1:] >= g["chainage_to_m"].to_numpy()[:-1] - 1e-9).all()  # no overlap
    sec = p.sections
    for r in runs.itertuples():  # a run covers only HIR sections and bridged no-action gaps
        inside = sec[(sec.road == r.road) & (sec.lane == r.lane) & (sec.chainage_to_m > r.chainage_from_m + 1e-6)
                     & (sec.chainage_from_m < r.chainage_to_m - 1e-6)]
        assert inside["treatment"].isin([*HIR_TREATMENTS, "no_action"]).all()
        gaps = inside[inside.treatment == "no_action"]
        assert (gaps["length_m"] <= cfg["bridge_gap_m"] + 1e-9).all()
    # every HIR section is in a run
    hir = sec[sec.treatment.isin(HIR_TREATMENTS)]
    assert (hir["run_id"] != "").all()


# ----------------------------------------------------------------------------- the safety property
@st.composite
def defect_layouts(draw):
    n = draw(st.integers(0, 12))
    specs = []
    for _ in range(n):
        specs.append((draw(st.integers(0, 1)), draw(st.floats(5.0, 595.0)), draw(st.floats(-3.4, 3.4)),
                      draw(st.sampled_from(["cavity", "void", "loose", "water_rich"])),
                      draw(st.sampled_from(["low", "medium", "high"])), draw(st.floats(0.3, 3.0)),
                      draw(st.floats(0.3, 2.5)), draw(st.floats(0.1, 1.2))))
    kinds = draw(st.sampled_from([["cavity", "void", "loose", "water_rich"], ["cavity", "void"]]))
    return specs, kinds, draw(st.integers(1, 2)), draw(st.integers(1, 2))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=defect_layouts())
def test_no_run_over_an_untreated_cavity_and_pretreatments_cure_before_runs(layout):
    specs, kinds, trains, crews = layout
    cl, an, cond, th = base_inputs(specs)
    cfg = {**CFG, "pretreatment": {"kinds": kinds}, "schedule": {"trains": trains, "crews": crews}}
    p = plan(cl, an, cond, th, cfg)
    buf = p.config["pretreatment"]["buffer_m"]
    pre = p.pretreatments.set_index("defect_id")
    # every cavity or void beneath a run (footprint within the buffer) has a pre-treatment the run waits for
    for r in p.hir_runs.itertuples():
        band = shapely.buffer(r.geometry, buf)
        waits = {w.strip() for w in r.pretreatments.split(",") if w.strip()}
        for d in an.itertuples():
            if d.kind in ("cavity", "void") or d.kind in kinds:
                if shapely.intersects(band, d.geometry) and shapely.area(shapely.intersection(r.geometry.buffer(buf), d.geometry)) > 1e-6:
                    assert d.anomaly_id in pre.index, (r.run_id, d.anomaly_id)
                    assert pre.loc[d.anomaly_id, "pretreatment_id"] in waits, (r.run_id, d.anomaly_id)
    # emergencies are always treated
    for d in p.defects.itertuples():
        if d.risk_score >= p.config["pretreatment"]["emergency_risk_score"]:
            assert d.defect_id in pre.index
    # in the schedule, each pre-treatment ends and cures before its runs start
    s = p.schedule.set_index("job")
    for pid, row in p.pretreatments.set_index("pretreatment_id").iterrows():
        end = s.loc[pid, "end"]
        for rid in filter(None, (x.strip() for x in row["runs"].split(","))):
            start = s.loc[rid, "start"]
            assert start > end + dt.timedelta(days=int(row["curing_days"])), (pid, rid, end, start)
            assert s.loc[rid, "start_day"] >= s.loc[pid, "end_day"] - 1e-9
    check_runs(p)
    check_schedule(p)


def check_schedule(p, weather=None):
    """No train or crew in two places; runs on working days only."""
    s = p.schedule
    for _res, g in s.groupby("train"):
        g = g.sort_values("start_day")
        assert (g["start_day"].to_numpy()[1:] >= g["end_day"].to_numpy()[:-1] - 1e-9).all()
    sc = p.config["schedule"]
    weather = {} if weather is None else weather

    def workable(d):
        return d.weekday() in sc["weekdays"] and d.month in sc["months"] and weather.get(d, True)

    for r in s[s.kind == "hir_run"].itertuples():
        assert r.start <= r.end
        assert workable(r.start) and workable(r.end), r.job
        # the job's working days are exactly the workable dates from start to end (it pauses over the others)
        days = [d for d in pd.date_range(r.start, r.end).date if workable(d)]
        assert len(days) == int(np.ceil(r.end_day - 1e-9)) - int(np.floor(r.start_day)), r.job


def test_schedule_respects_weather_phases_and_reports_a_missed_deadline():
    cl = T.roads(4, length_m=600.0, phases=[1, 1, 2, 2])
    pci = [distressed_pci] * 4
    cond = T.condition(cl, pci)
    th = T.thickness(cl, 180.0, lane_offsets=(-1.75, 1.75))
    an = T.defects(cl, [(2, 200.0, -1.8, "cavity", "medium", 1.0, 0.8, 0.6)])
    rain = pd.DataFrame({"date": pd.date_range("2026-06-01", "2026-06-20").date, "ambient_c": 20.0,
                         "rain_mm": [0, 5, 5, 0, 0, 12, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0]})
    cfg = {**CFG, "runs": {"min_run_m": 60.0, "bridge_gap_m": 25.0},
           "hir": {"speed_m_per_min": 1.5, "hours_per_day": 2.0, "utilisation": 0.5},  # 90 m/day
           "schedule": {"start_date": "2026-06-01", "deadline": "2026-06-30",
                        "phase_deadlines": {"1": "2026-06-12"}}}
    p = plan(cl, an, cond, th, cfg, weather=rain)
    weather = pd.Series((rain["rain_mm"] <= 0.5).to_numpy(), index=rain["date"])
    check_schedule(p, weather)
    hir = p.schedule[p.schedule.kind == "hir_run"]
    phase1 = hir[hir.road.isin(["road1", "road2"])]
    assert phase1["start_day"].max() < hir[hir.road.isin(["road3", "road4"])]["start_day"].min()  # phase 1 first
    assert not p.summary["deadlines_met"]
    text = "\n".join(p.summary["deadlines"])
    assert "MISSED" in text and "working days" in text
    assert p.summary["gap"] >= 0


# ----------------------------------------------------------------------------- outputs
def test_outputs_gpkg_work_orders_and_figures(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import pyogrio

    cl, an, cond, th = base_inputs([(0, 200.0, -1.8, "cavity", "medium", 1.0, 0.8, 0.6)])
    p = plan(cl, an, cond, th, CFG)
    out = p.to_gpkg(tmp_path / "plan.gpkg")
    layers = dict(pyogrio.list_layers(out))
    assert {"sections", "hir_runs", "pretreatments", "schedule"} <= set(layers)
    assert layers["schedule"] is None  # a table without geometry
    back = gpd.read_file(out, layer="hir_runs")
    assert len(back) == len(p.hir_runs) and back.crs == p.hir_runs.crs
    sched = pyogrio.read_dataframe(out, layer="schedule")
    assert len(sched) == len(p.schedule)
    assert not list(tmp_path.glob(".plan-*"))  # the temporary file was renamed
    wo = p.work_orders()
    assert len(wo) >= len(p.hir_runs) + len(p.pretreatments)
    assert wo["reason"].str.len().gt(0).all() and wo["start"].notna().any()
    wo.to_csv(tmp_path / "wo.csv", index=False)
    assert p.plot_map(centrelines=cl) is not None
    ax = p.plot_gantt()
    assert len(ax.get_yticklabels()) == p.schedule["train"].nunique()


# ----------------------------------------------------------------------------- configuration and errors
def test_config_overrides_and_errors(tmp_path):
    cfg = load_config({"hir": {"depth_mm": 50}})
    assert cfg["hir"]["depth_mm"] == 50 and cfg["hir"]["speed_m_per_min"] == 3.0
    f = tmp_path / "my.toml"
    f.write_text('[runs]\nmin_run_m = 250\n[pretreatment.risk_scores]\n"I" = 1.0\n')
    cfg = load_config(f)
    assert cfg["runs"]["min_run_m"] == 250 and cfg["pretreatment"]["risk_scores"]["I"] == 1.0
    with pytest.raises(PlanError, match=r"unknown configuration key 'hir\.depht_mm'"):
        load_config({"hir": {"depht_mm": 50}})
    with pytest.raises(PlanError, match="new_mix_fraction"):
        load_config({"hir": {"new_mix_fraction": 0.35}})
    with pytest.raises(PlanError, match="speed_m_per_min"):
        load_config({"hir": {"speed_m_per_min": 8}})
    bad = tmp_path / "bad.toml"
    bad.write_text("[runs\n")
    with pytest.raises(PlanError, match=r"bad\.toml"):
        load_config(bad)


@pytest.mark.parametrize(("over", "match"), [
    # found by fuzzing the planner: a NaN passes range checks written as ``x < 0`` (no emergencies,
    # no runs without a word), and unchecked values dropped or inverted pre-treatments
    ({"pretreatment": {"emergency_risk_score": float("nan")}}, r"pretreatment\.emergency_risk_score = nan; expected a finite"),
    ({"runs": {"bridge_gap_m": float("nan")}}, r"runs\.bridge_gap_m = nan"),
    ({"schedule": {"trains": float("inf")}}, r"schedule\.trains = inf"),
    ({"schedule": {"crews": 1.5}}, r"schedule\.trains/crews"),
    ({"pretreatment": {"buffer_m": -50}}, r"pretreatment\.buffer_m = -50"),
    ({"pretreatment": {"grout": {"hole_spacing_m": 0}}}, r"hole_spacing_m > 0"),
    ({"pretreatment": {"grout": {"waste_factor": -1}}}, r"waste_factor >= 1"),
    ({"pretreatment": {"grout": {"curing_days": 1e9}}}, r"curing_days <= 365"),
    ({"pretreatment": {"excavation": {"margin_m": -0.3}}}, r"excavation\.margin_m"),
    ({"sections": {"penalty": -1}}, r"penalty >= 0"),
    ({"schedule": {"start_date": "9999-12-01"}}, r"start_date.*1900\.\.2200"),
    ({"hir": {"hours_per_day": 30}}, r"hours_per_day = 30; expected at most 24"),
    ({"condition": {"pci_sound": 500}}, r"PCIs in 0\.\.100"),
    ({"referencing": {"tolerance_m": 0}}, r"referencing\.tolerance_m"),
])
def test_config_values_out_of_range_are_refused(over, match):
    with pytest.raises(PlanError, match=match):
        load_config(over)


def test_bad_ids_footprints_and_centrelines_are_plan_errors():
    from shapely.geometry import LineString, Polygon

    cl, an, cond, th = base_inputs([(0, 200.0, -1.8, "cavity", "medium", 1.0, 0.8, 0.6),
                                    (1, 50.0, -1.8, "cavity", "high", 1.2, 1.0, 0.25)])
    a = an.copy()
    a["anomaly_id"] = "X"
    with pytest.raises(PlanError, match="anomaly_id must name each anomaly once"):
        plan(cl, a, cond, th)
    a = an.copy()
    a.loc[a.index[0], "geometry"] = Polygon()
    with pytest.raises(PlanError, match="geometry is empty in 1 row"):
        plan(cl, a, cond, th)
    a = an.copy()
    a.loc[a.index[0], "geometry"] = Polygon([(0, 0), (float("inf"), 0), (1, 1)])
    with pytest.raises(PlanError, match="non-finite"):
        plan(cl, a, cond, th)
    c = cl.copy()
    c["width_m"] = c["width_m"].astype(float)
    c.loc[c.index[0], "width_m"] = float("inf")
    with pytest.raises(PlanError, match=r"'width_m'.*finite"):
        plan(c, an, cond, th)
    with pytest.raises(PlanError, match="no roads"):
        plan(cl.iloc[:0], an, cond, th)
    c = cl.copy()
    g = list(c.geometry)
    g[0] = LineString([(0, 0), (1, 1), (float("inf"), 3)])
    c = c.set_geometry(g, crs=cl.crs)
    with pytest.raises(PlanError, match="finite coordinates"):
        plan(c, an, cond, th)


def test_input_errors_name_file_row_and_field(tmp_path):
    cl, an, cond, th = base_inputs()
    c = cond.copy()
    c.loc[3, "road"] = "no such road"
    f = tmp_path / "condition.csv"
    c.to_csv(f, index=False)
    with pytest.raises(PlanError, match=r"condition.csv: field 'road': row 3 \('no such road'\)"):
        plan(cl, an, f, th)
    c = cond.copy()
    c.loc[5, "pci"] = 140
    with pytest.raises(PlanError, match=r"field 'pci': row 5 \(140"):
        plan(cl, an, c, th)
    with pytest.raises(PlanError, match="lacks column"):
        plan(cl, an, cond.drop(columns="rutting_mm"), th)
    c = cond.copy()
    c.loc[4, "chainage_end_m"] = 130.0  # 80-130 m overlaps 100-120 m
    with pytest.raises(PlanError, match=r"rows 4 and 5 of road 'road1' overlap"):
        plan(cl, an, c, th)
    with pytest.raises(PlanError, match="ravelling"):
        plan(cl, an, cond.assign(ravelling="awful"), th)
    with pytest.raises(PlanError, match="thickness_m' or 'asphalt_mm"):
        plan(cl, an, cond, th.drop(columns="asphalt_mm"))
    with pytest.raises(PlanError, match="projected CRS"):
        plan(cl.set_crs(None, allow_override=True), an, cond, th)
    with pytest.raises(PlanError, match="does not exist"):
        plan(tmp_path / "nope.gpkg", an, cond, th)
    odd = T.defects(cl, [(0, 200.0, -1.8, "cavity", "medium", 1.0, 0.8, 0.6)])
    odd["risk"] = odd["risk"].astype(str).replace({"medium": "grade-B"})
    with pytest.raises(PlanError, match="risk_score"):
        plan(cl, odd, cond, th)
    odd["risk_score"] = 0.4  # a preset's grades with scores: fine
    assert len(plan(cl, odd, cond, th, CFG).pretreatments) == 1


def test_far_points_are_reported_not_snapped():
    cl, an, cond, th = base_inputs([(0, 200.0, 40.0, "cavity", "medium", 1.0, 0.8, 0.6)])  # 40 m off the road
    with pytest.warns(Warning, match="further than"):
        p = plan(cl, an, cond, th, CFG)
    assert len(p.unreferenced) == 1 and p.unreferenced["id"].iloc[0] == "D001"
    assert len(p.pretreatments) == 0


# ----------------------------------------------------------------------------- the sample campaign
def longdu_thickness():
    """Asphalt thickness along every Longdu pass from the road models (what calibrated radar picks
    give, without the radar processing), 3 lines 0.3 m apart every 0.5 m."""
    from roadhealth.synth.campaign import longdu_passes

    rows = []
    for r in longdu_passes():
        m = r["model"]
        s = np.arange(0.0, m.length_m, 0.5)
        for u in (-0.3, 0.0, 0.3):
            h = m.interfaces(s, np.full_like(s, u))[1]
            x, y = m.frame.to_xy(s, u)
            rows.append(pd.DataFrame({"x": x, "y": y, "asphalt_mm": 1000 * h}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.skipif(not (LONGDU / "truth.gpkg").is_file(), reason="sample_data/longdu not present")
def test_longdu_plan_every_row_has_its_reason():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = plan(LONGDU / "centrelines.gpkg", LONGDU / "truth.gpkg", LONGDU / "surface_condition.csv",
                 longdu_thickness(), cores=LONGDU / "cores.csv")
    assert len(p.sections) and len(p.pretreatments)
    for table in (p.sections, p.hir_runs, p.pretreatments):
        assert table["reason"].map(lambda r: isinstance(r, str) and len(r) > 10).all()
    text = p.explain()
    for table in (p.sections, p.hir_runs, p.pretreatments):
        for r in table.itertuples():
            assert r.reason in text
    assert len(p.defects) == len(gpd.read_file(LONGDU / "truth.gpkg", layer="anomalies"))
    assert p.defects["decision"].notna().all()
    # the campaign means something: every road has a run in its surveyed lane, the failed stretch of
    # Jinling Road is reconstructed, defects beneath runs are pre-treated, sound stretches left alone
    assert set(p.hir_runs["road"]) == {"外贸路", "金陵路", "富康路"} and set(p.hir_runs["lane"]) == {"R1"}
    jl = p.sections[(p.sections.road == "金陵路") & (p.sections.lane == "R1")]
    failed = jl[(jl.chainage_from_m < 185) & (jl.chainage_to_m > 185)]
    assert failed["treatment"].tolist() == ["reconstruction"]
    assert set(p.sections["treatment"]) >= {"no_action", "hir", "pretreat_then_hir", "reconstruction",
                                             "survey_first"}
    assert (p.pretreatments["runs"] != "").sum() >= 5 and p.pretreatments["emergency"].any()
    check_runs(p)
    check_schedule(p)


def test_longdu_programme_schedule_one_train_two_phases():
    """The Longdu programme: 25 roads, 8 in phase 1, one 8-machine train, all before March."""
    from roadhealth.synth.campaign import programme_inputs

    d = programme_inputs(25, 8, length_m=(300.0, 360.0))
    cfg = {"schedule": {"start_date": "2026-05-04", "deadline": "2027-02-28",
                        "phase_deadlines": {"1": "2026-07-31"}, "trains": 1}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = plan(d["centrelines"], d["anomalies"], d["condition"], d["thickness"], cfg)
    assert p.summary["roads"] == 25 and len(p.hir_runs) >= 8
    hir = p.schedule[p.schedule.kind == "hir_run"]
    assert set(hir["train"]) == {"train 1"}
    phase = dict(zip(d["centrelines"]["name"], d["centrelines"]["phase"], strict=True))
    assert max(hir[hir.road.map(phase) == 1]["end"]) <= dt.date(2026, 7, 31)
    assert p.summary["deadlines_met"] and "phase 1 (8 roads)" in p.summary["deadlines"][0]
    check_runs(p)
    check_schedule(p)
    # the same programme against an impossible phase-1 deadline: missed, and by how much
    late = {"schedule": {**cfg["schedule"], "phase_deadlines": {"1": "2026-05-06"}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = plan(d["centrelines"], d["anomalies"], d["condition"], d["thickness"], late)
    assert not q.summary["deadlines_met"]
    assert any("phase 1" in line and "MISSED" in line and "working days" in line for line in q.summary["deadlines"])


def test_a_void_is_grouted_for_a_gap_no_thicker_than_the_configured_one():
    """A void under the base (0.45 m down, 1.5 x 1.0 m) that the radar reports 0.19 m 'tall' (a
    quarter wavelength at 400 MHz: an upper bound): its grout is reckoned for a gap of
    ``void_max_gap_m`` (0.05 m by default) and the reason says so; with a larger limit the reported
    height is used as it is."""
    specs = [(0, 200.0, -1.8, "void", "medium", 1.5, 1.0, 0.45)]
    cl, an, cond, th = base_inputs(specs)
    an["height_m"] = 0.19
    an["depth_bottom_m"] = an["depth_top_m"] + 0.19
    area = np.pi / 4 * 1.5 * 1.0
    pre = plan(cl, an, cond, th, CFG).pretreatments.set_index("defect_id")
    assert pre.loc["D001", "treatment"] == "drill_and_grout"
    assert pre.loc["D001", "defect_volume_m3"] == pytest.approx(area * 0.05)
    assert "upper bound" in pre.loc["D001", "reason"]
    cfg = {**CFG, "pretreatment": {**CFG.get("pretreatment", {}), "grout": {"void_max_gap_m": 1.0}}}
    pre = plan(cl, an, cond, th, cfg).pretreatments.set_index("defect_id")
    assert pre.loc["D001", "defect_volume_m3"] == pytest.approx(area * 0.19)
    assert "upper bound" not in pre.loc["D001", "reason"]
