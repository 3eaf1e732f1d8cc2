"""Treatment decisions per section and lane, HIR runs, and pre-treatments of defects.

Every decision carries the rule that fired it and the numbers it compared, in a ``reason`` text.

Rules per section and lane, first match wins (thresholds from the configuration):

====  ===================  ===========================================================================
rule  treatment            when
====  ===================  ===========================================================================
C0    survey_first         no surface-condition record covers the section
S1    reconstruction       PCI < ``condition.pci_reconstruct`` (structural failure)
S2    mill_and_overlay     rutting > ``condition.rutting_structural_mm`` (lower layers deformed)
N1    no_action            sound surface: PCI >= ``pci_sound``, cracking <= ``cracking_sound_pct``,
                           rutting <= ``rutting_sound_mm``, ravelling <= ``ravelling_sound``
R1    survey_first         radar covers less than ``runs.min_coverage`` of the lane in the section
S3    mill_and_overlay     asphalt (10th percentile of the lane's thickness) < HIR depth +
                           ``hir.min_remaining_mm``
P1    pretreat_then_hir    a defect of ``pretreatment.kinds`` lies beneath or within ``buffer_m``
H1    hir                  distress confined to the surface course
====  ===================  ===========================================================================

After runs are formed, an HIR section that ends up in no run (shorter than ``runs.min_run_m``
once bridged) becomes ``mill_and_inlay`` (rule M1).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

__all__ = ["HIR_TREATMENTS", "decide", "form_runs", "pretreatments"]

#: Section treatments that a recycling train works.
HIR_TREATMENTS = ("hir", "pretreat_then_hir")


def _overlap(a0, a1, b0, b1):
    """Open-interval overlap of [a0, a1] and [b0, b1] (broadcasting)."""
    return (a0 < b1) & (b0 < a1)


def decide(sec: pd.DataFrame, defects: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Treatment, rule and reason of each section-lane row.

    Parameters
    ----------
    sec : pandas.DataFrame
        One row per section and lane: ``road``, ``lane``, ``chainage_from_m``, ``chainage_to_m``,
        ``offset_lo_m``, ``offset_hi_m``, ``pci``, ``cracking_pct``, ``rutting_mm``,
        ``ravelling_grade``, ``asphalt_p10_mm``, ``coverage``.
    defects : pandas.DataFrame
        Referenced defects: ``road``, ``kind``, ``chainage_start_m``, ``chainage_end_m``,
        ``offset_start_m``, ``offset_end_m``, ``defect_id``.
    cfg : dict
        The plan configuration.

    Returns
    -------
    pandas.DataFrame
        ``sec`` with ``treatment``, ``rule``, ``defects`` (ids beneath, comma separated), ``reason``.
    """
    c, h, r, p = cfg["condition"], cfg["hir"], cfg["runs"], cfg["pretreatment"]
    grades = c["ravelling_grades"]
    rav_ok = grades.index(c["ravelling_sound"])
    min_mm = h["depth_mm"] + h["min_remaining_mm"]
    n = len(sec)
    # defects beneath each row: a (rows x defects) overlap matrix per road
    beneath = np.full(n, "", dtype=object)
    d = defects[defects["kind"].isin(p["kinds"])] if len(defects) else defects
    buf = p["buffer_m"]
    for road, rows in sec.groupby("road", sort=False).groups.items():  # a loop over roads
        dd = d[d["road"] == road] if len(d) else d
        if not len(dd):
            continue
        s = sec.loc[rows]
        hit = (_overlap(s["chainage_from_m"].to_numpy()[:, None], s["chainage_to_m"].to_numpy()[:, None],
                        dd["chainage_start_m"].to_numpy()[None] - buf, dd["chainage_end_m"].to_numpy()[None] + buf)
               & _overlap(s["offset_lo_m"].to_numpy()[:, None], s["offset_hi_m"].to_numpy()[:, None],
                          dd["offset_start_m"].to_numpy()[None] - buf, dd["offset_end_m"].to_numpy()[None] + buf))
        ids = dd["defect_id"].to_numpy(object)
        pos = sec.index.get_indexer(rows)
        beneath[pos] = [", ".join(ids[m]) for m in hit]
    pci, crack, rut = (sec[k].to_numpy(float) for k in ("pci", "cracking_pct", "rutting_mm"))
    rav = sec["ravelling_grade"].to_numpy(float)
    thick = sec["asphalt_p10_mm"].to_numpy(float)
    own = sec["asphalt_in_lane"].to_numpy(bool) if "asphalt_in_lane" in sec else np.ones(n, dtype=bool)
    src = np.where(own, "", " (road-wide: no points in this lane)")
    cov = sec["coverage"].to_numpy(float)
    treatment = np.empty(n, dtype=object)
    rule = np.empty(n, dtype=object)
    reason = np.empty(n, dtype=object)
    done = np.zeros(n, dtype=bool)

    def fire(mask, t, code, text):
        m = mask & ~done
        treatment[m], rule[m] = t, code
        reason[m] = [f"{code}: {text(i)}" for i in np.flatnonzero(m)]
        done[m] = True

    fire(np.isnan(pci), "survey_first", "C0", lambda i: "no surface-condition record covers this section")
    fire(pci < c["pci_reconstruct"], "reconstruction", "S1",
         lambda i: f"PCI {pci[i]:.0f} < {c['pci_reconstruct']:g} (structural failure)")
    fire(rut > c["rutting_structural_mm"], "mill_and_overlay", "S2",
         lambda i: f"rutting {rut[i]:.1f} mm > {c['rutting_structural_mm']:g} mm (lower layers deformed; HIR cannot correct)")
    sound = ((pci >= c["pci_sound"]) & (crack <= c["cracking_sound_pct"]) & (rut <= c["rutting_sound_mm"])
             & (rav <= rav_ok))
    fire(sound, "no_action", "N1",
         lambda i: (f"sound: PCI {pci[i]:.0f} >= {c['pci_sound']:g}, cracking {crack[i]:.1f} % <= "
                    f"{c['cracking_sound_pct']:g} %, rutting {rut[i]:.1f} mm <= {c['rutting_sound_mm']:g} mm, "
                    f"ravelling {grades[int(rav[i])]} <= {c['ravelling_sound']}"
                    + (f"; defects beneath ({beneath[i]}) handled as pre-treatments" if beneath[i] else "")))
    fire(~(cov >= r["min_coverage"]), "survey_first", "R1",
         lambda i: (f"surface distress (PCI {pci[i]:.0f}) but radar covers {100 * np.nan_to_num(cov[i]):.0f} % "
                    f"of this lane < {100 * r['min_coverage']:.0f} %: survey before recycling"))
    fire(thick < min_mm, "mill_and_overlay", "S3",
         lambda i: (f"asphalt {thick[i]:.0f} mm (10th percentile){src[i]} < HIR depth {h['depth_mm']:g} + "
                    f"{h['min_remaining_mm']:g} mm to remain"))
    distress = lambda i: (f"PCI {pci[i]:.0f}, cracking {crack[i]:.1f} %, rutting {rut[i]:.1f} mm, "  # noqa: E731
                          f"ravelling {grades[int(rav[i])]}; asphalt {thick[i]:.0f} mm{src[i]} >= {min_mm:g} mm")
    fire(beneath != "", "pretreat_then_hir", "P1",
         lambda i: f"surface distress ({distress(i)}); defects beneath or within {buf:g} m: {beneath[i]}")
    fire(np.ones(n, dtype=bool), "hir", "H1", lambda i: f"distress in the surface course: {distress(i)}")
    out = sec.copy()
    out["treatment"], out["rule"], out["defects"], out["reason"] = treatment, rule, beneath, reason
    return out


