"""Size every class of a study on every candidate shell."""

from __future__ import annotations

from orbitdc.sizing.satellite import SatelliteDesign, size_satellite
from orbitdc.sizing.technology import SatelliteTechnology
from orbitdc.spec.load import LoadedStudy


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


def size_study(loaded: LoadedStudy) -> list[tuple[str, SatelliteDesign]]:
    """``(class name, design)`` for every class x candidate altitude x inclination family."""
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
                out.append((cls.name, design))
    return out
