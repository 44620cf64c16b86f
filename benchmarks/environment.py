"""Side by side: orbitdc's species model and MIT ARCLab's pyssem (MOCAT-SSEM) on one scenario.

Runs the scenario (default ``benchmarks/pyssem/scenario.json``: no future launches, 40 bins of
45 km over 200-2,000 km, 50 years, a synthetic 2025-like population of active satellites S,
derelicts D, fragments N in three mass bins and rocket bodies B) in both models, in this
process and in pyssem's own virtual environment, and prints populations at 0/10/25/50 years,
cumulative collisions and both wall times (design/environment.md discusses the differences).

    bash benchmarks/pyssem/setup.sh .venv-pyssem        # once: pyssem from PyPI (+ seaborn)
    .venv/bin/python benchmarks/environment.py [--pyssem-venv .venv-pyssem] [--skip-pyssem]
                                                [--pyssem-json OUT.json]

orbitdc runs the scenario with its own physics: the scenario's objects, masses, radii, mission
life and disposal success, the same Vallado exponential atmosphere (static), but orbitdc's
encounter-model avoidance, MASTER's 10 km/s, the kinetic gas's 1/2 for identical objects, its
NASA breakup fragments (six size x A/M species; the scenario's N mass bins are split by them)
and their residence-preserving placement over the bins.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.evolution.fragments import FRAGMENT_LENGTH_M, fragment_model, tracking_length_m
from orbitdc.evolution.grid import AltitudeGrid
from orbitdc.evolution.model import Physics, Scenario, simulate
from orbitdc.evolution.scenario import _Placement, avoidance
from orbitdc.evolution.species import sphere_species
from orbitdc.risk.model import RiskSettings

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "pyssem" / "scenario.json"


def orbitdc_run(scn: dict) -> tuple[dict, float, dict]:
    """The scenario in orbitdc: populations per benchmark species, collisions, wall time."""
    tick = time.perf_counter()
    b = scn["altitude_bins"]
    grid = AltitudeGrid.regular(b["min_km"], b["max_km"], (b["max_km"] - b["min_km"]) / b["n_bins"])
    phys_cfg = scn.get("physics", {})
    atmosphere = {"static_exponential": "exponential"}[phys_cfg.get("density_model",
                                                                     "static_exponential")]
    settings = RiskSettings.from_catalogs(activity="moderate", atmosphere=atmosphere)
    env = DebrisEnvironment.load()
    p = env.params
    v = float(phys_cfg.get("collision_velocity_km_s", 10.0))
    roles = {s["role"]: s for s in scn["species"]}
    s_, n_, b_ = roles["active"], roles["fragments"], roles["rocket_body"]
    n_b = grid.size
    place = _Placement(grid, "moderate", atmosphere, None)
    cd = s_.get("Cd", 2.2)
    sat = sphere_species(
        "S", "active", s_["radius_m"], np.full(n_b, s_["mass_kg"]),
        ballistic_coefficient_kg_m2=None, maneuverable=True, tracked=True, velocity_km_s=v,
        life_years=s_["mission_life_years"], failure_probability=1.0 - s_["pmd_success"],
        derelict="D", derelict_map=place.matrix(grid.center_km))
    der = sphere_species("D", "derelict", s_["radius_m"], np.full(n_b, s_["mass_kg"]),
                         ballistic_coefficient_kg_m2=s_["mass_kg"] / (cd * s_["area_m2"]),
                         maneuverable=False, tracked=True, velocity_km_s=v)
    rb = sphere_species("B", "rocket_body", b_["radius_m"], np.full(n_b, b_["mass_kg"]),
                        ballistic_coefficient_kg_m2=b_["mass_kg"] / (b_.get("Cd", 2.2)
                                                                    * b_["area_m2"]),
                        maneuverable=False, tracked=True, velocity_km_s=v)
    tracking = tracking_length_m(p)
    frags = fragment_model(grid, tracking_length=tracking, am_edges=(-1.4, -0.9),
                           drag_coefficient=n_.get("Cd", 2.2), activity="moderate",
                           atmosphere=atmosphere, models_dir=None, velocity_km_s=v)
    untracked = 1.0 - (tracking / FRAGMENT_LENGTH_M) ** -1.71
    share = np.concatenate([untracked * frags.steady_share[:3],
                            (1.0 - untracked) * frags.steady_share[3:]])
    init = scn["initial_population"]
    n_total = sum(np.asarray(init[x["name"]], dtype=float) for x in n_["bins"])
    species = (sat, der, rb, *frags.species)
    initial = np.array([init["S"], init["D"], init["B"], *(f * n_total for f in share)],
                       dtype=float)
    years = int(scn["duration_years"])
    scenario = Scenario(grid, species, frags, initial, np.zeros((years, len(species), n_b)),
                        int(scn["start_date"][:4]), np.zeros(n_b), scn.get("name", ""))
    physics = Physics("moderate", atmosphere, None, avoidance(settings, env), 0.125, True)
    built = time.perf_counter()
    res = simulate(scenario, physics)
    wall = {"build_s": built - tick + res.timings["build_s"],
            "integrate_s": res.timings["integrate_s"]}
    wall["total_s"] = wall["build_s"] + wall["integrate_s"]
    pops = res.populations[:, 0]
    out = {"S": pops[:, 0].sum(axis=1), "D": pops[:, 1].sum(axis=1),
           "N": pops[:, 3:].sum(axis=(1, 2)), "B": pops[:, 2].sum(axis=1)}
    out["total"] = pops.sum(axis=(1, 2))
    out["collisions"] = res.collisions[:, 0]
    out["catastrophic"] = res.catastrophic[:, 0]
    return {k: [float(x) for x in val] for k, val in out.items()}, wall["total_s"], wall


def pyssem_run(scenario: Path, venv: Path, keep: Path | None) -> tuple[dict, dict]:
    """Run benchmarks/pyssem/run_pyssem.py with pyssem's interpreter; its JSON."""
    python = venv / "bin" / "python"
    if not python.is_file():
        sys.exit(f"no pyssem venv at {venv}: run 'bash benchmarks/pyssem/setup.sh {venv}'")
    with tempfile.TemporaryDirectory(prefix="pyssem_") as work:
        out = keep or Path(work) / "pyssem.json"
        subprocess.run([str(python), str(HERE / "pyssem" / "run_pyssem.py"), str(scenario),
                        str(out), "--workdir", work, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        res = json.loads(Path(out).read_text())
    pops = {k: np.asarray(v, dtype=float).sum(axis=1) for k, v in res["populations"].items()}
    pops["total"] = np.asarray(res["total"], dtype=float)
    pops["collisions"] = np.asarray(res["collisions"], dtype=float)
    return {k: [float(x) for x in v] for k, v in pops.items()}, res["wall_s"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=DEFAULT)
    ap.add_argument("--pyssem-venv", type=Path, default=Path(".venv-pyssem"))
    ap.add_argument("--skip-pyssem", action="store_true")
    ap.add_argument("--pyssem-json", type=Path, default=None,
                    help="keep pyssem's full result here")
    a = ap.parse_args()
    scn = json.loads(a.scenario.read_text())
    ours, total, wall = orbitdc_run(scn)
    if not a.skip_pyssem and not (a.pyssem_venv / "bin" / "python").is_file():
        print(f"no pyssem venv at {a.pyssem_venv} (bash benchmarks/pyssem/setup.sh "
              f"{a.pyssem_venv}): orbitdc only")
        a.skip_pyssem = True
    theirs, their_wall = ({}, {}) if a.skip_pyssem else pyssem_run(a.scenario, a.pyssem_venv,
                                                                 a.pyssem_json)
    names = ["S", "D", "N", "B", "total", "collisions"]
    print(f"scenario {scn.get('name')}: {a.scenario}")
    head = f"{'year':>4} {'model':>8}" + "".join(f"{n:>11}" for n in names)
    print(head)
    for y in scn.get("report_years", [0, 10, 25, 50]):
        print(f"{y:>4} {'orbitdc':>8}" + "".join(f"{ours[n][y]:>11,.1f}" for n in names))
        if theirs:
            print(f"{'':>4} {'pyssem':>8}" + "".join(f"{theirs[n][y]:>11,.1f}" for n in names))
            print(f"{'':>4} {'diff %':>8}" + "".join(
                f"{100 * (ours[n][y] / theirs[n][y] - 1):>11.1f}" if theirs[n][y] else
                f"{'-':>11}" for n in names))
    print(f"orbitdc catastrophic collisions at 50 yr: {ours['catastrophic'][-1]:.2f}")
    print(f"wall time orbitdc: {total:.2f} s (build {wall['build_s']:.2f} s incl. first-call "
          f"tables, integrate {wall['integrate_s']:.2f} s)")
    if their_wall:
        print("wall time pyssem:  {:.1f} s (build {:.1f} s = configure_species {:.1f} + "
              "build_model {:.1f}, integrate {:.1f} s; cpu {:.1f} s)".format(
                  their_wall["total"], their_wall["build"], their_wall["configure_species"],
                  their_wall["build_model"], their_wall["integrate"],
                  their_wall["cpu_s"]["total"]))


if __name__ == "__main__":
    main()
