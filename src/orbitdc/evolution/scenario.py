"""Scenarios of the evolution: today's environment, background traffic, and a plan.

**Initial population** (the start year): the catalogued objects of ``models/debris_density.csv``
per class (the risk model's background), integrated over the grid's bins
(:meth:`~orbitdc.evolution.grid.AltitudeGrid.counts_from_density`):

* operational satellites: Starlink and a share ``payload_active_fraction`` of the other
  payloads (``models/evolution.csv``); the rest of the payloads are derelicts;
* rocket bodies;
* fragments: the catalogue's debris plus the fragments tracked beyond the public catalogue
  (tracked), and the untracked objects >= 10 cm (ESA's totals, ``models/debris_environment
  .csv``), split over the fragment species as a breakup's cloud counts them
  (:attr:`orbitdc.evolution.fragments.FragmentModel.steady_share`), the risk model's partner
  mix.

Intact objects of the background are the risk model's partners: spheres of the background
hard-body radius with the catalogue's mean mass in their bin (``models/intact_mass.csv``), and
derelicts and rocket bodies decay with NASA ODPO's average ``m/A = 100 kg/m^2``.

**Background traffic** (``models/background_traffic.csv``): none (MOCAT's "no future
launches"), today's operations held (retiring operational payloads replaced in their bin), or
that plus the filed constellations of ``models/constellations.csv`` on their schedules.

**The plan**: one group per (shell, size class) with launches per year. Each group is three
species: the active satellites (the sized design's parts and mass, station keeping, avoidance,
the risk model's intra-shell coefficient, 1-10 cm bus hits, retirement after the design life),
their derelicts (failures before disposal, ``failure_before_disposal`` of
``models/operations.csv``; decay with the design's BC from the shell) and their disposals
(maneuvering while decaying from the disposal orbit of the risk model, 5 years or the passive
decay from a compliant shell). After the plan's horizon the last year's fleet is either held
(launches replace retirements, ``after_horizon="replace"``) or left to retire (``"stop"``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from orbitdc.assumptions import load_catalog
from orbitdc.collision.geometry import body_cross_section_m2, equivalent_radius_m
from orbitdc.environment.debris import BIN_KM, DebrisEnvironment
from orbitdc.environment.decay import ENTRY_ALTITUDE_KM, decay_time_per_bc_years
from orbitdc.errors import require_choice, require_range
from orbitdc.evolution.fragments import (
    FragmentModel,
    fragment_model,
    tracking_length_m,
    untracked_objects,
)
from orbitdc.evolution.grid import AltitudeGrid
from orbitdc.evolution.model import Physics, Scenario
from orbitdc.evolution.rates import Avoidance
from orbitdc.evolution.species import Species, parts_species, sphere_species
from orbitdc.orbits.kepler import circular_speed_km_s
from orbitdc.risk import intra
from orbitdc.risk.model import RiskSettings, Satellite, coordination_factor

FloatArray = NDArray[np.float64]

#: What happens to the plan's fleet after its horizon.
AFTER_HORIZON = ("replace", "stop")


@dataclass(frozen=True)
class EvolutionConfig:
    """Defaults of ``models/evolution.csv`` (grid, horizon, step, species), overridable."""

    altitude_min_km: float
    altitude_max_km: float
    bin_width_km: float
    horizon_years: int
    time_step_years: float
    payload_active_fraction: float
    intact_ballistic_coefficient_kg_m2: float
    fragment_am_edges: tuple[float, float]
    probe_satellites: float

    @classmethod
    def from_catalog(cls, directory: str | os.PathLike[str] | None = None,
                     **overrides: object) -> EvolutionConfig:
        """Read ``models/evolution.csv``; keyword overrides (``None`` ignored)."""
        p = load_catalog("evolution", directory).parameters("default")
        values: dict[str, object] = {
            "altitude_min_km": p["altitude_min_km"], "altitude_max_km": p["altitude_max_km"],
            "bin_width_km": p["bin_width_km"], "horizon_years": int(p["horizon_years"]),
            "time_step_years": p["time_step_years"],
            "payload_active_fraction": p["payload_active_fraction"],
            "intact_ballistic_coefficient_kg_m2": p["intact_ballistic_coefficient_kg_m2"],
            "fragment_am_edges": (p["fragment_am_edge_low"], p["fragment_am_edge_high"]),
            "probe_satellites": p["sustainability_probe_satellites"],
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        cfg = cls(**values)  # type: ignore[arg-type]
        require_range("horizon_years", cfg.horizon_years, ge=1, le=500)
        require_range("time_step_years", cfg.time_step_years, gt=0.0, le=1.0)
        require_range("payload_active_fraction", cfg.payload_active_fraction, ge=0.0, le=1.0)
        return cfg

    def grid(self) -> AltitudeGrid:
        """The altitude bins."""
        return AltitudeGrid.regular(self.altitude_min_km, self.altitude_max_km,
                                    self.bin_width_km)


@dataclass(frozen=True)
class BackgroundTraffic:
    """One scenario of ``models/background_traffic.csv``."""

    name: str
    replace_active: bool
    include_filed: bool
    active_life_years: float
    pmd_success: float
    rocket_bodies_per_year: float

    @classmethod
    def named(cls, name: str, directory: str | os.PathLike[str] | None = None
              ) -> BackgroundTraffic:
        """The scenario of that name."""
        cat = load_catalog("background_traffic", directory)
        cat.require_technology(name, "background")
        p = cat.parameters(name)
        return cls(name, bool(p["replace_active"]), bool(p["include_filed"]),
                   p["active_life_years"], p["pmd_success"], p["rocket_bodies_per_year"])


def background_names(directory: str | os.PathLike[str] | None = None) -> list[str]:
    """Scenario names of ``models/background_traffic.csv``."""
    return load_catalog("background_traffic", directory).technologies()


@dataclass(frozen=True)
class PlanGroup:
    """The satellites of one size class in one shell of a plan.

    Attributes
    ----------
    name : str
        ``"<class>@<shell>"``.
    design : Satellite
        The sized design (parts, masses, ballistic coefficient, orbit, design life).
    disposal_altitude_km : float [km]
        Where disposal starts (the shell itself when passive decay meets the rule).
    launches : array (H,) [satellites]
        Launched in each year of the plan's horizon.
    in_service_last_year : float [satellites]
        The fleet held after the horizon with ``after_horizon="replace"``.
    """

    name: str
    design: Satellite
    disposal_altitude_km: float
    launches: FloatArray
    in_service_last_year: float


def avoidance(settings: RiskSettings, env: DebrisEnvironment) -> Avoidance:
    """The risk model's avoidance assumptions."""
    f = settings.uncoordinated_fraction
    return Avoidance(settings.encounter, settings.pc_threshold, 1.0 - (1.0 - f) ** 2,
                     env.params["background_hbr_m"],
                     env.params.get("membrane_hole_diameter_ratio", 3.0))


