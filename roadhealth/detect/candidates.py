"""Candidate regions: robust per-depth statistics of the envelope, thresholded and grouped in 3D.

The envelope of the processed survey, stacked along track (0.25 m; deeper down over the first
Fresnel zone, up to 1 m), is compared, sample row by sample row (one two-way time, one channel),
with the survey's own background at that time: its median along track and its median absolute
deviation (MAD). The robust score ``z = (envelope - median) / (1.4826 MAD)`` is smoothed over
about a fifth of a metre along track and half an antenna period in time, thresholded with
hysteresis (seeds above ``z_seed`` in either stack, regions above ``z_low`` in the 0.25 m one) and
labelled in 3D (channel x trace x sample, 26-connected) with :func:`scipy.ndimage.label`. Regions
spanning fewer than ``min_traces`` traces are dropped. The scores are computed on the traces
decimated to six samples a period; the features read the full-resolution analytic signal of the
region columns only (:meth:`Attributes.analytic`).

Per depth statistics make the detector indifferent to the gain applied (any gain that is the same
along track cancels), to slowly varying layer strength and to channel imbalance, and noise that
grows with depth (after gain) raises the bar where it is noisy.

Everything is vectorised over the whole survey: no Python loop over traces or components.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.fft as sfft
from scipy import ndimage

__all__ = ["Attributes", "Regions", "attributes", "regions"]

#: MAD -> standard deviation of a normal distribution.
MAD_TO_SD = 1.4826

#: Dynamic range of a radar record, dB: the background spread of a row is never taken below the
#: strongest envelope of the section less this many dB. Real receivers stop there (quantisation,
#: thermal and system noise); without it a noise-free simulation, whose background rows are
#: identical trace after trace, would turn any numerical difference into a huge score.
DYNAMIC_RANGE_DB = 60.0

#: Longest along-track stack of the detection score, m (the Fresnel zone of a target 2-3 m deep
#: at 400 MHz); shallow rows stack over 0.25 m.
MAX_STACK_M = 1.0

#: Antenna periods under the surface where the search starts: the surface wavelet's main lobes
#: (their residual after background removal, manhole covers) lie above.
SEARCH_START_PERIODS = 0.6

#: The background of a row as the rows around it in time show it: the running median, over this
#: many antenna periods, of the rows' own median and spread along track. A body's top and bottom
#: fill one or two periods of rows, layers one each, so this window passes over them and keeps
#: the trend with depth (spreading, attenuation, gain). It is what a top is measured against when
#: its own row cannot be (:attr:`Attributes.bg_median_depth`).
DEPTH_TREND_PERIODS = 8


def _hilbert(x: np.ndarray) -> np.ndarray:
    """Hilbert transform along the last axis, the FFT zero-padded to a fast length (float32).

    (A trace of 233 samples, a prime, costs three times a padded one.)
    """
    n = x.shape[-1]
    m = sfft.next_fast_len(n, real=True)
    spec = sfft.rfft(x, n=m, axis=-1)
    spec *= -1j
    spec[..., 0] = 0
    if m % 2 == 0:
        spec[..., -1] = 0
    return np.ascontiguousarray(sfft.irfft(spec, n=m, axis=-1, overwrite_x=True)[..., :n], dtype=np.float32)


def _odd_traces(length_m: float, spacing_m: float, n_t: int) -> int:
    """An odd number of traces spanning about ``length_m`` along track, at most the line's."""
    k = max(1, round(length_m / max(spacing_m, 1e-6)) | 1)
    return min(k, n_t if n_t % 2 else max(1, n_t - 1))


