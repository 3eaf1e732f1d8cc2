"""A body of soil told from air by its strength (``classify.WEAK_FLAT_BODY``).

Looser or drier soil (a lower permittivity) reflects with the polarity of air, and an independent
model may build it as one homogeneous box. Its top and bottom are then what an air body's would
be, only weaker: |r| 0.05-0.15 against 0.4-0.6 for air under soil. Where its internal multiple is
measurable, the multiple tells it (``SOIL_BODY_MULTIPLE``); noise lifts that reading to an air
body's. A wide, flat, laterally continuous top is not weakened by its size, so its reflection
against the surface's (``top_surface_ratio``, the gain undone) says it too: the hand-written boxes
of eps_r 5-9 read 0.025-0.076, the blind full-wave cavities whose tops are as flat and continuous
0.20-0.90. Before the sixty-first session the eps_r 5 box under a 400 MHz line
(``validation/handwritten/drybox400_merged.h5``) was a cavity at 0.86, clean and noisy."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import classify as cl
from roadhealth.detect.classify import Thresholds, classify
from tests.test_detect_physics import _row

HANDWRITTEN = Path(__file__).resolve().parents[1] / "validation" / "handwritten"

#: A strong, flat, continuous top of air's polarity with a bottom that rings like air's (its
#: multiple 0.3 of it, over the multiple path's bar), reflecting 0.05 of the surface's.
BASE = dict(polarity=0.95, z_top=60.0, z_peak=300.0, z_peak_short=300.0, distance_start_m=1.0,
            distance_end_m=2.2, top_range_ns=0.3, coherence=0.95, coherence_dip=0.97, coherence_below=0.8,
            hyperbola_v_ratio=6.0, hyperbola_rms_ns=0.05, apex_flat_ratio=3.0, phase_consistency=0.95,
            ringing=0.2, period_ns=2.2, depth_top_m=0.8, flat_top_length_m=1.1, top_surface_ratio=0.05,
            bottom_ratio=0.6, multiple_ratio=0.3, plane_rms_ns=0.05, t_below_ns=14.0)


@pytest.mark.parametrize("change, kind", [
    ({}, "loose"),  # weak, wide, flat and continuous: soil on soil
    ({"top_surface_ratio": 0.3}, "cavity"),  # as strong as air under soil
    ({"coherence": 0.5}, "cavity"),  # a curved top (diffractions), whose strength its size cuts
    ({"flat_top_length_m": 0.4}, "cavity"),  # narrower than the bar: its size may weaken it
    ({"depth_top_m": 1.5}, "cavity"),  # deeper than any flat air body the blind set measured
    ({"top_surface_ratio": np.nan}, "cavity"),  # not measured (a long line, or an unknown gain)
])
def test_the_kind_follows_the_strength_of_a_wide_flat_top(change, kind):
    cls = classify(pd.DataFrame([_row(**{**BASE, **change})]), Thresholds())
    assert cls["decision"].iloc[0] == kind
    assert (cls["weak_flat_body"].iloc[0] >= cl.SOIL_BODY_CALL) == (kind == "loose")


def test_a_body_of_soil_by_its_strength_is_as_sure_as_the_air_body_it_would_be():
    rows = [_row(**BASE), _row(**{**BASE, "top_surface_ratio": 0.3})]
    cls = classify(pd.DataFrame(rows), Thresholds())
    assert list(cls["decision"]) == ["loose", "cavity"]
    assert cls["confidence"].iloc[0] == pytest.approx(cls["confidence"].iloc[1])


def test_off_it_is_the_air_body_again(monkeypatch):
    monkeypatch.setattr(cl, "WEAK_FLAT_BODY", None)
    cls = classify(pd.DataFrame([_row(**BASE)]), Thresholds())
    assert cls["decision"].iloc[0] == "cavity"


def _detect(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.detect(roadhealth.read(path))


def one_loose_body(model, start_m, end_m, top_m, top_tol_m):
    """The one detection on a hand-written model, checked to be loose over the body (its ends
    within 0.15 m, its top within ``top_tol_m``); returned for its evidence."""
    det = _detect(HANDWRITTEN / f"{model}_merged.h5")
    assert len(det) == 1
    r = det.iloc[0]
    assert r["kind"] == "loose"
    assert abs(r["distance_start_m"] - start_m) <= 0.15 and abs(r["distance_end_m"] - end_m) <= 0.15
    assert abs(r["depth_top_m"] - top_m) <= top_tol_m
    return r


def test_a_dry_sand_box_is_loose_soil_where_it_is():
    """The hand-written eps_r 5 box (1.3-2.1 m of the line, 0.3 m tall, top 1.0 m down, in the
    400 MHz road's subgrade): one detection, loose, over the box, its evidence saying why."""
    r = one_loose_body("drybox400", 1.3, 2.1, 1.0, 0.12)
    assert "as soil on soil does" in r["evidence"]


def test_without_it_the_dry_sand_box_is_a_cavity(monkeypatch):
    """(With the rule on the energy under a weak top off as well: that one reads the box as soil
    too, see ``test_detect_ringing_weak_body``.)"""
    monkeypatch.setattr(cl, "WEAK_FLAT_BODY", None)
    monkeypatch.setattr(cl, "RINGING_WEAK_BODY", None)
    det = _detect(HANDWRITTEN / "drybox400_merged.h5")
    assert list(det["kind"]) == ["cavity"]


def test_an_air_box_on_the_same_road_stays_a_cavity():
    """The hand-written air box (0.8 x 0.3 m, top 0.8 m down): as flat and continuous a top, five
    times stronger."""
    det = _detect(HANDWRITTEN / "airbox400_merged.h5")
    assert list(det["kind"]) == ["cavity"]


def test_where_the_missing_multiple_says_it_too_the_evidence_gives_that():
    """The body of soil by its missing internal multiple (``SOIL_BODY_MULTIPLE``) was there first;
    where both say soil, the row is marked as that one's (its evidence names the multiple)."""
    cls = classify(pd.DataFrame([_row(**{**BASE, "multiple_ratio": 0.1})]), Thresholds())
    assert cls["decision"].iloc[0] == "loose"
    assert cls["soil_body"].iloc[0] >= cl.SOIL_BODY_CALL and cls["weak_flat_body"].iloc[0] == 0.0


def test_one_skipped_pick_is_no_layer_step():
    """The layer-step guard (``SOIL_BODY_LAYER_STEP``) reads the plane's misfit without isolated
    cycle skips: a flat top whose one edge pick jumped a lobe keeps a small misfit, a top in two
    runs at two depths keeps its large one."""
    from roadhealth.detect.features import _robust_plane_rms

    period = 2.2
    x = np.linspace(1.2, 2.4, 25)
    a = np.vstack([np.ones_like(x), x - x.mean()]).T
    rng = np.random.default_rng(0)
    flat = 13.6 + 0.15 * rng.standard_normal(x.size)
    flat[0] += 2.6  # one pick a lobe late
    step = np.where(x < 1.8, 13.6, 13.6 + period)
    for t, small in ((flat, True), (step, False)):
        coef, *_ = np.linalg.lstsq(a, t, rcond=None)
        rms_all = float(np.sqrt(np.mean((a @ coef - t) ** 2)))
        kept = _robust_plane_rms(a, t, coef, period)
        assert (kept < 0.15 * period) == small
        assert kept <= rms_all
    # so a body of soil whose noisy top has such a skip stays loose, and a stepping layer does not
    rows = [_row(**{**BASE, "plane_rms_ns": 0.55, "plane_rms_kept_ns": 0.2}),
            _row(**{**BASE, "plane_rms_ns": 0.55, "plane_rms_kept_ns": 0.55})]
    cls = classify(pd.DataFrame(rows), Thresholds())
    assert cls["decision"].iloc[0] == "loose" and cls["decision"].iloc[1] != "loose"
