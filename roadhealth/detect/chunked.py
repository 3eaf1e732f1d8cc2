"""Detection over along-track windows: surveys larger than memory, in bounded memory.

:func:`roadhealth.detect.detect` holds the whole processed survey and every attribute of it in
memory (about 15 allocated bytes per sample at its peak), so a 1 km 32-channel grid (1.6 GB of
int16 at 2 cm and 512 samples) does not fit. :func:`detect_chunked` runs the same per-survey
pipeline on overlapping along-track windows instead:

1. The survey's traces are cut into *cores* of about equal length that tile it without gaps;
   each core is widened by ``overlap_m`` on both sides (where the survey allows) into its
   *window* (:func:`plan_windows`), as long as the memory budget allows.
2. A raw survey is processed either once, as a whole, in one lazy dask pass (``stream_recipe``,
   the default for a lazily read survey: the surface and polarity reference that background
   removal erases is measured first on a subset of its raw traces,
   :func:`roadhealth.detect.prepare.surface_reference`, and travels with the processed survey),
   or per window, on the whole window, so that the moving background removal and time zero see
   the overlap as context.
3. Each window is taken from the survey (computed from dask only when its turn comes, so a lazily
   read file is never held whole) and searched with :func:`roadhealth.detect.core.detect`.
4. A detection is kept by the window whose core contains its along-track centre (widened by
   :data:`CLAIM_MARGIN_M`); where the two windows of a seam both keep the same defect (they
   overlap along and across track and in depth), the one seen further from its window's ends is
   kept. ``anomaly_id`` is renumbered along the survey.

The overlap must cover half the longest defect plus the context the detector needs around it
(about a metre: stacking, the coarse score, hyperbola flanks), and, when the recipe runs per
window, half its moving background window (5 m for the default recipe). The default
(:func:`default_overlap_m`) derives it from the recipe and the classifier thresholds.

What differs from one whole-survey call: the robust background statistics of the detector and
the velocity from diffraction hyperbolas are measured per window (``attrs["detect"]["windows"]``
lists each window's velocity), and, per window, the time-zero shift per channel, so confidences
and depths may differ slightly from :func:`~roadhealth.detect.core.detect` on the whole survey;
a survey that fits in one window gives exactly its result.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from roadhealth._threads import limit_threads, thread_budget
from roadhealth.anomalies import conform_anomalies
from roadhealth.detect import core as _core
from roadhealth.detect import risk as _risk
from roadhealth.detect.classify import Thresholds
from roadhealth.detect.prepare import _is_processed
from roadhealth.errors import DetectionError, RoadHealthWarning

__all__ = ["BYTES_PER_SAMPLE", "BYTES_PER_SAMPLE_PROCESSED", "CLAIM_MARGIN_M", "DEFAULT_MEMORY_MB", "Window", "default_overlap_m",
           "detect_chunked", "plan_windows", "should_chunk"]

#: Peak bytes per sample of one window in :func:`roadhealth.detect.core.detect` on a raw int16
#: survey: 15.4 B allocated at the peak (tracemalloc, 32 x 1240 x 512 int16, the detector's
#: attributes after the fused default recipe, which itself peaks at 10.7 B), plus the int16
#: window and a margin.
BYTES_PER_SAMPLE = 20.0

#: The same for a processed float32 survey: the same 15.4 B plus the float32 window itself.
BYTES_PER_SAMPLE_PROCESSED = 22.0

#: Default memory budget of the windows in flight, MB (the interpreter and its libraries, about
#: 250 MB, come on top).
DEFAULT_MEMORY_MB = 640.0

#: A window's core claims detections whose centre lies up to this far outside it, m; duplicates
#: this creates at a seam are resolved by :func:`_resolve_seams`.
CLAIM_MARGIN_M = 0.5

#: Detection context around a defect, m: the stacking (0.25 m) and coarse-score (0.75 m) windows
#: of :func:`roadhealth.detect.candidates.attributes` and the flanks of diffraction hyperbolas.
CONTEXT_M = 1.0

#: Shortest core, in overlaps: a window whose core is shorter than its overlap does more than
#: three times the work of its core.
_MIN_CORE_OVERLAPS = 1.0


@dataclass(frozen=True)
class Window:
    """One window of :func:`plan_windows`: traces ``[start, stop)`` are searched, detections
    centred in ``[core_start, core_stop)`` are kept (trace indices of the survey)."""

    start: int
    stop: int
    core_start: int
    core_stop: int


def plan_windows(n_trace: int, window_traces: int, overlap_traces: int) -> list[Window]:
    """Cut ``n_trace`` traces into cores of about equal length, each widened by the overlap.

    Parameters
    ----------
    n_trace : int
        Traces of the survey.
    window_traces : int
        Longest window, traces (core plus an overlap on each side); when the whole survey is no
        longer, there is one window.
    overlap_traces : int
        Overlap on each side of a core, traces (>= 0).

    Returns
    -------
    list of Window
        Cores tile ``[0, n_trace)`` without gaps; windows stay inside the survey.

    Raises
    ------
    DetectionError
        When the window leaves no core (``window_traces <= 2 * overlap_traces``).
    """
    n_trace, window_traces, overlap_traces = int(n_trace), int(window_traces), int(overlap_traces)
    if overlap_traces < 0:
        raise DetectionError(f"detect_chunked: overlap must be >= 0 traces; got {overlap_traces}")
    if n_trace <= window_traces:
        return [Window(0, n_trace, 0, n_trace)]
    core = window_traces - 2 * overlap_traces
    if core < 1:
        raise DetectionError(
            f"detect_chunked: a window of {window_traces} traces leaves no core after an overlap of "
            f"{overlap_traces} traces on each side; expected window > 2 x overlap")
    n_win = math.ceil(n_trace / core)
    edges = np.linspace(0, n_trace, n_win + 1).round().astype(int)
    return [Window(max(0, int(a) - overlap_traces), min(n_trace, int(b) + overlap_traces), int(a), int(b))
            for a, b in itertools.pairwise(edges)]


def _background_window_m(recipe: Any, spacing_m: float, trace_index: bool) -> float:
    """The moving background window of a recipe, m (0 when it has none or a global one).

    "auto" resolves as :func:`roadhealth.processing.background_removal` does: 10 m, or 201 traces
    when ``distance_m`` is the trace index; a window in traces is converted with ``spacing_m``.
    """
    from roadhealth.processing.filters import AUTO_WINDOW_M, AUTO_WINDOW_TRACES
    from roadhealth.processing.recipe import load_recipe

    auto_m = AUTO_WINDOW_TRACES * spacing_m if trace_index else AUTO_WINDOW_M
    try:
        r = load_recipe(None if recipe in (None, "default") else recipe)
    except Exception:  # a bad recipe is reported by detect() itself, with its reason
        return auto_m
    for step in r["steps"]:
        if step["name"] != "background_removal":
            continue
        w = step["params"].get("window_m")
        if w is None:
            n = step["params"].get("window_traces")
            return 0.0 if n is None else float(n) * spacing_m
        return auto_m if isinstance(w, str) else float(w)
    return 0.0


def default_overlap_m(recipe: Any = "default", *, processed: bool = False,
                      thresholds: Thresholds | None = None, spacing_m: float = 0.05,
                      trace_index: bool = False) -> float:
    """Overlap on each side of a window, m: half the longest defect plus the context around it.

    ``0.5 * (cavity_max_length_m + 1)`` (the longest region still scored a cavity) ``+
    CONTEXT_M``, plus half the recipe's moving background window for a raw survey (the recipe
    runs per window; 5 m for the default recipe, 100 traces when ``distance_m`` is the trace
    index, ``trace_index``; ``spacing_m`` converts windows given in traces): 8.25 m by default,
    3.25 m for a processed survey.
    """
    th = thresholds or Thresholds()
    ov = 0.5 * (th.cavity_max_length_m + 1.0) + CONTEXT_M
    if not processed:
        ov += 0.5 * _background_window_m(recipe, float(spacing_m), bool(trace_index))
    return float(ov)


def _distance_axis(survey: xr.DataArray) -> np.ndarray:
    """Along-track distance of each trace (median over channels), m; the trace index when absent."""
    n_t = survey.sizes["trace"]
    if "distance_m" not in survey.coords:
        return np.arange(n_t, dtype=float)
    d = np.asarray(survey.coords["distance_m"].values, dtype=float).reshape(-1, n_t)
    with np.errstate(all="ignore"):
        out = np.nanmedian(d, axis=0) if d.shape[0] > 1 else d[0]
    if not np.all(np.isfinite(out)):
        return np.arange(n_t, dtype=float)
    return out


def _spacing_m(d: np.ndarray) -> float:
    step = np.abs(np.diff(d))
    step = step[np.isfinite(step) & (step > 0)]
    return float(np.median(step)) if step.size else 1.0


def _window_data(survey: xr.DataArray, w: Window, nested: bool) -> xr.DataArray:
    """The window's traces, in memory (a dask-backed survey is computed here, window by window:
    with dask's configured scheduler, or synchronously inside a worker thread (``nested``) so
    that the windows in flight do not each start a pool)."""
    sub = survey.isel(trace=slice(w.start, w.stop))
    if sub.chunks is not None or any(c.chunks is not None for c in sub.coords.values()):
        # data and lazy coordinates in one pass
        sub = sub.compute(scheduler="synchronous") if nested else sub.compute()
    return sub


def _uneven(d: np.ndarray) -> bool:
    """The criterion of :func:`roadhealth.detect.prepare.prepare` for regularising the traces."""
    step = np.diff(d)
    med = float(np.median(np.abs(step))) if step.size else 0.0
    if d.size < 3 or not med > 0:
        return False
    monotonic = bool(np.all(step > 0) or np.all(step < 0))
    return not (monotonic and float(np.max(np.abs(np.abs(step) - med))) <= 0.1 * med)


def _stream_recipe(survey: xr.DataArray, recipe: Any, notes: list, surface_ns: float | None = None) -> xr.DataArray:
    """The recipe over the whole raw survey as one lazy dask pass, carrying the surface and
    polarity reference measured on its raw traces (:func:`roadhealth.detect.prepare.surface_reference`),
    which ``detect`` reads from a processed survey whose background is removed."""
    import json

    import roadhealth.processing as rp
    from roadhealth.detect import prepare as _prep
    from roadhealth.errors import ProcessingError
    from roadhealth.io._common import CHUNK_BYTES
    from roadhealth.processing.recipe import load_recipe

    # isolated spikes repaired first, lazily, block by block (a corrupt sample would set the scale of
    # the reference and of every step; counting them would read the whole survey once more)
    try:
        from roadhealth.processing.despike import repair_spikes

        survey, _ = repair_spikes(survey)
    except ProcessingError:  # (no frequency to judge by: the reference and the recipe say what is wrong)
        pass
    ref = _prep.surface_reference(survey, recipe, surface_ns=surface_ns)
    s = survey
    if s.chunks is None:  # an in-memory survey: streamed in chunks of the readers' size
        per_trace = s.sizes["channel"] * s.sizes["sample"] * s.dtype.itemsize
        s = s.chunk({"trace": max(64, int(CHUNK_BYTES // max(per_trace, 1)))})
    if not _prep._has_antenna(s):
        s = s.assign_attrs(centre_mhz_estimate=float(ref["centre_mhz"]))
        notes.append(f"antenna frequency not in the file; {float(ref['centre_mhz']):.0f} MHz estimated from the "
                     "spectrum")
    s = _prep._declip_if_clipped(s, notes)  # lazily, trace block by trace block
    r = load_recipe(None if recipe in (None, "default") else recipe)
    if ref["polarity_source"] == _prep.REMOVED_POLARITY_SOURCE:  # nothing marks the surface (see prepare)
        r = dict(r, steps=_prep._without_time_zero(r["steps"]))
        notes.append(_prep._background_removed_note(float(ref["background_fraction"])))
    else:
        s = _prep._crop_leading_air(s, float(ref["centre_mhz"]), notes)
    try:
        out = rp.apply(s, r)
    except ProcessingError as exc:
        raise DetectionError(f"{s.attrs.get('source') or '<survey>'}: the processing recipe failed: {exc}") from None
    notes.append(f"processed with recipe {r['name'] or 'default'!r} ({len(r['steps'])} steps) in one streamed pass "
                 "over the whole survey; surface and polarity reference measured on its raw traces")
    return out.assign_attrs({_prep.REFERENCE_ATTR: json.dumps(ref)})


def _blank(x: np.ndarray) -> bool:
    """True when a window has no finite non-zero sample (a dead stretch of the record)."""
    if np.issubdtype(x.dtype, np.floating):
        return not bool(np.any(np.isfinite(x) & (x != 0)))
    return not bool(x.any())


def _search(survey, w: Window, recipe, risk, options, n_threads: int):
    """Run core.detect on one window; (table, info) or (None, reason) for a blank window."""
    with limit_threads(n_threads):
        sub = _window_data(survey, w, nested=n_threads < thread_budget())
        hdr = int(survey.attrs.get("header_words", 0) or 0)
        body = np.asarray(sub.data)[..., hdr:] if 0 < hdr < sub.sizes["sample"] else np.asarray(sub.data)
        if _blank(body):
            return None, "every sample is zero or NaN"
        out = _core.detect(sub, recipe, risk=risk, **options)
    return out, out.attrs.get("detect", {})


def _claim(table: gpd.GeoDataFrame, w: Window, d: np.ndarray, sp: float) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of a window's table its (widened) core claims, and their distance to the
    window's nearer end (m, larger is better seen)."""
    if table.empty:
        return np.zeros(0, dtype=bool), np.zeros(0)
    centre = 0.5 * (table["distance_start_m"].to_numpy(float) + table["distance_end_m"].to_numpy(float))
    # the survey's distance may run backwards: work in trace indices (monotonic interpolation)
    order = np.argsort(d, kind="stable")
    idx = np.interp(centre, d[order], order.astype(float))
    margin = CLAIM_MARGIN_M / sp
    lo = w.core_start - (margin if w.core_start > 0 else np.inf)
    hi = w.core_stop - 1 + (margin if w.core_stop < d.size else np.inf)
    keep = (idx >= lo - 0.5) & (idx <= hi + 0.5)
    inner = np.minimum(idx - w.start if w.start > 0 else np.inf, w.stop - 1 - idx if w.stop < d.size else np.inf)
    return keep, inner * sp


