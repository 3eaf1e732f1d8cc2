"""Linear referencing: points and footprints to road, chainage, signed offset, lane and side.

Chainage is the distance along a road's centreline from its first vertex, m. The offset is the
signed distance from the centreline, m, positive to the left of the centreline's direction (the
survey convention of ``offset_m``). Lanes are named from the offset and the road's ``width_m``,
``lanes`` and ``direction``:

* two-way roads (``direction`` "two_way", the default): ``R1``, ``R2`` ... right of the centreline
  counted outwards from it, ``L1``, ``L2`` ... left of it; an odd middle lane is ``C``;
* one-way roads (``direction`` "one_way"): ``1`` ... ``n`` from the left edge.

A point further than half the carriageway width plus a tolerance from every centreline is not
snapped onto the nearest road: it is returned with ``referenced`` False so the caller can report it.
Everything is vectorised over points (shapely 2 array functions and an STRtree query).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

__all__ = ["lane_bands", "lane_of_offset", "locate_footprints", "locate_points"]


def _lane_names(lanes: int, direction: str) -> list[str]:
    """Names of the lane bands from the right edge to the left edge."""
    if direction == "one_way":
        return [str(lanes - i) for i in range(lanes)]
    n_side = lanes // 2
    names = [f"R{n_side - i}" for i in range(n_side)]
    if lanes % 2:
        names.append("C")
    names += [f"L{i + 1}" for i in range(n_side)]
    return names


def lane_bands(width_m: float, lanes: int, direction: str = "two_way") -> dict[str, tuple[float, float]]:
    """Offset band of every lane, m (low, high), positive left.

    Parameters
    ----------
    width_m : float
        Carriageway width, m, centred on the centreline.
    lanes : int
        Number of lanes of equal width.
    direction : {"two_way", "one_way"}
    """
    w = width_m / lanes
    edges = -width_m / 2 + w * np.arange(lanes + 1)
    return {name: (float(edges[i]), float(edges[i + 1])) for i, name in enumerate(_lane_names(lanes, direction))}


def lane_of_offset(offset_m, width_m: float, lanes: int, direction: str = "two_way") -> np.ndarray:
    """Lane name of each signed offset (m, positive left); beyond the edges, the outer lane."""
    off = np.asarray(offset_m, dtype=float)
    w = width_m / lanes
    i = np.clip(np.floor((off + width_m / 2) / w), 0, lanes - 1).astype(int)
    return np.asarray(_lane_names(lanes, direction), dtype=object)[i]


def _signed(lines: np.ndarray, points: np.ndarray, chainage: np.ndarray) -> np.ndarray:
    """Signed distance of points to their lines (positive left of the line's direction), m.

    The side comes from the segment of the line at each point's chainage (vertex chainages by
    cumulative sums; a loop over the distinct lines, vectorised over points)."""
    xy = shapely.get_coordinates(points)
    out = np.empty(len(xy))
    ids = np.array([id(g) for g in lines])
    for key in np.unique(ids):  # a loop over lines (roads)
        sel = np.flatnonzero(ids == key)
        v = shapely.get_coordinates(lines[sel[0]])
        seg = np.diff(v, axis=0)
        seg_len = np.hypot(seg[:, 0], seg[:, 1])
        cum = np.r_[0.0, np.cumsum(seg_len)]
        k = np.clip(np.searchsorted(cum, chainage[sel], side="right") - 1, 0, len(seg) - 1)
        t = seg[k] / np.maximum(seg_len[k], 1e-12)[:, None]
        foot = v[k] + t * (chainage[sel] - cum[k])[:, None]
        ap = xy[sel] - foot
        cross = t[:, 0] * ap[:, 1] - t[:, 1] * ap[:, 0]
        dist = np.hypot(ap[:, 0], ap[:, 1])
        out[sel] = np.where(cross >= 0, dist, -dist)
    return out


def locate_points(x, y, centrelines, *, tolerance_m: float = 2.0) -> pd.DataFrame:
    """Reference points onto the nearest centreline.

    Parameters
    ----------
    x, y : array_like (n,)
        Positions in the centrelines' CRS, m.
    centrelines : geopandas.GeoDataFrame
        Checked centrelines (:func:`roadhealth.plan.inputs.check_centrelines`): ``name``,
        ``width_m``, ``lanes``, ``direction`` and LineString geometry.
    tolerance_m : float
        Distance beyond half the carriageway width within which a point still belongs to the road, m.

    Returns
    -------
    pandas.DataFrame (n rows)
        ``road`` (name), ``road_index`` (row of ``centrelines``), ``chainage_m``, ``offset_m``
        (signed, positive left), ``distance_m`` (unsigned, to the centreline), ``lane``, ``side``
        ("left"/"right"), ``referenced`` (False: too far from every road; the other columns then
        describe the nearest road, for the report).
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    n = x.size
    cols = ["road", "road_index", "chainage_m", "offset_m", "distance_m", "lane", "side", "referenced"]
    if n == 0:
        return pd.DataFrame({c: pd.Series([], dtype=object if c in ("road", "lane", "side") else
                                          (int if c == "road_index" else (bool if c == "referenced" else float)))
                             for c in cols})
    lines = np.asarray(centrelines.geometry.values, dtype=object)
    pts = shapely.points(x, y)
    tree = shapely.STRtree(lines)
    (ip, il), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    road_idx = np.empty(n, dtype=int)
    road_idx[ip] = il
    d = np.empty(n)
    d[ip] = dist
    line = lines[road_idx]
    ch = shapely.line_locate_point(line, pts)
    off = _signed(line, pts, ch)
    width = centrelines["width_m"].to_numpy(float)[road_idx]
    lanes = centrelines["lanes"].to_numpy(int)[road_idx]
    direction = centrelines["direction"].to_numpy(object)[road_idx]
    lane = np.empty(n, dtype=object)
    for k in np.unique(road_idx):  # a loop over roads (few); vectorised within each
        sel = road_idx == k
        lane[sel] = lane_of_offset(off[sel], float(width[sel][0]), int(lanes[sel][0]), str(direction[sel][0]))
    # beyond the ends of the line: line_locate_point clamps, the distance tells
    referenced = d <= width / 2 + tolerance_m
    return pd.DataFrame({
        "road": centrelines["name"].to_numpy(object)[road_idx], "road_index": road_idx,
        "chainage_m": ch, "offset_m": off, "distance_m": d, "lane": lane,
        "side": np.where(off >= 0, "left", "right"), "referenced": referenced,
    })


