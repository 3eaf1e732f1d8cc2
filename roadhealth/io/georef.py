"""Georeferencing: GNSS fixes to trace positions, along-track distance and uniform trace spacing.

* :func:`georeference` ties :class:`~roadhealth.io.gnss.GnssFixes` to the traces of a survey,
  interpolates positions linearly in a projected CRS, offsets each channel across the track,
  computes the along-track distance and reports GNSS quality problems in ``attrs["gnss_qc"]``.
* :func:`regularize` resamples a survey to uniform along-track spacing.
* :func:`utm_crs_for` and :func:`along_track_distance` are the small helpers both use.

Everything is vectorised over fixes and traces; nothing loops over traces in Python.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import GeoreferenceError, ProcessingError
from roadhealth.io._common import warn
from roadhealth.io.gnss import GnssFixes
from roadhealth.survey import DIMS, add_history

__all__ = [
    "along_track_distance",
    "georeference",
    "regularize",
    "utm_crs_for",
]

#: Geographic CRS of GNSS fixes (WGS84; CGCS2000 differs by centimetres, below GNSS noise here).
GEOGRAPHIC_CRS = "EPSG:4326"

#: ``distance_source`` values (substrings) that mean a measured wheel/encoder distance.
MEASURED_DISTANCE_SOURCES = ("wheel", "odometer", "encoder", "dmi", "measured")

#: Without fix times, a segment whose length per trace exceeds this many times the median (and
#: is longer than :data:`JUMP_MIN_M`) is called a jump.
JUMP_STEP_FACTOR = 10.0
#: Smallest position change, m, that can be called a jump (GNSS noise is below this).
JUMP_MIN_M = 1.0


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def utm_crs_for(lon: float, lat: float) -> str:
    """The WGS84 / UTM zone CRS containing a point.

    Parameters
    ----------
    lon, lat : float
        Geographic coordinates, degrees.

    Returns
    -------
    str
        ``"EPSG:326zz"`` (north) or ``"EPSG:327zz"`` (south), with the Norway (32V) and
        Svalbard (31X-37X) exceptions applied.

    Raises
    ------
    GeoreferenceError
        If the coordinates are not finite or out of range.
    """
    lon = float(lon)
    lat = float(lat)
    if not (np.isfinite(lon) and np.isfinite(lat)) or abs(lat) > 90:
        raise GeoreferenceError(f"cannot choose a UTM zone for lon={lon!r}, lat={lat!r}")
    lon = (lon + 180.0) % 360.0 - 180.0
    zone = min(int(np.floor((lon + 180.0) / 6.0)) + 1, 60)
    if 56.0 <= lat < 64.0 and 3.0 <= lon < 12.0:
        zone = 32
    elif 72.0 <= lat <= 84.0 and 0.0 <= lon < 42.0:
        zone = 31 if lon < 9 else 33 if lon < 21 else 35 if lon < 33 else 37
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def along_track_distance(x, y) -> np.ndarray:
    """Cumulative distance along a polyline.

    Parameters
    ----------
    x, y : array_like, shape (..., n)
        Projected coordinates, m; the last axis runs along the track.

    Returns
    -------
    ndarray, shape (..., n)
        Distance from the first point, m (0 at the first point). Steps touching a NaN
        position count as 0 m, so the result is always finite and non-decreasing.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape; got {x.shape} and {y.shape}")
    if x.shape[-1:] == (0,):
        return np.zeros_like(x)
    step = np.hypot(np.diff(x, axis=-1), np.diff(y, axis=-1))
    step = np.where(np.isfinite(step), step, 0.0)
    zero = np.zeros((*x.shape[:-1], 1))
    return np.concatenate([zero, np.cumsum(step, axis=-1)], axis=-1)


def _ranges(mask: np.ndarray) -> list[list[int]]:
    """Inclusive ``[first, last]`` index ranges of the True runs of a 1-D boolean mask."""
    m = np.asarray(mask, dtype=bool).astype(np.int8)
    if not m.any():
        return []
    edges = np.diff(np.r_[0, m, 0])
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return [[int(a), int(b)] for a, b in zip(starts, ends, strict=True)]


def _floats(a) -> list[float]:
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def _extrapolate(t: np.ndarray, ft: np.ndarray, fv: np.ndarray, max_extra: float, beyond: str):
    """Linear interpolation of ``fv(ft)`` at ``t``, linear extrapolation up to ``max_extra``.

    Returns the values and masks of the extrapolated and the held (beyond the limit) points.
    """
    v = np.interp(t, ft, fv)
    lo = t < ft[0]
    hi = t > ft[-1]
    held = (t < ft[0] - max_extra) | (t > ft[-1] + max_extra)
    if ft.size >= 2:
        s_lo = (fv[1] - fv[0]) / (ft[1] - ft[0])
        s_hi = (fv[-1] - fv[-2]) / (ft[-1] - ft[-2])
        t_lo = np.maximum(t, ft[0] - max_extra)
        t_hi = np.minimum(t, ft[-1] + max_extra)
        v = np.where(lo, fv[0] + (t_lo - ft[0]) * s_lo, v)
        v = np.where(hi, fv[-1] + (t_hi - ft[-1]) * s_hi, v)
    else:
        held = lo | hi
    if beyond == "nan":
        v = np.where(held, np.nan, v)
    return v, (lo | hi) & ~held, held


@functools.lru_cache(maxsize=32)
def _transformer(src: str, dst: str):
    """A cached pyproj Transformer (building one costs milliseconds; batches reuse a few)."""
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


def _central_longitude(lon: np.ndarray) -> float:
    """Circular mean of longitudes, degrees (fixes either side of 180 degrees average to ~180)."""
    rad = np.deg2rad(np.asarray(lon, dtype=float))
    return float(np.rad2deg(np.arctan2(np.sin(rad).mean(), np.cos(rad).mean())))


def _warn_outside_area_of_use(crs: str, lon: np.ndarray, lat: np.ndarray, source: str) -> None:
    """Warn when the fixes lie outside the CRS's area of use (e.g. data near 9 E in EPSG:4545)."""
    from pyproj import CRS

    area = CRS.from_user_input(crs).area_of_use
    if area is None or not np.size(lon):
        return
    west, south, east, north = area.bounds
    lon = np.asarray(lon, dtype=float)
    inside_lon = (lon >= west) & (lon <= east) if west <= east else (lon >= west) | (lon <= east)
    inside = inside_lon & (lat >= south) & (lat <= north)
    margin = 1.0  # degrees: zones are used a little beyond their nominal edges
    near_lon = (lon >= west - margin) & (lon <= east + margin) if west <= east else inside_lon
    near = near_lon & (lat >= south - margin) & (lat <= north + margin)
    if not np.all(near):
        warn(f"{source}: {int(np.count_nonzero(~inside))} of {lon.size} GNSS fixes lie outside the area of use of "
             f"{crs} ({area.name}: lon {west:g}..{east:g}, lat {south:g}..{north:g}); projected positions there "
             "are distorted or meaningless. Choose the CRS of the survey area (default: its UTM zone).")


