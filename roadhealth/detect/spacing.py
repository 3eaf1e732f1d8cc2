"""The along-track trace spacing of a survey that does not carry one.

Detection works in metres: its stacks, Fresnel zones, length limits and hyperbola fits all need
the distance between traces. A file without positions (a SEG-Y export with no trace coordinates,
a gprMax 3 merge, a time-mode collection without a survey wheel) is read with the *trace index*
as its distance (``attrs["distance_source"] = "trace index"``), and searched as if its traces were
a metre apart it would lose every defect (a 0.7 m cavity seen over nine traces 8 cm apart would
be read as 9 m long). So :func:`roadhealth.detect.detect` takes the spacing from, first:

1. the ``trace_spacing_m=`` option (or ``trace_spacing_m=`` to :func:`roadhealth.read`, any
   format; :func:`roadhealth.survey.with_trace_spacing`); it is metres per trace of the file (a
   stacked or sliced survey keeps its trace numbers), and a survey that has positions keeps them;
2. the data's own diffraction hyperbolas (:func:`spacing_from_hyperbolas`): the survey is searched
   once at a provisional spacing, a quarter wavelength in the ground at the antenna frequency
   (:func:`provisional_spacing_m`; the spacing surveys are planned with, to see dipping events
   unaliased), and the clean diffraction hyperbolas found there fix the ratio of the spacing to
   the ground's velocity. A hyperbola ``t(n)**2 = t0**2 + (2 n dx / v)**2`` over the trace number
   ``n`` gives ``dx / v`` only, so the velocity of the depth model is taken for ``v`` (the same
   velocity that turns times into depths: the section is scaled alike in both directions). A
   finite body's top bends less than a point diffractor's and fits a faster hyperbola, so the
   spacing is the one at which the hyperbolas of the bodies found (cavities, pipes, wet and loose
   zones; not layers, whose flat residuals fit any velocity) read :data:`BODY_V_RATIO` times the
   depth model's velocity;
3. with no clean hyperbola, the provisional quarter wavelength.

Each case is said in ``attrs["detect"]["notes"]`` and warned (2 and 3: the lengths and positions
are then an estimate, good to about 30 % where a hyperbola was found).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr

from roadhealth.errors import DetectionError
from roadhealth.io._common import warn
from roadhealth.survey import positive_number
from roadhealth.survey import with_trace_spacing as with_spacing

__all__ = ["BODY_KINDS", "BODY_V_RATIO", "ESTIMATED", "provisional_spacing_m", "spacing_from_hyperbolas", "with_spacing"]

#: The velocity of the ground assumed for the provisional spacing, m/ns (eps_r 9: a base or a
#: compacted subgrade, the middle of the default layered model).
GROUND_VELOCITY_M_PER_NS = 0.1

#: Hyperbola velocity over the survey velocity that a body's top reads. Measured on the blind
#: full-wave set (298 lines, positions stripped, searched at the provisional spacing; each fitted
#: ratio rescaled to the line's true spacing), regions fitted within 0.15 period over 7 traces or
#: more: cavities 1.31 (median; 1.07-1.95 from the 10th to the 90th percentile), pipes 1.24, wet
#: zones 1.63, loose zones 1.64. With 1.3, the median of each line's strongest five gave spacings
#: 0.97 times the true one at the median, 0.67-1.23 times from the 10th to the 90th percentile
#: (167 lines with such a hyperbola).
BODY_V_RATIO = 1.3

#: The decisions whose regions' hyperbolas are used: bodies with a top, not layers or voids.
BODY_KINDS = ("cavity", "pipe", "water_rich", "loose")

#: A hyperbola used for the spacing: its residual at most this many antenna periods ...
MAX_RMS_PERIODS = 0.15

#: ... over at least this many traces,
MIN_COLUMNS = 7

#: ... from at most this many of the strongest such regions (their median ratio).
MAX_REGIONS = 5

#: The estimate is kept within this range, m: the trace spacings GPR surveys use (2 mm for a
#: 2.6 GHz bridge-deck scan to 1 m for a 50 MHz geological line).
PLAUSIBLE_SPACING_M = (0.002, 1.0)

#: Traces searched for the estimate (of a longer survey, the first ones holding data, at most what
#: the memory budget of a chunked search allows).
MAX_TRACES = 4096

#: A blank lead-in is looked for over at most this many probes' worth of traces.
LEAD_IN_PROBES = 4

#: ``attrs["distance_source"]`` of a survey whose spacing :func:`resolve` estimated: no velocity
#: is then measured on its hyperbolas, which gave the spacing at the depth model's velocity.
ESTIMATED = "estimated from the data's diffraction hyperbolas (detect)"


def provisional_spacing_m(centre_mhz: float) -> float:
    """A quarter wavelength in the ground (:data:`GROUND_VELOCITY_M_PER_NS`) at ``centre_mhz``, m."""
    if not (math.isfinite(centre_mhz) and centre_mhz > 0):
        raise DetectionError(f"provisional_spacing_m: the antenna frequency must be a positive number of MHz; "
                             f"got {centre_mhz!r}")
    return GROUND_VELOCITY_M_PER_NS / (4e-3 * centre_mhz)


def spacing_from_hyperbolas(features: pd.DataFrame, provisional_m: float) -> tuple[float, int] | None:
    """The trace spacing at which the clean diffraction hyperbolas of ``features`` (classified
    regions measured at ``provisional_m``) read :data:`BODY_V_RATIO` times the survey velocity,
    and how many hyperbolas gave it; None when no region has one.

    A region counts when it was classified as one of :data:`BODY_KINDS` and its top fits a hyperbola (``hyperbola_v_ratio`` finite, positive) within
    :data:`MAX_RMS_PERIODS` of a period over at least :data:`MIN_COLUMNS` traces; the median ratio
    of the :data:`MAX_REGIONS` strongest (``z_peak``) is used. The fitted velocity scales with the
    spacing assumed, so the spacing is ``provisional_m * BODY_V_RATIO / ratio``, kept within
    :data:`PLAUSIBLE_SPACING_M`.
    """
    need = ("hyperbola_v_ratio", "hyperbola_rms_ns", "period_ns", "n_columns", "z_peak", "decision")
    if features is None or features.empty or any(c not in features for c in need):
        return None
    ratio = features["hyperbola_v_ratio"].to_numpy(float)
    ok = (np.isfinite(ratio) & (ratio > 0) & np.isin(features["decision"].to_numpy(object), BODY_KINDS)
          & (features["hyperbola_rms_ns"].to_numpy(float) <= MAX_RMS_PERIODS * features["period_ns"].to_numpy(float))
          & (features["n_columns"].to_numpy(float) >= MIN_COLUMNS))
    if not ok.any():
        return None
    order = np.argsort(-features["z_peak"].to_numpy(float)[ok], kind="stable")[:MAX_REGIONS]
    r = float(np.median(ratio[ok][order]))
    sp = float(np.clip(provisional_m * BODY_V_RATIO / r, *PLAUSIBLE_SPACING_M))
    return sp, int(order.size)


def _probe(survey: xr.DataArray, budget_mb: float) -> xr.DataArray:
    """The traces the estimate searches: at most :data:`MAX_TRACES` and what ``budget_mb`` allows,
    from the first trace holding data (a record may start blank)."""
    from roadhealth.detect.chunked import BYTES_PER_SAMPLE

    n_c, n_t, n_s = (survey.sizes[k] for k in ("channel", "trace", "sample"))
    n = int(max(64, min(MAX_TRACES, budget_mb * 1e6 / (BYTES_PER_SAMPLE * n_c * n_s))))
    if n >= n_t:
        return survey
    # a blank lead-in is looked for in the first few probes' worth of traces, not the whole survey
    live = np.asarray((survey.isel(trace=slice(0, LEAD_IN_PROBES * n)) != 0).any(("channel", "sample")).values)
    first = int(np.argmax(live)) if live.any() else 0
    first = min(first, n_t - n)
    return survey.isel(trace=slice(first, first + n))


def resolve(survey: xr.DataArray, given, analyse, *, budget_mb: float = 640.0
            ) -> tuple[xr.DataArray, str | None]:
    """The survey with a trace spacing (see the module) and a note saying where it came from
    (None when the survey had one).

    ``given`` (the ``trace_spacing_m`` option, or None) applies to a survey without positions; one
    with positions keeps them (warned). ``analyse(survey)`` measures and classifies the candidate regions of a survey
    (the features table); the estimate searches at most ``budget_mb`` of the survey.
    """
    from roadhealth.detect.prepare import _estimate_centre, _has_antenna, _source

    bare = survey.attrs.get("distance_source") == "trace index"
    if given is not None:
        sp = positive_number(given)
        if math.isnan(sp):
            raise DetectionError(f"detect: trace_spacing_m must be a positive number of metres; got {given!r}")
        if not bare:
            warn(f"{_source(survey)}: trace_spacing_m={sp:g} ignored: the survey has trace positions "
                 f"(distance_source {survey.attrs.get('distance_source')!r})")
            return survey, None
        return (with_spacing(survey, sp, "trace_spacing_m (given)"),
                f"trace spacing {sp:g} m as given (trace_spacing_m)")
    if not bare:
        return survey, None
    centre = float(survey.attrs["antenna_mhz"]) if _has_antenna(survey) else _estimate_centre(survey)
    p = provisional_spacing_m(centre)
    try:  # (tagged as estimated: no velocity is measured on the hyperbolas that give the spacing)
        est = spacing_from_hyperbolas(analyse(with_spacing(_probe(survey, budget_mb), p, ESTIMATED)), p)
    except DetectionError:  # what is wrong with the data, the search proper says
        est = None
    if est is None:
        sp, how = p, (f"no trace positions in the file and no clean diffraction hyperbola to measure the "
                      f"spacing on: a quarter wavelength in the ground at {centre:.0f} MHz assumed, "
                      f"{p:.3g} m per trace (pass trace_spacing_m= for metres)")
    else:
        sp, n = est
        how = (f"no trace positions in the file: {sp:.3g} m per trace estimated from {n} diffraction "
               f"hyperbola(s) at the depth model's velocity (lengths and positions good to about 30 %; "
               f"pass trace_spacing_m= for metres)")
    warn(f"{_source(survey)}: {how}")
    return with_spacing(survey, sp, ESTIMATED), how
