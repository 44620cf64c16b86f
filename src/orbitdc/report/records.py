"""Trials of a stored study as plain records, and the Pareto set among them.

The report never talks to Optuna beyond this module: every trial becomes a
:class:`TrialRecord` built from its parameters, objective values, constraints and the user
attributes the evaluator stored (plan, key figures, designs), so figures and pages can be tested
with synthetic records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import optuna
from optuna.trial import TrialState

OBJECTIVE_SIGN = {"compute": -1.0, "risk": 1.0, "cost": 1.0}  # minimisation form


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
    attrs : dict
        Everything the evaluator stored (plan, designs, compliance, timing...).
    """

    number: int
    state: str
    feasible: bool
    objectives: dict[str, float]
    params: dict[str, Any] = field(default_factory=dict)
    constraints: dict[str, float] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Compute per unit risk (``inf`` at zero risk, ``nan`` when unknown)."""
        value = self.attrs.get("ratio_pflop_years_per_risk")
        if isinstance(value, int | float):
            return float(value)
        c, r = self.objectives.get("compute"), self.objectives.get("risk")
        if c is None or r is None:
            return math.nan
        return c / r if r > 0 else math.inf


def records_from_study(study: optuna.Study, objectives: Sequence[str]) -> list[TrialRecord]:
    """Every trial of an Optuna study as a :class:`TrialRecord`."""
    out = []
    for t in study.get_trials(deepcopy=False):
        values = t.values if t.state == TrialState.COMPLETE and t.values is not None else None
        objs = dict(zip(objectives, values, strict=True)) if values else {}
        cons = dict(t.constraints)
        out.append(TrialRecord(
            number=t.number,
            state=t.state.name,
            feasible=bool(values) and all(v <= 0 for v in cons.values())
            and t.user_attrs.get("status", "ok") == "ok",
            objectives={k: float(v) for k, v in objs.items()},
            params=dict(t.params),
            constraints=cons,
            attrs=dict(t.user_attrs),
        ))
    return out


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
