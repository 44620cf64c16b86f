"""The Python API: the README's example runs, and import orbitdc stays light."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import orbitdc
from orbitdc.errors import InputError, OrbitdcError

REPO = Path(__file__).resolve().parents[1]


def _readme_api_block() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README.md: the Python API section has no python code block"
    return match.group(1)


def test_readme_python_api_block_runs(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(_readme_api_block(), "README.md (Python API)", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    assert "km-" in printed[0]  # shell keys such as 500km-dawn-dusk
    assert printed[1].endswith(tuple("0123456789"))
    assert float(printed[2]) > 1e4  # objects >= 10 cm in LEO after 5 years without a plan


def test_import_orbitdc_loads_no_heavy_stage() -> None:
    code = ("import sys, orbitdc\n"
            "heavy = [m for m in ('pyomo', 'optuna', 'orbitdc.api', 'orbitdc.screening', "
            "'scipy') if m in sys.modules]\n"
            "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_api_names_resolve() -> None:
    for name in orbitdc.__all__:
        assert getattr(orbitdc, name) is not None
    with pytest.raises(AttributeError):
        orbitdc.no_such_function  # noqa: B018


def test_study_facade_reports_problems_clearly(tmp_path: Path, baseline_path: Path) -> None:
    with pytest.raises(OrbitdcError, match="missing.toml"):
        orbitdc.load_study(tmp_path / "missing.toml")
    text = baseline_path.read_text().replace("compute_target_pflops = 135000", "")
    path = tmp_path / "no_target.toml"
    path.write_text(text)
    study = orbitdc.load_study(path)
    with pytest.raises(InputError, match="compute_target_pflops"):
        study.optimize("ratio")
    with pytest.raises(InputError, match="objective"):
        study.optimize("fastest")


def test_size_satellite_defaults_are_the_study_schema_defaults() -> None:
    from orbitdc.spec.schema import Technology

    design = orbitdc.size_satellite(power_kw=100, altitude_km=550)
    t = Technology()
    assert design.radiator_temp_k == t.radiator_temp_k
    assert design.design_life_years == t.design_life_years
    with pytest.raises(InputError, match="technology"):
        orbitdc.size_satellite(power_kw=100, altitude_km=550, solar_panel="x")
