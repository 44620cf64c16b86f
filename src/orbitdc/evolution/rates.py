"""Rate tensors of the species model, computed once per run.

**Collisions** (kinetic gas, Kessler [1]_; the form of MOCAT-SSEM [2]_). In bin ``k`` of volume
``V_k`` the objects of species ``i`` and ``j`` collide

``C_ijk = gamma_ij sigma_ij v_ij / V_k  n_ik n_jk``  per year  (``1/2`` of it when ``i = j``),

with ``sigma_ij`` the mean collision cross-section of the two bodies (convex parts,
:mod:`orbitdc.collision.geometry`; ``pi (r_i + r_j)^2`` for spheres), ``v_ij`` the larger of
the two species' mean relative velocities (MASTER via ECSS, 10 km/s at low and 13 km/s at
high inclination, as the risk model) and ``gamma_ij`` the share of encounters that is not
avoided:

* a maneuvering species against a tracked one: the residual share of the operator's
  encounter model at the probability threshold, ``<int_{d*} Pc 2 pi d dd> / (pi R^2)``
  (:func:`orbitdc.risk.maneuvers.residual_area_km2`, decisions on the hard-body sphere);
* two maneuvering species: the same, times the coordinated-shell floor ``1 - (1 - f)^2`` (one
  of the two cannot take part; :func:`orbitdc.risk.model.coordination_factor`);
* members of one plan shell: the risk model's intra-shell coefficient ``k N^2`` (thin shell,
  coordination factor) instead of the kinetic gas over the bin;
* anything else: 1.

A plan satellite meets every background object as the risk model does: as a sphere of the
background hard-body radius (NASA CARA's 1.1 m default), so both give the same collision rates
against today's environment.

**Outcomes** (NASA standard breakup model, component level, as
:func:`orbitdc.risk.consequences.expected_fragments`): the pair of parts hit is drawn by its
share of the cross-section; the collision is catastrophic when the energy over the larger part's
mass reaches 40 J/g, judged between the masses each part engages (a wing only the membrane
around the hole, the risk model's membrane model); the object is destroyed when the part hit is
its whole body (a bus, a sphere) and the collision is catastrophic, or when it is the lighter of
a cratering pair (a perforated wing stays; it is catastrophic only when engaged whole).
Fragment species meet others through their mass quantiles. Fragments
>= 10 cm: ``0.1 M^0.75 L_c^-1.71``.

**Drag** moves a species down the bins at the rate ``1 / tau_k`` out of bin ``k``,
``tau_k = BC (T_y(h_k+1) - T_y(h_k))`` in calendar year ``y``
(:func:`orbitdc.environment.decay.decay_time_per_bc_years`: the risk model's atmosphere and
solar cycle); the bottom bin's outflow re-enters.

References
----------
.. [1] Kessler, D. J., "Collisional cascading: the limits of population growth in low Earth
   orbit", Adv. Space Res. 11(12), 63-66, 1991.
.. [2] D'Ambrosio, A., Lifson, M. and Linares, R., "The capacity of low Earth orbit computed
   using source-sink modeling", arXiv:2206.05345, 2022.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from orbitdc.collision import breakup
from orbitdc.collision.geometry import ConvexPart, pair_matrix_m2, sphere
from orbitdc.constants import SECONDS_PER_YEAR
from orbitdc.environment.decay import decay_time_per_bc_years
from orbitdc.evolution.fragments import FRAGMENT_LENGTH_M
from orbitdc.evolution.grid import AltitudeGrid
from orbitdc.evolution.species import Species
from orbitdc.risk import maneuvers
from orbitdc.risk.consequences import _engaged_mass_kg
from orbitdc.risk.maneuvers import EncounterModel

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Avoidance:
    """How maneuvering species avoid tracked objects (the risk model's settings).

    Attributes
    ----------
    encounter : EncounterModel
        Encounter-plane position errors of the operators.
    pc_threshold : float [-]
    coordinated_floor : float [-]
        Share of pairs of maneuvering objects where one cannot take part, ``1 - (1 - f)^2``.
    background_radius_m : float [m]
        Radius of a background object as a plan satellite's partner (NASA CARA default).
    membrane_hole_ratio : float [-]
        Hole-to-projectile diameter ratio of a perforated wing (the risk model's).
    """

    encounter: EncounterModel
    pc_threshold: float
    coordinated_floor: float
    background_radius_m: float
    membrane_hole_ratio: float = 3.0


@dataclass(frozen=True, eq=False)
class CollisionTerms:
    """Every colliding pair of species and its rates and outcomes per bin.

    Attributes
    ----------
    first, second : int arrays (P,)
        Species of each pair (``first <= second``).
    rate : array (P, B) [1/yr]
        Collisions per year per object of ``first`` and object of ``second`` (the ``1/2`` of
        identical objects included; members of one plan shell: the intra-shell ``k``).
    fragments : array (P, B) [-]
        Expected fragments >= 10 cm per collision.
    catastrophic : array (P, B) [-]
        Probability that a collision is catastrophic.
    remove_first, remove_second : arrays (P, B) [-]
        Probability that the collision destroys the object of each species.
    """

    first: IntArray
    second: IntArray
    rate: FloatArray
    fragments: FloatArray
    catastrophic: FloatArray
    remove_first: FloatArray
    remove_second: FloatArray


def _body(sp: Species, seen_by: Species, avoid: Avoidance
          ) -> tuple[list[ConvexPart], FloatArray, NDArray[np.bool_], float]:
    """Parts, part masses (n, B), whole-body flags and hard-body radius of ``sp``.

    As ``seen_by`` meets it: a plan satellite meets every background object as the background
    sphere (the risk model's convention).
    """
    if seen_by.origin == "plan" and sp.origin == "background":
        return ([sphere(avoid.background_radius_m)], sp.mass_kg[None, :], np.array([True]),
                avoid.background_radius_m)
    return (list(sp.parts), sp.part_mass_kg, np.array(sp.whole, dtype=bool),
            sp.hard_body_radius_m)


def _residual_share(avoid: Avoidance, hbr_m: float, sigma_m2: float) -> float:
    radius_km = math.sqrt(sigma_m2 / math.pi) / 1e3
    area = maneuvers.residual_area_km2(avoid.encounter, hbr_m / 1e3, avoid.pc_threshold,
                                       radius_km)
    return float(min(1.0, area / (math.pi * radius_km**2)))


Alternative = tuple[list[ConvexPart], FloatArray, NDArray[np.bool_], float]


def _alternatives(sp: Species, seen_by: Species, avoid: Avoidance) -> list[Alternative]:
    """What an object of ``sp`` is as a breakup partner.

    ``(parts, part masses (n, B), whole flags, weight)`` alternatives: one assembly, or a
    fragment species' mass quantiles.
    """
    if sp.population is not None:
        quantiles, weights = sp.population
        return [([p], np.full((1, sp.part_mass_kg.shape[1]), p.mass_kg), np.array([True]), w)
                for p, w in zip(quantiles, weights, strict=True)]
    body, masses, whole, _ = _body(sp, seen_by, avoid)
    return [(body, masses, whole, 1.0)]


def _outcomes(first: list[Alternative], second: list[Alternative], v: float, hole: float,
              n_bins: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per bin: fragments >= 10 cm, catastrophic probability, destruction of each object.

    Averaged over the part pairs hit and the partners' alternatives, with the risk model's
    breakup (:func:`orbitdc.risk.consequences.expected_fragments`): a wing engages only the
    membrane around the hole, and a collision counts as catastrophic when a part engaged whole
    reaches 40 J/g. An object is destroyed when the part hit is its whole body (a bus, a sphere) and
    the collision is catastrophic, or when it is the lighter of a cratering pair.
    """
    frag = np.zeros(n_bins)
    cat = np.zeros(n_bins)
    rem_a = np.zeros(n_bins)
    rem_b = np.zeros(n_bins)
    cache: dict[tuple[float, ...], tuple[float, float, float, float]] = {}
    for parts_a, mass_a, whole_a, w_a in first:
        for parts_b, mass_b, whole_b, w_b in second:
            shares = pair_matrix_m2(parts_a, parts_b)
            shares = shares / shares.sum()
            for k in range(n_bins):
                key = (id(parts_a), id(parts_b), *mass_a[:, k], *mass_b[:, k])
                if key not in cache:
                    pa = [replace(p, mass_kg=float(m)) for p, m in zip(parts_a, mass_a[:, k],
                                                                       strict=True)]
                    pb = [replace(p, mass_kg=float(m)) for p, m in zip(parts_b, mass_b[:, k],
                                                                       strict=True)]
                    m1 = np.array([[_engaged_mass_kg(x, y, hole) for y in pb] for x in pa])
                    m2 = np.array([[_engaged_mass_kg(y, x, hole) for y in pb] for x in pa])
                    n = breakup.fragments_larger_than(FRAGMENT_LENGTH_M, m1, m2, v)
                    c = breakup.is_catastrophic(m1, m2, v)
                    # a part breaks up only when it is engaged whole (a perforated membrane
                    # stays), as the risk model counts catastrophic collisions
                    whole_part = m1 >= np.array([[p.mass_kg] for p in pa])
                    ra = whole_a[:, None] & (c | (m1 < m2))
                    rb = whole_b[None, :] & (c | (m2 <= m1))
                    cache[key] = (float(np.sum(shares * n)),
                                  float(np.sum(shares * (c & whole_part))),
                                  float(np.sum(shares * ra)), float(np.sum(shares * rb)))
                f_, c_, a_, b_ = cache[key]
                w = w_a * w_b
                frag[k] += w * f_
                cat[k] += w * c_
                rem_a[k] += w * a_
                rem_b[k] += w * b_
    return frag, cat, rem_a, rem_b


def collision_terms(species: list[Species], grid: AltitudeGrid,
                    avoid: Avoidance) -> CollisionTerms:
    """Pairs, rates and outcomes of ``species`` on ``grid`` (module notes)."""
    n = len(species)
    volume = grid.volume_km3
    rows: dict[str, list[FloatArray]] = {k: [] for k in (
        "rate", "fragments", "catastrophic", "remove_first", "remove_second")}
    first, second = [], []
    for i in range(n):
        for j in range(i, n):
            a, b = species[i], species[j]
            parts_a, mass_a, whole_a, hbr_a = _body(a, b, avoid)
            parts_b, mass_b, whole_b, hbr_b = _body(b, a, avoid)
            shares = pair_matrix_m2(parts_a, parts_b)
            sigma = float(shares.sum())
            if i == j and a.intra_k_per_year is not None:
                v = a.intra_velocity_km_s
                k_rate = np.full(grid.size, float(a.intra_k_per_year))
            else:
                v = max(a.velocity_km_s, b.velocity_km_s)
                if a.maneuverable and b.maneuverable:
                    gamma = avoid.coordinated_floor * _residual_share(avoid, hbr_a + hbr_b, sigma)
                elif (a.maneuverable and b.tracked) or (b.maneuverable and a.tracked):
                    gamma = _residual_share(avoid, hbr_a + hbr_b, sigma)
                else:
                    gamma = 1.0
                half = 0.5 if i == j else 1.0
                k_rate = half * gamma * sigma * 1e-6 * v * SECONDS_PER_YEAR / volume
            out = _outcomes(_alternatives(a, b, avoid), _alternatives(b, a, avoid), v,
                            avoid.membrane_hole_ratio, grid.size)
            first.append(i)
            second.append(j)
            rows["rate"].append(np.asarray(k_rate, dtype=float))
            for key, values in zip(("fragments", "catastrophic", "remove_first",
                                    "remove_second"), out, strict=True):
                rows[key].append(values)
    return CollisionTerms(np.array(first, dtype=np.intp), np.array(second, dtype=np.intp),
                          *(np.array(rows[k], dtype=float) for k in (
                              "rate", "fragments", "catastrophic", "remove_first",
                              "remove_second")))


@dataclass(frozen=True, eq=False)
class StepOperators:
    """Exponential-integrator matrices of the linear part, per species and per year row.

    For ``M = dt A_s`` (drag chain and mission-end loss of species ``s``):
    ``E = exp(M)``, ``phi1 = M^-1 (E - I)``, ``phi2 = M^-2 (E - I - M)`` (the ETD2 scheme of
    Cox and Matthews [3]_), from one matrix exponential of the augmented matrix
    ``[[M, I, 0], [0, 0, I], [0, 0, 0]]`` (Higham, *Functions of Matrices*, 2008, sec. 10.7).

    Attributes
    ----------
    exp, phi1, phi2 : arrays (R, S, B, B)
    row_of_year : int array (Y,)
        Row of each simulated year.
    decay_rates : array (R, S, B) [1/yr]
        Drag outflow rate of each bin (0 for species that hold their altitude).

    References
    ----------
    .. [3] Cox, S. M. and Matthews, P. C., "Exponential time differencing for stiff systems",
       J. Comput. Phys. 176, 430-455, 2002.
    """

    exp: FloatArray
    phi1: FloatArray
    phi2: FloatArray
    row_of_year: IntArray
    decay_rates: FloatArray


def drag_rates(species: list[Species], grid: AltitudeGrid, years: IntArray, activity: str,
               atmosphere: str, models_dir: str | os.PathLike[str] | None
               ) -> tuple[FloatArray, IntArray]:
    """Outflow rates ``1/tau`` per (row, species, bin) and the row of each year [1/yr]."""
    edges = grid.edges_km
    if activity == "cycle":
        t = decay_time_per_bc_years(edges[None, :], activity, atmosphere, models_dir,
                                    years[:, None])
        rows, inverse = np.unique(np.round(t, 12), axis=0, return_inverse=True)
        t, row_of_year = rows, np.asarray(inverse, dtype=np.intp).ravel()
    else:
        t = decay_time_per_bc_years(edges, activity, atmosphere, models_dir)[None, :]
        row_of_year = np.zeros(years.size, dtype=np.intp)
    crossing = np.diff(t, axis=1)  # (R, B) [yr m^2/kg]
    out = np.zeros((t.shape[0], len(species), grid.size))
    for s, sp in enumerate(species):
        if sp.drag:
            assert sp.ballistic_coefficient_kg_m2 is not None
            out[:, s, :] = 1.0 / (sp.ballistic_coefficient_kg_m2 * crossing)
    return out, row_of_year


def _expm(m: FloatArray) -> FloatArray:
    """``exp(m)`` by scaling and squaring with a degree-16 Taylor polynomial.

    Plain matrix products: LAPACK's threaded solves (used by :func:`scipy.linalg.expm`) cost
    a hundred times more on these 36 x 36 matrices on a busy two-core machine. With
    ``||m / 2^s||_1 <= 1/4`` the truncation error is below ``(1/4)^17 / 17! ~ 1e-25``.
    """
    norm = float(np.abs(m).sum(axis=0).max())
    squarings = max(0, int(np.ceil(np.log2(norm / 0.25)))) if norm > 0.25 else 0
    a = m / 2.0**squarings
    out = np.eye(m.shape[0])
    term = np.eye(m.shape[0])
    for k in range(1, 17):
        term = term @ a / k
        out = out + term
    for _ in range(squarings):
        out = out @ out
    return out


def _solve_bidiagonal(diag: FloatArray, upper: FloatArray, rhs: FloatArray) -> FloatArray:
    """``X`` with ``M X = rhs`` for ``M = diag(diag) + superdiag(upper)`` (back substitution)."""
    x = np.empty_like(rhs)
    n = diag.size
    x[n - 1] = rhs[n - 1] / diag[n - 1]
    for k in range(n - 2, -1, -1):
        x[k] = (rhs[k] - upper[k] * x[k + 1]) / diag[k]
    return x


def step_operators(species: list[Species], decay: FloatArray, row_of_year: IntArray,
                   dt_years: float) -> StepOperators:
    """ETD2 matrices of every species for each distinct year row (class notes).

    ``A_s`` is upper bidiagonal (bin ``k`` loses ``r_k`` and gains ``r_k+1`` from above) with a
    nonzero diagonal when the species decays or retires, so ``phi1`` and ``phi2`` follow from
    ``E`` by two triangular solves (the inverse of the chain, ``-1/r_k`` above the diagonal, is
    well conditioned); a diagonal species (no drag) is done elementwise, and a species with
    neither drag nor retirement has ``E = I``, ``phi1 = I``, ``phi2 = I/2``.
    """
    n_r, n_s, n_b = decay.shape
    loss = np.array([1.0 / sp.life_years if sp.life_years else 0.0 for sp in species])
    eye = np.eye(n_b)
    exp = np.empty((n_r, n_s, n_b, n_b))
    phi1 = np.empty_like(exp)
    phi2 = np.empty_like(exp)
    for s in range(n_s):
        for r in range(n_r):
            rates = decay[r, s]
            diag = -(rates + loss[s]) * dt_years
            if not rates.any():
                z = diag
                small = np.abs(z) < 1e-8
                zs = np.where(small, 1.0, z)
                e = np.exp(z)
                p1 = np.where(small, 1.0 + z / 2.0, np.expm1(z) / zs)
                p2 = np.where(small, 0.5 + z / 6.0, (np.expm1(z) - z) / zs**2)
                exp[r, s], phi1[r, s], phi2[r, s] = np.diag(e), np.diag(p1), np.diag(p2)
                continue
            m = np.diag(diag)
            m[np.arange(n_b - 1), np.arange(1, n_b)] = rates[1:] * dt_years
            e = _expm(m)
            p1 = _solve_bidiagonal(diag, rates[1:] * dt_years, e - eye)
            exp[r, s], phi1[r, s] = e, p1
            phi2[r, s] = _solve_bidiagonal(diag, rates[1:] * dt_years, p1 - eye)
    return StepOperators(exp, phi1, phi2, row_of_year, decay)
