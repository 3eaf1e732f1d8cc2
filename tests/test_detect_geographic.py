"""Footprints of a survey whose positions are longitudes and latitudes: drawn in metres."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

import roadhealth
from roadhealth.detect import candidates, detect
from roadhealth.errors import RoadHealthWarning

LINE = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind" / "bw400_cavity_01_clean.sgy"
E0, N0, UTM = 540000.0, 3408000.0, "EPSG:32649"  # near Wanzhou, WGS84 / UTM 49N


def _in_degrees(heading_deg=30.0):
    """The blind line (a cavity 0.8 m down at 1.2-1.9 m) with its positions as WGS84 lon/lat along
    a line heading 30 degrees east of north, and the positions in metres (UTM) it stands for."""
    if not LINE.exists():
        pytest.skip(f"{LINE} not in this checkout")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)
        s = roadhealth.read(LINE)
    d = np.asarray(s.coords["distance_m"].values, dtype=float).reshape(-1)
    e, n = E0 + d * np.sin(np.radians(heading_deg)), N0 + d * np.cos(np.radians(heading_deg))
    lon, lat = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform(e, n)
    g = s.assign_coords(x=(("channel", "trace"), np.asarray(lon)[None]), y=(("channel", "trace"), np.asarray(lat)[None]))
    g.attrs["crs"] = "EPSG:4326"
    return s, g, d


def test_a_survey_in_longitude_and_latitude_gets_footprints_in_metres_in_its_own_crs():
    s, g, _ = _in_degrees()
    local = detect(s)
    geo = detect(g)
    assert list(geo["kind"]) == list(local["kind"]) == ["cavity"]
    assert str(geo.crs) == "EPSG:4326"
    poly = geo.to_crs(UTM).geometry.iloc[0]
    # the same footprint as in the local frame (metres), placed along the line's heading
    assert poly.area == pytest.approx(local.geometry.iloc[0].area, rel=1e-3)
    along = (poly.centroid.x - E0) * np.sin(np.radians(30)) + (poly.centroid.y - N0) * np.cos(np.radians(30))
    mid = 0.5 * (geo["distance_start_m"].iloc[0] + geo["distance_end_m"].iloc[0])
    assert along == pytest.approx(mid, abs=0.1)
    # (drawn in degrees, a 0.9 m wide footprint had been 0.9 degrees, some 100 km, wide)
    assert np.ptp(np.asarray(geo.geometry.iloc[0].exterior.xy[0])) < 1e-4


def test_degrees_without_a_crs_give_the_local_frame_and_a_warning():
    _, g, d = _in_degrees()
    g.attrs["crs"] = None
    with pytest.warns(RoadHealthWarning, match="degrees"):
        out = detect(g)
    assert out.crs is None
    x0, _, x1, _ = out.geometry.iloc[0].bounds
    assert d[0] <= x0 < x1 <= d[-1] + 0.5
    with pytest.warns(RoadHealthWarning, match="degrees"):
        assert candidates(g).crs is None


def test_a_local_frame_table_is_written_without_a_crs_warning(tmp_path):
    """A table in the local frame (crs None, by contract) is written to a GeoPackage without
    pyogrio's "'crs' was not provided" warning, which reached the command line's output."""
    import geopandas as gpd
    import shapely

    from roadhealth.campaign.cache import write_gpkg

    table = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0).buffer(1)], crs=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_gpkg(tmp_path / "a.gpkg", {"anomalies": table})
    assert gpd.read_file(tmp_path / "a.gpkg", layer="anomalies").crs is None


def test_a_geographic_crs_on_metres_falls_back_to_the_local_frame_with_a_warning():
    """x/y in metres labelled EPSG:4326 are no longitudes and latitudes: a warning and local-frame
    footprints (choosing a UTM zone for them had raised)."""
    _, g, d = _in_degrees()
    g = g.assign_coords(x=(("channel", "trace"), (540000.0 + d)[None]), y=(("channel", "trace"), np.full((1, d.size), 3408000.0)))
    with pytest.warns(RoadHealthWarning, match="no longitude and latitude"):
        out = detect(g)
    assert out.crs is None and list(out["kind"]) == ["cavity"]


def test_positions_repeated_over_several_traces_are_still_metres():
    """GNSS fixes at 1 Hz repeat over several traces: most steps are 0, the path is not (no
    'degrees?' warning, footprints in the survey's metric frame)."""
    s, _, d = _in_degrees()
    held = np.floor(np.arange(d.size) / 4) * 4  # each fix held over four traces
    x = (E0 + d[held.astype(int)])[None]
    m = s.assign_coords(x=(("channel", "trace"), x), y=(("channel", "trace"), np.full_like(x, N0)))
    m.attrs["crs"] = None
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        out = detect(m)
    assert out.geometry.iloc[0].bounds[0] > E0


def test_a_survey_in_a_crs_of_feet_gets_footprints_as_wide_in_feet_as_they_are_in_metres():
    """NAD83 / New York Long Island (ftUS), EPSG:2263: x/y in US survey feet. The footprint is the
    local frame's, in feet (its width had been the metres' number of feet, a third of it)."""
    s, _, d = _in_degrees()
    ft = 0.30480060960121924
    g = s.assign_coords(x=(("channel", "trace"), ((300000.0 + d) / ft)[None]),
                        y=(("channel", "trace"), np.full((1, d.size), 60000.0 / ft)))
    g.attrs["crs"] = "EPSG:2263"
    local = detect(s).geometry.iloc[0]
    feet = detect(g).geometry.iloc[0]
    assert feet.area == pytest.approx(local.area / ft**2, rel=1e-6)
    _, y0, _, y1 = feet.bounds
    _, ly0, _, ly1 = local.bounds
    assert (y1 - y0) == pytest.approx((ly1 - ly0) / ft, rel=1e-6)
