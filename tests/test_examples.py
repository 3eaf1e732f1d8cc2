"""The Quickstart command, the synth CLI and the notebooks keep working on the bundled sample data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib
import pytest
from conftest import SAMPLES_DIR, samples_available

from roadhealth.cli import main

ROOT = Path(__file__).resolve().parents[1]
LONGDU = ROOT / "sample_data" / "longdu"


def test_cli_synth_small_campaign(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "c"), "--roads", "1", "--length-m", "6", "--seed", "3"]) == 0
    capsys.readouterr()
    dzts = sorted((tmp_path / "c").glob("*.DZT"))
    assert len(dzts) == 1 and (tmp_path / "c" / "truth.gpkg").exists()
    assert main(["info", str(dzts[0]), "--crs", "EPSG:4545", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)[0]
    assert info["crs"] == "EPSG:4545" and info["channels"] == 12
    assert abs(info["length_m"] - 6.0) < 0.2


def test_quickstart_main_job(capsys):
    import geopandas as gpd
    import shapely

    paths = sorted(LONGDU.glob("*.DZT"))
    # per road: a 12-channel detailed pass and a 3-channel long pass over the rest of the road
    assert sorted(p.stem for p in paths) == ["FUKANG", "FUKANG_LONG", "JINLING", "JINLING_LONG",
                                             "WAIMAO", "WAIMAO_LONG"]
    assert main(["info", *map(str, paths), "--crs", "EPSG:4545", "--json"]) == 0
    infos = json.loads(capsys.readouterr().out)
    roads = gpd.read_file(LONGDU / "centrelines.gpkg").to_crs("EPSG:4545")
    near = shapely.unary_union(list(roads.geometry)).buffer(15.0)
    for info in infos:
        long_pass = info["source"].endswith("_LONG.DZT")
        assert info["crs"] == "EPSG:4545" and info["antenna_mhz"] == 600
        assert info["channels"] == (3 if long_pass else 12)
        assert near.contains(shapely.Point(*info["first_position_xy"]))  # on its road, in EPSG:4545
        assert info["warnings"] == []


# --------------------------------------------------------------------------------------------------
# notebooks: each one runs, and what it computes is checked (per notebook, keyed by file name)
# --------------------------------------------------------------------------------------------------

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _run_notebook(notebook: Path) -> tuple[dict, list]:
    """Execute the code cells of ``notebook`` in one namespace -> (namespace, open figures)."""
    import matplotlib.pyplot as plt

    plt.close("all")
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{notebook.name}", "exec"), namespace)
    return namespace, [plt.figure(n) for n in plt.get_fignums()]


def _history_steps(survey) -> list[str]:
    return [h["step"] for h in survey.attrs.get("history", [])]


def _check_01_quickstart(ns: dict, figures: list) -> None:
    """Read Waimao Road in EPSG:4545, the default recipe, detection, the map over the centreline."""
    import geopandas as gpd
    import numpy as np
    import shapely

    import roadhealth.processing as rp
    from roadhealth.anomalies import validate_anomalies

    survey, processed, anomalies = ns["survey"], ns["processed"], ns["anomalies"]
    assert survey.dims == ("channel", "trace", "sample") and survey.shape == (12, 1201, 256)
    assert survey.attrs["crs"] == "EPSG:4545"
    recipe_steps = [s["name"] for s in rp.load_recipe(rp.default_recipe())["steps"]]
    n_read = len(_history_steps(survey))
    assert _history_steps(processed)[:n_read] == _history_steps(survey)
    assert _history_steps(processed)[n_read:] == recipe_steps
    assert np.isfinite(processed.values).all() and processed.values.std() > 0
    validate_anomalies(anomalies)  # raises AnomalyTableError when the table breaks the contract
    assert len(anomalies) >= 1 and anomalies.crs == "EPSG:4545"
    # every footprint lies on Waimao Road (within its half-width and the GNSS noise)
    roads = gpd.read_file(LONGDU / "centrelines.gpkg").to_crs("EPSG:4545")
    waimao = roads.loc[roads["name_en"] == "Waimao Road"].geometry.iloc[0]
    assert shapely.contains(waimao.buffer(10.0), anomalies.geometry.values).all()
    # the map: the anomaly footprints drawn as patches over the centreline line
    map_fig = ns["map_fig"]
    assert map_fig in figures and ns["bscan_fig"] in figures and len(figures) == 2
    ax = map_fig.axes[0]
    assert len(ax.collections) >= 1 + anomalies["kind"].nunique() and len(ax.texts) == len(anomalies)


def _check_02_processing(ns: dict, figures: list) -> None:
    """Each default-recipe step run by hand: one before/after figure and one history record per step."""
    import numpy as np

    import roadhealth.processing as rp

    steps = rp.load_recipe(rp.default_recipe())["steps"]
    names = [s["name"] for s in steps]
    results = ns["results"]
    assert list(results) == names
    assert len(figures) == len(names) and all(len(f.axes) == 2 for f in figures)
    before = ns["survey"]
    for name in names:
        after = results[name]
        record = after.attrs["history"][-1]
        assert record["step"] == name
        assert len(after.attrs["history"]) == len(before.attrs["history"]) + 1
        assert "auto" not in record["parameters"].values(), (name, record["parameters"])  # resolved
        if after.shape == before.shape:  # every step changes the data (time zero may trim samples)
            assert not np.allclose(after.values, before.values), name
        before = after
    final = ns["current"]
    assert _history_steps(final)[-len(names):] == names
    assert final.twt_ns.values[0] == pytest.approx(0.0, abs=1e-9)  # time zero at the surface


def _check_03_defects(ns: dict, figures: list) -> None:
    """Explanations, features, three risk presets, detection boxes, and the evaluation against truth."""
    import numpy as np

    from roadhealth.detect.risk import load_table

    detections, sentences = ns["detections"], ns["sentences"]
    assert len(detections) >= 1 and list(sentences) == list(detections["anomaly_id"])
    for row in detections.itertuples():
        sentence = sentences[row.anomaly_id].lower()
        assert str(row.kind).replace("_", "-") in sentence, (row.kind, sentence)
        assert f"risk {str(row.risk).lower()}" in sentence, (row.risk, sentence)
    features = ns["features"]
    assert len(features) == len(detections) and {"z_peak", "polarity", "coherence"} <= set(features.columns)
    assert (features["velocity_m_per_ns"] > 0).all() and (features["velocity_m_per_ns"] < 0.3).all()
    grades = ns["grades"]
    assert list(grades.columns) == ["kind", "beijing", "seoul", "japan"] and len(grades) == len(detections)
    for preset in ("beijing", "seoul", "japan"):
        levels = set(map(str, load_table(preset)["grades"]))
        assert grades[preset].notna().all() and set(map(str, grades[preset])) <= levels, preset
    assert len(ns["boxes"]) == len(detections)
    assert ns["bscan_fig"] in figures and ns["calibration_fig"] in figures
    # the evaluation: a row per true kind (and the aggregates), counts that add up
    truth, report, summary = ns["truth"], ns["report"], ns["summary"]
    assert set(truth["kind"].astype(str)) <= set(summary.index) and "all" in summary.index
    assert summary.loc["all", "n_truth"] == len(truth) and summary.loc["all", "n_detected"] == len(detections)
    conf = report.confusion
    assert conf.drop(index="false alarm").to_numpy().sum() == len(truth)
    assert int(report.calibration["n"].sum()) == len(detections)
    # the sample's four defects are separated and strong: detection finds them
    assert summary.loc["all", "recall_found"] >= 0.75 and np.isfinite(summary.loc["all", "precision"])


def _check_04_hir_plan(ns: dict, figures: list) -> None:
    """The planner on the sample campaign: sections, runs, pre-treatments with reasons, the Gantt chart."""
    hir, anomalies = ns["hir"], ns["anomalies"]
    assert len(anomalies) > 0 and ns["calibration"]["n_cores"] >= 3
    for name in ("sections", "hir_runs", "pretreatments"):
        table = getattr(hir, name)
        assert len(table) > 0, name
        reasons = table["reason"].astype(str).str.strip()
        assert (reasons != "").all() and table["reason"].notna().all(), name
    # the sections tile every road: from 0 to the road's length in every lane
    roads = ns["centrelines"].set_index("name")
    for (road, lane), g in hir.sections.groupby(["road", "lane"]):
        g = g.sort_values("chainage_from_m")
        assert g["chainage_from_m"].iloc[0] == pytest.approx(0.0)
        assert (g["chainage_from_m"].to_numpy()[1:] == g["chainage_to_m"].to_numpy()[:-1]).all(), (road, lane)
        assert g["chainage_to_m"].iloc[-1] == pytest.approx(roads.loc[road, "length_m"], abs=1.0), (road, lane)
    assert (hir.hir_runs["length_m"] >= 100.0).all()
    orders = ns["work_orders"]
    ids = set(orders["order_id"])
    assert set(hir.hir_runs["run_id"]) <= ids and set(hir.pretreatments["pretreatment_id"]) <= ids
    assert (orders["reason"].astype(str).str.strip() != "").all()
    gantt = ns["gantt_ax"]
    assert gantt.figure in figures and ns["map_fig"] in figures
    assert len(gantt.patches) == len(hir.schedule) > 0  # one bar per scheduled job


def _check_07_campaign(ns: dict, figures: list) -> None:
    """The sample campaign runs clean: exit code 0, anomalies, run.json with the evaluation."""
    result, run, anomalies = ns["result"], ns["run"], ns["anomalies"]
    assert result.exit_code == 0 and run["exit_code"] == 0 and run["skipped"] == []
    assert len(anomalies) > 0 and anomalies.crs == "EPSG:4545"
    overall = run["evaluation"]["overall"]
    assert overall["n_truth"] > 0 and overall["n_detections"] == len(anomalies)
    assert 0.0 <= overall["precision"] <= 1.0 and 0.0 <= overall["recall_found"] <= 1.0
    assert len(figures) == 1


def _check_05_read_and_inspect(ns: dict, figures: list) -> None:
    """Waimao Road: the DZT read with its GNSS in EPSG:4545, then the default recipe."""
    import geopandas as gpd
    import numpy as np
    import shapely

    import roadhealth.processing as rp

    survey = ns["survey"]
    assert survey.dims == ("channel", "trace", "sample")
    assert survey.shape == (12, 1201, 256) and survey.dtype == np.int16  # README: 12 ch, 256 samples, 16 bit
    a = survey.attrs
    assert (a["format"], a["antenna_mhz"], a["crs"], a["header_words"]) == ("gssi_dzt", 600.0, "EPSG:4545", 2)
    assert a["dt_ns"] == pytest.approx(32.0 / 256)  # 256 samples over 32 ns
    offsets = survey.offset_m.values
    np.testing.assert_allclose(np.diff(offsets), 0.075, atol=1e-6)  # ascending, 0.075 m apart
    d = survey.distance_m.values
    assert np.all(np.diff(d, axis=-1) > 0)
    assert d[0, -1] - d[0, 0] == pytest.approx(1200 * 0.05, rel=0.01)  # a trace every 5 cm
    # every trace of every channel on Waimao Road (EPSG:4545), within the road and the GNSS noise
    roads = gpd.read_file(LONGDU / "centrelines.gpkg").to_crs("EPSG:4545")
    near = shapely.unary_union(list(roads.geometry)).buffer(15.0)
    xy = shapely.points(survey.x.values.ravel(), survey.y.values.ravel())
    assert shapely.contains(near, xy).all()
    qc = ns["qc"]
    assert 0 < qc["n_used"] <= qc["n_fixes"] and qc["n_fixes"] >= 25  # ~1 fix per 2 m over 60 m
    processed = ns["processed"]
    assert processed.dims == survey.dims and processed.dtype == np.float32
    assert processed.shape[:2] == survey.shape[:2] and 200 <= processed.sizes["sample"] <= 256
    assert np.isfinite(processed.values).all() and processed.values.std() > 0
    recipe_steps = [s["name"] for s in rp.load_recipe(rp.default_recipe())["steps"]]
    steps = _history_steps(processed)
    assert steps[: len(_history_steps(survey))] == _history_steps(survey)
    assert steps[len(_history_steps(survey)):] == recipe_steps
    assert processed.twt_ns.values[0] == pytest.approx(0.0, abs=1e-9)  # time zero at the surface
    # "the history rebuilds the recipe": the explicit recipe reproduces the result from the raw survey
    again = rp.apply(survey.astype("float32").assign_attrs(survey.attrs), rp.recipe_from_history(processed))
    scale = float(np.abs(processed.values).max())
    np.testing.assert_allclose(again.values, processed.values, rtol=0, atol=1e-5 * scale)
    assert len(figures) == 2  # the tracks, raw against processed


def _check_06_synthetic_road(ns: dict, figures: list) -> None:
    """The synthetic road: simulate, process, migrate; the time slice finds the two defects."""
    import numpy as np
    from scipy import ndimage

    from roadhealth.synth.truth import truth

    survey, processed, migrated, cscan = ns["survey"], ns["processed"], ns["migrated"], ns["cscan"]
    assert survey.shape == (6, 301, 384)  # 6 channels, 12 m at 0.04 m, 384 samples
    assert survey.attrs["antenna_mhz"] == 800.0 and survey.attrs["dt_ns"] == pytest.approx(24.0 / 384)
    np.testing.assert_allclose(survey.offset_m.values, 0.1 * np.arange(6) - 0.25, atol=1e-9)
    assert processed.shape[:2] == survey.shape[:2] and processed.sizes["sample"] <= 384
    assert _history_steps(migrated)[-1] == "stolt_migrate" and migrated.attrs["migrated"] == "stolt"
    assert migrated.attrs["history"][-1]["parameters"]["eps_r"] == 8.0
    assert migrated.shape == processed.shape
    assert cscan.dims == ("channel", "trace") and cscan.shape == (6, 301)

    # the slice (5-9 ns) against the truth: along track, the cross-track mean of the slice stands
    # above 1.5 x its median exactly where the cavity and the water-rich zone are (both span
    # every channel), their ends within 0.2 m (5 traces) of the truth; the pipe (0.6 m deep) is
    # below the slice and makes no third region
    t = truth(ns["model"]).sort_values("distance_start_m")
    assert list(t["kind"]) == ["cavity", "water_rich"]
    d = migrated.distance_m.values[0]
    profile = np.asarray(cscan.values).mean(axis=0)
    labels, n = ndimage.label(profile > 1.5 * np.median(profile))
    found = sorted((d[labels == i].min(), d[labels == i].max()) for i in range(1, n + 1))
    assert len(found) == len(t), found
    for (start, end), row in zip(found, t.itertuples(), strict=True):
        assert start == pytest.approx(row.distance_start_m, abs=0.2), (row.kind, start, end)
        assert end == pytest.approx(row.distance_end_m, abs=0.2), (row.kind, start, end)
        inside = (d >= row.distance_start_m) & (d <= row.distance_end_m)
        assert profile[inside].mean() > 2.0 * np.median(profile), row.kind
    assert len(figures) == 2  # the three sections, the slice with the truth


def _check_08_real_grid(ns: dict, figures: list) -> None:
    """The real grid walk-through: 46 lines, checked picks, a grid with the lines' history, 8 slices."""
    lines, grid, picks = ns["lines"], ns["grid"], ns["picks"]
    assert len(lines) == 46 and lines[0].shape == (1, 451, 512)
    assert picks.shape == (1, 451) and "confidence" in picks.coords
    assert grid.sizes["channel"] == 46 and grid.attrs["time_zero_at_surface"]
    assert _history_steps(grid)[0] == "time_zero" and _history_steps(grid)[-1] == "assemble_grid"
    assert ns["depth"].attrs["domain"] == "depth"
    assert ns["bands"] == 8 and ns["shape"] == (46, 451)
    assert len(figures) >= 4  # raw line, picks, processed line, slices


