"""Adjacent recipe steps run as one pass over the data (used by :func:`roadhealth.processing.apply`).

Each function here gives the survey, with the same history records, that the steps give one
after the other, with fewer passes over memory. The other fusion, ``time_zero -> dewow ->
bandpass`` in one FFT pass, is :func:`roadhealth.processing.filters.dewow_bandpass`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from roadhealth.processing._core import finish, header_words, is_dask
from roadhealth.processing.filters import _background_plan, background_removal, subtract_moving_mean
from roadhealth.processing.gain import _tpower_plan, tpower_gain

__all__ = ["background_tpower_gain"]


def background_tpower_gain(survey: xr.DataArray, background_params: dict[str, Any] | None = None,
                           gain_params: dict[str, Any] | None = None) -> xr.DataArray:
    """:func:`background_removal` (moving mean) then :func:`tpower_gain`, without a copy between.

    The moving-mean background is subtracted into a new array
    (:func:`roadhealth.processing.filters.subtract_moving_mean`, which reads the input in any
    memory layout, e.g. the view into the FFT buffer that the fused band-pass leaves), the
    gain's noise floor (``stop_ns="auto"``) is read from that result, as ``tpower_gain`` reads it
    from its input, and the gain multiplies the array in place. The result equals the two steps
    (the same kernels; tests check it). Dask surveys, the median and the global background,
    header words or non-finite samples run the two steps.

    Returns the survey with the ``background_removal`` and ``tpower_gain`` history records.
    """
    background_params = dict(background_params or {})
    gain_params = dict(gain_params or {})
    method = background_params.get("method", "mean")
    data = survey.data
    params, n_win = (None, None)
    if method == "mean" and not is_dask(data) and not header_words(survey):
        params, n_win = _background_plan(survey, **background_params)
    x = None if n_win is None else np.asarray(data)
    if x is None or not np.issubdtype(x.dtype, np.floating) or not np.isfinite(x).all():
        return tpower_gain(background_removal(survey, **background_params), **gain_params)
    out = subtract_moving_mean(x, n_win)  # a new array: x (maybe shared) is only read
    bg = finish(survey, out, "background_removal", params)
    g, gparams = _tpower_plan(bg, **gain_params)
    out *= g.astype(out.dtype)
    return finish(bg, out, "tpower_gain", gparams)
