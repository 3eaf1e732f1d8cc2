"""Helpers shared by the validation scripts (not part of the installed package).

* truth tables are stored as GeoJSON text (small, diffable): :func:`write_table`, :func:`read_table`;
* instrument-like noise is added after a simulation: :func:`add_noise`;
* set metrics are written as JSON and a markdown table: :func:`write_metrics`;
* gprMax B-scans run resumably per trace (:func:`run_gprmax_traces`) and a merged one is detected
  clean and noisy (:func:`print_clean_noisy`), for the scripts that run models by hand.

Run the scripts from the repository root (``python validation/fastmodel_set.py ...``); they put
the repository root on ``sys.path`` so the working tree's ``roadhealth`` is used.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from roadhealth.anomalies import EXTRA_COLUMNS, conform_anomalies, empty_anomalies

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def write_table(table: gpd.GeoDataFrame, path: str | os.PathLike) -> Path:
    """Write an anomaly (or clutter) table as GeoJSON text, rows or none.

    Categorical columns are written as plain strings; :func:`read_table` restores the contract.
    """
    path = Path(path)
    out = table.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(out.to_json(drop_id=True, na="null"), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_table(path: str | os.PathLike, *, anomalies: bool = True) -> gpd.GeoDataFrame:
    """Read a table written by :func:`write_table`.

    Parameters
    ----------
    path : path-like
        GeoJSON file.
    anomalies : bool
        True: the result is put into the anomaly contract (:func:`roadhealth.anomalies
        .conform_anomalies`; an empty file gives :func:`empty_anomalies` with a ``survey``
        column). False: returned as read (clutter tables).
    """
    path = Path(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not doc.get("features"):
        if anomalies:
            return empty_anomalies(None, extras=("survey",))
        return gpd.GeoDataFrame({"kind": pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([]))
    table = gpd.GeoDataFrame.from_features(doc["features"], crs=None)
    if not anomalies:
        return table
    keep = [c for c in table.columns if c in EXTRA_COLUMNS or c in (
        "kind", "confidence", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
        "depth_top_m", "depth_bottom_m", "length_m", "width_m", "height_m", "cover_m", "risk",
        "evidence", "geometry")]
    return conform_anomalies(table[keep], source=str(path))


def add_noise(data: np.ndarray, dt_ns: float, frequency_mhz: float, *, noise_rel: float = 0.005,
              wow_rel: float = 0.02, seed: int = 0) -> np.ndarray:
    """Add instrument-like noise to traces (last axis = time).

    Parameters
    ----------
    data : numpy.ndarray, shape (..., n_sample)
    dt_ns : float
        Sample interval, ns.
    frequency_mhz : float
        Antenna centre frequency, MHz: the random noise is band-limited to 0.25-2.5 times it.
    noise_rel : float
        RMS of the band-limited random noise, relative to the largest absolute amplitude of the
        data (the direct wave and surface reflection): 0.005 is -46 dB.
    wow_rel : float
        Peak of the low-frequency "wow" (a slow, decaying drift, different on every trace),
        relative to the same reference.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray
        float64, same shape.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(data, dtype=float)
    ref = float(np.max(np.abs(x))) or 1.0
    n = x.shape[-1]
    white = rng.standard_normal(x.shape)
    f_ghz = np.fft.rfftfreq(n, dt_ns)
    f0 = frequency_mhz * 1e-3
    band = ((f_ghz >= 0.25 * f0) & (f_ghz <= 2.5 * f0)).astype(float)
    noise = np.fft.irfft(np.fft.rfft(white, axis=-1) * band, n, axis=-1)
    noise *= noise_rel * ref / max(float(noise.std()), 1e-30)
    t = np.arange(n) * dt_ns
    window = t[-1] if n > 1 else 1.0
    phase = rng.uniform(0, 2 * np.pi, (*x.shape[:-1], 1))
    amp = rng.uniform(0.5, 1.0, (*x.shape[:-1], 1))
    wow = wow_rel * ref * amp * np.sin(2 * np.pi * t / (0.8 * window) + phase) * np.exp(-t / (0.5 * window))
    return x + noise + wow


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def markdown_table(df: pd.DataFrame) -> str:
    """A DataFrame as a GitHub markdown table (index as the first column)."""
    cols = [df.index.name or ""] + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in df.iterrows():
        lines.append("| " + " | ".join([str(idx)] + [_fmt(v) for v in row.tolist()]) + " |")
    return "\n".join(lines)