def locate_footprints(geoms, centrelines, *, tolerance_m: float = 2.0) -> pd.DataFrame:
    """Reference footprint polygons: the road of their centroid, and their chainage/offset extents.

    Parameters
    ----------
    geoms : array_like of shapely geometries (n,)
        Footprints in the centrelines' CRS.
    centrelines : geopandas.GeoDataFrame
    tolerance_m : float

    Returns
    -------
    pandas.DataFrame (n rows)
        As :func:`locate_points` for the centroid, plus ``chainage_start_m``, ``chainage_end_m``,
        ``offset_start_m``, ``offset_end_m``: the extents of the footprint's vertices along and
        across the road of its centroid, m.
    """
    geoms = np.asarray(geoms, dtype=object)
    cen = shapely.centroid(geoms)
    xy = shapely.get_coordinates(cen)
    out = locate_points(xy[:, 0], xy[:, 1], centrelines, tolerance_m=tolerance_m)
    if not len(out):
        for c in ("chainage_start_m", "chainage_end_m", "offset_start_m", "offset_end_m"):
            out[c] = pd.Series([], dtype=float)
        return out
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    lines = np.asarray(centrelines.geometry.values, dtype=object)[out["road_index"].to_numpy()[index]]
    pts = shapely.points(coords)
    ch = shapely.line_locate_point(lines, pts)
    off = _signed(lines, pts, ch)
    frame = pd.DataFrame({"i": index, "ch": ch, "off": off}).groupby("i")
    lo, hi = frame.min(), frame.max()
    out["chainage_start_m"] = lo["ch"].reindex(range(len(out))).to_numpy()
    out["chainage_end_m"] = hi["ch"].reindex(range(len(out))).to_numpy()
    out["offset_start_m"] = lo["off"].reindex(range(len(out))).to_numpy()
    out["offset_end_m"] = hi["off"].reindex(range(len(out))).to_numpy()
    return out
