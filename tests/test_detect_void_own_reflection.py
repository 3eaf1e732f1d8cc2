"""A flat top that reflects on its own, and strongly, is strong enough for a void whatever the
noise (roadhealth.detect.classify.VOID_OWN_REFLECTION): the void rule's scores measure a top
against the section's noise, so under noise a thin gap's top scores like a layer residual of a
quiet record. Its reflection against the short line's background trace (``background_ratio``), the
part of it no shift of that trace explains (``layer_shift_residual``) and its strength against the
surface's with the gain undone (``top_surface_ratio``, roadhealth.detect.core._background_ratios)
do not depend on the noise."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import VALIDATION, detect_validation_file

from roadhealth.detect import classify as K
from roadhealth.detect.classify import Thresholds, classify


def _row(**kw):
    """A flat, continuous top under the asphalt, one wavelet along it, as the blind noisy void
    under the asphalt `bw900_void_12` measures: top score 3.9 under a peak of 12.6."""
    base = {"polarity": 0.0, "z_top": 3.9, "z_peak": 12.6, "z_peak_short": 12.6, "coherence": 0.99,
            "coherence_dip": 0.99, "top_range_ns": 0.1, "period_ns": 1.1, "distance_start_m": 0.34,
            "distance_end_m": 1.92, "depth_top_m": 0.18, "t_below_ns": 2.9, "ringing": 0.05,
            "hyperbola_v_ratio": np.nan, "hyperbola_rms_ns": np.nan, "phase_consistency": 0.96,
            "n_channels_survey": 1, "channel_fraction": 1.0, "channel_amplitude_ratio": 1.0,
            "apex_line_rms_m": np.nan, "apex_flat_ratio": 3.0, "zc_peak": 6.0, "z_surface": 0.0,
            "surface_ratio": 0.0, "plane_rms_ns": 0.05, "dip_ns_per_m": 0.0, "at_line_end": 0.0,
            "background_ratio": 2.1, "layer_shift_residual": 0.95, "layer_shift_periods": 0.02,
            "top_surface_ratio": 0.44}
    base.update(kw)
    return base


def test_a_weak_scoring_flat_top_reflecting_on_its_own_is_a_void():
    """Twice the background's reflection, nearly all of it its own and 0.44 of the surface's: a
    void, though its top scores under the rule's bar. As strong against the background as a layer
    is (1.0), or explained by the background moved (0.1 left), or as weak against the surface as
    the clean roads' layer residuals that pass the first two (0.04), or on a long line (nothing
    measured), it stays a layer, as it did before the rule."""
    rows = [_row(),
            _row(background_ratio=1.0),
            _row(layer_shift_residual=0.1),
            _row(top_surface_ratio=0.04),
            _row(background_ratio=np.nan, layer_shift_residual=np.nan, layer_shift_periods=np.nan,
                 top_surface_ratio=np.nan)]
    c = classify(pd.DataFrame(rows), Thresholds())
    assert c["decision"].iloc[0] == "void"
    assert list(c["decision"].iloc[1:]) == ["layer"] * 4


def test_without_the_rule_the_weak_scoring_top_is_a_layer(monkeypatch):
    """The counterfactual: with the rule off the same top is a layer (what the blind noisy voids
    were called), so the first test shows the rule's effect."""
    monkeypatch.setattr(K, "VOID_OWN_REFLECTION", None)
    c = classify(pd.DataFrame([_row()]), Thresholds())
    assert c["decision"].iloc[0] == "layer"


def _found(det, truth):
    t = truth.iloc[0]
    on = ((det["distance_end_m"] >= t.distance_start_m - 0.3) & (det["distance_start_m"] <= t.distance_end_m + 0.3)
          & ((det["depth_top_m"] - t.depth_top_m).abs() < 0.2))
    return det[on]


@pytest.mark.parametrize("name", ["bw900_void_12", "bw400_void_49"])
def test_blind_noisy_voids_that_read_as_layers_are_found(name, monkeypatch):
    """Two blind voids under noise (a 2.6 cm gap under the asphalt at 900 MHz on dry soils; a
    2.9 cm gap under the base at 400 MHz over wet clay): voids now, layers with the rule off."""
    truth_path = VALIDATION / "fullwave_blind" / f"{name}_truth.geojson"
    if not truth_path.exists():
        pytest.skip(f"{truth_path} not in this checkout")
    truth = gpd.read_file(truth_path)
    hit = _found(detect_validation_file(f"fullwave_blind/{name}_noisy.sgy"), truth)
    assert (hit["kind"] == "void").any()
    monkeypatch.setattr(K, "VOID_OWN_REFLECTION", None)
    assert _found(detect_validation_file(f"fullwave_blind/{name}_noisy.sgy"), truth).empty


def test_a_gaps_strength_against_the_surface_does_not_depend_on_noise_or_gain():
    """``top_surface_ratio`` of a thin gap under the asphalt (a synthetic line: the gap's two
    reflections 0.6 of the surface's, 0.2 ns apart) is the same, within a tenth, with and without
    noise that cuts its robust score by an order, and a layer stepped by 0.16 ns (a residual of
    two shifted copies of a reflection a quarter of the surface's, about 0.25 x 2 pi x 0.16 / 2.5
    = 0.1 of the surface's) reads under half of it and under the rule's bar.
    It is NaN where the gain cannot be undone (AGC after the background removal)."""
    from test_detect_layer_shift import _line, _over_middle, _regions

    from roadhealth.survey import make_survey

    def with_noise(s, level):
        x = s.values.astype(float)
        x = x + level * 8000 * np.random.default_rng(7).standard_normal(x.shape)
        return make_survey(x.astype(np.float32), dt_ns=0.05, distance_m=s["distance_m"].values.reshape(-1),
                           antenna_mhz=400.0)

    def top(survey):
        mid = _over_middle(_regions(survey))
        return mid.loc[mid["z_peak"].idxmax()]

    quiet, loud = top(_line(gap=0.6)), top(with_noise(_line(gap=0.6), 0.08))
    assert loud["z_peak"] < 0.1 * quiet["z_peak"]
    assert loud["top_surface_ratio"] == pytest.approx(quiet["top_surface_ratio"], rel=0.1)
    step = top(_line(layer_shift_ns=0.16))
    assert step["top_surface_ratio"] < min(quiet["top_surface_ratio"] / 2, K.VOID_OWN_REFLECTION[2][0])

    from roadhealth.detect import core

    gained = _line(gap=0.6).rh.time_zero().rh.background_removal().rh.agc()
    assert core._recorded_gain(gained) is None
    tpower = _line(gap=0.6).rh.time_zero().rh.background_removal().rh.tpower_gain(stop_ns=12.0)
    g = core._recorded_gain(tpower)
    assert g is not None and g[0] == 1.0 and g.max() > 2.0
