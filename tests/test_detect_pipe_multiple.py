"""A loud pipe's first surface multiple (pipe - road surface - pipe) arrives at every offset at
twice the pipe's two-way time and, off a metal pipe, with the polarity of air: a candidate whose
strong tops lie on twice the pipe's curve (where they are not on the pipe's own flank) is the
pipe's, not a cavity. A body under the pipe at twice its apex time but diffracting from its own
depth leaves that curve and stays a defect."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import core, detect

BLIND = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind"

V = 0.1        # m/ns, the pipe's hyperbola
T0 = 8.0       # ns below the surface, its apex time
X0 = 1.9       # m, its apex
PERIOD = 2.5   # ns
SURFACE = 4.0  # ns, the road surface's two-way time in the record (a raised antenna's air gap)


def _pipe(x):
    return SURFACE + np.sqrt(T0**2 + (2.0 * (x - X0) / V) ** 2)


def _tables(candidate_tops, traces):
    """A pipe (label 1) on its hyperbola at traces 38-57 (2 cm apart) and a candidate called a
    cavity (label 2) at ``traces`` with tops ``candidate_tops(x)``."""
    dist = (np.arange(190) * 0.02)[None, :]
    tp = np.arange(38, 58)
    strong = pd.DataFrame({
        "label": np.r_[np.full(tp.size, 1), np.full(traces.size, 2)],
        "c": 0,
        "t": np.r_[tp, traces],
        "t_top": np.r_[_pipe(dist[0, tp]), candidate_tops(dist[0, traces])],
    })
    cls = pd.DataFrame({
        "decision": ["pipe", "cavity"],
        "is_defect": [False, True],
        "confidence": [0.0, 1.0],
        "z_peak": [340.0, 150.0],
        "hyperbola_v": [V, np.nan],
        "period_ns": [PERIOD, PERIOD],
    }, index=[1, 2])
    return cls, strong, dist


def _multiple(x):
    return SURFACE + 2.0 * (_pipe(x) - SURFACE)


def test_a_candidate_on_twice_the_pipe_s_curve_is_its_surface_multiple():
    traces = np.arange(60, 131)  # 1.2-2.6 m: the multiple's apex and inner flanks
    cls, strong, dist = _tables(lambda x: _multiple(x) - 0.2 * PERIOD, traces)
    out = core._pipe_flanks(cls, strong, dist, SURFACE)
    assert out.loc[2, "decision"] == "pipe" and not out.loc[2, "is_defect"]
    assert out.loc[2, "pipe_multiple"] == 1 and np.isnan(out.loc[2, "pipe_flank"])
    # measured from the record's start instead of the surface, the same tops are off the curve
    # (by the surface's time, 1.6 periods)
    assert core._pipe_flanks(cls, strong, dist, 0.0).loc[2, "decision"] == "cavity"


def test_a_multiple_merged_with_the_pipe_s_far_flanks_is_the_pipe_s():
    """Its outer columns on the pipe's own flank (where that crosses the multiple's time), the rest
    on the multiple: every top is the pipe's."""
    inner, outer = np.arange(80, 111), np.r_[np.arange(60, 64), np.arange(126, 130)]
    traces = np.r_[outer[:4], inner, outer[4:]]
    cls, strong, dist = _tables(lambda x: np.where((x >= 1.6) & (x <= 2.2), _multiple(x), _pipe(x) + 0.3 * PERIOD),
                                traces)
    out = core._pipe_flanks(cls, strong, dist, SURFACE)
    assert out.loc[2, "pipe_multiple"] == 1


@pytest.mark.parametrize("what", ["flat top at twice the time", "own hyperbola at twice the time", "stronger"])
def test_a_body_under_the_pipe_at_twice_its_time_stays_a_defect(what):
    """A cavity 0.6 m wide whose flat top lies at the multiple's apex time, or whose diffraction
    hyperbola has its apex there (it bends as a point at its own depth: half as fast in time as
    the multiple), or a candidate on the curve but stronger than the pipe: no multiple."""
    traces = np.arange(80, 111)  # 1.6-2.2 m
    t_apex = SURFACE + 2 * T0
    if what == "flat top at twice the time":
        tops = lambda x: np.full(x.shape, t_apex)  # noqa: E731
    elif what == "own hyperbola at twice the time":
        traces = np.arange(50, 141)
        tops = lambda x: SURFACE + np.sqrt((2 * T0) ** 2 + (2.0 * (x - X0) / V) ** 2)  # noqa: E731
    else:
        tops = _multiple
    cls, strong, dist = _tables(tops, traces)
    if what == "stronger":
        cls.loc[2, "z_peak"] = 400.0
    out = core._pipe_flanks(cls, strong, dist, SURFACE)
    assert out.loc[2, "decision"] == "cavity" and out.loc[2, "is_defect"]
    assert out["pipe_multiple"].isna().all()


@pytest.mark.skipif(not (BLIND / "bw400_pipe_123_clean.sgy").exists(), reason="blind full-wave files not present")
def test_a_shallow_metal_pipe_s_multiple_in_dry_sand_is_no_cavity(monkeypatch):
    """Blind gprMax line (batch 158): a 0.3 m metal pipe 0.48 m down in dry sand at 400 MHz. Its
    surface multiple, at 2.006 times its time, 0.45 of its score and read with the polarity of
    air, was a 'cavity' at 1.00 (too strong for the echo rule's score bar)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = roadhealth.read(BLIND / "bw400_pipe_123_clean.sgy")
        d = detect(s)
        assert len(d) == 0
        assert d.attrs["detect"]["rejected"]["pipe's surface multiple"] == 1
        monkeypatch.setattr(core, "PIPE_MULTIPLES", False)
        again = detect(s)
    assert list(again["kind"]) == ["cavity"]
