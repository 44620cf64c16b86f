"""Debris risk of one satellite in a shell, and of a whole shell of ``N`` satellites.

Three metrics, selectable by name in a study (``collisions``, ``maneuvers``, ``debris_index``),
per satellite-year:

``collisions``
    Expected collisions: with tracked objects that slip under the maneuver threshold, with
    untracked objects >= 10 cm, and with 1-10 cm fragments (lethal non-trackable)
    (:mod:`~orbitdc.collision.flux`, :mod:`~orbitdc.risk.maneuvers`).
``maneuvers``
    Collision-avoidance maneuvers against the tracked background at the probability threshold.
``debris_index``
    Fragment-years added to the environment: expected collisions with objects >= 10 cm x the
    fragments >= 10 cm they create (NASA standard breakup model, :mod:`~orbitdc.collision.breakup`)
    x the fragments' residual lifetime at the shell altitude (:mod:`orbitdc.environment.decay`),
    plus the same for satellites that fail before disposal and drift as derelicts for their
    passive decay time (failure probability / design life x derelict lifetime x the derelict's
    own collision rate x fragments x residual years).

Satellites fail intrinsically (``failure_before_disposal``) or when a 1-10 cm fragment hits the
bus; hits on the array and radiator wings cause local damage only.

The shell adds intra-constellation terms that grow like ``N^2`` (:mod:`~orbitdc.risk.intra`):
uncoordinated pairs (reduced by the coordination factor of a phased shell) and encounters of the
active satellites with the shell's own derelicts, which cannot be coordinated and must be
avoided. The formulation and its limits are in design/risk_model.md.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import numpy as np

from orbitdc.assumptions import load_catalog
from orbitdc.collision import breakup
from orbitdc.collision.flux import (
    collision_rate_per_year,
    combined_cross_section_m2,
    equivalent_radius_m,
)
from orbitdc.collision.probability import miss_distance_for_pc_km
from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.environment.decay import (
    assess_disposal,
    decay_rate_km_per_year,
    lifetime_years,
    stationkeeping_dv_m_s_per_year,
)
from orbitdc.errors import require_choice, require_range
from orbitdc.orbits.kepler import circular_speed_km_s
from orbitdc.propulsion import propellant_mass_kg
from orbitdc.risk import intra, maneuvers
from orbitdc.risk.metrics import METRIC_NAMES as METRICS
from orbitdc.sizing.satellite import SatelliteDesign

#: Characteristic length of the fragments the debris index counts [m] (trackable, >= 10 cm).
FRAGMENT_LENGTH_M = 0.10


#: ``models/operations.csv`` parameter behind each numeric field of :class:`RiskSettings`.
CATALOG_FIELDS = {
    "pc_threshold": "maneuver_pc_threshold",
    "encounter_sigma_km": "encounter_sigma_km",
    "own_sigma_km": "own_constellation_sigma_km",
    "failure_before_disposal": "failure_before_disposal",
    "thruster_isp_s": "thruster_isp_s",
    "disposal_rule_years": "disposal_rule_years",
    "guideline_disposal_years": "guideline_disposal_years",
    "shell_thickness_km": "shell_thickness_km",
    "min_separation_km": "guaranteed_separation_km",
    "screening_radius_km": "screening_radius_km",
    "accumulation_years": "accumulation_years",
}


@dataclass(frozen=True, kw_only=True)
class RiskSettings:
    """Operational and environmental assumptions of the risk model.

    Build it with :meth:`from_catalogs`: every number comes from ``models/operations.csv``
    (:data:`CATALOG_FIELDS`), overridden by what a study or a command line sets. The choices
    (activity, atmosphere, population, coordination) default here.
    """

    pc_threshold: float
    encounter_sigma_km: float
    own_sigma_km: float
    failure_before_disposal: float
    thruster_isp_s: float
    disposal_rule_years: float
    guideline_disposal_years: float
    shell_thickness_km: float
    min_separation_km: float
    screening_radius_km: float
    accumulation_years: float
    activity: str = "moderate"
    atmosphere: str = "msis"
    population: str = "no_starlink"
    coordinated: bool = True

    def __post_init__(self) -> None:
        require_choice("activity", self.activity, ("low", "moderate", "high"))
        require_range("pc_threshold", self.pc_threshold, gt=0.0, lt=1.0)
        require_range("encounter_sigma_km", self.encounter_sigma_km, gt=0.0)
        require_range("own_sigma_km", self.own_sigma_km, gt=0.0)
        require_range("failure_before_disposal", self.failure_before_disposal, ge=0.0, le=1.0)
        require_range("thruster_isp_s", self.thruster_isp_s, gt=0.0)
        require_range("disposal_rule_years", self.disposal_rule_years, gt=0.0)
        require_range("guideline_disposal_years", self.guideline_disposal_years, gt=0.0)
        require_range("shell_thickness_km", self.shell_thickness_km, gt=0.0, le=100.0)
        require_range("min_separation_km", self.min_separation_km, ge=0.0)
        require_range("screening_radius_km", self.screening_radius_km, gt=0.0)
        require_range("accumulation_years", self.accumulation_years, gt=0.0)

    @classmethod
    def from_catalogs(
        cls, directory: str | os.PathLike[str] | None = None, **overrides: object
    ) -> RiskSettings:
        """Numbers from ``models/operations.csv``, with keyword overrides (``None`` ignored)."""
        ops = load_catalog("operations", directory).parameters("default")
        values: dict[str, object] = {name: ops[row] for name, row in CATALOG_FIELDS.items()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SatelliteRisk:
    """Risk figures of one satellite in its shell (per satellite-year unless named otherwise)."""

    altitude_km: float
    inclination_deg: float
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
    lethal_nontrackable_density_per_km3: float
    flux_tracked_per_sat_year: float
    catastrophic_collisions_per_sat_year: float
    lethal_nontrackable_per_sat_year: float
    disabling_impacts_per_sat_year: float
    collisions_per_sat_year: float
    maneuvers_per_sat_year: float
    fragments_per_collision: float
    fragment_residual_years: float
    derelict_years: float
    failure_probability: float
    debris_index_direct_per_sat_year: float
    debris_index_failure_per_sat_year: float
    debris_index_per_sat_year: float

    def to_dict(self) -> dict[str, float | bool]:
        """Plain dictionary with unit-named keys."""
        return asdict(self)

    def metric(self, name: str) -> float:
        """Per-satellite-year value of a named metric."""
        require_choice("risk metric", name, METRICS)
        return {
            "collisions": self.collisions_per_sat_year,
            "maneuvers": self.maneuvers_per_sat_year,
            "debris_index": self.debris_index_per_sat_year,
        }[name]


def _drag_coefficient(design: SatelliteDesign) -> float:
    """Drag coefficient implied by a design, ``m / (BC A)``."""
    return design.total_mass_kg / (design.ballistic_coefficient_kg_m2 * design.cross_section_m2)


def assess_satellite(
    design: SatelliteDesign,
    settings: RiskSettings,
    environment: DebrisEnvironment | None = None,
) -> SatelliteRisk:
    """Risk of one satellite of a sized design flying in its shell.

    Parameters
    ----------
    design : SatelliteDesign
        From :func:`orbitdc.sizing.size_satellite` (mass, cross-sections, ballistic
        coefficient, hard-body radius, orbit, design life).
    settings : RiskSettings
    environment : DebrisEnvironment, optional
        Defaults to ``DebrisEnvironment.load()``.
    """
    env = environment or DebrisEnvironment.load()
    h, inc = design.altitude_km, design.inclination_deg
    act, atm = settings.activity, settings.atmosphere
    bc = design.ballistic_coefficient_kg_m2
    mass = design.total_mass_kg

    # Lifetime, disposal and station keeping.
    disposal = assess_disposal(h, bc, act, atm, rule_years=settings.disposal_rule_years,
                               guideline_years=settings.guideline_disposal_years)
    disposal_prop = float(
        propellant_mass_kg(disposal.disposal_dv_m_s, mass, settings.thruster_isp_s)
    )
    sk_dv = float(stationkeeping_dv_m_s_per_year(h, bc, act, atm))
    sk_prop = float(propellant_mass_kg(sk_dv, mass, settings.thruster_isp_s))

    # Background flux: catalogued objects can be avoided; the rest of the >= 10 cm population
    # and the 1-10 cm fragments cannot.
    v = float(env.impact_velocity_km_s(inc))
    n_tracked = float(env.tracked_density_per_km3(h, settings.population))
    n_untracked10 = n_tracked * (env.params["ge10cm_per_tracked"] - 1.0)
    n_lnt = float(env.density_lethal_nontrackable_per_km3(h, settings.population))
    r_bg = env.params["background_hbr_m"]
    sigma_bg = float(combined_cross_section_m2(equivalent_radius_m(design.cross_section_m2), r_bg))
    hbr_km = (design.hard_body_radius_m + r_bg) / 1e3
    flux_tracked = float(collision_rate_per_year(n_tracked, sigma_bg, v))
    residual_tracked = maneuvers.residual_collisions_per_year(
        n_tracked, v, settings.encounter_sigma_km, hbr_km, settings.pc_threshold
    )
    untracked10 = float(collision_rate_per_year(n_untracked10, sigma_bg, v))
    lnt = float(collision_rate_per_year(n_lnt, design.cross_section_m2, v))
    disabling = float(collision_rate_per_year(n_lnt, design.bus_cross_section_m2, v))
    catastrophic_class = residual_tracked + untracked10
    man = maneuvers.maneuvers_per_year(
        n_tracked, v, settings.encounter_sigma_km, hbr_km, settings.pc_threshold
    )

    # Consequences: fragments >= 10 cm per collision with a >= 10 cm object (a mix of intact
    # objects, catastrophic, and fragments, mostly cratering) and how long they stay. A 1-10 cm
    # projectile cannot make 10 cm fragments, so those impacts count through failures only.
    f_intact = env.params["intact_fraction"]
    frag = f_intact * float(
        breakup.fragments_larger_than(FRAGMENT_LENGTH_M, mass, env.params["intact_mass_kg"], v)
    ) + (1.0 - f_intact) * float(
        breakup.fragments_larger_than(
            FRAGMENT_LENGTH_M, mass, env.params["fragment_mass_ge10cm_kg"], v
        )
    )
    frag_bc = 1.0 / (_drag_coefficient(design) * env.params["fragment_area_to_mass_m2_kg"])
    frag_years = float(lifetime_years(h, frag_bc, act, atm))
    direct = catastrophic_class * frag * frag_years

    # Failed satellites drift as derelicts for their passive decay time and collide with the
    # whole >= 10 cm population, avoiding nothing.
    life = design.design_life_years
    p_fail = min(1.0, settings.failure_before_disposal + disabling * life)
    derelict_years = disposal.passive_years
    failure = p_fail / life * derelict_years * (flux_tracked + untracked10) * frag * frag_years

    return SatelliteRisk(
        altitude_km=h,
        inclination_deg=inc,
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
        lethal_nontrackable_density_per_km3=n_lnt,
        flux_tracked_per_sat_year=flux_tracked,
        catastrophic_collisions_per_sat_year=catastrophic_class,
        lethal_nontrackable_per_sat_year=lnt,
        disabling_impacts_per_sat_year=disabling,
        collisions_per_sat_year=catastrophic_class + lnt,
        maneuvers_per_sat_year=man,
        fragments_per_collision=frag,
        fragment_residual_years=frag_years,
        derelict_years=derelict_years,
        failure_probability=p_fail,
        debris_index_direct_per_sat_year=direct,
        debris_index_failure_per_sat_year=failure,
        debris_index_per_sat_year=direct + failure,
    )


@dataclass(frozen=True)
class IntraCoefficients:
    """``k`` per metric such that a shell's intra term is at most ``k N^2`` per year.

    Attributes
    ----------
    collisions, maneuvers, debris_index : float [metric / (satellite^2 yr)]
    coordination_factor : float [-]
        Reduction of the uncoordinated pair rate for a phased shell.
    derelicts_per_satellite : float [-]
        Steady-state derelicts inside the shell's band per active satellite.
    """

    collisions: float
    maneuvers: float
    debris_index: float
    coordination_factor: float
    derelicts_per_satellite: float

    def metric(self, name: str) -> float:
        """``k`` of a named metric."""
        require_choice("risk metric", name, METRICS)
        return float(getattr(self, name))


def intra_coefficients(
    design: SatelliteDesign, sat: SatelliteRisk, settings: RiskSettings
) -> IntraCoefficients:
    """Intra-shell ``N^2`` coefficients of a shell of ``design`` satellites.

    Two mechanisms:

    * active pairs: ``N (N-1)/2`` pairs meet at the kinetic-gas pair rate (radius ``2 HBR``),
      times the coordination factor of a phased shell;
    * derelicts: a failed satellite stays inside the band of thickness ``dh`` for
      ``t_in = min(derelict lifetime, dh / decay rate, accumulation time)`` (derelicts only pile
      up over the horizon studied), so a shell of ``N`` holds ``N p_fail t_in / L`` derelicts;
      every active satellite must avoid them (tracked, with the
      background's position error), at the pair encounter rate within the maneuver distance
      ``d*``, and still collides with the residual fraction.
    """
    h, inc, dh = design.altitude_km, design.inclination_deg, settings.shell_thickness_km
    radius_km = 2.0 * design.hard_body_radius_m / 1e3

    def pair_rate(radius: float) -> float:
        return float(intra.pair_encounter_rate_per_year(h, inc, dh, max(radius, 1e-9)))

    factor = 1.0
    if settings.coordinated:
        factor = intra.coordination_factor(
            settings.min_separation_km, settings.own_sigma_km, radius_km * 1e3,
            settings.screening_radius_km,
        )
    k_pairs = 0.5 * pair_rate(radius_km) * factor
    d_own = miss_distance_for_pc_km(settings.pc_threshold, settings.own_sigma_km, radius_km)
    k_pairs_man = 0.0 if settings.coordinated and settings.min_separation_km > d_own else (
        0.5 * pair_rate(d_own)
    )

    decay_km_yr = float(decay_rate_km_per_year(h, design.ballistic_coefficient_kg_m2,
                                              settings.activity, settings.atmosphere))
    t_in = min(sat.derelict_years, settings.accumulation_years,
               dh / decay_km_yr if decay_km_yr > 0 else np.inf)
    derelicts = sat.failure_probability * t_in / design.design_life_years
    d_star = miss_distance_for_pc_km(settings.pc_threshold, settings.encounter_sigma_km,
                                     radius_km)
    residual_fraction = maneuvers.residual_collisions_per_year(
        1.0, 1.0, settings.encounter_sigma_km, radius_km, settings.pc_threshold
    ) / maneuvers.residual_collisions_per_year(
        1.0, 1.0, settings.encounter_sigma_km, radius_km, None
    )
    k_der_coll = derelicts * pair_rate(radius_km) * residual_fraction
    k_der_man = derelicts * pair_rate(d_star) if d_star > 0 else 0.0

    k_coll = k_pairs + k_der_coll
    # Members of one shell cross at speeds of the order of the orbital speed: far above the
    # 40 J/g threshold, so a collision is catastrophic with M = 2 m whatever the exact speed.
    sat_frag = float(breakup.fragments_larger_than(
        FRAGMENT_LENGTH_M, design.total_mass_kg, design.total_mass_kg,
        float(circular_speed_km_s(h)),
    ))
    return IntraCoefficients(
        collisions=k_coll,
        maneuvers=k_pairs_man + k_der_man,
        debris_index=k_coll * sat_frag * sat.fragment_residual_years,
        coordination_factor=factor,
        derelicts_per_satellite=derelicts,
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

    def to_dict(self) -> dict[str, float | bool | int]:
        """Plain dictionary with unit-named keys."""
        return asdict(self)


def assess_shell(
    design: SatelliteDesign,
    n_satellites: int,
    settings: RiskSettings,
    environment: DebrisEnvironment | None = None,
    satellite: SatelliteRisk | None = None,
) -> ShellRisk:
    """Risk per shell-year of ``n_satellites`` copies of ``design`` in its shell."""
    require_range("n_satellites", n_satellites, ge=0)
    sat = satellite or assess_satellite(design, settings, environment)
    k = intra_coefficients(design, sat, settings)
    n = float(n_satellites)
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
        total_debris_index_per_year=n * sat.debris_index_per_sat_year + k.debris_index * n**2,
    )
