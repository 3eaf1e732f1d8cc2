"""pulseEKKO .DT1 + .HD (+ .GPS): the three real samples, round trips (metres and feet), damage."""

from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import read_outcome
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadhealth.errors import FormatError, RoadHealthWarning
from roadhealth.io.pulseekko import DT1_TRACE_HEADER, read_dt1, write_dt1
from roadhealth.survey import make_survey, validate

SAMPLES = [
    "pulseekko/rgpr_isola_grid/YLINEA0.DT1",
    "pulseekko/gprpy_warr/XLINE00.DT1",
    "pulseekko/rgpr_frenke/CMP.DT1",
]
CMP = "pulseekko/rgpr_frenke/CMP.DT1"  # 40 traces x 1000 points: small enough for property tests
CMP_RECORD = 128 + 2 * 1000
FAST = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_trace_header_dtype_layout():
    assert DT1_TRACE_HEADER.itemsize == 128
    offsets = {name: DT1_TRACE_HEADER.fields[name][1] for name in DT1_TRACE_HEADER.names}
    assert offsets["bytes_per_point"] == 20  # word 5
    assert offsets["time_window"] == 24  # word 6 (dt in ps in pulseEKKO PRO files)
    assert offsets["n_stacks"] == 28  # word 7
    assert offsets["gps_x"] == 32
    assert offsets["time_of_day"] == 92
    assert offsets["comment"] == 100


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_every_expected_fact(samples_dir, expected, name):
    facts = expected[name]
    s = read_dt1(samples_dir / name, gnss=False)
    validate(s)
    v = s.values[0]
    assert s.sizes["channel"] == facts["n_channels"]
    assert s.sizes["trace"] == facts["n_traces"]
    assert s.sizes["sample"] == facts["n_samples"]
    assert str(s.dtype) == facts["dtype"]
    assert s.attrs["bits"] == facts["bits"]
    assert s.attrs["format"] == facts["format"]
    assert s.attrs["time_window_ns"] == facts["time_window_ns"]
    assert s.attrs["dt_ns"] == pytest.approx(facts["dt_ns"], abs=1e-9)
    assert s.attrs["antenna_mhz"] == facts["antenna_mhz"]
    assert s.attrs["time_zero_sample"] == facts["timezero_at_point"]
    assert v[0, :8].tolist() == facts["first_values"]
    assert v[0, -4:].tolist() == facts["last_values_trace0"]
    assert v[-1, :8].tolist() == facts["first_values_last_trace"]
    assert int(v[0].astype(np.int64).sum()) == facts["sum_trace0"]
    assert int(v.min()) == facts["min_all"]
    assert int(v.max()) == facts["max_all"]
    assert s.coords["trace_number"].values.tolist() == list(range(1, facts["n_traces"] + 1))
    assert s.attrs["instrument"] == "Sensors & Software pE PRO (2011-00114-00)"
    assert s.attrs["position_units"] == "m"
    assert "time" in s.coords and not np.isnat(s.time.values).any()
    json.dumps({k: v for k, v in s.attrs.items()})  # header and attrs are JSON-serialisable


def test_positions(samples_dir):
    y = read_dt1(samples_dir / SAMPLES[0], gnss=False)
    np.testing.assert_allclose(y.distance_m.values[0], 0.25 * np.arange(195))
    assert y.attrs["date"] == "2014-03-11" and y.attrs["stacks"] == 16
    assert y.attrs["survey_mode"] == "Reflection"
    # XLINE00: the .HD says STARTING POSITION 0.6 but the traces run 0 .. 16.3 m in 0.1 m steps
    x = read_dt1(samples_dir / SAMPLES[1], gnss=False)
    assert x.distance_m.values[0, 0] == 0.0
    assert x.distance_m.values[0, -1] == pytest.approx(16.3)
    c = read_dt1(samples_dir / CMP, gnss=False)
    assert c.distance_m.values[0, 0] == 17.0  # exact .HD value, not the float32 17.000004
    assert c.distance_m.values[0, -1] == 36.5
    assert c.attrs["survey_mode"] == "CMP/WARR"
    assert c.attrs["antenna_separation_m"] == 1.0


