"""Figures of a campaign report, drawn with matplotlib's object API (thread-safe, no pyplot).

Every function returns a :class:`matplotlib.figure.Figure`; :func:`png_bytes` renders one as PNG
bytes without metadata that changes from run to run, so the same data always gives the same file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "KIND_COLOURS",
    "anomaly_map_figure",
    "bscan_figure",
    "high_risk_mask",
    "png_bytes",
    "slice_figure",
]

#: One colour per anomaly kind (colour-blind safe, Okabe-Ito).
KIND_COLOURS = {"cavity": "#D55E00", "void": "#CC79A7", "loose": "#E69F00", "water_rich": "#0072B2"}


def _figure(w_in: float, h_in: float, layout: str | None = "constrained"):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w_in, h_in), dpi=96, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig, dpi: int = 96) -> bytes:
    """Render a figure as PNG bytes (deterministic: no software or time stamp in the file)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def high_risk_mask(table) -> np.ndarray:
    """Which rows of an anomaly table are high risk: the most urgent grade of their preset.

    With an ordered ``risk`` categorical (the contract when the preset is known) that is its last
    category; otherwise rows graded ``"high"`` or, when ``risk_score`` is present, scoring at least
    2/3.
    """
    import pandas as pd

    if len(table) == 0:
        return np.zeros(0, bool)
    risk = table["risk"]
    if isinstance(risk.dtype, pd.CategoricalDtype) and risk.dtype.ordered and len(risk.dtype.categories):
        return np.asarray(risk.astype(object) == risk.dtype.categories[-1], bool)
    mask = np.asarray(risk.astype(str).str.lower() == "high", bool)
    if "risk_score" in table:
        mask = mask | np.asarray(table["risk_score"].astype(float) >= 2 / 3, bool)
    return mask


def _risk_rank(table) -> np.ndarray:
    """0 (least urgent) .. 1 (most urgent) per row, from the ordered risk grades."""
    import pandas as pd

    risk = table["risk"]
    if isinstance(risk.dtype, pd.CategoricalDtype) and risk.dtype.ordered and len(risk.dtype.categories) > 1:
        codes = risk.cat.codes.to_numpy().astype(float)
        return np.clip(codes / (len(risk.dtype.categories) - 1), 0, 1)
    if "risk_score" in table:
        return np.nan_to_num(table["risk_score"].to_numpy(float), nan=0.5)
    return np.where(high_risk_mask(table), 1.0, 0.5)


def bscan_figure(amplitude: np.ndarray, distance_m: np.ndarray, depth_m: np.ndarray, *,
                 box: Sequence[float] | None = None, title: str = "", offset_m: float | None = None):
    """A B-scan (one channel) with an anomaly's box.

    Parameters
    ----------
    amplitude : ndarray (trace, sample)
    distance_m : ndarray (trace,)
        Along-track distance, m.
    depth_m : ndarray (sample,)
        Depth below the road surface, m.
    box : (distance_start_m, distance_end_m, depth_top_m, depth_bottom_m), optional
    title : str
    offset_m : float, optional
        Across-track position of the channel shown, m (in the axis label).
    """
    fig = _figure(6.2, 3.0, layout=None)  # fixed margins: constrained layout costs more than the drawing
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.16, top=0.9)
    ax = fig.add_subplot()
    a = np.asarray(amplitude, float)
    finite = a[np.isfinite(a)]
    lim = float(np.percentile(np.abs(finite), 99)) if finite.size else 1.0
    lim = lim if lim > 0 else 1.0
    ax.pcolormesh(distance_m, depth_m, a.T, cmap="gray", vmin=-lim, vmax=lim, shading="nearest",
                  rasterized=True)
    if box is not None:
        from matplotlib.patches import Rectangle

        d0, d1, z0, z1 = (float(v) for v in box)
        ax.add_patch(Rectangle((d0, z0), d1 - d0, z1 - z0, fill=False, edgecolor="#ff2a2a", linewidth=1.8))
    ax.set_ylim(float(np.max(depth_m)), float(np.min(depth_m)))
    ax.set_xlabel("distance along the survey (m)")
    ax.set_ylabel("depth (m)")
    if title:
        where = f" - channel at {offset_m:+.2f} m" if offset_m is not None else ""
        ax.set_title(f"{title}{where}", fontsize=9)
    return fig


