"""Command-line interface: a thin layer over the library.

Every user error (:class:`orbitdc.errors.OrbitdcError`) is printed as ``error: <message>`` on
stderr with exit status 2 and no traceback; click's own usage errors use status 2 as well.
"""

from __future__ import annotations

import sys

import click

from orbitdc._version import __version__
from orbitdc.cli._common import OrbitdcGroup
from orbitdc.cli.evolve import evolve
from orbitdc.cli.optimize import optimize
from orbitdc.cli.report import report
from orbitdc.cli.risk import risk
from orbitdc.cli.run import run, worker
from orbitdc.cli.screen import screen
from orbitdc.cli.size import size
from orbitdc.cli.slots import slots
from orbitdc.cli.validate import validate


@click.group(cls=OrbitdcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orbitdc")
def cli() -> None:
    """orbitdc: design orbital data-center constellations.

    Which shells (altitude, inclination), which satellite sizes and which launch schedule
    give the most compute per unit of debris risk? Start with:

    \b
      orbitdc run studies/baseline.toml        the whole study, then its report
      orbitdc validate studies/baseline.toml
      orbitdc size --power-kw 100 --altitude-km 550 --inclination dawn-dusk
      orbitdc risk --altitude-km 550 --inclination 53 --power-kw 100 --satellites 1000
      orbitdc slots --altitude-km 550 --inclination 53 --min-separation-km 10
    """


cli.add_command(validate)
cli.add_command(size)
cli.add_command(risk)
cli.add_command(optimize)
cli.add_command(run)
cli.add_command(worker)
cli.add_command(report)
cli.add_command(screen)
cli.add_command(evolve)
cli.add_command(slots)


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main(prog_name="orbitdc", standalone_mode=True))
