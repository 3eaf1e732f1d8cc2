"""Trace attributes a detector needs: envelope, instantaneous phase and frequency, local dominant
frequency, energy ratio and attenuation per trace, lateral coherence.

Sample-wise attributes return a survey of the same shape (so they chain with the other steps and
record themselves in ``attrs["history"]``); per-trace attributes return a DataArray with dims
``(channel, trace)`` and the survey's per-trace coordinates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.fft as sfft
import xarray as xr
from scipy import ndimage

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    analytic_signal,
    analytic_spectrum,
    apply_along_samples,
    apply_along_traces,
    centre_frequency_mhz,
    check_survey,
    envelope_kernel,
    finish,
    is_auto,
    is_dask,
    samples_from_ns,
    traces_from_window,
)
from roadhealth.survey import add_history

__all__ = [
    "analytic_signal",
    "attenuation",
    "coherence",
    "dominant_frequency",
    "energy_ratio",
    "envelope",
    "instantaneous_frequency",
    "instantaneous_phase",
]


def _analytic_and_derivative(x: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Analytic signal and its exact (spectral) time derivative, per ns; zero-padded FFT."""
    n = x.shape[-1]
    full, m = analytic_spectrum(x, pad=True)
    omega = (2 * np.pi * sfft.fftfreq(m, dt)).astype(full.real.dtype)  # rad/ns
    dfull = full * (1j * omega)
    z = sfft.ifft(full, axis=-1, overwrite_x=True)[..., :n]
    dz = sfft.ifft(dfull, axis=-1, overwrite_x=True)[..., :n]
    return z, dz


def _envelope_kernel(x: np.ndarray) -> np.ndarray:
    return envelope_kernel(x, pad=True)


def _phase_kernel(x: np.ndarray) -> np.ndarray:
    return np.angle(analytic_signal(x)).astype(x.dtype, copy=False)


def _quadrature_terms(x: np.ndarray, dt: float):
    """Numerator ``x h' - h x' = Im(conj(z) z')`` (rad/ns x amplitude^2) and ``|z|^2``."""
    z, dz = _analytic_and_derivative(x, dt)
    num = (z.real * dz.imag - z.imag * dz.real).astype(x.dtype, copy=False)
    den = (z.real * z.real + z.imag * z.imag).astype(x.dtype, copy=False)
    return num, den


def _inst_freq_kernel(x: np.ndarray, dt: float) -> np.ndarray:
    num, den = _quadrature_terms(x, dt)
    eps = 1e-12 * den.max(axis=-1, keepdims=True) + np.finfo(x.dtype).tiny
    return (num / (den + eps) * (1000.0 / (2 * np.pi))).astype(x.dtype, copy=False)


def _dominant_freq_kernel(x: np.ndarray, dt: float, size: int) -> np.ndarray:
    num, den = _quadrature_terms(x, dt)
    num = ndimage.uniform_filter1d(num, size, axis=-1, mode="reflect")
    den = ndimage.uniform_filter1d(den, size, axis=-1, mode="reflect")
    eps = 1e-12 * den.max(axis=-1, keepdims=True) + np.finfo(x.dtype).tiny
    return (num / (den + eps) * (1000.0 / (2 * np.pi))).astype(x.dtype, copy=False)


def envelope(survey: xr.DataArray) -> xr.DataArray:
    """Instantaneous amplitude ``|x + i H[x]|`` (same units as the input), per sample.

    Uses the FFT Hilbert transform along each trace (periodic: taper or pad traces whose ends
    carry strong signal).
    """
    check_survey(survey, "envelope")
    return finish(survey, apply_along_samples(survey, _envelope_kernel), "envelope", {})


def instantaneous_phase(survey: xr.DataArray) -> xr.DataArray:
    """Instantaneous phase ``arg(x + i H[x])``, radians in (-pi, pi], per sample."""
    check_survey(survey, "instantaneous_phase")
    out = finish(survey, apply_along_samples(survey, _phase_kernel), "instantaneous_phase", {})
    out.attrs["units"] = "rad"
    return out


def instantaneous_frequency(survey: xr.DataArray) -> xr.DataArray:
    """Instantaneous frequency ``(1/2 pi) d(phase)/dt``, MHz, per sample.

    Computed without phase unwrapping as ``(x h' - h x') / (x^2 + h^2)``; noisy where the
    envelope is small (see :func:`dominant_frequency` for a stable local estimate).
    """
    check_survey(survey, "instantaneous_frequency")
    dt = float(survey.attrs["dt_ns"])
    out = finish(survey, apply_along_samples(survey, _inst_freq_kernel, dt=dt),
                 "instantaneous_frequency", {})
    out.attrs["units"] = "MHz"
    return out


