"""A weak layer reflection standing opposite to the direct wave's reference is an interface into a
faster medium (dry sand: base eps_r 6 over subbase 6.5 over subgrade 6), and the direct wave is
then the polarity reference (roadhealth.detect.prepare.WEAK_LAYER_REVERSED)."""

from __future__ import annotations

import math

import pytest
from conftest import detect_validation_file

import roadhealth.detect.prepare as P
from roadhealth.detect.prepare import DIRECT_WAVE_LAG_DEG, Prepared, relative_polarity


def _prepared(*, layer_deg, strength, surface_ns=0.0, first_arrival_deg=0.0):
    return Prepared(survey=None, centre_mhz=400.0, velocity_m_per_ns=0.1, velocity_source="test",
                    surface_polarity=-1, surface_measured=True, surface_ns=surface_ns, layer_phase_rad=math.radians(layer_deg), layer_strength=strength,
                    first_arrival_phase_rad=math.radians(first_arrival_deg),
                    polarity_source="opposite of the direct wave (ground-coupled first arrival)")


def _direct_deg(first_arrival_deg=0.0):
    return math.degrees(math.remainder(math.radians(first_arrival_deg + 180.0 + DIRECT_WAVE_LAG_DEG), 2 * math.pi))


def _deg(rad):
    return math.degrees(math.remainder(rad, 2 * math.pi))


def test_weak_layer_opposite_to_the_direct_wave_gives_way_to_it():
    direct = _direct_deg()
    pr = _prepared(layer_deg=direct + 170.0, strength=0.05)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(direct)
    assert "faster medium" in pr.polarity_reference
    # an air body's top, read against the reversed layer, would have the polarity of a wet zone
    air = math.radians(direct - 135.0)
    assert relative_polarity(air, pr.polarity_reference_rad) == pytest.approx(1.0)
    assert relative_polarity(air, pr.layer_phase_rad) < -0.9


@pytest.mark.parametrize("layer_offset, strength", [(30.0, 0.05),     # agreeing with the direct wave
                                                    (-50.0, 0.05),    # still on its side
                                                    (170.0, 0.30),    # strong: a real road layer
                                                    (100.0, 0.30)])   # strong, across it
def test_layer_keeps_the_reference_otherwise(layer_offset, strength):
    layer = _direct_deg() + layer_offset
    pr = _prepared(layer_deg=layer, strength=strength)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(_deg(math.radians(layer)))
    assert "layer reflection" in pr.polarity_reference and "faster medium" not in pr.polarity_reference


@pytest.mark.parametrize("layer_offset", [75.0, -90.0, 110.0])
def test_weak_layer_across_the_direct_wave_gives_way_to_it(layer_offset):
    # 60-120 degrees from the direct wave's reference a weak layer is neither a reflection into a
    # slower medium nor one into a faster one: a thin layer (its top and bottom merged, 90 degrees
    # turned) or a target's flanks in the mean trace of a short line. The direct wave decides.
    direct = _direct_deg()
    pr = _prepared(layer_deg=direct + layer_offset, strength=0.05)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(direct)
    text = pr.polarity_reference
    assert f"{abs(layer_offset):.0f} degrees from it" in text and "faster medium" not in text


def test_bound_between_across_and_kept_is_the_constant(monkeypatch):
    direct = _direct_deg()
    pr = _prepared(layer_deg=direct + 70.0, strength=0.05)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(direct)
    monkeypatch.setattr(P, "WEAK_LAYER_REVERSED", (0.15, 80.0))
    assert _deg(pr.polarity_reference_rad) == pytest.approx(_deg(math.radians(direct + 70.0)))


@pytest.mark.parametrize("layer_offset", [10.0, -10.0])
def test_angles_are_compared_around_the_circle(layer_offset):
    # phases live in -180..180 degrees: a weak layer 10 degrees from the direct wave's reference
    # across the +-180 wrap agrees with it (unwrapped, the two would stand 350 degrees apart)
    first = 175.0 - 180.0 - DIRECT_WAVE_LAG_DEG  # puts the direct wave's reference at 175 degrees
    assert _direct_deg(first) == pytest.approx(175.0)
    layer = _deg(math.radians(175.0 + layer_offset))  # 185 -> -175 (across the wrap) or 165
    pr = _prepared(layer_deg=layer, strength=0.05, first_arrival_deg=first)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(layer)


def test_strength_bar_is_strict():
    pr = _prepared(layer_deg=_direct_deg() + 170.0, strength=P.WEAK_LAYER_REVERSED[0])
    assert "faster medium" not in pr.polarity_reference


def test_no_direct_wave_reference_without_a_ground_coupled_first_arrival():
    # a raised antenna (the surface a separate later arrival): the direct wave's lag is no
    # reference, the weak layer stays
    pr = _prepared(layer_deg=_direct_deg() + 170.0, strength=0.05, surface_ns=3.0)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(_deg(math.radians(_direct_deg() + 170.0)))
    assert "faster medium" not in pr.polarity_reference


def test_switched_off_the_layer_always_wins(monkeypatch):
    monkeypatch.setattr(P, "WEAK_LAYER_REVERSED", None)
    layer = _direct_deg() + 170.0
    pr = _prepared(layer_deg=layer, strength=0.05)
    assert _deg(pr.polarity_reference_rad) == pytest.approx(_deg(math.radians(layer)))


@pytest.mark.parametrize("name", ["bw400_cavity_141", "bw400_cavity_125"])
def test_dry_sand_cavity_is_a_cavity(name, monkeypatch):
    # blind full-wave cavities in dry sand: the strongest layer reflection clear of the surface
    # wavelet (0.06 of the surface's) is the step back to the faster subgrade, 150-170 degrees
    # from the direct wave's reference; read against it the cavities were called wet zones
    rel = f"fullwave_blind/{name}_clean.sgy"
    kinds = list(detect_validation_file(rel)["kind"])
    assert "cavity" in kinds and "water_rich" not in kinds, kinds
    monkeypatch.setattr(P, "WEAK_LAYER_REVERSED", None)
    assert "water_rich" in list(detect_validation_file(rel)["kind"])


def test_cavity_whose_flanks_fill_a_short_line_is_a_cavity(monkeypatch):
    # a blind 400 MHz ellipsoidal cavity 0.61 m wide on a 3.9 m line: its hyperbola's flanks cross
    # the weak layer (0.06 of the surface's) on most traces, and the layer read 89 degrees from the
    # direct wave's reference; against it the cavity's top read -0.68 (a wet zone, clean and noisy)
    rel = "fullwave_blind/bw400_cavity_144_clean.sgy"
    kinds = list(detect_validation_file(rel)["kind"])
    assert kinds == ["cavity"], kinds
    # (the rule as measured: the layer read on the cut surface wavelet; read on the whole one, since
    # the fifty-seventh session, it stands nearer the direct wave and the cavity stays a cavity
    # without the rule)
    monkeypatch.setattr(P, "REFERENCE_PRE_PERIODS", None)
    monkeypatch.setattr(P, "WEAK_LAYER_REVERSED", (0.15, 120.0))
    assert list(detect_validation_file(rel)["kind"]) == ["water_rich"]
