"""Measured attributes of each candidate region, vectorised over columns and regions.

A *column* is one trace of one channel crossing a region. For every column the first sample of
the region is found, and the envelope maximum within 2.5 antenna periods after it is the
region's *top reflection* on that trace: its time, signed amplitude and envelope.
Columns whose top envelope reaches half the region's strongest are the region's *strong
columns*: they define its extent (along track and across channels), its top depth (the
median top of the strongest columns, the apex, or the 10th percentile of the strong columns'
tops where that is earlier: the flanks of a curved top can outshine its apex), its polarity and
the windows where the other attributes are measured:

================  =================================================================================
feature           meaning
================  =================================================================================
``z_peak``        highest robust envelope score in the region (strength above the background)
``zc_peak``       highest coarse score (chaotic scattering above the background)
``z_peak_short``  highest score of the short (0.25 m) stack: the strength of scattering that the
                  depth-dependent stack of ``z_peak`` (made for coherent tops) would average out
``region_start_m``, ``region_end_m``  along-track extent of the region's columns whose own
                  short-stack score reaches 4 (the strong columns of chaotic scattering may be one
                  bright scatterer); ``region_trace_min``/``region_trace_max``: the same as trace
                  indices
``zone_start_m``, ``zone_end_m``  the same over the columns that also reach ``ZONE_PEAK_FRACTION``
                  of the region's strongest short-stack score: the extent reported for a chaotic
                  (loose) zone (``zone_trace_min``/``zone_trace_max`` as trace indices)
``polarity``      -1..1: amplitude-weighted sign of the top reflections relative to the surface
                  reflection; +1 opposite to the surface (into a faster medium: air), -1 the same
                  (into a slower medium: water, metal); from the top wavelet's phase
                  (``phase_top_rad``) where the section has a layer reflection to compare with
``phase_consistency``  0..1: length of the envelope-weighted mean of the top wavelets' unit
                  phasors (1: one wavelet along the whole top, a reflector; near 0: random
                  phases, chaotic scattering)
``phase_consistency_smooth``  the same with each column's wavelet read at the running median of
                  the region's top times around it (:data:`SMOOTH_TOP_TRACES`), not at its own
                  envelope maximum, which noise jitters
``top_range_ns``  spread of the top times over the strong columns (0 for a flat top)
``energy_delay_ns``  time after the top by which 90 % of the envelope energy down to the region's
                  last sample (at most 8 periods) has arrived (median over the strong columns that
                  have such a window): a cavity's top and bottom reflections, without the faint
                  multiples a noise-free record keeps
``primary_delay_ns``  the same with the window ending before the top's first surface multiple (as
                  long after the top as the top after the surface, less half a period): a shallow
                  air body's own top and bottom reflections (its height, :mod:`roadhealth.detect.core`)
``surface_amplitude_ratio``  the surface rows' anomaly over the top's envelope, in amplitude (manhole
                  covers: their surface anomaly is stronger than what rings under them)
``top_start_m``, ``top_end_m``  along-track extent of the strong columns whose top lies within half a
                  period of the earliest (:data:`TOP_EXTENT_PERIODS`): the body's own extent, without
                  the diffraction flanks beyond its edges; ``top_trace_min``/``top_trace_max`` the same
                  as trace indices
``bottom_delay_ns``, ``bottom_ratio``, ``multiple_ratio``  on the envelope of the top columns,
                  aligned on their tops and averaged: the delay of the strongest peak 1.2-6 periods
                  under the top (a body's bottom reflection), its envelope over the top's, and the
                  strongest envelope around twice that delay over the bottom's (the first internal
                  multiple: an air body rings, a body of soil hardly does); NaN without such a
                  peak or where that window passes the end of the record
``ringing``       energy 1-4 periods after the top over the energy of the top lobe (multiples,
                  bottom reflections, reverberation)
``below_db``      envelope energy 1-5 periods below the region over the background at the same
                  times, dB (negative: attenuation / shadow below)
``freq_ratio``    spectral centroid of the top lobe over the antenna centre frequency
``coherence``     zero-dip semblance of the top over 5 neighbouring traces (1: a continuous event)
``coherence_dip`` the better of ``coherence`` and the same semblance along the top's local dip
                  (1: a curved or dipping coherent top, a hyperbola flank; low: chaotic scattering)
``surface_ratio`` strongest envelope score at the surface over the region's (manhole covers, plates)
``hyperbola_v``   velocity of a diffraction hyperbola fitted to the top times (NaN when they do not
                  bend like one), and ``hyperbola_v_ratio`` over the survey velocity
``apex_range_ns`` spread of the per-channel apex times across the channels (0: a horizontal pipe)
``channel_amplitude_ratio``  weakest over strongest per-channel apex envelope (1: uniform across)
``channel_fraction``  fraction of the array's channels the region reaches
``apex_line_rms_m``   misfit of a straight line through the per-channel apexes in plan (a pipe)
``plane_rms_ns``  misfit of a straight line through the top times along track (0: a flat or
                  dipping plane, a layer), and its slope ``dip_ns_per_m``; ``plane_rms_kept_ns``
                  the same without isolated cycle skips (:func:`_robust_plane_rms`)
================  =================================================================================
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from roadhealth.detect.candidates import Attributes, Regions
from roadhealth.processing.velocity import fit_hyperbola

__all__ = ["column_records", "region_features"]

#: The top time of a region is the median top of its strongest columns (the apex), or this
#: quantile of all its strong columns' tops where that is earlier: the top of a body is its
#: earliest strong reflection, and the flanks of a curved top can outshine its apex (on a
#: full-wave 0.25 m elliptical cavity 1 m deep at 400 MHz the strongest tops lay 1.5-4 ns below
#: the apex, where the top and bottom reflections add; the median of the strongest put the top
#: 0.24 m too deep, this quantile 0.17 m, 0.07 m of which is the default velocity model's).
TOP_QUANTILE = 0.1

#: A column counts in a region's zone extent when its short-stack score reaches this (the default
#: region threshold: the short stack alone would have put it in a region).
ZONE_MIN_Z = 4.0
#: ... and, for the extent reported for a chaotic (loose) zone, this fraction of the region's
#: strongest short-stack score (about -16 dB): in a quiet record the diffraction tails of the
#: scatterers at a zone's edges keep the absolute score past the edges for a metre or more
#: (blind full-wave loose zones, reported over these columns alone, :func:`core._zone_extent`:
#: clean +0.90 m median length error with the absolute score alone, -0.04 m with this too; under
#: noise, whose background bounds the tails anyway, -0.01 / -0.10 m)
ZONE_PEAK_FRACTION = 0.15


#: A column's first samples are a precursor, not the top, when they score under this fraction of
#: the column's peak (the body below is over ten times stronger) ...
PRECURSOR_RATIO = 0.1
#: ... and the top is then searched from the first sample reaching this fraction of the peak.
TOP_FRACTION = 0.25
#: Only under a column whose peak scores at least this (three times the default seed): the top of
#: a weak region is its first samples, as joined (a small stone 13 over a halo of 1.3 is no body).
PRECURSOR_MIN_PEAK = 24.0
#: ... and only in a region where at least this many columns have such a precursor.
PRECURSOR_MIN_COLUMNS = 4

#: A column's earliest strong wavelet (``s_top_early``): the earliest envelope maximum at least
#: ``EARLY_TOP_MIN_PERIODS`` periods before the top window's largest (a separate wavelet, not a
#: lobe of the same one) reaching this fraction of it (none: the top itself). A body's top is its
#: first strong reflection: under a flat-topped cavity its bottom and the crossing diffractions of
#: its two edges arrive together, 1-2 periods later and stronger (blind 600 MHz flat-topped
#: cavities in dry sand: their regions' tops were read there, of the surface's polarity, and
#: called nothing). Read where a region reads as no defect (core._remeasure_earliest_lobe).
EARLY_TOP_FRACTION = 0.6
EARLY_TOP_MIN_PERIODS = 1.0

#: A column's top wavelet is the envelope maximum within 2.5 periods of the region's first sample
#: in that column; where that maximum is the window's last sample (the envelope still rising),
#: the times the diffraction hyperbola is fitted to (``s_peak``, :func:`_hyperbolas`: its
#: velocity, residual, apex and flat extent) are the envelope's next local maximum within this
#: many periods more (None: the window's edge). On a diffraction flank the region starts early:
#: the stacked scores that grow it average the flank over neighbouring traces whose arrivals come
#: earlier, and the window from that first sample ends on the rising edge of the column's own
#: wavelet. A blind 400 MHz metal pipe 0.93 m down in dry sand: its region's first sample 6 ns
#: before the flank's arrival 0.87 m off the apex, the pick there 0.9 ns before the envelope's
#: peak, on its rising edge, and the hyperbola fitted 1.46 times the survey velocity (1.33 with
#: the peaks), too fast for a pipe. Every other feature keeps the window's maximum (``s_top``): with the climbed picks
#: for all of them (fifty-second session) blind loose F1 fell 0.857 -> 0.833 clean and 0.871 ->
#: 0.831 noisy (a scattering zone's top climbed onto deeper scatterers).
TOP_CLIMB_PERIODS: float | None = 1.0

#: ``phase_consistency_smooth`` reads each strong column's top wavelet at the running median of
#: the region's top times over this many traces on each side in the same channel (at least one):
#: half the short stack of the detection scores (:attr:`~roadhealth.detect.candidates.Attributes.stack_traces`,
#: 0.25 m) when None. In noise a column's envelope maximum jitters around the wavelet's own peak,
#: and the phase read there turns with it (144 degrees per ns at 400 MHz); read along the smoothed
#: arrival time, a reflector keeps one phase.
SMOOTH_TOP_TRACES: int | None = None


#: A region's apex read on at most this many columns whose tops lie at least half a period and at
#: most LONE_APEX_MAX_PERIODS under the tops of at least LONE_APEX_MIN_OTHERS other strong
#: columns (reaching half the strongest), and which have, at those columns' time, a wavelet of
#: the opposite phase (cosine of the phase difference at most -0.5) at least LONE_APEX_MIN_ENVELOPE
#: of their top's envelope, is the bottom reflection of a low air body under its top: the two
#: reflect with opposite signs, and within a period of each other the bottom can outshine the top
#: on a trace or two where they add (blind ``bw900_cavity_10``, 0.15 m tall at 900 MHz, noisy:
#: the bottom 2.7 times the top on one trace, 1.6 on the next; the apex read on them alone sank to
#: the bottom's time, the strong columns shrank to those two, and the cavity, their phase a
#: mixture of top and bottom, was lost). Those columns' tops are read again at the other columns'
#: time (:func:`_lone_apex_tops`). (Without the phase condition the bottom of a domed wet lens,
#: deepest over its middle where its reflection focuses, was read at its sides' time, and the
#: lens, found by that bottom, was lost: blind ``bw400_multi_31``.)
LONE_APEX_MAX_COLUMNS = 2
LONE_APEX_MIN_OTHERS = 4
LONE_APEX_MAX_PERIODS = 1.25
LONE_APEX_MIN_ENVELOPE = 0.25


def _lone_apex_tops(recs: pd.DataFrame, g: _Groups, att: Attributes, p: int) -> pd.DataFrame:
    """``recs`` with the tops of a lone deep apex (:data:`LONE_APEX_MAX_COLUMNS`) read again at
    the median top of the region's other strong columns: the strongest envelope peak within half a
    period of it, where that peak has the opposite phase to the column's top and at least
    :data:`LONE_APEX_MIN_ENVELOPE` of its envelope (``s_top``, ``a_top``, ``e_top``, ``h_top``
    replaced; a copy where any is). ``g``: the records' groups by label; ``p``: the antenna period
    in samples."""
    r_e = recs["e_top"].to_numpy(float)
    r_s = recs["s_top"].to_numpy().astype(float)
    e_max = g.max(r_e)[g.inv]
    apex = r_e >= 0.8 * e_max
    others = (r_e >= 0.5 * e_max) & ~apex
    n_apex = g.sum(apex.astype(float))[g.inv]
    n_others = g.sum(others.astype(float))[g.inv]
    t_others = g.quantile(np.where(others, r_s, np.nan), 0.5)[g.inv]
    lone = (apex & (n_apex <= LONE_APEX_MAX_COLUMNS) & (n_others >= LONE_APEX_MIN_OTHERS)
            & (r_s >= t_others + 0.5 * p) & (r_s <= t_others + LONE_APEX_MAX_PERIODS * p))
    if not lone.any():
        return recs
    w = np.flatnonzero(lone)
    n_c, n_t, n_s = att.x.shape
    cols = (recs["c"].to_numpy()[w] * n_t + recs["t"].to_numpy()[w]).astype(np.int64)
    env, h, ri = att.analytic_rows(cols)
    half = max(1, p // 2)
    k = np.clip(np.round(t_others[w]).astype(np.int64)[:, None] + np.arange(-half - 1, half + 2)[None, :], 0, n_s - 1)
    ew = env[ri[:, None], k].astype(np.float64)
    # the strongest envelope peak within half a period of that time (a wavelet's own peak, not the
    # flank of the stronger one under it)
    peak = np.zeros(ew.shape, bool)
    peak[:, 1:-1] = (ew[:, 1:-1] >= ew[:, :-2]) & (ew[:, 1:-1] > ew[:, 2:])
    j = np.argmax(np.where(peak, ew, -np.inf), axis=1)
    s_new = k[np.arange(w.size), j]
    a_new = att.x.reshape(n_c * n_t, n_s)[cols, s_new].astype(float)
    h_new = h[ri, s_new].astype(float)
    e_new = env[ri, s_new].astype(float)
    turn = np.angle(a_new + 1j * h_new) - np.angle(recs["a_top"].to_numpy(float)[w] + 1j * recs["h_top"].to_numpy(float)[w])
    ok = peak.any(axis=1) & (np.cos(turn) <= -0.5) & (e_new >= LONE_APEX_MIN_ENVELOPE * r_e[w])
    if not ok.any():
        return recs
    w = w[ok]
    recs = recs.copy()
    # (the new top is an envelope peak: the hyperbola's pick, ``s_peak``, moves with it)
    for name, val in (("s_top", s_new[ok]), ("s_peak", s_new[ok]), ("a_top", a_new[ok]), ("e_top", e_new[ok]),
                      ("h_top", h_new[ok])):
        if name not in recs:
            continue
        v = recs[name].to_numpy().copy()
        v[w] = val.astype(v.dtype, copy=False)
        recs[name] = v
    return recs


def _group_reduce(ufunc, values, starts):
    return ufunc.reduceat(values, starts) if values.size else values


def _climb_to_peak(env: np.ndarray, ri: np.ndarray, s_top: np.ndarray, rising: np.ndarray, reach: int,
                   n_s: int) -> np.ndarray:
    """``s_top`` moved, where ``rising``, to the first local maximum of the envelope (rows ``ri``
    of ``env``) within ``reach`` samples after it (the largest sample there if it rises all the
    way; :data:`TOP_CLIMB_PERIODS`)."""
    w = np.flatnonzero(rising & (s_top < n_s - 1))
    if w.size == 0 or reach < 1:
        return s_top
    k = np.clip(s_top[w, None] + np.arange(reach + 1)[None, :], 0, n_s - 1)
    e = env[ri[w, None], k]
    falls = np.diff(e, axis=1) < 0  # (the envelope falls after sample i of the window)
    first = np.where(falls.any(axis=1), np.argmax(falls, axis=1), np.argmax(e, axis=1))
    out = s_top.copy()
    out[w] = k[np.arange(w.size), first]
    return out


def _earliest_strong_lobe(win: np.ndarray, j: np.ndarray, fraction: float | None, period: int,
                          min_periods: float = EARLY_TOP_MIN_PERIODS) -> np.ndarray:
    """``j`` (each row's envelope maximum in ``win``) moved to the row's earliest local envelope
    maximum that reaches ``fraction`` of it and lies at least ``min_periods`` periods of ``period``
    samples before it (a separate wavelet, not a lobe of the same one; :data:`EARLY_TOP_FRACTION`;
    ``fraction`` None: ``j`` itself)."""
    n = win.shape[1]
    if fraction is None or n < 3:
        return j
    peak = win[np.arange(win.shape[0]), j]
    local = np.zeros(win.shape, dtype=bool)
    local[:, 1:-1] = (win[:, 1:-1] >= win[:, :-2]) & (win[:, 1:-1] > win[:, 2:])
    idx = np.arange(n)[None, :]
    ok = local & (win >= fraction * peak[:, None]) & (idx <= (j - min_periods * period)[:, None])
    has = ok.any(axis=1)
    return np.where(has, np.argmax(ok, axis=1), j)


def column_records(att: Attributes, reg: Regions) -> pd.DataFrame:
    """One row per (region, channel, trace) column: first/last sample and the top reflection.

    ``s_top`` is the top wavelet's sample (the envelope maximum within 2.5 periods of the column's
    first sample, moved under a faint precursor joined above a strong body); ``s_top_first`` the
    same from the column's own first sample (the precursor's top where the column was moved);
    ``s_peak`` the top wavelet's own envelope peak where the window ended on its rising edge (the
    hyperbola fit's times, :data:`TOP_CLIMB_PERIODS`), else ``s_top``."""
    n_c, n_t, n_s = att.x.shape
    lab3 = reg.labels  # sampled every att.ds samples
    n_s2 = lab3.shape[-1]
    flat = np.flatnonzero(lab3.ravel() != 0)  # (of a boolean: a third of the time of an int array's)
    if flat.size == 0:
        return pd.DataFrame(columns=["label", "c", "t", "s_first", "s_last", "s_top", "s_top_first", "s_top_early", "s_peak", "a_top", "e_top", "h_top", "z_max",
                                     "zc_max", "zs_max"])
    lab = lab3.ravel()[flat].astype(np.int64)
    col = flat // n_s2
    key = lab * (n_c * n_t) + col
    order = np.argsort(key, kind="stable")
    key, col, lab, f_sorted = key[order], col[order], lab[order], flat[order]
    s2 = f_sorted % n_s2
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    s_first = np.maximum(s2[starts] * att.ds, att.start)
    s_last = np.minimum(np.maximum.reduceat(s2, starts) * att.ds + att.ds - 1, n_s - 1)
    z_col = np.maximum.reduceat(att.z.ravel()[f_sorted], starts)
    zc_col = np.maximum.reduceat(att.z_coarse.ravel()[f_sorted], starts)
    zs_col = (z_col if att.z_grow is None
              else np.maximum.reduceat(att.z_grow.ravel()[f_sorted], starts))
    col_u = col[starts]
    lab_u = lab[starts]
    c = col_u // n_t
    t = col_u % n_t
    p = att.period_samples
    # a weak event joined above a strong body (through the coarse score's halo, or a residual of
    # the layers over it) is not the body's top: where everything within the top window of the
    # column's first sample scores under PRECURSOR_RATIO of the column's peak (itself at least
    # PRECURSOR_MIN_PEAK), the top is searched from the first sample reaching TOP_FRACTION of it
    z_sorted = att.z.ravel()[f_sorted]
    grp = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, key.size]))
    first_win = s2 * att.ds <= (s_first + (5 * p) // 2)[grp]
    z_win = np.maximum.reduceat(np.where(first_win, z_sorted, -np.inf), starts)
    reach = np.where(z_sorted >= TOP_FRACTION * z_col[grp], s2, np.iinfo(np.int64).max)
    s_strong = np.maximum(np.minimum.reduceat(reach, starts) * att.ds, att.start)
    shifted = (z_win < PRECURSOR_RATIO * z_col) & (z_col >= PRECURSOR_MIN_PEAK)
    # a body under a joined event spans several columns: one column alone moved below its first
    # event would outshine neighbours still at theirs, and the region would shrink to it (the deep
    # 400 MHz cavity on every second trace)
    if shifted.any():
        n_shift = np.bincount(lab_u[shifted], minlength=int(lab_u.max()) + 1)
        shifted &= n_shift[lab_u] >= PRECURSOR_MIN_COLUMNS
    s_first0 = s_first
    s_first = np.where(shifted, s_strong, s_first)
    span = np.arange((5 * p) // 2 + 1)
    k = np.clip(s_first[:, None] + span[None, :], 0, n_s - 1)
    env_all, h_all, ri = att.analytic_rows(col_u)  # full resolution, these columns only
    rows = np.arange(k.shape[0])
    win = env_all[ri[:, None], k]
    # the envelope maximum within 2.5 periods of the region's first sample: the top wavelet
    j = np.argmax(win, axis=1)
    # and the earliest separate wavelet nearly as strong (``s_top_early``, read again by
    # core._remeasure_earliest_lobe where the region reads as nothing)
    s_top_early = k[rows, _earliest_strong_lobe(win, j, EARLY_TOP_FRACTION, p)]
    s_top = k[rows, j]
    # the top wavelet's own envelope peak, where the window ended on its rising edge (the times
    # the diffraction-hyperbola fit reads; :data:`TOP_CLIMB_PERIODS`)
    s_peak = (s_top if TOP_CLIMB_PERIODS is None else
              _climb_to_peak(env_all, ri, s_top, j == span.size - 1, round(TOP_CLIMB_PERIODS * p), n_s))
    # and of the unshifted first sample: the joined event's own top, where a column was moved under
    # it (what lies over the body, looked under by core._look_under_pipes)
    s_top_first = s_top.copy()
    if shifted.any():
        w = np.flatnonzero(shifted)
        k0 = np.clip(s_first0[w, None] + span[None, :], 0, n_s - 1)
        s_top_first[w] = k0[np.arange(w.size), np.argmax(env_all[ri[w, None], k0], axis=1)]
    a_top = att.x.reshape(n_c * n_t, n_s)[col_u, s_top]
    e_top = win[rows, j]
    # the top wavelet's analytic signal at its envelope peak: x + i h = e_top * exp(i phase)
    h_top = h_all[ri, s_top].astype(float)
    return pd.DataFrame({"label": lab_u, "c": c, "t": t, "s_first": s_first, "s_last": s_last,
                         "s_top": s_top, "s_top_first": s_top_first, "s_top_early": s_top_early, "s_peak": s_peak,
                         "a_top": a_top.astype(float),
                         "e_top": e_top.astype(float),
                         "h_top": h_top,
                         "z_max": z_col.astype(float), "zc_max": zc_col.astype(float),
                         "zs_max": zs_col.astype(float)})


#: Two tops of one region whose top sinks between them by at least this many antenna periods
#: below the deeper of the two may be separate bodies (:func:`split_at_saddles`).
SADDLE_PERIODS = 1.5

#: The shortest part a split may leave, along track (m): a separate body's top, not a ragged edge.
SADDLE_MIN_PART_M = 0.5

#: One body's top is convex along track: flat, domed or a diffraction hyperbola, its time never
#: lies later than the mean of its times :data:`TERRACE_HALF_M` either side. A top that does, by
#: at least this many antenna periods, is the flank of one body running into the top of a second,
#: deeper one (:func:`split_at_terraces`; two cavities 1.4 m apart at 0.7 and 0.9 m, 400 MHz:
#: 0.77 period, where the flank meets the second top no more than 0.1 period later than it).
TERRACE_PERIODS = 0.5
#: Half the span over which the bend of a top is read, m (about a Fresnel zone at 1 m, 400 MHz).
TERRACE_HALF_M = 0.5


#: The along-track extent of a body is that of its strong tops within this many periods of its
#: earliest (``top_start_m``/``top_end_m``): half a period, the two-way time of the first Fresnel
#: zone's edge. The strong columns reach further, down the diffraction flanks beyond the body's
#: edges (full-wave cavities: +1.1 m median against the truth, wet zones +0.95 m; within half a
#: period +0.26 and -0.04 m).
TOP_EXTENT_PERIODS = 0.5

#: The extent of a flat top (``flat_top_length_m``, read by the void rule's length): the region's
#: columns whose top lies within half a period of the apex's time and reaches this fraction of
#: its strongest top envelope. An air gap thins to nothing at its edges and a gap much thinner
#: than a quarter wavelength reflects in proportion to its thickness, so a tapered void's strong
#: columns (half its strongest) are its middle: blind voids 1.15 and 0.5 m long, 2-3 cm at the
#: thickest, read 0.32 and 0.24 m and were called a doubtful cavity and nothing.
FLAT_TOP_FRACTION = 0.25
#: ... in one run with the strong columns: gaps of at most this many traces (a plateau of a layer's
#: residual a few traces beyond a void, at the same time and a quarter of its strength, had set
#: the extent of blind voids 1 m long at up to 2.1 m).
FLAT_TOP_MAX_GAP = 1

#: The fraction of a column's envelope energy, from its top to the region's last sample, by whose
#: arrival ``energy_delay_ns`` is measured (a cavity's height, :mod:`roadhealth.detect.core`).
ENERGY_FRACTION = 0.9

#: The energy window of ``energy_delay_ns`` ends at most this many periods under the top: an air
#: body 1 m tall sends its bottom reflection 6.7 ns after its top, 2.7 periods at 400 MHz.
ENERGY_MAX_PERIODS = 8

#: The traces of the lateral semblances (``coherence``, ``coherence_dip``, ``coherence_below``)
#: are this many wavelengths apart (in the scores' velocity: the given, depth-domain or default one,
#: before the hyperbola estimate), within :data:`COHERENCE_STEP_M`; the stride in traces is the
#: step over the trace spacing, rounded (half to even).
#: Scattering decorrelates over a fraction of a wavelength, and on a much finer step every event
#: looks continuous: with a fixed 5 cm step a blind 200 MHz loose zone (full-wave, traces every
#: 4 cm) read coherence 0.80-0.86 and was called a cavity, and a loose zone on every third trace
#: of the same line (12 cm) was loose.
COHERENCE_STEP_WAVELENGTHS = 0.2
#: ... the step's bounds, m. The lower one keeps the 5 cm that the full-wave sets' 400-1500 MHz
#: lines and the real grid were read at: a third of a wavelength at 400 MHz (8-9 cm) turned real
#: ringing stripes and a dipping geological layer into loose calls (0.77-0.98) on 2 cm traces,
#: while loose zones simulated on 2-3 cm traces at 400 and 900 MHz are loose at 5 cm.
COHERENCE_STEP_M = (0.05, 0.25)

#: An air body's internal multiple (:func:`_internal_multiple`): its bottom reflection is searched
#: this many periods under its top (an air gap's top and bottom merge into one wavelet nearer
#: than about a period; the search ends where an air body 1.2 m tall at 400 MHz has its bottom) ...
MULTIPLE_BOTTOM_PERIODS = (1.2, 6.0)
#: ... and its first internal multiple in this window, in periods, around twice the bottom's
#: delay: a curved top and bottom do not put it exactly there (a full-wave 900 MHz cavity 0.2 m
#: tall: bottom 2.3 periods under the top, multiple 5.4).
MULTIPLE_WINDOW_PERIODS = (-0.5, 1.0)

#: Rows of strong columns whose energy windows are measured at a time (memory: rows x window).
ENERGY_BLOCK_ROWS = 8192

#: A region's top that jumps by more than this many antenna periods between neighbouring traces
#: (beyond the steepest top a single reflector can have there) passes from one reflector to
#: another (:func:`split_at_saddles`).
JUMP_PERIODS = 1.0


def _long_parts(cuts: list, n: int, min_part: int) -> list:
    """The cuts (trace indices) of a top of ``n`` traces that leave no part shorter than
    ``min_part`` traces: the cut next to the shortest part goes first."""
    cuts = list(cuts)
    while cuts:
        lengths = np.diff(np.r_[0, np.asarray(cuts), n])  # (a cut trace starts the next part)
        short = int(np.argmin(lengths))
        if lengths[short] >= min_part:
            break
        cuts.pop(min(short, len(cuts) - 1))
    return cuts


def _top_profile(trace: np.ndarray, s_top: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A region's top along track: the earliest top sample of its columns at each of ``n``
    traces (``trace``: 0 ... n-1), interpolated over traces without a column, and where a
    trace has one."""
    top = np.full(n, np.inf)
    np.minimum.at(top, trace, s_top)
    have = np.isfinite(top)
    idx = np.arange(n)
    return np.interp(idx, idx[have], top[have]), have


def _relabel(label: np.ndarray, sel: np.ndarray, tt: np.ndarray, cuts: list, next_label: int) -> int:
    """Give the columns ``sel`` (at traces ``tt``, counted from the region's first trace) after
    each cut a new label from ``next_label`` on; returns the next free label."""
    part = np.searchsorted(np.asarray(cuts), tt, side="right")
    for j in range(1, len(cuts) + 1):
        label[sel[part == j]] = next_label
        next_label += 1
    return next_label


def split_at_saddles(recs: pd.DataFrame, period_samples: int, min_part: int = 1,
                     max_step: float = 0.0) -> pd.DataFrame:
    """``recs`` (:func:`column_records`) with every region whose top, along track, rises to two or
    more apexes separated by a saddle :data:`SADDLE_PERIODS` periods deeper than both, relabelled
    into one region per apex, split at the saddles: the first part keeps the region's label, the
    others get new ones after the largest; ``parent`` holds the region's label. Crossing
    hyperbola flanks join neighbouring objects into one region (three objects 2.8 m apart on a
    9 m line: tops 15, 18 and 13 ns, saddles 23 and 22 ns). A region is also cut where its top
    jumps between neighbouring traces by more than :data:`JUMP_PERIODS` periods plus ``max_step``
    samples (the steepest change of one reflector's top from trace to trace), where no saddle
    cuts it into parts of ``min_part`` traces: one reflector ends there and another, shallower or
    deeper, takes over (the labels of the regions cut so are listed in
    ``attrs["split_at_jumps"]``). A pipe's flank that rises over the flat top of a wet zone beside
    it leaves no saddle, only that jump (a hand-written gprMax model, 600 MHz: a wet zone's top at
    8.7 periods, the flank of a metal pipe 1 m beside it at 7.3 on the next trace). Whether a
    split is kept is decided on the parts' kinds (:func:`roadhealth.detect.core._analyse`); a cut
    that would leave a part shorter than ``min_part`` traces is not made. The loop runs over
    regions, not traces."""
    from scipy.signal import find_peaks

    depth = SADDLE_PERIODS * period_samples
    jump = JUMP_PERIODS * period_samples + max_step
    label = recs["label"].to_numpy().copy()
    t_all = recs["t"].to_numpy()
    s_top = recs["s_top"].to_numpy().astype(float)
    next_label = int(label.max()) + 1
    jumped = []
    for lab in np.unique(label):
        sel = np.flatnonzero(label == lab)
        tt = t_all[sel]
        t0, t1 = int(tt.min()), int(tt.max())
        if t1 - t0 < 6:
            continue
        top, have = _top_profile(tt - t0, s_top[sel], t1 - t0 + 1)
        apex, _ = find_peaks(-top)
        cuts = []
        if apex.size >= 2:
            a = apex[0]
            for b in apex[1:]:
                k = a + int(np.argmax(top[a:b + 1]))
                if top[k] - max(top[a], top[b]) >= depth:
                    cuts.append(k)
                    a = b
                elif top[b] < top[a]:
                    a = b  # the shallower apex is the reference of the next saddle
        cuts = _long_parts(cuts, top.size, min_part)
        at_jumps = not cuts
        if at_jumps:  # no saddle: where the top jumps (between traces with a column of the region: a
            # gap's interpolated top does not jump); the trace after the jump starts a part
            step = np.abs(np.diff(top)) * (have[1:] & have[:-1])
            cuts = _long_parts((np.flatnonzero(step > jump) + 1).tolist(), top.size, min_part)
        if not cuts:
            continue
        if at_jumps:
            jumped.append(int(lab))
        next_label = _relabel(label, sel, tt - t0, cuts, next_label)
    out = recs.assign(parent=recs["label"].to_numpy(), label=label)
    out.attrs["split_at_jumps"] = jumped
    return out


def _fill_pits(top: np.ndarray, step: float, max_width: int) -> np.ndarray:
    """``top`` with its pits filled: a run of at most ``max_width`` traces entered by a step later
    than ``step`` from one trace to the next and left by a step earlier than ``-step`` (the first
    lobe missed on a few columns: a lobe skip, steeper than any reflector's top) is replaced by a
    straight line between the traces either side. A gradual bend (crossing flanks) is kept. The
    loop runs over the steps, never over traces."""
    d = np.diff(top)
    down, up = np.flatnonzero(d > step), np.flatnonzero(d < -step)
    out = top.copy()
    for i in down:
        k = np.searchsorted(up, i + 1)
        if k < up.size and up[k] - i <= max_width:
            j = up[k] + 1  # the first trace after the pit
            out[i + 1:j] = np.interp(np.arange(i + 1, j), [i, j], [top[i], top[j]])
    return out


def split_at_terraces(recs: pd.DataFrame, period_samples: int, min_part: int, half: int,
                      max_step: float = 0.0, first_label: int | None = None) -> pd.DataFrame:
    """``recs`` (:func:`column_records`) with every region whose top bends the wrong way for one
    body's top relabelled into parts, cut where it does; ``parent`` holds the region's label.
    The top is read on the region's channel with the most columns, over that channel's span; the
    cuts part every channel.

    One body's top (flat, domed or a diffraction hyperbola) is convex along track. Where the
    flank of a body runs into the top of a second, deeper one, the region's top (the earliest of
    both) turns flat again: at that trace it lies later than the mean of its times ``half``
    traces either side, by :data:`TERRACE_PERIODS` periods or more (a saddle between two tops
    does so too). Late pits (a few columns whose first lobe was missed) are filled first
    (:func:`_fill_pits`: entered and left by steps of more than half a period or ``max_step``
    samples, the steepest a reflector's top changes from one trace to the next, at most
    ``min_part`` traces wide).
    Cuts that would leave a part shorter than ``min_part`` traces are not made. The first part
    keeps the region's label, the others get new ones from ``first_label`` on (default: after
    the largest). Whether the parts are kept is for the caller to decide (two air bodies:
    :func:`roadhealth.detect.core._keep_splits`). The loop runs over regions, not traces."""
    from scipy.ndimage import median_filter
    from scipy.signal import find_peaks

    label = recs["label"].to_numpy().copy()
    t_all = recs["t"].to_numpy()
    c_all = recs["c"].to_numpy()
    s_top = recs["s_top"].to_numpy().astype(float)
    next_label = int(label.max()) + 1 if first_label is None else int(first_label)
    if next_label <= int(label.max()):
        raise ValueError(f"first_label {first_label} would reuse a region's label (largest {int(label.max())})")
    height = TERRACE_PERIODS * period_samples
    for lab in np.unique(label):
        sel = np.flatnonzero(label == lab)
        tt = t_all[sel]
        # the top of one channel, the one with the most columns (in an array the earliest top of
        # all channels is the envelope of their tops, which an oblique pipe bends), over that
        # channel's own span (held flat beyond it, a flank would seem to bend)
        cc = c_all[sel]
        one = cc == np.bincount(cc).argmax()
        t0, t1 = int(tt[one].min()), int(tt[one].max())
        if t1 - t0 + 1 <= 2 * half or t1 - t0 + 1 < 2 * min_part:
            continue
        top, _ = _top_profile(tt[one] - t0, s_top[sel][one], t1 - t0 + 1)
        # (single-trace spikes out first: a running median of three traces)
        top = _fill_pits(median_filter(top, size=3, mode="nearest"), max(max_step, 0.5 * period_samples), min_part)
        bend = top[half:-half] - 0.5 * (top[:-2 * half] + top[2 * half:])
        peaks, _ = find_peaks(np.r_[-np.inf, bend, -np.inf], height=height, distance=max(1, min_part))
        cuts = _long_parts((peaks - 1 + half).tolist(), top.size, min_part)
        if cuts:
            next_label = _relabel(label, sel, tt - t0, cuts, next_label)
    return recs.assign(parent=recs["label"].to_numpy(), label=label)


def _windows(arr2d: np.ndarray, cols: np.ndarray, centre: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """The windows arr2d[col, centre+lo : centre+hi], one row per column, zero outside the trace,
    and where they are inside it."""
    n_s = arr2d.shape[1]
    k = centre[:, None] + np.arange(lo, hi)[None, :]
    inside = (k >= 0) & (k < n_s)
    return np.where(inside, arr2d[cols[:, None], np.clip(k, 0, n_s - 1)], arr2d.dtype.type(0)), inside


#: A region's apex is the top of its strongest columns, and its columns whose tops lie more than
#: half a period above it are not its top (shallower events joined through weak voxels) ...
#: unless they carry at least this many times the envelope of the apex's own event (the strong
#: columns, half the strongest and more, whose tops lie within half a period of it): then the
#: apex's columns are a few whose top window peaked on a later lobe, and the top is that earlier,
#: heavier event's (:func:`_apex_time`). Under noise and a 3-D wave's spreading a flat cavity
#: top 0.9 m long read its two strongest columns a period and a half late, on its bottom and the
#: edges' crossing diffractions, and the region shrank to them (robustness variant ``noisy_3d``,
#: blind ``bw600_cavity_58``: 19 columns of 0.3-0.5 of the strongest at 16 ns, the two strongest
#: at 18 ns). None: off.
HEAVIER_TOP_RATIO: float | None = 2.0
#: ... and that lies this many periods above the apex (from, to): a separate wavelet (as
#: :data:`EARLY_TOP_MIN_PERIODS`), and a later lobe of the same body (its bottom and the edges'
#: diffractions arrive one to two periods after its top), not a second body over it. Nearer, the
#: apex of a scattered top is only read a little earlier: from half a period on, a blind cavity
#: under a metal pipe (900 MHz, `bw900_multi_03`), its region's apex moved 0.67 period up, was lost.
HEAVIER_TOP_PERIODS = (1.0, 2.0)


def _apex_time(g: _Groups, s: np.ndarray, e: np.ndarray, e_max: np.ndarray, period: int) -> np.ndarray:
    """Per group of columns (``g``; tops ``s``, top envelopes ``e``, ``e_max`` each column's group
    maximum): the apex time, the median top of the columns reaching 0.8 of the maximum, moved up
    to the median top of a heavier event above it where that event lies :data:`HEAVIER_TOP_PERIODS`
    periods above the apex and carries :data:`HEAVIER_TOP_RATIO` times the apex's own envelope
    (sums over the strong columns, ``e`` at least half ``e_max``, whose tops lie within half a
    ``period`` of the event's time); the events are read on bins of half a period."""
    apex = g.quantile(np.where(e >= 0.8 * e_max, s, np.nan), 0.5)
    if HEAVIER_TOP_RATIO is None or s.size == 0:
        return apex
    cand = (e >= 0.5 * e_max) & np.isfinite(e)
    half = max(1.0, 0.5 * period)
    w = np.where(cand, e, 0.0)
    own = g.sum(np.where(np.abs(s - apex[g.inv]) <= half, w, 0.0))  # the apex's own event
    # events above the apex: bins of half a period from each group's earliest top
    s0 = g.min(np.where(cand, s, np.nan))
    s0 = np.where(np.isfinite(s0), s0, 0.0)
    b = np.floor((s - s0[g.inv]) / half).astype(np.int64)
    b = np.where(cand & (b >= 0), b, -1)
    hist = np.zeros((g.n, int(b.max()) + 3))
    ok = b >= 0
    np.add.at(hist, (g.inv[ok], b[ok] + 1), w[ok])
    heavy = hist[:, :-2] + hist[:, 1:-1] + hist[:, 2:]  # bins b-1..b+1 (one period and a half)
    best = np.argmax(heavy, axis=1)
    w_best = heavy[np.arange(g.n), best]
    t_best_bin = s0 + (best + 0.5) * half  # the heaviest event's centre
    near = cand & (np.abs(s - t_best_bin[g.inv]) <= 1.5 * half)
    t_best = g.quantile(np.where(near, s, np.nan), 0.5)
    lo, hi = HEAVIER_TOP_PERIODS
    moved = ((w_best >= HEAVIER_TOP_RATIO * own) & np.isfinite(t_best) & (t_best <= apex - lo * period)
             & (t_best >= apex - hi * period))
    return np.where(moved, t_best, apex)


def _window_energy(cols: np.ndarray, centre: np.ndarray, lo: int, hi: int, arr2d: np.ndarray,
                   square: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Sum of arr2d[col, centre+lo : centre+hi] (squared) per column (clipped to the trace), and
    the number of samples summed."""
    vals, inside = _windows(arr2d, cols, centre, lo, hi)
    vals = vals.astype(np.float64)
    if square:
        vals *= vals
    return vals.sum(axis=1), inside.sum(axis=1)


def region_features(att: Attributes, reg: Regions, *, dt_ns: float, t0_ns: float, surface_ns: float,
                    centre_mhz: float, velocity_m_per_ns: float, distance_m: np.ndarray,
                    offset_m: np.ndarray, records: pd.DataFrame | None = None,
                    max_regions: int = 400, part_offset: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features of every region (one row per region, indexed by label) and its strong columns.

    Parameters
    ----------
    distance_m : numpy.ndarray (channel, trace)
        Along-track position of every trace, m.
    offset_m : numpy.ndarray (channel,)
        Across-track offset of every channel, m.
    records : pandas.DataFrame, optional
        The regions' column records (:func:`column_records`, possibly relabelled by
        :func:`split_at_saddles`); default: computed from ``reg``.
    max_regions : int
        At most this many regions (the largest) get a diffraction-hyperbola fit.
    part_offset : int, optional
        Labels from this one on are parts of split regions (:func:`split_at_saddles`), measured
        in the same pass: they get their own ``max_regions`` fits.

    Returns
    -------
    features : pandas.DataFrame
        See the module notes; also ``t_top_ns``, ``t_bottom_ns``, ``depth_top_m``,
        ``depth_bottom_m``, ``distance_start_m``, ``distance_end_m``, ``offset_start_m``,
        ``offset_end_m``, ``n_channels``, ``n_columns``.
    strong : pandas.DataFrame
        The strong columns (label, c, t, s_top, a_top, e_top, ...).
    """
    recs = column_records(att, reg) if records is None else records
    if recs.empty:
        return pd.DataFrame(), recs
    n_c, n_t, n_s = att.x.shape
    p = att.period_samples
    # (grouped with numpy (_Groups) on the columns' arrays: pandas' groupby costs more than the
    # features themselves on a survey of a few regions)
    r_lab = recs["label"].to_numpy()
    g_all = _Groups(r_lab)
    recs = _lone_apex_tops(recs, g_all, att, p)
    r_e = recs["e_top"].to_numpy(float)
    r_s = recs["s_top"].to_numpy()
    # the apex: the top time of the strongest columns; strong columns are those reaching half the
    # strongest whose top is not shallower than the apex (shallower events joined to the region
    # through weak voxels are not its top)
    e_max = g_all.max(r_e)[g_all.inv]
    t_apex = _apex_time(g_all, r_s, r_e, e_max, p)[g_all.inv]
    strong = recs[(r_e >= 0.5 * e_max) & (r_s >= t_apex - 0.5 * p)].reset_index(drop=True)
    # the columns that continue the apex's own event, however faint (see FLAT_TOP_FRACTION)
    flat_own = (r_e >= FLAT_TOP_FRACTION * e_max) & (np.abs(r_s - t_apex) <= 0.5 * p)
    if strong.empty:  # (only where every top envelope is NaN)
        return pd.DataFrame(), strong
    lab_s = strong["label"].to_numpy()
    grp = _Groups(lab_s)
    e_top_s = strong["e_top"].to_numpy(float)
    apex = e_top_s >= 0.8 * grp.max(e_top_s)[grp.inv]
    cc = strong["c"].to_numpy()
    tt = strong["t"].to_numpy()
    cols = (cc * n_t + tt).astype(np.int64)
    s_top = strong["s_top"].to_numpy()
    env2, h2, rows2 = att.analytic_rows(cols)  # the strong columns' rows in the kept arrays
    half = max(1, p // 2)
    e1, _ = _window_energy(rows2, s_top, -half, half + 1, env2)
    e2, _ = _window_energy(rows2, s_top, p + half, 4 * p, env2)
    # below the region: 1-5 periods under its last sample, against the background there
    s_last = strong["s_last"].to_numpy()
    # the time after the top by which 90 % of the envelope energy from the top to the region's
    # last sample, over at most ENERGY_MAX_PERIODS, has arrived (a body's top and bottom
    # reflections; faint multiples and ringing, which a noise-free record lets reach far down,
    # carry little energy); NaN where the column has no such window (its top searched below the
    # region's last sample) or no energy. In blocks of rows: memory rows x window at most.
    n_w = int(np.clip(np.max(s_last - s_top, initial=0) + 1, 1, ENERGY_MAX_PERIODS * p))
    energy_delay = np.full(s_top.size, np.nan)
    # ... and the same before the top's first surface multiple, which comes as long after the top
    # as the top after the surface (half a period earlier: its leading lobe): a shallow air body's
    # energy down to the region's last sample holds its multiple, strong as the body is
    s_mult = np.floor(2 * s_top - (surface_ns - t0_ns) / dt_ns - half).astype(np.int64)
    primary_delay = np.full(s_top.size, np.nan)
    for b0 in range(0, s_top.size, ENERGY_BLOCK_ROWS):
        b = slice(b0, b0 + ENERGY_BLOCK_ROWS)
        kw = s_top[b, None] + np.arange(n_w, dtype=np.int64)[None, :]
        w_e = np.where(kw <= s_last[b, None], env2[rows2[b, None], np.clip(kw, 0, n_s - 1)], np.float32(0.0)) ** 2
        for out, end in ((energy_delay, s_last[b]), (primary_delay, np.minimum(s_last[b], s_mult[b]))):
            cum = np.cumsum(np.where(kw <= end[:, None], w_e, np.float32(0.0)), axis=1)
            total = cum[:, -1]
            delay = np.argmax(cum >= ENERGY_FRACTION * total[:, None], axis=1) * dt_ns
            out[b] = np.where((end >= s_top[b]) & (total > 0), delay, np.nan)
    bg2 = (att.bg_median.astype(np.float64) ** 2)  # (channel, sample)
    eb, nb = _window_energy(rows2, s_last, p, 5 * p, env2)
    k = s_last[:, None] + np.arange(p, 5 * p)[None, :]
    inside = k < n_s
    bgw = np.where(inside, bg2[strong["c"].to_numpy()[:, None], np.clip(k, 0, n_s - 1)], 0.0).sum(axis=1)
    # top-lobe spectral centroid: windows of two periods around the top
    w = 2 * p
    kk = np.clip(s_top[:, None] + np.arange(-p, p)[None, :], 0, n_s - 1)
    seg = att.x.reshape(n_c * n_t, n_s)[cols[:, None], kk].astype(np.float64)
    seg *= np.hanning(w)[None, :]
    spec = np.abs(np.fft.rfft(seg, n=max(64, 4 * w), axis=1)) ** 2
    f = np.fft.rfftfreq(max(64, 4 * w), d=dt_ns) * 1000.0  # MHz
    centroid = (spec * f).sum(axis=1) / np.maximum(spec.sum(axis=1), 1e-30)
    # lateral semblance of the top over 5 traces of the same channel, a fifth of a wavelength and
    # at least 5 cm apart (COHERENCE_STEP_*; every ``stride``-th trace on a finely sampled line:
    # over a few centimetres every event looks continuous)
    sp, stride = coherence_stride(distance_m, velocity_m_per_ns, centre_mhz)
    offs = stride * np.arange(-2, 3)
    tn = np.clip(tt[:, None] + offs[None, :], 0, n_t - 1)
    kw = np.clip(s_top[:, None] + np.arange(-half, half + 1)[None, :], 0, n_s - 1)
    semblance = _semblance(att.x_raw[cc[:, None, None], tn[:, :, None], kw[:, None, :]])
    # the same along the top itself: each neighbour's window centred on its own top where it is a
    # strong column of the region (else on the local slope's prediction): two neighbours each
    # side where they are 6 cm apart or less (about +-0.1 m), else one (+-one step: a line sampled
    # more coarsely, or the longer step of a low-frequency antenna). A curved top
    # or a hyperbola flank is coherent along it, not at zero dip; the tops of chaotic scattering
    # jump from trace to trace, and their wavelets do not add up along them.
    side = 2 if stride * sp <= 0.06 else 1
    offs_d = stride * np.arange(-side, side + 1)
    slope = _local_slope(lab_s, cc, tt, s_top, span=stride)
    key = (lab_s.astype(np.int64) * n_c + cc) * n_t + tt
    order_k = np.argsort(key, kind="stable")
    key_sorted, s_sorted = key[order_k], s_top[order_k]
    tn_d = np.clip(tt[:, None] + offs_d[None, :], 0, n_t - 1)
    want = (lab_s.astype(np.int64)[:, None] * n_c + cc[:, None]) * n_t + tn_d
    pos = np.clip(np.searchsorted(key_sorted, want), 0, key_sorted.size - 1)
    found = key_sorted[pos] == want
    # a neighbour's own top is followed only within a quarter period of the slope's prediction
    # (the curvature of a smooth top); a jump is chaos, and the prediction is used. The outer
    # neighbours are predicted from the inner ones (their followed top and their own slope), so
    # a curved top is tracked step by step: carried straight over two steps, a dome's
    # curvature put the outer prediction past the quarter period on 1 cm traces at 1.5 GHz
    tol = max(1, p // 4)
    slope_sorted = slope[order_k]
    centre = np.repeat(s_top[:, None], offs_d.size, axis=1).astype(np.int64)
    mid = side
    for sign in (-1, 1):
        base, base_slope = s_top.astype(np.int64), slope
        for k in range(1, side + 1):
            j = mid + sign * k
            predicted = base + np.round(base_slope * sign * stride).astype(np.int64)
            follow = found[:, j] & (np.abs(s_sorted[pos[:, j]] - predicted) <= tol)
            centre[:, j] = np.where(follow, s_sorted[pos[:, j]], predicted)
            base = centre[:, j]
            base_slope = np.where(follow, slope_sorted[pos[:, j]], base_slope)
    kd = np.clip(centre[:, :, None] + np.arange(-half, half + 1)[None, None, :], 0, n_s - 1)
    along = _semblance(att.x_raw[cc[:, None, None], tn_d[:, :, None], kd])
    # the same along the top's dip, in the window of the ringing (1.5-4 periods under the top):
    # a body's bottom and internal multiples follow its top, a loose zone's scattering does not
    kb = centre[:, :, None] + np.arange(p + half, 4 * p)[None, None, :]
    blk = att.x_raw[cc[:, None, None], tn_d[:, :, None], np.clip(kb, 0, n_s - 1)].astype(np.float64)
    blk[(kb < 0) | (kb >= n_s)] = 0.0  # past the end of the record: nothing, not the last sample again
    below = _semblance(blk)
    del blk
    # the better of the two: picks that jump on a flat coherent event (a weak one, or few
    # strong columns) must not make it look chaotic
    best = np.maximum(semblance, along)
    # surface: strongest score of the surface rows in the column
    s_surf = round((surface_ns - t0_ns) / dt_ns)
    ks = np.clip(np.arange(s_surf - half, s_surf + half + 1), 0, n_s - 1)
    env_s = env2[rows2[:, None], ks[None, :]]
    anom_s = env_s - att.bg_median[cc][:, ks]  # the surface rows' anomaly
    a_surf = anom_s.max(axis=1)  # in amplitude
    zs = (anom_s / att.bg_scale[cc][:, ks]).max(axis=1)  # as a score
    z_top = (e_top_s - att.bg_median[cc, s_top]) / att.bg_scale[cc, s_top]
    # the same against the rows around the top in time (for a top that fills its own rows)
    z_depth = ((e_top_s - att.bg_median_depth[cc, s_top]) / att.bg_scale_depth[cc, s_top]
               if att.bg_median_depth is not None else z_top)
    distance = distance_m[cc, tt]
    offset = offset_m[cc]
    # the top wavelets read along the region's smoothed top: each column's top time replaced by the
    # running median of the strong columns' tops within SMOOTH_TOP_TRACES traces of it (same
    # region and channel; the column itself always among them), its phasor and envelope there
    w_tr = max(1, SMOOTH_TOP_TRACES if SMOOTH_TOP_TRACES is not None else int(att.stack_traces) // 2)
    offs_s = np.arange(-w_tr, w_tr + 1)
    want_s = key[:, None] + offs_s[None, :]
    tn_s = tt[:, None] + offs_s[None, :]
    pos_s = np.clip(np.searchsorted(key_sorted, want_s), 0, key_sorted.size - 1)
    ok_s = (key_sorted[pos_s] == want_s) & (tn_s >= 0) & (tn_s < n_t)
    # (the median of each row's present neighbours: sorted with the absent ones last)
    srt = np.sort(np.where(ok_s, s_sorted[pos_s].astype(float), np.inf), axis=1)
    n_ok = ok_s.sum(axis=1)
    r_i = np.arange(srt.shape[0])
    s_sm = 0.5 * (srt[r_i, (n_ok - 1) // 2] + srt[r_i, n_ok // 2])
    s_sm = np.clip(np.round(s_sm).astype(np.int64), 0, n_s - 1)
    a_sm = att.x.reshape(n_c * n_t, n_s)[cols, s_sm].astype(float)
    h_sm = h2[rows2, s_sm].astype(float)
    e_sm = env2[rows2, s_sm].astype(float)
    t_top = t0_ns + s_top * dt_ns
    t_last = t0_ns + s_last * dt_ns
    strong = strong.assign(apex=apex, e1=e1, e2=e2, eb=eb, nb=nb, bgw=bgw, centroid=centroid, semblance=semblance,
                           semblance_dip=best, semblance_below=below, z_surface=zs, z_top=z_top,
                           distance=distance, offset=offset, t_top=t_top, t_last=t_last)
    a_top = strong["a_top"].to_numpy(float)
    h_top = strong["h_top"].to_numpy(float)
    apex_t = np.where(apex, t_top, np.nan)
    sum_a, sum_h = grp.sum(a_top), grp.sum(h_top)
    # the body's own extent: the strong columns whose top lies within TOP_EXTENT_PERIODS of the
    # region's earliest strong top, its apex (the hyperbola flanks beyond a body's edges fall
    # later; a strong column reaches half the region's strongest envelope, so an isolated early
    # pick is rare. A later reference, the top time below or its 5 % quantile, took in more of
    # the flanks: a blind 200 MHz cavity 0.8 m long read 1.3 m against the earliest, 1.6 m against
    # the 5 % quantile)
    near = t_top <= grp.min(t_top)[grp.inv] + TOP_EXTENT_PERIODS * p * dt_ns
    cols_out = {
        "n_columns": grp.count(),
        "n_channels": grp.nunique(cc),
        "distance_start_m": grp.min(distance),
        "distance_end_m": grp.max(distance),
        "top_start_m": grp.min(np.where(near, distance, np.nan)),
        "top_end_m": grp.max(np.where(near, distance, np.nan)),
        "top_trace_min": grp.min(np.where(near, tt, np.nan)),
        "top_trace_max": grp.max(np.where(near, tt, np.nan)),
        "offset_min": grp.min(offset),
        "offset_max": grp.max(offset),
        "t_top_ns": np.fmin(grp.quantile(apex_t, 0.5), grp.quantile(t_top, TOP_QUANTILE)),
        "t_top_median_ns": grp.quantile(t_top, 0.5),
        "top_range_ns": grp.quantile(t_top, 0.9) - grp.quantile(t_top, 0.1),
        "t_bottom_ns": grp.quantile(t_last, 0.5),
        "energy_delay_ns": grp.quantile(energy_delay, 0.5),
        "primary_delay_ns": grp.quantile(primary_delay, 0.5),
        "polarity_raw": sum_a / np.maximum(grp.sum(np.abs(a_top)), 1e-30),
        # envelope-weighted mean phasor of the top wavelets: its angle and its length over the
        # summed envelope
        "phase_top_rad": np.arctan2(sum_h, sum_a),
        "phase_consistency": np.hypot(sum_h, sum_a) / np.maximum(grp.sum(e_top_s), 1e-30),
        # the same read along the smoothed top (SMOOTH_TOP_TRACES): noise that jitters the picks
        # does not scatter it
        "phase_consistency_smooth": np.hypot(grp.sum(h_sm), grp.sum(a_sm)) / np.maximum(grp.sum(e_sm), 1e-30),
        "ringing": grp.sum(e2) / np.maximum(grp.sum(e1), 1e-30),
        "below_db": 10 * np.log10(np.maximum(grp.sum(eb), 1e-30) / np.maximum(grp.sum(bgw), 1e-30)),
        "centroid_mhz": grp.quantile(centroid, 0.5),
        "coherence": grp.quantile(semblance, 0.5),
        # over the apex columns (the top proper; isolated far-flank columns have no neighbours
        # to follow)
        "coherence_dip": grp.quantile(np.where(apex, best, np.nan), 0.5),
        "coherence_below": grp.quantile(np.where(apex, below, np.nan), 0.5),
        "z_surface": grp.quantile(zs, 0.5),
        # the same anomaly in amplitude over the top's envelope: a cover's surface anomaly is
        # stronger than what rings under it; a residual of the direct wave that only the score of a
        # noise-free record makes large is a few hundredths of a defect's top
        "surface_amplitude_ratio": grp.quantile(a_surf, 0.5) / np.maximum(grp.quantile(e_top_s, 0.5), 1e-30),
        "z_top": grp.quantile(z_top, 0.5),
        "z_top_depth": grp.quantile(z_depth, 0.5),
    }
    cols_out["coherence_dip"] = np.fmax(cols_out["coherence_dip"], cols_out["coherence"])  # never below zero-dip
    # an air body's bottom and internal multiple, on the envelope of its top columns (the body's
    # own extent, without the flanks) aligned on their tops
    sel = np.flatnonzero(near)
    bot = _internal_multiple(grp.inv[sel], grp.n, rows2[sel], s_top[sel], env2, p)
    cols_out["bottom_delay_ns"] = bot[0] * dt_ns
    cols_out["bottom_ratio"], cols_out["multiple_ratio"] = bot[1], bot[2]
    # across the channels: the apex of each channel (its strongest column)
    key_lc = lab_s.astype(np.int64) * n_c + cc
    g_lc = _Groups(key_lc)
    per_ch = np.lexsort((-e_top_s, key_lc))[np.r_[0, np.cumsum(g_lc.counts)[:-1]]]  # strongest per (label, c)
    g_ch = _Groups(lab_s[per_ch])  # the same labels as grp, in the same order
    ch_apex = g_lc.quantile(t_top, 0.1)
    g_ap = _Groups(g_lc.keys // n_c)
    cols_out["apex_range_ns"] = g_ap.quantile(ch_apex, 0.9) - g_ap.quantile(ch_apex, 0.1)
    cols_out["channel_amplitude_ratio"] = (g_ch.quantile(e_top_s[per_ch], 0.1)
                                           / np.maximum(g_ch.max(e_top_s[per_ch]), 1e-30))
    cols_out["channel_fraction"] = g_ch.count() / n_c
    cols_out["apex_line_rms_m"] = _line_rms(g_ch, offset[per_ch], distance[per_ch])
    # the regions' peak scores over all their columns
    at = np.searchsorted(g_all.keys, grp.keys)
    z_peak = g_all.max(recs["z_max"].to_numpy(float))[at]
    cols_out["zc_peak"] = g_all.max(recs["zc_max"].to_numpy(float))[at]
    cols_out["z_peak_short"] = g_all.max(recs["zs_max"].to_numpy(float))[at]
    # the region's extent along track, for chaotic scattering whose strong columns may be its
    # brightest scatterer alone: the columns with evidence of their own (the short-stack score at
    # the region threshold, not the halo the coarse score's 0.75 m window adds around the zone),
    # trimmed by the half-widths of the 0.25 m stack and the 0.2 m smoothing, which spread a
    # scatterer's score along track
    zs = recs["zs_max"].to_numpy(float)
    trim = att.stack_traces // 2 + att.smooth_traces // 2
    r_t, r_c = recs["t"].to_numpy(float), recs["c"].to_numpy(float)

    def extent(own):  # first and last trace (trimmed) and positions of the ``own`` columns per region
        gr = _Groups(r_lab[own])
        t_lo, t_hi = np.full(grp.n, np.nan), np.full(grp.n, np.nan)
        ch_own = np.zeros(grp.n, dtype=np.intp)
        has = np.zeros(grp.n, dtype=bool)
        if gr.n:  # (regions without such columns keep NaN)
            lo = np.clip(gr.min(r_t[own]) + trim, 0, n_t - 1)
            hi = np.clip(gr.max(r_t[own]) - trim, 0, n_t - 1)
            pos = np.minimum(np.searchsorted(gr.keys, grp.keys), gr.n - 1)
            has = gr.keys[pos] == grp.keys
            t_lo[has] = np.round(np.minimum(lo, hi)[pos[has]])
            t_hi[has] = np.round(np.maximum(lo, hi)[pos[has]])
            ch_own[has] = np.round(gr.min(r_c[own])[pos[has]]).astype(np.intp)
        d_lo, d_hi = (np.where(has, distance_m[ch_own, np.nan_to_num(b).astype(np.intp)], np.nan) for b in (t_lo, t_hi))
        # (positions in ascending order: a line recorded backwards has its distance falling with the trace index)
        return t_lo, t_hi, np.fmin(d_lo, d_hi), np.fmax(d_lo, d_hi)

    (cols_out["region_trace_min"], cols_out["region_trace_max"], cols_out["region_start_m"],
     cols_out["region_end_m"]) = extent(zs >= ZONE_MIN_Z)
    # the flat top's extent (FLAT_TOP_FRACTION): its columns within half a period of the apex's
    # time down to that fraction of the strongest, in one run with the strong columns (gaps of at
    # most FLAT_TOP_MAX_GAP traces); NaN where there is none (a region whose apex columns lie far
    # apart in time may have no column at their median time) and, in core._finish_features, where
    # it reaches a line's end
    for name in ("flat_top_start_m", "flat_top_end_m", "flat_trace_min", "flat_trace_max"):
        cols_out[name] = np.full(grp.n, np.nan)
    fl_lab = r_lab[flat_own].astype(np.int64)
    gi = np.minimum(np.searchsorted(grp.keys, fl_lab), grp.n - 1)  # (every region here has strong columns)
    ok = grp.keys[gi] == fl_lab
    if ok.any():
        gi, fl_t, fl_c = gi[ok], r_t[flat_own][ok].astype(np.intp), r_c[flat_own][ok].astype(np.intp)
        order = np.lexsort((fl_t, gi))
        gi, fl_t, fl_c = gi[order], fl_t[order], fl_c[order]
        step = FLAT_TOP_MAX_GAP + 1
        brk = np.r_[True, (gi[1:] != gi[:-1]) | (np.diff(fl_t) > step)]
        first = np.flatnonzero(brk)
        run = np.cumsum(brk) - 1
        r_lo, r_hi, r_g = np.minimum.reduceat(fl_t, first), np.maximum.reduceat(fl_t, first), gi[first]
        s_lo, s_hi = grp.min(tt).astype(np.intp), grp.max(tt).astype(np.intp)  # the strong columns' traces
        joined = (r_hi >= s_lo[r_g] - step) & (r_lo <= s_hi[r_g] + step)
        keep = joined[run]
        gk, tk, dk = gi[keep], fl_t[keep], distance_m[fl_c[keep], fl_t[keep]]
        lo, hi = np.full(grp.n, np.iinfo(np.intp).max), np.full(grp.n, -1)
        d_lo, d_hi = np.full(grp.n, np.inf), np.full(grp.n, -np.inf)
        np.minimum.at(lo, gk, tk)
        np.maximum.at(hi, gk, tk)
        np.minimum.at(d_lo, gk, dk)
        np.maximum.at(d_hi, gk, dk)
        for name, v in (("flat_top_start_m", d_lo), ("flat_top_end_m", d_hi), ("flat_trace_min", lo),
                        ("flat_trace_max", hi)):
            cols_out[name] = np.where(hi >= 0, v, np.nan)
    cols_out["flat_top_length_m"] = cols_out["flat_top_end_m"] - cols_out["flat_top_start_m"]
    # the extent reported for a chaotic zone: its columns that also reach ZONE_PEAK_FRACTION of
    # the region's strongest (the diffraction tails of the scatterers at a zone's edges keep the
    # absolute score past them, far on in a quiet record)
    (cols_out["zone_trace_min"], cols_out["zone_trace_max"], cols_out["zone_start_m"],
     cols_out["zone_end_m"]) = extent(zs >= np.maximum(ZONE_MIN_Z, ZONE_PEAK_FRACTION * g_all.max(zs)[g_all.inv]))
    hyp = _hyperbolas(recs, distance_m, t0_ns, dt_ns, max_regions, period_ns=p * dt_ns, spacing_m=sp,
                      part_offset=part_offset)
    later = {c: cols_out.pop(c) for c in ("zc_peak", "z_peak_short", "region_trace_min", "region_trace_max",
                                          "region_start_m", "region_end_m", "zone_trace_min", "zone_trace_max",
                                          "zone_start_m", "zone_end_m")}
    feats = pd.DataFrame(cols_out, index=pd.Index(grp.keys, name="label"))
    feats = feats.join(hyp)
    feats["hyperbola_v_ratio"] = feats["hyperbola_v"] / velocity_m_per_ns
    feats["z_peak"] = z_peak
    for c, v in later.items():
        feats[c] = v
    feats["surface_ratio"] = feats["z_surface"] / feats["z_peak"].clip(lower=1e-6)
    feats["freq_ratio"] = feats["centroid_mhz"] / centre_mhz
    v = velocity_m_per_ns
    feats["depth_top_m"] = np.maximum(v * (feats["t_top_ns"] - surface_ns) / 2, 0.0)
    feats["depth_bottom_m"] = np.maximum(v * (feats["t_bottom_ns"] - surface_ns - 0.5 * p * dt_ns) / 2,
                                         feats["depth_top_m"])
    feats["period_ns"] = p * dt_ns
    # a point diffractor at the apex time: its tops stay within a quarter period of the apex
    # over |x| <= v sqrt(t0 P / 8) (t0 the two-way time below the surface, P the period)
    t_below = np.maximum(feats["t_apex_ns"] - surface_ns, p * dt_ns)
    feats["fresnel_m"] = 2 * v * np.sqrt(t_below * p * dt_ns / 8.0)
    feats["apex_flat_ratio"] = feats["apex_flat_m"] / feats["fresnel_m"]
    if "parent" in recs:  # parts of split regions (split_at_saddles): the region each came from
        first = np.unique(r_lab, return_index=True)[1]
        feats["parent"] = recs["parent"].to_numpy()[first][at]
    return feats, strong


def _internal_multiple(gi: np.ndarray, n_groups: int, rows: np.ndarray, s_top: np.ndarray, env: np.ndarray,
                       period: int) -> np.ndarray:
    """A body's bottom reflection and first internal multiple, per group of columns.

    The envelopes of the columns (``env[rows]``, from each column's top sample ``s_top`` on) are
    averaged per group (``gi``, 0..n_groups-1). The bottom is the strongest local maximum of that
    mean :data:`MULTIPLE_BOTTOM_PERIODS` under the top; the multiple, the strongest mean envelope
    within :data:`MULTIPLE_WINDOW_PERIODS` of twice the bottom's delay.

    Physics: inside an air body the wave bounces between top and bottom, each reflecting
    |r| = (sqrt(eps) - 1) / (sqrt(eps) + 1), 0.5-0.6 in soil of eps_r 9-16, so the first internal
    multiple is some r^2 = 0.25-0.36 of the bottom reflection; inside a body of soil a little
    looser or drier than the soil around it (eps_r 5-9 in 13) |r| is 0.09-0.23 and the multiple
    0.01-0.05 of the bottom, lost under the body's edge diffractions.

    Returns
    -------
    numpy.ndarray, shape (3, n_groups)
        The bottom's delay (samples), the bottom's mean envelope over the top's and the
        multiple's over the bottom's; NaN where no peak lies in the bottom window, the top is
        zero, or (the ratio only) the multiple's window passes the end of some column's record.
    """
    out = np.full((3, n_groups), np.nan)
    if rows.size == 0 or n_groups == 0:
        return out
    lo_b, hi_b = (round(v * period) for v in MULTIPLE_BOTTOM_PERIODS)
    w_lo, w_hi = math.floor(MULTIPLE_WINDOW_PERIODS[0] * period), math.ceil(MULTIPLE_WINDOW_PERIODS[1] * period)
    n_w = 2 * hi_b + w_hi + 2
    sums = np.zeros((n_groups, n_w))
    cnt = np.zeros((n_groups, n_w))
    kk = np.arange(n_w, dtype=np.int64)
    for b0 in range(0, rows.size, ENERGY_BLOCK_ROWS):  # (memory: rows x window at most)
        b = slice(b0, b0 + ENERGY_BLOCK_ROWS)
        order = np.argsort(gi[b], kind="stable")
        g = gi[b][order]
        vals, inside = _windows(env, rows[b][order], s_top[b][order], 0, n_w)
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        sums[g[starts]] += np.add.reduceat(vals, starts, axis=0, dtype=np.float64)
        cnt[g[starts]] += np.add.reduceat(inside, starts, axis=0, dtype=np.float64)
    n_cols = np.bincount(gi, minlength=n_groups)[:, None]
    full = cnt >= n_cols  # every column of the group has the sample
    e = sums / np.maximum(cnt, 1.0)
    peak = np.zeros(e.shape, dtype=bool)
    peak[:, 1:-1] = (e[:, 1:-1] > e[:, :-2]) & (e[:, 1:-1] >= e[:, 2:])
    eb = np.where(peak & full & (kk >= lo_b) & (kk <= hi_b), e, -np.inf)
    ib = np.argmax(eb, axis=1)
    g_all = np.arange(n_groups)
    e_top, e_bot = e[:, 0], e[g_all, ib]
    ok = np.isfinite(eb[g_all, ib]) & (e_top > 0)
    win = (kk[None, :] >= (2 * ib + w_lo)[:, None]) & (kk[None, :] <= (2 * ib + w_hi)[:, None])
    win_in = np.all(full | ~win, axis=1)  # (n_w leaves room for the latest window)
    e_mult = np.where(win, e, 0.0).max(axis=1)
    out[0] = np.where(ok, ib, np.nan)
    out[1] = np.where(ok, e_bot / np.where(ok, e_top, 1.0), np.nan)
    out[2] = np.where(ok & win_in, e_mult / np.where(ok, e_bot, 1.0), np.nan)
    return out


def coherence_stride(distance_m: np.ndarray, velocity_m_per_ns: float, centre_mhz: float) -> tuple[float, int]:
    """The trace spacing (m; the median positive step of the first channel, 0.05 where none) and
    the trace stride at which lateral semblance is read: a fifth of a wavelength, clipped to
    :data:`COHERENCE_STEP_M` (the floor where no velocity or frequency is known)."""
    sp = np.abs(np.diff(distance_m[0])) if distance_m.shape[1] > 1 else np.array([0.05])
    sp = float(np.median(sp[sp > 0])) if np.any(sp > 0) else 0.05
    step = float(np.clip(COHERENCE_STEP_WAVELENGTHS * 1000.0 * velocity_m_per_ns / max(centre_mhz, 1.0),
                         *COHERENCE_STEP_M))
    if not math.isfinite(step):
        step = COHERENCE_STEP_M[0]
    return sp, max(1, round(step / sp))


def _semblance(blk: np.ndarray) -> np.ndarray:
    """Semblance of windows (rows, neighbouring traces, samples): the energy of their sum over
    the traces against the traces' summed energy times their number (1: the same wavelet in
    every trace)."""
    blk = np.asarray(blk, dtype=np.float64)
    return (blk.sum(axis=1) ** 2).sum(axis=1) / np.maximum(blk.shape[1] * (blk ** 2).sum(axis=(1, 2)), 1e-30)


def _local_slope(label: np.ndarray, c: np.ndarray, t: np.ndarray, s_top: np.ndarray, span: int = 1) -> np.ndarray:
    """Slope of the top (samples per trace) at each column: the central difference of the top
    times of its neighbouring columns in the same region and channel (one-sided at an end of
    a run, 0 for a lone column).

    With ``span`` > 1 the difference is taken between the columns ``span`` traces either side
    where the region has them (one-sided where it has one): the baseline over which the slope
    then predicts the neighbours' tops. On a finely sampled line the tops of adjacent traces
    differ by a sample or none, so a slope read over one trace and carried ``span`` traces
    misses a curved top's neighbours by several samples (a blind 0.4 m cavity at 1.5 GHz on
    1 cm traces, ``span`` 5: coherence along its dip 0.62 against 0.98 on every second trace).
    """
    if span > 1 and s_top.size:
        slope1 = _local_slope(label, c, t, s_top)
        key = (label.astype(np.int64) * (int(c.max()) + 1) + c) * (int(t.max()) + 2 * span + 2) + t
        order = np.argsort(key, kind="stable")
        ks, ss = key[order], s_top[order].astype(float)

        def at(shift):
            want = key + shift
            pos = np.clip(np.searchsorted(ks, want), 0, ks.size - 1)
            ok = ks[pos] == want
            return np.where(ok, ss[pos], np.nan)

        here = s_top.astype(float)
        steps = np.stack([at(span) - here, here - at(-span)]) / span  # NaN where no such column
        n = np.isfinite(steps).sum(axis=0)
        # the mean of the steps that exist: central where both, one-sided where one, else slope1
        return np.where(n > 0, np.nansum(steps, axis=0) / np.maximum(n, 1), slope1)
    order = np.lexsort((t, c, label))
    lab_o, c_o, t_o, s_o = label[order], c[order], t[order], s_top[order].astype(float)
    same_prev = np.r_[False, (lab_o[1:] == lab_o[:-1]) & (c_o[1:] == c_o[:-1]) & (t_o[1:] - t_o[:-1] <= 2)]
    same_next = np.r_[same_prev[1:], False]
    prev_i = np.where(same_prev, np.arange(order.size) - 1, np.arange(order.size))
    next_i = np.where(same_next, np.arange(order.size) + 1, np.arange(order.size))
    dt = (t_o[next_i] - t_o[prev_i]).astype(float)
    slope_o = np.where(dt > 0, (s_o[next_i] - s_o[prev_i]) / np.maximum(dt, 1.0), 0.0)
    out = np.empty_like(slope_o)
    out[order] = slope_o
    return out


class _Groups:
    """Per-group reductions of arrays aligned with integer group keys (numpy, one sort)."""

    def __init__(self, keys: np.ndarray):
        self.keys, self.inv = np.unique(keys, return_inverse=True)
        self.n = self.keys.size
        self.counts = np.bincount(self.inv, minlength=self.n)

    def count(self) -> np.ndarray:
        return self.counts

    def sum(self, v: np.ndarray) -> np.ndarray:
        return np.bincount(self.inv, weights=v, minlength=self.n)

    def min(self, v: np.ndarray) -> np.ndarray:
        """Per-group minimum, NaN values ignored (NaN for a group of NaNs only), as pandas."""
        out = np.full(self.n, np.inf)
        np.fmin.at(out, self.inv, v)
        return np.where(out == np.inf, np.nan, out)

    def max(self, v: np.ndarray) -> np.ndarray:
        """Per-group maximum, NaN values ignored (NaN for a group of NaNs only), as pandas."""
        out = np.full(self.n, -np.inf)
        np.fmax.at(out, self.inv, v)
        return np.where(out == -np.inf, np.nan, out)

    def nunique(self, v: np.ndarray) -> np.ndarray:
        pairs = np.unique(np.stack([self.inv, np.asarray(v)]), axis=1)
        return np.bincount(pairs[0], minlength=self.n)

    def quantile(self, v: np.ndarray, q: float) -> np.ndarray:
        """Linear-interpolation quantile per group, NaN values ignored (as pandas)."""
        v = np.asarray(v, dtype=float)
        ok = ~np.isnan(v)
        inv, vv = self.inv[ok], v[ok]
        order = np.lexsort((vv, inv))
        inv, vv = inv[order], vv[order]
        n = np.bincount(inv, minlength=self.n)
        start = np.r_[0, np.cumsum(n)[:-1]]
        pos = q * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        frac = pos - lo
        safe = np.maximum(vv.size - 1, 0)
        a = vv[np.minimum(start + lo, safe)] if vv.size else np.zeros(self.n)
        b = vv[np.minimum(start + hi, safe)] if vv.size else np.zeros(self.n)
        return np.where(n > 0, a + frac * (b - a), np.nan)


def _line_rms(g: _Groups, offset: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """RMS misfit (m) of a straight line distance = a + b * offset through each group's channel
    apexes (``offset``, ``distance``; groups ``g``): a pipe crossing the array at any angle is a
    line in plan; NaN with < 3 channels."""
    n = g.count()
    do = offset - (g.sum(offset) / n)[g.inv]
    dd = distance - (g.sum(distance) / n)[g.inv]
    sxx, sxy, syy = g.sum(do * do), g.sum(do * dd), g.sum(dd * dd)
    with np.errstate(invalid="ignore", divide="ignore"):
        resid = np.clip(syy - sxy ** 2 / np.where(sxx > 0, sxx, np.nan), 0, None)
        return np.where(n >= 3, np.sqrt(resid / n), np.nan)


#: Most picks (fraction) a hyperbola fit may drop as cycle skips, and the residual (periods) under
#: which a pick is never dropped.
HYPERBOLA_MAX_DROPPED = 0.15
HYPERBOLA_KEEP_RESIDUAL_PERIODS = 0.25


def _isolated_skips(res: np.ndarray, period_ns: float) -> np.ndarray | None:
    """The picks whose residual ``res`` from a first fit marks them as isolated cycle skips: off it
    by more than three robust standard deviations (1.4826 x MAD) and more than
    :data:`HYPERBOLA_KEEP_RESIDUAL_PERIODS` period, when they are at most
    :data:`HYPERBOLA_MAX_DROPPED` of the picks (one at least) and five remain; None where there are
    none or too many to be skips (a top that is not that shape)."""
    mad = 1.4826 * float(np.median(np.abs(res - np.median(res))))
    bad = np.abs(res) > max(3.0 * mad, HYPERBOLA_KEEP_RESIDUAL_PERIODS * period_ns)
    n_bad = int(bad.sum())
    if n_bad == 0 or n_bad > max(1, int(HYPERBOLA_MAX_DROPPED * res.size)) or res.size - n_bad < 5:
        return None
    return bad


def _robust_plane_rms(a: np.ndarray, t: np.ndarray, coef: np.ndarray, period_ns: float) -> float:
    """The misfit (ns) of a straight line through a region's top picks refitted without isolated
    cycle skips (:func:`_isolated_skips`, as :func:`_robust_hyperbola` drops them). A layer whose
    depth steps leaves two runs of picks at two depths, which this keeps; one pick that jumped a
    lobe in noise is not a step."""
    res = t - a @ coef
    bad = _isolated_skips(res, period_ns)
    if bad is None:
        return float(np.sqrt(np.mean(res ** 2)))
    c2, *_ = np.linalg.lstsq(a[~bad], t[~bad], rcond=None)
    return float(np.sqrt(np.mean((a[~bad] @ c2 - t[~bad]) ** 2)))


def _robust_hyperbola(x: np.ndarray, t: np.ndarray, w: np.ndarray, period_ns: float) -> dict:
    """:func:`~roadhealth.processing.fit_hyperbola` of one region's top picks, refitted without
    isolated cycle skips.

    A column's top is its envelope maximum, which in noise can jump to the next lobe of the
    wavelet (a period or two later) on a single column: one such pick among 24 on a fast-model
    metal pipe took the residual from 0.1 to 0.4 period and the pipe became a wet zone. Picks
    off the first fit by more than three robust standard deviations (1.4826 x MAD) and more than
    :data:`HYPERBOLA_KEEP_RESIDUAL_PERIODS` period are dropped and the fit is made again, when
    they are at most :data:`HYPERBOLA_MAX_DROPPED` of the picks (one at least) and five remain:
    a few skips, not a top that is no hyperbola. ``rms_all_ns`` keeps the residual of every pick
    (a scattering top's picks wander: the loose-soil rules read that one).
    """
    fit = fit_hyperbola(x, t, weights=w)
    fit["rms_all_ns"] = fit["rms_residual_ns"]
    v, x0, t0 = fit["velocity_m_per_ns"], fit["x0_m"], fit["t0_ns"]
    if not (np.isfinite(v) and np.isfinite(x0) and np.isfinite(t0)):
        return fit
    bad = _isolated_skips(t - np.sqrt(t0**2 + (2.0 * (x - x0) / v) ** 2), period_ns)
    if bad is None:
        return fit
    refit = fit_hyperbola(x[~bad], t[~bad], weights=w[~bad])
    if not np.isfinite(refit["velocity_m_per_ns"]):
        return fit
    return dict(refit, rms_all_ns=fit["rms_residual_ns"])


def _hyperbolas(recs: pd.DataFrame, distance_m: np.ndarray, t0_ns: float, dt_ns: float,
                max_regions: int = 400, *, period_ns: float = 1.0, spacing_m: float = 0.05,
                part_offset: int | None = None) -> pd.DataFrame:
    """Diffraction-hyperbola fit of each region's top times in its best channel.

    The channel with the most columns whose top envelope reaches 30 % of the region's strongest
    is fitted with :func:`roadhealth.processing.fit_hyperbola` (weights: the top envelope). The
    loop runs over regions (at most ``max_regions``, the largest), never over traces.

    Returns
    -------
    pandas.DataFrame indexed by label
        ``hyperbola_v`` (m/ns, NaN when the tops do not bend like a hyperbola),
        ``hyperbola_rms_ns`` (fit residual, without isolated cycle skips: :func:`_robust_hyperbola`),
        ``hyperbola_rms_all_ns`` (of every pick) and ``hyperbola_x0_m`` (apex position); the slope
        ``dip_ns_per_m`` and residual ``plane_rms_ns`` of a straight line through the same tops
        (a flat or dipping layer); ``apex_flat_m``, the along-track extent of the strong tops
        within a quarter period (``period_ns``) of the earliest (a point diffractor's is about
        the width of its first Fresnel zone, an extended body's its own length), and
        ``t_apex_ns``.
    """

    lab = recs["label"].to_numpy()
    e_top = recs["e_top"].to_numpy(float)
    c = recs["c"].to_numpy().astype(np.int64)
    g = _Groups(lab)
    r = np.flatnonzero(e_top >= 0.3 * g.max(e_top)[g.inv])  # the columns reaching 30 % of the strongest
    n_c = int(c.max()) + 1 if c.size else 1
    # the best channel of each region: the most such columns (the lowest channel on a tie)
    g_lc = _Groups(lab[r].astype(np.int64) * n_c + c[r])
    pair_lab = g_lc.keys // n_c
    order = np.lexsort((-g_lc.counts, pair_lab))
    first = np.r_[True, pair_lab[order][1:] != pair_lab[order][:-1]]
    best = order[first]  # one pair per region
    # the largest regions (and, apart, the largest parts of split regions, labelled from
    # ``part_offset`` on)
    is_part = pair_lab[best] >= (np.inf if part_offset is None else part_offset)
    best = np.concatenate([b[np.argsort(-g_lc.counts[b], kind="stable")[:max_regions]]
                           for b in (best[~is_part], best[is_part])])
    chosen = np.zeros(g_lc.n, dtype=bool)
    chosen[best] = True
    sel = r[chosen[g_lc.inv]]  # the rows of every chosen (region, channel), in the records' order
    sel = sel[np.argsort(lab[sel], kind="stable")]
    bounds = np.flatnonzero(np.r_[True, lab[sel][1:] != lab[sel][:-1], True])
    x_all = distance_m[c[sel], recs["t"].to_numpy()[sel]]
    t_all = t0_ns + recs["s_peak" if "s_peak" in recs else "s_top"].to_numpy()[sel] * dt_ns
    e_all = e_top[sel]
    rows = {}
    for i0, i1 in itertools.pairwise(bounds):
        if i1 - i0 < 5:
            continue
        xd, tt, w = x_all[i0:i1], t_all[i0:i1], e_all[i0:i1]
        fit = _robust_hyperbola(xd, tt, w, period_ns)
        # a plane (flat or dipping layer): straight line t(x)
        a = np.vstack([np.ones_like(xd), xd - xd.mean()]).T
        coef, *_ = np.linalg.lstsq(a, tt, rcond=None)
        line_rms = float(np.sqrt(np.mean((a @ coef - tt) ** 2)))
        kept_rms = _robust_plane_rms(a, tt, coef, period_ns)
        # the flat part of the top: along-track extent of the tops within a quarter period of
        # the apex (the earliest strong top), against what a point diffractor there would give
        strong_top = w >= 0.5 * float(w.max())
        t_apex = float(tt[strong_top].min())
        near = strong_top & (tt <= t_apex + 0.25 * period_ns)
        flat_m = float(np.ptp(xd[near])) + spacing_m if near.any() else np.nan
        rows[lab[sel[i0]]] = (fit["velocity_m_per_ns"], fit["rms_residual_ns"], fit["rms_all_ns"], fit["x0_m"],
                              float(coef[1]), line_rms, flat_m, t_apex, kept_rms)
    cols = ["hyperbola_v", "hyperbola_rms_ns", "hyperbola_rms_all_ns", "hyperbola_x0_m", "dip_ns_per_m",
            "plane_rms_ns", "apex_flat_m", "t_apex_ns", "plane_rms_kept_ns"]
    # float columns even when no region has enough columns for a fit (an empty frame)
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols).astype(float)
