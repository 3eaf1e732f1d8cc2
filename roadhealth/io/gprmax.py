"""gprMax output files: simulated A-scans and B-scans (HDF5, ``.out`` of gprMax 3, ``.h5`` of gprMax 4).

gprMax, the open-source FDTD simulator of GPR, writes one HDF5 file per model run: root
attributes ``Iterations`` (samples), ``dt`` (the time step, **seconds**), ``nx_ny_nz``,
``dx_dy_dz``, ``srcsteps``/``rxsteps`` (how far the sources and receivers move between runs, m),
and per receiver a group ``/rxs/rx<n>`` holding one dataset per field component (``Ex`` ...
``Hz``, shape ``(Iterations,)``) with a ``Position`` attribute (m). A B-scan is ``-n`` runs
written as ``<name>1.out`` ... ``<name>N.out``; gprMax's ``tools.outputfiles_merge`` joins them
into ``<name>_merged.out`` (``.h5``), whose datasets are ``(Iterations, N)``. The merge of
gprMax 4 keeps ``srcsteps``/``rxsteps``; that of gprMax 3 keeps only ``Iterations``, ``dt``,
``nrx`` (and ``Title``).

:func:`read_gprmax` reads either:

* a merged B-scan: one trace per column;
* one run's file: when numbered siblings of the same series lie beside it (``<name>1`` ...
  ``<name>N``), the whole series, in run order (gprMax's own naming), else that single trace.

Samples are the field as simulated (float), at the model's time step, time zero at the source's
start (as gprMax writes it): the detector finds the surface itself. Trace positions are the
transmitter-receiver midpoints where the files give them (each run's ``Position`` attributes, or
the merged file's ``srcsteps``/``rxsteps``), else ``trace_spacing_m``; without either, the trace
index (``attrs["distance_source"] = "trace index"``) and a warning. The component read is
``component`` or, by default, the electric component with the most energy (``Ez`` of a 2-D TMz
model, ``Ey`` of a 3-D model with a y-directed dipole). ``attrs["wave_spreading"]`` says whether
the model was 2-D (one cell thick: a line source) or 3-D, from ``nx_ny_nz``, where the file keeps it
(the detector's strength rules read it: :data:`roadhealth.detect.classify.STRENGTH_SPREADING`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from roadhealth.errors import FormatError
from roadhealth.io._common import antenna_mhz_from_name, warn
from roadhealth.survey import make_survey

__all__ = ["is_gprmax", "later_in_series", "read_gprmax", "series_files"]

#: The electric components, in the order a tie is broken.
E_COMPONENTS = ("Ez", "Ey", "Ex")

def is_gprmax(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an HDF5 file written by gprMax: a ``gprMax`` or ``Iterations`` root
    attribute, or a ``dt`` attribute with an ``rxs`` group (a model without receivers is still
    gprMax's, and gets :func:`read_gprmax`'s own error)."""
    import h5py

    try:
        with h5py.File(path, "r") as h:
            return "gprMax" in h.attrs or "Iterations" in h.attrs or ("dt" in h.attrs and "rxs" in h)
    except (OSError, RuntimeError, KeyError):  # h5py raises RuntimeError on corrupt object headers
        return False


def _title(path: Path) -> str | None:
    import h5py

    try:
        with h5py.File(path, "r") as h:
            t = h.attrs.get("Title")
    except (OSError, RuntimeError, KeyError):
        return None
    return _text(t)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.size else ""
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def series_files(path: str | os.PathLike, *, check_titles: bool = True) -> list[Path]:
    """The numbered files of the B-scan series ``path`` belongs to, in run order; ``[path]`` when
    it is not one of them.

    gprMax writes run ``k`` of ``name.in`` as ``<name><k>`` with the input's extension (``.out``
    gprMax 3, ``.h5`` gprMax 4), consecutive from 1. A name that itself ends in digits is tried
    at every split of its trailing digits (``line11`` ... ``line112`` are runs 1-12 of ``line1``);
    the runs must share the model's title (separate models that happen to be numbered are not
    one B-scan; ``check_titles=False`` skips reading them)."""
    p = Path(path)
    if p.stem.endswith("_merged"):
        return [p]
    m = re.search(r"\d+$", p.stem)
    if m is None:
        return [p]
    digits = m.group(0)
    title = None
    for cut in range(len(digits), 0, -1):  # the longest run number first: "bscan12" is run 12 of "bscan"
        stem, ext = p.stem[: len(p.stem) - cut], p.suffix
        run = digits[len(digits) - cut:]
        if run.startswith("0") or not (p.parent / f"{stem}1{ext}").is_file():
            continue
        found = []
        k = 1
        while (p.parent / f"{stem}{k}{ext}").is_file():
            found.append(p.parent / f"{stem}{k}{ext}")
            k += 1
        if len(found) > 1 and p in found:
            if not check_titles:
                return found
            title = _title(found[0]) if title is None else title
            if all(_title(f) == title for f in found):
                return found
    return [p]


