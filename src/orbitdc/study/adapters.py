"""Adapters from a study file to the physics packages' inputs.

The physics packages (:mod:`orbitdc.sizing`, :mod:`orbitdc.risk`) know nothing of study files;
these functions read what a :class:`~orbitdc.spec.LoadedStudy` asks for (technology names, risk
assumptions, its catalog folder) and build their inputs.
"""

from __future__ import annotations

from orbitdc.assumptions import load_catalog
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.risk.model import RiskSettings
from orbitdc.sizing.satellite import SatelliteDesign, size_satellite
from orbitdc.sizing.technology import SatelliteTechnology
from orbitdc.spec.read import LoadedStudy


def shell_key(altitude_km: float, family: InclinationFamily) -> str:
    """Stable shell id, e.g. ``"550km-53"`` or ``"650km-dawn-dusk"``."""
    return f"{altitude_km:g}km-{family.label}"


def study_technology(
    loaded: LoadedStudy,
    *,
    solar_array: str | None = None,
    radiator: str | None = None,
    accelerator: str | None = None,
) -> SatelliteTechnology:
    """The technology set a study names, read from its catalog folder.

    ``solar_array``, ``radiator`` and ``accelerator`` replace the study's choice when given
    (an Optuna trial sampling the technology).
    """
    t = loaded.spec.technology
    return SatelliteTechnology.from_catalogs(
        solar_array=solar_array or t.solar_array,
        radiator=radiator or t.radiator,
        battery=t.battery,
        accelerator=accelerator or t.accelerator,
        bus=t.bus,
        environment=t.environment,
        directory=loaded.models_dir,
    )


def size_study(loaded: LoadedStudy) -> list[tuple[str, str, SatelliteDesign]]:
    """``(class name, shell key, design)`` for every candidate shell x class of a study."""
    spec = loaded.spec
    tech = study_technology(loaded)
    out = []
    for family in spec.shells.families():
        for altitude in spec.shells.altitudes_km():
            for cls in spec.classes:
                design = size_satellite(
                    cls.power_kw,
                    altitude,
                    family,
                    tech,
                    radiator_temp_k=spec.technology.radiator_temp_k,
                    design_life_years=spec.technology.design_life_years,
                    eclipse_load_fraction=spec.technology.eclipse_load_fraction,
                )
                out.append((cls.name, shell_key(altitude, family), design))
    return out


def study_risk_settings(loaded: LoadedStudy) -> RiskSettings:
    """The :class:`RiskSettings` a study asks for (catalog defaults where it is silent)."""
    r = loaded.spec.risk
    dep = loaded.spec.deployment
    return RiskSettings.from_catalogs(
        loaded.models_dir,
        operator=r.operator,
        activity=r.activity,
        atmosphere=r.atmosphere,
        population=r.population,
        background_growth=r.background_growth,
        pc_threshold=r.pc_threshold,
        coordinated=r.coordinated,
        min_separation_km=r.guaranteed_separation_km,
        shell_thickness_km=r.shell_thickness_km,
        start_year=float(dep.start_year),
        accumulation_years=float(dep.horizon_years),
    )


def keep_out_bands_km(loaded: LoadedStudy) -> list[tuple[str, float, float]]:
    """``(station, lowest, highest altitude [km])`` bands the study's shells must avoid.

    Each crewed station's band of ``models/crewed_stations.csv`` widened by its margin.
    """
    if not loaded.spec.shells.keep_out:
        return []
    cat = load_catalog("crewed_stations", loaded.models_dir)
    bands = []
    for name in loaded.spec.shells.keep_out:
        p = cat.parameters(name)
        bands.append((name, p["min_altitude_km"] - p["margin_km"],
                      p["max_altitude_km"] + p["margin_km"]))
    return bands
