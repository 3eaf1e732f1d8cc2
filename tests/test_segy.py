"""SEG-Y reader and writer: round trips, sample-interval inference, coordinates, lines, corruption."""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
import segyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadhealth.errors import FormatError, RoadHealthWarning
from roadhealth.io.segy import BINARY_HEADER_DTYPE, TRACE_HEADER_DTYPE, read_segy, write_segy
from roadhealth.survey import make_survey, validate

CRS = "EPSG:32650"
NO_DT_TEXT = "C 1 GPR LINE EXPORTED BY SOME VENDOR\nC 2 NOTHING ABOUT TIMING HERE"


def _survey(
    n_chan=1, n_trace=40, n_samp=64, sample_format="ieee", dt_ns=0.05, heading_deg=30.0, seed=0
):
    """A survey with projected coordinates on a straight track; channels offset to the left."""
    rng = np.random.default_rng(seed)
    if sample_format == "int16":
        data = rng.integers(-32768, 32768, size=(n_chan, n_trace, n_samp)).astype(np.int16)
    elif sample_format == "int32":
        data = rng.integers(-(2**31), 2**31, size=(n_chan, n_trace, n_samp)).astype(np.int32)
    elif sample_format == "ibm":  # 20-bit mantissas: exactly representable as IBM floats
        mant = rng.integers(-(2**20), 2**20, size=(n_chan, n_trace, n_samp))
        data = np.ldexp(mant.astype(np.float64), rng.integers(-30, 10, size=mant.shape)).astype(
            np.float32
        )
    else:
        data = rng.standard_normal((n_chan, n_trace, n_samp)).astype(np.float32) * 1e3
    offsets = (np.arange(n_chan) - (n_chan - 1) / 2) * 0.2
    dist = np.arange(n_trace) * 0.05
    h = np.radians(heading_deg)
    ux, uy = np.cos(h), np.sin(h)  # travel direction; left normal is (-uy, ux)
    x = np.round(500000.0 + dist[None, :] * ux - offsets[:, None] * uy, 2)
    y = np.round(3400000.0 + dist[None, :] * uy + offsets[:, None] * ux, 2)
    return make_survey(
        data,
        dt_ns=dt_ns,
        distance_m=np.broadcast_to(dist, (n_chan, n_trace)),
        offset_m=offsets,
        x=x,
        y=y,
        crs=CRS,
        instrument="GSSI SIR-4000",
        antenna_mhz=400,
    )


