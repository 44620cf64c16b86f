"""What a collision leaves behind: fragments >= 10 cm, and how long they stay.

**Which part breaks.** A satellite is a few convex parts (bus, array strip, radiator strip,
:meth:`orbitdc.sizing.satellite.SatelliteDesign.parts`). A projectile hits part ``c`` with the
probability of that part's share of the collision cross-section (mean Minkowski areas,
:mod:`orbitdc.collision.geometry`). A bus hit engages the whole satellite. The wings are
membranes of ~1-3 kg/m^2 that a projectile perforates: only the membrane around the hole takes
part, ``m = sigma_A pi (k r_p)^2`` (at most one wing), with ``r_p`` the projectile's mean radius
and ``k`` the hole-to-projectile diameter ratio of hypervelocity perforation of thin sheets
(``models/debris_environment.csv``) [2]_. Whether the collision is catastrophic (40 J/g) is judged
between the two engaged masses, and the fragment count follows eq. 4 of Johnson et al. [1]_ with
``M = m1 + m2`` (catastrophic) or ``M = m_small v^2`` (not; below the 40 J/g threshold this is
always less than ``m1 + m2``, so a cratering event never makes more fragments than shattering
both engaged masses).

**Which projectile.** Tracked objects are intact objects (payloads and rocket bodies, with their
catalogue masses) or catalogued fragments of 10 cm-1 m, in the altitude bin's own mix;
untracked objects >= 10 cm are fragments of 10 cm up to ``untracked_max_length_m`` (20 cm)
(:mod:`orbitdc.environment.debris`).

**How long fragments stay.** The fragments of a breakup at altitude ``h`` are the quadrature
points of :func:`orbitdc.collision.breakup.fragment_cloud` (size, A/M, velocity kick); each kick
gives an eccentric orbit (:func:`~orbitdc.collision.breakup.fragment_orbits`), its equivalent
circular altitude (:mod:`orbitdc.environment.eccentric`) and then its lifetime with its own
``BC = (M/A) / c_D`` through the solar cycle. The mean over the points is the expected
fragment-years per fragment: it averages the lifetime over the A/M distribution (``E[M/A] ~ 21
kg/m^2``, not ``1 / median A/M ~ 8``) and spreads the cloud over altitude by its delta-v.

Partners that are a population (catalogued or untracked fragments) enter through their mass
distribution (quantiles of the breakup model's fragment cloud), through both the 40 J/g test
and eq. 4, not through one effective mass.

References
----------
.. [1] Johnson, N. L., Krisko, P. H., Liou, J.-C. and Anz-Meador, P. D., "NASA's new breakup
   model of EVOLVE 4.0", Adv. Space Res. 28(9), 1377-1384, 2001.
.. [2] Christiansen, E. L., *Meteoroid/Debris Shielding*, NASA TP-2003-210788, 2003 (hole
   diameters in thin bumpers: a few projectile diameters at hypervelocity).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitdc.collision import breakup
from orbitdc.collision.geometry import ConvexPart, pair_matrix_m2, sphere
from orbitdc.constants import R_EARTH_KM
from orbitdc.environment.decay import ENTRY_ALTITUDE_KM, lifetime_years
from orbitdc.environment.eccentric import equivalent_circular_altitude_km

FloatArray = NDArray[np.float64]

#: Characteristic length of the fragments the debris index counts [m] (trackable, >= 10 cm).
FRAGMENT_LENGTH_M = 0.10


@dataclass(frozen=True)
class Breakup:
    """Expected outcome of one collision of a body with a projectile.

    Attributes
    ----------
    fragments : float [-]
        Expected fragments >= 10 cm.
    catastrophic_probability : float [-]
        Probability that the part hit breaks up as a whole (>= 40 J/g against the part's mass:
        the bus, i.e. the satellite, or a whole wing). A projectile that shatters only the
        membrane around its hole makes fragments but leaves the wing in place.
    """

    fragments: float
    catastrophic_probability: float


def _engaged_mass_kg(part: ConvexPart, other: ConvexPart, hole_ratio: float) -> float:
    """Mass of ``part`` a collision with ``other`` engages [kg] (module docstring)."""
    if part.areal_density_kg_m2 <= 0.0:
        return part.mass_kg
    hole = part.areal_density_kg_m2 * math.pi * (hole_ratio * other.mean_radius_m) ** 2
    return min(part.mass_kg, hole)


def expected_fragments(
    body: Sequence[ConvexPart],
    projectile: Sequence[ConvexPart],
    velocity_km_s: float,
    length_m: float = FRAGMENT_LENGTH_M,
    *,
    hole_ratio: float = 3.0,
    projectile_weights: Sequence[float] | None = None,
) -> Breakup:
    """Fragments >= ``length_m`` of a collision between a body and a projectile.

    Every (part of ``body``, part of ``projectile``) pair is hit with probability proportional
    to its mean collision cross-section; the masses each engages (a membrane only around the
    hole, ``hole_ratio`` times the other's diameter) enter the NASA breakup model. With
    ``projectile_weights`` the projectile's parts are alternatives (a population's mass
    distribution, weights summing to 1), not one assembly: the result is their weighted mean.
    """
    if projectile_weights is not None:
        outcomes = [expected_fragments(body, [q], velocity_km_s, length_m,
                                       hole_ratio=hole_ratio)
                    for q in projectile]
        w = np.asarray(projectile_weights, dtype=float)
        return Breakup(float(np.dot(w, [o.fragments for o in outcomes])),
                       float(np.dot(w, [o.catastrophic_probability for o in outcomes])))
    shares = pair_matrix_m2(body, projectile)
    shares = shares / shares.sum()
    m1 = np.array([[_engaged_mass_kg(a, b, hole_ratio) for b in projectile] for a in body])
    m2 = np.array([[_engaged_mass_kg(b, a, hole_ratio) for b in projectile] for a in body])
    # A non-catastrophic count never exceeds the catastrophic count of the two engaged masses
    # (0.5 m_s v^2 / m_l < 40 J/g gives m_s v^2 [km/s] < 0.08 m_l): mass is conserved as is.
    n = breakup.fragments_larger_than(length_m, m1, m2, velocity_km_s)
    # the part breaks up only when the whole part is engaged (a perforated membrane stays)
    whole = m1 >= np.array([[a.mass_kg for _ in projectile] for a in body])
    cat = breakup.is_catastrophic(m1, m2, velocity_km_s) & whole
    return Breakup(float(np.sum(shares * n)), float(np.sum(shares * cat)))


@functools.lru_cache(maxsize=8)
def fragment_population(min_length_m: float, max_length_m: float,
                        quantiles: int = 32) -> tuple[tuple[ConvexPart, ...], tuple[float, ...]]:
    """A population of fragments as partners: ``quantiles`` equal-weight masses and sizes.

    Mass quantiles of the breakup model's fragment cloud between the two sizes, each a sphere
    of the characteristic length of the fragments nearest that mass.
    """
    cloud = breakup.fragment_cloud(min_length_m, max_length_m)
    mass = breakup.fragment_area_m2(cloud.length_m) / cloud.area_to_mass_m2_kg
    order = np.argsort(mass)
    groups = np.array_split(order, quantiles)
    parts = tuple(sphere(0.5 * float(np.mean(cloud.length_m[g])), float(np.mean(mass[g])),
                         "fragment") for g in groups)
    return parts, tuple(float(g.size) / mass.size for g in groups)


@functools.lru_cache(maxsize=256)
def _fragment_life(
    altitude_km: float,
    drag_coefficient: float,
    activity: str,
    model: str,
    directory: str | None,
    start_years: tuple[int, ...],
) -> tuple[FloatArray, FloatArray]:
    """Per quadrature point: lifetime [yr] and equivalent circular altitude [km]."""
    cloud = breakup.fragment_cloud(FRAGMENT_LENGTH_M)
    orbits = breakup.fragment_orbits(altitude_km, cloud, R_EARTH_KM)
    # the eccentricity is resolved in a reference constant atmosphere; the solar cycle then
    # acts on the equivalent circular orbit
    reference = activity if activity != "cycle" else "moderate"
    h_eq = equivalent_circular_altitude_km(orbits.perigee_km, orbits.apogee_km, reference,
                                           model, directory)
    bc = cloud.mass_per_area_kg_m2 / drag_coefficient
    gone = h_eq <= ENTRY_ALTITUDE_KM
    h = np.where(gone, ENTRY_ALTITUDE_KM + 1.0, h_eq)
    if activity == "cycle":
        life = np.mean([lifetime_years(h, bc, "cycle", model, directory, start_year=y)
                        for y in start_years], axis=0)
    else:
        life = lifetime_years(h, bc, activity, model, directory)
    return np.asarray(np.where(gone, 0.0, life), dtype=float), np.asarray(h_eq, dtype=float)


def fragment_years_per_fragment(
    altitude_km: float,
    drag_coefficient: float,
    activity: str,
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    start_years: Sequence[int] = (),
) -> float:
    """Expected residence time of one fragment >= 10 cm of a breakup at ``altitude_km`` [yr].

    The mean lifetime over the fragment cloud (A/M and delta-v distributions), each fragment on
    its own eccentric orbit, through the solar cycle averaged over ``start_years`` when
    ``activity == "cycle"``.
    """
    folder = None if directory is None else os.fspath(directory)
    life, _ = _fragment_life(float(altitude_km), float(drag_coefficient), activity, model,
                             folder, tuple(int(y) for y in start_years))
    return float(np.mean(life))


def fragment_exposure(
    altitude_km: float,
    drag_coefficient: float,
    activity: str,
    density_per_km3: FloatArray,
    bin_lower_km: FloatArray,
    bin_width_km: float,
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    start_years: Sequence[int] = (),
) -> float:
    """Mean over the cloud of ``lifetime x n(h_eq)`` [yr / km^3] (environmental index).

    The density of targets a fragment meets over its life.

    ``density_per_km3`` per altitude bin (``bin_lower_km``, width ``bin_width_km``) is read at
    each fragment's equivalent circular altitude (0 outside the bins).
    """
    folder = None if directory is None else os.fspath(directory)
    life, h_eq = _fragment_life(float(altitude_km), float(drag_coefficient), activity, model,
                                folder, tuple(int(y) for y in start_years))
    idx = np.floor((h_eq - bin_lower_km[0]) / bin_width_km).astype(int)
    inside = (idx >= 0) & (idx < bin_lower_km.size)
    n = np.where(inside, np.asarray(density_per_km3)[np.clip(idx, 0, bin_lower_km.size - 1)],
                 0.0)
    return float(np.mean(life * n))
