"""Orbital lifetimes through the solar cycle: first-call (grid build) and repeated-call times.

The risk model calls ``lifetime_years(..., activity="cycle")`` for a few hundred
(altitude, BC) pairs and ~10 start years per trial. Rows, in a fresh process:

* the first ECSS-level lifetime (one NRLMSIS global-mean profile);
* the first cycle call (fills the NRLMSIS activity grid for the years it needs and builds the
  yearly lifetime tables), start years 2026-2035;
* repeated calls: 300 pairs x 10 start years in one broadcast call, and 300 pairs x 1 year;
* the whole historical range 1954-2052 (more grid nodes: observed years need the daily-flux
  term);
* the time-mean density over a 5-year design life, and ``assess_disposal`` through the cycle.

    .venv/bin/python benchmarks/lifetime.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from orbitdc.environment import atmosphere
from orbitdc.environment.decay import assess_disposal, lifetime_years
from orbitdc.environment.solar_cycle import mean_density_kg_m3


def timed(fn: Callable[[], object], repeats: int = 1) -> float:
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    h = rng.uniform(500.0, 1100.0, 300)
    bc = np.concatenate([np.full(150, 3.5), rng.uniform(5.0, 30.0, 150)])
    years = np.arange(2026, 2036)

    rows = [
        ("first ECSS-level lifetime (1 NRLMSIS profile)",
         timed(lambda: lifetime_years(h, bc, "moderate"))),
        ("first cycle call, 300 pairs x 10 start years (grid + tables)",
         timed(lambda: lifetime_years(h[:, None], bc[:, None], "cycle",
                                      start_year=years[None, :]))),
    ]
    nodes = len(atmosphere._MSIS)
    rows += [
        ("repeated: 300 pairs x 10 start years, one call",
         timed(lambda: lifetime_years(h[:, None], bc[:, None], "cycle",
                                      start_year=years[None, :]), args.repeats)),
        ("repeated: 300 pairs x 1 start year",
         timed(lambda: lifetime_years(h, bc, "cycle", start_year=2030), args.repeats)),
        ("repeated: 300 pairs, constant moderate activity",
         timed(lambda: lifetime_years(h, bc, "moderate"), args.repeats)),
        ("first call over start years 1954-2052 (historical rows)",
         timed(lambda: lifetime_years(h[:30, None], bc[:30, None], "cycle",
                                      start_year=np.arange(1954, 2053)[None, :]))),
        ("repeated: 30 pairs x 99 start years 1954-2052",
         timed(lambda: lifetime_years(h[:30, None], bc[:30, None], "cycle",
                                      start_year=np.arange(1954, 2053)[None, :]), args.repeats)),
        ("mean density over 5 years from 2030, 300 altitudes",
         timed(lambda: mean_density_kg_m3(h, "cycle", start_year=2030, years=5.0),
               args.repeats)),
        ("assess_disposal through the cycle (1,000 km, BC 50)",
         timed(lambda: assess_disposal(1000.0, 50.0, "cycle", rule_years=5.0,
                                       guideline_years=25.0, start_year=2030), args.repeats)),
    ]
    width = max(len(r[0]) for r in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1e3:9.1f} ms")
    print(f"NRLMSIS grid nodes after the 2026-2035 call: {nodes}; "
          f"after all rows: {len(atmosphere._MSIS)}")


if __name__ == "__main__":
    main()