def per_survey_rates(report, lengths_m: dict[str, float], groups: dict[str, set[str]]) -> dict:
    """False alarms per km within groups of surveys (e.g. the clean roads).

    Parameters
    ----------
    report : EvaluationReport
        Its ``unmatched`` table has a ``survey`` column.
    lengths_m : dict
        Survey name -> profile length, m.
    groups : dict
        Group name -> survey names.

    Returns
    -------
    dict
        Group -> ``{"surveys", "km", "false_alarms", "false_alarms_per_km",
        "false_alarms_conf_ge_0.8_per_km"}``.
    """
    un = report.unmatched
    fa = un[un["status"] == "false alarm"]
    out = {}
    for name, members in groups.items():
        km = sum(lengths_m[m] for m in members) / 1000.0
        sel = fa[fa["survey"].isin(members)]
        n = len(sel)
        n8 = int((sel["confidence"] >= 0.8).sum())
        out[name] = {"surveys": len(members), "km": round(km, 4), "false_alarms": n,
                     "false_alarms_per_km": round(n / km, 3) if km else None,
                     "false_alarms_conf_ge_0.8_per_km": round(n8 / km, 3) if km else None}
    return out


def write_metrics(report, path_json: str | os.PathLike, path_md: str | os.PathLike, *, title: str,
                  notes: list[str] | None = None, extra: dict | None = None) -> None:
    """Write an :class:`~roadhealth.detect.evaluate.EvaluationReport` as JSON and markdown
    (``extra``: further JSON-able results, e.g. :func:`per_survey_rates`)."""
    path_json, path_md = Path(path_json), Path(path_md)
    doc = report.to_dict()
    if notes:
        doc["notes"] = notes
    if extra:
        doc.update(extra)
    path_json.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    parts = [f"# {title}", ""]
    parts += [f"* {n}" for n in notes or []]
    for k, v in (extra or {}).items():
        parts.append(f"* {k}: {json.dumps(v)}")
    parts += ["", "## Per kind", "", markdown_table(report.summary()), "",
              "## Confusion (rows: truth, columns: detection)", "", markdown_table(report.confusion), "",
              "## Calibration of confidence", "", markdown_table(report.calibration.set_index("bin")), ""]
    path_md.write_text("\n".join(parts), encoding="utf-8")


def run_gprmax_traces(python: str, stem: str, n: int, work: Path) -> None:
    """Run ``python -m gprMax STEM.in`` for traces 1..``n`` in ``work``, resuming after the last
    trace file (``STEM<i>.h5``) already written; one process, ``OMP_NUM_THREADS`` as set (default 1)."""
    done = next((i - 1 for i in range(1, n + 1) if not (work / f"{stem}{i}.h5").exists()), n)
    if done < n:
        cmd = [python, "-m", "gprMax", f"{stem}.in", "-n", str(n - done), "--log-level", "30", "--hide-progress-bars"]
        if done:
            cmd += ["-i", str(done + 1)]
        subprocess.run(cmd, cwd=work, check=True, env=dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1")))


def clean_noisy_lines(survey, frequency_mhz: float) -> list[tuple[str, str]]:
    """Detect on ``survey`` as it is and with the validation sets' noise (:func:`add_noise`,
    seed 3): ``[("clean", text), ("noisy", text)]``, each text one line of what was reported."""
    from roadhealth.detect import detect

    noisy = survey.copy(data=add_noise(survey.values.astype(float), float(survey.attrs["dt_ns"]), frequency_mhz,
                                       seed=3).astype(np.float32))
    out = []
    for variant, sv in (("clean", survey), ("noisy", noisy)):
        d = detect(sv)
        found = "; ".join(f"{r.kind} {r.distance_start_m:.2f}-{r.distance_end_m:.2f} m, top {r.depth_top_m:.2f} m "
                          f"({r.confidence:.2f})" for r in d.itertuples()) or "nothing"
        out.append((variant, found))
    return out


def print_clean_noisy(survey, frequency_mhz: float) -> None:
    """Detect on ``survey`` as it is and with the validation sets' noise (:func:`add_noise`,
    seed 3), and print one line of what each reports."""
    for variant, found in clean_noisy_lines(survey, frequency_mhz):
        print(f"  {variant}: {found}")
