"""Deployment objectives: compute per risk, Pareto fronts, maximum compute, minimum cost.

Compute per risk by Dinkelbach's method, the compute-risk(-cost) Pareto front by the
epsilon-constraint method (AUGMECON or lexicographic), maximum compute and minimum cost.

Every method is a sequence of solves of the one persistent MILP
(:class:`~orbitdc.deploy.milp.DeploymentMilp`) with different objective weights and limits; see
``design/deployment_model.md``. The public entry points are the methods of
:class:`orbitdc.deploy.DeploymentMilp`, with the same parameters.

References
----------
Dinkelbach, W. (1967). On nonlinear fractional programming. *Management Science* 13(7),
492-498.
Mavrotas, G. (2009). Effective implementation of the epsilon-constraint method in
multi-objective mathematical programming problems. *Applied Mathematics and Computation*
213(2), 455-465 (AUGMECON).
Mavrotas, G. & Florios, K. (2013). An improved version of the augmented epsilon-constraint
method (AUGMECON2). *Applied Mathematics and Computation* 219(18), 9652-9669.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from orbitdc.deploy.diagnose import DeploymentInfeasible, diagnose
from orbitdc.deploy.milp import DeploymentMilp
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import DeploymentSolveError, ObjectiveSpec, SolveRecord, SolverOptions
from orbitdc.deploy.types import Limits, Solution, Weights
from orbitdc.errors import InputError, require_range

#: AUGMECON augmentation: the risk (and cost) slack terms weigh this fraction of the compute
#: range per unit of their own range, small enough that compute comes first.
AUGMENTATION = 1e-3

#: Absolute gap of Dinkelbach's first step, as a fraction of the compute target.
FIRST_STEP_GAP = 0.05

#: Time cap of a lexicographic second stage: this many seconds, or this multiple of the first
#: stage's time if larger.
STAGE_TWO_MIN_S = 5.0
STAGE_TWO_FACTOR = 2.0

#: Relative slack on a lexicographic second stage's floor, for solver tolerances.
_STAGE_TOL = 1e-9


# ---- shared helpers ----------------------------------------------------------------------------
def _compute_spec(model: DeploymentMilp, text: str = "compute") -> ObjectiveSpec:
    return ObjectiveSpec(text, "PFLOP/s-yr", "maximize", model.data.compute_unit)


def _risk_spec(model: DeploymentMilp) -> ObjectiveSpec:
    return ObjectiveSpec("risk", "risk", "minimize", model.data.risk_unit)


def _cost_spec(model: DeploymentMilp) -> ObjectiveSpec:
    return ObjectiveSpec("cost", "USD", "minimize", model.data.cost_unit)


class _Infeasible(Exception):
    """A solve inside a sweep proved infeasible (the sweep skips the point)."""


def checked(model: DeploymentMilp, sol: Solution, limits: Limits,
            diagnose_infeasible: bool = True) -> Plan:
    """Return the plan of a solve, or raise the right exception.

    Raises
    ------
    DeploymentInfeasible
        The MILP is infeasible; the message names the blocking constraint families.
    DeploymentSolveError
        No plan for another reason (time limit before any incumbent, solver error).
    """
    if sol.plan is not None:
        return sol.plan
    if sol.record.infeasible:
        if not diagnose_infeasible:
            raise _Infeasible
        raise DeploymentInfeasible(diagnose(model, limits))
    raise DeploymentSolveError(sol.record)


def _combine(plan: Plan, label: str, records: list[SolveRecord]) -> Plan:
    """Relabel a plan and attach every record of the solves that produced it."""
    return replace(plan, label=label, records=tuple(records))


def lexicographic(
    model: DeploymentMilp,
    first: str,
    limits: Limits,
    label: str,
    *,
    second_cost_weight: float = 0.0,
    diagnose_infeasible: bool = True,
) -> Plan:
    """Optimise compute then risk (``first="compute"``) or risk then compute (``"risk"``).

    The second stage keeps the first objective within the solver's relative gap of the first
    stage's incumbent (which is itself only known to that precision): an exact floor turns the
    second stage into an exact-fill knapsack that took HiGHS minutes on the baseline study. With
    exact solves (gap ~1e-9) the answer is never weakly dominated. The second stage is a
    refinement: it gets at most ``max(5 s, 2 x)`` the first stage's time (and never more than
    the time limit); if it finds nothing better in time, the first stage's plan stands.
    ``second_cost_weight`` adds cost to the second stage in units of its own scale.
    """
    d = model.data
    tol = max(model.options.mip_rel_gap, _STAGE_TOL)
    if first == "compute":
        s1 = model.solve(label=f"{label} max compute", weights=Weights(compute=1.0),
                         spec=_compute_spec(model), limits=limits)
        p1 = checked(model, s1, limits, diagnose_infeasible)
        floor = p1.total_compute_pflop_years * (1.0 - tol)
        lim2 = _replace(limits, compute_min_pflop_years=floor)
        s2 = model.solve(label=f"{label} min risk", weights=Weights(
            risk=1.0, cost=second_cost_weight), spec=_risk_spec(model), limits=lim2,
            options=_stage_two_options(model, s1.record))
    else:
        s1 = model.solve(label=f"{label} min risk",
                         weights=Weights(risk=1.0, cost=second_cost_weight),
                         spec=_risk_spec(model), limits=limits)
        p1 = checked(model, s1, limits, diagnose_infeasible)
        cap = p1.total_risk_model * (1.0 + tol) + 1e-12 * d.risk_unit
        caps = [c for c in (limits.risk_cap, cap) if c is not None]
        lim2 = _replace(limits, risk_cap=min(caps))
        s2 = model.solve(label=f"{label} max compute", weights=Weights(compute=1.0),
                         spec=_compute_spec(model), limits=lim2,
                         options=_stage_two_options(model, s1.record))
    if s2.plan is None:  # stage 2 failed (time limit): stage 1 stands
        return _combine(p1, label, [s1.record, s2.record])
    return _combine(_better(first, p1, s2.plan), label, [s1.record, s2.record])


def _stage_two_options(model: DeploymentMilp, first: SolveRecord) -> SolverOptions:
    limit = max(STAGE_TWO_MIN_S, STAGE_TWO_FACTOR * first.wall_s)
    if model.options.time_limit_s is not None:
        limit = min(limit, model.options.time_limit_s)
    return replace(model.options, time_limit_s=limit)


def _better(first: str, p1: Plan, p2: Plan) -> Plan:
    """Prefer the second stage's plan unless the first stage's dominates it (gaps)."""
    c1, c2 = p1.total_compute_pflop_years, p2.total_compute_pflop_years
    r1, r2 = p1.total_risk_model, p2.total_risk_model
    dominated = c1 >= c2 and r1 <= r2 and (c1 > c2 or r1 < r2)
    return p1 if dominated else p2


def _replace(limits: Limits, **changes: Any) -> Limits:
    return replace(limits, **changes)


# ---- maximum compute / minimum cost --------------------------------------------------------------
def maximize_compute(model: DeploymentMilp, risk_cap: float | None = None) -> Plan:
    """Most compute over the horizon (under an optional risk cap), then the least risk."""
    if risk_cap is not None:
        require_range("risk_cap", risk_cap, gt=0.0)
    return lexicographic(model, "compute", Limits(risk_cap=risk_cap), "max compute")


def min_cost(model: DeploymentMilp, compute_target: float | None = None,
             risk_cap: float | None = None) -> Plan:
    """Least launch + manufacturing cost meeting a compute target under a risk cap.

    ``compute_target`` [PFLOP/s] applies in the inputs' ``target_year`` (the last year if the
    inputs have none); ``None`` takes the inputs' target. ``risk_cap`` likewise.

    Raises
    ------
    InputError
        Naming ``compute_target_pflops`` or ``risk_cap`` if neither argument nor input sets it.
    """
    d = model.data
    if compute_target is None and d.compute_target_pflops is None:
        raise InputError("compute_target_pflops", None,
                         "minimum cost needs a compute target (argument or input)")
    if risk_cap is None and d.risk_cap is None:
        raise InputError("risk_cap", None, "minimum cost needs a risk cap (argument or input)")
    if compute_target is not None:
        require_range("compute_target_pflops", compute_target, gt=0.0)
    if risk_cap is not None:
        require_range("risk_cap", risk_cap, gt=0.0)
    limits = Limits(compute_target_pflops=compute_target, risk_cap=risk_cap)
    sol = model.solve(label="min cost", weights=Weights(cost=1.0), spec=_cost_spec(model),
                      limits=limits)
    return _combine(checked(model, sol, limits), "min cost", [sol.record])


# ---- compute per risk: Dinkelbach ---------------------------------------------------------------
@dataclass(frozen=True)
class DinkelbachStep:
    """One Dinkelbach iteration: ``max C - lambda R`` and what it gave.

    Attributes
    ----------
    lam : float [PFLOP/s-yr / risk]
    value : float [PFLOP/s-yr]
        ``C - lambda R`` of the plan found (independently evaluated).
    bound : float or None [PFLOP/s-yr]
        Solver's upper bound on ``max C - lambda R``.
    ratio : float [PFLOP/s-yr / risk]
        ``C / R`` of the plan found.
    record : SolveRecord
    """

    lam: float
    value: float
    bound: float | None
    ratio: float
    record: SolveRecord


@dataclass(frozen=True)
class RatioResult:
    """Best compute per unit risk.

    Attributes
    ----------
    plan : Plan
    ratio : float [PFLOP/s-yr / risk]
        ``plan.ratio``: total compute over total (model) risk.
    ratio_upper_bound : float
        Certified upper bound on the best ratio of any feasible plan (``inf`` if none).
    converged : bool
        ``ratio_upper_bound <= ratio (1 + mip_rel_gap)``.
    steps : tuple of DinkelbachStep
    """

    plan: Plan
    ratio: float
    ratio_upper_bound: float
    converged: bool
    steps: tuple[DinkelbachStep, ...]

    @property
    def ratio_gap(self) -> float:
        """``ratio_upper_bound / ratio - 1``."""
        return self.ratio_upper_bound / self.ratio - 1.0 if self.ratio > 0 else math.inf

    @property
    def records(self) -> tuple[SolveRecord, ...]:
        """One record per iteration."""
        return tuple(s.record for s in self.steps)


def maximize_ratio(model: DeploymentMilp, *, max_iterations: int = 30) -> RatioResult:
    """Most compute per unit risk, ``max C(x) / R(x)``, by Dinkelbach's method on the MILP.

    Each iteration solves ``F(lambda) = max C - lambda R`` (a MILP: the same model with risk
    weight ``lambda``) and sets ``lambda`` to the ratio of the plan found. It starts from the
    upper bound ``lambda_0 = max_{s,c} compute / background risk`` (no plan beats its best
    single satellite), so the first step already returns a low-risk plan. For ``lambda`` below
    the optimum ``F > 0``; at the optimum ``F = 0``.

    Stopping with a certificate: for any plan ``x*`` with ratio ``rho*`` and compute
    ``C* >= C_min`` (the compute target, one year at the target), ``C* - lambda R* <= UB``
    gives ``rho* <= lambda / (1 - UB / C_min)``. Each subproblem is solved to the absolute gap
    ``mip_rel_gap C_min / 2``, so at the optimum ``lambda`` the bound meets ``mip_rel_gap``.

    Raises
    ------
    InputError
        Naming ``compute_target_pflops`` if the study has no compute target: without it the
        best ratio is a single satellite in the safest shell.
    """
    d = model.data
    target, _ = model.target()
    if target is None:
        raise InputError(
            "compute_target_pflops", None,
            "the compute-per-risk objective needs a minimum compute target (and target_year); "
            "without one the best ratio is a single satellite in the safest shell")
    if not isinstance(max_iterations, int) or max_iterations < 1:
        raise InputError("max_iterations", max_iterations, "must be a whole number >= 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        single = np.where(d.allowed & (d.risk_per_sat_year > 0),
                          d.compute_pflops / d.risk_per_sat_year, 0.0)
    c_min = float(target)
    tol = max(model.options.mip_rel_gap, 1e-9)
    abs_gap = 0.5 * tol * c_min
    # The first step, at the upper bound lambda_0, only has to find a good feasible ratio;
    # precision there buys nothing, so it stops at a looser gap (never looser than needed).
    first_gap = max(abs_gap, FIRST_STEP_GAP * c_min)
    zero_risk = d.allowed & (d.risk_per_sat_year <= 0) & (d.compute_pflops > 0)
    if zero_risk.any():
        s, c = map(int, np.argwhere(zero_risk)[0])
        raise InputError(
            f"coefficients[{d.shell_keys[s]!r}, {d.class_names[c]!r}].risk_per_sat_year", 0.0,
            "must be > 0 for the compute-per-risk objective (else the ratio is unbounded)")
    lam = float(single.max()) if single.size else 0.0
    rho_ub = lam  # no plan beats its best satellite, so the first lambda bounds every ratio
    from_plan = False  # lambda is the ratio of a feasible plan (not the initial bound)
    spec = _compute_spec(model, "compute - lambda * risk")
    steps: list[DinkelbachStep] = []
    best: Plan | None = None
    converged = False
    for it in range(max_iterations):
        w_risk = lam * d.risk_unit / d.compute_unit
        sol = model.solve(label=f"dinkelbach[{it}]", weights=Weights(compute=1.0, risk=w_risk),
                          spec=spec, abs_gap=abs_gap if from_plan else first_gap)
        if sol.plan is None:
            if best is None:
                checked(model, sol, Limits())
            steps.append(DinkelbachStep(lam, math.nan, sol.record.bound, math.nan, sol.record))
            break
        plan = sol.plan
        c_tot, r_tot = plan.total_compute_pflop_years, plan.total_risk_model
        ratio = plan.ratio
        bound = sol.record.bound
        steps.append(DinkelbachStep(lam, c_tot - lam * r_tot, bound, ratio, sol.record))
        if bound is not None and bound < c_min:
            rho_ub = min(rho_ub, lam / (1.0 - max(bound, 0.0) / c_min))
        improved = best is None or ratio > best.ratio
        if best is None or improved:
            best = plan
        if best.ratio > 0 and rho_ub <= best.ratio * (1.0 + tol):
            converged = True
            break
        if from_plan and not improved:
            break  # no better plan at this lambda: converged as far as the gaps allow
        if not sol.record.optimal and not improved:
            break
        lam, from_plan = best.ratio, True
    assert best is not None
    final = _combine(best, "max compute per risk", [s.record for s in steps])
    return RatioResult(final, final.ratio, max(rho_ub, final.ratio), converged, tuple(steps))


# ---- Pareto front ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ParetoPoint:
    """One epsilon-constraint point.

    Attributes
    ----------
    risk_cap : float [risk]
        The epsilon of the risk constraint.
    cost_cap_usd : float or None [USD]
        The cost epsilon (three-objective front only).
    plan : Plan
    reused : bool
        The plan of an earlier point already met this cap (AUGMECON2 bypass; no new solve).
    dominated : bool
        Another point of the front is at least as good in every objective and better in one
        (possible only with MIP gaps; such points are kept for the record but flagged).
    """

    risk_cap: float
    cost_cap_usd: float | None
    plan: Plan
    reused: bool = False
    dominated: bool = False

    def row(self) -> dict[str, float | None | bool]:
        """Table row: caps and the plan's compute, risk and cost."""
        return {
            "risk_cap": self.risk_cap,
            "cost_cap_usd": self.cost_cap_usd,
            "compute_pflop_years": self.plan.total_compute_pflop_years,
            "risk_model": self.plan.total_risk_model,
            "risk_exact": self.plan.total_risk_exact,
            "cost_usd": self.plan.total_cost_usd,
            "reused": self.reused,
            "dominated": self.dominated,
        }


