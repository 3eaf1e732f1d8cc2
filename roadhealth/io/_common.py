"""Helpers shared by the format readers and writers.

Nothing here knows a particular format: checked binary views, lazy arrays that stream a file
chunk by chunk, ``KEY: VALUE`` text headers, shared header/sample checks, atomic writes, the
channel order of writers, and :func:`warn` (warnings attributed to the user's line).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from roadhealth.errors import FormatError, RoadHealthWarning, WriteError

if TYPE_CHECKING:
    import xarray as xr

#: The folder of the roadhealth package: warnings are attributed to the first caller outside it.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn(message: str, category: type[Warning] = RoadHealthWarning) -> None:
    """Issue a warning attributed to the user's line: the first caller outside the roadhealth package.

    However deep inside roadhealth a warning is raised (``read`` -> reader -> georeference ...),
    ``w.filename`` and ``w.lineno`` name the user's script or notebook cell, where it can be
    acted on (and filtered by module), not ``roadhealth/io/__init__.py``.
    """
    if sys.version_info >= (3, 12):
        warnings.warn(message, category, skip_file_prefixes=(_PACKAGE_DIR,))
        return
    frame, level = sys._getframe(1), 2  # level 2: the caller of warn()
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


#: Files whose sample block is larger than this open lazily (a dask array streaming the file) by default.
LAZY_THRESHOLD_BYTES = 256 * 2**20

#: Target size of one dask chunk along ``trace``, as stored. Processing makes several float32
#: copies of a chunk per task (2 bytes -> 4, FFT buffers), so 16 MiB keeps a 2-thread run of the
#: default recipe under 1 GB; larger chunks bought no speed in benchmarks/peers.py.
CHUNK_BYTES = 16 * 2**20


def file_channel_order(survey) -> np.ndarray:
    """Indices that put a survey's channels back in its source file's order, for writers.

    Surveys hold channels in ascending ``offset_m``; a reader that had to reorder them keeps each
    channel's index in the file in the ``source_channel`` coordinate (see
    :func:`roadhealth.survey.make_survey`). Writing ``survey.isel(channel=order)`` reproduces the
    file's channel order (and so its bytes); without ``source_channel`` the order is the survey's.
    """
    n = int(survey.sizes["channel"])
    if "source_channel" not in survey.coords or survey.coords["source_channel"].dims != ("channel",):
        return np.arange(n)
    return np.argsort(np.asarray(survey.coords["source_channel"].values), kind="stable")


def want_lazy(lazy: bool | None, nbytes: int) -> bool:
    """Decide whether to open lazily: ``lazy`` if given, else by size."""
    return nbytes > LAZY_THRESHOLD_BYTES if lazy is None else bool(lazy)


def trace_chunks(n_trace: int, bytes_per_trace: int, chunk_bytes: int | None = None) -> int:
    """Number of traces per dask chunk so one chunk holds about ``chunk_bytes`` (default :data:`CHUNK_BYTES`)."""
    chunk_bytes = CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    return int(max(1, min(n_trace, chunk_bytes // max(1, bytes_per_trace))))


def memmap_traces(
    path: str | os.PathLike,
    offset: int,
    dtype: np.dtype,
    shape: tuple[int, ...],
) -> np.memmap:
    """Read-only memory map of a fixed-stride block, after checking the file is long enough."""
    dtype = np.dtype(dtype)
    need = offset + int(np.prod(shape)) * dtype.itemsize
    size = os.path.getsize(path)
    if size < need:
        raise FormatError(path, None, f"file is {size} bytes; the header promises at least {need}")
    if int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype=dtype)  # np.memmap refuses empty maps
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape)


class FileBlock:
    """A read-only, picklable array-like over a fixed-stride block of a file.

    ``__getitem__`` reads only the rows (first axis) asked for with one ``np.fromfile`` call, so a
    dask array built on it streams the file chunk by chunk without mapping it: memory stays
    bounded by the chunks in flight (a memory map would keep every touched page resident in the
    process, which counts towards its RSS).
    """

    def __init__(self, path, offset: int, dtype, shape: tuple[int, ...], field: str | None = None):
        self.path = os.fspath(path)
        self.offset = int(offset)
        self._dtype = np.dtype(dtype)  # as stored (a record dtype when ``field`` is given)
        self.field = field
        self._row = int(np.prod(tuple(shape)[1:], dtype=np.int64))
        if field is None:
            self.dtype, self.shape = self._dtype, tuple(int(n) for n in shape)
        else:  # e.g. records [('hdr', ...), ('data', '<i2', (n,))]: expose the 'data' field only
            sub = self._dtype.fields[field][0]
            self.dtype = sub.base
            self.shape = (*(int(n) for n in shape), *sub.shape)
        self.ndim = len(self.shape)

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        first = key[0] if key else slice(None)
        rest = key[1:]
        if isinstance(first, slice) and first.step in (None, 1):
            start, stop, _ = first.indices(self.shape[0])
            rows = self._read(start, max(start, stop))
        else:
            idx = np.arange(self.shape[0])[first]
            if np.ndim(idx) == 0:
                return self._read(int(idx), int(idx) + 1)[0][rest] if rest else self._read(int(idx), int(idx) + 1)[0]
            rows = self._read(0, self.shape[0])[idx]
        return rows[(slice(None), *rest)] if rest else rows

    def _read(self, start: int, stop: int) -> np.ndarray:
        n = stop - start
        if n <= 0:
            return np.empty((0, *self.shape[1:]), dtype=self.dtype)
        out = np.fromfile(
            self.path, dtype=self._dtype, count=n * self._row,
            offset=self.offset + start * self._row * self._dtype.itemsize,
        )
        if out.size != n * self._row:
            raise FormatError(self.path, None, f"file shrank while reading: rows {start}..{stop} are missing")
        if self.field is not None:
            out = np.ascontiguousarray(out[self.field])
        return out.reshape((n, *self.shape[1:]))

    def __array__(self, dtype=None, copy=None):
        out = self._read(0, self.shape[0])
        return out if dtype is None else out.astype(dtype)


def lazy_or_loaded(block, lazy: bool, trace_axis: int, convert=None, chunk_traces: int | None = None):
    """Wrap a block either as a dask array streaming the file along traces or as a numpy copy.

    Parameters
    ----------
    block : numpy.ndarray, numpy.memmap or FileBlock
        A plain C-contiguous ``np.memmap`` straight from :func:`memmap_traces` is streamed with
        :class:`FileBlock` when lazy (bounded memory); other arrays are wrapped as they are.
    lazy : bool
        True: dask array; nothing is read until computed. False: numpy array in memory.
    trace_axis : int
        Axis of ``block`` that indexes traces (chunked when lazy).
    convert : callable, optional
        Applied per block (e.g. removal of an unsigned offset); must be elementwise.
    """
    if not lazy:
        out = np.array(block)  # copy out of the memory map
        return convert(out) if convert is not None else out
    import dask.array as da

    if (
        isinstance(block, np.memmap)
        and trace_axis == 0
        and block.flags.c_contiguous
        and getattr(block, "filename", None)
        and block.base is not None
        and not isinstance(block.base, np.ndarray)
    ):
        block = FileBlock(block.filename, block.offset, block.dtype, block.shape)
    row_bytes = block.dtype.itemsize * int(np.prod(block.shape)) // max(1, block.shape[trace_axis])
    n = chunk_traces or trace_chunks(block.shape[trace_axis], row_bytes)
    chunks = tuple(n if ax == trace_axis else -1 for ax in range(block.ndim))
    arr = da.from_array(block, chunks=chunks, asarray=True, lock=False, fancy=False, meta=np.empty((0,) * block.ndim, block.dtype))
    if convert is not None:
        sample = convert(np.zeros((1,) * block.ndim, dtype=block.dtype))
        arr = arr.map_blocks(convert, dtype=sample.dtype)
    return arr


_KV = re.compile(r"^\s*([^:=]+?)\s*[:=]\s*(.*?)\s*$")


def parse_text_header(text: str, source=None) -> dict[str, str]:
    """Parse ``KEY: VALUE`` or ``KEY = VALUE`` lines into an ordered dict (keys upper-cased, stripped).

    Lines without a separator are kept under ``_line<N>`` so nothing in the header is lost. A
    header that ends in the middle of a line (a cut file: ``FREQUENCY:24`` for ``2426.19``) is
    read, with a warning naming ``source`` and the last line, whose value may be incomplete.
    """
    stripped = text.rstrip(" \t\x00\x1a")
    if stripped and not stripped.endswith(("\n", "\r")):
        last = stripped.splitlines()[-1]
        warn(f"{os.fspath(source) if source is not None else 'text header'}: ends in the middle of a line "
             f"(truncated?); its last line {last!r} may be incomplete")
    out: dict[str, str] = {}
    for i, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        m = _KV.match(line)
        if m:
            out[m.group(1).strip().upper()] = m.group(2)
        else:
            out[f"_line{i}"] = line.strip()
    return out


def read_text(path: str | os.PathLike, max_bytes: int = 1 << 20) -> str:
    """Read a small text companion file, tolerating Latin-1 bytes and stray NULs (and a UTF-8
    byte-order mark, as Windows editors save a header: it would otherwise join the first key)."""
    with open(path, "rb") as f:
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise FormatError(path, None, f"text header is larger than {max_bytes} bytes; is this really a header?")
    return raw.removeprefix(b"\xef\xbb\xbf").replace(b"\x00", b"").decode("latin-1")


def header_number(path, header: dict[str, str], key: str, kind=float, default=None, required=True):
    """Fetch ``header[key]`` as a number, with a FormatError naming the file and field if it is bad."""
    if key not in header or header[key].strip() == "":
        if required and default is None:
            raise FormatError(path, key, "required field is missing")
        return default
    text = header[key].strip().split()[0]
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        raise FormatError(path, key, f"expected a number; got {header[key]!r}") from None
    if isinstance(value, float) and not np.isfinite(value):
        raise FormatError(path, key, f"expected a finite number; got {header[key]!r}")
    return value


def find_companion(path: str | os.PathLike, *extensions: str) -> Path | None:
    """The file next to ``path`` with the same stem and one of ``extensions``, or None.

    Tries the exact, upper-, lower- and capitalised spellings of each extension first (a few
    ``stat`` calls), and lists the folder for other case variants only when none exists and the
    folder is small: reading one file of a folder of thousands stays cheap.
    """
    p = Path(path)
    for ext in extensions:  # preference order
        e = ext.lstrip(".")
        for variant in dict.fromkeys((e, e.upper(), e.lower(), e.capitalize())):
            cand = p.with_name(f"{p.stem}.{variant}")
            if cand.is_file():
                return cand
    wanted = {e.lower().lstrip(".") for e in extensions}
    try:
        with os.scandir(p.parent) as it:
            names = [entry.name for _, entry in zip(range(_MAX_SCAN), it, strict=False)]
    except OSError:
        return None
    stem = p.stem.lower()
    for name in names:
        base, dot, ext = name.rpartition(".")
        if dot and base.lower() == stem and ext.lower() in wanted:
            return p.with_name(name)
    return None


#: Folders larger than this are not listed when looking for oddly-cased companion files.
_MAX_SCAN = 512


def _umask_permissions(path: str) -> None:
    """mkstemp creates 0600 files; give the final file the usual 0666 & ~umask."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
        _umask_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (for libraries that write by name); rename on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".part", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        yield Path(tmp)
        if os.path.isfile(tmp):
            _umask_permissions(tmp)
        if os.path.isdir(tmp) and os.path.isdir(path):
            _replace_folder(Path(tmp), path)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            if os.path.isdir(tmp):
                import shutil

                shutil.rmtree(tmp)
            else:
                os.unlink(tmp)
        raise


