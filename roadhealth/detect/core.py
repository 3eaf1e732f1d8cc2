"""``detect`` and ``candidates``: from a survey to a table of defects.

survey -> :func:`~roadhealth.detect.prepare.prepare` (recipe, surface, velocity) ->
:func:`~roadhealth.detect.candidates.attributes` / :func:`~roadhealth.detect.candidates.regions`
(robust per-depth scores, 3D components) -> :func:`~roadhealth.detect.features.region_features`
-> :func:`~roadhealth.detect.classify.classify` (physics rules) -> :func:`roadhealth.detect.risk.grade`
-> :func:`roadhealth.anomalies.anomaly_table`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage
from scipy.signal import hilbert

from roadhealth.anomalies import anomaly_table, empty_anomalies
from roadhealth.constants import C0_M_PER_NS
from roadhealth.detect import risk as _risk
from roadhealth.detect import spacing as _trace_spacing
from roadhealth.detect.candidates import attributes, regions
from roadhealth.detect.classify import (
    KIND_RULES,
    POINT_LIKE_SAID,
    SOIL_BODY_CALL,
    THICK_DELAY_PERIODS,
    THICK_WEAK_BODY,
    Thresholds,
    classify,
)
from roadhealth.detect.features import (
    SADDLE_MIN_PART_M,
    TERRACE_HALF_M,
    _Groups,
    _semblance,
    coherence_stride,
    column_records,
    region_features,
    split_at_saddles,
    split_at_terraces,
)
from roadhealth.detect.prepare import (
    DEFAULT_LAYERS,
    DEFAULT_LAYERS_FAST,
    DEFAULT_LAYERS_SLOW,
    Prepared,
    _source,
    default_depth_m,
    default_depth_range_m,
    default_model_text,
    prepare,
    relative_polarity,
    spreading_value,
    velocity_from_hyperbolas,
    wave_spreading,
)
from roadhealth.errors import DetectionError

__all__ = ["EXTRAS", "candidates", "detect"]

#: The default model's range in words (eps_r of each layer, fastest to slowest), for the evidence.
_PRIOR_RANGE_TEXT = "eps_r " + ", ".join(f"{fast.eps_r:g}-{slow.eps_r:g}" for fast, slow in
                                          zip(DEFAULT_LAYERS_FAST, DEFAULT_LAYERS_SLOW, strict=True))

#: Named extras every detection table carries.
EXTRAS = ("risk_score", "features", "anomaly_id", "survey")

#: Features written to the ``features`` JSON of each anomaly (and shown by ``explain``).
FEATURE_KEYS = ("z_peak", "z_top", "polarity", "polarity_peak", "top_range_ns", "coherence", "ringing", "below_db",
                "freq_ratio", "hyperbola_v_ratio", "surface_ratio", "n_channels", "period_ns",
                "velocity_m_per_ns", "severity", "coherence_dip", "coherence_below", "phase_consistency",
                "apex_flat_ratio", "hyperbola_rms_ns", "bottom_delay_ns", "bottom_ratio", "multiple_ratio",
                "soil_body", "weak_flat_body", "weak_ringing_body", "z_top_depth", "across_line", "slow_bottom_ratio", "background_ratio",
                "flat_top_length_m", "layer_shift_residual", "layer_shift_periods", "top_surface_ratio", "unexplained_zone",
                "point_like", "phase_consistency_smooth")

_OPTIONS = {"velocity_m_per_ns", "eps_r", "asphalt_m", "z_seed", "z_low", "zc_seed", "zc_low",
            "min_confidence", "survey_name", "thresholds", "max_depth_m", "reference", "chunk_m",
            "trace_spacing_m", "surface_ns", "antenna_height_m", "wave_spreading"}

#: Deepest top reported by default, m: road collapse hazards (cavities, voids, loosened and
#: saturated soil under the pavement) lie in the first metres; deeper reflectors of a
#: low-frequency survey are geology, not road defects.
MAX_DEPTH_M = 3.0

#: A flat top of the surface's polarity called a void, with a reflection of the opposite polarity
#: at least :data:`~roadhealth.detect.classify.THICK_DELAY_PERIODS` periods under it, is a slow
#: body's top (a wet lens, :func:`_slow_body_tops`): both reflections one wavelet along them
#: (``phase_consistency`` at least this, the lower one 0.15 less) of a clear polarity
#: (``|polarity|`` at least the next), the lower one within ``SLOW_BODY_MAX_M`` under the top and
#: at least ``SLOW_BODY_MIN_RATIO`` of its peak score.
SLOW_BODY_CONSISTENCY = 0.85
SLOW_BODY_POLARITY = 0.6
SLOW_BODY_MAX_M = 1.0
SLOW_BODY_MIN_RATIO = 0.1

#: Highest order of a top's surface multiples that :func:`_slow_body_tops` sets aside.
MAX_MULTIPLE = 6

#: A 'cavity' under a reflection of the opposite polarity (the surface's) at least
#: :data:`~roadhealth.detect.classify.THICK_DELAY_PERIODS` periods and at most ``SLOW_BODY_MAX_M``
#: above it, this many times stronger on the mean trace of its top columns, is the bottom of a slow
#: body (a wet lens: wetter to drier soil reads as air does), not an air body's top
#: (:func:`_slow_body_bottoms`). A lens's top and bottom have one contrast, and the bottom comes back
#: through the lossy wet body: full-wave lens bottoms called cavities lie 3.1-31 times under their
#: tops, full-wave cavities at most 2.0 times under anything above them (a metal pipe over a
#: cavity: |r| 1 against about 0.5).
SLOW_BOTTOM_MIN_RATIO = 2.5

#: ... unless the reflection above is a point diffractor at the survey velocity (a pipe whose
#: hyperbola fits at most this times the survey velocity: a round body of radius R at depth d reads
#: sqrt(1 + R / d), so a pipe much smaller than its depth), whose apex lies over the body: a cavity
#: under a pipe is a leak's and stays a cavity.
SLOW_BOTTOM_POINT_V = 1.2

#: ... nor where the 'cavity' lies at a whole multiple of the upper reflection's two-way time (within
#: a period or 10 %): a same-polarity reflector's second-order surface multiple comes back with the
#: polarity of air. (A cavity under a pipe has its top at 1.6-2.2 times the pipe's time, but at up
#: to half the pipe's amplitude it is too strong for its multiple, ``SLOW_BOTTOM_MULTIPLE_MAX``: the
#: strength bar above and the point-pipe test below keep it a cavity.)
SLOW_BOTTOM_MULTIPLES = (2.0, 3.0)

#: ... unless it is too strong to be that multiple: the gain undone, its reflection more than this
#: many times the upper reflection's strength against the surface's, of the upper reflection's own
#: amplitude. A reflector of coefficient r under a surface of coefficient r_s sends back r r_s r of
#: the wave in its first surface multiple against r in its primary, so the multiple over the
#: primary is r r_s times the spreading from the primary's time to twice it; and the primary over
#: the surface reflection is (r / r_s) (1 - r_s^2) times the spreading from the surface to the
#: primary. With |r_s| at most 0.5 (asphalt eps_r 9), the multiple is at most that strength times its
#: primary for a 2-D wave (a line source, t^-1/2) with the primary up to 18 times the surface's time
#: from the source, and for a 3-D one (t^-1) up to six times; deeper in 3-D a multiple may pass the
#: bar and its 'cavity' becomes a wet zone at the upper reflection (a false alarm either way, or the
#: upper reflection's body found). A wet lens's
#: bottom is its top's contrast reversed, come back through the lossy body: blind ``bw400_water_rich_115``
#: (a lens domed over a layer, its bottom 1.93 times its top's time): upper strength 0.085, bottom
#: 0.103 of the top. Only on short lines, where the surface reflection is known (the subtracted
#: background) and the gain can be undone. None: off.
SLOW_BOTTOM_MULTIPLE_MAX: float | None = 1.0

#: A detection under another is its echo only if its peak score is at most this many times the
#: other's: an echo is weaker than its primary, and a faint event above a strong defect (a
#: residual of the surface wavelet) must not hide it.
ECHO_MAX_RATIO = 2.0
#: ... and lies at most this far under the other's bottom, m.
ECHO_BELOW_M = 0.5

#: A deeper detection at two or three times the two-way time of a strong one (peak score at least
#: this) that covers the same stretch (each overlapping the other over :data:`ECHO_SAME_EXTENT` of
#: its length) is its surface multiple, whatever its own score.
ECHO_STRONG_PRIMARY_Z = 24.0
ECHO_SAME_EXTENT = 0.8

#: A thick reflector's third-order surface multiple (r^3 times the surface's r^2 from below) keeps
#: its primary's polarity, its second-order one (r^2) always comes back as air does: a detection of
#: the opposite clear polarity (|polarity| >= ``SLOW_BODY_POLARITY``) at three times the two-way
#: time of a body that is not a thin void is another reflector, not that multiple
#: (:func:`_suppress_echoes`; False: every detection at two or three times counts as a multiple).
ECHO_THIRD_ORDER_POLARITY = True

#: A weaker detection under a strong defect (peak score at least :data:`ECHO_STRONG_PRIMARY_Z`),
#: whose top fits a hyperbola slower than :data:`ECHO_MULTIPLE_MAX_V` of the defect's, at twice
#: the defect's two-way time up to the spread of its own tops earlier than its top, is its
#: second-order surface multiple (:func:`_suppress_echoes`), as a pipe's is: the multiple is a
#: hyperbola twice as late whose strong flanks set its top time (blind ``bw400_cavity_184``, a
#: 1.0 x 0.37 m cavity in dry sand, clean: its multiple, z 196 against the cavity's 527, top at
#: 2.26 times the cavity's time, was reported as a second 'cavity'). False: the time within a
#: period or 10 % of twice the defect's only.
ECHO_SLOW_SPREAD = True

#: Clutter whose surface multiples are dropped like a defect's (:func:`_suppress_echoes`): strong
#: point and plate reflectors (metal pipes, covers), which bounce between themselves and the road
#: surface.
ECHO_CLUTTER = ("pipe", "surface")

#: Regions read as no kind at all whose surface multiples are dropped too (:func:`_suppress_echoes`;
#: fifty-fifth session): a strong, compact reflector that no rule explains (an air body whose top's
#: phase is undefined, a boxy cavity read at its internal focus) still bounces off the road surface,
#: and its second-order multiple comes back with the polarity of air and reads as a cavity twice as
#: deep. Such a region counts as a primary where it reaches :data:`ECHO_STRONG_PRIMARY_Z`; the
#: detection under it is its multiple where it scores less, lies at twice its two-way time (within
#: a period or 10 %) and holds its centre (the multiple spreads wider than the strong columns of a
#: compact primary) or overlaps it over half its own extent (None: off).
ECHO_UNEXPLAINED: tuple | None = ("weak",)

#: A surface multiple of a pipe is a hyperbola of about half its primary's apparent velocity (its
#: path is twice as long at every offset: t_m(x) = 2 t(x)); full-wave multiples of pipes fit
#: 0.29-0.69 of their primary's velocity. A reflector under a pipe whose top fits this fraction of
#: the pipe's velocity or more is no multiple of it (a cavity under a pipe at 1.95 times its time:
#: 1.2), whatever its time.
ECHO_MULTIPLE_MAX_V = 0.9

#: ... nor one scoring at least this fraction of the pipe's peak score: a surface multiple bounces
#: off the road surface from below (|r| about 0.4) and the pipe again, and spreads over twice the
#: path (full-wave multiples of pipes: 0.01-0.26 of the pipe's score; cavities under pipes, whose
#: tops lie at 1.6-2.2 times the pipe's two-way time when the pipe is 0.3-1 m deep and the gap
#: 0.2-0.6 m: 0.41-0.86).
ECHO_MULTIPLE_MAX_RATIO = 0.3

#: ... and one scoring under this fraction of the pipe's peak score is its multiple whatever its
#: top's velocity: cavities under pipes score at least 0.41 of the pipe (above), and the velocity
#: of a multiple seen over part of its flanks says little (a 900 MHz metal pipe 0.35 m deep on a
#: line cut to 1.4 m: its multiple, 0.02 of its score, fitted 0.9 of its velocity and was called a
#: cavity).
ECHO_MULTIPLE_FAINT_RATIO = 0.1

#: Weakest confidence reported by default: below it a region is more often clutter than a defect
#: (measured on the fast-model scenarios and the real files, docs/detection.md).
MIN_CONFIDENCE = 0.5


def _survey_name(survey, name=None) -> str:
    if name:
        return str(name)
    src = survey.attrs.get("source")
    if src and not str(src).startswith("synthetic:"):
        return Path(str(src)).stem
    if src:
        return str(src).split(":", 1)[1] or "survey"
    return "survey"


def _check_options(options: dict) -> None:
    unknown = set(options) - _OPTIONS
    if unknown:
        raise DetectionError(f"detect: unknown option(s) {sorted(unknown)}; known: {sorted(_OPTIONS)}")
    # numbers where numbers are meant (a string or an array had raised from deep inside)
    for key in ("velocity_m_per_ns", "eps_r", "surface_ns"):
        v = options.get(key)
        if v is not None and not _is_real(v):
            raise DetectionError(f"detect: option {key} = {v!r}; expected a number")
    th = options.get("thresholds")
    if th is not None and not isinstance(th, Thresholds):
        if not isinstance(th, dict):
            raise DetectionError(f"detect: option thresholds = {th!r}; expected a roadhealth.detect.classify."
                                 "Thresholds or a dict of its fields")
        known = {f.name for f in dataclasses.fields(Thresholds)}
        bad = sorted(set(th) - known)
        if bad or not all(_is_real(v) and math.isfinite(float(v)) for v in th.values()):
            raise DetectionError(f"detect: option thresholds = {th!r}; expected numbers for the fields of "
                                 f"roadhealth.detect.classify.Thresholds ({', '.join(sorted(known))})"
                                 + (f"; unknown: {bad}" if bad else ""))
        options["thresholds"] = Thresholds(**{k: float(v) for k, v in th.items()})
    spreading_value(options.get("wave_spreading"))  # one of WAVE_SPREADINGS or None, before any work
    if options.get("surface_ns") is not None:
        from roadhealth.detect.prepare import removed_surface_ns

        removed_surface_ns(1.0, options["surface_ns"])  # a time of at least 0, or a DetectionError
    # (found by fuzzing: these were taken as given, and an out-of-range one silently emptied the table)
    for key, lo, hi, closed in (("min_confidence", 0.0, 1.0, True), ("max_depth_m", 0.0, math.inf, False),
                                ("z_seed", 0.0, math.inf, False), ("z_low", 0.0, math.inf, False),
                                ("zc_seed", 0.0, math.inf, False), ("zc_low", 0.0, math.inf, False),
                                ("asphalt_m", 0.0, math.inf, False)):
        v = options.get(key)
        if v is None:
            continue
        ok = _is_real(v) and math.isfinite(float(v)) and v <= hi and (v >= lo if closed else v > lo)
        if not ok:
            rng = f"in [{lo:g}, {hi:g}]" if closed else f"a finite number > {lo:g}"
            raise DetectionError(f"detect: option {key} = {v!r}; expected {rng}")
    for seed, low in (("z_seed", "z_low"), ("zc_seed", "zc_low")):
        if options.get(seed) is not None and options.get(low) is not None and options[low] > options[seed]:
            raise DetectionError(f"detect: option {low} = {options[low]!r} is above {seed} = {options[seed]!r}; "
                                 "regions grow from seeds down to the lower threshold")


def _is_real(v) -> bool:
    """A real number (numpy scalars included), not a bool."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def _spacing(d: np.ndarray) -> float:
    if d.shape[-1] < 2:
        return 0.05
    step = np.abs(np.diff(d, axis=-1))
    step = step[np.isfinite(step) & (step > 0)]
    return float(np.median(step)) if step.size else 0.05


#: Traces at each end of a line within which a region's strong columns "reach the end".
LINE_END_TRACES = 3


def at_line_end(t_min, t_max, n_traces: int) -> np.ndarray:
    """1.0 where a region's strong columns (trace indices ``t_min`` to ``t_max``) reach the first
    or last :data:`LINE_END_TRACES` traces of a line of ``n_traces``, else 0.0: an event that runs
    off the line cannot be shown to be bounded (a layer's step, not a body's top). In
    :func:`roadhealth.detect.detect_chunked` a window's ends count (the windows overlap)."""
    t_min, t_max = np.asarray(t_min, dtype=float), np.asarray(t_max, dtype=float)
    k = LINE_END_TRACES
    return ((t_min <= k - 1) | (t_max >= n_traces - k)).astype(float)


#: Regions whose top is fitted with a diffraction hyperbola (the largest; as many parts of split
#: regions again).
MAX_FIT_REGIONS = 400

#: A region's strong tops bend like diffraction flanks where a hyperbola fits them at most this many
#: times the survey's velocity (full-wave cavities and wet zones fitted up to 2.5 times: their
#: strong columns reach 0.4-1.3 m past the bodies' ends; fitted faster, the strong columns are
#: the body's own, within 0.05 m for cavities): the reported extent is then the top's
#: (:func:`_zone_extent`).
FLANKS_MAX_V_RATIO = 2.5

#: Half-angle of the antenna beam, degrees: a diffraction's flanks fade beyond it.
BEAM_EDGE_DEG = 40.0

#: Permittivity assumed inside a water-rich zone for its height: the bottom reflection (wet to
#: drier soil) comes ``2 h sqrt(eps_r) / c`` after the top. Saturated sands and silts read eps_r
#: 20-30, wet clays 15-40 (Daniels 2004, table 4.1); the height scales as 1 / sqrt(eps_r): a zone
#: of eps_r 15 is reported 17 % too thin, one of 30 15 % too thick. Full-wave blind wet zones
#: (eps_r 18-30), clean / noisy: height error median +0.28 / -0.13 m from the region's last
#: samples at the ground's velocity, 0.00 / 0.00 m (median absolute 0.05 / 0.03 m) from this.
WET_EPS_R = 22.0

#: A part of a split region is a clear pipe (:func:`_keep_splits`) from this pipe score on.
SPLIT_PIPE_MIN_SCORE = 0.5

#: A part of a split region counts as confident at this confidence (:func:`_keep_splits`).
SPLIT_MIN_CONFIDENCE = 0.7

#: A part of a split region whose peak score is under this fraction of its whole's tells no other
#: story than the whole's where the whole is a defect (:func:`_keep_splits`): one connected region
#: holding a body's reflection and, 3-5 % as strong, a piece of its own diffraction tail or sidelobe
#: cut off at a saddle. Blind clean lines (sixty-third session): three such pieces were kept as false
#: alarms beside their bodies (a 'cavity' 0.79 on the far flank of a 200 MHz loose zone's dome, a
#: 'loose' 0.72 beside a cavity, a 'loose' 0.88 beside a wet lens: 0.035-0.05 of their wholes),
#: while parts of two bodies in one region read 0.25 and more. None: off.
SPLIT_MIN_PEAK_RATIO: float | None = 0.1

#: The kinds of an air body, whose top is one convex curve (:func:`_keep_splits`).
AIR_KINDS = ("cavity", "void")

#: What the evidence says of a detection measured apart from the region it formed with a
#: neighbour (:func:`_keep_splits`).
SPLIT_TEXT = {
    "saddle": "measured apart from a neighbouring object: one candidate region cut at the saddle between their tops",
    "jump": "measured apart from a neighbouring reflector: one candidate region cut where its top jumps to the other's",
    "bend": ("measured apart from a neighbouring body: one candidate region cut where the flank of one runs into "
             "the top of the other (the top bends the wrong way for one body there)"),
}

#: What the evidence says of a region read again with other tops (``top_reading``).
TOP_READING_TEXT = {
    "earliest": ("top read at each column's earliest strong wavelet: read at the strongest, a later arrival "
                 "(the body's bottom and the crossing diffractions of its edges) gave no kind"),
}

#: A region with a point-like top whose energy 1.5-4 periods under its top exceeds this fraction of
#: its top lobe's may be a pipe with something under it, and is looked under as pipes are
#: (:func:`_look_under_pipes`): a metal pipe has no bottom reflection and hardly rings (full-wave
#: pipes, clean and noisy: ``ringing`` 0.00-0.11), and the energy of a body under it spoils the
#: pipe's clean point response (a pipe over a cavity, noisy: 0.66, called a wet zone).
UNDER_PIPE_RINGING = 0.5

#: Where the look under a pipe starts: this many periods under the pipe's top in every column
#: (past its wavelet and side lobes), as the ``ringing`` window does.
UNDER_PIPE_PERIODS = 1.5

#: What lies under a pipe counts only as strong as this fraction of the pipe's peak score: the wave
#: that creeps round a metal pipe comes back 0.5-1.5 periods later with the opposite polarity at
#: 0.07-0.16 of the pipe's score (full-wave metal pipes, looked under whatever their ringing).
UNDER_PIPE_MIN_RATIO = 0.25

