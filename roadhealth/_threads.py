"""How many threads roadhealth's own kernels may use: one policy for the whole library.

Processing kernels are numpy/scipy calls that release the GIL. Parallelism comes from *one* level
only, so a batch run never oversubscribes the machine:

* **Inside a parallel worker** - a dask task (threaded scheduler, a ``distributed`` worker or a
  worker process), a batch worker thread, or any thread other than the main thread - every
  kernel is **single-threaded**: the scheduler or the pool already runs one task per core, and
  ``n_tasks x n_cores`` FFT threads would only fight for the cores and the caches.
* **In the main thread** (an in-memory survey processed directly, or dask's synchronous
  scheduler) a kernel may use the whole budget: ``ROADHEALTH_NUM_THREADS`` when set (a positive
  integer), else the CPUs this process may run on.
* :func:`limit_threads` overrides both for the code inside it, in the thread (or asyncio task)
  that enters it: code that runs ``k`` tasks in threads of its own can give each
  ``limit_threads(max(1, thread_budget() // k))``; a user limits a notebook with
  ``with limit_threads(2): ...``. A limit is never raised above the budget.

:func:`roadhealth.processing.batch.process_files` runs ``min(4, thread_budget())`` files at once in
worker threads, whose kernels are then single-threaded.

Kernels ask :func:`fft_workers` *when they run* (inside the block function, not when the dask graph
is built), and pass it as ``workers=`` to :mod:`scipy.fft`. Never pass ``workers=-1``.
"""

from __future__ import annotations

import contextlib
import contextvars
import multiprocessing
import operator
import os
import sys
import threading
from collections.abc import Iterator

from roadhealth.errors import ProcessingError

__all__ = ["ENV_VAR", "fft_workers", "in_parallel_worker", "limit_threads", "thread_budget"]

#: Environment variable with the thread budget of one roadhealth process (a positive integer).
ENV_VAR = "ROADHEALTH_NUM_THREADS"

#: The limit set by the innermost :func:`limit_threads` of this thread / task, or None.
_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar("roadhealth_thread_limit",
                                                                     default=None)


def _cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def thread_budget() -> int:
    """Threads one roadhealth process may use in all: ``$ROADHEALTH_NUM_THREADS`` or the CPU count.

    Raises
    ------
    ProcessingError
        When ``ROADHEALTH_NUM_THREADS`` is set but is not a positive integer.
    """
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return _cpus()
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ProcessingError(
            f"environment variable {ENV_VAR}={raw!r}: expected a positive integer (threads), "
            "or unset it to use every CPU"
        )
    return n


def in_parallel_worker() -> bool:
    """True inside a dask task, a ``distributed`` worker, a worker process or any non-main thread.

    The threaded dask scheduler, ``distributed`` workers and thread pools (the batch) all run their
    tasks in threads other than the main thread; the multiprocessing scheduler and process pools
    run them in child processes.
    """
    if threading.current_thread() is not threading.main_thread():
        return True
    if multiprocessing.parent_process() is not None:
        return True
    if "distributed" in sys.modules:  # only when the user started a distributed client
        try:
            sys.modules["distributed"].get_worker()
        except (ValueError, AttributeError):
            return False
        return True
    return False


def fft_workers() -> int:
    """The ``workers=`` to pass to :mod:`scipy.fft` (and the threads any kernel may use) here, now.

    The innermost :func:`limit_threads` when one is active in this thread/task (capped at
    :func:`thread_budget`); else 1 inside a parallel worker (:func:`in_parallel_worker`); else
    :func:`thread_budget`. Always >= 1, never -1.
    """
    limit = _LIMIT.get()
    if limit is not None:
        return max(1, min(limit, thread_budget()))
    if in_parallel_worker():
        return 1
    return thread_budget()


@contextlib.contextmanager
def limit_threads(n: int) -> Iterator[int]:
    """Limit the threads of roadhealth's kernels to ``n`` in the code inside the ``with`` block.

    Applies to the current thread (or asyncio task) only; threads started inside the block are
    parallel workers and run single-threaded unless they enter their own ``limit_threads``. Also
    sets :func:`scipy.fft.set_workers` for :mod:`scipy.fft` calls that do not pass ``workers``.

    Parameters
    ----------
    n : int
        Threads, >= 1 (capped at :func:`thread_budget`).

    Yields
    ------
    int
        The limit in force (``min(n, thread_budget())``).

    Examples
    --------
    >>> from roadhealth._threads import fft_workers, limit_threads
    >>> with limit_threads(1):
    ...     fft_workers()
    1
    """
    try:
        n_int = -1 if isinstance(n, bool) else operator.index(n)
    except TypeError:
        n_int = -1
    if n_int < 1:
        raise ProcessingError(f"limit_threads: n must be an integer >= 1 (threads); got {n!r}")
    import scipy.fft as sfft

    n_eff = min(n_int, thread_budget())
    token = _LIMIT.set(n_eff)
    try:
        with sfft.set_workers(n_eff):
            yield n_eff
    finally:
        _LIMIT.reset(token)
