"""Homogeneous sections: AASHTO cumulative difference and ruptures segmentation recover known change points."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadhealth.plan import PlanError, cumulative_difference, optimal_segments, segment


def piecewise(cps, n, levels, noise, rng):
    edges = [0, *cps, n]
    y = np.concatenate([np.full(b - a, v, dtype=float) for a, b, v in zip(edges[:-1], edges[1:], levels, strict=True)])
    return y + rng.normal(0, noise, n)


@st.composite
def layouts(draw):
    n = draw(st.integers(60, 240))
    min_size = 10
    k = draw(st.integers(0, 4))
    cps = sorted(draw(st.lists(st.integers(min_size, n - min_size), min_size=k, max_size=k, unique=True)))
    # keep segments at least min_size long
    ok = all(b - a >= min_size for a, b in zip([0, *cps], [*cps, n], strict=True))
    levels = [0.0]
    for _ in cps:  # steps of 5-10 noise sd, either sign
        levels.append(levels[-1] + draw(st.sampled_from([-1, 1])) * draw(st.floats(5.0, 10.0)))
    return n, (cps if ok else []), (levels if ok else [0.0]), draw(st.integers(0, 2**31 - 1))


@pytest.mark.parametrize("method", ["pelt", "dp", "cda"])
@settings(max_examples=25, deadline=None)
@given(layout=layouts())
def test_segmentation_recovers_known_change_points(method, layout):
    # stricter than the defaults (penalty 3, threshold 1.63: about 1 % false splits of pure noise)
    # so that no drawn noise splits falsely: a property over many draws
    n, cps, levels, seed = layout
    rng = np.random.default_rng(seed)
    y = piecewise(cps, n, levels, 1.0, rng)
    found = segment(y, method=method, min_size=10, penalty=5.0, threshold=2.2)
    assert len(found) == len(cps), (found, cps)
    assert np.all(np.abs(np.asarray(found) - np.asarray(cps)) <= 1), (found, cps)  # within one sample spacing


def test_multivariate_series_share_change_points():
    rng = np.random.default_rng(3)
    n = 200
    pci = piecewise([50, 120], n, [70, 40, 65], 2.0, rng)
    rut = piecewise([120], n, [5, 12], 1.0, rng)
    thick = piecewise([160], n, [180, 110], 4.0, rng)
    X = np.column_stack([pci, rut, thick])
    for method in ("pelt", "dp", "cda"):
        found = segment(X, method=method, min_size=10)
        assert len(found) == 3 and np.all(np.abs(np.array(found) - [50, 120, 160]) <= 1), (method, found)


def test_constant_series_has_no_sections_and_scale_does_not_matter():
    rng = np.random.default_rng(5)
    y = 55 + rng.normal(0, 2.0, 150)
    assert optimal_segments(y, min_size=10) == []
    assert cumulative_difference(y, min_size=10) == []
    step = piecewise([75], 150, [0, 1], 0.1, rng)
    assert optimal_segments(step, min_size=10) == optimal_segments(1000 * step, min_size=10) == [75]


def test_min_size_is_respected():
    rng = np.random.default_rng(7)
    y = piecewise([40, 45], 100, [0, 20, 0], 0.5, rng)  # a 5-sample blip: shorter than min_size
    for method in ("pelt", "dp", "cda"):
        found = segment(y, method=method, min_size=10)
        edges = np.diff([0, *found, 100])
        assert np.all(edges >= 10), (method, found)


def test_unknown_method():
    with pytest.raises(PlanError, match=r"sections\.method"):
        optimal_segments(np.arange(50.0), method="binseg")
