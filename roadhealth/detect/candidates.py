"""Candidate regions: robust per-depth statistics of the envelope, thresholded and grouped in 3D.

The envelope of the processed survey is compared, sample row by sample row (one two-way time, one
channel), with the survey's own background at that time: its median along track and its median
absolute deviation (MAD). The robust score ``z = (envelope - median) / (1.4826 MAD)`` is smoothed
over about a fifth of a metre along track and half an antenna period in time, thresholded with
hysteresis (seeds above ``z_seed``, regions above ``z_low``) and labelled in 3D
(channel x trace x sample, 26-connected) with :func:`scipy.ndimage.label`. Regions that are too
small to be a defect (shorter than ``min_length_m`` along track) are dropped.

Per depth statistics make the detector indifferent to the gain applied (any gain that is the same
along track cancels), to slowly varying layer strength and to channel imbalance, and noise that
grows with depth (after gain) raises the bar where it is noisy.

Everything is vectorised over the whole survey: no Python loop over traces or components.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from roadhealth.processing._core import envelope_kernel

__all__ = ["Attributes", "Regions", "attributes", "regions"]

#: MAD -> standard deviation of a normal distribution.
MAD_TO_SD = 1.4826


@dataclass
class Attributes:
    """Sample-wise attributes of a processed survey, all shaped (channel, trace, sample).

    Attributes
    ----------
    x : float32 array
        Processed amplitudes.
    env : float32 array
        Envelope.
    z : float32 array
        Smoothed robust score of the envelope against its per-row background.
    z_coarse : float32 array
        The mean of ``z`` over about 0.75 m along track, two periods and three channels: raised
        by chaotic scattering that no single voxel shows clearly.
    bg_median, bg_scale : float32 arrays (channel, sample)
        Background envelope level and spread per row.
    start : int
        First sample searched (just below the surface wavelet).
    period_samples : int
        One antenna period, samples.
    """

    x: np.ndarray
    env: np.ndarray
    z: np.ndarray
    z_coarse: np.ndarray
    bg_median: np.ndarray
    bg_scale: np.ndarray
    start: int
    period_samples: int
    smooth_traces: int


def attributes(x: np.ndarray, *, dt_ns: float, centre_mhz: float, surface_ns: float, t0_ns: float,
               spacing_m: float, max_background_traces: int = 256) -> Attributes:
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
    """
    x = np.nan_to_num(np.asarray(x, dtype=np.float32), copy=False)
    n_c, n_t, n_s = x.shape
    period = max(2, round(1000.0 / centre_mhz / dt_ns))
    env = envelope_kernel(x)
    # the surface wavelet (residual after background removal, manhole covers) is not searched
    start = int(np.clip(np.ceil((surface_ns - t0_ns) / dt_ns + 0.6 * period), 0, n_s - 1))
    step = max(1, n_t // max_background_traces)
    sub = env[:, ::step]
    med = np.median(sub, axis=1)  # (channel, sample)
    mad = np.median(np.abs(sub - med[:, None, :]), axis=1)
    scale = MAD_TO_SD * mad
    # floor: rows that are (nearly) constant (padding, clipped ends) must not explode
    floor = 0.05 * float(np.median(scale[:, start:])) if n_s > start else 0.0
    floor = max(floor, 1e-6 * float(env.max()) + np.finfo(np.float32).tiny)
    scale = np.maximum(scale, floor).astype(np.float32)
    z = (env - med[:, None, :]) / scale[:, None, :]
    k_tr = max(1, round(0.2 / max(spacing_m, 1e-6)) | 1)
    k_tr = min(k_tr, n_t if n_t % 2 else max(1, n_t - 1))
    k_s = max(1, (period // 2) | 1)
    z = ndimage.uniform_filter(z, size=(1, k_tr, k_s), mode="nearest")
    z[..., :start] = 0.0
    z[..., max(start, n_s - period):] = 0.0  # the circular envelope wraps the top onto the end
    # coarse score: the mean score over ~0.75 m, 2 periods and 3 channels (chaotic scattering),
    # computed on a grid decimated to a quarter of the window (and repeated back): 1/16 the work
    k_tr2 = max(1, round(0.75 / max(spacing_m, 1e-6)))
    st_t, st_s = max(1, k_tr2 // 4), max(1, period // 2)
    zd = z[:, ::st_t, ::st_s]
    zcd = ndimage.uniform_filter(zd, size=(min(3, n_c), max(1, k_tr2 // st_t) | 1,
                                           max(1, (2 * period) // st_s) | 1), mode="nearest")
    zc = zcd[:, np.minimum(np.arange(n_t) // st_t, zcd.shape[1] - 1)][..., np.minimum(np.arange(n_s) // st_s,
                                                                                      zcd.shape[2] - 1)]
    return Attributes(x, env, z.astype(np.float32, copy=False), zc.astype(np.float32, copy=False),
                      med.astype(np.float32), scale, start, period, k_tr)


@dataclass
class Regions:
    """Labelled candidate regions.

    Attributes
    ----------
    labels : int32 array (channel, trace, sample)
        0 outside, 1..n inside region n.
    n : int
        Number of regions.
    """

    labels: np.ndarray
    n: int


def regions(att: Attributes, *, z_seed: float = 6.0, z_low: float = 4.0, zc_seed: float = 2.0,
            zc_low: float = 1.2, min_traces: int = 3) -> Regions:
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
    mask = (att.z > z_low) | (att.z_coarse > zc_low)
    mask[..., :att.start] = False
    labels, n = ndimage.label(mask, structure=structure)
    if n == 0:
        return Regions(labels.astype(np.int32), 0)
    n_t, n_s = labels.shape[1], labels.shape[2]
    flat = np.flatnonzero(labels)
    lab = labels.ravel()[flat]
    tr = (flat // n_s) % n_t
    t_min = np.full(n + 1, n_t)
    t_max = np.full(n + 1, -1)
    np.minimum.at(t_min, lab, tr)
    np.maximum.at(t_max, lab, tr)
    zpk = np.full(n + 1, -np.inf)
    np.maximum.at(zpk, lab, att.z.ravel()[flat])
    zcpk = np.full(n + 1, -np.inf)
    np.maximum.at(zcpk, lab, att.z_coarse.ravel()[flat])
    keep = (t_max - t_min + 1 >= min_traces) & ((zpk >= z_seed) | (zcpk >= zc_seed))
    keep[0] = False
    lut = np.zeros(n + 1, dtype=np.int32)
    lut[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    return Regions(lut[labels], int(keep.sum()))
