"""A campaign folder: ``campaign.toml`` when there is one, else discovery by convention.

A campaign is what an engineer receives: radar files of many roads, road centrelines, a surface
condition survey, cores, sometimes a processing recipe and a plan configuration. This module turns
the folder into a :class:`Campaign` (absolute paths, checked options) without reading any radar
data. Problems that concern one input (a pattern that matches nothing, a listed file that is
missing) do not raise: they are kept in :attr:`Campaign.problems`, reported in one line each and
recorded in ``run.json``, and the rest of the campaign goes ahead. Errors in ``campaign.toml``
itself (an unknown key, a value of the wrong type) raise :class:`CampaignError` naming the file,
the key, the value and what was expected.

``campaign.toml`` (every key optional; paths relative to the folder)::

    title = "Longdu sample campaign"
    crs = "EPSG:4545"                    # CRS the survey positions (GNSS) are projected into
    surveys = ["*.DZT"]                  # files or globs (``**`` recurses)
    centrelines = "centrelines.gpkg"     # road centrelines (lines; reprojected to crs if needed)
    condition = "surface_condition.csv"  # surface condition by road and chainage
    cores = "cores.csv"                  # asphalt cores (asphalt_mm)
    truth = "truth.gpkg"                 # known anomalies, to score detection (evaluate)
    recipe = "default"                   # processing recipe: "default", a TOML file, or [recipe]

    [depth]                              # velocity model for depth conversion
    eps_r = 8.0                          # one permittivity, or layers = [{eps_r=.., thickness_m=..}, ...]

    [slices]                             # depth slices written to OUT/slices/*.tif
    depth_m = [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5]   # window edges, m
    statistic = "envelope"
    resolution_m = 0.1
    tile_length_m = 100.0

    [detect]                             # options of roadhealth.detect.detect
    risk = "beijing"
    # anomalies = "my_picks.gpkg"        # use this anomaly table instead of running detection
    # antenna_height_m = 0.45            # an antenna held above the road (air-launched), m
    # wave_spreading = "2d"              # simulations in SEG-Y, which does not say: "2d" or "3d"

    [thickness]                          # asphalt thickness from the radar, for the planner
    window_ns = [2.2, 5.0]               # two-way time window of the asphalt-bottom reflection
    eps_r = 5.5                          # asphalt permittivity (then calibrated to the cores)
    step_traces = 20                     # one thickness point every 20 traces

    [plan]                               # options of roadhealth.plan.plan
    # config = "plan.toml"               # or inline overrides: [plan.hir] depth_mm = 50 ...

Discovery by convention (no ``campaign.toml``): surveys are the files below the folder with a
radar extension, and every other file whose extension is not a known companion or document type
(those are tried, and reported if no reader knows them); ``centrelines.gpkg`` (or
``centerlines.*``), ``surface_condition.csv`` (or ``condition*.csv``), ``cores.csv``,
``truth.gpkg``, ``recipe.toml`` and ``plan.toml`` when present; the CRS is the centrelines' CRS.
"""

from __future__ import annotations

import copy
import glob
import itertools
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadhealth.errors import CampaignError, RoadHealthError

__all__ = [
    "COMPANION_EXTENSIONS",
    "DEFAULT_SLICES",
    "SURVEY_EXTENSIONS",
    "Campaign",
    "CampaignError",
    "load_campaign",
]


#: Extensions (lower case, no dot) of radar data files: a survey each.
SURVEY_EXTENSIONS = frozenset({"dzt", "rd3", "rd7", "dt1", "sgy", "segy", "iprb", "nc", "nc4", "out", "h5"})

#: Companion files of a survey (same stem): part of its input hash, never surveys themselves.
COMPANION_EXTENSIONS = frozenset({"dzg", "dzx", "dza", "hd", "gps", "rad", "cor", "mrk", "iprh", "tmf", "time"})

#: Files that belong to a campaign but are neither surveys nor companions.
_DOCUMENT_EXTENSIONS = frozenset({
    "md", "txt", "rst", "json", "toml", "yaml", "yml", "ini", "cfg", "csv", "tsv", "xlsx", "xls",
    "gpkg", "geojson", "shp", "shx", "dbf", "prj", "cpg", "qpj", "sbn", "sbx", "kml", "kmz",
    "pdf", "png", "jpg", "jpeg", "tif", "tiff", "html", "htm", "log", "xml", "ipynb", "py",
})

