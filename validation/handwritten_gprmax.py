"""Road models written by hand for gprMax (not through ``roadhealth.synth.gprmax``), as an
independent modeller may build defects: homogeneous boxes, Peplinski fractal soils, air pores, and
a void under a reinforced concrete slab (steel bars every 0.2 m: periodic clutter of real roads).

Each model is a 2-D B-scan: a Ricker source, a Hertzian dipole 1 cm over the road, the receiver
0.1 m after it, a 5 cm step (gprMax rounds it to whole cells: 4.8 cm at 6 mm, 5.1 cm at 3 mm), the
first midpoint 0.3 m into the domain. ``run`` runs gprMax on every chosen model (one process,
``OMP_NUM_THREADS`` as set, default 1, resumable per trace) and merges the traces as gprMax 4's merge tool does;
``detect`` runs :func:`roadhealth.detect.detect` on each merged file, clean and with the
validation sets' noise (:func:`validation.common.add_noise`), and prints what it reports against
the truth, and writes that table to ``validation/handwritten/results.md``. The merged B-scans
(0.1-0.3 MB each) are kept in ``validation/handwritten/`` and committed, so that a later session
scores them again without rerunning gprMax; the per-trace files stay in ``--work`` (ignored). The
twelfth, fifteenth and twenty-ninth sessions' results are in ``docs/detection-log.md``; the two 400
MHz boxes are also test fixtures (``tests/data/gprmax/make_models.py``).

Usage (from the repository root; 10-60 min per model on one core, the Peplinski ones longest)::

    python validation/handwritten_gprmax.py run /path/to/python-with-gprMax [NAME ...] [--work DIR]
    python validation/handwritten_gprmax.py detect [NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data" / "gprmax"))

#: Layers from the surface down: (thickness m or None for the half-space, eps_r, sigma S/m, name).
L400 = [(0.18, 5.5, 0.001, "asphalt"), (0.30, 8, 0.005, "base"), (None, 13, 0.01, "subgrade")]
L900 = [(0.10, 6, 0.001, "asphalt"), (0.25, 9, 0.005, "base"), (None, 12, 0.01, "subgrade")]
X0, OFFSET, STEP = 0.25, 0.1, 0.05

#: Where the merged B-scans and the results table are kept (committed; the per-trace files are not).
OUT = ROOT / "validation" / "handwritten"


def _material(eps, sigma, name):
    return lambda surf, dx: f"#material: {eps} {sigma} 1 0 {name}"


def _box(x0, x1, top, height, name):
    return lambda surf, dx: f"#box: {x0} {surf - top - height:.4f} 0 {x1} {surf - top:.4f} {dx} {name}"


def _raw(text):
    return lambda surf, dx: text


def _fractal(x0, x1, top, height, mixing, ident, seed, dim=1.5, n=20):
    return lambda surf, dx: (f"#fractal_box: {x0} {surf - top - height:.4f} 0 {x1} {surf - top:.4f} {dx} "
                             f"{dim} 1 1 1 {n} {mixing} {ident} {seed}")


def _pores(x0, x1, top, height, fraction, seed):
    """Air circles of 1.2-3 cm radius filling ``fraction`` of a box (a loosened, porous soil)."""
    rng = np.random.default_rng(seed)
    out, area = [], 0.0
    while area < fraction * (x1 - x0) * height:
        r = rng.uniform(0.012, 0.03)
        x, d = rng.uniform(x0 + r, x1 - r), rng.uniform(top + r, top + height - r)
        x, d, r = round(x, 4), round(d, 4), round(r, 4)
        out.append(lambda surf, dx, x=x, d=d, r=r:
                   f"#cylinder: {x} {surf - d:.4f} 0 {x} {surf - d:.4f} {dx} {r} free_space")
        area += np.pi * r * r
    return out


_SOIL = [_raw("#soil_peplinski: 0.5 0.5 2.0 2.66 0.08 0.15 soil"),
         _raw("#soil_peplinski: 0.5 0.5 2.0 2.66 0.30 0.40 wetsoil"),
         _raw("#soil_peplinski: 0.5 0.5 1.4 2.66 0.02 0.08 loosesoil")]

#: One homogeneous soil under air, no pavement (eps_r 6 and 9, a little loss).
HS6 = [(None, 6, 0.005, "soil")]
HS9 = [(None, 9, 0.01, "soil")]


def _cyl(x, top, radius, name):
    """A horizontal cylinder across the line (a 2-D disc), its top ``top`` m down."""
    return lambda surf, dx: f"#cylinder: {x} {surf - top - radius:.4f} 0 {x} {surf - top - radius:.4f} {dx} {radius} {name}"


#: A concrete slab over the base (rigid pavement): 0.20 m of eps_r 8.
L900_SLAB = [(0.20, 8, 0.01, "concrete"), (0.25, 9, 0.005, "base"), (None, 12, 0.01, "subgrade")]


def _rebar(depth, spacing, x0, x1, radius=0.006):
    """Steel bars (perfect conductors) across the line every ``spacing`` m, ``depth`` m down."""
    xs = [round(float(x), 3) for x in np.arange(x0, x1 + 1e-9, spacing)]
    return [lambda surf, dx, x=x: f"#cylinder: {x} {surf - depth:.4f} 0 {x} {surf - depth:.4f} {dx} {radius} pec"
            for x in xs]


#: name: (MHz, line m, depth m, cell m, window ns, layers, objects, truth along the survey
#: (kind, start m, end m, top m)).
MODELS = {
    "loosebox400": (400, 4.5, 1.8, 0.006, 45, L400, [_material(7, 0.01, "loose"), _box(1.5, 3.0, 0.9, 0.5, "loose")],
                    ("loose", 1.2, 2.7, 0.9)),
    "loosebox900": (900, 3.2, 1.05, 0.003, 22, L900, [_material(6.5, 0.008, "loose"), _box(1.2, 2.2, 0.55, 0.3, "loose")],
                    ("loose", 0.9, 1.9, 0.55)),
    "wetbox900": (900, 3.2, 1.05, 0.003, 22, L900, [_material(25, 0.05, "wet"), _box(1.0, 2.2, 0.5, 0.25, "wet")],
                  ("water_rich", 0.7, 1.9, 0.5)),
    "wetbox400": (400, 4.5, 1.8, 0.006, 45, L400, [_material(22, 0.04, "wet"), _box(1.4, 3.2, 1.1, 0.4, "wet")],
                  ("water_rich", 1.1, 2.9, 1.1)),
    "porous400": (400, 4.5, 1.8, 0.006, 45, L400, _pores(1.5, 3.1, 0.7, 0.5, 0.15, 3), ("loose", 1.2, 2.8, 0.7)),
    "fracwet400": (400, 4.5, 1.8, 0.006, 45, L400, [*_SOIL, _fractal(0, 4.5, 0.48, 1.32, "soil", "subg", 11),
                                                    _fractal(1.5, 2.7, 0.9, 0.4, "wetsoil", "wz", 12)],
                   ("water_rich", 1.2, 2.4, 0.9)),
    "rebar900": (900, 3.2, 1.05, 0.003, 22, L900_SLAB, [*_rebar(0.07, 0.2, 0.2, 3.0), _box(1.2, 2.2, 0.20, 0.02, "free_space")],
                 ("void", 0.9, 1.9, 0.2)),
    "fracloose400": (400, 4.5, 1.8, 0.006, 45, L400, [*_SOIL, _fractal(0, 4.5, 0.48, 1.32, "soil", "subg", 11),
                                                      _fractal(1.5, 3.0, 0.7, 0.5, "loosesoil", "lz", 13)],
                     ("loose", 1.2, 2.7, 0.7)),
    # fifteenth session: soil of lower permittivity (looser, drier) against air, both as boxes,
    # the way an independent modeller may build them (an air body's top and bottom reflect
    # |r| 0.55-0.6 each and it rings with internal multiples; a box of eps_r 5-9 in 13 reflects
    # 0.09-0.23 and hardly rings inside)
    "airbox400": (400, 4.5, 1.8, 0.006, 45, L400, [_box(1.8, 2.6, 0.8, 0.3, "free_space")],
                  ("cavity", 1.5, 2.3, 0.8)),
    "airbox900": (900, 3.2, 1.05, 0.003, 22, L900, [_box(1.3, 1.8, 0.45, 0.15, "free_space")],
                  ("cavity", 1.0, 1.5, 0.45)),
    "loosebox400b": (400, 4.5, 1.8, 0.006, 45, L400, [_material(9, 0.008, "loose"), _box(1.7, 2.7, 0.7, 0.4, "loose")],
                     ("loose", 1.4, 2.4, 0.7)),
    "drybox400": (400, 4.5, 1.8, 0.006, 45, L400, [_material(5, 0.002, "dry"), _box(1.6, 2.4, 1.0, 0.3, "dry")],
                  ("loose", 1.3, 2.1, 1.0)),
    # twenty-ninth session: no pavement at all, the textbook model (one homogeneous half-space
    # under air, round and box bodies in it), as a modeller testing a detector may write it
    "hs_aircyl400": (400, 3.0, 1.2, 0.006, 35, HS6, [_cyl(1.5, 0.5, 0.15, "free_space")],
                     ("cavity", 1.05, 1.35, 0.5)),
    "hs_airbox400": (400, 3.0, 1.2, 0.006, 35, HS6, [_box(1.2, 1.9, 0.7, 0.2, "free_space")],
                     ("cavity", 0.9, 1.6, 0.7)),
    "hs_wetbox400": (400, 3.0, 1.2, 0.006, 35, HS6, [_material(25, 0.05, "wet"), _box(1.0, 2.0, 0.6, 0.3, "wet")],
                     ("water_rich", 0.7, 1.7, 0.6)),
    "hs_pec400": (400, 3.0, 1.2, 0.006, 35, HS6, [_cyl(1.5, 0.6, 0.05, "pec")],
                  ("pipe", 1.15, 1.25, 0.6)),
    "hs_airbox900": (900, 2.0, 0.7, 0.003, 16, HS9, [_box(0.9, 1.3, 0.35, 0.12, "free_space")],
                     ("cavity", 0.6, 1.0, 0.35)),
}


def model_text(name: str) -> tuple[str, int]:
    """The gprMax input of a model and its number of traces."""
    f, length, depth, dx, window, layers, objects, _ = MODELS[name]
    surf = depth
    lines = ["#title: hand model", f"#domain: {length} {depth + 0.15:.3f} {dx}", f"#dx_dy_dz: {dx} {dx} {dx}",
             f"#time_window: {window}e-9"]
    boxes, y = [], surf
    for thickness, eps, sigma, lname in layers:
        lines.append(f"#material: {eps} {sigma} 1 0 {lname}")
        y0 = 0 if thickness is None else y - thickness
        boxes.append(f"#box: 0 {y0:.4f} 0 {length} {y:.4f} {dx} {lname}")
        y = y0
    lines += boxes[::-1]  # deepest first: each layer's box over the one below
    lines += [o(surf, dx) for o in objects]
    lines += [f"#waveform: ricker 1 {f}e6 src", f"#hertzian_dipole: z {X0} {surf + 0.01:.4f} 0 src",
              f"#rx: {X0 + OFFSET} {surf + 0.01:.4f} 0", f"#src_steps: {STEP} 0 0", f"#rx_steps: {STEP} 0 0"]
    return "\n".join(lines) + "\n", int((length - 0.5 - OFFSET) / STEP) + 1


def run(names, python: str, work: Path) -> None:
    from make_models import merge

    from validation.common import run_gprmax_traces

    for name in names:
        text, n = model_text(name)
        w = work / name
        w.mkdir(parents=True, exist_ok=True)
        (w / f"{name}.in").write_text(text, encoding="ascii")
        run_gprmax_traces(python, name, n, w)
        OUT.mkdir(parents=True, exist_ok=True)
        merge([w / f"{name}{k}.h5" for k in range(1, n + 1)], OUT / f"{name}_merged.h5", 2 if MODELS[name][0] >= 900 else 3)
        print(name, "merged", flush=True)


def detect(names) -> None:
    """Detect on each merged model, clean and noisy; print and write ``results.md`` (every model
    run so far, in :data:`MODELS` order)."""
    import roadhealth
    from validation.common import clean_noisy_lines

    warnings.simplefilter("ignore")
    rows = []
    for name in names:
        path = OUT / f"{name}_merged.h5"
        if not path.exists():
            print(name, "not run")
            continue
        kind, a, b, top = MODELS[name][7]
        truth = f"{kind} {a:.2f}-{b:.2f} m, top {top:.2f} m"
        found = clean_noisy_lines(roadhealth.read(path), MODELS[name][0])
        print(f"{name}: truth {truth}")
        for variant, text in found:
            print(f"  {variant}: {text}")
        rows.append((name, MODELS[name][0], truth, *(t for _, t in found)))
    if rows and set(names) == {n for n in MODELS if (OUT / f"{n}_merged.h5").exists()}:
        lines = ["# Hand-written gprMax models: what the detector reports", "",
                 "Written by `python validation/handwritten_gprmax.py detect` (the models: that script's `MODELS`; "
                 "noisy: `validation.common.add_noise`, seed 3). Each found body: kind, along-track extent, top, "
                 "confidence.", "",
                 "| model | MHz | truth | clean | noisy |", "|---|---|---|---|---|"]
        lines += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
        tmp = OUT / "results.md.part"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(OUT / "results.md")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("python", help="interpreter with gprMax installed")
    r.add_argument("names", nargs="*")
    r.add_argument("--work", default=str(ROOT / "validation" / "handwritten" / "work"))
    d = sub.add_parser("detect")
    d.add_argument("names", nargs="*")
    a = ap.parse_args(argv)
    names = a.names or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        ap.error(f"unknown model(s) {unknown}; choose from {sorted(MODELS)}")
    if a.cmd == "run":
        run(names, a.python, Path(a.work))
    else:
        detect(names if a.names else [n for n in MODELS if (OUT / f"{n}_merged.h5").exists()])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
