"""Why a deployment study is infeasible: which constraint families block it, and by how much.

The diagnosis solves the elastic version of the MILP: every row of the relaxable families gets
a nonnegative slack, measured as a fraction of the bound it relaxes (budget, cadence, shell
capacity, compute target, risk cap, total budget), or in shells (spacing, disposal rule), and
the objective minimises the weighted sum of slacks. The elastic model is always feasible (no
launches satisfies every row but the compute target, which has a slack). The families whose
slack is nonzero at the optimum are the ones the study cannot meet together; the closest plan
is evaluated independently (numpy) to state each shortfall in natural units, e.g.
``compute target: 1,200 PFLOPS short in 2032 (target 10,000)``, and to name the resources it
exhausts (``budget per year binds in 2030-2032``).

References
----------
Chinneck, J. W. (2008). *Feasibility and Infeasibility in Optimization*, ch. 7 (elastic
programming and minimum-weight constraint relaxation). Springer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from orbitdc.deploy.model import FAMILIES, DeploymentModel, Limits, Weights
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import DeploymentSolveError, ObjectiveSpec, SolveRecord
from orbitdc.errors import InputError, OrbitdcError

#: Human names of the families, as they appear in messages.
FAMILY_NAMES = {
    "compute_target": "compute target",
    "budget_per_year": "budget per year",
    "budget_total": "total budget",
    "cadence": "launch cadence",
    "capacity": "shell capacity",
    "risk_cap": "risk cap",
    "spacing": "shell spacing",
    "disposal": "disposal rule",
}

_TOL = 1e-6


@dataclass(frozen=True)
class Shortfall:
    """One constraint family the closest plan violates.

    Attributes
    ----------
    family : str
        One of :data:`orbitdc.deploy.model.FAMILIES`.
    amount : float
        Largest violation in ``units`` (per year or per shell where that applies).
    units : str
    where : tuple of str
        Years or shells where the family is violated.
    text : str
        One clause for the message.
    """

    family: str
    amount: float
    units: str
    where: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Diagnosis:
    """Result of :func:`diagnose`.

    Attributes
    ----------
    feasible : bool
        The elastic optimum needs no slack: the study is feasible.
    shortfalls : tuple of Shortfall
        Families the closest plan violates (empty if feasible).
    binding : tuple of str
        Resources the closest plan exhausts (for example ``budget per year binds in 2031``).
    alone : dict family -> bool
        With ``per_family=True``: whether relaxing that family alone restores feasibility.
    plan : Plan or None
        The closest plan (least weighted violation).
    record : SolveRecord
    message : str
    """

    feasible: bool
    shortfalls: tuple[Shortfall, ...]
    binding: tuple[str, ...]
    alone: dict[str, bool]
    plan: Plan | None
    record: SolveRecord
    message: str

    @property
    def families(self) -> tuple[str, ...]:
        """Families with a shortfall."""
        return tuple(s.family for s in self.shortfalls)


class DeploymentInfeasible(OrbitdcError):
    """The study has no feasible plan; ``diagnosis`` says which constraints block it."""

    def __init__(self, diagnosis: Diagnosis):
        self.diagnosis = diagnosis
        super().__init__(f"no feasible deployment: {diagnosis.message}")


def diagnose(
    model: DeploymentModel,
    limits: Limits | None = None,
    weights: Mapping[str, float] | None = None,
    *,
    per_family: bool = False,
) -> Diagnosis:
    """Explain infeasibility by an elastic solve.

    Parameters
    ----------
    model : DeploymentModel
    limits : Limits, optional
        The method's extra limits (compute target, risk and cost caps) in force when the study
        failed.
    weights : mapping family -> float, optional
        Relative cost of relaxing each family (default 1 for each); a family with weight 0 is
        not relaxed.
    per_family : bool
        Also test, family by family, whether relaxing that family alone restores feasibility
        (one more MILP per family with a shortfall).
    """
    lim = limits or Limits()
    w = {fam: 1.0 for fam in FAMILIES}
    if weights is not None:
        for fam, v in weights.items():
            if fam not in FAMILIES:
                raise InputError("weights", fam, "must name one of: " + ", ".join(FAMILIES))
            w[fam] = float(v)
    spec = ObjectiveSpec("weighted relative violation", "-", "minimize", 1.0)
    sol = model.solve(label="diagnose", weights=Weights(elastic=1.0), spec=spec, limits=lim,
                      elastic=w)
    if sol.plan is None:
        raise DeploymentSolveError(sol.record)
    plan = sol.plan
    shortfalls = violations(model, plan, lim)
    binding = tight_resources(model, plan, lim, exclude={s.family for s in shortfalls})
    alone: dict[str, bool] = {}
    if per_family and shortfalls:
        for fam in FAMILIES:
            if w.get(fam, 0.0) <= 0:
                continue
            one = model.solve(label=f"diagnose {fam} alone", weights=Weights(elastic=1.0),
                              spec=spec, limits=lim, elastic={fam: 1.0})
            ok = one.plan is not None and not violations(model, one.plan, lim, only={fam},
                                                         invert=True)
            alone[fam] = bool(ok)
    feasible = not shortfalls
    if feasible:
        message = "feasible: the elastic solve needs no relaxation"
    else:
        parts = [s.text for s in shortfalls]
        if binding:
            parts.append(" and ".join(binding))
        message = "; ".join(parts)
        fixes = [FAMILY_NAMES[f] for f, ok in alone.items() if ok]
        if alone:
            message += ("; relaxing one family alone suffices for: " + ", ".join(fixes)
                        if fixes else "; no single family's relaxation suffices")
    return Diagnosis(feasible, tuple(shortfalls), tuple(binding), alone, plan, sol.record,
                     message)


def _years(years: Sequence[int]) -> str:
    """``2030, 2031, 2032`` -> ``2030-2032``; gaps listed."""
    ys = sorted(years)
    runs: list[str] = []
    start = prev = ys[0]
    for y in ys[1:] + [None]:  # type: ignore[list-item]
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def _names(names: Sequence[str], most: int = 4) -> str:
    shown = list(names[:most])
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def violations(
    model: DeploymentModel,
    plan: Plan,
    limits: Limits | None = None,
    *,
    only: set[str] | None = None,
    invert: bool = False,
) -> list[Shortfall]:
    """Constraint families ``plan`` violates, evaluated from its launches alone.

    ``only`` restricts the check to some families; with ``invert`` it checks all the others
    instead (used to test whether relaxing one family alone suffices).
    """
    d = model.data
    lim = limits or Limits()
    out: list[Shortfall] = []

    def want(fam: str) -> bool:
        if only is None:
            return True
        return (fam not in only) if invert else (fam in only)

    years = d.years
    target, t_idx = model.target(lim)
    if want("compute_target") and target is not None and t_idx is not None:
        short = target - float(plan.compute_pflops[t_idx])
        if short > _TOL * target:
            out.append(Shortfall(
                "compute_target", short, "PFLOP/s", (str(years[t_idx]),),
                f"compute target: {short:,.0f} PFLOPS short in {years[t_idx]} "
                f"(target {target:,.0f}, reachable {plan.compute_pflops[t_idx]:,.0f})"))
    if want("budget_per_year") and d.budget_usd_per_year is not None:
        over = plan.cost_usd - d.budget_usd_per_year
        bad = over > _TOL * np.maximum(d.budget_usd_per_year, d.cost_unit)
        if bad.any():
            ys = [years[i] for i in np.flatnonzero(bad)]
            worst = float(over[bad].max())
            out.append(Shortfall(
                "budget_per_year", worst, "USD", tuple(map(str, ys)),
                f"budget per year: up to {worst / 1e6:,.0f} M USD over in {_years(ys)}"))
    kcaps = [c for c in (d.budget_usd_total, lim.cost_cap_usd) if c is not None]
    if want("budget_total") and kcaps:
        over = plan.total_cost_usd - min(kcaps)
        if over > _TOL * max(min(kcaps), d.cost_unit):
            out.append(Shortfall("budget_total", over, "USD", (),
                                 f"total budget: {over / 1e6:,.0f} M USD over "
                                 f"(cap {min(kcaps) / 1e6:,.0f} M USD)"))
    if want("cadence"):
        over = plan.flights.sum(axis=0) - d.flights_per_year
        bad = over > 1e-6
        if bad.any():
            ys = [years[i] for i in np.flatnonzero(bad)]
            worst = float(over[bad].max())
            out.append(Shortfall("cadence", worst, "flights", tuple(map(str, ys)),
                                 f"launch cadence: up to {worst:,.0f} flights over in "
                                 f"{_years(ys)}"))
    if want("capacity"):
        n = plan.active.sum(axis=1)
        over = n - d.capacity_sats[:, None]
        bad = over > 0
        if bad.any():
            shells = [d.shell_keys[s] for s in np.flatnonzero(bad.any(axis=1))]
            worst = float(over.max())
            out.append(Shortfall("capacity", worst, "satellites", tuple(shells),
                                 f"shell capacity: up to {worst:,.0f} satellites over in "
                                 f"{_names(shells)}"))
    caps = [c for c in (d.risk_cap, lim.risk_cap) if c is not None]
    if want("risk_cap") and caps:
        over = plan.total_risk_model - min(caps)
        if over > _TOL * min(caps):
            out.append(Shortfall("risk_cap", over, "risk", (),
                                 f"risk cap: exceeded by {over:.3g} (cap {min(caps):.3g})"))
    used = plan.active.sum(axis=(1, 2)) > 0
    if want("spacing") and d.min_spacing_km > 0:
        pi, pj, conflict = d.spacing_conflicts()
        bad = conflict & used[pi] & used[pj]
        if bad.any():
            pairs = [f"{d.shell_keys[i]} & {d.shell_keys[j]}"
                     for i, j in zip(pi[bad], pj[bad], strict=True)]
            out.append(Shortfall("spacing", float(bad.sum()), "shell pairs", tuple(pairs),
                                 f"shell spacing: {int(bad.sum())} pair(s) of used shells "
                                 f"closer than {d.min_spacing_km:g} km ({_names(pairs, 3)})"))
    if want("disposal"):
        bad = used & ~d.shell_usable
        if bad.any():
            shells = [d.shell_keys[s] for s in np.flatnonzero(bad)]
            out.append(Shortfall("disposal", float(bad.sum()), "shells", tuple(shells),
                                 f"disposal rule: needs non-compliant shell(s) "
                                 f"{_names(shells)} (allow_noncompliant_disposal is False)"))
    return out


def tight_resources(model: DeploymentModel, plan: Plan, limits: Limits | None = None,
                    exclude: set[str] | None = None) -> list[str]:
    """Resources ``plan`` exhausts: less than one more satellite's worth is left.

    A year's budget binds if its remainder is below the cheapest satellite plus one flight;
    cadence binds if no whole flight is left; a shell binds if it is full; the risk cap binds if
    its remainder is below the smallest per-satellite-year risk.
    """
    d = model.data
    lim = limits or Limits()
    skip = exclude or set()
    out: list[str] = []
    years = d.years
    allowed = d.allowed
    if not allowed.any():
        return out
    cheapest = float(d.cost_usd[allowed].min()) + d.launch_cost_usd
    if "budget_per_year" not in skip and d.budget_usd_per_year is not None:
        left = d.budget_usd_per_year - plan.cost_usd
        ys = [years[i] for i in np.flatnonzero(left < cheapest)]
        if ys:
            out.append(f"budget per year binds in {_years(ys)}")
    kcaps = [c for c in (d.budget_usd_total, lim.cost_cap_usd) if c is not None]
    if "budget_total" not in skip and kcaps and min(kcaps) - plan.total_cost_usd < cheapest:
        out.append("total budget binds")
    if "cadence" not in skip:
        left = d.flights_per_year - plan.flights.sum(axis=0)
        ys = [years[i] for i in np.flatnonzero(left < 1.0)]
        if ys:
            out.append(f"launch cadence binds in {_years(ys)}")
    if "capacity" not in skip:
        n = plan.active.sum(axis=1)
        full = (n >= d.capacity_sats[:, None]) & (d.capacity_sats[:, None] > 0)
        shells = [d.shell_keys[s] for s in np.flatnonzero(full.any(axis=1))]
        if shells:
            out.append(f"shell capacity binds in {_names(shells)}")
    caps = [c for c in (d.risk_cap, lim.risk_cap) if c is not None]
    if "risk_cap" not in skip and caps:
        smallest = float(d.risk_per_sat_year[allowed].min())
        if min(caps) - plan.total_risk_model < max(smallest, 1e-9 * min(caps)):
            out.append("risk cap binds")
    return out