_VECTOR_EXTENSIONS = (".gpkg", ".geojson", ".shp", ".json")

#: Default depth slices: 0.2 m windows from 0.1 to 1.5 m, mean envelope, 0.1 m pixels, 100 m tiles.
DEFAULT_SLICES: dict[str, Any] = {
    "depth_m": [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5],
    "statistic": "envelope",
    "resolution_m": 0.1,
    "tile_length_m": 100.0,
}

#: Default velocity model: one relative permittivity for the whole road structure (asphalt
#: 4-7, granular base 6-10: 8 is a middle value for the 0-1.5 m that matter).
DEFAULT_DEPTH: dict[str, Any] = {"eps_r": 8.0}

_TOP_KEYS = {
    "title": str, "crs": str, "surveys": (list, str), "centrelines": str, "centrelines_layer": str,
    "condition": str, "cores": str, "truth": str, "recipe": (str, dict), "depth": dict,
    "slices": dict, "detect": dict, "plan": dict, "evidence": dict, "thickness": dict,
}

#: Report evidence for high-risk anomalies: B-scan and slice crops around each one.
DEFAULT_EVIDENCE: dict[str, Any] = {"margin_m": 3.0, "max_depth_m": 1.6, "max_anomalies": 50}


@dataclass
class Campaign:
    """A campaign folder, resolved.

    Attributes
    ----------
    root : pathlib.Path
        The folder (absolute).
    source : str
        ``"campaign.toml"`` or ``"convention"``.
    surveys : list of pathlib.Path
        Radar files, absolute, sorted, unique.
    problems : list of dict
        ``{"input", "stage": "campaign", "reason"}`` for inputs that were named but cannot be used.
    """

    root: Path
    source: str
    title: str
    crs: str | None
    surveys: list[Path]
    centrelines: Path | None = None
    centrelines_layer: str | None = None
    condition: Path | None = None
    cores: Path | None = None
    truth: Path | None = None
    recipe: Any = None
    depth: dict = field(default_factory=lambda: copy.deepcopy(DEFAULT_DEPTH))
    slices: dict = field(default_factory=lambda: copy.deepcopy(DEFAULT_SLICES))
    detect: dict = field(default_factory=dict)
    plan: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=lambda: copy.deepcopy(DEFAULT_EVIDENCE))
    thickness: dict | None = None
    problems: list[dict] = field(default_factory=list)

    def inputs(self) -> list[Path]:
        """Every input file of the campaign (surveys, their companions, tables, configuration files)."""
        files: list[Path] = []
        for s in self.surveys:
            files.append(s)
            files.extend(companions(s))
        for p in (self.centrelines, self.condition, self.cores, self.truth, self.anomaly_file,
                  self.recipe_file, self.plan_file, self.root / "campaign.toml"):
            if p is not None and Path(p).is_file():
                files.append(Path(p))
        return sorted(set(files))

    @property
    def anomaly_file(self) -> Path | None:
        """An anomaly table supplied in place of detection (``[detect] anomalies``), or None."""
        a = self.detect.get("anomalies")
        return None if a is None else Path(a)

    @property
    def recipe_file(self) -> Path | None:
        if isinstance(self.recipe, str) and self.recipe != "default":
            return Path(self.recipe)
        return None

    @property
    def plan_file(self) -> Path | None:
        c = self.plan.get("config")
        return Path(c) if isinstance(c, str) else None

    def describe(self) -> dict:
        """The configuration as JSON-able data (paths relative to the folder where possible)."""

        def rel(p):
            if p is None:
                return None
            p = Path(p)
            try:
                return p.relative_to(self.root).as_posix()
            except ValueError:
                return str(p)

        detect = dict(self.detect)
        if "anomalies" in detect:
            detect["anomalies"] = rel(detect["anomalies"])
        plan = dict(self.plan)
        if isinstance(plan.get("config"), str):
            plan["config"] = rel(plan["config"])
        return {
            "root": str(self.root),
            "source": self.source,
            "title": self.title,
            "crs": self.crs,
            "surveys": [rel(s) for s in self.surveys],
            "centrelines": rel(self.centrelines),
            "centrelines_layer": self.centrelines_layer,
            "condition": rel(self.condition),
            "cores": rel(self.cores),
            "truth": rel(self.truth),
            "recipe": rel(self.recipe) if self.recipe_file else self.recipe,
            "depth": self.depth,
            "slices": self.slices,
            "detect": detect,
            "plan": plan,
            "evidence": self.evidence,
            "thickness": self.thickness,
        }


