"""roadhealth.detect.chunked: detection over along-track windows of a long survey.

A survey that fits in one window gives exactly ``detect``'s table; on an 80 m synthetic road cut
into six windows, with a cavity centred right on a seam, the windows together find the defects the
whole-survey detection finds, at the same places and depths, once each.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from roadhealth.anomalies import ANOMALY_COLUMNS, validate_anomalies
from roadhealth.detect import DetectionError, detect, risk
from roadhealth.detect import core as _core
from roadhealth.detect.chunked import (
    Window,
    _resolve_seams,
    default_overlap_m,
    detect_chunked,
    plan_windows,
    should_chunk,
)
from roadhealth.synth import Acquisition, Cavity, RoadModel, Void, WaterRichZone, simulate
from roadhealth.synth.truth import truth

ACQ6 = Acquisition(frequency_mhz=600, n_channels=6, trace_spacing_m=0.05, n_samples=256, window_ns=32.0)
SPACING_M = 0.05
LENGTH_M = 80.0
WINDOW_M, OVERLAP_M = 30.0, 8.0
EXTRAS = ["risk_score", "features", "anomaly_id", "survey"]


def _plan():
    n = round(LENGTH_M / SPACING_M) + 1
    return plan_windows(n, round(WINDOW_M / SPACING_M), round(OVERLAP_M / SPACING_M))


def _seam_m(k: int = 1) -> float:
    """Along-track position of the start of core ``k`` (the seam between windows k-1 and k), m."""
    return _plan()[k].core_start * SPACING_M


def _centre(t) -> np.ndarray:
    return 0.5 * (t["distance_start_m"].to_numpy(float) + t["distance_end_m"].to_numpy(float))


@pytest.fixture(scope="module")
def cavity_road():
    model = RoadModel(16.0, objects=[Cavity(s_m=8, u_m=0.0, depth_top_m=0.6, length_m=1.0, width_m=0.8,
                                            height_m=0.4)], seed=1, name="test")
    return simulate(model, ACQ6)


@pytest.fixture(scope="module")
def long_model():
    """80 m: a void, a cavity centred on the first seam, a water-rich zone."""
    objects = [
        Void(s_m=8, u_m=0.0, length_m=1.5, width_m=1.0, height_m=0.04, under="asphalt"),
        Cavity(s_m=_seam_m(1), u_m=0.0, depth_top_m=0.6, length_m=1.0, width_m=0.8, height_m=0.4),
        WaterRichZone(s_m=45, u_m=0.0, depth_top_m=0.5, length_m=3.0, width_m=2.0, height_m=0.5),
    ]
    return RoadModel(LENGTH_M, objects=objects, seed=2, name="long")


@pytest.fixture(scope="module")
def long_road(long_model):
    """The 80 m road seen by a 6-channel 600 MHz array."""
    return simulate(long_model, ACQ6)


@pytest.fixture(scope="module")
def long_truth(long_model):
    return truth(long_model)


@pytest.fixture(scope="module")
def long_whole(long_road):
    return detect(long_road)


@pytest.fixture(scope="module")
def long_chunked(long_road):
    return detect_chunked(long_road, window_m=WINDOW_M, overlap_m=OVERLAP_M)


# ------------------------------------------------------------------------------------ the plan
@pytest.mark.parametrize(("n", "win", "ov"), [(1601, 600, 160), (1000, 999, 0), (5000, 700, 200), (10, 20, 5)])
def test_plan_cores_tile_the_survey_and_windows_carry_the_overlap(n, win, ov):
    plan = plan_windows(n, win, ov)
    assert plan[0].core_start == 0 and plan[-1].core_stop == n
    for a, b in itertools.pairwise(plan):
        assert a.core_stop == b.core_start  # no gap, no overlap between cores
    for w in plan:
        assert 0 <= w.start <= w.core_start < w.core_stop <= w.stop <= n
        assert w.core_start - w.start == min(ov, w.core_start)
        assert w.stop - w.core_stop == min(ov, n - w.core_stop)
        assert w.stop - w.start <= max(win, 1) or len(plan) == 1
    if n <= win:
        assert plan == [Window(0, n, 0, n)]


def test_plan_without_a_core_is_an_error():
    with pytest.raises(DetectionError, match="no core"):
        plan_windows(1000, 100, 50)


def test_default_overlap_covers_the_background_window_and_the_longest_cavity():
    raw, proc = default_overlap_m("default"), default_overlap_m("default", processed=True)
    assert raw == pytest.approx(proc + 5.0)  # half the 10 m "auto" moving background
    assert proc >= 0.5 * 3.5  # half the longest cavity
    longer = default_overlap_m({"steps": [{"name": "background_removal", "window_m": 30.0}]})
    assert longer == pytest.approx(proc + 15.0)
    traces = default_overlap_m({"steps": [{"name": "background_removal", "window_traces": 101}]}, spacing_m=0.02)
    assert traces == pytest.approx(proc + 0.5 * 101 * 0.02)
    # no measured distance: "auto" is 201 traces, at the unit spacing of the trace index
    assert default_overlap_m(trace_index=True, spacing_m=1.0) == pytest.approx(proc + 100.5)


# ------------------------------------------------------------------------------------ one window
def test_a_survey_that_fits_in_one_window_gives_exactly_detect(cavity_road):
    whole = detect(cavity_road)
    assert len(whole) >= 1
    for kw in ({}, {"window_m": 100.0}):
        out = detect_chunked(cavity_road, **kw)
        assert out.attrs["detect"]["chunked"]["n_windows"] == 1
        pd.testing.assert_frame_equal(pd.DataFrame(out.drop(columns="geometry")),
                                      pd.DataFrame(whole.drop(columns="geometry")))
        assert out.geometry.geom_equals_exact(whole.geometry, tolerance=0).all()
        info = {k: v for k, v in out.attrs["detect"].items() if k != "chunked"}
        assert info == whole.attrs["detect"]


# ------------------------------------------------------------------------------------ long survey
def test_long_survey_is_cut_into_windows(long_chunked):
    ch = long_chunked.attrs["detect"]["chunked"]
    assert ch["n_windows"] == len(_plan()) == 6
    assert ch["window_m"] == pytest.approx(WINDOW_M) and ch["overlap_m"] == pytest.approx(OVERLAP_M)
    wins = long_chunked.attrs["detect"]["windows"]
    assert [w["traces"] for w in wins] == [[w.start, w.stop] for w in _plan()]
    assert all(w["velocity_m_per_ns"] > 0 for w in wins)
    # counts are the windows' sums
    assert long_chunked.attrs["detect"]["n_candidates"] == sum(w["n_candidates"] for w in wins)


def _match(a, b, tol_m: float) -> np.ndarray:
    """For each row of ``a``, the index of the row of ``b`` whose along-track centre is nearest
    (-1 when none is within ``tol_m``)."""
    if len(a) == 0 or len(b) == 0:
        return np.full(len(a), -1)
    dist = np.abs(_centre(a)[:, None] - _centre(b)[None, :])
    j = np.argmin(dist, axis=1)
    return np.where(dist[np.arange(len(a)), j] <= tol_m, j, -1)


def test_chunked_finds_the_same_defects_as_the_whole_survey(long_truth, long_whole, long_chunked):
    assert list(long_chunked.columns) == ANOMALY_COLUMNS + EXTRAS
    validate_anomalies(long_chunked, risk_levels=risk.load_table("beijing")["grades"])
    # the whole-survey detection finds the three defects (the reference must be right)
    assert len(long_truth) == 3
    real = _match(long_whole, long_truth, 1.0) >= 0
    assert sorted(_match(long_truth, long_whole, 1.0)) == sorted(np.flatnonzero(real)), long_whole
    # every real defect of the whole survey is found by the windows, once, alike
    j = _match(long_whole[real], long_chunked, 0.5)
    assert (j >= 0).all() and len(set(j)) == len(j), long_chunked[["kind", "distance_start_m", "depth_top_m"]]
    a, b = long_whole[real].reset_index(drop=True), long_chunked.iloc[j].reset_index(drop=True)
    assert list(b["kind"].astype(str)) == list(a["kind"].astype(str))
    assert np.allclose(_centre(b), _centre(a), atol=0.2)
    assert np.allclose(b["depth_top_m"], a["depth_top_m"], atol=0.1)
    assert np.allclose(b["offset_start_m"], a["offset_start_m"], atol=0.25)
    # and the windows add nothing the whole survey does not report (no seam artefacts)
    assert (_match(long_chunked, long_whole, 0.5) >= 0).all(), long_chunked
    assert list(long_chunked["anomaly_id"]) == [f"long-{i:04d}" for i in range(1, len(long_chunked) + 1)]


def test_a_defect_on_a_seam_is_reported_once(long_chunked):
    seam = _seam_m(1)
    near = np.abs(_centre(long_chunked) - seam) < 1.5
    assert near.sum() == 1, long_chunked[["kind", "distance_start_m", "distance_end_m"]]
    assert long_chunked.loc[near, "kind"].iloc[0] == "cavity"
    # both windows of the seam found it (its centre is within the claim margin of both cores), and
    # the seam resolution dropped one copy
    assert long_chunked.attrs["detect"]["chunked"]["seam_duplicates_dropped"] >= 1


def test_threads_and_dask_give_the_same_table(long_road, long_chunked):
    two = detect_chunked(long_road, window_m=WINDOW_M, overlap_m=OVERLAP_M, workers=2)
    lazy = detect_chunked(long_road.chunk({"trace": 256}), window_m=WINDOW_M, overlap_m=OVERLAP_M,
                          stream_recipe=False)
    for other in (two, lazy):
        pd.testing.assert_frame_equal(pd.DataFrame(other.drop(columns="geometry")),
                                      pd.DataFrame(long_chunked.drop(columns="geometry")))


def test_streamed_recipe_then_windows_finds_the_same_defects(long_road, long_truth, long_whole, long_chunked):
    lazy = long_road.chunk({"trace": 256})
    out = detect_chunked(lazy, window_m=WINDOW_M, overlap_m=OVERLAP_M)  # dask-backed: streamed by default
    info = out.attrs["detect"]
    assert info["chunked"]["stream_recipe"] and info["chunked"]["n_windows"] == 6
    assert "streamed pass" in info["notes"][0]
    # the polarity reference was measured on the raw traces, not assumed
    assert "measured on the raw survey" in info["polarity_source"]
    assert info["surface_polarity"] == long_whole.attrs["detect"]["surface_polarity"]
    real = _match(long_whole, long_truth, 1.0) >= 0
    j = _match(long_whole[real], out, 0.5)
    assert (j >= 0).all() and len(set(j)) == len(j) == len(long_truth), out[["kind", "distance_start_m"]]
    assert list(out.iloc[j]["kind"].astype(str)) == list(long_whole[real]["kind"].astype(str))
    assert np.allclose(out.iloc[j]["depth_top_m"], long_whole[real]["depth_top_m"], atol=0.1)
    assert (_match(out, long_whole, 0.5) >= 0).all()
    # the seam cavity once; an in-memory survey streamed on request gives the same defects
    assert (np.abs(_centre(out) - _seam_m(1)) < 1.5).sum() == 1
    mem = detect_chunked(long_road, window_m=WINDOW_M, overlap_m=OVERLAP_M, stream_recipe=True)
    assert mem.attrs["detect"]["chunked"]["stream_recipe"]
    assert list(mem["kind"].astype(str)) == list(out["kind"].astype(str))
    assert np.allclose(_centre(mem), _centre(out)) and np.allclose(mem["depth_top_m"], out["depth_top_m"])


def test_processed_survey_is_searched_per_window(long_road, long_truth):
    import roadhealth.processing as rp

    proc = rp.apply(long_road)
    whole = detect(proc)
    out = detect_chunked(proc, window_m=WINDOW_M)
    assert out.attrs["detect"]["chunked"]["overlap_m"] == pytest.approx(default_overlap_m(processed=True), abs=0.05)
    assert out.attrs["detect"]["chunked"]["n_windows"] > 1
    real = _match(whole, long_truth, 1.0) >= 0
    j = _match(whole[real], out, 0.5)
    assert (j >= 0).all() and len(set(j)) == len(j) == len(long_truth)
    assert list(out.iloc[j]["kind"].astype(str)) == list(whole[real]["kind"].astype(str))
    assert (_match(out, whole, 0.5) >= 0).all()


def test_a_line_recorded_backwards_keeps_each_defect_once(long_road, long_chunked):
    back = long_road.isel(trace=slice(None, None, -1))  # distance_m decreasing along the traces
    out = detect_chunked(back, window_m=WINDOW_M, overlap_m=OVERLAP_M)
    assert out.attrs["detect"]["chunked"]["n_windows"] == 6
    j = _match(long_chunked, out, 0.3)
    assert (j >= 0).all() and len(set(j)) == len(j) == len(out), out[["kind", "distance_start_m"]]
    assert list(out.iloc[j]["kind"].astype(str)) == list(long_chunked["kind"].astype(str))


# ------------------------------------------------------------------------------------ seams, errors
def _rows(**cols):
    base = {"distance_start_m": [10.0, 10.1], "distance_end_m": [11.0, 11.1], "offset_start_m": [0.0, 0.0],
            "offset_end_m": [0.5, 0.5], "depth_top_m": [0.6, 0.62], "depth_bottom_m": [0.9, 0.9],
            "confidence": [0.9, 0.8], "_window": [0, 1], "_inner_m": [7.0, 9.0]}
    base.update(cols)
    return pd.DataFrame(base)


def test_seam_duplicates_keep_the_copy_further_inside_its_window():
    assert list(_resolve_seams(_rows())) == [False, True]
    assert list(_resolve_seams(_rows(_inner_m=[9.0, 7.0]))) == [True, False]
    # same window: two defects, both kept; apart in depth or across track: both kept
    assert list(_resolve_seams(_rows(_window=[1, 1]))) == [True, True]
    assert list(_resolve_seams(_rows(depth_top_m=[0.3, 1.5], depth_bottom_m=[0.5, 1.7]))) == [True, True]
    assert list(_resolve_seams(_rows(offset_start_m=[0.0, 1.0], offset_end_m=[0.5, 1.5]))) == [True, True]
    assert list(_resolve_seams(_rows(distance_start_m=[10.0, 12.0], distance_end_m=[11.0, 13.0]))) == [True, True]


@pytest.mark.parametrize(("kw", "match"), [({"window_m": -1.0}, "window_m"), ({"overlap_m": float("nan")}, "overlap_m"),
                                           ({"memory_mb": 0}, "memory_mb"), ({"workers": 0}, "workers"),
                                           ({"bogus": 1}, "unknown option")])
def test_bad_arguments_raise_a_clear_error(cavity_road, kw, match):
    with pytest.raises(DetectionError, match=match):
        detect_chunked(cavity_road, **kw)


def test_a_budget_below_the_shortest_window_is_said(long_road):
    from roadhealth.errors import RoadHealthWarning

    with pytest.warns(RoadHealthWarning, match="memory_mb"):
        out = detect_chunked(long_road, memory_mb=1.0, overlap_m=OVERLAP_M)
    ch = out.attrs["detect"]["chunked"]
    assert ch["window_m"] == pytest.approx(3 * OVERLAP_M, abs=0.1) and ch["n_windows"] > 1


@pytest.mark.parametrize("bad", [None, np.zeros((2, 3, 4))])
def test_not_a_survey_is_a_clear_error(bad):
    with pytest.raises(DetectionError, match="expected a survey"):
        detect_chunked(bad)


def test_an_all_zero_long_survey_is_a_clear_error(long_road):
    with pytest.raises(DetectionError, match="zero"):
        detect_chunked(long_road.copy(data=np.zeros(long_road.shape, np.float32)), window_m=WINDOW_M,
                       overlap_m=OVERLAP_M)


def test_should_chunk_by_the_memory_of_a_whole_search(cavity_road):
    import dask.array as da
    import xarray as xr

    assert not should_chunk(cavity_road)
    grid = xr.DataArray(da.zeros((32, 50_000, 512), dtype="int16", chunks=(32, 512, 512)),
                        dims=("channel", "trace", "sample"), attrs={"dt_ns": 0.1})
    assert should_chunk(grid)  # 1 km, 32 channels: ~28 GB at the peak of one search
    assert not should_chunk(grid, memory_mb=1e6)
    assert not should_chunk(np.zeros((2, 3, 4)))


@pytest.mark.skipif("chunk_m" not in _core._OPTIONS,
                    reason="detect() does not route to detect_chunked yet (no chunk_m option in core)")
def test_detect_routes_to_the_windows(cavity_road, long_road, long_chunked):
    # small surveys stay in one piece, exactly as before
    one = detect(cavity_road)
    assert "chunked" not in one.attrs["detect"]
    pd.testing.assert_frame_equal(pd.DataFrame(detect(cavity_road, chunk_m=None).drop(columns="geometry")),
                                  pd.DataFrame(one.drop(columns="geometry")))
    # a window length: the windows' table (and no recursion: the windows are searched whole)
    routed = detect(long_road, chunk_m=WINDOW_M)
    assert routed.attrs["detect"]["chunked"]["n_windows"] == len(plan_windows(long_road.sizes["trace"],
                                                                                 round(WINDOW_M / SPACING_M),
                                                                                 round(default_overlap_m() / SPACING_M)))
    direct = detect_chunked(long_road, window_m=WINDOW_M)
    pd.testing.assert_frame_equal(pd.DataFrame(routed.drop(columns="geometry")),
                                  pd.DataFrame(direct.drop(columns="geometry")))
    with pytest.raises(DetectionError, match="window_m"):
        detect(long_road, chunk_m="long")
