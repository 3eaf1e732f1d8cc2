"""A region's top is its heaviest event, not a few columns that peaked on a later lobe
(``features.HEAVIER_TOP_RATIO``, ``features._apex_time``).

A region's apex is the top time of its strongest columns, and columns whose tops lie more than half
a period above it are set aside as shallower events joined through weak voxels. Under noise and a
3-D wave's spreading, the two strongest columns of a flat cavity top 0.9 m long can peak a period
and a half late (on its bottom and the crossing diffractions of its edges), while the nineteen
columns of the top itself, at 0.3-0.5 of the strongest, were then all set aside: the region shrank
to two columns and read as nothing (robustness variant ``noisy_3d`` of blind ``bw600_cavity_58``).
An event above the apex that carries at least twice the apex's own envelope is now the top."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from roadhealth.detect import features
from roadhealth.detect.features import _apex_time, _Groups

LATE_PAIR = ([266 + (i % 5) for i in range(19)] + [303, 303],  # 19 columns of the top at samples
             [0.3 + 0.008 * i for i in range(19)] + [0.47, 0.58])  # 266-270; the two strongest at 303


def _apex(s, e, period=26):
    """The apex time of one region's columns as region_features reads it, without the rule and
    with it."""
    s, e = np.asarray(s, float), np.asarray(e, float)
    g = _Groups(np.zeros(s.size, dtype=int))
    e_max = g.max(e)[g.inv]
    ratio = features.HEAVIER_TOP_RATIO
    try:
        features.HEAVIER_TOP_RATIO = None
        before = _apex_time(g, s, e, e_max, period)
    finally:
        features.HEAVIER_TOP_RATIO = ratio
    return before, _apex_time(g, s, e, e_max, period)


def test_a_heavy_event_above_a_few_late_columns_is_the_top():
    before, after = _apex(*LATE_PAIR)
    assert before[0] == 303
    assert 266 <= after[0] <= 270


@pytest.mark.parametrize("s, e", [
    # a light event above: one column, under twice the apex's own envelope
    ([266, 303, 303, 304], [0.35, 0.47, 0.58, 0.5]),
    # columns above too faint to be strong (under half the strongest): not read
    ([266] * 10 + [303, 303], [0.2] * 10 + [0.47, 0.58]),
    # the heavy event lies under the apex: the apex stays (deeper columns are kept anyway)
    ([303, 303] + [330] * 10, [0.58, 0.55] + [0.4] * 10),
])
def test_the_apex_stays_otherwise(s, e):
    before, after = _apex(s, e)
    assert np.array_equal(before, after)


def test_groups_are_independent():
    s = np.r_[LATE_PAIR[0], [266, 303, 303, 304]].astype(float)
    e = np.r_[LATE_PAIR[1], [0.35, 0.47, 0.58, 0.5]]
    g = _Groups(np.r_[np.zeros(21, int), np.ones(4, int)])
    got = _apex_time(g, s, e, g.max(e)[g.inv], 26)
    assert got[0] < 280 and got[1] == 303


def test_off_leaves_the_apex(monkeypatch):
    monkeypatch.setattr(features, "HEAVIER_TOP_RATIO", None)
    s, e = (np.asarray(v, float) for v in LATE_PAIR)
    g = _Groups(np.zeros(s.size, dtype=int))
    assert _apex_time(g, s, e, g.max(e)[g.inv], 26)[0] == 303


def test_a_flat_cavity_under_noise_and_a_3d_spreading_is_found():
    """Blind ``bw600_cavity_58`` (0.91 x 0.34 m, top 0.71 m down, 600 MHz) with a 3-D wave's
    spreading and the noisy file's noise (robustness variant ``noisy_3d``): a cavity near its top,
    over its extent (nothing was reported before)."""
    import roadhealth
    from validation import fullwave_set as fw
    from validation.fullwave_robustness import variant_survey

    fw.use_set("blind")
    try:
        sc = next((x for x in fw.scenarios() if x["name"] == "bw600_cavity_58"), None)
        if sc is None or not fw.exported(sc):
            pytest.skip("blind line bw600_cavity_58 not in this checkout")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            det = roadhealth.detect(variant_survey(sc, "noisy_3d"))
    finally:
        fw.use_set("main")
    cav = det[det["kind"].astype(str) == "cavity"]
    assert len(cav) == 1
    row = cav.iloc[0]
    # the truth: 0.86-1.77 m along the line, top 0.71 m down
    assert row["distance_start_m"] < 1.2 and row["distance_end_m"] > 1.5
    assert abs(row["depth_top_m"] - 0.71) < 0.2
