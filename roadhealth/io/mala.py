"""MALA RAMAC / ProEx / GroundExplorer profiles: ``.rd3`` (int16) or ``.rd7`` (int32) + ``.rad`` + ``.cor``.

Layout
------
``NAME.rad``
    Text header, one ``KEY:VALUE`` per line (``SAMPLES``, ``FREQUENCY``, ``TIMEWINDOW``,
    ``LAST TRACE``, ``ANTENNAS``, ``DISTANCE FLAG``, ``DISTANCE INTERVAL``, ``SIGNAL POSITION`` ...).
``NAME.rd3`` / ``NAME.rd7``
    No file header and no trace headers: ``n_trace`` traces of ``SAMPLES`` little-endian samples,
    int16 in ``.rd3``, int32 in ``.rd7``. Read as one ``(n_trace, SAMPLES)`` block (streamed chunk by chunk when lazy).
``NAME.cor`` (optional)
    Tab-separated GNSS fixes tied to trace numbers; parsed by
    :func:`roadhealth.io.gnss.read_mala_cor` and applied with
    :func:`roadhealth.io.georef.georeference`.

Sample interval: which header field is trusted
----------------------------------------------
A ``.rad`` gives the sample interval twice: ``FREQUENCY`` (the digitiser's sampling frequency,
MHz, so ``dt = 1000 / FREQUENCY`` ns) and ``TIMEWINDOW`` (ns, so ``dt = TIMEWINDOW / SAMPLES``).
They normally agree, but not always: in the EGRIP sample ``ten_col.rad`` ``TIMEWINDOW`` is exactly
``2 x SAMPLES / FREQUENCY`` (422.06 ns against 211.03 ns). ImpDAR trusts ``FREQUENCY``; GPRPy and
RGPR trust ``TIMEWINDOW``.

This reader trusts ``FREQUENCY`` by default (``dt_source="frequency"``) because

* it is the one quantity that directly defines the spacing of the samples (the sampling rate of
  the digitiser); ``TIMEWINDOW`` is a derived, display-oriented value;
* in the MALA files seen elsewhere (the Svalbard ``.rad`` sets of erikmannerfelt/ridal) both
  agree, so where they differ it is by an exact integer factor - a bookkeeping artefact, not a
  measurement;
* physically, for the 500 MHz antenna of ``ten_col``, ``1/FREQUENCY`` = 0.412 ns gives about five
  samples per period at the centre frequency, whereas 0.824 ns (1.21 GHz sampling) would sample
  the antenna's band (up to about 1 GHz) at the Nyquist limit, which no instrument is set up to do.

When the two disagree by more than 0.1 % a :class:`~roadhealth.errors.RoadHealthWarning` says so,
and both values are kept in the attributes (``dt_ns_frequency``, ``dt_ns_timewindow``,
``time_window_ns`` = ``TIMEWINDOW`` as recorded). ``dt_source="timewindow"`` takes the other
reading. If ``FREQUENCY`` is missing or not positive, ``TIMEWINDOW`` is used, with a warning.

Trace count: ``LAST TRACE`` against the file size
-------------------------------------------------
* The file holds a whole number of traces, ``n``: ``n`` is used. If ``LAST TRACE`` says otherwise
  (a cut or appended file), a :class:`~roadhealth.errors.RoadHealthWarning` names both numbers.
* The file does not hold a whole number of traces (truncated during copy, or ``SAMPLES`` is
  wrong): :class:`~roadhealth.errors.FormatError`, unless ``allow_partial=True``, which reads the
  whole traces and warns.
* No complete trace: :class:`~roadhealth.errors.FormatError`.

Distance
--------
``DISTANCE FLAG`` = 1 and ``DISTANCE INTERVAL`` > 0 (wheel-triggered): ``START POSITION + i *
DISTANCE INTERVAL`` m, ``attrs["distance_source"] = "wheel (.rad DISTANCE INTERVAL)"``. Otherwise the
trace index, with ``attrs["distance_source"] = "trace index"``.

Time zero
---------
``SIGNAL POSITION`` is kept as ``attrs["signal_position"]`` exactly as recorded (MALA describes it as
the position of the direct signal; its unit is not stated in the file and is believed to be ns).
The data are not shifted: ``twt_ns`` starts at 0 at the first recorded sample.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import FormatError, WriteError
from roadhealth.io._common import (
    antenna_mhz_from_name,
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
    usable_dt,
    want_lazy,
    warn,
)
from roadhealth.io.georef import georeference_from_file
from roadhealth.io.gnss import read_mala_cor
from roadhealth.survey import make_survey

__all__ = ["read_mala", "write_mala"]

#: Sample type per data-file extension (little-endian, as MALA writes them).
MALA_DTYPES = {".rd3": np.dtype("<i2"), ".rd7": np.dtype("<i4")}

#: Relative disagreement between ``TIMEWINDOW`` and ``SAMPLES / FREQUENCY`` that triggers a warning.
DT_TOLERANCE = 1e-3


# --------------------------------------------------------------------------------------------
# MALA-family headers (MALA .rad, ImpulseRadar .iprh) and .cor files
# --------------------------------------------------------------------------------------------


def dt_from_frequency_or_window(
    path,
    header: Mapping[str, str],
    n_samples: int,
    dt_source: str,
    *,
    frequency_key: str = "FREQUENCY",
    window_key: str = "TIMEWINDOW",
) -> tuple[float, dict[str, Any]]:
    """Sample interval (ns) of a MALA-style header, and the attributes that document the choice.

    See the module docstring for why ``FREQUENCY`` (sampling frequency, MHz) is trusted by default.
    """
    if dt_source not in ("frequency", "timewindow"):
        raise WriteError(f"dt_source must be 'frequency' or 'timewindow'; got {dt_source!r}")
    freq = header_number(path, header, frequency_key, float, required=False)
    window = header_number(path, header, window_key, float, required=False)
    dt_freq = 1000.0 / freq if freq is not None and freq > 0 else None
    dt_win = window / n_samples if window is not None and window > 0 else None
    # a value that implies no usable time axis counts as absent (reported if nothing else is left)
    dt_freq = dt_freq if dt_freq is not None and usable_dt(dt_freq, n_samples) else None
    dt_win = dt_win if dt_win is not None and usable_dt(dt_win, n_samples) else None
    attrs: dict[str, Any] = {
        "sampling_frequency_mhz": freq,
        "time_window_ns": window,
        "dt_ns_frequency": dt_freq,
        "dt_ns_timewindow": dt_win,
    }
    if dt_source == "frequency":
        if dt_freq is not None:
            dt, used = dt_freq, "frequency"
        elif dt_win is not None:
            warn(
                f"{os.fspath(path)}: {frequency_key} = {header.get(frequency_key)!r} is not a plausible "
                f"sampling frequency; taking dt from {window_key} / SAMPLES = {dt_win} ns"
            )
            dt, used = dt_win, "timewindow"
        else:
            raise FormatError(
                path,
                frequency_key,
                f"expected a positive sampling frequency in MHz (or a positive {window_key}); "
                f"got {header.get(frequency_key)!r}",
            )
    else:
        if dt_win is None:
            raise FormatError(
                path,
                window_key,
                f"dt_source='timewindow' needs a positive time window in ns; got {header.get(window_key)!r}",
            )
        dt, used = dt_win, "timewindow"
    if dt_freq is not None and dt_win is not None and abs(dt_win / dt_freq - 1.0) > DT_TOLERANCE:
        warn(
            f"{os.fspath(path)}: {window_key} = {window} ns is {dt_win / dt_freq:.4g} x SAMPLES / {frequency_key} "
            f"({n_samples} x {dt_freq:.6g} ns = {n_samples * dt_freq:.6g} ns); using dt = {dt:.6g} ns from "
            f"{'the sampling frequency' if used == 'frequency' else 'the time window'} "
            f"(dt_source={used!r}; the other reading is kept in attrs)"
        )
    attrs["dt_source"] = used
    check_dt(path, frequency_key if used == "frequency" else window_key, dt, n_samples)
    return dt, attrs


def write_cor(survey: xr.DataArray, path: Path, channel: int = 0) -> None:
    """Write a MALA/ImpulseRadar ``.cor`` (one fix per trace, trace numbers counted from 1).

    Columns (tab-separated): trace, date, time, latitude, N|S, longitude, E|W, elevation, ``M``,
    accuracy. Times come from the ``time`` coordinate when present (else 1970-01-01 00:00:00).
    """
    lon = np.asarray(survey.coords["lon"].values, dtype=float)
    lat = np.asarray(survey.coords["lat"].values, dtype=float)
    if lon.ndim == 2:
        lon, lat = lon[channel], lat[channel]
    n = lon.size
    if "elevation_m" in survey.coords:
        elev = np.asarray(survey.coords["elevation_m"].values, dtype=float)
        elev = elev[channel] if elev.ndim == 2 else elev
    else:
        elev = np.zeros(n)
    if "time" in survey.coords:
        t = np.asarray(survey.coords["time"].values)
        t = t[channel] if t.ndim == 2 else t
        t = t.astype("datetime64[ms]")
    else:
        t = np.full(n, np.datetime64("1970-01-01T00:00:00", "ms"))
    lines = []
    for i in range(n):  # text output: one line per fix is the format itself
        if not (np.isfinite(lon[i]) and np.isfinite(lat[i])):
            continue
        stamp = str(t[i]) if not np.isnat(t[i]) else "1970-01-01T00:00:00.000"
        day, clock = stamp.split("T")
        e = elev[i] if np.isfinite(elev[i]) else 0.0
        lines.append(
            f"{i + 1}\t{day}\t{clock[:12]}\t{abs(lat[i]):.11f}\t{'N' if lat[i] >= 0 else 'S'}\t"
            f"{abs(lon[i]):.11f}\t{'E' if lon[i] >= 0 else 'W'}\t{e:.3f}\tM\t0.000"
        )
    with atomic_write(path, "w") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))


# --------------------------------------------------------------------------------------------
# MALA reader
# --------------------------------------------------------------------------------------------


def _mala_files(path) -> tuple[Path, Path]:
    """(data file, .rad header) for a ``.rd3``/``.rd7``/``.rad`` path or a bare name."""
    return data_and_header(path, ["rd3", "rd7"], ["rad"], "MALA")


def read_mala(
    path,
    *,
    lazy: bool | None = None,
    crs: str | None = None,
    dt_source: str = "frequency",
    allow_partial: bool = False,
    gnss: bool = True,
    lever_arm_m: tuple[float, float] | None = None,
    latency_s: float = 0.0,
) -> xr.DataArray:
    """Read a MALA ``.rd3`` (16-bit) or ``.rd7`` (32-bit) profile with its ``.rad`` header.

    Parameters
    ----------
    path : str or path-like
        The ``.rd3``, ``.rd7`` or ``.rad`` file, or the bare name without extension.
    lazy : bool, optional
        True: a dask array streaming the file chunk by chunk (nothing read until computed). False: numpy array in
        memory. None (default): lazy for files over 256 MiB.
    crs : str, optional
        Projected CRS for ``x``/``y`` when a ``.cor`` is georeferenced (e.g. ``"EPSG:4545"``).
    dt_source : {"frequency", "timewindow"}
        Sample interval from ``1000 / FREQUENCY`` (default, see module docstring) or from
        ``TIMEWINDOW / SAMPLES``.
    allow_partial : bool
        Read the whole traces of a file that ends inside a trace (with a warning) instead of
        raising :class:`FormatError`.
    gnss : bool
        Georeference with the companion ``.cor`` when there is one.
    lever_arm_m : (float, float), optional
        GNSS antenna position relative to the array centre, m: ``(along, across)``, along
        positive forward, across positive left (see :func:`roadhealth.io.georef.georeference`).
    latency_s : float
        GNSS latency, s (positive: fixes tagged to traces recorded after the position was valid).

    Returns
    -------
    xarray.DataArray
        Survey of shape (1, n_trace, SAMPLES), int16 (``.rd3``) or int32 (``.rd7``) raw values;
        ``twt_ns`` from 0 in steps of ``attrs["dt_ns"]`` (ns). ``attrs["header"]`` holds the whole
        ``.rad``.

    Raises
    ------
    FormatError
        Missing ``.rad``, missing or malformed fields, or a data file inconsistent with them.
    """
    data_path, rad_path = _mala_files(path)
    header = parse_text_header(read_text(rad_path), rad_path)
    dtype = MALA_DTYPES.get(data_path.suffix.lower(), np.dtype("<i2"))
    fmt = "mala_rd7" if dtype.itemsize == 4 else "mala_rd3"

    n_samples = header_int(rad_path, header, "SAMPLES")
    if n_samples < 2:  # (a one-sample 'trace' holds no waveform: the DZT reader asks the same)
        raise FormatError(
            rad_path, "SAMPLES", f"expected at least 2 samples per trace; got {n_samples}"
        )
    last_trace = header_int(rad_path, header, "LAST TRACE", required=False)
    dt, dt_attrs = dt_from_frequency_or_window(rad_path, header, n_samples, dt_source)

    size = os.path.getsize(data_path)
    n_trace = resolve_trace_count(
        data_path,
        size,
        n_samples * dtype.itemsize,
        last_trace,
        "LAST TRACE",
        allow_partial=allow_partial,
    )
    block = memmap_traces(data_path, 0, dtype, (n_trace, n_samples))
    data = lazy_or_loaded(block, want_lazy(lazy, block.nbytes), trace_axis=0)

    distance = None
    attrs: dict[str, Any] = {}
    dflag = header_number(rad_path, header, "DISTANCE FLAG", float, required=False, default=0.0)
    dx = header_number(rad_path, header, "DISTANCE INTERVAL", float, required=False, default=0.0)
    if dflag and dx and dx > 0:
        start = header_number(
            rad_path, header, "START POSITION", float, required=False, default=0.0
        )
        distance, source = finite_distance(
            rad_path, start + dx * np.arange(n_trace), "wheel (.rad DISTANCE INTERVAL)"
        )
        if distance is not None:
            attrs["distance_source"] = source

    antenna_name = header.get("ANTENNAS", "").strip()
    attrs.update(dt_attrs)
    attrs.update(
        {
            "header": dict(header),
            "antenna_name": antenna_name,
            "bits": 8 * dtype.itemsize,
            "n_traces_header": last_trace,
            "signal_position": header_number(
                rad_path, header, "SIGNAL POSITION", float, required=False
            ),
            "antenna_separation_m": header_number(
                rad_path, header, "ANTENNA SEPARATION", float, required=False
            ),
            "stacks": header_number(rad_path, header, "STACKS", float, required=False),
            "header_file": os.fspath(rad_path),
        }
    )
    survey = make_survey(
        data,
        dt_ns=dt,
        distance_m=distance,
        format=fmt,
        instrument="MALA",
        antenna_mhz=antenna_mhz_from_name(antenna_name),
        source=os.fspath(data_path),
        attrs=attrs,
    )
    if gnss:
        cor = find_companion(data_path, "cor")
        if cor is not None:
            survey = georeference_from_file(survey, cor, read_mala_cor, crs=crs, lever_arm_m=lever_arm_m, latency_s=latency_s)
    return survey


# --------------------------------------------------------------------------------------------
# MALA writer
# --------------------------------------------------------------------------------------------

#: Field order of a ``.rad`` as MALA software writes it (fields not known are appended).
RAD_FIELDS = (
    "SAMPLES", "FREQUENCY", "FREQUENCY STEPS", "SIGNAL POSITION", "RAW SIGNAL POSITION",
    "DISTANCE FLAG", "TIME FLAG", "PROGRAM FLAG", "EXTERNAL FLAG", "TIME INTERVAL",
    "DISTANCE INTERVAL", "OPERATOR", "CUSTOMER", "SITE", "ANTENNAS", "ANTENNA ORIENTATION",
    "ANTENNA SEPARATION", "COMMENT", "TIMEWINDOW", "STACKS", "STACK EXPONENT", "STACKING TIME",
    "LAST TRACE", "STOP POSITION", "SYSTEM CALIBRATION", "START POSITION", "SHORT FLAG",
    "INTERMEDIATE FLAG", "LONG FLAG", "PREPROCESSING", "HIGH", "LOW", "FIXED INCREMENT",
    "FIXED MOVES UP", "FIXED MOVES DOWN", "FIXED POSITION", "WHEEL CALIBRATION", "POSITIVE DIRECTION",
)  # fmt: skip


def rad_style_fields(survey: xr.DataArray, prefix: str) -> dict[str, str]:
    """Header fields shared by MALA ``.rad`` and ImpulseRadar ``.iprh`` for one channel's data."""
    n_trace, n_samples = int(survey.sizes["trace"]), int(survey.sizes["sample"])
    dt = float(survey.attrs["dt_ns"])
    old = survey_header(survey, prefix)
    fields = dict(old)
    # A recorded FREQUENCY/TIMEWINDOW pair is kept verbatim (even when the two disagree, as in
    # ten_col.rad) while the samples are still those it describes: same count, same dt.
    unchanged = False
    if old:
        try:
            unchanged = int(float(old.get("SAMPLES", "nan"))) == n_samples
        except ValueError:
            unchanged = False
        read_dt = survey.attrs.get(f"dt_ns_{survey.attrs.get('dt_source', 'frequency')}")
        unchanged = (
            unchanged and read_dt is not None and bool(np.isclose(float(read_dt), dt, rtol=1e-12))
        )
    fields["SAMPLES"] = str(n_samples)
    if not (unchanged and "FREQUENCY" in old and "TIMEWINDOW" in old):
        fields["FREQUENCY"] = format_number(1000.0 / dt)
        fields["TIMEWINDOW"] = format_number(n_samples * dt)
    fields["LAST TRACE"] = str(n_trace)
    distance = np.asarray(survey.coords["distance_m"].values, dtype=float)[0]
    step = (
        None if survey.attrs.get("distance_source") == "trace index" else uniform_spacing(distance)
    )
    if step is not None:
        fields["DISTANCE FLAG"] = "1"
        fields["DISTANCE INTERVAL"] = format_number(step)
        fields["START POSITION"] = format_number(distance[0])
        fields["STOP POSITION"] = format_number(distance[-1])
    else:
        fields["DISTANCE FLAG"] = "0"
        fields["DISTANCE INTERVAL"] = "0"
    if survey.attrs.get("antenna_separation_m") is not None:
        fields["ANTENNA SEPARATION"] = format_number(survey.attrs["antenna_separation_m"])
    if survey.attrs.get("signal_position") is not None:
        fields["SIGNAL POSITION"] = format_number(survey.attrs["signal_position"])
    return fields