def later_in_series(path: str | os.PathLike) -> bool:
    """Whether ``path`` is not a survey of its own in a folder: run 2, 3 ... of a numbered series
    (read with run 1), or run 1 of a series whose merged file (``<stem>_merged``, gprMax's
    ``tools.outputfiles_merge``) lies beside it."""
    p = Path(path)
    files = series_files(p, check_titles=False)  # (a folder is listed file by file: two titles read, not N)
    if len(files) < 2 or _title(p) != _title(files[0]):
        return False
    if p != files[0]:
        return True
    stem = files[0].stem[:-1]  # run 1's number is its last digit
    return any((p.parent / f"{stem}_merged{e}").is_file() for e in (p.suffix, ".out", ".h5"))


def _attr_vector(h, name: str) -> np.ndarray | None:
    if name not in h.attrs:
        return None
    v = np.atleast_1d(np.asarray(h.attrs[name], dtype=float))
    return v if v.size in (2, 3) and np.all(np.isfinite(v)) else None


def _spreading(h) -> str | None:
    """``"2d"`` for a model one cell thick (``nx_ny_nz`` with a 1: gprMax's 2-D mode, a line source
    whose wave spreads as 1 / sqrt(r)), ``"3d"`` for any other grid, None where the file does not
    say (gprMax 3's merge keeps no ``nx_ny_nz``)."""
    v = _attr_vector(h, "nx_ny_nz")
    if v is None or v.size != 3 or np.any(v < 1):
        return None
    return "2d" if np.any(v == 1) else "3d"


