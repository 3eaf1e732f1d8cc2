"""``run_campaign``: a campaign folder in, anomalies, plan, depth slices and a report out.

Stages and outputs (names are a contract; see ``docs/campaign.md``)::

    surveys   -> OUT/slices/*.tif        per survey, in parallel: read, process, depth slices,
                                         anomalies, evidence figures (cached by key)
    anomalies -> OUT/anomalies.gpkg      all surveys' anomalies (layer "anomalies")
    plan      -> OUT/plan.gpkg           sections, hir_runs, pretreatments (+ schedule)
                 OUT/work_orders.csv
    report    -> OUT/report.html         one self-contained file
    run.json  -> OUT/run.json            versions, recipe, configuration, input hashes, timings,
                                         what was skipped and why

Safety: inputs are only read; ``OUT`` may not hold an input. Every file is written to a temporary
name and renamed; per-survey results live in ``OUT/.cache/surveys/<key>/`` and campaign-level
outputs carry a record of the key they were made from (``OUT/.cache/outputs/``), so a run killed at
any moment and run again redoes only what is missing and ends with the same bytes. A stage whose
library is not available (detection, planning) is reported as such; nothing is invented in its
place.

Scale: the per-survey work runs on dask - threads of this process by default, or an existing
``dask.distributed`` cluster (``scheduler="tcp://host:8786"`` or ``$ROADHEALTH_SCHEDULER``) whose
workers see the campaign and ``OUT`` at the same paths.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadhealth._version import __version__
from roadhealth.campaign.cache import (
    RunLock,
    atomic_copy,
    canonical_json,
    file_sha256,
    key_of,
    remove_parts,
    write_text_atomic,
)
from roadhealth.campaign.cache import (
    gpkg_temp as _gpkg_temp,
)
from roadhealth.campaign.cache import (
    reproducible_gpkg as _gdal_reproducible,
)
from roadhealth.campaign.cache import (
    write_gpkg as _write_gpkg,
)
from roadhealth.campaign.config import Campaign, CampaignError, companions, load_campaign
from roadhealth.campaign.survey_task import SurveyTask, run_survey
from roadhealth.errors import RoadHealthError

__all__ = ["ENV_SCHEDULER", "RunResult", "run_campaign"]

log = logging.getLogger("roadhealth.campaign")

#: Environment variable naming a dask.distributed scheduler address.
ENV_SCHEDULER = "ROADHEALTH_SCHEDULER"

#: Output names (a contract: scripts rely on them).
OUTPUTS = ("anomalies.gpkg", "plan.gpkg", "work_orders.csv", "report.html", "run.json")


@dataclass
class RunResult:
    """What a campaign run did.

    Attributes
    ----------
    out : pathlib.Path
    surveys : list of dict
        Per survey: the manifest of its work (``ok``, ``cached``, tiles, anomalies ...).
    skipped : list of dict
        ``{"input", "stage", "reason"}`` per input that could not be used.
    notes : list of dict
        Warnings about inputs that were used (repaired, reprojected ...).
    stages : list of dict
        ``{"stage", "status", "detail", "seconds"}``.
    run : dict
        The content of ``run.json``.
    """

    out: Path
    surveys: list[dict]
    skipped: list[dict]
    notes: list[dict]
    stages: list[dict]
    run: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when every input was used, 1 when some were skipped."""
        return 1 if self.skipped else 0


