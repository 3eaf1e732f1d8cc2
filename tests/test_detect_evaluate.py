"""roadhealth.detect.evaluate: hand-built tables whose scores are known exactly."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely

from roadhealth.anomalies import anomaly_table, empty_anomalies
from roadhealth.detect.evaluate import EvaluationReport, evaluate
from roadhealth.errors import AnomalyTableError, DetectionError


def row(kind, s0, s1, top, bottom, *, u0=-0.5, u1=0.5, conf=1.0, survey=None):
    r = {"kind": kind, "confidence": conf, "distance_start_m": s0, "distance_end_m": s1,
         "offset_start_m": u0, "offset_end_m": u1, "depth_top_m": top, "depth_bottom_m": bottom,
         "length_m": s1 - s0, "width_m": u1 - u0, "height_m": bottom - top, "cover_m": top,
         "risk": "low", "evidence": "test", "geometry": shapely.box(s0, u0, s1, max(u1, u0 + 1e-3))}
    if survey is not None:
        r["survey"] = survey
    return r


def table(rows):
    return anomaly_table(rows) if rows else empty_anomalies(None)


TRUTH = [row("cavity", 10.0, 11.0, 0.5, 0.8), row("void", 20.0, 21.5, 0.2, 0.24),
         row("loose", 30.0, 32.0, 0.6, 1.0), row("water_rich", 40.0, 42.0, 0.7, 1.1)]


def test_perfect_match():
    rep = evaluate(table(TRUTH), table(TRUTH))
    assert isinstance(rep, EvaluationReport)
    pk = rep.per_kind
    for k in ("cavity", "void", "loose", "water_rich", "cavity+void", "all"):
        assert pk.loc[k, "precision"] == 1.0
        assert pk.loc[k, "recall"] == 1.0
        assert pk.loc[k, "f1"] == 1.0
        assert pk.loc[k, "kind_accuracy"] == 1.0
    assert rep.overall["false_alarms"] == 0 and rep.overall["matched"] == 4
    assert np.array_equal(rep.confusion.iloc[:4, :4].to_numpy(), np.eye(4, dtype=int))
    assert rep.confusion["missed"].sum() == 0 and rep.confusion.loc["false alarm"].sum() == 0
    assert (rep.errors["median_abs"].fillna(0) == 0).all()
    assert set(rep.matches["detection"]) == {0, 1, 2, 3}
    assert (rep.matches["detection"] == rep.matches["truth"]).all()


def test_one_missed_defect():
    rep = evaluate(table(TRUTH[:1] + TRUTH[2:]), table(TRUTH))
    assert rep.per_kind.loc["void", "recall"] == 0.0
    assert math.isnan(rep.per_kind.loc["void", "precision"])  # no void detections
    assert rep.per_kind.loc["all", "recall"] == pytest.approx(3 / 4)
    assert rep.per_kind.loc["all", "precision"] == 1.0
    assert rep.per_kind.loc["all", "f1"] == pytest.approx(2 * 0.75 / 1.75)
    assert rep.confusion.loc["void", "missed"] == 1
    assert rep.confusion["missed"].sum() == 1
    assert list(rep.missed["kind"].astype(str)) == ["void"] and list(rep.missed["truth"]) == [1]


def test_one_false_alarm_per_km():
    dets = [*TRUTH, row("cavity", 50.0, 50.6, 0.5, 0.7, conf=0.4)]
    rep = evaluate(table(dets), table(TRUTH), survey_length_km=0.5)
    assert rep.overall["false_alarms"] == 1
    assert rep.overall["false_alarms_per_km"] == pytest.approx(2.0)
    assert rep.per_kind.loc["cavity", "precision"] == pytest.approx(0.5)
    assert rep.per_kind.loc["cavity", "recall"] == 1.0
    assert rep.per_kind.loc["all", "precision"] == pytest.approx(4 / 5)
    assert rep.confusion.loc["false alarm", "cavity"] == 1
    assert list(rep.unmatched["status"]) == ["false alarm"]
    # without a length the rate is unknown, not invented
    assert math.isnan(evaluate(table(dets), table(TRUTH)).overall["false_alarms_per_km"])


def test_wrong_kind_is_found_but_wrong():
    dets = [row("loose", 10.0, 11.0, 0.5, 0.8), row("cavity", 20.0, 21.5, 0.2, 0.24)]  # cavity->loose, void->cavity
    rep = evaluate(table(dets), table(TRUTH[:2]))
    pk = rep.per_kind
    assert pk.loc["cavity", "recall_found"] == 1.0 and pk.loc["cavity", "recall"] == 0.0
    assert pk.loc["void", "recall_found"] == 1.0 and pk.loc["void", "recall"] == 0.0
    assert pk.loc["loose", "precision"] == 0.0
    assert pk.loc["cavity", "precision"] == 0.0  # the only "cavity" detection is a void
    assert pk.loc["all", "precision"] == 1.0 and pk.loc["all", "recall"] == 1.0  # both defects located
    assert pk.loc["all", "kind_accuracy"] == 0.0
    # air-filled group: a void called a cavity is right, a cavity called loose is not
    assert pk.loc["cavity+void", "recall"] == pytest.approx(0.5)
    assert pk.loc["cavity+void", "precision"] == 1.0
    assert rep.confusion.loc["cavity", "loose"] == 1 and rep.confusion.loc["void", "cavity"] == 1
    assert rep.overall["kind_accuracy"] == 0.0


def test_depth_tolerance_boundary():
    truth = table([row("cavity", 10.0, 11.0, 0.5, 0.7)])
    near = evaluate(table([row("cavity", 10.0, 11.0, 0.85, 1.0)]), truth)  # gap 0.15 m <= 0.2
    far = evaluate(table([row("cavity", 10.0, 11.0, 0.95, 1.1)]), truth)  # gap 0.25 m > 0.2
    assert near.overall["matched"] == 1
    assert near.errors.loc[("all", "depth_top_m"), "bias"] == pytest.approx(0.35)
    assert near.errors.loc[("all", "height_m"), "bias"] == pytest.approx(-0.05)
    assert far.overall["matched"] == 0 and far.overall["false_alarms"] == 1
    assert far.confusion.loc["cavity", "missed"] == 1
    assert evaluate(table([row("cavity", 10.0, 11.0, 0.95, 1.1)]), truth, depth_tol_m=0.3).overall["matched"] == 1


def test_along_and_across_tolerances():
    truth = table([row("void", 10.0, 11.0, 0.2, 0.25, u0=-0.5, u1=0.5)])
    assert evaluate(table([row("void", 11.4, 12.0, 0.2, 0.25)]), truth).overall["matched"] == 1
    assert evaluate(table([row("void", 11.6, 12.0, 0.2, 0.25)]), truth).overall["matched"] == 0
    assert evaluate(table([row("void", 11.6, 12.0, 0.2, 0.25)]), truth, along_tol_m=0.7).overall["matched"] == 1
    # a single profile reports a zero-width offset interval at its channel
    assert evaluate(table([row("void", 10.0, 11.0, 0.2, 0.25, u0=0.9, u1=0.9)]), truth).overall["matched"] == 1
    assert evaluate(table([row("void", 10.0, 11.0, 0.2, 0.25, u0=1.1, u1=1.1)]), truth).overall["matched"] == 0
    rep = evaluate(table([row("void", 10.2, 11.4, 0.22, 0.25, u0=-0.3, u1=0.5)]), truth)
    assert rep.errors.loc[("all", "along_m"), "bias"] == pytest.approx(0.3)
    assert rep.errors.loc[("all", "across_m"), "bias"] == pytest.approx(0.1)
    assert rep.errors.loc[("all", "length_m"), "bias"] == pytest.approx(0.2)
    assert rep.errors.loc[("all", "width_m"), "bias"] == pytest.approx(-0.2)


def test_error_statistics_exact():
    truth = [row("cavity", 10.0 * i, 10.0 * i + 1.0, 0.5, 0.8) for i in range(1, 5)]
    shifts = [0.0, 0.1, -0.2, 0.3]
    dets = [row("cavity", 10.0 * i + d, 10.0 * i + 1.0 + d, 0.5, 0.8) for i, d in zip(range(1, 5), shifts, strict=False)]
    rep = evaluate(table(dets), table(truth))
    e = rep.errors.loc[("cavity", "along_m")]
    assert e["n"] == 4
    assert e["median_abs"] == pytest.approx(0.15)
    assert e["p95_abs"] == pytest.approx(np.percentile([0.0, 0.1, 0.2, 0.3], 95))
    assert e["bias"] == pytest.approx(0.05)
    assert rep.summary().loc["cavity", "along_p95_abs_m"] == pytest.approx(0.285)


def test_survey_column_separates_surveys():
    truth = table([row("cavity", 10.0, 11.0, 0.5, 0.8, survey="A")])
    with pytest.warns(UserWarning, match="no survey is named in both tables"):  # (names that never agree)
        assert evaluate(table([row("cavity", 10.0, 11.0, 0.5, 0.8, survey="B")]), truth).overall["matched"] == 0
    assert evaluate(table([row("cavity", 10.0, 11.0, 0.5, 0.8, survey="A")]), truth).overall["matched"] == 1
    # a table without the column matches any survey
    assert evaluate(table([row("cavity", 10.0, 11.0, 0.5, 0.8)]), truth).overall["matched"] == 1


def test_duplicate_detection_is_not_a_false_alarm():
    dets = [row("void", 20.0, 20.7, 0.2, 0.24), row("void", 20.8, 21.5, 0.2, 0.24)]
    rep = evaluate(table(dets), table([TRUTH[1]]), survey_length_km=1.0)
    assert rep.overall["matched"] == 1 and rep.overall["duplicates"] == 1
    assert rep.overall["false_alarms"] == 0 and rep.overall["false_alarms_per_km"] == 0.0
    assert rep.per_kind.loc["void", "precision"] == pytest.approx(0.5)  # strict
    assert rep.confusion.loc["false alarm"].sum() == 0


def test_assignment_is_optimal_not_greedy():
    truth = table([row("cavity", 10.0, 10.4, 0.5, 0.7), row("cavity", 10.5, 10.9, 0.5, 0.7)])
    # detection 0 sits between both (nearer the first); detection 1 only reaches the first:
    # greedy nearest-first would leave detection 1 unmatched
    dets = table([row("cavity", 10.2, 10.5, 0.5, 0.7), row("cavity", 9.0, 9.5, 0.5, 0.7)])
    rep = evaluate(dets, truth)
    assert rep.overall["matched"] == 2
    pairs = dict(zip(rep.matches["detection"], rep.matches["truth"], strict=False))
    assert pairs == {0: 1, 1: 0}


def test_right_kind_wins_a_tie():
    truth = table([row("cavity", 10.0, 11.0, 0.5, 0.8)])
    dets = table([row("loose", 10.0, 11.0, 0.5, 0.8), row("cavity", 10.1, 11.1, 0.5, 0.8)])
    rep = evaluate(dets, truth)
    assert list(rep.matches["detection"]) == [1]
    assert rep.per_kind.loc["cavity", "recall"] == 1.0


def test_calibration_bins():
    truth = [row("cavity", 10.0 * i, 10.0 * i + 1.0, 0.5, 0.8) for i in range(1, 4)]
    dets = [row("cavity", 10.0, 11.0, 0.5, 0.8, conf=0.85),   # real
            row("cavity", 20.0, 21.0, 0.5, 0.8, conf=0.95),   # real
            row("loose", 30.0, 31.0, 0.5, 0.8, conf=0.82),    # real, wrong kind
            row("cavity", 70.0, 71.0, 0.5, 0.8, conf=0.88),   # false
            row("cavity", 80.0, 81.0, 0.5, 0.8, conf=0.1),    # false
            row("cavity", 90.0, 91.0, 0.5, 0.8, conf=1.0)]    # false (1.0 in the last bin)
    rep = evaluate(table(dets), table(truth), confidence_bins=(0.0, 0.5, 0.8, 0.9, 1.0))
    cal = rep.calibration.set_index("bin")
    assert list(cal.index) == ["[0, 0.5)", "[0.5, 0.8)", "[0.8, 0.9)", "[0.9, 1]"]
    assert list(cal["n"]) == [1, 0, 3, 2]
    assert cal.loc["[0, 0.5)", "fraction_real"] == 0.0
    assert math.isnan(cal.loc["[0.5, 0.8)", "fraction_real"])
    assert cal.loc["[0.8, 0.9)", "fraction_real"] == pytest.approx(2 / 3)
    assert cal.loc["[0.8, 0.9)", "fraction_right_kind"] == pytest.approx(1 / 3)
    assert cal.loc["[0.8, 0.9)", "mean_confidence"] == pytest.approx((0.85 + 0.82 + 0.88) / 3)
    assert cal.loc["[0.9, 1]", "fraction_real"] == pytest.approx(0.5)
    assert rep.overall["real_fraction_confidence_ge_0.8"] == pytest.approx(3 / 5)
    assert rep.overall["n_confidence_ge_0.8"] == 5


def test_clutter_flagged():
    import geopandas as gpd

    clutter = gpd.GeoDataFrame({
        "kind": ["pipe", "pipe", "manhole"], "distance_start_m": [5.0, 15.0, 25.0],
        "distance_end_m": [5.2, 15.2, 25.7], "offset_start_m": [-3.0, -3.0, -0.35],
        "offset_end_m": [3.0, 3.0, 0.35], "depth_top_m": [0.6, 0.9, 0.0], "depth_bottom_m": [0.8, 1.1, 0.1],
        "description": ["", "", ""]}, geometry=[shapely.box(0, 0, 1, 1)] * 3)
    dets = table([row("cavity", 5.0, 5.3, 0.6, 0.7), row("void", 60.0, 61.0, 0.2, 0.25)])
    rep = evaluate(dets, empty_anomalies(None), clutter=clutter, survey_length_km=0.1)
    assert rep.clutter.loc["pipe", "flagged"] == 1 and rep.clutter.loc["pipe", "n"] == 2
    assert rep.clutter.loc["manhole", "flagged"] == 0
    assert rep.overall["pipe_flagged_fraction"] == pytest.approx(0.5)
    assert list(rep.unmatched["on_clutter"]) == ["pipe", None]
    assert rep.overall["false_alarms_per_km"] == pytest.approx(20.0)


def test_empty_tables_and_json():
    rep = evaluate(empty_anomalies(None), table(TRUTH))
    assert rep.per_kind.loc["all", "recall"] == 0.0 and math.isnan(rep.per_kind.loc["all", "precision"])
    assert rep.confusion["missed"].sum() == 4
    rep2 = evaluate(table(TRUTH), empty_anomalies(None), survey_length_km=0.2)
    assert rep2.per_kind.loc["all", "precision"] == 0.0
    assert rep2.overall["false_alarms_per_km"] == pytest.approx(20.0)
    for r in (rep, rep2, evaluate(empty_anomalies(None), empty_anomalies(None))):
        doc = json.loads(json.dumps(r.to_dict(), allow_nan=False))
        assert {"overall", "per_kind", "confusion", "calibration", "errors"} <= set(doc)
        assert isinstance(r.summary(), pd.DataFrame)


def test_survey_length_from_surveys():
    from roadhealth.survey import make_survey

    sv = make_survey(np.zeros((2, 101, 8)), dt_ns=0.1, distance_m=np.linspace(0.0, 250.0, 101))
    rep = evaluate(table([row("cavity", 50.0, 51.0, 0.5, 0.8)]), empty_anomalies(None), survey_length_km=[sv, sv])
    assert rep.overall["survey_length_km"] == pytest.approx(0.5)
    assert rep.overall["false_alarms_per_km"] == pytest.approx(2.0)


def test_bad_input_is_a_clear_error():
    with pytest.raises(DetectionError, match="depth_tol_m"):
        evaluate(table(TRUTH), table(TRUTH), depth_tol_m=-0.1)
    with pytest.raises(DetectionError, match="confidence_bins"):
        evaluate(table(TRUTH), table(TRUTH), confidence_bins=(0.5, 0.2))
    with pytest.raises(AnomalyTableError, match="detections"):
        evaluate(table(TRUTH).drop(columns="depth_top_m"), table(TRUTH))
    with pytest.raises(AnomalyTableError, match="truth is None"):
        evaluate(table(TRUTH), None)
    with pytest.raises(DetectionError, match="survey_length_km"):
        evaluate(table(TRUTH), table(TRUTH), survey_length_km=-1)


# ---- the validation runners (validation/), exercised with fake detectors built from truth ----------
def _validation():
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    import validation.fastmodel_set as fm
    import validation.fullwave_set as fw

    return fm, fw


def test_fastmodel_set_is_varied_deterministic_and_split():
    fm, _ = _validation()
    scs = fm.scenarios()
    assert len(scs) >= 300
    assert fm.scenario(17) == fm.scenario(17)
    split = [s["split"] for s in scs]
    assert 0.35 < split.count("test") / len(scs) < 0.45
    assert {s["frequency_mhz"] for s in scs} == {400, 600, 900, 1200, 1600}
    chans = [s["n_channels"] for s in scs]
    assert 1 in chans and min(c for c in chans if c > 1) >= 8 and max(chans) <= 16
    types = {o["type"] for s in scs for o in s["objects"]}
    assert {"cavity", "void", "loose", "water_rich", "pipe", "manhole", "undulation", "stone"} <= types
    assert {"metal", "pvc"} <= {o["material"] for s in scs for o in s["objects"] if o["type"] == "pipe"}
    assert any(not s["objects"] for s in scs) and {s["soil"] for s in scs} >= {"dry_sand", "wet_clay"}
    sizes = [o["length_m"] for s in scs for o in s["objects"] if o["type"] == "cavity"]
    tops = [o["depth_top_m"] for s in scs for o in s["objects"] if o["type"] == "cavity"]
    assert min(sizes) < 0.3 and max(sizes) > 2.0 and max(tops) > 1.5


def test_fastmodel_runner_scores_a_fake_detector(tmp_path, monkeypatch):
    fm, _ = _validation()
    monkeypatch.setattr(fm, "WORK", tmp_path / "work")
    monkeypatch.setattr(fm, "OUT", tmp_path)
    test = [s for s in fm.scenarios("test") if s["n_defects"] >= 1 and s["n_channels"] == 1][:2]
    names = {s["name"]: s for s in test}
    monkeypatch.setattr(fm, "scenarios", lambda split=None: test)

    def fake_detect(survey):  # the truth, shifted 0.1 m along track and 0.05 m deeper
        t, _ = fm.tables(names[survey.attrs["source"]])
        t = t.drop(columns="survey")
        for c in ("distance_start_m", "distance_end_m"):
            t[c] = t[c] + 0.1
        t["depth_top_m"] = t["depth_top_m"] + 0.05
        t["depth_bottom_m"] = t["depth_bottom_m"] + 0.05
        t["confidence"] = 0.9
        return t

    assert fm.run("test", detector=fake_detect) == 2
    assert fm.run("test", detector=fake_detect) == 0  # resumable: nothing left
    rep = fm.score("test")
    n = sum(s["n_defects"] for s in test)
    assert rep.overall["matched"] == n and rep.overall["false_alarms"] == 0
    assert rep.overall["depth_top_median_abs_m"] == pytest.approx(0.05)
    assert rep.overall["along_median_abs_m"] == pytest.approx(0.1)
    assert (tmp_path / "metrics_test.json").exists() and (tmp_path / "metrics_test.md").exists()


def test_fullwave_scenarios_and_grid_rule():
    _, fw = _validation()
    scs = fw.scenarios()
    assert len(scs) >= 40 and len({s["name"] for s in scs}) == len(scs)
    assert {400, 900} <= {s["frequency_mhz"] for s in scs} <= {200, 400, 900}
    assert {"cavity", "void", "loose", "water_rich", "pipe", "clean"} <= {s["group"] for s in scs}
    for sc in scs[:6]:
        model = fw.build_model(sc)
        dx = fw.cell_size_m(model, sc["frequency_mhz"])
        eps_max = float(model.eps(np.linspace(0, model.length_m, 101), 0.0).max())
        lam = 0.299792458 / np.sqrt(eps_max) / (2 * sc["frequency_mhz"] * 1e-3)
        assert 0 < dx <= lam / 10 and 20 <= fw.n_traces(sc) <= 60


def test_fullwave_export_writes_segy_as_exporters_do(tmp_path, monkeypatch):
    import roadhealth
    from roadhealth.synth.forward import ricker

    _, fw = _validation()
    monkeypatch.setattr(fw, "OUT", tmp_path)
    monkeypatch.setattr(fw, "RAW", tmp_path / "raw")
    (tmp_path / "raw").mkdir()
    sc = next(s for s in fw.scenarios() if s["frequency_mhz"] == 900 and s["group"] == "cavity")
    n = fw.n_traces(sc)
    dt_s = 7.5e-12  # a gprMax-like time step
    t_ns = np.arange(3000) * dt_s * 1e9
    ez = np.tile(ricker(t_ns - 5.0, 900.0), (n, 1)).astype(np.float32)
    np.savez_compressed(tmp_path / "raw" / f"{sc['name']}.npz", ez=ez, dt_s=dt_s, gprmax="4.0.1")
    fw.export(sc)
    assert fw.exported(sc)
    raw = (tmp_path / f"{sc['name']}_clean.sgy").read_bytes()
    assert int.from_bytes(raw[3216:3218], "big") == 40  # sample interval in picoseconds
    assert b"SAMPLE INTERVAL" not in raw[:3200]  # like exporters: the text does not state it
    with pytest.warns(Warning):
        sv = roadhealth.read(tmp_path / f"{sc['name']}_clean.sgy")
    assert sv.attrs["dt_ns"] == pytest.approx(0.04)
    assert float(sv.twt_ns[0]) == 0.0  # time zero at the source
    assert sv.sizes["trace"] == n
    np.testing.assert_allclose(np.diff(sv.distance_m.values[0]), np.diff(fw.midpoints_m(sc)), atol=1e-3)
    k = int(np.argmax(np.abs(sv.values[0, 0])))
    assert float(sv.twt_ns[k]) == pytest.approx(5.0, abs=0.04)  # the pulse stays where it was
    with pytest.warns(Warning):
        noisy = roadhealth.read(tmp_path / f"{sc['name']}_noisy.sgy")
    assert np.allclose(noisy.values, np.round(noisy.values)) and np.abs(noisy.values).max() <= 32767
    t = fw.read_table(tmp_path / f"{sc['name']}_truth.geojson")
    model = fw.build_model(sc)
    assert len(t) == 1 and t["survey"].iloc[0] == sc["name"]
    obj = model.anomalies[0]
    assert t["distance_start_m"].iloc[0] == pytest.approx(obj.extent()[0] - fw.midpoints_m(sc)[0])
    assert t["depth_top_m"].iloc[0] == pytest.approx(obj.depth_top_m)


def test_matching_equals_one_dense_assignment():
    """Per-group matching gives the same number of matches and total cost as one dense problem."""
    import importlib

    from scipy.optimize import linear_sum_assignment

    ev = importlib.import_module("roadhealth.detect.evaluate")  # the package re-exports the function

    rng = np.random.default_rng(5)
    kinds = ["cavity", "void", "loose", "water_rich"]
    truth = [row(kinds[i % 4], s, s + L, z, z + 0.3) for i, (s, L, z) in
             enumerate(zip(rng.uniform(0, 40, 30), rng.uniform(0.2, 2.0, 30), rng.uniform(0.1, 1.5, 30), strict=False))]
    dets = [row(kinds[rng.integers(4)], s, s + L, z, z + 0.2) for s, L, z in
            zip(rng.uniform(0, 40, 45), rng.uniform(0.2, 1.5, 45), rng.uniform(0.1, 1.5, 45), strict=False)]
    d, t = table(dets), table(truth)
    rep = evaluate(d, t)
    pi, pj = ev._pairs(d, t, (0.5, 0.5, 0.2))
    da, _ = ev._centres(d)
    ta, _ = ev._centres(t)
    full = np.full((len(d), len(t)), 1e9)
    full[pi, pj] = (np.sqrt(((da[pi] - ta[pj]) / 0.5) ** 2
                            + ((d["depth_top_m"].to_numpy()[pi] - t["depth_top_m"].to_numpy()[pj]) / 0.2) ** 2)
                    + (d["kind"].astype(str).to_numpy()[pi] != t["kind"].astype(str).to_numpy()[pj]))
    r, c = linear_sum_assignment(full)
    ok = full[r, c] < 1e9
    assert rep.overall["matched"] == int(ok.sum()) > 5
    mine = full[rep.matches["detection"].to_numpy(), rep.matches["truth"].to_numpy()].sum()
    assert mine == pytest.approx(full[r[ok], c[ok]].sum())


def test_realdata_runner_reports_every_file(samples_dir):
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    import validation.realdata as rd

    calls = []

    def fake_detect(survey):  # nothing found on grid lines, a clear error or a crash elsewhere
        calls.append(survey.sizes["channel"])
        if survey.sizes["sample"] == 2048:
            raise DetectionError("a time window this long is not a road survey")
        if survey.sizes["channel"] > 1:
            raise ValueError("deep numpy trouble")
        return empty_anomalies(None)

    doc = rd.run(fake_detect, samples_dir, grid_lines=2)
    recs = {r["input"]: r for r in doc["records"]}
    assert recs["gprdata_grid/lines/FILE____001.DZT"]["status"] == "ok"
    assert recs["gprdata_grid/lines/FILE____001.DZT"]["km"] == pytest.approx(0.009, rel=0.1)
    assert recs["gprdata_grid/lines/FILE____001.DZT"]["per_km"] == 0.0
    assert recs["gprdata_grid assembled (2 lines)"]["status"] == "crash"
    assert recs["gssi/impdar_sir4000/test_gssi.DZT"]["status"] == "clear error"
    assert doc["summary"]["grid_lines"]["km"] == pytest.approx(0.018, rel=0.1)
    assert doc["summary"]["grid_lines"]["per_km"] == 0.0
    assert doc["summary"]["files"] == len(doc["records"]) == 2 + 1 + len(rd.SINGLE_FILES)
