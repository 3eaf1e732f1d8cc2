"""A body of soil told by what rings under a weak top (``classify.RINGING_WEAK_BODY``).

An air body's bottom reflection and internal multiples return its own contrast (|r| 0.4-0.6 under
soil): where its top reads weak because the body is small or deep, its bottom is weakened alike, and
it rings no more than a strong one. A body of looser or drier soil reflects weakly at its top
(|r| 0.05-0.15) while what scatters inside it does not follow that contrast. Blind full-wave
loose zones with domed tops (``bw600_loose_14``, ``bw900_loose_20`` ...) were called cavities: tops
0.06-0.10 of the surface's, ringing 0.56-1.21; blind cavities found clean with tops under 0.14 of
the surface's ring at most 0.26. Noise under a faint top rings as well (noisy blind cavities at
``z_peak`` 14-19 rang 0.61), so the top must stand clear of the noise."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import classify as cl
from roadhealth.detect import explain
from roadhealth.detect.classify import Thresholds, classify
from tests.test_detect_physics import _row


@pytest.fixture(autouse=True)
def _two_d_spreading(monkeypatch):
    """These tests read the rule as set on 2-D simulations, whose deep reflections are as strong
    against the surface as a line source leaves them: the strength is taken as measured
    (``classify.STRENGTH_SPREADING`` off; what that adds: ``tests/test_detect_strength_spreading.py``)."""
    monkeypatch.setattr(cl, "STRENGTH_SPREADING", None)


BLIND = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind"
HANDWRITTEN = Path(__file__).resolve().parents[1] / "validation" / "handwritten"

#: The domed top of the blind 600 MHz loose zone ``bw600_loose_14`` (clean) as measured: of air's
#: polarity, 0.08 of the surface's, ringing 1.04, a bottom 0.66 of it with a multiple (0.28) over
#: the multiple path's bar, not continuous at zero dip (0.45): no other soil-body rule reads it.
BASE = dict(polarity=1.0, z_top=687.0, z_peak=896.0, z_peak_short=896.0, zc_peak=401.0, distance_start_m=0.69,
            distance_end_m=1.76, top_range_ns=0.82, coherence=0.45, coherence_dip=0.84, coherence_below=0.41,
            hyperbola_v_ratio=1.81, hyperbola_rms_ns=0.38, hyperbola_rms_all_ns=0.50, apex_flat_ratio=0.92,
            phase_consistency=0.85, ringing=1.04, period_ns=1.62, depth_top_m=0.70, fresnel_m=0.34,
            flat_top_length_m=1.07, top_surface_ratio=0.083, bottom_ratio=0.66, bottom_delay_ns=5.16,
            multiple_ratio=0.28, plane_rms_ns=0.78, t_below_ns=12.8)


def _kind(**change):
    cls = classify(pd.DataFrame([_row(**{**BASE, **change})]), Thresholds())
    return cls["decision"].iloc[0], cls


def test_the_row_is_a_cavity_without_the_rule(monkeypatch):
    """What the rule acts on: the row is an air body to every other rule."""
    monkeypatch.setattr(cl, "RINGING_WEAK_BODY", None)
    assert _kind()[0] == "cavity"


@pytest.mark.parametrize("change, kind", [
    ({}, "loose"),  # a weak top with much under it: soil
    ({"top_surface_ratio": 0.2}, "cavity"),  # as strong as air under soil: an air body that rings
    ({"ringing": 0.2}, "cavity"),  # little under a weak top: a small or deep air body
    ({"z_peak": 15.0, "z_peak_short": 15.0}, "cavity"),  # a faint top over noise: the noise rings
    ({"top_surface_ratio": np.nan}, "cavity"),  # strength not measured (a long line): nothing said
])
def test_the_kind_follows_the_top_and_what_rings_under_it(change, kind):
    decision, cls = _kind(**change)
    assert decision == kind
    assert (cls["weak_ringing_body"].iloc[0] >= cl.SOIL_BODY_CALL) == (kind == "loose")


def _detect(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.detect(roadhealth.read(BLIND / f"{name}_clean.sgy"))


def test_the_blind_loose_zone_is_loose_where_it_is_and_says_why():
    """``bw600_loose_14``: a loose zone 0.85-2.24 m along the line, its top 0.62 m down."""
    det = _detect("bw600_loose_14")
    assert list(det["kind"]) == ["loose"]
    r = det.iloc[0]
    assert r["distance_start_m"] < 2.24 and r["distance_end_m"] > 0.85 and abs(r["depth_top_m"] - 0.62) < 0.2
    assert "does not follow its weak top" in r["evidence"]
    # the engineer's sentence says the same (not a missing internal multiple: 0.28 is an air body's)
    text = explain(r)
    assert "scattering inside" in text and "internal multiple" not in text


def test_a_weak_topped_cavity_that_rings_little_stays_a_cavity():
    """``bw400_cavity_57``: a cavity whose top reads 0.02 of the surface's and rings 0.25."""
    det = _detect("bw400_cavity_57")
    assert "cavity" in set(det["kind"])


def test_the_hand_written_dry_sand_box_is_soil_by_this_rule_alone(monkeypatch):
    """The hand-written homogeneous eps_r 5 box in the 400 MHz road's subgrade (``drybox400``: top
    0.076 of the surface's, ringing 1.03 with its bottom and the layer under it), loose by its wide
    flat top (``WEAK_FLAT_BODY``), is loose by this rule where that one is off: a homogeneous body
    of soil, not only a scattering one."""
    monkeypatch.setattr(cl, "WEAK_FLAT_BODY", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = roadhealth.detect(roadhealth.read(HANDWRITTEN / "drybox400_merged.h5"))
    assert list(det["kind"]) == ["loose"]
    assert "does not follow its weak top" in det.iloc[0]["evidence"]


def test_with_both_rules_on_the_box_is_explained_by_its_wide_flat_top():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = roadhealth.detect(roadhealth.read(HANDWRITTEN / "drybox400_merged.h5"))
    assert "wide flat top" in explain(det.iloc[0])