def _resolve_seams(table: pd.DataFrame, depth_tol_m: float = 0.3) -> np.ndarray:
    """Rows to keep: of two detections from different windows that overlap along track, across
    track and in depth (within ``depth_tol_m``), the one further inside its window.

    The loop runs over pairs of detections near each other (sorted along track), not traces.
    """
    n = len(table)
    keep = np.ones(n, dtype=bool)
    if n < 2:
        return keep
    a0 = table["distance_start_m"].to_numpy(float)
    a1 = table["distance_end_m"].to_numpy(float)
    lo, hi = np.minimum(a0, a1), np.maximum(a0, a1)
    o0, o1 = table["offset_start_m"].to_numpy(float), table["offset_end_m"].to_numpy(float)
    z0, z1 = table["depth_top_m"].to_numpy(float), table["depth_bottom_m"].to_numpy(float)
    win = table["_window"].to_numpy()
    inner = table["_inner_m"].to_numpy(float)
    conf = table["confidence"].to_numpy(float)
    order = np.argsort(lo, kind="stable")
    for ii, i in enumerate(order):
        for j in order[ii + 1:]:
            if lo[j] > hi[i]:
                break
            if win[i] == win[j] or not (keep[i] and keep[j]):
                continue
            across = min(o1[i], o1[j]) >= max(o0[i], o0[j])
            depth = min(z1[i], z1[j]) + depth_tol_m >= max(z0[i], z0[j])
            if across and depth:
                worse = j if (inner[i], conf[i]) >= (inner[j], conf[j]) else i
                keep[worse] = False
    return keep


