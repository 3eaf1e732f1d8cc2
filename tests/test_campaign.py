"""`roadhealth run`: outputs, resumability, bad inputs, kill-and-resume, LocalCluster."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from roadhealth.campaign import CampaignError, run_campaign

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"
TRUTH = SAMPLE / "truth.gpkg"

#: Files compared byte for byte between runs (run.json holds timings and is compared by content).
COMPARED = ["anomalies.gpkg", "plan.gpkg", "work_orders.csv", "report.html"]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def tree_hashes(out: Path) -> dict[str, str]:
    files = [out / f for f in COMPARED if (out / f).exists()] + sorted((out / "slices").glob("*.tif"))
    return {p.relative_to(out).as_posix(): sha(p) for p in files}


def small_campaign(folder: Path, surveys=("JINLING", "FUKANG")) -> Path:
    """A copy of the sample campaign with fewer surveys (same tables)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem in surveys:
        for ext in ("DZT", "DZG"):
            shutil.copy(SAMPLE / f"{stem}.{ext}", folder / f"{stem}.{ext}")
    for name in ("centrelines.gpkg", "surface_condition.csv", "cores.csv", "truth.gpkg", "campaign.toml"):
        shutil.copy(SAMPLE / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The sample campaign, run once with its truth table standing in for detection."""
    out = tmp_path_factory.mktemp("run") / "out"
    before = {p.name: sha(p) for p in SAMPLE.iterdir() if p.is_file()}
    result = run_campaign(SAMPLE, out, progress=False, anomalies=TRUTH)
    after = {p.name: sha(p) for p in SAMPLE.iterdir() if p.is_file()}
    return out, result, before, after


def test_outputs_and_contract_names(sample_run):
    out, result, _, _ = sample_run
    assert result.exit_code == 0, result.skipped
    for name in ("anomalies.gpkg", "plan.gpkg", "work_orders.csv", "report.html", "run.json"):
        assert (out / name).is_file(), name
    import pyogrio

    assert [layer[0] for layer in pyogrio.list_layers(out / "anomalies.gpkg")] == ["anomalies"]
    layers = {layer[0] for layer in pyogrio.list_layers(out / "plan.gpkg")}
    assert {"sections", "hir_runs", "pretreatments"} <= layers
    from roadhealth.anomalies import read_anomalies

    an = read_anomalies(out / "anomalies.gpkg")
    truth = read_anomalies(TRUTH)
    assert len(an) == len(truth) and set(an["survey"]) == set(truth["survey"])
    assert an["anomaly_id"].is_unique
    # the supplied table went through unchanged (same footprints, kinds and depths)
    key = ["survey", "distance_start_m"]
    a = an.sort_values(key).reset_index(drop=True)
    t = truth.sort_values(key).reset_index(drop=True)
    assert (a["kind"].astype(str) == t["kind"].astype(str)).all()
    np.testing.assert_allclose(a["depth_top_m"], t["depth_top_m"])
    assert a.geometry.geom_equals_exact(t.geometry, 1e-6).all()
    wo = (out / "work_orders.csv").read_text()
    assert wo.splitlines()[0].startswith("order_id")


def test_slices_are_cogs_in_the_survey_crs(sample_run):
    import rasterio

    out, result, _, _ = sample_run
    tifs = sorted(p.name for p in (out / "slices").glob("*.tif"))
    expected = sorted(t["file"] for m in result.surveys for t in m["tiles"])
    assert tifs == expected and len(tifs) >= len(result.surveys)
    for m in result.surveys:  # one file per survey, or one per tile_length_m of it
        assert all(t["file"] == f"{m['name']}.tif" or t["file"].startswith(f"{m['name']}.") for t in m["tiles"])
        x, y = np.array(m["track"]).T
        covered = np.zeros(x.size, bool)
        for tile in m["tiles"]:
            with rasterio.open(out / "slices" / tile["file"]) as src:
                assert src.crs.to_epsg() == 4545
                assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
                assert src.count == 7 and src.descriptions[0] == "envelope 0.1-0.3 m"
                if max(src.width, src.height) > 512:
                    assert src.overviews(1)
                img = src.read(1)
                assert np.isfinite(img).mean() > 0.005  # the strip is there ...
                assert np.isnan(img).any()  # ... and the rest of the bounding box is nodata
                b = src.bounds
                covered |= (b.left <= x) & (x <= b.right) & (b.bottom <= y) & (y <= b.top)
        assert covered.all()  # the tiles cover the survey's whole track


def test_run_json(sample_run):
    out, _result, _, _ = sample_run
    run = json.loads((out / "run.json").read_text())
    assert run["roadhealth"] and run["versions"]["numpy"]
    assert run["recipe"]["steps"][0]["name"] == "time_zero"
    assert run["campaign"]["crs"] == "EPSG:4545"
    for name, rec in run["inputs"].items():
        assert rec["sha256"] == sha(SAMPLE / name), name
    assert {"WAIMAO.DZT", "WAIMAO.DZG", "truth.gpkg", "centrelines.gpkg", "campaign.toml"} <= set(run["inputs"])
    assert {f"{p.stem}.DZT" for p in SAMPLE.glob("*.DZT")} <= set(run["inputs"])
    assert run["skipped"] == [] and run["exit_code"] == 0
    assert run["timings"]["total_s"] > 0
    for f, h in run["outputs"].items():
        assert sha(out / f) == h, f


def test_inputs_never_modified(sample_run):
    _, _, before, after = sample_run
    assert before == after


def test_rerun_redoes_nothing_and_gives_the_same_bytes(sample_run):
    out, _, _, _ = sample_run
    first = tree_hashes(out)
    mtimes = {f: (out / f).stat().st_mtime_ns for f in first}
    code = json.loads((out / "run.json").read_text())["code_hash"]
    result = run_campaign(SAMPLE, out, progress=False, anomalies=TRUTH)
    if result.run["code_hash"] != code:
        pytest.skip("roadhealth's source changed between the two runs (the cache is rightly invalid)")
    assert all(m["cached"] for m in result.surveys)
    assert tree_hashes(out) == first
    assert {f: (out / f).stat().st_mtime_ns for f in first} == mtimes  # not even rewritten


def test_damaged_or_deleted_outputs_are_made_again(sample_run):
    out, _, _, _ = sample_run
    before = tree_hashes(out)
    tif = sorted((out / "slices").glob("*.tif"))[0]
    tif.write_bytes(b"not a tiff any more")
    (out / "report.html").write_text("edited by hand")
    (out / "work_orders.csv").unlink()
    stray = out / "slices" / "OLD_SURVEY.tif"
    stray.write_bytes(b"from an earlier campaign")
    result = run_campaign(SAMPLE, out, progress=False, anomalies=TRUTH)
    assert result.exit_code == 0
    assert tree_hashes(out) == before
    assert not stray.exists()  # OUT holds this run's outputs only


def test_refuses_to_write_into_its_inputs(tmp_path):
    camp = small_campaign(tmp_path / "camp", surveys=("FUKANG",))
    with pytest.raises(CampaignError, match="campaign folder itself"):
        run_campaign(camp, camp, progress=False)
    with pytest.raises(CampaignError, match="holds the input"):
        run_campaign(camp, tmp_path, progress=False)
    from roadhealth.cli import main

    assert main(["run", str(camp), "--out", str(camp), "-q"]) == 2
    assert sorted(p.name for p in camp.iterdir()) == sorted(
        ["FUKANG.DZT", "FUKANG.DZG", "centrelines.gpkg", "surface_condition.csv", "cores.csv", "truth.gpkg",
         "campaign.toml"])


def test_without_detection_no_anomaly_table_is_invented(tmp_path, monkeypatch):
    """With no detector and no supplied table the stage says so; nothing is written in its place."""
    import roadhealth.campaign.runner as runner

    real = runner._available
    monkeypatch.setattr(runner, "_available",
                        lambda module, name: None if module == "roadhealth.detect" else real(module, name))
    camp = small_campaign(tmp_path / "camp", surveys=("FUKANG",))
    out = tmp_path / "out"
    (out).mkdir()
    (out / "anomalies.gpkg").write_bytes(b"stale output of an earlier run")
    result = run_campaign(camp, out, progress=False)
    assert not (out / "anomalies.gpkg").exists() and not (out / "plan.gpkg").exists()
    stages = {s["stage"]: s for s in result.stages}
    assert stages["detect"]["status"] == "not available"
    assert stages["plan"]["status"] == "not available"
    assert (out / "slices" / "FUKANG.tif").is_file()
    html = (out / "report.html").read_text()
    assert "not available" in html


def _dzt_header_only(src: Path, dst: Path) -> None:
    from roadhealth.io.gssi import read_dzt_header

    h = read_dzt_header(src)[0]
    dst.write_bytes(src.read_bytes()[: h["rh_data"]])


def test_bad_inputs_are_reported_once_and_nothing_is_lost(tmp_path, small_reference, capfd):
    """A corrupt file, an unknown format, centrelines in another CRS and an empty survey, added to a
    clean campaign: the result is the clean campaign's, plus one line per problem."""
    import geopandas as gpd

    _, ref_out = small_reference
    camp = small_campaign(tmp_path / "camp")
    rng = np.random.default_rng(5)
    (camp / "CORRUPT.DZT").write_bytes(rng.integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    (camp / "NOTES.xyz").write_bytes(b"\x00\x01 this is no radar file" * 100)
    _dzt_header_only(SAMPLE / "FUKANG.DZT", camp / "EMPTY.DZT")
    cl = gpd.read_file(camp / "centrelines.gpkg")
    (camp / "centrelines.gpkg").unlink()
    cl.to_crs("EPSG:4326").to_file(camp / "centrelines.gpkg", layer="centrelines", driver="GPKG")
    toml = (camp / "campaign.toml").read_text().replace('surveys = ["*.DZT"]', 'surveys = ["*.DZT", "*.xyz"]')
    (camp / "campaign.toml").write_text(toml)
    out = tmp_path / "out"
    capfd.readouterr()
    from roadhealth.cli import main

    code = main(["run", str(camp), "--out", str(out), "--anomalies", str(TRUTH)])
    err = capfd.readouterr().err
    assert code == 1
    run = json.loads((out / "run.json").read_text())
    skipped = {s["input"]: s for s in run["skipped"]}
    assert set(skipped) == {"CORRUPT.DZT", "NOTES.xyz", "EMPTY.DZT"}, run["skipped"]
    assert "Unknown" in skipped["NOTES.xyz"]["reason"] or "format" in skipped["NOTES.xyz"]["reason"]
    for name, s in skipped.items():
        lines = [ln for ln in err.splitlines() if name in ln]
        assert len(lines) == 1, (name, err)  # one clear line per bad file
        assert "\n" not in s["reason"]
    notes = [n for n in run["notes"] if n["stage"] == "centrelines"]
    assert len(notes) == 1 and "EPSG:4326" in notes[0]["reason"] and "reprojected" in notes[0]["reason"]
    assert sum("centrelines.gpkg" in ln for ln in err.splitlines()) == 1
    # nothing lost: the good surveys' slices are the bytes of the clean run, their anomalies all there
    for stem in ("JINLING", "FUKANG"):
        assert sha(out / "slices" / f"{stem}.tif") == sha(ref_out / "slices" / f"{stem}.tif")
    assert sorted(p.name for p in (out / "slices").glob("*.tif")) == ["FUKANG.tif", "JINLING.tif"]
    from roadhealth.anomalies import read_anomalies

    an = read_anomalies(out / "anomalies.gpkg")
    ref_an = read_anomalies(ref_out / "anomalies.gpkg")
    assert sorted(an["anomaly_id"]) == sorted(ref_an["anomaly_id"])
    # the reprojected centrelines still carry the plan: same sections as with the originals
    sec = gpd.read_file(out / "plan.gpkg", layer="sections")
    ref_sec = gpd.read_file(ref_out / "plan.gpkg", layer="sections")
    assert len(sec) == len(ref_sec) > 0
    assert sorted(sec["treatment"]) == sorted(ref_sec["treatment"])
    np.testing.assert_allclose(np.sort(sec["chainage_to_m"]), np.sort(ref_sec["chainage_to_m"]), atol=0.05)
    html = (out / "report.html").read_text()
    for name in skipped:
        assert name in html


def _run_cli(camp: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, "-m", "roadhealth.cli", "run", str(camp), "--out", str(out), "-q",
                             "--anomalies", str(TRUTH), *extra], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _complete(out: Path, *, finished: bool) -> None:
    """Every output file that exists under its final name is whole. A killed run may leave
    temporaries (``*.part``: never a final name); the next run removes them."""
    import pyogrio
    import rasterio

    parts = [*out.rglob("*.part"), *out.rglob("*.part.gpkg")]
    if finished:
        assert not parts, parts
    else:
        assert all(p.name.startswith(".") for p in parts), parts  # hidden temporaries only
    for t in (out / "slices").glob("*.tif") if (out / "slices").is_dir() else []:
        with rasterio.open(t) as src:
            src.read(1)
    for g in ("anomalies.gpkg", "plan.gpkg"):
        if (out / g).exists():
            assert pyogrio.list_layers(out / g).size
    if (out / "report.html").exists():
        assert (out / "report.html").read_text().endswith("</html>\n")
    if (out / "run.json").exists():
        json.loads((out / "run.json").read_text())


@pytest.fixture(scope="module")
def small_reference(tmp_path_factory):
    base = tmp_path_factory.mktemp("small")
    camp = small_campaign(base / "camp")
    out = base / "ref"
    result = run_campaign(camp, out, progress=False, anomalies=TRUTH)
    assert result.exit_code == 0
    return camp, out


@pytest.mark.slow
def test_killed_runs_resume_to_identical_outputs(small_reference, tmp_path):
    camp, ref = small_reference
    out = tmp_path / "out"
    rng = random.Random(12)
    # a full run from a fresh start takes T seconds here; kill at random points inside it
    t0 = time.perf_counter()
    p = _run_cli(camp, tmp_path / "timing")
    p.communicate(timeout=600)
    full = time.perf_counter() - t0
    kills, attempts = 0, 0
    while kills < 3 and attempts < 10:  # three runs really interrupted, each resuming the one before
        attempts += 1
        p = _run_cli(camp, out)
        time.sleep(rng.uniform(0.15, 0.85) * full)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
            p.communicate(timeout=60)
            _complete(out, finished=False)
        else:  # it finished first (resumed runs are shorter): start again from nothing
            p.communicate(timeout=60)
            shutil.rmtree(out)
    assert kills == 3
    p = _run_cli(camp, out)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err.decode()
    _complete(out, finished=True)
    assert tree_hashes(out) == tree_hashes(ref)
    assert json.loads((out / "run.json").read_text())["skipped"] == []


@pytest.mark.slow
def test_localcluster_gives_the_local_outputs(small_reference, tmp_path):
    import distributed

    camp, ref = small_reference
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_campaign(camp, out, progress=False, anomalies=TRUTH, scheduler=cluster.scheduler_address)
    assert result.exit_code == 0
    assert "dask.distributed" in result.run["scheduler"] and "2 workers" in result.run["scheduler"]
    assert tree_hashes(out) == tree_hashes(ref)


def test_cli_help_and_usage():
    for cmd in ("run", "detect", "plan", "report", "evaluate"):
        r = subprocess.run([sys.executable, "-m", "roadhealth.cli", cmd, "--help"], capture_output=True, text=True)
        assert r.returncode == 0 and "usage:" in r.stdout and "-q" in r.stdout, cmd
    r = subprocess.run([sys.executable, "-m", "roadhealth.cli", "run"], capture_output=True, text=True)
    assert r.returncode == 2


def test_plan_command_from_an_anomaly_table(tmp_path):
    import pyogrio

    from roadhealth.cli import main

    out = tmp_path / "plan"
    assert main(["plan", str(SAMPLE), "--anomalies", str(TRUTH), "--out", str(out), "-q"]) == 0
    assert {"sections", "hir_runs", "pretreatments"} <= {lyr[0] for lyr in pyogrio.list_layers(out / "plan.gpkg")}
    assert (out / "work_orders.csv").read_text().startswith("order_id")
    assert main(["plan", str(SAMPLE), "--anomalies", str(TRUTH), "--out", str(SAMPLE), "-q"]) == 2


def test_detect_and_evaluate_commands(tmp_path, capsys):
    from roadhealth.anomalies import read_anomalies
    from roadhealth.cli import main

    out = tmp_path / "found.gpkg"
    assert main(["detect", str(SAMPLE / "JINLING.DZT"), "--crs", "EPSG:4545", "--out", str(out), "-q"]) == 0
    found = read_anomalies(out)
    assert len(found) and set(found["survey"]) == {"JINLING"} and found["anomaly_id"].is_unique
    capsys.readouterr()
    truth = tmp_path / "truth.gpkg"
    t = read_anomalies(TRUTH)
    t[t["survey"] == "JINLING"].to_file(truth, layer="anomalies", driver="GPKG")
    assert main(["evaluate", str(out), str(truth), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["overall"]["n_truth"] == int((t["survey"] == "JINLING").sum())
    assert scores["overall"]["n_detections"] == len(found)


def test_scheduler_from_the_environment_and_unreachable(tmp_path, monkeypatch):
    """ROADHEALTH_SCHEDULER is used when --scheduler is not given; an unreachable one is a usage
    error (exit 2) before any work."""
    from roadhealth.cli import main

    camp = small_campaign(tmp_path / "camp", surveys=("FUKANG",))
    monkeypatch.setenv("ROADHEALTH_SCHEDULER", "tcp://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(CampaignError, match=r"cannot reach the dask scheduler at 'tcp://127\.0\.0\.1:9'"):
        run_campaign(camp, tmp_path / "out", progress=False)
    assert main(["run", str(camp), "--out", str(tmp_path / "out2"), "-q"]) == 2
    assert not (tmp_path / "out2" / "report.html").exists()


def test_plan_command_with_radar_thickness(tmp_path):
    """With radar thickness points along the roads, the planner has coverage and plans HIR runs;
    without them (cores only) it says so and plans no run where nothing rules out a defect."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import pyogrio
    import shapely

    from roadhealth.cli import main

    cl = gpd.read_file(SAMPLE / "centrelines.gpkg").to_crs("EPSG:4545")
    pts = []
    for line in cl.geometry:
        d = np.arange(0.0, line.length, 1.0)
        for off in (-1.75, 1.75):  # both lanes' wheel paths
            xy = shapely.get_coordinates(line.offset_curve(off).interpolate(d * line.offset_curve(off).length / line.length))
            pts.append(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "asphalt_mm": 140.0}))
    thickness = tmp_path / "thickness.csv"
    pd.concat(pts).to_csv(thickness, index=False)
    out = tmp_path / "plan"
    assert main(["plan", str(SAMPLE), "--anomalies", str(TRUTH), "--thickness", str(thickness),
                 "--out", str(out), "-q"]) == 0
    runs = gpd.read_file(out / "plan.gpkg", layer="hir_runs")
    assert len(runs) > 0
    assert "hir_runs" in {lyr[0] for lyr in pyogrio.list_layers(out / "plan.gpkg")}


def test_a_survey_with_a_corrupt_sample_is_despiked_with_a_warning(tmp_path, small_reference):
    """JINLING rewritten as 32-bit words with one sample of 2e9 (a hundred thousand times the
    record's peak): the campaign repairs it (a warning in the run's record) and its depth slices
    are those of the clean record, where without the repair the spike set their scale."""
    import rasterio

    import roadhealth
    from roadhealth.io.gssi import write_dzt

    _, ref_out = small_reference
    camp = small_campaign(tmp_path / "camp", surveys=("JINLING",))
    s = roadhealth.read(camp / "JINLING.DZT")
    x = s.values.astype(np.int64)
    x[5, 400, 120] = 2_000_000_000
    spiked = s.copy(data=x.astype(np.int32))
    spiked.attrs["bits"] = 32
    (camp / "JINLING.DZT").unlink()
    write_dzt(spiked, camp / "JINLING.DZT", bits=32, gnss=False)
    out = tmp_path / "out"
    result = run_campaign(camp, out, progress=False, anomalies=TRUTH)
    assert result.exit_code == 0
    run = json.loads((out / "run.json").read_text())
    assert "1 isolated spike sample replaced" in json.dumps(run)
    with rasterio.open(out / "slices" / "JINLING.tif") as a, rasterio.open(ref_out / "slices" / "JINLING.tif") as b:
        got, ref = a.read(masked=True), b.read(masked=True)
    assert got.shape == ref.shape
    assert np.ma.allclose(got, ref, rtol=0.02, atol=0.02 * float(np.ma.max(np.abs(ref))))


def test_rasterios_own_no_geotransform_warning_is_not_reported_against_a_survey():
    """rasterio's in-memory datasets (the slice tiles' strip mask is rasterised through one) now
    and then warn that a dataset has no geotransform, whatever transform they are given. Reported,
    it landed on whichever survey ran first in the process, so a resumed run's report differed from
    a fresh one's. A survey task records its own warnings and drops only that one, raised inside
    rasterio; the same warning from elsewhere is recorded, and outside a task nothing is dropped."""
    import os
    import warnings

    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    from roadhealth.campaign import survey_task as st
    from roadhealth.errors import RoadHealthWarning

    inside = os.path.join(os.path.dirname(rasterio.__file__), "features.py")
    elsewhere = os.path.join(os.path.dirname(os.path.dirname(rasterio.__file__)), "rasterio_tools", "x.py")
    with st._recording() as sink:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            st._install_dispatcher()  # (again: catch_warnings put back the showwarning it found)
            warnings.warn_explicit("Dataset has no geotransform, gcps, or rpcs.", NotGeoreferencedWarning, inside, 382)
            warnings.warn_explicit("FILE.DZT: no GNSS", RoadHealthWarning, "/x/roadhealth/io/dzt.py", 10)
            warnings.warn_explicit("a user's raster has no geotransform", NotGeoreferencedWarning, elsewhere, 5)
    assert sink == ["RoadHealthWarning: FILE.DZT: no GNSS", "NotGeoreferencedWarning: a user's raster has no geotransform"]
    # outside a survey task the dispatcher hands every warning on, rasterio's too
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        shown = []
        warnings.showwarning = lambda m, c, f, n, file=None, line=None: shown.append(str(m))
        st._installed = False
        st._install_dispatcher()
        warnings.warn_explicit("Dataset has no geotransform, gcps, or rpcs.", NotGeoreferencedWarning, inside, 382)
    assert shown == ["Dataset has no geotransform, gcps, or rpcs."]
