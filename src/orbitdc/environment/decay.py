"""Orbital decay of circular orbits by drag: lifetime, station keeping, disposal.

A near-circular orbit decays through a sequence of circular orbits (King-Hele [1]_; Vallado [2]_
ch. 9) at the rate

``da/dt = -rho(h) sqrt(mu a) / BC``,    ``BC = m / (c_D A)`` [kg/m^2],

so the time to fall from ``h0`` to the entry interface ``h_e`` is

``t = BC int_{h_e}^{h0} dh / (rho(h) sqrt(mu (R_E + h)))``.

The integral does not depend on ``BC``: it is tabulated once per atmosphere on a fine grid and
the lifetime of any satellite is ``BC`` times it. Holding a shell against drag costs the drag
deceleration integrated over a year, ``dv/yr = rho v^2 / (2 BC) x 1 yr`` (SMAD [3]_ sec. 6.2.3),
and propellant follows from the rocket equation.

References
----------
.. [1] King-Hele, D., *Satellite Orbits in an Atmosphere: Theory and Applications*, Blackie,
   1987, ch. 3 (decay of near-circular orbits).
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, ch. 8-9
   (drag, ``da/dt`` of circular orbits), ch. 6 (Hohmann transfer).
.. [3] Wertz, J. R. and Larson, W. J., *Space Mission Analysis and Design*, 3rd ed., 1999,
   sec. 6.2.3 (orbit maintenance against drag).
.. [4] FCC, Second Report and Order, "Space Innovation; Mitigation of Orbital Debris in the New
   Space Age", FCC 22-74, 2022 (5-year post-mission disposal rule for LEO).
.. [5] IADC, *Space Debris Mitigation Guidelines*, IADC-02-01 Rev. 3, 2021, sec. 5.3.2
   (25-year guideline).
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from orbitdc.constants import MU_EARTH_KM3_S2, R_EARTH_KM, SECONDS_PER_YEAR
from orbitdc.environment.atmosphere import density_kg_m3
from orbitdc.errors import require_range
from orbitdc.propulsion import hohmann_dv_m_s

FloatArray = NDArray[np.float64]

#: Entry interface [km]: below it an object re-enters within hours (NASA's 400,000 ft = 122 km
#: convention for atmospheric entry, Vallado ch. 9).
ENTRY_ALTITUDE_KM = 122.0

_MU_M3_S2 = MU_EARTH_KM3_S2 * 1e9
_FINE_KM = np.arange(ENTRY_ALTITUDE_KM, 2000.0 + 1e-9, 0.5)


@functools.lru_cache(maxsize=32)
def _lifetime_per_bc_table(activity: str, model: str, directory: str | None) -> FloatArray:
    """Cumulative ``int dh / (rho sqrt(mu a))`` from the entry interface [s m^2/kg]."""
    rho = density_kg_m3(_FINE_KM, activity, model, directory)
    a_m = (R_EARTH_KM + _FINE_KM) * 1e3
    integrand = 1.0 / (rho * np.sqrt(_MU_M3_S2 * a_m))  # s per m of altitude, per unit BC
    steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(_FINE_KM) * 1e3
    return np.concatenate([[0.0], np.cumsum(steps)])


def lifetime_years(
    altitude_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
) -> FloatArray:
    """Time for a circular orbit to decay to the entry interface [yr] (King-Hele [1]_).

    Parameters
    ----------
    altitude_km : array_like [km]
        Initial circular altitude, in [122, 2000].
    ballistic_coefficient_kg_m2 : array_like [kg/m^2]
        ``m / (c_D A)``; larger values decay more slowly (lifetime is proportional to it).
    activity : {"low", "moderate", "high"}
        Constant solar activity over the whole decay (bounds of a solar-cycle average).
    model : {"msis", "table", "exponential"}
        Atmosphere model (:mod:`orbitdc.environment.atmosphere`).
    """
    h = np.asarray(altitude_km, dtype=float)
    bc = np.asarray(ballistic_coefficient_kg_m2, dtype=float)
    if np.any(h < ENTRY_ALTITUDE_KM) or np.any(h > 2000.0):
        require_range("altitude_km", float(np.max(h)), ge=ENTRY_ALTITUDE_KM, le=2000.0)
        require_range("altitude_km", float(np.min(h)), ge=ENTRY_ALTITUDE_KM, le=2000.0)
    if np.any(bc <= 0.0):
        require_range("ballistic_coefficient_kg_m2", float(np.min(bc)), gt=0.0)
    folder = None if directory is None else os.fspath(directory)
    table = _lifetime_per_bc_table(activity, model, folder)
    per_bc = np.interp(h, _FINE_KM, table)
    return np.asarray(bc * per_bc / SECONDS_PER_YEAR, dtype=float)


def decay_rate_km_per_year(
    altitude_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str = "moderate",
    model: str = "msis",
) -> FloatArray:
    """Instantaneous altitude loss of a circular orbit [km/yr]: ``rho sqrt(mu a) / BC``."""
    h = np.asarray(altitude_km, dtype=float)
    rho = density_kg_m3(h, activity, model)
    rate_m_s = rho * np.sqrt(_MU_M3_S2 * (R_EARTH_KM + h) * 1e3) / np.asarray(
        ballistic_coefficient_kg_m2, dtype=float
    )
    return np.asarray(rate_m_s * SECONDS_PER_YEAR / 1e3, dtype=float)


def stationkeeping_dv_m_s_per_year(
    altitude_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str = "moderate",
    model: str = "msis",
) -> FloatArray:
    """Velocity increment per year that cancels drag on a circular orbit [m/s/yr].

    ``dv = rho v^2 / (2 BC) x (1 yr)`` (SMAD [3]_ sec. 6.2.3), ``v = sqrt(mu / a)``.
    """
    h = np.asarray(altitude_km, dtype=float)
    rho = density_kg_m3(h, activity, model)
    v_m_s = np.sqrt(_MU_M3_S2 / ((R_EARTH_KM + h) * 1e3))
    bc = np.asarray(ballistic_coefficient_kg_m2, dtype=float)
    return np.asarray(rho * v_m_s**2 / (2.0 * bc) * SECONDS_PER_YEAR, dtype=float)


@dataclass(frozen=True)
class DisposalAssessment:
    """Post-mission disposal of a satellite that ends its mission in a circular shell.

    Attributes
    ----------
    passive_years : float [yr]
        Decay time from the shell if the satellite is left there.
    compliant_5yr, compliant_25yr : bool
        Whether passive decay meets the FCC 5-year rule [4]_ and the IADC 25-year guideline [5]_.
    disposal_altitude_km : float [km]
        Circular altitude whose passive lifetime is 5 years (equal to the shell altitude when
        the shell is compliant).
    disposal_dv_m_s : float [m/s]
        Hohmann velocity change to reach it (0 when compliant).
    """

    passive_years: float
    compliant_5yr: bool
    compliant_25yr: bool
    disposal_altitude_km: float
    disposal_dv_m_s: float


def assess_disposal(
    altitude_km: float,
    ballistic_coefficient_kg_m2: float,
    activity: str = "moderate",
    model: str = "msis",
    *,
    rule_years: float,
    guideline_years: float,
) -> DisposalAssessment:
    """Passive-decay compliance, and the propulsive disposal needed when it fails.

    A non-compliant satellite is lowered (conservatively by a two-burn Hohmann transfer to a
    circular orbit, rather than a perigee-lowering burn) to the altitude whose passive lifetime
    equals ``rule_years``.

    Parameters
    ----------
    rule_years : float [yr]
        Disposal rule a passive decay must meet (FCC 22-74 [4]_: 5 years;
        ``models/operations.csv``).
    guideline_years : float [yr]
        The older guideline reported beside it (IADC [5]_: 25 years).
    """
    passive = float(lifetime_years(altitude_km, ballistic_coefficient_kg_m2, activity, model))
    target = altitude_km
    if passive > rule_years:
        target = float(
            optimize.brentq(
                lambda h: float(lifetime_years(h, ballistic_coefficient_kg_m2, activity, model))
                - rule_years,
                ENTRY_ALTITUDE_KM,
                altitude_km,
                xtol=1e-3,
            )
        )
    dv = float(hohmann_dv_m_s(altitude_km, target)) if target < altitude_km else 0.0
    return DisposalAssessment(
        passive_years=passive,
        compliant_5yr=passive <= rule_years,
        compliant_25yr=passive <= guideline_years,
        disposal_altitude_km=target,
        disposal_dv_m_s=dv if math.isfinite(dv) else 0.0,
    )
