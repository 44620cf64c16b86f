"""Shared CLI pieces: the error-handling group, parameter types, output helpers."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from orbitdc.errors import InputError, OrbitdcError
from orbitdc.orbits.inclination import InclinationFamily


class OrbitdcGroup(click.Group):
    """A click group that turns :class:`OrbitdcError` into one clean message and exit 2.

    Click's own usage errors (a bad option value, a missing argument) get the same one-line
    form, ``error: Invalid value for '--power-kw': -5.0 is not in the range 0.0<x<=100000.0.
    (orbitdc size --help)``, instead of click's three-line usage block.
    """

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else (prog_name or "orbitdc")
            message = " ".join(exc.format_message().split())
            click.echo(f"error: {message} ({where} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OrbitdcError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"error: {line}", err=True)
            ctx.exit(2)


class InclinationType(click.ParamType):
    """``sso``, ``dawn-dusk``, ``sso-HH.H`` or degrees."""

    name = "sso|dawn-dusk|DEG"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> InclinationFamily:
        if isinstance(value, InclinationFamily):
            return value
        try:
            return InclinationFamily.parse(value, "--inclination")
        except InputError as exc:
            self.fail(f"{value!r}: {exc.allowed}", param, ctx)


class Count(click.ParamType):
    """A whole number written as ``1000000``, ``1_000_000``, ``1,000,000`` or ``1e6``."""

    name = "integer"

    def __init__(self, min: int = 0, max: int | None = None):
        self.min, self.max = min, max

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().replace("_", "").replace(",", "")
            try:
                number = int(text)
            except ValueError:
                try:
                    real = float(text)
                except ValueError:
                    real = math.nan
                if not (math.isfinite(real) and real == int(real)):
                    self.fail(f"{value!r} is not a whole number (1000000, 1_000_000 and 1e6 "
                              "are)", param, ctx)
                number = int(real)
        if number < self.min or (self.max is not None and number > self.max):
            bound = f">= {self.min}" if self.max is None else f"in {self.min}..{self.max}"
            self.fail(f"{number} must be {bound}", param, ctx)
        return number


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


def echo_json(data: Any) -> None:
    """Print JSON (non-finite floats as strings, numpy scalars as Python numbers)."""
    click.echo(json.dumps(_jsonable(data), indent=2))


def fmt(value: Any) -> str:
    """Compact human formatting for table cells."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0.0:
            return "0"
        if abs(value) >= 1e5 or abs(value) < 1e-3:
            return f"{value:.3e}"
        return f"{value:,.4g}" if abs(value) < 1e3 else f"{value:,.0f}"
    return str(value)


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    console: Console | None = None,
) -> None:
    """Render a table with rich."""
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(fmt(v) for v in row))
    console = console or make_console()
    console.print(table)


def make_console() -> Console:
    """A console that is not squeezed to 80 columns when output is piped to a file."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    return console


def technology_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The satellite-technology options shared by ``size`` and ``risk``.

    Their defaults are the study schema's (``[technology]`` of a study file), shown in
    ``--help`` and applied by :func:`orbitdc.api.size_satellite` when an option is not given.
    """
    from orbitdc.spec.schema import Technology

    fields = Technology.model_fields
    options = [
        click.option("--radiator-temp-k", type=click.FloatRange(150.0, 600.0, min_open=True),
                     default=None, help="Radiator temperature [K] "
                     f"[default: {fields['radiator_temp_k'].default:g}]."),
        click.option("--design-life-years", type=click.FloatRange(0.0, 30.0, min_open=True),
                     default=None, help="Design life [yr] "
                     f"[default: {fields['design_life_years'].default:g}]."),
        click.option("--eclipse-load-fraction", type=click.FloatRange(0.0, 1.0), default=None,
                     help="Fraction of compute kept running in eclipse "
                     f"[default: {fields['eclipse_load_fraction'].default:g}]."),
    ]
    for name, catalog in (("solar_array", "solar_arrays"), ("radiator", "radiators"),
                          ("battery", "batteries"), ("accelerator", "accelerators"),
                          ("bus", "bus"), ("environment", "thermal_environment")):
        options.append(click.option(
            "--" + name.replace("_", "-"), name, default=None,
            help=f"Technology from models/{catalog}.csv [default: {fields[name].default}]."))
    for option in reversed(options):
        command = option(command)
    return command
