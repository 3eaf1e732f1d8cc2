"""Shared machinery of the processing steps: numpy/dask dispatch, dtypes, parameter checks.

Every processing step is a plain function ``step(survey, **params) -> survey``. The heavy lifting is
a small numpy kernel that works on a 3-D block ``(channel, trace, sample)``; the two helpers here run
such a kernel on a numpy-backed survey directly, or on a dask-backed one block by block:

* :func:`apply_along_samples` for kernels that only look along the sample (time) axis. The sample
  axis is made a single chunk first, then the kernel runs with ``map_blocks``.
* :func:`apply_along_traces` for kernels that look across neighbouring traces (moving windows along
  track). The sample axis is made a single chunk and the kernel runs with ``map_overlap`` with a
  halo of ``depth_traces`` traces and no artificial boundary, so every output value sees exactly the
  traces it would see in memory and the dask result equals the in-memory one.

Output dtype
------------
Integer and float32 inputs give **float32** output (half the memory of float64, ample for radar
amplitudes that come from 16- or 32-bit digitisers); float64 input stays float64, so analytic tests
and users who want double precision keep it. See :func:`result_dtype`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.fft as sfft
import xarray as xr

from roadhealth.errors import ProcessingError

__all__ = [
    "analytic_signal",
    "apply_along_samples",
    "apply_along_traces",
    "centre_frequency_mhz",
    "check_dims",
    "envelope_array",
    "envelope_kernel",
    "estimate_centre_frequency_mhz",
    "header_words",
    "is_dask",
    "result_dtype",
    "samples_from_ns",
    "trace_spacing_m",
    "traces_from_window",
]


def is_dask(data: Any) -> bool:
    """True when ``data`` is a dask array (without importing dask for numpy data)."""
    return type(data).__module__.startswith("dask")


def result_dtype(dtype: Any) -> np.dtype:
    """The floating dtype a step returns for input of ``dtype``.

    float64 stays float64; everything else (int16, int32, uint16, float32, ...) becomes float32.
    """
    dtype = np.dtype(dtype)
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def check_dims(survey: Any, step: str = "") -> xr.DataArray:
    """Raise :class:`ProcessingError` unless ``survey`` is a DataArray with the survey dims."""
    where = f"{step}: " if step else ""
    if not isinstance(survey, xr.DataArray):
        raise ProcessingError(f"{where}expected a survey (xarray.DataArray); got {type(survey).__name__}")
    if tuple(survey.dims) != ("channel", "trace", "sample"):
        raise ProcessingError(
            f"{where}survey dims must be ('channel', 'trace', 'sample'); got {tuple(survey.dims)}"
        )
    return survey


def check_survey(survey: Any, step: str) -> xr.DataArray:
    """:func:`check_dims`, and the survey must have ``attrs["dt_ns"]``."""
    check_dims(survey, step)
    if "dt_ns" not in survey.attrs:
        raise ProcessingError(f"{step}: survey has no attrs['dt_ns'] (sample interval, ns)")
    return survey


def header_words(survey: xr.DataArray) -> int:
    """Number of leading samples that are not radar samples (GSSI header words), >= 0."""
    n = survey.attrs.get("header_words", 0) or 0
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise ProcessingError(f"attrs['header_words'] must be an integer; got {n!r}") from None
    if n < 0 or n >= survey.sizes["sample"]:
        raise ProcessingError(
            f"attrs['header_words']={n} must be in [0, n_sample={survey.sizes['sample']})"
        )
    return n


def parabolic_peak(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Sub-sample position of a peak: the vertex of the parabola through ``idx - 1, idx, idx + 1``.

    Vectorised along the last axis of ``values`` (``idx`` has its other dims); the correction is
    kept within half a sample, and is 0 at the ends or where the three points are not concave.
    The one implementation (time-zero picks, hyperbola and layer picks).
    """
    n = values.shape[-1]
    idx = np.asarray(idx, dtype=np.intp)
    im = np.clip(idx - 1, 0, n - 1)
    ip = np.clip(idx + 1, 0, n - 1)
    ym = np.take_along_axis(values, im[..., None], -1)[..., 0].astype(np.float64)
    y0 = np.take_along_axis(values, idx[..., None], -1)[..., 0].astype(np.float64)
    yp = np.take_along_axis(values, ip[..., None], -1)[..., 0].astype(np.float64)
    den = ym - 2 * y0 + yp
    ok = (den < 0) & (idx > 0) & (idx < n - 1)
    delta = np.where(ok, 0.5 * (ym - yp) / np.where(ok, den, -1.0), 0.0)
    return idx + np.clip(delta, -0.5, 0.5)


