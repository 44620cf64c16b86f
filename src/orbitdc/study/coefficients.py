"""Reduce a study (and one point of its design space) to the deployment model's coefficients.

For every candidate shell (altitude x inclination family) and size class, the satellite is
sized (:mod:`orbitdc.sizing`), its risk assessed (:mod:`orbitdc.risk`) and its launch mass
completed with station-keeping propellant for its design life and, where passive decay breaks
the disposal rule, disposal propellant. The shell's intra-shell coefficient is the largest of its
classes' (a shell mixing classes is scored as if all were the largest, never under-stating).

Shell capacity is the study's ``max_sats_per_shell``, further limited, per size class, by the
shell's self-safe slot pattern at the class's required separation (``[shells] slots = true``,
the default; :mod:`orbitdc.study.slots`, design/slotting.md): the pattern's SGP4 crossings also
give the intra-shell collision and maneuver terms. With ``slots = false`` the capacity is the
packing bound instead: points at least ``d`` apart on a sphere of radius ``r`` cannot exceed
the hexagonal density ``2 / (sqrt(3) d^2)``, so ``N <= 8 pi r^2 / (sqrt(3) d^2)`` (Fejes Toth
[1]_), and the intra-shell terms assume the guaranteed separation. An Optuna trial can pass
capacities of its own (``DesignPoint.capacities``), which can only lower them. The minimum
spacing of used shells is at least the radial spacing slots need
(:func:`stacking_spacing_km`).

References
----------
.. [1] Fejes Toth, L., *Lagerungen in der Ebene, auf der Kugel und im Raum*, Springer, 1953
   (densest circle packing in the plane, hexagonal).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from orbitdc.constants import R_EARTH_KM
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)
from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.errors import InputError
from orbitdc.launchers import LaunchVehicle
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.risk.model import RiskSettings, SatelliteRisk, assess_satellite, intra_coefficients
from orbitdc.sizing.satellite import PropulsionDemand, SatelliteDesign, size_satellite
from orbitdc.sizing.technology import SatelliteTechnology
from orbitdc.slots.budget import (
    SlotBudget,
    equatorial_offset_km,
    radial_spacing_km,
    required_separation_km,
)
from orbitdc.spec.read import LoadedStudy
from orbitdc.study.adapters import (
    keep_out_bands_km,
    shell_key,
    study_risk_settings,
    study_technology,
)
from orbitdc.study.slots import ShellSlots, SlotCache, shell_slots


def packing_capacity(altitude_km: float, separation_km: float) -> int:
    """Upper bound on satellites at least ``separation_km`` apart in a shell [-]."""
    if separation_km <= 0.0:
        return 2**31 - 1
    r = R_EARTH_KM + altitude_km
    return int(min(2**31 - 1, 8.0 * math.pi * r**2 / (math.sqrt(3.0) * separation_km**2)))


@dataclass(frozen=True)
class DesignPoint:
    """The nonconvex choices an Optuna trial makes around the MILP (``None`` = study value).

    Attributes
    ----------
    radiator_temp_k : float [K]
    class_power_kw : mapping class name -> power [kW]
    solar_array, radiator, accelerator : str
        Catalog technology names.
    pc_threshold : float [-]
        Maneuver threshold.
    design_life_years : float [yr]
    eclipse_load_fraction : float [-]
    inclination : str
        Keep only this inclination family's shells (its label, e.g. ``"53"``).
    guaranteed_separation_km : float [km]
        Separation kept inside every coordinated shell.
    capacities : mapping shell key -> satellites
        From the screening evaluator (Walker patterns meeting the separation).
    min_separation_km : mapping shell key -> km
        Guaranteed separation of each shell's pattern (coordination factor).
    maneuvers_per_sat_year : mapping (shell key, class) -> 1/(sat yr)
        Screened background maneuver rates that replace the analytic ones (``maneuvers``
        metric at sampled or full fidelity).
    """

    radiator_temp_k: float | None = None
    class_power_kw: Mapping[str, float] | None = None
    solar_array: str | None = None
    radiator: str | None = None
    accelerator: str | None = None
    pc_threshold: float | None = None
    design_life_years: float | None = None
    eclipse_load_fraction: float | None = None
    inclination: str | None = None
    guaranteed_separation_km: float | None = None
    capacities: Mapping[str, int] | None = None
    min_separation_km: Mapping[str, float] | None = None
    maneuvers_per_sat_year: Mapping[tuple[str, str], float] | None = None


@dataclass
class CoefficientTable:
    """Deployment inputs plus the designs and risks behind every coefficient.

    ``warnings`` name the (shell, class) pairs where the risk model leaves its domain;
    ``excluded_shells`` the candidate shells a keep-out band removed.
    """

    inputs: DeploymentInputs
    designs: dict[tuple[str, str], SatelliteDesign] = field(default_factory=dict)
    risks: dict[tuple[str, str], SatelliteRisk] = field(default_factory=dict)
    slots: dict[tuple[str, str], ShellSlots] = field(default_factory=dict)
    warnings: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    excluded_shells: dict[str, str] = field(default_factory=dict)


def study_slot_budget(loaded: LoadedStudy) -> SlotBudget:
    """The slot budget of a study: ``models/slots.csv`` with the ``[shells]`` overrides."""
    sh = loaded.spec.shells
    return SlotBudget.from_catalogs(loaded.models_dir,
                                    along_track_control_km=sh.along_track_control_km,
                                    cross_track_control_km=sh.cross_track_control_km,
                                    radial_control_km=sh.radial_control_km)


def stacking_spacing_km(hard_body_radius_m: float, budget: SlotBudget,
                        shells: list[tuple[float, InclinationFamily]]) -> float:
    """Altitude spacing that keeps any two used shells radially clear [km].

    The radial spacing of slots (:func:`orbitdc.slots.budget.radial_spacing_km`) plus the
    largest difference of equatorial-radius offsets ``J2 R^2 sin^2 i / 4p`` between the study's
    inclination families at one altitude (orbitdc's altitude is the orbit-averaged radius).
    """
    spread = 0.0
    by_alt: dict[float, list[float]] = {}
    for altitude, family in shells:
        by_alt.setdefault(altitude, []).append(
            float(equatorial_offset_km(altitude, family.inclination_deg(altitude))))
    for offsets in by_alt.values():
        spread = max(spread, max(offsets) - min(offsets))
    return radial_spacing_km(hard_body_radius_m, budget) + spread


#: Relative change of the station-keeping budget at which the sizing/risk fixed point stops.
PROPULSION_TOLERANCE = 0.005


def size_and_assess(
    power_kw: float, altitude_km: float, family: InclinationFamily, tech: SatelliteTechnology,
    settings: RiskSettings, env: DebrisEnvironment, **sizing: float,
) -> tuple[SatelliteDesign, SatelliteRisk]:
    """Size a satellite with the propulsion its orbit needs, and assess its risk.

    The drag and disposal velocity budgets come from the risk model, which needs the sized
    satellite: size without propulsion, assess, then size again with the station-keeping and
    disposal demand (propellant mass and electric-propulsion power) until the budget changes by
    less than :data:`PROPULSION_TOLERANCE` (two or three passes: the propellant raises the
    ballistic coefficient, which lowers the drag).
    """
    design = size_satellite(power_kw, altitude_km, family, tech, **sizing)  # type: ignore[arg-type]
    risk = assess_satellite(design, settings, env)
    for _ in range(5):
        demand = PropulsionDemand(risk.stationkeeping_dv_m_s_per_year, risk.disposal_dv_m_s,
                                  settings.thruster_isp_s)
        design = size_satellite(power_kw, altitude_km, family, tech, propulsion=demand,
                                **sizing)  # type: ignore[arg-type]
        risk = assess_satellite(design, settings, env)
        budget = demand.stationkeeping_dv_m_s_per_year
        if abs(risk.stationkeeping_dv_m_s_per_year - budget) <= PROPULSION_TOLERANCE * max(
                budget, 1e-9):
            break
    return design, risk


def build_coefficients(
    loaded: LoadedStudy,
    point: DesignPoint | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    slot_cache: SlotCache | None = None,
) -> CoefficientTable:
    """Size, assess and cost every (shell, class) pair of a study.

    Parameters
    ----------
    loaded : LoadedStudy
    point : DesignPoint, optional
        Overrides of the study's continuous and categorical choices.
    progress : callable, optional
        Called as ``progress(done, total)`` after each pair.
    slot_cache : SlotCache, optional
        Where slot searches are kept (default: this process only).
    """
    point = point or DesignPoint()
    spec = loaded.spec
    tech = study_technology(loaded, solar_array=point.solar_array, radiator=point.radiator,
                            accelerator=point.accelerator)
    settings: RiskSettings = study_risk_settings(loaded)
    if point.pc_threshold is not None:
        settings = replace(settings, pc_threshold=point.pc_threshold)
    if point.guaranteed_separation_km is not None:
        settings = replace(settings, min_separation_km=point.guaranteed_separation_km)
    env = DebrisEnvironment.load(directory=loaded.models_dir)
    bands = keep_out_bands_km(loaded)
    vehicle = LaunchVehicle.named(spec.launch.vehicle, loaded.models_dir)
    life = point.design_life_years or spec.technology.design_life_years
    radiator_temp = point.radiator_temp_k or spec.technology.radiator_temp_k
    powers = {c.name: c.power_kw for c in spec.classes}
    powers.update(point.class_power_kw or {})

    families = spec.shells.families()
    if point.inclination not in (None, "all"):
        families = [f for f in families if f.label == point.inclination]
        if not families:
            raise InputError("inclination", point.inclination,
                             "must be one of the study's inclination families")
    altitudes = spec.shells.altitudes_km()
    total = len(families) * len(altitudes) * len(powers)
    use_slots = spec.shells.slots
    budget = study_slot_budget(loaded)
    cache = slot_cache or SlotCache()
    largest_hbr = 0.0
    table = CoefficientTable(inputs=None)  # type: ignore[arg-type]
    shells: list[ShellOption] = []
    coeffs: dict[tuple[str, str], SatelliteCoefficients] = {}
    max_mass: dict[str, float] = {}
    done = 0
    for family in families:
        for altitude in altitudes:
            key = shell_key(altitude, family)
            blocked = [name for name, lo, hi in bands if lo <= altitude <= hi]
            if blocked:
                table.excluded_shells[key] = ", ".join(blocked)
                done += len(powers)
                continue
            shell_settings = settings
            if point.min_separation_km and key in point.min_separation_km:
                shell_settings = replace(settings, min_separation_km=point.min_separation_km[key])
            k_metric = 0.0
            compliant = True
            by_class: dict[str, int] = {}
            for name, power in powers.items():
                design, risk = size_and_assess(
                    power, altitude, family, tech, shell_settings, env,
                    radiator_temp_k=radiator_temp,
                    design_life_years=life,
                    eclipse_load_fraction=spec.technology.eclipse_load_fraction
                    if point.eclipse_load_fraction is None else point.eclipse_load_fraction,
                )
                encounters = None
                if use_slots:
                    slots = shell_slots(
                        altitude, family,
                        required_separation_km(design.hard_body_radius_m, budget), budget,
                        shell_settings.screening_radius_km,
                        planes_budget=spec.shells.slot_search_planes, cache=cache)
                    table.slots[(key, name)] = slots
                    encounters = slots.encounters
                    by_class[name] = min(spec.deployment.max_sats_per_shell, slots.satellites)
                largest_hbr = max(largest_hbr, design.hard_body_radius_m)
                k_metric = max(k_metric, intra_coefficients(
                    design, risk, shell_settings, encounters).metric(spec.risk.metric))
                compliant = compliant and risk.compliant_5yr
                mass = design.total_mass_kg  # wet: propellant for life and disposal included
                risk_value = risk.metric(spec.risk.metric)
                if point.maneuvers_per_sat_year and (key, name) in point.maneuvers_per_sat_year:
                    risk_value = point.maneuvers_per_sat_year[(key, name)]
                coeffs[(key, name)] = SatelliteCoefficients(
                    mass_kg=mass,
                    cost_usd=design.manufacturing_cost_musd * 1e6,
                    compute_pflops=design.compute_pflops,
                    risk_per_sat_year=risk_value,
                )
                max_mass[name] = max(max_mass.get(name, 0.0), mass)
                table.designs[(key, name)] = design
                table.risks[(key, name)] = risk
                if risk.warnings:
                    table.warnings[(key, name)] = risk.warnings
                done += 1
                if progress:
                    progress(done, total)
            if use_slots:
                capacity = max(by_class.values())
            else:
                capacity = min(spec.deployment.max_sats_per_shell,
                               packing_capacity(altitude, shell_settings.min_separation_km))
            if point.capacities and key in point.capacities:
                capacity = min(capacity, int(point.capacities[key]))
                by_class = {c: min(v, capacity) for c, v in by_class.items()}
            shells.append(ShellOption(
                key=key,
                altitude_km=altitude,
                inclination=family.label,
                capacity_sats=capacity,
                intra_risk_per_sat_pair_year=k_metric,
                payload_kg_per_flight=vehicle.payload_to_kg(
                    altitude, family.inclination_deg(altitude)),
                disposal_compliant=compliant,
                capacity_by_class=by_class or None,
            ))

    if not shells:
        raise InputError("shells.keep_out", list(spec.shells.keep_out),
                         "leaves no candidate shell: every altitude of the grid lies in a "
                         "crewed station's band", source=str(loaded.path))
    stowed_density = tech.bus.bus_bulk_density_kg_m3
    classes = [
        SizeClassOption(
            name=name,
            power_kw=power,
            max_per_flight=max(1, vehicle.satellites_per_flight(
                max_mass[name], stowed_density, vehicle.payload_kg)),
            design_life_years=max(1, round(life)),
        )
        for name, power in powers.items()
    ]
    dep = spec.deployment
    years = dep.years()
    target_year = dep.target_year
    if dep.compute_target_pflops is not None and target_year is None:
        target_year = years[-1]
    table.inputs = DeploymentInputs(
        shells=shells,
        classes=classes,
        years=years,
        coefficients=coeffs,
        flights_per_year=spec.launch.flights_per_year(len(years)),
        launch_cost_usd_per_flight=vehicle.cost_per_flight_usd,
        budget_usd_per_year=None if dep.budget_usd_per_year is None
        else [dep.budget_usd_per_year] * len(years),
        budget_usd_total=dep.budget_usd_total,
        min_shell_spacing_km=max(spec.shells.min_separation_km, stacking_spacing_km(
            largest_hbr, budget, [(h, f) for f in families for h in altitudes]))
        if use_slots else spec.shells.min_separation_km,
        compute_target_pflops=dep.compute_target_pflops,
        target_year=target_year,
        hold_target_through_horizon=dep.hold_target_through_horizon,
        risk_cap=dep.risk_cap,
        allow_noncompliant_disposal=dep.allow_noncompliant_disposal,
        metric=spec.risk.metric,
        notes={"vehicle": vehicle.name, "activity": settings.activity,
               "pc_threshold": f"{settings.pc_threshold:g}"},
    )
    table.inputs.validate()
    return table


def unlaunchable_classes(
    masses_kg: Mapping[tuple[str, str], float],
    payloads_kg: Mapping[str, tuple[str, float]],
    vehicle: str,
) -> list[str]:
    """The size classes no flight can carry to any candidate shell, each in one sentence.

    A satellite is never split across flights, so a class heavier than the vehicle's payload
    to every shell can never be launched: the MILP only sees "compute reachable 0".

    Parameters
    ----------
    masses_kg : mapping (shell key, class name) -> kg
        Launch mass of a class on a shell.
    payloads_kg : mapping shell key -> (shell label, kg)
        Payload of one flight to each shell.
    vehicle : str
        The launcher's name, for the message.

    Returns
    -------
    list of str
        ``"S10000 (380 t) exceeds starship's 100 t to 500 km (53), its largest payload to a
        candidate shell"``, quoting the class's mass on the shell the vehicle serves best.
    """
    if not payloads_kg:
        return []
    best = max(payloads_kg, key=lambda k: payloads_kg[k][1])
    label, payload = payloads_kg[best]
    out = []
    for name in dict.fromkeys(c for _, c in masses_kg):
        fits = [masses_kg[(key, c)] <= payloads_kg[key][1]
                for key, c in masses_kg if c == name and key in payloads_kg]
        if fits and not any(fits):
            mass = masses_kg.get((best, name), min(m for (_, c), m in masses_kg.items()
                                                   if c == name))
            out.append(f"{name} ({mass / 1e3:,.0f} t) exceeds {vehicle}'s {payload / 1e3:,.0f} t "
                       f"to {label}, its largest payload to a candidate shell")
    return out