def companions(path: Path) -> list[Path]:
    """Files beside ``path`` with the same stem (any case) and a companion extension."""
    path = Path(path)
    stem = path.stem.lower()
    out = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return out
    for e in entries:
        base, dot, ext = e.name.rpartition(".")
        if dot and base.lower() == stem and ext.lower() in COMPANION_EXTENSIONS and e.is_file():
            out.append(path.parent / e.name)
    return sorted(out)


def _is_output_dir(d: Path) -> bool:
    return (d / "run.json").exists() or (d / ".cache").is_dir()


def _walk(root: Path, exclude: list[Path]):
    """Files below root, skipping hidden folders, roadhealth output folders and ``exclude``."""
    ex = {p.resolve() for p in exclude}
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = (d / name).resolve()
            if name.startswith(".") or sub in ex or _is_output_dir(sub):
                continue
            if name.lower().endswith(".zarr"):
                yield d / name  # a Zarr store is one survey
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            if not name.startswith("."):
                yield d / name


def _ext(p: Path) -> str:
    return p.suffix.lower().lstrip(".")


def _later_gprmax_run(p: Path) -> bool:
    from roadhealth.io.gprmax import later_in_series

    return later_in_series(p)


def _discover_surveys(root: Path, exclude: list[Path]) -> list[Path]:
    out = []
    for p in _walk(root, exclude):
        ext = _ext(p)
        if ext in ("out", "h5") and _later_gprmax_run(p):
            continue  # read with run 1 of its series (roadhealth.io.gprmax)
        if ext in SURVEY_EXTENSIONS or ext == "zarr":
            out.append(p)
        elif ext in COMPANION_EXTENSIONS or ext in _DOCUMENT_EXTENSIONS:
            continue
        else:
            out.append(p)  # unknown: tried, and reported when no reader knows it
    return out


def _first(root: Path, names: list[str]) -> Path | None:
    for pattern in names:
        hits = sorted(p for p in root.glob(pattern) if p.is_file())
        if hits:
            return hits[0]
    return None


def _check_type(source: str, key: str, value: Any, want) -> None:
    if not isinstance(value, want):
        names = " or ".join(t.__name__ for t in (want if isinstance(want, tuple) else (want,)))
        raise CampaignError(f"{source}: {key} = {value!r}; expected {names}")


