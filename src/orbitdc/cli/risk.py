"""``orbitdc risk``."""

from __future__ import annotations

from typing import Any

import click

from orbitdc.api import assess_risk, size_satellite
from orbitdc.cli._common import InclinationType, echo_json, print_table, technology_options
from orbitdc.orbits.inclination import InclinationFamily

_PER_SAT = (
    "decay_years", "disposal_years", "compliant_5yr", "compliant_25yr", "disposal_altitude_km",
    "disposal_dv_m_s", "disposal_propellant_kg", "stationkeeping_dv_m_s_per_year",
    "stationkeeping_propellant_kg_per_year", "relative_velocity_km_s", "tracked_density_per_km3",
    "flux_tracked_per_sat_year", "catastrophic_collisions_per_sat_year",
    "lethal_nontrackable_per_sat_year", "disabling_impacts_per_sat_year",
    "collisions_per_sat_year", "maneuvers_per_sat_year", "fragments_per_collision",
    "fragment_residual_years", "failure_probability", "debris_index_per_sat_year",
)


@click.command()
@click.option("--altitude-km", type=click.FloatRange(200.0, 2000.0), required=True,
              help="Shell altitude [km].")
@click.option("--inclination", type=InclinationType(), default="53", show_default=True,
              help="Degrees, 'sso', 'dawn-dusk' or 'sso-HH.H'.")
@click.option("--power-kw", type=click.FloatRange(min=0.0, min_open=True, max=100_000.0),
              default=100.0, show_default=True, help="Compute power per satellite [kW].")
@click.option("--satellites", type=click.IntRange(min=1), default=1, show_default=True,
              help="Satellites in the shell (for the per-shell and intra-shell terms).")
@click.option("--activity", type=click.Choice(["low", "moderate", "high"]), default="moderate",
              show_default=True, help="ECSS long-term solar activity level.")
@click.option("--pc-threshold", type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
              default=None, help="Maneuver probability threshold [default: models/operations.csv].")
@click.option("--uncoordinated", is_flag=True,
              help="Members of the shell are not phased and kept apart.")
@click.option("--separation-km", type=click.FloatRange(min=0.0), default=None,
              help="Guaranteed separation inside a coordinated shell [km] "
                   "[default: models/operations.csv].")
@click.option("--shell-thickness-km", type=click.FloatRange(min=0.0, min_open=True, max=100.0),
              default=None, help="Radial band occupied by the shell [km] "
                                 "[default: models/operations.csv].")
@technology_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON with unit-named keys.")
def risk(
    altitude_km: float,
    inclination: InclinationFamily,
    power_kw: float,
    satellites: int,
    activity: str,
    pc_threshold: float | None,
    uncoordinated: bool,
    separation_km: float | None,
    shell_thickness_km: float | None,
    as_json: bool,
    **technology: Any,
) -> None:
    """Debris risk of one satellite and of a shell of them.

    Sizes the satellite (orbitdc size), then reports decay time, disposal compliance (FCC
    5-year rule, IADC 25-year guideline), station-keeping delta-v, background flux, expected
    collisions, avoidance maneuvers and the debris index, per satellite and per shell.

    Example: orbitdc risk --altitude-km 550 --inclination 53 --power-kw 100 --satellites 1000
    """
    design = size_satellite(power_kw, altitude_km, inclination, **technology)
    result = assess_risk(design, satellites=satellites, activity=activity,
                         pc_threshold=pc_threshold, coordinated=not uncoordinated,
                         min_separation_km=separation_km, shell_thickness_km=shell_thickness_km)
    sat, shell = result.satellite, result.shell
    data = result.to_dict()
    if as_json:
        echo_json(data)
        return
    per_sat = sat.to_dict()
    print_table(
        f"risk of one {power_kw:g} kW satellite ({design.total_mass_kg:,.0f} kg, "
        f"{design.cross_section_m2:,.0f} m^2) at {altitude_km:g} km, {inclination.label}",
        ["quantity", "value"],
        [(key, per_sat[key]) for key in _PER_SAT],
    )
    print_table(f"shell of {satellites} satellites (per year)", ["quantity", "value"],
                list(shell.to_dict().items()))