def physics(settings: RiskSettings, env: DebrisEnvironment, config: EvolutionConfig,
            feedback: bool = True) -> Physics:
    """Run settings from the risk model's settings and the evolution defaults."""
    return Physics(settings.activity, settings.atmosphere, settings.models_dir,
                   avoidance(settings, env), config.time_step_years, feedback)


class _Placement:
    """Split of an object starting at an altitude over its bin and the one below.

    As the fragments module notes derive, for species decaying with any BC at the reference
    activity.
    """

    def __init__(self, grid: AltitudeGrid, activity: str, atmosphere: str,
                 models_dir: str | None):
        ref = activity if activity != "cycle" else "moderate"
        fine = np.arange(ENTRY_ALTITUDE_KM, 2000.0 + 1e-9, 0.5)
        t = decay_time_per_bc_years(fine, ref, atmosphere, models_dir)
        self.fine = fine
        self.t = np.maximum(t - np.interp(grid.lower_km[0], fine, t), 0.0)
        self.grid = grid

    def vector(self, altitude_km: float) -> FloatArray:
        g = self.grid
        out = np.zeros(g.size)
        h = float(np.clip(altitude_km, g.lower_km[0], g.edges_km[-1] - 1e-6))
        d = int(np.clip(g.index(h), 0, g.size - 1))
        lo, hi, at = (float(np.interp(x, self.fine, self.t))
                      for x in (g.lower_km[d], g.upper_km[d], h))
        w = (at - lo) / (hi - lo) if hi > lo else 1.0
        out[d] = w
        if d > 0:
            out[d - 1] = 1.0 - w
        return out

    def matrix(self, altitudes_km: FloatArray) -> FloatArray:
        return np.array([self.vector(float(h)) for h in altitudes_km])


