"""Run a study: local worker processes, resumable, interruptible, with a progress bar.

``run_study`` opens (or resumes) the study, then runs the remaining trials in ``workers``
processes (``spawn``: clean interpreters, no shared solver state) or in this process for one
worker. The parent shows trials done, best values so far and the time left by reading the
storage.

Stopping (:mod:`orbitdc.study.interrupt`). The workers are born ignoring Ctrl-C; the parent
takes the first SIGINT or SIGTERM, says what it waits for, and passes it on as SIGTERM. Each
worker cuts its running trial short, Optuna marks it FAIL, the worker queues its parameters
again and exits. HiGHS runs without Python callbacks, so a worker inside a MILP solve only
hears the signal when the solve returns: after :data:`STOP_WAIT_S` the parent kills a worker
that has not stopped and fails its trial itself. A second signal kills the workers and returns
at once. A trial is COMPLETE only when its evaluation finished. In this process (one worker,
``spawn`` off: the Python API's default) a stop waits for the running solve to return.

Recovery (:mod:`orbitdc.study.recovery`). A worker that dies leaves its trial RUNNING: the
parent fails it as soon as it sees the worker gone, and every run starts by failing RUNNING
trials of dead local processes (and, through the heartbeat, silent ones elsewhere) and queuing
failed trials' parameters again, never a parameter set already complete.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import optuna
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

from orbitdc.spec.read import LoadedStudy, read_study
from orbitdc.study.interrupt import STOP, StudyInterrupted, TrialInterrupted, ignoring
from orbitdc.study.recovery import (
    fail_orphans,
    fail_trials_of,
    recover,
    retry,
    worker_id,
)
from orbitdc.study.storage import create_or_load, open_storage

#: Seconds the first Ctrl-C waits for the workers to stop their trials before killing them.
STOP_WAIT_S = 5.0

#: Exit status of a worker process that stopped on request.
STOPPED = 130

Notice = Callable[[str], None]


def _stderr(message: str) -> None:
    """Print on stderr, even from a signal handler inside a solve.

    Pyomo captures the process's stdout and stderr while HiGHS runs (file descriptors 1 and
    2 go to a pipe), so the line goes to the descriptor stderr had when the run began.
    """
    os.write(_STDERR_FD, f"{message}\n".encode(errors="replace"))


def _original_stderr() -> int:
    try:
        return os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all
        return 2


#: A copy of file descriptor 2 taken at import, before any capture.
_STDERR_FD = _original_stderr()


#: Environment variable that makes Optuna quiet in workers (the parent reports progress).
_QUIET = "ORBITDC_QUIET_WORKER"


@dataclass(frozen=True)
class RunOptions:
    """How to run a study.

    Attributes
    ----------
    storage_url : str
        Where the study lives (see :func:`orbitdc.study.storage.open_storage`).
    results_dir : Path
        ``results/<study>``: caches and exports go here.
    n_trials : int
        Completed trials to reach (counting those already stored).
    workers : int
        Local processes; 1 runs in this process unless ``spawn``.
    allow_changed : bool
        Continue a stored study although its study file changed.
    spawn : bool
        Run even a single worker in a process of its own, so that a stop never waits for a
        MILP solve to return (``orbitdc run`` does).
    """

    storage_url: str
    results_dir: Path
    n_trials: int
    workers: int = 1
    allow_changed: bool = False
    spawn: bool = False


def split_trials(remaining: int, workers: int) -> list[int]:
    """Share ``remaining`` trials among workers as evenly as possible (no overshoot)."""
    base, extra = divmod(max(remaining, 0), workers)
    return [base + (1 if k < extra else 0) for k in range(workers)]


def completed(study: optuna.Study) -> int:
    """Number of COMPLETE trials."""
    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


class _NoInterruptTracebacks(logging.Filter):
    """Drop Optuna's "Trial N failed ..." lines (and traceback) of a trial stopped on request."""

    def __init__(self) -> None:
        super().__init__()
        self.stopped: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        words = str(record.msg).split(" ", 2)
        number = words[1] if len(words) > 1 and words[0] == "Trial" else ""
        if info and info[0] is not None and issubclass(info[0], KeyboardInterrupt):
            self.stopped.add(number)  # Optuna's next line is "Trial N failed with value None"
            return False
        return not (number in self.stopped and str(record.msg).endswith("with value None."))