def test_dt1_hd_and_bare_name_read_the_same(samples_dir):
    base = samples_dir / CMP
    a = read_dt1(base, gnss=False)
    b = read_dt1(base.with_suffix(".HD"), gnss=False)
    c = read_dt1(base.with_suffix(""), gnss=False)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.values, c.values)


def test_lazy_equals_eager(samples_dir):
    eager = read_dt1(samples_dir / SAMPLES[1], lazy=False, gnss=False)
    lazy = read_dt1(samples_dir / SAMPLES[1], lazy=True, gnss=False)
    assert isinstance(eager.data, np.ndarray) and not isinstance(lazy.data, np.ndarray)
    np.testing.assert_array_equal(lazy.values, eager.values)
    np.testing.assert_array_equal(lazy.distance_m.values, eager.distance_m.values)


def test_ylinea0_gps(samples_dir, expected):
    import roadhealth.io.georef  # noqa: F401  (a broken module fails, not skips)
    from roadhealth.io.gnss import read_sensors_gps

    facts = expected[SAMPLES[0]]
    fixes = read_sensors_gps(samples_dir / "pulseekko/rgpr_isola_grid/YLINEA0.GPS")
    assert len(fixes) == facts["gps_fix_count"] == 195
    assert fixes.lat[0] == pytest.approx(46.4149, abs=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)  # GNSS QC summary
        s = read_dt1(samples_dir / SAMPLES[0])
    assert "lat" in s.coords and "lon" in s.coords
    assert s.lat.values[0, 0] == pytest.approx(46.4149, abs=1e-3)
    assert s.lon.values[0, 0] == pytest.approx(9.7336, abs=1e-3)
    assert s.attrs["crs"] is not None
    assert s.attrs["gnss_source"].endswith("YLINEA0.GPS")
    # the radar data are untouched by georeferencing
    assert s.values[0, 0, :8].tolist() == facts["first_values"]


# ------------------------------------------------------------------ errors


def _copy(samples_dir, folder: Path, name=CMP) -> Path:
    src = samples_dir / name
    shutil.copy(src, folder / "t.DT1")
    shutil.copy(src.with_suffix(".HD"), folder / "t.HD")
    return folder / "t.DT1"


def test_missing_hd_names_the_companion(tmp_path, samples_dir):
    shutil.copy(samples_dir / CMP, tmp_path / "x.DT1")
    with pytest.raises(FormatError, match=r"x\.HD") as err:
        read_dt1(tmp_path / "x.DT1")
    assert err.value.field == "HD"


def test_partial_record(tmp_path, samples_dir):
    path = _copy(samples_dir, tmp_path)
    original = read_dt1(path).values
    with open(path, "r+b") as f:
        f.truncate(CMP_RECORD * 40 - 10)
    with pytest.raises(FormatError, match="NUMBER OF TRACES"):
        read_dt1(path)
    with pytest.warns(RoadHealthWarning):
        s = read_dt1(path, allow_partial=True)
    np.testing.assert_array_equal(s.values, original[:, :39])


def test_wrong_points_per_trace_is_caught_by_trace_headers(tmp_path, samples_dir):
    path = _copy(samples_dir, tmp_path)
    hd = tmp_path / "t.HD"
    # 40 records of 2128 bytes = 20 records of 4256 bytes = 128 + 2 x 2064 points: size still divides
    hd.write_bytes(
        hd.read_bytes().replace(b"NUMBER OF PTS/TRC  = 1000", b"NUMBER OF PTS/TRC  = 2064")
    )
    with pytest.raises(FormatError, match="points per trace") as err:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RoadHealthWarning)
            read_dt1(path)
    assert err.value.field == "NUMBER OF PTS/TRC"


