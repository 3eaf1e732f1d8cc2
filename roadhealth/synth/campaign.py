"""Synthetic survey campaigns: the bundled Longdu sample and larger generated ones.

A campaign folder holds, for a set of roads:

* ``centrelines.gpkg`` (layer ``centrelines``, EPSG:4545): name, name_en, width_m, lanes, length_m;
* one GSSI ``.DZT`` per survey pass with its ``.DZG`` GNSS companion (positions of the array
  centre), written by :func:`roadhealth.io.gssi.write_dzt`; the Longdu sample has two passes per
  road in its right-hand lane: a short 12-channel pass (5 cm) over the first 40-60 m and a long
  3-channel pass (25 cm) over the rest (:func:`longdu_passes`);
* ``truth.gpkg``: layer ``anomalies`` (the anomaly schema plus ``survey`` and ``road``) and layer
  ``clutter`` (pipes, manholes, undulations); :func:`read_truth` returns one survey's anomalies
  in the exact schema;
* ``surface_condition.csv``: cracking, rutting, ravelling and a pavement condition index by road
  and 20 m section (the Longdu roads by stretches: sound, distressed on top, structurally failed:
  :data:`LONGDU_STRETCHES`); ``cores.csv``: asphalt thickness measured on cores;
* ``campaign.json`` (what was generated, with which parameters and seed) and ``README.md``.

Everything is reproducible from the seed. Geometry is illustrative (see :data:`ILLUSTRATIVE`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from roadhealth.anomalies import read_anomalies
from roadhealth.synth.forward import Acquisition, SystemEffects, simulate, to_int16
from roadhealth.synth.model import (
    Cavity,
    LooseZone,
    Manhole,
    Pipe,
    RoadModel,
    TrackFrame,
    Undulation,
    Void,
    WaterRichZone,
    default_layers,
)
from roadhealth.synth.truth import ANOMALY_COLUMNS, clutter_truth, truth

__all__ = [
    "CRS",
    "ILLUSTRATIVE",
    "LONGDU_LONG_ACQ",
    "LONGDU_SEED",
    "LONGDU_STRETCHES",
    "centreline",
    "generate_campaign",
    "longdu_passes",
    "longdu_roads",
    "make_longdu",
    "programme_inputs",
    "random_road_model",
    "read_truth",
    "write_campaign",
]

#: Projected CRS of every campaign: CGCS2000 / 3-degree Gauss-Kruger CM 108E.
CRS = "EPSG:4545"

#: Seed of the bundled Longdu campaign.
LONGDU_SEED = 20260504

#: Statement carried in file metadata and READMEs.
ILLUSTRATIVE = (
    "Synthetic data. Road geometry is illustrative, placed near Longdu, Wanzhou District, Chongqing "
    "(about 108.4E 30.8N); it is not a survey of the real roads. Radar data, defects, surface "
    "condition and cores come from the roadhealth.synth forward model with a fixed seed."
)

#: Acquisition of the bundled campaign: a 12-channel 600 MHz array, 7.5 cm across, 5 cm along.
LONGDU_ACQ = Acquisition(frequency_mhz=600.0, n_samples=256, window_ns=32.0, trace_spacing_m=0.05,
                         n_channels=12, channel_spacing_m=0.075, time_zero_ns=3.0)

#: Survey speed used for the time stamps and GNSS, m/s.
SPEED_M_S = 2.0


def centreline(lon0: float, lat0: float, heading_deg: float, length_m: float, curvature_per_m: float = 0.0,
               step_m: float = 5.0):
    """A gently curving road centreline in EPSG:4545 from a start point, heading and curvature.

    Parameters
    ----------
    lon0, lat0 : float
        Start, degrees (WGS84 / CGCS2000).
    heading_deg : float
        Initial direction, degrees clockwise from grid north.
    length_m : float
    curvature_per_m : float
        Rate of change of heading, rad/m (1/radius; positive turns right).
    step_m : float
        Vertex spacing, m.

    Returns
    -------
    shapely.LineString
    """
    from pyproj import Transformer

    x0, y0 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(lon0, lat0)
    s = np.linspace(0.0, length_m, max(2, math.ceil(length_m / step_m) + 1))
    th = np.deg2rad(heading_deg) + curvature_per_m * s
    ds = np.diff(s)
    thm = 0.5 * (th[1:] + th[:-1])
    x = x0 + np.r_[0.0, np.cumsum(ds * np.sin(thm))]
    y = y0 + np.r_[0.0, np.cumsum(ds * np.cos(thm))]
    return shapely.LineString(np.column_stack([x, y]))


def _track(line, lane_offset_m: float, start_m: float, length_m: float):
    """The survey track: the centreline offset to a lane (positive left), from ``start_m`` on."""
    off = line.offset_curve(lane_offset_m) if lane_offset_m else line
    end = min(off.length, start_m + length_m + 2.0)
    return substring(off, start_m, end)


# --------------------------------------------------------------------------------------------
# The Longdu campaign
# --------------------------------------------------------------------------------------------


def longdu_roads() -> list[dict]:
    """The three roads of the Longdu sample: centreline, attributes, survey pass and road model.

    Returns
    -------
    list of dict
        Keys ``name``, ``name_en``, ``code`` (file stem), ``width_m``, ``lanes``, ``line``
        (centreline, EPSG:4545), ``lane_offset_m``, ``chainage_start_m``, ``model``
        (:class:`RoadModel` of the surveyed pass).
    """
    specs = [
        dict(name="外贸路", name_en="Waimao Road", code="WAIMAO", width_m=12.0, lanes=4,
             start=(108.3962, 30.8047), heading=62.0, curvature=0.0012, length=420.0, survey=60.0,
             layers=dict(asphalt_m=0.18, base_m=0.30, subbase_m=0.25)),
        dict(name="金陵路", name_en="Jinling Road", code="JINLING", width_m=9.0, lanes=2,
             start=(108.4018, 30.8021), heading=148.0, curvature=-0.0008, length=320.0, survey=40.0,
             layers=dict(asphalt_m=0.15, base_m=0.28, subbase_m=0.22)),
        dict(name="富康路", name_en="Fukang Road", code="FUKANG", width_m=10.0, lanes=2,
             start=(108.3991, 30.7986), heading=18.0, curvature=0.0015, length=340.0, survey=40.0,
             layers=dict(asphalt_m=0.22, base_m=0.32, subbase_m=0.25)),
    ]
    objects = {
        "WAIMAO": [
            Pipe(6.0, 0.0, depth_m=0.62, diameter_m=0.30, azimuth_deg=80.0, material="metal"),
            Cavity(s_m=14.0, u_m=0.08, depth_top_m=0.55, length_m=1.4, width_m=1.0, height_m=0.45),
            Void(s_m=24.0, u_m=-0.10, length_m=1.8, width_m=1.2, height_m=0.045, under="asphalt"),
            Undulation(30.0, 0.0, length_m=5.0, width_m=6.0, amplitude_m=0.07, interface="base"),
            Manhole(34.5, 0.35, diameter_m=0.7),
            LooseZone(s_m=42.0, u_m=0.0, depth_top_m=0.45, length_m=3.0, width_m=1.6, height_m=0.7),
            WaterRichZone(s_m=52.0, u_m=0.05, depth_top_m=0.50, length_m=3.5, width_m=2.5, height_m=0.5),
        ],
        "JINLING": [
            Void(s_m=9.0, u_m=0.05, length_m=1.5, width_m=1.0, height_m=0.05, under="base"),
            Cavity(s_m=20.0, u_m=-0.05, depth_top_m=0.70, length_m=1.2, width_m=0.9, height_m=0.5,
                   water_fraction=0.4),
            Pipe(28.5, 0.0, depth_m=0.55, diameter_m=0.20, azimuth_deg=95.0, material="pvc", fill="air"),
            LooseZone(s_m=34.0, u_m=0.1, depth_top_m=0.60, length_m=2.5, width_m=1.4, height_m=0.6),
        ],
        "FUKANG": [
            WaterRichZone(s_m=10.0, u_m=-0.1, depth_top_m=0.62, length_m=4.0, width_m=2.0, height_m=0.45,
                          eps_r=22.0, sigma_s_m=0.05),
            Cavity(s_m=21.0, u_m=0.0, depth_top_m=0.90, length_m=0.9, width_m=0.8, height_m=0.4),
            Pipe(29.0, 0.0, depth_m=0.75, diameter_m=0.25, azimuth_deg=60.0, material="metal"),
            Manhole(36.0, -0.30, diameter_m=0.7),
        ],
    }
    out = []
    for i, sp in enumerate(specs):
        line = centreline(*sp["start"], sp["heading"], sp["length"], sp["curvature"])
        lane = sp["width_m"] / sp["lanes"]
        lane_offset = -lane / 2  # the right-hand lane next to the centreline (traffic drives on the right)
        track = _track(line, lane_offset, 0.0, sp["survey"])
        model = RoadModel(sp["survey"], layers=default_layers(**sp["layers"]), objects=objects[sp["code"]],
                          frame=TrackFrame(track, CRS), seed=LONGDU_SEED + i, name=sp["code"])
        out.append({
            "name": sp["name"], "name_en": sp["name_en"], "code": sp["code"], "width_m": sp["width_m"],
            "lanes": sp["lanes"], "line": line, "lane_offset_m": lane_offset, "chainage_start_m": 0.0,
            "model": model, "stretches": LONGDU_STRETCHES[sp["code"]],
        })
    return out


#: Surface state along each Longdu road (chainage from/to, m): "sound", "surface" (distressed in the
#: top layer only) or "failed" (structural). Defects lie beneath some "surface" stretches (the
#: short 12-channel passes and the ends of the long ones) and under one sound stretch.
LONGDU_STRETCHES = {
    "WAIMAO": [(0.0, 60.0, "surface"), (60.0, 160.0, "sound"), (160.0, 300.0, "surface"),
               (300.0, 420.0, "surface")],
    "JINLING": [(0.0, 40.0, "surface"), (40.0, 140.0, "surface"), (140.0, 230.0, "failed"),
                (230.0, 320.0, "sound")],
    "FUKANG": [(0.0, 40.0, "surface"), (40.0, 120.0, "sound"), (120.0, 250.0, "surface"),
               (250.0, 340.0, "surface")],
}

#: Acquisition of the long passes: 3 channels 0.3 m apart, a trace every 25 cm (the 12-channel
#: array at 5 cm over the whole roads would take about 120 MB; this keeps sample_data under 25 MB).
LONGDU_LONG_ACQ = Acquisition(frequency_mhz=600.0, n_samples=256, window_ns=32.0, trace_spacing_m=0.25,
                              n_channels=3, channel_spacing_m=0.3, time_zero_ns=3.0)


def _long_objects(code: str) -> list:
    """Defects and clutter of the long passes; ``s_m`` along the pass (which starts where the
    short pass ends: 60 m on Waimao, 40 m on Jinling and Fukang)."""
    if code == "WAIMAO":  # pass from chainage 60 m
        return [
            Cavity(s_m=50.0, u_m=0.1, depth_top_m=0.75, length_m=1.0, width_m=0.8, height_m=0.35),  # sound stretch
            Pipe(140.0, 0.0, depth_m=0.7, diameter_m=0.3, azimuth_deg=85.0, material="metal"),
            Manhole(190.0, 0.3, diameter_m=0.7),
            Cavity(s_m=270.0, u_m=-0.05, depth_top_m=0.6, length_m=1.6, width_m=1.2, height_m=0.5),
            Void(s_m=295.0, u_m=0.1, length_m=2.2, width_m=1.3, height_m=0.05, under="asphalt"),
            LooseZone(s_m=322.0, u_m=0.0, depth_top_m=0.5, length_m=3.5, width_m=1.8, height_m=0.7),
            WaterRichZone(s_m=342.0, u_m=0.05, depth_top_m=0.55, length_m=4.0, width_m=2.5, height_m=0.5),
        ]
    if code == "JINLING":  # pass from chainage 40 m
        return [
            Pipe(30.0, 0.0, depth_m=0.6, diameter_m=0.2, azimuth_deg=100.0, material="pvc", fill="water"),
            # the structurally failed stretch: asphalt thinned to about 5 cm around chainage 185 m
            Undulation(145.0, 0.0, length_m=160.0, width_m=40.0, amplitude_m=-0.10, interface="asphalt"),
            Manhole(120.0, -0.3, diameter_m=0.7),
            Cavity(s_m=230.0, u_m=0.05, depth_top_m=0.8, length_m=1.1, width_m=0.9, height_m=0.45),  # sound stretch
        ]
    if code == "FUKANG":  # pass from chainage 40 m
        return [
            Manhole(110.0, 0.3, diameter_m=0.7),
            Pipe(160.0, 0.0, depth_m=0.8, diameter_m=0.25, azimuth_deg=70.0, material="metal"),
            Void(s_m=230.0, u_m=0.0, length_m=1.8, width_m=1.1, height_m=0.04, under="base"),
            Cavity(s_m=262.0, u_m=-0.1, depth_top_m=0.55, length_m=1.3, width_m=1.0, height_m=0.45),
            LooseZone(s_m=282.0, u_m=0.05, depth_top_m=0.6, length_m=3.0, width_m=1.5, height_m=0.6),
        ]
    return []


def longdu_passes() -> list[dict]:
    """Every survey pass of the Longdu sample: the three short 12-channel passes of
    :func:`longdu_roads` and a long 3-channel pass per road from where the short one ends to 5 m
    before the road's end (key ``acq``: its :class:`Acquisition`), in the same lane."""
    short = longdu_roads()
    out = list(short)
    for i, r in enumerate(short):
        start = r["model"].length_m
        length = float(np.floor(r["line"].length - 5.0 - start))
        track = _track(r["line"], r["lane_offset_m"], start, length)
        layers = list(r["model"].layers)
        model = RoadModel(length, layers=layers, objects=_long_objects(r["code"]), frame=TrackFrame(track, CRS),
                          seed=LONGDU_SEED + 10 + i, name=f"{r['code']}_LONG")
        out.append({**r, "code": f"{r['code']}_LONG", "chainage_start_m": start, "model": model,
                    "acq": LONGDU_LONG_ACQ})
    return out


