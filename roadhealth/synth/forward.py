"""A fast, vectorised GPR forward model for layered roads with 3D defects and clutter.

The model builds every trace in the frequency domain: each event (a reflection, a diffraction, a
direct wave) adds ``A * W(f) * Q(f, t*) * exp(-2 pi i f tau)`` to the trace spectrum, where ``W``
is the source wavelet's spectrum, ``tau`` the two-way time, ``A`` the amplitude and ``Q`` a
zero-phase-plus-dispersion constant-Q filter (``t* = sum(dt_j / Q_j)``). One inverse FFT per trace
block gives the traces, so delays are exact (no rounding to samples) and attenuation lowers the
dominant frequency as it does in real data.

Events and their physics
------------------------
* **Layer interfaces** (normal incidence, locally flat): time ``t_s + sum(2 h_j / v_j)``,
  amplitude ``r_i * prod_{j<i}(1 - r_j^2) * exp(-2 sum(alpha_j h_j)) * S(path)`` with the Fresnel
  coefficient ``r_i`` (:func:`~roadhealth.synth.model.fresnel`), the two-way transmission loss
  through every interface above, low-loss conductive attenuation, and geometric spreading
  ``S(path) = L / (L + path)`` (:func:`spreading`; ``path`` the two-way geometric path, m,
  ``L`` = :data:`SPREADING_REF_M`).
* **3D bodies** (cavities, voids, loose and water-rich zones): a Kirchhoff (physical-optics)
  summation over their discretised top and bottom surfaces. Each surface element ``dA`` at
  ``(s, u, z)`` adds ``a * w'(t - tau)`` with ``tau = t_s + sqrt(t0^2 + 4 d^2 / v_rms^2)`` (the
  small-offset hyperbola of a layered medium: ``t0`` the vertical two-way time, ``v_rms`` the RMS
  velocity above the element, ``d`` the horizontal distance) and
  ``a = r * dA * obliquity * S(path) / (pi * v_rms * R)``. Summed over a flat surface this gives
  exactly ``r * S(path) * w(t - t0)``, the same as a layer interface (stationary phase), while
  edges and curved parts give diffraction hyperbolas. Bottom points are delayed/advanced by the
  vertical path through the body; air bodies add internal multiples (ringing).
* **Point scatterers** (background inclusions, the inside of loose soil): spheres,
  ``a = r * S(path) * radius / (radius + R)``.
* **Pipes**: the exact stationary-phase response of an infinite cylinder (closest approach per
  trace), with the geometric-optics amplitude ``sqrt(a / (a + R))`` relative to a plane; metal pipes ring.
* **Manholes**: a metal cover replaces the surface reflection (``r = -1``), rings and hides
  everything beneath; its rim diffracts.
* Beneath a body, layer reflections are shifted in time (velocity pull-up / push-down), weakened by
  transmission and conductive loss through the body, and broken up (an empirical scattering loss
  for rough defect boundaries; random amplitude and time jitter beneath loose soil).
* **System effects** (:class:`SystemEffects`): direct wave, antenna ringing, low-frequency wow,
  band-limited random noise, narrow-band radio interference, channel gain and time-zero
  imbalance, trace time jitter.

Polarity convention: a reflection into a slower medium (air to asphalt, soil to water) has a
negative coefficient, so the surface reflection is negative, a cavity top positive (opposite) and
a water-rich top negative (the same).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft

from roadhealth.constants import C0_M_PER_NS
from roadhealth.survey import add_history, make_survey
from roadhealth.synth.model import (
    MATERIALS,
    Cavity,
    LooseZone,
    Manhole,
    Pipe,
    PointScatterer,
    RoadModel,
    SmoothField,
    _Body,
    attenuation_np_per_m,
    fresnel,
)

__all__ = [
    "SPREADING_REF_M",
    "Acquisition",
    "SystemEffects",
    "column",
    "interface_events",
    "ricker",
    "simulate",
    "spreading",
    "to_int16",
    "wavelet_spectrum",
]

#: Reference length of the spreading law ``S(path) = L / (L + path)``, m: the near-field size of a
#: ground-coupled antenna (spreading saturates closer than this).
SPREADING_REF_M = 0.25

#: Oversampling of the fine time grid used to bin Kirchhoff contributions (linear interpolation).
OVERSAMPLE = 2

#: Kirchhoff contributions share one constant-Q filter per t* step of this size, ns.
TSTAR_STEP_NS = 0.02

#: Empirical fraction of layer-reflection amplitude lost beneath a defect's rough boundary.
SHADOW_STRENGTH = {"cavity": 0.5, "void": 0.25, "loose": 0.35, "water_rich": 0.0}


def spreading(path_m):
    """Geometric spreading factor ``L / (L + path)`` for a two-way geometric path (m)."""
    return SPREADING_REF_M / (SPREADING_REF_M + np.asarray(path_m, dtype=float))


def ricker(t_ns, f_mhz):
    """Ricker wavelet with peak frequency ``f_mhz`` (MHz) at times ``t_ns`` (ns); peak 1 at t=0."""
    a = (np.pi * f_mhz * 1e-3 * np.asarray(t_ns, float)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def wavelet_spectrum(f_ghz, f_mhz: float, kind: str = "ricker"):
    """Continuous Fourier transform of the source wavelet (unit peak in time), ns.

    Parameters
    ----------
    f_ghz : array_like
        Frequencies, GHz (1/ns).
    f_mhz : float
        Peak frequency, MHz.
    kind : {"ricker", "gaussian_derivative"}
        Ricker (zero-phase, symmetric) or the first derivative of a Gaussian (antisymmetric,
        closer to some impulse antennas).
    """
    f = np.asarray(f_ghz, dtype=float)
    fp = f_mhz * 1e-3
    if kind == "ricker":
        return (2 / np.sqrt(np.pi)) * f**2 / fp**3 * np.exp(-(f**2) / fp**2)
    if kind == "gaussian_derivative":
        sig = 1 / (2 * np.pi * fp)
        return (2j * np.pi * f) * sig * np.sqrt(2 * np.pi) * np.exp(-2 * np.pi**2 * sig**2 * f**2) * sig * np.exp(0.5)
    raise ValueError(f"wavelet must be 'ricker' or 'gaussian_derivative'; got {kind!r}")


@dataclass(frozen=True)
class Acquisition:
    """How the road is surveyed: antenna, sampling, trace and channel geometry.

    Attributes
    ----------
    frequency_mhz : float
        Antenna centre (wavelet peak) frequency, MHz.
    n_samples : int
        Samples per trace.
    window_ns : float
        Recording time window, ns (``dt_ns = window_ns / n_samples``).
    trace_spacing_m : float
        Along-track trace interval, m.
    n_channels : int
        Number of parallel channels (1: a single profile).
    channel_spacing_m : float
        Across-track channel interval, m.
    time_zero_ns : float
        Two-way time of the road surface in the record, ns.
    antenna_height_m : float
        Antenna height above the surface, m (ground-coupled: a few cm).
    s_start_m, length_m : float or None
        First trace position and length surveyed along the track, m (default: the whole model).
    wavelet : str
        Source wavelet, see :func:`wavelet_spectrum`.
    beam_power : float
        Antenna pattern ``cos(theta) ** beam_power``.
    aperture_deg : float
        Largest angle from vertical at which a scatterer is seen, degrees.
    """

    frequency_mhz: float = 600.0
    n_samples: int = 256
    window_ns: float = 32.0
    trace_spacing_m: float = 0.05
    n_channels: int = 1
    channel_spacing_m: float = 0.075
    time_zero_ns: float = 3.0
    antenna_height_m: float = 0.05
    s_start_m: float = 0.0
    length_m: float | None = None
    wavelet: str = "ricker"
    beam_power: float = 2.0
    aperture_deg: float = 60.0

    @property
    def dt_ns(self) -> float:
        """Sample interval, ns."""
        return self.window_ns / self.n_samples

    @property
    def offsets_m(self) -> np.ndarray:
        """Across-track offset of each channel, m (channel 0 leftmost, positive to the left)."""
        n = self.n_channels
        return ((n - 1) / 2 - np.arange(n)) * self.channel_spacing_m

    def positions(self, model_length_m: float) -> np.ndarray:
        """Along-track trace positions, m."""
        length = self.length_m if self.length_m is not None else model_length_m - self.s_start_m
        n = math.floor(length / self.trace_spacing_m + 1e-9) + 1
        return self.s_start_m + self.trace_spacing_m * np.arange(n)


@dataclass(frozen=True)
class SystemEffects:
    """Instrument effects and noise; :meth:`ideal` switches them all off.

    Attributes
    ----------
    direct_wave : float
        Amplitude of the direct (transmitter to receiver) wave (unit source).
    ringing : float
        Amplitude of antenna ringing (a decaying oscillation after the direct wave, the same on
        every trace: horizontal banding).
    wow : float
        Amplitude of the low-frequency "wow" (inductive coupling), varying slowly along the track.
    noise_sd : float
        Standard deviation of band-limited random noise.
    rfi : float
        Amplitude of narrow-band radio interference at ``rfi_mhz``.
    rfi_mhz : float
    channel_gain_sd : float
        Relative standard deviation of channel gains (array imbalance).
    channel_t0_sd_ns : float
        Standard deviation of channel time-zero offsets, ns.
    jitter_ns : float
        Standard deviation of trace-to-trace time-zero jitter, ns.
    direct_phase_deg : float
        Phase of the direct wave relative to the radiated wavelet, degrees. Transmitter and
        receiver a fraction of a wavelength apart couple through their near fields, which are not
        in phase with the far-field wavelet that the reflections carry. -50 reproduces what
        full-wave simulation gives (gprMax 4, Hertzian dipoles 2 cm over a layered road): the
        whole first arrival (direct wave and surface reflection merged) stands 0-59 degrees from
        the phase opposite to a reflection into a slower medium (``docs/detection.md`` section
        1); with 0 (the wavelet itself, as until 1 December 2026) the fast model put it 34-59
        degrees on the other side.
    """

    direct_wave: float = 1.0
    ringing: float = 0.06
    wow: float = 0.12
    noise_sd: float = 0.0015
    rfi: float = 0.0008
    rfi_mhz: float = 935.0
    channel_gain_sd: float = 0.04
    channel_t0_sd_ns: float = 0.06
    jitter_ns: float = 0.015
    direct_phase_deg: float = -50.0

    @classmethod
    def ideal(cls) -> SystemEffects:
        """No direct wave, ringing, wow, noise or imbalance: only the road's own response."""
        return cls(0.0, 0.0, 0.0, 0.0, 0.0, 935.0, 0.0, 0.0, 0.0)


