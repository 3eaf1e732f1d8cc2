"""Fast-model validation set: 360 varied short surveys from :mod:`roadhealth.synth`, split train/test.

Issue 10's first validation set. It *trains* (tune only on ``train``) and is reported on ``test``;
the full-wave set (``fullwave_set.py``) decides. Every scenario is drawn from a seeded generator
(``numpy.random.default_rng([SET_SEED, index])``), so a scenario is rebuilt exactly from its
index; nothing large is stored. Each is a 10-20 m road model with

* antennas 400, 600, 900, 1200 or 1600 MHz (window and samples to suit: 256 or 512 samples),
  time zero 1-8 ns into the record;
* a single profile (half the scenarios) or an 8-16 channel array (5-10 cm apart);
* subgrade from dry sand (eps 4.5, 0.001 S/m) to wet clay (eps 25, 0.08 S/m), base and subbase
  varied, asphalt 0.08-0.25 m; background stones at 0-150 per m^3;
* instrument noise from ideal to 4x the default (random noise, wow, ringing, interference);
* 0-2 defects (cavity, void, loose, water_rich; sizes 0.2-3 m, tops 0.1-2 m within what the
  antenna reaches) and 0-2 clutter objects (metal and PVC pipes, air- or water-filled,
  manholes, undulating layers, isolated stones); about 15 % are clean roads with clutter only
  and 8 % are clean roads with nothing at all.

Usage (from the repository root)::

    python validation/fastmodel_set.py list            # fastmodel/scenarios.json (+ split)
    python validation/fastmodel_set.py time -n 20      # seconds per scenario (generation only)
    nice -n 10 python validation/fastmodel_set.py run --split test   # detect + evaluate, resumable
    python validation/fastmodel_set.py run --split test --fresh      # after a detector change
    python validation/fastmodel_set.py score --split test             # metrics from saved detections

``run`` saves each scenario's detections in ``fastmodel/work/<split>/<name>.geojson`` (not
committed; a scenario whose file exists is skipped, so a killed run resumes) and, at the end,
``fastmodel/metrics_<split>.json`` and ``.md`` (committed).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from roadhealth.synth import Acquisition, SystemEffects, simulate
from roadhealth.synth.model import (
    Cavity,
    Layer,
    LooseZone,
    Manhole,
    Material,
    Pipe,
    PointScatterer,
    RoadModel,
    Undulation,
    Void,
    WaterRichZone,
)
from roadhealth.synth.truth import clutter_truth, truth
from validation.common import (
    markdown_table,
    per_survey_rates,
    read_table,
    write_metrics,
    write_table,
)

HERE = Path(__file__).resolve().parent
OUT = HERE / "fastmodel"
WORK = OUT / "work"

SET_SEED = 20261130
N_SCENARIOS = 360
TEST_FRACTION = 0.4

#: Antennas: (window ns, samples, deepest defect top reached, m).
ANTENNAS = {400: (70.0, 512, 2.0), 600: (45.0, 512, 1.6), 900: (28.0, 512, 1.1), 1200: (20.0, 256, 0.8),
            1600: (15.0, 256, 0.6)}

#: Subgrade soils, dry to wet: (name, eps_r, sigma S/m, Q).
SOILS = [("dry_sand", 4.5, 0.001, 60.0), ("moist_sand", 9.0, 0.005, 40.0), ("silt", 13.0, 0.015, 25.0),
         ("dry_clay", 15.0, 0.03, 20.0), ("wet_clay", 25.0, 0.08, 10.0)]


def split_of(index: int) -> str:
    """``"train"`` or ``"test"`` (a fixed random 60/40 split of the indices)."""
    perm = np.random.default_rng([SET_SEED, 999]).permutation(N_SCENARIOS)
    return "test" if index in set(perm[: round(TEST_FRACTION * N_SCENARIOS)].tolist()) else "train"


def _layers(rng: np.random.Generator, soil: tuple) -> list[Layer]:
    _, eps_sg, sig_sg, q_sg = soil
    asphalt = Material("asphalt", float(rng.uniform(4.5, 6.5)), 0.001, 80.0)
    base = Material("base", float(rng.uniform(6.5, 9.5)), float(rng.uniform(0.002, 0.01)), 50.0)
    subbase = Material("subbase", float(rng.uniform(7.5, 11.0)), float(rng.uniform(0.004, 0.015)), 40.0)
    subgrade = Material("subgrade", eps_sg, sig_sg, q_sg)
    return [Layer("asphalt", asphalt, float(rng.uniform(0.08, 0.25)), 0.01, 0.25, (6.0, 60.0)),
            Layer("base", base, float(rng.uniform(0.15, 0.40)), 0.02, 0.5, (8.0, 80.0)),
            Layer("subbase", subbase, float(rng.uniform(0.15, 0.35)), 0.025, 0.6, (8.0, 80.0)),
            Layer("subgrade", subgrade, math.inf, 0.0, min(1.2, 0.1 * eps_sg), (10.0, 100.0))]


def scenario(index: int) -> dict:
    """The parameters of scenario ``index`` (JSON-able), drawn from its own seed."""
    rng = np.random.default_rng([SET_SEED, index])
    f = int(rng.choice(list(ANTENNAS)))
    window, n_samples, max_top = ANTENNAS[f]
    soil = SOILS[int(rng.integers(len(SOILS)))]
    length = float(rng.uniform(10.0, 20.0))
    array = bool(rng.random() < 0.5)
    n_ch = int(rng.integers(8, 17)) if array else 1
    ch_dx = float(rng.uniform(0.05, 0.10))
    noise = float(rng.choice([0.0, 0.5, 1.0, 2.0, 4.0]))
    u_half = 0.5 * (n_ch - 1) * ch_dx if array else 0.0
    r = rng.random()
    n_def = 0 if r < 0.23 else (1 if r < 0.8 else 2)
    n_clu = 0 if (n_def == 0 and rng.random() < 0.35) else int(rng.integers(0, 3))
    if n_def == 0 and n_clu == 0 and rng.random() < 0.5:
        n_clu = 1
    slots = np.linspace(2.5, length - 2.5, max(n_def + n_clu, 1) + 2)[1:-1] if n_def + n_clu else np.zeros(0)
    slots = slots + rng.uniform(-0.5, 0.5, slots.size)
    order = rng.permutation(slots.size)
    objects = []
    for k, s in zip(order, slots, strict=True):
        s = float(s)
        u = float(rng.uniform(-u_half, u_half) * 0.6)
        if k < n_def:
            kind = str(rng.choice(["cavity", "void", "loose", "water_rich"], p=[0.32, 0.24, 0.22, 0.22]))
            size = float(np.exp(rng.uniform(np.log(0.2), np.log(3.0))))
            width = float(np.clip(size * rng.uniform(0.5, 1.5), 0.2, 3.0))
            if kind == "cavity":
                top = float(rng.uniform(0.25, max_top))
                objects.append({"type": "cavity", "s_m": s, "u_m": u, "depth_top_m": top, "length_m": size,
                                "width_m": width, "height_m": float(min(rng.uniform(0.1, 0.8), 0.6 * size + 0.05)),
                                "water_fraction": float(rng.choice([0.0, 0.0, 0.0, 0.3]))})
            elif kind == "void":
                objects.append({"type": "void", "s_m": s, "u_m": u, "length_m": max(size, 0.5), "width_m": max(width, 0.4),
                                "height_m": float(rng.uniform(0.01, 0.06)),
                                "under": str(rng.choice(["asphalt", "base"], p=[0.6, 0.4]))})
            elif kind == "loose":
                objects.append({"type": "loose", "s_m": s, "u_m": u, "depth_top_m": float(rng.uniform(0.3, max_top)),
                                "length_m": max(size, 0.5), "width_m": max(width, 0.5),
                                "height_m": float(rng.uniform(0.2, 0.8)), "eps_factor": float(rng.uniform(0.5, 0.75))})
            else:
                objects.append({"type": "water_rich", "s_m": s, "u_m": u,
                                "depth_top_m": float(rng.uniform(0.3, max_top)), "length_m": max(size, 0.5),
                                "width_m": max(width, 0.5), "height_m": float(rng.uniform(0.2, 0.6)),
                                "eps_r": float(max(soil[1] + 8.0, rng.uniform(20.0, 32.0))),
                                "sigma_s_m": float(rng.uniform(0.03, 0.1))})
        else:
            kind = str(rng.choice(["metal_pipe", "pvc_pipe", "manhole", "undulation", "stones"],
                                  p=[0.3, 0.25, 0.15, 0.15, 0.15]))
            if kind.endswith("pipe"):
                objects.append({"type": "pipe", "s_m": s, "u_m": 0.0, "depth_m": float(rng.uniform(0.3, max_top + 0.2)),
                                "diameter_m": float(rng.uniform(0.05, 0.5)), "azimuth_deg": float(rng.uniform(50, 130)),
                                "material": "metal" if kind == "metal_pipe" else "pvc",
                                "fill": str(rng.choice(["air", "water"]))})
            elif kind == "manhole":
                objects.append({"type": "manhole", "s_m": s, "u_m": float(rng.uniform(-0.4, 0.4)),
                                "diameter_m": float(rng.uniform(0.6, 0.9))})
            elif kind == "undulation":
                objects.append({"type": "undulation", "s_m": s, "u_m": 0.0, "length_m": float(rng.uniform(2.0, 6.0)),
                                "width_m": 6.0, "amplitude_m": float(rng.choice([-1, 1]) * rng.uniform(0.03, 0.1)),
                                "interface": str(rng.choice(["base", "subbase"]))})
            else:
                n = int(rng.integers(2, 6))
                for _ in range(n):
                    objects.append({"type": "stone", "s_m": float(s + rng.uniform(-1.0, 1.0)),
                                    "u_m": float(rng.uniform(-u_half, u_half)),
                                    "depth_m": float(rng.uniform(0.2, max_top)), "radius_m": float(rng.uniform(0.03, 0.1)),
                                    "eps_r": float(rng.choice([1.0, 4.0, 30.0]))})
    return {
        "name": f"fm{index:03d}", "index": index, "split": split_of(index), "frequency_mhz": f,
        "window_ns": window, "n_samples": n_samples, "time_zero_ns": float(rng.uniform(1.0, 8.0)),
        "trace_spacing_m": float(rng.choice([0.02, 0.025, 0.05])) if f >= 900 else float(rng.choice([0.05, 0.1])),
        "n_channels": n_ch, "channel_spacing_m": ch_dx, "length_m": length, "soil": soil[0],
        "noise_factor": noise, "stones_per_m3": float(rng.choice([0.0, 30.0, 60.0, 150.0])),
        "layer_seed": int(rng.integers(2**31)), "objects": objects,
        "n_defects": n_def,
    }


def model_of(sc: dict):
    """The road model, acquisition and instrument effects of a scenario."""
    rng = np.random.default_rng(sc["layer_seed"])
    soil = next(s for s in SOILS if s[0] == sc["soil"])
    layers = _layers(rng, soil)
    objects = []
    for o in sc["objects"]:
        t = o["type"]
        p = {k: v for k, v in o.items() if k != "type"}
        if t == "cavity":
            objects.append(Cavity(**p))
        elif t == "void":
            objects.append(Void(**p))
        elif t == "loose":
            ef = p.pop("eps_factor")
            objects.append(LooseZone(**p, eps_r=max(3.0, ef * soil[1] if p["depth_top_m"] > 0.6 else ef * 9.0)))
        elif t == "water_rich":
            objects.append(WaterRichZone(**p))
        elif t == "pipe":
            objects.append(Pipe(p["s_m"], p["u_m"], depth_m=p["depth_m"], diameter_m=p["diameter_m"],
                                azimuth_deg=p["azimuth_deg"], material=p["material"], fill=p["fill"]))
        elif t == "manhole":
            objects.append(Manhole(p["s_m"], p["u_m"], diameter_m=p["diameter_m"]))
        elif t == "undulation":
            objects.append(Undulation(p["s_m"], p["u_m"], length_m=p["length_m"], width_m=p["width_m"],
                                      amplitude_m=p["amplitude_m"], interface=p["interface"]))
        elif t == "stone":
            objects.append(PointScatterer(p["s_m"], p["u_m"], depth_m=p["depth_m"], radius_m=p["radius_m"],
                                          eps_r=p["eps_r"]))
    model = RoadModel(sc["length_m"], layers=layers, objects=objects, seed=sc["layer_seed"],
                      scatterer_density_per_m3=sc["stones_per_m3"], name=sc["name"])
    acq = Acquisition(frequency_mhz=sc["frequency_mhz"], n_samples=sc["n_samples"], window_ns=sc["window_ns"],
                      trace_spacing_m=sc["trace_spacing_m"], n_channels=sc["n_channels"],
                      channel_spacing_m=sc["channel_spacing_m"], time_zero_ns=sc["time_zero_ns"])
    k = sc["noise_factor"]
    base = SystemEffects()
    effects = SystemEffects.ideal() if k == 0 else dataclasses.replace(
        base, noise_sd=base.noise_sd * k, wow=base.wow * min(k, 2.0), rfi=base.rfi * k,
        ringing=base.ringing * min(k, 2.0))
    return model, acq, effects


def tables(sc: dict, model: RoadModel | None = None):
    """Truth (anomaly schema, ``survey`` = name) and clutter tables of a scenario."""
    model = model if model is not None else model_of(sc)[0]
    tru = truth(model)
    tru["survey"] = sc["name"]
    clu = clutter_truth(model)
    clu["survey"] = sc["name"]
    return tru, clu


def loss_to_top_db(sc: dict, model: RoadModel | None = None) -> np.ndarray:
    """Two-way conductive loss from the surface to each defect's top, dB (truth-table order).

    ``2 * 8.686 * sum_j alpha_j * h_j`` over the layers above the top at the defect's centre, with
    the low-loss ``alpha`` of :func:`roadhealth.synth.model.attenuation_np_per_m`; spreading,
    constant-Q loss and transmission are left out, so it is a lower bound of the real loss. It
    tells a defect the antenna could not see in that soil from one the detector missed.
    """
    from roadhealth.synth.model import attenuation_np_per_m

    model = model if model is not None else model_of(sc)[0]
    out = []
    for obj in model.anomalies:
        tops = model.interfaces(obj.s_m, obj.u_m)[:, ...].ravel()
        eps = model.eps(obj.s_m, obj.u_m).ravel()
        alpha = attenuation_np_per_m(model.sigma(), eps)
        bottoms = np.r_[tops[1:], np.inf]
        h = np.clip(np.minimum(bottoms, obj.depth_top_m) - tops, 0.0, None)
        out.append(float(2 * 8.686 * np.sum(alpha * h)))
    return np.asarray(out)


def build(sc: dict):
    """Simulate a scenario: (survey, truth table with ``survey``, clutter table)."""
    model, acq, effects = model_of(sc)
    survey = simulate(model, acq, effects, seed=sc["index"])
    survey.attrs["source"] = sc["name"]
    return (survey, *tables(sc, model))


def scenarios(split: str | None = None) -> list[dict]:
    out = [scenario(i) for i in range(N_SCENARIOS)]
    return [s for s in out if split in (None, "all", s["split"])]


# ---- runner --------------------------------------------------------------------------------------
def run(split: str, *, limit: int | None = None, detector=None) -> int:
    """Detect on every scenario of a split that has no saved detections yet; returns how many ran."""
    if detector is None:
        from roadhealth.detect import detect as detector
    d = WORK / split
    d.mkdir(parents=True, exist_ok=True)
    ran = 0
    for sc in scenarios(split):
        path = d / f"{sc['name']}.geojson"
        if path.exists():
            continue
        if limit is not None and ran >= limit:
            break
        t0 = time.time()
        survey, _, _ = build(sc)
        t1 = time.time()
        status = {"name": sc["name"], "simulate_s": round(t1 - t0, 3)}
        try:
            det = detector(survey)
            det = det.copy()
            det["survey"] = sc["name"]
            write_table(det, path)
            status["detect_s"] = round(time.time() - t1, 3)
            status["n_detections"] = len(det)
        except Exception as exc:  # a crash is a result: record it, keep going
            status["error"] = f"{type(exc).__name__}: {exc}"[:500]
            write_table(_empty(), path)
        with open(d / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(status) + "\n")
        print(json.dumps(status), flush=True)
        ran += 1
    return ran


def _empty():
    from roadhealth.anomalies import empty_anomalies

    return empty_anomalies(None, extras=("survey",))


def score(split: str):
    """Evaluate the saved detections of a split; writes ``fastmodel/metrics_<split>.json``/``.md``."""
    import pandas as pd

    from roadhealth.detect.evaluate import evaluate

    d = WORK / split
    dets, trus, clus, lengths, losses = [], [], [], 0.0, []
    errors = {}
    log = {}
    if (d / "log.jsonl").exists():
        for line in (d / "log.jsonl").read_text().splitlines():
            rec = json.loads(line)
            log[rec["name"]] = rec
    scored = []
    for sc in scenarios(split):
        path = d / f"{sc['name']}.geojson"
        if not path.exists():
            continue
        scored.append(sc)
        if "error" in log.get(sc["name"], {}):
            errors[sc["name"]] = log[sc["name"]]["error"]
        dets.append(read_table(path))
        model_truth, model_clutter = tables(sc)
        trus.append(model_truth)
        losses.append(loss_to_top_db(sc))
        clus.append(model_clutter)
        lengths += sc["length_m"]
    if not scored:
        raise SystemExit(f"no detections saved for split {split!r}; run first")
    rep = evaluate(pd.concat(dets, ignore_index=True), pd.concat(trus, ignore_index=True),
                   clutter=pd.concat(clus, ignore_index=True), survey_length_km=lengths / 1000.0)
    times = [r.get("detect_s") for r in log.values() if r.get("detect_s") is not None]
    notes = [f"{len(scored)} scenarios of the {split} split scored ({lengths:.0f} m of road)",
             f"detect failed on {len(errors)} scenario(s)" + (f": {dict(list(errors.items())[:5])}" if errors else ""),
             f"detect time per scenario: median {np.median(times):.2f} s" if times else "no timings"]
    sims = [r.get("simulate_s") for r in log.values() if r.get("simulate_s") is not None]
    if sims:
        notes.append(f"simulation time per scenario (2 shared cores): median {np.median(sims):.2f} s, "
                     f"max {np.max(sims):.1f} s")
    length_of = {sc["name"]: sc["length_m"] for sc in scored}
    groups = {"clean roads (nothing buried)": {sc["name"] for sc in scored if not sc["objects"]},
              "clutter only (no defect)": {sc["name"] for sc in scored if sc["objects"] and not sc["n_defects"]},
              "all": set(length_of)}
    loss = np.concatenate(losses) if losses else np.zeros(0)
    found = np.zeros(loss.size, bool)
    found[rep.matches["truth"].to_numpy()] = True
    edges = [0, 10, 20, 40, 60, np.inf]
    by_loss = {}
    for lo, hi in itertools.pairwise(edges):
        sel = (loss >= lo) & (loss < hi)
        by_loss[f"{lo:g}-{hi:g} dB"] = {"n_truth": int(sel.sum()),
                                        "recall_found": round(float(found[sel].mean()), 3) if sel.any() else None}
    extra = {"recall_by_two_way_loss_to_top": by_loss,
             "rates": per_survey_rates(rep, length_of, groups),
             "per_antenna": {str(f): _subset_summary(rep, {sc["name"] for sc in scored if sc["frequency_mhz"] == f})
                             for f in sorted(ANTENNAS)}}
    write_metrics(rep, OUT / f"metrics_{split}.json", OUT / f"metrics_{split}.md",
                  title=f"Fast-model set, {split} split", notes=notes, extra=extra)
    return rep


def _subset_summary(rep, names: set[str]) -> dict:
    """Recall (defect found), kind accuracy and false alarms of a subset of surveys."""
    m = rep.matches[rep.matches["survey"].isin(names)]
    un = rep.unmatched[rep.unmatched["survey"].isin(names)]
    missed = int(rep.missed["survey"].isin(names).sum()) if "survey" in rep.missed else 0
    n_truth = len(m) + missed
    return {"scenarios": len(names), "n_truth": n_truth, "found": len(m),
            "recall_found": round(len(m) / n_truth, 3) if n_truth else None,
            "right_kind": int((m["kind_detected"] == m["kind_true"]).sum()),
            "false_alarms": int((un["status"] == "false alarm").sum())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    t = sub.add_parser("time")
    t.add_argument("-n", type=int, default=20)
    r = sub.add_parser("run")
    r.add_argument("--split", default="test", choices=["train", "test", "all"])
    r.add_argument("--limit", type=int)
    r.add_argument("--fresh", action="store_true",
                   help="detect again on every scenario (drop the split's saved detections first): a "
                        "run without it only scores what an earlier detector saved")
    s = sub.add_parser("score")
    s.add_argument("--split", default="test", choices=["train", "test", "all"])
    a = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if a.cmd == "list":
        scs = scenarios()
        text = "[\n" + ",\n".join(json.dumps(s, separators=(",", ":")) for s in scs) + "\n]\n"
        (OUT / "scenarios.json").write_text(text, encoding="utf-8")  # one scenario per line
        import pandas as pd

        df = pd.DataFrame([{"split": s["split"], "f": s["frequency_mhz"], "array": s["n_channels"] > 1,
                            "defects": s["n_defects"], "soil": s["soil"]} for s in scs])
        kinds = pd.Series([o["type"] for s in scs for o in s["objects"]]).value_counts()
        print(df.groupby("split").size().to_string())
        print(df.groupby("f").size().to_string())
        print(df.groupby("soil").size().to_string())
        print(kinds.to_string())
    elif a.cmd == "time":
        times, traces = [], []
        for sc in scenarios()[: a.n]:
            t0 = time.time()
            sv, _, _ = build(sc)
            times.append(time.time() - t0)
            traces.append(sv.sizes["channel"] * sv.sizes["trace"])
        print(f"{len(times)} scenarios: median {np.median(times):.2f} s, max {np.max(times):.2f} s, "
              f"{np.sum(times) / np.sum(traces) * 1e3:.2f} ms per trace; full set about "
              f"{np.mean(times) * N_SCENARIOS / 60:.1f} min of simulation")
    elif a.cmd == "run":
        if a.fresh:
            import shutil

            shutil.rmtree(WORK / a.split, ignore_errors=True)
        run(a.split, limit=a.limit)
        score(a.split)
    elif a.cmd == "score":
        rep = score(a.split)
        print(markdown_table(rep.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
