"""A study's plans in the long-term environment evolution (orbitdc evolve).

Adapters from a study (its ``[risk]`` and ``[sustainability]`` sections) and from a plan (the
MILP's :class:`~orbitdc.deploy.Plan`, the ``schedule`` of an ``orbitdc optimize`` JSON, or a
trial's :class:`~orbitdc.study.summary.TrialSummary`) to :mod:`orbitdc.evolution`'s inputs,
and the no-plan reference run, computed once per process for a set of assumptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.errors import InputError
from orbitdc.evolution.metrics import EnvironmentFigures, environment_figures
from orbitdc.evolution.model import EvolutionResult, simulate
from orbitdc.evolution.scenario import (
    BackgroundTraffic,
    EvolutionConfig,
    PlanGroup,
    background_names,
    build_scenario,
    physics,
)
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.risk.model import RiskSettings, Satellite
from orbitdc.spec.read import LoadedStudy
from orbitdc.study.adapters import study_risk_settings, study_technology


@dataclass(frozen=True)
class EnvironmentSetup:
    """Everything an evolution of a study's plans assumes."""

    settings: RiskSettings
    config: EvolutionConfig
    traffic: BackgroundTraffic
    after_horizon: str
    start_year: int
    years: int

    def key(self) -> tuple[Any, ...]:
        """What the reference run depends on."""
        s = self.settings
        return (s.activity, s.atmosphere, s.models_dir, s.population, s.pc_threshold,
                s.encounter, s.uncoordinated_fraction, s.fragment_drag_coefficient,
                self.config, self.traffic, self.start_year, self.years)


def setup_for(loaded: LoadedStudy | None = None, *, years: int | None = None,
              background: str | None = None, after_horizon: str | None = None,
              start_year: int | None = None, models_dir: str | None = None,
              **risk: Any) -> EnvironmentSetup:
    """The evolution assumptions of a study (or, without one, of the catalogs).

    Options given here override the study's ``[sustainability]`` section.
    """
    if loaded is not None:
        sus = loaded.spec.sustainability
        settings = study_risk_settings(loaded)
        folder = settings.models_dir
        years = years or sus.years
        background = background or sus.background
        after_horizon = after_horizon or sus.after_horizon
        start_year = start_year or loaded.spec.deployment.start_year
        config = EvolutionConfig.from_catalog(folder, bin_width_km=sus.bin_width_km)
    else:
        settings = RiskSettings.from_catalogs(models_dir, **risk)
        folder = settings.models_dir
        config = EvolutionConfig.from_catalog(folder)
        start_year = start_year or int(settings.start_year)
    name = background or "sustained"
    if name not in background_names(folder):
        raise InputError("background", name, "must be one of " + ", ".join(
            background_names(folder)) + " (models/background_traffic.csv)")
    return EnvironmentSetup(settings, config, BackgroundTraffic.named(name, folder),
                            after_horizon or "replace", int(start_year),
                            int(years or config.horizon_years))


_REFERENCE: dict[tuple[Any, ...], EvolutionResult] = {}


def reference_run(setup: EnvironmentSetup, env: DebrisEnvironment | None = None
                  ) -> EvolutionResult:
    """The no-plan scenario of ``setup`` (cached per process)."""
    key = setup.key()
    if key not in _REFERENCE:
        env = env or DebrisEnvironment.load(directory=setup.settings.models_dir)
        sc = build_scenario([], settings=setup.settings, config=setup.config,
                            traffic=setup.traffic, start_year=setup.start_year,
                            years=setup.years, environment=env, label="no plan")
        _REFERENCE[key] = simulate(sc, physics(setup.settings, env, setup.config))
    return _REFERENCE[key]


def plan_run(setup: EnvironmentSetup, groups: Sequence[PlanGroup],
             env: DebrisEnvironment | None = None, label: str = "plan") -> EvolutionResult:
    """The scenario of a plan's groups."""
    env = env or DebrisEnvironment.load(directory=setup.settings.models_dir)
    sc = build_scenario(list(groups), settings=setup.settings, config=setup.config,
                        traffic=setup.traffic, start_year=setup.start_year, years=setup.years,
                        after_horizon=setup.after_horizon, environment=env, label=label)
    return simulate(sc, physics(setup.settings, env, setup.config))


@dataclass(frozen=True, eq=False)
class Evolution:
    """A plan's evolution, the no-plan reference and the figures comparing them."""

    setup: EnvironmentSetup
    reference: EvolutionResult
    plan: EvolutionResult | None
    figures: EnvironmentFigures | None

    @property
    def main(self) -> EvolutionResult:
        """The plan's run, or the reference when there is no plan."""
        return self.plan or self.reference


def evolve_groups(setup: EnvironmentSetup, groups: Sequence[PlanGroup] | None) -> Evolution:
    """Run the reference and (with groups) the plan; compare them."""
    env = DebrisEnvironment.load(directory=setup.settings.models_dir)
    ref = reference_run(setup, env)
    if groups is None:
        return Evolution(setup, ref, None, None)
    run = plan_run(setup, groups, env)
    return Evolution(setup, ref, run, environment_figures(run, ref))


