"""Stacking and along-track resampling."""

from __future__ import annotations

import numpy as np
import pytest

from roadhealth import make_survey, validate
from roadhealth.errors import ProcessingError
from roadhealth.processing import resample_traces, stack


def test_block_stack_averages_data_and_coordinates():
    x = np.arange(2 * 10 * 4, dtype=float).reshape(2, 10, 4)
    dist = np.cumsum(np.linspace(0.1, 0.2, 10))
    s = make_survey(x, dt_ns=0.1, distance_m=dist)
    out = stack(s, n_traces=3)
    validate(out)
    assert out.sizes["trace"] == 3
    np.testing.assert_allclose(out.values, x[:, :9].reshape(2, 3, 3, 4).mean(axis=2))
    np.testing.assert_allclose(out.coords["distance_m"].values[0], dist[:9].reshape(3, 3).mean(axis=1))
    np.testing.assert_allclose(out.coords["x"].values, out.coords["distance_m"].values)
    assert out.attrs["history"][-1] == {**out.attrs["history"][-1], "step": "stack",
                                        "parameters": {"n_traces": 3, "mode": "block"}}


def test_stack_dask_and_running():
    import dask.array as da
    x = np.random.default_rng(0).standard_normal((2, 50, 16))
    s = make_survey(x, dt_ns=0.1)
    lazy = make_survey(da.from_array(x, chunks=(1, 7, 16)), dt_ns=0.1)
    np.testing.assert_allclose(stack(lazy, n_traces=4).values, stack(s, n_traces=4).values)
    run = stack(lazy, n_traces=5, mode="running")
    assert run.sizes["trace"] == 50
    np.testing.assert_allclose(run.values, stack(s, n_traces=5, mode="running").values)
    np.testing.assert_allclose(run.values[:, 10], x[:, 8:13].mean(axis=1))
    with pytest.raises(ProcessingError):
        stack(s, n_traces=0)


def test_resample_to_uniform_spacing_is_linear():
    n_tr = 40
    rng = np.random.default_rng(1)
    dist = np.concatenate([[0.0], np.cumsum(rng.uniform(0.02, 0.08, n_tr - 1))])
    dist[10] = dist[9]  # the vehicle stopped: repeated distance
    # data linear in distance: linear interpolation is exact
    x = (2.0 * dist[None, :, None] + np.arange(8)[None, None, :]).repeat(2, axis=0)
    s = make_survey(x, dt_ns=0.1, distance_m=dist)
    out = resample_traces(s, spacing_m=0.05)
    validate(out)
    grid = out.coords["distance_m"].values[0]
    np.testing.assert_allclose(np.diff(grid), 0.05)
    expected = np.broadcast_to(2.0 * grid[None, :, None] + np.arange(8), out.shape)
    np.testing.assert_allclose(out.values, expected, atol=1e-9)
    np.testing.assert_allclose(out.coords["x"].values[0], grid)
    import dask.array as da
    lazy = make_survey(da.from_array(x, chunks=(1, 9, 8)), dt_ns=0.1, distance_m=dist)
    np.testing.assert_allclose(resample_traces(lazy, spacing_m=0.05).values, out.values)
    with pytest.raises(ProcessingError):
        resample_traces(make_survey(x, dt_ns=0.1, distance_m=dist[::-1]), spacing_m=0.05)


def test_resample_traces_start_end_crop_and_extend():
    # resample_traces delegates to roadhealth.io.georef.regularize; start_m/end_m crop inside
    # the record (interpolating between the two neighbours) and repeat the end traces beyond it
    n_tr = 30
    rng = np.random.default_rng(4)
    dist = 1.0 + np.concatenate([[0.0], np.cumsum(rng.uniform(0.03, 0.09, n_tr - 1))])
    x = (3.0 * dist[None, :, None] + np.arange(6)[None, None, :]).repeat(2, axis=0)
    mark = np.zeros(n_tr, dtype=bool)
    mark[[0, 12]] = True
    s = make_survey(x, dt_ns=0.1, distance_m=dist, coords={"mark": ("trace", mark)})
    for lo, hi in ((1.234, 2.0), (0.5, dist[-1] + 0.4), (dist[3], dist[20])):
        out = resample_traces(s, spacing_m=0.05, start_m=lo, end_m=hi)
        validate(out)
        grid = out.coords["distance_m"].values[0]
        np.testing.assert_allclose(grid, lo + 0.05 * np.arange(grid.size), atol=1e-12)
        assert grid[-1] <= hi + 1e-9 and grid[-1] + 0.05 > hi - 1e-9
        expected = 3.0 * np.interp(grid, dist, dist)[None, :, None] + np.arange(6)
        np.testing.assert_allclose(out.values, np.broadcast_to(expected, out.shape), atol=1e-9)
        np.testing.assert_allclose(out.coords["x"].values[0], np.interp(grid, dist, dist), atol=1e-9)
        assert out.coords["mark"].values.sum() == ((dist[[0, 12]] >= lo - 0.025)
                                                   & (dist[[0, 12]] <= hi + 0.025)).sum()
        rec = out.attrs["history"][-1]
        assert rec["step"] == "resample_traces" and rec["parameters"]["start_m"] == lo
        assert [r["step"] for r in out.attrs["history"]].count("regularize") == 0