def _quiet_interrupts() -> None:
    logger = logging.getLogger("optuna.study._optimize")
    if not any(isinstance(f, _NoInterruptTracebacks) for f in logger.filters):
        logger.addFilter(_NoInterruptTracebacks())


def run_worker(
    study_file: str,
    storage_url: str,
    worker_index: int,
    n_trials: int,
    target: int,
    results_dir: str,
    allow_changed: bool,
    callbacks: list[Callable[[optuna.Study, optuna.trial.FrozenTrial], None]] | None = None,
) -> None:
    """One worker: ask for trials until it ran ``n_trials`` or the study reached ``target``.

    Signals are the caller's business (:data:`~orbitdc.study.interrupt.STOP`): after a stop
    request the trial that was running is FAIL, its parameters are queued again, and
    :class:`StudyInterrupted` is raised.
    """
    from orbitdc.deploy import DeploymentSolveError
    from orbitdc.study.evaluate import TrialEvaluator

    if os.environ.get(_QUIET):
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    _quiet_interrupts()
    loaded = read_study(study_file)
    study = create_or_load(loaded, open_storage(storage_url), worker_index,
                           allow_changed=allow_changed)
    fail_orphans(study)
    if n_trials <= 0 or completed(study) >= target:
        return
    evaluator = TrialEvaluator(loaded, Path(results_dir))

    def stop_when_asked(study_: optuna.Study, _trial: optuna.trial.FrozenTrial) -> None:
        if STOP.requested:
            study_.stop()

    try:
        study.optimize(
            evaluator,
            n_trials=n_trials,
            callbacks=[MaxTrialsCallback(target, states=(TrialState.COMPLETE,)), stop_when_asked,
                       *(callbacks or [])],
            gc_after_trial=False,
            catch=(DeploymentSolveError,),  # a solver error fails its trial, not the worker
        )
    except TrialInterrupted:
        pass  # Optuna marked the trial FAIL
    if not STOP.requested:
        return
    me = worker_id()
    stopped = [t for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
               if t.user_attrs.get("worker") == me and t.number in evaluator.started
               and str(t.user_attrs.get("failed_because", "")).startswith("stopped")]
    for t in stopped:
        retry(study, t)
    raise StudyInterrupted(f"stopped by {STOP.signal_name}", forced=STOP.count > 1,
                           stopped=[t.number for t in stopped])


def _worker_entry(*args: object) -> None:
    """A spawned worker: Ctrl-C is its parent's; SIGTERM stops it (once: later ones ignored)."""
    os.environ[_QUIET] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with STOP.installed((signal.SIGTERM,)):
        try:
            run_worker(*args)  # type: ignore[arg-type]
        except StudyInterrupted:
            sys.exit(STOPPED)


@dataclass
class Progress:
    """What the progress display shows."""

    done: int
    target: int
    failed: int
    running: int
    best: str
    eta_s: float | None
    stages: tuple[str, ...] = ()


def progress_of(study: optuna.Study, target: int, start_done: int, start_time: float) -> Progress:
    """Read the storage and summarise the run so far."""
    trials = study.get_trials(deepcopy=False)
    done = sum(t.state == TrialState.COMPLETE for t in trials)
    failed = sum(t.state == TrialState.FAIL for t in trials)
    running = sum(t.state == TrialState.RUNNING for t in trials)
    feasible = [t for t in trials if t.state == TrialState.COMPLETE
                and all(v <= 0 for v in t.constraints.values())]
    ratios = [float(r) for r in (t.user_attrs.get("ratio_pflop_years_per_risk") for t in feasible)
              if isinstance(r, int | float) and math.isfinite(r)]
    best = f"best compute/risk {max(ratios):.4g}, {len(feasible)} feasible" if ratios else (
        f"{len(feasible)} feasible")
    new = done - start_done
    elapsed = time.monotonic() - start_time
    eta = elapsed / new * (target - done) if new > 0 and done < target else None
    stages = tuple(str(t.user_attrs["stage"]) for t in trials
                   if t.state == TrialState.RUNNING and "stage" in t.user_attrs)
    return Progress(done, target, failed, running, best, eta, stages)


