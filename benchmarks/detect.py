"""Benchmark: the cost of ``roadhealth.detect`` against the default recipe it runs on.

On the 12-channel sample survey ``sample_data/longdu/WAIMAO.DZT`` (12 x 1201 x 256 int16, 7.4 MB):

* ``recipe``: :func:`roadhealth.processing.apply` with the default recipe on the raw survey;
* ``detect_processed``: :func:`roadhealth.detect.detect` on the already processed survey (the
  detector's own cost: attributes, regions, features, rules, table);
* ``detect_raw``: ``detect`` on the raw survey (recipe + detection, as a user calls it).

Each is timed ``--repeat`` times in this process (after one warm-up) and the medians of the
wall-clock and CPU times (all threads; the fairer measure on a shared machine) are printed, with
the ratios ``detect_processed / recipe`` (target: <= 1) and the throughput of ``detect_raw`` in
MB/s of int16 input.

With ``--simulated`` the survey is instead a window of a 32-channel array as the chunked
detector searches it: 25 m at 2 cm x 512 samples (41 MB of int16 equivalent), simulated with
:func:`roadhealth.synth.simulate` at 400 MHz over a cavity, a void, a loose zone, a wet zone and
a metal pipe (about 30 s to simulate). The sample survey is small (12 x 1201 x 256) and real; the
simulated window is the size the campaign chain works on.

Usage::

    python benchmarks/detect.py [--repeat 7] [--file sample_data/longdu/WAIMAO.DZT | --simulated]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path


def _median_time(func, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU (all threads of this process) seconds of ``func()``."""
    func()  # warm-up (imports, FFT plans)
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def simulated_window():
    """A 32-channel array window (25 m at 2 cm, 512 samples, 400 MHz) over five objects."""
    from roadhealth.synth import simulate
    from roadhealth.synth.forward import Acquisition
    from roadhealth.synth.model import (
        Cavity,
        LooseZone,
        Pipe,
        RoadModel,
        Void,
        WaterRichZone,
        default_layers,
    )

    objs = [Cavity(s_m=5.0, u_m=0.5, depth_top_m=0.6, length_m=0.8, width_m=0.8, height_m=0.3),
            Void(s_m=10.0, u_m=-0.3, length_m=1.2, width_m=1.0, height_m=0.03, under="asphalt"),
            LooseZone(s_m=15.0, u_m=0.0, depth_top_m=0.7, length_m=1.5, width_m=1.5, height_m=0.5),
            WaterRichZone(s_m=19.0, u_m=0.8, depth_top_m=0.8, length_m=1.5, width_m=1.5, height_m=0.4),
            Pipe(22.0, 0.0, depth_m=0.9, diameter_m=0.2, azimuth_deg=80, material="metal")]
    model = RoadModel(25.0, layers=default_layers(), objects=objs, seed=5)
    acq = Acquisition(frequency_mhz=400.0, n_samples=512, window_ns=60.0, trace_spacing_m=0.02, n_channels=32,
                      channel_spacing_m=0.075)
    return simulate(model, acq, seed=1)


def main(argv=None) -> dict:
    import roadhealth
    import roadhealth.processing as rp
    from roadhealth.detect import detect

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--file", default=str(Path(__file__).resolve().parents[1] / "sample_data/longdu/WAIMAO.DZT"))
    ap.add_argument("--simulated", action="store_true", help="a simulated 32-channel 25 m array window instead")
    args = ap.parse_args(argv)
    if args.simulated:
        raw = simulated_window()
        name = "simulated 32-channel window (25 m, 400 MHz, 5 objects)"
    else:
        raw = roadhealth.read(args.file)
        name = Path(args.file).name
    raw = raw.copy(data=raw.values)  # in memory: time the computation, not the disk
    processed = rp.apply(raw)
    t_recipe, c_recipe = _median_time(lambda: rp.apply(raw), args.repeat)
    t_det, c_det = _median_time(lambda: detect(processed), args.repeat)
    t_raw, c_raw = _median_time(lambda: detect(raw), args.repeat)
    mb = raw.size * (2 if args.simulated else raw.dtype.itemsize) / 1e6  # simulated: as int16 data
    out = {
        "file": name, "shape": list(raw.shape), "dtype": str(raw.dtype), "input_mb": round(mb, 2),
        "recipe_s": round(t_recipe, 3), "detect_processed_s": round(t_det, 3), "detect_raw_s": round(t_raw, 3),
        "recipe_cpu_s": round(c_recipe, 3), "detect_processed_cpu_s": round(c_det, 3),
        "detect_raw_cpu_s": round(c_raw, 3),
        "detect_over_recipe": round(t_det / t_recipe, 2), "detect_over_recipe_cpu": round(c_det / c_recipe, 2),
        "detect_raw_mb_per_s": round(mb / t_raw, 1), "n_detections": len(detect(processed)),
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
