"""``plan()``: from centrelines, anomalies, surface condition and asphalt thickness to a :class:`Plan`."""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from roadhealth.errors import RoadHealthWarning
from roadhealth.plan.config import PlanError, load_config
from roadhealth.plan.inputs import (
    check_anomalies,
    check_breaks,
    check_centrelines,
    check_condition,
    check_thickness,
    check_weather,
    risk_scores,
)
from roadhealth.plan.referencing import lane_bands, locate_footprints, locate_points
from roadhealth.plan.schedule import Calendar, Job, schedule_crews, schedule_trains
from roadhealth.plan.sections import segment
from roadhealth.plan.treatments import HIR_TREATMENTS, decide, form_runs, pretreatments

__all__ = ["Plan", "band_polygon", "plan"]

_SECTION_COLS = ["section_id", "road", "lane", "chainage_from_m", "chainage_to_m", "length_m", "treatment", "rule",
                 "pci", "cracking_pct", "rutting_mm", "ravelling", "asphalt_p10_mm", "coverage", "defects", "run_id",
                 "reason"]
_RUN_COLS = ["run_id", "road", "lane", "chainage_from_m", "chainage_to_m", "length_m", "width_m", "area_m2",
             "depth_mm", "recycled_mix_t", "new_mix_t", "rejuvenator_t", "train_days", "bridged_m", "sections",
             "pretreatments", "treatment", "reason"]


def band_polygon(line, s0: float, s1: float, lo: float, hi: float, step_m: float = 2.0):
    """Polygon of the band between offsets ``lo`` and ``hi`` (m, positive left) along ``line``
    from chainage ``s0`` to ``s1`` (m)."""
    s = np.linspace(s0, s1, max(2, math.ceil((s1 - s0) / step_m) + 1))
    xy = shapely.get_coordinates(shapely.line_interpolate_point(line, s))
    eps = min(0.5, line.length / 4)
    a = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s - eps, 0, line.length)))
    b = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s + eps, 0, line.length)))
    t = b - a
    t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-12)[:, None]
    nrm = np.column_stack([-t[:, 1], t[:, 0]])  # left normal
    ring = np.vstack([xy + lo * nrm, (xy + hi * nrm)[::-1]])
    return shapely.Polygon(ring)


