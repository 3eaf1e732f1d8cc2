"""The Quickstart command, the synth CLI and the notebooks keep working on the bundled sample data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib
import pytest

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
    assert len(paths) == 3
    assert main(["info", *map(str, paths), "--crs", "EPSG:4545", "--json"]) == 0
    infos = json.loads(capsys.readouterr().out)
    roads = gpd.read_file(LONGDU / "centrelines.gpkg").to_crs("EPSG:4545")
    near = shapely.unary_union(list(roads.geometry)).buffer(15.0)
    for info in infos:
        assert info["crs"] == "EPSG:4545" and info["channels"] == 12 and info["antenna_mhz"] == 600
        assert near.contains(shapely.Point(*info["first_position_xy"]))  # on its road, in EPSG:4545
        assert info["warnings"] == []


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_code_runs(notebook, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{notebook.name}", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
    assert os.getcwd() == str(ROOT)
