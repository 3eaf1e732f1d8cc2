"""The work done for one survey of a campaign, on whatever worker runs it.

:func:`run_survey` reads a radar file, runs the processing recipe, converts to depth, writes the
depth slices as cloud-optimised GeoTIFF tiles, finds the survey's anomalies (detection, or the rows
of a supplied anomaly table), draws the report's evidence figures for its high-risk anomalies,
and stores all of it in ``<cache>/<key>/`` with a ``manifest.json``. The folder appears in one
rename when everything is written, so a killed task leaves nothing that a later run could mistake
for a result; a finished one is never redone while its key (input bytes, recipe, configuration,
roadhealth version) is unchanged.

The task is a plain function of a picklable :class:`SurveyTask`, so the same code runs in a thread
of this process or on a ``dask.distributed`` worker (which must see the same file system paths).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import traceback
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from roadhealth.errors import ProcessingError, RoadHealthError, RoadHealthWarning

__all__ = ["SurveyTask", "run_survey"]

#: Extra columns kept in a survey's anomaly table beyond the core ones.
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class SurveyTask:
    """Everything one survey's work needs (picklable; paths absolute).

    Attributes
    ----------
    path : str
        The radar file.
    name : str
        Unique output name of the survey within the campaign (its file stem when unique).
    stem : str
        File stem (the anomaly table's ``survey`` column).
    key : str
        Cache key; the result lives in ``cache_dir/key``.
    cache_dir : str
    crs : str or None
        CRS the GNSS positions are projected into.
    recipe : dict
        Resolved processing recipe (:func:`roadhealth.processing.load_recipe`).
    depth : dict
        ``{"eps_r": ..}`` or ``{"layers": [..]}``.
    slices : dict
        ``depth_m`` edges, ``statistic``, ``resolution_m``, ``tile_length_m``.
    evidence : dict
        ``margin_m``, ``max_depth_m``, ``max_anomalies``.
    detect : dict or None
        Options of ``roadhealth.detect.detect``; None when detection is not run for this survey.
    anomaly_file : str or None
        Anomaly table to take this survey's rows from (its ``survey`` column = ``stem``).
    thickness : dict or None
        ``window_ns``, ``eps_r``, ``step_traces``: pick the asphalt bottom and write a thickness
        table (:func:`roadhealth.processing.thickness.asphalt_thickness`); None: not done.
    """

    path: str
    name: str
    stem: str
    key: str
    cache_dir: str
    crs: str | None
    recipe: dict
    depth: dict
    slices: dict
    evidence: dict
    detect: dict | None = None
    anomaly_file: str | None = None
    thickness: dict | None = None


# ------------------------------------------------------------------------------ warnings per task
# The warnings machinery is process-global; a task running in a thread records the warnings raised
# in *its* thread through a dispatcher installed once per process.
_local = threading.local()
_install_lock = threading.Lock()
_installed = False


def _spurious(category, filename) -> bool:
    """A warning a survey task does not record: rasterio's own "Dataset has no geotransform",
    raised from inside the rasterio package. ``rasterio.features.rasterize`` (through which the
    slice tiles' strip mask, :func:`roadhealth.campaign.rasters.rasterise`, is drawn) builds an
    in-memory dataset and now and then raises it, whatever transform it is given (seen from
    ``rasterio/features.py`` in a campaign run; not reproduced on the same arguments alone): never
    about an input of the campaign, every raster of which is written with its transform. Recorded,
    it landed on whichever survey first hit it in the process, and a resumed run's report differed
    from a fresh one's. Only while a survey task records: elsewhere warnings go where they went."""
    if getattr(category, "__name__", "") != "NotGeoreferencedWarning":
        return False
    try:
        import rasterio
    except ImportError:  # (no rasterio: the warning cannot be its)
        return False
    root = os.path.normcase(os.path.dirname(os.path.abspath(rasterio.__file__)))
    here = os.path.normcase(os.path.abspath(str(filename)))
    return here == root or here.startswith(root + os.sep)


def _install_dispatcher() -> None:
    """Install the dispatcher, again wherever something (a ``warnings.catch_warnings`` block, a test
    runner between tests) has put another ``showwarning`` in its place since."""
    global _installed
    with _install_lock:
        if _installed and getattr(warnings.showwarning, "_roadhealth_dispatcher", False):
            return
        original = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            sink = getattr(_local, "sink", None)
            if sink is not None:
                if not _spurious(category, filename):
                    sink.append(f"{category.__name__}: {message}")
            else:
                original(message, category, filename, lineno, file, line)

        show._roadhealth_dispatcher = True
        warnings.showwarning = show
        _installed = True


@contextlib.contextmanager
def _recording():
    _install_dispatcher()
    sink: list[str] = []
    prev = getattr(_local, "sink", None)
    _local.sink = sink
    try:
        yield sink
    finally:
        _local.sink = prev


# ------------------------------------------------------------------------------ the work
def _layers(depth: dict) -> list:
    from roadhealth.processing.depth import Layer, layer_model

    if "eps_r" in depth:
        return [Layer(eps_r=float(depth["eps_r"]))]
    return layer_model(depth["layers"])


def _detection_available() -> bool:
    try:
        import roadhealth.detect as d
    except ImportError:
        return False
    return callable(getattr(d, "detect", None))


def _survey_anomalies(task: SurveyTask, survey, processed):
    """The survey's anomalies in the contract (with ``anomaly_id`` and ``survey`` filled), or None
    when there is no source for them."""
    table = _find_anomalies(task, survey, processed)
    if table is None:
        return None
    from roadhealth.anomalies import conform_anomalies

    table = table.copy()
    ids = [f"{task.name}-{i + 1:03d}" for i in range(len(table))]
    if "anomaly_id" in table.columns:
        have = table["anomaly_id"]
        table["anomaly_id"] = [h if isinstance(h, str) and h else d for h, d in zip(have, ids, strict=True)]
    else:
        table["anomaly_id"] = ids
    table["survey"] = task.stem
    risk = table["risk"].dtype
    levels = list(map(str, risk.categories)) if getattr(risk, "ordered", False) else None  # keep the preset's order
    return conform_anomalies(table, risk_levels=levels, source=task.path)


def _find_anomalies(task: SurveyTask, survey, processed):
    from roadhealth.anomalies import conform_anomalies, read_anomalies

    if task.anomaly_file is not None:
        table = read_anomalies(task.anomaly_file)
        if "survey" not in table.columns:
            raise RoadHealthError(f"{task.anomaly_file}: the anomaly table has no 'survey' column to "
                                  f"match it with the survey files")
        rows = table[table["survey"].astype(str) == task.stem].reset_index(drop=True)
        return conform_anomalies(rows, source=task.anomaly_file)
    if task.detect is not None and _detection_available():
        from roadhealth.detect import detect

        opts = {"recipe": task.recipe, **task.detect}
        return detect(survey, **opts)
    return None


def _track(processed) -> list[list[float]]:
    """The survey's track (mean of the channels), at most 400 vertices, rounded to 1 cm."""
    x = np.asarray(processed.coords["x"].values, float)
    y = np.asarray(processed.coords["y"].values, float)
    if x.ndim == 2:
        x, y = np.nanmean(x, axis=0), np.nanmean(y, axis=0)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size == 0:
        return []
    idx = np.unique(np.r_[np.linspace(0, x.size - 1, min(400, x.size)).round().astype(int)])
    return [[round(float(a), 2), round(float(b), 2)] for a, b in zip(x[idx], y[idx], strict=True)]


def _evidence_figures(task: SurveyTask, depth_survey, slices, table, out: Path) -> list[dict]:
    """B-scan and depth-slice PNGs for the survey's high-risk anomalies."""
    from roadhealth.report.figures import bscan_figure, high_risk_mask, png_bytes, slice_figure

    mask = high_risk_mask(table)
    rows = np.flatnonzero(mask)[: int(task.evidence["max_anomalies"])]
    if rows.size == 0:
        return []
    margin = float(task.evidence["margin_m"])
    zmax = float(task.evidence["max_depth_m"])
    dist = np.asarray(depth_survey.coords["distance_m"].values, float)
    d_along = dist.mean(axis=0) if dist.ndim == 2 else dist
    offsets = np.asarray(depth_survey.coords["offset_m"].values, float)
    depth = np.asarray(depth_survey.coords["depth_m"].values, float)
    depth_1d = depth if depth.ndim == 1 else np.nanmean(depth.reshape(-1, depth.shape[-1]), axis=0)
    zsel = np.flatnonzero((depth_1d >= 0) & (depth_1d <= zmax))
    tops = np.asarray(slices.top.values, float)
    bottoms = np.asarray(slices.bottom.values, float)
    made = []
    for i in rows:
        r = table.iloc[int(i)]
        d0, d1 = float(r["distance_start_m"]), float(r["distance_end_m"])
        o0, o1 = float(r["offset_start_m"]), float(r["offset_end_m"])
        z0, z1 = float(r["depth_top_m"]), float(r["depth_bottom_m"])
        tsel = np.flatnonzero((d_along >= d0 - margin) & (d_along <= d1 + margin))
        label = str(r["anomaly_id"]) if "anomaly_id" in table.columns and isinstance(r.get("anomaly_id"), str) \
            else f"{task.stem} #{int(i) + 1}"
        item = {"row": int(i), "label": label, "bscan": None, "slice": None}
        if tsel.size >= 2 and zsel.size >= 2:
            ch = int(np.argmin(np.abs(offsets - 0.5 * (o0 + o1))))
            amp = np.asarray(depth_survey.isel(channel=ch, trace=tsel, sample=zsel).values, float)
            fig = bscan_figure(amp, d_along[tsel], depth_1d[zsel], box=(d0, d1, z0, z1),
                               title=f"{label} ({r['kind']}, {r['risk']})", offset_m=float(offsets[ch]))
            (out / f"bscan_{int(i):04d}.png").write_bytes(png_bytes(fig))
            item["bscan"] = f"bscan_{int(i):04d}.png"
            zmid = 0.5 * (z0 + z1)
            k = int(np.clip(np.searchsorted(bottoms, zmid, side="right"), 0, len(tops) - 1))
            vals = np.asarray(slices.isel(slice=k, trace=tsel).transpose("channel", "trace").values, float)
            fig = slice_figure(vals, d_along[tsel], offsets, box=(d0, d1, o0, o1),
                               title=f"{label}: depth slice {tops[k]:g}-{bottoms[k]:g} m ({slices.attrs.get('statistic', '')})")
            (out / f"slice_{int(i):04d}.png").write_bytes(png_bytes(fig))
            item["slice"] = f"slice_{int(i):04d}.png"
            item["slice_window_m"] = [float(tops[k]), float(bottoms[k])]
        made.append(item)
    return made


def _header_text(attrs: dict) -> dict:
    """Free text an instrument stores in its header (file name field, notes), as found."""
    h = attrs.get("header") if isinstance(attrs.get("header"), dict) else {}
    out = {}
    for k in ("rh_name", "text", "name", "comment", "description", "SYSTEM", "text_header"):
        v = h.get(k)
        if isinstance(v, str) and v.strip():
            out[k] = v.strip()[:500]
    return out


def _compute(task: SurveyTask, out: Path) -> dict:
    import roadhealth.processing as rp
    from roadhealth.io import read

    timings: dict[str, float] = {}
    t = time.perf_counter()
    survey = read(task.path, crs=task.crs)
    n_trace = int(survey.sizes["trace"])
    if n_trace < 2 or int(survey.sizes["sample"]) < 2:
        raise RoadHealthError(f"{task.path}: the survey is empty ({n_trace} traces, "
                              f"{int(survey.sizes['sample'])} samples); nothing to process")
    crs = survey.attrs.get("crs")
    if crs is None:
        raise RoadHealthError(f"{task.path}: no positions in a projected CRS (no usable GNSS, or no crs given); "
                              f"a campaign needs georeferenced surveys (set crs in campaign.toml)")
    timings["read_s"] = time.perf_counter() - t

    t = time.perf_counter()
    # a corrupt sample sets the scale of everything after it (and one of 1e30 leaves no first
    # arrival to find): isolated spikes are repaired first, with a warning in the survey's record
    # (a lazily read survey is repaired block by block as it is computed, uncounted)
    from roadhealth.processing.despike import repair_spikes

    try:
        survey, n_spikes = repair_spikes(survey)
    except ProcessingError:  # (no frequency to judge by: the recipe's own first step says what is wrong)
        n_spikes = 0
    if n_spikes:
        warnings.warn(f"{task.path}: {n_spikes} isolated spike sample{'s' if n_spikes > 1 else ''} replaced by the "
                      "mean of the neighbouring traces (despike)", RoadHealthWarning, stacklevel=2)
    processed = rp.apply(survey, task.recipe)
    depth_survey = rp.add_depth(processed, _layers(task.depth))
    timings["process_s"] = time.perf_counter() - t

    t = time.perf_counter()
    s = task.slices
    slices = rp.cscans(depth_survey, edges_m=s["depth_m"], statistic=s["statistic"])
    from roadhealth.campaign.rasters import write_slice_tiles

    (out / "slices").mkdir()
    tiles = write_slice_tiles(slices, out / "slices", task.name, resolution_m=float(s["resolution_m"]),
                              tile_length_m=float(s["tile_length_m"]), crs=crs)
    timings["slices_s"] = time.perf_counter() - t

    # A failure of a later stage loses only that stage: the slices above are kept, and the failure
    # (deterministic for this key) is recorded in the manifest and reported by the runner.
    stage_errors: dict[str, str] = {}
    thickness_rows = None
    if task.thickness is not None:
        t = time.perf_counter()
        from roadhealth.processing.thickness import asphalt_thickness
        from roadhealth.processing.velocity import pick_layers

        th = task.thickness
        try:
            picks = pick_layers(processed, [tuple(th["window_ns"])], eps_r=[th["eps_r"]])
            tt = asphalt_thickness(picks, survey=task.stem, step=int(th["step_traces"]))
            tt.to_csv(out / "thickness.csv", index=False, lineterminator="\n")
            thickness_rows = len(tt)
        except RoadHealthError as exc:
            stage_errors["thickness"] = _one_line(exc, task.path)
        timings["thickness_s"] = time.perf_counter() - t

    t = time.perf_counter()
    try:
        table = _survey_anomalies(task, survey, processed)
    except RoadHealthError as exc:
        table = None
        stage_errors["anomalies"] = _one_line(exc, task.path)
    timings["anomalies_s"] = time.perf_counter() - t
    evidence: list[dict] = []
    if table is not None:
        from roadhealth.campaign.cache import no_crs_warning

        with no_crs_warning():
            table.to_file(out / "anomalies.gpkg", layer="anomalies", driver="GPKG", engine="pyogrio")
        t = time.perf_counter()
        evidence = _evidence_figures(task, depth_survey, slices, table, out)
        timings["figures_s"] = time.perf_counter() - t

    a = survey.attrs
    dist = np.asarray(survey.coords["distance_m"].values, float)
    return {
        "name": task.name,
        "stem": task.stem,
        "path": task.path,
        "format": a.get("format"),
        "instrument": a.get("instrument"),
        "antenna_mhz": a.get("antenna_mhz"),
        "header": _header_text(a),
        "channels": int(survey.sizes["channel"]),
        "traces": n_trace,
        "samples": int(survey.sizes["sample"]),
        "dt_ns": a.get("dt_ns"),
        "length_m": round(float(np.nanmax(dist) - np.nanmin(dist)), 3),
        "crs": crs,
        "tiles": tiles,
        "anomalies": None if table is None else len(table),
        "anomaly_source": None if table is None else ("file" if task.anomaly_file else "detect"),
        # the grade order of the risk preset (least urgent first): a GeoPackage does not keep it
        "risk_levels": (list(map(str, table["risk"].dtype.categories))
                        if table is not None and getattr(table["risk"].dtype, "ordered", False) else None),
        "evidence": evidence,
        "thickness_rows": thickness_rows,
        "stage_errors": stage_errors,
        "track": _track(processed),
        "history": [h.get("step") for h in processed.attrs.get("history", [])],
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def run_survey(task: SurveyTask) -> dict:
    """Do (or find done) one survey's work; never raises for a bad input.

    Returns
    -------
    dict
        The manifest (see :func:`_compute`) with ``ok`` True, ``cached`` (whether it was found
        done), ``dir`` (the result folder) and ``warnings``; or ``ok`` False with ``error`` (one
        line naming the file) when the survey could not be used. Failures are not cached: a
        later run tries again.
    """
    from roadhealth.campaign.cache import atomic_dir, canonical_json

    final = Path(task.cache_dir) / task.key
    man = final / _MANIFEST
    if man.is_file():
        with open(man, encoding="utf-8") as f:
            done = json.load(f)
        return {**done, "ok": True, "cached": True, "dir": str(final)}
    t0 = time.perf_counter()
    with _recording() as caught:
        try:
            with atomic_dir(final) as tmp:
                info = _compute(task, tmp)
                info["warnings"] = list(dict.fromkeys(caught))
                info["seconds"] = round(time.perf_counter() - t0, 3)
                info["task"] = {k: v for k, v in asdict(task).items() if k not in ("cache_dir",)}
                (tmp / _MANIFEST).write_text(canonical_json(info, indent=1), encoding="utf-8")
        except (RoadHealthError, OSError, ValueError, MemoryError) as exc:
            return {"ok": False, "path": task.path, "name": task.name, "error": _one_line(exc, task.path),
                    "warnings": list(dict.fromkeys(caught))}
        except Exception as exc:  # a bug of ours must not lose the rest of the campaign
            tb = traceback.format_exc(limit=4).strip().splitlines()
            return {"ok": False, "path": task.path, "name": task.name,
                    "error": f"unexpected {type(exc).__name__}: {exc} (at {tb[-3].strip() if len(tb) > 2 else ''})",
                    "warnings": list(dict.fromkeys(caught)), "unexpected": True}
    with open(man, encoding="utf-8") as f:
        done = json.load(f)
    return {**done, "ok": True, "cached": False, "dir": str(final)}


def _one_line(exc: BaseException, path: str) -> str:
    msg = " ".join(str(exc).split())
    if path not in msg and Path(path).name not in msg:
        msg = f"{path}: {msg}"
    return f"{type(exc).__name__}: {msg}"
