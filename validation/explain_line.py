"""Why a validation line reads as it does: its truth, what ``detect`` reports, and the candidate
regions near a true body (or every one), with the features and rule scores that decided them.

Diagnosing a miss or a false alarm has so far meant writing the same throw-away script each
session. This prints, for one full-wave line (clean or noisy):

* the truth and the clutter (pipes, manholes) of the line;
* ``detect``'s rows (kind, confidence, extent, top);
* each classified region near a true or clutter body (``--all``: every region): its extent and
  top, the features the rules read most (peak and top scores, polarity, phase consistency,
  lateral coherence, hyperbola velocity ratio and apex flatness, bottom and ringing), the decision
  and every rule score above 0.05.

With ``--png`` it also draws the processed B-scan with the truth (green), clutter (orange) and
regions (red: reported kinds; grey: the rest), tops placed at the survey velocity.

Usage (from the repository root)::

    python validation/explain_line.py bw400_water_rich_47 --variant noisy [--all] [--png out.png]

``bw*`` lines are looked up in ``validation/fullwave_blind/``, ``fw*`` in ``validation/fullwave/``
(``--folder`` for another).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from validation.common import read_table  # noqa: E402

#: Features shown for each region (those the rules read most).
SHOWN = ["z_peak", "z_top", "zc_peak", "polarity", "phase_consistency", "coherence", "coherence_dip",
         "hyperbola_v_ratio", "hyperbola_rms_ns", "apex_flat_ratio", "bottom_ratio", "ringing",
         "below_db", "background_ratio", "layer_shift_residual"]
#: A region is "near" a body when its extent comes within this along track and its top within
#: this in depth (the evaluation's tolerances, ``roadhealth.detect.evaluate``).
NEAR_ALONG_M, NEAR_DEPTH_M = 0.5, 0.3


def folder_of(name: str) -> Path:
    """The folder a full-wave line's files are in, from its name."""
    return HERE / ("fullwave_blind" if name.startswith("bw") else "fullwave")


def near(regions: pd.DataFrame, bodies: pd.DataFrame) -> np.ndarray:
    """Per region: whether it lies near any of ``bodies`` (along track and, where the body has a
    top depth, in depth)."""
    hit = np.zeros(len(regions), dtype=bool)
    if regions.empty or bodies is None or bodies.empty:
        return hit
    a0 = regions["distance_start_m"].to_numpy(float)
    a1 = regions["distance_end_m"].to_numpy(float)
    top = regions["depth_top_m"].to_numpy(float)
    for b in bodies.itertuples():
        along = (a1 >= b.distance_start_m - NEAR_ALONG_M) & (a0 <= b.distance_end_m + NEAR_ALONG_M)
        d = getattr(b, "depth_top_m", np.nan)
        deep = np.abs(top - d) <= NEAR_DEPTH_M if d is not None and np.isfinite(d) else True
        hit |= along & deep
    return hit


def explain(survey, truth: pd.DataFrame | None = None, clutter: pd.DataFrame | None = None,
            *, every: bool = False) -> dict:
    """Detections and classified regions of ``survey``, the regions near a body of ``truth`` or
    ``clutter`` marked (``near``); with ``every`` all regions are kept, else only those.

    Returns a dict: ``detections`` (``roadhealth.detect``'s table), ``regions`` (one row per
    region: extent, top, :data:`SHOWN` features, ``decision``, ``confidence``, ``scores`` (the rule
    scores above 0.05, text) and ``near``), ``velocity_m_per_ns`` (the survey's) and ``notes``.
    """
    import roadhealth
    from roadhealth.detect import core

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = roadhealth.detect(survey)
        pr, cls, _ = core._analyse(survey, "default", {}, classified=True)
    present = [t for t in (truth, clutter) if t is not None and len(t)]
    bodies = pd.concat(present, ignore_index=True) if present else None
    cols = ["distance_start_m", "distance_end_m", "depth_top_m"] + [c for c in SHOWN if c in cls]
    reg = cls[cols].copy() if not cls.empty else pd.DataFrame(columns=cols)
    if not cls.empty:
        score_cols = [c for c in cls.columns if c.startswith("score_")]
        reg["decision"] = cls["decision"].to_numpy()
        reg["confidence"] = cls["confidence"].to_numpy(float)
        reg["scores"] = [", ".join(f"{c[6:]} {v:.2f}" for c, v in zip(score_cols, row, strict=True) if v > 0.05)
                         for row in cls[score_cols].to_numpy(float)]
    reg["near"] = near(reg, bodies)
    if not every:
        reg = reg[reg["near"]]
    return {"detections": det, "regions": reg.reset_index(drop=True),
            "velocity_m_per_ns": float(pr.velocity_m_per_ns),
            "notes": list(det.attrs.get("detect", {}).get("notes", []))}


