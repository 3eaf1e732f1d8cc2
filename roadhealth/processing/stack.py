"""Along-track operations: trace stacking and resampling to uniform trace spacing.

Both change the trace axis, so they also rebuild the per-trace coordinates: stacking averages
``distance_m``, ``x``, ``y`` (and ``lon``/``lat``/``elevation_m``/``time``) over each group of
traces; resampling interpolates them linearly to the new distances.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from scipy import ndimage

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    _prepare,
    apply_along_traces,
    check_choice,
    check_positive,
    check_survey,
    finish,
    header_words,
    is_dask,
    result_dtype,
)
from roadhealth.survey import add_history

__all__ = ["resample_traces", "stack"]


def _trace_coords(survey: xr.DataArray) -> dict[str, xr.DataArray]:
    return {k: v for k, v in survey.coords.items() if "trace" in v.dims}


def stack(survey: xr.DataArray, *, n_traces: int, mode: str = "block") -> xr.DataArray:
    """Average groups of ``n_traces`` neighbouring traces (improves SNR by ~sqrt(n)).

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    n_traces : int
        Traces per stack (>= 1).
    mode : {"block", "running"}
        "block": average non-overlapping groups, giving ``n_trace // n_traces`` traces (a last
        incomplete group is dropped); per-trace coordinates are averaged over each group
        (``mark`` and ``trace_number`` take the first of the group). "running": a centred
        running mean over ``n_traces`` traces (made odd), keeping every trace and coordinate.

    Returns
    -------
    xarray.DataArray
        float32 (float64 for float64 input).
    """
    check_survey(survey, "stack")
    check_choice(mode, "stack mode", ("block", "running"))
    if isinstance(n_traces, bool) or not isinstance(n_traces, (int, np.integer)) or n_traces < 1:
        raise ProcessingError(f"stack: n_traces must be an integer >= 1; got {n_traces!r}")
    n = int(n_traces)
    if n > survey.sizes["trace"]:
        raise ProcessingError(f"stack: n_traces={n} exceeds the {survey.sizes['trace']} traces of the survey")
    if mode == "running":
        size = n if n % 2 else n + 1
        data = apply_along_traces(survey, _running_mean_kernel, size // 2 + 1, size=size)
        return finish(survey, data, "stack", {"n_traces": n, "mode": mode})

    n_out = survey.sizes["trace"] // n
    data = survey.data
    dtype = result_dtype(data.dtype)
    nh = header_words(survey)
    if is_dask(data):
        # whole groups in every chunk, then a blockwise reshape-mean
        c = max(n, (max(data.chunks[1]) // n) * n)
        data = data[:, : n_out * n].rechunk({1: c, 2: -1})
        new = data.map_blocks(_block_mean, n, dtype, nh, dtype=dtype,
                              chunks=(data.chunks[0], tuple(k // n for k in data.chunks[1]), data.chunks[2]))
    else:
        new = _block_mean(np.asarray(data)[:, : n_out * n], n, dtype, nh)

    coords: dict[str, Any] = {}
    for name, coord in _trace_coords(survey).items():
        v = np.asarray(coord.values)[..., : n_out * n]
        v = v.reshape(*v.shape[:-1], n_out, n)
        if name in ("mark", "trace_number") or not (np.issubdtype(v.dtype, np.number)
                                                     or np.issubdtype(v.dtype, np.datetime64)):
            g = v[..., 0]
        elif np.issubdtype(v.dtype, np.datetime64):
            step = (v - v[..., :1]).astype("m8[ns]").astype(np.int64).mean(axis=-1)
            g = v[..., 0] + step.astype("m8[ns]")
        else:
            g = v.mean(axis=-1)
        coords[name] = (coord.dims, g)
    other = {k: v for k, v in survey.coords.items() if "trace" not in v.dims}
    out = xr.DataArray(new, dims=survey.dims, coords={**other, **coords}, attrs=dict(survey.attrs),
                       name=survey.name)
    return add_history(out, "stack", n_traces=n, mode=mode)


def _block_mean(x: np.ndarray, n: int, dtype: np.dtype, nh: int) -> np.ndarray:
    x = _prepare(x, dtype, nh)
    c, t, s = x.shape
    return x.reshape(c, t // n, n, s).mean(axis=2, dtype=np.float64).astype(dtype)


def _running_mean_kernel(x: np.ndarray, size: int) -> np.ndarray:
    return ndimage.uniform_filter1d(x, size, axis=1, mode="nearest")


def resample_traces(
    survey: xr.DataArray,
    *,
    spacing_m: float,
    start_m: float | None = None,
    end_m: float | None = None,
) -> xr.DataArray:
    """Resample every channel to traces at uniform along-track spacing, by linear interpolation.

    Uses ``distance_m`` of each channel, which must not decrease along the trace axis (repeated
    distances, as when the vehicle stops, are fine: the interpolation picks the last trace at
    that distance and the first after it). Output traces lie at
    ``start_m + spacing_m * k`` within the range every channel covers.

    Parameters
    ----------
    spacing_m : float
        New trace spacing, m.
    start_m, end_m : float, optional
        Range of the output distances, m (default: the range covered by all channels).

    Returns
    -------
    xarray.DataArray
        float32 (float64 for float64 input); ``distance_m`` uniform and equal for all channels;
        the other numeric per-trace coordinates (``x``, ``y``, ``lon``, ``lat``, ``time``...)
        interpolated linearly; ``mark``/``trace_number`` take the nearest trace.
    """
    check_survey(survey, "resample_traces")
    spacing = check_positive(spacing_m, "spacing_m")
    d = np.asarray(survey.coords["distance_m"].values, dtype=float)
    if np.any(np.diff(d, axis=-1) < 0):
        raise ProcessingError(
            "resample_traces: distance_m decreases along the trace axis (the survey reverses); "
            "split or reverse it first"
        )
    lo = float(np.max(d[:, 0])) if start_m is None else float(start_m)
    hi = float(np.min(d[:, -1])) if end_m is None else float(end_m)
    if not hi > lo:
        raise ProcessingError(f"resample_traces: empty distance range {lo:g}..{hi:g} m")
    grid = lo + spacing * np.arange(int(np.floor((hi - lo) / spacing + 1e-9)) + 1)
    n_chan = d.shape[0]
    # per channel: index of the trace at or before each grid distance, and the weight of the next
    i1 = np.empty((n_chan, grid.size), dtype=np.intp)
    for c in range(n_chan):  # a loop over channels (a handful), not traces
        i1[c] = np.searchsorted(d[c], grid, side="right")
    n_tr = d.shape[1]
    i1 = np.clip(i1, 1, n_tr - 1)
    i0 = i1 - 1
    d0 = np.take_along_axis(d, i0, -1)
    d1 = np.take_along_axis(d, i1, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(d1 > d0, (grid[None, :] - d0) / (d1 - d0), 0.0)
    w = np.clip(w, 0.0, 1.0)

    data = survey.data
    dtype = result_dtype(data.dtype)
    nh = header_words(survey)
    wd = w.astype(dtype)[..., None]
    if is_dask(data):
        import dask.array as da

        x = data.rechunk({2: -1}).map_blocks(_prepare, dtype, nh, dtype=dtype)
        chans = [x[c][i0[c]] * (1 - wd[c]) + x[c][i1[c]] * wd[c] for c in range(n_chan)]
        new = da.stack(chans, axis=0)
    else:
        x = _prepare(np.asarray(data), dtype, nh)
        a = np.take_along_axis(x, i0[..., None], axis=1)
        b = np.take_along_axis(x, i1[..., None], axis=1)
        new = a + wd * (b - a)

    coords: dict[str, Any] = {}
    for name, coord in _trace_coords(survey).items():
        v = np.asarray(coord.values)
        per_chan = coord.dims == ("channel", "trace")
        vv = v if per_chan else np.broadcast_to(v, (n_chan, v.shape[-1]))
        if name == "distance_m":
            g = np.broadcast_to(grid, (n_chan, grid.size)).copy()
        elif name in ("mark", "trace_number") or not (np.issubdtype(v.dtype, np.number)
                                                     or np.issubdtype(v.dtype, np.datetime64)):
            g = np.take_along_axis(vv, np.where(w < 0.5, i0, i1), -1)
        elif np.issubdtype(v.dtype, np.datetime64):
            a = np.take_along_axis(vv, i0, -1)
            b = np.take_along_axis(vv, i1, -1)
            g = a + ((b - a).astype("m8[ns]").astype(np.int64) * w).astype("m8[ns]")
        else:
            a = np.take_along_axis(vv.astype(float), i0, -1)
            b = np.take_along_axis(vv.astype(float), i1, -1)
            g = a + w * (b - a)
        coords[name] = (coord.dims, g if per_chan else g[0])
    other = {k: v for k, v in survey.coords.items() if "trace" not in v.dims}
    attrs = dict(survey.attrs)
    attrs.pop("distance_source", None)
    out = xr.DataArray(new, dims=survey.dims, coords={**other, **coords}, attrs=attrs, name=survey.name)
    return add_history(out, "resample_traces", spacing_m=spacing, start_m=start_m, end_m=end_m)
