"""Fault injection: stop, kill and starve ``orbitdc run`` and check that nothing is lost.

Each test runs the command as a user would (its own process group, as a terminal starts it),
injects a fault, and then checks the store: it is readable, no trial is left RUNNING, every
COMPLETE trial holds the answer a fresh, uninterrupted solve gives for its parameters, no
parameter set is complete twice, and a re-run completes the study.

Faults reach the worker processes through a ``sitecustomize`` module put on ``PYTHONPATH``
(``SITECUSTOMIZE`` below): it makes every HiGHS solve longer, with SIGINT and SIGTERM held until
the solve returns (as for HiGHS's C++ code), and leaves a ``solving-PID-N`` file while the N-th
solve of a process runs, so a test waits for that observable state instead of sleeping. A long
pause is a solver that cannot be stopped in time.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import optuna
import pytest
from click.testing import CliRunner
from optuna.trial import FixedTrial, TrialState

from orbitdc.cli import cli
from orbitdc.deploy import DeploymentModel
from orbitdc.spec import read_study
from orbitdc.study.coefficients import build_coefficients
from orbitdc.study.evaluate import solver_options
from orbitdc.study.runner import RunOptions, run_study
from orbitdc.study.space import suggest
from orbitdc.study.storage import default_storage_url, open_storage

optuna.logging.set_verbosity(optuna.logging.WARNING)

POSTGRES_URL = os.environ.get("ORBITDC_TEST_POSTGRES_URL")

SITECUSTOMIZE = '''
"""orbitdc fault injection (tests/test_faults.py): active when ORBITDC_FAULT_DIR is set.

Every HiGHS solve takes ORBITDC_FAULT_SOLVE_PAUSE_S longer, and SIGINT and SIGTERM wait until
it returns, as they do for HiGHS's C++ code: Python handles a signal once the solve is over.
A file solving-PID-N exists while the N-th solve of a process runs.
"""
import os
import signal
import time

_DIR = os.environ.get("ORBITDC_FAULT_DIR")
if _DIR:
    import highspy

    _PAUSE = float(os.environ.get("ORBITDC_FAULT_SOLVE_PAUSE_S") or 0)
    _SIGNALS = {signal.SIGINT, signal.SIGTERM}
    _run = highspy.Highs.run
    _solves = [0]

    def _slow_run(self):
        _solves[0] += 1
        marker = os.path.join(_DIR, "solving-%d-%d" % (os.getpid(), _solves[0]))
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        open(marker, "w").close()
        try:
            time.sleep(_PAUSE)
            return _run(self)
        finally:
            try:
                os.unlink(marker)
            except OSError:
                pass
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a pending signal: handled now

    highspy.Highs.run = _slow_run
'''

#: A study small enough to solve in a blink (2 shells x 1 class x 3 years), with a continuous
#: parameter so that no two trials share a parameter set unless one was repeated.
EXTRA = """
[search.params.radiator_temp_k]
low = 300
high = 380
"""


def _study(tiny_writer, directory: Path, name: str, n_trials: int, workers: int) -> Path:
    path = tiny_writer(directory, name, EXTRA)
    text = path.read_text().replace('sampler = "bruteforce"', 'sampler = "random"')
    text = text.replace("n_trials = 4", f"n_trials = {n_trials}")
    path.write_text(text.replace("workers = 1", f"workers = {workers}"))
    return path


class Run:
    """``orbitdc run`` in its own process group, its output collected as it comes."""

    def __init__(self, study: Path, results: Path, *, workers: int, storage: str | None,
                 fault_dir: Path | None, env: dict[str, str] | None = None,
                 trials: int | None = None):
        command = [sys.executable, "-m", "orbitdc", "run", str(study), "--results-dir",
                   str(results), "--workers", str(workers), "--no-report"]
        if storage:
            command += ["--storage", storage]
        if trials:
            command += ["--trials", str(trials)]
        environ = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        if fault_dir is not None:
            environ["ORBITDC_FAULT_DIR"] = str(fault_dir)
            environ["PYTHONPATH"] = os.pathsep.join(
                [str(fault_dir / "site"), *filter(None, [environ.get("PYTHONPATH")])])
        self.proc = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the whole process group, as a terminal sends Ctrl-C."""
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass  # the run had already finished

    def wait(self, timeout: float) -> int:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"orbitdc run still running after {timeout} s:\n{self.output}")
        self._reader.join(5)
        return code

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)


