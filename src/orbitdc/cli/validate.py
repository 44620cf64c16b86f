"""``orbitdc validate``."""

from __future__ import annotations

from pathlib import Path

import click

from orbitdc.cli._common import make_console, print_table
from orbitdc.spec import read_study


@click.command()
@click.argument("study", type=click.Path(path_type=Path, dir_okay=False))
def validate(study: Path) -> None:
    """Check a study file and print a summary.

    Unknown keys, out-of-range values and technology names missing from models/ are reported
    one per line as FILE: FIELD = VALUE: WHAT IS ALLOWED, with exit status 2.
    """
    loaded = read_study(study)
    spec = loaded.spec
    console = make_console()
    console.print(f"[bold]{loaded.path}[/bold]: valid (sha256 {loaded.sha256[:12]})")
    console.print(f"study {spec.study.name!r}: {spec.study.description}")
    altitudes = spec.shells.altitudes_km()
    families = [f.label for f in spec.shells.families()]
    rows = [
        *((f"technology.{k}", v) for k, v in spec.technology.model_dump().items()),
        ("size classes", ", ".join(f"{c.name} ({c.power_kw:g} kW)" for c in spec.classes)),
        ("candidate altitudes", f"{len(altitudes)}: {altitudes[0]:g}..{altitudes[-1]:g} km "
         f"every {spec.shells.altitude_step_km:g} km"),
        ("inclination families", ", ".join(families)),
        ("candidate shells", str(len(altitudes) * len(families))),
        ("models", str(loaded.models_dir)),
    ]
    print_table("summary", ["item", "value"], rows, console)
