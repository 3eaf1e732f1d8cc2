"""Collect the validation metrics into one markdown summary and the calibration figure.

Reads ``fastmodel/metrics_test.json``, ``fullwave/metrics_clean.json``,
``fullwave/metrics_noisy.json``, the blind set's ``fullwave_blind/metrics_*.json`` and
``realdata/results.json`` (whichever exist) and writes

* ``validation/RESULTS.md``: issue 10's targets against every set, per-kind tables, real data;
* ``docs/img/validation_calibration.png``: the reliability diagram of ``confidence`` per set.

Usage: ``python validation/report.py`` (after the runners).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HERE = Path(__file__).resolve().parent
IMG = HERE.parent / "docs" / "img" / "validation_calibration.png"

SETS = {
    "fast model, test split": HERE / "fastmodel" / "metrics_test.json",
    "full-wave, clean": HERE / "fullwave" / "metrics_clean.json",
    "full-wave, noisy": HERE / "fullwave" / "metrics_noisy.json",
    "full-wave blind, clean": HERE / "fullwave_blind" / "metrics_clean.json",
    "full-wave blind, noisy": HERE / "fullwave_blind" / "metrics_noisy.json",
    # the last blind batch, scored with the final code of the session that wrote it (earlier ones
    # as scored blind: metrics_*_b10_blind.json ... _b32_blind; docs/detection-log.md):
    # batch 33 (lines sampled 2-4 cm), written at the start of the fourteenth session before any
    # change was scored on it; one of its lines then informed that session's second change
    "blind batch 33 (fine trace steps), clean": HERE / "fullwave_blind" / "metrics_clean_b33_blind.json",
    "blind batch 33 (fine trace steps), noisy": HERE / "fullwave_blind" / "metrics_noisy_b33_blind.json",
}


def _load() -> dict:
    return {k: json.loads(p.read_text()) for k, p in SETS.items() if p.exists()}


def _kind(doc: dict, kind: str) -> dict:
    return next((r for r in doc["per_kind"] if r["kind"] == kind), {})


def _err(doc: dict, kind: str, q: str, stat: str):
    return next((r[stat] for r in doc["errors"] if r["kind"] == kind and r["quantity"] == q), None)


def _f(v, fmt="{:.2f}") -> str:
    return "-" if v is None else fmt.format(v)


def targets_table(docs: dict) -> str:
    """Issue 10's targets (rows) against each set (columns); a target is met (yes), missed (NO),
    or cannot be measured in that set (-)."""
    rows = []

    def add(name, target, fn, ok):
        cells = []
        for doc in docs.values():
            v = fn(doc)
            verdict = "" if ok is None else f" ({'yes' if ok(doc) else 'NO'})"
            cells.append("-" if v is None else f"{v}{verdict}")
        rows.append(f"| {name} | {target} | " + " | ".join(cells) + " |")

    def num(fn, fmt="{:.2f}"):
        return lambda d: None if fn(d) is None else fmt.format(fn(d))

    def ok_ge(fn, t):
        return lambda d: fn(d) is not None and fn(d) >= t

    def ok_le(fn, t):
        return lambda d: fn(d) is not None and fn(d) <= t

    cv_r = lambda d: _kind(d, "cavity+void").get("recall")  # noqa: E731
    cv_p = lambda d: _kind(d, "cavity+void").get("precision")  # noqa: E731
    add("cavity+void recall", ">= 0.98", num(cv_r), ok_ge(cv_r, 0.98))
    add("cavity+void precision", ">= 0.95", num(cv_p), ok_ge(cv_p, 0.95))
    along = lambda d: _err(d, "cavity+void", "along_m", "median_abs")  # noqa: E731
    add("cavity+void position along track, median abs", "<= 0.2 m", num(along), ok_le(along, 0.2))
    top_med = lambda d: _err(d, "cavity+void", "depth_top_m", "median_abs")  # noqa: E731
    top_95 = lambda d: _err(d, "cavity+void", "depth_top_m", "p95_abs")  # noqa: E731
    add("cavity+void top depth, median abs", "<= 0.1 m", num(top_med), ok_le(top_med, 0.1))
    add("cavity+void top depth, 95th percentile abs", "<= 0.2 m", num(top_95), ok_le(top_95, 0.2))
    acc = lambda d: _kind(d, "all").get("kind_accuracy")  # noqa: E731
    add("kind right, of defects found", ">= 0.90", num(acc), ok_ge(acc, 0.9))
    for k in ("loose", "water_rich"):
        f1 = (lambda kk: lambda d: _kind(d, kk).get("f1"))(k)
        add(f"{k} F1", ">= 0.85", num(f1), ok_ge(f1, 0.85))
    pipe = lambda d: d["overall"].get("pipe_flagged_fraction")  # noqa: E731
    add("pipes flagged as defects", "< 0.05", num(pipe), lambda d: pipe(d) is not None and pipe(d) < 0.05)
    clean = lambda d: next((v.get("false_alarms_per_km") for k, v in d.get("rates", {}).items()  # noqa: E731
                            if k.startswith("clean roads")), None)
    add("false alarms per km, clean roads", "< 0.5", num(clean, "{:.1f}"),
        lambda d: clean(d) is not None and clean(d) < 0.5)
    fa_all = lambda d: d["overall"].get("false_alarms_per_km")  # noqa: E731
    add("false alarms per km, whole set", "(reported)", num(fa_all, "{:.1f}"), None)

    def small_deep(d):  # the 0.5 x 0.1 m air cavity 1.5 m deep at 400 MHz (full-wave scenarios)
        ps = d.get("per_scenario", {})
        hits = [v for k, v in ps.items() if k in ("fw400_cavity_01", "fw400_cavity_02")]
        return None if not hits else (sum(bool(v["found"]) for v in hits), len(hits))

    add("0.5 x 0.1 m air cavity at 1.5 m, 400 MHz: found", "every one",
        lambda d: None if small_deep(d) is None else "{} of {}".format(*small_deep(d)),
        lambda d: small_deep(d) is not None and small_deep(d)[0] == small_deep(d)[1])
    cal = lambda d: d["overall"].get("real_fraction_confidence_ge_0.8")  # noqa: E731
    add("real, of detections with confidence >= 0.8", ">= 0.80", num(cal), ok_ge(cal, 0.8))
    head = "| figure | target | " + " | ".join(docs) + " |\n|---|---|" + "---|" * len(docs)
    return head + "\n" + "\n".join(rows)


def kinds_table(doc: dict) -> str:
    cols = ["n_truth", "n_detected", "found", "right_kind", "recall_found", "recall", "precision", "f1",
            "kind_accuracy"]
    lines = ["| kind | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for r in doc["per_kind"]:
        lines.append(f"| {r['kind']} | " + " | ".join(
            str(r[c]) if isinstance(r[c], int) else _f(r[c]) for c in cols) + " |")
    return "\n".join(lines)


def plot(docs: dict) -> Path | None:
    if not docs:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(docs), figsize=(4.0 * len(docs), 3.8), squeeze=False)
    for ax, (name, doc) in zip(axes[0], docs.items(), strict=True):
        cal = [r for r in doc["calibration"] if r["n"]]
        ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--")
        if cal:
            x = [r["mean_confidence"] for r in cal]
            y = [r["fraction_real"] for r in cal]
            n = [r["n"] for r in cal]
            ax.plot(x, y, color="C0", lw=1)
            ax.scatter(x, y, s=[20 + 180 * k / max(n) for k in n], color="C0", zorder=3)
            for xi, yi, k in zip(x, y, n, strict=True):
                ax.annotate(str(k), (xi, yi), textcoords="offset points", xytext=(4, -10), fontsize=7)
        ax.axvline(0.8, color="C3", lw=0.8, ls=":")
        ax.axhline(0.8, color="C3", lw=0.8, ls=":")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("confidence (bin mean)")
        ax.set_ylabel("fraction of detections that are real")
    fig.tight_layout()
    IMG.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMG, dpi=90)
    return IMG


def main() -> int:
    docs = _load()
    parts = ["# Validation results", ""]
    if docs:
        parts += ["## Targets of issue 10", "", targets_table(docs), ""]
        for name, doc in docs.items():
            parts += [f"## {name}", ""] + [f"* {n}" for n in doc.get("notes", [])] + ["", kinds_table(doc), ""]
    real = HERE / "realdata" / "results.json"
    if real.exists():
        rd = json.loads(real.read_text())
        parts += ["## Real data (no truth)", "", f"* {rd['note']}"]
        parts += [f"* {k}: {v}" for k, v in rd["summary"].items()]
        parts += [""]
    img = plot(docs)
    if img:
        parts += [f"Calibration figure: `{img.relative_to(HERE.parent)}`", ""]
    (HERE / "RESULTS.md").write_text("\n".join(parts), encoding="utf-8")
    print("\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
