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

import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec

from orbitdc.collision.probability import pc_isotropic, pc_small_hbr
from orbitdc.constants import WGS72_MU_KM3_S2
from orbitdc.environment.catalog import ObjectCatalog
from orbitdc.errors import InputError, require_range
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation import GpeSet, resolve_backend
from orbitdc.propagation.walker import ShellTrack, self_separation
from orbitdc.screening.bands import (
    catalog_radius_bands,
    overlaps_any,
    overlaps_other,
    shell_radius_band,
)
from orbitdc.screening.broadphase import radius_sagitta_km, sagitta_km
from orbitdc.screening.conjunctions import Conjunctions
from orbitdc.screening.narrowphase import interpolation_error_km
from orbitdc.screening.population import Population, ShellGroup
from orbitdc.screening.result import (
    KIND_BACKGROUND,
    KIND_INTRA,
    ScreeningResult,
    conjunction_table,
)
from orbitdc.screening.window import (
    PlanShell,
    ScreeningPlan,
    WindowResult,
    _seconds_between,
    _track,
    screen_window,
)
from orbitdc.time import as_utc, jd_parts

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

PC_METHODS = ("foster", "small-hbr")


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


@dataclass(frozen=True)
class _Objects:
    """The objects of a screening sorted into catalog objects and symmetric shells.

    Attributes
    ----------
    source : numpy.ndarray of int
        Index of each catalog object in the population (primary) or ``against`` (secondary).
    secondary : numpy.ndarray of bool
    gpes : GpeSet
        Element sets of the catalog objects.
    shells : list of (ShellGroup, int)
        Shells screened by symmetry and the population index of their first satellite.
    """

    source: IntArray
    secondary: BoolArray
    gpes: GpeSet
    shells: list[tuple[ShellGroup, int]]


@dataclass(frozen=True)
class _Bands:
    """Radius bands over the window [km] (see :mod:`~orbitdc.screening.bands`).

    Attributes
    ----------
    lo, hi, ecc : numpy.ndarray
        Catalog objects' bands (``lo = inf`` when SGP4 fails) and largest eccentricity.
    shell_lo, shell_hi : numpy.ndarray
        Shells' bands.
    tracks : list of ShellTrack
    """

    lo: FloatArray
    hi: FloatArray
    ecc: FloatArray
    shell_lo: FloatArray
    shell_hi: FloatArray
    tracks: list[ShellTrack]

    def widened(self, margin_km: float) -> _Bands:
        """The bands widened by ``margin_km`` on each side."""
        return replace(self, lo=self.lo - margin_km, hi=self.hi + margin_km,
                       shell_lo=self.shell_lo - margin_km, shell_hi=self.shell_hi + margin_km)


@dataclass(frozen=True)
class _Pads:
    """Pads of the broad and narrow phases and the grid (see :class:`ScreeningPlan`)."""

    chord_pad_km: FloatArray
    radius_pad_km: FloatArray
    interp_err_km: FloatArray
    cell_km: float
    half_box_km: float
    radius_bin_km: float
    block_steps: int


def _sub_windows(hours: float, step: float, window_hours: float) -> tuple[
        int, tuple[tuple[int, int], ...]]:
    """Steps of the window and its cut into sub-windows of whole steps ``[k0, k1)``."""
    n_steps = math.ceil(hours * 3600.0 / step - 1e-9)
    per_window = max(1, int(round(window_hours * 3600.0 / step)))
    return n_steps, tuple((a, min(a + per_window, n_steps)) for a in range(0, n_steps, per_window))


def _sort_objects(population: Population, against: Population, use_symmetry: bool) -> _Objects:
    """Catalog objects (propagated) and the population's shells (by symmetry)."""
    cat_src: list[IntArray] = []
    cat_sec: list[BoolArray] = []
    cat_gpes: list[GpeSet] = []
    shells: list[tuple[ShellGroup, int]] = []
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
    return _Objects(src, sec_flag, gpes, shells)