def dominant_frequency(survey: xr.DataArray, *, window_ns: float | str = "auto") -> xr.DataArray:
    """Local dominant frequency, MHz: the spectral centroid of a short window around each sample.

    Computed as the envelope-squared-weighted average of the instantaneous frequency over the
    window, ``sum(x h' - h x') / sum(x^2 + h^2) / 2 pi``, which equals the centroid of the power
    spectrum of the windowed signal (Barnes 1993) and needs no explicit short-time FFT.

    Parameters
    ----------
    window_ns : float or "auto"
        Window length, ns. "auto": two antenna periods (``2000 / antenna_mhz``).
    """
    check_survey(survey, "dominant_frequency")
    dt = float(survey.attrs["dt_ns"])
    if is_auto(window_ns):
        window_ns = 2000.0 / centre_frequency_mhz(survey)
    w = samples_from_ns(window_ns, dt, "window_ns", minimum=1, maximum=survey.sizes["sample"])
    out = finish(survey, apply_along_samples(survey, _dominant_freq_kernel, dt=dt, size=w),
                 "dominant_frequency", {"window_ns": float(window_ns)})
    out.attrs["units"] = "MHz"
    return out


def _time_axis(survey: xr.DataArray, value_ns: Any, value_m: Any, name: str) -> int:
    """Sample index of a split time (ns) or depth (m, needs a 1-D ``depth_m`` coordinate)."""
    if (value_ns is None) == (value_m is None):
        raise ProcessingError(f"{name}: give exactly one of the time (…_ns) or the depth (…_m)")
    if value_ns is not None:
        axis = np.asarray(survey.coords["twt_ns"].values, dtype=float)
        v = float(value_ns)
    else:
        if "depth_m" not in survey.coords or survey.coords["depth_m"].dims != ("sample",):
            raise ProcessingError(f"{name}: a depth needs a depth_m coordinate along sample (convert to depth first)")
        axis = np.asarray(survey.coords["depth_m"].values, dtype=float)
        v = float(value_m)
    i = int(np.searchsorted(axis, v))
    if not 0 < i < len(axis):
        raise ProcessingError(f"{name}: {v:g} is outside the survey's range {axis[0]:g}..{axis[-1]:g}")
    return i


def _per_trace(survey: xr.DataArray, values: Any, name: str, units: str, step: str,
               params: dict[str, Any]) -> xr.DataArray:
    coords = {k: v for k, v in survey.coords.items() if set(v.dims) <= {"channel", "trace"}}
    out = xr.DataArray(values, dims=("channel", "trace"), coords=coords, name=name,
                       attrs={"units": units, "history": list(survey.attrs.get("history", []))})
    return add_history(out, step, **params)


def energy_ratio(
    survey: xr.DataArray,
    *,
    split_ns: float | None = None,
    split_m: float | None = None,
) -> xr.DataArray:
    """Energy below a time (or depth) over energy above it, dB, per trace.

    ``10 log10(sum_{t >= split} x^2 / sum_{0 <= t < split} x^2)`` (samples before ``twt_ns = 0``
    are left out). Low values flag strong attenuation (wet or clay-rich layers); high values flag
    strong reflectors at depth (voids, cavities).

    Returns
    -------
    xarray.DataArray, dims (channel, trace), dB
    """
    check_survey(survey, "energy_ratio")
    i = _time_axis(survey, split_ns, split_m, "energy_ratio")
    i0 = int(np.searchsorted(np.asarray(survey.coords["twt_ns"].values, dtype=float), 0.0))
    if i0 >= i:
        raise ProcessingError("energy_ratio: the split lies above twt_ns = 0; nothing above it to compare")
    x = survey.data.astype(np.float64)
    e_top = (x[..., i0:i] ** 2).sum(axis=-1)
    e_bot = (x[..., i:] ** 2).sum(axis=-1)
    tiny = np.finfo(np.float64).tiny
    ratio = 10 * np.log10((e_bot + tiny) / (e_top + tiny))
    params = {"split_ns": split_ns, "split_m": split_m}
    return _per_trace(survey, ratio, "energy_ratio_db", "dB", "energy_ratio", params)


