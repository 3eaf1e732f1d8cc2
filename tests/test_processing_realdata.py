"""The default recipe on real field files: time-zero picks, no stripes, no invented samples.

These tests read the real instrument samples in ``../shared/gpr_samples`` (skipped with a reason
where that folder is absent): the 46 lines of a GSSI 400 MHz grid, a GSSI SIR-3000 line, a
SIR-4000 200 MHz line and a pulseEKKO 100 MHz line (all common-offset profiles).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import SAMPLES_DIR, requires_samples
from scipy.ndimage import median_filter

import roadhealth as rh
from roadhealth.processing import apply, load_recipe, pick_time_zero

GRID = sorted((SAMPLES_DIR / "gssi" / "gprdata_grid" / "lines").glob("FILE____0*.DZT"))
SINGLE = [SAMPLES_DIR / "gssi" / "gprpy_400mhz" / "FILE____032.DZT",
          SAMPLES_DIR / "gssi" / "impdar_sir4000" / "test_gssi.DZT",
          SAMPLES_DIR / "pulseekko" / "rgpr_isola_grid" / "YLINEA0.DT1"]
COMMON_OFFSET = GRID + SINGLE

pytestmark = requires_samples


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GNSS QC and DZX notes; not what these tests are about
        return rh.read(path)


def _ids(paths):
    return [p.name for p in paths]


@pytest.mark.parametrize("path", COMMON_OFFSET, ids=_ids(COMMON_OFFSET))
def test_time_zero_picks_agree_with_their_neighbours(path):
    s = _read(path)
    dt = float(s.attrs["dt_ns"])
    picks = pick_time_zero(s, per="trace")
    p = picks.values
    med = median_filter(p, size=(1, 21), mode="nearest")
    assert np.all(np.isfinite(p))
    assert np.max(np.abs(p - med)) <= max(1.0, 2 * dt)
    # the raw picks are kept beside the checked ones, with a confidence
    assert picks.coords["confidence"].shape == p.shape
    assert np.all(picks.coords["confidence"].values[picks.coords["rejected"].values] == 0)


def test_header_words_are_never_picked_on_the_grid():
    """Before the fix, 461 of the grid's 20,746 raw picks sat on the GSSI header words (0.2 ns)."""
    low = 0
    for path in GRID:
        s = _read(path)
        raw = pick_time_zero(s, per="trace").coords["raw_pick_ns"].values
        low += int(np.sum(raw < 3.0))  # the grid's first break is at 5-7 ns
    assert low == 0


def _difference_energy(section: np.ndarray) -> np.ndarray:
    """Energy of the difference between neighbouring traces, over its median (one channel)."""
    x = np.asarray(section, dtype=float)
    d = np.mean(np.diff(x, axis=0) ** 2, axis=1)
    return d / np.median(d)


def stripe_score(raw, processed) -> float:
    """The largest factor by which processing raised a trace's difference to its neighbour.

    A trace shifted in time against its neighbours (a time-zero mis-pick) differs from them
    much more than it did in the raw section: that is a stripe.
    """
    return float(np.max(_difference_energy(processed) / np.maximum(_difference_energy(raw), 1.0)))


@pytest.mark.parametrize("path", COMMON_OFFSET, ids=_ids(COMMON_OFFSET))
def test_processed_real_bscans_have_no_stripes(path):
    s = _read(path)
    raw = s.isel(sample=slice(int(s.attrs.get("header_words", 0)), None)).values[0]
    out = apply(s)
    assert stripe_score(raw, out.values[0]) < 5.0


def test_the_stripe_score_catches_per_trace_mis_picks():
    """The same measure fails the per-trace alignment without neighbour checks on a real line
    (the behaviour the default replaced), so the test above can fail."""
    s = _read(GRID[24])
    raw = s.isel(sample=slice(2, None)).values[0]
    recipe = load_recipe(None)
    recipe["steps"][0]["params"].update(per="trace", max_dev_ns=1e6)
    assert stripe_score(raw, apply(s, recipe).values[0]) > 20.0


@pytest.mark.parametrize("path", [*GRID[:1], *SINGLE], ids=_ids([*GRID[:1], *SINGLE]))
def test_no_dead_band_at_the_bottom(path):
    """Samples no trace recorded are trimmed, not invented: the last samples carry signal."""
    s = _read(path)
    out = apply(s)
    x = np.abs(out.values[0])
    tail = x[:, -5:].mean()
    above = x[:, -60:-30].mean()
    assert tail > 0.2 * above  # no flat (zero-variance) band after the filters
    assert out.sizes["sample"] < s.sizes["sample"]
    qc = out.attrs["time_zero_qc"]
    assert qc["samples_trimmed_top"] + qc["samples_trimmed_bottom"] + out.sizes["sample"] == s.sizes["sample"]


def test_deep_noise_of_a_long_record_is_not_amplified():
    """test_gssi.DZT records 2,300 ns at 200 MHz: the gain stops at the noise floor."""
    s = _read(SINGLE[1])
    out = apply(s)
    rec = out.attrs["history"][-1]
    assert rec["step"] == "tpower_gain"
    assert 100.0 < rec["parameters"]["stop_ns"] < 1000.0
    t = out.twt_ns.values
    x = out.values[0]
    shallow = np.sqrt(np.mean(x[:, (t > 20) & (t < 200)] ** 2))
    deep = np.sqrt(np.mean(x[:, t > 1500] ** 2))
    assert deep < 0.5 * shallow


def test_grid_of_processed_lines_keeps_the_surface_and_shows_the_targets():
    """46 lines -> default recipe -> grid: twt_ns = 0 stays the surface (slices allowed), and the
    grid's linear target near y = 5 m stands out of the 0.3-0.4 m depth slice."""
    from roadhealth.processing import assemble_grid, cscan, read_topo_lines, to_depth
    from roadhealth.processing.depth import Layer

    starts, ends = read_topo_lines(SAMPLES_DIR / "gssi" / "gprdata_grid" / "topo")
    lines = [apply(_read(p)) for p in GRID]
    g = assemble_grid(lines, spacing_m=0.02, starts=starts, ends=ends, distance="line", align="none")
    steps = [r["step"] for r in g.attrs["history"]]
    assert steps[0] == "time_zero" and steps[-1] == "assemble_grid"
    d = to_depth(g, [Layer(eps_r=9.0)], 0.01)
    c = cscan(d, depth_m=(0.3, 0.4)).values  # (line, trace)
    y = g.offset_m.values
    band = (y > 4.6) & (y < 5.6)
    x = g.distance_m.values[0]
    along = (x > 2.0) & (x < 6.0)
    # along the target the slice is brighter than on the lines well away from it
    assert np.median(c[band][:, along]) > 1.3 * np.median(c[(y < 3.5)][:, along])
