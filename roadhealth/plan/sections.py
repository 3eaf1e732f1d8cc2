"""Homogeneous sections: where the condition and thickness series along a road change.

Two methods on the same sampled series (one row per ``step_m`` of chainage, one column per
quantity, each standardised):

* :func:`cumulative_difference` - the AASHTO (1993, Appendix J) cumulative-difference method: the
  cumulative sum of the series minus its overall mean, ``Z(x)``, changes slope where the mean
  changes. Applied recursively: a segment is split if ``Z`` departs significantly from the chord
  between its ends (a CUSUM / Brownian-bridge test with the noise level from the sample-to-sample
  differences), at the least-squares position of one change (unweighted ``Z`` peaks late for a step
  near a segment end), both parts at least ``min_size`` samples long; each change point is then
  re-placed once between its neighbours;
* :func:`optimal_segments` - penalised optimal segmentation with ``ruptures`` (PELT, or exact
  dynamic programming with the number of change points chosen by the same penalty), least-squares
  cost, minimum segment length.

Both return change points as sample indices (the index where a new section starts).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from roadhealth.plan.config import PlanError

__all__ = ["cumulative_difference", "optimal_segments", "segment", "standardise"]


def standardise(signal) -> np.ndarray:
    """Each column minus its mean, divided by its noise level (robust: from the sample-to-sample
    differences, MAD), so a column's steps count in units of its own noise. Constant columns
    become 0; NaN are filled with the column's nearest values."""
    x = np.asarray(signal, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    x = x.copy()
    for j in range(x.shape[1]):  # a loop over quantities (a handful)
        col = x[:, j]
        ok = np.isfinite(col)
        if not ok.any():
            x[:, j] = 0.0
            continue
        idx = np.arange(col.size)
        x[:, j] = np.interp(idx, idx[ok], col[ok])
    x -= x.mean(axis=0)
    noise = _noise_sd(x)
    spread = x.std(axis=0)
    scale = np.where(noise > 1e-9 * np.maximum(spread, 1e-300), noise, spread)
    scale = np.where(scale > 0, scale, 1.0)
    return x / scale


def cumulative_difference(signal, *, min_size: int = 2, threshold: float = 1.63) -> list[int]:
    """AASHTO cumulative-difference change points, recursively, with a significance test.

    Parameters
    ----------
    signal : array_like (n,) or (n, d)
        Series sampled at equal steps (standardised by :func:`standardise` first).
    min_size : int
        Shortest segment, samples.
    threshold : float
        Critical departure of ``Z`` from its chord, in noise standard deviations x sqrt(samples)
        (1.36: 5 %, 1.63: 1 % for a Brownian bridge).

    Returns
    -------
    list of int
        Sorted sample indices where new segments start.
    """
    x = standardise(signal)
    n = x.shape[0]
    noise = _noise(x)
    crit_scale = threshold * noise * np.sqrt(x.shape[1])
    edges = [0, n]
    # Binary segmentation, then each change point re-placed between its neighbours; a first cut
    # between two close steps (a saw-tooth) can leave a segment too short to split that the
    # re-placing then lengthens, so the segments are tested again until no new cut is found
    # (at most n / min_size rounds).
    for _ in range(n // max(min_size, 1) + 1):
        found = _binary_cuts(x, edges, min_size, crit_scale)
        if not found:
            break
        edges = sorted([*edges, *found])
        for i in range(1, len(edges) - 1):  # one refinement pass
            edges[i] = edges[i - 1] + _best_split(x[edges[i - 1]:edges[i + 1]], min_size)
    return edges[1:-1]


def _binary_cuts(x: np.ndarray, edges: list[int], min_size: int, crit_scale: float) -> list[int]:
    """New cuts of a recursive cumulative-difference test of each segment between ``edges``."""
    found: list[int] = []
    stack = list(pairwise(edges))
    while stack:  # a loop over segments (at most n / min_size)
        a, b = stack.pop()
        m = b - a
        if m < 2 * min_size:
            continue
        seg = x[a:b]
        z = np.cumsum(seg - seg.mean(axis=0), axis=0)  # Z at the end of each sample; Z[-1] = 0
        score = np.sqrt((z ** 2).sum(axis=1))  # departure from the chord (0 after removing the mean)
        k = np.arange(1, m + 1)
        valid = (k >= min_size) & (k <= m - min_size)
        if not valid.any():
            continue
        if np.max(np.where(valid, score, -np.inf)) > crit_scale * np.sqrt(m):
            cut = a + _best_split(seg, min_size)
            found.append(cut)
            stack += [(a, cut), (cut, b)]
    return found


def _best_split(seg: np.ndarray, min_size: int) -> int:
    """Least-squares position of one change in ``seg`` (the standardised CUSUM maximum), samples
    from its start. The unweighted AASHTO ``Z`` peaks late for a step near a segment's end."""
    m = seg.shape[0]
    z = np.cumsum(seg - seg.mean(axis=0), axis=0)[:-1]
    k = np.arange(1, m)
    stat = (z ** 2).sum(axis=1) * m / (k * (m - k))
    stat[(k < min_size) | (k > m - min_size)] = -np.inf
    return int(k[np.argmax(stat)])


def _noise_sd(x: np.ndarray) -> np.ndarray:
    """Noise standard deviation of each column from the sample-to-sample differences, robust to
    the few large differences at steps: the largest 10 % are trimmed and the trimmed mean square
    corrected for a normal distribution (E[z^2 | |z| < 1.645] = 0.6225)."""
    d = np.diff(x, axis=0)
    if len(d) < 3:
        return np.ones(x.shape[1])
    a = np.sort(np.abs(d), axis=0)[: max(2, int(np.floor(0.9 * len(d))))]
    return np.sqrt((a ** 2).mean(axis=0) / 0.6225 / 2)


def _noise(x: np.ndarray) -> float:
    s = float(np.sqrt(np.mean(_noise_sd(x) ** 2)))
    return s if s > 1e-9 else 1e-9


def optimal_segments(signal, *, min_size: int = 2, penalty: float = 3.0, method: str = "pelt") -> list[int]:
    """Penalised optimal segmentation (``ruptures``), least-squares cost.

    Parameters
    ----------
    signal : array_like (n,) or (n, d)
    min_size : int
        Shortest segment, samples.
    penalty : float
        Cost of one change point per standardised quantity and per ``log(n)``: the total penalty
        is ``penalty * d * log(n)`` (BIC-like; the series are in units of their noise).
    method : {"pelt", "dp"}
        PELT (Killick et al. 2012) or exact dynamic programming over the number of change points,
        chosen to minimise cost + penalty x count.

    Returns
    -------
    list of int
        Sorted sample indices where new segments start.
    """
    import ruptures as rpt

    x = standardise(signal)
    n, d = x.shape
    if n < 2 * min_size:
        return []
    pen = float(penalty) * d * np.log(n)
    # the linear-kernel cost of ruptures' KernelCPD is the least-squares (l2) cost; its PELT and
    # dynamic programming run in C (rpt.Pelt(model="l2") is the same in pure Python, ~1000x slower)
    algo = rpt.KernelCPD(kernel="linear", min_size=min_size, jump=1).fit(x)
    if method == "pelt":
        return [int(b) for b in algo.predict(pen=pen)[:-1]]
    if method != "dp":
        raise PlanError(f"sections.method: {method!r}; expected 'pelt', 'dp' or 'cda'")
    c1 = np.vstack([np.zeros((1, d)), np.cumsum(x, axis=0)])
    c2 = np.r_[0.0, np.cumsum((x ** 2).sum(axis=1))]

    def cost(bk):
        e = np.asarray([0, *bk])
        a, b = e[:-1], e[1:]
        return float(np.sum(c2[b] - c2[a] - ((c1[b] - c1[a]) ** 2).sum(axis=1) / (b - a)))

    best, best_val = [], cost([n])
    for k in range(1, n // min_size):  # a loop over the number of change points
        try:
            bk = [int(b) for b in algo.predict(n_bkps=k)]
        except rpt.exceptions.BadSegmentationParameters:
            break
        val = cost(bk) + pen * k
        if val < best_val:
            best, best_val = bk[:-1], val
        elif k > len(best) + 3:  # cost + penalty is convex in k in practice: stop after 3 worse
            break
    return best


def segment(signal, *, method: str = "pelt", min_size: int = 2, penalty: float = 3.0,
            threshold: float = 1.63) -> list[int]:
    """Change points by the configured method ("pelt", "dp" or "cda")."""
    if method == "cda":
        return cumulative_difference(signal, min_size=min_size, threshold=threshold)
    return optimal_segments(signal, min_size=min_size, penalty=penalty, method=method)
