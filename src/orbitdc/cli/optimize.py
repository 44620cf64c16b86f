"""``orbitdc optimize``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import Progress

from orbitdc.cli._common import echo_json, make_console, print_table
from orbitdc.errors import InputError
from orbitdc.results import atomic_write_text, study_results_dir, write_csv, write_manifest
from orbitdc.spec import read_study

if TYPE_CHECKING:
    from orbitdc.deploy import Plan


def _plan_tables(plan: Plan, title: str) -> None:
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


@click.command()
@click.argument("study", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--objective", type=click.Choice(["ratio", "pareto", "min-cost"]), default=None,
              help="Override [deployment] objective: most compute per risk, the compute-risk "
                   "front, or least cost for the compute target under the risk cap.")
@click.option("--points", type=click.IntRange(2, 200), default=None,
              help="Pareto points [default: deployment.pareto_points].")
@click.option("--with-cost", is_flag=True, default=None,
              help="Add cost as a third objective of the Pareto front.")
@click.option("--results-dir", type=click.Path(path_type=Path, file_okay=False),
              default="results", show_default=True, help="Plans go to RESULTS/<study>/optimize.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def optimize(study: Path, objective: str | None, points: int | None, with_cost: bool | None,
             results_dir: Path, as_json: bool) -> None:
    """Solve the deployment MILP of a study (HiGHS) at the study's design point.

    Chooses shells, satellite classes and the launch schedule; prints the plan and writes it as
    JSON and CSV under results/<study>/optimize/. An infeasible study is explained by the
    constraint families that block it (exit status 2).
    """
    # Imported here so that `orbitdc --help` does not load Pyomo.
    from orbitdc.deploy import DeploymentModel, SolverOptions
    from orbitdc.study.coefficients import build_coefficients

    loaded = read_study(study)
    spec = loaded.spec
    objective = objective or spec.deployment.objective
    if objective == "min-cost":  # say what the study file lacks before any sizing or solving
        for name, value in (("risk_cap", spec.deployment.risk_cap),
                            ("compute_target_pflops", spec.deployment.compute_target_pflops)):
            if value is None:
                raise InputError(f"deployment.{name}", None,
                                 "must be set for the min-cost objective (least cost for the "
                                 "compute target under the risk cap)", source=str(study))
    elif objective == "ratio" and spec.deployment.compute_target_pflops is None:
        raise InputError("deployment.compute_target_pflops", None,
                         "must be set for the ratio objective (without a target the best "
                         "ratio is a single satellite)", source=str(study))
    s = spec.solver
    options = SolverOptions(time_limit_s=s.time_limit_s, mip_rel_gap=s.mip_gap,
                            threads=s.threads, seed=s.seed)
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("sizing and risk per shell and class", total=None)
        table = build_coefficients(
            loaded, progress=lambda done, total: bar.update(task, completed=done, total=total))
        bar.update(task, description=f"solving ({objective})", total=None)
        model = DeploymentModel(table.inputs, options)
        out = study_results_dir(loaded.name, results_dir) / "optimize"
        payload: dict[str, Any]
        if objective == "ratio":
            result = model.maximize_ratio()
            plans = {"ratio": result.plan}
            payload = {"objective": "ratio", "ratio": result.ratio,
                       "ratio_upper_bound": result.ratio_upper_bound,
                       "converged": result.converged, "plan": result.plan.to_dict()}
        elif objective == "min-cost":
            plan = model.min_cost()
            plans = {"min_cost": plan}
            payload = {"objective": "min-cost", "plan": plan.to_dict()}
        else:
            front = model.pareto(points or spec.deployment.pareto_points,
                                 with_cost=spec.deployment.pareto_with_cost
                                 if with_cost is None else with_cost)
            efficient = front.efficient
            plans = {f"pareto_{k}": p.plan for k, p in enumerate(efficient)}
            payload = {"objective": "pareto", "points": [p.row() for p in efficient],
                       "plans": {k: p.to_dict() for k, p in plans.items()}}
    for name, plan in plans.items():
        plan.to_csv(out, prefix=name)
    if objective == "pareto":
        write_csv(out / "pareto_front.csv", payload["points"])
    atomic_write_text(out / f"{objective}.json", json.dumps(payload, indent=1, default=str))
    write_manifest(out.parent, study_path=loaded.path, sha256=loaded.sha256)
    if as_json:
        echo_json(payload)
        return
    if objective == "pareto":
        print_table(f"{loaded.name}: Pareto front (compute vs risk)", list(payload["points"][0]),
                    [list(r.values()) for r in payload["points"]])
        best = max(plans.values(), key=lambda p: p.ratio)
        _plan_tables(best, "front point with the most compute per risk")
    else:
        _plan_tables(next(iter(plans.values())), f"{loaded.name}: {objective}")
    click.echo(f"wrote {out}")
