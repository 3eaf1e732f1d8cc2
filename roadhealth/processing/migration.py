"""Migration: collapse diffraction hyperbolas back onto the scatterers that made them.

Three zero-offset (exploding-reflector) migrations, all returning a survey on the input's own
``twt_ns`` axis (vertical two-way time ``tau``; convert to depth afterwards with
:mod:`roadhealth.processing.depth`):

* :func:`stolt_migrate` - F-K (Stolt 1978) migration: one 2-D (or 3-D) FFT, an interpolation along
  frequency, an inverse FFT. Fastest; exact for one velocity. A layered model is handled by Stolt's
  time stretch with the RMS velocity (approximate). ``mode="3d"`` migrates a grid of parallel lines
  (channel spacing from ``offset_m``) as a volume.
* :func:`phase_shift_migrate` - Gazdag (1978) phase shift: exact for velocities varying with depth
  only (the road's layers), per channel.
* :func:`kirchhoff_migrate` - diffraction summation along RMS-velocity hyperbolas with a limited
  aperture; tolerant of irregular data and velocity errors, per channel.

See ``docs/migration.md`` for which one to use when. All three need every trace of a channel in
memory: dask-backed surveys are rechunked to whole channels (and to the whole volume for
``stolt_migrate(mode="3d")``) and migrated block by block with ``map_blocks``.
Their FFTs use :func:`roadhealth._threads.fft_workers` threads, asked when a block runs: one inside
a dask task or a batch worker thread, the process's thread budget in the main thread.

The velocity is given as ``velocity_m_per_ns`` (m/ns), ``eps_r``, or a layered ``model`` (see
:func:`roadhealth.processing.depth.layer_model`); laterally varying models are reduced to their
lateral mean. The trace spacing must be regular (see
:func:`roadhealth.processing.resample_traces`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import fft as sfft

from roadhealth._threads import fft_workers
from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import ProcessingError
from roadhealth.processing._core import check_dims, require
from roadhealth.processing.depth import _model_record, interval_velocity, rms_velocity
from roadhealth.survey import add_history

__all__ = ["kirchhoff_migrate", "phase_shift_migrate", "stolt_migrate"]


# ----------------------------------------------------------------------------- shared helpers
def _check_survey(survey, step: str = "migration") -> None:
    check_dims(survey)
    require(survey, step)


def _velocity(velocity_m_per_ns, eps_r, model):
    """-> (constant velocity or None, model or None, record)."""
    given = [p is not None for p in (velocity_m_per_ns, eps_r, model)]
    if sum(given) != 1:
        raise ProcessingError("give exactly one of velocity_m_per_ns, eps_r and model")
    if model is not None:
        return None, model, {"model": _model_record(model)}
    if eps_r is not None:
        eps = float(eps_r)
        if not eps >= 1:
            raise ProcessingError(f"eps_r must be >= 1; got {eps_r!r}")
        return C0_M_PER_NS / np.sqrt(eps), None, {"eps_r": eps}
    v = float(velocity_m_per_ns)
    if not 0 < v <= C0_M_PER_NS:
        raise ProcessingError(
            f"velocity_m_per_ns must be in (0, {C0_M_PER_NS}]; got {velocity_m_per_ns!r}"
        )
    return v, None, {"velocity_m_per_ns": v}


def _spacing(values: np.ndarray, what: str, coord: str) -> float:
    """Regular spacing of a 1-D or (channel, n) coordinate, m; ProcessingError if irregular."""
    v = np.asarray(values, dtype=float)
    d = np.diff(v, axis=-1)
    if d.size == 0:
        return 1.0
    step = float(np.median(np.abs(d)))
    if not step > 0 or np.max(np.abs(np.abs(d) - step)) > 0.1 * step:
        raise ProcessingError(
            f"{what} spacing from coordinate {coord!r} is not regular (steps {np.min(np.abs(d)):.4g}.."
            f"{np.max(np.abs(d)):.4g} m); regularise with roadhealth.processing.resample_traces first"
        )
    return step


def _apply(survey: xr.DataArray, func, whole_volume: bool = False) -> xr.DataArray:
    """Run ``func(block (C, T, S)) -> block`` on numpy data, or per channel (volume) on dask."""
    data = survey.data
    if type(data).__module__.startswith("dask"):
        arr = data.rechunk({0: -1 if whole_volume else 1, 1: -1, 2: -1})
        # meta given: dask does not probe ``func`` on an empty block in the calling thread
        out = arr.map_blocks(func, dtype=np.float32, meta=np.empty((0, 0, 0), np.float32))
    else:
        out = func(np.asarray(data))
    res = survey.copy(data=out)
    res.attrs = dict(survey.attrs)
    return res


def _surface_index(t: np.ndarray, surface_twt_ns: float) -> int:
    return int(np.searchsorted(t, surface_twt_ns - 1e-9))


# ----------------------------------------------------------------------------- Stolt
def stolt_migrate(
    survey: xr.DataArray,
    velocity_m_per_ns: float | None = None,
    *,
    eps_r: float | None = None,
    model=None,
    mode: str = "2d",
    surface_twt_ns: float = 0.0,
    stolt_w: float = 1.0,
    pad_factor: float = 2.0,
) -> xr.DataArray:
    """F-K (Stolt) migration of profiles (per channel) or of a 3-D grid.

    With ``omega`` the temporal and ``k`` the horizontal angular wavenumbers, the recorded spectrum
    ``P(k, omega)`` is mapped to the image spectrum ``M(k, omega_tau) = P(k, omega) d omega / d omega_tau``
    with ``omega = (1 - 1/W) omega_tau + (1/W) sqrt(omega_tau^2 + W (v k / 2)^2)`` (``W = 1``: exact
    constant-velocity migration), by linear interpolation along ``omega`` of the zero-padded
    spectrum. Time origin: ``twt_ns = 0`` (or ``surface_twt_ns``) is the surface.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Time-zero-corrected data, regular ``distance_m``; for ``mode="3d"`` also regular
        ``offset_m`` (at least 2 channels).
    velocity_m_per_ns, eps_r, model
        Exactly one: constant velocity (m/ns), constant permittivity, or a layered model. A layered
        model is applied by Stolt's stretch: time is mapped to
        ``T = sqrt(2 / v_c^2 * int_0^t s v_rms(s)^2 ds)`` with ``v_c`` the deepest RMS velocity,
        migrated with ``v_c`` and stretched back (an RMS approximation; use
        :func:`phase_shift_migrate` when the layering matters).
    mode : {"2d", "3d"}
        ``"2d"``: each channel is a profile. ``"3d"``: the grid is migrated as a volume (needs all of
        it in memory).
    surface_twt_ns : float
        Two-way time of the surface, ns.
    stolt_w : float
        Stolt's W factor in (0, 2]; 1 for constant velocity, about 0.5 is often used with stretching.
    pad_factor : float
        Time axis zero-padded to ``pad_factor`` times its length (>= 1) to limit interpolation and
        wrap-around artefacts; traces are padded by half their number.

    Returns
    -------
    xarray.DataArray
        Migrated survey (float32), same coords, ``attrs["migrated"] = "stolt"``.
    """
    _check_survey(survey, "stolt_migrate")
    v, lmodel, vrec = _velocity(velocity_m_per_ns, eps_r, model)
    if mode not in ("2d", "3d"):
        raise ProcessingError(f"mode must be '2d' or '3d'; got {mode!r}")
    if not 0 < float(stolt_w) <= 2:
        raise ProcessingError(f"stolt_w must be in (0, 2]; got {stolt_w!r}")
    if not float(pad_factor) >= 1:
        raise ProcessingError(f"pad_factor must be >= 1; got {pad_factor!r}")
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    dt = float(survey.attrs.get("dt_ns") or (t[1] - t[0]))
    dx = _spacing(survey.coords["distance_m"].values, "trace", "distance_m")
    dy = None
    if mode == "3d":
        if survey.sizes["channel"] < 2:
            raise ProcessingError("mode='3d' needs at least 2 channels (lines)")
        dy = _spacing(survey.coords["offset_m"].values, "channel", "offset_m")
    surface = float(surface_twt_ns)

    if lmodel is None:

        def func(a):
            return _stolt_block(a, dt, t[0] - surface, v, dx, dy, float(stolt_w), float(pad_factor))
    else:
        js = _surface_index(t, surface)
        tau = t[js:] - surface
        vr = rms_velocity(t[js:], lmodel, surface)
        vi = interval_velocity(t[js:], lmodel, surface)
        # Stolt stretch T(tau) = sqrt(2/vc^2 * int_0^tau s vrms(s)^2 ds), int s vrms^2 = int int vint^2
        i1 = _cumtrapz(vi**2, tau)
        i2 = _cumtrapz(i1, tau)
        v_c = float(vr[-1])
        big_t = np.sqrt(2.0 * i2) / v_c
        n_tau = tau.size
        dT = big_t[-1] / max(n_tau - 1, 1)
        grid_t = dT * np.arange(n_tau)
        fwd = np.interp(
            grid_t, big_t, np.arange(n_tau, dtype=float)
        )  # stretched sample -> tau index
        back = big_t / dT  # tau sample -> stretched index

        def func(a):
            a = np.asarray(a, dtype=np.float32)
            below = a[..., js:]
            stretched = _lin(below, fwd)
            mig = _stolt_block(
                stretched, dT, grid_t[0], v_c, dx, dy, float(stolt_w), float(pad_factor)
            )
            out = a.copy()
            out[..., js:] = _lin(mig, back)
            return out

    out = _apply(survey, func, whole_volume=(mode == "3d"))
    out.attrs["migrated"] = "stolt"
    return add_history(
        out,
        "stolt_migrate",
        **vrec,
        mode=mode,
        surface_twt_ns=surface,
        stolt_w=float(stolt_w),
        pad_factor=float(pad_factor),
    )


def _cumtrapz(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(y, dtype=float)
    out[1:] = np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x))
    return out


def _lin(a: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Linear interpolation along the last axis at fractional ``index`` (clamped to the ends)."""
    n = a.shape[-1]
    index = np.clip(index, 0, n - 1)
    i0 = np.minimum(np.floor(index).astype(np.intp), max(n - 2, 0))
    w = (index - i0).astype(np.float32)
    i1 = np.minimum(i0 + 1, n - 1)
    return a[..., i0] * (1 - w) + a[..., i1] * w


