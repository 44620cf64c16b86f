"""Circular-orbit relations and J2 secular rates.

All functions are pure and accept numpy arrays.

References
----------
.. [1] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013,
   ch. 1-2 (two-body motion), ch. 9 (secular J2 rates), ch. 11 (sun-synchronous orbits).
.. [2] Wertz, J. R. and Larson, W. J. (eds.), *Space Mission Analysis and Design*, 3rd ed.,
   Microcosm / Kluwer, 1999, section 6.2 (sun-synchronous orbits).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import J2_EARTH, MU_EARTH_KM3_S2, R_EARTH_KM, SUN_MEAN_MOTION_RAD_S

FloatArray = NDArray[np.float64]


def orbit_radius_km(altitude_km: ArrayLike) -> FloatArray:
    """Radius of a circular orbit, ``r = R_E + h`` [km]."""
    return np.asarray(altitude_km, dtype=float) + R_EARTH_KM


def circular_speed_km_s(altitude_km: ArrayLike) -> FloatArray:
    """Circular orbital speed ``v = sqrt(mu / r)`` [km/s] (Vallado [1]_ ch. 1).

    Parameters
    ----------
    altitude_km : array_like [km]
        Altitude above the equatorial radius.
    """
    return np.sqrt(MU_EARTH_KM3_S2 / orbit_radius_km(altitude_km))


def orbital_period_s(altitude_km: ArrayLike) -> FloatArray:
    """Keplerian period of a circular orbit, ``T = 2 pi sqrt(r^3 / mu)`` [s]."""
    r = orbit_radius_km(altitude_km)
    return 2.0 * np.pi * np.sqrt(r**3 / MU_EARTH_KM3_S2)


def mean_motion_rad_s(altitude_km: ArrayLike) -> FloatArray:
    """Keplerian mean motion ``n = sqrt(mu / r^3)`` [rad/s]."""
    r = orbit_radius_km(altitude_km)
    return np.sqrt(MU_EARTH_KM3_S2 / r**3)


def nodal_precession_rate_rad_s(altitude_km: ArrayLike, inclination_deg: ArrayLike) -> FloatArray:
    """Secular J2 drift of the right ascension of the ascending node [rad/s].

    ``dOmega/dt = -3/2 n J2 (R_E / p)^2 cos i`` with ``p = a`` for a circular orbit
    (Vallado [1]_ ch. 9).

    Parameters
    ----------
    altitude_km : array_like [km]
    inclination_deg : array_like [deg]
    """
    r = orbit_radius_km(altitude_km)
    n = mean_motion_rad_s(altitude_km)
    return -1.5 * n * J2_EARTH * (R_EARTH_KM / r) ** 2 * np.cos(np.radians(inclination_deg))


def sun_synchronous_inclination_deg(altitude_km: ArrayLike) -> FloatArray:
    """Inclination that makes the J2 nodal drift follow the mean Sun [deg].

    Solving ``dOmega/dt = 2 pi / (1 tropical year)`` for ``i`` gives
    ``cos i = -2 n_sun r^2 / (3 n J2 R_E^2)`` (Vallado [1]_ ch. 11; SMAD [2]_ section 6.2).

    Parameters
    ----------
    altitude_km : array_like [km]
        Circular-orbit altitude; above about 5,970 km no sun-synchronous circular orbit exists.

    Returns
    -------
    numpy.ndarray [deg]
        Retrograde inclination (> 90 deg), e.g. 97.6 deg at 550 km.

    Raises
    ------
    orbitdc.errors.InputError
        If no sun-synchronous circular orbit exists at that altitude (``|cos i| > 1``).
    """
    from orbitdc.errors import InputError

    r = orbit_radius_km(altitude_km)
    n = mean_motion_rad_s(altitude_km)
    cos_i = -2.0 * SUN_MEAN_MOTION_RAD_S * r**2 / (3.0 * n * J2_EARTH * R_EARTH_KM**2)
    if np.any(np.abs(cos_i) > 1.0):
        raise InputError(
            "altitude_km",
            np.asarray(altitude_km).tolist(),
            "no sun-synchronous circular orbit exists above about 5,970 km",
        )
    return np.degrees(np.arccos(cos_i))