# ----------------------------------------------------------------------------- helpers
def _code_hash() -> str:
    """SHA-256 of roadhealth's own source: results made by other code are not reused."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(__version__.encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _versions() -> dict:
    import importlib.metadata as md

    out = {"roadhealth": __version__, "python": platform.python_version(), "platform": platform.platform()}
    for name in ("numpy", "scipy", "xarray", "dask", "distributed", "pandas", "geopandas", "shapely",
                 "pyogrio", "rasterio", "pyproj", "matplotlib"):
        with contextlib.suppress(md.PackageNotFoundError):
            out[name] = md.version(name)
    with contextlib.suppress(Exception):
        import rasterio

        out["gdal"] = rasterio.__gdal_version__
    return out


def _rel(p: str | os.PathLike, root: Path) -> str:
    p = Path(p)
    try:
        return p.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(p)


def _safe_name(s: str) -> str:
    bad = '<>:"/\\|?*'
    return "".join("_" if (c in bad or ord(c) < 32) else c for c in s).strip(". ") or "survey"


def _survey_names(surveys: list[Path], root: Path) -> list[str]:
    stems = [p.stem for p in surveys]
    names = []
    for p, stem in zip(surveys, stems, strict=True):
        if stems.count(stem) == 1:
            names.append(_safe_name(stem))
        else:
            rel = Path(_rel(p, root))
            names.append(_safe_name("__".join([*rel.parent.parts, rel.stem])))
    return names


def _stamp(p: Path) -> str:
    st = p.stat()
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _hashes(files: list[Path], cache: Path) -> dict[str, str]:
    """SHA-256 of every input, reusing ``cache/hashes.json`` for files whose size and mtime are unchanged."""
    index_path = cache / "hashes.json"
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    out, new_index = {}, {}
    for f in files:
        st = f.stat()
        stamp = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        rec = index.get(str(f))
        h = rec["sha256"] if rec and rec.get("stamp") == stamp else file_sha256(f)
        out[str(f)] = h
        new_index[str(f)] = {"stamp": stamp, "sha256": h}
    if new_index != index:
        write_text_atomic(index_path, canonical_json(new_index, indent=0))
    return out


def _refuse_inputs(camp: Campaign, out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise CampaignError(f"--out {out}: exists and is not a folder")
    if out == camp.root:
        raise CampaignError(f"--out {out}: is the campaign folder itself; outputs never go among the inputs "
                            f"(choose a new folder, e.g. {camp.root.name}_out)")
    for f in camp.inputs():
        f = f.resolve()
        if f == out or out in f.parents:
            raise CampaignError(f"--out {out}: holds the input {f}; a run never writes into its inputs "
                                f"(choose a folder outside the campaign's files)")


class _Records:
    """Which key each campaign-level output was made from (``OUT/.cache/outputs/<name>.json``)."""

    def __init__(self, out: Path):
        self.out = out
        self.folder = out / ".cache" / "outputs"

    def valid(self, name: str, key: str, files: list[str]) -> bool:
        try:
            rec = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if rec.get("key") != key or sorted(rec.get("files", {})) != sorted(files):
            return False
        for f, h in rec["files"].items():
            p = self.out / f
            if not p.is_file() or file_sha256(p) != h:
                return False
        return True

    def record(self, name: str, key: str, files: list[str]) -> None:
        rec = {"key": key, "files": {f: file_sha256(self.out / f) for f in files}}
        write_text_atomic(self.folder / f"{name}.json", canonical_json(rec, indent=1))

    def forget(self, name: str) -> None:
        with contextlib.suppress(OSError):
            (self.folder / f"{name}.json").unlink()


# ----------------------------------------------------------------------------- execution
def _execute(tasks: list[SurveyTask], scheduler: str | None, workers: int | None, progress: bool) -> tuple[list[dict], str]:
    """Run the survey tasks; results in task order, and a description of where they ran."""
    from tqdm.auto import tqdm

    bar = tqdm(total=len(tasks), unit="survey", desc="surveys", disable=not progress or not tasks)
    try:
        if scheduler:
            from distributed import Client, as_completed

            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise CampaignError(f"cannot reach the dask scheduler at {scheduler!r}: {exc}") from None
            try:
                n = len(client.scheduler_info().get("workers", {}))
                futures = [client.submit(run_survey, t, key=f"survey-{t.key}-{t.name}", pure=False) for t in tasks]
                for fut in as_completed(futures):
                    res = fut.result()
                    bar.update(1)
                    if not res.get("ok"):
                        bar.write(f"skipped {res['path']}: {res['error']}")
                results = [f.result() for f in futures]
            finally:
                client.close()
            return results, f"dask.distributed at {scheduler} ({n} workers)"
        import dask
        from dask.callbacks import Callback

        from roadhealth._threads import thread_budget

        n = workers or min(4, thread_budget())

        class _Progress(Callback):
            def _posttask(self, key, result, dsk, state, id):
                if isinstance(result, dict) and "ok" in result:
                    bar.update(1)

        delayed = [dask.delayed(run_survey, pure=False)(t, dask_key_name=f"survey-{i}") for i, t in enumerate(tasks)]
        with _Progress():
            results = list(dask.compute(*delayed, scheduler="threads", num_workers=n))
        return results, f"dask threads ({n} workers)"
    finally:
        bar.close()


# ----------------------------------------------------------------------------- stages
#: Why an optional stage's module could not be used (module -> one line), for the stage reports.
_UNAVAILABLE: dict[str, str] = {}


def _available(module: str, name: str):
    """``module.name`` when it can be imported, else None (and the reason in ``_UNAVAILABLE``).

    A module that fails to import for another reason than being absent (a broken installation)
    is reported, not raised: the other stages of the campaign still run.
    """
    try:
        mod = __import__(module, fromlist=[name])
    except ImportError:
        _UNAVAILABLE[module] = f"{module} is not available in this installation"
        return None
    except Exception as exc:
        _UNAVAILABLE[module] = f"{module} failed to import: {type(exc).__name__}: {' '.join(str(exc).split())}"
        log.error("%s", _UNAVAILABLE[module])
        return None
    f = getattr(mod, name, None)
    if not callable(f):
        _UNAVAILABLE[module] = f"{module} has no {name}() in this installation"
        return None
    return f


def _read_centrelines(camp: Campaign, crs: str | None, skipped: list, notes: list):
    if camp.centrelines is None:
        return None
    import geopandas as gpd

    src = _rel(camp.centrelines, camp.root)
    try:
        cl = gpd.read_file(camp.centrelines, layer=camp.centrelines_layer, engine="pyogrio")
    except Exception as exc:
        skipped.append({"input": src, "stage": "centrelines", "reason": f"cannot read: {' '.join(str(exc).split())}"})
        return None
    if not hasattr(cl, "geom_type"):  # a table without geometry (a CSV): no lines at all
        skipped.append({"input": src, "stage": "centrelines",
                        "reason": "expected road centrelines (lines); the file holds a table without geometry"})
        return None
    if not len(cl) or not set(cl.geom_type.dropna()) <= {"LineString", "MultiLineString"}:
        skipped.append({"input": src, "stage": "centrelines",
                        "reason": f"expected road centrelines (lines); found {sorted(set(cl.geom_type.dropna()))}"})
        return None
    if cl.crs is None:
        if crs is None:
            skipped.append({"input": src, "stage": "centrelines", "reason": "no CRS, and the campaign declares none"})
            return None
        notes.append({"input": src, "stage": "centrelines",
                      "reason": f"has no CRS; taken to be the campaign's {crs}"})
        return cl.set_crs(crs)
    if crs is not None:
        from pyproj import CRS

        if not CRS.from_user_input(cl.crs).equals(CRS.from_user_input(crs)):
            notes.append({"input": src, "stage": "centrelines",
                          "reason": f"is in {cl.crs.to_string()}; reprojected to the survey CRS {crs}"})
            cl = cl.to_crs(crs)
    return cl


def _read_table(path: Path | None, what: str, camp: Campaign, skipped: list):
    if path is None:
        return None
    import pandas as pd

    try:
        return pd.read_csv(path)
    except Exception as exc:
        skipped.append({"input": _rel(path, camp.root), "stage": what,
                        "reason": f"cannot read as CSV: {' '.join(str(exc).split())}"})
        return None


def _merge_anomalies(ok: list[dict], crs: str | None):
    """All surveys' anomaly tables, in survey order, with ids and the survey column filled."""
    import pandas as pd

    from roadhealth.anomalies import conform_anomalies, empty_anomalies, read_anomalies

    parts = []
    grades = {tuple(m["risk_levels"]) for m in ok if m.get("risk_levels")}
    levels = list(next(iter(grades))) if len(grades) == 1 else None
    for m in ok:
        p = Path(m["dir"]) / "anomalies.gpkg"
        if m.get("anomalies") is None or not p.is_file():
            continue
        parts.append(read_anomalies(p, risk_levels=levels))
    if not parts:
        return empty_anomalies(crs, extras=("anomaly_id", "survey"), risk_levels=levels)
    nonempty = [p for p in parts if len(p)]
    if not nonempty:
        return parts[0]
    if levels is None:
        cats = [p["risk"].dtype for p in nonempty]
        if all(getattr(c, "ordered", False) for c in cats) and all(list(c.categories) == list(cats[0].categories) for c in cats):
            levels = list(cats[0].categories)
    for p in nonempty:
        p["risk"] = p["risk"].astype(object)
        p["kind"] = p["kind"].astype(object)
    table = pd.concat(nonempty, ignore_index=True)
    import geopandas as gpd

    table = gpd.GeoDataFrame(table, geometry="geometry", crs=nonempty[0].crs)
    return conform_anomalies(table, risk_levels=levels, source="merged survey anomalies")


