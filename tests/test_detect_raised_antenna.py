"""An antenna held above the road (air-launched): its height puts the road surface after the direct
wave (``detect(..., antenna_height_m=h)`` or ``attrs["antenna_height_m"]``).

Dipoles in air see the surface reflection some five times weaker than their direct wave, and a
ground-coupled line's pavement reflections reach as much at the same delays (blind full-wave
set, docs/detection.md), so the record alone is read as ground-coupled: the air gap's two-way
time is converted at the ground's velocity and every top reads 0.1-0.16 m deep. Given the height,
the surface is the reflection it predicts."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

import roadhealth
from roadhealth.detect import candidates, detect
from roadhealth.detect.prepare import prepare, raised_surface
from roadhealth.errors import DetectionError

BLIND = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind"


def _line(name):
    path = BLIND / f"{name}.sgy"
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.read(path)


def _truth(name):
    return gpd.read_file(BLIND / f"{name}_truth.geojson").iloc[0]


@pytest.mark.parametrize(("name", "height"), [("bw900_void_21", 0.35), ("bw1500_void_05", 0.4)])
def test_the_height_puts_a_void_at_its_depth(name, height):
    """gprMax, dipoles 0.35 m up at 900 MHz and 0.4 m up at 1.5 GHz, 2-3 cm voids under the asphalt:
    read as ground-coupled the void is 0.11-0.14 m too deep; with the height within 0.04 m."""
    s = _line(f"{name}_clean")
    top = float(_truth(name)["depth_top_m"])

    def void_top(d):
        v = d[d["kind"] == "void"]
        assert len(v) == 1, d[["kind", "depth_top_m", "confidence"]]
        return float(v["depth_top_m"].iloc[0])

    ground = void_top(detect(s))
    given = detect(s, antenna_height_m=height)
    assert ground - top > 0.08  # the air gap read as ground
    assert abs(void_top(given) - top) < 0.04
    assert "above the road" in given.attrs["detect"]["polarity_source"] or any(
        "above the road" in n for n in given.attrs["detect"]["notes"])
    # the same from the survey's attribute (where a reader or the user put it)
    assert abs(void_top(detect(s.assign_attrs(antenna_height_m=height))) - top) < 0.04


def test_the_surface_is_the_reflection_the_height_predicts():
    """The surface of a line 0.4 m up at 900 MHz: the strongest arrival near 2.67 ns after the
    direct wave (2.2 ns in the record: the separation and the dipoles' phase centres), of the
    polarity opposite to a cavity's; a height of a few centimetres leaves the surface in the
    direct wave (None: read as ground-coupled)."""
    s = _line("bw900_cavity_28_clean")
    pr = prepare(s.assign_attrs(antenna_height_m=0.4))
    assert 1.9 < pr.surface_ns < 2.7
    assert pr.surface_measured
    ground = prepare(s)
    assert ground.surface_ns == 0.0
    assert raised_surface(s, pr.centre_mhz, 0.03) is None  # decided by the delay alone


def test_a_raised_clean_road_stays_quiet_given_the_height():
    """gprMax, a clean road under a 1.5 GHz antenna 0.45 m up: read as ground-coupled it reported a
    loose zone (confidence 1.00) in the air gap's time; with the height, nothing."""
    s = _line("bw1500_clean_02_clean")
    assert len(detect(s, antenna_height_m=0.45)) == 0


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "high", 12.0])
def test_a_bad_height_is_a_clear_error(bad):
    s = _line("bw900_void_21_clean")
    with pytest.raises(DetectionError, match="antenna_height_m"):
        detect(s, antenna_height_m=bad)
    with pytest.raises(DetectionError, match="antenna_height_m"):
        candidates(s.assign_attrs(antenna_height_m=bad))


def test_a_height_beyond_the_record_is_a_clear_error():
    s = _line("bw900_void_21_clean")
    with pytest.raises(DetectionError, match="beyond the record"):
        detect(s, antenna_height_m=4.0)


def test_the_cli_passes_the_height(tmp_path):
    from roadhealth.cli import main

    src = BLIND / "bw900_void_21_clean.sgy"
    if not src.exists():
        pytest.skip(f"{src} not in this checkout")
    out = tmp_path / "found.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["detect", str(src), "--out", str(out), "--antenna-height-m", "0.35", "-q"]) == 0
    found = gpd.read_file(out, layer="anomalies")
    top = float(_truth("bw900_void_21")["depth_top_m"])
    voids = found[found["kind"] == "void"]
    assert len(voids) == 1 and abs(float(voids["depth_top_m"].iloc[0]) - top) < 0.04
    assert np.isfinite(json.loads(found["features"].iloc[0])["z_top"])


def test_a_recipe_that_picks_the_surface_is_not_shifted_again():
    """A recipe whose time zero already picks the surface reflection (``pick = "surface"``): the
    height does not move the surface a second time."""
    from roadhealth.processing.recipe import load_recipe

    s = _line("bw900_void_21_clean").assign_attrs(antenna_height_m=0.35)
    r = load_recipe(None)
    steps = [dict(st, params={**(st.get("params") or {}), "pick": "surface", "skip_ns": 1.5})
             if st["name"] == "time_zero" else st for st in r["steps"]]
    pr = prepare(s, {"name": "surface-picked", "steps": steps})
    assert pr.surface_ns == 0.0
    assert prepare(s).surface_ns > 1.5  # the default recipe picks the direct wave: the height moves it



def test_a_campaign_passes_the_height_to_detect(tmp_path):
    """``[detect] antenna_height_m`` of a campaign.toml is one of detect's options."""
    from roadhealth.campaign.config import load_campaign

    (tmp_path / "campaign.toml").write_text('surveys = []\n[detect]\nantenna_height_m = 0.35\n')
    assert load_campaign(tmp_path).detect["antenna_height_m"] == 0.35


def test_a_processed_survey_with_its_background_takes_the_height_too():
    """A survey processed up to, not including, the background removal (its time zero on the
    direct wave, as the history says): the height moves its surface as on the raw record."""
    import roadhealth.processing as rp
    from roadhealth.processing.recipe import load_recipe

    s = _line("bw900_void_21_clean")
    r = load_recipe(None)
    head = rp.apply(s, {"name": "head", "steps": [st for st in r["steps"] if st["name"] != "background_removal"]})
    top = float(_truth("bw900_void_21")["depth_top_m"])
    assert prepare(head).surface_ns == 0.0
    pr = prepare(head.assign_attrs(antenna_height_m=0.35))
    assert 1.5 < pr.surface_ns < 2.4
    voids = detect(head, antenna_height_m=0.35)
    voids = voids[voids["kind"] == "void"]
    assert len(voids) == 1 and abs(float(voids["depth_top_m"].iloc[0]) - top) < 0.06


def test_the_streamed_reference_takes_the_height():
    """The reference that the window-by-window path measures on the raw traces
    (``surface_reference``) puts the surface where ``prepare`` does."""
    from roadhealth.detect.prepare import surface_reference

    s = _line("bw900_void_21_clean").assign_attrs(antenna_height_m=0.35)
    assert surface_reference(s)["surface_ns"] == pytest.approx(prepare(s).surface_ns, abs=0.05)
    assert surface_reference(s.assign_attrs(antenna_height_m=None))["surface_ns"] == 0.0