def _radius_bands(objects: _Objects, jd: float, jd_frac: float, window_s: float,
                  backend: str) -> _Bands:
    """Radius bands of the catalog objects (sampled SGP4) and of the shells (their tracks)."""
    lo, hi, ecc = catalog_radius_bands(objects.gpes, jd, jd_frac, window_s, backend)
    tracks = [_track(g.shell, g.epoch) for g, _ in objects.shells]
    shell_lo = np.array([shell_radius_band(t)[0] for t in tracks])
    shell_hi = np.array([shell_radius_band(t)[1] for t in tracks])
    return _Bands(lo, hi, ecc, shell_lo, shell_hi, tracks)


def _catalog_needed(objects: _Objects, wide: _Bands) -> BoolArray:
    """Catalog objects whose band meets a possible partner's (``wide``: widened bands)."""
    sec_flag = objects.secondary
    prim = ~sec_flag
    lo_w, hi_w, slo_w, shi_w = wide.lo, wide.hi, wide.shell_lo, wide.shell_hi
    # catalog primaries: another catalog primary, any shell or any secondary
    need = np.zeros(len(objects.gpes), bool)
    need[prim] = (
        overlaps_other(lo_w[prim], hi_w[prim])
        | overlaps_any(lo_w[prim], hi_w[prim], slo_w, shi_w)
        | overlaps_any(lo_w[prim], hi_w[prim], lo_w[sec_flag], hi_w[sec_flag])
    )
    need[sec_flag] = overlaps_any(
        lo_w[sec_flag], hi_w[sec_flag], np.concatenate([lo_w[prim], slo_w]),
        np.concatenate([hi_w[prim], shi_w]),
    )
    return np.asarray(need & np.isfinite(wide.lo))


def _shells_needed(objects: _Objects, wide: _Bands, need: BoolArray,
                   threshold_km: float) -> tuple[BoolArray, list[int], dict[str, float]]:
    """Shells meeting anything but themselves; shells whose own satellites meet.

    ``wide``: the bands widened by half the threshold; ``need``: the catalog objects kept.
    Returns ``(needed, shells with intra conjunctions, self-separation per label [km])``.
    """
    prim = ~objects.secondary
    lo_w, hi_w, slo_w, shi_w = wide.lo, wide.hi, wide.shell_lo, wide.shell_hi
    self_sep: dict[str, float] = {}
    intra: list[int] = []
    shell_need = np.zeros(len(objects.shells), bool)
    for s, (grp, _) in enumerate(objects.shells):
        others_lo = np.concatenate([lo_w[need & prim], np.delete(slo_w, s),
                                    lo_w[need & objects.secondary]])
        others_hi = np.concatenate([hi_w[need & prim], np.delete(shi_w, s),
                                    hi_w[need & objects.secondary]])
        shell_need[s] = bool(overlaps_any(slo_w[s:s + 1], shi_w[s:s + 1], others_lo,
                                           others_hi)[0])
        if grp.shell.total >= 2:
            sep = self_separation(grp.shell, grp.epoch, track=wide.tracks[s]).distance_km
            self_sep[grp.label] = sep
            if sep < threshold_km * 1.001 + 1e-3:
                intra.append(s)
    return shell_need, intra, self_sep


@dataclass(frozen=True)
class _PlanObjects:
    """Plan indices: needed catalog objects (primaries, then secondaries), then shells."""

    gpes: GpeSet
    source: IntArray
    secondary: BoolArray
    group: IntArray
    catalog_count: int
    perigee_km: FloatArray  # lower radius bound of every plan object
    ecc: FloatArray  # largest eccentricity of every plan object
    shells: tuple[PlanShell, ...]
    intra_shells: tuple[int, ...]


