"""Persistent re-solves, solve records, options, plan output and input errors."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest

from deploy_cases import count_plans, enumerate_plans, tiny_inputs
from orbitdc.deploy import (
    DeploymentInfeasible,
    DeploymentModel,
    DeploymentSolveError,
    SolverOptions,
)
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)
from orbitdc.errors import InputError

EXACT = SolverOptions(mip_rel_gap=1e-9, threads=1, seed=3)


def _perturbed(inp: DeploymentInputs, rng: np.random.Generator) -> DeploymentInputs:
    """Same structure, every number changed."""
    shells = [replace(sh, capacity_sats=int(rng.integers(1, 4)),
                      intra_risk_per_sat_pair_year=float(rng.uniform(0, 2e-4)),
                      payload_kg_per_flight=float(rng.choice([1000.0, 2000.0])),
                      altitude_km=sh.altitude_km + float(rng.uniform(-15, 15)))
              for sh in inp.shells]
    coeff = {k: replace(v, cost_usd=v.cost_usd * float(rng.uniform(0.5, 1.5)),
                        compute_pflops=v.compute_pflops * float(rng.uniform(0.5, 1.5)),
                        risk_per_sat_year=v.risk_per_sat_year * float(rng.uniform(0.5, 2)))
             for k, v in inp.coefficients.items()}
    return replace(inp, shells=shells, coefficients=coeff,
                   flights_per_year=[float(rng.integers(1, 3)) for _ in inp.years],
                   budget_usd_per_year=None if rng.random() < 0.5 else [
                       float(rng.uniform(60e6, 150e6)) for _ in inp.years],
                   compute_target_pflops=float(rng.uniform(20, 120)),
                   target_year=int(rng.choice(list(inp.years))),
                   allow_noncompliant_disposal=not inp.allow_noncompliant_disposal)


def _summary(model: DeploymentModel) -> tuple:
    out = []
    for method in ("maximize_compute", "maximize_ratio"):
        try:
            res = getattr(model, method)()
        except Exception as exc:  # both must fail the same way
            out.append(type(exc).__name__)
            continue
        plan = getattr(res, "plan", res)
        out.append(round(plan.total_compute_pflop_years, 6))
        out.append(round(plan.total_risk_model, 12))
    return tuple(out)


def test_update_resolves_like_a_fresh_build():
    rng = np.random.default_rng(11)
    base = tiny_inputs(np.random.default_rng(5))
    model = DeploymentModel(base, EXACT)
    first = _summary(model)
    assert first == _summary(DeploymentModel(base, EXACT))
    compared = 0
    for _ in range(6):
        new = _perturbed(base, rng)
        rebuilt = model.update(new)
        assert not rebuilt and model.builds == 1  # same structure: same model and HiGHS
        assert _summary(model) == _summary(DeploymentModel(new, EXACT))
        compared += 1
    # Going back gives the first answers again.
    model.update(base)
    assert _summary(model) == first and compared == 6


def test_update_with_new_structure_rebuilds():
    base = tiny_inputs(np.random.default_rng(5))
    model = DeploymentModel(base, EXACT)
    longer = replace(base, classes=[replace(c, design_life_years=c.design_life_years + 1)
                                    for c in base.classes])
    assert model.update(longer) is True and model.builds == 2
    assert _summary(model) == _summary(DeploymentModel(longer, EXACT))


def test_solve_record_fields():
    inp = tiny_inputs(np.random.default_rng(2))
    model = DeploymentModel(inp, EXACT)
    plan = model.maximize_compute()
    first, second = plan.records
    assert first.termination == "convergenceCriteriaSatisfied"
    assert first.solution_status == "optimal" and first.has_solution and first.optimal
    assert first.incumbent == pytest.approx(plan.total_compute_pflop_years, rel=1e-9)
    assert first.bound >= first.incumbent * (1 - 1e-9)
    assert 0 <= first.gap <= 1e-6
    assert first.build_s > 0 and first.transfer_s > 0 and first.solve_s >= 0
    assert first.wall_s >= first.solve_s * 0.5
    assert second.build_s == 0.0  # the build is charged once
    assert first.solver.startswith("highs ") and first.solver.count(".") == 2
    assert first.options["mip_rel_gap"] == 1e-9 and first.options["seed"] == 3
    assert second.objective == "minimize risk" and second.objective_units == "risk"
    assert second.incumbent == pytest.approx(plan.total_risk_model, rel=1e-7)
    json.dumps(first.as_dict())


def _medium() -> DeploymentInputs:
    shells = [ShellOption(f"s{i}", 500.0 + 30 * i, "53", 400, 1e-8, 15000.0) for i in range(12)]
    classes = [SizeClassOption(n, p, m, 5) for n, p, m in
               (("a", 100.0, 12), ("b", 300.0, 4), ("c", 1000.0, 1))]
    coeff = {(s.key, c.name): SatelliteCoefficients(
        mass_kg=25 * c.power_kw ** 0.9, cost_usd=2.5e5 * c.power_kw ** 0.85,
        compute_pflops=0.5 * c.power_kw * (1 + 0.01 * i), risk_per_sat_year=1e-5 * (1 + i / 7))
        for i, s in enumerate(shells) for c in classes}
    return DeploymentInputs(shells=shells, classes=classes, years=list(range(2030, 2038)),
                            coefficients=coeff, flights_per_year=[10.0 + 3 * t for t in range(8)],
                            launch_cost_usd_per_flight=7e7,
                            budget_usd_per_year=[2e9 + 3e8 * t for t in range(8)],
                            min_shell_spacing_km=40.0)


def test_stopped_with_incumbent_is_a_result_not_an_exception():
    # Stop at the first improving solution: HiGHS returns a limit status with an incumbent.
    opts = SolverOptions(mip_rel_gap=1e-9, threads=1, highs_options={"mip_max_improving_sols": 1})
    plan = DeploymentModel(_medium(), opts).maximize_compute()
    rec = plan.records[0]
    assert rec.has_solution
    assert rec.termination in ("iterationLimit", "convergenceCriteriaSatisfied")
    assert plan.total_compute_pflop_years > 0


def test_time_limit_without_incumbent_raises_a_clear_error():
    opts = SolverOptions(time_limit_s=1e-6, threads=1)
    inp = replace(_medium(), compute_target_pflops=1e5, target_year=2035)
    with pytest.raises(DeploymentSolveError, match="maxTimeLimit.*time_limit_s"):
        DeploymentModel(inp, opts).maximize_ratio()


def test_thread_counts_can_change_between_solves():
    inp = tiny_inputs(np.random.default_rng(4))
    a = DeploymentModel(inp, replace(EXACT, threads=1)).maximize_compute()
    b = DeploymentModel(inp, replace(EXACT, threads=2)).maximize_compute()
    assert a.total_compute_pflop_years == pytest.approx(b.total_compute_pflop_years, rel=1e-9)
    assert b.records[0].options["threads"] == 2


def test_plan_tables_and_files(tmp_path):
    inp = tiny_inputs(np.random.default_rng(8))
    plan = DeploymentModel(inp, EXACT).maximize_compute()
    rows = plan.schedule_rows()
    assert sum(r["launched_sats"] for r in rows) == int(plan.launches.sum())
    years = plan.year_rows()
    assert [r["year"] for r in years] == list(inp.years)
    assert sum(r["compute_pflops"] for r in years) == pytest.approx(
        plan.total_compute_pflop_years)
    paths = plan.to_csv(tmp_path)
    with paths[1].open() as fh:
        got = list(csv.DictReader(fh))
    assert [float(r["cost_usd"]) for r in got] == pytest.approx(list(plan.cost_usd))
    data = json.loads(plan.to_json(tmp_path / "plan.json").read_text())
    assert data["totals"]["compute_pflop_years"] == pytest.approx(
        plan.total_compute_pflop_years)
    assert data["records"][0]["termination"] == "convergenceCriteriaSatisfied"


def test_flights_are_the_fewest_that_carry_the_launches():
    inp = tiny_inputs(np.random.default_rng(9))
    enum = enumerate_plans(inp) if count_plans(inp) < 60_000 else None
    plan = DeploymentModel(inp, EXACT).maximize_compute()
    for s, sh in enumerate(inp.shells):
        for t in range(len(inp.years)):
            x = plan.launches[s, :, t]
            mass = sum(inp.coefficients[(sh.key, c.name)].mass_kg * x[j]
                       for j, c in enumerate(inp.classes) if x[j])
            slots = sum(x[j] / c.max_per_flight for j, c in enumerate(inp.classes))
            need = max(np.ceil(mass / sh.payload_kg_per_flight - 1e-9), np.ceil(slots - 1e-9))
            assert plan.flights[s, t] == need
    if enum is not None:
        assert enum.feasible[enum.index_of(plan.launches)]


@pytest.mark.parametrize(("field", "change"), [
    ("shells[0].capacity_sats", lambda i: replace(i, shells=[
        replace(i.shells[0], capacity_sats=-1), *i.shells[1:]])),
    ("shells[1].capacity_sats", lambda i: replace(i, shells=[
        i.shells[0], replace(i.shells[1], capacity_sats=2.5), *i.shells[2:]])),
    ("classes[0].max_per_flight", lambda i: replace(i, classes=[
        replace(i.classes[0], max_per_flight=0), *i.classes[1:]])),
    ("flights_per_year[1]", lambda i: replace(i, flights_per_year=[1.0, -2.0, 1.0])),
    ("launch_cost_usd_per_flight", lambda i: replace(i, launch_cost_usd_per_flight=float("nan"))),
    ("target_year", lambda i: replace(i, target_year=None)),
    ("risk_cap", lambda i: replace(i, risk_cap=0.0)),
])
def test_bad_inputs_name_the_field(field, change):
    inp = tiny_inputs(np.random.default_rng(1))
    with pytest.raises(InputError) as err:
        DeploymentModel(change(inp), EXACT)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field} = ")


def test_coefficient_errors_name_the_pair():
    inp = tiny_inputs(np.random.default_rng(1))
    key = next(iter(inp.coefficients))
    bad = dict(inp.coefficients)
    bad[key] = replace(bad[key], mass_kg=0.0)
    with pytest.raises(InputError, match=r"coefficients\['s\d', 'c\d'\]\.mass_kg = 0\.0"):
        DeploymentModel(replace(inp, coefficients=bad), EXACT)


def test_ratio_without_target_names_compute_target():
    inp = tiny_inputs(np.random.default_rng(1), target=False)
    with pytest.raises(InputError) as err:
        DeploymentModel(inp, EXACT).maximize_ratio()
    assert err.value.field == "compute_target_pflops"
    assert "single satellite" in str(err.value)


def test_min_cost_needs_target_and_risk_cap():
    model = DeploymentModel(tiny_inputs(np.random.default_rng(1), target=False), EXACT)
    with pytest.raises(InputError) as err:
        model.min_cost(risk_cap=1.0)
    assert err.value.field == "compute_target_pflops"
    with pytest.raises(InputError) as err:
        model.min_cost(compute_target=10.0)
    assert err.value.field == "risk_cap"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"time_limit_s": 0.0}, "time_limit_s"),
    ({"mip_rel_gap": 1.5}, "mip_rel_gap"),
    ({"threads": 0}, "threads"),
    ({"seed": -1}, "seed"),
    ({"mip_abs_gap": -1.0}, "mip_abs_gap"),
])
def test_solver_options_are_checked(kwargs, field):
    with pytest.raises(InputError) as err:
        SolverOptions(**kwargs)
    assert err.value.field == field


def test_pareto_arguments_are_checked():
    model = DeploymentModel(tiny_inputs(np.random.default_rng(1)), EXACT)
    with pytest.raises(InputError, match="points"):
        model.pareto(1)
    with pytest.raises(InputError, match="method"):
        model.pareto(3, method="weighted-sum")


def test_a_method_leaves_no_solver_options_behind():
    # Dinkelbach sets an absolute gap and the options carry a pass-through setting; the next
    # solve on the same HiGHS instance must run with its own (default) settings again.
    from test_deploy_diagnose import PFLOPS, case

    inp = case(budget_usd_per_year=[60e6, 60e6], compute_target_pflops=10 * PFLOPS)
    fresh = DeploymentModel(inp, EXACT).diagnose_infeasibility()
    model = DeploymentModel(inp, replace(EXACT, highs_options={"mip_rel_gap": 0.5}))
    model.diagnose_infeasibility()
    model.options = EXACT
    with pytest.raises(DeploymentInfeasible) as err:
        model.maximize_ratio()
    assert err.value.diagnosis.message == fresh.message
    again = model.diagnose_infeasibility()
    assert again.record.gap == pytest.approx(0.0, abs=1e-9)
    assert again.record.incumbent == pytest.approx(fresh.record.incumbent, rel=1e-9)
    assert again.message == fresh.message


def test_update_with_many_zero_coefficients_does_not_hang():
    # Each zero mutable coefficient makes HiGHS print a warning on update; hundreds of them
    # once deadlocked a reader thread (Pyomo's capture_output). 40 shells far apart leave
    # ~1,500 zeros in the spacing cliques alone. A hang aborts the run after 60 s.
    import faulthandler

    shells = [ShellOption(f"s{i}", 500.0 + 50 * i, "53", 5, 1e-6, 5000.0) for i in range(40)]
    cls = SizeClassOption("c", 100.0, 2, 2)
    coeff = {(s.key, "c"): SatelliteCoefficients(1000.0, 1e7, 50.0, 1e-4) for s in shells[::2]}
    inp = DeploymentInputs(shells=shells, classes=[cls], years=[2030, 2031],
                           coefficients=coeff, flights_per_year=[2.0, 2.0],
                           launch_cost_usd_per_flight=2e7, min_shell_spacing_km=20.0)
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        model = DeploymentModel(inp, EXACT)
        first = model.maximize_compute()
        for _ in range(2):
            assert model.update(inp) is False
        again = model.maximize_compute()
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert again.total_compute_pflop_years == first.total_compute_pflop_years


def test_a_sustainability_limit_changes_the_plan_and_is_diagnosed():
    """Fragments per launch in one bin: a cap below the free plan's moves or cuts launches;
    a cap no plan meets is named by the diagnosis."""
    from orbitdc.deploy import (
        FAMILIES,
        DeploymentInfeasible,
        DeploymentModel,
        SolverOptions,
        SustainabilityLimit,
    )

    inp = tiny_inputs(np.random.default_rng(5), target=False)
    opts = SolverOptions(mip_rel_gap=1e-9, threads=1, seed=3)
    free = DeploymentModel(inp, opts).maximize_compute()
    first = inp.shells[0].key
    per = {pair: [[1.0 if pair[0] == first else 0.0] * len(inp.years)]
           for pair in inp.coefficients}
    launched_first = int(free.launches[0].sum())
    assert launched_first > 1
    cap = launched_first // 2
    limited = DeploymentModel(replace(inp, sustainability=SustainabilityLimit(
        ["b"], per, [float(cap)])), opts).maximize_compute()
    assert int(limited.launches[0].sum()) <= cap
    assert limited.total_compute_pflop_years <= free.total_compute_pflop_years + 1e-6
    strict = replace(inp, compute_target_pflops=float(free.compute_pflops.max()),
                     target_year=inp.years[int(np.argmax(free.compute_pflops))],
                     sustainability=SustainabilityLimit(
                         ["b"], {p: [[1.0] * len(inp.years)] for p in inp.coefficients},
                         [0.5]))
    model = DeploymentModel(strict, opts)
    with pytest.raises(DeploymentInfeasible):
        model.maximize_ratio()
    why = model.diagnose_infeasibility(weights={f: (1.0 if f == "sustainability" else 0.0)
                                                for f in FAMILIES})
    assert "sustainability limit" in why.message
    # Less than one fragment over is said as such, not as "up to 0 fragments over".
    over = next(f for f in why.shortfalls if f.family == "sustainability")
    assert f"up to {over.amount:.2g} fragments over" in why.message or over.amount >= 10
    assert "up to 0 fragments" not in why.message


def _retiring_case() -> DeploymentInputs:
    """One shell, satellites living 2 years, a target in the second of six years."""
    shell = ShellOption(key="s0", altitude_km=550.0, inclination="53", capacity_sats=100,
                        intra_risk_per_sat_pair_year=0.0, payload_kg_per_flight=10_000.0,
                        disposal_compliant=True)
    cls = SizeClassOption(name="c0", power_kw=100.0, max_per_flight=10, design_life_years=2)
    coeff = {("s0", "c0"): SatelliteCoefficients(mass_kg=1000.0, cost_usd=1e6,
                                                 compute_pflops=10.0, risk_per_sat_year=1e-3)}
    return DeploymentInputs(shells=[shell], classes=[cls], years=list(range(2030, 2036)),
                            coefficients=coeff, flights_per_year=[5.0] * 6,
                            launch_cost_usd_per_flight=1e6, compute_target_pflops=50.0,
                            target_year=2031, risk_cap=10.0)


def test_hold_target_through_horizon_keeps_the_target_in_service():
    options = SolverOptions(mip_rel_gap=1e-9)
    free = DeploymentModel(_retiring_case(), options).min_cost()
    assert free.compute_pflops[1] >= 50.0 - 1e-6
    assert min(free.compute_pflops[2:]) < 50.0  # the cheapest plan lets it retire
    held_inputs = replace(_retiring_case(), hold_target_through_horizon=True)
    held = DeploymentModel(held_inputs, options).min_cost()
    assert all(c >= 50.0 - 1e-6 for c in held.compute_pflops[1:])
    assert held.total_cost_usd > free.total_cost_usd
    # Unreachable when held (cadence too low to replace them): the diagnosis names the year.
    tight = replace(held_inputs, flights_per_year=[5.0, 5.0, 0.0, 0.0, 0.0, 0.0])
    with pytest.raises(DeploymentInfeasible, match=r"compute target: .* short in 203[2-5]"):
        DeploymentModel(tight, options).min_cost()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_lp_support_start_is_feasible_and_leaves_the_model_intact(seed):
    """The start (best plan within the LP relaxation's support) is a feasible plan: never
    better than the exact optimum, never worse than the answer HiGHS returns from it; the
    model's column bounds are put back after it."""
    inp = tiny_inputs(np.random.default_rng(seed), target=False)
    exact = DeploymentModel(inp, replace(EXACT, lp_support_start=False)).maximize_compute()
    best = exact.total_compute_pflop_years
    started = DeploymentModel(inp, replace(EXACT, mip_rel_gap=0.05, lp_support_start=True))
    before = np.array(started.highs.getLp().col_upper_)
    fast = started.maximize_compute()
    rec = fast.records[0]
    assert rec.start_s > 0 and rec.start_incumbent is not None, rec
    assert rec.start_incumbent <= best * (1 + 1e-9)  # a feasible plan: not above the optimum
    assert rec.incumbent >= rec.start_incumbent * (1 - 1e-9)
    assert best * (1 - 0.05) - 1e-6 <= fast.total_compute_pflop_years <= best * (1 + 1e-9)
    assert np.array_equal(np.array(started.highs.getLp().col_upper_), before)
    # With an exact gap the start changes nothing but the path.
    exact_started = DeploymentModel(inp, replace(EXACT, lp_support_start=True))
    assert exact_started.maximize_compute().total_compute_pflop_years == pytest.approx(
        best, rel=1e-9)