@dataclass(frozen=True)
class ParetoFront:
    """An epsilon-constraint front of compute vs risk (and cost).

    Attributes
    ----------
    points : tuple of ParetoPoint
        In sweep order (cost caps descending, then risk caps descending).
    anchors : dict name -> Plan
        The lexicographic extremes that fix the grid (``max_compute``, ``min_risk`` and, with
        cost, ``min_cost``).
    method : str
    """

    points: tuple[ParetoPoint, ...]
    anchors: dict[str, Plan] = field(default_factory=dict)
    method: str = "augmecon"

    @property
    def efficient(self) -> tuple[ParetoPoint, ...]:
        """Distinct non-dominated points, by increasing risk."""
        seen: set[bytes] = set()
        out = []
        for p in sorted(self.points, key=lambda p: (p.plan.total_risk_model,
                                                     -p.plan.total_compute_pflop_years)):
            key = p.plan.launches.tobytes()
            if p.dominated or key in seen:
                continue
            seen.add(key)
            out.append(p)
        return tuple(out)

    def rows(self) -> list[dict[str, float | None | bool]]:
        """One table row per point."""
        return [p.row() for p in self.points]

    @property
    def records(self) -> tuple[SolveRecord, ...]:
        """Every solve of the sweep (anchors included), without repeats."""
        out: list[SolveRecord] = []
        ids: set[int] = set()
        plans = list(self.anchors.values()) + [p.plan for p in self.points]
        for plan in plans:
            for r in plan.records:
                if id(r) not in ids:
                    ids.add(id(r))
                    out.append(r)
        return tuple(out)


