"""The Python API: everything the command line does, callable in a few lines.

>>> import orbitdc
>>> study = orbitdc.load_study("studies/baseline.toml")
>>> best = study.optimize("ratio")                 # the deployment MILP at the study's point
>>> best.plan.totals()["shells used"]              # doctest: +SKIP
>>> design = orbitdc.size_satellite(power_kw=100, altitude_km=550, inclination="dawn-dusk")
>>> risk = orbitdc.assess_risk(design, satellites=1000)

A :class:`Study` wraps a validated study file and offers its stages: :meth:`Study.size`,
:meth:`Study.coefficients`, :meth:`Study.optimize`, :meth:`Study.run` (the Optuna search),
:meth:`Study.report`. The module-level functions work without a study file. The CLI
(:mod:`orbitdc.cli`) is a thin layer over these functions: it parses options, calls them and
prints.

Heavy dependencies (Pyomo, Optuna, the screening engine) are imported only by the calls that
need them, so ``import orbitdc`` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitdc.errors import InputError
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.results import (
    atomic_write_text,
    check_manifest,
    study_results_dir,
    writable_dir,
    write_csv,
    write_manifest,
)
from orbitdc.spec.read import LoadedStudy, read_study
from orbitdc.spec.schema import Technology

if TYPE_CHECKING:
    import optuna

    from orbitdc.deploy import ParetoFront, Plan, RatioResult, SolverOptions
    from orbitdc.report.build import ReportFiles
    from orbitdc.risk.model import (
        GenericSatellite,
        IntraCoefficients,
        RiskSettings,
        Satellite,
        SatelliteRisk,
        ShellRisk,
    )
    from orbitdc.sizing.satellite import SatelliteDesign
    from orbitdc.slots import SlotBudget, SlotPattern, SlotSurvey
    from orbitdc.study.coefficients import CoefficientTable, DesignPoint
    from orbitdc.study.runner import Progress as RunProgress
    from orbitdc.study.runner import RunOptions

#: Plane counts each cell of :func:`slot_survey` examines (a single shell's search: 192).
SURVEY_PLANES_BUDGET = 48

#: Objectives of :meth:`Study.optimize`.
OBJECTIVES = ("ratio", "pareto", "min-cost")

ProgressCallback = Callable[[int, int], None]

__all__ = [
    "OBJECTIVES",
    "Optimization",
    "RiskAssessment",
    "ScreeningObjects",
    "SizedDesign",
    "Study",
    "assess_risk",
    "EvolutionReport",
    "build_report",
    "evolve",
    "find_slots",
    "generic_satellite",
    "size_and_assess_risk",
    "load_study",
    "read_population",
    "risk_settings",
    "satellite_technology",
    "screen",
    "size_satellite",
    "slot_budget",
    "slot_separation",
    "slot_survey",
]


# ---- one satellite, no study file ----------------------------------------------------------
def satellite_technology(
    models_dir: str | os.PathLike[str] | None = None, **choices: str | None
) -> Any:
    """The technology set of a satellite from catalog names (study defaults where ``None``).

    Keyword arguments are the ``[technology]`` names of a study file: ``solar_array``,
    ``radiator``, ``battery``, ``accelerator``, ``bus``, ``environment``. The defaults are the
    study schema's (:class:`orbitdc.spec.schema.Technology`), so the command line, a study file
    and this function agree.
    """
    from orbitdc.sizing import SatelliteTechnology

    names = ("solar_array", "radiator", "battery", "accelerator", "bus", "environment")
    unknown = sorted(set(choices) - set(names))
    if unknown:
        raise InputError("technology", unknown[0], "must be one of " + ", ".join(names))
    defaults = Technology()
    chosen = {n: choices.get(n) or getattr(defaults, n) for n in names}
    return SatelliteTechnology.from_catalogs(**chosen, directory=models_dir)


def size_satellite(
    power_kw: float,
    altitude_km: float,
    inclination: str | float | InclinationFamily = "dawn-dusk",
    *,
    radiator_temp_k: float | None = None,
    design_life_years: float | None = None,
    eclipse_load_fraction: float | None = None,
    beta_deg: float | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    **technology: str | None,
) -> SatelliteDesign:
    """Size one satellite: array, radiator, battery, masses, geometry and compute.

    Parameters
    ----------
    power_kw : float [kW]
        Compute power.
    altitude_km : float [km]
    inclination : str, float or InclinationFamily
        Degrees, ``"sso"``, ``"dawn-dusk"`` or ``"sso-HH.H"``.
    radiator_temp_k, design_life_years, eclipse_load_fraction : float, optional
        Study-schema defaults where ``None``.
    beta_deg : float, optional [deg]
        Size for this fixed Sun beta angle instead of the year's range.
    models_dir : path, optional
        Catalog folder (default ``models/``).
    **technology : str
        Catalog names (:func:`satellite_technology`).
    """
    from orbitdc.sizing import size_satellite as _size

    defaults = Technology()
    family = (inclination if isinstance(inclination, InclinationFamily)
              else InclinationFamily.parse(inclination, "inclination"))
    return _size(
        power_kw, altitude_km, family, satellite_technology(models_dir, **technology),
        radiator_temp_k=defaults.radiator_temp_k if radiator_temp_k is None else radiator_temp_k,
        design_life_years=(defaults.design_life_years if design_life_years is None
                           else design_life_years),
        eclipse_load_fraction=(defaults.eclipse_load_fraction if eclipse_load_fraction is None
                               else eclipse_load_fraction),
        beta_deg=beta_deg,
    )


def risk_settings(models_dir: str | os.PathLike[str] | None = None,
                  **overrides: object) -> RiskSettings:
    """Risk-model assumptions: ``models/operations.csv`` numbers, overridden (``None`` keeps)."""
    from orbitdc.risk.model import RiskSettings

    return RiskSettings.from_catalogs(models_dir, **overrides)


def generic_satellite(
    *,
    mass_kg: float,
    cross_section_m2: float,
    hard_body_radius_m: float,
    altitude_km: float,
    inclination: str | float | InclinationFamily = "53",
    design_life_years: float | None = None,
    models_dir: str | os.PathLike[str] | None = None,
) -> GenericSatellite:
    """A satellite to assess without sizing it: mass, mean cross-section, hard-body radius.

    Its drag coefficient is the bus catalog's; the design life defaults to the study schema's.
    """
    from orbitdc.risk.model import GenericSatellite

    family = (inclination if isinstance(inclination, InclinationFamily)
              else InclinationFamily.parse(inclination, "inclination"))
    tech = satellite_technology(models_dir)
    return GenericSatellite(
        altitude_km=altitude_km,
        inclination_deg=family.inclination_deg(altitude_km),
        total_mass_kg=mass_kg,
        cross_section_m2=cross_section_m2,
        hard_body_radius_m=hard_body_radius_m,
        design_life_years=(Technology().design_life_years if design_life_years is None
                           else design_life_years),
        drag_coefficient=tech.bus.drag_coefficient,
    )


@dataclass(frozen=True)
class RiskAssessment:
    """Risk of one satellite and of a shell of ``satellites`` copies of it."""

    design: Satellite
    settings: RiskSettings
    satellite: SatelliteRisk
    shell: ShellRisk
    intra: IntraCoefficients

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary with unit-named keys (the ``orbitdc risk --json`` layout)."""
        from orbitdc.risk.model import METRICS

        d = self.design
        s = self.settings
        return {
            "satellite": {
                "power_compute_kw": getattr(d, "power_compute_kw", None),
                "total_mass_kg": d.total_mass_kg,
                "collision_cross_section_m2": self.satellite.collision_cross_section_m2,
                "hard_body_radius_m": d.hard_body_radius_m,
                "ballistic_coefficient_kg_m2": d.ballistic_coefficient_kg_m2,
            },
            "per_satellite": self.satellite.to_dict(),
            "per_shell": self.shell.to_dict(),
            "intra_k_per_sat2_year": {m: self.intra.metric(m) for m in METRICS},
            "settings": {"operator": s.operator, "activity": s.activity,
                         "start_year": s.start_year, "population": s.population,
                         "background_growth": s.background_growth,
                         "pc_threshold": s.pc_threshold, "coordinated": s.coordinated},
            "warnings": list(self.shell.warnings),
        }


