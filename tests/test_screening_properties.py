"""Property tests: the screening misses no conjunction that a dense brute force finds.

Random orbits rarely meet, so encounters are constructed: two objects are placed through a
chosen point at a chosen time with a chosen geometry (crossing at high relative speed, or
near-coplanar and slow) and miss vector, then the brute force (all pairs at a 2 s step, root of
``d . w`` by ``brentq`` on python-sgp4; ``test_screening_bruteforce.py``) gives the truth.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.screening import Population, screen
from orbitdc.time import jd_parts
from test_screening_bruteforce import brute_force, rotate, satrec_through

START = datetime(2025, 3, 1, 6, tzinfo=UTC)
HOURS = 2.0
MU = 398600.8


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _encounter(
    rng: np.random.Generator, t_enc_s: float, alt_km: float, geometry: str, miss_km: float,
    satnums: tuple[int, int],
):
    """Two element sets whose SGP4 positions at ``t_enc_s`` differ by ``miss_km`` normal to
    their relative velocity."""
    jd, frac = jd_parts(START)
    epoch = jd + frac + t_enc_s / 86400.0
    r_hat = _unit(rng.normal(size=3))
    r = r_hat * (6378.135 + alt_km)
    along = _unit(np.cross(r_hat, rng.normal(size=3)))
    speed = math.sqrt(MU / np.linalg.norm(r))
    v_a = along * speed * rng.uniform(0.995, 1.01) + r_hat * rng.uniform(-0.05, 0.05)
    if geometry == "crossing":
        v_b = rotate(v_a, r_hat, math.radians(rng.uniform(20.0, 160.0)))
    else:  # near-coplanar and slow: tens of m/s relative
        v_b = rotate(v_a, r_hat, math.radians(rng.uniform(0.02, 0.3)))
        v_b = v_b + _unit(v_b) * rng.uniform(-0.01, 0.01)
    w = v_b - v_a
    normal = _unit(np.cross(w, rng.normal(size=3)))
    a = satrec_through(r, v_a, epoch, satnums[0])
    b = satrec_through(r + miss_km * normal, v_b, epoch, satnums[1])
    return a, b


def _random_leo(rng: np.random.Generator, satnum: int):
    """A random LEO object (element epoch 2 days before the window)."""
    jd, frac = jd_parts(START - timedelta(days=2))
    r = _unit(rng.normal(size=3)) * (6378.135 + rng.uniform(400.0, 1500.0))
    v = _unit(np.cross(r, rng.normal(size=3))) * math.sqrt(MU / np.linalg.norm(r))
    return satrec_through(r, v * rng.uniform(0.99, 1.02), jd + frac, satnum, bstar=1e-5)


def _check(result, truth, threshold_km: float, pair_of) -> None:
    """Every brute-force conjunction is found (TCA within 1 s, miss within 0.01 km; in fact
    both refine the same root to ~1e-6 s) and nothing else is reported."""
    found = {}
    for row in result.conjunctions:
        found.setdefault(pair_of(row), []).append((row["tca_s"], row["miss_km"]))
    for c in truth:
        if c.miss_km > threshold_km - 1e-6:
            continue  # borderline: either answer is right
        cands = found.get((c.a, c.b), [])
        assert cands, f"missed conjunction {c}"
        dt, dm = min((abs(t - c.tca_s), abs(m - c.miss_km)) for t, m in cands)
        assert dt < 1.0 and dm < 0.01, (c, cands)
        assert dt < 1e-3 and dm < 1e-5  # same SGP4 root
    truth_pairs = {(c.a, c.b) for c in truth}
    for pair, cands in found.items():
        for t, m in cands:
            if m < threshold_km - 1e-6:
                assert pair in truth_pairs, f"spurious conjunction {pair} at {t} s, {m} km"


@settings(max_examples=12)
@given(
    seed=st.integers(0, 2**32 - 1),
    geometry=st.sampled_from(["crossing", "slow"]),
    alt_km=st.floats(350.0, 1500.0),
    miss_km=st.floats(0.0, 7.5),
    t_frac=st.floats(0.05, 0.95),
    against=st.booleans(),
)
def test_constructed_encounters_are_found(seed, geometry, alt_km, miss_km, t_frac, against):
    rng = np.random.default_rng(seed)
    threshold = 5.0
    a, b = _encounter(rng, t_frac * HOURS * 3600.0, alt_km, geometry, miss_km, (1, 2))
    others = [_random_leo(rng, 10 + k) for k in range(3)]
    sats = [a, b] + others
    jd, frac = jd_parts(START)
    truth = brute_force(sats, jd, frac, HOURS, threshold)
    if against:
        # a, others[0] in the population; b, others[1:] as background
        pop_idx, bg_idx = [0, 2], [1, 3, 4]
        pop = Population.from_satrecs([sats[k] for k in pop_idx], ["a", "o0"])
        bg = Population.from_satrecs([sats[k] for k in bg_idx], ["b", "o1", "o2"])
        res = screen(pop, bg, start=START, hours=HOURS, threshold_km=threshold)
        truth = [c for c in truth if (c.a in pop_idx) != (c.b in pop_idx) or
                 (c.a in pop_idx and c.b in pop_idx)]

        def pair_of(row):
            x = pop_idx[row["i"]]
            y = bg_idx[row["j"]] if row["kind"] == 1 else pop_idx[row["j"]]
            return (min(x, y), max(x, y))
    else:
        res = screen(sats, start=START, hours=HOURS, threshold_km=threshold)

        def pair_of(row):
            return (int(row["i"]), int(row["j"]))

    _check(res, truth, threshold, pair_of)
    if miss_km < threshold - 0.5 and geometry == "crossing":
        assert any({c.a, c.b} == {0, 1} for c in truth)  # the constructed one is real


@settings(max_examples=6)
@given(seed=st.integers(0, 2**32 - 1), geometry=st.sampled_from(["crossing", "slow"]),
       miss_km=st.floats(0.0, 4.5))
def test_encounters_with_a_walker_shell_are_found(seed, geometry, miss_km):
    """A catalog object constructed to pass by a shell satellite (symmetric path)."""
    rng = np.random.default_rng(seed)
    shell = WalkerShell(600.0, InclinationFamily.parse(53), 8, 10, 3)
    sats = shell.satrecs(START)
    m = int(rng.integers(shell.total))
    t_enc = rng.uniform(0.1, 0.9) * HOURS * 3600.0
    jd, frac = jd_parts(START)
    e, r, v = sats[m].sgp4_tsince(t_enc / 60.0)
    r, v = np.array(r), np.array(v)
    r_hat = _unit(r)
    if geometry == "crossing":
        v_b = rotate(v, r_hat, math.radians(rng.uniform(20.0, 160.0)))
    else:
        v_b = rotate(v, r_hat, math.radians(rng.uniform(0.02, 0.3)))
    normal = _unit(np.cross(v_b - v, rng.normal(size=3)))
    obj = satrec_through(r + miss_km * normal, v_b, jd + frac + t_enc / 86400.0, 77)
    pairs = [(k, shell.total) for k in range(shell.total)]
    truth = brute_force(sats + [obj], jd, frac, HOURS, 5.0, pairs=pairs)
    res = screen(Population.from_shells(shell, START), Population.from_satrecs([obj]),
                 start=START, hours=HOURS, threshold_km=5.0)
    _check(res, truth, 5.0, lambda row: (int(row["i"]), shell.total + int(row["j"])))
    assert any(c.a == m for c in truth)


@pytest.mark.parametrize("t_enc_s", [2.0, 45.0, HOURS * 3600.0 - 30.0, HOURS * 3600.0 + 20.0])
def test_encounters_at_the_window_edges(t_enc_s):
    """A TCA just inside the window is reported, one just outside is not."""
    rng = np.random.default_rng(int(t_enc_s))
    a, b = _encounter(rng, t_enc_s, 700.0, "crossing", 1.0, (1, 2))
    jd, frac = jd_parts(START)
    truth = brute_force([a, b], jd, frac, HOURS, 5.0)
    res = screen([a, b], start=START, hours=HOURS, threshold_km=5.0, window_hours=0.5)
    _check(res, truth, 5.0, lambda row: (int(row["i"]), int(row["j"])))
    inside = 0.0 <= t_enc_s < HOURS * 3600.0
    # (the two orbits cross again every half revolution; look at the constructed one)
    assert (len([c for c in truth if abs(c.tca_s - t_enc_s) < 10.0]) == 1) == inside
    assert len([t for t in res.conjunctions["tca_s"] if abs(t - t_enc_s) < 10.0]) == inside
    assert len(res) == len(truth)
