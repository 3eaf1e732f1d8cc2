"""Time-zero correction: pick the first break (or the road-surface reflection) and align traces.

The pick of each trace is the first time its envelope (magnitude of the analytic signal, after
removing the trace mean) rises through ``threshold`` times the trace's envelope maximum, refined
to a fraction of a sample by linear interpolation between the samples either side of the crossing.
A threshold on the *normalised envelope* is insensitive to the polarity and the amplitude of the
wavelet and, as long as the noise before the first break stays below the threshold, to noise.

With an air-coupled antenna the first arrival is the direct wave (transmitter to receiver through
the air) and the road surface reflects later; ``pick="surface"`` skips ``skip_ns`` after the first
break and picks the next rise through the threshold (relative to the maximum after the skip).

Every trace is then shifted so its pick lands at ``twt_ns = 0`` (after ``pre_ns`` of air kept
above it): a per-trace gather with linear interpolation (or nearest sample, or an FFT phase shift),
vectorised over all traces and channels. ``twt_ns`` becomes ``-pre_ns + dt_ns * arange(n_sample)``.
GSSI header words (``attrs["header_words"]`` leading samples that are not radar samples) are set
to zero, never picked, never shifted into the data; the output has ``header_words = 0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.fft as sfft
import xarray as xr

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    apply_along_samples,
    centre_frequency_mhz,
    check_choice,
    check_survey,
    envelope_kernel,
    finish,
    header_words,
    is_auto,
    is_dask,
    result_dtype,
)

__all__ = ["pick_time_zero", "time_zero"]


def _first_above(env: np.ndarray, thr: np.ndarray) -> np.ndarray:
    """Fractional sample index where ``env`` first reaches ``thr`` (all earlier samples are below).

    env: (..., n); thr: (..., 1). Returns (...,) float64; NaN where ``env`` never reaches ``thr``.
    """
    above = env >= thr
    i = np.argmax(above, axis=-1)
    has = np.take_along_axis(above, i[..., None], -1)[..., 0]
    return _refine(env, thr, i, has, i > 0)


def _first_rise(env: np.ndarray, thr: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Fractional sample index where ``env`` first *rises* through ``thr`` at or after ``start``.

    A rise is a sample at or above ``thr`` whose predecessor is below it, or the sample ``start``
    itself. env: (..., n); thr, start: (..., 1). Returns (...,) float64; NaN where there is none.
    """
    n = env.shape[-1]
    k = np.arange(n)
    above = env >= thr
    rise = above & (k >= start)
    rise[..., 1:] &= ~above[..., :-1] | (k[1:] == start)
    has = rise.any(axis=-1)
    i = np.argmax(rise, axis=-1)
    return _refine(env, thr, i, has, i > start[..., 0])


def _refine(env, thr, i, has, interpolate):
    """Linear interpolation of the crossing between samples i-1 and i where ``interpolate``."""
    i_prev = np.maximum(i - 1, 0)
    e1 = np.take_along_axis(env, i[..., None], -1)[..., 0].astype(np.float64)
    e0 = np.take_along_axis(env, i_prev[..., None], -1)[..., 0].astype(np.float64)
    t = thr[..., 0].astype(np.float64)
    ok = interpolate & (e1 > e0)
    frac = np.clip((t - e0) / np.where(ok, e1 - e0, 1.0), 0.0, 1.0)
    pick = np.where(ok, i_prev + frac, i.astype(np.float64))
    return np.where(has, pick, np.nan)


