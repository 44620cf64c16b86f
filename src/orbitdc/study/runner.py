"""Run a study: local worker processes, resumable, interruptible, with a progress bar.

``run_study`` opens (or resumes) the study, then runs the remaining trials in ``workers``
processes (``spawn``: clean interpreters, no shared solver state) or in this process for one
worker. The parent shows trials done, best values so far and the time left by reading the
storage. Ctrl-C reaches every worker: Optuna marks each running trial FAILED before the worker
exits, so the storage stays consistent and re-running the command resumes. A worker killed
outright leaves a stale trial that the heartbeat mechanism fails and retries; an interrupted
(failed) trial's parameters are queued again when the study resumes.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import optuna
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

from orbitdc.spec.read import LoadedStudy, read_study
from orbitdc.study.storage import create_or_load, open_storage

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
        Local processes; 1 runs in this process.
    allow_changed : bool
        Continue a stored study although its study file changed.
    """

    storage_url: str
    results_dir: Path
    n_trials: int
    workers: int = 1
    allow_changed: bool = False


def split_trials(remaining: int, workers: int) -> list[int]:
    """Share ``remaining`` trials among workers as evenly as possible (no overshoot)."""
    base, extra = divmod(max(remaining, 0), workers)
    return [base + (1 if k < extra else 0) for k in range(workers)]


def completed(study: optuna.Study) -> int:
    """Number of COMPLETE trials."""
    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def requeue_interrupted(study: optuna.Study) -> list[int]:
    """Queue again the parameters of trials that failed (interrupted), once each.

    A trial stopped by Ctrl-C is marked FAILED by Optuna; resuming the study runs its
    parameters again so no evaluation is lost. Parameters already completed elsewhere are not
    repeated. Returns the numbers of the trials re-queued.
    """
    done = list(study.user_attrs.get("requeued_trials", []))
    complete = {tuple(sorted(t.params.items())) for t in
                study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))}
    queued = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,)):
        key = tuple(sorted(t.params.items()))
        if t.number in done or not t.params or key in complete:
            continue
        study.enqueue_trial(dict(t.params), user_attrs={"retry_of": t.number})
        complete.add(key)
        queued.append(t.number)
    if queued:
        study.set_user_attr("requeued_trials", done + queued)
    return queued


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
    """One worker: ask for trials until it ran ``n_trials`` or the study reached ``target``."""
    from orbitdc.study.evaluate import TrialEvaluator

    if os.environ.get(_QUIET):
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    loaded = read_study(study_file)
    study = create_or_load(loaded, open_storage(storage_url), worker_index,
                           allow_changed=allow_changed)
    if n_trials <= 0 or completed(study) >= target:
        return
    evaluator = TrialEvaluator(loaded, Path(results_dir))
    study.optimize(
        evaluator,
        n_trials=n_trials,
        callbacks=[MaxTrialsCallback(target, states=(TrialState.COMPLETE,)), *(callbacks or [])],
        gc_after_trial=False,
    )


def _worker_entry(*args: object) -> None:
    os.environ[_QUIET] = "1"
    try:
        run_worker(*args)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        pass  # Optuna already marked the running trial FAILED


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


def run_study(
    loaded: LoadedStudy,
    options: RunOptions,
    on_progress: Callable[[Progress], None] | None = None,
) -> optuna.Study:
    """Run (or resume) a study until ``options.n_trials`` trials are complete.

    Returns the Optuna study. ``KeyboardInterrupt`` propagates after the workers stopped
    cleanly; the storage can be resumed.
    """
    storage = open_storage(options.storage_url)
    study = create_or_load(loaded, storage, allow_changed=options.allow_changed)
    requeue_interrupted(study)
    start_done, start_time = completed(study), time.monotonic()
    remaining = options.n_trials - start_done
    if remaining <= 0:
        if on_progress:
            on_progress(progress_of(study, options.n_trials, start_done, start_time))
        return study
    args = (str(loaded.path), options.storage_url)
    if options.workers == 1:

        def report(study_: optuna.Study, _trial: optuna.trial.FrozenTrial) -> None:
            if on_progress:
                on_progress(progress_of(study_, options.n_trials, start_done, start_time))

        run_worker(*args, 0, remaining, options.n_trials, str(options.results_dir),
                   options.allow_changed, callbacks=[report])
        return study
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(
            target=_worker_entry,
            args=(*args, k, share, options.n_trials, str(options.results_dir),
                  options.allow_changed),
            name=f"orbitdc-worker-{k}",
        )
        for k, share in enumerate(split_trials(remaining, options.workers))
        if share > 0
    ]
    for p in procs:
        p.start()
    try:
        while any(p.is_alive() for p in procs):
            if on_progress:
                on_progress(progress_of(study, options.n_trials, start_done, start_time))
            for p in procs:
                p.join(timeout=1.0 / len(procs))
    except KeyboardInterrupt:
        # The terminal sent SIGINT to the whole process group: give the workers time to mark
        # their running trials failed, then make sure none is left behind.
        deadline = time.monotonic() + 30.0
        for p in procs:
            p.join(timeout=max(0.1, deadline - time.monotonic()))
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(5.0)
        raise
    if on_progress:
        on_progress(progress_of(study, options.n_trials, start_done, start_time))
    bad = [p for p in procs if p.exitcode not in (0, None)]
    if bad and completed(study) < options.n_trials:
        from orbitdc.errors import OrbitdcError

        raise OrbitdcError(
            f"{len(bad)} worker(s) exited with an error (exit codes "
            f"{[p.exitcode for p in bad]}); completed trials are kept, re-run to resume"
        )
    return study
