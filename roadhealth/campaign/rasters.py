"""Depth slices of a survey as cloud-optimised GeoTIFFs, tile by tile along the road.

A survey of a real road is long and curved: the bounding box of a kilometre of road at 0.1 m pixels
would hold 10^8 pixels, almost all of them outside the surveyed strip. :func:`write_slice_tiles`
cuts the survey along track into tiles (``tile_length_m``), rasterises each onto a north-up grid by
linear interpolation between traces (one triangulation for all bands) and blanks every pixel
farther than ``gap`` from any trace, so neither the inside of a bend nor a GNSS gap is filled with
invented values. Each tile is written with GDAL's COG driver (tiled, DEFLATE, overviews) in the
survey's CRS, atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from roadhealth.errors import ProcessingError
from roadhealth.io._common import atomic_path

__all__ = ["rasterise", "write_cog", "write_slice_tiles"]

#: Largest raster one tile may become (pixels per band); beyond it the geometry is broken.
MAX_PIXELS = 40_000_000


def _spacing(x: np.ndarray, y: np.ndarray) -> float:
    """Largest of the median trace and channel spacings, m."""
    cands = []
    if x.shape[1] > 1:
        cands.append(float(np.median(np.hypot(np.diff(x, axis=1), np.diff(y, axis=1)))))
    if x.shape[0] > 1:
        cands.append(float(np.median(np.hypot(np.diff(x, axis=0), np.diff(y, axis=0)))))
    cands = [c for c in cands if np.isfinite(c) and c > 0]
    return max(cands) if cands else 0.0


def rasterise(values: np.ndarray, x: np.ndarray, y: np.ndarray, resolution_m: float, *, source: str = ""):
    """Interpolate values on scattered traces onto a north-up grid.

    Parameters
    ----------
    values : ndarray (band, channel, trace)
    x, y : ndarray (channel, trace)
        Projected trace positions, m.
    resolution_m : float
        Pixel size, m. The grid origin is a multiple of it, so adjacent tiles share pixel edges.
    source : str
        Named in errors.

    Returns
    -------
    image : ndarray (band, row, col) float32
        NaN outside the surveyed strip (farther than 0.75 x the larger of trace and channel
        spacing, or half a pixel, from every trace).
    transform : affine.Affine
    """
    from scipy.interpolate import LinearNDInterpolator
    from scipy.spatial import cKDTree

    res = float(resolution_m)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        raise ProcessingError(f"{source}: fewer than 3 positioned traces; cannot make a map")
    pts = np.column_stack([x[ok], y[ok]])
    vals = np.moveaxis(values, 0, -1)[ok]  # (n_points, band)
    x0 = np.floor(pts[:, 0].min() / res) * res
    x1 = np.ceil(pts[:, 0].max() / res) * res
    y0 = np.floor(pts[:, 1].min() / res) * res
    y1 = np.ceil(pts[:, 1].max() / res) * res
    nx = round((x1 - x0) / res) + 1
    ny = round((y1 - y0) / res) + 1
    if nx * ny > MAX_PIXELS:
        raise ProcessingError(
            f"{source}: a slice tile would be {nx} x {ny} pixels at {res} m "
            f"(more than {MAX_PIXELS}); the positions are implausible or tile_length_m too large"
        )
    gap = max(0.75 * _spacing(np.where(ok, x, np.nan), np.where(ok, y, np.nan)), 0.5 * res)
    # Only pixels near a channel's line can be inside the strip: burn the lines, buffered, into a
    # mask (fast, in C), then measure the distance to the nearest trace for those pixels alone.
    rows, cols = np.nonzero(_near_lines(x, y, ok, gap + res, (ny, nx), transform_of(x0, y1, res)))
    q = np.column_stack([x0 + res * cols, y1 - res * rows])
    img = np.full((vals.shape[1], ny, nx), np.nan, dtype=np.float32)
    if q.shape[0]:
        tree = cKDTree(pts)
        dist, idx = tree.query(q, k=1, distance_upper_bound=gap + 1e-9)
        inside = np.isfinite(dist)
        rows, cols, q, idx = rows[inside], cols[inside], q[inside], idx[inside]
        if q.shape[0]:
            try:
                img[:, rows, cols] = LinearNDInterpolator(pts, vals)(q).T
            except Exception:  # collinear traces (one channel, straight line): nearest trace instead
                img[:, rows, cols] = vals[idx].T
    return img, transform_of(x0, y1, res)


def transform_of(x0: float, y1: float, res: float):
    """North-up affine transform whose pixel (0, 0) is centred on (x0, y1)."""
    from rasterio.transform import Affine

    return Affine(res, 0.0, x0 - res / 2, 0.0, -res, y1 + res / 2)


def _near_lines(x: np.ndarray, y: np.ndarray, ok: np.ndarray, width_m: float, shape, transform) -> np.ndarray:
    """Pixels within the strip between the channels' lines, widened by ``width_m`` (bool, rows x cols)."""
    import shapely
    from rasterio.features import geometry_mask

    lines = []
    for xc, yc, okc in zip(x, y, ok, strict=True):
        if okc.sum() >= 2:
            lines.append(shapely.LineString(np.column_stack([xc[okc], yc[okc]])))
        elif okc.sum() == 1:
            lines.append(shapely.Point(xc[okc][0], yc[okc][0]))
    geoms = [shapely.GeometryCollection(lines).buffer(width_m)]
    if len(lines) > 1 and all(isinstance(g, shapely.LineString) for g in (lines[0], lines[-1])):
        # the band between the outermost channels (the strip itself, whatever the channel spacing)
        ring = np.vstack([shapely.get_coordinates(lines[0]), shapely.get_coordinates(lines[-1])[::-1]])
        geoms.append(shapely.make_valid(shapely.Polygon(ring)).buffer(width_m))
    return geometry_mask(geoms, out_shape=shape, transform=transform, invert=True, all_touched=True)


