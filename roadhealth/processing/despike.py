"""Replace isolated spikes: samples a glitch or a corrupt record set far above everything near them.

A single bad sample is enough to spoil a survey: a value of 1e6 in a record whose peak is 250 (a
corrupt float in a SEG-Y export, an electrical glitch in the digitiser) becomes the survey's
peak, which sets the scale of every later step, and the robust statistics the detector compares
rows against. Fed to :func:`roadhealth.detect`, one such sample on a 49-trace full-wave line took
the cavity 1.2 m away from it out of the result (at 10 times the survey's peak already), and one
of 1e30 left no first arrival to find at all.

A reflection is no such sample. The antenna sees a reflector over its footprint (a first Fresnel
zone of tens of centimetres), which a survey samples with several traces, so the trace beside any
reflection records the same event within half a period, at a similar amplitude; and a radar trace
is band-limited, so a reflection spans a good part of a period. A sample that is

* at least :data:`MIN_LEVEL` times the survey's typical trace peak (the median over its traces of
  each one's largest magnitude: on a raw record the direct wave or surface reflection, present on
  every trace; a spike raises one trace's peak, not the median; nothing weaker spoils the scale),
  and
* at least :data:`RATIO` times the largest magnitude of the neighbouring traces within half a
  period of its time (the trace on each side; at the ends of the line the one there is),

is a spike: it is replaced by the mean of the neighbouring traces at its time. A survey with
none keeps its samples (as float, as every step returns them). Missing and infinite samples are
no spikes (the steps and the detector zero them). Traces farther apart than half a wavelength (at
0.1 m/ns) may see a shallow point reflector at quite different amplitudes, so such surveys (and
those whose positions do not advance) are only judged where the spike is at least
:data:`SPARSE_RATIO` times its neighbours; a survey of one trace is not judged. A glitch that spans several neighbouring traces at one time is not found (each trace's neighbour
is the glitch too).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    apply_along_traces,
    centre_frequency_mhz,
    check_dims,
    finish,
    header_words,
    trace_spacing_m,
)
from roadhealth.survey import positive_number

__all__ = ["MIN_LEVEL", "RATIO", "SPARSE_RATIO", "count_spikes", "despike", "despike_lazy", "repair_spikes",
           "spike_mask"]

#: Samples weaker than this many times the survey's typical trace peak are not judged.
MIN_LEVEL = 3.0

#: A spike is at least this many times the largest magnitude of its neighbouring traces within
#: half a period of it.
RATIO = 5.0

#: ... or this many times, where the traces lie more than half a wavelength (at 0.1 m/ns) apart.
SPARSE_RATIO = 50.0

#: Traces read for the survey's typical trace peak (evenly spread).
SAMPLE_TRACES = 64

#: The velocity at which "half a wavelength" is reckoned for the trace spacing, m/ns.
_V_M_PER_NS = 0.1


def _level(survey: xr.DataArray, n_header: int) -> float:
    """The survey's typical trace peak: the median over evenly spread traces (and channels) of each
    trace's largest finite magnitude (a spike raises one trace's peak, not the median; NaN where no
    trace has a finite sample)."""
    step = max(1, -(-survey.sizes["trace"] // SAMPLE_TRACES))
    a = np.abs(np.asarray(survey.isel(trace=slice(None, None, step)).values)[..., n_header:].astype(np.float64))
    a[~np.isfinite(a)] = np.nan
    if a.size == 0 or np.isnan(a).all():
        return math.nan
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (all-NaN traces)
        peaks = np.nanmax(a.reshape(-1, a.shape[-1]), axis=1)
    peaks = peaks[np.isfinite(peaks)]
    return float(np.median(peaks)) if peaks.size else math.nan


def spike_mask(x: np.ndarray, *, threshold: float, half_window: int, ratio: float) -> np.ndarray:
    """Bool mask (same shape as ``x``, (channel, trace, sample)) of the spikes of ``x``: samples
    whose magnitude is above ``threshold`` and at least ``ratio`` times the largest magnitude of the
    neighbouring traces within ``half_window`` samples of them. Only the candidates above the
    threshold are looked at (none on most records: the survey's extremes are read first)."""
    mask = np.zeros(x.shape, dtype=bool)
    n_t, n_s = x.shape[1], x.shape[2]
    if n_t < 2 or x.size == 0 or not np.isfinite(threshold):
        return mask
    hi, lo = float(x.max()), float(x.min())
    if hi <= threshold and lo >= -threshold:  # (NaN extremes fail this and are looked at)
        return mask
    with np.errstate(invalid="ignore"):
        cand = (x > threshold) | (x < -threshold)  # (NaN is no candidate; +-inf is, and is left alone below)
    rows = cand.any(axis=-1)  # (channel, trace): the few traces that hold a candidate
    c_r, t_r = np.nonzero(rows)
    if c_r.size == 0:
        return mask
    k, s = np.nonzero(cand[c_r, t_r])
    c, t = c_r[k], t_r[k]
    val = np.abs(x[c, t, s].astype(np.float64))
    finite = np.isfinite(val)  # (a missing or infinite sample is the detector's to zero, not a spike to replace)
    c, t, s, val = c[finite], t[finite], s[finite], val[finite]
    offs = np.arange(-half_window, half_window + 1)
    cols = np.clip(s[:, None] + offs[None, :], 0, n_s - 1)
    near = np.zeros(c.size)
    for dt in (-1, 1):  # the trace on each side (only the one there at the ends of the line)
        tn = t + dt
        ok = (tn >= 0) & (tn < n_t)
        # (only each candidate's window of the neighbouring trace is read: whole rows of a long
        # record, many candidates strong, had cost hundreds of megabytes)
        win = np.abs(x[c[ok, None], tn[ok, None], cols[ok]].astype(np.float64))
        win[~np.isfinite(win)] = 0.0
        near[ok] = np.maximum(near[ok], win.max(axis=1) if win.size else 0.0)
    hit = val >= ratio * near
    mask[c[hit], t[hit], s[hit]] = True
    return mask


def _replace(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``x`` with the masked samples set to the mean of the neighbouring traces at their time (the
    one trace there at a line's end), in place."""
    c, t, s = np.nonzero(mask)
    n_t = x.shape[1]
    lo = np.where(t > 0, t - 1, t + 1)
    hi = np.where(t < n_t - 1, t + 1, t - 1)
    x[c, t, s] = 0.5 * (x[c, lo, s] + x[c, hi, s])
    return x


def _despike_kernel(x: np.ndarray, *, threshold: float, half_window: int, ratio: float, hdr: int) -> np.ndarray:
    m = spike_mask(x[..., hdr:], threshold=threshold, half_window=half_window, ratio=ratio)
    if m.any():
        _replace(x[..., hdr:], m)
    return x


def _resolve(survey: xr.DataArray, ratio: Any, min_level: Any) -> dict[str, Any]:
    """The kernels' arguments for ``survey`` (threshold, half window, ratio, header words) and the
    resolved ``min_level``."""
    if isinstance(ratio, str) and ratio == "auto":
        try:
            spacing = trace_spacing_m(survey)
        except ProcessingError:  # one trace, or positions that do not advance: judged as sparse
            spacing = math.inf
        half_wave = 0.5 * _V_M_PER_NS * 1e3 / centre_frequency_mhz(survey)
        r = SPARSE_RATIO if not spacing <= half_wave else RATIO
    else:
        r = positive_number(ratio)
        if not r > 1.0:
            raise ProcessingError(f"despike: ratio must be a number above 1 or 'auto'; got {ratio!r}")
    lvl = positive_number(min_level)
    if math.isnan(lvl):
        raise ProcessingError(f"despike: min_level must be a positive number; got {min_level!r}")
    hdr = header_words(survey)
    period = 1e3 / centre_frequency_mhz(survey) / float(survey.attrs["dt_ns"])
    return dict(threshold=lvl * _level(survey, hdr), half_window=max(1, round(0.5 * period)), ratio=r, hdr=hdr,
                min_level=lvl)


def _native_block(x: np.ndarray, *, threshold: float, half_window: int, ratio: float, hdr: int) -> np.ndarray:
    """One block of :func:`despike_lazy`: the block itself where it holds no spike (no copy), else a
    copy with its spikes replaced (rounded for integer data)."""
    m = spike_mask(x[..., hdr:], threshold=threshold, half_window=half_window, ratio=ratio)
    if not m.any():
        return x
    y = np.array(x, dtype=np.float64)
    _replace(y[..., hdr:], m)
    if np.issubdtype(x.dtype, np.integer):
        info = np.iinfo(x.dtype)
        y = np.clip(np.rint(y), info.min, info.max)
    return y.astype(x.dtype)


def despike_lazy(survey: xr.DataArray, *, ratio: Any = "auto", min_level: Any = MIN_LEVEL) -> xr.DataArray:
    """:func:`despike` for a streamed, dask-backed raw survey, in its own sample type and block by
    block without a halo: a block with no spike is passed on as it is (no copy: the recipe's first
    step makes the float copy), and a spike on a block's first or last trace is judged against, and
    replaced by, its one neighbour inside the block (as at a line's end). The history records a
    ``despike`` with ``replaced`` None. A numpy-backed survey gets :func:`despike`."""
    check_dims(survey)
    if isinstance(survey.data, np.ndarray):
        return despike(survey, ratio=ratio, min_level=min_level)
    kw = _resolve(survey, ratio, min_level)
    params = {"ratio": kw["ratio"], "min_level": kw["min_level"], "threshold": kw["threshold"], "replaced": None}
    block = {k: kw[k] for k in ("threshold", "half_window", "ratio", "hdr")}
    data = survey.data
    if len(data.chunks[2]) > 1:
        data = data.rechunk({2: -1})
    return finish(survey, data.map_blocks(_native_block, dtype=data.dtype, **block), "despike", params)


def _mask(survey: xr.DataArray, kw: dict[str, Any]) -> np.ndarray:
    """The spike mask of an in-memory survey's samples after its header words."""
    hdr = kw["hdr"]
    return spike_mask(np.asarray(survey.values)[..., hdr:], threshold=kw["threshold"],
                      half_window=kw["half_window"], ratio=kw["ratio"])


def _replaced(survey: xr.DataArray, kw: dict[str, Any], mask: np.ndarray) -> xr.DataArray:
    """A float copy of an in-memory survey (header words zeroed, as every step leaves them) with
    the masked samples replaced, and its ``despike`` record."""
    data = apply_along_traces(survey, lambda b: b, 0)
    n = int(mask.sum())
    if n:
        _replace(data[..., kw["hdr"]:], mask)
    params = {"ratio": kw["ratio"], "min_level": kw["min_level"], "threshold": kw["threshold"], "replaced": n}
    return finish(survey, data, "despike", params)


def count_spikes(survey: xr.DataArray, *, ratio: Any = "auto", min_level: Any = MIN_LEVEL) -> int:
    """Number of samples :func:`despike` would replace (reads the whole survey)."""
    check_dims(survey)
    return int(_mask(survey, _resolve(survey, ratio, min_level)).sum())


def repair_spikes(survey: xr.DataArray, *, ratio: Any = "auto", min_level: Any = MIN_LEVEL,
                  first_sample: int = 0) -> tuple[xr.DataArray, int | None]:
    """A raw record with its isolated spikes repaired, and how many there were: an in-memory survey
    without any comes back as it is (bit for bit, 0), one with some as :func:`despike` returns it; a
    dask-backed one through :func:`despike_lazy` (None: judged block by block as it is computed).
    What ``detect``, its streamed pass and a campaign call on what they read.

    ``first_sample``: only samples from this index on are judged (and repaired) in an in-memory
    survey; the level they are judged against is the whole traces' as before."""
    check_dims(survey)
    if not isinstance(survey.data, np.ndarray):
        return despike_lazy(survey, ratio=ratio, min_level=min_level), None
    kw = _resolve(survey, ratio, min_level)
    if first_sample > kw["hdr"]:
        if first_sample >= survey.sizes["sample"]:
            return survey, 0
        kw = dict(kw, hdr=int(first_sample))
    mask = _mask(survey, kw)
    n = int(mask.sum())
    return (survey, 0) if n == 0 else (_replaced(survey, kw, mask), n)


def despike(survey: xr.DataArray, *, ratio: Any = "auto", min_level: Any = MIN_LEVEL) -> xr.DataArray:
    """Replace isolated spikes by the mean of the neighbouring traces (see the module).

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        Raw or processed data, numpy- or dask-backed.
    ratio : float or "auto"
        How many times the largest magnitude of the neighbouring traces within half a period a
        spike is at least: "auto" is :data:`RATIO`, or :data:`SPARSE_RATIO` for traces more than
        half a wavelength (at 0.1 m/ns) apart.
    min_level : float
        Only samples at least this many times the survey's typical trace peak are judged
        (:data:`MIN_LEVEL`).

    Returns
    -------
    xarray.DataArray
        The survey with its spikes replaced (float, as every step returns) and a history record
        ``despike`` with the threshold, the ratio and, for a numpy-backed survey, the number of
        samples replaced (``None`` for a dask-backed one, judged block by block when computed).

    Raises
    ------
    ProcessingError
        ``ratio`` not a number above 1 or ``min_level`` not a positive number.
    """
    check_dims(survey)
    kw = _resolve(survey, ratio, min_level)
    if isinstance(survey.data, np.ndarray):
        return _replaced(survey, kw, _mask(survey, kw))
    params = {"ratio": kw["ratio"], "min_level": kw["min_level"], "threshold": kw["threshold"], "replaced": None}
    block = {k: kw[k] for k in ("threshold", "half_window", "ratio", "hdr")}
    return finish(survey, apply_along_traces(survey, _despike_kernel, 1, **block), "despike", params)
