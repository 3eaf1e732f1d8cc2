"""A top that is only a part of what every trace holds at its time is no body
(``classify.BACKGROUND_RESIDUAL``, sixty-fourth session).

On a short line the background taken away is the mean of the traces no defect disturbs. A body's
top reflects on its own: against a weak interface its excess over that background is as large as
the interface's reflection or larger, and where the background is strong (the surface wavelet over
a void under thin asphalt) the body is strong against the surface too. A region whose top reads
under about one times the background's reflection at its time *and* weak against the surface is
that reflection's own change along the line, and no defect of any kind (under 1.28 times and 0.22
of the surface, the separation measured; the rule's bar is 1.15-0.9 and 0.16-0.13). The surface bar (0.16-0.13)
sits low: a thin gap reflects in proportion to its thickness over the wavelength, and under a
longer pulse a true void under the asphalt reads 0.19. Measured on every region
the blind full-wave set called a defect: none of the 1,700 on a true body of their kind is both;
18 on no body are.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import classify as cl
from roadhealth.detect.classify import KINDS, Thresholds, classify, scores
from tests.test_detect_physics import _row

BLIND = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind"

#: The region blind ``bw400_pipe_170`` (clean) called a 'void' 0.73, as measured: a flat, coherent
#: top 0.2 m down, 0.76 m long, over an air-filled pipe 1 m down in heterogeneous one-soil ground
#: under 21 cm of asphalt; 0.35 times the background's reflection at its time, 0.13 of the
#: surface's. The interface under the asphalt changes along the line there; no gap.
INTERFACE_CHANGE = dict(
    polarity=-0.363, z_top=9.53, z_peak=14.65, z_peak_short=14.65, zc_peak=5.25, coherence=0.948,
    coherence_dip=0.961, top_range_ns=0.1, period_ns=2.4, distance_start_m=1.748, distance_end_m=2.508,
    depth_top_m=0.202, ringing=0.083, hyperbola_v_ratio=12.1, hyperbola_rms_ns=0.054, phase_consistency=0.969,
    phase_consistency_smooth=0.982, apex_flat_ratio=4.02, plane_rms_ns=0.062, dip_ns_per_m=0.12,
    background_ratio=0.353, top_surface_ratio=0.134, layer_shift_residual=0.416, layer_shift_periods=0.033,
    t_below_ns=3.3, flat_top_length_m=1.14, bottom_ratio=0.281, bottom_delay_ns=3.3, multiple_ratio=0.438,
    energy_delay_ns=2.8, at_line_end=0.0, fresnel_m=0.208, velocity_m_per_ns=0.122, z_surface=3.27,
    surface_ratio=0.223)


def _scores(**kw):
    return scores(pd.DataFrame([_row(**{**INTERFACE_CHANGE, **kw})]), Thresholds())


def test_a_part_of_the_interface_reflection_weak_against_the_surface_is_no_void():
    sc = _scores()
    assert all(sc[k].iloc[0] < 0.2 for k in KINDS)
    cls = classify(pd.DataFrame([_row(**INTERFACE_CHANGE)]), Thresholds())
    assert not cls["is_defect"].iloc[0]
    assert cls["background_residual"].iloc[0] > 0.8
    weaker = _scores(top_surface_ratio=0.08)  # the same under an integrated pulse: 0.079
    assert all(weaker[k].iloc[0] == 0.0 for k in KINDS)


def test_off_the_same_top_is_a_void(monkeypatch):
    monkeypatch.setattr(cl, "BACKGROUND_RESIDUAL", None)
    assert _scores()["void"].iloc[0] > 0.9


@pytest.mark.parametrize("kw", [
    dict(top_surface_ratio=0.45),  # as strong as a gap under thin asphalt (true voids: 0.27-0.77 there)
    dict(top_surface_ratio=0.19),  # a thin gap under a longer pulse (a blind 200 MHz void, integrated: 0.19)
    dict(background_ratio=1.6),  # a reflection of its own, stronger than the background's
    dict(background_ratio=1.2),  # just over the background's (the bar starts at 1.15)
    dict(background_ratio=np.nan),  # not measured (a long line's moving background): no say
])
def test_a_top_of_its_own_stays_a_void(kw):
    assert _scores(**kw)["void"].iloc[0] > 0.9


def test_the_rule_acts_on_every_kind():
    """A wet-looking top (the surface's polarity, further down) that is as much a part of the
    background is no wet zone either."""
    wet = dict(polarity=-1.0, depth_top_m=0.9, t_below_ns=15.0, distance_start_m=1.0, distance_end_m=2.5,
               top_surface_ratio=0.08)
    with_rule = _scores(**wet)
    assert with_rule["water_rich"].iloc[0] == 0.0
    own = _scores(**wet, background_ratio=3.0)
    assert own["water_rich"].iloc[0] > 0.5


def _detect(name, variant="clean"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.detect(roadhealth.read(BLIND / f"{name}_{variant}.sgy"))


@pytest.mark.parametrize("variant", ["clean", "noisy"])
def test_the_blind_line_over_a_deep_pipe_has_no_void_under_its_asphalt(variant, monkeypatch):
    """``bw400_pipe_170`` (blind batch 203): an air-filled PVC pipe 1.02 m down; no void. Its
    heterogeneous base changes the reflection under the asphalt over 1.7-2.5 m."""
    det = _detect("bw400_pipe_170", variant)
    assert "void" not in set(det["kind"])
    assert not (det["depth_top_m"] < 0.5).any()
    monkeypatch.setattr(cl, "BACKGROUND_RESIDUAL", None)
    before = _detect("bw400_pipe_170", variant)
    assert "void" in set(before["kind"])  # the call the rule takes away


def test_a_blind_void_under_the_asphalt_is_kept():
    """``bw400_void_36`` (clean): a void 0.09 m down, 0.46 times the background there (the
    surface wavelet's tail) and 0.44 of the surface's: a gap of its own."""
    det = _detect("bw400_void_36")
    assert "void" in set(det["kind"])
