"""Detection on gprMax models written by hand, read as gprMax wrote them (tests/data/gprmax/
*_merged.h5: see make_models.py): not the project's exporter, no antenna frequency in the files;
a wet zone beside a pipe at 600 MHz (a frequency no validation set uses), a cavity and a void
under a first-derivative (gaussiandotnorm) source at 400 MHz, and two homogeneous boxes (a
water-rich one and one of lower permittivity) under most of a short 400 MHz line, an air box
on the same line, and a blind full-wave cavity run in 3-D (``validation/fullwave_3d.py``)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import roadhealth

DATA = Path(__file__).resolve().parent / "data" / "gprmax"
WET_PIPE = DATA / "wet_pipe_merged.h5"
GDOT = DATA / "gdot_cavity_void_merged.h5"
#: The model's truth along the survey (first midpoint at 0): the wet zone and the pipe.
WET_M, WET_TOP_M, PIPE_M = (0.75, 1.75), 0.7, 2.75
#: ... and of the gdot_cavity_void model: the cavity's and the void's extents along track and tops.
CAVITY_M, CAVITY_TOP_M, VOID_M, VOID_TOP_M = (1.05, 1.45), 0.6, (2.85, 3.85), 0.2
#: ... and of the wide_wet_box and loose_box models (extent along the survey, top depth).
WIDE_WET_M, WIDE_WET_TOP_M = (1.10, 2.90), 1.1
LOOSE_BOX_M, LOOSE_BOX_TOP_M = (1.20, 2.70), 0.9
#: ... and of the air_box model.
AIR_BOX_M, AIR_BOX_TOP_M = (1.50, 2.30), 0.8
#: ... and of the 3-D run of the blind scenario bw400_cavity_25 (validation/fullwave_3d.py).
CAVITY_3D_M, CAVITY_3D_TOP_M = (0.52, 1.32), 0.70


def test_a_wet_zone_beside_a_pipe_is_found_apart_from_the_pipe():
    """The pipe's flank rises over the wet zone's top without a saddle: one candidate region
    holds both, whose top jumps from the wet zone to the pipe's flank. Cut at the jump, the wet
    zone is reported alone, over its own extent and at its own depth (within the default velocity
    model's error), and the pipe and its surface multiple are not reported. As one region they
    were one "water-rich zone" 0.82-3.08 m along, 0.47 m deep: the pipe's top."""
    s = roadhealth.read(WET_PIPE)
    d = roadhealth.detect(s)
    assert list(d["kind"]) == ["water_rich"]
    r = d.iloc[0]
    overlap = min(r["distance_end_m"], WET_M[1]) - max(r["distance_start_m"], WET_M[0])
    assert overlap >= 0.8 * (WET_M[1] - WET_M[0])
    assert r["distance_end_m"] < PIPE_M - 0.5
    assert abs(r["depth_top_m"] - WET_TOP_M) <= 0.15
    assert d.attrs["detect"]["rejected"].get("pipe", 0) >= 1
    assert np.isclose(d.attrs["detect"]["centre_mhz"], 600, rtol=0.15)  # estimated from the spectrum


def test_a_cavity_and_a_void_under_a_first_derivative_pulse_are_found_where_they_are():
    """400 MHz from a gaussiandotnorm source (not the Ricker of every validation set), 0.2 m
    between transmitter and receiver: the cavity and the void are both reported, each over its own
    extent and at its own depth. The direct wave's residual in the surface rows scores 21 in this
    noise-free record, 0.07 of the cavity's 317, which had made the cavity a manhole cover; in
    amplitude it is 0.02 of the cavity's top."""
    d = roadhealth.detect(roadhealth.read(GDOT)).sort_values("distance_start_m")
    assert list(d["kind"]) == ["cavity", "void"]
    for (_, r), (a, b), top in zip(d.iterrows(), (CAVITY_M, VOID_M), (CAVITY_TOP_M, VOID_TOP_M), strict=True):
        assert r["distance_start_m"] <= a + 0.15 and r["distance_end_m"] >= b - 0.15
        assert abs(r["length_m"] - (b - a)) <= 0.35  # the body's own extent, not its diffraction flanks
        assert abs(r["depth_top_m"] - top) <= 0.06


def test_a_record_whose_background_was_removed_before_it_was_written_keeps_its_time_zero():
    """The cavity and void model with its mean trace subtracted before detection sees it (a
    "scattered field" export, or processed data saved without their history): no direct wave
    or surface reflection is left, so a first-break pick would take the cavity's top for the road
    surface. Before the check the record was cropped and time-zeroed there: the void was lost and
    the cavity read 0.48 m deep. The record keeps its time zero (no time-zero step); the surface
    is assumed where a simulation's source pulse, fired at time zero, puts it
    (``REMOVED_SURFACE_PERIODS``; until the thirty-third session at time zero itself, and every top
    read about 0.2 m deeper here, the pulse's delay). Both bodies are found over their own extents
    at their modelled depths (this fixture's source is a Gaussian derivative, not the Ricker pulse
    the assumption was measured on), and the output says what was assumed."""
    from roadhealth.detect.prepare import (
        BACKGROUND_REMOVED_FRACTION,
        background_fraction,
        removed_surface_ns,
    )

    s = roadhealth.read(GDOT)
    x = np.asarray(s.values, dtype=np.float64)
    scattered = s.copy(data=(x - x.mean(axis=1, keepdims=True)).astype(s.dtype))
    assert background_fraction(s) > 0.9
    assert background_fraction(scattered) < 0.1 * BACKGROUND_REMOVED_FRACTION
    d = roadhealth.detect(scattered).sort_values("distance_start_m")
    assert list(d["kind"]) == ["cavity", "void"]
    for (_, r), (a, b), top in zip(d.iterrows(), (CAVITY_M, VOID_M), (CAVITY_TOP_M, VOID_TOP_M), strict=True):
        assert r["distance_start_m"] <= a + 0.15 and r["distance_end_m"] >= b - 0.15
        assert abs(r["depth_top_m"] - top) <= 0.1
    info = d.attrs["detect"]
    assert info["surface_ns"] == removed_surface_ns(info["centre_mhz"]) > 0 and not info["surface_measured"]
    assert info["polarity_source"].startswith("assumed")
    assert any("background was removed before the file was written" in n for n in info["notes"])


def test_a_streamed_record_whose_background_was_removed_keeps_its_time_zero_too():
    """The same check on the streamed path of long surveys (``detect_chunked``): the reference
    measured on the raw traces says the surface was not found and the polarity is assumed, the
    recipe runs without its time-zero step, and the voids of the cavity-and-void fixture, repeated
    along a 46 m line with its mean trace removed, read as deep as on the whole short line (at the
    modelled depth, the surface assumed where the source pulse puts it), not at the first break."""
    from roadhealth.detect.chunked import detect_chunked
    from roadhealth.detect.prepare import (
        REMOVED_POLARITY_SOURCE,
        removed_surface_ns,
        surface_reference,
    )
    from roadhealth.survey import make_survey

    s = roadhealth.read(GDOT)
    x = np.tile(np.asarray(s.values, dtype=np.float64), (1, 12, 1))
    x -= x.mean(axis=1, keepdims=True)
    step = float(np.median(np.diff(np.asarray(s.coords["distance_m"].values, dtype=float).ravel())))
    long = make_survey(x.astype(np.float32), dt_ns=float(s.attrs["dt_ns"]), time_zero_ns=0.0,
                       distance_m=np.arange(x.shape[1]) * step, format="segy", source="scattered")
    ref = surface_reference(long)
    assert ref["surface_ns"] == removed_surface_ns(ref["centre_mhz"]) > 0
    assert ref["polarity_source"] == REMOVED_POLARITY_SOURCE
    d = detect_chunked(long, window_m=12.0, overlap_m=2.5, stream_recipe=True)
    info = d.attrs["detect"]
    assert info["chunked"]["stream_recipe"] and not info["surface_measured"]
    assert any("background was removed before the file was written" in n for n in info["notes"])
    voids = d[d["kind"] == "void"]
    assert len(voids) >= 3
    assert np.all(np.abs(voids["depth_top_m"] - VOID_TOP_M) <= 0.1)


def _one_body(path, extent, top):
    d = roadhealth.detect(roadhealth.read(DATA / path))
    assert len(d) == 1
    r = d.iloc[0]
    assert abs(r["distance_start_m"] - extent[0]) <= 0.15 and abs(r["distance_end_m"] - extent[1]) <= 0.15
    assert abs(r["depth_top_m"] - top) <= 0.12  # the default velocity model against the model's eps_r 13
    return r


def test_a_wet_box_under_half_a_short_line_is_found_over_its_own_extent():
    """A homogeneous wet box (eps_r 22) under 46 % of a 3.7 m line: the background of the line
    comes from the traces it does not disturb, so it is neither painted, inverted, across the
    rest of the line nor scored against itself; reported once, as water-rich, where it is."""
    r = _one_body("wide_wet_box_merged.h5", WIDE_WET_M, WIDE_WET_TOP_M)
    assert r["kind"] == "water_rich"


def test_a_low_permittivity_box_is_loose_soil_found_where_it_is():
    """A homogeneous box of eps_r 7 in a subgrade of 13 (loosened soil as an independent model may
    build it), 1.5 m of a 3.7 m line, sampled at 0.17 ns: its top, in the rows where it and its
    diffractions disturb more than three quarters of the line, is scored against the end traces
    that seeded the background (against every trace it scored 3, against itself, and was called a
    layer residual). Found over its extent (a body's, not a chaotic zone's whole region) and at its
    depth. Its top, opposite in polarity to the surface's, and its bottom, 3.5 periods later, are
    what an air body's would be, weaker (reflection coefficient 0.15 against 0.57); what tells it
    from air is that no internal multiple follows the bottom (0.12 of it; air bodies 0.21-0.63).
    It was a cavity at 1.00 until the fifteenth session."""
    r = _one_body("loose_box_merged.h5", LOOSE_BOX_M, LOOSE_BOX_TOP_M)
    assert r["kind"] == "loose"
    assert "no internal multiple" in r["evidence"]
    feats = json.loads(r["features"])
    assert feats["multiple_ratio"] < 0.15 and feats["bottom_ratio"] > 0.4
    assert 3.5 <= feats["bottom_delay_ns"] / feats["period_ns"] <= 4.5  # 2 x 0.5 m at eps_r 7


def test_an_air_box_rings_and_stays_a_cavity():
    """An air box (0.8 x 0.3 m, top 0.8 m down) on the same road and line: flat top and bottom,
    each reflecting about half the wave, so the wave rings between them and a first internal
    multiple follows the bottom at twice its delay (0.43 of the bottom; the eps_r 7 box 0.12).
    A cavity over its own extent, at its depth."""
    r = _one_body("air_box_merged.h5", AIR_BOX_M, AIR_BOX_TOP_M)
    assert r["kind"] == "cavity"
    feats = json.loads(r["features"])
    assert feats["multiple_ratio"] > 0.3 and feats["bottom_ratio"] > 0.4 and feats["soil_body"] == 0.0
    # the bottom 2h/c = 2 ns under the top (0.9-1.4 periods at 400 MHz: it merges into the top's
    # lobe tail, so the first clear peak is read up to a period later)
    assert 0.9 <= feats["bottom_delay_ns"] / feats["period_ns"] <= 1.6



def test_a_cavity_modelled_in_3d_is_found_with_the_polarity_of_air():
    """The blind scenario bw400_cavity_25 (an air ellipsoid 0.8 x 0.8 x 0.3 m, top 0.7 m down in
    one uniform soil, 400 MHz) run in 3-D: a y-polarised dipole, 1.4 cm cells, a 2 m line of 24
    traces whose every trace the cavity's hyperbola reaches, the file as gprMax's merge tool
    writes it (no antenna frequency: estimated). The wave spreads in three dimensions and the near
    field shifts phases further than in 2-D; with no layer reflection, the polarity comes from the
    direct wave. One cavity, over its extent, at its depth. (A merge of Ez, the component
    across the dipole, holds a field a twentieth as strong, the cavity's echo a fiftieth, of
    another phase: it was reported as a wet zone.)"""
    d = roadhealth.detect(roadhealth.read(DATA / "cavity_3d_merged.h5"))
    assert list(d["kind"]) == ["cavity"]
    r = d.iloc[0]
    a, b = CAVITY_3D_M
    overlap = min(r["distance_end_m"], b) - max(r["distance_start_m"], a)
    assert overlap >= 0.9 * (b - a) and r["length_m"] <= (b - a) + 0.5
    assert abs(r["depth_top_m"] - CAVITY_3D_TOP_M) <= 0.15  # the default velocity model
    assert json.loads(r["features"])["polarity"] > 0.5
    assert "direct wave" in d.attrs["detect"]["polarity_source"]


def test_a_removed_background_record_takes_a_given_surface_time():
    """Processed data saved without their history, time-zeroed at the surface, read with the
    surface at the file's time zero (``surface_ns=0``): the tops come out the assumed source
    delay shallower than under the default assumption; a bad time is a clear error."""
    from roadhealth.detect.prepare import removed_surface_ns
    from roadhealth.errors import DetectionError

    s = roadhealth.read(GDOT)
    x = np.asarray(s.values, dtype=np.float64)
    scattered = s.copy(data=(x - x.mean(axis=1, keepdims=True)).astype(s.dtype))
    d_default = roadhealth.detect(scattered).sort_values("distance_start_m")
    d_zero = roadhealth.detect(scattered, surface_ns=0.0).sort_values("distance_start_m")
    assert d_zero.attrs["detect"]["surface_ns"] == 0.0
    assert list(d_zero["kind"]) == list(d_default["kind"]) == ["cavity", "void"]
    shift = d_zero["depth_top_m"].to_numpy() - d_default["depth_top_m"].to_numpy()
    assert np.all(shift > 0.1)  # the whole source delay deeper
    assert removed_surface_ns(400.0, 0.0) == 0.0
    with pytest.raises(DetectionError, match="surface_ns"):
        roadhealth.detect(scattered, surface_ns=-1.0)


def test_the_detect_command_takes_the_surface_time_of_a_removed_background_record(tmp_path):
    """``roadhealth detect --surface-ns 0`` on the cavity-and-void fixture written with its mean
    trace removed (a SEG-Y file, as such exports come): the same tops as ``detect(...,
    surface_ns=0)``, deeper than with the default assumption."""
    from roadhealth.anomalies import read_anomalies
    from roadhealth.cli import main
    from roadhealth.io.segy import write_segy

    s = roadhealth.read(GDOT)
    x = np.asarray(s.values, dtype=np.float64)
    scattered = s.copy(data=(x - x.mean(axis=1, keepdims=True)).astype(np.float32))
    with warnings.catch_warnings():  # the interval is not a whole number of ps (rev 2 keeps it exactly)
        warnings.simplefilter("ignore")
        path = write_segy(scattered, tmp_path / "scattered.sgy", dt_encoding="ps", revision=2)
    read_back = roadhealth.read(path)
    out0, out_default = tmp_path / "zero.gpkg", tmp_path / "default.gpkg"
    assert main(["detect", str(path), "--surface-ns", "0", "--out", str(out0), "-q"]) == 0
    assert main(["detect", str(path), "--out", str(out_default), "-q"]) == 0
    zero = read_anomalies(out0).sort_values("distance_start_m")
    default = read_anomalies(out_default).sort_values("distance_start_m")
    ref = roadhealth.detect(read_back, surface_ns=0.0).sort_values("distance_start_m")
    np.testing.assert_allclose(zero["depth_top_m"], ref["depth_top_m"], atol=1e-6)
    assert np.all(zero["depth_top_m"].to_numpy() - default["depth_top_m"].to_numpy() > 0.1)


@pytest.mark.parametrize("transform", ["negated", "scaled", "offset"])
def test_detections_do_not_depend_on_the_records_sign_scale_or_offset(transform):
    """Exporters differ in what they do to amplitudes: one writes the field with the opposite
    sign (another component orientation, a receiver wired the other way), one in volts or counts
    (any scale), one with a DC offset. The kinds are read against the record's own reference (the
    surface's and the layers' phase, the first arrival), the scores against each row's own
    statistics, and the recipe removes the offset, so a cavity (air, opposite to the surface) and a
    void must come out the same, at the same places and depths. (Checked on 44 blind full-wave
    lines each, thirty-fourth session: no detection moved.)"""
    s = roadhealth.read(GDOT)
    x = np.asarray(s.values, dtype=np.float64)
    changed = {"negated": -x, "scaled": 3.7e-4 * x, "offset": x + 0.05 * np.abs(x).max()}[transform]
    ref = roadhealth.detect(s).sort_values("distance_start_m")
    got = roadhealth.detect(s.copy(data=changed.astype(np.float32))).sort_values("distance_start_m")
    assert list(ref["kind"]) == ["cavity", "void"]
    assert list(got["kind"]) == list(ref["kind"])
    for col in ("distance_start_m", "distance_end_m", "depth_top_m", "depth_bottom_m"):
        np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float), atol=0.01, err_msg=col)