@dataclass
class Plan:
    """A hot in-place recycling plan.

    Attributes
    ----------
    sections : geopandas.GeoDataFrame
        One row per homogeneous section and lane: road, lane, chainage_from_m/chainage_to_m,
        treatment, the condition and thickness it rests on, the rule and its ``reason``.
    hir_runs : geopandas.GeoDataFrame
        One row per run of a recycling train: length, area, depth, quantities, train-days, the
        pre-treatments it waits for, ``reason``.
    pretreatments : geopandas.GeoDataFrame
        One row per treated defect: method, quantities, crew-days, curing, runs waiting, ``reason``.
    schedule : pandas.DataFrame
        ``train`` (a train or a crew), ``job``, ``kind``, ``start``/``end`` (dates), working-day
        times, readiness and deadline.
    defects : pandas.DataFrame
        Every referenced defect with its chainage, lane, risk score and decision.
    unreferenced : pandas.DataFrame
        Inputs that lie too far from every centreline (reported, not planned).
    summary : dict
        Totals, the scheduling method, lower bound and gap, deadlines met or missed.
    config : dict
        The configuration used.
    """

    sections: gpd.GeoDataFrame
    hir_runs: gpd.GeoDataFrame
    pretreatments: gpd.GeoDataFrame
    schedule: pd.DataFrame
    defects: pd.DataFrame = field(default_factory=pd.DataFrame)
    unreferenced: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)

    @property
    def treated_length_m(self) -> float:
        """Recycled length, m: the sum of the runs."""
        return float(self.hir_runs["length_m"].sum()) if len(self.hir_runs) else 0.0

    def explain(self) -> str:
        """Every section, run and pre-treatment with its reason, as text."""
        out = ["Sections"]
        out += [f"  {r.section_id} {r.road} {r.lane} {r.chainage_from_m:.0f}-{r.chainage_to_m:.0f} m: "
                f"{r.treatment} ({r.reason})" for r in self.sections.itertuples()]
        out.append("HIR runs")
        out += [f"  {r.run_id} {r.chainage_from_m:.0f}-{r.chainage_to_m:.0f} m ({r.length_m:.0f} m): {r.reason}"
                for r in self.hir_runs.itertuples()]
        out.append("Pre-treatments")
        out += [f"  {r.pretreatment_id} {r.road} {r.chainage_from_m:.1f}-{r.chainage_to_m:.1f} m {r.treatment}: "
                f"{r.reason}" for r in self.pretreatments.itertuples()]
        out.append("Schedule")
        out += [f"  {line}" for line in self.summary.get("deadlines", [])]
        return "\n".join(out)

    def work_orders(self) -> pd.DataFrame:
        """One row per job (CSV-ready): road, lane, chainage, treatment, quantities, dates, reason."""
        sched = self.schedule.set_index("job") if len(self.schedule) else pd.DataFrame(columns=["start", "end", "train"])
        rows = []
        for r in self.pretreatments.itertuples():
            rows.append({"order_id": r.pretreatment_id, "road": r.road, "lane": r.lane,
                         "chainage_from_m": r.chainage_from_m, "chainage_to_m": r.chainage_to_m,
                         "treatment": r.treatment, "length_m": r.chainage_to_m - r.chainage_from_m, "area_m2": np.nan,
                         "grout_m3": r.grout_m3, "holes": r.holes, "excavation_m3": r.excavation_m3,
                         "new_mix_t": np.nan, "rejuvenator_t": np.nan, "days": r.crew_days, "waits_for": "",
                         "reason": r.reason})
        for r in self.hir_runs.itertuples():
            rows.append({"order_id": r.run_id, "road": r.road, "lane": r.lane, "chainage_from_m": r.chainage_from_m,
                         "chainage_to_m": r.chainage_to_m, "treatment": "hir", "length_m": r.length_m,
                         "area_m2": r.area_m2, "grout_m3": np.nan, "holes": np.nan, "excavation_m3": np.nan,
                         "new_mix_t": r.new_mix_t, "rejuvenator_t": r.rejuvenator_t, "days": r.train_days,
                         "waits_for": r.pretreatments, "reason": r.reason})
        other = self.sections[~self.sections["treatment"].isin([*HIR_TREATMENTS, "no_action"])]
        for r in other.itertuples():
            rows.append({"order_id": r.section_id + ":" + r.lane, "road": r.road, "lane": r.lane,
                         "chainage_from_m": r.chainage_from_m, "chainage_to_m": r.chainage_to_m,
                         "treatment": r.treatment, "length_m": r.length_m, "area_m2": np.nan, "grout_m3": np.nan,
                         "holes": np.nan, "excavation_m3": np.nan, "new_mix_t": np.nan, "rejuvenator_t": np.nan,
                         "days": np.nan, "waits_for": "", "reason": r.reason})
        wo = pd.DataFrame(rows)
        if not len(wo):
            return pd.DataFrame(columns=["order_id", "road", "lane", "chainage_from_m", "chainage_to_m", "treatment",
                                         "start", "end", "crew", "reason"])
        wo["start"] = [sched["start"].get(o) if o in sched.index else None for o in wo["order_id"]]
        wo["end"] = [sched["end"].get(o) if o in sched.index else None for o in wo["order_id"]]
        wo["crew"] = [sched["train"].get(o) if o in sched.index else "" for o in wo["order_id"]]
        cols = [c for c in wo.columns if c != "reason"] + ["reason"]
        return wo[cols]

    def to_gpkg(self, path) -> str:
        """Write ``sections``, ``hir_runs``, ``pretreatments`` and the ``schedule`` (a table without
        geometry) to one GeoPackage, atomically (a temporary file renamed over ``path``)."""
        import pyogrio

        path = os.fspath(path)
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(suffix=".gpkg", prefix=".plan-", dir=folder)
        os.close(fd)
        os.unlink(tmp)
        try:
            for name in ("sections", "hir_runs", "pretreatments"):
                g = getattr(self, name)
                pyogrio.write_dataframe(g, tmp, layer=name, driver="GPKG", geometry_type="Polygon",
                                        promote_to_multi=False)
            sched = self.schedule.copy()
            for c in sched.columns:
                if sched[c].dtype == object:
                    sched[c] = sched[c].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
            pyogrio.write_dataframe(sched, tmp, layer="schedule", driver="GPKG")
            os.replace(tmp, path)
        except Exception as exc:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise PlanError(f"{path}: cannot write the plan: {exc}") from exc
        return path

    def plot_map(self, ax=None, centrelines=None):
        """Map of sections (coloured by treatment), runs (outlined) and pre-treatments (markers).

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 8))
        colours = {"no_action": "#cfe8cf", "hir": "#f6c85f", "pretreat_then_hir": "#f0883e",
                   "mill_and_inlay": "#b0a0d0", "mill_and_overlay": "#9b5fc0", "reconstruction": "#c0392b",
                   "survey_first": "#dddddd"}
        if centrelines is not None:
            gpd.GeoSeries(centrelines.geometry).plot(ax=ax, color="k", lw=0.5)
        if len(self.sections):
            self.sections.plot(ax=ax, color=[colours.get(t, "w") for t in self.sections["treatment"]], lw=0)
        if len(self.hir_runs):
            self.hir_runs.boundary.plot(ax=ax, color="k", lw=0.8)
        if len(self.pretreatments):
            c = self.pretreatments.geometry.centroid
            em = self.pretreatments["emergency"].to_numpy(bool)
            ax.scatter(c.x[~em], c.y[~em], marker="o", s=14, c="#1f77b4", label="pre-treatment", zorder=3)
            ax.scatter(c.x[em], c.y[em], marker="X", s=40, c="red", label="emergency", zorder=4)
        handles = [Patch(color=v, label=k) for k, v in colours.items() if k in set(self.sections["treatment"])]
        ax.legend(handles=handles + ax.get_legend_handles_labels()[0], fontsize=7, loc="best")
        ax.set_aspect("equal")
        ax.set_title("HIR plan: sections by treatment, runs outlined")
        return ax

    def plot_gantt(self, ax=None):
        """Gantt chart of the schedule (one bar row per train or crew; dates on x).

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(11, 3 + 0.3 * self.schedule["train"].nunique() if len(self.schedule) else 3))
        s = self.schedule
        rows = sorted(s["train"].unique(), key=lambda v: (not v.startswith("train"), v)) if len(s) else []
        colours = {"hir_run": "#f0883e", "pretreatment": "#1f77b4", "move": "#999999"}
        for k, res in enumerate(rows):
            g = s[s["train"] == res]
            start = mdates.date2num(pd.to_datetime(g["start"]))
            end = mdates.date2num(pd.to_datetime(g["end"])) + 1
            ax.barh(k, end - start, left=start, color=[colours.get(v, "k") for v in g["kind"]], edgecolor="k", lw=0.3)
        ax.set_yticks(range(len(rows)), rows)
        ax.invert_yaxis()
        ax.xaxis_date()
        for d in self.summary.get("deadline_dates", []):
            ax.axvline(mdates.date2num(pd.Timestamp(d)), color="r", ls="--", lw=1)
        ax.set_title("Schedule: HIR runs (orange), pre-treatments (blue), moves (grey); deadlines dashed")
        return ax


