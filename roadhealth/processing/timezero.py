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
    centre_frequency_mhz,
    check_choice,
    check_positive,
    check_survey,
    envelope_kernel,
    finish,
    header_words,
    is_auto,
    is_dask,
    parabolic_peak,
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
    return parabolic_peak(env, np.take_along_axis(k, j[..., None], -1)[..., 0])


#: Shortest quiet lead-in (samples) whose mean replaces the trace median as the first-break level,
#: and the smallest offset (fraction of the trace's maximum) for which it does.
LEAD_IN_MIN_SAMPLES = 4
LEAD_IN_MIN_OFFSET = 0.05


def _level_lead_in(y: np.ndarray, n_header: int) -> bool:
    """Subtract, in place, the mean of each trace's quiet lead-in where it has one (True if any was
    levelled): the first half
    of the samples (after the header words) before the first value reaching a quarter of the
    trace's maximum, when that is at least :data:`LEAD_IN_MIN_SAMPLES` long and its mean is off
    by more than :data:`LEAD_IN_MIN_OFFSET` of the maximum (a fast-model trace with a slow wow:
    the median 0.11 of the maximum above the quiet start, whose edge at the first sample was
    picked as the first break)."""
    body = y[..., n_header:]
    a = np.abs(body)
    first = np.argmax(a >= 0.25 * a.max(axis=-1, keepdims=True), axis=-1)
    lead = first // 2
    ok = lead >= LEAD_IN_MIN_SAMPLES
    if not ok.any():
        return False
    cs = np.cumsum(body, axis=-1, dtype=np.float64)
    level = np.take_along_axis(cs, np.maximum(lead - 1, 0)[..., None], -1)[..., 0] / np.maximum(lead, 1)
    # only an offset that could reach the pick threshold (0.1-0.3 of the envelope peak) is removed:
    # a lead-in of noise about the median is left as it is
    ok &= np.abs(level) > LEAD_IN_MIN_OFFSET * a.max(axis=-1)
    y -= np.where(ok, level, 0.0)[..., None].astype(y.dtype)
    return bool(ok.any())


def _pick_kernel(x: np.ndarray, *, threshold: float, n_header: int, skip: float | None,
                 search: int | None, peak_width: int | None = None, window: int | None = None,
                 copy: bool = True) -> np.ndarray:
    """Fractional pick index per trace, shape (..., ) float64; NaN where a trace has no arrival.

    The trace's DC level is its median (a radar trace oscillates about it; the mean is pulled by
    the strong first lobes), and the header words continue the first radar sample, so neither a
    DC step nor the header words make an envelope edge that could be picked. The envelope is
    taken with zero padding, so the strong early part of the trace does not wrap onto its end
    and the end onto the start. ``peak_width`` (samples): move each threshold crossing (the onset
    of the wavelet) to the peak of the envelope within that many samples after it (the
    reflection time of the surface). ``window`` (samples): compute the envelope over the first
    ``window`` samples only (:func:`_pick_window`). ``copy=False``: ``x`` is a float working copy
    the kernel may overwrite.
    """
    y = np.asarray(x, dtype=np.float32 if x.dtype != np.float64 else np.float64)
    if (copy and np.may_share_memory(y, x)) or not y.flags.writeable:
        y = y.copy()
    body = y[..., n_header:]
    k = (body.shape[-1] - 1) // 2  # the median by one partition (np.median is slower)
    if body.shape[-1] % 2:
        dc = np.partition(body, k, axis=-1)[..., k:k + 1]
    else:  # the two middle values: the (k+1)-th by a partition, the k-th as the largest below it
        # (one kth: numpy's partition with a tuple of kth is several times slower)
        part = np.partition(body, k + 1, axis=-1)
        dc = 0.5 * (part[..., :k + 1].max(axis=-1, keepdims=True) + part[..., k + 1:k + 2])
    y -= dc
    if n_header:
        y[..., :n_header] = y[..., n_header:n_header + 1]
    pick = _break_picks(y, threshold=threshold, n_header=n_header, skip=skip, search=search,
                        peak_width=peak_width, window=window)
    # a quiet lead-in sits at its own level, which the median (pulled by a slow one-signed tail:
    # wow, a DC drift) may miss: its offset then makes an envelope edge at the first sample, which
    # is picked. Such traces are picked again with their lead-in's mean as the level
    early = np.isfinite(pick) & (pick <= n_header + 1)
    if early.any():
        again = y[early]
        if _level_lead_in(again, n_header):
            pick[early] = _break_picks(again, threshold=threshold, n_header=n_header, skip=skip,
                                       search=search, peak_width=peak_width, window=window)
    return pick