def check_target_crs(crs, source: str = "crs argument") -> str | None:
    """Validate a user-given target CRS before any file is read: projected, known. None passes."""
    if crs is None:
        return None
    return _check_projected(crs, source)


def _check_projected(crs: str, source: str) -> str:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        c = CRS.from_user_input(crs)
    except CRSError as exc:
        raise GeoreferenceError(f"{source}: unknown CRS {crs!r}: {exc}") from None
    if not c.is_projected:
        raise GeoreferenceError(
            f"{source}: CRS {crs!r} is not projected; x/y and distances need a projected CRS in metres "
            "(e.g. a UTM zone or 'EPSG:4545')"
        )
    units = {(a.unit_name or "").lower() for a in c.axis_info[:2]}
    if not units <= {"metre", "meter", "m"}:
        raise GeoreferenceError(
            f"{source}: CRS {crs!r} ({c.name}) measures x/y in {', '.join(sorted(units))}; survey coordinates "
            "and distances (x, y, distance_m, offset_m) are in metres: choose a projected CRS in metres "
            "(e.g. a UTM zone or 'EPSG:4545')"
        )
    return crs if isinstance(crs, str) else c.to_string()


# --------------------------------------------------------------------------------------------
# georeference
# --------------------------------------------------------------------------------------------

#: A survey-wheel length and the GNSS path length further apart than this (relative) are warned about.
WHEEL_GNSS_TOLERANCE = 0.01


@dataclass
class _Fixes:
    """The fixes of one georeferencing run, as flat arrays, with the masks that sorted them."""

    trace: np.ndarray  # 0-based trace index of each fix (after any latency shift)
    lon: np.ndarray
    lat: np.ndarray
    elev: np.ndarray
    quality: np.ndarray
    time: np.ndarray  # datetime64[ns], NaT when unknown
    has_pos: np.ndarray
    q_ok: np.ndarray

    @property
    def q0(self) -> np.ndarray:
        return self.quality == 0