def assess_risk(
    design: Satellite,
    *,
    satellites: int = 1,
    settings: RiskSettings | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    **overrides: object,
) -> RiskAssessment:
    """Debris risk of a sized satellite and of a shell of ``satellites`` of them.

    ``settings`` defaults to :func:`risk_settings` with ``overrides`` (``activity``,
    ``pc_threshold``, ``coordinated``, ``min_separation_km``, ``shell_thickness_km``, ...).
    """
    from orbitdc.environment.debris import DebrisEnvironment
    from orbitdc.risk.model import assess_satellite, assess_shell, intra_coefficients

    settings = settings or risk_settings(models_dir, **overrides)
    env = DebrisEnvironment.load(directory=models_dir)
    sat = assess_satellite(design, settings, env)
    return RiskAssessment(
        design=design,
        settings=settings,
        satellite=sat,
        shell=assess_shell(design, satellites, settings, env, satellite=sat),
        intra=intra_coefficients(design, sat, settings),
    )


def size_and_assess_risk(
    power_kw: float,
    altitude_km: float,
    inclination: str | float | InclinationFamily = "53",
    *,
    satellites: int = 1,
    models_dir: str | os.PathLike[str] | None = None,
    radiator_temp_k: float | None = None,
    design_life_years: float | None = None,
    eclipse_load_fraction: float | None = None,
    technology: dict[str, str | None] | None = None,
    **overrides: object,
) -> RiskAssessment:
    """Size a satellite with the propulsion its orbit needs, then assess it (as the optimiser).

    ``technology`` holds catalog names (:func:`satellite_technology`); ``overrides`` risk
    settings (:func:`risk_settings`).
    """
    from orbitdc.environment.debris import DebrisEnvironment
    from orbitdc.risk.model import assess_shell, intra_coefficients
    from orbitdc.study.coefficients import size_and_assess

    defaults = Technology()
    settings = risk_settings(models_dir, **overrides)
    env = DebrisEnvironment.load(directory=models_dir)
    family = (inclination if isinstance(inclination, InclinationFamily)
              else InclinationFamily.parse(inclination, "inclination"))
    design, sat = size_and_assess(
        power_kw, altitude_km, family, satellite_technology(models_dir, **(technology or {})),
        settings, env,
        radiator_temp_k=defaults.radiator_temp_k if radiator_temp_k is None else radiator_temp_k,
        design_life_years=(defaults.design_life_years if design_life_years is None
                           else design_life_years),
        eclipse_load_fraction=(defaults.eclipse_load_fraction if eclipse_load_fraction is None
                               else eclipse_load_fraction))
    return RiskAssessment(design, settings, sat,
                          assess_shell(design, satellites, settings, env, satellite=sat),
                          intra_coefficients(design, sat, settings))


