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
   and a deadline; moving a train between roads costs ``move_days``. The trains' sequences are
   solved with OR-Tools CP-SAT (:func:`schedule_trains`) on the working-day axis in integer steps of
   ``time_step_days``. Objective, lexicographic, one solve per stage, each stage fixing the
   optimum (or best value found) of the one before: the largest lateness past a deadline, then the
   finish of the last run (makespan), then the number of moves. Each stage reports CP-SAT's
   status, its objective, its bound (``BestObjectiveBound``) and the relative gap.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roadhealth.plan.config import PlanError

__all__ = ["Calendar", "Job", "Stage", "TrainSchedule", "evaluate", "schedule_crews", "schedule_trains"]


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
    """A run for a train: duration and release on the working-day axis, road, deadline.

    ``duration``, ``release`` and ``deadline`` are in working days (``deadline``: the run must end
    by then; ``inf`` for none); ``priority`` orders the first solution handed to the solver.
    """

    id: str
    duration: float
    release: float = 0.0
    road: str = ""
    deadline: float = np.inf
    priority: tuple = ()


@dataclass
class Stage:
    """One solve of the lexicographic objective: its CP-SAT status, value and bound.

    ``value`` and ``bound`` are in working days (``lateness``, ``makespan``) or a count
    (``moves``); the bound of a later stage holds given the values fixed by the earlier ones.
    ``status`` is CP-SAT's (``OPTIMAL``, ``FEASIBLE``, ``UNKNOWN`` when it found nothing better than
    the solution it was handed) or ``skipped`` (no deadline: lateness is 0).
    """

    name: str
    status: str
    value: float
    bound: float
    wall_s: float = 0.0
    wall_limited: bool = False  #: stopped by the wall-clock guard (the result may vary between runs)

    @property
    def gap(self) -> float:
        """Relative gap ``(value - bound) / value`` (0 when proven optimal or when the value is 0)."""
        if self.status in ("OPTIMAL", "skipped") or self.value <= 0:
            return 0.0
        return max(0.0, (self.value - self.bound) / self.value)


@dataclass
class TrainSchedule:
    """Sequences of job indices per train, their start/end times and the objective.

    ``start``/``end`` are working days (multiples of ``time_step_days``; ``end - start`` is the
    duration rounded up to the step); ``objective`` is ``(max lateness, makespan, moves)``;
    ``lower_bound`` the solver's bound on the makespan, ``lateness_bound`` its bound on the
    lateness (> 0: the deadlines cannot all be met, by at least that many working days),
    ``moves_bound`` its bound on the moves; ``stages`` every solve.
    """

    sequences: list[list[int]]
    start: np.ndarray
    end: np.ndarray
    objective: tuple
    method: str
    lower_bound: float
    moves: int
    moves_at: list = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    lateness_bound: float = 0.0
    moves_bound: int = 0
    time_step_days: float = 0.0

    @property
    def makespan(self) -> float:
        """Finish of the last run, working days."""
        return float(self.objective[1])

    @property
    def lateness(self) -> float:
        """Largest lateness of a run past its deadline, working days (0: every deadline met)."""
        return float(self.objective[0])

    @property
    def gap(self) -> float:
        """Relative gap of the makespan to the solver's bound (0: proven optimal)."""
        return 0.0 if self.makespan <= 0 else max(0.0, (self.makespan - self.lower_bound) / self.makespan)

    @property
    def status(self) -> str:
        """``OPTIMAL`` when every stage is proven optimal, else the weakest stage status."""
        run = [s.status for s in self.stages if s.status != "skipped"]
        for weak in ("UNKNOWN", "FEASIBLE"):
            if weak in run:
                return weak
        return "OPTIMAL"


def evaluate(jobs: Sequence[Job], sequences: Sequence[Sequence[int]], move_days: float):
    """Semi-active schedule of given train sequences (each run as early as its train allows).

    Returns
    -------
    start, end : numpy.ndarray (n,)
        Working days.
    objective : tuple
        (max lateness >= 0, makespan, moves), working days and a count.
    moves_at : list of (train, job index, move start)
    """
    n = len(jobs)
    start = np.zeros(n)
    end = np.zeros(n)
    moves = 0
    moves_at = []
    for t, seq in enumerate(sequences):  # a loop over trains and their runs (sequential by nature)
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


