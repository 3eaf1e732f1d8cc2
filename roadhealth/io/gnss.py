"""GNSS fixes: parsing NMEA sentences and the vendors' coordinate files.

A :class:`GnssFixes` holds fixes tied to (fractional) trace indices; it is what every reader
hands to :func:`roadhealth.io.georef.georeference`.

Readers here
------------
* :func:`parse_nmea` -- ``$xxGGA`` and ``$xxRMC`` sentences (any talker) to plain records.
* :func:`read_dzg` -- GSSI ``.DZG`` (``$GSSIS,<scan>,...`` followed by NMEA; trace = scan).
* :func:`read_mala_cor` -- MALA ``.cor`` (tab-separated; 1-based trace numbers).
* :func:`read_sensors_gps` -- Sensors & Software pulseEKKO ``.GPS`` (``Trace #N`` blocks).
* :func:`read_nmea_file` -- a plain NMEA log with no trace numbers (tie with :func:`tie_by_time`).

Nothing here raises a bare ``IndexError``/``ValueError`` on bad input: a corrupt sentence is
skipped and counted in ``notes``; a file that cannot be read at all raises
:class:`roadhealth.errors.FormatError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from roadhealth.errors import FormatError

__all__ = [
    "GnssFixes",
    "NmeaSentences",
    "fixes_from_nmea",
    "nmea_checksum",
    "parse_nmea",
    "read_dzg",
    "read_mala_cor",
    "read_nmea_file",
    "read_sensors_gps",
    "tie_by_time",
]

#: Largest GNSS companion file read into memory, bytes.
MAX_TEXT_BYTES = 512 * 2**20

_NS_PER_S = 1_000_000_000
_SECONDS_PER_DAY = 86_400.0


@dataclass
class GnssFixes:
    """GNSS fixes tied to traces of one file.

    Attributes
    ----------
    trace : ndarray of float, shape (n,)
        0-based trace index each fix belongs to (may be fractional, or lie outside the file when a
        file was cut).
    lon, lat : ndarray of float, shape (n,)
        WGS84 / CGCS2000 geographic coordinates, degrees (east and north positive).
    elevation_m : ndarray of float, shape (n,)
        Height above mean sea level, m (NaN when the receiver gave none).
    time : ndarray of datetime64[ns], shape (n,)
        UTC time of the fix (NaT when unknown).
    quality : ndarray of int, shape (n,)
        GGA fix quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float); -1 when unknown.
    n_satellites : ndarray of int, shape (n,); -1 when unknown.
    hdop : ndarray of float, shape (n,); NaN when unknown.
    source : str
        The file the fixes came from.
    notes : list of str
        What the reader skipped, repaired or assumed (bad checksums, missing dates ...).
    accuracy_m : ndarray of float, shape (n,), optional
        Horizontal accuracy the instrument reported, m (MALA ``.cor``); None when not given.
    """

    trace: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    elevation_m: np.ndarray
    time: np.ndarray
    quality: np.ndarray
    n_satellites: np.ndarray
    hdop: np.ndarray
    source: str = ""
    notes: list[str] = field(default_factory=list)
    accuracy_m: np.ndarray | None = None

    def __len__(self) -> int:
        return int(np.asarray(self.trace).size)


# --------------------------------------------------------------------------------------------
# NMEA sentences
# --------------------------------------------------------------------------------------------

#: ``$`` + talker (2 letters: GP, GN, GL, BD, GB, GA ...) + sentence type.
_ADDRESS = re.compile(r"^([A-Z]{2})(GGA|RMC)$")


class NmeaSentences(list):
    """A list of parsed sentence records (dicts) that also remembers what was skipped.

    Attributes
    ----------
    skipped : dict of str to list of int
        Reason (``"checksum"``, ``"malformed"``) -> 0-based line numbers of skipped sentences.
    n_ignored : int
        Other NMEA sentences (GSV, GSA, VTG ...) seen and deliberately ignored.
    """

    def __init__(self, records: Iterable[dict] = ()):
        super().__init__(records)
        self.skipped: dict[str, list[int]] = {"checksum": [], "malformed": []}
        self.n_ignored = 0

    @property
    def n_bad_checksum(self) -> int:
        """Number of sentences skipped because their checksum did not match."""
        return len(self.skipped["checksum"])

    def summary_notes(self, source: str = "") -> list[str]:
        """Human-readable notes about the skipped sentences (empty when none were skipped)."""
        where = f"{source}: " if source else ""
        out = []
        for reason, lines in self.skipped.items():
            if lines:
                shown = ", ".join(str(i + 1) for i in lines[:10]) + (
                    " ..." if len(lines) > 10 else ""
                )
                what = "bad checksum" if reason == "checksum" else "malformed fields"
                out.append(f"{where}{len(lines)} NMEA sentence(s) skipped, {what} (line {shown})")
        return out


def _checksum_ok(body: str, given: str) -> bool:
    """XOR of the characters between ``$`` and ``*`` against the two hex digits after ``*``."""
    given = given.strip()[:2]
    if len(given) != 2:
        return False
    try:
        expected = int(given, 16)
    except ValueError:
        return False
    acc = 0
    for ch in body.encode("latin-1", errors="replace"):
        acc ^= ch
    return acc == expected


def nmea_checksum(body: str) -> str:
    """Two-hex-digit NMEA checksum of ``body`` (the text between ``$`` and ``*``)."""
    acc = 0
    for ch in body.encode("latin-1", errors="replace"):
        acc ^= ch
    return f"{acc:02X}"


def _ddmm(text: str, hemi: str, max_deg: float) -> float:
    """``ddmm.mmmm`` / ``dddmm.mmmm`` + hemisphere letter -> signed decimal degrees."""
    text = text.strip()
    hemi = hemi.strip().upper()
    if not text:
        return np.nan
    if hemi not in ("N", "S", "E", "W"):
        raise ValueError(f"hemisphere {hemi!r}")
    dot = text.find(".")
    if dot < 0:
        dot = len(text)
    if dot < 3 or not text[: dot - 2].isdigit():
        raise ValueError(f"coordinate {text!r}")
    degrees = int(text[: dot - 2])
    minutes = float(text[dot - 2 :])
    if not (0.0 <= minutes < 60.0) or degrees > max_deg:
        raise ValueError(f"coordinate {text!r}")
    value = degrees + minutes / 60.0
    if value > max_deg:
        raise ValueError(f"coordinate {text!r}")
    return -value if hemi in ("S", "W") else value


def _hhmmss(text: str) -> float:
    """``hhmmss.ss`` -> seconds since midnight (NaN when empty)."""
    text = text.strip()
    if not text:
        return np.nan
    if len(text) < 6 or not text[:6].isdigit():
        raise ValueError(f"time {text!r}")
    h, m = int(text[0:2]), int(text[2:4])
    s = float(text[4:])
    if h > 23 or m > 59 or not (0.0 <= s < 61.0):
        raise ValueError(f"time {text!r}")
    return h * 3600.0 + m * 60.0 + s


def _ddmmyy(text: str) -> str | None:
    """RMC ``ddmmyy`` -> ISO ``YYYY-MM-DD`` (years 80-99 -> 19xx, else 20xx); None when empty."""
    text = text.strip()
    if not text:
        return None
    if len(text) != 6 or not text.isdigit():
        raise ValueError(f"date {text!r}")
    d, m, y = int(text[0:2]), int(text[2:4]), int(text[4:6])
    if not (1 <= d <= 31 and 1 <= m <= 12):
        raise ValueError(f"date {text!r}")
    year = 1900 + y if y >= 80 else 2000 + y
    iso = f"{year:04d}-{m:02d}-{d:02d}"
    np.datetime64(iso, "D")  # raises ValueError for 31 Feb etc.
    return iso


def _num(text: str, kind=float, default=np.nan):
    text = text.strip()
    if not text:
        return default
    value = kind(float(text)) if kind is int else kind(text)
    if isinstance(value, float) and not np.isfinite(value):
        raise ValueError(f"number {text!r}")
    return value


def _field(fields: Sequence[str], i: int) -> str:
    return fields[i] if i < len(fields) else ""


def _parse_gga(f: Sequence[str]) -> dict[str, Any]:
    # $--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,q,nn,h.h,alt,M,sep,M,age,sta
    if len(f) < 10:
        raise ValueError("too few fields")
    lat = _ddmm(f[2], f[3] or "N", 90.0)
    lon = _ddmm(f[4], f[5] or "E", 180.0)
    if np.isnan(lat) != np.isnan(lon):
        raise ValueError("only one of latitude/longitude given")
    return {
        "time_s": _hhmmss(f[1]),
        "lat": lat,
        "lon": lon,
        "quality": _num(f[6], int, -1),
        "n_satellites": _num(f[7], int, -1),
        "hdop": _num(f[8]),
        "elevation_m": _num(f[9]),  # antenna altitude above mean sea level (geoid), m
        "geoid_sep_m": _num(_field(f, 11)),
        "date": None,
        "status": None,
    }


def _parse_rmc(f: Sequence[str]) -> dict[str, Any]:
    # $--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,x.x,x.x,ddmmyy,x.x,a[,m]
    if len(f) < 10:
        raise ValueError("too few fields")
    status = f[2].strip().upper() or None
    lat = _ddmm(f[3], f[4] or "N", 90.0)
    lon = _ddmm(f[5], f[6] or "E", 180.0)
    if np.isnan(lat) != np.isnan(lon):
        raise ValueError("only one of latitude/longitude given")
    return {
        "time_s": _hhmmss(f[1]),
        "lat": lat,
        "lon": lon,
        # RMC has no fix quality; a void ("V") status is reported as quality 0 (invalid).
        "quality": 0 if status == "V" else -1,
        "n_satellites": -1,
        "hdop": np.nan,
        "elevation_m": np.nan,
        "geoid_sep_m": np.nan,
        "speed_m_s": _num(f[7]) * 1852.0 / 3600.0,  # knots -> m/s
        "date": _ddmmyy(f[9]),
        "status": status,
    }


def parse_nmea(
    lines: Iterable[str] | str,
    *,
    source: str = "",
    notes: list[str] | None = None,
) -> NmeaSentences:
    """Parse the GGA and RMC sentences in some text.

    Any talker is accepted (``GP``, ``GN``, ``GL``, ``BD``, ``GB``, ``GA`` ...). Text before the
    ``$`` on a line is ignored; lines that are not NMEA, and other sentence types, are ignored.
    A sentence with a checksum that does not match, or with fields that cannot be read, is skipped
    and counted (``result.skipped``), never raised.

    Parameters
    ----------
    lines : iterable of str, or str
        The lines (a single string is split into lines).
    source : str
        File name used in notes.
    notes : list of str, optional
        If given, notes about skipped sentences are appended to it.

    Returns
    -------
    NmeaSentences
        A list of dicts, one per good sentence, in input order, with keys ``line`` (0-based line
        number), ``kind`` (``"GGA"``/``"RMC"``), ``talker``, ``time_s`` (seconds since midnight
        UTC, NaN when empty), ``date`` (ISO string or None; RMC only), ``lat``, ``lon`` (signed
        decimal degrees, NaN when empty), ``elevation_m`` (m above mean sea level; NaN when empty
        or RMC), ``quality`` (GGA fix quality; -1 unknown; 0 for an RMC with status ``V``),
        ``n_satellites`` (-1 unknown), ``hdop`` (NaN unknown), ``status`` (RMC ``A``/``V``).
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    out = NmeaSentences()
    for i, raw in enumerate(lines):
        if not isinstance(raw, str):
            try:
                raw = raw.decode("latin-1") if isinstance(raw, (bytes, bytearray)) else str(raw)
            except Exception:
                continue
        start = raw.find("$")
        if start < 0:
            continue
        sentence = raw[start + 1 :].strip().replace("\x00", "")
        star = sentence.rfind("*")
        if star >= 0:
            body, given = sentence[:star], sentence[star + 1 :]
        else:
            body, given = sentence, None
        fields = body.split(",")
        m = _ADDRESS.match(fields[0].strip())
        if m is None:
            if re.match(r"^[A-Z]{5}$", fields[0].strip()):
                out.n_ignored += 1
            continue
        if given is not None and not _checksum_ok(body, given):
            out.skipped["checksum"].append(i)
            continue
        try:
            rec = _parse_gga(fields) if m.group(2) == "GGA" else _parse_rmc(fields)
        except (ValueError, TypeError, OverflowError):
            out.skipped["malformed"].append(i)
            continue
        rec.update(line=i, kind=m.group(2), talker=m.group(1))
        out.append(rec)
    if notes is not None:
        notes.extend(out.summary_notes(source))
    return out


