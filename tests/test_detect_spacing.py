"""roadhealth.detect on surveys whose files give no trace positions (distance = the trace index):
the spacing given, or estimated from the data's diffraction hyperbolas (roadhealth.detect.spacing)."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import roadhealth
from roadhealth.detect import candidates, detect
from roadhealth.detect import spacing as sp
from roadhealth.errors import DetectionError, RoadHealthWarning
from roadhealth.survey import make_survey

BLIND = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind"


def _line(name: str):
    """A blind full-wave line as exported (positions in the trace headers) and the same samples
    without positions (distance = the trace index), and its truth."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = roadhealth.read(BLIND / f"{name}.sgy", interval_unit="ps")
    bare = make_survey(s.values, dt_ns=float(s.attrs["dt_ns"]), time_zero_ns=float(s.twt_ns[0]), format="segy",
                       source=name)
    truth = gpd.read_file(BLIND / f"{name.rsplit('_', 1)[0]}_truth.geojson")
    return s, bare, truth


def test_a_line_without_positions_gets_its_spacing_from_its_hyperbola():
    s, bare, truth = _line("bw400_cavity_03_clean")
    true = float(np.median(np.diff(s.distance_m.values[0])))
    assert bare.attrs["distance_source"] == "trace index"
    with pytest.warns(RoadHealthWarning, match="estimated from 1 diffraction hyperbola"):
        d = detect(bare)
    est = float(d.attrs["detect"]["notes"][0].split(" m per trace")[0].split(": ")[-1])
    assert est == pytest.approx(true, rel=0.15)  # 0.0737 against 0.076
    assert list(d["kind"]) == ["cavity"]
    t = truth.iloc[0]
    centre = 0.5 * (d["distance_start_m"].iloc[0] + d["distance_end_m"].iloc[0])
    assert abs(centre - 0.5 * (t["distance_start_m"] + t["distance_end_m"])) < 0.2
    assert abs(d["depth_top_m"].iloc[0] - t["depth_top_m"]) < 0.15
    assert "trace spacing estimated on the data" in d["evidence"].iloc[0]
    from roadhealth.detect import explain

    assert f"{est:.3g} m per trace estimated" in explain(d.iloc[0])
    assert "per trace" not in explain(detect(s).iloc[0])
    # read as metres, the same samples lost the cavity (the code before the estimate)
    as_metres = bare.copy()
    as_metres.attrs = {**bare.attrs, "distance_source": "file"}
    assert "cavity" not in set(detect(as_metres)["kind"])


