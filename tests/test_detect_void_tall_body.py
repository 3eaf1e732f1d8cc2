"""A flat shallow air top is no thin gap where the body under it rings with a bottom and an
internal multiple of its own (``classify.VOID_TALL_BODY``): an air body tall enough to return its
bottom apart from its top bounces between the two (r^2 of the bottom), while a gap thinner than a
quarter wavelength returns one wavelet and what rings under it is the layer it lies on, with no
such multiple; a 'multiple' stronger than the bottom it follows is another reflector."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import roadhealth.detect.classify as C
from roadhealth.detect.classify import Thresholds, classify, scores


def _air_top(**kw):
    """A strong, flat, continuous top of the polarity of air, 0.6 m long, 0.37 m down, one wavelet
    along it: the void rule's picture (a blind 900 MHz flat-topped cavity 0.42 m tall, read as a
    void: ringing 0.74, bottom 0.65 of its top 2.96 ns under it, internal multiple 0.38)."""
    row = {"polarity": 1.0, "z_top": 300.0, "z_peak": 580.0, "z_peak_short": 580.0, "zc_peak": 20.0,
           "coherence": 0.96, "coherence_dip": 0.96, "top_range_ns": 0.1, "period_ns": 1.1,
           "distance_start_m": 1.05, "distance_end_m": 1.65, "depth_top_m": 0.37, "ringing": 0.74,
           "bottom_ratio": 0.65, "bottom_delay_ns": 2.96, "multiple_ratio": 0.38,
           "hyperbola_v_ratio": np.nan, "hyperbola_rms_ns": np.nan, "phase_consistency": 0.95,
           "n_channels_survey": 1, "channel_fraction": 1.0, "channel_amplitude_ratio": 1.0,
           "apex_line_rms_m": np.nan, "apex_flat_ratio": 3.0, "z_surface": 0.0, "surface_ratio": 0.0,
           "plane_rms_ns": 0.05, "dip_ns_per_m": 0.0}
    row.update(kw)
    return row


def test_a_flat_air_top_that_rings_with_an_air_multiple_is_a_cavity_not_a_void():
    f = pd.DataFrame([_air_top(),                                            # the tall body
                      _air_top(ringing=0.38, multiple_ratio=0.09),           # a gap on a layer: no multiple
                      _air_top(ringing=0.08, multiple_ratio=0.4),            # a thin gap: nothing under it
                      _air_top(ringing=0.74, multiple_ratio=np.nan),         # no multiple measured
                      _air_top(ringing=0.35, multiple_ratio=2.39)])          # a layer after the 'bottom'
    sc = scores(f, Thresholds())
    assert sc["void"].iloc[0] == 0.0 and sc["cavity"].iloc[0] > 0.8
    assert (sc["void"].iloc[1:] > 0.8).all()
    assert classify(f, Thresholds())["decision"].tolist() == ["cavity", "void", "void", "void", "void"]


@pytest.mark.parametrize("ringing, multiple, tall", [(0.3, 0.4, 0.5), (0.35, 0.25, 0.5), (0.5, 0.3, 1.0),
                                                     (0.25, 0.5, 0.0), (0.5, 0.2, 0.0), (0.3, 0.25, 0.25),
                                                     (0.5, 0.9, 0.5), (0.5, 1.2, 0.0)])
def test_the_rule_ramps_in_ringing_and_multiple(ringing, multiple, tall, monkeypatch):
    f = pd.DataFrame([_air_top(ringing=ringing, multiple_ratio=multiple)])
    on = scores(f, Thresholds())["void"].iloc[0]
    monkeypatch.setattr(C, "VOID_TALL_BODY", None)
    off = scores(f, Thresholds())["void"].iloc[0]
    assert off > 0.5
    assert on == pytest.approx(off * (1 - tall), abs=1e-9)


def test_switched_off_the_tall_body_stays_a_void(monkeypatch):
    monkeypatch.setattr(C, "VOID_TALL_BODY", None)
    assert classify(pd.DataFrame([_air_top()]), Thresholds())["decision"].tolist() == ["void"]
