"""Robustness of the detector on the full-wave set: the same gprMax B-scans, acquired differently.

The full-wave set (``validation/fullwave_set.py``) decides, but its 42 scenarios were looked at
while the detector was built. This script asks how much the figures depend on how those files
happen to be sampled, by re-scoring them after changes an independent survey could have:

* ``dec2``: every second trace (10 cm at 900 MHz, 16 cm at 400 MHz instead of 5 and 8 cm);
* ``dt2``: samples resampled to twice the interval (an anti-aliased ``resample_poly``);
* ``noise40``: the clean files with band-limited noise at -40 dB of the direct wave and a wow
  (the noisy files have -46 dB), a different random seed;
* ``white34``: the clean files with white Gaussian noise at -34 dB of the direct wave over the
  file's whole band (up to its Nyquist frequency, 5-12 GHz: about a sixth of that power lies in
  the antenna's band), as a modeller adds noise to a simulation;
* ``bgsub`` (clean and noisy files): the mean trace subtracted before detection sees the file, as a
  "scattered field" export of a simulation or processed data saved without their history have
  it: no direct wave, surface or layer reflection is left to time or orient anything by;
* ``t0cut`` (clean and noisy files): the record cut one antenna period after the source fires,
  inside the direct wave's rising lobes, as an export time-zeroed at the first break has it (the
  quiet lead-in and the wavelet's first half period gone); time zero at the new first sample;
  ``t0peak`` the same, cut at the direct wave's envelope peak (1.65 periods);
* ``quad`` (clean and noisy files): every trace turned 90 degrees at every frequency, its
  spectrum kept (the Hilbert transform), as if the source pulse were another of the same band: a
  first-derivative Gaussian (gprMax's ``gaussiandot``) against the simulations' Ricker, or an
  instrument whose wavelet has another phase. The records are linear in the source, so every
  arrival turns alike and keeps its envelope; what the detector reads relative to the surface,
  a layer or the direct wave should not change;
* ``integral`` (clean and noisy files): every trace integrated in time (the Ricker becomes a
  first-derivative Gaussian of a lower band: every arrival 90 degrees later and its spectrum
  weighted by 1/f: a Ricker spectrum's peak moves to 1/sqrt(2) of its frequency);
* ``3d`` (from the clean files; ``noisy_3d`` adds the noisy files' noise after): every trace with
  the geometric spreading of a 3-D point source (:func:`with_3d_spreading`: amplitudes falling as
  1 / r instead of 1 / sqrt(r)), as an independent modeller running gprMax in 3-D, or a field
  survey, has them: deep reflections 2-3 times weaker against the surface than in the 2-D files;
* ``said`` (``clean_said``, ``noisy_said``, ``clean_3d_said``, ``noisy_3d_said``): the variant
  before it with ``attrs["wave_spreading"]`` set to the world it is, ``"2d"`` (the 2-D files) or
  ``"3d"``, as a gprMax file or a field instrument's says it (a SEG-Y file does not: the other
  variants); the strength rules then read a top's strength for that world
  (``roadhealth.detect.classify.STRENGTH_SPREADING``);
* ``crop1`` and ``crop05``: a short line, as an independent modeller may simulate to save time:
  the B-scan cut to the body's extent and 1 m (at least 2.5 m in all) or 0.5 m (at least 1.5 m)
  on each side of it, centred on the body (clean roads: on the line's middle). Only the
  scenarios of one object (no ``multi`` lines, whose other objects the cut would drop); false
  alarms per km over the cut lengths. On such a line the hyperbola of a body under 1-1.5 m
  reaches every trace, and nothing is left that no defect disturbs.

Each variant applies to the clean files (``clean_*``) or the noisy ones (``noisy_*``); ``clean``
and ``noisy`` are the files as they are. Writes ``fullwave/robustness.md`` (cavity+void recall and
precision, loose and water-rich F1, false alarms per variant).

Usage (from the repository root; about half a minute per variant on 2 cores)::

    python validation/fullwave_robustness.py                      # the default variants
    python validation/fullwave_robustness.py clean_dec2 noise40   # chosen ones
    python validation/fullwave_robustness.py --set blind          # on the blind set
    python validation/fullwave_robustness.py --set blind --only bw400_cavity_01 bw900_void_01
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from validation import fullwave_set as fw
from validation.common import add_noise
from validation.fullwave_set import exported, scenarios

VARIANTS = ("clean", "noisy", "clean_dec2", "noisy_dec2", "clean_dt2", "noisy_dt2", "noise40",
            "clean_crop1", "noisy_crop1", "clean_crop05", "noisy_crop05", "clean_bgsub", "noisy_bgsub",
            "clean_t0cut", "noisy_t0cut", "clean_t0peak", "noisy_t0peak", "white34", "clean_quad", "noisy_quad",
            "clean_integral", "noisy_integral", "clean_3d", "noisy_3d",
            "clean_said", "noisy_said", "clean_3d_said", "noisy_3d_said")

#: The short-line variants: metres kept on each side of the body, and the shortest line, m.
CROPS = {"crop1": (1.0, 2.5), "crop05": (0.5, 1.5)}

#: Antenna periods of the raw record dropped by the ``t0cut`` variants (the direct wave's envelope
#: peaks about 1.65 periods after a gprMax Ricker source fires; its first break about 0.5).
T0CUT_PERIODS = 1.0
#: ... and by the ``t0peak`` variants: the record starts at the direct wave's envelope peak (an
#: export time-zeroed at its first peak, the samples before it dropped).
T0PEAK_PERIODS = 1.65

#: Noise of the ``noise40`` variant, relative to the largest amplitude (-40 dB), and its wow.
NOISE40_REL, NOISE40_WOW = 0.01, 0.02

#: RMS of the ``white34`` variant's noise, relative to the largest amplitude (-34 dB): white
#: Gaussian noise over the whole band of the file's sampling, as a modeller adds it to a
#: simulation (no instrument's band limit, no wow).
WHITE34_REL = 0.02


def variant_survey(sc: dict, variant: str):
    """The scenario's survey as the variant acquires it."""
    if variant.endswith("_said"):  # the same, its file saying how its wave spread
        s = variant_survey(sc, variant[: -len("_said")])
        s.attrs["wave_spreading"] = "3d" if variant.endswith("3d_said") else "2d"
        return s
    from scipy.signal import resample_poly

    import roadhealth

    base = "noisy" if variant.startswith("noisy") else "clean"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = roadhealth.read(fw.OUT / f"{sc['name']}_{base}.sgy")
    if variant.endswith("dec2"):
        s = s.isel(trace=slice(0, None, 2))
    if variant.endswith("dt2"):
        x = resample_poly(np.asarray(s.values, dtype=float), 1, 2, axis=-1)
        s2 = s.isel(sample=slice(0, None, 2))
        s = s2.copy(data=x[..., : s2.sizes["sample"]].astype(np.float32)).assign_attrs(
            dt_ns=float(s.attrs["dt_ns"]) * 2)
    crop = _crop_of(variant)
    if crop:
        d = np.asarray(s.coords["distance_m"].values, dtype=float).reshape(-1, s.sizes["trace"])[0]
        lo, hi = crop_window(sc, d, crop)
        keep = np.flatnonzero((d >= lo) & (d <= hi))
        s = s.isel(trace=slice(int(keep[0]), int(keep[-1]) + 1))
    if variant.endswith(("t0cut", "t0peak")):
        cut = T0CUT_PERIODS if variant.endswith("t0cut") else T0PEAK_PERIODS
        k = round(cut * 1000.0 / sc["frequency_mhz"] / float(s.attrs["dt_ns"]))
        s = s.isel(sample=slice(k, None))
        s = s.assign_coords(twt_ns=s.coords["twt_ns"] - float(s.coords["twt_ns"].values[0]))
    if variant.endswith("bgsub"):
        x = np.asarray(s.values, dtype=np.float64)
        s = s.copy(data=(x - x.mean(axis=1, keepdims=True)).astype(np.float32))
    if variant == "white34":
        x = np.asarray(s.values, dtype=np.float64)
        rng = np.random.default_rng(int(sc["index"]) + 7)
        x = x + rng.standard_normal(x.shape) * WHITE34_REL * float(np.max(np.abs(x)))
        s = s.copy(data=x.astype(np.float32))
    if variant.endswith(("quad", "integral")):
        s = with_pulse(s, variant.rsplit("_", 1)[-1])
    if variant.endswith("3d"):
        # (from the clean file; the noisy variant gets the noisy files' noise afterwards, at the same
        # level against the largest amplitude and with the same seed, as a 3-D survey would have it)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = with_3d_spreading(roadhealth.read(fw.OUT / f"{sc['name']}_clean.sgy"), sc["frequency_mhz"])
        if variant.startswith("noisy"):
            x = add_noise(np.asarray(s.values), float(s.attrs["dt_ns"]), sc["frequency_mhz"],
                          noise_rel=fw.NOISE_REL, wow_rel=fw.WOW_REL, seed=7000 + int(sc["index"]))
            s = s.copy(data=x.astype(np.float32))
    if variant == "noise40":
        x = add_noise(np.asarray(s.values), float(s.attrs["dt_ns"]), sc["frequency_mhz"],
                      noise_rel=NOISE40_REL, wow_rel=NOISE40_WOW, seed=int(sc["index"]) + 99)
        s = s.copy(data=x.astype(np.float32))
    return s


