"""The bundled demo, the Quickstart command and the notebooks keep working."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import matplotlib
import pytest

from roadhealth.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_data" / "demo" / "WANZHOU_DEMO.DZT"


def test_demo_is_reproducible(tmp_path):
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "sample_data" / "make_demo.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.main(tmp_path)
    assert out.read_bytes() == DEMO.read_bytes()
    assert out.with_suffix(".DZG").read_bytes() == DEMO.with_suffix(".DZG").read_bytes()


def test_quickstart_main_job(capsys):
    assert main(["info", str(DEMO), "--crs", "EPSG:4545", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)[0]
    assert info["crs"] == "EPSG:4545" and info["channels"] == 2 and info["antenna_mhz"] == 400
    x, y = info["first_position_xy"]
    assert abs(x - 536_000) < 0.01 and abs(y - 3_409_000) < 0.01  # the generator's track start, in EPSG:4545
    assert info["warnings"] == []


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_code_runs(notebook, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{notebook.name}", "exec"), namespace)  # noqa: S102
    import matplotlib.pyplot as plt

    plt.close("all")
    assert os.getcwd() == str(ROOT)