#: ... and only as another reflector's top: one wavelet along it (``phase_consistency``; cavities
#: under pipes on the development lines 0.85-0.98, the late arrivals crossing under a lone 200 MHz
#: pipe 0.33) ...
UNDER_PIPE_MIN_CONSISTENCY = 0.6
#: ... or, for a piece at least :data:`UNDER_PIPE_STRONG_RATIO` of the pipe's peak score (nothing of
#: a lone pipe's own comes back that strong: its late arrivals 0.07-0.33), whose top the pipe's
#: flanks cross and turn, this much (a blind noisy 900 MHz cavity 0.25 m under a metal pipe: 0.54,
#: at 0.85 of the pipe's score).
UNDER_PIPE_STRONG_CONSISTENCY = 0.45
UNDER_PIPE_STRONG_RATIO = 0.5
#: ... seen along at least this fraction of the length of the region above it: a body under a pipe
#: shows its own diffraction flanks, spread as the pipe's are (development lines: 1.05-1.64 times
#: the pipe's length), while the bottom reflection of a slow body whose domed top was called a pipe
#: lies under that top's apex alone (a wet lens 1 m wide at 1.2 m, 400 MHz: 0.37)
UNDER_PIPE_MIN_LENGTH = 0.6
#: A piece under a pipe whose top fits a hyperbola slower than this (of the survey velocity) is a
#: delayed copy of the pipe's own: the far wall of a water-filled pipe, reached along the radius
#: through its centre, returns every trace's echo the same time after the near wall's, so its
#: hyperbola, later by that delay, bends as the pipe's and reads slower (blind 0.2 m pipe, 0.45 m
#: down: 0.84, its top 1.19). A separate body under the pipe diffracts from its own depth, at
#: least as fast as the ground (blind and main-set cavities under pipes: 1.11-1.86). The same bar
#: holds for a 'cavity' under a point pipe in :func:`_slow_body_bottoms` (a wet lens whose domed top
#: read as a pipe: its bottom, 0.71, is the lens's). See :func:`_delayed_copy`.
UNDER_PIPE_MIN_V_RATIO = 0.9
#: ... and slower than this fraction of the hyperbola above: a copy delayed from t to t + d reads
#: sqrt(t / (t + d)) as fast as the one it copies (0.71 under the water-filled pipe, 0.64 under the
#: lens's top), while a body under a pipe in the same soil reads about the pipe's velocity (blind and
#: main-set: 0.85-1.8 of it). In a slow soil, where a body under a pipe fits a hyperbola slower than
#: the survey velocity, the pipe above does too.
UNDER_PIPE_COPY_OF_ABOVE = 0.85
#: Regions of these decisions are looked under as pipes are (:func:`_look_under_pipes`; thirty-first
#: session). A weak metal pipe right over a strong cavity forms one region with it whose top mixes
#: the two (the pipe's apex where it is stronger, the cavity's top where the pipe is a faint
#: precursor), fits no hyperbola and is called nothing (blind 900 MHz lines: a 0.06-0.15 m pipe
#: 0.25-0.35 m over a cavity, z 400-750); a wet lens over a cavity forms one region called wet.
LOOK_UNDER_DECISIONS = ("weak", "water_rich")
#: What the part above the cut may be for a piece under it to be reported apart: a pipe, or a wet
#: zone (under which a piece must be no echo of it, :func:`_echo_below`, instead of as long as it).
LOOK_UNDER_ABOVE = ("pipe", "water_rich")
#: A region called a pipe where nothing was found under its measured top is cut under its first
#: event too, where that differs (a switch for tests).
LOOK_UNDER_FIRST_EVENT = True

#: A whole region that reads as no defect, some of whose columns had their top moved under a faint
#: event joined above a strong body (:data:`~roadhealth.detect.features.PRECURSOR_RATIO`), is
#: measured again with every column's top at its first event, and reported as that reading where it
#: is a defect of at least :data:`SPLIT_MIN_CONFIDENCE` (:func:`_remeasure_first_event`). The
#: decisions so read again (None: the switch off).
REMEASURE_DECISIONS: tuple | None = ("pipe", "weak", "layer")
#: Under a wet zone a piece is judged by :func:`_echo_below`, not by its length (off: by its length,
#: as under a pipe; a switch for tests).
UNDER_WET_BY_ECHO = True


#: A candidate whose strong tops lie on a loud pipe's hyperbola, extrapolated past the pipe's own
#: strong columns (:func:`_pipe_flanks`), is that pipe's far flank (or the wavelet's tail along
#: it), cut off from the pipe's region where the flank fades between them: its tops lie, at the
#: median, within this window of the pipe's curve, in periods (earlier, later). Blind 400 MHz metal
#: pipes: the flanks called wet zones lie 0.29 and 0.55 period after it at the median (0.25 and
#: 0.34 m across, 0.7-0.8 m down); bodies under pipes lie at least 1.2 periods under it (a body under a
#: pipe diffracts from its own depth, so its tops part from the pipe's curve by its own depth
#: under the pipe), and nothing reflects earlier than the curve it lies on.
PIPE_FLANK_PERIODS = (-0.5, 0.75)
#: ... with at least this fraction of them within :data:`PIPE_FLANK_ON_CURVE` periods of it (the
#: wavelet's length and the pipe's own later lobes, which follow its curve a period or so behind:
#: blind flanks 1.0): a region that is a flank only in part, merged with a body beside the pipe,
#: keeps the body's tops off the curve (a fast-model wet zone 1 m beside a 1.6 GHz pipe, in one
#: region with the pipe's flank: 0.79, found as a wet zone).
PIPE_FLANK_MIN_FRACTION = 0.85
PIPE_FLANK_ON_CURVE = (-0.5, 1.25)
#: ... and scoring at most this fraction of the pipe's peak score: no stronger than the pipe it comes
#: from (blind flanks 0.25-0.53: a flank lies later, in quieter rows, so its robust score falls
#: less than its amplitude; a 0.1 m metal pipe's at 0.53 was a 'cavity' at 1.00 with 0.5 here).
#: Bodies under pipes score 0.41-0.86 of theirs: the curve, not this bar, tells them apart.
PIPE_FLANK_MAX_RATIO = 1.0
#: Loud enough to have its flanks so traced: a pipe scoring at least this (the bar of a primary whose
#: surface multiples are dropped).
PIPE_FLANK_MIN_Z = ECHO_STRONG_PRIMARY_Z

#: A candidate of the polarity of air whose strong tops lie on a loud pipe's hyperbola delayed by
#: the pipe's apex time is that pipe's first surface multiple (:func:`_pipe_flanks`,
#: :func:`_on_pipe_multiple`). The wave scattered by the pipe goes up to the road surface, comes
#: back down to the pipe on the vertical path (the one a flat surface returns to a point) and is
#: scattered back to the antenna: at every offset it arrives one vertical round trip later than
#: the pipe's own echo, t_m(x) = t(x) + t(0) (two-way times below the surface), twice the pipe's
#: time at the apex and a copy of its curve elsewhere. Its polarity is the pipe's reflection
#: squared times the surface's from below (soil to air, positive): that of air whatever the pipe
#: (a metal pipe's -1 x +0.4 x -1), so it reads as a cavity. A body under the pipe diffracts from
#: its own depth, a hyperbola flatter than the pipe's copy, and leaves that curve outside a Fresnel
#: zone or so of the apex; a wet zone under a leaking pipe has the pipe's polarity and is never
#: taken. What this cannot tell apart: a small air body right under the pipe at twice its time,
#: whose strong tops lie within about 0.3 m of the pipe's apex (on one profile the same echo). The
#: time-and-score rule of :func:`_suppress_echoes` misses the multiple of a shallow pipe in
#: low-loss soil, which scores more than :data:`ECHO_MULTIPLE_MAX_RATIO` of the pipe (forty-ninth
#: session: blind ``bw400_pipe_123``, a 0.3 m metal pipe 0.48 m down in dry sand, its multiple at
#: 2.006 times its time and 0.45 of its score, merged at its ends with the pipe's own far flanks, a
#: 'cavity' at 1.00: its 14 inner tops lie -0.02 to +0.24 period from the delayed curve). False:
#: off.
PIPE_MULTIPLES = True
#: ... its tops within this window of the delayed curve (periods, earlier, later) ...
PIPE_MULTIPLE_ON_CURVE = (-0.5, 0.5)
#: ... at least this fraction of them (a multiple merged with the pipe's far flanks where they
#: cross its time has the rest on the pipe's own curve: :data:`PIPE_FLANK_MIN_FRACTION` of the
#: tops on one curve or the other) ...
PIPE_MULTIPLE_MIN_FRACTION = 0.5
#: ... its polarity on the side of air (``polarity`` at least this) ...
PIPE_MULTIPLE_MIN_POLARITY = 0.3
#: ... and scoring at most the pipe's peak score (:data:`PIPE_FLANK_MAX_RATIO`).

#: A defect candidate whose strong tops follow a loud pipe's curve a little later, a copy of it, is
#: that pipe's late arrivals (:func:`_pipe_flanks`): the wave creeping round a metal pipe and what
#: rings between it and the layer under it come back along the pipe's own hyperbola, a period or
#: two behind it, several arrivals at once. Its tops lie, at the median, past the flank window
#: (:data:`PIPE_FLANK_PERIODS`) and at most this many periods after the pipe's curve ...
PIPE_LATE_MAX_PERIODS = 2.0
#: ... at one delay along the whole curve (their delays' interquartile range at most this many
#: periods: a copy of the pipe's curve; the top of a body under the pipe as wide as a Fresnel zone
#: or more, flat or gently curved, parts from the pipe's curve away from the apex: a 0.5 m flat top
#: 1.5 periods under a 400 MHz pipe's apex, 1.5 periods there and 1.1 at its edges) ...
PIPE_LATE_MAX_SPREAD = 0.25
#: ... of no single wavelet along them (``phase_consistency`` under this: the arrivals interfere),
#: and scoring at most the pipe's peak score (:data:`PIPE_FLANK_MAX_RATIO`). Fifty-fourth session:
#: blind 400 MHz metal pipes 0.13-0.34 m across, 0.6 m down, had such 'cavities' at 0.67-1.00 on them
#: (clean and noisy), 1.48-1.56 periods after the curve at the median, spread 0.04-0.19, consistency
#: 0.55-0.73; the bodies under pipes that come that close (a 900 MHz cavity at 1.34, a noisy 400 MHz
#: one at 1.81) spread 0.59-0.69 and read 0.96-0.99. What this cannot tell apart: a small round body
#: right under the pipe, within two periods of it, whose hyperbola near the apex is a copy of the
#: pipe's too (a point 1.5 periods under the apex: spread 0.06 over +-0.3 m), where its top is not
#: one wavelet either. None: off.
PIPE_LATE_MAX_CONSISTENCY: float | None = 0.75


#: A region's top fills its line when its strong columns span at least this fraction of the line's
#: traces: the median along track of its rows is then its own, and its top scores against itself.
ACROSS_LINE_MIN_SPAN = 0.3

#: ... and it is one domed top, a body's seen whole, when a diffraction hyperbola fits its tops to
#: within this many periods, with its apex at least :data:`ACROSS_LINE_APEX_MARGIN` of the region's
#: length inside either end (a layer's residual is flat or dips one way; a body's flanks fall
#: away on both sides of its top).
ACROSS_LINE_MAX_RMS_PERIODS = 0.3
ACROSS_LINE_APEX_MARGIN = 0.2


