"""Propagation and conjunction-screening speed on this machine (one table).

    .venv/bin/python benchmarks/screening.py            # full run (~5-10 min on 2 cores)
    .venv/bin/python benchmarks/screening.py --quick    # smaller populations (~1 min)

Rows:

* propagations per second of each backend (10,000 objects x 1,440 steps; heyoka with one
  thread and with its default thread pool, sgp4's SatrecArray in one and two processes);
* the screening of a 10,020-satellite constellation (four Walker shells) against a synthetic
  30,000-object LEO background over 24 h, its wall time and its ratio to propagating the same
  40,020 objects over the same window at the same step with the fastest backend; the same
  screening with the shells treated as plain catalog objects (no symmetry) on a shorter window;
* the self-separation of a 1,000,000-satellite set of Walker shells by symmetry;
* the screening on a Dask LocalCluster (2 workers) against the local run: identical result and
  the overhead.

The background is generated here (near-circular and mildly eccentric orbits, perigees 300-2000 km
concentrated at 500-1000 km, random planes); it is a load generator, not a debris model.
Timings are the best of ``--repeats`` runs; other processes on the machine add noise.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from datetime import UTC, datetime

import numpy as np
from sgp4.api import WGS72, Satrec

from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation import GpeSet, Propagator, heyoka_available
from orbitdc.propagation.walker import self_separation_km
from orbitdc.screening import Population, screen
from orbitdc.time import jd_parts

START = datetime(2025, 1, 1, tzinfo=UTC)
MU = 398600.8
RE = 6378.135

#: The benchmark constellation: four shells, phasing chosen for the largest self-separation.
CONSTELLATION = (
    WalkerShell(550.0, InclinationFamily.parse(53), 72, 40, 21),
    WalkerShell(560.0, InclinationFamily.parse(70), 60, 40, 11),
    WalkerShell(570.0, InclinationFamily.parse("sso"), 60, 40, 47),
    WalkerShell(540.0, InclinationFamily.parse(43), 60, 39, 10),
)


def background(n: int, seed: int = 1) -> list[Satrec]:
    """Synthetic LEO objects: 60 % near-circular (e < 0.003), 40 % mildly eccentric
    (e 0.003-0.05); perigee 500-1000 km for 75 % (normal, 750 +- 150 km), else 300-2000 km;
    half in the usual inclination families, half isotropic; element epochs up to 3 days old."""
    rng = np.random.default_rng(seed)
    hp = np.where(rng.random(n) < 0.75, rng.normal(750, 150, n), rng.uniform(300, 2000, n))
    hp = hp.clip(300, 2000)
    ecc = np.where(rng.random(n) < 0.6, rng.uniform(0, 0.003, n),
                   10 ** rng.uniform(math.log10(0.003), math.log10(0.05), n))
    a = (RE + hp) / (1 - ecc)
    families = np.array([53.0, 65.0, 74.0, 82.0, 86.4, 98.5])
    inc = np.where(rng.random(n) < 0.5, rng.choice(families, n) + rng.normal(0, 0.5, n),
                   np.degrees(np.arccos(rng.uniform(-1, 1, n))))
    jd, frac = jd_parts(START)
    epoch = jd + frac - 2433281.5 - rng.uniform(0, 3, n)
    out = []
    for k in range(n):
        s = Satrec()
        s.sgp4init(WGS72, "i", 70000 + k, epoch[k], 10 ** rng.uniform(-6, -4), 0.0, 0.0,
                   ecc[k], rng.uniform(0, 2 * math.pi), math.radians(float(inc[k]) % 180.0),
                   rng.uniform(0, 2 * math.pi), math.sqrt(MU / a[k] ** 3) * 60.0,
                   rng.uniform(0, 2 * math.pi))
        out.append(s)
    return out


def best_of(repeats: int, fn):  # type: ignore[no-untyped-def]
    best, value = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def propagation_rate(gpes: GpeSet, steps: int, step_s: float, backend: str,
                     processes: int = 1, repeats: int = 2) -> float:
    """Propagations per second over ``steps`` samples, in 64 MB blocks."""
    jd, frac = jd_parts(START)
    t = np.arange(steps) * step_s
    with Propagator(gpes, jd, frac, backend, processes=processes) as prop:
        prop.states(t[:2])  # JIT / worker start-up outside the timing

        def run() -> None:
            for _ in prop.iter_states(t, max_bytes=64 * 2**20):
                pass

        sec, _ = best_of(repeats, run)
    return len(gpes) * steps / sec


def propagation_time(gpes: GpeSet, hours: float, step_s: float, repeats: int) -> float:
    """Seconds to propagate every object over the window with the fastest backend."""
    steps = int(round(hours * 3600 / step_s)) + 1
    rate = propagation_rate(gpes, steps, step_s, "auto", repeats=repeats)
    return len(gpes) * steps / rate


def _warm_worker() -> None:
    """Compile heyoka's SGP4 and fill the shell-track cache in a worker process; one heyoka
    thread per worker (the workers already use the cores)."""
    if heyoka_available():
        import heyoka

        heyoka.set_nthreads(1)
    screen(Population.from_shells(CONSTELLATION, START), background(50, seed=9), start=START,
           hours=0.5, threshold_km=5.0, step_s=60.0)


def _show(row: tuple[str, str, str]) -> None:
    """Print one row as it is measured (the table follows at the end)."""
    print(f"  {row[0].strip()}: {row[1]}  ({row[2]})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller populations and windows")
    ap.add_argument("--repeats", type=int, default=2, help="timings are the best of N runs")
    ap.add_argument("--skip-generic", action="store_true",
                    help="skip the no-symmetry screening (the slowest row)")
    args = ap.parse_args()
    quick = args.quick
    reps = max(1, args.repeats)
    rows: list[tuple[str, str, str]] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {load:.2f}, heyoka {'yes' if heyoka_available() else 'no'}", flush=True)

    # -- backends ----------------------------------------------------------------------------
    n_prop, steps = (2_000, 360) if quick else (10_000, 1_440)
    gp = GpeSet.from_satrecs(background(n_prop, seed=2))
    cases = [("sgp4 SatrecArray, 1 process", "sgp4", 1), ("sgp4 SatrecArray, 2 processes",
                                                          "sgp4", 2)]
    if heyoka_available():
        import heyoka

        default_threads = heyoka.get_nthreads()
        heyoka.set_nthreads(1)
        rate1 = propagation_rate(gp, steps, 60.0, "heyoka", repeats=reps)
        heyoka.set_nthreads(default_threads)
        rows.append(("propagation: heyoka, 1 thread", f"{rate1 / 1e6:.2f} M/s",
                     f"{n_prop} objects x {steps} steps"))
        _show(rows[-1])
        cases.insert(0, ("heyoka, default thread pool", "heyoka", 1))
    for label, backend, procs in cases:
        rate = propagation_rate(gp, steps, 60.0, backend, processes=procs, repeats=reps)
        rows.append((f"propagation: {label}", f"{rate / 1e6:.2f} M/s",
                     f"{n_prop} objects x {steps} steps"))
        _show(rows[-1])

    # -- constellation vs background ------------------------------------------------------------
    shells = CONSTELLATION if not quick else tuple(
        WalkerShell(s.altitude_km, s.inclination, s.planes // 3, s.sats_per_plane, s.phasing
                    % max(1, s.planes // 3)) for s in CONSTELLATION)
    n_bg = 6_000 if quick else 30_000
    hours = 6.0 if quick else 24.0
    bg = background(n_bg)
    pop = Population.from_shells(shells, START)
    n_const = len(pop)
    everything = GpeSet(np.concatenate([pop.gpes.records, GpeSet.from_satrecs(bg).records]))
    kw = dict(start=START, hours=hours, threshold_km=5.0, step_s=60.0)
    t_prop = propagation_time(everything, hours, 60.0, reps)
    t_scr, res = best_of(reps, lambda: screen(pop, bg, **kw))
    agg = res.aggregates()
    rows.append((f"propagation alone: {len(everything)} objects, {hours:g} h, 60 s step",
                 f"{t_prop:.1f} s", "fastest backend, the floor"))
    rows.append((f"screening {n_const} (Walker shells) vs {n_bg} background, {hours:g} h",
                 f"{t_scr:.1f} s", f"{len(res)} conjunctions < 5 km; "
                 f"{res.stats['n_propagated']:.0f} objects propagated"))
    rows.append(("  ratio screening / propagation alone", f"{t_scr / t_prop:.2f}",
                 "target <= 1.5"))
    rows.append(("  background conjunctions per satellite-year",
                 f"{agg.conjunctions_per_sat_year_background:.0f}",
                 f"maneuvers (Pc >= 1e-5): {agg.maneuvers_per_sat_year_background:.1f}"))
    for row in rows[-4:]:
        _show(row)
    if not args.skip_generic:
        g_hours = 1.0 if quick else 3.0
        cat_pop = Population.from_gpes(pop.gpes)
        kw_g = dict(start=START, hours=g_hours, threshold_km=5.0, step_s=60.0)
        t_prop_g = propagation_time(everything, g_hours, 60.0, reps)
        t_gen, res_g = best_of(reps, lambda: screen(cat_pop, bg, **kw_g))
        res_s = screen(pop, bg, **kw_g)
        same = np.array_equal(res_g.conjunctions[["i", "j", "kind"]],
                              res_s.conjunctions[["i", "j", "kind"]])
        rows.append((f"screening without symmetry (shells as catalog), {g_hours:g} h",
                     f"{t_gen:.1f} s", f"ratio {t_gen / t_prop_g:.2f}; same conjunctions as "
                     f"with symmetry: {same}"))
        _show(rows[-1])

    # -- self-separation of a million satellites ---------------------------------------------
    n_shells = 5 if quick else 25
    per = 40_000
    big = [WalkerShell(500.0 + 25.0 * k, InclinationFamily.parse([53, 70, "sso", 43, 60][k % 5]),
                       200, per // 200, 7 + k) for k in range(n_shells)]

    def all_shells() -> list[float]:
        return [self_separation_km(s, START) for s in big]

    t_sep, seps = best_of(1, all_shells)
    rows.append((f"self-separation of {n_shells * per:,} satellites ({n_shells} shells)",
                 f"{t_sep:.1f} s", f"min {min(seps):.3f} km; target < 60 s for 1,000,000"))
    _show(rows[-1])

    # -- Dask ----------------------------------------------------------------------------------
    try:
        from dask.distributed import Client
    except ImportError:
        rows.append(("Dask LocalCluster", "n/a", "pip install 'orbitdc[distributed]'"))
    else:
        d_hours = 6.0 if quick else 12.0
        kw_d = dict(start=START, hours=d_hours, threshold_km=5.0, step_s=60.0, window_hours=1.0)
        t_loc, r_loc = best_of(1, lambda: screen(pop, bg, **kw_d))
        from orbitdc.screening.distributed import local_cluster

        with local_cluster(2) as cluster, Client(cluster) as client:
            # each worker process compiles heyoka's SGP4 once (~1-2 s): do it before timing
            client.run(_warm_worker)
            screen(pop, bg[:100], **{**kw_d, "hours": 2.0}, dask_client=client)
            t_dask, r_dask = best_of(1, lambda: screen(pop, bg, dask_client=client, **kw_d))
        same = np.array_equal(r_loc.conjunctions, r_dask.conjunctions)
        rows.append((f"Dask LocalCluster (2 worker processes) vs local, {d_hours:g} h",
                     f"{t_dask:.1f} s vs {t_loc:.1f} s",
                     f"ratio {t_dask / t_loc:.2f}; identical conjunctions: {same}"))
        _show(rows[-1])

    width = max(len(r[0]) for r in rows)
    print()
    print(f"| {'measure':<{width}} | value | note |")
    print(f"|{'-' * (width + 2)}|-------|------|")
    for a, b, c in rows:
        print(f"| {a:<{width}} | {b} | {c} |")


if __name__ == "__main__":
    main()
