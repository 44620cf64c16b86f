"""orbitdc evolve and the sustainability limit, end to end on the tiny study."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from orbitdc.cli import cli

SUSTAIN = """
[sustainability]
evaluate = true
years = 12
background = "nfl"
{limit}
"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_evolve_a_plan_file_and_the_reference(tiny_study, tmp_path: Path):
    study = tiny_study("evo", SUSTAIN.format(limit=""))
    out = tmp_path / "results"
    _run("optimize", str(study), "--results-dir", str(out))
    plan = out / "evo" / "optimize" / "ratio.json"
    doc = json.loads(plan.read_text())
    assert doc["environment"]["years"] == 12  # optimize reports environment_50y
    data = json.loads(_run("evolve", str(plan), "--years", "8", "--json").split("\nwall")[0])
    assert data["years"][0] == 2030 and len(data["years"]) == 9
    assert len(data["altitude_bins_km"]) == 36 and data["altitude_bins_km"][0] == 200.0
    first = next(iter(data["populations"].values()))
    assert np.shape(first) == (9, 36)
    assert len(data["total"]) == len(data["collisions"]) == 9
    assert np.all(np.diff(data["collisions"]) >= 0)
    assert any(k.startswith("S100@") for k in data["populations"])
    m = data["metrics"]
    assert np.isfinite(m["environment_50y"]) and m["years"] == 8
    assert (plan.parent / "evolve" / "evolution.png").is_file()
    ref = json.loads(_run("evolve", "--no-launches", "--years", "3", "--background", "nfl",
                          "--out", str(tmp_path / "ref"), "--json").split("\nwall")[0])
    assert ref["metrics"] == {} and len(ref["total"]) == 4
    assert not any(k.startswith("S100@") for k in ref["populations"])
    bad = CliRunner().invoke(cli, ["evolve", str(plan), "--background", "nope"])
    assert bad.exit_code == 2 and "background" in bad.output


def test_a_study_reports_environment_50y_and_evolve_reads_its_trials(tiny_study, tmp_path):
    study = tiny_study("evostudy", SUSTAIN.format(limit=""))
    out = tmp_path / "results"
    _run("run", str(study), "--results-dir", str(out), "--trials", "2")
    html = (out / "evostudy" / "report.html").read_text()
    assert "The environment over 12 years" in html
    import optuna

    st = optuna.load_study(study_name="evostudy", storage=f"sqlite:///{out}/evostudy/study.db")
    done = [t for t in st.trials if t.user_attrs.get("environment")]
    assert done and np.isfinite(done[0].user_attrs["environment"]["environment_50y"])
    number = done[0].number
    data = json.loads(_run("evolve", str(study), "--design", str(number), "--results-dir",
                           str(out), "--json").split("\nwall")[0])
    assert data["metrics"]["environment_50y"] == done[0].user_attrs["environment"][
        "environment_50y"]


def test_the_sustainability_limit_re_solves_and_records_the_rounds(tiny_study):
    import orbitdc

    study = orbitdc.load_study(tiny_study("limited", SUSTAIN.format(
        limit="max_fragment_multiple = 1.05\nmax_iterations = 2")))
    result = study.optimize("ratio")
    env = result.environment
    assert env is not None and env.sustainability is not None
    lim = env.sustainability
    assert 1 <= lim.iterations <= 2 and lim.rounds[0].iteration == 1
    assert lim.free_shells_used
    assert result.to_dict()["environment"]["sustainability"]["iterations"] == lim.iterations