def wait_for(condition, run: Run | None = None, timeout: float = 120.0, what: str = "") -> None:
    """Poll ``condition`` until true; fail if ``run`` ended first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if run is not None and run.proc.poll() is not None:
            pytest.fail(f"orbitdc run ended before {what}:\n{run.output}")
        time.sleep(0.05)
    if run is not None:
        run.kill()
    pytest.fail(f"timed out waiting for {what}:\n{run.output if run else ''}")


def solving(fault_dir: Path, nth: int = 1) -> list[int]:
    """PIDs of processes inside their ``nth`` (or later) solve right now."""
    pids = []
    for marker in fault_dir.glob("solving-*"):
        _, pid, count = marker.name.split("-")
        if int(count) >= nth:
            pids.append(int(pid))
    return pids


@pytest.fixture
def fault_dir(tmp_path) -> Path:
    folder = tmp_path / "faults"
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


class Store:
    """A study's storage and the answers an uninterrupted solve gives for its trials."""

    def __init__(self, study: Path, storage: str):
        self.loaded = read_study(study)
        self.storage = storage
        self._answers: dict[tuple, tuple[float, ...]] = {}

    def trials(self) -> list[optuna.trial.FrozenTrial]:
        study = optuna.load_study(study_name=self.loaded.name, storage=open_storage(self.storage))
        return study.get_trials()

    def answer(self, params: dict) -> tuple[float, ...]:
        key = tuple(sorted(params.items()))
        if key not in self._answers:
            choices = suggest(FixedTrial(params), self.loaded.spec)
            table = build_coefficients(self.loaded, choices.point)
            plan = DeploymentModel(table.inputs, solver_options(self.loaded, 1)
                                   ).maximize_ratio().plan
            self._answers[key] = (plan.total_compute_pflop_years, plan.total_risk_model,
                                  plan.total_cost_usd)
        return self._answers[key]

    def check(self) -> list[optuna.trial.FrozenTrial]:
        """Readable, nothing RUNNING, every COMPLETE trial right, no parameter set twice."""
        trials = self.trials()
        assert [t.number for t in trials if t.state == TrialState.RUNNING] == []
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        for t in complete:
            assert t.values == pytest.approx(self.answer(t.params), rel=1e-5), (
                f"trial {t.number} is COMPLETE with a wrong answer: {t.user_attrs.get('solver')}")
            assert all(r["termination"] not in ("interrupted", "error")
                       for r in t.user_attrs["solver"])
        keys = [tuple(sorted(t.params.items())) for t in complete]
        assert len(keys) == len(set(keys)), "a parameter set was completed twice"
        return trials

    def finish(self, results: Path, n_trials: int) -> list[optuna.trial.FrozenTrial]:
        """Re-run (in this process, without faults) and check the study is complete."""
        folder = results / self.loaded.name
        folder.mkdir(parents=True, exist_ok=True)
        options = RunOptions(storage_url=self.storage, results_dir=folder, n_trials=n_trials,
                             workers=1)
        run_study(self.loaded, options)
        trials = self.check()
        assert sum(t.state == TrialState.COMPLETE for t in trials) == n_trials
        return trials


def _storage(kind: str, tmp_path: Path, name: str) -> str | None:
    if kind == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL not available: set ORBITDC_TEST_POSTGRES_URL (.ci/run "
                        "starts a server)")
        return POSTGRES_URL
    return None


def _name(kind: str) -> str:
    # PostgreSQL is shared between test runs: every study gets a name of its own.
    return f"f{os.getpid()}{time.monotonic_ns() % 10**9}" if kind == "postgresql" else "faults"


def _url(storage: str | None, results: Path, name: str) -> str:
    return storage or default_storage_url(results / name)


STORAGES = ["sqlite", "postgresql"]


