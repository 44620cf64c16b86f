"""Throughput of a design-space study: trials per minute and where the time goes.

Runs a study file (default: the baseline) into a temporary results folder with the study's own
settings (or --trials / --workers / --fidelity overrides) and prints one table: wall time, trials
per minute, and the mean seconds per trial spent sizing (satellites and risk for every shell and
class), screening (shell geometry at the study's fidelity), building the MILP, and solving it.

    .venv/bin/python benchmarks/study.py
    .venv/bin/python benchmarks/study.py --trials 48 --workers 2 --fidelity sampled
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import optuna

from orbitdc.spec import read_study
from orbitdc.study.runner import RunOptions, run_study
from orbitdc.study.storage import default_storage_url

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", nargs="?", default=str(REPO / "studies" / "baseline.toml"))
    parser.add_argument("--trials", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--fidelity", choices=["analytic", "sampled", "full"], default=None)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    source = Path(args.study)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        text = source.read_text()
        if args.fidelity:
            text = text.replace('fidelity = "analytic"', f'fidelity = "{args.fidelity}"')
        # keep the catalogs of the original location
        text = text.replace("[study]\n", f'[study]\nmodels_dir = "{REPO / "models"}"\n', 1)
        path.write_text(text)
        loaded = read_study(path)
        spec = loaded.spec
        out = Path(tmp) / "results" / loaded.name
        out.mkdir(parents=True)
        n_trials = args.trials or spec.search.n_trials
        workers = args.workers or spec.search.workers
        tick = time.perf_counter()
        study = run_study(loaded, RunOptions(default_storage_url(out), out, n_trials, workers))
        wall = time.perf_counter() - tick
        trials = [t for t in study.get_trials() if t.state.name == "COMPLETE"]
        parts = {k: [float(t.user_attrs.get("timing_s", {}).get(k, 0.0)) for t in trials]
                 for k in ("sizing", "screening", "build", "solve")}
        shells = len(spec.shells.altitudes_km()) * len(spec.shells.families())
        rows = [
            ("study", f"{loaded.name}: {shells} shells x {len(spec.classes)} classes x "
                      f"{spec.deployment.horizon_years} years, fidelity "
                      f"{args.fidelity or spec.search.fidelity}"),
            ("trials complete / workers", f"{len(trials)} / {workers}"),
            ("wall time [s]", f"{wall:.1f}"),
            ("trials per minute", f"{60.0 * len(trials) / wall:.1f}"),
        ]
        for k, v in parts.items():
            rows.append((f"mean {k} per trial [s]", f"{statistics.fmean(v):.3f}" if v else "-"))
        width = max(len(r[0]) for r in rows)
        print(f"{'measure'.ljust(width)}  value")
        for name, value in rows:
            print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
