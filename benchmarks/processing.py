"""Benchmark: the default processing recipe on a large synthetic int16 survey.

16 channels x 20,000 traces x 512 samples of int16 (328 MB), dask-chunked and generated lazily
chunk by chunk (a jittered surface wavelet, a layer, wow, DC offset and noise), is run through
:func:`roadhealth.processing.apply` with the default recipe. The output is reduced chunk by chunk
(sum of squares), so the whole chain is computed but never held in memory at once.

Prints the throughput in MB/s of int16 input and the peak resident memory of a fresh worker
process (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``). Targets: > 50 MB/s on a 2-core
machine, peak < 1 GB.

Usage::

    python benchmarks/processing.py [--traces 20000] [--chunk-traces 1000] [--chunk-channels 4] [--steps]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import time

N_CHANNEL, N_TRACE, N_SAMPLE = 16, 20_000, 512
DT_NS = 0.0625  # 16 GHz sampling, 32 ns window
ANTENNA_MHZ = 900.0
SPACING_M = 0.05


@functools.lru_cache(maxsize=1)
def _templates():
    """64 int16 traces: a surface wavelet jittered by +-0.6 ns, a layer 4 ns below, wow, DC.

    The wow is a slow bump that starts at 0 (peak 0.2 of the wavelet at 5 ns), so the record
    begins quietly, as a real one does, and time zero picks the surface wavelet at about 3 ns
    (a wow that starts at its maximum is a step at the first sample, which time zero picks)."""
    import numpy as np

    t = DT_NS * np.arange(N_SAMPLE)
    tz = 3.0 + np.linspace(-0.6, 0.6, 64)[:, None]
    f = ANTENNA_MHZ / 1000.0

    def ricker(u):
        a = (np.pi * f * u) ** 2
        return (1 - 2 * a) * np.exp(-a)

    x = ricker(t - tz) + 0.3 * ricker(t - tz - 4.0) + 0.2 * (t / 5.0) * np.exp(1.0 - t / 5.0)
    return (6000 * x + 200).astype(np.int16)


def _block(block_info=None):
    """One int16 chunk of the synthetic survey (templates + noise), deterministic in its position."""
    import numpy as np

    info = block_info[None]
    (c0, c1), (t0, t1), _ = info["array-location"]
    rng = np.random.default_rng([c0, t0])
    shape = (c1 - c0, t1 - t0)
    x = _templates()[rng.integers(0, 64, size=shape)]
    x += rng.integers(-120, 121, size=(*shape, N_SAMPLE), dtype=np.int16)
    return x


def make_lazy_survey(n_trace: int, chunk_traces: int, chunk_channels: int):
    import dask.array as da
    import numpy as np

    from roadhealth import make_survey

    data = da.map_blocks(
        _block,
        dtype=np.int16,
        chunks=(
            da.core.normalize_chunks((chunk_channels, chunk_traces, N_SAMPLE),
                                     (N_CHANNEL, n_trace, N_SAMPLE))
        ),
    )
    return make_survey(data, dt_ns=DT_NS, antenna_mhz=ANTENNA_MHZ,
                       distance_m=SPACING_M * np.arange(n_trace), offset_m=0.1 * np.arange(N_CHANNEL))


def worker(args) -> dict:
    import dask
    import numpy as np

    from roadhealth.processing import apply

    s = make_lazy_survey(args.traces, args.chunk_traces, args.chunk_channels)
    nbytes = s.size * 2

    with dask.config.set(scheduler="threads", num_workers=args.workers):
        t0 = time.perf_counter()
        gen = float((s.data.astype(np.float32) ** 2).sum(dtype=np.float64).compute())
        t_gen = time.perf_counter() - t0

        out = apply(s)  # default recipe
        t0 = time.perf_counter()
        total = float((out.data ** 2).sum(dtype=np.float64).compute())
        t_all = time.perf_counter() - t0
    return {
        "input_mb": nbytes / 1e6,
        "generate_s": t_gen,
        "recipe_plus_generate_s": t_all,
        "mb_per_s": nbytes / 1e6 / t_all,
        "mb_per_s_excluding_generation": nbytes / 1e6 / max(t_all - t_gen, 1e-9),
        "checksum": [gen, total],
        "steps": [r["step"] for r in out.attrs["history"]],
    }


def per_step(n_trace: int = 4000, rep: int = 5) -> dict[str, float]:
    """Single-thread ns per sample of each default-recipe step (numpy, 4 channels) and the floor:
    one numpy.fft rfft + irfft pass over the same array (float32 input).

    Times are CPU time of this process (``time.process_time``), FFTs on one thread, best of
    ``rep``: the ratio to the floor then does not depend on what else the machine is running.
    Printed: each step on its own (``apply(..., fuse=False)`` runs these), then the passes that
    ``apply`` runs (``time_zero`` picks; its per-channel shift folded into the fused dewow +
    band-pass FFT pass; background removal and gain in one pass), then ``apply`` itself.
    """
    import numpy as np

    import roadhealth.processing as P
    from roadhealth import make_survey
    from roadhealth.processing.filters import dewow_bandpass
    from roadhealth.processing.fused import background_tpower_gain
    from roadhealth.processing.timezero import _time_zero_plan

    rng = np.random.default_rng(0)
    x = _templates()[rng.integers(0, 64, size=(4, n_trace))]
    x = x + rng.integers(-120, 121, size=x.shape, dtype=np.int16)
    s = make_survey(x, dt_ns=DT_NS, antenna_mhz=ANTENNA_MHZ, distance_m=SPACING_M * np.arange(n_trace))

    import scipy.fft as sfft

    def best(f, *a, **k):
        t = []
        with sfft.set_workers(1):
            for _ in range(rep):
                t0 = time.process_time()
                r = f(*a, **k)
                t.append(time.process_time() - t0)
        return min(t) * 1e9 / x.size, r

    res: dict[str, float] = {}
    cur, inputs = s, {}
    print("  steps one by one (apply(..., fuse=False)):")
    for st in P.default_recipe()["steps"]:
        inputs[st["name"]] = (cur, st["params"])
        ns, cur = best(P.STEPS[st["name"]], cur, **st["params"])
        res[st["name"]] = ns
        print(f"    {st['name']:40s} {ns:6.1f} ns/sample")
    ns, _ = best(P.apply, s, fuse=False)
    res["apply_unfused"] = ns
    print(f"    {'apply(default recipe, fuse=False)':40s} {ns:6.1f} ns/sample")
    print("  the passes apply() runs:")
    tz = inputs["time_zero"][1]
    ns, plan = best(_time_zero_plan, s, **tz)
    res["time_zero_picks"] = ns
    print(f"    {'time_zero picks (no sample moved)':40s} {ns:6.1f} ns/sample")
    ns, _ = best(dewow_bandpass, s, inputs["dewow"][1], inputs["bandpass"][1], time_zero=plan)
    res["shift_dewow_bandpass"] = ns
    print(f"    {'shift + dewow + bandpass, one FFT pass':40s} {ns:6.1f} ns/sample")
    ns, _ = best(background_tpower_gain, inputs["background_removal"][0], inputs["background_removal"][1],
                 inputs["tpower_gain"][1])
    res["background_gain"] = ns
    print(f"    {'background_removal + tpower_gain':40s} {ns:6.1f} ns/sample")
    ns_apply, _ = best(P.apply, s)
    res["apply"] = ns_apply
    print(f"    {'apply(default recipe)':40s} {ns_apply:6.1f} ns/sample")
    xf = x.astype(np.float32)
    ns_fft, _ = best(lambda a: np.fft.irfft(np.fft.rfft(a, axis=-1), n=a.shape[-1], axis=-1), xf)
    res["floor"] = ns_fft
    print(f"  {'floor: numpy rfft+irfft':42s} {ns_fft:6.1f} ns/sample -> recipe / floor = "
          f"{ns_apply / ns_fft:.2f} (fuse=False: {res['apply_unfused'] / ns_fft:.2f}); "
          f"target <= 3x (issue 8): {'met' if ns_apply <= 3 * ns_fft else 'MISSED'}")
    return res


def median_background(rep: int = 3) -> None:
    """The documented moving-median background (``window_m=5``) on the 45 m, 12-channel sample
    survey (after time zero): MB/s of its int16 input, wall and CPU time (target >= 20 MB/s)."""
    from pathlib import Path

    import roadhealth as rh
    from roadhealth.processing import background_removal, time_zero

    path = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"
    raw = rh.read(path).load()
    s = time_zero(raw)
    mb = raw.size * 2 / 1e6
    walls, cpus = [], []
    for _ in range(rep):
        w0, c0 = time.perf_counter(), time.process_time()
        background_removal(s, method="median", window_m=5.0)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    print(f"median background, window_m=5, {raw.shape} int16 = {mb:.1f} MB: "
          f"{min(walls):.2f} s wall -> {mb / min(walls):.1f} MB/s; {min(cpus):.2f} s CPU -> "
          f"{mb / min(cpus):.1f} MB/s (target >= 20 MB/s)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--traces", type=int, default=N_TRACE)
    p.add_argument("--chunk-traces", type=int, default=1000)
    p.add_argument("--chunk-channels", type=int, default=4)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--steps", action="store_true",
                   help="also time each step single-threaded (numpy) against an FFT floor")
    p.add_argument("--median", action="store_true",
                   help="also time the moving-median background on the 45 m sample survey")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args)))
        return 0
    cmd = [sys.executable, __file__, "--worker", "--traces", str(args.traces),
           "--chunk-traces", str(args.chunk_traces), "--chunk-channels", str(args.chunk_channels),
           "--workers", str(args.workers)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        sys.stderr.write(res.stderr)
        return res.returncode
    r = json.loads(res.stdout.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"survey: {N_CHANNEL} ch x {args.traces} traces x {N_SAMPLE} samples int16 "
          f"= {r['input_mb']:.0f} MB, chunks ({args.chunk_channels}, {args.chunk_traces}, {N_SAMPLE}), "
          f"{args.workers} threads")
    print(f"recipe: {' -> '.join(r['steps'])}")
    print(f"synthetic generation alone: {r['generate_s']:.2f} s")
    print(f"default recipe (incl. generation): {r['recipe_plus_generate_s']:.2f} s "
          f"-> {r['mb_per_s']:.1f} MB/s of int16 input "
          f"({r['mb_per_s_excluding_generation']:.1f} MB/s excluding generation)")
    print(f"peak memory (max RSS of the worker process): {peak_mb:.0f} MB")
    ok = r["mb_per_s"] > 50 and peak_mb < 1024
    print("targets (> 50 MB/s, < 1 GB):", "met" if ok else "MISSED")
    print("load average (1, 5, 15 min):", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    if args.steps:
        print("per step, single thread, in memory:")
        per_step()
    if args.median:
        median_background()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
