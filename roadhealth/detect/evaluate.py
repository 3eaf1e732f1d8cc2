"""Score detections against truth: matching, per-kind scores, errors, false alarms, calibration.

:func:`evaluate` takes two anomaly tables (``docs/anomalies.md``): what a detector found and what
is really there (synthetic truth, or drilled and confirmed defects), and returns an
:class:`EvaluationReport`.

Matching, as a road engineer who drills where we say would judge it
----------------------------------------------------------------------
A detection *finds* a true defect when their boxes, each grown by a tolerance, overlap on all three
axes:

* along track: the gap between ``[distance_start_m, distance_end_m]`` of the two is at most
  ``along_tol_m`` (default 0.5 m: a drill placed anywhere in the reported extent lands within half
  a metre of the defect, about one core-barrel reposition);
* across track: the same with ``offset_*_m`` and ``across_tol_m`` (default 0.5 m; a single profile
  reports a zero-width offset interval at its channel, which then has to lie within 0.5 m of the
  defect's footprint);
* in depth: the gap between ``[depth_top_m, depth_bottom_m]`` is at most ``depth_tol_m`` (default
  0.2 m: a drill stopped 20 cm short of the reported depth would still reach it, and 0.2 m is the
  95th-percentile top-depth target of issue 10);
* and, when both tables have a ``survey`` column, in the same survey (a missing value matches any).

Each detection finds at most one defect and each defect is found at most once: an optimal
one-to-one assignment (:func:`scipy.optimize.linear_sum_assignment`, solved per connected group of
candidate pairs) minimising the normalised centre distance
``sqrt((d_along / along_tol)^2 + (d_across / across_tol)^2 + (d_top / depth_tol)^2)``, with a
penalty of 1 for a wrong kind so that, of two candidates, the one of the right kind wins.

A detection of the wrong kind still *found* the defect ("defect found" recall, ``recall_found``)
but is wrong for the kind (``recall``, ``precision`` and ``f1`` per kind are kind-strict; the
kind accuracy is right kinds / defects found). An unmatched detection that would have matched a
defect already taken is a *duplicate* (a split detection); any other unmatched detection is a
*false alarm*; if it lies on clutter (a pipe, manhole or undulation from ``clutter=``, same
tolerances) that clutter object counts as *flagged*. Precision counts duplicates against the
detector (strict); false alarms per km do not.

The errors of matched pairs are detection minus truth: along-track and across-track centre
position, top depth, bottom depth, length, width and height, reported as median and 95th
percentile of the absolute error and as median signed error (bias).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from roadhealth.anomalies import ANOMALY_KINDS, conform_anomalies
from roadhealth.errors import AnomalyTableError, DetectionError

__all__ = ["DEFAULT_BINS", "EvaluationReport", "evaluate"]

#: Default confidence bin edges of the reliability table.
DEFAULT_BINS = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0)

#: Kinds scored together as "air-filled" (the cavity/void targets of issue 10).
AIR_KINDS = ("cavity", "void")

_ERROR_QUANTITIES = ("along_m", "across_m", "depth_top_m", "depth_bottom_m", "length_m", "width_m", "height_m")
_WRONG_KIND_PENALTY = 1.0
_INFEASIBLE = 1e9


@dataclass
class EvaluationReport:
    """What :func:`evaluate` measured.

    Attributes
    ----------
    per_kind : pandas.DataFrame
        Index: each kind, ``"cavity+void"`` (air-filled defects, a void called a cavity counts as
        right) and ``"all"``; columns ``n_truth``, ``n_detected`` (detections of that kind),
        ``found`` (defects of that kind found by a detection of any kind), ``right_kind``,
        ``recall_found``, ``recall``, ``precision``, ``f1``, ``kind_accuracy``.
    confusion : pandas.DataFrame
        Rows: true kinds and ``"false alarm"``; columns: detected kinds and ``"missed"``; counts.
    errors : pandas.DataFrame
        MultiIndex (kind or ``"all"``, quantity); columns ``n``, ``median_abs``, ``p95_abs``,
        ``bias`` (median signed), in metres.
    calibration : pandas.DataFrame
        One row per confidence bin: ``bin`` (label), ``lo``, ``hi``, ``n``, ``mean_confidence``,
        ``fraction_real`` (matched to a defect), ``fraction_right_kind``.
    matches : pandas.DataFrame
        One row per matched pair: ``detection`` and ``truth`` (row positions in the inputs),
        ``survey``, ``kind_detected``, ``kind_true``, ``confidence`` and the signed errors.
    unmatched : pandas.DataFrame
        One row per unmatched detection: ``detection``, ``survey``, ``kind``, ``confidence``,
        ``status`` (``"false alarm"`` or ``"duplicate"``), ``on_clutter`` (clutter kind or None).
    missed : pandas.DataFrame
        The true defects no detection found (a copy of their truth rows, without geometry).
    clutter : pandas.DataFrame
        Per clutter kind: ``n``, ``flagged`` (objects with a false alarm on them), ``fraction``.
    overall : dict
        Headline numbers (see :meth:`to_dict`).
    tolerances : dict
        The tolerances used, m.
    """

    per_kind: pd.DataFrame
    confusion: pd.DataFrame
    errors: pd.DataFrame
    calibration: pd.DataFrame
    matches: pd.DataFrame
    unmatched: pd.DataFrame
    missed: pd.DataFrame
    clutter: pd.DataFrame
    overall: dict = field(default_factory=dict)
    tolerances: dict = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Per-kind scores with the headline errors: one row per kind, ``cavity+void`` and ``all``.

        Columns: those of :attr:`per_kind` plus ``depth_top_median_abs_m``,
        ``depth_top_p95_abs_m``, ``along_median_abs_m`` and ``along_p95_abs_m``.
        """
        out = self.per_kind.copy()
        for q, name in (("depth_top_m", "depth_top"), ("along_m", "along")):
            for stat, col in (("median_abs", f"{name}_median_abs_m"), ("p95_abs", f"{name}_p95_abs_m")):
                vals = []
                for k in out.index:
                    key = (k, q)
                    vals.append(float(self.errors.loc[key, stat]) if key in self.errors.index else math.nan)
                out[col] = vals
        return out

    def to_dict(self) -> dict:
        """Everything as JSON-able builtins (NaN becomes None)."""

        def frame(df: pd.DataFrame, index_name: str) -> list[dict]:
            d = df.reset_index().rename(columns={"index": index_name})
            return [{str(k): _clean(v) for k, v in row.items()} for row in d.to_dict(orient="records")]

        errs = self.errors.reset_index()
        return {
            "overall": {k: _clean(v) for k, v in self.overall.items()},
            "tolerances": {k: _clean(v) for k, v in self.tolerances.items()},
            "per_kind": frame(self.per_kind, "kind"),
            "confusion": {str(r): {str(c): int(v) for c, v in row.items()} for r, row in self.confusion.iterrows()},
            "errors": [{str(k): _clean(v) for k, v in row.items()} for row in errs.to_dict(orient="records")],
            "calibration": [{str(k): _clean(v) for k, v in row.items()}
                            for row in self.calibration.to_dict(orient="records")],
            "clutter": frame(self.clutter, "clutter_kind"),
            "n_matches": len(self.matches),
            "unmatched": [{str(k): _clean(v) for k, v in row.items()}
                          for row in self.unmatched.to_dict(orient="records")],
        }

    def to_json(self, **kwargs) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)

    def plot_calibration(self, ax=None):
        """Reliability diagram: fraction of detections that are real against mean confidence per
        bin (marker area ~ count), with the diagonal of perfect calibration. Returns the axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4.2, 4.0))
        cal = self.calibration[self.calibration["n"] > 0]
        ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfectly calibrated")
        if len(cal):
            sizes = 20 + 180 * cal["n"] / cal["n"].max()
            ax.plot(cal["mean_confidence"], cal["fraction_real"], color="C0", lw=1)
            ax.scatter(cal["mean_confidence"], cal["fraction_real"], s=sizes, color="C0", zorder=3,
                       label="fraction real (area ~ count)")
        ax.axvline(0.8, color="C3", lw=0.8, ls=":")
        ax.axhline(0.8, color="C3", lw=0.8, ls=":")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("confidence")
        ax.set_ylabel("fraction of detections that are real")
        ax.legend(loc="upper left", fontsize=8)
        return ax


def _clean(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, tuple):
        return [_clean(x) for x in v]
    if v is pd.NA or v is None:
        return None
    return v


def _check_tol(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DetectionError(f"evaluate: {name} must be a number of metres; got {value!r}") from None
    if not math.isfinite(v) or v < 0:
        raise DetectionError(f"evaluate: {name} must be a finite, non-negative number of metres; got {value!r}")
    return v


def _as_table(table, what: str):
    import geopandas as gpd

    if table is None:
        raise AnomalyTableError(f"evaluate: {what} is None; pass an anomaly table (possibly empty)")
    if isinstance(table, pd.DataFrame) and not isinstance(table, gpd.GeoDataFrame):
        if "geometry" not in table.columns:
            raise AnomalyTableError(f"evaluate: {what} is a DataFrame without a 'geometry' column; "
                                    "pass an anomaly table (geopandas.GeoDataFrame)")
        table = gpd.GeoDataFrame(table, geometry="geometry")
    return conform_anomalies(table, source=what)


def _boxes(df: pd.DataFrame) -> dict[str, np.ndarray]:
    return {c: df[c].to_numpy(float) for c in ("distance_start_m", "distance_end_m", "offset_start_m",
                                                "offset_end_m", "depth_top_m", "depth_bottom_m")}


def _gap(a0, a1, b0, b1) -> np.ndarray:
    """Pairwise gap between intervals [a0, a1] (rows) and [b0, b1] (columns); 0 when they overlap."""
    return np.maximum(0.0, np.maximum(a0[:, None] - b1[None, :], b0[None, :] - a1[:, None]))


def _survey_codes(a: pd.DataFrame, b: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Integer codes of the ``survey`` column of both tables (-1: missing), or None when either
    table has no such column."""
    if "survey" not in a.columns or "survey" not in b.columns:
        return None
    sa = pd.Series(a["survey"].astype(object).to_numpy(), dtype=object)
    sb = pd.Series(b["survey"].astype(object).to_numpy(), dtype=object)
    codes, _ = pd.factorize(pd.concat([sa, sb], ignore_index=True), use_na_sentinel=True)
    return codes[: len(sa)].astype(np.int64), codes[len(sa):].astype(np.int64)


