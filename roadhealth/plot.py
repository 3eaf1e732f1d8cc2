"""Figures of surveys for notebooks and reports: B-scans and depth/time slices (matplotlib).

:func:`bscan` draws a radargram the way GPR users read one: distance along the track to the
right, two-way time (or depth) down, the GSSI header words hidden, the colour scale clipped at
a percentile of the absolute amplitude (so one strong reflection does not wash the rest out),
units on the axes; one channel on one axes, or several channels on a grid of axes.
:func:`slice_map` draws a C-scan (a time or depth slice through a grid of channels) in map
coordinates. Both return the matplotlib axes, so a caller can add boxes, picks or titles.
``survey.rh.plot()`` and ``survey.rh.plot_slice()`` front them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import ProcessingError

__all__ = ["bscan", "slice_map"]


def _clip(values: np.ndarray, clip_percent: float) -> float:
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0:
        return 1.0
    v = float(np.percentile(finite, clip_percent))
    return v if v > 0 else float(finite.max() or 1.0)


def _vertical(survey: xr.DataArray, axis: str) -> tuple[np.ndarray, str]:
    """The vertical axis values and label: "time" (twt_ns), "depth" (depth_m, 1-D) or "auto"."""
    if axis not in ("auto", "time", "depth"):
        raise ProcessingError(f"plot: axis must be 'auto', 'time' or 'depth'; got {axis!r}")
    has_depth = "depth_m" in survey.coords and survey.coords["depth_m"].dims == ("sample",)
    if axis == "depth" or (axis == "auto" and survey.attrs.get("domain") == "depth"):
        if not has_depth:
            raise ProcessingError("plot: axis='depth' needs a 1-D depth_m coordinate (run add_depth or "
                                  "to_depth with a laterally constant model)")
        return np.asarray(survey.coords["depth_m"].values, float), "depth below the surface (m)"
    return np.asarray(survey.coords["twt_ns"].values, float), "two-way time (ns)"


def _edges(v: np.ndarray) -> tuple[float, float]:
    """Extent of cell-centred samples: half a step beyond the first and last."""
    if v.size < 2:
        return float(v[0]) - 0.5, float(v[0]) + 0.5
    step = (v[-1] - v[0]) / (v.size - 1)
    return float(v[0] - step / 2), float(v[-1] + step / 2)


def bscan(
    survey: xr.DataArray,
    *,
    channel: int | Sequence[int] | None = None,
    axis: str = "auto",
    clip_percent: float = 99.0,
    cmap: str = "gray",
    ax=None,
    ncols: int = 4,
    title: str | None = None,
    colorbar: bool = False,
    **imshow_kwargs: Any,
):
    """Draw a B-scan: distance along the track to the right, time or depth down.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    channel : int or sequence of int, optional
        Channel index (or indices) to draw. Default: the only channel of a single profile, or
        every channel of an array on a grid of axes.
    axis : {"auto", "time", "depth"}
        Vertical axis: ``twt_ns`` (ns) or ``depth_m`` (m, when the survey has a 1-D depth axis);
        "auto" uses depth for a depth-domain survey, else time.
    clip_percent : float
        The colour scale spans +-(this percentile of |amplitude|): 99 by default.
    cmap : str
        Matplotlib colour map (grey scale by default, as GPR users read radargrams).
    ax : matplotlib axes, optional
        Where to draw (one channel only).
    ncols : int
        Columns of the grid of axes for several channels.
    title : str, optional
        Title (default: the file name and channel).
    colorbar : bool
        Add a colour bar labelled with the amplitude units.

    Returns
    -------
    matplotlib.axes.Axes, or numpy array of Axes for several channels.
    """
    import matplotlib.pyplot as plt

    if not isinstance(survey, xr.DataArray) or tuple(survey.dims) != ("channel", "trace", "sample"):
        raise ProcessingError("plot: expected a survey with dims (channel, trace, sample)")
    if survey.sizes["trace"] == 0 or survey.sizes["sample"] == 0:
        raise ProcessingError("plot: the survey has no traces or no samples")
    if channel is None:
        channels = list(range(survey.sizes["channel"]))
    elif isinstance(channel, (int, np.integer)):
        channels = [int(channel)]
    else:
        channels = [int(c) for c in channel]
    bad = [c for c in channels if not -survey.sizes["channel"] <= c < survey.sizes["channel"]]
    if bad:
        raise ProcessingError(f"plot: channel {bad} out of range (the survey has {survey.sizes['channel']})")
    n_header = int(survey.attrs.get("header_words", 0) or 0)
    shown = survey.isel(sample=slice(n_header, None), channel=channels)
    z, zlabel = _vertical(shown, axis)
    data = np.asarray(shown.values, dtype=float)
    vmax = _clip(data, clip_percent)
    src = survey.attrs.get("source")
    name = str(src).replace("\\", "/").rsplit("/", 1)[-1] if src else "survey"
    units = survey.attrs.get("units", "amplitude")
    if len(channels) == 1:
        axes = np.array([ax if ax is not None else plt.subplots(figsize=(10, 4))[1]])
    else:
        if ax is not None:
            raise ProcessingError("plot: ax= draws one channel; pass channel= or let plot make a grid")
        nrow = int(np.ceil(len(channels) / ncols))
        ncol = min(ncols, len(channels))
        _, grid = plt.subplots(nrow, ncol, figsize=(4.5 * ncol, 3.2 * nrow), squeeze=False,
                               sharex=True, sharey=True)
        axes = grid.ravel()
        for extra in axes[len(channels):]:
            extra.set_visible(False)
    for k, c in enumerate(channels):
        a = axes[k]
        d = np.asarray(shown.coords["distance_m"].values[k], float)
        x0, x1 = _edges(d)
        z0, z1 = _edges(z)
        im = a.imshow(data[k].T, aspect="auto", cmap=cmap, vmin=-vmax, vmax=vmax,
                      extent=(x0, x1, z1, z0), interpolation="nearest", **imshow_kwargs)
        a.set_xlabel("distance along the track (m)")
        a.set_ylabel(zlabel)
        off = float(shown.coords["offset_m"].values[k]) if "offset_m" in shown.coords else 0.0
        label = title if title is not None else f"{name} - channel {c} (offset {off:+.2f} m)"
        a.set_title(label, fontsize=9)
        if colorbar:
            plt.colorbar(im, ax=a, label=str(units))
    return axes[0] if len(channels) == 1 else axes[: len(channels)]


def slice_map(
    survey: xr.DataArray,
    *,
    twt_ns: tuple[float, float] | None = None,
    depth_m: tuple[float, float] | None = None,
    statistic: str = "envelope",
    frame: str = "map",
    clip_percent: float = 99.0,
    cmap: str = "viridis",
    ax=None,
    colorbar: bool = True,
    title: str | None = None,
):
    """Draw a time or depth slice (C-scan) of a multi-channel survey or assembled grid.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        Processed (time zero at the surface): :func:`roadhealth.processing.cscan` checks it.
    twt_ns, depth_m : (float, float)
        The window ``[start, end)``: give exactly one.
    statistic : {"envelope", "mean_abs", "energy"}
        See :func:`roadhealth.processing.cscan`.
    frame : {"map", "track"}
        "map": x/y in the survey CRS (m, a scatter of cell centres on a curved track);
        "track": distance along the track (m) against offset across it (m).
    clip_percent : float
        Upper end of the colour scale as a percentile of the slice.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from roadhealth.processing.slices import cscan

    if frame not in ("map", "track"):
        raise ProcessingError(f"plot_slice: frame must be 'map' or 'track'; got {frame!r}")
    c = cscan(survey, twt_ns=twt_ns, depth_m=depth_m, statistic=statistic)
    v = np.asarray(c.values, dtype=float)
    vmax = _clip(v, clip_percent)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    if frame == "track":
        xs = np.asarray(c.coords["distance_m"].values, float)
        ys = np.broadcast_to(np.asarray(c.coords["offset_m"].values, float)[:, None], v.shape)
        xlabel, ylabel = "distance along the track (m)", "offset across the track, left + (m)"
    else:
        xs = np.asarray(c.coords["x"].values, float)
        ys = np.asarray(c.coords["y"].values, float)
        crs = survey.attrs.get("crs")
        xlabel, ylabel = (f"x ({crs}, m)", f"y ({crs}, m)") if crs else ("x, local (m)", "y, local (m)")
    m = ax.pcolormesh(xs, ys, v, cmap=cmap, vmin=0, vmax=vmax, shading="nearest")
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    a, b = c.attrs["top"], c.attrs["bottom"]
    unit = "ns" if c.attrs["window"] == "twt_ns" else "m"
    what = "time" if unit == "ns" else "depth"
    ax.set_title(title if title is not None else f"{what} slice {a:g}-{b:g} {unit} ({statistic})", fontsize=9)
    if colorbar:
        plt.colorbar(m, ax=ax, label=f"mean {statistic}")
    return ax
