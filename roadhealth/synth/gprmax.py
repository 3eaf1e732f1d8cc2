"""Export a road model as a gprMax input file, to check the fast model with full-wave FDTD.

gprMax (https://www.gprmax.com, ``pip install gprMax``) is *not* a dependency: this module only
writes its plain-text input format (commands ``#domain``, ``#dx_dy_dz``, ``#time_window``,
``#material``, ``#waveform``, ``#hertzian_dipole``, ``#rx``, ``#src_steps``/``#rx_steps``,
``#box``, ``#cylinder``, ``#sphere``). Run a B-scan with e.g.
``python -m gprMax road.in -n <n_traces>`` and compare it with :func:`roadhealth.synth.simulate`.

Frames
------
* 2D (:func:`to_gprmax` with ``dims="2d"``): a vertical slice along the track at offset ``u_m``;
  gprMax ``x`` is along the track, ``y`` is up (the road surface at ``y = depth_m``), ``z`` is one
  cell thick (TMz, z-directed source).
* 3D: ``x`` along, ``y`` across (``u``), ``z`` up.

What is exported: the layers (as boxes every ``segment_m`` along the track, following their
slowly varying thickness and permittivity), cavities (with their water), voids, loose zones (as a
random mosaic of small boxes of drier and wetter soil, from the model seed), water-rich zones,
pipes (``pec`` or PVC with their content), manhole covers (``pec``) and point inclusions. Bodies
are voxelised into boxes at ``body_cell_m``. Background inclusions are left out (their statistics,
not their positions, matter); ``heterogeneity`` adds a stochastic (fractal) variation of the
unbound layers' properties with gprMax's ``#fractal_box`` and ``#material_range`` instead.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from roadhealth.constants import C0_M_PER_NS
from roadhealth.synth.model import (
    MATERIALS,
    Cavity,
    LooseZone,
    Manhole,
    Pipe,
    PointScatterer,
    RoadModel,
    _Body,
)

__all__ = ["to_gprmax", "write_gprmax"]

_LOOSE_EPS = (4.5, 5.5, 6.5, 7.5, 8.5)


def _fmt(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) >= 1e-4 or v == 0 else f"{v:.3e}"


def _runs(mask: np.ndarray):
    """Start and stop indices of runs of True in a 1-D mask."""
    d = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


#: Source waveforms of gprMax that :func:`to_gprmax` writes.
WAVEFORMS = ("ricker", "gaussiandot", "gaussiandotnorm", "gaussiandotdot", "gaussiandotdotnorm", "gaussian")


def to_gprmax(
    model: RoadModel,
    *,
    dims: str = "2d",
    u_m: float = 0.0,
    s_range_m: tuple[float, float] | None = None,
    u_range_m: tuple[float, float] = (-0.6, 0.6),
    depth_m: float = 1.5,
    air_m: float = 0.15,
    dx_m: float | None = None,
    frequency_mhz: float = 600.0,
    time_window_ns: float = 30.0,
    antenna_height_m: float = 0.02,
    antenna_separation_m: float = 0.1,
    trace_step_m: float = 0.05,
    segment_m: float = 0.1,
    body_cell_m: float | None = None,
    pml_cells: int = 10,
    title: str | None = None,
    heterogeneity: float = 0.0,
    fractal_dimension: float = 1.5,
    waveform: str = "ricker",
) -> str:
    """The gprMax input text of a road model.

    Parameters
    ----------
    model : RoadModel
    dims : {"2d", "3d"}
    u_m : float
        Across-track offset of the 2D slice (and of the antenna in 3D), m.
    s_range_m : (float, float), optional
        Along-track range to export, m (default the whole model).
    u_range_m : (float, float)
        Across-track range of a 3D model, m.
    depth_m, air_m : float
        Depth of ground and height of air in the domain, m.
    dx_m : float, optional
        Cell size, m. Default: a tenth of the shortest wavelength at twice the centre frequency
        in the model (at least 2 mm in 2D, 5 mm in 3D).
    frequency_mhz : float
        Centre frequency of the Ricker source, MHz.
    time_window_ns : float
    antenna_height_m, antenna_separation_m : float
        Height of the dipoles above the surface and transmitter-receiver separation, m.
    trace_step_m : float
        Source and receiver step per trace (``#src_steps``/``#rx_steps``), m.
    segment_m : float
        Along-track length of the boxes that approximate the varying layers, m.
    body_cell_m : float, optional
        Voxel size of bodies (default ``2 * dx``).
    pml_cells : int
        Cells of the absorbing boundary added around the region of interest.
    heterogeneity : float
        Relative half-range of a stochastic variation of permittivity and conductivity in the
        unbound layers (base, subbase, subgrade; the asphalt stays uniform): each gets a gprMax
        ``#fractal_box`` of ``#material_range`` ``(1 -+ heterogeneity)`` times its mean values
        (50 materials, seeded from the model seed), between its deepest top and its shallowest
        bottom (the slivers where an interface varies stay uniform). Bodies are drawn over it.
        0 (default): uniform layers.
    fractal_dimension : float
        Fractal dimension of that variation (gprMax's heterogeneous-soil example: 1.5).
    waveform : str
        gprMax waveform of the source at ``frequency_mhz``: ``"ricker"`` (default),
        ``"gaussiandot"``, ``"gaussiandotnorm"``, ``"gaussiandotdot"``, ``"gaussiandotdotnorm"`` or
        ``"gaussian"``.

    Returns
    -------
    str
        The file content. Comment lines (not starting with ``#``) say what each block is.
    """
    if dims not in ("2d", "3d"):
        raise ValueError(f"dims must be '2d' or '3d'; got {dims!r}")
    if waveform not in WAVEFORMS:
        raise ValueError(f"waveform must be one of {WAVEFORMS}; got {waveform!r}")
    s0, s1 = s_range_m if s_range_m is not None else (0.0, model.length_m)
    eps_max = max([lay.material.eps_r for lay in model.layers]
                  + [o.material().eps_r for o in model.objects if isinstance(o, _Body) and o.material().eps_r < 100]
                  + ([MATERIALS["water"].eps_r] if any(isinstance(o, Cavity) and o.water_fraction > 0
                                                         for o in model.objects) else []))
    if dx_m is None:
        lam = C0_M_PER_NS / math.sqrt(eps_max) / (2 * frequency_mhz * 1e-3)
        dx_m = max(lam / 10, 0.002 if dims == "2d" else 0.005)
        dx_m = float(np.floor(dx_m * 1000) / 1000)
    cell = body_cell_m or 2 * dx_m
    loose_cell = max(cell, 0.03)  # heterogeneity mosaic of loose soil
    margin = pml_cells * dx_m + 0.05
    lx = (s1 - s0) + 2 * margin
    ly_ground = depth_m + margin
    top_y = ly_ground + air_m + margin  # domain height
    surf = ly_ground  # y (2D) / z (3D) of the road surface
    ny_u = (u_range_m[1] - u_range_m[0]) + 2 * margin
    two_d = dims == "2d"

    def X(s):
        return s - s0 + margin

    def V(z):  # vertical coordinate of a depth
        return surf - z

    def Y(u):
        return u - u_range_m[0] + margin

    lines: list[str] = []
    add = lines.append
    add(f"#title: {title or ('roadhealth.synth road model ' + (model.name or '')).strip()}")
    add("roadhealth.synth export. Units: metres, seconds, S/m. "
        + ("2D slice: x along track, y up, surface at y=" + _fmt(surf) if two_d
           else "3D: x along track, y across (offset), z up, surface at z=" + _fmt(surf)))
    if two_d:
        add(f"#domain: {_fmt(lx)} {_fmt(top_y)} {_fmt(dx_m)}")
        add(f"#dx_dy_dz: {_fmt(dx_m)} {_fmt(dx_m)} {_fmt(dx_m)}")
    else:
        add(f"#domain: {_fmt(lx)} {_fmt(ny_u)} {_fmt(top_y)}")
        add(f"#dx_dy_dz: {_fmt(dx_m)} {_fmt(dx_m)} {_fmt(dx_m)}")
    add(f"#time_window: {time_window_ns * 1e-9:.4e}")
    # one value would also put PML cells on the one-cell-thick z axis of a 2D model, which gprMax 4
    # rejects ("too many cells for the domain size"): give the six faces (x0 y0 z0 xmax ymax zmax)
    add(f"#pml_cells: {pml_cells} {pml_cells} 0 {pml_cells} {pml_cells} 0" if two_d else f"#pml_cells: {pml_cells}")

    # ---- materials ----------------------------------------------------------------------
    mats: dict[str, tuple[float, float]] = {}

    def material(name: str, eps: float, sigma: float) -> str:
        key = name
        if key not in mats:
            mats[key] = (eps, sigma)
        return key

    body_lines: list[str] = []
    zlo, zhi = 0.0, dx_m  # 2D slab

    def snap(v):  # the grid line gprMax rounds a coordinate to; a half-cell tie goes up, the same
        # way for the shared edge of two neighbouring boxes (gprMax's own rounding of a tie can
        # give a one-cell box no extent at all, and then it refuses the model)
        return math.floor(v / dx_m + 0.5 + 1e-9) * dx_m

    # the last grid line inside the domain on each axis: a corner snapped up from a half-cell tie at
    # the domain's end (a domain that is no whole number of cells) would lie outside it, and gprMax
    # 4 refuses such a box (blind scenario bw400_multi_19, a 5.26 m domain at 8 mm cells)
    x_max = math.floor(lx / dx_m + 1e-9) * dx_m
    v_max = math.floor(top_y / dx_m + 1e-9) * dx_m
    y_max = math.floor(ny_u / dx_m + 1e-9) * dx_m

    def box(xa, va, xb, vb, name, ya=None, yb=None):
        xa, xb = (min(max(snap(v), 0.0), x_max) for v in (xa, xb))
        va, vb = (min(max(snap(v), 0.0), v_max) for v in (va, vb))
        if not two_d:
            ya, yb = (min(max(snap(v), 0.0), y_max) for v in (ya, yb))
        if min(abs(xb - xa), abs(vb - va), dx_m if two_d else abs(yb - ya)) < 0.5 * dx_m:
            return  # thinner than a cell: nothing to voxelise
        if two_d:
            body_lines.append(f"#box: {_fmt(xa)} {_fmt(va)} {_fmt(zlo)} {_fmt(xb)} {_fmt(vb)} {_fmt(zhi)} {name}")
        else:
            body_lines.append(f"#box: {_fmt(xa)} {_fmt(ya)} {_fmt(va)} {_fmt(xb)} {_fmt(yb)} {_fmt(vb)} {name}")

    # ---- layers: boxes every segment, from the bottom of the domain up ---------------------
    body_lines.append("layers (top of each box follows the model's interfaces, permittivity per segment)")
    edges = np.arange(s0, s1 + 1e-9, segment_m)
    if edges[-1] < s1:
        edges = np.r_[edges, s1]
    mids = 0.5 * (edges[1:] + edges[:-1])
    tops = model.interfaces(mids, u_m)
    eps = model.eps(mids, u_m)
    sig = model.sigma()
    for i, lay in enumerate(model.layers):
        for k in range(mids.size):
            e = round(float(eps[i, k]), 1)
            name = material(f"{lay.name}_{e:g}".replace(".", "p"), e, float(sig[i]))
            xa = X(edges[k]) if k else 0.0
            xb = X(edges[k + 1]) if k + 1 < mids.size else lx
            vb = V(tops[i, k])
            va = 0.0 if i + 1 == len(model.layers) else max(V(tops[i + 1, k]), 0.0)
            if vb <= va:  # the layer lies below the exported depth here
                continue
            if two_d:
                box(xa, va, xb, vb, name)
            else:
                box(xa, va, xb, vb, name, 0.0, ny_u)

    # ---- stochastic heterogeneity of the unbound layers (drawn before the bodies) -----------
    ranges: list[str] = []
    if not 0 <= heterogeneity < 1:
        raise ValueError(f"heterogeneity must be in [0, 1); got {heterogeneity!r}")
    if heterogeneity > 0:
        base_seed = int(model._seed(91)) % 2**31
        body_lines.append(f"heterogeneity: +-{heterogeneity:g} of eps_r and sigma, fractal dimension {fractal_dimension:g}")
        for i, lay in enumerate(model.layers):
            if i == 0:
                continue
            top = float(np.max(tops[i]))  # the deepest top and the shallowest bottom
            bottom = float(np.min(tops[i + 1])) if i + 1 < len(model.layers) else depth_m
            # (inside the absorbing boundary the layers stay uniform)
            va, vb = max(V(min(bottom, depth_m)), pml_cells * dx_m), V(top)
            if vb - va < 2 * dx_m:
                continue
            e, sg = float(np.mean(eps[i])), float(sig[i])
            rid = f"{lay.name}_range"
            ranges.append(f"#material_range: {_fmt(e * (1 - heterogeneity))} {_fmt(e * (1 + heterogeneity))} "
                          f"{sg * (1 - heterogeneity):.4g} {sg * (1 + heterogeneity):.4g} 1 1 0 0 {rid}")
            xa, xb = pml_cells * dx_m, lx - pml_cells * dx_m
            lo, hi = ((xa, va, zlo), (xb, vb, zhi)) if two_d else \
                ((xa, pml_cells * dx_m, va), (xb, ny_u - pml_cells * dx_m, vb))
            body_lines.append(f"#fractal_box: {' '.join(_fmt(v) for v in lo + hi)} {fractal_dimension:g} 1 1 1 50 "
                              f"{rid} {lay.name}_fractal {base_seed + i}")

    # ---- bodies ----------------------------------------------------------------------
    rng = np.random.default_rng(model._seed(90))
    for obj in model.objects:
        if not isinstance(obj, _Body):
            continue
        m = obj.material()
        body_lines.append(f"{obj.kind}: {obj.description()}")
        bs0, bs1, bu0, bu1 = obj.extent()
        mosaic = isinstance(obj, LooseZone) and obj.style == "mosaic"
        c = loose_cell if mosaic else cell
        sx = np.arange(max(bs0, s0) + c / 2, min(bs1, s1), c)
        if sx.size == 0:
            continue
        uu = np.array([u_m]) if two_d else np.arange(max(bu0, u_range_m[0]) + c / 2, min(bu1, u_range_m[1]), c)
        for u in uu:
            top, bottom = obj.profile(obj.rho(sx, u))
            inside = np.isfinite(top)
            if mosaic:
                zc = np.arange(obj.depth_top_m + c / 2, obj.depth_top_m + obj.height_m, c)
                for zk in zc:
                    m_in = inside & (np.nan_to_num(top, nan=1e9) <= zk) & (zk < np.nan_to_num(bottom, nan=-1e9))
                    for a in np.flatnonzero(m_in):
                        e = float(rng.choice(_LOOSE_EPS))
                        name = material(f"loose_{e:g}".replace(".", "p"), e, m.sigma_s_m)
                        xa, xb = X(sx[a] - c / 2), X(sx[a] + c / 2)
                        box(xa, V(zk + c / 2), xb, V(zk - c / 2), name, Y(u - c / 2), Y(u + c / 2))
                continue
            # vertical columns, merged along x where top and bottom agree to a cell
            tq = np.where(inside, np.round(np.nan_to_num(top) / cell), -1)
            bq = np.where(inside, np.round(np.nan_to_num(bottom) / cell), -1)
            key = tq * 100000 + bq
            k = 0
            while k < sx.size:
                if not inside[k]:
                    k += 1
                    continue
                j = k
                while j + 1 < sx.size and inside[j + 1] and key[j + 1] == key[k]:
                    j += 1
                zt, zb = tq[k] * cell, max(bq[k] * cell, tq[k] * cell + dx_m)
                xa, xb = X(sx[k] - cell / 2), X(sx[j] + cell / 2)
                ya, yb = (Y(u - cell / 2), Y(u + cell / 2)) if not two_d else (None, None)
                name = material(f"{m.name}_{m.eps_r:g}".replace(".", "p") if m.name in ("wet_soil", "loose_soil")
                                else m.name, m.eps_r, m.sigma_s_m)
                box(xa, V(zb), xb, V(zt), name, ya, yb)
                if isinstance(obj, Cavity) and obj.water_fraction > 0:
                    zw = obj.depth_top_m + obj.height_m * (1 - obj.water_fraction)
                    if zb > zw:
                        w = MATERIALS["water"]
                        box(xa, V(zb), xb, V(max(zw, zt)), material("water", w.eps_r, w.sigma_s_m), ya, yb)
                k = j + 1

    # ---- pipes, manholes, inclusions -----------------------------------------------------
    for obj in model.objects:
        if isinstance(obj, Pipe):
            body_lines.append(f"pipe: {obj.description()}")
            zc = obj.depth_m + obj.radius_m
            fill = MATERIALS["water"] if obj.fill == "water" else MATERIALS["air"]
            outer = "pec" if obj.material == "metal" else material("pvc", MATERIALS["pvc"].eps_r, 0.0)
            inner = None if obj.material == "metal" else material(fill.name, fill.eps_r, fill.sigma_s_m)
            if two_d:
                th = np.deg2rad(obj.azimuth_deg)
                # where the slice crosses the pipe axis
                if abs(np.sin(th)) < 1e-6:
                    continue
                s_c = obj.s_m + (u_m - obj.u_m) * np.cos(th) / np.sin(th)
                if not s0 <= s_c <= s1:
                    continue
                # oblique crossing: the section is an ellipse; approximate by its along-track radius
                r_eff = obj.radius_m / abs(np.sin(th))
                body_lines.append(f"#cylinder: {_fmt(X(s_c))} {_fmt(V(zc))} {_fmt(zlo)} {_fmt(X(s_c))} {_fmt(V(zc))} "
                                  f"{_fmt(zhi)} {_fmt(min(r_eff, 3 * obj.radius_m))} {outer}")
                if inner:
                    body_lines.append(f"#cylinder: {_fmt(X(s_c))} {_fmt(V(zc))} {_fmt(zlo)} {_fmt(X(s_c))} {_fmt(V(zc))} "
                                      f"{_fmt(zhi)} {_fmt(min(r_eff, 3 * obj.radius_m) - 0.01)} {inner}")
            else:
                th = np.deg2rad(obj.azimuth_deg)
                ends = []
                for uu in u_range_m:
                    sa = obj.s_m + (uu - obj.u_m) * np.cos(th) / max(np.sin(th), 1e-6)
                    ends.append((sa, uu))
                if max(ends[0][0], ends[1][0]) < s0 or min(ends[0][0], ends[1][0]) > s1:
                    continue
                (xa, ya), (xb, yb) = ((X(a), Y(b)) for a, b in ends)
                body_lines.append(f"#cylinder: {_fmt(xa)} {_fmt(ya)} {_fmt(V(zc))} {_fmt(xb)} {_fmt(yb)} {_fmt(V(zc))} "
                                  f"{_fmt(obj.radius_m)} {outer}")
                if inner:
                    body_lines.append(f"#cylinder: {_fmt(xa)} {_fmt(ya)} {_fmt(V(zc))} {_fmt(xb)} {_fmt(yb)} "
                                      f"{_fmt(V(zc))} {_fmt(obj.radius_m - 0.01)} {inner}")
        elif isinstance(obj, Manhole):
            r = obj.diameter_m / 2
            if two_d:
                if abs(u_m - obj.u_m) >= r:
                    continue
                half = math.sqrt(r**2 - (u_m - obj.u_m) ** 2)
                body_lines.append(f"manhole: {obj.description()}")
                box(X(obj.s_m - half), V(0.03), X(obj.s_m + half), V(0.0), "pec")
            else:
                if not s0 - r < obj.s_m < s1 + r:
                    continue
                body_lines.append(f"manhole: {obj.description()}")
                body_lines.append(f"#cylinder: {_fmt(X(obj.s_m))} {_fmt(Y(obj.u_m))} {_fmt(V(0.03))} {_fmt(X(obj.s_m))} "
                                  f"{_fmt(Y(obj.u_m))} {_fmt(V(0.0))} {_fmt(r)} pec")
        elif isinstance(obj, PointScatterer):
            name = material(f"inclusion_{obj.eps_r:g}".replace(".", "p"), obj.eps_r, 0.0)
            if two_d:
                body_lines.append(f"#cylinder: {_fmt(X(obj.s_m))} {_fmt(V(obj.depth_m))} {_fmt(zlo)} {_fmt(X(obj.s_m))} "
                                  f"{_fmt(V(obj.depth_m))} {_fmt(zhi)} {_fmt(obj.radius_m)} {name}")
            else:
                body_lines.append(f"#sphere: {_fmt(X(obj.s_m))} {_fmt(Y(obj.u_m))} {_fmt(V(obj.depth_m))} "
                                  f"{_fmt(obj.radius_m)} {name}")

    for name, (e, sg) in mats.items():
        add(f"#material: {_fmt(e)} {sg:.4g} 1 0 {name}")
    lines.extend(ranges)
    add(f"#waveform: {waveform} 1 {frequency_mhz * 1e6:.4e} src_pulse")
    v_ant = surf + antenna_height_m
    x_tx = margin
    x_rx = margin + antenna_separation_m
    if two_d:
        add(f"#hertzian_dipole: z {_fmt(x_tx)} {_fmt(v_ant)} {_fmt(zlo)} src_pulse")
        add(f"#rx: {_fmt(x_rx)} {_fmt(v_ant)} {_fmt(zlo)}")
    else:
        add(f"#hertzian_dipole: y {_fmt(x_tx)} {_fmt(Y(u_m))} {_fmt(v_ant)} src_pulse")
        add(f"#rx: {_fmt(x_rx)} {_fmt(Y(u_m))} {_fmt(v_ant)}")
    add(f"#src_steps: {_fmt(trace_step_m)} 0 0")
    add(f"#rx_steps: {_fmt(trace_step_m)} 0 0")
    n_traces = int(np.floor((s1 - s0 - antenna_separation_m) / trace_step_m)) + 1
    add(f"B-scan: run with  python -m gprMax <file> -n {n_traces}")
    lines.extend(body_lines)
    return "\n".join(lines) + "\n"


def write_gprmax(model: RoadModel, path: str | os.PathLike, **options) -> Path:
    """Write :func:`to_gprmax` of a model to ``path`` (``.in``); returns the path."""
    path = Path(path)
    path.write_text(to_gprmax(model, **options), encoding="ascii")
    return path