def _peak_after(env: np.ndarray, pick: np.ndarray, width: int) -> np.ndarray:
    """Fractional index of the envelope maximum in ``[pick, pick + width]`` (parabolic refinement).

    env: (..., n); pick: (...,) float (finite). Vectorised: one gather of ``width + 1`` samples per
    trace, no loop.
    """
    n = env.shape[-1]
    start = np.floor(pick).astype(np.intp)
    k = np.clip(start[..., None] + np.arange(width + 1), 0, n - 1)
    win = np.take_along_axis(env, k, -1).astype(np.float64)
    j = np.argmax(win, axis=-1)
    i = np.take_along_axis(k, j[..., None], -1)[..., 0]
    im, ip = np.clip(i - 1, 0, n - 1), np.clip(i + 1, 0, n - 1)
    ym = np.take_along_axis(env, im[..., None], -1)[..., 0].astype(np.float64)
    y0 = np.take_along_axis(env, i[..., None], -1)[..., 0].astype(np.float64)
    yp = np.take_along_axis(env, ip[..., None], -1)[..., 0].astype(np.float64)
    den = ym - 2 * y0 + yp
    frac = np.where((den < 0) & (i > 0) & (i < n - 1), 0.5 * (ym - yp) / np.where(den < 0, den, -1.0), 0.0)
    return i + np.clip(frac, -0.5, 0.5)


def _pick_kernel(x: np.ndarray, *, threshold: float, n_header: int, skip: float | None,
                 search: int | None, peak_width: int | None = None) -> np.ndarray:
    """Fractional pick index per trace, shape (..., ) float64.

    ``peak_width`` (samples): move each threshold crossing (the onset of the wavelet) to the peak
    of the envelope within that many samples after it (the reflection time of the surface).
    """
    n = x.shape[-1]
    y = x - x[..., n_header:].mean(axis=-1, keepdims=True, dtype=np.float64).astype(x.dtype)
    y[..., :n_header] = 0
    env = envelope_kernel(y)
    env[..., :n_header] = 0
    if search is not None:
        env[..., search:] = 0
    thr = threshold * env.max(axis=-1, keepdims=True)
    pick = _first_above(env, thr)  # header words are zero: never above
    if skip is not None:
        s = np.nan_to_num(pick, nan=float(n)) + skip
        start = np.minimum(np.ceil(s), n - 1).astype(int)[..., None]
        masked = np.where(np.arange(n) >= start, env, 0)
        thr = threshold * masked.max(axis=-1, keepdims=True)
        pick = _first_rise(env, thr, start)
    found = np.isfinite(pick)
    if peak_width:
        pick = np.where(found, _peak_after(env, np.where(found, pick, 0.0), peak_width), pick)
    # no rise at all (dead trace): leave it where it is
    return np.where(found, pick, float(n_header))