def with_pulse(survey, pulse: str):
    """``survey`` as if its source pulse were another (the records are linear in the source):
    ``"quad"`` turns every frequency 90 degrees, the spectrum kept (the Hilbert transform of each
    trace); ``"integral"`` integrates every trace in time (its first sample's value taken off
    first, so that nothing before the record adds a ramp)."""
    from scipy.signal import hilbert

    x = np.asarray(survey.values, dtype=np.float64)
    if pulse == "quad":
        y = np.imag(hilbert(x - x.mean(axis=-1, keepdims=True), axis=-1))
    elif pulse == "integral":
        y = np.cumsum(x - x[..., :1], axis=-1) * float(survey.attrs["dt_ns"])
    else:
        raise ValueError(f"pulse {pulse!r}: expected 'quad' or 'integral'")
    return survey.copy(data=y.astype(np.float32))


def with_3d_spreading(survey, frequency_mhz: float):
    """``survey``, a 2-D (line-source) simulation, with the geometric spreading of a 3-D point source:
    every sample scaled by sqrt(t_ref / t), ``t`` the travel time since the pulse left the source
    (the record's time less one period, gprMax's Ricker delay), at least ``t_ref``, half a period.
    A 3-D wave's amplitude falls as 1 / r, a 2-D one's as 1 / sqrt(r): deep reflections come out
    weaker against the direct wave and the surface reflection. The blind 400 MHz cavity
    ``bw400_cavity_25`` (0.7 m down) reads 0.039 of the surface's reflection (``top_surface_ratio``)
    against 0.151 in its 2-D file (3.9 times weaker); its gprMax 3-D run
    (``validation/fullwave_3d.py``, the test fixture ``cavity_3d_merged.h5``, whose body is also
    finite across the line) reads 0.031. Only the amplitudes: a 3-D far field is also the
    half-derivative of a 2-D one (every reflection turned 45 degrees), but the direct wave at the
    antenna's few centimetres is a near field that turns otherwise, which a filter of the whole
    trace cannot reproduce; the pulse's phase is the ``quad`` and ``integral`` variants' question.
    The time zero is the file's first sample (the source, as the sets export it)."""
    x = np.asarray(survey.values, dtype=np.float64)
    n = x.shape[-1]
    period = 1000.0 / frequency_mhz
    t = np.arange(n) * float(survey.attrs["dt_ns"])
    x = x * np.sqrt(0.5 * period / np.maximum(t - period, 0.5 * period))
    return survey.copy(data=x.astype(np.float32))


