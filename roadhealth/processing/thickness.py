"""Asphalt thickness along the road from picked layer bottoms, calibrated to cores.

:func:`asphalt_thickness` turns the asphalt-bottom picks of a survey
(:func:`roadhealth.processing.velocity.pick_layers`) into a per-trace table with positions (the
input the planner reads); :func:`calibrate_thickness` scales it to cores: the radar thickness is
``v * (t_bottom - t_surface) / 2``, so a wrong asphalt velocity scales every thickness by the same
factor, and the cores measure that factor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import ProcessingError

__all__ = ["asphalt_thickness", "calibrate_thickness"]


def asphalt_thickness(picks: xr.Dataset, *, layer=0, eps_r: float | None = None,
                      velocity_m_per_ns: float | None = None, surface_twt_ns=0.0, survey: str | None = None,
                      step: int = 1) -> pd.DataFrame:
    """Per-trace asphalt thickness table from layer picks.

    Parameters
    ----------
    picks : xarray.Dataset
        From :func:`~roadhealth.processing.velocity.pick_layers`: ``twt_ns`` (layer, channel,
        trace) and, when velocities were given there, ``thickness_m``; coordinates ``x``, ``y``,
        ``distance_m`` (channel, trace) and ``offset_m`` (channel).
    layer : int or str
        The asphalt bottom: index or name along ``layer`` (default the first, top layer).
    eps_r, velocity_m_per_ns : float, optional
        Asphalt permittivity or velocity (m/ns) to convert the two-way time; needed when the picks
        carry no ``thickness_m``, and override it when given.
    surface_twt_ns : float or array_like (channel, trace)
        Two-way time of the road surface, ns (only with ``eps_r``/``velocity_m_per_ns``).
    survey : str, optional
        A name stored in the ``survey`` column (e.g. the file stem).
    step : int
        Keep every ``step``-th trace (a 12-channel survey at 5 cm gives 240 rows per metre).

    Returns
    -------
    pandas.DataFrame
        One row per channel and kept trace: ``survey``, ``channel``, ``trace``, ``x``, ``y``
        (the survey CRS; NaN without positions), ``distance_m``, ``offset_m``, ``twt_ns`` (asphalt
        bottom), ``thickness_m``, ``asphalt_mm``, ``amplitude`` (pick strength).
        ``attrs["crs"]`` is the survey's CRS.
    """
    if not isinstance(picks, xr.Dataset) or "twt_ns" not in picks:
        raise ProcessingError("picks must be the xarray.Dataset of pick_layers (with 'twt_ns')")
    if eps_r is not None and velocity_m_per_ns is not None:
        raise ProcessingError("give eps_r or velocity_m_per_ns, not both")
    try:
        sel = picks.isel(layer=layer) if isinstance(layer, (int, np.integer)) else picks.sel(layer=layer)
    except (IndexError, KeyError):
        raise ProcessingError(f"layer {layer!r} is not among the picks' layers "
                              f"{list(picks['layer'].values)}") from None
    step = int(step)
    if step < 1:
        raise ProcessingError(f"step must be >= 1; got {step}")
    sel = sel.isel(trace=slice(None, None, step))
    twt = sel["twt_ns"].transpose("channel", "trace").values.astype(float)
    if eps_r is not None or velocity_m_per_ns is not None:
        names = [str(n) for n in picks["layer"].values]
        if str(sel["layer"].values) != names[0]:
            raise ProcessingError(f"with eps_r/velocity_m_per_ns the layer must be the top one ({names[0]!r}): "
                                  "its top is the surface")
        v = float(velocity_m_per_ns) if velocity_m_per_ns is not None else C0_M_PER_NS / np.sqrt(float(eps_r))
        if not np.isfinite(v) or v <= 0 or v > C0_M_PER_NS:
            raise ProcessingError(f"asphalt velocity {v!r} m/ns is not physical (0 < v <= {C0_M_PER_NS})")
        surf = np.asarray(surface_twt_ns, dtype=float)
        if surf.ndim == 2:
            surf = surf[:, ::step]
        thick = v * np.maximum(twt - surf, 0.0) / 2.0
    elif "thickness_m" in sel:
        thick = sel["thickness_m"].transpose("channel", "trace").values.astype(float)
    else:
        raise ProcessingError("the picks carry no thickness_m: give eps_r or velocity_m_per_ns of the asphalt")
    nc, nt = twt.shape

    def lateral(name, fill=np.nan):
        if name not in sel.coords:
            return np.full((nc, nt), fill)
        c = sel.coords[name]
        return np.broadcast_to(c.transpose(*[d for d in ("channel", "trace") if d in c.dims]).values
                               if c.dims != ("channel",) else c.values[:, None], (nc, nt)).astype(float)

    ch = np.broadcast_to(np.arange(nc)[:, None], (nc, nt))
    tr = np.broadcast_to(np.arange(0, nt * step, step)[None, :], (nc, nt))
    amp = sel["amplitude"].transpose("channel", "trace").values if "amplitude" in sel else np.full((nc, nt), np.nan)
    out = pd.DataFrame({
        "survey": survey or "", "channel": ch.ravel(), "trace": tr.ravel(),
        "x": lateral("x").ravel(), "y": lateral("y").ravel(),
        "distance_m": lateral("distance_m").ravel(), "offset_m": lateral("offset_m", 0.0).ravel(),
        "twt_ns": twt.ravel(), "thickness_m": thick.ravel(), "asphalt_mm": 1000 * thick.ravel(),
        "amplitude": np.asarray(amp, dtype=float).ravel(),
    })
    out.attrs["crs"] = picks.attrs.get("crs")
    return out


def calibrate_thickness(table: pd.DataFrame, cores: pd.DataFrame, *, max_distance_m: float = 0.5,
                        radius_m: float = 0.25, tolerance_mm: float = 20.0,
                        tolerance_rel: float = 0.15) -> tuple[pd.DataFrame, dict]:
    """Scale radar thicknesses to cores (one factor: the asphalt velocity error).

    Each core is matched to the radar thickness around it (median of the points within
    ``radius_m``; the nearest point when none is that close, if within ``max_distance_m``). The
    factor is the median of ``core / radar`` over the matched cores (robust to one bad core) and
    multiplies every thickness.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`asphalt_thickness` (``x``, ``y``, ``thickness_m``).
    cores : pandas.DataFrame
        ``x``, ``y`` (the same CRS) and ``asphalt_mm``; optional ``core_id``.
    max_distance_m, radius_m : float
        Matching distances, m.
    tolerance_mm, tolerance_rel : float
        A matched core whose calibrated radar thickness departs from it by more than both
        ``tolerance_mm`` and ``tolerance_rel`` of the core is listed in ``report["disagree"]`` and
        announced by a :class:`~roadhealth.errors.RoadHealthWarning`: there the radar misses the
        asphalt bottom (asphalt thinner than the radar resolves, a pick window that excludes it, a
        layer change) and the cores, not the radar, tell the thickness.

    Returns
    -------
    calibrated : pandas.DataFrame
        ``table`` with ``thickness_m`` and ``asphalt_mm`` scaled, and ``thickness_raw_m``.
    report : dict
        ``factor``, ``eps_r_factor`` (the permittivity is divided by ``factor**2``), ``n_cores``,
        ``residual_mm_rms`` (after calibration), ``cores`` (a DataFrame: core_id, distance_m,
        radar_mm, core_mm, calibrated_mm, residual_mm, used), ``disagree`` (core ids).

    Raises
    ------
    ProcessingError
        Missing columns, or no core within ``max_distance_m`` of a radar trace (naming the cores).
    """
    from scipy.spatial import cKDTree

    for name, df, cols in (("thickness table", table, ("x", "y", "thickness_m")),
                           ("cores", cores, ("x", "y", "asphalt_mm"))):
        missing = [c for c in cols if c not in df]
        if missing:
            raise ProcessingError(f"{name}: missing column(s) {missing}; it has {list(df.columns)}")
    ok = np.isfinite(table["x"].to_numpy(float)) & np.isfinite(table["thickness_m"].to_numpy(float))
    if not ok.any():
        raise ProcessingError("thickness table: no trace with a position and a thickness")
    xy = table.loc[ok, ["x", "y"]].to_numpy(float)
    th = table.loc[ok, "thickness_m"].to_numpy(float)
    cxy = cores[["x", "y"]].to_numpy(float)
    core_mm = cores["asphalt_mm"].to_numpy(float)
    ids = cores["core_id"].astype(str).to_numpy(object) if "core_id" in cores else \
        np.array([f"core {i}" for i in range(len(cores))], dtype=object)
    bad = ~np.isfinite(cxy).all(axis=1) | ~(core_mm > 0)
    if bad.any():
        raise ProcessingError(f"cores: {list(ids[bad])} lack a position or a positive asphalt_mm")
    tree = cKDTree(xy)
    dist, nearest = tree.query(cxy)
    far = dist > max_distance_m
    if far.all():
        raise ProcessingError(f"cores: none of {list(ids)} lies within {max_distance_m} m of a radar trace "
                              f"(nearest {np.min(dist):.2f} m): same CRS? same lane?")
    near = tree.query_ball_point(cxy, radius_m)
    radar_mm = np.array([1000 * (np.median(th[n]) if len(n) else th[k]) for n, k in zip(near, nearest, strict=True)])
    use = ~far & (radar_mm > 0)
    factor = float(np.median(core_mm[use] / radar_mm[use]))
    out = table.copy()
    out["thickness_raw_m"] = out["thickness_m"]
    out["thickness_m"] = out["thickness_m"] * factor
    out["asphalt_mm"] = 1000 * out["thickness_m"]
    cal = radar_mm * factor
    res = np.where(use, cal - core_mm, np.nan)
    rep = pd.DataFrame({"core_id": ids, "distance_m": dist, "radar_mm": np.where(far, np.nan, radar_mm),
                        "core_mm": core_mm, "calibrated_mm": np.where(far, np.nan, cal), "residual_mm": res,
                        "used": use})
    bad = use & (np.abs(res) > tolerance_mm) & (np.abs(res) > tolerance_rel * core_mm)
    report = {"factor": factor, "eps_r_factor": 1 / factor ** 2, "n_cores": int(use.sum()),
              "residual_mm_rms": float(np.sqrt(np.nanmean(res ** 2))), "cores": rep,
              "disagree": [str(i) for i in ids[bad]]}
    if bad.any():
        import warnings

        from roadhealth.errors import RoadHealthWarning

        shown = ", ".join(f"{i} (core {c:.0f} mm, radar {r:.0f} mm)" for i, c, r in
                          zip(ids[bad][:5], core_mm[bad][:5], cal[bad][:5], strict=True))
        warnings.warn(f"{int(bad.sum())} core(s) disagree with the calibrated radar thickness by more than "
                      f"{tolerance_mm:g} mm and {100 * tolerance_rel:g} %: {shown}; the radar misses the asphalt "
                      "bottom there (too thin to resolve, or outside the pick window)", RoadHealthWarning,
                      stacklevel=2)
    return out, report