def write_cog(path: str | os.PathLike, image: np.ndarray, transform, crs, *, descriptions=(), tags=None) -> Path:
    """Write a float32 image (band, row, col) as a cloud-optimised GeoTIFF, atomically.

    Tiled 256 x 256, DEFLATE with the floating-point predictor, internal overviews (average),
    NaN as nodata. Deterministic: the same image gives the same bytes.
    """
    import rasterio

    path = Path(path)
    with atomic_path(path) as tmp:
        with rasterio.open(
            tmp, "w", driver="COG", height=image.shape[1], width=image.shape[2], count=image.shape[0],
            dtype="float32", crs=crs, transform=transform, nodata=np.nan, compress="deflate",
            predictor=3, blocksize=256, overview_resampling="average",
        ) as dst:
            dst.write(np.ascontiguousarray(image, dtype=np.float32))
            for i, d in enumerate(descriptions):
                dst.set_band_description(i + 1, str(d))
            if tags:
                dst.update_tags(**{k: str(v) for k, v in tags.items()})
    return path


def write_slice_tiles(
    slices: xr.DataArray,
    folder: str | os.PathLike,
    name: str,
    *,
    resolution_m: float = 0.1,
    tile_length_m: float = 100.0,
    crs: str | None = None,
) -> list[dict]:
    """Write C-scans (slice, channel, trace) as COG tiles along the survey.

    Parameters
    ----------
    slices : xarray.DataArray (slice, channel, trace)
        From :func:`roadhealth.processing.slices.cscans`, with ``x``, ``y`` and ``distance_m``
        (channel, trace) and ``top``/``bottom`` (slice) coordinates.
    folder : path-like
    name : str
        File stem: ``<name>.tif`` for one tile, ``<name>.<k>.tif`` (k = 000, 001 ...) for several.
    resolution_m, tile_length_m : float
        Pixel size and along-track tile length, m.
    crs : str, optional
        Defaults to ``slices.attrs["crs"]``.

    Returns
    -------
    list of dict
        Per tile: ``file`` (name), ``distance_start_m``, ``distance_end_m``, ``width``, ``height``,
        ``sha256``.
    """
    folder = Path(folder)
    crs = crs if crs is not None else slices.attrs.get("crs")
    s3 = slices.transpose("slice", "channel", "trace")
    vals = np.asarray(s3.values, dtype=np.float32)
    x = np.broadcast_to(np.asarray(slices.coords["x"].transpose(*[d for d in ("channel", "trace") if d in slices.coords["x"].dims]).values, float), vals.shape[1:])
    y = np.broadcast_to(np.asarray(slices.coords["y"].transpose(*[d for d in ("channel", "trace") if d in slices.coords["y"].dims]).values, float), vals.shape[1:])
    dist = np.asarray(slices.coords["distance_m"].values, float)
    d_along = dist.reshape(-1, dist.shape[-1]).mean(axis=0) if dist.ndim > 1 else dist
    d0, d1 = float(np.nanmin(d_along)), float(np.nanmax(d_along))
    n_tiles = max(1, int(np.ceil((d1 - d0) / float(tile_length_m) - 1e-9)))
    unit = "m" if slices.attrs.get("window") == "depth_m" else "ns"
    stat = slices.attrs.get("statistic", "")
    desc = [f"{stat} {float(a):g}-{float(b):g} {unit}" for a, b in zip(s3.top.values, s3.bottom.values, strict=True)]
    out = []
    for k in range(n_tiles):
        a = d0 + k * tile_length_m
        b = min(d1, a + tile_length_m)
        # one trace spacing of overlap so adjacent tiles meet without a gap
        step = float(np.median(np.diff(d_along))) if d_along.size > 1 else 0.0
        sel = (d_along >= a - step) & (d_along <= b + step)
        if sel.sum() < 2:
            continue
        img, transform = rasterise(vals[:, :, sel], x[:, sel], y[:, sel], resolution_m, source=name)
        fname = f"{name}.tif" if n_tiles == 1 else f"{name}.{k:03d}.tif"
        write_cog(folder / fname, img, transform, crs, descriptions=desc,
                  tags={"statistic": stat, "window": slices.attrs.get("window", ""),
                        "distance_start_m": f"{a:.3f}", "distance_end_m": f"{b:.3f}"})
        from roadhealth.campaign.cache import file_sha256

        out.append({"file": fname, "distance_start_m": round(a, 3), "distance_end_m": round(b, 3),
                    "width": int(img.shape[2]), "height": int(img.shape[1]),
                    "sha256": file_sha256(folder / fname)})
    return out