def _replace_folder(new: Path, path: Path) -> None:
    """Put folder ``new`` in place of the existing folder ``path`` (a Zarr store written again).

    ``os.replace`` cannot replace a non-empty folder: the old one is moved aside first and
    removed once the new one is in place.
    """
    import shutil

    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    os.rmdir(old)
    os.replace(path, old)
    try:
        os.replace(new, path)
    except BaseException:
        os.replace(old, path)  # put the previous store back
        raise
    shutil.rmtree(old, ignore_errors=True)


def antenna_mhz_from_name(name: str) -> float | None:
    """Centre frequency from an antenna name such as ``"500_shielded"``, ``"400MHz"`` or ``"1.6 GHz"``."""
    if not name:
        return None
    m = re.search(r"(\d+(?:\.\d+)?)\s*(GHz|MHz)", name, flags=re.IGNORECASE)
    if m:
        v = float(m.group(1))
        return v * 1000.0 if m.group(2).lower() == "ghz" else v
    m = re.match(r"\s*(\d{2,4})(?:\D|$)", name)
    if m:
        return float(m.group(1))
    return None


def with_extension(path: Path, extensions) -> Path | None:
    """``path`` + ``.ext`` for the first ``ext`` that exists (any case), or None.

    Unlike :func:`find_companion` this keeps every dot of a bare name (``LINE.001`` -> ``LINE.001.rd3``).
    """
    try:
        siblings = {c.name.lower(): c for c in Path(path).parent.iterdir()}
    except OSError:
        return None
    for ext in extensions:
        hit = siblings.get(f"{Path(path).name}.{ext.lstrip('.')}".lower())
        if hit is not None and hit.is_file():
            return hit
    return None


