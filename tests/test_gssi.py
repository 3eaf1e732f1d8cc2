"""GSSI DZT: real files against independently measured facts, round trips, damaged files."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roadhealth
from roadhealth.errors import FormatError, RoadHealthWarning
from roadhealth.io import detect_format, read
from roadhealth.io.gssi import HEADER_DTYPE, read_dzt, read_dzt_header, write_dzt

DZT_KEYS = [
    "gssi/impdar_sir4000/test_gssi.DZT",
    "gssi/gprpy_400mhz/FILE____032.DZT",
    *[f"gssi/gprdata_grid/lines/FILE____{i:03d}.DZT" for i in (1, 17, 46)],
]


def _raw_words(survey) -> np.ndarray:
    """The words as stored in the file, from the survey and its documented offset."""
    return np.asarray(survey.values, dtype=np.int64) + survey.attrs["raw_offset"]


@pytest.mark.parametrize("key", DZT_KEYS)
def test_real_dzt_matches_expected(samples_dir, expected, key):
    e = expected[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)  # DZX/DZG remarks are tested separately
        s = read(samples_dir / key)
    roadhealth.validate(s)
    assert detect_format(samples_dir / key) == "gssi_dzt"
    assert s.sizes == {"channel": e["n_channels"], "trace": e["n_traces"], "sample": e["n_samples"]}
    assert s.attrs["time_window_ns"] == pytest.approx(e["time_window_ns"], abs=1e-9)
    assert s.attrs["dt_ns"] == pytest.approx(e["dt_ns"], abs=1e-12)
    assert s.coords["twt_ns"].values[1] - s.coords["twt_ns"].values[0] == pytest.approx(e["dt_ns"])
    assert s.attrs["antenna_mhz"] == e["antenna_mhz"]
    assert s.attrs["header"]["antenna_name"] == e["antenna_name"]
    assert s.attrs["bits"] == e["bits"]
    raw = _raw_words(s)[0]
    assert raw[0, :8].tolist() == e["first_values"]
    assert raw[0].sum() == e["sum_trace0"]
    for field, value in {
        "last_values_trace0": raw[0, -4:].tolist(),
        "first_values_last_trace": raw[-1, :8].tolist(),
        "min_all": raw.min(),
        "max_all": raw.max(),
    }.items():
        if field in e:
            assert value == e[field], field
    h = s.attrs["header"]
    for field in ("rh_data", "rh_tag", "rh_zero", "rh_system"):
        if field in e:
            assert h[field] == e[field], field
    if "data_offset_bytes" in e:
        assert h["data_offset"] == e["data_offset_bytes"]
    if "scans_per_second" in e:
        assert h["rhf_sps"] == e["scans_per_second"]
        assert h["rhf_spm"] == e["scans_per_meter"]
    if "rhf_position_ns" in e:
        assert h["rhf_position"] == e["rhf_position_ns"]
        assert h["rhf_epsr"] == pytest.approx(e["rhf_epsr"], rel=1e-7)
    if "created" in e:
        assert dt.datetime.fromisoformat(h["created"]) == dt.datetime.fromisoformat(e["created"])


def test_real_dzt_marks_and_trace_numbers(samples_dir):
    s = read(samples_dir / "gssi/gprpy_400mhz/FILE____032.DZT")
    assert s.attrs["header_words"] == 2
    np.testing.assert_array_equal(np.flatnonzero(s.coords["mark"].values), np.arange(0, 1001, 100))
    np.testing.assert_array_equal(s.coords["trace_number"].values, np.arange(1040))
    # survey wheel: 50 scans per metre
    np.testing.assert_allclose(s.coords["distance_m"].values[0, :3], [0, 0.02, 0.04])
    assert s.attrs["instrument"] == "GSSI SIR-3000"


def test_real_dzt_companions(samples_dir):
    """The DZX scan count disagrees with the data (342 vs 345): warn, read all scans. DZG has 14 fixes."""
    with pytest.warns(RoadHealthWarning) as caught:
        s = read(samples_dir / "gssi/impdar_sir4000/test_gssi.DZT")
    messages = [str(w.message) for w in caught]
    assert any("342 scans" in m for m in messages)
    assert any("GNSS not used" in m and "quality 0" in m for m in messages)
    assert s.sizes["trace"] == 345
    assert s.attrs["instrument"] == "GSSI SIR4K"
    # All 14 fixes have quality 0 (no fix): they are counted and reported, not trusted silently.
    assert "lat" not in s.coords and s.attrs["crs"] is None
    qc = s.attrs["gnss_qc"]
    assert qc["n_fixes"] == 14 and qc["n_used"] == 0 and "quality" in qc["error"]


def test_lazy_equals_eager(samples_dir):
    p = samples_dir / "gssi/impdar_sir4000/test_gssi.DZT"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)
        lazy = read(p, lazy=True, gnss=False)
        eager = read(p, lazy=False, gnss=False)
    assert hasattr(lazy.data, "dask")
    np.testing.assert_array_equal(lazy.values, eager.values)
    assert int(lazy.sum().compute()) == int(eager.sum())


def _synthetic(nchan: int, bits: int, n_trace: int = 37, nsamp: int = 64, seed: int = 0):
    rng = np.random.default_rng(seed)
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    dtype = {8: np.int8, 16: np.int16, 32: np.int32}[bits]
    data = rng.integers(lo, hi, size=(nchan, n_trace, nsamp), endpoint=True).astype(dtype)
    data[:, :, -1] = hi  # extremes survive the offset arithmetic
    data[:, :, -2] = lo
    return roadhealth.make_survey(
        data,
        dt_ns=0.1,
        distance_m=np.arange(n_trace) * 0.02,
        offset_m=np.arange(nchan) * 0.075,
        antenna_mhz=400,
        format="memory",
    )


@pytest.mark.parametrize("nchan", [1, 2, 4])
@pytest.mark.parametrize("bits", [8, 16, 32])
def test_write_read_round_trip(tmp_path, nchan, bits):
    s = _synthetic(nchan, bits, seed=nchan * bits)
    p = write_dzt(s, tmp_path / "line.dzt", bits=bits)
    back = read_dzt(p)
    assert back.shape == s.shape
    assert back.dtype == s.dtype
    np.testing.assert_array_equal(back.values, s.values)  # bit-exact
    assert back.attrs["dt_ns"] == pytest.approx(0.1, rel=1e-7)
    assert back.attrs["antenna_mhz"] == 400
    assert back.attrs["header"]["rh_nchan"] == nchan
    np.testing.assert_allclose(back.coords["offset_m"].values, s.coords["offset_m"].values)
    assert back.attrs["header"]["rhf_spm"] == pytest.approx(50.0, rel=1e-6)
    np.testing.assert_allclose(back.coords["distance_m"].values[0], s.coords["distance_m"].values[0], atol=1e-9)
    # channels are interleaved scan by scan in the file
    raw = np.fromfile(p, dtype={8: "u1", 16: "<u2", 32: "<i4"}[bits], offset=1024 * nchan)
    raw = raw.reshape(s.sizes["trace"], nchan, s.sizes["sample"]).astype(np.int64)
    np.testing.assert_array_equal(raw - back.attrs["raw_offset"], s.values.transpose(1, 0, 2))


def test_write_header_words_and_date(tmp_path):
    s = _synthetic(2, 16, n_trace=300)
    s = s.assign_coords(mark=("trace", np.isin(np.arange(300), [0, 150])))
    when = dt.datetime(2026, 5, 4, 13, 22, 10)
    p = write_dzt(s, tmp_path / "m.dzt", header_words=True, created=when, scans_per_second=64)
    back = read_dzt(p)
    assert back.attrs["header_words"] == 2
    np.testing.assert_array_equal(back.coords["trace_number"].values, np.arange(300))
    np.testing.assert_array_equal(np.flatnonzero(back.coords["mark"].values), [0, 150])
    assert back.attrs["header"]["created"] == "2026-05-04T13:22:10+00:00"
    assert back.coords["time"].values[64] == np.datetime64("2026-05-04T13:22:11")
    np.testing.assert_array_equal(back.values[:, :, 2:], s.values[:, :, 2:])


def test_write_refuses_values_that_do_not_fit(tmp_path):
    s = _synthetic(1, 32)
    with pytest.raises(FormatError, match="do not fit 16-bit"):
        write_dzt(s, tmp_path / "x.dzt", bits=16)
    f = s.astype(float) + 0.5
    f.attrs = s.attrs
    with pytest.raises(FormatError, match="whole numbers"):
        write_dzt(f, tmp_path / "y.dzt")
    assert not (tmp_path / "x.dzt").exists() and not list(tmp_path.iterdir())  # nothing half-written


def test_bad_headers_raise_format_error(tmp_path):
    s = _synthetic(1, 16)
    p = write_dzt(s, tmp_path / "ok.dzt")
    hdr = np.fromfile(p, dtype=HEADER_DTYPE, count=1)
    for field, value, message in [
        ("rh_bits", 12, "rh_bits"),
        ("rh_nsamp", 0, "rh_nsamp"),
        ("rh_nchan", 0, "rh_nchan"),
        ("rhf_range", np.nan, "rhf_range"),
        # a range that implies a sample interval no radar has (2e-6 ns, 195 ns: found by fuzzing)
        ("rhf_range", 1e-3, "rhf_range.*sample interval"),
        ("rhf_range", 1e5, "rhf_range.*sample interval"),
        ("rh_data", 0, "rh_data"),  # would read the header itself as the first scan
    ]:
        bad = hdr.copy()
        bad[field] = value
        q = tmp_path / f"bad_{field}.dzt"
        shutil.copy(p, q)
        with open(q, "r+b") as f:
            f.write(bad.tobytes())
        with pytest.raises(FormatError, match=message) as info:
            read(q)
        assert str(q) in str(info.value)
    q = tmp_path / "short.dzt"
    q.write_bytes(p.read_bytes()[:500])
    with pytest.raises(FormatError, match="at least 1024"):
        read(q)


def test_truncated_scan_warns_and_keeps_whole_scans(tmp_path):
    s = _synthetic(2, 16, n_trace=10, nsamp=32)
    p = write_dzt(s, tmp_path / "t.dzt")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) - 50])
    with pytest.warns(RoadHealthWarning, match="incomplete scan"):
        back = read(p)
    assert back.sizes["trace"] == 9
    np.testing.assert_array_equal(back.values, s.values[:, :9])


@pytest.fixture(scope="module")
def small_dzt(tmp_path_factory):
    s = _synthetic(2, 16, n_trace=12, nsamp=16, seed=7)
    p = write_dzt(s, tmp_path_factory.mktemp("dzt") / "prop.dzt")
    return s, p.read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=1024 * 2 + 2 * 12 * 16 * 2))
def test_cut_at_any_byte_gives_error_or_correct_prefix(tmp_path_factory, small_dzt, cut):
    s, blob = small_dzt
    p = tmp_path_factory.mktemp("cut") / "c.dzt"
    p.write_bytes(blob[:cut])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)
        try:
            back = read(p)
        except FormatError:
            return
    n = back.sizes["trace"]
    np.testing.assert_array_equal(back.values, s.values[:, :n])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(min_value=0, max_value=127), byte=st.integers(min_value=0, max_value=255))
def test_corrupt_header_byte_gives_error_or_consistent_result(tmp_path_factory, small_dzt, pos, byte):
    s, blob = small_dzt
    bad = bytearray(blob)
    bad[pos] = byte
    p = tmp_path_factory.mktemp("corrupt") / "c.dzt"
    p.write_bytes(bytes(bad))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            back = read(p)
        except FormatError:
            return
    if not caught and back.shape == s.shape:  # read without a remark: must be the original data
        np.testing.assert_array_equal(back.values, s.values)
    roadhealth.validate(back)
    h = read_dzt_header(p)[0]
    assert h["data_offset"] >= 1024 * h["rh_nchan"]  # samples never overlap the headers
    # Whatever was read is exactly what the (corrupted) header describes, from the same bytes.
    words = np.frombuffer(bytes(bad), dtype={8: "u1", 16: "<u2", 32: "<i4"}[h["rh_bits"]], offset=h["data_offset"],
                          count=back.size)
    expect = words.reshape(back.sizes["trace"], back.sizes["channel"], back.sizes["sample"]).transpose(1, 0, 2)
    np.testing.assert_array_equal(np.asarray(back.values, np.int64) + back.attrs["raw_offset"], expect)
    if (h["rh_bits"], h["rh_nsamp"], h["rh_nchan"], h["data_offset"]) == (16, 16, 2, 2048):
        np.testing.assert_array_equal(back.values, s.values)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frac=st.floats(min_value=0.0, max_value=1.0))
def test_cut_real_file_gives_error_or_correct_prefix(samples_dir, tmp_path_factory, frac):
    src = samples_dir / "gssi/gprpy_400mhz/FILE____032.DZT"
    blob = src.read_bytes()
    cut = int(frac * len(blob))
    p = tmp_path_factory.mktemp("realcut") / "FILE____032.DZT"
    p.write_bytes(blob[:cut])
    full = _real_032(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)
        try:
            back = read(p)
        except FormatError:
            assert cut < 1024 + 1024  # only a file without one whole scan may fail
            return
    n = back.sizes["trace"]
    assert n == (cut - 1024) // 1024
    np.testing.assert_array_equal(back.values, full[:, :n])


_CACHE: dict = {}


def _real_032(src):
    if "032" not in _CACHE:
        _CACHE["032"] = read(src).values
    return _CACHE["032"]


def test_channels_read_in_ascending_offset_and_written_back_in_file_order(tmp_path):
    """A DZT whose channels run right to left (offset_m descending) reads ascending, writes back bit-exact."""
    data = _synthetic(3, 16, seed=7).values
    s = roadhealth.make_survey(data, dt_ns=0.1, distance_m=np.arange(37) * 0.02, offset_m=[0.3, 0.0, -0.3],
                               antenna_mhz=400)
    p = write_dzt(s, tmp_path / "desc.dzt")
    # in the file, channel 0 is the one given first (offset 0.3): the writer kept the source order
    raw = np.fromfile(p, dtype="<u2", offset=3 * 1024).reshape(37, 3, 64).astype(np.int64) - 32768
    np.testing.assert_array_equal(raw[:, 0, :], data[0])
    assert read_dzt_header(p)[0]["text_offset_m"] == [0.3, 0.0, -0.3]
    back = read_dzt(p)
    np.testing.assert_allclose(back.offset_m.values, [-0.3, 0.0, 0.3])
    np.testing.assert_array_equal(back.source_channel.values, [2, 1, 0])
    np.testing.assert_array_equal(back.values, data[::-1])
    roadhealth.validate(back)
    q = write_dzt(back, tmp_path / "desc.dzt".replace("desc", "copy"))
    assert q.read_bytes()[3 * 1024:] == p.read_bytes()[3 * 1024:]
    hp, hq = read_dzt_header(p), read_dzt_header(q)
    assert [h["text"] for h in hp] == [h["text"] for h in hq]
    # a channel subset keeps the file's relative order
    two = back.isel(channel=[0, 2])
    r = read_dzt_header(write_dzt(two, tmp_path / "two.dzt"))
    assert r[0]["text_offset_m"] == [0.3, -0.3]


def test_longdu_sample_reads_ascending_and_writes_back_bit_exact(tmp_path):
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"
    if not src.exists():
        pytest.skip(f"sample campaign not found at {src}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RoadHealthWarning)
        s = read_dzt(src, lazy=True, gnss=False)
    assert np.all(np.diff(s.offset_m.values) > 0)
    out = write_dzt(s, tmp_path / "WAIMAO.DZT", gnss=False)
    assert out.read_bytes() == src.read_bytes()


def test_channels_of_different_time_windows_are_read_apart(tmp_path):
    """A dual-frequency antenna's DZT: each channel header has its own time window (rhf_range).
    One survey has one time axis, so reading both together is refused with the field named (the
    second channel was read on the first's axis, its times half what they are); each channel read
    alone gets its own window, its own samples and its index in the file."""
    s = _synthetic(2, 16, seed=7)
    p = write_dzt(s, tmp_path / "dual.dzt", bits=16)
    raw = bytearray(p.read_bytes())
    field = HEADER_DTYPE.fields["rhf_range"][1]
    raw[1024 + field:1024 + field + 4] = np.float32(2 * read_dzt_header(p)[0]["rhf_range"]).tobytes()
    p.write_bytes(bytes(raw))
    with pytest.raises(FormatError, match="rhf_range"):
        read(p)
    first, second = read(p, channels=[0]), read(p, channels=1)
    assert first.attrs["dt_ns"] == pytest.approx(0.1, rel=1e-6)
    assert second.attrs["dt_ns"] == pytest.approx(0.2, rel=1e-6)
    assert first.sizes["channel"] == second.sizes["channel"] == 1
    np.testing.assert_array_equal(first.values[0], s.values[0])
    np.testing.assert_array_equal(second.values[0], s.values[1])
    assert list(second.coords["source_channel"].values) == [1]
    np.testing.assert_array_equal(read(p, channels=1, lazy=True).values, second.values)
    for bad in (2, [0, 0], [-1], "x"):
        with pytest.raises(FormatError, match="channels"):
            read(p, channels=bad)


def test_chosen_channels_in_any_order_and_an_unfilled_secondary_header(tmp_path):
    """Found by review: ``channels`` given as a permutation of all channels reordered the offsets
    but not the samples; a secondary header whose time window was left unfilled (0), which read
    fine before, must not count as a different window; the scan's wheel rate is the first
    header's; and a channel index must be an integer."""
    s = _synthetic(3, 16, seed=11)
    p = write_dzt(s, tmp_path / "three.dzt", bits=16)
    for order in ([1, 0, 2], [2, 1, 0], [2, 0]):
        r = read(p, channels=order)
        off = np.asarray(r.coords["offset_m"].values)
        for c in range(r.sizes["channel"]):  # each channel's samples are those of the file channel at its offset
            k = int(np.argmin(np.abs(np.asarray(s.coords["offset_m"].values) - off[c])))
            np.testing.assert_array_equal(r.values[c], s.values[k])
            assert int(r.coords["source_channel"].values[c]) == k
    raw = bytearray(p.read_bytes())
    for name, value in (("rhf_range", 0.0), ("rhf_spm", -5.0)):
        at = 1024 + HEADER_DTYPE.fields[name][1]
        raw[at:at + 4] = np.float32(value).tobytes()
    p.write_bytes(bytes(raw))
    whole, second = read(p), read(p, channels=[1])
    assert whole.attrs["dt_ns"] == second.attrs["dt_ns"] == pytest.approx(0.1, rel=1e-6)
    np.testing.assert_allclose(second.coords["distance_m"].values[0], s.coords["distance_m"].values[0], atol=1e-9)
    for bad in (1.5, True, [0.0]):
        with pytest.raises(FormatError, match="channels"):
            read(p, channels=bad)
