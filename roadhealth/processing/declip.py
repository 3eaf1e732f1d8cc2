"""Restore the peaks of traces the recorder clipped (a saturated direct wave).

A radar records the direct wave and the surface reflection far stronger than anything under the
road; with the gain set high, or an integer range too small, their peaks hit the recorder's rails
and are cut flat. What was cut is lost to the amplitudes that detection compares (a layer's
reflection against the surface's, the phase of the first arrival), and a shallow reflection summed
with a clipped lobe is cut with it. Clipped traces are common in real files (the pulseEKKO line
``rgpr_isola_grid/YLINEA0.DT1`` of the shared samples: every trace, in runs of 0.68 period).

A radar trace is band-limited (an antenna passes about 0.25-3 times its centre frequency) and
recorded at 10-30 samples per period, far above its band. The clipped samples are then the only
unknowns of a band-limited signal, which :func:`declip` finds by alternating projections (POCS):
keep the spectrum below ``cutoff_mhz``, put back every sample that was not clipped and let the
clipped ones be at least the rail they hit (same sign), until the change stops. A run of samples
shorter than a period is restored to within a few per cent; a longer one (a rail at a third of the
peak) only partly, but closer than flat.

Only runs of at least two samples at the survey's extreme finite value count as clipped (a peak
of an unclipped trace may touch the maximum at one sample; three for integer data of fewer than
:data:`COARSE_LEVELS` levels, whose unclipped peaks may repeat a level); the rails are shared by
the survey's channels; only traces holding one are worked on, each
until its own change stops, over the samples the clipped runs of the survey's sampled traces span
and four periods either side.
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
    check_dims,
    finish,
)
from roadhealth.survey import positive_number

__all__ = ["MAX_RUN_PERIODS", "clip_statistics", "clipped_fraction", "clipped_run_periods", "declip"]

#: The rails: samples within this fraction of the survey's range of its maximum (minimum).
RAIL_TOLERANCE = 1e-6

#: A band-limited reconstruction below this many times the antenna centre frequency, by default.
CUTOFF_FACTOR = 3.5

#: Iterations of the projections at most; they stop earlier when the largest change of a restored
#: sample falls under :data:`TOLERANCE` of the rails' distance.
MAX_ITERATIONS = 300
TOLERANCE = 1e-4

#: Periods of samples either side of the clipped ones (where the survey's sampled traces have
#: them) that the reconstruction reads: a clipped direct wave is restored in a short window.
PAD_PERIODS = 4.0

#: Clipped runs up to this long, antenna periods, are restored reliably (a trace clipped at 0.6 of
#: its peak: 0.24-0.28 period, restored to 0.2 %); longer ones only partly (at 0.3 of the peak,
#: 0.4 period: 52 % -> 23 % error), and detection on the blind full-wave set clipped that deep
#: lost more precision declipped (cavity+void 0.885 -> 0.834) than it gained in recall.
MAX_RUN_PERIODS = 0.3

#: Traces read to find the rails and the clipped fraction (evenly spread over a longer survey:
#: a saturated direct wave clips nearly every trace, so a sample sees the rails).
SAMPLE_TRACES = 512

#: Integer data spanning fewer levels than this (8-bit records, coarse converters) need runs of
#: three samples at a rail: an unclipped peak falling between two samples repeats its level.
COARSE_LEVELS = 4096


def _sample(survey: xr.DataArray) -> np.ndarray:
    from roadhealth.processing._core import header_words

    step = max(1, -(-survey.sizes["trace"] // SAMPLE_TRACES))
    return np.asarray(survey.isel(trace=slice(None, None, step)).values)[..., header_words(survey):]


def _rails(x: np.ndarray) -> tuple[float, float]:
    """The largest and smallest finite sample (the recorder's rails where it clipped)."""
    fin = x[np.isfinite(x)]
    if not fin.size:
        return math.nan, math.nan
    return float(fin.max()), float(fin.min())


def _min_run(dtype, hi: float, lo: float) -> int:
    return 3 if np.issubdtype(dtype, np.integer) and hi - lo < COARSE_LEVELS else 2


def _clipped_mask(x: np.ndarray, hi: float, lo: float, min_run: int = 2) -> np.ndarray:
    """Samples at a rail in runs of ``min_run`` (2 or 3) or more along the last axis."""
    tol = RAIL_TOLERANCE * max(hi - lo, np.finfo(float).tiny)
    at = (x >= hi - tol) | (x <= lo + tol)
    left = np.zeros_like(at)
    right = np.zeros_like(at)
    left[..., 1:] = at[..., :-1]
    right[..., :-1] = at[..., 1:]
    if min_run <= 2:
        return at & (left | right)
    left2 = np.zeros_like(at)
    right2 = np.zeros_like(at)
    left2[..., 2:] = at[..., :-2]
    right2[..., :-2] = at[..., 2:]
    return at & ((left & left2) | (left & right) | (right & right2))


def _stats(x: np.ndarray, period_samples: float) -> tuple[float, float, float, float, int]:
    """(clipped fraction of the traces of ``x``, 90th percentile of their longest runs in periods,
    upper rail, lower rail, shortest run counted)."""
    hi, lo = _rails(x)
    if not (math.isfinite(hi) and math.isfinite(lo)) or hi <= lo:
        return 0.0, 0.0, hi, lo, 2
    k = _min_run(x.dtype, hi, lo)
    m = _clipped_mask(x, hi, lo, k).reshape(-1, x.shape[-1])
    clipped = m.any(-1)
    if not clipped.any():
        return 0.0, 0.0, hi, lo, k
    m = m[clipped]
    idx = np.arange(m.shape[1])  # longest run per row: the count since the last sample off the rail
    last_off = np.maximum.accumulate(np.where(~m, idx, -1), axis=1)
    longest = (idx - last_off).max(axis=1)
    return float(clipped.mean()), float(np.percentile(longest, 90) / period_samples), hi, lo, k


def _period_samples(survey: xr.DataArray) -> float:
    return 1e3 / centre_frequency_mhz(survey) / float(survey.attrs["dt_ns"])


def clip_statistics(survey: xr.DataArray) -> tuple[float, float]:
    """``(clipped_fraction, clipped_run_periods)`` from one read of the sampled traces."""
    check_dims(survey)
    frac, runs, _, _, _ = _stats(_sample(survey), _period_samples(survey))
    return frac, runs


def clipped_fraction(survey: xr.DataArray) -> float:
    """Fraction of the traces (all channels; at most :data:`SAMPLE_TRACES` of them, evenly spread)
    holding a run of two or more samples (three for coarse integer data, :data:`COARSE_LEVELS`)
    at the largest or smallest finite value: the traces the recorder clipped. The rails are the
    survey's, shared by its channels."""
    return clip_statistics(survey)[0]


def clipped_run_periods(survey: xr.DataArray) -> float:
    """How long the clipped runs are, antenna periods: the 90th percentile over the clipped traces
    of each one's longest run (0 with none). A run is restored reliably when it is short against a
    period (:data:`MAX_RUN_PERIODS`)."""
    return clip_statistics(survey)[1]


def _declip_kernel(x: np.ndarray, *, hi: float, lo: float, min_run: int, cutoff: float, iterations: int, hdr: int,
                   window: tuple[int, int], pad: int) -> np.ndarray:
    """POCS declipping of a block (channel, trace, sample) in place, over the samples ``window``
    (after the header words); ``cutoff`` in cycles per sample. The window is extended by ``pad``
    free samples each side (no constraint: they absorb the FFT's wrap-round where the window
    meets the trace's start or end). Each trace is worked on alone until its own change stops, so
    the result does not depend on how the survey is cut into blocks."""
    body = x[..., hdr + window[0]:hdr + window[1]]
    mask = _clipped_mask(body, hi, lo, min_run)
    rows = mask.any(-1)
    if not rows.any():
        return x
    n_in = body.shape[-1]
    obs = np.zeros((int(rows.sum()), n_in + 2 * pad))
    obs[:, pad:pad + n_in] = body[rows]
    m = np.zeros(obs.shape, dtype=bool)
    m[:, pad:pad + n_in] = mask[rows]
    free = np.ones(obs.shape, dtype=bool)
    free[:, pad:pad + n_in] = False
    upper = obs > 0.5 * (hi + lo)
    n = obs.shape[-1]
    keep = np.fft.rfftfreq(n) <= cutoff
    y = obs.copy()
    active = np.ones(len(y), dtype=bool)
    tol = TOLERANCE * (hi - lo)
    for _ in range(iterations):
        z = np.fft.irfft(np.fft.rfft(y[active], axis=-1) * keep, n, axis=-1)
        ma, ua, oa, fa = m[active], upper[active], obs[active], free[active]
        z = np.where(ma, np.where(ua, np.maximum(z, hi), np.minimum(z, lo)), np.where(fa, z, oa))
        change = np.max(np.abs(z - y[active]), axis=-1)
        y[active] = z
        active[active] = change >= tol
        if not active.any():
            break
    body[rows] = y[:, pad:pad + n_in].astype(body.dtype)
    return x


def declip(survey: xr.DataArray, *, cutoff_mhz: Any = "auto", iterations: int = MAX_ITERATIONS) -> xr.DataArray:
    """Restore the samples the recorder clipped (see the module).

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        Raw data (clipping is the raw record's; after gain or filtering the rails are gone).
    cutoff_mhz : float or "auto"
        The band the reconstruction keeps, MHz: "auto" is :data:`CUTOFF_FACTOR` times the antenna
        centre frequency (from the file, else estimated from the spectrum), at most 0.45 of the
        sampling rate.
    iterations : int
        Largest number of projections (:data:`MAX_ITERATIONS`).

    Returns
    -------
    xarray.DataArray
        Float data, the clipped samples restored; a history record ``declip`` with the rails,
        the cut-off, the fraction of traces clipped and their runs' length. A survey with no
        clipped trace comes back with its samples unchanged (as float; header words zeroed, as
        every processing step leaves them), the record saying 0.

    Raises
    ------
    ProcessingError
        A bad ``cutoff_mhz`` or ``iterations``.
    """
    check_dims(survey)
    from roadhealth.processing._core import header_words

    dt = float(survey.attrs["dt_ns"])
    if cutoff_mhz == "auto":
        cut = CUTOFF_FACTOR * centre_frequency_mhz(survey)
    else:
        cut = positive_number(cutoff_mhz)
        if math.isnan(cut):
            raise ProcessingError(f"declip: cutoff_mhz must be a positive number of MHz or 'auto'; got {cutoff_mhz!r}")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ProcessingError(f"declip: iterations must be a positive integer; got {iterations!r}")
    cut = min(cut, 0.45e3 / dt)
    x = _sample(survey)
    period = _period_samples(survey)
    frac, runs, hi, lo, k = _stats(x, period)
    params = {"cutoff_mhz": round(cut, 3), "iterations": int(iterations), "rails": [hi, lo],
              "clipped_trace_fraction": round(frac, 4), "clipped_run_periods": round(runs, 3)}
    if frac == 0.0:
        return finish(survey, apply_along_samples(survey, lambda b: b), "declip", params)
    # the samples the clipped runs span, and PAD_PERIODS either side (the same for every block)
    cols = np.flatnonzero(_clipped_mask(x, hi, lo, k).any((0, 1)))
    pad = math.ceil(PAD_PERIODS * period)
    window = (max(0, int(cols[0]) - pad), min(x.shape[-1], int(cols[-1]) + pad + 1))
    data = apply_along_samples(survey, _declip_kernel, hi=hi, lo=lo, min_run=k, cutoff=cut * dt * 1e-3,
                               iterations=int(iterations), hdr=header_words(survey), window=window, pad=pad)
    return finish(survey, data, "declip", params)
