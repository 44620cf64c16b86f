"""The screening: plan, per-window work, and the assembly of the result.

Formulation (details in ``design/screening.md``):

1. *Radial filter.* Every object gets a radius band over the window (osculating perigee and
   apogee sampled every few hours, +-50 km; exact from the track for Walker shells). Objects
   whose band, widened by the threshold, meets no band of an object they may be paired with
   are never propagated.
2. *Sampling.* The window is split into steps of ``h`` seconds on one global grid; positions
   and velocities come from the fastest backend (catalog objects) or from the shell symmetry
   (Walker shells), in blocks that bound memory.
3. *Broad phase* (:mod:`~orbitdc.screening.broadphase`): padded 4-D boxes per object and step,
   time-resolved radius filter, uniform-grid hashing.
4. *Narrow phase* (:mod:`~orbitdc.screening.narrowphase`): Bernstein bound and local minima of
   the cubic Hermite relative distance, then SGP4 refinement of TCA and miss distance.
5. *Intra-shell conjunctions* by symmetry: when a shell's satellites come within the threshold
   of each other, the offsets ``k`` and phases where ``D_k`` dips below it are found once; every
   pair ``(j, j (+) k)`` repeats that dip at a known time.

The window is cut into sub-windows of whole steps that are screened independently - locally in
sequence, or as tasks on a Dask cluster - with the same cut, so both give identical results.
A conjunction is a local minimum of the distance with its TCA inside the window; the ones found
twice near sub-window boundaries are merged.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec

from orbitdc.environment.catalog import ObjectCatalog
from orbitdc.errors import InputError, require_range
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation import GpeSet, Propagator, jd_parts, resolve_backend
from orbitdc.propagation.walker import ShellTrack, offset_minima, self_separation_km
from orbitdc.screening.broadphase import (
    BroadPhaseObjects,
    QueryShell,
    ShellAsker,
    candidate_pairs,
    radius_sagitta_km,
    sagitta_km,
)
from orbitdc.screening.narrowphase import interpolation_error_km, refine_sgp4, step_minima
from orbitdc.screening.population import Population, ShellGroup
from orbitdc.screening.probability import pc_isotropic, pc_small_hbr
from orbitdc.screening.result import (
    CONJUNCTION_DTYPE,
    KIND_BACKGROUND,
    KIND_INTRA,
    ScreeningResult,
)
from orbitdc.screening.states import BlockStates, ShellSamples

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

TWO_PI = 2.0 * math.pi

#: SGP4's WGS-72 gravitational parameter [km^3/s^2] (the model being screened).
MU_SGP4_KM3_S2 = 398600.8

#: Margin on the osculating perigee/apogee band of a catalog object [km]: covers the
#: short-periodic variation of the osculating elements (~10-20 km in LEO) between samples.
RADIUS_BAND_MARGIN_KM = 50.0

#: Spacing of the samples that set the radius bands [s].
RADIUS_BAND_SAMPLE_S = 3 * 3600.0

#: Conjunctions of the same pair whose TCAs differ by less than this are one [s].
DUPLICATE_TCA_S = 1e-3

PC_METHODS = ("foster", "small-hbr")


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
    """Raw conjunctions of one window (plan indices) and its counters."""

    i: IntArray
    j: IntArray
    tca_s: FloatArray
    miss_km: FloatArray
    speed_km_s: FloatArray
    stats: dict[str, float] = field(default_factory=dict)


# -- shells ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _track(shell: WalkerShell, epoch: datetime) -> ShellTrack:
    return ShellTrack.build(shell, epoch)


def _seconds_between(jd_a: float, frac_a: float, jd_b: float, frac_b: float) -> float:
    """``(jd_b + frac_b) - (jd_a + frac_a)`` in seconds, keeping the parts apart."""
    return ((jd_b - jd_a) + (frac_b - frac_a)) * 86400.0


# -- radius bands -----------------------------------------------------------------------------


def _osculating_band(pos: FloatArray, vel: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Osculating perigee and apogee radii [km] from TEME states ``(..., 3, n)``."""
    r = np.linalg.norm(pos, axis=-2)
    v2 = np.sum(vel * vel, axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_a = 2.0 / r - v2 / MU_SGP4_KM3_S2
        a = 1.0 / inv_a
        h = np.linalg.norm(np.cross(pos, vel, axis=-2), axis=-2)
        p = h * h / MU_SGP4_KM3_S2
        e = np.sqrt(np.clip(1.0 - p * inv_a, 0.0, None))
        rp = np.where(inv_a > 0, a * (1.0 - e), p / (1.0 + e))
        ra = np.where((inv_a > 0) & (e < 1.0), a * (1.0 + e), np.inf)
    return rp, ra


def _catalog_bands(
    gpes: GpeSet, jd: float, jd_frac: float, window_s: float, backend: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Radius band [km] over the window and largest osculating eccentricity of each object.

    Objects that SGP4 cannot propagate at any sample get an empty band (lo = +inf).
    """
    n = len(gpes)
    if n == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    n_s = max(2, math.ceil(window_s / RADIUS_BAND_SAMPLE_S) + 1)
    t = np.linspace(0.0, window_s, n_s)
    with Propagator(gpes, jd, jd_frac, backend=backend) as prop:
        st = prop.states(t)
    pos, vel, err = st[:, 0:3, :], st[:, 3:6, :], st[:, 6, :]
    rp, ra = _osculating_band(pos, vel)
    good = (err == 0) & np.isfinite(rp)
    rp = np.where(good, rp, np.inf)
    ra = np.where(good, ra, -np.inf)
    lo = rp.min(axis=0) - RADIUS_BAND_MARGIN_KM
    hi = ra.max(axis=0) + RADIUS_BAND_MARGIN_KM
    with np.errstate(invalid="ignore", divide="ignore"):
        ecc_s = (ra - rp) / (ra + rp)
    ecc = np.where(good & np.isfinite(ecc_s), ecc_s, 0.0).max(axis=0)
    ecc = np.maximum(ecc, gpes.records["ecco"])
    return lo, hi, np.nan_to_num(ecc, nan=1.0, posinf=1.0)


def _shell_band(track: ShellTrack) -> tuple[float, float]:
    """Radius band of a shell [km] from its track table (any ``omega``), +-1 km."""
    c0 = np.linalg.norm(track.table_km[0], axis=1)
    wobble = np.linalg.norm(track.table_km[1], axis=1) + np.linalg.norm(track.table_km[2], axis=1)
    return float((c0 - wobble).min() - 1.0), float((c0 + wobble).max() + 1.0)


def _overlaps_any(lo: FloatArray, hi: FloatArray, other_lo: FloatArray,
                  other_hi: FloatArray) -> NDArray[np.bool_]:
    """For each band ``[lo, hi]``, whether some band of the other set intersects it."""
    if other_lo.size == 0:
        return np.zeros(lo.size, bool)
    order = np.argsort(other_lo)
    olo = other_lo[order]
    prefix_hi = np.maximum.accumulate(other_hi[order])
    pos = np.searchsorted(olo, hi, side="right")
    return np.where(pos > 0, prefix_hi[np.maximum(pos - 1, 0)] >= lo, False)


def _overlaps_other(lo: FloatArray, hi: FloatArray) -> NDArray[np.bool_]:
    """For each band, whether another band of the same set intersects it."""
    n = lo.size
    if n < 2:
        return np.zeros(n, bool)
    order = np.argsort(lo, kind="stable")
    slo, shi = lo[order], hi[order]
    # an earlier band (smaller lo) reaching up to this one, or the next band starting inside
    prev_hi = np.concatenate([[-np.inf], np.maximum.accumulate(shi)[:-1]])
    next_lo = np.concatenate([slo[1:], [np.inf]])
    hit = (prev_hi >= slo) | (next_lo <= shi)
    out = np.empty(n, bool)
    out[order] = hit
    return out


# -- planning ---------------------------------------------------------------------------------


def _as_population(obj: Any, start: datetime, name: str) -> Population:
    if obj is None:
        return Population()
    if isinstance(obj, Population):
        return obj
    if isinstance(obj, ObjectCatalog):
        return Population.from_catalog(obj)
    if isinstance(obj, WalkerShell):
        return Population.from_shells(obj, start)
    if isinstance(obj, GpeSet):
        return Population.from_gpes(obj)
    seq = list(obj)
    if seq and all(isinstance(s, WalkerShell) for s in seq):
        return Population.from_shells(seq, start)
    if all(isinstance(s, Satrec) for s in seq):
        return Population.from_satrecs(seq)
    raise InputError(name, type(obj).__name__,
                     "must be a Population, ObjectCatalog, WalkerShell(s), GpeSet or Satrec list")


def default_step_s(threshold_km: float) -> float:
    """Default sampling step [s]: 60 s (boxes of ~460 km in LEO, sagitta pad ~4 km)."""
    del threshold_km
    return 60.0


def plan_screening(
    population: Population,
    against: Population,
    *,
    start: datetime,
    hours: float,
    threshold_km: float,
    step_s: float | None = None,
    backend: str = "auto",
    window_hours: float = 6.0,
    use_symmetry: bool = True,
    max_block_objects: int = 1_500_000,
) -> tuple[ScreeningPlan, dict[str, float], dict[str, float]]:
    """Decide what to propagate and how to cut the window.

    Returns ``(plan, shell self-separations, counters)``.
    """
    require_range("hours", hours, gt=0.0, le=24.0 * 366)
    require_range("threshold_km", threshold_km, gt=0.0, le=1000.0)
    step = float(step_s) if step_s is not None else default_step_s(threshold_km)
    require_range("step_s", step, ge=1.0, le=600.0)
    require_range("window_hours", window_hours, gt=0.0)
    backend = resolve_backend(backend)
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    jd, jd_frac = jd_parts(start)
    window_s = hours * 3600.0
    n_steps = math.ceil(window_s / step - 1e-9)
    per_window = max(1, int(round(window_hours * 3600.0 / step)))
    windows = tuple((a, min(a + per_window, n_steps)) for a in range(0, n_steps, per_window))
    counters: dict[str, float] = {"n_population": len(population), "n_against": len(against)}

    # -- sort objects into catalog objects and symmetric shells -----------------------------
    cat_src: list[IntArray] = []
    cat_sec: list[NDArray[np.bool_]] = []
    cat_gpes: list[GpeSet] = []
    shells: list[tuple[ShellGroup, int]] = []  # (group, population index of first satellite)
    for sec, pop in ((False, population), (True, against)):
        for g, grp in enumerate(pop.groups):
            first = int(pop.offsets[g])
            if isinstance(grp, ShellGroup) and use_symmetry and not sec:
                shells.append((grp, first))
                continue
            cat_src.append(np.arange(first, first + len(grp), dtype=np.int64))
            cat_sec.append(np.full(len(grp), sec))
            cat_gpes.append(grp.gpes)
    src = np.concatenate(cat_src) if cat_src else np.zeros(0, np.int64)
    sec_flag = np.concatenate(cat_sec) if cat_sec else np.zeros(0, bool)
    gpes = (GpeSet(np.concatenate([g.records for g in cat_gpes])) if cat_gpes
            else GpeSet(np.zeros(0, dtype=population.gpes.records.dtype)))

    # -- radius bands ----------------------------------------------------------------------
    t0 = time.perf_counter()
    lo, hi, ecc = _catalog_bands(gpes, jd, jd_frac, window_s, backend)
    tracks = [_track(g.shell, g.epoch) for g, _ in shells]
    shell_lo = np.array([_shell_band(t)[0] for t in tracks])
    shell_hi = np.array([_shell_band(t)[1] for t in tracks])
    half = threshold_km / 2.0
    lo_w, hi_w = lo - half, hi + half
    slo_w, shi_w = shell_lo - half, shell_hi + half
    prim = ~sec_flag
    # catalog primaries: another catalog primary, any shell or any secondary
    need = np.zeros(len(gpes), bool)
    need[prim] = (
        _overlaps_other(lo_w[prim], hi_w[prim])
        | _overlaps_any(lo_w[prim], hi_w[prim], slo_w, shi_w)
        | _overlaps_any(lo_w[prim], hi_w[prim], lo_w[sec_flag], hi_w[sec_flag])
    )
    need[sec_flag] = _overlaps_any(
        lo_w[sec_flag], hi_w[sec_flag], np.concatenate([lo_w[prim], slo_w]),
        np.concatenate([hi_w[prim], shi_w]),
    )
    need &= np.isfinite(lo)
    counters["n_unpropagatable"] = int((~np.isfinite(lo)).sum())
    # shells: needed when meeting anything but themselves, or when their own satellites meet
    self_sep: dict[str, float] = {}
    intra: list[int] = []
    shell_need = np.zeros(len(shells), bool)
    for s, (grp, _) in enumerate(shells):
        others_lo = np.concatenate([lo_w[need & prim], np.delete(slo_w, s),
                                    lo_w[need & sec_flag]])
        others_hi = np.concatenate([hi_w[need & prim], np.delete(shi_w, s),
                                    hi_w[need & sec_flag]])
        shell_need[s] = bool(_overlaps_any(slo_w[s:s + 1], shi_w[s:s + 1], others_lo,
                                           others_hi)[0])
        if grp.shell.total >= 2:
            sep = self_separation_km(grp.shell, grp.epoch, track=tracks[s]).distance_km
            self_sep[grp.label] = sep
            if sep < threshold_km * 1.001 + 1e-3:
                intra.append(s)
    counters["t_plan_s"] = time.perf_counter() - t0

    # -- plan arrays -----------------------------------------------------------------------
    keep = np.flatnonzero(need)
    # primaries first, then secondaries (stable within each)
    keep = keep[np.argsort(sec_flag[keep], kind="stable")]
    plan_gpes = [gpes.subset(keep).records]
    plan_src = [src[keep]]
    plan_sec = [sec_flag[keep]]
    plan_group = [np.full(keep.size, -1, np.int64)]
    rp = [lo[keep]]  # band lower edge: a perigee bound (conservative by the band margin)
    ec = [ecc[keep]]
    plan_shells: list[PlanShell] = []
    first = keep.size
    for s, (grp, pop_first) in enumerate(shells):
        if not (shell_need[s] or s in intra):
            continue
        sg = grp.gpes
        plan_gpes.append(sg.records)
        plan_src.append(pop_first + np.arange(len(grp), dtype=np.int64))
        plan_sec.append(np.zeros(len(grp), bool))
        plan_group.append(np.full(len(grp), len(plan_shells), np.int64))
        rp.append(np.full(len(grp), shell_lo[s]))
        ec.append(np.zeros(len(grp)))
        ejd, efrac = jd_parts(grp.epoch)
        plan_shells.append(PlanShell(grp, first, _seconds_between(ejd, efrac, jd, jd_frac)))
        first += len(grp)
    intra_plan = tuple(k for k, ps in enumerate(plan_shells)
                       if any(ps.group is shells[s][0] for s in intra))
    all_gpes = GpeSet(np.concatenate(plan_gpes))
    r_min = np.maximum(np.concatenate(rp), 6378.0 - 100.0)
    e_max = np.clip(np.concatenate(ec), 0.0, 0.99)
    sag = sagitta_km(step, r_min)
    rsag = radius_sagitta_km(step, r_min, e_max)
    interp = 2.0 * interpolation_error_km(step, r_min, e_max) + 1e-3
    # shell states come from one track table per block (ShellSamples): < 1 m more
    interp[keep.size:] += 1e-3
    chord_pad = sag + half + 1e-3
    radius_pad = rsag + half + 1e-3
    a_km = (MU_SGP4_KM3_S2 / (all_gpes.records["no_kozai"] / 60.0) ** 2) ** (1.0 / 3.0)
    v_max = np.sqrt(np.clip(MU_SGP4_KM3_S2 * (2.0 / r_min - 1.0 / a_km), 0.0, None))
    n_plan = len(all_gpes)
    # Grid cells twice the largest box: boxes rarely straddle cells (fewer entries to sort)
    # at the price of more same-cell pairs; measured best on the benchmark (1x, 1.5x, 3x and
    # 15 s sub-step boxes were slower).
    half_box = float((v_max * step / 2.0 + chord_pad).max()) if n_plan else 1.0
    cell = 4.0 * half_box
    radius_bin = float(max(10.0, 2.0 * radius_pad.max() + 1.0)) if n_plan else 10.0
    block = int(np.clip(max_block_objects // max(n_plan, 1), 1, 240))
    plan = ScreeningPlan(
        jd=jd, jd_frac=jd_frac, step_s=step, n_steps=n_steps, window_s=window_s,
        windows=windows, threshold_km=float(threshold_km), backend=backend, gpes=all_gpes,
        source=np.concatenate(plan_src), secondary=np.concatenate(plan_sec),
        group=np.concatenate(plan_group), catalog_count=int(keep.size),
        shells=tuple(plan_shells), chord_pad_km=chord_pad, radius_pad_km=radius_pad,
        interp_err_km=interp, cell_km=cell, half_box_km=half_box, radius_bin_km=radius_bin,
        block_steps=block,
        intra_shells=intra_plan,
    )
    counters["n_propagated"] = int(keep.size)
    counters["n_shell_satellites"] = int(n_plan - keep.size)
    return plan, self_sep, counters


# -- one window -----------------------------------------------------------------------------


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
    parts = [(ref.i, ref.j, ref.tca_s, ref.miss_km, ref.speed_km_s)]
    ts = time.perf_counter()
    for s in plan.intra_shells:
        parts.append(_shell_intra(plan, s, tracks[s], k0, k1))
    stats["t_shell_intra_s"] += time.perf_counter() - ts
    i = np.concatenate([p[0] for p in parts])
    j = np.concatenate([p[1] for p in parts])
    tca = np.concatenate([p[2] for p in parts])
    miss = np.concatenate([p[3] for p in parts])
    speed = np.concatenate([p[4] for p in parts])
    # keep TCAs of this window, with one step of overlap on each side so a minimum refined
    # across a boundary is not lost (duplicates are merged afterwards)
    keep = (miss < plan.threshold_km) & (tca >= (k0 - 1) * h) & (tca < (k1 + 1) * h)
    keep &= (tca >= 0.0) & (tca < plan.window_s)
    return WindowResult(i[keep], j[keep], tca[keep], miss[keep], speed[keep], stats)


def _query_shells(plan: ScreeningPlan, tracks: Sequence[ShellTrack]) -> tuple[QueryShell, ...]:
    """Pair every shell by inverse geometry.

    A shell is queried by catalog objects and by the satellites of each earlier shell whose
    radius band meets its own (and which :func:`shells_can_meet` does not exclude).
    """
    bands = []
    for ps, tr in zip(plan.shells, tracks, strict=True):
        pad = float(plan.radius_pad_km[ps.first:ps.first + tr.total].max())
        lo, hi = _shell_band(tr)
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
                flags = _radius_flags(tracks[q], plan.step_s, pad, lo, hi)
                askers.append(ShellAsker(asker.first, tracks[q].total, flags))
        radius = np.linalg.norm(tr.table_km[0], axis=1)
        # linear interpolation error <= dphi^2 / 8 max|R''| (R'' from second differences,
        # doubled), plus the omega wobble |C1| + |C2|
        d2 = np.abs(np.roll(radius, 1) - 2 * radius + np.roll(radius, -1)).max()
        wobble = (np.linalg.norm(tr.table_km[1], axis=1)
                  + np.linalg.norm(tr.table_km[2], axis=1)).max()
        err = float(2.0 * d2 / 8.0 + wobble + 1e-3)
        lat_bin, lat_lo, lat_hi = _latitude_radius_window(plan, tr, err)
        pad = float(plan.radius_pad_km[ps.first:ps.first + tr.total].max())
        out.append(QueryShell(tr, tr.ideal_circle(), ps.first, ps.offset_s, lo, hi, radius, err,
                              lat_bin, lat_lo - pad, lat_hi + pad, tuple(askers)))
    return tuple(out)


def _latitude_radius_window(
    plan: ScreeningPlan, track: ShellTrack, slack_km: float
) -> tuple[float, FloatArray, FloatArray]:
    """Radius range of a shell's satellites within reach of each latitude bin.

    An object-step whose chord midpoint is at latitude ``lat`` stays within
    ``eps = (v_max h / 2 + pad) / r_min`` of it; a satellite within the threshold of it is
    within ``threshold / r_min`` more. Returns ``(bin width, rmin, rmax)`` over bins of
    latitude from -90 deg, the range taken over the window ``lat +- (eps + threshold / r)``.
    """
    g = track.table_km[0]
    r = np.linalg.norm(g, axis=1)
    lat = np.arcsin(np.clip(g[:, 2] / r, -1.0, 1.0))
    r_min = 6378.0
    reach = plan.half_box_km + plan.threshold_km
    eps = reach / r_min + TWO_PI / track.table_size
    width = 0.005
    n_bins = int(math.ceil(math.pi / width)) + 1
    idx = np.clip(((lat + 0.5 * math.pi) / width).astype(np.int64), 0, n_bins - 1)
    rmin = np.full(n_bins, np.inf)
    rmax = np.full(n_bins, -np.inf)
    np.minimum.at(rmin, idx, r)
    np.maximum.at(rmax, idx, r)
    w = int(math.ceil(eps / width)) + 1
    pad_min = np.concatenate([np.full(w, np.inf), rmin, np.full(w, np.inf)])
    pad_max = np.concatenate([np.full(w, -np.inf), rmax, np.full(w, -np.inf)])
    win_min = np.min(np.stack([pad_min[q:q + n_bins] for q in range(2 * w + 1)]), axis=0)
    win_max = np.max(np.stack([pad_max[q:q + n_bins] for q in range(2 * w + 1)]), axis=0)
    return width, win_min - slack_km, win_max + slack_km


def shells_can_meet(a: ShellTrack, b: ShellTrack, threshold_km: float) -> bool:
    """Whether any satellite of shell ``a`` can come within the threshold of one of ``b``.

    The radius of a shell satellite and its latitude are functions of its phase only (node
    rotations keep both), so each shell traces a fixed closed curve in the (latitude, radius)
    plane. Two satellites within ``d`` of each other have latitudes within ``d / r`` and radii
    within ``d``; if, latitude band by latitude band, the two curves' radius ranges stay more
    than the threshold (plus interpolation and omega-wobble slack) apart, the shells never
    meet (a rigorous test; Hoots et al.'s apogee/perigee filter made latitude-resolved).
    """
    pts = []
    for tr in (a, b):
        g = tr.table_km[0]
        r = np.linalg.norm(g, axis=1)
        lat = np.arcsin(np.clip(g[:, 2] / r, -1.0, 1.0))
        wobble = float((np.linalg.norm(tr.table_km[1], axis=1)
                        + np.linalg.norm(tr.table_km[2], axis=1)).max())
        # between table points latitude moves by at most the table step; radius by
        # |dr/dphi| * step
        step = TWO_PI / tr.table_size
        dr = float(np.abs(np.diff(np.append(r, r[0]))).max())
        pts.append((lat, r, wobble + dr, step))
    r_min = min(float(p[1].min()) for p in pts)
    tol = (threshold_km + 2.0) / r_min + max(pts[0][3], pts[1][3])
    edges_lo = -math.pi / 2 - tol
    n_bins = int(math.ceil((math.pi + 2 * tol) / tol)) + 2
    ranges = []
    for lat, r, _, _ in pts:
        idx = np.floor((lat - edges_lo) / tol).astype(np.int64)
        rmin = np.full(n_bins, np.inf)
        rmax = np.full(n_bins, -np.inf)
        np.minimum.at(rmin, idx, r)
        np.maximum.at(rmax, idx, r)
        ranges.append((rmin, rmax))
    slack = pts[0][2] + pts[1][2] + threshold_km + 1e-3
    (amin, amax), (bmin, bmax) = ranges
    for shift in (-1, 0, 1):
        bmin_s = np.roll(bmin, shift)
        bmax_s = np.roll(bmax, shift)
        gap = np.maximum(amin - bmax_s, bmin_s - amax)
        if np.any(gap <= slack):
            return True
    return False


def _radius_flags(
    track: ShellTrack, step_s: float, pad_km: float, band_lo: float, band_hi: float
) -> NDArray[np.bool_]:
    """Flag the table phase cells from which a step's radius range can meet a band.

    For a step starting at table phase cell ``i``: whether the satellite's radius range over
    the step (padded) can meet ``[band_lo, band_hi]``.

    The radius depends on the phase only (``|G|``, rotations keep it); the step's arc is
    covered by table cells ``i .. i + w`` with ``w = 1 + ceil(L' h / dphi)``.
    """
    n = track.table_size
    radius = np.linalg.norm(track.table_km[0], axis=1)
    wobble = float((np.linalg.norm(track.table_km[1], axis=1)
                    + np.linalg.norm(track.table_km[2], axis=1)).max()) + 1e-3
    w = 1 + math.ceil(track.phase_rate_rad_s * step_s / (TWO_PI / n))
    shifted = np.stack([np.roll(radius, -q) for q in range(w + 1)])
    rmin = shifted.min(axis=0) - wobble - pad_km
    rmax = shifted.max(axis=0) + wobble + pad_km
    return np.asarray((rmin <= band_hi) & (rmax >= band_lo))


def _shell_intra(
    plan: ScreeningPlan, s: int, track: ShellTrack, k0: int, k1: int
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Conjunctions between satellites of one shell in steps ``[k0, k1)``, by symmetry."""
    ps = plan.shells[s]
    h = plan.step_s
    thr = plan.threshold_km
    t_lo, t_hi = (k0 - 1) * h, (k1 + 1) * h  # reference time
    omega = track.perigee_rate_rad_s * (ps.offset_s + 0.5 * (t_lo + t_hi))
    lower = track.ideal_lower_bounds(omega)
    lower[0] = np.inf
    minima = offset_minima(track, np.flatnonzero(lower < thr + 0.01), thr + 0.01, omega)
    empty = (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) * 3
    if minima.offset.size == 0:
        return empty
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
    key = np.round(t / DUPLICATE_TCA_S).astype(np.int64)
    order = np.lexsort((t, hi_i, lo_i))
    lo_i, hi_i, t, key = lo_i[order], hi_i[order], t[order], key[order]
    dup = np.zeros(t.size, bool)
    dup[1:] = (lo_i[1:] == lo_i[:-1]) & (hi_i[1:] == hi_i[:-1]) & (np.abs(t[1:] - t[:-1]) < 1.0)
    lo_i, hi_i, t = lo_i[~dup], hi_i[~dup], t[~dup]
    # refine on the exact symmetric states (SGP4 to ~1e-8 km): Newton on d . w = 0
    for _ in range(8):
        pa, va = track.states_at(t + ps.offset_s, lo_i)
        pb, vb = track.states_at(t + ps.offset_s, hi_i)
        d, w = pb - pa, vb - va
        step = -np.einsum("ic,ic->i", d, w) / np.einsum("ic,ic->i", w, w)
        t = t + np.clip(step, -h, h)
        if np.all(np.abs(step) < 1e-7):
            break
    pa, va = track.states_at(t + ps.offset_s, lo_i)
    pb, vb = track.states_at(t + ps.offset_s, hi_i)
    miss = np.linalg.norm(pb - pa, axis=1)
    speed = np.linalg.norm(vb - va, axis=1)
    return lo_i + ps.first, hi_i + ps.first, t, miss, speed


# -- assembling ----------------------------------------------------------------------------


def merge_windows(plan: ScreeningPlan, parts: Sequence[WindowResult]) -> tuple[
        IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Concatenate window results, merge duplicates and sort by (TCA, pair)."""
    if not parts:
        z = np.zeros(0)
        return z.astype(np.int64), z.astype(np.int64), z, z, z
    i = np.concatenate([p.i for p in parts])
    j = np.concatenate([p.j for p in parts])
    tca = np.concatenate([p.tca_s for p in parts])
    miss = np.concatenate([p.miss_km for p in parts])
    speed = np.concatenate([p.speed_km_s for p in parts])
    order = np.lexsort((tca, j, i))
    i, j, tca, miss, speed = i[order], j[order], tca[order], miss[order], speed[order]
    dup = np.zeros(i.size, bool)
    dup[1:] = (i[1:] == i[:-1]) & (j[1:] == j[:-1]) & (np.abs(tca[1:] - tca[:-1]) < DUPLICATE_TCA_S)
    i, j, tca, miss, speed = i[~dup], j[~dup], tca[~dup], miss[~dup], speed[~dup]
    order = np.lexsort((j, i, tca))
    return i[order], j[order], tca[order], miss[order], speed[order]


def screen(
    population: Any,
    against: Any = None,
    *,
    start: datetime,
    hours: float,
    threshold_km: float,
    step_s: float | None = None,
    backend: str = "auto",
    sigma_km: float = 0.2,
    hbr_m: float = 20.0,
    pc_method: str = "foster",
    window_hours: float = 6.0,
    use_symmetry: bool = True,
    dask_client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScreeningResult:
    """Screen a population against itself and, optionally, against another set.

    Parameters
    ----------
    population : Population, ObjectCatalog, WalkerShell(s), GpeSet or list of Satrec
        The objects whose conjunctions are wanted (a constellation). Walker shells are
        screened against themselves by symmetry.
    against : same types, optional
        A second set (background catalog); its objects are paired with the population only.
    start : datetime
        Window start (UTC); also the element epoch of shells given as ``WalkerShell``.
    hours : float [h]
        Window length.
    threshold_km : float [km]
        Report closest approaches below this miss distance.
    step_s : float [s], optional
        Sampling step (default 60 s).
    backend : {"auto", "heyoka", "sgp4"}
        Propagation backend for catalog objects (TCAs are always refined with python-sgp4).
    sigma_km : float [km]
        Combined 1-sigma relative position uncertainty per encounter-plane axis.
    hbr_m : float [m]
        Combined hard-body radius.
    pc_method : {"foster", "small-hbr"}
        ``"foster"``: Foster's encounter-plane integral for the isotropic covariance
        ``sigma^2 I``, evaluated exactly (:func:`~orbitdc.screening.probability.pc_isotropic`);
        ``"small-hbr"``: the density-times-area approximation.
    window_hours : float [h]
        Length of the independent sub-windows (the unit of Dask tasks).
    use_symmetry : bool
        Screen Walker shells by symmetry (else as plain catalogs).
    dask_client : dask.distributed.Client, optional
        Run the sub-windows as tasks on this client's cluster.
    progress : callable, optional
        ``progress(steps_done, steps_total)``.

    Returns
    -------
    ScreeningResult
    """
    if pc_method not in PC_METHODS:
        raise InputError("pc_method", pc_method, "must be one of: " + ", ".join(PC_METHODS))
    require_range("sigma_km", sigma_km, gt=0.0)
    require_range("hbr_m", hbr_m, gt=0.0)
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    pop = _as_population(population, start, "population")
    bg = _as_population(against, start, "against")
    if len(pop) == 0:
        raise InputError("population", 0, "must hold at least one object")
    t0 = time.perf_counter()
    plan, self_sep, counters = plan_screening(
        pop, bg, start=start, hours=hours, threshold_km=threshold_km, step_s=step_s,
        backend=backend, window_hours=window_hours, use_symmetry=use_symmetry,
    )
    if dask_client is not None:
        from orbitdc.screening.distributed import run_windows_dask

        parts = run_windows_dask(dask_client, plan)
        if progress is not None:
            progress(plan.n_steps, plan.n_steps)
    else:
        parts = []
        done = [0]

        def tick(k: int) -> None:
            done[0] += k
            if progress is not None:
                progress(done[0], plan.n_steps)

        for w in range(len(plan.windows)):
            parts.append(screen_window(plan, w, tick))
    i, j, tca, miss, speed = merge_windows(plan, parts)
    hbr_km = hbr_m / 1000.0
    if pc_method == "foster":
        pc = pc_isotropic(miss, sigma_km, hbr_km)
    else:
        pc = pc_small_hbr(miss, sigma_km, hbr_km)
    out = np.zeros(i.size, dtype=CONJUNCTION_DTYPE)
    sec_j = plan.secondary[j]
    out["i"] = plan.source[i]
    out["j"] = plan.source[j]
    out["kind"] = np.where(sec_j, KIND_BACKGROUND, KIND_INTRA)
    out["tca_s"] = tca
    out["miss_km"] = miss
    out["speed_km_s"] = speed
    out["pc"] = pc
    # primary-primary pairs: smaller population index first
    swap = ~sec_j & (out["i"] > out["j"])
    out["i"], out["j"] = np.where(swap, out["j"], out["i"]), np.where(swap, out["i"], out["j"])
    stats: dict[str, Any] = dict(counters)
    for p in parts:
        for key, val in p.stats.items():
            stats[key] = stats.get(key, 0.0) + val
    stats["t_total_s"] = time.perf_counter() - t0
    stats["n_windows"] = len(plan.windows)
    return ScreeningResult(
        conjunctions=out, population=pop, against=bg, start=start, hours=float(hours),
        threshold_km=float(threshold_km), sigma_km=float(sigma_km), hbr_km=hbr_km,
        pc_method=("Foster (isotropic encounter-plane covariance, exact)" if pc_method == "foster"
                   else "small hard-body approximation"),
        step_s=plan.step_s, backend=plan.backend, self_separation_km=self_sep, stats=stats,
    )


def window_bounds(start: datetime, plan: ScreeningPlan) -> list[tuple[datetime, datetime]]:
    """UTC bounds of the plan's sub-windows."""
    return [(start + timedelta(seconds=a * plan.step_s),
             start + timedelta(seconds=min(b * plan.step_s, plan.window_s)))
            for a, b in plan.windows]
