"""The deployment MILP against exhaustive enumeration on tiny instances.

Each instance has 3 shells x 2 classes x 3 years with capacities of 1-3 satellites and 1-2
flights a year, so every integer launch schedule can be listed (tests/deploy_cases.py, which
shares no code with orbitdc.deploy). Capacities stay within the chord segment count, so the
model's k N^2 is exact at every integer N and the optima must agree exactly.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deploy_cases import Enumeration, count_plans, enumerate_plans, tiny_inputs
from orbitdc.deploy import DeploymentInfeasible, DeploymentModel, SolverOptions

EXACT = SolverOptions(mip_rel_gap=1e-9, threads=1, seed=1)
SEEDS = st.integers(0, 2**32 - 1)
FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _case(seed: int, **kw: bool):
    inp = tiny_inputs(np.random.default_rng(seed), **kw)
    assume(count_plans(inp) <= 60_000)
    return inp, enumerate_plans(inp)


def _model(inp) -> DeploymentModel:
    m = DeploymentModel(inp, EXACT)
    assert m.pwl_max_rel_overstatement == 0.0  # every integer up to capacity is a breakpoint
    return m


def _assert_feasible_plan(enum: Enumeration, plan) -> int:
    i = enum.index_of(plan.launches)
    assert i >= 0 and enum.feasible[i], "solver plan breaks a constraint"
    # The plan's own evaluation agrees with the enumerator's.
    assert plan.total_compute_pflop_years == pytest.approx(enum.compute[i], rel=1e-12)
    assert plan.total_risk_exact == pytest.approx(enum.risk[i], rel=1e-12)
    assert plan.total_risk_model == pytest.approx(enum.risk[i], rel=1e-12)
    assert plan.total_cost_usd == pytest.approx(enum.cost[i], rel=1e-12)
    return i


@FEW
@given(SEEDS)
def test_max_compute_matches_enumeration(seed):
    inp, enum = _case(seed, target=False)
    best = enum.best(enum.compute)
    plan = _model(inp).maximize_compute()
    _assert_feasible_plan(enum, plan)
    assert plan.total_compute_pflop_years == pytest.approx(enum.compute[best], rel=1e-9)
    # Lexicographic: the least risk among the maximum-compute plans.
    at_max = enum.feasible & np.isclose(enum.compute, enum.compute[best], rtol=1e-9)
    assert plan.total_risk_model == pytest.approx(enum.risk[at_max].min(), rel=1e-7, abs=1e-12)


@FEW
@given(SEEDS)
def test_dinkelbach_ratio_is_the_best_enumerated_ratio(seed):
    inp, enum = _case(seed)
    model = _model(inp)
    ok = enum.feasible & (enum.risk > 0)
    if not enum.feasible.any():
        with pytest.raises(DeploymentInfeasible):
            model.maximize_ratio()
        return
    ratios = np.where(ok, enum.compute / np.where(ok, enum.risk, 1.0), -np.inf)
    best = float(ratios.max())
    res = model.maximize_ratio()
    _assert_feasible_plan(enum, res.plan)
    assert res.ratio == pytest.approx(best, rel=1e-7)
    assert res.converged
    assert res.ratio_upper_bound >= best * (1 - 1e-9)
    assert res.ratio_upper_bound <= best * (1 + 2e-9) + 1e-6
    # Dinkelbach's lambdas increase once they come from plans, and the last F(lambda) is ~0.
    lams = [s.lam for s in res.steps[1:]]
    assert all(b >= a for a, b in zip(lams, lams[1:], strict=False))
    assert abs(res.steps[-1].value) <= 1e-6 * res.plan.total_compute_pflop_years


@FEW
@given(SEEDS)
def test_lexicographic_epsilon_points_match_enumeration(seed):
    inp, enum = _case(seed)
    assume(enum.feasible.any())
    front = _model(inp).pareto(5, method="lexicographic")
    comp = []
    for p in front.points:
        _assert_feasible_plan(enum, p.plan)
        # Brute force epsilon-constraint point: max C with R <= eps, then min R.
        m = enum.feasible & (enum.risk <= p.risk_cap * (1 + 1e-9))
        c_best = enum.compute[m].max()
        r_best = enum.risk[m & np.isclose(enum.compute, c_best, rtol=1e-9)].min()
        assert p.plan.total_compute_pflop_years == pytest.approx(c_best, rel=1e-9)
        assert p.plan.total_risk_model == pytest.approx(r_best, rel=1e-6, abs=1e-12)
        comp.append(p.plan.total_compute_pflop_years)
    # Monotone: lower risk caps never give more compute.
    caps = [p.risk_cap for p in front.points]
    assert caps == sorted(caps, reverse=True)
    assert all(b <= a * (1 + 1e-12) for a, b in zip(comp, comp[1:], strict=False))


@FEW
@given(SEEDS)
def test_augmecon_points_are_pareto_optimal(seed):
    inp, enum = _case(seed)
    assume(enum.feasible.any())
    front = _model(inp).pareto(6)
    efficient = enum.pareto_set()
    for p in front.points:
        _assert_feasible_plan(enum, p.plan)
        c, r = p.plan.total_compute_pflop_years, p.plan.total_risk_exact
        on_front = np.any(np.isclose(efficient[:, 0], c, rtol=1e-9)
                          & np.isclose(efficient[:, 1], r, rtol=1e-7, atol=1e-15))
        assert on_front, "a returned point is dominated by an enumerated plan"
        assert not p.dominated
        # And it is the epsilon-constraint optimum in compute.
        m = enum.feasible & (enum.risk <= p.risk_cap * (1 + 1e-9))
        assert c == pytest.approx(enum.compute[m].max(), rel=1e-9)
    comp = [p.plan.total_compute_pflop_years for p in front.points]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(comp, comp[1:], strict=False))
    # The front's ends are the enumerated extremes.
    assert front.anchors["max_compute"].total_compute_pflop_years == pytest.approx(
        enum.compute[enum.feasible].max(), rel=1e-9)
    assert front.anchors["min_risk"].total_risk_model == pytest.approx(
        enum.risk[enum.feasible].min(), rel=1e-7, abs=1e-15)


@FEW
@given(SEEDS)
def test_three_objective_points_are_efficient(seed):
    inp, enum = _case(seed)
    assume(enum.feasible.any())
    front = _model(inp).pareto(3, with_cost=True, cost_points=3)
    f = enum.feasible
    vals = np.stack([enum.compute[f], -enum.risk[f], -enum.cost[f]], axis=1)
    for p in front.points:
        _assert_feasible_plan(enum, p.plan)
        assert p.plan.total_cost_usd <= p.cost_cap_usd * (1 + 1e-9) + 1e-3
        v = np.array([p.plan.total_compute_pflop_years, -p.plan.total_risk_exact,
                      -p.plan.total_cost_usd])
        tol = 1e-7 * np.abs(v) + 1e-12
        dominated = np.any(np.all(vals >= v - tol, axis=1) & np.any(vals > v + tol, axis=1))
        assert not dominated


@FEW
@given(SEEDS, st.floats(0.2, 1.0))
def test_min_cost_matches_enumeration(seed, frac):
    inp, enum = _case(seed)
    assume(enum.feasible.any())
    # A risk cap between the least and the most risk of the feasible plans.
    lo, hi = enum.risk[enum.feasible].min(), enum.risk[enum.feasible].max()
    cap = lo + frac * (hi - lo) + 1e-12
    model = _model(inp)
    plan = model.min_cost(risk_cap=cap)
    m = enum.feasible & (enum.risk <= cap)
    _assert_feasible_plan(enum, plan)
    assert plan.total_risk_model <= cap * (1 + 1e-9)
    assert plan.total_cost_usd == pytest.approx(enum.cost[m].min(), rel=1e-9)


def test_infeasible_everywhere_agrees_with_enumeration():
    # Seeds until one whose target no plan meets; the MILP must say infeasible too.
    for seed in range(200):
        inp = tiny_inputs(np.random.default_rng(seed))
        inp = replace(inp, compute_target_pflops=inp.compute_target_pflops * 3)
        if count_plans(inp) > 60_000:
            continue
        enum = enumerate_plans(inp)
        if enum.feasible.any():
            continue
        with pytest.raises(DeploymentInfeasible) as err:
            DeploymentModel(inp, EXACT).maximize_ratio()
        assert "compute target" in str(err.value) or err.value.diagnosis.shortfalls
        return
    pytest.skip("no infeasible seed found")  # pragma: no cover


def test_compute_target_shortfall_equals_enumerated_best():
    # With only the target relaxable, the shortfall is target - best reachable compute.
    for seed in range(200):
        inp = tiny_inputs(np.random.default_rng(seed))
        inp = replace(inp, compute_target_pflops=inp.compute_target_pflops * 3)
        if count_plans(inp) > 60_000:
            continue
        free = enumerate_plans(replace(inp, compute_target_pflops=None, target_year=None))
        t = list(inp.years).index(inp.target_year)
        reach = free.compute_year[free.feasible, t].max()
        if reach >= inp.compute_target_pflops:
            continue
        model = DeploymentModel(inp, EXACT)
        diag = model.diagnose_infeasibility(weights={"compute_target": 1.0, **{
            f: 0.0 for f in ("budget_per_year", "budget_total", "cadence", "capacity",
                             "risk_cap", "spacing", "disposal")}})
        assert diag.families == ("compute_target",)
        assert diag.shortfalls[0].amount == pytest.approx(
            inp.compute_target_pflops - reach, rel=1e-9)
        assert f"{math.floor(inp.compute_target_pflops - reach):,}"[:2] in diag.message
        return
    pytest.skip("no suitable seed")  # pragma: no cover


@FEW
@given(SEEDS)
def test_class_capacities_match_enumeration(seed):
    """Slots per class: the shell is full when sum_c N_sc / Cap_sc = 1 (orbitdc.slots)."""
    inp, enum = _case(seed, target=False, class_capacities=True)
    best = enum.best(enum.compute)
    plan = _model(inp).maximize_compute()
    _assert_feasible_plan(enum, plan)
    assert plan.total_compute_pflop_years == pytest.approx(enum.compute[best], rel=1e-9)
    assert plan.occupancy.max() <= 1.0 + 1e-9
