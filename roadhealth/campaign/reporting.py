"""Fill a :class:`roadhealth.report.ReportContent` from a campaign run's results.

Everything shown comes from the run's cached per-survey results and the campaign-level tables, so
a resumed run renders the same report as an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from roadhealth._version import __version__
from roadhealth.campaign.config import Campaign

__all__ = ["build_report"]


def _fmt_m(v) -> str:
    return f"{float(v):.2f} m"


def _facts(row) -> list[tuple[str, str]]:
    f = [("kind", str(row["kind"])), ("risk", str(row["risk"]))]
    if "risk_score" in row and np.isfinite(row["risk_score"]):
        f.append(("risk score", f"{float(row['risk_score']):.2f}"))
    f += [
        ("confidence", f"{float(row['confidence']):.2f}"),
        ("along the survey", f"{row['distance_start_m']:.2f}-{row['distance_end_m']:.2f} m"),
        ("across (left +)", f"{row['offset_start_m']:+.2f} to {row['offset_end_m']:+.2f} m"),
        ("depth", f"{row['depth_top_m']:.2f}-{row['depth_bottom_m']:.2f} m (cover {row['cover_m']:.2f} m)"),
        ("size L x W x H", f"{row['length_m']:.2f} x {row['width_m']:.2f} x {row['height_m']:.2f} m"),
    ]
    if "chainage_start_m" in row and np.isfinite(row.get("chainage_start_m", np.nan)):
        f.append(("chainage", f"{row['chainage_start_m']:.1f}-{row['chainage_end_m']:.1f} m"))
    for k in ("road", "lane"):
        if k in row and isinstance(row[k], str) and row[k]:
            f.append((k, row[k]))
    return f


def _flat(d: dict, prefix: str = "") -> dict:
    """Nested scores as one level of ``a.b`` labels (what the report lists)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        elif not isinstance(v, list):
            out[f"{prefix}{k}"] = v
    return out


