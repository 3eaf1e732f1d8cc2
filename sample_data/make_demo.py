"""Make the small demo survey bundled in ``sample_data/demo/`` (run from the repository root).

A 2-channel, 400 MHz GSSI DZT file with DZG GNSS, 20 m of an illustrative road in Wanzhou
(Chongqing), written by roadhealth's own DZT writer. The radar section is a simple analytical
model (a Ricker wavelet; direct wave; asphalt and base reflections with Fresnel-coefficient
signs; a pipe diffraction hyperbola; a shallow air void with reversed polarity; random noise),
good enough to exercise the readers, the CLI and the first processing steps. The realistic
forward model and the Longdu sample campaign live in ``roadhealth.synth`` (issue 3).

Deterministic: fixed seed; rerunning it reproduces the committed files byte for byte, except the
DZG, whose times come from the fixed start time below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from pyproj import Transformer

from roadhealth import make_survey
from roadhealth.constants import C0_M_PER_NS
from roadhealth.io.gssi import write_dzt

OUT = Path(__file__).resolve().parent / "demo"
SEED = 20261128


def ricker(t_ns, f_mhz):
    a = (np.pi * f_mhz * 1e-3 * t_ns) ** 2
    return (1 - 2 * a) * np.exp(-a)


def main(out: Path = OUT) -> Path:
    rng = np.random.default_rng(SEED)
    n_chan, n_trace, n_samp, dt_ns, f = 2, 400, 512, 0.09765625, 400.0
    spacing = 0.05
    x = np.arange(n_trace) * spacing
    t = np.arange(n_samp) * dt_ns
    t_surface = 6.0  # ns: the direct wave / surface reflection sits here (after 2 header words)
    eps = [5.5, 8.0, 12.0]
    v = C0_M_PER_NS / np.sqrt(eps)
    h_asphalt = 0.18 + 0.01 * np.sin(x / 3.0)
    h_base = 0.30
    r01 = (np.sqrt(eps[0]) - np.sqrt(eps[1])) / (np.sqrt(eps[0]) + np.sqrt(eps[1]))
    r12 = (np.sqrt(eps[1]) - np.sqrt(eps[2])) / (np.sqrt(eps[1]) + np.sqrt(eps[2]))
    t1 = t_surface + 2 * h_asphalt / v[0]
    t2 = t1 + 2 * h_base / v[1]
    tt = t[None, :]
    trace = -1.0 * ricker(tt - t_surface, f) * np.ones((n_trace, 1))
    trace += r01 * ricker(tt - t1[:, None], f) + r12 * ricker(tt - t2[:, None], f)
    # pipe at 8 m, 0.9 m deep in the subgrade (velocity approximated by the base velocity)
    t_pipe = t2[:, None] + 2 * np.sqrt((0.9 - 0.48) ** 2 + (x[:, None] - 8.0) ** 2) / v[2]
    trace += 0.5 * ricker(tt - t_pipe, f)
    # air void under the asphalt, 14-15.5 m: reversed polarity with a multiple
    void = (x > 14.0) & (x < 15.5)
    t_void = t1 + 0.2
    trace[void] += 0.6 * ricker(tt - t_void[void, None], f) - 0.3 * ricker(tt - t_void[void, None] - 1.2, f)
    data = np.stack([trace, 0.95 * trace])
    data += 0.01 * rng.standard_normal(data.shape)
    ints = np.round(data / np.abs(data).max() * 20000).astype(np.int16)

    # GNSS: a straight 20 m line heading 60 degrees east of north in CGCS2000 / GK CM 108E (EPSG:4545)
    x0, y0, heading = 536_000.0, 3_409_000.0, np.deg2rad(60.0)
    ex, ny = x0 + x * np.sin(heading), y0 + x * np.cos(heading)
    lon, lat = Transformer.from_crs("EPSG:4545", "EPSG:4490", always_xy=True).transform(ex, ny)
    start = np.datetime64("2026-05-04T02:30:00", "ns")
    times = start + (np.arange(n_trace) * spacing / 2.0 * 1e9).astype("timedelta64[ns]")  # 2 m/s
    survey = make_survey(
        ints,
        dt_ns=dt_ns,
        distance_m=x,
        offset_m=[0.0, -0.075],
        antenna_mhz=f,
        coords={
            "lon": (("channel", "trace"), np.broadcast_to(lon, (n_chan, n_trace))),
            "lat": (("channel", "trace"), np.broadcast_to(lat, (n_chan, n_trace))),
            "time": ("trace", times),
            "mark": ("trace", np.isin(np.arange(n_trace), [0, 200, 399])),
        },
    )
    out.mkdir(parents=True, exist_ok=True)
    return write_dzt(
        survey,
        out / "WANZHOU_DEMO.DZT",
        header_words=True,
        scans_per_second=40.0,
        created=dt.datetime(2026, 5, 4, 2, 30, 0),
    )


if __name__ == "__main__":
    print(main())
