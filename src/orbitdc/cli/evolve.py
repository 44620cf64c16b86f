"""``orbitdc evolve``."""

from __future__ import annotations

import time
from pathlib import Path

import click

from orbitdc.api import evolve as run_evolve
from orbitdc.cli._common import echo_json, print_table


@click.command()
@click.argument("source", required=False, metavar="[PLAN.json | STUDY.toml]",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--design", type=int, default=None,
              help="Trial number of the study's stored results (with STUDY.toml).")
@click.option("--plan", "plan_name", default=None,
              help="Plan of a Pareto file (pareto_3) [default: most compute per risk].")
@click.option("--years", type=click.IntRange(1, 200), default=None,
              help="Years to evolve [default: [sustainability] years, or 50].")
@click.option("--background", default=None,
              help="Background traffic: a scenario of models/background_traffic.csv "
                   "(nfl, sustained, filed) [default: sustained].")
@click.option("--after-horizon", type=click.Choice(["replace", "stop"]), default=None,
              help="After the plan's horizon its last fleet is held or retires "
                   "[default: replace].")
@click.option("--no-launches", is_flag=True,
              help="Only the reference: the background traffic without a plan.")
@click.option("--results-dir", type=click.Path(path_type=Path, file_okay=False),
              default="results", show_default=True,
              help="Where a study's results are (with --design).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder [default: beside the plan, results/<study>/evolve, or "
                   "results/evolve].")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def evolve(source: Path | None, design: int | None, plan_name: str | None, years: int | None,
           background: str | None, after_horizon: str | None, no_launches: bool,
           results_dir: Path, out: Path | None, as_json: bool) -> None:
    """Long-term debris environment with a plan, against the same years without it.

    \b
      orbitdc evolve results/baseline/optimize/ratio.json --years 50
      orbitdc evolve studies/baseline.toml --design 7
      orbitdc evolve --no-launches --years 50 --background nfl

    Populations of active satellites, derelicts, rocket bodies and fragments per altitude bin
    and year, with collisions feeding collisions; writes evolution.json and the plots
    (population by kind over time, year x altitude) and prints environment_50y (added debris
    objects after 50 years). The wall time goes to stderr.
    """
    tick = time.perf_counter()
    result = run_evolve(source, design=design, plan=plan_name, years=years,
                        background=background, after_horizon=after_horizon,
                        no_launches=no_launches, results_dir=results_dir)
    if out is None:
        if source is not None and source.suffix == ".json":
            out = source.parent / "evolve"
        elif source is not None:
            out = Path(results_dir) / source.stem / "evolve"
        else:
            out = Path(results_dir) / "evolve"
    files = result.write(out)
    data = result.to_dict()
    wall = time.perf_counter() - tick
    if as_json:
        echo_json(data)
    else:
        years_list = data["years"]
        rows = []
        for k in sorted({0, 10, 25, len(years_list) - 1} & set(range(len(years_list)))):
            rows.append([years_list[k], data["debris"][k], data["reference"]["debris"][k],
                         data["total"][k], data["collisions"][k]])
        print_table(f"{result.source}: objects >= 10 cm ({data['assumptions']['background']} "
                    "background)", ["year", "debris", "debris without plan", "all objects",
                                    "catastrophic collisions (cum.)"], rows)
        m = data["metrics"]
        if m:
            click.echo(f"environment_50y: {m['environment_50y']:+,.0f} debris objects after "
                       f"{m['years']} years; the worst bin holds {m['max_bin_ratio']:.2f}x its "
                       "fragments without the plan")
        click.echo(f"wrote {', '.join(str(f) for f in files)}")
    click.echo(f"wall time: {wall:.2f} s (evolution {data['wall_s']:.2f} s)", err=True)
