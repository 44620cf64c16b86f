"""The species-by-bin source-sink model and its exponential integrator.

State ``n[s, k]``: objects of species ``s`` in altitude bin ``k``; time in years. Per year

``dn/dt = A_s(y) n_s  +  launches(y)  +  transfers(n)  +  collisions(n)``

* ``A_s(y)``: drag down the bins in calendar year ``y`` and, for active species, the end of
  missions at the rate ``1/L`` (:mod:`orbitdc.evolution.rates`);
* launches: the plan's satellites and the background traffic, spread evenly over each year;
* transfers: a retiring active satellite becomes a derelict with the failure probability
  ``p_fail`` (at its altitude), else it starts its disposal (plan satellites: a maneuvering
  object decaying from the disposal orbit; the background's: removed, as MOCAT-SSEM does);
  1-10 cm impacts on the bus disable active satellites into derelicts at the rate
  ``n_1-10cm sigma_bus v``, with the 1-10 cm density of the risk model scaled by the >= 10 cm
  fragments of the bin (small fragments follow large ones);
* collisions: ``C_ijk n_ik n_jk``; destroyed objects leave their species and the fragments
  >= 10 cm enter the fragment species over the bins by their orbits
  (:mod:`orbitdc.evolution.fragments`).

**Integration.** The linear part is stiff (fragments at 200-300 km decay in days), the
collision and transfer terms are slow. Each step of ``dt`` (1/8 yr) is the exponential
time-differencing scheme ETD2 of Cox and Matthews [1]_, exact for the linear part and for
sources constant over the step, second order for the rest:

``u = E n + dt phi1 N(n)``,   ``n' = u + dt phi2 (N(u) - N(n))``,

with ``E = exp(dt A)`` and ``phi1``, ``phi2`` per species and per year's activity
(:class:`orbitdc.evolution.rates.StepOperators`). Every matrix and rate tensor is computed once
per run; a step is a handful of numpy contractions. A leading batch axis runs several
scenarios with the same species at once (the sustainability sensitivities).

**Without feedback** (``feedback=False``) the plan's objects meet today's environment, frozen
at the initial state, and nothing the plan makes is hit: the risk model's assumption, under
which the steady state of the plan's fragments is ``N`` times the debris index per
satellite-year (Little's law; tests/test_evolution.py).

References
----------
.. [1] Cox, S. M. and Matthews, P. C., "Exponential time differencing for stiff systems",
   J. Comput. Phys. 176, 430-455, 2002.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from orbitdc.evolution.fragments import FragmentModel
from orbitdc.evolution.grid import AltitudeGrid
from orbitdc.evolution.rates import (
    Avoidance,
    CollisionTerms,
    StepOperators,
    collision_terms,
    drag_rates,
    step_operators,
)
from orbitdc.evolution.species import Species

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Scenario:
    """What to simulate: species, initial population, launches.

    Attributes
    ----------
    grid : AltitudeGrid
    species : tuple of Species
    fragments : FragmentModel
        Its species are the last ones of ``species``, in its order.
    initial : array (S, B) or (X, S, B) [objects]
    launches : array (T, S, B) or (T, X, S, B) [objects/yr]
        Launches in each simulated year (index 0 = ``start_year``).
    start_year : int
    small_density_per_km3 : array (B,) [1/km^3]
        1-10 cm objects at the start (the risk model's density).
    label : str
    """

    grid: AltitudeGrid
    species: tuple[Species, ...]
    fragments: FragmentModel
    initial: FloatArray
    launches: FloatArray
    start_year: int
    small_density_per_km3: FloatArray
    label: str = ""

    @property
    def years(self) -> int:
        """Simulated years ``T``."""
        return int(self.launches.shape[0])

    def index(self, name: str) -> int:
        """Position of a species."""
        for s, sp in enumerate(self.species):
            if sp.name == name:
                return s
        raise KeyError(name)


@dataclass(frozen=True)
class Physics:
    """Atmosphere, avoidance and numerical settings of a run.

    Attributes
    ----------
    activity : str
        ``"cycle"`` or an ECSS level (the risk model's).
    atmosphere : str
    models_dir : str or None
    avoidance : Avoidance
    time_step_years : float [yr]
        A whole fraction of a year.
    feedback : bool
        ``False``: the plan meets today's environment, frozen (module notes).
    collisions : bool
        ``False``: no collisions at all (drag, launches and transfers only).
    """

    activity: str
    atmosphere: str
    models_dir: str | None
    avoidance: Avoidance
    time_step_years: float = 0.125
    feedback: bool = True
    collisions: bool = True


@dataclass(frozen=True, eq=False)
class EvolutionResult:
    """Populations per species and bin at the start of every year, and collisions.

    Attributes
    ----------
    years : int array (T + 1,)
        Calendar years (1 January), ``start_year .. start_year + T``.
    grid : AltitudeGrid
    species : tuple of Species
    populations : array (T + 1, X, S, B) [objects]
    catastrophic : array (T + 1, X) [collisions]
        Cumulative catastrophic collisions since the start.
    collisions : array (T + 1, X) [collisions]
        Cumulative collisions of every kind.
    wall_s : float [s]
        Build and integration time.
    """

    years: IntArray
    grid: AltitudeGrid
    species: tuple[Species, ...]
    populations: FloatArray
    catastrophic: FloatArray
    collisions: FloatArray
    wall_s: float
    label: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def mask(self, *kinds: str, origin: str | None = None) -> NDArray[np.bool_]:
        """Species of the given kinds (and origin)."""
        return np.array([sp.kind in kinds and (origin is None or sp.origin == origin)
                         for sp in self.species])

    def count(self, *kinds: str, origin: str | None = None) -> FloatArray:
        """Objects of the given kinds per year, copy and bin: (T + 1, X, B)."""
        return np.asarray(self.populations[:, :, self.mask(*kinds, origin=origin), :].sum(
            axis=2), dtype=float)

    def debris(self) -> FloatArray:
        """Objects >= 10 cm nobody controls (fragments, derelicts, rocket bodies): (T+1, X, B)."""
        return self.count("fragment", "derelict", "rocket_body")

    def to_dict(self, copy: int = 0) -> dict[str, Any]:
        """The run as plain data (the ``orbitdc evolve --json`` layout).

        ``years``, ``altitude_bins_km`` (lower edges), ``populations`` (species -> [year][bin]),
        ``total`` ([year]), ``collisions`` ([year] cumulative catastrophic).
        """
        pops = self.populations[:, copy]
        return {
            "label": self.label,
            "years": [int(y) for y in self.years],
            "altitude_bins_km": [float(h) for h in self.grid.lower_km],
            "bin_width_km": self.grid.width_km,
            "species": {sp.name: {"kind": sp.kind, "origin": sp.origin} for sp in self.species},
            "populations": {sp.name: np.round(pops[:, s, :], 6).tolist()
                            for s, sp in enumerate(self.species)},
            "total": [float(v) for v in pops.sum(axis=(1, 2))],
            "collisions": [float(v) for v in self.catastrophic[:, copy]],
            "collisions_all": [float(v) for v in self.collisions[:, copy]],
        }


@dataclass(frozen=True, eq=False)
class _Transfer:
    active: int
    derelict: int | None
    derelict_map: FloatArray
    failure: float
    disposal: int | None
    disposal_map: FloatArray | None
    life: float
    disabling_km3_yr: float


def _derelict_index(scenario: Scenario, sp: Species) -> int | None:
    return None if sp.derelict is None else scenario.index(sp.derelict)


class _Rhs:
    """``N(n)``: everything but the linear drag and mission-end terms (vectorised)."""

    def __init__(self, scenario: Scenario, physics: Physics, terms: CollisionTerms):
        self.s = scenario
        self.terms = terms
        n_s, n_p = len(scenario.species), terms.first.size
        self.first_of = np.zeros((n_s, n_p))
        self.first_of[terms.first, np.arange(n_p)] = 1.0
        self.second_of = np.zeros((n_s, n_p))
        self.second_of[terms.second, np.arange(n_p)] = 1.0
        self.frag = np.array([scenario.index(sp.name) for sp in scenario.fragments.species])
        self.kernel = scenario.fragments.kernel
        self.feedback = physics.feedback
        plan = np.array([sp.origin == "plan" for sp in scenario.species])
        # without feedback: pairs of one plan species and one background species
        mixed = plan[terms.first] != plan[terms.second]
        self.mixed = np.flatnonzero(mixed)
        self.plan_is_first = plan[terms.first[self.mixed]]
        init = scenario.initial if scenario.initial.ndim == 3 else scenario.initial[None]
        self.frozen = np.where(plan[None, :, None], 0.0, init)
        self.frag0 = init[:, self.frag].sum(axis=1)  # (X, B)
        self.small0 = scenario.small_density_per_km3
        self.transfers = []
        grid = scenario.grid
        for s, sp in enumerate(scenario.species):
            if sp.kind != "active" or not sp.life_years:
                continue
            eye = np.eye(grid.size)
            dmap = sp.derelict_map
            self.transfers.append(_Transfer(
                s, _derelict_index(scenario, sp),
                eye if dmap is None else dmap,
                sp.failure_probability,
                None if sp.disposal is None else scenario.index(sp.disposal),
                sp.disposal_map, float(sp.life_years),
                sp.disabling_cross_section_m2 * 1e-6 * sp.velocity_km_s * 3.15576e7))

    def __call__(self, n: FloatArray, launches: FloatArray
                 ) -> tuple[FloatArray, FloatArray, FloatArray]:
        t = self.terms
        out = np.array(np.broadcast_to(launches, n.shape), dtype=float)
        if self.feedback:
            c = t.rate[None] * n[:, t.first] * n[:, t.second]
            out -= np.einsum("sp,xpb->xsb", self.first_of, c * t.remove_first)
            out -= np.einsum("sp,xpb->xsb", self.second_of, c * t.remove_second)
            frags = np.einsum("xpb,pb->xb", c, t.fragments)
            cat = np.einsum("xpb,pb->x", c, t.catastrophic)
            total = c.sum(axis=(1, 2))
            scale = (n[:, self.frag].sum(axis=1) + 1.0) / (self.frag0 + 1.0)
            small = self.small0[None, :] * scale
        else:
            m = self.mixed
            i, j = t.first[m], t.second[m]
            pf = self.plan_is_first[None, :, None]
            plan_n = np.where(pf, n[:, i], n[:, j])
            bg_n = np.where(pf, self.frozen[:, j], self.frozen[:, i])
            c = t.rate[None, m] * plan_n * bg_n
            removed = np.where(pf, t.remove_first[None, m], t.remove_second[None, m]) * c
            plan_species = np.where(self.plan_is_first, i, j)
            for q, s_idx in enumerate(plan_species):
                out[:, s_idx] -= removed[:, q]
            frags = np.einsum("xpb,pb->xb", c, t.fragments[m])
            cat = np.einsum("xpb,pb->x", c, t.catastrophic[m])
            total = c.sum(axis=(1, 2))
            small = np.broadcast_to(self.small0[None, :], (n.shape[0], self.small0.size))
        out[:, self.frag] += np.einsum("xk,kfd->xfd", frags, self.kernel)
        for tr in self.transfers:
            active = n[:, tr.active]
            disabled = tr.disabling_km3_yr * small * active
            out[:, tr.active] -= disabled
            retired = active / tr.life
            if tr.derelict is not None:
                out[:, tr.derelict] += (disabled + tr.failure * retired) @ tr.derelict_map
            if tr.disposal is not None and tr.disposal_map is not None:
                out[:, tr.disposal] += ((1.0 - tr.failure) * retired) @ tr.disposal_map
        return out, cat, total


def _apply(matrix: FloatArray, n: FloatArray) -> FloatArray:
    return np.einsum("sij,xsj->xsi", matrix, n)


def simulate(scenario: Scenario, physics: Physics,
             terms: CollisionTerms | None = None) -> EvolutionResult:
    """Integrate a scenario over its years (module notes).

    ``terms`` replaces the collision tensors computed from the species (tests with analytic
    solutions; comparisons under another model's conventions).

    Returns
    -------
    EvolutionResult
        Populations on 1 January of every year, ``start_year .. start_year + T``.
    """
    tick = time.perf_counter()
    species = list(scenario.species)
    grid: AltitudeGrid = scenario.grid
    n_years = scenario.years
    years = np.arange(scenario.start_year, scenario.start_year + n_years + 1)
    if terms is None:
        terms = collision_terms(species, grid, physics.avoidance)
    if not physics.collisions:
        terms = CollisionTerms(terms.first[:0], terms.second[:0], terms.rate[:0],
                               terms.fragments[:0], terms.catastrophic[:0],
                               terms.remove_first[:0], terms.remove_second[:0])
    decay, row_of_year = drag_rates(species, grid, years[:-1], physics.activity,
                                    physics.atmosphere, physics.models_dir)
    steps = max(1, int(round(1.0 / physics.time_step_years)))
    dt = 1.0 / steps
    ops: StepOperators = step_operators(species, decay, row_of_year, dt)
    rhs = _Rhs(scenario, physics, terms)
    built = time.perf_counter()

    n = np.array(scenario.initial if scenario.initial.ndim == 3 else scenario.initial[None],
                 dtype=float)
    if not physics.feedback:
        plan = np.array([sp.origin == "plan" for sp in species])
        n = np.where(plan[None, :, None], n, 0.0)
    launches = scenario.launches if scenario.launches.ndim == 4 else scenario.launches[:, None]
    if not physics.feedback:
        launches = np.where(plan[None, None, :, None], launches, 0.0)
    x = n.shape[0]
    pops = np.zeros((n_years + 1, x, len(species), grid.size))
    cat_cum = np.zeros((n_years + 1, x))
    all_cum = np.zeros((n_years + 1, x))
    pops[0] = n
    cat_total = np.zeros(x)
    coll_total = np.zeros(x)
    for t in range(n_years):
        row = ops.row_of_year[t]
        e, p1, p2 = ops.exp[row], ops.phi1[row], ops.phi2[row]
        src = launches[t]
        for _ in range(steps):
            n0, c0, a0 = rhs(n, src)
            u = _apply(e, n) + dt * _apply(p1, n0)
            np.maximum(u, 0.0, out=u)
            n1, c1, a1 = rhs(u, src)
            n = u + dt * _apply(p2, n1 - n0)
            np.maximum(n, 0.0, out=n)
            cat_total += 0.5 * dt * (c0 + c1)
            coll_total += 0.5 * dt * (a0 + a1)
        if not np.all(np.isfinite(n)):
            raise FloatingPointError(
                f"{scenario.label or 'evolution'}: populations overflow in {years[t]} (a "
                f"runaway cascade faster than the {dt:g}-year step); use a shorter "
                "time_step_years")
        pops[t + 1] = n
        cat_cum[t + 1] = cat_total
        all_cum[t + 1] = coll_total
    done = time.perf_counter()
    return EvolutionResult(years, grid, tuple(species), pops, cat_cum, all_cum, done - tick,
                           scenario.label, {"build_s": built - tick, "integrate_s": done - built})
