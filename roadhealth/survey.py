"""The survey data model: one labelled array for every radar file and processing result.

A survey is an :class:`xarray.DataArray` with dims ``("channel", "trace", "sample")``. The full
contract is written down in ``docs/data-model.md``; :func:`validate` checks it and
:func:`make_survey` builds a survey that satisfies it. Readers, writers, processing steps and the
detector all rely on this module, and nothing here knows about any file format.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from roadhealth._version import __version__
from roadhealth.errors import SurveyContractError

__all__ = [
    "DIMS",
    "WAVE_SPREADINGS",
    "add_history",
    "history_record",
    "make_survey",
    "positive_number",
    "sort_channels",
    "validate",
    "with_trace_spacing",
]

#: The dimension names of every survey, in order.
DIMS = ("channel", "trace", "sample")

#: Required coordinates and the dims each must have.
REQUIRED_COORDS: dict[str, tuple[str, ...]] = {
    "twt_ns": ("sample",),
    "distance_m": ("channel", "trace"),
    "x": ("channel", "trace"),
    "y": ("channel", "trace"),
    "offset_m": ("channel",),
}

#: Optional coordinates and the dims they may have (first listed is the usual one).
OPTIONAL_COORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "lon": (("channel", "trace"),),
    "lat": (("channel", "trace"),),
    "elevation_m": (("channel", "trace"),),
    "time": (("trace",), ("channel", "trace")),
    "mark": (("trace",), ("channel", "trace")),
    "trace_number": (("trace",), ("channel", "trace")),
    "depth_m": (("sample",), ("channel", "trace", "sample")),
}

#: The values of ``attrs["wave_spreading"]`` (optional): how the recorded wave spread from its
#: source. ``"3d"``, as from every real antenna (amplitude 1 / r) and in a 3-D simulation; ``"2d"``,
#: the line source of a 2-D simulation (1 / sqrt(r)). Absent: not known (``docs/data-model.md``).
WAVE_SPREADINGS = ("2d", "3d")

REQUIRED_ATTRS = ("format", "instrument", "antenna_mhz", "dt_ns", "source", "crs", "history")


def make_survey(
    data,
    *,
    dt_ns: float,
    time_zero_ns: float = 0.0,
    distance_m=None,
    offset_m=None,
    x=None,
    y=None,
    crs: str | None = None,
    format: str = "memory",
    instrument: str = "",
    antenna_mhz: float | None = None,
    source: str | None = None,
    coords: Mapping[str, Any] | None = None,
    attrs: Mapping[str, Any] | None = None,
    name: str = "amplitude",
) -> xr.DataArray:
    """Build a survey DataArray that satisfies the contract.

    Parameters
    ----------
    data : array_like or dask array, shape (n_channel, n_trace, n_sample) or (n_trace, n_sample)
        Amplitudes in the file's own scale. A 2-D array is taken as one channel.
    dt_ns : float
        Sample interval, ns. ``twt_ns = time_zero_ns + dt_ns * arange(n_sample)``.
    time_zero_ns : float
        Two-way time of sample 0, ns (negative when recording starts before the surface).
    distance_m : array_like, shape (n_trace,) or (n_channel, n_trace), optional
        Along-track distance, m. Defaults to the trace index (unit spacing) with a warning-free
        ``attrs["distance_source"] = "trace index"`` so users can see it is not a measurement.
    offset_m : array_like, shape (n_channel,), optional
        Across-track offset of each channel, m (positive to the left of travel). Default 0.
        Channels given in another order are put in ascending ``offset_m`` order (a stable sort,
        the contract's channel order); the ``source_channel`` coordinate then holds each
        channel's index in the input, so a writer can restore the file's own channel order.
    x, y : array_like, shape (n_channel, n_trace), optional
        Projected coordinates in ``crs``. Default: a local frame with ``x = distance_m`` and
        ``y = offset_m`` and ``crs = None``.
    crs : str or None
        CRS of ``x``/``y`` ("EPSG:4545", WKT) or None for a local frame.
    coords : mapping, optional
        Further coordinates (``time``, ``mark``, ``lon``, ``lat`` ...), as ``(dims, values)``.
    attrs : mapping, optional
        Further attributes (format header, etc.).

    Returns
    -------
    xarray.DataArray
    """
    if getattr(data, "ndim", None) is None:
        data = np.asarray(data)
    if data.ndim == 2:
        data = data[None, :, :]
    if data.ndim != 3:
        raise SurveyContractError(
            f"survey data must have 3 dims (channel, trace, sample) or 2 (trace, sample); got shape {data.shape}"
        )
    n_chan, n_trace, n_samp = (int(n) for n in data.shape)
    dt_ns = float(dt_ns)
    if not np.isfinite(dt_ns) or dt_ns <= 0:
        raise SurveyContractError(f"dt_ns must be a positive finite number of ns; got {dt_ns!r}")

    extra_attrs: dict[str, Any] = {}
    if distance_m is None:
        distance = np.broadcast_to(np.arange(n_trace, dtype=float), (n_chan, n_trace)).copy()
        extra_attrs["distance_source"] = "trace index"
    else:
        distance = _per_channel_trace(distance_m, n_chan, n_trace, "distance_m")
    offsets = np.zeros(n_chan) if offset_m is None else np.asarray(offset_m, dtype=float).reshape(-1)
    if offsets.shape != (n_chan,):
        raise SurveyContractError(f"offset_m must have {n_chan} values (one per channel); got {offsets.shape}")
    if x is None or y is None:
        if x is not None or y is not None:
            raise SurveyContractError("give both x and y, or neither")
        xx = distance.copy()
        yy = np.broadcast_to(offsets[:, None], (n_chan, n_trace)).copy()
        crs = None
    else:
        xx = _per_channel_trace(x, n_chan, n_trace, "x")
        yy = _per_channel_trace(y, n_chan, n_trace, "y")

    all_coords: dict[str, Any] = {
        "channel": ("channel", np.arange(n_chan)),
        "twt_ns": ("sample", time_zero_ns + dt_ns * np.arange(n_samp)),
        "distance_m": (("channel", "trace"), distance),
        "x": (("channel", "trace"), xx),
        "y": (("channel", "trace"), yy),
        "offset_m": ("channel", offsets),
    }
    if coords:
        all_coords.update(coords)
    all_attrs: dict[str, Any] = {
        "format": format,
        "instrument": instrument,
        "antenna_mhz": None if antenna_mhz is None else float(antenna_mhz),
        "dt_ns": dt_ns,
        "source": None if source is None else str(source),
        "crs": crs,
        "history": [],
        "raw_offset": 0,
        "header_words": 0,
    }
    all_attrs.update(extra_attrs)
    if attrs:
        all_attrs.update(attrs)
    da = xr.DataArray(data, dims=DIMS, coords=all_coords, attrs=all_attrs, name=name)
    return sort_channels(da)


def sort_channels(da: xr.DataArray) -> xr.DataArray:
    """``da`` with its channels in ascending ``offset_m`` (stable), recording the input order.

    Unchanged when the offsets already ascend (ties keep their order). Otherwise every
    channel-indexed coordinate moves with its channel, ``channel`` is renumbered 0..n-1 and
    ``source_channel`` (channel) holds each channel's index in the input (its file order).
    """
    offsets = np.asarray(da.coords["offset_m"].values, dtype=float)
    if offsets.size < 2 or not np.all(np.isfinite(offsets)) or np.all(np.diff(offsets) >= 0):
        return da
    order = np.argsort(offsets, kind="stable")
    out = da.isel(channel=order)
    source = (np.asarray(da.coords["source_channel"].values)[order] if "source_channel" in da.coords
              else order.astype(np.int64))
    return out.assign_coords(channel=np.arange(order.size), source_channel=("channel", source))


def _per_channel_trace(values, n_chan: int, n_trace: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    try:
        return np.broadcast_to(arr, (n_chan, n_trace)).copy()
    except ValueError:
        raise SurveyContractError(
            f"{name} must have shape ({n_trace},) or ({n_chan}, {n_trace}); got {np.shape(values)}"
        ) from None


def validate(survey: xr.DataArray) -> xr.DataArray:
    """Check a DataArray against the survey contract.

    Returns the survey unchanged when it is valid, so it can be used inline
    (``s = validate(read(path))``).

    Raises
    ------
    SurveyContractError
        Listing every violation found, not only the first.
    """
    problems: list[str] = []
    if not isinstance(survey, xr.DataArray):
        raise SurveyContractError(f"a survey is an xarray.DataArray; got {type(survey).__name__}")
    if tuple(survey.dims) != DIMS:
        problems.append(f"dims must be {DIMS}; got {tuple(survey.dims)}")
    for name, dims in REQUIRED_COORDS.items():
        if name not in survey.coords:
            problems.append(f"missing coordinate {name!r} with dims {dims}")
        elif tuple(survey.coords[name].dims) != dims:
            problems.append(f"coordinate {name!r} must have dims {dims}; got {tuple(survey.coords[name].dims)}")
    for name, allowed in OPTIONAL_COORDS.items():
        if name in survey.coords and tuple(survey.coords[name].dims) not in allowed:
            problems.append(
                f"coordinate {name!r} must have dims {' or '.join(map(str, allowed))}; "
                f"got {tuple(survey.coords[name].dims)}"
            )
    for key in REQUIRED_ATTRS:
        if key not in survey.attrs:
            problems.append(f"missing attribute {key!r}")
    if "history" in survey.attrs and not isinstance(survey.attrs["history"], list):
        problems.append(f"attribute 'history' must be a list of records; got {type(survey.attrs['history']).__name__}")
    dt = survey.attrs.get("dt_ns")
    if dt is not None:
        try:
            ok = float(dt) > 0 and np.isfinite(float(dt))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            problems.append(f"attribute 'dt_ns' must be a positive number of ns; got {dt!r}")
        elif "twt_ns" in survey.coords and survey.sizes.get("sample", 0) > 1:
            steps = np.diff(np.asarray(survey.coords["twt_ns"].values, dtype=float))
            if not np.allclose(steps, float(dt), rtol=1e-6, atol=1e-9):
                problems.append(
                    f"coordinate 'twt_ns' must step by dt_ns={float(dt)}; got steps {steps.min()}..{steps.max()}"
                )
    if "offset_m" in survey.coords and survey.coords["offset_m"].dims == ("channel",):
        off = np.asarray(survey.coords["offset_m"].values, dtype=float)
        if not np.all(np.isfinite(off)):
            problems.append(f"coordinate 'offset_m' has non-finite values: {off.tolist()}")
        elif off.size > 1 and np.any(np.diff(off) < 0):
            k = int(np.argmax(np.diff(off) < 0))
            problems.append(
                f"channels must be in ascending 'offset_m' (positive left of travel); channel {k + 1} "
                f"({off[k + 1]:g} m) comes after channel {k} ({off[k]:g} m); "
                "reorder with survey.sortby('offset_m') or build it with make_survey"
            )
    if "distance_m" in survey.coords and survey.coords["distance_m"].size:
        d = np.asarray(survey.coords["distance_m"].values, dtype=float)
        if not np.all(np.isfinite(d)):
            problems.append("coordinate 'distance_m' has non-finite values")
    for key, value in survey.attrs.items():
        bad = unstorable(value)
        if bad:
            problems.append(f"attribute {key!r} cannot be stored (NetCDF/Zarr/JSON): {bad}")
    if problems:
        raise SurveyContractError("not a valid survey:\n  - " + "\n  - ".join(problems))
    return survey


def unstorable(value: Any, _depth: int = 0) -> str | None:
    """Why ``value`` cannot be stored as a JSON attribute, or None when it can.

    Allowed: None, bool, int, float, str, numpy scalars, and lists/tuples/dicts (with str keys)
    of those, nested.
    """
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        if isinstance(value, np.generic) and not isinstance(value, (np.number, np.bool_)):
            return f"numpy {type(value).__name__} value {value!r}"
        return None
    if _depth > 20:
        return "nested too deeply"
    if isinstance(value, (list, tuple)):
        for v in value:
            bad = unstorable(v, _depth + 1)
            if bad:
                return bad
        return None
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                return f"non-string key {k!r}"
            bad = unstorable(v, _depth + 1)
            if bad:
                return f"{k}: {bad}"
        return None
    return f"{type(value).__name__} value {value!r}"


def add_history(survey: xr.DataArray, step: str, **parameters: Any) -> xr.DataArray:
    """Return ``survey`` with one record appended to ``attrs["history"]``.

    The input's history list is copied, never mutated, so earlier results keep their own record
    (records themselves are never modified once written, so they are shared, not deep-copied).

    Parameters
    ----------
    step : str
        Name of the step, e.g. ``"dewow"`` or ``"read"``.
    **parameters
        The parameters the step ran with (JSON-serialisable values preferred).
    """
    out = survey.copy(deep=False)
    out.attrs = dict(survey.attrs)
    out.attrs["history"] = [*survey.attrs.get("history", []), history_record(step, **parameters)]
    return out


def history_record(step: str, **parameters: Any) -> dict[str, Any]:
    """One processing record: ``{step, parameters, version, time}`` (JSON-serialisable)."""
    return {
        "step": step,
        "parameters": _jsonable(parameters),
        "version": __version__,
        "time": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def positive_number(value: Any) -> float:
    """``value`` as a positive finite float, else NaN (for option checks that name the option)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) and v > 0 else math.nan