def _grid(hi: float, lo: float, n: int) -> list[float]:
    if n == 1 or hi <= lo:
        return [hi]
    return [hi - i * (hi - lo) / (n - 1) for i in range(n)]


def pareto(model: DeploymentMilp, points: int, with_cost: bool = False, *,
           cost_points: int | None = None, method: str = "augmecon") -> ParetoFront:
    """Front of compute (max) vs risk (min), optionally vs cost (min), by epsilon-constraint.

    The risk grid spans the two lexicographic anchors, ``max compute -> min risk`` and
    ``min risk -> max compute``; each point maximises compute under ``risk <= epsilon`` (and
    ``cost <= kappa`` on a grid of cost caps between the min-cost and max-compute anchors).
    ``method="augmecon"`` adds ``-delta * range_C * (R / range_R [+ K / range_K])`` to the
    objective (one solve per point, Mavrotas 2009); ``"lexicographic"`` solves max compute, then
    min risk (+ cost) at that compute (two solves per point, exact tie-breaking). Either way no
    returned point is weakly dominated when the MILPs are solved to optimality. Sweeping the
    risk caps downward, a plan whose risk is already below the next cap is re-used for it
    (AUGMECON2's bypass).
    """
    if not isinstance(points, int) or points < 2:
        raise InputError("points", points, "must be a whole number >= 2")
    if method not in ("augmecon", "lexicographic"):
        raise InputError("method", method, "must be 'augmecon' or 'lexicographic'")
    n_cost = points if cost_points is None else cost_points
    if with_cost and (not isinstance(n_cost, int) or n_cost < 2):
        raise InputError("cost_points", cost_points, "must be a whole number >= 2")
    d = model.data
    base = Limits()
    cost_w = 0.0
    hi = lexicographic(model, "compute", base, "anchor max compute")
    lo = lexicographic(model, "risk", base, "anchor min risk")
    anchors = {"max_compute": hi, "min_risk": lo}
    cost_caps: list[float | None] = [None]
    if with_cost:
        s = model.solve(label="anchor min cost", weights=Weights(cost=1.0),
                        spec=_cost_spec(model), limits=base)
        kmin = checked(model, s, base)
        anchors["min_cost"] = _combine(kmin, "anchor min cost", [s.record])
        k_hi, k_lo = hi.total_cost_usd, kmin.total_cost_usd
        cost_caps = list(_grid(k_hi, k_lo, n_cost))
        k_range = max(k_hi - k_lo, 1e-9 * d.cost_unit)
    r_hi, r_lo = hi.total_risk_model, lo.total_risk_model
    c_range = max(hi.total_compute_pflop_years - lo.total_compute_pflop_years,
                  1e-9 * d.compute_unit)
    r_range = max(r_hi - r_lo, 1e-12 * d.risk_unit)
    eps_grid = _grid(r_hi, r_lo, points)

    # AUGMECON weights in the model's scaled units.
    w_r = AUGMENTATION * (c_range / d.compute_unit) / (r_range / d.risk_unit)
    w_k = 0.0
    if with_cost:
        w_k = AUGMENTATION * (c_range / d.compute_unit) / (k_range / d.cost_unit)
        cost_w = (r_range / d.risk_unit) / (k_range / d.cost_unit)

    out: list[ParetoPoint] = []
    for kappa in cost_caps:
        last: Plan | None = None
        for i, eps in enumerate(eps_grid):
            tag = f"pareto r<={eps:.4g}" + ("" if kappa is None else f" k<={kappa:.4g}")
            if last is not None and last.total_risk_model <= eps and (
                kappa is None or last.total_cost_usd <= kappa
            ):
                out.append(ParetoPoint(eps, kappa, last, reused=True))
                continue
            # The grid's top and bottom are the anchors when there is no cost cap.
            if kappa is None and i == 0:
                plan = hi
            elif kappa is None and i == len(eps_grid) - 1 and lo.total_risk_model <= eps:
                plan = lo
            else:
                lim = Limits(risk_cap=_cap(eps, d.risk_unit), cost_cap_usd=kappa)
                try:
                    if method == "augmecon":
                        sol = model.solve(label=tag, spec=_compute_spec(model, "augmented "
                                                                         "compute"),
                                          weights=Weights(compute=1.0, risk=w_r, cost=w_k),
                                          limits=lim)
                        plan = _combine(checked(model, sol, lim, False), tag, [sol.record])
                    else:
                        plan = lexicographic(model, "compute", lim, tag,
                                             second_cost_weight=cost_w,
                                             diagnose_infeasible=False)
                except _Infeasible:
                    continue  # this cost cap cannot meet the target at this risk cap
            out.append(ParetoPoint(eps, kappa, plan))
            last = plan
    return ParetoFront(tuple(_flag_dominated(out, with_cost)), anchors, method)


def _cap(eps: float, unit: float) -> float:
    """Set the risk cap a hair above epsilon so anchor plans stay feasible at their own risk."""
    return eps * (1.0 + 1e-9) + 1e-12 * unit


def _flag_dominated(points: list[ParetoPoint], with_cost: bool) -> list[ParetoPoint]:
    cols = 3 if with_cost else 2
    vals = np.array([[p.plan.total_compute_pflop_years, -p.plan.total_risk_model,
                      -p.plan.total_cost_usd][:cols] for p in points]) if points else np.zeros(
        (0, cols))
    out = []
    for i, p in enumerate(points):
        v = vals[i]
        tol = 1e-9 * np.maximum(np.abs(v), 1e-30)
        ge = np.all(vals >= v - tol, axis=1)
        gt = np.any(vals > v + tol, axis=1)
        dom = bool(np.any(ge & gt))
        out.append(replace(p, dominated=dom) if dom else p)
    return out
