"""Getting a survey ready for detection: input checks, processing, the surface wavelet and the
velocity model.

* :func:`check_input` raises :class:`~roadhealth.errors.DetectionError` on what cannot be searched
  (no samples, all-zero or all-NaN data, depth-domain data without a velocity, a time window too
  short to see below the pavement).
* :func:`prepare` runs the processing recipe on a raw survey (regularising uneven trace spacing
  first), or takes a processed one as it is, and measures, on the way, the surface reflection
  (its time, polarity and amplitude) from the data *before* background removal, which would erase
  it; it then builds the velocity model from diffraction hyperbolas, or a documented default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import DetectionError, ProcessingError

__all__ = ["DEFAULT_EPS_R", "Prepared", "check_input", "first_arrival_vote", "prepare", "velocity_from_hyperbolas",
           "velocity_model"]

#: Relative permittivity used for depths when the data give no velocity: the average of a
#: flexible pavement over granular base and subgrade down to ~1 m (asphalt 4-7, base 6-10,
#: subgrade 8-16; Saarenketo & Scullion 2000, Daniels 2004 table 4.1). v = 0.106 m/ns.
DEFAULT_EPS_R = 8.0

#: Fewest samples below the surface a search needs: the surface wavelet plus 2 wavelet periods.
MIN_PERIODS_BELOW = 3.0

#: Accepted range of a velocity measured from hyperbolas, m/ns (eps_r 3.5 ... 16: the average of
#: pavement, base and subgrade over the first metre or two).
VELOCITY_RANGE = (0.075, 0.16)


@dataclass
class Prepared:
    """A processed survey and what detection learned about it on the way.

    Attributes
    ----------
    survey : xarray.DataArray
        Processed (time zero at the surface), float.
    centre_mhz : float
        Antenna centre frequency used (from the file, else estimated from the spectrum).
    surface_polarity : float
        +1 or -1: sign of the surface reflection at its envelope peak; the polarity reference.
    surface_measured : bool
        False when the polarity reference could not be measured (e.g. background removed before
        detect) and the physical convention (negative surface reflection) was assumed.
    polarity_source : str
        Where the polarity reference came from (see :func:`_surface_wavelet`).
    velocity_m_per_ns : float
        Velocity of the depth model.
    velocity_source : str
        How that velocity was obtained (for the evidence text).
    notes : list of str
        What was done to the input (processing, regularisation, surface shift).
    """

    survey: xr.DataArray
    centre_mhz: float
    surface_polarity: float
    surface_measured: bool
    velocity_m_per_ns: float
    velocity_source: str
    surface_ns: float = 0.0
    notes: list = field(default_factory=list)
    polarity_source: str = "assumed (negative surface reflection)"
    velocity_is_default: bool = False


def _source(survey) -> str:
    return str(survey.attrs.get("source") or "<survey>")


def check_input(survey: Any) -> xr.DataArray:
    """Raise :class:`DetectionError` unless ``survey`` can be searched for defects.

    Checks: a DataArray with dims (channel, trace, sample), ``dt_ns``, at least one sample and
    trace, some finite non-zero data, a depth-domain survey with its velocity.
    """
    if not isinstance(survey, xr.DataArray):
        raise DetectionError(f"detect: expected a survey (xarray.DataArray); got {type(survey).__name__}")
    src = _source(survey)
    if tuple(survey.dims) != ("channel", "trace", "sample"):
        raise DetectionError(f"{src}: survey dims must be ('channel', 'trace', 'sample'); got {tuple(survey.dims)}")
    for dim in ("channel", "trace", "sample"):
        if survey.sizes[dim] == 0:
            raise DetectionError(f"{src}: the survey has no {dim}s (size 0 along '{dim}'); nothing to search")
    dt = survey.attrs.get("dt_ns")
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        dt = math.nan
    if not (math.isfinite(dt) and dt > 0):
        raise DetectionError(f"{src}: attrs['dt_ns'] must be a positive sample interval in ns; got "
                             f"{survey.attrs.get('dt_ns')!r}")
    if survey.attrs.get("domain") == "depth":
        v = survey.attrs.get("pseudo_velocity_m_per_ns")
        try:
            ok = float(v) > 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise DetectionError(
                f"{src}: depth-domain data (attrs['domain'] = 'depth') without a velocity: "
                f"attrs['pseudo_velocity_m_per_ns'] is {v!r}; expected the velocity (m/ns) that relates "
                "its twt_ns to depth_m (roadhealth.processing.to_depth writes it)")
    values = survey.data
    if type(values).__module__.startswith("dask"):
        import dask.array as da

        finite, nonzero = da.compute(da.isfinite(values).any(), (da.nan_to_num(values) != 0).any())
    else:
        values = np.asarray(values)
        hdr = int(survey.attrs.get("header_words", 0) or 0)
        body = values[..., hdr:] if 0 < hdr < values.shape[-1] else values
        if np.issubdtype(body.dtype, np.floating):
            fin = np.isfinite(body)
            finite = bool(fin.any())
            nonzero = bool((np.where(fin, body, 0) != 0).any())
        else:
            finite = True
            nonzero = bool(body.any())
    if not finite:
        raise DetectionError(f"{src}: every sample is NaN or infinite; no radar data to search")
    if not nonzero:
        raise DetectionError(f"{src}: every sample is zero; no radar data to search")
    return survey


def _has_antenna(survey) -> bool:
    v = survey.attrs.get("antenna_mhz")
    try:
        return v is not None and float(v) > 0 and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _is_processed(survey) -> bool:
    from roadhealth.processing import STEPS

    return any(isinstance(r, dict) and r.get("step") in STEPS for r in survey.attrs.get("history", []))


def _history_steps(survey) -> list[str]:
    return [r.get("step") for r in survey.attrs.get("history", []) if isinstance(r, dict)]


def _regularise_if_uneven(survey: xr.DataArray, notes: list) -> xr.DataArray:
    """Resample to even trace spacing when the spacing varies by more than 10 %."""
    from roadhealth.processing import resample_traces

    d = np.asarray(survey.coords["distance_m"].values, dtype=float) if "distance_m" in survey.coords else None
    if d is None or d.shape[-1] < 3 or not np.all(np.isfinite(d[0])):
        return survey
    step = np.diff(d[0])
    med = float(np.median(np.abs(step)))
    if not med > 0:
        return survey
    monotonic = np.all(step > 0) or np.all(step < 0)  # a line may be recorded backwards
    if monotonic and float(np.max(np.abs(np.abs(step) - med))) <= 0.1 * med:
        return survey
    try:
        out = resample_traces(survey, spacing_m=med, backwards="drop")
    except ProcessingError as exc:
        raise DetectionError(f"{_source(survey)}: traces are unevenly spaced and cannot be regularised: {exc}") from None
    notes.append(f"traces regularised to {med:.3f} m spacing (spacing varied "
                 f"{float(step.min()):.3f}..{float(step.max()):.3f} m)")
    return out


def _vote(x: np.ndarray, env: np.ndarray, lo: int, hi: int) -> float:
    """Amplitude-weighted vote (-1..1) of the sign at each trace's envelope peak in [lo, hi)."""
    if hi - lo < 2:
        return 0.0
    j = lo + np.argmax(env[..., lo:hi], axis=-1)
    a = np.take_along_axis(x, j[..., None], -1)[..., 0].astype(np.float64)
    tot = float(np.abs(a).sum())
    return float(a.sum()) / tot if tot > 0 else 0.0


