"""Neutral mass density of the thermosphere versus altitude and solar activity.

Three models, selectable by name:

``"msis"``
    NRLMSIS 2.1 [1]_ through the ``pymsis`` package, averaged over latitude (area-weighted),
    longitude (i.e. local time) and the four seasons, at the ECSS long-term solar-activity
    levels of ``models/solar_activity.csv`` [2]_. The default when ``pymsis`` is installed.
``"table"``
    The same global means tabulated in ``models/atmosphere_density.csv`` (the fallback when
    ``pymsis`` is missing; :func:`tabulate_msis` regenerates it).
``"exponential"``
    Vallado's piecewise exponential atmosphere [3]_ (``models/atmosphere_exponential.csv``),
    a mean-activity reference.

Densities between grid points are interpolated linearly in ``log(rho)`` (the atmosphere is close
to exponential locally).

References
----------
.. [1] Emmert, J. T. et al., "NRLMSIS 2.0: A whole-atmosphere empirical model of temperature and
   neutral species densities", Earth and Space Science 8, e2020EA001321, 2021; NRLMSIS 2.1:
   Emmert et al., 2022, doi:10.1029/2022EA002519.
.. [2] ECSS-E-ST-10-04C, *Space engineering: Space environment*, 2008, Table 6-3 and clause
   7.2.1.2.
.. [3] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013,
   Table 8-4.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.assumptions import load_catalog, load_profile
from orbitdc.errors import InputError, require_choice

FloatArray = NDArray[np.float64]

ACTIVITY_LEVELS = ("low", "moderate", "high")
MODELS = ("msis", "table", "exponential")

#: Altitude grid of the tabulated / cached global means [km].
GRID_KM = np.arange(100.0, 2000.0 + 1e-9, 10.0)


@dataclass(frozen=True)
class SolarActivity:
    """A long-term solar/geomagnetic activity level (ECSS-E-ST-10-04C [2]_)."""

    name: str
    f107: float  #: daily F10.7 [sfu]
    f107a: float  #: 81-day mean F10.7 [sfu]
    ap: float  #: daily Ap [-]

    @classmethod
    def named(cls, name: str, directory: str | os.PathLike[str] | None = None) -> SolarActivity:
        """Read a level from ``models/solar_activity.csv``."""
        cat = load_catalog("solar_activity", directory)
        cat.require_technology(name, "activity")
        p = cat.parameters(name)
        return cls(name=name, f107=p["f107"], f107a=p["f107a"], ap=p["ap"])


def msis_available() -> bool:
    """Whether ``pymsis`` can be imported."""
    try:
        import pymsis  # noqa: F401
    except ImportError:
        return False
    return True


def msis_global_mean_density_kg_m3(
    altitude_km: ArrayLike, activity: SolarActivity, *, version: float = 2.1
) -> FloatArray:
    """NRLMSIS global-mean mass density [kg/m^3] (Emmert et al. [1]_).

    Averages over a 5 deg latitude grid weighted by ``cos(latitude)`` (equal area), 24
    longitudes at 00 UT (all local times) and the two equinoxes and two solstices of 2019.

    Parameters
    ----------
    altitude_km : array_like [km]
    activity : SolarActivity
    version : float
        MSIS version (2.1, 2.0 or 0 for NRLMSISE-00).
    """
    import pymsis

    alts = np.atleast_1d(np.asarray(altitude_km, dtype=float))
    dates = np.array(
        ["2019-03-20T00:00", "2019-06-21T00:00", "2019-09-23T00:00", "2019-12-21T00:00"],
        dtype="datetime64[m]",
    )
    lats = np.arange(-87.5, 90.0, 5.0)
    lons = np.arange(0.0, 360.0, 15.0)
    out = pymsis.calculate(
        dates,
        lons,
        lats,
        alts,
        f107s=np.full(dates.size, activity.f107),
        f107as=np.full(dates.size, activity.f107a),
        aps=np.full((dates.size, 7), activity.ap),
        version=version,
    )
    rho = out[..., pymsis.Variable.MASS_DENSITY]  # (dates, lons, lats, alts)
    weights = np.cos(np.radians(lats))[None, None, :, None]
    mean = np.sum(rho * weights, axis=(0, 1, 2)) / (np.sum(weights) * dates.size * lons.size)
    return np.asarray(mean, dtype=float).reshape(np.shape(altitude_km))


@functools.lru_cache(maxsize=16)
def _msis_grid(activity: SolarActivity) -> FloatArray:
    return msis_global_mean_density_kg_m3(GRID_KM, activity)


@functools.lru_cache(maxsize=16)
def _table_grid(level: str, directory: str | None) -> tuple[FloatArray, FloatArray]:
    profile = load_profile("atmosphere_density", directory)
    alt = np.asarray(profile.columns["altitude_km"], dtype=float)
    rho = np.asarray(profile.columns[f"density_{level}_kg_m3"], dtype=float)
    return alt, rho


def _exponential(altitude_km: FloatArray, directory: str | None) -> FloatArray:
    profile = load_profile("atmosphere_exponential", directory)
    h0 = np.asarray(profile.columns["base_altitude_km"])
    rho0 = np.asarray(profile.columns["density0_kg_m3"])
    scale = np.asarray(profile.columns["scale_height_km"])
    k = np.clip(np.searchsorted(h0, altitude_km, side="right") - 1, 0, h0.size - 1)
    return np.asarray(rho0[k] * np.exp(-(altitude_km - h0[k]) / scale[k]), dtype=float)


def density_kg_m3(
    altitude_km: ArrayLike,
    activity: str = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
) -> FloatArray:
    """Global-mean neutral mass density [kg/m^3].

    Parameters
    ----------
    altitude_km : array_like [km]
        In [100, 2000].
    activity : {"low", "moderate", "high"}
        ECSS long-term activity level (ignored by the exponential model, a mean atmosphere).
    model : {"msis", "table", "exponential"}
        ``"msis"`` falls back to ``"table"`` when ``pymsis`` is not installed.
    directory : path, optional
        Catalog folder.
    """
    require_choice("activity", activity, ACTIVITY_LEVELS)
    require_choice("atmosphere model", model, MODELS)
    h = np.asarray(altitude_km, dtype=float)
    if np.any((h < 100.0) | (h > 2000.0)) or not np.all(np.isfinite(h)):
        raise InputError("altitude_km", h.tolist(), "must be in [100, 2000] km")
    dirname = None if directory is None else os.fspath(directory)
    if model == "exponential":
        return _exponential(h, dirname)
    if model == "msis" and msis_available() and directory is None:
        grid, rho = GRID_KM, _msis_grid(SolarActivity.named(activity))
    elif model == "msis" and msis_available():
        grid, rho = GRID_KM, _msis_grid(SolarActivity.named(activity, directory))
    else:
        grid, rho = _table_grid(activity, dirname)
    return np.asarray(np.exp(np.interp(h, grid, np.log(rho))), dtype=float)


def tabulate_msis(directory: str | os.PathLike[str] | None = None) -> str:
    """CSV text of ``models/atmosphere_density.csv`` (NRLMSIS 2.1 global means)."""
    import pymsis

    cols = {lvl: _msis_grid(SolarActivity.named(lvl, directory)) for lvl in ACTIVITY_LEVELS}
    lines = [
        "# Global-mean neutral mass density: NRLMSIS 2.1 (Emmert et al. 2022) via pymsis "
        f"{pymsis.__version__},",
        "# averaged over latitude (cos-weighted), local time and the four seasons; regenerate with",
        "# orbitdc.environment.atmosphere.tabulate_msis(). Used when pymsis is not installed.",
    ]
    for lvl in ACTIVITY_LEVELS:
        lines.append(
            f"# source: density_{lvl}_kg_m3 = NRLMSIS 2.1 global mean at ECSS-E-ST-10-04C "
            f"{lvl} long-term activity (models/solar_activity.csv)"
        )
    lines.append("altitude_km," + ",".join(f"density_{lvl}_kg_m3" for lvl in ACTIVITY_LEVELS))
    for k, h in enumerate(GRID_KM):
        lines.append(f"{h:g}," + ",".join(f"{cols[lvl][k]:.5e}" for lvl in ACTIVITY_LEVELS))
    return "\n".join(lines) + "\n"
