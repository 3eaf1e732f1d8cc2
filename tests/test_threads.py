"""The thread policy (roadhealth._threads) and its use by the migrations' FFTs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import dask
import dask.array as da
import numpy as np
import pytest
import scipy.fft

from roadhealth import _threads, make_survey
from roadhealth._threads import (
    ENV_VAR,
    fft_workers,
    in_parallel_worker,
    limit_threads,
    thread_budget,
)
from roadhealth.errors import ProcessingError
from roadhealth.processing import migration


@pytest.fixture
def budget_8(monkeypatch):
    """A machine with a thread budget of 8 whatever the CI runner has."""
    monkeypatch.setenv(ENV_VAR, "8")
    return 8


def _in_thread(func):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(func).result()


def test_budget_from_env_and_cpus(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert thread_budget() == _threads._cpus() >= 1
    monkeypatch.setenv(ENV_VAR, " 3 ")
    assert thread_budget() == 3
    for bad in ("0", "-2", "all", "1.5"):
        monkeypatch.setenv(ENV_VAR, bad)
        with pytest.raises(ProcessingError, match=ENV_VAR):
            thread_budget()


def test_main_thread_gets_the_budget_workers_get_one(budget_8):
    assert threading.current_thread() is threading.main_thread()
    assert not in_parallel_worker()
    assert fft_workers() == 8
    assert _in_thread(in_parallel_worker) is True
    assert _in_thread(fft_workers) == 1
    t_result = []
    t = threading.Thread(target=lambda: t_result.append(fft_workers()))
    t.start()
    t.join()
    assert t_result == [1]


@pytest.mark.parametrize("scheduler, expected", [("threads", 1), ("sync", 8)])
def test_inside_dask_tasks(budget_8, scheduler, expected):
    """The threaded scheduler runs several tasks at once: single-threaded kernels; the synchronous
    one runs one task at a time in the main thread: the whole budget."""
    x = da.zeros((8, 4), chunks=(1, 4))
    seen = x.map_blocks(lambda b: np.full((b.shape[0], 1), fft_workers()), chunks=(1, 1), dtype=int)
    with dask.config.set(scheduler=scheduler):
        values = seen.compute()
    assert set(values.ravel()) == {expected}


def test_limit_threads_overrides_and_restores(budget_8):
    with limit_threads(3) as n:
        assert n == 3 and fft_workers() == 3
        assert scipy.fft.get_workers() == 3
        with limit_threads(2):
            assert fft_workers() == 2
        assert fft_workers() == 3
        with limit_threads(100) as capped:  # never above the budget
            assert capped == 8 and fft_workers() == 8
        # a thread started inside the block is a worker of its own: not limited to 3, but 1
        assert _in_thread(fft_workers) == 1
    assert fft_workers() == 8


def test_limit_threads_in_a_batch_worker_thread(budget_8):
    """What a batch of k files does: each worker thread gets budget // k threads."""
    def one_file():
        with limit_threads(thread_budget() // 4):
            return fft_workers()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: one_file(), range(4))) == [2, 2, 2, 2]


def test_limit_threads_restored_after_an_error(budget_8):
    with pytest.raises(RuntimeError):
        with limit_threads(2):
            raise RuntimeError("boom")
    assert fft_workers() == 8


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_limit_threads_rejects_bad_values(bad):
    with pytest.raises(ProcessingError, match="limit_threads"):
        with limit_threads(bad):
            pass


def test_limit_threads_accepts_numpy_integers(budget_8):
    with limit_threads(np.int64(2)):
        assert fft_workers() == 2


class _SpyFFT:
    """Stands in for scipy.fft in the migration module and records every ``workers=``."""

    def __init__(self):
        self.workers: list = []
        self._lock = threading.Lock()

    def __getattr__(self, name):
        real = getattr(scipy.fft, name)
        if name in ("next_fast_len", "rfftfreq", "fftfreq"):
            return real

        def call(*args, **kwargs):
            with self._lock:
                self.workers.append(kwargs.get("workers"))
            return real(*args, **kwargs)

        return call


def _line(lazy: bool):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 40, 64)).astype(np.float32)
    data = da.from_array(x, chunks=(1, 40, 64)) if lazy else x
    return make_survey(data, dt_ns=0.1, distance_m=0.05 * np.arange(40), offset_m=[0.0, 0.1, 0.2],
                       attrs={"time_zero_at_surface": True})


MIGRATIONS = {
    "stolt": lambda s: migration.stolt_migrate(s, eps_r=6.0),
    "stolt3d": lambda s: migration.stolt_migrate(s, eps_r=6.0, mode="3d"),
    "phase_shift": lambda s: migration.phase_shift_migrate(s, eps_r=6.0),
    "kirchhoff": lambda s: migration.kirchhoff_migrate(s, eps_r=6.0, aperture_m=0.3),
}


@pytest.mark.parametrize("name", sorted(MIGRATIONS))
def test_migration_ffts_follow_the_policy(budget_8, monkeypatch, name):
    spy = _SpyFFT()
    monkeypatch.setattr(migration, "sfft", spy)
    run = MIGRATIONS[name]
    # dask blocks on the threaded scheduler: every FFT single-threaded (never workers=-1)
    with dask.config.set(scheduler="threads"):
        lazy = run(_line(lazy=True)).compute()
    assert spy.workers and set(spy.workers) == {1}
    # in memory, in the main thread: the budget, or the limit in force
    spy.workers.clear()
    eager = run(_line(lazy=False))
    assert spy.workers and set(spy.workers) == {8}
    spy.workers.clear()
    with limit_threads(2):
        limited = run(_line(lazy=False))
    assert spy.workers and set(spy.workers) == {2}
    np.testing.assert_allclose(lazy.values, eager.values, rtol=0, atol=1e-5 * np.abs(eager.values).max())
    np.testing.assert_array_equal(limited.values, eager.values)
