"""Lifetimes of eccentric orbits (breakup fragments), and their equivalent circular altitude.

Fragments of a breakup leave on eccentric orbits. Under drag ``F = -rho v^2 / (2 BC)`` along the
velocity, the orbit-averaged semi-major axis and eccentricity evolve as

``da/dt = -(a^2 / (mu BC)) < rho v^3 >``,    ``de/dt = -(1 / BC) < rho v (e + cos nu) >``

(Gauss's equations averaged over the mean anomaly; King-Hele [1]_ ch. 4, Vallado [2]_ sec.
9.6), with ``< . >`` the time average along the orbit, ``r = a (1 - e cos E)``,
``dt ~ (1 - e cos E) dE``. Drag acts mostly near perigee: the apogee falls first and the orbit
circularises towards its perigee, so an eccentric orbit lives much longer than a circular one at
its perigee and much shorter than one at its semi-major axis.

For a fixed atmosphere the time scales as ``BC``, so the lifetime per unit ``BC`` is tabulated
once on a grid of (perigee, apogee) by integrating both equations for all grid orbits at once
(midpoint steps of at most 4 % of the remaining altitude, 96-point trapezoidal orbit averages,
exact for this periodic integrand). A fragment's **equivalent circular altitude** is the circular
orbit with the same lifetime in that atmosphere; the solar-cycle lifetime of the fragment is then
the circular one at that altitude (:func:`orbitdc.environment.decay.lifetime_years`), which keeps
the cycle's effect while accounting for the eccentricity.

Checked in tests/test_consequences.py: circular orbits reproduce the circular lifetime table, and
a few eccentric cases agree with an adaptive ``scipy.integrate.solve_ivp`` of the same equations.

References
----------
.. [1] King-Hele, D., *Satellite Orbits in an Atmosphere: Theory and Applications*, Blackie,
   1987, ch. 4.
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, sec. 9.6
   (Gauss's variational equations with drag).
"""

from __future__ import annotations

import functools
import os

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import MU_EARTH_KM3_S2, R_EARTH_KM, SECONDS_PER_YEAR
from orbitdc.environment.atmosphere import density_kg_m3
from orbitdc.environment.decay import ENTRY_ALTITUDE_KM, lifetime_years

FloatArray = NDArray[np.float64]

#: Perigee grid of the table [km] and apogee excess over perigee [km] (geometric above 10 km).
PERIGEE_GRID_KM = np.arange(ENTRY_ALTITUDE_KM, 2000.0 + 1e-9, 20.0)
EXCESS_GRID_KM = np.concatenate([[0.0], np.geomspace(10.0, 8000.0, 24)])
#: Nodes of the orbit average in eccentric anomaly.
_NODES = 96
#: Largest step as a fraction of the remaining altitude above the entry interface.
_STEP_FRACTION = 0.04

_MU = MU_EARTH_KM3_S2 * 1e9
_RE = R_EARTH_KM * 1e3


#: Spacing of the uniform density table [km] (index arithmetic instead of a search).
_TABLE_STEP_KM = 2.0
_TABLE_START_KM = 50.0


def _log_density_table(activity: str, model: str, directory: str | None) -> FloatArray:
    """``log(rho)`` every 2 km from 50 to 12,000 km, log-linear above the model's 2,000 km."""
    h = np.arange(_TABLE_START_KM, 12000.0 + 1e-9, _TABLE_STEP_KM)
    inside = h <= 2000.0
    log_rho = np.log(density_kg_m3(np.clip(h[inside], 100.0, 2000.0), activity, model,
                                   directory))
    slope = (log_rho[-1] - log_rho[-26]) / (_TABLE_STEP_KM * 25)
    return np.concatenate([log_rho, log_rho[-1] + slope * (h[~inside] - 2000.0)])


def _density(height_km: FloatArray, log_rho: FloatArray) -> FloatArray:
    """Density [kg/m^3] from the uniform table, linear in ``log(rho)``."""
    x = np.clip((height_km - _TABLE_START_KM) / _TABLE_STEP_KM, 0.0, log_rho.size - 1.001)
    i = x.astype(np.intp)
    f = x - i
    return np.exp(log_rho[i] + f * (log_rho[i + 1] - log_rho[i]))