def _crop_of(variant: str) -> str | None:
    """The short-line cut a variant names (a key of :data:`CROPS`), or None."""
    crop = variant.split("_")[-1]
    return crop if crop in CROPS else None


def crop_window(sc: dict, distance_m: np.ndarray, crop: str) -> tuple[float, float]:
    """The window (``distance_m``, m: from the first trace, as the exported files count it) of the
    short-line variant ``crop`` (a key of :data:`CROPS`): the body and its margins."""
    margin, shortest = CROPS[crop]
    if sc["object"] == "clean":
        centre = 0.5 * (float(distance_m[0]) + float(distance_m[-1]))
    else:  # the body's position is in the model's frame; the files start at the first midpoint
        centre = float(sc["jitter"]["s_m"]) - float(fw.midpoints_m(sc)[0])
    half = 0.5 * max(float(sc["params"].get("length_m", 0.0)) + 2 * margin, shortest)
    return centre - half, centre + half


def score(variant: str, only=None) -> dict:
    """Detect and evaluate every finished scenario (or those named in ``only``) under ``variant``."""
    done = [sc for sc in scenarios() if exported(sc) and (not only or sc["name"] in only)]
    crop = _crop_of(variant)
    length_m = None
    if crop:  # lines of one object
        done = [sc for sc in done if "items" not in sc["params"]]

        def length_m(sc):
            m = fw.midpoints_m(sc)
            m = m - m[0]  # the files' frame
            lo, hi = crop_window(sc, m, crop)
            m = m[(m >= lo) & (m <= hi)]
            return float(m[-1] - m[0]) if m.size > 1 else 0.0
    rep, errors, _ = fw.detect_and_evaluate(done, lambda sc: variant_survey(sc, variant), length_m)
    pk = rep.per_kind
    return {"variant": variant, "scenarios": len(done) - len(errors), "errors": len(errors),
            "cavity+void recall": round(float(pk.loc["cavity+void", "recall"]), 2),
            "cavity+void precision": round(float(pk.loc["cavity+void", "precision"]), 2),
            "loose F1": round(float(pk.loc["loose", "f1"]), 2),
            "water-rich F1": round(float(pk.loc["water_rich", "f1"]), 2),
            "false alarms": int(rep.overall["false_alarms"])}


