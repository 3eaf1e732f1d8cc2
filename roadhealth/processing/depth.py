"""Depth conversion with a layered velocity model.

A road is a stack of layers (asphalt, base, subbase, subgrade). Each layer has a wave speed, given
as a relative permittivity ``eps_r`` (``v = c0 / sqrt(eps_r)``) or directly as a velocity, and a
bottom, given as a thickness (m) or as the two-way time of its bottom interface (ns, on the survey's
``twt_ns`` axis; a scalar, or one value per trace from :func:`roadhealth.processing.velocity.pick_layers`).
The last layer may be left open (a half-space).

* :func:`depth_of_twt` is the pure, vectorised mapping ``twt -> depth``;
* :func:`add_depth` attaches a ``depth_m`` coordinate: dims ``(sample,)`` for a laterally constant
  model, ``(channel, trace, sample)`` when interfaces vary along the road;
* :func:`to_depth` resamples the amplitudes onto a regular depth axis;
* :func:`interval_velocity` / :func:`rms_velocity` give the vertical velocity functions used by
  :mod:`roadhealth.processing.migration`.

Above the surface (``twt < surface_twt_ns``) depths are negative and computed with the speed of
light in air, so the air gap of an air-coupled horn keeps its physical height.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from roadhealth.constants import C0_M_PER_NS, velocity_m_per_ns
from roadhealth.errors import ProcessingError
from roadhealth.processing._core import check_dims, is_dask, require
from roadhealth.survey import add_history

__all__ = [
    "Layer",
    "add_depth",
    "depth_of_twt",
    "interface_twt",
    "interval_velocity",
    "layer_model",
    "rms_velocity",
    "to_depth",
]


@dataclass(frozen=True)
class Layer:
    """One layer of a road model.

    Parameters
    ----------
    eps_r : float, optional
        Relative permittivity (dimensionless). Give this or ``velocity_m_per_ns``.
    velocity_m_per_ns : float, optional
        Wave speed in the layer, m/ns.
    thickness_m : float or array_like (n_channel, n_trace), optional
        Layer thickness, m.
    bottom_twt_ns : float or array_like or xarray.DataArray (channel, trace), optional
        Two-way time of the layer's bottom interface on the survey's ``twt_ns`` axis, ns.
        Give at most one of ``thickness_m`` and ``bottom_twt_ns``; with neither the layer is a
        half-space (allowed only for the last layer).
    name : str
        Label, e.g. ``"asphalt"``.
    """

    eps_r: float | None = None
    velocity_m_per_ns: float | None = None
    thickness_m: Any = None
    bottom_twt_ns: Any = None
    name: str = ""

    @property
    def velocity(self) -> float:
        """Wave speed, m/ns."""
        if self.velocity_m_per_ns is not None:
            return float(self.velocity_m_per_ns)
        return float(velocity_m_per_ns(float(self.eps_r)))


def layer_model(layers) -> list[Layer]:
    """Normalise and check a layered model.

    Parameters
    ----------
    layers : Layer, mapping, or sequence of Layer / mapping / (eps_r, thickness_m) tuples
        Top to bottom. A mapping takes the :class:`Layer` field names.

    Returns
    -------
    list of Layer

    Raises
    ------
    ProcessingError
        When a layer has no speed, two speeds, a non-positive speed, both a thickness and a bottom
        time, or when a layer other than the last is open.
    """
    if isinstance(layers, (Layer, Mapping)):
        layers = [layers]
    if not isinstance(layers, Sequence) or isinstance(layers, str) or len(layers) == 0:
        raise ProcessingError(f"a layered model is a non-empty list of layers; got {layers!r}")
    out: list[Layer] = []
    for i, lay in enumerate(layers):
        if isinstance(lay, Mapping):
            for key in ("thickness_m", "bottom_twt_ns"):
                if isinstance(lay.get(key), Mapping) and lay[key].get("per_trace"):
                    raise ProcessingError(
                        f"layer {i} ({lay.get('name') or 'unnamed'}): {key} varied along the survey and was "
                        f"only summarised in the history ({lay[key]}); give the per-trace values again "
                        "(e.g. from pick_layers) to replay this step"
                    )
            try:
                lay = Layer(**{k: (np.asarray(v, dtype=float) if isinstance(v, list) else v)
                               for k, v in lay.items()})
            except TypeError as exc:
                raise ProcessingError(f"layer {i}: {exc}") from None
        elif isinstance(lay, tuple):
            if len(lay) != 2:
                raise ProcessingError(
                    f"layer {i}: a tuple layer is (eps_r, thickness_m); got {lay!r}"
                )
            lay = Layer(eps_r=lay[0], thickness_m=lay[1])
        elif not isinstance(lay, Layer):
            raise ProcessingError(
                f"layer {i}: expected a Layer, mapping or (eps_r, thickness_m); got {lay!r}"
            )
        if (lay.eps_r is None) == (lay.velocity_m_per_ns is None):
            raise ProcessingError(
                f"layer {i} ({lay.name or 'unnamed'}): give exactly one of eps_r and velocity_m_per_ns"
            )
        if lay.eps_r is not None and not float(lay.eps_r) >= 1.0:
            raise ProcessingError(f"layer {i}: eps_r must be >= 1; got {lay.eps_r!r}")
        if (
            lay.velocity_m_per_ns is not None
            and not 0 < float(lay.velocity_m_per_ns) <= C0_M_PER_NS
        ):
            raise ProcessingError(
                f"layer {i}: velocity_m_per_ns must be in (0, {C0_M_PER_NS}]; got {lay.velocity_m_per_ns!r}"
            )
        if lay.thickness_m is not None and lay.bottom_twt_ns is not None:
            raise ProcessingError(f"layer {i}: give thickness_m or bottom_twt_ns, not both")
        if lay.thickness_m is None and lay.bottom_twt_ns is None and i != len(layers) - 1:
            raise ProcessingError(
                f"layer {i}: only the last layer may be open (no thickness_m or bottom_twt_ns)"
            )
        if lay.thickness_m is not None and np.any(np.asarray(lay.thickness_m, dtype=float) < 0):
            raise ProcessingError(f"layer {i}: thickness_m must be >= 0")
        out.append(lay)
    return out


def _lateral(value, lateral_shape: tuple[int, ...] | None) -> np.ndarray:
    """A scalar or (channel, trace) value as a float array (scalar stays 0-d)."""
    if isinstance(value, xr.DataArray):
        value = value.transpose(*[d for d in ("channel", "trace") if d in value.dims]).values
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0 or lateral_shape is None:
        return arr
    try:
        return np.broadcast_to(arr, lateral_shape)
    except ValueError:
        raise ProcessingError(
            f"a per-trace model value must broadcast to {lateral_shape}; got shape {arr.shape}"
        ) from None


def interface_twt(model, surface_twt_ns=0.0, lateral_shape: tuple[int, ...] | None = None):
    """Two-way times of the layer tops and bottoms.

    Parameters
    ----------
    model : layered model (see :func:`layer_model`)
    surface_twt_ns : float or array_like (n_channel, n_trace)
        Two-way time of the road surface, ns.
    lateral_shape : tuple, optional
        ``(n_channel, n_trace)`` to broadcast per-trace values against.

    Returns
    -------
    tops, bottoms : numpy.ndarray, shape (n_layer,) or (n_layer, n_channel, n_trace)
        ns; the open last layer has ``bottom = inf``.
    velocities : numpy.ndarray, shape (n_layer,)
        m/ns.
    """
    layers = layer_model(model)
    top = _lateral(surface_twt_ns, lateral_shape)
    tops, bottoms = [], []
    for lay in layers:
        v = lay.velocity
        if lay.bottom_twt_ns is not None:
            bottom = np.maximum(_lateral(lay.bottom_twt_ns, lateral_shape), top)
        elif lay.thickness_m is not None:
            bottom = top + 2.0 * _lateral(lay.thickness_m, lateral_shape) / v
        else:
            bottom = np.full(np.shape(top), np.inf)
        tops.append(top)
        bottoms.append(bottom)
        top = bottom
    shape = np.broadcast_shapes(*(np.shape(a) for a in tops + bottoms))
    tops_a = np.stack([np.broadcast_to(a, shape) for a in tops])
    bottoms_a = np.stack([np.broadcast_to(a, shape) for a in bottoms])
    return tops_a, bottoms_a, np.array([lay.velocity for lay in layers])


def depth_of_twt(twt_ns, model, surface_twt_ns=0.0) -> np.ndarray:
    """Depth below the surface of each two-way time, through a layered model.

    ``depth(t) = sum_l v_l / 2 * clip(t - top_l, 0, bottom_l - top_l)``, and
    ``c0 / 2 * (t - surface)`` (negative) above the surface.

    Parameters
    ----------
    twt_ns : array_like, shape (n_sample,)
        Two-way times, ns.
    model : layered model (see :func:`layer_model`)
    surface_twt_ns : float or array_like (n_channel, n_trace)

    Returns
    -------
    numpy.ndarray, shape (n_sample,) or (n_channel, n_trace, n_sample)
        Depth, m.
    """
    t = np.asarray(twt_ns, dtype=float)
    tops, bottoms, v = interface_twt(model, surface_twt_ns, _shape_of(model, surface_twt_ns))
    return _depth_block(t, tops, bottoms, v)


def _shape_of(model, surface_twt_ns) -> tuple[int, ...] | None:
    shapes = [np.shape(_as_np(surface_twt_ns))]
    for lay in layer_model(model):
        for val in (lay.thickness_m, lay.bottom_twt_ns):
            if val is not None:
                shapes.append(np.shape(_as_np(val)))
    shape = np.broadcast_shapes(*shapes)
    return shape if shape else None


def _as_np(value):
    if isinstance(value, xr.DataArray):
        return value.transpose(*[d for d in ("channel", "trace") if d in value.dims]).values
    return np.asarray(value, dtype=float)


def _depth_block(t: np.ndarray, tops: np.ndarray, bottoms: np.ndarray, v: np.ndarray) -> np.ndarray:
    """t (S,); tops/bottoms (L,) or (L, C, T) -> depth (S,) or (C, T, S)."""
    tops = tops[..., None]
    bottoms = bottoms[..., None]
    surface = tops[0]
    depth = np.minimum(t - surface, 0.0) * (C0_M_PER_NS / 2.0)
    for i in range(len(v)):  # a loop over layers (a handful), not traces
        depth = depth + (v[i] / 2.0) * np.clip(t - tops[i], 0.0, bottoms[i] - tops[i])
    return depth


def _time_of_depth_block(
    z: np.ndarray, tops: np.ndarray, bottoms: np.ndarray, v: np.ndarray
) -> np.ndarray:
    """Inverse of :func:`_depth_block`: z (Z,) -> twt (Z,) or (C, T, Z)."""
    tops = tops[..., None]
    bottoms = bottoms[..., None]
    surface = tops[0]
    t = surface + np.minimum(z, 0.0) * (2.0 / C0_M_PER_NS)
    z_top = np.zeros_like(surface)
    for i in range(len(v)):
        h = (v[i] / 2.0) * (bottoms[i] - tops[i])  # inf for the open layer
        t = t + (2.0 / v[i]) * np.clip(z - z_top, 0.0, h)
        z_top = z_top + h
    return t


def _surface_default(surface_twt_ns) -> bool:
    """True when the caller left ``surface_twt_ns`` at 0 (so twt_ns = 0 must be the surface)."""
    if isinstance(surface_twt_ns, (int, float)) and not isinstance(surface_twt_ns, bool):
        return float(surface_twt_ns) == 0.0
    return False


def add_depth(survey: xr.DataArray, model, *, surface_twt_ns=0.0) -> xr.DataArray:
    """Attach a ``depth_m`` coordinate computed through a layered velocity model.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
    model : layered model (see :func:`layer_model` and :class:`Layer`)
    surface_twt_ns : float or array_like or DataArray (channel, trace)
        Two-way time of the road surface on ``twt_ns``, ns (0 after time-zero correction to the
        surface; the horn's air gap time for air-coupled data).

    Returns
    -------
    xarray.DataArray
        Same data; ``depth_m`` (m, positive down) with dims ``(sample,)`` when the model and the
        surface are laterally constant, else ``(channel, trace, sample)`` (a dask array when the
        survey is dask-backed).

    Raises
    ------
    ProcessingError
        When the survey still has header words, is already on a depth axis, or (with the default
        ``surface_twt_ns=0``) has not been time-zero corrected to the surface.
    """
    check_dims(survey)
    require(survey, "add_depth", surface=_surface_default(surface_twt_ns))
    lateral = (survey.sizes["channel"], survey.sizes["trace"])
    tops, bottoms, v = interface_twt(
        model, surface_twt_ns, lateral if _shape_of(model, surface_twt_ns) else None
    )
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    if tops.ndim == 1:
        depth = ("sample", _depth_block(t, tops, bottoms, v))
    elif is_dask(survey.data):
        import dask.array as da

        chunks = survey.data.chunks[:2]
        tops_d = da.from_array(np.moveaxis(tops, 0, -1), chunks=(*chunks, -1))
        bottoms_d = da.from_array(np.moveaxis(bottoms, 0, -1), chunks=(*chunks, -1))
        d = da.map_blocks(
            lambda a, b: _depth_block(t, np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0), v),
            tops_d,
            bottoms_d,
            dtype=float,
            chunks=(*chunks, (t.size,)),
        )
        depth = (("channel", "trace", "sample"), d)
    else:
        depth = (("channel", "trace", "sample"), _depth_block(t, tops, bottoms, v))
    out = survey.assign_coords(depth_m=depth)
    out.coords["depth_m"].attrs.update(units="m", positive="down")
    return add_history(
        out, "add_depth", model=_model_record(model), surface_twt_ns=_record_value(surface_twt_ns)
    )


def to_depth(
    survey: xr.DataArray,
    model,
    dz_m: float,
    *,
    max_depth_m: float | None = None,
    min_depth_m: float = 0.0,
    surface_twt_ns=0.0,
) -> xr.DataArray:
    """Resample a survey from two-way time onto a regular depth axis.

    Each output sample at depth ``z`` takes the amplitude at the model's two-way time ``t(z)`` by
    linear interpolation along ``sample`` (vectorised over all traces; dask surveys are processed
    block by block with whole traces in each block).

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
    model : layered model (see :func:`layer_model`)
    dz_m : float
        Depth step, m (> 0).
    max_depth_m : float, optional
        Deepest output sample, m. Default: the depth of the last recorded sample (smallest over
        traces for a laterally varying model).
    min_depth_m : float
        Shallowest output sample, m (negative to keep the air gap).
    surface_twt_ns : float or array_like (channel, trace)

    Returns
    -------
    xarray.DataArray (channel, trace, sample)
        ``sample`` now indexes depth: ``depth_m`` (sample) = ``min_depth_m + dz_m * k``.
        ``twt_model_ns`` holds the model two-way time of each output sample ((sample,) or
        (channel, trace, sample)), and ``attrs["domain"] = "depth"``. To keep the survey contract
        (``twt_ns`` steps by ``dt_ns``) ``twt_ns`` becomes a *pseudo-time*
        ``2 * depth_m / attrs["pseudo_velocity_m_per_ns"]`` with the model's average velocity over
        the output range; use ``depth_m`` for anything physical. Samples outside the record are NaN.

    Raises
    ------
    ProcessingError
        When the survey still has header words, is already on a depth axis, or (with the default
        ``surface_twt_ns=0``) has not been time-zero corrected to the surface.
    """
    check_dims(survey)
    require(survey, "to_depth", surface=_surface_default(surface_twt_ns))
    dz_m = float(dz_m)
    if not np.isfinite(dz_m) or dz_m <= 0:
        raise ProcessingError(f"dz_m must be a positive number of metres; got {dz_m!r}")
    lateral = (survey.sizes["channel"], survey.sizes["trace"])
    tops, bottoms, v = interface_twt(
        model, surface_twt_ns, lateral if _shape_of(model, surface_twt_ns) else None
    )
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    if max_depth_m is None:
        max_depth_m = float(np.min(_depth_block(t[-1:], tops, bottoms, v)))
    if not max_depth_m > min_depth_m:
        raise ProcessingError(
            f"max_depth_m ({max_depth_m}) must exceed min_depth_m ({min_depth_m})"
        )
    z = min_depth_m + dz_m * np.arange(int(np.floor((max_depth_m - min_depth_m) / dz_m + 1e-9)) + 1)
    t0, dt = float(t[0]), float(survey.attrs.get("dt_ns") or (t[1] - t[0]))

    if tops.ndim == 1:
        tz = _time_of_depth_block(z, tops, bottoms, v)
        data = _interp_samples(survey.data, (tz - t0) / dt)
        twt_model = ("sample", tz)
    elif is_dask(survey.data):
        import dask.array as da

        arr = survey.data.rechunk({2: -1})
        chunks = arr.chunks[:2]
        tops_d = da.from_array(np.moveaxis(tops, 0, -1), chunks=(*chunks, -1))
        bottoms_d = da.from_array(np.moveaxis(bottoms, 0, -1), chunks=(*chunks, -1))

        def _times(a, b):
            return _time_of_depth_block(z, np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0), v)

        tz_d = da.map_blocks(_times, tops_d, bottoms_d, dtype=float, chunks=(*chunks, (z.size,)))
        data = da.map_blocks(
            lambda a, tz_: _interp_samples(a, (tz_ - t0) / dt),
            arr,
            tz_d,
            dtype=np.result_type(arr.dtype, np.float32),
            chunks=(*chunks, (z.size,)),
        )
        twt_model = (("channel", "trace", "sample"), tz_d)
    else:
        tz = _time_of_depth_block(z, tops, bottoms, v)
        data = _interp_samples(np.asarray(survey.data), (tz - t0) / dt)
        twt_model = (("channel", "trace", "sample"), tz)

    t_end = _time_of_depth_block(np.array([z[-1]]), tops, bottoms, v)
    # t_end: (..., 1) for a laterally varying model, (1,) otherwise; tops[0]: (...) or scalar
    mean_t = float(np.mean(t_end[..., 0] - tops[0])) if z[-1] > 0 else 0.0
    v_pseudo = 2.0 * float(z[-1]) / mean_t if mean_t > 0 else float(v[0])
    dt_pseudo = 2.0 * dz_m / v_pseudo
    sample_coords = [k for k, c in survey.coords.items() if "sample" in c.dims]
    base = survey.drop_vars(sample_coords).isel(sample=slice(0, 0))
    coords = {k: c for k, c in base.coords.items()}
    out = xr.DataArray(
        data, dims=survey.dims, coords=coords, attrs=dict(survey.attrs), name=survey.name
    )
    out = out.assign_coords(
        twt_ns=("sample", 2.0 * z / v_pseudo),
        depth_m=("sample", z),
        twt_model_ns=twt_model,
    )
    out.coords["depth_m"].attrs.update(units="m", positive="down")
    out.attrs.update(domain="depth", dt_ns=dt_pseudo, dz_m=dz_m, pseudo_velocity_m_per_ns=v_pseudo)
    return add_history(
        out,
        "to_depth",
        model=_model_record(model),
        dz_m=dz_m,
        min_depth_m=min_depth_m,
        max_depth_m=max_depth_m,
        surface_twt_ns=_record_value(surface_twt_ns),
    )


def _interp_samples(arr, index):
    """Linear interpolation of ``arr[..., k]`` at fractional sample ``index`` (NaN outside).

    ``index`` is (Z,) (same for every trace; numpy or dask ``arr``) or has ``arr``'s leading
    shape plus (Z,) (numpy only).
    """
    n = arr.shape[-1]
    index = np.asarray(index, dtype=float)
    valid = (index >= 0) & (index <= n - 1)
    i0 = np.clip(np.floor(index), 0, max(n - 2, 0)).astype(np.intp)
    w = np.clip(index - i0, 0.0, 1.0)
    i1 = np.minimum(i0 + 1, n - 1)
    out_dtype = np.result_type(arr.dtype, np.float32)
    if index.ndim == 1:
        a0 = arr[..., i0]
        a1 = arr[..., i1]
        w = w.astype(out_dtype)
        res = a0 * (1 - w) + a1 * w
        return _where(valid, res, np.nan)
    a0 = np.take_along_axis(arr, i0, axis=-1)
    a1 = np.take_along_axis(arr, i1, axis=-1)
    res = (a0 * (1 - w) + a1 * w).astype(out_dtype)
    return np.where(valid, res, np.nan).astype(out_dtype)


def _where(mask, a, fill):
    if is_dask(a):
        import dask.array as da

        return da.where(mask, a, fill).astype(a.dtype)
    return np.where(mask, a, fill).astype(a.dtype)


def interval_velocity(twt_ns, model, surface_twt_ns=0.0) -> np.ndarray:
    """Interval velocity at each two-way time (lateral mean of the interfaces).

    Parameters
    ----------
    twt_ns : array_like (n_sample,)
        ns.
    model : layered model
    surface_twt_ns : float or array_like

    Returns
    -------
    numpy.ndarray (n_sample,)
        m/ns; the first layer's velocity above the surface (air is not migrated through).
    """
    t = np.asarray(twt_ns, dtype=float)
    _tops, bottoms, v = interface_twt(model, surface_twt_ns, _shape_of(model, surface_twt_ns))
    bottoms_mean = np.array([np.mean(b) for b in bottoms])
    idx = np.searchsorted(bottoms_mean, t, side="right")
    return v[np.clip(idx, 0, len(v) - 1)]


def rms_velocity(twt_ns, model, surface_twt_ns=0.0) -> np.ndarray:
    """Root-mean-square velocity from the surface to each two-way time (Dix).

    ``v_rms(t)^2 = (1/t) * integral_0^t v_int(s)^2 ds`` with ``t`` measured from the surface.

    Returns
    -------
    numpy.ndarray (n_sample,)
        m/ns; equal to the first layer's velocity at and above the surface.
    """
    t = np.asarray(twt_ns, dtype=float)
    tops, bottoms, v = interface_twt(model, surface_twt_ns, _shape_of(model, surface_twt_ns))
    surface = float(np.mean(tops[0]))
    tops_m = np.array([np.mean(a) for a in tops]) - surface
    bottoms_m = np.array([np.mean(b) for b in bottoms]) - surface
    tau = np.maximum(t - surface, 0.0)
    integral = np.zeros_like(tau)
    for i in range(len(v)):
        integral += v[i] ** 2 * np.clip(tau - tops_m[i], 0.0, bottoms_m[i] - tops_m[i])
    with np.errstate(invalid="ignore", divide="ignore"):
        vr = np.sqrt(integral / tau)
    return np.where(tau > 0, vr, v[0])


#: Per-trace layer values up to this many are recorded in full in the history (so the step can be
#: replayed); larger ones are summarised, and replaying them asks for the values again.
MAX_RECORDED_VALUES = 20000


def _record_value(value):
    if isinstance(value, xr.DataArray) or np.ndim(value) > 0:
        arr = np.asarray(value, dtype=float)
        if arr.size <= MAX_RECORDED_VALUES:
            return arr.tolist()
        return {
            "per_trace": True,
            "mean": float(np.nanmean(arr)),
            "min": float(np.nanmin(arr)),
            "max": float(np.nanmax(arr)),
        }
    return float(value)


def _model_record(model) -> list[dict]:
    """The model as it was given (one speed per layer), JSON-serialisable and replayable."""
    rec = []
    for lay in layer_model(model):
        r: dict = {"name": lay.name}
        if lay.eps_r is not None:
            r["eps_r"] = float(lay.eps_r)
        else:
            r["velocity_m_per_ns"] = float(lay.velocity_m_per_ns)
        if lay.thickness_m is not None:
            r["thickness_m"] = _record_value(lay.thickness_m)
        if lay.bottom_twt_ns is not None:
            r["bottom_twt_ns"] = _record_value(lay.bottom_twt_ns)
        rec.append(r)
    return rec
