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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import xarray as xr
from scipy import ndimage

from roadhealth.constants import C0_M_PER_NS
from roadhealth.detect.candidates import SEARCH_START_PERIODS
from roadhealth.errors import DetectionError, ProcessingError
from roadhealth.processing._core import (
    analytic_spectrum,
    centre_frequency_mhz,
    header_words,
    is_dask,
)
from roadhealth.processing.depth import Layer, depth_of_twt
from roadhealth.survey import WAVE_SPREADINGS

__all__ = [
    "DEFAULT_EPS_R",
    "DEFAULT_LAYERS",
    "REFERENCE_ATTR",
    "Prepared",
    "check_input",
    "default_depth_m",
    "first_arrival_vote",
    "prepare",
    "surface_reference",
    "velocity_from_hyperbolas",
    "velocity_model",
    "wave_spreading",
]

#: Attribute of a processed survey holding the surface and polarity reference measured on its raw
#: data (a JSON text; :func:`surface_reference`), which background removal would otherwise erase.
REFERENCE_ATTR = "surface_reference"

#: Relative permittivity used for depths when the data give no velocity: the average of a
#: flexible pavement over granular base and subgrade down to ~1 m (asphalt 4-7, base 6-10,
#: subgrade 8-16; Saarenketo & Scullion 2000, Daniels 2004 table 4.1). v = 0.106 m/ns.
DEFAULT_EPS_R = 8.0

#: Layered velocity model used for depths when the data give no velocity (a
#: :func:`roadhealth.processing.depth.layer_model`): interval permittivities of an urban flexible
#: pavement, asphalt to 0.2 m (eps_r 4-7), granular base and subbase to 0.75 m (6-10), subgrade
#: soil below (8-16, moist fine soils more; 11 is the geometric middle, so that the depth error is
#: the same at both ends: 1 - sqrt(8/11) = sqrt(16/11) - 1, about 15 %) (Saarenketo & Scullion
#: 2000; Daniels 2004 table 4.1; Al-Qadi & Lahouar 2005). Waves slow down with depth, so one
#: permittivity for every depth puts deep tops too deep (eps_r 8 did by 0.1-0.27 m at 1-1.5 m on
#: the full-wave set) or shallow ones too shallow. :data:`DEFAULT_EPS_R` remains the single
#: velocity of the scores' stacks.
DEFAULT_LAYERS = (Layer(eps_r=6.0, thickness_m=0.20, name="asphalt"),
                  Layer(eps_r=8.0, thickness_m=0.55, name="base and subbase"),
                  Layer(eps_r=11.0, name="subgrade"))


#: The range the default model stands for (the same layers at the ends of each material's range:
#: asphalt eps_r 4-7, base and subbase 6-10, subgrade 8-16; sources as for
#: :data:`DEFAULT_LAYERS`): the fastest and the slowest pavement, for the depth range reported
#: with depths from the default model (:func:`default_depth_range_m`).
DEFAULT_LAYERS_FAST = tuple(replace(lay, eps_r=e) for lay, e in zip(DEFAULT_LAYERS, (4.0, 6.0, 8.0), strict=True))
DEFAULT_LAYERS_SLOW = tuple(replace(lay, eps_r=e) for lay, e in zip(DEFAULT_LAYERS, (7.0, 10.0, 16.0), strict=True))


def default_depth_range_m(t_below_ns) -> tuple[np.ndarray, np.ndarray]:
    """Shallowest and deepest depth (m) of a two-way time below the surface (ns) over the range
    the default model stands for (:data:`DEFAULT_LAYERS_SLOW`, :data:`DEFAULT_LAYERS_FAST`): how
    far a depth from :func:`default_depth_m` can be off when the data give no velocity."""
    t = np.asarray(t_below_ns, dtype=float)
    return (np.maximum(depth_of_twt(t, DEFAULT_LAYERS_SLOW), 0.0),
            np.maximum(depth_of_twt(t, DEFAULT_LAYERS_FAST), 0.0))


def default_depth_m(t_below_ns) -> np.ndarray:
    """Depth below the road surface (m, at least 0) of a two-way time below it (ns) through
    :data:`DEFAULT_LAYERS` (:func:`roadhealth.processing.depth.depth_of_twt`)."""
    return np.maximum(depth_of_twt(np.asarray(t_below_ns, dtype=float), DEFAULT_LAYERS), 0.0)