# --------------------------------------------------------------------------------------------
# Sentences -> fixes
# --------------------------------------------------------------------------------------------


def _empty_fixes(source: str, notes: list[str]) -> GnssFixes:
    f = np.array([], dtype=float)
    i = np.array([], dtype=int)
    return GnssFixes(
        trace=f.copy(),
        lon=f.copy(),
        lat=f.copy(),
        elevation_m=f.copy(),
        time=np.array([], dtype="datetime64[ns]"),
        quality=i.copy(),
        n_satellites=i.copy(),
        hdop=f.copy(),
        source=source,
        notes=notes,
    )


def _records_to_fixes(
    recs: Sequence[dict],
    group: np.ndarray,
    trace_of_group: np.ndarray | None,
    *,
    source: str,
    notes: list[str],
    date: str | np.datetime64 | None = None,
) -> GnssFixes:
    """Merge the sentences of each group (one trace block, or one epoch) into one fix.

    GGA is preferred for position, elevation and quality; RMC supplies the date (and the
    position when a group has no GGA). Dates missing in a group are taken from the nearest RMC
    in the file, then from ``date``; without any, times are time of day on 1970-01-01 (noted).
    """
    if len(recs) == 0:
        return _empty_fixes(source, notes)
    kind = np.array([r["kind"] for r in recs])
    lat = np.array([r["lat"] for r in recs], dtype=float)
    lon = np.array([r["lon"] for r in recs], dtype=float)
    elev = np.array([r["elevation_m"] for r in recs], dtype=float)
    tod = np.array([r["time_s"] for r in recs], dtype=float)
    qual = np.array([r["quality"] for r in recs], dtype=int)
    nsat = np.array([r["n_satellites"] for r in recs], dtype=int)
    hdop = np.array([r["hdop"] for r in recs], dtype=float)
    day = np.array(
        [np.datetime64(r["date"], "D") if r["date"] else np.datetime64("NaT") for r in recs],
        dtype="datetime64[D]",
    )
    group = np.asarray(group)

    # Preferred sentence of each group: the first GGA with a position, else the first GGA, else
    # the first RMC with a position, else the first sentence. Ranked via a stable lexsort.
    has_pos = np.isfinite(lat)
    rank = np.where(kind == "GGA", 0, 2) + np.where(has_pos, 0, 1)
    order = np.lexsort((np.arange(len(recs)), rank, group))
    g_sorted = group[order]
    first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
    pick = order[first]  # one sentence per group, groups ascending
    groups = g_sorted[first]

    # Date per group: any RMC date in the same group, else nearest RMC date in the file.
    dated = ~np.isnat(day)
    gday = np.full(groups.size, np.datetime64("NaT"), dtype="datetime64[D]")
    gday_tod = np.full(groups.size, np.nan)
    if dated.any():
        idx = np.searchsorted(groups, group[dated])
        gday[idx] = day[dated]
        gday_tod[idx] = tod[dated]
        # fill the rest from the nearest dated group (by position in the file)
        have = ~np.isnat(gday)
        pos = np.flatnonzero(have)
        near = pos[np.clip(np.searchsorted(pos, np.arange(groups.size)), 0, pos.size - 1)]
        prev = pos[
            np.clip(np.searchsorted(pos, np.arange(groups.size), side="right") - 1, 0, pos.size - 1)
        ]
        use = np.where(
            np.abs(prev - np.arange(groups.size)) <= np.abs(near - np.arange(groups.size)),
            prev,
            near,
        )
        gday = np.where(have, gday, gday[use])
        gday_tod = np.where(have, gday_tod, gday_tod[use])
    ftod = tod[pick]
    if np.isnat(gday).all():
        if date is not None:
            gday[:] = np.datetime64(date, "D")
            notes.append(f"{source}: no RMC date; dates taken from the date given ({gday[0]})")
        elif np.isfinite(ftod).any():
            gday[:] = np.datetime64("1970-01-01", "D")
            notes.append(
                f"{source}: no date in the file (no RMC sentence); times are UTC time of day on 1970-01-01"
            )
        gday_tod = np.full(groups.size, np.nan)
        # day roll-over: time of day dropping by more than 12 h means midnight was passed
        step = np.diff(np.where(np.isfinite(ftod), ftod, np.nan))
        roll = np.r_[0, np.cumsum(np.nan_to_num(step, nan=0.0) < -_SECONDS_PER_DAY / 2)]
        gday = gday + roll.astype("timedelta64[D]")
    else:
        # A GGA just after midnight paired with the RMC of the previous second (or vice versa).
        diff = ftod - gday_tod
        adj = np.where(
            diff < -_SECONDS_PER_DAY / 2, 1, np.where(diff > _SECONDS_PER_DAY / 2, -1, 0)
        )
        gday = gday + adj.astype("timedelta64[D]")
    tns = np.where(np.isfinite(ftod), np.round(np.nan_to_num(ftod) * _NS_PER_S), 0).astype(np.int64)
    time = gday.astype("datetime64[ns]") + tns.astype("timedelta64[ns]")
    time[~np.isfinite(ftod) | np.isnat(gday)] = np.datetime64("NaT")

    if trace_of_group is None:
        trace = np.full(groups.size, np.nan)
    else:
        trace = np.asarray(trace_of_group, dtype=float)[groups]
    return GnssFixes(
        trace=trace,
        lon=lon[pick],
        lat=lat[pick],
        elevation_m=elev[pick],
        time=time,
        quality=qual[pick],
        n_satellites=nsat[pick],
        hdop=hdop[pick],
        source=source,
        notes=notes,
    )


