"""Schedules: optimal against brute force on small instances; feasible on a weather calendar."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadhealth.plan.config import PlanError
from roadhealth.plan.schedule import (
    Calendar,
    Job,
    brute_force,
    evaluate,
    schedule_crews,
    schedule_trains,
)


@st.composite
def instances(draw):
    n = draw(st.integers(1, 5))
    trains = draw(st.integers(1, 2))
    jobs = [Job(str(i), duration=draw(st.floats(0.25, 4.0)),
                release=draw(st.sampled_from([0.0, 0.0, 1.0, 2.5, 4.0])),
                road=draw(st.sampled_from("abc")),
                deadline=draw(st.sampled_from([np.inf, np.inf, 3.0, 6.0])))
            for i in range(n)]
    return jobs, trains, draw(st.sampled_from([0.0, 0.5, 1.0]))


@settings(max_examples=60, deadline=None)
@given(inst=instances())
def test_exact_schedule_matches_brute_force(inst):
    jobs, trains, move = inst
    ts = schedule_trains(jobs, trains, move, exact_max_jobs=8)
    best, _ = brute_force(jobs, trains, move)
    assert ts.objective == best
    assert ts.gap == 0.0
    # the heuristic is never better than the optimum, and its bound never above it
    heur = schedule_trains(jobs, trains, move, exact_max_jobs=0)
    assert heur.objective >= best
    assert heur.lower_bound <= best[1] + 1e-9


@settings(max_examples=40, deadline=None)
@given(inst=instances())
def test_schedule_is_feasible(inst):
    jobs, trains, move = inst
    for exact in (8, 0):
        ts = schedule_trains(jobs, trains, move, exact_max_jobs=exact)
        assert sorted(j for s in ts.sequences for j in s) == list(range(len(jobs)))  # every run once
        for j, job in enumerate(jobs):
            assert ts.start[j] >= job.release - 1e-9
            assert ts.end[j] == pytest.approx(ts.start[j] + job.duration)
        for seq in ts.sequences:  # no train in two places: consecutive runs do not overlap, moves fit
            for a, b in itertools.pairwise(seq):
                gap = move if jobs[a].road != jobs[b].road else 0.0
                assert ts.start[b] >= ts.end[a] + gap - 1e-9


def test_heuristic_groups_roads_and_reports_gap():
    rng = np.random.default_rng(0)
    jobs = [Job(f"r{i}", float(rng.uniform(0.3, 1.0)), 0.0, road=f"road{i % 6}") for i in range(30)]
    ts = schedule_trains(jobs, 1, 1.0, exact_max_jobs=8)
    assert ts.method.startswith("priority")
    assert ts.moves == 5  # one block per road: the fewest moves possible
    total = sum(j.duration for j in jobs)
    assert ts.makespan == pytest.approx(total + 5.0)
    assert ts.lower_bound == pytest.approx(total + 5.0) and ts.gap == pytest.approx(0.0)


def test_deadline_lateness_is_minimised_first():
    jobs = [Job("long", 5.0, 0.0, road="a"), Job("urgent", 1.0, 0.0, road="a", deadline=1.0)]
    ts = schedule_trains(jobs, 1, 0.0)
    assert ts.sequences == [[1, 0]] and ts.objective[0] == 0.0
    _, _, obj, _ = evaluate(jobs, [[0, 1]], 0.0)
    assert obj[0] == pytest.approx(5.0)  # the other order is 5 days late


def test_calendar_skips_weather_weekends_and_months():
    weather = pd.Series({dt.date(2026, 6, 2): False, dt.date(2026, 6, 3): True})
    cal = Calendar(dt.date(2026, 6, 1), weekdays=[0, 1, 2, 3, 4], months=[6, 7], weather=weather)
    assert cal.date(0) == dt.date(2026, 6, 1)  # Monday
    assert cal.date(1) == dt.date(2026, 6, 3)  # Tuesday rained
    assert cal.date(4) == dt.date(2026, 6, 8)  # weekend skipped
    assert all(d.weekday() < 5 and d.month in (6, 7) and d != dt.date(2026, 6, 2) for d in cal.dates[:60])
    assert cal.date(len([d for d in cal.dates if d.year == 2026 and d.month in (6, 7)])).year == 2027  # wraps to next June
    # curing counts calendar days: end on Monday 1 June + 3 days -> ready Friday 5 June
    assert cal.date(cal.release_after(1.0, 3)) == dt.date(2026, 6, 5)
    assert cal.release_after(2.5, 0) == 2.5
    assert cal.days_up_to(dt.date(2026, 6, 5)) == 4


def test_calendar_without_working_days():
    with pytest.raises(PlanError, match="no working day"):
        Calendar(dt.date(2026, 6, 1), weekdays=[0], months=[6], weather=pd.Series(
            {dt.date(2026, 6, 1) + dt.timedelta(days=7 * k): False for k in range(5)}), horizon_days=30)


def test_crews_take_jobs_in_priority_order_on_the_crew_free_first():
    start, end, crew = schedule_crews(np.array([2.0, 1.0, 1.0, 3.0]), [(1,), (0,), (2,), (3,)], 2)
    assert start.tolist() == [0.0, 0.0, 1.0, 2.0]
    assert crew.tolist() == [1, 0, 0, 0]
    assert end.tolist() == [2.0, 1.0, 2.0, 5.0]