def test_bad_bytes_per_point(tmp_path, samples_dir):
    path = _copy(samples_dir, tmp_path)
    raw = bytearray(path.read_bytes())
    raw[20:24] = np.float32(3.0).tobytes()
    path.write_bytes(bytes(raw))
    with pytest.raises(FormatError, match="bytes per point"):
        read_dt1(path)


# ------------------------------------------------------------------ round trips


def test_roundtrip_real_sample(tmp_path, samples_dir):
    s = read_dt1(samples_dir / SAMPLES[1], gnss=False)
    out = write_dt1(s, tmp_path / "copy")
    assert out.name == "copy.DT1"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        t = read_dt1(out)
    np.testing.assert_array_equal(t.values, s.values)
    assert t.dtype == np.int16
    for key in (
        "dt_ns",
        "time_window_ns",
        "antenna_mhz",
        "time_zero_sample",
        "stacks",
        "survey_mode",
        "date",
    ):
        assert t.attrs[key] == s.attrs[key], key
    np.testing.assert_allclose(t.distance_m.values, s.distance_m.values, atol=1e-6)
    np.testing.assert_array_equal(t.trace_number.values, s.trace_number.values)
    assert np.all(np.abs(t.time.values - s.time.values) < np.timedelta64(1, "ms"))
    for key in (
        "PULSER VOLTAGE (V)",
        "NOMINAL FREQUENCY",
        "NUMBER OF PTS/TRC",
        "TOTAL TIME WINDOW",
    ):
        assert float(t.attrs["header"][key]) == float(s.attrs["header"][key]), key
    assert t.attrs["header"]["STACKING TYPE"] == s.attrs["header"]["STACKING TYPE"]
    # the trace data bytes are identical to the instrument's
    raw_in = np.fromfile(samples_dir / SAMPLES[1], dtype=[("h", "V128"), ("d", "<i2", (1900,))])[
        "d"
    ]
    raw_out = np.fromfile(out, dtype=[("h", "V128"), ("d", "<i2", (1900,))])["d"]
    np.testing.assert_array_equal(raw_in, raw_out)


def _synthetic(n_trace=9, n_samples=50, spacing=0.3048 * 0.5):
    rng = np.random.default_rng(3)
    data = rng.integers(-32768, 32767, size=(n_trace, n_samples), endpoint=True, dtype=np.int16)
    return make_survey(
        data,
        dt_ns=0.8,
        distance_m=1.524 + spacing * np.arange(n_trace),
        antenna_mhz=250.0,
        attrs={
            "distance_source": "wheel",
            "time_zero_sample": 12.5,
            "antenna_separation_m": 0.3048,
        },
    )


def test_roundtrip_in_feet(tmp_path):
    s = _synthetic()
    out = write_dt1(s, tmp_path / "feet.DT1", position_units="ft")
    text = (tmp_path / "feet.HD").read_bytes().decode("latin-1")
    assert "POSITION UNITS     = ft\r\r\n" in text
    assert "STEP SIZE USED     = 0.5\r\r\n" in text
    assert "STARTING POSITION  = 5\r\r\n" in text
    t = read_dt1(out)
    np.testing.assert_array_equal(t.values, s.values)
    assert t.attrs["position_units"] == "ft"
    np.testing.assert_allclose(t.distance_m.values, s.distance_m.values, rtol=1e-12)
    assert t.attrs["antenna_separation_m"] == pytest.approx(0.3048)
    assert t.attrs["time_zero_sample"] == 12.5
    assert t.attrs["dt_ns"] == pytest.approx(0.8)
    assert t.attrs["antenna_mhz"] == 250.0
    # positions in the trace headers are in feet
    hdr = np.fromfile(out, dtype=[("h", DT1_TRACE_HEADER), ("d", "<i2", (50,))])["h"]
    np.testing.assert_allclose(hdr["position"], 5 + 0.5 * np.arange(9), rtol=1e-6)
    assert np.all(hdr["bytes_per_point"] == 2) and np.all(hdr["time_window"] == np.float32(800.0))


