"""The sustainability limit: the MILP re-solved against the environment evolution.

The loop stops when the plan meets the limit in its own evolution and stops changing, when the
MILP has no plan under the limit, or after ``max_iterations``; ``stop_reason`` says which.

The limit (``[sustainability] max_fragment_multiple = m``): at the end of the evolution (50
years) no altitude bin may hold more than ``m`` times its fragments >= 10 cm without the plan,
``F_b(x) <= m F_b(ref)``, in every bin the figures judge (``F_b(ref) >= 1``,
:data:`orbitdc.evolution.metrics.JUDGED_FRAGMENTS`; the others get no row). ``F_b`` is
nonlinear in the launches ``x`` (collisions feed collisions), the MILP is linear, so the loop
linearises it around the current plan ``x_k``:

``F_b(x) ~ F_b(x_k) + sum_{s,c,y} e_bscy (x_scy - x_k,scy)``,

``e_bscy = (de_bsc / T) n_cy`` [fragments / satellite]: the fragments in bin ``b`` per
satellite sustained in shell ``s`` (class ``c``) over the ``T`` evolved years, measured by
adding ``delta`` such satellites to the plan's evolution (with feedback), divided by ``T`` and
multiplied by the satellite-years ``n_cy`` a launch in year ``y`` stands for: its years in
service within the horizon plus, when the fleet is held after the horizon and it is in service
in the last year, the ``T - H`` years after.

**The correction.** The linearisation is not the evolution: on the above-700 km baseline a step
that the linear model predicts to take the worst bin from 1.62x to 1.20x takes it to 1.50x,
the same ~30 % of the predicted change in every low bin, round after round (the probe design
shared per family; satellite-years weighted alike whether early or late, and the MILP's
cheapest steps move launches between years; design/environment.md section 7). Satisfying the
linear cap is then not enough, and a loop that only re-linearises creeps towards the limit by
a third of the remaining excess per round. After each round the loop compares, per bin, the
change the evolution realised with the change the linearisation predicted for the new plan
``x_{k+1}`` (a secant along the step):

``r_b = (F_b(x_{k+1}) - F_b(x_k)) / (e_b . (x_{k+1} - x_k))``  [-]

(clipped to [0.05, 20]; a bin the step moved by less than 1 % of its allowed growth
``(m - 1) F_b(ref)`` keeps its previous ``r_b``, initially 1), and scales the next round's
allowed change by it, in the direction that tightens only:

``sum e_b x <= G_b = e_b . x_k + h_b / rho_b``, ``h_b = T_b - F_b(x_k)`` [fragments],

``rho_b = min(r_b, 1)`` if ``h_b < 0`` (over the aim: a bin whose last step realised only
``r_b`` of the predicted change is asked for ``1 / r_b`` times the reduction), ``max(r_b, 1)``
if ``h_b >= 0`` (under it: a bin that grew faster than predicted may use only ``1 / r_b`` of
its headroom). The aim is a hair under the limit, ``T_b = F_b(ref) (1 + 0.98 (m - 1))``
(:data:`SAFETY_MARGIN`), so a step sized exactly does not land just above it. Without the
correction (``r_b = 1``) this is the plain ``G_b = T_b - F_b(x_k) + e_b . x_k``. It is a
per-bin rescaling of the sensitivities along the last step (a one-dimensional Broyden update),
not a bias: the error grows with the step, so an accumulated offset would keep tightening a bin
that already meets the limit. The MILP stays linear: only ``G_b`` changes.

**Stopping.** ``converged`` only when the new plan meets the limit in its own evolution
(``max_bin_ratio <= m``, a tolerance of 1 % of the allowed growth ``m - 1``) and did not change
(the same shells and classes, no pair's launches moved by more than 5 %: the MILP solves to a
gap). Otherwise the loop runs to ``max_iterations``; if the last plan then misses the limit but
an earlier round's plan met it, that plan is the result. A round whose MILP is infeasible under
the corrected cap (say the compute target cannot be met within the limit) ends the loop with a
``stop_reason`` naming the bins over the limit and the MILP's own diagnosis (its elastic solve,
as ``DeploymentModel.diagnose_infeasibility``); the result is then the last plan, flagged by
``meets_limit``.

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

from orbitdc.deploy import (
    DeploymentInfeasible,
    DeploymentModel,
    DeploymentSolveError,
    Plan,
    SustainabilityLimit,
)
from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.evolution.metrics import JUDGED_FRAGMENTS, EnvironmentFigures, environment_figures
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
class SustainableResult:
    """The plan under the limit, the free plan, and the rounds between them.

    ``converged``: the loop ended because the plan stopped changing and met the limit;
    ``stop_reason`` says in words why it ended (module notes).
    """

    plan: Plan
    free_plan: Plan
    figures: EnvironmentFigures
    free_figures: EnvironmentFigures
    multiple: float
    run: Any = None
    rounds: list[SustainabilityRound] = field(default_factory=list)
    converged: bool = False
    stop_reason: str = ""

    @property
    def iterations(self) -> int:
        """Re-solves with the limit."""
        return len(self.rounds)

    @property
    def meets_limit(self) -> bool:
        """The final plan's true evolution keeps every bin within the multiple."""
        return meets(self.figures.max_bin_ratio, self.multiple)


