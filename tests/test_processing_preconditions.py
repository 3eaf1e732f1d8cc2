"""Steps that need time zero at the surface, no header words or a time axis say so, never guess."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import roadhealth as rh
from roadhealth.errors import ProcessingError
from roadhealth.processing import apply, depth, migration, slices, velocity

WAIMAO = Path(__file__).resolve().parents[1] / "sample_data" / "longdu" / "WAIMAO.DZT"
MODEL = [depth.Layer(eps_r=6.0, thickness_m=0.1), depth.Layer(eps_r=9.0)]


@pytest.fixture(scope="module")
def raw():
    return rh.read(WAIMAO).isel(channel=slice(0, 2), trace=slice(0, 200))


@pytest.fixture(scope="module")
def processed(raw):
    return apply(raw)


GUARDED = {
    "add_depth": lambda s: depth.add_depth(s, MODEL),
    "to_depth": lambda s: depth.to_depth(s, MODEL, 0.01),
    "stolt_migrate": lambda s: migration.stolt_migrate(s, eps_r=9.0),
    "phase_shift_migrate": lambda s: migration.phase_shift_migrate(s, eps_r=9.0),
    "kirchhoff_migrate": lambda s: migration.kirchhoff_migrate(s, eps_r=9.0),
    "hyperbola_velocities": lambda s: velocity.hyperbola_velocities(s, n_max=1),
    "pick_layers": lambda s: velocity.pick_layers(s, [(1.0, 4.0)]),
    "cscan": lambda s: slices.cscan(s, twt_ns=(2.0, 4.0)),
}


@pytest.mark.parametrize("step", sorted(GUARDED))
def test_raw_input_raises_naming_what_to_run(raw, step):
    """On raw GSSI data (header words in samples 0-1, twt_ns = 0 at the start of the record)."""
    with pytest.raises(ProcessingError, match=rf"{step}.*header words.*run time_zero first"):
        GUARDED[step](raw)


@pytest.mark.parametrize("step", sorted(GUARDED))
def test_after_time_zero_the_step_runs(processed, step):
    out = GUARDED[step](processed)
    assert out is not None


@pytest.mark.parametrize("step", ["add_depth", "stolt_migrate", "cscan"])
def test_no_time_zero_raises_even_without_header_words(raw, step):
    s = raw.isel(sample=slice(2, None)).assign_attrs(header_words=0)
    with pytest.raises(ProcessingError, match=r"not the road surface.*run time_zero first"):
        GUARDED[step](s)
    # the user may say the data are aligned already (processed by other software)
    GUARDED[step](s.assign_attrs(time_zero_at_surface=True))


def test_an_explicit_surface_time_is_enough_for_depth(raw):
    s = raw.isel(sample=slice(2, None)).assign_attrs(header_words=0)
    out = depth.add_depth(s, MODEL, surface_twt_ns=3.0)
    z = out.depth_m.values
    assert z[np.searchsorted(out.twt_ns.values, 3.0)] == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("step", ["stolt_migrate", "to_depth", "hyperbola_velocities"])
def test_depth_domain_input_is_refused(processed, step):
    d = depth.to_depth(processed, MODEL, 0.01)
    with pytest.raises(ProcessingError, match=r"already on a depth axis"):
        GUARDED[step](d)
