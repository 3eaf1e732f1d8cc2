"""Gains: t-power, exponential, spreading-and-attenuation compensation (SEC), AGC.

Time-varying gains use the two-way time ``twt_ns`` of each sample, so run time-zero correction
first: the gain is 1 down to ``start_ns`` (default one period of the antenna wavelet below the
surface, so the surface reflection is left as recorded) and grows below it, up to two limits:

* a cap, ``max_gain_db`` (amplitude dB; 40 dB by default for the t-power and exponential gains,
  60 dB for SEC), and
* a noise-floor stop, ``stop_ns``: the gain stops growing where the signal reaches the noise
  floor, so the deep noise of a long record is not amplified over the reflections. "auto"
  estimates it from the data (:func:`noise_floor_ns`): the first time below ``start_ns`` where
  the RMS amplitude over the traces, smoothed over two antenna periods, comes within 6 dB of its
  lowest value (the noise floor). On a record that never reaches its noise floor (a short window)
  the stop falls at the end of the record and changes nothing.

Both are recorded, resolved, in the history.
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
    header_words,
    is_auto,
    is_dask,
    result_dtype,
    samples_from_ns,
)

__all__ = ["agc", "exp_gain", "gain_curve", "noise_floor_ns", "sec_gain", "tpower_gain"]

#: Nepers per decibel (amplitude): 1 dB = ln(10) / 20 Np.
NP_PER_DB = math.log(10.0) / 20.0


def gain_curve(
    twt_ns: Any,
    *,
    power: float = 0.0,
    alpha_db_per_ns: float = 0.0,
    start_ns: float = 1.0,
    max_gain_db: float | None = None,
    stop_ns: float | None = None,
) -> np.ndarray:
    """The spreading-and-attenuation gain ``g(t)`` (dimensionless), shape of ``twt_ns``.

    ``g(t) = (t / t0)^power * exp(alpha * (t - t0))`` for ``t0 = start_ns < t < stop_ns``, 1 above
    ``t0`` and ``g(stop_ns)`` below ``stop_ns``, with ``alpha`` in nepers per ns
    (``alpha_db_per_ns * ln(10) / 20``); clipped to ``max_gain_db`` (amplitude dB) when given.
    """
    t = np.asarray(twt_ns, dtype=float)
    t0 = check_positive(start_ns, "start_ns")
    tt = np.maximum(t, t0)
    if stop_ns is not None:
        tt = np.minimum(tt, max(float(stop_ns), t0))
    g = (tt / t0) ** float(power) * np.exp(float(alpha_db_per_ns) * NP_PER_DB * (tt - t0))
    if max_gain_db is not None:
        g = np.minimum(g, 10.0 ** (float(max_gain_db) / 20.0))
    return g


def _start(survey: xr.DataArray, start_ns: Any) -> float:
    if is_auto(start_ns):
        return 1000.0 / centre_frequency_mhz(survey)
    return check_positive(start_ns, "start_ns")


def _non_negative(value: Any, name: str, unit: str, step: str) -> float:
    """``float(value)``, or a ProcessingError unless it is a finite number >= 0."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ProcessingError(f"{step}: {name} must be a number ({unit}); got {value!r}") from None
    if not (math.isfinite(v) and v >= 0):
        raise ProcessingError(f"{step}: {name} must be >= 0 {unit}; got {value!r}")
    return v


def _cap(max_gain_db: Any, step: str) -> float | None:
    return None if max_gain_db is None else _non_negative(max_gain_db, "max_gain_db", "dB", step)


#: The noise floor is read from up to RMS_RUNS runs of RMS_RUN_TRACES consecutive traces per channel.
RMS_RUNS = 8
RMS_RUN_TRACES = 64


