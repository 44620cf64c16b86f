"""What a collision leaves behind: fragments >= 10 cm, and how long they stay.

**Which part breaks.** A satellite is a few convex parts (bus, array strip, radiator strip,
:meth:`orbitdc.sizing.satellite.SatelliteDesign.parts`). A projectile hits part ``c`` with the
probability of that part's share of the collision cross-section (mean Minkowski areas,
:mod:`orbitdc.collision.geometry`). The part's mass is the target mass of the NASA standard
breakup model: a wing hit breaks the wing (one of the pair), a bus hit the whole satellite
(:func:`expected_fragments`). Whether the hit is catastrophic (40 J/g) is judged against that
mass, and the fragment count follows eq. 4 of Johnson et al. [1]_ with ``M = m_target +
m_projectile`` (catastrophic) or ``M = m_projectile v^2`` (not).

**Which projectile.** Tracked objects are intact objects (payloads and rocket bodies, with their
catalogue masses) or fragments in the altitude bin's own mix; untracked objects >= 10 cm are
fragments of about 10 cm (:mod:`orbitdc.environment.debris`).

**How long fragments stay.** The fragments of a breakup at altitude ``h`` are the quadrature
points of :func:`orbitdc.collision.breakup.fragment_cloud` (size, A/M, velocity kick); each kick
gives an eccentric orbit (:func:`~orbitdc.collision.breakup.fragment_orbits`), its equivalent
circular altitude (:mod:`orbitdc.environment.eccentric`) and then its lifetime with its own
``BC = (M/A) / c_D`` through the solar cycle. The mean over the points is the expected
fragment-years per fragment: it averages the lifetime over the A/M distribution (``E[M/A] ~ 21
kg/m^2``, not ``1 / median A/M ~ 8``) and spreads the cloud over altitude by its delta-v.

References
----------
.. [1] Johnson, N. L., Krisko, P. H., Liou, J.-C. and Anz-Meador, P. D., "NASA's new breakup
   model of EVOLVE 4.0", Adv. Space Res. 28(9), 1377-1384, 2001.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitdc.collision import breakup
from orbitdc.collision.geometry import ConvexPart, pair_matrix_m2
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
        Probability that the part hit breaks up catastrophically (>= 40 J/g).
    """

    fragments: float
    catastrophic_probability: float


def expected_fragments(
    body: Sequence[ConvexPart],
    projectile: Sequence[ConvexPart],
    velocity_km_s: float,
    length_m: float = FRAGMENT_LENGTH_M,
) -> Breakup:
    """Fragments >= ``length_m`` of a collision between two assemblies of parts.

    Every (part of ``body``, part of ``projectile``) pair is hit with probability proportional
    to its mean collision cross-section; the pair's two masses enter the NASA breakup model.
    """
    shares = pair_matrix_m2(body, projectile)
    shares = shares / shares.sum()
    m1 = np.array([p.mass_kg for p in body])[:, None]
    m2 = np.array([p.mass_kg for p in projectile])[None, :]
    n = breakup.fragments_larger_than(length_m, m1, m2, velocity_km_s)
    cat = breakup.is_catastrophic(m1, m2, velocity_km_s)
    return Breakup(float(np.sum(shares * n)), float(np.sum(shares * cat)))


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