def _stolt_block(a, dt, t_first, v, dx, dy, w_factor, pad_factor):
    """Constant-velocity Stolt migration of a (C, T, S) block; t_first = time of sample 0 - surface."""
    a = np.asarray(a, dtype=np.float32)
    workers = fft_workers()  # asked when the block runs: 1 inside a dask task (see _threads)
    nc, ntr, ns = a.shape
    ns_p = sfft.next_fast_len(int(np.ceil(pad_factor * ns)), real=True)
    nt_p = sfft.next_fast_len(ntr + ntr // 2 + 1)
    axes = (1,) if dy is None else (0, 1)
    shape = (nt_p,) if dy is None else (sfft.next_fast_len(nc + nc // 2 + 1), nt_p)
    spec = sfft.rfft(a, n=ns_p, axis=-1, workers=workers)
    spec = sfft.fftn(spec, s=shape, axes=axes, workers=workers, overwrite_x=True)
    omega = 2 * np.pi * sfft.rfftfreq(ns_p, dt)  # rad/ns
    d_omega = omega[1]
    kx = 2 * np.pi * sfft.fftfreq(nt_p, dx)  # rad/m
    if dy is None:
        k2 = (kx**2)[None, :, None]
    else:
        ky = 2 * np.pi * sfft.fftfreq(shape[0], dy)
        k2 = (ky[:, None] ** 2 + kx[None, :] ** 2)[:, :, None]
    if t_first != 0:
        spec *= np.exp(-1j * omega * t_first).astype(np.complex64)
    root = np.sqrt(omega[None, None, :] ** 2 + w_factor * (0.5 * v) ** 2 * k2)
    omega_in = (1 - 1 / w_factor) * omega + root / w_factor
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = (1 - 1 / w_factor) + np.where(root > 0, omega / root, 1.0) / w_factor
    f = omega_in / d_omega
    n_f = omega.size
    valid = f <= n_f - 1
    i0 = np.minimum(np.floor(f).astype(np.intp), n_f - 2)
    frac = (f - i0).astype(np.float32)
    lo = np.take_along_axis(
        spec, np.broadcast_to(i0, (spec.shape[0], *i0.shape[1:])) if dy is None else i0, -1
    )
    hi = np.take_along_axis(
        spec, np.broadcast_to(i0 + 1, (spec.shape[0], *i0.shape[1:])) if dy is None else i0 + 1, -1
    )
    spec = (lo * (1 - frac) + hi * frac) * np.where(valid, jac, 0.0).astype(np.float32)
    if t_first != 0:
        spec *= np.exp(1j * omega * t_first).astype(np.complex64)
    spec = sfft.ifftn(spec, axes=axes, workers=workers, overwrite_x=True)
    if dy is None:
        spec = spec[:, :ntr]
    else:
        spec = spec[:nc, :ntr]
    return sfft.irfft(spec, n=ns_p, axis=-1, workers=workers)[..., :ns].astype(np.float32)


# ----------------------------------------------------------------------------- Gazdag phase shift
def phase_shift_migrate(
    survey: xr.DataArray,
    velocity_m_per_ns: float | None = None,
    *,
    eps_r: float | None = None,
    model=None,
    surface_twt_ns: float = 0.0,
    max_frequency_mhz: float | None = None,
) -> xr.DataArray:
    """Gazdag phase-shift migration for velocities that vary with depth (per channel).

    The wavefield ``P(k, omega)`` is continued downward one output sample ``d tau = dt`` at a time,
    ``P <- P exp(i sqrt(omega^2 - (v_int(tau) k / 2)^2) d tau)`` (evanescent energy dropped), and
    the image at ``tau`` is the sum of ``P`` over ``omega``. Exact for horizontal layers; the loop
    is over output time samples (vectorised over traces and frequencies).

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Time-zero-corrected, regular ``distance_m``.
    velocity_m_per_ns, eps_r, model
        Exactly one (see :func:`stolt_migrate`); with a model, ``v_int(tau)`` is its interval
        velocity (lateral mean).
    surface_twt_ns : float
        Surface two-way time, ns; samples above it are returned unchanged.
    max_frequency_mhz : float, optional
        Frequencies above this are dropped (speed). Default ``4 * antenna_mhz`` when known, else
        Nyquist.

    Returns
    -------
    xarray.DataArray
        Migrated survey (float32), ``attrs["migrated"] = "phase_shift"``.
    """
    _check_survey(survey, "phase_shift_migrate")
    v, lmodel, vrec = _velocity(velocity_m_per_ns, eps_r, model)
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    dt = float(survey.attrs.get("dt_ns") or (t[1] - t[0]))
    dx = _spacing(survey.coords["distance_m"].values, "trace", "distance_m")
    surface = float(surface_twt_ns)
    js = _surface_index(t, surface)
    vint = np.full(t.size - js, v) if lmodel is None else interval_velocity(t[js:], lmodel, surface)
    if max_frequency_mhz is None:
        mhz = survey.attrs.get("antenna_mhz")
        max_frequency_mhz = 4.0 * float(mhz) if mhz else None
    if max_frequency_mhz is not None and not float(max_frequency_mhz) > 0:
        raise ProcessingError(f"max_frequency_mhz must be > 0; got {max_frequency_mhz!r}")
    fmax_ghz = None if max_frequency_mhz is None else float(max_frequency_mhz) / 1000.0

    def func(a):
        return _phase_shift_block(a, t, dt, js, surface, vint, dx, fmax_ghz)

    out = _apply(survey, func)
    out.attrs["migrated"] = "phase_shift"
    return add_history(
        out,
        "phase_shift_migrate",
        **vrec,
        surface_twt_ns=surface,
        max_frequency_mhz=max_frequency_mhz,
    )


def _phase_shift_block(a, t, dt, js, surface, vint, dx, fmax_ghz):
    a = np.asarray(a, dtype=np.float32)
    nc, ntr, ns = a.shape
    out = a.copy()
    if js >= ns:
        return out
    workers = fft_workers()  # asked when the block runs: 1 inside a dask task (see _threads)
    ns_p = sfft.next_fast_len(ns + ns // 2, real=True)
    nt_p = sfft.next_fast_len(ntr + ntr // 2 + 1)
    freq = sfft.rfftfreq(ns_p, dt)  # GHz
    n_f = freq.size if fmax_ghz is None else max(2, int(np.searchsorted(freq, fmax_ghz)) + 1)
    n_f = min(n_f, freq.size)
    omega = (2 * np.pi * freq[:n_f]).astype(np.float32)
    spec = sfft.rfft(a, n=ns_p, axis=-1, workers=workers)[..., :n_f]
    spec = sfft.fft(spec, n=nt_p, axis=1, workers=workers).astype(np.complex64)
    kx = (2 * np.pi * sfft.fftfreq(nt_p, dx)).astype(np.float32)
    # sum over all (+ and -) frequencies of a real signal = Re(DC + 2 * sum_{omega>0})
    nyquist = n_f == freq.size and ns_p % 2 == 0
    # time origin at the surface: physical spectrum = exp(-i omega (t0 - surface)) * FFT; then
    # continue down to the first output sample tau = t[js] - surface
    spec *= np.exp(-1j * omega * (t[0] - surface)).astype(np.complex64)
    kz0 = omega[None, :] ** 2 - (0.5 * float(vint[0]) * kx[:, None]) ** 2
    first = np.where(kz0 > 0, np.exp(1j * np.sqrt(np.maximum(kz0, 0)) * (t[js] - surface)), 0)
    spec *= first.astype(np.complex64)
    image_k = np.empty((nc, nt_p, ns - js), np.complex64)
    cache: dict[float, np.ndarray] = {}
    for j in range(ns - js):  # loop over output time samples (vectorised over traces/frequencies)
        col = 2 * spec.sum(axis=-1) - spec[..., 0]  # no BLAS call: cheap and thread-safe
        image_k[:, :, j] = col - spec[..., -1] if nyquist else col
        vj = float(vint[j])
        step = cache.get(vj)
        if step is None:
            kz2 = omega[None, :] ** 2 - (0.5 * vj * kx[:, None]) ** 2
            step = np.where(kz2 > 0, np.exp(1j * np.sqrt(np.maximum(kz2, 0)) * dt), 0).astype(
                np.complex64
            )
            cache[vj] = step
        spec *= step
    img = sfft.ifft(image_k, axis=1, workers=workers)[:, :ntr].real / ns_p
    out[..., js:] = img.astype(np.float32)
    return out


# ----------------------------------------------------------------------------- Kirchhoff
def kirchhoff_migrate(
    survey: xr.DataArray,
    velocity_m_per_ns: float | None = None,
    *,
    eps_r: float | None = None,
    model=None,
    aperture_m: float | None = None,
    max_angle_deg: float = 60.0,
    surface_twt_ns: float = 0.0,
    rho_filter: bool = True,
    taper: float = 0.2,
) -> xr.DataArray:
    """2-D Kirchhoff (diffraction-summation) time migration, per channel.

    ``out(x, tau) = sum_h w(h, tau) p'(x + h, t(h, tau))`` with
    ``t = sqrt(tau^2 + (2 h / v_rms(tau))^2)``, the obliquity and spreading weight
    ``w = (tau / t)^1.5`` (1 at the apex; relative amplitudes only), a cosine taper over the outer
    ``taper`` fraction of the aperture, and ``p'`` the data after the 2-D "rho" half-derivative
    filter ``(i omega)^(1/2)``. The travel-time table depends only on ``(h, tau)``; the loop is over
    aperture offsets ``h`` (traces of the aperture), each step gathering a whole (trace x time)
    plane with linear interpolation in float32 - no loop over traces.

    Parameters
    ----------
    survey : xarray.DataArray (channel, trace, sample)
        Time-zero-corrected, regular ``distance_m``.
    velocity_m_per_ns, eps_r, model
        Exactly one (see :func:`stolt_migrate`); a model gives ``v_rms(tau)``.
    aperture_m : float, optional
        Largest half-aperture, m. Default: the line length.
    max_angle_deg : float
        Largest dip/ray angle summed, degrees in (0, 90): ``|h| <= v tau / 2 tan(angle)``.
    surface_twt_ns : float
        Surface two-way time, ns; samples above it are returned unchanged.
    rho_filter : bool
        Apply the half-derivative filter (restores the wavelet's phase).
    taper : float
        Fraction of the aperture tapered, in [0, 1).

    Returns
    -------
    xarray.DataArray
        Migrated survey (float32), ``attrs["migrated"] = "kirchhoff"``.
    """
    _check_survey(survey, "kirchhoff_migrate")
    v, lmodel, vrec = _velocity(velocity_m_per_ns, eps_r, model)
    if not 0 < float(max_angle_deg) < 90:
        raise ProcessingError(f"max_angle_deg must be in (0, 90); got {max_angle_deg!r}")
    if not 0 <= float(taper) < 1:
        raise ProcessingError(f"taper must be in [0, 1); got {taper!r}")
    if aperture_m is not None and not float(aperture_m) > 0:
        raise ProcessingError(f"aperture_m must be > 0; got {aperture_m!r}")
    t = np.asarray(survey.coords["twt_ns"].values, dtype=float)
    dt = float(survey.attrs.get("dt_ns") or (t[1] - t[0]))
    dx = _spacing(survey.coords["distance_m"].values, "trace", "distance_m")
    surface = float(surface_twt_ns)
    js = _surface_index(t, surface)
    vr = np.full(t.size - js, v) if lmodel is None else rms_velocity(t[js:], lmodel, surface)
    ap = np.inf if aperture_m is None else float(aperture_m)

    def func(a):
        return _kirchhoff_block(
            a,
            t,
            dt,
            js,
            surface,
            vr,
            dx,
            ap,
            np.tan(np.radians(float(max_angle_deg))),
            float(taper),
            rho_filter,
        )

    out = _apply(survey, func)
    out.attrs["migrated"] = "kirchhoff"
    return add_history(
        out,
        "kirchhoff_migrate",
        **vrec,
        aperture_m=aperture_m,
        max_angle_deg=float(max_angle_deg),
        surface_twt_ns=surface,
        rho_filter=bool(rho_filter),
        taper=float(taper),
    )


def _rho(a: np.ndarray, dt: float) -> np.ndarray:
    ns = a.shape[-1]
    workers = fft_workers()  # asked when the block runs: 1 inside a dask task (see _threads)
    n = sfft.next_fast_len(2 * ns, real=True)
    omega = 2 * np.pi * sfft.rfftfreq(n, dt)
    filt = np.sqrt(omega) * np.exp(1j * np.pi / 4)
    filt /= np.sqrt(omega[-1] / 4)  # keep amplitudes of order one
    spec = sfft.rfft(a, n=n, axis=-1, workers=workers) * filt.astype(np.complex64)
    return sfft.irfft(spec, n=n, axis=-1, workers=workers)[..., :ns].astype(np.float32)


def _kirchhoff_block(a, t, dt, js, surface, vr, dx, aperture_m, tan_max, taper, rho_filter):
    a = np.asarray(a, dtype=np.float32)
    nc, ntr, ns = a.shape
    src = _rho(a, dt) if rho_filter else a
    out = a.copy()
    if js >= ns:
        return out
    tau = (t[js:] - surface).astype(np.float64)  # output vertical times (S',)
    half_ap = np.minimum(aperture_m, 0.5 * vr * tau * tan_max)  # (S',) m, grows with tau
    k_max = int(min(ntr - 1, np.floor(np.nanmax(half_ap) / dx))) if half_ap.size else 0
    # time-major layout (C, S, T): each gather below copies whole contiguous rows of traces
    src_t = np.ascontiguousarray(np.swapaxes(src, 1, 2))
    acc = np.zeros((nc, ns - js, ntr), np.float32)
    t_last = (ns - 1) * dt + t[0]
    for k in range(
        -k_max, k_max + 1
    ):  # loop over aperture offsets; vectorised over traces and times
        h = abs(k) * dx
        ok = half_ap >= h
        if not ok.any():
            continue
        i_start = int(np.argmax(ok))
        tt = np.sqrt(tau[i_start:] ** 2 + (2 * h / vr[i_start:]) ** 2) + surface  # absolute twt
        i_stop = i_start + int(np.searchsorted(tt, t_last, side="right"))
        if i_stop <= i_start:
            continue
        tt = tt[: i_stop - i_start]
        tq = tau[i_start:i_stop]
        f = (tt - t[0]) / dt
        i0 = np.minimum(f.astype(np.intp), ns - 2)
        wf = (f - i0).astype(np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(tt - surface > 0, (tq / (tt - surface)) ** 1.5, 1.0)
        if taper > 0:
            edge = half_ap[i_start:i_stop]
            r = np.where(edge > 0, h / np.maximum(edge, 1e-12), 0.0)
            r0 = 1.0 - taper
            w = w * np.where(
                r > r0, 0.5 * (1 + np.cos(np.pi * np.clip((r - r0) / taper, 0, 1))), 1.0
            )
        w = w.astype(np.float32)
        # output trace j takes input trace j + k
        j0, j1 = max(0, -k), min(ntr, ntr - k)
        if j1 <= j0:
            continue
        block = src_t[:, :, j0 + k : j1 + k]
        g0 = block[:, i0]
        g1 = block[:, i0 + 1]
        g1 -= g0
        g1 *= wf[:, None]
        g1 += g0
        g1 *= w[:, None]
        acc[:, i_start:i_stop, j0:j1] += g1
    out[..., js:] = np.swapaxes(acc, 1, 2)
    return out
