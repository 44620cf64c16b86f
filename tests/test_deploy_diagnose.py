"""Infeasible studies are explained: the blocking constraint family and how much is missing.

Each case is built by hand so the missing amount follows from arithmetic. The elastic solve
relaxes every family by default; to make a case's answer unique, the families that could
absorb the conflict more cheaply get weight 0 (not relaxable), as a user would to ask "what
must give if the target is fixed?".
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from orbitdc.deploy import FAMILIES, DeploymentInfeasible, DeploymentModel, SolverOptions
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)

EXACT = SolverOptions(mip_rel_gap=1e-9, threads=1)
PFLOPS = 50.0  # per satellite
SAT_COST = 10e6
LAUNCH = 20e6
RISK = 1e-4  # per satellite-year
K = 1e-5  # per satellite pair-year


def case(**kw) -> DeploymentInputs:
    """Two shells 100 km apart, one class (2 per flight, 2-year life), two years."""
    shells = kw.pop("shells", [
        ShellOption("low", 500.0, "53", 10, K, 5000.0),
        ShellOption("high", 600.0, "53", 10, K, 5000.0),
    ])
    cls = SizeClassOption("c", 100.0, 2, 2)
    coeff = {(s.key, "c"): SatelliteCoefficients(1000.0, SAT_COST, PFLOPS, RISK) for s in shells}
    base = dict(shells=shells, classes=[cls], years=[2030, 2031], coefficients=coeff,
                flights_per_year=[3.0, 3.0], launch_cost_usd_per_flight=LAUNCH,
                compute_target_pflops=4 * PFLOPS, target_year=2031)
    base.update(kw)
    return DeploymentInputs(**base)


def only(*families: str) -> dict[str, float]:
    return {f: (1.0 if f in families else 0.0) for f in FAMILIES}


def test_feasible_study_is_reported_feasible():
    d = DeploymentModel(case(), EXACT).diagnose_infeasibility()
    assert d.feasible and d.shortfalls == () and d.message.startswith("feasible")


def test_compute_target_short_under_a_yearly_budget():
    # 60 M USD a year buys one flight of 2 satellites (20 + 2 x 10) and nothing more:
    # 4 satellites in service in 2031 at most, 200 PFLOPS; the target asks 500.
    inp = case(budget_usd_per_year=[60e6, 60e6], compute_target_pflops=10 * PFLOPS)
    model = DeploymentModel(inp, EXACT)
    with pytest.raises(DeploymentInfeasible) as err:
        model.maximize_ratio()
    d = err.value.diagnosis
    assert d.families == ("compute_target",)
    assert d.shortfalls[0].amount == pytest.approx(6 * PFLOPS)
    msg = str(err.value)
    assert "compute target: 300 PFLOPS short in 2031 (target 500, reachable 200)" in msg
    assert "budget per year binds in 2030-2031" in msg


def test_yearly_budget_over_when_the_target_is_fixed():
    # Target 6 satellites in 2031 with one flight of 2 (40 M USD) a year affordable: the
    # least relative overrun, 20 M of the 60 M a year, is tied between one extra flight of 2
    # in either year (80 M, 20 M over once) and a flight of 1 in each year (70 M, 10 M over
    # twice); either is an exact optimum of the elastic objective.
    inp = case(budget_usd_per_year=[60e6, 60e6], compute_target_pflops=6 * PFLOPS)
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(
        weights=only("budget_per_year"))
    assert d.families == ("budget_per_year",)
    over = d.shortfalls[0]
    assert over.amount * len(over.where) == pytest.approx(20e6)
    assert (over.amount, len(over.where)) in [(pytest.approx(20e6), 1), (pytest.approx(10e6), 2)]
    assert f"budget per year: up to {over.amount / 1e6:.0f} M USD over in 203" in d.message


def test_total_budget_over():
    inp = case(budget_usd_total=100e6, compute_target_pflops=6 * PFLOPS)
    # 6 satellites need 3 flights: 3 x 20 + 6 x 10 = 120 M USD, 20 M over.
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(weights=only("budget_total"))
    assert d.families == ("budget_total",)
    assert d.shortfalls[0].amount == pytest.approx(20e6)
    assert "total budget: 20 M USD over (cap 100 M USD)" in d.message


def test_launch_cadence_over():
    # One flight a year carries 2 satellites; 6 in service in 2031 need 3 flights in the two
    # years beyond the 2 available: 1 flight over.
    inp = case(flights_per_year=[1.0, 1.0], compute_target_pflops=6 * PFLOPS)
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(weights=only("cadence"))
    assert d.families == ("cadence",)
    assert d.shortfalls[0].amount == pytest.approx(1.0)
    assert "launch cadence: up to 1 flights over in" in d.message


def test_shell_capacity_over():
    shells = [ShellOption("only", 500.0, "53", 3, K, 5000.0)]
    inp = case(shells=shells, compute_target_pflops=5 * PFLOPS)
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(weights=only("capacity"))
    assert d.families == ("capacity",)
    assert d.shortfalls[0].amount == pytest.approx(2.0)
    assert "shell capacity: up to 2 satellites over in only" in d.message


def test_shell_spacing_blocks_two_close_shells():
    # Two shells 10 km apart (spacing 20 km), 3 satellites each; the target needs 5.
    shells = [ShellOption("a", 500.0, "53", 3, K, 5000.0),
              ShellOption("b", 510.0, "97", 3, K, 5000.0)]
    inp = case(shells=shells, min_shell_spacing_km=20.0, compute_target_pflops=5 * PFLOPS)
    model = DeploymentModel(inp, EXACT)
    d = model.diagnose_infeasibility(weights=only("spacing"))
    assert d.families == ("spacing",)
    assert "shell spacing: 1 pair(s) of used shells closer than 20 km (a & b)" in d.message
    # Without the spacing rule the same study is feasible.
    model.update(replace(inp, min_shell_spacing_km=5.0))
    assert model.diagnose_infeasibility().feasible


def test_disposal_rule_blocks_the_only_shell():
    shells = [ShellOption("high", 1200.0, "53", 10, K, 5000.0, disposal_compliant=False)]
    inp = case(shells=shells, allow_noncompliant_disposal=False)
    with pytest.raises(DeploymentInfeasible) as err:
        DeploymentModel(inp, EXACT).min_cost(risk_cap=1.0)
    # By default either gives way at equal weight (a whole target missed = one shell's rule).
    assert err.value.diagnosis.families in (("compute_target",), ("disposal",))
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(weights=only("disposal"))
    assert d.families == ("disposal",)
    assert "disposal rule: needs non-compliant shell(s) high" in d.message


def test_risk_cap_exceeded_by_the_least_risky_plan_that_meets_the_target():
    # 4 satellites in one shell in 2031 (the least risk: none in 2030) cost
    # 4 x RISK + K x 16 of risk; two shells of 2 cost 4 x RISK + 2 x K x 4.
    cap = 1e-4
    inp = case(risk_cap=cap)
    least = 4 * RISK + 2 * K * 4
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(weights=only("risk_cap"))
    assert d.families == ("risk_cap",)
    assert d.shortfalls[0].amount == pytest.approx(least - cap, rel=1e-9)
    assert "risk cap: exceeded by" in d.message


def test_several_families_are_named_together():
    # A budget that buys nothing and a shell too small: relaxing only budget and capacity.
    shells = [ShellOption("only", 500.0, "53", 1, K, 5000.0)]
    inp = case(shells=shells, budget_usd_per_year=[1e6, 1e6], compute_target_pflops=2 * PFLOPS)
    d = DeploymentModel(inp, EXACT).diagnose_infeasibility(
        weights=only("budget_per_year", "capacity"))
    assert set(d.families) == {"budget_per_year", "capacity"}
    assert "budget per year" in d.message and "shell capacity" in d.message


def test_per_family_check_says_which_relaxation_alone_suffices():
    inp = case(budget_usd_per_year=[60e6, 60e6], compute_target_pflops=6 * PFLOPS)
    model = DeploymentModel(inp, EXACT)
    from orbitdc.deploy.diagnose import diagnose

    d = diagnose(model, per_family=True)
    assert d.alone["compute_target"] and d.alone["budget_per_year"]
    assert not d.alone["cadence"] and not d.alone["capacity"] and not d.alone["spacing"]
    assert "relaxing one family alone suffices for: compute target, budget per year" in d.message


def test_the_model_method_passes_every_argument_to_the_diagnosis():
    from orbitdc.deploy.diagnose import diagnose

    inp = case(budget_usd_per_year=[60e6, 60e6], compute_target_pflops=6 * PFLOPS)
    model = DeploymentModel(inp, EXACT)
    via_method = model.diagnose_infeasibility(weights=only("compute_target", "budget_per_year"),
                                              per_family=True)
    direct = diagnose(model, None, only("compute_target", "budget_per_year"), per_family=True)
    assert via_method.alone == direct.alone == {"compute_target": True, "budget_per_year": True}
    assert via_method.message == direct.message