def data_and_header(path, data_exts: list[str], header_exts: list[str], label: str) -> tuple[Path, Path]:
    """Resolve the (data file, header file) pair of a two-file format from either file or a bare name.

    Parameters
    ----------
    path : path-like
        The data file, the header file, or the common name without extension.
    data_exts, header_exts : list of str
        Extensions of the data and the header file, preferred first (any case matches).
    label : str
        Format name for messages, e.g. ``"MALA"``.

    Raises
    ------
    FileNotFoundError
        Neither file exists.
    FormatError
        One of the two is missing (naming the missing companion).
    """
    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    data_names = " or ".join(f"{p.stem if suffix else p.name}.{e}" for e in data_exts)
    header_names = " or ".join(f"{p.stem if suffix else p.name}.{e}" for e in header_exts)
    if suffix in {e.lower() for e in data_exts}:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such {label} data file")
        header = find_companion(p, *header_exts)
        if header is None:
            raise FormatError(p, header_exts[0], f"missing companion header {header_names} ({label}) next to the data file")
        return p, header
    if suffix in {e.lower() for e in header_exts}:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such {label} header file")
        data = find_companion(p, *data_exts)
        if data is None:
            raise FormatError(p, data_exts[0], f"missing companion data file {data_names} ({label}) next to the header")
        return data, p
    data = with_extension(p, data_exts)
    header = with_extension(p, header_exts)
    if data is None and header is None:
        raise FileNotFoundError(f"{p}: no {label} file {data_names} or {header_names}")
    if header is None:
        raise FormatError(data, header_exts[0], f"missing companion header {header_names} ({label}) next to the data file")
    if data is None:
        raise FormatError(header, data_exts[0], f"missing companion data file {data_names} ({label}) next to the header")
    return data, header