# --------------------------------------------------------------------------------------------
# Writing a campaign
# --------------------------------------------------------------------------------------------


#: Ranges of the surface condition of each stretch state: cracking %, rutting mm, ravelling grades.
_STATE = {
    "sound": {"crack": (2.0, 7.0), "rut": (1.5, 4.0), "rav": (0, 1)},
    "surface": {"crack": (12.0, 24.0), "rut": (5.0, 10.0), "rav": (1, 2)},
    "failed": {"crack": (45.0, 65.0), "rut": (26.0, 34.0), "rav": (3, 3)},
}


def _condition(passes: list[dict], rng: np.random.Generator, section_m: float = 20.0) -> pd.DataFrame:
    """Surface condition of one road by 20 m section: by the road's stretches (sound, distressed
    on top, structurally failed) when it has them, else random; worse where defects lie beneath."""
    road = passes[0]
    length = road["line"].length
    starts = np.arange(0.0, length, section_m)
    ends = np.minimum(starts + section_m, length)
    stretches = road.get("stretches")
    if stretches:
        mid = 0.5 * (starts + ends)
        state = np.full(starts.size, "sound", dtype=object)
        for a, b, st in stretches:
            state[(mid >= a) & (mid < b)] = st
        lo = {k: np.array([_STATE[t][k][0] for t in state]) for k in ("crack", "rut", "rav")}
        hi = {k: np.array([_STATE[t][k][1] for t in state]) for k in ("crack", "rut", "rav")}
        crack = rng.uniform(lo["crack"], hi["crack"])
        rut = rng.uniform(lo["rut"], hi["rut"])
        rav_score = rng.integers(lo["rav"], hi["rav"] + 1)
    else:
        base_crack = rng.uniform(3, 12)
        crack = np.clip(base_crack + rng.gamma(2.0, 2.0, starts.size), 0, 100)
        rut = np.clip(rng.normal(6.0, 2.0, starts.size), 0, None)
        rav_score = None
    for p in passes:
        model: RoadModel = p["model"]
        c0 = p["chainage_start_m"]
        for obj in model.anomalies:
            s0, s1, _, _ = obj.extent()
            hit = (ends > c0 + s0) & (starts < c0 + s1)
            weight = {"cavity": 12, "void": 18, "loose": 8, "water_rich": 10}[obj.kind]
            if stretches:  # defects show through a distressed surface only, and less
                hit &= state != "sound"
                weight /= 3
            crack = np.where(hit, np.clip(crack + weight + rng.uniform(0, 6 if not stretches else 2), 0, 100), crack)
            rut = np.where(hit, rut + rng.uniform(2, 6) / (3 if stretches else 1), rut)
    if rav_score is None:
        rav_score = np.clip(np.round(rng.normal(1.0, 0.8, starts.size) + crack / 25), 0, 3).astype(int)
    ravelling = np.array(["none", "light", "moderate", "severe"])[rav_score]
    pci = np.clip(100 - 1.1 * crack - 1.4 * rut - 6 * rav_score, 0, 100)
    return pd.DataFrame({
        "road": road["name"], "road_en": road["name_en"],
        "chainage_start_m": np.round(starts, 1), "chainage_end_m": np.round(ends, 1),
        "cracking_pct": np.round(crack, 1), "rutting_mm": np.round(rut, 1), "ravelling": ravelling,
        "pci": np.round(pci, 0).astype(int),
    })


