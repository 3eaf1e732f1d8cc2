"""Regular grids: along-track regularisation and assembly of parallel lines into one 3-D survey.

A 3-D GPR grid is often recorded as separate parallel profiles (one file per line, a few tens of
centimetres apart), each with its own trace spacing, length and time zero. :func:`assemble_grid`
turns them into one survey whose ``channel`` axis is the line, ready for 3-D migration
(:func:`roadhealth.processing.migration.stolt_migrate` with ``mode="3d"``) and depth slices
(:mod:`roadhealth.processing.slices`):

1. each line's along-track coordinate is expressed in the frame of the first line (from line start
   and end points when given, so zig-zag lines recorded in alternate directions are reversed);
2. each line is interpolated onto a common trace spacing over the common distance range with
   :func:`roadhealth.processing.stack.resample_traces` (the recipe step in front of the library's
   one along-track resampler, :func:`roadhealth.io.georef.regularize`);
3. time zero is aligned: each line is shifted onto a common ``twt_ns`` axis by its own first break
   (or a given time zero), so ``twt_ns = 0`` is time zero on every line;
4. the lines are stacked into channels with ``offset_m`` the across-track line positions and ``x``,
   ``y`` interpolated between the line start and end points.

:func:`read_topo_lines` reads GPRPy-style ``TopoLineNN.txt`` files (start and end ``x y z``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import check_dims, is_dask, time_zero_at_surface
from roadhealth.processing.stack import resample_traces
from roadhealth.survey import add_history, make_survey

__all__ = ["assemble_grid", "first_break_ns", "read_topo_lines"]


def first_break_ns(
    survey: xr.DataArray, *, threshold: float = 0.5, skip_samples: int | None = None
) -> float:
    """Time of the first break of a line: where the mean absolute trace first reaches
    ``threshold`` times its maximum (linear interpolation between samples), ns.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
    threshold : float
        Fraction of the maximum, in (0, 1].
    skip_samples : int, optional
        Leading samples ignored (default ``attrs["header_words"]``, the scan-number and mark words
        of GSSI files, else 0).

    Returns
    -------
    float
        Two-way time on the survey's ``twt_ns`` axis, ns.
    """
    check_dims(survey)
    if not 0 < threshold <= 1:
        raise ProcessingError(f"threshold must be in (0, 1]; got {threshold!r}")
    skip = (
        int(survey.attrs.get("header_words", 0) or 0) if skip_samples is None else int(skip_samples)
    )
    a = survey.data[..., skip:]
    a = a.astype(np.float32)
    a = a - a.mean(axis=-1, keepdims=True)
    m = abs(a).mean(axis=(0, 1))
    m = np.asarray(m.compute() if is_dask(m) else m, dtype=float)
    if m.size < 2 or not np.isfinite(m).all() or m.max() <= 0:
        raise ProcessingError("cannot find a first break: the traces are empty or flat")
    level = threshold * m.max()
    k = int(np.argmax(m >= level))
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)[skip:]
    if k == 0:
        return float(t[0])
    frac = (level - m[k - 1]) / (m[k] - m[k - 1])
    return float(t[k - 1] + frac * (t[k] - t[k - 1]))


def read_topo_lines(folder: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read ``TopoLineNN.txt`` files (two rows ``x y z``: line start and end) from a folder.

    Parameters
    ----------
    folder : path
        Folder holding ``TopoLine01.txt``, ``TopoLine02.txt`` ... (any number of digits).

    Returns
    -------
    starts, ends : numpy.ndarray, shape (n_line, 3)
        ``x, y, z`` of each line's start and end, in line-number order, m.

    Raises
    ------
    ProcessingError
        If the folder has no such files or a file does not hold two rows of three numbers.
    """
    folder = Path(folder)
    files = []
    for p in folder.iterdir() if folder.is_dir() else []:
        m = re.fullmatch(r"topoline(\d+)\.txt", p.name, flags=re.IGNORECASE)
        if m:
            files.append((int(m.group(1)), p))
    if not files:
        raise ProcessingError(f"{folder}: no TopoLineNN.txt files found")
    starts, ends = [], []
    for _, p in sorted(files):
        try:
            rows = np.loadtxt(p, dtype=float, ndmin=2)
        except ValueError as exc:
            raise ProcessingError(f"{p}: expected two rows 'x y z'; {exc}") from None
        if rows.shape[0] < 2 or rows.shape[1] < 2:
            raise ProcessingError(
                f"{p}: expected two rows 'x y z' (start, end); got shape {rows.shape}"
            )
        rows = np.pad(rows[:2, :3], ((0, 0), (0, max(0, 3 - rows.shape[1]))))
        starts.append(rows[0])
        ends.append(rows[1])
    return np.array(starts), np.array(ends)


