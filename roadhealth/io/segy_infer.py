"""The GPR guesswork of SEG-Y reading: sample interval, coordinate units, channel offsets, metadata.

:mod:`roadhealth.io.segy` reads and writes the format's exact byte layout. SEG-Y was never meant
for radar, so what a GPR exporter meant has to be inferred from a few fields and the free text of
the textual header; that inference lives here, apart from the layout, and every guess is
recorded (``attrs["header"]["dt_source"]``, ``"notes"``) and warned about:

* the sample interval: the standard's microseconds cannot hold a GPR interval, so exporters
  write picoseconds, whole nanoseconds, the rev 2 extended double, or only a sentence
  (:func:`resolve_dt`); full-wave simulation exports write whole picoseconds with time zero at
  the source;
* coordinates: scaled integers in metres, feet, arc seconds, degrees or DMS (:func:`coordinates`);
* channel offsets, instrument and antenna frequency from the textual header.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from roadhealth.errors import FormatError
from roadhealth.io._common import antenna_mhz_from_name, warn

__all__ = [
    "DT_PLAUSIBLE_NS",
    "Positions",
    "antenna_mhz_from_text",
    "check_interval_unit",
    "coordinates",
    "instrument_from_text",
    "resolve_dt",
    "resolve_offsets",
]

#: Plausible GPR sample intervals, ns: 1 ps (full-wave simulations of high-frequency antennas
#: export whole picoseconds) to 5 ns (a 100 MHz sampling rate, for the lowest-frequency antennas).
DT_PLAUSIBLE_NS = (0.001, 5.0)

#: Mean Earth radius, m (IUGG mean radius R1 of WGS84), for the local tangent-plane offsets.
EARTH_RADIUS_M = 6_371_008.8

_COORD_PAIRS = (("CDP_X", "CDP_Y"), ("SourceX", "SourceY"), ("GroupX", "GroupY"))

_NUM = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?)"
_DT_RES = (
    re.compile(
        r"\b(?:SAMPLE|SAMPLING)\s*(?:INTERVAL|RATE|PERIOD|TIME|STEP)?\b[^0-9+\-.\n]{0,24}?"
        + _NUM
        + r"\s*(NS|PS|US|µS|NSEC|PSEC)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:DT|TIME\s*STEP|TIME\s*INTERVAL)\s*[:=]?\s*" + _NUM + r"\s*(NS|PS|US|µS|NSEC|PSEC)\b",
        re.IGNORECASE,
    ),
)
#: ... and with the unit first: "SAMPLE INTERVAL (NS): 0.05"
_DT_UNIT_FIRST_RE = re.compile(
    r"\b(?:SAMPLE|SAMPLING)\s*(?:INTERVAL|PERIOD|TIME|STEP)\s*[(\[]\s*(NS|PS|US|µS|NSEC|PSEC)\s*[)\]]"
    r"[^0-9+\-.\n]{0,6}?" + _NUM,
    re.IGNORECASE,
)
_FREQ_RE = re.compile(
    r"\bSAMPLING\s*(?:FREQUENCY|RATE)\b[^0-9\n]{0,12}" + _NUM + r"\s*(GHZ|MHZ)\b", re.IGNORECASE
)
#: ... and with the unit first: "SAMPLING FREQUENCY (GHZ): 20"
_FREQ_UNIT_FIRST_RE = re.compile(
    r"\bSAMPLING\s*(?:FREQUENCY|RATE)\s*[(\[]\s*(GHZ|MHZ)\s*[)\]][^0-9+\-.\n]{0,6}?" + _NUM, re.IGNORECASE
)
_T0_RE = re.compile(r"\bTIME\s+OF\s+FIRST\s+SAMPLE\s*[:=]?\s*" + _NUM + r"\s*NS\b", re.IGNORECASE)
_ANTENNA_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(MHZ|GHZ)\b", re.IGNORECASE)
_INSTRUMENT_RE = re.compile(
    r"\b(?:INSTRUMENT|SYSTEM|RADAR|EQUIPMENT)\s*[:=]\s*(\S.*?)\s*$", re.IGNORECASE
)
_CRS_RE = re.compile(r"\bCRS\s*[:=]\s*(\S.*?)\s*$", re.IGNORECASE)
_OFFSETS_RE = re.compile(r"\bCHANNEL\s+OFFSETS\s+M\s+(\d+)-(\d+)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_SPACING_RE = re.compile(
    r"\b(?:LINE|CHANNEL)\s+SPACING\s*[:=]?\s*" + _NUM + r"\s*M\b", re.IGNORECASE
)
_LENGTH_UNIT = r"(MILLIMET(?:ER|RE)S?|CENTIMET(?:ER|RE)S?|MET(?:ER|RE)S?|MM|CM|M)"
_TRACE_STEP_KEY = (r"\b(?:TRACE\s*(?:SPACING|INTERVAL|STEP|INCREMENT)|SCAN\s*(?:SPACING|INTERVAL|STEP)|STEP\s*SIZE"
                   r"|SPATIAL\s*(?:SAMPLING|INTERVAL|STEP)|DISTANCE\s+(?:PER|BETWEEN)\s+(?:TRACES?|SCANS?))\b")
_TRACE_STEP_RE = re.compile(  # "TRACE SPACING 0.05 M", "trace interval: 2 cm"
    _TRACE_STEP_KEY + r"[^0-9+\-.(\n]{0,12}?" + _NUM + r"\s*" + _LENGTH_UNIT + r"\b", re.IGNORECASE)
_TRACE_STEP_UNIT_FIRST_RE = re.compile(  # "TRACE SPACING (M): 0.05"
    _TRACE_STEP_KEY + r"\s*[(\[]\s*" + _LENGTH_UNIT + r"\s*[)\]][^0-9+\-.\n]{0,6}?" + _NUM, re.IGNORECASE)
_PER_METRE_RE = re.compile(
    r"\b(?:TRACES|SCANS)\s*(?:PER|/)\s*(?:MET(?:ER|RE)|M)\b[^0-9+\-.\n]{0,12}?" + _NUM, re.IGNORECASE
)
#: Trace spacings a textual header may state, m (a value outside is another distance).
TEXT_SPACING_RANGE_M = (0.001, 2.0)
_VENDORS = (
    "GSSI",
    "MALA",
    "SENSORS & SOFTWARE",
    "PULSEEKKO",
    "IDS",
    "IMPULSERADAR",
    "3D-RADAR",
    "GEOSCANNERS",
)
_UNIT_TO_NS = {"NS": 1.0, "NSEC": 1.0, "PS": 1e-3, "PSEC": 1e-3, "US": 1e3, "µS": 1e3}

#: ns per unit of the integer interval fields, for ``interval_unit=``.
INTERVAL_UNITS = {"us": 1e3, "ns": 1.0, "ps": 1e-3}

#: A recording window longer than this (ns) is beyond any GPR: an integer interval of 1-4 that
#: would give one as nanoseconds is read as picoseconds (a full-wave simulation export).
MAX_GPR_WINDOW_NS = 10_000.0


def _dt_text(lines: list[str]) -> list[float]:
    found: list[float] = []
    for ln in lines:
        for rx in _DT_RES:
            for m in rx.finditer(ln):
                value = float(m.group(1)) * _UNIT_TO_NS[m.group(2).upper().replace("Μ", "µ")]
                if value > 0 and math.isfinite(value):
                    found.append(value)
        for m in _DT_UNIT_FIRST_RE.finditer(ln):
            value = float(m.group(2)) * _UNIT_TO_NS[m.group(1).upper().replace("Μ", "µ")]
            if value > 0 and math.isfinite(value):
                found.append(value)
        freqs = [(m.group(1), m.group(2)) for m in _FREQ_RE.finditer(ln)]
        freqs += [(m.group(2), m.group(1)) for m in _FREQ_UNIT_FIRST_RE.finditer(ln)]
        for num, unit in freqs:
            f = float(num) * (1.0 if unit.upper() == "GHZ" else 1e-3)
            if f > 0 and math.isfinite(f):
                found.append(1.0 / f)
    return found


def _plausible(dt: float) -> bool:
    return DT_PLAUSIBLE_NS[0] * (1 - 1e-9) <= dt <= DT_PLAUSIBLE_NS[1] * (1 + 1e-9)


def _integer_interval(b: dict, th: np.ndarray) -> tuple[int, str, str]:
    """The integer interval: value, field name and a description of where it was found."""
    if int(b["Interval"]) > 0:
        return int(b["Interval"]), "Interval", "binary header Interval (bytes 3217-3218)"
    vals = th["TRACE_SAMPLE_INTERVAL"].astype(np.int64)
    vals = vals[vals > 0]
    if vals.size:
        field = "TRACE_SAMPLE_INTERVAL"
        return (
            int(np.bincount(vals).argmax()),
            field,
            "trace header TRACE_SAMPLE_INTERVAL (bytes 117-118)",
        )
    return 0, "Interval", "binary header Interval"


def check_interval_unit(interval_unit: str | None) -> None:
    """Refuse an ``interval_unit`` that is not None, "us", "ns" or "ps"."""
    if interval_unit is not None and interval_unit not in INTERVAL_UNITS:
        raise ValueError(f"interval_unit must be None (infer), 'us', 'ns' or 'ps'; got {interval_unit!r}")


def resolve_dt(
    path, dt_ns, b, rev, lines, th, notes, *, n_samples: int, interval_unit: str | None = None,
    exact_text: bool = False,
) -> tuple[float, str, float]:
    """Sample interval (ns), how it was found, and the time of the first sample (ns).

    The rules are listed in :func:`roadhealth.io.segy.read_segy`. ``interval_unit`` says what
    the integer interval fields hold ("us", "ns", "ps") when the file does not say it otherwise;
    ``exact_text``: the textual header was written by :func:`~roadhealth.io.segy.write_segy`
    (shortest round-trip decimals), so any difference from the rev 2 field is a conflict;
    otherwise 1 ppm is tolerated.
    """
    rel_tol = 1e-12 if exact_text else 1e-6
    t0_text = first_match(_T0_RE, lines)
    t0 = float(t0_text) if t0_text is not None else 0.0
    if not math.isfinite(t0):
        t0 = 0.0
    all_text_dts = _dt_text(lines)
    text_dts = [v for v in all_text_dts if _plausible(v)]
    if len(text_dts) < len(all_text_dts):
        implausible = [v for v in all_text_dts if not _plausible(v)]
        notes.append(f"textual header sample interval(s) {implausible} ns implausible for GPR; ignored")
        warn(f"{path}: the textual header states a sample interval of {implausible} ns, outside the "
             f"{DT_PLAUSIBLE_NS[0]}-{DT_PLAUSIBLE_NS[1]} ns plausible for GPR; ignored (pass dt_ns= to override)")
    text_dt = text_dts[0] if text_dts else None
    if text_dts and not np.allclose(text_dts, text_dt, rtol=1e-6):
        warn(f"{path}: the textual header states several sample intervals {text_dts} ns; using {text_dt} ns")
    ival, ival_name, ival_field = _integer_interval(b, th)

    if dt_ns is not None:
        return float(dt_ns), "argument", t0

    def conflict(dt: float, source: str) -> None:
        if text_dt is not None and not math.isclose(dt, text_dt, rel_tol=rel_tol):
            warn(f"{path}: sample interval {dt} ns from the {source} disagrees with {text_dt} ns stated in the "
                 "textual header; using the former (pass dt_ns= to override)")
            notes.append(f"textual header states dt {text_dt} ns")

    ext = float(b["ExtInterval"])
    if rev >= 2 and math.isfinite(ext) and ext > 0:
        for factor, unit, inferred in ((1e3, "us", False), (1.0, "ns", True), (1e-3, "ps", True)):
            dt = float(f"{ext * factor:.15g}")  # drop the noise of the µs <-> ns conversion
            if _plausible(dt):
                source = f"binary header ExtInterval (rev 2, bytes 3273-3280) in {unit}"
                if inferred:
                    warn(f"{path}: rev 2 extended sample interval {ext!r} is implausible in microseconds; read as "
                         f"{unit}: dt = {dt} ns")
                conflict(dt, source)
                return dt, source, t0
        notes.append(f"rev 2 extended sample interval {ext!r} is implausible for GPR; ignored")
        warn(f"{path}: rev 2 extended sample interval {ext!r} µs is implausible for GPR; ignored")

    if text_dt is not None:
        if ival and not (
            abs(ival - text_dt * 1e3) < 1 or abs(ival - text_dt) < 1 or ival == round(text_dt / 1e3)
        ):
            warn(f"{path}: {ival_field} = {ival} matches neither ps, ns nor µs of the {text_dt} ns stated in the "
                 "textual header; using the textual header")
            notes.append(f"{ival_field} = {ival} contradicts the textual header")
        return text_dt, "textual header", t0

    if ival == 0:
        raise FormatError(
            path,
            "Interval",
            "no sample interval in the binary header (0), the trace headers, the rev 2 extended field or the "
            "textual header; pass dt_ns=",
        )
    if interval_unit is not None:
        dt = float(f"{ival * INTERVAL_UNITS[interval_unit]:.15g}")
        if not _plausible(dt):
            raise FormatError(path, ival_name, f"{ival} {interval_unit} is {dt} ns, outside the "
                              f"{DT_PLAUSIBLE_NS[0]}-{DT_PLAUSIBLE_NS[1]} ns plausible for GPR; pass dt_ns=")
        return dt, f"{ival_field} in {interval_unit} (interval_unit)", t0
    dt, unit, why = _infer_interval_unit(path, ival, ival_name, n_samples, antenna_mhz_from_text(lines))
    warn(f"{path}: sample interval inferred from {ival_field} = {ival} read as {unit}{why}: dt = {dt} ns "
         "(pass interval_unit= or dt_ns= if this is wrong)")
    return dt, f"{ival_field} as {unit.split(' ')[0]}", t0


def _infer_interval_unit(path, ival: int, field: str, n_samples: int, antenna_mhz: float | None):
    """Read an integer interval (no other source of dt) as picoseconds or nanoseconds.

    5-5000 can only be picoseconds (as ns, 5-5000 ns is no GPR interval). 1-4 are whole
    nanoseconds for a low-frequency GPR, or whole picoseconds for a full-wave simulation export:
    picoseconds when, as nanoseconds, the recording window would exceed
    :data:`MAX_GPR_WINDOW_NS` or the antenna frequency stated in the textual header would be
    above the Nyquist frequency; otherwise nanoseconds.

    Returns ``(dt_ns, unit, reason)``.
    """
    if 5 <= ival <= 5000:
        return ival / 1000.0, "picoseconds (ns x 1000)", ""
    if not 1 <= ival <= 4:
        raise FormatError(
            path,
            field,
            f"sample interval {ival} is implausible for GPR as microseconds, nanoseconds or picoseconds "
            f"(expected {DT_PLAUSIBLE_NS[0]}-{DT_PLAUSIBLE_NS[1]} ns); pass dt_ns=",
        )
    window_ns = ival * n_samples
    if window_ns > MAX_GPR_WINDOW_NS:
        return ival / 1000.0, "picoseconds", (f" (as ns, {n_samples} samples would span {window_ns:g} ns, beyond any "
                                              "GPR window: a full-wave simulation export)")
    if antenna_mhz and ival > 1000.0 / (2.0 * antenna_mhz):
        return ival / 1000.0, "picoseconds", (f" (as ns, the {antenna_mhz:g} MHz antenna of the textual header would "
                                              "be above the Nyquist frequency)")
    return float(ival), "nanoseconds", " (picoseconds, as full-wave simulation exports write, would need interval_unit='ps')"


@dataclass
class Positions:
    """Trace positions decoded from the trace headers, for :func:`roadhealth.io.segy.read_segy`."""

    x: np.ndarray | None = None  # (channel, trace) in ``crs`` (None: no projected coordinates)
    y: np.ndarray | None = None
    distance: np.ndarray | None = None  # (channel, trace), m; None: the trace index
    crs: str | None = None
    local_xy: np.ndarray | None = None  # (channel, trace, 2) metric, for channel offsets
    lonlat: dict[str, Any] = field(default_factory=dict)  # "lon"/"lat" coordinates
    source: str | None = None  # e.g. "CDP_X/CDP_Y"
    units: int = 1  # CoordinateUnits code

    @property
    def units_name(self) -> str | None:
        if self.source is None:
            return None
        return {0: "length", 1: "length", 2: "arc seconds", 3: "degrees", 4: "DMS"}.get(self.units)


def coordinates(path, hdr: np.ndarray, b: dict, lines: list[str], crs: str | None, notes: list[str]) -> Positions:
    """Positions of every trace from the trace headers ``hdr`` (channel, trace), units inferred.

    Length units (0/1) are metres, or feet when the binary header's MeasurementSystem is 2
    (distances converted, x/y left in feet, warned); 2, 3, 4 are arc seconds, degrees and DMS,
    kept as lon/lat and projected into ``crs`` when it is given. The CRS of length coordinates is
    ``crs``, else the textual header's ``CRS:`` line, else None (noted).
    """
    source, units = _pick_coordinates(hdr)
    if source is None:
        notes.append("no coordinates in the trace headers")
        return Positions()
    cx, cy = _scaled_coordinates(path, hdr, source)
    if units in (0, 1):
        return _length_positions(path, cx, cy, b, lines, crs, notes, source, units)
    return _geographic_positions(path, cx, cy, crs, notes, source, units)


def _length_positions(path, cx, cy, b, lines, crs, notes, source, units) -> Positions:
    stated_crs = first_match(_CRS_RE, lines)
    if stated_crs is not None and stated_crs.strip().upper() in ("LOCAL", "NONE", "UNKNOWN", ""):
        stated_crs = None
    to_m = 1.0
    if int(b["MeasurementSystem"]) == 2:
        to_m = 0.3048
        warn(f"{path}: binary header MeasurementSystem = 2 (feet): distances and offsets converted to "
             "metres; x/y left in feet")
        notes.append("coordinates in feet; distance_m and offset_m converted to metres")
    crs_out = crs if crs is not None else stated_crs
    if crs is None and stated_crs is not None:
        notes.append(f"crs {stated_crs!r} taken from the textual header")
    elif crs_out is None:
        notes.append("no crs given or stated: x/y are in a local or unknown frame (crs None)")
    local_xy = np.stack([cx * to_m, cy * to_m], axis=-1)
    steps = np.hypot(np.diff(local_xy[..., 0], axis=1), np.diff(local_xy[..., 1], axis=1))
    distance = np.concatenate([np.zeros((cx.shape[0], 1)), np.cumsum(steps, axis=1)], axis=1)
    return Positions(cx, cy, distance, crs_out, local_xy, {}, source, units)


def _geographic_positions(path, cx, cy, crs, notes, source, units) -> Positions:
    if units == 4:
        lon, lat = _dms_to_degrees(cx), _dms_to_degrees(cy)
    elif units == 2:
        lon, lat = cx / 3600.0, cy / 3600.0
    else:
        lon, lat = cx, cy
    if not (np.all(np.abs(lat) <= 90) and np.all(np.abs(lon) <= 360)):
        raise FormatError(
            path,
            "CoordinateUnits",
            f"units {units} (geographic) but latitudes reach {np.abs(lat).max()}",
        )
    lat0 = math.radians(float(np.mean(lat)))
    local_xy = np.stack(
        [
            EARTH_RADIUS_M * math.cos(lat0) * np.radians(lon - np.mean(lon)),
            EARTH_RADIUS_M * np.radians(lat - np.mean(lat)),
        ],
        axis=-1,
    )
    x = y = None
    if crs is not None:
        from pyproj import Transformer

        tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        x, y = (np.asarray(v, dtype=float) for v in tr.transform(lon, lat))
    else:
        notes.append(
            "geographic coordinates kept as lon/lat; x/y are the local frame (crs None); "
            "pass crs= to project them"
        )
    lonlat = {"lon": (("channel", "trace"), lon), "lat": (("channel", "trace"), lat)}
    return Positions(x, y, _geodesic_distance(lon, lat), crs, local_xy, lonlat, source, units)


def _pick_coordinates(hdr: np.ndarray) -> tuple[str | None, int]:
    """First coordinate pair that is not all zero, and the coordinate units code."""
    for fx, fy in _COORD_PAIRS:
        if np.any(hdr[fx] != 0) or np.any(hdr[fy] != 0):
            return f"{fx}/{fy}", int(
                np.bincount(np.clip(hdr["CoordinateUnits"].ravel(), 0, 4).astype(np.int64)).argmax()
            )
    return None, 1


def _scaled_coordinates(path, hdr: np.ndarray, source: str) -> tuple[np.ndarray, np.ndarray]:
    units = hdr["CoordinateUnits"]
    if np.any((units < 0) | (units > 4)) or np.unique(np.where(units == 0, 1, units)).size > 1:
        raise FormatError(
            path,
            "CoordinateUnits",
            f"expected one of 0-4 on every trace; got {np.unique(units)[:8]}",
        )
    scalar = hdr["SourceGroupScalar"].astype(np.float64)
    factor = np.ones_like(scalar)  # 0: no scaling
    factor[scalar > 0] = scalar[scalar > 0]  # positive: multiply
    factor[scalar < 0] = 1.0 / -scalar[scalar < 0]  # negative: divide
    fx, fy = source.split("/")
    return hdr[fx].astype(np.float64) * factor, hdr[fy].astype(np.float64) * factor


def _dms_to_degrees(v: np.ndarray) -> np.ndarray:
    """±DDDMMSS.ss to decimal degrees."""
    a = np.abs(v)
    d = np.floor(a / 10000.0)
    m = np.floor((a - d * 10000.0) / 100.0)
    s = a - d * 10000.0 - m * 100.0
    return np.sign(v) * (d + m / 60.0 + s / 3600.0)


def _geodesic_distance(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    from pyproj import Geod

    _, _, step = Geod(ellps="WGS84").inv(lon[:, :-1], lat[:, :-1], lon[:, 1:], lat[:, 1:])
    step = np.asarray(step, dtype=float).reshape(lon.shape[0], -1)
    return np.concatenate([np.zeros((lon.shape[0], 1)), np.cumsum(step, axis=1)], axis=1)


def resolve_offsets(path, lines, n_chan, local_xy, notes) -> tuple[np.ndarray, str]:
    stated = _stated_offsets(lines)
    if stated is not None and stated.size == n_chan:
        return stated, "textual header"
    if n_chan == 1:
        return np.zeros(1), "single channel"
    if local_xy is not None:
        centre = local_xy.mean(axis=0)  # (n_trace, 2)
        direction = np.gradient(centre, axis=0) if centre.shape[0] > 1 else np.zeros_like(centre)
        norm = np.hypot(direction[:, 0], direction[:, 1])
        ok = norm > 0
        if ok.any():
            u = direction[ok] / norm[ok, None]
            rel = local_xy[:, ok, :] - centre[None, ok, :]
            left = u[None, :, 0] * rel[..., 1] - u[None, :, 1] * rel[..., 0]
            return np.median(
                left, axis=1
            ), "coordinates (perpendicular distance from the centre line)"
    spacing = first_match(_SPACING_RE, lines)
    if spacing is not None:
        sp = float(spacing)
        warn(f"{path}: channel offsets from the stated line spacing {sp} m, assuming channel numbers increase to the left")
        return (np.arange(n_chan) - (n_chan - 1) / 2.0) * sp, "textual header line spacing"
    warn(f"{path}: {n_chan} lines but no coordinates or line spacing: offset_m set to 0 for every channel")
    notes.append("channel offsets unknown; set to 0")
    return np.zeros(n_chan), "unknown (0)"


def _stated_offsets(lines: list[str]) -> np.ndarray | None:
    parts: dict[int, list[float]] = {}
    for ln in lines:
        m = _OFFSETS_RE.search(ln)
        if not m:
            continue
        first, last = int(m.group(1)), int(m.group(2))
        try:
            vals = [float(v) for v in m.group(3).split()]
        except ValueError:
            return None
        if len(vals) != last - first + 1:
            return None
        parts[first] = vals
    if not parts:
        return None
    out: list[float] = []
    for first in sorted(parts):
        if first != len(out) + 1:
            return None
        out.extend(parts[first])
    arr = np.asarray(out, dtype=float)
    return arr if np.all(np.isfinite(arr)) else None


def trace_spacing_from_text(lines: list[str]) -> tuple[float, str] | None:
    """The along-track trace spacing, m, and the line stating it, from the textual header: "TRACE
    SPACING 0.05 M", "trace interval: 2 cm", "step size 20 mm", "spatial sampling 0.02 metres",
    "TRACE SPACING (M): 0.05", "distance per trace 0.05 m", "SCANS PER METER 50"; None when no line
    states one within :data:`TEXT_SPACING_RANGE_M` (a length needs its unit; a channel's "LINE
    SPACING" is not a trace spacing, nor a "TRACE DISTANCE" from the start of the line)."""
    lo, hi = TEXT_SPACING_RANGE_M
    for ln in lines:
        value = None
        m = _TRACE_STEP_RE.search(ln)
        if m:
            value = float(m.group(1)) * _length_scale(m.group(2))
        else:
            m = _TRACE_STEP_UNIT_FIRST_RE.search(ln)
            if m:
                value = float(m.group(2)) * _length_scale(m.group(1))
            else:
                m = _PER_METRE_RE.search(ln)
                if m and float(m.group(1)) > 0:
                    value = 1.0 / float(m.group(1))
        if value is not None and math.isfinite(value) and lo <= value <= hi:
            return value, ln.strip()
    return None


def _length_scale(unit: str) -> float:
    u = unit.upper()
    return 1e-3 if u.startswith(("MM", "MILLI")) else 1e-2 if u.startswith(("CM", "CENTI")) else 1.0


def instrument_from_text(lines: list[str]) -> str:
    value = first_match(_INSTRUMENT_RE, lines)
    if value and value.upper() not in ("UNKNOWN", "NONE"):
        return value
    for ln in lines:
        for vendor in _VENDORS:
            if vendor in ln.upper():
                return vendor
    return ""


def antenna_mhz_from_text(lines: list[str]) -> float | None:
    for ln in lines:
        if "SAMPLING" in ln.upper():
            continue
        if "ANTENNA" in ln.upper() or "FREQ" in ln.upper():
            m = _ANTENNA_RE.search(ln)
            if m:
                return antenna_mhz_from_name(m.group(0))
    for ln in lines:
        if "SAMPLING" not in ln.upper():
            m = _ANTENNA_RE.search(ln)
            if m:
                return antenna_mhz_from_name(m.group(0))
    return None


def first_match(regex: re.Pattern, lines: list[str]) -> str | None:
    for ln in lines:
        m = regex.search(ln)
        if m:
            return m.group(1)
    return None