def _coverage(k: np.ndarray, lane: np.ndarray, chainage: np.ndarray, bounds: np.ndarray, gap_m: float) -> dict:
    """Share of each section (index ``k``, edges ``bounds``) and lane covered by radar points, each
    point covering ``gap_m / 2`` either side (the union of those intervals, clipped to the section).

    Returns
    -------
    dict
        ``(k, lane) -> covered share`` (0-1) for the section-lanes with points.
    """
    if not len(chainage):
        return {}
    df = pd.DataFrame({"k": k, "lane": lane, "c": chainage}).sort_values(["k", "lane", "c"], kind="stable")
    kk = df["k"].to_numpy()
    lo = np.maximum(df["c"].to_numpy() - gap_m / 2, bounds[kk])
    hi = np.minimum(df["c"].to_numpy() + gap_m / 2, bounds[kk + 1])
    same = np.r_[(kk[1:] == kk[:-1]) & (df["lane"].to_numpy()[1:] == df["lane"].to_numpy()[:-1]), False]
    nxt = np.r_[lo[1:], np.inf]
    # equal intervals sorted by start: the union is the sum of each one up to the next start
    part = np.where(same, np.clip(np.minimum(hi, nxt) - lo, 0, None), np.clip(hi - lo, 0, None))
    covered = pd.Series(part).groupby([kk, df["lane"].to_numpy()]).sum()
    length = bounds[1:] - bounds[:-1]
    return {key: min(1.0, v / max(length[key[0]], 1e-9)) for key, v in covered.items()}