def _read_lines(path: str | os.PathLike) -> list[str]:
    try:
        size = os.path.getsize(path)
        if size > MAX_TEXT_BYTES:
            raise FormatError(
                path, None, f"file is {size} bytes; larger than {MAX_TEXT_BYTES} for a GNSS log"
            )
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise FormatError(path, None, f"cannot read file: {exc}") from None
    return raw.replace(b"\x00", b"").decode("latin-1").splitlines()


def _finish(fixes: GnssFixes, path, what: str) -> GnssFixes:
    n_q0 = int(np.sum(fixes.quality == 0))
    if n_q0:
        fixes.notes.append(
            f"{fixes.source}: {n_q0} of {len(fixes)} fixes have fix quality 0 (invalid); kept, flagged"
        )
    n_nopos = int(np.sum(~np.isfinite(fixes.lat)))
    if n_nopos:
        fixes.notes.append(
            f"{fixes.source}: {n_nopos} fixes have no position (empty latitude/longitude)"
        )
    return fixes


def read_dzg(
    path: str | os.PathLike,
    n_traces: int | None = None,
    *,
    date: str | np.datetime64 | None = None,
) -> GnssFixes:
    """Read a GSSI ``.DZG`` GPS companion file.

    A DZG holds pairs of lines: ``$GSSIS,<scan>,<flag>`` (GSSI's own sentence: the scan, i.e.
    0-based trace, at which the following fix arrived) then one or more NMEA sentences
    (``$GPGGA``, ``$GPRMC``). The trace index of each fix is its scan number.

    Parameters
    ----------
    path : path-like
        The ``.DZG`` file.
    n_traces : int, optional
        Number of traces of the matching ``.DZT``; fixes at scans outside ``0..n_traces-1`` are
        kept (useful for extrapolation) and noted.
    date : str or numpy.datetime64, optional
        UTC date of the survey (e.g. from the DZT header), used when the DZG has GGA sentences
        only (GGA carries time of day, no date).

    Returns
    -------
    GnssFixes
        One fix per ``$GSSIS`` block that has a GGA or RMC sentence. Fixes of quality 0 are kept
        and flagged (``quality == 0``), never dropped.

    Raises
    ------
    FormatError
        If the file cannot be read or has no ``$GSSIS`` line.
    """
    source = os.fspath(path)
    lines = _read_lines(path)
    notes: list[str] = []
    gssis_line, gssis_scan = [], []
    bad = 0
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("$GSSIS"):
            parts = s.split("*")[0].split(",")
            try:
                gssis_scan.append(int(parts[1]))
                gssis_line.append(i)
            except (IndexError, ValueError):
                bad += 1
    if not gssis_line:
        raise FormatError(
            path, "$GSSIS", "no '$GSSIS,<scan>,...' line found; is this a GSSI DZG file?"
        )
    if bad:
        notes.append(f"{source}: {bad} unreadable $GSSIS line(s) skipped")
    recs = parse_nmea(lines, source=source, notes=notes)
    rec_line = np.array([r["line"] for r in recs], dtype=int)
    block = np.searchsorted(np.asarray(gssis_line), rec_line, side="right") - 1
    keep = block >= 0
    if not keep.all():
        notes.append(
            f"{source}: {int((~keep).sum())} NMEA sentence(s) before the first $GSSIS ignored"
        )
    recs_kept = [r for r, k in zip(recs, keep, strict=True) if k]
    fixes = _records_to_fixes(
        recs_kept,
        block[keep],
        np.asarray(gssis_scan, dtype=float),
        source=source,
        notes=notes,
        date=date,
    )
    if n_traces is not None and len(fixes):
        out = (fixes.trace < 0) | (fixes.trace > n_traces - 1)
        if out.any():
            notes.append(f"{source}: {int(out.sum())} fixes at scans outside 0..{n_traces - 1}")
    return _finish(fixes, path, "DZG")


