"""A region whose columns were moved under a faint first event and that reads as no defect is read
again from that first event (``core._remeasure_first_event``), on blind full-wave lines kept in the
repository."""

from __future__ import annotations

from pathlib import Path

import pytest

import roadhealth
import roadhealth.detect.core as core

BLIND = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind"


def _detect(name):
    path = BLIND / f"{name}.sgy"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    return roadhealth.detect(roadhealth.read(path))


def test_a_noise_free_loose_zone_under_its_faint_top_is_found(monkeypatch):
    """Blind clean 400 MHz loose zone 0.41 m down (``bw400_loose_32``): its top scores a few tens of
    robust SD but under a tenth of the bright reflections inside it, so its columns' tops were
    moved under it and the region read as a pipe on a point inside the body. Read again from its
    first event it is loose, its top within 0.15 m of the truth; without the second reading
    nothing is reported."""
    d = _detect("bw400_loose_32_clean")
    loose = d[d["kind"] == "loose"]
    assert len(loose) == 1 and abs(float(loose["depth_top_m"].iloc[0]) - 0.41) < 0.15
    assert 1.2 <= float(loose["distance_start_m"].iloc[0]) and float(loose["distance_end_m"].iloc[0]) <= 2.4
    monkeypatch.setattr(core, "REMEASURE_DECISIONS", None)
    assert "loose" not in set(_detect("bw400_loose_32_clean")["kind"])


def test_a_water_filled_pipe_read_again_from_its_near_wall_is_no_wet_zone(monkeypatch):
    """Blind clean water-filled plastic pipe (``bw400_pipe_33``): its near wall is a faint point
    hyperbola over the far wall's far stronger echo. Read again from the near wall the region scores
    as a wet zone (1.0), but a first event that is a point's hyperbola is a pipe over what lies
    under it, which the look under pipes reads: nothing is reported, with or without the
    second reading."""
    assert len(_detect("bw400_pipe_33_clean")) == 0
    monkeypatch.setattr(core, "REMEASURE_DECISIONS", None)
    assert len(_detect("bw400_pipe_33_clean")) == 0
