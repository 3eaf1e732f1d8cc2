"""Compare the fast forward model (roadhealth.synth.simulate) with gprMax 4 (2-D FDTD).

Regenerates docs/fdtd-comparison.md's numbers and figures:

    python docs/fdtd/run_comparison.py            # analysis + figures from docs/fdtd/data/*.npz
    python docs/fdtd/run_comparison.py --run      # (re)run gprMax first (needs gprMax >= 4)

gprMax is an optional extra (``pip install roadhealth[gprmax]``, or a separate virtualenv:
``python -m venv --system-site-packages /tmp/gprmaxenv && /tmp/gprmaxenv/bin/pip install gprMax``
and run this script with that interpreter). ``--run`` writes the gprMax inputs to
docs/fdtd/inputs/, runs ``python -m gprMax <file> -n <traces> --geometry-fixed`` in a work
folder (OpenMP, ``--threads``), and keeps only the receiver's Ez B-scan of each run in
docs/fdtd/data/<name>.npz (float32, a few hundred kB each). The analysis needs only numpy,
scipy, matplotlib and roadhealth.

Scenarios (2-D slices; the fast model's bodies are made 6 m long across the track so that both
codes see an (almost) two-dimensional object): flat, lossless-in-Q layers (asphalt 0.15 m,
eps 5.5; base 0.25 m, eps 8; subbase 0.25 m, eps 9.5; subgrade eps 13; small conductivities), and

* ``cavity``: an air-filled elliptical cavity 0.30 m along track, 0.15 m high, top 0.45 m deep;
* ``water``:  a water-rich zone (eps 25, 0.06 S/m) 0.60 m long, 0.20 m high, top 0.30 m deep;
* ``pipe``:   a metal (PEC) pipe, diameter 0.10 m, crown 0.35 m deep, crossing at right angles.

Two extra single-trace runs give references: ``air`` (no ground: the direct wave, subtracted
from every trace) and ``layers`` (no object: subtracted to isolate the object's own response).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from roadhealth.constants import C0_M_PER_NS
from roadhealth.synth import Acquisition, SystemEffects, simulate
from roadhealth.synth.forward import spreading
from roadhealth.synth.gprmax import to_gprmax
from roadhealth.synth.model import (
    Cavity,
    Layer,
    Material,
    Pipe,
    RoadModel,
    WaterRichZone,
    attenuation_np_per_m,
    fresnel,
)

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent
INPUTS = HERE / "inputs"
DATA = HERE / "data"
IMG = DOCS / "img"

# ---- common geometry --------------------------------------------------------------------------
F_MHZ = 600.0
DX = 0.005  # FDTD cell, m
LENGTH = 1.6  # modelled track, m
STEP = 0.05  # trace step, m
SEP = 0.05  # transmitter-receiver separation in gprMax, m (the fast model is zero-offset)
HEIGHT = 0.05  # antenna height, m
WINDOW_NS = 20.0
DEPTH = 0.8  # ground in the FDTD domain, m
AIR = 0.1  # air above the surface, m
CHI_NS = math.sqrt(2) / (F_MHZ * 1e-3)  # gprMax delays its Ricker by sqrt(2)/f
N_TRACES = math.floor((LENGTH - SEP) / STEP + 1e-9) + 1
MID = N_TRACES // 2
EXPORT = dict(dims="2d", dx_m=DX, depth_m=DEPTH, air_m=AIR, frequency_mhz=F_MHZ, time_window_ns=WINDOW_NS,
              antenna_height_m=HEIGHT, antenna_separation_m=SEP, trace_step_m=STEP, pml_cells=10)


def layers() -> list[Layer]:
    """Flat layers, no slow variations, no constant-Q loss (gprMax has no constant-Q material)."""
    def m(name, eps, sig):
        return Material(name, eps, sig, math.inf)
    return [
        Layer("asphalt", m("asphalt", 5.5, 0.001), 0.15),
        Layer("base", m("base", 8.0, 0.005), 0.25),
        Layer("subbase", m("subbase", 9.5, 0.008), 0.25),
        Layer("subgrade", m("subgrade", 13.0, 0.015)),
    ]


def scenarios() -> dict[str, RoadModel]:
    c = LENGTH / 2
    objs = {
        "cavity": [Cavity(s_m=c, u_m=0.0, depth_top_m=0.45, length_m=0.30, width_m=6.0, height_m=0.15)],
        "water": [WaterRichZone(s_m=c, u_m=0.0, depth_top_m=0.30, length_m=0.60, width_m=6.0, height_m=0.20,
                                q=math.inf)],
        "pipe": [Pipe(c, 0.0, depth_m=0.35, diameter_m=0.10, azimuth_deg=90.0, material="metal")],
        "layers": [],
    }
    return {k: RoadModel(LENGTH, layers=layers(), objects=v, seed=3, scatterer_density_per_m3=0.0, name=k)
            for k, v in objs.items()}


# ---- gprMax inputs and runs -----------------------------------------------------------------------
def _shift_antenna(text: str, dx_m: float) -> str:
    """Move the transmitter and receiver of an exported 2-D file along x by ``dx_m``."""
    out = []
    for ln in text.splitlines():
        if ln.startswith("#hertzian_dipole:"):
            p = ln.split()
            p[2] = f"{float(p[2]) + dx_m:.4f}"
            ln = " ".join(p)
        elif ln.startswith("#rx:"):
            p = ln.split()
            p[1] = f"{float(p[1]) + dx_m:.4f}"
            ln = " ".join(p)
        out.append(ln)
    return "\n".join(out) + "\n"


def write_inputs() -> dict[str, tuple[Path, int]]:
    """Write the .in files; returns name -> (path, number of traces)."""
    INPUTS.mkdir(parents=True, exist_ok=True)
    runs = {}
    models = scenarios()
    for name in ("cavity", "water", "pipe"):
        p = INPUTS / f"{name}.in"
        p.write_text(to_gprmax(models[name], title=f"fdtd comparison: {name}", **EXPORT))
        runs[name] = (p, N_TRACES)
    # single-trace references at the middle trace position
    lay = _shift_antenna(to_gprmax(models["layers"], title="fdtd comparison: layers only", **EXPORT), MID * STEP)
    (INPUTS / "layers.in").write_text(lay)
    runs["layers"] = (INPUTS / "layers.in", 1)
    air = "\n".join(ln for ln in lay.splitlines() if not ln.startswith("#box:")).replace(
        "layers only", "air only (direct wave)") + "\n"
    (INPUTS / "air.in").write_text(air)
    runs["air"] = (INPUTS / "air.in", 1)
    return runs


def run_gprmax(name: str, path: Path, n: int, workdir: Path, threads: int) -> None:
    import h5py

    workdir.mkdir(parents=True, exist_ok=True)
    src = workdir / path.name
    src.write_text(path.read_text())
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [sys.executable, "-m", "gprMax", str(src), "-n", str(n), "--hide-progress-bars", "--log-level", "30"]
    if n > 1:
        cmd.append("--geometry-fixed")
    t0 = time.time()
    subprocess.run(cmd, check=True, env=env, cwd=workdir)
    wall = time.time() - t0
    files = [workdir / f"{src.stem}.h5"] if n == 1 else [workdir / f"{src.stem}{i}.h5" for i in range(1, n + 1)]
    traces = []
    for f in files:
        with h5py.File(f, "r") as h:
            dt = float(h.attrs["dt"])
            traces.append(np.asarray(h["rxs/rx1/Ez"][:], dtype=np.float32))
            version = str(h.attrs.get("gprMax", "?"))
            ncells = [int(v) for v in h.attrs["nx_ny_nz"]]
    DATA.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(DATA / f"{name}.npz", ez=np.stack(traces), dt_s=dt, wall_s=wall, gprmax=version,
                        nx_ny_nz=np.array(ncells), threads=threads)
    print(f"gprMax {name}: {n} trace(s), {wall:.0f} s", flush=True)


def load(name: str) -> dict:
    with np.load(DATA / f"{name}.npz") as z:
        return {k: z[k] for k in z.files}


# ---- the fast model on the same grid ------------------------------------------------------------
T_SURFACE_NS = CHI_NS + math.hypot(SEP, 2 * HEIGHT) / C0_M_PER_NS  # surface reflection in gprMax's record


def fast(model: RoadModel, dt_ns: float, n_samples: int) -> np.ndarray:
    """Single-channel ideal survey at the gprMax trace midpoints, same samples: (trace, sample)."""
    acq = Acquisition(frequency_mhz=F_MHZ, n_samples=n_samples, window_ns=n_samples * dt_ns, trace_spacing_m=STEP,
                      n_channels=1, time_zero_ns=T_SURFACE_NS, antenna_height_m=HEIGHT, s_start_m=SEP / 2,
                      length_m=(N_TRACES - 1) * STEP, wavelet="ricker")
    sv = simulate(model, acq, SystemEffects.ideal(), dtype=np.float64)
    return np.asarray(sv.values[0], dtype=float)


# ---- signal helpers ---------------------------------------------------------------------------------
def half_integrate(x: np.ndarray, dt_ns: float) -> np.ndarray:
    """Apply ``(i f / f0)^(-1/2)``: turns the 2-D line-source wavelet (a half derivative of the
    source current, with its 45-degree phase) back into the source's Ricker shape."""
    n = x.shape[-1]
    nfft = 2 * n
    f = np.fft.rfftfreq(nfft, dt_ns)
    h = np.zeros(f.size, complex)
    h[1:] = (1j * f[1:] / (F_MHZ * 1e-3)) ** -0.5
    return np.fft.irfft(np.fft.rfft(x, nfft) * h, nfft)[..., :n]


