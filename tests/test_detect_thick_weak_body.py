"""A body of soil at the voids' depth, told by its bottom (``classify.THICK_WEAK_BODY``).

A void is a thin air gap under the pavement: its top and bottom merge into one wavelet, and the
event that reads as its "bottom" is the next layer. A body of looser or drier soil built as one
homogeneous box returns its (small) contrast twice, at its top and, reversed, at its bottom,
2h sqrt(eps_r)/c later, nearly as strong. Where such a box lay within the voids' depth, its wide,
flat, continuous top of air's polarity was a 'void': the hand-written eps_r 6.5 box 0.55 m down
under a 900 MHz antenna (``validation/handwritten/loosebox900_merged.h5``: top 0.126 of the
surface's, bottom 0.74 of its top) was a void at 0.79, clean and noisy, until the sixty-second
session. Blind full-wave voids found clean read ``bottom_ratio`` at most 0.65, and those whose tops
are under 0.2 of the surface's at most 0.33."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from roadhealth.detect import classify as cl
from roadhealth.detect.classify import Thresholds, classify
from tests.test_detect_physics import _row
from tests.test_detect_weak_flat_body import _detect, one_loose_body

HANDWRITTEN = Path(__file__).resolve().parents[1] / "validation" / "handwritten"

#: A strong, flat, continuous top of air's polarity 0.25 m down (the voids' depth), reflecting 0.15
#: of the surface's (over ``WEAK_FLAT_BODY``'s bar for a top alone), with no measured internal
#: multiple and a bottom 0.75 as strong 5 ns under it.
BASE = dict(polarity=0.95, z_top=60.0, z_peak=300.0, z_peak_short=300.0, distance_start_m=1.0,
            distance_end_m=2.1, top_range_ns=0.2, coherence=0.98, coherence_dip=0.99, coherence_below=0.8,
            hyperbola_v_ratio=8.0, hyperbola_rms_ns=0.05, apex_flat_ratio=3.0, phase_consistency=0.97,
            ringing=0.1, period_ns=1.2, depth_top_m=0.25, flat_top_length_m=1.05, top_surface_ratio=0.15,
            bottom_ratio=0.75, bottom_delay_ns=5.0, multiple_ratio=float("nan"), plane_rms_ns=0.03,
            t_below_ns=4.0)


def _kind(**change):
    cls = classify(pd.DataFrame([_row(**{**BASE, **change})]), Thresholds())
    return cls["decision"].iloc[0], cls


def test_the_row_is_a_void_without_the_rule(monkeypatch):
    """The row is what the void rule calls a void (so the test below measures the new rule)."""
    monkeypatch.setattr(cl, "THICK_WEAK_BODY", None)
    assert _kind()[0] == "void"


@pytest.mark.parametrize("change, kind", [
    ({}, "loose"),  # weak for air over a bottom nearly as strong: a thick body of soil
    ({"bottom_ratio": 0.3}, "void"),  # the next layer under a thin gap
    ({"top_surface_ratio": 0.25}, "void"),  # as strong as a thin air gap reflects
    ({"top_surface_ratio": float("nan")}, "void"),  # not measured: nothing said
    ({"coherence": 0.6}, "cavity"),  # no flat continuous top: an air body whose size may weaken it
])
def test_the_kind_follows_the_top_and_the_bottom(change, kind):
    decision, cls = _kind(**change)
    assert decision == kind
    assert (cls["weak_flat_body"].iloc[0] >= cl.SOIL_BODY_CALL) == (kind == "loose")


def test_the_900_mhz_box_is_loose_soil_where_it_is_and_says_why():
    """``loosebox900``: an eps_r 6.5 box, 0.9-1.9 m along the line's truth, 0.3 m tall, top 0.55 m."""
    r = one_loose_body("loosebox900", 0.9, 1.9, 0.55, 0.1)
    assert "bottom reflection" in r["evidence"] and "thin air gap has no bottom" in r["evidence"]


def test_without_it_the_900_mhz_box_is_a_void(monkeypatch):
    monkeypatch.setattr(cl, "THICK_WEAK_BODY", None)
    assert list(_detect(HANDWRITTEN / "loosebox900_merged.h5")["kind"]) == ["void"]


def test_an_air_box_under_the_same_antenna_stays_an_air_body():
    """The hand-written air box under the 900 MHz road (0.5 x 0.15 m, top 0.45 m): a top five times
    stronger."""
    det = _detect(HANDWRITTEN / "airbox900_merged.h5")
    assert list(det["kind"]) == ["cavity"]