# --------------------------------------------------------------------------------------------
# Checks and values shared by the KEY:VALUE radar formats (MALA, ImpulseRadar, pulseEKKO)
# --------------------------------------------------------------------------------------------


def header_int(path, header: Mapping[str, str], key: str, *, required: bool = True, default=None):
    """``header[key]`` as a whole number; FormatError (naming file and field) if it is not one."""
    value = header_number(path, header, key, float, required=required, default=default)
    if value is None or isinstance(value, int):
        return value
    if not float(value).is_integer():
        raise FormatError(path, key, f"expected a whole number; got {header[key]!r}")
    return int(value)


#: Sample intervals plausible for GPR, ns: 1 ps (beyond any road antenna) to 100 ns (a 1 MHz
#: digitiser; the lowest-frequency GPR systems sample at a few ns).
DT_PLAUSIBLE_NS = (1e-3, 100.0)


def usable_dt(dt: float, n_samples: int) -> bool:
    """Whether ``dt`` (ns) is plausible for GPR and the time axis of ``n_samples`` it implies is finite."""
    return bool(np.isfinite(dt) and DT_PLAUSIBLE_NS[0] <= dt <= DT_PLAUSIBLE_NS[1] and np.isfinite(dt * n_samples))


def check_dt(path, field: str, dt: float, n_samples: int) -> float:
    """``dt`` (ns) if it is plausible for GPR and the time axis it implies is finite, else FormatError."""
    if not usable_dt(dt, n_samples):
        raise FormatError(
            path, field, f"implies a sample interval of {dt!r} ns; expected {DT_PLAUSIBLE_NS[0]}-"
            f"{DT_PLAUSIBLE_NS[1]} ns"
        )
    return float(dt)


def finite_distance(path, distance, source: str):
    """``(distance, source)``, or ``(None, "trace index")`` with a warning if it is not finite."""
    if distance is None or np.all(np.isfinite(distance)):
        return distance, source
    warn(
        f"{os.fspath(path)}: distances from {source} are not finite; using the trace index instead"
    )
    return None, "trace index"