def shift(x: np.ndarray, dt_samples: float) -> np.ndarray:
    """Delay traces by a fractional number of samples (Fourier shift, zero-padded)."""
    n = x.shape[-1]
    nfft = 2 * n
    f = np.fft.rfftfreq(nfft)
    return np.fft.irfft(np.fft.rfft(x, nfft) * np.exp(-2j * np.pi * f * dt_samples), nfft)[..., :n]


def rotate(x: np.ndarray, phi_deg: float) -> np.ndarray:
    """Constant phase rotation ``Re(exp(i phi) * analytic(x))``."""
    from scipy.signal import hilbert
    return np.real(np.exp(1j * np.deg2rad(phi_deg)) * hilbert(x, axis=-1))


def pick(trace: np.ndarray, t: np.ndarray, t_exp: float, half_ns: float = 0.6):
    """Largest-|amplitude| sample within ``t_exp +- half_ns``, refined by a parabola: (time, amplitude)."""
    sel = np.flatnonzero(np.abs(t - t_exp) <= half_ns)
    i = sel[np.argmax(np.abs(trace[sel]))]
    if 0 < i < trace.size - 1:
        a, b, c = trace[i - 1], trace[i], trace[i + 1]
        den = a - 2 * b + c
        d = 0.5 * (a - c) / den if den != 0 else 0.0
        d = float(np.clip(d, -1, 1))
        return float(t[i] + d * (t[1] - t[0])), float(b - 0.25 * (a - c) * d)
    return float(t[i]), float(trace[i])


def best_phase(g: np.ndarray, f: np.ndarray, t: np.ndarray, t_c: float, half_ns: float = 1.2):
    """Constant phase (deg) and delay (ns) that best match ``g`` to ``f`` around ``t_c``."""
    w = np.abs(t - t_c) <= half_ns
    dt = t[1] - t[0]
    best = (-2.0, 0.0, 0.0)
    for phi in range(-180, 180):
        gr = rotate(g, phi)
        cc = np.correlate(f[w], gr[w], mode="full") / (np.linalg.norm(f[w]) * np.linalg.norm(gr[w]) + 1e-30)
        k = int(np.argmax(cc))
        if cc[k] > best[0]:
            best = (float(cc[k]), float(phi), (k - (w.sum() - 1)) * dt)
    return {"corr": best[0], "phase_deg": best[1], "delay_ns": best[2]}


def fit_hyperbola(x: np.ndarray, t: np.ndarray):
    """Least-squares ``t^2 = t0^2 + 4 (x - x0)^2 / v^2``: (t0 ns, x0 m, v m/ns, rms residual ns)."""
    from scipy.optimize import least_squares

    def res(p):
        t0, x0, v = p
        return np.sqrt(t0**2 + 4 * (x - x0) ** 2 / v**2) - t

    i = int(np.argmin(t))
    r = least_squares(res, [t[i], x[i], 0.1], bounds=([0, x.min() - 1, 0.01], [50, x.max() + 1, 0.3]))
    return float(r.x[0]), float(r.x[1]), float(r.x[2]), float(np.sqrt(np.mean(r.fun**2)))


def two_way(model: RoadModel, depth: float, s: float = 0.1):
    """Vertical two-way time (ns) from the surface to ``depth``, RMS velocity above it (m/ns) and the
    paraxial spreading distance ``sum 2 h / sqrt(eps)`` in air-equivalent metres (from the antenna)."""
    tops = model.interfaces(np.array([s]), 0.0)[:, 0]
    t = 0.0
    v2t = 0.0
    r = 2 * HEIGHT
    for j, lay in enumerate(model.layers):
        top = tops[j]
        bot = tops[j + 1] if j + 1 < len(model.layers) else np.inf
        h = max(0.0, min(depth, bot) - top)
        v = C0_M_PER_NS / math.sqrt(lay.material.eps_r)
        t += 2 * h / v
        v2t += v**2 * 2 * h / v
        r += 2 * h / math.sqrt(lay.material.eps_r)
    return t, math.sqrt(v2t / t) if t > 0 else C0_M_PER_NS, r


def ray_time(model: RoadModel, depth: float, d: np.ndarray) -> np.ndarray:
    """Two-way zero-offset time (ns) from an antenna ``HEIGHT`` above the surface to a point at
    ``depth`` and horizontal distance ``d``, with Snell refraction at the surface and every
    interface (the fast model uses straight rays at the RMS velocity instead)."""
    tops = model.interfaces(np.array([0.1]), 0.0)[:, 0]
    hs, vs = [HEIGHT], [C0_M_PER_NS]
    for j, lay in enumerate(model.layers):
        bot = tops[j + 1] if j + 1 < len(model.layers) else np.inf
        h = max(0.0, min(depth, bot) - tops[j])
        if h > 0:
            hs.append(h)
            vs.append(C0_M_PER_NS / math.sqrt(lay.material.eps_r))
    hs, vs = np.array(hs), np.array(vs)
    out = []
    for dd in np.atleast_1d(np.abs(d)):
        lo, hi = 0.0, 1.0 / vs.max() * (1 - 1e-12)  # ray parameter p = sin(theta) / v
        for _ in range(80):
            pm = 0.5 * (lo + hi)
            x = np.sum(hs * pm * vs / np.sqrt(1 - (pm * vs) ** 2))
            lo, hi = (pm, hi) if x < dd else (lo, pm)
        cos = np.sqrt(1 - (pm * vs) ** 2)
        out.append(2 * np.sum(hs / (vs * cos)))
    return np.array(out)


# ---- comparison ------------------------------------------------------------------------------------
OBJECTS = {  # name -> (depth of the object's top at its centre, m; label)
    "cavity": (0.45, "cavity top"),
    "water": (0.30, "water-rich top"),
    "pipe": (0.35, "pipe crown"),
}
LAYER_NAMES = ["surface", "asphalt/base", "base/subbase", "subbase/subgrade"]


def prepare(name: str):
    """gprMax sections (direct wave removed, half-integrated) and fast-model sections, on one grid."""
    g = load(name)
    air = load("air")["ez"][0].astype(float)
    lay = load("layers")["ez"][0].astype(float)
    dt_ns = float(g["dt_s"]) * 1e9
    ez = g["ez"].astype(float)
    ns = ez.shape[1]
    t = np.arange(ns) * dt_ns
    models = scenarios()
    f_tot = fast(models[name], dt_ns, ns)
    f_lay = fast(models["layers"], dt_ns, ns)
    g_tot = half_integrate(ez - air, dt_ns)
    g_obj = half_integrate(ez - lay, dt_ns)
    g_lay = half_integrate(lay - air, dt_ns)
    return dict(t=t, dt_ns=dt_ns, g_tot=g_tot, g_obj=g_obj, g_lay=g_lay, g_raw=ez - air, f_tot=f_tot,
                f_obj=f_tot - f_lay, f_lay=f_lay[MID], wall_s=float(g["wall_s"]), gprmax=str(g["gprmax"]),
                ncells=g["nx_ny_nz"].tolist())


def layer_table(d: dict) -> dict:
    """Picks on the layers-only trace: times after the surface, amplitude ratios to the surface."""
    models = scenarios()
    m = models["layers"]
    t = d["t"]
    tops = m.interfaces(np.array([0.1]), 0.0)[:, 0]
    rows = []
    eps = [lay.material.eps_r for lay in m.layers]
    r_prev_trans = 1.0
    sg = pick(d["g_lay"], t, T_SURFACE_NS, 0.8)
    sf = pick(d["f_lay"], t, T_SURFACE_NS, 0.8)
    for i, nm in enumerate(LAYER_NAMES):
        t_rel, _, R = two_way(m, tops[i])
        r = fresnel(1.0 if i == 0 else eps[i - 1], eps[i])
        if i == 0:
            trans = 1.0
        else:
            trans = r_prev_trans
        r_prev_trans = trans * (1 - r**2)
        pg = pick(d["g_lay"], t, sg[0] + t_rel, 0.6)
        pf = pick(d["f_lay"], t, sf[0] + t_rel, 0.6)
        path = 2 * HEIGHT + 2 * tops[i]
        # two-way conductive loss above the interface
        sig = [lay.material.sigma_s_m for lay in m.layers]
        loss = math.exp(-2 * sum(float(attenuation_np_per_m(sig[j], eps[j])) * (tops[j + 1] - tops[j])
                                 for j in range(i)))
        _, _, R0 = two_way(m, 0.0)
        rows.append(dict(
            event=nm, t_theory_ns=t_rel, t_gprmax_ns=pg[0] - sg[0], t_fast_ns=pf[0] - sf[0],
            ratio_theory=r * trans / fresnel(1.0, eps[0]),
            ratio_gprmax=pg[1] / sg[1], ratio_fast=pf[1] / sf[1],
            # remove each code's spreading: 2-D FDTD 1/sqrt(R) (paraxial, refraction included),
            # fast model L/(L + path)
            ratio_gprmax_corr=pg[1] / sg[1] * math.sqrt(R / R0),
            ratio_fast_corr=pf[1] / sf[1] * spreading(2 * HEIGHT) / spreading(path),
            ratio_3d_theory=r * trans * loss / fresnel(1.0, eps[0]) * R0 / R,
            # constant phase of gprMax's (half-integrated) event against the fast model's Ricker
            phase_gprmax_deg=best_phase(d["g_lay"], d["f_lay"], t, pf[0], 0.8)["phase_deg"],
        ))
        rows[-1]["ratio_theory"] *= loss
    return {"surface_gprmax_ns": sg[0], "surface_fast_ns": sf[0], "rows": rows}


def compare(name: str) -> dict:
    d = prepare(name)
    t, dt = d["t"], d["dt_ns"]
    m = scenarios()[name]
    x = SEP / 2 + STEP * np.arange(N_TRACES)
    z_top, label = OBJECTS[name]
    t_top, v_rms, R_top = two_way(m, z_top)
    out = {"name": name, "wall_s": d["wall_s"], "gprmax": d["gprmax"], "ncells": d["ncells"], "dt_ns": dt}
    # wavelet: best constant phase of the gprMax surface reflection against the fast model's,
    # before and after the half-integration
    sf = pick(d["f_lay"], t, T_SURFACE_NS, 0.8)
    out["phase_raw"] = best_phase(d["g_raw"][MID], d["f_tot"][MID], t, sf[0])
    out["phase_corrected"] = best_phase(d["g_tot"][MID], d["f_tot"][MID], t, sf[0])
    # time-zero alignment on the surface reflection (layers-only traces)
    sg = pick(d["g_lay"], t, T_SURFACE_NS, 0.8)
    out["surface_time_gprmax_ns"], out["surface_time_fast_ns"] = sg[0], sf[0]
    lag = (sf[0] - sg[0]) / dt
    # both codes normalised so that the surface reflection is -1 (the fast model's convention)
    g_tot = -shift(d["g_tot"], lag) / sg[1]
    g_obj = -shift(d["g_obj"], lag) / sg[1]
    f_tot = -d["f_tot"] / sf[1]
    f_obj = -d["f_obj"] / sf[1]
    # object's top at the apex trace (largest object response)
    # the trace nearest the object's centre (the centre lies half-way between traces 15 and 16)
    k = kg = int(np.argmin(np.abs(x - LENGTH / 2)))
    t_exp = sf[0] + t_top
    pg = pick(g_obj[kg], t, t_exp, 0.7)
    pf = pick(f_obj[k], t, t_exp, 0.7)
    out["object"] = dict(
        label=label, depth_m=z_top, apex_trace=k,
        t_theory_ns=t_top, t_gprmax_ns=pg[0] - sf[0], t_fast_ns=pf[0] - sf[0],
        polarity_gprmax="same" if pg[1] < 0 else "opposite", polarity_fast="same" if pf[1] < 0 else "opposite",
        ratio_gprmax=abs(pg[1]), ratio_fast=abs(pf[1]),
        ratio_gprmax_3d=abs(pg[1]) * math.sqrt(two_way(m, 0.0)[2] / R_top),
    )
    # hyperbola: per-trace picks of the top event (same polarity as at the apex) along the expected curve
    fits = {}
    for key, sec, p0 in (("gprmax", g_obj, pg), ("fast", f_obj, pf)):
        xs, ts = [], []
        a_apex = abs(p0[1])
        x_apex = x[int(np.argmax(np.abs(sec).max(axis=1)))]
        order = np.argsort(np.abs(x - x_apex))
        for j in order:
            te = sf[0] + math.sqrt(t_top**2 + 4 * (x[j] - x_apex) ** 2 / v_rms**2)
            sel = np.abs(t - te) <= 0.5
            seg = sec[j] * np.sign(p0[1])
            if not sel.any():
                continue
            i = np.flatnonzero(sel)[np.argmax(seg[sel])]
            if seg[i] < 0.15 * a_apex:
                continue
            xs.append(x[j])
            ts.append(t[i] - sf[0])
        xs, ts = np.array(xs), np.array(ts)
        o = np.argsort(xs)
        t0, x0, v, rms = fit_hyperbola(xs[o], ts[o])
        fits[key] = dict(t0_ns=t0, x0_m=x0, v_m_per_ns=v, rms_ns=rms, n=int(xs.size), x=xs[o].tolist(),
                         t=ts[o].tolist())
    # the same fit to ray-traced (refracted) times at the same distances: what refraction alone does
    x_c = LENGTH / 2
    xs = np.array(fits["gprmax"]["x"])
    if name == "pipe":
        p = m.objects[0]
        z_c = p.depth_m + p.radius_m
        t_r = ray_time(m, z_c, xs - x_c) - 2 * p.radius_m * math.sqrt(8.0) / C0_M_PER_NS
    else:
        t_r = ray_time(m, z_top, xs - x_c)
    t_r = t_r - 2 * HEIGHT / C0_M_PER_NS  # times after the surface reflection
    t0r, x0r, vr, rmsr = fit_hyperbola(xs, t_r)
    fits["refracted_rays"] = dict(t0_ns=t0r, x0_m=x0r, v_m_per_ns=vr, rms_ns=rmsr, n=int(xs.size))
    out["hyperbola"] = fits
    out["v_rms_theory"] = v_rms
    # trace-wise correlation (aligned, normalised) below the surface reflection (which would
    # otherwise dominate): from 1.2 ns after the surface to the end of the record
    w = t >= sf[0] + 1.2

    def corr(a, b):
        return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-30))

    c_tot = np.array([corr(g_tot[j, w], f_tot[j, w]) for j in range(N_TRACES)])
    # the same after the residual constant phase that best matches the surface reflections
    phi = best_phase(g_tot[MID], f_tot[MID], t, sf[0])["phase_deg"]
    g_rot = rotate(g_tot, phi)
    c_rot = np.array([corr(g_rot[j, w], f_tot[j, w]) for j in range(N_TRACES)])
    # object-only: the window around the object response of the fast model
    wo = (t >= sf[0] + t_top - 1.5) & (t <= sf[0] + t_top + 4.0)
    live = np.abs(f_obj[:, wo]).max(axis=1) > 0.1 * np.abs(f_obj[:, wo]).max()
    c_obj = np.array([corr(g_obj[j, wo], f_obj[j, wo]) for j in range(N_TRACES)])
    out["correlation"] = dict(total_median=float(np.median(c_tot)), total_min=float(c_tot.min()),
                              residual_phase_deg=phi, total_median_rotated=float(np.median(c_rot)),
                              object_median_rotated=float(np.median([corr(rotate(g_obj[j], phi)[wo], f_obj[j, wo])
                                                                     for j in np.flatnonzero(live)])),
                              object_median=float(np.median(c_obj[live])), object_apex=float(c_obj[k]),
                              object_traces=int(live.sum()))
    # events beneath the object: subgrade reflection at the apex trace against away from the object
    z_sg = m.interfaces(np.array([0.1]), 0.0)[3, 0]
    t_sg = two_way(m, z_sg)[0]
    beneath = {}
    for key, sec_tot in (("gprmax", g_tot), ("fast", f_tot)) if name == "water" else ():
        # only beneath the 0.6 m wide water-rich zone: the 0.3 m cavity is narrower than the first
        # Fresnel zone at the subgrade (no separate pulled-up event to pick in the FDTD), and the fast
        # model's pipe ringing overlaps the subgrade reflection under the pipe
        ref = pick(sec_tot[0], t, sf[0] + t_sg, 0.6)
        j = kg if key == "gprmax" else k
        shift_exp = {"cavity": -2 * 0.15 * (math.sqrt(9.5) - 1) / C0_M_PER_NS,
                     "water": 2 * 0.1 * ((5 - math.sqrt(8)) + (5 - math.sqrt(9.5))) / C0_M_PER_NS,
                     "pipe": 0.0}[name]
        under = pick(sec_tot[j], t, ref[0] + shift_exp, 0.35)
        beneath[key] = dict(dt_ns=under[0] - ref[0], amp_ratio=abs(under[1] / ref[1]), dt_theory_ns=shift_exp)
    out["beneath"] = beneath
    out["_sections"] = dict(t=t, x=x, g_tot=g_tot, f_tot=f_tot, g_obj=g_obj, f_obj=f_obj, k=k, t_surf=sf[0])
    return out


# ---- figures, table ----------------------------------------------------------------------------------
def figure(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = res["_sections"]
    t, x = s["t"], s["x"]
    sel = (t >= s["t_surf"] - 1.5) & (t <= min(t[-1], s["t_surf"] + 16.0))
    tt = t[sel] - s["t_surf"]
    gain = np.clip(tt, 0.5, None) ** 1.5  # the same display gain for both codes
    fig, ax = plt.subplots(2, 3, figsize=(12, 7.2), gridspec_kw=dict(width_ratios=[1, 1, 0.8]))
    ext = [x[0], x[-1], tt[-1], tt[0]]
    for row, (a, b, what) in enumerate(((s["g_tot"], s["f_tot"], "road"), (s["g_obj"], s["f_obj"], "object only"))):
        A = a[:, sel].T * gain[:, None]
        B = b[:, sel].T * gain[:, None]
        clip = np.percentile(np.abs(B), 99.5)
        for col, (D, title) in enumerate(((A, f"gprMax 4, 2-D FDTD ({what})"), (B, f"fast model ({what})"))):
            ax[row, col].imshow(D, aspect="auto", cmap="gray", vmin=-clip, vmax=clip, extent=ext,
                                interpolation="bilinear")
            ax[row, col].set_title(title, fontsize=9)
            ax[row, col].set_xlabel("distance (m)")
            ax[row, col].set_ylabel("time after surface (ns)")
        if row == 1:
            for key, col, c in (("gprmax", 0, "tab:red"), ("fast", 1, "tab:cyan")):
                h = res["hyperbola"][key]
                xx = np.linspace(x[0], x[-1], 200)
                ax[row, col].plot(xx, np.sqrt(h["t0_ns"] ** 2 + 4 * (xx - h["x0_m"]) ** 2 / h["v_m_per_ns"] ** 2),
                                  c=c, lw=0.8, ls="--")
                ax[row, col].set_ylim(tt[-1], tt[0])
        k = s["k"]
        ax[row, 2].plot(a[k, sel] * gain, tt, c="tab:red", lw=0.9, label="gprMax (2-D, half-integrated)")
        ax[row, 2].plot(b[k, sel] * gain, tt, c="k", lw=0.9, label="fast model")
        ax[row, 2].set_ylim(tt[-1], tt[0])
        ax[row, 2].set_title(f"trace at {x[k]:.3f} m, x gain; / surface", fontsize=9)
        ax[row, 2].set_xlabel("amplitude / |surface|")
        if row == 0:
            ax[row, 2].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{res['name']}: gprMax 4.0.1 (2-D, dx = {DX * 1000:g} mm) against roadhealth.synth.simulate "
                 "(ideal system), same traces and samples; display gain t^1.5", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def tables(results: dict) -> str:
    """Markdown tables of the numbers (also written to docs/fdtd/results.md)."""
    L = ["### Layers (layers-only runs, middle trace)", "",
         "| event | t after surface: theory / gprMax / fast (ns) | ratio to surface: gprMax 2-D raw / fast raw "
         "| spreading removed: theory (Fresnel x transmission x loss) / gprMax / fast | ideal 3-D point source "
         "| gprMax residual phase (deg) |",
         "|---|---|---|---|---|---|"]
    for r in results["layers"]["rows"]:
        L.append(f"| {r['event']} | {r['t_theory_ns']:.3f} / {r['t_gprmax_ns']:.3f} / {r['t_fast_ns']:.3f} "
                 f"| {r['ratio_gprmax']:+.3f} / {r['ratio_fast']:+.3f} "
                 f"| {r['ratio_theory']:+.3f} / {r['ratio_gprmax_corr']:+.3f} / {r['ratio_fast_corr']:+.3f} "
                 f"| {r['ratio_3d_theory']:+.3f} | {(r['phase_gprmax_deg'] % 360) - 180:+.0f} |")
    L += ["", "### Objects", "",
          "| scenario | event | t after surface: vertical theory / gprMax / fast (ns) | polarity vs surface: "
          "gprMax / fast | amplitude / surface: gprMax 2-D / gprMax to 3-D / fast | hyperbola v (m/ns): "
          "v_rms / refracted rays / gprMax / fast | hyperbola t0 (ns): gprMax / fast |",
          "|---|---|---|---|---|---|---|"]
    for name in ("cavity", "water", "pipe"):
        if name not in results:
            continue
        r = results[name]
        o, h = r["object"], r["hyperbola"]
        L.append(f"| {name} | {o['label']} ({o['depth_m']:g} m) | {o['t_theory_ns']:.2f} / {o['t_gprmax_ns']:.2f} / "
                 f"{o['t_fast_ns']:.2f} | {o['polarity_gprmax']} / {o['polarity_fast']} | {o['ratio_gprmax']:.3f} / "
                 f"{o['ratio_gprmax_3d']:.3f} / {o['ratio_fast']:.3f} | {r['v_rms_theory']:.4f} / "
                 f"{h['refracted_rays']['v_m_per_ns']:.4f} / "
                 f"{h['gprmax']['v_m_per_ns']:.4f} / {h['fast']['v_m_per_ns']:.4f} | {h['gprmax']['t0_ns']:.2f} / "
                 f"{h['fast']['t0_ns']:.2f} |")
    L += ["", "### Whole traces and what lies beneath", "",
          "| scenario | correlation below the surface, median over traces (min) | after a constant phase "
          "rotation (deg) | object-only correlation: median over live traces / apex trace "
          "| subgrade reflection beneath: delay theory / gprMax / fast (ns) | its amplitude / away: gprMax / fast "
          "| gprMax run (cells, wall time, 2 threads) |",
          "|---|---|---|---|---|---|---|"]
    for name in ("cavity", "water", "pipe"):
        if name not in results:
            continue
        r = results[name]
        c, b = r["correlation"], r["beneath"]
        if b:
            bt = (f"{b['gprmax']['dt_theory_ns']:+.2f} / {b['gprmax']['dt_ns']:+.2f} / {b['fast']['dt_ns']:+.2f}",
                  f"{b['gprmax']['amp_ratio']:.2f} / {b['fast']['amp_ratio']:.2f}")
        else:
            bt = ("n/a", "n/a")
        nx, ny, _ = r["ncells"]
        L.append(f"| {name} | {c['total_median']:.2f} ({c['total_min']:.2f}) | {c['total_median_rotated']:.2f} "
                 f"({c['residual_phase_deg']:+.0f}) | {c['object_median']:.2f} / {c['object_apex']:.2f} "
                 f"| {bt[0]} | {bt[1]} | {nx} x {ny}, {r['wall_s'] / 60:.1f} min for {N_TRACES} traces |")
    return "\n".join(L) + "\n"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", action="store_true", help="(re)run gprMax (else use docs/fdtd/data/*.npz)")
    ap.add_argument("--only", nargs="*", help="with --run: only these runs (air layers cavity water pipe)")
    ap.add_argument("--workdir", default="/tmp/roadhealth_fdtd", help="where gprMax writes its .h5 files")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    runs = write_inputs()
    if args.run:
        for name in args.only or ["air", "layers", "pipe", "cavity", "water"]:
            p, n = runs[name]
            run_gprmax(name, p, n, Path(args.workdir), args.threads)
    results = {}
    lay = None
    IMG.mkdir(exist_ok=True)
    for name in ("cavity", "water", "pipe"):
        if not (DATA / f"{name}.npz").exists():
            print(f"no gprMax output for {name}: run with --run", file=sys.stderr)
            continue
        r = compare(name)
        if lay is None:
            lay = layer_table(prepare(name))
        figure(r, IMG / f"fdtd_{name}.png")
        r.pop("_sections")
        results[name] = r
    results["layers"] = lay
    (HERE / "results.json").write_text(json.dumps(results, indent=1, default=float) + "\n")
    md = tables(results)
    (HERE / "results.md").write_text(md)
    print(md)
    return results


if __name__ == "__main__":
    main()
