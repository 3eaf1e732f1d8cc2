"""Grids from parallel lines, and depth slices exported as GeoTIFF."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from roadhealth.errors import ProcessingError
from roadhealth.processing import grid, resample_traces, slices
from roadhealth.survey import make_survey, validate


def ricker(t, f_ghz):
    a = (np.pi * f_ghz * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def line(n_trace, length_m, time_zero_ns, dt=0.1, n_sample=200, reverse=False, target=None):
    """One profile: a flat reflector 5 ns below the line's own time zero (+ a target patch)."""
    t = np.arange(n_sample) * dt
    d = np.linspace(0, length_m, n_trace)
    data = 2 * ricker(t - time_zero_ns, 0.8)[None].repeat(n_trace, 0)  # direct wave = first break
    data += 0.3 * ricker(t - time_zero_ns - 5.0, 0.8)[None]
    if target is not None:
        lo, hi = target
        dd = length_m - d if reverse else d
        data[(dd >= lo) & (dd <= hi)] += ricker(t - time_zero_ns - 10.0, 0.8)[None]
    return make_survey(data.astype(np.float32), dt_ns=dt, distance_m=d, antenna_mhz=800,
                       attrs={"time_zero_at_surface": True})


def test_assemble_grid_offsets_spacing_and_time_zero():
    tz = [1.0, 1.7, 2.3, 1.2]
    lines = [line(90 + 7 * i, 4.0 + 0.1 * i, tz[i]) for i in range(4)]
    g = grid.assemble_grid(lines, spacing_m=0.05, line_offsets_m=[0.0, 0.2, 0.4, 0.6])
    validate(g)
    assert g.sizes["channel"] == 4
    np.testing.assert_allclose(g.offset_m.values, [0.0, 0.2, 0.4, 0.6])
    np.testing.assert_allclose(np.diff(g.distance_m.values, axis=1), 0.05)
    assert g.distance_m.values[0, 0] == 0 and g.distance_m.values[0, -1] == pytest.approx(4.0)
    # first breaks are on the rising edge of the direct wave: a common lead, the same relative shifts
    lead = np.asarray(tz) - g.time_zero_ns.values
    assert np.ptp(lead) < 0.02 and 0 <= lead.mean() < 0.5
    # after alignment the reflector (5 ns below time zero) sits at the same sample on every line
    k = np.argmax(np.abs(g.where(g.twt_ns > 3.5).fillna(0).values), axis=-1)
    assert np.ptp(k) <= 1
    assert g.attrs["history"][-1]["step"] == "assemble_grid"
    # given time zero
    g2 = grid.assemble_grid(
        lines, spacing_m=0.05, line_offsets_m=[0, 0.2, 0.4, 0.6], time_zero_ns=tz
    )
    np.testing.assert_allclose(g2.time_zero_ns.values, tz)
    # dask in, dask out
    g3 = grid.assemble_grid(
        [s.chunk({"trace": 20}) for s in lines],
        spacing_m=0.05,
        line_offsets_m=[0, 0.2, 0.4, 0.6],
        time_zero_ns=tz,
    )
    assert hasattr(g3.data, "dask")
    np.testing.assert_allclose(g3.values, g2.values, atol=1e-6)


def test_assemble_grid_from_start_end_points_zigzag():
    # lines along y (north), 0.25 m apart in x, recorded in alternate directions
    n = 5
    starts, ends, lines = [], [], []
    for i in range(n):
        x = 500000.0 + 0.25 * i
        rev = i % 2 == 1
        starts.append((x, 4000000.0 + (6.0 if rev else 0.0), 10.0))
        ends.append((x, 4000000.0 + (0.0 if rev else 6.0), 10.0))
        s = line(121, 6.0, 1.0, reverse=rev, target=(2.0, 3.0))
        lines.append(s.assign_attrs(distance_source="trace index"))
    g = grid.assemble_grid(
        lines, spacing_m=0.1, starts=starts, ends=ends, crs="EPSG:32633", time_zero_ns=1.0
    )
    validate(g)
    # offsets are to the left of travel (north): west is positive, so lines further east are negative
    np.testing.assert_allclose(sorted(g.offset_m.values), [-1.0, -0.75, -0.5, -0.25, 0.0])
    assert np.all(np.diff(g.offset_m.values) > 0)
    np.testing.assert_allclose(g.y.values[:, 0], 4000000.0)
    np.testing.assert_allclose(g.y.values[:, -1], 4000006.0)
    assert g.attrs["crs"] == "EPSG:32633"
    assert "elevation_m" in g.coords
    # the target (2..3 m from the south end) lines up on all lines, reversed ones included
    energy = np.abs(g.sel(sample=slice(95, 125))).max("sample").values
    on = (g.distance_m.values[0] > 2.1) & (g.distance_m.values[0] < 2.9)
    off = (g.distance_m.values[0] < 1.8) | (g.distance_m.values[0] > 3.2)
    assert np.all(energy[:, on].min(axis=1) > 3 * energy[:, off].max(axis=1))


