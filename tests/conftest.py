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
    from orbitdc.api import satellite_technology

    return satellite_technology()


TINY_STUDY = """
[study]
name = "{name}"
description = "tiny study for tests"
seed = 7
models_dir = "{models}"

[technology]
radiator_temp_k = 320.0
eclipse_load_fraction = 0.0

[[classes]]
name = "S100"
power_kw = 100

[shells]
altitude_min_km = 500
altitude_max_km = 600
altitude_step_km = 100
inclinations = [53]
min_separation_km = 20

[deployment]
start_year = 2030
horizon_years = 3
compute_target_pflops = 2000
target_year = 2031
max_sats_per_shell = 60

[launch]
flights_first_year = 4
flights_growth_per_year = 2
flights_max_per_year = 8

[solver]
time_limit_s = 20
mip_gap = 1e-6
threads = 1

[search]
n_trials = 4
sampler = "bruteforce"
workers = 1
objectives = ["compute", "risk", "cost"]

[search.params.solar_array]
choices = ["thin_silicon", "triple_junction_gaas"]

[search.params.radiator]
choices = ["pumped_loop_aluminium", "carbon_carbon_heat_pipe"]
{extra}
"""


def write_tiny_study(directory: Path, name: str = "tiny", extra: str = "") -> Path:
    """A tiny study file (2 shells x 1 class x 3 years, 4 brute-force trials)."""
    path = directory / f"{name}.toml"
    path.write_text(TINY_STUDY.format(name=name, models=REPO / "models", extra=extra))
    return path


@pytest.fixture(scope="session")
def tiny_writer():
    """:func:`write_tiny_study`, for fixtures of wider scope."""
    return write_tiny_study


@pytest.fixture
def tiny_study(tmp_path):
    """Write tiny study files into the test's temporary folder."""

    def make(name: str = "tiny", extra: str = "") -> Path:
        return write_tiny_study(tmp_path, name, extra)

    return make


@pytest.fixture
def read_only():
    """Make a folder unwritable, even for root: permission bits, or a read-only mount for root.

    ``read_only(folder)`` keeps the folder's files readable; the test is skipped when root
    cannot mount (a container without CAP_SYS_ADMIN).
    """
    import shutil
    import subprocess

    mounted: list[Path] = []
    chmodded: list[Path] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o555)
                    chmodded.append(path)
            return folder
        keep = folder.with_name(folder.name + ".content")
        shutil.copytree(folder, keep)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("root writes anywhere and cannot mount a read-only folder here")
        mounted.append(folder)
        shutil.copytree(keep, folder, dirs_exist_ok=True)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        return folder

    yield make
    for path in chmodded:
        path.chmod(0o755)
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=False)