def _merge_info(infos: list[dict], windows: list[dict], table_name: str, extra: dict) -> dict:
    """One ``attrs["detect"]`` from the windows': counts summed, measurements per window."""
    if not infos:
        return {"risk": table_name, "n_candidates": 0, "notes": [], "windows": windows, "chunked": extra}
    vel = [float(i["velocity_m_per_ns"]) for i in infos if "velocity_m_per_ns" in i]
    srcs = [str(i.get("velocity_source", "")) for i in infos]
    info: dict[str, Any] = {
        "velocity_m_per_ns": float(np.median(vel)) if vel else math.nan,
        "velocity_source": srcs[0] if len(set(srcs)) == 1 else
        "measured per window (median of the windows' velocities; see 'windows')",
        "surface_polarity": Counter(float(i.get("surface_polarity", -1.0)) for i in infos).most_common(1)[0][0],
        "surface_measured": all(bool(i.get("surface_measured", False)) for i in infos),
        "polarity_source": Counter(str(i.get("polarity_source", "")) for i in infos).most_common(1)[0][0],
        "surface_ns": float(np.median([float(i.get("surface_ns", 0.0)) for i in infos])),
        "centre_mhz": float(np.median([float(i.get("centre_mhz", math.nan)) for i in infos])),
        "notes": list(dict.fromkeys(n for i in infos for n in i.get("notes", []))),
        "n_candidates": int(sum(int(i.get("n_candidates", 0)) for i in infos)),
        "risk": table_name,
    }
    rejected: Counter = Counter()
    for i in infos:
        rejected.update({k: int(v) for k, v in i.get("rejected", {}).items()})
    if rejected:
        info["rejected"] = dict(rejected)
    info["windows"] = windows
    info["chunked"] = extra
    return info


