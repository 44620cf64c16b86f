"""Stopping a study on Ctrl-C or SIGTERM: the first signal stops cleanly, a second at once.

One :data:`STOP` per process. While a trial computes (sizing, screening, the MILP: the
*abortable* part, :meth:`StopControl.abortable`), the first signal raises
:class:`TrialInterrupted` right there: the trial is marked FAIL, never COMPLETE, and its
parameters are queued again. Outside that part (Optuna choosing the next trial) and inside a
storage write (:meth:`StopControl.shielded`) it only sets a flag, so a database transaction is
never cut in half: the trial stops right after the write, the worker before its next trial.
HiGHS runs without Python callbacks, so a signal that arrives during a solve is handled when
the solve returns (the command line runs its workers in child processes, so their parent can
kill one that is still solving); were a Python callback subscribed, HiGHS would swallow the
exception, so the evaluator also checks the flag after every solve.

What a second signal does is the owner's choice (``on_second``): the local runner's parent
kills its workers and exits, a spawned worker ignores it (its parent decides), a
stand-alone worker exits at once.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Any

#: The signals a study stops on: Ctrl-C (SIGINT, sent to the whole process group by a
#: terminal) and SIGTERM (``kill``, batch schedulers, container shutdown).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TrialInterrupted(KeyboardInterrupt):
    """A stop request ended the running trial (it is marked FAIL and queued again)."""


class StudyInterrupted(KeyboardInterrupt):
    """The study stopped on request; completed trials are stored and a re-run resumes.

    Attributes
    ----------
    forced : bool
        A second signal: the workers were killed without waiting.
    stopped : list of int
        Trials that were running and are now failed (queued again on the next run).
    """

    def __init__(self, message: str = "", *, forced: bool = False,
                 stopped: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.forced = forced
        self.stopped = list(stopped)


class StopControl:
    """The stop state of one process and the signal handler that drives it."""

    def __init__(self) -> None:
        self.count = 0
        self.signal_name = ""
        self._abortable = 0
        self._shielded = 0
        self.on_first: Callable[[str], None] | None = None
        self.on_second: Callable[[str], None] | None = None

    @property
    def requested(self) -> bool:
        """A stop signal arrived."""
        return self.count > 0

    def reset(self) -> None:
        """Forget an earlier stop (a new run in the same process)."""
        self.count = 0
        self.signal_name = ""
        self._abortable = 0
        self._shielded = 0

    def request(self, name: str = "stop") -> None:
        """Stop as if a signal named ``name`` arrived (what the handler does)."""
        self.count += 1
        if self.count == 1:
            self.signal_name = name
            if self.on_first is not None:
                self.on_first(name)
            if self._abortable and not self._shielded:
                raise TrialInterrupted(f"stopped by {name}")
        elif self.on_second is not None:
            self.on_second(name)

    def handler(self, signum: int, frame: FrameType | None) -> None:
        """Signal handler: :meth:`request` with the signal's name."""
        self.request(signal.Signals(signum).name)

    def check(self) -> None:
        """Raise :class:`TrialInterrupted` if a stop was requested."""
        if self.requested:
            raise TrialInterrupted(f"stopped by {self.signal_name}")

    @contextlib.contextmanager
    def abortable(self) -> Iterator[None]:
        """A stretch of computation a stop may cut short (raising :class:`TrialInterrupted`)."""
        self.check()
        self._abortable += 1
        try:
            yield
        finally:
            self._abortable -= 1
        self.check()

    @contextlib.contextmanager
    def shielded(self) -> Iterator[None]:
        """A stretch a stop must not cut (a storage write); it takes effect right after."""
        self._shielded += 1
        try:
            yield
        finally:
            self._shielded -= 1
        if self._abortable and not self._shielded:
            self.check()

    @contextlib.contextmanager
    def installed(
        self,
        signals: Sequence[signal.Signals] = STOP_SIGNALS,
        *,
        on_first: Callable[[str], None] | None = None,
        on_second: Callable[[str], None] | None = None,
    ) -> Iterator[StopControl]:
        """Handle ``signals`` with this control for the duration (main thread only).

        Elsewhere (a thread, where Python cannot install handlers) nothing is installed and
        signals keep their previous behaviour. The stop state is cleared on entry and on exit,
        so a stop never outlives the run it stopped.
        """
        self.reset()
        self.on_first, self.on_second = on_first, on_second
        saved: dict[signal.Signals, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in signals:
                saved[sig] = signal.signal(sig, self.handler)
        try:
            yield self
        finally:
            for sig, previous in saved.items():
                signal.signal(sig, previous)
            self.on_first = self.on_second = None
            self.reset()


#: This process's stop control.
STOP = StopControl()


@contextlib.contextmanager
def ignoring(signals: Sequence[signal.Signals]) -> Iterator[None]:
    """Ignore ``signals`` for the duration (main thread only).

    Children started meanwhile inherit the disposition, so a Ctrl-C meant for their parent
    never reaches them.
    """
    saved: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in signals:
            saved[sig] = signal.signal(sig, signal.SIG_IGN)
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


class ShieldedTrial:
    """An Optuna trial whose storage writes a stop never cuts (:meth:`StopControl.shielded`).

    Drawing parameters, setting user attributes and constraints each write to the storage;
    everything else is the trial's own.
    """

    _WRITES = ("set_user_attr", "set_constraint", "report")

    def __init__(self, trial: Any, control: StopControl | None = None):
        self._trial = trial
        self._control = control or STOP

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._trial, name)
        if not (name.startswith("suggest_") or name in self._WRITES) or not callable(attr):
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            with self._control.shielded():
                return attr(*args, **kwargs)

        return write