def test_resample_traces_regularizes_a_line_and_errors():
    # grid.regularize is gone: resample_traces (over roadhealth.io.georef.regularize) is the one
    s = line(50, 2.0, 1.0)
    r = resample_traces(s, spacing_m=0.1)
    np.testing.assert_allclose(r.distance_m.values[0], np.arange(21) * 0.1, atol=1e-12)
    assert not hasattr(grid, "regularize")
    with pytest.raises(ProcessingError):
        resample_traces(s, spacing_m=0)
    with pytest.raises(ProcessingError):
        grid.assemble_grid([s, s], spacing_m=0.1)  # no positions
    with pytest.raises(ProcessingError):
        grid.assemble_grid(
            [s, make_survey(np.zeros((10, 20)), dt_ns=0.2)], spacing_m=0.1, line_offsets_m=[0, 1]
        )


def test_read_topo_lines(tmp_path):
    for i in range(1, 4):
        (tmp_path / f"TopoLine{i:02d}.txt").write_text(
            f"0.00\t{0.2 * (i - 1):.2f}\t0.00\n9.00\t{0.2 * (i - 1):.2f}\t0.00\n"
        )
    st, en = grid.read_topo_lines(tmp_path)
    np.testing.assert_allclose(st[:, 1], [0, 0.2, 0.4])
    np.testing.assert_allclose(en[:, 0], 9.0)
    with pytest.raises(ProcessingError):
        grid.read_topo_lines(tmp_path / "nothing")


def _grid_with_target(crs="EPSG:32633", rotate=False):
    n_ch, n_tr, n_s = 12, 60, 150
    t = np.arange(n_s) * 0.1
    data = np.zeros((n_ch, n_tr, n_s), np.float32)
    data[3:6, 20:30] += ricker(t - 8.0, 0.8)
    d = np.arange(n_tr) * 0.05
    off = np.arange(n_ch) * 0.1
    if rotate:
        ang = np.radians(30)
        x = 1000 + d[None] * np.cos(ang) - off[:, None] * np.sin(ang)
        y = 2000 + d[None] * np.sin(ang) + off[:, None] * np.cos(ang)
    else:
        x = np.broadcast_to(500000 + d[None], (n_ch, n_tr))
        y = np.broadcast_to(4000000 + off[:, None], (n_ch, n_tr))
    return make_survey(
        data, dt_ns=0.1, distance_m=d, offset_m=off, x=x, y=y, crs=crs, antenna_mhz=800,
        attrs={"time_zero_at_surface": True},
    )