def slice_figure(values: np.ndarray, distance_m: np.ndarray, offset_m: np.ndarray, *,
                 box: Sequence[float] | None = None, title: str = ""):
    """A depth slice (C-scan) in the survey's frame with an anomaly's footprint box.

    Parameters
    ----------
    values : ndarray (channel, trace)
    distance_m : ndarray (trace,)
    offset_m : ndarray (channel,)
        Across-track offsets, m (positive left of travel; drawn upwards).
    box : (distance_start_m, distance_end_m, offset_start_m, offset_end_m), optional
    """
    fig = _figure(6.2, 2.4, layout=None)
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.2, top=0.88)
    ax = fig.add_subplot()
    v = np.asarray(values, float)
    order = np.argsort(offset_m)
    finite = v[np.isfinite(v)]
    vmax = float(np.percentile(finite, 99.5)) if finite.size else 1.0
    ax.pcolormesh(distance_m, np.asarray(offset_m)[order], v[order], cmap="magma", vmin=0,
                  vmax=vmax if vmax > 0 else 1.0, shading="nearest", rasterized=True)
    if box is not None:
        from matplotlib.patches import Rectangle

        d0, d1, o0, o1 = (float(b) for b in box)
        ax.add_patch(Rectangle((d0, o0), d1 - d0, o1 - o0, fill=False, edgecolor="#00e5ff", linewidth=1.8))
    ax.set_xlabel("distance along the survey (m)")
    ax.set_ylabel("offset (m, left +)")
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def anomaly_map_figure(centrelines, tracks: Mapping[str, tuple], anomalies, *, title: str = ""):
    """Anomalies by kind (colour) and risk (size, edge) over the road centrelines and survey tracks.

    Parameters
    ----------
    centrelines : geopandas.GeoDataFrame or None
        Road lines (a ``name`` column labels them), in the map CRS.
    tracks : mapping
        Survey name -> (x, y) arrays of its track, in the map CRS.
    anomalies : geopandas.GeoDataFrame or None
        Anomaly table (footprints), in the map CRS.

    Returns
    -------
    matplotlib.figure.Figure
        An overview panel and one zoomed panel per survey track.
    """
    from matplotlib.lines import Line2D

    names = list(tracks)
    n_zoom = len(names)
    ncols = min(3, max(1, n_zoom))
    nrows_zoom = int(np.ceil(n_zoom / ncols)) if n_zoom else 0
    fig = _figure(13.0, 5.5 + 3.6 * nrows_zoom)
    gs = fig.add_gridspec(1 + nrows_zoom, ncols, height_ratios=[5.5] + [3.6] * nrows_zoom)
    ax0 = fig.add_subplot(gs[0, :])
    has_anom = anomalies is not None and len(anomalies) > 0
    rank = _risk_rank(anomalies) if has_anom else np.zeros(0)
    high = high_risk_mask(anomalies) if has_anom else np.zeros(0, bool)

    def draw(ax, zoom: bool):
        ax.set_aspect("equal", adjustable="box" if zoom else "datalim")
        if centrelines is not None and len(centrelines):
            for geom in centrelines.geometry:
                if geom is None or geom.is_empty:
                    continue
                parts = getattr(geom, "geoms", [geom])
                for g in parts:
                    x, y = np.asarray(g.coords.xy)
                    ax.plot(x, y, color="#9a9a9a", linewidth=4 if zoom else 2.5, solid_capstyle="round", zorder=1)
        for name in names:
            x, y = tracks[name]
            ax.plot(x, y, color="#3b6ea8", linewidth=1.2, zorder=2)
        if has_anom:
            cent = anomalies.geometry.centroid
            for kind, colour in KIND_COLOURS.items():
                m = np.asarray(anomalies["kind"].astype(str) == kind)
                if not m.any():
                    continue
                if zoom:
                    for geom in anomalies.geometry[m]:
                        for g in getattr(geom, "geoms", [geom]):
                            gx, gy = np.asarray(g.exterior.coords.xy)
                            ax.fill(gx, gy, color=colour, alpha=0.55, zorder=3, linewidth=0)
                ax.scatter(cent.x[m], cent.y[m], s=30 + 120 * rank[m], color=colour,
                           edgecolors=np.where(high[m], "black", "white"), linewidths=np.where(high[m], 1.8, 0.6),
                           zorder=4, alpha=0.9)
        ax.tick_params(labelsize=7)
        ax.ticklabel_format(useOffset=False, style="plain")

    draw(ax0, zoom=False)
    label_col = next((c for c in ("name_en", "name") if centrelines is not None and c in centrelines), None)
    if label_col is not None and len(centrelines):
        # English names where the table has them: the default fonts have no CJK glyphs
        for name, geom in zip(centrelines[label_col], centrelines.geometry, strict=True):
            if geom is not None and not geom.is_empty:
                p = geom.interpolate(0.5, normalized=True)
                ax0.annotate(str(name), (p.x, p.y), fontsize=8, color="#444444", xytext=(4, 4),
                             textcoords="offset points")
    handles = [Line2D([], [], marker="o", linestyle="", color=c, markersize=8, label=k) for k, c in KIND_COLOURS.items()]
    handles += [Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="black",
                       markeredgewidth=1.8, markersize=10, label="high risk (black edge; size = risk)"),
                Line2D([], [], color="#9a9a9a", linewidth=3, label="road centreline"),
                Line2D([], [], color="#3b6ea8", linewidth=1.2, label="survey track")]
    ax0.legend(handles=handles, loc="best", fontsize=8, framealpha=0.9)
    ax0.set_title(title or "Anomalies by kind and risk", fontsize=11)
    for i, name in enumerate(names):
        ax = fig.add_subplot(gs[1 + i // ncols, i % ncols])
        draw(ax, zoom=True)
        x, y = (np.asarray(v, float) for v in tracks[name])
        pad = 6.0
        cx, cy = 0.5 * (np.nanmin(x) + np.nanmax(x)), 0.5 * (np.nanmin(y) + np.nanmax(y))
        half = 0.5 * max(np.nanmax(x) - np.nanmin(x), np.nanmax(y) - np.nanmin(y)) + pad
        ax.set_xlim(cx - half, cx + half)
        ax.set_ylim(cy - half, cy + half)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.set_title(str(name), fontsize=9)
    return fig
