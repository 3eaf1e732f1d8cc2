"""The anomaly table: the contract between detection, synthetic truth, planning and reports.

An anomaly table is a :class:`geopandas.GeoDataFrame` whose first columns are exactly the core
columns :data:`ANOMALY_COLUMNS`, in that order, followed by any of the named extras
:data:`EXTRA_COLUMNS` (in that order), whether it has rows or not. ``roadhealth.detect`` returns
one; :mod:`roadhealth.synth` writes its truth as one, so a detector can be scored against truth
column by column, and :mod:`roadhealth.plan` reads one. The reference is ``docs/anomalies.md``.

Core columns
============

=====================  =====================================================================
column                 meaning
=====================  =====================================================================
``kind``               categorical: ``"cavity"`` (空洞), ``"void"`` (脱空), ``"loose"`` (疏松),
                       ``"water_rich"`` (富水)
``confidence``         0-1 (1 for truth)
``distance_*_m``       along-track extent, m, in the survey's ``distance_m``
``offset_*_m``         across-track extent, m, in the survey's ``offset_m`` (positive left)
``depth_top_m``        depth of the top below the road surface, m
``depth_bottom_m``     depth of the bottom, m
``length_m``           along-track length, m
``width_m``            across-track width, m
``height_m``           vertical extent, m
``cover_m``            thickness of material above the top, m (= ``depth_top_m``)
``risk``               collapse-risk grade, named by the grading preset that produced it (an
                       ordered categorical, least urgent first, when the preset is known)
``evidence``           free text: what the detection (or the model) rests on
``geometry``           footprint polygon in the survey CRS (local metres when ``crs`` is None)
=====================  =====================================================================

Named extras (optional, after the core columns, in this order)
==============================================================

``risk_score`` (0-1, comparable across presets), ``features`` (JSON text of the measured
attributes), ``anomaly_id`` (text), ``survey`` (text: the survey's file stem), ``road`` (text),
``chainage_start_m``/``chainage_end_m`` (m along the road centreline), ``lane`` (text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from roadhealth.errors import AnomalyTableError

__all__ = [
    "ANOMALY_COLUMNS",
    "ANOMALY_KINDS",
    "EXTRA_COLUMNS",
    "RISK_LEVELS",
    "AnomalyTableError",
    "anomaly_table",
    "conform_anomalies",
    "empty_anomalies",
    "read_anomalies",
    "validate_anomalies",
]

#: Core columns of an anomaly table, in order (docs/anomalies.md).
ANOMALY_COLUMNS = [
    "kind", "confidence", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
    "depth_top_m", "depth_bottom_m", "length_m", "width_m", "height_m", "cover_m", "risk",
    "evidence", "geometry",
]

#: Named extra columns an anomaly table may carry after the core columns, in this order, with
#: their dtypes.
EXTRA_COLUMNS = {
    "risk_score": "float64",
    "features": "object",
    "anomaly_id": "object",
    "survey": "object",
    "road": "object",
    "chainage_start_m": "float64",
    "chainage_end_m": "float64",
    "lane": "object",
}

#: Allowed values of ``kind``.
ANOMALY_KINDS = ("cavity", "void", "loose", "water_rich")

#: Grades of the simple rule synthetic truth is labelled with (:func:`roadhealth.synth.truth
#: .risk_level`), lowest first. Detection uses the grade names of its grading preset instead
#: (``roadhealth.detect.risk``); the table itself does not fix them.
RISK_LEVELS = ("low", "medium", "high")

#: dtypes of the non-geometry core columns (``kind`` and ``risk`` are made categorical).
DTYPES = {c: ("object" if c in ("kind", "risk", "evidence") else "float64") for c in ANOMALY_COLUMNS[:-1]}

_FLOAT_CORE = [c for c, d in DTYPES.items() if d == "float64"]
_POLYGONAL = {"Polygon", "MultiPolygon"}


def _kind_dtype() -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(ANOMALY_KINDS), ordered=False)


def _risk_dtype(values: Sequence, levels: Sequence[str] | None) -> pd.CategoricalDtype:
    if levels is not None:
        return pd.CategoricalDtype(list(levels), ordered=True)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values.dtype
    seen = [v for v in pd.unique(pd.Series(values, dtype=object)) if isinstance(v, str)]
    if set(seen) <= set(RISK_LEVELS):
        return pd.CategoricalDtype(list(RISK_LEVELS), ordered=True)
    return pd.CategoricalDtype(sorted(seen), ordered=False)


def _column(values: list, dtype: str):
    """One column of row values in ``dtype`` (None: missing). Floats straight through numpy (a
    pandas object column cast to float costs ten times more, and a table has a dozen of them)."""
    if dtype == "float64":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return pd.Series(values, dtype=object).astype(dtype)


def anomaly_table(rows: Iterable[Mapping], crs=None, columns: list[str] | None = None,
                  dtypes: Mapping[str, str] | None = None, *,
                  risk_levels: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Build a table from row dicts.

    Parameters
    ----------
    rows : iterable of mapping
        Each with every core column (``geometry`` a shapely geometry) and, optionally, any of the
        named extras; an extra present in one row is filled with NaN/None in the others.
    crs : CRS-like or None
        CRS of the footprints (None: local along/across metres).
    columns, dtypes :
        Another layout with the same rules (e.g. synthetic clutter); the anomaly schema when None.
    risk_levels : sequence of str, optional
        Grade names of the grading preset, least urgent first; ``risk`` becomes an ordered
        categorical with these categories.
    """
    rows = list(rows)
    if columns is None:
        present = {k for r in rows for k in r}
        columns = ANOMALY_COLUMNS + [c for c in EXTRA_COLUMNS if c in present]
        dtypes = {**DTYPES, **EXTRA_COLUMNS, **(dtypes or {})}
        schema = True
    else:
        columns = list(columns)
        dtypes = {**DTYPES, **EXTRA_COLUMNS, **(dtypes or {})}
        schema = False
    plain = [c for c in columns if c != "geometry"]
    df = pd.DataFrame({c: _column([r.get(c) for r in rows], dtypes[c]) for c in plain}, columns=plain)
    if schema:
        df["kind"] = df["kind"].astype(_kind_dtype())
        df["risk"] = df["risk"].astype(_risk_dtype(df["risk"], risk_levels))
        if "features" in df:
            df["features"] = [v if v is None or isinstance(v, str) else json.dumps(v, sort_keys=True)
                              for v in df["features"]]
    geom = gpd.GeoSeries([r["geometry"] for r in rows], crs=crs)
    return gpd.GeoDataFrame(df, geometry=geom, crs=crs)[columns]