def _plan_objects(objects: _Objects, bands: _Bands, need: BoolArray, shell_need: BoolArray,
                  intra: list[int], jd: float, jd_frac: float) -> _PlanObjects:
    """Number the objects to screen: needed catalog objects, then the needed shells."""
    keep = np.flatnonzero(need)
    # primaries first, then secondaries (stable within each)
    keep = keep[np.argsort(objects.secondary[keep], kind="stable")]
    plan_gpes = [objects.gpes.subset(keep).records]
    plan_src = [objects.source[keep]]
    plan_sec = [objects.secondary[keep]]
    plan_group = [np.full(keep.size, -1, np.int64)]
    rp = [bands.lo[keep]]  # band lower edge: a perigee bound (conservative by the band margin)
    ec = [bands.ecc[keep]]
    plan_shells: list[PlanShell] = []
    first = keep.size
    for s, (grp, pop_first) in enumerate(objects.shells):
        if not (shell_need[s] or s in intra):
            continue
        plan_gpes.append(grp.gpes.records)
        plan_src.append(pop_first + np.arange(len(grp), dtype=np.int64))
        plan_sec.append(np.zeros(len(grp), bool))
        plan_group.append(np.full(len(grp), len(plan_shells), np.int64))
        rp.append(np.full(len(grp), bands.shell_lo[s]))
        ec.append(np.zeros(len(grp)))
        ejd, efrac = jd_parts(grp.epoch)
        plan_shells.append(PlanShell(grp, first, _seconds_between(ejd, efrac, jd, jd_frac)))
        first += len(grp)
    intra_plan = tuple(k for k, ps in enumerate(plan_shells)
                       if any(ps.group is objects.shells[s][0] for s in intra))
    return _PlanObjects(
        GpeSet(np.concatenate(plan_gpes)), np.concatenate(plan_src), np.concatenate(plan_sec),
        np.concatenate(plan_group), int(keep.size), np.concatenate(rp), np.concatenate(ec),
        tuple(plan_shells), intra_plan,
    )