def _cores(road: dict, rng: np.random.Generator, n: int = 3, first: int = 1) -> pd.DataFrame:
    """Asphalt cores in the surveyed lane: the model's asphalt thickness plus 3 mm measurement error."""
    model: RoadModel = road["model"]
    s = np.sort(rng.uniform(2.0, model.length_m - 2.0, n))
    u = rng.uniform(-0.3, 0.3, n)
    h = model.interfaces(s, u)[1]
    x, y = model.frame.to_xy(s, u)
    return pd.DataFrame({
        "road": road["name"], "road_en": road["name_en"],
        "core_id": [f"{road['code'].split('_')[0]}-C{k + first}" for k in range(n)],
        "chainage_m": np.round(road["chainage_start_m"] + s, 2),
        "offset_from_centreline_m": np.round(road["lane_offset_m"] + u, 2),
        "x": np.round(x, 3), "y": np.round(y, 3),
        "asphalt_mm": np.round(1000 * h + rng.normal(0, 3, n)).astype(int),
        "date": "2026-05-04",
    })


def read_truth(path: str | os.PathLike, survey: str | None = None, layer: str = "anomalies") -> gpd.GeoDataFrame:
    """Read a campaign's truth, optionally for one survey, in the exact anomaly schema.

    Parameters
    ----------
    path : path-like
        ``truth.gpkg`` of a campaign.
    survey : str, optional
        File stem of a survey (e.g. ``"WAIMAO"``); all surveys when None (then the ``survey``
        and ``road`` columns are kept).
    layer : {"anomalies", "clutter"}
    """
    if layer == "anomalies":
        df = read_anomalies(path, layer)
        if survey is None:
            return df
        return df[df["survey"] == survey].reset_index(drop=True)[ANOMALY_COLUMNS]
    df = gpd.read_file(path, layer=layer)
    if survey is None:
        return df
    return df[df["survey"] == survey].reset_index(drop=True).drop(columns=["survey", "road"])


