"""Speed of orbital slotting: one shell's search, a survey of LEO, a sampled 100 GW trial.

Prints one table for the machine it runs on:

* ``search <d> km``: :func:`orbitdc.find_slots` at 550 km, 53 deg for 1, 5 and 10 km required
  separations with the command line's default budget (192 plane counts), SGP4 verification
  included, and the pattern found;
* ``survey``: :func:`orbitdc.slot_survey` of 400-1,200 km every 50 km for 53 deg and
  dawn-dusk at the 1 MW class's separation (models/slots.csv), 48 plane counts per cell;
* ``sampled trial``: one trial of studies/100gw.toml at ``sampled`` fidelity, one worker, in a
  fresh results folder (slot searches not cached), with its parts.

    .venv/bin/python benchmarks/slots.py
    .venv/bin/python benchmarks/slots.py --skip-survey --skip-trial
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-survey", action="store_true")
    parser.add_argument("--skip-trial", action="store_true")
    parser.add_argument("--survey-budget", type=int, default=48)
    args = parser.parse_args()

    import orbitdc
    from orbitdc.slots.search import PLANES_BUDGET

    rows: list[tuple[str, str]] = []
    for d in (1.0, 5.0, 10.0):
        tick = time.perf_counter()
        p = orbitdc.find_slots(550.0, "53", d)
        wall = time.perf_counter() - tick
        rows.append((f"search {d:g} km (550 km, 53 deg, {PLANES_BUDGET} plane counts) [s]",
                     f"{wall:.2f}: {p.satellites:,} = {p.planes} x {p.sats_per_plane}, "
                     f"F = {p.phasing}, SGP4 {p.min_separation_km:.3f} km"))
        print(*rows[-1], sep="  ", flush=True)
    if not args.skip_survey:
        tick = time.perf_counter()
        survey = orbitdc.slot_survey(400.0, 1200.0, ["53", "dawn-dusk"],
                                     planes_budget=args.survey_budget)
        wall = time.perf_counter() - tick
        rows.append((f"survey 400-1,200 km every 50 km, 53 + dawn-dusk, "
                     f"{len(survey.cells)} searches [s]",
                     f"{wall:.1f}: {survey.total_slots:,} slots in {survey.total_shells} shells "
                     f"at {survey.min_separation_km:.3f} km, shells every "
                     f"{survey.radial_spacing_km:.3f} km"))
        print(*rows[-1], sep="  ", flush=True)
    if not args.skip_trial:
        import optuna

        from orbitdc.spec import read_study
        from orbitdc.study.runner import RunOptions, run_study
        from orbitdc.study.storage import default_storage_url

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        with tempfile.TemporaryDirectory() as tmp:
            source = REPO / "studies" / "100gw.toml"
            path = Path(tmp) / source.name
            path.write_text(source.read_text().replace(
                "[study]\n", f'[study]\nmodels_dir = "{REPO / "models"}"\n', 1))
            loaded = read_study(path)
            out = Path(tmp) / "results" / loaded.name
            out.mkdir(parents=True)
            tick = time.perf_counter()
            study = run_study(loaded, RunOptions(default_storage_url(out), out, 1, 1))
            wall = time.perf_counter() - tick
            trial = study.get_trials()[0]
            parts = trial.user_attrs.get("timing_s", {})
            sats = trial.user_attrs.get("satellites_launched", "?")
            rows.append(("sampled trial of studies/100gw.toml, 1 worker [s]",
                         f"{wall:.1f} (sizing + slots {parts.get('sizing', 0):.1f}, screening "
                         f"{parts.get('screening', 0):.1f}, solve {parts.get('solve', 0):.1f}); "
                         f"{trial.state.name}, {sats} satellites launched"))
            print(*rows[-1], sep="  ", flush=True)
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
