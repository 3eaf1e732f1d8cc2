"""roadhealth.detect: API and schema, each kind on synthetic roads, clutter, risk presets, explain,
errors, real files, SEG-Y with time zero at the source."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import SAMPLES_DIR, requires_samples, resampled_in_time

import roadhealth
import roadhealth.processing as rp
from roadhealth.anomalies import ANOMALY_COLUMNS, validate_anomalies
from roadhealth.detect import DetectionError, candidates, detect, explain, risk
from roadhealth.errors import RoadHealthError
from roadhealth.synth import (
    Acquisition,
    Cavity,
    Manhole,
    Pipe,
    RoadModel,
    Void,
    WaterRichZone,
    simulate,
)
from roadhealth.synth.truth import truth

EXTRAS = ["risk_score", "features", "anomaly_id", "survey"]
ACQ6 = Acquisition(frequency_mhz=600, n_channels=6, trace_spacing_m=0.05, n_samples=256, window_ns=32.0)
ACQ1 = Acquisition(frequency_mhz=600, n_channels=1, trace_spacing_m=0.05, n_samples=256, window_ns=32.0)


def road(objects, acq=ACQ6, seed=1, length_m=16.0, effects=None):
    model = RoadModel(length_m, objects=list(objects), seed=seed, name="test")
    return model, simulate(model, acq, effects)


SCENARIOS = {
    "cavity": [Cavity(s_m=8, u_m=0.0, depth_top_m=0.6, length_m=1.0, width_m=0.8, height_m=0.4)],
    "void": [Void(s_m=8, u_m=0.0, length_m=1.5, width_m=1.0, height_m=0.04, under="asphalt")],
    "water_rich": [WaterRichZone(s_m=8, u_m=0.0, depth_top_m=0.5, length_m=3.0, width_m=2.0, height_m=0.5)],
}


@pytest.fixture(scope="module")
def cavity_road():
    return road(SCENARIOS["cavity"])


@pytest.fixture(scope="module")
def cavity_detections(cavity_road):
    return detect(cavity_road[1])


# ------------------------------------------------------------------------------------ API, schema
def test_schema_of_a_detection_table(cavity_detections):
    d = cavity_detections
    assert list(d.columns) == ANOMALY_COLUMNS + EXTRAS
    validate_anomalies(d, risk_levels=risk.load_table("beijing")["grades"])
    assert len(d) >= 1
    assert d["risk"].dtype.ordered and list(d["risk"].dtype.categories) == ["IV", "III", "II", "I"]
    assert d["anomaly_id"].is_unique and all(a.startswith("test-") for a in d["anomaly_id"])
    assert (d["survey"] == "test").all()
    feats = json.loads(d["features"].iloc[0])
    assert {"z_peak", "polarity", "coherence", "velocity_m_per_ns"} <= set(feats)
    assert "velocity" in d["evidence"].iloc[0] or "eps_r" in d["evidence"].iloc[0]
    assert d.crs is None  # the synthetic road has a local frame
    assert set(d.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    info = d.attrs["detect"]
    assert info["velocity_m_per_ns"] > 0 and info["surface_measured"]


def test_the_package_is_callable(cavity_road, cavity_detections):
    import roadhealth.detect as rd

    d = rd(cavity_road[1], risk="beijing")
    assert list(d.columns) == list(cavity_detections.columns)
    assert np.allclose(d["depth_top_m"], cavity_detections["depth_top_m"])


def test_clean_road_gives_an_empty_table_with_every_column():
    _, s = road([], seed=3)
    d = detect(s, risk="seoul")
    assert len(d) == 0
    assert list(d.columns) == ANOMALY_COLUMNS + EXTRAS
    assert list(d["risk"].dtype.categories) == ["observation", "general", "priority", "emergency"]
    assert str(d["kind"].dtype) == "category" and d["risk_score"].dtype == np.float64
    validate_anomalies(d)


def test_clean_roads_have_no_false_alarms():
    """Realistic instrument effects and background stones, three seeds, 3 x 16 m x 6 channels."""
    n = 0
    for seed in (11, 12, 13):
        _, s = road([], seed=seed)
        n += len(detect(s))
    assert n == 0


# ------------------------------------------------------------------------------------ each kind
def _centre(row):
    return 0.5 * (row["distance_start_m"] + row["distance_end_m"])


@pytest.mark.parametrize("acq", [ACQ6, ACQ1], ids=["array", "profile"])
@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_each_kind_found_with_depth_and_position(kind, acq):
    model, s = road(SCENARIOS[kind], acq=acq)
    t = truth(model).iloc[0]
    d = detect(s)
    assert len(d) == 1, d[["kind", "distance_start_m", "depth_top_m"]]
    r = d.iloc[0]
    assert r["kind"] == kind
    assert abs(r["depth_top_m"] - t["depth_top_m"]) <= 0.1
    assert abs(_centre(r) - _centre(t)) <= 0.2
    assert r["distance_start_m"] < t["distance_end_m"] and r["distance_end_m"] > t["distance_start_m"]
    assert 0.5 <= r["confidence"] <= 1


def test_small_thin_cavity_at_400_mhz():
    """A 50 x 50 x 10 cm air cavity 0.8 m deep, 400 MHz, one profile: thinner than a quarter
    wavelength, so its polarity is undefined; still a cavity, at the right depth and place."""
    _, s = road([Cavity(s_m=8, u_m=0.0, depth_top_m=0.8, length_m=0.5, width_m=0.5, height_m=0.1)],
                    acq=Acquisition(frequency_mhz=400, n_channels=1, trace_spacing_m=0.05, n_samples=256,
                                    window_ns=60.0), seed=7)
    d = detect(s)
    assert len(d) == 1 and d.iloc[0]["kind"] == "cavity"
    assert abs(d.iloc[0]["depth_top_m"] - 0.8) <= 0.1
    assert abs(_centre(d.iloc[0]) - 8.0) <= 0.2


def test_loose_zone_in_the_sample_campaign():
    s = roadhealth.read("sample_data/longdu/WAIMAO.DZT")
    d = detect(s)
    loose = d[d["kind"] == "loose"]
    assert len(loose) == 1
    assert loose.iloc[0]["distance_start_m"] < 43.5 and loose.iloc[0]["distance_end_m"] > 40.5


def test_sample_campaign_recall_and_kinds():
    """The Longdu campaign: every detection matches a true defect (or is the air-filled PVC pipe,
    reported as a doubtful cavity), at least 7 of the 9 defects are found, all 7 with the right
    kind (measured: the Jinling loose zone is missed; the deep 0.9 m Fukang cavity, whose top has
    no clear polarity (phase consistency 0.30) and a weak top (z 3.7), but is coherent along its
    dip, is no longer reported, where it used to be called loose soil, the wrong kind)."""
    from roadhealth.synth.campaign import read_truth

    found = right = 0
    for name in ("WAIMAO", "JINLING", "FUKANG"):
        d = detect(roadhealth.read(f"sample_data/longdu/{name}.DZT"))
        t = read_truth("sample_data/longdu/truth.gpkg", survey=name)
        clutter = read_truth("sample_data/longdu/truth.gpkg", survey=name, layer="clutter")
        for _, r in d.iterrows():
            hit = t[(t["distance_start_m"] - 0.3 < _centre(r)) & (_centre(r) < t["distance_end_m"] + 0.3)]
            on_pvc = clutter[(clutter["distance_start_m"] - 0.3 < _centre(r))
                             & (_centre(r) < clutter["distance_end_m"] + 0.3)
                             & clutter["description"].str.contains("PVC")]
            if len(hit) == 0 and len(on_pvc) == 1:
                assert r["kind"] == "cavity" and "air-filled pipe cannot be excluded" in r["evidence"]
                continue
            assert len(hit) == 1, f"{name}: false alarm {r['kind']} at {_centre(r):.2f} m"
            right += hit.iloc[0]["kind"] == r["kind"]
            # a loose zone's top (soil to looser soil) is weak; its detection's top is the strongest
            # scattering under it (Waimao: 0.16 m deeper, 0.21 since the fast model's direct wave
            # carries the near-field phase)
            tol = 0.25 if hit.iloc[0]["kind"] == "loose" else 0.2
            assert abs(hit.iloc[0]["depth_top_m"] - r["depth_top_m"]) <= tol
            found += 1
    assert found >= 7 and right >= 7 and found - right <= 1


# ------------------------------------------------------------------------------------ clutter
@pytest.mark.parametrize("acq", [ACQ6, ACQ1], ids=["array", "profile"])
@pytest.mark.parametrize("azimuth", [60, 80, 95])
def test_metal_pipes_are_not_defects(azimuth, acq):
    _, s = road([Pipe(s_m=8, u_m=0.0, depth_m=0.6, diameter_m=0.2, azimuth_deg=azimuth, material="metal")],
                acq=acq)
    d = detect(s)
    assert len(d) == 0, d[["kind", "distance_start_m", "depth_top_m", "features"]].to_string()
    assert d.attrs["detect"]["rejected"].get("pipe") == 1


def test_air_filled_pvc_pipe_is_at_most_a_doubtful_cavity():
    """An air-filled PVC pipe and a small cavity give the same picture (opposite polarity, a
    near-point hyperbola); the detector errs on the side of the cavity but says so."""
    _, s = road([Pipe(s_m=8, u_m=0.0, depth_m=0.6, diameter_m=0.2, azimuth_deg=80, material="pvc")], acq=ACQ1)
    d = detect(s)
    assert set(d["kind"].astype(str)) <= {"cavity"}
    for _, r in d.iterrows():
        assert "air-filled pipe cannot be excluded" in r["evidence"]
        assert r["confidence"] < 0.9


def test_manhole_is_not_a_defect():
    _, s = road([Manhole(s_m=8, u_m=0.0)])
    d = detect(s)
    assert len(d) == 0
    assert d.attrs["detect"]["rejected"].get("surface", 0) >= 1


# ------------------------------------------------------------------------------------ input forms
def test_processed_survey_is_used_as_it_is(cavity_road, cavity_detections):
    p = rp.apply(cavity_road[1])
    d = detect(p)
    assert not d.attrs["detect"]["surface_measured"]  # background removed: convention assumed
    assert list(d["kind"].astype(str)) == list(cavity_detections["kind"].astype(str))
    assert np.allclose(d["depth_top_m"], cavity_detections["depth_top_m"], atol=0.02)


def test_int16_and_missing_antenna_frequency(cavity_road, cavity_detections):
    from roadhealth.synth import to_int16

    s = to_int16(cavity_road[1], header_samples=0)
    s.attrs = {k: v for k, v in s.attrs.items() if k != "antenna_mhz"}
    d = detect(s)
    assert any("estimated from the spectrum" in n for n in d.attrs["detect"]["notes"])
    assert list(d["kind"].astype(str)) == list(cavity_detections["kind"].astype(str))
    assert abs(d.attrs["detect"]["centre_mhz"] - 600) < 0.2 * 600


@pytest.mark.parametrize("antenna", [True, False])
def test_traces_recorded_far_finer_give_the_same_detections(cavity_road, cavity_detections, antenna):
    """A full-wave simulator writes every time step (here 107 samples per period): the traces are
    decimated, anti-aliased, to near 24 per period, and the same defect comes out."""
    s = resampled_in_time(cavity_road[1], 8)
    if not antenna:
        s.attrs = {k: v for k, v in s.attrs.items() if k != "antenna_mhz"}
    d = detect(s)
    notes = d.attrs["detect"]["notes"]
    assert any("decimated by 4" in n for n in notes), notes
    assert list(d["kind"].astype(str)) == list(cavity_detections["kind"].astype(str))
    assert np.allclose(d["depth_top_m"], cavity_detections["depth_top_m"], atol=0.05)
    assert np.allclose(d["distance_start_m"], cavity_detections["distance_start_m"], atol=0.1)
    assert np.allclose(d["distance_end_m"], cavity_detections["distance_end_m"], atol=0.1)


def test_an_integer_oversampling_is_undone_exactly(cavity_road):
    """Traces at 24 samples per period recorded 8 times finer come back to the same grid (not a
    hair under it, where an estimated frequency puts 8 x 24 at 7.99): the same table."""
    # at 0.0625 ns, read as a 670 MHz antenna: 23.9 samples per period (8 x 23.9 / 24 = 7.96)
    s = resampled_in_time(cavity_road[1], 2).assign_attrs(antenna_mhz=670.0)
    ref = detect(s)
    d = detect(resampled_in_time(s, 8))
    assert any("decimated by 8" in n for n in d.attrs["detect"]["notes"])
    assert list(d["kind"].astype(str)) == list(ref["kind"].astype(str))
    assert np.allclose(d["depth_top_m"], ref["depth_top_m"], atol=0.01)
    assert np.allclose(d["distance_start_m"], ref["distance_start_m"], atol=0.01)


def test_uneven_trace_spacing_is_regularised(cavity_road, cavity_detections):
    s = cavity_road[1]
    rng = np.random.default_rng(0)
    keep = np.sort(rng.choice(s.sizes["trace"], size=int(0.8 * s.sizes["trace"]), replace=False))
    keep = np.union1d(keep, [0, s.sizes["trace"] - 1])
    d = detect(s.isel(trace=keep))
    assert any("regularised" in n for n in d.attrs["detect"]["notes"])
    assert len(d) == 1 and d.iloc[0]["kind"] == "cavity"
    assert abs(_centre(d.iloc[0]) - _centre(cavity_detections.iloc[0])) < 0.15


def test_segy_with_time_zero_at_the_source_gives_the_same_detections(tmp_path, cavity_road, cavity_detections):
    """A full-wave-style export: 6 ns of air above the surface, the sample interval in ps."""
    from roadhealth.io.segy import read_segy, write_segy

    s = cavity_road[1]
    dt = s.attrs["dt_ns"]
    n_air = round(6.0 / dt)
    rng = np.random.default_rng(1)
    air = 1e-5 * rng.standard_normal((s.sizes["channel"], s.sizes["trace"], n_air)).astype(np.float32)
    data = np.concatenate([air, s.values], axis=-1)[..., : s.sizes["sample"]]
    shifted = s.copy(data=data)
    path = write_segy(shifted, tmp_path / "cavity.sgy", dt_encoding="ps")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = read_segy(path)
    d = detect(back)
    assert list(d["kind"].astype(str)) == list(cavity_detections["kind"].astype(str))
    assert np.allclose(d["depth_top_m"], cavity_detections["depth_top_m"], atol=0.05)
    assert np.allclose(d["distance_start_m"], cavity_detections["distance_start_m"], atol=0.1)


def test_a_line_recorded_backwards_is_not_regularised_away(cavity_road, cavity_detections):
    s = cavity_road[1]
    back = s.assign_coords(distance_m=(("channel", "trace"), s["distance_m"].values[:, ::-1].copy()))
    d = detect(back)
    assert not any("regularised" in n for n in d.attrs["detect"]["notes"])
    assert list(d["kind"].astype(str)) == list(cavity_detections["kind"].astype(str))
    assert abs(_centre(d.iloc[0]) - (16.0 - _centre(cavity_detections.iloc[0]))) < 0.15


def test_dask_backed_survey_gives_the_same_table(cavity_road, cavity_detections):
    d = detect(cavity_road[1].chunk({"trace": 97}))
    assert list(d["kind"].astype(str)) == list(cavity_detections["kind"].astype(str))
    assert np.allclose(d["depth_top_m"], cavity_detections["depth_top_m"])
    assert np.allclose(d["distance_start_m"], cavity_detections["distance_start_m"])


def test_candidates_table(cavity_road):
    c = candidates(cavity_road[1])
    assert len(c) >= 1
    for col in ("candidate", "distance_start_m", "depth_top_m", "z_peak", "polarity", "coherence",
                "hyperbola_v_ratio", "geometry"):
        assert col in c.columns
    assert c["polarity"].iloc[0] > 0.5  # a cavity top is opposite to the surface


# ------------------------------------------------------------------------------------ risk
def test_beijing_preset_scores_and_grades():
    kinds = ["cavity", "void", "water_rich", "loose", "loose", "loose", "water_rich"]
    sev = [None, None, "severe", "severe", "medium", "slight", None]
    g, _score, table = risk.grade(kinds, cover_m=[0.3] * 7, length_m=[1.0] * 7, width_m=[1.0] * 7,
                                 severity=sev, risk="beijing")
    # h/l = 0.3 -> f = 1: the score is the type coefficient; grades by the table's thresholds
    u = risk.urgency(kinds, sev, [0.3] * 7, [1.0] * 7)
    assert np.allclose(u, [1.0, 1.0, 0.9, 0.8, 0.6, 0.3, 0.7])
    assert g == ["I", "I", "I", "I", "II", "III", "I"]
    # a deep small cavity: h/l = 4 -> f = 0.3 -> grade III
    g2, _, _ = risk.grade(["cavity"], cover_m=[2.0], length_m=[0.5], width_m=[0.5], risk="beijing")
    assert g2 == ["III"]
    assert table["grades"] == ["IV", "III", "II", "I"]


def test_seoul_preset():
    cover = [0.15, 0.25, 0.5, 0.5, 0.5, 0.5]
    width = [1.0, 1.0, 1.6, 0.5, 1.0, 1.0]
    asphalt = [np.nan, np.nan, np.nan, np.nan, np.nan, 0.08]
    g, _, _ = risk.grade(["cavity"] * 6, cover_m=cover, length_m=[0.5] * 6, width_m=width,
                         asphalt_m=asphalt, risk="seoul")
    assert g == ["emergency", "priority", "priority", "observation", "general", "emergency"]


def test_japan_preset():
    g, _, _ = risk.grade(["cavity", "cavity", "cavity", "void"], cover_m=[0.2, 0.6, 0.6, 0.35],
                         length_m=[0.3, 0.6, 0.3, 0.3], width_m=[0.3, 0.3, 0.3, 0.4], risk="japan")
    assert g == ["A", "B", "C", "C"]


def test_risk_score_is_comparable_across_presets():
    args = dict(cover_m=[0.15, 1.5], length_m=[2.0, 0.4], width_m=[2.0, 0.4])
    for preset in ("beijing", "seoul", "japan"):
        g, score, table = risk.grade(["cavity", "cavity"], risk=preset, **args)
        assert table["grades"].index(g[0]) == len(table["grades"]) - 1  # most urgent grade
        assert score[0] > score[1] and score[0] >= 1 - 1 / len(table["grades"])
        assert ((score >= 0) & (score <= 1)).all()


def test_user_table_dict_and_toml(cavity_road):
    table = {"name": "mine", "grades": ["ok", "watch", "fix"],
             "rules": [{"grade": "fix", "kinds": ["cavity", "void"], "cover_max_m": 1.0},
                       {"grade": "watch", "size_min_m": 2.0}, {"grade": "ok"}]}
    g, _, _ = risk.grade(["cavity", "loose", "loose"], cover_m=[0.5, 0.5, 0.5], length_m=[1, 3, 1],
                         width_m=[1, 1, 1], risk=table)
    assert g == ["fix", "watch", "ok"]
    toml = 'name = "t"\ngrades = ["low", "high"]\n[[rules]]\ngrade = "high"\ncover_max_m = 2.0\n[[rules]]\ngrade = "low"\n'
    d = detect(cavity_road[1], risk=toml)
    assert list(d["risk"].dtype.categories) == ["low", "high"] and (d["risk"] == "high").all()


@pytest.mark.parametrize("bad, match", [
    ("tokyo", "unknown risk preset"),
    ({"grades": ["a"], "rules": [{"grade": "b"}]}, "not one of"),
    ({"grades": ["a", "b"], "rules": [{"grade": "a", "cover_max_m": 1}]}, "default"),
    ({"grades": ["a"], "rules": [{"grade": "a", "depht_max_m": 1}, {"grade": "a"}]}, "unknown condition"),
    ({"rules": [{"grade": "a"}]}, "grades"),
])
def test_bad_risk_tables(bad, match):
    with pytest.raises(DetectionError, match=match):
        risk.load_table(bad)


# ------------------------------------------------------------------------------------ explain
def test_explain_sentences(cavity_detections):
    text = explain(cavity_detections.iloc[0])
    assert text.startswith("Cavity (confidence")
    assert "m deep" in text and "opposite to the road surface" in text and "Risk I" in text
    with pytest.raises(DetectionError, match="lacks column"):
        explain({"kind": "cavity"})


# ------------------------------------------------------------------------------------ bad input
def _tiny(values, **attrs):
    s = roadhealth.make_survey(values, dt_ns=0.125, distance_m=np.arange(values.shape[1]) * 0.05,
                               antenna_mhz=600.0)
    return s.assign_attrs(**attrs)


@pytest.mark.parametrize("make, match", [
    (lambda: _tiny(np.zeros((1, 50, 0), np.float32)), "no samples"),
    (lambda: _tiny(np.zeros((1, 50, 256), np.int16)), "every sample is zero"),
    (lambda: _tiny(np.full((1, 50, 256), np.nan, np.float32)), "NaN"),
    (lambda: _tiny(np.random.default_rng(0).standard_normal((1, 50, 20)).astype(np.float32)),
     "below the pavement needs at least"),
    (lambda: _tiny(np.random.default_rng(0).standard_normal((1, 50, 256)).astype(np.float32), domain="depth"),
     "depth-domain"),
])
def test_bad_input_raises_a_clear_error(make, match):
    with pytest.raises(DetectionError, match=match) as info:
        detect(make())
    assert isinstance(info.value, RoadHealthError) and isinstance(info.value, ValueError)


def _positions(d):
    x = np.random.default_rng(0).standard_normal((1, d.size, 256)).astype(np.float32)
    return roadhealth.make_survey(x, dt_ns=0.125, distance_m=d, antenna_mhz=600.0)


def test_corrupt_positions_raise_a_clear_error_not_a_memory_error():
    """Found by fuzzing: one SEG-Y CDP_X of 2**31 - 1 made the spacing's regularisation ask for 28
    million traces (52 GB); a MALA start position of 1e308 left every trace at one float distance
    and the hyperbola fits without a moveout (numpy's LinAlgError)."""
    d = np.arange(50) * 0.05
    jump = d.copy()
    jump[1:] += 2147483.0
    with pytest.raises(DetectionError, match=r"distance_m jumps by 2\.1\d*e\+06 m between traces 0 and 1"):
        detect(_positions(jump))
    with pytest.raises(DetectionError, match=r"distance_m reaches 1e\+308"):
        detect(_positions(np.full(50, 1e308)))
    # an uneven line whose spacing can be evened out is still searched (no more than 4 x the traces)
    gap = d.copy()
    gap[25:] += 1.0
    detect(_positions(gap))


@pytest.fixture(scope="module")
def one_cavity():
    """A 400 MHz profile over one cavity (the survey the extreme-input checks started from)."""
    from roadhealth.synth import Acquisition, simulate

    model = RoadModel(20.0, objects=[Cavity(s_m=10, u_m=0.0, depth_top_m=0.6, length_m=1.2, width_m=0.9,
                                            height_m=0.4)], seed=1)
    s = simulate(model, Acquisition(frequency_mhz=400, n_channels=1, trace_spacing_m=0.05))
    return s, detect(s)


def test_infinite_samples_count_as_missing_not_as_the_largest_float(one_cavity):
    """Found by fuzzing: one +inf sample 150 traces away, taken as the largest float by the
    surface and polarity measurements, turned the cavity into a wet zone."""
    s, base = one_cavity
    assert base["kind"].astype(str).tolist() == ["cavity"]
    for bad in (np.inf, -np.inf):
        v = np.asarray(s.values, dtype=np.float64).copy()
        v[0, 50, 80] = bad
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no overflow either
            d = detect(s.copy(data=v))
        assert d["kind"].astype(str).tolist() == ["cavity"]


@pytest.mark.parametrize("scale", [1e-25, 1e25])
def test_detection_does_not_depend_on_the_amplitude_scale(one_cavity, scale):
    """Found by feeding detect valid extremes: a simulated cavity scaled by 1e-25 or 1e25 (float32
    envelopes underflow or overflow) gave an empty table."""
    s, base = one_cavity
    d = detect(s.copy(data=np.asarray(s.values, dtype=np.float64) * scale))
    assert d["kind"].astype(str).tolist() == base["kind"].astype(str).tolist() == ["cavity"]
    assert d["confidence"].to_numpy() == pytest.approx(base["confidence"].to_numpy(), abs=1e-4)
    assert any("amplitudes scaled" in n for n in d.attrs["detect"]["notes"])
    assert not any("amplitudes scaled" in n for n in base.attrs["detect"]["notes"])


def test_channels_at_one_offset_give_a_profile_footprint(cavity_road):
    """A multi-channel file that records no offsets (all 0) had empty footprints (width 0)."""
    s = cavity_road[1]
    three = roadhealth.make_survey(np.repeat(np.asarray(s.values), 3, axis=0), dt_ns=float(s.attrs["dt_ns"]),
                                   distance_m=np.asarray(s.distance_m.values).reshape(-1, s.sizes["trace"])[0],
                                   antenna_mhz=float(s.attrs["antenna_mhz"]))
    d = detect(three)
    assert len(d) >= 1 and not d.geometry.is_empty.any() and (d["width_m"] > 0).all()
    validate_anomalies(d)


@pytest.mark.parametrize("n_samples", [8, 20, 40])
def test_a_record_too_short_is_named_before_the_recipe_runs(n_samples):
    """Short records had failed in the recipe's dewow step, with a message about its window."""
    s = _positions(np.arange(50) * 0.05).isel(sample=slice(0, n_samples))
    with pytest.raises(DetectionError, match=rf"the record is [\d.]+ ns long \({n_samples} samples\)"):
        detect(s)


@pytest.mark.parametrize(("options", "match"), [
    ({"min_confidence": 2.0}, r"min_confidence = 2\.0; expected in \[0, 1\]"),
    ({"max_depth_m": -1}, "max_depth_m = -1"),
    ({"z_seed": 5.0, "z_low": 100.0}, "z_low = 100.0 is above z_seed"),
    ({"asphalt_m": float("nan")}, "asphalt_m = nan"),
])
def test_out_of_range_options_are_refused(options, match):
    with pytest.raises(DetectionError, match=match):
        detect(_positions(np.arange(50) * 0.05), **options)


def test_a_line_that_does_not_advance_and_complex_samples_are_refused():
    with pytest.raises(DetectionError, match="distance_m does not advance"):
        detect(_positions(np.full(50, 5.0)))
    s = _positions(np.arange(50) * 0.05)
    with pytest.raises(DetectionError, match="complex"):
        detect(s.copy(data=s.values.astype(np.complex64)))


def test_the_data_check_reads_every_sample_until_it_finds_one():
    """The finite / non-zero check stops at the first finite non-zero sample, in chunks: a
    float survey that is zero or NaN everywhere but its very last sample is searchable, NaNs with
    zeros are "every sample is zero", and a header-word column (``header_words``) does not count."""
    from roadhealth.detect.prepare import _finite_nonzero, check_input

    x = np.full((3, 400, 700), np.nan, np.float32)
    x[:, ::7] = 0.0
    assert _finite_nonzero(x) == (True, False)
    with pytest.raises(DetectionError, match="every sample is zero"):
        check_input(_tiny(x))
    x[2, 399, 699] = -3.0
    assert _finite_nonzero(x) == (True, True)
    check_input(_tiny(x))
    y = np.zeros((1, 50, 256), np.int16)
    y[0, :, 0] = 7  # only the header word is set
    with pytest.raises(DetectionError, match="every sample is zero"):
        check_input(_tiny(y, header_words=1))


def test_not_a_survey_and_bad_options(cavity_road):
    with pytest.raises(DetectionError, match="expected a survey"):
        detect(np.zeros((1, 10, 10)))
    with pytest.raises(DetectionError, match="unknown option"):
        detect(cavity_road[1], velocty=0.1)
    with pytest.raises(DetectionError, match="dims"):
        detect(xr.DataArray(np.ones((3, 4)), dims=("trace", "sample")))


# ------------------------------------------------------------------------------------ real files
REAL = ["gssi/gprpy_400mhz/FILE____032.DZT", "gssi/impdar_sir4000/test_gssi.DZT",
        "mala/impdar_ten_col/ten_col.rd3", "pulseekko/gprpy_warr/XLINE00.DT1",
        "pulseekko/rgpr_frenke/CMP.DT1", "pulseekko/rgpr_isola_grid/YLINEA0.DT1",
        "gssi/gprdata_grid/lines/FILE____001.DZT"]


@requires_samples
@pytest.mark.parametrize("rel", REAL)
def test_runs_on_real_files(rel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = roadhealth.read(SAMPLES_DIR / rel)
    d = detect(s)
    validate_anomalies(d)
    assert list(d.columns) == ANOMALY_COLUMNS + EXTRAS
    assert (d["depth_top_m"] >= 0).all()
    assert isinstance(d.attrs["detect"]["velocity_source"], str)


@requires_samples
def test_runs_on_the_real_grid():
    from roadhealth.processing.grid import assemble_grid, read_topo_lines

    folder = SAMPLES_DIR / "gssi" / "gprdata_grid"
    lines = sorted((folder / "lines").glob("*.DZT"))[:8]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        surveys = [roadhealth.read(p) for p in lines]
        starts, ends = read_topo_lines(folder / "topo")
        grid = assemble_grid(surveys, spacing_m=0.02, starts=starts[:8], ends=ends[:8])
    d = detect(grid)
    validate_anomalies(d)
    assert pd.api.types.is_float_dtype(d["risk_score"])


# ------------------------------------------------------------------- the reference of processed data
def test_processed_survey_keeps_the_polarity_reference_measured_on_its_raw_data(cavity_road):
    """Background removal erases the surface reflection: a processed survey detected later gets
    the reference ``prepare`` measured on the raw data (``attrs['surface_reference']``), and the
    same defects as the raw survey; without it the polarity falls back to the convention."""
    from roadhealth.detect.prepare import REFERENCE_ATTR, prepare, surface_reference

    raw = cavity_road[1]
    pr = prepare(raw)
    assert REFERENCE_ATTR in pr.survey.attrs
    ref = json.loads(pr.survey.attrs[REFERENCE_ATTR])
    assert ref["polarity"] == pr.surface_polarity and ref["surface_ns"] == pr.surface_ns
    d_raw = detect(raw)
    d_proc = detect(pr.survey)
    assert "measured on the raw survey" in d_proc.attrs["detect"]["polarity_source"]
    assert list(d_proc["kind"]) == list(d_raw["kind"])
    assert np.allclose(d_proc["depth_top_m"], d_raw["depth_top_m"])
    # the subset measurement agrees with the full one
    sub = surface_reference(raw, max_traces=64)
    assert sub["polarity"] == ref["polarity"] and abs(sub["surface_ns"] - ref["surface_ns"]) < 1e-6
    # an explicit reference wins; without any the convention is assumed and said
    bare = pr.survey.copy()
    bare.attrs = {k: v for k, v in pr.survey.attrs.items() if k != REFERENCE_ATTR}
    assert detect(bare).attrs["detect"]["polarity_source"].startswith("assumed")
    assert "measured on the raw survey" in detect(bare, reference=sub).attrs["detect"]["polarity_source"]
    with pytest.raises(DetectionError, match="raw survey"):
        surface_reference(pr.survey)


def test_unusable_positions_offsets_and_crs_are_named_before_the_search():
    """Found by fuzzing detect: a NaN or infinite channel offset crashed in shapely (footprint
    rings), an infinite distance in numpy's least squares (the hyperbola fits), NaN distances read
    as "does not advance", and an unknown CRS failed in pyproj at the very end."""
    s = _positions(np.arange(50) * 0.05)
    two = roadhealth.make_survey(np.repeat(np.asarray(s.values), 2, axis=0), dt_ns=0.125,
                                 distance_m=np.arange(50) * 0.05, antenna_mhz=600.0)
    for bad in (np.nan, np.inf):
        with pytest.raises(DetectionError, match=r"offset_m of channel 1 is (nan|inf)"):
            detect(two.assign_coords(offset_m=("channel", [0.0, bad])))
        d = np.arange(50) * 0.05
        d[20] = bad
        with pytest.raises(DetectionError, match=r"distance_m is not finite at 1 trace\(s\) \(first: trace 20\)"):
            detect(_positions(d))
    with pytest.raises(DetectionError, match=r"attrs\['crs'\] = 'EPSG:999999' is not a coordinate reference"):
        detect(s.assign_attrs(crs="EPSG:999999"))


@pytest.mark.parametrize(("options", "match"), [
    ({"velocity_m_per_ns": "fast"}, r"velocity_m_per_ns = 'fast'; expected a number"),
    ({"velocity_m_per_ns": np.array([0.1, 0.12])}, "velocity_m_per_ns = array"),
    ({"eps_r": "nine"}, "eps_r = 'nine'"),
    ({"surface_ns": "late"}, "surface_ns = 'late'"),
    ({"thresholds": {"z_seed": 3}}, r"unknown: \['z_seed'\]"),
    ({"thresholds": {"min_z": "high"}}, "expected numbers for the fields"),
    ({"thresholds": 3}, "expected a roadhealth.detect.classify.Thresholds or a dict"),
])
def test_options_of_the_wrong_type_are_refused(options, match):
    """Found by fuzzing: these raised ValueError, TypeError or AttributeError from inside."""
    with pytest.raises(DetectionError, match=match):
        detect(_positions(np.arange(50) * 0.05), **options)


def test_numpy_scalars_and_a_dict_of_thresholds_are_accepted(one_cavity):
    """numpy scalars were refused as "not in [0, 1]"; thresholds may be given as a dict of
    Thresholds' fields (the same detections as the dataclass)."""
    from roadhealth.detect.classify import Thresholds

    s, base = one_cavity
    d = detect(s, min_confidence=np.float32(0.5), max_depth_m=np.int64(3))
    assert d["kind"].astype(str).tolist() == base["kind"].astype(str).tolist()
    a = detect(s, thresholds={"min_z": 12})
    b = detect(s, thresholds=Thresholds(min_z=12.0))
    assert a["confidence"].tolist() == b["confidence"].tolist()


def test_a_line_recorded_backwards_gives_the_same_extents():
    """Found by fuzzing: distances falling with the trace index gave a chaotic loose zone (whose
    extent is read at its zone's first and last trace) a start past its end and a negative length.
    A blind full-wave loose zone (600 MHz, noisy), its distances reversed: the same zone, mirrored."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "validation" / "fullwave_blind" / "bw600_loose_10_noisy.sgy"
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    s = roadhealth.read(path)
    d = np.asarray(s.distance_m.values).reshape(-1, s.sizes["trace"])[0]
    back = s.assign_coords(distance_m=(("channel", "trace"), (d.max() - d)[None, :]))
    base, out = detect(s), detect(back)
    assert out["kind"].astype(str).tolist() == base["kind"].astype(str).tolist() == ["loose"]
    assert (out["distance_end_m"] > out["distance_start_m"]).all() and (out["length_m"] > 0).all()
    mirrored = d.max() - base[["distance_end_m", "distance_start_m"]].to_numpy()
    np.testing.assert_allclose(out[["distance_start_m", "distance_end_m"]].to_numpy(), mirrored, atol=0.06)


def test_explain_takes_one_row_and_skips_feature_values_that_are_not_numbers(cavity_detections):
    """Found by fuzzing explain: a one-row table, a features record that is a JSON list, a
    feature value of text and a confidence of None or text raised from deep inside."""
    row = cavity_detections.iloc[0]
    assert explain(cavity_detections.iloc[[0]]) == explain(row)
    with pytest.raises(DetectionError, match="got a table of 2 rows"):
        explain(pd.concat([cavity_detections.iloc[[0]]] * 2))
    odd = row.copy()
    odd["features"] = json.dumps({**json.loads(row["features"]), "z_top": "high", "depth_top_range_m": ["a", 1]})
    text = explain(odd)
    assert text.startswith(explain(row).split(" deep")[0]) and "robust SD" not in text
    assert "velocity model's range" not in text and "velocity model's range" in explain(row)
    odd["features"] = "[1, 2]"
    assert "confidence" in explain(odd)
    for bad in (None, "high"):
        odd["confidence"] = bad
        with pytest.raises(DetectionError, match=r"column confidence = .*; expected a number"):
            explain(odd)


@requires_samples
def test_traces_of_nan_are_named_when_no_first_arrival_is_usable():
    """Found by fuzzing: a real 400 MHz line with every second trace NaN was reported as "all-zero
    or flat data?" (its picks are checked against their neighbours, which are NaN)."""
    s = roadhealth.read(SAMPLES_DIR / "gssi/gprpy_400mhz/FILE____032.DZT")
    v = np.asarray(s.values, dtype=np.float32).copy()
    v[:, ::2] = np.nan
    with pytest.raises(DetectionError, match=r"520 of 1040 traces hold NaN or infinite samples"):
        detect(s.copy(data=v))


def test_a_distance_missing_on_one_channel_of_an_array_is_named():
    """Found by review: the check read a trace as bad only where every channel's distance was,
    so an infinite distance on one channel of three passed and the table came out empty."""
    x = np.random.default_rng(0).standard_normal((3, 50, 256)).astype(np.float32)
    d = np.tile(np.arange(50) * 0.05, (3, 1))
    for bad in (np.inf, np.nan):
        d2 = d.copy()
        d2[1, 20] = bad
        s = roadhealth.make_survey(x, dt_ns=0.125, distance_m=d2, offset_m=[0.0, 0.1, 0.2], antenna_mhz=600.0)
        with pytest.raises(DetectionError, match=r"distance_m is not finite at 1 trace\(s\) \(first: trace 20\)"):
            detect(s)
