"""``orbitdc validate``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from orbitdc.api import load_study
from orbitdc.cli._common import make_console, print_table


@click.command()
@click.argument("study_path", metavar="STUDY", type=click.Path(path_type=Path, dir_okay=False))
def validate(study_path: Path) -> None:
    """Check a study file and print a summary.

    Unknown keys, out-of-range values and technology names missing from models/ are reported
    one per line as FILE: FIELD = VALUE: WHAT IS ALLOWED, with exit status 2.
    """
    study = load_study(study_path)
    spec = study.spec
    console = make_console()
    console.print(f"[bold]{_shown(study.path)}[/bold]: valid (sha256 {study.sha256[:12]})")
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
        ("models", _shown(study.models_dir)),
    ]
    print_table("summary", ["item", "value"], rows, console)
    for problem in study.check_launch():  # raises when no class can be launched at all
        click.echo(f"warning: {_shown(study.path)}: {problem}: it cannot be launched and "
                   "takes no part", err=True)


def _shown(path: Path) -> str:
    """``path`` without ``..`` or ``.``: relative to the working folder when inside it."""
    absolute = os.path.normpath(os.path.abspath(path))
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative
