"""Benchmark roadhealth side by side with the Python GPR tools readgssi and ImpDAR.

Usage::

    /tmp/benchenv/bin/python benchmarks/peers.py [--quick] [--reps N] [--no-grid]

(any Python that has roadhealth, ``readgssi`` and ``impdar``: ``pip install -e ".[bench]"``).
Writes ``benchmarks/RESULTS.md`` and ``benchmarks/results.png``; generated inputs are cached under
``benchmarks/cache/`` (git-ignored). ``--quick`` (small inputs, 2 repetitions, no 1.6 GB grid)
is a smoke run of well under 2 minutes.

How it measures
---------------
* **Same inputs, one run, alternating.** Every case builds its input once, then each repetition
  runs every library on a fresh copy of it (copies are untimed; readgssi and ImpDAR work in place),
  alternating the order from one repetition to the next so drift in machine load hits all alike.
  Times are ``time.perf_counter`` wall times; the table shows the median.
* **Checked before compared.** Each case first runs every library once (untimed) and checks that
  they produced the same thing after aligning the known convention differences (below). A peer
  that fails the check is reported as *wrong* and its time is not used for the ratio. Where the
  algorithms differ by design (filter families, AGC definitions, migration operators), the check is
  a stated property instead of equality.
* **Peak memory** per step is measured with :mod:`tracemalloc` in a separate, untimed run: the peak
  of traced allocations during the call, which includes every numpy array (numpy reports its data
  buffers to tracemalloc) but not the internal scratch of C libraries (pocketfft plans, BLAS).
  The chain runs (large grid, 46 real lines) run in a fresh subprocess each and report that
  process's whole peak resident memory: ``VmHWM`` from /proc/self/status, i.e. the ``ru_maxrss``
  of the exec'd image (``getrusage`` itself carries the parent's peak across fork + exec).
* **Floor.** For every case: one ``numpy.fft.rfft`` + ``irfft`` pass along the samples of the same
  data (float32, ``(trace, sample)``), median of the same repetitions.

Convention differences aligned before comparing
------------------------------------------------
* GSSI 16-bit words are unsigned with a +32768 offset: readgssi keeps it (int32 array), roadhealth
  removes it (int16, ``attrs["raw_offset"]`` = 32768); ImpDAR reads the words as *signed* int16
  (so its values are ours + 32768 wrapped) and overwrites words 0 and 1 of each trace with word 2:
  it is compared from word 2 on.
* readgssi and ImpDAR store ``(sample, trace)``; roadhealth ``(channel, trace, sample)``.
* dt: readgssi's ``1 / header["samp_freq"]`` uses the header's ``cr_true`` and differs from the
  range / samples convention (ours and ImpDAR's) by < 0.1 %; compared within 0.5 %.
* ImpDAR's pulseEKKO loader subtracts the mean of the first 100 samples of every trace: compared
  after removing one constant per trace (residual <= 1 count, its int16 rounding).
* readgssi's ``stack`` sums groups of traces; ours averages: compared as sum / n.
* Filters: readgssi's band-pass is a 25-tap triangular FIR run forward and backward, ImpDAR's a
  ``butter(5)`` band-pass run with ``filtfilt``, ours a zero-phase Butterworth (``order=4``, and
  ``order=10`` against ImpDAR so the roll-off matches) applied in the frequency domain. Check:
  output correlation > 0.99 on the same dewowed input, *or* the zero-phase passband responses
  (measured by filtering an impulse through each library's public function) within 1.5 dB over
  ``[1.5 low, 0.75 high]``.
* AGC: ImpDAR scales every time sample by ``50 / max|x|`` over a 50-sample window *across all
  traces*; ours divides by the RMS in a window of each trace. Check (property): both reduce the spread
  (dB) of the RMS amplitude versus time of the section (8 windows below the surface) to under a
  third of the input's.
* Migration: ImpDAR works in SI units (s, m/s, km); the operators differ (ImpDAR Kirchhoff uses the
  time derivative and nearest-sample travel times; ours the half-derivative rho filter and linear
  interpolation). Check (property): on three point diffractors, the envelope of every output peaks
  within 2 traces and 4 samples of each true apex.

Known peer failures (see ``../shared/gpr_samples/MANIFEST.md``): ImpDAR hard-codes the DZT header at
65536 bytes for 16-bit files, so it reads FILE____032.DZT (and every 16-bit DZT whose header is
1024 bytes per channel, including ours) wrongly; readgssi 0.0.22 crashes on test_gssi.DZG (its
altitude is empty), so test_gssi.DZT is timed through a link without its companions, for every
library alike. ImpDAR 1.2.1's compiled Kirchhoff (``mig_cython``) fails to import from its wheel
here (undefined symbol ``mig_kirch_loop``) and it falls back to its pure-Python loop: that is the
ImpDAR time reported.

The chain
---------
The throughput targets run :data:`CHAIN`, a list of named stages (``read`` -> ``process`` ->
``sink``). Detection joins by inserting a stage, e.g. ``CHAIN.insert(2, Stage("detect", fn))``
where ``fn(survey) -> survey | anomalies``; the sink reduces whatever the previous stage returned.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import inputs  # noqa: E402

warnings.filterwarnings("ignore")
TARGET_MB_S = 30.0
KIRCHHOFF_TARGET_S = 1.0


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def quiet():
    """Silence the peers' prints (readgssi and ImpDAR print progress to stdout)."""
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        yield


def survey_of(values_ts: np.ndarray, dt_ns: float = inputs.DT_NS, spacing_m: float = inputs.SPACING_M,
              antenna_mhz: float = inputs.ANTENNA_MHZ):
    """A one-channel in-memory survey of a ``(trace, sample)`` array."""
    from roadhealth import make_survey

    return make_survey(values_ts[None], dt_ns=dt_ns, antenna_mhz=antenna_mhz,
                       distance_m=spacing_m * np.arange(values_ts.shape[0]))


def impdar_radar(values_ts: np.ndarray, dt_ns: float = inputs.DT_NS, spacing_m: float = inputs.SPACING_M):
    """An ImpDAR RadarData of a ``(trace, sample)`` array, in ImpDAR's units (s, us, km, m)."""
    from impdar.lib.RadarData import RadarData
    from impdar.lib.RadarFlags import RadarFlags

    r = RadarData(None)
    r.fn = ""
    r.data = np.ascontiguousarray(values_ts.T)
    r.snum, r.tnum = r.data.shape
    r.dt = dt_ns * 1e-9
    r.travel_time = dt_ns * 1e-3 * np.arange(r.snum)
    r.dist = spacing_m * np.arange(r.tnum) / 1000.0
    r.trace_int = spacing_m * np.ones(r.tnum)
    r.trace_num = np.arange(r.tnum) + 1.0
    r.flags = RadarFlags()
    return r


def envelope(a: np.ndarray) -> np.ndarray:
    from scipy.signal import hilbert

    return np.abs(hilbert(a, axis=-1))


def corr(a, b) -> float:
    a = np.asarray(a, float).ravel()
    b = np.asarray(b, float).ravel()
    return float(np.corrcoef(a, b)[0, 1])


def fft_floor(a_ts: np.ndarray) -> np.ndarray:
    n = a_ts.shape[-1]
    return np.fft.irfft(np.fft.rfft(a_ts, axis=-1), n, axis=-1)


# --------------------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Impl:
    prepare: Callable[[], Any]          # untimed: a fresh copy of the input
    run: Callable[[Any], Any]           # timed
    result: Callable[[Any], Any] = lambda out: out  # untimed: output as a comparable array/object


@dataclasses.dataclass
class Case:
    step: str
    input: str
    mb: float                           # input size, MB (int16 samples unless noted)
    impls: dict[str, Impl]
    check: Callable[[dict[str, Any]], dict[str, tuple[bool | None, str]]]
    floor_array: Callable[[], np.ndarray]
    reps: int | None = None             # override the repetitions (slow peers)
    target_s: float | None = None       # roadhealth-only cases: an absolute time target
    note: str = ""
    peer_error: dict[str, str] = dataclasses.field(default_factory=dict)  # peer -> why it cannot run


def _rh_values(survey) -> np.ndarray:
    return np.asarray(survey.values[0])


# ---- DZT read ------------------------------------------------------------------------------------

def dzt_read_case(label: str, path: Path, original: Path | None = None) -> Case:
    from impdar.lib import load as iload
    from readgssi import dzt

    import roadhealth.io as rio

    peer_error = {}
    note = ""
    if original is not None and original != path:
        try:
            with quiet():
                dzt.readdzt(str(original), zero=[0] * 4)
        except Exception as exc:
            peer_error["readgssi"] = f"crashes on the original (with its .DZG): {type(exc).__name__}: {exc}"
            note = "timed via a link without .DZG/.DZX companions (all libraries)"

    def rg(p):
        with quiet():
            h, d, _ = dzt.readdzt(str(p), zero=[0] * 4)
        return h, d[0]

    def imp(p):
        with quiet():
            return iload.load("gssi", [str(p)])[0]

    def check(outs):
        s = outs["roadhealth"]
        v = _rh_values(s).astype(np.int64)
        off = int(s.attrs.get("raw_offset") or 0)
        res = {}
        h, a = outs["readgssi"]
        dt_rg = 1e9 / h["samp_freq"]
        if a.T.shape != v.shape:
            res["readgssi"] = (False, f"shape {a.T.shape} != {v.shape}")
        else:
            same = np.array_equal(a.T.astype(np.int64), v + off)
            ddt = abs(dt_rg / s.attrs["dt_ns"] - 1)
            res["readgssi"] = (same and ddt < 5e-3,
                               f"{'identical' if same else 'DIFFERENT'} raw words (ours + {off}); dt differs {ddt:.2%}")
        r = outs["impdar"]
        ai = np.asarray(r.data).T
        if ai.shape != v.shape:
            res["impdar"] = (False, f"WRONG: {ai.shape[0]} traces, file has {v.shape[0]} "
                                    "(header length hard-coded at 65536 B; MANIFEST.md)")
        else:
            exp = (v + off).astype(np.uint32).astype(np.uint16).view(np.int16) if off else v
            same = np.array_equal(ai[:, 2:].astype(np.int64), np.asarray(exp)[:, 2:].astype(np.int64))
            ddt = abs(r.dt * 1e9 / s.attrs["dt_ns"] - 1)
            res["impdar"] = (same and ddt < 5e-3, f"{'identical' if same else 'DIFFERENT'} from word 2 "
                                                  f"(signed view of the raw words); dt differs {ddt:.2%}")
        return res

    def floor():
        s = rio.read(path, lazy=False)
        return _rh_values(s).astype(np.float32)

    return Case(
        "DZT read", label, path.stat().st_size / 1e6,
        {"roadhealth": Impl(lambda: path, lambda p: rio.read(p, lazy=False)),
         "readgssi": Impl(lambda: path, rg),
         "impdar": Impl(lambda: path, imp)},
        check, floor, note=note, peer_error=peer_error)


# ---- DT1 / RD3 load ------------------------------------------------------------------------------

def pe_load_case(label: str, path: Path, ftype: str) -> Case:
    from impdar.lib import load as iload

    import roadhealth.io as rio

    def imp(p):
        with quiet():
            return iload.load(ftype, [str(p)])[0]

    def check(outs):
        s = outs["roadhealth"]
        v = _rh_values(s).astype(np.float64)
        r = outs["impdar"]
        a = np.asarray(r.data, np.float64).T
        if a.shape != v.shape:
            return {"impdar": (False, f"shape {a.shape} != {v.shape}")}
        ddt = abs(r.dt * 1e9 / s.attrs["dt_ns"] - 1)
        if ftype == "pe":
            d = v - a
            resid = d - np.median(d, axis=1, keepdims=True)
            wrapped = int(np.count_nonzero(np.abs(resid) > 30000))
            if wrapped:  # only 65536 jumps besides rounding: ImpDAR's int16 DC removal overflowed
                r2 = np.abs(resid - 65536 * np.round(resid / 65536)).max()
                return {"impdar": (False, f"WRONG at {wrapped} samples: its per-trace DC removal is done in "
                                          f"int16 and wraps around (+-65536); elsewhere equal up to one "
                                          f"constant per trace (residual {r2:g}); dt differs {ddt:.2%}")}
            resid = np.abs(resid).max()
            ok = resid <= 1.0 and ddt < 5e-3
            return {"impdar": (ok, f"equal up to one constant per trace (ImpDAR's DC removal), "
                                   f"residual {resid:g}; dt differs {ddt:.2%}")}
        same = np.array_equal(a, v)
        return {"impdar": (same and ddt < 5e-3, f"{'identical' if same else 'DIFFERENT'} values; dt differs {ddt:.2%}")}

    size = path.stat().st_size / 1e6
    return Case(
        "DT1/RD3 load", label, size,
        {"roadhealth": Impl(lambda: path, lambda p: rio.read(p, lazy=False)),
         "impdar": Impl(lambda: path, imp)},
        check, lambda: _rh_values(rio.read(path, lazy=False)).astype(np.float32))


# ---- readgssi processing -------------------------------------------------------------------------

RG_HEADER = {"rh_nchan": 1, "rhf_sps": 0.0, "rhf_spm": 1.0 / inputs.SPACING_M,
             "samp_freq": 1e9 / inputs.DT_NS}


def bgr_case(label: str, x: np.ndarray) -> Case:
    """Global (full-width) background removal: readgssi ``bgr(win=0)`` vs ``background_removal()``."""
    from readgssi import filtering

    import roadhealth.processing as P

    s = survey_of(x)

    def rg(a):
        with quiet():
            return filtering.bgr(a, dict(RG_HEADER), win=0)

    def check(outs):
        r = _rh_values(outs["roadhealth"])
        g = outs["readgssi"].T
        err = float(np.abs(r - g).max() / np.abs(x).max())
        return {"readgssi": (err < 1e-5, f"max |diff| = {err:.1e} of max |x|")}

    return Case("background removal", label, x.size * 2 / 1e6,
                {"roadhealth": Impl(lambda: s, lambda v: P.background_removal(v)),
                 "readgssi": Impl(lambda: np.ascontiguousarray(x.T), rg)},
                check, lambda: x.copy())


def stack_case(label: str, x: np.ndarray, n: int = 4) -> Case:
    from readgssi import arrayops

    import roadhealth.processing as P

    s = survey_of(x)

    def rg(a):
        with quiet():
            return arrayops.stack(a, dict(RG_HEADER), stack=n)[1]

    def check(outs):
        r = _rh_values(outs["roadhealth"])
        g = outs["readgssi"].T[: r.shape[0]] / n
        err = float(np.abs(r - g).max() / np.abs(x).max())
        return {"readgssi": (err < 1e-5, f"sum / {n} vs mean: max |diff| = {err:.1e} of max |x|")}

    return Case(f"stacking ({n})", label, x.size * 2 / 1e6,
                {"roadhealth": Impl(lambda: s, lambda v: P.stack(v, n_traces=n)),
                 "readgssi": Impl(lambda: np.ascontiguousarray(x.T), rg)},
                check, lambda: x.copy())


def _impulse_response_db(apply_fn, n: int = 1024, dt_ns: float = inputs.DT_NS):
    imp = np.zeros((4, n), np.float32)
    imp[:, n // 2] = 1.0
    y = np.asarray(apply_fn(imp), float)[0]
    return np.fft.rfftfreq(n, dt_ns) * 1000.0, 20 * np.log10(np.abs(np.fft.rfft(y)) + 1e-12)


def _passband_dev(f, ha, hb, lo, hi) -> float:
    sel = (f >= 1.5 * lo) & (f <= 0.75 * hi)
    return float(np.abs(ha[sel] - hb[sel]).max())


def bandpass_case(peer: str, label: str, x: np.ndarray, lo: float = 100.0, hi: float = 800.0) -> Case:
    """Band-pass on the same dewowed float32 section."""
    import roadhealth.processing as P

    xd = _rh_values(P.dewow(survey_of(x))).astype(np.float32)
    s = survey_of(xd)
    order = 4 if peer == "readgssi" else 10

    def rh(v):
        return P.bandpass(v, low_mhz=lo, high_mhz=hi, order=order)

    if peer == "readgssi":
        from readgssi import filtering

        def pr(a):
            with quiet():
                return filtering.triangular(a, dict(RG_HEADER), lo, hi)

        def pr_ts(a_ts):
            return pr(np.ascontiguousarray(a_ts.T)).T

        impl = Impl(lambda: np.ascontiguousarray(xd.T), pr, lambda out: np.asarray(out).T)
    else:
        def pr(r):
            with quiet():
                r.vertical_band_pass(lo, hi, order=5)
            return r

        def pr_ts(a_ts):
            return pr(impdar_radar(a_ts)).data.T

        impl = Impl(lambda: impdar_radar(xd), pr, lambda r: np.asarray(r.data).T)

    def check(outs):
        c = corr(_rh_values(outs["roadhealth"]), outs[peer])
        f, ha = _impulse_response_db(lambda a: _rh_values(rh(survey_of(a))))
        _, hb = _impulse_response_db(pr_ts)
        dev = _passband_dev(f, ha, hb, lo, hi)
        zero = np.zeros_like(ha)
        da, db = _passband_dev(f, ha, zero, lo, hi), _passband_dev(f, hb, zero, lo, hi)
        msg = (f"correlation {c:.4f}; passband ({1.5 * lo:g}-{0.75 * hi:g} MHz) responses within {dev:.2f} dB "
               f"of each other (ours {da:.2f} dB, peer {db:.2f} dB from flat)")
        if not (c > 0.99 or dev < 1.5) and db > 3 and da < 1:
            msg = "WRONG: peer's passband is not flat (a high-order filter in b/a form, numerically unstable at " \
                  "these corners); " + msg
        return {peer: (c > 0.99 or dev < 1.5, msg)}

    return Case(f"band-pass {lo:g}-{hi:g} MHz", label, x.size * 2 / 1e6,
                {"roadhealth": Impl(lambda: s, rh), peer: impl}, check, lambda: xd.copy(),
                note=f"ours order={order}")


def agc_case(label: str, x: np.ndarray, window: int = 50) -> Case:
    import roadhealth.processing as P

    xd = _rh_values(P.dewow(survey_of(x))).astype(np.float32)
    s = survey_of(xd)

    def pr(r):
        with quiet():
            r.agc(window=window)
        return r

    def flatness_db(a_ts):
        a = np.asarray(a_ts, float)[:, 40:]  # below the surface wavelet
        ms = np.mean(a**2, axis=0)
        k = 8
        m = ms[: ms.size // k * k].reshape(k, -1).mean(axis=1)
        return float(10 * np.log10(m.max() / m.min()))

    def check(outs):
        din = flatness_db(xd)
        dr = flatness_db(_rh_values(outs["roadhealth"]))
        di = flatness_db(outs["impdar"])
        return {"impdar": (dr < din / 3 and di < din / 3,
                           f"RMS vs time spread {din:.1f} dB in; out: ours {dr:.1f} dB, ImpDAR {di:.1f} dB; "
                           f"correlation {corr(_rh_values(outs['roadhealth']), outs['impdar']):.3f}")}

    return Case("AGC", label, x.size * 2 / 1e6,
                {"roadhealth": Impl(lambda: s, lambda v: P.agc(v, window_ns=window * inputs.DT_NS)),
                 "impdar": Impl(lambda: impdar_radar(xd), pr, lambda r: np.asarray(r.data).T)},
                check, lambda: xd.copy(), note=f"window {window} samples")


def migration_case(kind: str, n: int, reps: int | None = None, with_peer: bool = True,
                   target_s: float | None = None) -> Case:
    import roadhealth.processing as P

    d, apex = inputs.point_diffractors(n, n)
    s = survey_of(d)
    v = inputs.VELOCITY_M_PER_NS
    rh_fn = P.stolt_migrate if kind == "stolt" else P.kirchhoff_migrate
    mtype = "stolt" if kind == "stolt" else "kirch"

    def pr(r):
        with quiet():
            r.migrate(mtype, vel=v * 1e9)
        return r

    def focused(a_ts):
        e = envelope(np.asarray(a_ts, float))
        errs = []
        for it, js in apex:
            i0, j0 = max(0, it - 12), max(0, js - 20)
            w = e[i0:it + 13, j0:js + 21]
            i, j = np.unravel_index(np.argmax(w), w.shape)
            errs.append((int(i0 + i - it), int(j0 + j - js)))
        ok = all(abs(a) <= 2 and abs(b) <= 4 for a, b in errs)
        return ok, errs

    def check(outs):
        okr, er = focused(_rh_values(outs["roadhealth"]))
        res = {"roadhealth": (okr, f"envelope peaks at apex + (trace, sample) {er}")}
        if "impdar" in outs:
            oki, ei = focused(outs["impdar"])
            res["impdar"] = (oki, f"envelope peaks at apex + {ei}")
        return res

    impls = {"roadhealth": Impl(lambda: s, lambda x: rh_fn(x, velocity_m_per_ns=v))}
    if with_peer:
        impls["impdar"] = Impl(lambda: impdar_radar(d), pr, lambda r: np.asarray(r.data).T)
    return Case(f"{'Stolt' if kind == 'stolt' else 'Kirchhoff'} migration", f"3 point diffractors {n} x {n}",
                d.size * 2 / 1e6, impls, check, lambda: d.copy(), reps=reps, target_s=target_s)


def recipe_case(label: str, x: np.ndarray | None = None, path: Path | None = None) -> Case:
    """roadhealth only: the default recipe (in memory) vs the FFT floor."""
    import roadhealth.io as rio
    import roadhealth.processing as P

    s = survey_of(x) if x is not None else rio.read(path, lazy=False)

    def check(outs):
        o = outs["roadhealth"]
        ok = bool(np.isfinite(_rh_values(o)).all())
        return {"roadhealth": (ok, " -> ".join(r["step"] for r in o.attrs["history"] if r["step"] in P.STEPS))}

    return Case("default recipe", label, s.size * 2 / 1e6,
                {"roadhealth": Impl(lambda: s, lambda v: P.apply(v))}, check,
                lambda: _rh_values(s).astype(np.float32))


# --------------------------------------------------------------------------------------------------
# running a case
# --------------------------------------------------------------------------------------------------

def run_case(case: Case, reps: int) -> dict:
    reps = case.reps or reps
    libs = list(case.impls)
    outs, errors = {}, dict(case.peer_error)
    for lib in libs:  # warm-up + outputs for the check (untimed)
        impl = case.impls[lib]
        try:
            outs[lib] = impl.result(impl.run(impl.prepare()))
        except Exception as exc:
            errors[lib] = f"{type(exc).__name__}: {exc}"
    try:
        checks = case.check(outs)
    except Exception as exc:
        checks = {lib: (None, f"check failed: {type(exc).__name__}: {exc}") for lib in libs}
    times: dict[str, list[float]] = {lib: [] for lib in libs if lib in outs}
    fl = case.floor_array()
    times["floor"] = []
    order = [*times]
    for rep in range(reps):
        for lib in (order if rep % 2 == 0 else order[::-1]):
            if lib == "floor":
                t0 = time.perf_counter()
                fft_floor(fl)
                times[lib].append(time.perf_counter() - t0)
                continue
            impl = case.impls[lib]
            arg = impl.prepare()
            t0 = time.perf_counter()
            impl.run(arg)
            times[lib].append(time.perf_counter() - t0)
    peaks = {}
    for lib in order:
        if lib == "floor":
            continue
        impl = case.impls[lib]
        arg = impl.prepare()
        tracemalloc.start()
        tracemalloc.reset_peak()
        impl.run(arg)
        peaks[lib] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        del arg
    med = {k: float(np.median(v)) for k, v in times.items() if v}
    rec = {"step": case.step, "input": case.input, "mb": case.mb, "reps": reps, "median_s": med,
           "times_s": times, "peak_mib": peaks, "errors": errors, "note": case.note,
           "target_s": case.target_s, "checks": {k: [v[0], v[1]] for k, v in checks.items()}}
    return summarize(rec)


def summarize(rec: dict) -> dict:
    """Fastest correct peer, ratio, floor ratio and target of a case record (in place)."""
    med, checks = rec["median_s"], rec["checks"]
    # a peer counts when it ran on the timed input and its output passed the check (a crash on
    # another variant of the input, e.g. readgssi on test_gssi.DZT with its .DZG, is only a note)
    peers = [lib for lib in med if lib not in ("roadhealth", "floor") and checks.get(lib, [None])[0] is True]
    rec["fastest_peer"] = min(peers, key=lambda p: med[p]) if peers else None
    rh = med.get("roadhealth")
    rec["ratio"] = med[rec["fastest_peer"]] / rh if rec["fastest_peer"] and rh else None
    rec["floor_ratio"] = rh / med["floor"] if rh and med.get("floor") else None
    rh_ok = checks.get("roadhealth", [True])[0] is not False
    rec["target"] = bool(rh_ok and ((rec.get("ratio") or 0) >= 10 or (rec["floor_ratio"] or 99) <= 2))
    if rec.get("target_s") is not None:
        rec["target"] = bool(rh_ok and rh is not None and rh < rec["target_s"])
        if "target:" not in rec["note"]:
            rec["note"] = (rec["note"] + " " if rec["note"] else "") + f"target: < {rec['target_s']:g} s"
    return rec


# --------------------------------------------------------------------------------------------------
# the chain (read -> process -> [detect] -> sink), run in a fresh subprocess for its peak RSS
# --------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Stage:
    name: str
    fn: Callable[[Any], Any]


def _read_stage(path):
    """lazy=None: in memory below 256 MiB (the real lines), dask chunks above (the 1.6 GB grid)."""
    import roadhealth.io as rio

    return rio.read(path, lazy=None)


def _read_assemble_stage(folder):
    """All lines of a folder, assembled into one grid survey (channel = line) at 2 cm along track."""
    import roadhealth.io as rio
    from roadhealth.processing.grid import assemble_grid, read_topo_lines

    lines = [rio.read(p, lazy=False) for p in sorted(Path(folder).glob("*.DZT"))]
    starts, ends = read_topo_lines(Path(folder).parent / "topo")
    return assemble_grid(lines, spacing_m=0.02, starts=starts, ends=ends)


def _process_stage(survey):
    import roadhealth.processing as P

    return P.apply(survey)


def _floor_stage(survey):
    """The floor in place of the recipe: one rfft + irfft pass per chunk (float32)."""
    data = survey.data

    def f(b):
        b = np.asarray(b, np.float32)
        return np.fft.irfft(np.fft.rfft(b, axis=-1), b.shape[-1], axis=-1).astype(np.float32)

    if type(data).__module__.startswith("dask"):
        out = data.rechunk({2: -1}).map_blocks(f, dtype=np.float32)
    else:
        out = f(data)
    return survey.copy(data=out)


def _sink_stage(survey):
    """Reduce the result chunk by chunk (sum of squares): every sample is computed, none is kept."""
    d = survey.data
    tot = (d.astype(np.float32) ** 2).sum(dtype=np.float64)
    return float(tot.compute() if hasattr(tot, "compute") else tot)


#: The stages of the throughput runs. Detection joins as ``Stage("detect", fn)`` before the sink.
CHAIN = [Stage("read", _read_stage), Stage("process", _process_stage), Stage("sink", _sink_stage)]


def run_chain(paths: list[Path], stages: list[Stage]) -> tuple[float, Any]:
    out = None
    t0 = time.perf_counter()
    for p in paths:
        x = p
        for st in stages:
            x = st.fn(x)
        out = x
    return time.perf_counter() - t0, out


def chain_child(kind: str, target: str, workers: int, chunk_traces: int | None) -> dict:
    import dask

    import roadhealth.io._common as common

    if chunk_traces:  # smaller dask chunks along traces (bounded memory)
        common.CHUNK_BYTES = chunk_traces
    if target == "grid":
        path, meta = inputs.make_grid_dzt()
        paths = [path]
        mb = meta["data_bytes"] / 1e6
    else:
        folder = inputs.SAMPLES / inputs.GRID_LINES
        paths = sorted(folder.glob("*.DZT"))
        mb = sum(p.stat().st_size for p in paths) / 1e6
    stages = list(CHAIN) if kind.startswith("recipe") else [CHAIN[0], Stage("floor", _floor_stage), CHAIN[-1]]
    if kind == "recipe-assembled":  # many small files -> one survey, one recipe run
        stages[0] = Stage("read+assemble_grid", _read_assemble_stage)
        paths = [folder]
    if kind == "recipe-batch":  # many small files through the library's batch path (threads)
        from roadhealth.processing.batch import process_files

        sums: list[float] = []
        sink = CHAIN[-1].fn
        process_files(paths[:1], progress=False, sink=lambda s, p: sink(s))  # warm-up
        res = process_files(paths, progress=False, workers=workers, sink=lambda s, p: sums.append(sink(s)))
        if res.failed:
            raise RuntimeError(res.summary())
        return {"kind": kind, "target": target, "files": len(paths), "mb": mb, "s": res.seconds,
                "mb_s": mb / res.seconds, "peak_rss_mb": peak_rss_mb(), "result": float(sum(sums)),
                "stages": ["process_files(read -> process -> sink)"]}
    with dask.config.set(scheduler="threads", num_workers=workers):
        if target != "grid":  # warm-up (imports, page cache)
            run_chain(paths[:1], stages)
        t, out = run_chain(paths, stages)
    return {"kind": kind, "target": target, "files": len(paths), "mb": mb, "s": t, "mb_s": mb / t,
            "peak_rss_mb": peak_rss_mb(), "result": out,
            "stages": [s.name for s in stages]}


def peak_rss_mb() -> float:
    """Peak resident memory of this process image, MB: ``VmHWM`` of /proc/self/status.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` would be the same number in a process started fresh, but
    Linux carries it across fork + exec, so a child of a large parent reports the parent's peak;
    VmHWM belongs to the exec'd image only. Falls back to ru_maxrss elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spawn_chain(kind: str, target: str, workers: int = 2, chunk_bytes: int | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--chain-child", kind, target, "--workers", str(workers)]
    if chunk_bytes:
        cmd += ["--chunk-bytes", str(chunk_bytes)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode:
        return {"kind": kind, "target": target, "error": res.stderr.strip().splitlines()[-1:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import readgssi
    import scipy

    import roadhealth
    vers = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "roadhealth": getattr(roadhealth, "__version__", "?"), "readgssi": getattr(readgssi, "__version__", "0.0.22")}
    try:
        from importlib.metadata import version

        vers["impdar"] = version("impdar")
        vers["dask"] = version("dask")
        vers["readgssi"] = version("readgssi")
    except Exception:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram": mem, "versions": vers}


def fmt_t(s: float | None) -> str:
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def write_report(recs: list[dict], chains: list[dict], mach: dict, load0, load1, args, wall: float) -> str:
    L = []
    L.append("# roadhealth vs readgssi and ImpDAR: benchmark results\n")
    L.append(f"Written by `benchmarks/peers.py{' --quick' if args.quick else ''}` "
             f"({time.strftime('%Y-%m-%d %H:%M')}; whole run {wall / 60:.1f} min, 1.6 GB file cached). "
             "See the module docstring "
             "for what is measured and how the outputs are checked.\n")
    v = mach["versions"]
    L.append(f"**Machine**: {mach['cpu']}, {mach['cores']} cores, {mach['ram']} RAM; Python {v['python']}, "
             f"numpy {v['numpy']}, scipy {v['scipy']}, dask {v.get('dask', '?')}; readgssi {v.get('readgssi')}, "
             f"impdar {v.get('impdar')}, roadhealth {v['roadhealth']}.  ")
    L.append(f"**Load average** (1, 5, 15 min) at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, at end "
             f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}: other processes shared this 2-core machine during the "
             "run, so absolute times are noisy; ratios come from runs interleaved in the same process and are "
             "more robust.\n")
    L.append("## Shared steps\n")
    L.append("Times are medians over the repetitions (`reps`); *ratio* = fastest correct peer / roadhealth; "
             "*floor* = one numpy `rfft`+`irfft` pass over the same data; *peak* = tracemalloc peak of the "
             "call (numpy allocations), MiB. Target: ratio >= 10 or roadhealth <= 2 x floor.\n")
    L.append("| step | input | MB | reps | roadhealth | readgssi | ImpDAR | ratio | floor | rh / floor | "
             "peak MiB rh / peer | target | check (before timing) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in recs:
        m = r["median_s"]

        def cell(lib, r=r, m=m):
            if lib not in r["checks"] and lib not in m and lib not in r["errors"]:
                return "-"
            if lib in r["errors"] and lib not in m:
                return "error"
            s = fmt_t(m.get(lib))
            ok = r["checks"].get(lib, [True])[0]
            if ok is False:
                s += " (wrong: not counted)"
            elif lib in r["errors"]:
                s += " (see notes)"
            return s
        pk = r["peak_mib"]
        peer_pk = "/".join(f"{pk[k]:.0f}" for k in pk if k != "roadhealth")
        checks = "; ".join(f"{k}: {'OK' if c[0] else ('WRONG' if c[0] is False else '?')} - {c[1]}"
                           for k, c in r["checks"].items())
        errs = "; ".join(f"{k}: {e}" for k, e in r["errors"].items())
        notes = " ".join(x for x in (r["note"], errs) if x)
        ratio = f"{r['ratio']:.1f}x" if r.get("ratio") else "-"
        fr = f"{r['floor_ratio']:.2f}" if r.get("floor_ratio") else "-"
        L.append(f"| {r['step']} | {r['input']} | {r['mb']:.2f} | {r['reps']} | {cell('roadhealth')} | "
                 f"{cell('readgssi')} | {cell('impdar')} | {ratio} | {fmt_t(m.get('floor'))} | {fr} | "
                 f"{pk.get('roadhealth', 0):.0f} / {peer_pk or '-'} | {'met' if r['target'] else 'MISSED'} | "
                 f"{checks}{' ' + notes if notes else ''} |")
    L.append("")
    if chains:
        L.append("## Throughput chains (roadhealth only; fresh subprocess each, dask threads)\n")
        L.append("`read (lazy) -> default recipe -> sink` (sink = sum of squares, so every output sample is "
                 "computed and none is kept); the floor chain replaces the recipe by one rfft+irfft pass. "
                 "MB = int16 input bytes; peak = whole-process peak RSS (`VmHWM`, the exec'd image's `ru_maxrss`; see `peak_rss_mb`).\n")
        L.append("| input | chain | files | MB | time | MB/s | peak RSS MB | target |")
        L.append("|---|---|---|---|---|---|---|---|")
        for c in chains:
            if "error" in c:
                L.append(f"| {c['target']} | {c['kind']} | - | - | - | - | - | error: {c['error']} |")
                continue
            tgt = ""
            if c["kind"].startswith("recipe"):
                ok = c["mb_s"] > TARGET_MB_S and (c["target"] != "grid" or c["peak_rss_mb"] < 1024)
                tgt = ("> 30 MB/s" + (", < 1 GB" if c["target"] == "grid" else "") + (": met" if ok else ": MISSED"))
            label = {"grid": "generated grid, 32 ch x 1 km x 2 cm x 512 samples",
                     "lines": "46 real lines, gprdata_grid"}[c["target"]]
            L.append(f"| {label} | {' -> '.join(c['stages'])} | {c['files']} | {c['mb']:.0f} | {c['s']:.1f} s | "
                     f"{c['mb_s']:.1f} | {c['peak_rss_mb']:.0f} | {tgt} |")
        for tgt in ("grid", "lines"):
            fl = [c for c in chains if c.get("target") == tgt and c.get("kind") == "floor" and "s" in c]
            for c in chains:
                if fl and c.get("target") == tgt and c.get("kind", "").startswith("recipe") and "s" in c:
                    L.append(f"\nDefault recipe / floor on {tgt} ({c['kind']}): {c['s'] / fl[0]['s']:.2f} "
                             "(both include reading).")
        L.append("")
    kir = [r for r in recs if r["step"].startswith("Kirchhoff") and "512" in r["input"]]
    if kir:
        t = kir[0]["median_s"]["roadhealth"]
        L.append(f"Kirchhoff of a 512 x 512 profile: {fmt_t(t)} (target < 1 s: {'met' if t < KIRCHHOFF_TARGET_S else 'MISSED'}).\n")
    notes = HERE / "results_notes.md"  # hand-written reading of the last full run, kept across reruns
    if notes.exists() and not args.quick:
        L.append(notes.read_text())
    return "\n".join(L)


def plot(recs: list[dict], chains: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in recs if r["median_s"].get("roadhealth")]
    fig, axes = plt.subplots(1, 2, figsize=(15, max(5, 0.32 * len(rows) + 1.5)),
                             gridspec_kw={"width_ratios": [3, 1.2]})
    ax = axes[0]
    colors = {"roadhealth": "tab:blue", "readgssi": "tab:orange", "impdar": "tab:green", "floor": "0.6"}
    h = 0.2
    for i, r in enumerate(rows):
        for j, lib in enumerate(("roadhealth", "readgssi", "impdar", "floor")):
            t = r["median_s"].get(lib)
            if t is None:
                continue
            wrong = r["checks"].get(lib, [True])[0] is False
            ax.barh(i + (j - 1.5) * h, t, height=h, color=colors[lib], alpha=0.35 if wrong else 1.0,
                    hatch="//" if wrong else None, label=lib if i == 0 or lib not in [x.get_label() for x in ax.patches] else None)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{r['step']} | {r['input']}" for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("median time, s (log; hatched = peer output wrong, not counted)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors.values()]
    ax.legend(handles, list(colors), loc="lower right", fontsize=8)
    ax.grid(axis="x", which="both", alpha=0.3)
    ax2 = axes[1]
    cs = [c for c in chains if "mb_s" in c]
    if cs:
        ax2.bar(range(len(cs)), [c["mb_s"] for c in cs], color=["tab:blue" if c["kind"].startswith("recipe") else "0.6" for c in cs])
        ax2.set_xticks(range(len(cs)))
        ax2.set_xticklabels([f"{c['target']}\n{c['kind'].replace('recipe-', '')}\n{c['peak_rss_mb']:.0f} MB"
                             for c in cs], fontsize=6)
        ax2.axhline(TARGET_MB_S, color="r", ls="--", label="target 30 MB/s")
        ax2.set_ylabel("MB/s of int16 input")
        ax2.legend(fontsize=8)
        ax2.set_title("read + recipe chains", fontsize=9)
    else:
        ax2.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


# --------------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------------

def build_cases(quick: bool):
    """Yield the cases one by one (each holds its inputs only while it runs)."""
    # DZT read: real files, then generated profiles
    for label, rel in inputs.REAL_DZT.items():
        p = inputs.sample(rel)
        if p is None:
            continue
        orig = p
        if p.with_suffix(".DZG").exists():
            p = inputs.hidden_companions_copy(p)
        yield (dzt_read_case(f"real {label}", p, orig))
    sizes = [1000] if quick else [1000, 50_000]
    for n in sizes:
        yield (dzt_read_case(f"generated 512 x {n:,}", inputs.profile_dzt(n)))
    # DT1 / RD3 load
    for label, rel in inputs.REAL_DT1.items():
        p = inputs.sample(rel)
        if p is not None:
            yield (pe_load_case(f"real {label}", p, "pe"))
    for label, rel in inputs.REAL_RD3.items():
        p = inputs.sample(rel)
        if p is not None:
            yield (pe_load_case(f"real {label}", p, "ramac"))
    for n in sizes:
        yield (pe_load_case(f"generated 512 x {n:,}", inputs.profile_dt1(n), "pe"))
    # processing on in-memory sections (float32 copies of the generated profiles)
    for n in sizes:
        x = inputs.synth_bscan(n).astype(np.float32)
        lab = f"512 x {n:,}"
        yield (bgr_case(lab, x))
        yield (bandpass_case("readgssi", lab, x))
        yield (stack_case(lab, x))
        yield (bandpass_case("impdar", lab, x))
        yield (agc_case(lab, x))
        yield (recipe_case(f"generated {lab}", x=x))
    line = inputs.sample(inputs.GRID_LINES + "/FILE____001.DZT")
    if line is not None:
        yield (recipe_case("real grid line FILE____001", path=line))
    yl = inputs.sample(inputs.REAL_DT1["YLINEA0.DT1"])
    if yl is not None:
        import roadhealth.io as rio

        xr_ = np.asarray(rio.read(yl, lazy=False).values[0], np.float32)
        yield (bandpass_case("impdar", "real YLINEA0.DT1 (195 x 1000)", xr_, lo=25.0, hi=200.0))
    # migration
    for n in ([128] if quick else [256, 512]):
        yield (migration_case("stolt", n))
    if quick:
        yield (migration_case("kirchhoff", 128, reps=1))
    else:
        yield (migration_case("kirchhoff", 256, reps=2))
    yield (migration_case("kirchhoff", 512, with_peer=False, target_s=KIRCHHOFF_TARGET_S))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small inputs, 2 repetitions, no large grid")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 2)")
    ap.add_argument("--no-grid", action="store_true", help="skip the 1.6 GB grid chain")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-bytes", type=int, default=None)
    ap.add_argument("--out", type=Path, default=None,
                    help="folder for RESULTS.md and results.png (default benchmarks/, quick: benchmarks/cache/quick)")
    ap.add_argument("--chains-only", type=Path, default=None, metavar="JSON",
                    help="rerun only the chains; take the step cases from a saved results JSON")
    ap.add_argument("--report-only", type=Path, default=None, metavar="JSON",
                    help="re-render RESULTS.md and results.png from a saved results JSON")
    ap.add_argument("--chain-child", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.chain_child:
        print(json.dumps(chain_child(*args.chain_child, args.workers, args.chunk_bytes)))
        return 0
    reps = args.reps or (2 if args.quick else 5)
    if args.report_only:
        saved = json.loads(args.report_only.read_text())
        recs = [summarize(r) for r in saved["cases"]]
        out = args.out or HERE
        load0, load1 = saved["load"]
        (out / "RESULTS.md").write_text(write_report(recs, saved["chains"], saved["machine"], load0, load1,
                                                     argparse.Namespace(quick=False), saved.get("wall", 0.0)))
        plot(recs, saved["chains"], out / "results.png")
        return 0
    if args.out is None:
        args.out = HERE / "cache" / "quick" if args.quick else HERE
    t_start = time.perf_counter()
    load0 = os.getloadavg()
    mach = machine()
    print(f"{mach['cpu']}, {mach['cores']} cores, {mach['ram']}; load {load0}", flush=True)
    recs = []
    if args.chains_only:
        saved = json.loads(args.chains_only.read_text())
        recs = [summarize(r) for r in saved["cases"]]
        t_start -= saved.get("wall", 0.0)  # report the whole run (cases + chains)
    for case in ([] if args.chains_only else build_cases(args.quick)):
        rec = run_case(case, reps)
        recs.append(rec)
        m = rec["median_s"]
        print(f"{rec['step']:<28} {rec['input']:<36} " + "  ".join(f"{k}={fmt_t(v)}" for k, v in m.items())
              + (f"  ratio={rec['ratio']:.1f}x" if rec.get("ratio") else "")
              + (f"  rh/floor={rec['floor_ratio']:.2f}" if rec.get("floor_ratio") else "")
              + f"  {'met' if rec['target'] else 'MISSED'}"
              + "".join(f"\n      {k}: {'OK' if c[0] else c[0]} {c[1]}" for k, c in rec["checks"].items())
              + "".join(f"\n      {k}: {e}" for k, e in rec["errors"].items()), flush=True)
    chains = []
    if inputs.sample(inputs.GRID_LINES) is not None:
        for kind in ("recipe", "recipe-batch", "recipe-assembled", "floor"):
            chains.append(spawn_chain(kind, "lines", args.workers))
            print(chains[-1], flush=True)
    if not (args.quick or args.no_grid):
        inputs.make_grid_dzt()
        for kind in ("recipe", "floor"):
            chains.append(spawn_chain(kind, "grid", args.workers, args.chunk_bytes))
            print(chains[-1], flush=True)
    load1 = os.getloadavg()
    wall = time.perf_counter() - t_start
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "RESULTS.md").write_text(write_report(recs, chains, mach, load0, load1, args, wall))
    (args.out / "cache").mkdir(exist_ok=True)
    (args.out / "cache" / ("results_quick.json" if args.quick else "results.json")).write_text(
        json.dumps({"cases": recs, "chains": chains, "machine": mach, "load": [load0, load1], "wall": wall}, default=str, indent=1))
    plot(recs, chains, args.out / "results.png")
    print(f"wrote {args.out / 'RESULTS.md'} and results.png in {wall:.0f} s; load {load1}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
