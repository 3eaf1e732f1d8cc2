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
from roadhealth.io._common import atomic_path
from roadhealth.survey import validate

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


def to_zarr(survey: xr.DataArray, path: str | os.PathLike) -> Path:
    """Write a survey to a Zarr store (chunked along ``trace`` as it is), atomically."""
    ds = _to_dataset(survey)
    for name in ds.variables:
        ds[name].encoding = {}
    path = Path(path)
    with atomic_path(path) as tmp:
        ds.to_zarr(tmp, mode="w", consolidated=False)
    return path


def open_survey(path: str | os.PathLike, *, lazy: bool | None = None, **_ignored) -> xr.DataArray:
    """Open a survey written by :func:`to_netcdf` or :func:`to_zarr`.

    Parameters
    ----------
    lazy : bool or None
        True or None: dask-backed (chunks as stored); False: loaded into memory.
    """
    path = Path(path)
    try:
        if path.is_dir():
            ds = xr.open_zarr(path, consolidated=False)
        else:
            ds = xr.open_dataset(path, engine="h5netcdf", chunks={} if lazy in (None, True) else None)
    except (OSError, ValueError, KeyError) as exc:
        raise FormatError(path, None, f"not a readable NetCDF/Zarr survey: {exc}") from exc
    if _VAR not in ds:
        raise FormatError(path, _VAR, f"expected a data variable {_VAR!r}; found {list(ds.data_vars)}")
    da = ds[_VAR]
    da.attrs = _decode_attrs(dict(ds.attrs))
    for name in da.coords:
        da[name].attrs = _decode_attrs(dict(da[name].attrs))
    if lazy is False:
        da = da.load()
    return validate(da)