# ---- in this process: a signal inside HiGHS -----------------------------------------------------
@pytest.fixture
def signal_in_solve(monkeypatch):
    """``arm(n)``: SIGINT arrives during the n-th MILP solve from now.

    A solve is one call of HiGHS through :func:`orbitdc.deploy.solve.run_highs`, its
    LP-support start included: the signal arrives in the solve's first HiGHS run. Python handles
    a signal between bytecodes, so one that arrives while HiGHS's C++ code runs is handled as the
    run returns: the signal is blocked, sent, and unblocked after ``run``. SIGINT gets Python's
    own handler for the test, as in a terminal (a process started in the background, as CI may
    start this suite, inherits SIGINT ignored).
    """
    import highspy

    from orbitdc.deploy import milp

    run = highspy.Highs.run
    run_highs = milp.run_highs
    state = {"solves": 0, "at": None, "sent": False, "armed": False}

    def counted_solve(*args, **kwargs):
        state["solves"] += 1
        state["armed"] = state["solves"] == state["at"] and not state["sent"]
        try:
            return run_highs(*args, **kwargs)
        finally:
            state["armed"] = False

    def signalled(self):
        if not state["armed"] or state["sent"]:
            return run(self)
        state["sent"] = True
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            os.kill(os.getpid(), signal.SIGINT)
            return run(self)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    monkeypatch.setattr(milp, "run_highs", counted_solve)
    monkeypatch.setattr(highspy.Highs, "run", signalled)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)

    def arm(nth: int) -> dict:
        state.update(at=state["solves"] + nth, sent=False)
        return state

    yield arm
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_inside_a_solve_is_not_a_result(tiny_study, signal_in_solve):
    loaded = read_study(tiny_study())
    table = build_coefficients(loaded)
    model = DeploymentModel(table.inputs, solver_options(loaded, 1))
    model.maximize_ratio()  # three Dinkelbach steps on this case
    state = signal_in_solve(2)  # in the second step: the first step's plan is no answer
    with pytest.raises(KeyboardInterrupt):
        model.maximize_ratio()
    assert state["sent"]


def test_an_interrupted_trial_is_never_complete(tiny_writer, tmp_path, signal_in_solve):
    study = _study(tiny_writer, tmp_path, "faults", n_trials=3, workers=1)
    results = tmp_path / "results"
    store = Store(study, _url(None, results, "faults"))
    (results / "faults").mkdir(parents=True)
    options = RunOptions(storage_url=store.storage, results_dir=results / "faults",
                         n_trials=3, workers=1)
    signal_in_solve(5)  # the second solve of the second trial
    with pytest.raises(KeyboardInterrupt) as stop:
        run_study(store.loaded, options)
    assert stop.value.stopped == [1]
    from orbitdc.study.interrupt import STOP

    assert not STOP.requested  # the stop ended with its run
    trials = store.check()
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.FAIL,
                                         TrialState.WAITING]
    assert trials[1].user_attrs["failed_because"] == "stopped by SIGINT"
    assert trials[2].params == trials[1].params and trials[2].user_attrs["retry_of"] == 1
    store.finish(results, 3)


# ---- Ctrl-C in the middle of a solve --------------------------------------------------------
@pytest.mark.parametrize("kind", STORAGES)
@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_in_a_solve_stops_soon_and_completes_no_wrong_trial(
        tiny_writer, tmp_path, fault_dir, workers, kind):
    name = _name(kind)
    study = _study(tiny_writer, tmp_path, name, n_trials=4, workers=workers)
    storage = _storage(kind, tmp_path, name)
    results = tmp_path / "results"
    run = Run(study, results, workers=workers, storage=storage, fault_dir=fault_dir,
              env={"ORBITDC_FAULT_SOLVE_PAUSE_S": "0.3"})
    # The second solve of a process is a later Dinkelbach step of its first trial: cut off
    # there, the first step's plan looks like an answer.
    wait_for(lambda: solving(fault_dir, nth=2), run, what="a worker in its second solve")
    tick = time.monotonic()
    run.signal(signal.SIGINT)
    code = run.wait(60)
    took = time.monotonic() - tick
    out = run.output
    assert code == 130, out
    assert "stopping on SIGINT" in out and "Traceback" not in out, out
    assert re.search(r"interrupted: trial\(s\) [\d, ]+ cut short, marked failed and queued "
                     r"again", out), out
    # The workers stopped by themselves, before the parent's 5 s limit.
    assert took < 8.0 and "did not stop" not in out, f"stopping took {took:.1f} s"
    store = Store(study, _url(storage, results, name))
    trials = store.check()
    stopped = [t for t in trials if t.state == TrialState.FAIL]
    assert stopped and all(t.user_attrs["failed_because"].startswith("stopped by")
                           for t in stopped)
    waiting = {tuple(sorted(t.params.items())) for t in trials
               if t.state == TrialState.WAITING}
    assert {tuple(sorted(t.params.items())) for t in stopped} <= waiting  # queued again
    store.finish(results, 4)


