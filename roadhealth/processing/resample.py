"""Along-sample resampling: anti-aliased decimation of oversampled traces.

Full-wave simulators write every time step of their grid: gprMax at 400 MHz on a 5 mm grid
records a sample every 12 ps, some 200 samples per antenna period, where a radar records 10-30.
Nothing in such a trace needs that rate (its spectrum ends near twice the antenna frequency), but
every window that processing or detection measures in samples then holds eight times the samples
and costs eight times as much. :func:`decimate_samples` keeps every ``factor``-th sample after a
zero-phase anti-alias low-pass (a polyphase FIR, :func:`scipy.signal.resample_poly`), so that the
kept samples are the band-limited trace at the new interval, not an aliased subset.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    apply_along_samples,
    centre_frequency_mhz,
    check_survey,
    finish,
    is_auto,
)

__all__ = ["TARGET_SAMPLES_PER_PERIOD", "auto_decimation", "decimate_samples"]

#: Samples per antenna period that ``factor="auto"`` decimates to (as near as an integer factor
#: allows, so 16-36): 24 puts the Nyquist frequency at 12 times the antenna's, six times past the
#: end of its spectrum (about twice the centre frequency), and is the rate of the recorded radar
#: files and of the project's full-wave sets (20-28 samples per period) that detection was
#: validated on.
TARGET_SAMPLES_PER_PERIOD = 24.0


def auto_decimation(survey: xr.DataArray, samples_per_period: float = TARGET_SAMPLES_PER_PERIOD) -> int:
    """The integer factor that brings the samples per period of the antenna
    (``attrs["antenna_mhz"]``, else ``attrs["centre_mhz_estimate"]``, else estimated from the
    spectrum) closest to ``samples_per_period``: 1 for a trace sampled at less than 1.5 times
    that rate; never fewer than two thirds of it after decimation. (The nearest factor, not the
    largest that keeps the rate: a trace recorded eight times finer than the rate is decimated by
    eight even when its estimated frequency puts it a hair under eight times.)"""
    dt = float(survey.attrs["dt_ns"])
    mhz = centre_frequency_mhz(survey)
    if not (math.isfinite(mhz) and mhz > 0 and math.isfinite(dt) and dt > 0):
        return 1
    per_period = 1000.0 / mhz / dt
    return max(1, math.floor(per_period / float(samples_per_period) + 0.5))


def _decimate_kernel(x: np.ndarray, factor: int) -> np.ndarray:
    from scipy.signal import resample_poly

    return resample_poly(x, 1, factor, axis=-1).astype(x.dtype, copy=False)


def decimate_samples(survey: xr.DataArray, *, factor: Any = "auto",
                     samples_per_period: float = TARGET_SAMPLES_PER_PERIOD) -> xr.DataArray:
    """Keep every ``factor``-th sample after a zero-phase anti-alias low-pass.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    factor : int or "auto"
        Decimation factor (1: nothing changes). "auto": :func:`auto_decimation`, the factor that
        brings the samples per antenna period nearest ``samples_per_period``.
    samples_per_period : float
        The samples per period that ``factor="auto"`` aims at.

    Returns
    -------
    xarray.DataArray
        float32 (float64 for float64 input), ``ceil(n_sample / factor)`` samples at
        ``dt_ns * factor``; output sample ``k`` stands where input sample ``k * factor`` stood, so
        ``twt_ns`` (and a ``depth_m`` along samples) are the input's every ``factor``-th value.
        GSSI header words are zeroed by the filter and no longer counted (``header_words`` 0).
        One history record ``decimate_samples`` with the factor used.

    Raises
    ------
    ProcessingError
        A factor that is not a positive integer, or one that leaves fewer than 2 samples.
    """
    check_survey(survey, "decimate_samples")
    if is_auto(factor):
        if not (isinstance(samples_per_period, (int, float)) and samples_per_period > 0):
            raise ProcessingError(f"decimate_samples: samples_per_period must be a positive number; "
                                  f"got {samples_per_period!r}")
        q = auto_decimation(survey, float(samples_per_period))
    else:
        if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
            raise ProcessingError(f"decimate_samples: factor must be a positive integer or 'auto'; got {factor!r}")
        q = int(factor)
    n = survey.sizes["sample"]
    n_out = -(-n // q)
    if n_out < 2:
        raise ProcessingError(f"decimate_samples: a factor of {q} leaves {n_out} of {n} samples; "
                              "at least 2 are needed")
    params = {"factor": q, "samples_per_period": float(samples_per_period) if is_auto(factor) else None}
    if q == 1:
        return finish(survey, survey.data, "decimate_samples", params)
    data = apply_along_samples(survey, _decimate_kernel, n_sample_out=n_out, factor=q)
    # every sample-wise coordinate (twt_ns, a depth_m) at the kept samples
    attrs = {"dt_ns": float(survey.attrs["dt_ns"]) * q}
    if survey.attrs.get("header_words"):
        attrs["header_words"] = 0
    return finish(survey.isel(sample=slice(None, None, q)), data, "decimate_samples", params, attrs=attrs)
