"""``orbitdc risk``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from orbitdc.api import assess_risk, generic_satellite, load_study, size_and_assess_risk
from orbitdc.cli._common import (
    Count,
    InclinationType,
    echo_json,
    make_console,
    print_table,
    technology_options,
)
from orbitdc.orbits.inclination import InclinationFamily

#: Per-satellite figures shown in the table (all are in the JSON).
_PER_SAT = (
    "operator", "decay_years", "disposal_years", "compliant_5yr", "compliant_25yr",
    "disposal_altitude_km", "disposal_dv_m_s", "disposal_propellant_kg",
    "stationkeeping_dv_m_s_per_year", "stationkeeping_propellant_kg_per_year",
    "relative_velocity_km_s", "tracked_density_per_km3", "untracked_ge10cm_density_per_km3",
    "collision_cross_section_m2", "maneuvers_per_sat_year", "collisions_per_sat_year",
    "catastrophic_collisions_per_sat_year", "disabling_impacts_per_sat_year",
    "survivable_impacts_per_sat_year", "fragments_per_tracked_collision",
    "fragments_per_untracked_collision", "fragment_residual_years", "failure_probability",
    "collision_probability_orbital_life", "debris_index_per_sat_year",
    "environmental_index_per_sat_year",
)


@click.command()
@click.argument("study_path", metavar="[STUDY]", required=False,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--class", "class_name", default=None,
              help="With STUDY: the size class to assess (its name in [[classes]]).")
@click.option("--shell", "shell_key", default=None,
              help="With STUDY: the candidate shell, e.g. 550km-dawn-dusk (orbitdc size STUDY "
                   "lists them).")
@click.option("--altitude-km", type=click.FloatRange(200.0, 2000.0), default=None,
              help="Shell altitude [km].")
@click.option("--inclination", type=InclinationType(), default="53", show_default=True,
              help="Degrees, 'sso', 'dawn-dusk' or 'sso-HH.H'.")
@click.option("--power-kw", type=click.FloatRange(min=0.0, min_open=True, max=100_000.0),
              default=100.0, show_default=True,
              help="Compute power per satellite [kW] (sized unless --mass-kg is given).")
@click.option("--mass-kg", type=click.FloatRange(min=0.0, min_open=True), default=None,
              help="Assess this satellite instead of sizing one (with --cross-section-m2 and "
                   "--hard-body-radius-m).")
@click.option("--cross-section-m2", type=click.FloatRange(min=0.0, min_open=True),
              default=None, help="Orientation-averaged cross-section [m^2] (with --mass-kg).")
@click.option("--hard-body-radius-m", type=click.FloatRange(min=0.0, min_open=True),
              default=None, help="Circumscribing-sphere radius [m] (with --mass-kg).")
@click.option("--satellites", type=Count(min=1), default=1, show_default=True,
              help="Satellites in the shell (for the per-shell and intra-shell terms).")
@click.option("--operator", default=None,
              help="Operator class of models/operations.csv (encounter model) "
                   "[default: starlink].")
@click.option("--activity", type=click.Choice(["cycle", "low", "moderate", "high"]),
              default=None, help="Solar activity: the recorded/predicted cycle from --start-year "
                                 "or an ECSS constant level [default: cycle].")
@click.option("--start-year", type=click.IntRange(1957, 2200), default=None,
              help="First year of the period lifetimes and growth are averaged over "
                   "[default: models/operations.csv].")
@click.option("--population", type=click.Choice(["all", "no-starlink", "debris-rb"]),
              default=None, help="Catalogued background [default: all].")
@click.option("--background-growth", type=click.Choice(["none", "filed"]), default=None,
              help="Add other operators' filed constellations as they deploy [default: none].")
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
    study_path: Path | None,
    class_name: str | None,
    shell_key: str | None,
    altitude_km: float | None,
    inclination: InclinationFamily,
    power_kw: float,
    mass_kg: float | None,
    cross_section_m2: float | None,
    hard_body_radius_m: float | None,
    satellites: int,
    operator: str | None,
    activity: str | None,
    start_year: int | None,
    population: str | None,
    background_growth: str | None,
    pc_threshold: float | None,
    uncoordinated: bool,
    separation_km: float | None,
    shell_thickness_km: float | None,
    as_json: bool,
    **technology: Any,
) -> None:
    """Debris risk of one satellite and of a shell of them.

    Sizes the satellite (orbitdc size) or takes its mass, cross-section and hard-body radius,
    then reports decay time, disposal compliance (FCC 5-year rule, IADC 25-year guideline),
    station keeping, maneuvers, collisions with objects >= 10 cm, 1-10 cm impacts, the debris
    index (fragment-years) and the environmental index, per satellite and per shell, with a
    warning where the model leaves its domain.

    \b
    orbitdc risk --altitude-km 550 --inclination 53 --power-kw 100 --satellites 1000
    orbitdc risk --altitude-km 550 --mass-kg 800 --cross-section-m2 70 --hard-body-radius-m 15
    orbitdc risk studies/baseline.toml --class S1000 --shell 550km-dawn-dusk
    """
    options: dict[str, Any] = {
        "operator": operator, "activity": activity, "start_year": start_year,
        "population": None if population is None else population.replace("-", "_"),
        "background_growth": background_growth, "pc_threshold": pc_threshold,
        "coordinated": False if uncoordinated else None, "min_separation_km": separation_km,
        "shell_thickness_km": shell_thickness_km,
    }
    if study_path is not None:
        if class_name is None or shell_key is None:
            raise click.UsageError("with STUDY give --class NAME and --shell KEY")
        result = load_study(study_path).risk(class_name, shell_key, satellites=satellites,
                                             **options)
        title = f"{class_name} in {shell_key} ({study_path})"
    else:
        if altitude_km is None:
            raise click.UsageError("give --altitude-km (or a STUDY with --class and --shell)")
        given = [mass_kg, cross_section_m2, hard_body_radius_m]
        if any(v is not None for v in given):
            if any(v is None for v in given):
                raise click.UsageError("--mass-kg, --cross-section-m2 and --hard-body-radius-m "
                                       "go together")
            design: Any = generic_satellite(
                mass_kg=float(mass_kg), cross_section_m2=float(cross_section_m2),  # type: ignore[arg-type]
                hard_body_radius_m=float(hard_body_radius_m),  # type: ignore[arg-type]
                altitude_km=altitude_km, inclination=inclination,
                design_life_years=technology.get("design_life_years"))
            title = f"{mass_kg:g} kg satellite"
            result = assess_risk(design, satellites=satellites, **options)
        else:
            sizing = {k: technology.pop(k) for k in ("radiator_temp_k", "design_life_years",
                                                     "eclipse_load_fraction")}
            result = size_and_assess_risk(power_kw, altitude_km, inclination,
                                          satellites=satellites, technology=technology,
                                          **sizing, **options)
            title = f"{power_kw:g} kW satellite"
    data = result.to_dict()
    if as_json:
        echo_json(data)
        return
    sat, shell, d = result.satellite, result.shell, result.design
    per_sat = sat.to_dict()
    console = make_console()
    print_table(
        f"risk of one {title} ({d.total_mass_kg:,.0f} kg, {sat.collision_cross_section_m2:,.0f} "
        f"m^2 collision cross-section) at {sat.altitude_km:g} km, {sat.inclination_deg:.1f} deg",
        ["quantity", "value"], [(key, per_sat[key]) for key in _PER_SAT], console)
    print_table(f"shell of {satellites} satellites (per year)", ["quantity", "value"],
                [(k, v) for k, v in shell.to_dict().items() if k != "warnings"], console)
    for message in shell.warnings:
        console.print(f"[yellow]warning:[/yellow] {message}")
