"""gprMax export: the 2D files must be valid gprMax 4 input (and gprMax 3 input).

gprMax is an optional extra (``roadhealth[gprmax]``); the test that runs it is skipped without it.
"""

import importlib.util
import subprocess
import sys

import numpy as np
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


def test_boxes_lie_on_the_grid_and_every_box_keeps_a_cell():
    """Every #box corner is on the FDTD grid and spans at least a cell on each axis. gprMax rounds
    the corners itself, but a one-cell column whose edges fall on half-cell ties can round to no
    extent at all, and gprMax 4 then refuses the whole model (blind scenario bw400_cavity_47:
    '#box ... must have positive cell extent on every axis'); a body starting off the grid put
    every edge of its columns on such ties."""
    from roadhealth.synth.model import Cavity, default_layers

    dx = 0.01
    for s_m in (1.3, 1.305, 1.3049, 1.2873):  # body edges on, half a cell off and off the grid
        model = RoadModel(2.6, layers=default_layers(), seed=3, scatterer_density_per_m3=0.0,
                          objects=[Cavity(s_m=s_m, u_m=0.0, depth_top_m=0.5, length_m=0.6, width_m=0.6,
                                          height_m=0.3)])
        boxes = [[float(p) for p in ln.split()[1:7]] for ln in to_gprmax(model, dx_m=dx, body_cell_m=dx,
                                                                          depth_m=1.0).splitlines()
                 if ln.startswith("#box:")]
        assert boxes
        cells = np.array(boxes) / dx
        assert np.allclose(cells, np.round(cells), atol=1e-3)
        assert np.all(np.round(cells[:, 3:]) - np.round(cells[:, :3]) >= 1)


def test_no_box_reaches_past_the_domain_when_the_domain_is_no_whole_number_of_cells():
    """A line whose domain (line, absorbing margins) ends on a half-cell tie: the layers' last
    boxes were snapped up past its end and gprMax 4 refused the model ("ValueError: x", blind
    scenario bw400_multi_19: a 5.26 m domain at 8 mm). Every box now lies within the domain."""
    from roadhealth.synth.model import default_layers

    dx = 0.008
    for length in (4.9, 4.904, 4.9013):
        text = to_gprmax(RoadModel(length, layers=default_layers(), seed=3, scatterer_density_per_m3=0.0),
                         dx_m=dx, depth_m=1.0)
        dom = next([float(v) for v in ln.split()[1:3]] for ln in text.splitlines() if ln.startswith("#domain:"))
        boxes = np.array([[float(p) for p in ln.split()[1:7]] for ln in text.splitlines() if ln.startswith("#box:")])
        assert boxes.size and boxes.min() >= 0
        assert boxes[:, [0, 3]].max() <= dom[0] + 1e-9 and boxes[:, [1, 4]].max() <= dom[1] + 1e-9, (length, dom)


