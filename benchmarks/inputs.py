"""Inputs of the benchmark harness (:mod:`benchmarks.peers`): synthetic B-scans, generated files, the
large multi-channel grid, and the real sample files.

Everything generated is deterministic (fixed seeds) and written with roadhealth's own writers
(:func:`roadhealth.io.gssi.write_dzt`, :func:`roadhealth.io.pulseekko.write_dt1`), so roadhealth and
the peers read *the same bytes*. Files are written once and cached under ``benchmarks/cache/``
(git-ignored); a small JSON beside each large file records its shape and a checksum.

Synthetic radar content (all vectorised, no loop over traces):

* :func:`synth_bscan` - one profile: a surface wavelet at ~3 ns with a little jitter, two flat layers,
  a few diffraction hyperbolas (voids), a slow "wow" and DC offset, an amplitude decay with time and
  noise. Returned as int16 ``(trace, sample)``.
* :func:`point_diffractors` - a float32 section of three ideal point diffractors for migration
  checks (hyperbolas ``t = sqrt(tau^2 + (2 x / v)^2)``), with their true apex positions.
* :func:`make_grid_dzt` - the large grid (default 32 channels x 1 km at 2 cm x 512 samples, int16:
  50,000 scans, 1.64 GB), streamed to disk in blocks of 2,000 scans so memory stays ~100 MB.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
SAMPLES = Path(os.environ.get("ROADHEALTH_SAMPLES", HERE.parent.parent / "shared" / "gpr_samples"))

#: Synthetic acquisition: 400 MHz ground-coupled antenna, 50 ns window over 512 samples (like the
#: SIR-3000 lines of ``gprdata_grid``), 2 cm trace spacing.
DT_NS = 50.0 / 512
ANTENNA_MHZ = 400.0
SPACING_M = 0.02
VELOCITY_M_PER_NS = 0.1  # eps_r ~ 9


def ricker(t_ns: np.ndarray, f_mhz: float) -> np.ndarray:
    a = (np.pi * f_mhz / 1000.0 * t_ns) ** 2
    return (1.0 - 2.0 * a) * np.exp(-a)


def synth_bscan(n_trace: int, n_sample: int = 512, *, seed: int = 0, dt_ns: float = DT_NS,
                spacing_m: float = SPACING_M) -> np.ndarray:
    """One synthetic road profile, int16, shape ``(n_trace, n_sample)``.

    Built from a table of 64 template traces (surface jitter) indexed per trace, plus hyperbolas
    added on a sparse set of traces and noise; cost ~ one pass over the array.
    """
    rng = np.random.default_rng(seed)
    t = dt_ns * np.arange(n_sample)
    t0 = 3.0 + np.linspace(-0.3, 0.3, 64)[:, None]
    decay = np.exp(-t / 15.0)
    tmpl = (ricker(t - t0, ANTENNA_MHZ) + 0.35 * ricker(t - t0 - 6.0, ANTENNA_MHZ) * decay
            + 0.2 * ricker(t - t0 - 14.0, ANTENNA_MHZ) * decay + 0.15 * np.exp(-t / 8.0) + 0.02)
    x = tmpl[rng.integers(0, 64, n_trace)] * 8000.0
    # diffraction hyperbolas: one every ~4 m, apex at 8-30 ns
    xs = spacing_m * np.arange(n_trace)
    for k, xa in enumerate(np.arange(2.0, xs[-1] if n_trace > 1 else 0.0, 4.0)):
        tau = 8.0 + (k * 7.3) % 22.0
        sel = np.abs(xs - xa) < 2.5
        th = np.sqrt(tau**2 + (2.0 * (xs[sel] - xa) / VELOCITY_M_PER_NS) ** 2)
        amp = 0.25 * np.exp(-th / 20.0) * (tau / th)
        x[sel] += 8000.0 * amp[:, None] * ricker(t[None, :] - th[:, None], ANTENNA_MHZ)
    x += rng.normal(0.0, 60.0, size=x.shape)
    return np.clip(np.round(x), -32000, 32000).astype(np.int16)


def point_diffractors(n_trace: int, n_sample: int, *, dt_ns: float = DT_NS, spacing_m: float = SPACING_M,
                      velocity_m_per_ns: float = VELOCITY_M_PER_NS):
    """Float32 section ``(trace, sample)`` of three point diffractors and their apexes ``[(trace, sample)]``."""
    t = dt_ns * np.arange(n_sample)
    xs = spacing_m * np.arange(n_trace)
    apex = [(n_trace // 4, n_sample // 3), (n_trace // 2, n_sample // 2), (3 * n_trace // 4, 2 * n_sample // 3)]
    out = np.zeros((n_trace, n_sample), np.float32)
    for it, js in apex:
        tau = t[js]
        th = np.sqrt(tau**2 + (2.0 * (xs - xs[it]) / velocity_m_per_ns) ** 2)
        out += ((tau / th)[:, None] * ricker(t[None, :] - th[:, None], ANTENNA_MHZ)).astype(np.float32)
    return out, apex


def _survey(values: np.ndarray, *, n_channel: int = 1):
    """An in-memory survey (channel, trace, sample) for the writers."""
    from roadhealth import make_survey

    v = values.reshape(n_channel, -1, values.shape[-1]) if values.ndim == 2 else values
    # epsr and scans/s in the header as a real SIR system writes them (readgssi divides by both)
    return make_survey(v, dt_ns=DT_NS, antenna_mhz=ANTENNA_MHZ, distance_m=SPACING_M * np.arange(v.shape[1]),
                       offset_m=0.1 * np.arange(v.shape[0]), attrs={"epsr": 9.0})


def profile_dzt(n_trace: int, n_sample: int = 512, *, seed: int = 0) -> Path:
    """A generated single-channel 16-bit DZT of ``synth_bscan(n_trace, n_sample)``, cached."""
    from roadhealth.io.gssi import write_dzt

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"profile_{n_sample}x{n_trace}_s{seed}.DZT"
    if not path.exists():
        write_dzt(_survey(synth_bscan(n_trace, n_sample, seed=seed)), path, bits=16,
                  scans_per_meter=1.0 / SPACING_M, scans_per_second=100.0, gnss=False)
        fill_rhf_depth(path, 1)
    return path


def fill_rhf_depth(path: Path, n_channel: int, eps_r: float = 9.0) -> None:
    """Set ``rhf_depth`` (float32 at byte 62 of each channel header: the range in metres at
    ``rhf_epsr``) as SIR systems write it. roadhealth's writer leaves it 0, and readgssi 0.0.22's
    fallback for 0 (``cr * range * 1e-10``) is 5x too small, which makes its dt 5x too small."""
    import struct

    from roadhealth.constants import C0_M_PER_NS

    with open(path, "r+b") as f:
        rng = struct.unpack("<f", (f.seek(26), f.read(4))[1])[0]  # rhf_range, ns
        depth = rng * C0_M_PER_NS / np.sqrt(eps_r) / 2.0
        for ch in range(n_channel):
            f.seek(1024 * ch + 62)
            f.write(struct.pack("<f", depth))


def profile_dt1(n_trace: int, n_sample: int = 512, *, seed: int = 0) -> Path:
    """A generated pulseEKKO DT1 (+ HD) of ``synth_bscan``, cached."""
    from roadhealth.io.pulseekko import write_dt1

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"profile_{n_sample}x{n_trace}_s{seed}.DT1"
    if not path.exists():
        write_dt1(_survey(synth_bscan(n_trace, n_sample, seed=seed)), path)
        # pulseEKKO instruments end HD lines with CR CR LF; ImpDAR 1.2.1 counts header lines with
        # them (with plain LF it parses the date from the wrong line and fails), so mimic the
        # instrument here. roadhealth reads both.
        # ImpDAR also parses a date from columns 28-38 of line 2, where pE PRO writes
        # "Data Collected with pE PRO (2011-00114-00)": keep that layout.
        hd = path.with_suffix(".HD")
        lines = hd.read_bytes().replace(b"\r\n", b"\n").split(b"\n")
        lines[1] = b"Data Collected with bench  (2026-00101-00)"
        hd.write_bytes(b"\r\r\n".join(lines))
    return path


def hidden_companions_copy(dzt: Path) -> Path:
    """A symlink to ``dzt`` in the cache without its .DZG/.DZX companions (readgssi crashes on some DZGs)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    link = CACHE / "nocompanions" / dzt.name
    link.parent.mkdir(exist_ok=True)
    if not link.exists():
        try:
            link.symlink_to(dzt.resolve())
        except OSError:
            shutil.copyfile(dzt, link)
    return link


