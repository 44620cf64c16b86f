"""The sustainability limit: the MILP re-solved against the environment evolution.

The loop stops when the plan stops changing.

The limit (``[sustainability] max_fragment_multiple = m``): at the end of the evolution (50
years) no altitude bin may hold more than ``m`` times its fragments >= 10 cm without the plan,
``F_b(x) <= m F_b(ref)``. ``F_b`` is nonlinear in the launches ``x`` (collisions feed
collisions), the MILP is linear, so the loop linearises it around the current plan ``x_k``:

``F_b(x) ~ F_b(x_k) + sum_{s,c,y} e_bscy (x_scy - x_k,scy)``,

``e_bscy = (de_bsc / T) n_cy``: the fragments in bin ``b`` per satellite sustained in shell
``s`` (class ``c``) over the ``T`` evolved years, measured by adding ``delta`` such satellites
to the plan's evolution (with feedback), divided by ``T`` and multiplied by the
satellite-years ``n_cy`` a launch in year ``y`` stands for: its years in service within the
horizon plus, when the fleet is held after the horizon and it is in service in the last year,
the ``T - H`` years after. The MILP receives ``e`` and the cap
``G_b = m F_b(ref) - F_b(x_k) + sum e x_k`` (:class:`orbitdc.deploy.SustainabilityLimit`),
is re-solved, and the loop repeats until the plan stops changing (the same shells and classes,
no pair's launches moved by more than 5 %: the MILP solves to a gap) or ``max_iterations``;
the last plan's true evolution says whether it meets the limit.

**Sensitivities in a few runs.** All shells of one size class and inclination family share
one probe species (the class's design at the family's middle candidate altitude; its
derelicts start at each shell's altitude and its disposals at each shell's disposal orbit), so
one batched run per (class, family) gives every shell's response: copy ``k`` adds the probe
satellites to shell ``k``, copy 0 adds none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from orbitdc.deploy import DeploymentModel, Plan, SustainabilityLimit
from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.evolution.metrics import EnvironmentFigures, environment_figures
from orbitdc.evolution.model import Scenario, simulate
from orbitdc.evolution.scenario import PlanGroup, _Placement, build_scenario, physics
from orbitdc.spec.read import LoadedStudy
from orbitdc.study.coefficients import CoefficientTable
from orbitdc.study.environment import (
    EnvironmentSetup,
    Evolution,
    by_class,
    evolution_series,
    evolve_groups,
    groups_from_table,
    plan_run,
    reference_run,
    setup_for,
)
from orbitdc.study.summary import (
    EnvironmentSummary,
    SustainabilityRecord,
    SustainabilityRound,
)


@dataclass
class Round:
    """One linearise-and-solve round."""

    iteration: int
    shells_used: list[str]
    compute_pflop_years: float
    satellites_launched: int
    max_bin_ratio: float
    environment_50y: float
    changed: bool


@dataclass
class SustainableResult:
    """The plan under the limit, the free plan, and the rounds between them."""

    plan: Plan
    free_plan: Plan
    figures: EnvironmentFigures
    free_figures: EnvironmentFigures
    multiple: float
    run: Any = None
    rounds: list[Round] = field(default_factory=list)
    converged: bool = False

    @property
    def iterations(self) -> int:
        """Re-solves with the limit."""
        return len(self.rounds)

    @property
    def meets_limit(self) -> bool:
        """The final plan's true evolution keeps every bin within the multiple."""
        return self.figures.max_bin_ratio <= self.multiple * (1.0 + 1e-3)


def _bin_labels(setup: EnvironmentSetup) -> list[str]:
    g = setup.config.grid()
    return [f"{lo:g}-{hi:g}km" for lo, hi in zip(g.lower_km, g.upper_km, strict=True)]


