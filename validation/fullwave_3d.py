"""Full-wave scenarios of the validation sets run in 3-D: the check that the detector's 2-D
validation carries over to a wave that spreads in three dimensions (weaker with depth, a near
field that shifts phases further, a body of finite width across the line).

A scenario of ``validation/fullwave_set.py`` (its road, jitter and body) is exported in 3-D by
:func:`roadhealth.synth.gprmax.to_gprmax` over a short stretch of its line centred on the body:
``--line`` m along (default 2), ``+-half-width`` m across (0.4), ``--depth`` m of ground (1.4),
``--dx`` m cells (0.014: about seven cells per shortest wavelength in the soil at 400 MHz, coarser
than the 2-D sets' ten; 3-D costs the cube), ``--window`` ns (32). ``run`` runs gprMax one trace
after another (one process, ``OMP_NUM_THREADS`` as set, default 1; resumable per trace: about
two minutes per trace on one core at the defaults) and merges the traces into
``NAME_3d_merged.h5`` as gprMax's own merge tool does (kept, with its export record, in
``validation/fullwave3d_results/``); ``score`` scores every kept line (``scores.md``); ``detect`` runs
:func:`roadhealth.detect.detect` on it, clean and with the validation sets' noise
(:func:`validation.common.add_noise`, relative to the largest amplitude: the direct wave, which in
3-D is relatively stronger than the deep reflections than in 2-D), and prints what it reports
against the truth. Results: ``docs/detection-log.md``; the first run is the test fixture
``tests/data/gprmax/cavity_3d_merged.h5``.

Usage (from the repository root)::

    python validation/fullwave_3d.py export bw400_cavity_25 [--set blind] [--work DIR]
    python validation/fullwave_3d.py run /path/to/python-with-gprMax bw400_cavity_25 [--work DIR]
    python validation/fullwave_3d.py detect bw400_cavity_25 [--work DIR]
    python validation/fullwave_3d.py score [NAME ...]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data" / "gprmax"))

#: Where the finished runs are kept (committed: each line's merged file, a few tens of kB, and its
#: export record), and the scores of ``score`` are written.
RESULTS = ROOT / "validation" / "fullwave3d_results"

#: The merged file keeps every ``DECIMATE``-th sample of gprMax's (0.027 ns at 1.4 cm cells:
#: 0.08 ns, 31 samples per period at 400 MHz).
DECIMATE = 3


def export(name: str, setname: str, work: Path, *, dx: float, half_width: float, line: float,
           depth: float, window: float) -> Path:
    """Write ``NAME_3d.in`` and ``NAME_3d.json`` (the scenario, the export options and the truth
    along the exported line) into ``work``."""
    from roadhealth.synth.gprmax import to_gprmax
    from validation import fullwave_set as fs

    fs.use_set(setname)
    sc = next((s for s in fs.scenarios() if s["name"] == name), None)
    if sc is None:
        raise SystemExit(f"no scenario {name!r} in the {setname} set")
    model = fs.build_model(sc)
    opts = fs.export_options(sc, model)
    s = float(sc["jitter"]["s_m"])
    s0, s1 = max(0.0, s - line / 2), min(model.length_m, s + line / 2)
    opts.update(dims="3d", u_range_m=(-half_width, half_width), dx_m=dx, body_cell_m=dx, depth_m=depth,
                time_window_ns=window, s_range_m=(s0, s1))
    text = to_gprmax(model, **opts)
    n_traces = int(re.search(r"gprMax <file> -n (\d+)", text).group(1))  # as the exporter counts them
    work.mkdir(parents=True, exist_ok=True)
    (work / f"{name}_3d.in").write_text(text, encoding="ascii")
    # the truth along the survey: distance 0 is the first trace's midpoint, half the antenna
    # separation after the exported line's start
    mid0 = s0 + opts["antenna_separation_m"] / 2
    p = sc["params"]
    truth = {"kind": sc["object"], "distance_m": [s - p["length_m"] / 2 - mid0, s + p["length_m"] / 2 - mid0],
             "depth_top_m": p.get("depth_top_m")} if "length_m" in p else {"kind": sc["object"]}
    meta = {"scenario": sc, "set": setname, "options": {k: (list(v) if isinstance(v, tuple) else v)
                                                       for k, v in opts.items()},
            "n_traces": n_traces, "truth": truth}
    (work / f"{name}_3d.json").write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    print(f"{name}: {n_traces} traces, {s1 - s0:.2f} m x {2 * half_width:.2f} m x {depth:.2f} m at {dx * 100:.1f} cm cells")
    return work / f"{name}_3d.in"


def run(name: str, python: str, work: Path) -> Path:
    """Run gprMax on ``NAME_3d.in`` (resuming after the last trace written) and merge."""
    from make_models import merge

    from validation.common import run_gprmax_traces

    meta = json.loads((work / f"{name}_3d.json").read_text(encoding="utf-8"))
    n = int(meta["n_traces"])
    stem = f"{name}_3d"
    run_gprmax_traces(python, stem, n, work)
    # the receiver's field component along the dipole's polarisation
    pol = next(ln.split()[1] for ln in (work / f"{stem}.in").read_text(encoding="ascii").splitlines()
               if ln.startswith("#hertzian_dipole:"))
    out = work / f"{stem}_merged.h5"
    merge([work / f"{stem}{k}.h5" for k in range(1, n + 1)], out, DECIMATE, component="E" + pol)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for f in (out, work / f"{stem}.json"):
        shutil.copyfile(f, RESULTS / f.name)
    print(name, "merged:", out, "(kept in", RESULTS, ")", flush=True)
    return out


def truth_tables(meta: dict):
    """The scenario's truth and clutter (its 2-D files' tables) in the 3-D line's frame: distance 0
    at the first trace's midpoint, half the antenna separation after the exported line's start;
    the bodies clipped to the line (None for a table with nothing on it)."""
    from validation import fullwave_set as fs
    from validation.common import read_table

    fs.use_set(meta["set"])
    sc = meta["scenario"]
    opts = meta["options"]
    mid0 = float(opts["s_range_m"][0]) + float(opts["antenna_separation_m"]) / 2
    shift = float(fs.midpoints_m(sc)[0]) - mid0  # 2-D file distance -> 3-D file distance
    length = (int(meta["n_traces"]) - 1) * float(opts["trace_step_m"])
    out = []
    for suffix, kw in (("truth", {}), ("clutter", {"anomalies": False})):
        path = fs.OUT / f"{sc['name']}_{suffix}.geojson"
        t = read_table(path, **kw) if path.exists() else None
        if t is not None and len(t):
            t = t.copy()
            for c in ("distance_start_m", "distance_end_m"):
                t[c] = t[c] + shift
            t = t[(t["distance_end_m"] >= 0) & (t["distance_start_m"] <= length)]
            t["distance_start_m"] = t["distance_start_m"].clip(lower=0.0)
            t["distance_end_m"] = t["distance_end_m"].clip(upper=length)
            t["survey"] = sc["name"]
        out.append(t if t is not None and len(t) else None)
    return out[0], out[1], length


def score(names: list[str] | None = None) -> dict:
    """Detect on every kept 3-D line (``RESULTS``), clean and with the validation sets' noise
    (:func:`validation.common.add_noise`, seed 3), each as read (gprMax's file says its wave
    spread in 3-D) and as a file that does not say so (a SEG-Y export, as the full-wave sets are
    scored); match against the truth with :func:`roadhealth.detect.evaluate` (its default
    tolerances) and write ``RESULTS/scores.json`` and ``scores.md``."""
    import numpy as np
    import pandas as pd

    import roadhealth
    from roadhealth.detect import detect
    from roadhealth.detect.evaluate import evaluate
    from validation.common import add_noise

    warnings.simplefilter("ignore")
    rows = []
    for meta_path in sorted(RESULTS.glob("*_3d.json")):
        name = meta_path.name[:-len("_3d.json")]
        merged = RESULTS / f"{name}_3d_merged.h5"
        if (names and name not in names) or not merged.exists():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        truth, clutter, length = truth_tables(meta)
        s = roadhealth.read(merged)
        f_mhz = float(meta["scenario"]["frequency_mhz"])
        noisy = s.copy(data=add_noise(s.values.astype(float), float(s.attrs["dt_ns"]), f_mhz, seed=3).astype(np.float32))
        for variant, sv in (("clean", s), ("noisy", noisy)):
            for said in (True, False):
                sv2 = sv.copy()
                if not said:
                    sv2.attrs = {k: v for k, v in sv.attrs.items() if k != "wave_spreading"}
                d = detect(sv2)
                d["survey"] = name
                tru = truth if truth is not None else d.iloc[:0]
                rep = evaluate(d, tru, clutter=clutter, survey_length_km=length / 1000)
                m = rep.matches
                found = ([f"{kt}->{kd} (top {e:+.2f} m)" for kt, kd, e in
                          zip(m["kind_true"], m["kind_detected"], m.get("depth_top_m", pd.Series(np.nan, index=m.index)), strict=True)]
                         if len(m) else [])
                on = rep.unmatched
                flagged = ([f"{k} {c:.2f}" + (f" on {o}" if isinstance(o, str) else "")
                            for k, c, o in zip(on["kind"], on["confidence"], on["on_clutter"], strict=True)] if len(on) else [])
                rows.append({"name": name, "object": meta["scenario"]["object"], "variant": variant,
                             "stated_3d": said, "truth": [] if truth is None else [
                                 f"{r.kind} {r.distance_start_m:.2f}-{r.distance_end_m:.2f} m, top {r.depth_top_m:.2f} m"
                                 for r in truth.itertuples()],
                             "detections": [f"{r.kind} {r.distance_start_m:.2f}-{r.distance_end_m:.2f} m, "
                                            f"top {r.depth_top_m:.2f} m ({r.confidence:.2f})" for r in d.itertuples()],
                             "false_alarms": flagged, "found": found})
                print(name, variant, "stated 3-D" if said else "not stated", rows[-1]["detections"] or "nothing", flush=True)
    out = {"rows": rows}
    (RESULTS / "scores.json").write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")
    lines = ["# 3-D full-wave lines: what the detector reports",
             "",
             "Written by `python validation/fullwave_3d.py score`. Each line is a blind-set scenario exported in 3-D "
             "over a 2 m stretch of its line (`export`), run with gprMax and merged (`run`); scored clean and with the "
             "validation sets' noise (seed 3), as gprMax's file is read (it says its wave spread in 3-D) and as a file "
             "that does not say so (as a SEG-Y export). Matching: `roadhealth.detect.evaluate`, default tolerances.",
             "",
             "| line | object | variant | spreading | truth | detections | found (truth->kind) | false alarms |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['object']} | {r['variant']} | {'3-D stated' if r['stated_3d'] else 'not stated'} | "
                     f"{'; '.join(r['truth']) or '-'} | {'; '.join(r['detections']) or 'nothing'} | "
                     f"{', '.join(r['found']) or '-'} | {'; '.join(r['false_alarms']) or '-'} |")
    (RESULTS / "scores.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def detect(name: str, work: Path) -> None:
    """Detect on the merged 3-D B-scan, clean and noisy; print the reports and the truth."""
    import roadhealth
    from validation.common import print_clean_noisy

    warnings.simplefilter("ignore")
    meta = json.loads((work / f"{name}_3d.json").read_text(encoding="utf-8"))
    s = roadhealth.read(work / f"{name}_3d_merged.h5")
    print(f"{name} (3-D, {s.sizes['trace']} traces): truth {meta['truth']}")
    print_clean_noisy(s, float(meta["scenario"]["frequency_mhz"]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    work_default = str(ROOT / "validation" / "fullwave3d" / "work")
    e = sub.add_parser("export")
    e.add_argument("name")
    e.add_argument("--set", default="blind", choices=("main", "blind"))
    e.add_argument("--work", default=work_default)
    e.add_argument("--dx", type=float, default=0.014)
    e.add_argument("--half-width", type=float, default=0.4)
    e.add_argument("--line", type=float, default=2.0)
    e.add_argument("--depth", type=float, default=1.4)
    e.add_argument("--window", type=float, default=32.0)
    r = sub.add_parser("run")
    r.add_argument("python", help="interpreter with gprMax installed")
    r.add_argument("name")
    r.add_argument("--work", default=work_default)
    sc_ = sub.add_parser("score")
    sc_.add_argument("names", nargs="*", help="lines to score (default: every kept one)")
    d = sub.add_parser("detect")
    d.add_argument("name")
    d.add_argument("--work", default=work_default)
    a = ap.parse_args(argv)
    work = Path(getattr(a, "work", work_default))
    if a.cmd == "export":
        export(a.name, a.set, work, dx=a.dx, half_width=a.half_width, line=a.line, depth=a.depth, window=a.window)
    elif a.cmd == "run":
        run(a.name, a.python, work)
    elif a.cmd == "score":
        score(a.names or None)
    else:
        detect(a.name, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