def _series(road: str, length: float, step: float, cond: pd.DataFrame, thick: pd.DataFrame):
    """Condition and thickness sampled every ``step`` m along a road (bin centres)."""
    n = max(1, math.ceil(length / step - 1e-9))
    centre = (np.arange(n) + 0.5) * step
    centre[-1] = min(centre[-1], (length + (n - 1) * step) / 2)
    c = cond[cond["road"] == road]
    out = pd.DataFrame({"chainage_m": centre})
    if "lane" in c:  # road-wide series: average over lanes
        c = c.groupby(["chainage_start_m", "chainage_end_m"], as_index=False)[
            ["pci", "cracking_pct", "rutting_mm", "ravelling_grade"]].mean()
    c = c.sort_values("chainage_start_m")
    a, b = c["chainage_start_m"].to_numpy(), c["chainage_end_m"].to_numpy()
    k = np.searchsorted(a, centre, side="right") - 1
    ok = (k >= 0) & (centre < b[np.clip(k, 0, None)]) if len(c) else np.zeros(n, dtype=bool)
    for col in ("pci", "cracking_pct", "rutting_mm", "ravelling_grade"):
        v = c[col].to_numpy(float) if len(c) else np.zeros(0)
        out[col] = np.where(ok, v[np.clip(k, 0, max(0, len(v) - 1))] if len(v) else np.nan, np.nan)
    t = thick  # the road's points
    med = t.groupby(np.clip((t["chainage_m"].to_numpy() // step).astype(int), 0, n - 1))["asphalt_mm"].median()
    out["asphalt_mm"] = med.reindex(range(n)).to_numpy(float)
    return out


def plan(centrelines, anomalies, condition, thickness, config=None, *, cores=None, weather=None,
         breaks=None) -> Plan:
    """Plan hot in-place recycling: sections, treatments, runs, pre-treatments and a schedule.

    Parameters
    ----------
    centrelines : GeoDataFrame or path
        Roads: ``name``, ``width_m`` (m), ``lanes``, optional ``direction`` ("two_way"/"one_way")
        and ``phase`` (integer; deadlines by phase in ``[schedule.phase_deadlines]``); LineStrings
        in a projected CRS (m). Chainage runs from the first vertex.
    anomalies : GeoDataFrame or path
        An anomaly table (``roadhealth.anomalies``) with footprints in any projected CRS (they are
        reprojected to the centrelines'); ``risk_score`` (0-1) where present, else the grade of
        ``risk`` via ``[pretreatment.risk_scores]`` or its rank in an ordered categorical.
    condition : DataFrame or path (CSV)
        Surface condition by road and chainage (see :func:`roadhealth.plan.inputs.check_condition`).
    thickness : DataFrame or path (CSV)
        Asphalt thickness points: ``x``, ``y`` (centrelines' CRS) and ``asphalt_mm`` or
        ``thickness_m`` (e.g. :func:`roadhealth.processing.thickness.asphalt_thickness`); they also
        tell which lanes the radar covered.
    config : None, dict or path
        Overrides of ``default_plan.toml``.
    cores : DataFrame or path, optional
        Cores (``x``, ``y``, ``asphalt_mm``) added to the thickness points.
    weather : DataFrame or path, optional
        Weather calendar: ``date`` and ``workable`` or ``ambient_c`` and ``rain_mm``.
    breaks : DataFrame or path or GeoDataFrame, optional
        Where runs must stop: ``road``, ``chainage_m``, optional ``kind`` (intersection, manhole);
        or a GeoDataFrame of points or footprints (e.g. the manholes of a survey), referenced to
        the nearest road (those too far from every road are ignored).

    Returns
    -------
    Plan

    Raises
    ------
    PlanError
        Missing or inconsistent inputs, naming the file, row and field.
    """
    cfg = load_config(config)
    cl = check_centrelines(centrelines)
    crs = cl.crs
    unref = []

    # --- defects
    an, src = check_anomalies(anomalies)
    if an.crs is None:
        raise PlanError(f"{src}: the anomaly footprints have no CRS; give them in a projected CRS "
                        f"(the centrelines are in {crs.to_string()})")
    an = an.to_crs(crs) if an.crs != crs else an
    an = an.reset_index(drop=True)
    score = risk_scores(an, cfg["pretreatment"]["risk_scores"], src)
    loc = locate_footprints(an.geometry.values, cl, tolerance_m=cfg["referencing"]["tolerance_m"])
    if "anomaly_id" in an:
        missing = an["anomaly_id"].isna().to_numpy()
        ids = an["anomaly_id"].astype(str).to_numpy(object)
        dup = pd.Series(ids).duplicated(keep=False).to_numpy() & ~missing
        if missing.any() or dup.any():
            rows = np.flatnonzero(missing | dup)[:5].tolist()
            raise PlanError(f"{src}: anomaly_id must name each anomaly once; "
                            f"{int(missing.sum())} missing and {int(dup.sum())} repeated (rows {rows})")
    else:
        ids = np.array([f"A{i + 1:04d}" for i in range(len(an))], dtype=object)
    defects = pd.DataFrame({
        "defect_id": ids, "kind": an["kind"].astype(str).to_numpy(object), "risk": an["risk"].astype(str).to_numpy(),
        "risk_score": score, "road": loc["road"].to_numpy(object), "lane": loc["lane"].to_numpy(object),
        "side": loc["side"].to_numpy(object),
        **{c: loc[c].to_numpy(float) for c in ("chainage_start_m", "chainage_end_m", "offset_start_m", "offset_end_m",
                                                "distance_m")},
        **{c: an[c].to_numpy(float) for c in ("length_m", "width_m", "height_m", "depth_top_m", "depth_bottom_m")},
    })
    bad = ~loc["referenced"].to_numpy(bool)
    if bad.any():
        xy = shapely.get_coordinates(shapely.centroid(an.geometry.values[bad]))
        unref.append(pd.DataFrame({"source": src, "row": np.flatnonzero(bad), "id": ids[bad], "x": xy[:, 0],
                                   "y": xy[:, 1], "nearest_road": loc["road"].to_numpy(object)[bad],
                                   "distance_m": loc["distance_m"].to_numpy()[bad]}))
    geoms = an.geometry.values[~bad]
    defects = defects[~bad].reset_index(drop=True)

    # --- condition and thickness
    cond = check_condition(condition, cl, cfg["condition"]["ravelling_grades"])
    th = check_thickness(thickness).assign(radar=True)
    if cores is not None:  # cores add thickness, not radar coverage
        th = pd.concat([th, check_thickness(cores).assign(radar=False)], ignore_index=True)
    if "x" in th:
        tl = locate_points(th["x"], th["y"], cl, tolerance_m=cfg["referencing"]["tolerance_m"])
        ok = tl["referenced"].to_numpy(bool)
        if (~ok).any():
            unref.append(pd.DataFrame({"source": "thickness", "row": np.flatnonzero(~ok), "id": "",
                                       "x": th["x"].to_numpy()[~ok], "y": th["y"].to_numpy()[~ok],
                                       "nearest_road": tl["road"].to_numpy(object)[~ok],
                                       "distance_m": tl["distance_m"].to_numpy()[~ok]}))
        th = pd.DataFrame({"road": tl["road"], "chainage_m": tl["chainage_m"], "offset_m": tl["offset_m"],
                           "lane": tl["lane"], "asphalt_mm": th["asphalt_mm"].to_numpy(),
                           "radar": th["radar"].to_numpy(bool)})[ok]
    else:
        known = set(cl["name"])
        bad_r = ~th["road"].isin(known).to_numpy()
        if bad_r.any():
            i = int(np.flatnonzero(bad_r)[0])
            raise PlanError(f"thickness table: row {i}: field 'road' = {th['road'].iloc[i]!r}; expected a road of "
                            f"the centrelines ({sorted(known)})")
        lanes = np.empty(len(th), dtype=object)
        for _, r in cl.iterrows():  # a loop over roads
            sel = (th["road"] == r["name"]).to_numpy()
            from roadhealth.plan.referencing import lane_of_offset

            lanes[sel] = lane_of_offset(th["offset_m"].to_numpy()[sel], r["width_m"], r["lanes"], r["direction"])
        th = th.assign(lane=lanes)
    unreferenced = (pd.concat(unref, ignore_index=True) if unref else
                    pd.DataFrame(columns=["source", "row", "id", "x", "y", "nearest_road", "distance_m"]))
    if len(unreferenced):
        warnings.warn(f"{len(unreferenced)} input point(s) lie further than half the road width + "
                      f"{cfg['referencing']['tolerance_m']:g} m from every centreline; they are not planned "
                      f"(see Plan.unreferenced)", RoadHealthWarning, stacklevel=2)

    # --- homogeneous sections, per road; then per lane
    sc = cfg["sections"]
    step = float(sc["step_m"])
    min_size = max(1, math.ceil(sc["min_length_m"] / step))
    rows = []
    th_by_road = dict(tuple(th.groupby("road", sort=False))) if len(th) else {}
    empty_th = th.iloc[:0]
    for ri, road in cl.iterrows():  # a loop over roads (tens); vectorised within
        name, length = road["name"], float(road["length_m"])
        t_road = th_by_road.get(name, empty_th)
        ser = _series(name, length, step, cond, t_road)
        cols = [c if c != "ravelling" else "ravelling_grade" for c in sc["series"]]
        unknown = [c for c in cols if c not in ser]
        if unknown:
            raise PlanError(f"plan configuration: sections.series has {unknown}; expected columns of "
                            f"{[c for c in ser.columns if c != 'chainage_m']}")
        X = ser[[c for c in cols if ser[c].notna().any()]].to_numpy(float)
        cps = segment(X, method=sc["method"], min_size=min_size, penalty=sc["penalty"],
                      threshold=sc["cda_threshold"]) if X.shape[1] else []
        edges = np.r_[0, cps, len(ser)].astype(int)
        bounds = np.r_[0.0, np.asarray(cps, dtype=float) * step, length]
        bands = lane_bands(road["width_m"], road["lanes"], road["direction"])
        # thickness statistics per section and lane (one groupby), road-wide p10 for lanes without
        # points, and the share of each section-lane the radar covers
        ch = t_road["chainage_m"].to_numpy(float)
        k_pt = np.clip(np.searchsorted(bounds, ch, side="right") - 1, 0, len(edges) - 2)
        stats = pd.DataFrame({"k": k_pt, "lane": t_road["lane"].to_numpy(object),
                              "mm": t_road["asphalt_mm"].to_numpy(float)})
        p10 = stats.groupby(["k", "lane"])["mm"].quantile(0.1)
        p10_road = stats.groupby("k")["mm"].quantile(0.1)
        radar = t_road["radar"].to_numpy(bool) if "radar" in t_road else np.ones(len(t_road), bool)
        cov = _coverage(k_pt[radar], t_road["lane"].to_numpy(object)[radar], ch[radar], bounds,
                        cfg["runs"]["coverage_gap_m"])
        for k in range(len(edges) - 1):  # sections of one road
            part = ser.iloc[edges[k]:edges[k + 1]]
            a, b = float(bounds[k]), float(bounds[k + 1])
            sid = f"{name}:S{k + 1:02d}"
            for lane, (lo, hi) in bands.items():
                rows.append({
                    "section_id": sid, "road": name, "road_index": ri, "lane": lane, "chainage_from_m": a,
                    "chainage_to_m": b, "length_m": b - a, "offset_lo_m": lo, "offset_hi_m": hi,
                    "pci": part["pci"].mean(), "cracking_pct": part["cracking_pct"].mean(),
                    "rutting_mm": part["rutting_mm"].mean(),
                    "ravelling_grade": part["ravelling_grade"].max(),
                    "asphalt_p10_mm": float(p10.get((k, lane), p10_road.get(k, np.nan))),
                    "asphalt_in_lane": (k, lane) in p10.index,
                    "coverage": float(cov.get((k, lane), 0.0)),
                })
    sec = pd.DataFrame(rows)
    sec["ravelling"] = [cfg["condition"]["ravelling_grades"][int(g)] if np.isfinite(g) else "" for g in
                        sec["ravelling_grade"]]
    sec = decide(sec, defects, cfg)
    if isinstance(breaks, gpd.GeoDataFrame) and "chainage_m" not in breaks:  # e.g. manholes of a survey
        b = breaks.to_crs(crs) if breaks.crs is not None and breaks.crs != crs else breaks
        xy = shapely.get_coordinates(shapely.centroid(b.geometry.values))
        bl = locate_points(xy[:, 0], xy[:, 1], cl, tolerance_m=cfg["referencing"]["tolerance_m"])
        ok = bl["referenced"].to_numpy(bool)
        breaks = pd.DataFrame({"road": bl["road"][ok], "chainage_m": bl["chainage_m"][ok],
                               "kind": (b["kind"].astype(str).to_numpy(object)[ok] if "kind" in b else "break")})
    breaks_t = check_breaks(breaks)
    runs, sec = form_runs(sec, breaks_t, cfg)

    # --- pre-treatments and run quantities
    pre, decisions = pretreatments(defects, runs, cfg)
    defects = defects.merge(decisions, on="defect_id", how="left")
    h = cfg["hir"]
    lane_w = (runs["offset_hi_m"] - runs["offset_lo_m"]).to_numpy(float)
    runs["width_m"] = lane_w
    runs["area_m2"] = runs["length_m"] * lane_w
    runs["depth_mm"] = h["depth_mm"]
    runs["recycled_mix_t"] = runs["area_m2"] * h["depth_mm"] / 1000 * h["mix_density_t_m3"]
    runs["new_mix_t"] = runs["recycled_mix_t"] * h["new_mix_fraction"]
    runs["rejuvenator_t"] = runs["recycled_mix_t"] * (1 - h["new_mix_fraction"]) * h["rejuvenator_pct"] / 100
    rate = h["speed_m_per_min"] * 60 * h["hours_per_day"] * h["utilisation"]
    runs["train_days"] = runs["length_m"] / rate
    runs["treatment"] = "hir"
    waits = {rid: [] for rid in runs["run_id"]}
    for pid, rr in zip(pre["pretreatment_id"], pre["runs"], strict=True):
        for rid in filter(None, (s.strip() for s in rr.split(","))):
            waits[rid].append(pid)
    runs["pretreatments"] = [", ".join(waits[r]) for r in runs["run_id"]]
    runs["reason"] = [r + (f"; waits for {w}" if w else "; nothing to pre-treat beneath")
                      for r, w in zip(runs["reason"], runs["pretreatments"], strict=True)]

    # --- schedule
    schedule, summary = _schedule(cl, runs, pre, cfg, check_weather(weather, cfg["schedule"]), rate)

    # --- geometry
    lines = dict(zip(cl["name"], cl.geometry.values, strict=True))
    sec_g = gpd.GeoDataFrame(
        sec[_SECTION_COLS], crs=crs,
        geometry=[band_polygon(lines[r.road], r.chainage_from_m, r.chainage_to_m, r.offset_lo_m, r.offset_hi_m)
                  for r in sec.itertuples()])
    run_g = gpd.GeoDataFrame(
        runs[_RUN_COLS], crs=crs,
        geometry=gpd.GeoSeries([band_polygon(lines[r.road], r.chainage_from_m, r.chainage_to_m, r.offset_lo_m,
                                             r.offset_hi_m) for r in runs.itertuples()], crs=crs))
    gid = dict(zip(defects["defect_id"], geoms, strict=True))
    pre_g = gpd.GeoDataFrame(pre, crs=crs, geometry=gpd.GeoSeries([gid[d] for d in pre["defect_id"]], crs=crs))
    summary.update({
        "roads": len(cl), "sections": int(sec["section_id"].nunique()), "section_lanes": len(sec),
        "runs": len(runs), "treated_length_m": float(runs["length_m"].sum()),
        "pretreatments": len(pre), "emergencies": int(pre["emergency"].sum()) if len(pre) else 0,
        "defects": len(defects), "unreferenced": len(unreferenced),
        "treatments_m": sec.groupby("treatment")["length_m"].sum().round(1).to_dict(),
    })
    return Plan(sections=sec_g, hir_runs=run_g, pretreatments=pre_g, schedule=schedule, defects=defects,
                unreferenced=unreferenced, summary=summary, config=cfg)


def _schedule(cl, runs, pre, cfg, weather, rate_m_per_day):
    sc = cfg["schedule"]
    cal = Calendar(sc["start_date"], sc["weekdays"], sc["months"], weather)
    road_order = {n: i for i, n in enumerate(cl["name"])}
    phase = dict(zip(cl["name"], cl["phase"], strict=True))

    def deadline_of(road):
        return sc["phase_deadlines"].get(str(phase[road]), sc["deadline"])

    # crews: emergencies first, then pre-treatments runs wait for, by phase, road order and chainage
    prio = [(0 if e else 1, 0 if r else 1, phase[road] if phase[road] > 0 else 99, road_order[road], ch)
            for e, r, road, ch in zip(pre["emergency"], pre["runs"], pre["road"], pre["chainage_from_m"], strict=True)]
    ps, pe, crew = schedule_crews(pre["crew_days"].to_numpy(float), prio, int(sc["crews"]))
    ready = {pid: cal.release_after(e, c) for pid, e, c in zip(pre["pretreatment_id"], pe, pre["curing_days"], strict=True)}
    jobs = []
    for r in runs.itertuples():
        waits = [w.strip() for w in r.pretreatments.split(",") if w.strip()]
        ph = phase[r.road]
        jobs.append(Job(r.run_id, r.length_m / rate_m_per_day, max([0.0] + [ready[w] for w in waits]), r.road,
                        float(cal.days_up_to(deadline_of(r.road))),
                        (ph if ph > 0 else 99, road_order[r.road], r.lane, r.chainage_from_m)))
    ts = schedule_trains(jobs, int(sc["trains"]), float(sc["move_days"]), search_time_s=float(sc["search_time_s"]),
                         time_step_days=float(sc.get("time_step_days", 0.01)))
    rows = []
    for i, r in enumerate(pre.itertuples()):
        rows.append({"train": f"crew {crew[i] + 1}", "job": r.pretreatment_id, "kind": "pretreatment", "road": r.road,
                     "lane": r.lane, "chainage_from_m": r.chainage_from_m, "chainage_to_m": r.chainage_to_m,
                     "start_day": ps[i], "end_day": pe[i], "start": cal.date(ps[i]), "end": cal.end_date(pe[i]),
                     "ready_day": ready[r.pretreatment_id], "ready": cal.date(ready[r.pretreatment_id]),
                     "waits_for": "", "deadline": deadline_of(r.road), "late_days": 0.0})
    train_of = {j: t for t, seq in enumerate(ts.sequences) for j in seq}
    for j, (job, r) in enumerate(zip(jobs, runs.itertuples(), strict=True)):
        late = max(0.0, ts.end[j] - job.deadline)
        rows.append({"train": f"train {train_of[j] + 1}", "job": job.id, "kind": "hir_run", "road": r.road,
                     "lane": r.lane, "chainage_from_m": r.chainage_from_m, "chainage_to_m": r.chainage_to_m,
                     "start_day": ts.start[j], "end_day": ts.end[j], "start": cal.date(ts.start[j]),
                     "end": cal.end_date(ts.end[j]), "ready_day": job.release, "ready": cal.date(job.release),
                     "waits_for": r.pretreatments, "deadline": deadline_of(r.road), "late_days": late})
    for t, j, at in ts.moves_at:
        mv = float(sc["move_days"])
        rows.append({"train": f"train {t + 1}", "job": f"move to {jobs[j].road}", "kind": "move", "road": jobs[j].road,
                     "lane": "", "chainage_from_m": np.nan, "chainage_to_m": np.nan, "start_day": at,
                     "end_day": at + mv, "start": cal.date(at), "end": cal.end_date(at + mv) if mv > 0 else cal.date(at),
                     "ready_day": np.nan, "ready": None, "waits_for": "", "deadline": None, "late_days": 0.0})
    sched = pd.DataFrame(rows, columns=["train", "job", "kind", "road", "lane", "chainage_from_m", "chainage_to_m",
                                        "start", "end", "start_day", "end_day", "ready", "ready_day", "waits_for",
                                        "deadline", "late_days"])
    sched = sched.sort_values(["train", "start_day", "kind"], kind="stable").reset_index(drop=True)

    # deadlines: per phase (and the programme)
    lines, dates = [], sorted({sc["deadline"], *sc["phase_deadlines"].values()})
    hir = sched[sched["kind"] == "hir_run"]
    groups = {}
    for road in cl["name"]:
        key = str(phase[road]) if str(phase[road]) in sc["phase_deadlines"] else "programme"
        groups.setdefault(key, []).append(road)
    met = True
    for key, roads in sorted(groups.items()):
        d = sc["phase_deadlines"].get(key, sc["deadline"])
        g = hir[hir["road"].isin(roads)]
        label = f"phase {key}" if key != "programme" else "programme"
        if not len(g):
            lines.append(f"{label} ({len(roads)} roads): no HIR run; deadline {d}")
            continue
        finish = max(g["end"])
        late_wd = float(g["late_days"].max())
        if late_wd > 1e-9:
            met = False
            lines.append(f"{label} ({len(roads)} roads): deadline {d} MISSED: last run ends {finish}, "
                         f"{late_wd:.1f} working days ({(finish - d).days} calendar days) late")
        else:
            lines.append(f"{label} ({len(roads)} roads): last run ends {finish}, deadline {d} met")
    lines.append(f"trains: {ts.method}; makespan {ts.makespan:.2f} working days, bound {ts.lower_bound:.2f}, "
                 f"gap {100 * ts.gap:.1f} %; {ts.moves} move(s), bound {ts.moves_bound}")
    if ts.lateness_bound > 1e-9:  # the solver proves that no schedule meets every deadline
        lines.append(f"the deadlines cannot all be met: every schedule ends a run at least "
                     f"{ts.lateness_bound:.2f} working days late (CP-SAT bound); this one is "
                     f"{ts.lateness:.2f} working days late at most")
    summary = {"schedule_method": ts.method, "makespan_working_days": ts.makespan,
               "lower_bound_working_days": ts.lower_bound, "gap": ts.gap, "moves": ts.moves,
               "moves_bound": ts.moves_bound, "lateness_working_days": ts.lateness,
               "lateness_bound_working_days": ts.lateness_bound, "solver_status": ts.status,
               "solver_stages": [{"stage": st.name, "status": st.status, "objective": st.value, "bound": st.bound,
                                  "gap": st.gap, "wall_s": round(st.wall_s, 3)} for st in ts.stages],
               "finish": max(hir["end"]) if len(hir) else None, "deadlines_met": met, "deadlines": lines,
               "deadline_dates": dates, "production_m_per_day": rate_m_per_day}
    return sched, summary