def _rms_traces(n_trace: int, runs: int = RMS_RUNS, run_traces: int = RMS_RUN_TRACES) -> np.ndarray:
    """Trace indices of the noise-floor estimate: every trace of a survey of up to
    ``runs * run_traces`` traces, else ``runs`` runs of ``run_traces`` consecutive traces spread
    evenly along it. Runs rather than single traces spread along the whole survey: for a dask
    survey only the chunks holding the runs are computed (evenly spaced single traces touch
    every chunk, so the whole processing chain ran twice); the same traces in memory and in dask."""
    if n_trace <= runs * run_traces:
        return np.arange(n_trace)
    starts = np.linspace(0, n_trace - run_traces, runs).round().astype(int)
    return (starts[:, None] + np.arange(run_traces)).ravel()


def _rms_profile(survey: xr.DataArray) -> np.ndarray:
    """RMS amplitude per sample over the traces :func:`_rms_traces` picks, of every channel."""
    n_trace = survey.sizes["trace"]
    idx = _rms_traces(n_trace)
    data = survey.data
    if not is_dask(data) and idx.size == n_trace:  # every trace: no copy of the selection
        x = np.asarray(data)
    else:
        x = np.asarray(data[:, idx])
    x = x.reshape(-1, x.shape[-1])
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    ms = np.einsum("ij,ij->j", x, x, dtype=np.float64) / max(x.shape[0], 1)  # float64 sums
    ms[: header_words(survey)] = 0.0
    return np.sqrt(ms)