def time_zero_at_surface(survey: xr.DataArray) -> bool:
    """True when ``twt_ns = 0`` is known to be the road surface.

    That is the case after :func:`roadhealth.processing.time_zero` (its record is in the history)
    or when the user says so with ``attrs["time_zero_at_surface"] = True`` (data aligned by other
    software, or simulated with time zero at the surface).
    """
    if bool(survey.attrs.get("time_zero_at_surface", False)):
        return True
    return any(isinstance(r, dict) and r.get("step") == "time_zero" for r in survey.attrs.get("history", []))


def require(survey: xr.DataArray, step: str, *, surface: bool = True, time_domain: bool = True) -> None:
    """Check a step's preconditions and raise a :class:`ProcessingError` naming what to run first.

    Parameters
    ----------
    surface : bool
        The step needs ``twt_ns = 0`` at the road surface (depth conversion, migration, velocity
        analysis, depth slices).
    time_domain : bool
        The step works on two-way time, not on a depth axis.

    Every step that needs them also needs the header words gone (GSSI scan counters and marks in
    the first samples of every trace are not radar samples); ``time_zero`` removes them.
    """
    src = survey.attrs.get("source") or "this survey"
    if time_domain and survey.attrs.get("domain") == "depth":
        raise ProcessingError(f"{step}: {src} is already on a depth axis (to_depth was run); {step} works on "
                              f"two-way time: run it before to_depth")
    n_header = header_words(survey)
    if n_header:
        raise ProcessingError(f"{step}: the first {n_header} samples of every trace of {src} are header words "
                              f"(attrs['header_words'] = {n_header}), not radar samples: run time_zero first "
                              f"(survey.rh.time_zero() or roadhealth.processing.apply(survey)), which removes them")
    if surface and not time_zero_at_surface(survey):
        raise ProcessingError(f"{step}: twt_ns = 0 is not the road surface of {src} yet (no time_zero in its "
                              f"history): run time_zero first (survey.rh.time_zero() or "
                              f"roadhealth.processing.apply(survey)); if it already is (aligned by other "
                              f"software), set survey.attrs['time_zero_at_surface'] = True")


def samples_from_ns(value_ns: float, dt_ns: float, name: str, *, minimum: int = 1,
                    maximum: int | None = None, odd: bool = False) -> int:
    """Convert a duration in ns to a whole number of samples, checking the range.

    Parameters
    ----------
    value_ns : float
        Duration, ns.
    dt_ns : float
        Sample interval, ns.
    name : str
        Parameter name, for the error message.
    minimum, maximum : int
        Allowed range of the result (inclusive).
    odd : bool
        Round up to an odd number (centred windows).
    """
    v = check_positive(value_ns, name)
    n = round(v / float(dt_ns))
    if odd and n % 2 == 0:
        n += 1
    if n < minimum or (maximum is not None and n > maximum):
        hi = "" if maximum is None else f" and <= {maximum} samples ({maximum * dt_ns:g} ns)"
        raise ProcessingError(
            f"{name}={value_ns!r} ns is {n} samples at dt_ns={dt_ns:g}; expected >= {minimum} samples{hi}"
        )
    return n


