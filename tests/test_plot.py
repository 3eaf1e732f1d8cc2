"""B-scan and slice figures: orientation, extents, units, header words hidden."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

import roadhealth as rh
from roadhealth.errors import ProcessingError
from roadhealth.processing import apply, depth

WAIMAO = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"


@pytest.fixture(scope="module")
def raw():
    return rh.read(WAIMAO, crs="EPSG:4545").isel(channel=slice(0, 3), trace=slice(0, 300))


@pytest.fixture(scope="module")
def processed(raw):
    return apply(raw)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_bscan_orientation_extent_and_units(raw):
    ax = raw.isel(channel=[0]).rh.plot()
    im = ax.images[0]
    x0, x1, z_bottom, z_top = im.get_extent()
    d = raw.distance_m.values[0]
    step = (d[-1] - d[0]) / (d.size - 1)
    assert x0 == pytest.approx(d[0] - step / 2) and x1 == pytest.approx(d[-1] + step / 2)
    assert z_bottom > z_top  # time grows downwards
    assert ax.get_ylim()[0] > ax.get_ylim()[1]
    assert "(m)" in ax.get_xlabel() and "(ns)" in ax.get_ylabel()
    # distance along the image columns, time along its rows; header words not drawn
    arr = im.get_array()
    assert arr.shape == (raw.sizes["sample"] - 2, raw.sizes["trace"])
    t = raw.twt_ns.values
    assert z_top == pytest.approx(t[2] - (t[1] - t[0]) / 2)
    # the colour scale is clipped at the 99th percentile of |amplitude|, symmetric
    vmin, vmax = im.get_clim()
    assert vmin == -vmax
    assert vmax == pytest.approx(np.percentile(np.abs(raw.values[0, :, 2:]), 99))


def test_bscan_of_an_array_is_a_grid_of_channels(processed):
    axes = processed.rh.plot(ncols=2)
    assert len(axes) == 3
    assert all("channel" in a.get_title() for a in axes)
    one = processed.rh.plot(channel=1)
    assert "channel 1" in one.get_title()
    with pytest.raises(ProcessingError, match="out of range"):
        processed.rh.plot(channel=7)


def test_bscan_in_depth(processed):
    model = [depth.Layer(eps_r=6.0, thickness_m=0.1), depth.Layer(eps_r=9.0)]
    d = depth.to_depth(processed, model, 0.01)
    ax = d.rh.plot(channel=0)
    assert "depth" in ax.get_ylabel() and "(m)" in ax.get_ylabel()
    _, _, z_bottom, z_top = ax.images[0].get_extent()
    assert z_top == pytest.approx(-0.005) and z_bottom > 0.5
    with pytest.raises(ProcessingError, match="depth_m"):
        processed.rh.plot(axis="depth")


def test_slice_map_and_track_frames(processed, raw):
    ax = processed.rh.plot_slice(twt_ns=(3.0, 6.0))
    assert "EPSG:4545" in ax.get_xlabel() and "time slice 3-6 ns" in ax.get_title()
    mesh = ax.collections[0]
    assert mesh.get_array().size == processed.sizes["channel"] * processed.sizes["trace"]
    ax = processed.rh.plot_slice(twt_ns=(3.0, 6.0), frame="track")
    assert "along the track" in ax.get_xlabel() and "offset" in ax.get_ylabel()
    with pytest.raises(ProcessingError, match="time_zero"):  # a slice of raw data would mislead
        raw.rh.plot_slice(twt_ns=(3.0, 6.0))