def empty_anomalies(crs=None, *, extras: Iterable[str] = (),
                    risk_levels: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """An anomaly table with no rows and the exact columns and dtypes (plus the named ``extras``)."""
    extras = list(extras)
    unknown = [e for e in extras if e not in EXTRA_COLUMNS]
    if unknown:
        raise AnomalyTableError(f"unknown extra column(s) {unknown}; named extras are {list(EXTRA_COLUMNS)}")
    cols = ANOMALY_COLUMNS + [c for c in EXTRA_COLUMNS if c in extras]
    df = pd.DataFrame({c: pd.Series([], dtype={**DTYPES, **EXTRA_COLUMNS}[c]) for c in cols if c != "geometry"})
    df["kind"] = df["kind"].astype(_kind_dtype())
    df["risk"] = df["risk"].astype(_risk_dtype(df["risk"], risk_levels or RISK_LEVELS))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=crs), crs=crs)[cols]


def validate_anomalies(table: gpd.GeoDataFrame, *, risk_levels: Sequence[str] | None = None,
                       crs=None, source: str | None = None) -> gpd.GeoDataFrame:
    """Check a table against the anomaly schema; return it unchanged, or raise listing every problem.

    Parameters
    ----------
    table : geopandas.GeoDataFrame
    risk_levels : sequence of str, optional
        The grades ``risk`` must take (a preset's grade names). When None, the categories of an
        ordered categorical ``risk`` are used; plain strings are accepted as they are.
    crs : CRS-like, optional
        The CRS the table must be in (e.g. the survey's). A table with a CRS must be projected
        in metres in any case (footprints and sizes are in metres).
    source : str, optional
        Where the table came from (a file name), for the message.

    Raises
    ------
    AnomalyTableError
        Naming every problem found: missing, misplaced or unknown columns, values out of range,
        kinds and grades outside their sets, geometry that is not a polygon, a CRS that is not
        projected or is not the expected one.
    """
    where = f"{source}: " if source else ""
    if not isinstance(table, gpd.GeoDataFrame):
        raise AnomalyTableError(f"{where}an anomaly table is a GeoDataFrame; got {type(table).__name__}")
    problems = []
    cols = list(table.columns)
    n_core = len(ANOMALY_COLUMNS)
    if cols[:n_core] != ANOMALY_COLUMNS:
        missing = [c for c in ANOMALY_COLUMNS if c not in cols]
        if missing:
            problems.append(f"missing core column(s) {missing}")
        else:
            problems.append(f"core columns must come first, in the order {ANOMALY_COLUMNS}; got {cols[:n_core]}")
    extras = cols[n_core:] if cols[:n_core] == ANOMALY_COLUMNS else [c for c in cols if c not in ANOMALY_COLUMNS]
    unknown = [c for c in extras if c not in EXTRA_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s) {unknown}; named extras are {list(EXTRA_COLUMNS)}")
    known = [c for c in extras if c in EXTRA_COLUMNS]
    if known != [c for c in EXTRA_COLUMNS if c in known]:
        problems.append(f"extra columns must follow the order {list(EXTRA_COLUMNS)}; got {known}")
    active = table._geometry_column_name if hasattr(table, "_geometry_column_name") else None
    if "geometry" in cols and active != "geometry":
        problems.append(f"the active geometry column must be 'geometry'; it is {active!r}")

    if "kind" in cols:
        bad = set(table["kind"].dropna().astype(str)) - set(ANOMALY_KINDS)
        if bad:
            problems.append(f"kind must be one of {ANOMALY_KINDS}; found {sorted(bad)}")
        if table["kind"].isna().any():
            problems.append(f"kind is missing in {int(table['kind'].isna().sum())} row(s)")
    if "risk" in cols:
        levels = risk_levels
        if levels is None and isinstance(table["risk"].dtype, pd.CategoricalDtype) and table["risk"].dtype.ordered:
            levels = list(table["risk"].dtype.categories)
        if levels is not None:
            bad = set(table["risk"].dropna().astype(str)) - {str(v) for v in levels}
            if bad:
                problems.append(f"risk must be one of {list(levels)}; found {sorted(bad)}")
    for c in _FLOAT_CORE + [c for c in ("risk_score", "chainage_start_m", "chainage_end_m") if c in cols]:
        if c in cols and not pd.api.types.is_numeric_dtype(table[c]):
            problems.append(f"{c} must be numeric; it is {table[c].dtype}")
    if len(table) and not problems:
        problems += _value_problems(table, cols)
    if "geometry" in cols and len(table):
        g = gpd.GeoSeries(table["geometry"])
        types = set(g[~g.isna()].geom_type)
        if not types <= _POLYGONAL:
            problems.append(f"geometry must be footprint polygons; found {sorted(types - _POLYGONAL)}")
        if g.isna().any():
            problems.append(f"geometry is missing in {int(g.isna().sum())} row(s)")
        present = g[~g.isna()]
        empty = present.is_empty.to_numpy()
        if empty.any():
            problems.append(f"geometry is empty in {int(empty.sum())} row(s)")
        import shapely

        coords = shapely.get_coordinates(present[~empty].to_numpy())
        if coords.size and not np.isfinite(coords).all():
            problems.append("geometry has non-finite (NaN or infinite) coordinates")
    if table.crs is not None:
        if not table.crs.is_projected:
            problems.append(f"the CRS must be projected (footprints in metres); got {table.crs.to_string()}")
        else:
            units = {ax.unit_name for ax in table.crs.axis_info}
            if not units <= {"metre", "meter"}:
                problems.append(f"the CRS unit must be the metre; got {sorted(units)}")
    if crs is not None:
        from pyproj import CRS

        if table.crs is None or CRS.from_user_input(crs) != table.crs:
            got = None if table.crs is None else table.crs.to_string()
            problems.append(f"the CRS must be {CRS.from_user_input(crs).to_string()}; got {got}")
    if problems:
        raise AnomalyTableError(f"{where}not a valid anomaly table:\n  - " + "\n  - ".join(problems))
    return table


