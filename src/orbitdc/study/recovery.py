"""Trials that stopped or whose worker died: fail them, then queue their parameters again.

A trial is COMPLETE only when its evaluation ran to the end. Every other way a trial can end
leads here:

* **stopped** (Ctrl-C, SIGTERM): the evaluator raises, Optuna marks the trial FAIL, and the
  worker queues its parameters again (:func:`retry`) before it exits;
* **worker killed** (``kill -9``, out of memory, a crashed machine): the trial stays RUNNING.
  Each trial records its worker (``host:pid``, :func:`worker_id`) as it starts, so the local
  runner fails the trials of a worker it saw die, and any later run on the same host fails
  RUNNING trials whose process is gone (:func:`fail_orphans`). Trials of other hosts are failed
  by Optuna's heartbeat once silent for the grace period (:class:`RetryStaleTrial`);
* **failed** for another reason (a solver error): queued again on the next run, a few times.

A queued retry never repeats a parameter set that is COMPLETE, waiting or running, and each
failed trial is retried once (``retry_of`` / Optuna's ``retry_history``), at most
:data:`MAX_RETRIES` times along a chain of retries.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import optuna
from optuna.exceptions import UpdateFinishedTrialError
from optuna.trial import FrozenTrial, TrialState

#: Longest chain of retries of one parameter set (a trial that keeps failing is dropped).
MAX_RETRIES = 3


def worker_id() -> str:
    """``host:pid`` of this process, recorded on every trial it starts."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _params_key(trial: FrozenTrial) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(trial.params.items()))


def _retried(trials: Iterable[FrozenTrial]) -> set[int]:
    """Numbers of trials that already have a retry (queued, running or finished)."""
    done: set[int] = set()
    for t in trials:
        done.update(int(n) for n in t.system_attrs.get("retry_history", []))
        if isinstance(t.user_attrs.get("retry_of"), int):
            done.add(t.user_attrs["retry_of"])
    return done


def retry(study: optuna.Study, trial: FrozenTrial,
          trials: list[FrozenTrial] | None = None) -> bool:
    """Queue the parameters of a failed ``trial`` again, unless that would repeat work.

    Skipped when the trial has no parameters, was already retried, ends a chain of
    :data:`MAX_RETRIES` retries, or when a COMPLETE, waiting or running trial has the same
    parameters. Returns whether it was queued.
    """
    trials = trials if trials is not None else study.get_trials(deepcopy=False)
    history = [*trial.system_attrs.get("retry_history", []), trial.number]
    if not trial.params or trial.number in _retried(trials) or len(history) > MAX_RETRIES:
        return False
    busy = (TrialState.COMPLETE, TrialState.WAITING, TrialState.RUNNING)
    if _params_key(trial) in {_params_key(t) for t in trials if t.state in busy}:
        return False
    study.add_trial(optuna.trial.create_trial(
        state=TrialState.WAITING,
        params=dict(trial.params),
        distributions=dict(trial.distributions),
        user_attrs={"retry_of": trial.number},
        system_attrs={"failed_trial": history[0], "retry_history": history},
    ))
    return True


class RetryStaleTrial:
    """Heartbeat callback: a trial whose worker went silent is failed, then :func:`retry`."""

    def __call__(self, study: optuna.Study, trial: FrozenTrial) -> None:
        """Queue the stale (now failed) ``trial`` again."""
        retry(study, trial)


def fail(study: optuna.Study, trial: FrozenTrial, reason: str) -> bool:
    """Mark a RUNNING trial FAIL with ``failed_because = reason`` and queue it again.

    Returns False when the trial had already finished (another process got there first).
    """
    storage = study._storage
    try:
        storage.set_trial_user_attr(trial._trial_id, "failed_because", reason)
        if not storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL):
            return False
    except UpdateFinishedTrialError:
        return False
    retry(study, storage.get_trial(trial._trial_id))
    return True


def fail_trials_of(study: optuna.Study, workers: Iterable[str], reason: str) -> list[int]:
    """Fail the RUNNING trials started by ``workers`` (``host:pid``); returns their numbers."""
    wanted = set(workers)
    failed = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        if t.user_attrs.get("worker") in wanted and fail(study, t, reason):
            failed.append(t.number)
    return failed


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (killed, its parent gone, nobody reaped it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): trust kill()
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def fail_orphans(study: optuna.Study) -> list[int]:
    """Fail RUNNING trials whose worker was a process of this host that no longer exists.

    Trials of other hosts are left to the heartbeat (a worker there may still be running).
    """
    host = socket.gethostname()
    failed = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        who = str(t.user_attrs.get("worker", ""))
        name, _, pid = who.rpartition(":")
        if name == host and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            if fail(study, t, f"worker {who} died"):
                failed.append(t.number)
    return failed


def requeue_failed(study: optuna.Study) -> list[int]:
    """Queue again every failed trial not yet retried (see :func:`retry`); returns their numbers.

    Trials failed by an older version, or whose worker could not queue them itself.
    """
    trials = study.get_trials(deepcopy=False)
    queued = []
    for t in trials:
        if t.state == TrialState.FAIL and retry(study, t, trials):
            queued.append(t.number)
            trials = study.get_trials(deepcopy=False)
    return queued


def recover(study: optuna.Study) -> list[int]:
    """Before a run: fail orphaned and stale trials, and queue failed ones again.

    Returns the numbers of the trials queued again.
    """
    fail_orphans(study)
    optuna.storages.fail_stale_trials(study)
    return requeue_failed(study)
