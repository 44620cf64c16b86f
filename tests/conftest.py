"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    return REPO / "studies" / "baseline.toml"


@pytest.fixture(scope="session")
def technology():
    from orbitdc.sizing import SatelliteTechnology

    return SatelliteTechnology.from_catalogs()
