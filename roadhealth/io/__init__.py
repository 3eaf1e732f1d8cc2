"""Reading and writing radar files.

:func:`read` opens any supported file by content and extension and returns a survey (see
``docs/data-model.md``). Each format lives in its own module with a ``read_*`` and ``write_*``
function; this module only dispatches.

=====================  ======================================  ===========================
format name            files                                   module
=====================  ======================================  ===========================
``gssi_dzt``           ``.DZT`` (+ ``.DZG`` GNSS, ``.DZX``)    :mod:`roadhealth.io.gssi`
``mala_rd3/rd7``       ``.rd3``/``.rd7`` + ``.rad`` (+ ``.cor``) :mod:`roadhealth.io.mala`
``pulseekko_dt1``      ``.DT1`` + ``.HD`` (+ ``.GPS``)         :mod:`roadhealth.io.pulseekko`
``segy``               ``.sgy``/``.segy``                      :mod:`roadhealth.io.segy`
``impulseradar_iprb``  ``.iprb`` + ``.iprh`` (+ ``.cor``)      :mod:`roadhealth.io.impulseradar`
``gprmax``             ``.out``/``.h5`` (gprMax simulations)   :mod:`roadhealth.io.gprmax` (read only)
``netcdf`` / ``zarr``  processed surveys with their history    :mod:`roadhealth.io.store`
=====================  ======================================  ===========================
"""

from __future__ import annotations

import importlib
import inspect
import os
from pathlib import Path

from roadhealth.errors import FormatError, RoadHealthError, UnknownFormatError, WriteError

__all__ = ["FORMATS", "check_targets", "detect_format", "output_format", "read", "write", "written_files"]

#: format name -> (module, reader, writer, extensions). Extensions are lower-case, without dot.
FORMATS: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {
    "gssi_dzt": ("roadhealth.io.gssi", "read_dzt", "write_dzt", ("dzt",)),
    "mala_rd3": ("roadhealth.io.mala", "read_mala", "write_mala", ("rd3", "rad")),
    "mala_rd7": ("roadhealth.io.mala", "read_mala", "write_mala", ("rd7",)),
    "pulseekko_dt1": ("roadhealth.io.pulseekko", "read_dt1", "write_dt1", ("dt1", "hd")),
    "segy": ("roadhealth.io.segy", "read_segy", "write_segy", ("sgy", "segy")),
    "impulseradar_iprb": ("roadhealth.io.impulseradar", "read_iprb", "write_iprb", ("iprb", "iprh")),
    "gprmax": ("roadhealth.io.gprmax", "read_gprmax", None, ("out", "h5")),
    "netcdf": ("roadhealth.io.store", "open_survey", "to_netcdf", ("nc", "nc4", "netcdf")),
    "zarr": ("roadhealth.io.store", "open_survey", "to_zarr", ("zarr",)),
}


#: Companion files a format's writer (or reader) puts beside the data file, by extension.
COMPANIONS: dict[str, tuple[str, ...]] = {
    "gssi_dzt": ("dzt", "dzg", "dzx"),
    "mala_rd3": ("rd3", "rad", "cor"),
    "mala_rd7": ("rd7", "rad", "cor"),
    "pulseekko_dt1": ("dt1", "hd", "gps"),
    "impulseradar_iprb": ("iprb", "iprh", "cor"),
}

#: Companion files each writer creates beside its target (a subset of :data:`COMPANIONS`).
WRITTEN_COMPANIONS: dict[str, tuple[str, ...]] = {
    "gssi_dzt": ("DZG",),
    "mala_rd3": ("rad", "cor"),
    "mala_rd7": ("rad", "cor"),
    "pulseekko_dt1": ("HD", "GPS"),
    "impulseradar_iprb": ("iprh", "cor"),
}

#: Formats that field instruments write: what they record is a real antenna's wave, which spreads in
#: three dimensions (``attrs["wave_spreading"] = "3d"``, set by :func:`read` where the reader left it
#: unset; see :data:`roadhealth.survey.WAVE_SPREADINGS`).
FIELD_FORMATS = ("gssi_dzt", "mala_rd3", "mala_rd7", "pulseekko_dt1", "impulseradar_iprb")

#: Formats that store integer samples only (a processed, float survey must be scaled first).
INTEGER_FORMATS = ("gssi_dzt", "mala_rd3", "mala_rd7", "pulseekko_dt1", "impulseradar_iprb")


