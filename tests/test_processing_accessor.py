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
    with pytest.raises(ProcessingError, match="no processing step 'dewoww'"):
        _survey().rh.dewoww()