def _merge_known(source: str, section: str, base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if k not in base:
            raise CampaignError(f"{source}: unknown key [{section}] {k!r}; known keys: {sorted(base)}")
        out[k] = v
    return out


def _check_slices(source: str, s: dict) -> dict:
    edges = s["depth_m"]
    if (not isinstance(edges, list) or len(edges) < 2
            or not all(isinstance(e, (int, float)) and not isinstance(e, bool) and math.isfinite(e) and e >= 0
                       for e in edges)
            or any(not b > a for a, b in itertools.pairwise(edges))):
        # (``not b > a``: a NaN edge compares False both ways and had given all-NaN slices)
        raise CampaignError(f"{source}: [slices] depth_m = {edges!r}; expected at least 2 increasing depths in m, "
                            "from 0 down")
    for k in ("resolution_m", "tile_length_m"):
        v = s[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1e3:
            raise CampaignError(f"{source}: [slices] {k} = {v!r}; expected a positive number of metres (under 1 km)")
    if s["statistic"] not in ("envelope", "mean_abs", "energy"):
        raise CampaignError(f"{source}: [slices] statistic = {s['statistic']!r}; expected envelope, mean_abs or energy")
    return {**s, "depth_m": [float(e) for e in edges]}


def _check_evidence(source: str, e: dict) -> dict:
    """[evidence]: positive finite metres and a whole number of anomalies (a text margin failed
    every survey one by one, found by fuzzing the campaign file)."""
    for k in ("margin_m", "max_depth_m"):
        v = e[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1e3:
            raise CampaignError(f"{source}: [evidence] {k} = {v!r}; expected a positive number of metres")
    v = e["max_anomalies"]
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise CampaignError(f"{source}: [evidence] max_anomalies = {v!r}; expected a whole number >= 0")
    return e


def _check_depth(source: str, d: dict) -> dict:
    unknown = set(d) - {"eps_r", "layers"}
    if unknown:
        raise CampaignError(f"{source}: unknown key(s) in [depth]: {sorted(unknown)}; expected eps_r or layers")
    if ("eps_r" in d) == ("layers" in d):
        raise CampaignError(f"{source}: [depth] needs exactly one of eps_r (a number) and layers (a list of tables)")
    if "eps_r" in d:
        v = d["eps_r"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 1.0 <= v <= 81.0:
            raise CampaignError(f"{source}: [depth] eps_r = {v!r}; expected a relative permittivity 1..81")
        return {"eps_r": float(v)}
    layers = d["layers"]
    if not isinstance(layers, list) or not layers or not all(isinstance(x, dict) for x in layers):
        raise CampaignError(f"{source}: [depth] layers = {layers!r}; expected a list of tables")
    from roadhealth.processing.depth import layer_model

    try:
        layer_model(layers)
    except RoadHealthError as exc:
        raise CampaignError(f"{source}: [depth] layers: {exc}") from None
    return {"layers": layers}


def _check_thickness(source: str, t: dict) -> dict:
    out = _merge_known(source, "thickness", {"window_ns": None, "eps_r": 5.5, "step_traces": 20}, t)
    w = out["window_ns"]
    if (not isinstance(w, list) or len(w) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in w)
            or not 0 <= w[0] < w[1]):
        raise CampaignError(f"{source}: [thickness] window_ns = {w!r}; expected [start, end] in ns, 0 <= start < end, "
                            f"bracketing the asphalt-bottom reflection")
    e = out["eps_r"]
    if isinstance(e, bool) or not isinstance(e, (int, float)) or not 1.0 <= e <= 81.0:
        raise CampaignError(f"{source}: [thickness] eps_r = {e!r}; expected a relative permittivity 1..81")
    n = out["step_traces"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise CampaignError(f"{source}: [thickness] step_traces = {n!r}; expected a positive integer")
    return {"window_ns": [float(w[0]), float(w[1])], "eps_r": float(e), "step_traces": n}


def load_campaign(folder: str | os.PathLike, *, exclude: list[os.PathLike] = ()) -> Campaign:
    """Describe a campaign folder from its ``campaign.toml``, or by convention when there is none.

    Parameters
    ----------
    folder : path-like
        The campaign folder.
    exclude : list of path-like
        Folders not to search (the run's output folder when it lies inside the campaign).

    Returns
    -------
    Campaign

    Raises
    ------
    CampaignError
        If the folder does not exist or ``campaign.toml`` is not valid.
    """
    root = Path(folder).resolve()
    if not root.is_dir():
        raise CampaignError(f"{folder}: not a folder (a campaign is a folder of radar files and tables)")
    exclude = [Path(e) for e in exclude]
    toml = root / "campaign.toml"
    problems: list[dict] = []
    if not toml.is_file():
        return _by_convention(root, exclude)

    source = str(toml)
    try:
        with open(toml, "rb") as f:
            cfg = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{source}: not valid TOML: {exc}") from None
    for k, v in cfg.items():
        if k not in _TOP_KEYS:
            raise CampaignError(f"{source}: unknown key {k!r}; known keys: {sorted(_TOP_KEYS)}")
        _check_type(source, k, v, _TOP_KEYS[k])

    def path_of(key: str) -> Path | None:
        v = cfg.get(key)
        if v is None:
            return None
        p = (root / v).resolve()
        if not p.exists():
            problems.append({"input": v, "stage": "campaign", "reason": f"{key} = {v!r} in campaign.toml: no such file"})
            return None
        return p

    patterns = cfg.get("surveys", ["*"])
    patterns = [patterns] if isinstance(patterns, str) else patterns
    surveys: list[Path] = []
    for pat in patterns:
        if not isinstance(pat, str):
            raise CampaignError(f"{source}: surveys entry {pat!r}; expected a file name or glob pattern")
        hits = [Path(h) for h in sorted(glob.glob(str(root / pat), recursive=True))]
        hits = [h for h in hits if (h.is_file() or _ext(h) == "zarr") and _ext(h) not in COMPANION_EXTENSIONS]
        if not hits:
            problems.append({"input": pat, "stage": "campaign",
                             "reason": f"surveys pattern {pat!r} in campaign.toml matches no file"})
        surveys.extend(h.resolve() for h in hits)
    ex = [e.resolve() for e in exclude]
    surveys = sorted({s for s in surveys if not any(e == s or e in s.parents for e in ex)})

    recipe = cfg.get("recipe")
    if isinstance(recipe, str) and recipe != "default":
        p = (root / recipe).resolve()
        if not p.is_file():
            raise CampaignError(f"{source}: recipe = {recipe!r}: no such file (use \"default\" or a TOML file)")
        recipe = str(p)
    from roadhealth.processing.recipe import load_recipe

    try:
        load_recipe(None if recipe in (None, "default") else recipe)
    except RoadHealthError as exc:
        raise CampaignError(f"{source}: recipe: {exc}") from None

    detect = dict(cfg.get("detect", {}))
    if "anomalies" in detect:
        a = (root / str(detect["anomalies"])).resolve()
        if not a.is_file():
            raise CampaignError(f"{source}: [detect] anomalies = {detect['anomalies']!r}: no such file")
        detect["anomalies"] = str(a)
    plan = dict(cfg.get("plan", {}))
    if "config" in plan:
        c = (root / str(plan["config"])).resolve()
        if not c.is_file():
            raise CampaignError(f"{source}: [plan] config = {plan['config']!r}: no such file")
        plan["config"] = str(c)

    crs = cfg.get("crs")
    if crs is not None:
        crs = _check_crs(source, crs)
    return Campaign(
        root=root,
        source="campaign.toml",
        title=str(cfg.get("title", root.name)),
        crs=crs,
        surveys=surveys,
        centrelines=path_of("centrelines"),
        centrelines_layer=cfg.get("centrelines_layer"),
        condition=path_of("condition"),
        cores=path_of("cores"),
        truth=path_of("truth"),
        recipe=recipe,
        depth=_check_depth(source, cfg["depth"]) if "depth" in cfg else copy.deepcopy(DEFAULT_DEPTH),
        slices=_check_slices(source, _merge_known(source, "slices", DEFAULT_SLICES, cfg.get("slices", {}))),
        detect=detect,
        plan=plan,
        evidence=_check_evidence(source, _merge_known(source, "evidence", DEFAULT_EVIDENCE, cfg.get("evidence", {}))),
        thickness=_check_thickness(source, cfg["thickness"]) if "thickness" in cfg else None,
        problems=problems,
    )


def _check_crs(source: str, crs: str) -> str:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        c = CRS.from_user_input(crs)
    except CRSError as exc:
        raise CampaignError(f"{source}: crs = {crs!r} is not a CRS pyproj knows: {exc}") from None
    if not c.is_projected:
        raise CampaignError(f"{source}: crs = {crs!r} is not projected; expected a projected CRS in metres (e.g. EPSG:4545)")
    return str(crs)


def _by_convention(root: Path, exclude: list[Path]) -> Campaign:
    centrelines = _first(root, ["centrelines.gpkg", "centerlines.gpkg", "centrelines.*", "centerlines.*"])
    if centrelines is not None and centrelines.suffix.lower() not in _VECTOR_EXTENSIONS:
        centrelines = None
    crs = None
    if centrelines is not None:
        try:
            import pyogrio

            info = pyogrio.read_info(centrelines)
            from pyproj import CRS

            if info.get("crs") and CRS.from_user_input(info["crs"]).is_projected:
                crs = str(info["crs"])
        except Exception:  # an unreadable centreline file is reported when it is read
            crs = None
    recipe = _first(root, ["recipe.toml"])
    plan_cfg = _first(root, ["plan.toml"])
    return Campaign(
        root=root,
        source="convention",
        title=root.name,
        crs=crs,
        surveys=sorted(p.resolve() for p in _discover_surveys(root, exclude)),
        centrelines=centrelines,
        condition=_first(root, ["surface_condition.csv", "condition*.csv"]),
        cores=_first(root, ["cores.csv"]),
        truth=_first(root, ["truth.gpkg"]),
        recipe=str(recipe) if recipe else None,
        plan={"config": str(plan_cfg)} if plan_cfg else {},
    )