def _bodies_text(title: str, table) -> list[str]:
    if table is None or not len(table):
        return [f"{title}: none"]
    out = [f"{title}:"]
    for b in table.itertuples():
        what = getattr(b, "kind", None) or getattr(b, "clutter_kind", None) or "body"
        d = getattr(b, "depth_top_m", np.nan)
        top = f", top {d:.2f} m" if d is not None and np.isfinite(d) else ""
        out.append(f"  {what} {b.distance_start_m:.2f}-{b.distance_end_m:.2f} m{top}")
    return out


def report(name: str, result: dict, truth=None, clutter=None) -> str:
    """The text :func:`main` prints."""
    lines = [f"# {name}", *_bodies_text("truth", truth), *_bodies_text("clutter", clutter)]
    det = result["detections"]
    lines.append("detections:" if len(det) else "detections: none")
    for r in det.itertuples():
        lines.append(f"  {r.kind} {r.confidence:.2f}  {r.distance_start_m:.2f}-{r.distance_end_m:.2f} m, "
                     f"top {r.depth_top_m:.2f} m")
    reg = result["regions"]
    lines.append(f"regions ({len(reg)}; survey velocity {result['velocity_m_per_ns']:.3f} m/ns):"
                 if len(reg) else "regions: none near a body")
    for r in reg.itertuples():
        feats = "  ".join(f"{c} {getattr(r, c):.3g}" for c in SHOWN if hasattr(r, c) and np.isfinite(getattr(r, c)))
        lines.append(f"  {r.distance_start_m:.2f}-{r.distance_end_m:.2f} m, top {r.depth_top_m:.2f} m -> "
                     f"{r.decision} {r.confidence:.2f}  [{r.scores}]{'' if r.near else '  (not near a body)'}")
        lines.append(f"      {feats}")
    lines += [f"note: {n}" for n in result["notes"]]
    return "\n".join(lines)


def draw(survey, result: dict, path, truth=None, clutter=None) -> Path:
    """The processed B-scan (first channel) with truth, clutter and regions drawn on it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = survey.rh.apply("default")
    x = np.asarray(p.values[0], dtype=float)
    d = np.asarray(p.coords["distance_m"].values, dtype=float).reshape(-1, x.shape[0])[0]
    t = np.asarray(p.coords["twt_ns"].values, dtype=float)
    v = result["velocity_m_per_ns"]
    lim = float(np.percentile(np.abs(x[:, x.shape[1] // 8:]), 99.5)) or 1.0
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.imshow(x.T, aspect="auto", cmap="seismic", vmin=-lim, vmax=lim,
              extent=(d[0], d[-1], t[-1], t[0]))

    def box(a0, a1, top, colour, label=None):
        t0 = 2 * top / v
        ax.add_patch(Rectangle((a0, t0), max(a1 - a0, 0.02), 1.0, fill=False, ec=colour, lw=1.5))
        if label:
            ax.text(a0, t0 - 0.3, label, color=colour, fontsize=8)

    for table, colour in ((truth, "green"), (clutter, "orange")):
        for b in ([] if table is None else table.itertuples()):
            dep = getattr(b, "depth_top_m", np.nan)
            box(b.distance_start_m, b.distance_end_m, dep if np.isfinite(dep) else 0.0, colour,
                getattr(b, "kind", None) or getattr(b, "clutter_kind", None))
    for r in result["regions"].itertuples():
        box(r.distance_start_m, r.distance_end_m, r.depth_top_m,
            "grey" if r.decision in ("weak", "layer", "surface", "pipe") else "red", f"{r.decision} {r.confidence:.2f}")
    ax.set_xlabel("distance, m")
    ax.set_ylabel("two-way time under the surface, ns")
    ax.set_title("processed B-scan: truth green, clutter orange, regions red (reported kinds) / grey")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def main(argv=None) -> int:
    import roadhealth

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("name", help="a full-wave line, e.g. bw400_water_rich_47")
    ap.add_argument("--variant", default="clean", choices=("clean", "noisy"))
    ap.add_argument("--folder", type=Path, help="where its files are (default: from its name)")
    ap.add_argument("--all", action="store_true", help="every region, not only those near a body")
    ap.add_argument("--png", type=Path, help="also draw the B-scan with the bodies and regions here")
    a = ap.parse_args(argv)
    folder = a.folder or folder_of(a.name)
    path = folder / f"{a.name}_{a.variant}.sgy"
    if not path.exists():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey = roadhealth.read(path)
    truth = read_table(folder / f"{a.name}_truth.geojson") if (folder / f"{a.name}_truth.geojson").exists() else None
    clutter = (read_table(folder / f"{a.name}_clutter.geojson", anomalies=False)
               if (folder / f"{a.name}_clutter.geojson").exists() else None)
    result = explain(survey, truth, clutter, every=a.all)
    print(report(f"{a.name} ({a.variant})", result, truth, clutter))
    if a.png:
        print(f"drawn: {draw(survey, result, a.png, truth, clutter)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
