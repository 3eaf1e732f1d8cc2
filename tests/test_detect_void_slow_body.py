"""A flat top that firmly keeps the surface's polarity under the upper part of the pavement is a
slower body's top, a wet lens, not a void's (``classify.VOID_SLOW_BODY``); an air gap that
close to the surface, whose reflection overlaps the surface's, stays a void whatever its
polarity reads, and so does a gap of undefined polarity deeper down."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import roadhealth.detect.classify as C
from roadhealth.detect.classify import Thresholds, classify, scores


def _flat_top(**kw):
    """A strong, flat, continuous top of one wavelet, 1.1 m long, that rings little: the void
    rule's picture (a blind lens read as a void: 0.57 m down, polarity -0.99, consistency 0.96)."""
    row = {"polarity": -0.99, "z_top": 40.0, "z_peak": 60.0, "z_peak_short": 60.0, "zc_peak": 2.0,
           "coherence": 0.98, "coherence_dip": 0.98, "top_range_ns": 0.1, "period_ns": 2.5,
           "distance_start_m": 1.0, "distance_end_m": 2.1, "depth_top_m": 0.57, "ringing": 0.13,
           "hyperbola_v_ratio": np.nan, "hyperbola_rms_ns": np.nan, "phase_consistency": 0.96,
           "n_channels_survey": 1, "channel_fraction": 1.0, "channel_amplitude_ratio": 1.0,
           "apex_line_rms_m": np.nan, "apex_flat_ratio": 3.0, "z_surface": 0.0, "surface_ratio": 0.0,
           "plane_rms_ns": 0.1, "dip_ns_per_m": 0.0}
    row.update(kw)
    return row


def test_a_deep_flat_top_of_the_surfaces_polarity_is_a_wet_lens_not_a_void():
    f = pd.DataFrame([_flat_top(),                                  # the lens: wet
                      _flat_top(depth_top_m=0.19, polarity=-0.86),  # a void under thin asphalt
                      _flat_top(polarity=0.1),                      # a thin gap deeper down: 90 deg
                      _flat_top(polarity=0.9)])                     # a gap of the polarity of air
    sc = scores(f, Thresholds())
    assert sc["void"].iloc[0] == 0.0 and sc["water_rich"].iloc[0] > 0.8
    assert sc["void"].iloc[1] > 0.8 and sc["void"].iloc[2] > 0.8 and sc["void"].iloc[3] > 0.8
    out = classify(f, Thresholds())
    assert out["decision"].tolist() == ["water_rich", "void", "void", "void"]


@pytest.mark.parametrize("depth, polarity, slow", [(0.53, -1.0, 0.5), (0.56, -1.0, 1.0), (0.5, -1.0, 0.0),
                                                    (0.6, -0.6, 0.5), (0.6, -0.5, 0.0), (0.6, -0.8, 1.0)])
def test_the_rule_ramps_in_depth_and_polarity(depth, polarity, slow, monkeypatch):
    f = pd.DataFrame([_flat_top(depth_top_m=depth, polarity=polarity)])
    on = scores(f, Thresholds())["void"].iloc[0]
    monkeypatch.setattr(C, "VOID_SLOW_BODY", None)
    off = scores(f, Thresholds())["void"].iloc[0]
    assert off > 0.5
    assert on == pytest.approx(off * (1 - slow), abs=1e-9)


def test_switched_off_the_lens_stays_a_void(monkeypatch):
    monkeypatch.setattr(C, "VOID_SLOW_BODY", None)
    assert classify(pd.DataFrame([_flat_top()]), Thresholds())["decision"].tolist() == ["void"]