def _anomaly_rows(table):
    """The anomaly table as the report shows it (no geometry or JSON features; rounded)."""
    # offsets and heights are in anomalies.gpkg and in each high-risk anomaly's facts; the table
    # keeps what an engineer sorts by, and leaves the evidence room to be read
    cols = [c for c in ("anomaly_id", "survey", "road", "kind", "risk", "risk_score", "confidence",
                        "distance_start_m", "distance_end_m", "depth_top_m", "depth_bottom_m", "length_m",
                        "width_m", "chainage_start_m", "chainage_end_m", "lane", "evidence") if c in table.columns]
    df = table[cols].copy()
    for c in df.columns:
        if df[c].dtype.kind == "f":
            df[c] = df[c].round(3)
        elif c in ("kind", "risk"):
            df[c] = df[c].astype(str)
    return df


# ----------------------------------------------------------------------------- the run
def run_campaign(
    campaign: str | os.PathLike,
    out: str | os.PathLike,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    anomalies: str | os.PathLike | None = None,
) -> RunResult:
    """Run a whole campaign: surveys -> slices and anomalies -> plan -> report (see module docs).

    Parameters
    ----------
    campaign : path-like
        The campaign folder (with ``campaign.toml``, or laid out by convention).
    out : path-like
        Output folder (created; may already hold an earlier, possibly interrupted, run).
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler; default ``$ROADHEALTH_SCHEDULER``, else
        dask threads in this process.
    workers : int, optional
        Threads for the local scheduler (default: CPUs, at most 4).
    progress : bool
        Show progress bars (tqdm, on stderr).
    anomalies : path-like, optional
        An anomaly table (GeoPackage, layer ``anomalies``, with a ``survey`` column naming the
        file stems) used instead of detection; overrides ``[detect] anomalies`` of the campaign.

    Returns
    -------
    RunResult

    Raises
    ------
    CampaignError
        Before any work when the campaign cannot be used as a whole (bad ``campaign.toml``,
        ``out`` among the inputs, another run holding ``out``, unreachable scheduler).
    """
    t_start = time.perf_counter()
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out = Path(out).resolve()
    camp = load_campaign(campaign, exclude=[out])
    if anomalies is not None:
        a = Path(anomalies).resolve()
        if not a.is_file():
            raise CampaignError(f"--anomalies {anomalies}: no such file")
        camp.detect["anomalies"] = str(a)
    _refuse_inputs(camp, out)
    scheduler = scheduler or os.environ.get(ENV_SCHEDULER) or None
    cache = out / ".cache"
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with RunLock(cache):
        removed = remove_parts(out)
        if removed:
            log.info("removed %d temporary file(s) left by an interrupted run", removed)
        return _run(camp, out, cache, scheduler, workers, progress, t_start, started, timings)