@dataclass(frozen=True)
class ScreeningObjects:
    """Objects to screen, read from a catalog file or a Walker specification.

    Attributes
    ----------
    population : Population
    source : str
        The catalog file or Walker specification.
    skipped : tuple of str
        ``FILE:LINE: reason`` of every catalog record left out (only with
        ``skip_bad_records``).
    """

    population: Any
    source: str
    skipped: tuple[str, ...] = ()


def read_population(
    text: str, epoch: Any, *, field: str = "catalog", skip_bad_records: bool = False
) -> ScreeningObjects:
    """Objects of a catalog file (TLE, 3LE, OMM) or a ``walker:ALT_KM:INC:T/P/F`` shell.

    A catalog record that cannot be used (bad checksum, short or missing line, a letter in a
    numeric field, a record SGP4 rejects) is never dropped silently: it raises
    :class:`~orbitdc.environment.catalog.BadRecordsError`, which names every such record as
    ``FILE:LINE: reason``; with ``skip_bad_records`` the other records are used and the
    rejected ones listed in :attr:`ScreeningObjects.skipped`.
    """
    from orbitdc.environment.catalog import iter_problems, read_catalog
    from orbitdc.screening import Population, parse_population_spec

    if text.lower().startswith("walker:") or not Path(text).is_file():
        return ScreeningObjects(parse_population_spec(text, epoch, field), text)
    catalog = read_catalog(text)
    if not skip_bad_records:
        catalog.require_clean()
    return ScreeningObjects(Population.from_catalog(catalog), text,
                            tuple(iter_problems(catalog)))


def screen(*args: Any, **kwargs: Any) -> Any:
    """Conjunction screening (:func:`orbitdc.screening.screen`, same arguments)."""
    from orbitdc.screening import screen as _screen

    return _screen(*args, **kwargs)


# ---- orbital slots ----------------------------------------------------------------------------
def slot_budget(models_dir: str | os.PathLike[str] | None = None,
                **overrides: float | None) -> SlotBudget:
    """Station-keeping box and knowledge error of a slot (``models/slots.csv``, overridden)."""
    from orbitdc.slots import SlotBudget

    return SlotBudget.from_catalogs(models_dir, **overrides)


def slot_separation(
    *,
    hard_body_radius_m: float | None = None,
    power_kw: float | None = None,
    altitude_km: float = 550.0,
    inclination: str | float | InclinationFamily = "53",
    budget: SlotBudget | None = None,
    models_dir: str | os.PathLike[str] | None = None,
) -> tuple[float, float, float]:
    """Required separation within a shell and radial spacing of stacked shells [km, km].

    The hard-body radius is given, or that of a satellite of ``power_kw`` sized at the shell
    (:func:`size_satellite`), or the catalog's reference radius. Returns
    ``(min_separation_km, radial_spacing_km, hard_body_radius_m)``
    (:func:`orbitdc.slots.budget.required_separation_km`, ``radial_spacing_km``).
    """
    from orbitdc.slots import radial_spacing_km, required_separation_km

    budget = budget or slot_budget(models_dir)
    if hard_body_radius_m is None:
        if power_kw is not None:
            design = size_satellite(power_kw, altitude_km, inclination, models_dir=models_dir)
            hard_body_radius_m = design.hard_body_radius_m
        else:
            hard_body_radius_m = budget.reference_hard_body_radius_m
    return (required_separation_km(hard_body_radius_m, budget),
            radial_spacing_km(hard_body_radius_m, budget), float(hard_body_radius_m))


def find_slots(
    altitude_km: float,
    inclination: str | float | InclinationFamily = "53",
    min_separation_km: float | None = None,
    *,
    power_kw: float | None = None,
    hard_body_radius_m: float | None = None,
    max_satellites: int | None = None,
    planes_budget: int | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
) -> SlotPattern:
    """The self-safe Walker pattern with the most satellites found for one shell.

    Without ``min_separation_km`` the separation is the one a satellite needs
    (:func:`slot_separation`: ``power_kw`` sized, a ``hard_body_radius_m``, or the catalog's
    reference radius). The pattern is verified with SGP4
    (:func:`orbitdc.slots.search.find_pattern`).
    """
    from orbitdc.slots.search import PLANES_BUDGET, find_pattern

    if min_separation_km is None:
        min_separation_km = slot_separation(hard_body_radius_m=hard_body_radius_m,
                                            power_kw=power_kw, altitude_km=altitude_km,
                                            inclination=inclination, models_dir=models_dir)[0]
    family = (inclination if isinstance(inclination, InclinationFamily)
              else InclinationFamily.parse(inclination, "inclination"))
    return find_pattern(altitude_km, family, min_separation_km, max_satellites=max_satellites,
                        planes_budget=planes_budget or PLANES_BUDGET, progress=progress)


def slot_survey(
    altitude_min_km: float = 400.0,
    altitude_max_km: float = 1200.0,
    inclinations: Sequence[str | float | InclinationFamily] = ("53",),
    min_separation_km: float | None = None,
    *,
    radial_spacing_km: float | None = None,
    altitude_step_km: float = 50.0,
    power_kw: float | None = None,
    hard_body_radius_m: float | None = None,
    planes_budget: int | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
) -> SlotSurvey:
    """Slots of every stacked shell between two altitudes (:func:`orbitdc.slots.slot_survey`).

    The separation and radial spacing default to those of ``power_kw``, ``hard_body_radius_m``
    or the catalog's reference radius (:func:`slot_separation`); each cell's search examines
    :data:`SURVEY_PLANES_BUDGET` plane counts unless ``planes_budget`` says otherwise.
    """
    from orbitdc.slots import slot_survey as _survey

    separation, spacing, _ = slot_separation(hard_body_radius_m=hard_body_radius_m,
                                             power_kw=power_kw, models_dir=models_dir)
    return _survey(altitude_min_km, altitude_max_km, list(inclinations),
                   min_separation_km if min_separation_km is not None else separation,
                   radial_spacing_km if radial_spacing_km is not None else spacing,
                   altitude_step_km=altitude_step_km,
                   planes_budget=planes_budget or SURVEY_PLANES_BUDGET, progress=progress)