def attenuation(
    survey: xr.DataArray,
    *,
    start_ns: float = 0.0,
    end_ns: float | None = None,
    smooth_ns: float | str = "auto",
) -> xr.DataArray:
    """Apparent attenuation per trace, dB per ns of two-way time.

    Minus the least-squares slope of the local RMS amplitude in dB (``10 log10`` of the running
    mean of ``x^2``) against time between ``start_ns`` and ``end_ns`` (the whole trace below
    ``start_ns`` by default), vectorised over all traces. The local RMS is used rather than the
    Hilbert envelope, whose 1/t tails from the strong early arrivals would flatten the decay.
    Includes spreading losses; run it on data without time-varying gain.

    Parameters
    ----------
    smooth_ns : float or "auto"
        Length of the running mean of ``x^2``, ns ("auto": two antenna periods).

    Returns
    -------
    xarray.DataArray, dims (channel, trace), dB/ns
    """
    check_survey(survey, "attenuation")
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    dt = float(survey.attrs["dt_ns"])
    end = t[-1] if end_ns is None else float(end_ns)
    sel = (t >= float(start_ns)) & (t <= end)
    if sel.sum() < 3:
        raise ProcessingError(f"attenuation: fewer than 3 samples between {start_ns} and {end} ns")
    if is_auto(smooth_ns):
        smooth_ns = 2000.0 / centre_frequency_mhz(survey)
    w = samples_from_ns(smooth_ns, dt, "smooth_ns", minimum=1, maximum=len(t))

    def kernel(x):
        ms = ndimage.uniform_filter1d(x[..., sel].astype(np.float64) ** 2, w, axis=-1, mode="reflect")
        db = 10 * np.log10(np.maximum(ms, 1e-300))
        ts = t[sel] - t[sel].mean()
        slope = (db * ts).sum(axis=-1) / (ts * ts).sum()
        return -slope[..., None].astype(x.dtype)

    data = survey.data
    if is_dask(data):
        from roadhealth.processing._core import _prepare, header_words, result_dtype

        dtype = result_dtype(data.dtype)
        nh = header_words(survey)
        vals = data.rechunk({2: -1}).map_blocks(lambda b: kernel(_prepare(b, dtype, nh))[..., 0],
                                                drop_axis=2, dtype=dtype)
    else:
        from roadhealth.processing._core import _prepare, header_words, result_dtype

        vals = kernel(_prepare(np.asarray(data), result_dtype(data.dtype), header_words(survey)))[..., 0]
    params = {"start_ns": float(start_ns), "end_ns": end_ns, "smooth_ns": float(smooth_ns)}
    return _per_trace(survey, vals, "attenuation_db_per_ns", "dB/ns", "attenuation", params)


def _coherence_kernel(x: np.ndarray, n_tr: int, n_s: int) -> np.ndarray:
    s = ndimage.uniform_filter1d(x, n_tr, axis=1, mode="reflect")
    e = ndimage.uniform_filter1d(x * x, n_tr, axis=1, mode="reflect")
    num = ndimage.uniform_filter1d(s * s, n_s, axis=-1, mode="reflect")
    den = ndimage.uniform_filter1d(e, n_s, axis=-1, mode="reflect")
    eps = 1e-12 * den.max(axis=-1, keepdims=True) + np.finfo(x.dtype).tiny
    return np.clip(num / (den + eps), 0.0, 1.0).astype(x.dtype, copy=False)


def coherence(
    survey: xr.DataArray,
    *,
    window_traces: int | None = None,
    window_m: float | None = None,
    window_ns: float | str = "auto",
) -> xr.DataArray:
    """Lateral coherence: zero-dip semblance over a window of traces and samples, 0-1.

    ``S = sum_t (mean_i x_i)^2 / sum_t mean_i x_i^2`` over ``window_traces`` neighbouring traces
    (i) and ``window_ns`` of samples (t): 1 where neighbouring traces are identical (flat,
    continuous layers), ~1/N for incoherent noise, low where layers are broken (cracks,
    disturbed backfill) or dip steeply (diffraction flanks).

    Parameters
    ----------
    window_traces, window_m : int or float
        Along-track window, traces or metres (default 5 traces).
    window_ns : float or "auto"
        Time window, ns ("auto": one antenna period).
    """
    check_survey(survey, "coherence")
    if window_traces is None and window_m is None:
        window_traces = 5
    n_tr = traces_from_window(survey, window_m, window_traces, "coherence")
    dt = float(survey.attrs["dt_ns"])
    if is_auto(window_ns):
        window_ns = 1000.0 / centre_frequency_mhz(survey)
    n_s = samples_from_ns(window_ns, dt, "window_ns", minimum=1, maximum=survey.sizes["sample"])
    data = apply_along_traces(survey, _coherence_kernel, n_tr // 2 + 1, n_tr=n_tr, n_s=n_s)
    params = {"window_traces": window_traces, "window_m": window_m, "window_ns": float(window_ns)}
    out = finish(survey, data, "coherence", params)
    out.attrs["units"] = "1"
    return out