def _value_problems(table: pd.DataFrame, cols: list[str]) -> list[str]:
    problems = []

    def rows_where(mask) -> str:
        idx = np.flatnonzero(np.asarray(mask))
        shown = ", ".join(str(table.index[i]) for i in idx[:5])
        return f"{len(idx)} row(s) (e.g. {shown})"

    conf = table["confidence"].to_numpy(float)
    bad = ~((conf >= 0) & (conf <= 1))
    if bad.any():
        problems.append(f"confidence must lie in 0..1: {rows_where(bad)}")
    if "risk_score" in cols:
        rs = table["risk_score"].to_numpy(float)
        bad = ~np.isnan(rs) & ~((rs >= 0) & (rs <= 1))
        if bad.any():
            problems.append(f"risk_score must lie in 0..1: {rows_where(bad)}")
    for lo, hi in (("depth_top_m", "depth_bottom_m"), ("distance_start_m", "distance_end_m"),
                   ("offset_start_m", "offset_end_m")):
        bad = table[hi].to_numpy(float) < table[lo].to_numpy(float)
        if bad.any():
            problems.append(f"{hi} must not be less than {lo}: {rows_where(bad)}")
    for c in ("length_m", "width_m", "height_m", "cover_m", "depth_top_m"):
        v = table[c].to_numpy(float)
        bad = v < 0
        if bad.any():
            problems.append(f"{c} must not be negative: {rows_where(bad)}")
    for c in _FLOAT_CORE:
        bad = ~np.isfinite(table[c].to_numpy(float))
        if bad.any():
            problems.append(f"{c} must be a finite number: {rows_where(bad)}")
    if "features" in cols:
        for i, v in enumerate(table["features"]):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            try:
                json.loads(v)
            except (TypeError, ValueError):
                problems.append(f"features must be JSON text: row {table.index[i]} is {v!r:.60}")
                break
    return problems


