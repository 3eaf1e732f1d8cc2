"""Reading and checking the planner's inputs (formats in ``docs/plan.md``).

Each ``check_*`` function accepts a table (or a file path) and returns a clean copy, or raises
:class:`~roadhealth.plan.config.PlanError` naming the file, the row and the field, the value found
and what was expected. Rows are counted from 0 in data order (in a CSV, row ``k`` is line ``k + 2``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from roadhealth.anomalies import conform_anomalies
from roadhealth.errors import AnomalyTableError
from roadhealth.plan.config import PlanError

__all__ = [
    "check_anomalies",
    "check_breaks",
    "check_centrelines",
    "check_condition",
    "check_thickness",
    "check_weather",
    "risk_scores",
]


def _read(obj, what: str, *, spatial: bool, layer: str | None = None):
    """A table and its name for messages."""
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        if not os.path.exists(path):
            raise PlanError(f"{path}: the {what} file does not exist")
        try:
            if path.lower().endswith((".csv", ".txt")):
                df = pd.read_csv(path)
                if spatial:
                    raise PlanError(f"{path}: the {what} must be a vector file (GeoPackage ...), not CSV")
            else:
                df = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
        except PlanError:
            raise
        except Exception as exc:  # foreign reader errors: name the file
            raise PlanError(f"{path}: cannot read the {what}: {exc}") from exc
        return df, path
    if isinstance(obj, pd.DataFrame):
        return obj.copy(), f"{what} table"
    raise PlanError(f"the {what} must be a table or a file path; got {type(obj).__name__}")


def _bad_rows(source: str, field: str, mask, values, expected: str) -> PlanError:
    idx = np.flatnonzero(np.asarray(mask))
    shown = ", ".join(f"row {i} ({values[i]!r})" for i in idx[:5])
    more = f" and {idx.size - 5} more" if idx.size > 5 else ""
    return PlanError(f"{source}: field {field!r}: {shown}{more}; expected {expected}")


def _require(df: pd.DataFrame, cols, source: str, what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise PlanError(f"{source}: the {what} lacks column(s) {missing}; it has {list(df.columns)}")


def _numeric(df: pd.DataFrame, col: str, source: str, *, lo=None, hi=None, allow_nan=False) -> np.ndarray:
    raw = df[col].to_numpy(object)
    v = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
    bad = np.isnan(v) & ~(allow_nan & pd.isna(df[col]).to_numpy())
    if bad.any():
        raise _bad_rows(source, col, bad, raw, "a number")
    ok = np.isnan(v)
    bad = ~ok & ~np.isfinite(v)
    if bad.any():
        raise _bad_rows(source, col, bad, raw, "a finite number")
    if lo is not None:
        bad = ~ok & (v < lo)
        if bad.any():
            raise _bad_rows(source, col, bad, raw, f">= {lo}")
    if hi is not None:
        bad = ~ok & (v > hi)
        if bad.any():
            raise _bad_rows(source, col, bad, raw, f"<= {hi}")
    return v


def check_centrelines(obj, *, crs=None) -> gpd.GeoDataFrame:
    """Road centrelines: ``name``, ``width_m``, ``lanes``, optional ``direction`` and ``phase``.

    Parameters
    ----------
    obj : GeoDataFrame or path
        LineString (or single-part MultiLineString) geometry in a projected CRS in metres.
    crs : CRS-like, optional
        Reproject to this CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name``, ``width_m``, ``lanes``, ``direction`` ("two_way"/"one_way"), ``phase``
        (int, 0 when not given), ``length_m`` and LineString geometry, in input order.
    """
    df, source = _read(obj, "centrelines", spatial=True, layer=None)
    if not isinstance(df, gpd.GeoDataFrame):
        raise PlanError(f"{source}: the centrelines must be a GeoDataFrame with LineString geometry")
    _require(df, ["name", "width_m", "lanes"], source, "centrelines")
    if df.crs is None or not df.crs.is_projected:
        raise PlanError(f"{source}: the centrelines need a projected CRS in metres; got {df.crs}")
    if crs is not None:
        df = df.to_crs(crs)
    if not len(df):
        raise PlanError(f"{source}: the centrelines table has no roads")
    nameless = df["name"].isna().to_numpy()
    if nameless.any():
        raise _bad_rows(source, "name", nameless, df["name"].to_numpy(object), "a road name")
    names = df["name"].astype(str).to_numpy(object)
    dup = pd.Series(names).duplicated(keep=False).to_numpy()
    if dup.any():
        raise _bad_rows(source, "name", dup, names, "a unique road name per row")
    width = _numeric(df, "width_m", source, lo=1.0)
    lanes = _numeric(df, "lanes", source, lo=1)
    if np.any(lanes != np.round(lanes)):
        raise _bad_rows(source, "lanes", lanes != np.round(lanes), lanes, "a whole number")
    direction = (df["direction"].fillna("two_way").astype(str).str.lower().str.replace("-", "_")
                 .str.replace(" ", "_").to_numpy(object)) if "direction" in df else np.full(len(df), "two_way", object)
    direction = np.where(np.isin(direction, ["both", "two_way", "2"]), "two_way", direction)
    direction = np.where(np.isin(direction, ["one_way", "1", "forward"]), "one_way", direction)
    bad = ~np.isin(direction, ["two_way", "one_way"])
    if bad.any():
        raise _bad_rows(source, "direction", bad, direction, '"two_way" or "one_way"')
    phase = (_numeric(df, "phase", source, lo=0, allow_nan=True) if "phase" in df else np.zeros(len(df)))
    geom = df.geometry.to_numpy()
    types = np.array([g.geom_type if g is not None else "None" for g in geom], dtype=object)
    multi = types == "MultiLineString"
    if multi.any():
        parts = np.array([len(g.geoms) for g in geom[multi]])
        if np.any(parts != 1):
            raise _bad_rows(source, "geometry", multi, types, "a single LineString per road")
        geom = geom.copy()
        geom[multi] = [g.geoms[0] for g in geom[multi]]
        types = np.where(multi, "LineString", types)
    bad = types != "LineString"
    if bad.any():
        raise _bad_rows(source, "geometry", bad, types, "a LineString")
    import shapely

    bad = np.array([not np.isfinite(shapely.get_coordinates(g)).all() for g in geom])
    if bad.any():
        raise _bad_rows(source, "geometry", bad, names, "finite coordinates")
    out = gpd.GeoDataFrame({
        "name": names, "width_m": width, "lanes": lanes.astype(int), "direction": direction,
        "phase": np.nan_to_num(phase).astype(int),
    }, geometry=gpd.GeoSeries(geom, crs=df.crs), crs=df.crs)
    out["length_m"] = out.geometry.length.to_numpy()
    bad = out["length_m"].to_numpy() <= 0
    if bad.any():
        raise _bad_rows(source, "geometry", bad, names, "a line of positive length")
    return out


def check_condition(obj, centrelines: gpd.GeoDataFrame, grades) -> pd.DataFrame:
    """Surface condition by road and chainage.

    Columns: ``road`` (a centreline ``name``), ``chainage_start_m``, ``chainage_end_m``, ``pci``
    (0-100), ``cracking_pct`` (0-100), ``rutting_mm`` (>= 0), ``ravelling`` (one of ``grades``, or
    its index), optional ``lane``. Rows of zero length are dropped.

    Returns
    -------
    pandas.DataFrame
        The same columns, ``ravelling`` replaced by its grade index (``ravelling_grade``) too.
    """
    df, source = _read(obj, "surface condition", spatial=False)
    cols = ["road", "chainage_start_m", "chainage_end_m", "pci", "cracking_pct", "rutting_mm", "ravelling"]
    _require(df, cols, source, "surface condition")
    df = df.reset_index(drop=True)
    road = df["road"].astype(str).to_numpy(object)
    known = set(centrelines["name"])
    bad = ~np.isin(road, list(known))
    if bad.any():
        raise _bad_rows(source, "road", bad, road, f"a road of the centrelines ({sorted(known)})")
    a = _numeric(df, "chainage_start_m", source, lo=0)
    b = _numeric(df, "chainage_end_m", source, lo=0)
    bad = b < a
    if bad.any():
        raise _bad_rows(source, "chainage_end_m", bad, b, "chainage_end_m >= chainage_start_m")
    length = centrelines.set_index("name")["length_m"].reindex(road).to_numpy()
    bad = a > length + 1.0
    if bad.any():
        raise _bad_rows(source, "chainage_start_m", bad, a, "a chainage within the road's length")
    out = pd.DataFrame({"road": road, "chainage_start_m": a, "chainage_end_m": b,
                        "pci": _numeric(df, "pci", source, lo=0, hi=100),
                        "cracking_pct": _numeric(df, "cracking_pct", source, lo=0, hi=100),
                        "rutting_mm": _numeric(df, "rutting_mm", source, lo=0)})
    rav = df["ravelling"]
    grades = list(grades)
    if pd.api.types.is_numeric_dtype(rav):
        g = _numeric(df, "ravelling", source, lo=0, hi=len(grades) - 1)
    else:
        text = rav.astype(str).str.strip().str.lower().to_numpy(object)
        bad = ~np.isin(text, grades)
        if bad.any():
            raise _bad_rows(source, "ravelling", bad, text, f"one of {grades}")
        g = pd.Categorical(text, categories=grades).codes
    out["ravelling"] = np.asarray(grades, dtype=object)[np.asarray(g, dtype=int)]
    out["ravelling_grade"] = np.asarray(g, dtype=float)
    if "lane" in df:
        out["lane"] = df["lane"].astype(str).to_numpy(object)
    # records of one road (and lane) must not overlap: which one would hold?
    keys = ["road", "lane"] if "lane" in out else ["road"]
    live = out[out["chainage_end_m"] > out["chainage_start_m"]]
    srt = live.sort_values([*keys, "chainage_start_m"], kind="stable")
    same = np.ones(len(srt) - 1, dtype=bool) if len(srt) > 1 else np.zeros(0, dtype=bool)
    for k in keys:
        v = srt[k].to_numpy(object)
        same &= v[1:] == v[:-1]
    overlap = same & (srt["chainage_start_m"].to_numpy()[1:] < srt["chainage_end_m"].to_numpy()[:-1] - 0.1)
    if overlap.any():
        i = int(np.flatnonzero(overlap)[0])
        r0, r1 = srt.index[i], srt.index[i + 1]
        raise PlanError(f"{source}: rows {r0} and {r1} of road {srt['road'].iloc[i]!r} overlap "
                        f"({srt['chainage_start_m'].iloc[i]:g}-{srt['chainage_end_m'].iloc[i]:g} m and "
                        f"{srt['chainage_start_m'].iloc[i + 1]:g}-{srt['chainage_end_m'].iloc[i + 1]:g} m); "
                        "expected one condition record per stretch")
    return live.reset_index(drop=True)


def check_thickness(obj, *, source: str | None = None) -> pd.DataFrame:
    """Asphalt thickness points: ``x``, ``y`` (or ``road`` and ``chainage_m`` with ``offset_m``) and
    ``thickness_m`` or ``asphalt_mm``.

    Returns
    -------
    pandas.DataFrame
        With ``asphalt_mm`` (float), and the position columns given.
    """
    df, src = _read(obj, "asphalt thickness", spatial=False)
    source = source or src
    df = df.reset_index(drop=True)
    if "asphalt_mm" in df:
        mm = _numeric(df, "asphalt_mm", source, lo=0, allow_nan=True)
    elif "thickness_m" in df:
        mm = 1000 * _numeric(df, "thickness_m", source, lo=0, allow_nan=True)
    else:
        raise PlanError(f"{source}: the asphalt thickness needs a 'thickness_m' or 'asphalt_mm' column; "
                        f"it has {list(df.columns)}")
    if {"x", "y"} <= set(df.columns):
        out = pd.DataFrame({"x": _numeric(df, "x", source), "y": _numeric(df, "y", source)})
    elif {"road", "chainage_m", "offset_m"} <= set(df.columns):
        out = pd.DataFrame({"road": df["road"].astype(str).to_numpy(object),
                            "chainage_m": _numeric(df, "chainage_m", source, lo=0),
                            "offset_m": _numeric(df, "offset_m", source)})
    else:
        raise PlanError(f"{source}: the asphalt thickness needs positions: 'x' and 'y', or 'road', "
                        f"'chainage_m' and 'offset_m'; it has {list(df.columns)}")
    out["asphalt_mm"] = mm
    return out[np.isfinite(mm)].reset_index(drop=True)


def risk_scores(table: pd.DataFrame, mapping: Mapping[str, float], source: str) -> np.ndarray:
    """Risk of each anomaly on 0-1: ``risk_score`` where given, else the grade's mapped score,
    else its rank in an ordered categorical ``risk`` (lowest 0, highest 1)."""
    n = len(table)
    score = (table["risk_score"].to_numpy(float) if "risk_score" in table else np.full(n, np.nan))
    missing = np.isnan(score)
    if not missing.any():
        return score
    risk = table["risk"]
    text = risk.astype(object).to_numpy()
    mapped = np.array([float(mapping[t]) if isinstance(t, str) and t in mapping else np.nan for t in text])
    score = np.where(missing, mapped, score)
    missing = np.isnan(score)
    if missing.any() and isinstance(risk.dtype, pd.CategoricalDtype) and risk.dtype.ordered:
        cats = list(risk.dtype.categories)
        codes = risk.cat.codes.to_numpy()
        rank = np.where(codes >= 0, codes / max(1, len(cats) - 1), np.nan)
        score = np.where(missing, rank, score)
        missing = np.isnan(score)
    if missing.any():
        raise _bad_rows(source, "risk", missing, text,
                        "a grade with a score: add a 'risk_score' column, an ordered categorical 'risk', "
                        f"or the grade to [pretreatment.risk_scores] (known: {sorted(mapping)})")
    return score


def check_anomalies(obj, *, crs=None) -> tuple[gpd.GeoDataFrame, str]:
    """An anomaly table (``roadhealth.anomalies`` contract) from a GeoDataFrame or a GeoPackage."""
    try:
        if isinstance(obj, (str, os.PathLike)):
            from roadhealth.anomalies import read_anomalies

            return read_anomalies(obj), os.fspath(obj)
        if not isinstance(obj, gpd.GeoDataFrame):
            raise PlanError(f"the anomalies must be a GeoDataFrame or a file path; got {type(obj).__name__}")
        return conform_anomalies(obj, source="anomaly table"), "anomaly table"
    except AnomalyTableError as exc:
        raise PlanError(str(exc)) from exc


def check_breaks(obj) -> pd.DataFrame:
    """Breaks of HIR runs (intersections, manholes): ``road``, ``chainage_m``, optional ``kind``."""
    if obj is None:
        return pd.DataFrame({"road": pd.Series([], dtype=object), "chainage_m": pd.Series([], dtype=float),
                             "kind": pd.Series([], dtype=object)})
    df, source = _read(obj, "breaks", spatial=False)
    _require(df, ["road", "chainage_m"], source, "breaks")
    return pd.DataFrame({"road": df["road"].astype(str).to_numpy(object),
                         "chainage_m": _numeric(df, "chainage_m", source, lo=0),
                         "kind": df["kind"].astype(str).to_numpy(object) if "kind" in df else "break"})


def check_weather(obj, cfg: Mapping) -> pd.Series:
    """Workable days from a weather calendar.

    Parameters
    ----------
    obj : DataFrame or path or None
        ``date`` and either ``workable`` (bool) or ``ambient_c`` and ``rain_mm``.
    cfg : mapping
        The ``[schedule]`` table (``min_ambient_c``, ``max_rain_mm``).

    Returns
    -------
    pandas.Series of bool indexed by date (datetime.date): False on days the weather forbids HIR.
    """
    if obj is None:
        return pd.Series([], dtype=bool)
    df, source = _read(obj, "weather calendar", spatial=False)
    _require(df, ["date"], source, "weather calendar")
    dates = pd.to_datetime(df["date"], errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        raise _bad_rows(source, "date", bad, df["date"].to_numpy(object), "an ISO date")
    if "workable" in df:
        ok = df["workable"].astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()
    elif {"ambient_c", "rain_mm"} <= set(df.columns):
        t = _numeric(df, "ambient_c", source)
        r = _numeric(df, "rain_mm", source, lo=0)
        ok = (t >= cfg["min_ambient_c"]) & (r <= cfg["max_rain_mm"])
    else:
        raise PlanError(f"{source}: the weather calendar needs 'workable', or 'ambient_c' and 'rain_mm'; "
                        f"it has {list(df.columns)}")
    s = pd.Series(ok, index=[d.date() for d in dates])
    return s.groupby(level=0).all()