def _component(path, rx, component: str | None) -> str:
    available = [k for k in rx.keys() if k in ("Ex", "Ey", "Ez", "Hx", "Hy", "Hz", "Ix", "Iy", "Iz")]
    if component is not None:
        if component not in rx:
            raise FormatError(path, f"{rx.name}/{component}",
                              f"no such output; the receiver has {', '.join(sorted(rx.keys())) or 'none'}")
        return component
    e = [c for c in E_COMPONENTS if c in available]
    if not e:
        raise FormatError(path, rx.name, f"no electric field output (Ex, Ey, Ez); the receiver has "
                                         f"{', '.join(sorted(rx.keys())) or 'none'}")
    def energy(c):  # on at most 64 traces of a merged file
        ds = rx[c]
        step = max(1, ds.shape[1] // 64) if ds.ndim == 2 else 1
        block = ds[:, ::step] if ds.ndim == 2 else ds[()]
        return float(np.nansum(np.square(np.asarray(block, dtype=np.float64))))

    energies = [energy(c) for c in e]
    return e[int(np.argmax(energies))]


def _open(path):
    import h5py

    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise FormatError(path, None, f"not a readable HDF5 (gprMax output) file: {exc}") from None


def _receiver(path, h, receiver: int):
    if "rxs" not in h:
        raise FormatError(path, "rxs", "no receiver group: not a gprMax output file (or one without a #rx)")
    import h5py

    key = f"rx{int(receiver)}"
    if not isinstance(h["rxs"], h5py.Group):
        raise FormatError(path, "rxs", "expected a group of receivers, found a dataset")
    if key not in h["rxs"]:
        have = ", ".join(sorted(h["rxs"].keys())) or "none"
        raise FormatError(path, f"rxs/{key}", f"no such receiver; the file has {have}")
    if not isinstance(h["rxs"][key], h5py.Group):
        raise FormatError(path, f"rxs/{key}", "expected a group of field outputs, found a dataset")
    return h["rxs"][key]


def _dt_ns(path, h) -> float:
    if "dt" not in h.attrs:
        raise FormatError(path, "dt", "missing: the time step (s) of the model is needed")
    try:
        dt = float(np.asarray(h.attrs["dt"], dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        raise FormatError(path, "dt", f"not a number: {h.attrs['dt']!r}") from None
    if not np.isfinite(dt) or not 0 < dt < 1e-6:
        raise FormatError(path, "dt", f"time step {dt!r} s is not a positive FDTD step (expected about 1e-12 to 1e-9 s)")
    return dt * 1e9


def _steps_m(h) -> np.ndarray | None:
    """Midpoint step between runs (m) from ``srcsteps``/``rxsteps``: gprMax stores them in cells
    (whole numbers; times ``dx_dy_dz``), a hand-written file may give metres. Each is converted
    on its own, then the two are averaged (the midpoint moves by their mean)."""
    dx = _attr_vector(h, "dx_dy_dz")
    if dx is None:
        dx = _attr_vector(h, "dx, dy, dz")  # gprMax 3.0's name

    def metres(v):
        if v is None:
            return None
        if np.all(v == np.round(v)):  # cells
            return v * dx if dx is not None and dx.size == v.size else None
        return v

    s_src, s_rx = metres(_attr_vector(h, "srcsteps")), metres(_attr_vector(h, "rxsteps"))
    if s_src is not None and s_rx is not None and s_src.size == s_rx.size:
        out = 0.5 * (s_src + s_rx)
    else:
        out = s_rx if s_rx is not None else s_src
    # a step no model makes (beyond MAX_STEP_M, or overflowing) gives no positions
    return out if out is not None and np.all(np.abs(out) <= MAX_STEP_M) else None


#: Largest step between runs (m) taken as the B-scan's trace spacing: a model is metres across.
MAX_STEP_M = 1e3


def _waveform_mhz(h) -> float | None:
    """Centre frequency of the first source's waveform (MHz), where the file records it (the
    ``WaveformFrequency`` of ``srcs/src1/excitation``, which the gprMax 4.0.1 used for the test
    files writes; most gprMax output has no such attribute, and the Title is tried next)."""
    try:
        v = float(np.asarray(h["srcs/src1/excitation"].attrs["WaveformFrequency"]).reshape(-1)[0])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return v / 1e6 if np.isfinite(v) and 1e6 <= v <= 1e11 else None


def _midpoint(h, receiver: int) -> np.ndarray | None:
    """Transmitter-receiver midpoint of one run (m), from the Position attributes."""
    rx = h["rxs"].get(f"rx{int(receiver)}")
    prx = _attr_vector(rx, "Position") if rx is not None else None
    if prx is None:
        return None
    src = h["srcs"].get("src1") if "srcs" in h else None
    psrc = _attr_vector(src, "Position") if src is not None else None
    return prx if psrc is None or psrc.size != prx.size else 0.5 * (prx + psrc)


def read_gprmax(
    path,
    *,
    component: str | None = None,
    receiver: int = 1,
    trace_spacing_m: float | None = None,
    antenna_mhz: float | None = None,
    series: bool = True,
    lazy: bool | None = None,
    crs: str | None = None,
    gnss: bool = True,
    **_ignored,
):
    """Read a gprMax output file (merged B-scan, or one run of a series) into a survey.

    Parameters
    ----------
    path : str or path-like
        ``<name>_merged.out``/``.h5``, or one run's ``<name><k>.out``/``.h5``.
    component : str, optional
        Field component (``"Ez"``, ``"Ey"``, ``"Ex"``, ``"Hz"`` ...). Default: the electric
        component with the most energy.
    receiver : int
        Receiver number (``rx1`` ...). Default 1.
    trace_spacing_m : float, optional
        Trace step, m, where the file does not say (a merged file of gprMax 3). Overrides nothing
        the file gives.
    antenna_mhz : float, optional
        Centre frequency of the source, MHz (not stored by gprMax; the detector estimates it from
        the spectrum when absent). A ``Title`` naming it ("... 400 MHz ...") is used otherwise.
    series : bool
        Read the whole numbered series a single run belongs to (default), or that file alone.
    lazy, crs, gnss
        Accepted for :func:`roadhealth.read`; a simulation has no GNSS and is small.

    Returns
    -------
    xarray.DataArray
        Survey (1, n_trace, Iterations), float32, ``twt_ns`` from 0 at the source's start,
        ``attrs["header"]`` with the gprMax version, component, receiver and files read.

    Raises
    ------
    FormatError
        Not an HDF5 file with gprMax's layout, no such receiver or component, a missing or
        impossible ``dt``, or runs of a series that disagree in samples or time step.
    """
    del lazy, crs, gnss
    p = Path(path)
    files = series_files(p) if series else [p]
    if series and len(files) == 1:
        runs = series_files(p, check_titles=False)
        # numbered files beside it that are separate models (another title) are left alone; one that
        # cannot be read would silently cut a B-scan short, so that is said
        bad = [f.name for f in runs if f != p and _title(f) is None] if len(runs) > 1 else []
        if bad:
            warn(f"{p}: read alone; the numbered files beside it ({runs[0].name} ... {runs[-1].name}) may be runs of "
                 f"one B-scan, but {', '.join(bad[:5])}{' ...' if len(bad) > 5 else ''} cannot be read as HDF5")
    traces, mids, comps = [], [], []
    dt_ns = None
    title = version = None
    steps = mhz_file = spreading = None
    for f in files:
        with _open(f) as h:
            rx = _receiver(f, h, receiver)
            comp = _component(f, rx, component if component is not None else (comps[0] if comps else None))
            comps.append(comp)
            dt_f = _dt_ns(f, h)
            if dt_ns is None:
                dt_ns = dt_f
            elif not np.isclose(dt_f, dt_ns, rtol=1e-6):
                raise FormatError(f, "dt", f"time step {dt_f * 1e3:g} ps differs from the series' first run "
                                           f"({dt_ns * 1e3:g} ps, {files[0].name})")
            data = np.asarray(rx[comp][()], dtype=np.float32)
            if data.ndim == 1:
                data = data[:, None]
            if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 1:
                raise FormatError(f, f"{rx.name}/{comp}", f"expected (Iterations,) or (Iterations, traces) samples; "
                                                           f"got shape {data.shape}")
            if traces and data.shape[0] != traces[0].shape[0]:
                raise FormatError(f, "Iterations", f"{data.shape[0]} samples, the series' first run has "
                                                   f"{traces[0].shape[0]} ({files[0].name})")
            traces.append(data)
            mids.append(_midpoint(h, receiver) if data.shape[1] == 1 else None)
            title = title if title is not None else h.attrs.get("Title")
            version = version if version is not None else h.attrs.get("gprMax")
            if steps is None:
                steps = _steps_m(h)
            if mhz_file is None:
                mhz_file = _waveform_mhz(h)
            if spreading is None:
                spreading = _spreading(h)
    data = np.concatenate(traces, axis=1).T  # (trace, sample)
    n = data.shape[0]
    title = _text(title)
    version = _text(version) or "?"
    distance, source = None, None
    if n > 1 and all(m is not None for m in mids) and len(mids) == n:
        xyz = np.stack(mids)
        step = np.linalg.norm(np.diff(xyz, axis=0), axis=1)
        if np.all(step > 0):
            distance, source = np.r_[0.0, np.cumsum(step)], "gprMax receiver/source positions"
    if distance is None and steps is not None and float(np.linalg.norm(steps)) > 0:
        distance, source = np.arange(n) * float(np.linalg.norm(steps)), "gprMax srcsteps/rxsteps"
    if distance is None and trace_spacing_m is not None:
        sp = float(trace_spacing_m)
        if not np.isfinite(sp) or sp <= 0:
            raise FormatError(p, "trace_spacing_m", f"must be a positive number of metres; got {trace_spacing_m!r}")
        distance, source = np.arange(n) * sp, "trace_spacing_m (given)"
    if distance is None and n > 1:
        warn(f"{p}: the gprMax file gives no trace positions, or steps with a cell size (a gprMax 3 merge "
             "keeps neither); distances are the trace index: pass trace_spacing_m= to read() for metres")
    if len(files) > 1 and p != files[0]:
        warn(f"{p}: run of the {len(files)}-run B-scan {files[0].name} ... {files[-1].name}, read as the "
             "whole B-scan (series=False reads this run alone)")
    mhz = antenna_mhz if antenna_mhz is not None else mhz_file
    if mhz is None and re.search(r"\d\s*(MHz|GHz)", title, flags=re.IGNORECASE):
        mhz = antenna_mhz_from_name(title)
    attrs = {"header": {"version": version, "component": comps[0], "receiver": int(receiver),
                        "files": [f.name for f in files], "title": title}}
    if source is not None:
        attrs["distance_source"] = source
    if spreading is not None:
        attrs["wave_spreading"] = spreading
    return make_survey(data, dt_ns=dt_ns, time_zero_ns=0.0, distance_m=distance, format="gprmax",
                       instrument=f"gprMax {version} (simulation)", antenna_mhz=mhz, source=str(p), attrs=attrs)