def _rad_text(fields: Mapping[str, str]) -> str:
    order = [k for k in RAD_FIELDS if k in fields] + [k for k in fields if k not in RAD_FIELDS]
    return "".join(f"{k}:{fields[k]}\n" for k in order)


def write_mala(survey: xr.DataArray, path, *, bits: int = 16) -> Path:
    """Write a one-channel survey as MALA ``.rd3`` (16-bit) or ``.rd7`` (32-bit) + ``.rad`` (+ ``.cor``).

    Each file is written atomically (temporary file renamed into place). Samples are written as
    raw integers and must fit the chosen type; they are never clipped or rescaled.

    Parameters
    ----------
    survey : xarray.DataArray
        A survey with one channel; ``attrs["dt_ns"]`` (ns) becomes ``FREQUENCY`` (MHz).
    path : str or path-like
        Target name: ``NAME.rd3``, ``NAME.rd7``, ``NAME.rad`` or ``NAME``.
    bits : {16, 32}
        16 writes ``.rd3`` (int16), 32 writes ``.rd7`` (int32).

    Returns
    -------
    Path
        The data file written. A ``.cor`` is written when the survey has ``lon``/``lat``.

    Raises
    ------
    ValueError
        More than one channel, ``bits`` not 16/32, an extension that contradicts ``bits``, or
        samples that do not fit the sample type.
    """
    if bits not in (16, 32):
        raise WriteError(f"bits must be 16 (.rd3) or 32 (.rd7); got {bits!r}")
    if survey.sizes.get("channel", 1) != 1:
        raise WriteError(
            f"a MALA .rd3/.rd7 file holds one channel; this survey has {survey.sizes['channel']} "
            "(select one with survey.isel(channel=[k]))"
        )
    ext = ".rd3" if bits == 16 else ".rd7"
    p = Path(path)
    if p.suffix.lower() in (".rd3", ".rd7", ".rad"):
        if p.suffix.lower() != ".rad" and p.suffix.lower() != ext:
            raise WriteError(
                f"{p}: extension {p.suffix} does not match bits={bits} (expected {ext})"
            )
        base = p.with_suffix("")
    else:
        base = p
    data_path = base.parent / (base.name + ext)
    rad_path = base.parent / (base.name + ".rad")
    samples = integer_samples(survey, MALA_DTYPES[ext], os.fspath(data_path))[0]

    fields = rad_style_fields(survey, "mala_")
    fields.setdefault("ANTENNAS", str(survey.attrs.get("antenna_name") or _antenna_label(survey)))
    with atomic_write(data_path) as f:
        f.write(np.ascontiguousarray(samples).tobytes())
    with atomic_write(rad_path, "w") as f:
        f.write(_rad_text(fields))
    if has_lonlat(survey):
        write_cor(survey, base.parent / (base.name + ".cor"))
    return data_path


def _antenna_label(survey: xr.DataArray) -> str:
    mhz = survey.attrs.get("antenna_mhz")
    return f"{format_number(mhz)}MHz" if mhz else ""
