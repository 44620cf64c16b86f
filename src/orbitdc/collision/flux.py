"""Kinetic-gas (flux) collision rates.

An object crossing a field of particles of spatial density ``n`` with mean relative speed ``v``
and collision cross-section ``sigma`` collides at the rate ``lambda = n sigma v`` (Kessler [1]_;
the flux model of ORDEM and MASTER, Klinkrad [2]_ sec. 5).

References
----------
.. [1] Kessler, D. J., "Collisional cascading: the limits of population growth in low Earth
   orbit", Adv. Space Res. 11(12), 63-66, 1991.
.. [2] Klinkrad, H., *Space Debris: Models and Risk Analysis*, Springer-Praxis, 2006.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import SECONDS_PER_YEAR

FloatArray = NDArray[np.float64]


def collision_rate_per_year(
    density_per_km3: ArrayLike, cross_section_m2: ArrayLike, relative_velocity_km_s: ArrayLike
) -> FloatArray:
    """Expected collisions per year, ``n sigma v`` (Kessler [1]_).

    Parameters
    ----------
    density_per_km3 : array_like [1/km^3]
    cross_section_m2 : array_like [m^2]
        Collision cross-section (``pi (r1 + r2)^2`` for two spheres).
    relative_velocity_km_s : array_like [km/s]
    """
    sigma_km2 = np.asarray(cross_section_m2, dtype=float) * 1e-6
    return np.asarray(
        np.asarray(density_per_km3, dtype=float)
        * sigma_km2
        * np.asarray(relative_velocity_km_s, dtype=float)
        * SECONDS_PER_YEAR,
        dtype=float,
    )


def combined_cross_section_m2(radius1_m: ArrayLike, radius2_m: ArrayLike) -> FloatArray:
    """Collision cross-section of two spheres, ``pi (r1 + r2)^2`` [m^2]."""
    return np.asarray(np.pi * (np.asarray(radius1_m, dtype=float) + np.asarray(radius2_m)) ** 2,
                      dtype=float)


def equivalent_radius_m(cross_section_m2: ArrayLike) -> FloatArray:
    """Radius of the sphere with the same mean cross-section, ``sqrt(A / pi)`` [m]."""
    return np.asarray(np.sqrt(np.asarray(cross_section_m2, dtype=float) / np.pi), dtype=float)
