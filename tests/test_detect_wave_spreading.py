"""How the recorded wave spread (``attrs["wave_spreading"]``, detect's ``wave_spreading`` option)
decides how the soil-body rules read a top's strength (``classify.STRENGTH_SPREADING``).

A 2-D simulation's line source spreads as 1 / sqrt(r); every real antenna, and a 3-D simulation,
as 1 / r, so a top 0.4-1 m down reads 2.5-4 times weaker against the surface. The strength bars
that tell soil on soil (|r| 0.05-0.15) from air under soil (0.4-0.6) were set on 2-D files. Where
the file says how the wave spread, the rules read the strength for that world: a field
instrument's file (DZT, RD3/RD7, DT1, IPRB) is 3-D; a gprMax file says it by its grid (one cell
thick: 2-D). Where nothing says (SEG-Y, arrays in memory), the two rules read against what lies
under a top undo a 3-D spreading and the wide-flat-top rules read the strength as measured, as
before the attribute existed."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import classify as cl
from roadhealth.detect.classify import Thresholds, classify
from roadhealth.errors import DetectionError
from tests.test_detect_physics import _row
from tests.test_detect_ringing_weak_body import BASE as RINGING
from tests.test_detect_weak_flat_body import BASE as FLAT

ROOT = Path(__file__).resolve().parents[1]
GPRMAX = ROOT / "tests" / "data" / "gprmax"
HANDWRITTEN = ROOT / "validation" / "handwritten"


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.read(path)


def _decide(base, **change):
    return classify(pd.DataFrame([_row(**{**base, **change})]), Thresholds())


@pytest.fixture(autouse=True)
def _spreading_on(monkeypatch):
    monkeypatch.setattr(cl, "STRENGTH_SPREADING", 0.65)


def test_readers_say_how_the_wave_spread(tmp_path):
    # a 2-D gprMax model (one cell thick) and a 3-D one, by their grids
    assert _read(GPRMAX / "air_box_merged.h5").attrs["wave_spreading"] == "2d"
    assert _read(GPRMAX / "cavity_3d_merged.h5").attrs["wave_spreading"] == "3d"
    # a gprMax 3 merge keeps no grid: not known
    assert "wave_spreading" not in _read(GPRMAX / "bscan_v3_merged.out").attrs
    # a field instrument's file is a real antenna's wave; a SEG-Y file says nothing
    survey = _read(GPRMAX / "air_box_merged.h5")
    del survey.attrs["wave_spreading"]
    scaled = survey.copy(data=np.round(survey.values / np.abs(survey.values).max() * 20000).astype(np.int16))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("line.DZT", "line.sgy"):
            roadhealth.write(scaled, tmp_path / name)
    assert _read(tmp_path / "line.DZT").attrs["wave_spreading"] == "3d"
    assert "wave_spreading" not in _read(tmp_path / "line.sgy").attrs
    # unless it was written from a survey that says it: roadhealth's SEG-Y textual header keeps it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        roadhealth.write(scaled.assign_attrs(wave_spreading="2d"), tmp_path / "said.sgy")
    assert _read(tmp_path / "said.sgy").attrs["wave_spreading"] == "2d"


@pytest.mark.parametrize("spread, kind", [(np.nan, "loose"), (0.0, "loose"), (1.0, "cavity")])
def test_a_wide_flat_top_is_read_with_the_spreading_undone_only_in_3d(spread, kind):
    """The weak, wide, flat top (0.05 of the surface's, 6.4 periods under it) is soil read as
    measured; undone for a 3-D wave it reads 0.05 x sqrt(1 + 6.4 / 0.65) = 0.16, over the rule's
    bar, and stays the air body it would otherwise be."""
    cls = _decide(FLAT, wave_spreading_3d=spread)
    assert cls["decision"].iloc[0] == kind
    assert (cls["weak_flat_body"].iloc[0] >= cl.SOIL_BODY_CALL) == (kind == "loose")


@pytest.mark.parametrize("spread, kind", [(np.nan, "cavity"), (1.0, "cavity"), (0.0, "loose")])
def test_a_weak_ringing_top_is_read_as_measured_in_2d(spread, kind):
    """The domed top 0.083 of the surface's that rings 1.04, 7.9 periods down: with a 3-D wave's
    spreading undone (3-D, or not known) it reads 0.30 and is an air body; on a file that says its
    wave spread in 2-D it is read as measured, a body of soil, as the 2-D bars were set."""
    assert _decide(RINGING, wave_spreading_3d=spread)["decision"].iloc[0] == kind


def test_not_known_reads_as_before_the_attribute():
    """Rows without the column and rows whose spreading is not known score the same."""
    rows = [_row(**{**base, "t_below_ns": t, "top_surface_ratio": s})
            for base in (FLAT, RINGING) for t in (1.0, 6.0, 14.0) for s in (0.03, 0.06, 0.1, 0.2)]
    without = classify(pd.DataFrame(rows), Thresholds())
    unknown = classify(pd.DataFrame([{**r, "wave_spreading_3d": np.nan} for r in rows]), Thresholds())
    assert list(without["decision"]) == list(unknown["decision"])
    np.testing.assert_allclose(without["confidence"].to_numpy(float), unknown["confidence"].to_numpy(float))


@pytest.mark.skipif(not (HANDWRITTEN / "drybox400_merged.h5").exists(), reason="hand-written models not in this checkout")
def test_a_2d_box_of_dry_soil_is_read_for_its_own_world():
    """The hand-written eps_r 5 box in eps_r 13 (a 2-D gprMax model, 0.054 of the surface's at 1 m):
    loose as its file says (2-D) and as given; declared 3-D, its top would be read 3.3 times as
    strong, an air body's."""
    survey = _read(HANDWRITTEN / "drybox400_merged.h5")
    assert survey.attrs["wave_spreading"] == "2d"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = roadhealth.detect(survey)
        assert list(found["kind"]) == ["loose"]
        assert any(n.startswith("wave spreading 2D (the file's)") for n in found.attrs["detect"]["notes"])
        assert list(roadhealth.detect(survey, wave_spreading="2d")["kind"]) == ["loose"]
        assert list(roadhealth.detect(survey, wave_spreading="3d")["kind"]) == ["cavity"]


@pytest.mark.parametrize("where", ["option", "attrs"])
def test_a_spreading_that_is_neither_is_refused(where):
    survey = _read(GPRMAX / "air_box_merged.h5")
    with pytest.raises(DetectionError, match="wave_spreading"):
        if where == "option":
            roadhealth.detect(survey, wave_spreading="4d")
        else:
            survey.attrs["wave_spreading"] = "line"
            roadhealth.detect(survey)


@pytest.mark.skipif(not (HANDWRITTEN / "drybox400_merged.h5").exists(), reason="hand-written models not in this checkout")
def test_the_cli_passes_the_spreading(tmp_path):
    """The 2-D box written as SEG-Y says nothing of its wave: loose (the wide-flat-top rule reads the
    strength as measured); ``--wave-spreading 3d`` reads it as a 3-D wave's and calls it air."""
    import geopandas as gpd

    from roadhealth.cli import main

    survey = _read(HANDWRITTEN / "drybox400_merged.h5")
    src = tmp_path / "drybox400.sgy"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        roadhealth.write(survey, src)
        kinds = {}
        for spread in (None, "3d"):
            out = tmp_path / f"found_{spread}.gpkg"
            args = ["detect", str(src), "--out", str(out), "-q"] + (["--wave-spreading", spread] if spread else [])
            assert main(args) == 0
            kinds[spread] = list(gpd.read_file(out, layer="anomalies")["kind"])
    assert kinds == {None: ["loose"], "3d": ["cavity"]}


def test_a_grid_keeps_the_spreading_its_lines_agree_on():
    from roadhealth.processing.grid import assemble_grid

    lines = [_read(GPRMAX / "air_box_merged.h5") for _ in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert assemble_grid(lines, line_offsets_m=[0.0, 0.2, 0.4], spacing_m=0.02).attrs["wave_spreading"] == "2d"
        lines[1].attrs["wave_spreading"] = "3d"
        assert "wave_spreading" not in assemble_grid(lines, line_offsets_m=[0.0, 0.2, 0.4], spacing_m=0.02).attrs


@pytest.mark.skipif(not (HANDWRITTEN / "drybox400_merged.h5").exists(), reason="hand-written models not in this checkout")
def test_the_evidence_gives_the_strength_read_in_3d():
    """A wide flat top called soil in a 3-D world says the strength it was read at: measured, and
    with the 3-D spreading to it undone."""
    from roadhealth.detect import core

    survey = _read(HANDWRITTEN / "drybox400_merged.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pr, cls, _ = core._analyse(survey, "default", {}, classified=True)
    row = cls[cls["decision"] == "loose"].iloc[0].copy()
    assert row["wave_spreading_3d"] == 0.0 and row["weak_flat_body"] >= cl.SOIL_BODY_CALL
    assert "spreading" not in core._evidence(row, pr)
    row["wave_spreading_3d"] = 1.0
    text = core._evidence(row, pr)
    periods = row["t_below_ns"] / row["period_ns"]
    undone = row["top_surface_ratio"] * np.sqrt(1.0 + periods / cl.STRENGTH_SPREADING)
    assert f"{undone:.2f} with the 3-D wave's spreading to it undone" in text
