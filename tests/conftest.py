"""Shared fixtures: where the real instrument samples live, and their expected facts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from roadhealth.errors import FormatError, RoadHealthWarning

# CI runs the property tests with a fixed example sequence, so a red CI is reproducible;
# developers' runs keep exploring new examples (hypothesis' default).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


#: ../shared/gpr_samples relative to the repository root; override with ROADHEALTH_SAMPLES.
SAMPLES_DIR = Path(
    os.environ.get("ROADHEALTH_SAMPLES", Path(__file__).resolve().parents[1].parent / "shared" / "gpr_samples")
)


def samples_available() -> bool:
    return (SAMPLES_DIR / "expected.json").is_file()


requires_samples = pytest.mark.skipif(
    not samples_available(),
    reason=f"real instrument samples not found at {SAMPLES_DIR} (set ROADHEALTH_SAMPLES to the gpr_samples folder)",
)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not samples_available():
        pytest.skip(f"real instrument samples not found at {SAMPLES_DIR} (set ROADHEALTH_SAMPLES)")
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def expected(samples_dir) -> dict:
    with open(samples_dir / "expected.json") as f:
        return json.load(f)


def read_outcome(read, original: np.ndarray) -> str:
    """Outcome of reading a damaged file: ``"error"`` (a FormatError), ``"equal"`` (the original
    data; when ``original`` is a survey, also its dt, time and distance axes) or ``"warned"`` (different data announced by a RoadHealthWarning, e.g. the whole traces
    of a cut file). Anything else (another exception, silently different data) fails the test."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            s = read()
        except FormatError:
            return "error"
    got = s.values
    same = got.shape == original.shape and np.array_equal(got, original)
    if same and hasattr(original, "attrs"):  # a survey: its time and distance axes must agree too
        same = (
            np.isclose(s.attrs["dt_ns"], original.attrs["dt_ns"], rtol=1e-9)
            and np.allclose(s.twt_ns.values, original.twt_ns.values, rtol=1e-9)
            # float32 positions in trace headers: a flipped low mantissa byte moves a trace by under
            # 1 mm, which no check can tell from a real position; more than that must be announced
            and np.allclose(s.distance_m.values, original.distance_m.values, rtol=0, atol=1e-3, equal_nan=True)
        )
    if same:
        return "equal"
    assert any(issubclass(w.category, RoadHealthWarning) for w in caught), "silently different data"
    return "warned"


def resampled_in_time(survey, up: int, down: int = 1):
    """``survey`` with its traces resampled by ``up / down`` along samples (``resample_poly``,
    float64, back to float32): the same record at another sample interval (``dt_ns * down / up``,
    ``twt_ns`` from the same first sample; other sample-wise coordinates dropped)."""
    import xarray as xr
    from scipy.signal import resample_poly

    x = resample_poly(np.asarray(survey.values, dtype=np.float64), up, down, axis=-1).astype(np.float32)
    dt = float(survey.attrs["dt_ns"]) * down / up
    out = xr.DataArray(x, dims=survey.dims,
                       coords={k: v for k, v in survey.coords.items() if "sample" not in v.dims},
                       attrs={**survey.attrs, "dt_ns": dt})
    return out.assign_coords(twt_ns=("sample", float(survey.coords["twt_ns"].values[0]) + dt * np.arange(x.shape[-1])))


#: The repository's validation data (full-wave SEG-Y lines; large files, kept in the checkout).
VALIDATION = Path(__file__).resolve().parent.parent / "validation"


def detect_validation_file(rel: str):
    """``roadhealth.detect`` on a file under ``validation/`` (warnings silenced); the test is
    skipped where the file is not in this checkout."""
    import warnings

    import roadhealth

    path = VALIDATION / rel
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roadhealth.detect(roadhealth.read(path))
