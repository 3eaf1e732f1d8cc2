"""Gains: t-power, exponential, spreading-and-attenuation compensation (SEC), AGC.

Time-varying gains use the two-way time ``twt_ns`` of each sample, so run time-zero correction
first: the gain is 1 down to ``start_ns`` (default one period of the antenna wavelet below the
surface, so the surface reflection is left as recorded) and grows below it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from scipy import ndimage

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    apply_along_samples,
    centre_frequency_mhz,
    check_positive,
    check_survey,
    finish,
    is_auto,
    is_dask,
    result_dtype,
    samples_from_ns,
)

__all__ = ["agc", "exp_gain", "gain_curve", "sec_gain", "tpower_gain"]

#: Nepers per decibel (amplitude): 1 dB = ln(10) / 20 Np.
NP_PER_DB = math.log(10.0) / 20.0


def gain_curve(
    twt_ns: Any,
    *,
    power: float = 0.0,
    alpha_db_per_ns: float = 0.0,
    start_ns: float = 1.0,
    max_gain_db: float | None = None,
) -> np.ndarray:
    """The spreading-and-attenuation gain ``g(t)`` (dimensionless), shape of ``twt_ns``.

    ``g(t) = (t / t0)^power * exp(alpha * (t - t0))`` for ``t > t0 = start_ns`` and 1 above it,
    with ``alpha`` in nepers per ns (``alpha_db_per_ns * ln(10) / 20``); clipped to
    ``max_gain_db`` (amplitude dB) when given.
    """
    t = np.asarray(twt_ns, dtype=float)
    t0 = check_positive(start_ns, "start_ns")
    tt = np.maximum(t, t0)
    g = (tt / t0) ** float(power) * np.exp(float(alpha_db_per_ns) * NP_PER_DB * (tt - t0))
    if max_gain_db is not None:
        g = np.minimum(g, 10.0 ** (float(max_gain_db) / 20.0))
    return g


def _start(survey: xr.DataArray, start_ns: Any) -> float:
    if is_auto(start_ns):
        return 1000.0 / centre_frequency_mhz(survey)
    return check_positive(start_ns, "start_ns")


def _apply_curve(survey: xr.DataArray, g: np.ndarray) -> Any:
    g = g.astype(result_dtype(survey.dtype))
    return apply_along_samples(survey, _multiply_kernel, g=g)


def _multiply_kernel(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    x *= g
    return x


def tpower_gain(
    survey: xr.DataArray,
    *,
    power: float = 1.0,
    start_ns: float | str = "auto",
    max_gain_db: float | None = None,
) -> xr.DataArray:
    """Multiply each trace by ``(t / start_ns)^power`` below ``start_ns`` (geometric spreading).

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    power : float
        Exponent; 1 compensates the 1/r amplitude decay of spherical spreading, 2 is Claerbout's
        choice for spreading plus typical losses.
    start_ns : float or "auto"
        Two-way time below which the gain is 1, ns. "auto": one antenna period, 1000/antenna_mhz.
    max_gain_db : float, optional
        Upper limit of the gain, amplitude dB.
    """
    check_survey(survey, "tpower_gain")
    start_ns = _start(survey, start_ns)
    g = gain_curve(survey.coords["twt_ns"].values, power=float(power), start_ns=start_ns,
                   max_gain_db=max_gain_db)
    params = {"power": float(power), "start_ns": start_ns, "max_gain_db": max_gain_db}
    return finish(survey, _apply_curve(survey, g), "tpower_gain", params)


def exp_gain(
    survey: xr.DataArray,
    *,
    alpha_db_per_ns: float,
    start_ns: float | str = "auto",
    max_gain_db: float | None = None,
) -> xr.DataArray:
    """Multiply each trace by ``exp(alpha (t - start_ns))`` below ``start_ns`` (attenuation).

    Parameters
    ----------
    alpha_db_per_ns : float
        Amplitude attenuation to compensate, dB per ns of two-way time (>= 0).
    start_ns, max_gain_db
        As in :func:`tpower_gain`.
    """
    return _sec(survey, "exp_gain", power=0.0, alpha_db_per_ns=alpha_db_per_ns,
                start_ns=start_ns, max_gain_db=max_gain_db)


def sec_gain(
    survey: xr.DataArray,
    *,
    power: float = 1.0,
    alpha_db_per_ns: float | str = "auto",
    start_ns: float | str = "auto",
    max_gain_db: float | None = 60.0,
) -> xr.DataArray:
    """Spreading-and-exponential compensation: ``(t / t0)^power * exp(alpha (t - t0))``.

    Parameters
    ----------
    power : float
        Spreading exponent (1: spherical spreading of amplitude).
    alpha_db_per_ns : float or "auto"
        Attenuation, dB per ns of two-way time. "auto": fitted to the data, as the slope of
        ``20 log10`` of the survey RMS amplitude after spreading compensation, by least squares
        between ``start_ns`` and the time where it meets the noise floor (reads the whole survey
        once, also for dask data). Never negative.
    start_ns : float or "auto"
        Time below which the gain is 1, ns ("auto": one antenna period).
    max_gain_db : float or None
        Upper limit of the gain, amplitude dB (default 60 dB, so noise is not blown up).
    """
    return _sec(survey, "sec_gain", power=power, alpha_db_per_ns=alpha_db_per_ns,
                start_ns=start_ns, max_gain_db=max_gain_db)


def _sec(survey, step, *, power, alpha_db_per_ns, start_ns, max_gain_db):
    check_survey(survey, step)
    start_ns = _start(survey, start_ns)
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    if is_auto(alpha_db_per_ns):
        alpha_db_per_ns = estimate_attenuation_db_per_ns(survey, power=float(power), start_ns=start_ns)
    try:
        alpha = float(alpha_db_per_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"{step}: alpha_db_per_ns must be a number (dB/ns); got {alpha_db_per_ns!r}") from None
    if not math.isfinite(alpha) or alpha < 0:
        raise ProcessingError(f"{step}: alpha_db_per_ns must be >= 0 dB/ns; got {alpha_db_per_ns!r}")
    g = gain_curve(t, power=float(power), alpha_db_per_ns=alpha, start_ns=start_ns,
                   max_gain_db=max_gain_db)
    params = {"alpha_db_per_ns": alpha, "start_ns": start_ns, "max_gain_db": max_gain_db}
    if step == "sec_gain":
        params = {"power": float(power), **params}
    return finish(survey, _apply_curve(survey, g), step, params)


def estimate_attenuation_db_per_ns(survey: xr.DataArray, *, power: float = 1.0,
                                   start_ns: float = 1.0) -> float:
    """Fit the attenuation (dB/ns, >= 0) of the survey RMS amplitude after t-power compensation."""
    ms = apply_along_samples(survey, np.square).mean(axis=(0, 1), dtype=np.float64)
    if is_dask(ms):
        ms = ms.compute()
    mean = np.sqrt(np.asarray(ms, dtype=float))  # RMS amplitude over all traces, per sample
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    comp = 20 * np.log10(np.maximum(mean, 1e-30)) + 20 * power * np.log10(np.maximum(t, start_ns) / start_ns)
    floor = np.median(comp[-max(4, len(t) // 10):])
    sel = t > start_ns
    above = sel & (comp > floor + 6.0)
    if above.sum() >= 4:
        last = np.nonzero(above)[0].max()
        sel &= np.arange(len(t)) <= last
    if sel.sum() < 4:
        return 0.0
    slope = np.polyfit(t[sel], comp[sel], 1)[0]
    return float(max(-slope, 0.0))


def agc(
    survey: xr.DataArray,
    *,
    window_ns: float | str = "auto",
) -> xr.DataArray:
    """Automatic gain control: divide each sample by the RMS amplitude in a window around it.

    Output has a local RMS of ~1 (dimensionless) everywhere that has signal; relative amplitudes
    between times are lost (do not use before amplitude attributes).

    Parameters
    ----------
    window_ns : float or "auto"
        Length of the centred RMS window, ns. "auto": five antenna periods, 5000/antenna_mhz.
    """
    check_survey(survey, "agc")
    dt = float(survey.attrs["dt_ns"])
    if is_auto(window_ns):
        window_ns = 5000.0 / centre_frequency_mhz(survey)
    w = samples_from_ns(window_ns, dt, "window_ns", minimum=2, maximum=survey.sizes["sample"])
    data = apply_along_samples(survey, _agc_kernel, size=w)
    return finish(survey, data, "agc", {"window_ns": float(window_ns)})


def _agc_kernel(x: np.ndarray, size: int) -> np.ndarray:
    ms = ndimage.uniform_filter1d(x * x, size, axis=-1, mode="reflect")
    rms = np.sqrt(np.maximum(ms, 0, out=ms), out=ms)
    eps = 1e-6 * rms.max(axis=-1, keepdims=True) + np.finfo(x.dtype).tiny
    x /= rms + eps
    return x
