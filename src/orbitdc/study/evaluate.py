"""Score one Optuna trial: size, screen, build coefficients, solve the MILP, report.

A trial draws the nonconvex parameters (:mod:`orbitdc.study.space`), sizes every class on every
candidate shell and assesses its risk (:func:`orbitdc.study.coefficients.build_coefficients`),
scores the shells' geometry at the study's fidelity (:mod:`orbitdc.study.geometry`), hands the
coefficients to the deployment MILP (one :class:`~orbitdc.deploy.DeploymentModel` per worker,
updated in place between trials) and reports to Optuna:

* objective values, in the order of ``[search] objectives``: compute [PFLOP/s-years] (maximise),
  risk [metric over the horizon] (minimise), cost [USD] (minimise);
* constraints through ``trial.set_constraint`` (feasible when <= 0): the MILP found a plan,
  collision probability per satellite over its life, maneuvers per satellite-year, disposal
  compliance;
* user attributes: the :class:`~orbitdc.study.summary.TrialSummary` (plan per shell, fleet per
  year, designs, risk breakdown, compliance, margins, open questions) in its stored form, and
  the solver records, geometry and timings, so the report can show the design behind every
  point.

A point the physics rejects (say, a radiator colder than its sink) or a MILP without a feasible
plan is an *infeasible trial* (constraint ``valid`` or ``milp_feasible`` = 1, objectives of an
empty deployment), never a failed one, so the sampler learns from it.

The environment variable ``ORBITDC_TRIAL_DELAY_S`` adds a pause to every trial; the tests use it
to interrupt a worker in the middle of a trial.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import optuna

from orbitdc.assumptions import load_catalog
from orbitdc.deploy import (
    DeploymentInfeasible,
    DeploymentModel,
    DeploymentSolveError,
    Plan,
    SolverOptions,
)
from orbitdc.errors import InputError
from orbitdc.spec.read import LoadedStudy
from orbitdc.study.coefficients import CoefficientTable, build_coefficients
from orbitdc.study.interrupt import STOP, ShieldedTrial, TrialInterrupted
from orbitdc.study.recovery import worker_id
from orbitdc.study.space import TrialChoices, suggest
from orbitdc.study.summary import (
    Compliance,
    DesignSummary,
    EnvironmentSummary,
    Margin,
    RiskBreakdown,
    ShellPlan,
    SlotCapacity,
    TrialSummary,
    fleet_by_year,
    summary_attrs,
)
from orbitdc.study.sustainability import solve_with_environment

#: Terminations of a solve that was cut short: its plan is never a trial's result.
CUT_SHORT = ("interrupted", "error")

#: Constraint names, always all set so every trial carries the same keys.
CONSTRAINTS = ("valid", "milp_feasible", "collision_probability_per_sat",
               "maneuvers_per_sat_year", "disposal_compliance", "environment_50y",
               "sustainability_limit")


def solver_options(loaded: LoadedStudy, workers: int) -> SolverOptions:
    """HiGHS options of the study, with threads shared among the local workers."""
    s = loaded.spec.solver
    cores = os.cpu_count() or 1
    return SolverOptions(time_limit_s=s.time_limit_s, mip_rel_gap=s.mip_gap,
                         threads=max(1, min(s.threads, cores // max(workers, 1))), seed=s.seed,
                         lp_support_start=s.lp_support_start)


class TrialEvaluator:
    """Callable objective for ``study.optimize``; holds one deployment model per process."""

    def __init__(self, loaded: LoadedStudy, results_dir: Path, workers: int | None = None):
        self.loaded = loaded
        self.spec = loaded.spec
        self.results_dir = Path(results_dir)
        self.options = solver_options(loaded, workers or self.spec.search.workers)
        self.model: DeploymentModel | None = None
        self.started: list[int] = []  # numbers of the trials this evaluator began

    # -- helpers -----------------------------------------------------------------------------
    def _empty(self) -> tuple[float, ...]:
        return tuple(0.0 for _ in self.spec.search.objectives)

    def _constraints(self, trial: optuna.Trial, values: dict[str, float]) -> None:
        for name in CONSTRAINTS:
            trial.set_constraint(name, float(values.get(name, 0.0)))

    def _reject(self, trial: optuna.Trial, status: str, message: str,
                timing: dict[str, float]) -> tuple[float, ...]:
        trial.set_user_attr("status", status)
        trial.set_user_attr("message", message)
        trial.set_user_attr("timing_s", timing)
        trial.set_user_attr("study_sha256", self.loaded.sha256)
        key = "valid" if status == "invalid" else "milp_feasible"
        self._constraints(trial, {key: 1.0})
        return self._empty()

    def _solve(self, table: CoefficientTable) -> tuple[Plan, EnvironmentSummary | None]:
        if self.model is None:
            self.model = DeploymentModel(table.inputs, self.options)
        else:
            self.model.update(table.inputs)
        def solve(model: DeploymentModel) -> Plan:
            try:
                if self.spec.search.milp_objective == "min-cost":
                    plan = model.min_cost()
                else:
                    plan = model.maximize_ratio().plan
            except DeploymentSolveError:
                STOP.check()  # a solve cut short by a stop is an interruption, not a solver error
                raise
            STOP.check()  # a stop HiGHS swallowed: the plan is of a cut-off solve
            cut = [r for r in plan.records if r.termination in CUT_SHORT]
            if cut:  # e.g. a later Dinkelbach step cut off: the plan is not the answer
                raise DeploymentSolveError(cut[0])
            return plan

        return solve_with_environment(self.loaded, table, self.model, solve)

    # -- the objective -----------------------------------------------------------------------
    def __call__(self, trial: optuna.Trial) -> tuple[float, ...]:
        """Evaluate one trial and return its objective values.

        The trial first records its worker (``host:pid``: a trial left running by a worker that
        died is found by it); a stop request (:data:`~orbitdc.study.interrupt.STOP`) during the
        evaluation raises, so the trial fails instead of completing with a cut-off answer.
        """
        trial.set_user_attr("worker", worker_id())
        self.started.append(trial.number)
        try:
            with STOP.abortable():
                return self._evaluate(ShieldedTrial(trial))  # type: ignore[arg-type]
        except TrialInterrupted:
            trial.set_user_attr("failed_because", f"stopped by {STOP.signal_name}")
            raise

    def _evaluate(self, trial: optuna.Trial) -> tuple[float, ...]:
        timing: dict[str, float] = {}
        choices = suggest(trial, self.spec)
        delay = float(os.environ.get("ORBITDC_TRIAL_DELAY_S", "0") or 0)
        if delay > 0:
            time.sleep(delay)
        tick = time.perf_counter()
        from orbitdc.study.slots import SlotCache

        slots = SlotCache(self.results_dir / "cache" / "slots.json")
        stage = _StageReporter(trial)

        def sizing(done: int, total: int) -> None:
            stage(f"sizing, slots and risk {done}/{total}")

        try:
            table = build_coefficients(self.loaded, choices.point, progress=sizing,
                                       slot_cache=slots)
        except InputError as exc:
            timing["sizing"] = time.perf_counter() - tick
            return self._reject(trial, "invalid", str(exc), timing)
        timing["sizing"] = time.perf_counter() - tick
        tick = time.perf_counter()
        from orbitdc.study.geometry import score_geometry

        geometry = score_geometry(self.loaded, table, choices, self.results_dir, stage)
        if geometry.point is not None and geometry.point != choices.point:
            stage("coefficients with the screened geometry")
            table = build_coefficients(self.loaded, geometry.point, slot_cache=slots)
        timing["screening"] = time.perf_counter() - tick
        stage("solving the deployment MILP", force=True)
        tick = time.perf_counter()
        builds_before = 0 if self.model is None else self.model.builds
        try:
            plan, environment = self._solve(table)
        except DeploymentInfeasible as exc:
            timing["solve"] = time.perf_counter() - tick
            return self._reject(trial, "infeasible", exc.diagnosis.message, timing)
        except InputError as exc:
            timing["solve"] = time.perf_counter() - tick
            return self._reject(trial, "invalid", str(exc), timing)
        assert self.model is not None
        records = [r.as_dict() for r in plan.records]
        timing["build"] = sum(r.get("build_s", 0.0) for r in records)
        timing["solve"] = time.perf_counter() - tick - timing["build"]
        timing["model_rebuilt"] = float(self.model.builds > builds_before)
        summary, constraints = summarize(self.loaded, table, plan, choices)
        if environment is not None:
            summary = replace(summary, environment=environment)
            limit = self.spec.search.constraints.max_environment_50y
            if limit is not None:
                constraints["environment_50y"] = environment.environment_50y - limit
            lim = environment.sustainability
            if lim is not None and not lim.meets_limit:  # the loop's last plan still misses it
                constraints["sustainability_limit"] = (environment.max_bin_ratio
                                                       - lim.max_fragment_multiple)
        attrs = summary_attrs(summary)
        attrs["geometry"] = geometry.summary
        attrs["solver"] = records
        attrs["timing_s"] = timing
        attrs["worker"] = f"{socket.gethostname()}:{os.getpid()}"
        for key, value in attrs.items():
            trial.set_user_attr(key, value)
        self._constraints(trial, constraints)
        values = {"compute": plan.total_compute_pflop_years, "risk": plan.total_risk_model,
                  "cost": plan.total_cost_usd,
                  "environment_50y": 0.0 if environment is None else environment.environment_50y}
        return tuple(values[o] for o in self.spec.search.objectives)


def after_target_notes(loaded: LoadedStudy, plan: Plan, tolerance: float = 0.01) -> list[str]:
    """Say so when the compute in service falls below the target after the target year.

    The target binds in ``target_year`` only (unless ``[deployment]
    hold_target_through_horizon``), so the best plan may let satellites retire at the end of
    their design life without replacing them: a fleet that peaks in the target year and
    collapses after it. ``tolerance`` is the relative shortfall ignored (solver gaps).
    """
    dep = loaded.spec.deployment
    target = dep.compute_target_pflops
    years = list(plan.years)
    if target is None or dep.hold_target_through_horizon:
        return []
    year = dep.target_year if dep.target_year is not None else years[-1]
    t = years.index(year)
    after = [float(v) for v in plan.compute_pflops[t + 1:]]
    if not after or min(after) >= target * (1.0 - tolerance):
        return []
    low = t + 1 + after.index(min(after))
    return [
        f"compute in service falls after the target year: "
        f"{float(plan.compute_pflops[t]):,.0f} PFLOP/s in {year}, {min(after):,.0f} PFLOP/s in "
        f"{years[low]} ({100 * min(after) / target:.0f} % of the {target:,.0f} PFLOP/s target), "
        f"{after[-1]:,.0f} in {years[-1]}: satellites retire and are not replaced; set "
        f"[deployment] hold_target_through_horizon = true to keep the target through "
        f"{years[-1]}"
    ]


class _StageReporter:
    """What a running trial is doing, in its ``stage`` user attribute.

    Written at most every :data:`STAGE_INTERVAL_S`; ``orbitdc run`` shows it beside its
    progress bar.
    """

    def __init__(self, trial: optuna.Trial):
        self.trial = trial
        self.last = 0.0

    def __call__(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= STAGE_INTERVAL_S:
            self.last = now
            self.trial.set_user_attr("stage", text)


#: Least time between two stage reports of a running trial [s].
STAGE_INTERVAL_S = 2.0


def summarize(
    loaded: LoadedStudy, table: CoefficientTable, plan: Plan, choices: TrialChoices | None = None
) -> tuple[TrialSummary, dict[str, float]]:
    """The trial's :class:`~orbitdc.study.summary.TrialSummary` and its constraint values."""
    spec = loaded.spec
    metric = spec.risk.metric
    inputs = table.inputs
    years = [int(y) for y in plan.years]
    active = np.asarray(plan.active)  # (S, C, Y)
    launches = np.asarray(plan.launches)
    flights = np.asarray(plan.flights)  # (S, Y)
    used = active.sum(axis=(1, 2)) > 0
    shells: list[ShellPlan] = []
    designs: list[DesignSummary] = []
    grid: list[list[DesignSummary | None]] = []
    background = failure = 0.0
    max_pc = max_man = 0.0
    noncompliant: list[str] = []
    for s, shell in enumerate(inputs.shells):
        grid.append([None] * len(inputs.classes))
        if not used[s]:
            continue
        for c, cls in enumerate(inputs.classes):
            if active[s, c].sum() == 0:
                continue
            design = table.designs[(shell.key, cls.name)]
            risk = table.risks[(shell.key, cls.name)]
            sat_years = float(active[s, c].sum())
            part_fail = risk.debris_index_failure_per_sat_year if metric == "debris_index" else 0.0
            background += sat_years * (risk.metric(metric) - part_fail)
            failure += sat_years * part_fail
            # Probability of a collision with an object >= 10 cm over the satellite's orbital
            # lifetime, disposal included (NASA-STD-8719.14 Requirement 4.5-1).
            max_pc = max(max_pc, risk.collision_probability_orbital_life)
            max_man = max(max_man, risk.maneuvers_per_sat_year)
            if not risk.compliant_5yr:
                noncompliant.append(shell.key)
            entry = DesignSummary(shell.key, cls.name, design, risk)
            grid[s][c] = entry
            designs.append(entry)
        shells.append(ShellPlan(
            key=shell.key, altitude_km=float(shell.altitude_km), inclination=shell.inclination,
            capacity_sats=int(shell.capacity_sats),
            launched_by_class={cls.name: [int(v) for v in launches[s, c]]
                               for c, cls in enumerate(inputs.classes)
                               if launches[s, c].sum() > 0},
            in_service_by_class={cls.name: [int(v) for v in active[s, c]]
                                 for c, cls in enumerate(inputs.classes)
                                 if active[s, c].sum() > 0},
            flights=[int(v) for v in flights[s]],
        ))
    total_risk = plan.total_risk_model
    intra = max(total_risk - background - failure, 0.0)
    cons = spec.search.constraints
    constraints = {
        "collision_probability_per_sat": 0.0 if cons.max_collision_probability_per_sat is None
        else max_pc - cons.max_collision_probability_per_sat,
        "maneuvers_per_sat_year": 0.0 if cons.max_maneuvers_per_sat_year is None
        else max_man - cons.max_maneuvers_per_sat_year,
        "disposal_compliance": float(len(set(noncompliant)))
        if cons.require_disposal_compliance else 0.0,
    }
    compute_by_year = [float(v) for v in plan.compute_pflops]
    margins: list[Margin] = []
    if inputs.compute_target_pflops is not None and inputs.target_year is not None:
        got, target = compute_by_year[years.index(inputs.target_year)], inputs.compute_target_pflops
        margins.append(Margin("compute_in_target_year_pflops",
                              f"compute in {inputs.target_year} [PFLOP/s]", got, target,
                              100 * (got / target - 1)))
    if inputs.budget_usd_total is not None:
        margins.append(Margin("total_cost_usd", "total cost [USD]", plan.total_cost_usd,
                              inputs.budget_usd_total,
                              100 * (1 - plan.total_cost_usd / inputs.budget_usd_total)))
    if cons.max_collision_probability_per_sat is not None:
        limit = cons.max_collision_probability_per_sat
        margins.append(Margin("collision_probability_per_sat_life",
                              "collision probability per satellite (life)", max_pc, limit,
                              100 * (1 - max_pc / limit)))
    if cons.max_maneuvers_per_sat_year is not None:
        limit = cons.max_maneuvers_per_sat_year
        margins.append(Margin("maneuvers_per_sat_year", "maneuvers per satellite-year", max_man,
                              limit, 100 * (1 - max_man / limit)))
    questions = []
    if noncompliant:
        questions.append("Shells " + ", ".join(sorted(set(noncompliant))) + " keep failed "
                         "satellites beyond the 5-year rule: propulsive disposal reliability "
                         "and its failure rate drive their risk.")
    if any(d.satellite.power_heat_pump_kw > 0 for d in designs):
        questions.append("The radiator runs above the coolant temperature: the heat pump's "
                         "second-law efficiency (0.45 assumed) has no space heritage.")
    pc_limit = load_catalog("operations", loaded.models_dir).parameters("default")[
        "large_object_collision_probability_limit"]
    if max_pc > pc_limit:
        questions.append(
            f"The highest collision probability per satellite over its orbital life "
            f"({max_pc:.2g}, objects >= 10 cm, disposal included) exceeds NASA-STD-8719.14C "
            f"Requirement 4.5-1 ({pc_limit:g}): a satellite of this size cannot "
            "meet it by design alone; avoidance and a waiver, or a smaller cross-section, "
            "are the options.")
    questions.append("The >= 1 cm debris density is the >= 10 cm profile times a global ratio "
                     "(ESA MASTER-8): its altitude shape is uncertain, notably at 800-1,000 km.")
    if spec.search.fidelity == "analytic":
        questions.append("Scored at analytic fidelity: confirm the chosen shells with "
                         "'sampled' or 'full' screening.")
    questions.extend(domain_warnings(loaded, table, active))
    questions.extend(after_target_notes(loaded, plan))
    rationale = design_rationale(table, active, metric, intra, total_risk)
    summary = TrialSummary(
        status="ok",
        study_sha256=loaded.sha256,
        metric=metric,
        compute_pflop_years=plan.total_compute_pflop_years,
        risk=total_risk,
        risk_exact=plan.total_risk_exact,
        cost_usd=plan.total_cost_usd,
        ratio_pflop_years_per_risk=plan.ratio,
        peak_compute_pflops=max(compute_by_year) if compute_by_year else 0.0,
        satellites_launched=int(launches.sum()),
        flights=int(flights.sum()),
        shells_used=list(plan.shells_used),
        years=years,
        shells=shells,
        compute_pflops_by_year=compute_by_year,
        risk_by_year=[float(v) for v in plan.risk_model],
        cost_usd_by_year=[float(v) for v in plan.cost_usd],
        fleet=fleet_by_year(years, launches, active, flights, compute_by_year,
                            [cls.design_life_years for cls in inputs.classes], grid),
        designs=designs,
        risk_breakdown=RiskBreakdown(background=background, intra_shell=intra,
                                     failed_satellites=failure),
        compliance=Compliance(
            max_collision_probability_per_sat_life=max_pc,
            max_maneuvers_per_sat_year=max_man,
            all_shells_meet_5yr_rule=not noncompliant,
            shells_needing_propulsive_disposal=sorted(set(noncompliant)),
            design_life_years=spec.technology.design_life_years,
        ),
        margins=margins,
        open_questions=questions,
        rationale=rationale,
        choices={} if choices is None else {
            k: (v if isinstance(v, int | float | str) else str(v))
            for k, v in choices.params.items()},
        slots=slot_capacities(table),
    )
    return summary, constraints