def noise_floor_ns(survey: xr.DataArray, *, start_ns: float | str = "auto", margin_db: float = 6.0,
                   flat_db: float = 1.0) -> float:
    """Two-way time where the signal reaches the noise floor, ns (the end of the record if never).

    The RMS amplitude over the traces (every trace of a survey of up to 512, else 8 runs of 64
    consecutive traces spread evenly along it, :func:`_rms_traces`), smoothed over two
    antenna periods, is read in dB. The record has reached its noise floor when its last quarter
    is flat (its two halves differ by less than ``flat_db``): the floor is then the median of
    that quarter, and the time below ``start_ns`` from which on the profile stays within
    ``margin_db`` of the floor is returned. A record still decaying at its end (a short window)
    has not reached the floor: its end is returned. Records whose amplitude does not decay at all
    (an instrument's range gain already applied, as GSSI SIR systems store it) stop at once: the
    amplitude has nothing left to compensate. Run it on data without gain (after background
    removal, so that antenna ringing does not hide the floor).
    """
    check_survey(survey, "noise_floor_ns")
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    t0 = _start(survey, start_ns)
    rms = _rms_profile(survey)
    dt = float(survey.attrs["dt_ns"])
    w = max(3, round(2000.0 / centre_frequency_mhz(survey) / dt))
    smooth = ndimage.uniform_filter1d(rms, min(w, rms.size), mode="nearest")
    below = t > t0
    below[-w:] = False  # the last samples carry the filters' end effects, not the floor
    tail = np.flatnonzero(below)[-max(8, int(below.sum()) // 4):]
    if below.sum() < 16 or not np.all(smooth[tail] > 0):
        return float(t[-1])
    db = 20.0 * np.log10(smooth[tail])
    half = db.size // 2
    if abs(float(np.mean(db[:half]) - np.mean(db[half:]))) >= float(flat_db):
        return float(t[-1])  # still decaying at the end of the record: no floor reached
    floor = float(np.median(smooth[tail]))
    above = below & (smooth > floor * 10.0 ** (float(margin_db) / 20.0))
    if not above.any():
        return float(t[np.argmax(below)])
    last = int(np.flatnonzero(above)[-1])
    return float(t[min(last + 1, t.size - 1)])


def _stop(survey: xr.DataArray, stop_ns: Any, start_ns: float, step: str) -> float | None:
    if stop_ns is None:
        return None
    if is_auto(stop_ns):
        return noise_floor_ns(survey, start_ns=start_ns)
    try:
        v = float(stop_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"{step}: stop_ns must be a number of ns, 'auto' or None; got {stop_ns!r}") from None
    if not math.isfinite(v):
        raise ProcessingError(f"{step}: stop_ns must be finite; got {stop_ns!r}")
    return v


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
    max_gain_db: float | None = 40.0,
    stop_ns: float | str | None = "auto",
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
    max_gain_db : float or None
        Upper limit of the gain, amplitude dB (default 40 dB: a factor of 100).
    stop_ns : float, "auto" or None
        The gain stops growing below this two-way time, ns. "auto" (default): where the signal
        reaches the noise floor (:func:`noise_floor_ns`); None: no stop.
    """
    g, params = _tpower_plan(survey, power=power, start_ns=start_ns, max_gain_db=max_gain_db,
                             stop_ns=stop_ns)
    return finish(survey, _apply_curve(survey, g), "tpower_gain", params)


def _tpower_plan(survey: xr.DataArray, *, power: float = 1.0, start_ns: float | str = "auto",
                 max_gain_db: float | None = 40.0, stop_ns: float | str | None = "auto"
                 ) -> tuple[np.ndarray, dict[str, Any]]:
    """Resolve :func:`tpower_gain` on ``survey`` -> (gain curve per sample, recorded parameters).
    ``stop_ns="auto"`` reads the survey's noise floor (:func:`noise_floor_ns`)."""
    check_survey(survey, "tpower_gain")
    start_ns = _start(survey, start_ns)
    max_gain_db = _cap(max_gain_db, "tpower_gain")
    stop_ns = _stop(survey, stop_ns, start_ns, "tpower_gain")
    g = gain_curve(survey.coords["twt_ns"].values, power=float(power), start_ns=start_ns,
                   max_gain_db=max_gain_db, stop_ns=stop_ns)
    params = {"power": float(power), "start_ns": start_ns, "max_gain_db": max_gain_db, "stop_ns": stop_ns}
    return g, params


def exp_gain(
    survey: xr.DataArray,
    *,
    alpha_db_per_ns: float,
    start_ns: float | str = "auto",
    max_gain_db: float | None = 40.0,
    stop_ns: float | str | None = "auto",
) -> xr.DataArray:
    """Multiply each trace by ``exp(alpha (t - start_ns))`` below ``start_ns`` (attenuation).

    Parameters
    ----------
    alpha_db_per_ns : float
        Amplitude attenuation to compensate, dB per ns of two-way time (>= 0).
    start_ns, max_gain_db, stop_ns
        As in :func:`tpower_gain`.
    """
    return _sec(survey, "exp_gain", power=0.0, alpha_db_per_ns=alpha_db_per_ns,
                start_ns=start_ns, max_gain_db=max_gain_db, stop_ns=stop_ns)


def sec_gain(
    survey: xr.DataArray,
    *,
    power: float = 1.0,
    alpha_db_per_ns: float | str = "auto",
    start_ns: float | str = "auto",
    max_gain_db: float | None = 60.0,
    stop_ns: float | str | None = "auto",
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
    stop_ns : float, "auto" or None
        As in :func:`tpower_gain`.
    """
    return _sec(survey, "sec_gain", power=power, alpha_db_per_ns=alpha_db_per_ns,
                start_ns=start_ns, max_gain_db=max_gain_db, stop_ns=stop_ns)


def _sec(survey, step, *, power, alpha_db_per_ns, start_ns, max_gain_db, stop_ns):
    check_survey(survey, step)
    start_ns = _start(survey, start_ns)
    max_gain_db = _cap(max_gain_db, step)
    stop_ns = _stop(survey, stop_ns, start_ns, step)
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    if is_auto(alpha_db_per_ns):
        alpha_db_per_ns = estimate_attenuation_db_per_ns(survey, power=float(power), start_ns=start_ns)
    alpha = _non_negative(alpha_db_per_ns, "alpha_db_per_ns", "dB/ns", step)
    g = gain_curve(t, power=float(power), alpha_db_per_ns=alpha, start_ns=start_ns,
                   max_gain_db=max_gain_db, stop_ns=stop_ns)
    params = {"alpha_db_per_ns": alpha, "start_ns": start_ns, "max_gain_db": max_gain_db,
              "stop_ns": stop_ns}
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
