"""Shared fixtures: where the real instrument samples live, and their expected facts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from roadhealth.errors import FormatError, RoadHealthWarning

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
    data) or ``"warned"`` (different data announced by a RoadHealthWarning, e.g. the whole traces
    of a cut file). Anything else (another exception, silently different data) fails the test."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            s = read()
        except FormatError:
            return "error"
    got = s.values
    if got.shape == original.shape and np.array_equal(got, original):
        return "equal"
    assert any(issubclass(w.category, RoadHealthWarning) for w in caught), "silently different data"
    return "warned"