def test_a_given_spacing_reproduces_the_positioned_line():
    s, bare, _ = _line("bw400_cavity_03_clean")
    true = float(np.median(np.diff(s.distance_m.values[0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)  # nothing estimated, nothing warned
        d = detect(bare, trace_spacing_m=true)
    ref = detect(s)
    cols = ["kind", "distance_start_m", "distance_end_m", "depth_top_m", "confidence"]
    pd.testing.assert_frame_equal(d[cols], ref[cols], atol=2e-3)
    assert d.attrs["detect"]["notes"][0].startswith(f"trace spacing {true:g} m as given")
    c = candidates(bare, trace_spacing_m=true)
    assert len(c) == len(candidates(s))


def test_the_estimate_gives_no_velocity_of_its_own():
    """Four metal pipes give a velocity from their hyperbolas where the traces have positions; a
    spacing measured on those hyperbolas at the depth model's velocity cannot give a velocity back,
    so without positions the depth model stays the default one."""
    from roadhealth.detect.prepare import default_model_text
    from roadhealth.synth import simulate
    from roadhealth.synth.forward import Acquisition
    from roadhealth.synth.model import Pipe, RoadModel, default_layers

    pipes = [Pipe(s, 0.0, depth_m=d, diameter_m=0.1, material="metal")
             for s, d in ((1.0, 0.5), (2.5, 0.7), (4.0, 0.6), (5.5, 0.8))]
    model = RoadModel(6.5, layers=default_layers(), objects=pipes, seed=3, scatterer_density_per_m3=0.0)
    s = simulate(model, Acquisition(frequency_mhz=400.0, n_samples=512, window_ns=50.0, trace_spacing_m=0.04,
                                    n_channels=1), seed=1)
    assert "diffraction hyperbolas" in detect(s).attrs["detect"]["velocity_source"]
    bare = make_survey(s.values, dt_ns=float(s.attrs["dt_ns"]), time_zero_ns=float(s.twt_ns[0]), antenna_mhz=400.0)
    with pytest.warns(RoadHealthWarning, match="estimated from 3 diffraction hyperbola"):
        d = detect(bare)
    assert d.attrs["detect"]["velocity_source"] == default_model_text()


@pytest.mark.parametrize("bad", [0, -0.05, float("nan"), "x"])
def test_a_bad_spacing_is_a_detection_error(bad):
    _, bare, _ = _line("bw400_cavity_03_clean")
    with pytest.raises(DetectionError, match="trace_spacing_m must be a positive number"):
        detect(bare, trace_spacing_m=bad)


def _features(ratios, rms=0.1, cols=10, z=None, kinds=None):
    n = len(ratios)
    return pd.DataFrame({"hyperbola_v_ratio": ratios, "hyperbola_rms_ns": [rms] * n, "period_ns": [2.5] * n,
                         "n_columns": [cols] * n, "z_peak": z if z is not None else list(range(n, 0, -1)),
                         "decision": kinds if kinds is not None else ["cavity"] * n})


def test_spacing_from_hyperbolas_scales_with_the_fitted_velocity():
    p = 0.05
    one, n = sp.spacing_from_hyperbolas(_features([sp.BODY_V_RATIO]), p)
    assert (one, n) == (pytest.approx(p), 1)
    half, _ = sp.spacing_from_hyperbolas(_features([2 * sp.BODY_V_RATIO]), p)
    assert half == pytest.approx(p / 2)  # a hyperbola twice as fast at p: the traces are closer
    # the median of the strongest five bodies; layers, poor fits and short regions do not count
    f = _features([1.0, 1.3, 2.6, 9.0, 1.3, 0.1, 0.2], z=[9, 8, 7, 10, 6, 5, 4],
                  kinds=["pipe", "cavity", "water_rich", "layer", "loose", "cavity", "cavity"])
    f.loc[5, "hyperbola_rms_ns"] = 1.0
    f.loc[6, "n_columns"] = 3
    got, n = sp.spacing_from_hyperbolas(f, p)
    assert n == 4 and got == pytest.approx(p * sp.BODY_V_RATIO / 1.3)
    assert sp.spacing_from_hyperbolas(_features([9.0], kinds=["layer"]), p) is None
    assert sp.spacing_from_hyperbolas(_features([]), p) is None
    lo, hi = sp.PLAUSIBLE_SPACING_M
    assert sp.spacing_from_hyperbolas(_features([1e-6]), p)[0] == hi
    assert sp.spacing_from_hyperbolas(_features([1e6]), p)[0] == lo


def test_provisional_spacing_is_a_quarter_wavelength():
    assert sp.provisional_spacing_m(400.0) == pytest.approx(0.1 / 0.4 / 4)
    assert sp.provisional_spacing_m(100.0) == pytest.approx(4 * sp.provisional_spacing_m(400.0))
    with pytest.raises(DetectionError):
        sp.provisional_spacing_m(0.0)


def test_with_spacing_rescales_the_local_frame_only():
    s = make_survey(np.ones((2, 5, 8)), dt_ns=0.1, offset_m=[-0.1, 0.1])
    out = sp.with_spacing(s, 0.02, "given")
    np.testing.assert_allclose(out.distance_m.values, np.broadcast_to(np.arange(5) * 0.02, (2, 5)))
    np.testing.assert_allclose(out.x.values, out.distance_m.values)
    assert out.attrs["distance_source"] == "given" and s.attrs["distance_source"] == "trace index"
    geo = make_survey(np.ones((1, 5, 8)), dt_ns=0.1, x=np.arange(5.0)[None] + 5e5, y=np.zeros((1, 5)), crs="EPSG:4545")
    np.testing.assert_allclose(sp.with_spacing(geo, 0.02, "given").x.values, geo.x.values)


def test_the_detect_command_takes_a_spacing_for_files_without_positions(tmp_path):
    from roadhealth.anomalies import read_anomalies
    from roadhealth.cli import main
    from roadhealth.io.segy import write_segy

    s, bare, _ = _line("bw400_cavity_03_clean")
    true = float(np.median(np.diff(s.distance_m.values[0])))
    path = write_segy(bare, tmp_path / "bare.sgy", dt_encoding="ps", revision=1)
    with pytest.warns(RoadHealthWarning, match="trace index"):
        assert roadhealth.read(path).attrs["distance_source"] == "trace index"
    out = tmp_path / "found.gpkg"
    assert main(["detect", str(path), "--trace-spacing-m", str(true), "--out", str(out), "-q"]) == 0
    found = read_anomalies(out)
    ref = detect(s)
    assert list(found["kind"]) == list(ref["kind"]) == ["cavity"]
    np.testing.assert_allclose(found["distance_start_m"], ref["distance_start_m"], atol=2e-3)


def _tiled(n=5):
    """The blind cavity line repeated ``n`` times along track, without positions, and its spacing."""
    s, bare, _ = _line("bw400_cavity_03_clean")
    true = float(np.median(np.diff(s.distance_m.values[0])))
    tiled = make_survey(np.tile(bare.values, (1, n, 1)), dt_ns=float(bare.attrs["dt_ns"]),
                        time_zero_ns=float(bare.twt_ns[0]), format="segy", source="tiled")
    return tiled, true, bare.sizes["trace"]


def test_a_chunked_search_uses_one_spacing_for_the_whole_survey():
    from roadhealth.detect.chunked import detect_chunked

    tiled, true, n1 = _tiled(6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RoadHealthWarning)
        given = detect_chunked(tiled, window_m=10.0, overlap_m=2.0, trace_spacing_m=true)
    assert given.attrs["detect"]["chunked"]["n_windows"] > 1
    starts = np.sort(given.loc[given["kind"] == "cavity", "distance_start_m"].to_numpy())
    assert len(starts) == 6  # one cavity per copy, a copy apart: the windows did not restart at 0
    np.testing.assert_allclose(np.diff(starts), n1 * true, atol=0.1)
    assert given.attrs["detect"]["notes"][0].startswith("trace spacing")
    with pytest.warns(RoadHealthWarning) as rec:
        est = detect_chunked(tiled, window_m=10.0, overlap_m=2.0)
    assert sum("per trace" in str(w.message) for w in rec) == 1  # estimated once, not per window
    assert "estimated from" in est.attrs["detect"]["notes"][0]
    assert (est["kind"] == "cavity").sum() == 6
    with warnings.catch_warnings():  # detect's own route to the windows
        warnings.simplefilter("error", RoadHealthWarning)
        routed = detect(tiled, trace_spacing_m=true, chunk_m=20.0)
    assert routed.attrs["detect"]["chunked"]["n_windows"] > 1
    assert routed.attrs["detect"]["notes"][0].startswith("trace spacing") and (routed["kind"] == "cavity").sum() == 6


def test_a_slice_keeps_its_trace_numbers():
    """A slice of a survey without positions keeps its place: the spacing multiplies the trace
    numbers it has (metres per trace of the file), not a count from zero."""
    s, bare, _ = _line("bw400_cavity_03_clean")
    true = float(np.median(np.diff(s.distance_m.values[0])))
    part = bare.isel(trace=slice(10, None))
    d = detect(part, trace_spacing_m=true)
    ref = detect(s)
    np.testing.assert_allclose(d["distance_start_m"], ref["distance_start_m"], atol=0.1)
    out = sp.with_spacing(part, 0.05, "given")
    np.testing.assert_allclose(out.distance_m.values[0, :2], [0.5, 0.55])


def test_a_survey_with_positions_keeps_them():
    s, _, _ = _line("bw400_cavity_03_clean")
    with pytest.warns(RoadHealthWarning, match="ignored: the survey has trace positions"):
        d = detect(s, trace_spacing_m=0.5)
    pd.testing.assert_frame_equal(d.drop(columns="geometry"), detect(s).drop(columns="geometry"))


def test_the_estimate_searches_the_survey_tagged_as_estimated():
    """The first search, at the provisional spacing, must not measure a velocity on the hyperbolas
    either (their ratios are read against the depth model's velocity)."""
    _, bare, _ = _line("bw400_cavity_03_clean")
    seen = []

    def analyse(s):
        seen.append((s.attrs["distance_source"], float(s.distance_m.values[0, 1])))
        return pd.DataFrame()

    with pytest.warns(RoadHealthWarning, match="quarter wavelength"):
        out, note = sp.resolve(bare, None, analyse)
    assert seen == [(sp.ESTIMATED, pytest.approx(sp.provisional_spacing_m(bare_centre(bare))))]
    assert out.attrs["distance_source"] == sp.ESTIMATED and "quarter wavelength" in note


def bare_centre(bare):
    from roadhealth.detect.prepare import _estimate_centre

    return _estimate_centre(bare)


def test_candidates_say_where_the_spacing_came_from():
    _, bare, _ = _line("bw400_cavity_03_clean")
    with pytest.warns(RoadHealthWarning):
        c = candidates(bare)
    assert "estimated from" in c.attrs["detect"]["notes"][0]


def test_read_takes_a_spacing_for_every_format(samples_dir):
    """A time-mode GSSI file (no survey wheel: distance = the trace index) read with a spacing;
    a file with positions keeps them (warned); a bad spacing is a FormatError naming the file."""
    from roadhealth.errors import FormatError

    path = samples_dir / "gssi" / "impdar_sir4000" / "test_gssi.DZT"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bare = roadhealth.read(path)
        s = roadhealth.read(path, trace_spacing_m=0.05)
    assert bare.attrs["distance_source"] == "trace index"
    assert s.attrs["distance_source"] == "trace_spacing_m (given)"
    np.testing.assert_allclose(s.distance_m.values, bare.distance_m.values * 0.05)
    with pytest.raises(FormatError, match="trace_spacing_m"):
        roadhealth.read(path, trace_spacing_m=-1)
    positioned = samples_dir / "gssi" / "gprpy_400mhz" / "FILE____032.DZT"
    with pytest.warns(RoadHealthWarning, match="trace_spacing_m=0.05 not used"):
        p = roadhealth.read(positioned, trace_spacing_m=0.05)
    assert p.attrs.get("distance_source") != "trace_spacing_m (given)"
