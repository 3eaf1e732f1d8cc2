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
``netcdf`` / ``zarr``  processed surveys with their history    :mod:`roadhealth.io.store`
=====================  ======================================  ===========================
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from roadhealth.errors import FormatError, RoadHealthError, UnknownFormatError

__all__ = ["FORMATS", "detect_format", "read", "write"]

#: format name -> (module, reader, writer, extensions). Extensions are lower-case, without dot.
FORMATS: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {
    "gssi_dzt": ("roadhealth.io.gssi", "read_dzt", "write_dzt", ("dzt",)),
    "mala_rd3": ("roadhealth.io.mala", "read_mala", "write_mala", ("rd3", "rad")),
    "mala_rd7": ("roadhealth.io.mala", "read_mala", "write_mala", ("rd7",)),
    "pulseekko_dt1": ("roadhealth.io.pulseekko", "read_dt1", "write_dt1", ("dt1", "hd")),
    "segy": ("roadhealth.io.segy", "read_segy", "write_segy", ("sgy", "segy")),
    "impulseradar_iprb": ("roadhealth.io.impulseradar", "read_iprb", "write_iprb", ("iprb", "iprh")),
    "netcdf": ("roadhealth.io.store", "open_survey", "to_netcdf", ("nc", "nc4", "netcdf")),
    "zarr": ("roadhealth.io.store", "open_survey", "to_zarr", ("zarr",)),
}


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
    if head.startswith(b"\x89HDF\r\n\x1a\n") or head.startswith(b"CDF"):
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
        (target CRS of x/y, e.g. ``"EPSG:4545"``) and ``gnss`` (read GNSS companions).

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
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise UnknownFormatError(path, None, f"format {fmt!r} is not one of {sorted(FORMATS)}")
    module, reader, _writer, _exts = FORMATS[fmt]
    func = getattr(importlib.import_module(module), reader)
    try:
        return func(path, **options)
    except (RoadHealthError, FileNotFoundError, TypeError):
        raise
    except MemoryError:
        raise
    except (ValueError, IndexError, KeyError, OSError, OverflowError) as exc:
        # A reader should raise FormatError itself; this is the safety net that keeps the file name.
        raise FormatError(path, None, f"could not be read as {fmt}: {type(exc).__name__}: {exc}") from exc


def write(survey, path: str | os.PathLike, *, format: str | None = None, **options) -> Path:
    """Write a survey in the format named by ``format`` or by the extension of ``path``."""
    p = Path(path)
    fmt = format
    if fmt is None:
        ext = p.suffix.lower().lstrip(".")
        fmt = next((f for f, (_m, _r, w, exts) in FORMATS.items() if w and ext in exts), None)
        if fmt is None:
            raise UnknownFormatError(p, None, f"cannot tell the output format from extension {ext!r}")
    module, _reader, writer, _exts = FORMATS[fmt]
    if writer is None:
        raise UnknownFormatError(p, None, f"no writer for format {fmt!r}")
    return getattr(importlib.import_module(module), writer)(survey, p, **options)
