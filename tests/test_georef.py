"""Georeferencing and regularisation: synthetic tracks of known geometry, QC, real files."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from pyproj import Transformer

from roadhealth import make_survey, validate
from roadhealth.errors import GeoreferenceError, ProcessingError, RoadHealthWarning
from roadhealth.io.georef import along_track_distance, georeference, regularize, utm_crs_for
from roadhealth.io.gnss import (
    fixes_from_nmea,
    nmea_checksum,
    parse_nmea,
    read_dzg,
    read_mala_cor,
    read_nmea_file,
    read_sensors_gps,
    tie_by_time,
)

CRS = "EPSG:4545"  # CGCS2000 / 3-degree Gauss-Kruger CM 108E
TO_LL = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
TO_XY = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


# ---------------------------------------------------------------------------------------------
# A synthetic track near Wanzhou: 200 m straight, then a 90-degree arc of radius 150 m
# ---------------------------------------------------------------------------------------------

X0, Y0 = TO_XY.transform(108.4, 30.8)
HEADING = np.deg2rad(30.0)  # direction of travel, counter-clockwise from +x (east)
L_STRAIGHT, RADIUS, ARC = 200.0, 150.0, np.pi / 2
LENGTH = L_STRAIGHT + RADIUS * ARC


def track(s):
    """True (x, y) in EPSG:4545 and unit direction at arc length ``s`` (m) along the track."""
    s = np.asarray(s, dtype=float)
    ux, uy = np.cos(HEADING), np.sin(HEADING)
    on_line = s <= L_STRAIGHT
    # straight part
    xl = X0 + s * ux
    yl = Y0 + s * uy
    # arc turning left (centre to the left of travel)
    cxc = X0 + L_STRAIGHT * ux - RADIUS * uy
    cyc = Y0 + L_STRAIGHT * uy + RADIUS * ux
    phi = np.clip(s - L_STRAIGHT, 0, None) / RADIUS
    ang0 = HEADING - np.pi / 2  # from the centre to the start of the arc
    xa = cxc + RADIUS * np.cos(ang0 + phi)
    ya = cyc + RADIUS * np.sin(ang0 + phi)
    head = np.where(on_line, HEADING, HEADING + phi)
    return np.where(on_line, xl, xa), np.where(on_line, yl, ya), np.cos(head), np.sin(head)


def ddmm(value: float, lat: bool) -> tuple[str, str]:
    hemi = ("N" if value >= 0 else "S") if lat else ("E" if value >= 0 else "W")
    v = abs(value)
    deg = int(v)
    minutes = (v - deg) * 60.0
    width = 2 if lat else 3
    return f"{deg:0{width}d}{minutes:012.9f}", hemi


def gga(time_s: float, lon: float, lat: float, alt: float, quality: int = 4) -> str:
    h, rem = divmod(time_s, 3600)
    m, s = divmod(rem, 60)
    la, ns = ddmm(lat, True)
    lo, ew = ddmm(lon, False)
    body = f"GNGGA,{int(h):02d}{int(m):02d}{s:06.3f},{la},{ns},{lo},{ew},{quality},20,0.6,{alt:.3f},M,-25.0,M,,"
    return f"${body}*{nmea_checksum(body)}"


def synthetic(n_trace=2200, fix_every=10, speed=10.0, n_chan=1, offsets=None):
    """Survey + NMEA lines of a vehicle driving the track; fixes every ``fix_every`` traces."""
    spacing = LENGTH / (n_trace - 1)
    s_trace = spacing * np.arange(n_trace)
    fix_traces = np.arange(0, n_trace, fix_every)
    if fix_traces[-1] != n_trace - 1:
        fix_traces = np.r_[fix_traces, n_trace - 1]
    fx, fy, _, _ = track(s_trace[fix_traces])
    lon, lat = TO_LL.transform(fx, fy)
    alt = 180.0 + 0.01 * s_trace[fix_traces]
    t0 = 3 * 3600.0
    lines = [
        gga(t0 + s / speed, lo, la, z)
        for s, lo, la, z in zip(s_trace[fix_traces], lon, lat, alt, strict=True)
    ]
    data = np.zeros((n_chan, n_trace, 16), dtype=np.float32)
    survey = make_survey(data, dt_ns=0.1, offset_m=offsets)
    return survey, lines, fix_traces, s_trace


def fixes_from_lines(lines, fix_traces):
    return fixes_from_nmea(lines, trace=fix_traces, source="synthetic.nmea", date="2024-05-15")


def test_acceptance_epsg4545_positions_within_1cm_distance_within_0p1_percent():
    offsets = np.array([-0.8, 0.0, 0.8])
    survey, lines, fix_traces, s_trace = synthetic(n_chan=3, offsets=offsets)
    fixes = fixes_from_lines(lines, fix_traces)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)  # a clean track raises no QC warning
        out = georeference(survey, fixes, crs=CRS)
    validate(out)
    assert out.attrs["crs"] == CRS
    tx, ty, ux, uy = track(s_trace)
    # channel positions: offset to the left of travel (left normal = (-uy, ux))
    err = np.hypot(
        out.x.values - (tx + offsets[:, None] * -uy), out.y.values - (ty + offsets[:, None] * ux)
    )
    assert err.max() < 0.01, err.max()
    # lon/lat consistent with x/y
    lon_t, lat_t = TO_LL.transform(tx + offsets[:, None] * -uy, ty + offsets[:, None] * ux)
    assert np.abs(out.lon.values - lon_t).max() < 1e-7
    assert np.abs(out.lat.values - lat_t).max() < 1e-7
    d = out.distance_m.values
    np.testing.assert_allclose(d[:, -1], LENGTH, rtol=1e-3)
    np.testing.assert_allclose(d[0], s_trace, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(out.elevation_m.values[1], 180.0 + 0.01 * s_trace, atol=2e-3)
    qc = out.attrs["gnss_qc"]
    json.dumps(qc)
    assert qc["outliers"]["count"] == qc["jumps"]["count"] == qc["gaps"]["count"] == 0
    assert qc["speed_m_s_median"] == pytest.approx(10.0, rel=1e-2)
    assert out.attrs["history"][-1]["step"] == "georeference"
    assert out.attrs["distance_source"] == "gnss"


def test_default_crs_is_utm_and_dask_data_untouched():
    import dask.array as da
    survey, lines, fix_traces, s_trace = synthetic(n_trace=600, fix_every=5)
    survey = survey.copy(data=da.from_array(survey.values, chunks=(1, 100, -1)))
    out = georeference(survey, fixes_from_lines(lines, fix_traces))
    assert out.attrs["crs"] == "EPSG:32649" == utm_crs_for(108.4, 30.8)
    assert isinstance(out.data, da.Array)
    np.testing.assert_allclose(out.distance_m.values[0], s_trace, rtol=1e-3, atol=1e-3)


def test_utm_crs_for():
    assert utm_crs_for(108.4, 30.8) == "EPSG:32649"
    assert utm_crs_for(-122.3, 47.65) == "EPSG:32610"
    assert utm_crs_for(-35.98, 75.63) == "EPSG:32625"
    assert utm_crs_for(151.2, -33.9) == "EPSG:32756"
    assert utm_crs_for(180.0, 0.0) == "EPSG:32601"
    assert utm_crs_for(5.0, 60.0) == "EPSG:32632"  # Norway exception
    with pytest.raises(GeoreferenceError):
        utm_crs_for(np.nan, 0.0)


def test_along_track_distance():
    x = np.array([0.0, 3.0, 3.0, 3.0, np.nan, 3.0])
    y = np.array([0.0, 4.0, 4.0, 5.0, 9.0, 6.0])
    np.testing.assert_allclose(along_track_distance(x, y), [0, 5, 5, 6, 6, 6])
    xy = np.stack([np.arange(4.0), 2 * np.arange(4.0)])
    np.testing.assert_allclose(along_track_distance(xy, 0 * xy)[1], [0, 2, 4, 6])


# ---------------------------------------------------------------------------------------------
# QC
# ---------------------------------------------------------------------------------------------


def _perturbed(fix_k, dx, dy, lines, fix_traces, k_to=None):
    """Lines with fixes ``fix_k`` (or ``fix_k..k_to``) moved by (dx, dy) m."""
    recs = parse_nmea(lines)
    out = list(lines)
    stop = fix_k + 1 if k_to is None else k_to
    for k in range(fix_k, stop):
        x, y = TO_XY.transform(recs[k]["lon"], recs[k]["lat"])
        lon, lat = TO_LL.transform(x + dx, y + dy)
        out[k] = gga(recs[k]["time_s"], lon, lat, recs[k]["elevation_m"])
    return out


def test_qc_detects_outlier_and_still_positions_well():
    survey, lines, fix_traces, s_trace = synthetic()
    bad = _perturbed(50, 60.0, -40.0, lines, fix_traces)  # 72 m off in 0.1 s
    with pytest.warns(RoadHealthWarning, match="outlier"):
        out = georeference(survey, fixes_from_lines(bad, fix_traces), crs=CRS)
    qc = out.attrs["gnss_qc"]
    assert qc["outliers"]["count"] == 1
    assert qc["outliers"]["traces"] == [float(fix_traces[50])]
    assert qc["jumps"]["count"] == 0
    tx, ty, _, _ = track(s_trace)
    assert np.hypot(out.x.values[0] - tx, out.y.values[0] - ty).max() < 0.01  # outlier not used
    json.dumps(qc)


def test_qc_detects_jump():
    survey, lines, fix_traces, _ = synthetic()
    bad = _perturbed(120, 25.0, 0.0, lines, fix_traces, k_to=len(lines))  # track shifts 25 m
    with pytest.warns(RoadHealthWarning, match="jump"):
        out = georeference(survey, fixes_from_lines(bad, fix_traces), crs=CRS)
    qc = out.attrs["gnss_qc"]
    assert qc["jumps"]["count"] == 1
    a, b, _dist, speed = qc["jumps"]["segments"][0]
    assert (a, b) == (float(fix_traces[119]), float(fix_traces[120]))
    assert speed > 40.0
    assert qc["outliers"]["count"] == 0


def test_qc_detects_gap_and_quality0_and_duplicates():
    survey, lines, fix_traces, _ = synthetic()
    keep = np.r_[0:60, 90 : len(lines)]  # no fixes between traces 590 and 900
    lines2 = [lines[i] for i in keep]
    ft = fix_traces[keep]
    # a quality-0 fix and a repeated (stale) fix
    recs = parse_nmea(lines2)
    r = recs[10]
    lines2[10] = gga(r["time_s"], r["lon"], r["lat"], r["elevation_m"], quality=0)
    lines2.insert(21, lines2[20])
    ft = np.insert(ft.astype(float), 21, ft[20] + 3)
    with pytest.warns(RoadHealthWarning) as rec:
        out = georeference(survey, fixes_from_lines(lines2, ft), crs=CRS)
    msg = str(rec[0].message)
    assert "gap" in msg and "quality 0" in msg and "duplicate" in msg
    qc = out.attrs["gnss_qc"]
    assert qc["gaps"]["count"] == 1
    assert qc["gaps"]["ranges"] == [[int(fix_traces[59]) + 1, int(fix_traces[90]) - 1]]
    assert qc["quality0"] == {"count": 1, "traces": [float(ft[10])], "used": False}
    assert qc["duplicates"]["count"] == 1 and qc["duplicates"]["traces"] == [float(ft[21])]
    json.dumps(qc)


def test_unusable_fixes_raise_naming_source(tmp_path):
    survey, lines, fix_traces, _ = synthetic(n_trace=100)
    recs = parse_nmea(lines)
    q0 = [gga(r["time_s"], r["lon"], r["lat"], r["elevation_m"], quality=0) for r in recs]
    fixes = fixes_from_lines(q0, fix_traces)
    with pytest.raises(GeoreferenceError, match=r"synthetic\.nmea.*quality"):
        georeference(survey, fixes)
    with pytest.warns(RoadHealthWarning, match="quality 0"):
        georeference(survey, fixes, min_quality=0)
    empty = fixes_from_lines([], [])
    with pytest.raises(GeoreferenceError, match="no usable"):
        georeference(survey, empty)
    with pytest.raises(GeoreferenceError, match="not projected"):
        georeference(survey, fixes_from_lines(lines, fix_traces), crs="EPSG:4326")


def test_extrapolation_limit_and_hold():
    survey, lines, fix_traces, s_trace = synthetic(n_trace=400, fix_every=10)
    sel = (fix_traces >= 100) & (fix_traces <= 300)
    with pytest.warns(RoadHealthWarning, match="too far"):
        out = georeference(
            survey,
            fixes_from_lines([lines[i] for i in np.flatnonzero(sel)], fix_traces[sel]),
            crs=CRS,
        )
    qc = out.attrs["gnss_qc"]
    assert qc["extrapolated"]["ranges"] == [[90, 99], [301, 310]]
    assert qc["unpositioned"]["ranges"] == [[0, 89], [311, 399]]
    x = out.x.values[0]
    assert np.all(x[:90] == x[90]) and np.all(x[311:] == x[310])  # held
    tx, ty, _, _ = track(s_trace)
    # exact on the straight part (extrapolation included); the arc starts near trace 183
    assert np.hypot(x[90:180] - tx[90:180], out.y.values[0, 90:180] - ty[90:180]).max() < 0.01
    with pytest.warns(RoadHealthWarning):
        out2 = georeference(
            survey,
            fixes_from_lines([lines[i] for i in np.flatnonzero(sel)], fix_traces[sel]),
            crs=CRS,
            beyond="nan",
        )
    assert np.isnan(out2.x.values[0, :90]).all() and np.isfinite(out2.distance_m.values).all()


def test_keep_measured_wheel_distance():
    survey, lines, fix_traces, s_trace = synthetic(n_trace=300)
    wheel = 1.02 * s_trace
    survey = survey.assign_coords(distance_m=(("channel", "trace"), wheel[None, :]))
    survey.attrs["distance_source"] = "wheel"
    # the wheel reads 2 % long: more than the 1 % tolerated, so it is warned about either way
    with pytest.warns(RoadHealthWarning, match=r"wheel measured .* \(-2\.0 %, more than 1 %\).*the wheel's"):
        out = georeference(survey, fixes_from_lines(lines, fix_traces), crs=CRS)
    np.testing.assert_array_equal(out.distance_m.values[0], wheel)
    assert out.attrs["gnss_qc"]["gnss_to_survey_length_ratio"] == pytest.approx(1 / 1.02, rel=1e-3)
    with pytest.warns(RoadHealthWarning, match="the GNSS's"):
        out2 = georeference(survey, fixes_from_lines(lines, fix_traces), crs=CRS, use_distance="gnss")
    np.testing.assert_allclose(out2.distance_m.values[0, -1], s_trace[-1], rtol=1e-3)


def test_wheel_within_one_percent_of_gnss_is_quiet():
    survey, lines, fix_traces, s_trace = synthetic(n_trace=300)
    survey = survey.assign_coords(distance_m=(("channel", "trace"), 1.008 * s_trace[None, :]))
    survey.attrs["distance_source"] = "survey wheel (rhf_spm)"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        out = georeference(survey, fixes_from_lines(lines, fix_traces), crs=CRS)
    assert out.attrs["gnss_qc"]["gnss_to_survey_length_ratio"] == pytest.approx(1 / 1.008, rel=1e-3)


def test_plain_nmea_log_tied_by_time(tmp_path):
    survey, lines, fix_traces, s_trace = synthetic(n_trace=500, fix_every=3, speed=5.0)
    p = tmp_path / "log.nmea"
    p.write_text("\n".join(lines))
    # trace times: the vehicle at 5 m/s, traces equally spaced in distance
    t0 = np.datetime64("2024-05-15T03:00:00", "ns")
    trace_times = t0 + np.round(s_trace / 5.0 * 1e9).astype("timedelta64[ns]")
    fixes = read_nmea_file(p, date="2024-05-15", trace_times=trace_times)
    np.testing.assert_allclose(fixes.trace, fix_traces, atol=5e-3)  # times have 1 ms resolution
    out = georeference(survey, fixes, crs=CRS)
    tx, ty, _, _ = track(s_trace)
    # chord error on the arc (fixes 2.6 m apart, R 150 m: 6 mm) + 1 ms time resolution (4 mm)
    assert np.hypot(out.x.values[0] - tx, out.y.values[0] - ty).max() < 0.015
    assert tie_by_time(fixes, trace_times).trace.shape == fix_traces.shape


# ---------------------------------------------------------------------------------------------
# Real companion files
# ---------------------------------------------------------------------------------------------


def test_real_mala_matches_impdar_extrapolation(samples_dir, expected):
    fixes = read_mala_cor(samples_dir / "mala/impdar_ten_col/ten_col.cor")
    survey = make_survey(np.zeros((10, 4)), dt_ns=0.41)
    out = georeference(survey, fixes)
    imp = expected["mala/impdar_ten_col/ten_col.rd3"]["cross_check"]["impdar"]
    assert out.lat.values[0, 0] == pytest.approx(75.63202909090727, abs=1e-9)
    np.testing.assert_allclose(out.lat.values[0, :3], imp["lat_first"], atol=1e-9)
    np.testing.assert_allclose(out.lon.values[0, :3], imp["long_first"], atol=1e-9)
    assert out.attrs["gnss_qc"]["extrapolated"]["ranges"] == [[0, 5]]


def test_real_pulseekko_georeference(samples_dir):
    fixes = read_sensors_gps(samples_dir / "pulseekko/rgpr_isola_grid/YLINEA0.GPS")
    survey = make_survey(np.zeros((195, 4)), dt_ns=0.4, distance_m=0.25 * np.arange(195))
    with pytest.warns(RoadHealthWarning, match="duplicate"):
        out = georeference(survey, fixes)
    validate(out)
    qc = out.attrs["gnss_qc"]
    assert qc["crs"] == "EPSG:32632"
    assert qc["n_used"] + qc["duplicates"]["count"] == 195
    assert out.lat.values[0, 0] == pytest.approx(46.4149281, abs=1e-7)  # GGA of trace #1
    assert out.elevation_m.values[0, 0] == pytest.approx(1800.72)
    # the nominal 0.25 m step gives 48.5 m; the GNSS track is of that order
    assert 30 < out.distance_m.values[0, -1] < 80


def test_real_dzg_quality0(samples_dir):
    fixes = read_dzg(samples_dir / "gssi/impdar_sir4000/test_gssi.DZG", n_traces=345)
    survey = make_survey(np.zeros((345, 4)), dt_ns=1.0)
    with pytest.raises(GeoreferenceError, match=r"test_gssi\.DZG"):
        georeference(survey, fixes)
    with pytest.warns(RoadHealthWarning, match="quality 0"):
        out = georeference(survey, fixes, min_quality=0)
    np.testing.assert_allclose(out.lat.values, 47.65425333333, atol=1e-9)
    np.testing.assert_allclose(out.lon.values, -122.30969166667, atol=1e-9)
    assert np.isnan(out.elevation_m.values).all()
    assert out.attrs["gnss_qc"]["quality0"]["count"] == 14


# ---------------------------------------------------------------------------------------------
# regularize
# ---------------------------------------------------------------------------------------------


def _irregular_survey(n=300, seed=0, n_chan=2, stationary=(), lazy=False):
    rng = np.random.default_rng(seed)
    step = rng.uniform(0.02, 0.12, n - 1)
    step[list(stationary)] = 0.0
    d = np.r_[0.0, np.cumsum(step)] + 5.0
    samples = np.arange(32)
    chan = np.arange(n_chan)
    data = 2.5 * d[None, :, None] - 0.3 * samples[None, None, :] + 10.0 * chan[:, None, None]
    if lazy:
        import dask.array as da

        data = da.from_array(data, chunks=(1, 64, -1))
    mark = np.zeros(n, dtype=int)
    mark[[17, min(150, n - 5)]] = [1, 2]
    survey = make_survey(
        data,
        dt_ns=0.1,
        distance_m=d,
        x=1000.0 + 0.6 * d,
        y=2000.0 + 0.8 * d,
        crs=CRS,
        coords={
            "mark": ("trace", mark),
            "time": (
                "trace",
                np.datetime64("2024-01-01T00:00", "ns") + (d * 1e9).astype("timedelta64[ns]"),
            ),
        },
    )
    return survey, d


def test_regularize_uniform_and_linear_signal_exact():
    survey, d = _irregular_survey()
    out = regularize(survey, 0.05)
    validate(out)
    dn = out.distance_m.values
    np.testing.assert_allclose(np.diff(dn[0]), 0.05, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(dn[0], dn[1])
    assert dn[0, 0] == d[0] and dn[0, -1] <= d[-1] < dn[0, -1] + 0.05
    expect = (
        2.5 * dn[:, :, None]
        - 0.3 * np.arange(32)[None, None, :]
        + 10.0 * np.arange(2)[:, None, None]
    )
    np.testing.assert_allclose(out.values, expect, rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.x.values, 1000.0 + 0.6 * dn, atol=1e-9)
    np.testing.assert_allclose(out.y.values, 2000.0 + 0.8 * dn, atol=1e-9)
    tsec = (out.time.values - np.datetime64("2024-01-01T00:00", "ns")).astype(np.int64) / 1e9
    np.testing.assert_allclose(tsec, dn[0], atol=1e-6)
    # marks at the nearest new trace
    m = out.mark.values
    assert sorted(m[m != 0].tolist()) == [1, 2]
    for old, val in ((17, 1), (150, 2)):
        assert abs(dn[0, np.flatnonzero(m == val)[0]] - d[old]) <= 0.025 + 1e-9
    assert out.attrs["trace_spacing_m"] == 0.05
    assert out.attrs["history"][-1]["step"] == "regularize"


def test_regularize_refuses_a_corrupt_jump():
    survey, _ = _irregular_survey()
    dist = survey.distance_m.values.copy()
    dist[:, 10:] += 5e6  # a position thousands of kilometres off: 1e8 traces at 5 cm
    bad = survey.assign_coords(distance_m=(("channel", "trace"), dist))
    with pytest.raises(ProcessingError, match=r"would make 1e\+08 traces.*between traces 9 and 10"):
        regularize(bad, 0.05)
    # the same count within the bound when the user asks for it (start_m/end_m)
    out = regularize(bad, 0.05, end_m=float(dist[0, 9]))
    assert out.sizes["trace"] <= survey.sizes["trace"] * 2


def test_regularize_stationary_traces():
    survey, d = _irregular_survey(stationary=range(40, 60))  # 20 repeated distances
    assert np.sum(np.diff(d) == 0) == 20
    for how in ("first", "mean"):
        out = regularize(survey, 0.04, stationary=how)
        assert np.all(np.isfinite(out.values))
        np.testing.assert_allclose(np.diff(out.distance_m.values[0]), 0.04, atol=1e-9)
        expect = (
            2.5 * out.distance_m.values[0][None, :, None]
            - 0.3 * np.arange(32)
            + 10.0 * np.arange(2)[:, None, None]
        )
        np.testing.assert_allclose(out.values, expect, atol=1e-9)
        assert out.attrs["history"][-1]["parameters"]["n_stationary"] == 20


def test_regularize_mean_stacks_stationary_traces():
    data = np.array([[1.0], [3.0], [5.0], [7.0]])  # trace, sample
    s = make_survey(data, dt_ns=1.0, distance_m=[0.0, 0.0, 0.0, 1.0])
    out = regularize(s, 0.5, stationary="mean")
    np.testing.assert_allclose(out.values[0, :, 0], [3.0, 5.0, 7.0])
    out = regularize(s, 0.5, stationary="first")
    np.testing.assert_allclose(out.values[0, :, 0], [1.0, 4.0, 7.0])


def test_regularize_backwards():
    survey, d = _irregular_survey(n=50)
    d2 = d.copy()
    d2[20:23] = d[19] - np.array([0.05, 0.1, 0.02])  # reversing for 3 traces
    s2 = survey.assign_coords(
        distance_m=(("channel", "trace"), np.broadcast_to(d2, (2, 50)).copy())
    )
    with pytest.warns(RoadHealthWarning, match="backwards"):
        out = regularize(s2, 0.05)
    assert out.attrs["history"][-1]["parameters"]["n_backwards_dropped"] == 3
    assert np.all(np.diff(out.distance_m.values[0]) > 0)
    with pytest.raises(ProcessingError, match="backwards"):
        regularize(s2, 0.05, backwards="raise")
    with pytest.raises(ProcessingError):
        regularize(survey, 0.0)


def test_regularize_dask_stays_lazy():
    import dask.array as da
    survey, _ = _irregular_survey(lazy=True, stationary=range(10, 15))
    eager, _ = _irregular_survey(lazy=False, stationary=range(10, 15))
    for how in ("first", "mean"):
        out = regularize(survey, 0.05, stationary=how)
        assert isinstance(out.data, da.Array)
        np.testing.assert_allclose(
            out.values, regularize(eager, 0.05, stationary=how).values, atol=1e-12
        )


def test_regularize_nearest_and_georeferenced():
    survey, lines, fix_traces, _ = synthetic(n_trace=500)
    g = georeference(survey, fixes_from_lines(lines, fix_traces), crs=CRS)
    out = regularize(g, 0.5, method="nearest")
    np.testing.assert_allclose(np.diff(out.distance_m.values[0]), 0.5, atol=1e-9)
    assert np.all(np.isfinite(out.lon.values)) and out.attrs["crs"] == CRS
    assert [h["step"] for h in out.attrs["history"]] == ["georeference", "regularize"]


def test_bad_target_crs_is_an_error_not_a_silent_local_frame(samples_dir):
    import roadhealth
    from roadhealth.errors import GeoreferenceError

    path = samples_dir / "pulseekko/rgpr_isola_grid/YLINEA0.DT1"
    for crs in ("EPSG:4490", "EPSG:4326", "not a crs"):  # geographic or unknown: no metres
        with pytest.raises(GeoreferenceError, match="crs"):
            roadhealth.read(path, crs=crs)
    # a projected CRS far from the data (EPSG:4545 is for 106.5-109.5 E; this line is at 9.7 E)
    with pytest.warns(RoadHealthWarning, match="area of use"):
        roadhealth.read(path, crs="EPSG:4545")


def test_utm_zone_across_the_antimeridian():
    from roadhealth.io.georef import _central_longitude

    assert abs(abs(_central_longitude(np.array([179.9999, -179.9999]))) - 180.0) < 1e-3
    assert utm_crs_for(_central_longitude(np.array([179.99, -179.99])), 60.0) in ("EPSG:32601", "EPSG:32660")



# ---------------------------------------------------------------------------------------------
# lever arm, latency, CRS units, unused options, where warnings point
# ---------------------------------------------------------------------------------------------


def test_lever_arm_moves_positions_from_the_gnss_antenna_to_the_array_centre():
    offsets = np.array([-0.5, 0.5])
    survey, lines, fix_traces, s_trace = synthetic(n_trace=400, n_chan=2, offsets=offsets)
    fixes = fixes_from_lines(lines, fix_traces)
    along, across = 0.6, -0.3  # antenna 0.6 m ahead of the array centre and 0.3 m to its right
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        out = georeference(survey, fixes, crs=CRS, lever_arm_m=(along, across))
    tx, ty, ux, uy = track(s_trace)  # the antenna path
    nx, ny = -uy, ux
    on_line = s_trace < L_STRAIGHT - 5  # exact on the straight part
    cx, cy = tx - along * ux - across * nx, ty - along * uy - across * ny
    for k, off in enumerate(offsets):
        err = np.hypot(out.x.values[k] - (cx + off * nx), out.y.values[k] - (cy + off * ny))
        assert err[on_line].max() < 0.01, err[on_line].max()
    base = georeference(survey, fixes, crs=CRS)
    # the whole array sits 0.6 m behind and 0.3 m left of where it would be without the lever arm
    shift = np.hypot(out.x.values[0] - base.x.values[0], out.y.values[0] - base.y.values[0])
    np.testing.assert_allclose(shift[on_line], np.hypot(along, across), atol=0.01)
    rec = out.attrs["history"][-1]
    assert rec["step"] == "georeference" and rec["parameters"]["lever_arm_m"] == [along, across]
    assert out.attrs["gnss_qc"]["lever_arm_m"] == [along, across]


def test_latency_shifts_fixes_to_earlier_traces():
    survey, lines, fix_traces, s_trace = synthetic(n_trace=2200, speed=10.0)
    fixes = fixes_from_lines(lines, fix_traces)
    latency = 0.2  # s: at 10 m/s the fixes are 2 m late
    out = georeference(survey, fixes, crs=CRS, latency_s=latency)
    tx, ty, _, _ = track(s_trace + 10.0 * latency)  # each trace gets the position 2 m further on
    on_line = s_trace < L_STRAIGHT - 5
    err = np.hypot(out.x.values[0] - tx, out.y.values[0] - ty)
    assert err[on_line][5:].max() < 0.01, err[on_line].max()
    assert out.attrs["history"][-1]["parameters"]["latency_s"] == latency
    # without fix times or trace times there is no trace rate: an error naming the source
    no_time = fixes_from_nmea(lines, trace=fix_traces, source="untimed.nmea", date="2024-05-15")
    no_time.time[:] = np.datetime64("NaT")
    with pytest.raises(GeoreferenceError, match=r"untimed\.nmea: latency_s=0\.2 needs the trace rate"):
        georeference(survey, no_time, crs=CRS, latency_s=latency)


@pytest.mark.parametrize("bad", [(1.0,), ("a", 1), (np.nan, 0.0), 3.0])
def test_bad_lever_arm_is_an_error(bad):
    survey, lines, fix_traces, _ = synthetic(n_trace=100)
    with pytest.raises(GeoreferenceError, match="lever_arm_m must be"):
        georeference(survey, fixes_from_lines(lines, fix_traces), crs=CRS, lever_arm_m=bad)
    with pytest.raises(GeoreferenceError, match="latency_s must be"):
        georeference(survey, fixes_from_lines(lines, fix_traces), crs=CRS, latency_s=float("inf"))


@pytest.mark.parametrize("crs", ["EPSG:2227", "EPSG:4326"])  # US survey feet; degrees
def test_crs_not_in_metres_is_refused(crs):
    survey, lines, fix_traces, _ = synthetic(n_trace=100)
    with pytest.raises(GeoreferenceError, match="metres"):
        georeference(survey, fixes_from_lines(lines, fix_traces), crs=crs)


def test_read_options_reach_georeference_and_history(samples_dir):
    import roadhealth

    path = samples_dir / "mala/impdar_ten_col/ten_col.rd3"
    plain = roadhealth.read(path)
    moved = roadhealth.read(path, lever_arm_m=(0.0, 1.0), latency_s=0.0)
    rec = moved.attrs["history"][-1]
    assert rec["step"] == "georeference" and rec["parameters"]["lever_arm_m"] == [0.0, 1.0]
    shift = np.hypot(moved.x.values - plain.x.values, moved.y.values - plain.y.values)
    np.testing.assert_allclose(shift, 1.0, atol=1e-6)  # the centre is 1 m right of the antenna


def test_crs_on_a_file_without_positions_warns_at_the_callers_line(samples_dir):
    import roadhealth

    path = samples_dir / "gssi/gprpy_400mhz/FILE____032.DZT"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = roadhealth.read(path, crs="EPSG:4545")
    assert s.attrs["crs"] is None
    msgs = [w for w in caught if issubclass(w.category, RoadHealthWarning) and "not used" in str(w.message)]
    assert len(msgs) == 1 and "crs='EPSG:4545'" in str(msgs[0].message) and "no positions" in str(msgs[0].message)
    assert msgs[0].filename == __file__


def test_reader_warnings_point_at_the_callers_line(samples_dir):
    """However deep the warning is raised (read -> read_dzt -> georeference), it names this file."""
    import roadhealth

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        roadhealth.read(samples_dir / "gssi/impdar_sir4000/test_gssi.DZT")  # DZX disagrees; DZG quality 0
        line = __import__("inspect").currentframe().f_lineno - 1
    caught = [w for w in caught if issubclass(w.category, RoadHealthWarning)]
    assert len(caught) >= 2
    for w in caught:
        assert w.filename == __file__, (w.filename, str(w.message))
        assert w.lineno == line