def read_sensors_gps(path: str | os.PathLike) -> GnssFixes:
    """Read a Sensors & Software pulseEKKO ``.GPS`` file.

    The file is a sequence of blocks ``Trace #N at position X`` followed by the NMEA sentences
    the receiver sent for that trace (``$GPRMC``, ``$GPGGA``, ``$GPGSV``, ``$GPGSA``). ``N`` is
    the 1-based trace number, so the fix belongs to trace index ``N - 1``. Position, elevation
    and quality come from the GGA sentence when there is one (RMC has no elevation or quality);
    the date comes from the RMC. In real files the RMC and GGA of one block may be 1 s apart;
    the GGA time is used.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    GnssFixes
        One fix per block with a GGA or RMC sentence. A block that repeats the previous block's
        sentences (the receiver had no new fix yet) is kept; georeferencing reports and drops
        such stale duplicates.

    Raises
    ------
    FormatError
        If the file cannot be read or has no ``Trace #`` line.
    """
    source = os.fspath(path)
    lines = _read_lines(path)
    notes: list[str] = []
    pat = re.compile(r"^\s*Trace\s*#\s*(\d+)", re.IGNORECASE)
    t_line, t_num = [], []
    for i, line in enumerate(lines):
        m = pat.match(line)
        if m:
            t_line.append(i)
            t_num.append(int(m.group(1)))
    if not t_line:
        raise FormatError(
            path,
            "Trace #",
            "no 'Trace #N at position X' line found; is this a pulseEKKO .GPS file?",
        )
    recs = parse_nmea(lines, source=source, notes=notes)
    rec_line = np.array([r["line"] for r in recs], dtype=int)
    block = np.searchsorted(np.asarray(t_line), rec_line, side="right") - 1
    keep = block >= 0
    recs_kept = [r for r, k in zip(recs, keep, strict=True) if k]
    fixes = _records_to_fixes(
        recs_kept, block[keep], np.asarray(t_num, dtype=float) - 1.0, source=source, notes=notes
    )
    if len(fixes) < len(t_line):
        notes.append(
            f"{source}: {len(t_line) - len(fixes)} 'Trace #' block(s) without a GGA/RMC sentence"
        )
    return _finish(fixes, path, "GPS")


