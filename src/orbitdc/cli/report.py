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
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder [default: the study's folder; for several studies a new "
                   "folder compare-A-B beside the first].")
@click.option("--log-x", is_flag=True, help="Logarithmic risk axis on the Pareto front.")
@click.option("--log-y", is_flag=True, help="Logarithmic compute axis on the Pareto front.")
@click.option("--importance", type=click.Choice(["ped-anova", "fanova"]), default="ped-anova",
              show_default=True,
              help="Parameter-importance evaluator (fanova needs scikit-learn: orbitdc[fanova]).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF of the design review.")
def report(results: tuple[Path, ...], design: int | None, storage: str | None, out: Path | None,
           log_x: bool, log_y: bool, importance: str, no_pdf: bool) -> None:
    """Write the report of a study: HTML, figures, Pareto set, design review.

    \b
    orbitdc report results/baseline              one study, into results/baseline/
    orbitdc report results/a results/b           compare fronts, into results/compare-a-b/
    orbitdc report results/a results/b --out cmp --log-x
    orbitdc report results/baseline --design 17  review trial 17

    A single study's report goes into its own folder; a comparison never overwrites a study's
    own report.
    """
    files = build_report(results, design=design, storage_url=storage, pdf=not no_pdf,
                         out=out, log_x=log_x, log_y=log_y,
                         importance="fanova" if importance == "fanova" else "ped-anova")
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
    console.print(f"report: {files.html}")
    if files.review_md:
        console.print(f"design review: {files.review_md}")
    if files.review_pdf:
        console.print(f"design review (PDF): {files.review_pdf}")
    elif files.pdf_skipped:
        console.print(f"design review PDF skipped: {files.pdf_skipped}")
