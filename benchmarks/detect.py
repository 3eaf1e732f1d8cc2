"""Benchmark: the cost of ``roadhealth.detect`` against the default recipe it runs on.

On the 12-channel sample survey ``sample_data/longdu/WAIMAO.DZT`` (12 x 1201 x 256 int16, 7.4 MB):

* ``recipe``: :func:`roadhealth.processing.apply` with the default recipe on the raw survey;
* ``detect_processed``: :func:`roadhealth.detect.detect` on the already processed survey (the
  detector's own cost: attributes, regions, features, rules, table);
* ``detect_raw``: ``detect`` on the raw survey (recipe + detection, as a user calls it).

Each is timed ``--repeat`` times in this process (after one warm-up) and the median is printed,
with the ratio ``detect_processed / recipe`` (target: <= 1) and the throughput of ``detect_raw``
in MB/s of int16 input.

Usage::

    python benchmarks/detect.py [--repeat 7] [--file sample_data/longdu/WAIMAO.DZT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path


def _median_time(func, repeat: int) -> float:
    func()  # warm-up (imports, FFT plans)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> dict:
    import roadhealth
    import roadhealth.processing as rp
    from roadhealth.detect import detect

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--file", default=str(Path(__file__).resolve().parents[1] / "sample_data/longdu/WAIMAO.DZT"))
    args = ap.parse_args(argv)
    raw = roadhealth.read(args.file)
    raw = raw.copy(data=raw.values)  # in memory: time the computation, not the disk
    processed = rp.apply(raw)
    t_recipe = _median_time(lambda: rp.apply(raw), args.repeat)
    t_det = _median_time(lambda: detect(processed), args.repeat)
    t_raw = _median_time(lambda: detect(raw), args.repeat)
    mb = raw.size * raw.dtype.itemsize / 1e6
    out = {
        "file": Path(args.file).name, "shape": list(raw.shape), "dtype": str(raw.dtype), "input_mb": round(mb, 2),
        "recipe_s": round(t_recipe, 3), "detect_processed_s": round(t_det, 3), "detect_raw_s": round(t_raw, 3),
        "detect_over_recipe": round(t_det / t_recipe, 2), "detect_raw_mb_per_s": round(mb / t_raw, 1),
        "n_detections": len(detect(processed)),
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