def assemble_grid(
    surveys,
    *,
    spacing_m: float,
    line_offsets_m=None,
    starts=None,
    ends=None,
    crs: str | None = None,
    time_zero_ns=None,
    align: str = "first_break",
    threshold: float = 0.5,
    distance: str = "auto",
) -> xr.DataArray:
    """Assemble separately recorded parallel lines into one survey with ``channel`` = line.

    Parameters
    ----------
    surveys : sequence of xarray.DataArray
        One single-channel survey per line, same ``dt_ns``.
    spacing_m : float
        Common along-track trace spacing, m.
    line_offsets_m : array_like (n_line,), optional
        Across-track position of each line, m (positive to the left of the first line's direction).
        Required when ``starts``/``ends`` are not given; overrides the positions derived from them.
    starts, ends : array_like (n_line, 2 or 3), optional
        ``x, y[, z]`` of each line's first and last trace (e.g. from :func:`read_topo_lines`),
        in ``crs``. The first line defines the frame: along-track ``distance_m`` is measured along
        it from its start, ``offset_m`` to its left.
    crs : str, optional
        CRS of ``starts``/``ends`` (None: a local frame).
    time_zero_ns : float or array_like (n_line,), optional
        Time zero of each line on its own ``twt_ns`` axis, ns. Overrides ``align``.
    align : {"first_break", "none"}
        ``"first_break"``: time zero of each line = :func:`first_break_ns`; ``"none"``: use the
        lines' ``twt_ns`` as they are (time zero 0).
    threshold : float
        First-break threshold (fraction of the maximum mean absolute amplitude).
    distance : {"auto", "survey", "line"}
        Along-line distance of the traces: ``"survey"`` their ``distance_m`` (0 at the start point),
        ``"line"`` spread evenly from start to end point (lines recorded between start/stop marks
        without a wheel), ``"auto"`` = ``"line"`` when starts/ends are given and the survey's
        distance is only the trace index, else ``"survey"``.

    Returns
    -------
    xarray.DataArray (channel, trace, sample)
        Channels sorted by ``offset_m``; ``distance_m`` regular with ``spacing_m`` over the common
        range; ``twt_ns`` starting at a multiple of ``dt_ns`` with 0 at time zero; coords ``line``
        (index into ``surveys``) and ``time_zero_ns`` (channel); ``x``, ``y`` (and ``elevation_m``
        with z) from the start/end points. Float32; dask-backed if any input is.
    """
    surveys = list(surveys)
    if not surveys:
        raise ProcessingError("assemble_grid needs at least one survey")
    n = len(surveys)
    for i, s in enumerate(surveys):
        check_dims(s)
        if s.sizes["channel"] != 1:
            raise ProcessingError(
                f"surveys[{i}] has {s.sizes['channel']} channels; assemble_grid takes one line per survey"
            )
        if s.sizes["trace"] < 2:
            raise ProcessingError(f"surveys[{i}] has fewer than 2 traces")
    dts = np.array([float(s.attrs["dt_ns"]) for s in surveys])
    if not np.allclose(dts, dts[0], rtol=1e-6):
        raise ProcessingError(
            f"all lines must share dt_ns; got {sorted(set(dts.tolist()))} ns (resample first)"
        )
    dt = float(dts[0])
    spacing_m = float(spacing_m)
    if not np.isfinite(spacing_m) or spacing_m <= 0:
        raise ProcessingError(f"spacing_m must be a positive number of metres; got {spacing_m!r}")
    if align not in ("first_break", "none"):
        raise ProcessingError(f"align must be 'first_break' or 'none'; got {align!r}")
    if distance not in ("auto", "survey", "line"):
        raise ProcessingError(f"distance must be 'auto', 'survey' or 'line'; got {distance!r}")
    if (starts is None) != (ends is None):
        raise ProcessingError("give both starts and ends, or neither")

    along, pos_fn, offsets, crs = _place_lines(surveys, starts, ends, line_offsets_m, distance, crs)
    g = _common_grid(along, spacing_m)
    tz = _line_time_zeros(surveys, time_zero_ns, align, threshold)
    t_out = _common_times(surveys, tz, dt)
    order = np.argsort(offsets, kind="stable")
    rows, xs, ys, zs = [], [], [], []
    for i in order:  # loop over lines; vectorised over traces and samples
        rows.append(_line_on_grid(surveys[i], i, along[i], g, spacing_m, t_out, tz[i], dt))
        x, y, z = pos_fn[i](g)
        xs.append(x)
        ys.append(y)
        zs.append(z)
    if any(is_dask(r) for r in rows):
        import dask.array as da

        data = da.stack([r if is_dask(r) else da.from_array(r) for r in rows])
    else:
        data = np.stack(rows)
    first = surveys[int(order[0])]
    coords = {
        "line": ("channel", order.astype(int)),
        "time_zero_ns": ("channel", tz[order]),
    }
    if zs[0] is not None:
        coords["elevation_m"] = (("channel", "trace"), np.stack(zs))
    sources = [s.attrs.get("source") for s in (surveys[i] for i in order)]
    out = make_survey(
        data,
        dt_ns=dt,
        time_zero_ns=float(t_out[0]),
        distance_m=g,
        offset_m=offsets[order],
        x=np.stack(xs),
        y=np.stack(ys),
        crs=crs,
        format=first.attrs.get("format", "memory"),
        instrument=first.attrs.get("instrument", ""),
        antenna_mhz=first.attrs.get("antenna_mhz"),
        source=None,
        coords=coords,
        attrs={"sources": [str(p) for p in sources], "header_words": 0},
        name=first.name or "amplitude",
    )
    if starts is None:
        out.attrs["crs"] = None
    spreading = {s.attrs.get("wave_spreading") for s in surveys}
    if len(spreading) == 1 and None not in spreading:  # (lines that agree on how their wave spread)
        out.attrs["wave_spreading"] = spreading.pop()
    if align == "none" and time_zero_ns is None and all(time_zero_at_surface(s) for s in surveys):
        # lines processed alike (e.g. the default recipe on each): the grid keeps the first line's
        # processing history, and twt_ns = 0 stays the road surface
        out.attrs["history"] = list(first.attrs.get("history", []))
        out.attrs["time_zero_at_surface"] = True
    return add_history(
        out,
        "assemble_grid",
        n_lines=n,
        spacing_m=spacing_m,
        line_offsets_m=offsets[order],
        time_zero_ns=tz[order],
        align=align if time_zero_ns is None else "given",
        threshold=threshold,
        distance=distance,
        start_m=float(g[0]),
        end_m=float(g[-1]),
    )