def detect_format(path: str | os.PathLike) -> str:
    """Name of the format of ``path``, from its content where the format has a signature, else its extension.

    Raises
    ------
    UnknownFormatError
        Naming the file and the formats that were tried.
    """
    p = Path(path)
    ext = p.suffix.lower().lstrip(".")
    if p.is_dir():
        if ext == "zarr" or (p / ".zgroup").exists() or (p / "zarr.json").exists():
            return "zarr"
        raise UnknownFormatError(p, None, "is a folder, not a radar file (use roadhealth.processing.grid for line folders)")
    if not p.exists():
        # A bare MALA/S&S name without extension: look for the data file beside it.
        for e, fmt in (("rd3", "mala_rd3"), ("rd7", "mala_rd7"), ("DT1", "pulseekko_dt1"), ("iprb", "impulseradar_iprb")):
            if p.with_suffix("." + e).exists() or p.with_suffix("." + e.upper()).exists():
                return fmt
        raise FileNotFoundError(f"{p}: no such file")
    with open(p, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        from roadhealth.io.gprmax import is_gprmax

        # (an HDF5 ".out", gprMax 3's name for its output, whose metadata cannot be read gets the
        # gprMax reader's error rather than NetCDF's)
        return "gprmax" if is_gprmax(p) or ext == "out" else "netcdf"
    if head.startswith(b"CDF"):
        return "netcdf"
    if ext == "dzt":
        return "gssi_dzt"
    for fmt, (_mod, _r, _w, exts) in FORMATS.items():
        if ext in exts:
            if fmt == "mala_rd3" and ext == "rad" and p.with_suffix(".rd7").exists():
                return "mala_rd7"
            return fmt
    # No known extension: try the binary signatures.
    from roadhealth.io.gssi import sniff_dzt

    if sniff_dzt(p, head):
        return "gssi_dzt"
    if len(head) >= 3600 and (p.stat().st_size - 3600) % 4 == 0 and head[:1] in (b"C", b"\xc3"):
        return "segy"
    raise UnknownFormatError(
        p, None, f"unknown radar format (extension {ext!r}); supported: {', '.join(sorted(FORMATS))}"
    )


def read(path: str | os.PathLike, *, format: str | None = None, **options):
    """Read a radar file into a survey DataArray.

    Parameters
    ----------
    path : path-like
        The data file (``.DZT``, ``.rd3``, ``.DT1``, ``.sgy``, ``.iprb``, ``.nc``, ``.zarr`` ...).
        Companion files (headers, GNSS) with the same stem are found automatically.
    format : str, optional
        Force a format (a key of :data:`FORMATS`) instead of detecting it.
    **options
        Passed to the format's reader: common ones are ``lazy`` (bool or None), ``crs``
        (target CRS of x/y in metres, e.g. ``"EPSG:4545"``), ``gnss`` (read GNSS companions),
        ``trace_spacing_m`` (along-track spacing, m, for a file that gives no trace positions:
        its trace index times it; a file with positions keeps them, warned),
        ``lever_arm_m`` (GNSS antenna relative to the array centre, ``(along, across)`` m,
        along positive forward, across positive left) and ``latency_s`` (GNSS latency, s);
        the last two go to :func:`roadhealth.io.georef.georeference` and its history record.
        ``crs``, ``lever_arm_m`` or ``latency_s`` given for a file whose positions could not be
        used is warned about.

    Returns
    -------
    xarray.DataArray
        A survey with dims ``(channel, trace, sample)`` (see ``docs/data-model.md``).

    Raises
    ------
    FormatError
        The file is truncated, corrupted or inconsistent; the message names the file and field.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read() takes one file path (str or path-like); got {type(path).__name__}"
                        " (for many files use roadhealth.processing.batch.process_files)")
    if options.get("crs") is not None:
        from roadhealth.io.georef import check_target_crs

        check_target_crs(options["crs"])
    if options.get("lever_arm_m") is not None or options.get("latency_s"):
        from roadhealth.io.georef import check_gnss_options

        check_gnss_options(options.get("lever_arm_m"), options.get("latency_s", 0.0))
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise UnknownFormatError(path, None, f"format {fmt!r} is not one of {sorted(FORMATS)}")
    module, reader, _writer, _exts = FORMATS[fmt]
    func = getattr(importlib.import_module(module), reader)
    spacing = None
    if "trace_spacing_m" in options and "trace_spacing_m" not in inspect.signature(func).parameters:
        spacing = options.pop("trace_spacing_m")  # applied here for the formats whose reader does not take it
    try:
        survey = func(path, **options)
    except (RoadHealthError, FileNotFoundError, TypeError):
        raise
    except MemoryError:
        raise
    except (ValueError, IndexError, KeyError, OSError, OverflowError, RuntimeError) as exc:
        # A reader should raise FormatError itself; this is the safety net that keeps the file name
        # (h5py raises RuntimeError on a corrupt HDF5 object header or link).
        raise FormatError(path, None, f"could not be read as {fmt}: {type(exc).__name__}: {exc}") from exc
    _warn_unused_positioning(survey, path, options)
    if fmt in FIELD_FORMATS and "wave_spreading" not in survey.attrs:
        survey.attrs["wave_spreading"] = "3d"  # a real antenna's wave (roadhealth.survey.WAVE_SPREADINGS)
    if spacing is not None:
        survey = _given_spacing(survey, path, spacing)
    return survey


def _given_spacing(survey, path, spacing):
    """``trace_spacing_m`` given to :func:`read` for a format whose reader does not take it: the
    trace index of a file without positions times it; a file with positions keeps them (warned)."""
    from roadhealth.errors import SurveyContractError
    from roadhealth.io._common import warn
    from roadhealth.survey import with_trace_spacing

    if survey.attrs.get("distance_source") != "trace index":
        warn(f"{path}: trace_spacing_m={spacing!r} not used: the file has trace positions "
             f"(distance_source {survey.attrs.get('distance_source')!r})")
        return survey
    try:
        return with_trace_spacing(survey, spacing, "trace_spacing_m (given)")
    except SurveyContractError as exc:
        raise FormatError(path, "trace_spacing_m", str(exc)) from None


def _warn_unused_positioning(survey, path, options: dict) -> None:
    """Warn when ``crs``, ``lever_arm_m`` or ``latency_s`` were given but no GNSS position was used."""
    asked = [f"{k}={options[k]!r}" for k in ("crs", "lever_arm_m", "latency_s") if options.get(k)]
    qc = survey.attrs.get("gnss_qc") or {}
    if not asked or qc.get("n_used"):
        return
    if asked == [f"crs={options['crs']!r}"] and survey.attrs.get("crs") is not None:
        return  # the file's own coordinates (SEG-Y) were labelled with it
    if qc.get("error"):
        why = "its GNSS could not be used (see the warning before this one)"
    elif options.get("gnss") is False:
        why = "gnss=False"
    else:
        why = "the file has no positions (no GNSS companion or coordinates)"
    local = "; x/y stay in the local frame (crs None)" if survey.attrs.get("crs") is None else ""
    from roadhealth.io._common import warn

    warn(f"{path}: {', '.join(asked)} not used: {why}{local}")


def output_format(path: str | os.PathLike) -> str:
    """Name of the format :func:`write` uses for ``path``, from its extension.

    Raises
    ------
    UnknownFormatError
        The extension names no format roadhealth can write.
    """
    p = Path(path)
    ext = p.suffix.lower().lstrip(".")
    fmt = next((f for f, (_m, _r, w, exts) in FORMATS.items() if w and ext in exts), None)
    if fmt is None:
        raise UnknownFormatError(p, None, f"cannot tell the output format from extension {ext!r}")
    return fmt


def written_files(path: str | os.PathLike, format: str | None = None) -> list[Path]:
    """The files a write to ``path`` creates or replaces: ``path`` and its format's companions."""
    p = Path(path)
    fmt = format or output_format(p)
    return [p, *(p.with_suffix("." + e) for e in WRITTEN_COMPANIONS.get(fmt, ()))]


def _key(path: Path) -> str:
    # companions are found in any case (LINE.DZG, line.dzg), so compare paths case-insensitively
    return os.path.normcase(os.path.abspath(path)).lower()


def check_targets(inputs, outputs, *, overwrite: bool = False) -> None:
    """Refuse writes that would replace an input file, or an existing file unless ``overwrite``.

    Parameters
    ----------
    inputs : iterable of path-like
        Files being read. Each one's companions (same folder, same name, any known companion
        extension, any case) count as inputs too: writing ``LINE.rad`` would replace ``LINE.rd3``'s
        header.
    outputs : iterable of path-like
        Targets of :func:`write` (each with the companions its format writes).
    overwrite : bool
        Allow replacing existing files that are not inputs.

    Raises
    ------
    WriteError
        Naming the input that would be written over, or the existing outputs (up to 5) and the
        way to allow replacing them.
    """
    protected: dict[str, Path] = {}
    companion_exts = sorted({e for exts in COMPANIONS.values() for e in exts})
    for src in inputs:
        src = Path(src)
        protected[_key(src)] = src
        for e in companion_exts:
            protected.setdefault(_key(src.with_suffix("." + e)), src)
    existing: list[Path] = []
    for out in outputs:
        for f in written_files(out):
            hit = protected.get(_key(f))
            if hit is not None:
                what = "the input" if _key(f) == _key(hit) else f"a companion of the input {hit}:"
                raise WriteError(f"{out}: refusing to write over {what} {f}; choose another output name or folder")
            if f.exists():
                existing.append(f)
    if existing and not overwrite:
        shown = ", ".join(map(str, existing[:5])) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise WriteError(f"{len(existing)} output file(s) exist already: {shown}; "
                         "pass overwrite=True (--overwrite) to replace them")


def write(survey, path: str | os.PathLike, *, format: str | None = None, **options) -> Path:
    """Write a survey in the format named by ``format`` or by the extension of ``path``.

    Replaces ``path`` (atomically) if it exists; :func:`check_targets` is the guard the
    command line uses first.
    """
    p = Path(path)
    fmt = format or output_format(p)
    if fmt not in FORMATS:
        raise UnknownFormatError(p, None, f"format {fmt!r} is not one of {sorted(FORMATS)}")
    module, _reader, writer, _exts = FORMATS[fmt]
    if writer is None:
        raise UnknownFormatError(p, None, f"no writer for format {fmt!r}")
    return getattr(importlib.import_module(module), writer)(survey, p, **options)
