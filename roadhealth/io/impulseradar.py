"""ImpulseRadar (CrossOver, PinPointR, Raptor) profiles: ``.iprb`` + ``.iprh`` (+ ``.cor``).

No real ImpulseRadar file was available to this project (see the samples' MANIFEST), so this
module separates what is known from what is assumed. Round trips through :func:`write_iprb` are
tested; agreement with instrument files is not.

Known (RGPR's ``readImpulseRadar`` documentation and code, and third-party tools reading field
files)
--------------------------------------------------------------------------------------------
* ``NAME.iprh`` is text, one ``KEY: VALUE`` per line, in the style of MALA's ``.rad`` (ImpulseRadar
  was founded by former MALA engineers). Fields seen: ``HEADER VERSION``, ``DATA VERSION`` (16 or
  32: bits per sample), ``DATE``, ``START TIME``, ``STOP TIME``, ``ANTENNA`` (e.g. ``800 MHz``),
  ``ANTENNA SEPARATION``, ``SAMPLES``, ``SIGNAL POSITION``, ``CLIPPED SAMPLES``, ``RUNS``,
  ``MAX STACKS``, ``AUTOSTACKS``, ``FREQUENCY`` (sampling frequency, MHz), ``TIMEWINDOW`` (ns),
  ``LAST TRACE``, ``TRIG SOURCE``, ``TIME INTERVAL``, ``DISTANCE INTERVAL``,
  ``USER DISTANCE INTERVAL``, ``STOP POSITION``, ``WHEEL NAME``, ``WHEEL CALIBRATION``,
  ``ZERO LEVEL``, ``SOIL VELOCITY``, ``PREPROCESSING``, ``OPERATOR COMMENT``, ``ANTENNA F/W``,
  ``ANTENNA H/W``, ``ANTENNA FPGA``, ``ANTENNA SERIAL``, ``SOFTWARE VERSION``, ``POSITIONING``,
  ``CHANNELS``, ``CHANNEL CONFIGURATION``, ``CH_X_OFFSET``, ``CH_Y_OFFSET``,
  ``MEASUREMENT DIRECTION``, ``RELATIVE DIRECTION``, ``RELATIVE DISTANCE``, ``RELATIVE START``.
* ``NAME.iprb`` has no file header and no trace headers: ``LAST TRACE`` traces of ``SAMPLES``
  little-endian signed integers, 16 or 32 bits per ``DATA VERSION``.
* ``NAME.cor`` has the MALA ``.cor`` layout (trace, date, time, lat, N|S, lon, E|W, elevation, M,
  quality) and is parsed with :func:`roadhealth.io.gnss.read_mala_cor`. ``.time`` and ``.mrk``
  companions exist but are not read here.
* Array systems (Raptor) write one ``.iprb``/``.iprh`` pair per channel, named ``NAME_A01.iprb``,
  ``NAME_A02.iprb`` ...; pass the list of channel files to :func:`read_iprb` to get one survey
  with a ``channel`` dimension.

Assumed
-------
* The sample interval follows the same rule as MALA (see :mod:`roadhealth.io.mala`):
  ``1000 / FREQUENCY`` by default, ``TIMEWINDOW / SAMPLES`` with ``dt_source="timewindow"`` (RGPR's
  choice); a disagreement between them is warned about and both are kept in ``attrs``.
* ``DATA VERSION`` missing: 16-bit, with a warning (RGPR's default).
* ``ZERO LEVEL`` is the sample of time zero; it is kept as ``attrs["time_zero_sample"]`` as
  recorded (RGPR takes it as counted from 1). Samples are not shifted.
* Along-track spacing: ``USER DISTANCE INTERVAL`` if positive, else ``DISTANCE INTERVAL`` if
  positive, else the trace index.
* ``CH_X_OFFSET`` (m) is the channel's across-track offset (``offset_m``); its sign convention is
  unknown and taken as recorded. ``CH_Y_OFFSET`` is kept in ``attrs["channel_y_offsets_m"]`` (file order).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.errors import FormatError, WriteError
from roadhealth.io._common import (
    FileBlock,
    antenna_mhz_from_name,
    atomic_write,
    data_and_header,
    file_channel_order,
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
    uniform_spacing,
    want_lazy,
    warn,
)
from roadhealth.io.georef import georeference_from_file
from roadhealth.io.gnss import read_mala_cor
from roadhealth.io.mala import (
    dt_from_frequency_or_window,
    rad_style_fields,
    write_cor,
)
from roadhealth.survey import make_survey

__all__ = ["channel_files", "read_iprb", "write_iprb"]

#: Sample type per ``DATA VERSION`` (bits), little-endian.
IPRB_DTYPES = {16: np.dtype("<i2"), 32: np.dtype("<i4")}

#: Field order of an ``.iprh`` (fields not listed are appended).
IPRH_FIELDS = (
    "HEADER VERSION", "DATA VERSION", "DATE", "START TIME", "STOP TIME", "ANTENNA",
    "ANTENNA SEPARATION", "SAMPLES", "SIGNAL POSITION", "CLIPPED SAMPLES", "RUNS", "MAX STACKS",
    "AUTOSTACKS", "FREQUENCY", "TIMEWINDOW", "LAST TRACE", "TRIG SOURCE", "TIME INTERVAL",
    "DISTANCE INTERVAL", "USER DISTANCE INTERVAL", "STOP POSITION", "WHEEL NAME",
    "WHEEL CALIBRATION", "ZERO LEVEL", "SOIL VELOCITY", "PREPROCESSING", "OPERATOR COMMENT",
    "ANTENNA F/W", "ANTENNA H/W", "ANTENNA FPGA", "ANTENNA SERIAL", "SOFTWARE VERSION",
    "POSITIONING", "CHANNELS", "CHANNEL CONFIGURATION", "CH_X_OFFSET", "CH_Y_OFFSET",
    "MEASUREMENT DIRECTION", "RELATIVE DIRECTION", "RELATIVE DISTANCE", "RELATIVE START",
)  # fmt: skip

#: Fields of a MALA ``.rad`` that have no place in an ``.iprh`` (dropped when converting).
_RAD_ONLY = {"DISTANCE FLAG", "START POSITION"}


def _ipr_files(path) -> tuple[Path, Path]:
    """(data file, .iprh header) for a ``.iprb``/``.iprh`` path or a bare name."""
    return data_and_header(path, ["iprb"], ["iprh"], "ImpulseRadar")


def _read_one(path, *, lazy, dt_source, allow_partial) -> dict[str, Any]:
    """Parse one channel file: its sample block (not read yet) plus everything taken from its header."""
    data_path, hdr_path = _ipr_files(path)
    header = parse_text_header(read_text(hdr_path), hdr_path)
    bits = header_int(hdr_path, header, "DATA VERSION", required=False)
    if bits is None:
        warn(f"{os.fspath(hdr_path)}: DATA VERSION missing; assuming 16-bit samples")
        bits = 16
    if bits not in IPRB_DTYPES:
        raise FormatError(
            hdr_path,
            "DATA VERSION",
            f"expected 16 or 32 (bits per sample); got {header.get('DATA VERSION')!r}",
        )
    dtype = IPRB_DTYPES[bits]
    n_samples = header_int(hdr_path, header, "SAMPLES")
    if n_samples <= 0:
        raise FormatError(
            hdr_path, "SAMPLES", f"expected a positive number of samples per trace; got {n_samples}"
        )
    last_trace = header_int(hdr_path, header, "LAST TRACE", required=False)
    dt, dt_attrs = dt_from_frequency_or_window(hdr_path, header, n_samples, dt_source)
    n_trace = resolve_trace_count(
        data_path,
        os.path.getsize(data_path),
        n_samples * dtype.itemsize,
        last_trace,
        "LAST TRACE",
        allow_partial=allow_partial,
    )
    block = memmap_traces(data_path, 0, dtype, (n_trace, n_samples))
    spacing = None
    for key in ("USER DISTANCE INTERVAL", "DISTANCE INTERVAL"):
        value = header_number(hdr_path, header, key, float, required=False)
        if value is not None and value > 0:
            spacing = (value, key)
            break
    return {
        "data_path": data_path,
        "hdr_path": hdr_path,
        "header": header,
        "bits": bits,
        "dtype": dtype,
        "n_samples": n_samples,
        "n_trace": n_trace,
        "last_trace": last_trace,
        "dt": dt,
        "dt_attrs": dt_attrs,
        "block": block,
        "spacing": spacing,
        "x_offset": header_number(
            hdr_path, header, "CH_X_OFFSET", float, required=False, default=0.0
        ),
        "y_offset": header_number(
            hdr_path, header, "CH_Y_OFFSET", float, required=False, default=0.0
        ),
    }


def _channel_sort_key(path) -> tuple[int, str]:
    m = re.search(r"_A(\d+)$", Path(path).stem, flags=re.IGNORECASE)
    return (int(m.group(1)) if m else 0, os.fspath(path))


def read_iprb(
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
    """Read an ImpulseRadar ``.iprb`` profile with its ``.iprh`` header, or several channel files.

    Parameters
    ----------
    path : str or path-like, or sequence of them
        One ``.iprb``/``.iprh`` file or bare name, or a list of channel files of one array
        recording (``NAME_A01.iprb``, ``NAME_A02.iprb`` ...), stacked along ``channel`` in the
        order given.
    lazy : bool, optional
        True: dask arrays streaming the files chunk by chunk; False: numpy; None: lazy above 256 MiB (all channels).
    crs : str, optional
        Projected CRS for ``x``/``y`` when a ``.cor`` is georeferenced.
    dt_source : {"frequency", "timewindow"}
        Sample interval from ``1000 / FREQUENCY`` (default) or ``TIMEWINDOW / SAMPLES``.
    allow_partial : bool
        Read the whole traces of a file that ends inside a trace (with a warning) instead of
        raising :class:`FormatError`.
    gnss : bool
        Georeference with the ``.cor`` of the first channel file when there is one.
    lever_arm_m : (float, float), optional
        GNSS antenna position relative to the array centre, m: ``(along, across)``, along
        positive forward, across positive left (see :func:`roadhealth.io.georef.georeference`).
    latency_s : float
        GNSS latency, s (positive: fixes tagged to traces recorded after the position was valid).

    Returns
    -------
    xarray.DataArray
        Survey of shape (n_channel, n_trace, SAMPLES), int16 or int32 raw values; ``offset_m`` from
        ``CH_X_OFFSET`` (m).

    Raises
    ------
    FormatError
        Missing ``.iprh``, malformed fields, data inconsistent with the header, or channel files
        that disagree on samples, sample type or sample interval.
    """
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths:
        raise WriteError("read_iprb needs at least one file")
    channels = [
        _read_one(p, lazy=lazy, dt_source=dt_source, allow_partial=allow_partial) for p in paths
    ]
    first = channels[0]
    for ch in channels[1:]:
        for key, what in (("n_samples", "SAMPLES"), ("bits", "DATA VERSION")):
            if ch[key] != first[key]:
                raise FormatError(
                    ch["hdr_path"],
                    what,
                    f"{ch[key]} differs from {first[key]} in {first['hdr_path'].name}; "
                    "channel files of one survey must agree",
                )
        if not np.isclose(ch["dt"], first["dt"], rtol=1e-9):
            raise FormatError(
                ch["hdr_path"],
                "FREQUENCY",
                f"sample interval {ch['dt']} ns differs from {first['dt']} ns in "
                f"{first['hdr_path'].name}; channel files of one survey must agree",
            )
    n_trace = min(ch["n_trace"] for ch in channels)
    if any(ch["n_trace"] != n_trace for ch in channels):
        warn(
            "channel files hold different numbers of traces ("
            + ", ".join(f"{ch['data_path'].name}: {ch['n_trace']}" for ch in channels)
            + f"); keeping the first {n_trace} traces of each"
        )
    total_bytes = sum(ch["block"][:n_trace].nbytes for ch in channels)
    is_lazy = want_lazy(lazy, total_bytes)
    # lazy: stream each channel file chunk by chunk (FileBlock), never map it (bounded RSS)
    arrays = [
        lazy_or_loaded(
            FileBlock(ch["data_path"], 0, ch["block"].dtype, (n_trace, ch["block"].shape[1]))
            if is_lazy else ch["block"][:n_trace],
            is_lazy, trace_axis=0,
        )
        for ch in channels
    ]
    if is_lazy:
        import dask.array as da

        data = da.stack(arrays, axis=0)
    else:
        data = np.stack(arrays, axis=0)

    header = first["header"]
    hdr_path = first["hdr_path"]
    distance = None
    attrs: dict[str, Any] = dict(first["dt_attrs"])
    if first["spacing"] is not None:
        step, key = first["spacing"]
        trigger = header.get("TRIG SOURCE", "").strip().lower()
        kind = "wheel" if "wheel" in trigger else "nominal"
        distance, source = finite_distance(
            hdr_path, step * np.arange(n_trace), f"{kind}: .iprh {key}"
        )
        if distance is not None:
            attrs["distance_source"] = source
    antenna = header.get("ANTENNA", "").strip()
    attrs.update(
        {
            "header": dict(header),
            "header_file": os.fspath(hdr_path),
            "bits": first["bits"],
            "antenna_name": antenna,
            "n_traces_header": first["last_trace"],
            "time_zero_sample": header_number(
                hdr_path, header, "ZERO LEVEL", float, required=False
            ),
            "signal_position": header_number(
                hdr_path, header, "SIGNAL POSITION", float, required=False
            ),
            "antenna_separation_m": header_number(
                hdr_path, header, "ANTENNA SEPARATION", float, required=False
            ),
            "channel_y_offsets_m": [float(ch["y_offset"]) for ch in channels],
        }
    )
    if len(channels) > 1:
        # per-channel lists stay in file order (A01, A02 ...); source_channel maps channels to them
        attrs["channel_files"] = [os.fspath(ch["data_path"]) for ch in channels]
        attrs["channel_headers"] = [dict(ch["header"]) for ch in channels]
    survey = make_survey(
        data,
        dt_ns=first["dt"],
        distance_m=distance,
        offset_m=[ch["x_offset"] for ch in channels],
        format="impulseradar_iprb",
        instrument="ImpulseRadar",
        antenna_mhz=antenna_mhz_from_name(antenna),
        source=os.fspath(first["data_path"]),
        attrs=attrs,
    )
    if gnss:
        cor = find_companion(first["data_path"], "cor")
        if cor is not None:
            survey = georeference_from_file(survey, cor, read_mala_cor, crs=crs, lever_arm_m=lever_arm_m, latency_s=latency_s)
    return survey


def write_iprb(survey: xr.DataArray, path, *, bits: int = 16) -> list[Path]:
    """Write a survey as ImpulseRadar ``.iprb`` + ``.iprh`` (+ ``.cor`` with lon/lat), atomically.

    Parameters
    ----------
    survey : xarray.DataArray
        Samples must be whole numbers within the chosen type (never clipped).
    path : str or path-like
        ``NAME.iprb``, ``NAME.iprh`` or ``NAME``. A one-channel survey is written as ``NAME.iprb``;
        a multi-channel survey as ``NAME_A01.iprb``, ``NAME_A02.iprb`` ... (one header each, with
        ``CH_X_OFFSET`` = the channel's ``offset_m``).
    bits : {16, 32}
        ``DATA VERSION``: int16 or int32 samples.

    Returns
    -------
    list of Path
        The ``.iprb`` files written, in channel order.

    Raises
    ------
    ValueError
        ``bits`` not 16/32, or samples that do not fit the type.
    """
    if bits not in IPRB_DTYPES:
        raise WriteError(f"bits must be 16 or 32; got {bits!r}")
    p = Path(path)
    base = p.with_suffix("") if p.suffix.lower() in (".iprb", ".iprh") else p
    survey = survey.isel(channel=file_channel_order(survey))  # the recording's channel files A01, A02 ...
    n_chan = int(survey.sizes["channel"])
    samples = integer_samples(survey, IPRB_DTYPES[bits], os.fspath(base))
    offsets = np.asarray(survey.coords["offset_m"].values, dtype=float)
    y_offsets = _y_offsets(survey)
    written = []
    for k in range(n_chan):
        name = base.name if n_chan == 1 else f"{base.name}_A{k + 1:02d}"
        one = survey.isel(channel=[k])
        fields = {
            key: v
            for key, v in rad_style_fields(one, "impulseradar").items()
            if key not in _RAD_ONLY
        }
        step = None
        if survey.attrs.get("distance_source") != "trace index":
            step = uniform_spacing(np.asarray(one.coords["distance_m"].values, dtype=float)[0])
        fields["DISTANCE INTERVAL"] = format_number(step) if step else "0"
        fields["USER DISTANCE INTERVAL"] = format_number(step) if step else "0"
        if step:
            fields.setdefault("TRIG SOURCE", "wheel")
        fields.setdefault("HEADER VERSION", "20")
        fields["DATA VERSION"] = str(bits)
        if not fields.get("ANTENNA"):
            mhz = survey.attrs.get("antenna_mhz")
            fields["ANTENNA"] = str(
                survey.attrs.get("antenna_name") or (f"{format_number(mhz)} MHz" if mhz else "")
            )
        tz = survey.attrs.get("time_zero_sample")
        if tz is not None:
            fields["ZERO LEVEL"] = format_number(tz)
        fields["CHANNELS"] = str(n_chan)
        fields["CH_X_OFFSET"] = format_number(offsets[k])
        fields["CH_Y_OFFSET"] = format_number(y_offsets[k] if k < len(y_offsets) else 0.0)
        order = [f for f in IPRH_FIELDS if f in fields] + [
            f for f in fields if f not in IPRH_FIELDS
        ]
        data_path = base.parent / f"{name}.iprb"
        with atomic_write(data_path) as f:
            f.write(np.ascontiguousarray(samples[k]).tobytes())
        with atomic_write(base.parent / f"{name}.iprh", "w") as f:
            f.write("".join(f"{key}: {fields[key]}\n" for key in order))
        if has_lonlat(survey):
            write_cor(survey, base.parent / f"{name}.cor", channel=k)
        written.append(data_path)
    return written


def _y_offsets(survey) -> list[float]:
    """``CH_Y_OFFSET`` of each channel, m: ``attrs["channel_y_offsets_m"]`` is in file order."""
    n_chan = int(survey.sizes["channel"])
    stored = list(survey.attrs.get("channel_y_offsets_m") or [])
    if "source_channel" in survey.coords:
        index = [int(k) for k in np.asarray(survey.coords["source_channel"].values)]
    elif len(stored) == n_chan:
        index = list(range(n_chan))
    else:
        return [0.0] * n_chan
    return [float(stored[k]) if 0 <= k < len(stored) else 0.0 for k in index]


def channel_files(path) -> list[Path]:
    """The ``NAME_A01.iprb``, ``NAME_A02.iprb`` ... files of an array recording, in channel order.

    Parameters
    ----------
    path : str or path-like
        Any one channel file, or the recording's name without ``_Ann`` and extension.
    """
    p = Path(path)
    stem = re.sub(
        r"_A\d+$",
        "",
        p.with_suffix("").name if p.suffix.lower() in (".iprb", ".iprh") else p.name,
        flags=re.IGNORECASE,
    )
    pattern = re.compile(re.escape(stem) + r"_A\d+\.iprb$", flags=re.IGNORECASE)
    try:
        hits = [c for c in p.parent.iterdir() if pattern.match(c.name)]
    except OSError:
        hits = []
    return sorted(hits, key=_channel_sort_key)