def _averages(a: FloatArray, e: FloatArray,
              log_rho: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(da/dt, de/dt)`` per unit BC (SI) for orbits ``(a [m], e)``."""
    big_e = np.linspace(0.0, 2.0 * np.pi, _NODES, endpoint=False)
    cos_e = np.cos(big_e)
    one = 1.0 - e[:, None] * cos_e
    r = a[:, None] * one
    rho = _density((r - _RE) / 1e3, log_rho)
    v = np.sqrt(np.clip(_MU * (2.0 / r - 1.0 / a[:, None]), 0.0, None))
    cos_nu = (cos_e - e[:, None]) / one
    weight = one / _NODES
    da = -(a**2 / _MU) * np.sum(weight * rho * v**3, axis=1)
    de = -np.sum(weight * rho * v * (e[:, None] + cos_nu), axis=1)
    return da, de


def _integrate(perigee_km: FloatArray, apogee_km: FloatArray,
               log_rho: FloatArray) -> FloatArray:
    """Time to re-entry [s] per unit BC [kg/m^2] of every orbit (midpoint steps)."""
    rp, ra = _RE + perigee_km * 1e3, _RE + apogee_km * 1e3
    a, e = 0.5 * (rp + ra), (ra - rp) / (ra + rp)
    t = np.zeros_like(a)
    floor = _RE + ENTRY_ALTITUDE_KM * 1e3
    live = a * (1.0 - e) > floor
    while np.any(live):
        idx = np.flatnonzero(live)
        aa, ee = a[idx], e[idx]
        da, de = _averages(aa, ee, log_rho)
        # the semi-major axis falls at most this much per step; the 1 km floor ends the
        # geometric approach to the entry interface in a few steps
        room = np.maximum(aa * (1.0 - ee) - floor, 1e3) + aa * ee
        dt = _STEP_FRACTION * room / np.maximum(-da, 1e-300)
        am, em = _averages(aa + 0.5 * dt * da, np.clip(ee + 0.5 * dt * de, 0.0, 0.99), log_rho)
        a[idx] = aa + dt * am
        e[idx] = np.clip(ee + dt * em, 0.0, 0.99)
        t[idx] += dt
        live = a * (1.0 - e) > floor
    return t


@functools.lru_cache(maxsize=8)
def _lifetime_per_bc_grid(activity: str, model: str, directory: str | None) -> FloatArray:
    """Lifetime per unit BC [yr m^2/kg] on (PERIGEE_GRID_KM, EXCESS_GRID_KM)."""
    log_rho = _log_density_table(activity, model, directory)
    hp, dh = np.meshgrid(PERIGEE_GRID_KM, EXCESS_GRID_KM, indexing="ij")
    t = _integrate(hp.ravel(), (hp + dh).ravel(), log_rho)
    return np.asarray(t.reshape(hp.shape) / SECONDS_PER_YEAR, dtype=float)


def eccentric_lifetime_years(
    perigee_km: ArrayLike,
    apogee_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
) -> FloatArray:
    """Lifetime of eccentric orbits at a constant activity level [yr].

    Bilinear interpolation of the tabulated lifetime per unit ``BC`` in (perigee, log of the
    apogee excess); a perigee at or below the entry interface re-enters at once (0).
    """
    folder = None if directory is None else os.fspath(directory)
    table = _lifetime_per_bc_grid(activity, model, folder)
    hp = np.clip(np.asarray(perigee_km, dtype=float), None, PERIGEE_GRID_KM[-1])
    excess = np.clip(np.asarray(apogee_km, dtype=float) - hp, 0.0, EXCESS_GRID_KM[-1])
    # interpolate in log(lifetime): it grows exponentially with perigee
    log_t = np.log(np.maximum(table, 1e-12))
    x = np.interp(hp, PERIGEE_GRID_KM, np.arange(PERIGEE_GRID_KM.size))
    y = np.interp(np.log1p(excess), np.log1p(EXCESS_GRID_KM), np.arange(EXCESS_GRID_KM.size))
    i0 = np.clip(np.floor(x).astype(int), 0, PERIGEE_GRID_KM.size - 2)
    j0 = np.clip(np.floor(y).astype(int), 0, EXCESS_GRID_KM.size - 2)
    fx, fy = x - i0, y - j0
    value = ((1 - fx) * (1 - fy) * log_t[i0, j0] + fx * (1 - fy) * log_t[i0 + 1, j0]
             + (1 - fx) * fy * log_t[i0, j0 + 1] + fx * fy * log_t[i0 + 1, j0 + 1])
    life = np.exp(value) * np.asarray(ballistic_coefficient_kg_m2, dtype=float)
    return np.asarray(np.where(np.asarray(perigee_km) <= ENTRY_ALTITUDE_KM, 0.0, life),
                      dtype=float)


def equivalent_circular_altitude_km(
    perigee_km: ArrayLike,
    apogee_km: ArrayLike,
    activity: str = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
) -> FloatArray:
    """Altitude of the circular orbit that lives as long as each eccentric orbit [km].

    Independent of ``BC`` (both lifetimes scale with it); orbits that re-enter at once map to
    the entry interface.
    """
    per_bc = eccentric_lifetime_years(perigee_km, apogee_km, 1.0, activity, model, directory)
    grid = np.arange(ENTRY_ALTITUDE_KM, 2000.0 + 1e-9, 1.0)
    circular = lifetime_years(grid, 1.0, activity, model, directory)
    return np.asarray(np.interp(per_bc, circular, grid), dtype=float)
