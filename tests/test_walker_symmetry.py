"""Walker-shell symmetry against plain per-satellite SGP4 and all-pairs brute force."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation import GpeSet
from orbitdc.propagation.walker import (
    ShellTrack,
    self_separation,
    self_separation_km,
    shell_gpes,
    shell_positions,
)
from orbitdc.screening.bands import shells_can_meet
from orbitdc.time import jd_parts

EPOCH = datetime(2025, 3, 1, 6, tzinfo=UTC)

SHELLS = [
    WalkerShell(550.0, InclinationFamily.parse(53), 6, 5, 2),
    WalkerShell(700.0, InclinationFamily.parse("sso"), 4, 7, 3),  # sun-synchronous
    WalkerShell(800.0, InclinationFamily.parse("dawn-dusk"), 5, 8, 4),
    WalkerShell(1000.0, InclinationFamily.parse(86.4), 6, 11, 2),  # near-polar
    WalkerShell(450.0, InclinationFamily.parse(30), 3, 12, 0),
]


@pytest.mark.parametrize("shell", SHELLS, ids=lambda s: s.notation)
def test_shell_element_sets_equal_walker_satrecs(shell):
    a = GpeSet.from_satrecs(shell.satrecs(EPOCH)).records
    b = shell_gpes(shell, EPOCH).records
    for name in a.dtype.names:
        assert np.array_equal(a[name], b[name]), name


@pytest.mark.parametrize("shell", SHELLS, ids=lambda s: s.notation)
def test_symmetric_positions_equal_sgp4(shell):
    """Every satellite's SGP4 state equals the rotated, phase-shifted reference track, within
    1e-6 km and 1e-9 km/s, including days after the epoch (the J2 node drift over each time
    shift is in the rotation; SGP4's 1e-6 floor eccentricity is modelled)."""
    t = np.concatenate([np.linspace(-3600.0, 7200.0, 23), [86400.0 * 3.3, 86400.0 * 6.9]])
    pos, vel = shell_positions(shell, EPOCH, t, velocities=True)
    jd, frac = jd_parts(EPOCH)
    for m, sat in enumerate(shell.satrecs(EPOCH)):
        e, r, v = sat.sgp4_array(np.full(t.size, jd), frac + t / 86400.0)
        assert not e.any()
        assert np.abs(pos[:, :, m] - r).max() < 1e-6
        assert np.abs(vel[:, :, m] - v).max() < 1e-9


def test_states_at_per_satellite_times():
    shell = SHELLS[2]
    track = ShellTrack.build(shell, EPOCH)
    rng = np.random.default_rng(1)
    idx = rng.integers(0, shell.total, 50)
    t = rng.uniform(-1e5, 1e5, 50)
    pos, vel = track.states_at(t, idx)
    sats = shell.satrecs(EPOCH)
    for n in range(50):
        e, r, v = sats[idx[n]].sgp4_tsince(t[n] / 60.0)
        assert np.abs(pos[n] - r).max() < 1e-6 and np.abs(vel[n] - v).max() < 1e-9


@settings(max_examples=40)
@given(planes=st.integers(1, 12), per_plane=st.integers(1, 12), data=st.data())
def test_group_addition_adds_nodes_and_phases(planes, per_plane, data):
    """``j (+) k`` has node offset dOmega_j + dOmega_k and phase offset dL_j + dL_k (mod 2 pi),
    and is a bijection in ``k``."""
    phasing = data.draw(st.integers(0, planes - 1))
    shell = WalkerShell(600.0, InclinationFamily.parse(50), planes, per_plane, phasing)
    track = ShellTrack.build(shell, EPOCH, table_size=64)
    j = data.draw(st.integers(0, shell.total - 1))
    k = np.arange(shell.total)
    m = track.compose(j, k)
    assert np.array_equal(np.sort(m), k)

    def wrap(x):
        return np.abs((x + np.pi) % (2 * np.pi) - np.pi)

    assert wrap(track.node_offset_rad[j] + track.node_offset_rad[k]
                - track.node_offset_rad[m]).max() < 1e-9
    assert wrap(track.phase_offset_rad[j] + track.phase_offset_rad[k]
                - track.phase_offset_rad[m]).max() < 1e-9


def _all_pairs_minimum(sats, jd, frac, period_s, step_s=4.0):
    """Plain all-pairs minimum distance over one period: sampled, then ``brentq`` on
    ``d . w`` for the best sampled minima (independent of the symmetry code)."""
    t = np.arange(0.0, period_s + step_s, step_s)
    pos = np.empty((len(sats), t.size, 3))
    vel = np.empty((len(sats), t.size, 3))
    for n, s in enumerate(sats):
        e, r, v = s.sgp4_array(np.full(t.size, jd), frac + t / 86400.0)
        pos[n], vel[n] = r, v
    cands = []
    for a in range(len(sats)):
        d = pos[a + 1:] - pos[a]
        dist = np.linalg.norm(d, axis=2)
        for off, row in enumerate(dist):
            m = int(np.argmin(row))
            cands.append((row[m], a, a + 1 + off, m))
    cands.sort()
    best = np.inf
    def state(n, x):
        tsince = ((jd - sats[n].jdsatepoch) + (frac - sats[n].jdsatepochF)) * 1440 + x / 60
        _, r, v = sats[n].sgp4_tsince(tsince)
        return np.array(r), np.array(v)

    for _, a, b, m in cands[:8]:
        def f(x, a=a, b=b):
            ra, va = state(a, x)
            rb, vb = state(b, x)
            return float((rb - ra) @ (vb - va))

        lo, hi = t[max(m - 1, 0)], t[min(m + 1, t.size - 1)]
        x = brentq(f, lo, hi, xtol=1e-10) if f(lo) < 0 < f(hi) else t[m]
        best = min(best, float(np.linalg.norm(state(b, x)[0] - state(a, x)[0])))
    return best


@pytest.mark.parametrize("shell", SHELLS + [WalkerShell(600.0, InclinationFamily.parse(65),
                                                         9, 9, 5)],
                         ids=lambda s: s.notation)
def test_self_separation_equals_all_pairs(shell):
    """One satellite against all others over one phase period (symmetry) equals the minimum
    over all pairs from plain propagation of every satellite.

    Tolerance 1e-4 km: SGP4 floors the eccentricity at 1e-6 with its vector turning at the
    perigee rate, so pairs related by the symmetry differ by up to ``2 a e omega' tau`` (a few
    1e-5 km); both results are SGP4 values of real pairs.
    """
    res = self_separation(shell, EPOCH)
    assert self_separation_km(shell, EPOCH) == res.distance_km
    track = ShellTrack.build(shell, EPOCH)
    jd, frac = jd_parts(EPOCH)
    brute = _all_pairs_minimum(shell.satrecs(EPOCH), jd, frac, track.phase_period_s)
    assert res.distance_km == pytest.approx(brute, abs=1e-4)
    assert res.lower_bound_km >= res.distance_km
    assert 0.0 <= res.time_s < track.phase_period_s + 60.0


def test_shells_that_cannot_meet_do_not():
    """The latitude-resolved radius test: shells judged apart stay more than the threshold
    apart in plain all-pairs propagation; shells at one altitude with crossing planes meet."""
    a = WalkerShell(550.0, InclinationFamily.parse(53), 4, 5, 1)
    b = WalkerShell(560.0, InclinationFamily.parse(53), 4, 5, 2)
    c = WalkerShell(552.0, InclinationFamily.parse(97.6), 4, 5, 1)
    ta, tb, tc = (ShellTrack.build(s, EPOCH) for s in (a, b, c))
    assert not shells_can_meet(ta, tb, 5.0)
    assert shells_can_meet(ta, tc, 5.0)
    jd, frac = jd_parts(EPOCH)
    sa, sb = a.satrecs(EPOCH), b.satrecs(EPOCH, first_satnum=100)
    t = np.arange(0.0, 6 * 3600.0, 10.0)
    ra = np.stack([s.sgp4_array(np.full(t.size, jd), frac + t / 86400)[1] for s in sa])
    rb = np.stack([s.sgp4_array(np.full(t.size, jd), frac + t / 86400)[1] for s in sb])
    closest = np.linalg.norm(ra[:, None] - rb[None, :], axis=3).min()
    assert closest > 5.0 + 0.1  # 10 s sampling can overshoot the minimum by < 0.1 km here


def test_self_separation_of_a_large_shell_is_quick_and_bounded():
    shell = WalkerShell(550.0, InclinationFamily.parse(53), 72, 22, 17)
    res = self_separation(shell, EPOCH)
    assert res.n_examined < shell.total // 10  # the ideal-circle bound excludes most
    assert res.lower_bound_km >= res.distance_km
    # the pair found is a real SGP4 pair at that distance
    sats = shell.satrecs(EPOCH)
    _, r0, _ = sats[0].sgp4_tsince(res.time_s / 60)
    _, r1, _ = sats[res.other].sgp4_tsince(res.time_s / 60)
    assert np.linalg.norm(np.array(r1) - r0) == pytest.approx(res.distance_km, abs=1e-9)
