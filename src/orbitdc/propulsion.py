"""Propulsion: the rocket equation and the impulsive transfers between circular orbits.

Used by the satellites (station keeping, propulsive disposal: :mod:`orbitdc.risk`) and by the
launch vehicles (orbit raising and the deorbit of a reusable stage: :mod:`orbitdc.launchers`).

References
----------
.. [1] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., Microcosm
   Press, 2013, ch. 6 (Hohmann transfer, vis-viva).
.. [2] Wertz, J. R. and Larson, W. J., *Space Mission Analysis and Design*, 3rd ed., 1999,
   sec. 17.4 (rocket equation).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import G0_M_S2, MU_EARTH_KM3_S2, R_EARTH_KM

FloatArray = NDArray[np.float64]

#: Perigee of the deorbit ellipse of a reusable stage [km] (refs: a 50 km perigee ensures entry).
DEORBIT_PERIGEE_KM = 50.0


def propellant_mass_kg(dv_m_s: ArrayLike, initial_mass_kg: ArrayLike, isp_s: float) -> FloatArray:
    """Propellant for a velocity increment, ``m_p = m0 (1 - exp(-dv / (Isp g0)))`` [kg].

    Tsiolkovsky's rocket equation with the initial (wet) mass ``m0`` (SMAD [2]_).
    """
    dv = np.asarray(dv_m_s, dtype=float)
    return np.asarray(
        np.asarray(initial_mass_kg, dtype=float) * (1.0 - np.exp(-dv / (isp_s * G0_M_S2))),
        dtype=float,
    )


def hohmann_dv_m_s(from_altitude_km: ArrayLike, to_altitude_km: ArrayLike) -> FloatArray:
    """Total velocity change of a two-burn Hohmann transfer between circular orbits [m/s].

    ``dv = |sqrt(mu/r1) (sqrt(2 r2/(r1+r2)) - 1)| + |sqrt(mu/r2) (1 - sqrt(2 r1/(r1+r2)))|``
    (Vallado [1]_ ch. 6).
    """
    r1 = R_EARTH_KM + np.asarray(from_altitude_km, dtype=float)
    r2 = R_EARTH_KM + np.asarray(to_altitude_km, dtype=float)
    v1 = np.sqrt(MU_EARTH_KM3_S2 / r1)
    v2 = np.sqrt(MU_EARTH_KM3_S2 / r2)
    dv1 = np.abs(v1 * (np.sqrt(2.0 * r2 / (r1 + r2)) - 1.0))
    dv2 = np.abs(v2 * (1.0 - np.sqrt(2.0 * r1 / (r1 + r2))))
    return np.asarray((dv1 + dv2) * 1e3, dtype=float)


def deorbit_dv_m_s(altitude_km: float, perigee_km: float = DEORBIT_PERIGEE_KM) -> float:
    """One burn from a circular orbit onto an ellipse with a low perigee [m/s] (vis-viva)."""
    r_a = R_EARTH_KM + altitude_km
    r_p = R_EARTH_KM + perigee_km
    v_c = math.sqrt(MU_EARTH_KM3_S2 / r_a)
    v_a = math.sqrt(MU_EARTH_KM3_S2 * (2.0 / r_a - 2.0 / (r_a + r_p)))
    return (v_c - v_a) * 1e3