def read_mala_cor(path: str | os.PathLike) -> GnssFixes:
    """Read a MALA ``.cor`` coordinate file.

    Each line is tab-separated: trace number, date (``YYYY-MM-DD``), time (``HH:MM:SS[.s]``,
    UTC), latitude, ``N``/``S``, longitude, ``E``/``W``, elevation, ``M``, accuracy (m).
    Latitude and longitude are decimal degrees; when values exceed the decimal range (|lat|>90
    or |lon|>180) they are read as NMEA ``ddmm.mmmm`` instead (noted).

    Trace numbers in a ``.cor`` are **1-based** (the first trace of the ``.rd3`` is trace 1), so
    a fix with trace number ``N`` belongs to trace index ``N - 1``. This is the convention that
    reproduces ImpDAR on ``ten_col`` (fixes at 7, 18, 27; ImpDAR's ``lat[0]`` is the linear
    extrapolation six traces before the fix numbered 7). Fixes beyond the end of the file (a cut
    file) are kept.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    GnssFixes
        ``quality`` is -1 (the ``.cor`` does not give it); ``accuracy_m`` holds the last column.

    Raises
    ------
    FormatError
        If the file cannot be read, or a line has too few columns or unreadable numbers
        (naming the line and column).
    """
    source = os.fspath(path)
    lines = _read_lines(path)
    notes: list[str] = []
    rows = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        parts = line.strip().split("\t") if "\t" in line else line.split()
        parts = [p.strip() for p in parts]
        if len(parts) < 7:
            raise FormatError(
                path,
                f"line {i + 1}",
                f"expected at least 7 tab-separated columns "
                f"(trace, date, time, lat, N/S, lon, E/W ...); got {len(parts)}: {line.strip()!r}",
            )
        rows.append((i, parts))
    if not rows:
        raise FormatError(path, None, "no coordinate lines in the .cor file")
    n = len(rows)
    trace = np.empty(n)
    lat = np.empty(n)
    lon = np.empty(n)
    elev = np.full(n, np.nan)
    acc = np.full(n, np.nan)
    time = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    hemi_lat = np.empty(n, dtype="U1")
    hemi_lon = np.empty(n, dtype="U1")
    columns = (
        "trace",
        "date",
        "time",
        "latitude",
        "N/S",
        "longitude",
        "E/W",
        "elevation",
        "M",
        "accuracy",
    )
    for k, (i, p) in enumerate(rows):
        col = 0
        try:
            col = 0
            trace[k] = float(p[0])
            col = 1
            stamp = f"{p[1]}T{p[2]}" if p[1] else ""
            time[k] = np.datetime64(stamp, "ns") if stamp else np.datetime64("NaT")
            col = 3
            lat[k] = float(p[3])
            col = 4
            hemi_lat[k] = p[4].upper()[:1]
            col = 5
            lon[k] = float(p[5])
            col = 6
            hemi_lon[k] = p[6].upper()[:1]
            col = 7
            if len(p) > 7 and p[7]:
                elev[k] = float(p[7])
            col = 9
            if len(p) > 9 and p[9]:
                acc[k] = float(p[9])
        except (ValueError, IndexError):
            raise FormatError(
                path,
                f"line {i + 1}, column {col + 1} ({columns[col]})",
                f"cannot read {p[col] if col < len(p) else ''!r}",
            ) from None
        if hemi_lat[k] not in ("N", "S") or hemi_lon[k] not in ("E", "W"):
            raise FormatError(
                path,
                f"line {i + 1}",
                f"hemisphere letters must be N/S and E/W; got {p[4]!r}, {p[6]!r}",
            )
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180):
        deg_lat, deg_lon = np.floor(np.abs(lat) / 100), np.floor(np.abs(lon) / 100)
        lat = deg_lat + (np.abs(lat) - 100 * deg_lat) / 60.0
        lon = deg_lon + (np.abs(lon) - 100 * deg_lon) / 60.0
        notes.append(
            f"{source}: coordinates read as NMEA ddmm.mmmm (values beyond decimal-degree range)"
        )
    lat = np.where(hemi_lat == "S", -np.abs(lat), np.abs(lat))
    lon = np.where(hemi_lon == "W", -np.abs(lon), np.abs(lon))
    fixes = GnssFixes(
        trace=trace - 1.0,  # 1-based trace numbers -> 0-based index
        lon=lon,
        lat=lat,
        elevation_m=elev,
        time=time,
        quality=np.full(n, -1, dtype=int),
        n_satellites=np.full(n, -1, dtype=int),
        hdop=np.full(n, np.nan),
        source=source,
        notes=notes,
        accuracy_m=acc,
    )
    return _finish(fixes, path, "cor")


