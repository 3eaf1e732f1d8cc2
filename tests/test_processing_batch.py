"""Batch processing: results equal one-by-one processing; bad files are skipped and reported."""

from __future__ import annotations

import numpy as np
import pytest

import roadhealth
import roadhealth.processing as rp
from roadhealth.cli import main
from roadhealth.errors import ProcessingError
from roadhealth.io.gssi import write_dzt
from roadhealth.processing.batch import process_files


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(5)
    paths = []
    for i in range(4):
        data = (rng.standard_normal((2, 60, 128)) * 1000).astype(np.int16)
        s = roadhealth.make_survey(data, dt_ns=0.1, distance_m=np.arange(60) * 0.05, antenna_mhz=800)
        paths.append(write_dzt(s, tmp_path / "in" / f"L{i}.DZT"))
    bad = tmp_path / "in" / "BROKEN.DZT"
    bad.write_bytes(b"\x01" * 300)
    return paths, bad


def test_batch_equals_one_by_one_and_skips_bad_files(tmp_path, files):
    paths, bad = files
    got = {}
    res = process_files([*paths[:2], bad, *paths[2:]], out_dir=tmp_path / "out", workers=2, progress=False,
                        sink=lambda s, p: got.__setitem__(p.name, s.values))
    assert [f.ok for f in res.files] == [True, True, False, True, True]
    assert "BROKEN.DZT" in res.failed[0].path and "FormatError" in res.failed[0].error
    assert "4 of 5" in res.summary()
    for p in paths:
        expect = rp.apply(roadhealth.read(p)).values
        np.testing.assert_array_equal(got[p.name], expect)
        back = roadhealth.read(tmp_path / "out" / f"{p.stem}.nc")
        np.testing.assert_array_equal(back.values, expect)
        assert [h["step"] for h in back.attrs["history"]] == [st["name"] for st in rp.default_recipe()["steps"]]
    assert not list((tmp_path / "out").glob("*.part"))  # atomic writes leave nothing behind


def test_bad_recipe_fails_before_any_file(tmp_path, files):
    paths, _ = files
    with pytest.raises(ProcessingError):
        process_files(paths, "[[steps]]\nname = 'no_such_step'\n", out_dir=tmp_path / "o", progress=False)
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_cli_process(tmp_path, files, capsys):
    paths, bad = files
    rc = main(["process", *map(str, paths), str(bad), "--out", str(tmp_path / "cli"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 1 and "BROKEN.DZT" in err and "4 of 5" in err
    assert len(list((tmp_path / "cli").glob("*.nc"))) == 4