def build_report(directories: Sequence[str | os.PathLike[str]], **kwargs: Any) -> ReportFiles:
    """Write the report of a results folder (:func:`orbitdc.report.build.build_report`)."""
    from orbitdc.report.build import build_report as _build

    folders = [Path(d) for d in directories]
    if folders:  # the report is written into the first folder: check it before reading trials
        writable_dir(folders[0], create=False)
    return _build(folders, **kwargs)


# ---- the long-term environment ---------------------------------------------------------------
@dataclass
class EvolutionReport:
    """The outcome of :func:`evolve`: the plan's run, the no-plan reference and their figures.

    Attributes
    ----------
    source : str
        What was evolved (a plan file, a study's trial, or the reference alone).
    evolution : orbitdc.study.environment.Evolution
    """

    source: str
    evolution: Any

    def to_dict(self) -> dict[str, Any]:
        """The ``orbitdc evolve --json`` document.

        ``years``, ``altitude_bins_km`` (lower edges), ``populations`` (species ->
        [year][bin]), ``total`` ([year], all species), ``collisions`` ([year], cumulative
        catastrophic), the metrics and the reference's totals.
        """
        ev = self.evolution
        main = ev.main.to_dict()
        ref = ev.reference.to_dict()
        setup = ev.setup
        return {
            "source": self.source,
            **{k: main[k] for k in ("years", "altitude_bins_km", "bin_width_km", "populations",
                                    "total", "collisions")},
            "species": main["species"],
            "metrics": {} if ev.figures is None else ev.figures.to_dict(),
            "reference": {"total": ref["total"], "collisions": ref["collisions"],
                          "debris": [float(v) for v in ev.reference.debris()[:, 0].sum(axis=1)]},
            "debris": [float(v) for v in ev.main.debris()[:, 0].sum(axis=1)],
            "assumptions": {"background": setup.traffic.name,
                            "after_horizon": setup.after_horizon,
                            "activity": setup.settings.activity,
                            "atmosphere": setup.settings.atmosphere,
                            "start_year": setup.start_year, "years": setup.years},
            "wall_s": ev.main.wall_s + (0.0 if ev.plan is None else ev.reference.wall_s),
        }

    def write(self, directory: str | os.PathLike[str]) -> list[Path]:
        """``evolution.json`` and the chart (``evolution.png``, ``.svg``) in ``directory``."""
        import json

        from orbitdc.report.figures import evolution_chart
        from orbitdc.study.environment import evolution_series

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        path = out / "evolution.json"
        atomic_write_text(path, json.dumps(self.to_dict()))
        chart = evolution_chart(evolution_series(self.evolution), self.source)
        return [path, *chart.finish("evolution-", out, "evolution").files]


def evolve(
    source: str | os.PathLike[str] | None = None,
    *,
    design: int | None = None,
    plan: str | None = None,
    years: int | None = None,
    background: str | None = None,
    after_horizon: str | None = None,
    no_launches: bool = False,
    results_dir: str | os.PathLike[str] = "results",
    storage: str | None = None,
    models_dir: str | os.PathLike[str] | None = None,
) -> EvolutionReport:
    """The long-term environment with a plan, against the same years without it.

    Parameters
    ----------
    source : path, optional
        A plan written by ``orbitdc optimize`` (``results/<study>/optimize/ratio.json``;
        its study file gives the designs and assumptions), or a study file with ``design``
        (a trial of its stored study). ``None`` with ``no_launches``: the reference alone.
    design : int, optional
        Trial number of a study.
    plan : str, optional
        Which plan of a Pareto file (``pareto_3``); default the one with the most compute per
        unit risk.
    years, background, after_horizon
        Override the study's ``[sustainability]`` (defaults: 50 years, ``sustained``
        background traffic of ``models/background_traffic.csv``, the fleet held after the
        horizon).
    no_launches : bool
        Evolve only the reference (no plan).
    """
    import json

    from orbitdc.study import environment as envmod

    groups = None
    loaded = None
    plan_years: list[int] = []
    label = "no launches"
    src = None if source is None else Path(source)
    if src is not None and src.suffix == ".json":
        if not src.is_file():
            raise InputError("PLAN", str(src), "must be a plan file written by orbitdc optimize")
        doc = json.loads(src.read_text())
        study_file = doc.get("study_file")
        if not study_file or not Path(study_file).is_file():
            raise InputError(f"{src.name}: study_file", study_file,
                             "must name the study file the plan was optimised for")
        loaded = read_study(Path(study_file))
        chosen = doc.get("plan")
        if chosen is None:
            plans = doc.get("plans", {})
            if not plans:
                raise InputError(f"{src.name}", "no plan", "must hold 'plan' or 'plans'")
            name = plan or max(plans, key=lambda k: plans[k]["totals"]["compute_per_risk"])
            if name not in plans:
                raise InputError("--plan", name, "must be one of " + ", ".join(plans))
            chosen, label = plans[name], f"{src.name}:{name}"
        else:
            label = src.name
        if not no_launches:
            groups, plan_years = envmod.groups_from_schedule(loaded, chosen)
    elif src is not None:
        loaded = read_study(src)
        if not no_launches:
            if design is None:
                raise InputError("--design", None, "must name a trial of the study (or give "
                                 "--no-launches)", source=str(src))
            groups = envmod.groups_from_summary(_trial_summary(loaded, design, results_dir,
                                                               storage))
            label = f"{loaded.name} trial {design}"
    elif not no_launches:
        raise InputError("PLAN", None, "give a plan file, a study file with --design, or "
                         "--no-launches")
    setup = envmod.setup_for(loaded, years=years, background=background,
                             after_horizon=after_horizon,
                             models_dir=None if models_dir is None else os.fspath(models_dir))
    if groups is not None and src is not None and src.suffix == ".json" and plan_years:
        setup = envmod.with_years(setup, start_year=plan_years[0])
    return EvolutionReport(label, envmod.evolve_groups(setup, groups))


