"""Wave speeds and layer interfaces from the radar data itself.

Three independent estimates, each vectorised over traces:

* :func:`surface_permittivity` - asphalt permittivity from the surface-reflection amplitude of an
  air-coupled horn against a metal-plate reference (ASTM D4748 practice);
* :func:`fit_hyperbola` / :func:`hyperbola_velocities` - velocity from diffraction hyperbolas
  (point targets: stones, pipes, cavity edges), by a velocity scan along each hyperbola followed
  by a linearised least-squares fit with uncertainties;
* :func:`pick_layers` - the asphalt and base bottoms as the strongest continuous reflectors in
  given time windows, with their two-way times and (given layer velocities) thicknesses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from scipy import ndimage

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import ProcessingError
from roadhealth.processing._core import (
    check_dims,
    envelope_array,
    envelope_kernel,
    is_dask,
    parabolic_peak,
    require,
)
from roadhealth.survey import add_history

__all__ = [
    "fit_hyperbola",
    "hyperbola_velocities",
    "pick_layers",
    "surface_permittivity",
]


# ----------------------------------------------------------------------------- helpers
def _envelope32(a: np.ndarray) -> np.ndarray:
    return envelope_kernel(np.asarray(a, dtype=np.float32))


def _sample_window(survey, window_ns, what: str) -> slice:
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    if window_ns is None:
        return slice(0, t.size)
    try:
        t0, t1 = (float(w) for w in window_ns)
    except (TypeError, ValueError):
        raise ProcessingError(f"{what} must be (start_ns, end_ns); got {window_ns!r}") from None
    if not t1 > t0:
        raise ProcessingError(f"{what} must have end > start; got {window_ns!r}")
    i0, i1 = np.searchsorted(t, [t0, t1])
    if i1 - i0 < 2:
        raise ProcessingError(
            f"{what} {window_ns!r} ns covers fewer than 2 samples of twt_ns {t[0]:.3f}..{t[-1]:.3f} ns"
        )
    return slice(int(i0), int(i1))


def _lateral_coords(survey) -> dict:
    keep = {}
    for k, c in survey.coords.items():
        if "sample" not in c.dims and set(c.dims) <= {"channel", "trace"}:
            keep[k] = c
    return keep


# ----------------------------------------------------------------------------- (a) surface reflection
def surface_permittivity(
    survey: xr.DataArray,
    plate_amplitude,
    *,
    window_ns=None,
) -> xr.DataArray:
    """Asphalt permittivity from the surface reflection (air-coupled horn, ASTM D4748).

    ``eps = ((1 + A0/Ap) / (1 - A0/Ap))**2``, where ``A0`` is the surface-reflection amplitude of
    each trace and ``Ap`` the amplitude recorded over a metal plate (total reflection) with the same
    antenna height and settings. ``A0/Ap = |r|`` with the Fresnel coefficient
    ``r = (1 - sqrt(eps)) / (1 + sqrt(eps))``.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Air-coupled data; the surface reflection must be the largest absolute amplitude inside
        ``window_ns`` (direct coupling and end reflection removed or outside the window).
    plate_amplitude : float, array_like (n_channel,), or xarray.DataArray
        ``Ap``: a number in the survey's amplitude units (one per channel allowed), or a plate
        calibration survey from which the median over traces of the peak absolute amplitude in
        ``window_ns`` is taken per channel.
    window_ns : (float, float), optional
        Two-way time window holding the surface reflection, ns. Default: the whole trace.

    Returns
    -------
    xarray.DataArray (channel, trace)
        ``eps_asphalt`` (dimensionless) with the survey's lateral coordinates; NaN where
        ``A0 >= Ap`` (no physical permittivity). ``attrs["plate_amplitude"]`` holds ``Ap``.

    Raises
    ------
    ProcessingError
        If ``Ap`` is not positive.
    """
    check_dims(survey)
    require(survey, "surface_permittivity", surface=False)
    win = _sample_window(survey, window_ns, "window_ns")
    a0 = np.abs(survey.isel(sample=win)).max("sample")
    if isinstance(plate_amplitude, xr.DataArray):
        check_dims(plate_amplitude)
        pw = _sample_window(plate_amplitude, window_ns, "window_ns")
        peaks = np.abs(plate_amplitude.isel(sample=pw)).max("sample")
        ap = np.asarray(peaks.median("trace").values, dtype=float)
        if ap.size == 1 and survey.sizes["channel"] > 1:
            ap = np.full(survey.sizes["channel"], ap.item())
    else:
        ap = np.asarray(plate_amplitude, dtype=float).reshape(-1)
        if ap.size == 1:
            ap = np.full(survey.sizes["channel"], ap.item())
    if ap.shape != (survey.sizes["channel"],) or not np.all(np.isfinite(ap)) or np.any(ap <= 0):
        raise ProcessingError(
            f"plate_amplitude must be positive, one value or one per channel ({survey.sizes['channel']}); got {ap!r}"
        )
    ratio = a0 / xr.DataArray(ap, dims="channel")
    ratio = ratio.where(ratio < 1.0)
    eps = ((1.0 + ratio) / (1.0 - ratio)) ** 2
    eps = eps.astype(float).compute() if is_dask(eps.data) else eps.astype(float)
    eps = eps.drop_vars(
        [k for k in eps.coords if k not in _lateral_coords(survey)], errors="ignore"
    )
    eps.name = "eps_asphalt"
    eps.attrs = {
        "units": "1",
        "long_name": "asphalt relative permittivity (surface reflection, ASTM D4748)",
        "plate_amplitude": ap.tolist(),
        "history": list(survey.attrs.get("history", [])),
        "crs": survey.attrs.get("crs"),
    }
    return add_history(eps, "surface_permittivity", plate_amplitude=ap, window_ns=window_ns)


# ----------------------------------------------------------------------------- (b) hyperbolas
def fit_hyperbola(distance_m, twt_ns, *, weights=None) -> dict:
    """Least-squares fit of a diffraction hyperbola ``t(x) = sqrt(t0^2 + (2 (x - x0) / v)^2)``.

    Linearised: ``t^2 = a + b x + c x^2`` with ``c = 4 / v^2``, ``x0 = -b / (2 c)`` and
    ``t0^2 = a - c x0^2``, solved by (weighted) linear least squares. Zero-offset geometry; over a
    layered medium ``v`` is the RMS velocity down to the diffractor.

    Parameters
    ----------
    distance_m : array_like (n,)
        Along-track positions of the picks, m.
    twt_ns : array_like (n,)
        Picked two-way times, ns.
    weights : array_like (n,), optional
        Relative weights (e.g. pick amplitudes).

    Returns
    -------
    dict
        ``x0_m``, ``t0_ns``, ``velocity_m_per_ns``, ``velocity_sigma_m_per_ns`` (one standard error
        from the fit covariance), ``eps_r`` (= (c0/v)^2), ``depth_m`` (= v t0 / 2),
        ``rms_residual_ns``, ``n_picks``. NaN values when the picks do not bend like a hyperbola.
    """
    x = np.asarray(distance_m, dtype=float).ravel()
    t = np.asarray(twt_ns, dtype=float).ravel()
    if x.shape != t.shape:
        raise ProcessingError(
            f"distance_m and twt_ns must have the same length; got {x.size} and {t.size}"
        )
    ok = np.isfinite(x) & np.isfinite(t)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    ok &= np.isfinite(w) & (w > 0)
    x, t, w = x[ok], t[ok], w[ok]
    nan = {
        "x0_m": np.nan, "t0_ns": np.nan, "velocity_m_per_ns": np.nan, "velocity_sigma_m_per_ns": np.nan,
        "eps_r": np.nan, "depth_m": np.nan, "rms_residual_ns": np.nan, "n_picks": int(x.size),
    }  # fmt: skip
    if x.size < 4:
        return nan
    xc = float(np.median(x))  # (a mean of distances near the float range overflows)
    xs = x - xc  # centred for conditioning
    g = np.stack([np.ones_like(xs), xs, xs**2], axis=1)
    if not (np.isfinite(g).all() and np.isfinite(t**2).all()) or not np.ptp(xs) > 0:
        return nan  # positions all alike (or beyond what their squares can hold): no moveout to fit
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(g * sw[:, None], t**2 * sw, rcond=None)
    a, b, c = coef
    if not c > 0:
        return nan
    x0 = -b / (2 * c)
    t0sq = a - c * x0**2
    if not t0sq > 0:
        return nan
    v = 2.0 / np.sqrt(c)
    t0 = np.sqrt(t0sq)
    resid_sq = (g @ coef - t**2) * sw
    dof = max(x.size - 3, 1)
    s2 = float(resid_sq @ resid_sq) / dof
    try:
        cov = s2 * np.linalg.inv((g * w[:, None]).T @ g)
        sigma_c = float(np.sqrt(max(cov[2, 2], 0.0)))
    except np.linalg.LinAlgError:
        sigma_c = np.nan
    t_fit = np.sqrt(np.maximum(t0sq + c * (xs - x0) ** 2, 0))
    return {
        "x0_m": float(x0 + xc),
        "t0_ns": float(t0),
        "velocity_m_per_ns": float(v),
        "velocity_sigma_m_per_ns": float(0.5 * v * sigma_c / c),
        "eps_r": float((C0_M_PER_NS / v) ** 2),
        "depth_m": float(v * t0 / 2),
        "rms_residual_ns": float(np.sqrt(np.mean((t_fit - t) ** 2))),
        "n_picks": int(x.size),
    }


def hyperbola_velocities(
    survey: xr.DataArray,
    *,
    apexes=None,
    window_ns=None,
    n_max: int = 5,
    aperture_m: float = 1.0,
    velocities_m_per_ns=None,
    threshold: float = 0.3,
    period_ns: float | None = None,
) -> pd.DataFrame:
    """Find diffraction hyperbolas and measure the velocity above each.

    For each apex: (1) a velocity scan sums the envelope along trial hyperbolas through the apex and
    keeps the best; (2) on every trace of the aperture the envelope peak within half a period of
    that hyperbola is picked (with sub-sample refinement); (3) :func:`fit_hyperbola` fits the picks
    by least squares, giving the velocity and its standard error. Everything is vectorised over
    traces and trial velocities; the only loop is over apexes.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Time-zero-corrected data (``twt_ns = 0`` at the surface) with regular-ish ``distance_m``.
    apexes : sequence of (channel, distance_m, twt_ns), optional
        Known apexes. Default: found automatically as the strongest local maxima of the envelope
        after removing the mean trace of each channel (which suppresses flat layers).
    window_ns : (float, float), optional
        Only look for apexes in this two-way time window, ns.
    n_max : int
        At most this many apexes (strongest first).
    aperture_m : float
        Half-width of the fitted flank, m.
    velocities_m_per_ns : array_like, optional
        Trial velocities of the scan. Default 0.04 ... 0.30 m/ns in steps of 0.002.
    threshold : float
        Picks weaker than ``threshold`` times the apex envelope are dropped; automatically found
        apexes weaker than ``threshold`` times the strongest are ignored.
    period_ns : float, optional
        Wavelet period, ns. Default ``1000 / attrs["antenna_mhz"]``, else 10 samples.

    Returns
    -------
    pandas.DataFrame
        One row per hyperbola: ``channel``, ``x0_m``, ``t0_ns``, ``velocity_m_per_ns``,
        ``velocity_sigma_m_per_ns``, ``eps_r``, ``depth_m``, ``rms_residual_ns``, ``n_picks``,
        ``scan_velocity_m_per_ns``. ``attrs["history"]`` records the call.
    """
    check_dims(survey)
    require(survey, "hyperbola_velocities")
    if n_max < 1:
        raise ProcessingError(f"n_max must be >= 1; got {n_max}")
    if not aperture_m > 0:
        raise ProcessingError(f"aperture_m must be > 0; got {aperture_m}")
    vels = (
        np.arange(0.04, 0.3001, 0.002)
        if velocities_m_per_ns is None
        else np.asarray(velocities_m_per_ns, float)
    )
    if vels.ndim != 1 or vels.size == 0 or np.any(vels <= 0):
        raise ProcessingError("velocities_m_per_ns must be a 1-D array of positive m/ns")
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    dt = float(survey.attrs.get("dt_ns") or (t[1] - t[0]))
    if period_ns is None:
        mhz = survey.attrs.get("antenna_mhz")
        period_ns = 1000.0 / float(mhz) if mhz else 10 * dt
    half = max(1, round(0.5 * period_ns / dt))
    data = np.asarray(survey.values, dtype=np.float32)
    env = _envelope32(data)
    dist = np.asarray(survey.coords["distance_m"].values, dtype=float)
    spacing = float(np.nanmedian(np.abs(np.diff(dist, axis=1)))) if dist.shape[1] > 1 else 1.0
    k_ap = max(2, round(aperture_m / spacing))

    if apexes is None:
        found = _find_apexes(data, survey, window_ns, n_max, k_ap, half, threshold)
    else:
        found = []
        for ch, xa, ta in apexes:
            ch = int(ch)
            j = int(np.argmin(np.abs(dist[ch] - float(xa))))
            found.append((ch, j, int(np.clip(round((float(ta) - t[0]) / dt), 0, t.size - 1))))

    rows = []
    n_tr, n_s = env.shape[1], env.shape[2]
    for ch, j0, i0 in found:  # a loop over hyperbolas, not traces
        js = np.arange(max(0, j0 - k_ap), min(n_tr, j0 + k_ap + 1))
        dx = dist[ch, js] - dist[ch, j0]
        e = env[ch, js]  # (J, S)
        t0 = t[0] + i0 * dt
        # (1) velocity scan: envelope stack along trial hyperbolas (V, J)
        tt = np.sqrt(t0**2 + (2 * dx[None, :] / vels[:, None]) ** 2)
        idx = np.rint((tt - t[0]) / dt).astype(np.intp)
        inside = idx < n_s
        vals = np.take_along_axis(
            np.broadcast_to(e[None], (vels.size, *e.shape)), np.minimum(idx, n_s - 1)[..., None], -1
        )[..., 0]
        stack = np.where(inside, vals, 0).mean(axis=1)  # off the record counts as zero
        v_scan = float(vels[np.argmax(stack)])
        # (2) picks near the best hyperbola
        t_pred = np.sqrt(t0**2 + (2 * dx / v_scan) ** 2)
        centre = np.rint((t_pred - t[0]) / dt).astype(np.intp)
        offs = np.arange(-half, half + 1)
        cols = centre[:, None] + offs[None, :]
        valid_cols = (cols >= 0) & (cols < n_s)
        sub = np.where(valid_cols, np.take_along_axis(e, np.clip(cols, 0, n_s - 1), -1), -np.inf)
        k = np.argmax(sub, axis=1)
        pick_idx = np.clip(cols[np.arange(js.size), k], 0, n_s - 1)
        amp = e[np.arange(js.size), pick_idx]
        refined = parabolic_peak(e, pick_idx)
        good = (centre < n_s) & (amp >= threshold * env[ch, j0, i0])
        fit = fit_hyperbola(dist[ch, js][good], (t[0] + refined * dt)[good], weights=amp[good])
        fit.update(channel=int(ch), scan_velocity_m_per_ns=v_scan)
        rows.append(fit)
    cols_out = [
        "channel", "x0_m", "t0_ns", "velocity_m_per_ns", "velocity_sigma_m_per_ns", "eps_r", "depth_m",
        "rms_residual_ns", "n_picks", "scan_velocity_m_per_ns",
    ]  # fmt: skip
    df = pd.DataFrame(rows, columns=cols_out)
    df.attrs["history"] = [
        *list(survey.attrs.get("history", [])),
        {
            "step": "hyperbola_velocities",
            "parameters": {"n_max": n_max, "aperture_m": aperture_m, "window_ns": window_ns},
        },
    ]
    return df


def _find_apexes(data, survey, window_ns, n_max, k_ap, half, threshold):
    """Strongest local maxima of the track-smoothed envelope after mean-trace removal.

    Returns a list of (channel, trace, sample).
    """
    resid = data - data.mean(axis=1, keepdims=True)
    # smoothing along the track favours the flat top of a hyperbola over its steep flanks
    env = ndimage.uniform_filter1d(
        _envelope32(resid), size=max(3, k_ap // 4), axis=1, mode="nearest"
    )
    win = _sample_window(survey, window_ns, "window_ns")
    mask = np.zeros(env.shape, bool)
    mask[..., win] = True
    mx = ndimage.maximum_filter(env, size=(1, 2 * k_ap + 1, 4 * half + 1), mode="constant")
    peaks = (env == mx) & mask & (env > 0)
    ch, j, i = np.nonzero(peaks)
    amp = env[ch, j, i]
    order = np.argsort(amp)[::-1]
    keep = order[amp[order] >= threshold * (amp[order[0]] if order.size else 0)][:n_max]
    return [(int(ch[q]), int(j[q]), int(i[q])) for q in keep]


# ----------------------------------------------------------------------------- (c) layer picking
def pick_layers(
    survey: xr.DataArray,
    windows_ns,
    *,
    eps_r=None,
    velocity_m_per_ns=None,
    surface_twt_ns=0.0,
    smooth_traces: int = 11,
    track_ns: float | None = None,
    names=None,
) -> xr.Dataset:
    """Follow the strongest continuous reflectors (layer bottoms) along the road.

    For each time window: the envelope maximum of every trace is picked, the picks are smoothed
    along the track with a running median of ``smooth_traces`` traces (continuity; removes jumps to
    isolated strong events), then re-picked within ``track_ns`` of the smoothed line, refined to
    sub-sample precision by a parabola through the envelope peak and median-filtered again (keeps
    steps, removes noise jitter). All vectorised over traces.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Numpy- or dask-backed (the envelope is computed block-wise; the picks are small).
    windows_ns : sequence of (float, float)
        One two-way time window per layer bottom, top to bottom, ns.
    eps_r, velocity_m_per_ns : sequence of float, optional
        Layer permittivities or velocities (one per window, top layer first) for thicknesses.
    surface_twt_ns : float or array_like (n_channel, n_trace)
        Two-way time of the road surface, ns.
    smooth_traces : int
        Length of the along-track median filter, traces (odd; 1 disables).
    track_ns : float, optional
        Half-width of the re-picking band around the smoothed line, ns. Default: half the period
        ``500 / antenna_mhz`` (or 5 samples).
    names : sequence of str, optional
        Layer names (default ``layer0, layer1 ...``).

    Returns
    -------
    xarray.Dataset
        ``twt_ns`` (layer, channel, trace): bottom two-way times, ns; ``amplitude`` (layer, channel,
        trace): envelope at the pick; with velocities also ``thickness_m`` and ``depth_m`` (layer,
        channel, trace), m, and ``velocity_m_per_ns`` (layer). Lateral coordinates are kept.
    """
    check_dims(survey)
    require(survey, "pick_layers", surface=isinstance(surface_twt_ns, (int, float)) and surface_twt_ns == 0)
    windows, smooth_traces, vel = _layer_parameters(windows_ns, smooth_traces, eps_r, velocity_m_per_ns)
    n_layer = len(windows)
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    dt = float(survey.attrs.get("dt_ns") or (t[1] - t[0]))
    if track_ns is None:
        mhz = survey.attrs.get("antenna_mhz")
        track_ns = 500.0 / float(mhz) if mhz else 5 * dt
    band = max(1, round(float(track_ns) / dt))

    slices = [_sample_window(survey, w, f"windows_ns[{i}]") for i, w in enumerate(windows)]
    picks, amps = _track_layers(survey, slices, t, dt, smooth_traces, band)
    twt = np.stack(picks)
    lateral = {k: v for k, v in _lateral_coords(survey).items()}
    names = [f"layer{i}" for i in range(n_layer)] if names is None else [str(n) for n in names]
    if len(names) != n_layer:
        raise ProcessingError(f"names must have {n_layer} entries; got {names!r}")
    ds = xr.Dataset(
        {
            "twt_ns": (
                ("layer", "channel", "trace"),
                twt,
                {"units": "ns", "long_name": "layer bottom two-way time"},
            ),
            "amplitude": (
                ("layer", "channel", "trace"),
                np.stack(amps),
                {"long_name": "envelope at pick"},
            ),
        },
        coords={"layer": names, **lateral},
    )
    if vel is not None:
        _add_thickness(ds, twt, vel, surface_twt_ns)
    ds.attrs = {"history": list(survey.attrs.get("history", [])), "crs": survey.attrs.get("crs")}
    return add_history(
        ds,
        "pick_layers",
        windows_ns=windows,
        eps_r=eps_r,
        velocity_m_per_ns=velocity_m_per_ns,
        smooth_traces=smooth_traces,
        track_ns=float(track_ns),
    )


def _layer_parameters(windows_ns, smooth_traces, eps_r, velocity_m_per_ns):
    """Checked windows [(start, end) ns], odd running-median length, and layer velocities (or None)."""
    try:
        windows = [(float(a), float(b)) for a, b in windows_ns]
    except (TypeError, ValueError):
        raise ProcessingError(
            f"windows_ns must be a list of (start_ns, end_ns); got {windows_ns!r}"
        ) from None
    if not windows:
        raise ProcessingError("windows_ns is empty")
    smooth_traces = int(smooth_traces)
    if smooth_traces < 1:
        raise ProcessingError(f"smooth_traces must be >= 1; got {smooth_traces}")
    smooth_traces += 1 - smooth_traces % 2
    n_layer = len(windows)
    if eps_r is not None and velocity_m_per_ns is not None:
        raise ProcessingError("give eps_r or velocity_m_per_ns, not both")
    vel = None
    if eps_r is not None:
        eps = np.asarray(eps_r, dtype=float).reshape(-1)
        if eps.size != n_layer or np.any(eps < 1):
            raise ProcessingError(f"eps_r must have {n_layer} values >= 1; got {eps_r!r}")
        vel = C0_M_PER_NS / np.sqrt(eps)
    elif velocity_m_per_ns is not None:
        vel = np.asarray(velocity_m_per_ns, dtype=float).reshape(-1)
        if vel.size != n_layer or np.any(vel <= 0):
            raise ProcessingError(
                f"velocity_m_per_ns must have {n_layer} positive values; got {velocity_m_per_ns!r}"
            )
    return windows, smooth_traces, vel


def _track_layers(survey, slices, t, dt, smooth_traces, band):
    """Per layer window: envelope-maximum picks, smoothed, re-picked near the smooth line with
    sub-sample refinement, smoothed again; each layer no shallower than the one above.

    Returns lists (one per layer) of two-way times (channel, trace), ns, and pick amplitudes.
    """
    lo, hi = min(s.start for s in slices), max(s.stop for s in slices)
    env = envelope_array(survey.data.astype(np.float32))[..., lo:hi]
    if is_dask(env):
        env = env.compute()
    env = np.asarray(env)
    picks, amps = [], []
    prev = None
    for s in slices:  # a loop over layers (a handful)
        e = env[..., s.start - lo : s.stop - lo]
        first = np.argmax(e, axis=-1)
        smooth = (
            ndimage.median_filter(first, size=(1, smooth_traces), mode="nearest")
            if smooth_traces > 1
            else first
        )
        offs = np.arange(e.shape[-1])
        near = np.abs(offs[None, None, :] - smooth[..., None]) <= band
        k = np.argmax(np.where(near, e, -np.inf), axis=-1)
        pos = parabolic_peak(e, k) + s.start
        if smooth_traces > 1:  # the running median again, on the refined picks: smooth but keeps steps
            pos = ndimage.median_filter(pos, size=(1, smooth_traces), mode="nearest")
        tw = t[0] + pos * dt
        if prev is not None:
            tw = np.maximum(tw, prev)
        prev = tw
        picks.append(tw)
        amps.append(np.take_along_axis(e, k[..., None], -1)[..., 0])
    return picks, amps


def _add_thickness(ds: xr.Dataset, twt: np.ndarray, vel: np.ndarray, surface_twt_ns) -> None:
    """Layer thickness and bottom depth (layer, channel, trace), m, from the picks and velocities."""
    surf = np.broadcast_to(np.asarray(surface_twt_ns, dtype=float), twt.shape[1:])
    tops = np.concatenate([surf[None], twt[:-1]])
    thick = vel[:, None, None] * np.maximum(twt - tops, 0.0) / 2.0
    ds["thickness_m"] = (("layer", "channel", "trace"), thick, {"units": "m"})
    ds["depth_m"] = (
        ("layer", "channel", "trace"),
        np.cumsum(thick, axis=0),
        {"units": "m", "positive": "down"},
    )
    ds["velocity_m_per_ns"] = ("layer", vel, {"units": "m/ns"})