def check_positive(value: Any, name: str) -> float:
    """Return ``float(value)`` or raise ProcessingError unless it is a positive finite number."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ProcessingError(f"{name} must be a positive number; got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ProcessingError(f"{name} must be a positive finite number; got {value!r}")
    return v


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Raise ProcessingError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ProcessingError(f"{name} must be one of {choices}; got {value!r}")
    return value


def is_auto(value: Any) -> bool:
    """True for the recipe keyword ``"auto"`` (and None)."""
    return value is None or (isinstance(value, str) and value.lower() == "auto")


# --------------------------------------------------------------------------------------------------
# analytic signal and envelope (the one implementation; attributes, time zero, velocity, slices)
# --------------------------------------------------------------------------------------------------

def analytic_spectrum(x: np.ndarray, *, pad: bool = True) -> tuple[np.ndarray, int]:
    """One-sided spectrum of the analytic signal of ``x`` along the last axis, and its FFT length.

    ``full[..., k]`` is twice the spectrum of ``x`` for positive frequencies, the DC (and Nyquist)
    bins once, 0 for negative frequencies; ``ifft(full)[..., :n]`` is the analytic signal. With
    ``pad=True`` the FFT is zero-padded to about twice the trace length, so the strong early part
    of a trace does not wrap around onto its weak end (the FFT Hilbert transform is circular).
    The one implementation behind :func:`analytic_signal`, the envelope and the instantaneous
    attributes.
    """
    n = x.shape[-1]
    m = sfft.next_fast_len(2 * n, real=True) if pad else n
    spec = sfft.rfft(x, n=m, axis=-1)
    full = np.zeros((*x.shape[:-1], m), dtype=spec.dtype)
    full[..., : m // 2 + 1] = spec
    full[..., 1:(m + 1) // 2] *= 2
    return full, m


def analytic_signal(x: np.ndarray, *, pad: bool = True) -> np.ndarray:
    """Analytic signal ``x + i H[x]`` along the last axis (complex64 for float32 input).

    As :func:`scipy.signal.hilbert`, but keeps single precision and, with ``pad=True``, zero-pads
    the FFT (see :func:`analytic_spectrum`).
    """
    n = x.shape[-1]
    full, _ = analytic_spectrum(x, pad=pad)
    z = sfft.ifft(full, axis=-1, overwrite_x=True)
    return z[..., :n]


def envelope_kernel(x: np.ndarray, *, pad: bool = False) -> np.ndarray:
    """Envelope ``|x + i H[x]|`` along the last axis of a numpy array, in the float dtype of ``x``
    (float32 for integer input).

    The Hilbert transform ``H[x]`` comes from one real FFT pair (``-i sign(f)`` on the rfft),
    the cheap form of ``|analytic_signal(x)|``: circular over the trace (``pad=False``, as
    :func:`scipy.signal.hilbert`) or over a zero-padded length of about twice the trace
    (``pad=True``: no wrap-around of the trace's end onto its start).
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    n = x.shape[-1]
    m = sfft.next_fast_len(2 * n, real=True) if pad else n
    spec = sfft.rfft(x, n=m, axis=-1)
    spec *= -1j
    spec[..., 0] = 0
    if m % 2 == 0:
        spec[..., -1] = 0
    h = sfft.irfft(spec, n=m, axis=-1, overwrite_x=True)[..., :n]
    h = np.array(h, dtype=x.dtype, copy=not pad)  # a contiguous float array of its own
    h *= h
    h += x * x
    return np.sqrt(h, out=h)


def envelope_array(data: Any, *, pad: bool = False) -> Any:
    """:func:`envelope_kernel` on numpy data, or block by block (whole traces) on dask data."""
    if is_dask(data):
        data = data.rechunk({data.ndim - 1: -1})
        return data.map_blocks(envelope_kernel, pad=pad, dtype=result_dtype(data.dtype))
    return envelope_kernel(data, pad=pad)


# --------------------------------------------------------------------------------------------------
# frequency of the antenna
# --------------------------------------------------------------------------------------------------

def centre_frequency_mhz(survey: xr.DataArray) -> float:
    """Centre frequency of the survey's antenna, MHz.

    ``attrs["antenna_mhz"]`` when present and positive; else ``attrs["centre_mhz_estimate"]`` (set by
    :func:`roadhealth.processing.apply` once per run); else estimated from the data with
    :func:`estimate_centre_frequency_mhz`.
    """
    for key in ("antenna_mhz", "centre_mhz_estimate"):
        v = survey.attrs.get(key)
        if v is not None:
            try:
                f = float(v)
            except (TypeError, ValueError):
                continue
            if math.isfinite(f) and f > 0:
                return f
    return estimate_centre_frequency_mhz(survey)


#: Centre the spectral window on the strongest arrival even at the record's ends (zero padding).
CENTRED_WINDOW = True


def estimate_centre_frequency_mhz(survey: xr.DataArray, *, max_traces: int = 64,
                                  floor_mhz: float = 50.0) -> float:
    """Estimate the dominant frequency of the radar wavelet, MHz.

    Up to ``max_traces`` evenly spaced traces per channel are read (only those are computed for a
    dask survey). In each, a window of an eighth of the trace (at least 32 samples) around the
    strongest arrival (the direct wave / surface reflection: the cleanest copy of the wavelet,
    where low-frequency wow and late noise weigh least) is detrended, tapered and zero-padded
    to the trace length; the peak of the mean amplitude spectrum above ``floor_mhz`` (below it
    lives drift, not road-radar signal) is returned, refined by a parabola through the peak bin
    and its neighbours.
    """
    from scipy.signal import detrend

    n_trace = survey.sizes["trace"]
    idx = np.unique(np.linspace(0, n_trace - 1, min(max_traces, n_trace)).round().astype(int))
    x = np.asarray(survey.isel(trace=idx).values, dtype=np.float64).reshape(-1, survey.sizes["sample"])
    x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    x[:, : header_words(survey)] = 0.0
    n = x.shape[-1]
    if n < 8:
        raise ProcessingError(f"cannot estimate the centre frequency from {n} samples per trace")
    x = x - x.mean(axis=-1, keepdims=True)
    w = min(n, max(32, n // 8))
    centre = np.argmax(np.abs(x), axis=-1)
    if CENTRED_WINDOW:
        # the window centred on the strongest arrival even where that lies near an end of the
        # record (zeros beyond it): a record cut in its first arrival (time-zeroed at the direct
        # wave's first break or peak) would otherwise have the taper's edge on the arrival
        x = np.pad(x, ((0, 0), (w // 2, w - w // 2)))
        start = centre  # (the padding moved every sample w // 2 on)
    else:
        start = np.clip(centre - w // 2, 0, n - w)
    win = np.take_along_axis(x, start[:, None] + np.arange(w), axis=-1)
    win = detrend(win, axis=-1) * np.hanning(w)
    spec = np.abs(np.fft.rfft(win, n=n, axis=-1)).mean(axis=0)
    freqs = np.fft.rfftfreq(n, float(survey.attrs["dt_ns"])) * 1000.0  # MHz
    lo = max(1, int(np.searchsorted(freqs, floor_mhz)))
    if lo >= len(spec) - 1:
        raise ProcessingError(f"cannot estimate the centre frequency: no spectrum above {floor_mhz} MHz")
    k = lo + int(np.argmax(spec[lo:]))
    if 0 < k < len(spec) - 1:
        a, b, c = spec[k - 1], spec[k], spec[k + 1]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if denom != 0 else 0.0
    else:
        shift = 0.0
    f = float(freqs[k] + shift * (freqs[1] - freqs[0]))
    if not (f > 0 and math.isfinite(f)):
        raise ProcessingError("could not estimate the centre frequency: the data have no spectral peak")
    return f


def trace_spacing_m(survey: xr.DataArray) -> float:
    """Median along-track trace spacing, m (from ``distance_m``)."""
    d = np.asarray(survey.coords["distance_m"].values, dtype=float)
    if d.shape[-1] < 2:
        raise ProcessingError("need at least 2 traces to know the trace spacing")
    step = np.median(np.abs(np.diff(d, axis=-1)))
    if not (step > 0):
        raise ProcessingError("distance_m does not advance (median trace spacing is 0 m)")
    return float(step)


def traces_from_window(survey: xr.DataArray, window_m: Any, window_traces: Any, step: str) -> int:
    """Resolve a moving-window length given in metres or in traces to a number of traces (odd)."""
    if window_m is not None and window_traces is not None:
        raise ProcessingError(f"{step}: give window_m or window_traces, not both")
    if window_m is not None:
        w = check_positive(window_m, "window_m")
        n = round(w / trace_spacing_m(survey))
    else:
        n = window_traces
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise ProcessingError(f"{step}: window_traces must be an integer; got {n!r}")
        n = int(n)
    n = max(n, 1)
    if n % 2 == 0:
        n += 1
    if n < 3:
        raise ProcessingError(f"{step}: the moving window must span at least 3 traces; got {n}")
    return n


# --------------------------------------------------------------------------------------------------
# dispatch
# --------------------------------------------------------------------------------------------------

def _prepare(x: np.ndarray, dtype: np.dtype, n_header: int) -> np.ndarray:
    """A fresh float copy of a block with the header words zeroed (kernels may write into it).

    Non-finite samples (NaN marks "no data", e.g. below the record after :func:`to_depth`) become
    0, the usual convention of GPR processing: otherwise one NaN would spread along its trace
    through every FFT and across the background-removal window to its neighbours.
    """
    y = np.array(x, dtype=dtype, copy=True)
    if not np.isfinite(y).all():
        np.nan_to_num(y, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    if n_header:
        y[..., :n_header] = 0
    return y


def _in_memory(block: Callable[[Any], np.ndarray], data: Any) -> np.ndarray:
    """Run a kernel on an in-memory survey with the FFT threads the thread policy allows.

    An in-memory survey is one block: in the main thread its FFTs may use the whole budget
    (``ROADHEALTH_NUM_THREADS`` or every CPU), in a batch worker thread or a dask task one thread
    (:func:`roadhealth._threads.fft_workers`), so batch runs never oversubscribe the machine.
    """
    from roadhealth._threads import fft_workers

    with sfft.set_workers(fft_workers()):
        return block(np.asarray(data))


def _block_kernel(survey: xr.DataArray, func: Callable[..., np.ndarray], kwargs: dict[str, Any]
                  ) -> tuple[np.dtype, Callable[[Any], np.ndarray]]:
    """(output dtype, ``block(x) = func(prepared copy of x, **kwargs)``) for a survey's blocks.

    The header words are zero on the way in and on the way out: a filter's response must not
    leave values in the samples that stand for GSSI scan counters and marks (``header_words``
    stays on the result, and a DZT writer would store them there).
    """
    dtype = result_dtype(survey.dtype)
    n_header = header_words(survey)

    def block(x):
        out = func(_prepare(x, dtype, n_header), **kwargs)
        if n_header and out.shape[-1] == x.shape[-1]:
            out[..., :n_header] = 0
        return out

    return dtype, block


def apply_along_samples(
    survey: xr.DataArray,
    func: Callable[..., np.ndarray],
    *,
    n_sample_out: int | None = None,
    **kwargs: Any,
) -> Any:
    """Run a kernel that looks only along the sample axis, on numpy or dask data.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        Input survey; numpy- or dask-backed.
    func : callable
        ``func(block, **kwargs) -> ndarray`` where ``block`` is a fresh float copy (the kernel may
        modify it in place) of shape (n_channel_block, n_trace_block, n_sample) with the header
        words (``attrs["header_words"]``) set to zero. Must return an array of the same shape
        (or with ``n_sample_out`` samples) and the same dtype.
    n_sample_out : int, optional
        Number of output samples, if the kernel changes it.

    Returns
    -------
    numpy.ndarray or dask.array.Array
        The new data (not a DataArray), of dtype :func:`result_dtype`.
    """
    data = survey.data
    dtype, block = _block_kernel(survey, func, kwargs)
    if is_dask(data):
        data = data.rechunk({2: -1})
        chunks = None
        if n_sample_out is not None:
            chunks = (data.chunks[0], data.chunks[1], (int(n_sample_out),))
        return data.map_blocks(block, dtype=dtype, chunks=chunks)
    return _in_memory(block, data)


def apply_along_traces(
    survey: xr.DataArray,
    func: Callable[..., np.ndarray],
    depth_traces: int,
    *,
    multiple: int = 1,
    **kwargs: Any,
) -> Any:
    """Run a kernel that looks across neighbouring traces (and possibly samples), numpy or dask.

    For dask data the sample axis is made one chunk and ``map_overlap`` gives every block a halo of
    ``depth_traces`` traces on each side (none beyond the ends of the survey: the kernel's own edge
    handling applies there, as in memory), so results equal the in-memory run.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    func : callable
        ``func(block, **kwargs) -> ndarray`` of the same shape and dtype; ``block`` is a fresh float
        copy with header words zeroed.
    depth_traces : int
        How far (in traces) the kernel looks to either side: at least half its window.
    multiple : int
        For kernels that work on blocks of traces counted from the start of what they are given
        (:func:`roadhealth.processing.filters.running_median`): chunk starts and the halo are made
        multiples of this, so every dask block sees the same block grid as the whole survey.
    """
    data = survey.data
    dtype, block = _block_kernel(survey, func, kwargs)
    if is_dask(data):
        multiple = max(1, int(multiple))
        depth = int(min(max(depth_traces, 0), max(survey.sizes["trace"] - 1, 0)))
        depth = -(-depth // multiple) * multiple
        data = data.rechunk({2: -1})
        if depth == 0 or len(data.chunks[1]) == 1:
            return data.map_blocks(block, dtype=dtype)
        # every chunk must be at least as long as the halo, and start at a multiple of `multiple`
        n_trace = survey.sizes["trace"]
        if depth >= n_trace:
            return data.rechunk({1: -1}).map_blocks(block, dtype=dtype)
        chunks = data.chunks[1]
        if min(chunks) < depth or any(c % multiple for c in chunks[:-1]):
            size = -(-max(depth, max(chunks)) // multiple) * multiple
            sizes = [size] * (n_trace // size)
            rest = n_trace - sum(sizes)
            if rest and rest < depth and sizes:  # a short tail joins the chunk before it
                sizes[-1] += rest
            elif rest:
                sizes.append(rest)
            data = data.rechunk({1: tuple(sizes)})
        return data.map_overlap(block, depth={0: 0, 1: depth, 2: 0}, boundary="none",
                                dtype=dtype, trim=True)
    return _in_memory(block, data)


def finish(survey: xr.DataArray, data: Any, step: str, params: dict[str, Any],
           *, coords: dict[str, Any] | None = None, attrs: dict[str, Any] | None = None
           ) -> xr.DataArray:
    """Wrap new data in a copy of ``survey`` (same coords and attrs), then record the step."""
    from roadhealth.survey import history_record

    # one shallow copy (coords are shared, never written in place); new attrs and history list
    out = survey.copy(deep=False, data=data)
    for name, value in (coords or {}).items():
        out.coords[name] = value
    new_attrs = dict(survey.attrs)
    if attrs:
        new_attrs.update(attrs)
    new_attrs["history"] = [*survey.attrs.get("history", []), history_record(step, **params)]
    out.attrs = new_attrs
    return out
