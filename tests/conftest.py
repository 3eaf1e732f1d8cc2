"""Shared fixtures: where the real instrument samples live, and their expected facts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

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
