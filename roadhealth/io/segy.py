"""SEG-Y (rev 0, 1 and 2) files as GPR surveys: :func:`read_segy` and :func:`write_segy`.

SEG-Y is the seismic exchange format that most GPR software can export. It was never designed for
radar, so GPR exporters bend it in ways this module has to undo:

* the binary-header sample interval is an integer number of microseconds and cannot hold a GPR
  interval such as 0.05 ns, so exporters write picoseconds (= ns x 1000), whole nanoseconds, the
  rev 2 extended interval (an IEEE double), or only a sentence in the textual header;
* several antenna channels (a 3-D array) are written as several lines of one file, told apart by
  the inline number (trace-header bytes 189-192), the field record number (bytes 9-12) or by the
  trace-sequence-within-line number (bytes 1-4) starting again;
* coordinates are integers with a scalar (bytes 71-72) in metres, arc seconds, degrees or DMS
  (bytes 89-90).

Layout, as the standard names it (byte positions are 1-based, as in the standard)::

    bytes 1-3200      textual header, 40 card images of 80 characters, EBCDIC or ASCII
    bytes 3201-3600   binary header                              -> BINARY_HEADER_DTYPE
    3200 x N          extended textual headers (binary header bytes 3505-3506 give N)
    then per trace    240-byte trace header (TRACE_HEADER_DTYPE) + n_sample samples

The headers are described once, declaratively, as numpy structured dtypes with the field names
segyio uses (:class:`segyio.BinField`, :class:`segyio.TraceField`). Trace data are read with
segyio (eager) or as a dask array that streams the fixed-stride trace block chunk by chunk (lazy,
:class:`roadhealth.io._common.FileBlock`; never memory-mapped).
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import FormatError
from roadhealth.io._common import (
    FileBlock,
    atomic_path,
    file_channel_order,
    lazy_or_loaded,
    memmap_traces,
    want_lazy,
    warn,
)
from roadhealth.io.segy_infer import (
    antenna_mhz_from_text,
    check_interval_unit,
    coordinates,
    instrument_from_text,
    resolve_dt,
    resolve_offsets,
    trace_spacing_from_text,
)
from roadhealth.survey import WAVE_SPREADINGS, make_survey, positive_number

__all__ = [
    "BINARY_HEADER_DTYPE",
    "TRACE_HEADER_DTYPE",
    "read_segy",
    "write_segy",
]

TEXT_HEADER_BYTES = 3200
BINARY_HEADER_BYTES = 400
TRACE_HEADER_BYTES = 240


#: Byte-order constant of SEG-Y rev 2 (binary header bytes 3297-3300).
BYTE_ORDER_CONSTANT = 0x01020304


def _struct(fields: Sequence[tuple[str, int, str]], base: int, itemsize: int) -> np.dtype:
    """Big-endian structured dtype from ``(name, first byte (1-based, as in the standard), type)``."""
    return np.dtype(
        {
            "names": [f[0] for f in fields],
            "formats": [">" + f[2] if f[2][0] not in "<>|V" else f[2] for f in fields],
            "offsets": [f[1] - base for f in fields],
            "itemsize": itemsize,
        }
    )


#: Binary header, bytes 3201-3600 (rev 2 layout; rev 0/1 files have zeros in the rev 2 fields).
BINARY_HEADER_DTYPE = _struct(
    [
        ("JobID", 3201, "i4"),
        ("LineNumber", 3205, "i4"),
        ("ReelNumber", 3209, "i4"),
        ("Traces", 3213, "i2"),  # data traces per ensemble
        ("AuxTraces", 3215, "i2"),
        ("Interval", 3217, "u2"),  # sample interval, microseconds (GPR exporters: see read_segy)
        ("IntervalOriginal", 3219, "u2"),
        ("Samples", 3221, "u2"),  # samples per data trace
        ("SamplesOriginal", 3223, "u2"),
        ("Format", 3225, "i2"),  # data sample format code
        ("EnsembleFold", 3227, "i2"),
        ("SortingCode", 3229, "i2"),
        ("VerticalSum", 3231, "i2"),
        ("SweepFrequencyStart", 3233, "i2"),
        ("SweepFrequencyEnd", 3235, "i2"),
        ("SweepLength", 3237, "i2"),
        ("Sweep", 3239, "i2"),
        ("SweepChannel", 3241, "i2"),
        ("SweepTaperStart", 3243, "i2"),
        ("SweepTaperEnd", 3245, "i2"),
        ("Taper", 3247, "i2"),
        ("CorrelatedTraces", 3249, "i2"),
        ("BinaryGainRecovery", 3251, "i2"),
        ("AmplitudeRecovery", 3253, "i2"),
        ("MeasurementSystem", 3255, "i2"),  # 1 = metres, 2 = feet
        ("ImpulseSignalPolarity", 3257, "i2"),
        ("VibratoryPolarity", 3259, "i2"),
        ("ExtTraces", 3261, "i4"),  # rev 2 extended fields from here
        ("ExtAuxTraces", 3265, "i4"),
        ("ExtSamples", 3269, "i4"),
        ("ExtInterval", 3273, "f8"),  # extended sample interval, IEEE double, microseconds
        ("ExtIntervalOriginal", 3281, "f8"),
        ("ExtSamplesOriginal", 3289, "i4"),
        ("ExtEnsembleFold", 3293, "i4"),
        ("ByteOrder", 3297, "u4"),  # 16909060 (0x01020304) in the file's byte order
        ("SEGYRevision", 3501, "u1"),  # major revision (1 byte)
        ("SEGYRevisionMinor", 3502, "u1"),
        ("TraceFlag", 3503, "i2"),  # 1 = fixed-length traces
        ("ExtendedHeaders", 3505, "i2"),  # number of 3200-byte extended textual headers
        ("MaxAdditionalTraceHeaders", 3507, "i4"),
        ("TimeBasisCode", 3511, "i2"),
        ("NumberOfTraces", 3513, "u8"),  # rev 2: traces in this file
        ("FirstTraceOffset", 3521, "u8"),  # rev 2: byte offset of the first trace
        ("TrailerStanzas", 3529, "i4"),
    ],
    base=TEXT_HEADER_BYTES + 1,
    itemsize=BINARY_HEADER_BYTES,
)

#: Trace header, 240 bytes (the fields roadhealth reads or writes; segyio.TraceField names).
TRACE_HEADER_DTYPE = _struct(
    [
        ("TRACE_SEQUENCE_LINE", 1, "i4"),
        ("TRACE_SEQUENCE_FILE", 5, "i4"),
        ("FieldRecord", 9, "i4"),
        ("TraceNumber", 13, "i4"),
        ("EnergySourcePoint", 17, "i4"),
        ("CDP", 21, "i4"),
        ("CDP_TRACE", 25, "i4"),
        ("TraceIdentificationCode", 29, "i2"),
        ("ReceiverGroupElevation", 41, "i4"),
        ("ElevationScalar", 69, "i2"),
        ("SourceGroupScalar", 71, "i2"),  # coordinate scalar: >0 multiply, <0 divide
        ("SourceX", 73, "i4"),
        ("SourceY", 77, "i4"),
        ("GroupX", 81, "i4"),
        ("GroupY", 85, "i4"),
        ("CoordinateUnits", 89, "i2"),  # 1 length, 2 arc s, 3 degrees, 4 DMS
        ("DelayRecordingTime", 109, "i2"),
        ("TRACE_SAMPLE_COUNT", 115, "u2"),
        ("TRACE_SAMPLE_INTERVAL", 117, "u2"),
        ("YearDataRecorded", 157, "i2"),
        ("DayOfYear", 159, "i2"),
        ("HourOfDay", 161, "i2"),
        ("MinuteOfHour", 163, "i2"),
        ("SecondOfMinute", 165, "i2"),
        ("TimeBaseCode", 167, "i2"),
        ("CDP_X", 181, "i4"),
        ("CDP_Y", 185, "i4"),
        ("INLINE_3D", 189, "i4"),
        ("CROSSLINE_3D", 193, "i4"),
    ],
    base=1,
    itemsize=TRACE_HEADER_BYTES,
)

#: Data sample format codes (binary header 3225-3226) this module reads: code -> (dtype, name).
SAMPLE_FORMATS: dict[int, tuple[str, str]] = {
    1: (">u4", "4-byte IBM float"),  # raw bits; converted by _ibm_to_float32
    2: (">i4", "4-byte signed integer"),
    3: (">i2", "2-byte signed integer"),
    5: (">f4", "4-byte IEEE float"),
    6: (">f8", "8-byte IEEE float"),
    8: ("|i1", "1-byte signed integer"),
    9: (">i8", "8-byte signed integer"),
    10: (">u4", "4-byte unsigned integer"),
    11: (">u2", "2-byte unsigned integer"),
    12: (">u8", "8-byte unsigned integer"),
    16: ("|u1", "1-byte unsigned integer"),
}

#: write_segy's sample_format names -> (format code, numpy dtype written by segyio).
WRITE_FORMATS = {
    "ibm": (1, np.float32),
    "int32": (2, np.int32),
    "int16": (3, np.int16),
    "ieee": (5, np.float32),
}

_LINE_KEYS = {
    "inline": "INLINE_3D",
    "field_record": "FieldRecord",
    "trace_sequence": "TRACE_SEQUENCE_LINE",
}
_LAYOUT_RE = re.compile(
    r"\bLAYOUT\s+FORMAT=(\d+)\s+ORDER=(BIG|LITTLE)\s+NS=(\d+)\s+TRACES=(\d+)\s+LINES=(\d+)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------


def read_segy(
    path: str | os.PathLike,
    *,
    dt_ns: float | None = None,
    lazy: bool | None = None,
    crs: str | None = None,
    endian: str = "auto",
    line_key: str | None = "auto",
    interval_unit: str | None = None,
    trace_spacing_m: float | None = None,
) -> xr.DataArray:
    """Read a SEG-Y file (rev 0, 1 or 2) into a survey.

    Parameters
    ----------
    path : str or path-like
        The SEG-Y file.
    dt_ns : float, optional
        Sample interval, ns. Overrides whatever the file says (``dt_source = "argument"``).
    lazy : bool, optional
        True: a dask array streaming the trace block in chunks of ``io._common.CHUNK_BYTES``
        along ``trace``; nothing is read until computed. False: read everything with segyio. None: lazy for files whose
        sample block is larger than ``roadhealth.io._common.LAZY_THRESHOLD_BYTES``.
    crs : str, optional
        CRS of the file's projected coordinates (``"EPSG:4545"``), or the CRS to project
        geographic coordinates into. Without it, projected coordinates take the textual header's
        ``CRS:`` line, else
        ``attrs["crs"] = None`` and a note in ``attrs["header"]["notes"]``.
    endian : {"auto", "big", "little"}
        Byte order. "auto" uses the rev 2 byte-order constant (bytes 3297-3300) when set, else the
        one order in which the data sample format code is valid.
    line_key : {"auto", "inline", "field_record", "trace_sequence"} or None
        How traces are grouped into lines (= channels). "auto": the inline number (bytes 189-192)
        if it takes 2 or more values with at least 2 traces each, else the field record number
        (bytes 9-12) likewise, else runs of the trace sequence number within line (bytes 1-4)
        starting again, else one line. None: the whole file is one line.
    interval_unit : {None, "us", "ns", "ps"}
        What the integer interval fields hold, when neither the rev 2 extended interval nor the
        textual header gives the interval: None infers it (see Notes, with a warning); "ps" for
        full-wave simulation exports (gprMax and the like write whole picoseconds).
    trace_spacing_m : float, optional
        Along-track distance between traces, m: ``distance_m`` is then ``trace index x
        trace_spacing_m`` whatever the trace headers hold (their x/y, if any, are kept). For files
        without trace coordinates (see Notes).

    Returns
    -------
    xarray.DataArray, dims (channel, trace, sample)
        Amplitudes in the file's sample type (IBM floats become float32). Coordinates ``twt_ns``
        (sample), ``distance_m``, ``x``, ``y`` (channel, trace), ``offset_m`` (channel), and
        ``lon``/``lat`` (channel, trace) when the file holds geographic coordinates. ``attrs``:
        ``format = "segy"``, ``instrument`` and ``antenna_mhz`` from the textual header when it
        names them, ``dt_ns``, ``source``, ``crs``, empty ``history`` and ``header`` (a
        JSON-serialisable dict: the binary header fields, ``textual`` header text,
        ``revision``, ``endian``, ``dt_source``, ``line_key``, ``coordinate_source``,
        ``coordinate_units``, ``offset_source`` and ``notes``).

    Raises
    ------
    FormatError
        The file is truncated, corrupted, uses an unsupported sample format, its lines have
        unequal trace counts, or no sample interval can be found. Never a raw segyio/numpy error.
    FileNotFoundError
        ``path`` does not exist.

    Warns
    -----
    RoadHealthWarning
        Whenever the sample interval is inferred rather than read from an unambiguous field, when
        sources of the interval disagree, when coordinates in feet are converted, and when channel
        offsets are assumed.

    Notes
    -----
    **Sample interval**, first rule that applies:

    1. ``dt_ns=`` argument.
    2. rev >= 2 and the extended sample interval (bytes 3273-3280, IEEE double) is a positive finite
       number: it is in microseconds by the standard, ``dt_ns = value * 1000``. No warning when
       that lies in 0.001-5 ns; otherwise the value is tried as ns, then as ps (with a warning),
       and ignored when no reading is plausible.
    3. The textual header states it with a unit: "SAMPLE INTERVAL 0.05 NS", "dt=0.1 ns",
       "sampling interval: 50 ps", "SAMPLING FREQUENCY 20 GHZ". No warning unless two statements
       disagree or the binary-header integer contradicts it.
    4. The integer binary-header interval (bytes 3217-3218), else the most common trace-header
       interval (bytes 117-118); neither can hold a GPR interval in microseconds. In the unit
       ``interval_unit=`` names, when given (no warning). Otherwise always warned, naming the
       inference: 5 <= value <= 5000 is read as picoseconds (the same as "ns x 1000");
       1 <= value <= 4 as picoseconds when, read as nanoseconds, the recording window would
       exceed 10 µs or the textual header's antenna frequency would lie above the Nyquist
       frequency (full-wave simulation exports: whole picoseconds, time zero at the source),
       else as whole nanoseconds. Any other value is a FormatError asking for ``dt_ns=``.
       The inference lives in :mod:`roadhealth.io.segy_infer`.

    The decision is recorded in ``attrs["header"]["dt_source"]``.

    **Coordinates**: the first of CDP X/Y (bytes 181/185), source X/Y (73/77) and group X/Y (81/85)
    that is not all zero, times the coordinate scalar (bytes 71-72; negative means divide, 0 means 1).
    Units (bytes 89-90): 0/1 length (metres, or feet when binary header MeasurementSystem is 2:
    then distances are converted to metres and x/y left in feet), 2 arc seconds, 3 decimal degrees,
    4 DMS (±DDDMMSS.ss). Length coordinates become ``x``/``y`` in ``crs`` and
    ``distance_m`` is the cumulative straight-line distance along each channel from its first
    trace. Geographic coordinates become ``lon``/``lat``; ``x``/``y`` are projected into ``crs``
    with pyproj when it is given (from WGS84 / EPSG:4326), else they are the local frame of
    :func:`~roadhealth.survey.make_survey` (``x = distance_m``, ``y = offset_m``); ``distance_m``
    is the cumulative geodesic (WGS84) distance. Without coordinates, ``distance_m`` is the trace
    index times the spacing the textual header states ("TRACE SPACING 0.05 M", "trace interval:
    2 cm", "SCANS PER METER 50"), else the trace index itself, with a warning and
    ``attrs["distance_source"] = "trace index"`` (:func:`roadhealth.detect.detect` then estimates
    the spacing; pass ``trace_spacing_m=`` for metres). A median step between traces over
    :data:`MAX_PLAUSIBLE_STEP_M` in length coordinates is warned about: coordinates in
    centimetres or millimetres written without their scalar (bytes 71-72).

    **Lines** (several channels): every line must hold the same number of traces, else a
    FormatError (padding would invent data). Channel ``i`` is the line with the ``i``-th smallest
    key. ``offset_m`` is, first rule that applies: the textual header's "CHANNEL OFFSETS M" lines
    (written by :func:`write_segy`); the median perpendicular distance of each line from the
    array's centre line (the mean of all lines), positive to the left of travel; a textual
    "LINE SPACING x M" with channel numbers assumed to increase to the left (warned); zero
    (warned).

    A file cut exactly at a trace boundary looks like a shorter valid file; this is detected only
    when the file states its trace count (rev 2 bytes 3513-3520, or the "LAYOUT" line that
    :func:`write_segy` puts in the textual header, which also pins the format code, byte order,
    sample and line counts).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such SEG-Y file: {path}")
    if endian not in ("auto", "big", "little"):
        raise ValueError(f"endian must be 'auto', 'big' or 'little'; got {endian!r}")
    if line_key not in ("auto", None, *_LINE_KEYS):
        raise ValueError(
            f"line_key must be 'auto', None or one of {sorted(_LINE_KEYS)}; got {line_key!r}"
        )
    if dt_ns is not None and not (np.isfinite(float(dt_ns)) and float(dt_ns) > 0):
        raise ValueError(f"dt_ns must be a positive number of ns; got {dt_ns!r}")
    check_interval_unit(interval_unit)

    hd = _read_headers(path, endian)
    th, data, groups, key_used, layout = _read_traces(path, hd, line_key, lazy)
    n_chan, n_trace = groups.shape
    notes: list[str] = []
    dt, dt_source, t0 = resolve_dt(path, dt_ns, hd.binary, hd.revision, hd.lines, th, notes,
                                   n_samples=hd.n_samples, interval_unit=interval_unit,
                                   exact_text=layout is not None)
    pos = coordinates(path, th[groups], hd.binary, hd.lines, crs, notes)
    distance, distance_source = _trace_distance(path, pos.distance, trace_spacing_m, hd.lines, n_chan, n_trace,
                                                notes, lengths=pos.units_name == "length")
    offsets, offset_source = resolve_offsets(path, hd.lines, n_chan, pos.local_xy, notes)
    x, y = pos.x, pos.y
    if x is None and pos.distance is not None:  # geographic without crs: local frame
        x = distance
        y = np.broadcast_to(offsets[:, None], (n_chan, n_trace)).copy()

    header = {k: _jsonable(v) for k, v in hd.binary.items()}
    header.update(
        {
            "textual": hd.text,
            "revision": f"{hd.revision}.{int(hd.binary['SEGYRevisionMinor'])}",
            "endian": hd.endian,
            "sample_format": SAMPLE_FORMATS[hd.format][1],
            "n_traces_in_file": int(th.shape[0]),
            "dt_source": dt_source,
            "line_key": key_used,
            "coordinate_source": pos.source,
            "coordinate_units": pos.units_name,
            "offset_source": offset_source,
            "notes": notes,
        }
    )
    extra = {"header": header}
    if distance_source:
        extra["distance_source"] = distance_source
    spreading = _spreading_from_text(hd.lines)
    if spreading is not None:
        extra["wave_spreading"] = spreading
    return make_survey(
        data,
        dt_ns=dt,
        time_zero_ns=t0,
        distance_m=distance,
        offset_m=offsets,
        x=x if pos.distance is not None else None,
        y=y if pos.distance is not None else None,
        crs=pos.crs,
        format="segy",
        instrument=instrument_from_text(hd.lines),
        antenna_mhz=antenna_mhz_from_text(hd.lines),
        source=str(path),
        coords=pos.lonlat or None,
        attrs=extra,
    )


#: A median step between traces longer than this, m, is not a GPR survey's (a fast highway
#: survey steps 0.1-0.3 m, a 50 MHz geological line 1 m): coordinates in cm or mm without scalar.
MAX_PLAUSIBLE_STEP_M = 2.0


def _trace_distance(path, distance, spacing, lines, n_chan: int, n_trace: int, notes: list, *,
                    lengths: bool) -> tuple:
    """``(distance_m or None, distance_source or None)`` from the coordinates' ``distance``, the
    ``trace_spacing_m`` argument or the textual header (see :func:`read_segy`); ``lengths``: the
    coordinates are lengths (not geographic), whose steps are checked."""
    if spacing is not None:
        sp = positive_number(spacing)
        if math.isnan(sp):
            raise ValueError(f"trace_spacing_m must be a positive number of metres; got {spacing!r}")
        notes.append(f"distance_m from trace_spacing_m = {sp:g} m (argument)")
        return np.broadcast_to(np.arange(n_trace) * sp, (n_chan, n_trace)).copy(), "trace_spacing_m (given)"
    if distance is not None and lengths:
        step = np.abs(np.diff(np.asarray(distance, dtype=float), axis=-1))
        step = step[np.isfinite(step) & (step > 0)]
        if step.size and float(np.median(step)) > MAX_PLAUSIBLE_STEP_M:
            warn(f"{path}: the trace coordinates step {float(np.median(step)):.4g} m between traces (median), "
                 f"more than a GPR survey's {MAX_PLAUSIBLE_STEP_M:g} m: are they in centimetres or millimetres "
                 "without a coordinate scalar (bytes 71-72)? Pass trace_spacing_m= for metres")
    if distance is not None:
        return distance, None
    stated = trace_spacing_from_text(lines)
    if stated is not None:
        sp, line = stated
        notes.append(f"no trace coordinates; distance_m from the textual header's {line!r}: {sp:g} m per trace")
        return np.broadcast_to(np.arange(n_trace) * sp, (n_chan, n_trace)).copy(), f"textual header ({line})"
    warn(f"{path}: no trace coordinates (CDP, source and group X/Y are all zero) and no trace spacing in the "
         "textual header: distance_m is the trace index, not metres; pass trace_spacing_m= "
         "(roadhealth.detect estimates it from the data's diffractions otherwise)")
    return None, None


@dataclass(frozen=True)
class _Headers:
    """The textual and binary headers of a SEG-Y file and the trace layout they promise."""

    size: int  # file size, bytes
    text: str
    lines: list[str]  # card images without their "C nn" prefix
    endian: str
    binary: dict[str, Any]  # binary header fields by segyio's names
    revision: int
    format: int  # data sample format code
    n_samples: int
    itemsize: int  # bytes per sample
    stride: int  # bytes per trace, header included
    trace0: int  # byte offset of the first trace


def _read_headers(path: Path, endian: str) -> _Headers:
    """Parse the textual and binary headers and check the file holds whole traces of the promised size."""
    size = path.stat().st_size
    head_len = TEXT_HEADER_BYTES + BINARY_HEADER_BYTES
    with open(path, "rb") as f:
        head = f.read(head_len)
    if len(head) < head_len:
        raise FormatError(
            path,
            "binary header",
            f"file is {size} bytes; a SEG-Y file starts with {head_len} bytes of headers",
        )
    text = _decode_text(head[:TEXT_HEADER_BYTES])
    order = _detect_endian(path, head, endian)
    bdt = BINARY_HEADER_DTYPE.newbyteorder("<") if order == "little" else BINARY_HEADER_DTYPE
    binh = np.frombuffer(head, dtype=bdt, count=1, offset=TEXT_HEADER_BYTES)[0]
    b = {name: binh[name].item() for name in bdt.names}
    rev = int(b["SEGYRevision"])
    fmt = int(b["Format"])
    if fmt not in SAMPLE_FORMATS:
        raise FormatError(
            path,
            "Format",
            f"data sample format code {fmt} is not supported; expected one of {sorted(SAMPLE_FORMATS)}",
        )
    ns = int(b["ExtSamples"]) if rev >= 2 and int(b["ExtSamples"]) > 0 else int(b["Samples"])
    if rev >= 2 and int(b["ExtendedHeaders"]) < 0:
        raise FormatError(
            path,
            "ExtendedHeaders",
            f"{b['ExtendedHeaders']}: a variable number of extended textual headers is not supported",
        )
    # the layout the binary header promises, checked before segyio sees it (segyio would allocate
    # per-sample arrays for an absurd sample count, and its trace size can wrap around 32 bits)
    if ns <= 0:
        raise FormatError(path, "Samples", f"{ns} samples per trace; expected a positive count")
    itemsize = np.dtype(SAMPLE_FORMATS[fmt][0]).itemsize
    stride = TRACE_HEADER_BYTES + ns * itemsize
    n_ext = int(b["ExtendedHeaders"]) if rev >= 1 else 0
    trace0 = head_len + TEXT_HEADER_BYTES * max(n_ext, 0)
    body = size - trace0
    if body < stride or body % stride:
        raise FormatError(
            path,
            "trace block",
            f"file is {size} bytes: after {trace0} bytes of headers, {body} bytes are not a whole number "
            f"of traces of {stride} bytes (240-byte header + {ns} samples x {itemsize} bytes); truncated or corrupted",
        )
    return _Headers(size, text, _card_lines(text), order, b, rev, fmt, ns, itemsize, stride, trace0)


def _read_traces(path: Path, hd: _Headers, line_key, lazy):
    """Trace headers, samples arranged as (line, trace, sample), the line grouping and the LAYOUT line.

    segyio opens the file (and checks it is a whole number of fixed-length traces); the trace
    headers are read in one block; samples are read by segyio (eager) or streamed (lazy).
    """
    import segyio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sf = segyio.open(str(path), "r", ignore_geometry=True, endian=hd.endian)
    except FileNotFoundError:
        raise
    except Exception as exc:  # segyio raises RuntimeError, OSError, IndexError, ValueError ...
        raise FormatError(path, "trace block", f"segyio cannot open the file: {exc}") from None
    with sf:
        n_total = _check_trace_count(path, hd, sf.xfd.metrics())
        layout = _check_layout(path, hd.lines, hd.format, hd.endian, hd.n_samples, n_total)
        data_dtype = np.dtype(SAMPLE_FORMATS[hd.format][0])
        tdt = TRACE_HEADER_DTYPE
        if hd.endian == "little":
            data_dtype = data_dtype.newbyteorder("<")
            tdt = tdt.newbyteorder("<")
        rec = np.dtype([("hdr", tdt), ("data", data_dtype, (hd.n_samples,))])
        th = np.array(memmap_traces(path, hd.trace0, rec, (n_total,))["hdr"])  # all trace headers
        counts = th["TRACE_SAMPLE_COUNT"].astype(np.int64)
        bad = (counts != 0) & (counts != hd.n_samples)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise FormatError(
                path,
                "TRACE_SAMPLE_COUNT",
                f"trace {i} header says {counts[i]} samples; binary header says {hd.n_samples}",
            )
        groups, key_used = _group_lines(path, th, line_key, layout)
        if want_lazy(lazy, n_total * hd.n_samples * hd.itemsize):
            convert = _ibm_to_float32 if hd.format == 1 else _to_native
            data = _arrange_lazy(FileBlock(path, hd.trace0, rec, (n_total,), field="data"), groups, convert)
        else:
            try:
                raw = sf.trace.raw[:]
            except Exception as exc:
                raise FormatError(
                    path, "trace block", f"segyio cannot read the traces: {exc}"
                ) from None
            data = _arrange(np.asarray(raw).reshape(n_total, hd.n_samples), groups)
    return th, data, groups, key_used, layout


def _check_trace_count(path: Path, hd: _Headers, metrics: dict) -> int:
    """Number of traces, after checking segyio's view of the file against the headers."""
    n_total = int(metrics["tracecount"])
    trace0 = int(metrics["trace0"])
    if int(metrics["samplecount"]) != hd.n_samples:
        raise FormatError(
            path,
            "Samples",
            f"binary header says {hd.n_samples} samples per trace; the traces hold {metrics['samplecount']}",
        )
    if n_total <= 0:
        raise FormatError(path, "trace block", f"file is {hd.size} bytes and holds no traces")
    if trace0 != hd.trace0 or trace0 + n_total * hd.stride != hd.size:
        raise FormatError(
            path,
            "trace block",
            f"file is {hd.size} bytes; expected {trace0} + {n_total} x {hd.stride}",
        )
    b = hd.binary
    if hd.revision >= 2:
        if b["FirstTraceOffset"] and int(b["FirstTraceOffset"]) != trace0:
            raise FormatError(
                path,
                "FirstTraceOffset",
                f"{b['FirstTraceOffset']}; expected {trace0} (traces after the headers)",
            )
        if b["NumberOfTraces"] and int(b["NumberOfTraces"]) != n_total:
            raise FormatError(
                path,
                "NumberOfTraces",
                f"binary header says {b['NumberOfTraces']} traces; the file holds {n_total}",
            )
    return n_total


def _jsonable(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _to_native(a: np.ndarray) -> np.ndarray:
    return a.astype(a.dtype.newbyteorder("="), copy=False)


def _ibm_to_float32(u: np.ndarray) -> np.ndarray:
    """IBM System/360 single-precision floats (as uint32 bit patterns) to float32.

    value = (-1)**sign * 0.fraction(24 bits) * 16**(exponent - 64); every normal IBM value whose
    magnitude lies in float32's range is exact in float32.
    """
    u = np.asarray(u).astype(np.uint32)
    exponent = ((u >> 24) & 0x7F).astype(np.int64)
    fraction = (u & 0x00FFFFFF).astype(np.float64)
    value = np.ldexp(fraction, 4 * (exponent - 64) - 24)
    value = np.where((u >> 31).astype(bool), -value, value)
    with np.errstate(over="ignore"):
        return value.astype(np.float32)


def _decode_text(raw: bytes) -> str:
    """Textual header bytes to str: EBCDIC (cp037) when EBCDIC spaces outnumber ASCII ones."""
    if raw.count(b"\x40") > raw.count(b"\x20"):
        return raw.decode("cp037", errors="replace")
    return raw.replace(b"\x00", b" ").decode("latin-1")


def _card_lines(text: str) -> list[str]:
    """The 80-character card images (or newline-separated lines), without their "C 1 " prefix."""
    rows = (
        text.splitlines() if "\n" in text else [text[i : i + 80] for i in range(0, len(text), 80)]
    )
    return [re.sub(r"^C\s?\d{0,2}\s?", "", r.rstrip(), count=1).strip() for r in rows if r.strip()]


def _detect_endian(path: Path, head: bytes, endian: str) -> str:
    fmt_big = int.from_bytes(head[3224:3226], "big")
    fmt_little = int.from_bytes(head[3224:3226], "little")
    marker = head[3296:3300]
    if endian == "auto":
        if marker == BYTE_ORDER_CONSTANT.to_bytes(4, "big"):
            endian = "big"
        elif marker == BYTE_ORDER_CONSTANT.to_bytes(4, "little"):
            endian = "little"
        elif fmt_big in SAMPLE_FORMATS:
            endian = "big"
        elif fmt_little in SAMPLE_FORMATS:
            endian = "little"
        else:
            raise FormatError(
                path,
                "Format",
                f"data sample format code reads {fmt_big} (big-endian) or {fmt_little} (little-endian); "
                f"expected one of {sorted(SAMPLE_FORMATS)}",
            )
    return endian


def _check_layout(
    path: Path, lines: list[str], fmt: int, order: str, ns: int, n_total: int
) -> dict | None:
    """Compare the file with the "LAYOUT" line :func:`write_segy` puts in the textual header."""
    for ln in lines:
        m = _LAYOUT_RE.search(ln)
        if not m:
            continue
        layout = {
            "Format": int(m.group(1)),
            "endian": m.group(2).lower(),
            "Samples": int(m.group(3)),
            "traces": int(m.group(4)),
            "lines": int(m.group(5)),
        }
        for field, found, stated in (
            ("Format", fmt, layout["Format"]),
            ("byte order", order, layout["endian"]),
            ("Samples", ns, layout["Samples"]),
            ("trace count", n_total, layout["traces"]),
        ):
            if found != stated:
                raise FormatError(
                    path, field, f"the file reads as {found}; its textual header states {stated}"
                )
        return layout
    return None


def _group_lines(
    path: Path, th: np.ndarray, line_key: str | None, layout: dict | None
) -> tuple[np.ndarray, str | None]:
    """Trace indices of each line, shape (n_line, n_trace_per_line), and the key used."""
    n = th.shape[0]
    single = np.arange(n)[None, :]
    if line_key is None:
        return single, None
    if layout is not None and line_key == "auto":
        keys_to_try = ["inline"]
        if layout["lines"] == 1:
            return single, None
    elif line_key == "auto":
        keys_to_try = ["inline", "field_record", "trace_sequence"]
    else:
        keys_to_try = [line_key]
    for name in keys_to_try:
        field = _LINE_KEYS[name]
        values = th[field].astype(np.int64)
        if name == "trace_sequence":
            labels = np.concatenate([[0], np.cumsum(np.diff(values) <= 0)])
        else:
            labels = values
        uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
        k = uniq.size
        explicit = line_key != "auto" or layout is not None
        if k < 2 or (not explicit and counts.min() < 2):
            if explicit and k < 2 and layout is not None and layout["lines"] > 1:
                raise FormatError(
                    path, field, f"one line found; the textual header states {layout['lines']}"
                )
            continue
        if layout is not None and k != layout["lines"]:
            raise FormatError(
                path, field, f"{k} lines found; the textual header states {layout['lines']}"
            )
        if np.any(counts != counts[0]):
            raise FormatError(
                path,
                field,
                f"lines (by {field}) hold unequal numbers of traces ({', '.join(map(str, counts[:8]))}"
                f"{' ...' if k > 8 else ''}); a survey needs the same count on every channel",
            )
        idx = np.argsort(inverse, kind="stable").reshape(k, counts[0])
        return idx, field
    return single, None


def _line_layout(groups: np.ndarray) -> str | None:
    """How the lines of a file are stored: "sequential" (one after another), "interleaved"
    (trace by trace across lines), or None (any other order, needing a gather)."""
    n_chan, n_trace = groups.shape
    n_total = n_chan * n_trace
    if np.array_equal(groups.ravel(), np.arange(n_total)):
        return "sequential"
    if np.array_equal(groups, np.arange(n_total).reshape(n_trace, n_chan).T):
        return "interleaved"
    return None


def _arrange_lazy(block: FileBlock, groups: np.ndarray, convert) -> Any:
    """(n_total, n_sample) traces streamed from the file -> dask (n_chan, n_trace, n_sample).

    The file is read chunk by chunk (:class:`FileBlock`, never memory-mapped, so resident memory
    stays bounded); sequential or interleaved lines become a reshape, any other order a gather.
    """
    n_chan, n_trace = groups.shape
    ns = block.shape[1]
    arr = lazy_or_loaded(block, True, trace_axis=0, convert=convert)
    layout = _line_layout(groups)
    if layout == "sequential":
        return arr.reshape(n_chan, n_trace, ns)
    if layout == "interleaved":
        return arr.reshape(n_trace, n_chan, ns).transpose(1, 0, 2)
    return arr[groups.ravel()].reshape(n_chan, n_trace, ns)


def _arrange(block: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(n_total, n_sample) traces in memory -> (n_chan, n_trace, n_sample), C-contiguous."""
    n_chan, n_trace = groups.shape
    ns = block.shape[1]
    layout = _line_layout(groups)
    if layout == "sequential":
        return np.ascontiguousarray(block.reshape(n_chan, n_trace, ns))
    if layout == "interleaved":
        return np.ascontiguousarray(block.reshape(n_trace, n_chan, ns).transpose(1, 0, 2))
    return block[groups]


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def write_segy(
    survey: xr.DataArray,
    path: str | os.PathLike,
    *,
    sample_format: str = "ieee",
    revision: int = 1,
    dt_encoding: str = "ps",
    coordinate_scalar: int = -100,
    textual_header: str | None = None,
    endian: str = "big",
) -> Path:
    """Write a survey as SEG-Y, one line per channel, atomically.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        The survey; ``x``/``y`` (in ``attrs["crs"]``, or a local frame) become CDP X/Y.
    path : str or path-like
        Output file; written to a temporary file beside it and renamed on success.
    sample_format : {"ieee", "ibm", "int16", "int32"}
        Data sample format: 4-byte IEEE float (code 5), 4-byte IBM float (1), 2-byte (3) or
        4-byte (2) signed integers. Integer formats require integral values within range
        (ValueError otherwise); float data are stored as float32 (IBM keeps 21-24 mantissa bits).
    revision : {1, 2}
        SEG-Y revision. Rev 2 also stores the exact interval as the extended sample interval (IEEE
        double, microseconds, bytes 3273-3280), the byte-order constant, the trace count and the
        offset of the first trace.
    dt_encoding : {"ps", "ns", "us", "none"}
        What the integer interval fields (binary bytes 3217-3218, trace bytes 117-118) hold:
        picoseconds (= ns x 1000, the common GPR convention), whole nanoseconds, microseconds (the
        standard's unit, 0 for any GPR interval) or 0. A RoadHealthWarning is emitted when the
        integer cannot hold ``dt_ns`` exactly (except "us" giving 0, which is what the standard's
        unit leaves for any GPR interval); the textual header (and rev 2's extended field) always
        carry the exact value. A file as full-wave simulation exporters write it (whole
        picoseconds, time zero at the source, a textual header that states neither interval nor
        antenna) is ``dt_encoding="ps", revision=1, textual_header="..."`` with the survey's
        ``twt_ns`` starting at 0; :func:`read_segy` reads it back (warning that the interval was
        inferred as picoseconds; ``interval_unit="ps"`` says so instead).
    coordinate_scalar : int
        SEG-Y coordinate scalar (bytes 71-72): -100 stores centimetres, 1 metres, 10 decametres.
    textual_header : str, optional
        Replaces roadhealth's textual header (up to 40 lines of 80 characters). The default states
        the sample interval in ns, time of the first sample, antenna frequency, instrument, crs,
        channel offsets and a "LAYOUT" line that :func:`read_segy` checks.
    endian : {"big", "little"}
        Byte order (big is the standard's; little is allowed by rev 2 and read by segyio).

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Trace headers: TRACE_SEQUENCE_LINE and CROSSLINE_3D = trace + 1, TRACE_SEQUENCE_FILE = index
    in file + 1, FieldRecord and INLINE_3D = channel + 1, CDP = trace + 1, CDP_X/CDP_Y scaled,
    coordinate units 1 (length), TRACE_SAMPLE_COUNT and TRACE_SAMPLE_INTERVAL. A survey without
    positions (``attrs["distance_source"] == "trace index"``, the local frame's x, no CRS) is
    written with zero coordinates, so that it reads back as having none rather than traces a metre
    apart, unless its channel offsets would be lost with them (several offsets and a textual
    header that does not state them).
    """
    import segyio

    coordinate_scalar = _check_write_options(sample_format, revision, dt_encoding, endian, coordinate_scalar)
    code, np_dtype = WRITE_FORMATS[sample_format]
    order = file_channel_order(survey)
    if np.any(order != np.arange(order.size)):
        survey = survey.isel(channel=order)  # the source file's line order
    n_chan, n_trace, ns = (int(survey.sizes[d]) for d in ("channel", "trace", "sample"))
    if ns > 65535 and revision < 2:
        raise ValueError(f"{ns} samples per trace need revision=2 (rev 1 holds at most 65535)")
    n_total = n_chan * n_trace
    values = np.asarray(survey.transpose("channel", "trace", "sample").values)
    data = _cast_samples(values, np_dtype, sample_format).reshape(n_total, ns)
    dt = float(survey.attrs["dt_ns"])
    t0 = float(survey.coords["twt_ns"].values[0]) if ns else 0.0
    ival = _integer_interval_field(dt, dt_encoding)
    cdp_x = _scale_coordinate(np.asarray(survey.coords["x"].values, dtype=float).reshape(n_total),
                              coordinate_scalar, "x")
    cdp_y = _scale_coordinate(np.asarray(survey.coords["y"].values, dtype=float).reshape(n_total),
                              coordinate_scalar, "y")
    if textual_header is None:
        text = _default_text(
            survey, code, endian, ns, n_total, n_chan, dt, t0, revision, coordinate_scalar
        )
    else:
        text = _card_text(textual_header.splitlines())
    if _no_positions(survey, text):  # the trace index is not a coordinate: none written
        cdp_x = np.zeros_like(cdp_x)
        cdp_y = np.zeros_like(cdp_y)

    spec = segyio.spec()
    spec.samples = list(range(ns))
    spec.format = code
    spec.tracecount = n_total
    spec.endian = endian
    path = Path(path)
    with atomic_path(path) as tmp:
        with segyio.create(str(tmp), spec) as f:
            f.text[0] = text.encode("ascii", errors="replace")
            f.bin.update({segyio.BinField.Samples: ns, segyio.BinField.Format: code})
            f.trace = data
        # headers, vectorised over a memory map of the file segyio laid out
        order = "<" if endian == "little" else ">"
        bdt = BINARY_HEADER_DTYPE.newbyteorder(order)
        bh = np.zeros(1, dtype=bdt)
        for name, value in _binary_fields(code, revision, n_chan, n_trace, ns, dt, ival).items():
            bh[name] = value
        binh = np.memmap(tmp, dtype=bdt, mode="r+", offset=TEXT_HEADER_BYTES, shape=(1,))
        binh[:] = bh
        binh.flush()
        del binh
        tdt = TRACE_HEADER_DTYPE.newbyteorder(order)
        rec = np.dtype([("hdr", tdt), ("data", f"V{ns * np.dtype(np_dtype).itemsize}")])
        traces = np.memmap(
            tmp,
            dtype=rec,
            mode="r+",
            offset=TEXT_HEADER_BYTES + BINARY_HEADER_BYTES,
            shape=(n_total,),
        )
        traces["hdr"] = _trace_headers(tdt, n_chan, n_trace, ns, ival, coordinate_scalar, cdp_x, cdp_y)
        traces.flush()
        del traces
    return path


def _no_positions(survey: xr.DataArray, text: str) -> bool:
    """Whether ``survey`` has no positions to write: its distance is the trace index and its x the
    local frame's (x = distance, no CRS), and its channel offsets survive without y (one channel,
    equal offsets, or stated in the textual header ``text``)."""
    if survey.attrs.get("distance_source") != "trace index" or survey.attrs.get("crs") is not None:
        return False
    x = np.asarray(survey.coords["x"].values, dtype=float)
    d = np.broadcast_to(np.asarray(survey.coords["distance_m"].values, dtype=float), x.shape)
    if not np.allclose(x, d):
        return False
    off = np.asarray(survey.coords["offset_m"].values, dtype=float) if "offset_m" in survey.coords else np.zeros(1)
    return bool(off.size == 1 or np.allclose(off, off[0]) or "CHANNEL OFFSETS M" in text.upper())


def _check_write_options(sample_format, revision, dt_encoding, endian, coordinate_scalar) -> int:
    """Refuse unknown options of :func:`write_segy`; returns the coordinate scalar as an int."""
    if sample_format not in WRITE_FORMATS:
        raise ValueError(
            f"sample_format must be one of {sorted(WRITE_FORMATS)}; got {sample_format!r}"
        )
    if revision not in (1, 2):
        raise ValueError(f"revision must be 1 or 2; got {revision!r}")
    if dt_encoding not in ("ps", "ns", "us", "none"):
        raise ValueError(f"dt_encoding must be 'ps', 'ns', 'us' or 'none'; got {dt_encoding!r}")
    if endian not in ("big", "little"):
        raise ValueError(f"endian must be 'big' or 'little'; got {endian!r}")
    coordinate_scalar = int(coordinate_scalar)
    if coordinate_scalar == 0 or abs(coordinate_scalar) > 32767:
        raise ValueError(
            f"coordinate_scalar must be a non-zero 16-bit integer; got {coordinate_scalar}"
        )
    return coordinate_scalar


def _integer_interval_field(dt: float, dt_encoding: str) -> int:
    """The value of the integer interval fields for ``dt`` ns, warning when it is not exact."""
    ival_exact = {"ps": dt * 1e3, "ns": dt, "us": dt / 1e3, "none": 0.0}[dt_encoding]
    ival = round(ival_exact)
    if ival > 65535:
        raise ValueError(
            f"dt {dt} ns is {ival_exact} in {dt_encoding}; the interval field holds at most 65535"
        )
    if (
        dt_encoding != "none"
        and not (dt_encoding == "us" and ival == 0)
        and not math.isclose(ival, ival_exact, rel_tol=1e-6, abs_tol=1e-9)  # float32 headers: ppm
    ):
        warn(f"dt {dt} ns is {ival_exact} {dt_encoding}; the integer interval fields hold {ival} "
             "(the textual header and rev 2 extended field keep the exact value)")
    return ival


def _binary_fields(code: int, revision: int, n_chan: int, n_trace: int, ns: int, dt: float,
                   ival: int) -> dict[str, Any]:
    """The binary header fields roadhealth writes (segyio's names)."""
    fields: dict[str, Any] = {
        "LineNumber": 1,
        "Traces": min(n_trace, 32767),
        "Interval": ival,
        "IntervalOriginal": ival,
        "Samples": min(ns, 65535),
        "SamplesOriginal": min(ns, 65535),
        "Format": code,
        "SortingCode": 1,  # as recorded
        "MeasurementSystem": 1,  # metres
        "SEGYRevision": revision,
        "SEGYRevisionMinor": 0,
        "TraceFlag": 1,  # fixed-length traces
    }
    if revision >= 2:
        fields.update(
            {
                "ExtTraces": n_trace,
                "ExtSamples": ns,
                "ExtSamplesOriginal": ns,
                "ExtInterval": dt / 1e3,  # microseconds
                "ExtIntervalOriginal": dt / 1e3,
                "ByteOrder": BYTE_ORDER_CONSTANT,
                "NumberOfTraces": n_chan * n_trace,
                "FirstTraceOffset": TEXT_HEADER_BYTES + BINARY_HEADER_BYTES,
            }
        )
    return fields


def _trace_headers(tdt: np.dtype, n_chan: int, n_trace: int, ns: int, ival: int, coordinate_scalar: int,
                   cdp_x: np.ndarray, cdp_y: np.ndarray) -> np.ndarray:
    """All trace headers at once: line = channel + 1 (inline, field record), trace + 1 (crossline, CDP)."""
    n_total = n_chan * n_trace
    th = np.zeros(n_total, dtype=tdt)
    chan = np.repeat(np.arange(n_chan), n_trace)
    trace = np.tile(np.arange(n_trace), n_chan)
    th["TRACE_SEQUENCE_LINE"] = trace + 1
    th["TRACE_SEQUENCE_FILE"] = np.arange(n_total) + 1
    th["FieldRecord"] = chan + 1
    th["TraceNumber"] = trace + 1
    th["CDP"] = trace + 1
    th["CDP_TRACE"] = 1
    th["TraceIdentificationCode"] = 1  # time-domain seismic data (the only "data" code)
    th["SourceGroupScalar"] = coordinate_scalar
    th["CoordinateUnits"] = 1
    th["TRACE_SAMPLE_COUNT"] = min(ns, 65535)
    th["TRACE_SAMPLE_INTERVAL"] = ival
    th["CDP_X"] = cdp_x
    th["CDP_Y"] = cdp_y
    th["INLINE_3D"] = chan + 1
    th["CROSSLINE_3D"] = trace + 1
    return th


def _cast_samples(values: np.ndarray, np_dtype, name: str) -> np.ndarray:
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == "i":
        info = np.iinfo(np_dtype)
        v = np.asarray(values)
        if v.size and v.dtype.kind == "f" and not np.all(np.isfinite(v)):
            raise ValueError(f"sample_format={name!r} cannot hold NaN or infinite samples")
        if v.size and (v.min() < info.min or v.max() > info.max):
            raise ValueError(
                f"samples span {v.min()}..{v.max()}; sample_format={name!r} holds {info.min}..{info.max}"
            )
        if v.dtype.kind == "f" and v.size and not np.all(v == np.round(v)):
            raise ValueError(
                f"sample_format={name!r} holds integers; the samples have fractions (scale them first)"
            )
        return v.astype(np_dtype)
    return np.ascontiguousarray(values, dtype=np_dtype)


def _scale_coordinate(v: np.ndarray, scalar: int, name: str) -> np.ndarray:
    if not np.all(np.isfinite(v)):
        raise ValueError(f"coordinate {name!r} has non-finite values; SEG-Y stores integers")
    stored = np.round(v * abs(scalar)) if scalar < 0 else np.round(v / scalar)
    info = np.iinfo(np.int32)
    if stored.size and (stored.min() < info.min or stored.max() > info.max):
        raise ValueError(
            f"coordinate {name!r} reaches {np.abs(v).max()} which overflows the 4-byte field with "
            f"coordinate_scalar={scalar}; use a coarser scalar"
        )
    return stored.astype(np.int32)


def _fmt_num(v: float) -> str:
    return np.format_float_positional(float(v), unique=True, trim="-")


def _card_text(rows: list[str]) -> str:
    """40 card images of 80 characters; rows already starting with "C" and a number are kept."""
    cards = []
    for i, row in enumerate(rows[:40]):
        row = row.replace("\n", " ")
        if not re.match(r"^C\s?\d", row):
            row = f"C{i + 1:2d} {row}"
        cards.append(row[:80].ljust(80))
    cards += [f"C{i + 1:2d}".ljust(80) for i in range(len(cards), 40)]
    return "".join(cards)


#: The textual header's line stating how the recorded wave spread (``attrs["wave_spreading"]``,
#: :data:`roadhealth.survey.WAVE_SPREADINGS`), as :func:`write_segy` writes it.
_SPREADING_RE = re.compile(r"WAVE\s+SPREADING\s*[:=]\s*([23])\s*-?\s*D\b", re.IGNORECASE)


def _spreading_from_text(lines) -> str | None:
    """``"2d"``/``"3d"`` where a textual header line states it ("WAVE SPREADING: 2D"), else None."""
    for ln in lines:
        m = _SPREADING_RE.search(ln)
        if m:
            return f"{m.group(1)}d"
    return None


def _default_text(survey, code, endian, ns, n_total, n_chan, dt, t0, revision, scalar) -> str:
    attrs = survey.attrs
    crs = attrs.get("crs")
    rows = [
        f"ROADHEALTH GPR SURVEY EXPORTED AS SEG-Y REV {revision}",
        f"INSTRUMENT: {attrs.get('instrument') or 'UNKNOWN'}"[:76],
        f"ANTENNA: {_fmt_num(attrs['antenna_mhz'])} MHZ"
        if attrs.get("antenna_mhz")
        else "ANTENNA: UNKNOWN",
        f"SAMPLE INTERVAL: {_fmt_num(dt)} NS",
        f"TIME OF FIRST SAMPLE: {_fmt_num(t0)} NS",
    ]
    if str(attrs.get("wave_spreading", "")).lower() in WAVE_SPREADINGS:  # (a simulation's, or a field survey's)
        rows.append(f"WAVE SPREADING: {str(attrs['wave_spreading']).upper()}")
    crs_text = "LOCAL" if crs is None else str(crs)
    if len(crs_text) > 70:
        try:
            from pyproj import CRS

            auth = CRS.from_user_input(crs).to_authority()
            crs_text = f"{auth[0]}:{auth[1]}" if auth else crs_text
        except Exception:  # pyproj raises CRSError and others for odd inputs
            pass
    if len(crs_text) > 70:
        warn(f"crs {crs_text[:40]}... is too long for the textual header; not stored")
        crs_text = "SEE METADATA (NOT STORED)"
    rows += [
        f"CRS: {crs_text}",
        f"LINES = CHANNELS: {n_chan}; INLINE (BYTES 189-192) = CHANNEL + 1",
        f"TRACES PER LINE: {n_total // max(1, n_chan)}; CROSSLINE (193-196) = TRACE + 1",
        f"COORDINATES: CDP X/Y (BYTES 181-188), SCALAR {scalar} (71-72), UNITS LENGTH",
        f"LAYOUT FORMAT={code} ORDER={endian.upper()} NS={ns} TRACES={n_total} LINES={n_chan}",
    ]
    offsets = [_fmt_num(v) for v in np.asarray(survey.coords["offset_m"].values, dtype=float)]
    offset_rows: list[str] = []
    i = 0
    while i < len(offsets):
        j = i
        body = ""
        while (
            j < len(offsets)
            and len(f"CHANNEL OFFSETS M {i + 1}-{j + 1}: {body} {offsets[j]}") <= 75
        ):
            body = f"{body} {offsets[j]}".strip()
            j += 1
        if j == i:  # one value too long for a card: give up on stating offsets
            offset_rows = []
            break
        offset_rows.append(f"CHANNEL OFFSETS M {i + 1}-{j}: {body}")
        i = j
    if len(rows) + len(offset_rows) > 37:
        offset_rows = []
    rows += offset_rows
    while len(rows) < 38:
        rows.append("")
    rows.append("SEG-Y_REV2.0" if revision >= 2 else "")
    rows.append("END TEXTUAL HEADER")
    return _card_text(rows)
