"""Campaign throughput: `run_campaign` on a dask.distributed LocalCluster with 1 and 2 workers.

Builds a campaign of ``--copies`` copies of each Longdu sample survey (DZT + DZG under new names,
so every copy is real work: the cache keys differ), runs it from a fresh output folder on a
``LocalCluster(n_workers=w, threads_per_worker=1)`` for each ``w`` in ``--workers`` (and on the
default local threads), and reports:

* wall time of the whole run (surveys, anomalies, plan, report, run.json);
* throughput in MB (1e6 bytes) of radar input per second of wall time, and per CPU-second the
  workers spent (independent of what else the machine is running);
* peak resident memory of each worker process (``ru_maxrss``) and its baseline before the run
  (the worker with roadhealth imported), MB.

Usage::

    python benchmarks/campaign.py --copies 4 --workers 1 2 --json benchmarks/campaign_results.json
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"


def make_campaign(folder: Path, copies: int) -> int:
    """Copy the sample campaign with ``copies`` copies of each survey; return the radar bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for dzt in sorted(SAMPLE.glob("*.DZT")):
        for k in range(copies):
            stem = f"{dzt.stem}_{k:02d}"
            shutil.copy(dzt, folder / f"{stem}.DZT")
            shutil.copy(dzt.with_suffix(".DZG"), folder / f"{stem}.DZG")
            total += dzt.stat().st_size
    for name in ("centrelines.gpkg", "surface_condition.csv", "cores.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    # the sample's campaign.toml without its truth (truth names the original surveys only)
    toml = [ln for ln in (SAMPLE / "campaign.toml").read_text().splitlines() if not ln.startswith("truth")]
    (folder / "campaign.toml").write_text("\n".join(toml) + "\n")
    return total


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _warm() -> float:
    import roadhealth.campaign
    import roadhealth.detect
    import roadhealth.report  # noqa: F401  (imported for its cost, not used)

    return _peak_rss_mb()


def run_cluster(camp: Path, out: Path, workers: int, nbytes: int) -> dict:
    from distributed import Client, LocalCluster

    from roadhealth.campaign import run_campaign

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        base = client.run(_warm)
        cpu0 = client.run(_cpu_s)
        t0 = time.perf_counter()
        result = run_campaign(camp, out, scheduler=cluster.scheduler_address, progress=False)
        wall = time.perf_counter() - t0
        peak = client.run(_peak_rss_mb)
        cpu = sum(client.run(_cpu_s).values()) - sum(cpu0.values())
    assert result.exit_code == 0, result.skipped
    return {"mode": f"LocalCluster {workers} worker(s) x 1 thread", "workers": workers, "wall_s": round(wall, 1),
            "mb_per_s": round(nbytes / 1e6 / wall, 2),
            "worker_cpu_s": round(cpu, 1), "mb_per_worker_cpu_s": round(nbytes / 1e6 / cpu, 2),
            "worker_peak_rss_mb": sorted(round(v, 0) for v in peak.values()),
            "worker_baseline_rss_mb": sorted(round(v, 0) for v in base.values())}


def run_threads(camp: Path, out: Path, workers: int, nbytes: int) -> dict:
    from roadhealth.campaign import run_campaign

    t0 = time.perf_counter()
    result = run_campaign(camp, out, workers=workers, progress=False)
    wall = time.perf_counter() - t0
    assert result.exit_code == 0, result.skipped
    return {"mode": f"dask threads ({workers})", "workers": workers, "wall_s": round(wall, 1),
            "mb_per_s": round(nbytes / 1e6 / wall, 2), "process_peak_rss_mb": round(_peak_rss_mb(), 0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=4, help="copies of each of the 3 sample surveys")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--threads", action="store_true", help="also time the default local-threads scheduler")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rh-campaign-bench-") as tmp:
        tmp = Path(tmp)
        camp = tmp / "campaign"
        nbytes = make_campaign(camp, args.copies)
        n_surveys = len(list(camp.glob("*.DZT")))
        print(f"campaign: {n_surveys} surveys, {nbytes / 1e6:.1f} MB of radar data")
        rows = []
        for w in args.workers:
            rows.append(run_cluster(camp, tmp / f"out-cluster-{w}", w, nbytes))
            print(rows[-1], flush=True)
        if args.threads:
            rows.append(run_threads(camp, tmp / "out-threads", max(args.workers), nbytes))
            print(rows[-1], flush=True)
    result = {"surveys": n_surveys, "input_mb": round(nbytes / 1e6, 1), "runs": rows}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    print("| mode | wall (s) | MB/s (wall) | MB per worker CPU-s | peak RSS per worker (MB) |")
    print("|---|---|---|---|---|")
    for r in rows:
        peak = r.get("worker_peak_rss_mb", r.get("process_peak_rss_mb"))
        print(f"| {r['mode']} | {r['wall_s']} | {r['mb_per_s']} | {r.get('mb_per_worker_cpu_s', '')} | {peak} |")


if __name__ == "__main__":
    main()
