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

from collections.abc import Mapping
from dataclasses import dataclass

from orbitdc.deploy.families import FAMILIES, REGISTRY, Check
from orbitdc.deploy.milp import DeploymentMilp
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import DeploymentSolveError, ObjectiveSpec, SolveRecord
from orbitdc.deploy.types import Limits, Shortfall, Weights
from orbitdc.errors import InputError, OrbitdcError

#: Human names of the families, as they appear in messages.
FAMILY_NAMES = {f.name: f.label for f in REGISTRY}

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
    model: DeploymentMilp,
    limits: Limits | None = None,
    weights: Mapping[str, float] | None = None,
    *,
    per_family: bool = False,
) -> Diagnosis:
    """Explain infeasibility by an elastic solve.

    The entry point is :meth:`orbitdc.deploy.DeploymentModel.diagnose_infeasibility`.

    Parameters
    ----------
    model : DeploymentMilp
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
            if w[fam] <= 0:
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


def _check(model: DeploymentMilp, plan: Plan, limits: Limits | None) -> Check:
    lim = limits or Limits()
    target, t_idx = model.target(lim)
    return Check(model.data, plan, lim, target, t_idx)


def violations(
    model: DeploymentMilp,
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
    ck = _check(model, plan, limits)
    out: list[Shortfall] = []
    for fam in REGISTRY:
        if only is not None and (fam.name in only) == invert:
            continue
        found = fam.shortfall(ck)
        if found is not None:
            out.append(found)
    return out


def tight_resources(model: DeploymentMilp, plan: Plan, limits: Limits | None = None,
                    exclude: set[str] | None = None) -> list[str]:
    """Resources ``plan`` exhausts: less than one more satellite's worth is left.

    A year's budget binds if its remainder is below the cheapest satellite plus one flight;
    cadence binds if no whole flight is left; a shell binds if it is full; the risk cap binds if
    its remainder is below the smallest per-satellite-year risk.
    """
    if not model.data.allowed.any():
        return []
    ck = _check(model, plan, limits)
    skip = exclude or set()
    out: list[str] = []
    for fam in REGISTRY:
        if fam.binds is None or fam.name in skip:
            continue
        found = fam.binds(ck)
        if found is not None:
            out.append(found)
    return out
