"""Where the detector works and where it does not: the full-wave set's results by set-up.

``fullwave_set.py evaluate`` scores the whole set at once; its headline figures hide that some
set-ups are harder than others (a wet lens in wet clay has almost no contrast; a loose zone on one
uniform soil reads as a cavity; several bodies on one line crowd each other). This script reads the
per-line results that ``evaluate`` already wrote (``metrics_clean.json``, ``metrics_noisy.json``:
nothing is detected again) and groups the lines by what their set-up has:

* ``band N``: the antenna's centre frequency, MHz;
* ``soil ...``: the default layered road, one uniform soil under the asphalt, a dry sandy base and
  fill, a wet clay subgrade, other soils;
* ``several bodies``: lines of two to four objects (``multi``);
* ``antenna raised``, ``fractal soil``, ``Gaussian-derivative source``, ``trace step given``,
  ``asphalt thickness given``, ``cavity shape`` (flat-topped, boxy or round footprint, part water),
  ``wet zone flat or lossier``, ``loose zone one homogeneous body`` (``loose_style="uniform"``, from
  batch 197 on), ``varied draw`` (batches drawn with ``draw_blind_batch.py
  --varied``).

A line counts in every group it belongs to. Per group and variant (clean, noisy): lines; cavities
and voids (C+V) in the truth and found with an air kind (recall); wet zones and loose zones found
with their own kind (recall); false alarms per line not on a pipe, and the lines of one pipe whose pipe is
flagged (a false alarm on it; the pipes on lines of several bodies are left out here). Writes ``breakdown.md`` next to the metrics.

Usage (from the repository root; a second or two)::

    python validation/fullwave_breakdown.py --set blind
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from validation import fullwave_set as fw

AIR = ("cavity", "void")


def set_up_groups(sc: dict) -> list[str]:
    """The groups (see the module notes) one scenario belongs to."""
    p = sc["params"]
    g = [f"band {sc['frequency_mhz']} MHz"]
    soils = p.get("soil_materials")
    if p.get("soil") == "uniform":
        g.append("soil: one uniform soil")
    elif soils == fw.DRY_SAND:
        g.append("soil: dry sand")
    elif soils == fw.WET_CLAY:
        g.append("soil: wet clay")
    elif soils:
        g.append("soil: other")
    else:
        g.append("soil: default layered road")
    # the bodies of the line, (kind, parameters): a multi-object line's items, else the line's own
    items = list(p["items"]) if "items" in p else [(sc["object"], p)]
    if "items" in p:
        g.append("several bodies on the line")
    if float(p.get("antenna_height_m", 0.0) or 0.0) > fw.ANTENNA_HEIGHT_M + 1e-9:
        g.append("antenna raised")
    if float(p.get("heterogeneity", 0.0) or 0.0) > 0:
        g.append("fractal soil")
    if p.get("waveform", "ricker") != "ricker":
        g.append("Gaussian-derivative source")
    if "step_m" in p:
        g.append("trace step given")
    if "asphalt_m" in p:
        g.append("asphalt thickness given")
    if any(kind.startswith("cavity") and k in q for kind, q in items for k in ("flat_top", "shape_power", "water_fraction")):
        g.append("cavity shape (flat, boxy, round, part water)")
    if sc["object"] == "water_rich" and any(k in p for k in ("flat_top", "sigma_s_m")):
        g.append("wet zone flat or lossier")
    if any(kind == "loose" and q.get("loose_style") == "uniform" for kind, q in items):
        g.append("loose zone one homogeneous body")
    if (sc.get("batch") or 0) >= fw.VARIED_FROM_BATCH:
        g.append("varied draw (--varied)")
    return g


def _kinds(entry: str) -> tuple[str, str]:
    """'cavity->void (top +0.01 m)' -> ('cavity', 'void')."""
    a, b = entry.split(" ")[0].split("->")
    return a, b


def tally(per_scenario: dict, scs: dict) -> dict:
    """Per group: counts (see the module notes)."""
    out: dict = defaultdict(lambda: defaultdict(int))
    for name, r in per_scenario.items():
        if name not in scs:
            continue
        found = [_kinds(e) for e in r["found"]]
        for grp in ["all lines", *set_up_groups(scs[name])]:
            t = out[grp]
            t["lines"] += 1
            t["cv"] += sum(k in AIR for k, _ in found) + sum(k in AIR for k in r["missed"])
            t["cv_right"] += sum(k in AIR and d in AIR for k, d in found)
            for kind in ("water_rich", "loose"):
                t[kind] += sum(k == kind for k, _ in found) + sum(k == kind for k in r["missed"])
                t[f"{kind}_right"] += sum(k == kind and d == kind for k, d in found)
            fas = r["false_alarms"]
            t["fa_other"] += sum(" on pipe" not in f for f in fas)
            if scs[name]["object"] == "pipe":
                t["pipes"] += 1
                t["pipes_flagged"] += any(" on pipe" in f for f in fas)
    return out


def _rate(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "-"


def table(variant: str, counts: dict) -> list[str]:
    lines = [f"### {variant}", "",
             "| set-up | lines | C+V recall | wet zones found as wet | loose zones found as loose | "
             "false alarms per line (not on pipes) | lone pipes flagged |", "|---|---|---|---|---|---|---|"]
    order = sorted(counts, key=lambda k: (k != "all lines", k))
    for grp in order:
        t = counts[grp]
        lines.append(f"| {grp} | {t['lines']} | {_rate(t['cv_right'], t['cv'])} | "
                     f"{_rate(t['water_rich_right'], t['water_rich'])} | {_rate(t['loose_right'], t['loose'])} | "
                     f"{t['fa_other'] / t['lines']:.3f} | {_rate(t['pipes_flagged'], t['pipes'])} |")
    return [*lines, ""]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=("main", "blind"), default="blind")
    ap.add_argument("--tag", default="", help="read metrics_<variant>_<tag>.json (default: the whole-set metrics)")
    args = ap.parse_args(argv)
    fw.use_set(args.set)
    scs = {sc["name"]: sc for sc in fw.scenarios()}
    out = ["# Full-wave set: results by set-up", "",
           "Written by `python validation/fullwave_breakdown.py` from the per-line results of "
           "`fullwave_set.py evaluate` (see its notes for the groups). A line counts in every group it "
           "belongs to; the rates are per true defect (C+V: found with an air kind, cavity or void; wet "
           "and loose zones: found with their own kind).", ""]
    suffix = f"_{args.tag}" if args.tag else ""
    for variant in ("clean", "noisy"):
        path = fw.OUT / f"metrics_{variant}{suffix}.json"
        if not path.exists():
            print(f"no {path}; run fullwave_set.py evaluate first", file=sys.stderr)
            return 1
        per = json.loads(path.read_text())["per_scenario"]
        out += table(variant, tally(per, scs))
    dest = fw.OUT / f"breakdown{suffix}.md"
    dest.write_text("\n".join(out))
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
