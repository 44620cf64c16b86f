"""``orbitdc optimize``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import Progress

from orbitdc.api import OBJECTIVES, load_study
from orbitdc.cli._common import echo_json, make_console, print_table

if TYPE_CHECKING:
    from orbitdc.api import Optimization
    from orbitdc.deploy import Plan


def _plan_tables(plan: Plan, title: str, slot_rows: list[dict[str, Any]] | None = None) -> None:
    console = make_console()
    totals = plan.totals()
    print_table(title, ["figure", "value"], [(k, v if not isinstance(v, list) else ", ".join(v))
                                              for k, v in totals.items()], console)
    print_table("satellites by shell and class (launched / in service in the last year)",
                ["shell", "class", "launched", "in service"],
                [(k, c, int(plan.launches[s, j].sum()), int(plan.active[s, j, -1]))
                 for s, k in enumerate(plan.shell_keys) for j, c in enumerate(plan.class_names)
                 if plan.active[s, j].sum() > 0], console)
    print_table("launch schedule by year", list(plan.year_rows()[0]),
                [list(r.values()) for r in plan.year_rows()], console)
    if slot_rows:
        print_table("slot utilisation of the used shells (peak over the years)",
                    ["shell", "self-safe pattern by class", "peak satellites",
                     "share of the slots", "share of the MILP capacity", "year"],
                    [(r["shell"], ", ".join(f"{c} {p['pattern'].split(':')[-1]} "
                                            f"({p['min_separation_km']:.2f} km)"
                                            for c, p in r["patterns"].items()),
                      r["peak_satellites"],
                      "-" if r["peak_slot_utilisation"] is None
                      else f"{100 * r['peak_slot_utilisation']:.3f} %",
                      f"{100 * r['peak_milp_utilisation']:.2f} %", r["peak_year"])
                     for r in slot_rows], console)


@click.command()
@click.argument("study_path", metavar="STUDY", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--objective", type=click.Choice(OBJECTIVES), default=None,
              help="Override [deployment] objective: most compute per risk, the compute-risk "
                   "front, or least cost for the compute target under the risk cap.")
@click.option("--points", type=click.IntRange(2, 200), default=None,
              help="Pareto points [default: deployment.pareto_points].")
@click.option("--with-cost", is_flag=True, default=None,
              help="Add cost as a third objective of the Pareto front.")
@click.option("--results-dir", type=click.Path(path_type=Path, file_okay=False),
              default="results", show_default=True, help="Plans go to RESULTS/<study>/optimize.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--allow-changed", is_flag=True,
              help="Write into RESULTS/<study> although it holds results of another study file "
                   "with the same name (another SHA-256).")
def optimize(study_path: Path, objective: str | None, points: int | None, with_cost: bool | None,
             results_dir: Path, as_json: bool, allow_changed: bool) -> None:
    """Solve the deployment MILP of a study (HiGHS) at the study's design point.

    Chooses shells, satellite classes and the launch schedule; prints the plan and writes it as
    JSON and CSV under results/<study>/optimize/. An infeasible study is explained by the
    constraint families that block it (exit status 2); so is a plan that misses the study's
    sustainability limit (written for inspection, exit status 2).
    """
    study = load_study(study_path)
    study.check_objective(objective or study.spec.deployment.objective)  # bad input: no folder
    folder = study.open_results(results_dir, allow_changed=allow_changed, sub="optimize")
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("preparing", total=None)

        def show(stage: str, done: int | None, total: int | None) -> None:
            bar.update(task, description=stage, completed=done or 0, total=total)

        result = study.optimize(objective, points=points, with_cost=with_cost, progress=show,
                                slot_cache=folder / "cache" / "slots.json")
    out = folder / "optimize"
    result.write(out)
    study.write_manifest(folder)
    payload = result.to_dict()
    if as_json:
        echo_json(payload)
        _exit_if_limit_missed(result)
        return
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if result.front is not None:
        print_table(f"{study.name}: Pareto front (compute vs risk)", list(result.points[0]),
                    [list(r.values()) for r in result.points])
        _plan_tables(result.plan, "front point with the most compute per risk",
                     result.slot_rows())
    else:
        _plan_tables(result.plan, f"{study.name}: {result.objective}", result.slot_rows())
    env = result.environment
    if env is not None:
        click.echo(f"environment_50y: {env.environment_50y:+,.0f} debris objects after "
                   f"{env.years} years ({env.background} background); worst bin "
                   f"{env.max_bin_ratio:.2f}x its fragments without the plan")
        lim = env.sustainability
        if lim is not None:
            click.echo(f"sustainability limit {lim.max_fragment_multiple:g}x: "
                       f"{lim.iterations} round(s) with the limit, "
                       f"{'converged' if lim.converged else 'not converged'}, "
                       f"{'met' if lim.meets_limit else 'NOT met'}; without it: "
                       f"{', '.join(lim.free_shells_used)} "
                       f"({lim.free_compute_pflop_years:,.0f} PFLOP/s-yr, worst bin "
                       f"{lim.free_max_bin_ratio:.2f}x)")
            if lim.stop_reason:
                click.echo(f"  stopped: {lim.stop_reason}")
    click.echo(f"wrote {out}")
    _exit_if_limit_missed(result)


def _exit_if_limit_missed(result: Optimization) -> None:
    """Exit 2 when the study's sustainability limit is not met by the plan written.

    The plan is still written (and named as the last round's) so that it can be inspected,
    but a script must not take it for an answer that respects the limit.
    """
    env = result.environment
    lim = None if env is None else env.sustainability
    if lim is not None and not lim.meets_limit:
        click.echo(f"error: the plan written does not meet the sustainability limit "
                   f"{lim.max_fragment_multiple:g}x (worst bin {env.max_bin_ratio:.4g}x): "
                   f"{lim.stop_reason or 'see the rounds above'}", err=True)
        raise SystemExit(2)