def _break_picks(y: np.ndarray, *, threshold: float, n_header: int, skip: float | None, search: int | None,
                 peak_width: int | None, window: int | None) -> np.ndarray:
    """The picks of :func:`_pick_kernel` on traces ``y`` whose level is already removed
    (``y`` may be overwritten)."""
    n = y.shape[-1]
    if search is not None:
        y[..., search:] = 0
    if window is not None and window < n:
        w = int(window)
        env = np.zeros_like(y)
        env[..., :w] = envelope_kernel(np.ascontiguousarray(y[..., :w]), pad=True)
    else:
        env = envelope_kernel(y, pad=True)
    env[..., :n_header] = 0
    if search is not None:
        env[..., search:] = 0
    peak = env.max(axis=-1, keepdims=True)
    thr = threshold * peak
    pick = _first_above(env, thr)  # header words are zero: never above
    if skip is not None:
        s = np.nan_to_num(pick, nan=float(n)) + skip
        start = np.minimum(np.ceil(s), n - 1).astype(int)[..., None]
        masked = np.where(np.arange(n) >= start, env, 0)
        thr = threshold * masked.max(axis=-1, keepdims=True)
        pick = _first_rise(env, thr, start)
    found = np.isfinite(pick) & (peak[..., 0] > 0)
    if peak_width:
        pick = np.where(found, _peak_after(env, np.where(found, pick, 0.0), peak_width), np.nan)
    return np.where(found, pick, np.nan)


