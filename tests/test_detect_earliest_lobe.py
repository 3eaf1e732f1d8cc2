"""A region's top read again at each column's earliest strong wavelet (``features.EARLY_TOP_FRACTION``,
``core._remeasure_earliest_lobe``).

A column's top is the strongest wavelet within 2.5 periods of its first sample. Under a flat-topped
air cavity the bottom reflection and the crossing diffractions of the two edges arrive together, one
to two periods after the top and stronger. Read there, the top has the surface's polarity, its
extent is the crossing's few traces, and the region reads as nothing: blind ``bw600_cavity_50``
(0.92 x 0.35 m, flat top 0.85 m down in dry sand, 600 MHz Gaussian-derivative pulse, clean) was
missed. A region called nothing is now measured again with each column's top at the earliest
envelope maximum reaching 0.6 of the strongest and lying at least a period before it."""
from __future__ import annotations

import numpy as np
import pytest

from roadhealth.detect import core
from roadhealth.detect.features import _earliest_strong_lobe
from tests.conftest import detect_validation_file


def _envelope(peaks, n=80, width=3.0):
    x = np.arange(n)
    return sum(a * np.exp(-0.5 * ((x - c) / width) ** 2) for c, a in peaks)


@pytest.mark.parametrize("peaks, expected", [
    ([(10, 0.7), (40, 1.0)], 10),  # an earlier separate wavelet, 0.7 of the top: taken
    ([(10, 0.4), (40, 1.0)], None),  # too faint: the strongest stays
    ([(34, 0.7), (40, 1.0)], None),  # within a period of the strongest: not a separate wavelet
    ([(40, 1.0), (60, 0.9)], None),  # a later wavelet never replaces it
    ([(5, 0.65), (20, 0.8), (40, 1.0)], 5),  # the earliest of those that qualify
])
def test_the_earliest_strong_lobe(peaks, expected):
    env = np.vstack([_envelope(peaks)])
    j = np.argmax(env, axis=1)
    assert _earliest_strong_lobe(env, j, 0.6, period=25)[0] == (j[0] if expected is None else expected)


def test_rows_are_independent():
    env = np.vstack([_envelope([(10, 0.7), (40, 1.0)]), _envelope([(10, 0.3), (40, 1.0)])])
    got = _earliest_strong_lobe(env, np.argmax(env, axis=1), 0.6, period=25)
    assert list(got) == [10, 40]


def _cavities(det):
    return det[det["kind"].astype(str) == "cavity"]


def test_a_flat_topped_cavity_is_found_at_its_top():
    det = detect_validation_file("fullwave_blind/bw600_cavity_50_clean.sgy")
    cav = _cavities(det)
    assert len(cav) == 1
    row = cav.iloc[0]
    # the truth: 1.03-1.95 m along the line, top 0.85 m down
    assert row["distance_start_m"] < 1.25 and row["distance_end_m"] > 1.75
    assert abs(row["depth_top_m"] - 0.85) < 0.2
    # and its evidence says how its top was read
    assert "earliest strong wavelet" in row["evidence"]


def test_a_cavity_read_at_its_strongest_wavelet_says_nothing_of_it():
    det = detect_validation_file("fullwave_blind/bw400_cavity_01_clean.sgy")
    cav = _cavities(det)
    assert len(cav) >= 1
    assert not cav["evidence"].str.contains("earliest strong wavelet").any()


def test_without_the_remeasure_it_is_missed(monkeypatch):
    # the counterfactual: read at its strongest wavelet the region is called nothing
    monkeypatch.setattr(core, "REMEASURE_EARLY_DECISIONS", None)
    det = detect_validation_file("fullwave_blind/bw600_cavity_50_clean.sgy")
    assert len(_cavities(det)) == 0
