"""One sub-window of a screening: the unit of work of local and Dask runs.

A :class:`ScreeningPlan` holds everything a sub-window needs (element sets as numpy tables,
shells as specifications, pads, grid); :func:`screen_window` samples its steps in blocks,
runs the broad and narrow phases, refines on SGP4 and enumerates intra-shell conjunctions by
symmetry. Its result depends only on the plan and the window index.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation import GpeSet, Propagator
from orbitdc.propagation.kernels import closest_approach_terms, safeguarded_newton
from orbitdc.propagation.walker import ShellTrack, offset_minima
from orbitdc.screening.bands import (
    latitude_radius_window,
    radius_flags,
    shell_radius_band,
    shells_can_meet,
)
from orbitdc.screening.broadphase import (
    BroadPhaseObjects,
    QueryShell,
    ShellAsker,
    candidate_pairs,
)
from orbitdc.screening.conjunctions import Conjunctions, distinct
from orbitdc.screening.narrowphase import refine_sgp4, step_minima
from orbitdc.screening.population import ShellGroup
from orbitdc.screening.states import BlockStates, ShellSamples

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class PlanShell:
    """A Walker shell inside a plan: its group, first plan index and time offset."""

    group: ShellGroup
    first: int
    offset_s: float  # seconds from the shell's element epoch to the plan's reference instant


@dataclass(frozen=True)
class ScreeningPlan:
    """Everything a window task needs (picklable; shipped once to every Dask worker).

    Plan indices: catalog objects (primary then secondary) first, then the shells' satellites.
    """

    jd: float
    jd_frac: float
    step_s: float
    n_steps: int
    window_s: float
    windows: tuple[tuple[int, int], ...]
    threshold_km: float
    backend: str
    gpes: GpeSet
    source: IntArray  # index in the population (primary) or in ``against`` (secondary)
    secondary: NDArray[np.bool_]
    group: IntArray  # shell number for symmetric shells, -1 otherwise
    catalog_count: int  # plan indices [0, catalog_count) are propagated
    shells: tuple[PlanShell, ...]
    chord_pad_km: FloatArray
    radius_pad_km: FloatArray
    interp_err_km: FloatArray
    cell_km: float
    half_box_km: float  # largest half-extent of a step box: v_max h / 2 + pad
    radius_bin_km: float
    block_steps: int
    intra_shells: tuple[int, ...]  # shells whose self-separation is below the threshold

    @property
    def n(self) -> int:
        """Objects in the plan."""
        return len(self.gpes)


@dataclass
class WindowResult:
    """Conjunctions of one window (plan indices; copies not yet merged) and its counters."""

    conjunctions: Conjunctions
    stats: dict[str, float] = field(default_factory=dict)


# -- shells ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _track(shell: WalkerShell, epoch: datetime) -> ShellTrack:
    return ShellTrack.build(shell, epoch)


def _seconds_between(jd_a: float, frac_a: float, jd_b: float, frac_b: float) -> float:
    """``(jd_b + frac_b) - (jd_a + frac_a)`` in seconds, keeping the parts apart."""
    return ((jd_b - jd_a) + (frac_b - frac_a)) * 86400.0


def screen_window(
    plan: ScreeningPlan, w: int, progress: Callable[[int], None] | None = None
) -> WindowResult:
    """Screen sub-window ``w`` of a plan (the unit of work of local and Dask runs)."""
    k0, k1 = plan.windows[w]
    h = plan.step_s
    stats = {"candidates": 0.0, "step_minima": 0.0, "t_propagate_s": 0.0, "t_broad_s": 0.0,
             "t_narrow_s": 0.0, "t_refine_s": 0.0, "t_shell_intra_s": 0.0}
    objects = BroadPhaseObjects(plan.secondary, plan.group, plan.chord_pad_km, plan.radius_pad_km)
    cat = plan.catalog_count
    prop = (Propagator(plan.gpes.subset(slice(0, cat)), plan.jd, plan.jd_frac, plan.backend)
            if cat else None)
    tracks = [_track(ps.group.shell, ps.group.epoch) for ps in plan.shells]
    query_shells = _query_shells(plan, tracks)
    mins_i, mins_j, mins_t = [], [], []
    # pairs other than two satellites of one shell exist only with a primary catalog object
    # or with two shells
    generic = bool(np.any(~plan.secondary[:cat])) or len(plan.shells) > 1 or (
        cat > 0 and len(plan.shells) > 0)
    try:
        for kb in range(k0, k1, plan.block_steps) if generic else ():
            ke = min(kb + plan.block_steps, k1)
            t: FloatArray = np.arange(kb, ke + 1, dtype=float) * h
            ta = time.perf_counter()
            if prop is not None:
                st = prop.states(t)
                pos, vel = st[:, 0:3], st[:, 3:6]
                valid = (st[:, 6] == 0) & np.isfinite(pos).all(axis=1)
            else:
                pos = vel = np.zeros((t.size, 3, 0))
                valid = np.zeros((t.size, 0), bool)
            samples = [(ps.first, tr.total, ShellSamples(tr, t + ps.offset_s))
                       for ps, tr in zip(plan.shells, tracks, strict=True)]
            states = BlockStates(t, pos, vel, valid, samples)
            tb = time.perf_counter()
            ci, cj, ck = candidate_pairs(states, objects, plan.cell_km, plan.radius_bin_km,
                                         query_shells)
            tc = time.perf_counter()
            pi0, vi0 = states.pos_vel(ck, ci)
            pj0, vj0 = states.pos_vel(ck, cj)
            pi1, vi1 = states.pos_vel(ck + 1, ci)
            pj1, vj1 = states.pos_vel(ck + 1, cj)
            bound = plan.threshold_km + plan.interp_err_km[ci] + plan.interp_err_km[cj]
            sm = step_minima(pj0 - pi0, vj0 - vi0, pj1 - pi1, vj1 - vi1, ci, cj, ck, h, bound)
            td = time.perf_counter()
            stats["candidates"] += ci.size
            stats["step_minima"] += sm.i.size
            stats["t_propagate_s"] += tb - ta
            stats["t_broad_s"] += tc - tb
            stats["t_narrow_s"] += td - tc
            mins_i.append(sm.i)
            mins_j.append(sm.j)
            mins_t.append((kb + sm.k + sm.s) * h)
            if progress is not None:
                progress(ke - kb)
    finally:
        if prop is not None:
            prop.close()
    if not generic and progress is not None:
        progress(k1 - k0)
    ti = np.concatenate(mins_i) if mins_i else np.zeros(0, np.int64)
    tj = np.concatenate(mins_j) if mins_j else np.zeros(0, np.int64)
    tt = np.concatenate(mins_t) if mins_t else np.zeros(0)
    te = time.perf_counter()
    ref = refine_sgp4(plan.gpes, plan.jd, plan.jd_frac, ti, tj, tt, h / 2.0,
                      fast=plan.backend == "heyoka")
    stats["t_refine_s"] += time.perf_counter() - te
    ts = time.perf_counter()
    found = Conjunctions.concat([ref.conjunctions] + [_shell_intra(plan, s, tracks[s], k0, k1)
                                                      for s in plan.intra_shells])
    stats["t_shell_intra_s"] += time.perf_counter() - ts
    # keep TCAs of this window, with one step of overlap on each side so a minimum refined
    # across a boundary is not lost (copies are merged afterwards)
    tca = found.tca_s
    keep = (found.miss_km < plan.threshold_km) & (tca >= (k0 - 1) * h) & (tca < (k1 + 1) * h)
    keep &= (tca >= 0.0) & (tca < plan.window_s)
    return WindowResult(found.take(keep), stats)


def _query_shells(plan: ScreeningPlan, tracks: Sequence[ShellTrack]) -> tuple[QueryShell, ...]:
    """Pair every shell by inverse geometry.

    A shell is queried by catalog objects and by the satellites of each earlier shell whose
    radius band meets its own (and which :func:`shells_can_meet` does not exclude).
    """
    bands = []
    for ps, tr in zip(plan.shells, tracks, strict=True):
        pad = float(plan.radius_pad_km[ps.first:ps.first + tr.total].max())
        lo, hi = shell_radius_band(tr)
        bands.append((lo - pad, hi + pad))
    out = []
    for s, (ps, tr) in enumerate(zip(plan.shells, tracks, strict=True)):
        lo, hi = bands[s]
        askers = []
        for q in range(s):
            if (bands[q][0] <= hi and lo <= bands[q][1]
                    and shells_can_meet(tracks[q], tr, plan.threshold_km)):
                asker = plan.shells[q]
                pad = float(plan.radius_pad_km[asker.first:asker.first + tracks[q].total].max())
                flags = radius_flags(tracks[q], plan.step_s, pad, lo, hi)
                askers.append(ShellAsker(asker.first, tracks[q].total, flags))
        radius = np.linalg.norm(tr.table_km[0], axis=1)
        # linear interpolation error <= dphi^2 / 8 max|R''| (R'' from second differences,
        # doubled), plus the omega wobble |C1| + |C2|
        d2 = np.abs(np.roll(radius, 1) - 2 * radius + np.roll(radius, -1)).max()
        wobble = (np.linalg.norm(tr.table_km[1], axis=1)
                  + np.linalg.norm(tr.table_km[2], axis=1)).max()
        err = float(2.0 * d2 / 8.0 + wobble + 1e-3)
        lat_bin, lat_lo, lat_hi = latitude_radius_window(tr, plan.half_box_km, plan.threshold_km,
                                                         err)
        pad = float(plan.radius_pad_km[ps.first:ps.first + tr.total].max())
        out.append(QueryShell(tr, tr.ideal_circle(), ps.first, ps.offset_s, lo, hi, radius, err,
                              lat_bin, lat_lo - pad, lat_hi + pad, tuple(askers)))
    return tuple(out)


def _shell_intra(
    plan: ScreeningPlan, s: int, track: ShellTrack, k0: int, k1: int
) -> Conjunctions:
    """Conjunctions between satellites of one shell in steps ``[k0, k1)``, by symmetry."""
    ps = plan.shells[s]
    h = plan.step_s
    thr = plan.threshold_km
    t_lo, t_hi = (k0 - 1) * h, (k1 + 1) * h  # reference time
    omega = track.perigee_rate_rad_s * (ps.offset_s + 0.5 * (t_lo + t_hi))
    lower = track.ideal_lower_bounds(omega)
    lower[0] = np.inf
    minima = offset_minima(track, np.flatnonzero(lower < thr + 0.01), thr + 0.01, omega)
    if minima.offset.size == 0:
        return Conjunctions.empty()
    period = track.phase_period_s
    total = track.total
    j_all = np.arange(total, dtype=np.int64)
    out_a, out_b, out_t = [], [], []
    for k, phi in zip(minima.offset.tolist(), minima.phase_rad.tolist(), strict=True):
        # pair (j, j (+) k) is closest when L' t + dL_j = phi (mod 2 pi), t after the epoch
        t_first = (phi - track.phase_offset_rad) / track.phase_rate_rad_s - ps.offset_s
        n0 = np.ceil((t_lo - t_first) / period)
        n1 = np.floor((t_hi - t_first) / period)
        reps = np.maximum(n1 - n0 + 1, 0).astype(np.int64)
        jj = np.repeat(j_all, reps)
        nn = np.repeat(n0, reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
        out_a.append(jj)
        out_b.append(track.compose(jj, k))
        out_t.append(t_first[jj] + nn * period)
    a = np.concatenate(out_a)
    b = np.concatenate(out_b)
    t = np.concatenate(out_t)
    lo_i, hi_i = np.minimum(a, b), np.maximum(a, b)
    # the pair (a, b) also appears from b with offset -k at the same time: keep one
    one = distinct(lo_i, hi_i, t)
    lo_i, hi_i, t = lo_i[one], hi_i[one], t[one]

    def f_and_slope(t_s: FloatArray, items: IntArray) -> tuple[FloatArray, FloatArray]:
        pa, va = track.states_at(t_s + ps.offset_s, lo_i[items])
        pb, vb = track.states_at(t_s + ps.offset_s, hi_i[items])
        return closest_approach_terms(pb - pa, vb - va)

    # refine on the exact symmetric states (SGP4 to ~1e-8 km): Newton on d . w = 0
    t = safeguarded_newton(f_and_slope, t, tol=1e-7, max_iter=40, max_step=h, secant=True).x
    pa, va = track.states_at(t + ps.offset_s, lo_i)
    pb, vb = track.states_at(t + ps.offset_s, hi_i)
    return Conjunctions(lo_i + ps.first, hi_i + ps.first, t, np.linalg.norm(pb - pa, axis=1),
                        np.linalg.norm(vb - va, axis=1))