def read_nmea_file(
    path: str | os.PathLike,
    *,
    date: str | np.datetime64 | None = None,
    trace_times: np.ndarray | None = None,
) -> GnssFixes:
    """Read a plain NMEA log (no trace numbers); fixes are tied to traces by time only.

    Sentences with the same UTC time of day form one epoch (GGA preferred, RMC gives the date).

    Parameters
    ----------
    path : path-like
    date : str or numpy.datetime64, optional
        UTC date to use when the log has no RMC sentence (GGA carries time of day only).
    trace_times : array of datetime64, shape (n_trace,), optional
        UTC time of each trace; when given the fixes are tied with :func:`tie_by_time`.

    Returns
    -------
    GnssFixes
        ``trace`` is NaN unless ``trace_times`` is given.

    Raises
    ------
    FormatError
        If the file cannot be read.
    """
    source = os.fspath(path)
    fixes = fixes_from_nmea(_read_lines(path), source=source, date=date)
    if len(fixes) == 0:
        fixes.notes.append(f"{source}: no GGA or RMC sentence found")
    if trace_times is not None:
        fixes = tie_by_time(fixes, trace_times)
    return fixes


def fixes_from_nmea(
    lines: Iterable[str] | str,
    *,
    trace=None,
    source: str = "",
    date: str | np.datetime64 | None = None,
) -> GnssFixes:
    """Fixes from NMEA text: one fix per epoch (consecutive GGA/RMC with the same time).

    Parameters
    ----------
    lines : iterable of str, or str
        NMEA text (other lines are ignored; bad sentences are skipped and noted).
    trace : array_like of float, shape (n_epoch,), optional
        0-based trace index of each epoch; NaN (untied) when not given.
    source : str
        Name used in notes and in ``GnssFixes.source``.
    date : str or numpy.datetime64, optional
        UTC date when there is no RMC sentence.

    Returns
    -------
    GnssFixes

    Raises
    ------
    FormatError
        If ``trace`` has a different length than the number of epochs found.
    """
    notes: list[str] = []
    recs = parse_nmea(lines, source=source, notes=notes)
    if len(recs) == 0:
        return _empty_fixes(source, notes)
    tod = np.array([r["time_s"] for r in recs], dtype=float)
    kinds = np.array([r["kind"] for r in recs])
    # a new epoch starts unless this sentence has the previous one's time and a different kind
    new = np.ones(len(recs), dtype=bool)
    new[1:] = ~((np.abs(np.diff(tod)) < 1e-6) & (kinds[1:] != kinds[:-1]))
    group = np.cumsum(new) - 1
    trace_of_group = None
    if trace is not None:
        trace_of_group = np.asarray(trace, dtype=float).reshape(-1)
        if trace_of_group.size != group[-1] + 1:
            raise FormatError(
                source or None,
                "trace",
                f"{trace_of_group.size} trace indices given for {group[-1] + 1} NMEA epochs",
            )
    fixes = _records_to_fixes(recs, group, trace_of_group, source=source, notes=notes, date=date)
    return _finish(fixes, source, "NMEA")


