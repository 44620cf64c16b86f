"""Deployment MILP benchmark: model build, hand-over to HiGHS and HiGHS solve times.

Two synthetic studies (plausible magnitudes, not the physics chain): payload falls with
altitude, background risk peaks near 850 km, derelict risk grows with altitude, intra-shell
risk k_s ~ 2e-8 per satellite pair-year, a launch-cadence ramp and yearly budgets.

* baseline: 15 altitudes x 2 inclinations x 2 classes x 10 years (30 shells)
* large: 50 altitudes x 2 inclinations x 8 classes x 20 years (100 shells)

For each: the model build and the hand-over to HiGHS (best of ``--repeat`` builds), every
Dinkelbach step of the compute-per-risk objective, one epsilon-constraint point (maximum
compute under a risk cap of 2.5x the best-ratio plan's risk), and an ``update()`` with new
coefficients followed by a re-solve.

``--compare REF`` measures the implementation at git ref ``REF`` in the same run: it checks
``REF`` out in a temporary worktree and runs this script there as a worker (the worker imports
orbitdc from that worktree), then the current code, and prints both side by side. The machine
is shared, so timings are noisy: builds are best-of-N, solves are HiGHS's own run time.

    .venv/bin/python benchmarks/deploy.py [--threads 2] [--gap 0.005] [--time-limit 300]
        [--only baseline|large] [--pareto 5] [--repeat 3] [--compare REF]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from orbitdc.deploy import DeploymentModel, Limits, SolverOptions
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)
from orbitdc.deploy.objectives import _compute_spec
from orbitdc.deploy.solve import highs_version

try:
    from orbitdc.deploy.types import Weights
except ImportError:  # an implementation from before orbitdc.deploy.types (--compare)
    from orbitdc.deploy import Weights  # type: ignore[attr-defined,no-redef]

REPO = Path(__file__).resolve().parents[1]
Row = tuple[str, str, str, str, str, str]


def synthetic_inputs(n_alt: int, incs: list[str], powers_kw: list[float], n_years: int,
                     seed: int = 1, target_frac: float = 0.25) -> DeploymentInputs:
    """A synthetic study of ``n_alt`` altitudes x ``incs`` inclinations x classes x years."""
    rng = np.random.default_rng(seed)
    alts = np.linspace(500.0, 1200.0, n_alt) if n_alt > 1 else np.array([550.0])
    shells = []
    for h in alts:
        for inc in incs:
            cap = int(round(400 + 1.2 * (h - 500)))  # more room higher up (area, separation)
            shells.append(ShellOption(
                key=f"{h:.0f}km-{inc}", altitude_km=float(h), inclination=inc,
                capacity_sats=cap,
                intra_risk_per_sat_pair_year=float(2e-8 * rng.uniform(0.5, 1.5)),
                payload_kg_per_flight=float(17000 - 6 * (h - 500)),
                disposal_compliant=bool(h <= 650)))
    classes = [SizeClassOption(name=f"P{int(p)}", power_kw=p,
                               max_per_flight=max(1, int(1200 // p)),
                               design_life_years=5 + (i % 3))
               for i, p in enumerate(powers_kw)]
    coeff = {}
    for sh in shells:
        h = sh.altitude_km
        background = 2e-5 * math.exp(-((h - 850.0) / 200.0) ** 2) + 2e-6
        derelict = 1e-6 * math.exp((h - 500.0) / 200.0)
        for cl in classes:
            mass = 25.0 * cl.power_kw ** 0.9 * (1.0 + 0.0002 * (h - 500))
            if mass > sh.payload_kg_per_flight:
                continue
            coeff[(sh.key, cl.name)] = SatelliteCoefficients(
                mass_kg=mass,
                cost_usd=2.5e5 * cl.power_kw ** 0.85,
                compute_pflops=0.5 * cl.power_kw * (1.0 - 0.1 * (h < 600)),
                risk_per_sat_year=(background + derelict) * (cl.power_kw / 100.0) ** 0.5)
    flights = [8.0 + 4.0 * t for t in range(n_years)]
    budget = [2.0e9 + 0.4e9 * t for t in range(n_years)]
    # Target: a fraction of what the cadence could carry in the middle year.
    mid = n_years // 2
    per_flight = max(0.5 * c.power_kw * c.max_per_flight for c in classes)
    target = target_frac * per_flight * sum(flights[: mid + 1])
    return DeploymentInputs(
        shells=shells, classes=classes, years=list(range(2030, 2030 + n_years)),
        coefficients=coeff, flights_per_year=flights, launch_cost_usd_per_flight=7.0e7,
        budget_usd_per_year=budget, min_shell_spacing_km=20.0,
        compute_target_pflops=target, target_year=2030 + mid,
        allow_noncompliant_disposal=True)


def perturbed(inp: DeploymentInputs, seed: int) -> DeploymentInputs:
    """Same structure, every coefficient scaled by a random factor (an Optuna-like trial)."""
    rng = np.random.default_rng(seed)
    coeff = {k: replace(v, cost_usd=v.cost_usd * rng.uniform(0.9, 1.1),
                        risk_per_sat_year=v.risk_per_sat_year * rng.uniform(0.8, 1.25))
             for k, v in inp.coefficients.items()}
    shells = [replace(sh, intra_risk_per_sat_pair_year=sh.intra_risk_per_sat_pair_year
                      * rng.uniform(0.8, 1.25)) for sh in inp.shells]
    return replace(inp, coefficients=coeff, shells=shells)


INSTANCES: dict[str, dict[str, Any]] = {
    "baseline": dict(n_alt=15, incs=["53", "dawn-dusk"], powers_kw=[100.0, 1000.0], n_years=10),
    "large": dict(n_alt=50, incs=["53", "dawn-dusk"],
                  powers_kw=[100.0, 200.0, 300.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0],
                  n_years=20),
}


def _size(model: DeploymentModel) -> str:
    if hasattr(model, "size"):
        cols, rows = model.size
    else:  # before the matrix hand-over: the Pyomo model was built eagerly
        cols, rows = model.model.nvariables(), model.model.nconstraints()
    return f"{cols} vars, {rows} rows, K={model.structure.pwl_segments}"


def run(name: str, options: SolverOptions, pareto_points: int, repeat: int) -> list[Row]:
    """Measure one instance; one row per step."""
    inp = synthetic_inputs(**INSTANCES[name])
    builds = []
    for _ in range(max(repeat, 1)):
        model = DeploymentModel(inp, options)
        builds.append((model.build_s + model.transfer_s, model.build_s, model.transfer_s))
    total, build, transfer = min(builds)
    rows: list[Row] = [
        (name, "build (model)", f"{build:.2f}", "", "", _size(model)),
        (name, "transfer (to HiGHS)", f"{transfer:.2f}", "", "", ""),
        (name, "build + transfer", f"{total:.2f}", "", "", f"best of {len(builds)}")]

    tick = time.perf_counter()
    res = model.maximize_ratio()
    elapsed = time.perf_counter() - tick
    for i, step in enumerate(res.steps):
        r = step.record
        gap = "" if step.bound is None else f"{abs(step.bound - step.value):.3g} abs"
        rows.append((name, f"dinkelbach step {i}", f"{r.transfer_s:.2f}", f"{r.solve_s:.1f}",
                     gap, f"{r.termination}, ratio {step.ratio:.6g}"))
    rows.append((name, "dinkelbach total", "", f"{elapsed:.1f}", f"{res.ratio_gap:.2%} ratio",
                 f"converged={res.converged}, {len(res.plan.shells_used)} shells, "
                 f"{int(res.plan.launches.sum())} sats"))

    cap = 2.5 * res.plan.total_risk_model
    sol = model.solve(label="eps point", weights=Weights(compute=1.0),
                      spec=_compute_spec(model), limits=Limits(risk_cap=cap))
    r = sol.record
    rows.append((name, "epsilon point (max compute)", f"{r.transfer_s:.2f}", f"{r.solve_s:.1f}",
                 "" if r.gap is None else f"{r.gap:.2%}",
                 f"{r.termination}, compute {r.incumbent:.6g}, risk cap {cap:.4g}"))

    tick = time.perf_counter()
    rebuilt = model.update(perturbed(inp, 7))
    upd = time.perf_counter() - tick
    tick = time.perf_counter()
    res2 = model.maximize_ratio()
    rows.append((name, "update() + ratio again", f"{upd:.2f}", f"{time.perf_counter() - tick:.1f}",
                 f"{res2.ratio_gap:.2%} ratio", f"rebuilt={rebuilt}, {len(res2.steps)} steps, "
                 f"ratio {res2.ratio:.6g}"))

    if pareto_points:
        tick = time.perf_counter()
        front = model.pareto(pareto_points)
        recs = front.records
        slowest = max(recs, key=lambda r: r.solve_s)
        pushed = sum(r.transfer_s for r in recs)
        rows.append((name, f"pareto {pareto_points} points", f"{pushed:.2f}",
                     f"{time.perf_counter() - tick:.1f}", "",
                     f"{len(front.efficient)} efficient, {len(recs)} solves, slowest "
                     f"{slowest.solve_s:.1f} s ({slowest.label}, {slowest.termination})"))
    return rows


def _print(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))


def _worker_rows(ref: str, argv: list[str]) -> list[Row]:
    """Run this script against the orbitdc of git ref ``ref`` (temporary worktree)."""
    with tempfile.TemporaryDirectory(prefix="orbitdc-bench-") as tmp:
        tree = Path(tmp) / "ref"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), ref],
                       check=True, capture_output=True)
        try:
            out = Path(tmp) / "rows.json"
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            subprocess.run([sys.executable, __file__, *argv, "--json", str(out)], env=env,
                           check=True)
            return [tuple(r) for r in json.loads(out.read_text())]  # type: ignore[misc]
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)


def main() -> None:
    """Command line: measure, or compare with a git ref."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--gap", type=float, default=0.005)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--only", choices=sorted(INSTANCES))
    ap.add_argument("--pareto", type=int, default=0, help="also sweep a front of N points")
    ap.add_argument("--repeat", type=int, default=3, help="builds per instance (best of N)")
    ap.add_argument("--compare", metavar="REF", help="also measure git ref REF, side by side")
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # worker output
    args = ap.parse_args()
    options = SolverOptions(time_limit_s=args.time_limit, mip_rel_gap=args.gap,
                            threads=args.threads, seed=1)
    names = [args.only] if args.only else list(INSTANCES)
    worker_argv = list(sys.argv[1:])
    if args.compare:
        i = worker_argv.index("--compare")
        del worker_argv[i:i + 2]
    if args.json is None:
        print(f"{highs_version()}, threads={args.threads}, mip_rel_gap={args.gap}, "
              f"time limit {args.time_limit:g} s per solve, cpus={os.cpu_count()}, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    before: list[Row] = []
    if args.compare:
        print(f"... {args.compare} (temporary worktree)", flush=True)
        before = _worker_rows(args.compare, worker_argv)
    rows: list[Row] = []
    for name in names:
        if args.json is None:
            print(f"... {name}", flush=True)
        rows.extend(run(name, options, args.pareto, args.repeat))
    if args.json is not None:
        args.json.write_text(json.dumps(rows))
        return
    if not args.compare:
        _print([("instance", "step", "Pyomo/transfer s", "HiGHS s", "gap", "notes"), *rows])
        return
    old = {(r[0], r[1]): r for r in before}
    ref = args.compare
    table: list[tuple[str, ...]] = [("instance", "step", f"{ref} transfer s", f"{ref} HiGHS s",
                                     "now transfer s", "now HiGHS s", "now gap", "now notes",
                                     f"{ref} notes")]
    for r in rows:
        o = old.get((r[0], r[1]), ("",) * 6)
        table.append((r[0], r[1], o[2], o[3], r[2], r[3], r[4], r[5], o[5]))
    _print(table)


if __name__ == "__main__":
    main()