# --------------------------------------------------------------------------------------------
# Vertical columns through the layer stack
# --------------------------------------------------------------------------------------------


def column(model: RoadModel, s, u, z) -> dict:
    """Vertical two-way quantities from the surface down to depth ``z`` at track positions.

    Parameters
    ----------
    model : RoadModel
    s, u, z : array_like
        Positions, m (broadcast together).

    Returns
    -------
    dict of numpy.ndarray
        ``t0_ns`` (vertical two-way time), ``vrms`` (RMS velocity, m/ns), ``vint`` (velocity of
        the layer at ``z``), ``eps`` (its permittivity), ``loss_np`` (one-way conductive loss
        ``sum(alpha_j h_j)``, Np), ``tstar_ns`` (two-way ``sum(dt_j / Q_j)``), ``trans``
        (two-way transmission ``prod(1 - r^2)`` through the surface and every interface above),
        ``layer`` (index of the layer at ``z``).
    """
    s, u, z = np.broadcast_arrays(np.asarray(s, float), np.asarray(u, float), np.asarray(z, float))
    tops = model.interfaces(s, u)
    eps = model.eps(s, u)
    sig = model.sigma()
    q = model.q()
    n = len(model.layers)
    t0 = np.zeros(s.shape)
    v2t = np.zeros(s.shape)
    loss = np.zeros(s.shape)
    tstar = np.zeros(s.shape)
    trans = 1.0 - fresnel(1.0, eps[0]) ** 2
    layer = np.zeros(s.shape, dtype=int)
    for j in range(n):
        top = tops[j]
        bottom = tops[j + 1] if j + 1 < n else np.inf
        h = np.clip(np.minimum(z, bottom) - top, 0.0, None)
        v = C0_M_PER_NS / np.sqrt(eps[j])
        dt = 2 * h / v
        t0 = t0 + dt
        v2t = v2t + v**2 * dt
        loss = loss + attenuation_np_per_m(sig[j], eps[j]) * h
        if np.isfinite(q[j]):
            tstar = tstar + dt / q[j]
        layer = np.where(z >= top, j, layer)
        if j + 1 < n:
            passed = z > bottom
            trans = trans * np.where(passed, 1.0 - fresnel(eps[j], eps[j + 1]) ** 2, 1.0)
    idx = np.clip(layer, 0, n - 1)
    eps_here = np.take_along_axis(eps, idx[None], axis=0)[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        vrms = np.where(t0 > 0, np.sqrt(v2t / np.where(t0 > 0, t0, 1.0)), C0_M_PER_NS / np.sqrt(eps[0]))
    return {
        "t0_ns": t0,
        "vrms": vrms,
        "vint": C0_M_PER_NS / np.sqrt(eps_here),
        "eps": eps_here,
        "loss_np": loss,
        "tstar_ns": tstar,
        "trans": trans,
        "layer": idx,
    }


def interface_events(model: RoadModel, s, u, acq: Acquisition) -> dict:
    """Times and amplitudes of the layer reflections, without defects (the model's own prediction).

    Returns
    -------
    dict of numpy.ndarray, each shape (n_layers, *s.shape)
        ``tau_ns`` (two-way time in the record, surface at ``acq.time_zero_ns``), ``r``
        (Fresnel coefficient), ``trans`` (two-way transmission through the interfaces above),
        ``loss`` (conductive factor ``exp(-2 sum alpha h)``), ``spread`` (:func:`spreading`),
        ``tstar_ns``, ``amp`` (product of r, trans, loss, spread) and ``depth_m``.
    """
    s, u = np.broadcast_arrays(np.asarray(s, float), np.asarray(u, float))
    tops = model.interfaces(s, u)
    eps = model.eps(s, u)
    sig = model.sigma()
    q = model.q()
    n = len(model.layers)
    tau = np.empty((n, *s.shape))
    r = np.empty_like(tau)
    trans = np.empty_like(tau)
    loss = np.empty_like(tau)
    tstar = np.empty_like(tau)
    t = np.full(s.shape, acq.time_zero_ns)
    tr = np.ones(s.shape)
    lo = np.zeros(s.shape)
    ts = np.zeros(s.shape)
    for i in range(n):
        above = np.ones(s.shape) if i == 0 else eps[i - 1]
        r[i] = fresnel(above, eps[i])
        tau[i], trans[i], loss[i], tstar[i] = t, tr, np.exp(-2 * lo), ts
        if i + 1 < n:
            h = tops[i + 1] - tops[i]
            v = C0_M_PER_NS / np.sqrt(eps[i])
            t = t + 2 * h / v
            tr = tr * (1 - r[i] ** 2)
            lo = lo + attenuation_np_per_m(sig[i], eps[i]) * h
            if np.isfinite(q[i]):
                ts = ts + 2 * h / v / q[i]
    spread = spreading(2 * acq.antenna_height_m + 2 * tops)
    return {
        "tau_ns": tau,
        "r": r,
        "trans": trans,
        "loss": loss,
        "spread": spread,
        "tstar_ns": tstar,
        "amp": r * trans * loss * spread,
        "depth_m": tops,
    }


# --------------------------------------------------------------------------------------------
# Spectral accumulation
# --------------------------------------------------------------------------------------------


class _Spectra:
    """Accumulates event spectra for a block of traces (rows)."""

    def __init__(self, n_rows: int, acq: Acquisition):
        self.acq = acq
        self.dt = acq.dt_ns
        self.n_pad = sfft.next_fast_len(2 * acq.n_samples + 64, real=True)
        self.f = sfft.rfftfreq(self.n_pad, self.dt)  # GHz
        self.w = wavelet_spectrum(self.f, acq.frequency_mhz, acq.wavelet) / self.dt
        self.f0 = acq.frequency_mhz * 1e-3
        with np.errstate(divide="ignore"):
            self.logf = np.where(self.f > 0, np.log(np.where(self.f > 0, self.f, 1.0) / self.f0), 0.0)
        self.spec = np.zeros((n_rows, self.f.size), dtype=np.complex128)
        self.t_max = self.n_pad * self.dt
        self._grids: dict = {}

    def qfilter(self, tstar):
        """Constant-Q filter for two-way ``t*`` (ns): amplitude ``exp(-pi f t*)`` and Kjartansson dispersion."""
        tstar = np.asarray(tstar, float)[..., None]
        return np.exp(-np.pi * self.f * tstar + 2j * self.f * tstar * self.logf)

    def add_events(self, tau, amp, tstar=0.0, rows=None, rotation_deg: float = 0.0):
        """Add one event per row: ``amp * W * Q(t*) * exp(-2 pi i f tau)``, the wavelet's phase
        turned by ``rotation_deg`` at every frequency (its amplitude spectrum kept; the turned
        wavelet's tails, before and after it, fall off as 1/t^2)."""
        tau = np.asarray(tau, float)
        amp = np.asarray(amp, float)
        tstar = np.broadcast_to(np.asarray(tstar, float), tau.shape)
        ok = (tau > -5.0) & (tau < self.t_max - 1.0) & (amp != 0) & np.isfinite(tau) & np.isfinite(amp)
        if rows is None:
            rows = np.arange(tau.size)
        rows, tau, amp, tstar = rows[ok], tau[ok], amp[ok], tstar[ok]
        if rows.size == 0:
            return
        phase = -np.pi * self.f * tstar[:, None] + 1j * (
            -2 * np.pi * self.f * tau[:, None] + 2 * self.f * tstar[:, None] * self.logf
        )
        contrib = amp[:, None] * self.w[None, :] * np.exp(phase)
        if rotation_deg:  # every frequency turned alike: the amplitude spectrum is kept
            contrib *= np.exp(1j * np.deg2rad(rotation_deg))
        if np.unique(rows).size == rows.size:
            self.spec[rows] += contrib
        else:
            np.add.at(self.spec, rows, contrib)

    def add_binned(self, rows, tau, amp, tstar: float, derivative: bool):
        """Add many (row, tau, amp) impulses, binned on a fine grid, filtered later by W and Q.

        Impulses are split between the two nearest bins of a grid ``OVERSAMPLE`` times finer than
        the samples (linear interpolation) and accumulated per filter: ``derivative`` (use the
        time derivative of the wavelet, for Kirchhoff surface elements) and ``t*`` rounded to
        :data:`TSTAR_STEP_NS`. :meth:`flush` turns each grid into spectra.
        """
        ok = (tau > 0) & (tau < self.t_max - 1.0) & (amp != 0)
        rows, tau, amp = rows[ok], tau[ok], amp[ok]
        if rows.size == 0:
            return
        key = (bool(derivative), round(float(tstar) / TSTAR_STEP_NS))
        n_fine = self.n_pad * OVERSAMPLE
        pos = tau * (OVERSAMPLE / self.dt)
        i0 = np.floor(pos).astype(np.int64)
        frac = pos - i0
        flat = rows.astype(np.int64) * n_fine + i0
        size = self.spec.shape[0] * n_fine
        grid = self._grids.get(key)
        if grid is None:
            grid = self._grids[key] = np.zeros(size)
        # accumulate over the span these impulses touch only (a full-size bincount per call
        # allocated and added rows x n_fine values every time: most of the simulation's time)
        lo = int(flat.min())
        hi = min(int(flat.max()) + 2, size)
        local = flat - lo
        span = hi - lo
        grid[lo:hi] += np.bincount(local, weights=amp * (1 - frac), minlength=span)[:span]
        grid[lo:hi] += np.bincount(local + 1, weights=amp * frac, minlength=span)[:span]

    def flush(self) -> None:
        """Filter the binned impulses by the wavelet (and Q) and add them to the spectra."""
        n_fine = self.n_pad * OVERSAMPLE
        for (derivative, tq), grid in self._grids.items():
            g = grid.reshape(-1, n_fine)
            used = np.flatnonzero(np.any(g != 0, axis=1))
            if used.size == 0:
                continue
            spec = sfft.rfft(g[used], axis=1)[:, : self.f.size]
            filt = self.w * self.qfilter(tq * TSTAR_STEP_NS)
            if derivative:
                filt = filt * (2j * np.pi * self.f)
            self.spec[used] += spec * filt[None, :]
        self._grids = {}

    def traces(self, shifts_ns=None) -> np.ndarray:
        """Inverse FFT of the accumulated spectra (after an optional per-row time shift, ns)."""
        self.flush()
        spec = self.spec
        if shifts_ns is not None:
            spec = spec * np.exp(-2j * np.pi * self.f[None, :] * np.asarray(shifts_ns, float)[:, None])
        return sfft.irfft(spec, n=self.n_pad, axis=1)[:, : self.acq.n_samples]


# --------------------------------------------------------------------------------------------
# Bodies: vertical columns and Kirchhoff point sets
# --------------------------------------------------------------------------------------------


def _body_segments(obj, top, bottom):
    """Materials along the vertical through a body: list of (Material, thickness m)."""
    h = np.nan_to_num(bottom - top, nan=0.0)
    mat = obj.material()
    if isinstance(obj, Cavity) and obj.water_fraction > 0:
        z_w = obj.depth_top_m + obj.height_m * (1 - obj.water_fraction)
        h_w = np.clip(np.nan_to_num(bottom, nan=0.0) - np.maximum(z_w, np.nan_to_num(top, nan=0.0)), 0.0, None)
        h_w = np.minimum(h_w, h)
        return [(mat, h - h_w), (MATERIALS["water"], h_w)]
    return [(mat, h)]


def _through_body(obj, top, bottom, host_eps, host_q):
    """Time shift, amplitude factor and t* change for waves crossing a body vertically (two-way).

    The time shift and t* are relative to the host the body replaces; the amplitude factor is the
    transmission through the body's boundaries times the loss inside it (the caller removes the
    host's own loss over the same path).
    """
    v_host = C0_M_PER_NS / np.sqrt(host_eps)
    dtau = np.zeros(np.shape(top))
    amp = np.ones(np.shape(top))
    dtstar = np.zeros(np.shape(top))
    segs = [(m, h) for m, h in _body_segments(obj, top, bottom)]
    eps_prev = host_eps
    total_h = np.zeros(np.shape(top))
    for m, h in segs:
        present = h > 0
        r = fresnel(eps_prev, m.eps_r)
        amp = amp * np.where(present, 1 - r**2, 1.0)
        v = C0_M_PER_NS / np.sqrt(m.eps_r)
        dtau = dtau + 2 * h / v
        amp = amp * np.exp(-2 * m.alpha_np_per_m * h)
        if math.isfinite(m.q):
            dtstar = dtstar + 2 * h / v / m.q
        eps_prev = np.where(present, m.eps_r, eps_prev)
        total_h = total_h + h
    r = fresnel(eps_prev, host_eps)
    amp = amp * np.where(total_h > 0, 1 - r**2, 1.0)
    dtau = dtau - 2 * total_h / v_host
    q_host = np.asarray(host_q, float)
    dtstar = dtstar - np.where(np.isfinite(q_host), 2 * total_h / v_host / np.where(np.isfinite(q_host), q_host, 1.0), 0.0)
    return dtau, amp, dtstar


def _point_group(model, acq, s, u, z, coef, *, kind, area=None, gs=None, gu=None, radius=None,
                 extra_tau=None, extra_amp=None, tstar=None, aperture_deg=None):
    """Precompute the trace-independent part of a set of Kirchhoff points."""
    s = np.asarray(s, float)
    col = column(model, s, u, z)
    n = s.size
    g = {
        "s": s,
        "u": np.asarray(u, float),
        "z": np.maximum(np.asarray(z, float), 1e-3),
        "coef": np.asarray(coef, float) * col["trans"] * (1.0 if extra_amp is None else extra_amp),
        "t0": col["t0_ns"],
        "vrms": col["vrms"],
        "loss": col["loss_np"],
        "extra_tau": np.zeros(n) if extra_tau is None else np.asarray(extra_tau, float),
        "kind": kind,
        "area": None if area is None else np.asarray(area, float),
        "gs": None if gs is None else np.asarray(gs, float),
        "gu": None if gu is None else np.asarray(gu, float),
        "radius": None if radius is None else np.broadcast_to(np.asarray(radius, float), (n,)),
        "tstar": float(np.median(col["tstar_ns"])) if tstar is None and n else (tstar or 0.0),
        "aperture": np.deg2rad(acq.aperture_deg if aperture_deg is None else aperture_deg),
    }
    keep = np.abs(g["coef"]) > 0
    for k in ("s", "u", "z", "coef", "t0", "vrms", "loss", "extra_tau", "area", "gs", "gu", "radius"):
        if g[k] is not None:
            g[k] = g[k][keep]
    return g


def _body_groups(model: RoadModel, obj: _Body, acq: Acquisition, index: int) -> list[dict]:
    """Kirchhoff point sets (top, bottom, multiples, internal scatterers) of one body."""
    mat = obj.material()
    f0 = acq.frequency_mhz * 1e-3
    host = column(model, obj.s_m, obj.u_m, obj.depth_top_m + obj.height_m / 2)
    lam = float(host["vint"]) / f0
    spacing = float(np.clip(lam / 6, 0.008, 0.04))
    pts = obj.surface_points(spacing)
    n = pts["s"].size // 2
    s, u = pts["s"][:n], pts["u"][:n]
    top, bottom = pts["z"][:n], pts["z"][n:]
    above = column(model, s, u, top - 1e-3)
    below = column(model, s, u, bottom + 1e-3)
    eps_above, eps_below = above["eps"], below["eps"]
    r_top = fresnel(eps_above, mat.eps_r)
    groups = []
    modulate = np.ones(n)
    if isinstance(obj, LooseZone):
        # gradational, broken boundary: a weak coefficient that changes sign over decimetres
        fld = SmoothField(0.0, 1.0, (0.05, 0.3), seed=model._seed(30, index))
        modulate = 0.6 * (0.3 + fld(s, u))
    groups.append(_point_group(model, acq, s, u, top, r_top * modulate, kind="surface", area=pts["area"][:n],
                               gs=pts["gs"][:n], gu=pts["gu"][:n]))
    h = bottom - top
    v_host_b = below["vint"]
    q_host = np.array([model.layers[i].material.q for i in np.atleast_1d(below["layer"])])
    if isinstance(obj, Cavity) and obj.water_fraction > 0:
        z_w = obj.depth_top_m + obj.height_m * (1 - obj.water_fraction)
        wet = bottom > z_w
        ha = np.where(wet, np.maximum(z_w - top, 0.0), h)
        hw = np.where(wet, bottom - np.maximum(z_w, top), 0.0)
        water = MATERIALS["water"]
        r_aw = fresnel(1.0, water.eps_r)
        # air/water surface (flat)
        m = wet & (z_w > top)
        groups.append(_point_group(
            model, acq, s[m], u[m], np.full(m.sum(), z_w), r_aw * (1 - r_top[m] ** 2), kind="surface",
            area=pts["area"][:n][m], gs=np.zeros(m.sum()), gu=np.zeros(m.sum()),
            extra_tau=2 * ha[m] * (1 / C0_M_PER_NS - 1 / above["vint"][m])))
        v_w = water.velocity_m_per_ns
        eps_last = np.where(wet, water.eps_r, 1.0)
        r_bot = fresnel(eps_last, eps_below)
        trans = (1 - r_top**2) * np.where(wet & (z_w > top), 1 - r_aw**2, 1.0)
        extra = 2 * ha * (1 / C0_M_PER_NS - 1 / v_host_b) + 2 * hw * (1 / v_w - 1 / v_host_b)
        amp = np.exp(-2 * water.alpha_np_per_m * hw)
        tst = float(np.median(below["tstar_ns"])) + float(np.median(2 * hw / v_w / water.q))
        groups.append(_point_group(model, acq, s, u, bottom, r_bot * trans, kind="surface", area=pts["area"][:n],
                                   gs=pts["gs"][n:], gu=pts["gu"][n:], extra_tau=extra, extra_amp=amp, tstar=tst))
        return groups
    v_obj = mat.velocity_m_per_ns
    r_bot = fresnel(mat.eps_r, eps_below)
    extra = 2 * h * (1 / v_obj - 1 / v_host_b)
    amp = np.exp(-2 * (mat.alpha_np_per_m - attenuation_np_per_m(model.sigma()[below["layer"]], eps_below)) * h)
    dq = np.where(np.isfinite(q_host), 2 * h / v_host_b / np.where(np.isfinite(q_host), q_host, 1.0), 0.0)
    q_obj = 2 * h / v_obj / mat.q if math.isfinite(mat.q) else 0.0 * h
    tst = float(np.median(below["tstar_ns"] + q_obj - dq))
    bottom_coef = r_bot * (1 - r_top**2) * modulate[::-1]
    groups.append(_point_group(model, acq, s, u, bottom, bottom_coef, kind="surface", area=pts["area"][:n],
                               gs=pts["gs"][n:], gu=pts["gu"][n:], extra_tau=extra, extra_amp=amp, tstar=tst))
    if mat.eps_r < 1.5:  # air: internal multiples (ringing inside the gap), reusing the bottom's pairs
        r_in = fresnel(mat.eps_r, eps_above)
        g = groups[-1]
        keep = np.abs(bottom_coef) > 0
        g["echoes"] = [(k * 2 * h[keep] / v_obj, (r_in * r_bot)[keep] ** k) for k in range(1, 4)]
    if isinstance(obj, LooseZone):
        rng = np.random.default_rng(model._seed(31, index))
        s0, s1, u0, u1 = obj.extent()
        vol = (s1 - s0) * (u1 - u0) * obj.height_m
        k = rng.poisson(obj.density_per_m3 * vol)
        ps = rng.uniform(s0, s1, k)
        pu = rng.uniform(u0, u1, k)
        pz = obj.depth_top_m + rng.uniform(0, obj.height_m, k)
        tt, bb = obj.profile(obj.rho(ps, pu))
        inside = np.isfinite(tt) & (pz > tt) & (pz < bb)
        ps, pu, pz = ps[inside], pu[inside], pz[inside]
        groups.append(_point_group(model, acq, ps, pu, pz, rng.normal(0, obj.heterogeneity, ps.size),
                                   kind="point", radius=0.04))
    return groups


def _scatter_group(spectra: _Spectra, g: dict, S: np.ndarray, U: np.ndarray, acq: Acquisition,
                   max_pairs: int = 1_000_000) -> None:
    """Sum one Kirchhoff point group into the spectra of a block of traces.

    ``S`` (n_trace_block,) along-track positions (regular spacing), ``U`` (n_channel,) offsets;
    rows are ``channel * n_trace_block + trace``. Every point is paired with the traces inside its
    aperture cone; the pairs are computed in chunks of at most ``max_pairs`` (bounded memory).
    A group may carry ``echoes``: extra (delay ns, amplitude factor) copies of every point (the
    internal multiples of an air gap), which reuse the same pairs.
    """
    n_pts = g["s"].size
    if n_pts == 0:
        return
    ds = acq.trace_spacing_m
    nb, nc = S.size, U.size
    s_b0 = S[0]
    ap = np.tan(g["aperture"]) * g["z"]
    u_lo, u_hi = U.min(), U.max()
    near = (g["s"] + ap >= S[0]) & (g["s"] - ap <= S[-1]) & (g["u"] + ap >= u_lo) & (g["u"] - ap <= u_hi)
    idx_pts = np.flatnonzero(near)
    if idx_pts.size == 0:
        return
    j_lo = np.clip(np.ceil((g["s"][idx_pts] - ap[idx_pts] - s_b0) / ds - 1e-9), 0, nb - 1).astype(np.int64)
    j_hi = np.clip(np.floor((g["s"][idx_pts] + ap[idx_pts] - s_b0) / ds + 1e-9), 0, nb - 1).astype(np.int64)
    width = j_hi - j_lo + 1
    order = np.argsort(width, kind="stable")
    idx_pts, j_lo, width = idx_pts[order], j_lo[order], width[order]
    cos_ap = np.cos(g["aperture"])
    chan = np.arange(nc)
    Uf = U.astype(np.float32)
    echoes = g.get("echoes") or []
    start = 0
    while start < idx_pts.size:
        # widths are sorted ascending: grow the chunk while it fits max_pairs at its largest width
        stop = start + 1
        step = max(1, max_pairs // max(1, int(width[start]) * nc))
        while stop < idx_pts.size:
            cand = min(idx_pts.size, start + step)
            if (cand - start) * int(width[cand - 1]) * nc <= max_pairs or cand == stop:
                stop = cand
                break
            step = max(1, step // 2)
        wmax = int(width[stop - 1])
        p = idx_pts[start:stop]
        k = np.arange(wmax)
        valid_j = k[None, :] < width[start:stop, None]
        j = np.minimum(j_lo[start:stop, None] + k[None, :], nb - 1)  # (P, W)
        dS = (S[j] - g["s"][p][:, None]).astype(np.float32)[:, :, None]  # (P, W, 1)
        dU = (Uf[None, :] - g["u"][p][:, None].astype(np.float32))[:, None, :]  # (P, 1, C)
        z = g["z"][p].astype(np.float32)[:, None, None]
        d2 = dS**2 + dU**2
        R = np.sqrt(z**2 + d2)
        cos_t = z / R
        sel = valid_j[:, :, None] & (cos_t >= cos_ap)
        pi_, wi, ci = np.nonzero(sel)
        if pi_.size == 0:
            start = stop
            continue
        P = p[pi_]
        dSs, dUs, Rs, cs = dS[pi_, wi, 0], dU[pi_, 0, ci], R[pi_, wi, ci], cos_t[pi_, wi, ci]
        zs = g["z"][P]
        t0 = g["t0"][P]
        vr = g["vrms"][P]
        trel = np.sqrt(t0**2 + 4 * (dSs.astype(np.float64) ** 2 + dUs.astype(np.float64) ** 2) / vr**2)
        tau = acq.time_zero_ns + trel + g["extra_tau"][P]
        taper = np.clip((cs - cos_ap) / (0.15 * (1 - cos_ap) + 1e-12), 0.0, 1.0)
        base = (g["coef"][P] * np.exp(-2 * g["loss"][P] / cs) * cs**acq.beam_power * taper
                * spreading(2 * acq.antenna_height_m + 2 * Rs))
        if g["kind"] == "surface":
            obl = np.clip((g["gs"][P] * dSs + g["gu"][P] * dUs + zs) / Rs, 0.0, None)
            amp = base * g["area"][P] * obl / (np.pi * vr * np.maximum(vr * trel / 2, 1e-3))
        else:
            rad = g["radius"][P]
            amp = base * rad / (rad + Rs)
        rows = chan[ci] * nb + j[pi_, wi]
        spectra.add_binned(rows, tau, amp, g["tstar"], g["kind"] == "surface")
        for extra, factor in echoes:
            spectra.add_binned(rows, tau + extra[P], amp * factor[P], g["tstar"], g["kind"] == "surface")
        start = stop


# --------------------------------------------------------------------------------------------
# The forward model
# --------------------------------------------------------------------------------------------


def simulate(
    model: RoadModel,
    acq: Acquisition | None = None,
    effects: SystemEffects | None = None,
    *,
    seed: int | None = None,
    block_rows: int = 4096,
    dtype=np.float32,
):
    """Simulate a GPR survey of a road model.

    Parameters
    ----------
    model : RoadModel
    acq : Acquisition, optional
        Antenna, sampling and geometry (default :class:`Acquisition`: one 600 MHz channel).
    effects : SystemEffects, optional
        Instrument effects and noise (default: realistic; :meth:`SystemEffects.ideal` for none).
    seed : int, optional
        Seed of the noise and instrument effects (default: the model's seed).
    block_rows : int
        Traces (channels x positions) simulated at once; bounds memory (about 1 kB x
        ``n_samples`` per row at peak). Blocks loop along the track; nothing loops over traces.
    dtype : numpy dtype
        Output sample type (float32 default).

    Returns
    -------
    xarray.DataArray
        A survey (``roadhealth.make_survey``) with dims ``(channel, trace, sample)``, amplitudes
        relative to a unit source, ``twt_ns`` from 0 (the surface at ``acq.time_zero_ns``),
        ``distance_m`` = track position, ``offset_m`` per channel, ``x``/``y`` in the model frame's
        CRS (and ``lon``/``lat`` when it has one). ``attrs["synthetic"]`` records the model,
        acquisition and effects; one history record.
    """
    acq = acq or Acquisition()
    effects = effects if effects is not None else SystemEffects()
    seed = model.seed if seed is None else int(seed)
    s_all = acq.positions(model.length_m)
    u_ch = acq.offsets_m
    nc, nt, ns = acq.n_channels, s_all.size, acq.n_samples
    rng0 = np.random.default_rng([seed & 0xFFFFFFFF, 101])
    ch_gain = 1 + effects.channel_gain_sd * rng0.standard_normal(nc)
    ch_t0 = effects.channel_t0_sd_ns * rng0.standard_normal(nc)
    ch_phase = rng0.uniform(0, 2 * np.pi, nc)
    wow_field = SmoothField(1.0, 0.1, (4.0, 30.0), seed=int(rng0.integers(2**31)), across=0.0)
    inst = {"ch_gain": ch_gain, "ch_t0": ch_t0, "ch_phase": ch_phase, "wow_field": wow_field}

    groups, bodies, manholes, pipes = _object_groups(model, acq)

    # depth reached by the record, for the background scatterers
    z_max = 0.5 * (acq.window_ns - acq.time_zero_ns) * C0_M_PER_NS / np.sqrt(min(lay.material.eps_r for lay in model.layers))
    z_max = min(z_max, 3.0)
    bg_aperture = 45.0
    bg_reach = np.tan(np.deg2rad(bg_aperture)) * z_max

    out = np.empty((nc, nt, ns), dtype=dtype)
    nb = max(1, block_rows // nc)
    t_direct = acq.time_zero_ns - 2 * acq.antenna_height_m / C0_M_PER_NS
    for bi, b0 in enumerate(range(0, nt, nb)):
        b1 = min(nt, b0 + nb)
        Sb = s_all[b0:b1]
        S = np.broadcast_to(Sb[None, :], (nc, b1 - b0)).ravel()
        U = np.broadcast_to(u_ch[:, None], (nc, b1 - b0)).ravel()
        n_rows = S.size
        spectra = _Spectra(n_rows, acq)
        rows = np.arange(n_rows)

        _layer_events(spectra, model, acq, S, U, rows, bodies, manholes, pipes)

        # ---- direct wave --------------------------------------------------------------
        if effects.direct_wave:
            spectra.add_events(np.full(n_rows, t_direct), np.full(n_rows, effects.direct_wave), 0.0, rows,
                               rotation_deg=effects.direct_phase_deg)

        _kirchhoff(spectra, model, acq, groups, Sb, u_ch, z_max, bg_aperture, bg_reach)

        traces = _instrument(spectra, effects, acq, S, b0, b1, bi, seed, inst)
        out[:, b0:b1, :] = traces.reshape(nc, b1 - b0, ns).astype(dtype, copy=False)

    return _synthetic_survey(out, model, acq, effects, seed, s_all, u_ch)


def _object_groups(model: RoadModel, acq: Acquisition):
    """Kirchhoff point groups of the model's bodies, point scatterers and manhole rims, and the
    bodies, manholes and pipes (which also modify the layer events)."""
    groups: list[dict] = []
    bodies = [o for o in model.objects if isinstance(o, _Body)]
    for i, obj in enumerate(bodies):
        groups.extend(_body_groups(model, obj, acq, i))
    for o in model.objects:
        if isinstance(o, PointScatterer):
            host = column(model, o.s_m, o.u_m, o.depth_m)
            groups.append(_point_group(model, acq, [o.s_m], [o.u_m], [o.depth_m],
                                       [fresnel(float(host["eps"]), o.eps_r)], kind="point", radius=o.radius_m))
    manholes = [o for o in model.objects if isinstance(o, Manhole)]
    for mh in manholes:
        ang = np.linspace(0, 2 * np.pi, 72, endpoint=False)
        groups.append(_point_group(model, acq, mh.s_m + mh.diameter_m / 2 * np.cos(ang),
                                   mh.u_m + mh.diameter_m / 2 * np.sin(ang), np.full(ang.size, 0.06),
                                   np.full(ang.size, -0.6), kind="point", radius=0.03))
    pipes = [o for o in model.objects if isinstance(o, Pipe)]
    return groups, bodies, manholes, pipes


def _layer_events(spectra: _Spectra, model: RoadModel, acq: Acquisition, S, U, rows,
                  bodies, manholes, pipes) -> None:
    """The layer interfaces, delayed, dimmed or cut by the bodies above them, manholes and pipes
    (with their own echoes), added to ``spectra`` for rows at track positions ``S``, offsets ``U``."""
    f0 = acq.frequency_mhz * 1e-3
    ev = interface_events(model, S, U, acq)
    tau, amp, tst = ev["tau_ns"].copy(), ev["amp"].copy(), ev["tstar_ns"].copy()
    depth = ev["depth_m"]
    n_if = tau.shape[0]
    for i, obj in enumerate(bodies):
        top, bottom, w = obj.vertical(S, U)
        inside = np.isfinite(top)
        if not inside.any():
            continue
        zmid = np.where(inside, (np.nan_to_num(top) + np.nan_to_num(bottom)) / 2, 0.0)
        host = column(model, S, U, zmid)
        q_host = np.array([lay.material.q for lay in model.layers])[host["layer"]]
        dtau, famp, dtst = _through_body(obj, top, bottom, host["eps"], q_host)
        a_host = attenuation_np_per_m(model.sigma()[host["layer"]], host["eps"])
        famp = famp * np.exp(2 * a_host * np.nan_to_num(bottom - top))
        famp = famp * (1 - SHADOW_STRENGTH.get(obj.kind, 0.0) * w)
        if isinstance(obj, LooseZone):
            fa = SmoothField(0.0, 1.0, (0.1, 0.8), seed=model._seed(32, i))
            ft = SmoothField(0.0, 1.0, (0.1, 0.8), seed=model._seed(33, i))
            famp = famp * np.clip(1 + 0.5 * fa(S, U), 0.15, 1.5) ** w
            dtau = dtau + 0.25 / f0 * ft(S, U) * w
        for k in range(1, n_if):
            zk = depth[k]
            tol = 0.02
            cross = inside & (zk >= np.nan_to_num(top) - tol) & (zk <= np.nan_to_num(bottom) + tol)
            below = inside & (zk > np.nan_to_num(bottom) + tol)
            amp[k] = np.where(cross, 0.0, amp[k])
            amp[k] = np.where(below, amp[k] * famp, amp[k])
            tau[k] = np.where(below, tau[k] + dtau, tau[k])
            tst[k] = np.where(below, tst[k] + dtst, tst[k])
    for mh in manholes:
        w = mh.weight(S, U)
        amp[0] = (1 - w) * amp[0] + w * (-0.95) * ev["spread"][0]
        amp[1:] = amp[1:] * (1 - w)
        for k in range(1, 5):
            spectra.add_events(tau[0] + k * 1.3 / f0, w * (-0.95) * ev["spread"][0] * (-0.55) ** k, 0.0, rows)
    for p in pipes:
        zc = p.depth_m + p.radius_m
        col = column(model, S, U, np.full(S.shape, zc))
        d = p.horizontal_distance(S, U)
        R = np.sqrt(zc**2 + d**2)
        cos_t = zc / R
        cos_ap = np.cos(np.deg2rad(acq.aperture_deg))
        taper = np.clip((cos_t - cos_ap) / (0.15 * (1 - cos_ap)), 0.0, 1.0)
        trel = np.sqrt(col["t0_ns"] ** 2 + 4 * d**2 / col["vrms"] ** 2)
        tau_p = acq.time_zero_ns + trel - 2 * p.radius_m / col["vint"]
        dist = np.maximum(R - p.radius_m, 1e-3)
        go = np.sqrt(p.radius_m / (p.radius_m + dist))
        base = (col["trans"] * np.exp(-2 * col["loss_np"] / cos_t) * spreading(2 * acq.antenna_height_m + 2 * dist)
                * go * cos_t**acq.beam_power * taper)
        if p.material == "metal":
            r = -1.0
            spectra.add_events(tau_p, r * base, col["tstar_ns"], rows)
            for k in range(1, 4):
                spectra.add_events(tau_p + k * 1.1 / f0, r * base * (-0.45) ** k, col["tstar_ns"], rows)
            shadow = 0.85
        else:
            fill = MATERIALS["water"] if p.fill == "water" else MATERIALS["air"]
            r = fresnel(col["eps"], fill.eps_r)
            spectra.add_events(tau_p, r * base, col["tstar_ns"], rows)
            rb = fresnel(fill.eps_r, col["eps"])
            inner = 4 * p.radius_m / fill.velocity_m_per_ns * cos_t
            spectra.add_events(tau_p + inner, rb * (1 - r**2) * base * np.exp(-4 * fill.alpha_np_per_m * p.radius_m),
                               col["tstar_ns"], rows)
            shadow = 0.3
        under = np.exp(-((d / (p.radius_m + 0.05)) ** 2)) * shadow
        deeper = depth > zc
        amp = np.where(deeper, amp * (1 - under[None, :]), amp)
    for k in range(n_if):
        spectra.add_events(tau[k], amp[k], tst[k], rows)


def _kirchhoff(spectra: _Spectra, model: RoadModel, acq: Acquisition, groups, Sb, u_ch, z_max: float,
               bg_aperture: float, bg_reach: float) -> None:
    """Diffractions: the point groups, and the background scatterers around this block of traces."""
    for g in groups:
        _scatter_group(spectra, g, Sb, u_ch, acq)
    if model.scatterer_density_per_m3 > 0:
        bg = model.background_scatterers(Sb[0] - bg_reach, Sb[-1] + bg_reach, u_ch.min() - bg_reach,
                                         u_ch.max() + bg_reach, z_max)
        if bg["s"].size:
            g = _point_group(model, acq, bg["s"], bg["u"], bg["z"], bg["r"], kind="point", radius=0.03,
                             aperture_deg=bg_aperture)
            g["tstar"] = 0.0
            _scatter_group(spectra, g, Sb, u_ch, acq)


def _instrument(spectra: _Spectra, effects: SystemEffects, acq: Acquisition, S, b0: int, b1: int, bi: int,
                seed: int, inst: dict) -> np.ndarray:
    """Traces of one block with the instrument's effects: time-zero jitter and channel offsets,
    ringing, wow, band-limited noise, interference and channel gains. Rows (channel-major)."""
    nc, ns = acq.n_channels, acq.n_samples
    n_rows = S.size
    f0 = acq.frequency_mhz * 1e-3
    t = np.arange(ns) * acq.dt_ns
    t_direct = acq.time_zero_ns - 2 * acq.antenna_height_m / C0_M_PER_NS
    ch_gain, ch_t0, ch_phase, wow_field = inst["ch_gain"], inst["ch_t0"], inst["ch_phase"], inst["wow_field"]
    rngb = np.random.default_rng([seed & 0xFFFFFFFF, 202, bi])
    shifts = np.repeat(ch_t0, b1 - b0) + effects.jitter_ns * rngb.standard_normal(n_rows)
    traces = spectra.traces(shifts if (effects.jitter_ns or effects.channel_t0_sd_ns) else None)
    x = np.clip(t - t_direct, 0.0, None)
    if effects.ringing:
        onset = np.clip(x * f0 * 2, 0, 1)
        ring = np.sin(2 * np.pi * 0.85 * f0 * x[None, :] + ch_phase[:, None]) * (np.exp(-x * f0 / 1.5) * onset)[None, :]
        traces += effects.ringing * np.repeat(ring, b1 - b0, axis=0)
    if effects.wow:
        tw = 6.0 / f0 + 2.0
        xw = x / tw
        wow = xw * np.exp(1 - xw)
        traces += effects.wow * wow_field(S)[:, None] * wow[None, :]
    if effects.noise_sd:
        spec = rngb.standard_normal((n_rows, spectra.f.size)) + 1j * rngb.standard_normal((n_rows, spectra.f.size))
        band = spectra.w / np.abs(spectra.w).max()
        noise = sfft.irfft(spec * band, n=spectra.n_pad, axis=1)[:, :ns]
        noise *= effects.noise_sd / max(float(noise.std()), 1e-30)
        traces += noise
    if effects.rfi:
        jg = np.tile(np.arange(b0, b1), nc)
        phi = 2 * np.pi * ((0.173 * jg) % 1.0) + np.repeat(ch_phase, b1 - b0)
        traces += effects.rfi * np.sin(2 * np.pi * effects.rfi_mhz * 1e-3 * t[None, :] + phi[:, None])
    traces *= np.repeat(ch_gain, b1 - b0)[:, None]
    return traces


def _synthetic_survey(out: np.ndarray, model: RoadModel, acq: Acquisition, effects: SystemEffects, seed: int,
                      s_all, u_ch):
    """Wrap simulated samples as a survey in the model frame, with the synthetic record."""
    nc, nt = out.shape[:2]
    S2 = np.broadcast_to(s_all[None, :], (nc, nt))
    U2 = np.broadcast_to(u_ch[:, None], (nc, nt))
    coords = {}
    crs = model.frame.crs
    if model.frame.line is not None:
        x, y = model.frame.to_xy(S2, U2)
        if crs:
            from pyproj import Transformer

            lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
            coords["lon"] = (("channel", "trace"), lon)
            coords["lat"] = (("channel", "trace"), lat)
    else:
        x, y = S2.copy(), U2.copy()
    survey = make_survey(
        out,
        dt_ns=acq.dt_ns,
        distance_m=s_all,
        offset_m=u_ch,
        x=x,
        y=y,
        crs=crs,
        format="memory",
        instrument="roadhealth.synth",
        antenna_mhz=acq.frequency_mhz,
        source=f"synthetic:{model.name or 'road'}",
        coords=coords,
        attrs={
            "synthetic": {
                "model": model.summary(),
                "acquisition": dataclasses.asdict(acq),
                "effects": dataclasses.asdict(effects),
                "seed": seed,
                "time_zero_ns": acq.time_zero_ns,
            },
            "distance_source": "synthetic track",
        },
    )
    return add_history(survey, "synth.simulate", model=model.name, seed=seed,
                       acquisition=dataclasses.asdict(acq), effects=dataclasses.asdict(effects))


def to_int16(survey, peak: int = 20000, header_samples: int = 2):
    """Scale a float survey to whole int16 counts for file delivery.

    Parameters
    ----------
    survey : xarray.DataArray
    peak : int
        Count given to the largest absolute amplitude.
    header_samples : int
        Leading samples of each trace zeroed (GSSI header words are written there).

    Returns
    -------
    xarray.DataArray
        int16 survey; ``attrs["synthetic_scale"]`` is the counts per unit amplitude.
    """
    values = np.asarray(survey.values, dtype=np.float64)
    scale = peak / max(float(np.abs(values).max()), 1e-30)
    ints = np.round(values * scale).astype(np.int16)
    if header_samples:
        ints[..., :header_samples] = 0
    out = survey.copy(data=ints)
    out.attrs = dict(survey.attrs)
    out.attrs["synthetic_scale"] = scale
    return add_history(out, "synth.to_int16", peak=peak, scale=scale)
