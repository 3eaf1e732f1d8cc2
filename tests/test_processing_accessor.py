"""The ``survey.rh`` accessor calls the very same plain functions."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import roadhealth
import roadhealth.processing as rp
from roadhealth.errors import ProcessingError


def _survey():
    rng = np.random.default_rng(0)
    return roadhealth.make_survey(rng.standard_normal((2, 50, 128)).astype("float32"), dt_ns=0.1,
                                  distance_m=np.arange(50) * 0.05, antenna_mhz=800)


def test_accessor_equals_plain_functions():
    s = _survey()
    chained = s.rh.dewow(window_ns=1.25).rh.bandpass()
    plain = rp.bandpass(rp.dewow(s, window_ns=1.25))
    xr.testing.assert_identical(chained.drop_attrs(), plain.drop_attrs())
    assert [h["step"] for h in chained.attrs["history"]] == ["dewow", "bandpass"]
    np.testing.assert_array_equal(s.rh.apply().values, rp.apply(s).values)
    assert "dewow" in s.rh.steps and "dewow" in dir(s.rh)


def test_accessor_unknown_step():
    with pytest.raises(AttributeError, match="no step or method 'dewoww'"):
        _survey().rh.dewoww()
    assert not hasattr(_survey().rh, "dewoww") and hasattr(_survey().rh, "dewow")


def test_import_roadhealth_alone_registers_the_accessor():
    import subprocess
    import sys

    code = ("import numpy as np, roadhealth\n"
            "s = roadhealth.make_survey(np.zeros((1, 4, 16)), dt_ns=0.1)\n"
            "print(type(s.rh).__name__, 'roadhealth.processing' in __import__('sys').modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["SurveyAccessor", "True"]


def test_steps_are_survey_to_survey_only():
    from roadhealth.processing import STEPS

    assert {"cscan", "cscans", "surface_permittivity", "hyperbola_velocities", "pick_layers"}.isdisjoint(STEPS)
    assert {"time_zero", "dewow", "bandpass", "to_depth", "stolt_migrate"} <= set(STEPS)


def test_an_error_inside_a_step_is_not_called_bad_parameters(monkeypatch):
    from roadhealth.processing import recipe

    def broken(survey, *, factor=1.0):
        raise TypeError("internal bug")

    monkeypatch.setitem(recipe.STEPS, "broken", broken)
    with pytest.raises(TypeError, match="internal bug"):
        rp.apply(_survey(), [{"name": "broken", "params": {"factor": 2.0}}])
    with pytest.raises(ProcessingError, match="bad parameters"):
        rp.apply(_survey(), [{"name": "broken", "params": {"facto": 2.0}}])


def test_subpackages_are_reachable_from_import_roadhealth():
    """roadhealth.detect(survey) and roadhealth.plan.plan(...) after a bare `import roadhealth`."""
    import subprocess
    import sys

    code = ("import roadhealth\n"
            "print(callable(roadhealth.detect), callable(roadhealth.plan.plan))\n"
            "try:\n    roadhealth.nothing_here\nexcept AttributeError:\n    print('AttributeError')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "AttributeError"]
