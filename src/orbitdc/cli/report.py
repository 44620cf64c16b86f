"""``orbitdc report``."""

from __future__ import annotations

from pathlib import Path

import click

from orbitdc.api import build_report
from orbitdc.cli._common import make_console, print_table


@click.command()
@click.argument("results", nargs=-1, required=True,
                type=click.Path(path_type=Path, file_okay=False))
@click.option("--design", type=click.IntRange(min=0), default=None,
              help="Trial number of the design to review [default: best compute per risk].")
@click.option("--storage", default=None,
              help="Storage URL when the study is not in RESULTS/study.db (e.g. postgresql://...).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF of the design review.")
def report(results: tuple[Path, ...], design: int | None, storage: str | None,
           no_pdf: bool) -> None:
    """Write the report of a study: HTML, figures, Pareto set, design review.

    \b
    orbitdc report results/baseline                 one study
    orbitdc report results/baseline results/other   compare fronts on one chart
    orbitdc report results/baseline --design 17     review trial 17

    Everything is written into the first RESULTS folder.
    """
    files = build_report(results, design=design, storage_url=storage, pdf=not no_pdf)
    console = make_console()
    for message in files.messages:
        console.print(f"[yellow]note:[/yellow] {message}")
    rows = [("report", files.html), ("Pareto set", files.pareto_csv), ("", files.pareto_json)]
    rows += [("figure", f) for f in files.figures]
    if files.review_md:
        rows.append(("design review", files.review_md))
    if files.review_pdf:
        rows.append(("", files.review_pdf))
    print_table(f"wrote (design {files.design})", ["what", "file"], rows, console)
