"""Benchmark of roadhealth.plan: 25 roads x 1 km with 500 anomalies (issue 11: under 30 s).

    nice -n 10 python benchmarks/plan.py [--roads 25] [--length 1000] [--anomalies 500]

Inputs are synthetic (``roadhealth.plan._testing``): straight 4-lane roads with condition every
20 m (a random mix of sound, distressed and failed stretches), thickness points every 0.5 m on 3
lines in each of the two outer lanes (the radar's coverage after decimation: 12 000 points per
road km), and anomalies of every kind scattered over the roads. Prints the time of each stage.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def inputs(n_roads: int, length_m: float, n_anomalies: int, seed: int = 0):
    from roadhealth.plan import _testing as T

    rng = np.random.default_rng(seed)
    cl = T.roads(n_roads, length_m=length_m, width_m=14.0, lanes=4, spacing_m=60.0,
                 phases=[1] * min(8, n_roads) + [2] * max(0, n_roads - 8))
    levels = []
    for _ in range(n_roads):  # piecewise-constant PCI: 3-6 stretches per road
        cuts = np.sort(rng.uniform(0, length_m, rng.integers(2, 6)))
        vals = rng.choice([85.0, 60.0, 45.0, 20.0], size=cuts.size + 1, p=[0.35, 0.3, 0.25, 0.1])
        levels.append(lambda s, c=cuts, v=vals: v[np.searchsorted(c, s)] + rng.normal(0, 3, np.size(s)))
    cond = T.condition(cl, levels)
    cond["pci"] = cond["pci"].clip(0, 100)
    th = T.thickness(cl, lambda s: 170 + 40 * np.sin(s / 150.0), lane_offsets=(-6.0, -5.25, -4.5, 4.5, 5.25, 6.0))
    specs = [(int(rng.integers(n_roads)), float(rng.uniform(2, length_m - 2)), float(rng.uniform(-6.5, 6.5)),
              str(rng.choice(["cavity", "void", "loose", "water_rich"])), str(rng.choice(["low", "medium", "high"],
                                                                                         p=[0.5, 0.4, 0.1])),
              float(rng.uniform(0.5, 3)), float(rng.uniform(0.4, 2.0)), float(rng.uniform(0.15, 1.2)))
             for _ in range(n_anomalies)]
    return cl, T.defects(cl, specs), cond, th


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--roads", type=int, default=25)
    ap.add_argument("--length", type=float, default=1000.0)
    ap.add_argument("--anomalies", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    cl, an, cond, th = inputs(args.roads, args.length, args.anomalies)
    print(f"inputs: {len(cl)} roads x {args.length:g} m, {len(an)} anomalies, {len(cond)} condition rows, "
          f"{len(th)} thickness points ({time.perf_counter() - t0:.1f} s to make)")
    from roadhealth.plan import plan

    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = plan(cl, an, cond, th, {"schedule": {"start_date": "2026-05-01", "deadline": "2027-03-31",
                                                      "phase_deadlines": {"1": "2026-09-30"}}})
        times.append(time.perf_counter() - t)
    s = p.summary
    print(f"plan: best {min(times):.2f} s, median {np.median(times):.2f} s over {args.repeat} runs "
          f"(issue 11 target: < 30 s)")
    print(f"  {s['sections']} sections ({s['section_lanes']} section-lanes), {s['runs']} runs, "
          f"{s['treated_length_m'] / 1000:.1f} km treated, {s['pretreatments']} pre-treatments "
          f"({s['emergencies']} emergencies)")
    for line in s["deadlines"]:
        print("  " + line)


if __name__ == "__main__":
    main()
