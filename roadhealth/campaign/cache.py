"""Content hashes, cache keys, atomic files and the run lock of a campaign run.

Work is keyed by what determines it: the SHA-256 of the input bytes (a survey and its companion
files), the recipe, the configuration and the roadhealth version. A finished piece of work lives
in ``OUT/.cache/<kind>/<key>/``; it is built in a temporary folder beside it and renamed into place
in one step, so a folder with the final name is always complete and a killed run leaves at most a
``*.part`` folder that the next run removes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from roadhealth.io._common import atomic_write

__all__ = [
    "RunLock",
    "atomic_copy",
    "atomic_dir",
    "canonical_json",
    "file_sha256",
    "gpkg_temp",
    "key_of",
    "reproducible_gpkg",
    "write_bytes_atomic",
    "write_gpkg",
    "write_text_atomic",
]

_CHUNK = 8 << 20

#: GeoPackages store a "last change" time stamp; a fixed one makes them reproducible byte for byte.
_GPKG_DATE = "2000-01-01T00:00:00.000Z"


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (hex), read in 8 MiB blocks; of a folder (Zarr): of its files."""
    path = Path(path)
    h = hashlib.sha256()
    if path.is_dir():
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            h.update(p.relative_to(path).as_posix().encode())
            h.update(bytes.fromhex(file_sha256(p)))
        return h.hexdigest()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)


def canonical_json(obj: Any, **kw) -> str:
    """JSON with sorted keys and plain types (numpy scalars and arrays, paths, non-finite floats)."""
    return json.dumps(_plain(obj), sort_keys=True, ensure_ascii=False, **kw)


def key_of(*parts: Any) -> str:
    """A cache key: SHA-256 (first 32 hex digits) of the canonical JSON of ``parts``."""
    return hashlib.sha256(canonical_json(list(parts)).encode()).hexdigest()[:32]


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write bytes to ``path`` through a temporary file and a rename."""
    with atomic_write(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return Path(path)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary file and a rename."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def atomic_copy(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a file to ``dst`` through a temporary file beside it and a rename."""
    dst = Path(dst)
    with atomic_write(dst, "wb") as f, open(src, "rb") as s:
        shutil.copyfileobj(s, f, _CHUNK)
        f.flush()
        os.fsync(f.fileno())
    return dst


@contextlib.contextmanager
def atomic_dir(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder beside ``final``; rename it to ``final`` when the block succeeds.

    If ``final`` appeared meanwhile (another worker finished the same work), the temporary folder
    is discarded: both hold the same result, by construction of the key.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent))
    try:
        yield tmp
        for p in tmp.rglob("*"):
            if p.is_file():
                with open(p, "rb") as f:
                    os.fsync(f.fileno())
        try:
            os.rename(tmp, final)
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_parts(folder: str | os.PathLike) -> int:
    """Remove ``*.part`` files and folders left by a killed run below ``folder``; return how many."""
    n = 0
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    # ours end in .part (.part.gpkg for GeoPackages); the planner's own temporary is .plan-*.gpkg
    found = [*folder.rglob("*.part"), *folder.rglob(".*.part.gpkg"), *folder.glob(".plan-*.gpkg")]
    for p in sorted(found, key=lambda q: len(q.parts), reverse=True):
        if not p.exists():
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                p.unlink()
        n += 1
    return n


class RunLock:
    """An exclusive lock on an output folder (``OUT/.cache/lock``), so two runs never share one.

    Uses ``fcntl.flock``: the lock disappears with the process, even after SIGKILL.
    """

    def __init__(self, folder: str | os.PathLike):
        self.path = Path(folder) / "lock"
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        import fcntl

        from roadhealth.campaign.config import CampaignError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise CampaignError(
                f"{self.path.parent.parent}: another roadhealth run is writing to this folder "
                f"(lock {self.path} is held); wait for it or choose another --out"
            ) from None
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def reproducible_gpkg():
    """Fixed GeoPackage time stamps while writing (restored afterwards)."""
    import pyogrio

    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})


@contextlib.contextmanager
def gpkg_temp(path: Path):
    """A temporary ``.part.gpkg`` name beside ``path`` (GDAL wants the extension); renamed on success."""
    import uuid

    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.part.gpkg")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def no_crs_warning():
    """Silence pyogrio's warning on a layer without a CRS: a survey without positions gives a table
    in its local along/across frame, ``crs`` None by contract (the warning reached the command
    line's output as if something were wrong)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided", category=UserWarning)
        yield


def write_gpkg(path: Path, layers: dict) -> None:
    """Write GeoDataFrames as layers of one GeoPackage, atomically and reproducibly.

    Raises
    ------
    roadhealth.errors.WriteError
        The folder is missing or not a folder, ``path`` is a folder, or GDAL cannot write there
        (pyogrio's DataSourceError is no OSError: it reached the command line as a traceback).
    """
    from roadhealth.errors import WriteError

    path = Path(path)
    if not path.parent.is_dir():
        raise WriteError(f"{path}: cannot write a GeoPackage there: {path.parent} is not an existing folder")
    if path.is_dir():
        raise WriteError(f"{path}: is a folder; expected a GeoPackage file name")
    try:
        with reproducible_gpkg(), no_crs_warning(), gpkg_temp(path) as tmp:
            for layer, gdf in layers.items():
                gdf.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio")
    except OSError as exc:
        raise WriteError(f"{path}: the GeoPackage could not be written: {exc}") from exc
    except Exception as exc:  # pyogrio.errors.DataSourceError and kin: GDAL could not write the file
        if type(exc).__module__.startswith("pyogrio"):
            raise WriteError(f"{path}: the GeoPackage could not be written: {exc}") from exc
        raise
