"""MALA .rd3/.rd7 + .rad (+ .cor): the real EGRIP sample, round trips, and damaged files."""

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
from roadhealth.io.mala import read_mala, write_mala
from roadhealth.survey import make_survey, validate

TEN_COL = "mala/impdar_ten_col/ten_col.rd3"
FAST = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _read(path, **kw):
    """Read, silencing the expected dt-disagreement warning of ten_col."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)
        return read_mala(path, **kw)


def _synthetic(n_trace=7, n_samples=64, dtype=np.int16, spacing=None, seed=0):
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    data = rng.integers(info.min, info.max, size=(n_trace, n_samples), endpoint=True, dtype=dtype)
    distance = None if spacing is None else 2.0 + spacing * np.arange(n_trace)
    return make_survey(
        data,
        dt_ns=0.1,
        distance_m=distance,
        format="memory",
        antenna_mhz=800.0,
        attrs={} if spacing is None else {"distance_source": "wheel"},
    )


# ------------------------------------------------------------------ the real sample


def test_ten_col_matches_every_expected_fact(samples_dir, expected):
    facts = expected[TEN_COL]
    with pytest.warns(RoadHealthWarning, match="TIMEWINDOW"):
        s = read_mala(samples_dir / TEN_COL, gnss=False)
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
    assert s.attrs["dt_ns_timewindow"] == pytest.approx(
        facts["dt_ns_alt_timewindow_over_samples"], abs=1e-6
    )
    assert s.attrs["sampling_frequency_mhz"] == facts["sampling_frequency_mhz"]
    assert s.attrs["antenna_mhz"] == facts["antenna_mhz"]
    assert s.attrs["antenna_name"] == facts["antenna_name"]
    assert v[0, :8].tolist() == facts["first_values"]
    assert v[0, -4:].tolist() == facts["last_values_trace0"]
    assert v[-1, :8].tolist() == facts["first_values_last_trace"]
    assert int(v[0].astype(np.int64).sum()) == facts["sum_trace0"]
    assert int(v.min()) == facts["min_all"]
    assert int(v.max()) == facts["max_all"]
    assert s.attrs["signal_position"] == 381.862687
    assert s.attrs["distance_source"] == "trace index"
    assert s.attrs["header"]["ANTENNAS"] == "500_shielded_egrip"
    assert s.attrs["source"].endswith("ten_col.rd3")
    assert s.twt_ns.values[1] == pytest.approx(1000 / 2426.187744)
    json.dumps({k: v for k, v in s.attrs.items()})  # header and attrs are JSON-serialisable


def test_rd3_rad_and_bare_name_read_the_same(samples_dir):
    base = samples_dir / "mala/impdar_ten_col/ten_col"
    a = _read(base.with_suffix(".rd3"), gnss=False)
    b = _read(base.with_suffix(".rad"), gnss=False)
    c = _read(base, gnss=False)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.values, c.values)
    assert a.attrs["dt_ns"] == b.attrs["dt_ns"] == c.attrs["dt_ns"]


def test_dt_source_timewindow(samples_dir, expected):
    with pytest.warns(RoadHealthWarning):
        s = read_mala(samples_dir / TEN_COL, dt_source="timewindow", gnss=False)
    assert s.attrs["dt_ns"] == pytest.approx(
        expected[TEN_COL]["dt_ns_alt_timewindow_over_samples"], abs=1e-9
    )
    assert s.attrs["dt_source"] == "timewindow"
    with pytest.raises(ValueError):
        _read(samples_dir / TEN_COL, dt_source="guess")


def test_lazy_equals_eager(samples_dir):
    eager = _read(samples_dir / TEN_COL, lazy=False, gnss=False)
    lazy = _read(samples_dir / TEN_COL, lazy=True, gnss=False)
    assert isinstance(eager.data, np.ndarray)
    assert not isinstance(lazy.data, np.ndarray)  # dask
    np.testing.assert_array_equal(lazy.values, eager.values)
    assert lazy.attrs["dt_ns"] == eager.attrs["dt_ns"]


def test_ten_col_gnss(samples_dir, expected):
    import roadhealth.io.georef  # noqa: F401  (a broken module fails, not skips)
    s = _read(samples_dir / TEN_COL, gnss=True)
    assert "lon" in s.coords and "lat" in s.coords
    assert s.lat.values[0, 0] == pytest.approx(
        expected[TEN_COL]["cross_check"]["impdar"]["lat_first"][0], abs=1e-7
    )
    assert s.lon.values[0, 0] == pytest.approx(
        expected[TEN_COL]["cross_check"]["impdar"]["long_first"][0], abs=1e-7
    )
    assert s.attrs["crs"] is not None
    assert s.attrs["gnss_source"].endswith("ten_col.cor")
    # The same GNSS route, explicitly: 3 fixes, 1-based trace numbers 7, 18, 27.
    from roadhealth.io.gnss import read_mala_cor

    fixes = read_mala_cor(samples_dir / "mala/impdar_ten_col/ten_col.cor")
    assert len(fixes) == expected[TEN_COL]["gps_fix_count"]
    assert fixes.trace.tolist() == [6.0, 17.0, 26.0]


# ------------------------------------------------------------------ errors


def test_missing_rad_names_the_companion(tmp_path, samples_dir):
    shutil.copy(samples_dir / TEN_COL, tmp_path / "x.rd3")
    with pytest.raises(FormatError, match=r"x\.rad") as err:
        read_mala(tmp_path / "x.rd3")
    assert err.value.field == "rad"


def test_missing_data_file(tmp_path, samples_dir):
    shutil.copy(samples_dir / "mala/impdar_ten_col/ten_col.rad", tmp_path / "x.rad")
    with pytest.raises(FormatError, match="rd3"):
        read_mala(tmp_path / "x.rad")
    with pytest.raises(FormatError, match="rd3"):
        read_mala(tmp_path / "x")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_mala(tmp_path / "nothing.rd3")


def _copy_ten_col(samples_dir, folder: Path) -> Path:
    for ext in (".rd3", ".rad"):
        shutil.copy(samples_dir / f"mala/impdar_ten_col/ten_col{ext}", folder / f"t{ext}")
    return folder / "t.rd3"


@pytest.mark.filterwarnings("ignore:.*TIMEWINDOW.*:roadhealth.errors.RoadHealthWarning")
def test_partial_trace_raises_or_reads_whole_traces(tmp_path, samples_dir):
    path = _copy_ten_col(samples_dir, tmp_path)
    original = _read(path).values
    with open(path, "r+b") as f:
        f.truncate(10240 - 100)
    with pytest.raises(FormatError, match="LAST TRACE") as err:
        _read(path)
    assert "whole number of traces" in str(err.value)
    with pytest.warns(RoadHealthWarning, match="whole traces"):
        s = read_mala(path, allow_partial=True)
    np.testing.assert_array_equal(s.values, original[:, :9])


def test_last_trace_disagreeing_with_file_size_warns(tmp_path, samples_dir):
    path = _copy_ten_col(samples_dir, tmp_path)
    rad = tmp_path / "t.rad"
    rad.write_text(rad.read_text().replace("LAST TRACE:10", "LAST TRACE:12"))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s = read_mala(path)
    assert any("LAST TRACE = 12" in str(x.message) for x in w)
    assert s.sizes["trace"] == 10


def test_empty_file_is_format_error(tmp_path, samples_dir):
    path = _copy_ten_col(samples_dir, tmp_path)
    path.write_bytes(b"")
    with pytest.raises(FormatError, match="no complete trace"):
        _read(path)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("SAMPLES", "abc", "SAMPLES"),
        ("SAMPLES", "0", "SAMPLES"),
        ("SAMPLES", "1", "at least 2 samples"),  # one sample per 'trace' holds no waveform
        ("SAMPLES", "inf", "SAMPLES"),
        ("SAMPLES", "511.5", "whole number"),
        ("FREQUENCY", "0", None),  # falls back to TIMEWINDOW, with a warning
        ("LAST TRACE", "x", "LAST TRACE"),
    ],
)
def test_bad_header_fields(tmp_path, samples_dir, field, value, match):
    path = _copy_ten_col(samples_dir, tmp_path)
    rad = tmp_path / "t.rad"
    lines = [
        f"{field}:{value}" if ln.split(":")[0] == field else ln
        for ln in rad.read_text().splitlines()
    ]
    rad.write_text("\n".join(lines) + "\n")
    if match is None:
        with pytest.warns(RoadHealthWarning, match="FREQUENCY"):
            s = read_mala(path)
        assert s.attrs["dt_source"] == "timewindow"
    else:
        with pytest.raises(FormatError, match=match) as err:
            _read(path)
        assert str(path.with_suffix(".rad")) in str(err.value)


# ------------------------------------------------------------------ round trips


def test_roundtrip_ten_col_keeps_data_and_header(tmp_path, samples_dir):
    s = _read(samples_dir / TEN_COL, gnss=False)
    out = write_mala(s, tmp_path / "copy")
    assert out.name == "copy.rd3"
    assert out.read_bytes() == (samples_dir / TEN_COL).read_bytes()
    t = _read(out)
    np.testing.assert_array_equal(t.values, s.values)
    assert t.dtype == s.dtype
    for key in (
        "dt_ns",
        "time_window_ns",
        "antenna_mhz",
        "signal_position",
        "antenna_separation_m",
        "format",
    ):
        assert t.attrs[key] == s.attrs[key], key
    original = {k: v.strip() for k, v in s.attrs["header"].items()}
    written = {k: v.strip() for k, v in t.attrs["header"].items()}
    assert set(written) == set(original)
    for key in original:
        try:
            assert float(written[key]) == float(original[key]), key
        except ValueError:
            assert written[key] == original[key], key


@pytest.mark.parametrize(("bits", "dtype", "ext"), [(16, np.int16, ".rd3"), (32, np.int32, ".rd7")])
def test_roundtrip_synthetic(tmp_path, bits, dtype, ext):
    s = _synthetic(dtype=dtype, spacing=0.05)
    out = write_mala(s, tmp_path / "syn", bits=bits)
    assert out.suffix == ext
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", RoadHealthWarning
        )  # a consistent file reads without warnings
        t = read_mala(out)
    assert t.dtype == np.dtype(dtype)
    assert t.attrs["format"] == f"mala_rd{3 if bits == 16 else 7}"
    np.testing.assert_array_equal(t.values, s.values)
    assert t.attrs["dt_ns"] == pytest.approx(0.1, rel=1e-12)
    assert t.attrs["antenna_mhz"] == 800.0
    np.testing.assert_allclose(t.distance_m.values, s.distance_m.values)
    assert "wheel" in t.attrs["distance_source"]
    header = t.attrs["header"]
    assert (
        header["SAMPLES"] == "64" and header["LAST TRACE"] == "7" and header["DISTANCE FLAG"] == "1"
    )
    # the .rad and a bare name also work
    np.testing.assert_array_equal(read_mala(tmp_path / "syn.rad").values, s.values)


def test_rd7_holds_values_beyond_int16(tmp_path):
    s = _synthetic(dtype=np.int32)
    assert np.abs(s.values).max() > 32767
    with pytest.raises(ValueError, match="outside the int16 range"):
        write_mala(s, tmp_path / "a", bits=16)
    np.testing.assert_array_equal(
        read_mala(write_mala(s, tmp_path / "a", bits=32)).values, s.values
    )
    assert not (tmp_path / "a.rd3").exists()


def test_writer_refuses_bad_input(tmp_path):
    s = _synthetic()
    with pytest.raises(ValueError, match="bits"):
        write_mala(s, tmp_path / "a", bits=8)
    with pytest.raises(ValueError, match="extension"):
        write_mala(s, tmp_path / "a.rd7", bits=16)
    with pytest.raises(ValueError, match="whole numbers"):
        write_mala(s.astype(float) + 0.5, tmp_path / "a")
    two = make_survey(np.zeros((2, 3, 4), dtype=np.int16), dt_ns=0.1)
    with pytest.raises(ValueError, match="one channel"):
        write_mala(two, tmp_path / "b")


def test_roundtrip_with_lonlat_writes_cor(tmp_path, samples_dir):
    import roadhealth.io.georef  # noqa: F401  (a broken module fails, not skips)
    s = _read(samples_dir / TEN_COL, gnss=True)
    out = write_mala(s, tmp_path / "geo")
    assert (tmp_path / "geo.cor").is_file()
    t = _read(out, gnss=True)
    np.testing.assert_allclose(t.lat.values, s.lat.values, atol=1e-9)
    np.testing.assert_allclose(t.lon.values, s.lon.values, atol=1e-9)


# ------------------------------------------------------------------ property tests


@FAST
@given(cut=st.integers(min_value=0, max_value=10240))
def test_truncated_rd3_never_silently_wrong(samples_dir, cut):
    original = _read(samples_dir / TEN_COL, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy_ten_col(samples_dir, Path(d))
        with open(path, "r+b") as f:
            f.truncate(cut)
        result = read_outcome(lambda: read_mala(path), original)
        if result == "warned":  # cut at a trace boundary: the whole traces, with a warning
            assert cut % 1024 == 0
            np.testing.assert_array_equal(_read(path).values, original[:, : cut // 1024])
        elif result == "equal":
            assert cut == 10240


@FAST
@given(cut=st.integers(min_value=0, max_value=761))
def test_truncated_rad_never_raises_anything_else(samples_dir, cut):
    original = _read(samples_dir / TEN_COL, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy_ten_col(samples_dir, Path(d))
        rad = Path(d) / "t.rad"
        rad.write_bytes(rad.read_bytes()[:cut])
        read_outcome(lambda: read_mala(path), original)


_FIELDS = [
    "SAMPLES",
    "FREQUENCY",
    "TIMEWINDOW",
    "LAST TRACE",
    "DISTANCE FLAG",
    "DISTANCE INTERVAL",
    "START POSITION",
    "SIGNAL POSITION",
    "ANTENNAS",
    "STACKS",
]
_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "1e400", "-0", "512.5", "nan", "0x10", "1_000"]),
)


@FAST
@given(field=st.sampled_from(_FIELDS), value=st.one_of(st.none(), _VALUES))
def test_corrupted_rad_field_never_raises_anything_else(samples_dir, field, value):
    original = _read(samples_dir / TEN_COL, gnss=False)
    with tempfile.TemporaryDirectory() as d:
        path = _copy_ten_col(samples_dir, Path(d))
        rad = Path(d) / "t.rad"
        lines = rad.read_text().splitlines()
        if value is None:
            lines = [ln for ln in lines if ln.split(":")[0] != field]
        else:
            lines = [f"{field}:{value}" if ln.split(":")[0] == field else ln for ln in lines]
        rad.write_text("\n".join(lines) + "\n", encoding="utf-8")
        read_outcome(lambda: read_mala(path), original)


def test_rad_saved_with_a_byte_order_mark_reads_the_same(tmp_path, samples_dir):
    """A .rad re-saved by a Windows editor starts with a UTF-8 byte-order mark, which had joined
    the first key ("SAMPLES" was then missing); it is dropped, and the record reads as the
    original does."""
    shutil.copy(samples_dir / TEN_COL, tmp_path / "x.rd3")
    rad = (samples_dir / "mala/impdar_ten_col/ten_col.rad").read_bytes()
    (tmp_path / "x.rad").write_bytes(b"\xef\xbb\xbf" + rad)
    back, original = _read(tmp_path / "x.rd3"), _read(samples_dir / TEN_COL)
    np.testing.assert_array_equal(back.values, original.values)
    assert back.attrs["dt_ns"] == original.attrs["dt_ns"]
