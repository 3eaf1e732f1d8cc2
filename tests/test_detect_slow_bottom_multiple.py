"""A wet lens's bottom at about twice its top's time is not taken for the top's surface multiple
when it is too strong for one (roadhealth.detect.core.SLOW_BOTTOM_MULTIPLE_MAX).

A 'cavity' under a much stronger reflection of the surface's polarity is a slow body's bottom (a
wet lens: wetter to drier soil reflects as air does), unless it lies at a whole multiple of that
reflection's time, where a surface multiple (which comes back with the polarity of air) would lie.
A multiple of a reflector of coefficient r under a surface of coefficient r_s returns r r_s of its
primary (less the spreading), and the primary over the surface is about r / r_s: so a reflection
more than (upper / surface) times its upper one is no multiple of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import roadhealth
from roadhealth.detect import core

BLIND = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind"


def _multiple(r: float, r_s: float, t_surface: float, t_primary: float, power: float):
    """Surface, primary and first surface multiple amplitudes of a flat reflector of coefficient
    ``r`` under a surface of coefficient ``r_s``, for a wave spreading as t**-power (0.5: 2-D, 1: 3-D)
    and times measured from the source."""
    g = lambda t: t ** -power  # noqa: E731
    surface = r_s * g(t_surface)
    primary = (1 - r_s ** 2) * r * g(t_primary)
    multiple = (1 - r_s ** 2) * r * r_s * r * g(2 * t_primary)
    return surface, primary, multiple


@pytest.mark.parametrize(("power", "ratios"), [(0.5, (1.5, 3.0, 6.0, 12.0, 17.0)), (1.0, (1.5, 3.0, 5.5))])
@pytest.mark.parametrize("r", [0.05, 0.3, 1.0])
@pytest.mark.parametrize("r_s", [0.3, 0.5])
def test_a_surface_multiple_is_never_too_strong_to_be_one(power, ratios, r, r_s):
    """Whatever the reflector (a weak lens top to a metal plate) and the surface (|r_s| up to 0.5),
    its multiple passes as a multiple: for a 2-D wave with the primary up to 17 times the surface's
    time from the source, for a 3-D one up to 5.5 times (the bound is reached at six)."""
    for ratio in ratios:
        surface, primary, multiple = _multiple(r, r_s, 1.0, ratio, power)
        assert not core.too_strong_for_a_multiple(primary, multiple, surface)


def test_a_lens_bottom_as_strong_as_the_blind_one_is_too_strong():
    """The blind lens ``bw400_water_rich_115``: its top 0.085 of the surface, its bottom 0.103 of
    its top (the gain undone); a multiple there would be a few hundredths of the top."""
    assert core.too_strong_for_a_multiple(0.085, 0.085 * 0.103, 1.0)
    assert not core.too_strong_for_a_multiple(0.085, 0.085 * 0.03, 1.0)


def test_off_or_unknown_surface_keeps_the_multiple_rule(monkeypatch):
    assert not core.too_strong_for_a_multiple(0.085, 0.0085, 0.0)
    monkeypatch.setattr(core, "SLOW_BOTTOM_MULTIPLE_MAX", None)
    assert not core.too_strong_for_a_multiple(0.085, 0.0085, 1.0)


@pytest.mark.skipif(not (BLIND / "bw400_water_rich_115_clean.sgy").exists(), reason="blind full-wave files not in this checkout")
@pytest.mark.parametrize("on", [True, False])
def test_the_blind_lens_domed_over_a_layer_is_a_wet_zone(monkeypatch, on):
    """Blind batch 216's 400 MHz lens (1.86 m, top 0.68 m, eps_r 19.6), domed over a layer: its
    bottom, 1.93 times its top's time under the surface, was a 'cavity' 0.46 m too deep (the
    multiple rule held the slow-bottom rule back); it is the wet zone, its top moved up to the
    lens's. Off: the 'cavity' again."""
    import warnings

    if not on:
        monkeypatch.setattr(core, "SLOW_BOTTOM_MULTIPLE_MAX", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = roadhealth.detect(roadhealth.read(BLIND / "bw400_water_rich_115_clean.sgy"))
    over = d[(d["distance_end_m"] > 0.95) & (d["distance_start_m"] < 2.81)]
    assert len(over) == 1
    r = over.iloc[0]
    if on:
        assert r["kind"] == "water_rich" and abs(r["depth_top_m"] - 0.68) < 0.15
        assert "slow_bottom_ratio" in r["features"]  # called so by the slow-bottom rule
    else:
        assert r["kind"] == "cavity" and r["depth_top_m"] > 1.0
