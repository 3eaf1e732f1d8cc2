"""Draw one batch of the blind full-wave set and print it as the tuples ``fullwave_set.py`` lists.

Usage: ``python validation/draw_blind_batch.py SEED [--varied]`` (a batch N is drawn with ``SEED = N``).

The blind batches from 88 on were drawn by a scratch script that did not survive; this one, written in
the forty-first session, draws from the ranges those batches show (batches 88-105, 144 lines):

* kinds in a fixed order: two cavities, a void, a water-rich zone, a loose zone, two pipes, a clean road;
* band: 400 MHz twice as likely as 600 or 900 MHz;
* soil: the default layered road twice as likely as dry sand, wet clay or one uniform soil;
* cavities 0.3-1.1 m long, 0.15-0.5 m tall, tops 0.3-1.2 m; voids 0.9-1.5 m long, 15-40 mm tall, under
  the asphalt or the base (under the asphalt on the uniform soil, which has no base); water-rich zones
  0.7-1.95 m long, 0.19-0.47 m tall, tops 0.37-0.93 m, eps_r 18.5-26; loose zones 0.84-1.6 m long,
  0.32-0.57 m tall, tops 0.35-0.71 m; pipes 0.09-0.35 m across at 0.42-1.03 m, a third of them
  air-filled plastic;
* every top clipped to 0.8 of the band's model depth less the body's height (a pipe's, its diameter).

With ``--varied`` (forty-ninth session on) the same draw is made and then each line gets the set-up
variations an independent modeller's simulations may have and the plain draw never gives, each drawn
on its own from a second stream of the seed (``[SEED, 1]``):

* the unbound layers' properties varied by a fractal (gprMax ``#fractal_box``), +-10-30 % (p 0.3);
* a Gaussian-derivative source instead of the Ricker (p 0.25);
* the antenna 0-10 cm above the road instead of 2 cm (p 0.3);
* trace steps of 2-4 cm instead of the band's (p 0.2);
* asphalt 5-25 cm thick (p 0.3);
* cavities flat-topped (p 0.3), a rounder or boxier footprint (``shape_power`` 1.5-4, p 0.3) or partly
  water-filled (20-60 %, p 0.15); water-rich zones flat-topped (p 0.3) with a conductivity of
  0.01-0.15 S/m (p 0.5); plastic pipes water-filled (p 0.3); from batch 197 on (sixty-first session),
  loose zones built as one homogeneous body of 0.5-0.75 times the permittivity around them instead
  of the mosaic of random cells (``loose_style="uniform"``, ``eps_ratio``; p 0.3), as another
  modeller may build loosened soil (the draw of every later line of such a batch moves with it).

The draw is made before the batch is run and written into ``fullwave_set.py`` unchanged; nothing in it
looks at any detection result.
"""

from __future__ import annotations

import sys

import numpy as np

MODEL_DEPTH_M = {400: 2.1, 600: 1.5, 900: 1.0}
SOILS = ["default", "default", "DRY_SAND", "WET_CLAY", "uniform"]
BANDS = [400, 400, 600, 900]
KINDS = ["cavity", "cavity", "void", "water_rich", "loose", "pipe", "pipe", "clean"]


def _r(rng: np.random.Generator, lo: float, hi: float, nd: int = 2) -> float:
    return round(float(rng.uniform(lo, hi)), nd)


def _top(rng, band, lo, hi, height):
    top = _r(rng, lo, hi)
    return round(min(top, 0.8 * MODEL_DEPTH_M[band] - height), 2)


