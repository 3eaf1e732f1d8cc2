"""The survey contract: make_survey, validate, add_history; NetCDF/Zarr storage; read() dispatch; CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import roadhealth
from roadhealth.cli import main
from roadhealth.errors import FormatError, SurveyContractError, UnknownFormatError
from roadhealth.io import detect_format, read, write
from roadhealth.io.store import to_netcdf, to_zarr


def _survey(n_chan=2, n_trace=30, n_samp=40):
    data = np.arange(n_chan * n_trace * n_samp, dtype=np.float32).reshape(n_chan, n_trace, n_samp)
    return roadhealth.make_survey(
        data, dt_ns=0.05, time_zero_ns=-1.0, distance_m=np.arange(n_trace) * 0.02,
        offset_m=np.arange(n_chan) * 0.075, antenna_mhz=1000,
        coords={"mark": ("trace", np.arange(n_trace) % 10 == 0)},
    )


def test_make_survey_satisfies_contract():
    s = roadhealth.validate(_survey())
    assert s.dims == ("channel", "trace", "sample")
    np.testing.assert_allclose(s.twt_ns.values[:3], [-1.0, -0.95, -0.9])
    np.testing.assert_allclose(s.y.values[1], 0.075)  # local frame: y = offset
    np.testing.assert_allclose(s.x.values[0], s.distance_m.values[0])
    assert s.attrs["crs"] is None and s.attrs["history"] == []
    one = roadhealth.make_survey(np.zeros((5, 8)), dt_ns=1)
    assert one.sizes == {"channel": 1, "trace": 5, "sample": 8}
    assert one.attrs["distance_source"] == "trace index"


def test_validate_lists_every_problem():
    s = _survey()
    bad = s.drop_vars("offset_m")
    bad.attrs = {k: v for k, v in s.attrs.items() if k != "history"}
    bad = bad.assign_coords(twt_ns=("sample", np.arange(40) * 0.1))
    with pytest.raises(SurveyContractError) as info:
        roadhealth.validate(bad)
    msg = str(info.value)
    assert "offset_m" in msg and "history" in msg and "twt_ns" in msg
    with pytest.raises(SurveyContractError, match="dims"):
        roadhealth.validate(s.transpose("trace", "channel", "sample"))
    with pytest.raises(SurveyContractError, match=r"xarray\.DataArray"):
        roadhealth.validate(np.zeros((1, 2, 3)))
    with pytest.raises(SurveyContractError, match="dt_ns"):
        roadhealth.make_survey(np.zeros((2, 3)), dt_ns=0)


def test_add_history_copies_not_mutates():
    s = _survey()
    a = roadhealth.add_history(s, "dewow", window_ns=np.float64(2.5))
    b = roadhealth.add_history(a, "gain", kind="agc")
    assert s.attrs["history"] == [] and len(a.attrs["history"]) == 1
    assert [r["step"] for r in b.attrs["history"]] == ["dewow", "gain"]
    assert b.attrs["history"][0]["parameters"] == {"window_ns": 2.5}
    assert b.attrs["history"][0]["version"] == roadhealth.__version__
    json.dumps(b.attrs["history"])


@pytest.mark.parametrize("writer", [to_netcdf, to_zarr])
def test_store_round_trip_keeps_everything(tmp_path, writer):
    s = roadhealth.add_history(_survey(), "dewow", window_ns=2.5)
    s.attrs["header"] = {"rh_nsamp": 40, "nested": {"a": [1, 2]}}
    s.attrs["crs"] = "EPSG:4545"
    p = writer(s, tmp_path / ("s.nc" if writer is to_netcdf else "s.zarr"))
    back = read(p, lazy=False)
    xr.testing.assert_identical(back.drop_attrs(), s.drop_attrs())
    assert back.attrs == s.attrs
    assert back.mark.dtype == bool
    assert detect_format(p) == ("netcdf" if writer is to_netcdf else "zarr")


def test_read_unknown_and_missing(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello")
    with pytest.raises(UnknownFormatError, match=r"notes\.txt"):
        read(p)
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "absent.dzt")
    q = tmp_path / "empty.dzt"
    q.write_bytes(b"")
    with pytest.raises(FormatError, match=r"empty\.dzt"):
        read(q)


def test_write_dispatch_by_extension(tmp_path):
    s = _survey().astype(np.int16)
    s.attrs = _survey().attrs
    p = write(s, tmp_path / "a.dzt")
    np.testing.assert_array_equal(read(p).values, s.values)
    with pytest.raises(UnknownFormatError):
        write(s, tmp_path / "a.xyz")


def test_cli_info_reports_and_skips_bad_files(tmp_path, capsys):
    good = write(_survey().astype(np.int16).assign_attrs(_survey().attrs), tmp_path / "g.dzt")
    bad = tmp_path / "b.dzt"
    bad.write_bytes(b"\x00" * 100)
    rc = main(["info", str(good), str(bad), "--json"])
    out, err = capsys.readouterr()
    assert rc == 1
    info = json.loads(out)
    assert [r["ok"] for r in info] == [True, False]
    assert info[0]["channels"] == 2 and info[0]["traces"] == 30
    assert info[1]["source"] == str(bad) and "b.dzt" in info[1]["error"]
    assert "b.dzt" in err and "skipped" in err


def test_cli_convert(tmp_path, capsys):
    good = write(_survey().astype(np.int16).assign_attrs(_survey().attrs), tmp_path / "g.dzt")
    assert main(["convert", str(good), str(tmp_path / "g.nc")]) == 0
    np.testing.assert_array_equal(read(tmp_path / "g.nc").values, read(good).values)


def test_validate_rejects_attributes_that_cannot_be_stored(tmp_path):
    from pathlib import Path

    s = _survey()
    s.attrs["gnss_source"] = Path("/x/y.DZG")
    s.attrs["header"] = {"a": {1, 2}}
    with pytest.raises(SurveyContractError) as info:
        roadhealth.validate(s)
    assert "gnss_source" in str(info.value) and "header" in str(info.value)
    with pytest.raises(SurveyContractError):
        to_netcdf(s, tmp_path / "x.nc")  # refused before anything is written
    assert not list(tmp_path.iterdir())


# --- channel order: ascending offset_m ---------------------------------------------------------


def test_make_survey_puts_channels_in_ascending_offset_and_records_the_input_order():
    data = np.arange(3 * 4 * 5).reshape(3, 4, 5)
    s = roadhealth.make_survey(data, dt_ns=0.1, offset_m=[0.5, -0.5, 0.0],
                               coords={"lon": (("channel", "trace"), np.arange(12.0).reshape(3, 4))})
    np.testing.assert_array_equal(s.offset_m.values, [-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(s.source_channel.values, [1, 2, 0])
    np.testing.assert_array_equal(s.channel.values, [0, 1, 2])
    # every channel-indexed value moved with its channel
    np.testing.assert_array_equal(s.values, data[[1, 2, 0]])
    np.testing.assert_array_equal(s.y.values[:, 0], [-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(s.lon.values, np.arange(12.0).reshape(3, 4)[[1, 2, 0]])
    roadhealth.validate(s)


def test_make_survey_keeps_ascending_and_tied_offsets_as_given():
    s = roadhealth.make_survey(np.zeros((3, 2, 4)), dt_ns=0.1, offset_m=[0.0, 0.0, 0.0])
    assert "source_channel" not in s.coords
    s = roadhealth.make_survey(np.arange(24).reshape(3, 2, 4), dt_ns=0.1, offset_m=[-1, 0, 1])
    assert "source_channel" not in s.coords and s.values[0, 0, 0] == 0


def test_validate_refuses_descending_channels():
    s = _survey(n_chan=3)
    flipped = s.isel(channel=[2, 1, 0])
    with pytest.raises(SurveyContractError, match=r"ascending 'offset_m'.*channel 1"):
        roadhealth.validate(flipped)
    roadhealth.validate(flipped.sortby("offset_m"))
    bad = s.assign_coords(offset_m=("channel", [0.0, np.nan, 1.0]))
    with pytest.raises(SurveyContractError, match="offset_m' has non-finite"):
        roadhealth.validate(bad)


def test_stored_survey_with_descending_channels_opens_ascending(tmp_path):
    """A NetCDF written before channels were ordered (synth wrote them right to left) still opens, ascending."""
    from roadhealth.io import store

    s = roadhealth.make_survey(np.arange(24.0).reshape(3, 2, 4), dt_ns=1.0, offset_m=[-1.0, 0.0, 1.0])
    old = s.isel(channel=[2, 1, 0]).assign_coords(channel=[0, 1, 2])
    ds = old.rename("amplitude").to_dataset()
    ds.attrs = store._encode_attrs(dict(old.attrs))
    ds["amplitude"].attrs = {}
    ds.to_netcdf(tmp_path / "old.nc", engine="h5netcdf")
    back = read(tmp_path / "old.nc")
    np.testing.assert_array_equal(back.offset_m.values, [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(back.values, s.values)
    np.testing.assert_array_equal(back.source_channel.values, [2, 1, 0])
