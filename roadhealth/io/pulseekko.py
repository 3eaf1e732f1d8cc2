"""Sensors & Software pulseEKKO / Noggin / Conquest profiles: ``.DT1`` + ``.HD`` (+ ``.GPS``).

Layout
------
``NAME.HD``
    Text header. The first lines are a file tag (``1234``), the instrument (``Data Collected with
    pE PRO (2011-00114-00)``) and the date (``2014-03-11``); then ``KEY = VALUE`` lines:
    ``NUMBER OF TRACES``, ``NUMBER OF PTS/TRC``, ``TIMEZERO AT POINT``, ``TOTAL TIME WINDOW`` (ns),
    ``STARTING POSITION``, ``FINAL POSITION``, ``STEP SIZE USED``, ``POSITION UNITS`` (m, ft ...),
    ``NOMINAL FREQUENCY`` (MHz), ``ANTENNA SEPARATION``, ``NUMBER OF STACKS``, ``SURVEY MODE`` ...
``NAME.DT1``
    No file header; ``n_trace`` records of a 128-byte trace header (:data:`DT1_TRACE_HEADER`)
    followed by ``NUMBER OF PTS/TRC`` little-endian int16 samples. Read as one array (streamed
    chunk by chunk when lazy) of the structured dtype ``[("header", DT1_TRACE_HEADER), ("data", "<i2", (n_points,))]``.
``NAME.GPS`` (optional)
    ``Trace #N at position X`` blocks of NMEA sentences; parsed by
    :func:`roadhealth.io.gnss.read_sensors_gps` and applied with
    :func:`roadhealth.io.georef.georeference`.

Facts and decisions
-------------------
* ``dt_ns = TOTAL TIME WINDOW / NUMBER OF PTS/TRC`` (0.4 ns in the three sample files).
* Trace-header word 6 is "time window" in the format description, but pulseEKKO PRO files store
  the sample interval in picoseconds there (400 for dt = 0.4 ns, whatever the window). It is not
  used; the window comes from the ``.HD``. The writer stores dt in ps, as the instruments do.
* Every trace header's ``n_points`` must equal ``NUMBER OF PTS/TRC``; otherwise the ``.HD`` and the
  ``.DT1`` disagree about the record length and :class:`~roadhealth.errors.FormatError` is raised.
* Trace count: as for MALA (:func:`roadhealth.io._common.resolve_trace_count`): the file size decides
  when it is a whole number of records (warning if ``NUMBER OF TRACES`` differs); a partial last
  record is a FormatError unless ``allow_partial=True``.
* Distance: the trace-header ``position`` word, converted to metres from ``POSITION UNITS``
  (ft/feet x 0.3048, in, cm, mm; unknown units are taken as metres with a warning). When those
  float32 positions lie on the ``.HD`` grid (``STARTING POSITION + i * STEP SIZE USED``, within
  float32 precision) the exact grid values are used. If every trace has the same position (no
  odometer), ``STARTING POSITION + i * STEP SIZE USED``; if that step is 0, the trace index.
  The recorded unit is kept in ``attrs["position_units"]``.
* ``TIMEZERO AT POINT`` is kept as ``attrs["time_zero_sample"]`` exactly as recorded; samples are not
  shifted (``twt_ns`` starts at 0 at the first recorded sample).
* ``time``: ``.HD`` date + trace-header ``time_of_day`` (seconds past midnight, instrument clock).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import FormatError, WriteError
from roadhealth.io._common import (
    FileBlock,
    atomic_write,
    check_dt,
    data_and_header,
    find_companion,
    finite_distance,
    format_number,
    has_lonlat,
    header_int,
    header_number,
    integer_samples,
    lazy_or_loaded,
    memmap_traces,
    parse_text_header,
    read_text,
    resolve_trace_count,
    survey_header,
    uniform_spacing,
    want_lazy,
    warn,
)
from roadhealth.io.georef import georeference_from_file
from roadhealth.io.gnss import read_sensors_gps
from roadhealth.survey import make_survey

__all__ = ["DT1_TRACE_HEADER", "read_dt1", "write_dt1"]

#: The 128-byte trace header of a ``.DT1`` record (little-endian), in the format's own order.
DT1_TRACE_HEADER = np.dtype(
    [
        ("trace_number", "<f4"),  # bytes   1-4   trace number, counted from 1
        ("position", "<f4"),  # bytes   5-8   position, in the .HD POSITION UNITS
        ("n_points", "<f4"),  # bytes   9-12  number of points per trace
        ("topography", "<f4"),  # bytes  13-16  topographic data, if available
        ("unused_1", "<f4"),  # bytes  17-20  not used
        ("bytes_per_point", "<f4"),  # bytes  21-24  bytes per point (2)
        ("time_window", "<f4"),  # bytes  25-28  spec: time window; pulseEKKO PRO: dt in ps
        ("n_stacks", "<f4"),  # bytes  29-32  number of stacks
        ("gps_x", "<f8"),  # bytes  33-40  GPS x position (double)
        ("gps_y", "<f8"),  # bytes  41-48  GPS y position (double)
        ("gps_z", "<f8"),  # bytes  49-56  GPS z position (double)
        ("receiver_x", "<f4"),  # bytes  57-60  receiver x position
        ("receiver_y", "<f4"),  # bytes  61-64  receiver y position
        ("receiver_z", "<f4"),  # bytes  65-68  receiver z position
        ("transmitter_x", "<f4"),  # bytes  69-72  transmitter x position
        ("transmitter_y", "<f4"),  # bytes  73-76  transmitter y position
        ("transmitter_z", "<f4"),  # bytes  77-80  transmitter z position
        ("time_zero_adjustment", "<f4"),  # bytes  81-84  time-zero adjustment, points
        ("zero_flag", "<f4"),  # bytes  85-88  0: data ok, 1: zero data
        ("n_channels", "<f4"),  # bytes  89-92  number of channels
        ("time_of_day", "<f4"),  # bytes  93-96  time of day, seconds past midnight
        ("comment_flag", "<f4"),  # bytes  97-100 1: comment attached
        ("comment", "S28"),  # bytes 101-128 comment text
    ]
)
assert DT1_TRACE_HEADER.itemsize == 128

#: Metres per POSITION UNITS unit (lower-case keys).
POSITION_UNITS_TO_M = {
    "m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0,
    "ft": 0.3048, "feet": 0.3048, "foot": 0.3048, "'": 0.3048,
    "in": 0.0254, "inch": 0.0254, "inches": 0.0254,
    "cm": 0.01, "mm": 0.001, "km": 1000.0,
}  # fmt: skip

_SAMPLE_TYPES = {2: np.dtype("<i2"), 4: np.dtype("<i4")}


def _dt1_files(path) -> tuple[Path, Path]:
    """(data file, .HD header) for a ``.DT1``/``.HD`` path or a bare name."""
    return data_and_header(path, ["DT1"], ["HD"], "pulseEKKO")


def _free_lines(header: Mapping[str, str]) -> list[str]:
    return [v for k, v in header.items() if k.startswith("_line")]


def _instrument(header: Mapping[str, str]) -> str:
    for line in _free_lines(header):
        m = re.search(r"collected with\s+(.*)", line, flags=re.IGNORECASE)
        if m:
            return f"Sensors & Software {m.group(1).strip()}"
    return "Sensors & Software pulseEKKO"


def _survey_date(header: Mapping[str, str]) -> _dt.date | None:
    for line in _free_lines(header):
        text = line.strip()
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y"):
            try:
                return _dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def _position_scale(path, header: Mapping[str, str]) -> tuple[str, float]:
    unit = header.get("POSITION UNITS", "m").strip() or "m"
    scale = POSITION_UNITS_TO_M.get(unit.lower())
    if scale is None:
        warn(
            f"{os.fspath(path)}: POSITION UNITS = {unit!r} is not a known unit; positions taken as metres"
        )
        scale = 1.0
    return unit, scale


def _check_dt_against_trace_headers(hd_path, data_path, dt: float, n_points: int, word: np.ndarray) -> None:
    """Warn when the .HD sample interval disagrees with the trace headers' time word.

    pulseEKKO PRO writes the sample interval in ps there (see the module docstring); the
    format description says the time window in ns. A value matching neither means the .HD or
    the trace headers are wrong, and the user must know which dt was used.
    """
    w = np.asarray(word, dtype=np.float64)
    w = w[np.isfinite(w) & (w > 0)]
    if not w.size:
        return
    v = float(np.median(w))
    if np.isclose(v / 1000.0, dt, rtol=1e-3) or np.isclose(v, dt * n_points, rtol=1e-3):
        return
    warn(
        f"{os.fspath(hd_path)}: TOTAL TIME WINDOW / NUMBER OF PTS/TRC gives dt = {dt:g} ns, but the trace headers "
        f"of {os.fspath(data_path)} hold {v:g} (as ps: dt = {v / 1000:g} ns; as a window: dt = {v / n_points:g} "
        "ns); using the .HD value"
    )


def _distance(path, header, positions: np.ndarray, scale: float) -> tuple[np.ndarray | None, str]:
    """Along-track distance (in the file's unit) and where it came from."""
    n = positions.size
    start = header_number(path, header, "STARTING POSITION", float, required=False, default=0.0)
    step = header_number(path, header, "STEP SIZE USED", float, required=False, default=0.0)
    idx = np.arange(n, dtype=float)
    pos = positions.astype(float)
    if np.all(np.isfinite(pos)) and (n == 1 or np.ptp(pos) > 0):
        first = (
            start
            if np.isclose(pos[0], start, rtol=1e-6, atol=1e-6)
            else float(str(np.float32(pos[0])))
        )
        if step:
            grid = first + step * idx
            if np.allclose(grid, pos, rtol=1e-6, atol=1e-6):
                return grid, "measured: trace header position (on the .HD STEP SIZE USED grid)"
            # all but a few traces on a regular grid (from the .HD start, or from the second trace):
            # those few are suspect
            for g in (start + step * idx, pos[min(1, n - 1)] + step * (idx - min(1, n - 1))):
                on_grid = np.isclose(g, pos, rtol=1e-6, atol=1e-6)
                if on_grid.mean() >= 0.9:
                    off = np.flatnonzero(~on_grid)
                    warn(
                        f"{os.fspath(path)}: {off.size} trace-header position(s) depart from the regular grid "
                        f"of step {step:g} that the others follow (first: trace {int(off[0]) + 1} at "
                        f"{pos[off[0]]:g} instead of {g[off[0]]:g}); positions used as recorded"
                    )
                    break
            steps = np.diff(pos)
            odd = np.flatnonzero(np.abs(steps - np.median(steps)) > 0.5 * abs(step)) if n > 2 else np.array([])
            if odd.size:
                warn(
                    f"{os.fspath(path)}: trace-header positions jump at {odd.size} place(s) (first between traces "
                    f"{int(odd[0]) + 1} and {int(odd[0]) + 2}: {pos[odd[0]]:g} -> {pos[odd[0] + 1]:g}) against a "
                    f"step of {step:g}; positions used as recorded"
                )
        return pos, "measured: trace header position"
    if step:
        return start + step * idx, "nominal: .HD STARTING POSITION + i x STEP SIZE USED"
    return None, "trace index"


def _trace_times(date: _dt.date | None, seconds: np.ndarray) -> np.ndarray | None:
    if date is None:
        return None
    s = seconds.astype(float)
    if not np.all(np.isfinite(s)) or np.any(s < 0) or np.any(s > 86400 * 2):
        return None
    day = np.datetime64(date.isoformat(), "ns")
    return day + np.round(s * 1e9).astype("int64").astype("timedelta64[ns]")


def read_dt1(
    path,
    *,
    lazy: bool | None = None,
    crs: str | None = None,
    allow_partial: bool = False,
    gnss: bool = True,
    lever_arm_m: tuple[float, float] | None = None,
    latency_s: float = 0.0,
) -> xr.DataArray:
    """Read a pulseEKKO ``.DT1`` profile with its ``.HD`` header (and ``.GPS`` when present).

    Parameters
    ----------
    path : str or path-like
        The ``.DT1`` or ``.HD`` file, or the bare name without extension.
    lazy : bool, optional
        True: dask array streaming the file chunk by chunk; False: numpy array; None: lazy above 256 MiB.
    crs : str, optional
        Projected CRS for ``x``/``y`` when a ``.GPS`` file is georeferenced.
    allow_partial : bool
        Read the whole records of a file that ends inside a record (with a warning) instead of
        raising :class:`FormatError`.
    gnss : bool
        Georeference with the companion ``.GPS`` when there is one.
    lever_arm_m : (float, float), optional
        GNSS antenna position relative to the array centre, m: ``(along, across)``, along
        positive forward, across positive left (see :func:`roadhealth.io.georef.georeference`).
    latency_s : float
        GNSS latency, s (positive: fixes tagged to traces recorded after the position was valid).

    Returns
    -------
    xarray.DataArray
        Survey of shape (1, n_trace, NUMBER OF PTS/TRC), int16 raw values; ``distance_m`` in m;
        coords ``trace_number`` (from the trace headers) and ``time`` when the date is readable.

    Raises
    ------
    FormatError
        Missing ``.HD``, missing or malformed fields, or a ``.DT1`` inconsistent with them.
    """
    data_path, hd_path = _dt1_files(path)
    header = parse_text_header(read_text(hd_path), hd_path)
    n_points = header_int(hd_path, header, "NUMBER OF PTS/TRC")
    if n_points <= 0:
        raise FormatError(
            hd_path, "NUMBER OF PTS/TRC", f"expected a positive number of points; got {n_points}"
        )
    n_header = header_int(hd_path, header, "NUMBER OF TRACES", required=False)
    window = header_number(hd_path, header, "TOTAL TIME WINDOW", float)
    if window <= 0:
        raise FormatError(
            hd_path, "TOTAL TIME WINDOW", f"expected a positive time window in ns; got {window}"
        )

    size = os.path.getsize(data_path)
    bytes_per_point = 2
    if size >= DT1_TRACE_HEADER.itemsize:
        first = np.fromfile(data_path, dtype=DT1_TRACE_HEADER, count=1)[0]
        bpp = float(first["bytes_per_point"])
        if bpp in (2.0, 4.0):
            bytes_per_point = int(bpp)
        elif bpp != 0.0:
            raise FormatError(
                data_path,
                "bytes_per_point",
                f"trace 1 header says {bpp!r} bytes per point; expected 2 (int16) or 4 (int32)",
            )
    sample_type = _SAMPLE_TYPES[bytes_per_point]
    dt = check_dt(hd_path, "TOTAL TIME WINDOW", window / n_points, n_points)
    n_trace = resolve_trace_count(
        data_path,
        size,
        DT1_TRACE_HEADER.itemsize + n_points * bytes_per_point,
        n_header,
        "NUMBER OF TRACES",
        allow_partial=allow_partial,
    )
    record = np.dtype([("header", DT1_TRACE_HEADER), ("data", sample_type, (n_points,))])
    records = memmap_traces(data_path, 0, record, (n_trace,))
    trace_headers = np.array(records["header"])
    bad = np.flatnonzero(trace_headers["n_points"] != n_points)
    if bad.size:
        k = int(bad[0])
        raise FormatError(
            data_path,
            "NUMBER OF PTS/TRC",
            f"trace {k + 1} header says {trace_headers['n_points'][k]!r} points per trace but {hd_path.name} says "
            f"{n_points}; the .HD and .DT1 disagree on the record length",
        )
    _check_dt_against_trace_headers(hd_path, data_path, dt, n_points, trace_headers["time_window"])
    lazy_flag = want_lazy(lazy, n_trace * n_points * sample_type.itemsize)
    # Lazy: stream whole records and keep the samples (bounded memory, no mapping of the file).
    block = FileBlock(data_path, 0, record, (n_trace,), field="data") if lazy_flag else records["data"]
    data = lazy_or_loaded(block, lazy_flag, trace_axis=0)

    unit, scale = _position_scale(hd_path, header)
    distance, distance_source = _distance(hd_path, header, trace_headers["position"], scale)
    if distance is not None:
        distance, distance_source = finite_distance(hd_path, distance * scale, distance_source)
    sep = header_number(hd_path, header, "ANTENNA SEPARATION", float, required=False)
    date = _survey_date(header)
    coords: dict[str, Any] = {
        "trace_number": ("trace", _trace_numbers(data_path, trace_headers["trace_number"]))
    }
    times = _trace_times(date, trace_headers["time_of_day"])
    if times is not None:
        coords["time"] = ("trace", times)
    attrs: dict[str, Any] = {
        "header": dict(header),
        "header_file": os.fspath(hd_path),
        "bits": 8 * bytes_per_point,
        "time_window_ns": window,
        "time_zero_sample": header_number(
            hd_path, header, "TIMEZERO AT POINT", float, required=False
        ),
        "n_traces_header": n_header,
        "position_units": unit,
        "distance_source": distance_source,
        "antenna_separation_m": None if sep is None else sep * scale,
        "stacks": header_number(hd_path, header, "NUMBER OF STACKS", float, required=False),
        "survey_mode": header.get("SURVEY MODE", "").strip(),
        "date": None if date is None else date.isoformat(),
    }
    survey = make_survey(
        data,
        dt_ns=dt,
        distance_m=distance,
        format="pulseekko_dt1",
        instrument=_instrument(header),
        antenna_mhz=header_number(hd_path, header, "NOMINAL FREQUENCY", float, required=False),
        source=os.fspath(data_path),
        coords=coords,
        attrs=attrs,
    )
    if gnss:
        gps = find_companion(data_path, "GPS", "gps")
        if gps is not None:
            survey = georeference_from_file(survey, gps, read_sensors_gps, crs=crs, lever_arm_m=lever_arm_m, latency_s=latency_s)
    return survey


# --------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------

#: Fields the writer computes; any other field of a header read from a .HD is copied through.
_HD_FIELDS = (
    "NUMBER OF TRACES", "NUMBER OF PTS/TRC", "TIMEZERO AT POINT", "TOTAL TIME WINDOW",
    "STARTING POSITION", "FINAL POSITION", "STEP SIZE USED", "POSITION UNITS",
    "NOMINAL FREQUENCY", "ANTENNA SEPARATION", "NUMBER OF STACKS", "SURVEY MODE",
)  # fmt: skip


def _trace_numbers(path, stored: np.ndarray) -> np.ndarray:
    """Trace numbers from the trace headers (float32 words), or 1..n with a warning if unusable."""
    stored = np.asarray(stored, dtype=np.float64)
    if stored.size and (not np.all(np.isfinite(stored)) or np.abs(stored).max() > 2**31):
        warn(f"{os.fspath(path)}: trace-header trace numbers are not finite integers; numbered 1..{stored.size}")
        return np.arange(1, stored.size + 1, dtype=np.int64)
    return np.rint(stored).astype(np.int64)


def write_dt1(survey: xr.DataArray, path, *, position_units: str = "m") -> Path:
    """Write a one-channel survey as pulseEKKO ``.DT1`` + ``.HD`` (each atomically).

    Parameters
    ----------
    survey : xarray.DataArray
        One channel; samples must be whole numbers within int16 (never clipped).
    path : str or path-like
        ``NAME.DT1``, ``NAME.HD`` or ``NAME``.
    position_units : str
        Unit of the positions written (``"m"``, ``"ft"``, ``"feet"``, ``"cm"`` ...); distances are
        converted from ``distance_m``.

    Returns
    -------
    Path
        The ``.DT1`` written.

    Raises
    ------
    ValueError
        More than one channel, an unknown unit, or samples that do not fit int16.
    """
    if survey.sizes.get("channel", 1) != 1:
        raise WriteError(
            f"a .DT1 file holds one channel; this survey has {survey.sizes['channel']} (select one with isel)"
        )
    scale = POSITION_UNITS_TO_M.get(position_units.strip().lower())
    if scale is None:
        raise WriteError(
            f"position_units {position_units!r} is not one of {sorted(POSITION_UNITS_TO_M)}"
        )
    p = Path(path)
    base = p.with_suffix("") if p.suffix.lower() in (".dt1", ".hd") else p
    data_path = base.parent / (base.name + ".DT1")
    hd_path = base.parent / (base.name + ".HD")
    samples = integer_samples(survey, np.dtype("<i2"), os.fspath(data_path))[0]
    n_trace, n_points = samples.shape
    dt = float(survey.attrs["dt_ns"])
    distance_m = np.asarray(survey.coords["distance_m"].values, dtype=float)[0]
    pos = distance_m / scale
    step = uniform_spacing(pos)
    if step is None:
        step = float(np.mean(np.diff(pos))) if n_trace > 1 else 0.0

    old = survey_header(survey, "pulseekko")
    window = n_points * dt
    if old and old.get("NUMBER OF PTS/TRC", "").strip() == str(n_points):
        rec = survey.attrs.get("time_window_ns")
        if rec and np.isclose(float(rec) / n_points, dt, rtol=1e-12):
            window = float(rec)
    mhz = survey.attrs.get("antenna_mhz")
    sep = survey.attrs.get("antenna_separation_m")
    tz = survey.attrs.get("time_zero_sample")
    stacks = survey.attrs.get("stacks") or 1
    fields = {
        "NUMBER OF TRACES": str(n_trace),
        "NUMBER OF PTS/TRC": str(n_points),
        "TIMEZERO AT POINT": format_number(tz) if tz is not None else "1",
        "TOTAL TIME WINDOW": format_number(window),
        "STARTING POSITION": format_number(pos[0]),
        "FINAL POSITION": format_number(pos[-1]),
        "STEP SIZE USED": format_number(step),
        "POSITION UNITS": position_units,
        "NOMINAL FREQUENCY": format_number(mhz) if mhz else "0",
        "ANTENNA SEPARATION": format_number(sep / scale) if sep is not None else "0",
        "NUMBER OF STACKS": str(int(stacks)),
        "SURVEY MODE": str(survey.attrs.get("survey_mode") or "Reflection"),
    }
    extra = {k: v for k, v in old.items() if k not in fields}

    times = None
    if "time" in survey.coords and survey.coords["time"].dims == ("trace",):
        times = np.asarray(survey.coords["time"].values).astype("datetime64[ns]")
    date = survey.attrs.get("date")
    if not date:
        date = (
            str(times[0].astype("datetime64[D]"))
            if times is not None and not np.isnat(times[0])
            else (_dt.date.today().isoformat())
        )
    instrument = str(survey.attrs.get("instrument") or "roadhealth")
    instrument = instrument.removeprefix("Sensors & Software ")
    lines = ["1234", f"Data Collected with {instrument}", date]
    lines += [f"{k:<19}= {v}" for k, v in {**fields, **extra}.items()]

    record = np.dtype([("header", DT1_TRACE_HEADER), ("data", "<i2", (n_points,))])
    out = np.zeros(n_trace, dtype=record)
    hdr = out["header"]
    if "trace_number" in survey.coords and survey.coords["trace_number"].dims == ("trace",):
        hdr["trace_number"] = np.asarray(survey.coords["trace_number"].values, dtype=float)
    else:
        hdr["trace_number"] = np.arange(1, n_trace + 1)
    hdr["position"] = pos
    hdr["n_points"] = n_points
    hdr["bytes_per_point"] = 2
    hdr["time_window"] = dt * 1000.0  # ps, as pulseEKKO PRO writes it (see module docstring)
    hdr["n_stacks"] = stacks
    hdr["n_channels"] = 1
    if times is not None:
        day = times.astype("datetime64[D]")
        hdr["time_of_day"] = (times - day).astype("timedelta64[ns]").astype(np.int64) / 1e9
    out["data"] = samples
    with atomic_write(data_path) as f:
        f.write(out.tobytes())
    with atomic_write(hd_path) as f:
        # pulseEKKO software ends header lines with CR CR LF; some readers (ImpDAR) rely on it
        f.write(("\r\r\n".join(lines) + "\r\r\n").encode("latin-1", errors="replace"))
    if has_lonlat(survey):
        warn(
            f"{os.fspath(data_path)}: lon/lat are not written (no .GPS writer); positions are lost"
        )
    return data_path