# --------------------------------------------------------------------------------------------------
# the large grid
# --------------------------------------------------------------------------------------------------

def _grid_templates(n_sample: int) -> np.ndarray:
    t = DT_NS * np.arange(n_sample)
    t0 = 3.0 + np.linspace(-0.3, 0.3, 64)[:, None]
    decay = np.exp(-t / 15.0)
    x = (ricker(t - t0, ANTENNA_MHZ) + 0.35 * ricker(t - t0 - 6.0, ANTENNA_MHZ) * decay
         + 0.2 * ricker(t - t0 - 14.0, ANTENNA_MHZ) * decay + 0.15 * np.exp(-t / 8.0) + 0.02)
    return np.round(8000.0 * x).astype(np.int16)


def make_grid_dzt(n_channel: int = 32, length_m: float = 1000.0, spacing_m: float = SPACING_M,
                  n_sample: int = 512, *, block_scans: int = 2000) -> tuple[Path, dict]:
    """Write (once) the large multi-channel 16-bit DZT grid, streamed in blocks; return (path, meta).

    The header comes from :func:`roadhealth.io.gssi.write_dzt` on a one-scan survey (so it is the
    library's own layout, with ``rhf_spm`` = 1 / spacing and the channel offsets in the text area);
    the scans are template traces plus int16 noise, written block by block with the unsigned offset
    added, so peak memory is a few blocks. ``meta["sum"]`` is the sum of all signed samples.
    """
    from roadhealth import make_survey
    from roadhealth.io.gssi import write_dzt

    CACHE.mkdir(parents=True, exist_ok=True)
    n_trace = round(length_m / spacing_m)
    path = CACHE / f"grid_{n_channel}ch_{n_trace}x{n_sample}.DZT"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("bytes") == path.stat().st_size:
            return path, meta
    tiny = make_survey(np.zeros((n_channel, 2, n_sample), np.int16), dt_ns=DT_NS, antenna_mhz=ANTENNA_MHZ,
                       distance_m=np.array([0.0, spacing_m]), offset_m=0.1 * np.arange(n_channel))
    tmp = CACHE / "grid_header_only.DZT"
    write_dzt(tiny, tmp, bits=16, scans_per_meter=1.0 / spacing_m, scans_per_second=100.0, gnss=False)
    header = tmp.read_bytes()[: 1024 * n_channel]
    tmp.unlink()
    tmpl = _grid_templates(n_sample)
    rng = np.random.default_rng(7)
    total = 0
    part = path.with_suffix(".part")
    with open(part, "wb") as f:
        f.write(header)
        done = 0
        while done < n_trace:
            n = min(block_scans, n_trace - done)
            vals = tmpl[rng.integers(0, 64, size=(n, n_channel))]
            vals += rng.integers(-100, 101, size=vals.shape, dtype=np.int16)
            total += int(vals.sum(dtype=np.int64))
            f.write((vals ^ np.int16(-32768)).view(np.uint16).tobytes())
            done += n
    os.replace(part, path)
    meta = {"n_channel": n_channel, "n_trace": n_trace, "n_sample": n_sample, "spacing_m": spacing_m,
            "sum": total, "bytes": path.stat().st_size, "data_bytes": path.stat().st_size - len(header)}
    meta_path.write_text(json.dumps(meta))
    return path, meta


# --------------------------------------------------------------------------------------------------
# real files
# --------------------------------------------------------------------------------------------------

REAL_DZT = {
    "FILE____032.DZT": "gssi/gprpy_400mhz/FILE____032.DZT",
    "test_gssi.DZT": "gssi/impdar_sir4000/test_gssi.DZT",
    "grid line FILE____001.DZT": "gssi/gprdata_grid/lines/FILE____001.DZT",
}
REAL_DT1 = {
    "YLINEA0.DT1": "pulseekko/rgpr_isola_grid/YLINEA0.DT1",
    "XLINE00.DT1": "pulseekko/gprpy_warr/XLINE00.DT1",
    "CMP.DT1": "pulseekko/rgpr_frenke/CMP.DT1",
}
REAL_RD3 = {"ten_col.rd3": "mala/impdar_ten_col/ten_col.rd3"}
GRID_LINES = "gssi/gprdata_grid/lines"
GRID_TOPO = "gssi/gprdata_grid/topo"


def sample(rel: str) -> Path | None:
    p = SAMPLES / rel
    return p if p.exists() else None
