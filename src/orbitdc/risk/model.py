"""Debris risk of one satellite in a shell, and of a whole shell of ``N`` satellites.

Metrics a study can select (``[risk] metric``; :data:`METRICS`), per satellite-year:

``collisions``
    Expected collisions with objects >= 10 cm (the NASA-STD-8719.14 "large object" quantity,
    which the standard counts as catastrophic, sec. 4.5.1.2): tracked objects the operator's
    maneuvers miss, and untracked objects >= 10 cm.
``catastrophic_collisions``
    Those that break up the whole part they hit by the breakup model's criterion (>= 40 J/g
    against that part's mass: the bus, i.e. the satellite, or a whole wing); a projectile that
    only shatters the membrane around its hole is not counted.
``disabling_impacts`` / ``survivable_impacts``
    1-10 cm hits on the bus (the satellite is lost) / on the array and radiator wings (local
    damage).
``maneuvers``
    Collision-avoidance maneuvers against the tracked background at the probability threshold.
``debris_index``
    Fragment-years (>= 10 cm) added to the environment: each collision's expected fragments
    (projectile-specific, component-level NASA breakup model, :mod:`~orbitdc.risk.consequences`)
    times their expected residence (A/M and delta-v distributions, through the solar cycle); from
    the active satellite, from satellites that fail and drift as derelicts, and from the passive
    decay after a successful disposal.
``environmental_index``
    The same fragments weighted by the collision rate they impose on intact objects over their
    lives (expected collisions caused), in the spirit of ESA's ECOB / CSI indices.

The terms, their sources and their limits are in design/risk_model.md; the shell's
intra-constellation terms (growing like ``N^2``) in :func:`intra_coefficients`.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from orbitdc.assumptions import load_catalog
from orbitdc.collision.flux import collision_rate_per_year
from orbitdc.collision.geometry import (
    ConvexPart,
    body_cross_section_m2,
    equivalent_radius_m,
    plate,
    sphere,
)
from orbitdc.collision.probability import pc_isotropic
from orbitdc.environment.debris import BIN_KM, DebrisEnvironment
from orbitdc.environment.decay import (
    assess_disposal,
    decay_rate_km_per_year,
    lifetime_years,
    stationkeeping_dv_m_s_per_year,
)
from orbitdc.errors import require_choice, require_range
from orbitdc.orbits.kepler import circular_speed_km_s
from orbitdc.propulsion import propellant_mass_kg
from orbitdc.risk import consequences, intra, maneuvers
from orbitdc.risk.consequences import FRAGMENT_LENGTH_M, Breakup, expected_fragments
from orbitdc.risk.maneuvers import EncounterModel
from orbitdc.risk.metrics import METRIC_NAMES as METRICS

ACTIVITIES = ("cycle", "low", "moderate", "high")


class Satellite(Protocol):
    """What the risk model needs of a satellite (a sized design or a :class:`GenericSatellite`)."""

    @property
    def altitude_km(self) -> float:
        """Circular-orbit altitude [km]."""
        ...

    @property
    def inclination_deg(self) -> float:
        """Inclination [deg]."""
        ...

    @property
    def total_mass_kg(self) -> float:
        """Mass with propellant [kg]."""
        ...

    @property
    def ballistic_coefficient_kg_m2(self) -> float:
        """M / (c_D A) [kg/m^2]."""
        ...

    @property
    def hard_body_radius_m(self) -> float:
        """Circumscribing-sphere radius [m]."""
        ...

    @property
    def design_life_years(self) -> float:
        """Design life [yr]."""
        ...

    def parts(self) -> list[ConvexPart]:
        """Convex parts with the mass each hit breaks up."""
        ...


@dataclass(frozen=True)
class GenericSatellite:
    """A satellite given by its mass, mean cross-section and hard-body radius, not sized.

    Its one part is a flat plate spanning the hard-body diameter whose orientation-averaged
    cross-section is ``cross_section_m2`` (a compact body whose area exceeds that becomes a
    sphere of that cross-section); a hit breaks the whole satellite.
    """

    altitude_km: float
    inclination_deg: float
    total_mass_kg: float
    cross_section_m2: float
    hard_body_radius_m: float
    design_life_years: float
    drag_coefficient: float

    def __post_init__(self) -> None:
        require_range("mass_kg", self.total_mass_kg, gt=0.0)
        require_range("cross_section_m2", self.cross_section_m2, gt=0.0)
        require_range("hard_body_radius_m", self.hard_body_radius_m,
                      ge=equivalent_radius_m(self.cross_section_m2))
        require_range("design_life_years", self.design_life_years, gt=0.0)

    @property
    def ballistic_coefficient_kg_m2(self) -> float:
        """``m / (c_D A)`` [kg/m^2]."""
        return self.total_mass_kg / (self.drag_coefficient * self.cross_section_m2)

    def parts(self) -> list[ConvexPart]:
        """One plate (``S/4 = A``, length ``2 HBR``) or, if more compact, one sphere."""
        length = 2.0 * self.hard_body_radius_m
        width = 2.0 * self.cross_section_m2 / length
        if width <= length:
            return [plate(length, width, self.total_mass_kg, "satellite")]
        return [sphere(equivalent_radius_m(self.cross_section_m2), self.total_mass_kg,
                       "satellite")]


#: ``models/operations.csv`` parameter (technology ``default``) behind each numeric field.
CATALOG_FIELDS = {
    "pc_threshold": "maneuver_pc_threshold",
    "own_sigma_km": "own_constellation_sigma_km",
    "failure_before_disposal": "failure_before_disposal",
    "bus_critical_area_fraction": "bus_critical_area_fraction",
    "uncoordinated_fraction": "uncoordinated_fraction",
    "thruster_isp_s": "thruster_isp_s",
    "disposal_rule_years": "disposal_rule_years",
    "guideline_disposal_years": "guideline_disposal_years",
    "shell_thickness_km": "shell_thickness_km",
    "min_separation_km": "guaranteed_separation_km",
    "screening_radius_km": "screening_radius_km",
    "accumulation_years": "accumulation_years",
    "start_year": "reference_start_year",
    "fragment_drag_coefficient": "fragment_drag_coefficient",
}


@dataclass(frozen=True, kw_only=True)
class RiskSettings:
    """Operational and environmental assumptions of the risk model.

    Build it with :meth:`from_catalogs`: every number comes from ``models/operations.csv``
    (:data:`CATALOG_FIELDS`; the operator's encounter model from its own rows), overridden by
    what a study or a command line sets. The choices default here.
    """

    pc_threshold: float
    own_sigma_km: float
    failure_before_disposal: float
    bus_critical_area_fraction: float
    uncoordinated_fraction: float
    thruster_isp_s: float
    disposal_rule_years: float
    guideline_disposal_years: float
    shell_thickness_km: float
    min_separation_km: float
    screening_radius_km: float
    accumulation_years: float
    start_year: float
    fragment_drag_coefficient: float
    encounter: EncounterModel
    operator: str = "starlink"
    activity: str = "cycle"
    atmosphere: str = "msis"
    population: str = "all"
    background_growth: str = "none"
    coordinated: bool = True
    models_dir: str | None = None

    def __post_init__(self) -> None:
        require_choice("activity", self.activity, ACTIVITIES)
        require_range("pc_threshold", self.pc_threshold, gt=0.0, lt=1.0)
        require_range("own_sigma_km", self.own_sigma_km, gt=0.0)
        require_range("failure_before_disposal", self.failure_before_disposal, ge=0.0, le=1.0)
        require_range("bus_critical_area_fraction", self.bus_critical_area_fraction, gt=0.0,
                      le=1.0)
        require_range("uncoordinated_fraction", self.uncoordinated_fraction, ge=0.0, le=1.0)
        require_range("thruster_isp_s", self.thruster_isp_s, gt=0.0)
        require_range("disposal_rule_years", self.disposal_rule_years, gt=0.0)
        require_range("guideline_disposal_years", self.guideline_disposal_years, gt=0.0)
        require_range("shell_thickness_km", self.shell_thickness_km, gt=0.0, le=100.0)
        require_range("min_separation_km", self.min_separation_km, ge=0.0)
        require_range("screening_radius_km", self.screening_radius_km, gt=0.0)
        require_range("accumulation_years", self.accumulation_years, gt=0.0, le=200.0)
        require_range("start_year", self.start_year, ge=1957, le=2200)
        require_range("fragment_drag_coefficient", self.fragment_drag_coefficient, gt=0.0)

    @classmethod
    def from_catalogs(
        cls, directory: str | os.PathLike[str] | None = None, **overrides: object
    ) -> RiskSettings:
        """Numbers from ``models/operations.csv``, with keyword overrides (``None`` ignored).

        ``operator`` selects the encounter model (rows of that name in the catalog).
        """
        given = {k: v for k, v in overrides.items() if v is not None}
        folder = None if directory is None else os.fspath(directory)
        ops = load_catalog("operations", folder).parameters("default")
        values: dict[str, object] = {name: ops[row] for name, row in CATALOG_FIELDS.items()}
        operator = str(given.get("operator", cls.operator))
        values["encounter"] = EncounterModel.from_catalog(operator, folder)
        values["models_dir"] = folder
        values.update(given)
        return cls(**values)  # type: ignore[arg-type]

    def start_years(self) -> tuple[int, ...]:
        """Calendar years over which lifetimes are averaged (the accumulation horizon)."""
        first = int(self.start_year)
        return tuple(range(first, first + max(1, int(round(self.accumulation_years)))))

    def with_operator(self, operator: str) -> RiskSettings:
        """The same settings with another operator's encounter model."""
        return replace(self, operator=operator,
                       encounter=EncounterModel.from_catalog(operator, self.models_dir))


def _decay_kwargs(settings: RiskSettings, *, period: bool) -> dict[str, Any]:
    """Activity, atmosphere, catalog folder and (solar cycle) years of the decay functions.

    ``period`` asks for the mean over the accumulation horizon (drag, station keeping);
    otherwise a lifetime starts in the middle year of the horizon, a representative phase.
    """
    kw: dict[str, Any] = {"activity": settings.activity, "model": settings.atmosphere,
                          "directory": settings.models_dir}
    if settings.activity == "cycle":
        years = settings.start_years()
        if period:
            kw.update(start_year=years[0], years=float(len(years)))
        else:
            kw["start_year"] = years[len(years) // 2]
    return kw


@dataclass(frozen=True)
class SatelliteRisk:
    """Risk figures of one satellite in its shell (per satellite-year unless named otherwise)."""

    altitude_km: float
    inclination_deg: float
    operator: str
    decay_years: float
    disposal_years: float
    compliant_5yr: bool
    compliant_25yr: bool
    disposal_altitude_km: float
    disposal_dv_m_s: float
    disposal_propellant_kg: float
    stationkeeping_dv_m_s_per_year: float
    stationkeeping_propellant_kg_per_year: float
    relative_velocity_km_s: float
    tracked_density_per_km3: float
    untracked_ge10cm_density_per_km3: float
    density_1_10cm_per_km3: float
    intact_share_of_tracked: float
    collision_cross_section_m2: float
    decision_hard_body_radius_m: float
    flux_tracked_per_sat_year: float
    residual_tracked_collisions_per_sat_year: float
    untracked_ge10cm_collisions_per_sat_year: float
    collisions_per_sat_year: float
    catastrophic_collisions_per_sat_year: float
    disabling_impacts_per_sat_year: float
    survivable_impacts_per_sat_year: float
    maneuvers_per_sat_year: float
    fragments_per_tracked_collision: float
    fragments_per_untracked_collision: float
    fragment_residual_years: float
    derelict_years: float
    failure_probability: float
    failure_collisions_per_sat_year: float
    disposal_collisions_per_sat_year: float
    collision_probability_orbital_life: float
    debris_index_direct_per_sat_year: float
    debris_index_failure_per_sat_year: float
    debris_index_disposal_per_sat_year: float
    debris_index_per_sat_year: float
    environmental_index_per_sat_year: float
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Plain dictionary with unit-named keys."""
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d

    def metric(self, name: str) -> float:
        """Per-satellite-year value of a named metric."""
        require_choice("risk metric", name, METRICS)
        return float(getattr(self, f"{name}_per_sat_year"))


#: Tracked classes that maneuver themselves: they avoid a derelict as it drifts.
MANEUVERING_CLASSES = ("starlink", "growth")


@dataclass(frozen=True)
class _Partners:
    """Breakups with the background's partner classes, and the shares that matter."""

    tracked: Breakup
    untracked: Breakup
    intact_share: float
    maneuvering_share: float


def _partner_breakups(parts: list[ConvexPart], env: DebrisEnvironment, altitude_km: float,
                      settings: RiskSettings, v: float) -> _Partners:
    """Breakups with a tracked partner (the bin's class mix) and an untracked >= 10 cm one.

    Intact partners are spheres of the background radius with the bin's class mass; catalogued
    and untracked fragments enter through their mass distribution (quantiles of the breakup
    model's cloud: 10 cm-1 m catalogued, 10 cm up to ``untracked_max_length_m`` untracked).
    """
    p = env.params
    hole = p["membrane_hole_diameter_ratio"]
    fragments = catastrophic = intact = maneuvering = 0.0
    for name, share, mass in env.tracked_mix(altitude_km, settings.population,
                                             years=settings.start_years(),
                                             growth=settings.background_growth):
        if env.is_intact(name):
            b = expected_fragments(parts, [sphere(p["background_hbr_m"], mass, name)], v,
                                   hole_ratio=hole)
            intact += share
            maneuvering += share if name in MANEUVERING_CLASSES else 0.0
        else:
            population, weights = consequences.fragment_population(FRAGMENT_LENGTH_M, 1.0)
            b = expected_fragments(parts, population, v, hole_ratio=hole,
                                   projectile_weights=weights)
        fragments += share * b.fragments
        catastrophic += share * b.catastrophic_probability
    population, weights = consequences.fragment_population(FRAGMENT_LENGTH_M,
                                                           p["untracked_max_length_m"])
    small = expected_fragments(parts, population, v, hole_ratio=hole,
                               projectile_weights=weights)
    return _Partners(Breakup(fragments, catastrophic), small, intact, maneuvering)


@dataclass(frozen=True)
class _Descent:
    """What a satellite meets while it decays passively from an altitude (time-weighted).

    Attributes
    ----------
    tracked_per_km3, untracked_per_km3 : float [1/km^3]
        Mean densities along the path.
    fragment_years : float [yr]
        Residence of the fragments of a collision on the path, weighted by where collisions
        happen (time spent x density).
    """

    tracked_per_km3: float
    untracked_per_km3: float
    fragment_years: float


def _descent(env: DebrisEnvironment, start_km: float, settings: RiskSettings) -> _Descent:
    """Densities and fragment residence along the passive decay from ``start_km``.

    The time spent per altitude is proportional to the circular decay time per unit BC (in the
    reference moderate atmosphere); the fragments of collisions on the way are weighted by that
    time times the density, with their residence at the altitude where they are made (coarse
    25 km steps).
    """
    top = min(start_km, 1999.0)
    grid = np.arange(env.bin_lower_km[0], top + 1e-9, 5.0)
    if grid.size < 2:
        grid = np.array([top - 1.0, top])
    per_bc = lifetime_years(grid, 1.0, "moderate", settings.atmosphere, settings.models_dir)
    dwell = np.diff(per_bc)
    mid = 0.5 * (grid[1:] + grid[:-1])
    weight = dwell / max(float(np.sum(dwell)), 1e-300)
    tracked = env.tracked_density_per_km3(mid, settings.population,
                                          years=settings.start_years(),
                                          growth=settings.background_growth)
    untracked = env.untracked_ge10cm_density_per_km3(mid)
    hits = weight * (tracked + untracked)
    coarse = np.round(mid / 25.0) * 25.0
    residence = {h: consequences.fragment_years_per_fragment(
        float(h), settings.fragment_drag_coefficient, settings.activity, settings.atmosphere,
        settings.models_dir, settings.start_years()) for h in np.unique(coarse)}
    years = np.array([residence[h] for h in coarse])
    return _Descent(float(np.sum(tracked * weight)), float(np.sum(untracked * weight)),
                    float(np.sum(hits * years) / max(float(np.sum(hits)), 1e-300)))


def assess_satellite(
    design: Satellite,
    settings: RiskSettings,
    environment: DebrisEnvironment | None = None,
) -> SatelliteRisk:
    """Risk of one satellite of a sized design flying in its shell.

    Parameters
    ----------
    design : Satellite
        A sized design (:func:`orbitdc.sizing.size_satellite`) or a :class:`GenericSatellite`:
        mass, parts, ballistic coefficient, hard-body radius, orbit, design life.
    settings : RiskSettings
    environment : DebrisEnvironment, optional
        Defaults to the one in ``settings.models_dir``.
    """
    env = environment or DebrisEnvironment.load(directory=settings.models_dir)
    h, inc = design.altitude_km, design.inclination_deg
    bc = design.ballistic_coefficient_kg_m2
    mass = design.total_mass_kg
    life = design.design_life_years
    years = settings.start_years()

    # Lifetime, disposal and station keeping.
    disposal = assess_disposal(h, bc, **_decay_kwargs(settings, period=False),
                               rule_years=settings.disposal_rule_years,
                               guideline_years=settings.guideline_disposal_years)
    disposal_prop = float(
        propellant_mass_kg(disposal.disposal_dv_m_s, mass, settings.thruster_isp_s))
    sk_dv = float(stationkeeping_dv_m_s_per_year(h, bc, **_decay_kwargs(settings, period=True)))
    sk_prop = float(propellant_mass_kg(sk_dv, mass, settings.thruster_isp_s))

    # The background: tracked objects (avoidable), untracked >= 10 cm, 1-10 cm.
    v = float(env.impact_velocity_km_s(inc))
    pop = settings.population
    n_tracked = float(env.tracked_density_per_km3(h, pop, years=years,
                                                   growth=settings.background_growth))
    n_untracked = float(env.untracked_ge10cm_density_per_km3(h))
    n_small = float(env.density_1_10cm_per_km3(h))
    parts = design.parts()
    r_bg = env.params["background_hbr_m"]
    sigma_true = body_cross_section_m2(parts, [sphere(r_bg)])
    r_true_km = equivalent_radius_m(sigma_true) / 1e3
    hbr_km = (design.hard_body_radius_m + r_bg) / 1e3
    model, pc = settings.encounter, settings.pc_threshold
    flux_tracked = float(collision_rate_per_year(n_tracked, sigma_true, v))
    residual = maneuvers.residual_collisions_per_year(n_tracked, v, model, hbr_km, pc, r_true_km)
    untracked = float(collision_rate_per_year(n_untracked, sigma_true, v))
    man = maneuvers.maneuvers_per_year(n_tracked, v, model, hbr_km, pc)
    # 1-10 cm projectiles are small against every part: each part's Cauchy area S/4.
    small = {p.name: float(collision_rate_per_year(n_small, p.mean_cross_section_m2, v))
             for p in parts}
    # a bus hit disables the satellite when it strikes a critical component (NASA-STD-8719.14C
    # 4.5.4.3 counts the at-risk area of critical surfaces only)
    disabling = small.get("bus", 0.0) * settings.bus_critical_area_fraction
    survivable = sum(small.values()) - disabling

    # Consequences: fragments per collision by projectile, and how long they stay.
    partners = _partner_breakups(parts, env, h, settings, v)
    tracked_b, untracked_b = partners.tracked, partners.untracked
    frag_years = consequences.fragment_years_per_fragment(
        h, settings.fragment_drag_coefficient, settings.activity, settings.atmosphere,
        settings.models_dir, years)
    per_year_fragments = residual * tracked_b.fragments + untracked * untracked_b.fragments
    direct = per_year_fragments * frag_years

    # Failed satellites drift as derelicts for their passive decay time (averaged over the
    # years a failure can happen in), avoiding nothing; the maneuvering classes of the
    # background avoid them with the operator's residual share.
    p_fail = min(1.0, settings.failure_before_disposal + disabling * life)
    derelict_years = float(np.mean(lifetime_years(
        h, bc, settings.activity, settings.atmosphere, settings.models_dir,
        **({"start_year": np.array(years)} if settings.activity == "cycle" else {}))))
    avoided = residual / flux_tracked if flux_tracked > 0 else 1.0
    passive = 1.0 - partners.maneuvering_share * (1.0 - avoided)
    path = _descent(env, h, settings)
    rate_tr = float(collision_rate_per_year(path.tracked_per_km3, sigma_true, v)) * passive
    rate_un = float(collision_rate_per_year(path.untracked_per_km3, sigma_true, v))
    failure_coll = p_fail / life * derelict_years * (rate_tr + rate_un)
    failure_fragments = p_fail / life * derelict_years * (
        rate_tr * tracked_b.fragments + rate_un * untracked_b.fragments)
    failure = failure_fragments * path.fragment_years

    # Satellites that dispose successfully still spend the disposal time decaying from the
    # disposal altitude through lower shells (NASA-STD-8719.14 counts the whole orbital
    # lifetime); working, they keep avoiding tracked objects at the shell's residual share.
    descent_years = derelict_years if disposal.compliant_5yr else settings.disposal_rule_years
    way_down = path if disposal.disposal_altitude_km == h else _descent(
        env, disposal.disposal_altitude_km, settings)
    dispose_tr = float(collision_rate_per_year(way_down.tracked_per_km3, sigma_true, v)) * (
        avoided * descent_years)
    dispose_un = float(collision_rate_per_year(way_down.untracked_per_km3, sigma_true, v)) * (
        descent_years)
    disposal_coll_each = dispose_tr + dispose_un
    per_disposal = (1.0 - p_fail) / life
    disposal_coll = per_disposal * disposal_coll_each
    disposal_fragments = per_disposal * (dispose_tr * tracked_b.fragments
                                         + dispose_un * untracked_b.fragments)
    disposal_index = disposal_fragments * way_down.fragment_years

    # Environmental index: fragment-years weighted by the intact density they cross.
    exposure_intact = consequences.fragment_exposure(
        h, settings.fragment_drag_coefficient, settings.activity, env.intact_density_profile(pop),
        env.bin_lower_km, BIN_KM, settings.atmosphere, settings.models_dir, years)
    fragments_made = per_year_fragments + failure_fragments + disposal_fragments
    hit_rate = float(collision_rate_per_year(1.0, math.pi * r_bg**2, v))  # per (1/km^3) year
    environmental = fragments_made * exposure_intact * hit_rate

    collisions = residual + untracked
    lifetime_collisions = collisions * life + disposal_coll_each
    risk = SatelliteRisk(
        altitude_km=h,
        inclination_deg=inc,
        operator=settings.operator,
        decay_years=disposal.passive_years,
        disposal_years=min(disposal.passive_years, settings.disposal_rule_years),
        compliant_5yr=disposal.compliant_5yr,
        compliant_25yr=disposal.compliant_25yr,
        disposal_altitude_km=disposal.disposal_altitude_km,
        disposal_dv_m_s=disposal.disposal_dv_m_s,
        disposal_propellant_kg=disposal_prop,
        stationkeeping_dv_m_s_per_year=sk_dv,
        stationkeeping_propellant_kg_per_year=sk_prop,
        relative_velocity_km_s=v,
        tracked_density_per_km3=n_tracked,
        untracked_ge10cm_density_per_km3=n_untracked,
        density_1_10cm_per_km3=n_small,
        intact_share_of_tracked=partners.intact_share,
        collision_cross_section_m2=sigma_true,
        decision_hard_body_radius_m=hbr_km * 1e3,
        flux_tracked_per_sat_year=flux_tracked,
        residual_tracked_collisions_per_sat_year=residual,
        untracked_ge10cm_collisions_per_sat_year=untracked,
        collisions_per_sat_year=collisions,
        catastrophic_collisions_per_sat_year=(residual * tracked_b.catastrophic_probability
                                              + untracked * untracked_b.catastrophic_probability),
        disabling_impacts_per_sat_year=disabling,
        survivable_impacts_per_sat_year=survivable,
        maneuvers_per_sat_year=man,
        fragments_per_tracked_collision=tracked_b.fragments,
        fragments_per_untracked_collision=untracked_b.fragments,
        fragment_residual_years=frag_years,
        derelict_years=derelict_years,
        failure_probability=p_fail,
        failure_collisions_per_sat_year=failure_coll,
        disposal_collisions_per_sat_year=disposal_coll,
        collision_probability_orbital_life=1.0 - math.exp(-lifetime_collisions),
        debris_index_direct_per_sat_year=direct,
        debris_index_failure_per_sat_year=failure,
        debris_index_disposal_per_sat_year=disposal_index,
        debris_index_per_sat_year=direct + failure + disposal_index,
        environmental_index_per_sat_year=environmental,
    )
    return replace(risk, warnings=satellite_warnings(risk))


#: Expected collisions (>= 10 cm) plus disabling impacts per satellite-year above which the
#: steady, rare-event assumptions of the model no longer hold.
MAX_COLLISIONS_PER_SAT_YEAR = 0.1


def satellite_warnings(risk: SatelliteRisk) -> tuple[str, ...]:
    """Where a satellite's figures leave the model's domain."""
    rate = risk.collisions_per_sat_year + risk.disabling_impacts_per_sat_year
    if rate > MAX_COLLISIONS_PER_SAT_YEAR:
        return (f"{rate:.2g} collisions and disabling impacts per satellite-year at "
                f"{risk.altitude_km:g} km exceed {MAX_COLLISIONS_PER_SAT_YEAR:g}: the rare-event "
                "model (one collision at most, no change of the population) does not hold",)
    return ()


@dataclass(frozen=True)
class IntraCoefficients:
    """``k`` per metric such that a shell's intra term is at most ``k N^2`` per year.

    Attributes
    ----------
    collisions, catastrophic_collisions, maneuvers, debris_index, environmental_index : float
        [metric / (satellite^2 yr)]; the impact metrics have no intra-shell term.
    coordination_factor : float [-]
        Reduction of the uncoordinated pair rate for a phased shell (reliability floor plus the
        Gaussian tail at the guaranteed separation).
    derelicts_per_satellite : float [-]
        Steady-state derelicts inside the shell's band per active satellite.
    collision_cross_section_m2 : float [m^2]
        Mean cross-section of two members (Minkowski mean of their parts).
    """

    collisions: float
    catastrophic_collisions: float
    maneuvers: float
    debris_index: float
    environmental_index: float
    coordination_factor: float
    derelicts_per_satellite: float
    collision_cross_section_m2: float
    disabling_impacts: float = 0.0
    survivable_impacts: float = 0.0

    def metric(self, name: str) -> float:
        """``k`` of a named metric."""
        require_choice("risk metric", name, METRICS)
        return float(getattr(self, name))


def coordination_factor(settings: RiskSettings, radius_km: float, decision_km: float) -> float:
    """Residual share of the uncoordinated pair rate inside a coordinated shell [-].

    A pair loses its coordination when either member is not under control (safe mode,
    ephemeris outage, failed maneuver): a share ``1 - (1 - f)^2`` of the time, with ``f`` the
    operator's uncoordinated fraction (``models/operations.csv``). The member still in control
    then screens the other as any tracked object, with the operator's encounter model: of those
    encounters, the share ``s`` decided below the threshold on the decision sphere
    (``decision_km``) and colliding on the true radius (``radius_km``) remains. Coordinated
    pairs meet with the Gaussian tail at the guaranteed separation
    (:func:`orbitdc.risk.intra.coordination_factor`):
    ``factor = (1 - (1 - f)^2) s + (1 - f)^2 tail``.
    """
    f = settings.uncoordinated_fraction
    lost = 1.0 - (1.0 - f) ** 2
    share = maneuvers.residual_area_km2(settings.encounter, decision_km, settings.pc_threshold,
                                        radius_km) / (math.pi * radius_km**2)
    tail = intra.coordination_factor(settings.min_separation_km, settings.own_sigma_km,
                                     radius_km * 1e3, settings.screening_radius_km)
    return float(min(1.0, lost * share + (1.0 - lost) * tail))


def intra_coefficients(
    design: Satellite, sat: SatelliteRisk, settings: RiskSettings,
    pattern: intra.PatternEncounters | None = None,
) -> IntraCoefficients:
    """Intra-shell ``N^2`` coefficients of a shell of ``design`` satellites.

    * active pairs: ``N (N-1)/2`` pairs meet at the kinetic-gas pair rate with the members'
      true (Minkowski mean) cross-section, times the coordination factor of a phased shell;
      uncoordinated pairs are avoided with the operator's own ephemeris error within ``d*``
      decided on twice the hard-body radius;
    * with a slotted ``pattern`` (:class:`orbitdc.risk.intra.PatternEncounters`) the protected
      pairs meet only at the pattern's crossings: each approach of a full-pattern member
      (``E`` per year, misses ``m_i`` less the control allowance) collides with
      ``Pc(m_i; sigma_own, R)``, so ``k = floor k_kinetic + (1 - floor) sum_i Pc(m_i) / (2 T)``
      with the reliability floor of :func:`coordination_factor`; the approaches closer than the
      own-ephemeris decision distance are the intra-shell maneuvers, ``k = E(d*) / (2 T)``;
    * derelicts: a failed satellite stays inside the band of thickness ``dh`` for
      ``t_in = min(derelict lifetime, dh / decay rate, accumulation time)``, so a shell of
      ``N`` holds ``N p_fail t_in / L`` derelicts that every active satellite must avoid (with
      the background's encounter model) and still collides with at the residual rate.
    """
    h, inc, dh = design.altitude_km, design.inclination_deg, settings.shell_thickness_km
    parts = design.parts()
    sigma_ss = body_cross_section_m2(parts, parts)
    radius_km = equivalent_radius_m(sigma_ss) / 1e3
    decision_km = 2.0 * design.hard_body_radius_m / 1e3

    def pair_rate(radius: float) -> float:
        return float(intra.pair_encounter_rate_per_year(h, inc, dh, max(radius, 1e-9)))

    own = EncounterModel("own", settings.own_sigma_km)
    own_man_radius = math.sqrt(maneuvers.maneuver_area_km2(own, decision_km,
                                                           settings.pc_threshold) / math.pi)
    if pattern is not None and settings.coordinated:
        # Lost coordination (either member not under control): the member in control screens
        # the other like any tracked object (coordination_factor); otherwise the pattern's own
        # approaches, each with its probability at the guaranteed miss.
        f = settings.uncoordinated_fraction
        lost = 1.0 - (1.0 - f) ** 2
        share = maneuvers.residual_area_km2(settings.encounter, decision_km,
                                            settings.pc_threshold, radius_km) / (
                                                math.pi * radius_km**2)
        total = max(int(pattern.satellites), 1)
        misses = pattern.guaranteed_misses_km()
        pc = pc_isotropic(misses, settings.own_sigma_km, radius_km) if misses.size else 0.0
        protected = float(np.sum(pc)) * pattern.revolutions_per_year / (2.0 * total)
        kinetic = 0.5 * pair_rate(radius_km)
        k_pairs = lost * share * kinetic + (1.0 - lost) * protected
        factor = min(1.0, k_pairs / kinetic) if kinetic > 0 else 0.0
        enc_radius = math.sqrt(maneuvers.maneuver_area_km2(settings.encounter, decision_km,
                                                           settings.pc_threshold) / math.pi)
        k_pairs_man = ((1.0 - lost) * pattern.encounters_per_sat_year(own_man_radius)
                       / (2.0 * total) + lost * 0.5 * pair_rate(enc_radius))
    else:
        factor = (coordination_factor(settings, radius_km, decision_km) if settings.coordinated
                  else 1.0)
        k_pairs = 0.5 * pair_rate(radius_km) * factor
        if settings.coordinated and settings.min_separation_km > own_man_radius:
            k_pairs_man = 0.0
        else:
            k_pairs_man = 0.5 * pair_rate(own_man_radius)

    decay_km_yr = float(decay_rate_km_per_year(design.altitude_km,
                                               design.ballistic_coefficient_kg_m2,
                                               **_decay_kwargs(settings, period=True)))
    t_in = min(sat.derelict_years, settings.accumulation_years,
               dh / decay_km_yr if decay_km_yr > 0 else np.inf)
    derelicts = sat.failure_probability * t_in / design.design_life_years
    model, pc = settings.encounter, settings.pc_threshold
    man_radius = math.sqrt(maneuvers.maneuver_area_km2(model, decision_km, pc) / math.pi)
    residual_share = maneuvers.residual_area_km2(model, decision_km, pc, radius_km) / (
        math.pi * radius_km**2)
    k_der_coll = derelicts * pair_rate(radius_km) * residual_share
    k_der_man = derelicts * pair_rate(man_radius)

    k_coll = k_pairs + k_der_coll
    # Members of one shell cross at speeds of the order of the orbital speed.
    speed = float(circular_speed_km_s(h))
    member = expected_fragments(parts, parts, speed)
    fragments_per_year = k_coll * member.fragments
    env = DebrisEnvironment.load(directory=settings.models_dir)
    exposure_intact = consequences.fragment_exposure(
        h, settings.fragment_drag_coefficient, settings.activity,
        env.intact_density_profile(settings.population), env.bin_lower_km, BIN_KM,
        settings.atmosphere, settings.models_dir, settings.start_years())
    hit_rate = float(collision_rate_per_year(1.0, math.pi * env.params["background_hbr_m"] ** 2,
                                             float(env.impact_velocity_km_s(inc))))
    return IntraCoefficients(
        collisions=k_coll,
        catastrophic_collisions=k_coll * member.catastrophic_probability,
        maneuvers=k_pairs_man + k_der_man,
        debris_index=fragments_per_year * sat.fragment_residual_years,
        environmental_index=fragments_per_year * exposure_intact * hit_rate,
        coordination_factor=factor,
        derelicts_per_satellite=derelicts,
        collision_cross_section_m2=sigma_ss,
    )


@dataclass(frozen=True)
class ShellRisk:
    """Per-shell-year risk of ``N`` satellites of one design in one shell."""

    n_satellites: int
    coordinated: bool
    coordination_factor: float
    derelicts_in_shell: float
    intra_collisions_per_year: float
    intra_maneuvers_per_year: float
    intra_debris_index_per_year: float
    total_collisions_per_year: float
    total_maneuvers_per_year: float
    total_debris_index_per_year: float
    steady_state_fragments: float
    fragments_in_altitude_bin_today: float
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Plain dictionary with unit-named keys."""
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d


def assess_shell(
    design: Satellite,
    n_satellites: int,
    settings: RiskSettings,
    environment: DebrisEnvironment | None = None,
    satellite: SatelliteRisk | None = None,
) -> ShellRisk:
    """Risk per shell-year of ``n_satellites`` copies of ``design`` in its shell.

    Warns when the shell's own steady-state fragments (``N x`` debris index per satellite-year,
    by Little's law the fragments in orbit once launches and decay balance) exceed today's
    catalogued population of its 50 km altitude bin: the model scores against today's
    environment and its feedback on it is then no longer small (:mod:`orbitdc.evolution`).
    """
    require_range("n_satellites", n_satellites, ge=0)
    env = environment or DebrisEnvironment.load(directory=settings.models_dir)
    sat = satellite or assess_satellite(design, settings, env)
    k = intra_coefficients(design, sat, settings)
    n = float(n_satellites)
    total_index = n * sat.debris_index_per_sat_year + k.debris_index * n**2
    today = float(env.bin_count(design.altitude_km, settings.population))
    warnings = list(sat.warnings)
    if total_index > today:
        warnings.append(
            f"{n_satellites} satellites at {design.altitude_km:g} km keep ~{total_index:,.0f} "
            f"fragments >= 10 cm in orbit at steady state, more than the {today:,.0f} catalogued "
            "objects of that 50 km band today: the environment's feedback is not small (run "
            "orbitdc evolve)")
    return ShellRisk(
        n_satellites=int(n_satellites),
        coordinated=settings.coordinated,
        coordination_factor=k.coordination_factor,
        derelicts_in_shell=n * k.derelicts_per_satellite,
        intra_collisions_per_year=k.collisions * n**2,
        intra_maneuvers_per_year=k.maneuvers * n**2,
        intra_debris_index_per_year=k.debris_index * n**2,
        total_collisions_per_year=n * sat.collisions_per_sat_year + k.collisions * n**2,
        total_maneuvers_per_year=n * sat.maneuvers_per_sat_year + k.maneuvers * n**2,
        total_debris_index_per_year=total_index,
        steady_state_fragments=total_index,
        fragments_in_altitude_bin_today=today,
        warnings=tuple(warnings),
    )
