"""Benchmark: read (lazy) -> recipe -> detect on the 32-channel 1 km grid, windowed (issue 10).

The input is the generated grid of the throughput chains (:func:`benchmarks.inputs.make_grid_dzt`:
32 channels x 50,000 scans at 2 cm x 512 samples, int16, 1.64 GB; written once to
``benchmarks/cache/`` and reused). In a fresh subprocess (so its peak memory is its own) the
file is opened lazily (dask) and searched with :func:`roadhealth.detect.detect_chunked`: the
default recipe and the detector run window by window, each window computed from the file when
its turn comes. Reported: MB/s of int16 input, wall and CPU time (all threads of the process),
peak resident memory (``VmHWM``, :func:`benchmarks.peers.peak_rss_mb`), number of detections,
windows, and the window and overlap used. Targets (issue 10): >= 30 MB/s and < 1 GB peak.

Chains (``--chain``): ``stream`` (default; what ``detect_chunked`` does with a lazily read
survey): the surface and polarity reference measured on a subset of the raw traces, the recipe
once over the whole survey as one lazy dask pass, the detector per window (3.26 m overlap);
``per-window``: the recipe per window on the raw window with its overlap (8.26 m);
``processed``: ``processing.apply`` by the caller, then ``detect_chunked`` on the processed
survey (no raw polarity reference: detect assumes the physical convention).

Then, unless ``--no-ratio``, :mod:`benchmarks.detect` measures ``detect(processed) / recipe`` on the
12-channel sample survey (target <= 1).

Usage::

    python benchmarks/detect_chain.py [--traces N] [--workers 1] [--memory-mb 640]
        [--window-m M] [--overlap-m M] [--chain stream|per-window|processed] [--no-ratio]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from peers import peak_rss_mb  # noqa: E402  (VmHWM of this process image)

TARGET_MB_S = 30.0
TARGET_PEAK_MB = 1024.0


def child(args) -> dict:
    """The measured run: open lazily, detect window by window, report."""
    import dask

    import roadhealth.io as rio
    import roadhealth.processing as rp
    from roadhealth.detect import detect_chunked

    path = Path(args.path)
    s = rio.read(path, lazy=True)
    if args.traces:
        s = s.isel(trace=slice(0, args.traces))
    mb = s.size * 2 / 1e6
    base_mb = peak_rss_mb()
    kw = {"workers": args.workers, "memory_mb": args.memory_mb, "window_m": args.window_m,
          "overlap_m": args.overlap_m}
    with dask.config.set(scheduler="threads", num_workers=2):
        t0, c0 = time.perf_counter(), time.process_time()
        if args.chain == "processed":
            out = detect_chunked(rp.apply(s), **kw)
        else:
            out = detect_chunked(s, stream_recipe=args.chain == "stream", **kw)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    info = out.attrs["detect"]
    ch = info["chunked"]
    return {"chain": args.chain, "shape": list(s.shape), "mb": mb, "wall_s": wall, "cpu_s": cpu,
            "mb_s": mb / wall, "peak_rss_mb": peak_rss_mb(), "rss_before_mb": base_mb,
            "n_detections": len(out), "kinds": out["kind"].astype(str).value_counts().to_dict(),
            "n_windows": ch["n_windows"], "window_m": ch["window_m"], "overlap_m": ch["overlap_m"],
            "workers": ch["workers"], "memory_mb": ch["memory_mb"],
            "seam_duplicates_dropped": ch.get("seam_duplicates_dropped", 0),
            "n_candidates": info.get("n_candidates"), "velocity_source": info.get("velocity_source")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", type=int, default=0, help="only the first N scans (0: all 50,000)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--memory-mb", type=float, default=None)
    ap.add_argument("--window-m", type=float, default=None)
    ap.add_argument("--overlap-m", type=float, default=None)
    ap.add_argument("--chain", choices=["stream", "per-window", "processed"], default="stream")
    ap.add_argument("--no-ratio", action="store_true", help="skip detect(processed) / recipe on the sample")
    ap.add_argument("--repeat", type=int, default=5, help="repetitions of the ratio measurement")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--path", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        if args.memory_mb is None:
            from roadhealth.detect.chunked import DEFAULT_MEMORY_MB

            args.memory_mb = DEFAULT_MEMORY_MB
        print(json.dumps(child(args)))
        return 0

    import inputs

    t0 = time.perf_counter()
    path, meta = inputs.make_grid_dzt()
    t_make = time.perf_counter() - t0
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--path", str(path),
           "--traces", str(args.traces), "--workers", str(args.workers), "--chain", args.chain]
    for opt in ("memory_mb", "window_m", "overlap_m"):
        if getattr(args, opt) is not None:
            cmd += ["--" + opt.replace("_", "-"), str(getattr(args, opt))]
    load0 = os.getloadavg()
    env = {**os.environ, "PYTHONPATH": str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode:
        sys.stderr.write(res.stderr)
        return res.returncode
    r = json.loads(res.stdout.strip().splitlines()[-1])
    load1 = os.getloadavg()
    print(f"grid {path.name} ({meta['data_bytes'] / 1e6:.0f} MB of int16; ready in {t_make:.1f} s)")
    what = {"stream": "reference on raw subset + recipe (one dask pass) -> detect per window",
            "per-window": "recipe per window -> detect", "processed": "processing.apply (dask) -> detect per window"}
    print(f"chain: read (lazy) -> {what[r['chain']]} on {r['shape']} = {r['mb']:.0f} MB int16")
    print(f"  {r['n_windows']} windows of {r['window_m']:.2f} m, overlap {r['overlap_m']:.2f} m, "
          f"{r['workers']} worker(s), memory budget {r['memory_mb']:.0f} MB")
    print(f"  wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s -> {r['mb_s']:.1f} MB/s; peak RSS {r['peak_rss_mb']:.0f} MB "
          f"(before detection {r['rss_before_mb']:.0f} MB)")
    print(f"  {r['n_detections']} detections {r['kinds']}, {r['n_candidates']} candidates, "
          f"{r['seam_duplicates_dropped']} seam duplicates dropped")
    ok = r["mb_s"] >= TARGET_MB_S and r["peak_rss_mb"] < TARGET_PEAK_MB
    print(f"  targets (>= {TARGET_MB_S:g} MB/s, < {TARGET_PEAK_MB:g} MB): {'met' if ok else 'MISSED'}")
    print("  load average (1, 5, 15 min) before", " ".join(f"{v:.2f}" for v in load0),
          "after", " ".join(f"{v:.2f}" for v in load1))
    r["load_before"], r["load_after"] = load0, load1
    if not args.no_ratio:
        import detect as bench_detect

        ratio = bench_detect.main(["--repeat", str(args.repeat)])
        r["ratio"] = ratio
        print(f"detect(processed) / recipe on {ratio['file']} {ratio['shape']}: wall {ratio['detect_over_recipe']}, "
              f"CPU {ratio['detect_over_recipe_cpu']} (target <= 1)")
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
