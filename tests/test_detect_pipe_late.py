"""A loud pipe's late arrivals (the wave creeping round a metal pipe, what rings between it and the
layer under it) follow the pipe's own curve a period or two behind it, several arrivals at once: a
candidate whose strong tops are such a copy of the curve, of no single wavelet and no stronger than
the pipe, is called a pipe (``core.PIPE_LATE_*``). A body under the pipe wide enough for its top to
part from the pipe's curve away from the apex, one whose top is one wavelet, one further down or one
stronger than the pipe stays what it is. (A small round body right under a pipe, within two periods
of it, is a copy of the curve near the apex too: only its one wavelet tells it apart.)"""
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
T0 = 12.0      # ns, its apex time
X0 = 1.9       # m, its apex
PERIOD = 2.5   # ns


def _curve(x, t0=T0):
    return np.sqrt(t0**2 + (2.0 * (x - X0) / V) ** 2)


def _tables(tops_of_candidate, consistency=0.6, z_cand=60.0):
    """A pipe (label 1) whose strong tops lie on its hyperbola at traces 35-60 (4 cm apart), and a
    candidate called a cavity (label 2) on traces 40-55, its tops ``tops_of_candidate(x)``."""
    dist = (np.arange(96) * 0.04)[None, :]
    tp = np.arange(35, 61)
    tc = np.arange(40, 56)
    strong = pd.DataFrame({
        "label": np.r_[np.full(tp.size, 1), np.full(tc.size, 2)],
        "c": 0,
        "t": np.r_[tp, tc],
        "t_top": np.r_[_curve(dist[0, tp]), tops_of_candidate(dist[0, tc])],
    })
    cls = pd.DataFrame({
        "decision": ["pipe", "cavity"],
        "is_defect": [False, True],
        "confidence": [0.0, 0.95],
        "z_peak": [170.0, z_cand],
        "hyperbola_v": [V, np.nan],
        "period_ns": [PERIOD, PERIOD],
        "polarity": [-1.0, 1.0],
        "phase_consistency": [0.95, consistency],
    }, index=[1, 2])
    return cls, strong, dist


@pytest.mark.parametrize("delay", [1.0, 1.5, 1.9])
def test_a_copy_of_a_loud_pipe_s_curve_a_little_later_is_its_late_arrivals(delay):
    cls, strong, dist = _tables(lambda x: _curve(x) + delay * PERIOD)
    out = core._pipe_flanks(cls, strong, dist)
    assert out.loc[2, "decision"] == "pipe"
    assert not out.loc[2, "is_defect"] and out.loc[2, "confidence"] == 0.0
    assert out.loc[2, "pipe_late"] == 1 and np.isnan(out.loc[2, "pipe_flank"])
    assert cls.loc[2, "decision"] == "cavity"  # the input is not modified
    assert np.isnan(out.loc[1, "pipe_late"])


def _flat_top(x, t0=T0 + 1.5 * PERIOD, width=0.5):
    """A body 0.5 m wide under the pipe: a flat top at ``t0`` over its width, its edges' diffraction
    hyperbolas beyond."""
    u = np.maximum(np.abs(x - X0) - width / 2, 0.0)
    return np.sqrt(t0**2 + (2.0 * u / V) ** 2)


def test_a_body_under_the_pipe_is_no_copy_of_its_curve():
    """A body 0.5 m wide, its top 1.5 periods under the pipe's apex: its flat top parts from the
    pipe's curve away from the apex (1.5 periods there, under 1.1 at its edges)."""
    cls, strong, dist = _tables(_flat_top)
    x = dist[0, 40:56]
    d = (_flat_top(x) - _curve(x)) / PERIOD
    assert np.subtract(*np.percentile(d, [75, 25])) > core.PIPE_LATE_MAX_SPREAD  # the fixture's premise
    out = core._pipe_flanks(cls, strong, dist)
    assert out.loc[2, "decision"] == "cavity" and out.loc[2, "is_defect"]
    assert out["pipe_late"].isna().all()


@pytest.mark.parametrize("delay,consistency,z", [(1.5, 0.9, 60.0),    # one wavelet along its top
                                                 (2.5, 0.6, 60.0),    # further under the pipe
                                                 (1.5, 0.6, 200.0),   # stronger than the pipe
                                                 (1.5, np.nan, 60.0)])  # no phase read
def test_one_wavelet_deeper_or_stronger_stays_a_defect(delay, consistency, z):
    cls, strong, dist = _tables(lambda x: _curve(x) + delay * PERIOD, consistency=consistency, z_cand=z)
    out = core._pipe_flanks(cls, strong, dist)
    assert out.loc[2, "decision"] == "cavity" and out.loc[2, "is_defect"]


def test_switched_off_a_late_copy_stays_a_defect(monkeypatch):
    monkeypatch.setattr(core, "PIPE_LATE_MAX_CONSISTENCY", None)
    cls, strong, dist = _tables(lambda x: _curve(x) + 1.5 * PERIOD)
    assert core._pipe_flanks(cls, strong, dist).loc[2, "decision"] == "cavity"


@pytest.mark.skipif(not (BLIND / "bw400_pipe_96_clean.sgy").exists(), reason="blind full-wave files not present")
def test_a_metal_pipe_s_late_arrivals_are_no_cavity(monkeypatch):
    """Blind gprMax line: a 0.16 m metal pipe 0.63 m down at 400 MHz. What came back 1.5 periods
    after its curve, along it, was a 'cavity' at 1.00; without the rule it is again."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = roadhealth.read(BLIND / "bw400_pipe_96_clean.sgy")
        assert len(detect(s)) == 0
        monkeypatch.setattr(core, "PIPE_LATE_MAX_CONSISTENCY", None)
        again = detect(s)
    assert list(again["kind"]) == ["cavity"]