def _read_rows(path: Path, columns) -> pd.DataFrame:
    """The rows of an earlier ``robustness.md`` that has the same columns (else none)."""
    rows = [line.strip().strip("|").split("|") for line in path.read_text().splitlines() if line.startswith("| ")]
    if not rows or [c.strip() for c in rows[0]] != list(columns):
        return pd.DataFrame(columns=list(columns))
    return pd.DataFrame([[c.strip() for c in r] for r in rows[1:]], columns=list(columns))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("variants", nargs="*", help=f"variants to score (default: all of {', '.join(VARIANTS)})")
    ap.add_argument("--set", choices=("main", "blind"), default="main",
                    help="the main full-wave set (fullwave/) or the blind one (fullwave_blind/)")
    ap.add_argument("--only", nargs="*", help="scenario names (default: every finished one)")
    args = ap.parse_args(argv)
    fw.use_set(args.set)
    chosen = args.variants or list(VARIANTS)
    bad = [v for v in chosen if v not in VARIANTS]
    if bad:
        ap.error(f"unknown variant(s) {bad}; known: {', '.join(VARIANTS)}")
    rows = []
    for v in chosen:
        rows.append(score(v, args.only))
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    path = fw.OUT / "robustness.md"
    if path.exists():  # the variants not scored this time keep their rows
        table = pd.concat([_read_rows(path, table.columns), table]).drop_duplicates("variant", keep="last")
        order = {v: i for i, v in enumerate(VARIANTS)}
        table = table.sort_values("variant", key=lambda c: c.map(order).fillna(len(order)), kind="stable")
    lines = ["# Full-wave set: robustness to acquisition", "",
             "Written by `python validation/fullwave_robustness.py` (see its notes for the variants).", "",
             "| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in table.itertuples(index=False)]
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