def _running_of(study: optuna.Study, workers: set[str]) -> list[int]:
    return [t.number for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
            if t.user_attrs.get("worker") in workers]


def _trials(numbers: list[int]) -> str:
    if not numbers:
        return "no trial"
    return ("trial " if len(numbers) == 1 else "trials ") + ", ".join(map(str, numbers))


def run_study(
    loaded: LoadedStudy,
    options: RunOptions,
    on_progress: Callable[[Progress], None] | None = None,
    notice: Notice | None = None,
) -> optuna.Study:
    """Run (or resume) a study until ``options.n_trials`` trials are complete.

    Returns the Optuna study. On SIGINT or SIGTERM (in the main thread) ``notice`` (default:
    a line on stderr) says what the run waits for, and :class:`StudyInterrupted` is raised
    once the workers stopped (``forced`` after a second signal); the storage can be resumed.
    """
    say = notice or _stderr
    storage = open_storage(options.storage_url)
    study = create_or_load(loaded, storage, allow_changed=options.allow_changed)
    recover(study)
    start_done, start_time = completed(study), time.monotonic()
    remaining = options.n_trials - start_done
    if remaining <= 0:
        if on_progress:
            on_progress(progress_of(study, options.n_trials, start_done, start_time))
        return study
    args = (str(loaded.path), options.storage_url)
    if options.workers == 1 and not options.spawn:
        return _run_here(study, args, remaining, options, on_progress, say,
                         start_done, start_time)
    shares = [(k, share) for k, share in enumerate(split_trials(remaining, options.workers))
              if share > 0]
    _run_workers(study, args, shares, options, on_progress, say, start_done, start_time)
    return study


def spawned_worker(study_file: str, storage_url: str, worker_index: int, n_trials: int,
                   target: int, results_dir: str, allow_changed: bool,
                   notice: Notice | None = None) -> None:
    """:func:`run_worker` in a child process, coordinated (stopped, killed) by this one.

    What ``orbitdc worker`` runs: Ctrl-C then never waits for a MILP solve to return.
    """
    loaded = read_study(study_file)
    study = create_or_load(loaded, open_storage(storage_url), worker_index,
                           allow_changed=allow_changed)
    options = RunOptions(storage_url=storage_url, results_dir=Path(results_dir),
                         n_trials=target, workers=1, allow_changed=allow_changed, spawn=True)
    _run_workers(study, (study_file, storage_url), [(worker_index, n_trials)], options, None,
                 notice or _stderr, completed(study), time.monotonic())


def _run_here(study: optuna.Study, args: tuple[str, str], remaining: int, options: RunOptions,
              on_progress: Callable[[Progress], None] | None, say: Notice,
              start_done: int, start_time: float) -> optuna.Study:
    """One worker, in this process."""

    def report(study_: optuna.Study, _trial: optuna.trial.FrozenTrial) -> None:
        if on_progress:
            on_progress(progress_of(study_, options.n_trials, start_done, start_time))

    stoppable_worker(*args, 0, remaining, options.n_trials, str(options.results_dir),
                     options.allow_changed, callbacks=[report], notice=say)
    return study


