"""A satellite technology set assembled from the ``models/`` catalogs.

The sizing model reads every number through these typed records, so a catalog that lacks a
parameter fails at load time with the file and parameter named, not deep inside a formula.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any, Self

from orbitdc.assumptions import Catalog, load_catalog


class _FromCatalog:
    """Mixin: build a frozen dataclass from one technology row set of a catalog."""

    @classmethod
    def from_catalog(cls, catalog: Catalog, technology: str, field: str | None = None) -> Self:
        catalog.require_technology(technology, field)
        values: dict[str, Any] = {"name": technology}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name != "name":
                values[f.name] = catalog.value(technology, f.name)
        return cls(**values)


@dataclass(frozen=True)
class SolarArrayTech(_FromCatalog):
    """Solar-array technology (``models/solar_arrays.csv``)."""

    name: str
    cell_efficiency: float  #: [-] BOL, AM0, 28 C
    packing_factor: float  #: [-]
    inherent_degradation: float  #: [-] design/assembly/shadowing
    temperature_coefficient_per_k: float  #: [1/K] relative power change per kelvin
    operating_temperature_k: float  #: [K] cell temperature in operation
    degradation_per_year: float  #: [-/yr]
    areal_density_kg_m2: float  #: [kg/m^2] array mass per array area


@dataclass(frozen=True)
class RadiatorTech(_FromCatalog):
    """Radiator technology (``models/radiators.csv``)."""

    name: str
    emissivity: float  #: [-]
    solar_absorptivity: float  #: [-]
    fin_efficiency: float  #: [-]
    areal_density_kg_m2: float  #: [kg/m^2] per plate area (both faces radiate)
    max_temperature_k: float  #: [K] upper limit of the working fluid / coating


@dataclass(frozen=True)
class BatteryTech(_FromCatalog):
    """Battery technology (``models/batteries.csv``)."""

    name: str
    specific_energy_wh_kg: float  #: [Wh/kg] at battery level
    depth_of_discharge: float  #: [-] allowed for the cycle life
    discharge_efficiency: float  #: [-]


@dataclass(frozen=True)
class AcceleratorTech(_FromCatalog):
    """Compute hardware (``models/accelerators.csv``), at system (rack) level."""

    name: str
    flops_per_watt: float  #: [FLOP/s per W] dense BF16 at system level
    mass_kg_per_kw: float  #: [kg/kW] hardware mass per kW of compute power
    shielding_kg_per_kw: float  #: [kg/kW] radiation shielding per kW of compute power
    coolant_temperature_k: float  #: [K] coolant temperature leaving the cold plates
    hardware_availability: float  #: [-] fraction of hardware in service
    cost_per_kw_usd: float  #: [USD/kW]


@dataclass(frozen=True)
class BusTech(_FromCatalog):
    """Bus, power-regulation and geometry assumptions (``models/bus.csv``)."""

    name: str
    bus_power_w: float  #: [W] housekeeping: attitude control, avionics, TT&C
    link_power_w: float  #: [W] optical inter-satellite and ground links
    thermal_control_power_fraction: float  #: [-] pump power per unit heat load
    daylight_path_efficiency: float  #: [-] SMAD X_d
    eclipse_path_efficiency: float  #: [-] SMAD X_e
    pointing_error_deg: float  #: [deg] array Sun-pointing error
    radiator_loop_delta_t_k: float  #: [K] coolant-to-radiator temperature drop
    heat_pump_second_law_efficiency: float  #: [-]
    structure_fraction: float  #: [-] of total dry mass
    propulsion_fraction: float  #: [-] of total mass (system and propellant)
    bus_bulk_density_kg_m3: float  #: [kg/m^3] packed bus (hardware, battery, structure)
    array_aspect_ratio: float  #: [-] wing length / width
    radiator_aspect_ratio: float  #: [-] wing length / width
    drag_coefficient: float  #: [-]
    manufacturing_cost_per_kg_usd: float  #: [USD/kg] satellite cost per kg, compute excluded
    thruster_efficiency: float  #: [-] jet power / electric power of the electric thrusters


@dataclass(frozen=True)
class ThermalEnvironment(_FromCatalog):
    """Radiative environment in low Earth orbit (``models/thermal_environment.csv``)."""

    name: str
    solar_constant_w_m2: float  #: [W/m^2]
    earth_ir_w_m2: float  #: [W/m^2] outgoing long-wave radiation
    albedo: float  #: [-]
    albedo_factor: float  #: [-] fraction of sub-solar albedo load (1 = hot case)
    radiator_solar_incidence_deg: float  #: [deg] Sun angle to the radiator plane


@dataclass(frozen=True)
class SatelliteTechnology:
    """Everything the sizing model needs besides the mission inputs."""

    array: SolarArrayTech
    radiator: RadiatorTech
    battery: BatteryTech
    accelerator: AcceleratorTech
    bus: BusTech
    environment: ThermalEnvironment

    @classmethod
    def from_catalogs(
        cls,
        *,
        solar_array: str,
        radiator: str,
        battery: str,
        accelerator: str,
        bus: str,
        environment: str,
        directory: str | os.PathLike[str] | None = None,
    ) -> SatelliteTechnology:
        """Assemble a technology set by catalog names.

        The default choice of each lives in the study schema
        (:class:`orbitdc.spec.schema.Technology`); :func:`orbitdc.api.satellite_technology`
        applies it.

        Raises
        ------
        orbitdc.errors.InputError
            If a name is not in its catalog (the message lists the choices).
        orbitdc.errors.CatalogError
            If a catalog lacks a parameter.
        """
        return cls(
            array=SolarArrayTech.from_catalog(
                load_catalog("solar_arrays", directory), solar_array, "technology.solar_array"
            ),
            radiator=RadiatorTech.from_catalog(
                load_catalog("radiators", directory), radiator, "technology.radiator"
            ),
            battery=BatteryTech.from_catalog(
                load_catalog("batteries", directory), battery, "technology.battery"
            ),
            accelerator=AcceleratorTech.from_catalog(
                load_catalog("accelerators", directory), accelerator, "technology.accelerator"
            ),
            bus=BusTech.from_catalog(load_catalog("bus", directory), bus, "technology.bus"),
            environment=ThermalEnvironment.from_catalog(
                load_catalog("thermal_environment", directory),
                environment,
                "technology.environment",
            ),
        )
