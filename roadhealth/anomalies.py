"""The anomaly table: the contract between detection, synthetic truth, planning and reports.

An anomaly table is a :class:`geopandas.GeoDataFrame` with exactly the columns of
:data:`ANOMALY_COLUMNS`, in that order, whether it has rows or not (``shared/design.md``).
``roadhealth.detect`` returns one; :mod:`roadhealth.synth` writes its truth as one, so a detector
can be scored against truth column by column.

=====================  =====================================================================
column                 meaning
=====================  =====================================================================
``kind``               ``"cavity"`` (空洞), ``"void"`` (脱空), ``"loose"`` (疏松), ``"water_rich"`` (富水)
``confidence``         0-1 (1 for truth)
``distance_*_m``       along-track extent, m, in the survey's ``distance_m``
``offset_*_m``         across-track extent, m, in the survey's ``offset_m`` (positive left)
``depth_top_m``        depth of the top below the road surface, m
``depth_bottom_m``     depth of the bottom, m
``length_m``           along-track length, m
``width_m``            across-track width, m
``height_m``           vertical extent, m
``cover_m``            thickness of material above the top, m (= ``depth_top_m``)
``risk``               collapse-risk grade: one of :data:`RISK_LEVELS`
``evidence``           free text: what the detection (or the model) rests on
``geometry``           footprint polygon in the survey CRS
=====================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from roadhealth.errors import RoadHealthError

__all__ = [
    "ANOMALY_COLUMNS",
    "ANOMALY_KINDS",
    "RISK_LEVELS",
    "anomaly_table",
    "empty_anomalies",
    "validate_anomalies",
]

#: Columns of an anomaly table, in order (shared/design.md).
ANOMALY_COLUMNS = [
    "kind", "confidence", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
    "depth_top_m", "depth_bottom_m", "length_m", "width_m", "height_m", "cover_m", "risk",
    "evidence", "geometry",
]

#: Allowed values of ``kind``.
ANOMALY_KINDS = ("cavity", "void", "loose", "water_rich")

#: Allowed values of ``risk``, lowest first.
RISK_LEVELS = ("low", "medium", "high")

#: dtypes of the non-geometry columns.
DTYPES = {c: ("object" if c in ("kind", "risk", "evidence") else "float64") for c in ANOMALY_COLUMNS[:-1]}


def anomaly_table(rows: Iterable[Mapping], crs=None, columns: list[str] | None = None,
                  dtypes: Mapping[str, str] | None = None) -> gpd.GeoDataFrame:
    """Build a table from row dicts (each with every column, ``geometry`` a shapely geometry).

    ``columns``/``dtypes`` default to the anomaly schema; other tables with the same layout rules
    (e.g. synthetic clutter) pass their own.
    """
    columns = list(columns or ANOMALY_COLUMNS)
    dtypes = {**DTYPES, **(dtypes or {})}
    rows = list(rows)
    plain = [c for c in columns if c != "geometry"]
    df = pd.DataFrame({c: [r[c] for r in rows] for c in plain}, columns=plain)
    for c in plain:
        df[c] = df[c].astype(dtypes[c])
    geom = gpd.GeoSeries([r["geometry"] for r in rows], crs=crs)
    return gpd.GeoDataFrame(df, geometry=geom, crs=crs)[columns]


def empty_anomalies(crs=None) -> gpd.GeoDataFrame:
    """An anomaly table with no rows and the exact columns and dtypes."""
    return anomaly_table([], crs)


def validate_anomalies(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Check a table against the anomaly schema; return it unchanged, or raise listing every problem."""
    problems = []
    if not isinstance(table, gpd.GeoDataFrame):
        raise RoadHealthError(f"an anomaly table is a GeoDataFrame; got {type(table).__name__}")
    if list(table.columns) != ANOMALY_COLUMNS:
        problems.append(f"columns must be {ANOMALY_COLUMNS}; got {list(table.columns)}")
    else:
        bad_kind = set(table["kind"]) - set(ANOMALY_KINDS)
        if bad_kind:
            problems.append(f"kind must be one of {ANOMALY_KINDS}; found {sorted(bad_kind)}")
        bad_risk = set(table["risk"]) - set(RISK_LEVELS)
        if bad_risk:
            problems.append(f"risk must be one of {RISK_LEVELS}; found {sorted(bad_risk)}")
        if len(table) and not table["confidence"].between(0, 1).all():
            problems.append("confidence must lie in 0..1")
        if len(table) and (table["depth_bottom_m"] < table["depth_top_m"]).any():
            problems.append("depth_bottom_m must not be above depth_top_m")
        if len(table) and (table["distance_end_m"] < table["distance_start_m"]).any():
            problems.append("distance_end_m must not be before distance_start_m")
    if problems:
        raise RoadHealthError("not a valid anomaly table:\n  - " + "\n  - ".join(problems))
    return table