def _read_quiet(path, **kw):
    """read_segy that fails the test on any RoadHealthWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        return read_segy(path, **kw)


def _patch_binary(path, **fields):
    bh = np.memmap(path, dtype=BINARY_HEADER_DTYPE, mode="r+", offset=3200, shape=(1,))
    for k, v in fields.items():
        bh[k] = v
    bh.flush()
    del bh


def _trace_headers(path, n_samp, itemsize=4):
    rec = np.dtype([("hdr", TRACE_HEADER_DTYPE), ("data", f"V{n_samp * itemsize}")])
    n = (os.path.getsize(path) - 3600) // rec.itemsize
    return np.memmap(path, dtype=rec, mode="r+", offset=3600, shape=(n,))


# ---------------------------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample_format", ["ieee", "ibm", "int16", "int32"])
@pytest.mark.parametrize("revision", [1, 2])
@pytest.mark.parametrize("n_chan", [1, 2, 4])
def test_round_trip(tmp_path, sample_format, revision, n_chan):
    s = _survey(n_chan=n_chan, sample_format=sample_format)
    path = write_segy(s, tmp_path / "line.sgy", sample_format=sample_format, revision=revision)
    r = validate(_read_quiet(path))
    assert r.dims == ("channel", "trace", "sample")
    assert r.shape == s.shape
    assert r.dtype == s.dtype
    np.testing.assert_array_equal(r.values, s.values)  # bit-exact
    assert r.attrs["dt_ns"] == pytest.approx(0.05, rel=1e-12)
    np.testing.assert_allclose(r.twt_ns.values, s.twt_ns.values, rtol=1e-12)
    np.testing.assert_allclose(r.x.values, s.x.values, atol=1e-6)
    np.testing.assert_allclose(r.y.values, s.y.values, atol=1e-6)
    np.testing.assert_allclose(r.offset_m.values, s.offset_m.values, atol=1e-12)
    np.testing.assert_allclose(r.distance_m.values, s.distance_m.values, atol=0.02)
    assert r.attrs["format"] == "segy"
    assert r.attrs["crs"] == CRS
    assert r.attrs["antenna_mhz"] == 400.0
    assert r.attrs["instrument"] == "GSSI SIR-4000"
    assert r.attrs["source"] == str(path)
    assert r.attrs["history"] == []
    hdr = r.attrs["header"]
    assert hdr["Format"] == {"ieee": 5, "ibm": 1, "int16": 3, "int32": 2}[sample_format]
    assert hdr["SEGYRevision"] == revision
    assert hdr["Samples"] == 64
    if revision == 1:
        assert hdr["dt_source"] == "textual header"
    else:
        assert hdr["dt_source"].startswith("binary header ExtInterval")
    import json

    json.dumps(hdr)  # JSON-serialisable


def test_round_trip_little_endian_and_time_zero(tmp_path):
    s = _survey(n_chan=2)
    s = s.assign_coords(twt_ns=s.twt_ns - 2.5)
    path = write_segy(s, tmp_path / "le.sgy", endian="little", revision=2)
    with open(path, "rb") as f:
        f.seek(3224)
        assert f.read(2) == b"\x05\x00"
    r = _read_quiet(path)
    assert r.attrs["header"]["endian"] == "little"
    np.testing.assert_array_equal(r.values, s.values)
    np.testing.assert_allclose(r.twt_ns.values, s.twt_ns.values, atol=1e-12)
    lazy = _read_quiet(path, lazy=True)
    np.testing.assert_array_equal(lazy.values, s.values)
    with pytest.raises(FormatError):
        read_segy(path, endian="big")


def test_round_trip_local_frame(tmp_path):
    """A survey without crs: x = distance, y = offset; crs stays None with a note."""
    data = np.arange(3 * 10 * 8, dtype=np.float32).reshape(3, 10, 8)
    s = make_survey(data, dt_ns=0.1, offset_m=[0.0, 0.5, 1.0], distance_m=np.arange(10) * 0.05)
    path = write_segy(s, tmp_path / "local.sgy")
    r = _read_quiet(path)
    assert r.attrs["crs"] is None
    assert any("crs" in n for n in r.attrs["header"]["notes"])
    np.testing.assert_array_equal(r.values, data)
    np.testing.assert_allclose(r.distance_m.values, s.distance_m.values)
    np.testing.assert_allclose(r.offset_m.values, [0.0, 0.5, 1.0])
    # a survey without positions (distance = the trace index) reads back as having none, not as
    # traces a metre apart
    bare = make_survey(data, dt_ns=0.1, offset_m=[0.0, 0.5, 1.0])
    with pytest.warns(RoadHealthWarning, match="trace index"):
        r = read_segy(write_segy(bare, tmp_path / "bare.sgy"))
    assert r.attrs["distance_source"] == "trace index"
    np.testing.assert_allclose(r.distance_m.values, bare.distance_m.values)
    np.testing.assert_allclose(r.offset_m.values, [0.0, 0.5, 1.0])
    # ... unless its channel offsets would go with the coordinates (a header not stating them)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the header gives no sample interval either
        r = read_segy(write_segy(bare, tmp_path / "own.sgy", textual_header="MY LINE"), dt_ns=0.1)
    np.testing.assert_allclose(r.offset_m.values - r.offset_m.values.mean(), [-0.5, 0.0, 0.5])
    # positions given as x/y without a distance are positions: kept
    xy = make_survey(data[:1], dt_ns=0.1, x=np.arange(10)[None] * 0.1 + 7.0, y=np.zeros((1, 10)))
    r = _read_quiet(write_segy(xy, tmp_path / "xy.sgy"))
    np.testing.assert_allclose(r.x.values, xy.x.values)
    np.testing.assert_allclose(r.distance_m.values[0], np.arange(10) * 0.1)


def test_ascii_textual_header(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy", dt_encoding="none")
    text = "C 1 MALA ProEx  ANTENNA 800 MHz\nC 2 Sample interval: 0.1 ns\n".ljust(3200)
    with open(path, "r+b") as f:
        f.write(text.encode("ascii"))
    r = _read_quiet(path)
    assert r.attrs["dt_ns"] == 0.1
    assert r.attrs["antenna_mhz"] == 800.0
    assert r.attrs["instrument"] == "MALA"


def test_write_is_atomic_and_checks_arguments(tmp_path):
    s = _survey()
    target = tmp_path / "out.sgy"
    with pytest.raises(ValueError, match="integers"):
        write_segy(s, target, sample_format="int16")  # float samples with fractions
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
    with pytest.raises(ValueError):
        write_segy(s, target, sample_format="float64")
    with pytest.raises(ValueError, match="overflows"):
        write_segy(s, target, coordinate_scalar=-10000)


def test_write_warns_when_integer_interval_is_inexact(tmp_path):
    s = _survey(dt_ns=0.0125)
    with pytest.warns(RoadHealthWarning, match="integer interval"):
        path = write_segy(s, tmp_path / "a.sgy", dt_encoding="ps")
    assert _read_quiet(path).attrs["dt_ns"] == 0.0125  # the textual header keeps it exactly


# ---------------------------------------------------------------------------------------------
# sample interval
# ---------------------------------------------------------------------------------------------


def test_dt_picoseconds_in_binary_header(tmp_path):
    path = write_segy(
        _survey(dt_ns=0.05), tmp_path / "a.sgy", textual_header=NO_DT_TEXT, dt_encoding="ps"
    )
    with pytest.warns(RoadHealthWarning, match="picoseconds"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 0.05
    assert "ps" in r.attrs["header"]["dt_source"] or "pico" in r.attrs["header"]["dt_source"]
    assert r.attrs["header"]["Interval"] == 50


def test_dt_ns_times_1000_in_binary_header(tmp_path):
    path = write_segy(
        _survey(dt_ns=2.0), tmp_path / "a.sgy", textual_header=NO_DT_TEXT, dt_encoding="ps"
    )
    with pytest.warns(RoadHealthWarning, match="inferred"):
        r = read_segy(path)
    assert r.attrs["header"]["Interval"] == 2000
    assert r.attrs["dt_ns"] == 2.0


def test_dt_whole_nanoseconds_in_binary_header(tmp_path):
    path = write_segy(
        _survey(dt_ns=2.0), tmp_path / "a.sgy", textual_header=NO_DT_TEXT, dt_encoding="ns"
    )
    with pytest.warns(RoadHealthWarning, match="nanoseconds"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 2.0
    assert "nanoseconds" in r.attrs["header"]["dt_source"]


def test_dt_from_trace_header_when_binary_is_zero(tmp_path):
    path = write_segy(
        _survey(dt_ns=0.1), tmp_path / "a.sgy", textual_header=NO_DT_TEXT, dt_encoding="ps"
    )
    _patch_binary(path, Interval=0)
    with pytest.warns(RoadHealthWarning, match="TRACE_SAMPLE_INTERVAL"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 0.1


def test_dt_rev2_extended_field_is_unambiguous(tmp_path):
    path = write_segy(
        _survey(dt_ns=0.0125),
        tmp_path / "a.sgy",
        revision=2,
        textual_header=NO_DT_TEXT,
        dt_encoding="us",
    )
    r = _read_quiet(path)  # no warning
    assert r.attrs["dt_ns"] == 0.0125
    assert r.attrs["header"]["dt_source"].startswith("binary header ExtInterval")


def test_dt_rev2_extended_field_written_in_ns_is_warned(tmp_path):
    path = write_segy(
        _survey(), tmp_path / "a.sgy", revision=2, textual_header=NO_DT_TEXT, dt_encoding="none"
    )
    _patch_binary(path, ExtInterval=0.05)  # an exporter that wrote ns, not µs
    with pytest.warns(RoadHealthWarning, match="read as ns"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C 1 RADAR LINE 7\nC 2 SAMPLE INTERVAL 0.05 NS", 0.05),
        ("C 1 PROCESSED\nC 2 dt=0.1 ns, 512 samples", 0.1),
        ("C 1 sampling interval: 25 ps", 0.025),
        ("C 1 SAMPLING FREQUENCY 20 GHZ", 0.05),
        # the unit first, as trace spacings are written too, and a rate in GHz
        ("C 1 SAMPLE INTERVAL (NS): 0.0500", 0.05),
        ("C 1 SAMPLING INTERVAL (PS) = 25", 0.025),
        ("C 1 SAMPLING RATE: 20 GHZ", 0.05),
        ("C 1 SAMPLING FREQUENCY (MHZ): 10000", 0.1),
    ],
)
def test_dt_from_textual_header(tmp_path, text, expected):
    path = write_segy(_survey(), tmp_path / "a.sgy", textual_header=text, dt_encoding="none")
    r = _read_quiet(path)
    assert r.attrs["dt_ns"] == pytest.approx(expected, rel=1e-12)
    assert r.attrs["header"]["dt_source"] == "textual header"


def test_dt_textual_header_contradicted_by_binary_is_warned(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy", textual_header="C 1 SAMPLE INTERVAL 0.05 NS")
    _patch_binary(path, Interval=80)
    with pytest.warns(RoadHealthWarning, match="textual header"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 0.05


def test_dt_rev2_and_textual_disagree_is_warned(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy", revision=2)
    _patch_binary(path, ExtInterval=1e-4)  # 0.1 ns; the textual header says 0.05 ns
    with pytest.warns(RoadHealthWarning, match="disagrees"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 0.1


def test_dt_override(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy", textual_header=NO_DT_TEXT, dt_encoding="ps")
    r = _read_quiet(path, dt_ns=0.2)
    assert r.attrs["dt_ns"] == 0.2
    assert r.attrs["header"]["dt_source"] == "argument"
    np.testing.assert_allclose(r.twt_ns.values[:3], [0, 0.2, 0.4])


def test_dt_missing_or_implausible_is_format_error(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy", textual_header=NO_DT_TEXT, dt_encoding="none")
    with pytest.raises(FormatError, match="dt_ns=") as exc:
        read_segy(path)
    assert exc.value.field == "Interval"
    assert exc.value.path == str(path)
    _patch_binary(path, Interval=60000)
    with pytest.raises(FormatError, match="implausible"):
        read_segy(path)
    assert read_segy(path, dt_ns=0.05).attrs["dt_ns"] == 0.05


# ---------------------------------------------------------------------------------------------
# coordinates
# ---------------------------------------------------------------------------------------------


def test_positive_coordinate_scalar(tmp_path):
    s = _survey(n_trace=5)
    s = s.assign_coords(
        x=(("channel", "trace"), np.array([[500000.0, 500010, 500020, 500030, 500040]]))
    )
    path = write_segy(s, tmp_path / "a.sgy", coordinate_scalar=10)
    th = _trace_headers(path, 64)
    assert th["hdr"]["SourceGroupScalar"][0] == 10
    assert th["hdr"]["CDP_X"][1] == 50001
    del th
    with pytest.warns(RoadHealthWarning, match="centimetres or millimetres"):  # 10 m steps
        r = read_segy(path, dt_ns=0.05)
    np.testing.assert_allclose(r.x.values, s.x.values)
    np.testing.assert_allclose(r.y.values, np.round(s.y.values, -1))


def test_negative_scalar_and_source_xy_fallback(tmp_path):
    s = _survey(n_trace=6)
    s = s.assign_coords(y=s.y - 3_000_000.0)  # fits the 4-byte field in millimetres
    path = write_segy(s, tmp_path / "a.sgy", coordinate_scalar=-1000)
    th = _trace_headers(path, 64)
    h = th["hdr"]
    h["SourceX"] = h["CDP_X"]
    h["SourceY"] = h["CDP_Y"]
    h["CDP_X"] = 0
    h["CDP_Y"] = 0
    th["hdr"] = h
    th.flush()
    del th
    r = _read_quiet(path)
    assert r.attrs["header"]["coordinate_source"] == "SourceX/SourceY"
    np.testing.assert_allclose(r.x.values, s.x.values, atol=1e-9)
    np.testing.assert_allclose(r.y.values, s.y.values, atol=1e-9)


def _geographic_file(tmp_path, units, lon, lat, scalar):
    s = _survey(n_trace=lon.size)
    path = write_segy(s, tmp_path / f"geo{units}.sgy")
    th = _trace_headers(path, 64)
    h = th["hdr"]
    h["CoordinateUnits"] = units
    h["SourceGroupScalar"] = scalar
    h["CDP_X"] = lon
    h["CDP_Y"] = lat
    th["hdr"] = h
    th.flush()
    del th
    return path


def test_arc_seconds_become_lon_lat(tmp_path):
    lon = np.array([114.05, 114.0501, 114.0502, 114.0503])
    lat = np.array([22.55, 22.5501, 22.5502, 22.5503])
    path = _geographic_file(
        tmp_path, 2, np.round(lon * 3600 * 1000), np.round(lat * 3600 * 1000), -1000
    )
    r = _read_quiet(path, crs=None)
    np.testing.assert_allclose(r.lon.values[0], lon, atol=1e-9)
    np.testing.assert_allclose(r.lat.values[0], lat, atol=1e-9)
    assert r.attrs["crs"] is None
    np.testing.assert_allclose(r.x.values, r.distance_m.values)  # local frame
    assert r.distance_m.values[0, -1] == pytest.approx(3 * 15.04, rel=0.02)  # ~15 m per step
    assert r.attrs["header"]["coordinate_units"] == "arc seconds"
    # with a crs the lon/lat are projected
    from pyproj import Transformer

    p = _read_quiet(path, crs=CRS)
    ex, ey = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(lon, lat)
    np.testing.assert_allclose(p.x.values[0], ex, atol=1e-3)
    np.testing.assert_allclose(p.y.values[0], ey, atol=1e-3)
    assert p.attrs["crs"] == CRS


def test_decimal_degrees_and_dms(tmp_path):
    lon = np.array([114.05, 114.0501, 114.0502])
    lat = np.array([-22.55, -22.5501, -22.5502])
    path = _geographic_file(tmp_path, 3, np.round(lon * 1e4), np.round(lat * 1e4), -10000)
    r = _read_quiet(path)
    np.testing.assert_allclose(r.lon.values[0], lon, atol=1e-9)
    np.testing.assert_allclose(r.lat.values[0], lat, atol=1e-9)
    # DMS: 114°03'00.00" = 1140300.00, -22°33'00.36" = -223300.36
    dms_lon = np.array([1140300.00, 1140300.36, 1140300.72])
    dms_lat = np.array([-223300.00, -223300.36, -223300.72])
    path = _geographic_file(tmp_path, 4, np.round(dms_lon * 100), np.round(dms_lat * 100), -100)
    r = _read_quiet(path)
    np.testing.assert_allclose(
        r.lon.values[0], 114.05 + np.array([0, 0.36, 0.72]) / 3600, atol=1e-9
    )
    np.testing.assert_allclose(
        r.lat.values[0], -(22.55 + np.array([0, 0.36, 0.72]) / 3600), atol=1e-9
    )


def test_feet_are_converted_with_warning(tmp_path):
    path = write_segy(_survey(n_trace=11), tmp_path / "a.sgy")
    _patch_binary(path, MeasurementSystem=2)
    with pytest.warns(RoadHealthWarning, match="feet"):
        r = read_segy(path)
    assert r.distance_m.values[0, -1] == pytest.approx(0.5 * 0.3048, abs=0.01)


# ---------------------------------------------------------------------------------------------
# multi-line files
# ---------------------------------------------------------------------------------------------


def _raw_file(path, data, headers, fmt=5, interval=50, text="C 1 SAMPLE INTERVAL 0.05 NS"):
    """A SEG-Y file written trace by trace with segyio: data (n, ns), headers list of dicts."""
    spec = segyio.spec()
    spec.samples = list(range(data.shape[1]))
    spec.format = fmt
    spec.tracecount = data.shape[0]
    with segyio.create(str(path), spec) as f:
        f.text[0] = text.ljust(3200).encode()
        f.bin.update({segyio.BinField.Samples: data.shape[1], segyio.BinField.Interval: interval})
        for i, h in enumerate(headers):
            f.header[i] = {segyio.TraceField.TRACE_SAMPLE_COUNT: data.shape[1], **h}
        f.trace = data
    return path


@pytest.mark.parametrize("lazy", [False, True])
def test_interleaved_channels_by_inline(tmp_path, lazy):
    n_chan, n_trace, ns = 3, 7, 16
    cube = np.arange(n_chan * n_trace * ns, dtype=np.float32).reshape(n_chan, n_trace, ns)
    order = [(c, t) for t in range(n_trace) for c in range(n_chan)]  # ch0 t0, ch1 t0, ...
    data = np.stack([cube[c, t] for c, t in order])
    # travel along +y (north); left of travel is -x (west); channel c at x = -0.1 * c
    headers = [
        {
            segyio.TraceField.INLINE_3D: 10 + c,
            segyio.TraceField.CDP_X: -10 * c,
            segyio.TraceField.CDP_Y: 5 * t,
            segyio.TraceField.SourceGroupScalar: -100,
            segyio.TraceField.CoordinateUnits: 1,
        }
        for c, t in order
    ]
    path = _raw_file(tmp_path / "il.sgy", data, headers)
    r = _read_quiet(path, lazy=lazy)
    assert r.shape == (n_chan, n_trace, ns)
    np.testing.assert_array_equal(r.values, cube)
    np.testing.assert_allclose(r.offset_m.values, [-0.1, 0.0, 0.1], atol=1e-12)
    np.testing.assert_allclose(r.distance_m.values[:, -1], 0.3)
    assert r.attrs["header"]["line_key"] == "INLINE_3D"


def test_channels_by_field_record_and_trace_sequence(tmp_path):
    n_chan, n_trace, ns = 2, 5, 8
    cube = np.arange(n_chan * n_trace * ns, dtype=np.float32).reshape(n_chan, n_trace, ns)
    data = cube.reshape(-1, ns)
    hdr_fr = [{segyio.TraceField.FieldRecord: c + 1} for c in range(n_chan) for _ in range(n_trace)]
    with pytest.warns(RoadHealthWarning, match="offset_m set to 0"):
        r = read_segy(_raw_file(tmp_path / "fr.sgy", data, hdr_fr), trace_spacing_m=0.05)
    np.testing.assert_array_equal(r.values, cube)
    assert r.attrs["header"]["line_key"] == "FieldRecord"
    hdr_seq = [
        {segyio.TraceField.TRACE_SEQUENCE_LINE: t + 1}
        for _ in range(n_chan)
        for t in range(n_trace)
    ]
    text = "C 1 SAMPLE INTERVAL 0.05 NS\nC 2 LINE SPACING 0.25 M"
    with pytest.warns(RoadHealthWarning, match="line spacing"):
        r = read_segy(_raw_file(tmp_path / "seq.sgy", data, hdr_seq, text=text), trace_spacing_m=0.05)
    np.testing.assert_array_equal(r.values, cube)
    np.testing.assert_allclose(r.offset_m.values, [-0.125, 0.125])
    # a single line numbered 1..n stays one channel, and so does line_key=None
    hdr_one = [{segyio.TraceField.TRACE_SEQUENCE_LINE: i + 1} for i in range(n_chan * n_trace)]
    r = _read_quiet(_raw_file(tmp_path / "one.sgy", data, hdr_one), trace_spacing_m=0.05)  # no coordinates
    assert r.shape == (1, n_chan * n_trace, ns)
    assert _read_quiet(tmp_path / "fr.sgy", line_key=None, trace_spacing_m=0.05).shape == (1, n_chan * n_trace, ns)


def test_unequal_lines_are_format_error(tmp_path):
    data = np.zeros((7, 8), dtype=np.float32)
    headers = [{segyio.TraceField.INLINE_3D: 1 if i < 4 else 2} for i in range(7)]
    with pytest.raises(FormatError, match="unequal") as exc:
        read_segy(_raw_file(tmp_path / "bad.sgy", data, headers))
    assert exc.value.field == "INLINE_3D"


def test_offsets_from_coordinates_when_not_stated(tmp_path):
    s = _survey(n_chan=4, n_trace=30, heading_deg=-60)
    path = write_segy(s, tmp_path / "a.sgy", textual_header="C 1 SAMPLE INTERVAL 0.05 NS")
    r = _read_quiet(path, crs=CRS)
    assert r.attrs["header"]["offset_source"].startswith("coordinates")
    np.testing.assert_allclose(r.offset_m.values, s.offset_m.values, atol=0.01)


# ---------------------------------------------------------------------------------------------
# lazy reading
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample_format", ["ieee", "ibm", "int16", "int32"])
def test_lazy_equals_eager(tmp_path, sample_format):
    import dask.array as da

    s = _survey(n_chan=4, n_trace=50, sample_format=sample_format)
    path = write_segy(s, tmp_path / "a.sgy", sample_format=sample_format)
    eager = _read_quiet(path, lazy=False)
    lazy = _read_quiet(path, lazy=True)
    assert isinstance(lazy.data, da.Array)
    assert isinstance(eager.data, np.ndarray)
    assert lazy.dtype == eager.dtype and lazy.dtype.isnative
    np.testing.assert_array_equal(lazy.values, eager.values)
    np.testing.assert_array_equal(lazy.isel(trace=slice(10, 20)).values, s.values[:, 10:20])


def test_ibm_conversion_matches_segyio_on_arbitrary_values(tmp_path):
    rng = np.random.default_rng(3)
    data = (rng.standard_normal((1, 20, 32)) * 10.0 ** rng.integers(-20, 20, (1, 20, 32))).astype(
        np.float32
    )
    path = write_segy(make_survey(data, dt_ns=0.1, distance_m=np.arange(data.shape[-2]) * 0.05), tmp_path / "a.sgy",
                      sample_format="ibm")
    eager = _read_quiet(path, lazy=False)
    lazy = _read_quiet(path, lazy=True)
    np.testing.assert_array_equal(lazy.values, eager.values)
    np.testing.assert_allclose(eager.values, data, rtol=2e-6)


# ---------------------------------------------------------------------------------------------
# errors and corruption
# ---------------------------------------------------------------------------------------------


def test_not_segy_and_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_segy(tmp_path / "missing.sgy")
    short = tmp_path / "short.sgy"
    short.write_bytes(b"\x00" * 100)
    with pytest.raises(FormatError, match="bytes"):
        read_segy(short)
    junk = tmp_path / "junk.sgy"
    junk.write_bytes(np.random.default_rng(0).bytes(10000))
    with pytest.raises(FormatError):
        read_segy(junk)


def test_unsupported_format_code(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy")
    _patch_binary(path, Format=4)
    with pytest.raises(FormatError, match="format code") as exc:
        read_segy(path)
    assert exc.value.field == "Format"


def test_format_code_contradicting_layout_line(tmp_path):
    path = write_segy(_survey(), tmp_path / "a.sgy", sample_format="ieee")
    _patch_binary(path, Format=1)  # same size as IEEE: only the stated layout can tell
    with pytest.raises(FormatError, match="Format"):
        read_segy(path)


def test_truncated_at_trace_boundary(tmp_path):
    path = write_segy(_survey(n_trace=10), tmp_path / "a.sgy")
    with open(path, "r+b") as f:
        f.truncate(3600 + 9 * (240 + 64 * 4))
    with pytest.raises(FormatError, match="trace count"):
        read_segy(path)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """Written files (rev 1 and rev 2) with their original surveys, for the corruption tests."""
    d = tmp_path_factory.mktemp("orig")
    out = {}
    for rev, fmt in ((1, "ieee"), (2, "ibm")):
        s = _survey(n_chan=2, n_trace=6, n_samp=12, sample_format=fmt)
        path = write_segy(s, d / f"rev{rev}.sgy", sample_format=fmt, revision=rev)
        out[rev] = (path.read_bytes(), s)
    return out


def _check_never_silently_wrong(raw: bytes, original, workdir: Path) -> None:
    path = workdir / "case.sgy"
    path.write_bytes(raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = read_segy(path)
        except FormatError:
            return
    # anything else returned must hold the original data ...
    assert r.shape == original.shape
    np.testing.assert_array_equal(r.values, original.values)
    # ... and metadata that differ must have been announced
    same = (
        np.isclose(r.attrs["dt_ns"], original.attrs["dt_ns"], rtol=1e-9)
        and np.allclose(r.twt_ns.values, original.twt_ns.values)
        and np.allclose(r.x.values, original.x.values, atol=1e-6)
        and np.allclose(r.y.values, original.y.values, atol=1e-6)
        and np.allclose(r.offset_m.values, original.offset_m.values)
        and np.allclose(r.distance_m.values, original.distance_m.values, atol=0.02)
    )
    assert same or any(issubclass(w.category, RoadHealthWarning) for w in caught)


_HYP = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_HYP
@given(rev=st.sampled_from([1, 2]), cut=st.floats(0, 1, exclude_max=True))
def test_truncation_never_gives_wrong_data(originals, rev, cut):
    raw, original = originals[rev]
    n = int(cut * len(raw))
    with tempfile.TemporaryDirectory() as d:
        _check_never_silently_wrong(raw[:n], original, Path(d))


@_HYP
@given(
    rev=st.sampled_from([1, 2]),
    edits=st.lists(st.tuples(st.integers(3200, 3599), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_binary_header_corruption_never_gives_wrong_data(originals, rev, edits):
    raw, original = originals[rev]
    buf = bytearray(raw)
    for pos, value in edits:
        buf[pos] = value
    with tempfile.TemporaryDirectory() as d:
        _check_never_silently_wrong(bytes(buf), original, Path(d))


@pytest.mark.parametrize("rev", [1, 2])
@pytest.mark.parametrize(
    "pos",
    [
        3224,
        3225,
        3220,
        3221,
        3216,
        3217,
        3500,
        3504,
        3505,
        3268,
        3271,
        3272,
        3279,
        3296,
        3299,
        3520,
        3527,
    ],
)
def test_targeted_binary_header_corruption(originals, tmp_path, rev, pos):
    """Every byte of the fields that decide the layout, flipped to a few values."""
    raw, original = originals[rev]
    for value in (0, 1, 2, 3, 5, 8, 0x40, 0xFF):
        buf = bytearray(raw)
        buf[pos] = value
        _check_never_silently_wrong(bytes(buf), original, tmp_path)


def test_lines_in_descending_offset_read_ascending_and_write_back_in_file_order(tmp_path):
    s = _survey(n_chan=3)
    data = s.values.copy()
    flipped = make_survey(data[::-1], dt_ns=0.05, distance_m=s.distance_m.values, offset_m=s.offset_m.values[::-1],
                          x=s.x.values[::-1], y=s.y.values[::-1], crs=CRS, antenna_mhz=400)
    np.testing.assert_array_equal(flipped.source_channel.values, [2, 1, 0])
    p = write_segy(flipped, tmp_path / "desc.sgy")
    with segyio.open(p, ignore_geometry=True) as f:  # line 1 in the file is the leftmost (given first)
        np.testing.assert_array_equal(f.trace[0], data[2, 0])
    r = _read_quiet(p)
    assert np.all(np.diff(r.offset_m.values) > 0)
    np.testing.assert_array_equal(r.values, data)
    q = write_segy(r, tmp_path / "again.sgy")
    assert q.read_bytes() == p.read_bytes()


# ---------------------------------------------------------------------------------------------
# full-wave simulation exports: whole picoseconds, time zero at the source, no interval in the text
# ---------------------------------------------------------------------------------------------

SIM_TEXT = "SYNTHETIC GPR PROFILE, 2-D FDTD\nONE CHANNEL; CDP X = MIDPOINT ALONG THE TRACK"


def _simulation(tmp_path, dt_ps: int, n_samp: int, text=SIM_TEXT, name="sim.sgy"):
    s = _survey(n_chan=1, n_trace=12, n_samp=n_samp, dt_ns=dt_ps / 1000.0)
    path = write_segy(s, tmp_path / name, dt_encoding="ps", revision=1, textual_header=text)
    return s, path


def test_simulation_export_in_picoseconds_reads_back_with_a_warning(tmp_path):
    s, path = _simulation(tmp_path, dt_ps=40, n_samp=550)  # 900 MHz set: 40 ps, 22 ns
    with segyio.open(path, ignore_geometry=True) as f:
        assert f.bin[segyio.BinField.Interval] == 40 and f.header[0][segyio.TraceField.TRACE_SAMPLE_INTERVAL] == 40
    with pytest.warns(RoadHealthWarning, match=r"Interval .*= 40 read as picoseconds.*dt = 0\.04 ns"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == pytest.approx(0.04, rel=1e-12)
    assert r.twt_ns.values[0] == 0.0  # time zero at the source: the first sample
    np.testing.assert_array_equal(r.values, s.values)
    assert r.attrs["header"]["dt_source"].endswith("as picoseconds")
    quiet = _read_quiet(path, interval_unit="ps")  # saying so needs no warning
    assert quiet.attrs["dt_ns"] == pytest.approx(0.04, rel=1e-12)
    assert "interval_unit" in quiet.attrs["header"]["dt_source"]


def test_one_to_four_picoseconds_told_from_nanoseconds_by_the_window(tmp_path):
    # 2 ps x 6000 samples: as ns the window would be 12 us, beyond any GPR
    _, path = _simulation(tmp_path, dt_ps=2, n_samp=6000)
    with pytest.warns(RoadHealthWarning, match=r"read as picoseconds \(as ns, 6000 samples would span 12000 ns"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == pytest.approx(0.002)
    # a low-frequency GPR at 2 ns x 512 samples (1024 ns) stays nanoseconds, and the warning names the alternative
    _, path = _simulation(tmp_path, dt_ps=2, n_samp=512, name="short.sgy")
    with pytest.warns(RoadHealthWarning, match=r"read as nanoseconds.*interval_unit='ps'"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == 2.0
    assert _read_quiet(path, interval_unit="ps").attrs["dt_ns"] == pytest.approx(0.002)


def test_one_to_four_picoseconds_told_by_the_antenna_frequency(tmp_path):
    # 3 as ns would sample a 900 MHz antenna below its Nyquist rate: picoseconds
    _, path = _simulation(tmp_path, dt_ps=3, n_samp=512, text=SIM_TEXT + "\nANTENNA: 900 MHZ")
    with pytest.warns(RoadHealthWarning, match=r"picoseconds \(as ns, the 900 MHz antenna .* Nyquist"):
        r = read_segy(path)
    assert r.attrs["dt_ns"] == pytest.approx(0.003)
    assert r.attrs["antenna_mhz"] == 900.0


def test_interval_unit_is_checked(tmp_path):
    _, path = _simulation(tmp_path, dt_ps=40, n_samp=64)
    with pytest.raises(ValueError, match="interval_unit"):
        read_segy(path, interval_unit="ms")
    with pytest.raises(FormatError, match=r"40 ns is 40|outside the"):
        read_segy(path, interval_unit="ns")  # 40 ns is no GPR interval


def test_inference_warning_points_at_the_callers_line(tmp_path):
    import roadhealth

    _, path = _simulation(tmp_path, dt_ps=40, n_samp=64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        roadhealth.read(path)  # read -> read_segy -> resolve_dt, three frames inside roadhealth
    ours = [w for w in caught if issubclass(w.category, RoadHealthWarning)]
    assert len(ours) == 1 and "picoseconds" in str(ours[0].message)
    assert ours[0].filename == __file__


# ---------------------------------------------------------------------------------------------
# files without trace coordinates: the trace spacing
# ---------------------------------------------------------------------------------------------


def _without_coordinates(path):
    th = _trace_headers(path, 64)
    for f in ("CDP_X", "CDP_Y", "SourceX", "SourceY", "GroupX", "GroupY"):
        th["hdr"][f] = 0
    th.flush()
    del th
    return path


def test_no_coordinates_is_the_trace_index_with_a_warning(tmp_path):
    path = _without_coordinates(write_segy(_survey(n_trace=12), tmp_path / "a.sgy"))
    with pytest.warns(RoadHealthWarning, match="trace index, not metres; pass trace_spacing_m="):
        r = read_segy(path, dt_ns=0.05)
    np.testing.assert_array_equal(r.distance_m.values[0], np.arange(12.0))
    assert r.attrs["distance_source"] == "trace index"


def test_trace_spacing_from_the_textual_header(tmp_path):
    path = _without_coordinates(write_segy(_survey(n_trace=12), tmp_path / "a.sgy",
                                           textual_header="GPR LINE 7\nTRACE INTERVAL: 2.5 CM\nLINE SPACING 0.5 M"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        r = read_segy(path, dt_ns=0.05)
    np.testing.assert_allclose(r.distance_m.values[0], np.arange(12) * 0.025)
    assert r.attrs["distance_source"].startswith("textual header") and "2.5 CM" in r.attrs["distance_source"]
    np.testing.assert_allclose(r.x.values, r.distance_m.values)  # local frame
    assert r.attrs["crs"] is None


def test_trace_spacing_argument_overrides_and_is_checked(tmp_path):
    path = write_segy(_survey(n_trace=12), tmp_path / "a.sgy")
    r = read_segy(path, dt_ns=0.05, trace_spacing_m=0.1)
    np.testing.assert_allclose(r.distance_m.values[0], np.arange(12) * 0.1)
    assert r.attrs["distance_source"] == "trace_spacing_m (given)"
    np.testing.assert_allclose(r.x.values, _survey(n_trace=12).x.values)  # positions kept
    for bad in (0, -0.1, float("nan"), "a"):
        with pytest.raises(ValueError, match="trace_spacing_m"):
            read_segy(path, dt_ns=0.05, trace_spacing_m=bad)


def test_coordinates_without_their_scalar_are_warned(tmp_path):
    s = _survey(n_trace=8)  # 5 cm steps written in millimetres, scalar 1
    s = s.assign_coords(x=(("channel", "trace"), np.arange(8)[None] * 50.0), y=(("channel", "trace"), np.zeros((1, 8))))
    path = write_segy(s, tmp_path / "a.sgy", coordinate_scalar=1)
    with pytest.warns(RoadHealthWarning, match="centimetres or millimetres"):
        read_segy(path, dt_ns=0.05)


@pytest.mark.parametrize("line, expected", [
    ("TRACE SPACING 0.05 M", 0.05), ("trace interval: 2 cm", 0.02), ("Step size = 20 mm", 0.02),
    ("SPATIAL SAMPLING 0.1 M", 0.1), ("SCANS PER METER 50", 0.02), ("traces/m: 40", 0.025),
    ("LINE SPACING 0.5 M", None), ("SAMPLE INTERVAL 0.1 NS", None), ("ANTENNA 400 MHZ", None),
    ("TRACE SPACING 0 M", None), ("ANTENNA SEPARATION 0.16 M", None), ("TRACE DISTANCE 120 M", None),
    ("TRACE DISTANCE FROM START 3 M", None), ("TRACE SPACING 0.05 METERS", 0.05), ("step size: 5 centimetres", 0.05),
    ("TRACE SPACING (M): 0.05", 0.05), ("Trace interval [cm] = 2.5", 0.025), ("DISTANCE PER TRACE 0.05 M", 0.05),
    ("TRACE SPACING 25 M", None), ("#dx_dy_dz: 0.002 0.002 0.002", None), ("SAMPLE INTERVAL 50 PS", None),
])
def test_trace_spacing_from_text(line, expected):
    from roadhealth.io.segy_infer import trace_spacing_from_text

    got = trace_spacing_from_text(["GPR PROFILE", line])
    if expected is None:
        assert got is None
    else:
        assert got is not None and got[0] == pytest.approx(expected) and got[1] == line
