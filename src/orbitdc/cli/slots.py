"""``orbitdc slots``."""

from __future__ import annotations

from typing import Any

import click

from orbitdc.api import find_slots, slot_separation, slot_survey
from orbitdc.cli._common import InclinationType, echo_json, make_console, print_table
from orbitdc.orbits.inclination import InclinationFamily


@click.command()
@click.option("--altitude-km", type=click.FloatRange(150.0, 2000.0), default=None,
              help="Shell altitude [km] (one shell).")
@click.option("--inclination", "inclinations", type=InclinationType(), multiple=True,
              help="Degrees, 'sso', 'dawn-dusk' or 'sso-HH.H'; repeat for a survey "
                   "[default: 53].")
@click.option("--min-separation-km", type=click.FloatRange(min=0.0, min_open=True),
              default=None, help="Required distance between any two members [km] [default: "
              "from --power-kw or --hard-body-radius-m and models/slots.csv].")
@click.option("--power-kw", type=click.FloatRange(min=0.0, min_open=True, max=100_000.0),
              default=None, help="Size a satellite of this compute power for the required "
                                 "separation and radial spacing.")
@click.option("--hard-body-radius-m", type=click.FloatRange(min=0.0), default=None,
              help="Hard-body radius for the required separation [m] [default: "
                   "models/slots.csv reference_hard_body_radius_m].")
@click.option("--max-satellites", type=click.IntRange(min=1), default=None,
              help="Largest pattern wanted.")
@click.option("--planes-budget", type=click.IntRange(min=1), default=None,
              help="Plane counts the search examines [default: 192, 48 per survey cell]; more "
                   "finds more.")
@click.option("--survey", is_flag=True,
              help="Survey a band of altitudes: slots per shell, shells that stack, total.")
@click.option("--altitude-min-km", type=click.FloatRange(150.0, 2000.0), default=400.0,
              show_default=True, help="Survey: lowest altitude [km].")
@click.option("--altitude-max-km", type=click.FloatRange(150.0, 2000.0), default=1200.0,
              show_default=True, help="Survey: highest altitude [km].")
@click.option("--altitude-step-km", type=click.FloatRange(min=0.0, min_open=True),
              default=50.0, show_default=True,
              help="Survey: searched altitudes; each stands for its band [km].")
@click.option("--radial-spacing-km", type=click.FloatRange(min=0.0, min_open=True),
              default=None, help="Survey: spacing of stacked shells [km] [default: from the "
                                 "hard-body radius and models/slots.csv].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with unit-named keys.")
def slots(
    altitude_km: float | None,
    inclinations: tuple[InclinationFamily, ...],
    min_separation_km: float | None,
    power_kw: float | None,
    hard_body_radius_m: float | None,
    max_satellites: int | None,
    planes_budget: int | None,
    survey: bool,
    altitude_min_km: float,
    altitude_max_km: float,
    altitude_step_km: float,
    radial_spacing_km: float | None,
    as_json: bool,
) -> None:
    """Self-safe orbital slots: the Walker pattern with the most satellites in a shell.

    Searches Walker-delta / 2D-lattice flower patterns T/P/F whose members never come closer
    than the required separation (theory of their minimum distance, measured on the shell's
    SGP4 track), and verifies the winner with SGP4. The pattern can be screened with
    orbitdc screen. --survey counts the slots of a band of LEO.

    \b
    orbitdc slots --altitude-km 550 --inclination 53 --min-separation-km 10
    orbitdc slots --altitude-km 550 --inclination dawn-dusk --power-kw 1000 --json
    orbitdc slots --survey --inclination 53 --inclination sso --min-separation-km 2.5
    """
    fams = list(inclinations) or [InclinationFamily.parse("53")]
    separation, spacing, radius = slot_separation(
        hard_body_radius_m=hard_body_radius_m, power_kw=power_kw,
        altitude_km=altitude_km or 550.0, inclination=fams[0])
    separation = min_separation_km if min_separation_km is not None else separation
    spacing = radial_spacing_km if radial_spacing_km is not None else spacing
    console = make_console()
    if survey:
        def progress(done: int, total: int) -> None:
            if not as_json and done < total:
                console.print(f"  searching {done + 1}/{total}...", end="\r")

        result = slot_survey(altitude_min_km, altitude_max_km, fams, separation,
                             radial_spacing_km=spacing, altitude_step_km=altitude_step_km,
                             planes_budget=planes_budget, progress=progress)
        if as_json:
            echo_json(result.to_dict())
            return
        rows: list[Any] = [(c.pattern.altitude_km, c.pattern.inclination,
                            f"{c.band_low_km:g}-{c.band_high_km:g}", c.pattern.satellites,
                            f"{c.pattern.planes}x{c.pattern.sats_per_plane} F={c.pattern.phasing}",
                            c.pattern.min_separation_km, c.shells, c.slots)
                           for c in result.cells]
        print_table(f"slots of {altitude_min_km:g}-{altitude_max_km:g} km at "
                    f"{separation:.3f} km separation, shells every {spacing:.3f} km",
                    ["altitude_km", "inclination", "band_km", "satellites_per_shell",
                     "pattern", "min_separation_km", "shells", "slots"], rows, console)
        for name, value in result.totals_by_inclination().items():
            console.print(f"all shells at {name}: {value:,} slots")
        console.print(f"best family per band: {result.total_slots:,} slots in "
                      f"{result.total_shells:,} shells ({result.search_seconds:.0f} s)")
        return
    if altitude_km is None:
        raise click.UsageError("give --altitude-km (or --survey)")
    if len(fams) > 1:
        raise click.UsageError("one --inclination per shell (several only with --survey)")
    pattern = find_slots(altitude_km, fams[0], separation, max_satellites=max_satellites,
                         planes_budget=planes_budget)
    data = pattern.to_dict()
    data["hard_body_radius_m"] = radius if min_separation_km is None else None
    data["radial_spacing_km"] = spacing
    if as_json:
        echo_json(data)
        return
    print_table(f"self-safe pattern at {altitude_km:g} km, {pattern.inclination_deg:.2f} deg",
                ["quantity", "value"],
                [(k, v) for k, v in data.items() if k != "notes"], console)
    for note in pattern.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