def _place_lines(surveys, starts, ends, line_offsets_m, distance, crs):
    """Along-track coordinate of every trace in the frame of the first line, a function giving
    x, y (, z) of grid positions on each line, the across-track offset of each line, and the CRS
    (None when the lines are placed by offsets only)."""
    n = len(surveys)
    along, pos_fn, offsets = [], [], None
    if starts is not None:
        st = np.asarray(starts, dtype=float)
        en = np.asarray(ends, dtype=float)
        if st.shape != en.shape or st.ndim != 2 or st.shape[0] != n or st.shape[1] not in (2, 3):
            raise ProcessingError(
                f"starts and ends must have shape ({n}, 2 or 3); got {st.shape} and {en.shape}"
            )
        vec = en[:, :2] - st[:, :2]
        length = np.hypot(vec[:, 0], vec[:, 1])
        if np.any(length <= 0):
            raise ProcessingError(
                f"lines {np.nonzero(length <= 0)[0].tolist()} have zero length (start == end)"
            )
        e = vec / length[:, None]
        u_ref = e[0]
        n_ref = np.array([-u_ref[1], u_ref[0]])
        origin = st[0, :2]
        offsets = (st[:, :2] - origin) @ n_ref
        for i, s in enumerate(surveys):
            d = np.asarray(s.coords["distance_m"].values[0], dtype=float)
            mode = distance
            if mode == "auto":
                mode = "line" if s.attrs.get("distance_source") == "trace index" else "survey"
            if mode == "line":
                d = np.linspace(0.0, length[i], d.size)
            u0 = float((st[i, :2] - origin) @ u_ref)
            sgn = float(e[i] @ u_ref)
            if abs(sgn) < 0.5:
                raise ProcessingError(f"line {i} is not parallel to line 0 (angle > 60 degrees)")
            along.append(u0 + sgn * d)

            def pos(g, i=i, u0=u0, sgn=sgn):
                dd = (g - u0) / sgn
                xy = st[i, :2][None, :] + dd[:, None] * e[i][None, :]
                z = None if st.shape[1] < 3 else st[i, 2] + (en[i, 2] - st[i, 2]) * dd / length[i]
                return xy[:, 0], xy[:, 1], z

            pos_fn.append(pos)
    else:
        if line_offsets_m is None:
            raise ProcessingError("give line_offsets_m, or starts and ends, to place the lines")
        for s in surveys:
            along.append(np.asarray(s.coords["distance_m"].values[0], dtype=float))
        crs = None
    if line_offsets_m is not None:
        offsets = np.asarray(line_offsets_m, dtype=float).reshape(-1)
        if offsets.shape != (n,):
            raise ProcessingError(
                f"line_offsets_m must have {n} values; got {np.shape(line_offsets_m)}"
            )
    if starts is None:
        pos_fn = [lambda g, o=o: (g, np.full(g.shape, o), None) for o in offsets]
    return along, pos_fn, offsets, crs