def _group(name: str, design: Satellite, disposal_km: float, launches: Sequence[float],
           last: float) -> PlanGroup:
    return PlanGroup(name, design, float(disposal_km), np.asarray(launches, dtype=float),
                     float(last))


def groups_from_table(plan: Any, table: Any) -> list[PlanGroup]:
    """Groups of a MILP plan, with the designs of its coefficient table."""
    out = []
    for s, key in enumerate(plan.shell_keys):
        for c, name in enumerate(plan.class_names):
            if plan.active[s, c].sum() == 0:
                continue
            risk = table.risks[(key, name)]
            out.append(_group(f"{name}@{key}", table.designs[(key, name)],
                              risk.disposal_altitude_km, plan.launches[s, c],
                              plan.active[s, c, -1]))
    return out


def groups_from_summary(summary: Any) -> list[PlanGroup]:
    """Groups of a stored trial (its shells and designs)."""
    designs = {(d.shell_key, d.class_name): d for d in summary.designs}
    out = []
    for shell in summary.shells:
        for name, launched in shell.launched_by_class.items():
            d = designs[(shell.key, name)]
            out.append(_group(f"{name}@{shell.key}", d.satellite, d.risk.disposal_altitude_km,
                              launched, shell.in_service_by_class[name][-1]))
    return out


def groups_from_schedule(loaded: LoadedStudy, plan: Mapping[str, Any]) -> tuple[
        list[PlanGroup], list[int]]:
    """Groups of an ``orbitdc optimize`` plan (its ``schedule`` rows), sized as the optimiser.

    Returns the groups and the plan's years.
    """
    from orbitdc.environment.debris import DebrisEnvironment as _Env
    from orbitdc.study.coefficients import size_and_assess

    years = [int(r["year"]) for r in plan.get("years", [])]
    rows = plan.get("schedule", [])
    if not years:
        years = sorted({int(r["year"]) for r in rows})
    spec = loaded.spec
    powers = {c.name: c.power_kw for c in spec.classes}
    settings = study_risk_settings(loaded)
    tech = study_technology(loaded)
    env = _Env.load(directory=loaded.models_dir)
    by_pair: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        pair = by_pair.setdefault((r["shell"], r["size_class"]), {
            "altitude": float(r["altitude_km"]), "inclination": str(r["inclination"]),
            "launched": np.zeros(len(years)), "active": np.zeros(len(years))})
        k = years.index(int(r["year"]))
        pair["launched"][k] += float(r["launched_sats"])
        pair["active"][k] += float(r["active_sats"])
    out = []
    t = spec.technology
    for (shell, name), pair in sorted(by_pair.items()):
        if name not in powers:
            raise InputError("plan.schedule.size_class", name,
                             f"must be a class of {loaded.path.name}: " + ", ".join(powers))
        family = InclinationFamily.parse(pair["inclination"], "plan.schedule.inclination")
        design, risk = size_and_assess(powers[name], pair["altitude"], family, tech, settings,
                                       env, radiator_temp_k=t.radiator_temp_k,
                                       design_life_years=t.design_life_years,
                                       eclipse_load_fraction=t.eclipse_load_fraction)
        out.append(_group(f"{name}@{shell}", design, risk.disposal_altitude_km,
                          pair["launched"], pair["active"][-1]))
    return out, years


def with_years(setup: EnvironmentSetup, **changes: Any) -> EnvironmentSetup:
    """The same setup with some fields changed."""
    return replace(setup, **changes)


#: Kinds of object shown in the plots, in order, with their labels.
KIND_LABELS = {"active": "active satellites", "disposal": "satellites in disposal",
               "derelict": "derelicts", "rocket_body": "rocket bodies",
               "fragment": "fragments"}


def evolution_series(evolution: Evolution) -> dict[str, Any]:
    """The numbers the evolution chart draws (:func:`orbitdc.report.figures.evolution_chart`)."""
    main, ref = evolution.main, evolution.reference

    def by_kind(run: EvolutionResult) -> dict[str, list[float]]:
        return {label: [float(v) for v in run.count(kind)[:, 0].sum(axis=1)]
                for kind, label in KIND_LABELS.items() if run.mask(kind).any()}

    return {"years": [int(y) for y in main.years],
            "altitude_bins_km": [float(h) for h in main.grid.lower_km],
            "bin_width_km": main.grid.width_km,
            "by_kind": by_kind(main), "by_kind_reference": by_kind(ref),
            "has_plan": evolution.plan is not None,
            "debris": np.round(main.debris()[:, 0], 3).tolist()}


def by_class(plan: Any) -> dict[str, int]:
    """Satellites launched per class of a plan."""
    return {name: int(plan.launches[:, c].sum()) for c, name in enumerate(plan.class_names)
            if plan.launches[:, c].sum() > 0}
