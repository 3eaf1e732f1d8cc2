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
    "05_read_and_inspect.ipynb": _check_05_read_and_inspect,
    "06_synthetic_road.ipynb": _check_06_synthetic_road,
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
