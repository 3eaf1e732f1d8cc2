"""NetCDF and Zarr storage of processed surveys, history included.

NetCDF/Zarr attributes must be strings or numbers, so attributes that are lists or dicts
(``history``, ``header``, ``gnss_qc`` ...) are stored as JSON strings under the same name with a
``json:`` prefix, and ``None`` as the string ``"json:null"``; :func:`open_survey` restores them.
A survey written and reopened is equal to the original, coordinates, attributes and history
included.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import xarray as xr

from roadhealth.errors import FormatError
from roadhealth.io._common import atomic_path, trace_chunks, want_lazy
from roadhealth.survey import sort_channels, validate

__all__ = ["open_survey", "to_netcdf", "to_zarr"]

_PREFIX = "json:"
_VAR = "amplitude"


def _encode_attrs(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if isinstance(v, (dict, list, tuple, bool)) or v is None:
            out[k] = _PREFIX + json.dumps(v, default=_json_default)
        elif isinstance(v, np.generic):
            out[k] = v.item()
        else:
            out[k] = v
    return out


def _json_default(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return str(v)


def _decode_attrs(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if isinstance(v, str) and v.startswith(_PREFIX):
            out[k] = json.loads(v[len(_PREFIX) :])
        else:
            out[k] = v.item() if isinstance(v, np.generic) else v
    return out


def _to_dataset(survey: xr.DataArray) -> xr.Dataset:
    validate(survey)
    da = survey.rename(_VAR) if survey.name != _VAR else survey
    ds = da.to_dataset()
    ds.attrs = _encode_attrs(dict(survey.attrs))
    ds[_VAR].attrs = {}
    for name in ds.coords:
        ds[name].attrs = _encode_attrs(dict(ds[name].attrs))
    return ds


def to_netcdf(survey: xr.DataArray, path: str | os.PathLike, *, compress: bool = True) -> Path:
    """Write a survey to a NetCDF-4 file (h5netcdf engine), atomically.

    Parameters
    ----------
    compress : bool
        zlib-compress the amplitudes (level 4, shuffled); lossless.
    """
    ds = _to_dataset(survey)
    enc = {_VAR: {"zlib": True, "complevel": 4, "shuffle": True}} if compress else {}
    path = Path(path)
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf", encoding=enc)
    return path


def _trace_chunk(survey: xr.DataArray) -> int:
    """Traces per chunk: the one chunk size of roadhealth (``io._common.CHUNK_BYTES`` of samples)."""
    n_chan, n_trace, n_samp = (int(survey.sizes[d]) for d in ("channel", "trace", "sample"))
    return trace_chunks(n_trace, n_chan * n_samp * survey.dtype.itemsize)


def to_zarr(survey: xr.DataArray, path: str | os.PathLike) -> Path:
    """Write a survey to a Zarr store, atomically, in chunks along ``trace`` of ``CHUNK_BYTES``.

    The store's chunks are the size every lazy read uses (about 16 MiB of samples, whole
    channels and samples), whatever the chunks of the survey in memory.
    """
    ds = _to_dataset(survey)
    for name in ds.variables:
        ds[name].encoding = {}
    ds[_VAR] = ds[_VAR].chunk({"channel": -1, "trace": _trace_chunk(survey), "sample": -1})
    path = Path(path)
    with atomic_path(path) as tmp:
        ds.to_zarr(tmp, mode="w", consolidated=False)
    return path


def open_survey(path: str | os.PathLike, *, lazy: bool | None = None, **_ignored) -> xr.DataArray:
    """Open a survey written by :func:`to_netcdf` or :func:`to_zarr`.

    Parameters
    ----------
    lazy : bool or None
        True: dask-backed, in chunks along ``trace`` of ``io._common.CHUNK_BYTES`` (Zarr: as
        stored, which :func:`to_zarr` makes that size); False: loaded into memory; None: lazy
        when the samples exceed ``io._common.LAZY_THRESHOLD_BYTES`` (256 MiB), as for the
        instrument formats.
    """
    path = Path(path)
    try:
        if path.is_dir():
            ds = xr.open_zarr(path, consolidated=False)
        else:
            ds = xr.open_dataset(path, engine="h5netcdf", chunks=None)  # lazily indexed: nothing read yet
            if _VAR in ds and want_lazy(lazy, ds[_VAR].nbytes):
                ds = ds.chunk({"trace": _trace_chunk(ds[_VAR])})
    except (OSError, ValueError, KeyError) as exc:
        raise FormatError(path, None, f"not a readable NetCDF/Zarr survey: {exc}") from exc
    if _VAR not in ds:
        raise FormatError(path, _VAR, f"expected a data variable {_VAR!r}; found {list(ds.data_vars)}")
    da = ds[_VAR]
    da.attrs = _decode_attrs(dict(ds.attrs))
    for name in da.coords:
        da[name].attrs = _decode_attrs(dict(da[name].attrs))
    if not want_lazy(lazy, da.nbytes):
        da = da.load()
    if "offset_m" in da.coords and da.coords["offset_m"].dims == ("channel",):
        da = sort_channels(da)  # stores written before channels were ordered read ascending too
    return validate(da)