def _across_line(feats: pd.DataFrame, n_traces: int) -> np.ndarray:
    """Where a region is one domed top that fills its line (:data:`ACROSS_LINE_MIN_SPAN`): a body
    wider than the line's margins, on a short simulated or surveyed line. Its top is then scored
    against the rows around it in time (``z_top_depth``) as well as its own rows (``z_top``).

    (On full-wave lines cut to a body and 0.5 m each side, 400 MHz cavities 1-1.5 m deep scored
    0.7-3 against their own rows, under peaks of 16-290, and were called weak: 21 of 44 found.)"""
    span = (feats["t_max"].to_numpy(float) - feats["t_min"].to_numpy(float) + 1) / max(n_traces, 1)
    start, end = feats["distance_start_m"].to_numpy(float), feats["distance_end_m"].to_numpy(float)
    inside = ACROSS_LINE_APEX_MARGIN * (end - start)
    x0 = feats["hyperbola_x0_m"].to_numpy(float)
    vr = feats["hyperbola_v_ratio"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        return ((span >= ACROSS_LINE_MIN_SPAN)
                & (feats["hyperbola_rms_ns"].to_numpy(float) <= ACROSS_LINE_MAX_RMS_PERIODS
                   * feats["period_ns"].to_numpy(float))
                & (vr >= 0.6) & (vr <= FLANKS_MAX_V_RATIO)
                & (x0 >= start + inside) & (x0 <= end - inside))


def _finish_features(feats: pd.DataFrame, strong: pd.DataFrame, pr: Prepared, depth_rule, n_channels: int,
                     n_traces: int) -> pd.DataFrame:
    """The survey-wide features of every region: depths from the velocity model, polarity against
    the reference, time below the surface, the strong columns' extent."""
    if feats.empty:
        return feats
    if depth_rule is not None and depth_rule[0] == "scale":
        for c in ("depth_top_m", "depth_bottom_m"):
            feats[c] = feats[c] * depth_rule[1]
        feats["hyperbola_v_ratio"] = feats["hyperbola_v_ratio"] / depth_rule[1]
    elif depth_rule is not None:
        top = default_depth_m(feats["t_top_ns"].to_numpy(float) - pr.surface_ns)
        bottom = default_depth_m(feats["t_bottom_ns"].to_numpy(float) - pr.surface_ns
                                 - 0.5 * float(feats["period_ns"].iloc[0]))
        feats["depth_top_m"] = top
        feats["depth_bottom_m"] = np.maximum(bottom, top)
    # polarity relative to the surface reflection: from the top wavelet's phase against a
    # layer reflection of the same section where one stands out (valid for thin bodies
    # too; unless weak and opposite to the direct wave: prepare.WEAK_LAYER_REVERSED); else, under a ground-coupled antenna, against the phase a reflection into a slower
    # medium has relative to the first arrival (DIRECT_WAVE_LAG_DEG, prepare.py); else the sign
    # at the envelope peak against the surface's
    feats["polarity_peak"] = -pr.surface_polarity * feats["polarity_raw"]
    ref = pr.polarity_reference_rad
    feats["polarity"] = (relative_polarity(feats["phase_top_rad"], ref) if np.isfinite(ref)
                         else feats["polarity_peak"])
    feats["t_below_ns"] = feats["t_top_ns"] - pr.surface_ns  # two-way time below the surface
    # how the wave spread (1: in 3-D, 0: in 2-D, NaN: not known), for the strength rules
    # (classify.STRENGTH_SPREADING)
    feats["wave_spreading_3d"] = {"3d": 1.0, "2d": 0.0}.get(pr.wave_spreading, np.nan)
    feats["velocity_m_per_ns"] = pr.velocity_m_per_ns
    if depth_rule is not None and depth_rule[0] == "layered":  # the average velocity down to each top
        feats["velocity_m_per_ns"] = np.where(
            feats["depth_top_m"] > 0, 2 * feats["depth_top_m"] / np.maximum(feats["t_below_ns"], 1e-9),
            DEFAULT_LAYERS[0].velocity)
    feats["n_channels_survey"] = n_channels
    g = _Groups(strong["label"].to_numpy())
    at = np.searchsorted(g.keys, feats.index.to_numpy())  # every region has strong columns
    for name, col, red in (("c_min", "c", g.min), ("c_max", "c", g.max), ("t_min", "t", g.min),
                           ("t_max", "t", g.max)):
        feats[name] = red(strong[col].to_numpy())[at].astype(np.int64)
    feats["at_line_end"] = at_line_end(feats["t_min"].to_numpy(float), feats["t_max"].to_numpy(float), n_traces)
    if "flat_trace_min" in feats:
        # a flat top that runs off the line cannot be shown to fade: a layer's residual, or the short
        # line's background holding the region's own reflection, may continue it there (NaN: none)
        off = at_line_end(feats["flat_trace_min"].to_numpy(float), feats["flat_trace_max"].to_numpy(float),
                          n_traces) > 0
        for c in ("flat_top_start_m", "flat_top_end_m", "flat_trace_min", "flat_trace_max", "flat_top_length_m"):
            feats[c] = np.where(off, np.nan, feats[c].to_numpy(float))
    feats["background_ratio"], feats["top_surface_ratio"] = _background_ratios(
        strong, g, at, pr, float(feats["period_ns"].iloc[0]))
    feats["layer_shift_residual"], feats["layer_shift_periods"] = _layer_shift(
        strong, g, at, pr, float(feats["period_ns"].iloc[0]))
    across = _across_line(feats, n_traces)
    feats["across_line"] = across.astype(float)
    feats["z_top"] = np.where(across, np.fmax(feats["z_top"], feats["z_top_depth"]), feats["z_top"])
    # the region's strength: where its top fills the line, its own rows' peak is read against
    # the same contaminated rows, so it is at least the top's score against the rows around it
    # (``z_peak_rows`` keeps the peak of the stacked score itself, on the scale of the pieces
    # that :func:`_look_under_pipes` compares with it)
    feats["z_peak_rows"] = feats["z_peak"]
    feats["z_peak"] = np.where(across, np.fmax(feats["z_peak"], feats["z_top"]), feats["z_peak"])
    feats["surface_ratio"] = feats["z_surface"] / feats["z_peak"].clip(lower=1e-6)
    return feats


def _background_ratios(strong: pd.DataFrame, g, at: np.ndarray, pr: Prepared, period_ns: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Per region, against the subtracted background trace of a short line (its layers and its
    surface reflection, :attr:`Prepared.background`), the median over its apex columns of:

    * ``background_ratio``: the top's envelope over the background's within a quarter period of
      the top. About 1 or less where the 'top' is a layer of the background displaced (a layer
      that steps leaves, after removal, the difference of two shifted copies of its own
      reflection); a body's top adds a reflection of its own (a void under the pavement about five
      times the asphalt's own bottom);
    * ``top_surface_ratio``: the top's envelope, the gain undone (:func:`_recorded_gain`), over the
      surface reflection's: the strength of the top's reflection against the surface's, neither
      spreading nor losses undone (about 0.1-0.6 for an air gap a few centimetres thick right under
      the pavement, a few hundredths for a layer's residual). Unlike a robust score it does not
      depend on the section's noise. NaN where the gain cannot be undone.

    Both NaN where no background is known (long lines: the recipe's moving background)."""
    n = len(at)
    if pr.background is None or strong.empty:
        return np.full(n, np.nan), np.full(n, np.nan)
    env = np.abs(hilbert(np.asarray(pr.background, dtype=np.float64), axis=-1))
    dt = float(pr.survey.attrs["dt_ns"])
    q = max(1, round(0.25 * period_ns / dt))
    env_q = ndimage.maximum_filter1d(env, 2 * q + 1, axis=-1, mode="nearest")
    c = strong["c"].to_numpy(np.intp)
    s_top = np.clip(strong["s_top"].to_numpy(float).round().astype(np.intp), 0, env.shape[-1] - 1)
    e_top = strong["e_top"].to_numpy(float)
    apex = strong["apex"].to_numpy(bool) if "apex" in strong else np.ones(len(strong), dtype=bool)

    def median_over_apex(ratio):
        return g.quantile(np.where(apex, ratio, np.nan), 0.5)[at]

    background = median_over_apex(e_top / np.maximum(env_q[c, s_top], 1e-30))
    gain = _recorded_gain(pr.survey)
    t = np.asarray(pr.survey.coords["twt_ns"].values, dtype=float)
    near = np.abs(t - pr.surface_ns) <= 0.5 * period_ns
    if gain is None or not near.any():
        return background, np.full(n, np.nan)
    surface = env[:, near].max(axis=1) / np.maximum(gain[near].max(), 1e-30)  # per channel
    return background, median_over_apex(e_top / gain[s_top] / np.maximum(surface[c], 1e-30))


#: Gain steps whose curve :func:`_recorded_gain` can rebuild from their recorded parameters.
_UNDOABLE_GAINS = {"tpower_gain"}


def _recorded_gain(survey) -> np.ndarray | None:
    """The gain the survey's history applied after its background removal, per sample (1 where
    none), or None where a step's gain cannot be rebuilt from its record (AGC, for one)."""
    from roadhealth.processing.gain import gain_curve

    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    g = np.ones_like(t)
    hist = [r for r in survey.attrs.get("history", []) if isinstance(r, dict)]
    steps = [r.get("step") for r in hist]
    after = hist[steps.index("background_removal") + 1:] if "background_removal" in steps else hist
    for r in after:
        step = str(r.get("step", ""))
        if not step.endswith("gain") and step != "agc":
            continue
        if step not in _UNDOABLE_GAINS:
            return None
        q = r.get("parameters", {})
        try:
            g = g * gain_curve(t, power=float(q["power"]), start_ns=float(q["start_ns"]),
                               max_gain_db=q.get("max_gain_db"), stop_ns=q.get("stop_ns"))
        except (KeyError, TypeError, ValueError):
            return None
    return g


#: Time shifts (antenna periods either way) tried in :func:`_layer_shift`, and its window about a
#: region's top (periods either side): the part of the background trace from the first taper point
#: before the top (periods; moved fully from the second) is what moves.
LAYER_SHIFT_MAX_PERIODS = 0.5
LAYER_SHIFT_STEPS = 41
LAYER_SHIFT_WINDOW_PERIODS = 0.75
LAYER_SHIFT_TAPER_PERIODS = (0.6, 0.3)


def _layer_shift(strong: pd.DataFrame, g, at: np.ndarray, pr: Prepared, period_ns: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per region: how much of its top is the background's own reflection moved in time.

    Where a layer's thickness steps along a short line, the record there is the background trace
    (:attr:`Prepared.background`, the layers' reflections) with the reflections from that layer
    on arriving a little earlier or later, and background removal leaves the difference of the two
    copies: a flat, laterally continuous event at the layer's time that reads like a thin gap (a
    blind clean road's 1 cm asphalt step, 0.16 ns, a "void" at 1.00). This moves the background's
    later part (from :data:`LAYER_SHIFT_TAPER_PERIODS` before the top) by each of
    :data:`LAYER_SHIFT_STEPS` shifts within :data:`LAYER_SHIFT_MAX_PERIODS` and keeps, per apex
    column, the one that best matches the recorded trace (residual plus background) within
    :data:`LAYER_SHIFT_WINDOW_PERIODS` of the top. Returns, per region, the median over its apex
    columns of the residual's energy that shift leaves unexplained (a fraction: near 0 for a layer
    moved, near 1 for a reflector of its own) and of the shift (periods, positive: later, refined
    between grid steps). NaN where no background is known (long lines: the recipe's moving
    background) or no window fits.

    A thin air gap right at a layer interface is, to first order, that interface's reflection
    moved too (its top and bottom make a derivative of the wavelet), but by the gap's two-way time
    in air times the ratio of the gap's reflection to the layer's: blind voids under the asphalt
    read 0.1-0.5 period where the shift explains them, the layer steps of clean roads 0.05-0.08.
    """
    n = len(at)
    nan = np.full(n, np.nan)
    if pr.background is None or strong.empty or not np.isfinite(period_ns) or period_ns <= 0:
        return nan, nan.copy()
    bg = np.asarray(pr.background, dtype=np.float64)  # (channel, sample)
    data = pr.survey.values  # (channel, trace, sample)
    dt = float(pr.survey.attrs["dt_ns"])
    ns = bg.shape[-1]
    shifts = np.linspace(-LAYER_SHIFT_MAX_PERIODS, LAYER_SHIFT_MAX_PERIODS, LAYER_SHIFT_STEPS) * period_ns
    apex = strong["apex"].to_numpy(bool) if "apex" in strong else np.ones(len(strong), dtype=bool)
    if not apex.any():
        return nan, nan.copy()
    rows = strong[apex]
    # the background moved later by each shift, for the channels with an apex column only:
    # (channel used, shift, sample)
    chans, chan_at = np.unique(rows["c"].to_numpy(np.intp), return_inverse=True)
    n_fft = 2 * ns
    freq = np.fft.rfftfreq(n_fft, dt)
    spec = np.fft.rfft(bg[chans], n_fft, axis=-1)
    moved = np.fft.irfft(spec[:, None, :] * np.exp(-2j * np.pi * freq * shifts[:, None]), n_fft,
                         axis=-1)[..., :ns].copy()
    h = max(2, round(LAYER_SHIFT_WINDOW_PERIODS * period_ns / dt))
    t0, t1 = LAYER_SHIFT_TAPER_PERIODS
    step = shifts[1] - shifts[0]
    unexplained = np.empty(len(rows))
    shift_p = np.empty(len(rows))
    block = max(1, 2_000_000 // (shifts.size * (2 * h + 1)))  # rows at a time (memory bound)
    for lo in range(0, len(rows), block):
        part = rows.iloc[lo:lo + block]
        c = part["c"].to_numpy(np.intp)
        cu = chan_at[lo:lo + block]  # (the channel's row in ``moved``)
        t = part["t"].to_numpy(np.intp)
        s_top = part["s_top"].to_numpy(float)
        known = np.isfinite(s_top)  # (a top not picked: no window, NaN)
        s_top = np.where(known, s_top, 0.0)
        idx = np.round(s_top).astype(np.intp)[:, None] + np.arange(-h, h + 1)  # (row, window)
        valid = (idx >= 0) & (idx < ns) & known[:, None]
        idx = np.clip(idx, 0, ns - 1)
        resid = np.where(valid, data[c[:, None], t[:, None], idx], 0.0).astype(np.float64)
        base = bg[c[:, None], idx]
        # the taper: 0 before the layer's reflection, 1 from a little before the top on
        frac = np.clip((idx * dt - (s_top[:, None] * dt - t0 * period_ns)) / ((t0 - t1) * period_ns), 0.0, 1.0)
        w = 0.5 - 0.5 * np.cos(np.pi * frac)
        shifted = moved[cu[:, None, None], np.arange(shifts.size)[None, :, None], idx[:, None, :]]
        # recorded = resid + base; moved model = base + w (shifted - base): misfit resid - w (shifted - base)
        misfit = ((resid[:, None, :] - w[:, None, :] * (shifted - base[:, None, :])) ** 2
                  * valid[:, None, :]).sum(-1)  # (row, shift)
        e0 = (resid ** 2).sum(-1)
        r = np.arange(len(part))
        k = np.argmin(misfit, axis=1)
        best = misfit[r, k]
        # the shift refined between grid steps (a parabola through the best and its neighbours)
        ym = misfit[r, np.clip(k - 1, 0, shifts.size - 1)]
        yp = misfit[r, np.clip(k + 1, 0, shifts.size - 1)]
        curv = ym - 2 * best + yp
        inner = (k > 0) & (k < shifts.size - 1) & (curv > 0)
        off = np.where(inner, 0.5 * (ym - yp) / np.where(inner, curv, 1.0), 0.0)
        shift_p[lo:lo + len(part)] = (shifts[k] + np.clip(off, -0.5, 0.5) * step) / period_ns
        unexplained[lo:lo + len(part)] = np.where(e0 > 0, best / np.where(e0 > 0, e0, 1.0), np.nan)
        shift_p[lo:lo + len(part)] = np.where(e0 > 0, shift_p[lo:lo + len(part)], np.nan)
    # per region: the median over its apex columns (NaN: none)
    u = np.full(len(strong), np.nan)
    sp = np.full(len(strong), np.nan)
    u[apex], sp[apex] = unexplained, shift_p
    return g.quantile(u, 0.5)[at], g.quantile(sp, 0.5)[at]


def _two_air_bodies(cls: pd.DataFrame, is_bent: np.ndarray, whole_air: bool = True,
                    with_other: bool = False) -> np.ndarray:
    """The wholes whose parts cut at the bends of their top (rows ``is_bent`` of ``cls``) are two
    air bodies or more: the whole is a cavity or a void, two or more parts are cavities or voids
    of a confidence of :data:`SPLIT_MIN_CONFIDENCE` or more, each with its own apex (the hyperbola
    fitted to the part's top has its apex inside the part: a top picked a lobe late over part of
    one body's flank leaves parts whose apex is that body's, outside them), and no part is a
    doubtful defect. With ``whole_air`` False the whole may be of any kind (a cut at a jump);
    with ``with_other`` one such air body beside a confident defect of another kind counts too."""
    need = {"hyperbola_x0_m", "distance_start_m", "distance_end_m"}
    if not is_bent.any() or not need <= set(cls.columns):  # (no apex measured: no part shows its own)
        return np.zeros(0, dtype=cls.index.dtype)
    bent = cls[is_bent]
    wholes, inv = np.unique(bent["parent"].to_numpy(), return_inverse=True)
    at = cls.index.get_indexer(wholes)
    whole_ok = (np.isin(np.where(at >= 0, cls["decision"].to_numpy(object)[at], None), AIR_KINDS) if whole_air
                else np.ones(wholes.size, dtype=bool))
    confident = bent["confidence"].to_numpy(float) >= SPLIT_MIN_CONFIDENCE
    x0 = bent["hyperbola_x0_m"].to_numpy(float)
    own_apex = (x0 >= bent["distance_start_m"].to_numpy(float)) & (x0 <= bent["distance_end_m"].to_numpy(float))
    air = np.isin(bent["decision"].to_numpy(object), AIR_KINDS) & confident & own_apex
    n_air = np.bincount(inv, weights=air, minlength=wholes.size)
    doubt = np.bincount(inv, weights=bent["is_defect"].to_numpy(bool) & ~confident, minlength=wholes.size) > 0
    # (``with_other``: or one such air body beside a confident defect of another kind, a wet lens
    # or a loose zone whose top the air body's flank runs into)
    other = bent["is_defect"].to_numpy(bool) & confident & ~np.isin(bent["decision"].to_numpy(object), AIR_KINDS)
    n_other = np.bincount(inv, weights=other, minlength=wholes.size)
    enough = (n_air >= 2) | (with_other & (n_air >= 1) & (n_other >= 1))
    return wholes[whole_ok & enough & ~doubt]


def _keep_splits(cls: pd.DataFrame, strong: pd.DataFrame, part_offset: int,
                 at_jumps=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The classified regions with the splits of
    :func:`~roadhealth.detect.features.split_at_saddles` that are kept.

    ``cls`` holds the classified wholes and, labelled ``part_offset`` and above, the parts of the
    split regions (``parent``: the whole's label). A region is replaced by its parts when at least
    one part is a defect, every part that is a defect has a confidence of
    :data:`SPLIT_MIN_CONFIDENCE` or more, and the parts tell another story than the whole (the
    whole is no defect, or the parts' defect kinds are not all its kind, or a part is a clear pipe:
    a pipe score of :data:`SPLIT_PIPE_MIN_SCORE` or more). A region cut where its top jumps
    (``at_jumps``, :func:`~roadhealth.detect.features.split_at_saddles`) is replaced only in that
    last case, a defect parted from a pipe beside it, or where two of its parts are air bodies
    each with its own apex (:func:`_two_air_bodies`, whatever the whole: a cavity's top rising
    over the flank of another), not where one body's top was cut. A chaotic loose top cut
    at its bumps gives doubtful pieces and stays whole.

    Parts labelled ``2 * part_offset`` and above are those of
    :func:`~roadhealth.detect.features.split_at_terraces` (the top cut where it bends the wrong way
    for one body). A whole that :func:`_two_air_bodies` says is two air bodies or more is replaced
    by them, whatever its saddles say; otherwise they are dropped.

    The kept parts get back the labels the split gave them (the first part the whole's); the
    others are dropped, and so is ``parent``.
    """
    label = cls.index.to_numpy()
    is_part = label >= part_offset
    is_bent = label >= 2 * part_offset
    keep_bent = _two_air_bodies(cls, is_bent, with_other=True)
    parent_all = cls["parent"].to_numpy() if "parent" in cls else label
    cls = cls[~(is_bent & ~np.isin(parent_all, keep_bent)) & ~(is_part & ~is_bent & np.isin(parent_all, keep_bent))]
    label = cls.index.to_numpy()
    is_part = label >= part_offset
    is_bent = label >= 2 * part_offset
    parts = cls[is_part & ~is_bent]
    # per whole (grouped with numpy: a pandas group loop cost more than the rest of the step)
    parent = parts["parent"].to_numpy()
    wholes, inv, n_parts = np.unique(parent, return_inverse=True, return_counts=True)
    at = cls.index.get_indexer(wholes)  # each whole's row (-1: not classified)
    found = at >= 0
    w_defect = cls["is_defect"].to_numpy(bool)[at] & found
    w_kind = np.where(found, cls["decision"].to_numpy(object)[at], None)
    decision = parts["decision"].to_numpy(object)
    defect = parts["is_defect"].to_numpy(bool)

    def count(mask):
        return np.bincount(inv, weights=mask, minlength=wholes.size) > 0

    some_defect = count(defect)
    # (NaN is no confidence: the comparison fails as it must)
    all_confident = ~count(defect & ~(parts["confidence"].to_numpy(float) >= SPLIT_MIN_CONFIDENCE))
    # the defect kinds of the parts are not all the whole's (a part far fainter than its whole is a
    # piece of its own tail: see SPLIT_MIN_PEAK_RATIO; where the whole is no defect, its parts tell
    # another story anyway)
    faint = np.zeros(decision.size, dtype=bool)
    if SPLIT_MIN_PEAK_RATIO is not None and "z_peak" in cls:
        w_z = np.where(found, cls["z_peak"].to_numpy(float)[at], np.nan)
        faint = parts["z_peak"].to_numpy(float) < SPLIT_MIN_PEAK_RATIO * w_z[inv]
    other_kind = count(defect & (decision != w_kind[inv]) & ~faint)
    # (a clear pipe among the parts tells another story too: the whole's kind and extent were
    # read partly on the pipe; a cut where the top jumps is kept only there)
    pipe_part = count((decision == "pipe") & (parts["score_pipe"].to_numpy(float) >= SPLIT_PIPE_MIN_SCORE))
    # (a cut at a jump is kept where it parts a defect from a pipe, or two air bodies each with its
    # own apex: the flank of one ending where the other's top rises over it)
    air_parts = np.isin(wholes, _two_air_bodies(cls, np.isin(label, parts.index.to_numpy()), whole_air=False))
    story = np.where(np.isin(wholes, list(at_jumps)), pipe_part | air_parts, ~w_defect | other_kind | pipe_part)
    keep = wholes[(n_parts >= 2) & found & some_defect & all_confident & story].tolist()

    def split_label(lab):  # a part's label as the split gave it
        return np.where(lab >= 2 * part_offset, lab - 2 * part_offset, np.where(lab >= part_offset, lab - part_offset, lab))

    kept = parts[parts["parent"].isin(keep)]
    new_rows = pd.concat([kept.assign(split=np.where(kept["parent"].isin(list(at_jumps)), "jump", "saddle")),
                          cls[is_bent].assign(split="bend")])
    keep = keep + keep_bent.tolist()
    out = pd.concat([cls[~is_part].drop(index=keep), new_rows]).drop(columns="parent")
    lab_s = strong["label"].to_numpy()
    strong = strong[np.isin(lab_s, out.index.to_numpy()) & ~np.isin(lab_s, keep)
                    | np.isin(lab_s, new_rows.index.to_numpy())]
    out.index = pd.Index(split_label(out.index.to_numpy()), name=cls.index.name)
    return out, strong.assign(label=split_label(strong["label"].to_numpy())).reset_index(drop=True)


def _noted(table, note: str | None):
    """``table`` with ``note`` first among ``attrs["detect"]["notes"]`` (when there is one)."""
    if note:
        info = dict(table.attrs.get("detect", {}))
        info["notes"] = [note, *[n for n in info.get("notes", []) if n != note]]
        table.attrs["detect"] = info
    return table


def _with_antenna_height(survey, options: dict):
    """The survey carrying the ``antenna_height_m`` option as ``attrs["antenna_height_m"]`` (where
    :func:`roadhealth.detect.prepare.prepare` reads it; a file's own value is overridden); the
    option is taken out of ``options``."""
    from roadhealth.detect.prepare import antenna_height, check_input

    h = options.pop("antenna_height_m", None)
    if h is None:
        return survey
    survey = check_input(survey).assign_attrs(antenna_height_m=h)
    return survey.assign_attrs(antenna_height_m=antenna_height(survey))  # a height, or a DetectionError


def _resolve_spacing(survey, recipe, options: dict) -> tuple[Any, str | None]:
    """The survey with an along-track spacing (``trace_spacing_m``, else estimated where the file
    gave none: :mod:`roadhealth.detect.spacing`) and a note saying where it came from; the option
    is taken out of ``options`` (a chunked search's windows must not restart at zero)."""
    from roadhealth.detect.prepare import check_input

    given = options.pop("trace_spacing_m", None)
    if given is None and getattr(survey, "attrs", {}).get("distance_source") != "trace index":
        return survey, None
    survey = check_input(survey)
    rest = {k: v for k, v in options.items() if k not in ("chunk_m",)}
    from roadhealth.detect.chunked import DEFAULT_MEMORY_MB  # lazy: chunked imports this module

    return _trace_spacing.resolve(survey, given,
                                  lambda s: _analyse(s, recipe, rest, classified=True)[1],
                                  budget_mb=DEFAULT_MEMORY_MB)


def _analyse(survey, recipe, options, *, classified: bool = False) -> tuple[Prepared, pd.DataFrame, pd.DataFrame]:
    """Prepare, score, label and measure a survey: (prepared survey, one row of features per
    region, the regions' strong columns). With ``classified`` the features carry the
    classification (:func:`~roadhealth.detect.classify.classify`) too. Regions of several
    objects (:func:`~roadhealth.detect.features.split_at_saddles`) are measured whole and in
    parts in one pass, classified, and the parts kept where :func:`_keep_splits` says."""
    pr = prepare(survey, recipe, velocity_m_per_ns=options.get("velocity_m_per_ns"),
                 eps_r=options.get("eps_r"), reference=options.get("reference"),
                 removed_surface=options.get("surface_ns"))
    pr.wave_spreading = wave_spreading(survey, options.get("wave_spreading"))
    if pr.wave_spreading is not None:  # (the strength rules read a top's strength for that world)
        given = "given" if options.get("wave_spreading") is not None else "the file's"
        pr.notes.append(f"wave spreading {pr.wave_spreading.upper()} ({given}): soil and air told apart by "
                        f"top strengths read for a {'3-D' if pr.wave_spreading == '3d' else '2-D line-source'} wave "
                        "(wave_spreading)")
    s = pr.survey
    dt = float(s.attrs["dt_ns"])
    t0 = float(s.coords["twt_ns"].values[0])
    dist = np.broadcast_to(np.asarray(s.coords["distance_m"].values, dtype=float),
                           (s.sizes["channel"], s.sizes["trace"]))
    if "offset_m" in s.coords:
        off = np.asarray(s.coords["offset_m"].values, dtype=float)
    else:
        off = np.zeros(s.sizes["channel"])
    att = attributes(np.asarray(s.values), dt_ns=dt, centre_mhz=pr.centre_mhz, surface_ns=pr.surface_ns,
                     t0_ns=t0, spacing_m=_spacing(dist[0]), background_traces=pr.background_traces,
                     velocity_m_per_ns=pr.velocity_m_per_ns)
    kw = {k: float(options[k]) for k in ("z_seed", "z_low", "zc_seed", "zc_low") if k in options}
    reg = regions(att, **kw)
    recs = column_records(att, reg)
    # a region whose top rises to separate apexes (crossing flanks of neighbouring objects) is
    # also measured in parts, cut at the saddles; the parts are labelled from ``part_offset`` on
    part_offset = None
    at_jumps: set = set()
    t_parts = None
    if not recs.empty:
        # (the steepest a reflector's top changes from one trace to the next: 2 sin(a) / v per
        # metre at the edge of the antenna beam, a = 40 degrees, where a hyperbola's flanks fade)
        spacing = max(_spacing(dist[0]), 1e-6)
        max_step = 2.0 * np.sin(np.radians(BEAM_EDGE_DEG)) / pr.velocity_m_per_ns * spacing / dt
        min_part = max(2, round(SADDLE_MIN_PART_M / spacing))
        split = split_at_saddles(recs, att.period_samples, min_part, max_step=max_step)
        lab, par = split["label"].to_numpy(), split["parent"].to_numpy()
        at_jumps = set(split.attrs["split_at_jumps"])
        parents = np.unique(par[lab != par])
        # and in parts cut where its top bends the wrong way for one body (a second, deeper top
        # that a flank runs into), labelled from twice ``part_offset`` on; these are measured only
        # for the wholes classified as air bodies, the only ones they may replace (below)
        ter = split_at_terraces(recs, att.period_samples, min_part, max(1, round(TERRACE_HALF_M / spacing)),
                                max_step=max_step, first_label=int(lab.max()) + 1)
        tlab, tpar = ter["label"].to_numpy(), ter["parent"].to_numpy()
        t_parents = np.unique(tpar[tlab != tpar])
        if parents.size or t_parents.size:
            part_offset = int(max(lab.max(), tlab.max())) + 1
            parts = split[np.isin(par, parents)]
            t_parts = ter[np.isin(tpar, t_parents)]
            t_parts = t_parts.assign(label=t_parts["label"].to_numpy() + 2 * part_offset)
            recs = pd.concat([recs.assign(parent=recs["label"].to_numpy()),
                              parts.assign(label=parts["label"].to_numpy() + part_offset)], ignore_index=True)
    v0 = pr.velocity_m_per_ns  # the scores' velocity (the features' depths before the velocity model)
    feats, strong = region_features(att, reg, dt_ns=dt, t0_ns=t0, surface_ns=pr.surface_ns,
                                    centre_mhz=pr.centre_mhz, velocity_m_per_ns=v0,
                                    distance_m=dist, offset_m=off, records=recs, max_regions=MAX_FIT_REGIONS,
                                    part_offset=part_offset)
    depth_rule = None  # how the depths are made: ("scale", factor) or ("layered",)
    # (a spacing estimated on the hyperbolas at the depth model's velocity gives no velocity)
    if not feats.empty and pr.velocity_is_default and survey.attrs.get("distance_source") != _trace_spacing.ESTIMATED:
        whole = feats if part_offset is None else feats[feats.index.to_numpy() < part_offset]
        est = velocity_from_hyperbolas(whole["hyperbola_v"], whole["hyperbola_rms_ns"],
                                       whole["distance_end_m"] - whole["distance_start_m"],
                                       float(whole["period_ns"].iloc[0]))
        if est is not None:
            depth_rule = ("scale", est[0] / pr.velocity_m_per_ns)
            pr.velocity_m_per_ns, pr.velocity_source = est
        else:  # the documented layered pavement model (slower with depth)
            depth_rule = ("layered",)
    feats = _finish_features(feats, strong, pr, depth_rule, s.sizes["channel"], s.sizes["trace"])
    if part_offset is None and not classified:
        return pr, feats, strong
    fcols = [c for c in feats.columns if c != "parent"]
    th = options.get("thresholds") or Thresholds()
    cls = classify(feats, th) if not feats.empty else feats
    if t_parts is not None and len(t_parts) and not cls.empty:
        lab_c = cls.index.to_numpy()
        air = lab_c[(lab_c < part_offset) & np.isin(cls["decision"].to_numpy(object), AIR_KINDS)]
        t_parts = t_parts[np.isin(t_parts["parent"].to_numpy(), air)]
        if len(t_parts):
            f2, s2 = region_features(att, reg, dt_ns=dt, t0_ns=t0, surface_ns=pr.surface_ns,
                                     centre_mhz=pr.centre_mhz, velocity_m_per_ns=v0, distance_m=dist, offset_m=off,
                                     records=t_parts, max_regions=MAX_FIT_REGIONS, part_offset=part_offset)
            if not f2.empty:
                f2 = _finish_features(f2, s2, pr, depth_rule, s.sizes["channel"], s.sizes["trace"])
                cls = pd.concat([cls, classify(f2, th)])
                strong = pd.concat([strong, s2], ignore_index=True)
    if part_offset is not None:
        cls, strong = _keep_splits(cls, strong, part_offset, at_jumps)
    if classified and not cls.empty:
        cls, strong = _look_under_pipes(cls, strong, att, reg, recs, pr, depth_rule, th, dt=dt, t0=t0, dist=dist,
                                        off=off, n_channels=s.sizes["channel"], n_traces=s.sizes["trace"])
        cls, strong = _remeasure_first_event(cls, strong, att, reg, recs, pr, depth_rule, th, v0=v0, dt=dt, t0=t0,
                                             dist=dist, off=off, n_channels=s.sizes["channel"],
                                             n_traces=s.sizes["trace"])
        cls, strong = _remeasure_earliest_lobe(cls, strong, att, reg, recs, pr, depth_rule, th, v0=v0, dt=dt, t0=t0,
                                               dist=dist, off=off, n_channels=s.sizes["channel"],
                                               n_traces=s.sizes["trace"])
        cls = _pipe_flanks(cls, strong, dist, pr.surface_ns)
        cls = _continuing_reflector(cls, strong, att.x, dist, dt)
        cls = _layered_interior(cls, strong, att.x, dist, dt, v0, pr.centre_mhz)
        cls = _unexplained_under_stronger(cls)
    return pr, (cls if classified else cls[fcols]), strong


#: Share of a cavity's confidence above one half taken off where its response is also that of a
#: point diffractor (``point_like``, 0-1, :func:`~roadhealth.detect.classify.scores`): on one profile
#: an air-filled pipe and a small cavity give the same picture, and the evidence says so
#: (:func:`_point_like_doubt`). Blind full-wave set, batches 1-167, clean / noisy: of the cavities
#: so called, 0.71 / 0.73 were real (the rest mostly air-filled PVC pipes, 64 / 61), against 0.92 /
#: 0.96 of the other cavity calls; of those at 0.85-0.87, where most sat, 0.62 / 0.73. A
#: confidence in 0.5-1 maps to 0.5-0.9, so no detection is dropped or added at the default
#: ``min_confidence`` and the order of the point-like calls is kept.
POINT_LIKE_DOUBT = 0.2


def _point_like_doubt(cls: pd.DataFrame) -> pd.DataFrame:
    """``cls`` with each cavity's confidence lowered by :data:`POINT_LIKE_DOUBT` x ``point_like``
    of its excess over one half (a new frame; unchanged where no cavity is point-like)."""
    if "point_like" not in cls or cls.empty:
        return cls
    point = np.nan_to_num(cls["point_like"].to_numpy(float), nan=0.0)
    conf = cls["confidence"].to_numpy(float)
    hit = (cls["decision"].astype(str).to_numpy() == "cavity") & (point > 0) & (conf > 0.5)
    if not hit.any():
        return cls
    out = cls.copy()
    out["confidence"] = np.where(hit, conf - POINT_LIKE_DOUBT * np.clip(point, 0.0, 1.0) * (conf - 0.5), conf)
    return out


def _relabel(cls: pd.DataFrame, rows: np.ndarray, decision: str) -> pd.DataFrame:
    """``cls`` (changed in place and returned) with the regions at positions ``rows`` re-labelled
    ``decision`` as clutter: not a defect, confidence 0."""
    if isinstance(cls["decision"].dtype, pd.CategoricalDtype):
        cls["decision"] = cls["decision"].astype(object)
    col = cls.columns
    cls.iloc[rows, col.get_loc("decision")] = decision
    cls.iloc[rows, col.get_loc("is_defect")] = False
    cls.iloc[rows, col.get_loc("confidence")] = 0.0
    return cls


#: A reflector that goes on past an air body's region is an interface, not the body's top
#: (:func:`_continuing_reflector`): a cavity's or void's top ends at its edges in diffractions
#: that bend away from it and fade, while a layer's (a dipping or bending interface whose
#: brightest stretch scored as a region) continues in the same phase at much the same strength.
#: A cavity or void region is called ``layer`` where, past one of its ends in its best channel,
#: the event of its end column continues over at least :data:`LAYER_CONTINUES_FRACTION` of its
#: own length (at least 1 m) with a normalised correlation of :data:`LAYER_CONTINUES_CORRELATION`
#: or more and at least :data:`LAYER_CONTINUES_AMPLITUDE` of the end column's amplitude, within a
#: quarter period per trace of the previous pick and within :data:`LAYER_CONTINUES_DIP_NS_PER_M`
#: of the end's own dip. Measured (fiftieth session; the longer side over max(1 m, length)): the
#: clean blind cavities and voids found 0.00-0.46 (99th percentile 0.37, 0.27), their false
#: alarms up to 0.61; the real geological section ``FILE____032.DZT`` (GSSI 400 MHz), whose
#: strong dipping reflector scored a 'cavity' at 0.96, 1.01. A body whose top lies on an interface
#: keeps it: beyond it the interface has the other phase (an air body under a slower layer) or
#: under half the body's strength (a faster one), and a layer residual of a background removal is
#: the body's contrast with the other sign. None: off.
LAYER_CONTINUES_FRACTION: float | None = 0.9
LAYER_CONTINUES_CORRELATION = 0.7
LAYER_CONTINUES_AMPLITUDE = 0.5
LAYER_CONTINUES_DIP_NS_PER_M = 1.0


#: Along-track step (m) at which the continuation is followed (every trace on coarser lines), and
#: samples per period it is read at: a finely sampled line costs no more than a coarse one.
LAYER_CONTINUES_STEP_M = 0.04
LAYER_CONTINUES_SAMPLES_PER_PERIOD = 16


def _continues(x: np.ndarray, tr: np.ndarray, s_top: np.ndarray, side: int, n_ext: int, period_s: float,
               dip_tol_s: float, stride: int = 1) -> int:
    """Traces over which the event of a region's end column continues past that end (``side``
    -1: before its first trace, +1: after its last), in one channel ``x`` (trace, sample), given
    the region's tops ``tr`` (sorted traces) and ``s_top`` (samples): see
    :data:`LAYER_CONTINUES_FRACTION`. The end column's wavelet (a period about its top) is
    correlated with every ``stride``-th of the ``n_ext`` traces past it, at lags within half a
    period plus ``dip_tol_s`` samples per trace of the end's dip (a line through its tops over the
    last 0.3 m or five of them), at most two periods; the run of those traces from the end whose
    best lag correlates and is strong enough, each within a quarter period of the previous one's,
    is counted (in traces). The samples are read every ``period_s / 16`` at most (one gather
    over those traces and lags, no loop over traces; 2.3 MB at the peak for a 6 m region on 1 cm
    traces at 0.02 ns)."""
    n_t, n_s = x.shape
    m = max(min(5, tr.size), int(np.count_nonzero(np.abs(tr - (tr[0] if side < 0 else tr[-1])) <= 7 * stride)))
    tt, ss = (tr[:m], s_top[:m]) if side < 0 else (tr[-m:], s_top[-m:])
    te, se = int(tt[0] if side < 0 else tt[-1]), int(ss[0] if side < 0 else ss[-1])
    dip = float(np.polyfit(tt, ss, 1)[0]) if np.ptp(tt) > 0 else 0.0  # samples per trace
    q = max(1, int(period_s // LAYER_CONTINUES_SAMPLES_PER_PERIOD))  # sample step
    half = max(2, round(0.5 * period_s / q))  # wavelet half-length, in steps of q
    k = stride * np.arange(1, n_ext // stride + 1)
    tk = te + side * k
    inside = (tk >= 0) & (tk < n_t)
    k, tk = k[inside], tk[inside]
    if k.size == 0 or se - half * q < 0 or se + half * q + 1 > n_s:
        return 0
    w = x[te, se - half * q: se + half * q + 1: q].astype(np.float64)
    w_norm = float(np.linalg.norm(w))
    if w_norm == 0:
        return 0
    allow = np.minimum(0.5 * period_s + k * dip_tol_s, 2.0 * period_s)  # lags allowed at each trace, samples
    n_lag = int(np.ceil(allow.max() / q))
    lags = q * np.arange(-n_lag, n_lag + 1)
    pos = np.round(se + side * dip * k[:, None] + lags[None, :]).astype(np.int64)  # (trace, lag)
    valid = (np.abs(lags)[None, :] <= allow[:, None]) & (pos - half * q >= 0) & (pos + half * q + 1 <= n_s)
    idx = np.clip(pos[:, :, None] + q * np.arange(-half, half + 1), 0, n_s - 1)
    seg = x[tk[:, None, None], idx].astype(np.float64)  # (trace, lag, wavelet)
    seg_norm = np.linalg.norm(seg, axis=2)
    corr = np.where(valid, (seg @ w) / (np.maximum(seg_norm, 1e-300) * w_norm), -np.inf)
    best = np.argmax(corr, axis=1)
    rows = np.arange(k.size)
    picks = pos[rows, best]
    ok = ((corr[rows, best] >= LAYER_CONTINUES_CORRELATION)
          & (seg_norm[rows, best] >= LAYER_CONTINUES_AMPLITUDE * w_norm)
          & (np.abs(np.diff(np.r_[se, picks])) <= max(1.0, 0.25 * period_s)))
    n = ok.size if ok.all() else int(np.argmin(ok))
    return int(k[n - 1]) if n else 0


def _continuing_reflector(cls: pd.DataFrame, strong: pd.DataFrame, x: np.ndarray, dist: np.ndarray,
                          dt_ns: float) -> pd.DataFrame:
    """Cavity and void regions whose top is a stretch of a reflector that goes on past them,
    called ``layer`` (see :data:`LAYER_CONTINUES_FRACTION`); ``layer_continues_m`` gives, for
    every cavity and void region looked at, how far (m) its top's event continues on its longer
    side (NaN in every other row). Loops over the few air regions and their two ends, never over
    traces."""
    if LAYER_CONTINUES_FRACTION is None or cls.empty or "decision" not in cls or strong.empty:
        return cls
    dec = cls["decision"].astype(str).to_numpy()
    air = np.flatnonzero(np.isin(dec, AIR_KINDS))
    if air.size == 0:
        return cls
    lab_s = strong["label"].to_numpy()
    c_s = strong["c"].to_numpy().astype(np.int64)
    t_s = strong["t"].to_numpy().astype(np.int64)
    s_s = strong["s_top"].to_numpy().astype(np.int64)
    length = _length(cls)
    period = cls["period_ns"].to_numpy(float) / dt_ns  # samples
    cont = np.full(len(cls), np.nan)
    for i in air:
        mine = lab_s == cls.index[i]
        if not mine.any():
            continue
        ch = np.bincount(c_s[mine]).argmax()  # the region's best channel: the most strong tops
        sel = mine & (c_s == ch)
        order = np.argsort(t_s[sel], kind="stable")
        tr, st = t_s[sel][order], s_s[sel][order]
        if tr.size < 3:
            continue
        spacing = _spacing(dist[ch])
        n_ext = max(1, math.ceil(max(1.0, length[i]) / spacing))
        stride = max(1, round(LAYER_CONTINUES_STEP_M / spacing))
        dip_tol = LAYER_CONTINUES_DIP_NS_PER_M * spacing / dt_ns
        n = max(_continues(x[ch], tr, st, side, n_ext, period[i], dip_tol, stride) for side in (-1, 1))
        cont[i] = n * spacing
    cls = cls.assign(layer_continues_m=cont)
    hit = np.flatnonzero(cont >= LAYER_CONTINUES_FRACTION * np.maximum(1.0, length) - 1e-9)
    if hit.size == 0:
        return cls
    return _relabel(cls, hit, "layer")


#: A loose call whose interior is layered, not scattering, is a layer (:func:`_layered_interior`):
#: loose soil scatters, so what lies under its top (1.5-4 periods, the window of ``ringing`` and
#: ``coherence_below``) is incoherent from trace to trace along every dip, while a bundle of
#: parallel reflectors (dipping strata, a layered fill) is coherent along their common dip and, where
#: that dip is gentle, nearly so at zero dip. Per strong column, the semblance of that window over
#: five neighbouring traces (``features.COHERENCE_STEP_*`` apart) is scanned over dips up to
#: :data:`LAYERED_INTERIOR_MAX_DIP_NS_PER_M`; a loose region whose median best semblance reaches
#: the first value and whose median zero-dip semblance the second is called ``layer``. Measured
#: (fiftieth session, every blind loose call at confidence >= 0.5, clean and noisy, 319): loose
#: zones found 0.26-0.87 best (99th percentile 0.83) and 0.01-0.62 at zero dip, never both over
#: the pair; the real GSSI section ``FILE____032.DZT``'s 'loose zone' at 0.98 on parallel dipping
#: reflectors 0.90 and 0.74. A loose call made on a body of soil's bottom (``soil_body``, a
#: homogeneous block of lower permittivity, whose bottom is one flat coherent reflection under its
#: top by nature) is not looked at. None: off.
LAYERED_INTERIOR: tuple[float, float] | None = (0.85, 0.6)
LAYERED_INTERIOR_MAX_DIP_NS_PER_M = 8.0
LAYERED_INTERIOR_DIPS = 17


def _layered_interior(cls: pd.DataFrame, strong: pd.DataFrame, x: np.ndarray, dist: np.ndarray, dt_ns: float,
                      velocity_m_per_ns: float, centre_mhz: float) -> pd.DataFrame:
    """Loose calls whose interior is coherent along a common, gentle dip, called ``layer`` (see
    :data:`LAYERED_INTERIOR`); ``interior_dip_semblance`` and ``interior_flat_semblance`` give the
    two medians for every loose region looked at (NaN in every other row). Loops over the few loose
    regions and the scanned dips, never over traces."""
    if LAYERED_INTERIOR is None or cls.empty or "decision" not in cls or strong.empty:
        return cls
    # (a body of soil is loose by its own flat bottom, coherent by nature: not looked at)
    soil = cls["soil_body"].to_numpy(float) >= SOIL_BODY_CALL if "soil_body" in cls else np.zeros(len(cls), bool)
    loose = np.flatnonzero((cls["decision"].astype(str).to_numpy() == "loose") & ~soil)
    if loose.size == 0:
        return cls
    _n_c, n_t, n_s = x.shape
    sp, stride = coherence_stride(dist, velocity_m_per_ns, centre_mhz)
    offs = stride * np.arange(-2, 3)
    dips = (np.linspace(-1.0, 1.0, LAYERED_INTERIOR_DIPS) * LAYERED_INTERIOR_MAX_DIP_NS_PER_M * sp / dt_ns)
    lab_s = strong["label"].to_numpy()
    best = np.full(len(cls), np.nan)
    flat = np.full(len(cls), np.nan)
    for i in loose:
        mine = lab_s == cls.index[i]
        if not mine.any():
            continue
        c = strong["c"].to_numpy()[mine].astype(np.int64)
        t = strong["t"].to_numpy()[mine].astype(np.int64)
        s_top = strong["s_top"].to_numpy()[mine].astype(np.int64)
        p = float(cls["period_ns"].iloc[i]) / dt_ns
        k = np.arange(int(p + max(2, round(0.5 * p))), int(4 * p))
        if k.size == 0:
            continue
        tn = np.clip(t[:, None] + offs[None, :], 0, n_t - 1)
        sem = np.empty((c.size, dips.size))
        for j, d in enumerate(dips):
            kb = s_top[:, None, None] + np.round(d * offs).astype(np.int64)[None, :, None] + k[None, None, :]
            blk = x[c[:, None, None], tn[:, :, None], np.clip(kb, 0, n_s - 1)].astype(np.float64)
            blk[(kb < 0) | (kb >= n_s)] = 0.0
            sem[:, j] = _semblance(blk)
        best[i] = float(np.median(sem.max(axis=1)))
        flat[i] = float(np.median(sem[:, int(np.argmin(np.abs(dips)))]))
    cls = cls.assign(interior_dip_semblance=best, interior_flat_semblance=flat)
    hit = np.flatnonzero((best >= LAYERED_INTERIOR[0]) & (flat >= LAYERED_INTERIOR[1]))
    if hit.size == 0:
        return cls
    return _relabel(cls, hit, "layer")


#: A region at least this many times stronger (``z_peak``), over the same traces and channels and
#: a period or more earlier, makes an unexplained incoherent zone under it that region's shadow.
UNEXPLAINED_UNDER_RATIO = 2.0


def _unexplained_under_stronger(cls: pd.DataFrame) -> pd.DataFrame:
    """Loose calls that rest only on an unexplained incoherent zone
    (:data:`~roadhealth.detect.classify.LOOSE_INCOHERENT_ZONE`, column ``unexplained_zone``)
    dropped (decision ``weak``) where a much stronger body or pipe (decision pipe, cavity, void or
    wet zone) lies above them over the same columns.

    Under a strong reflector the record holds its reverberation, its bottom and multiples and the
    shadow it casts on the layers, which are as incoherent as scattering soil and explained by
    nothing of their own (two 900 MHz metal pipes, 0.8 m down, gave 'loose' zones at 1.00 and 0.77
    six nanoseconds under their apex, 16 and 12 times weaker). A loose zone under a body must then
    show the loose rules' own evidence. Pairwise over the few such calls and the regions, never
    over traces."""
    if cls.empty or "unexplained_zone" not in cls or "decision" not in cls:
        return cls
    cand = np.flatnonzero((cls["decision"].astype(str).to_numpy() == "loose")
                          & (cls["unexplained_zone"].to_numpy(float) > 0))
    if cand.size == 0:
        return cls
    z = cls["z_peak"].to_numpy(float)
    t_top = cls["t_top_ns"].to_numpy(float)
    period = cls["period_ns"].to_numpy(float)
    # (a body or a pipe above, whose echoes and shadow these are; not a layer's residual or the
    # surface's, which run along the line over anything under them)
    body = np.isin(cls["decision"].astype(str).to_numpy(), ("pipe", "cavity", "void", "water_rich"))
    lo_t, hi_t = _column(cls, "t_min"), _column(cls, "t_max")
    lo_c, hi_c = _column(cls, "c_min"), _column(cls, "c_max")
    over = ((lo_t[None, :] <= hi_t[cand, None]) & (hi_t[None, :] >= lo_t[cand, None])
            & (lo_c[None, :] <= hi_c[cand, None]) & (hi_c[None, :] >= lo_c[cand, None]))
    above = t_top[None, :] <= t_top[cand, None] - period[cand, None]
    stronger = z[None, :] >= UNEXPLAINED_UNDER_RATIO * z[cand, None]
    shadowed = cand[(over & above & stronger & body[None, :]).any(axis=1)]
    if shadowed.size == 0:
        return cls
    return _relabel(cls.copy(), shadowed, "weak")


def _on_pipe_multiple(mine: np.ndarray, pipe: np.ndarray, v_pipe: float, per_c: dict, c_s: np.ndarray,
                      x_s: np.ndarray, t_s: np.ndarray, surface_ns: float, period_ns: float) -> bool:
    """Whether the strong tops ``mine`` are a pipe's first surface multiple: at least
    :data:`PIPE_MULTIPLE_MIN_FRACTION` of them within :data:`PIPE_MULTIPLE_ON_CURVE` periods of the
    pipe's curve delayed by its apex time (two-way times below the surface ``surface_ns``; the
    curve t^2 = a + b x + (2 x / v)^2 fitted per channel through the pipe's strong tops ``pipe`` at
    its velocity ``v_pipe``, its apex time sqrt(a - b^2 v^2 / 16)) and
    :data:`PIPE_FLANK_MIN_FRACTION` of them on it or on the pipe's own flank (``per_c``, within
    :data:`PIPE_FLANK_ON_CURVE`). Tops in channels where the pipe has no curve count as off both.
    The polarity and score are the caller's to check. See :data:`PIPE_MULTIPLES`."""
    n_tops = int(np.count_nonzero(mine))
    on1 = np.zeros(0, dtype=bool)
    on2 = np.zeros(0, dtype=bool)
    for c in np.unique(c_s[mine]):
        m, p = mine & (c_s == c), pipe & (c_s == c)
        if int(c) not in per_c or p.sum() < 3:
            continue
        xp, tp = x_s[p], t_s[p] - surface_ns
        b, a = np.polyfit(xp, tp**2 - (2.0 * xp / v_pipe) ** 2, 1)
        t_apex = math.sqrt(max(a - b * b * v_pipe * v_pipe / 16.0, 0.0))
        x = x_s[m]
        below = np.sqrt(np.maximum(a + b * x + (2.0 * x / v_pipe) ** 2, 0.0))
        d2 = (t_s[m] - surface_ns - (below + t_apex)) / period_ns
        a1, b1, v1 = per_c[int(c)]
        d1 = (t_s[m] - np.sqrt(np.maximum(a1 + b1 * x + (2.0 * x / v1) ** 2, 0.0))) / period_ns
        on2 = np.r_[on2, (d2 >= PIPE_MULTIPLE_ON_CURVE[0]) & (d2 <= PIPE_MULTIPLE_ON_CURVE[1])]
        on1 = np.r_[on1, (d1 >= PIPE_FLANK_ON_CURVE[0]) & (d1 <= PIPE_FLANK_ON_CURVE[1])]
    return bool(n_tops and np.count_nonzero(on2) >= PIPE_MULTIPLE_MIN_FRACTION * n_tops
                and np.count_nonzero(on1 | on2) >= PIPE_FLANK_MIN_FRACTION * n_tops)


def _pipe_flanks(cls: pd.DataFrame, strong: pd.DataFrame, dist: np.ndarray, surface_ns: float = 0.0) -> pd.DataFrame:
    """Regions that are a loud pipe's far flanks, called pipes (clutter, not defects).

    A metal pipe's hyperbola fades along its flanks and rises again further out (the antenna's
    pattern and the flank's steepness), so its far flanks may form a region of their own, which,
    as a strong same-polarity reflector with no bottom, reads as a wet zone. Each pipe (decision
    ``pipe``, peak score at least :data:`PIPE_FLANK_MIN_Z`, a hyperbola fitted) gives its curve,
    t(x)^2 = a + b x + (2 x / v)^2 per channel (the fitted velocity ``v``; ``a`` and ``b`` by
    least squares through the pipe's own strong tops in that channel, so that a pipe crossing an
    array obliquely has its apex where each channel sees it). A defect region whose strong tops in
    those channels lie within :data:`PIPE_FLANK_PERIODS` of a pipe's curve at the median, at least
    :data:`PIPE_FLANK_MIN_FRACTION` of them within :data:`PIPE_FLANK_ON_CURVE`, and which scores at
    most :data:`PIPE_FLANK_MAX_RATIO` of the pipe, is that pipe's flank: its decision
    becomes ``pipe`` (``pipe_flank``: the label of the pipe; NaN in every other row). A defect
    region of the polarity of air scoring no more than the pipe whose tops lie on the pipe's curve
    delayed by its apex time is the pipe's first surface multiple (:func:`_on_pipe_multiple`,
    :data:`PIPE_MULTIPLES`): called ``pipe`` too, ``pipe_multiple`` giving the pipe's label (NaN in
    every other row). A defect region whose strong tops follow the pipe's curve as a copy a period or
    two behind it (:data:`PIPE_LATE_MAX_PERIODS`, :data:`PIPE_LATE_MAX_SPREAD`), of no single
    wavelet (:data:`PIPE_LATE_MAX_CONSISTENCY`) and no stronger than the pipe, is the pipe's late
    arrivals (the wave creeping round a metal pipe): called ``pipe`` too, ``pipe_late`` giving the
    pipe's label. Rows so re-labelled count as the pipe's clutter in the later steps (the
    echo rule, the shadows under stronger regions). Loops over the few pipes and defects, never
    over traces."""
    if cls.empty or "decision" not in cls:
        return cls
    cls = cls.assign(pipe_flank=np.nan, pipe_multiple=np.nan, pipe_late=np.nan)
    if strong.empty:
        return cls
    dec = cls["decision"].astype(str).to_numpy()
    z = cls["z_peak"].to_numpy(float)
    v = _column(cls, "hyperbola_v")
    pol = _column(cls, "polarity")  # (NaN: never a multiple)
    cons = _column(cls, "phase_consistency")  # (NaN: never late arrivals)
    pipes = np.flatnonzero((dec == "pipe") & (z >= PIPE_FLANK_MIN_Z) & np.isfinite(v) & (v > 0))
    cand = np.flatnonzero(cls["is_defect"].to_numpy(bool))
    if pipes.size == 0 or cand.size == 0:
        return cls
    lab_s = strong["label"].to_numpy()
    c_s = strong["c"].to_numpy().astype(np.int64)
    x_s = dist[c_s, strong["t"].to_numpy().astype(np.int64)]
    t_s = strong["t_top"].to_numpy(float)
    period = cls["period_ns"].to_numpy(float)
    curves = []  # (pipe row, {channel: (a, b, v)})
    for i in pipes:
        on = lab_s == cls.index[i]
        per_c = {}
        for c in np.unique(c_s[on]):
            m = on & (c_s == c)
            x, t = x_s[m], t_s[m]
            if m.sum() < 3 or not np.ptp(x) > 0:
                continue
            y = t**2 - (2.0 * x / v[i]) ** 2  # = a + b x on the pipe's curve
            b, a = np.polyfit(x, y, 1)
            per_c[int(c)] = (a, b, v[i])
        if per_c:
            curves.append((i, per_c))
    out = cls
    for j in cand:
        mine = lab_s == cls.index[j]
        n_tops = int(mine.sum())
        if n_tops == 0:
            continue
        for i, per_c in curves:
            if not z[j] <= PIPE_FLANK_MAX_RATIO * z[i]:  # (a NaN score is no flank's)
                continue
            delays = []
            for c, (a, b, vi) in per_c.items():
                m = mine & (c_s == c)
                if m.any():
                    x = x_s[m]
                    t2 = a + b * x + (2.0 * x / vi) ** 2
                    delays.append((t_s[m] - np.sqrt(np.maximum(t2, 0.0))) / period[j])
            if not delays:
                continue
            # the pipe's surface multiple (see PIPE_MULTIPLES), else its far flank
            multiple = bool(PIPE_MULTIPLES and pol[j] >= PIPE_MULTIPLE_MIN_POLARITY
                            and _on_pipe_multiple(mine, lab_s == cls.index[i], v[i], per_c, c_s, x_s, t_s,
                                                  surface_ns, period[j]))
            late = False
            if not multiple:
                delays = np.concatenate(delays)
                med = float(np.median(delays))
                # (over all the region's tops: those in channels where the pipe has no curve count
                # as off it, so that a region across an array is not judged by its few tops beside
                # a pipe)
                on_curve = np.count_nonzero((delays >= PIPE_FLANK_ON_CURVE[0]) & (delays <= PIPE_FLANK_ON_CURVE[1]))
                if not (PIPE_FLANK_PERIODS[0] <= med <= PIPE_FLANK_PERIODS[1]
                        and on_curve >= PIPE_FLANK_MIN_FRACTION * n_tops):
                    # the pipe's late arrivals: a copy of its curve a little later, of no single
                    # wavelet (see PIPE_LATE_MAX_PERIODS); only where every one of the region's
                    # tops lies in a channel where the pipe has a curve (a region across an array
                    # is not judged by its few tops beside a pipe)
                    q1, q3 = np.percentile(delays, [25, 75])
                    late = bool(PIPE_LATE_MAX_CONSISTENCY is not None and delays.size == n_tops
                                and PIPE_FLANK_PERIODS[1] < med <= PIPE_LATE_MAX_PERIODS
                                and q3 - q1 <= PIPE_LATE_MAX_SPREAD
                                and cons[j] < PIPE_LATE_MAX_CONSISTENCY)
                    if not late:
                        continue
            if out is cls:
                out = cls.copy()
            k = out.index[j]
            out.loc[k, "decision"] = "pipe"
            out.loc[k, "is_defect"] = False
            out.loc[k, "confidence"] = 0.0
            out.loc[k, "pipe_multiple" if multiple else "pipe_late" if late else "pipe_flank"] = float(cls.index[i])
            break
    return out


def _remeasure_first_event(cls, strong, att, reg, recs, pr: Prepared, depth_rule, th, *, v0, dt, t0, dist, off,
                           n_channels, n_traces):
    """The regions of :data:`REMEASURE_DECISIONS` with columns moved under a faint first event,
    measured again with every column's top at that event (``s_top_first``) and replaced by that
    reading where it is a defect of :data:`SPLIT_MIN_CONFIDENCE` or more.

    A column's top is moved under a first event scoring under a tenth of the column's peak, for a
    faint pipe over a strong cavity. In a noise-free record the top of a loose or wet body scores
    under a tenth of the strong reflections inside or under it while scoring tens of robust
    standard deviations itself (blind clean 400 MHz loose zones: tops at 33-52 over bodies at
    390-660); moved there, the region's top is a bright point inside the body, read as a pipe or as
    nothing, and with noise the same line, its first event kept, is found."""
    if REMEASURE_DECISIONS is None:
        return cls, strong
    return _remeasure_at(cls, strong, att, reg, recs, pr, depth_rule, th, REMEASURE_DECISIONS, "s_top_first",
                         v0=v0, dt=dt, t0=t0, dist=dist, off=off, n_channels=n_channels, n_traces=n_traces)


#: A whole region that reads as one of these decisions, some of whose columns have an earlier
#: wavelet nearly as strong as their top (``s_top_early`` of
#: :func:`~roadhealth.detect.features.column_records`, :data:`~roadhealth.detect.features.EARLY_TOP_FRACTION`),
#: is measured again with those columns' tops there, and reported as that reading where it is a
#: cavity or a void of at least :data:`SPLIT_MIN_CONFIDENCE` (:func:`_remeasure_earliest_lobe`):
#: the case it serves is an air body's top over its stronger bottom. Other kinds so read are not
#: taken: on the real files a 'weak' region so read was a 'loose' zone 2 robust SD above the
#: background on a GSSI grid line and over 7 m of a pulseEKKO WARR gather (confidence 1.0), and
#: a noisy blind loose zone a 'wet' one. Regions called loose or wet read again too, replaced by
#: a surer cavity reading: blind 1-191, one noisy cavity found (it was 'wet'), one noisy loose
#: zone lost (to 'cavity'), nothing clean; not taken. None: off.
REMEASURE_EARLY_DECISIONS: tuple | None = ("weak", "layer")
#: ... and only a region whose peak score reaches this, twice the seed's: a second reading is for
#: a body well above the background (the blind cavities so found: 19-865; the sample survey's
#: regions that would be read again, at 9 and 11, cost a tenth more time and gave nothing).
REMEASURE_EARLY_MIN_Z = 16.0


def _remeasure_earliest_lobe(cls, strong, att, reg, recs, pr: Prepared, depth_rule, th, *, v0, dt, t0, dist, off,
                             n_channels, n_traces):
    """The regions of :data:`REMEASURE_EARLY_DECISIONS` measured again with every column's top at
    its earliest strong wavelet (``s_top_early``), replaced by that reading where it is a cavity or
    a void of :data:`SPLIT_MIN_CONFIDENCE` or more.

    A column's top is the strongest wavelet within 2.5 periods of its first sample. Under a
    flat-topped cavity the bottom reflection and the crossing diffractions of the two edges arrive
    together 1-2 periods after the top, and stronger: read there, the top has the surface's
    polarity and the region reads as nothing (blind 600 MHz flat-topped cavities in dry sand)."""
    if REMEASURE_EARLY_DECISIONS is None:
        return cls, strong
    return _remeasure_at(cls, strong, att, reg, recs, pr, depth_rule, th, REMEASURE_EARLY_DECISIONS, "s_top_early",
                         v0=v0, dt=dt, t0=t0, dist=dist, off=off, n_channels=n_channels, n_traces=n_traces,
                         peak_at_top=True, kinds=AIR_KINDS, min_z=REMEASURE_EARLY_MIN_Z, mark="earliest")


def _remeasure_at(cls, strong, att, reg, recs, pr: Prepared, depth_rule, th, decisions, top_column, *, v0, dt, t0,
                  dist, off, n_channels, n_traces, peak_at_top: bool = False, kinds: tuple | None = None,
                  min_z: float | None = None, mark: str | None = None):
    """The whole regions whose decision is one of ``decisions`` and some of whose columns have
    ``top_column`` (a column of the records) other than their top, measured again with every
    column's top there, and replaced by that reading where it is a defect of
    :data:`SPLIT_MIN_CONFIDENCE` or more, not a point's top. With ``peak_at_top`` the times the
    hyperbola is fitted to (``s_peak``) are the new tops too (a local envelope maximum). With
    ``kinds`` only a reading as one of those kinds replaces a region; with ``min_z`` only regions
    whose ``z_peak`` reaches it are read again; with ``mark`` the rows so replaced carry it in
    ``top_reading`` (None in the others; the evidence says so, :data:`TOP_READING_TEXT`)."""
    if cls.empty or recs.empty:
        return cls, strong
    rec_lab = recs["label"].to_numpy()
    whole = rec_lab == recs["parent"].to_numpy() if "parent" in recs else np.ones(rec_lab.size, dtype=bool)
    ok = np.isin(cls["decision"].to_numpy(object), decisions)
    if "split" in cls:
        ok &= cls["split"].isna().to_numpy()
    if min_z is not None:
        ok &= cls["z_peak"].to_numpy(float) >= min_z
    r = recs[whole & np.isin(rec_lab, cls.index[ok])]
    moved = np.unique(r["label"].to_numpy()[r[top_column].to_numpy() != r["s_top"].to_numpy()])
    if moved.size == 0:
        return cls, strong
    r = r[np.isin(r["label"].to_numpy(), moved)].drop(columns=[c for c in ("parent",) if c in r])
    n_t, n_s = att.x.shape[1], att.x.shape[2]
    cols = (r["c"].to_numpy() * n_t + r["t"].to_numpy()).astype(np.int64)
    s_top = r[top_column].to_numpy()
    env_all, h_all, ri = att.analytic_rows(cols)
    # (the columns moved: their new top is a local envelope maximum, the fitted times too)
    s_peak = np.where(s_top != r["s_top"].to_numpy(), s_top, r["s_peak"].to_numpy()) if peak_at_top else r["s_peak"]
    r = r.assign(s_top=s_top, s_first=np.minimum(r["s_first"].to_numpy(), s_top), s_peak=s_peak,
                 a_top=att.x.reshape(-1, n_s)[cols, s_top].astype(float), e_top=env_all[ri, s_top].astype(float),
                 h_top=h_all[ri, s_top].astype(float))
    f2, s2 = region_features(att, reg, dt_ns=dt, t0_ns=t0, surface_ns=pr.surface_ns, centre_mhz=pr.centre_mhz,
                             velocity_m_per_ns=v0, distance_m=dist, offset_m=off, records=r,
                             max_regions=MAX_FIT_REGIONS)
    if f2.empty:
        return cls, strong
    f2 = _finish_features(f2, s2, pr, depth_rule, n_channels, n_traces)
    c2 = classify(f2, th)
    # (a first event that is a point's hyperbola is a pipe over what lies under it, which
    # :func:`_look_under_pipes` reads: blind clean, a water-filled pipe's near wall over its far
    # wall's stronger echo, read again, was a 'wet zone' at 1.0)
    good = c2.index[c2["is_defect"].to_numpy(bool) & (c2["confidence"].to_numpy(float) >= SPLIT_MIN_CONFIDENCE)
                    & (_column(c2, "point_top") < 0.5)
                    & (np.isin(c2["decision"].to_numpy(object), kinds) if kinds is not None else True)]
    if good.size == 0:
        return cls, strong
    if mark is not None:
        if "top_reading" not in cls:
            cls = cls.assign(top_reading=None)
        c2 = c2.assign(top_reading=mark)
    cls = pd.concat([cls.drop(index=good), c2.loc[good].reindex(columns=cls.columns)])
    strong = pd.concat([strong[~np.isin(strong["label"].to_numpy(), good)],
                        s2[np.isin(s2["label"].to_numpy(), good)]], ignore_index=True)
    return cls, strong


def _length(t: pd.DataFrame) -> np.ndarray:
    return (t["distance_end_m"] - t["distance_start_m"]).to_numpy(float)


def _top_under(pieces: pd.DataFrame, above: pd.DataFrame) -> np.ndarray:
    """Whether each piece's own top (its columns within half a period of its earliest top) lies
    under the strong columns of the part above it, not beside them. Under a metal pipe the pipe's
    own flank runs on down past the cut of the columns at the region's ends, where the region's
    top is a layer's residual: a piece whose top is that flank, a few centimetres wide beyond the
    pipe's strong columns, is no body under the pipe (blind 400 MHz metal pipes resampled to
    another sample interval: three 'cavities' and a 'wet zone', at 0.9-1.0 confidence)."""
    return ((pieces["top_end_m"].to_numpy(float) >= above["distance_start_m"].to_numpy(float))
            & (pieces["top_start_m"].to_numpy(float) <= above["distance_end_m"].to_numpy(float)))


def _look_under_pipes(cls, strong, att, reg, recs, pr: Prepared, depth_rule, th, *, dt, t0, dist, off, n_channels,
                      n_traces):
    """A defect under a pipe or a wet zone, measured apart from it (what a leaking pipe leaves under
    it).

    A pipe and a cavity or wet zone right under it form one candidate region, classified as a whole
    by the pipe's top. A metal pipe has no bottom reflection and hardly rings, and what lies right
    under it is shadowed: its top shows at the sides. Every region called a pipe, every region
    with a point-like top whose energy under it exceeds :data:`UNDER_PIPE_RINGING` of its top lobe's,
    and every whole region of :data:`LOOK_UNDER_DECISIONS` (called nothing, or wet) is cut
    :data:`UNDER_PIPE_PERIODS` periods under its top, column by column (a region not called a pipe
    under the top of its first event, ``s_top_first`` of
    :func:`~roadhealth.detect.features.column_records`). The part above the
    cut and the pieces below it (26-connected within one region, each over at least three traces
    and reaching the seed score, as candidate regions must) are measured and classified like any
    region, the part above by its top alone. The region is replaced by the part above (a pipe, as
    clutter, or a wet zone: :data:`LOOK_UNDER_ABOVE`) and the defects under it where the part above
    is clear (``z_peak`` at least :data:`ECHO_STRONG_PRIMARY_Z`) and a piece below is

    * a defect with a confidence of :data:`SPLIT_MIN_CONFIDENCE` or more,
    * at least :data:`UNDER_PIPE_MIN_RATIO` of the pipe's peak score (the wave creeping round a
      metal pipe is weaker),
    * another reflector's top: one wavelet along it (:data:`UNDER_PIPE_MIN_CONSISTENCY`), seen
      along at least :data:`UNDER_PIPE_MIN_LENGTH` of the length of the part above (not the bottom
      of a slow body whose domed top was called a pipe); under a wet zone, whose own bottom is as
      long as its top, no echo of it (:func:`_echo_below`: not within :data:`ECHO_BELOW_M` of its
      bottom unless more than :data:`ECHO_MAX_RATIO` times as strong, as the echo rule drops),
    * with its top under the part above, not beside it (:func:`_top_under`),
    * under the pipe's wavelet: its top at least :data:`UNDER_PIPE_PERIODS` periods under the
      pipe's.

    The pipe's surface multiples are dropped later (:func:`_suppress_echoes`).
    """
    if recs.empty:
        return cls, strong
    rec_lab = recs["label"].to_numpy()
    whole = rec_lab == recs["parent"].to_numpy() if "parent" in recs else np.ones(rec_lab.size, dtype=bool)
    dec = cls["decision"].to_numpy(object)
    # the regions that read as no defect or as a wet zone are looked under too, where they are
    # candidate regions as labelled (the parts of a split region carry the split's labels: the first
    # part its whole's, which names the whole region in ``reg.labels``); and those whose top may be
    # a point (a flat top, a void's or a cover's, is no pipe above the cut)
    other = np.isin(dec, LOOK_UNDER_DECISIONS)
    if "split" in cls:
        other &= cls["split"].isna().to_numpy()
    sel = cls.index[(dec == "pipe") | other
                    | ((cls["ringing"].to_numpy(float) > UNDER_PIPE_RINGING) & (cls["point_top"].to_numpy(float) > 0))]
    sel = sel[np.isin(sel, rec_lab[whole])]
    if sel.size == 0:
        return cls, strong
    kw = dict(dt=dt, t0=t0, dist=dist, off=off, n_channels=n_channels, n_traces=n_traces)
    # the cut follows the region's top where the region reads as a pipe, elsewhere the top of its
    # first event: where a column's top was moved under a faint event joined above it (a faint pipe
    # over a strong cavity, whose top the region's is there), the cut under the measured top leaves
    # the cavity to the part above
    # (a region that would read as a pipe but for a lossy body under its top, a wet lens's or a body's
    # right under a pipe, is cut as a pipe: under the cut a separate body shows its own top)
    pipes = sel[np.isin(sel, cls.index[(dec == "pipe") | (_column(cls, "lossy_bottom") > 0)])]
    cls, strong, done = _cut_under(cls, strong, att, reg, recs, pr, depth_rule, th, sel,
                                   cut_first=sel[~np.isin(sel, pipes)], **kw)
    # and a region read as a pipe where nothing was found under its measured top is cut under its
    # first event too, where that differs: the region's measured top may be the body's, under a
    # fainter pipe (the region then called a 'pipe' on the body's top)
    r = recs[whole & np.isin(rec_lab, pipes[~np.isin(pipes, done)])]
    moved = np.unique(r["label"].to_numpy()[r["s_top_first"].to_numpy() != r["s_top"].to_numpy()])
    if moved.size and LOOK_UNDER_FIRST_EVENT:
        cls, strong, _ = _cut_under(cls, strong, att, reg, recs, pr, depth_rule, th, moved, cut_first=moved, **kw)
    return cls, strong


def _cut_under(cls, strong, att, reg, recs, pr: Prepared, depth_rule, th, sel, *, cut_first, dt, t0, dist, off,
               n_channels, n_traces):
    """One look under the whole regions ``sel`` (:func:`_look_under_pipes`), each cut under its
    measured top (``s_top``) or, for the labels in ``cut_first``, under its first event's
    (``s_top_first``). Returns the classified table and strong columns with the regions replaced
    where a defect was found under them, and the labels of those regions."""
    from roadhealth.detect.candidates import Regions

    rec_lab = recs["label"].to_numpy()
    whole = rec_lab == recs["parent"].to_numpy() if "parent" in recs else np.ones(rec_lab.size, dtype=bool)
    r = recs[whole & np.isin(rec_lab, sel)]
    lab3 = reg.labels
    n_s2 = lab3.shape[-1]
    c, t = r["c"].to_numpy(), r["t"].to_numpy()
    c0, c1, t0_, t1 = c.min(), c.max() + 1, t.min(), t.max() + 1
    cut = np.full((c1 - c0, t1 - t0_), n_s2, dtype=np.int64)  # first sample (score grid) under each top
    s_cut = np.where(np.isin(r["label"].to_numpy(), cut_first), r["s_top_first"].to_numpy(), r["s_top"].to_numpy())
    cut[c - c0, t - t0_] = -(-(s_cut + round(UNDER_PIPE_PERIODS * att.period_samples)) // att.ds)
    box = lab3[c0:c1, t0_:t1]
    inside = np.isin(box, sel)
    # (everything after works on the samples those regions reach: labelling, sorting and writing
    # the whole depth of the box had cost a campaign window a fifth of its detection)
    rows = np.flatnonzero(inside.any(axis=(0, 1)))
    if rows.size == 0:
        return cls, strong, np.zeros(0, dtype=np.int64)
    s0_, s1_ = int(rows[0]), int(rows[-1]) + 1
    box, inside = np.ascontiguousarray(box[..., s0_:s1_]), inside[..., s0_:s1_]
    below = inside & (np.arange(s0_, s1_)[None, None, :] >= cut[..., None])
    if not below.any():
        return cls, strong, np.zeros(0, dtype=np.int64)
    sub, n = ndimage.label(below, structure=np.ones((3, 3, 3), dtype=bool))
    # a piece belongs to one region: pieces under neighbouring regions that touch are told apart
    # (relabelled 1..n by (component, region), 0 outside)
    # (over the labelled samples only: a sort of the whole box cost more than the rest of the look)
    at = np.flatnonzero(sub.ravel() != 0)  # (of a boolean: a third of the time of an int array's)
    uniq, inv = np.unique(sub.ravel()[at].astype(np.int64) * (int(box.max()) + 1) + box.ravel()[at],
                          return_inverse=True)
    sub = np.zeros(box.shape, dtype=np.int32)
    sub.ravel()[at] = inv.ravel() + 1
    n = uniq.size
    # per piece: its peak score and the region it lies in (a piece is connected within one
    # region's samples), by one sort of the labelled samples
    flat = np.flatnonzero(sub.ravel() != 0)
    lab = sub.ravel()[flat]
    order = np.argsort(lab, kind="stable")
    lab, flat = lab[order], flat[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    zmax = np.maximum.reduceat(att.z[c0:c1, t0_:t1, s0_:s1_].ravel()[flat], starts)
    host = box.ravel()[flat[starts]].astype(np.int64)
    objs = ndimage.find_objects(sub)
    # (a piece weaker than UNDER_PIPE_MIN_RATIO of its region's peak is not kept: not measured)
    host_z = cls["z_peak_rows"].reindex(host).to_numpy(float)
    keep = (np.array([o is not None and o[1].stop - o[1].start >= 3 for o in objs]) & (zmax >= 8.0)
            & (zmax >= UNDER_PIPE_MIN_RATIO * host_z))
    if not keep.any():
        return cls, strong, np.zeros(0, dtype=np.int64)
    # new labels: the part above the cut of region L is ``first + L``, the pieces below follow
    first = int(max(cls.index.max(), rec_lab.max(), int(lab3.max()))) + 1
    lut = np.zeros(n + 1, dtype=np.int32)
    lut[1:][keep] = 2 * first + np.arange(int(keep.sum()), dtype=np.int32)
    host = host[keep]
    hosts = np.unique(host)  # only the regions with a piece under them are measured above the cut
    labels = np.zeros(lab3.shape, dtype=np.int32)
    labels[c0:c1, t0_:t1, s0_:s1_] = np.where(np.isin(box, hosts) & ~below, first + box, lut[sub])
    parts = Regions(labels, int(keep.sum()) + hosts.size)
    v_scores = pr.velocity_m_per_ns if depth_rule is None or depth_rule[0] != "scale" else \
        pr.velocity_m_per_ns / depth_rule[1]
    f2, s2 = region_features(att, parts, dt_ns=dt, t0_ns=t0, surface_ns=pr.surface_ns, centre_mhz=pr.centre_mhz,
                             velocity_m_per_ns=v_scores, distance_m=dist, offset_m=off,
                             records=column_records(att, parts), max_regions=MAX_FIT_REGIONS)
    if f2.empty:
        return cls, strong, np.zeros(0, dtype=np.int64)
    f2 = _finish_features(f2, s2, pr, depth_rule, n_channels, n_traces)
    # the energy under a part above the cut is the pieces', measured apart: the part is classified
    # by its top alone (``ringing`` reads the data under the top, whatever region it belongs to)
    is_upper = f2.index.to_numpy() < 2 * first
    f2["ringing"] = np.where(is_upper, 0.0, f2["ringing"].to_numpy(float))
    # (nor is what follows a piece under a pipe its own bottom and multiple alone: the pipe's
    # ringing and the wave creeping round it arrive there too)
    for c in ("bottom_delay_ns", "bottom_ratio", "multiple_ratio"):
        if c in f2:
            f2[c] = np.nan
    c2 = classify(f2, th)
    pieces = 2 * first + np.arange(host.size)
    upper = first + host  # the part above the cut each piece lies under
    ok = np.isin(pieces, c2.index) & np.isin(upper, c2.index)
    pieces, upper, host = pieces[ok], upper[ok], host[ok]
    if pieces.size == 0:
        return cls, strong, np.zeros(0, dtype=np.int64)
    pc, uc = c2.loc[pieces], c2.loc[upper]
    z_piece, z_pipe = pc["z_peak_rows"].to_numpy(float), uc["z_peak_rows"].to_numpy(float)
    cons = pc["phase_consistency"].to_numpy(float)
    # under a wet zone: another body, not the zone's bottom or internal multiple, which the echo rule
    # would drop (:func:`_echo_below`) once the zone, measured without it, had lost its height; its
    # length says nothing there (the zone's bottom is as long as its top)
    wet_above = (uc["decision"].to_numpy(object) == "water_rich") & UNDER_WET_BY_ECHO
    not_echo = ~_echo_below(pc["depth_top_m"].to_numpy(float), z_piece, uc["depth_top_m"].to_numpy(float),
                            uc["depth_bottom_m"].to_numpy(float), uc["z_peak"].to_numpy(float))
    good = (pc["is_defect"].to_numpy() & (pc["confidence"].to_numpy(float) >= SPLIT_MIN_CONFIDENCE)
            & np.isin(uc["decision"].to_numpy(object), LOOK_UNDER_ABOVE)
            & (z_piece >= UNDER_PIPE_MIN_RATIO * z_pipe)
            & ((cons >= UNDER_PIPE_MIN_CONSISTENCY)
               | ((cons >= UNDER_PIPE_STRONG_CONSISTENCY) & (z_piece >= UNDER_PIPE_STRONG_RATIO * z_pipe)))
            & np.where(wet_above, not_echo, _length(pc) >= UNDER_PIPE_MIN_LENGTH * _length(uc))
            & _top_under(pc, uc)
            # and no delayed copy of the pipe's own hyperbola (the far wall of a water-filled pipe)
            & ~((uc["decision"].to_numpy(object) == "pipe")
                & _delayed_copy(pc["hyperbola_v_ratio"].to_numpy(float), uc["hyperbola_v_ratio"].to_numpy(float)))
            # under the pipe's wavelet: its top at least as far under the pipe's top as the cut (a
            # piece's first samples lie under the cut, its top may lie higher in other columns)
            & (pc["t_below_ns"].to_numpy(float) - uc["t_below_ns"].to_numpy(float)
               >= UNDER_PIPE_PERIODS * pc["period_ns"].to_numpy(float))
            # and under a clear pipe, as strong as the clutter whose multiples are dropped (a weak,
            # incoherent 'pipe' of a noisy fast-model array, z 13, had a layer's residual under it)
            & (uc["z_peak"].to_numpy(float) >= ECHO_STRONG_PRIMARY_Z))
    if not good.any():
        return cls, strong, np.zeros(0, dtype=np.int64)
    replaced = np.unique(host[good])
    new = np.concatenate([first + replaced, pieces[good]])
    out = pd.concat([cls.drop(index=replaced), c2.loc[new].reindex(columns=cls.columns)])
    lab_s = strong["label"].to_numpy()
    strong = pd.concat([strong[~np.isin(lab_s, replaced)], s2[np.isin(s2["label"].to_numpy(), new)]],
                       ignore_index=True)
    return out, strong, replaced


#: Without a CRS, x/y whose steps along the line are under this fraction of the distance's are not
#: metres (longitudes and latitudes, degrees): the footprints are drawn in the local frame instead.
DEGREE_LIKE_STEP_RATIO = 1e-3


def _crs_units(crs) -> tuple[bool, float]:
    """(whether ``crs`` is geographic, metres per unit of a projected one's first axis: 0.3048006 for
    US survey feet); (False, 1.0) for None or a CRS pyproj cannot read."""
    if crs is None:
        return False, 1.0
    try:
        from pyproj import CRS

        c = CRS.from_user_input(crs)
        if c.is_geographic or not c.axis_info:
            return bool(c.is_geographic), 1.0
        f = float(c.axis_info[0].unit_conversion_factor)
        return False, (f if np.isfinite(f) and f > 0 else 1.0)
    except Exception:  # (the survey's own CRS text; an unreadable one is left to the writers)
        return False, 1.0


def _footprints(s, feats: pd.DataFrame, width_m: np.ndarray) -> tuple[list, Any]:
    """Footprint polygons from the x/y of the first/last channel over the region's traces.

    Widths are metres: in a geographic CRS (degrees) the polygons are drawn in the WGS84 / UTM zone
    of the survey and returned in its own CRS, in a projected CRS of other units (feet) in metres and
    returned in its units; x/y without a CRS whose path is far shorter than the distance's (degrees
    taken for metres) give way to the local along/across frame, with a warning."""
    n_c, n_t = s.sizes["channel"], s.sizes["trace"]
    crs = s.attrs.get("crs")
    if "x" in s.coords and "y" in s.coords:
        x = np.broadcast_to(np.asarray(s.coords["x"].values, dtype=float), (n_c, n_t))
        y = np.broadcast_to(np.asarray(s.coords["y"].values, dtype=float), (n_c, n_t))
    else:
        x = y = None
    back = None  # the transformer from the frame drawn in back to the survey's geographic CRS
    unit = 1.0  # metres per unit of the survey's projected CRS where it is not metres (feet)
    if x is not None and np.all(np.isfinite(x)) and np.all(np.isfinite(y)):
        geographic, unit = _crs_units(crs)
        if geographic:
            x, y, back = _in_utm(s, crs, x, y)
        elif unit != 1.0:  # (a CRS in feet: drawn in metres, returned in its unit)
            x, y = x * unit, y * unit
        elif crs is None and n_t > 1 and "distance_m" in s.coords:
            d = np.broadcast_to(np.asarray(s.coords["distance_m"].values, dtype=float), (n_c, n_t))
            # (the whole path over the whole distance: GNSS fixes repeated over several traces leave
            # most steps at 0)
            path_xy = float(np.sum(np.hypot(np.diff(x[0]), np.diff(y[0]))))
            path_d = float(np.sum(np.abs(np.diff(d[0]))))
            if path_d > 0 and path_xy < DEGREE_LIKE_STEP_RATIO * path_d:
                _warn_footprints(s, f"x/y span a path of {path_xy:.3g} where the distance spans {path_d:.3g} m and the "
                                    "survey has no CRS (degrees?)")
                x = None
    if x is None or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        x = np.broadcast_to(np.asarray(s.coords["distance_m"].values, dtype=float), (n_c, n_t))
        off = np.asarray(s.coords["offset_m"].values, dtype=float) if "offset_m" in s.coords else np.zeros(n_c)
        y = np.broadcast_to(off[:, None], (n_c, n_t))
        crs = None
    off = np.asarray(s.coords["offset_m"].values, dtype=float) if "offset_m" in s.coords else np.zeros(n_c)
    ch_sp = float(np.median(np.abs(np.diff(off)))) if n_c > 1 else 0.0
    polys = []
    for (_, r), w in zip(feats.iterrows(), width_m, strict=True):  # one polygon per region
        t0, t1 = int(r["t_min"]), int(r["t_max"])
        js = np.unique(np.linspace(t0, t1, min(t1 - t0 + 1, 24)).round().astype(int))
        c_left = int(r["c_min"]) if off[int(r["c_min"])] >= off[int(r["c_max"])] else int(r["c_max"])
        c_right = int(r["c_max"]) if c_left == int(r["c_min"]) else int(r["c_min"])
        # left normal of the track at each trace, from the channel of the left edge
        jm, jp = np.clip(js - 1, 0, n_t - 1), np.clip(js + 1, 0, n_t - 1)
        tx, ty = x[c_left, jp] - x[c_left, jm], y[c_left, jp] - y[c_left, jm]
        norm = np.hypot(tx, ty)
        norm = np.where(norm > 0, norm, 1.0)
        nx, ny = -ty / norm, tx / norm
        if not np.any(np.hypot(tx, ty) > 0):
            nx, ny = np.zeros_like(nx), np.ones_like(ny)
        # (channels at one offset, as a file that records none gives, span no width: the footprint
        # is then a profile's, as wide as it is long; found by fuzzing, an empty polygon before)
        pad = 0.5 * ch_sp if n_c > 1 and ch_sp > 0 else 0.5 * w
        lx, ly = x[c_left, js] + pad * nx, y[c_left, js] + pad * ny
        rx, ry = x[c_right, js] - pad * nx, y[c_right, js] - pad * ny
        if js.size == 1:  # one trace: a small square
            d = max(pad, 0.01)
            lx, ly = np.r_[lx - d * ny, lx + d * ny], np.r_[ly + d * nx, ly - d * nx]
            rx, ry = np.r_[rx + d * ny, rx - d * ny], np.r_[ry - d * nx, ry + d * nx]
        ring = np.column_stack([np.r_[lx, rx[::-1]], np.r_[ly, ry[::-1]]])
        poly = shapely.Polygon(ring)
        if not poly.is_valid:
            poly = shapely.make_valid(poly).buffer(0)
            if poly.geom_type not in ("Polygon", "MultiPolygon"):
                poly = shapely.convex_hull(shapely.MultiPoint(ring))
        if back is not None:
            poly = shapely.transform(poly, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
        elif unit != 1.0:
            poly = shapely.transform(poly, lambda xy, u=unit: xy / u)
        polys.append(poly)
    return polys, crs


def _warn_footprints(s, why: str) -> None:
    import warnings

    from roadhealth.errors import RoadHealthWarning

    warnings.warn(f"{_source(s)}: {why}: the footprints are drawn in the local along/across frame, crs None "
                  "(set attrs['crs'] to place them)", RoadHealthWarning, stacklevel=4)


def _in_utm(s, crs, x: np.ndarray, y: np.ndarray):
    """x/y of a survey in a geographic CRS, in metres of its WGS84 / UTM zone, and the transformer
    back; (None, None, None) with a warning where they are no longitudes and latitudes (a CRS
    that does not fit the numbers: the footprints then fall back to the local frame)."""
    from pyproj import Transformer

    from roadhealth.io.georef import utm_crs_for

    try:
        utm = utm_crs_for(float(np.median(x)), float(np.median(y)))
        fwd = Transformer.from_crs(crs, utm, always_xy=True)
        px, py = fwd.transform(x.ravel(), y.ravel())
        px, py = np.asarray(px, dtype=float).reshape(x.shape), np.asarray(py, dtype=float).reshape(y.shape)
        if not (np.all(np.isfinite(px)) and np.all(np.isfinite(py))):
            raise ValueError("coordinates outside the CRS")
        return px, py, Transformer.from_crs(utm, crs, always_xy=True)
    except Exception as exc:  # (the reader's GeoreferenceError, pyproj's own errors)
        _warn_footprints(s, f"x/y ({float(np.median(x)):.6g}, {float(np.median(y)):.6g}) are no longitude and latitude "
                            f"of its CRS {crs!r} ({exc})")
        return None, None, None


def _severity(kind: str, z: float, below_db: float) -> str | None:
    """Severity of loose and water-rich zones from their strength above the background."""
    if kind == "loose":
        return "severe" if z >= 14 else "medium" if z >= 9 else "slight"
    if kind == "water_rich":
        return "severe" if (z >= 14 or below_db <= -6) else "medium"
    return None


#: A top whose hyperbola fit is this many times the survey velocity or faster is flat for
#: :func:`_evidence` (no physical speed: a flat reflector fits an arbitrarily fast hyperbola).
FLAT_TOP_V_RATIO = 5.0


def _evidence(r, pr: Prepared) -> str:
    pol = r["polarity"]
    pol_txt = ("opposite to the surface's" if pol > 0.2 else "the same as the surface's" if pol < -0.2
               else "inconsistent")
    rule = KIND_RULES[r["decision"]]
    if r["decision"] == "cavity" and not pol > 0.2:  # (NaN too)
        # the rule's statement would contradict what was measured: say what the call rests on
        rule = ("strong reflection read as an air body although its polarity is not clearly opposite to the "
                "surface's (a small air body's merged top and bottom, or a small metal pipe's echo, turn its phase)")
    elif r["decision"] == "cavity" and r.get("point_like", 0.0) > POINT_LIKE_SAID:
        rule = "strong reflection of polarity opposite to the surface's"  # (point-like: said below)
    if r["decision"] == "loose" and r.get("weak_flat_body", 0.0) >= SOIL_BODY_CALL:
        bottom = r.get("bottom_ratio", np.nan)
        thick = (THICK_WEAK_BODY is not None and bottom >= THICK_WEAK_BODY[0][0]
                 and np.isfinite(r.get("bottom_delay_ns", np.nan)))
        under = (f" over a bottom reflection {bottom:.2f} as strong, {r['bottom_delay_ns']:.1f} ns under it (a body "
                 "returns its contrast at its top and again at its bottom; a thin air gap has no bottom of its own)"
                 if thick else "")
        from roadhealth.detect import classify as _classify

        spread = ""
        if r.get("wave_spreading_3d", np.nan) == 1.0 and _classify.STRENGTH_SPREADING is not None:
            undone = _classify.undo_spreading(r["top_surface_ratio"], r.get("t_below_ns", np.nan) / r["period_ns"])
            spread = f"; {float(undone):.2f} with the 3-D wave's spreading to it undone"
        rule = ("a body of soil looser or drier than its surroundings: a wide flat top of the polarity of air "
                f"reflecting {r['top_surface_ratio']:.2f} of the surface's (the gain undone{spread}), as soil on soil does"
                f"{under}; air under soil would return several times that")
    elif r["decision"] == "loose" and r.get("weak_ringing_body", 0.0) >= SOIL_BODY_CALL:
        rule = ("a body of soil looser or drier than its surroundings: a top of the polarity of air reflecting "
                f"{r['top_surface_ratio']:.2f} of the surface's (the gain undone) with {r['ringing']:.2f} of its "
                "energy in the periods under it; an air body's bottom and multiples return its own contrast, "
                "while what scatters inside looser soil does not follow its weak top")
    elif r["decision"] == "loose" and r.get("soil_body", 0.0) >= SOIL_BODY_CALL:
        rule = (f"a body of soil looser or drier than its surroundings: a top of the polarity of air with a bottom "
                f"reflection {r.get('bottom_delay_ns', np.nan):.1f} ns under it but no internal multiple after it "
                f"({r['multiple_ratio']:.2f} of the bottom; an air body rings with 0.25-0.36)")
    elif r["decision"] == "loose" and r.get("unexplained_zone", 0.0) > 0:
        rule = ("an incoherent zone that no other kind explains: incoherent at zero dip and along its own dip "
                f"({r.get('coherence_dip', np.nan):.2f}), its top fitting no hyperbola, whatever the polarity "
                "and phase of its few brightest scatterers read (scattering soil, or a stone-rich fill)")
    parts = [rule,
             f"top reflection {r['z_top']:.0f} robust SD above the background"
             + (" of the rows around it in time (the top fills the line)" if r.get("across_line", 0.0) > 0 else "")
             + f", polarity {pol_txt} ({pol:+.2f})",
             f"lateral coherence {r['coherence']:.2f}, ringing {r['ringing']:.2f}"]
    vr = r.get("hyperbola_v_ratio", np.nan)
    if np.isfinite(vr) and vr > FLAT_TOP_V_RATIO:  # (a flat top fits a 'hyperbola' of any speed)
        parts.append("flat top (no diffraction hyperbola: fits one over "
                     f"{FLAT_TOP_V_RATIO:g} x the survey's velocity)")
    elif np.isfinite(vr):
        parts.append(f"hyperbola velocity {vr:.2f} x the survey's")
    split = r.get("split")
    if isinstance(split, str) and split in SPLIT_TEXT:
        parts.append(SPLIT_TEXT[split])
    reading = r.get("top_reading")
    if isinstance(reading, str) and reading in TOP_READING_TEXT:
        parts.append(TOP_READING_TEXT[reading])
    ratio = r.get("slow_bottom_ratio", np.nan)
    if np.isfinite(ratio):
        parts.append(f"read as a slow body's bottom: a reflection of the surface's polarity "
                     f"{float(r['bottom_delay_ns']):.1f} ns above it, {float(ratio):.1f} times stronger, is its top "
                     "(wetter to drier soil reflects as air does)")
    if r["decision"] == "cavity" and r.get("point_like", 0.0) > POINT_LIKE_SAID:
        parts.append("the response is also that of a point diffractor: an air-filled pipe cannot be excluded")
    parts.append(f"depth from {pr.velocity_source}; polarity reference: {pr.polarity_reference}")
    if pr.survey.attrs.get("distance_source") == _trace_spacing.ESTIMATED:
        parts.append("position and length from a trace spacing estimated on the data (the file gives no "
                     "positions; see the notes)")
    return "; ".join(parts)


def _round(v):
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else round(float(v), 4)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def detect(survey, recipe: Any = "default", *, risk: Any = "beijing", **options) -> gpd.GeoDataFrame:
    """Find, classify and grade the defects of a survey.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        A raw survey (no processing steps in its history: ``recipe`` is run first, with uneven
        trace spacing regularised before it) or a processed one (used as it is). One profile, a
        multi-channel array or an assembled grid; any reader's output.
    recipe : "default", path, TOML string, dict or None
        Processing recipe for a raw survey (:func:`roadhealth.processing.apply`).
    risk : str, path or dict
        Grading: a preset (``"beijing"``, ``"seoul"``, ``"japan"``), a TOML file or a dict
        (:mod:`roadhealth.detect.risk`).
    **options
        ``velocity_m_per_ns`` or ``eps_r`` (force the depth velocity), ``asphalt_m`` (asphalt
        thickness, m, for the Seoul rules), ``z_seed``/``z_low``/``zc_seed``/``zc_low``
        (candidate thresholds, robust SD), ``min_confidence`` (drop weaker detections, default
        :data:`MIN_CONFIDENCE` = 0.5; 0 keeps every defect-like region), ``survey_name`` (the
        ``survey`` column; default the file stem), ``thresholds``
        (a :class:`roadhealth.detect.classify.Thresholds`), ``max_depth_m`` (deepest top
        reported, default :data:`MAX_DEPTH_M` = 3 m; None for no limit), ``reference`` (for a
        processed survey: the surface and polarity reference measured on its raw data,
        :func:`roadhealth.detect.prepare.surface_reference`; by default the survey's
        ``attrs["surface_reference"]``, which ``detect`` and ``prepare`` leave on what they
        process), ``trace_spacing_m`` (along-track spacing, m, of a survey whose file gave no
        positions, ``attrs["distance_source"] == "trace index"``; without it such a survey's
        spacing is estimated from its diffraction hyperbolas, :mod:`roadhealth.detect.spacing`,
        with a warning), ``chunk_m`` (``"auto"``, the default: a survey whose one-piece search would
        need more than 640 MB goes through :func:`roadhealth.detect.chunked.detect_chunked`,
        window by window; a number: windows of that length, m; None: always one piece),
        ``surface_ns`` (for a raw record whose background was removed before it was written,
        where nothing marks the road surface: its two-way time after the file's time zero, ns;
        default :data:`~roadhealth.detect.prepare.REMOVED_SURFACE_PERIODS` antenna periods, where
        a simulation's source pulse puts it; 0 for processed data already time-zeroed at the
        surface; ignored for records that keep their background), ``antenna_height_m`` (the
        height of an antenna held above the road, m, as air-launched antennas are; default the
        survey's ``attrs["antenna_height_m"]``, else none: the record is read as ground-coupled.
        The surface is then the reflection that height puts after the direct wave,
        :func:`roadhealth.detect.prepare.raised_surface`: dipoles in air see it five times weaker
        than their direct wave, and nothing in the record tells it from a ground-coupled line's
        pavement reflections at the same delay).

    Returns
    -------
    geopandas.GeoDataFrame
        The anomaly table (``docs/anomalies.md``) with the extras ``risk_score``, ``features``,
        ``anomaly_id`` and ``survey``; footprints in the survey CRS (local along/across metres
        and ``crs`` None when the survey has no positions). ``attrs["detect"]`` records the
        velocity, polarity reference, processing notes and the number of candidates and
        rejected regions by reason.

    Raises
    ------
    DetectionError
        No samples, all-zero or all-NaN data, depth-domain data without a velocity, a time
        window too short to see below the pavement, a bad option or risk table.
    """
    _check_options(options)
    survey = _with_antenna_height(survey, options)
    survey, spacing_note = _resolve_spacing(survey, recipe, options)
    chunk_m = options.pop("chunk_m", "auto")
    if chunk_m is not None:  # large surveys: windows along track (roadhealth/detect/chunked.py)
        from roadhealth.detect.chunked import (  # lazy: it imports this module
            detect_chunked,
            should_chunk,
        )

        if chunk_m != "auto" or should_chunk(survey):
            return _noted(detect_chunked(survey, recipe, risk=risk, window_m=None if chunk_m == "auto" else chunk_m,
                                         **options), spacing_note)
    table = _risk.load_table(risk)
    pr, cls, _ = _analyse(survey, recipe, options, classified=True)
    s = pr.survey
    name = _survey_name(survey, options.get("survey_name"))
    crs_out = s.attrs.get("crs")
    info = {"velocity_m_per_ns": pr.velocity_m_per_ns, "velocity_source": pr.velocity_source,
            "surface_polarity": pr.surface_polarity, "surface_measured": pr.surface_measured,
            "polarity_source": pr.polarity_reference,
            "surface_ns": pr.surface_ns, "centre_mhz": pr.centre_mhz, "notes": list(pr.notes),
            "n_candidates": len(cls), "risk": table["name"]}
    if spacing_note:
        info["notes"].insert(0, spacing_note)
    min_conf = float(options.get("min_confidence", MIN_CONFIDENCE))
    if cls.empty:
        dets = cls
    else:
        info["rejected"] = {k: int(v) for k, v in cls.loc[~cls["is_defect"], "decision"].value_counts().items()}
        max_depth = options.get("max_depth_m", MAX_DEPTH_M)
        deep = cls["is_defect"] & (cls["depth_top_m"] > (np.inf if max_depth is None else float(max_depth)))
        if deep.any():
            info["rejected"]["deeper than max_depth_m"] = int(deep.sum())
        # (counted apart from the pipes and layers they were made: why each was dropped)
        dec = cls["decision"].astype(str).to_numpy()
        for column, of, reason in (("pipe_flank", "pipe", "pipe's far flank"),
                                   ("pipe_multiple", "pipe", "pipe's surface multiple"),
                                   ("pipe_late", "pipe", "pipe's late arrivals"),
                                   ("layer_continues_m", "layer", "reflector going on past it"),
                                   ("interior_dip_semblance", "layer", "layered interior")):
            n_apart = int(((dec == of) & cls[column].notna().to_numpy()).sum()) if column in cls else 0
            if n_apart:
                info["rejected"][of] -= n_apart
                if not info["rejected"][of]:
                    del info["rejected"][of]
                info["rejected"][reason] = n_apart
        cls = _point_like_doubt(cls)
        unsure = cls["is_defect"] & ~deep & (cls["confidence"] < min_conf)
        if unsure.any():
            info["rejected"]["confidence below min_confidence"] = int(unsure.sum())
        cls = _slow_body_tops(cls, info)
        cls = _slow_body_bottoms(cls, pr, info, reported=(cls["is_defect"] & ~deep & ~unsure).to_numpy())
        dets = _suppress_echoes(cls[cls["is_defect"] & ~deep & ~unsure], info,
                                clutter=cls[cls["decision"].isin(ECHO_CLUTTER)],
                                unexplained=(None if ECHO_UNEXPLAINED is None
                                             else cls[cls["decision"].isin(ECHO_UNEXPLAINED)]))
        dets = _zone_extent(dets)
    if dets.empty:
        out = empty_anomalies(_crs_or_none(s, crs_out), extras=EXTRAS, risk_levels=table["grades"])
        out.attrs["detect"] = info
        return out
    dets = dets.sort_values(["distance_start_m", "offset_min"]).reset_index()
    n_c = s.sizes["channel"]
    off = np.asarray(s.coords["offset_m"].values, dtype=float) if "offset_m" in s.coords else np.zeros(n_c)
    ch_sp = float(np.median(np.abs(np.diff(off)))) if n_c > 1 else 0.0
    sp = _spacing(np.asarray(s.coords["distance_m"].values, dtype=float).reshape(-1, s.sizes["trace"])[0])
    length = (dets["distance_end_m"] - dets["distance_start_m"]).to_numpy(float) + sp
    if n_c > 1 and ch_sp > 0:
        width = (dets["offset_max"] - dets["offset_min"]).to_numpy(float) + ch_sp
        o_start = dets["offset_min"].to_numpy(float) - 0.5 * ch_sp
        o_end = dets["offset_max"].to_numpy(float) + 0.5 * ch_sp
    else:  # one profile (or channels at one offset): the width is not measured; a round footprint is assumed
        width = length.copy()
        o_start = off[0] - 0.5 * width
        o_end = off[0] + 0.5 * width
    kinds = dets["decision"].astype(str).to_numpy()
    severity = [_severity(k, z, b) for k, z, b in zip(kinds, dets["z_peak"], dets["below_db"], strict=True)]
    cover = dets["depth_top_m"].to_numpy(float)
    asphalt = options.get("asphalt_m")
    asphalt_arr = None if asphalt is None else np.minimum(cover, float(asphalt))
    grades, rscore, _ = _risk.grade(kinds, cover, length, width, severity=severity, asphalt_m=asphalt_arr,
                                    risk=table)
    polys, crs = _footprints(s, dets.set_index("label"), width)
    # depths from the default model (no velocity in the data): how deep each top can be over the
    # range of pavements and soils that model stands for
    prior = pr.velocity_source == default_model_text()
    estimated_spacing = s.attrs.get("distance_source") == _trace_spacing.ESTIMATED
    if prior:
        top_lo, top_hi = default_depth_range_m(dets["t_below_ns"].to_numpy(float))
    rows = []
    for i, r in dets.iterrows():
        feat = {k: _round(r[k]) for k in FEATURE_KEYS if k in r.index}
        feat["severity"] = severity[i]
        if estimated_spacing:
            feat["trace_spacing_estimated_m"] = round(sp, 4)
        evidence = _evidence(r, pr)
        if prior:
            feat["depth_top_range_m"] = [round(float(top_lo[i]), 3), round(float(top_hi[i]), 3)]
            evidence += (f"; with no velocity in the data the top lies {top_lo[i]:.2f}-{top_hi[i]:.2f} m deep "
                         f"over the pavements and soils the default model stands for ({_PRIOR_RANGE_TEXT})")
        top = float(r["depth_top_m"])
        bottom = max(float(r["depth_bottom_m"]), top)
        delay = r.get("primary_delay_ns", np.nan)
        delay = delay if np.isfinite(delay) else r.get("energy_delay_ns", np.nan)
        if kinds[i] == "cavity" and np.isfinite(delay):
            # an air body: its bottom reflection comes 2 h / c after its top; the energy of the top
            # and bottom reflections has arrived by ``energy_delay_ns`` (full-wave cavities: height
            # error +0.04 / +0.02 m median clean / noisy, against +0.57 / 0.00 m from the region's
            # last samples, which faint multiples carry far down in a noise-free record)
            # (before its first surface multiple, ``primary_delay_ns``: shallow full-wave cavities
            # 0.35-0.6 m down read their multiple into the height, +0.6-1.3 m)
            bottom = top + C0_M_PER_NS * float(delay) / 2
            evidence += (f"; height from its top and bottom reflections, {float(delay):.1f} ns, at the speed "
                         "of light")
        if kinds[i] == "water_rich" and np.isfinite(r.get("bottom_delay_ns", np.nan)):
            # a wet body: its bottom reflection (into drier, faster soil) is the strongest peak
            # 1.2-6 periods under its top (``bottom_delay_ns``), at the speed inside the body; the
            # region's last samples carry its ringing and pull-down on (see WET_EPS_R)
            bottom = top + C0_M_PER_NS / np.sqrt(WET_EPS_R) * float(r["bottom_delay_ns"]) / 2
            evidence += (f"; height from its bottom reflection {float(r['bottom_delay_ns']):.1f} ns under its "
                         f"top, at eps_r {WET_EPS_R:g} inside (15-30: -17 to +15 %)")
        if kinds[i] == "void":
            # a void is a thin gap whose top and bottom reflections make one wavelet (the void
            # rule): thinner than a quarter wavelength in air, whatever its multiples and ringing
            # add to the region below (full-wave voids 1-3 cm: +0.38 m median, now +0.13)
            bottom = min(bottom, top + C0_M_PER_NS / (4e-3 * pr.centre_mhz))
            evidence += ("; height: at most a quarter wavelength in air (a gap this thin is not resolved: "
                         "an upper bound)")
        rows.append({
            "kind": kinds[i], "confidence": float(r["confidence"]),
            "distance_start_m": float(r["distance_start_m"]) - 0.5 * sp,
            "distance_end_m": float(r["distance_end_m"]) + 0.5 * sp,
            "offset_start_m": float(o_start[i]), "offset_end_m": float(o_end[i]),
            "depth_top_m": top, "depth_bottom_m": bottom,
            "length_m": float(length[i]), "width_m": float(width[i]), "height_m": bottom - top,
            "cover_m": top, "risk": grades[i], "evidence": evidence, "geometry": polys[i],
            "risk_score": float(rscore[i]), "features": json.dumps(feat, sort_keys=True),
            "anomaly_id": f"{name}-{i + 1:04d}", "survey": name,
        })
    out = anomaly_table(rows, crs, risk_levels=table["grades"])
    out.attrs["detect"] = info
    return out


def _zone_extent(dets: pd.DataFrame) -> pd.DataFrame:
    """The reported along-track extent. A loose zone spans its columns with evidence of their own
    (``zone_start_m``/``zone_end_m``: a short-stack score of at least
    :data:`~roadhealth.detect.features.ZONE_MIN_Z` and
    :data:`~roadhealth.detect.features.ZONE_PEAK_FRACTION` of the region's strongest), not its
    strong columns (half the region's strongest envelope), which may be a single bright scatterer
    of the zone or run on down the flanks of the scatterers at its edges (blind full-wave loose
    zones under noise: +0.60 m median length error from the strong columns and the zone together,
    -0.10 m from the zone alone); not those called loose as a body of soil (``soil_body``: one top
    and one bottom), measured as bodies are. A
    body's (cavity, void, wet zone) whose strong tops bend like a diffraction hyperbola
    (fitted at most :data:`FLANKS_MAX_V_RATIO` times the survey's velocity) is that of its top
    (``top_start_m``/``top_end_m``: the strong tops within half a period of its earliest): its
    strong columns run on down the diffraction flanks beyond its edges."""
    if dets.empty:
        return dets
    loose = (dets["decision"] == "loose").to_numpy()
    if "soil_body" in dets:  # a body of loose soil (classify's soil_body factor): a body's extent
        loose = loose & (dets["soil_body"].to_numpy(float) < SOIL_BODY_CALL)
    dets = dets.copy()
    if loose.any() and "zone_start_m" in dets:
        for a, b in (("distance_start_m", "zone_start_m"), ("distance_end_m", "zone_end_m"),
                     ("t_min", "zone_trace_min"), ("t_max", "zone_trace_max")):
            if a in dets and b in dets:
                zb = dets[b].to_numpy(float)
                dets[a] = np.where(loose & np.isfinite(zb), zb, dets[a].to_numpy(float))
    if "top_start_m" in dets and "hyperbola_v_ratio" in dets:
        # (only where the strong tops bend like a diffraction: a top flatter than any diffraction
        # hyperbola, or one that undulates along a wide body, is the body's own over its strong
        # columns: the fast model's wet zones 3.5-4 m long, fits 4-4.7 times too fast, would be
        # cut to their parts within half a period of their earliest top)
        vr = dets["hyperbola_v_ratio"].to_numpy(float)
        body = (~loose & np.isfinite(dets["top_start_m"].to_numpy(float)) & np.isfinite(dets["top_end_m"].to_numpy(float))
                & (np.nan_to_num(vr, nan=np.inf) <= FLANKS_MAX_V_RATIO))
        for a, b in (("distance_start_m", "top_start_m"), ("distance_end_m", "top_end_m"),
                     ("t_min", "top_trace_min"), ("t_max", "top_trace_max")):
            if a in dets and b in dets:
                dets[a] = np.where(body, dets[b].to_numpy(float), dets[a].to_numpy(float))
    if "flat_top_taper" in dets and "flat_top_start_m" in dets:
        # a thin gap's: its flat top's, down to a quarter of its strongest top (it fades towards
        # its edges as it thins; classify.FLAT_TOP_MAX_RINGING), where that reaches further
        void = ((dets["decision"] == "void").to_numpy() & (dets["flat_top_taper"].to_numpy(float) >= 0.5)
                & np.isfinite(dets["flat_top_start_m"].to_numpy(float)))
        for a, b, red in (("distance_start_m", "flat_top_start_m", np.fmin), ("distance_end_m", "flat_top_end_m", np.fmax),
                          ("t_min", "flat_trace_min", np.fmin), ("t_max", "flat_trace_max", np.fmax)):
            if a in dets and b in dets:
                dets[a] = np.where(void, red(dets[a].to_numpy(float), dets[b].to_numpy(float)), dets[a].to_numpy(float))
    return dets


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A column as floats (NaN where a table lacks it: a fit not made)."""
    return df[name].to_numpy(float) if name in df else np.full(len(df), np.nan)


def _delayed_copy(v_ratio, v_ratio_above):
    """Whether a reflector whose top fits a hyperbola of ``v_ratio`` (of the survey velocity) under
    one of ``v_ratio_above`` is a delayed copy of that one (the far side of the reflector above,
    which returns every trace's echo the same delay after its near side): slower than the ground
    (:data:`UNDER_PIPE_MIN_V_RATIO`) and than the one above (:data:`UNDER_PIPE_COPY_OF_ABOVE`).
    NaN (no fit) is no copy. Arrays broadcast."""
    v, above = np.asarray(v_ratio, dtype=float), np.asarray(v_ratio_above, dtype=float)
    return (v < UNDER_PIPE_MIN_V_RATIO) & (v < UNDER_PIPE_COPY_OF_ABOVE * above)


def _echo_below(top_m, z, top_above_m, bottom_above_m, z_above):
    """Whether a detection (top ``top_m``, peak score ``z``) lies where the bottom reflection or an
    internal multiple of one above it would: its top under the other's top and within
    :data:`ECHO_BELOW_M` of the other's bottom, and no more than :data:`ECHO_MAX_RATIO` times as
    strong (arrays broadcast)."""
    return ((np.asarray(top_above_m) <= top_m) & (top_m <= np.asarray(bottom_above_m) + ECHO_BELOW_M)
            & (z <= ECHO_MAX_RATIO * np.asarray(z_above)))


def _suppress_echoes(dets: pd.DataFrame, info: dict, clutter: pd.DataFrame | None = None,
                     unexplained: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop a detection lying under another: the bottom reflection or the multiples of the defect
    above (over at least half of its along-track extent and across the same channels, its top
    within 0.5 m below the other's bottom and its score at most :data:`ECHO_MAX_RATIO` times the
    other's, or, weaker than it or over the same stretch as a strong one, at two or three times its
    two-way time below the surface (within a period or 10 %): the surface multiples of a strong
    reflector, which bounce between it and the road surface);
    the shallower one, whose top is the defect's top, is kept. ``clutter``: regions classified as
    clutter (pipes, covers) whose peak score is at least :data:`ECHO_STRONG_PRIMARY_Z`; a weaker
    detection at two or three times the two-way time of one, over the same stretch, is its
    surface multiple too (a metal pipe's comes back with the opposite polarity and reads as air;
    the pipe's apex within the detection's extent, or the detection over the pipe's strong columns
    along at least half its own extent (one flank of a multiple cut at its faint apex), at those
    times up to the spread of its tops earlier than its top: the multiple is a hyperbola twice as
    late, centred on the pipe, whose flanks spread wider and outshine its apex),
    if it scores under :data:`ECHO_MULTIPLE_MAX_RATIO` of the pipe and its top fits a hyperbola
    slower than :data:`ECHO_MULTIPLE_MAX_V` of the pipe's velocity (a multiple's fits about half),
    or under :data:`ECHO_MULTIPLE_FAINT_RATIO` of the pipe whatever its velocity.
    Only their multiples: a cavity right under a pipe, a leak's, is kept. A detection of the
    opposite clear polarity at three times the time of a body that is not a thin void is no
    multiple of it (:data:`ECHO_THIRD_ORDER_POLARITY`: a third-order multiple keeps its
    primary's polarity). ``unexplained``: regions read as no kind (:data:`ECHO_UNEXPLAINED`); a
    weaker detection at twice the two-way time of one scoring at least
    :data:`ECHO_STRONG_PRIMARY_Z`, holding its centre or overlapping it over half its own extent
    and sharing a channel, is its surface multiple. The loop runs over detections, not traces."""
    names = ("distance_start_m", "distance_end_m", "c_min", "c_max", "depth_top_m", "depth_bottom_m", "z_peak",
             "period_ns", "t_below_ns", "hyperbola_v_ratio", "top_range_ns")

    def loud(frame):  # the columns of the regions of ``frame`` strong enough to be primaries
        if frame is None or not len(frame):
            return {c: np.zeros(0) for c in names}
        frame = frame[frame["z_peak"].to_numpy(float) >= ECHO_STRONG_PRIMARY_Z]
        return {c: _column(frame, c) for c in names}

    prim, lone = loud(clutter), loud(unexplained)
    if len(dets) < 2 and prim["z_peak"].size == 0 and lone["z_peak"].size == 0:
        return dets
    order = dets.sort_values("depth_top_m", kind="stable")
    col = {c: _column(order, c) for c in names}
    kept = np.zeros(len(order), dtype=bool)
    pol = np.nan_to_num(_column(order, "polarity"), nan=0.0)
    kinds = order["decision"].astype(str).to_numpy() if "decision" in order else np.full(len(order), "")

    def multiple_of(i, src, q, spread=False, orders=(2.0, 3.0)):  # a surface multiple of src[q]: 2 or 3 times its two-way
        # time; with ``spread``, up to the spread of its tops earlier than its top (a pipe's
        # multiple is a hyperbola whose strong flanks, its strong columns, lie later than its
        # apex, which may be none of them)
        tol = max(col["period_ns"][i], 0.1 * col["t_below_ns"][i])
        hi = col["t_below_ns"][i]
        lo = hi - (np.nan_to_num(col["top_range_ns"][i]) if spread else 0.0)
        want = np.asarray(orders, dtype=float)[:, None] * src["t_below_ns"][q][None, :]
        return np.any((want >= lo - tol) & (want <= hi + tol), axis=0)

    def overlap(i, src, q):  # along-track overlap (m) and a shared channel
        ov = (np.minimum(col["distance_end_m"][i], src["distance_end_m"][q])
              - np.maximum(col["distance_start_m"][i], src["distance_start_m"][q]))
        across = np.minimum(col["c_max"][i], src["c_max"][q]) >= np.maximum(col["c_min"][i], src["c_min"][q])
        return ov, across

    def over_it(i, src, q, span):  # a compact primary's multiple spreads wider than it: the
        # primary's centre within the detection's extent, or the detection over it along at least
        # half its own extent, in a shared channel
        ov, across = overlap(i, src, q)
        centre = 0.5 * (src["distance_start_m"][q] + src["distance_end_m"][q])
        inside = (centre >= col["distance_start_m"][i]) & (centre <= col["distance_end_m"][i])
        return (inside | (ov >= 0.5 * span)) & across

    for i in range(len(order)):  # shallowest first; each against every detection kept so far
        span = max(col["distance_end_m"][i] - col["distance_start_m"][i], 1e-6)
        if prim["z_peak"].size:
            q = np.arange(prim["z_peak"].size)
            as_fast = col["hyperbola_v_ratio"][i] >= ECHO_MULTIPLE_MAX_V * prim["hyperbola_v_ratio"]
            weak = col["z_peak"][i] < ECHO_MULTIPLE_MAX_RATIO * prim["z_peak"]
            faint = col["z_peak"][i] < ECHO_MULTIPLE_FAINT_RATIO * prim["z_peak"]
            # the pipe's apex within the detection's extent: its multiple, a hyperbola twice as
            # late, is centred on it and spreads wider (and so overlaps the pipe's strong columns,
            # its apex, over at least half the shorter of the two extents); or one flank of that
            # hyperbola, cut from the other at its faint apex: a piece lying over the pipe's
            # strong columns along at least half its own extent
            on_it = over_it(i, prim, q, span)
            if np.any(on_it & weak & multiple_of(i, prim, q, True) & (~as_fast | faint)):
                continue
        if lone["z_peak"].size:  # a strong region no rule explains: its surface multiple
            q = np.arange(lone["z_peak"].size)
            stronger = col["z_peak"][i] < lone["z_peak"]
            if np.any(over_it(i, lone, q, span) & stronger & multiple_of(i, lone, q, orders=(2.0,))):
                continue
        q = np.flatnonzero(kept)
        if q.size:
            ov, across = overlap(i, col, q)
            # an echo is weaker than its primary (transmission losses; a bottom reflection of
            # an air body about as strong as its top)
            z_i, z_q = col["z_peak"][i], col["z_peak"][q]
            below = _echo_below(col["depth_top_m"][i], z_i, col["depth_top_m"][q], col["depth_bottom_m"][q], z_q)
            # a surface multiple of a stronger reflector: 2 or 3 times its two-way time. Or of a
            # strong one whose extent it repeats: a shallow primary scores lower than its own
            # multiples against the busier rows near the surface (a 1.5 GHz void under 19 cm of
            # asphalt: z 69, its multiples at 2 and 3 times its time 271 and 81)
            span_q = np.maximum(col["distance_end_m"][q] - col["distance_start_m"][q], 1e-6)
            same_extent = (ov >= ECHO_SAME_EXTENT * span) & (ov >= ECHO_SAME_EXTENT * span_q)
            at2, at3 = multiple_of(i, col, q, orders=(2.0,)), multiple_of(i, col, q, orders=(3.0,))
            multiple = ((z_i < z_q) | (same_extent & (z_q >= ECHO_STRONG_PRIMARY_Z))) & (at2 | at3)
            if ECHO_SLOW_SPREAD:
                # a strong body's second-order multiple is a hyperbola twice as late as its top
                # (about half its velocity), whose strong flanks, later than its apex, set its top
                # time: weaker, slower and at twice the time up to the spread of its tops
                slower = col["hyperbola_v_ratio"][i] < ECHO_MULTIPLE_MAX_V * col["hyperbola_v_ratio"][q]
                multiple |= ((z_i < z_q) & (z_q >= ECHO_STRONG_PRIMARY_Z) & slower
                             & multiple_of(i, col, q, spread=True, orders=(2.0,)))
            # a thick reflector's third-order surface multiple (r^3 R^2) keeps its primary's polarity:
            # under a body (not a thin void, whose merged wavelet turns with each bounce) a detection
            # of the opposite clear polarity at three times its time is another reflector (a cavity
            # under a wet lens at 2.95 times the lens's time, noisy, had been dropped)
            third = at3 & ~at2
            p_i, p_q = pol[i], pol[q]
            flips = ((np.abs(p_i) >= SLOW_BODY_POLARITY) & (np.abs(p_q) >= SLOW_BODY_POLARITY)
                     & (np.sign(p_i) != np.sign(p_q)) & (kinds[q] != "void"))
            multiple &= ~(third & flips & ECHO_THIRD_ORDER_POLARITY)
            if np.any((ov >= 0.5 * span) & across & (below | multiple)):
                continue
        kept[i] = True
    dropped = int((~kept).sum())
    if dropped:
        info.setdefault("rejected", {})["echo"] = dropped
    keep = set(order.index[kept])
    return dets.loc[[k for k in dets.index if k in keep]]


def _slow_body_tops(cls: pd.DataFrame, info: dict) -> pd.DataFrame:
    """A 'void' whose flat top has the surface's polarity, over a reflection of the opposite
    polarity at least :data:`~roadhealth.detect.classify.THICK_DELAY_PERIODS` periods later, is the
    top of a slow body (a wet lens): a thin air gap's top and bottom make one wavelet, a wet lens's
    come apart and its bottom (wetter to drier soil) has the opposite polarity to its top. The
    lower reflection may be any candidate region (it is often clutter or too weak to be a defect
    itself) over at least half the shorter of the two extents, within :data:`SLOW_BODY_MAX_M`
    under the top, reaching :data:`SLOW_BODY_MIN_RATIO` of its peak score, and not within a period
    (or 10 %) of a whole multiple of the top's two-way time, up to :data:`MAX_MULTIPLE` (its surface
    multiples). Such voids are called water-rich, the row's ``score_water_rich`` taking its score
    (``score_void`` 0); loops over the few voids, not traces."""
    pol = np.nan_to_num(_column(cls, "polarity"), nan=0.0)
    cons = np.nan_to_num(_column(cls, "phase_consistency"), nan=0.0)
    same = (cons >= SLOW_BODY_CONSISTENCY) & (pol <= -SLOW_BODY_POLARITY)
    # (a deeper reflection, weaker, in noise: its phase wanders a little more along it)
    opposite = (cons >= SLOW_BODY_CONSISTENCY - 0.15) & (pol >= SLOW_BODY_POLARITY)
    dec = cls["decision"].astype(str).to_numpy()
    cand = np.flatnonzero((dec == "void") & same)
    if cand.size == 0:
        return cls
    a, b = _column(cls, "distance_start_m"), _column(cls, "distance_end_m")
    t, top, z = _column(cls, "t_below_ns"), _column(cls, "depth_top_m"), _column(cls, "z_peak")
    p = _column(cls, "period_ns")
    c0, c1 = _column(cls, "c_min"), _column(cls, "c_max")
    if np.isnan(c0).all() or np.isnan(c1).all():  # no channel columns (a table from elsewhere): one channel
        c0, c1 = np.zeros(len(cls)), np.zeros(len(cls))
    orders = np.arange(2, MAX_MULTIPLE + 1)
    wet = []
    for q in cand:
        ov = np.minimum(b, b[q]) - np.maximum(a, a[q])
        shorter = np.minimum(b - a, b[q] - a[q])
        across = np.minimum(c1, c1[q]) >= np.maximum(c0, c0[q])
        # (not one of the top's surface multiples, at a whole multiple of its two-way time, within a
        # period or 10 % as for echoes: a void's even multiples come back with the opposite
        # polarity, a blind 3 cm void under the base at 2.04 times)
        multiple = np.min(np.abs(t[:, None] - orders[None, :] * t[q]), axis=1) <= max(p[q], 0.1 * t[q])
        under = (opposite & across & ~multiple & (ov >= 0.5 * np.maximum(shorter, 1e-6))
                 & (t - t[q] >= THICK_DELAY_PERIODS * p[q]) & (top - top[q] <= SLOW_BODY_MAX_M)
                 & (z >= SLOW_BODY_MIN_RATIO * z[q]))
        if under.any():
            wet.append(q)
    if wet:
        # (by position: the void's evidence now stands for the wet kind)
        cls = cls.copy()
        cls["decision"] = cls["decision"].astype(object)
        cls.iloc[wet, cls.columns.get_loc("decision")] = "water_rich"
        if "score_water_rich" in cls and "score" in cls:
            cls.iloc[wet, cls.columns.get_loc("score_water_rich")] = cls["score"].to_numpy(float)[wet]
        if "score_void" in cls:
            cls.iloc[wet, cls.columns.get_loc("score_void")] = 0.0
        info["slow_body_tops"] = len(wet)
    return cls


def too_strong_for_a_multiple(upper: float, lower: float, surface: float) -> bool:
    """Whether a reflection of amplitude ``lower`` is too strong to be the first surface multiple
    of one of amplitude ``upper`` above it, under a surface reflection of amplitude ``surface``
    (all recorded amplitudes, the gain undone): ``lower / upper`` over
    :data:`SLOW_BOTTOM_MULTIPLE_MAX` times ``upper / surface``. False where that is off or the
    surface is not a positive amplitude."""
    if SLOW_BOTTOM_MULTIPLE_MAX is None or not surface > 0 or not upper > 0:
        return False
    return lower / upper > SLOW_BOTTOM_MULTIPLE_MAX * upper / surface


def _slow_body_bottoms(cls: pd.DataFrame, pr: Prepared, info: dict, reported=None) -> pd.DataFrame:
    """A 'cavity' that is the bottom of a slow body: on the mean trace of its top columns, the
    strongest reflection :data:`~roadhealth.detect.classify.THICK_DELAY_PERIODS` periods to
    :data:`SLOW_BODY_MAX_M` above its top has the opposite phase to its top (the surface's
    polarity) and is at least :data:`SLOW_BOTTOM_MIN_RATIO` times stronger. A wet lens's top has
    the surface's polarity and its bottom (wetter to drier soil) the opposite one, as air has; when
    the lens's domed top was not a candidate of its own or was read as clutter (a round top as a
    pipe), its bottom alone looked like an air body. Not where that reflection is a surface
    multiple's partner (the lower one at two or three times its two-way time) or a point pipe over
    the body (:data:`SLOW_BOTTOM_POINT_V`). Such rows are called water-rich with their top moved up
    to the upper reflection (by the survey velocity over the delay) and ``bottom_delay_ns`` the
    delay between the two (the height inside the body, as for any wet zone); ``slow_bottom_ratio``
    records the strength ratio. ``reported``: the rows that will be reported (default: every
    defect), over which a defect already covers it. Loops over the few cavities, not traces."""
    dec = cls["decision"].astype(str).to_numpy() if "decision" in cls else np.zeros(0, dtype=str)
    cand = np.flatnonzero((dec == "cavity") & cls["is_defect"].to_numpy(bool)) if dec.size else dec
    if cand.size == 0:
        return cls
    s = pr.survey
    dt = float(s.attrs["dt_ns"])
    t0 = float(s.coords["twt_ns"].values[0])
    v = float(pr.velocity_m_per_ns)
    n_c, n_s = s.sizes["channel"], s.sizes["sample"]
    a, b = _column(cls, "distance_start_m"), _column(cls, "distance_end_m")
    t_below = _column(cls, "t_below_ns")
    hv = _column(cls, "hyperbola_v_ratio")
    pipe = (dec == "pipe") & (hv <= SLOW_BOTTOM_POINT_V)
    is_def = cls["is_defect"].to_numpy(bool) if reported is None else np.asarray(reported, dtype=bool)
    gain = _recorded_gain(s) if SLOW_BOTTOM_MULTIPLE_MAX is not None and pr.background is not None else None
    surface_amp = None
    if gain is not None:
        t_s = np.asarray(s.coords["twt_ns"].values, dtype=float)
        near = np.abs(t_s - pr.surface_ns) <= 0.5 * float(cls["period_ns"].iloc[0])
        if near.any():
            env_bg = np.abs(hilbert(np.asarray(pr.background, dtype=np.float64), axis=-1))
            surface_amp = env_bg[:, near].max(axis=1) / max(float(gain[near].max()), 1e-30)  # per channel

    def _too_strong_for_a_multiple(e_up, e_low, i_up, i_low, surf):
        # (the envelopes at samples i_up, i_low with the gain undone; unknown surface: not too strong)
        if surf is None:
            return False
        return too_strong_for_a_multiple(e_up / max(gain[i_up], 1e-30), e_low / max(gain[i_low], 1e-30), surf)

    found = {}
    for q in cand:
        r = cls.iloc[q]
        p = float(r["period_ns"]) / dt
        tr0, tr1 = r.get("top_trace_min", np.nan), r.get("top_trace_max", np.nan)
        if not (np.isfinite(tr0) and np.isfinite(tr1) and np.isfinite(p) and p > 0):
            continue
        c0, c1 = float(r.get("c_min", np.nan)), float(r.get("c_max", np.nan))
        c0, c1 = (int(c0), int(c1)) if np.isfinite(c0) and np.isfinite(c1) else (0, n_c - 1)
        # (only the body's top columns are read: a lazily loaded survey is not computed whole)
        top = np.asarray(s.isel(channel=slice(c0, c1 + 1), trace=slice(int(tr0), int(tr1) + 1)).values)
        m = top.reshape(-1, n_s).mean(axis=0, dtype=np.float64)
        an = hilbert(m)
        env = np.abs(an)
        st = round((float(r["t_top_ns"]) - t0) / dt)
        k0, k1 = max(st - int(0.25 * p), 0), min(st + round(p) + 1, n_s)
        lo = max(round((pr.surface_ns - t0) / dt + 1.5 * p), st - round(2 * SLOW_BODY_MAX_M / v / dt), 0)
        hi = st - round(THICK_DELAY_PERIODS * p)
        if k1 <= k0 or hi - lo < 2:
            continue
        k = k0 + int(np.argmax(env[k0:k1]))
        u = lo + int(np.argmax(env[lo:hi]))
        ratio = env[u] / max(env[k], 1e-30)
        if ratio < SLOW_BOTTOM_MIN_RATIO or np.cos(np.angle(an[u]) - np.angle(an[k])) > -0.5:
            continue
        delay = (k - u) * dt
        t_up = float(t_below[q]) - delay  # the upper reflection under the surface
        # a surface multiple of the upper reflector comes back with the opposite polarity
        tol = max(float(r["period_ns"]), 0.1 * float(t_below[q]))
        if (t_up > 0 and np.any(np.abs(np.asarray(SLOW_BOTTOM_MULTIPLES, float) * t_up - float(t_below[q])) <= tol)
                and not _too_strong_for_a_multiple(env[u], env[k], u, k,
                                                   None if surface_amp is None else float(surface_amp[c0:c1 + 1].max()))):
            continue
        centre = 0.5 * (a[q] + b[q])
        # (under a point pipe a body is kept, unless its top fits a hyperbola slower than the
        # ground: a delayed copy of the one above, that reflector's own far side)
        over = pipe & (a <= centre) & (b >= centre) & (t_below < t_below[q])
        if np.any(over) and not np.any(_delayed_copy(hv[q], hv[over])):
            continue
        # a defect already reported over it (a wet zone whose top was a candidate): its bottom or
        # echo is dropped with it (:func:`_suppress_echoes`), and a second wet zone would repeat it
        ov = np.minimum(b, b[q]) - np.maximum(a, a[q])
        if np.any(is_def & (ov >= 0.5 * np.minimum(b - a, b[q] - a[q])) & (t_below < t_below[q])):
            continue
        found[q] = (delay, ratio)
    if not found:
        return cls
    cls = cls.copy()
    cls["decision"] = cls["decision"].astype(object)
    if "slow_bottom_ratio" not in cls:
        cls["slow_bottom_ratio"] = np.nan
    for q, (delay, ratio) in found.items():
        row = cls.index[q]
        vq = float(cls.at[row, "velocity_m_per_ns"]) if "velocity_m_per_ns" in cls else v
        cls.at[row, "decision"] = "water_rich"
        for c in ("t_below_ns", "t_top_ns"):
            if c in cls:
                cls.at[row, c] = float(cls.at[row, c]) - delay
        cls.at[row, "depth_top_m"] = float(cls.at[row, "depth_top_m"]) - vq * delay / 2
        cls.at[row, "bottom_delay_ns"] = delay
        cls.at[row, "slow_bottom_ratio"] = ratio
        if "score_water_rich" in cls and "score" in cls:
            cls.at[row, "score_water_rich"] = float(cls.at[row, "score"])
        if "score_cavity" in cls:
            cls.at[row, "score_cavity"] = 0.0
    info["slow_body_bottoms"] = len(found)
    return cls


def _crs_or_none(s, crs):
    if "x" not in s.coords:
        return None
    x = np.asarray(s.coords["x"].values, dtype=float)
    return crs if np.all(np.isfinite(x)) else None


def candidates(survey, recipe: Any = "default", **options) -> gpd.GeoDataFrame:
    """The unclassified candidate regions of a survey, with their measured features.

    Parameters are those of :func:`detect` (without ``risk``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per region: ``candidate`` (id), ``distance_start_m``, ``distance_end_m``,
        ``offset_start_m``, ``offset_end_m``, ``depth_top_m``, ``depth_bottom_m`` and every
        feature of :mod:`roadhealth.detect.features` (``polarity`` relative to the surface),
        footprints as ``geometry``; ``attrs["detect"]["notes"]`` says what was done to the input.
    """
    _check_options(options)
    survey = _with_antenna_height(survey, options)
    survey, spacing_note = _resolve_spacing(survey, recipe, options)
    pr, feats, _ = _analyse(survey, recipe, options)
    s = pr.survey
    cols = ["candidate", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
            "depth_top_m", "depth_bottom_m"]
    info = {"notes": [spacing_note, *pr.notes] if spacing_note else list(pr.notes)}
    if feats.empty:
        out = gpd.GeoDataFrame({c: pd.Series(dtype=object if c == "candidate" else float) for c in cols},
                               geometry=gpd.GeoSeries([], crs=_crs_or_none(s, s.attrs.get("crs"))))
        out.attrs["detect"] = info
        return out
    name = _survey_name(survey, options.get("survey_name"))
    n_c = s.sizes["channel"]
    off = np.asarray(s.coords["offset_m"].values, dtype=float) if "offset_m" in s.coords else np.zeros(n_c)
    ch_sp = float(np.median(np.abs(np.diff(off)))) if n_c > 1 else 0.0
    f = feats.reset_index().rename(columns={"index": "label"})
    width = np.maximum((f["offset_max"] - f["offset_min"]).to_numpy(float) + ch_sp,
                       (f["distance_end_m"] - f["distance_start_m"]).to_numpy(float) if n_c == 1 or ch_sp == 0 else 0)
    polys, crs = _footprints(s, f.set_index("label"), width)
    f.insert(0, "candidate", [f"{name}-c{i + 1:04d}" for i in range(len(f))])
    f["offset_start_m"] = f["offset_min"] - 0.5 * ch_sp
    f["offset_end_m"] = f["offset_max"] + 0.5 * ch_sp
    rest = [c for c in f.columns if c not in cols and c not in ("offset_min", "offset_max", "polarity_raw")]
    out = gpd.GeoDataFrame(f[cols + rest], geometry=polys, crs=crs)
    out.attrs["detect"] = info
    return out