def slot_capacities(table: CoefficientTable) -> list[SlotCapacity]:
    """The self-safe slots of every candidate shell, per class (empty without slots)."""
    out = []
    for shell in table.inputs.shells:
        found = {name: sl for (key, name), sl in table.slots.items() if key == shell.key}
        if not found:
            continue
        out.append(SlotCapacity(
            key=shell.key, altitude_km=float(shell.altitude_km), inclination=shell.inclination,
            slots_by_class={c: int(sl.satellites) for c, sl in found.items()},
            patterns_by_class={c: sl.pattern for c, sl in found.items()},
            min_separation_km_by_class={c: float(sl.min_separation_km)
                                        for c, sl in found.items()}))
    return out


def domain_warnings(loaded: LoadedStudy, table: CoefficientTable,
                    active: np.ndarray) -> list[str]:
    """Where the plan takes the risk model out of its domain (warnings, in plain words).

    The per-satellite warnings of the designs flown (more than 0.1 collisions and disabling
    impacts per satellite-year), and shells whose own steady-state fragments (satellites at the
    peak x debris index per satellite-year, by Little's law) exceed today's catalogued
    population of their 50 km band.
    """
    from orbitdc.environment.debris import DebrisEnvironment

    env = DebrisEnvironment.load(directory=loaded.models_dir)
    population = loaded.spec.risk.population
    out: list[str] = []
    inputs = table.inputs
    for s, shell in enumerate(inputs.shells):
        fragments = 0.0
        for c, cls in enumerate(inputs.classes):
            peak = float(active[s, c].max()) if active[s, c].size else 0.0
            if peak <= 0:
                continue
            risk = table.risks[(shell.key, cls.name)]
            out.extend(f"{shell.key}/{cls.name}: {w}" for w in risk.warnings)
            fragments += peak * risk.debris_index_per_sat_year
        today = env.bin_count(shell.altitude_km, population)
        if fragments > today:
            out.append(f"{shell.key}: the fleet's own fragments >= 10 cm at steady state "
                       f"(~{fragments:,.0f}) exceed today's {today:,.0f} catalogued objects of "
                       "its 50 km band: the environment's feedback is not small (orbitdc "
                       "evolve).")
    return out


