"""The campaign report: self-contained, escaped, deterministic, renders in headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from roadhealth.report import (
    ReportContent,
    anomaly_map_figure,
    bscan_figure,
    high_risk_mask,
    png_bytes,
    render_report,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "longdu"
TRUTH = SAMPLE / "truth.gpkg"
EVIL = "<script>alert(1)</script>"

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (Debian: apt-get install chromium; .ci/run installs it where it can)",
)


def _script_tags(html: str) -> int:
    return len(re.findall(r"<script", html, flags=re.IGNORECASE))


def test_every_input_string_is_escaped():
    anomalies = pd.DataFrame({"anomaly_id": [EVIL], "kind": ["cavity"], "risk": ["high"], "depth_top_m": [0.5],
                              "evidence": [f"echo {EVIL}"]})
    c = ReportContent(
        title=f"Campaign {EVIL}",
        summary=[("campaign", EVIL)],
        stages=[{"stage": "surveys", "status": "done", "detail": EVIL}],
        anomalies=anomalies,
        evidence=[{"title": EVIL, "evidence": EVIL, "facts": [(EVIL, EVIL)]}],
        surveys=[{"survey": f"{EVIL}.DZT", "header text": EVIL}],
        recipe_toml=f'name = "{EVIL}"',
        configuration={"title": EVIL},
        skipped=[{"input": f"{EVIL}.DZT", "stage": "survey", "reason": EVIL}],
        notes=[{"input": EVIL, "stage": "centrelines", "reason": EVIL}],
        plan_note=EVIL,
        version="test",
    )
    html = render_report(c)
    assert _script_tags(html) == 1  # the report's own table script, nothing from the inputs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("&lt;script&gt;") >= 10
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    assert render_report(c) == html  # deterministic


def test_table_is_sortable_by_numbers():
    df = pd.DataFrame({"anomaly_id": ["a", "b", "c"], "depth_top_m": [0.5, 10.0, 2.0]})
    html = render_report(ReportContent(title="t", anomalies=df))
    table = html[html.index('id="anomaly-table"'):]
    assert 'class="sortable"' in html[html.index("<table id=\"anomaly-table\""):][:80]
    # numeric cells carry their value for the sort (so 10 sorts after 2)
    assert re.findall(r'data-v="([^"]+)"', table)[:3] == ["0.5", "10.0", "2.0"]


def test_high_risk_is_the_top_grade_of_the_preset():
    ordered = pd.DataFrame({"risk": pd.Categorical(["I", "III", "II", "III"], categories=["I", "II", "III"],
                                                   ordered=True)})
    assert high_risk_mask(ordered).tolist() == [False, True, False, True]
    ordered_rev = pd.DataFrame({"risk": pd.Categorical(["I", "III"], categories=["III", "I"], ordered=True)})
    assert high_risk_mask(ordered_rev).tolist() == [True, False]
    unordered = pd.DataFrame({"risk": ["high", "low", "x"], "risk_score": [0.1, 0.2, 0.9]})
    assert high_risk_mask(unordered).tolist() == [True, False, True]


def test_figures_are_deterministic_pngs():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(80, 60))
    f1 = png_bytes(bscan_figure(a, np.linspace(0, 4, 80), np.linspace(0, 1.5, 60), box=(1, 2, 0.4, 0.8), title="x"))
    f2 = png_bytes(bscan_figure(a, np.linspace(0, 4, 80), np.linspace(0, 1.5, 60), box=(1, 2, 0.4, 0.8), title="x"))
    assert f1 == f2 and f1[:8] == b"\x89PNG\r\n\x1a\n"
    # the box is drawn: red pixels appear only with it
    f3 = png_bytes(bscan_figure(a, np.linspace(0, 4, 80), np.linspace(0, 1.5, 60), title="x"))
    assert _red_pixels(f1) > 50 and _red_pixels(f3) == 0


def _decode(png: bytes) -> np.ndarray:
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(png), format="png")


def _red_pixels(png: bytes) -> int:
    img = _decode(png)[..., :3]
    return int(((img[..., 0] > 0.9) & (img[..., 1] < 0.3) & (img[..., 2] < 0.3)).sum())


def test_map_shows_each_kind_in_its_colour():
    import geopandas as gpd
    import shapely

    from roadhealth.anomalies import read_anomalies
    from roadhealth.report import KIND_COLOURS

    an = read_anomalies(TRUTH)
    cl = gpd.read_file(SAMPLE / "centrelines.gpkg")
    png = png_bytes(anomaly_map_figure(cl, {}, an))
    img = (_decode(png)[..., :3] * 255).round()
    for kind, colour in KIND_COLOURS.items():
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(img - rgb).max(axis=-1) < 12).sum() > 20, kind
    assert shapely  # footprints come from the table's geometry


def _evil_survey(folder: Path) -> str:
    """A copy of FUKANG whose file name and header text (name field, text area) hold <script>."""
    from roadhealth.io.gssi import read_dzt_header

    stem = "<script>evil"
    raw = bytearray((SAMPLE / "FUKANG.DZT").read_bytes())
    h = read_dzt_header(SAMPLE / "FUKANG.DZT")[0]
    raw[114:126] = b"<script>x\x00\x00\x00"  # rh_name
    text = h["text"].encode("ascii") + b" note=" + EVIL.encode()
    start = h["rh_text"]
    raw[start:start + len(text)] = text
    raw[46:50] = struct.pack("<HH", len(text), start + len(text))  # rh_ntext, rh_proc
    (folder / f"{stem}.DZT").write_bytes(bytes(raw))
    shutil.copy(SAMPLE / "FUKANG.DZG", folder / f"{stem}.DZG")
    return stem


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory):
    from roadhealth.campaign import run_campaign

    base = tmp_path_factory.mktemp("evil")
    camp = base / "camp"
    camp.mkdir()
    stem = _evil_survey(camp)
    shutil.copy(SAMPLE / "centrelines.gpkg", camp / "centrelines.gpkg")
    (camp / "campaign.toml").write_text('title = "hostile names"\ncrs = "EPSG:4545"\nsurveys = ["*.DZT"]\n'
                                        'centrelines = "centrelines.gpkg"\n')
    result = run_campaign(camp, base / "out", progress=False)
    return base / "out", result, stem


def test_a_survey_named_script_does_not_run(evil_report):
    out, result, _stem = evil_report
    assert result.exit_code == 0, result.skipped
    m = result.surveys[0]
    assert m["header"]["rh_name"] == "<script>x" and EVIL in m["header"]["text"]  # the file really holds it
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;evil.DZT" in html
    assert "&lt;script&gt;x" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _script_tags(html) == 1


@needs_chromium
def test_hostile_report_in_chromium_keeps_its_text(evil_report, tmp_path):
    out, _, _ = evil_report
    dom = _chromium(tmp_path, "--dump-dom", f"file://{out / 'report.html'}")
    assert 'data-script="ready"' in dom  # our script ran, and nothing from the input broke it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert _script_tags(dom) == 1


def _chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "chromium-profile"
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    from roadhealth.campaign import run_campaign

    base = tmp_path_factory.mktemp("report")
    camp = base / "camp"
    camp.mkdir()
    for stem in ("JINLING", "WAIMAO"):
        for ext in ("DZT", "DZG"):
            shutil.copy(SAMPLE / f"{stem}.{ext}", camp / f"{stem}.{ext}")
    for name in ("centrelines.gpkg", "surface_condition.csv", "cores.csv", "campaign.toml"):
        shutil.copy(SAMPLE / name, camp / name)
    result = run_campaign(camp, base / "out", progress=False, anomalies=TRUTH)
    return base / "out", result


def test_report_content(sample_report):
    out, _result = sample_report
    html = (out / "report.html").read_text(encoding="utf-8")
    for section in ("summary", "map", "anomalies", "high-risk", "plan", "surveys", "skipped", "recipe"):
        assert f'id="{section}"' in html
    from roadhealth.anomalies import read_anomalies

    truth = read_anomalies(TRUTH)
    truth = truth[truth["survey"].isin(["JINLING", "WAIMAO"])]
    n_high = int(high_risk_mask(truth).sum())
    assert n_high >= 2  # one void under the pavement on each road
    imgs = re.findall(r'<img class="fig" alt="([^"]*)" src="data:image/png;base64,', html)
    # map + (B-scan + slice) per high-risk anomaly + plan map + Gantt
    assert len(imgs) == 1 + 2 * n_high + 2, imgs
    assert sum("B-scan" in a for a in imgs) == n_high and sum("depth slice" in a for a in imgs) == n_high
    assert f"<dt>high risk</dt><dd>{n_high}</dd>" in html  # the summary counts what the section shows
    assert html.count('<div class="anomaly">') == n_high
    assert "Evidence:</b> synthetic truth: air gap" in html
    assert 'src="http' not in html and "<link" not in html
    rows = re.search(r'<table id="anomaly-table".*?</table>', html, flags=re.S).group(0).count("<tr>") - 1
    assert rows == len(truth)


@needs_chromium
def test_report_renders_in_chromium_with_map_and_table(sample_report, tmp_path):
    from matplotlib.image import imread

    from roadhealth.report import KIND_COLOURS

    out, _ = sample_report
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,3000", "--hide-scrollbars",
              f"file://{out / 'report.html'}")
    img = (imread(shot)[..., :3] * 255).round()
    assert img.shape[:2] == (3000, 1400)
    assert img.std() > 20  # not blank
    # the map: each kind's colour is on the page
    for kind, colour in KIND_COLOURS.items():
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(img - rgb).max(axis=-1) < 16).sum() > 10, kind
    # the table: its header row colour (#eef2f7) spans most of the page width somewhere
    head = (np.abs(img - np.array([0xEE, 0xF2, 0xF7])).max(axis=-1) < 3)
    assert head.sum(axis=1).max() > 900
    dom = _chromium(tmp_path, "--dump-dom", f"file://{out / 'report.html'}")
    assert 'data-script="ready"' in dom
