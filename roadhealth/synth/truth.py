"""Truth tables of a road model, in the anomaly schema the detector returns.

:func:`truth` lists the defects (cavity, void, loose, water_rich) with exactly the columns of
:data:`ANOMALY_COLUMNS` (``docs/anomalies.md``); :func:`clutter_truth` lists what a detector must
*not* flag (pipes, manholes, layer undulations). Along-track distances and across-track offsets
are in the survey track frame (``distance_m`` and ``offset_m`` of the simulated survey);
footprints are polygons in the model frame's CRS (EPSG:4545 for the sample campaign).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from roadhealth.anomalies import ANOMALY_COLUMNS, ANOMALY_KINDS, anomaly_table, empty_anomalies
from roadhealth.synth.model import ANOMALY_TYPES, Manhole, Pipe, RoadModel, Undulation

__all__ = ["ANOMALY_COLUMNS", "ANOMALY_KINDS", "CLUTTER_COLUMNS", "clutter_truth", "empty_anomalies",
           "risk_level", "truth"]

#: Columns of a clutter table, in order.
CLUTTER_COLUMNS = [
    "kind",
    "distance_start_m",
    "distance_end_m",
    "offset_start_m",
    "offset_end_m",
    "depth_top_m",
    "depth_bottom_m",
    "description",
    "geometry",
]

_CLUTTER_DTYPES = {c: "float64" for c in CLUTTER_COLUMNS if c not in ("kind", "description", "geometry")}
_CLUTTER_DTYPES.update(kind="object", description="object")


def risk_level(kind: str, cover_m: float, width_m: float) -> str:
    """A simple collapse-risk level for truth tables: ``"high"``, ``"medium"`` or ``"low"``.

    Air-filled defects (cavity, void) are riskier the wider they are and the thinner their cover:
    high when ``width >= 1 m`` under less than 0.5 m of cover, or ``width >= 2 m`` under less than
    1 m; medium when ``width >= 0.5 m``. Loose and water-rich soil are medium when at least 2 m
    wide under less than 1 m of cover, else low. A rule for labelling synthetic truth, not an
    engineering standard.
    """
    if kind in ("cavity", "void"):
        if (width_m >= 1.0 and cover_m < 0.5) or (width_m >= 2.0 and cover_m < 1.0):
            return "high"
        return "medium" if width_m >= 0.5 else "low"
    return "medium" if (width_m >= 2.0 and cover_m < 1.0) else "low"


def truth(model: RoadModel) -> gpd.GeoDataFrame:
    """The defects of a model as an anomaly table (confidence 1).

    Parameters
    ----------
    model : RoadModel

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`ANOMALY_COLUMNS`; one row per defect, in model order. ``distance_*`` and
        ``offset_*`` (m) are the bounding box of the footprint in the track frame; ``depth_top_m``
        and ``depth_bottom_m`` (m below the surface) the highest and lowest point of the body;
        ``height_m`` their difference; ``cover_m`` the depth of its top; ``length_m`` and
        ``width_m`` the along- and across-track extents. ``geometry`` is the footprint polygon in
        the frame's CRS (track coordinates when the frame is local).
    """
    rows = []
    for obj in model.anomalies:
        s0, s1, u0, u1 = obj.extent()
        s_ring, u_ring = obj.footprint_ring(96)
        width = u1 - u0
        rows.append(
            {
                "kind": obj.kind,
                "confidence": 1.0,
                "distance_start_m": s0,
                "distance_end_m": s1,
                "offset_start_m": u0,
                "offset_end_m": u1,
                "depth_top_m": float(obj.depth_top_m),
                "depth_bottom_m": float(obj.depth_top_m + obj.height_m),
                "length_m": s1 - s0,
                "width_m": width,
                "height_m": float(obj.height_m),
                "cover_m": float(obj.depth_top_m),
                "risk": risk_level(obj.kind, float(obj.depth_top_m), width),
                "evidence": f"synthetic truth: {obj.description()}",
                "geometry": model.frame.polygon(s_ring, u_ring),
            }
        )
    assert all(isinstance(o, ANOMALY_TYPES) for o in model.anomalies)
    return anomaly_table(rows, model.frame.crs)


def clutter_truth(model: RoadModel, half_length_m: float = 3.0) -> gpd.GeoDataFrame:
    """Pipes, manholes and undulations of a model (things a detector must not flag).

    Parameters
    ----------
    half_length_m : float
        Pipes are drawn as a strip this far either side of the track centre line, m.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`CLUTTER_COLUMNS`; ``kind`` is ``"pipe"``, ``"manhole"`` or
        ``"undulation"``; geometry a footprint polygon.
    """
    rows = []
    for obj in model.clutter:
        if isinstance(obj, Pipe):
            th = np.deg2rad(obj.azimuth_deg)
            a = np.array([-half_length_m, half_length_m]) / max(abs(np.sin(th)), 0.2)
            s_line = obj.s_m + a * np.cos(th)
            u_line = obj.u_m + a * np.sin(th)
            x, y = model.frame.to_xy(s_line, u_line)
            geom = shapely.LineString(np.column_stack([x, y])).buffer(obj.radius_m, cap_style="flat")
            r = obj.radius_m / max(abs(np.sin(th)), 1e-3)
            s0, s1 = float(min(s_line) - r), float(max(s_line) + r)
            if abs(np.sin(th)) > 0.2:
                s0, s1 = obj.s_m - r, obj.s_m + r
            rows.append({"kind": "pipe", "distance_start_m": s0, "distance_end_m": s1,
                         "offset_start_m": float(min(u_line)), "offset_end_m": float(max(u_line)),
                         "depth_top_m": obj.depth_m, "depth_bottom_m": obj.depth_m + obj.diameter_m,
                         "description": obj.description(), "geometry": geom})
        elif isinstance(obj, Manhole):
            ang = np.linspace(0, 2 * np.pi, 48)
            rr = obj.diameter_m / 2
            geom = model.frame.polygon(obj.s_m + rr * np.cos(ang), obj.u_m + rr * np.sin(ang))
            rows.append({"kind": "manhole", "distance_start_m": obj.s_m - rr, "distance_end_m": obj.s_m + rr,
                         "offset_start_m": obj.u_m - rr, "offset_end_m": obj.u_m + rr,
                         "depth_top_m": 0.0, "depth_bottom_m": 0.1, "description": obj.description(),
                         "geometry": geom})
        elif isinstance(obj, Undulation):
            ang = np.linspace(0, 2 * np.pi, 48)
            a, b = obj.length_m / 2, obj.width_m / 2
            geom = model.frame.polygon(obj.s_m + a * np.cos(ang), obj.u_m + b * np.sin(ang))
            z = float(model.interfaces(obj.s_m, obj.u_m)[model.layer_index(obj.interface) + 1])
            rows.append({"kind": "undulation", "distance_start_m": obj.s_m - a, "distance_end_m": obj.s_m + a,
                         "offset_start_m": obj.u_m - b, "offset_end_m": obj.u_m + b,
                         "depth_top_m": z - max(obj.amplitude_m, 0), "depth_bottom_m": z - min(obj.amplitude_m, 0),
                         "description": obj.description(), "geometry": geom})
    return anomaly_table(rows, model.frame.crs, columns=CLUTTER_COLUMNS, dtypes=_CLUTTER_DTYPES)