def tie_by_time(fixes: GnssFixes, trace_times: np.ndarray) -> GnssFixes:
    """Tie fixes to traces by time.

    Each fix gets the fractional trace index at which the recording reached the fix's time
    (linear interpolation of ``trace_times``). Fixes before the first or after the last trace
    get an index extrapolated at the mean trace rate, so they still help at the ends.

    Parameters
    ----------
    fixes : GnssFixes
        Fixes with UTC ``time``.
    trace_times : array_like of datetime64, shape (n_trace,)
        UTC time of each trace, non-decreasing (repeated times are allowed).

    Returns
    -------
    GnssFixes
        A copy with ``trace`` set; fixes without a time get NaN.

    Raises
    ------
    GeoreferenceError
        If ``trace_times`` is empty, not datetime-like, or decreasing.
    """
    from roadhealth.errors import GeoreferenceError

    tt_dt = np.asarray(trace_times)
    if tt_dt.size == 0 or not np.issubdtype(tt_dt.dtype, np.datetime64):
        raise GeoreferenceError(
            f"{fixes.source}: trace_times must be a non-empty datetime64 array; got {tt_dt.dtype}"
        )
    tt_dt = tt_dt.astype("datetime64[ns]").reshape(-1)
    n_trace = tt_dt.size
    ok = ~np.isnat(tt_dt)
    tt = tt_dt[ok].astype(np.int64).astype(float)
    idx = np.arange(n_trace, dtype=float)[ok]
    if tt.size == 0:
        raise GeoreferenceError(f"{fixes.source}: trace_times are all NaT")
    if np.any(np.diff(tt) < 0):
        raise GeoreferenceError(f"{fixes.source}: trace_times decrease; cannot tie fixes by time")
    # first trace of each run of equal times
    uniq = np.r_[True, np.diff(tt) > 0]
    tt, idx = tt[uniq], idx[uniq]
    ft = np.asarray(fixes.time).astype("datetime64[ns]")
    valid = ~np.isnat(ft)
    f = ft.astype(np.int64).astype(float)
    trace = np.full(f.size, np.nan)
    trace[valid] = np.interp(f[valid], tt, idx)
    if tt.size > 1:
        rate = (idx[-1] - idx[0]) / (tt[-1] - tt[0])  # traces per ns
        lo = valid & (f < tt[0])
        hi = valid & (f > tt[-1])
        trace[lo] = idx[0] + (f[lo] - tt[0]) * rate
        trace[hi] = idx[-1] + (f[hi] - tt[-1]) * rate
    notes = list(fixes.notes)
    n_out = int(np.sum(valid & ((trace < 0) | (trace > n_trace - 1))))
    if n_out:
        notes.append(
            f"{fixes.source}: {n_out} fixes lie outside the recording time (trace index extrapolated)"
        )
    if not valid.all():
        notes.append(f"{fixes.source}: {int((~valid).sum())} fixes have no time and cannot be tied")
    return GnssFixes(
        trace=trace,
        lon=np.array(fixes.lon, dtype=float),
        lat=np.array(fixes.lat, dtype=float),
        elevation_m=np.array(fixes.elevation_m, dtype=float),
        time=ft.copy(),
        quality=np.array(fixes.quality),
        n_satellites=np.array(fixes.n_satellites),
        hdop=np.array(fixes.hdop, dtype=float),
        source=fixes.source,
        notes=notes,
        accuracy_m=None if fixes.accuracy_m is None else np.array(fixes.accuracy_m, dtype=float),
    )