def _fill_along_traces(p: np.ndarray, good: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``p`` (channel, trace) over the traces where ``good`` is False.

    Vectorised with running maxima of the indices of good picks (no loop over traces); ends
    repeat the nearest good pick; a channel with no good pick is NaN throughout.
    """
    n = p.shape[-1]
    idx = np.broadcast_to(np.arange(n), p.shape)
    prev = np.maximum.accumulate(np.where(good, idx, -1), axis=-1)
    nxt = np.minimum.accumulate(np.where(good, idx, n)[..., ::-1], axis=-1)[..., ::-1]
    has_prev, has_next = prev >= 0, nxt < n
    vp = np.take_along_axis(p, np.clip(prev, 0, n - 1), -1)
    vn = np.take_along_axis(p, np.clip(nxt, 0, n - 1), -1)
    w = np.where(has_prev & has_next, (idx - prev) / np.maximum(nxt - prev, 1), 0.0)
    out = np.where(has_prev, vp + w * (vn - vp), vn)
    out = np.where(has_prev | has_next, out, np.nan)
    return np.where(good, p, out)


def _running_median(p: np.ndarray, window: int) -> np.ndarray:
    """Running median of ``window`` (odd) picks along the last axis, ends repeated: the values of
    ``scipy.ndimage.median_filter(p, size=(1, window), mode="nearest")``, by one partition of a
    sliding-window view (median_filter's rank filter is several times slower on short rows)."""
    h = window // 2
    ext = np.pad(p, [(0, 0)] * (p.ndim - 1) + [(h, h)], mode="edge")
    win = np.lib.stride_tricks.sliding_window_view(ext, window, axis=-1)
    return np.partition(win, h, axis=-1)[..., h]


def clean_picks(picks: np.ndarray, *, tolerance: float, window: int = 21, iterations: int = 4
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check picks against their neighbours: reject outliers, interpolate over them.

    Parameters
    ----------
    picks : ndarray (channel, trace)
        Raw picks (any unit; NaN = no pick).
    tolerance : float
        A pick further than this from the running median of its ``window`` neighbours (same
        unit) is rejected.
    window : int
        Length of the running median, traces (odd).

    Returns
    -------
    cleaned, rejected, confidence : ndarray (channel, trace)
        Cleaned picks (rejected ones replaced by linear interpolation between the nearest kept
        picks of the same channel, then held within ``tolerance`` of the running median of the
        cleaned series); the rejection mask; a pick confidence in 0..1 (1 - deviation /
        (2 tolerance) for kept picks, 0 for rejected ones).
    """
    p = np.asarray(picks, dtype=np.float64)
    window = max(1, int(window) | 1)
    rejected = ~np.isfinite(p)
    filled = _fill_along_traces(p, ~rejected)
    med = filled
    for _ in range(iterations):
        ok = np.isfinite(filled)
        med = _running_median(np.where(ok, filled, 0.0), window)
        new = rejected | (np.abs(p - med) > tolerance) | ~np.isfinite(p)
        if np.array_equal(new, rejected):
            break
        rejected = new
        filled = _fill_along_traces(p, ~rejected)
    ok = np.isfinite(filled)
    med = _running_median(np.where(ok, filled, 0.0), window)
    cleaned = np.where(ok, np.clip(filled, med - tolerance, med + tolerance), np.nan)
    dev = np.abs(np.where(rejected, 0.0, p) - med)
    confidence = np.where(rejected, 0.0, np.clip(1.0 - dev / (2.0 * tolerance), 0.0, 1.0))
    return cleaned, rejected, confidence


def _shift_kernel(x: np.ndarray, shift: np.ndarray, n_header: int, interpolation: str) -> np.ndarray:
    """out[..., k] = x[..., k + shift] (shift in samples, one per trace).

    x: (c, t, n) float; shift: (c, t) float64. The integer part of each shift selects a whole row
    of a sliding-window view of the padded traces (a row copy per trace, no per-sample index
    arrays); the fractional part is applied per trace by linear interpolation between two such
    rows, or by an FFT phase ramp. Samples taken from beyond the record (or from the header
    words) repeat the edge sample; :func:`time_zero` trims them off.
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
    skip_ns = check_positive(skip_ns, "time_zero: skip_ns (ns)")
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


def _tolerance_ns(survey, max_dev_ns) -> float:
    """Neighbour-check tolerance, ns: "auto" = min(max(1 ns, 2 dt), max(2 dt, a quarter period))."""
    dt = float(survey.attrs["dt_ns"])
    if is_auto(max_dev_ns):
        quarter = 250.0 / centre_frequency_mhz(survey)
        return float(min(max(1.0, 2 * dt), max(2 * dt, quarter)))
    return check_positive(max_dev_ns, "time_zero: max_dev_ns (ns, or 'auto')")


def _window(window_traces) -> int:
    if isinstance(window_traces, bool) or not isinstance(window_traces, (int, np.integer)) or window_traces < 1:
        raise ProcessingError(f"time_zero: window_traces must be a positive integer; got {window_traces!r}")
    return int(window_traces) | 1


def _pick_window(survey, max_traces: int = 256) -> int:
    """Samples of each trace the first-break envelope needs (a property of the survey, so picks do
    not depend on dask chunking).

    The first break comes no later than the strongest arrival: the envelope is needed down to a
    few antenna periods below the latest strongest arrival, over up to ``max_traces`` evenly
    spaced traces per channel (99th percentile), a fraction of the record for road data. Traces
    whose strongest arrival lies deeper are still picked right: their first break and its
    envelope peak lie inside the window, and the threshold is relative to the window's maximum.
    """
    n_trace, n = survey.sizes["trace"], survey.sizes["sample"]
    idx = np.unique(np.linspace(0, n_trace - 1, min(max_traces, n_trace)).round().astype(int))
    x = np.asarray(_traces(survey.data, idx), dtype=np.float32)
    x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    n_header = header_words(survey)
    x = x[..., n_header:]
    k = (x.shape[-1] - 1) // 2
    x = x - np.partition(x, k, axis=-1)[..., k:k + 1]
    last = float(np.percentile(np.argmax(np.abs(x), axis=-1), 99)) + n_header
    period = _peak_width(survey, "peak")
    return int(min(n, np.ceil(last) + 4 * period + 8))


def _traces(data: Any, idx: np.ndarray) -> np.ndarray:
    """The traces ``idx`` of every channel as a numpy array (only those are computed for dask
    data; no copy when ``idx`` is every trace of a numpy array)."""
    if not is_dask(data) and idx.size == data.shape[1] and np.array_equal(idx, np.arange(data.shape[1])):
        return np.asarray(data)
    return np.asarray(data[:, idx])


def _nanmedian_rows(p: np.ndarray) -> np.ndarray:
    """Median of the finite values of each row of ``p`` (2-D), 0 for a row without one: as
    ``np.nanmedian`` (the mean of the two middle values for an even count), by one sort (numpy's
    nanmedian of short rows goes through masked arrays, milliseconds per call)."""
    s = np.sort(p, axis=-1)  # NaN last
    k = np.isfinite(p).sum(axis=-1)
    lo = np.take_along_axis(s, np.maximum((k - 1) // 2, 0)[:, None], -1)[:, 0]
    hi = np.take_along_axis(s, np.minimum(k // 2, p.shape[-1] - 1)[:, None], -1)[:, 0]
    return np.where(k > 0, 0.5 * (lo + hi), 0.0)


def _raw_picks(survey, *, threshold, pick, skip_ns, search_ns, reference) -> np.ndarray:
    """Raw per-trace picks (channel, trace) in samples of the input (NaN: no arrival)."""
    _, skip = _skip_samples(survey, pick, skip_ns)
    kw = dict(threshold=threshold, n_header=header_words(survey), skip=skip,
              search=_search_samples(survey, search_ns), peak_width=_peak_width(survey, reference),
              window=None if skip is not None else _pick_window(survey))
    data = survey.data
    dtype = result_dtype(data.dtype)

    def block(x):
        x = np.array(x, dtype=dtype, copy=True)  # the kernel's working copy
        if not np.isfinite(x).all():
            np.nan_to_num(x, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        return _pick_kernel(x, copy=False, **kw)

    if is_dask(data):
        data = data.rechunk({2: -1})
        if kw["search"] is not None:
            data = data[..., : max(kw["search"], 2)]
        return np.asarray(data.map_blocks(block, drop_axis=2, dtype=np.float64).compute())
    return block(np.asarray(data))


def _resolve_per(per: str, pick: str) -> str:
    check_choice(per, "time_zero per", ("auto", "channel", "trace"))
    if per == "auto":
        return "trace" if pick == "surface" else "channel"
    return per


#: ``per="channel"``: at most this many traces per channel are picked (evenly spaced): a channel's
#: time zero is the median of its kept picks, which a few hundred traces fix as well as all.
MAX_CHANNEL_PICKS = 1024

#: A dask survey's picked traces (``per="channel"``, decimated) up to this size are read into
#: memory once, instead of once for the pick window and once for the picks.
PICKED_IN_MEMORY_BYTES = 256 << 20


def _picks(survey, *, threshold, pick, skip_ns, search_ns, reference, per, window_traces, max_dev_ns,
           max_picks: int | None = None):
    """Checked picks in samples: (shift per trace (c, t), rejected, confidence, tolerance ns, per).

    With ``per="channel"`` and ``max_picks``, only every k-th trace is picked (rejected and
    confidence then have the decimated shape; the shifts have the full one).
    """
    per = _resolve_per(per, pick)
    n_trace = survey.sizes["trace"]
    picked = survey
    if per == "channel" and max_picks and n_trace > max_picks:
        picked = survey.isel(trace=slice(0, None, int(np.ceil(n_trace / max_picks))))
        if is_dask(picked.data) and search_ns is None and picked.nbytes <= PICKED_IN_MEMORY_BYTES:
            # read the picked traces once: the pick window and the picks both look at them
            picked = picked.copy(data=np.asarray(picked.data))
    raw = _raw_picks(picked, threshold=threshold, pick=pick, skip_ns=skip_ns, search_ns=search_ns,
                     reference=reference)
    dt = float(survey.attrs["dt_ns"])
    tol_ns = _tolerance_ns(survey, max_dev_ns)
    cleaned, rejected, conf = clean_picks(raw, tolerance=tol_ns / dt, window=_window(window_traces))
    if per == "channel":
        kept = np.where(rejected, np.nan, raw)
        level = _nanmedian_rows(kept)
        cleaned = np.broadcast_to(level[:, None], (raw.shape[0], n_trace)).copy()
    dead = ~np.isfinite(cleaned)  # channels without a single usable pick: leave them unshifted
    cleaned[dead] = header_words(survey)
    return cleaned, rejected, conf, tol_ns, per


def pick_time_zero(
    survey: xr.DataArray,
    *,
    threshold: float = 0.2,
    pick: str = "first",
    skip_ns: float | str = "auto",
    search_ns: float | None = None,
    reference: str = "peak",
    per: str = "trace",
    window_traces: int = 21,
    max_dev_ns: float | str = "auto",
) -> xr.DataArray:
    """Two-way time of the first break (or surface reflection) of every trace, ns, checked.

    Parameters are those of :func:`time_zero` (``per="trace"`` by default here: the checked
    per-trace picks; ``per="channel"`` gives each channel's single time zero on every trace).

    Returns
    -------
    xarray.DataArray, dims (channel, trace), float64
        Pick times in the input's ``twt_ns`` frame, ns, after the neighbour check (rejected picks
        interpolated), with coordinates ``raw_pick_ns`` (the picks before the check, NaN where a
        trace has no arrival), ``rejected`` (bool) and ``confidence`` (0-1). Always computed
        (a small array), also for dask input.
    """
    check_survey(survey, "pick_time_zero")
    threshold = _check(threshold, pick, "linear", survey)
    raw = _raw_picks(survey, threshold=threshold, pick=pick, skip_ns=skip_ns, search_ns=search_ns,
                     reference=reference)
    picks, rejected, conf, _, _ = _picks(survey, threshold=threshold, pick=pick, skip_ns=skip_ns,
                                         search_ns=search_ns, reference=reference, per=per,
                                         window_traces=window_traces, max_dev_ns=max_dev_ns)
    t0 = float(survey.coords["twt_ns"].values[0])
    dt = float(survey.attrs["dt_ns"])
    coords = {k: v for k, v in survey.coords.items() if set(v.dims) <= {"channel", "trace"}}
    out = xr.DataArray(picks * dt + t0, dims=("channel", "trace"), coords=coords, name="time_zero_ns",
                       attrs={"units": "ns"})
    return out.assign_coords(raw_pick_ns=(("channel", "trace"), raw * dt + t0),
                             rejected=(("channel", "trace"), rejected),
                             confidence=(("channel", "trace"), conf))


def _valid_range(shift: np.ndarray, n: int, n_header: int) -> tuple[int, int]:
    """Output samples ``[k_lo, k_hi)`` that every trace recorded: ``n_header <= k + shift <= n-1``."""
    k_lo = max(0, int(np.ceil(np.max(n_header - shift) - 1e-9)))
    k_hi = min(n, int(np.floor(np.min(n - 1 - shift) + 1e-9)) + 1)
    return k_lo, k_hi


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
    per: str = "auto",
    window_traces: int = 21,
    max_dev_ns: float | str = "auto",
) -> xr.DataArray:
    """Align every trace on its first break (or surface reflection) and set ``twt_ns = 0`` there.

    Each trace is picked (:func:`pick_time_zero`), the picks are checked against their
    neighbours (a running median of ``window_traces``; a pick further than ``max_dev_ns`` from
    it is rejected and replaced by interpolation between the nearest kept picks), and the traces
    are shifted by one time per channel (``per="channel"``) or per trace (``per="trace"``).
    The window is then trimmed to the samples that every trace recorded: nothing is invented
    above the first or below the last recorded sample.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
    threshold : float
        Fraction (0-1) of the trace's envelope maximum that marks the first break. 0.1-0.3 suits
        ground-coupled and air-coupled road antennas; raise it for noisy data.
    pick : {"first", "surface"}
        "first": the first arrival (ground-coupled: the surface; air-coupled: the direct wave).
        "surface": the first rise after ``skip_ns`` past the first arrival (air-coupled antennas,
        or full-wave simulations whose time zero is the source: the road-surface reflection).
    skip_ns : float or "auto"
        How long after the first arrival to ignore when ``pick="surface"``, ns. "auto": 1.5
        antenna periods (``1500 / antenna_mhz``).
    search_ns : float, optional
        Only look for the pick before this two-way time (input frame), ns.
    pre_ns : float
        Time kept above the pick, ns (>= 0): output ``twt_ns`` starts at ``-pre_ns`` (later if
        some trace did not record that much above its pick).
    reference : {"peak", "onset"}
        What ``twt_ns = 0`` marks. "peak": the envelope maximum of the picked wavelet (within one
        antenna period after the threshold crossing), i.e. the reflection time of the surface, so
        that depths measured from 0 are depths below the road surface. "onset": the threshold
        crossing itself (the start of the wavelet, about half a period earlier).
    surface_delay_ns : float
        Two-way time from the picked arrival to the road surface, ns, added to every pick (the
        antenna constant of a ground-coupled antenna whose direct wave precedes the surface
        reflection: about ``2 h / c``, 0.33 ns at 5 cm). Default 0.
    interpolation : {"linear", "nearest", "fft"}
        How traces are shifted by fractions of a sample: linear interpolation between the two
        nearest samples, the nearest sample, or an exact band-limited FFT phase shift (slower).
    per : {"auto", "channel", "trace"}
        "channel": one shift per channel, the median of its kept picks: right for ground-coupled
        antennas, whose height above the road does not change, so that every trace-to-trace
        change of the first arrival is the ground (or noise), not the system; no trace is moved
        against its neighbours, so no stripes. "trace": each trace on its own checked pick:
        for air-coupled antennas that bounce, and for slow system drift. "auto" (default):
        "trace" with ``pick="surface"``, else "channel".
    window_traces : int
        Length of the running median the picks are checked against, traces.
    max_dev_ns : float or "auto"
        A pick further than this from the running median is rejected, ns. "auto":
        ``min(max(1 ns, 2 dt), max(2 dt, period / 4))``.

    Returns
    -------
    xarray.DataArray
        float32 (float64 for float64 input); trimmed to the samples every trace recorded;
        ``twt_ns`` with 0 at the pick (``-pre_ns`` first); ``attrs["header_words"] = 0``;
        ``attrs["time_zero_qc"]``: the number of picks rejected and the time zero of each
        channel, ns.

    Raises
    ------
    ProcessingError
        When no trace has a usable arrival, or nothing is left of the record after alignment.
    """
    plan = _time_zero_plan(survey, threshold=threshold, pick=pick, skip_ns=skip_ns, search_ns=search_ns,
                           pre_ns=pre_ns, interpolation=interpolation, reference=reference,
                           surface_delay_ns=surface_delay_ns, per=per, window_traces=window_traces,
                           max_dev_ns=max_dev_ns)
    return _apply_plan(survey, plan)


def _time_zero_plan(survey: xr.DataArray, *, threshold: float = 0.2, pick: str = "first",
                    skip_ns: float | str = "auto", search_ns: float | None = None, pre_ns: float = 0.0,
                    interpolation: str = "linear", reference: str = "peak",
                    surface_delay_ns: float = 0.0, per: str = "auto", window_traces: int = 21,
                    max_dev_ns: float | str = "auto") -> dict[str, Any]:
    """Everything :func:`time_zero` decides before it moves a sample: the checked picks, the shift
    of every trace (samples, ``out[k] = x[k + shift]``), the output window ``[k_lo, k_hi)`` of
    samples that every trace recorded, the new ``twt_ns``, the resolved parameters and the QC
    record. :func:`_apply_plan` applies it; the recipe runner can instead fold a per-channel
    shift into the FFT pass of the band-pass that follows
    (:func:`roadhealth.processing.filters.dewow_bandpass`)."""
    check_survey(survey, "time_zero")
    threshold = _check(threshold, pick, interpolation, survey)
    skip_ns_used, _ = _skip_samples(survey, pick, skip_ns)
    try:
        pre_ns = float(pre_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"time_zero: pre_ns must be a number of ns; got {pre_ns!r}") from None
    dt = float(survey.attrs["dt_ns"])
    n = survey.sizes["sample"]
    if not 0 <= pre_ns < n * dt:
        raise ProcessingError(f"time_zero: pre_ns must be in [0, {n * dt:g}) ns; got {pre_ns!r}")
    try:
        surface_delay_ns = float(surface_delay_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"time_zero: surface_delay_ns must be a number of ns; got {surface_delay_ns!r}") from None
    n_header = header_words(survey)
    picks, rejected, _, tol_ns, per_used = _picks(
        survey, threshold=threshold, pick=pick, skip_ns=skip_ns, search_ns=search_ns,
        reference=reference, per=per, window_traces=window_traces, max_dev_ns=max_dev_ns,
        max_picks=MAX_CHANNEL_PICKS)
    if rejected.all():
        src = survey.attrs.get("source") or "survey"
        why = "all-zero or flat data?"
        if not is_dask(survey.data):  # (a lazy survey is not read whole for the message)
            bad = ~np.isfinite(np.asarray(survey.values)).all(axis=-1)
            if bad.any():
                why = (f"{int(bad.sum())} of {bad.size} traces hold NaN or infinite samples; the picks are checked "
                       "against their neighbours: fill or drop those traces")
        raise ProcessingError(f"time_zero: {src}: no trace has a usable first arrival ({why})")
    pre = (pre_ns - surface_delay_ns) / dt
    shift = picks - pre
    if interpolation == "nearest":
        shift = np.rint(shift)
    k_lo, k_hi = _valid_range(shift, n, n_header)
    if k_hi - k_lo < 2:
        raise ProcessingError(f"time_zero: after alignment fewer than 2 samples are common to all traces "
                              f"(time zero at {np.nanmin(picks) * dt:.3g}-{np.nanmax(picks) * dt:.3g} ns "
                              f"of a {n * dt:.3g} ns record)")
    twt = -pre_ns + dt * np.arange(k_lo, k_hi)
    params: dict[str, Any] = {"threshold": threshold, "pick": pick}
    if pick == "surface":
        params["skip_ns"] = skip_ns_used
    params.update({"search_ns": search_ns, "pre_ns": pre_ns, "interpolation": interpolation,
                   "reference": reference, "surface_delay_ns": surface_delay_ns, "per": per_used,
                   "window_traces": _window(window_traces), "max_dev_ns": tol_ns})
    qc = {"picks_rejected": int(rejected.sum()), "picks": int(rejected.size),
          "channel_time_zero_ns": [round(float(v), 4) for v in _nanmedian_rows(picks) * dt
                                   + float(survey.coords["twt_ns"].values[0])],
          "samples_trimmed_top": int(k_lo), "samples_trimmed_bottom": int(n - k_hi)}
    return {"shift": shift, "k_lo": k_lo, "k_hi": k_hi, "per": per_used, "interpolation": interpolation,
            "n_header": n_header, "twt_ns": twt, "params": params, "qc": qc}


def _apply_plan(survey: xr.DataArray, plan: dict[str, Any]) -> xr.DataArray:
    """Shift and trim the traces as planned by :func:`_time_zero_plan` (the ``time_zero`` step)."""
    k_lo, k_hi, n_header = plan["k_lo"], plan["k_hi"], plan["n_header"]
    per_used, interpolation = plan["per"], plan["interpolation"]

    def kernel(x, s):
        if per_used == "channel" and interpolation != "fft":
            return _channel_shift_kernel(x, s[:, 0, 0], k_lo, k_hi, interpolation)
        y = _shift_kernel(x, s[..., 0], n_header, interpolation)
        return np.ascontiguousarray(y[..., k_lo:k_hi])

    data = _apply_shift(survey, kernel, plan["shift"], k_hi - k_lo)
    return finish_plan(survey, plan, data)


def finish_plan(survey: xr.DataArray, plan: dict[str, Any], data: Any) -> xr.DataArray:
    """The ``time_zero`` result around ``data`` (already shifted and trimmed): new ``twt_ns``,
    ``header_words = 0``, the QC record and the history record."""
    out = survey.isel(sample=slice(0, plan["k_hi"] - plan["k_lo"]))
    return finish(out, data, "time_zero", plan["params"], coords={"twt_ns": ("sample", plan["twt_ns"])},
                  attrs={"header_words": 0, "time_zero_qc": plan["qc"]})


def _channel_shift_kernel(x: np.ndarray, shift: np.ndarray, k_lo: int, k_hi: int,
                          interpolation: str) -> np.ndarray:
    """``out[c, :, k] = x[c, :, k + shift[c]]`` for ``k`` in ``[k_lo, k_hi)``: one shift per channel.

    Two slices and a weighted sum per channel (the loop is over channels, not traces): every
    sample read lies inside the record (:func:`_valid_range`).
    """
    out = np.empty((*x.shape[:-1], k_hi - k_lo), dtype=x.dtype)
    n = x.shape[-1]
    for c, sh in enumerate(shift):
        if interpolation == "nearest":
            i0 = int(np.rint(sh)) + k_lo
            out[c] = x[c, :, i0:i0 + k_hi - k_lo]
            continue
        i0 = int(np.floor(sh))
        w = x.dtype.type(sh - i0)
        a = x[c, :, i0 + k_lo:i0 + k_hi]
        if w == 0:
            out[c] = a
            continue
        hi = min(i0 + k_hi + 1, n)
        b = x[c, :, i0 + k_lo + 1:hi]
        if b.shape[-1] < a.shape[-1]:  # the last output sample sits exactly on the last record sample
            b = np.concatenate([b, a[..., -1:]], axis=-1)
        np.multiply(a, 1 - w, out=out[c])
        out[c] += w * b
    return out


def _apply_shift(survey: xr.DataArray, kernel, shift: np.ndarray, n_out: int):
    """Run ``kernel(block, shift_block[..., None])`` over numpy or dask data; ``n_out`` samples out."""
    dtype = result_dtype(survey.dtype)
    n_header = header_words(survey)

    def block(x, s):
        y = np.array(x, dtype=dtype, copy=True)
        if not np.isfinite(y).all():
            np.nan_to_num(y, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        return kernel(y, s)

    data = survey.data
    if is_dask(data):
        import dask.array as da

        data = data.rechunk({2: -1})
        s = da.from_array(shift[..., None], chunks=(data.chunks[0], data.chunks[1], 1))
        return da.map_blocks(block, data, s, dtype=dtype,
                             chunks=(data.chunks[0], data.chunks[1], (int(n_out),)))
    del n_header
    return block(np.asarray(data), shift[..., None])