#: Tolerance of the limit, as a share of the growth it allows (``m - 1``): relative to ``m``
#: it would let a limit near 1 (1.006x) pass a sixth of its growth again (1.007x).
MEETS_TOLERANCE = 0.01


def meets(max_bin_ratio: float, multiple: float) -> bool:
    """Whether a worst-bin ratio is within the limit ``m``: ``<= m + 0.01 (m - 1)``."""
    return max_bin_ratio <= multiple + MEETS_TOLERANCE * (multiple - 1.0)


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

#: The loop aims this fraction of the allowed growth ``(m - 1) F_b(ref)`` below the limit, so
#: that a step the correction sizes exactly does not land a hair above it.
SAFETY_MARGIN = 0.02

#: Bounds of the realised-to-predicted ratio ``r_b`` of a bin (:func:`secant_ratio`): the
#: correction scales a bin's allowed change by at most ``1 / RATIO_MIN`` (or ``RATIO_MAX``).
RATIO_MIN, RATIO_MAX = 0.05, 20.0

#: A step tells ``r_b`` only when its predicted change in bin ``b`` is at least this fraction
#: of the bin's allowed growth ``(m - 1) F_b(ref)``; smaller ones keep the previous ``r_b``.
RATIO_STEP = 0.01


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


def limit_target(reference: np.ndarray, multiple: float,
                 margin: float = SAFETY_MARGIN) -> np.ndarray:
    """``T_b = F_b(ref) (1 + (1 - margin)(m - 1))``: the fragments per bin the loop aims at."""
    return np.asarray(reference, dtype=float) * (1.0 + (1.0 - margin) * (multiple - 1.0))


