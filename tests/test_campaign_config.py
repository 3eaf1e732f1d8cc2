"""campaign.toml parsing, discovery by convention, cache helpers and slice rasters (fast tests)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from roadhealth.campaign import CampaignError, load_campaign
from roadhealth.campaign.cache import RunLock, atomic_dir, key_of, remove_parts

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"


def test_sample_campaign_toml():
    c = load_campaign(SAMPLE)
    assert c.source == "campaign.toml" and c.crs == "EPSG:4545"
    assert [p.name for p in c.surveys] == sorted(p.name for p in SAMPLE.glob("*.DZT"))
    assert {"FUKANG.DZT", "JINLING.DZT", "WAIMAO.DZT"} <= {p.name for p in c.surveys}
    assert c.centrelines.name == "centrelines.gpkg" and c.truth.name == "truth.gpkg"
    assert c.slices["depth_m"][0] == 0.1 and c.depth == {"eps_r": 8.0}
    assert c.thickness == {"window_ns": [2.2, 5.0], "eps_r": 5.5, "step_traces": 20}
    names = {p.name for p in c.inputs()}
    assert {"WAIMAO.DZG", "campaign.toml", "cores.csv"} <= names and "README.md" not in names
    assert c.problems == []


def _folder(tmp_path: Path, toml: str | None) -> Path:
    d = tmp_path / "c"
    d.mkdir()
    if toml is not None:
        (d / "campaign.toml").write_text(toml)
    return d


@pytest.mark.parametrize("toml, match", [
    ('titel = "x"', "unknown key 'titel'"),
    ("crs = 4545", r"crs = 4545; expected str"),
    ('crs = "EPSG:4326"', "not projected"),
    ("[slices]\ndepth_m = [0.5, 0.3]", "increasing"),
    ("[slices]\nresolution = 0.1", r"unknown key \[slices\] 'resolution'"),
    ("[depth]\neps_r = 0.5", "relative permittivity"),
    ('recipe = "nothere.toml"', "no such file"),
    ("[thickness]\nwindow_ns = [5.0, 2.0]", "window_ns"),
    ("surveys = [1]", "expected a file name or glob"),
    ("= broken", "not valid TOML"),
    # found by fuzzing: a NaN edge passed the increasing check and gave all-NaN slices (exit 0)
    ("[slices]\ndepth_m = [0.1, nan, 0.5]", "increasing depths"),
    ("[slices]\ndepth_m = [-0.2, 0.3]", "increasing depths"),
    ("[slices]\nresolution_m = inf", "resolution_m = inf"),
    ('[evidence]\nmargin_m = "x"', r"\[evidence\] margin_m = 'x'"),
    ("[evidence]\nmax_anomalies = -1", "max_anomalies = -1"),
])
def test_bad_campaign_toml_names_key_and_value(tmp_path, toml, match):
    with pytest.raises(CampaignError, match=match) as info:
        load_campaign(_folder(tmp_path, toml))
    assert "campaign.toml" in str(info.value)


def test_patterns_that_match_nothing_are_problems_not_errors(tmp_path):
    d = _folder(tmp_path, 'surveys = ["*.DZT", "missing/*.sgy"]\ncores = "cores.csv"\n')
    shutil.copy(SAMPLE / "FUKANG.DZT", d / "FUKANG.DZT")
    c = load_campaign(d)
    assert [p.name for p in c.surveys] == ["FUKANG.DZT"]
    reasons = sorted(p["reason"] for p in c.problems)
    assert len(reasons) == 2 and "matches no file" in reasons[1] and "no such file" in reasons[0]


def test_discovery_by_convention(tmp_path):
    d = _folder(tmp_path, None)
    for name in ("FUKANG.DZT", "FUKANG.DZG", "centrelines.gpkg", "cores.csv", "surface_condition.csv",
                 "truth.gpkg", "README.md", "campaign.json"):
        shutil.copy(SAMPLE / name, d / name)
    (d / "road2").mkdir()
    shutil.copy(SAMPLE / "JINLING.DZT", d / "road2" / "JINLING.DZT")
    (d / "mystery.bin").write_bytes(b"?")
    (d / ".hidden").mkdir()
    (d / ".hidden" / "X.DZT").write_bytes(b"?")
    old = d / "old_out"
    old.mkdir()
    (old / "run.json").write_text("{}")
    (old / "Y.DZT").write_bytes(b"?")
    c = load_campaign(d)
    assert c.source == "convention"
    assert [p.relative_to(d).as_posix() for p in c.surveys] == ["FUKANG.DZT", "mystery.bin", "road2/JINLING.DZT"]
    assert c.crs == "EPSG:4545"  # from the centrelines
    assert c.cores.name == "cores.csv" and c.condition.name == "surface_condition.csv"
    assert c.truth.name == "truth.gpkg"


def test_keys_change_with_any_part():
    base = key_of("survey", "abc", {"recipe": [1, 2]}, 8.0)
    assert base == key_of("survey", "abc", {"recipe": [1, 2]}, 8.0)
    assert base != key_of("survey", "abd", {"recipe": [1, 2]}, 8.0)
    assert base != key_of("survey", "abc", {"recipe": [2, 1]}, 8.0)
    assert base != key_of("survey", "abc", {"recipe": [1, 2]}, 8.5)
    assert key_of({"a": 1, "b": 2}) == key_of({"b": 2, "a": 1})  # key order is not meaning


def test_atomic_dir_appears_whole_or_not_at_all(tmp_path):
    final = tmp_path / "k"
    with pytest.raises(RuntimeError), atomic_dir(final) as tmp:
        (tmp / "a").write_text("half")
        raise RuntimeError("killed")
    assert not final.exists() and list(tmp_path.iterdir()) == []
    with atomic_dir(final) as tmp:
        (tmp / "a").write_text("whole")
    assert (final / "a").read_text() == "whole"
    # a leftover of a killed process is removed by the next run
    (tmp_path / ".x.abc.part").mkdir()
    (tmp_path / ".y.gpkg.part").write_text("")
    assert remove_parts(tmp_path) == 2 and sorted(p.name for p in tmp_path.iterdir()) == ["k"]


def test_run_lock_is_exclusive(tmp_path):
    with RunLock(tmp_path), pytest.raises(CampaignError, match="another roadhealth run"), RunLock(tmp_path):
        pass
    with RunLock(tmp_path):  # released
        pass


def test_slice_tiles_blank_the_inside_of_a_bend(tmp_path):
    """A curved strip: pixels inside the bend, far from every trace, are nodata, not interpolated."""
    import rasterio

    from roadhealth.campaign.rasters import write_slice_tiles

    r, n_t = 20.0, 400
    theta = np.linspace(0, np.pi, n_t)  # a half circle of radius 20 m, 63 m long
    offsets = np.array([-0.3, 0.0, 0.3])
    x = (r + offsets[:, None]) * np.cos(theta)[None] + 500000.0
    y = (r + offsets[:, None]) * np.sin(theta)[None] + 3400000.0
    vals = np.broadcast_to(np.arange(n_t, dtype=np.float32), (2, 3, n_t)).copy()
    da = xr.DataArray(vals, dims=("slice", "channel", "trace"),
                      coords={"x": (("channel", "trace"), x), "y": (("channel", "trace"), y),
                              "distance_m": (("channel", "trace"), np.broadcast_to(theta * r, (3, n_t))),
                              "top": ("slice", [0.1, 0.3]), "bottom": ("slice", [0.3, 0.5])},
                      attrs={"window": "depth_m", "statistic": "envelope"})
    tiles = write_slice_tiles(da, tmp_path, "ARC", resolution_m=0.1, tile_length_m=100.0, crs="EPSG:4545")
    assert [t["file"] for t in tiles] == ["ARC.tif"]
    with rasterio.open(tmp_path / "ARC.tif") as src:
        img = src.read(1)
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG" and src.crs.to_epsg() == 4545
        row, col = src.index(500000.0, 3400000.0 + 5.0)  # inside the bend, 15 m from the strip
        assert np.isnan(img[row, col])
        row, col = src.index(500000.0, 3400000.0 + r)  # on the strip at its apex (trace 200)
        assert img[row, col] == pytest.approx(199.5, abs=2.0)
        assert src.descriptions == ("envelope 0.1-0.3 m", "envelope 0.3-0.5 m")
    tiles = write_slice_tiles(da, tmp_path / "t", "ARC", resolution_m=0.1, tile_length_m=25.0, crs="EPSG:4545")
    assert [t["file"] for t in tiles] == ["ARC.000.tif", "ARC.001.tif", "ARC.002.tif"]
    assert all(os.path.getsize(tmp_path / "t" / t["file"]) > 0 for t in tiles)


def test_write_gpkg_refuses_a_missing_folder_or_a_folder(tmp_path):
    import geopandas as gpd
    import shapely

    from roadhealth.campaign.cache import write_gpkg
    from roadhealth.errors import WriteError

    g = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4545")
    with pytest.raises(WriteError, match="is not an existing folder"):
        write_gpkg(tmp_path / "no" / "x.gpkg", {"t": g})
    with pytest.raises(WriteError, match="is a folder"):
        write_gpkg(tmp_path, {"t": g})
    write_gpkg(tmp_path / "x.gpkg", {"t": g})
    assert len(gpd.read_file(tmp_path / "x.gpkg")) == 1 and not list(tmp_path.glob(".*part*"))