def _first_solution(jobs: Sequence[Job], trains: int, move_days: float) -> list[list[int]]:
    """A first solution handed to CP-SAT as its hint: the train free first takes the next ready run
    of its road, else the ready run (or the one ready first) of earliest deadline and priority.
    Trains are numbered by their first run (the solver's symmetry breaking)."""
    order = sorted(range(len(jobs)), key=lambda j: (jobs[j].deadline, jobs[j].priority, jobs[j].release, j))
    rank = {j: k for k, j in enumerate(order)}
    remaining = set(order)
    seqs: list[list[int]] = [[] for _ in range(trains)]
    times = [0.0] * trains
    roads: list[str | None] = [None] * trains
    while remaining:  # one iteration per run
        t = int(np.argmin(times))
        now = times[t]
        same = [j for j in remaining if jobs[j].road == roads[t] and jobs[j].release <= now]
        if same:
            j = min(same, key=rank.__getitem__)
        else:
            ready = [j for j in remaining if jobs[j].release <= now + move_days]
            pool = ready or [min(remaining, key=lambda j: (jobs[j].release, rank[j]))]
            j = min(pool, key=rank.__getitem__)
        mv = roads[t] is not None and jobs[j].road != roads[t]
        times[t] = max(now + (move_days if mv else 0.0), jobs[j].release) + jobs[j].duration
        roads[t] = jobs[j].road
        seqs[t].append(j)
        remaining.discard(j)
    return sorted(seqs, key=lambda s: min(s) if s else len(jobs) + 1)


def _steps(jobs: Sequence[Job], move_days: float, step: float):
    """The instance in integer time steps: durations, releases and moves rounded up, deadlines down."""
    for j in jobs:
        for name in ("duration", "release"):
            v = getattr(j, name)
            if not np.isfinite(v) or v < 0:
                raise PlanError(f"schedule: run {j.id!r}: {name} = {v!r} working days; expected a finite value >= 0")
        if np.isnan(j.deadline):
            raise PlanError(f"schedule: run {j.id!r}: deadline = nan; expected working days or inf")
    dur = np.array([math.ceil(j.duration / step - 1e-9) for j in jobs], dtype=np.int64)
    rel = np.array([math.ceil(j.release / step - 1e-9) for j in jobs], dtype=np.int64)
    dl = [math.floor(j.deadline / step + 1e-9) if np.isfinite(j.deadline) else None for j in jobs]
    mv = math.ceil(move_days / step - 1e-9)
    return dur, rel, dl, mv