def secant_ratio(before: np.ndarray, after: np.ndarray, predicted_change: np.ndarray,
                 previous: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """``r_b``: the change of a bin the evolution realised over the change the MILP predicted.

    ``r_b = (F_b(x_{k+1}) - F_b(x_k)) / (e_b . (x_{k+1} - x_k))`` [-], clipped to
    [:data:`RATIO_MIN`, :data:`RATIO_MAX`] (a change of the wrong sign gives ``RATIO_MIN``).
    Bins whose predicted change is smaller than ``relevant`` [fragments] keep ``previous``.
    """
    p = np.asarray(predicted_change, dtype=float)
    real = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    told = np.abs(p) >= np.maximum(np.asarray(relevant, dtype=float), 1e-12)
    r = np.where(told, real / np.where(told, p, 1.0), np.asarray(previous, dtype=float))
    return np.asarray(np.clip(r, RATIO_MIN, RATIO_MAX), dtype=float)


def corrected_cap(target: np.ndarray, now: np.ndarray, linear_now: np.ndarray,
                  ratio: np.ndarray) -> np.ndarray:
    """``G_b``: the MILP's cap on ``sum e_b x`` around the plan ``x_k``, corrected.

    ``G_b = e_b . x_k + h_b / rho_b`` [fragments] with the headroom ``h_b = T_b - F_b(x_k)``
    and ``rho_b = min(r_b, 1)`` where ``h_b < 0`` (the bin must shed fragments: ask for
    ``1 / r_b`` times the predicted reduction when the last step realised ``r_b < 1`` of it),
    ``rho_b = max(r_b, 1)`` where ``h_b >= 0`` (the bin may grow: allow ``1 / r_b`` of the
    headroom when the last step realised ``r_b > 1`` of its predicted change). The correction
    only tightens; with ``r_b = 1`` it is the plain linearisation
    ``G_b = T_b - F_b(x_k) + e_b . x_k``.
    """
    h = np.asarray(target, dtype=float) - np.asarray(now, dtype=float)
    r = np.asarray(ratio, dtype=float)
    rho = np.where(h < 0, np.minimum(r, 1.0), np.maximum(r, 1.0))
    return np.asarray(np.asarray(linear_now, dtype=float) + h / rho, dtype=float)


def _bin_list(labels: list[str], bins: np.ndarray, ratio: np.ndarray, multiple: float,
              most: int = 4) -> str:
    """``"550-600km (1.50x), ..."``, worst first, with the digits the limit needs."""
    digits = min(max(2, int(np.ceil(-np.log10(multiple - 1.0) - 1e-9)) + 1), 6)
    order = sorted(bins, key=lambda b: -ratio[b])
    text = ", ".join(f"{labels[b]} ({ratio[b]:.{digits}f}x)" for b in order[:most])
    return text + (f" and {len(order) - most} more" if len(order) > most else "")


def sustainable_plan(setup: EnvironmentSetup, table: CoefficientTable, model: DeploymentModel,
                     solve: Callable[[DeploymentModel], Plan], multiple: float,
                     max_iterations: int = 6) -> SustainableResult:
    """Re-solve the MILP against the evolution until the plan meets the limit and settles.

    Module notes. A round whose MILP is infeasible (or stops without a plan) ends the loop with
    ``stop_reason`` saying so; it does not raise.
    """
    inputs = table.inputs
    model.update(replace(inputs, sustainability=None))
    free = solve(model)
    ref = reference_run(setup)
    f_ref = ref.count("fragment")[-1, 0]
    judged = np.flatnonzero(f_ref >= JUDGED_FRAGMENTS)
    target = limit_target(f_ref, multiple)
    relevant = RATIO_STEP * (multiple - 1.0) * f_ref
    labels = _bin_labels(setup)
    classes = {c.name: c for c in inputs.classes}
    life = np.array([c.design_life_years for c in inputs.classes], dtype=float)
    n_cy = satellite_years_per_launch(life, len(inputs.years), setup.years,
                                      setup.after_horizon == "replace")
    s_index = {sh.key: i for i, sh in enumerate(inputs.shells)}
    c_index = {name: j for j, name in enumerate(classes)}
    free_run = plan_run(setup, groups_from_table(free, table))
    free_fig = environment_figures(free_run, ref)
    plan, run, fig = free, free_run, free_fig
    met = (plan, run, fig) if meets(fig.max_bin_ratio, multiple) else None
    now = run.count("fragment")[-1, 0]
    ratio = np.ones(len(labels))
    rounds: list[SustainabilityRound] = []
    converged = False
    stop_reason = ""
    for it in range(1, max_iterations + 1):
        base = groups_from_table(plan, table)
        e = fragments_per_sustained_satellite(setup, table, base)
        per_launch = {}
        for (s_key, c_name), de in e.items():
            c = c_index[c_name]
            per_launch[(s_key, c_name)] = de[:, None] / setup.years * n_cy[c][None, :]

        def linear(launches: np.ndarray, rows: dict[tuple[str, str], np.ndarray]
                   = per_launch) -> np.ndarray:
            out = np.zeros(len(labels))
            for (s_key, c_name), r in rows.items():
                out += r @ launches[s_index[s_key], c_index[c_name]]
            return out

        linear_now = linear(plan.launches)
        cap = corrected_cap(target, now, linear_now, ratio)
        limited = replace(inputs, sustainability=SustainabilityLimit(
            [labels[b] for b in judged],
            {k: v[judged].tolist() for k, v in per_launch.items()}, cap[judged].tolist()))
        model.update(limited)
        try:
            new = solve(model)
        except DeploymentInfeasible as exc:
            over = judged[now[judged] > target[judged]]
            stop_reason = (
                f"infeasible: in round {it} the MILP has no plan with every bin within "
                f"{multiple:g}x its fragments without the plan (the linearised limit, "
                "corrected); over the limit now: "
                f"{_bin_list(labels, over, now / np.maximum(f_ref, 1e-12), multiple) or 'none'}; "
                f"{exc.diagnosis.message}")
            break
        except DeploymentSolveError as exc:
            stop_reason = f"no plan: round {it}: {exc}"
            break
        changed = _changed(plan.launches, new.launches)
        predicted = now + linear(new.launches) - linear_now
        run = plan_run(setup, groups_from_table(new, table))
        fig = environment_figures(run, ref)
        after = run.count("fragment")[-1, 0]
        ratio = secant_ratio(now, after, predicted - now, ratio, relevant)
        worst_predicted = float(np.max(predicted[judged] / f_ref[judged])) if len(judged) else 1.0
        rounds.append(SustainabilityRound(
            it, list(new.shells_used), new.total_compute_pflop_years, int(new.launches.sum()),
            fig.max_bin_ratio, fig.environment_50y, changed, worst_predicted))
        plan, now = new, after
        if meets(fig.max_bin_ratio, multiple):
            met = (plan, run, fig)
            if not changed:
                converged = True
                stop_reason = f"met and stable after {it} round(s)"
                break
    if not stop_reason:
        n = len(rounds)
        if met is not None and met[0] is plan:
            stop_reason = (f"met, not stable: the plan of round {n} meets the limit but still "
                           f"moved; max_iterations ({max_iterations}) reached")
        else:
            stop_reason = (f"limit not met after {n} rounds (max_iterations): worst bin "
                           f"{fig.max_bin_ratio:.2f}x for a limit of {multiple:g}x")
    if met is not None and met[0] is not plan:
        kept = next((r.iteration for r in rounds[::-1] if meets(r.max_bin_ratio, multiple)), 0)
        stop_reason += (f"; keeping the plan of round {kept}, the last that met the limit"
                        if kept else "; keeping the plan without the limit, which meets it")
        plan, run, fig = met
    return SustainableResult(plan, free, fig, free_fig, multiple, run, rounds, converged,
                             stop_reason)


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
            rounds=list(limit.rounds),
            stop_reason=limit.stop_reason)
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
