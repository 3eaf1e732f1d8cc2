"""A strong zone incoherent every way that nothing else explains is loose soil
(roadhealth.detect.classify.LOOSE_INCOHERENT_ZONE), except in the shadow of a much stronger
reflector above it (roadhealth.detect.core._unexplained_under_stronger)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import detect_validation_file

from roadhealth.detect.classify import Thresholds, classify
from roadhealth.detect.core import _unexplained_under_stronger


def _row(**kw):
    """A noisy 400 MHz loose zone's region as the blind set measured it (`bw400_loose_33`, noisy):
    strong, incoherent at zero dip and along its dip, no hyperbola, 1.4 m, but its few bright
    columns agree in polarity and phase and little rings under them."""
    base = {"polarity": -0.63, "phase_consistency": 0.49, "z_top": 20.0, "z_peak": 53.0, "z_peak_short": 46.0,
            "zc_peak": 7.9, "coherence": 0.12, "coherence_dip": 0.49, "ringing": 0.12, "top_range_ns": 2.2,
            "period_ns": 2.5, "hyperbola_v_ratio": 1.76, "hyperbola_rms_ns": 1.2, "hyperbola_rms_all_ns": 1.22,
            "apex_flat_ratio": 0.47, "distance_start_m": 1.2, "distance_end_m": 2.56, "region_start_m": 1.2,
            "region_end_m": 2.56, "depth_top_m": 0.57, "n_columns": 9, "n_channels_survey": 1,
            "channel_fraction": 1.0, "channel_amplitude_ratio": 1.0, "apex_line_rms_m": np.nan,
            "z_surface": 0.0, "surface_ratio": 0.0, "plane_rms_ns": 1.0, "dip_ns_per_m": 0.0,
            "velocity_m_per_ns": 0.1, "at_line_end": 0.0}
    base.update(kw)
    return base


def test_a_strong_zone_incoherent_every_way_is_loose_whatever_its_few_bright_columns_agree_on():
    rows = [_row(),
            _row(coherence=0.7),                            # coherent at zero dip: a reflector
            _row(coherence_dip=0.9),                        # coherent along its dip: a flank
            _row(hyperbola_rms_all_ns=0.5),                 # its picks fit a hyperbola (0.2 period)
            _row(hyperbola_rms_all_ns=2.6),                 # picks jumping over a period: several events
            _row(n_columns=2),                              # one or two columns: no top measured
            _row(hyperbola_rms_all_ns=np.nan),              # picks that could not be fitted: none either
            _row(distance_start_m=2.2, region_start_m=2.2),  # 0.36 m: one scatterer, not a zone
            _row(z_peak=9.0, z_peak_short=9.0)]             # barely above the background
    c = classify(pd.DataFrame(rows), Thresholds())
    assert c["decision"].iloc[0] == "loose" and c["unexplained_zone"].iloc[0] > 0.5
    assert not (c["decision"].iloc[1:] == "loose").any(), list(c["decision"])


def test_in_an_array_a_zone_linear_in_plan_across_every_channel_is_no_loose_zone():
    """The sample campaign's air-filled PVC pipe crossing a 12-channel array (its region: all
    channels, apexes on a line within 0.11 m) scores zero as every kind, incoherent as it is; it is
    not an unexplained zone. The same region scattered in plan (apexes off a line by 0.6 m) is."""
    array = dict(n_channels_survey=12, channel_fraction=1.0, channel_amplitude_ratio=0.82)
    c = classify(pd.DataFrame([_row(**array, apex_line_rms_m=0.11), _row(**array, apex_line_rms_m=0.6)]),
                 Thresholds())
    assert c["decision"].iloc[0] != "loose" and c["unexplained_zone"].iloc[0] == 0.0
    assert c["decision"].iloc[1] == "loose"


def test_an_incoherent_zone_that_another_kind_explains_keeps_that_kind():
    """A wet lens's broken dome (a top of the surface's polarity, one wavelet, flat over 1.4 m)
    scores as wet; the unexplained-zone path does not take it."""
    wet = _row(polarity=-0.95, phase_consistency=0.95, top_range_ns=0.5, apex_flat_ratio=3.0, coherence=0.35,
               coherence_dip=0.7)
    c = classify(pd.DataFrame([wet]), Thresholds())
    assert c["decision"].iloc[0] != "loose" and c["unexplained_zone"].iloc[0] == 0.0


def test_an_unexplained_zone_under_a_much_stronger_reflector_is_its_shadow():
    cls = pd.DataFrame({
        "decision": ["pipe", "loose", "loose", "loose"],
        "is_defect": [False, True, True, True],
        "confidence": [0.0, 1.0, 1.0, 1.0],
        "unexplained_zone": [0.0, 1.0, 1.0, 0.0],
        "z_peak": [580.0, 36.0, 36.0, 36.0],
        "t_top_ns": [8.6, 14.5, 14.5, 14.5],
        "period_ns": [1.1, 1.1, 1.1, 1.1],
        "t_min": [90, 105, 300, 105], "t_max": [150, 200, 360, 200],
        "c_min": [0, 0, 0, 0], "c_max": [0, 0, 0, 0]}, index=[1, 2, 3, 4])
    out = _unexplained_under_stronger(cls)
    # under the pipe: dropped; beside it: kept; loose by the loose rules' own evidence: kept
    assert list(out["decision"]) == ["pipe", "weak", "loose", "loose"]
    assert out["confidence"].iloc[1] == 0.0 and not out["is_defect"].iloc[1]
    # a layer's residual above (it runs along the line over anything) casts no such shadow, and a
    # region that is not stronger neither
    assert list(_unexplained_under_stronger(cls.assign(decision=["layer", "loose", "loose", "loose"]))["decision"]) \
        == ["layer", "loose", "loose", "loose"]
    assert list(_unexplained_under_stronger(cls.assign(z_peak=[60.0, 36.0, 36.0, 36.0]))["decision"]) \
        == ["pipe", "loose", "loose", "loose"]
    # NaN extents (no strong columns measured) shadow nothing and do not fail
    assert list(_unexplained_under_stronger(cls.assign(t_min=np.nan))["decision"]) == ["pipe", "loose", "loose", "loose"]
    # a categorical decision column is handled
    cat = cls.assign(decision=pd.Categorical(cls["decision"]))
    assert list(_unexplained_under_stronger(cat)["decision"]) == ["pipe", "weak", "loose", "loose"]


def test_full_wave_noisy_loose_zone_is_found_and_the_shadow_of_a_metal_pipe_is_not_loose():
    """Blind `bw400_loose_33` (noisy; called nothing before the rule) is a loose zone; the main
    set's 900 MHz metal pipe (`fw900_pipe_03`, clean), whose shadow the rule alone had called loose
    at 0.77, has no detection."""
    found = detect_validation_file("fullwave_blind/bw400_loose_33_noisy.sgy")
    assert (found["kind"] == "loose").any()
    # the evidence says why (not the polarity of its few bright scatterers)
    from roadhealth.detect import explain

    row = found[found["kind"] == "loose"].iloc[0]
    assert "no other kind explains" in row["evidence"]
    assert "incoherent zone" in explain(row) and "surface's polarity" not in explain(row)
    assert detect_validation_file("fullwave/fw900_pipe_03_clean.sgy").empty
