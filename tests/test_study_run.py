"""Optuna studies: known Pareto front by enumeration, resume, interruption, parallel workers."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from orbitdc.deploy import DeploymentModel
from orbitdc.report.records import pareto_set, records_from_study
from orbitdc.spec import read_study
from orbitdc.study.coefficients import DesignPoint, build_coefficients
from orbitdc.study.evaluate import solver_options
from orbitdc.study.runner import RunOptions, run_study, split_trials
from orbitdc.study.storage import default_storage_url, open_storage

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _options(loaded, tmp_path, n_trials, workers=1):
    out = tmp_path / "results" / loaded.name
    out.mkdir(parents=True, exist_ok=True)
    return RunOptions(storage_url=default_storage_url(out), results_dir=out,
                      n_trials=n_trials, workers=workers)


def _load(options, name):
    return optuna.load_study(study_name=name, storage=open_storage(options.storage_url))


def test_split_trials_never_overshoots():
    assert split_trials(5, 2) == [3, 2]
    assert sum(split_trials(7, 3)) == 7
    assert split_trials(0, 2) == [0, 0]


def test_tiny_study_recovers_the_front_found_by_enumeration(tiny_study, tmp_path):
    loaded = read_study(tiny_study())
    options = _options(loaded, tmp_path, n_trials=4)
    study = run_study(loaded, options)
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(complete) == 4  # the brute-force sampler covered the 2 x 2 grid
    # Independent enumeration: evaluate each combination directly with a fresh model.
    expected = {}
    for arr, rad in itertools.product(["thin_silicon", "triple_junction_gaas"],
                                      ["pumped_loop_aluminium", "carbon_carbon_heat_pipe"]):
        table = build_coefficients(loaded, DesignPoint(solar_array=arr, radiator=rad))
        plan = DeploymentModel(table.inputs, solver_options(loaded, 1)).maximize_ratio().plan
        expected[(arr, rad)] = (plan.total_compute_pflop_years, plan.total_risk_model,
                                plan.total_cost_usd)
    for t in complete:
        key = (t.params["solar_array"], t.params["radiator"])
        assert t.values == pytest.approx(expected[key], rel=1e-6)
    # Pareto set of the enumeration (maximise compute, minimise risk and cost).
    def dominated(a, b):
        return (b[0] >= a[0] and b[1] <= a[1] and b[2] <= a[2]) and b != a
    front = {k for k, v in expected.items() if not any(dominated(v, w) for w in expected.values())}
    records = records_from_study(study, ["compute", "risk", "cost"])
    got = {(r.params["solar_array"], r.params["radiator"])
           for r in pareto_set(records, ["compute", "risk", "cost"])}
    assert got == front and got


def test_resume_continues_where_it_stopped(tiny_study, tmp_path):
    loaded = read_study(tiny_study())
    first = run_study(loaded, _options(loaded, tmp_path, n_trials=2))
    before = {t.number: (t.params, t.values) for t in first.get_trials()}
    assert len(before) == 2
    again = run_study(loaded, _options(loaded, tmp_path, n_trials=4))
    trials = again.get_trials()
    assert len(trials) == 4 and all(t.state == TrialState.COMPLETE for t in trials)
    for t in trials[:2]:
        assert (t.params, t.values) == before[t.number]
    # No combination evaluated twice.
    combos = [(t.params["solar_array"], t.params["radiator"]) for t in trials]
    assert len(set(combos)) == 4
    # Running again with nothing left to do changes nothing.
    assert len(run_study(loaded, _options(loaded, tmp_path, n_trials=4)).get_trials()) == 4


def test_two_local_workers_share_one_study(tiny_study, tmp_path):
    path = tiny_study(extra="")
    text = path.read_text().replace('sampler = "bruteforce"', 'sampler = "random"').replace(
        "n_trials = 4", "n_trials = 6").replace("workers = 1", "workers = 2")
    path.write_text(text)
    loaded = read_study(path)
    study = run_study(loaded, _options(loaded, tmp_path, n_trials=6, workers=2))
    trials = study.get_trials()
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 6
    assert sorted(t.number for t in trials) == list(range(len(trials)))
    assert len(trials) == 6  # split_trials: no overshoot, no trial recorded twice


def test_interrupted_trial_leaves_a_consistent_storage(tiny_study, tmp_path):
    loaded = read_study(tiny_study())
    options = _options(loaded, tmp_path, n_trials=4)
    env = dict(os.environ, ORBITDC_TRIAL_DELAY_S="30", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orbitdc", "run", str(loaded.path), "--workers", "1",
         "--results-dir", str(tmp_path / "results"), "--no-report"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    db = Path(options.storage_url[len("sqlite:///"):])
    deadline = time.monotonic() + 180
    seen = False
    while time.monotonic() < deadline and not seen and proc.poll() is None:
        time.sleep(0.5)
        if db.exists():
            try:
                running = _load(options, "tiny").get_trials(states=(TrialState.RUNNING,))
            except Exception:  # the file may be in the middle of its creation
                continue
            # Interrupt inside the trial's computation, once its parameters are drawn.
            seen = bool(running) and len(running[0].params) == 2
    if not seen or proc.poll() is not None:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"no running trial seen: {proc.communicate(timeout=10)[0]!r}")
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, out
    assert b"stopping on SIGINT" in out and b"interrupted: trial(s) 0 cut short" in out
    assert b"Traceback" not in out
    trials = _load(options, "tiny").get_trials()
    # The stopped trial failed and its parameters wait to run again.
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.WAITING]
    assert trials[1].params == trials[0].params
    assert trials[0].user_attrs["failed_because"] in ("stopped by SIGINT", "stopped by SIGTERM")
    # Resume: the interrupted trial's parameters run again (once) and the study completes.
    resumed = run_study(loaded, options)
    complete = [t for t in resumed.get_trials() if t.state == TrialState.COMPLETE]
    assert len(complete) == 4
    retried = [t for t in complete if t.user_attrs.get("retry_of") == trials[0].number]
    assert len(retried) == 1 and retried[0].params == trials[0].params


POSTGRES_URL = os.environ.get("ORBITDC_TEST_POSTGRES_URL")


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL not available: set "
                    "ORBITDC_TEST_POSTGRES_URL (.ci/run starts a server) to test distributed "
                    "workers")
def test_two_workers_share_a_postgresql_study(tiny_study, tmp_path):
    path = tiny_study(name=f"pg{os.getpid()}{int(time.time())}")
    text = path.read_text().replace('sampler = "bruteforce"', 'sampler = "random"').replace(
        "n_trials = 4", "n_trials = 6")
    path.write_text(text)
    cmd = [sys.executable, "-m", "orbitdc", "worker", str(path), "--storage", POSTGRES_URL,
           "--results-dir", str(tmp_path / "results")]
    procs = [subprocess.Popen([*cmd, "--index", str(k)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for k in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    study = optuna.load_study(study_name=read_study(path).name,
                              storage=open_storage(POSTGRES_URL))
    trials = study.get_trials()
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert len(complete) >= 6
    assert len({t.number for t in trials}) == len(trials)
    # Both workers contributed; each may start one trial as the other completes the target.
    assert len({t.user_attrs["worker"] for t in complete}) == 2
    assert len(trials) <= 6 + 1