def design_rationale(table: CoefficientTable, active: np.ndarray, metric: str,
                     intra_risk: float, total_risk: float) -> list[str]:
    """Why the plan flies the classes and shells it flies, from the coefficients behind it.

    Compares the classes' per-satellite risk per unit compute in the shells used, and says how
    much of the risk grows with the number of satellites per shell (the ``N^2`` terms, which
    favour fewer, larger satellites and spreading over shells).
    """
    inputs = table.inputs
    used_shells = [s for s in range(len(inputs.shells)) if active[s].sum() > 0]
    if not used_shells:
        return []
    unit = f"{metric} per PFLOP/s-year"
    per_class = []
    for c, cls in enumerate(inputs.classes):
        values = [inputs.coefficients[(inputs.shells[s].key, cls.name)] for s in used_shells
                  if (inputs.shells[s].key, cls.name) in inputs.coefficients]
        if not values:
            continue
        ratio = float(np.mean([v.risk_per_sat_year / v.compute_pflops for v in values]))
        peak_sats = int(active[used_shells, c].max(axis=1).sum()) if active.size else 0
        per_class.append((cls.name, ratio, peak_sats))
    out = []
    if len(per_class) > 1:
        parts = ", ".join(f"{name} {ratio:.3g}" for name, ratio, _ in per_class)
        names = [name for name, _, n in per_class if n > 0]
        best = min(per_class, key=lambda t: t[1])[0]
        out.append(f"Per satellite, the classes carry {parts} {unit} in the shells used "
                   f"({best} the least); the plan flies {', '.join(names) or 'none'}.")
    share = intra_risk / total_risk if total_risk > 0 else 0.0
    peak = int(active.sum(axis=1).max(axis=1).max()) if active.size else 0
    out.append(f"{100 * share:.0f} % of the risk grows with the square of the satellites per "
               f"shell (pairs inside a shell, the shell's own derelicts); the fullest shell holds "
               f"{peak} satellites, so fewer, larger satellites and more shells lower it.")
    if len(used_shells) > 1:
        out.append(f"The plan spreads over {len(used_shells)} shells: each additional shell "
                   "divides the N^2 term of the satellites moved there.")
    return out
