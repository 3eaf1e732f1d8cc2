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
``NAME_3d_merged.h5`` as gprMax's own merge tool does; ``detect`` runs
:func:`roadhealth.detect.detect` on it, clean and with the validation sets' noise
(:func:`validation.common.add_noise`, relative to the largest amplitude: the direct wave, which in
3-D is relatively stronger than the deep reflections than in 2-D), and prints what it reports
against the truth. Results: ``docs/detection-log.md``; the first run is the test fixture
``tests/data/gprmax/cavity_3d_merged.h5``.

Usage (from the repository root)::

    python validation/fullwave_3d.py export bw400_cavity_25 [--set blind] [--work DIR]
    python validation/fullwave_3d.py run /path/to/python-with-gprMax bw400_cavity_25 [--work DIR]
    python validation/fullwave_3d.py detect bw400_cavity_25 [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data" / "gprmax"))

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
    print(name, "merged:", out, flush=True)
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
    d = sub.add_parser("detect")
    d.add_argument("name")
    d.add_argument("--work", default=work_default)
    a = ap.parse_args(argv)
    work = Path(a.work)
    if a.cmd == "export":
        export(a.name, a.set, work, dx=a.dx, half_width=a.half_width, line=a.line, depth=a.depth, window=a.window)
    elif a.cmd == "run":
        run(a.name, a.python, work)
    else:
        detect(a.name, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
