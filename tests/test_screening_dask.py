"""The same screening on a Dask cluster gives the same conjunctions as the local run."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.screening import Population, screen
from orbitdc.time import jd_parts
from test_screening_bruteforce import satrec_through

distributed = pytest.importorskip("dask.distributed")


def _population():
    start = datetime(2025, 6, 1, tzinfo=UTC)
    shells = [WalkerShell(700.0, InclinationFamily.parse("sso"), 4, 7, 3),
              WalkerShell(560.0, InclinationFamily.parse(53), 6, 6, 1)]
    jd, frac = jd_parts(start)
    rng = np.random.default_rng(4)
    objs = []
    for n in range(40):
        r = rng.normal(size=3)
        r = r / np.linalg.norm(r) * (6378.135 + rng.uniform(500.0, 800.0))
        v = np.cross(r, rng.normal(size=3))
        v = v / np.linalg.norm(v) * np.sqrt(398600.8 / np.linalg.norm(r)) * rng.uniform(0.99, 1.02)
        objs.append(satrec_through(r, v, jd + frac - rng.uniform(0, 3), n + 1, bstar=1e-5))
    return start, Population.from_shells(shells, start), Population.from_satrecs(objs)


def test_dask_local_cluster_equals_local_run():
    start, pop, bg = _population()
    kw = dict(start=start, hours=6.0, threshold_km=25.0, window_hours=1.0)
    local = screen(pop, bg, **kw)
    with distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = screen(pop, bg, dask_client=client, **kw)
    assert len(local) > 10  # intra-shell and background conjunctions both present
    assert set(local.conjunctions["kind"].tolist()) == {0, 1}
    assert local.stats["n_windows"] == remote.stats["n_windows"] == 6
    # same conjunction set, same TCAs and misses bit for bit
    assert np.array_equal(local.conjunctions, remote.conjunctions)