def with_trace_spacing(survey: xr.DataArray, spacing_m: float, source: str) -> xr.DataArray:
    """``survey`` with ``distance_m`` (the trace index, possibly of a slice or a stack) times
    ``spacing_m``, and ``x`` of a local frame (no CRS, ``x`` equal to the distance) rescaled alike;
    ``attrs["distance_source"]`` says where the spacing came from.

    Raises
    ------
    SurveyContractError
        ``spacing_m`` is not a positive number of metres.
    """
    sp = positive_number(spacing_m)
    if math.isnan(sp):
        raise SurveyContractError(f"trace_spacing_m must be a positive number of metres; got {spacing_m!r}")
    n_c, n_t = survey.sizes["channel"], survey.sizes["trace"]
    if "distance_m" in survey.coords:
        dims = survey.coords["distance_m"].dims
        index = np.asarray(survey.coords["distance_m"].values, dtype=float)
    else:
        dims, index = ("channel", "trace"), np.broadcast_to(np.arange(n_t, dtype=float), (n_c, n_t))
    out = survey.assign_coords(distance_m=(dims, index * sp))
    if survey.attrs.get("crs") is None and "x" in survey.coords:
        x = np.asarray(survey.coords["x"].values, dtype=float)
        try:
            local = np.allclose(x, np.broadcast_to(index, x.shape) if index.ndim < x.ndim else index)
        except ValueError:  # shapes that do not broadcast: not the local frame of this distance
            local = False
        if local:
            out = out.assign_coords(x=(survey.coords["x"].dims, x * sp))
    out.attrs = dict(survey.attrs)
    out.attrs["distance_source"] = source
    return out
