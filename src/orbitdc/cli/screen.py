"""``orbitdc screen``: conjunction screening of a catalog or Walker shell."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from orbitdc.cli._common import echo_json, make_console, print_table
from orbitdc.errors import InputError
from orbitdc.results import write_csv
from orbitdc.time import as_utc, parse_utc

#: Propagation backends (orbitdc.propagation.BACKENDS), spelled out so that `orbitdc --help`
#: does not import the screening engine.
_BACKENDS = ("auto", "heyoka", "sgp4")


class UtcDateTime(click.ParamType):
    """An ISO-8601 instant, UTC (``2009-02-10T00:00:00``, ``...Z`` or with an offset)."""

    name = "YYYY-MM-DDTHH:MM:SS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> datetime:
        """Parse the text; naive times are UTC, others are converted to UTC."""
        if isinstance(value, datetime):
            return as_utc(value)
        try:
            return parse_utc(str(value))
        except ValueError:
            self.fail(f"{value!r}: must be an ISO-8601 date-time such as 2009-02-10T00:00:00",
                      param, ctx)


class PopulationSpec(click.ParamType):
    """A catalog file (TLE/3LE/OMM) or ``walker:ALT_KM:INC:T/P/F``; checked here, loaded later."""

    name = "CATALOG|walker:ALT:INC:T/P/F"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        """Check a walker specification or that the file exists; return the text."""
        text = str(value)
        if text.lower().startswith("walker:"):
            from orbitdc.screening import parse_walker_spec

            name = param.name if param and param.name else "catalog"
            try:
                parse_walker_spec(text, name)
            except InputError as exc:
                # Name the wrong part once: the whole text, or the field inside it.
                if exc.value == text:
                    what = exc.allowed
                elif exc.field == name:
                    what = f"{exc.value!r} {exc.allowed}"
                else:
                    what = f"{exc.field} = {exc.value!r} {exc.allowed}"
                self.fail(f"{text!r}: {what}", param, ctx)
            return text
        if not Path(text).is_file():
            self.fail(f"{text!r}: no such catalog file (or use walker:ALT_KM:INC:T/P/F)",
                      param, ctx)
        return text


@click.command()
@click.argument("catalog", type=PopulationSpec())
@click.option("--against", type=PopulationSpec(), default=None,
              help="Second set (background catalog) screened against CATALOG only.")
@click.option("--start", type=UtcDateTime(), required=True, help="Window start (UTC).")
@click.option("--hours", type=click.FloatRange(0.0, 24.0 * 366, min_open=True), default=24.0,
              show_default=True, help="Window length [h].")
@click.option("--threshold-km", type=click.FloatRange(0.0, 1000.0, min_open=True), default=5.0,
              show_default=True, help="Report approaches closer than this [km].")
@click.option("--sigma-km", type=click.FloatRange(0.0, min_open=True), default=None,
              help="Combined 1-sigma position uncertainty per encounter-plane axis [km] "
                   "[default: the operator's median in models/operations.csv].")
@click.option("--operator", default="starlink", show_default=True,
              help="Operator class of models/operations.csv whose encounter sigma is the "
                   "default (as in orbitdc risk).")
@click.option("--hbr-m", type=click.FloatRange(0.0, min_open=True), default=20.0,
              show_default=True, help="Combined hard-body radius [m].")
@click.option("--pc-threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help="Collision probability that triggers a maneuver [default: "
                   "models/operations.csv, as in orbitdc risk].")
@click.option("--step-s", type=click.FloatRange(1.0, 600.0), default=None,
              help="Sampling step [s] (default 60).")
@click.option("--window-hours", type=click.FloatRange(0.0, min_open=True), default=6.0,
              show_default=True, help="Sub-window length [h] (the unit of Dask tasks).")
@click.option("--backend", type=click.Choice(_BACKENDS), default="auto", show_default=True,
              help="Propagation backend (auto: heyoka when installed).")
@click.option("--threads", type=click.IntRange(1), default=None,
              help="Sub-windows screened at once locally [default: number of cores].")
@click.option("--dask-scheduler", "dask_scheduler", default=None, metavar="ADDR",
              help="Run the sub-windows on a Dask cluster, e.g. tcp://host:8786.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the conjunctions as CSV.")
@click.option("--closest", type=click.IntRange(0, 10_000), default=10, show_default=True,
              help="Closest approaches to print (tables and --json); --out has them all.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON (the summary and the --closest approaches) instead of tables.")
@click.option("--skip-bad-records", is_flag=True,
              help="Screen the readable records of a catalog with rejected ones (bad checksum, "
                   "short line...) instead of stopping; the count is in the output.")
def screen(
    catalog: str,
    against: str | None,
    start: datetime,
    hours: float,
    threshold_km: float,
    sigma_km: float | None,
    operator: str,
    hbr_m: float,
    pc_threshold: float | None,
    step_s: float | None,
    window_hours: float,
    backend: str,
    threads: int | None,
    dask_scheduler: str | None,
    out: Path | None,
    closest: int,
    progress: bool | None,
    as_json: bool,
    skip_bad_records: bool,
) -> None:
    """Screen CATALOG (TLE/3LE/OMM file or walker:ALT_KM:INC:T/P/F) for close approaches.

    \b
    The 2009 Iridium 33 / Cosmos 2251 collision from the last public TLEs:
      orbitdc screen tests/data/iridium33_cosmos2251_2009.tle \\
        --start 2009-02-10T00:00:00 --hours 24 --threshold-km 5
    A Walker shell against a background catalog, conjunctions to CSV:
      orbitdc screen walker:550:53:1584/72/17 --against catalog.tle \\
        --start 2025-01-01T00:00:00 --out conjunctions.csv
    """
    from orbitdc.api import read_population, risk_settings
    from orbitdc.screening import CSV_COLUMNS

    defaults = risk_settings(operator=operator)
    sigma_km = defaults.encounter.sigma_km if sigma_km is None else sigma_km
    pc_threshold = defaults.pc_threshold if pc_threshold is None else pc_threshold
    # A catalog with rejected records stops here, naming each, unless --skip-bad-records.
    objects = read_population(catalog, start, field="catalog", skip_bad_records=skip_bad_records)
    others = (read_population(against, start, field="--against",
                              skip_bad_records=skip_bad_records) if against else None)
    for got in (objects, others):
        if got is not None and got.skipped:
            _note_skipped(got.source, got.skipped)
    population = objects.population
    background = others.population if others is not None else None
    client = None
    if dask_scheduler:
        from orbitdc.screening.distributed import connect

        client = connect(dask_scheduler)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        result = _run(population, background, start, hours, threshold_km, step_s, backend,
                      sigma_km, hbr_m, window_hours, client, threads, show)
    finally:
        if client is not None:
            client.close()
    if out is not None:  # every conjunction; the terminal and --json get the closest ones
        rows = result.to_rows()
        write_csv(out, rows) if rows else _write_header(out)
    chosen = replace(result, conjunctions=result.closest(closest)).to_rows() if closest else []
    agg = result.aggregates(pc_threshold)
    summary = {
        "population": catalog, "against": against or "", "start_utc": start.isoformat(),
        "window_hours": hours, "threshold_km": threshold_km, "step_s": result.step_s,
        "backend": result.backend, "pc_method": result.pc_method, "sigma_km": sigma_km,
        "hbr_m": hbr_m, "n_population": len(result.population), "n_against": len(result.against),
        "n_conjunctions": len(result), **agg.to_dict(),
        "skipped_records": len(objects.skipped),
        "skipped_records_against": len(others.skipped) if others is not None else 0,
        "self_separation_km": result.self_separation_km,
        "seconds": round(float(result.stats.get("t_total_s", 0.0)), 3),
    }
    if as_json:
        echo_json({"summary": summary, "closest": chosen,
                   "out": None if out is None else str(out)})
        return
    console = make_console()
    print_table("Screening", ["quantity", "value"],
                [(k, v) for k, v in summary.items() if k != "self_separation_km"], console)
    if result.self_separation_km:
        print_table("Walker shells: self-separation (symmetry)", ["shell", "min distance km"],
                    sorted(result.self_separation_km.items()), console)
    if chosen:
        print_table(f"Closest approaches ({len(chosen)} of {len(result)})", list(CSV_COLUMNS),
                    [[r[c] for c in CSV_COLUMNS] for r in chosen], console)
    if out is not None:
        click.echo(f"wrote {out} ({len(result)} conjunctions)")


def _note_skipped(source: str, skipped: tuple[str, ...], shown: int = 20) -> None:
    click.echo(f"warning: {source}: skipped {len(skipped)} rejected record(s) "
               "(--skip-bad-records):", err=True)
    for line in skipped[:shown]:
        click.echo(f"  {line}", err=True)
    if len(skipped) > shown:
        click.echo(f"  ... and {len(skipped) - shown} more", err=True)


def _write_header(path: Path) -> None:
    from orbitdc.results import atomic_write_text
    from orbitdc.screening import CSV_COLUMNS

    atomic_write_text(path, ",".join(CSV_COLUMNS) + "\n")


def _run(population: Any, background: Any, start: datetime, hours: float, threshold_km: float,
         step_s: float | None, backend: str, sigma_km: float, hbr_m: float, window_hours: float,
         client: Any, threads: int | None, show: bool) -> Any:
    from orbitdc.screening import screen as run_screening

    kwargs: dict[str, Any] = dict(
        start=start, hours=hours, threshold_km=threshold_km, step_s=step_s, backend=backend,
        sigma_km=sigma_km, hbr_m=hbr_m, window_hours=window_hours, dask_client=client,
        threads=threads,
    )
    if not show:
        return run_screening(population, background, **kwargs)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("screening"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("screen", total=1)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, 1))

        return run_screening(population, background, progress=tick, **kwargs)