def test_a_second_ctrl_c_exits_at_once_without_tracebacks(tiny_writer, tmp_path, fault_dir):
    study = _study(tiny_writer, tmp_path, "faults", n_trials=4, workers=2)
    results = tmp_path / "results"
    # Minute-long solves: the first Ctrl-C cannot stop them quickly, so the run is waiting.
    run = Run(study, results, workers=2, storage=None, fault_dir=fault_dir,
              env={"ORBITDC_FAULT_SOLVE_PAUSE_S": "60"})
    wait_for(lambda: solving(fault_dir), run, what="a worker solving")
    run.signal(signal.SIGINT)
    wait_for(lambda: "stopping on SIGINT: waiting for" in run.output, run,
             what="the first Ctrl-C's message")
    assert re.search(r"waiting for \d worker\(s\) to cut short (no trial|trials? [\d, ]+) "
                     r"\(marked failed and queued again\), at most 5 s; press Ctrl-C again "
                     r"to quit at once", run.output), run.output
    tick = time.monotonic()
    run.signal(signal.SIGINT)
    code = run.wait(30)
    assert time.monotonic() - tick < 3.0
    assert code == 130 and "stopped at once" in run.output, run.output
    assert "Traceback" not in run.output, run.output
    # The killed workers' trials stay RUNNING until the next run fails and re-queues them.
    store = Store(study, _url(None, results, "faults"))
    store.finish(results, 4)


@pytest.mark.slow
def test_the_first_ctrl_c_waits_a_bounded_time_for_deaf_workers(tiny_writer, tmp_path,
                                                               fault_dir):
    study = _study(tiny_writer, tmp_path, "faults", n_trials=4, workers=2)
    results = tmp_path / "results"
    run = Run(study, results, workers=2, storage=None, fault_dir=fault_dir,
              env={"ORBITDC_FAULT_SOLVE_PAUSE_S": "60"})
    wait_for(lambda: solving(fault_dir), run, what="a worker solving")
    tick = time.monotonic()
    run.signal(signal.SIGINT)
    code = run.wait(60)
    assert 4.5 < time.monotonic() - tick < 15.0
    assert code == 130 and "did not stop in 5 s: killed" in run.output, run.output
    assert "Traceback" not in run.output
    store = Store(study, _url(None, results, "faults"))
    assert not [t for t in store.check() if t.state == TrialState.RUNNING]
    store.finish(results, 4)


# ---- signals at random moments, repeated ------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("kind", STORAGES)
def test_signals_at_random_moments_lose_nothing(tiny_writer, tmp_path, fault_dir, kind):
    rng = random.Random(20261130)
    name = _name(kind)
    n_trials = 8
    study = _study(tiny_writer, tmp_path, name, n_trials=n_trials, workers=2)
    storage = _storage(kind, tmp_path, name)
    results = tmp_path / "results"
    store = Store(study, _url(storage, results, name))
    for round_ in range(4):
        workers = 1 + round_ % 2
        run = Run(study, results, workers=workers, storage=storage, fault_dir=fault_dir,
                  env={"ORBITDC_FAULT_SOLVE_PAUSE_S": "0.1"})
        # Any moment once the workers are at work: in a solve, in sizing, between trials,
        # while Optuna writes a trial.
        wait_for(lambda: solving(fault_dir), run, what="a worker solving")
        time.sleep(rng.uniform(0.0, 2.5))
        sig = signal.SIGINT if round_ % 2 == 0 else signal.SIGTERM
        run.signal(sig)
        code = run.wait(60)
        assert code in (0, 130), run.output  # 0: the study was complete before the signal
        assert "Traceback" not in run.output, run.output
        for leftover in fault_dir.glob("solving-*"):
            leftover.unlink()
        store.check()
    store.finish(results, n_trials)


# ---- kill -9 --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", STORAGES)
def test_kill_9_of_a_worker_fails_its_trial_and_a_rerun_completes(tiny_writer, tmp_path,
                                                                 fault_dir, kind):
    name = _name(kind)
    study = _study(tiny_writer, tmp_path, name, n_trials=4, workers=2)
    storage = _storage(kind, tmp_path, name)
    results = tmp_path / "results"
    run = Run(study, results, workers=2, storage=storage, fault_dir=fault_dir,
              env={"ORBITDC_FAULT_SOLVE_PAUSE_S": "0.3"})
    wait_for(lambda: solving(fault_dir), run, what="a worker solving")
    victim = solving(fault_dir)[0]
    os.kill(victim, signal.SIGKILL)
    code = run.wait(120)
    out = run.output
    assert code in (0, 2), out  # 2: the study ended short of its target, re-run to resume
    assert "Traceback" not in out, out
    store = Store(study, _url(storage, results, name))
    trials = store.check()  # the parent failed the dead worker's trial at once
    dead = [t for t in trials if t.user_attrs.get("failed_because", "").startswith(
        f"worker {socket.gethostname()}:{victim} died")]
    assert len(dead) == 1, [t.user_attrs.get("failed_because") for t in trials]
    retried = [t for t in trials if t.user_attrs.get("retry_of") == dead[0].number]
    assert len(retried) == 1 and retried[0].params == dead[0].params
    store.finish(results, 4)


