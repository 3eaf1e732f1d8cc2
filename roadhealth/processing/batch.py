"""Batch processing of many radar files: read, run a recipe, write, skip and report bad files.

Survey campaigns arrive as hundreds of files. :func:`process_files` runs each file through
``read -> apply(recipe) -> write`` on a pool of threads (the heavy kernels are numpy/scipy calls
that release the GIL), shows a progress bar, never lets one bad file stop the batch, and writes
every output atomically (a crash leaves no half-written file). Large files are processed through
dask in bounded memory by the same recipe code.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadhealth.errors import RoadHealthError

__all__ = ["BatchResult", "FileResult", "output_paths", "process_files"]


@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    ok: bool
    output: str | None = None
    seconds: float = 0.0
    bytes_in: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    value: Any = None  # what ``sink`` returned for this file


@dataclass
class BatchResult:
    """The outcome of a batch: one :class:`FileResult` per input, in input order."""

    files: list[FileResult]
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    @property
    def ok(self) -> list[FileResult]:
        return [f for f in self.files if f.ok]

    @property
    def mb_per_s(self) -> float:
        """Throughput over the files that succeeded, MB (1e6 bytes) of input per second of wall time."""
        return sum(f.bytes_in for f in self.ok) / 1e6 / self.seconds if self.seconds > 0 else float("nan")

    def summary(self) -> str:
        lines = [f"{len(self.ok)} of {len(self.files)} file(s) processed in {self.seconds:.1f} s "
                 f"({self.mb_per_s:.1f} MB/s)"]
        lines += [f"  failed: {f.path}: {f.error}" for f in self.failed]
        n_warned = sum(1 for f in self.files if f.warnings)
        if n_warned:
            lines.append(f"  {n_warned} file(s) with warnings (see FileResult.warnings)")
        return "\n".join(lines)


def output_paths(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, suffix: str) -> dict[Path, Path]:
    """Collision-free output path of each input: its folder below the inputs' common folder, under ``out_dir``.

    Inputs from one folder map to ``out_dir/<stem><suffix>``; inputs from several folders keep
    the folders below their deepest common folder (``x/a/F.DZT``, ``x/b/F.DZT`` ->
    ``out/a/F.nc``, ``out/b/F.nc``). Two inputs that differ only in extension (``F.DZT``,
    ``F.sgy``) keep it: ``F.DZT.nc``, ``F.sgy.nc``. The same input given twice maps to one output.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return {}
    absolute = [Path(os.path.abspath(p)) for p in paths]
    common = Path(os.path.commonpath([str(a.parent) for a in absolute]))
    rel = {p: a.parent.relative_to(common) for p, a in zip(paths, absolute, strict=True)}
    by_stem: dict[Path, set[Path]] = {}
    for p, a in zip(paths, absolute, strict=True):
        by_stem.setdefault(rel[p] / (a.stem + suffix), set()).add(a)
    out = Path(out_dir)
    names = {}
    for p, a in zip(paths, absolute, strict=True):
        name = a.stem + suffix if len(by_stem[rel[p] / (a.stem + suffix)]) == 1 else a.name + suffix
        names[p] = out / rel[p] / name
    return names


def process_files(
    paths: Iterable[str | os.PathLike],
    recipe: Any = None,
    *,
    out_dir: str | os.PathLike | None = None,
    suffix: str = ".nc",
    workers: int | None = None,
    progress: bool = True,
    read_options: dict[str, Any] | None = None,
    sink: Callable[[Any, Path], Any] | None = None,
    overwrite: bool = False,
) -> BatchResult:
    """Run a recipe over many files, skipping and reporting the ones that fail.

    Parameters
    ----------
    paths : iterable of path-like
        Radar files (any format :func:`roadhealth.io.read` knows).
    recipe : path, TOML text, dict or None
        The processing recipe (None: the default road recipe); see :func:`roadhealth.processing.apply`.
    out_dir : path-like, optional
        Where to write each result as ``<stem><suffix>`` (written atomically, with its history),
        in the inputs' folder structure below their common folder, so ``a/FILE____001.DZT`` and
        ``b/FILE____001.DZT`` give ``a/FILE____001.nc`` and ``b/FILE____001.nc``
        (see :func:`output_paths`). None: results are not written (use ``sink``).
    suffix : str
        Output extension, which picks the format (``.nc``, ``.zarr``, ``.dzt``, ``.sgy`` ...).
    workers : int, optional
        Threads processing files at once (default: the number of CPUs, at most 4).
    progress : bool
        Show a progress bar (tqdm) on stderr.
    read_options : dict, optional
        Passed to :func:`roadhealth.io.read` (e.g. ``{"crs": "EPSG:4545"}``).
    sink : callable, optional
        ``sink(result_survey, input_path)``, called for each processed survey (e.g. to reduce it
        or hand it to detection); its return value is kept in ``FileResult.value``, and its
        exceptions count as the file's failure.
    overwrite : bool
        Replace outputs that exist already. Without it the batch stops before reading any file
        when one exists; an output that would replace an input (or its companions) is always
        refused (:func:`roadhealth.io.check_targets`).

    Returns
    -------
    BatchResult
        Per file: ok, output path, time, error message; ``.summary()`` for a report.
    """
    import warnings

    from roadhealth.io import read, write
    from roadhealth.processing.recipe import apply, load_recipe

    paths = [Path(p) for p in paths]
    steps = load_recipe(recipe)  # a bad recipe fails the batch at once, before any file is read
    out = Path(out_dir) if out_dir is not None else None
    targets: dict[Path, Path] = {}
    if out is not None:
        from roadhealth.io import check_targets

        targets = output_paths(paths, out, suffix)
        check_targets(paths, targets.values(), overwrite=overwrite)
        out.mkdir(parents=True, exist_ok=True)
    from roadhealth._threads import thread_budget

    # one level of parallelism: files in threads; each thread's kernels then run single-threaded
    # (roadhealth._threads.fft_workers), so the batch never uses more than the thread budget
    workers = workers or min(4, thread_budget())
    read_options = dict(read_options or {})

    def one(path: Path) -> FileResult:
        t0 = time.perf_counter()
        res = FileResult(path=str(path), ok=False)
        try:
            res.bytes_in = path.stat().st_size
            survey = read(path, **read_options)
            result = apply(survey, steps)
            if out is not None:
                res.output = str(write(result, targets[path]))
            if sink is not None:
                res.value = sink(result, path)
            res.ok = True
        except (RoadHealthError, OSError, ValueError, MemoryError) as exc:
            res.error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bug of ours must not lose the rest of the batch either
            res.error = f"unexpected {type(exc).__name__}: {exc} ({traceback.format_exc(limit=3)})"
        res.seconds = time.perf_counter() - t0
        return res

    t0 = time.perf_counter()
    results: list[FileResult] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(paths), unit="file", desc="processing")
    # Warnings are caught once for the whole batch (the warnings machinery is process-global, so
    # per-thread catching would race) and handed to the file whose path they name; roadhealth's
    # warnings always name their file. Others stay in BatchResult.warnings.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(one, paths):
                results.append(res)
                if bar is not None:
                    bar.update(1)
                    if not res.ok:
                        bar.write(f"skipped {res.path}: {res.error}")
    if bar is not None:
        bar.close()
    unattributed = []
    for w in caught:
        msg = str(w.message)
        owner = next((r for r in results if r.path in msg or Path(r.path).name in msg), None)
        (owner.warnings if owner else unattributed).append(msg)
    return BatchResult(results, time.perf_counter() - t0, unattributed)
