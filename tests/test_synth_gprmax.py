"""gprMax export: the 2D files must be valid gprMax 4 input (and gprMax 3 input).

gprMax is an optional extra (``roadhealth[gprmax]``); the test that runs it is skipped without it.
"""

import importlib.util
import subprocess
import sys

import pytest

from roadhealth.synth.gprmax import to_gprmax
from roadhealth.synth.model import Pipe, RoadModel


def _small_model():
    return RoadModel(0.6, objects=[Pipe(0.3, 0.0, depth_m=0.2, diameter_m=0.06, material="metal")],
                     seed=2, scatterer_density_per_m3=0.0)


def test_2d_pml_not_on_the_one_cell_axis():
    # a single '#pml_cells: 10' also puts 10 cells on each side of the one-cell-thick z axis of a
    # 2D model, which gprMax 4 rejects ("has too many cells for the domain size")
    text = to_gprmax(_small_model(), dx_m=0.005, pml_cells=8)
    assert "#pml_cells: 8 8 0 8 8 0" in text.splitlines()
    text3 = to_gprmax(_small_model(), dims="3d", dx_m=0.01, pml_cells=8)
    assert "#pml_cells: 8" in text3.splitlines()


def test_2d_boxes_stay_inside_a_shallow_domain():
    # layers deeper than depth_m are cut at the bottom of the domain, not exported below it
    text = to_gprmax(_small_model(), dx_m=0.005, depth_m=0.4)
    for ln in text.splitlines():
        if ln.startswith("#box:"):
            v = [float(p) for p in ln.split()[1:7]]
            assert min(v) >= 0.0 and v[1] < v[4], ln


@pytest.mark.skipif(importlib.util.find_spec("gprMax") is None, reason="gprMax (roadhealth[gprmax]) not installed")
def test_2d_export_builds_in_gprmax(tmp_path):
    p = tmp_path / "road.in"
    p.write_text(to_gprmax(_small_model(), dx_m=0.005, depth_m=0.4, air_m=0.05, time_window_ns=3.0))
    r = subprocess.run([sys.executable, "-m", "gprMax", str(p), "-n", "1", "--geometry-only"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
