"""The command-line interface: output, exit statuses, files written (or not)."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from orbitdc.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_help_explains_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("validate", "size"):
        assert command in result.output


def test_validate_baseline(baseline_path):
    result = run("validate", str(baseline_path))
    assert result.exit_code == 0
    assert "valid" in result.output and "candidate shells" in result.output


def test_validate_bad_file_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[study]\nname = "b"\n[[classes]]\nname="a"\npower_kw=-5\n')
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert "error: " in result.output and "classes[0].power_kw = -5: must be > 0" in result.output
    assert "Traceback" not in result.output


def test_size_json_keys_carry_units():
    result = run("size", "--power-kw", "100", "--altitude-km", "550", "--inclination", "sso",
                 "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    for key in ("array_area_m2", "radiator_area_m2", "total_mass_kg", "cross_section_m2",
                "eclipse_fraction", "compute_pflops", "ballistic_coefficient_kg_m2"):
        assert key in data
    assert data["inclination_deg"] > 97.0


def test_size_table_output():
    result = run("size", "--power-kw", "1000", "--altitude-km", "700", "--inclination", "53")
    assert result.exit_code == 0
    assert "radiator_area_m2" in result.output


def test_size_bad_arguments_exit_2():
    assert run("size", "--power-kw", "-5", "--altitude-km", "550").exit_code == 2
    assert run("size", "--power-kw", "5", "--altitude-km", "90").exit_code == 2
    bad_inc = run("size", "--power-kw", "5", "--altitude-km", "550", "--inclination", "polar")
    assert bad_inc.exit_code == 2 and "polar" in bad_inc.output
    cold = run("size", "--power-kw", "5", "--altitude-km", "550", "--radiator-temp-k", "160")
    assert cold.exit_code == 2 and "sink temperature" in cold.output
    tech = run("size", "--power-kw", "5", "--altitude-km", "550", "--solar-array", "nope")
    assert tech.exit_code == 2 and "must be one of" in tech.output


def test_bad_option_is_one_line_naming_option_value_and_range():
    result = CliRunner().invoke(cli, ["size", "--power-kw", "-100", "--altitude-km", "550"],
                                prog_name="orbitdc")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and "'--power-kw'" in lines[0]
    assert "-100.0" in lines[0] and "0.0<x<=100000.0" in lines[0]
    assert "orbitdc size --help" in lines[0]
    unknown = CliRunner().invoke(cli, ["sizee"])
    assert unknown.exit_code == 2 and unknown.output.startswith("error: No such command")


def test_run_with_a_bad_storage_writes_nothing(tiny_study, tmp_path):
    out = tmp_path / "results"
    result = CliRunner().invoke(cli, ["run", str(tiny_study()), "--storage", "foo://bar",
                                      "--results-dir", str(out)])
    assert result.exit_code == 2
    assert "error: --storage = 'foo://bar'" in result.output
    assert not out.exists()

def test_size_study_writes_table_and_manifest(baseline_path, tmp_path):
    result = run("size", str(baseline_path), "--results-dir", str(tmp_path))
    assert result.exit_code == 0
    rows = list(csv.DictReader((tmp_path / "baseline" / "sizing.csv").open()))
    assert rows and {"class", "array_area_m2", "total_mass_kg"} <= set(rows[0])
    manifest = json.loads((tmp_path / "baseline" / "manifest.json").read_text())
    assert len(manifest["study_sha256"]) == 64


def test_bad_study_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[study]\nname = 'b'\nunknown = 1\n")
    out = tmp_path / "out"
    result = run("size", str(bad), "--results-dir", str(out))
    assert result.exit_code == 2
    assert not out.exists()


def test_risk_json_keys_and_shell_scaling():
    one = json.loads(run("risk", "--altitude-km", "800", "--inclination", "dawn-dusk",
                         "--power-kw", "100", "--satellites", "100", "--uncoordinated",
                         "--json").output)
    two = json.loads(run("risk", "--altitude-km", "800", "--inclination", "dawn-dusk",
                         "--power-kw", "100", "--satellites", "200", "--uncoordinated",
                         "--json").output)
    per_sat = one["per_satellite"]
    for key in ("decay_years", "disposal_years", "stationkeeping_dv_m_s_per_year",
                "collisions_per_sat_year", "maneuvers_per_sat_year", "debris_index_per_sat_year"):
        assert key in per_sat
    assert per_sat["compliant_5yr"] is False  # 800 km keeps a 100 kW satellite for decades
    key = "intra_collisions_per_year"
    ratio = two["per_shell"][key] / one["per_shell"][key]
    assert ratio == pytest.approx(4.0, rel=1e-9)


def test_risk_table_and_bad_arguments():
    result = run("risk", "--altitude-km", "550")
    assert result.exit_code == 0 and "maneuvers_per_sat_year" in result.output
    assert run("risk", "--altitude-km", "100").exit_code == 2
    assert run("risk", "--altitude-km", "550", "--pc-threshold", "2").exit_code == 2


def test_risk_of_a_given_satellite_and_of_a_study_class(baseline_path):
    # --mass-kg/--cross-section-m2/--hard-body-radius-m skip sizing: a Starlink V2 mini
    args = ("risk", "--altitude-km", "550", "--mass-kg", "800", "--cross-section-m2", "78",
            "--hard-body-radius-m", "15", "--population", "no-starlink", "--json")
    starlink = json.loads(run(*args).output)
    esa = json.loads(run(*args, "--operator", "esa").output)
    assert starlink["satellite"]["total_mass_kg"] == 800.0
    for metric in ("collisions", "catastrophic_collisions", "disabling_impacts",
                   "survivable_impacts", "maneuvers", "debris_index", "environmental_index"):
        assert f"{metric}_per_sat_year" in starlink["per_satellite"]
        assert metric in starlink["intra_k_per_sat2_year"]
    assert starlink["settings"]["operator"] == "starlink" and esa["settings"]["operator"] == "esa"
    assert (starlink["per_satellite"]["maneuvers_per_sat_year"]
            != esa["per_satellite"]["maneuvers_per_sat_year"])
    half = run("risk", "--altitude-km", "550", "--mass-kg", "800")
    assert half.exit_code == 2 and "go together" in half.output
    study = json.loads(run("risk", str(baseline_path), "--class", "S1000", "--shell",
                           "550km-dawn-dusk", "--json").output)
    assert study["satellite"]["power_compute_kw"] == 1000.0
    assert study["settings"]["start_year"] == 2028
    wrong = run("risk", str(baseline_path), "--class", "S7", "--shell", "550km-dawn-dusk")
    assert wrong.exit_code == 2 and "--class = 'S7'" in wrong.output


def test_screen_backend_choices_match_the_library():
    from orbitdc.cli.screen import _BACKENDS
    from orbitdc.propagation import BACKENDS

    assert tuple(_BACKENDS) == tuple(BACKENDS)


def test_min_cost_without_a_risk_cap_names_the_study_field(baseline_path, tmp_path):
    result = CliRunner().invoke(cli, ["optimize", str(baseline_path), "--objective", "min-cost",
                                      "--results-dir", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert f"error: {baseline_path}: deployment.risk_cap = None: must be set" in result.output
    assert not (tmp_path / "r").exists()


def test_screen_walker_spec_out_of_range_names_the_altitude():
    result = CliRunner().invoke(cli, ["screen", "walker:5000:53:72/6/1",
                                      "--start", "2025-01-01T00:00:00", "--hours", "1"])
    assert result.exit_code == 2
    assert "altitude" in result.output and "5000" in result.output


@pytest.mark.parametrize("command", ["validate", "size", "risk", "screen", "optimize", "run",
                                     "worker", "report"])
def test_every_command_help_renders(command):
    # click keeps example blocks verbatim only after a line holding a real backspace; a raw
    # docstring's literal "\b" (or "\\") would print instead
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "\\b" not in result.output and "\\\\" not in result.output
    assert result.output.startswith("Usage: ") and f" {command} " in result.output


@pytest.mark.parametrize("count", ["1e6", "1_000_000", "1,000,000", "1000000", "1.0e6"])
def test_counts_take_the_ways_people_write_big_numbers(count):
    result = run("risk", "--altitude-km", "550", "--satellites", count, "--json")
    assert result.exit_code == 0, result.output
    ten = json.loads(run("risk", "--altitude-km", "550", "--satellites", "10",
                         "--json").output)
    data = json.loads(result.output)
    ratio = (data["per_shell"]["total_collisions_per_year"]
             / ten["per_shell"]["total_collisions_per_year"])
    assert ratio > 1e4  # a million satellites, not ten (nor one)


@pytest.mark.parametrize("count", ["1.5", "ten", "0", "-3"])
def test_counts_that_are_not_whole_positive_numbers_exit_2(count):
    result = CliRunner().invoke(cli, ["risk", "--altitude-km", "550", "--satellites", count])
    assert result.exit_code == 2
    assert result.output.startswith("error: Invalid value for '--satellites'"), result.output


def test_validate_prints_normalised_paths(baseline_path, monkeypatch):
    monkeypatch.chdir(baseline_path.parent.parent)
    result = run("validate", "./studies/../studies/baseline.toml")
    assert result.exit_code == 0
    assert result.output.startswith("studies/baseline.toml: valid")
    assert "/../" not in result.output and "./" not in result.output


def test_walker_spec_errors_name_the_text_once():
    result = CliRunner().invoke(cli, ["screen", "walker:550:53:10/3/1", "--start",
                                      "2025-01-01T00:00:00"])
    assert result.exit_code == 2
    assert result.output.count("walker:550:53:10/3/1") == 1, result.output
    assert "T = 10 must be a positive multiple of P = 3" in result.output


def test_data_files_cite_public_sources_not_search_ids(repo):
    import re

    files = [*(repo / "tests" / "data").iterdir(), *(repo / "models").glob("*.csv")]
    for path in files:
        text = path.read_text(errors="replace")
        assert not re.search(r"find_string|code index|search ids?\b", text), path


def _with_class(text: str, name: str, power_kw: float, alone: bool) -> str:
    """A study text with one more size class (or only that class)."""
    start = text.index("[[classes]]")
    new = f'[[classes]]\nname = "{name}"\npower_kw = {power_kw}\n\n'
    if alone:
        return text[:start] + new + text[text.index("[shells]"):]
    return text[:start] + new + text[start:]


def test_a_class_no_launcher_can_carry_is_named(tiny_study, tmp_path):
    path = tiny_study()
    path.write_text(_with_class(path.read_text(), "S10000", 10000, alone=True))
    for command in (["validate", str(path)],
                    ["optimize", str(path), "--results-dir", str(tmp_path / "r")]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert re.search(r"error: .*tiny\.toml: S10000 \(\d+ t\) exceeds starship's \d+ t to "
                         r"500 km \(53\)", result.output), result.output
        assert "reachable 0" not in result.output and "Traceback" not in result.output


def test_one_class_too_heavy_among_others_is_a_note(tiny_study, tmp_path):
    path = tiny_study()
    path.write_text(_with_class(path.read_text(), "S10000", 10000, alone=False))
    validate = CliRunner().invoke(cli, ["validate", str(path)])
    assert validate.exit_code == 0
    assert re.search(r"warning: .*S10000 \(\d+ t\) exceeds starship's", validate.stderr)
    result = CliRunner().invoke(cli, ["optimize", str(path), "--results-dir",
                                      str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert any(n.startswith("S10000 (") and "cannot be launched" in n for n in notes), notes


def _retiring_study(path, hold: bool):
    """The tiny study with one-year satellites and least cost: nothing outlives 2031."""
    text = path.read_text().replace(
        "eclipse_load_fraction = 0.0", "eclipse_load_fraction = 0.0\ndesign_life_years = 1.0")
    text = text.replace("target_year = 2031", "target_year = 2031\nrisk_cap = 1e9\n"
                        f"hold_target_through_horizon = {'true' if hold else 'false'}")
    path.write_text(text)
    return path


def test_a_plan_whose_compute_collapses_after_the_target_year_says_so(tiny_study, tmp_path):
    path = _retiring_study(tiny_study(), hold=False)
    result = CliRunner().invoke(cli, ["optimize", str(path), "--objective", "min-cost",
                                      "--results-dir", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    compute = [y["compute_pflops"] for y in data["plan"]["years"]]
    assert compute[1] >= 2000 * 0.999 and compute[2] < 2000  # the case collapses
    assert [n for n in data["notes"] if n.startswith("compute in service falls after the "
                                                     "target year")], data["notes"]
    assert any("hold_target_through_horizon = true" in n for n in data["notes"])
    table = CliRunner().invoke(cli, ["optimize", str(path), "--objective", "min-cost",
                                     "--results-dir", str(tmp_path / "r")])
    assert "note: compute in service falls after the target year" in table.stderr


def test_hold_target_through_horizon_keeps_the_target_to_the_end(tiny_study, tmp_path):
    path = _retiring_study(tiny_study(), hold=True)
    result = CliRunner().invoke(cli, ["optimize", str(path), "--objective", "min-cost",
                                      "--results-dir", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    compute = [y["compute_pflops"] for y in data["plan"]["years"]]
    assert min(compute[1:]) >= 2000 * 0.999 and data["notes"] == []


def test_a_trial_whose_fleet_collapses_says_so_in_its_summary(tiny_study, tmp_path):
    import optuna

    from orbitdc.spec import read_study
    from orbitdc.study.runner import RunOptions, run_study
    from orbitdc.study.storage import default_storage_url
    from orbitdc.study.summary import summary_from_attrs

    path = _retiring_study(tiny_study(), hold=False)
    path.write_text(path.read_text().replace(
        'objectives = ["compute", "risk", "cost"]',
        'objectives = ["compute", "risk", "cost"]\nmilp_objective = "min-cost"'))
    loaded = read_study(path)
    out = tmp_path / "r" / "tiny"
    out.mkdir(parents=True)
    study = run_study(loaded, RunOptions(storage_url=default_storage_url(out), results_dir=out,
                                         n_trials=1))
    trial = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))[0]
    questions = summary_from_attrs(trial.user_attrs).open_questions
    assert any(q.startswith("compute in service falls after the target year") for q in questions)