def _shift_kernel(x: np.ndarray, shift: np.ndarray, n_header: int, interpolation: str) -> np.ndarray:
    """out[..., k] = x[..., k + shift] (shift in samples, one per trace), edge samples repeated.

    x: (c, t, n) float; shift: (c, t) float64. The integer part of each shift selects a whole row
    of a sliding-window view of the edge-padded traces (a row copy per trace, no per-sample index
    arrays); the fractional part is applied per trace by linear interpolation between two such
    rows, or by an FFT phase ramp.
    """
    n = x.shape[-1]
    shift = np.clip(np.nan_to_num(shift), -(n - 1), n - 1)
    if interpolation == "fft":
        m = sfft.next_fast_len(2 * n, real=True)
        # fill beyond the data with the edge values, avoiding steps at the ends
        ext = np.empty((*x.shape[:-1], m), dtype=x.dtype)
        ext[..., :n] = x
        ext[..., n:n + (m - n) // 2] = x[..., -1:]
        ext[..., n + (m - n) // 2:] = x[..., n_header:n_header + 1]
        ext[..., :n_header] = x[..., n_header:n_header + 1]
        spec = sfft.rfft(ext, axis=-1)
        f = np.fft.rfftfreq(m)
        spec *= np.exp(2j * np.pi * f * shift[..., None]).astype(spec.dtype)
        y = sfft.irfft(spec, n=m, axis=-1)[..., :n]
        return np.ascontiguousarray(y, dtype=x.dtype)
    # edge-padded copy, padded only as far as this block's shifts reach: `lo` samples of
    # x[n_header] before the data (and over the header words), `hi` of x[-1] after it
    i0 = np.floor(shift) if interpolation == "linear" else np.rint(shift)
    lo = max(n_header, int(-i0.min(initial=0)))
    hi = max(0, int(i0.max(initial=0))) + 1
    pad = np.empty((*x.shape[:-1], lo + n + hi), dtype=x.dtype)
    pad[..., :lo + n_header] = x[..., n_header:n_header + 1]
    pad[..., lo + n_header:lo + n] = x[..., n_header:]
    pad[..., lo + n:] = x[..., -1:]
    rows = np.lib.stride_tricks.sliding_window_view(pad, n, axis=-1)  # (c, t, lo+hi+1, n) view
    ci, ti = np.indices(x.shape[:-1], sparse=True)
    k = i0.astype(np.intp) + lo
    if interpolation == "nearest":
        return rows[ci, ti, k]
    w = (shift - i0).astype(x.dtype)[..., None]
    a = rows[ci, ti, k]
    b = rows[ci, ti, k + 1]
    b -= a
    b *= w
    a += b
    return a


def _check(threshold, pick, interpolation, survey):
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ProcessingError(f"time_zero: threshold must be a number in (0, 1); got {threshold!r}") from None
    if not 0 < threshold < 1:
        raise ProcessingError(
            f"time_zero: threshold is a fraction of the trace's envelope maximum, in (0, 1); got {threshold!r}"
        )
    check_choice(pick, "time_zero pick", ("first", "surface"))
    check_choice(interpolation, "time_zero interpolation", ("linear", "nearest", "fft"))
    return threshold


def _skip_samples(survey, pick, skip_ns) -> tuple[float | None, float | None]:
    if pick != "surface":
        return None, None
    if is_auto(skip_ns):
        skip_ns = 1500.0 / centre_frequency_mhz(survey)  # 1.5 periods: the direct wavelet
    try:
        skip_ns = float(skip_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"time_zero: skip_ns must be a number of ns; got {skip_ns!r}") from None
    if not skip_ns > 0:
        raise ProcessingError(f"time_zero: skip_ns must be > 0 ns; got {skip_ns!r}")
    return skip_ns, skip_ns / float(survey.attrs["dt_ns"])


def _peak_width(survey, reference: str) -> int | None:
    """Samples searched after the onset for the envelope peak: one antenna period."""
    check_choice(reference, "time_zero reference", ("peak", "onset"))
    if reference == "onset":
        return None
    return max(1, int(np.ceil(1000.0 / centre_frequency_mhz(survey) / float(survey.attrs["dt_ns"]))))


def _search_samples(survey, search_ns) -> int | None:
    if search_ns is None:
        return None
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    return int(np.searchsorted(t, float(search_ns), side="right"))


def pick_time_zero(
    survey: xr.DataArray,
    *,
    threshold: float = 0.2,
    pick: str = "first",
    skip_ns: float | str = "auto",
    search_ns: float | None = None,
    reference: str = "peak",
) -> xr.DataArray:
    """Two-way time of the first break (or surface reflection) of every trace, ns.

    Parameters are those of :func:`time_zero`.

    Returns
    -------
    xarray.DataArray, dims (channel, trace), float64
        Pick times in the input's ``twt_ns`` frame, ns (lazy for dask input).
    """
    check_survey(survey, "pick_time_zero")
    threshold = _check(threshold, pick, "linear", survey)
    _, skip = _skip_samples(survey, pick, skip_ns)
    n_header = header_words(survey)
    search = _search_samples(survey, search_ns)
    data = survey.data
    dtype = result_dtype(data.dtype)
    kw = dict(threshold=threshold, n_header=n_header, skip=skip, search=search,
              peak_width=_peak_width(survey, reference))

    def block(x):
        return _pick_kernel(np.asarray(x, dtype=dtype), **kw)

    if is_dask(data):
        data = data.rechunk({2: -1})
        picks = data.map_blocks(block, drop_axis=2, dtype=np.float64)
    else:
        picks = block(np.asarray(data))
    t0 = float(survey.coords["twt_ns"].values[0])
    dt = float(survey.attrs["dt_ns"])
    coords = {k: v for k, v in survey.coords.items() if set(v.dims) <= {"channel", "trace"}}
    return xr.DataArray(picks * dt + t0, dims=("channel", "trace"), coords=coords, name="time_zero_ns",
                        attrs={"units": "ns"})


def time_zero(
    survey: xr.DataArray,
    *,
    threshold: float = 0.2,
    pick: str = "first",
    skip_ns: float | str = "auto",
    search_ns: float | None = None,
    pre_ns: float = 0.0,
    interpolation: str = "linear",
    reference: str = "peak",
    surface_delay_ns: float = 0.0,
) -> xr.DataArray:
    """Align every trace on its first break (or surface reflection) and set ``twt_ns = 0`` there.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    threshold : float
        Fraction (0-1) of the trace's envelope maximum that marks the first break. 0.1-0.3 suits
        ground-coupled and air-coupled road antennas; raise it for noisy data.
    pick : {"first", "surface"}
        "first": the first arrival (ground-coupled: the surface; air-coupled: the direct wave).
        "surface": the first rise after ``skip_ns`` past the first arrival (air-coupled antennas:
        the road-surface reflection).
    skip_ns : float or "auto"
        How long after the first arrival to ignore when ``pick="surface"``, ns. "auto": 1.5
        antenna periods (``1500 / antenna_mhz``).
    search_ns : float, optional
        Only look for the pick before this two-way time (input frame), ns.
    pre_ns : float
        Time kept above the pick, ns (>= 0): output ``twt_ns`` starts at ``-pre_ns``.
    reference : {"peak", "onset"}
        What ``twt_ns = 0`` marks. "peak": the envelope maximum of the picked wavelet (within one
        antenna period after the threshold crossing), i.e. the reflection time of the surface, so
        that depths measured from 0 are depths below the road surface. "onset": the threshold
        crossing itself (the start of the wavelet, about half a period earlier).
    surface_delay_ns : float
        Two-way time from the picked arrival to the road surface, ns, added to every pick. With a
        ground-coupled antenna the first (and strongest) arrival is the direct wave from
        transmitter to receiver, which overlaps the surface reflection and precedes it by about
        ``2 h / c`` for an antenna ``h`` above the road (0.33 ns at 5 cm); give that antenna
        constant here so depths are measured from the road surface. Default 0.
    interpolation : {"linear", "nearest", "fft"}
        How traces are shifted by fractions of a sample: linear interpolation between the two
        nearest samples, the nearest sample, or an exact band-limited FFT phase shift (slower).
        Samples shifted in from beyond the record repeat the edge sample.

    Returns
    -------
    xarray.DataArray
        Same shape; float32 (float64 for float64 input); ``twt_ns`` restarted at ``-pre_ns``;
        ``attrs["header_words"] = 0``.
    """
    check_survey(survey, "time_zero")
    threshold = _check(threshold, pick, interpolation, survey)
    skip_ns, skip = _skip_samples(survey, pick, skip_ns)
    try:
        pre_ns = float(pre_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"time_zero: pre_ns must be a number of ns; got {pre_ns!r}") from None
    dt = float(survey.attrs["dt_ns"])
    n = survey.sizes["sample"]
    if not 0 <= pre_ns < n * dt:
        raise ProcessingError(f"time_zero: pre_ns must be in [0, {n * dt:g}) ns; got {pre_ns!r}")
    n_header = header_words(survey)
    search = _search_samples(survey, search_ns)
    peak_width = _peak_width(survey, reference)
    try:
        surface_delay_ns = float(surface_delay_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"time_zero: surface_delay_ns must be a number of ns; got {surface_delay_ns!r}") from None
    pre = (pre_ns - surface_delay_ns) / dt

    def kernel(x):
        p = _pick_kernel(x, threshold=threshold, n_header=n_header, skip=skip, search=search,
                         peak_width=peak_width)
        return _shift_kernel(x, p - pre, n_header, interpolation)

    data = apply_along_samples(survey, kernel)
    twt = -pre_ns + dt * np.arange(n)
    params: dict[str, Any] = {"threshold": threshold, "pick": pick}
    if pick == "surface":
        params["skip_ns"] = skip_ns
    params.update({"search_ns": search_ns, "pre_ns": pre_ns, "interpolation": interpolation,
                   "reference": reference, "surface_delay_ns": surface_delay_ns})
    return finish(survey, data, "time_zero", params, coords={"twt_ns": ("sample", twt)},
                  attrs={"header_words": 0})
