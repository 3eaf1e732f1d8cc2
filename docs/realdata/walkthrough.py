"""Real-data walk-through: the 46-line GSSI grid -> default recipe -> grid -> depth slices -> GeoTIFF.

Run from the repository root (needs ``../shared/gpr_samples`` or ROADHEALTH_SAMPLES); writes the
figures of ``docs/realdata.md`` to ``docs/img/realdata_*.png`` and the GeoTIFF slices to
``OUT`` (default ``/tmp/roadhealth_realdata``)::

    python docs/realdata/walkthrough.py [OUT]

The notebook ``notebooks/08_real_grid.ipynb`` runs the same steps interactively.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import roadhealth as rh
from roadhealth.processing import (
    apply,
    assemble_grid,
    cscans,
    load_recipe,
    read_topo_lines,
    to_depth,
    write_geotiff,
)
from roadhealth.processing.depth import Layer

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("ROADHEALTH_SAMPLES", ROOT.parent / "shared" / "gpr_samples"))
GRID = SAMPLES / "gssi" / "gprdata_grid"
IMG = ROOT / "docs" / "img"

#: Velocity for depth: the grid has no calibration (no cores, no clean hyperbola was fitted in this
#: walk-through), so a documented default for moist sandy soil, eps_r = 9 (v = 0.1 m/ns).
EPS_R = 9.0


def read_lines():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [rh.read(p) for p in sorted((GRID / "lines").glob("FILE____*.DZT"))]


def old_recipe():
    """The recipe before the real-data fixes: per-trace time zero without neighbour checks."""
    r = load_recipe(None)
    r["steps"][0]["params"].update(per="trace", max_dev_ns=1e6)
    for st in r["steps"]:
        if st["name"] == "tpower_gain":
            st["params"].update(max_gain_db=None, stop_ns=None)
    return r


def grid_of(lines, recipe):
    starts, ends = read_topo_lines(GRID / "topo")
    processed = [apply(s, recipe) for s in lines]
    return assemble_grid(processed, spacing_m=0.02, starts=starts, ends=ends, distance="line", align="none")


def main(out_dir: str = "/tmp/roadhealth_realdata") -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = read_lines()
    line = lines[24]

    # 1. one raw line and the same line processed (old and new recipe)
    fig, axs = plt.subplots(1, 3, figsize=(16, 4.5), sharey=True)
    line.rh.plot(ax=axs[0], title="FILE____025.DZT raw (header words hidden)")
    apply(line, old_recipe()).rh.plot(ax=axs[1], title="old recipe: per-trace time zero, unbounded gain")
    apply(line).rh.plot(ax=axs[2], title="default recipe: one time zero per line, capped gain")
    for a in axs[1:]:
        a.set_ylabel("")
    fig.tight_layout()
    fig.savefig(IMG / "realdata_bscan_before_after.png", dpi=90)

    # 2. time-zero picks of the line: raw and checked
    from roadhealth.processing import pick_time_zero

    p = pick_time_zero(line, per="trace")
    fig, ax = plt.subplots(figsize=(10, 3))
    d = line.distance_m.values[0]
    ax.plot(d, p.coords["raw_pick_ns"].values[0], ".", ms=3, label="raw picks")
    ax.plot(d, p.values[0], "-", lw=1, label="checked (running median of 21, outliers interpolated)")
    ax.axhline(float(apply(line).attrs["time_zero_qc"]["channel_time_zero_ns"][0]), color="k", lw=1,
               ls="--", label="time zero used (one per line)")
    ax.set_xlabel("distance along the line (m)")
    ax.set_ylabel("pick (ns)")
    ax.invert_yaxis()
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "realdata_time_zero_picks.png", dpi=90)

    # 3. depth slices of the assembled grid, old and new recipe
    model = [Layer(eps_r=EPS_R)]
    grids = {"old": grid_of(lines, old_recipe()), "new": grid_of(lines, None)}
    depths = [(0.3, 0.4), (0.5, 0.6), (0.8, 0.9)]
    fig, axs = plt.subplots(2, 3, figsize=(15, 8))
    for row, (name, g) in enumerate(grids.items()):
        g = g.assign_attrs(time_zero_at_surface=True)
        d_g = to_depth(g, model, 0.01)
        for col, (z0, z1) in enumerate(depths):
            d_g.rh.plot_slice(depth_m=(z0, z1), frame="map", ax=axs[row, col], colorbar=False,
                              title=f"{'old' if name == 'old' else 'default'} recipe, depth {z0:g}-{z1:g} m")
        if name == "new":
            stack = cscans(d_g, edges_m=[0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
            write_geotiff(stack, out / "grid_depth_slices.tif")
    fig.tight_layout()
    fig.savefig(IMG / "realdata_depth_slices.png", dpi=80)
    print("figures in", IMG, "GeoTIFFs in", out)


if __name__ == "__main__":
    main(*sys.argv[1:])