def resolve_trace_count(
    path,
    data_bytes: int,
    bytes_per_trace: int,
    header_count: int | None,
    field: str,
    *,
    allow_partial: bool = False,
) -> int:
    """Number of traces to read, from the data size checked against the header's count.

    Parameters
    ----------
    path : path-like
        The data file (for messages).
    data_bytes : int
        Bytes available for traces (file size less any file header), bytes.
    bytes_per_trace : int
        Bytes per trace including any trace header, bytes.
    header_count : int or None
        Number of traces the header promises.
    field : str
        Header field that holds ``header_count`` (for messages).
    allow_partial : bool
        Read the whole traces of a file that ends inside a trace, with a warning, instead of
        raising.

    Returns
    -------
    int

    Raises
    ------
    FormatError
        The data do not hold a whole number of traces (and ``allow_partial`` is False), or no
        complete trace.
    """
    if bytes_per_trace <= 0:
        raise FormatError(
            path, field, f"a trace would be {bytes_per_trace} bytes; expected a positive size"
        )
    n_file, rest = divmod(int(data_bytes), int(bytes_per_trace))
    if rest:
        msg = (
            f"the file holds {data_bytes} bytes of traces: {n_file} whole traces of {bytes_per_trace} "
            f"bytes plus {rest} bytes; the header says {field} = {header_count}"
        )
        if not allow_partial:
            raise FormatError(
                path,
                field,
                msg + "; expected a whole number of traces (truncated file or wrong header; "
                "allow_partial=True reads the whole traces)",
            )
        warn(f"{os.fspath(path)}: {msg}; reading the {n_file} whole traces only")
    if n_file == 0:
        raise FormatError(
            path,
            field,
            f"the file holds no complete trace ({data_bytes} bytes; one trace is {bytes_per_trace} bytes)",
        )
    if header_count is not None and header_count != n_file and not rest:
        warn(
            f"{os.fspath(path)}: header says {field} = {header_count} but the file size holds "
            f"{n_file} whole traces; using {n_file}"
        )
    return n_file


def integer_samples(survey: xr.DataArray, dtype: np.dtype, what: str) -> np.ndarray:
    """The survey's samples as ``dtype``, refusing (never clipping) values the type cannot hold.

    Returns an array of shape (n_channel, n_trace, n_sample).
    """
    arr = np.asarray(survey.transpose("channel", "trace", "sample").values)
    info = np.iinfo(dtype)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise WriteError(f"{what}: samples must be numbers; got dtype {arr.dtype}")
    if arr.size:
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)):
                raise WriteError(f"{what}: samples contain NaN or infinity")
            if not np.all(arr == np.round(arr)):
                raise WriteError(
                    f"{what}: samples are not whole numbers; {dtype} files store raw integer counts "
                    "(scale and round the data first)"
                )
        lo, hi = arr.min(), arr.max()
        if lo < info.min or hi > info.max:
            raise WriteError(
                f"{what}: samples span {lo}..{hi}, outside the {dtype} range {info.min}..{info.max} "
                "(rescale the data or write more bits)"
            )
    return arr.astype(dtype, copy=False)


def uniform_spacing(distance: np.ndarray) -> float | None:
    """The constant positive step of ``distance`` (m), or None if it is not uniform."""
    d = np.asarray(distance, dtype=float).reshape(-1)
    if d.size < 2:
        return None
    step = np.diff(d)
    if step[0] > 0 and np.allclose(step, step[0], rtol=1e-6, atol=1e-9):
        return float(step[0])
    return None


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float (``repr``), without a trailing ``.0``."""
    v = float(value)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def has_lonlat(survey: xr.DataArray) -> bool:
    """Whether the survey has geographic ``lon``/``lat`` coordinates."""
    return "lon" in survey.coords and "lat" in survey.coords


def survey_header(survey: xr.DataArray, prefix: str) -> dict[str, str]:
    """The text header a survey was read with, if it came from a format starting with ``prefix``."""
    hdr = survey.attrs.get("header")
    if str(survey.attrs.get("format", "")).startswith(prefix) and isinstance(hdr, Mapping):
        return {str(k): str(v) for k, v in hdr.items() if not str(k).startswith("_line")}
    return {}
