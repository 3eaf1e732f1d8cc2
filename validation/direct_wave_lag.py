"""Where a reflection into a slower medium lies against a ground-coupled first arrival, by antenna
geometry: the measurement behind ``roadhealth.detect.prepare.DIRECT_WAVE_LAG_LOW``.

Where no layer reflection stands out, the detector reads a target's polarity against the first
arrival's opposite phase turned by a lag (``prepare.direct_wave_lag_deg``). The first arrival mixes
the wave through the air, the wave along the ground and the surface's echo, so that lag belongs to
the antenna's geometry. Here single gprMax 2-D traces measure it: a Hertzian dipole and a receiver
``SEP`` apart, ``HEIGHT`` over a half-space of eps_r ``EPS`` (400 MHz Ricker), over a slower layer
(eps_r 20) 0.5 m down. The lag is the phase, at its envelope peak, of that layer's reflection past
the opposite of the first arrival's phase at its envelope peak (raw traces, no processing:
``lag_deg``), degrees, later positive. A few seconds of gprMax per trace.

Usage (from the repository root)::

    python validation/direct_wave_lag.py run /path/to/python-with-gprMax [--work DIR]
    python validation/direct_wave_lag.py table [--work DIR]

``table`` writes ``validation/direct_wave_lag/results.md`` (committed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "validation" / "direct_wave_lag"

FREQUENCY_MHZ = 400.0
EPS = 6.0
SLOW_EPS = 20.0
SLOW_DEPTH_M = 0.5
#: Dipole separations and heights over the ground, m.
SEPARATIONS_M = (0.04, 0.08, 0.10, 0.16, 0.24)
HEIGHTS_M = (0.0, 0.01, 0.02, 0.05)


def model_name(sep_m: float, height_m: float) -> str:
    return f"lag{int(FREQUENCY_MHZ)}_s{round(sep_m * 100):02d}_h{round(height_m * 100):02d}"


def model_text(sep_m: float, height_m: float) -> str:
    """The gprMax input of one trace: air over a half-space over a slower layer."""
    dx = 0.004
    length, air = 1.4, 0.2
    surf = SLOW_DEPTH_M + 0.4
    x0 = 0.5
    window = 2 * SLOW_DEPTH_M * EPS ** 0.5 / 0.3 + 6000.0 / FREQUENCY_MHZ
    return "\n".join([
        f"#title: {model_name(sep_m, height_m)}", f"#domain: {length} {surf + air:.3f} {dx}",
        f"#dx_dy_dz: {dx} {dx} {dx}", f"#time_window: {window:.2f}e-9",
        f"#material: {EPS} 0.001 1 0 ground", f"#material: {SLOW_EPS} 0.001 1 0 slow",
        f"#box: 0 0 0 {length} {surf:.4f} {dx} ground",
        f"#box: 0 0 0 {length} {surf - SLOW_DEPTH_M:.4f} {dx} slow",
        f"#waveform: ricker 1 {FREQUENCY_MHZ:g}e6 src",
        f"#hertzian_dipole: z {x0} {surf + height_m:.4f} 0 src",
        f"#rx: {x0 + sep_m:.4f} {surf + height_m:.4f} 0"]) + "\n"


def lag_deg(trace: np.ndarray, dt_ns: float) -> tuple[float, float, float]:
    """(first-arrival time ns, reflection time ns, lag degrees) of one raw trace: the reflection is
    the strongest envelope peak 3 ns or more after the first arrival's."""
    from scipy.signal import hilbert

    a = hilbert(np.asarray(trace, dtype=float))
    env = np.abs(a)
    i0 = int(np.argmax(env[: int(8.0 / dt_ns)]))
    start = i0 + int(3.0 / dt_ns)
    j = start + int(np.argmax(env[start:]))
    lag = np.degrees(np.angle(a[j] / a[i0])) - 180.0
    return i0 * dt_ns, j * dt_ns, float((lag + 180.0) % 360.0 - 180.0)


def run(python: str, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    for sep in SEPARATIONS_M:
        for h in HEIGHTS_M:
            name = model_name(sep, h)
            if (work / f"{name}.h5").exists():
                continue
            (work / f"{name}.in").write_text(model_text(sep, h), encoding="ascii")
            subprocess.run([python, "-m", "gprMax", str(work / f"{name}.in")], check=True, env=env,
                           stdout=subprocess.DEVNULL)
            print(name, "run", flush=True)


def table(work: Path) -> str:
    import h5py

    lines = ["# The direct wave's lag by antenna geometry", "",
             f"Written by `python validation/direct_wave_lag.py table`: single gprMax 2-D traces, "
             f"{FREQUENCY_MHZ:g} MHz Ricker, Hertzian dipoles over a half-space of eps_r {EPS:g}, a layer of "
             f"eps_r {SLOW_EPS:g} {SLOW_DEPTH_M} m down. Lag: that layer's reflection past the opposite of the "
             "first arrival, degrees, at the envelope peaks of the raw trace (the detector's recipe adds "
             "its own offset).", "",
             "| separation m | " + " | ".join(f"{h * 100:g} cm up" for h in HEIGHTS_M) + " |",
             "|---|" + "---|" * len(HEIGHTS_M)]
    for sep in SEPARATIONS_M:
        cells = []
        for h in HEIGHTS_M:
            path = work / f"{model_name(sep, h)}.h5"
            if not path.exists():
                cells.append("-")
                continue
            with h5py.File(path, "r") as f:
                _, _, lag = lag_deg(f["rxs/rx1/Ez"][()], float(f.attrs["dt"]) * 1e9)
            cells.append(f"{lag:.0f}")
        lines.append(f"| {sep:.2f} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = OUT / "results.md.part"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(OUT / "results.md")
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("python", help="interpreter with gprMax installed")
    r.add_argument("--work", default=str(OUT / "work"))
    t = sub.add_parser("table")
    t.add_argument("--work", default=str(OUT / "work"))
    a = ap.parse_args(argv)
    if a.cmd == "run":
        run(a.python, Path(a.work))
    print(table(Path(a.work)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