def stoppable_worker(
    study_file: str,
    storage_url: str,
    worker_index: int,
    n_trials: int,
    target: int,
    results_dir: str,
    allow_changed: bool,
    callbacks: list[Callable[[optuna.Study, optuna.trial.FrozenTrial], None]] | None = None,
    notice: Notice | None = None,
) -> None:
    """:func:`run_worker` in this process, stopped by SIGINT or SIGTERM.

    The first signal cuts the running trial short (it is marked failed and queued again) and
    ``notice`` says so; :class:`StudyInterrupted` follows. A second signal raises it at once
    (``forced``).
    """
    say = notice or _stderr

    def first(name: str) -> None:  # (runs in the signal handler, perhaps inside a solve)
        say(f"stopping on {name}: the running trial is cut short, marked failed and queued "
            "again; press Ctrl-C again to quit at once")

    def second(name: str) -> None:
        raise StudyInterrupted(f"stopped at once by a second {name}", forced=True)

    with STOP.installed(on_first=first, on_second=second):
        run_worker(study_file, storage_url, worker_index, n_trials, target, results_dir,
                   allow_changed, callbacks)


def _run_workers(study: optuna.Study, args: tuple[str, str], shares: list[tuple[int, int]],
                 options: RunOptions, on_progress: Callable[[Progress], None] | None,
                 say: Notice, start_done: int, start_time: float) -> None:
    """Spawned workers ``(index, trials)``, coordinated by this process."""
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(
            target=_worker_entry,
            args=(*args, k, share, options.n_trials, str(options.results_dir),
                  options.allow_changed),
            name=f"orbitdc-worker-{k}",
        )
        for k, share in shares
    ]
    host = worker_id().rsplit(":", 1)[0]
    ids: dict[int, str] = {}
    reaped: set[int] = set()
    stopped: list[int] = []

    def second(name: str) -> None:
        for p in procs:
            if p.is_alive():
                p.kill()
        raise StudyInterrupted(f"stopped at once by a second {name}", forced=True,
                               stopped=stopped)

    with STOP.installed(on_second=second):
        with ignoring((signal.SIGINT,)):  # workers are born ignoring Ctrl-C: it is ours
            for p in procs:
                p.start()
                ids[id(p)] = f"{host}:{p.pid}"
        deadline: float | None = None
        while True:
            alive = [p for p in procs if p.is_alive()]
            for p in procs:  # a worker gone: fail the trial it left running, at once
                if not p.is_alive() and id(p) not in reaped:
                    reaped.add(id(p))
                    reason = (f"stopped by {STOP.signal_name}" if STOP.requested else
                              f"worker {ids[id(p)]} died (exit status {p.exitcode})")
                    stopped += fail_trials_of(study, [ids[id(p)]], reason)
            if not alive:
                break
            if STOP.requested and deadline is None:
                running = _running_of(study, set(ids.values()))
                stopped += running
                say(f"stopping on {STOP.signal_name}: waiting for {len(alive)} worker(s) to cut "
                    f"short {_trials(running)} (marked failed and queued again), at most "
                    f"{STOP_WAIT_S:g} s; press Ctrl-C again to quit at once")
                for p in alive:
                    if p.pid is not None:
                        os.kill(p.pid, signal.SIGTERM)
                deadline = time.monotonic() + STOP_WAIT_S
            if deadline is not None and time.monotonic() > deadline:
                say(f"{len(alive)} worker(s) did not stop in {STOP_WAIT_S:g} s: killed")
                for p in alive:
                    p.kill()
                    p.join(5.0)
                continue
            if on_progress and deadline is None:
                on_progress(progress_of(study, options.n_trials, start_done, start_time))
            for p in alive:
                p.join(timeout=0.5 / len(alive))
        stopped_by = STOP.signal_name if STOP.requested else ""
    if stopped_by:
        raise StudyInterrupted(f"stopped by {stopped_by}", stopped=sorted(set(stopped)))
    if on_progress:
        on_progress(progress_of(study, options.n_trials, start_done, start_time))
    bad = [p for p in procs if p.exitcode not in (0, None)]
    if bad and completed(study) < options.n_trials:
        from orbitdc.errors import OrbitdcError

        raise OrbitdcError(
            f"{len(bad)} worker(s) exited with an error (exit codes "
            f"{[p.exitcode for p in bad]}); their running trials are failed and queued again, "
            "completed trials are kept: re-run to resume"
        )
