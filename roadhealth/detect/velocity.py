"""The depth velocity from the flanks of the data's own diffraction hyperbolas.

A road survey usually crosses one or two buried bodies, not the many point diffractors that a
velocity from the lower quartile of point-hyperbola fits
(:func:`roadhealth.detect.prepare.velocity_from_hyperbolas`) needs. A single finite body is
enough when its *flanks* are seen: the top of a body of width ``w`` at two-way time ``t0`` below
the surface answers, at along-track position ``x``, with the diffractions of its edges::

    t(x) = sqrt(t0**2 + (2 u / v)**2),    u = max(|x - x0| - w / 2, 0)

(a flat part over the body, and beyond its edges a point hyperbola of the medium's velocity
``v``; a point diffractor is ``w = 0``). A point-hyperbola fit of such a top finds ``v`` too fast,
because the flat part reads as a flat hyperbola; the flanks alone carry the velocity (their
slope tends to ``2 / v``). A rounded body (a pipe of radius ``r``:
``t = (2 / v) (sqrt((d + r)**2 + (x - x0)**2) - r)``) has the same asymptotes but bends less near
its apex, so a sharp-edged fit reads it faster than the medium; the model fitted here therefore
has rounded edges too (a strip of width ``w`` whose edges are circles of radius ``r``; ``r = 0``:
sharp edges, ``w = 0``: a pipe, both 0: a point).

:func:`fit_flat_top_hyperbola` fits that model to picked top times robustly (a grid over the apex
position, the width and the edge radius, a linear least-squares solve for the apex term and
``4 / v**2`` at each grid node, all nodes at once, then a trimmed refit on the inliers) and
reports how well the velocity is constrained (its standard error from the Jacobian of all the
fitted parameters, so that the trade-off of velocity with width and radius is in it, the length
of the flanks on each side and their moveout). :func:`estimate_velocity` applies it to the top
picks of every candidate region (:func:`roadhealth.detect.features.column_records`) and accepts
a velocity only when a region's flanks constrain it well (:class:`FlankCriteria`); otherwise it
returns None and the caller keeps its default.

Over a layered ground the moveout measures the RMS velocity down to the body, which is at most a
few per cent above the average velocity that converts its time to depth; the estimate is
returned as measured. The transmitter-receiver separation ``S`` adds about ``S**2 / 4`` to the
squared apex depth and does not change the moveout to first order, so it is not modelled here.

What one convex body can and cannot tell (measured on the full-wave validation set):
a sharp-edged fit of a rounded top is an *upper bound* of the velocity (the apex point lies
inside the body, so every flank time is at most that of a point hyperbola of the true velocity
through the apex); elliptical cavities 0.25-1.5 m wide at 1-1.5 m, seen over +-1.2-2 m, read
10-45 % fast that way, and a circular-edge fit of them reads slow, so over such apertures the
shape and the velocity cannot be told apart and the estimate is refused. Antennas held even a
few centimetres above the surface also make the flanks earlier than the ground's hyperbola
(part of an oblique path runs in air), which reads fast; only a compact body (radius at most
half its depth) whose flanks constrain ``v`` to 5 % is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import DetectionError

__all__ = ["FlankCriteria", "accepts", "estimate_velocity", "fit_flat_top_hyperbola"]

#: Velocities a road material can have, m/ns (eps_r about 3.5 to 16).
VELOCITY_RANGE_M_PER_NS = (0.075, 0.16)


@dataclass(frozen=True)
class FlankCriteria:
    """When a flat-topped hyperbola fit constrains the velocity (all thresholds in one place).

    Attributes
    ----------
    max_rel_sigma : float
        Largest relative standard error of the velocity (from the four-parameter fit).
    max_rms_periods : float
        Largest RMS residual of the inlier picks, antenna periods.
    min_flank_picks : int
        Fewest inlier picks beyond the flat part (``u > 0``), both sides together.
    min_side_picks : int
        Fewest inlier flank picks on each side of the apex: a top seen on one side only is
        indistinguishable from a dipping layer.
    min_moveout_periods : float
        Smallest moveout of the flanks (latest inlier flank time minus ``t0``), antenna periods:
        a flank that bends less than a period does not separate velocity from width.
    min_inlier_fraction : float
        Smallest fraction of the usable picks that the fitted curve explains.
    max_radius_depth_ratio : float
        Largest edge radius over apex depth: a top curved over a radius comparable with its
        depth (a wide elliptical cavity) is not a circle, and the circular-edge model then
        misreads the velocity (by about 8 % for a 0.6 x 0.3 m ellipse at 1 m seen over +-2 m).
    """

    max_rel_sigma: float = 0.05
    max_rms_periods: float = 0.2
    min_flank_picks: int = 6
    min_side_picks: int = 2
    min_moveout_periods: float = 1.0
    min_inlier_fraction: float = 0.6
    max_radius_depth_ratio: float = 0.5


def _solve_grid(x, t, w, x0s, widths, taus):
    """Weighted least squares of ``(t + tau)**2 = a + c u**2`` at every node at once.

    The nodes are every (x0, width) pair (``x0s``, ``widths``: (G,)) with every ``taus`` (T,);
    the sums over the picks are matrix products. Returns ``a``, ``c`` (G, T) and the predicted
    times (G, T, picks), NaN where the node is degenerate (no pick beyond the flat part) or
    non-physical (``c <= 0``, apex above the surface).
    """
    u = np.maximum(np.abs(x[None, :] - x0s[:, None]) - 0.5 * widths[:, None], 0.0)  # (G, n)
    u2 = u * u
    y = t[None, :] + taus[:, None]  # (T, n)
    yy = y * y
    # the residual that matters is in time: squared-time residuals are 2 t times larger
    ww = w[None, :] / np.maximum(y, 1e-9) ** 2  # (T, n)
    s0 = ww.sum(axis=1)[None, :]  # (1, T)
    s1 = u2 @ ww.T  # (G, T)
    s2 = (u2 * u2) @ ww.T
    r0 = (ww * yy).sum(axis=1)[None, :]
    r1 = u2 @ (ww * yy).T
    det = s0 * s2 - s1 * s1
    ok = det > 1e-12 * np.maximum(s0 * s2, 1e-300)
    det_safe = np.where(ok, det, 1.0)
    a = np.where(ok, (s2 * r0 - s1 * r1) / det_safe, np.nan)
    c = np.where(ok, (s0 * r1 - s1 * r0) / det_safe, np.nan)
    good = ok & (a > taus[None, :] ** 2) & (c > 0)  # a > tau**2: the apex lies below the surface
    a = np.where(good, a, np.nan)
    c = np.where(good, c, np.nan)
    pred = np.sqrt(np.maximum(a[:, :, None] + c[:, :, None] * u2[:, None, :], 0.0)) - taus[None, :, None]
    return a, c, pred


def fit_flat_top_hyperbola(distance_m, twt_ns, *, period_ns: float, spacing_m: float | None = None,
                           weights=None, rounded: bool = True, max_radius_m: float = 2.0,
                           n_iter: int = 4) -> dict:
    """Robust fit of a flat-topped (and optionally rounded) diffraction hyperbola to top picks.

    Model: the two-way time to the nearest point of a strip of width ``w`` at depth ``d`` whose
    edges are rounded with radius ``r``::

        t(x) = sqrt(T**2 + (2 u / v)**2) - 2 r / v,   u = max(|x - x0| - w / 2, 0),
        T = 2 (d + r) / v,   t0 = T - 2 r / v = 2 d / v

    ``r = 0``: sharp edges (a void, a slab); ``w = 0, r = 0``: a point; ``w = 0``: a pipe or a
    rounded cavity top. ``r`` stays >= 0: a convex top looks faster than the medium, never
    slower, so without it the fit of a rounded top would overestimate ``v``; with it, a top whose
    flanks are too short to tell curvature from velocity gets a large standard error.

    ``x0``, ``w`` and ``tau = 2 r / v`` are searched on a grid (``x0`` and ``w`` over the span of
    the picks within half a period of the earliest, where the apex and the flat part must lie,
    ``w`` at most 80 % of the picked length, first in about 24 steps, then in steps of half the
    pick spacing around the best node; ``tau`` over 0 and 8 values
    log-spaced up to the time ``2 max_radius_m / v`` at the fastest road velocity); at each node
    ``T**2`` and ``4 / v**2`` follow from a linear weighted least-squares solve, all nodes at
    once. The node with the smallest truncated-quadratic misfit (residuals capped at a quarter
    period) wins, the picks within a quarter period of its curve are the inliers, and the fit is
    repeated on them.

    Parameters
    ----------
    distance_m : array_like (n,)
        Along-track positions of the picks, m.
    twt_ns : array_like (n,)
        Picked two-way times below the surface (time zero at the surface reflection), ns.
    period_ns : float
        Antenna period, ns: sets the inlier band (a quarter period) and the noise floor of the
        residual used in the standard error (a twentieth of a period).
    spacing_m : float, optional
        Pick spacing along track, m (default: the median step of ``distance_m``).
    weights : array_like (n,), optional
        Relative pick weights (default equal: the weak flanks carry the velocity, so pick
        amplitude is not a good weight).
    rounded : bool
        Fit the edge radius ``r`` (default); False: sharp edges only (``r = 0``).
    max_radius_m : float
        Largest edge radius searched, m.
    n_iter : int
        Trimmed refits (stops early when the inliers no longer change).

    Returns
    -------
    dict
        ``velocity_m_per_ns``, ``velocity_sigma_m_per_ns`` (standard error from the Jacobian of
        all the fitted parameters, so that the trade-off of velocity with width and radius is
        in it; residual floored at a twentieth of a period), ``x0_m``, ``width_m``,
        ``radius_m``, ``t0_ns`` (apex time), ``rms_residual_ns`` (inliers), ``n_picks``,
        ``n_inliers``, ``n_flank_left``/``n_flank_right`` (inlier picks beyond the flat part on
        each side), ``moveout_ns`` (latest inlier flank time minus ``t0``), ``inliers`` (bool
        array, input order). NaN values and no inliers when no node fits.

    Raises
    ------
    DetectionError
        Arrays of different lengths, or a period or spacing that is not a positive number.
    """
    x = np.asarray(distance_m, dtype=float).ravel()
    t = np.asarray(twt_ns, dtype=float).ravel()
    if x.shape != t.shape:
        raise DetectionError(f"fit_flat_top_hyperbola: distance_m has {x.size} values and twt_ns {t.size}; "
                             "expected one time per position")
    if not (np.isfinite(period_ns) and period_ns > 0):
        raise DetectionError(f"fit_flat_top_hyperbola: period_ns must be a positive number; got {period_ns!r}")
    w_in = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w_in.shape != x.shape:
        raise DetectionError(f"fit_flat_top_hyperbola: weights has {w_in.size} values for {x.size} picks")
    usable = np.isfinite(x) & np.isfinite(t) & (t > 0) & np.isfinite(w_in) & (w_in > 0)
    out = {"velocity_m_per_ns": np.nan, "velocity_sigma_m_per_ns": np.nan, "x0_m": np.nan, "width_m": np.nan,
           "radius_m": np.nan, "t0_ns": np.nan, "rms_residual_ns": np.nan, "n_picks": int(usable.sum()),
           "n_inliers": 0, "n_flank_left": 0, "n_flank_right": 0, "moveout_ns": np.nan,
           "inliers": np.zeros(x.size, bool)}
    if usable.sum() < 5:
        return out
    xu, tu, wu = x[usable], t[usable], w_in[usable]
    if spacing_m is None:
        step = np.diff(np.unique(xu))
        spacing_m = float(np.median(step)) if step.size else 0.05
    if not (np.isfinite(spacing_m) and spacing_m > 0):
        raise DetectionError(f"fit_flat_top_hyperbola: spacing_m must be a positive number; got {spacing_m!r}")
    # the apex and the flat part lie among the picks within half a period of the earliest ones
    # (the second earliest: one early outlier must not move the search)
    t_min = float(np.partition(tu, 1)[1])
    near = xu[tu <= t_min + 0.5 * period_ns]
    lo, hi = float(near.min()) - spacing_m, float(near.max()) + spacing_m
    w_max = min(hi - lo, 0.8 * float(np.ptp(xu)))
    fine = 0.5 * spacing_m
    # coarse to fine: at most ~25 x 25 nodes in (x0, w), then half the pick spacing around the best
    coarse = max(fine, (hi - lo) / 24.0)
    tau_max = 2.0 * max_radius_m / VELOCITY_RANGE_M_PER_NS[0]
    tau_grid = (np.r_[0.0, np.geomspace(0.02 * tau_max, tau_max, 8)] if rounded else np.zeros(1))
    band = 0.25 * period_ns

    def nodes(x0_grid, w_grid, t_grid):
        mesh = np.meshgrid(x0_grid, w_grid[w_grid >= 0], indexing="ij")
        return mesh[0].ravel(), mesh[1].ravel(), np.asarray(t_grid, dtype=float)

    def search(grid, inl):
        """Best node (i, j) of ``grid`` for the inliers ``inl`` and the picks within the band of it."""
        a, _, pred = _solve_grid(xu, tu, wu * inl, *grid)
        r = tu - pred  # (G, T, n)
        cost = (np.minimum(r * r, band * band) @ wu)
        cost = np.where(np.isfinite(a), cost, np.inf)
        i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        if not np.isfinite(cost[i, j]):
            return None
        return (i, j), np.abs(r[i, j]) <= band

    grid = nodes(np.arange(lo, hi + 0.5 * coarse, coarse), np.arange(0.0, w_max + 0.5 * coarse, coarse), tau_grid)
    inl = np.ones(xu.size, dtype=bool)
    best = None
    for _ in range(max(1, n_iter)):
        found = search(grid, inl)
        if found is None:
            return out
        best = found
        if np.array_equal(found[1], inl) or found[1].sum() < 5:
            break
        inl = found[1]
    (i, j), inl = best
    if coarse > fine and inl.sum() >= 5:
        x0c, wc, k = grid[0][i], grid[1][i], j
        t_near = tau_grid[max(k - 1, 0):k + 2]
        t_fine = np.unique(np.r_[t_near, 0.5 * (t_near[:-1] + t_near[1:])])
        off = np.arange(-coarse, coarse + 0.5 * fine, fine)
        fine_grid = nodes(x0c + off, np.unique(np.minimum(wc + off, w_max)), t_fine)
        found = search(fine_grid, inl)
        if found is not None and found[1].sum() >= 5:
            grid, ((i, j), inl) = fine_grid, found
    if inl.sum() < 5:
        return out
    x0, width, tau = float(grid[0][i]), float(grid[1][i]), float(grid[2][j])
    # final solve on the inliers at the chosen node
    a1, c1, pred1 = _solve_grid(xu, tu, wu * inl, np.array([x0]), np.array([width]), np.array([tau]))
    if not np.isfinite(a1[0, 0]):
        return out
    a_g, c_g = float(a1[0, 0]), float(c1[0, 0])
    p = pred1[0, 0]
    res = tu - p
    v = 2.0 / np.sqrt(c_g)
    t0 = float(np.sqrt(a_g)) - tau
    u = np.maximum(np.abs(xu - x0) - 0.5 * width, 0.0)
    xi, ui, ri = xu[inl], u[inl], res[inl]
    q = np.maximum(p[inl] + tau, 1e-9)  # sqrt(a + c u**2)
    sgn = np.sign(xi - x0)
    # Jacobian of t with respect to (a, c, x0, w[, tau]): the trade-offs enter the error
    cols = [0.5 / q, 0.5 * ui ** 2 / q, -c_g * ui * sgn / q, -0.5 * c_g * ui / q]
    if rounded:
        cols.append(-np.ones_like(q))
    jac = np.column_stack(cols)
    n_par = jac.shape[1]
    n_in = int(inl.sum())
    rms = float(np.sqrt(np.mean(ri ** 2)))
    s2 = max(float(np.sum(ri ** 2)) / max(n_in - n_par, 1), (0.05 * period_ns) ** 2)
    jtj = jac.T @ jac
    cov = s2 * np.linalg.pinv(jtj) if np.linalg.cond(jtj) < 1e12 else None
    sigma_c = float(np.sqrt(cov[1, 1])) if cov is not None and cov[1, 1] >= 0 else np.inf
    flank = inl & (u > 0)
    left = int(np.sum(flank & (xu < x0)))
    right = int(np.sum(flank & (xu > x0)))
    moveout = float(tu[flank].max() - t0) if flank.any() else 0.0
    inliers = np.zeros(x.size, dtype=bool)
    inliers[np.flatnonzero(usable)[inl]] = True
    out.update(velocity_m_per_ns=float(v), velocity_sigma_m_per_ns=float(0.5 * v * sigma_c / c_g),
               x0_m=x0, width_m=width, radius_m=float(0.5 * tau * v), t0_ns=t0, rms_residual_ns=rms,
               n_inliers=n_in, n_flank_left=left, n_flank_right=right, moveout_ns=moveout, inliers=inliers)
    return out


def accepts(fit: dict, *, period_ns: float, criteria: FlankCriteria | None = None) -> bool:
    """Whether a :func:`fit_flat_top_hyperbola` result constrains the velocity (see
    :class:`FlankCriteria`) and the velocity is one a road material can have."""
    v, sv = fit["velocity_m_per_ns"], fit["velocity_sigma_m_per_ns"]
    if not (np.isfinite(v) and np.isfinite(sv)):
        return False
    cr = criteria or FlankCriteria()
    return bool(VELOCITY_RANGE_M_PER_NS[0] <= v <= VELOCITY_RANGE_M_PER_NS[1]
                and sv <= cr.max_rel_sigma * v
                and fit["rms_residual_ns"] <= cr.max_rms_periods * period_ns
                and fit["n_flank_left"] + fit["n_flank_right"] >= cr.min_flank_picks
                and min(fit["n_flank_left"], fit["n_flank_right"]) >= cr.min_side_picks
                and fit["moveout_ns"] >= cr.min_moveout_periods * period_ns
                and fit["n_inliers"] >= cr.min_inlier_fraction * fit["n_picks"]
                and fit["radius_m"] <= cr.max_radius_depth_ratio * 0.5 * v * fit["t0_ns"])


def _may_constrain(x, t, period_ns: float, criteria: FlankCriteria) -> bool:
    """Cheap necessary conditions for an accepted fit: enough moveout, and enough picks later
    than the apex band on each side of it (a layer, a one-sided dip or a flat top fails)."""
    if x.size < 5 or np.ptp(t) < criteria.min_moveout_periods * period_ns:
        return False
    t_min = float(np.partition(t, 1)[1])
    near = x[t <= t_min + 0.5 * period_ns]
    late = t > t_min + 0.25 * period_ns
    left = int(np.sum(late & (x < near.min())))
    right = int(np.sum(late & (x > near.max())))
    return (min(left, right) >= criteria.min_side_picks
            and left + right >= criteria.min_flank_picks)


def estimate_velocity(records: pd.DataFrame, *, distance_m: np.ndarray, dt_ns: float, t0_ns: float,
                      surface_ns: float, period_samples: int, max_regions: int = 40,
                      criteria: FlankCriteria | None = None, rounded: bool = True) -> tuple[float, str] | None:
    """A depth velocity from the flanks of the candidate regions' tops, or None.

    For each region (the ``max_regions`` with the most columns), the top picks of its best
    channel (the one with the most columns) are fitted with :func:`fit_flat_top_hyperbola`.
    Picks at either end of the top search window of
    :func:`~roadhealth.detect.features.column_records` (``s_first`` and ``s_first + 5 P / 2``)
    are censored (the true top lies outside the window) and left out. A fit counts only when
    :func:`accepts` says its flanks constrain the velocity; with several, the estimate is the
    inverse-variance weighted median of their velocities.

    Parameters
    ----------
    records : pandas.DataFrame
        :func:`~roadhealth.detect.features.column_records` of the regions: ``label``, ``c``,
        ``t``, ``s_first``, ``s_top``, ``e_top``.
    distance_m : numpy.ndarray (channel, trace)
        Along-track position of every trace, m.
    dt_ns, t0_ns : float
        Sample interval and time of the first sample, ns.
    surface_ns : float
        Time of the surface reflection, ns (times are fitted below it).
    period_samples : int
        Antenna period in samples (``Attributes.period_samples``).
    max_regions : int
        Largest number of regions fitted (the loop is over regions, never traces).
    criteria : FlankCriteria
        Acceptance thresholds.
    rounded : bool
        Fit the edge radius (default). False assumes sharp edges (``r = 0``): then a rounded top
        (a pipe, an elliptical cavity) reads faster than the medium, an upper bound only.

    Returns
    -------
    (float, str) or None
        The velocity, m/ns, and a sentence for the evidence (how many flanks, the velocity, its
        standard error and the permittivity); None when no region's flanks constrain it.

    Raises
    ------
    DetectionError
        ``records`` lacks a required column, or ``distance_m`` does not cover its columns.
    """
    criteria = criteria or FlankCriteria()
    need = {"label", "c", "t", "s_first", "s_top", "e_top"}
    missing = need - set(records.columns)
    if missing:
        raise DetectionError(f"estimate_velocity: records lack column(s) {sorted(missing)}; "
                             "expected the output of roadhealth.detect.features.column_records")
    if records.empty:
        return None
    dist = np.atleast_2d(np.asarray(distance_m, dtype=float))
    c_idx = records["c"].to_numpy(np.int64)
    t_idx = records["t"].to_numpy(np.int64)
    if c_idx.max() >= dist.shape[0] or t_idx.max() >= dist.shape[1] or c_idx.min() < 0 or t_idx.min() < 0:
        raise DetectionError(f"estimate_velocity: distance_m has shape {dist.shape}; the records reach channel "
                             f"{c_idx.max()} and trace {t_idx.max()}")
    p = max(int(period_samples), 1)
    period_ns = p * float(dt_ns)
    rel = records["s_top"].to_numpy() - records["s_first"].to_numpy()
    keep = (rel > 0) & (rel < (5 * p) // 2)
    rec = records.loc[keep, ["label", "c", "t", "s_top", "e_top"]]
    if rec.empty:
        return None
    counts = rec.groupby(["label", "c"]).size().rename("n").reset_index()
    best = counts.sort_values(["label", "n"], ascending=[True, False]).drop_duplicates("label")
    best = best[best["n"] >= criteria.min_flank_picks + 3].sort_values("n", ascending=False).head(max_regions)
    if best.empty:
        return None
    sel = rec.merge(best[["label", "c"]], on=["label", "c"])
    spacing = np.abs(np.diff(dist, axis=-1))
    spacing = spacing[np.isfinite(spacing) & (spacing > 0)]
    spacing_m = float(np.median(spacing)) if spacing.size else None
    fits = []
    for _, g in sel.groupby("label"):  # one fit per region
        xd = dist[g["c"].to_numpy(np.int64), g["t"].to_numpy(np.int64)]
        tt = float(t0_ns) + g["s_top"].to_numpy(float) * float(dt_ns) - float(surface_ns)
        if not _may_constrain(xd, tt, period_ns, criteria):
            continue
        fit = fit_flat_top_hyperbola(xd, tt, period_ns=period_ns, spacing_m=spacing_m, rounded=rounded)
        if accepts(fit, period_ns=period_ns, criteria=criteria):
            fits.append(fit)
    if not fits:
        return None
    v = np.array([f["velocity_m_per_ns"] for f in fits])
    sv = np.array([f["velocity_sigma_m_per_ns"] for f in fits])
    wt = 1.0 / sv ** 2
    order = np.argsort(v)
    cum = np.cumsum(wt[order]) / wt.sum()
    vm = float(v[order][np.searchsorted(cum, 0.5)])
    k = int(np.argmin(np.abs(v - vm)))
    f = fits[k]
    n = len(fits)
    what = "the flanks of 1 diffraction" if n == 1 else f"the flanks of {n} diffractions (weighted median)"
    return vm, (f"{what}, {vm:.3f} +- {f['velocity_sigma_m_per_ns']:.3f} m/ns (eps_r {(C0_M_PER_NS / vm) ** 2:.1f}; "
                f"flat-topped hyperbola: apex {f['x0_m']:.2f} m, width {f['width_m']:.2f} m, "
                f"edge radius {f['radius_m']:.2f} m)")