def _run(camp, out, cache, scheduler, workers, progress, t_start, started, timings) -> RunResult:
    import roadhealth.processing as rp

    skipped: list[dict] = [dict(p) for p in camp.problems]
    notes: list[dict] = []
    stages: list[dict] = []
    for p in camp.problems:
        log.warning("skipped %s: %s", p["input"], p["reason"])

    # --- inputs and keys
    t = time.perf_counter()
    inputs = camp.inputs()
    hashes = _hashes(inputs, cache)
    timings["hash_s"] = time.perf_counter() - t
    recipe = rp.load_recipe(None if camp.recipe in (None, "default") else camp.recipe)
    code = _code_hash()
    detect_fn = _available("roadhealth.detect", "detect")
    plan_fn = _available("roadhealth.plan", "plan")
    anomaly_file = str(camp.anomaly_file) if camp.anomaly_file else None
    detect_opts = {k: v for k, v in camp.detect.items() if k != "anomalies"}
    if anomaly_file:
        anomaly_source = "file"
    elif detect_fn is not None:
        anomaly_source = "detect"
    else:
        anomaly_source = None
    thickness_cfg = camp.thickness if camp.thickness and _available(
        "roadhealth.processing.thickness", "asphalt_thickness") else None
    names = _survey_names(camp.surveys, camp.root)
    tasks = []
    for path, name in zip(camp.surveys, names, strict=True):
        comp = {p.name: hashes.get(str(p)) or file_sha256(p) for p in companions(path)}
        key = key_of("survey", code, hashes[str(path)], comp, name, camp.crs, recipe, camp.depth, camp.slices,
                     camp.evidence, anomaly_source, detect_opts if anomaly_source == "detect" else None,
                     hashes.get(anomaly_file) if anomaly_file else None, thickness_cfg)
        tasks.append(SurveyTask(
            path=str(path), name=name, stem=path.stem, key=key, cache_dir=str(cache / "surveys"), crs=camp.crs,
            recipe=recipe, depth=camp.depth, slices=camp.slices, evidence=camp.evidence,
            detect=detect_opts if anomaly_source == "detect" else None, anomaly_file=anomaly_file,
            thickness=thickness_cfg,
        ))

    # --- per-survey work
    t = time.perf_counter()
    results, where = _execute(tasks, scheduler, workers, progress)
    timings["surveys_s"] = time.perf_counter() - t
    ok = [r for r in results if r.get("ok")]
    for r in results:
        rel = _rel(r["path"], camp.root)
        if not r.get("ok"):
            skipped.append({"input": rel, "stage": "survey", "reason": r["error"]})
            log.warning("skipped %s: %s", rel, r["error"])
        for stage, err in (r.get("stage_errors") or {}).items():
            # the survey's slices were made; this stage of it was not
            skipped.append({"input": rel, "stage": stage, "reason": err})
            log.warning("skipped %s (%s only): %s", rel, stage, err)
        for w in r.get("warnings", []):
            notes.append({"input": rel, "stage": "survey", "reason": w})
            log.info("%s: %s", rel, w)
    n_cached = sum(1 for r in ok if r.get("cached"))
    # the report shows only what does not depend on how the run went (cache, scheduler: run.json)
    stages.append({"stage": "surveys", "status": "done" if ok else "skipped",
                   "detail": f"{len(ok)} of {len(tasks)} survey(s) processed",
                   "seconds": round(timings["surveys_s"], 3), "cached": n_cached, "scheduler": where})
    crs = camp.crs or next((m["crs"] for m in ok if m.get("crs")), None)

    # --- slices
    t = time.perf_counter()
    slices_dir = out / "slices"
    slices_dir.mkdir(exist_ok=True)
    # A copy is valid when its size and modification time are the ones recorded right after it was
    # made from the cached tile of the same SHA-256: large campaigns are not re-read on every run.
    slice_record = cache / "outputs" / "slices.json"
    try:
        copied = json.loads(slice_record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        copied = {}
    wanted: dict[str, str] = {}
    for m in ok:
        for tile in m.get("tiles", []):
            src = Path(m["dir"]) / "slices" / tile["file"]
            dst = slices_dir / tile["file"]
            sha = tile.get("sha256") or file_sha256(src)
            wanted[tile["file"]] = sha
            rec = copied.get(tile["file"])
            if dst.is_file() and rec and rec["sha256"] == sha and rec["stamp"] == _stamp(dst):
                continue
            atomic_copy(src, dst)
            copied[tile["file"]] = {"sha256": sha, "stamp": _stamp(dst)}
    for old in slices_dir.glob("*.tif"):
        if old.name not in wanted:
            old.unlink()
    copied = {k: v for k, v in copied.items() if k in wanted}
    write_text_atomic(slice_record, canonical_json(copied, indent=0))
    timings["slices_s"] = time.perf_counter() - t
    stages.append({"stage": "slices", "status": "done" if wanted else "skipped",
                   "detail": f"{len(wanted)} GeoTIFF tile(s) in slices/", "seconds": round(timings["slices_s"], 3)})

    records = _Records(out)

    # --- anomalies
    t = time.perf_counter()
    anomalies = None
    if anomaly_source is None:
        why = _UNAVAILABLE.get("roadhealth.detect", "roadhealth.detect is not available in this installation")
        stages.append({"stage": "detect", "status": "not available", "detail": f"{why}; no anomaly table was made"})
        _drop(out / "anomalies.gpkg", records, "anomalies")
    elif not ok:
        stages.append({"stage": "detect", "status": "skipped", "detail": "no survey could be processed"})
        _drop(out / "anomalies.gpkg", records, "anomalies")
    else:
        try:
            anomalies = _merge_anomalies(ok, crs)
        except RoadHealthError as exc:
            skipped.append({"input": "anomalies", "stage": "anomalies", "reason": str(exc)})
            log.warning("anomalies: %s", exc)
        if anomalies is not None:
            akey = key_of("anomalies", code, [m["dir"].rsplit("/", 1)[-1] for m in ok])
            if not records.valid("anomalies", akey, ["anomalies.gpkg"]):
                _write_gpkg(out / "anomalies.gpkg", {"anomalies": anomalies})
                records.record("anomalies", akey, ["anomalies.gpkg"])
            detail = (f"{len(anomalies)} anomalies from {_rel(anomaly_file, camp.root)} (supplied table, detection not run)"
                      if anomaly_source == "file" else f"{len(anomalies)} anomalies detected")
            stages.append({"stage": "detect", "status": "done", "detail": detail})
    timings["anomalies_s"] = time.perf_counter() - t

    # --- plan
    t = time.perf_counter()
    centrelines = _read_centrelines(camp, crs, skipped, notes)
    for n_ in notes:
        if n_["stage"] == "centrelines":
            log.warning("%s %s", n_["input"], n_["reason"])
    condition = _read_table(camp.condition, "condition", camp, skipped)
    cores = _read_table(camp.cores, "cores", camp, skipped)
    thickness, thickness_report = _thickness(camp, ok, cores, thickness_cfg, stages, notes)
    plan_obj = None
    plan_note = ""
    if plan_fn is None:
        plan_note = _UNAVAILABLE.get("roadhealth.plan", "roadhealth.plan is not available in this installation")
    elif anomalies is None:
        plan_note = "no anomaly table, so no plan"
    elif centrelines is None or condition is None or cores is None:
        missing = [n for n, v in (("centrelines", centrelines), ("condition", condition), ("cores", cores)) if v is None]
        plan_note = f"the campaign has no usable {', '.join(missing)}, so no plan"
    else:
        plan_cfg = camp.plan.get("config") if isinstance(camp.plan.get("config"), str) else \
            {k: v for k, v in camp.plan.items() if k != "config"} or None
        try:
            import warnings

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                plan_obj = plan_fn(centrelines, anomalies, condition, thickness if thickness is not None else cores,
                                   plan_cfg, cores=cores if thickness is not None else None)
            for w in caught:
                notes.append({"input": "plan", "stage": "plan", "reason": f"{w.category.__name__}: {w.message}"})
        except RoadHealthError as exc:
            plan_note = f"the planner refused the inputs: {' '.join(str(exc).split())}"
            skipped.append({"input": "plan", "stage": "plan", "reason": plan_note})
            log.warning("plan: %s", plan_note)
    if plan_obj is not None:
        pkey = key_of("plan", code, records_key(out, "anomalies.gpkg"), hashes.get(str(camp.centrelines)),
                      hashes.get(str(camp.condition)), hashes.get(str(camp.cores)), camp.plan, crs,
                      None if thickness is None else hashlib.sha256(
                          thickness.to_csv(index=False).encode()).hexdigest())
        files = ["plan.gpkg", "work_orders.csv"]
        if not records.valid("plan", pkey, files):
            with _gdal_reproducible(), _gpkg_temp(out / "plan.gpkg") as tmp:
                plan_obj.to_gpkg(tmp)
            write_text_atomic(out / "work_orders.csv", plan_obj.work_orders().to_csv(index=False, lineterminator="\n"))
            records.record("plan", pkey, files)
        stages.append({"stage": "plan", "status": "done",
                       "detail": f"{len(plan_obj.sections)} section(s), {len(plan_obj.hir_runs)} HIR run(s), "
                                 f"{len(plan_obj.pretreatments)} pre-treatment(s)"})
    else:
        stages.append({"stage": "plan", "status": "not available", "detail": plan_note})
        _drop(out / "plan.gpkg", records, "plan")
        _drop(out / "work_orders.csv", records, "plan")
    timings["plan_s"] = time.perf_counter() - t

    # --- evaluation against truth
    evaluation = None
    evaluate_fn = _available("roadhealth.detect", "evaluate")
    if anomaly_source == "detect" and camp.truth is not None and evaluate_fn is not None and anomalies is not None:
        try:
            from roadhealth.anomalies import read_anomalies

            truth = read_anomalies(camp.truth)
            evaluation = _plain_eval(evaluate_fn(anomalies, truth))
            stages.append({"stage": "evaluate", "status": "done", "detail": f"against {_rel(camp.truth, camp.root)}"})
        except RoadHealthError as exc:
            skipped.append({"input": _rel(camp.truth, camp.root), "stage": "evaluate", "reason": str(exc)})

    # --- report
    t = time.perf_counter()
    from roadhealth.campaign.reporting import build_report

    content = build_report(camp, ok, results, anomalies, centrelines, plan_obj, plan_note, stages, skipped, notes,
                           recipe, evaluation, anomaly_source)
    rkey = key_of("report", code, canonical_json({
        "surveys": [m["dir"].rsplit("/", 1)[-1] for m in ok], "stages": [(s["stage"], s["status"], s["detail"]) for s in stages],
        "anomalies": records_key(out, "anomalies.gpkg"), "plan": records_key(out, "plan.gpkg"),
        "skipped": skipped, "notes": notes, "config": camp.describe(), "evaluation": evaluation}))
    if not records.valid("report", rkey, ["report.html"]):
        from roadhealth.report.html import write_report

        write_report(out / "report.html", content(out))
        records.record("report", rkey, ["report.html"])
    timings["report_s"] = time.perf_counter() - t

    # --- run.json
    timings["total_s"] = time.perf_counter() - t_start
    run = {
        "roadhealth": __version__,
        "code_hash": code,
        "versions": _versions(),
        "command": sys.argv if sys.argv and "roadhealth" in " ".join(sys.argv[:1]) else None,
        "started_utc": started.isoformat().replace("+00:00", "Z"),
        "finished_utc": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "scheduler": where,
        "campaign": camp.describe(),
        "recipe": recipe,
        "inputs": {_rel(p, camp.root): {"sha256": hashes[str(p)], "bytes": p.stat().st_size} for p in inputs},
        "surveys": [_survey_record(r, camp.root) for r in results],
        "stages": stages,
        "skipped": skipped,
        "notes": notes,
        "evaluation": evaluation,
        "thickness": thickness_report,
        "outputs": {f: file_sha256(out / f) for f in OUTPUTS[:-1] if (out / f).is_file()}
        | {f"slices/{n}": wanted[n] for n in sorted(wanted)},
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "throughput_mb_s": round(sum(Path(r["path"]).stat().st_size for r in ok) / 1e6 / timings["total_s"], 3)
        if timings["total_s"] > 0 else None,
        "exit_code": 1 if skipped else 0,
    }
    write_text_atomic(out / "run.json", canonical_json(run, indent=1) + "\n")
    result = RunResult(out=out, surveys=results, skipped=skipped, notes=notes, stages=stages, run=run)
    log.info("%d of %d survey(s) used, %d input(s) skipped; outputs in %s (%.1f s)", len(ok), len(tasks),
             len(skipped), out, timings["total_s"])
    return result


def _thickness(camp: Campaign, ok: list[dict], cores, cfg: dict | None, stages: list, notes: list):
    """Radar asphalt thickness of all surveys, calibrated to the cores; (table or None, report)."""
    import pandas as pd

    if camp.thickness is None:
        return None, None
    if cfg is None:
        stages.append({"stage": "thickness", "status": "not available",
                       "detail": "roadhealth.processing.thickness is not available; the plan uses the cores only"})
        return None, None
    parts = [pd.read_csv(Path(m["dir"]) / "thickness.csv") for m in ok if m.get("thickness_rows")]
    if not parts:
        stages.append({"stage": "thickness", "status": "skipped", "detail": "no survey gave thickness picks"})
        return None, None
    table = pd.concat(parts, ignore_index=True)
    report: dict = {"points": len(table), "window_ns": cfg["window_ns"], "eps_r": cfg["eps_r"]}
    if cores is not None and {"x", "y", "asphalt_mm"} <= set(cores.columns):
        from roadhealth.processing.thickness import calibrate_thickness

        try:
            import warnings

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                table, cal = calibrate_thickness(table, cores)
            for w in caught:
                notes.append({"input": _rel(camp.cores, camp.root), "stage": "thickness",
                              "reason": f"{w.category.__name__}: {' '.join(str(w.message).split())}"})
            report.update({k: cal[k] for k in ("factor", "eps_r_factor", "n_cores", "residual_mm_rms") if k in cal})
            detail = (f"{len(table)} radar points, calibrated to {cal.get('n_cores')} core(s): factor "
                      f"{cal['factor']:.3f}, residual {cal.get('residual_mm_rms', float('nan')):.1f} mm RMS")
        except RoadHealthError as exc:
            msg = " ".join(str(exc).split())
            notes.append({"input": _rel(camp.cores, camp.root), "stage": "thickness",
                          "reason": f"radar thickness not calibrated: {msg}"})
            detail = f"{len(table)} radar points, not calibrated ({msg})"
    else:
        detail = f"{len(table)} radar points, not calibrated (no cores with x, y, asphalt_mm)"
    table = table.round({"x": 3, "y": 3, "thickness_m": 5, "asphalt_mm": 2})
    stages.append({"stage": "thickness", "status": "done", "detail": detail})
    return table, report


def records_key(out: Path, name: str) -> str | None:
    """SHA-256 of an output file, or None when it does not exist."""
    p = out / name
    return file_sha256(p) if p.is_file() else None


def _drop(path: Path, records: _Records, name: str) -> None:
    """Remove an output a previous run made but this one cannot (it would be stale)."""
    if path.is_file():
        path.unlink()
    records.forget(name)


def _plain_eval(ev: Any) -> dict:
    import pandas as pd

    if isinstance(ev, dict):
        return json.loads(canonical_json(ev))
    if isinstance(ev, pd.DataFrame):
        return json.loads(canonical_json(ev.to_dict(orient="list")))
    d = getattr(ev, "__dict__", None)
    if d:
        return json.loads(canonical_json({k: v for k, v in d.items() if not k.startswith("_")
                                          and not isinstance(v, pd.DataFrame)}))
    return {"result": str(ev)}


def _survey_record(r: dict, root: Path) -> dict:
    keep = ("name", "ok", "cached", "error", "format", "instrument", "channels", "traces", "samples",
            "length_m", "crs", "anomalies", "seconds", "timings", "warnings")
    rec = {k: r.get(k) for k in keep if k in r}
    rec["input"] = _rel(r["path"], root)
    if r.get("ok"):
        rec["key"] = Path(r["dir"]).name
        rec["tiles"] = [t["file"] for t in r.get("tiles", [])]
    return rec