def fragments_per_sustained_satellite(setup: EnvironmentSetup, table: CoefficientTable,
                                      base: list[PlanGroup]) -> dict[tuple[str, str],
                                                                     np.ndarray]:
    """``de_bsc``: end-of-run fragments per bin per satellite held in each candidate pair.

    Batched per (class, inclination family) around the plan ``base`` (module notes).
    """
    inputs = table.inputs
    env = DebrisEnvironment.load(directory=setup.settings.models_dir)
    grid = setup.config.grid()
    delta = float(setup.config.probe_satellites)
    phys = physics(setup.settings, env, setup.config)
    out: dict[tuple[str, str], np.ndarray] = {}
    families: dict[tuple[str, str], list[Any]] = {}
    for sh in inputs.shells:
        for cl in inputs.classes:
            if (sh.key, cl.name) in table.designs:
                families.setdefault((cl.name, sh.inclination), []).append(sh)
    for (cls, _family), shells in families.items():
        shells = sorted(shells, key=lambda s: s.altitude_km)
        mid = shells[len(shells) // 2]
        design = table.designs[(mid.key, cls)]
        probe = PlanGroup(f"probe {cls}", design, table.risks[(mid.key, cls)].disposal_altitude_km,
                          np.zeros(1), 0.0)
        sc = build_scenario(base + [probe], settings=setup.settings, config=setup.config,
                            traffic=setup.traffic, start_year=setup.start_year,
                            years=setup.years, after_horizon=setup.after_horizon,
                            environment=env)
        a = sc.index(f"probe {cls}")
        act = sc.species[a]
        place = _Placement(grid, setup.settings.activity, setup.settings.atmosphere,
                           setup.settings.models_dir).vector
        derelict_map = np.array(act.derelict_map)
        disposal_map = np.array(act.disposal_map)
        bins = []
        for sh in shells:
            k = int(grid.index(sh.altitude_km))
            bins.append(k)
            derelict_map[k] = place(sh.altitude_km)
            disposal_map[k] = place(table.risks[(sh.key, cls)].disposal_altitude_km)
        species = list(sc.species)
        species[a] = replace(act, derelict_map=derelict_map, disposal_map=disposal_map)
        n_x = len(shells) + 1
        initial = np.repeat(sc.initial[None], n_x, axis=0)
        launches = np.repeat(sc.launches[:, None], n_x, axis=1)
        for x, k in enumerate(bins, start=1):
            initial[x, a, k] += delta
            launches[:, x, a, k] += delta / design.design_life_years
        batch = Scenario(sc.grid, tuple(species), sc.fragments, initial, launches,
                         sc.start_year, sc.small_density_per_km3)
        res = simulate(batch, phys)
        frag = res.count("fragment")[-1]  # (X, B)
        for x, sh in enumerate(shells, start=1):
            out[(sh.key, cls)] = np.maximum(frag[x] - frag[0], 0.0) / delta
    return out


#: Relative change of a (shell, class) pair's launches that counts as a new plan: the MILP
#: solves to a gap, so plans of the same shells and classes differ by a few satellites.
PLAN_CHANGE = 0.05


def _changed(old: np.ndarray, new: np.ndarray) -> bool:
    """Whether the plan moved.

    Another set of (shell, class) pairs, or one pair's launches changed by more than
    :data:`PLAN_CHANGE`.
    """
    a, b = old.sum(axis=2), new.sum(axis=2)
    if not np.array_equal(a > 0, b > 0):
        return True
    return bool(np.any(np.abs(a - b) > PLAN_CHANGE * np.maximum(a, 1)))


def satellite_years_per_launch(life_years: np.ndarray, n_years: int, total_years: int,
                               held: bool) -> np.ndarray:
    """``n_cy``: satellite-years of the evolution a launch of class ``c`` in year ``y`` is.

    Its years in service within the horizon, plus ``T - H`` when the fleet is held after the
    horizon and it serves in the last year. Shape (C, Y).
    """
    y = np.arange(n_years)[None, :]
    life = np.asarray(life_years, dtype=float)[:, None]
    inside = np.minimum(life, n_years - y)
    last = (y + life) >= n_years
    after = max(total_years - n_years, 0) if held else 0
    return np.asarray(inside + np.where(last, after, 0.0), dtype=float)


def sustainable_plan(setup: EnvironmentSetup, table: CoefficientTable, model: DeploymentModel,
                     solve: Callable[[DeploymentModel], Plan], multiple: float,
                     max_iterations: int = 6) -> SustainableResult:
    """Re-solve the MILP against the evolution until the plan stops changing (module notes)."""
    inputs = table.inputs
    model.update(replace(inputs, sustainability=None))
    free = solve(model)
    ref = reference_run(setup)
    target = multiple * ref.count("fragment")[-1, 0]
    labels = _bin_labels(setup)
    classes = {c.name: c for c in inputs.classes}
    life = np.array([c.design_life_years for c in inputs.classes], dtype=float)
    n_cy = satellite_years_per_launch(life, len(inputs.years), setup.years,
                                      setup.after_horizon == "replace")
    free_run = plan_run(setup, groups_from_table(free, table))
    free_fig = environment_figures(free_run, ref)
    plan, run, fig = free, free_run, free_fig
    rounds: list[Round] = []
    converged = False
    seen: list[np.ndarray] = [free.launches]
    for it in range(1, max_iterations + 1):
        base = groups_from_table(plan, table)
        e = fragments_per_sustained_satellite(setup, table, base)
        per_launch = {}
        for (s_key, c_name), de in e.items():
            c = list(classes).index(c_name)
            per_launch[(s_key, c_name)] = (de[:, None] / setup.years * n_cy[c][None, :]).tolist()
        s_index = {sh.key: i for i, sh in enumerate(inputs.shells)}
        c_index = {name: j for j, name in enumerate(classes)}
        now = run.count("fragment")[-1, 0]
        linear_now = np.zeros(len(labels))
        for (s_key, c_name), rows in per_launch.items():
            linear_now += np.asarray(rows) @ plan.launches[s_index[s_key], c_index[c_name]]
        cap = target - now + linear_now
        limited = replace(inputs, sustainability=SustainabilityLimit(labels, per_launch,
                                                                     cap.tolist()))
        model.update(limited)
        new = solve(model)
        changed = _changed(seen[-1], new.launches)
        run = plan_run(setup, groups_from_table(new, table))
        fig = environment_figures(run, ref)
        rounds.append(Round(it, list(new.shells_used), new.total_compute_pflop_years,
                            int(new.launches.sum()), fig.max_bin_ratio, fig.environment_50y,
                            changed))
        plan = new
        seen.append(new.launches)
        if not changed:
            converged = True
            break
    return SustainableResult(plan, free, fig, free_fig, multiple, run, rounds, converged)


def environment_summary(setup: EnvironmentSetup, evolution: Evolution,
                        limit: SustainableResult | None = None) -> EnvironmentSummary:
    """The trial summary's :class:`~orbitdc.study.summary.EnvironmentSummary`.

    ``limit`` is a :class:`~orbitdc.study.sustainability.SustainableResult` when the study's
    sustainability limit was applied.
    """
    f = evolution.figures
    assert f is not None
    record = None
    if limit is not None:
        record = SustainabilityRecord(
            max_fragment_multiple=float(limit.multiple), iterations=limit.iterations,
            converged=bool(limit.converged), meets_limit=bool(limit.meets_limit),
            free_shells_used=list(limit.free_plan.shells_used),
            free_satellites_by_class=by_class(limit.free_plan),
            free_compute_pflop_years=limit.free_plan.total_compute_pflop_years,
            free_environment_50y=limit.free_figures.environment_50y,
            free_max_bin_ratio=limit.free_figures.max_bin_ratio,
            satellites_by_class=by_class(limit.plan),
            rounds=[SustainabilityRound(r.iteration, r.shells_used, r.compute_pflop_years,
                                        r.satellites_launched, r.max_bin_ratio,
                                        r.environment_50y, r.changed) for r in limit.rounds])
    return EnvironmentSummary(
        years=f.years, background=setup.traffic.name, environment_50y=f.environment_50y,
        debris_end=f.debris_end, debris_end_reference=f.debris_end_reference,
        max_bin_ratio=f.max_bin_ratio, catastrophic_collisions=f.catastrophic_collisions,
        catastrophic_collisions_reference=f.catastrophic_collisions_reference,
        altitude_bins_km=[float(h) for h in evolution.main.grid.lower_km],
        fragments_end_by_bin=f.fragments_end_by_bin,
        fragments_end_by_bin_reference=f.fragments_end_by_bin_reference,
        series=evolution_series(evolution), sustainability=record)


def solve_with_environment(loaded: LoadedStudy, table: Any, model: Any,
                           solve: Any) -> tuple[Any, Any]:
    """Solve a study's MILP as ``[sustainability]`` asks.

    With the limit loop when ``max_fragment_multiple`` is set, and with the plan's evolution
    when ``evaluate`` is on (or the limit, or an objective or constraint on
    ``environment_50y``, needs it). Returns the plan and its
    :class:`~orbitdc.study.summary.EnvironmentSummary` (or ``None``).
    """
    sus = loaded.spec.sustainability
    search = loaded.spec.search
    needed = (sus.evaluate or sus.max_fragment_multiple is not None
              or "environment_50y" in search.objectives
              or search.constraints.max_environment_50y is not None)
    if sus.max_fragment_multiple is None:
        plan = solve(model)
        if not needed:
            return plan, None
        setup = setup_for(loaded)
        evolution = evolve_groups(setup, groups_from_table(plan, table))
        return plan, environment_summary(setup, evolution)
    setup = setup_for(loaded)
    limit = sustainable_plan(setup, table, model, solve, sus.max_fragment_multiple,
                             sus.max_iterations)
    ref = reference_run(setup)
    evolution = Evolution(setup, ref, limit.run, limit.figures)
    return limit.plan, environment_summary(setup, evolution, limit)