def tie_by_mark(fixes: GnssFixes, marks) -> GnssFixes:
    """Tie fixes to marked traces, in order: the k-th fix belongs to the k-th mark.

    For surveys where the operator pressed the mark button at surveyed points (or a GNSS logger
    triggered the marks) and the positions come as an ordered list.

    Parameters
    ----------
    fixes : GnssFixes
        In the order the marks were made.
    marks : array_like of bool, shape (n_trace,), or a survey with a ``mark`` coordinate

    Returns
    -------
    GnssFixes
        A copy with ``trace`` set to the marked traces. When the counts differ, the first
        ``min(n_fixes, n_marks)`` are paired, the rest of the fixes get NaN, and ``notes`` says so.

    Raises
    ------
    GeoreferenceError
        If there are no marks.
    """
    import dataclasses

    from roadhealth.errors import GeoreferenceError

    if hasattr(marks, "coords"):
        if "mark" not in marks.coords:
            raise GeoreferenceError(f"{fixes.source}: the survey has no 'mark' coordinate to tie fixes to")
        marks = marks.coords["mark"].values
    m = np.asarray(marks, dtype=bool)
    if m.ndim == 2:
        m = m.any(axis=0)
    marked = np.flatnonzero(m)
    if marked.size == 0:
        raise GeoreferenceError(f"{fixes.source}: the survey has no marks to tie {len(fixes)} fixes to")
    n = min(len(fixes), marked.size)
    trace = np.full(len(fixes), np.nan)
    trace[:n] = marked[:n]
    notes = list(fixes.notes)
    if len(fixes) != marked.size:
        notes.append(f"{len(fixes)} fixes for {marked.size} marks: the first {n} paired in order")
    return dataclasses.replace(fixes, trace=trace, notes=notes)
