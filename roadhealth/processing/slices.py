"""Depth (time) slices of 3-D grids - C-scans - and their export as GeoTIFF.

A C-scan is a map: for every trace of every channel, one number summarising the amplitudes in a
two-way time or depth window (mean absolute amplitude, mean envelope or envelope energy).
:func:`cscan` makes one, :func:`cscans` a stack of consecutive windows, and :func:`write_geotiff`
writes them (one band per slice) in the survey's CRS:

* an axis-aligned regular grid (``x`` along traces and ``y`` along channels, or the transpose)
  becomes the raster directly, with its affine transform;
* anything else (a road that is not north-south or east-west, a curved road) is rasterised onto a
  regular ``x``/``y`` grid by linear interpolation inside the covered area (NaN outside).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from roadhealth.errors import ProcessingError, RoadHealthWarning
from roadhealth.io._common import atomic_path
from roadhealth.processing._core import check_dims, envelope_array, is_dask, require
from roadhealth.survey import add_history

__all__ = ["cscan", "cscans", "write_geotiff"]

STATISTICS = ("mean_abs", "envelope", "energy")


def _statistic(survey: xr.DataArray, statistic: str) -> xr.DataArray:
    if statistic not in STATISTICS:
        raise ProcessingError(f"statistic must be one of {STATISTICS}; got {statistic!r}")
    if statistic == "mean_abs":
        return abs(survey.astype(np.float32))
    env = envelope_array(survey.data.astype(np.float32))
    out = survey.copy(data=env)
    return out**2 if statistic == "energy" else out


def _mask(survey: xr.DataArray, twt_ns, depth_m) -> tuple[xr.DataArray, dict]:
    if (twt_ns is None) == (depth_m is None):
        raise ProcessingError(
            "give exactly one window: twt_ns=(start, end) or depth_m=(top, bottom)"
        )
    name, win = ("twt_ns", twt_ns) if twt_ns is not None else ("depth_m", depth_m)
    try:
        a, b = (float(w) for w in win)
    except (TypeError, ValueError):
        raise ProcessingError(f"{name} window must be (start, end); got {win!r}") from None
    if not b > a:
        raise ProcessingError(f"{name} window must have end > start; got {win!r}")
    if name not in survey.coords:
        raise ProcessingError(
            f"the survey has no {name!r} coordinate (run processing.depth.add_depth first)"
        )
    coord = survey.coords[name]
    mask = (coord >= a) & (coord < b)
    if "sample" in mask.dims and not bool(mask.any()):
        raise ProcessingError(f"{name} window {win!r} contains no samples")
    return mask, {"window": name, "top": a, "bottom": b}


def cscan(
    survey: xr.DataArray, *, twt_ns=None, depth_m=None, statistic: str = "envelope"
) -> xr.DataArray:
    """One C-scan: a statistic of the amplitudes inside a time or depth window.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Usually a grid from :func:`roadhealth.processing.grid.assemble_grid` (numpy or dask).
    twt_ns : (float, float), optional
        Two-way time window ``[start, end)``, ns.
    depth_m : (float, float), optional
        Depth window ``[top, bottom)``, m; uses the ``depth_m`` coordinate (1-D or 3-D).
    statistic : {"envelope", "mean_abs", "energy"}
        Mean envelope (instantaneous amplitude), mean absolute amplitude, or mean squared envelope.

    Returns
    -------
    xarray.DataArray (channel, trace)
        In memory; keeps ``offset_m``, ``distance_m``, ``x``, ``y``; attrs ``window``, ``top``,
        ``bottom``, ``statistic``, ``crs`` and the history.
    """
    check_dims(survey)
    require(survey, "cscan", time_domain=False)
    mask, info = _mask(survey, twt_ns, depth_m)
    vals = _statistic(survey, statistic)
    out = vals.where(mask).mean("sample", skipna=True)
    out = out.drop_vars([k for k, c in out.coords.items() if "sample" in c.dims], errors="ignore")
    out = out.compute() if is_dask(out.data) else out
    out.name = f"cscan_{statistic}"
    out.attrs = {
        **info,
        "statistic": statistic,
        "crs": survey.attrs.get("crs"),
        "history": list(survey.attrs.get("history", [])),
    }
    return add_history(out, "cscan", statistic=statistic, **info)


def cscans(
    survey: xr.DataArray, *, edges_ns=None, edges_m=None, statistic: str = "envelope"
) -> xr.DataArray:
    """A stack of C-scans over consecutive windows.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
    edges_ns : array_like (n_slice + 1,), optional
        Window edges in two-way time, ns (increasing).
    edges_m : array_like (n_slice + 1,), optional
        Window edges in depth, m (increasing).
    statistic : {"envelope", "mean_abs", "energy"}

    Returns
    -------
    xarray.DataArray (slice, channel, trace)
        Coords ``top`` and ``bottom`` (slice), in ns or m as given. The statistic is computed once;
        the loop is over slices.
    """
    check_dims(survey)
    require(survey, "cscans", time_domain=False)
    if (edges_ns is None) == (edges_m is None):
        raise ProcessingError("give exactly one of edges_ns and edges_m")
    edges = np.asarray(edges_ns if edges_ns is not None else edges_m, dtype=float).reshape(-1)
    if edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ProcessingError(
            f"window edges must be at least 2 increasing values; got {edges.tolist()}"
        )
    name = "twt_ns" if edges_ns is not None else "depth_m"
    if name not in survey.coords:
        raise ProcessingError(f"the survey has no {name!r} coordinate")
    vals = _statistic(survey, statistic)
    if is_dask(vals.data):
        vals = vals.persist()
    maps = []
    for a, b in itertools.pairwise(edges):  # a loop over slices
        coord = survey.coords[name]
        m = vals.where((coord >= a) & (coord < b)).mean("sample", skipna=True)
        maps.append(
            m.drop_vars([k for k, c in m.coords.items() if "sample" in c.dims], errors="ignore")
        )
    out = xr.concat(maps, dim="slice")
    out = out.compute() if is_dask(out.data) else out
    out = out.assign_coords(top=("slice", edges[:-1]), bottom=("slice", edges[1:]))
    out.name = f"cscan_{statistic}"
    out.attrs = {
        "window": name,
        "statistic": statistic,
        "crs": survey.attrs.get("crs"),
        "history": list(survey.attrs.get("history", [])),
    }
    return add_history(out, "cscans", statistic=statistic, window=name, edges=edges)


def _regular(v: np.ndarray, tol: float = 1e-3) -> float | None:
    d = np.diff(v)
    if d.size == 0:
        return None
    step = float(np.mean(d))
    if step == 0 or np.max(np.abs(d - step)) > tol * max(abs(step), 1e-12) + 1e-9:
        return None
    return step


def _axis_aligned(x: np.ndarray, y: np.ndarray):
    """If (x, y) (C, T) is a regular axis-aligned grid: (transpose?, dx, dy), else None."""
    for transpose in (False, True):
        xx, yy = (x.T, y.T) if transpose else (x, y)
        # x varies along the last axis only, y along the first only
        if not (np.allclose(xx, xx[:1], atol=1e-6) and np.allclose(yy, yy[:, :1], atol=1e-6)):
            continue
        dx = _regular(xx[0])
        dy = _regular(yy[:, 0]) if yy.shape[0] > 1 else None
        if dx is None or (yy.shape[0] > 1 and dy is None):
            continue
        return transpose, dx, dy
    return None


def write_geotiff(
    slices: xr.DataArray,
    path: str | os.PathLike,
    *,
    resolution_m: float | None = None,
    crs: str | None = None,
) -> Path:
    """Write C-scans as a float32 GeoTIFF (one band per slice), atomically.

    Parameters
    ----------
    slices : xarray.DataArray (channel, trace) or (slice, channel, trace)
        From :func:`cscan` / :func:`cscans`, with ``x`` and ``y`` (channel, trace) coordinates.
    path : path
        Output file (written to a temporary name beside it, then renamed).
    resolution_m : float, optional
        Pixel size when the grid must be rasterised. Default: the smaller of the median trace and
        channel spacings. For an axis-aligned regular grid the grid's own spacing is used and this
        is ignored.
    crs : str, optional
        Overrides ``slices.attrs["crs"]``. With no CRS the raster is written without one (a local
        frame) and a :class:`~roadhealth.errors.RoadHealthWarning` is issued.

    Returns
    -------
    pathlib.Path
        The written file. NaN is the nodata value.
    """
    import rasterio
    from rasterio.transform import Affine

    if not isinstance(slices, xr.DataArray) or not {"channel", "trace"} <= set(slices.dims):
        raise ProcessingError(
            "write_geotiff expects a DataArray with dims (channel, trace) or (slice, channel, trace)"
        )
    if "x" not in slices.coords or "y" not in slices.coords:
        raise ProcessingError("write_geotiff needs x and y coordinates (channel, trace)")
    if 0 in (slices.sizes["channel"], slices.sizes["trace"]):
        raise ProcessingError(f"{path}: the slices have no traces or channels; nothing to write")
    if Path(path).is_dir() or not Path(path).parent.is_dir():
        raise ProcessingError(f"{path}: expected a GeoTIFF file name in an existing folder")
    if resolution_m is not None:
        try:
            resolution_m = float(resolution_m)
        except (TypeError, ValueError):
            raise ProcessingError(f"resolution_m must be a number of metres > 0; got {resolution_m!r}") from None
        if not (math.isfinite(resolution_m) and resolution_m > 0):
            raise ProcessingError(f"resolution_m must be a number of metres > 0; got {resolution_m!r}")
    da3 = slices if "slice" in slices.dims else slices.expand_dims("slice")
    da3 = da3.transpose("slice", "channel", "trace")
    vals = np.asarray(da3.values, dtype=np.float32)
    x = np.broadcast_to(
        np.asarray(
            slices.coords["x"]
            .transpose(*[d for d in ("channel", "trace") if d in slices.coords["x"].dims])
            .values,
            float,
        ),
        vals.shape[1:],
    )
    y = np.broadcast_to(
        np.asarray(
            slices.coords["y"]
            .transpose(*[d for d in ("channel", "trace") if d in slices.coords["y"].dims])
            .values,
            float,
        ),
        vals.shape[1:],
    )
    crs = crs if crs is not None else slices.attrs.get("crs")
    if crs is not None:
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        try:
            CRS.from_user_input(crs)
        except CRSError as exc:
            raise ProcessingError(f"{path}: crs {crs!r} is not a coordinate reference system: {exc}") from None
    if crs is None:
        warnings.warn(
            f"{path}: the slices have no CRS; writing a GeoTIFF in a local frame",
            RoadHealthWarning,
            stacklevel=2,
        )

    aligned = _axis_aligned(x, y)
    if aligned is not None:
        transpose, dx, dy = aligned
        img = np.swapaxes(vals, 1, 2) if transpose else vals  # (band, y-index, x-index)
        xx = (x.T if transpose else x)[0]
        yy = (y.T if transpose else y)[:, 0]
        if dy is None:  # a single line: one row, pixel height = pixel width
            dy = abs(dx)
        if dx < 0:
            img, xx = img[:, :, ::-1], xx[::-1]
        if dy > 0:  # rows must run north to south
            img, yy = img[:, ::-1, :], yy[::-1]
        px, py = abs(dx), abs(dy)
        transform = Affine(px, 0.0, xx[0] - px / 2, 0.0, -py, yy[0] + py / 2)
    else:
        from scipy.interpolate import griddata

        if resolution_m is None:
            d_tr = np.hypot(np.diff(x, axis=1), np.diff(y, axis=1))
            d_ch = np.hypot(np.diff(x, axis=0), np.diff(y, axis=0))
            cands = [float(np.median(d)) for d in (d_tr, d_ch) if d.size and np.median(d) > 0]
            if not cands:
                raise ProcessingError("cannot infer a pixel size: give resolution_m")
            resolution_m = min(cands)
        res = float(resolution_m)
        if not res > 0:
            raise ProcessingError(f"resolution_m must be > 0; got {resolution_m!r}")
        x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
        nx = int(np.floor((x1 - x0) / res)) + 1
        ny = int(np.floor((y1 - y0) / res)) + 1
        gx = x0 + res * np.arange(nx)
        gy = y1 - res * np.arange(ny)
        pts = np.column_stack([x.ravel(), y.ravel()])
        mx, my = np.meshgrid(gx, gy)
        img = np.stack(
            [griddata(pts, band.ravel(), (mx, my), method="linear") for band in vals]
        ).astype(np.float32)
        transform = Affine(res, 0.0, x0 - res / 2, 0.0, -res, y1 + res / 2)

    path = Path(path)
    with atomic_path(path) as tmp:
        with rasterio.open(
            tmp,
            "w",
            driver="GTiff",
            height=img.shape[1],
            width=img.shape[2],
            count=img.shape[0],
            dtype="float32",
            crs=crs,
            transform=transform,
            nodata=np.nan,
        ) as dst:
            dst.write(np.ascontiguousarray(img, dtype=np.float32))
            for b in range(img.shape[0]):
                if "top" in da3.coords and "bottom" in da3.coords:
                    unit = "ns" if slices.attrs.get("window") == "twt_ns" else "m"
                    dst.set_band_description(
                        b + 1,
                        f"{slices.attrs.get('statistic', '')} {float(da3.top[b]):g}-{float(da3.bottom[b]):g} {unit}",
                    )
            dst.update_tags(
                statistic=str(slices.attrs.get("statistic", "")),
                window=str(slices.attrs.get("window", "")),
            )
    return path