def _per_grid_bin(grid: AltitudeGrid, profile_lower: FloatArray, values: FloatArray
                  ) -> FloatArray:
    """A per-profile-bin value at each grid bin's centre."""
    k = np.clip(((grid.center_km - profile_lower[0]) // BIN_KM).astype(int), 0,
                profile_lower.size - 1)
    return np.asarray(values[k], dtype=float)


@dataclass(frozen=True, eq=False)
class Background:
    """Today's environment and the background traffic on a grid."""

    species: list[Species]
    fragments: FragmentModel
    initial: FloatArray  # (S, B) for species
    launches: FloatArray  # (T, S, B)
    small_density_per_km3: FloatArray


def background(config: EvolutionConfig, traffic: BackgroundTraffic, settings: RiskSettings,
               env: DebrisEnvironment, start_year: int, years: int) -> Background:
    """Background species, today's population and the traffic of ``years`` years."""
    grid = config.grid()
    p = env.params
    counts = {c: grid.counts_from_density(env.bin_lower_km, BIN_KM, v)
              for c, v in env.tracked.items()}
    frac = config.payload_active_fraction
    payload_mass = _per_grid_bin(grid, env.bin_lower_km, env.intact_mass_kg["payload"])
    rb_mass = _per_grid_bin(grid, env.bin_lower_km, env.intact_mass_kg["rocket_body"])
    active0 = counts["starlink"] + frac * counts["payload_no_starlink"]
    filed_now = np.zeros(grid.size)
    filed_mass = np.zeros(grid.size)
    shells = env.growth["filed"] if traffic.include_filed else ()
    for sh in shells:
        k = int(grid.index(sh.altitude_km))
        if 0 <= k < grid.size:
            filed_now[k] += sh.satellites_in(start_year - 1)
            filed_mass[k] += sh.satellites * sh.mass_kg
    weight = counts["starlink"] * p["starlink_mass_kg"] + frac * counts[
        "payload_no_starlink"] * payload_mass
    total = active0 + filed_now
    active_mass = np.where(total > 0, (weight + filed_now * np.where(
        filed_now > 0, filed_mass / np.maximum(
            [sum(s.satellites for s in shells if grid.index(s.altitude_km) == k)
             for k in range(grid.size)], 1.0), 0.0)) / np.maximum(total, 1e-300), payload_mass)
    r_bg = p["background_hbr_m"]
    v_bg = float(p["impact_velocity_low_inclination_km_s"])
    place = _Placement(grid, settings.activity, settings.atmosphere, settings.models_dir)
    centres = place.matrix(grid.center_km)
    bc = config.intact_ballistic_coefficient_kg_m2
    life = traffic.active_life_years
    act = sphere_species(
        "background-active", "active", r_bg, active_mass, ballistic_coefficient_kg_m2=None,
        maneuverable=True, tracked=True, velocity_km_s=v_bg, life_years=life,
        failure_probability=1.0 - traffic.pmd_success, derelict="background-derelict",
        derelict_map=centres, disabling_cross_section_m2=math.pi * r_bg**2)
    der = sphere_species("background-derelict", "derelict", r_bg, payload_mass,
                         ballistic_coefficient_kg_m2=bc, maneuverable=False, tracked=True,
                         velocity_km_s=v_bg)
    rb = sphere_species("rocket-body", "rocket_body", r_bg, rb_mass,
                        ballistic_coefficient_kg_m2=bc, maneuverable=False, tracked=True,
                        velocity_km_s=v_bg)
    tracking = tracking_length_m(p)
    frags = fragment_model(
        grid, tracking_length=tracking, am_edges=config.fragment_am_edges,
        drag_coefficient=settings.fragment_drag_coefficient, activity=settings.activity,
        atmosphere=settings.atmosphere, models_dir=settings.models_dir, velocity_km_s=v_bg)
    analyst = max(p["tracked_objects"] - p["catalogue_objects"], 0.0) / p[
        "catalogue_debris_objects"]
    untracked = untracked_objects(p) / p["catalogue_debris_objects"]
    debris = counts["debris"]
    share = frags.steady_share
    frag0 = [debris * untracked * share[f] for f in range(3)] + [
        debris * (1.0 + analyst) * share[f] for f in range(3, 6)]
    species = [act, der, rb, *frags.species]
    initial = np.array([total, (1.0 - frac) * counts["payload_no_starlink"],
                        counts["rocket_body"], *frag0])
    launches = np.zeros((years, len(species), grid.size))
    if traffic.replace_active:
        launches[:, 0, :] += active0 / life
    for sh in shells:
        k = int(grid.index(sh.altitude_km))
        if not 0 <= k < grid.size:
            continue
        for t in range(years):
            y = start_year + t
            now, before = sh.satellites_in(y), sh.satellites_in(y - 1)
            launches[t, 0, k] += max(now - before, 0.0) + now / life
    if traffic.rocket_bodies_per_year > 0 and counts["rocket_body"].sum() > 0:
        launches[:, 2, :] += traffic.rocket_bodies_per_year * counts["rocket_body"] / counts[
            "rocket_body"].sum()
    small = env.density_1_10cm_per_km3(np.clip(grid.center_km, env.bin_lower_km[0],
                                                env.bin_lower_km[-1] + BIN_KM))
    return Background(species, frags, initial, launches, np.asarray(small, dtype=float))


def intra_k_per_year(design: Satellite, settings: RiskSettings) -> float:
    """Collisions per year per ``N^2`` among members of one shell.

    The risk model's intra-shell pair term with its coordination factor, without its derelict
    term (derelicts are a species here).
    """
    parts = design.parts()
    radius_km = equivalent_radius_m(body_cross_section_m2(parts, parts)) / 1e3
    decision_km = 2.0 * design.hard_body_radius_m / 1e3
    factor = (coordination_factor(settings, radius_km, decision_km) if settings.coordinated
              else 1.0)
    rate = float(intra.pair_encounter_rate_per_year(
        design.altitude_km, design.inclination_deg, settings.shell_thickness_km,
        max(radius_km, 1e-9)))
    return 0.5 * rate * factor


def plan_species(group: PlanGroup, grid: AltitudeGrid, settings: RiskSettings,
                 env: DebrisEnvironment, place: _Placement | None = None) -> list[Species]:
    """Active, derelict and disposal species of one plan group (module notes)."""
    d = group.design
    place = place or _Placement(grid, settings.activity, settings.atmosphere,
                                settings.models_dir)
    parts = d.parts()
    at_shell = np.tile(place.vector(d.altitude_km), (grid.size, 1))
    at_disposal = np.tile(place.vector(group.disposal_altitude_km), (grid.size, 1))
    v = float(env.impact_velocity_km_s(d.inclination_deg))
    bus = sum(p.mean_cross_section_m2 for p in parts if p.name == "bus")
    common: dict[str, Any] = {"origin": "plan", "hard_body_radius_m": d.hard_body_radius_m,
                              "velocity_km_s": v, "total_mass_kg": d.total_mass_kg}
    active = parts_species(
        f"{group.name}", "active", parts, grid.size, ballistic_coefficient_kg_m2=None,
        maneuverable=True, tracked=True, life_years=d.design_life_years,
        failure_probability=settings.failure_before_disposal,
        derelict=f"{group.name} derelict", disposal=f"{group.name} disposal",
        disposal_map=at_disposal, derelict_map=at_shell, disabling_cross_section_m2=bus,
        intra_k_per_year=intra_k_per_year(d, settings),
        intra_velocity_km_s=float(circular_speed_km_s(d.altitude_km)), **common)
    derelict = parts_species(f"{group.name} derelict", "derelict", parts, grid.size,
                             ballistic_coefficient_kg_m2=d.ballistic_coefficient_kg_m2,
                             maneuverable=False, tracked=True, **common)
    disposal = parts_species(f"{group.name} disposal", "disposal", parts, grid.size,
                             ballistic_coefficient_kg_m2=d.ballistic_coefficient_kg_m2,
                             maneuverable=True, tracked=True, **common)
    return [active, derelict, disposal]


def build_scenario(
    groups: list[PlanGroup],
    *,
    settings: RiskSettings,
    config: EvolutionConfig,
    traffic: BackgroundTraffic,
    start_year: int,
    years: int | None = None,
    after_horizon: str = "replace",
    environment: DebrisEnvironment | None = None,
    label: str = "",
) -> Scenario:
    """The scenario of a plan (``groups``; none for the reference) over ``years`` years."""
    require_choice("after_horizon", after_horizon, AFTER_HORIZON)
    years = int(years or config.horizon_years)
    env = environment or DebrisEnvironment.load(directory=settings.models_dir)
    grid = config.grid()
    bg = background(config, traffic, settings, env, start_year, years)
    place = _Placement(grid, settings.activity, settings.atmosphere, settings.models_dir)
    plan: list[Species] = []
    plan_launch: list[FloatArray] = []
    for g in groups:
        k = int(grid.index(g.design.altitude_km))
        if not 0 <= k < grid.size:
            require_range(f"{g.name}: altitude_km", g.design.altitude_km,
                          ge=float(grid.lower_km[0]), lt=float(grid.edges_km[-1]))
        plan += plan_species(g, grid, settings, env, place)
        rate = np.zeros((years, 3, grid.size))
        h = min(len(g.launches), years)
        rate[:h, 0, k] = np.asarray(g.launches, dtype=float)[:h]
        if after_horizon == "replace" and years > len(g.launches):
            rate[len(g.launches):, 0, k] = g.in_service_last_year / g.design.design_life_years
        plan_launch.append(rate)
    n_bg = 3
    species = bg.species[:n_bg] + plan + bg.species[n_bg:]
    initial = np.concatenate([bg.initial[:n_bg], np.zeros((len(plan), grid.size)),
                              bg.initial[n_bg:]])
    launches = np.concatenate([bg.launches[:, :n_bg], *plan_launch, bg.launches[:, n_bg:]],
                              axis=1) if plan_launch else bg.launches
    return Scenario(grid, tuple(species), bg.fragments, initial, launches, int(start_year),
                    bg.small_density_per_km3, label)


def with_plan_start(scenario: Scenario, initial: FloatArray) -> Scenario:
    """The same scenario from another initial population (e.g. a batch of copies)."""
    return replace(scenario, initial=np.asarray(initial, dtype=float))
