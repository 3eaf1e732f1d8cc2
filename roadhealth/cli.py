"""The ``roadhealth`` command. Thin: it parses arguments and calls the library.

Sub-commands
------------
``roadhealth info FILE... [--crs CRS] [--json]``
    Summarise radar files (format, instrument, size, sampling, antenna, GNSS, CRS), each
    warning once. Bad files are reported and skipped (with ``--json``: listed with
    ``"ok": false`` and their ``"error"``); the exit status is 1 if any file failed, 0 otherwise.
``roadhealth convert IN OUT [--overwrite]``
    Read any supported file and write it in the format of OUT's extension (``.nc``, ``.zarr``,
    ``.dzt``, ``.sgy`` ...), atomically. Never writes over IN or its companions; an existing OUT
    is replaced only with ``--overwrite``.
``roadhealth process FILE... --out DIR [--recipe R.toml] [--format nc] [--overwrite]``
    Run a processing recipe (default: the road recipe) over many files on all cores, writing
    each result atomically with its history, in the inputs' folder structure below DIR (two
    ``FILE____001.DZT`` from different folders do not collide); bad files are reported and
    skipped (exit status 1). Existing outputs stop the run before any work unless
    ``--overwrite``. Integer-only formats (``dzt``, ``rd3``, ``DT1``, ``iprb``) are refused:
    processed surveys are float, and how to scale them to integer words is the user's choice.
``roadhealth run CAMPAIGN --out OUT [--scheduler ADDRESS] [-v|-q]``
    Run a campaign folder into OUT (anomalies.gpkg, plan.gpkg, work_orders.csv, report.html,
    slices/*.tif, run.json); resumable; ``report``, ``detect``, ``plan`` and ``evaluate`` run
    single stages (see docs/campaign.md).
``roadhealth synth OUT [--roads N] [--length-m L] [--seed S]``
    Generate a synthetic campaign (DZT + DZG surveys, truth, centrelines, surface condition,
    cores) with the layout of the bundled Longdu sample, with a progress bar.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from roadhealth._version import __version__
from roadhealth.errors import RoadHealthError


def _summary(survey) -> dict:
    a = survey.attrs
    info = {
        "source": a.get("source"),
        "format": a.get("format"),
        "instrument": a.get("instrument"),
        "channels": int(survey.sizes["channel"]),
        "traces": int(survey.sizes["trace"]),
        "samples": int(survey.sizes["sample"]),
        "dtype": str(survey.dtype),
        "dt_ns": a.get("dt_ns"),
        "time_window_ns": float(a["dt_ns"]) * int(survey.sizes["sample"]),
        "antenna_mhz": a.get("antenna_mhz"),
        "crs": a.get("crs"),
        "length_m": None,
        "lazy": hasattr(survey.data, "dask"),
    }
    info["distance_source"] = a.get("distance_source", "GNSS" if a.get("crs") else "file")
    d = np.asarray(survey.coords["distance_m"].values[0], float)
    if d.size and info["distance_source"] == "trace index":
        # nothing measured the distance: a count of trace steps, not metres
        del info["length_m"]
        info["length_traces"] = int(d.size - 1)
    elif d.size:
        info["length_m"] = float(d[-1] - d[0])
    if "lat" in survey.coords:
        lat = np.asarray(survey.coords["lat"].values, float)
        lon = np.asarray(survey.coords["lon"].values, float)
        ok = np.isfinite(lat) & np.isfinite(lon)
        if ok.any():
            info["first_position_lonlat"] = [float(lon[ok][0]), float(lat[ok][0])]
    if "x" in survey.coords and a.get("crs"):
        info["first_position_xy"] = [float(survey.coords["x"].values[0, 0]), float(survey.coords["y"].values[0, 0])]
    if "mark" in survey.coords:
        info["marks"] = int(np.count_nonzero(np.asarray(survey.coords["mark"].values)))
    qc = a.get("gnss_qc")
    if qc:
        from roadhealth.io.georef import quality_problems

        # the same phrases as the GNSS QC warning, so the two never disagree
        problems = quality_problems(qc)
        info["gnss"] = f"{qc.get('n_used', '?')} of {qc.get('n_fixes', '?')} fixes used" + (
            ("; " + "; ".join(problems)) if problems else "; no quality problems")
    return info


def _print_summary(info: dict) -> None:
    print(f"{info['source']}")
    width = max(len(k) for k in info)
    for k, v in info.items():
        if k in ("source", "warnings"):  # warnings follow, one line each
            continue
        if isinstance(v, float):
            v = f"{v:.6g}"
        elif isinstance(v, dict):
            v = json.dumps(v)[:200]
        print(f"  {k:<{width}} : {v}")


def cmd_info(args) -> int:
    from roadhealth.io import read

    failed = 0
    results = []
    for path in args.files:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                survey = read(path, crs=args.crs)
            info = {"ok": True, **_summary(survey)}
            info["warnings"] = list(dict.fromkeys(str(w.message) for w in caught))  # each once, in order
        except (RoadHealthError, FileNotFoundError) as exc:
            failed += 1
            print(f"roadhealth: skipped {path}: {exc}", file=sys.stderr)
            results.append({"ok": False, "source": str(path), "error": f"{type(exc).__name__}: {exc}"})
            continue
        results.append(info)
        if not args.json:
            _print_summary({k: v for k, v in info.items() if k != "ok"})
            for w in info["warnings"]:
                print(f"  warning: {w}")
    if args.json:
        json.dump(results, sys.stdout, indent=1, default=str)
        print()
    if failed:
        print(f"roadhealth: {failed} of {len(args.files)} file(s) could not be read", file=sys.stderr)
    return 1 if failed else 0


def cmd_convert(args) -> int:
    from roadhealth.io import check_targets, read, write

    try:
        check_targets([args.input], [args.output], overwrite=args.overwrite)
        survey = read(args.input, crs=args.crs)
        out = write(survey, args.output)
    except (RoadHealthError, FileNotFoundError) as exc:
        print(f"roadhealth: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def cmd_process(args) -> int:
    from roadhealth.io import INTEGER_FORMATS, output_format
    from roadhealth.processing.batch import process_files

    suffix = "." + args.format.lstrip(".")
    try:
        fmt = output_format("out" + suffix)
        if fmt in INTEGER_FORMATS:
            # Processed surveys are float; these formats hold integer words. Scaling to them would
            # be a choice about dynamic range that belongs to the user, so refuse before any work.
            raise RoadHealthError(f"--format {args.format}: {fmt} stores integer samples and processed surveys "
                                  "are float; use nc, zarr or sgy (IEEE float), or scale to integers in Python first")
        result = process_files(args.files, args.recipe, out_dir=args.out, suffix=suffix,
                               workers=args.workers, progress=not args.quiet,
                               read_options={"crs": args.crs} if args.crs else None, overwrite=args.overwrite)
    except RoadHealthError as exc:  # a bad recipe, format or output stops the batch before any file is read
        print(f"roadhealth: {exc}", file=sys.stderr)
        return 2
    print(result.summary(), file=sys.stderr if result.failed else sys.stdout)
    return 1 if result.failed else 0


def cmd_synth(args) -> int:
    from roadhealth._threads import thread_budget
    from roadhealth.synth.campaign import generate_campaign

    workers = args.workers or thread_budget()
    out = generate_campaign(args.out, n_roads=args.roads, length_m=args.length_m, seed=args.seed, progress=True,
                            workers=workers)
    print(f"wrote {out}")
    return 0


# ---------------------------------------------------------------------------------------------
# Campaign commands: run, detect, plan, report, evaluate (exit status 0 ok, 1 inputs skipped,
# 2 usage). They log through `logging` (-v more, -q less) and show tqdm progress bars on stderr.
# ---------------------------------------------------------------------------------------------


def _campaign_logging(args) -> None:
    import logging

    level = logging.WARNING - 10 * getattr(args, "verbose", 0) + (20 if getattr(args, "quiet", False) else 0)
    logger = logging.getLogger("roadhealth")
    # (-q hides warnings, never errors: a fatal error must still say what it is)
    logger.setLevel(max(logging.DEBUG, min(logging.ERROR, level)))
    for h in [h for h in logger.handlers if getattr(h, "_roadhealth_cli", False)]:
        logger.removeHandler(h)  # a handler of an earlier call may hold a stale stderr
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("roadhealth: %(message)s"))
    handler._roadhealth_cli = True
    logger.addHandler(handler)
    logger.propagate = False


def _verbosity(parser) -> None:
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more messages (-vv: debugging)")
    parser.add_argument("-q", "--quiet", action="store_true", help="errors only, no progress bars")


def cmd_run(args) -> int:
    import logging

    from roadhealth.campaign import run_campaign

    _campaign_logging(args)
    log = logging.getLogger("roadhealth.campaign")
    try:
        result = run_campaign(args.campaign, args.out, scheduler=args.scheduler, workers=args.workers,
                              progress=not args.quiet, anomalies=getattr(args, "anomalies", None))
    except RoadHealthError as exc:
        log.error("%s", exc)
        return 2
    for s in result.stages:
        log.info("%-9s %s: %s", s["stage"], s["status"], s.get("detail", ""))
    if result.skipped:
        log.warning("%d input(s) skipped (listed above, in run.json and in the report)", len(result.skipped))
    if not args.quiet:
        print(f"wrote {result.out} (report: {result.out / 'report.html'})")
    return result.exit_code


def cmd_detect(args) -> int:
    import logging

    _campaign_logging(args)
    log = logging.getLogger("roadhealth.detect")
    from tqdm.auto import tqdm

    from roadhealth.campaign.cache import write_gpkg
    from roadhealth.detect import detect
    from roadhealth.io import read

    out = Path(args.out).resolve()
    if any(Path(f).resolve() == out for f in args.files):
        log.error("--out %s is one of the inputs; choose another file", out)
        return 2
    # the options every file shares are checked before any work: a usage error, not N skipped files
    try:
        from roadhealth.detect.risk import load_table
        from roadhealth.io.georef import check_target_crs
        from roadhealth.processing.recipe import load_recipe

        load_table(args.risk)
        if args.recipe and args.recipe != "default":
            load_recipe(args.recipe)
        if args.crs is not None:
            check_target_crs(args.crs, "--crs")
    except RoadHealthError as exc:
        log.error("%s", exc)
        return 2
    if out.is_dir() or not out.parent.is_dir():
        log.error("--out %s: expected a GeoPackage file name in an existing folder", out)
        return 2
    import warnings

    from tqdm.contrib.logging import logging_redirect_tqdm

    tables, names, skipped, failed = [], [], [], 0

    # (each message on a line of its own above the progress bar, not glued to it; a reader's
    # warning as one line naming its file, not Python's warning with the line of this script)
    with logging_redirect_tqdm(loggers=[logging.getLogger("roadhealth")]), warnings.catch_warnings():
        warnings.showwarning = lambda message, *a, **k: log.warning("%s", " ".join(str(message).split()))
        for path in tqdm(args.files, unit="file", desc="detecting", disable=args.quiet):
            try:
                survey = read(path, crs=args.crs)
                opts = {}
                if args.trace_spacing_m is not None and survey.attrs.get("distance_source") == "trace index":
                    opts["trace_spacing_m"] = args.trace_spacing_m  # files without positions only
                if args.surface_ns is not None:
                    opts["surface_ns"] = args.surface_ns  # acts only on files whose background was removed
                if args.antenna_height_m is not None:
                    opts["antenna_height_m"] = args.antenna_height_m
                if args.wave_spreading is not None:
                    opts["wave_spreading"] = args.wave_spreading
                found = detect(survey, recipe=args.recipe or "default", risk=args.risk, **opts)
                found["survey"] = Path(path).stem
                tables.append(found)
                names.append(Path(path).stem)
            except (RoadHealthError, OSError) as exc:
                failed += 1
                skipped.append(str(path))
                log.warning("skipped %s: %s", path, " ".join(str(exc).split()))
    if skipped:  # (an error-level line: -q still says which inputs were not searched)
        log.error("%d of %d file(s) skipped (not searched): %s", len(skipped), len(args.files), ", ".join(skipped))
    if not tables:
        log.error("no survey could be searched")
        return 1
    layers = _detections_layers(tables, names, args.crs, log)
    try:
        write_gpkg(out, layers)
    except RoadHealthError as exc:
        log.error("%s", exc)
        return 2
    if not args.quiet:
        n = sum(len(t) for t in layers.values())
        print(f"wrote {out} ({n} anomalies from {len(tables)} survey(s))")
    return 1 if failed else 0


def _detections_layers(tables: list, names: list, crs, log) -> dict:
    """The GeoPackage layers of ``roadhealth detect``: ``anomalies``, every survey's detections in
    one projected CRS (``crs`` where given, else the first georeferenced survey's: surveys whose
    GNSS was projected into another UTM zone are reprojected, with a warning), and, where some
    surveys have no positions in a projected CRS while others do, ``anomalies_local``: their
    anomalies (where they have any), in
    each survey's local along/across frame (metres, no CRS). A local frame's metres placed in a
    projected CRS would put those anomalies somewhere on the map they are not; where no survey is
    georeferenced, ``anomalies`` holds them all in their local frames. ``names``: each table's
    survey, for the warnings."""
    import geopandas as gpd
    import pandas as pd
    from pyproj import CRS

    from roadhealth.anomalies import conform_anomalies

    risk0 = tables[0]["risk"].dtype
    levels = list(risk0.categories) if getattr(risk0, "ordered", False) else None  # one preset for all files
    geo = [i for i, t in enumerate(tables) if t.crs is not None]
    local = [i for i, t in enumerate(tables) if t.crs is None]
    target = CRS.from_user_input(crs) if crs is not None else (tables[geo[0]].crs if geo else None)
    moved = [i for i in geo if tables[i].crs != target]
    if moved:
        log.warning("%d survey(s) with positions in another CRS (%s: %s) reprojected to %s%s",
                    len(moved), ", ".join(sorted({tables[i].crs.to_string() for i in moved})),
                    ", ".join(names[i] for i in moved), target.to_string(),
                    " (--crs)" if crs is not None else "; pass --crs to choose it")
        tables = [t.to_crs(target) if i in moved else t for i, t in enumerate(tables)]

    def merge(rows, c):
        m = gpd.GeoDataFrame(pd.concat([tables[i].astype({"risk": object}) for i in rows], ignore_index=True),
                             geometry="geometry", crs=c)
        return conform_anomalies(m, risk_levels=levels, source="detections")

    if not geo:
        if crs is not None:
            log.warning("no survey has positions that --crs %s could place (no usable GNSS): the anomalies are in "
                        "each survey's local along/across frame, no CRS", crs)
        return {"anomalies": merge(local, None)}
    layers = {"anomalies": merge(geo, target)}
    if any(len(tables[i]) for i in local):
        log.warning("%d survey(s) without positions in a projected CRS (%s): their %d anomalies are in the layer "
                    "anomalies_local, in each survey's local along/across frame", len(local),
                    ", ".join(names[i] for i in local), sum(len(tables[i]) for i in local))
        layers["anomalies_local"] = merge(local, None)
    return layers


def cmd_plan(args) -> int:
    import logging

    _campaign_logging(args)
    log = logging.getLogger("roadhealth.plan")
    from roadhealth.anomalies import read_anomalies
    from roadhealth.campaign import load_campaign
    from roadhealth.campaign.cache import write_text_atomic
    from roadhealth.plan import plan

    try:
        camp = load_campaign(args.campaign)
        missing = [n for n in ("centrelines", "condition", "cores") if getattr(camp, n) is None]
        if missing:
            log.error("%s: the campaign has no %s; a plan needs them", args.campaign, ", ".join(missing))
            return 2
        out = Path(args.out).resolve()
        if out == camp.root or any(out in f.resolve().parents for f in camp.inputs()):
            log.error("--out %s holds campaign inputs; choose another folder", out)
            return 2
        anomalies = read_anomalies(args.anomalies)
        import geopandas as gpd

        try:
            cl = gpd.read_file(camp.centrelines, layer=camp.centrelines_layer, engine="pyogrio")
        except Exception as exc:  # (pyogrio's errors are no OSError)
            log.error("%s: cannot read the centrelines: %s", camp.centrelines, " ".join(str(exc).split()))
            return 2
        if not hasattr(cl, "geom_type") or not len(cl) or not set(cl.geom_type.dropna()) <= {"LineString",
                                                                                            "MultiLineString"}:
            log.error("%s: expected road centrelines (lines)", camp.centrelines)
            return 2
        if camp.crs and cl.crs is not None and cl.crs != camp.crs:
            log.warning("%s is in %s; reprojected to %s", camp.centrelines, cl.crs.to_string(), camp.crs)
            cl = cl.to_crs(camp.crs)
        config = args.config or camp.plan.get("config") or None
        if args.thickness is not None:
            result = plan(cl, anomalies, camp.condition, args.thickness, config, cores=camp.cores)
        else:
            # without radar thickness the cores are the only thickness points; they never count as
            # radar coverage, so lanes come out 'survey first' where nothing rules out a defect
            log.warning("no --thickness given: only the cores tell the asphalt thickness, and lanes without "
                        "radar coverage are planned 'survey first'; pass a radar thickness table "
                        "(roadhealth.processing.asphalt_thickness) or use 'roadhealth run' for the whole chain")
            result = plan(cl, anomalies, camp.condition, camp.cores, config)
    except RoadHealthError as exc:
        log.error("%s", exc)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    result.to_gpkg(out / "plan.gpkg")
    write_text_atomic(out / "work_orders.csv", result.work_orders().to_csv(index=False, lineterminator="\n"))
    if not args.quiet:
        print(f"wrote {out / 'plan.gpkg'} and {out / 'work_orders.csv'}: {len(result.sections)} section(s), "
              f"{len(result.hir_runs)} HIR run(s), {len(result.pretreatments)} pre-treatment(s)")
    return 0


def cmd_evaluate(args) -> int:
    import logging

    _campaign_logging(args)
    log = logging.getLogger("roadhealth.detect")
    from roadhealth.anomalies import read_anomalies
    from roadhealth.campaign.runner import _plain_eval
    from roadhealth.detect import evaluate

    try:
        scores = _plain_eval(evaluate(read_anomalies(args.detections), read_anomalies(args.truth)))
    except RoadHealthError as exc:
        log.error("%s", exc)
        return 2
    if args.json:
        json.dump(scores, sys.stdout, indent=1, default=str)
        print()
    else:
        for k, v in scores.items():
            print(f"{k:<24} {v}")
    return 0


def _add_campaign_commands(sub) -> None:
    import os

    run = sub.add_parser("run", help="run a whole campaign folder: slices, anomalies, plan, report",
                         description="Run a campaign folder (campaign.toml, or found by convention) into OUT: "
                                     "anomalies.gpkg, plan.gpkg, work_orders.csv, report.html, slices/*.tif, "
                                     "run.json. Resumable: a re-run redoes only what is missing. Exit status 0 "
                                     "ok, 1 some inputs skipped, 2 usage.")
    run.add_argument("campaign", type=Path, help="campaign folder")
    run.add_argument("--out", type=Path, required=True, help="output folder (not among the inputs)")
    run.add_argument("--scheduler", default=os.environ.get("ROADHEALTH_SCHEDULER"),
                     help="dask.distributed scheduler address, e.g. tcp://10.0.0.5:8786 "
                          "(default: $ROADHEALTH_SCHEDULER, else threads on this machine)")
    run.add_argument("--workers", type=_positive_int, default=None, help="local threads (default: CPUs, max 4)")
    run.add_argument("--anomalies", type=Path, default=None,
                     help="use this anomaly table (GeoPackage) instead of running detection")
    _verbosity(run)
    run.set_defaults(func=cmd_run)

    rep = sub.add_parser("report", help="(re)write OUT/report.html of a campaign, reusing every cached result",
                         description="Write the campaign report (and the other outputs, all reused from OUT's "
                                     "cache when still valid); --anomalies reports an anomaly table of your own.")
    rep.add_argument("campaign", type=Path, help="campaign folder")
    rep.add_argument("--out", type=Path, required=True, help="output folder of the run")
    rep.add_argument("--anomalies", type=Path, default=None, help="anomaly table to report instead of detection")
    rep.add_argument("--scheduler", default=os.environ.get("ROADHEALTH_SCHEDULER"), help=argparse.SUPPRESS)
    rep.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    _verbosity(rep)
    rep.set_defaults(func=cmd_run)

    det = sub.add_parser("detect", help="find anomalies in radar files (GeoPackage out)")
    det.add_argument("files", nargs="+", type=Path)
    det.add_argument("--out", type=Path, required=True, help="anomaly GeoPackage to write (layer 'anomalies')")
    det.add_argument("--crs", default=None, help="target CRS for GNSS positions, e.g. EPSG:4545")
    det.add_argument("--recipe", default=None, help="processing recipe TOML (default: the road recipe)")
    det.add_argument("--risk", default="beijing", help="risk grading preset (default beijing)")
    det.add_argument("--trace-spacing-m", type=float, default=None,
                     help="along-track trace spacing, m, of files that give no trace positions "
                          "(default: estimated from their diffraction hyperbolas, with a warning)")
    det.add_argument("--surface-ns", type=float, default=None,
                     help="two-way time, ns after time zero, of the road surface in files whose background "
                          "was removed before they were written (0 for processed data time-zeroed at the "
                          "surface; default: where a simulation's source pulse puts it)")
    det.add_argument("--antenna-height-m", type=float, default=None,
                     help="height of an antenna held above the road, m (air-launched antennas): the surface is "
                          "the reflection that height puts after the direct wave (default: the file's, else "
                          "ground-coupled)")
    det.add_argument("--wave-spreading", choices=("2d", "3d"), default=None,
                     help="how the recorded wave spread: 2d (a 2-D simulation's line source) or 3d (a real "
                          "antenna, a 3-D simulation); the strength rules read a top's strength for that world "
                          "(default: the file's, which field instruments' and gprMax files say, else not known)")
    _verbosity(det)
    det.set_defaults(func=cmd_detect)

    pl = sub.add_parser("plan", help="plan hot in-place recycling from a campaign's tables and an anomaly table")
    pl.add_argument("campaign", type=Path, help="campaign folder (centrelines, condition, cores)")
    pl.add_argument("--anomalies", type=Path, required=True, help="anomaly GeoPackage (e.g. OUT/anomalies.gpkg)")
    pl.add_argument("--out", type=Path, required=True, help="folder for plan.gpkg and work_orders.csv")
    pl.add_argument("--config", default=None, help="plan configuration TOML (overrides the defaults)")
    pl.add_argument("--thickness", type=Path, default=None,
                    help="radar asphalt-thickness points (CSV: x, y, asphalt_mm or thickness_m), e.g. from "
                         "roadhealth.processing.asphalt_thickness; the campaign's cores are added to them")
    _verbosity(pl)
    pl.set_defaults(func=cmd_plan)

    ev = sub.add_parser("evaluate", help="score detections against truth")
    ev.add_argument("detections", type=Path, help="anomaly GeoPackage of detections")
    ev.add_argument("truth", type=Path, help="anomaly GeoPackage of truth (e.g. a campaign's truth.gpkg)")
    ev.add_argument("--json", action="store_true", help="print JSON")
    _verbosity(ev)
    ev.set_defaults(func=cmd_evaluate)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="roadhealth", description="GPR road surveys: read, process, detect, plan.")
    p.add_argument("--version", action="version", version=f"roadhealth {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="summarise radar files")
    info.add_argument("files", nargs="+", type=Path)
    info.add_argument("--crs", default=None, help="target CRS for GNSS positions, e.g. EPSG:4545")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(func=cmd_info)
    conv = sub.add_parser("convert", help="convert a radar file to another format (by OUT's extension)")
    conv.add_argument("input", type=Path)
    conv.add_argument("output", type=Path)
    conv.add_argument("--crs", default=None, help="target CRS for GNSS positions, e.g. EPSG:4545")
    conv.add_argument("--overwrite", action="store_true", help="replace OUT if it exists (never the input)")
    conv.set_defaults(func=cmd_convert)
    proc = sub.add_parser("process", help="run a processing recipe over many files")
    proc.add_argument("files", nargs="+", type=Path)
    proc.add_argument("--out", type=Path, required=True, help="output folder")
    proc.add_argument("--recipe", default=None, help="TOML recipe file (default: the road recipe)")
    proc.add_argument("--format", default="nc", help="output format by extension: nc (default), zarr, sgy")
    proc.add_argument("--overwrite", action="store_true", help="replace outputs that exist (never an input)")
    proc.add_argument("--workers", type=_positive_int, default=None, help="files processed at once (default: CPUs, max 4)")
    proc.add_argument("--crs", default=None, help="target CRS for GNSS positions, e.g. EPSG:4545")
    proc.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    proc.set_defaults(func=cmd_process)
    syn = sub.add_parser("synth", help="generate a synthetic survey campaign with known truth")
    syn.add_argument("out", type=Path, help="output folder")
    syn.add_argument("--roads", type=int, default=25, help="number of roads (default 25)")
    syn.add_argument("--length-m", type=float, default=1000.0, help="surveyed length per road, m (default 1000)")
    syn.add_argument("--seed", type=int, default=1)
    syn.add_argument("--workers", type=int, default=0,
                     help="roads simulated at once in worker processes (default: one per CPU)")
    syn.set_defaults(func=cmd_synth)
    _add_campaign_commands(sub)
    return p


def _positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1 (``--workers -3`` had failed deep in the runner)."""
    import argparse

    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1; got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1; got {v}")
    return v


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (OSError, RoadHealthError) as exc:
        # the safety net of every command: an output folder that is a file or read-only, a path
        # in a missing folder, an input that a command did not check itself (found by fuzzing the
        # command lines); the message, not a traceback, and the usage status
        print(f"roadhealth {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