def _trial_summary(loaded: LoadedStudy, design: int, results_dir: str | os.PathLike[str],
                   storage: str | None) -> Any:
    """The stored summary of one trial of a study."""
    import optuna

    from orbitdc.study.storage import default_storage_url, open_storage
    from orbitdc.study.summary import SummaryFormatError, summary_from_attrs

    folder = Path(results_dir) / loaded.name
    url = storage or default_storage_url(folder)
    if storage is None and not (folder / "study.db").is_file():
        raise InputError("--design", design, f"needs the stored study {folder / 'study.db'} "
                         "(run 'orbitdc run' first, or give --results-dir)")
    study = optuna.load_study(study_name=loaded.name, storage=open_storage(url))
    trials = {t.number: t for t in study.get_trials(deepcopy=False)}
    if design not in trials or not trials[design].user_attrs.get("shells"):
        raise InputError("--design", design, "must be a complete trial with a plan: "
                         + ", ".join(str(n) for n, t in sorted(trials.items())
                                     if t.user_attrs.get("shells"))[:200])
    try:
        return summary_from_attrs(trials[design].user_attrs)
    except SummaryFormatError as exc:
        raise InputError("--design", design, str(exc)) from exc


# ---- a study file ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SizedDesign:
    """One class sized on one candidate shell of a study."""

    class_name: str
    shell_key: str
    design: SatelliteDesign

    def row(self) -> dict[str, Any]:
        """One ``sizing.csv`` row."""
        return {"class": self.class_name, **self.design.to_dict()}


@dataclass
class Optimization:
    """The outcome of :meth:`Study.optimize`.

    Attributes
    ----------
    objective : str
        ``ratio``, ``pareto`` or ``min-cost``.
    plan : Plan
        The headline plan: the best ratio, the least cost, or the front point with the most
        compute per risk.
    plans : dict
        Every plan by name (``ratio``, ``min_cost``, ``pareto_0``...).
    ratio : RatioResult or None
    front : ParetoFront or None
    coefficients : CoefficientTable
        The numbers the MILP was given.
    notes : list of str
        What the user should know about the answer (a class that cannot be launched, compute
        that collapses after the target year...).
    """

    objective: str
    plan: Plan
    plans: dict[str, Plan]
    coefficients: CoefficientTable
    ratio: RatioResult | None = None
    front: ParetoFront | None = None
    study_file: str = ""
    study_sha256: str = ""
    points: list[dict[str, Any]] = field(default_factory=list)
    environment: Any = None
    notes: list[str] = field(default_factory=list)

    def slot_rows(self) -> list[dict[str, Any]]:
        """Slot utilisation of the headline plan's shells against their self-safe patterns.

        Per used shell: the pattern of each class (``walker:...``), its slots, the capacity the
        MILP used (``max_sats_per_shell`` may cap it), the peak satellites and the peak share of
        the pattern's slots in use, ``max_y sum_c N_scy / T_sc``.
        """
        plan, table = self.plan, self.coefficients
        rows = []
        for s, key in enumerate(plan.shell_keys):
            active = plan.active[s]  # (C, Y)
            if active.sum() == 0:
                continue
            share = np.zeros(active.shape[1])
            patterns = {}
            for c, name in enumerate(plan.class_names):
                slot = table.slots.get((key, name))
                if slot is None:
                    continue
                share += active[c] / max(slot.satellites, 1)
                patterns[name] = {"pattern": slot.pattern, "slots": slot.satellites,
                                  "min_separation_km": slot.min_separation_km,
                                  "required_separation_km": slot.required_separation_km}
            t = int(np.argmax(share))
            rows.append({"shell": key, "patterns": patterns,
                         "milp_capacity_by_class": {c: int(plan.class_capacity[s, j])
                                                    for j, c in enumerate(plan.class_names)},
                         "peak_satellites": int(active.sum(axis=0).max()),
                         "peak_slot_utilisation": float(share[t]) if patterns else None,
                         "peak_milp_utilisation": float(plan.occupancy[s].max()),
                         "peak_year": int(plan.years[t])})
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``orbitdc optimize`` writes and prints."""
        from dataclasses import asdict

        base: dict[str, Any] = {"objective": self.objective, "study_file": self.study_file,
                                "study_sha256": self.study_sha256, "notes": list(self.notes),
                                "slots": self.slot_rows()}
        if self.environment is not None:
            env = asdict(self.environment)
            env.pop("series", None)
            base["environment"] = env
        if self.ratio is not None:
            return {**base, "ratio": self.ratio.ratio,
                    "ratio_upper_bound": self.ratio.ratio_upper_bound,
                    "converged": self.ratio.converged, "plan": self.plan.to_dict()}
        if self.front is not None:
            return {**base, "points": self.points,
                    "plans": {k: p.to_dict() for k, p in self.plans.items()}}
        return {**base, "plan": self.plan.to_dict()}

    def write(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Plans as CSV, the front as CSV and the whole result as JSON in ``directory``."""
        import json

        out = Path(directory)
        written: list[Path] = []
        for name, plan in self.plans.items():
            written.extend(plan.to_csv(out, prefix=name))
        if self.front is not None:
            write_csv(out / "pareto_front.csv", self.points)
            written.append(out / "pareto_front.csv")
        path = out / f"{self.objective}.json"
        atomic_write_text(path, json.dumps(self.to_dict(), indent=1, default=str))
        written.append(path)
        return written