def form_runs(sec: pd.DataFrame, breaks: pd.DataFrame, cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge HIR sections of each road and lane into runs.

    Consecutive HIR sections merge when the gap between them is at most ``runs.bridge_gap_m`` and
    holds only ``no_action`` sections (the train recycles through it); runs split at breaks
    (intersections, manholes); runs shorter than ``runs.min_run_m`` are dropped and their sections
    become ``mill_and_inlay`` (rule M1).

    Returns
    -------
    runs : pandas.DataFrame
        ``run_id``, ``road``, ``lane``, ``chainage_from_m``, ``chainage_to_m``, ``length_m``,
        ``bridged_m``, ``sections`` (section ids), ``offset_lo_m``, ``offset_hi_m``, ``reason``.
    sec : pandas.DataFrame
        The sections with ``run_id`` and M1 applied.
    """
    r = cfg["runs"]
    rows = []
    sec = sec.reset_index(drop=True).copy()
    run_of = np.full(len(sec), "", dtype=object)
    short = np.full(len(sec), np.nan)
    cut_by_road = {k: np.sort(v.to_numpy(float)) for k, v in breaks.groupby("road")["chainage_m"]}
    a0_all, b0_all = sec["chainage_from_m"].to_numpy(float), sec["chainage_to_m"].to_numpy(float)
    treat_all, sid_all = sec["treatment"].to_numpy(object), sec["section_id"].to_numpy(object)
    for (road, lane), idx in sec.groupby(["road", "lane"], sort=False).indices.items():  # road lanes
        idx = idx[np.argsort(a0_all[idx])]
        a0, b0, treat = a0_all[idx], b0_all[idx], treat_all[idx]
        is_hir = np.isin(treat, HIR_TREATMENTS)
        if not is_hir.any():
            continue
        cuts = cut_by_road.get(road, np.zeros(0))
        # pieces: runs of HIR sections joined across bridgeable no-action gaps
        pieces, cur = [], None
        for i in np.flatnonzero(is_hir):  # sections of one lane (tens)
            if cur is not None:
                between = np.arange(cur["last"] + 1, i)
                gap = a0[i] - cur["to"]
                if gap <= r["bridge_gap_m"] + 1e-9 and np.all(treat[between] == "no_action"):
                    if gap > 1e-9:
                        cur["gaps"].append((cur["to"], a0[i]))
                    cur["to"], cur["last"] = b0[i], i
                    continue
                pieces.append(cur)
            cur = {"from": a0[i], "to": b0[i], "first": i, "last": i, "gaps": []}
        pieces.append(cur)
        lo, hi = sec["offset_lo_m"].iloc[idx[0]], sec["offset_hi_m"].iloc[idx[0]]
        k = 0
        for pc in pieces:
            inner = cuts[(cuts > pc["from"] + 1e-6) & (cuts < pc["to"] - 1e-6)]
            members = np.arange(pc["first"], pc["last"] + 1)
            for a, b in itertools.pairwise(np.r_[pc["from"], inner, pc["to"]]):
                length = b - a
                part = members[(b0[members] > a + 1e-9) & (a0[members] < b - 1e-9)]
                part = part[is_hir[part]]
                if length + 1e-9 < r["min_run_m"]:
                    short[idx[part]] = np.fmin(short[idx[part]], length)
                    continue
                gaps = [(max(ga, a), min(gb, b)) for ga, gb in pc["gaps"] if min(gb, b) > max(ga, a)]
                why = []
                if gaps:
                    why.append("bridges no-action gap(s) " + ", ".join(f"{ga:.0f}-{gb:.0f} m" for ga, gb in gaps)
                               + f" (<= {r['bridge_gap_m']:g} m)")
                if len(inner):
                    why.append(f"split at break(s) {', '.join(f'{c:.1f}' for c in inner)} m")
                k += 1
                rid = f"{road}:{lane}:{k}"
                for j in idx[part]:
                    run_of[j] = rid if not run_of[j] else f"{run_of[j]}, {rid}"
                ids = list(dict.fromkeys(sid_all[idx[part]]))
                rows.append({
                    "run_id": rid, "road": road, "lane": lane, "chainage_from_m": float(a), "chainage_to_m": float(b),
                    "length_m": float(length), "bridged_m": float(sum(gb - ga for ga, gb in gaps)),
                    "sections": ", ".join(ids), "offset_lo_m": lo, "offset_hi_m": hi,
                    "reason": (f"HIR sections {', '.join(ids)} form a run of {length:.0f} m >= "
                               f"{r['min_run_m']:g} m" + ("; " + "; ".join(why) if why else "")),
                })
    sec["run_id"] = run_of
    m1 = np.isfinite(short) & (run_of == "") & np.isin(treat_all, HIR_TREATMENTS)
    if m1.any():
        sec.loc[m1, "reason"] = [
            f"M1: {rs}; but the HIR stretch here is {ln:.0f} m < {r['min_run_m']:g} m (no run): mill and inlay instead"
            for rs, ln in zip(sec.loc[m1, "reason"], short[m1], strict=True)]
        sec.loc[m1, "treatment"] = "mill_and_inlay"
        sec.loc[m1, "rule"] = "M1"
    runs = pd.DataFrame(rows, columns=["run_id", "road", "lane", "chainage_from_m", "chainage_to_m", "length_m",
                                       "bridged_m", "sections", "offset_lo_m", "offset_hi_m", "reason"])
    return runs, sec


def pretreatments(defects: pd.DataFrame, runs: pd.DataFrame, cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which defects are treated, how, with what quantities, and which runs wait for them.

    A defect is treated when it lies beneath a run (footprint within ``buffer_m`` of the run's
    lane band and chainage) and its kind is in ``pretreatment.kinds``; when its kind is in
    ``repair_outside_runs``; and always when it is an emergency (``risk_score >=
    emergency_risk_score``). Method: excavate and backfill when an emergency, large (plan area
    >= ``excavate_min_area_m2``) or shallow (top above ``excavate_max_depth_top_m``); drill and
    grout otherwise.

    Returns
    -------
    pre : pandas.DataFrame
        One row per treated defect: ``pretreatment_id``, ``defect_id``, ``road``, ``lane``,
        ``chainage_from_m``, ``chainage_to_m``, ``kind``, ``risk``, ``risk_score``, ``emergency``,
        ``treatment`` ("drill_and_grout"/"excavate_and_backfill"), ``defect_volume_m3``,
        ``grout_m3``, ``holes``, ``excavation_m3``, ``backfill_m3``, ``crew_days``, ``curing_days``,
        ``runs`` (ids), ``reason``.
    decisions : pandas.DataFrame
        One row per defect: ``defect_id`` and ``decision`` (the pre-treatment id, or why none).
    """
    p = cfg["pretreatment"]
    buf = p["buffer_m"]
    n = len(defects)
    under = np.full(n, "", dtype=object)
    if n and len(runs):
        for road, idx in defects.groupby("road", sort=False).groups.items():  # a loop over roads
            rr = runs[runs["road"] == road]
            if not len(rr):
                continue
            dd = defects.loc[idx]
            hit = (_overlap(dd["chainage_start_m"].to_numpy()[:, None] - buf, dd["chainage_end_m"].to_numpy()[:, None] + buf,
                            rr["chainage_from_m"].to_numpy()[None], rr["chainage_to_m"].to_numpy()[None])
                   & _overlap(dd["offset_start_m"].to_numpy()[:, None] - buf, dd["offset_end_m"].to_numpy()[:, None] + buf,
                              rr["offset_lo_m"].to_numpy()[None], rr["offset_hi_m"].to_numpy()[None]))
            ids = rr["run_id"].to_numpy(object)
            under[defects.index.get_indexer(idx)] = [", ".join(ids[m]) for m in hit]
    kind = defects["kind"].astype(str).to_numpy(object) if n else np.array([], dtype=object)
    score = defects["risk_score"].to_numpy(float) if n else np.zeros(0)
    emergency = score >= p["emergency_risk_score"]
    before_run = (under != "") & np.isin(kind, p["kinds"])
    outside = np.isin(kind, p["repair_outside_runs"])
    treat = before_run | outside | emergency
    L, W, H = (defects[k].to_numpy(float) if n else np.zeros(0) for k in ("length_m", "width_m", "height_m"))
    top = defects["depth_top_m"].to_numpy(float) if n else np.zeros(0)
    bottom = defects["depth_bottom_m"].to_numpy(float) if n else np.zeros(0)
    area = np.pi / 4 * L * W
    # (a void's height from the radar is an upper bound: a gap of a few centimetres is not resolved)
    gap = np.minimum(H, p["grout"]["void_max_gap_m"])
    vol = np.where(kind == "void", area * gap, np.pi / 6 * L * W * H)
    large = area >= p["excavate_min_area_m2"]
    shallow = top < p["excavate_max_depth_top_m"]
    excavate = emergency | large | shallow
    g, e = p["grout"], p["excavation"]
    fill = np.array([g["fill_fraction"].get(k, 1.0) for k in kind]) if n else np.zeros(0)
    grout = np.where(excavate, 0.0, vol * fill * g["waste_factor"])
    holes = np.where(excavate, 0, np.maximum(1, np.ceil(L / g["hole_spacing_m"]) * np.ceil(W / g["hole_spacing_m"])))
    m = e["margin_m"]
    exc = np.where(excavate, (L + 2 * m) * (W + 2 * m) * (bottom + m), 0.0)
    days = np.maximum(p["min_job_days"], np.where(excavate, exc / e["rate_m3_per_day"], grout / g["rate_m3_per_day"]))
    curing = np.where(excavate, e["curing_days"], g["curing_days"])
    ids = defects["defect_id"].to_numpy(object) if n else np.array([], dtype=object)
    rows, decisions = [], []
    for i in range(n):  # one row per defect (hundreds): text assembly
        if not treat[i]:
            decisions.append((ids[i], f"monitor: {kind[i]} not beneath a run and not an emergency "
                                      f"(risk {score[i]:.2f} < {p['emergency_risk_score']:g})"))
            continue
        why = []
        if emergency[i]:
            why.append(f"emergency: risk {score[i]:.2f} >= {p['emergency_risk_score']:g} (first, excavated)")
        if before_run[i]:
            why.append(f"{kind[i]} beneath or within {buf:g} m of run(s) {under[i]}")
        elif outside[i] and not emergency[i]:
            why.append(f"{kind[i]} is a collapse hazard: repaired even with no run over it")
        if excavate[i]:
            sizes = []
            if large[i]:
                sizes.append(f"plan area {area[i]:.2f} m2 >= {p['excavate_min_area_m2']:g} m2")
            if shallow[i]:
                sizes.append(f"top {top[i]:.2f} m < {p['excavate_max_depth_top_m']:g} m")
            method = "excavate_and_backfill"
            why.append("excavate and backfill: " + (", ".join(sizes) if sizes else "emergency")
                       + f"; {exc[i]:.2f} m3 to {bottom[i] + m:.2f} m depth")
        else:
            method = "drill_and_grout"
            why.append(f"drill and grout (small and deep: area {area[i]:.2f} m2, top {top[i]:.2f} m): "
                       f"{grout[i]:.2f} m3 grout = {vol[i]:.2f} m3 x fill {fill[i]:g} x {g['waste_factor']:g}, "
                       f"{int(holes[i])} holes")
            if kind[i] == "void" and H[i] > gap[i]:
                why.append(f"the gap reckoned {gap[i]:.2f} m thick (void_max_gap_m; the radar's {H[i]:.2f} m "
                           "is an upper bound)")
        pid = f"PT-{len(rows) + 1:04d}"
        decisions.append((ids[i], pid))
        rows.append({
            "pretreatment_id": pid, "defect_id": ids[i], "road": defects["road"].iloc[i],
            "lane": defects["lane"].iloc[i], "chainage_from_m": float(defects["chainage_start_m"].iloc[i]),
            "chainage_to_m": float(defects["chainage_end_m"].iloc[i]), "kind": kind[i],
            "risk": str(defects["risk"].iloc[i]), "risk_score": float(score[i]), "emergency": bool(emergency[i]),
            "treatment": method, "defect_volume_m3": float(vol[i]), "grout_m3": float(grout[i]),
            "holes": int(holes[i]), "excavation_m3": float(exc[i]), "backfill_m3": float(exc[i]),
            "crew_days": float(days[i]), "curing_days": float(curing[i]), "runs": under[i],
            "reason": "; ".join(why),
        })
    cols = ["pretreatment_id", "defect_id", "road", "lane", "chainage_from_m", "chainage_to_m", "kind", "risk",
            "risk_score", "emergency", "treatment", "defect_volume_m3", "grout_m3", "holes", "excavation_m3",
            "backfill_m3", "crew_days", "curing_days", "runs", "reason"]
    return (pd.DataFrame(rows, columns=cols),
            pd.DataFrame(decisions, columns=["defect_id", "decision"]))
