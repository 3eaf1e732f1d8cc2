"""Along-track operations: trace stacking and resampling to uniform trace spacing.

Both change the trace axis, so they also rebuild the per-trace coordinates: stacking averages
``distance_m``, ``x``, ``y`` (and ``lon``/``lat``/``elevation_m``/``time``) over each group of
traces; resampling interpolates them linearly to the new distances. Resampling is done by
:func:`roadhealth.io.georef.regularize`, the one along-track resampler of the library;
:func:`resample_traces` is its recipe step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from scipy import ndimage

from roadhealth.errors import ProcessingError
from roadhealth.io.georef import regularize
from roadhealth.processing._core import (
    _prepare,
    apply_along_samples,
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
    method: str = "linear",
    stationary: str = "first",
    backwards: str = "raise",
) -> xr.DataArray:
    """Resample to uniform along-track trace spacing: the recipe step in front of
    :func:`roadhealth.io.georef.regularize`, which does the work.

    ``regularize`` (the one along-track resampler of roadhealth) puts the new traces at
    ``d0 + spacing_m * k`` from the first distance ``d0`` of channel 0 to its last, interpolating
    amplitudes of all channels and every per-trace coordinate with the same indices and weights
    (channels of an array were recorded together, so they are resampled together). This step
    adds what processing needs on top:

    * float output (float32 unless float64) with GSSI header words zeroed, like every step;
    * ``start_m`` / ``end_m`` (passed on): an output range of ``start_m + spacing_m * k``, up to
      ``end_m``; beyond the recorded range the first or last trace is repeated;
    * ``backwards="raise"`` by default: a processing recipe should not silently drop traces.
    * one history record ``resample_traces`` with these parameters (so
      :func:`roadhealth.processing.recipe_from_history` rebuilds it), in place of regularize's.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    spacing_m : float
        New trace spacing, m.
    start_m, end_m : float, optional
        Range of the output distances, m (default: the first and last distance of channel 0).
    method, stationary, backwards
        As in :func:`roadhealth.io.georef.regularize` ("linear"/"nearest", "first"/"mean",
        "raise"/"drop").

    Returns
    -------
    xarray.DataArray
        float32 (float64 for float64 input); ``distance_m`` uniform; ``x``, ``y``, ``lon``,
        ``lat``, ``time`` ... interpolated, ``mark``/``trace_number`` from the nearest trace.
    """
    check_survey(survey, "resample_traces")
    spacing = check_positive(spacing_m, "spacing_m")
    prepared = survey.copy(data=apply_along_samples(survey, _identity))
    prepared.attrs = dict(survey.attrs)
    d = np.asarray(survey.coords["distance_m"].values, dtype=float)
    d = d if d.ndim == 1 else d[0]
    if not np.all(np.isfinite(d)):
        raise ProcessingError("resample_traces: distance_m of channel 0 has non-finite values")
    if backwards == "raise" and np.any(np.diff(d) < 0):
        raise ProcessingError(
            "resample_traces: distance_m decreases along the trace axis (the survey reverses); "
            "split or reverse it first, or pass backwards='drop'"
        )
    out = regularize(prepared, spacing, method=method, stationary=stationary, backwards=backwards,
                     start_m=start_m, end_m=end_m)
    out.attrs["history"] = list(survey.attrs.get("history", []))  # one record: this step's
    return add_history(out, "resample_traces", spacing_m=spacing, start_m=start_m, end_m=end_m,
                       method=method, stationary=stationary, backwards=backwards)


def _identity(x: np.ndarray) -> np.ndarray:
    return x
