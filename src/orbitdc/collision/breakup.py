"""NASA standard breakup model: is a collision catastrophic, and how many fragments result.

A collision is catastrophic when the relative kinetic energy of the smaller object divided by the
mass of the larger reaches 40 J/g; the number of fragments larger than a characteristic length
``L_c`` is ``N(>L_c) = 0.1 M^0.75 L_c^-1.71`` with ``M`` the sum of both masses for a catastrophic
collision and ``M = m_p v^2`` (``v`` in km/s) otherwise (Johnson et al. [1]_, with the
non-catastrophic ``M`` as corrected by Krisko [2]_).

References
----------
.. [1] Johnson, N. L., Krisko, P. H., Liou, J.-C. and Anz-Meador, P. D., "NASA's new breakup
   model of EVOLVE 4.0", Adv. Space Res. 28(9), 1377-1384, 2001,
   doi:10.1016/S0273-1177(01)00423-9, eq. (4).
.. [2] Krisko, P. H., "Proper implementation of the 1998 NASA breakup model", Orbital Debris
   Quarterly News 15(4), 2011.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Catastrophic threshold on the energy-to-mass ratio [J/kg] (40 J/g, Johnson et al. [1]_).
CATASTROPHIC_J_PER_KG = 40_000.0


def energy_to_mass_j_per_kg(
    target_mass_kg: ArrayLike, projectile_mass_kg: ArrayLike, velocity_km_s: ArrayLike
) -> FloatArray:
    """Kinetic energy of the smaller object over the mass of the larger [J/kg]."""
    m1 = np.asarray(target_mass_kg, dtype=float)
    m2 = np.asarray(projectile_mass_kg, dtype=float)
    small, large = np.minimum(m1, m2), np.maximum(m1, m2)
    v_m_s = np.asarray(velocity_km_s, dtype=float) * 1e3
    return np.asarray(0.5 * small * v_m_s**2 / large, dtype=float)


def is_catastrophic(
    target_mass_kg: ArrayLike, projectile_mass_kg: ArrayLike, velocity_km_s: ArrayLike
) -> NDArray[np.bool_]:
    """Whether the collision fragments both objects (EMR >= 40 J/g) (Johnson et al. [1]_)."""
    return np.asarray(
        energy_to_mass_j_per_kg(target_mass_kg, projectile_mass_kg, velocity_km_s)
        >= CATASTROPHIC_J_PER_KG
    )


def fragments_larger_than(
    length_m: ArrayLike,
    target_mass_kg: ArrayLike,
    projectile_mass_kg: ArrayLike,
    velocity_km_s: ArrayLike,
) -> FloatArray:
    """Number of fragments with characteristic length above ``length_m`` [-].

    ``N = 0.1 M^0.75 L_c^-1.71`` with ``M = m_t + m_p`` (catastrophic) or ``M = m_p v^2``
    (non-catastrophic, ``m_p`` the smaller mass, ``v`` in km/s) (Johnson et al. [1]_,
    Krisko [2]_).
    """
    m1 = np.asarray(target_mass_kg, dtype=float)
    m2 = np.asarray(projectile_mass_kg, dtype=float)
    v = np.asarray(velocity_km_s, dtype=float)
    cat = is_catastrophic(m1, m2, v)
    big_m = np.where(cat, m1 + m2, np.minimum(m1, m2) * v**2)
    return np.asarray(0.1 * big_m**0.75 * np.asarray(length_m, dtype=float) ** -1.71, dtype=float)