def first_arrival_vote(survey: xr.DataArray, centre_mhz: float, *, max_traces: int = 512) -> float:
    """Polarity of the first arrival of a raw survey: an amplitude-weighted vote in -1..1.

    Each trace (at most ``max_traces`` evenly spread per channel), less its median and header
    words, votes with the sign at the envelope peak of its first arrival (the first envelope peak
    above half the trace's maximum, within one antenna period of the first sample above it).
    """
    from roadhealth.processing._core import envelope_kernel

    hdr = int(survey.attrs.get("header_words", 0) or 0)
    x = np.asarray(survey.isel(trace=slice(None, None, max(1, survey.sizes["trace"] // max_traces))).values)
    x = np.nan_to_num(x[..., hdr:].astype(np.float32))
    x -= np.median(x, axis=-1, keepdims=True)
    env = envelope_kernel(x)
    first = np.argmax(env >= 0.5 * env.max(axis=-1, keepdims=True), axis=-1)
    p = max(2, round(1000.0 / centre_mhz / float(survey.attrs["dt_ns"])))
    k = np.clip(first[..., None] + np.arange(p + 1), 0, x.shape[-1] - 1)
    j = np.take_along_axis(k, np.argmax(np.take_along_axis(env, k, -1), axis=-1)[..., None], -1)
    a = np.take_along_axis(x, j, -1)[..., 0].astype(np.float64)
    tot = float(np.abs(a).sum())
    return float(a.sum()) / tot if tot > 0 else 0.0


def _crop_leading_air(survey: xr.DataArray, centre_mhz: float, notes: list) -> xr.DataArray:
    """Drop a quiet lead-in before the first arrival (records that start at the source time).

    Full-wave simulations and some exporters start the record when the source fires, so the
    first arrival comes after many quiet samples; a first-break picker can be misled by them
    (the circular envelope wraps the trace end onto its quiet start). When the first arrival of
    nearly every trace (10th percentile) lies more than two antenna periods after the first
    sample, the record is cropped to start one period before it (a note says so). Surveys with
    GSSI header words are left alone.
    """
    from roadhealth.processing._core import envelope_kernel

    if int(survey.attrs.get("header_words", 0) or 0) > 0:
        return survey
    dt = float(survey.attrs["dt_ns"])
    p = max(2, round(1000.0 / centre_mhz / dt))
    x = np.asarray(survey.isel(trace=slice(None, None, max(1, survey.sizes["trace"] // 256))).values)
    x = np.nan_to_num(x.astype(np.float32))
    x -= np.median(x, axis=-1, keepdims=True)
    env = envelope_kernel(x, pad=True)
    first = np.argmax(env >= 0.3 * env.max(axis=-1, keepdims=True), axis=-1)
    k = int(np.percentile(first, 10))
    if k <= 2 * p or k - p >= survey.sizes["sample"] - 4 * p:
        return survey
    crop = k - p
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    notes.append(f"{crop * dt:.2f} ns of quiet record before the first arrival cropped "
                 f"(twt_ns {t[0]:.2f}..{t[crop]:.2f}; the record starts at the source)")
    return survey.isel(sample=slice(crop, None))


def _surface_wavelet(survey: xr.DataArray, centre_mhz: float, raw: xr.DataArray | None = None
                     ) -> tuple[float, float, str]:
    """The road surface and the polarity reference: (surface time ns, polarity +-1, how).

    ``survey`` is time-zero corrected (before background removal), ``raw`` the survey before any
    processing (or None).

    The surface is taken at ``twt_ns = 0`` (where time zero put it), unless the mean trace shows a
    second arrival 1.5 to 4 periods later stronger than 0.7 x the first: then that is the surface
    of an air-coupled antenna (the first being the direct wave) and its time is returned.

    The polarity reference is the sign of the surface reflection (a reflection into a slower
    medium), measured by an amplitude-weighted vote of the traces (:func:`first_arrival_vote`):

    1. air-coupled: the sign of the separate surface reflection;
    2. ground-coupled: the direct wave from transmitter to receiver dominates the first arrival
       and carries the source polarity, which is *opposite* to the surface reflection's (the
       surface reflection, merged into its tail, has a negative coefficient); the reference is
       minus the sign of the raw first arrival;
    3. when fewer than 3/4 of the weighted votes agree, or no raw data: the convention of a
       negative surface reflection.
    """
    from roadhealth.processing._core import envelope_kernel

    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    step = max(1, survey.sizes["trace"] // 512)
    sub = np.nan_to_num(np.asarray(survey.isel(trace=slice(None, None, step)).values, dtype=np.float32))
    mean = sub.mean(axis=(0, 1), dtype=np.float64)
    env = envelope_kernel(mean[None].astype(np.float32), pad=True)[0]
    period = 1000.0 / centre_mhz
    assumed = (0.0, -1.0, "assumed (negative surface reflection)")
    near = (t >= min(t[0], 0.0)) & (t <= max(t[0], 0.0) + period)
    if not near.any():
        return assumed
    i0 = int(np.flatnonzero(near)[np.argmax(env[near])])
    later = (t > t[i0] + 1.5 * period) & (t <= t[i0] + 4 * period)
    if later.any():
        j = int(np.flatnonzero(later)[np.argmax(env[later])])
        if env[j] > 0.7 * env[i0] and env[j] > env[max(j - 1, 0)] and env[j] >= env[min(j + 1, t.size - 1)]:
            env_sub = envelope_kernel(sub)
            p = max(2, round(period / float(survey.attrs["dt_ns"])))
            lo, hi = max(0, j - p // 2), j + p // 2 + 1
            jj = lo + np.argmax(env_sub[..., lo:hi], axis=-1)
            a = np.take_along_axis(sub, jj[..., None], -1)[..., 0].astype(np.float64)
            vote = float(a.sum() / max(np.abs(a).sum(), 1e-30))
            if abs(vote) >= 0.5:
                return float(t[j]), float(np.sign(vote)), "surface reflection (air-coupled antenna)"
            return (float(t[j]), -1.0, "assumed (negative surface reflection)")
    if raw is None:
        return assumed
    vote = first_arrival_vote(raw, centre_mhz)
    if abs(vote) >= 0.5:
        return 0.0, -float(np.sign(vote)), "opposite of the direct wave (ground-coupled first arrival)"
    return assumed


def velocity_model(survey: xr.DataArray, *, velocity_m_per_ns=None, eps_r=None) -> tuple[float, str, bool]:
    """The velocity used for depths, m/ns, how it was obtained, and whether it is the default.

    Order: a velocity or permittivity given by the caller; the velocity of a depth-domain survey;
    else :data:`DEFAULT_EPS_R`, which :func:`velocity_from_hyperbolas` may then replace with a
    velocity measured on the survey's own diffraction hyperbolas.
    """
    if velocity_m_per_ns is not None:
        v = float(velocity_m_per_ns)
        if not 0 < v <= C0_M_PER_NS:
            raise DetectionError(f"velocity_m_per_ns must be in (0, {C0_M_PER_NS:.3f}]; got {velocity_m_per_ns!r}")
        return v, f"given velocity {v:.3f} m/ns", False
    if eps_r is not None:
        e = float(eps_r)
        if not e >= 1:
            raise DetectionError(f"eps_r must be >= 1; got {eps_r!r}")
        return C0_M_PER_NS / math.sqrt(e), f"given permittivity {e:g}", False
    if survey.attrs.get("domain") == "depth":
        v = float(survey.attrs["pseudo_velocity_m_per_ns"])
        return v, f"depth-domain survey's velocity {v:.3f} m/ns", False
    v = C0_M_PER_NS / math.sqrt(DEFAULT_EPS_R)
    return v, f"default eps_r {DEFAULT_EPS_R:g} ({v:.3f} m/ns; no usable hyperbola in the data)", True


def velocity_from_hyperbolas(v_fit, rms_ns, length_m, period_ns: float) -> tuple[float, str] | None:
    """A velocity from the diffraction hyperbolas of the candidate regions, or None.

    Regions at most 1.6 m long whose top times fit a hyperbola
    (:func:`roadhealth.processing.fit_hyperbola`) with a residual under 0.15 period and a velocity
    in :data:`VELOCITY_RANGE` are point-like diffractors (stones, pipes, small voids); with at
    least three of them, their *lower quartile* is the estimate: a curved or extended body looks
    faster than the medium, a point never slower.
    """
    v = np.asarray(v_fit, dtype=float)
    good = (np.isfinite(v) & (v >= VELOCITY_RANGE[0]) & (v <= VELOCITY_RANGE[1])
            & (np.asarray(rms_ns, dtype=float) < 0.15 * period_ns) & (np.asarray(length_m, dtype=float) <= 1.6))
    if good.sum() < 3:
        return None
    vm = float(np.quantile(v[good], 0.25))
    return vm, (f"lower quartile of {int(good.sum())} diffraction hyperbolas, {vm:.3f} m/ns "
                f"(eps_r {(C0_M_PER_NS / vm) ** 2:.1f})")


def prepare(survey: xr.DataArray, recipe: Any = "default", *, velocity_m_per_ns=None,
            eps_r=None) -> Prepared:
    """Process a raw survey (or take a processed one) and measure surface and velocity.

    Parameters
    ----------
    survey : xarray.DataArray
        Raw (no processing steps in its history) or processed.
    recipe : "default", path, TOML string, dict or None
        Recipe for a raw survey (see :func:`roadhealth.processing.apply`); ignored for a
        processed survey. None or "default": the default recipe.
    velocity_m_per_ns, eps_r : float, optional
        Force the velocity of the depth model.

    Returns
    -------
    Prepared
    """
    import roadhealth.processing as rp
    from roadhealth.processing.recipe import load_recipe

    check_input(survey)
    notes: list[str] = []
    processed = _is_processed(survey)
    if not _has_antenna(survey):
        est = survey.attrs.get("centre_mhz_estimate")
        if est is None:
            try:
                est = rp.estimate_centre_frequency_mhz(survey)
            except ProcessingError as exc:
                raise DetectionError(f"{_source(survey)}: no antenna frequency in the file and none could be "
                                     f"estimated from the spectrum: {exc}") from None
            notes.append(f"antenna frequency not in the file; {est:.0f} MHz estimated from the spectrum")
        survey = survey.assign_attrs(centre_mhz_estimate=float(est))
    centre = float(survey.attrs["antenna_mhz"]) if _has_antenna(survey) else float(survey.attrs["centre_mhz_estimate"])
    surface_measured = False
    polarity = -1.0
    pol_src = "assumed (negative surface reflection; the data's surface was removed before detect)"
    surface_ns = 0.0
    if not processed:
        survey = _regularise_if_uneven(survey, notes)
        survey = _crop_leading_air(survey, centre, notes)
        r = load_recipe(None if recipe in (None, "default") else recipe)
        steps = r["steps"]
        k = next((i for i, s in enumerate(steps) if s["name"] == "background_removal"), len(steps))
        try:
            head = rp.apply(survey, {"name": r["name"], "steps": steps[:k]})
            surface_ns, polarity, pol_src = _surface_wavelet(head, centre, raw=survey)
            surface_measured = True
            out = rp.apply(head, {"name": r["name"], "steps": steps[k:]}) if k < len(steps) else head
        except ProcessingError as exc:
            raise DetectionError(f"{_source(survey)}: the processing recipe failed: {exc}") from None
        notes.append(f"processed with recipe {r['name'] or 'default'!r} ({len(steps)} steps)")
    else:
        out = survey
        steps_done = _history_steps(survey)
        if "background_removal" not in steps_done:
            surface_ns, polarity, pol_src = _surface_wavelet(out, centre)
            surface_measured = True
        notes.append("used as processed (" + ", ".join(s for s in steps_done if s) + ")")
    out = out.astype(np.float32) if out.dtype != np.float64 else out
    if surface_ns != 0.0:
        notes.append(f"road surface found at {surface_ns:.2f} ns after time zero (a stronger arrival "
                     "after the first break: air-coupled antenna)")
    t = np.asarray(out.coords["twt_ns"].values, dtype=float)
    period = 1000.0 / centre
    below = t[-1] - surface_ns
    if below < MIN_PERIODS_BELOW * period:
        raise DetectionError(
            f"{_source(survey)}: the time window ends {below:.2f} ns below the road surface; a search "
            f"below the pavement needs at least {MIN_PERIODS_BELOW * period:.2f} ns "
            f"({MIN_PERIODS_BELOW:g} periods of the {centre:.0f} MHz antenna)")
    v, vsrc, default_v = velocity_model(out, velocity_m_per_ns=velocity_m_per_ns, eps_r=eps_r)
    return Prepared(out, centre, polarity, surface_measured and not pol_src.startswith("assumed"), v, vsrc,
                    surface_ns, notes, pol_src, default_v)
