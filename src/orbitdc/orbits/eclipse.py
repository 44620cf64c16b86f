"""Solar beta angle and eclipse (Earth-shadow) geometry of circular orbits.

The shadow is modelled as a cylinder of the Earth's equatorial radius (no penumbra, no
atmospheric refraction), the standard first-order model for thermal and power design.

References
----------
.. [1] Rickman, S. L., "Introduction to On-Orbit Thermal Environments", NASA Thermal and Fluids
   Analysis Workshop (TFAWS) short course, 2014 (beta angle; eclipse fraction
   ``f_E = acos(sqrt(h^2 + 2 R h) / ((R + h) cos beta)) / pi`` for ``|beta| < beta*``).
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, ch. 5
   (Sun position, cylindrical shadow model).
.. [3] Wertz, J. R. and Larson, W. J., *Space Mission Analysis and Design*, 3rd ed., 1999,
   section 5.1 (eclipse geometry).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import OBLIQUITY_DEG, R_EARTH_KM
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.kepler import orbital_period_s

FloatArray = NDArray[np.float64]


def critical_beta_deg(altitude_km: ArrayLike) -> FloatArray:
    """Beta angle above which a circular orbit sees no eclipse [deg].

    ``beta* = asin(R_E / (R_E + h))`` (Rickman [1]_).
    """
    h = np.asarray(altitude_km, dtype=float)
    return np.degrees(np.arcsin(R_EARTH_KM / (R_EARTH_KM + h)))


def eclipse_fraction(altitude_km: ArrayLike, beta_deg: ArrayLike) -> FloatArray:
    """Fraction of a circular orbit spent in the Earth's cylindrical shadow [-].

    ``f_E = (1/pi) acos( sqrt(h^2 + 2 R_E h) / ((R_E + h) cos beta) )`` when
    ``|beta| < beta*``, else 0 (Rickman [1]_).

    Parameters
    ----------
    altitude_km : array_like [km]
    beta_deg : array_like [deg]
        Angle between the orbit plane and the Sun direction, in [-90, 90].

    Returns
    -------
    numpy.ndarray [-]
        In [0, 0.5).
    """
    h = np.asarray(altitude_km, dtype=float)
    cos_b = np.cos(np.radians(np.abs(np.asarray(beta_deg, dtype=float))))
    ratio = np.sqrt(h**2 + 2.0 * R_EARTH_KM * h) / ((R_EARTH_KM + h) * np.maximum(cos_b, 1e-300))
    return np.where(ratio < 1.0, np.arccos(np.minimum(ratio, 1.0)) / np.pi, 0.0)


def beta_angle_deg(
    inclination_deg: ArrayLike, raan_deg: ArrayLike, sun_ecliptic_longitude_deg: ArrayLike
) -> FloatArray:
    """Solar beta angle of an orbit [deg].

    ``sin beta = s . n`` with the Sun unit vector
    ``s = (cos L, cos eps sin L, sin eps sin L)`` (ecliptic longitude ``L``, obliquity ``eps``)
    and the orbit normal ``n = (sin i sin Omega, -sin i cos Omega, cos i)`` (Rickman [1]_).
    """
    i = np.radians(inclination_deg)
    raan = np.radians(raan_deg)
    lam = np.radians(sun_ecliptic_longitude_deg)
    eps = np.radians(OBLIQUITY_DEG)
    s = (
        np.cos(lam) * np.sin(raan) * np.sin(i)
        - np.sin(lam) * np.cos(eps) * np.cos(raan) * np.sin(i)
        + np.sin(lam) * np.sin(eps) * np.cos(i)
    )
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))


def sun_right_ascension_deg(sun_ecliptic_longitude_deg: ArrayLike) -> FloatArray:
    """Right ascension of the Sun from its ecliptic longitude [deg] (Vallado [2]_ ch. 5)."""
    lam = np.radians(sun_ecliptic_longitude_deg)
    eps = np.radians(OBLIQUITY_DEG)
    return np.degrees(np.arctan2(np.cos(eps) * np.sin(lam), np.cos(lam)))


@dataclass(frozen=True)
class EclipseStatistics:
    """Eclipse statistics of a circular orbit over one year.

    Attributes
    ----------
    mean_fraction : float [-]
        Year-averaged fraction of time in shadow.
    max_fraction : float [-]
        Largest per-orbit shadow fraction in the year (sizes the battery).
    max_duration_s : float [s]
        Longest single eclipse.
    season_fraction : float [-]
        Fraction of the year (and, for drifting nodes, of node local times) with any eclipse.
    min_abs_beta_deg, max_abs_beta_deg : float [deg]
        Range of ``|beta|`` over the year.
    """

    mean_fraction: float
    max_fraction: float
    max_duration_s: float
    season_fraction: float
    min_abs_beta_deg: float
    max_abs_beta_deg: float


@functools.lru_cache(maxsize=4096)
def annual_eclipse_statistics(
    altitude_km: float, family: InclinationFamily, *, samples: int = 365, node_samples: int = 144
) -> EclipseStatistics:
    """Eclipse statistics over a year for an inclination family.

    A sun-synchronous orbit keeps its ascending node at a fixed local time, so
    ``Omega = alpha_sun + 15 deg/h (LTAN - 12 h)`` and only the Sun's declination changes beta.
    Any other orbit's node drifts through every local time over the year, so beta is sampled on a
    grid of relative node angles as well; its worst case is then ``beta = 0``.

    Parameters
    ----------
    altitude_km : float [km]
    family : InclinationFamily
    samples : int
        Points in the year (Sun ecliptic longitudes).
    node_samples : int
        For non-SSO orbits, points in the node's local time (the mean is exact to < 1e-3).
    """
    lam = np.linspace(0.0, 360.0, samples, endpoint=False)
    inc = family.inclination_deg(altitude_km)
    if family.is_sun_synchronous:
        assert family.ltan_h is not None
        raan = sun_right_ascension_deg(lam) + 15.0 * (family.ltan_h - 12.0)
        beta = beta_angle_deg(inc, raan, lam)
        worst_beta = float(np.min(np.abs(beta)))
    else:
        rel = np.linspace(0.0, 360.0, node_samples, endpoint=False)
        lam_g, rel_g = np.meshgrid(lam, rel, indexing="ij")
        beta = beta_angle_deg(inc, sun_right_ascension_deg(lam_g) + rel_g, lam_g).ravel()
        # The node sweeps every local time, so beta passes through zero exactly.
        worst_beta = 0.0
    frac = eclipse_fraction(altitude_km, beta)
    max_frac = float(eclipse_fraction(altitude_km, worst_beta))
    return EclipseStatistics(
        mean_fraction=float(np.mean(frac)),
        max_fraction=max_frac,
        max_duration_s=max_frac * float(orbital_period_s(altitude_km)),
        season_fraction=float(np.mean(frac > 0.0)),
        min_abs_beta_deg=worst_beta,
        max_abs_beta_deg=float(np.max(np.abs(beta))),
    )
