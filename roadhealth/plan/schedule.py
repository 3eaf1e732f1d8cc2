"""Scheduling recycling trains and pre-treatment crews on a working-day calendar.

Time runs on a *working-day axis*: day ``k`` is the ``k``-th date (from the start date) on which
work is allowed (a working weekday, an allowed month, and workable weather). A job of ``p``
working days that starts at ``s`` occupies ``[s, s + p)``; its calendar dates are those of the
working days it touches, so a job never covers a weather day (it pauses over it).

Two stages:

1. pre-treatment crews (identical, parallel) take the pre-treatments in priority order
   (emergencies first, then by the phase and order of their road, then chainage), each on the crew
   free first (list scheduling). A run may start once each of its pre-treatments has ended and
   cured (curing counts calendar days: grout cures in the rain);
2. recycling trains (identical, parallel) take the runs, each with that release time, its duration
   and a deadline; moving a train between roads costs ``move_days``. Objective, lexicographic:
   the largest lateness past a deadline, then the finish of the last run (makespan), then the
   number of moves. Up to ``exact_max_jobs`` runs the trains' sequences are found exactly by
   branch and bound; larger instances by priority list scheduling improved by local search
   (moves of one run or one road's block), reported with a lower bound and the gap to it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roadhealth.plan.config import PlanError

__all__ = ["Calendar", "Job", "TrainSchedule", "evaluate", "schedule_crews", "schedule_trains"]


class Calendar:
    """Working days from a start date.

    Parameters
    ----------
    start : datetime.date
    weekdays : sequence of int
        Working weekdays (0 = Monday).
    months : sequence of int
        Months in which work is allowed (1-12).
    weather : pandas.Series of bool, optional
        Indexed by date: False where the weather forbids work; dates not listed are workable.
    horizon_days : int
        Calendar days covered (extended on demand).
    """

    def __init__(self, start: dt.date, weekdays: Sequence[int] = (0, 1, 2, 3, 4, 5),
                 months: Sequence[int] = tuple(range(1, 13)), weather: pd.Series | None = None,
                 horizon_days: int = 3 * 366):
        self.start = start
        self.weekdays = tuple(int(w) for w in weekdays)
        self.months = tuple(int(m) for m in months)
        self.weather = weather if weather is not None else pd.Series([], dtype=bool)
        self._build(horizon_days)

    def _build(self, horizon_days: int) -> None:
        days = pd.date_range(self.start, periods=horizon_days, freq="D")
        ok = np.isin(days.day_of_week, self.weekdays) & np.isin(days.month, self.months)
        if len(self.weather):
            bad = set(self.weather.index[~self.weather.to_numpy(bool)])
            ok &= ~np.isin(np.array([d.date() for d in days], dtype=object), list(bad))
        self.dates = np.array([d.date() for d in days[ok]], dtype=object)
        self.horizon_days = horizon_days
        if not len(self.dates):
            raise PlanError(f"schedule: no working day in {horizon_days} days from {self.start} "
                            f"(weekdays {self.weekdays}, months {self.months}, weather calendar)")

    def _ensure(self, k: int) -> None:
        while k >= len(self.dates):
            if self.horizon_days > 40 * 366:
                raise PlanError(f"schedule: working day {k} lies more than 40 years after {self.start}")
            self._build(self.horizon_days * 2)

    def date(self, k) -> dt.date:
        """Calendar date of working day ``floor(k)``."""
        k = int(np.floor(k))
        self._ensure(k)
        return self.dates[k]

    def end_date(self, end: float) -> dt.date:
        """Last calendar date touched by a job ending at working time ``end`` (> its start)."""
        return self.date(max(0, int(np.ceil(end - 1e-9)) - 1))

    def first_on_or_after(self, date: dt.date) -> int:
        """Index of the first working day on or after ``date``."""
        while self.dates[-1] < date:
            self._ensure(len(self.dates) + 1)
        return int(np.searchsorted(self.dates, date))

    def days_up_to(self, date: dt.date) -> int:
        """Number of working days on or before ``date`` (a job due on ``date`` must end by it)."""
        while self.dates[-1] < date:
            self._ensure(len(self.dates) + 1)
        return int(np.searchsorted(self.dates, date, side="right"))

    def release_after(self, end: float, curing_days: float) -> float:
        """Earliest working time after a job ending at ``end`` plus ``curing_days`` calendar days."""
        if curing_days <= 0:
            return float(end)
        last = self.end_date(end)
        ready = last + dt.timedelta(days=int(np.ceil(curing_days)) + 1)
        return float(self.first_on_or_after(ready))


@dataclass
class Job:
    """A run for a train: duration and release on the working-day axis, road, deadline."""

    id: str
    duration: float
    release: float = 0.0
    road: str = ""
    deadline: float = np.inf
    priority: tuple = ()


@dataclass
class TrainSchedule:
    """Sequences of job indices per train, their start/end times and the objective."""

    sequences: list[list[int]]
    start: np.ndarray
    end: np.ndarray
    objective: tuple
    method: str
    lower_bound: float
    moves: int
    moves_at: list = field(default_factory=list)

    @property
    def makespan(self) -> float:
        return float(self.objective[1])

    @property
    def gap(self) -> float:
        """Relative gap of the makespan to its lower bound (0: proven optimal)."""
        return 0.0 if self.makespan <= 0 else max(0.0, (self.makespan - self.lower_bound) / self.makespan)


def evaluate(jobs: Sequence[Job], sequences: Sequence[Sequence[int]], move_days: float):
    """Semi-active schedule of given train sequences.

    Returns
    -------
    start, end : numpy.ndarray (n,)
    objective : tuple (max lateness >= 0, makespan, moves)
    moves_at : list of (train, job index, move start)
    """
    n = len(jobs)
    start = np.zeros(n)
    end = np.zeros(n)
    moves = 0
    moves_at = []
    for t, seq in enumerate(sequences):
        now, road = 0.0, None
        for j in seq:
            job = jobs[j]
            if road is not None and job.road != road:
                moves_at.append((t, j, now))
                now += move_days
                moves += 1
            s = max(now, job.release)
            start[j], end[j] = s, s + job.duration
            now, road = end[j], job.road
    late = max([0.0] + [end[j] - jobs[j].deadline for j in range(n)])
    mk = float(end.max()) if n else 0.0
    return start, end, (round(late, 9), round(mk, 9), moves), moves_at


def lower_bound(jobs: Sequence[Job], trains: int, move_days: float) -> float:
    """Makespan lower bound: the latest release plus duration, and the work shared by the trains."""
    if not jobs:
        return 0.0
    r = np.array([j.release for j in jobs])
    p = np.array([j.duration for j in jobs])
    roads = len({j.road for j in jobs})
    share = r.min() + (p.sum() + move_days * max(0, roads - trains)) / trains
    return float(max((r + p).max(), share))


def _exact(jobs: Sequence[Job], trains: int, move_days: float):
    """Branch and bound over train sequences (trains identical: a train's first job has a higher
    index than the previous train's first job)."""
    n = len(jobs)
    r = np.array([j.release for j in jobs])
    p = np.array([j.duration for j in jobs])
    dl = np.array([j.deadline for j in jobs])
    best = {"obj": (np.inf, np.inf, np.inf), "seqs": None}

    def bound(times, late, moves, remaining):
        if remaining:
            rem = list(remaining)
            mk = max(max(times), float((r[rem] + p[rem]).max()),
                     min(times) + float(p[rem].sum()) / max(1, trains))
        else:
            mk = max(times)
        return (round(late, 9), round(mk, 9), moves)

    def rec(t, seqs, times, roads, late, moves, remaining):
        if bound(times, late, moves, remaining) >= best["obj"]:
            return
        if not remaining:
            obj = (round(late, 9), round(max(times), 9), moves)
            if obj < best["obj"]:
                best["obj"], best["seqs"] = obj, [list(s) for s in seqs]
            return
        for j in sorted(remaining):
            if not seqs[t] and t > 0 and seqs[t - 1] and j < seqs[t - 1][0]:
                continue  # symmetry: trains ordered by their first job
            mv = roads[t] is not None and jobs[j].road != roads[t]
            now = times[t] + (move_days if mv else 0.0)
            e = max(now, r[j]) + p[j]
            seqs[t].append(j)
            old = (times[t], roads[t])
            times[t], roads[t] = e, jobs[j].road
            rec(t, seqs, times, roads, max(late, e - dl[j]), moves + mv, remaining - {j})
            times[t], roads[t] = old
            seqs[t].pop()
        if t + 1 < trains and seqs[t]:
            rec(t + 1, seqs, times, roads, late, moves, remaining)

    rec(0, [[] for _ in range(trains)], [0.0] * trains, [None] * trains, 0.0, 0, frozenset(range(n)))
    return best["seqs"]


def _greedy(jobs: Sequence[Job], trains: int, move_days: float) -> list[list[int]]:
    """Priority list scheduling: the train free first takes the next run of its road that is
    ready, else the ready run (or, if none is ready, the one ready first) of highest priority."""
    order = sorted(range(len(jobs)), key=lambda j: (jobs[j].deadline, jobs[j].priority, jobs[j].release))
    rank = {j: k for k, j in enumerate(order)}
    remaining = set(order)
    seqs: list[list[int]] = [[] for _ in range(trains)]
    times = [0.0] * trains
    roads: list[str | None] = [None] * trains
    while remaining:  # one iteration per run
        t = int(np.argmin(times))
        now = times[t]
        same = [j for j in remaining if jobs[j].road == roads[t] and jobs[j].release <= now + 1e-9]
        if same:
            j = min(same, key=rank.__getitem__)
        else:
            ready = [j for j in remaining if jobs[j].release <= now + move_days + 1e-9]
            pool = ready or [min(remaining, key=lambda j: (jobs[j].release, rank[j]))]
            j = min(pool, key=rank.__getitem__)
        mv = roads[t] is not None and jobs[j].road != roads[t]
        times[t] = max(now + (move_days if mv else 0.0), jobs[j].release) + jobs[j].duration
        roads[t] = jobs[j].road
        seqs[t].append(j)
        remaining.discard(j)
    return seqs


def _blocks(jobs, seq) -> list[tuple[int, int]]:
    """(start, stop) positions of the runs of one road in a row."""
    out, i = [], 0
    while i < len(seq):
        k = i
        while k + 1 < len(seq) and jobs[seq[k + 1]].road == jobs[seq[i]].road:
            k += 1
        out.append((i, k + 1))
        i = k + 1
    return out


def _improve(jobs, seqs, trains, move_days, time_limit_s: float = 5.0):
    """Local search: move one road's block of runs to another block boundary (any train); first
    improvement, until none improves or the time limit."""
    import time

    t_end = time.perf_counter() + time_limit_s
    best = [list(s) for s in seqs]
    best_obj = evaluate(jobs, best, move_days)[2]
    improved = True
    while improved and time.perf_counter() < t_end:  # each pass scans all block moves
        improved = False
        for t, seq in enumerate(best):
            for a, b in _blocks(jobs, seq):
                block, rest = seq[a:b], seq[:a] + seq[b:]
                for t2 in range(trains):
                    base = rest if t2 == t else best[t2]
                    cuts = sorted({0, len(base), *(e for _, e in _blocks(jobs, base))})
                    for pos in cuts:
                        cand = [list(s) for s in best]
                        cand[t] = list(rest)
                        cand[t2] = base[:pos] + block + base[pos:]
                        obj = evaluate(jobs, cand, move_days)[2]
                        if obj < best_obj:
                            best, best_obj, improved = cand, obj, True
                            break
                    if improved or time.perf_counter() > t_end:
                        break
                if improved or time.perf_counter() > t_end:
                    break
            if improved or time.perf_counter() > t_end:
                break
    return best


def schedule_trains(jobs: Sequence[Job], trains: int, move_days: float, *, exact_max_jobs: int = 8,
                    search_time_s: float = 5.0) -> TrainSchedule:
    """Sequences for ``trains`` identical trains (see the module docstring for the objective)."""
    n = len(jobs)
    if trains < 1:
        raise PlanError(f"schedule.trains = {trains}; expected at least 1")
    lb = lower_bound(jobs, trains, move_days)
    if n == 0:
        return TrainSchedule([[] for _ in range(trains)], np.zeros(0), np.zeros(0), (0.0, 0.0, 0), "empty", 0.0, 0)
    if n <= exact_max_jobs:
        seqs = _exact(jobs, trains, move_days)
        method = "exact (branch and bound)"
    else:
        seqs = _improve(jobs, _greedy(jobs, trains, move_days), trains, move_days, time_limit_s=search_time_s)
        method = "priority list scheduling + local search"
    start, end, obj, moves_at = evaluate(jobs, seqs, move_days)
    if method.startswith("exact"):
        lb = obj[1]
    return TrainSchedule(seqs, start, end, obj, method, lb, obj[2], moves_at)


def brute_force(jobs: Sequence[Job], trains: int, move_days: float):
    """Every assignment of runs to trains and every order on each train (tests; tiny instances)."""
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


def schedule_crews(durations: np.ndarray, priority: Sequence, crews: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """List scheduling of crew jobs in priority order, each on the crew free first.

    Returns
    -------
    start, end : numpy.ndarray (working days)
    crew : numpy.ndarray of int
    """
    n = len(durations)
    order = sorted(range(n), key=lambda i: priority[i])
    free = np.zeros(crews)
    start = np.zeros(n)
    end = np.zeros(n)
    crew = np.zeros(n, dtype=int)
    for i in order:  # one iteration per pre-treatment
        c = int(np.argmin(free))
        start[i], end[i], crew[i] = free[c], free[c] + durations[i], c
        free[c] = end[i]
    return start, end, crew