@pytest.mark.skipif(importlib.util.find_spec("gprMax") is None, reason="gprMax (roadhealth[gprmax]) not installed")
def test_2d_export_builds_in_gprmax(tmp_path):
    p = tmp_path / "road.in"
    p.write_text(to_gprmax(_small_model(), dx_m=0.005, depth_m=0.4, air_m=0.05, time_window_ns=3.0))
    r = subprocess.run([sys.executable, "-m", "gprMax", str(p), "-n", "1", "--geometry-only"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]


def test_heterogeneity_is_a_fractal_box_per_unbound_layer_between_its_interfaces():
    """``heterogeneity`` varies the base, subbase and subgrade (not the asphalt) within +-h of each
    layer's mean permittivity and conductivity; each fractal box lies within its own layer (from its
    deepest top to its shallowest bottom) and outside the absorbing boundary, and is drawn before
    the bodies, which must overwrite it."""
    model = RoadModel(1.2, objects=[Pipe(0.6, 0.0, depth_m=0.5, diameter_m=0.1, material="metal")],
                      seed=3, scatterer_density_per_m3=0.0)
    dx, pml, depth = 0.005, 8, 1.0
    plain = to_gprmax(model, dx_m=dx, depth_m=depth, pml_cells=pml)
    assert "#fractal_box" not in plain and "#material_range" not in plain
    text = to_gprmax(model, dx_m=dx, depth_m=depth, pml_cells=pml, heterogeneity=0.25)
    lines = text.splitlines()
    ranges = {ln.split()[-1]: [float(v) for v in ln.split()[1:9]] for ln in lines if ln.startswith("#material_range:")}
    boxes = [ln.split() for ln in lines if ln.startswith("#fractal_box:")]
    assert sorted(ranges) == ["base_range", "subbase_range", "subgrade_range"]
    assert len(boxes) == 3 and {b[12] for b in boxes} == set(ranges)
    for lo_e, hi_e, lo_s, hi_s, *_ in ranges.values():
        assert hi_e / lo_e == pytest.approx(1.25 / 0.75, rel=1e-3) and hi_s / lo_s == pytest.approx(1.25 / 0.75, rel=1e-2)
    surf = float(next(ln for ln in lines if "surface at y=" in ln).split("surface at y=")[1])
    lx = float(next(ln for ln in lines if ln.startswith("#domain:")).split()[1])
    tops = model.interfaces(np.linspace(0.0, 1.2, 13), 0.0)
    for b in boxes:
        x0, y0, x1, y1 = float(b[1]), float(b[2]), float(b[4]), float(b[5])
        i = [lay.name for lay in model.layers].index(b[12].removesuffix("_range"))
        assert surf - y1 >= tops[i].max() - 1e-3  # not above its layer's deepest top
        if i + 1 < len(model.layers):
            assert surf - y0 <= min(tops[i + 1].min(), depth) + 1e-3  # not below its shallowest bottom
        assert x0 >= pml * dx - 1e-9 and y0 >= pml * dx - 1e-9 and x1 <= lx - pml * dx + 1e-9
    first_body = min(k for k, ln in enumerate(lines) if ln.startswith("#cylinder:"))
    assert max(k for k, ln in enumerate(lines) if ln.startswith("#fractal_box:")) < first_body
    with pytest.raises(ValueError, match="heterogeneity"):
        to_gprmax(model, dx_m=dx, heterogeneity=1.5)


def test_source_waveform_is_written_and_checked():
    model = RoadModel(2.0, objects=[], seed=1)
    lines = [ln for ln in to_gprmax(model, dx_m=0.004, depth_m=0.5, frequency_mhz=400.0,
                                    waveform="gaussiandot").splitlines() if ln.startswith("#waveform:")]
    assert lines == ["#waveform: gaussiandot 1 4.0000e+08 src_pulse"]
    assert "#waveform: ricker 1" in to_gprmax(model, dx_m=0.004, depth_m=0.5, frequency_mhz=400.0)
    with pytest.raises(ValueError, match="waveform"):
        to_gprmax(model, dx_m=0.004, waveform="sine-ish")


def _loose_boxes(**kw):
    from roadhealth.synth.model import LooseZone, default_layers

    model = RoadModel(2.6, layers=default_layers(), seed=3, scatterer_density_per_m3=0.0,
                      objects=[LooseZone(s_m=1.3, u_m=0.0, depth_top_m=0.5, length_m=1.0, width_m=1.0,
                                         height_m=0.4, **kw)])
    text = to_gprmax(model, dx_m=0.01, body_cell_m=0.01, depth_m=1.2)
    mats = {ln.split()[-1]: float(ln.split()[1]) for ln in text.splitlines()
            if ln.startswith("#material:") and "loose" in ln}
    n_boxes = sum(1 for ln in text.splitlines() if ln.startswith("#box:") and "loose" in ln)
    return mats, n_boxes


def test_a_loose_zone_is_a_mosaic_of_random_cells_or_one_homogeneous_body():
    """The default builds loose soil from cells of random permittivity (eps_r 4.5-8.5); the
    ``uniform`` style, as another modeller may build loosened soil, from one material of the
    zone's ``eps_r`` (the validation's ``--varied`` draws use it from batch 197 on)."""
    mats, _ = _loose_boxes()
    assert len(mats) >= 3 and min(mats.values()) == 4.5 and max(mats.values()) <= 8.5
    mats, n = _loose_boxes(style="uniform", eps_r=7.8)
    assert mats == {"loose_soil_7p8": 7.8} and n > 0
    with pytest.raises(ValueError, match="style"):
        _loose_boxes(style="fractal")
