"""``orbitdc size``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from orbitdc.api import load_study, size_satellite
from orbitdc.cli._common import InclinationType, echo_json, print_table, technology_options
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.results import write_csv

_GROUPS = {
    "orbit": ("altitude_km", "inclination_family", "inclination_deg", "orbital_period_min",
              "eclipse_fraction", "eclipse_fraction_max", "eclipse_max_min", "beta_min_deg"),
    "power": ("power_compute_kw", "power_bus_kw", "power_thermal_control_kw",
              "power_heat_pump_kw", "power_daylight_kw", "power_eclipse_kw",
              "array_power_required_kw", "array_power_bol_kw", "array_power_eol_kw",
              "array_area_m2", "array_area_bol_m2", "battery_energy_kwh"),
    "thermal": ("radiator_temp_k", "heat_rejected_kw", "heat_pump_cop",
                "radiator_net_flux_w_m2", "radiator_area_m2"),
    "mass": ("array_mass_kg", "radiator_mass_kg", "battery_mass_kg", "compute_hw_mass_kg",
             "structure_mass_kg", "propulsion_mass_kg", "total_mass_kg"),
    "geometry": ("bus_side_m", "array_span_m", "radiator_span_m", "cross_section_m2",
                 "bus_cross_section_m2", "largest_dimension_m", "hard_body_radius_m",
                 "area_to_mass_m2_kg",
                 "ballistic_coefficient_kg_m2"),
    "compute": ("availability", "compute_pflops", "manufacturing_cost_musd"),
}


@click.command()
@click.argument("study", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--power-kw", type=click.FloatRange(min=0.0, min_open=True, max=100_000.0),
              help="Compute power per satellite [kW] (100 kW .. 10 MW typical).")
@click.option("--altitude-km", type=click.FloatRange(150.0, 2000.0),
              help="Circular-orbit altitude [km].")
@click.option("--inclination", type=InclinationType(), default="dawn-dusk", show_default=True,
              help="Degrees, 'sso' (LTAN 10:30), 'dawn-dusk' (LTAN 18:00) or 'sso-HH.H'.")
@click.option("--beta-deg", type=click.FloatRange(-90.0, 90.0), default=None,
              help="Size for this fixed Sun beta angle [deg] instead of the year's range.")
@technology_options
@click.option("--results-dir", type=click.Path(path_type=Path, file_okay=False),
              default="results", show_default=True,
              help="With STUDY: where results/<study>/sizing.csv is written.")
@click.option("--allow-changed", is_flag=True,
              help="With STUDY: write into results/<study> although it holds results of another "
                   "study file with the same name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with unit-named keys.")
def size(
    study: Path | None,
    power_kw: float | None,
    altitude_km: float | None,
    inclination: InclinationFamily,
    beta_deg: float | None,
    results_dir: Path,
    allow_changed: bool,
    as_json: bool,
    **technology: Any,
) -> None:
    """Size satellites: array, radiator, battery, masses, geometry and compute.

    \b
    One satellite:
      orbitdc size --power-kw 100 --altitude-km 550 --inclination sso
    Every size class of a study on every candidate shell (writes results/<study>/sizing.csv):
      orbitdc size studies/baseline.toml
    """
    if study is not None:
        _size_study(study, results_dir, as_json, allow_changed)
        return
    if power_kw is None or altitude_km is None:
        raise click.UsageError("give --power-kw and --altitude-km, or a STUDY file")
    design = size_satellite(power_kw, altitude_km, inclination, beta_deg=beta_deg, **technology)
    data = design.to_dict()
    if as_json:
        echo_json(data)
        return
    rows = [(group, key, data[key]) for group, keys in _GROUPS.items() for key in keys]
    print_table(
        f"{power_kw:g} kW satellite at {altitude_km:g} km, inclination {inclination.label}",
        ["group", "quantity", "value"],
        rows,
    )


_SUMMARY = ("altitude_km", "inclination_family", "power_compute_kw", "eclipse_fraction",
            "array_area_m2", "radiator_area_m2", "battery_mass_kg", "total_mass_kg",
            "cross_section_m2", "compute_pflops")


def _size_study(study_path: Path, results_dir: Path, as_json: bool, allow_changed: bool) -> None:
    study = load_study(study_path)
    out_dir = study.open_results(results_dir, allow_changed=allow_changed)
    rows = [sized.row() for sized in study.size()]
    path = out_dir / "sizing.csv"
    write_csv(path, rows)
    study.write_manifest(out_dir)
    if as_json:
        echo_json(rows)
        return
    print_table(
        f"{study.name}: {len(rows)} designs (every class on every candidate shell)",
        ["class", *_SUMMARY],
        [(r["class"], *(r[k] for k in _SUMMARY)) for r in rows],
    )
    click.echo(f"wrote {path}")