def test_kill_9_of_a_single_process_run_is_recovered_by_the_next_run(tiny_writer, tmp_path,
                                                                    fault_dir):
    study = _study(tiny_writer, tmp_path, "faults", n_trials=4, workers=1)
    results = tmp_path / "results"
    run = Run(study, results, workers=1, storage=None, fault_dir=fault_dir,
              env={"ORBITDC_FAULT_SOLVE_PAUSE_S": "0.3"})
    wait_for(lambda: solving(fault_dir), run, what="the run solving")
    run.kill()  # the whole process: nobody is left to fail the running trial
    store = Store(study, _url(None, results, "faults"))
    left = [t for t in store.trials() if t.state == TrialState.RUNNING]
    assert len(left) == 1
    trials = store.finish(results, 4)  # fails the orphan and queues its parameters again
    orphan = next(t for t in trials if t.number == left[0].number)
    assert orphan.state == TrialState.FAIL and "died" in orphan.user_attrs["failed_because"]
    assert [t.params for t in trials if t.user_attrs.get("retry_of") == orphan.number] == [
        orphan.params]


# ---- resume never repeats a parameter set ----------------------------------------------------
def test_a_resumed_study_draws_new_parameters(tiny_writer, tmp_path):
    study = _study(tiny_writer, tmp_path, "faults", n_trials=2, workers=1)
    results = tmp_path / "results"
    store = Store(study, _url(None, results, "faults"))
    options = RunOptions(storage_url=store.storage, results_dir=results / "faults",
                         n_trials=2, workers=1)
    (results / "faults").mkdir(parents=True)
    run_study(store.loaded, options)
    store.finish(results, 4)  # random sampler, same seed: it replayed the first two draws


# ---- a full disk while the report is written -------------------------------------------------
def test_a_full_disk_while_the_report_is_written(tiny_writer, tmp_path, monkeypatch):
    import errno

    import orbitdc.results

    study = _study(tiny_writer, tmp_path, "faults", n_trials=2, workers=1)
    results = tmp_path / "results"
    store = Store(study, _url(None, results, "faults"))
    (results / "faults").mkdir(parents=True)
    store.finish(results, 2)
    before = [(t.number, t.values) for t in store.trials()]

    def full(fd, *args, **kwargs):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(orbitdc.results.os, "fdopen", full)
        result = CliRunner().invoke(cli, ["report", str(results / "faults"), "--no-pdf"])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and re.match(
        rf"error: {re.escape(str(results / 'faults'))}/\S+: cannot write \(No space left on "
        r"device\)$", lines[0]), result.output
    assert not list((results / "faults").rglob(".*.tmp"))  # no partial file
    assert [(t.number, t.values) for t in store.check()] == before
    again = CliRunner().invoke(cli, ["report", str(results / "faults"), "--no-pdf"])
    assert again.exit_code == 0, again.output
    assert (results / "faults" / "report.html").stat().st_size > 0


# ---- a corrupted study.db ----------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["overwritten header", "truncated"])
def test_a_corrupted_study_db_is_named_and_left_alone(tiny_writer, tmp_path, damage):
    study = _study(tiny_writer, tmp_path, "faults", n_trials=2, workers=1)
    results = tmp_path / "results"
    store = Store(study, _url(None, results, "faults"))
    (results / "faults").mkdir(parents=True)
    store.finish(results, 2)
    db = results / "faults" / "study.db"
    data = db.read_bytes()
    broken = (b"\x00garbage" * 16 + data[128:] if damage == "overwritten header"
              else data[: len(data) // 3])
    db.write_bytes(broken)
    for command in (["run", str(study), "--results-dir", str(results), "--no-report"],
                    ["report", str(results / "faults"), "--no-pdf"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, (result.output, result.exception)
        assert result.output.startswith(f"error: {db}: not a readable study storage ("), (
            result.output)
        assert "move it aside" in result.output and "Traceback" not in result.output
        assert db.read_bytes() == broken  # left as it was, for whoever can repair it
    db.rename(db.with_name("study.db.broken"))
    store.finish(results, 2)
