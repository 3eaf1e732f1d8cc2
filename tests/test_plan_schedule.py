"""Schedules: CP-SAT against brute force on small instances; feasible on a weather calendar;
bounds, missed deadlines and determinism."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadhealth._threads import limit_threads
from roadhealth.plan.config import PlanError
from roadhealth.plan.schedule import Calendar, Job, evaluate, schedule_crews, schedule_trains


def brute_force(jobs, trains, move_days):
    """Every assignment of runs to trains and every order on each train (tiny instances only)."""
    n = len(jobs)
    best = None
    for perm in itertools.permutations(range(n)):
        for cuts in itertools.combinations_with_replacement(range(n + 1), trains - 1):
            bounds = [0, *cuts, n]
            seqs = [list(perm[bounds[i]:bounds[i + 1]]) for i in range(trains)]
            obj = evaluate(jobs, seqs, move_days)[2]
            if best is None or obj < best[0]:
                best = (obj, seqs)
    return best


@st.composite
def instances(draw, grid=True, max_runs=6):
    """Runs on a 0.25-day grid (exact in the solver's 0.01-day steps) or off it."""
    n = draw(st.integers(1, max_runs))
    trains = draw(st.integers(1, 2))
    dur = (st.integers(1, 16).map(lambda k: k * 0.25) if grid else st.floats(0.05, 4.0))
    jobs = [Job(str(i), duration=draw(dur),
                release=draw(st.sampled_from([0.0, 0.0, 1.0, 2.5, 4.0])),
                road=draw(st.sampled_from("abc")),
                deadline=draw(st.sampled_from([np.inf, np.inf, 3.0, 6.0])))
            for i in range(n)]
    return jobs, trains, draw(st.sampled_from([0.0, 0.5, 1.0]))


def check_feasible(jobs, trains, move, ts, step=0.01):
    """Every run once on one train, after its release, for its duration rounded up to the step;
    no train in two places (consecutive runs of a train do not overlap, moves between roads fit)."""
    assert len(ts.sequences) == trains
    assert sorted(j for s in ts.sequences for j in s) == list(range(len(jobs)))
    for j, job in enumerate(jobs):
        assert ts.start[j] >= job.release - 1e-9
        assert ts.end[j] - ts.start[j] == pytest.approx(np.ceil(job.duration / step - 1e-9) * step)
        assert ts.end[j] - ts.start[j] >= job.duration - 1e-9
    for seq in ts.sequences:
        for a, b in itertools.pairwise(seq):
            gap = move if jobs[a].road != jobs[b].road else 0.0
            assert ts.start[b] >= ts.end[a] + gap - 1e-9
    # the reported objective is that of the schedule itself
    late = max([0.0] + [ts.end[j] - jobs[j].deadline for j in range(len(jobs))])
    assert ts.objective[0] == pytest.approx(late) and ts.objective[1] == pytest.approx(ts.end.max())
    assert ts.moves == sum(jobs[a].road != jobs[b].road for s in ts.sequences for a, b in itertools.pairwise(s))


@settings(max_examples=40, deadline=None)
@given(inst=instances())
def test_cpsat_matches_brute_force(inst):
    jobs, trains, move = inst
    ts = schedule_trains(jobs, trains, move, search_time_s=5.0)
    best, _ = brute_force(jobs, trains, move)
    assert ts.objective == pytest.approx(best)  # lateness, makespan, moves: each optimal in turn
    assert ts.status == "OPTIMAL" and ts.gap == 0.0
    for stage in ts.stages:
        assert stage.bound <= stage.value + 1e-9
    assert ts.lower_bound == pytest.approx(best[1]) and ts.moves_bound == best[2]
    assert ts.lateness_bound == pytest.approx(best[0])
    check_feasible(jobs, trains, move, ts)


@settings(max_examples=30, deadline=None)
@given(inst=instances(grid=False, max_runs=8))
def test_schedule_is_feasible_off_the_grid(inst):
    jobs, trains, move = inst
    ts = schedule_trains(jobs, trains, move, search_time_s=2.0)
    check_feasible(jobs, trains, move, ts)
    assert all(s.bound <= s.value + 1e-9 for s in ts.stages)


def test_larger_instance_reports_bounds_below_the_objective():
    rng = np.random.default_rng(3)
    jobs = [Job(f"r{i}", float(rng.uniform(0.2, 1.5)), float(rng.choice([0, 0, 2, 5, 9])), road=f"road{i % 9}",
                deadline=float(rng.choice([np.inf, 12.0])))
            for i in range(30)]
    ts = schedule_trains(jobs, 2, 0.5, search_time_s=0.5)
    check_feasible(jobs, 2, 0.5, ts)
    assert [s.name for s in ts.stages] == ["lateness", "makespan", "moves"]
    assert all(s.status in ("OPTIMAL", "FEASIBLE") for s in ts.stages)
    assert ts.lower_bound <= ts.makespan + 1e-9 and 0 <= ts.gap < 1
    assert ts.moves_bound <= ts.moves and ts.moves_bound >= 9 - 2  # moves >= roads - trains
    assert "CP-SAT" in ts.method


def test_one_train_groups_roads_with_the_fewest_moves():
    rng = np.random.default_rng(0)
    jobs = [Job(f"r{i}", float(rng.uniform(0.3, 1.0)), 0.0, road=f"road{i % 6}") for i in range(30)]
    ts = schedule_trains(jobs, 1, 1.0)
    assert ts.moves == 5 and ts.moves_bound == 5  # one block per road: the fewest moves possible
    total = sum(np.ceil(j.duration / 0.01 - 1e-9) * 0.01 for j in jobs)
    assert ts.makespan == pytest.approx(total + 5.0)
    assert ts.lower_bound == pytest.approx(total + 5.0) and ts.gap == pytest.approx(0.0)
    assert ts.status == "OPTIMAL" and ts.stages[0].status == "skipped"  # no deadline


def test_deadline_lateness_is_minimised_first():
    jobs = [Job("long", 5.0, 0.0, road="a"), Job("urgent", 1.0, 0.0, road="a", deadline=1.0)]
    ts = schedule_trains(jobs, 1, 0.0)
    assert ts.sequences == [[1, 0]] and ts.objective[0] == 0.0
    _, _, obj, _ = evaluate(jobs, [[0, 1]], 0.0)
    assert obj[0] == pytest.approx(5.0)  # the other order is 5 days late


def test_missed_deadline_reports_the_shortfall():
    # the urgent run is released on day 2 and lasts 3 days: it cannot end before day 5, due day 4.
    # One train: either the other run first (0-2, move, urgent 3-6: 2 days late) or the urgent one
    # first (2-5, move, other 6-8, due day 6: 2 days late). Two trains: 1 day late.
    jobs = [Job("urgent", 3.0, 2.0, road="a", deadline=4.0), Job("other", 2.0, 0.0, road="b", deadline=6.0)]
    one = schedule_trains(jobs, 1, 1.0)
    assert one.lateness == pytest.approx(2.0) and one.lateness_bound == pytest.approx(2.0)
    assert one.stages[0].status == "OPTIMAL"
    two = schedule_trains(jobs, 2, 1.0)
    assert two.lateness == pytest.approx(1.0) and two.lateness_bound == pytest.approx(1.0)
    assert two.end[0] == pytest.approx(5.0) and two.moves == 0
    # three urgent runs of 2 days, due day 2, one train: the best is 4 days late (proven)
    jobs = [Job(f"u{i}", 2.0, 0.0, road="a", deadline=2.0) for i in range(3)]
    ts = schedule_trains(jobs, 1, 0.0)
    assert ts.lateness == pytest.approx(4.0) and ts.lateness_bound == pytest.approx(4.0)
    two = schedule_trains(jobs, 2, 0.0)
    assert two.lateness == pytest.approx(2.0) and two.lateness_bound == pytest.approx(2.0)


def test_same_inputs_same_schedule():
    """CP-SAT runs with a fixed seed and a deterministic time limit: a schedule cut short by the limit
    (FEASIBLE, not proven) is the same from one run to the next for the same thread budget."""
    rng = np.random.default_rng(7)
    jobs = [Job(f"r{i}", float(rng.uniform(0.2, 1.5)), float(rng.choice([0, 1, 3, 6])), road=f"road{i % 7}",
                deadline=float(rng.choice([np.inf, 8.0]))) for i in range(16)]
    for threads in (1, 2):
        runs = []
        for _ in range(2):
            with limit_threads(threads):
                # a generous wall-clock guard: only the deterministic limit stops a stage
                ts = schedule_trains(jobs, 2, 1.0, search_time_s=0.05, max_wall_s=120.0)
            assert not any(s.wall_limited for s in ts.stages)
            runs.append((ts.sequences, ts.start.tolist(), ts.objective, [(s.status, s.bound) for s in ts.stages]))
        assert "FEASIBLE" in [s for s, _ in runs[0][3]]  # the deterministic limit did stop a stage
        assert runs[0] == runs[1]
        check_feasible(jobs, 2, 1.0, ts)


def test_schedule_on_a_weather_calendar_uses_working_days_only():
    weather = pd.Series({dt.date(2026, 6, d): d not in (2, 3, 9) for d in range(1, 15)})
    cal = Calendar(dt.date(2026, 6, 1), weekdays=[0, 1, 2, 3, 4], weather=weather)
    jobs = [Job("a1", 1.5, 0.0, road="a"), Job("b1", 2.0, cal.release_after(0.5, 2), road="b"),
            Job("a2", 0.7, 0.0, road="a", deadline=float(cal.days_up_to(dt.date(2026, 6, 5))))]
    ts = schedule_trains(jobs, 1, 1.0)
    check_feasible(jobs, 1, 1.0, ts)
    for j in range(len(jobs)):  # every day a run touches is a working, dry weekday
        for k in range(int(np.floor(ts.start[j])), int(np.ceil(ts.end[j] - 1e-9))):
            d = cal.date(k)
            assert d.weekday() < 5 and weather.get(d, True), (jobs[j].id, d)
    assert cal.end_date(ts.end[2]) <= dt.date(2026, 6, 5) and ts.lateness == 0.0


def test_bad_parameters_are_named():
    jobs = [Job("a", 1.0)]
    with pytest.raises(PlanError, match=r"schedule\.trains"):
        schedule_trains(jobs, 0, 1.0)
    with pytest.raises(PlanError, match="time_step_days"):
        schedule_trains(jobs, 1, 1.0, time_step_days=0.0)
    with pytest.raises(PlanError, match="search_time_s"):
        schedule_trains(jobs, 1, 1.0, search_time_s=0.0)
    with pytest.raises(PlanError, match="run 'b': duration"):
        schedule_trains([*jobs, Job("b", np.nan)], 1, 1.0)
    empty = schedule_trains([], 2, 1.0)
    assert empty.sequences == [[], []] and empty.objective == (0.0, 0.0, 0)


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


def test_plan_summary_reports_the_solver_and_an_unmeetable_deadline():
    """plan(): the summary carries CP-SAT's stages (status, objective, bound <= objective, gap), and
    says by how much a deadline that no schedule can meet is missed."""
    import warnings

    from roadhealth.plan import plan
    from roadhealth.synth.campaign import programme_inputs

    d = programme_inputs(6, 3, length_m=(300.0, 360.0))
    cfg = {"schedule": {"start_date": "2026-05-04", "deadline": "2027-02-28", "trains": 1,
                        "phase_deadlines": {"1": "2026-05-04"}}}  # phase 1 due on its first day
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = plan(d["centrelines"], d["anomalies"], d["condition"], d["thickness"], cfg)
    s = p.summary
    assert [g["stage"] for g in s["solver_stages"]] == ["lateness", "makespan", "moves"]
    for g in s["solver_stages"]:
        assert g["status"] in ("OPTIMAL", "FEASIBLE") and g["bound"] <= g["objective"] + 1e-9
        assert 0 <= g["gap"] <= 1
    assert s["solver_status"] in ("OPTIMAL", "FEASIBLE") and "CP-SAT" in s["schedule_method"]
    assert s["lower_bound_working_days"] <= s["makespan_working_days"] + 1e-9
    assert s["moves_bound"] <= s["moves"]
    # phase 1 cannot be done on its first day: the solver proves a shortfall and the plan says so
    assert not s["deadlines_met"]
    assert 0 < s["lateness_bound_working_days"] <= s["lateness_working_days"]
    hir = p.schedule[p.schedule.kind == "hir_run"]
    assert s["lateness_working_days"] == pytest.approx(hir["late_days"].max())
    text = "\n".join(s["deadlines"])
    assert "phase 1" in text and "MISSED" in text
    assert f"at least {s['lateness_bound_working_days']:.2f} working days late" in text
