"""Compare two metrics files of the full-wave sets: headline figures and what changed per line.

Usage (from the repository root)::

    python validation/compare_metrics.py BEFORE.json AFTER.json [--depths]

Both files are written by ``fullwave_set.py evaluate`` (``metrics_<variant>[_<tag>].json``). The
headline row gives cavity+void recall and precision, kind accuracy, loose and water-rich F1 and
recall, false alarms, pipes flagged, false alarms on clean roads and the share of confident
detections that are real. Then every line (scenario) present in both files whose found kinds,
missed kinds or false-alarm kinds differ (confidences and top-depth errors are ignored unless
``--depths`` is given). Lines in only one file are listed by name.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def headline(m: dict) -> dict:
    """The figures the issue's targets name, from one metrics dict."""
    pk = m["per_kind"]
    rows = pk if isinstance(pk, list) else [dict(kind=k, **v) for k, v in pk.items()]
    g = {r["kind"]: r for r in rows}
    clutter = m.get("clutter") or []
    pipes = next((c for c in clutter if c.get("clutter_kind") == "pipe"), {}) if isinstance(clutter, list) else {}
    clean_roads = (m.get("rates") or {}).get("clean roads", {})

    def get(kind, key):
        return g.get(kind, {}).get(key)

    return {
        "cv_recall": get("cavity+void", "recall"), "cv_precision": get("cavity+void", "precision"),
        "kind": get("all", "kind_accuracy"),
        "loose_f1": get("loose", "f1"), "loose_recall": get("loose", "recall"),
        "wr_f1": get("water_rich", "f1"), "wr_recall": get("water_rich", "recall"),
        "false_alarms": m["overall"].get("false_alarms"),
        "pipes_flagged": pipes.get("flagged"), "clean_road_false_alarms": clean_roads.get("false_alarms"),
        "real_conf_ge_0.8": m["overall"].get("real_fraction_confidence_ge_0.8"),
    }


def _kinds(items: list[str], depths: bool) -> list[str]:
    if depths:
        return sorted(items)
    # "cavity->cavity (top +0.05 m)" -> "cavity->cavity"; "cavity 0.86 on pipe" -> "cavity on pipe"
    out = []
    for x in items:
        x = x.split(" (top")[0]
        parts = x.split()
        out.append(parts[0] + (" on " + parts[-1] if " on " in x else ""))
    return sorted(out)


def changes(a: dict, b: dict, depths: bool = False) -> list[str]:
    """Lines whose found, missed or false-alarm kinds differ between two per-scenario dicts."""
    out = []
    for name in a:
        if name not in b:
            continue
        x, y = a[name], b[name]
        keys = ("found", "missed", "false_alarms")
        if any(_kinds(x[k], depths) != _kinds(y[k], depths) for k in keys):
            out.append(f"{name}: found {x['found']} missed {x['missed']} false alarms {x['false_alarms']}\n"
                       f"{' ' * len(name)}  -> found {y['found']} missed {y['missed']} false alarms {y['false_alarms']}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--depths", action="store_true", help="also list lines whose top-depth errors or confidences moved")
    args = ap.parse_args(argv)
    a, b = (json.loads(p.read_text()) for p in (args.before, args.after))
    for label, m in (("before", a), ("after", b)):
        h = headline(m)
        print(f"{label:6s} " + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in h.items()))
    pa, pb = a.get("per_scenario", {}), b.get("per_scenario", {})
    only = sorted(set(pa) ^ set(pb))
    if only:
        print(f"in one file only ({len(only)}): {' '.join(only)}")
    moved = changes(pa, pb, args.depths)
    print(f"{len(moved)} line(s) changed")
    for line in moved:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
