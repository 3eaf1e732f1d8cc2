"""The ``roadhealth`` command: safety of outputs (no collisions, no overwriting inputs), messages."""

from __future__ import annotations

import numpy as np
import pytest

import roadhealth
from roadhealth.cli import main
from roadhealth.io import check_targets
from roadhealth.io.gssi import write_dzt
from roadhealth.processing.batch import output_paths


def _dzt(path, seed=0, n_trace=40):
    rng = np.random.default_rng(seed)
    data = (rng.standard_normal((1, n_trace, 64)) * 1000).astype(np.int16)
    s = roadhealth.make_survey(data, dt_ns=0.1, distance_m=np.arange(n_trace) * 0.05, antenna_mhz=800)
    return write_dzt(s, path)


# --- process: collision-free outputs, no surprise overwrites ------------------------------------


def test_process_same_file_name_from_two_folders_gives_two_outputs(tmp_path, capsys):
    a = _dzt(tmp_path / "day1" / "FILE____001.DZT", seed=1)
    b = _dzt(tmp_path / "day2" / "FILE____001.DZT", seed=2)
    rc = main(["process", str(a), str(b), "--out", str(tmp_path / "out"), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    outs = sorted((tmp_path / "out").rglob("*.nc"))
    assert [p.relative_to(tmp_path / "out").as_posix() for p in outs] == ["day1/FILE____001.nc", "day2/FILE____001.nc"]
    import roadhealth.processing as rp

    for src, res in zip((a, b), outs, strict=True):  # each result is its own input's
        np.testing.assert_array_equal(roadhealth.read(res).values, rp.apply(roadhealth.read(src)).values)


def test_output_paths_one_folder_flat_and_same_stem_keeps_extension(tmp_path):
    got = output_paths([tmp_path / "in" / "L1.DZT", tmp_path / "in" / "L2.DZT"], tmp_path / "o", ".nc")
    assert sorted(p.name for p in got.values()) == ["L1.nc", "L2.nc"]
    assert {p.parent for p in got.values()} == {tmp_path / "o"}
    got = output_paths([tmp_path / "L1.DZT", tmp_path / "L1.sgy", tmp_path / "L2.sgy"], tmp_path / "o", ".nc")
    assert sorted(p.name for p in got.values()) == ["L1.DZT.nc", "L1.sgy.nc", "L2.nc"]
    got = output_paths([tmp_path / "x" / "a" / "deep" / "F.DZT", tmp_path / "x" / "b" / "F.DZT"], tmp_path / "o", ".nc")
    assert sorted(p.relative_to(tmp_path / "o").as_posix() for p in got.values()) == ["a/deep/F.nc", "b/F.nc"]


def test_process_refuses_existing_outputs_without_overwrite(tmp_path, capsys):
    a = _dzt(tmp_path / "in" / "L1.DZT")
    out = tmp_path / "out"
    assert main(["process", str(a), "--out", str(out), "--quiet"]) == 0
    first = (out / "L1.nc").stat().st_mtime_ns
    capsys.readouterr()
    assert main(["process", str(a), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "exist already" in err and "--overwrite" in err and "L1.nc" in err
    assert (out / "L1.nc").stat().st_mtime_ns == first
    assert main(["process", str(a), "--out", str(out), "--quiet", "--overwrite"]) == 0


def test_process_never_writes_over_an_input(tmp_path, capsys):
    a = _dzt(tmp_path / "L1.DZT")
    nc = roadhealth.io.write(roadhealth.read(a), tmp_path / "L1.nc")
    before = nc.read_bytes()
    assert main(["process", str(nc), "--out", str(tmp_path), "--quiet", "--overwrite"]) == 2
    assert "refusing to write over the input" in capsys.readouterr().err
    assert nc.read_bytes() == before


@pytest.mark.parametrize("fmt", ["dzt", "rd3", "DT1", "iprb"])
def test_process_to_an_integer_format_is_refused_up_front(tmp_path, capsys, fmt):
    a = _dzt(tmp_path / "in" / "L1.DZT")
    rc = main(["process", str(a), "--out", str(tmp_path / "out"), "--format", fmt, "--quiet"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1
    assert "integer samples" in err and "float" in err and "sgy" in err
    assert not (tmp_path / "out").exists()  # nothing read, nothing written


# --- convert ------------------------------------------------------------------------------------


def test_convert_refuses_to_write_over_its_input(tmp_path, capsys):
    a = _dzt(tmp_path / "L1.DZT")
    before = a.read_bytes()
    assert main(["convert", str(a), str(a)]) == 1
    assert "refusing to write over the input" in capsys.readouterr().err
    assert main(["convert", str(a), str(a), "--overwrite"]) == 1
    assert a.read_bytes() == before


def test_convert_asks_before_replacing_an_output(tmp_path, capsys):
    a = _dzt(tmp_path / "L1.DZT", seed=1)
    b = _dzt(tmp_path / "L2.DZT", seed=2)
    out = tmp_path / "L2.sgy"
    assert main(["convert", str(b), str(out)]) == 0
    old = out.read_bytes()
    assert main(["convert", str(a), str(out)]) == 1
    assert "exist already" in capsys.readouterr().err and out.read_bytes() == old
    assert main(["convert", str(a), str(out), "--overwrite"]) == 0
    np.testing.assert_array_equal(roadhealth.read(out).values, roadhealth.read(a).values)


def test_check_targets_protects_companions_of_the_input(tmp_path):
    from roadhealth.errors import WriteError

    with pytest.raises(WriteError, match="companion of the input"):
        check_targets([tmp_path / "LINE.rd3"], [tmp_path / "line.rad"])
    with pytest.raises(WriteError, match="companion of the input"):  # writing LINE.DZT writes LINE.DZG
        check_targets([tmp_path / "LINE.DZG"], [tmp_path / "LINE.DZT"])
    check_targets([tmp_path / "LINE.rd3"], [tmp_path / "LINE2.rd3"])


# --- info ---------------------------------------------------------------------------------------


def test_info_text_each_warning_once_gnss_summary_agrees_length_in_traces(samples_dir, capsys):
    path = samples_dir / "gssi/impdar_sir4000/test_gssi.DZT"
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    # the DZX disagreement and the unusable DZG are each reported once
    assert out.count("scanRange 0,341") == 1
    assert out.count("GNSS not used") == 1
    gnss = next(line for line in out.splitlines() if line.strip().startswith("gnss"))
    assert "0 of 14 fixes used" in gnss and "14 with quality 0" in gnss and "quality-0 0" not in gnss
    # no wheel, no GNSS: the length is a count of traces, never shown as metres
    assert "length_m" not in out
    assert "length_traces   : 344" in out


def test_info_json_lists_failed_files_with_their_error(samples_dir, tmp_path, capsys):
    bad = tmp_path / "BROKEN.DZT"
    bad.write_bytes(b"\x01" * 300)
    good = samples_dir / "gssi/gprpy_400mhz/FILE____032.DZT"
    assert main(["info", str(bad), str(good), "--json"]) == 1
    import json

    got = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in got] == [False, True]
    assert got[0]["source"] == str(bad) and "FormatError" in got[0]["error"] and "BROKEN.DZT" in got[0]["error"]
    assert got[1]["length_m"] == pytest.approx(20.78, abs=0.01) and got[1]["distance_source"].startswith("survey wheel")
    assert got[1]["warnings"] == []


def test_convert_overwrite_replaces_a_zarr_store(tmp_path, capsys):
    a = _dzt(tmp_path / "L1.DZT", seed=1)
    b = _dzt(tmp_path / "L2.DZT", seed=2)
    out = tmp_path / "L.zarr"
    assert main(["convert", str(a), str(out)]) == 0
    assert main(["convert", str(b), str(out)]) == 1 and "exist already" in capsys.readouterr().err
    assert main(["convert", str(b), str(out), "--overwrite"]) == 0
    np.testing.assert_array_equal(roadhealth.read(out).values, roadhealth.read(b).values)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing left aside


# --- bad output paths and -q: a message and status 2, never a traceback (found by fuzzing) ---


def test_detect_into_a_missing_folder_or_onto_a_folder_says_so(tmp_path, capsys):
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"
    rc = main(["detect", str(src), "--out", str(tmp_path / "no" / "such" / "a.gpkg"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2 and "in an existing folder" in err and "Traceback" not in err
    rc = main(["detect", str(src), "--out", str(tmp_path), "-q"])
    err = capsys.readouterr().err
    assert rc == 2 and "expected a GeoPackage file name" in err


def test_quiet_hides_warnings_not_fatal_errors(tmp_path, capsys):
    d = tmp_path / "camp"
    d.mkdir()
    (d / "campaign.toml").write_text("[slices\n")
    rc = main(["run", str(d), "--out", str(tmp_path / "o"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2 and "campaign.toml" in err


def test_run_into_an_output_under_a_file_says_so(tmp_path, capsys):
    from pathlib import Path

    (tmp_path / "afile").write_text("x")
    camp = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"
    rc = main(["run", str(camp), "--out", str(tmp_path / "afile" / "sub"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2 and "afile" in err and "Traceback" not in err


def test_workers_must_be_positive(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "-3"])
    assert info.value.code == 2 and "expected a whole number >= 1" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [["--risk", "bogus"], ["--recipe", "nothere.toml"], ["--crs", "EPSG:nope"]])
def test_detect_options_shared_by_every_file_are_usage_errors(tmp_path, capsys, bad):
    src = _dzt(tmp_path / "a.DZT")
    rc = main(["detect", str(src), "--out", str(tmp_path / "a.gpkg"), "-q", *bad])
    assert rc == 2 and bad[1] in capsys.readouterr().err
    assert not (tmp_path / "a.gpkg").exists()


# --- detect over surveys in several CRSs or none: one map layer, nothing misplaced ---------------


def _three_frames():
    """WAIMAO's detections read into CGCS2000 / 3-degree GK (EPSG:4545), the same anomalies in UTM
    49N, and the same in a local frame (no CRS, metres from the first anomaly's corner)."""
    import warnings
    from pathlib import Path

    import roadhealth.detect as rdetect

    src = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = rdetect.detect(roadhealth.read(src, crs="EPSG:4545"))
    assert len(base) and base.crs == "EPSG:4545"
    other = base.to_crs("EPSG:32649")
    local = base.set_geometry(base.geometry.translate(-base.total_bounds[0], -base.total_bounds[1]))
    return base, other, local.set_crs(None, allow_override=True)


def _fake_detect(monkeypatch, tables):
    import roadhealth.detect as rdetect
    import roadhealth.io as rio

    it = iter(tables)
    monkeypatch.setattr(rio, "read", lambda path, crs=None: None)
    monkeypatch.setattr(rdetect, "detect", lambda survey, **kw: next(it).copy())


def test_detect_puts_every_survey_on_one_map_and_local_frames_apart(tmp_path, capsys, monkeypatch):
    """Three surveys: GNSS projected into one CRS, GNSS projected into another (a file of the
    same campaign read without --crs: its own UTM zone), and one without positions (local
    along/across metres). Merged as they were, geopandas refused the two CRSs with a traceback
    (found on the shared real files: a pulseEKKO and a MALA line in two UTM zones); a local frame's
    metres would have been placed in the projected CRS, far from the road. Now: one ``anomalies``
    layer in the first survey's CRS (the other reprojected, with a warning) and ``anomalies_local``
    apart."""
    import geopandas as gpd
    import pyogrio

    base, other, local = _three_frames()
    _fake_detect(monkeypatch, [base, other, local])
    files = [str(tmp_path / f"{n}.DZT") for n in ("a", "b", "c")]
    out = tmp_path / "all.gpkg"
    assert main(["detect", *files, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reprojected to EPSG:4545" in err and "(EPSG:32649: b)" in err
    assert "anomalies_local" in err and "(c)" in err and "Traceback" not in err
    assert sorted(pyogrio.list_layers(out)[:, 0]) == ["anomalies", "anomalies_local"]
    got = gpd.read_file(out, layer="anomalies")
    assert got.crs == "EPSG:4545" and len(got) == 2 * len(base)
    # the reprojected survey's anomalies lie where the first survey's do (the same places)
    a, b = got[got["survey"] == "a"], got[got["survey"] == "b"]
    np.testing.assert_allclose(b.geometry.centroid.x.to_numpy(), a.geometry.centroid.x.to_numpy(), atol=0.01)
    np.testing.assert_allclose(b.geometry.centroid.y.to_numpy(), a.geometry.centroid.y.to_numpy(), atol=0.01)
    loc = gpd.read_file(out, layer="anomalies_local")
    assert loc.crs is None and list(loc["survey"]) == ["c"] * len(base)
    assert loc.total_bounds[0] == pytest.approx(0.0, abs=1e-6)  # still in its own frame


def test_detect_with_only_local_frames_or_one_crs_keeps_one_layer(tmp_path, capsys, monkeypatch):
    import geopandas as gpd
    import pyogrio

    base, other, local = _three_frames()
    for tables, crs in (([local, local], None), ([base, base], "EPSG:4545")):
        _fake_detect(monkeypatch, tables)
        out = tmp_path / f"{crs}.gpkg".replace(":", "")
        assert main(["detect", str(tmp_path / "a.DZT"), str(tmp_path / "b.DZT"), "--out", str(out)]) == 0
        assert list(pyogrio.list_layers(out)[:, 0]) == ["anomalies"]
        assert "reprojected" not in capsys.readouterr().err
    # --crs names the map's CRS: every georeferenced survey goes there
    _fake_detect(monkeypatch, [other, base])
    out = tmp_path / "gk.gpkg"
    assert main(["detect", str(tmp_path / "a.DZT"), str(tmp_path / "b.DZT"), "--out", str(out),
                 "--crs", "EPSG:4545"]) == 0
    err = capsys.readouterr().err
    assert "(EPSG:32649: a)" in err and "(--crs)" in err and "pass --crs" not in err
    got = gpd.read_file(out, layer="anomalies")
    assert got.crs == "EPSG:4545"
    a, b = got[got["survey"] == "a"], got[got["survey"] == "b"]
    np.testing.assert_allclose(a.geometry.centroid.x.to_numpy(), b.geometry.centroid.x.to_numpy(), atol=0.01)
    # --crs where no survey has positions: said, not silently ignored
    _fake_detect(monkeypatch, [local, local])
    assert main(["detect", str(tmp_path / "a.DZT"), str(tmp_path / "b.DZT"), "--out", str(tmp_path / "l2.gpkg"),
                 "--crs", "EPSG:4545"]) == 0
    assert "no survey has positions that --crs EPSG:4545 could place" in capsys.readouterr().err
    # a local survey without anomalies adds no empty layer
    _fake_detect(monkeypatch, [base, local.iloc[:0]])
    out3 = tmp_path / "e.gpkg"
    assert main(["detect", str(tmp_path / "a.DZT"), str(tmp_path / "b.DZT"), "--out", str(out3)]) == 0
    assert list(pyogrio.list_layers(out3)[:, 0]) == ["anomalies"]


def test_process_takes_q_as_every_other_command_does(tmp_path, capsys):
    a = _dzt(tmp_path / "a.DZT")
    assert main(["process", str(a), "--out", str(tmp_path / "o"), "-q"]) == 0
    assert (tmp_path / "o" / "a.nc").exists() and "processing" not in capsys.readouterr().err


def test_detect_says_a_reader_s_warning_and_a_skip_in_one_line_each(tmp_path, capsys):
    """A truncated file is read with a warning, a file without its companion header is skipped:
    each is one 'roadhealth: ...' line naming the file (not Python's warning format, which quoted
    the line of the script that called main); -q hides both, keeps the exit status and one line
    naming what was skipped."""
    import warnings
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"
    data = src.read_bytes()
    cut = tmp_path / "cut.DZT"
    cut.write_bytes(data[: len(data) - 700])  # the last scan incomplete
    lone = tmp_path / "lone.rd3"
    lone.write_bytes(b"\0" * 4096)  # a MALA data file without its .rad
    out = tmp_path / "a.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        assert main(["detect", str(cut), str(lone), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    lines = [x for x in err.replace("\r", "\n").splitlines() if x.startswith("roadhealth:")]
    assert any("cut.DZT" in x and "incomplete scan" in x for x in lines), err
    assert any(x.startswith("roadhealth: skipped") and "lone.rd3" in x and ".rad" in x for x in lines), err
    assert "RoadHealthWarning" not in err and "Traceback" not in err
    assert any(x.startswith("roadhealth: 1 of 2 file(s) skipped") and "lone.rd3" in x for x in lines), err
    # -q hides the warnings (the truncated file's, each skip's reason) but still names what was skipped
    assert main(["detect", str(cut), str(lone), "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"roadhealth: 1 of 2 file(s) skipped (not searched): {lone}"]