def default_model_text() -> str:
    """The default layered model in words (for the evidence and ``attrs['detect']``)."""
    bottoms = np.cumsum([lay.thickness_m for lay in DEFAULT_LAYERS[:-1]])
    parts = [f"eps_r {lay.eps_r:g} to {z:g} m" for lay, z in zip(DEFAULT_LAYERS[:-1], bottoms, strict=True)]
    parts.append(f"eps_r {DEFAULT_LAYERS[-1].eps_r:g} below")
    return "default layered pavement model (" + ", ".join(parts) + "; no usable hyperbola in the data)"


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
    surface_phase_rad : float
        Phase (analytic signal, at the envelope peak) of the surface reflection of the filtered
        data: the reference of :func:`relative_polarity`; NaN when it could not be measured.
    background_traces : bool array (channel, trace, sample) or None
        The traces that define the background of a line shorter than the background window, at
        every sample (:func:`undisturbed_background`); None: every trace.
    background : float array (channel, sample) or None
        On such a line, the background trace that was subtracted, in the processed survey's units
        (the steps after the removal, a gain, applied to it as they acted on the survey): the
        layers' own reflections, against which a region's top is compared
        (``background_ratio``); None: not known (the recipe's own background removal).
    wave_spreading : str or None
        How the recorded wave spread: ``"3d"`` (a field instrument's file, a 3-D simulation),
        ``"2d"`` (a 2-D simulation's line source) or None (not known: a SEG-Y file, an array in
        memory). From the ``wave_spreading`` option of :func:`roadhealth.detect.detect`, else the
        raw survey's ``attrs["wave_spreading"]`` (:data:`roadhealth.survey.WAVE_SPREADINGS`); read by the strength
        rules (:data:`roadhealth.detect.classify.STRENGTH_SPREADING`).
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
    background_traces: np.ndarray | None = None
    surface_phase_rad: float = math.nan
    layer_phase_rad: float = math.nan
    layer_strength: float = 0.0
    first_arrival_phase_rad: float = math.nan
    background: np.ndarray | None = None
    wave_spreading: str | None = None

    @property
    def polarity_reference_rad(self) -> float:
        """Phase (rad) of a reflection into a slower medium in this survey, the reference of
        :func:`relative_polarity`: a layer reflection's where one stands out (unless it is weak and
        stands far from the direct wave's reference, :data:`WEAK_LAYER_REVERSED`), else, under a
        ground-coupled antenna (the surface at the first arrival, not a separate later arrival),
        the first arrival's opposite phase turned by :func:`direct_wave_lag_deg` (measured whether
        or not the sign vote on the first arrival was clear: a phase is defined where a sign at
        the envelope peak is not); NaN where neither was measured (the sign vote is used)."""
        direct = self._direct_wave_reference_rad
        if math.isfinite(self.layer_phase_rad):
            if self._weak_layer_reversed:
                return direct
            return self.layer_phase_rad
        if math.isfinite(direct):
            return direct
        if self.polarity_source == REMOVED_POLARITY_SOURCE and REMOVED_REFERENCE_DEG is not None:
            return math.radians(REMOVED_REFERENCE_DEG)  # nothing in the record: the assumed phase
        return math.nan

    @property
    def _direct_wave_reference_rad(self) -> float:
        """Under a ground-coupled antenna (the surface at the first arrival, not a separate later
        arrival), the first arrival's opposite phase turned by :func:`direct_wave_lag_deg`; NaN
        otherwise or where the first arrival's phase was not measured."""
        if self.surface_ns == 0.0 and math.isfinite(self.first_arrival_phase_rad):
            return float(math.remainder(self.first_arrival_phase_rad + math.pi
                                        + math.radians(direct_wave_lag_deg(self.centre_mhz)),
                                        2 * math.pi))
        return math.nan

    @property
    def _weak_layer_reversed(self) -> bool:
        """Whether the layer reflection is weak and stands far from the direct wave's reference
        (:data:`WEAK_LAYER_REVERSED`): opposite to it (an interface into a *faster* medium) or across
        it (a thin layer, or a target's flanks in the mean trace), and the direct wave then outvotes it."""
        if WEAK_LAYER_REVERSED is None or not math.isfinite(self.layer_phase_rad):
            return False
        direct = self._direct_wave_reference_rad
        if not math.isfinite(direct):
            return False
        max_strength, min_deg = WEAK_LAYER_REVERSED
        return self.layer_strength < max_strength and self._layer_apart_deg > min_deg

    @property
    def _layer_apart_deg(self) -> float:
        """Degrees (0-180) between the layer reflection's phase and the direct wave's reference."""
        return abs(math.degrees(math.remainder(self.layer_phase_rad - self._direct_wave_reference_rad, 2 * math.pi)))

    @property
    def polarity_reference(self) -> str:
        """What the polarity of targets is measured against (for ``attrs["detect"]`` and evidence)."""
        if self._weak_layer_reversed:
            apart = self._layer_apart_deg
            why = ("stands opposite to it (an interface into a faster medium)" if apart > OPPOSITE_LAYER_DEG else
                   f"stands {apart:.0f} degrees from it, neither with it nor opposite (a thin layer's merged top "
                   "and bottom, or a target's flanks in the mean trace of a short line)")
            return (f"the phase of the raw first arrival (direct wave), opposite and "
                    f"{direct_wave_lag_deg(self.centre_mhz):.0f} degrees later: the layer reflection ({self.layer_strength:.2f} of the surface's) is weak "
                    f"and {why}")
        if math.isfinite(self.layer_phase_rad):
            return f"the phase of a layer reflection ({self.layer_strength:.2f} of the surface's)"
        if self.polarity_source == REMOVED_POLARITY_SOURCE:
            return self.polarity_source
        if math.isfinite(self.polarity_reference_rad):
            raw = " (measured on the raw survey)" if "measured on the raw survey" in self.polarity_source else ""
            return (f"the phase of the raw first arrival (direct wave), opposite and "
                    f"{direct_wave_lag_deg(self.centre_mhz):.0f} degrees later, where full-wave simulation puts a reflection into a slower medium (no layer "
                    f"reflection stands out){raw}")
        return self.polarity_source


def _source(survey) -> str:
    return str(survey.attrs.get("source") or "<survey>")


def _finite_nonzero(values: np.ndarray, chunk: int = 1 << 18) -> tuple[bool, bool]:
    """Whether ``values`` hold any finite sample and any finite non-zero one, read in chunks that
    stop at the first finite non-zero sample (real data have one in their first trace: two full
    passes over a 20-million-sample survey cost as much as the detector's own scores)."""
    rows = values.reshape(-1, values.shape[-1])  # (channel x trace, sample): no copy of a sliced view
    if not np.issubdtype(rows.dtype, np.floating):
        return rows.size > 0, bool(rows.any())
    finite = False
    step = max(1, chunk // max(rows.shape[1], 1))
    for i in range(0, rows.shape[0], step):
        part = rows[i:i + step]
        fin = np.isfinite(part)
        if fin.any():
            finite = True
            if (part[fin] != 0).any():
                return True, True
    return finite, False


def _finite(x: np.ndarray) -> np.ndarray:
    """``x`` with NaN and +-inf samples as 0: the detector's own measurements (surface, polarity,
    background, phases) treat a missing or infinite sample alike (np.nan_to_num's largest float for
    inf overflowed every sum after it: one +inf sample turned a cavity 150 traces away into a wet
    zone)."""
    return np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)


#: Largest along-track distance (m) a survey may carry: a road line, or a campaign's chainage, is
#: shorter than the equator (4e7 m); a start position of 1e308 (a corrupt MALA header) left every
#: trace at the same float distance and the hyperbola fits without a moveout.
MAX_DISTANCE_M = 1e8


def check_input(survey: Any) -> xr.DataArray:
    """Raise :class:`DetectionError` unless ``survey`` can be searched for defects.

    Checks: a DataArray with dims (channel, trace, sample), ``dt_ns``, at least one sample and
    trace, some finite non-zero data, a depth-domain survey with its velocity, finite channel
    offsets, a CRS pyproj knows (or none) for finite x/y positions, finite along-track distances
    on every channel within :data:`MAX_DISTANCE_M`.
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
    if "offset_m" in survey.coords:
        off = np.asarray(survey.coords["offset_m"].values, dtype=float).ravel()
        bad = np.flatnonzero(~np.isfinite(off))
        if bad.size:
            raise DetectionError(f"{src}: offset_m of channel {int(bad[0])} is {float(off[bad[0]])}; expected each "
                                 "channel's across-track offset in metres (0 where it is not known)")
    crs = survey.attrs.get("crs")
    if crs is not None and "x" in survey.coords and np.isfinite(np.asarray(survey.coords["x"].values, dtype=float)).all():
        import pyproj  # (the CRS of positions the footprints use; without them the local frame)

        try:
            pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise DetectionError(f"{src}: attrs['crs'] = {crs!r} is not a coordinate reference system pyproj knows "
                                 f"({exc}); expected e.g. 'EPSG:4545', or None for a local frame") from None
    if "distance_m" in survey.coords:
        d = np.asarray(survey.coords["distance_m"].values, dtype=float)
        bad = np.flatnonzero((~np.isfinite(d.reshape(-1, survey.sizes["trace"]))).any(axis=0))
        if bad.size:
            raise DetectionError(
                f"{src}: distance_m is not finite at {bad.size} trace(s) (first: trace {int(bad[0])}); expected "
                "along-track distances in metres at every trace. Fill the gaps (interpolate the positions) or "
                "give the survey an even spacing (roadhealth.survey.with_trace_spacing)")
        big = np.abs(d[np.isfinite(d)])
        if big.size and float(big.max()) > MAX_DISTANCE_M:
            raise DetectionError(
                f"{src}: distance_m reaches {float(big.max()):.6g} m; expected along-track distances within "
                f"+-{MAX_DISTANCE_M:g} m (a corrupt start position or coordinate?). Give the survey an even "
                "spacing instead (roadhealth.survey.with_trace_spacing)")
        d0 = d.reshape(-1, survey.sizes["trace"])[0]
        d0 = d0[np.isfinite(d0)]
        if survey.sizes["trace"] > 1 and d0.size > 1 and not float(np.ptp(d0)) > 0:
            raise DetectionError(
                f"{src}: distance_m does not advance (every trace at {float(d0[0]):g} m: recorded standing "
                "still, or a wheel that did not turn); a search along the road needs positions. Give the survey "
                "an even spacing (roadhealth.survey.with_trace_spacing)")
    if np.iscomplexobj(survey.data):
        raise DetectionError(f"{src}: the samples are complex ({survey.dtype}); expected real radar amplitudes")
    values = survey.data
    if is_dask(values):
        import dask.array as da

        finite, nonzero = da.compute(da.isfinite(values).any(), (da.nan_to_num(values) != 0).any())
    else:
        values = np.asarray(values)
        hdr = int(survey.attrs.get("header_words", 0) or 0)
        body = values[..., hdr:] if 0 < hdr < values.shape[-1] else values
        finite, nonzero = _finite_nonzero(body)
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


#: Steps that repair a raw record rather than process it: a survey whose history holds only these
#: is raw (its recipe still runs).
REPAIR_STEPS = ("despike", "declip")


def _is_processed(survey) -> bool:
    from roadhealth.processing import STEPS

    return any(isinstance(r, dict) and r.get("step") in STEPS and r.get("step") not in REPAIR_STEPS
               for r in survey.attrs.get("history", []))


def _history_steps(survey) -> list[str]:
    return [r.get("step") for r in survey.attrs.get("history", []) if isinstance(r, dict)]


def _estimate_centre(survey: xr.DataArray) -> float:
    """The antenna frequency estimated from the spectrum, or a DetectionError naming the file."""
    from roadhealth.processing import estimate_centre_frequency_mhz

    try:
        return float(estimate_centre_frequency_mhz(survey))
    except ProcessingError as exc:
        raise DetectionError(f"{_source(survey)}: no antenna frequency in the file and none could be "
                             f"estimated from the spectrum: {exc}") from None


def _decimate_if_oversampled(survey: xr.DataArray, notes: list) -> xr.DataArray:
    """Decimate a trace sampled at 1.5 times :data:`~roadhealth.processing.resample.TARGET_SAMPLES_PER_PERIOD`
    or more (a full-wave simulation's every time step) to near that rate, anti-aliased
    (:func:`~roadhealth.processing.decimate_samples`).

    Detection measures its windows in periods but rounds them to samples and reads its scores on
    a grid of a sixth of a period; on the blind full-wave set upsampled eight times (200 samples
    per period, gprMax's own rate at 400 MHz on a 5 mm grid) loose F1 fell 0.85 -> 0.78 and three
    false alarms came, one on a clean road. At the rate it was validated on, the same traces give
    the same answer however finely they were recorded (and cost a fraction)."""
    from roadhealth.processing import auto_decimation, decimate_samples

    q = auto_decimation(survey)
    if q < 2:
        return survey
    try:
        out = decimate_samples(survey, factor=q)
    except ProcessingError as exc:
        raise DetectionError(f"{_source(survey)}: the oversampled traces could not be decimated: {exc}") from None
    notes.append(f"traces sampled every {float(survey.attrs['dt_ns']):.4g} ns "
                 f"({1000.0 / centre_frequency_mhz(survey) / float(survey.attrs['dt_ns']):.0f} samples per period) "
                 f"decimated by {q} to {float(out.attrs['dt_ns']):.4g} ns, anti-aliased (decimate_samples)")
    return out


#: A raw survey with at least this fraction of its traces clipped is declipped before the recipe.
CLIPPED_MIN_FRACTION = 0.01


def _declip_if_clipped(survey: xr.DataArray, notes: list) -> xr.DataArray:
    """Restore the clipped samples of a raw survey (:func:`roadhealth.processing.declip`) when at
    least :data:`CLIPPED_MIN_FRACTION` of its traces hit the recorder's rails; a note says so.

    A saturated direct wave flattens the amplitudes detection compares (a layer's reflection
    against the surface's) and the phase of the first arrival. The blind full-wave set clipped at
    0.5 of its peak (clean): cavity+void recall / precision 0.907 / 0.867, loose F1 0.789,
    water-rich 0.830; declipped 0.924 / 0.888, 0.825, 0.873 (unclipped 0.942 / 0.910, 0.843,
    0.852). Runs longer than
    :data:`~roadhealth.processing.declip.MAX_RUN_PERIODS` are left as recorded, with a note."""
    from roadhealth.processing.declip import MAX_RUN_PERIODS, clip_statistics, declip

    frac, runs = clip_statistics(survey)
    if frac < CLIPPED_MIN_FRACTION:
        return survey
    if runs > MAX_RUN_PERIODS:
        notes.append(f"{frac:.0%} of the traces clipped at the recorder's rails (a saturated direct wave), in runs "
                     f"of {runs:.2f} period: too long to restore; used as recorded (amplitudes near the surface and "
                     "the first arrival's phase are those of the clipped record)")
        return survey
    try:
        out = declip(survey)
    except ProcessingError as exc:
        raise DetectionError(f"{_source(survey)}: the clipped traces could not be restored: {exc}") from None
    notes.append(f"{frac:.0%} of the traces clipped at the recorder's rails (a saturated direct wave); the "
                 "clipped samples restored as a band-limited signal (declip)")
    return out


#: Most traces (times those recorded) that evening out the spacing of a survey may make: beyond,
#: the positions have a jump that no survey makes (a corrupt coordinate: one SEG-Y CDP_X of
#: 2147483647 asked for 28 million traces from 47), and detection stops with a clear error
#: instead of interpolating a road out of nothing or running out of memory.
MAX_REGULARISE_GROWTH = 4.0


#: Peak amplitudes of float data outside this range are scaled to a peak of 1 first: the
#: detector's float32 envelopes square amplitudes, which overflow above about 1e19 and underflow
#: below about 1e-19 (found by feeding detect a simulated cavity scaled by 1e-25 and 1e25: nothing
#: found). Data in range are used as they are (bit for bit).
PEAK_RANGE = (1e-6, 1e8)


def _despike_if_spiked(survey: xr.DataArray, notes: list, *, processed: bool = False) -> xr.DataArray:
    """The survey with its isolated spikes repaired (:func:`roadhealth.processing.despike.repair_spikes`),
    with a note where there were any; otherwise the survey as it is (bit for bit). A single corrupt
    sample sets the scale of everything after it: one of 1e6 in a full-wave line peaking at 250 took a
    cavity 1.2 m away from it out of the result (at ten times the peak already), one of 1e30 left no
    first arrival to find.

    A ``processed`` survey (time zero at its surface) is judged only from where the search starts,
    :data:`~roadhealth.detect.candidates.SEARCH_START_PERIODS` under time zero: above, the
    residual of the surface after background removal and the filters' start-up differ from trace
    to trace by more than the spike ratio (458 "spikes" in the first ten samples of the default
    recipe's output on a simulated 32-channel window, none in its raw data), and nothing there is
    searched."""
    from roadhealth.processing._core import centre_frequency_mhz
    from roadhealth.processing.despike import repair_spikes

    first = 0
    if processed:
        try:
            period_ns = 1e3 / centre_frequency_mhz(survey)
        except ProcessingError:
            return survey
        tw = np.asarray(survey.coords["twt_ns"].values, dtype=float)
        first = int(np.searchsorted(tw, SEARCH_START_PERIODS * period_ns))
    try:
        out, n = repair_spikes(survey, first_sample=first)
    except ProcessingError:  # (no antenna frequency to estimate: the recipe's own check names it)
        return survey
    if n:
        rec = out.attrs["history"][-1]["parameters"]
        notes.append(f"{n} isolated spike sample{'s' if n > 1 else ''} (at least {rec['ratio']:g} times the "
                     f"neighbouring traces within half a period, and {rec['min_level']:g} times the survey's typical "
                     "trace peak) replaced by the mean of the neighbouring traces (despike)")
    return out


def _rescale_if_extreme(survey: xr.DataArray, notes: list) -> xr.DataArray:
    """Float data whose peak (on the evenly spread traces the surface measurements use) lies
    outside :data:`PEAK_RANGE`, scaled to a peak of 1, with a note."""
    if survey.dtype.kind != "f":
        return survey
    sub = np.abs(np.asarray(survey.isel(trace=slice(None, None, _sample_step(survey))).values, dtype=np.float64))
    sub = sub[np.isfinite(sub)]
    peak = float(sub.max()) if sub.size else 0.0
    if not peak > 0 or PEAK_RANGE[0] <= peak <= PEAK_RANGE[1]:
        return survey
    notes.append(f"amplitudes scaled by {1.0 / peak:.3g} (peak {peak:.3g}: outside {PEAK_RANGE[0]:g}..{PEAK_RANGE[1]:g}, "
                 "where the detector's float32 envelopes would overflow or underflow)")
    return survey.copy(data=survey.data * np.asarray(1.0 / peak, dtype=survey.dtype))


def _regularise_if_uneven(survey: xr.DataArray, notes: list) -> xr.DataArray:
    """Resample to even trace spacing when the spacing varies by more than 10 % (at most
    :data:`MAX_REGULARISE_GROWTH` times as many traces as recorded)."""
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
    n_t = d.shape[-1]
    n_new = float(np.ptp(d[0])) / med + 1
    if n_new > MAX_REGULARISE_GROWTH * n_t:
        k = int(np.argmax(np.abs(step)))
        raise DetectionError(
            f"{_source(survey)}: distance_m jumps by {abs(float(step[k])):.6g} m between traces {k} and {k + 1}, "
            f"where the median step is {med:.4g} m: regularising the spacing would make {n_new:.3g} traces of "
            f"{n_t} recorded (more than {MAX_REGULARISE_GROWTH:g} times as many, nearly all interpolated). The "
            "positions look corrupt: check the file's positions, or give the survey an even spacing "
            "(roadhealth.survey.with_trace_spacing; read(..., trace_spacing_m=) for SEG-Y)")
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


#: Traces (all channels together) the surface, polarity and phase measurements look at: evenly
#: spread, they give the same answers as every trace (a mean trace and a vote) at a fixed cost.
TRACE_BUDGET = 1024


def _sample_step(survey: xr.DataArray, budget: int = TRACE_BUDGET) -> int:
    """Trace step keeping at most ``budget`` traces over all channels (at least 8 per channel)."""
    n_c, n_t = survey.sizes["channel"], survey.sizes["trace"]
    per_channel = max(8, budget // max(n_c, 1))
    return max(1, -(-n_t // per_channel))


#: A raw record carries its direct wave and road-surface reflection on every trace, so its mean
#: trace holds most of its energy (:func:`background_fraction`: full-wave lines 0.99, the real
#: 46-line grid 0.81-0.91, a ten-channel MALA line 0.48; multi-offset gathers, whose direct wave
#: moves from trace to trace, 0.02-0.05). Under this fraction the background was removed before
#: the file was written (a "scattered field" export, or processed data saved without their
#: history): nothing in the record marks the road surface or its polarity.
BACKGROUND_REMOVED_FRACTION = 0.01


def background_fraction(survey: xr.DataArray) -> float:
    """Energy of the mean trace over the mean energy of one trace (each trace less its median and
    header words), the median over the channels: about 1 for a raw record, whose direct wave and
    surface reflection are the same on every trace, near 0 for one whose background was removed.
    """
    hdr = int(survey.attrs.get("header_words", 0) or 0)
    x = np.asarray(survey.isel(trace=slice(None, None, _sample_step(survey))).values)
    x = _finite(x[..., hdr:].astype(np.float64))
    x -= np.median(x, axis=-1, keepdims=True)
    mean_energy = np.square(x).sum(axis=-1).mean(axis=-1)  # (channel,)
    frac = np.square(x.mean(axis=1)).sum(axis=-1) / np.maximum(mean_energy, np.finfo(float).tiny)
    return float(np.median(np.where(mean_energy > 0, frac, 1.0)))


#: The phase (degrees, in the data's units) assumed for a reflection into a slower medium in a
#: record whose background was removed before it was written: nothing in it (no direct wave,
#: surface or layer reflection) measures one. None: the sign at the envelope peak against an
#: assumed negative surface reflection (until the thirty-third session).
REMOVED_REFERENCE_DEG: float | None = 70.0

#: Where the road surface is assumed in such a record, antenna periods after its time zero
#: (the time the source fires, as a simulation's export writes it): where the time-zero step
#: puts the surface of the same records before their background is removed (the envelope peak of
#: the direct wave and surface reflection; gprMax Ricker sources, Hertzian dipoles on the road,
#: 1.5-1.7 periods at 100-2000 MHz). None: at the file's time zero (until the thirty-third
#: session; every top then lay the source's delay too deep).
REMOVED_SURFACE_PERIODS: float | None = 1.65

#: The polarity source of a record whose background was removed before it was written.
REMOVED_POLARITY_SOURCE = ("assumed (the background was removed before the file was written: a reflection into "
                           "a slower medium taken at the phase a full-wave simulation's Ricker source gives it)")


def removed_surface_ns(centre_mhz: float, given_ns: float | None = None) -> float:
    """The two-way time (ns after the file's time zero) at which the road surface is assumed in a
    record whose background was removed before it was written: ``given_ns`` where the caller
    knows it (0 for processed data already time-zeroed at the surface), else
    :data:`REMOVED_SURFACE_PERIODS` antenna periods."""
    if given_ns is not None:
        v = float(given_ns)
        if not (math.isfinite(v) and v >= 0):
            raise DetectionError(f"surface_ns must be a time (ns) of at least 0; got {given_ns!r}")
        return v
    return 0.0 if REMOVED_SURFACE_PERIODS is None else REMOVED_SURFACE_PERIODS * 1000.0 / float(centre_mhz)


def _background_removed_note(fraction: float) -> str:
    where = ("at the file's time zero" if REMOVED_SURFACE_PERIODS is None else
             f"{REMOVED_SURFACE_PERIODS:g} antenna periods after the file's time zero (where a simulation's source "
             "pulse, fired at time zero, puts it)")
    return (f"no direct wave or surface reflection common to the traces (the mean trace holds {fraction:.1%} of a "
            f"trace's energy): the background was removed before the file was written; the road surface is taken "
            f"{where}, without time-zero correction, and the polarity reference is assumed")


def _without_time_zero(steps: list) -> list:
    """A recipe's steps less its time-zero correction (for a record without a surface to pick)."""
    return [st for st in steps if st["name"] != "time_zero"]


def first_arrival_vote(survey: xr.DataArray, centre_mhz: float, *, max_traces: int | None = None) -> float:
    """Polarity of the first arrival of a raw survey: an amplitude-weighted vote in -1..1.

    Each trace (at most ``max_traces`` evenly spread per channel; default :data:`TRACE_BUDGET`
    over all channels), less its median and header
    words, votes with the sign at the envelope peak of its first arrival (the first envelope peak
    above half the trace's maximum, within one antenna period of the first sample above it).
    """
    from roadhealth.processing._core import envelope_kernel

    hdr = int(survey.attrs.get("header_words", 0) or 0)
    step = max(1, survey.sizes["trace"] // max_traces) if max_traces else _sample_step(survey)
    x = np.asarray(survey.isel(trace=slice(None, None, step)).values)
    x = _finite(x[..., hdr:].astype(np.float32))
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
    x = np.asarray(survey.isel(trace=slice(None, None, _sample_step(survey))).values)
    x = _finite(x.astype(np.float32))
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


def _mean_trace_envelope(survey: xr.DataArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``twt_ns``, the traces looked at (:func:`_sample_step`, NaN as 0, float32) and the envelope
    of their mean trace: what the surface searches read."""
    from roadhealth.processing._core import envelope_kernel

    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    sub = _finite(np.asarray(survey.isel(trace=slice(None, None, _sample_step(survey))).values,
                             dtype=np.float32))
    env = envelope_kernel(sub.mean(axis=(0, 1), dtype=np.float64)[None].astype(np.float32), pad=True)[0]
    return t, sub, env


def _sign_vote_at(sub: np.ndarray, j: int, period_samples: int) -> float:
    """Amplitude-weighted sign vote (-1..1) of the traces ``sub`` at their envelope peaks within
    half a period of sample ``j``."""
    from roadhealth.processing._core import envelope_kernel

    lo, hi = max(0, j - period_samples // 2), j + period_samples // 2 + 1
    jj = lo + np.argmax(envelope_kernel(sub)[..., lo:hi], axis=-1)
    a = np.take_along_axis(sub, jj[..., None], -1)[..., 0].astype(np.float64)
    return float(a.sum() / max(np.abs(a).sum(), 1e-30))


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
    t, sub, env = _mean_trace_envelope(survey)
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
            vote = _sign_vote_at(sub, j, max(2, round(period / float(survey.attrs["dt_ns"]))))
            if abs(vote) >= 0.5:
                return float(t[j]), float(np.sign(vote)), "surface reflection (air-coupled antenna)"
            return (float(t[j]), -1.0, "assumed (negative surface reflection)")
    if raw is None:
        return assumed
    vote = first_arrival_vote(raw, centre_mhz)
    if abs(vote) >= 0.5:
        return 0.0, -float(np.sign(vote)), "opposite of the direct wave (ground-coupled first arrival)"
    return assumed


#: Half-width of the window, in antenna periods, around the two-way time that a raised antenna's
#: height predicts in which its surface reflection is searched (:func:`raised_surface`; never
#: within a period of the direct wave): the dipoles' phase centres and the pick of time zero move
#: the reflection by a fraction of a period, and an unknown separation counts as 0 (blind
#: full-wave lines at 0.3-0.45 m, separations 6-10 cm: 0.40-0.49 period before the time their
#: height gives without the separation).
RAISED_SEARCH_PERIODS = 0.75


def antenna_height(survey: xr.DataArray) -> float | None:
    """The height of the antenna above the road surface, m (``attrs["antenna_height_m"]``), or
    None where neither the file nor the caller gave one. A :class:`DetectionError` names a value
    that is no height."""
    h = survey.attrs.get("antenna_height_m")
    if h is None:
        return None
    try:
        v = float(h)
    except (TypeError, ValueError):
        v = math.nan
    if not (math.isfinite(v) and 0.0 <= v <= 5.0):
        raise DetectionError(f"{_source(survey)}: antenna_height_m must be a height above the road of 0-5 m; "
                             f"got {h!r}")
    return v


def raised_surface(survey: xr.DataArray, centre_mhz: float, height_m: float) -> tuple[float, float, str] | None:
    """The road surface under an antenna held ``height_m`` above it: (time ns, polarity +-1, how).

    ``survey`` is time-zero corrected on the direct wave (the recipe's first-arrival pick). The
    surface reflection of an antenna in air comes after the direct wave by the extra path of
    the air gap, ``(sqrt(4 h^2 + s^2) - s) / c`` (``s`` the transmitter-receiver separation,
    ``attrs["antenna_separation_m"]``, else 0); it is taken at the strongest arrival of the
    mean trace within :data:`RAISED_SEARCH_PERIODS` periods of that time, its polarity voted by
    the traces there (the convention of a negative surface reflection where fewer than 3/4 of
    the weighted votes agree). Dipoles in air see their direct wave some five times stronger
    than the surface reflection (full-wave lines at 0.3-0.45 m: 0.14-0.21 of it), and a
    ground-coupled line's pavement reflections reach as much at the same delays, so the height
    is what tells them apart: without it the record is read as ground-coupled. A height whose
    delay is under one period (dipoles a few centimetres up) leaves the surface in the direct
    wave's wavelet: None (read as ground-coupled, :func:`_surface_wavelet`).
    """
    sep = survey.attrs.get("antenna_separation_m")
    try:
        sep_m = max(float(sep), 0.0) if sep is not None else 0.0
    except (TypeError, ValueError):
        sep_m = 0.0
    sep_m = sep_m if math.isfinite(sep_m) else 0.0
    period = 1000.0 / centre_mhz
    delay = (math.sqrt(4 * height_m ** 2 + sep_m ** 2) - sep_m) / C0_M_PER_NS
    if delay < period:
        return None
    t, sub, env = _mean_trace_envelope(survey)
    near = (t >= min(t[0], 0.0)) & (t <= max(t[0], 0.0) + period)
    i0 = int(np.flatnonzero(near)[np.argmax(env[near])]) if near.any() else 0
    win = (np.abs(t - (t[i0] + delay)) <= RAISED_SEARCH_PERIODS * period) & (t >= t[i0] + period)
    if not win.any():
        raise DetectionError(f"{_source(survey)}: an antenna {height_m:g} m above the road puts the surface "
                             f"{delay:.2f} ns after the direct wave, beyond the record's {t[-1]:.2f} ns")
    j = int(np.flatnonzero(win)[np.argmax(env[win])])
    vote = _sign_vote_at(sub, j, max(2, round(period / float(survey.attrs["dt_ns"]))))
    how = (f"surface reflection of the antenna {height_m:g} m above the road "
           f"({t[j] - t[i0]:.2f} ns after the direct wave; {delay:.2f} ns from the height)")
    if abs(vote) >= 0.5:
        return float(t[j]), float(np.sign(vote)), how
    return float(t[j]), -1.0, "assumed (negative surface reflection)"


def _picks_surface(steps: list) -> bool:
    """Whether a recipe's time-zero step puts time zero on the surface reflection itself
    (``pick = "surface"``), not on the first arrival."""
    return any(st["name"] == "time_zero" and (st.get("params") or {}).get("pick") == "surface" for st in steps)


def _find_surface(head: xr.DataArray, centre_mhz: float, raw: xr.DataArray | None, height_m: float | None,
                  steps: list) -> tuple[float, float, str]:
    """The surface under an antenna of the given height (:func:`raised_surface`), else as a
    ground-coupled or air-coupled record shows it (:func:`_surface_wavelet`; also where the
    recipe's time zero already picked the surface reflection)."""
    found = None if height_m is None or _picks_surface(steps) else raised_surface(head, centre_mhz, height_m)
    return found if found is not None else _surface_wavelet(head, centre_mhz, raw=raw)


def _window_covers_line(survey: xr.DataArray, params: dict) -> bool:
    """Whether the background-removal step with ``params`` would use one background for the
    whole line (a line shorter than its moving window, or no window)."""
    from roadhealth.processing.filters import AUTO_WINDOW_M, AUTO_WINDOW_TRACES

    n_t = survey.sizes["trace"]
    wm, wt = params.get("window_m"), params.get("window_traces")
    if wm is None and wt is None:
        return True
    if wt is not None:
        return int(wt) >= n_t
    d = np.asarray(survey.coords["distance_m"].values, dtype=float).reshape(-1, n_t)[0] \
        if "distance_m" in survey.coords else None
    if isinstance(wm, str):  # "auto"
        if d is None or survey.attrs.get("distance_source") == "trace index":
            return n_t <= AUTO_WINDOW_TRACES
        wm = AUTO_WINDOW_M
    if d is None or not np.all(np.isfinite(d)):
        return False
    return float(np.ptp(d)) <= float(wm)


#: Fraction of the traces at each end of a short line that seed its background estimate.
END_FRACTION = 0.2

#: A trace whose residual RMS against the seed background exceeds this many times the typical
#: residual of the end traces is disturbed (it crosses a defect or clutter).
DISTURBED_RATIO = 2.5

#: ... unless that residual is below this fraction of the seed trace's own RMS (the same window).
QUIET_LEVEL = 0.1

#: A line shorter than this many free-space wavelengths of the antenna (3 m at 400 MHz, 1.3 m at
#: 900 MHz, 6 m at 200 MHz) on which the whole-trace test finds *every* trace undisturbed: there the
#: test cannot tell a quiet line from one whose every trace a body's reflection and diffraction
#: flanks reach (the flanks inflate the end traces' own residual, against which the others are
#: judged), and the mean of all traces would take the body away. Its background is the seed, the
#: end traces' median: layers continue past the ends of a line while a body is bounded. Blind
#: full-wave lines cut to 0.5 m beyond the body (noisy): twelve 400 MHz and ten 200 MHz cavities
#: and voids found on the whole lines were lost so.
SEED_BACKGROUND_WAVELENGTHS = 4.0

#: Length of the time windows in which a short line's traces are judged for the statistics
#: (antenna periods; two let a layer's tail in the same window hide a wet lens's top in noise).
WINDOW_PERIODS = 1.0

#: A window of a trace that the seed background shifted by up to a period and scaled by a gain in
#: this range explains to within the quiet threshold is the background displaced (a layer
#: changing depth), not disturbed (:func:`_displaced_background`).
DISPLACED_GAIN = (0.6, 1.6)


def _line_length_m(survey: xr.DataArray) -> float:
    """Along-track span of a survey, m (the longest channel's; 0 without positions)."""
    d = np.asarray(survey.coords["distance_m"].values, dtype=float) if "distance_m" in survey.coords else None
    if d is None or d.size == 0 or not np.isfinite(d).any():
        return 0.0
    d = d.reshape(-1, d.shape[-1])
    return float(np.nanmax(np.nanmax(d, axis=1) - np.nanmin(d, axis=1)))


def _processed_background(before: xr.DataArray, removed: xr.DataArray, processed: xr.DataArray) -> np.ndarray:
    """The background trace a short line's removal subtracted (``before`` less ``removed``, the
    same on every trace), carried through the recipe's later steps as they acted on the survey:
    at every sample the least-squares factor from ``removed`` to ``processed`` over the traces
    (a gain's curve exactly; a linear step's effect on a sample approximately). (channel, sample)
    float32, in the processed survey's units."""
    b = np.asarray(before.values[:, 0, :], dtype=np.float64) - np.asarray(removed.values[:, 0, :], dtype=np.float64)
    r = _finite(np.asarray(removed.values, dtype=np.float32))
    p = _finite(np.asarray(processed.values, dtype=np.float32))
    num = np.einsum("cts,cts->cs", r, p, dtype=np.float64)
    den = np.einsum("cts,cts->cs", r, r, dtype=np.float64)
    gain = np.where(den > 0, num / np.maximum(den, 1e-300), 0.0)
    return (b * np.maximum(gain, 0.0)).astype(np.float32)


def undisturbed_background(survey: xr.DataArray, *, skip_ns: float = 0.0, period_ns: float | None = None,
                           stats_from_ns: float | None = None, surface_rows_ns: float | None = None
                           ) -> tuple[xr.DataArray, np.ndarray] | None:
    """Background removal for a line shorter than the background window: the mean of the
    traces that no defect disturbs, and at every time the traces that no defect disturbs then.

    On a short line (a full-wave B-scan, a few metres over a target) one background for the
    whole line is needed, and the mean (or even the median) trace is biased by a defect covering
    a large part of the line: subtracting it paints the defect's reflection, inverted, on every
    other trace, and a void or a wide cavity then looks like a long flat layer. Layers continue
    beyond the ends of the line while a defect is bounded, so the traces at both ends
    (:data:`END_FRACTION` of the line each) seed the background: their median trace. Every trace
    whose residual RMS against that seed is within :data:`DISTURBED_RATIO` times the typical
    residual of the end traces, or within :data:`QUIET_LEVEL` of the seed's own RMS (the
    ends of a simulated line, near its absorbing boundary, differ slightly from the rest), is
    undisturbed; the residuals are measured below ``skip_ns`` (the direct wave and the surface
    reflection, identical on every trace, would hide them), on the traces stacked along track
    over :data:`JUDGE_STACK_M` (noise drops, a defect's top keeps its amplitude: a wet lens
    three times the noise did not stand out of single traces). The background is the mean of the
    undisturbed traces, per channel. When fewer than a quarter of the traces are undisturbed the
    seed is not trusted and the median trace of the whole line is used.

    The same test in windows of :data:`WINDOW_PERIODS` antenna periods gives the traces that
    define the *statistics* of the scores at every time (:func:`~roadhealth.detect.candidates.attributes`):
    a wide defect disturbs the traces over its top at the top's time, while its flanks reach the
    ends of the line only later, which inflates the end traces' typical residual, so the
    whole-trace test may count every trace quiet, and a defect covering more than half the line
    at its top's time would set the median it is scored against. In a window, a trace that the
    seed shifted by up to a period and scaled explains to within the quiet threshold (a layer
    changing depth, :func:`_displaced_background`) is not disturbed, and a trace disturbed in one
    window counts as disturbed in the windows next to it (a reflection's lobes straddle window
    edges). A window with fewer than a quarter of the traces quiet (a defect and its diffractions
    under most of the line then) uses the end traces that seeded the background (until the twelfth
    session every trace, which scored such a body's top against itself: a box of eps_r 7 under
    1.5 m of a 3.7 m gprMax line scored 3 there and was called a layer residual); the samples
    above ``skip_ns`` use every trace. The subtracted background
    stays the whole-trace one: one built from the windowed sets (per window, or the traces quiet
    in every window) scored lower on the full-wave set (``docs/detection.md`` section 1). Above
    ``skip_ns`` the rows from ``stats_from_ns`` (the detector's first searched row) to ``skip_ns``
    are one window more: a void under thin asphalt reflects within the surface wavelet's tail,
    and scored against every trace there it was scored against itself (a 1.2 m void on a 4.8 m
    line is a quarter of the traces; the spread of its rows doubled, its score halved). The
    surface rows, from ``surface_rows_ns`` to ``stats_from_ns``, are one more, so that the surface
    anomaly over a region (a metal cover's) is scored against the same kind of statistics as the
    region's top and their ratio keeps its meaning. A trace disturbed in the searched rows
    (its residual there at least :data:`SEARCH_ROWS_DISTURBED_LEVEL` of the seed's RMS, on a
    channel whose end traces agree there: :data:`SEARCH_ROWS_END_AGREEMENT`) is left out of the
    subtracted background too, which the whole-trace test under ``skip_ns`` cannot see. On a
    line shorter than :data:`SEED_BACKGROUND_WAVELENGTHS` wavelengths where the whole-trace test
    finds every trace undisturbed, the subtracted background is the seed itself.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Time-zero corrected and filtered, before background removal.
    skip_ns : float
        Residuals are measured from this two-way time on (ns; the surface wavelet's end).
    period_ns : float, optional
        Antenna period (ns) that sets the windows; default: the whole record below ``skip_ns``
        is one window.
    stats_from_ns, surface_rows_ns : float, optional
        Two-way times (ns) where the windows of the searched rows above ``skip_ns`` and of the
        surface rows above those start (None: no such window; the rows use every trace). Only
        with ``period_ns``.

    Returns
    -------
    (xarray.DataArray, bool array (channel, trace, sample)) or None
        The survey less its background (history recorded) and, at every sample, the traces no
        defect disturbs there; None for lines of fewer than 10 traces (the recipe's own step is
        then used).
    """
    from roadhealth.survey import add_history

    _n_c, n_t, n_s = survey.shape
    if n_t < 10:
        return None
    x = _finite(np.asarray(survey.values, dtype=np.float32))
    n_end = max(3, round(END_FRACTION * n_t))
    ends = np.r_[0:n_end, n_t - n_end:n_t]
    # the traces are judged stacked along track over JUDGE_STACK_M: noise drops by the square
    # root of the traces stacked while a defect's top, flat over that length, keeps its amplitude
    xj = _judge_stack(x, survey)
    seed = np.median(xj[:, ends], axis=1)  # (channel, sample)
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    below = np.flatnonzero(t >= skip_ns)
    first = int(below[0]) if below.size >= 4 else 0
    min_quiet = max(5, n_t // 4)
    # the subtracted background: the whole trace below ``first`` is one window
    quiet, _ = _quiet_windows(xj[..., first:], seed[:, first:], ends, n_s - first)
    quiet = quiet[..., 0]
    shift = max(1, round(period_ns / float(survey.attrs["dt_ns"]))) if period_ns is not None else 0
    e_s = int(np.searchsorted(t, stats_from_ns)) if stats_from_ns is not None else first
    if SEARCH_ROWS_IN_BACKGROUND and period_ns is not None and first - e_s >= 2:
        # ... and a trace disturbed in the searched rows above it (a void under thin asphalt, whose
        # reflection lies there, would otherwise be in the mean and be painted, inverted, on every
        # other trace) is no background either, where the end traces agree there
        quiet &= _quiet_windows(xj[..., e_s:first], seed[:, e_s:first], ends, first - e_s, shift,
                                quiet_level=SEARCH_ROWS_DISTURBED_LEVEL,
                                max_end_disagreement=SEARCH_ROWS_END_AGREEMENT,
                                outlier_ratio=SEARCH_ROWS_OUTLIER_RATIO)[0][..., 0]
    # the traces that define the statistics at every time
    if period_ns is None:
        used = None
    else:
        nw = max(4, round(WINDOW_PERIODS * period_ns / float(survey.attrs["dt_ns"])))
        qw, _ = _quiet_windows(xj[..., first:], seed[:, first:], ends, nw, shift)
        is_end = np.zeros(n_t, dtype=bool)
        is_end[ends] = True
        used = _window_weights(qw, qw.sum(axis=1) >= min_quiet, is_end, first, nw, n_s) >= 0.5
        # above ``first``: the searched rows from ``stats_from_ns`` and the surface rows from
        # ``surface_rows_ns``, each one window of its own (the surface reflection's variation along
        # a real road must not mark the searched rows under it disturbed)
        bounds = [int(np.searchsorted(t, v)) for v in (surface_rows_ns, stats_from_ns) if v is not None]
        for e0, e1 in zip(bounds, [*bounds[1:], first][:len(bounds)], strict=True):
            e1 = min(e1, first)
            if e1 - e0 < 2:
                continue
            qe = _quiet_windows(xj[..., e0:e1], seed[:, e0:e1], ends, e1 - e0, shift)[0][..., 0]
            used[..., e0:e1] = np.where((qe.sum(axis=1) >= min_quiet)[:, None], qe, is_end[None, :])[..., None]
    del xj
    enough = quiet.sum(axis=1) >= min_quiet
    w = np.where(quiet & enough[:, None], 1.0, 0.0)
    bg = np.einsum("ct,cts->cs", w, x, dtype=np.float64) / np.maximum(w.sum(axis=1), 1.0)[:, None]
    if not enough.all():
        bg = np.where(enough[:, None], bg, np.median(x, axis=1))
    quiet = np.where(enough[:, None], quiet, True)
    # a line too short for the whole-trace test to see a body that reaches every trace: the seed
    seeded = np.zeros(quiet.shape[0], dtype=bool)
    if period_ns is not None and _line_length_m(survey) < SEED_BACKGROUND_WAVELENGTHS * C0_M_PER_NS * period_ns:
        seeded = quiet.all(axis=1)
        if seeded.any():
            bg = np.where(seeded[:, None], np.median(x[:, ends], axis=1), bg)
            quiet = np.where(seeded[:, None], np.isin(np.arange(n_t), ends)[None, :], quiet)
    if used is None:
        used = np.repeat(quiet[..., None], n_s, axis=-1)
    dtype = survey.dtype if survey.dtype.kind == "f" else np.float32
    out = survey.copy(data=(x - bg[:, None, :].astype(np.float32)).astype(dtype, copy=False))
    out = add_history(out, "background_removal",
                      method="mean of undisturbed traces" if not seeded.any() else
                      "median of the end traces (every trace alike on a line shorter than "
                      f"{SEED_BACKGROUND_WAVELENGTHS:g} wavelengths)",
                      end_fraction=END_FRACTION, disturbed_ratio=DISTURBED_RATIO,
                      undisturbed_traces=[int(v) for v in quiet.sum(axis=1)],
                      undisturbed_traces_min=[int(v) for v in used.sum(axis=1).min(axis=1)])
    return out, used


#: Antenna periods after the surface from which a short line's searched rows above the skipped
#: surface wavelet (:func:`undisturbed_background`'s ``stats_from_ns``) take their statistics from
#: the traces undisturbed there: the detector's first searched row. None: from every trace (until
#: the thirtieth session: blind voids under 10-18 cm of asphalt, 0.6-0.8 period down, scored
#: against themselves, lost).
STATS_FROM_PERIODS: float | None = SEARCH_START_PERIODS

#: Whether a trace disturbed in those rows (from ``stats_from_ns`` to the skipped wavelet's end)
#: is left out of the subtracted background too ...
SEARCH_ROWS_IN_BACKGROUND = True

#: ... where its residual there is at least this fraction of the seed background's RMS over those
#: rows (and over the end traces' usual threshold): a void under the pavement reflects about as
#: strongly as the surface wavelet's tail there (asphalt to air |r| ~0.4; blind voids under 7-15 cm
#: of asphalt 0.64-7.3), while asphalt whose thickness or permittivity varies along the line
#: reshapes the tail by a fraction of it (main-set lines 0.38-0.40, left in the background: out of
#: it, their middle's tail stood as a 'void' 0.2 m down).
SEARCH_ROWS_DISTURBED_LEVEL = 0.5

#: ... and only on channels whose end traces agree with one another in those rows: their typical
#: residual against the seed at most this fraction of its RMS. Where the ends differ among
#: themselves about as much as the seed's own tail (the real 46-line grid's 9 m lines: 0.41-1.67,
#: median 0.91), the surface wavelet's tail varies along the road (uneven pavement, antenna
#: coupling) and a trace standing out of it is not told from that variation (976 full-wave lines:
#: median 0.09, 95th percentile 0.34, the highest where a body reaches the line's ends; the
#: voids this found 0.07-0.18).
SEARCH_ROWS_END_AGREEMENT = 0.3

#: ... or, where they do not, on traces whose residual there is over this many times the end
#: traces' typical one: a trace standing that far out of the pavement's own variation is a body
#: under it, and a mean without it is only the more robust (None: none). Blind batch 207's 3 cm
#: void under the asphalt over 1.2 m of a 3.9 m line (noisy): end traces 0.35 of the seed's RMS,
#: the void's traces up to 3.7 (ten times theirs); in the background it scored 6.7 and was lost,
#: out of it 28.6, a void. Nothing else moved on the blind set 1-206, the main set, the real
#: files, the fast-model test split or the sample campaign (nor at 4).
SEARCH_ROWS_OUTLIER_RATIO: float | None = 5.0

#: ... and the surface rows above them (the half period before the surface on), for the surface
#: anomaly that the cover rules compare with a region's top. None: from every trace (a blind metal
#: cover's region, scored against the undisturbed traces under surface rows scored against every
#: trace, fell to 0.36 of its score and was called loose soil).
SURFACE_ROWS_FROM_PERIODS: float | None = -0.5


def _periods_after(surface_ns: float, periods: float | None, centre_mhz: float) -> float | None:
    return None if periods is None else surface_ns + periods * 1e3 / centre_mhz


#: Along-track length over which a short line's traces are stacked before they are judged, m
#: (the detector's shortest stack, :func:`~roadhealth.detect.candidates.attributes`).
JUDGE_STACK_M = 0.25


def _judge_stack(x: np.ndarray, survey: xr.DataArray) -> np.ndarray:
    """``x`` (channel, trace, sample) averaged along track over about :data:`JUDGE_STACK_M`
    (an odd number of traces at the trace spacing the detector's scores use, the window cut at
    the line's ends); unchanged without distances."""
    from roadhealth.detect.candidates import _box_mean, _odd_traces
    from roadhealth.detect.core import _spacing

    n_t = x.shape[1]
    if "distance_m" not in survey.coords:
        return x
    d = np.asarray(survey.coords["distance_m"].values, dtype=float).reshape(-1, n_t)[0]
    k = _odd_traces(JUDGE_STACK_M, _spacing(d), n_t)
    return x if k <= 1 else _box_mean(x, k, 1)


def _quiet_windows(x: np.ndarray, seed: np.ndarray, ends: np.ndarray, nw: int, max_shift: int = 0,
                   quiet_level: float = QUIET_LEVEL, max_end_disagreement: float = np.inf,
                   outlier_ratio: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which traces no defect disturbs, in windows of ``nw`` samples (see
    :func:`undisturbed_background`): bool (channel, trace, window) and the windows' first samples
    (a last window shorter than half the others joins the one before). With ``max_shift`` > 0 a
    trace that is the seed shifted by up to that many samples is quiet, and a disturbed window
    makes its neighbours disturbed. ``quiet_level``: the fraction of the seed's RMS under which a
    residual is quiet whatever the end traces' (default :data:`QUIET_LEVEL`).
    ``max_end_disagreement``: in a window where the end traces' typical residual exceeds this
    fraction of the seed's RMS (they disagree among themselves) every trace is quiet, but for
    those whose residual exceeds ``outlier_ratio`` times the end traces' typical one (None: none)."""
    n_s = x.shape[-1]
    starts = np.arange(0, n_s, nw)
    if starts.size > 1 and n_s - starts[-1] < nw / 2:
        starts = starts[:-1]
    counts = np.diff(np.r_[starts, n_s]).astype(np.float64)
    res2 = np.square(x - seed[:, None, :], dtype=np.float64)
    rms = np.sqrt(np.add.reduceat(res2, starts, axis=-1) / counts)  # (channel, trace, window)
    del res2
    seed_rms = np.sqrt(np.add.reduceat(np.square(seed, dtype=np.float64), starts, axis=-1) / counts)
    typical = np.median(rms[:, ends], axis=1)  # (channel, window)
    thr = np.maximum(DISTURBED_RATIO * typical, quiet_level * seed_rms) + 1e-30
    agree = (typical <= max_end_disagreement * seed_rms)[:, None, :]
    if outlier_ratio is not None:
        agree = agree | (rms > outlier_ratio * typical[:, None, :])
    disturbed = (rms > thr[:, None, :]) & agree
    if max_shift > 0 and disturbed.any():
        # only the traces with a disturbed window are tested (the rest stay quiet)
        c_i, t_i = np.nonzero(disturbed.any(axis=-1))
        for c in np.unique(c_i):
            tr = t_i[c_i == c]
            disp = _displaced_background(x[c:c + 1, tr], seed[c:c + 1], starts, counts, thr[c:c + 1], max_shift)
            disturbed[c, tr] &= ~disp[0]
        if starts.size > 1:  # a reflection's lobes straddle window edges
            disturbed = ndimage.maximum_filter1d(disturbed, 3, axis=-1, mode="nearest")
    return ~disturbed, starts


def _window_weights(quiet: np.ndarray, enough: np.ndarray, fallback: np.ndarray, first: int, nw: int,
                   n_s: int) -> np.ndarray:
    """Per-window quiet traces (channel, trace, window) to weights at every sample (channel,
    trace, sample): linear between window centres (a trace is used where its weight is at least
    half). Windows with too few quiet traces (``enough`` False: a body and its diffractions under
    most of the line then) use the ``fallback`` traces (trace,), the end traces that seeded the
    background: every trace would score the body against itself. The samples above ``first``
    use every trace."""
    n_win = quiet.shape[-1]
    w = np.where(enough[:, None, :], quiet, fallback[None, :, None]).astype(np.float32)
    u = np.clip((np.arange(n_s) - first + 0.5) / nw - 0.5, 0.0, n_win - 1.0)
    i0 = np.minimum(np.floor(u).astype(int), max(n_win - 2, 0))
    i1 = np.minimum(i0 + 1, n_win - 1)
    frac = (u - i0).astype(np.float32)
    ws = w[..., i0] * (1 - frac) + w[..., i1] * frac  # (channel, trace, sample)
    ws[..., :first] = 1.0
    ws[np.broadcast_to(~(ws >= 0.5).any(axis=1, keepdims=True), ws.shape)] = 1.0
    return ws


def _displaced_background(x: np.ndarray, seed: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                          thr: np.ndarray, max_shift: int) -> np.ndarray:
    """Windows of traces that are the background itself, shifted by up to ``max_shift`` samples.

    A layer whose depth changes along the road (an undulating base) differs from the seed
    background by more than the end traces do, but it is the same reflection a little earlier
    or later: the seed shifted and scaled (by :data:`DISPLACED_GAIN`) explains the window to
    within the quiet threshold ``thr`` (channel, window) that the unshifted seed missed. A defect
    adds a reflection of its own that no shift of the seed holds: a wet lens 0.3 times a layer's
    amplitude 0.6 ns under it still correlates 0.99 with the shifted layer, but leaves a residual
    of 15 % of the trace. The correlation over the shifts (a grid of about a twelfth of a period,
    centred on 0) is refined at its peak by a parabola. Returns a bool array (channel, trace,
    window).
    """
    step = max(1, max_shift // 12)
    ks = np.arange(-(max_shift // step) * step, max_shift + 1, step)
    ex = np.add.reduceat(np.square(x, dtype=np.float64), starts, axis=-1)
    corr = np.empty((ks.size, *ex.shape))
    gains = np.empty_like(corr)
    for i, k in enumerate(ks):
        sk = np.roll(seed, k, axis=-1)
        if k > 0:
            sk[:, :k] = seed[:, :1]
        elif k < 0:
            sk[:, k:] = seed[:, -1:]
        es = np.add.reduceat(np.square(sk, dtype=np.float64), starts, axis=-1)[:, None, :]
        cross = np.add.reduceat(x * sk[:, None, :], starts, axis=-1, dtype=np.float64)
        corr[i] = cross / np.sqrt(np.maximum(ex * es, 1e-60))
        gains[i] = np.sqrt(ex / np.maximum(es, 1e-60))
    lo, hi = DISPLACED_GAIN
    corr = np.where((gains >= lo) & (gains <= hi), corr, -np.inf)  # only shifts of a plausible gain
    j = np.argmax(corr, axis=0)
    pick = np.take_along_axis
    best = pick(corr, j[None], axis=0)[0]
    a = pick(corr, np.maximum(j - 1, 0)[None], axis=0)[0]
    d = pick(corr, np.minimum(j + 1, ks.size - 1)[None], axis=0)[0]
    with np.errstate(invalid="ignore"):
        curv = a - 2 * best + d
        inner = (j > 0) & (j < ks.size - 1) & np.isfinite(curv) & (curv < 0)
        best = np.minimum(np.where(inner, best - (a - d) ** 2 / (8 * np.where(inner, curv, -1.0)), best), 1.0)
    resid = np.sqrt(np.maximum(ex * (1 - np.clip(best, 0, 1) ** 2), 0.0) / counts)  # after the best shift and scale
    return (best > 0) & (resid <= thr[:, None, :])


def _mean_trace(survey: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    """Two-way times (ns) and the mean trace (less its median) of at most :data:`TRACE_BUDGET`
    evenly spread traces; header words (a raw GSSI record's first samples) continue the first
    radar sample."""
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    sub = survey.isel(trace=slice(None, None, _sample_step(survey))).values
    mean = _finite(np.asarray(sub, dtype=np.float64)).mean(axis=(0, 1))
    n_header = header_words(survey)
    mean[:n_header] = mean[n_header]
    mean -= np.median(mean)
    return t, mean


def _mean_trace_analytic(survey: xr.DataArray, band_mhz: tuple[float, float] | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Two-way times (ns) and the analytic signal of the mean trace (less its median) of at most
    :data:`TRACE_BUDGET` evenly spread traces, zero-padded against wrap-around. Header words (a
    raw GSSI record's first samples) continue the first radar sample; with ``band_mhz`` the
    spectrum outside that band is dropped (a raw record, not filtered by the recipe)."""
    from scipy.signal import hilbert

    t, mean = _mean_trace(survey)
    if band_mhz is None:
        return t, hilbert(np.r_[mean, np.zeros(mean.size)])[: mean.size]
    full, m = analytic_spectrum(mean)
    f = np.abs(np.fft.fftfreq(m, float(survey.attrs["dt_ns"]))) * 1000.0  # MHz
    full[(f < band_mhz[0]) | (f > band_mhz[1])] = 0.0
    return t, np.fft.ifft(full)[: mean.size]


def _quarter_period(t: np.ndarray, centre_mhz: float) -> int:
    """A quarter of the antenna period in samples of the time axis ``t`` (at least 1)."""
    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    return max(1, round(250.0 / centre_mhz / dt))


def phase_at_peaks(x: np.ndarray, h: np.ndarray, env: np.ndarray, s_peak: np.ndarray, half: int) -> np.ndarray:
    """Phase (rad) of each row's analytic signal ``x + i h`` at its envelope peak near sample
    ``s_peak``, between samples: a parabola fitted (least squares) to the log-envelope within
    ``half`` samples gives the peak time (exact for a Gaussian envelope, and a ripple on the
    envelope averages out), and a straight line fitted to the unwrapped phase over the same
    samples (energy-weighted) is read there. Rows at once (numpy)."""
    n_s = x.shape[1]
    rows = np.arange(x.shape[0])[:, None]
    d = np.arange(-half, half + 1, dtype=np.float64)[None, :]
    k = s_peak[:, None] + d.astype(np.int64)
    inside = (k >= 0) & (k < n_s)
    k = np.clip(k, 0, n_s - 1)
    e = env[rows, k].astype(np.float64)
    e = e / np.maximum(e.max(axis=1, keepdims=True), np.finfo(np.float64).tiny)  # scale-free (a row of zeros stays 0)
    w = np.where(inside, e * e, 0.0)
    # log-envelope parabola y = c0 + c1 d + c2 d^2, weighted by the energy
    y = np.log(np.maximum(e, 1e-30))
    cols = [np.broadcast_to(v, w.shape) for v in (np.ones_like(d), d, d * d)]
    m = np.stack([[(w * a * b).sum(axis=1) for b in cols] for a in cols])  # (3, 3, rows)
    r = np.stack([(w * a * y).sum(axis=1) for a in cols])  # (3, rows)
    m = np.moveaxis(m, -1, 0)
    r = np.moveaxis(r, -1, 0)
    ok = np.abs(np.linalg.det(m)) > 1e-12 * np.maximum(np.abs(m).max(axis=(1, 2)) ** 3, 1e-300)
    coef = np.zeros((m.shape[0], 3))
    if ok.any():
        coef[ok] = np.linalg.solve(m[ok], r[ok][..., None])[..., 0]
    c1, c2 = coef[:, 1], coef[:, 2]
    peak = np.where(ok & (c2 < 0), -c1 / np.where(c2 < 0, 2 * c2, -1.0), 0.0)
    peak = np.clip(peak, -0.5 * half, 0.5 * half)
    # the phase: a line a + b d through the unwrapped phase, read at the peak
    ph = np.unwrap(np.arctan2(h[rows, k].astype(np.float64), x[rows, k].astype(np.float64)), axis=1)
    sw = np.maximum(w.sum(axis=1), 1e-300)
    dm = (w * d).sum(axis=1) / sw
    dd = d - dm[:, None]
    sxx = (w * dd * dd).sum(axis=1)
    b = np.where(sxx > 0, (w * dd * ph).sum(axis=1) / np.where(sxx > 0, sxx, 1.0), 0.0)
    a = (w * ph).sum(axis=1) / sw - b * dm
    return np.remainder(a + b * peak + np.pi, 2 * np.pi) - np.pi


def phase_at_peak(xa: np.ndarray, i: int, half: int) -> float:
    """Phase (rad) of the analytic signal ``xa`` at the envelope peak near sample ``i``, between
    samples and robust to a jagged envelope.

    The phase of a wavelet turns at its frequency (144 degrees per ns at 400 MHz), so its value at
    the peak *sample* depends on where the sampling falls: up to half a sample's turn, and more
    where the envelope jitters from sample to sample (a weak layer reflection under the direct
    wave's residual) and its maximum jumps a sample (a blind full-wave file at twice the
    interval: the layer reference moved 27 degrees, and a wet zone's top lost its polarity).
    The peak time comes from a parabola fitted to the log-envelope within ``half`` samples
    (about a quarter period) of ``i``, and the phase is read there off a straight line fitted to
    the unwrapped phase (:func:`phase_at_peaks`, which does the same for many traces at once).

    Used for the layer reference only: a target's phase is the mean phasor of many columns, whose
    sampling errors average out, while a line fitted through a chaotic top's phase would smooth
    away the phase scatter that marks loose soil (blind full-wave loose zones: consistency
    0.43 -> 0.77, called wet zones).
    """
    xa = np.asarray(xa)
    return float(phase_at_peaks(np.real(xa)[None, :], np.imag(xa)[None, :], np.abs(xa)[None, :],
                                 np.array([int(i)]), max(1, int(half)))[0])


def surface_phase(survey: xr.DataArray, surface_ns: float, centre_mhz: float, polarity_source: str) -> float:
    """Phase (rad) of the surface reflection, the reference of the relative polarity of targets.

    The mean trace of ``survey`` (filtered, before background removal) is turned into its
    analytic signal; its phase at the envelope peak within half a period of the surface is the
    phase of the surface wavelet. For a ground-coupled antenna that arrival is the direct wave,
    whose polarity is opposite to the surface reflection's (:func:`_surface_wavelet`): pi is
    added. NaN when the reference was assumed, not measured.
    """
    if polarity_source.startswith("assumed"):
        return math.nan
    t, xa = _mean_trace_analytic(survey)
    near = np.abs(t - surface_ns) <= 0.5 * 1000.0 / centre_mhz
    if not near.any():
        return math.nan
    i = int(np.flatnonzero(near)[np.argmax(np.abs(xa[near]))])
    phase = float(np.angle(xa[i]))
    if polarity_source.startswith("opposite of the direct wave"):
        phase += math.pi
    return float(math.remainder(phase, 2 * math.pi))


def first_arrival_phase(raw: xr.DataArray, centre_mhz: float) -> float:
    """Phase (rad) of the first arrival of the raw records, the whole wavelet.

    The mean trace of the raw records (:func:`_mean_trace_analytic`: header words repaired),
    band-limited to 0.3-2.5 x the antenna frequency, as an analytic signal; the phase at its
    strongest envelope peak, read between samples (:func:`phase_at_peak`). The recipe's time zero
    cuts the first arrival at its first peak, where the analytic signal is the cut edge's and its
    envelope flat over a period: the phase there jumped by 180 degrees between full-wave files
    (200 MHz, dipoles on the surface). Taken whole, the first arrival's phase stands 0-59 degrees
    from the layers' reflections' (opposite) on every layered full-wave file (200-900 MHz;
    :data:`DIRECT_WAVE_LAG_DEG`). NaN when the record has no clear peak.
    """
    if raw.sizes["sample"] < 16:
        return math.nan
    t, xa = _mean_trace_analytic(raw, band_mhz=(0.3 * centre_mhz, 2.5 * centre_mhz))
    env = np.abs(xa)
    if not np.isfinite(env).all() or env.max() <= 0:
        return math.nan
    i = int(np.argmax(env))
    n0 = min(header_words(raw), t.size - 1)
    if FIRST_ARRIVAL_CUT_PERIODS is not None and t[i] - t[n0] < FIRST_ARRIVAL_CUT_PERIODS * 1000.0 / centre_mhz:
        # the record starts at or after the first arrival's peak (an export time-zeroed there, the
        # samples before dropped): the analytic signal there is the cut edge's. The sign of the
        # raw mean trace's strongest sample within half a period of the start is the main lobe's,
        # read as a zero-phase wavelet's phase
        _, x = _mean_trace(raw)
        half = max(2, round(500.0 / centre_mhz / max(float(np.median(np.diff(t))), 1e-12)))
        j = n0 + int(np.argmax(np.abs(x[n0:n0 + half])))
        return 0.0 if x[j] > 0 else math.pi
    return phase_at_peak(xa, i, _quarter_period(t, centre_mhz))


#: A record whose first arrival peaks within this many antenna periods of its first sample has
#: lost the wavelet's first half (:func:`first_arrival_phase`); a whole first arrival peaks about
#: 1.2 periods after its first break (gprMax records start 0.5 periods before that). None: the
#: phase at the peak whatever the record's start (until the thirty-third session).
FIRST_ARRIVAL_CUT_PERIODS: float | None = 0.35


#: Where a reflection into a slower medium lies relative to the phase opposite to a ground-coupled
#: first arrival (:func:`first_arrival_phase`), degrees (later: positive), the polarity reference
#: where no layer reflection stands out. The first arrival is the direct wave between transmitter
#: and receiver, a fraction of a wavelength apart, merged with the surface reflection; their
#: near-field coupling is not in phase with the far-field wavelet that the reflections carry.
#: Full-wave simulation (gprMax 4, Hertzian dipoles 2 cm over the road), the layer reflections of
#: every layered file: median 17 degrees at 200 MHz, 43 at 400, 49 at 900, 39 at 1.5 GHz. Against
#: the full-wave sets' strong one-wavelet regions over cavities, voids, wet zones and pipes, right
#: 0.81 of the time (0.76 where no layer reflection stands out); the sign at the envelope peak,
#: used until 1 December 2026, 0.37 (0.26). The offset belongs to the antenna (its near field, its
#: height): an instrument whose first arrival sits elsewhere needs a layer reflection. This is the
#: lag at and above 350 MHz; under lower frequencies, see :data:`DIRECT_WAVE_LAG_LOW`.
DIRECT_WAVE_LAG_DEG = 50.0

#: (MHz, degrees, MHz): in place of :data:`DIRECT_WAVE_LAG_DEG`, the second value (degrees) under an
#: antenna of the first centre frequency or lower, rising log-linearly with the frequency to
#: :data:`DIRECT_WAVE_LAG_DEG` at the third (:func:`direct_wave_lag_deg`; 350 MHz: the blind 400 MHz lines' centres, estimated from
#: their spectra, lie at 337-524 MHz). The first arrival mixes the wave through the air with the one
#: along the ground and the surface's echo; how far it stands from a far reflection's wavelet is
#: set by the antenna's height and the dipoles' separation *in wavelengths*, and a height of a few
#: centimetres is a smaller part of a longer wavelength. Single gprMax 2-D traces (sixty-second
#: session: dipoles 0-5 cm over a half-space of eps_r 6, 4-24 cm apart, 400 MHz, a slower layer
#: 0.5 m down), the raw lag: 0-6 degrees with the dipoles on the ground, 0-19 at 1 cm (1/75 of a
#: wavelength), 4-55 at 2 cm, growing with the separation. The blind full-wave lines (dipoles 2 cm
#: up), the layer reflection against the first arrival as the detector reads them: median 3 degrees
#: at 200 MHz (interquartile -12 to 16), 30 at 400, 39 at 600, 47 at 900. None: the one lag at
#: every frequency (until the sixty-second session).
DIRECT_WAVE_LAG_LOW: tuple[float, float, float] | None = (200.0, 15.0, 350.0)


def direct_wave_lag_deg(centre_mhz: float) -> float:
    """The lag (degrees) of a reflection into a slower medium past the phase opposite to a
    ground-coupled first arrival, under an antenna of centre frequency ``centre_mhz``
    (:data:`DIRECT_WAVE_LAG_DEG`, :data:`DIRECT_WAVE_LAG_LOW`)."""
    if DIRECT_WAVE_LAG_LOW is None or not math.isfinite(centre_mhz):
        return float(DIRECT_WAVE_LAG_DEG)
    f_low, lag_low, f_full = DIRECT_WAVE_LAG_LOW
    if centre_mhz >= f_full:
        return float(DIRECT_WAVE_LAG_DEG)
    if centre_mhz <= f_low:
        return float(lag_low)
    w = math.log(centre_mhz / f_low) / math.log(f_full / f_low)
    return float(lag_low + w * (DIRECT_WAVE_LAG_DEG - lag_low))


#: (strength, degrees): a layer reflection weaker than this fraction of the surface's that stands
#: more than this many degrees from the direct wave's reference (:data:`DIRECT_WAVE_LAG_DEG`) is
#: no reference, and the direct wave is. Road layers are mostly slower with depth (a reflection
#: with the reference, 0 degrees), but over dry sand (base eps_r 6 over subbase 6.5 over subgrade 6)
#: the strongest layer reflection clear of the surface wavelet may be the step back to the faster
#: subgrade (opposite, 180 degrees), and every target's polarity turned with it (blind full-wave
#: lines: cavities called wet zones, wet zones cavities). One in between, 60-120 degrees away, is
#: neither: a layer thinner than a quarter wavelength returns its top and bottom merged, the
#: derivative of the wavelet (90 degrees), and on a short line a target's hyperbola flanks crossing
#: the layer's time fill the mean trace there (fifty-first session: blind lines of 1,263 with a weak
#: layer 60-120 degrees from the direct wave: 28; three cavities on them were called wet zones or
#: nothing; the bound was 120 degrees until then). Where the two agree (within 20 degrees on 722
#: of 875 blind lines with a weak layer) nothing changes; strong layers (real GSSI grid lines:
#: 0.19-0.45 of the surface's, at any angle from the direct wave, whose lag is the antenna's) keep
#: the layer. None: the layer always.
WEAK_LAYER_REVERSED: tuple[float, float] | None = (0.15, 60.0)

#: Degrees from the direct wave's reference past which a weak layer reflection is said to stand
#: opposite to it (an interface into a faster medium) rather than across it (the wording of
#: :attr:`Prepared.polarity_reference` only).
OPPOSITE_LAYER_DEG = 120.0

#: Antenna periods after the surface from which a layer reflection is clear of the surface wavelet.
LAYER_START_PERIODS = 2.0

#: Weakest layer reflection (envelope over the surface's) trusted as the phase reference.
MIN_LAYER_STRENGTH = 0.04

#: Strongest: an interface between road materials reflects |r| <= ~0.25 against ~0.4 at the
#: surface; a stronger late arrival in the mean trace is ringing or a reflector, not a layer.
MAX_LAYER_STRENGTH = 0.45

#: On a line shorter than the background window the layer reflection is read on the background
#: trace that the undisturbed traces make; it is trusted only where those traces, at the picked
#: sample, agree in phase (length of their envelope-weighted mean phasor over the summed envelope,
#: :func:`layer_phase`'s ``lateral``): a layer interface is flat along the line and arrives with one
#: phase on every trace, while on a line hardly longer than a body the "undisturbed" traces still
#: hold its diffraction flanks, whose moveout turns the phase from trace to trace. Blind full-wave
#: lines cut to 0.5 m beyond the body (``clean_crop05``): 0.43-0.73 where the flank was taken for
#: the layer (three 400 MHz cavities read with the polarity of a wet zone; the real layer, 0.98-1.00
#: on the same lines cut to 1 m or whole, is then the pick).
MIN_LAYER_LATERAL_CONSISTENCY = 0.85
#: ... checked only where fewer than this fraction of the traces are undisturbed at the pick (the
#: cut lines above: 0.26-0.42; whole blind lines 0.9-1.0, where the check would also have turned
#: away weak but right layer picks of 200 MHz wet zones, 0.75-0.83).
LATERAL_CHECK_FRACTION = 0.5


def layer_phase(survey: xr.DataArray, surface_ns: float, centre_mhz: float,
                lateral: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[float, float]:
    """Phase (rad) of the strongest layer reflection of the mean trace, and its strength.

    The mean trace of ``survey`` (filtered, time zero at the surface, before background
    removal) holds the reflections of the road's layer interfaces; between :data:`LAYER_START_PERIODS`
    and 12 antenna periods below the surface the strongest of them (its envelope peak) is taken
    (earlier, the surface wavelet's own side lobes and ringing overlap the interface and turn its
    phase: full-wave 400 MHz sections gave phases up to 120 degrees off there). Road layers
    grow slower with depth (asphalt eps_r 4-7 over base 6-10 over subgrade 8-20), so it is a
    reflection into a slower medium, of the surface's polarity, and it went through the same
    ground, antenna and filters as the targets' reflections: a phase reference free of the
    direct wave's. Returns NaN when no reflection stands out (no local envelope peak there, or
    the strongest under :data:`MIN_LAYER_STRENGTH` of the surface's: a weaker one may be the
    antenna's ringing rather than an interface; or over :data:`MAX_LAYER_STRENGTH`: too strong
    for an interface between road materials).

    ``lateral`` (traces, mask), optional: traces (row, sample, on ``survey``'s time axis) and which
    of their samples are undisturbed (same shape, bool). The pick is then the strongest peak, of at
    least :data:`MIN_LAYER_STRENGTH`, on which those rows agree in phase
    (:data:`MIN_LAYER_LATERAL_CONSISTENCY`; checked only where few rows are undisturbed, see
    :func:`_lateral_consistency`), and NaN where no peak is; the strength returned is the pick's.
    """
    t, xa = _mean_trace_analytic(survey)
    n = xa.size
    env = np.abs(xa)
    period = 1000.0 / centre_mhz
    near = np.abs(t - surface_ns) <= 0.5 * period
    win = (t >= surface_ns + LAYER_START_PERIODS * period) & (t <= surface_ns + 12 * period)
    if not near.any() or win.sum() < 3:
        return math.nan, 0.0
    peak = np.zeros(n, dtype=bool)
    peak[1:-1] = (env[1:-1] >= env[:-2]) & (env[1:-1] > env[2:])
    cand = np.flatnonzero(win & peak)
    if cand.size == 0:
        return math.nan, 0.0
    ref = max(env[near].max(), 1e-30)
    i = int(cand[np.argmax(env[cand])])
    strength = float(env[i] / ref)
    if not MIN_LAYER_STRENGTH <= strength <= MAX_LAYER_STRENGTH:
        return math.nan, strength
    if lateral is not None:  # the strongest peak on which the undisturbed traces agree
        cand = cand[np.argsort(-env[cand], kind="stable")]
        cand = cand[env[cand] >= MIN_LAYER_STRENGTH * ref]
        ok = cand[_lateral_consistency(*lateral, cand) >= MIN_LAYER_LATERAL_CONSISTENCY]
        if not ok.size:
            return math.nan, strength
        i = int(ok[0])
        strength = float(env[i] / ref)
    return phase_at_peak(xa, i, _quarter_period(t, centre_mhz)), strength


def _lateral_consistency(traces: np.ndarray, mask: np.ndarray, samples: np.ndarray,
                         max_rows: int = 256) -> np.ndarray:
    """Phase agreement (0-1) at each of ``samples`` of the rows of ``traces`` undisturbed there
    (``mask``): the length of the sum of their analytic samples over the sum of their magnitudes.
    1 (not checked) where fewer than three rows are undisturbed, nothing to compare, or where at
    least :data:`LATERAL_CHECK_FRACTION` of the rows are: a background that most of the line
    defines is the layers'. At most ``max_rows`` evenly spread rows per sample; the analytic
    signal of every row used is computed once."""
    from scipy.signal import hilbert

    out = np.ones(len(samples))
    picked = {}
    for k, i in enumerate(samples):  # a few candidate peaks, not traces
        rows = np.flatnonzero(mask[:, i])
        if 3 <= rows.size < LATERAL_CHECK_FRACTION * mask.shape[0]:
            picked[k] = rows[np.linspace(0, rows.size - 1, min(rows.size, max_rows)).round().astype(int)]
    if not picked:
        return out
    need = np.unique(np.concatenate(list(picked.values())))
    x = _finite(np.asarray(traces[need], dtype=np.float64))
    za = hilbert(np.concatenate([x, np.zeros_like(x)], axis=1), axis=1)
    for k, rows in picked.items():
        z = za[np.searchsorted(need, rows), samples[k]]
        out[k] = np.abs(z.sum()) / max(np.abs(z).sum(), 1e-30)
    return out


def relative_polarity(phase_rad, reference_rad: float):
    """Polarity of target reflections from their phase relative to the surface reflection.

    A reflection into a faster medium (soil to air) is the surface wavelet inverted (relative
    phase pi); into a slower one (to water, metal) the surface wavelet itself (0). A body
    thinner than about a quarter wavelength returns the *derivative* of that (its top and
    bottom reflections, of opposite signs, merge), turned by a further +pi/2: a thin air gap
    -pi/2, a thin wet layer +pi/2. So air lies at -3pi/4 +- pi/4 and slower media at +pi/4
    +- pi/4, whatever the thickness, and ``sqrt(2) cos(phase + 3pi/4)`` (clipped to -1..1) is
    +1 for both air cases and -1 for both slower ones. The sign at the envelope peak, which is
    what a polarity vote measures, is undefined for thin bodies. The reference is a reflection
    into a slower medium (:func:`layer_phase`), so its relative phase is 0. Returns NaN where
    the reference is NaN.
    """
    d = np.asarray(phase_rad, dtype=float) - float(reference_rad)
    return np.clip(np.sqrt(2.0) * np.cos(d + 0.75 * np.pi), -1.0, 1.0)


def spreading_value(value, where: str = "option wave_spreading") -> str | None:
    """``value`` as one of :data:`~roadhealth.survey.WAVE_SPREADINGS` (None stays None: not
    known); DetectionError naming ``where`` for anything else."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in WAVE_SPREADINGS:
        raise DetectionError(f"detect: {where} = {value!r}; expected one of {list(WAVE_SPREADINGS)} "
                             "(or None: the survey's attrs['wave_spreading'], else not known)")
    return text


def wave_spreading(survey: xr.DataArray, given: str | None = None) -> str | None:
    """How ``survey``'s wave spread (:data:`~roadhealth.survey.WAVE_SPREADINGS`): ``given`` where not
    None, else its ``attrs["wave_spreading"]``, else None (not known). Raises DetectionError for any
    other value."""
    if given is not None:
        return spreading_value(given)
    return spreading_value(survey.attrs.get("wave_spreading"), 'attrs["wave_spreading"]')


def velocity_model(survey: xr.DataArray, *, velocity_m_per_ns=None, eps_r=None) -> tuple[float, str, bool]:
    """The velocity used for depths, m/ns, how it was obtained, and whether it is the default.

    Order: a velocity or permittivity given by the caller; the velocity of a depth-domain survey;
    else the default: depths from the layered model :data:`DEFAULT_LAYERS`
    (:func:`default_depth_m`), and :data:`DEFAULT_EPS_R` as the one velocity of the scores'
    stacks; :func:`velocity_from_hyperbolas` may replace both with a velocity measured on the
    survey's own diffraction hyperbolas.
    """
    if velocity_m_per_ns is not None:
        v = float(velocity_m_per_ns)
        if not 0 < v <= C0_M_PER_NS:
            raise DetectionError(f"velocity_m_per_ns must be in (0, {C0_M_PER_NS:.6f}] (the speed of light); "
                                 f"got {velocity_m_per_ns!r}")
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
    return v, default_model_text(), True


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


def _reference_dict(surface_ns, polarity, pol_src, surface_phase_rad, layer, centre,
                    first_arrival_phase_rad=math.nan) -> dict:
    def num(v):
        v = float(v)
        return v if math.isfinite(v) else None

    return {"surface_ns": num(surface_ns), "polarity": num(polarity), "polarity_source": str(pol_src),
            "surface_phase_rad": num(surface_phase_rad), "layer_phase_rad": num(layer[0]),
            "layer_strength": num(layer[1]), "centre_mhz": num(centre),
            "first_arrival_phase_rad": num(first_arrival_phase_rad)}


def _read_reference(value) -> dict | None:
    """The reference stored on a survey (JSON text or dict), or None when absent or unusable."""
    import json

    if value is None:
        return None
    try:
        ref = json.loads(value) if isinstance(value, str) else dict(value)
        float(ref["surface_ns"]), float(ref["polarity"])
    except (TypeError, ValueError, KeyError):
        return None
    return ref


def surface_reference(survey: xr.DataArray, recipe: Any = "default", *, max_traces: int = 512,
                      surface_ns: float | None = None) -> dict:
    """Measure the surface and polarity reference of a raw survey on a subset of its traces.

    What :func:`prepare` measures before the background removal (the surface time, the polarity
    of the surface reflection, the phase of the surface and of a layer reflection), for a chain
    that processes the whole survey first and runs detection afterwards, window by window (the
    processed windows no longer hold the flat reflections these come from). At most
    ``max_traces`` evenly spread traces per channel are processed (the head of the recipe, up to
    its background removal). Store the result on the processed survey as
    ``attrs[REFERENCE_ATTR] = json.dumps(ref)`` (``detect`` reads it).

    Returns
    -------
    dict
        ``surface_ns``, ``polarity`` (+-1), ``polarity_source``, ``surface_phase_rad``,
        ``layer_phase_rad`` and ``layer_strength`` (None where not measured), ``centre_mhz``;
        for a record whose background was removed before it was written
        (:data:`BACKGROUND_REMOVED_FRACTION`) the assumed reference at the file's time zero and
        its ``background_fraction``.
    """
    import roadhealth.processing as rp
    from roadhealth.processing.recipe import load_recipe

    check_input(survey)
    if _is_processed(survey):
        raise DetectionError(f"{_source(survey)}: surface_reference needs the raw survey (it has processing "
                             "steps in its history)")
    step = max(1, survey.sizes["trace"] // max(int(max_traces), 1))
    sub = survey.isel(trace=slice(None, None, step))
    if is_dask(sub.data):
        sub = sub.compute()
    if _has_antenna(sub):
        centre = float(sub.attrs["antenna_mhz"])
    else:
        centre = float(survey.attrs.get("centre_mhz_estimate") or rp.estimate_centre_frequency_mhz(sub))
        sub = sub.assign_attrs(centre_mhz_estimate=centre)
    sub = _declip_if_clipped(sub, [])
    frac = background_fraction(sub)
    if frac < BACKGROUND_REMOVED_FRACTION:  # nothing marks the surface (see prepare)
        return {**_reference_dict(removed_surface_ns(centre, surface_ns), -1.0, REMOVED_POLARITY_SOURCE, math.nan,
                                  (math.nan, 0.0), centre),
                "background_fraction": frac}
    sub = _crop_leading_air(sub, centre, [])
    r = load_recipe(None if recipe in (None, "default") else recipe)
    steps = r["steps"]
    k = next((i for i, s in enumerate(steps) if s["name"] == "background_removal"), len(steps))
    try:
        head = rp.apply(sub, {"name": r["name"], "steps": steps[:k]})
    except ProcessingError as exc:
        raise DetectionError(f"{_source(survey)}: the processing recipe failed: {exc}") from None
    surface_ns, polarity, pol_src = _find_surface(head, centre, sub, antenna_height(survey), steps)
    return _reference_dict(surface_ns, polarity, pol_src, surface_phase(head, surface_ns, centre, pol_src),
                           _long_line_layer(sub, r["name"], steps[:k], head, surface_ns, centre), centre,
                           first_arrival_phase(sub, centre))


#: Antenna periods above the road surface that the recipe's time zero keeps in the head the layer
#: reflection is read on (:func:`layer_phase`, the polarity reference), where the recipe keeps
#: none (``pre_ns`` 0): the filters then see the surface wavelet whole. Cut at its envelope peak,
#: as the recipe leaves it for the search, the filtered surface wavelet depends on the source
#: pulse's phase, and so did the layer reflection's strength against it and its phase (the
#: wavelet filtered whole and then cut did not help; fifty-seventh session, blind 1-182 every trace turned 90 degrees,
#: ``validation/fullwave_robustness.py`` ``*_quad``: the reference turned a median 22 degrees more
#: or less than the pulse on the lines that moved, 111 of 282 changed source). Read on the whole
#: wavelet: clean cavity+void recall under that turn 0.917 -> 0.931, water-rich F1 0.834 -> 0.854,
#: noisy 0.920 -> 0.933 and 0.781 -> 0.805; on the lines as simulated nine clean and twelve noisy
#: lines moved (three 200-250 MHz wet lenses lost the weak layer a cut surface had made strong
#: enough and became 'cavities'; recall unchanged, water-rich F1 0.870 -> 0.863 clean, false alarms
#: +1 / +2). None: read on the head as the recipe leaves it.
REFERENCE_PRE_PERIODS: float | None = 1.0

#: Traces per channel (evenly spread) of a long line's reference head: the layer reflection is
#: read on the mean trace, which a few dozen traces of continuous layers give.
REFERENCE_MAX_TRACES = 64


def _short_line_background(head: xr.DataArray, surface_ns: float, centre_mhz: float):
    """:func:`undisturbed_background` of a short line's ``head`` with the detector's windows: the
    residuals judged from 1.5 periods under the surface, the searched rows and the surface rows
    each a window of their own."""
    return undisturbed_background(head, skip_ns=surface_ns + 1.5e3 / centre_mhz, period_ns=1e3 / centre_mhz,
                                  stats_from_ns=_periods_after(surface_ns, STATS_FROM_PERIODS, centre_mhz),
                                  surface_rows_ns=_periods_after(surface_ns, SURFACE_ROWS_FROM_PERIODS, centre_mhz))


def _reference_head(survey: xr.DataArray, name: str, steps: list, centre_mhz: float,
                    max_traces: int | None = None) -> xr.DataArray | None:
    """The recipe's steps before the background removal (``steps``) applied with
    :data:`REFERENCE_PRE_PERIODS` periods kept above the surface by its time zero, on at most
    ``max_traces`` evenly spread traces per channel (None: every trace); None where the steps have
    no time zero that keeps nothing above the surface, where that is off, or where the steps fail
    on it."""
    import roadhealth.processing as rp

    if REFERENCE_PRE_PERIODS is None:
        return None
    out, pre = [], 0.0
    for st in steps:
        if st.get("name") == "time_zero":
            par = dict(st.get("params") or {})
            if float(par.get("pre_ns", 0.0) or 0.0) == 0.0:
                pre = REFERENCE_PRE_PERIODS * 1000.0 / centre_mhz
                st = {**st, "params": {**par, "pre_ns": pre}}
        out.append(st)
    if pre == 0.0:
        return None
    n_t = survey.sizes["trace"]
    if max_traces is not None and n_t > max_traces:
        survey = survey.isel(trace=np.unique(np.linspace(0, n_t - 1, max_traces).round().astype(int)))
    try:
        return rp.apply(survey, {"name": name, "steps": out})
    except ProcessingError:  # (the search's own head was made: the reference falls back to it)
        return None


def _long_line_layer(survey: xr.DataArray, name: str, steps: list, head: xr.DataArray, surface_ns: float,
                     centre_mhz: float) -> tuple[float, float]:
    """:func:`layer_phase` of a line read without a short line's background: on the reference
    head (:func:`_reference_head`, :data:`REFERENCE_MAX_TRACES` traces per channel), else on the
    search's ``head``."""
    ref = _reference_head(survey, name, steps, centre_mhz, REFERENCE_MAX_TRACES)
    return layer_phase(head if ref is None else ref, surface_ns, centre_mhz)


def prepare(survey: xr.DataArray, recipe: Any = "default", *, velocity_m_per_ns=None,
            eps_r=None, reference: Any = None, removed_surface: float | None = None) -> Prepared:
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
    reference : dict or JSON text, optional
        For a processed survey whose background is removed: the surface and polarity reference
        measured on its raw data (:func:`surface_reference`); default
        ``survey.attrs[REFERENCE_ATTR]``, which :func:`prepare` writes on what it processes.
    removed_surface : float, optional
        For a raw record whose background was removed before it was written: the two-way time of
        the road surface after its time zero, ns (:func:`removed_surface_ns`; 0 for processed
        data already time-zeroed at their surface). Ignored for other records.

    Returns
    -------
    Prepared
    """
    import roadhealth.processing as rp
    from roadhealth.processing.recipe import load_recipe

    check_input(survey)
    notes: list[str] = []
    survey = _despike_if_spiked(survey, notes, processed=_is_processed(survey))
    survey = _rescale_if_extreme(survey, notes)
    processed = _is_processed(survey)
    background_traces = None
    background = None
    ref_phase = math.nan
    lay_phase = (math.nan, 0.0)
    fa_phase = math.nan
    estimated = not _has_antenna(survey) and survey.attrs.get("centre_mhz_estimate") is None
    if estimated:
        survey = survey.assign_attrs(centre_mhz_estimate=_estimate_centre(survey))
    n_samples = survey.sizes["sample"]
    if not processed:  # before decimation, whose low-pass rounds the flat runs off
        survey = _declip_if_clipped(survey, notes)
    survey = _decimate_if_oversampled(survey, notes)
    if estimated:
        if survey.sizes["sample"] != n_samples:
            # estimated again on the traces detection reads: the spectrum's bins follow the
            # sampling, so the same traces recorded finer would otherwise get another period
            survey = survey.assign_attrs(centre_mhz_estimate=_estimate_centre(survey))
        notes.append(f"antenna frequency not in the file; {survey.attrs['centre_mhz_estimate']:.0f} MHz "
                     "estimated from the spectrum")
    centre = float(survey.attrs["antenna_mhz"]) if _has_antenna(survey) else float(survey.attrs["centre_mhz_estimate"])
    surface_measured = False
    polarity = -1.0
    pol_src = "assumed (negative surface reflection; the data's surface was removed before detect)"
    surface_ns = 0.0
    # a record shorter than the search needs below the surface (which lies at or after its start)
    # is refused before the recipe, whose steps would otherwise fail first with a message about
    # their own windows (found by feeding detect short records)
    tw = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    record_ns = float(tw[-1] - tw[0]) if tw.size > 1 else 0.0
    if not processed and record_ns < MIN_PERIODS_BELOW * 1000.0 / centre:
        raise DetectionError(
            f"{_source(survey)}: the record is {record_ns:.2f} ns long ({tw.size} samples); a search below the "
            f"pavement needs at least {MIN_PERIODS_BELOW * 1000.0 / centre:.2f} ns under the road surface "
            f"({MIN_PERIODS_BELOW:g} periods of the {centre:.0f} MHz antenna)")
    if not processed:
        survey = _regularise_if_uneven(survey, notes)
        r = load_recipe(None if recipe in (None, "default") else recipe)
        steps = r["steps"]
        bg_frac = background_fraction(survey)
        removed = bg_frac < BACKGROUND_REMOVED_FRACTION
        if removed:
            # no direct wave or surface reflection to find: a first-break pick (time zero, the
            # lead-in crop) would take the first defect's top for the surface
            steps = _without_time_zero(steps)
            pol_src = REMOVED_POLARITY_SOURCE
            surface_ns = removed_surface_ns(centre, removed_surface)
            notes.append(_background_removed_note(bg_frac))
        else:
            survey = _crop_leading_air(survey, centre, notes)
        k = next((i for i, s in enumerate(steps) if s["name"] == "background_removal"), len(steps))
        try:
            head = rp.apply(survey, {"name": r["name"], "steps": steps[:k]})
            if not removed:
                surface_ns, polarity, pol_src = _find_surface(head, centre, survey, antenna_height(survey), steps)
                ref_phase = surface_phase(head, surface_ns, centre, pol_src)
                fa_phase = first_arrival_phase(survey, centre)
                surface_measured = True
            short = (_short_line_background(head, surface_ns, centre)
                     if k < len(steps)
                     and _window_covers_line(head, dict(steps[k].get("params") or {})) else None)
            if short is None:
                lay_phase = _long_line_layer(survey, r["name"], steps[:k], head, surface_ns, centre)
                out = rp.apply(head, {"name": r["name"], "steps": steps[k:]}) if k < len(steps) else head
            else:
                out, background_traces = short
                # the layers' phase from the background trace itself (any trace of the raw line
                # less the same trace after removal): on a short line a defect under much of it is
                # the strongest late arrival of the mean trace
                # (trusted only where the undisturbed traces agree in phase at the pick: on a line
                # hardly longer than a body they still hold its flanks)
                one = slice(0, 1)
                # (read on the head that keeps the surface wavelet whole: REFERENCE_PRE_PERIODS)
                hr, o_r, bt_r = head, out, background_traces
                head_ref = _reference_head(survey, r["name"], steps[:k], centre)
                if head_ref is not None:
                    sr = _short_line_background(head_ref, surface_ns, centre)
                    if sr is not None:
                        hr, (o_r, bt_r) = head_ref, sr
                n_s = hr.sizes["sample"]
                lay_phase = layer_phase(hr.isel(trace=one).copy(
                    data=np.asarray(hr.isel(trace=one).values) - np.asarray(o_r.isel(trace=one).values)),
                    surface_ns, centre, lateral=(np.asarray(hr.values).reshape(-1, n_s),
                                                 np.asarray(bt_r).reshape(-1, n_s)))
                bg_par = out.attrs["history"][-1]["parameters"]
                n_bg = bg_par["undisturbed_traces"]
                whence = (f"the {min(n_bg)} of {background_traces.shape[1]} traces no defect disturbs"
                          if bg_par["method"].startswith("mean") else
                          f"the {min(n_bg)} traces at its ends (every trace alike on a line shorter than "
                          f"{SEED_BACKGROUND_WAVELENGTHS:g} wavelengths: a body may reach them all)")
                notes.append(f"line shorter than the background window: background from {whence}, "
                             "statistics at every time from the traces undisturbed then "
                             "(undisturbed_background)")
                removed_out = out
                if k + 1 < len(steps):
                    out = rp.apply(out, {"name": r["name"], "steps": steps[k + 1:]})
                if out.shape != background_traces.shape:  # a later step stacked or cut traces or samples
                    notes.append(f"the recipe's steps after the background removal changed the survey's shape "
                                 f"{background_traces.shape} -> {out.shape}: score statistics from every trace")
                    background_traces = None
                else:
                    background = _processed_background(head, removed_out, out)
            if removed:  # (no layer reflection is left either)
                lay_phase = (math.nan, 0.0)
        except ProcessingError as exc:
            raise DetectionError(f"{_source(survey)}: the processing recipe failed: {exc}") from None
        notes.append(f"processed with recipe {r['name'] or 'default'!r} ({len(steps)} steps)")
    else:
        out = survey
        steps_done = _history_steps(survey)
        if "background_removal" not in steps_done:
            done_steps = [{"name": h.get("step"), "params": h.get("parameters") or {}}
                          for h in survey.attrs.get("history", []) if isinstance(h, dict)]
            surface_ns, polarity, pol_src = _find_surface(out, centre, None, antenna_height(survey), done_steps)
            ref_phase = surface_phase(out, surface_ns, centre, pol_src)
            lay_phase = layer_phase(out, surface_ns, centre)
            surface_measured = True
        ref = _read_reference(reference if reference is not None else survey.attrs.get(REFERENCE_ATTR))
        if "background_removal" in steps_done and ref is not None:
            surface_ns, polarity = float(ref["surface_ns"]), float(ref["polarity"])
            removed_before = ref.get("polarity_source") == REMOVED_POLARITY_SOURCE
            pol_src = REMOVED_POLARITY_SOURCE if removed_before else \
                f"{ref.get('polarity_source')} (measured on the raw survey)"
            ref_phase = float(ref["surface_phase_rad"]) if ref.get("surface_phase_rad") is not None else math.nan
            fa_phase = (float(ref["first_arrival_phase_rad"]) if ref.get("first_arrival_phase_rad") is not None
                        else math.nan)
            lay_phase = (float(ref["layer_phase_rad"]) if ref.get("layer_phase_rad") is not None else math.nan,
                         float(ref.get("layer_strength") or 0.0))
            surface_measured = not removed_before
        notes.append("used as processed (" + ", ".join(s for s in steps_done if s) + ")")
    out = out.astype(np.float32, copy=False) if out.dtype != np.float64 else out
    if surface_ns != 0.0 and pol_src != REMOVED_POLARITY_SOURCE:
        notes.append(f"road surface found at {surface_ns:.2f} ns after time zero "
                     + (f"(the antenna {antenna_height(survey):g} m above the road)" if antenna_height(survey) is not None
                        else "(a stronger arrival after the first break: air-coupled antenna)"))
    t = np.asarray(out.coords["twt_ns"].values, dtype=float)
    period = 1000.0 / centre
    below = t[-1] - surface_ns
    if below < MIN_PERIODS_BELOW * period:
        raise DetectionError(
            f"{_source(survey)}: the time window ends {below:.2f} ns below the road surface; a search "
            f"below the pavement needs at least {MIN_PERIODS_BELOW * period:.2f} ns "
            f"({MIN_PERIODS_BELOW:g} periods of the {centre:.0f} MHz antenna)")
    v, vsrc, default_v = velocity_model(out, velocity_m_per_ns=velocity_m_per_ns, eps_r=eps_r)
    if surface_measured:
        import json

        out = out.assign_attrs({REFERENCE_ATTR: json.dumps(_reference_dict(surface_ns, polarity, pol_src, ref_phase,
                                                                            lay_phase, centre, fa_phase))})
    return Prepared(out, centre, polarity, surface_measured and not pol_src.startswith("assumed"), v, vsrc,
                    surface_ns, notes, pol_src, default_v, background_traces, ref_phase, lay_phase[0],
                    lay_phase[1], fa_phase, background)