def draw(seed: int) -> list[tuple[str, int, str, dict]]:
    rng = np.random.default_rng(seed)
    out = []
    for kind in KINDS:
        band = int(rng.choice(BANDS))
        soil = str(rng.choice(SOILS))
        if kind == "cavity":
            h = _r(rng, 0.15, 0.5)
            p = dict(length_m=_r(rng, 0.3, 1.1), height_m=h, depth_top_m=_top(rng, band, 0.3, 1.2, h))
        elif kind == "void":
            under = str(rng.choice(["asphalt", "base"]))
            if soil == "uniform":
                under = "asphalt"
            p = dict(length_m=_r(rng, 0.9, 1.5), height_m=_r(rng, 0.015, 0.04, 3), under=under)
        elif kind == "water_rich":
            h = _r(rng, 0.19, 0.47)
            p = dict(length_m=_r(rng, 0.7, 1.95), height_m=h, depth_top_m=_top(rng, band, 0.37, 0.93, h),
                     eps_r=_r(rng, 18.5, 26.0, 1))
        elif kind == "loose":
            h = _r(rng, 0.32, 0.57)
            p = dict(length_m=_r(rng, 0.84, 1.6), height_m=h, depth_top_m=_top(rng, band, 0.35, 0.71, h))
        elif kind == "pipe":
            d = _r(rng, 0.09, 0.35)
            p = dict(depth_m=_top(rng, band, 0.42, 1.03, d), diameter_m=d,
                     material="pvc" if rng.uniform() < 1 / 3 else "metal")
        else:
            p = {}
        if soil == "uniform":
            p["soil"] = "uniform"
        elif soil != "default":
            p["soil_materials"] = soil
        out.append((kind, band, kind, p))
    return out


#: The first batch whose ``--varied`` draw may build a loose zone as one homogeneous body (earlier
#: batches are drawn as they were).
UNIFORM_LOOSE_FROM = 197


def vary(seed: int, lines: list[tuple[str, int, str, dict]]) -> list[tuple[str, int, str, dict]]:
    """The lines of :func:`draw` with the ``--varied`` set-up variations (see the module's notes)."""
    rng = np.random.default_rng([seed, 1])
    out = []
    for kind, band, obj, p in lines:
        q = dict(p)
        if rng.uniform() < 0.3:
            q["heterogeneity"] = _r(rng, 0.1, 0.3)
        if rng.uniform() < 0.25:
            q["waveform"] = "gaussiandot"
        if rng.uniform() < 0.3:
            q["antenna_height_m"] = _r(rng, 0.0, 0.1)
        if rng.uniform() < 0.2:
            q["step_m"] = _r(rng, 0.02, 0.04)
        if rng.uniform() < 0.3 and q.get("under") != "asphalt":
            q["asphalt_m"] = _r(rng, 0.05, 0.25)
        if kind == "cavity":
            if rng.uniform() < 0.3:
                q["flat_top"] = True
            if rng.uniform() < 0.3:
                q["shape_power"] = _r(rng, 1.5, 4.0, 1)
            if rng.uniform() < 0.15:
                q["water_fraction"] = _r(rng, 0.2, 0.6)
        elif kind == "water_rich":
            if rng.uniform() < 0.3:
                q["flat_top"] = True
            if rng.uniform() < 0.5:
                q["sigma_s_m"] = _r(rng, 0.01, 0.15, 3)
        elif kind == "pipe" and q.get("material") == "pvc" and rng.uniform() < 0.3:
            q["fill"] = "water"
        elif kind == "loose" and seed >= UNIFORM_LOOSE_FROM and rng.uniform() < 0.3:
            q["loose_style"] = "uniform"
            q["eps_ratio"] = _r(rng, 0.5, 0.75)
        out.append((kind, band, obj, q))
    return out


def main(argv: list[str]) -> None:
    varied = "--varied" in argv
    argv = [a for a in argv if a != "--varied"]
    seed = int(argv[1])
    lines = draw(seed)
    for kind, band, obj, p in (vary(seed, lines) if varied else lines):
        items = ", ".join(f"{k}={v}" if k == "soil_materials" else f"{k}={v!r}" for k, v in p.items())
        print(f'            ("{kind}", {band}, "{obj}", dict({items})),')


if __name__ == "__main__":
    main(sys.argv)
