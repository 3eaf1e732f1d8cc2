"""Real field data without truth: run the detector on every real file and count what it reports.

Issue 10's third validation set. ``../shared/gpr_samples`` (or ``$ROADHEALTH_SAMPLES``) holds real
recordings with no drilled truth, so the only honest figures are: does ``roadhealth.detect.detect``
run without error on every file, how long it takes, and how many anomalies per km of profile it
reports. Without truth every reported anomaly is counted as a potential false alarm: the "per km"
figure is an *upper bound* on false alarms (some sites may hold real objects; nobody drilled).

Inputs:

* the 46 parallel lines of ``gssi/gprdata_grid`` (SIR-3000, 400 MHz, 9 m each, 0.2 m apart), each
  line on its own, and all 46 assembled into one grid survey with
  :func:`roadhealth.processing.grid.assemble_grid` (lines placed by ``topo/TopoLineNN.txt``);
* ``gssi/gprpy_400mhz/FILE____032.DZT``, ``gssi/impdar_sir4000/test_gssi.DZT`` (200 MHz, 2300 ns),
  ``mala/impdar_ten_col/ten_col.rd3`` and the pulseEKKO ``.DT1`` files (``XLINE00`` is a
  wide-angle gather and ``CMP`` a common-midpoint gather: not profiles; they are kept as inputs a
  user may hand the detector, so they must give a clear error or a result, never a traceback).

Usage (from the repository root)::

    nice -n 10 python validation/realdata.py        # -> validation/realdata/results.json and .md

Length per file = span of ``distance_m`` per channel, summed over channels (km of profile line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from validation.common import markdown_table

HERE = Path(__file__).resolve().parent
OUT = HERE / "realdata"
SAMPLES = Path(os.environ.get("ROADHEALTH_SAMPLES", HERE.parent.parent / "shared" / "gpr_samples"))

SINGLE_FILES = [
    "gssi/gprpy_400mhz/FILE____032.DZT",
    "gssi/impdar_sir4000/test_gssi.DZT",
    "mala/impdar_ten_col/ten_col.rd3",
    "pulseekko/rgpr_isola_grid/YLINEA0.DT1",
    "pulseekko/gprpy_warr/XLINE00.DT1",
    "pulseekko/rgpr_frenke/CMP.DT1",
]


def line_km(survey) -> float:
    """Km of profile line in a survey: the ``distance_m`` span of each channel, summed."""
    d = np.asarray(survey.coords["distance_m"].values, dtype=float)
    d = d.reshape(-1, d.shape[-1])
    return float(np.nansum(np.nanmax(d, axis=1) - np.nanmin(d, axis=1))) / 1000.0


def _one(name: str, load, detector) -> dict:
    rec: dict = {"input": name}
    t0 = time.time()
    try:
        survey = load()
    except Exception as exc:  # a reader failure is reported, not hidden
        rec.update(status="read error", error=f"{type(exc).__name__}: {exc}"[:400], seconds=round(time.time() - t0, 2))
        return rec
    t1 = time.time()
    rec.update(channels=int(survey.sizes["channel"]), traces=int(survey.sizes["trace"]),
               samples=int(survey.sizes["sample"]), km=round(line_km(survey), 5), read_s=round(t1 - t0, 2))
    try:
        det = detector(survey)
    except Exception as exc:
        from roadhealth.errors import RoadHealthError

        tb = traceback.extract_tb(exc.__traceback__)
        rec.update(status="clear error" if isinstance(exc, RoadHealthError) else "crash",
                   error=f"{type(exc).__name__}: {exc}"[:400],
                   where=f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "",
                   detect_s=round(time.time() - t1, 2))
        return rec
    kinds = det["kind"].astype(str).value_counts().to_dict() if len(det) else {}
    conf = det["confidence"].to_numpy(float) if len(det) else np.zeros(0)
    rec.update(status="ok", detect_s=round(time.time() - t1, 2), detections=len(det), kinds=kinds,
               confidence_ge_0_8=int((conf >= 0.8).sum()),
               per_km=round(len(det) / rec["km"], 2) if rec["km"] else None,
               per_km_confidence_ge_0_8=round(int((conf >= 0.8).sum()) / rec["km"], 2) if rec["km"] else None)
    return rec


def run(detector=None, samples: Path = SAMPLES, *, grid_lines: int | None = None) -> dict:
    """Detect on every real file; returns and writes ``realdata/results.json`` and ``.md``.

    Parameters
    ----------
    detector : callable, optional
        ``survey -> anomaly table`` (default ``roadhealth.detect.detect``).
    samples : path
        The ``gpr_samples`` folder.
    grid_lines : int, optional
        Use only the first lines of the grid (tests).
    """
    import roadhealth
    from roadhealth.processing.grid import assemble_grid, read_topo_lines

    if detector is None:
        from roadhealth.detect import detect as detector
    if not (samples / "expected.json").is_file():
        raise SystemExit(f"real samples not found at {samples} (set ROADHEALTH_SAMPLES)")
    records = []
    grid_dir = samples / "gssi" / "gprdata_grid"
    lines = sorted((grid_dir / "lines").glob("FILE____*.DZT"))[:grid_lines]
    for p in lines:
        records.append(_one(f"gprdata_grid/lines/{p.name}", lambda p=p: roadhealth.read(p), detector))
        print(json.dumps(records[-1]), flush=True)

    def load_grid():
        starts, ends = read_topo_lines(grid_dir / "topo")
        n = len(lines)
        return assemble_grid([roadhealth.read(p) for p in lines], spacing_m=0.05, starts=starts[:n],
                             ends=ends[:n], distance="line")

    records.append(_one(f"gprdata_grid assembled ({len(lines)} lines)", load_grid, detector))
    print(json.dumps(records[-1]), flush=True)
    for rel in SINGLE_FILES:
        p = samples / rel
        if p.exists():
            records.append(_one(rel, lambda p=p: roadhealth.read(p), detector))
            print(json.dumps(records[-1]), flush=True)
    summary = summarise(records)
    doc = {"summary": summary, "records": records,
           "note": "no truth: every detection counts as a potential false alarm (upper bound)"}
    return doc


#: Inputs that are not profiles (wide-angle and common-midpoint gathers) or repeat others (the
#: assembled grid holds the grid lines): left out of the per-km totals.
NOT_PROFILES = ("pulseekko/gprpy_warr/XLINE00.DT1", "pulseekko/rgpr_frenke/CMP.DT1")


def summarise(records: list[dict]) -> dict:
    """Counts of outcomes and detections per km over the grid lines and over every profile."""
    def rate(recs):
        km = sum(r.get("km", 0.0) for r in recs)
        n = sum(r.get("detections", 0) for r in recs)
        n8 = sum(r.get("confidence_ge_0_8", 0) for r in recs)
        return {"km": round(km, 4), "detections": n, "per_km": round(n / km, 2) if km else None,
                "confidence_ge_0_8_per_km": round(n8 / km, 2) if km else None}

    ok = [r for r in records if r.get("status") == "ok"]
    grid_lines = [r for r in ok if r["input"].startswith("gprdata_grid/lines/")]
    profiles = [r for r in ok if not r["input"].startswith("gprdata_grid assembled") and r["input"] not in NOT_PROFILES]
    return {
        "files": len(records),
        "ok": len(ok),
        "clear_errors": sum(r.get("status") == "clear error" for r in records),
        "crashes": sum(r.get("status") in ("crash", "read error") for r in records),
        "grid_lines": rate(grid_lines),
        "grid_assembled": rate([r for r in ok if r["input"].startswith("gprdata_grid assembled")]),
        "all_profiles": rate(profiles),
    }


def write(doc: dict, out: Path = OUT) -> None:
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    df = pd.DataFrame(doc["records"]).set_index("input")
    cols = [c for c in ("status", "channels", "traces", "km", "detections", "per_km", "per_km_confidence_ge_0_8",
                        "detect_s", "error") if c in df.columns]
    text = ["# Real data (no truth)", "", f"* {doc['note']}",
            *[f"* {k}: {v}" for k, v in doc["summary"].items()], "", markdown_table(df[cols]), ""]
    (out / "results.md").write_text("\n".join(text), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=Path, default=SAMPLES)
    ap.add_argument("--summary-only", action="store_true", help="re-summarise realdata/results.json")
    a = ap.parse_args(argv)
    if a.summary_only:
        doc = json.loads((OUT / "results.json").read_text())
        doc["summary"] = summarise(doc["records"])
    else:
        doc = run(samples=a.samples)
    write(doc)
    print(json.dumps(doc["summary"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