def _common_grid(along, spacing_m: float) -> np.ndarray:
    """Regular along-track positions over the range every line covers."""
    lo = max(float(u.min()) for u in along)
    hi = min(float(u.max()) for u in along)
    if not hi > lo:
        raise ProcessingError(
            f"the lines have no common along-track range (start {lo:.3f} m >= end {hi:.3f} m)"
        )
    return lo + spacing_m * np.arange(int(np.floor((hi - lo) / spacing_m + 1e-9)) + 1)


def _line_time_zeros(surveys, time_zero_ns, align: str, threshold: float) -> np.ndarray:
    """Time zero of each line on its own twt_ns, ns: given, first break, or 0."""
    n = len(surveys)
    if time_zero_ns is not None:
        return np.broadcast_to(np.asarray(time_zero_ns, dtype=float), (n,)).copy()
    if align == "first_break":
        return np.array([first_break_ns(s, threshold=threshold) for s in surveys])
    return np.zeros(n)


def _common_times(surveys, tz: np.ndarray, dt: float) -> np.ndarray:
    """Output two-way times (multiples of dt, 0 at time zero) that every line recorded."""
    skips = [int(s.attrs.get("header_words", 0) or 0) for s in surveys]
    t_lo = max(
        float(s.coords["twt_ns"].values[k]) - z for s, k, z in zip(surveys, skips, tz, strict=True)
    )
    t_hi = min(float(s.coords["twt_ns"].values[-1]) - z for s, z in zip(surveys, tz, strict=True))
    k0, k1 = int(np.ceil(t_lo / dt - 1e-6)), int(np.floor(t_hi / dt + 1e-6))
    if k1 - k0 < 1:
        raise ProcessingError(
            f"the lines share no time range after aligning time zero ({t_lo:.3f}..{t_hi:.3f} ns)"
        )
    return dt * np.arange(k0, k1 + 1)


def _line_on_grid(s, i: int, u: np.ndarray, g: np.ndarray, spacing_m: float, t_out: np.ndarray,
                  tz: float, dt: float):
    """One line's samples at the grid positions ``g`` and output times ``t_out`` (trace, sample)."""
    idx = np.arange(u.size)
    if u[-1] < u[0]:
        idx, u = idx[::-1], u[::-1]
    if np.any(np.diff(u) < -1e-9):
        raise ProcessingError(f"surveys[{i}]: distance_m is not monotonic")
    line_i = s.isel(trace=idx).assign_coords(
        distance_m=(("channel", "trace"), np.maximum.accumulate(u)[None, :]))
    line_i = resample_traces(line_i, spacing_m=spacing_m, start_m=float(g[0]), end_m=float(g[-1]))
    arr = line_i.data[0].astype(np.float32, copy=False)
    if arr.shape[0] != g.size:
        raise ProcessingError(f"surveys[{i}]: resampled to {arr.shape[0]} traces, expected {g.size}")
    twt = np.asarray(s.coords["twt_ns"].values, dtype=float)
    f = (t_out + tz - twt[0]) / dt
    s0 = np.clip(np.floor(f).astype(np.intp), 0, twt.size - 2)
    ws = np.clip(f - s0, 0, 1).astype(np.float32)
    return arr[:, s0] * (1 - ws) + arr[:, s0 + 1] * ws
