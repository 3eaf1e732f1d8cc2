"""The validation scripts' own logic: the blind set's varied draw, the white-noise robustness
variant and the by-set-up breakdown (the full-wave records themselves are not needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from validation import draw_blind_batch as draw  # noqa: E402
from validation import explain_line as ex  # noqa: E402
from validation import fullwave_breakdown as bd  # noqa: E402
from validation import fullwave_set as fw  # noqa: E402


def test_varied_draw_keeps_the_plain_draw_and_only_adds_set_up_variations():
    """``--varied`` draws the same bodies as the plain draw (a batch's kinds, sizes and depths do
    not depend on the flag) and adds set-up keys from a stream of its own, reproducibly."""
    allowed = {"heterogeneity", "waveform", "antenna_height_m", "step_m", "asphalt_m", "flat_top",
               "shape_power", "water_fraction", "sigma_s_m", "fill"}
    added = set()
    for seed in range(160, 176):
        plain = draw.draw(seed)
        varied = draw.vary(seed, draw.draw(seed))
        assert varied == draw.vary(seed, draw.draw(seed))  # reproducible
        assert [(k, b, o) for k, b, o, _ in varied] == [(k, b, o) for k, b, o, _ in plain]
        for (_, _, _, p), (kind, _, _, q) in zip(plain, varied, strict=True):
            assert {k: q[k] for k in p} == p  # the body as drawn
            extra = set(q) - set(p)
            assert extra <= allowed
            added |= extra
            if "antenna_height_m" in q:
                assert 0.0 <= q["antenna_height_m"] <= 0.1
            if "asphalt_m" in q:
                assert 0.05 <= q["asphalt_m"] <= 0.25 and q.get("under") != "asphalt"
            if "fill" in q:
                assert kind == "pipe" and q["material"] == "pvc"
    # over sixteen batches every kind of variation turns up
    assert added == allowed


def test_varied_draw_builds_loose_zones_uniform_from_batch_197_on():
    """From batch 197 (``draw_blind_batch.UNIFORM_LOOSE_FROM``) a varied loose zone may be one
    homogeneous body of 0.5-0.75 times the permittivity around it; the batches before are drawn as
    they were. The full-wave model gives it that permittivity of the layer holding its middle."""
    for seed in range(160, draw.UNIFORM_LOOSE_FROM):
        assert all("loose_style" not in q for *_, q in draw.vary(seed, draw.draw(seed)))
    uniform = [(seed, q) for seed in range(draw.UNIFORM_LOOSE_FROM, draw.UNIFORM_LOOSE_FROM + 30)
               for kind, _, _, q in draw.vary(seed, draw.draw(seed)) if "loose_style" in q]
    assert uniform and all(q["loose_style"] == "uniform" and 0.5 <= q["eps_ratio"] <= 0.75 for _, q in uniform)
    sc = {"name": "bw400_loose_x", "index": 1, "frequency_mhz": 400, "object": "loose", "batch": 197,
          "jitter": {"s_m": 2.0, "asphalt_m": 0.15, "base_m": 0.3, "subbase_m": 0.25},
          "params": {"length_m": 1.2, "height_m": 0.4, "depth_top_m": 0.9, "loose_style": "uniform",
                     "eps_ratio": 0.6}}
    (zone,) = fw.build_model(sc).objects
    assert zone.style == "uniform" and zone.eps_r == pytest.approx(0.6 * 13.0)  # in the subgrade (eps_r 13)
    sc["params"] = dict(sc["params"], depth_top_m=0.2)  # its middle, 0.4 m down, in the base (0.15-0.45 m, eps_r 8)
    (zone,) = fw.build_model(sc).objects
    assert zone.eps_r == pytest.approx(0.6 * 8.0)


@pytest.mark.parametrize("which,folder", [("main", "fullwave"), ("blind", "fullwave_blind")])
def test_committed_scenario_list_is_what_the_generator_draws(which, folder):
    """Every full-wave line already run was drawn from its template and seed as the committed
    ``scenarios.json`` records them (name, seed index, body, batch, drawn position and layers):
    a template edited or inserted before others would re-seed every later line and leave their
    committed records and truth files describing other models. The list must also hold every
    scenario the generator knows (``fullwave_set.py --set NAME list`` rewrites it)."""
    import json

    listed = ROOT / "validation" / folder / "scenarios.json"
    if not listed.exists():
        pytest.skip(f"{listed} not in this checkout")
    fw.use_set(which)
    try:
        drawn = json.loads(json.dumps(fw.scenarios()))  # tuples -> lists, as the file holds them
    finally:
        fw.use_set("main")
    committed = {d["name"]: d for d in json.loads(listed.read_text(encoding="utf-8"))}
    names = [sc["name"] for sc in drawn]
    assert len(set(names)) == len(names)
    changed = [sc["name"] for sc in drawn if sc["name"] in committed
               and any(committed[sc["name"]].get(k) != v for k, v in sc.items())]
    assert not changed, f"scenarios differ from the committed list: {changed[:10]}"
    gone = sorted(set(committed) - set(names))
    assert not gone, f"listed scenarios the generator no longer draws: {gone[:10]}"
    missing = [n for n in names if n not in committed]
    assert not missing, (f"{len(missing)} scenarios not in {listed.name} (run `python validation/fullwave_set.py "
                         f"--set {which} list`): {missing[:10]}")


@pytest.mark.skipif(not (ROOT / "validation" / "fullwave" / "fw900_void_01_clean.sgy").exists(),
                    reason="full-wave set not in this checkout")
def test_white_noise_variant_adds_broadband_noise_at_its_level():
    from validation.fullwave_robustness import WHITE34_REL, variant_survey

    fw.use_set("main")
    sc = next(s for s in fw.scenarios() if s["name"] == "fw900_void_01")
    clean = variant_survey(sc, "clean")
    white = variant_survey(sc, "white34")
    assert white.shape == clean.shape
    noise = np.asarray(white.values, dtype=float) - np.asarray(clean.values, dtype=float)
    assert noise.std() == pytest.approx(WHITE34_REL * np.abs(clean.values).max(), rel=0.05)
    # white: as much power above half the Nyquist frequency as below it (band-limited noise has none)
    spec = np.abs(np.fft.rfft(noise, axis=-1)) ** 2
    half = spec.shape[-1] // 2
    assert spec[..., half:].sum() == pytest.approx(spec[..., :half].sum(), rel=0.15)
    assert np.array_equal(white.values, variant_survey(sc, "white34").values)  # seeded


def test_pulse_variants_turn_the_phase_and_keep_what_the_envelope_holds():
    """The robustness variants of another source pulse: ``quad`` turns a Ricker wavelet 90 degrees
    and keeps its envelope (where it peaks and how strong); ``integral`` is the running integral, so
    its differences give the trace back. Coordinates and attributes are kept."""
    import xarray as xr
    from scipy.signal import hilbert

    from validation.fullwave_robustness import with_pulse

    dt, f = 0.05, 0.4  # ns, GHz
    t = np.arange(800) * dt
    arg = (np.pi * f * (t - 12.0)) ** 2
    ricker = (1 - 2 * arg) * np.exp(-arg)
    x = np.stack([ricker, 0.5 * np.roll(ricker, 100)])[None]  # (channel, trace, sample)
    s = xr.DataArray(x, dims=("channel", "trace", "sample"), coords={"twt_ns": ("sample", t)},
                     attrs={"dt_ns": dt})
    q = with_pulse(s, "quad")
    assert q.shape == s.shape and q.attrs["dt_ns"] == dt and np.array_equal(q.twt_ns, s.twt_ns)
    env, env_q = np.abs(hilbert(x, axis=-1)), np.abs(hilbert(np.asarray(q.values, float), axis=-1))
    assert np.argmax(env_q[0, 0]) == np.argmax(env[0, 0])
    assert env_q[0, 0].max() == pytest.approx(env[0, 0].max(), rel=0.02)
    assert env_q[0, 1].max() / env_q[0, 0].max() == pytest.approx(0.5, rel=0.02)
    # in quadrature: uncorrelated with the original at zero lag, the Hilbert pair of it
    qa = np.asarray(q.values, float)[0, 0]
    assert abs(np.dot(qa, ricker)) < 0.02 * np.dot(ricker, ricker)
    i = with_pulse(s, "integral")
    back = np.diff(np.asarray(i.values, float), axis=-1) / dt
    assert np.allclose(back[0, 0], ricker[1:], atol=1e-4)
    with pytest.raises(ValueError):
        with_pulse(s, "gaussian")


def test_3d_spreading_variant_weakens_late_arrivals_as_one_over_r():
    """The ``3d`` variant scales a 2-D record by sqrt(t_ref / t), ``t`` the travel time since the
    pulse left (the record's time less one period): two arrivals of equal amplitude come out in the
    ratio sqrt(t_early / t_late) of their travel times, the direct wave's early samples are not
    blown up, and coordinates and attributes are kept. On the blind 400 MHz cavity whose gprMax 3-D
    run is a test fixture, its top reads several times weaker against the surface than in 2-D, as
    the 3-D run does."""
    import xarray as xr

    from validation.fullwave_robustness import variant_survey, with_3d_spreading

    dt, f_mhz = 0.05, 400.0
    period = 1000.0 / f_mhz
    t = np.arange(800) * dt
    x = np.zeros((1, 2, t.size))
    i1, i2 = round(5.0 / dt), round(25.0 / dt)  # arrivals 2.5 ns and 22.5 ns after the pulse left
    x[..., i1], x[..., i2] = 1.0, 1.0
    s = xr.DataArray(x, dims=("channel", "trace", "sample"), coords={"twt_ns": ("sample", t)},
                     attrs={"dt_ns": dt})
    y = with_3d_spreading(s, f_mhz)
    assert y.shape == s.shape and y.attrs["dt_ns"] == dt and np.array_equal(y.twt_ns, s.twt_ns)
    v = np.asarray(y.values, float)[0, 0]
    assert v[i2] / v[i1] == pytest.approx(np.sqrt((5.0 - period) / (25.0 - period)), rel=1e-3)
    assert np.all(np.abs(np.asarray(with_3d_spreading(s.copy(data=np.ones_like(x)), f_mhz).values)) <= 1.0 + 1e-6)
    import json

    import roadhealth

    fw.use_set("blind")
    try:
        sc = next((s for s in fw.scenarios() if s["name"] == "bw400_cavity_25"), None)
        if sc is None or not fw.exported(sc):
            pytest.skip("blind line bw400_cavity_25 not in this checkout")

        def strength(variant):
            d = roadhealth.detect(variant_survey(sc, variant))
            assert list(d["kind"]) == ["cavity"]
            return json.loads(d["features"].iloc[0])["top_surface_ratio"]

        ratio = strength("clean") / strength("clean_3d")
    finally:
        fw.use_set("main")
    assert 2.5 < ratio < 6.0  # (the gprMax 3-D run of this line: 0.151 / 0.031 = 4.9)


def test_said_variants_are_their_base_with_the_spreading_stated():
    """``*_said`` is the variant before it, samples untouched, with ``attrs["wave_spreading"]`` the
    world it is: the 2-D files say "2d", the 3-D emulation "3d"; the base variants say nothing."""
    from validation.fullwave_robustness import VARIANTS, variant_survey

    assert {"clean_said", "noisy_said", "clean_3d_said", "noisy_3d_said"} <= set(VARIANTS)
    fw.use_set("blind")
    try:
        sc = next((s for s in fw.scenarios() if s["name"] == "bw400_cavity_25"), None)
        if sc is None or not fw.exported(sc):
            pytest.skip("blind line bw400_cavity_25 not in this checkout")
        for base, said in (("clean", "2d"), ("noisy", "2d"), ("clean_3d", "3d"), ("noisy_3d", "3d")):
            a, b = variant_survey(sc, base), variant_survey(sc, base + "_said")
            assert "wave_spreading" not in a.attrs and b.attrs["wave_spreading"] == said
            np.testing.assert_array_equal(np.asarray(a.values), np.asarray(b.values))
    finally:
        fw.use_set("main")


def test_breakdown_counts_each_line_in_its_groups():
    """Recall per group counts air kinds as right for cavities and voids, the own kind for wet and
    loose zones; false alarms on pipes count as flagged pipes, the rest per line."""
    scs = {
        "a": dict(name="a", frequency_mhz=400, object="cavity", params=dict(soil="uniform"), batch=1),
        "b": dict(name="b", frequency_mhz=400, object="pipe", params=dict(material="pvc"), batch=fw.VARIED_FROM_BATCH),
        "c": dict(name="c", frequency_mhz=900, object="water_rich", params=dict(soil_materials=fw.WET_CLAY,
                                                                                 sigma_s_m=0.1), batch=2),
    }
    per = {
        "a": dict(found=["cavity->void (top +0.01 m)"], missed=[], false_alarms=["loose 0.61"]),
        "b": dict(found=[], missed=[], false_alarms=["cavity 0.86 on pipe"]),
        "c": dict(found=["water_rich->cavity (top +0.10 m)"], missed=["water_rich"], false_alarms=[]),
    }
    t = bd.tally(per, scs)
    assert t["all lines"]["lines"] == 3
    assert (t["all lines"]["cv"], t["all lines"]["cv_right"]) == (1, 1)
    assert (t["all lines"]["water_rich"], t["all lines"]["water_rich_right"]) == (2, 0)
    assert t["band 400 MHz"]["lines"] == 2 and t["band 900 MHz"]["lines"] == 1
    assert t["soil: one uniform soil"]["fa_other"] == 1
    assert (t["varied draw (--varied)"]["pipes"], t["varied draw (--varied)"]["pipes_flagged"]) == (1, 1)
    assert t["soil: wet clay"]["water_rich"] == 2 and t["wet zone flat or lossier"]["lines"] == 1
    assert "several bodies on the line" not in t
    # a line of several bodies counts in the groups of its bodies' shapes too
    scs["d"] = dict(name="d", frequency_mhz=400, object="multi", batch=3,
                    params=dict(items=[("pipe", dict(depth_m=0.5)), ("cavity", dict(flat_top=True))]))
    per["d"] = dict(found=["cavity->cavity (top +0.02 m)"], missed=[], false_alarms=[])
    t = bd.tally(per, scs)
    assert t["several bodies on the line"]["cv_right"] == 1
    assert t["cavity shape (flat, boxy, round, part water)"]["lines"] == 1
    # a loose zone built as one homogeneous body has a group of its own
    scs["e"] = dict(name="e", frequency_mhz=400, object="loose", batch=198,
                    params=dict(length_m=1.2, loose_style="uniform", eps_ratio=0.6))
    per["e"] = dict(found=["loose->cavity (top +0.02 m)"], missed=[], false_alarms=[])
    t = bd.tally(per, scs)
    assert (t["loose zone one homogeneous body"]["loose"], t["loose zone one homogeneous body"]["loose_right"]) == (1, 0)


def test_handwritten_detect_writes_a_row_per_merged_model(tmp_path, monkeypatch):
    """``handwritten_gprmax.py detect`` scores every merged model kept beside it and writes
    ``results.md`` (one row each, clean and noisy); a subset scored alone leaves the table as it
    was."""
    import shutil

    from validation import handwritten_gprmax as hw

    src = ROOT / "tests" / "data" / "gprmax" / "air_box_merged.h5"  # a 400 MHz air box in a layered road
    shutil.copy(src, tmp_path / "airbox400_merged.h5")
    monkeypatch.setattr(hw, "OUT", tmp_path)
    hw.main(["detect"])
    table = (tmp_path / "results.md").read_text(encoding="utf-8").splitlines()
    rows = [r for r in table if r.startswith("| airbox400 ")]
    assert len(rows) == 1 and len([r for r in table if r.startswith("| ") and "---" not in r]) == 2
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == "400" and cells[2].startswith("cavity")
    assert cells[3] != "nothing" and "top" in cells[3]  # the box is found on the clean record
    # a model named alone (not every merged one) prints but leaves the table untouched
    shutil.copy(src, tmp_path / "airbox900_merged.h5")
    before = (tmp_path / "results.md").read_text(encoding="utf-8")
    hw.main(["detect", "airbox900"])
    assert (tmp_path / "results.md").read_text(encoding="utf-8") == before


def test_explain_line_shows_the_region_at_a_true_body_and_why(tmp_path):
    """The diagnostic reports the cavity of a simulated line at its truth, with its decision and
    rule scores, keeps only the regions near a body unless asked for all, and draws the B-scan."""
    import pandas as pd

    import roadhealth.synth as S

    model = S.RoadModel(length_m=6.0, seed=1, objects=[
        S.Cavity(s_m=3.0, u_m=0.0, depth_top_m=0.5, length_m=0.6, width_m=0.6, height_m=0.3)])
    survey = S.simulate(model, S.Acquisition(frequency_mhz=600, n_samples=256, window_ns=30),
                        S.SystemEffects.ideal())
    truth = pd.DataFrame([dict(kind="cavity", distance_start_m=2.7, distance_end_m=3.3, depth_top_m=0.5)])
    res = ex.explain(survey, truth)
    reg = res["regions"]
    assert reg["near"].all() and (reg["decision"] == "cavity").any()
    hit = reg[reg["decision"] == "cavity"].iloc[0]
    assert "cavity" in hit["scores"] and abs(hit["depth_top_m"] - 0.5) < 0.2
    assert (res["detections"]["kind"] == "cavity").any()
    text = ex.report("synthetic", res, truth)
    assert "cavity 2.70-3.30 m, top 0.50 m" in text and "-> cavity" in text
    # a truth elsewhere: no region is near it, but every region is there when asked for
    far = pd.DataFrame([dict(kind="cavity", distance_start_m=0.0, distance_end_m=0.2, depth_top_m=1.5)])
    assert ex.explain(survey, far)["regions"].empty
    every = ex.explain(survey, far, every=True)["regions"]
    assert len(every) >= 1 and not every["near"].any()
    assert ex.draw(survey, res, tmp_path / "b.png", truth).stat().st_size > 1000



def test_the_direct_wave_lag_study_reads_a_known_lag():
    """``validation/direct_wave_lag.py`` reads the lag of a reflection past the first arrival's
    opposite: a trace of a wavelet and, 8 ns later, the same wavelet inverted and turned 30 degrees
    later (analytic signal) reads 30; the model it runs puts the dipoles where it says."""
    from scipy.signal import hilbert

    from validation import direct_wave_lag as dwl

    dt = 0.01
    t = np.arange(0, 20, dt)
    f = 0.4

    def ricker(t0):
        a = (np.pi * f * (t - t0)) ** 2
        return (1 - 2 * a) * np.exp(-a)

    first = ricker(3.0)
    later = -np.real(hilbert(ricker(11.0)) * np.exp(1j * np.radians(30.0)))
    t0, t1, lag = dwl.lag_deg(first + 0.3 * later, dt)
    assert abs(t0 - 3.0) < 0.05 and abs(t1 - 11.0) < 0.05
    assert lag == pytest.approx(30.0, abs=2.0)
    text = dwl.model_text(0.16, 0.02)
    assert "#hertzian_dipole: z 0.5 0.9200 0 src" in text and "#rx: 0.6600 0.9200 0" in text


def test_3d_lines_are_scored_in_their_own_frame():
    """``fullwave_3d.truth_tables`` moves a scenario's 2-D truth into the frame of its 3-D line (a
    2 m stretch of it, distance 0 at the first trace's midpoint): the kept run of blind
    ``bw400_cavity_25`` (0.8 m cavity, top 0.70 m) lies at 0.52-1.32 m there, as the run's own
    record says, not at its 2-D distance."""
    import json

    from validation import fullwave_3d as f3

    meta = json.loads((f3.RESULTS / "bw400_cavity_25_3d.json").read_text(encoding="utf-8"))
    truth, clutter, length = f3.truth_tables(meta)
    assert clutter is None and len(truth) == 1
    r = truth.iloc[0]
    assert r["kind"] == "cavity" and r["depth_top_m"] == pytest.approx(0.70, abs=0.01)
    assert (r["distance_start_m"], r["distance_end_m"]) == pytest.approx(tuple(meta["truth"]["distance_m"]), abs=0.01)
    assert (r["distance_start_m"], r["distance_end_m"]) == pytest.approx((0.52, 1.32), abs=0.02)
    from validation.common import read_table

    fw.use_set("blind")
    two_d = read_table(fw.OUT / "bw400_cavity_25_truth.geojson")
    assert abs(float(two_d["distance_start_m"].iloc[0]) - r["distance_start_m"]) > 0.5  # another frame
    assert 1.5 < length < 2.1