def load_study(path: str | os.PathLike[str]) -> Study:
    """Read and validate a study file; errors name the file, the field and the allowed range."""
    return Study(read_study(Path(path)))


class Study:
    """A validated study file and the stages that run on it.

    Parameters
    ----------
    loaded : LoadedStudy
        From :func:`orbitdc.spec.read_study` (or use :func:`load_study`).
    """

    def __init__(self, loaded: LoadedStudy):
        self.loaded = loaded

    def __repr__(self) -> str:
        return f"Study({self.name!r}, {str(self.path)!r})"

    # ---- identity ----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """``[study] name``: results go to ``results/<name>/``."""
        return self.loaded.name

    @property
    def path(self) -> Path:
        """The study file."""
        return self.loaded.path

    @property
    def sha256(self) -> str:
        """SHA-256 of the study file's bytes, stored with every result."""
        return self.loaded.sha256

    @property
    def spec(self) -> Any:
        """The validated :class:`~orbitdc.spec.schema.StudySpec`."""
        return self.loaded.spec

    @property
    def models_dir(self) -> Path:
        """Catalog folder in use."""
        return self.loaded.models_dir

    def results_dir(self, root: str | os.PathLike[str] = "results") -> Path:
        """``<root>/<name>``, created if needed; raises if it is not writable."""
        return study_results_dir(self.name, root)

    def open_results(self, root: str | os.PathLike[str] = "results", *,
                     allow_changed: bool = False, sub: str | None = None) -> Path:
        """The results folder a command is about to fill, checked before any work is done.

        ``<root>/<name>`` (and ``sub`` inside it) is created if needed and must be writable;
        if its ``manifest.json`` names another study file (another SHA-256: an edited copy
        that kept the ``[study] name``), it is refused unless ``allow_changed``.

        Raises
        ------
        orbitdc.results.ResultsFolderError
        """
        out = self.results_dir(root)
        check_manifest(out, study_path=self.path, sha256=self.sha256,
                       allow_changed=allow_changed)
        if sub:
            writable_dir(out / sub)
        return out

    def write_manifest(self, directory: str | os.PathLike[str], **extra: Any) -> Path:
        """Record the study file and its hash beside results."""
        return write_manifest(Path(directory), study_path=self.path, sha256=self.sha256,
                              **extra)

    # ---- stages ------------------------------------------------------------------------------
    def size(self) -> list[SizedDesign]:
        """Every class sized on every candidate shell."""
        from orbitdc.study.adapters import size_study

        return [SizedDesign(name, key, design) for name, key, design in size_study(self.loaded)]

    def coefficients(self, point: DesignPoint | None = None, *,
                     progress: ProgressCallback | None = None,
                     slot_cache: str | os.PathLike[str] | None = None) -> CoefficientTable:
        """Size, assess and cost every (shell, class) pair: the deployment MILP's inputs.

        ``slot_cache`` names a JSON file that keeps the slot searches of the candidate shells
        (``results/<study>/cache/slots.json`` for the command line); without it they are kept
        for this process only.
        """
        from orbitdc.study.coefficients import build_coefficients
        from orbitdc.study.slots import SlotCache

        cache = SlotCache(None if slot_cache is None else Path(slot_cache))
        return build_coefficients(self.loaded, point, progress=progress, slot_cache=cache)

    def risk(self, class_name: str, shell_key: str, *, satellites: int = 1,
             **overrides: object) -> RiskAssessment:
        """Risk of one class in one candidate shell, with the study's technology and settings.

        The satellite is sized with the propulsion its orbit needs, as the optimiser sees it;
        ``overrides`` change risk settings (``operator``, ``activity``, ``pc_threshold``...).
        """
        from dataclasses import replace as _replace

        from orbitdc.environment.debris import DebrisEnvironment
        from orbitdc.risk.model import assess_shell, intra_coefficients
        from orbitdc.study.adapters import shell_key as make_key
        from orbitdc.study.adapters import study_risk_settings, study_technology
        from orbitdc.study.coefficients import size_and_assess

        spec = self.spec
        classes = {c.name: c for c in spec.classes}
        if class_name not in classes:
            raise InputError("--class", class_name, "must be one of " + ", ".join(classes),
                             source=str(self.path))
        shells = {make_key(h, f): (h, f) for f in spec.shells.families()
                  for h in spec.shells.altitudes_km()}
        if shell_key not in shells:
            raise InputError("--shell", shell_key,
                             "must be a candidate shell of the study, e.g. "
                             + ", ".join(list(shells)[:4]) + "...", source=str(self.path))
        settings = study_risk_settings(self.loaded)
        given = {k: v for k, v in overrides.items() if v is not None}
        if "operator" in given:
            settings = settings.with_operator(str(given.pop("operator")))
        settings = _replace(settings, **given)  # type: ignore[arg-type]
        env = DebrisEnvironment.load(directory=self.models_dir)
        altitude, family = shells[shell_key]
        t = spec.technology
        design, sat = size_and_assess(
            classes[class_name].power_kw, altitude, family, study_technology(self.loaded),
            settings, env, radiator_temp_k=t.radiator_temp_k,
            design_life_years=t.design_life_years, eclipse_load_fraction=t.eclipse_load_fraction)
        return RiskAssessment(design, settings, sat,
                              assess_shell(design, satellites, settings, env, satellite=sat),
                              intra_coefficients(design, sat, settings))

    def solver_options(self) -> SolverOptions:
        """HiGHS options of ``[solver]`` (threads at most the machine's cores)."""
        from orbitdc.study.evaluate import solver_options

        return solver_options(self.loaded, workers=1)

    def launch_problems(self, table: CoefficientTable | None = None) -> list[str]:
        """Size classes no flight of ``[launch] vehicle`` can carry to any candidate shell.

        From the coefficients ``table`` (launch masses with propellant) or, without one, from
        the satellites' sized masses (quicker: what ``orbitdc validate`` checks). One sentence
        per class, ``"S10000 (380 t) exceeds starship's 100 t to 500 km (53), ..."``.
        """
        from orbitdc.launchers import LaunchVehicle
        from orbitdc.study.coefficients import unlaunchable_classes

        vehicle = self.spec.launch.vehicle
        if table is not None:
            inputs = table.inputs
            masses = {k: c.mass_kg for k, c in inputs.coefficients.items()}
            payloads = {s.key: (f"{s.altitude_km:g} km ({s.inclination})",
                                s.payload_kg_per_flight) for s in inputs.shells}
            return unlaunchable_classes(masses, payloads, inputs.notes.get("vehicle", vehicle))
        launcher = LaunchVehicle.named(vehicle, self.models_dir)
        masses, payloads = {}, {}
        for sized in self.size():
            d = sized.design
            masses[(sized.shell_key, sized.class_name)] = d.total_mass_kg
            payloads[sized.shell_key] = (
                f"{d.altitude_km:g} km ({d.inclination_family})",
                launcher.payload_to_kg(d.altitude_km, d.inclination_deg))
        return unlaunchable_classes(masses, payloads, vehicle)

    def check_launch(self, table: CoefficientTable | None = None) -> list[str]:
        """:meth:`launch_problems`; raise if no class at all can be launched.

        Raises
        ------
        StudyFileError
            One line per class, naming its mass and the vehicle's payload.
        """
        from orbitdc.errors import StudyFileError

        problems = self.launch_problems(table)
        if problems and len(problems) == len(self.spec.classes):
            raise StudyFileError("\n".join(
                f"{self.path}: {p}; no class can be launched: lower classes[].power_kw or "
                "choose another launch.vehicle" for p in problems))
        return problems

    def check_objective(self, objective: str) -> None:
        """Raise :class:`InputError` when the study lacks what ``objective`` needs."""
        dep = self.spec.deployment
        if objective not in OBJECTIVES:
            raise InputError("objective", objective, "must be one of " + ", ".join(OBJECTIVES))
        if objective == "min-cost":
            for name, value in (("risk_cap", dep.risk_cap),
                                ("compute_target_pflops", dep.compute_target_pflops)):
                if value is None:
                    raise InputError(f"deployment.{name}", None,
                                     "must be set for the min-cost objective (least cost for "
                                     "the compute target under the risk cap)",
                                     source=str(self.path))
        elif objective == "ratio" and dep.compute_target_pflops is None:
            raise InputError("deployment.compute_target_pflops", None,
                             "must be set for the ratio objective (without a target the best "
                             "ratio is a single satellite)", source=str(self.path))

    def optimize(
        self,
        objective: str | None = None,
        *,
        points: int | None = None,
        with_cost: bool | None = None,
        progress: Callable[[str, int | None, int | None], None] | None = None,
        slot_cache: str | os.PathLike[str] | None = None,
    ) -> Optimization:
        """Solve the deployment MILP at the study's design point.

        Parameters
        ----------
        objective : {"ratio", "pareto", "min-cost"}, optional
            Most compute per unit risk, the compute-risk front, or the least cost for the
            compute target under the risk cap [default: ``[deployment] objective``].
        points, with_cost
            Pareto points and whether cost is a third objective [default: the study's].
        progress : callable, optional
            ``progress(stage, done, total)`` during sizing and solving.
        slot_cache : path, optional
            JSON file keeping the slot searches (:meth:`coefficients`).
        """
        from orbitdc.deploy import DeploymentModel

        objective = objective or self.spec.deployment.objective
        self.check_objective(objective)
        dep = self.spec.deployment

        def sizing_progress(done: int, total: int) -> None:
            if progress:
                progress("sizing, slots and risk per shell and class", done, total)

        table = self.coefficients(progress=sizing_progress, slot_cache=slot_cache)
        notes = [f"{p}: it cannot be launched and takes no part"
                 for p in self.check_launch(table)]
        if progress:
            progress(f"solving ({objective})", None, None)
        model = DeploymentModel(table.inputs, self.solver_options())
        plans: dict[str, Plan]
        sus = self.spec.sustainability
        if objective in ("ratio", "min-cost"):
            from orbitdc.study.sustainability import solve_with_environment

            ratios: list[RatioResult] = []

            def solve(m: DeploymentModel) -> Plan:
                if objective == "min-cost":
                    return m.min_cost()
                ratios.append(m.maximize_ratio())
                return ratios[-1].plan

            if progress and sus.max_fragment_multiple is not None:
                progress("solving with the sustainability limit (evolution rounds)", None, None)
            plan, environment = solve_with_environment(self.loaded, table, model, solve)
            name = "ratio" if objective == "ratio" else "min_cost"
            return Optimization(objective, plan, {name: plan}, table,
                                ratio=ratios[-1] if ratios else None,
                                study_file=str(self.path), study_sha256=self.sha256,
                                environment=environment,
                                notes=notes + self.after_target_notes(plan))
        if sus.max_fragment_multiple is not None:
            raise InputError("sustainability.max_fragment_multiple", sus.max_fragment_multiple,
                             "works with the ratio and min-cost objectives, not pareto",
                             source=str(self.path))
        front = model.pareto(points or dep.pareto_points,
                             with_cost=dep.pareto_with_cost if with_cost is None else with_cost)
        efficient = front.efficient
        plans = {f"pareto_{k}": p.plan for k, p in enumerate(efficient)}
        best = max(plans.values(), key=lambda p: p.ratio)
        return Optimization("pareto", best, plans, table, front=front,
                            points=[p.row() for p in efficient],
                            study_file=str(self.path), study_sha256=self.sha256,
                            notes=notes + self.after_target_notes(best))

    def after_target_notes(self, plan: Plan, tolerance: float = 0.01) -> list[str]:
        """Notes when ``plan``'s compute in service collapses after the target year.

        See :func:`orbitdc.study.evaluate.after_target_notes`.
        """
        from orbitdc.study.evaluate import after_target_notes

        return after_target_notes(self.loaded, plan, tolerance)

    def run_options(
        self,
        *,
        storage: str | None = None,
        workers: int | None = None,
        trials: int | None = None,
        results_dir: str | os.PathLike[str] = "results",
        allow_changed: bool = False,
        spawn: bool = False,
    ) -> RunOptions:
        """Resolve how :meth:`run` will run, check the storage, and write the manifest.

        ``spawn`` runs even one worker in a process of its own, so that Ctrl-C never waits for
        a MILP solve to return (the command line does; in Python one worker runs in this
        process and a stop takes effect when the running solve returns).

        A bad ``storage`` URL, an unreachable server, an unwritable results folder or a damaged
        ``study.db`` fails here, before any file is written.
        """
        from orbitdc.study.runner import RunOptions
        from orbitdc.study.storage import default_storage_url, open_storage

        if storage is not None:
            open_storage(storage)
        out = self.open_results(results_dir, allow_changed=allow_changed)
        if storage is None:  # a damaged study.db is named here, before anything is written
            open_storage(default_storage_url(out))
        options = RunOptions(
            storage_url=storage or default_storage_url(out),
            results_dir=out,
            n_trials=trials or self.spec.search.n_trials,
            workers=workers or self.spec.search.workers,
            allow_changed=allow_changed,
            spawn=spawn,
        )
        self.write_manifest(out, storage=options.storage_url if storage is None else "external")
        return options

    def run(
        self,
        options: RunOptions | None = None,
        *,
        progress: Callable[[RunProgress], None] | None = None,
        notice: Callable[[str], None] | None = None,
        **how: Any,
    ) -> optuna.Study:
        """Run (or resume) the design-space study until its trials are complete.

        ``options`` from :meth:`run_options`, or its keyword arguments here (``storage``,
        ``workers``, ``trials``, ``results_dir``, ``allow_changed``). On Ctrl-C or SIGTERM
        ``notice`` (default: stderr) says what the run waits for: the running trials are cut
        short, marked failed and queued again, then
        :class:`~orbitdc.study.interrupt.StudyInterrupted` (a ``KeyboardInterrupt``) is
        raised; a second signal raises it at once. Re-running resumes.
        """
        from orbitdc.study.runner import run_study

        return run_study(self.loaded, options or self.run_options(**how), progress, notice)

    def worker(
        self,
        storage: str,
        *,
        index: int,
        max_trials: int | None = None,
        trials: int | None = None,
        results_dir: str | os.PathLike[str] = "results",
        allow_changed: bool = False,
        notice: Callable[[str], None] | None = None,
        spawn: bool = False,
    ) -> None:
        """One worker of a study shared by many machines (one storage, e.g. PostgreSQL).

        Stops on Ctrl-C or SIGTERM like :meth:`run`; ``spawn`` runs it in a child process
        (``orbitdc worker`` does), so that a stop never waits for a MILP solve to return.
        """
        from orbitdc.study.runner import spawned_worker, stoppable_worker
        from orbitdc.study.storage import open_storage

        open_storage(storage)
        target = trials or self.spec.search.n_trials
        run = spawned_worker if spawn else stoppable_worker
        run(str(self.path), storage, index, max_trials or target, target,
            str(self.results_dir(results_dir)), allow_changed, notice=notice)

    def report(
        self,
        *,
        results_dir: str | os.PathLike[str] = "results",
        design: int | None = None,
        storage: str | None = None,
        pdf: bool = True,
    ) -> ReportFiles:
        """Write the HTML report, figures, Pareto set and design review of the stored study."""
        return build_report([Path(results_dir) / self.name], design=design,
                            storage_url=storage, pdf=pdf)