def _block_pairs(a: dict, b: dict, ia: np.ndarray, ib: np.ndarray, tol) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (rows of ``a``, rows of ``b``) among ``ia`` x ``ib`` whose grown boxes overlap."""
    out_i, out_j = [], []
    step = max(1, 4_000_000 // max(ib.size, 1))  # bound the dense block to ~4 M pairs
    for k in range(0, ia.size, step):
        ra = ia[k:k + step]
        ok = _gap(a["distance_start_m"][ra], a["distance_end_m"][ra], b["distance_start_m"][ib],
                  b["distance_end_m"][ib]) <= tol[0] + 1e-9
        ok &= _gap(a["offset_start_m"][ra], a["offset_end_m"][ra], b["offset_start_m"][ib],
                   b["offset_end_m"][ib]) <= tol[1] + 1e-9
        ok &= _gap(a["depth_top_m"][ra], a["depth_bottom_m"][ra], b["depth_top_m"][ib],
                   b["depth_bottom_m"][ib]) <= tol[2] + 1e-9
        r, c = np.nonzero(ok)
        out_i.append(ra[r])
        out_j.append(ib[c])
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_i), np.concatenate(out_j)


def _pairs(det: pd.DataFrame, other: pd.DataFrame, tol: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (detection row, other row): grown boxes overlap on all three axes, and the
    surveys agree when both tables name them (a missing survey matches any). Computed per survey,
    so memory grows with the largest survey, not with the whole campaign."""
    a, b = _boxes(det), _boxes(other)
    n_a, n_b = len(det), len(other)
    if n_a == 0 or n_b == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    codes = _survey_codes(det, other)
    if codes is None:
        return _block_pairs(a, b, np.arange(n_a), np.arange(n_b), tol)
    ca, cb = codes
    parts = []
    order_a, order_b = np.argsort(ca, kind="stable"), np.argsort(cb, kind="stable")
    for c in np.intersect1d(ca[ca >= 0], cb[cb >= 0]):
        ia = order_a[np.searchsorted(ca[order_a], c):np.searchsorted(ca[order_a], c, side="right")]
        ib = order_b[np.searchsorted(cb[order_b], c):np.searchsorted(cb[order_b], c, side="right")]
        parts.append(_block_pairs(a, b, ia, ib, tol))
    wild_a, wild_b = np.flatnonzero(ca < 0), np.flatnonzero(cb < 0)
    if wild_a.size:  # detections without a survey: against everything
        parts.append(_block_pairs(a, b, wild_a, np.arange(n_b), tol))
    if wild_b.size:  # others without a survey: against the detections that have one
        parts.append(_block_pairs(a, b, np.flatnonzero(ca >= 0), wild_b, tol))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _centres(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    along = 0.5 * (df["distance_start_m"].to_numpy(float) + df["distance_end_m"].to_numpy(float))
    across = 0.5 * (df["offset_start_m"].to_numpy(float) + df["offset_end_m"].to_numpy(float))
    return along, across


def _assign(ii: np.ndarray, jj: np.ndarray, cost: np.ndarray, n_d: int, n_t: int) -> tuple[np.ndarray, np.ndarray]:
    """Optimal one-to-one assignment over candidate pairs ``(ii, jj)`` with ``cost`` per pair.

    The bipartite graph of candidate pairs splits into connected groups; a group of one detection
    and one defect is assigned directly (vectorised), larger groups by
    :func:`scipy.optimize.linear_sum_assignment` on their small dense cost matrix.
    """
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if ii.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    graph = coo_matrix((np.ones(ii.size), (ii, n_d + jj)), shape=(n_d + n_t, n_d + n_t))
    _, labels = connected_components(graph, directed=False)
    lab = labels[ii]
    n_d_in = np.bincount(labels[:n_d], minlength=labels.max() + 1)
    n_t_in = np.bincount(labels[n_d:], minlength=labels.max() + 1)
    single = (n_d_in[lab] == 1) & (n_t_in[lab] == 1)
    rows, cols = [ii[single]], [jj[single]]
    multi = np.flatnonzero(~single)
    if multi.size:
        order = multi[np.argsort(lab[multi], kind="stable")]
        groups = np.split(order, np.flatnonzero(np.diff(lab[order])) + 1)
        for g in groups:  # one small assignment problem per connected group
            di, pos_d = np.unique(ii[g], return_inverse=True)
            tj, pos_t = np.unique(jj[g], return_inverse=True)
            sub = np.full((di.size, tj.size), _INFEASIBLE)
            sub[pos_d, pos_t] = cost[g]
            r, c = linear_sum_assignment(sub)
            keep = sub[r, c] < _INFEASIBLE
            rows.append(di[r[keep]])
            cols.append(tj[c[keep]])
    return np.concatenate(rows), np.concatenate(cols)


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b else math.nan


def _f1(p: float, r: float) -> float:
    if not (math.isfinite(p) and math.isfinite(r)):
        return math.nan
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _length_km(survey_length_km) -> float:
    """Surveyed length, km, from a number, a mapping survey -> km, or surveys (their distance span)."""
    if survey_length_km is None:
        return math.nan
    if isinstance(survey_length_km, Mapping):
        return float(sum(float(v) for v in survey_length_km.values()))
    if hasattr(survey_length_km, "dims") or (isinstance(survey_length_km, Sequence)
                                             and not isinstance(survey_length_km, str)
                                             and len(survey_length_km) and hasattr(survey_length_km[0], "dims")):
        surveys = [survey_length_km] if hasattr(survey_length_km, "dims") else list(survey_length_km)
        total = 0.0
        for s in surveys:
            d = np.asarray(s.coords["distance_m"].values, float)
            total += float(np.nanmax(d) - np.nanmin(d)) if d.size else 0.0
        return total / 1000.0
    v = float(survey_length_km)
    if not math.isfinite(v) or v <= 0:
        raise DetectionError(f"evaluate: survey_length_km must be a positive number of km; got {survey_length_km!r}")
    return v


def evaluate(
    detections,
    truth,
    *,
    along_tol_m: float = 0.5,
    across_tol_m: float = 0.5,
    depth_tol_m: float = 0.2,
    clutter=None,
    survey_length_km=None,
    confidence_bins: Sequence[float] = DEFAULT_BINS,
) -> EvaluationReport:
    """Match detections to true defects and score them.

    Parameters
    ----------
    detections : geopandas.GeoDataFrame
        Anomaly table returned by ``roadhealth.detect`` (any anomaly table; extras allowed).
    truth : geopandas.GeoDataFrame
        Anomaly table of the real defects (e.g. :func:`roadhealth.synth.truth.truth`).
    along_tol_m, across_tol_m, depth_tol_m : float
        Largest gap, m, between a detection's and a defect's along-track, across-track and depth
        intervals for them to match (see the module notes). Defaults 0.5, 0.5 and 0.2 m.
    clutter : pandas.DataFrame, optional
        Objects a detector must not flag (:func:`roadhealth.synth.truth.clutter_truth`: ``kind``
        pipe/manhole/undulation, ``distance_*_m``, ``offset_*_m``, ``depth_*_m``, optional
        ``survey``). A false alarm within the tolerances of one flags it.
    survey_length_km : float, mapping, xarray.DataArray or list of them, optional
        Length surveyed, km (a mapping survey -> km is summed; surveys give the span of their
        ``distance_m``), for false alarms per km. NaN when not given.
    confidence_bins : sequence of float
        Bin edges of the reliability table, ascending within 0..1 (the last bin includes 1).

    Returns
    -------
    EvaluationReport

    Raises
    ------
    AnomalyTableError
        When either table is not an anomaly table (missing or misplaced columns, bad values).
    DetectionError
        When a tolerance, the survey length or the bins are not usable numbers.
    """
    tol = (_check_tol("along_tol_m", along_tol_m), _check_tol("across_tol_m", across_tol_m),
           _check_tol("depth_tol_m", depth_tol_m))
    bins = np.asarray(confidence_bins, dtype=float)
    if bins.ndim != 1 or bins.size < 2 or not np.all(np.diff(bins) > 0) or bins[0] < 0 or bins[-1] > 1:
        raise DetectionError(f"evaluate: confidence_bins must be at least two ascending edges within 0..1; "
                             f"got {list(confidence_bins)!r}")
    det = _as_table(detections, "detections").reset_index(drop=True)
    tru = _as_table(truth, "truth").reset_index(drop=True)
    length_km = _length_km(survey_length_km)
    n_d, n_t = len(det), len(tru)
    if n_d and n_t and "survey" in det and "survey" in tru:
        sd = set(det["survey"].dropna().astype(str))
        st = set(tru["survey"].dropna().astype(str))
        if sd and st and not sd & st:
            from roadhealth.io._common import warn

            warn(f"evaluate: no survey is named in both tables (detections: {sorted(sd)[:3]}, truth: "
                 f"{sorted(st)[:3]}); nothing can match, so every detection is a false alarm and every "
                 "defect is missed. Do the survey names agree?")
    kd = det["kind"].astype(str).to_numpy()
    kt = tru["kind"].astype(str).to_numpy()
    conf = det["confidence"].to_numpy(float)

    # ---- matching ---------------------------------------------------------------------------
    pi, pj = _pairs(det, tru, tol)
    da, dc = _centres(det)
    ta, tc = _centres(tru)
    scale = [max(t, 1e-3) for t in tol]
    d_top = det["depth_top_m"].to_numpy(float)
    t_top = tru["depth_top_m"].to_numpy(float)
    cost = np.sqrt(((da[pi] - ta[pj]) / scale[0]) ** 2 + ((dc[pi] - tc[pj]) / scale[1]) ** 2
                   + ((d_top[pi] - t_top[pj]) / scale[2]) ** 2)
    cost = cost + _WRONG_KIND_PENALTY * (kd[pi] != kt[pj])
    mi, mj = _assign(pi, pj, cost, n_d, n_t)
    matched_d = np.zeros(n_d, bool)
    matched_d[mi] = True
    matched_t = np.zeros(n_t, bool)
    matched_t[mj] = True
    right = kd[mi] == kt[mj]

    # ---- errors of matched pairs (detection - truth) -------------------------------------------
    err = {
        "along_m": da[mi] - ta[mj],
        "across_m": dc[mi] - tc[mj],
        "depth_top_m": d_top[mi] - t_top[mj],
        "depth_bottom_m": det["depth_bottom_m"].to_numpy(float)[mi] - tru["depth_bottom_m"].to_numpy(float)[mj],
        "length_m": det["length_m"].to_numpy(float)[mi] - tru["length_m"].to_numpy(float)[mj],
        "width_m": det["width_m"].to_numpy(float)[mi] - tru["width_m"].to_numpy(float)[mj],
        "height_m": det["height_m"].to_numpy(float)[mi] - tru["height_m"].to_numpy(float)[mj],
    }
    survey_col = det["survey"].astype(object).to_numpy()[mi] if "survey" in det.columns else np.full(mi.size, None)
    matches = pd.DataFrame({"detection": mi, "truth": mj, "survey": survey_col, "kind_detected": kd[mi],
                            "kind_true": kt[mj], "confidence": conf[mi], **err})

    # ---- unmatched detections: duplicates, false alarms, clutter ---------------------------------
    un = np.flatnonzero(~matched_d)
    dup_d = np.zeros(n_d, bool)
    dup_d[pi[matched_t[pj] & ~matched_d[pi]]] = True
    dup = dup_d[un]
    on_clutter = np.full(un.size, None, dtype=object)
    clutter_rows = []
    if clutter is not None and len(clutter):
        cl = _clutter_frame(clutter)
        fa = un[~dup]  # false alarms only
        ci, cj = _pairs(det.iloc[fa].reset_index(drop=True), cl, tol)
        ck = cl["kind"].astype(str).to_numpy()
        first = np.full(fa.size, -1)
        first[ci[::-1]] = cj[::-1]  # the first clutter object each false alarm lies on
        on_fa = np.full(fa.size, None, dtype=object)
        on_fa[first >= 0] = ck[first[first >= 0]]
        on_clutter[~dup] = on_fa
        flagged = np.zeros(len(cl), bool)
        flagged[cj] = True
        for k in sorted(set(ck)):
            sel = ck == k
            clutter_rows.append({"clutter_kind": k, "n": int(sel.sum()), "flagged": int(flagged[sel].sum()),
                                 "fraction": _ratio(flagged[sel].sum(), sel.sum())})
    clutter_df = pd.DataFrame(clutter_rows, columns=["clutter_kind", "n", "flagged", "fraction"]).set_index(
        "clutter_kind")
    unmatched = pd.DataFrame({
        "detection": un,
        "survey": det["survey"].astype(object).to_numpy()[un] if "survey" in det.columns else np.full(un.size, None),
        "kind": kd[un], "confidence": conf[un],
        "status": np.where(dup, "duplicate", "false alarm"),
    })
    unmatched["on_clutter"] = pd.Series(list(on_clutter), dtype=object)
    n_false = int((~dup).sum())

    # ---- per kind -------------------------------------------------------------------------------
    rows = {}
    groups = [(k, (k,)) for k in ANOMALY_KINDS] + [("cavity+void", AIR_KINDS), ("all", ANOMALY_KINDS)]
    for name, kinds in groups:
        t_in = np.isin(kt, kinds)
        d_in = np.isin(kd, kinds)
        n_truth = int(t_in.sum())
        n_det = int(d_in.sum())
        found = int(np.isin(kt[mj], kinds).sum())
        # right kind: within the group (a void called a cavity is right for "cavity+void"; any
        # defect called a defect is right for "all" only when the kinds agree)
        if name == "cavity+void":
            ok_pair = np.isin(kt[mj], kinds) & np.isin(kd[mi], kinds)
        else:
            ok_pair = np.isin(kt[mj], kinds) & right
        right_kind = int(ok_pair.sum())
        if name == "all":
            precision = _ratio(mi.size, n_det)  # any defect is a defect
            recall = _ratio(found, n_truth)
            prec_kind = _ratio(right_kind, n_det)
        else:
            det_ok = np.isin(kd[mi], kinds) & (np.isin(kt[mj], kinds) if name == "cavity+void" else right)
            prec_kind = precision = _ratio(int(det_ok.sum()), n_det)
            recall = _ratio(right_kind, n_truth)
        rows[name] = {
            "n_truth": n_truth, "n_detected": n_det, "found": found, "right_kind": right_kind,
            "recall_found": _ratio(found, n_truth), "recall": recall, "precision": precision,
            "f1": _f1(precision, recall), "kind_accuracy": _ratio(right_kind, found),
            "precision_right_kind": prec_kind,
        }
    per_kind = pd.DataFrame.from_dict(rows, orient="index")
    per_kind.index.name = "kind"

    # ---- confusion ---------------------------------------------------------------------------------
    labels_t = [*list(ANOMALY_KINDS), "false alarm"]
    labels_d = [*list(ANOMALY_KINDS), "missed"]
    conf_m = np.zeros((len(labels_t), len(labels_d)), dtype=np.int64)
    kidx = {k: i for i, k in enumerate(ANOMALY_KINDS)}
    if mi.size:
        np.add.at(conf_m, (np.array([kidx[k] for k in kt[mj]]), np.array([kidx[k] for k in kd[mi]])), 1)
    for i, k in enumerate(ANOMALY_KINDS):
        conf_m[i, -1] = int(((kt == k) & ~matched_t).sum())
        conf_m[-1, i] = int(((kd[un] == k) & ~dup).sum())
    confusion = pd.DataFrame(conf_m, index=pd.Index(labels_t, name="truth"),
                             columns=pd.Index(labels_d, name="detection"))

    # ---- error statistics ---------------------------------------------------------------------
    err_rows = []
    for name, kinds in [("all", ANOMALY_KINDS)] + [(k, (k,)) for k in ANOMALY_KINDS] + [("cavity+void", AIR_KINDS)]:
        sel = np.isin(kt[mj], kinds)
        for q in _ERROR_QUANTITIES:
            e = err[q][sel]
            e = e[np.isfinite(e)]
            err_rows.append({"kind": name, "quantity": q, "n": int(e.size),
                             "median_abs": float(np.median(np.abs(e))) if e.size else math.nan,
                             "p95_abs": float(np.percentile(np.abs(e), 95)) if e.size else math.nan,
                             "bias": float(np.median(e)) if e.size else math.nan})
    errors = pd.DataFrame(err_rows).set_index(["kind", "quantity"])

    # ---- calibration -------------------------------------------------------------------------------
    b = np.clip(np.searchsorted(bins, conf, side="right") - 1, 0, bins.size - 2)
    inside = (conf >= bins[0]) & (conf <= bins[-1])
    real = matched_d.astype(float)
    right_d = np.zeros(n_d)
    right_d[mi[right]] = 1.0
    nb = bins.size - 1
    cnt = np.bincount(b[inside], minlength=nb).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_c = np.bincount(b[inside], weights=conf[inside], minlength=nb) / cnt
        frac = np.bincount(b[inside], weights=real[inside], minlength=nb) / cnt
        frac_k = np.bincount(b[inside], weights=right_d[inside], minlength=nb) / cnt
    labels = [f"[{bins[i]:g}, {bins[i + 1]:g}{']' if i == nb - 1 else ')'}" for i in range(nb)]
    calibration = pd.DataFrame({"bin": labels, "lo": bins[:-1], "hi": bins[1:], "n": cnt.astype(int),
                                "mean_confidence": mean_c, "fraction_real": frac, "fraction_right_kind": frac_k})
    hi_conf = conf >= 0.8
    ece = float(np.nansum(cnt * np.abs(mean_c - frac)) / cnt.sum()) if cnt.sum() else math.nan

    missed = tru.loc[~matched_t].drop(columns="geometry").reset_index(names="truth")
    overall = {
        "n_detections": n_d, "n_truth": n_t, "matched": int(mi.size),
        "precision": _ratio(mi.size, n_d), "recall_found": _ratio(mj.size, n_t),
        "f1": _f1(_ratio(mi.size, n_d), _ratio(mj.size, n_t)),
        "kind_accuracy": _ratio(int(right.sum()), mi.size),
        "false_alarms": n_false, "duplicates": int(dup.sum()),
        "survey_length_km": length_km, "false_alarms_per_km": _ratio(n_false, length_km) if length_km else math.nan,
        "n_confidence_ge_0.8": int(hi_conf.sum()),
        "real_fraction_confidence_ge_0.8": _ratio(real[hi_conf].sum(), hi_conf.sum()),
        "expected_calibration_error": ece,
        "depth_top_median_abs_m": float(errors.loc[("all", "depth_top_m"), "median_abs"]),
        "depth_top_p95_abs_m": float(errors.loc[("all", "depth_top_m"), "p95_abs"]),
        "along_median_abs_m": float(errors.loc[("all", "along_m"), "median_abs"]),
        "along_p95_abs_m": float(errors.loc[("all", "along_m"), "p95_abs"]),
    }
    for k, row in clutter_df.iterrows():
        overall[f"{k}_flagged_fraction"] = row["fraction"]
    return EvaluationReport(per_kind=per_kind, confusion=confusion, errors=errors, calibration=calibration,
                            matches=matches, unmatched=unmatched, missed=missed, clutter=clutter_df,
                            overall=overall, tolerances={"along_tol_m": tol[0], "across_tol_m": tol[1],
                                                         "depth_tol_m": tol[2]})


def _clutter_frame(clutter) -> pd.DataFrame:
    need = ["kind", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m", "depth_top_m",
            "depth_bottom_m"]
    if not isinstance(clutter, pd.DataFrame):
        raise AnomalyTableError(f"evaluate: clutter must be a table (DataFrame); got {type(clutter).__name__}")
    missing = [c for c in need if c not in clutter.columns]
    if missing:
        raise AnomalyTableError(f"evaluate: clutter table lacks column(s) {missing}; it needs {need}")
    cl = pd.DataFrame({c: clutter[c] for c in need + (["survey"] if "survey" in clutter.columns else [])})
    cl = cl.reset_index(drop=True)
    for c in need[1:]:
        v = pd.to_numeric(cl[c], errors="coerce")
        if v.isna().any():
            raise AnomalyTableError(f"evaluate: clutter column {c!r} must hold numbers (m); "
                                    f"{int(v.isna().sum())} row(s) do not")
        cl[c] = v.astype(float)
    return cl