def _tail_bound(dur, rel, roads, trains: int, mv: int) -> int:
    """Makespan lower bound (steps): for every release time ``tau``, the runs released at or after it
    all lie in ``[tau, makespan)`` on at most ``trains`` trains, with one move per road of them but
    one per train: ``makespan >= tau + (work + mv * max(0, roads - trains)) / trains``."""
    order = np.lexsort((np.arange(len(rel)), -np.asarray(rel)))  # latest release first
    r, p = np.asarray(rel)[order], np.asarray(dur)[order]
    rd = np.asarray(roads)[order]
    _, first = np.unique(rd, return_index=True)
    new_road = np.zeros(len(rd), dtype=np.int64)
    new_road[first] = 1
    work, n_roads = np.cumsum(p), np.cumsum(new_road)
    last = np.r_[r[1:] != r[:-1], True]  # the last run of each release group (all runs >= tau)
    need = r[last] * trains + work[last] + mv * np.maximum(0, n_roads[last] - trains)
    return int(np.max(-(-need // trains))) if len(need) else 0


class _Model:
    """The CP-SAT model of the trains: one start per run, and the trains' routes through the runs.

    The routes are one circuit (``AddCircuit``, one train) or several through a depot node 0
    (``AddMultipleCircuit``, at most ``trains`` of them: the trains are identical, so a route is a
    train and no run carries a train index); each arc ``i -> j`` is a literal that enforces
    ``start(j) >= end(i) + move`` (``mv`` steps between different roads, 0 on the same road) and
    counts a move when the roads differ.
    """

    def __init__(self, dur, rel, dl, roads, trains: int, mv: int):
        from ortools.sat.python import cp_model

        n = len(dur)
        self.n, self.trains, self.mv, self.dur, self.roads = n, trains, mv, dur, roads
        self.horizon = h = int(rel.max() + dur.sum() + mv * n + 1)
        m = self.m = cp_model.CpModel()
        self.s = [m.NewIntVar(int(rel[j]), h - int(dur[j]), f"s{j}") for j in range(n)]
        ivs = [m.NewFixedSizeIntervalVar(self.s[j], int(dur[j]), f"run{j}") for j in range(n)]
        m.AddCumulative(ivs, [1] * n, trains)  # redundant: at most `trains` runs at once
        # identical runs (same road, duration, release, deadline) start in index order
        self.kind = [(roads[j], int(dur[j]), int(rel[j]), dl[j]) for j in range(n)]
        prev = {}
        for j, k in enumerate(self.kind):
            if k in prev:
                m.Add(self.s[prev[k]] <= self.s[j])
            prev[k] = j
        self.first = [m.NewBoolVar(f"first{j}") for j in range(n)]
        self.last = [m.NewBoolVar(f"last{j}") for j in range(n)]
        arcs = [(0, j + 1, self.first[j]) for j in range(n)] + [(j + 1, 0, self.last[j]) for j in range(n)]
        self.arc: dict[tuple[int, int], object] = {}
        same_in = [[] for _ in range(n)]
        for i in range(n):  # arcs between runs: n (n - 1) literals
            for j in range(n):
                if i == j:
                    continue
                self.arc[i, j] = lit = m.NewBoolVar(f"a{i}_{j}")
                arcs.append((i + 1, j + 1, lit))
                gap = mv if roads[i] != roads[j] else 0
                m.Add(self.s[j] >= self.s[i] + int(dur[i]) + gap).OnlyEnforceIf(lit)
                if roads[i] == roads[j]:
                    same_in[j].append(lit)
        if trains == 1:
            m.AddCircuit(arcs)
        else:
            m.AddMultipleCircuit(arcs)
            m.Add(sum(self.first) <= trains)
        # a run is first on its train, follows a run of its road, or follows a move: counting the
        # first two (a few terms each) keeps the moves' sum short (n terms, not n^2)
        self.same = {}
        for j in range(n):
            if same_in[j]:
                self.same[j] = v = m.NewBoolVar(f"same{j}")
                m.Add(v == sum(same_in[j]))
        self.moves = m.NewIntVar(0, n, "moves")
        m.Add(self.moves == n - sum(self.first) - sum(self.same.values()))
        # redundant: every road is visited, each train's visits but its first need a move
        m.Add(self.moves >= max(0, len(set(roads)) - trains))
        self.late = m.NewIntVar(0, h, "lateness")
        self.deadlines = dl
        self.has_deadline = any(d is not None for d in dl)
        for j, d in enumerate(dl):
            if d is not None:
                m.Add(self.late >= self.s[j] + int(dur[j]) - d)
        self.makespan = m.NewIntVar(0, h, "makespan")
        for j in range(n):
            m.Add(self.makespan >= self.s[j] + int(dur[j]))
        self.tail_bound = _tail_bound(dur, rel, roads, trains, mv)
        m.Add(self.makespan >= self.tail_bound)  # a valid cut (see _tail_bound)

    def canonical(self, seqs, start):
        """The same schedule with identical runs swapped into index order (as the model wants)."""
        pos = sorted((start[j], t, k, j) for t, seq in enumerate(seqs) for k, j in enumerate(seq))
        by_kind: dict = {}
        for _, t, k, j in pos:  # slots of each kind in time order
            by_kind.setdefault(self.kind[j], []).append((t, k, j))
        out = [list(seq) for seq in seqs]
        start = np.array(start, copy=True)
        old = start.copy()
        for slots in by_kind.values():
            for (t, k, _), j in zip(slots, sorted(j for _, _, j in slots), strict=True):
                out[t][k] = j
                start[j] = old[seqs[t][k]]
        return out, start

    def hint(self, seqs, start) -> None:
        """Hand the solver the solution ``seqs`` (train sequences) with integer ``start`` times."""
        seqs, start = self.canonical(seqs, start)
        m = self.m
        m.ClearHints()
        for j in range(self.n):
            m.AddHint(self.s[j], int(start[j]))
        on = {(a, b) for seq in seqs for a, b in itertools.pairwise(seq)}
        firsts = {seq[0] for seq in seqs if seq}
        lasts = {seq[-1] for seq in seqs if seq}
        for j in range(self.n):
            m.AddHint(self.first[j], j in firsts)
            m.AddHint(self.last[j], j in lasts)
        for key, v in self.arc.items():
            m.AddHint(v, key in on)
        follows_same = {b for a, b in on if self.roads[a] == self.roads[b]}
        for j, v in self.same.items():
            m.AddHint(v, j in follows_same)
        end = np.asarray(start) + self.dur
        m.AddHint(self.makespan, int(end.max()))
        late = [int(end[j]) - d for j, d in enumerate(self.deadlines) if d is not None]
        m.AddHint(self.late, max([0, *late]))
        moves = sum(self.roads[a] != self.roads[b] for a, b in on)
        m.AddHint(self.moves, int(moves))

    def sequences(self, solver) -> tuple[list[list[int]], np.ndarray]:
        """The trains' sequences (the routes from the depot, numbered by their first run; empty
        trains last) and the starts of the solver's solution."""
        start = np.array([solver.Value(v) for v in self.s], dtype=np.int64)
        nxt = {i: j for (i, j), v in self.arc.items() if solver.BooleanValue(v)}
        seqs = []
        for j in range(self.n):  # routes in the order of their first run
            if solver.BooleanValue(self.first[j]):
                seq = [j]
                while seq[-1] in nxt:
                    seq.append(nxt[seq[-1]])
                seqs.append(seq)
        return seqs + [[] for _ in range(self.trains - len(seqs))], start


def schedule_trains(jobs: Sequence[Job], trains: int, move_days: float, *, search_time_s: float = 1.0,
                    time_step_days: float = 0.01, seed: int = 0, max_wall_s: float | None = None) -> TrainSchedule:
    """Sequences for ``trains`` identical trains, solved with OR-Tools CP-SAT.

    Time is counted in integer steps of ``time_step_days`` working days: durations, releases and the
    move time are rounded up to a step, deadlines down, so the schedule never promises more than
    the real one. Each run is one interval on the working-day axis (start >= its release). The
    trains are routes through the runs: one circuit (``AddCircuit``) for one train, else at most
    ``trains`` circuits through a depot (``AddMultipleCircuit``: identical trains, so a route is a
    train and no symmetric train labels exist); each arc is a literal that enforces
    ``start(next) >= end(previous) + move`` (``move_days`` between different roads, 0 on the same
    road) and counts a move when the roads differ. Redundant constraints help the bounds: at most
    ``trains`` runs at once (``AddCumulative``), moves >= roads - trains, the makespan at least the
    work released after any date (:func:`_tail_bound`), and identical runs start in index order.
    Trains are numbered by their first run.

    Objective, lexicographic, one solve per stage, each stage keeping the value of the one before:

    1. the largest lateness of a run past its deadline (skipped when no run has a deadline);
    2. the finish of the last run (makespan);
    3. the number of moves between roads.

    Each stage starts from the previous solution (a hint; the first from a priority list
    schedule) and is limited to ``search_time_s`` of CP-SAT's deterministic time, with a fixed
    ``seed`` and, with more than one worker, ``interleave_search`` (CP-SAT's deterministic
    parallel search; one worker searches sequentially): the same inputs give the same schedule
    for the same number of threads (``num_workers`` is :func:`roadhealth._threads.fft_workers`: the
    thread budget, 1 inside a parallel worker). A wall-clock limit of ``5 * search_time_s + 1`` s
    guards each solve; a stage it stops is flagged (``Stage.wall_limited``, and in ``method``): its
    result may then vary from run to run. The final sequences are shifted left (each run
    as early as its train allows), which can only improve every objective.

    Parameters
    ----------
    jobs : sequence of Job
        Runs: durations, releases and deadlines in working days.
    trains : int
        Identical recycling trains, >= 1.
    move_days : float
        Working days to move a train between roads, >= 0.
    search_time_s : float
        Limit of each stage, CP-SAT deterministic seconds (> 0).
    time_step_days : float
        Time step of the model, working days (> 0).
    seed : int
        CP-SAT's random seed.
    max_wall_s : float, optional
        Wall-clock guard of each stage, s (default ``5 * search_time_s + 1``).

    Returns
    -------
    TrainSchedule
        ``objective`` (lateness, makespan, moves), ``lower_bound`` (the makespan's bound),
        ``lateness_bound``, ``moves_bound``, ``stages`` (status, value, bound, gap of each solve).

    Raises
    ------
    PlanError
        On a bad parameter or run (naming it), or when CP-SAT rejects the model.
    """
    import time

    from ortools.sat.python import cp_model

    from roadhealth._threads import fft_workers

    n = len(jobs)
    if int(trains) != trains or trains < 1:
        raise PlanError(f"schedule.trains = {trains!r}; expected an integer >= 1")
    trains = int(trains)
    if not np.isfinite(move_days) or move_days < 0:
        raise PlanError(f"schedule.move_days = {move_days!r}; expected working days >= 0")
    if not np.isfinite(search_time_s) or search_time_s <= 0:
        raise PlanError(f"schedule.search_time_s = {search_time_s!r}; expected seconds > 0")
    if not np.isfinite(time_step_days) or not 0 < time_step_days <= 1:
        raise PlanError(f"schedule.time_step_days = {time_step_days!r}; expected working days in (0, 1]")
    step = float(time_step_days)
    if n == 0:
        return TrainSchedule([[] for _ in range(trains)], np.zeros(0), np.zeros(0), (0.0, 0.0, 0), "empty", 0.0, 0,
                             time_step_days=step)
    dur, rel, dl, mv = _steps(jobs, move_days, step)
    road_id = {r: k for k, r in enumerate(dict.fromkeys(j.road for j in jobs))}
    roads = [road_id[j.road] for j in jobs]
    ijobs = [Job(j.id, float(dur[k]), float(rel[k]), j.road, float(dl[k]) if dl[k] is not None else np.inf,
                 j.priority) for k, j in enumerate(jobs)]  # the instance in steps (exact integers)

    model = _Model(dur, rel, dl, roads, trains, mv)
    seqs = _first_solution(ijobs, trains, float(mv))
    start = evaluate(ijobs, seqs, float(mv))[0]
    workers = max(1, fft_workers())
    stages: list[Stage] = []
    plan_ = [("lateness", model.late)] if model.has_deadline else []
    plan_ += [("makespan", model.makespan), ("moves", model.moves)]
    if not model.has_deadline:
        stages.append(Stage("lateness", "skipped", 0.0, 0.0))
    for name, var in plan_:  # the lexicographic stages
        model.hint(seqs, start)
        model.m.Minimize(var)
        solver = cp_model.CpSolver()  # a fresh solver per stage
        prm = solver.parameters
        prm.num_workers = workers
        prm.random_seed = int(seed)
        prm.interleave_search = workers > 1  # deterministic parallel search; one worker is sequential
        prm.max_deterministic_time = float(search_time_s)
        prm.max_time_in_seconds = 5.0 * float(search_time_s) + 1.0 if max_wall_s is None else float(max_wall_s)
        t0 = time.perf_counter()
        status = solver.Solve(model.m)
        wall = time.perf_counter() - t0
        sname = solver.StatusName(status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            seqs, start = model.sequences(solver)
        elif status != cp_model.UNKNOWN:  # INFEASIBLE / MODEL_INVALID: the model is wrong
            raise PlanError(f"schedule: CP-SAT answered {sname} in the {name} stage "
                            f"({n} runs, {trains} train(s)); please report this")
        start, _, obj, _ = evaluate(ijobs, seqs, float(mv))  # shift left
        value = {"lateness": obj[0], "makespan": obj[1], "moves": obj[2]}[name]
        bound = float(solver.BestObjectiveBound())
        bound = min(max(bound, 0.0), value) if np.isfinite(bound) else 0.0
        scale = 1.0 if name == "moves" else step
        walled = status != cp_model.OPTIMAL and solver.wall_time >= 0.98 * prm.max_time_in_seconds
        stages.append(Stage(name, sname, value * scale, math.ceil(bound - 1e-9) * scale, wall, walled))
        model.m.Add(var <= round(value))  # fix this stage's value for the next ones
    start_i, end_i, obj, moves_at = evaluate(ijobs, seqs, float(mv))
    by = {s.name: s for s in stages}
    method = (f"OR-Tools CP-SAT {_ortools_version()} ("
              + ", ".join(f"{s.name} {s.status}" + (" at the wall-clock limit" if s.wall_limited else "")
                          for s in stages) + ")")
    return TrainSchedule(
        sequences=seqs, start=start_i * step, end=end_i * step,
        objective=(round(obj[0] * step, 9), round(obj[1] * step, 9), int(obj[2])), method=method,
        lower_bound=by["makespan"].bound, moves=int(obj[2]),
        moves_at=[(t, j, at * step) for t, j, at in moves_at], stages=stages,
        lateness_bound=by["lateness"].bound, moves_bound=int(by["moves"].bound), time_step_days=step)


def _ortools_version() -> str:
    import ortools

    return getattr(ortools, "__version__", "?")


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