def _write_road(k: int, road: dict, out: Path, acq: Acquisition, effects, seed: int, started,
                progress: bool):
    """Simulate and write one survey of a campaign (a process-pool task: everything it needs is in
    its arguments, its seed is the road's own, so the files do not depend on the number of
    workers). Returns its truth, its clutter truth and its record for campaign.json."""
    from roadhealth.io.gssi import write_dzt

    model: RoadModel = road["model"]
    pacq: Acquisition = road.get("acq", acq)
    if progress:
        print(f"simulating {road['code']} ({model.length_m:g} m, {pacq.n_channels} channels, "
              f"{pacq.trace_spacing_m:g} m)", flush=True)
    survey = simulate(model, pacq, effects, seed=seed + 1000 + k)
    t0 = np.datetime64(started.replace(tzinfo=None), "ns") + np.timedelta64(20 * 60 * k, "s")
    times = t0 + (survey.distance_m.values[0] / SPEED_M_S * 1e9).astype("timedelta64[ns]")
    ints = to_int16(survey)
    # the GNSS antenna sits at the array centre: DZG positions follow the track (offset 0)
    from pyproj import Transformer

    s_tr = survey.distance_m.values[0]
    gx, gy = model.frame.to_xy(s_tr, 0.0)
    noise = np.random.default_rng([seed, 77, k]).normal(0, 0.01, (2, s_tr.size))  # 1 cm RTK noise
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(gx + noise[0], gy + noise[1])
    nc = survey.sizes["channel"]
    ints = ints.assign_coords(
        lon=(("channel", "trace"), np.broadcast_to(lon, (nc, s_tr.size))),
        lat=(("channel", "trace"), np.broadcast_to(lat, (nc, s_tr.size))),
        time=("trace", times),
        mark=("trace", np.isin(np.arange(s_tr.size), np.arange(0, s_tr.size, round(10 / pacq.trace_spacing_m)))),
    )
    path = out / f"{road['code']}.DZT"
    write_dzt(ints, path, header_words=True, scans_per_second=SPEED_M_S / pacq.trace_spacing_m,
              created=(started + dt.timedelta(minutes=20 * k)).replace(tzinfo=None))
    tr = truth(model)
    tr["survey"] = road["code"]      # named extras of the anomaly table, after the core columns
    tr["road"] = road["name"]
    ct = clutter_truth(model)
    ct.insert(0, "road", road["name"])
    ct.insert(0, "survey", road["code"])
    record = {
        "file": path.name, "gnss": path.with_suffix(".DZG").name, "road": road["name"],
        "road_en": road["name_en"], "chainage_start_m": road["chainage_start_m"],
        "lane_offset_m": road["lane_offset_m"], "length_m": model.length_m,
        "n_traces": int(survey.sizes["trace"]), "amplitude_scale": float(ints.attrs["synthetic_scale"]),
        "started_utc": str(np.datetime_as_string(times[0], unit="s")) + "Z",
        "model": model.summary(),
        **({"acquisition": dataclasses.asdict(pacq)} if pacq != acq else {}),
    }
    return tr, ct, record


