"""Synthetic planner inputs for tests and benchmarks: straight roads with known condition, thickness
and defects, in one straight-line frame (chainage = x - X0, offset = y - y0)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from roadhealth.anomalies import anomaly_table

CRS = "EPSG:4545"
X0, Y0 = 500000.0, 3400000.0


def roads(n: int = 2, length_m: float = 600.0, width_m: float = 7.0, lanes: int = 2, spacing_m: float = 100.0,
          phases=None) -> gpd.GeoDataFrame:
    """``n`` straight roads running east, ``spacing_m`` apart."""
    lines = [shapely.LineString([(X0, Y0 + i * spacing_m), (X0 + length_m, Y0 + i * spacing_m)]) for i in range(n)]
    df = {"name": [f"road{i + 1}" for i in range(n)], "width_m": width_m, "lanes": lanes}
    if phases is not None:
        df["phase"] = list(phases)
    return gpd.GeoDataFrame(df, geometry=lines, crs=CRS)


def condition(cl: gpd.GeoDataFrame, pci_by_road=None, step_m: float = 20.0) -> pd.DataFrame:
    """Condition records every ``step_m``; ``pci_by_road[i]`` is a function chainage -> PCI."""
    rows = []
    for i, r in enumerate(cl.itertuples()):
        a = np.arange(0, r.geometry.length, step_m)
        b = np.minimum(a + step_m, r.geometry.length)
        pci = np.full(a.size, 55.0) if pci_by_road is None else np.asarray(pci_by_road[i]((a + b) / 2), float)
        rows.append(pd.DataFrame({
            "road": r.name, "chainage_start_m": a, "chainage_end_m": b, "pci": pci,
            "cracking_pct": np.where(pci >= 71, 5.0, 25.0), "rutting_mm": np.where(pci >= 71, 3.0, 9.0),
            "ravelling": np.where(pci >= 71, "none", "moderate"),
        }))
    return pd.concat(rows, ignore_index=True)


def thickness(cl: gpd.GeoDataFrame, asphalt_mm=180.0, lane_offsets=(-1.75,), step_m: float = 0.5) -> pd.DataFrame:
    """Thickness points along lanes (offsets from the centreline, m, positive left)."""
    rows = []
    for r in cl.itertuples():
        s = np.arange(0, r.geometry.length, step_m)
        x0, y0 = r.geometry.coords[0]
        for u in lane_offsets:
            mm = np.broadcast_to(asphalt_mm(s) if callable(asphalt_mm) else asphalt_mm, s.shape)
            rows.append(pd.DataFrame({"x": x0 + s, "y": y0 + u, "asphalt_mm": mm}))
    return pd.concat(rows, ignore_index=True)


def defects(cl: gpd.GeoDataFrame, specs) -> gpd.GeoDataFrame:
    """Anomaly table from (road index, chainage_m, offset_m, kind, risk, length_m, width_m, depth_top_m)."""
    rows = []
    for k, (ri, s, u, kind, risk, length, width, top) in enumerate(specs):
        x0, y0 = cl.geometry.iloc[ri].coords[0]
        geom = shapely.box(x0 + s - length / 2, y0 + u - width / 2, x0 + s + length / 2, y0 + u + width / 2)
        h = 0.05 if kind == "void" else 0.4
        rows.append({
            "kind": kind, "confidence": 1.0, "distance_start_m": s - length / 2, "distance_end_m": s + length / 2,
            "offset_start_m": u - width / 2, "offset_end_m": u + width / 2, "depth_top_m": top,
            "depth_bottom_m": top + h, "length_m": length, "width_m": width, "height_m": h, "cover_m": top,
            "risk": risk, "evidence": "test", "geometry": geom, "anomaly_id": f"D{k + 1:03d}",
        })
    if not rows:
        from roadhealth.anomalies import empty_anomalies

        return empty_anomalies(CRS, extras=["anomaly_id"])
    return anomaly_table(rows, crs=CRS)