def conform_anomalies(table, *, crs=None, risk_levels: Sequence[str] | None = None,
                      source: str | None = None) -> gpd.GeoDataFrame:
    """Put a table read from a file into the contract: core columns first, named extras after.

    GeoPackage and other files store the geometry last and may store extras before the core
    columns; this reorders the columns, restores the dtypes (``kind`` and ``risk`` categorical)
    and validates the result. Columns that are neither core nor named extras raise.
    """
    where = f"{source}: " if source else ""
    if not isinstance(table, gpd.GeoDataFrame):
        raise AnomalyTableError(f"{where}an anomaly table is a GeoDataFrame; got {type(table).__name__}")
    missing = [c for c in ANOMALY_COLUMNS if c not in table.columns]
    if missing:
        raise AnomalyTableError(f"{where}not an anomaly table: missing core column(s) {missing}")
    extras = [c for c in EXTRA_COLUMNS if c in table.columns]
    unknown = [c for c in table.columns if c not in ANOMALY_COLUMNS and c not in EXTRA_COLUMNS]
    if unknown:
        raise AnomalyTableError(f"{where}unknown column(s) {unknown}; named extras are {list(EXTRA_COLUMNS)}")
    out = table[ANOMALY_COLUMNS + extras].copy()
    for c in out.columns:
        if c in ("geometry", "kind", "risk"):
            continue
        dtype = {**DTYPES, **EXTRA_COLUMNS}[c]
        try:
            out[c] = out[c].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise AnomalyTableError(f"{where}column {c!r} must be {dtype}: {exc}") from None
    if len(out):
        given = out["kind"].astype(object)
        unknown = sorted({str(k) for k in given[given.notna()]} - set(ANOMALY_KINDS))
        if unknown:  # (the categorical cast would turn them into 'missing')
            raise AnomalyTableError(f"{where}kind must be one of {ANOMALY_KINDS}; found {unknown}")
    out["kind"] = out["kind"].astype(str).astype(_kind_dtype()) if len(out) else out["kind"].astype(_kind_dtype())
    risk = out["risk"].astype(object)
    out["risk"] = risk.astype(_risk_dtype(risk, risk_levels))
    if crs is not None and out.crs is None:
        out = out.set_crs(crs)
    return validate_anomalies(out, risk_levels=risk_levels, crs=crs, source=source)


def read_anomalies(path, layer: str = "anomalies", *, crs=None,
                   risk_levels: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Read an anomaly table (GeoPackage or any vector file) into the contract.

    Raises :class:`AnomalyTableError` naming the file when it is not an anomaly table.
    """
    import os

    path = os.fspath(path)
    try:
        table = gpd.read_file(path, layer=layer)
    except Exception as exc:  # pyogrio/fiona errors are foreign: name the file and layer
        raise AnomalyTableError(f"{path}: cannot read layer {layer!r} as an anomaly table: {exc}") from exc
    return conform_anomalies(table, crs=crs, risk_levels=risk_levels, source=f"{path} (layer {layer!r})")