def write_campaign(
    out_dir: str | os.PathLike,
    roads: list[dict],
    *,
    acq: Acquisition = LONGDU_ACQ,
    effects: SystemEffects | None = None,
    seed: int = LONGDU_SEED,
    title: str = "Synthetic GPR campaign",
    started: dt.datetime = dt.datetime(2026, 5, 4, 2, 30, 0),
    progress: bool = False,
    workers: int = 1,
) -> Path:
    """Simulate and write a campaign folder (see the module docstring for its contents).

    Parameters
    ----------
    out_dir : path-like
    roads : list of dict
        Survey passes as returned by :func:`longdu_roads` or :func:`longdu_passes`: one per
        survey; passes of one road share its ``name`` (one centreline, one condition survey) and
        may carry their own ``acq`` and the road's ``stretches``.
    acq, effects
        Acquisition (of the passes without their own) and system effects of every survey.
    seed : int
        Seed of noise, surface condition and cores.
    started : datetime.datetime
        UTC start of the first survey; later surveys follow 20 minutes apart.
    workers : int
        Surveys simulated at once in worker processes (1: in this process). The files are the
        same for any number of workers.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    effects = effects if effects is not None else SystemEffects()
    rng = np.random.default_rng(seed)
    by_road: dict[str, list[dict]] = {}
    for r in roads:
        by_road.setdefault(r["name"], []).append(r)
    firsts = [p[0] for p in by_road.values()]
    cl = gpd.GeoDataFrame(
        {
            "name": [r["name"] for r in firsts],
            "name_en": [r["name_en"] for r in firsts],
            "width_m": [r["width_m"] for r in firsts],
            "lanes": [r["lanes"] for r in firsts],
            "length_m": [round(r["line"].length, 2) for r in firsts],
        },
        geometry=[r["line"] for r in firsts],
        crs=CRS,
    )
    meta = {"DESCRIPTION": ILLUSTRATIVE, "SOURCE": "roadhealth.synth.campaign", "CRS": CRS}
    cl.to_file(out / "centrelines.gpkg", layer="centrelines", driver="GPKG", layer_metadata=meta)

    anomalies, clutter, conditions, cores, surveys = [], [], [], [], []
    tasks = [(k, road, out, acq, effects, seed, started, progress) for k, road in enumerate(roads)]
    if workers > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            results = list(pool.map(_write_road, *zip(*tasks, strict=True)))
    else:
        results = [_write_road(*t) for t in tasks]
    for tr, ct, record in results:
        anomalies.append(tr)
        clutter.append(ct)
        surveys.append(record)
    for passes in by_road.values():  # condition and cores per road, over all its passes
        conditions.append(_condition(passes, rng))
        first = 1
        for p in passes:
            n = 3 if p["model"].length_m <= 100 else 4
            cores.append(_cores(p, rng, n=n, first=first))
            first += n

    ta = pd.concat(anomalies, ignore_index=True)
    gpd.GeoDataFrame(ta, geometry="geometry", crs=CRS).to_file(out / "truth.gpkg", layer="anomalies", driver="GPKG",
                                                                layer_metadata=meta)
    tc = pd.concat(clutter, ignore_index=True)
    gpd.GeoDataFrame(tc, geometry="geometry", crs=CRS).to_file(out / "truth.gpkg", layer="clutter", driver="GPKG",
                                                                layer_metadata=meta)
    pd.concat(conditions, ignore_index=True).to_csv(out / "surface_condition.csv", index=False)
    pd.concat(cores, ignore_index=True).to_csv(out / "cores.csv", index=False)
    manifest = {
        "title": title,
        "note": ILLUSTRATIVE,
        "crs": CRS,
        "seed": seed,
        "generator": "roadhealth.synth.campaign.write_campaign",
        "acquisition": dataclasses.asdict(acq),
        "effects": dataclasses.asdict(effects),
        "survey_speed_m_s": SPEED_M_S,
        "truth_frame": "distance_*_m along the survey track from its first trace; offset_*_m across it, "
                       "positive to the left (the survey's offset_m); depths below the road surface",
        "surveys": surveys,
    }
    (out / "campaign.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n",
                                       encoding="utf-8")
    return out


def make_longdu(out_dir: str | os.PathLike, progress: bool = False) -> Path:
    """Write the Longdu sample campaign (three roads, six passes: :func:`longdu_passes`) into ``out_dir``."""
    return write_campaign(out_dir, longdu_passes(), seed=LONGDU_SEED, title="Longdu sample campaign (synthetic)",
                          progress=progress)


# --------------------------------------------------------------------------------------------
# Larger generated campaigns
# --------------------------------------------------------------------------------------------


def random_road_model(length_m: float, frame: TrackFrame, rng: np.random.Generator, *, seed: int,
                      defects_per_100m: float = 2.0, clutter_per_100m: float = 2.0, name: str = "",
                      swath_m: float = 0.8) -> RoadModel:
    """A road model with random layers, defects and clutter.

    Parameters
    ----------
    length_m : float
    frame : TrackFrame
    rng : numpy.random.Generator
        Draws the layout.
    seed : int
        The model's own seed (slow variations, heterogeneity).
    defects_per_100m, clutter_per_100m : float
        Mean numbers (Poisson) of defects and of clutter objects per 100 m.
    swath_m : float
        Width of the surveyed swath; defects are centred inside it.
    """
    layers = default_layers(asphalt_m=rng.uniform(0.12, 0.26), base_m=rng.uniform(0.22, 0.38),
                            subbase_m=rng.uniform(0.18, 0.32))
    objects: list = []
    n_def = rng.poisson(defects_per_100m * length_m / 100)
    n_clu = rng.poisson(clutter_per_100m * length_m / 100)
    slots = np.sort(rng.uniform(4.0, max(5.0, length_m - 4.0), n_def + n_clu))
    order = rng.permutation(n_def + n_clu)
    for k, s in zip(order, slots, strict=True):
        u = rng.uniform(-swath_m / 3, swath_m / 3)
        if k < n_def:
            kind = rng.choice(["cavity", "void", "loose", "water_rich"], p=[0.3, 0.25, 0.25, 0.2])
            if kind == "cavity":
                objects.append(Cavity(s_m=s, u_m=u, depth_top_m=rng.uniform(0.4, 1.0), length_m=rng.uniform(0.6, 1.8),
                                      width_m=rng.uniform(0.5, 1.4), height_m=rng.uniform(0.2, 0.6),
                                      water_fraction=float(rng.choice([0.0, 0.0, 0.3]))))
            elif kind == "void":
                objects.append(Void(s_m=s, u_m=u, length_m=rng.uniform(0.8, 2.5), width_m=rng.uniform(0.6, 1.5),
                                    height_m=rng.uniform(0.02, 0.06), under=str(rng.choice(["asphalt", "base"]))))
            elif kind == "loose":
                objects.append(LooseZone(s_m=s, u_m=u, depth_top_m=rng.uniform(0.35, 0.8), length_m=rng.uniform(1.5, 4.0),
                                         width_m=rng.uniform(1.0, 2.0), height_m=rng.uniform(0.4, 0.8)))
            else:
                objects.append(WaterRichZone(s_m=s, u_m=u, depth_top_m=rng.uniform(0.4, 0.9),
                                             length_m=rng.uniform(2.0, 5.0), width_m=rng.uniform(1.5, 3.0),
                                             height_m=rng.uniform(0.3, 0.6), eps_r=rng.uniform(20, 30),
                                             sigma_s_m=rng.uniform(0.03, 0.08)))
        else:
            kind = rng.choice(["metal_pipe", "pvc_pipe", "manhole", "undulation"], p=[0.35, 0.25, 0.2, 0.2])
            if kind in ("metal_pipe", "pvc_pipe"):
                objects.append(Pipe(s, 0.0, depth_m=rng.uniform(0.5, 1.1), diameter_m=rng.uniform(0.1, 0.4),
                                    azimuth_deg=rng.uniform(55, 125), material="metal" if kind == "metal_pipe" else "pvc",
                                    fill=str(rng.choice(["air", "water"]))))
            elif kind == "manhole":
                objects.append(Manhole(s, rng.uniform(-0.5, 0.5), diameter_m=rng.uniform(0.6, 0.8)))
            else:
                objects.append(Undulation(s, 0.0, length_m=rng.uniform(3, 8), width_m=6.0,
                                          amplitude_m=rng.uniform(-0.08, 0.08), interface=str(rng.choice(["base", "subbase"]))))
    return RoadModel(length_m, layers=layers, objects=objects, frame=frame, seed=seed, name=name)


def generate_campaign(out_dir: str | os.PathLike, n_roads: int = 25, length_m: float = 1000.0, seed: int = 1,
                      *, acq: Acquisition = LONGDU_ACQ, effects: SystemEffects | None = None,
                      defects_per_100m: float = 2.0, clutter_per_100m: float = 2.0,
                      progress: bool = False, workers: int = 1) -> Path:
    """Generate a larger campaign of random roads near Longdu, with the same layout of files.

    Parameters
    ----------
    out_dir : path-like
    n_roads : int
    length_m : float
        Surveyed length of every road, m (its centreline is 10-30 % longer).
    seed : int
    acq, effects
        Acquisition and instrument effects (default: the Longdu array).
    defects_per_100m, clutter_per_100m : float
        Mean densities of defects and clutter.
    workers : int
        Roads simulated at once in worker processes (the files do not depend on it).

    Returns
    -------
    pathlib.Path

    Notes
    -----
    Simulation costs roughly 1 ms per trace on one core (12 channels x 20 traces/m: about
    4 minutes per road km), dominated by the Kirchhoff sums of defects and background
    inclusions. Each DZT takes ``n_channels * 2 * n_samples`` bytes per trace (12.3 MB per
    100 m for the default array).
    """
    rng = np.random.default_rng(seed)
    roads = []
    for i in range(n_roads):
        lon = 108.37 + rng.uniform(0, 0.06)
        lat = 30.78 + rng.uniform(0, 0.04)
        total = length_m * rng.uniform(1.1, 1.3)
        lanes = int(rng.choice([2, 2, 4, 6]))
        width = lanes * 3.5 + rng.uniform(0, 2)
        line = centreline(lon, lat, rng.uniform(0, 360), total, rng.uniform(-0.002, 0.002))
        lane_offset = -width / lanes / 2
        start = float(rng.uniform(0, total - length_m))
        track = _track(line, lane_offset, start, length_m)
        code = f"ROAD{i + 1:02d}"
        model = random_road_model(length_m, TrackFrame(track, CRS), rng, seed=seed * 1000 + i,
                                  defects_per_100m=defects_per_100m, clutter_per_100m=clutter_per_100m, name=code)
        roads.append({"name": f"龙都{i + 1:02d}路", "name_en": f"Longdu Road {i + 1:02d}", "code": code,
                      "width_m": round(width, 1), "lanes": lanes, "line": line, "lane_offset_m": lane_offset,
                      "chainage_start_m": round(start, 2), "model": model})
    return write_campaign(out_dir, roads, acq=acq, effects=effects, seed=seed,
                          title=f"Generated synthetic campaign ({n_roads} roads x {length_m:g} m)", progress=progress,
                          workers=workers)


def programme_inputs(n_roads: int = 25, phase1: int = 8, length_m: tuple[float, float] = (300.0, 1200.0),
                     seed: int = LONGDU_SEED, thickness_step_m: float = 0.5) -> dict:
    """Planner inputs of a road programme, without simulating radar (the Longdu programme: 25 roads,
    8 of them in the first phase).

    Each road gets a random centreline near Longdu, a random layered model with defects and
    clutter (:func:`random_road_model`) surveyed in its right-hand lane over its whole length,
    stretches of surface condition (sound, distressed on top, now and then structurally failed)
    and asphalt thickness along the surveyed lane from the model (what calibrated radar picks give).

    Parameters
    ----------
    n_roads : int
    phase1 : int
        The first ``phase1`` roads are phase 1, the others phase 2 (centrelines' ``phase``).
    length_m : (float, float)
        Range of road lengths, m.
    seed : int
    thickness_step_m : float
        Spacing of the thickness points along the lane, m (on 3 lines 0.3 m apart).

    Returns
    -------
    dict
        ``centrelines`` (GeoDataFrame: name, name_en, width_m, lanes, phase), ``anomalies`` (truth
        in the anomaly schema with ``survey`` and ``road``), ``condition`` (DataFrame),
        ``thickness`` (DataFrame: x, y, asphalt_mm) and ``roads`` (the pass dicts).
    """
    rng = np.random.default_rng([seed, 11])
    roads, anomalies, conditions, thick = [], [], [], []
    for i in range(n_roads):
        total = float(rng.uniform(*length_m))
        lanes = int(rng.choice([2, 2, 4]))
        width = lanes * 3.5 + float(rng.uniform(0, 1.5))
        line = centreline(108.37 + rng.uniform(0, 0.06), 30.78 + rng.uniform(0, 0.04), rng.uniform(0, 360), total,
                          rng.uniform(-0.0015, 0.0015))
        lane_offset = -width / lanes / 2
        length = float(np.floor(total - 2.0))
        code = f"ROAD{i + 1:02d}"
        model = random_road_model(length, TrackFrame(_track(line, lane_offset, 0.0, length), CRS), rng,
                                  seed=seed * 100 + i, defects_per_100m=1.5, clutter_per_100m=1.0, name=code)
        cuts = np.sort(rng.uniform(0, total, rng.integers(2, 6)))
        edges = np.r_[0.0, cuts, total]
        states = rng.choice(["sound", "surface", "failed"], size=edges.size - 1, p=[0.4, 0.52, 0.08])
        road = {"name": f"龙都{i + 1:02d}路", "name_en": f"Longdu Road {i + 1:02d}", "code": code,
                "width_m": round(width, 1), "lanes": lanes, "line": line, "lane_offset_m": lane_offset,
                "chainage_start_m": 0.0, "model": model,
                "stretches": [(float(a), float(b), str(st)) for a, b, st in zip(edges[:-1], edges[1:], states,
                                                                                  strict=True)]}
        roads.append(road)
        tr = truth(model)
        tr["survey"] = code
        tr["road"] = road["name"]
        anomalies.append(tr)
        conditions.append(_condition([road], rng))
        s = np.arange(0.0, length, thickness_step_m)
        for u in (-0.3, 0.0, 0.3):
            x, y = model.frame.to_xy(s, u)
            thick.append(pd.DataFrame({"x": x, "y": y, "asphalt_mm": 1000 * model.interfaces(s, u)[1]}))
    cl = gpd.GeoDataFrame({
        "name": [r["name"] for r in roads], "name_en": [r["name_en"] for r in roads],
        "width_m": [r["width_m"] for r in roads], "lanes": [r["lanes"] for r in roads],
        "phase": [1 if i < phase1 else 2 for i in range(n_roads)],
    }, geometry=[r["line"] for r in roads], crs=CRS)
    an = gpd.GeoDataFrame(pd.concat(anomalies, ignore_index=True), geometry="geometry", crs=CRS)
    from roadhealth.anomalies import conform_anomalies

    return {"centrelines": cl, "anomalies": conform_anomalies(an, source="programme truth"),
            "condition": pd.concat(conditions, ignore_index=True),
            "thickness": pd.concat(thick, ignore_index=True), "roads": roads}