def test_feet_file_with_irregular_positions(tmp_path):
    s = _synthetic()
    d = s.distance_m.values.copy()
    d[0, 4:] += 0.1
    s = s.assign_coords(distance_m=(("channel", "trace"), d))
    t = read_dt1(write_dt1(s, tmp_path / "irr", position_units="feet"))
    assert t.attrs["position_units"] == "feet"
    np.testing.assert_allclose(t.distance_m.values, d, rtol=1e-6)
    assert t.attrs["distance_source"] == "measured: trace header position"


def test_writer_refuses_bad_input(tmp_path):
    s = _synthetic()
    with pytest.raises(ValueError, match="position_units"):
        write_dt1(s, tmp_path / "a", position_units="furlong")
    with pytest.raises(ValueError, match="int16"):
        write_dt1(s.astype(np.int32) * 4, tmp_path / "a")
    two = make_survey(np.zeros((2, 3, 4), dtype=np.int16), dt_ns=0.1)
    with pytest.raises(ValueError, match="one channel"):
        write_dt1(two, tmp_path / "b")
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ property tests


@FAST
@given(cut=st.integers(min_value=0, max_value=40 * CMP_RECORD))
def test_truncated_dt1_never_silently_wrong(samples_dir, cut):
    original = read_dt1(samples_dir / CMP, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy(samples_dir, Path(d))
        with open(path, "r+b") as f:
            f.truncate(cut)
        result = read_outcome(lambda: read_dt1(path), original)
        if result == "warned":
            assert cut % CMP_RECORD == 0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RoadHealthWarning)
                np.testing.assert_array_equal(
                    read_dt1(path).values, original[:, : cut // CMP_RECORD]
                )
        elif result == "equal":
            assert cut == 40 * CMP_RECORD


@FAST
@given(cut=st.integers(min_value=0, max_value=766))
def test_truncated_hd_never_raises_anything_else(samples_dir, cut):
    original = read_dt1(samples_dir / CMP, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy(samples_dir, Path(d))
        hd = Path(d) / "t.HD"
        hd.write_bytes(hd.read_bytes()[:cut])
        read_outcome(lambda: read_dt1(path), original)


_FIELDS = [
    "NUMBER OF TRACES",
    "NUMBER OF PTS/TRC",
    "TIMEZERO AT POINT",
    "TOTAL TIME WINDOW",
    "STARTING POSITION",
    "STEP SIZE USED",
    "POSITION UNITS",
    "NOMINAL FREQUENCY",
    "ANTENNA SEPARATION",
    "NUMBER OF STACKS",
]
_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "1e400", "-0", "999.5", "nan", "ft", "2000", "500"]),
)


@FAST
@given(field=st.sampled_from(_FIELDS), value=st.one_of(st.none(), _VALUES))
def test_corrupted_hd_field_never_raises_anything_else(samples_dir, field, value):
    original = read_dt1(samples_dir / CMP, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy(samples_dir, Path(d))
        hd = Path(d) / "t.HD"
        lines = hd.read_bytes().decode("latin-1").splitlines()
        if value is None:
            lines = [ln for ln in lines if ln.split("=")[0].strip() != field]
        else:
            lines = [
                f"{field} = {value}" if ln.split("=")[0].strip() == field else ln for ln in lines
            ]
        hd.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        # a different (valid) unit is a different survey, not a damaged one: samples must still match
        read_outcome(lambda: read_dt1(path), original.values if field == "POSITION UNITS" else original)


@FAST
@given(offset=st.integers(min_value=0, max_value=124), value=st.binary(min_size=1, max_size=4))
def test_corrupted_trace_header_never_raises_anything_else(samples_dir, offset, value):
    original = read_dt1(samples_dir / CMP, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy(samples_dir, Path(d))
        raw = bytearray(path.read_bytes())
        raw[offset : offset + len(value)] = value
        raw = raw[: 40 * CMP_RECORD]
        path.write_bytes(bytes(raw))
        read_outcome(lambda: read_dt1(path), original)
