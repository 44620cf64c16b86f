"""Study files: the baseline loads; every kind of bad input gives one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbitdc.errors import StudyFileError
from orbitdc.spec import read_study

GOOD = """
[study]
name = "t"

[[classes]]
name = "S100"
power_kw = 100

[shells]
altitude_min_km = 500
altitude_max_km = 600
altitude_step_km = 50
inclinations = ["dawn-dusk", 53]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.toml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(StudyFileError) as info:
        read_study(path)
    return str(info.value).replace(str(path), "x.toml")


def test_baseline_loads(baseline_path):
    loaded = read_study(baseline_path)
    assert loaded.name == "baseline"
    assert len(loaded.sha256) == 64
    assert loaded.spec.shells.altitudes_km()[0] == loaded.spec.shells.altitude_min_km


def test_good_minimal_file(tmp_path):
    spec = read_study(write(tmp_path, GOOD)).spec
    assert spec.shells.altitudes_km() == [500.0, 550.0, 600.0]
    assert [f.label for f in spec.shells.families()] == ["dawn-dusk", "53"]


def test_negative_power_names_field_value_and_range(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("power_kw = 100", "power_kw = -5"))
    assert msg == "x.toml: classes[0].power_kw = -5: must be > 0"


def test_unknown_key_is_an_error_listing_allowed_keys(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("altitude_step_km", "altitude_stp_km"))
    assert "x.toml: shells.altitude_stp_km: unknown key (allowed keys: " in msg
    assert "altitude_step_km" in msg
    assert "shells.altitude_step_km: is required" in msg


def test_unknown_top_level_section(tmp_path):
    msg = error_of(tmp_path, GOOD + "\n[shels]\nx = 1\n")
    assert msg.startswith("x.toml: shels: unknown key (allowed keys: study, technology")


def test_bad_inclination_names_the_item(tmp_path):
    msg = error_of(tmp_path, GOOD.replace('["dawn-dusk", 53]', '["dawn-dusk", "polar"]'))
    assert msg.startswith("x.toml: shells.inclinations[1] = 'polar': must be degrees")


def test_wrong_type(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("power_kw = 100", 'power_kw = "lots"'))
    assert msg == "x.toml: classes[0].power_kw = 'lots': must be a number"


def test_unknown_technology_lists_catalog_choices(tmp_path):
    msg = error_of(tmp_path, GOOD + '\n[technology]\nsolar_array = "perovskite"\n')
    assert msg.startswith("x.toml: technology.solar_array = 'perovskite': must be one of: ")
    assert "triple_junction_gaas" in msg and "solar_arrays.csv" in msg


def test_altitude_order_and_duplicates(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("altitude_max_km = 600", "altitude_max_km = 400"))
    assert "altitude_max_km = 400 must be >= altitude_min_km = 500" in msg
    dup = GOOD + '\n[[classes]]\nname = "S100"\npower_kw = 200\n'
    assert "repeated: S100" in error_of(tmp_path, dup)


def test_out_of_range_altitude(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("altitude_min_km = 500", "altitude_min_km = 50"))
    assert msg == "x.toml: shells.altitude_min_km = 50: must be >= 150"


def test_syntax_error_and_missing_file(tmp_path):
    assert "TOML syntax error" in error_of(tmp_path, "[study\nname=1")
    with pytest.raises(StudyFileError, match="no such study file"):
        read_study(tmp_path / "missing.toml")


def test_several_problems_one_line_each(tmp_path):
    text = GOOD.replace("power_kw = 100", "power_kw = 0").replace(
        "altitude_step_km = 50", "altitude_step_km = -1"
    )
    lines = error_of(tmp_path, text).splitlines()
    assert lines == [
        "x.toml: classes[0].power_kw = 0: must be > 0",
        "x.toml: shells.altitude_step_km = -1: must be > 0",
    ]


def test_study_is_frozen(baseline_path):
    spec = read_study(baseline_path).spec
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="frozen"):
        spec.study.name = "other"  # type: ignore[misc]


def test_risk_section_choices(tmp_path):
    spec = read_study(write(tmp_path, GOOD + '\n[risk]\nmetric = "maneuvers"\n')).spec
    assert spec.risk.metric == "maneuvers" and spec.risk.coordinated
    msg = error_of(tmp_path, GOOD + '\n[risk]\nmetric = "fun"\n')
    assert msg.startswith("x.toml: risk.metric = 'fun': must be one of: 'collisions'")


def test_whole_file_checks_have_no_doubled_colon(tmp_path):
    msg = error_of(tmp_path, GOOD + '\n[search.params."power_kw.S5"]\nlow = 50\nhigh = 90\n')
    assert msg == "x.toml: search.params.power_kw.S5: no class 'S5' (classes: S100)"
    assert ": :" not in msg and "::" not in msg