NOTEBOOK_CHECKS = {
    "01_quickstart.ipynb": _check_01_quickstart,
    "02_processing.ipynb": _check_02_processing,
    "03_defects.ipynb": _check_03_defects,
    "04_hir_plan.ipynb": _check_04_hir_plan,
    "05_read_and_inspect.ipynb": _check_05_read_and_inspect,
    "06_synthetic_road.ipynb": _check_06_synthetic_road,
    "07_campaign.ipynb": _check_07_campaign,
    "08_real_grid.ipynb": _check_08_real_grid,
}

#: Notebooks that read the real instrument samples in ../shared/gpr_samples.
NEEDS_SAMPLES = {"08_real_grid.ipynb"}


def _check_unknown_notebook(ns: dict, figures: list) -> None:
    """A notebook without checks of its own must at least draw a figure or compute a result."""
    import geopandas as gpd
    import pandas as pd
    import xarray as xr

    results = [k for k, v in ns.items() if not k.startswith("_")
               and isinstance(v, (xr.DataArray, xr.Dataset, pd.DataFrame, gpd.GeoDataFrame))]
    assert figures or results, "the notebook draws no figure and computes no survey or table"


def test_every_notebook_check_has_its_notebook():
    assert set(NOTEBOOK_CHECKS) <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_runs(notebook, monkeypatch):
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    if notebook.name in NEEDS_SAMPLES and not samples_available():
        pytest.skip(f"{notebook.name} reads the real samples in {SAMPLES_DIR}, which are absent (set ROADHEALTH_SAMPLES)")
    try:
        ns, figures = _run_notebook(notebook)
        NOTEBOOK_CHECKS.get(notebook.name, _check_unknown_notebook)(ns, figures)
    finally:
        plt.close("all")
    assert os.getcwd() == str(ROOT)