def _pads(objs: _PlanObjects, step: float, half: float, max_block_objects: int) -> _Pads:
    """Sagitta and interpolation pads per object, grid cells and block length."""
    r_min = np.maximum(objs.perigee_km, 6378.0 - 100.0)
    e_max = np.clip(objs.ecc, 0.0, 0.99)
    sag = sagitta_km(step, r_min)
    rsag = radius_sagitta_km(step, r_min, e_max)
    interp = 2.0 * interpolation_error_km(step, r_min, e_max) + 1e-3
    # shell states come from one track table per block (ShellSamples): < 1 m more
    interp[objs.catalog_count:] += 1e-3
    chord_pad = sag + half + 1e-3
    radius_pad = rsag + half + 1e-3
    a_km = (WGS72_MU_KM3_S2 / (objs.gpes.records["no_kozai"] / 60.0) ** 2) ** (1.0 / 3.0)
    v_max = np.sqrt(np.clip(WGS72_MU_KM3_S2 * (2.0 / r_min - 1.0 / a_km), 0.0, None))
    n_plan = len(objs.gpes)
    # Grid cells twice the largest box: boxes rarely straddle cells (fewer entries to sort)
    # at the price of more same-cell pairs; measured best on the benchmark (1x, 1.5x, 3x and
    # 15 s sub-step boxes were slower).
    half_box = float((v_max * step / 2.0 + chord_pad).max()) if n_plan else 1.0
    radius_bin = float(max(10.0, 2.0 * radius_pad.max() + 1.0)) if n_plan else 10.0
    block = int(np.clip(max_block_objects // max(n_plan, 1), 1, 240))
    return _Pads(chord_pad, radius_pad, interp, 4.0 * half_box, half_box, radius_bin, block)


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

    Steps: cut the window into sub-windows; sort the objects into catalog objects and shells;
    radius bands; which catalog objects and shells can meet a partner (and which shells meet
    themselves); number the plan's objects; pads and grid.

    Returns ``(plan, shell self-separations, counters)``.
    """
    require_range("hours", hours, gt=0.0, le=24.0 * 366)
    require_range("threshold_km", threshold_km, gt=0.0, le=1000.0)
    step = float(step_s) if step_s is not None else default_step_s(threshold_km)
    require_range("step_s", step, ge=1.0, le=600.0)
    require_range("window_hours", window_hours, gt=0.0)
    backend = resolve_backend(backend)
    start = as_utc(start)
    jd, jd_frac = jd_parts(start)
    window_s = hours * 3600.0
    n_steps, windows = _sub_windows(hours, step, window_hours)
    counters: dict[str, float] = {"n_population": len(population), "n_against": len(against)}
    objects = _sort_objects(population, against, use_symmetry)
    t0 = time.perf_counter()
    bands = _radius_bands(objects, jd, jd_frac, window_s, backend)
    half = threshold_km / 2.0
    wide = bands.widened(half)
    need = _catalog_needed(objects, wide)
    counters["n_unpropagatable"] = int((~np.isfinite(bands.lo)).sum())
    shell_need, intra, self_sep = _shells_needed(objects, wide, need, threshold_km)
    counters["t_plan_s"] = time.perf_counter() - t0
    objs = _plan_objects(objects, bands, need, shell_need, intra, jd, jd_frac)
    pads = _pads(objs, step, half, max_block_objects)
    plan = ScreeningPlan(
        jd=jd, jd_frac=jd_frac, step_s=step, n_steps=n_steps, window_s=window_s,
        windows=windows, threshold_km=float(threshold_km), backend=backend, gpes=objs.gpes,
        source=objs.source, secondary=objs.secondary, group=objs.group,
        catalog_count=objs.catalog_count, shells=objs.shells, chord_pad_km=pads.chord_pad_km,
        radius_pad_km=pads.radius_pad_km, interp_err_km=pads.interp_err_km,
        cell_km=pads.cell_km, half_box_km=pads.half_box_km, radius_bin_km=pads.radius_bin_km,
        block_steps=pads.block_steps, intra_shells=objs.intra_shells,
    )
    counters["n_propagated"] = objs.catalog_count
    counters["n_shell_satellites"] = len(objs.gpes) - objs.catalog_count
    return plan, self_sep, counters


# -- assembling ----------------------------------------------------------------------------


def merge_windows(parts: Sequence[WindowResult]) -> Conjunctions:
    """Concatenate window results, merge copies of one conjunction, sort by (TCA, pair)."""
    return Conjunctions.concat(p.conjunctions for p in parts).dedupe().sorted_by_time()


def _population_table(plan: ScreeningPlan, found: Conjunctions, pc: FloatArray) -> NDArray[
        np.void]:
    """The result table: population indices, kinds, smaller index first between primaries."""
    sec_j = plan.secondary[found.j]
    i, j = plan.source[found.i], plan.source[found.j]
    swap = ~sec_j & (i > j)
    ordered = replace(found, i=np.where(swap, j, i), j=np.where(swap, i, j))
    return conjunction_table(ordered, np.where(sec_j, KIND_BACKGROUND, KIND_INTRA), pc)


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
    threads: int | None = None,
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
        ``sigma^2 I``, evaluated exactly (:func:`~orbitdc.collision.probability.pc_isotropic`);
        ``"small-hbr"``: the density-times-area approximation.
    window_hours : float [h]
        Length of the independent sub-windows (the unit of Dask tasks).
    use_symmetry : bool
        Screen Walker shells by symmetry (else as plain catalogs).
    dask_client : dask.distributed.Client, optional
        Run the sub-windows as tasks on this client's cluster.
    threads : int, optional
        Sub-windows screened at once in this process (default: the number of cores). The
        broad phase is numpy work that releases the GIL, so threads use both cores of a
        laptop without the start-up and transfer cost of processes; the result does not
        depend on it (windows are merged in order).
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
    if threads is not None:
        require_range("threads", threads, ge=1)
    start = as_utc(start)
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
        n_threads = min(threads or os.cpu_count() or 1, len(plan.windows))
        done = [0]
        lock = threading.Lock()

        def tick(k: int) -> None:
            with lock:
                done[0] += k
                if progress is not None:
                    progress(done[0], plan.n_steps)

        if n_threads > 1:
            with ThreadPoolExecutor(n_threads, thread_name_prefix="orbitdc-screen") as pool:
                parts = list(pool.map(lambda w: screen_window(plan, w, tick),
                                      range(len(plan.windows))))
        else:
            parts = [screen_window(plan, w, tick) for w in range(len(plan.windows))]
    found = merge_windows(parts)
    hbr_km = hbr_m / 1000.0
    pc_of = pc_isotropic if pc_method == "foster" else pc_small_hbr
    out = _population_table(plan, found, pc_of(found.miss_km, sigma_km, hbr_km))
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