def build_report(camp: Campaign, ok: list[dict], results: list[dict], anomalies, centrelines, plan_obj,
                 plan_note: str, stages: list[dict], skipped: list[dict], notes: list[dict], recipe: dict,
                 evaluation: dict | None, anomaly_source: str | None) -> Callable:
    """A function ``content(out) -> ReportContent`` (figures are drawn only when it is called)."""

    def content(out: Path):
        from roadhealth.processing.recipe import recipe_to_toml
        from roadhealth.report.figures import anomaly_map_figure, high_risk_mask, png_bytes
        from roadhealth.report.html import ReportContent

        tracks = {m["name"]: (np.array([p[0] for p in m["track"]]), np.array([p[1] for p in m["track"]]))
                  for m in ok if m.get("track")}
        map_png = png_bytes(anomaly_map_figure(centrelines, tracks, anomalies,
                                               title=f"{camp.title}: anomalies by kind and risk"))
        total_len = sum(float(m.get("length_m") or 0) for m in ok)
        total_mb = sum(Path(m["path"]).stat().st_size for m in ok) / 1e6
        summary = [
            ("campaign", f"{camp.title} ({camp.root.name}, described by {camp.source})"),
            ("surveys used", f"{len(ok)} of {len(results)}; {total_len:.1f} m surveyed; {total_mb:.1f} MB of radar data"),
            ("coordinate reference system", str(camp.crs or (ok[0].get("crs") if ok else "none"))),
            ("depth model", ", ".join(f"{k} = {v}" for k, v in camp.depth.items())),
        ]
        n_high = 0
        if anomalies is not None:
            n_high = int(high_risk_mask(anomalies).sum())
            by_kind = anomalies["kind"].astype(str).value_counts().sort_index()
            by_risk = anomalies["risk"].value_counts(sort=False).iloc[::-1]  # most urgent grade first
            src = ("detection" if anomaly_source == "detect"
                   else f"supplied table {camp.anomaly_file.name} (detection not run)")
            summary += [
                ("anomalies", f"{len(anomalies)} ({src})"),
                ("by kind", ", ".join(f"{k}: {v}" for k, v in by_kind.items()) or "none"),
                ("by risk", ", ".join(f"{k}: {v}" for k, v in by_risk.items()) or "none"),
                ("high risk", str(n_high)),
            ]
        else:
            why = next((st["detail"] for st in stages if st["stage"] == "detect"), "no anomaly table")
            summary.append(("anomalies", f"none: {why}"))
        if plan_obj is not None:
            summary.append(("plan", f"{len(plan_obj.sections)} section(s); {len(plan_obj.hir_runs)} HIR run(s), "
                                    f"{plan_obj.treated_length_m:.0f} m recycled; "
                                    f"{len(plan_obj.pretreatments)} pre-treatment(s)"))
        summary.append(("skipped inputs", str(len(skipped))))

        # evidence of high-risk anomalies, from the per-survey figures
        evidence = []
        if anomalies is not None and len(anomalies):
            start = 0
            for m in ok:
                n = m.get("anomalies") or 0
                for item in m.get("evidence", []):
                    row = anomalies.iloc[start + item["row"]]
                    d = Path(m["dir"])
                    evidence.append({
                        "title": f"{item['label']} - {row['kind']}, risk {row['risk']} ({m['name']})",
                        "evidence": row["evidence"],
                        "facts": _facts(row),
                        "bscan_png": (d / item["bscan"]).read_bytes() if item.get("bscan") else None,
                        "slice_png": (d / item["slice"]).read_bytes() if item.get("slice") else None,
                    })
                start += n

        plan_figures, plan_tables = [], []
        if plan_obj is not None:
            from roadhealth.report.figures import _figure

            fig = _figure(12, 8)
            plan_obj.plot_map(ax=fig.add_subplot(), centrelines=centrelines)
            plan_figures.append(("Sections by treatment and HIR runs", png_bytes(fig)))
            n_rows = plan_obj.schedule["train"].nunique() if len(plan_obj.schedule) else 1
            fig = _figure(12, 2.5 + 0.35 * n_rows)
            plan_obj.plot_gantt(ax=fig.add_subplot())
            plan_figures.append(("Schedule (Gantt chart)", png_bytes(fig)))
            for caption, g in (("Sections", plan_obj.sections), ("HIR runs", plan_obj.hir_runs),
                               ("Pre-treatments", plan_obj.pretreatments)):
                df = g.drop(columns=[c for c in ("geometry",) if c in g.columns])
                for c in df.columns:
                    if df[c].dtype.kind == "f":
                        df[c] = df[c].round(3)
                plan_tables.append((caption, df))

        surveys = []
        for r in results:
            row = {"survey": Path(r["path"]).name}
            if r.get("ok"):
                hdr = r.get("header") or {}
                row.update({
                    "status": "used",
                    "format": r.get("format"), "instrument": r.get("instrument"),
                    "antenna_mhz": r.get("antenna_mhz"), "channels": r.get("channels"), "traces": r.get("traces"),
                    "length_m": r.get("length_m"),
                    "anomalies": r.get("anomalies") if r.get("anomalies") is not None else "",
                    "slices": ", ".join(t["file"] for t in r.get("tiles", [])),
                    "header text": "; ".join(f"{k}: {v}" for k, v in hdr.items()),
                    "warnings": len(r.get("warnings", [])),
                })
            else:
                row.update({"status": "skipped", "format": "", "instrument": r.get("error", "")})
            surveys.append(row)

        from roadhealth.campaign.runner import _anomaly_rows

        return ReportContent(
            title=camp.title,
            summary=summary,
            stages=[{k: s.get(k) for k in ("stage", "status", "detail")} for s in stages],
            map_png=map_png,
            anomalies=None if anomalies is None else _anomaly_rows(anomalies),
            anomalies_note="No anomaly table: " + next((st["detail"] for st in stages if st["stage"] == "detect"),
                                                       "no detection"),
            evidence=evidence,
            plan_figures=plan_figures,
            plan_tables=plan_tables,
            plan_note=plan_note,
            evaluation=_flat(evaluation) if evaluation else None,
            surveys=surveys,
            recipe_toml=recipe_to_toml(recipe),
            configuration=camp.describe(),
            skipped=skipped,
            notes=notes,
            version=__version__,
        )

    return content