@dataclass
class _Track:
    """Antenna positions per trace interpolated from the fixes, with what was filled in."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    extrapolated: np.ndarray  # bool per trace
    held: np.ndarray  # bool per trace: too far from any fix
    in_gap: np.ndarray  # bool per trace: between two fixes further apart than max_gap_traces
    gap_segments: np.ndarray  # bool per used-fix segment
    fix_spacing: float  # median traces between used fixes
    max_extrapolate_traces: float
    max_gap_traces: float


def georeference(
    survey: xr.DataArray,
    fixes: GnssFixes,
    *,
    crs: str | None = None,
    max_speed_m_s: float = 40.0,
    use_distance: str = "auto",
    min_quality: int = 1,
    max_extrapolate_traces: float | None = None,
    beyond: str = "hold",
    max_gap_traces: float | None = None,
    lever_arm_m: tuple[float, float] | None = None,
    latency_s: float = 0.0,
) -> xr.DataArray:
    """Give every trace of a survey a position from GNSS fixes, and report the fixes' quality.

    Steps: shift the fixes by the GNSS ``latency_s``; drop fixes without a position or below
    ``min_quality``; drop duplicate fixes (a second fix at the same trace, or a stale repeat of
    the previous fix with the same time and position); project to ``crs``; find outliers (an
    isolated fix whose implied speed to both neighbours exceeds ``max_speed_m_s``) and drop
    them; interpolate x, y and elevation linearly over the trace index (extrapolating linearly at
    the ends up to ``max_extrapolate_traces``, then holding the last position or NaN, see
    ``beyond``); move from the GNSS antenna to the array centre (``lever_arm_m``); offset each
    channel across the track; compute lon/lat back from x/y and the along-track distance.

    Parameters
    ----------
    survey : xarray.DataArray
        A survey (dims ``channel, trace, sample``); data may be dask-backed (it is not touched).
    fixes : GnssFixes
        Fixes tied to 0-based (possibly fractional) trace indices.
    crs : str, optional
        Projected CRS of the output x/y in metres ("EPSG:4545", "EPSG:32649", WKT ...). Default:
        the UTM zone of the median fix position. A CRS in feet or degrees is refused.
    max_speed_m_s : float
        Highest plausible speed between consecutive fixes, m/s. Segments above it are jumps;
        an isolated fix with both its segments above it is an outlier and is not used. Without
        fix times, a segment longer than ``JUMP_STEP_FACTOR`` times the median length per trace
        (and longer than ``JUMP_MIN_M``) counts instead.
    use_distance : {"auto", "gnss", "keep"}
        ``distance_m`` from the GNSS track ("gnss"), the survey's own ("keep"), or ("auto") the
        survey's own only when ``attrs["distance_source"]`` names a measured distance (wheel,
        odometer, encoder, DMI). A measured length that differs from the GNSS path by more than
        ``WHEEL_GNSS_TOLERANCE`` (1 %) is warned about either way.
    min_quality : int
        Lowest GGA fix quality used (1 = autonomous GPS). Quality 0 ("invalid") fixes are always
        reported; pass 0 to use them anyway. Unknown quality (-1) is always used.
    max_extrapolate_traces : float, optional
        How far past the first/last usable fix positions are extrapolated, traces. Default: the
        median trace spacing between fixes (at least 1).
    beyond : {"hold", "nan"}
        Traces farther than that from any fix keep the last extrapolated position ("hold") or
        get NaN x/y/lon/lat ("nan"); either way they are reported.
    max_gap_traces : float, optional
        Fixes further apart than this many traces leave a gap that is reported. Default: 5 times
        the median trace spacing between fixes (at least 2).
    lever_arm_m : (float, float), optional
        Position of the GNSS antenna relative to the centre of the antenna array, m:
        ``(along, across)``, along positive in the direction of travel, across positive to the
        left. The track (and ``distance_m``) is that of the array centre. Default ``(0, 0)``.
    latency_s : float
        GNSS latency, s: how long after a position was valid the radar tagged a trace with it
        (positive: the fixes arrive late, so each fix belongs to an earlier trace). Converted to
        traces with the trace rate from the fix times (or the survey's ``time`` coordinate).

    Returns
    -------
    xarray.DataArray
        The survey with coords ``x``, ``y``, ``lon``, ``lat``, ``elevation_m`` (channel, trace)
        and ``distance_m`` set; attrs ``crs``, ``gnss_source``, ``gnss_qc`` (JSON-serialisable
        dict) and, when GNSS distances are used, ``distance_source = "gnss"``; one history record
        (with the lever arm and latency). Channel positions are the array centre plus
        ``offset_m`` (m, positive to the left of the direction of travel) along the left normal
        of the track. ``distance_m`` is the distance along the array centre's path, the same for
        every channel.

    Raises
    ------
    GeoreferenceError
        If no fix is usable (naming the source file and why), the CRS is not projected in
        metres, an option is invalid, or ``latency_s`` is set but no times tell the trace rate.

    Warns
    -----
    RoadHealthWarning
        Summarising quality-0, duplicate, outlier, jump, gap and extrapolated/held traces, and a
        wheel length that disagrees with the GNSS path.
    """
    along_m, across_m = _check_georeference_options(use_distance, beyond, lever_arm_m, latency_s)
    if tuple(survey.dims) != DIMS:
        raise GeoreferenceError(f"survey dims must be {DIMS}; got {tuple(survey.dims)}")
    source = fixes.source or "<GNSS fixes>"
    n_chan, n_trace = int(survey.sizes["channel"]), int(survey.sizes["trace"])

    fx_all = _fix_arrays(fixes, min_quality, source)
    if latency_s:
        fx_all.trace = fx_all.trace - _latency_traces(fx_all, survey, float(latency_s), source)
    idx, dup, keep = _deduplicate(fx_all)

    if crs is None:
        crs = utm_crs_for(_central_longitude(fx_all.lon[keep]), np.median(fx_all.lat[keep]))
    crs = _check_projected(crs, source)
    _warn_outside_area_of_use(crs, fx_all.lon[keep], fx_all.lat[keep], source)
    ft = fx_all.trace[keep]
    px, py = _transformer(GEOGRAPHIC_CRS, crs).transform(fx_all.lon[keep], fx_all.lat[keep])
    px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
    fz, fts = fx_all.elev[keep], fx_all.time[keep]

    outlier, jump, bad_seg, seg_speed, seg_dist, n_time_rev = _outliers_and_jumps(ft, px, py, fts, max_speed_m_s)
    good = ~outlier
    track = _interpolate_track(ft[good], px[good], py[good], fz[good], n_trace, max_extrapolate_traces,
                               max_gap_traces, beyond)

    offsets = (np.asarray(survey.coords["offset_m"].values, dtype=float).reshape(-1)
               if "offset_m" in survey.coords else np.zeros(n_chan))
    cx, cy, X, Y, heading_ok = _channel_positions(track, offsets, along_m, across_m)
    no_heading = bool((np.any(offsets != 0) or along_m or across_m) and not heading_ok)
    LON, LAT = _to_lonlat(X, Y, crs)
    Z = np.broadcast_to(track.z[None, :], (n_chan, n_trace)).copy()

    centre_dist = along_track_distance(cx, cy)
    distance, keep_distance, own_length = _choose_distance(survey, use_distance, centre_dist, n_chan)

    qc = {
        "source": fixes.source,
        "crs": crs,
        "n_fixes": int(fx_all.trace.size),
        "n_used": int(good.sum()),
        "min_quality": int(min_quality),
        "lever_arm_m": [along_m, across_m],
        "latency_s": float(latency_s),
        **_fix_counts(fx_all, idx, dup, min_quality),
        **_motion_report(fx_all.trace[keep], outlier, jump, bad_seg, seg_speed, seg_dist, max_speed_m_s,
                         n_time_rev),
        **_track_report(track, beyond),
        "track_length_m": float(centre_dist[-1]) if n_trace else 0.0,
        "distance": "survey" if keep_distance else "gnss",
        "notes": list(fixes.notes),
    }
    if own_length is not None:
        qc["gnss_to_survey_length_ratio"] = float(centre_dist[-1] / own_length) if own_length > 0 else None
    if no_heading:
        qc["offsets_not_applied"] = "track has no direction (stationary); channel offsets and lever arm not applied"
    _warn_quality(qc, source, beyond, no_heading)
    _warn_wheel_length(qc, own_length, source, keep_distance)

    dims2 = ("channel", "trace")
    out = survey.assign_coords(x=(dims2, X), y=(dims2, Y), lon=(dims2, LON), lat=(dims2, LAT),
                               elevation_m=(dims2, Z), distance_m=(dims2, distance))
    out.attrs = dict(survey.attrs)
    out.attrs["crs"] = crs
    out.attrs["gnss_source"] = fixes.source
    out.attrs["gnss_qc"] = qc
    if not keep_distance:
        out.attrs["distance_source"] = "gnss"
    return add_history(
        out,
        "georeference",
        source=fixes.source,
        crs=crs,
        max_speed_m_s=max_speed_m_s,
        use_distance=use_distance,
        min_quality=min_quality,
        max_extrapolate_traces=track.max_extrapolate_traces,
        beyond=beyond,
        max_gap_traces=track.max_gap_traces,
        lever_arm_m=[along_m, across_m],
        latency_s=float(latency_s),
        n_fixes=int(fx_all.trace.size),
        n_used=int(good.sum()),
    )


def _check_georeference_options(use_distance, beyond, lever_arm_m, latency_s) -> tuple[float, float]:
    """Validate the options of :func:`georeference`; returns the lever arm as ``(along_m, across_m)``."""
    if use_distance not in ("auto", "gnss", "keep"):
        raise GeoreferenceError(f"use_distance must be 'auto', 'gnss' or 'keep'; got {use_distance!r}")
    if beyond not in ("hold", "nan"):
        raise GeoreferenceError(f"beyond must be 'hold' or 'nan'; got {beyond!r}")
    return check_gnss_options(lever_arm_m, latency_s)


def check_gnss_options(lever_arm_m, latency_s) -> tuple[float, float]:
    """Validate ``lever_arm_m`` (along, across; m) and ``latency_s`` (s); returns the lever arm.

    Raises
    ------
    GeoreferenceError
        A lever arm that is not two finite numbers of metres, or a latency that is not a finite
        number of seconds within 10 s.
    """
    if lever_arm_m is None:
        lever = (0.0, 0.0)
    else:
        try:
            lever = tuple(float(v) for v in lever_arm_m)
        except (TypeError, ValueError):
            lever = ()
        if len(lever) != 2 or not all(np.isfinite(lever)):
            raise GeoreferenceError(
                f"lever_arm_m must be (along, across) in metres (GNSS antenna relative to the array "
                f"centre, along positive forward, across positive left); got {lever_arm_m!r}")
    try:
        lat = float(latency_s)
    except (TypeError, ValueError):
        lat = float("nan")
    if not (np.isfinite(lat) and abs(lat) <= 10.0):
        raise GeoreferenceError(f"latency_s must be a finite number of seconds within +-10 s; got {latency_s!r}")
    return float(lever[0]), float(lever[1])


def _fix_arrays(fixes: GnssFixes, min_quality: int, source: str) -> _Fixes:
    """Flat arrays of the fixes and which have a position and enough quality; raises when none is usable."""
    trace = np.asarray(fixes.trace, dtype=float).ravel()
    lon = np.asarray(fixes.lon, dtype=float).ravel()
    lat = np.asarray(fixes.lat, dtype=float).ravel()
    elev = np.asarray(fixes.elevation_m, dtype=float).ravel()
    quality = np.asarray(fixes.quality, dtype=int).ravel()
    ftime = np.asarray(fixes.time).astype("datetime64[ns]").ravel()
    n_fix = trace.size
    if not (lon.size == lat.size == elev.size == quality.size == ftime.size == n_fix):
        raise GeoreferenceError(f"{source}: GnssFixes arrays have different lengths")
    has_pos = np.isfinite(trace) & np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 360)
    q_ok = (quality < 0) | (quality >= min_quality)
    f = _Fixes(trace, lon, lat, elev, quality, ftime, has_pos, q_ok)
    if not (has_pos & q_ok).any():
        why = [f"{n_fix} fixes"]
        if (~has_pos).any():
            why.append(f"{int((~has_pos).sum())} without a position or trace")
        if (has_pos & ~q_ok).any():
            why.append(f"{int((has_pos & ~q_ok).sum())} below fix quality {min_quality} "
                       f"({int((has_pos & f.q0).sum())} with quality 0 = invalid)")
        hint = "; pass min_quality=0 to use quality-0 fixes anyway" if (has_pos & ~q_ok).any() else ""
        raise GeoreferenceError(f"{source}: no usable GNSS fix: {', '.join(why)}{hint}")
    return f


def _latency_traces(f: _Fixes, survey: xr.DataArray, latency_s: float, source: str) -> np.ndarray:
    """``latency_s`` in traces at each fix: latency x the local trace rate (traces per second).

    The rate comes from the fixes' own (trace, time) pairs, else from the survey's ``time``
    coordinate; it is piecewise constant between the pairs (speed changes are followed).
    """
    ok = np.isfinite(f.trace) & ~np.isnat(f.time)
    rel_t, rel_s = f.trace[ok], f.time[ok]
    if rel_t.size < 2 and "time" in survey.coords:
        tc = np.asarray(survey.coords["time"].values).reshape(-1)[: int(survey.sizes["trace"])]
        if np.issubdtype(tc.dtype, np.datetime64):
            good = ~np.isnat(tc)
            rel_t, rel_s = np.arange(tc.size, dtype=float)[good], tc[good].astype("datetime64[ns]")
    if rel_t.size >= 2:
        order = np.argsort(rel_t, kind="stable")
        rel_t = rel_t[order]
        sec = (rel_s[order] - rel_s[order][0]).astype("timedelta64[ns]").astype(np.int64) / 1e9
        inc = np.r_[True, (np.diff(rel_t) > 0) & (np.diff(sec) > 0)]
        rel_t, sec = rel_t[inc], sec[inc]
    if rel_t.size < 2:
        raise GeoreferenceError(
            f"{source}: latency_s={latency_s} needs the trace rate, but neither the fixes nor the survey have "
            "times for two traces")
    rate = np.diff(rel_t) / np.diff(sec)  # traces per second, per segment
    seg = np.clip(np.searchsorted(rel_t, f.trace, side="right") - 1, 0, rate.size - 1)
    return latency_s * rate[seg]


def _deduplicate(f: _Fixes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Usable fixes sorted by trace, without duplicates.

    Returns ``idx`` (usable fixes sorted by trace), ``dup`` (mask over ``idx``: a second fix at
    the same trace, or a stale repeat with the same time and position) and ``keep = idx[~dup]``.
    """
    idx = np.flatnonzero(f.has_pos & f.q_ok)
    idx = idx[np.argsort(f.trace[idx], kind="stable")]
    t_s, lon_s, lat_s, tm_s = f.trace[idx], f.lon[idx], f.lat[idx], f.time[idx]
    same_trace = np.r_[False, np.diff(t_s) == 0]
    same_pos = np.r_[False, (np.diff(lon_s) == 0) & (np.diff(lat_s) == 0)]
    same_time = np.r_[False, (tm_s[1:] == tm_s[:-1]) & ~np.isnat(tm_s[1:])]
    dup = same_trace | (same_pos & same_time)
    return idx, dup, idx[~dup]


def _outliers_and_jumps(ft, fx, fy, fts, max_speed_m_s: float):
    """Isolated implausible fixes (outliers) and implausible segments between good fixes (jumps).

    Returns ``outlier`` (per fix), ``jump`` and ``bad`` (per segment: a jump, or implausible
    because it touches an outlier), segment speeds and lengths, and the number of segments where
    time runs backwards.
    """
    bad_seg, seg_speed, seg_dist, n_time_rev = _bad_segments(ft, fx, fy, fts, max_speed_m_s)
    m = ft.size
    outlier = np.zeros(m, dtype=bool)
    if m >= 3:
        b_prev = np.r_[False, bad_seg]  # segment ending at fix k
        b_next = np.r_[bad_seg, False]  # segment starting at fix k
        # the bridge k-1 -> k+1 must be plausible for k to be the odd one out
        bridge_ok = np.zeros(m, dtype=bool)
        bb, _, _, _ = _bad_segments(ft[:-2], fx[:-2], fy[:-2], fts[:-2], max_speed_m_s,
                                    to=(ft[2:], fx[2:], fy[2:], fts[2:]))
        bridge_ok[1:-1] = ~bb
        outlier = b_prev & b_next & bridge_ok
        # an end fix whose only segment is bad while the next one is fine
        outlier[0] |= bad_seg[0] and not bad_seg[1]
        outlier[-1] |= bad_seg[-1] and not bad_seg[-2]
    seg_near_outlier = np.r_[outlier[:-1] | outlier[1:]] if m >= 2 else np.zeros(0, dtype=bool)
    return outlier, bad_seg & ~seg_near_outlier, bad_seg, seg_speed, seg_dist, n_time_rev


def _interpolate_track(ft, fx, fy, fz, n_trace: int, max_extrapolate_traces, max_gap_traces, beyond) -> _Track:
    """Antenna x, y, elevation at every trace from the used fixes, with extrapolation and gaps marked."""
    steps = np.diff(ft)
    med_step = float(np.median(steps)) if steps.size else 1.0
    if max_extrapolate_traces is None:
        max_extrapolate_traces = max(med_step, 1.0)
    if max_gap_traces is None:
        max_gap_traces = max(5.0 * med_step, 2.0)
    t = np.arange(n_trace, dtype=float)
    cx, extra, held = _extrapolate(t, ft, fx, float(max_extrapolate_traces), beyond)
    cy, _, _ = _extrapolate(t, ft, fy, float(max_extrapolate_traces), beyond)
    zok = np.isfinite(fz)
    cz = (_extrapolate(t, ft[zok], fz[zok], float(max_extrapolate_traces), beyond)[0] if zok.any()
          else np.full(n_trace, np.nan))
    gap_seg = steps > max_gap_traces
    in_gap = np.zeros(n_trace, dtype=bool)
    if gap_seg.any():
        # traces strictly between the two fixes of a gap segment: ft[k] < t < ft[k+1]
        k = np.searchsorted(ft, t, side="right") - 1
        kc = np.clip(k, 0, gap_seg.size - 1)
        in_gap = (k >= 0) & (k < gap_seg.size) & gap_seg[kc] & (t > ft[np.clip(k, 0, ft.size - 1)])
    return _Track(cx, cy, cz, extra, held, in_gap, gap_seg, med_step, float(max_extrapolate_traces),
                  float(max_gap_traces))


def _channel_positions(track: _Track, offsets: np.ndarray, along_m: float, across_m: float):
    """Array-centre path and channel positions from the antenna path, the lever arm and the offsets.

    Returns ``cx, cy`` (centre, per trace), ``X, Y`` (channel, trace) and whether the track has
    a direction (without one, neither the lever arm nor the offsets can be applied).
    """
    nx, ny, heading_ok = _left_normal(track.x, track.y)
    ux, uy = ny, -nx  # direction of travel: the left normal turned back by 90 degrees
    cx = track.x - along_m * ux - across_m * nx
    cy = track.y - along_m * uy - across_m * ny
    X = cx[None, :] + offsets[:, None] * nx[None, :]
    Y = cy[None, :] + offsets[:, None] * ny[None, :]
    return cx, cy, X, Y, heading_ok


def _to_lonlat(X: np.ndarray, Y: np.ndarray, crs: str):
    """Geographic lon/lat of projected positions; NaN where the position is not finite."""
    lon, lat = _transformer(crs, GEOGRAPHIC_CRS).transform(X.ravel(), Y.ravel())
    lon = np.asarray(lon, dtype=float).reshape(X.shape)
    lat = np.asarray(lat, dtype=float).reshape(X.shape)
    bad = ~(np.isfinite(X) & np.isfinite(Y))
    lon[bad | ~np.isfinite(lon)] = np.nan
    lat[bad | ~np.isfinite(lat)] = np.nan
    return lon, lat


def _choose_distance(survey: xr.DataArray, use_distance: str, centre_dist: np.ndarray, n_chan: int):
    """``distance_m`` to use, whether it is the survey's own, and the survey's measured length (or None)."""
    dist_src = str(survey.attrs.get("distance_source") or "")
    measured = any(s in dist_src.lower() for s in MEASURED_DISTANCE_SOURCES) and "distance_m" in survey.coords
    keep = (use_distance == "keep" or (use_distance == "auto" and measured)) and "distance_m" in survey.coords
    own_length = None
    if measured and survey.sizes["trace"] > 1:
        d0 = np.asarray(survey.coords["distance_m"].values, dtype=float).reshape(-1, survey.sizes["trace"])[0]
        own_length = float(d0[-1] - d0[0])
    if keep:
        return np.asarray(survey.coords["distance_m"].values, dtype=float), True, own_length
    return np.broadcast_to(centre_dist[None, :], (n_chan, centre_dist.size)).copy(), False, own_length


def _fix_counts(f: _Fixes, idx: np.ndarray, dup: np.ndarray, min_quality: int) -> dict[str, Any]:
    """QC entries about the fixes themselves: no position, quality 0, below quality, duplicates."""
    q0, has_pos, q_ok = f.q0, f.has_pos, f.q_ok
    return {
        "no_position": {"count": int((~has_pos).sum()), "fix_index": [int(i) for i in np.flatnonzero(~has_pos)]},
        "quality0": {"count": int(q0.sum()), "traces": _floats(f.trace[q0]),
                     "used": bool(min_quality <= 0 and (q0 & has_pos).any())},
        "below_min_quality": {"count": int((has_pos & ~q_ok).sum()), "traces": _floats(f.trace[has_pos & ~q_ok])},
        "duplicates": {"count": int(dup.sum()), "traces": _floats(f.trace[idx[dup]])},
    }


def _motion_report(kept_trace, outlier, jump, bad_seg, seg_speed, seg_dist, max_speed_m_s,
                   n_time_rev) -> dict[str, Any]:
    """QC entries about motion between fixes: outliers, jumps, time reversals, median speed."""
    jump_segments = [
        [float(a), float(b), round(float(d), 3), None if not np.isfinite(s) else round(float(s), 3)]
        for a, b, d, s in zip(kept_trace[:-1][jump], kept_trace[1:][jump], seg_dist[jump], seg_speed[jump],
                              strict=True)
    ]
    speeds = seg_speed[np.isfinite(seg_speed) & ~bad_seg]
    return {
        "outliers": {"count": int(outlier.sum()), "traces": _floats(kept_trace[outlier]),
                     "max_speed_m_s": float(max_speed_m_s)},
        "jumps": {"count": len(jump_segments), "segments": jump_segments,
                  "columns": ["trace_from", "trace_to", "distance_m", "speed_m_s"]},
        "time_reversals": int(n_time_rev),
        "speed_m_s_median": float(np.median(speeds)) if speeds.size else None,
    }


def _track_report(track: _Track, beyond: str) -> dict[str, Any]:
    """QC entries about the interpolated track: gaps, extrapolated and unpositioned traces."""
    return {
        "gaps": {"count": int(track.gap_segments.sum()), "n_traces": int(track.in_gap.sum()),
                 "ranges": _ranges(track.in_gap), "max_gap_traces": track.max_gap_traces},
        "extrapolated": {"n_traces": int(track.extrapolated.sum()), "ranges": _ranges(track.extrapolated),
                         "max_extrapolate_traces": track.max_extrapolate_traces},
        "unpositioned": {"n_traces": int(track.held.sum()), "ranges": _ranges(track.held), "action": beyond},
        "fix_spacing_traces_median": track.fix_spacing,
    }


def quality_problems(qc: dict[str, Any]) -> list[str]:
    """The GNSS quality problems of a ``gnss_qc`` report, one short phrase each (as warned)."""
    if qc.get("error"):
        return [str(qc["error"])]
    problems = []
    if qc.get("quality0", {}).get("count"):
        act = "used" if qc["quality0"]["used"] else "not used"
        problems.append(f"{qc['quality0']['count']} fixes of quality 0 ({act})")
    if qc.get("no_position", {}).get("count"):
        problems.append(f"{qc['no_position']['count']} fixes without position")
    if qc.get("duplicates", {}).get("count"):
        problems.append(f"{qc['duplicates']['count']} duplicate/stale fixes dropped")
    if qc.get("outliers", {}).get("count"):
        problems.append(f"{qc['outliers']['count']} outlier fixes dropped at traces {qc['outliers']['traces'][:5]}")
    if qc.get("jumps", {}).get("count"):
        a, b, d, _ = qc["jumps"]["segments"][0]
        problems.append(f"{qc['jumps']['count']} position jumps (e.g. traces {a:g}-{b:g}, {d:.1f} m)")
    if qc.get("gaps", {}).get("count"):
        problems.append(f"{qc['gaps']['count']} gaps between fixes covering {qc['gaps']['n_traces']} traces")
    if qc.get("unpositioned", {}).get("n_traces"):
        problems.append(f"{qc['unpositioned']['n_traces']} traces too far from any fix "
                        f"({qc['unpositioned'].get('action')})")
    if qc.get("time_reversals"):
        problems.append(f"{qc['time_reversals']} segments where fix time goes backwards")
    if qc.get("offsets_not_applied"):
        problems.append("channel offsets not applied (no track direction)")
    return problems


def _warn_quality(qc: dict[str, Any], source: str, beyond: str, no_heading: bool) -> None:
    problems = quality_problems(qc)
    if problems:
        warn(f"{source}: GNSS QC: " + "; ".join(problems) + " (details in attrs['gnss_qc'])")


def _warn_wheel_length(qc: dict[str, Any], own_length: float | None, source: str, keep_distance: bool) -> None:
    ratio = qc.get("gnss_to_survey_length_ratio")
    if own_length is None or ratio is None or abs(ratio - 1.0) <= WHEEL_GNSS_TOLERANCE:
        return
    warn(f"{source}: the survey wheel measured {own_length:.2f} m but the GNSS path is {qc['track_length_m']:.2f} m "
         f"({100 * (ratio - 1):+.1f} %, more than {100 * WHEEL_GNSS_TOLERANCE:g} %): check the wheel calibration "
         f"or the GNSS; distance_m is {'the wheel' if keep_distance else 'the GNSS'}'s")


def georeference_from_file(
    survey: xr.DataArray,
    gnss_path,
    parser,
    *,
    crs: str | None = None,
    lever_arm_m: tuple[float, float] | None = None,
    latency_s: float = 0.0,
    **parser_options: Any,
) -> xr.DataArray:
    """Georeference a survey with the fixes of a companion GNSS file, never failing the read.

    Readers call this for ``.DZG``, ``.cor`` and ``.GPS`` companions. A companion that cannot be
    parsed, holds no fix, or holds no usable fix leaves the survey in its local frame with a
    :class:`~roadhealth.errors.RoadHealthWarning`, and ``attrs["gnss_qc"]`` records what happened
    (``n_fixes``, ``n_used`` = 0 and ``error``), so nothing is lost silently.

    Parameters
    ----------
    gnss_path : path-like
        The companion file.
    parser : callable
        ``parser(path, **parser_options) -> GnssFixes`` (from :mod:`roadhealth.io.gnss`).
    crs : str, optional
        Target projected CRS in metres (default: the UTM zone of the data).
    lever_arm_m, latency_s
        GNSS antenna position relative to the array centre ``(along, across)``, m, and GNSS
        latency, s; see :func:`georeference`.
    """
    import os

    from roadhealth.errors import FormatError

    source = os.fspath(gnss_path)
    # the caller's own errors (a bad crs=, lever arm or latency) raise; they are never swallowed below
    check_target_crs(crs)
    check_gnss_options(lever_arm_m, latency_s)

    def _unused(n_fixes: int, error: str) -> xr.DataArray:
        error = error.removeprefix(f"{source}: ")  # the message names the file once
        warn(f"{source}: GNSS not used, survey left in a local frame: {error}")
        out = survey.copy()
        out.attrs = dict(survey.attrs)
        out.attrs["gnss_qc"] = {"source": source, "n_fixes": n_fixes, "n_used": 0, "error": error}
        return out

    try:
        fixes = parser(gnss_path, **parser_options)
    except FormatError as exc:
        return _unused(0, str(exc))
    if len(fixes) == 0:
        return _unused(0, "no GNSS fix in the file")
    try:
        out = georeference(survey, fixes, crs=crs, lever_arm_m=lever_arm_m, latency_s=latency_s)
    except GeoreferenceError as exc:
        return _unused(len(fixes), str(exc))
    out.attrs["gnss_source"] = source
    return out


def _bad_segments(ft, fx, fy, fts, max_speed, to=None):
    """Flag implausible segments between fixes ``k`` and ``k+1`` (or ``k`` and ``to[k]``).

    With times on both ends (and time advancing): speed > ``max_speed``. Otherwise: length per
    trace > ``JUMP_STEP_FACTOR`` x median and length > ``JUMP_MIN_M``.

    Returns
    -------
    bad, speed_m_s, distance_m : ndarray, shape (n_seg,)
    n_time_reversals : int
    """
    if to is None:
        a = (ft[:-1], fx[:-1], fy[:-1], fts[:-1])
        b = (ft[1:], fx[1:], fy[1:], fts[1:])
    else:
        a, b = (ft, fx, fy, fts), to
    dist = np.hypot(b[1] - a[1], b[2] - a[2])
    dtr = np.abs(b[0] - a[0])
    timed = ~np.isnat(a[3]) & ~np.isnat(b[3])
    dt = np.where(timed, (b[3] - a[3]).astype("timedelta64[ns]").astype(np.int64) / 1e9, np.nan)
    n_rev = int(np.sum(timed & (dt < 0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(
            dt > 0, dist / dt, np.where((dt == 0) & (dist > JUMP_MIN_M), np.inf, np.nan)
        )
        per_trace = np.where(dtr > 0, dist / dtr, np.inf)
    use_speed = timed & (dt >= 0) & ~np.isnan(speed)
    bad = np.where(use_speed, speed > max_speed, False)
    untimed = ~use_speed
    if untimed.any():
        finite = per_trace[np.isfinite(per_trace)]
        med = float(np.median(finite)) if finite.size else 0.0
        bad = np.where(untimed, (per_trace > JUMP_STEP_FACTOR * med) & (dist > JUMP_MIN_M), bad)
    return bad.astype(bool), speed, dist, n_rev


def _left_normal(cx: np.ndarray, cy: np.ndarray):
    """Unit vectors to the left of the direction of travel at each trace.

    Stationary traces (no direction) take the direction interpolated from their neighbours.
    Returns ``nx, ny, ok`` where ``ok`` is False when the whole track has no direction.
    """
    n = cx.size
    if n < 2:
        return np.zeros(n), np.zeros(n), False
    hx = np.gradient(np.nan_to_num(cx, nan=0.0))
    hy = np.gradient(np.nan_to_num(cy, nan=0.0))
    norm = np.hypot(hx, hy)
    scale = max(float(np.nanmax(norm)), 1e-300)
    ok = (norm > 1e-9 * scale) & np.isfinite(cx) & np.isfinite(cy) & (norm > 0)
    if not ok.any():
        return np.zeros(n), np.zeros(n), False
    t = np.arange(n, dtype=float)
    ux = np.interp(t, t[ok], hx[ok] / norm[ok])
    uy = np.interp(t, t[ok], hy[ok] / norm[ok])
    un = np.hypot(ux, uy)
    un = np.where(un > 0, un, 1.0)
    ux, uy = ux / un, uy / un
    return -uy, ux, True


# --------------------------------------------------------------------------------------------
# regularize
# --------------------------------------------------------------------------------------------


#: :func:`regularize` refuses to make more than this many traces *and* more than
#: :data:`MAX_REGULARIZE_GROWTH` times those recorded: such a count comes from a corrupt position
#: (a jump of thousands of kilometres), not from a survey, and would exhaust memory.
MAX_REGULARIZE_TRACES = 1_000_000
MAX_REGULARIZE_GROWTH = 100.0


def regularize(
    survey: xr.DataArray,
    spacing_m: float,
    *,
    method: str = "linear",
    stationary: str = "first",
    backwards: str = "drop",
    start_m: float | None = None,
    end_m: float | None = None,
) -> xr.DataArray:
    """Resample a survey along ``trace`` to uniform along-track spacing.

    The new traces lie at ``start_m + spacing_m * k`` (``k = 0, 1, ...`` up to ``end_m``), by
    default from the first to the last distance of channel 0 (``distance_m``); beyond the
    recorded range the first or last trace is repeated. Amplitudes (all channels and samples at once) and every
    per-trace coordinate are interpolated with the same indices and weights; no Python loop over
    traces. Dask-backed data stay lazy (fancy indexing along ``trace`` and elementwise
    arithmetic only).

    Parameters
    ----------
    survey : xarray.DataArray
        A survey with finite ``distance_m``.
    spacing_m : float
        New trace spacing, m (> 0).
    method : {"linear", "nearest"}
        Interpolation of amplitudes and numeric coordinates between the two neighbouring traces.
    stationary : {"first", "mean"}
        Traces recorded without moving (equal distance, within 1e-6 x spacing) are reduced to
        the first of each run, or to their mean (a stack; coords from the first).
    backwards : {"drop", "raise"}
        Traces whose distance is behind the furthest distance reached so far (the antenna moved
        backwards) are dropped with a :class:`RoadHealthWarning`, or raise.
    start_m, end_m : float, optional
        Range of the new distances, m (default: the first and last recorded distance). Marks
        more than one spacing outside it are dropped.

    Returns
    -------
    xarray.DataArray
        Same channels and samples, ``n = floor((d_last - d0) / spacing_m) + 1`` traces.
        ``distance_m`` is exactly uniform; ``mark`` values move to the nearest new trace;
        non-numeric coordinates (and ``trace_number``) take the nearest trace's value; float
        coordinates (x, y, lon, lat, elevation_m ...) and ``time`` are interpolated.
        ``attrs["trace_spacing_m"]`` is set and one history record added.

    Raises
    ------
    ProcessingError
        If ``spacing_m`` is not positive, distances are not finite, fewer than one trace remains,
        ``backwards="raise"`` and the track goes backwards, or the new traces would number more than
        :data:`MAX_REGULARIZE_TRACES` and :data:`MAX_REGULARIZE_GROWTH` times those recorded.
    """
    spacing_m = float(spacing_m)
    _check_regularize_options(survey, spacing_m, method, stationary, backwards)
    n_trace = int(survey.sizes["trace"])
    d = np.asarray(survey.coords["distance_m"].values, dtype=float)[0]
    if not np.all(np.isfinite(d)):
        raise ProcessingError("distance_m of channel 0 has non-finite values; cannot regularize")

    fwd_idx, new_run, n_back = _forward_runs(d, spacing_m, backwards)
    first_of_run = fwd_idx[new_run]
    n_stationary = int((~new_run).sum())
    dk = d[first_of_run]  # distinct forward distances, one per run of stationary traces
    if stationary == "mean" and n_stationary:
        data_base, base_index = _run_means(survey.data, fwd_idx, new_run), None  # rows are runs
    else:
        data_base, base_index = survey.data, first_of_run  # rows of the original data

    lo = float(dk[0]) if start_m is None else float(start_m)
    hi = float(dk[-1]) if end_m is None else float(end_m)
    if not (np.isfinite(lo) and np.isfinite(hi) and hi >= lo):
        raise ProcessingError(f"regularize: empty or invalid distance range {lo:g}..{hi:g} m")
    n_new = (hi - lo) / spacing_m + 1
    if n_new > MAX_REGULARIZE_TRACES and n_new > MAX_REGULARIZE_GROWTH * n_trace:
        jump = np.abs(np.diff(d))
        k = int(np.argmax(jump)) if jump.size else 0
        raise ProcessingError(
            f"regularize: {hi - lo:.6g} m at {spacing_m:g} m spacing would make {n_new:.3g} traces from {n_trace} "
            f"(the largest step of distance_m, {float(jump[k]) if jump.size else 0.0:.6g} m between traces {k} and "
            f"{k + 1}, looks corrupt); pass start_m/end_m or fix the positions")
    d_new, i0, i1, w = _grid_weights(dk, lo, hi, spacing_m, method)
    rows0, rows1 = (i0, i1) if base_index is None else (base_index[i0], base_index[i1])
    a0 = data_base[:, rows0, :]
    if method == "linear" and dk.size > 1:
        wdt = np.result_type(getattr(data_base, "dtype", float), np.float32)
        ww = w.astype(wdt)[None, :, None]
        new_data = a0 * (1 - ww) + data_base[:, rows1, :] * ww
    else:
        new_data = a0

    coords = _resampled_coords(survey, d, d_new, first_of_run[i0], first_of_run[i1], w, spacing_m)
    out = xr.DataArray(
        new_data, dims=DIMS, coords=coords, attrs=dict(survey.attrs), name=survey.name
    )
    out.attrs["trace_spacing_m"] = spacing_m
    return add_history(
        out,
        "regularize",
        spacing_m=spacing_m,
        method=method,
        stationary=stationary,
        backwards=backwards,
        start_m=start_m,
        end_m=end_m,
        n_traces_in=n_trace,
        n_traces_out=int(d_new.size),
        n_backwards_dropped=n_back,
        n_stationary=n_stationary,
    )


def _check_regularize_options(survey, spacing_m: float, method: str, stationary: str, backwards: str) -> None:
    if not np.isfinite(spacing_m) or spacing_m <= 0:
        raise ProcessingError(f"spacing_m must be a positive number of metres; got {spacing_m!r}")
    if method not in ("linear", "nearest"):
        raise ProcessingError(f"method must be 'linear' or 'nearest'; got {method!r}")
    if stationary not in ("first", "mean"):
        raise ProcessingError(f"stationary must be 'first' or 'mean'; got {stationary!r}")
    if backwards not in ("drop", "raise"):
        raise ProcessingError(f"backwards must be 'drop' or 'raise'; got {backwards!r}")
    if tuple(survey.dims) != DIMS:
        raise ProcessingError(f"survey dims must be {DIMS}; got {tuple(survey.dims)}")
    if int(survey.sizes["trace"]) == 0:
        raise ProcessingError("survey has no traces to regularize")


def _forward_runs(d: np.ndarray, spacing_m: float, backwards: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Traces that move forward and where each run of stationary ones starts.

    Returns ``fwd_idx`` (traces not behind the furthest distance reached so far), ``new_run``
    (mask over them: the first trace of a run whose distances differ by at most 1e-6 spacing)
    and the number of traces dropped for moving backwards (warned, or raised with
    ``backwards="raise"``).
    """
    behind = d < np.maximum.accumulate(d)
    n_back = int(behind.sum())
    if n_back:
        ranges = _ranges(behind)
        if backwards == "raise":
            raise ProcessingError(
                f"distance_m goes backwards at {n_back} traces (ranges {ranges[:5]})"
            )
        warn(f"regularize: {n_back} traces where the antenna moved backwards dropped (ranges {ranges[:5]})")
    fwd_idx = np.flatnonzero(~behind)
    new_run = np.r_[True, np.diff(d[fwd_idx]) > 1e-6 * spacing_m]
    return fwd_idx, new_run, n_back


def _run_means(data, fwd_idx: np.ndarray, new_run: np.ndarray):
    """Mean of every run of stationary traces (numpy or dask alike, no groupby).

    From a cumulative sum along trace: mean = (S[end] - S[start - 1]) / count; single-trace runs
    are copied exactly. Float data keep their dtype.
    """
    sub = data[:, fwd_idx, :]
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:] - 1, fwd_idx.size - 1]
    count = (ends - starts + 1).astype(float)[None, :, None]
    csum = np.cumsum(sub, axis=1, dtype=np.float64)
    before = csum[:, np.maximum(starts - 1, 0), :] * (starts > 0)[None, :, None]
    run_mean = (csum[:, ends, :] - before) / count
    out = np.where(count == 1, sub[:, starts, :], run_mean)
    if np.issubdtype(np.dtype(data.dtype), np.floating):
        out = out.astype(data.dtype)
    return out


def _grid_weights(dk: np.ndarray, lo: float, hi: float, spacing_m: float, method: str):
    """New distances ``lo + spacing_m * k`` up to ``hi`` and, for each, the two neighbouring rows of ``dk`` and the weight of the second."""
    n_new = int(np.floor((hi - lo) / spacing_m + 1e-9)) + 1
    d_new = lo + spacing_m * np.arange(n_new)
    m = dk.size
    if m > 1:
        i0 = np.clip(np.searchsorted(dk, d_new, side="right") - 1, 0, m - 2)
        i1 = i0 + 1
        w = np.clip((d_new - dk[i0]) / (dk[i1] - dk[i0]), 0.0, 1.0)
    else:
        i0 = i1 = np.zeros(n_new, dtype=int)
        w = np.zeros(n_new)
    if method == "nearest":
        i0 = np.where(w < 0.5, i0, i1)
        w = np.zeros(n_new)
    return d_new, i0, i1, w


def _resampled_coords(survey, d, d_new, orig_rows0, orig_rows1, w, spacing_m: float) -> dict[str, Any]:
    """Every coordinate on the new traces: distance exact, marks moved, floats and times interpolated, others nearest."""
    n_new = d_new.size
    nearest_rows = np.where(w < 0.5, orig_rows0, orig_rows1)
    coords: dict[str, Any] = {}
    for name, c in survey.coords.items():
        if "trace" not in c.dims:
            coords[name] = c.variable
            continue
        vals = np.asarray(c.values)
        ax = c.dims.index("trace")
        if name == "distance_m":
            same = np.all(vals == vals[:1])
            new_vals = (
                np.broadcast_to(d_new, (*vals.shape[:ax], n_new, *vals.shape[ax + 1 :])).copy()
                if same
                else _lerp(vals, ax, orig_rows0, orig_rows1, w)
            )
        elif name == "mark":
            new_vals = _move_marks(vals, ax, d, d_new, spacing_m)
        elif name != "trace_number" and (
            np.issubdtype(vals.dtype, np.floating) or np.issubdtype(vals.dtype, np.datetime64)
        ):
            new_vals = _lerp(vals, ax, orig_rows0, orig_rows1, w)
        else:
            new_vals = np.take(vals, nearest_rows, axis=ax)
        coords[name] = (c.dims, new_vals)
    return coords


def _lerp(vals: np.ndarray, ax: int, r0: np.ndarray, r1: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Linear interpolation between rows ``r0`` and ``r1`` of ``vals`` along axis ``ax``."""
    shape = [1] * vals.ndim
    shape[ax] = w.size
    ww = w.reshape(shape)
    if np.issubdtype(vals.dtype, np.datetime64):
        v = vals.astype("datetime64[ns]")
        nat = np.take(np.isnat(v), r0, axis=ax) | np.take(np.isnat(v), r1, axis=ax)
        iv = v.astype(np.int64).astype(float)
        a, b = np.take(iv, r0, axis=ax), np.take(iv, r1, axis=ax)
        res = np.round(a + (b - a) * ww).astype(np.int64).astype("datetime64[ns]")
        res[nat] = np.datetime64("NaT")
        return res
    a, b = np.take(vals, r0, axis=ax), np.take(vals, r1, axis=ax)
    res = a * (1.0 - ww) + b * ww
    return np.where(ww == 0, a, np.where(ww == 1, b, res))


def _move_marks(
    vals: np.ndarray, ax: int, d: np.ndarray, d_new: np.ndarray, spacing_m: float
) -> np.ndarray:
    """Move every marked trace's mark to the new trace nearest its distance."""
    v = np.moveaxis(vals, ax, -1)
    if v.dtype.kind in "US":
        marked = v != ""
    elif v.dtype.kind == "O":
        marked = np.array([bool(x) for x in v.ravel()], dtype=bool).reshape(v.shape)
    else:
        marked = v != 0
    out = np.zeros((*v.shape[:-1], d_new.size), dtype=v.dtype)
    if v.dtype.kind == "O":
        out[...] = None
    j = np.clip(np.rint((d - d_new[0]) / spacing_m), 0, d_new.size - 1).astype(int)
    # marks more than one spacing outside the new range (cropped away) are dropped
    covered = (d >= d_new[0] - spacing_m) & (d <= d_new[-1] + spacing_m)
    any_mark = marked.reshape(-1, v.shape[-1]).any(axis=0) & covered
    src = np.flatnonzero(any_mark)
    out[..., j[src]] = v[..., src]
    return np.moveaxis(out, -1, ax)