def should_chunk(survey: xr.DataArray, *, memory_mb: float = DEFAULT_MEMORY_MB) -> bool:
    """True when searching ``survey`` in one piece would take more than ``memory_mb`` (MB) at the
    peak (:data:`BYTES_PER_SAMPLE` per sample of a raw survey, :data:`BYTES_PER_SAMPLE_PROCESSED`
    of a processed one): :func:`roadhealth.detect.detect` then hands it to :func:`detect_chunked`.
    """
    if not isinstance(survey, xr.DataArray) or tuple(survey.dims) != ("channel", "trace", "sample"):
        return False
    per_sample = BYTES_PER_SAMPLE_PROCESSED if _is_processed(survey) else BYTES_PER_SAMPLE
    return survey.size * per_sample > float(memory_mb) * 1e6


def detect_chunked(survey: xr.DataArray, recipe: Any = "default", *, risk: Any = "beijing",
                   window_m: float | None = None, overlap_m: float | None = None,
                   memory_mb: float = DEFAULT_MEMORY_MB, workers: int = 1, progress: bool = False,
                   stream_recipe: bool | None = None, **options) -> gpd.GeoDataFrame:
    """Find, classify and grade the defects of a long survey window by window.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        Raw or processed, numpy- or dask-backed (a lazily read file is computed one window at a
        time).
    recipe, risk, **options
        As :func:`roadhealth.detect.detect` (the recipe runs per window on a raw survey).
    window_m : float, optional
        Window length along track, m (core plus both overlaps). Default: the longest window whose
        peak memory (:data:`BYTES_PER_SAMPLE` per sample, :data:`BYTES_PER_SAMPLE_PROCESSED` for a
        processed survey) fits ``memory_mb / workers``, and at
        least three overlaps long.
    overlap_m : float, optional
        Overlap on each side of a core, m (default :func:`default_overlap_m`).
    memory_mb : float
        Memory budget of the windows in flight, MB (default :data:`DEFAULT_MEMORY_MB`).
    workers : int
        Windows searched at once in threads (each with ``thread_budget() // workers`` kernel
        threads, :mod:`roadhealth._threads`), sharing ``memory_mb``.
    progress : bool
        Show a progress bar (tqdm, on stderr).
    stream_recipe : bool, optional
        For a raw survey: run the recipe once over the whole survey as a lazy dask pass (its
        surface and polarity reference measured first on a subset of the raw traces,
        :func:`roadhealth.detect.prepare.surface_reference`) and only the detector per window,
        with the shorter overlap of a processed survey; False: the recipe per window, on the
        window with its overlap. Default: streamed for a dask-backed (lazily read) survey whose
        traces are evenly spaced. Unevenly spaced traces are always processed per window (the
        windows regularise them).

    Returns
    -------
    geopandas.GeoDataFrame
        The anomaly table of :func:`roadhealth.detect.detect`, ``anomaly_id`` numbered along the
        survey. ``attrs["detect"]``: the windows' counts summed (candidates and rejections of
        overlaps are counted in each window that saw them), the median velocity, the union of
        their notes, ``windows`` (per window: traces, core along track, velocity, candidates,
        detections kept) and ``chunked`` (window and overlap, m; detections dropped as seam
        duplicates; windows skipped as blank).

    Raises
    ------
    DetectionError
        As :func:`roadhealth.detect.detect`; also for a bad ``window_m``, ``overlap_m``,
        ``memory_mb`` or ``workers``, or when every window is blank.
    """
    _core._check_options(options)
    if not isinstance(survey, xr.DataArray) or tuple(survey.dims) != ("channel", "trace", "sample"):
        _core.detect(survey, recipe, risk=risk, **options)  # raises its clear error
        raise DetectionError(f"detect_chunked: expected a survey (xarray.DataArray with dims "
                             f"('channel', 'trace', 'sample')); got {type(survey).__name__}")
    for key, val in (("window_m", window_m), ("overlap_m", overlap_m), ("memory_mb", memory_mb)):
        if val is None:
            continue
        try:
            ok = math.isfinite(float(val)) and float(val) >= (0 if key == "overlap_m" else 1e-9)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise DetectionError(f"detect_chunked: {key} must be a positive number; got {val!r}")
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise DetectionError(f"detect_chunked: workers must be an integer >= 1; got {workers!r}")
    table = _risk.load_table(risk)
    # a file without positions: its spacing, once for the whole survey (roadhealth.detect.spacing)
    survey, note = _core._resolve_spacing(survey, recipe, options)
    if note:
        return _core._noted(detect_chunked(survey, recipe, risk=risk, window_m=window_m, overlap_m=overlap_m,
                                           memory_mb=memory_mb, workers=workers, progress=progress,
                                           stream_recipe=stream_recipe, **options), note)
    n_c, n_t, n_s = (survey.sizes[k] for k in ("channel", "trace", "sample"))
    d = _distance_axis(survey)
    sp = _spacing_m(d)
    processed = _is_processed(survey)
    trace_index = survey.attrs.get("distance_source") == "trace index"

    def sizes(proc: bool) -> tuple[float, int, int]:
        """Overlap (m), overlap and window (traces) for a raw or processed survey."""
        ov_m = overlap_m if overlap_m is not None else default_overlap_m(
            recipe, processed=proc, thresholds=options.get("thresholds"), spacing_m=sp, trace_index=trace_index)
        ov = math.ceil(float(ov_m) / sp - 1e-6)
        if window_m is not None:
            return float(ov_m), ov, max(1, round(float(window_m) / sp))
        per_sample = BYTES_PER_SAMPLE_PROCESSED if proc else BYTES_PER_SAMPLE
        fit = int(float(memory_mb) * 1e6 / (per_sample * n_c * n_s * workers))
        return float(ov_m), ov, max(fit, int((2 + _MIN_CORE_OVERLAPS) * ov) + 1)

    ov_m, ov_t, win_t = sizes(processed)
    plan = plan_windows(n_t, win_t, ov_t)
    name = _core._survey_name(survey, options.get("survey_name"))
    whole_opts = dict(options)
    if "chunk_m" in _core._OPTIONS:  # when detect() routes large surveys here, windows stay whole
        whole_opts["chunk_m"] = None
    opts = {**whole_opts, "survey_name": name}
    extra = {"window_m": round(win_t * sp, 3), "overlap_m": round(ov_t * sp, 3), "n_windows": len(plan),
             "workers": int(workers), "memory_mb": float(memory_mb)}
    if len(plan) == 1:  # fits in one window: exactly the whole-survey detection
        out = _core.detect(survey, recipe, risk=risk, **whole_opts)
        out.attrs["detect"] = {**out.attrs.get("detect", {}), "chunked": extra}
        return out
    stream_notes: list[str] = []
    if stream_recipe is None:
        stream_recipe = survey.chunks is not None
    stream_recipe = bool(stream_recipe) and not processed and not _uneven(d)
    if stream_recipe:
        survey = _stream_recipe(survey, recipe, stream_notes, options.get("surface_ns"))
        processed = True
        ov_m, ov_t, win_t = sizes(True)
        plan = plan_windows(survey.sizes["trace"], win_t, ov_t)
        extra.update({"window_m": round(win_t * sp, 3), "overlap_m": round(ov_t * sp, 3), "n_windows": len(plan)})
    extra["stream_recipe"] = stream_recipe
    need_mb = (BYTES_PER_SAMPLE_PROCESSED if processed else BYTES_PER_SAMPLE) * n_c * n_s * win_t * workers / 1e6
    if len(plan) > 1 and need_mb > 1.05 * float(memory_mb):
        warnings.warn(f"detect_chunked: {workers} window(s) of {win_t * sp:.1f} m ({n_c} channels x {n_s} samples) "
                      f"need about {need_mb:.0f} MB at the peak, more than memory_mb={float(memory_mb):g}: the "
                      f"windows are at least {2 + _MIN_CORE_OVERLAPS:g} overlaps ({ov_m:g} m) long",
                      RoadHealthWarning, stacklevel=2)

    from tqdm.auto import tqdm

    n_threads = max(1, thread_budget() // workers)
    results: list = [None] * len(plan)
    with tqdm(total=len(plan), unit="window", desc="detecting", disable=not progress) as bar:
        if workers == 1:
            for k, w in enumerate(plan):
                results[k] = _search(survey, w, recipe, risk, opts, n_threads)
                bar.update()
        else:
            with ThreadPoolExecutor(max_workers=int(workers), thread_name_prefix="rh-detect") as pool:
                futs = [pool.submit(_search, survey, w, recipe, risk, opts, n_threads) for w in plan]
                for k, f in enumerate(futs):  # in order: the memory of finished windows is freed
                    results[k] = f.result()
                    bar.update()
    parts, infos, win_info, skipped = [], [], [], []
    for k, (w, (tab, info)) in enumerate(zip(plan, results, strict=True)):
        core_m = [float(d[w.core_start]), float(d[w.core_stop - 1])]
        if tab is None:
            skipped.append({"window": k, "reason": info})
            win_info.append({"window": k, "traces": [w.start, w.stop], "core_m": core_m, "skipped": info})
            continue
        keep, inner = _claim(tab, w, d, sp)
        kept = tab.loc[keep].copy()
        kept["_window"] = k
        kept["_inner_m"] = inner[keep]
        parts.append(kept)
        infos.append(info)
        win_info.append({"window": k, "traces": [w.start, w.stop], "core_m": core_m,
                         "velocity_m_per_ns": info.get("velocity_m_per_ns"),
                         "velocity_source": info.get("velocity_source"),
                         "n_candidates": info.get("n_candidates", 0), "n_detections": int(keep.sum())})
    if not infos:
        raise DetectionError(f"{survey.attrs.get('source') or '<survey>'}: every window of the survey is blank "
                             "(every sample zero or NaN); no radar data to search")
    extra["skipped_windows"] = skipped
    nonempty = [p for p in parts if len(p)]
    if nonempty:
        allrows = pd.concat(nonempty, ignore_index=True)
        sel = _resolve_seams(allrows)
        extra["seam_duplicates_dropped"] = int((~sel).sum())
        allrows = allrows.loc[sel]
        allrows = allrows.sort_values(["distance_start_m", "offset_start_m"], kind="stable").reset_index(drop=True)
        allrows = allrows.drop(columns=["_window", "_inner_m"])
        allrows["anomaly_id"] = [f"{name}-{i + 1:04d}" for i in range(len(allrows))]
        out = conform_anomalies(gpd.GeoDataFrame(allrows, geometry="geometry", crs=nonempty[0].crs),
                                risk_levels=table["grades"])
    else:
        extra["seam_duplicates_dropped"] = 0
        out = parts[0].drop(columns=["_window", "_inner_m"]).iloc[:0]
    out.attrs["detect"] = _merge_info(infos, win_info, table["name"], extra)
    if stream_recipe:  # the windows were processed by this function, not handed in processed
        out.attrs["detect"]["notes"] = stream_notes + [n for n in out.attrs["detect"].get("notes", [])
                                                       if not n.startswith("used as processed")]
    return out
