"""Trials of a stored study as typed records, and the Pareto set among them.

The report never talks to Optuna beyond this module: every trial becomes a
:class:`TrialRecord` built from its parameters, objective values, constraints and the
:class:`~orbitdc.study.summary.TrialSummary` the evaluator stored in its user attributes, so
figures and pages can be tested with synthetic records. A trial stored by an older orbitdc keeps
its objectives (it is drawn on the front) and says in ``note`` why its design cannot be shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import optuna
from optuna.trial import TrialState

from orbitdc.study.summary import (
    SummaryFormatError,
    TrialSummary,
    summary_field_names,
    summary_from_attrs,
)

OBJECTIVE_SIGN = {"compute": -1.0, "risk": 1.0, "cost": 1.0,
                  "environment_50y": 1.0}  # minimisation form


@dataclass(frozen=True)
class TrialRecord:
    """One trial as the report sees it.

    Attributes
    ----------
    number : int
    state : str
        ``COMPLETE``, ``FAIL``, ``RUNNING``...
    feasible : bool
        Complete and every constraint <= 0.
    objectives : dict
        ``compute`` [PFLOP/s-yr], ``risk`` [risk], ``cost`` [USD] (those the study optimises).
    params : dict
    constraints : dict
    summary : TrialSummary or None
        The plan, fleet, designs and compliance of a trial that found a plan.
    status : str
        The evaluator's status: ``ok``, ``invalid`` (the physics rejected the point),
        ``infeasible`` (no plan), or ``""`` for a trial that did not finish.
    message : str
        The evaluator's message for an invalid or infeasible trial.
    note : str
        Why a complete trial has no summary (it was stored by an older orbitdc), else ``""``.
    evaluation : dict
        The rest of what the evaluator stored (solver records, geometry, timings, worker), for
        the record.
    """

    number: int
    state: str
    feasible: bool
    objectives: dict[str, float]
    params: dict[str, Any] = field(default_factory=dict)
    constraints: dict[str, float] = field(default_factory=dict)
    summary: TrialSummary | None = None
    status: str = ""
    message: str = ""
    note: str = ""
    evaluation: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Compute per unit risk (``inf`` at zero risk, ``nan`` when unknown)."""
        if self.summary is not None:
            return float(self.summary.ratio_pflop_years_per_risk)
        c, r = self.objectives.get("compute"), self.objectives.get("risk")
        if c is None or r is None:
            return math.nan
        return c / r if r > 0 else math.inf


def record_from_trial(t: optuna.trial.FrozenTrial, objectives: Sequence[str]) -> TrialRecord:
    """One Optuna trial as a :class:`TrialRecord`; never raises on odd user attributes."""
    values = t.values if t.state == TrialState.COMPLETE and t.values is not None else None
    objs = dict(zip(objectives, values, strict=True)) if values else {}
    cons = dict(t.constraints)
    attrs = dict(t.user_attrs)
    status = str(attrs.get("status", "ok" if values else ""))
    summary, note = None, ""
    if values and status == "ok":
        try:
            summary = summary_from_attrs(attrs)
        except SummaryFormatError as exc:
            note = str(exc)
    stored = set(summary_field_names()) | {"status", "message"}
    return TrialRecord(
        number=t.number,
        state=t.state.name,
        feasible=bool(values) and all(v <= 0 for v in cons.values()) and status == "ok",
        objectives={k: float(v) for k, v in objs.items()},
        params=dict(t.params),
        constraints=cons,
        summary=summary,
        status=status,
        message=str(attrs.get("message", "")),
        note=note,
        evaluation={k: v for k, v in attrs.items() if k not in stored},
    )


def records_from_study(study: optuna.Study, objectives: Sequence[str]) -> list[TrialRecord]:
    """Every trial of an Optuna study as a :class:`TrialRecord`."""
    return [record_from_trial(t, objectives) for t in study.get_trials(deepcopy=False)]


def dominates(a: TrialRecord, b: TrialRecord, objectives: Sequence[str]) -> bool:
    """Whether ``a`` is at least as good in every objective and better in one."""
    sa = [OBJECTIVE_SIGN[o] * a.objectives[o] for o in objectives]
    sb = [OBJECTIVE_SIGN[o] * b.objectives[o] for o in objectives]
    return all(x <= y for x, y in zip(sa, sb, strict=True)) and any(
        x < y for x, y in zip(sa, sb, strict=True))


def pareto_set(records: Sequence[TrialRecord], objectives: Sequence[str]) -> list[TrialRecord]:
    """Feasible, non-dominated records, in trial order (ties with equal values all kept)."""
    feasible = [r for r in records if r.feasible]
    return [r for r in feasible if not any(dominates(o, r, objectives) for o in feasible)]


def best_ratio(records: Sequence[TrialRecord]) -> TrialRecord | None:
    """The feasible record with the most compute per unit risk."""
    feasible = [r for r in records if r.feasible and math.isfinite(r.ratio)]
    return max(feasible, key=lambda r: r.ratio) if feasible else None