def _box_mean(a: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Running mean over ``k`` (odd) samples along ``axis``, over the samples that exist: near
    the ends the window is cut, not padded (a padded window would repeat the end trace and
    give its noise the weight of many traces). By shifted slice additions for windows of up to
    5 (four times faster than the filter across channels), by the filter for longer ones."""
    r = k // 2
    n = a.shape[axis]
    if r == 0 or n == 1:
        return a.copy()
    i = np.arange(n)
    count = (np.minimum(i, r) + np.minimum(n - 1 - i, r) + 1).astype(np.float32)
    shape = [1] * a.ndim
    shape[axis] = n
    axis = axis % a.ndim

    def part(start, stop):
        return (slice(None),) * axis + (slice(start, stop),)

    if r >= 3:
        out = ndimage.uniform_filter1d(a, 2 * r + 1, axis=axis, mode="constant")
        # the zero-padded mean, rescaled to the samples that exist where the window is cut (the
        # ends; inside, the factor is 1)
        fix = np.float32(2 * r + 1) / count
        if n <= 2 * r:
            out *= fix.reshape(shape)
        else:
            end = [*shape[:axis], r, *shape[axis + 1:]]
            out[part(None, r)] *= fix[:r].reshape(end)
            out[part(n - r, None)] *= fix[n - r:].reshape(end)
        return out

    out = a.copy()
    for d in range(1, min(r, n - 1) + 1):
        out[part(d, None)] += a[part(None, n - d)]
        out[part(None, n - d)] += a[part(d, None)]
    out /= count.reshape(shape)
    return out


def _magnitude(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.square(a, dtype=np.float32)
    out += np.square(b, dtype=np.float32)
    return np.sqrt(out, out=out)


@dataclass
class Attributes:
    """Sample-wise attributes of a processed survey, shaped (channel, trace, sample).

    Attributes
    ----------
    x : float32 array
        Processed amplitudes.
    z : float32 array
        Robust score of the envelope of the *stacked* data (about 0.25 m along track, more at
        depth: the Fresnel zone; three channels of an array) against its per-row background,
        smoothed: detection only (seeds and strength).
    z_coarse : float32 array
        The mean robust score of the unstacked envelope over about 0.75 m along track, two
        periods and three channels: raised by chaotic scattering that no single voxel shows
        clearly.
    bg_median, bg_scale : float32 arrays (channel, sample)
        Background level and spread of the envelope per row (median and 1.4826 MAD along
        track), repeated to every sample.
    start : int
        First sample searched (just below the surface wavelet).
    period_samples : int
        One antenna period, samples.
    x_raw : float32 array
        The processed amplitudes (the same array as ``x``; kept for lateral coherence).
    ds : int
        ``z`` and ``z_coarse`` are sampled every ``ds`` samples (shape (channel, trace,
        ceil(sample / ds))).
    zc_noise_sd : float
        Standard deviation of ``z_coarse`` over noise (1 / sqrt of the independent samples it
        averages): coarse thresholds are at least 4 (region) and 6 (seed) times it, so sparse
        traces or short windows do not turn noise into candidates.
    z_grow : float32 array or None
        The same score as ``z`` stacked over 0.25 m at every depth: it bounds the regions
        (None: ``z``).
    stack_traces : int
        Traces of that 0.25 m stack (odd).
    bg_median_depth, bg_scale_depth : float32 arrays (channel, sample) or None
        The background of each row as the rows around it in time show it: the running median of
        ``bg_median`` and ``bg_scale`` over :data:`DEPTH_TREND_PERIODS` periods (from the first
        searched sample on). Where a body's top fills most of a short line, the row's own
        statistics are the body's and only these measure it (None: not computed).

    The full-resolution analytic signal (envelope and Hilbert transform) is computed only for
    the columns the features look at (:meth:`analytic`): the scores use the signal decimated
    to ``ds``, and the transform of a trace does not depend on the others.
    """

    x: np.ndarray
    z: np.ndarray
    z_coarse: np.ndarray
    bg_median: np.ndarray
    bg_scale: np.ndarray
    start: int
    period_samples: int
    smooth_traces: int
    x_raw: np.ndarray
    ds: int = 1
    zc_noise_sd: float = 0.1
    z_grow: np.ndarray | None = None
    stack_traces: int = 1
    bg_median_depth: np.ndarray | None = None
    bg_scale_depth: np.ndarray | None = None
    _cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _env: np.ndarray | None = field(default=None, repr=False)
    _h: np.ndarray | None = field(default=None, repr=False)

    def analytic(self, cols) -> tuple[np.ndarray, np.ndarray]:
        """Envelope and Hilbert transform of the given columns at full resolution.

        Parameters
        ----------
        cols : int array
            Flat column indices ``channel * n_trace + trace`` (any order, repeats allowed).

        Returns
        -------
        (env, h) : float32 arrays (len(cols), sample)
            Computed on first use and kept for later calls (copies; :meth:`analytic_rows` reads
            the kept arrays without copying).
        """
        env, h, rows = self.analytic_rows(cols)
        return env[rows], h[rows]

    def analytic_rows(self, cols) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kept envelope and Hilbert transform arrays (rows: columns computed so far) and the
        row of each of ``cols`` in them, computing the columns not yet kept: ``env[rows[i]]`` is
        the envelope of column ``cols[i]``. A feature that reads a window or a sample of each
        column indexes them directly instead of copying whole traces."""
        cols = np.asarray(cols, dtype=np.int64).ravel()
        n_s = self.x.shape[-1]
        need = np.setdiff1d(cols, self._cols)  # sorted, unique
        if need.size:
            rows = self.x.reshape(-1, n_s)[need]
            h = _hilbert(rows)
            env = _magnitude(rows, h)
            if self._env is None:  # ``need`` is sorted already
                self._cols, self._env, self._h = need, env, h
            else:
                allc = np.concatenate([self._cols, need])
                order = np.argsort(allc, kind="stable")
                self._cols = allc[order]
                self._env = np.concatenate([self._env, env])[order]
                self._h = np.concatenate([self._h, h])[order]
            self._env.flags.writeable = False  # shared with every caller: read-only
            self._h.flags.writeable = False
        if self._env is None:
            empty = np.zeros((0, n_s), np.float32)
            return empty, empty, np.zeros(0, dtype=np.int64)
        return self._env, self._h, np.searchsorted(self._cols, cols)


def attributes(x: np.ndarray, *, dt_ns: float, centre_mhz: float, surface_ns: float, t0_ns: float,
               spacing_m: float, max_background_traces: int = 128,
               background_traces: np.ndarray | None = None, velocity_m_per_ns: float = 0.1) -> Attributes:
    """Envelope and robust scores of a processed survey (see the module notes).

    Parameters
    ----------
    x : numpy.ndarray (channel, trace, sample)
        Processed data, float.
    dt_ns, centre_mhz : float
        Sample interval (ns) and antenna centre frequency (MHz).
    surface_ns, t0_ns : float
        Two-way time of the road surface and of the first sample, ns.
    spacing_m : float
        Along-track trace spacing, m.
    max_background_traces : int
        The background statistics use at most this many evenly spread traces per channel.
    background_traces : bool array (channel, trace) or (channel, trace, sample), optional
        The traces that define the background (those no defect disturbs, on a line shorter
        than the background window), for the whole trace or at every sample; default every
        trace.
    velocity_m_per_ns : float
        Velocity of the ground, for the width of the depth-dependent stack (the Fresnel zone).
    """
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():  # one pass; nan_to_num alone makes three
        x = np.nan_to_num(x, copy=False, posinf=0.0, neginf=0.0)
    n_c, n_t, n_s = x.shape
    period = max(2, round(1000.0 / centre_mhz / dt_ns))
    # the scores are computed every ``ds`` samples (six per period or more: the processed data
    # are band-limited to about twice the antenna frequency, so the analytic signal of the
    # decimated traces is the decimated analytic signal, at a ``ds``-th of the cost)
    ds = max(1, period // 6)
    xd = np.ascontiguousarray(x[..., ::ds])
    hd = _hilbert(xd)
    env_raw = _magnitude(xd, hd)  # unstacked envelope, every ds samples
    # stacked over neighbouring traces (and channels): noise drops by the square root of their
    # number while reflectors that are flat over the window (defect tops, hyperbola apexes) keep
    # their amplitude; the Hilbert transform is linear, so the stack's envelope is the magnitude
    # of the stacked analytic signal
    # Everything along track (stacks, the background's medians over traces) is computed in the
    # (channel, sample, trace) layout, where the traces are the contiguous axis (a running mean
    # along it costs 2.4 times less than along the middle axis); the scores return to (channel,
    # trace, sample).
    k_st = _odd_traces(0.25, spacing_m, n_t)
    k_ch = 3 if n_c >= 3 else 1
    xs = _box_mean(_box_mean(np.ascontiguousarray(xd.transpose(0, 2, 1)), k_ch, 0), k_st, 2)
    del xd
    hs = _box_mean(_box_mean(np.ascontiguousarray(hd.transpose(0, 2, 1)), k_ch, 0), k_st, 2)
    del hd
    n_s2 = xs.shape[1]
    # the surface wavelet (residual after background removal, manhole covers) is not searched
    start = int(np.clip(np.ceil((surface_ns - t0_ns) / dt_ns + SEARCH_START_PERIODS * period), 0, n_s - 1))
    start2 = -(-start // ds)
    step = max(1, n_t // max_background_traces)
    if background_traces is not None:
        keep = np.asarray(background_traces, dtype=bool)
        if keep.shape[:2] != (n_c, n_t) or (keep.ndim == 3 and keep.shape[2] != n_s) or keep.ndim not in (2, 3):
            raise ValueError(f"background_traces has shape {keep.shape}; expected (channel, trace) = {(n_c, n_t)} "
                             f"or (channel, trace, sample) = {(n_c, n_t, n_s)}")
        keep = keep[:, ::step, None] if keep.ndim == 2 else keep[:, ::step, ::ds]
        keep = keep.transpose(0, 2, 1)  # (channel, sample or 1, trace)
        robust_median = np.nanmedian
    else:
        keep = None
        robust_median = np.median

    def _bg_rows(a, first=0):  # background traces of ``a`` (channel, sample from ``first``, trace), others NaN
        if keep is None:
            return a[..., ::step]
        return np.where(keep if keep.shape[1] == 1 else keep[:, first:first + a.shape[1]], a[..., ::step], np.nan)

    k_tr = _odd_traces(0.2, spacing_m, n_t)
    k_s = max(1, ((period // 2) // ds) | 1)

    def _score(env, first=0):  # robust score of a stacked envelope (channel, sample from ``first``,
        # trace), smoothed; returned as (channel, trace, sample)
        sub = _bg_rows(env, first)
        med = robust_median(sub, axis=2)  # (channel, sample)
        scale = MAD_TO_SD * robust_median(np.abs(sub - med[:, :, None]), axis=2)
        # floor: rows that are (nearly) constant (padding, clipped ends) must not explode
        s0 = max(0, start2 - first)
        floor = 0.05 * float(np.median(scale[:, s0:])) if scale.shape[-1] > s0 else 0.0
        floor = max(floor, 10 ** (-DYNAMIC_RANGE_DB / 20) * float(env_top) + np.finfo(np.float32).tiny)
        z = env - med[:, :, None]
        z /= np.maximum(scale, floor).astype(np.float32)[:, :, None]
        z = _box_mean(z, k_tr, 2)
        z = np.ascontiguousarray(z.transpose(0, 2, 1))  # (two arrays alive at a time, as before)
        return ndimage.uniform_filter1d(z, k_s, axis=2, mode="nearest")

    env = _magnitude(xs, hs)
    env_top = env.max()
    z_grow = _score(env)
    del env
    # a second stack grows with depth over the width in which a diffraction hyperbola (and the
    # edge of a flat top) stays within a quarter period of its apex, x = v/2 sqrt(t T/2 + T^2/16)
    # with t the two-way time below the surface (the Fresnel zone: 0.6 m at 1.5 m and 400 MHz),
    # stacked on the first (a trapezoid). It keeps a reflector's amplitude and lowers the noise
    # by the square root of its traces, so deep weak tops gain what shallow ones already have.
    # It seeds regions and measures their strength; the short stack alone bounds them (a long
    # stack would join a defect to the bends of the layers around it).
    t_below = np.maximum(t0_ns + np.arange(n_s2) * ds * dt_ns - surface_ns, 0.0)
    period_ns = 1000.0 / centre_mhz
    half_w = 0.5 * velocity_m_per_ns * np.sqrt(t_below * period_ns / 2 + period_ns ** 2 / 16)
    k_cap = max(k_st, _odd_traces(MAX_STACK_M, spacing_m, n_t))
    k_row = np.clip(np.round(2 * half_w / max(spacing_m, 1e-6)).astype(int) | 1, k_st, k_cap)
    z = z_grow.copy()
    deep = np.flatnonzero(k_row > k_st)
    if deep.size:
        sl = slice(deep[0], n_s2)  # k_row grows with depth
        env_l = np.empty_like(xs[:, sl])
        for k in np.unique(k_row[sl]):  # a few depth bands, each stacked over its own width
            rows = np.flatnonzero(k_row[sl] == k)
            b = slice(sl.start + rows[0], sl.start + rows[-1] + 1)
            k2 = int(k) - k_st + 1
            env_l[:, rows[0]:rows[-1] + 1] = _magnitude(_box_mean(xs[:, b], k2, 2), _box_mean(hs[:, b], k2, 2))
        np.maximum(z[..., sl], _score(env_l, sl.start), out=z[..., sl])
        del env_l
    del xs, hs
    for a in (z, z_grow):
        a[..., :start2] = 0.0
        a[..., max(start2, (n_s - period) // ds):] = 0.0  # the last period: trace-end effects
    # coarse score: the mean robust score of the *unstacked* envelope over ~0.75 m, 2 periods and
    # 3 channels (chaotic scattering, which stacking would cancel), computed on a grid decimated
    # to a quarter of the window (and repeated back): 1/16 the work
    k_tr2 = max(1, round(0.75 / max(spacing_m, 1e-6)))
    st_t, st_s = max(1, k_tr2 // 4), max(1, round((period // 2) / ds))  # st_s on the ds grid
    # background of the unstacked envelope, on the same sample grid as z, repeated to every sample
    sub_r = _bg_rows(env_raw.transpose(0, 2, 1))
    med_r = robust_median(sub_r, axis=2)
    scale_r = MAD_TO_SD * robust_median(np.abs(sub_r - med_r[:, :, None]), axis=2)
    del sub_r
    floor_r = 0.05 * float(np.median(scale_r[:, start2:])) if n_s2 > start2 else 0.0
    floor_r = max(floor_r, 10 ** (-DYNAMIC_RANGE_DB / 20) * float(env_raw.max()) + np.finfo(np.float32).tiny)
    scale_r = np.maximum(scale_r, floor_r).astype(np.float32)
    zd = (env_raw[:, ::st_t, ::st_s] - med_r[:, None, ::st_s]) / scale_r[:, None, ::st_s]
    del env_raw
    zd[..., : -(-start2 // st_s)] = 0.0
    zd[..., max(0, (n_s - period) // (ds * st_s)):] = 0.0
    size = (min(3, n_c), max(1, k_tr2 // st_t) | 1, max(1, (2 * period) // (ds * st_s)) | 1)
    zcd = ndimage.uniform_filter(zd, size=size, mode="nearest")
    # standard deviation of that mean over noise: the robust score has SD ~1 per independent
    # envelope sample, and the envelope decorrelates over about half a period
    n_eff = size[0] * size[1] * st_t * max(1.0, size[2] * st_s * ds / max(1.0, period / 2))
    zc_sd = 1.0 / np.sqrt(max(n_eff, 1.0))
    # (np.take keeps the result C-contiguous; the fancy index along the last axis did not, and
    # every later pass over it, a ravel among them, paid for the strides)
    zc = np.take(np.take(zcd, np.minimum(np.arange(n_t) // st_t, zcd.shape[1] - 1), axis=1),
                 np.minimum(np.arange(n_s2) // st_s, zcd.shape[2] - 1), axis=2)
    trend = DEPTH_TREND_PERIODS * period / ds  # samples of the ds grid
    med_d, scale_d = _depth_trend(med_r, start2, trend), _depth_trend(scale_r, start2, trend)
    if ds > 1:
        med_r, scale_r, med_d, scale_d = (np.repeat(a, ds, axis=-1)[:, :n_s] for a in (med_r, scale_r, med_d, scale_d))
    return Attributes(x, z.astype(np.float32, copy=False), zc.astype(np.float32, copy=False),
                      med_r.astype(np.float32), scale_r, start, period, k_tr, x, ds, float(zc_sd),
                      z_grow.astype(np.float32, copy=False), stack_traces=k_st,
                      bg_median_depth=med_d, bg_scale_depth=scale_d)


def _depth_trend(a: np.ndarray, first: int, window: float) -> np.ndarray:
    """Running median of ``a`` (channel, sample) along the samples over ``window`` samples, as
    float32 (the rows above ``first``, the surface wavelet, are left out; they keep their own
    values)."""
    out = np.array(a, dtype=np.float32, copy=True)
    if first < a.shape[-1] - 1:
        k = max(3, round(window) | 1)
        out[:, first:] = ndimage.median_filter(out[:, first:], size=(1, k), mode="nearest")
    return out


@dataclass
class Regions:
    """Labelled candidate regions.

    Attributes
    ----------
    labels : int32 array (channel, trace, ceil(sample / ds))
        0 outside, 1..n inside region n, on the sample grid of the scores (every ``ds`` samples
        of :class:`Attributes`).
    n : int
        Number of regions.
    """

    labels: np.ndarray
    n: int


def regions(att: Attributes, *, z_seed: float = 8.0, z_low: float = 4.0, zc_seed: float = 1.6,
            zc_low: float = 1.1, min_traces: int = 3) -> Regions:
    """Hysteresis thresholds of the robust scores and 3D connected components.

    Voxels above the low threshold of the fine score (``z_low``: strong reflections) or of the
    coarse score (``zc_low``: chaotic scattering) are labelled in 3D; a component is kept when
    it reaches a seed (``z_seed`` or ``zc_seed``) somewhere.

    Parameters
    ----------
    z_seed, z_low : float
        Seed and region thresholds of the fine score.
    zc_seed, zc_low : float
        Seed and region thresholds of the coarse score.
    min_traces : int
        Regions spanning fewer traces along track are dropped.
    """
    structure = np.ones((3, 3, 3), dtype=bool)
    zc_low = max(zc_low, 4.0 * att.zc_noise_sd)
    zc_seed = max(zc_seed, 6.0 * att.zc_noise_sd)
    z_grow = att.z if att.z_grow is None else att.z_grow
    # a seed of the deep stack joins the region where the short stack shows something too (the
    # long stack alone would widen strong deep tops)
    mask = (z_grow > z_low) | ((att.z >= z_seed) & (z_grow > 0.5 * z_low)) | (att.z_coarse > zc_low)
    mask[..., : -(-att.start // att.ds)] = False
    labels, n = ndimage.label(mask, structure=structure)
    if n == 0:
        return Regions(labels.astype(np.int32), 0)
    seeded = np.zeros(n + 1, dtype=bool)
    seeded[labels[att.z >= z_seed]] = True
    seeded[labels[att.z_coarse >= zc_seed]] = True
    seeded[0] = False
    span = np.zeros(n + 1, dtype=np.int64)
    span[1:] = [0 if o is None else o[1].stop - o[1].start for o in ndimage.find_objects(labels)]
    keep = seeded & (span >= min_traces)
    lut = np.zeros(n + 1, dtype=np.int32)
    lut[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    return Regions(lut[labels], int(keep.sum()))