def test_cscan_and_geotiff_axis_aligned(tmp_path):
    s = _grid_with_target()
    c = slices.cscan(s, twt_ns=(7.0, 9.0))
    assert c.dims == ("channel", "trace")
    assert c.values[4, 25] > 10 * c.values[10, 50] + 1e-6
    stack = slices.cscans(s, edges_ns=[0, 5, 10, 15], statistic="mean_abs")
    assert stack.dims == ("slice", "channel", "trace")
    assert int(np.argmax(stack.values[:, 4, 25])) == 1
    path = slices.write_geotiff(stack, tmp_path / "slices.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 32633
        assert src.count == 3 and src.width == 60 and src.height == 12
        tr = src.transform
        assert tr.a == pytest.approx(0.05) and tr.e == pytest.approx(-0.1)
        assert tr.c == pytest.approx(500000 - 0.025) and tr.f == pytest.approx(4000000 + 1.1 + 0.05)
        band = src.read(2)
        row, col = src.index(500000 + 25 * 0.05, 4000000 + 0.4)
        assert band[row, col] == pytest.approx(stack.values[1, 4, 25], rel=1e-5)
    assert not list(tmp_path.glob("*.part"))
    # dask-backed grid gives the same slice
    np.testing.assert_allclose(
        slices.cscan(s.chunk({"trace": 16}), twt_ns=(7.0, 9.0)).values, c.values, rtol=1e-5
    )


def test_geotiff_bad_targets_are_processing_errors(tmp_path):
    """Found by fuzzing the exporters: a folder as the file, a missing folder, a CRS that is no
    CRS and a text resolution failed inside rasterio, pyproj or float()."""
    c = slices.cscan(_grid_with_target(), twt_ns=(7.0, 9.0))
    for kw, match in [({"path": tmp_path}, "GeoTIFF file name in an existing folder"),
                      ({"path": tmp_path / "no" / "c.tif"}, "existing folder"),
                      ({"path": tmp_path / "c.tif", "crs": "EPSG:nope"}, "is not a coordinate reference system"),
                      ({"path": tmp_path / "c.tif", "resolution_m": "abc"}, "resolution_m must be a number")]:
        with pytest.raises(ProcessingError, match=match):
            slices.write_geotiff(c, **kw)
    assert not list(tmp_path.glob("*"))


def test_cscan_depth_window_and_rotated_geotiff(tmp_path):
    from roadhealth.processing.depth import Layer, add_depth

    s = add_depth(_grid_with_target(rotate=True), [Layer(velocity_m_per_ns=0.1)])
    c = slices.cscan(s, depth_m=(0.35, 0.45))
    assert c.values[4, 25] > c.values[10, 50]
    path = slices.write_geotiff(c, tmp_path / "rot.tif", resolution_m=0.05)
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 32633
        assert src.transform.b == 0 and src.transform.a == pytest.approx(0.05)
        img = src.read(1)
        assert np.isnan(img).any() and np.isfinite(img).any()
        xc = float(s.x.values[4, 25])
        yc = float(s.y.values[4, 25])
        r, k = src.index(xc, yc)
        assert img[r, k] > 0.5 * c.values[4, 25]
    with pytest.raises(ProcessingError):
        slices.cscan(s, twt_ns=(1, 2), depth_m=(0, 1))


@pytest.mark.skipif("not __import__('roadhealth.io', fromlist=['read']).__dict__.get('read')")
def test_assemble_real_gssi_grid(samples_dir):
    import roadhealth.io as rio

    folder = samples_dir / "gssi" / "gprdata_grid"
    files = sorted((folder / "lines").glob("FILE____*.DZT"))
    assert len(files) == 46
    starts, ends = grid.read_topo_lines(folder / "topo")
    lines = [rio.read(p) for p in files]
    g = grid.assemble_grid(lines, spacing_m=0.05, starts=starts, ends=ends, distance="line")
    validate(g)
    assert g.sizes["channel"] == 46
    np.testing.assert_allclose(g.offset_m.values, np.arange(46) * 0.2, atol=1e-9)
    np.testing.assert_allclose(np.diff(g.distance_m.values, axis=1), 0.05)
    assert g.distance_m.values[0, -1] == pytest.approx(9.0)
    np.testing.assert_allclose(g.y.values[:, 0], np.arange(46) * 0.2, atol=1e-9)
    # time zero (first break) found on every line, at similar times; twt_ns = 0 is time zero
    assert np.ptp(g.time_zero_ns.values) < 2.0
    assert float(g.twt_ns[0]) < 0 < float(g.twt_ns[-1])
    assert np.any(np.isclose(g.twt_ns.values, 0.0))
    with pytest.raises(ProcessingError, match="time_zero"):  # the first break is not the surface
        slices.cscan(g, twt_ns=(10, 15))
    c = slices.cscan(g.assign_attrs(time_zero_at_surface=True), twt_ns=(10, 15))
    assert np.isfinite(c.values).all()
