"""Reading gprMax output files (tests/data/gprmax, written by gprMax 4.0.1: see make_fixtures.py)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

import roadhealth
from roadhealth.errors import FormatError
from roadhealth.io import detect_format
from roadhealth.io.gprmax import later_in_series, read_gprmax, series_files

DATA = Path(__file__).resolve().parent / "data" / "gprmax"
MERGED = DATA / "bscan_merged.h5"
V3 = DATA / "bscan_v3_merged.out"
#: The model: a 6-trace B-scan, transmitter at x = 0.060 + 0.016 k, receiver 2 cm after it
STEP_M = 0.016


def _quiet_read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return roadhealth.read(path, **kw)


def test_merged_file_of_gprmax4():
    assert detect_format(MERGED) == "gprmax"
    s = _quiet_read(MERGED)
    with h5py.File(MERGED) as h:
        dt_s = float(h.attrs["dt"])
        ez = np.asarray(h["rxs/rx1/Ez"])
    assert s.sizes == {"channel": 1, "trace": 6, "sample": ez.shape[0]}
    assert s.attrs["dt_ns"] == pytest.approx(dt_s * 1e9)
    assert s.coords["twt_ns"].values[0] == 0.0  # time zero at the source's start, as simulated
    np.testing.assert_array_equal(s.values[0], ez.T)
    # srcsteps/rxsteps are in cells (8 x 2 mm)
    np.testing.assert_allclose(s.distance_m.values[0], np.arange(6) * STEP_M)
    assert s.attrs["distance_source"] == "gprMax srcsteps/rxsteps"
    assert s.attrs["header"]["component"] == "Ez"  # a 2-D TMz model: Ez carries the energy
    assert s.attrs["format"] == "gprmax"


def test_series_is_read_in_run_order_with_positions_and_frequency():
    files = series_files(DATA / "bscan4.h5")
    assert [f.name for f in files] == [f"bscan{k}.h5" for k in range(1, 7)]
    assert later_in_series(DATA / "bscan4.h5")
    assert later_in_series(DATA / "bscan1.h5")  # bscan_merged.h5 beside it stands for the series
    assert not later_in_series(MERGED)
    with pytest.warns(UserWarning, match="read as the whole B-scan"):
        s = roadhealth.read(DATA / "bscan4.h5")
    merged = _quiet_read(MERGED)
    np.testing.assert_array_equal(_quiet_read(DATA / "bscan1.h5").values, merged.values)
    np.testing.assert_array_equal(s.values, merged.values)
    np.testing.assert_allclose(s.distance_m.values[0], np.arange(6) * STEP_M, atol=1e-9)
    assert s.attrs["distance_source"] == "gprMax receiver/source positions"
    assert s.attrs["antenna_mhz"] == pytest.approx(1500.0)  # the waveform's frequency
    one = read_gprmax(DATA / "bscan4.h5", series=False)
    assert one.sizes["trace"] == 1
    np.testing.assert_array_equal(one.values[0, 0], merged.values[0, 3])


def test_a_long_series_is_in_run_order_not_name_order(tmp_path):
    # run10 sorts before run2 by name; gprMax numbers runs 1..N
    for k in range(1, 13):
        dst = tmp_path / f"run{k}.h5"
        shutil.copy(DATA / f"bscan{(k - 1) % 6 + 1}.h5", dst)
        with h5py.File(dst, "r+") as h:
            h["rxs/rx1"].attrs["Position"] = np.array([0.08 + 0.01 * (k - 1), 0.17, 0.0])
            h["srcs/src1"].attrs["Position"] = np.array([0.06 + 0.01 * (k - 1), 0.17, 0.0])
    s = _quiet_read(tmp_path / "run1.h5")
    assert s.attrs["header"]["files"] == [f"run{k}.h5" for k in range(1, 13)]
    np.testing.assert_allclose(s.distance_m.values[0], np.arange(12) * 0.01, atol=1e-9)
    # an input named "line1.in": its runs are line11 ... line112
    for k in range(1, 13):
        shutil.copy(tmp_path / f"run{k}.h5", tmp_path / f"line1{k}.h5")
    assert [f.name for f in series_files(tmp_path / "line15.h5")] == [f"line1{k}.h5" for k in range(1, 13)]


def test_numbered_separate_models_are_not_one_bscan(tmp_path):
    for k in range(1, 4):
        dst = tmp_path / f"case{k}.h5"
        shutil.copy(DATA / f"bscan{k}.h5", dst)
        with h5py.File(dst, "r+") as h:
            h.attrs["Title"] = f"case {k}: another model"
    assert series_files(tmp_path / "case2.h5") == [tmp_path / "case2.h5"]
    assert _quiet_read(tmp_path / "case2.h5").sizes["trace"] == 1


def test_source_and_receiver_steps_in_cells_are_converted_each(tmp_path):
    # the transmitter moves 3 cells, the receiver 4 (2 mm cells): the midpoint moves 7 mm
    f = tmp_path / "steps_merged.h5"
    shutil.copy(MERGED, f)
    with h5py.File(f, "r+") as h:
        h.attrs["srcsteps"] = np.array([3, 0, 0], dtype=np.int32)
        h.attrs["rxsteps"] = np.array([4, 0, 0], dtype=np.int32)
    np.testing.assert_allclose(_quiet_read(f).distance_m.values[0], np.arange(6) * 0.007)


def test_a_gprmax_file_without_receivers_says_so(tmp_path):
    f = tmp_path / "norx.out"
    shutil.copy(MERGED, f)
    with h5py.File(f, "r+") as h:
        del h["rxs"]
    assert detect_format(f) == "gprmax"
    with pytest.raises(FormatError, match=r"'rxs'.*no receiver group"):
        roadhealth.read(f)


def test_gprmax3_merge_has_no_step():
    with pytest.warns(UserWarning, match="trace_spacing_m"):
        s = roadhealth.read(V3)
    assert s.attrs["distance_source"] == "trace index"
    assert s.attrs["antenna_mhz"] == pytest.approx(1500.0)  # from the Title ("... 1.5 GHz")
    s2 = _quiet_read(V3, trace_spacing_m=STEP_M)
    np.testing.assert_allclose(s2.distance_m.values[0], np.arange(6) * STEP_M)
    with pytest.raises(FormatError, match="trace_spacing_m"):
        roadhealth.read(V3, trace_spacing_m=-1.0)


def test_component_and_receiver_choice():
    s = _quiet_read(MERGED, component="Hx")
    with h5py.File(MERGED) as h:
        np.testing.assert_array_equal(s.values[0], np.asarray(h["rxs/rx1/Hx"]).T)
    with pytest.raises(FormatError, match="rxs/rx1/Qz"):
        roadhealth.read(MERGED, component="Qz")
    with pytest.raises(FormatError, match=r"rx2.*rx1"):
        roadhealth.read(MERGED, receiver=2)


def test_bad_gprmax_files(tmp_path):
    junk = tmp_path / "junk.out"
    junk.write_bytes(b"not an hdf5 file at all" * 10)
    with pytest.raises(FormatError, match=r"junk\.out"):
        roadhealth.read(junk)
    nodt = tmp_path / "nodt.h5"
    shutil.copy(MERGED, nodt)
    with h5py.File(nodt, "r+") as h:
        del h.attrs["dt"]
    with pytest.raises(FormatError, match="'dt'"):
        read_gprmax(nodt)
    # a series whose runs disagree: run 2 cut short
    for k in range(1, 4):
        shutil.copy(DATA / f"bscan{k}.h5", tmp_path / f"run{k}.h5")
    with h5py.File(tmp_path / "run2.h5", "r+") as h:
        ez = np.asarray(h["rxs/rx1/Ez"])[:-10]
        del h["rxs/rx1/Ez"]
        h["rxs/rx1/Ez"] = ez
    with pytest.raises(FormatError, match=r"run2\.h5.*Iterations"):
        roadhealth.read(tmp_path / "run1.h5")


def test_netcdf_is_still_netcdf(tmp_path):
    s = _quiet_read(MERGED)
    roadhealth.io.write(s, tmp_path / "s.nc")
    assert detect_format(tmp_path / "s.nc") == "netcdf"  # HDF5 too, without gprMax's layout
    back = roadhealth.read(tmp_path / "s.nc")
    np.testing.assert_array_equal(back.values, s.values)


def test_campaign_reads_a_series_once(tmp_path):
    from roadhealth.campaign.config import load_campaign

    for f in DATA.glob("bscan*"):
        shutil.copy(f, tmp_path / f.name)
    found = sorted(p.name for p in load_campaign(tmp_path).surveys)
    # run 1 stands for its series, unless the series' merged file lies beside it
    assert found == ["bscan_merged.h5", "bscan_v3_merged.out"]
    (tmp_path / "bscan_merged.h5").unlink()
    assert sorted(p.name for p in load_campaign(tmp_path).surveys) == ["bscan1.h5", "bscan_v3_merged.out"]


def test_corrupt_hdf5_metadata_is_a_format_error_naming_the_file(tmp_path):
    # h5py raises RuntimeError (not OSError) on a damaged object header or link: found by fuzzing
    # (one byte of the root object header; four bytes of a gprMax 4 merge's link table)
    v3 = tmp_path / "bad_merged.out"
    b = bytearray(V3.read_bytes())
    b[938] = 223
    v3.write_bytes(bytes(b))
    with pytest.raises(FormatError, match=r"bad_merged\.out.*gprmax"):
        roadhealth.read(v3)
    h5 = tmp_path / "bad_merged.h5"
    b = bytearray(MERGED.read_bytes())
    for offset, value in ((172, 174), (1124, 27), (1482, 158), (1966, 170)):
        b[offset] = value
    h5.write_bytes(bytes(b))
    with pytest.raises(FormatError, match=r"bad_merged\.h5"):
        roadhealth.read(h5)


def test_a_series_with_an_unreadable_run_is_read_alone_and_says_so(tmp_path):
    for k in range(1, 7):
        shutil.copy(DATA / f"bscan{k}.h5", tmp_path / f"bscan{k}.h5")
    (tmp_path / "bscan3.h5").write_bytes(b"\0" * 100)
    with pytest.warns(UserWarning, match=r"read alone.*bscan3\.h5"):
        s = roadhealth.read(tmp_path / "bscan1.h5")
    assert s.sizes["trace"] == 1


def test_an_impossible_step_between_runs_gives_no_positions(tmp_path):
    f = tmp_path / "steps_merged.h5"
    shutil.copy(MERGED, f)
    with h5py.File(f, "r+") as h:
        h.attrs["srcsteps"] = np.array([1e300, 0, 0])
        h.attrs["rxsteps"] = np.array([1e300, 0, 0])
    with pytest.warns(UserWarning, match="trace_spacing_m"):
        s = roadhealth.read(f)
    assert s.attrs["distance_source"] == "trace index"
    assert np.isfinite(s.distance_m.values).all()
