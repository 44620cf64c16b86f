"""Solar activity through the solar cycle, year by year, and time-mean densities.

Orbital lifetimes of years to centuries see several 11-year solar cycles, and the density at
400-1,000 km changes by a factor 3-10 between solar minimum and maximum. The activity is
modelled as piecewise constant over calendar years:

* ``models/solar_cycle.csv``: yearly means of the observed daily F10.7, of its 81-day mean and
  of the daily Ap, 1954-2025, then CelesTrak's 50th-percentile monthly prediction to 2041-10
  (Ap after 2026-06 derived as the mean of cycles 19-24 at the same phase) [1]_ [2]_;
* ``models/solar_cycle_mean.csv``: the mean cycle of cycles 19-24 (11 phase-years, 10.92 yr
  rounded to 11), repeated after the last year of the series with its phase-year 0 in the
  year after it (the series ends at the predicted cycle 26/27 minimum). Repeating a recent or
  mean cycle beyond the predictions is the convention of orbit-lifetime tools (AGI STK
  Lifetime repeats the last 11-year cycle of its flux file [3]_).

A year's density is the global mean at that year's mean indices
(:func:`~orbitdc.environment.atmosphere.density_at_activity_kg_m3`). This leaves out the
variability within a year (27-day rotation, storms): the density is convex in F10.7 and Ap, so
yearly means understate the time-mean density somewhat (monthly instead of yearly values
shorten 800 km lifetimes by about 5 %, research notes risk_physics.md sec. 4.1).

References
----------
.. [1] CelesTrak, "Space Weather Data" (SW-All.txt, SW-Last5Years.txt) and format description,
   https://celestrak.org/SpaceData/SpaceWx-format.php.
.. [2] Matzka, J. et al., "The geomagnetic Kp index and derived indices of geomagnetic
   activity", Space Weather 19, e2020SW002641, 2021 (GFZ Potsdam Kp/ap/Ap/F10.7 series).
.. [3] AGI, *STK Lifetime* help, "Solar Flux File Format" (the last 11-year cycle is repeated
   past the end of the file).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.assumptions import load_profile
from orbitdc.environment.atmosphere import (
    ACTIVITY_LEVELS,
    SolarActivity,
    density_at_activity_kg_m3,
    density_kg_m3,
)
from orbitdc.errors import CatalogError, InputError, require_choice

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Activities the time-dependent functions accept: the constant ECSS levels and the cycle.
ACTIVITIES = (*ACTIVITY_LEVELS, "cycle")


@dataclass(frozen=True, eq=False)
class SolarCycle:
    """The yearly activity series and the mean cycle repeated after it.

    Rows ``0 .. n_years - 1`` are the calendar years ``first_year .. last_year``; rows
    ``n_years .. n_years + period_years - 1`` are the phase-years of the mean cycle.
    """

    first_year: int
    f107_sfu: FloatArray  #: per row [sfu]
    f107a_sfu: FloatArray  #: per row [sfu]
    ap: FloatArray  #: per row [-]
    n_years: int  #: rows of the yearly series
    period_years: int  #: phase-years of the mean cycle

    @property
    def last_year(self) -> int:
        """Last calendar year of the series."""
        return self.first_year + self.n_years - 1

    def row(self, year: ArrayLike) -> IntArray:
        """Row of each calendar year (the mean cycle's phase-year after the series).

        Raises
        ------
        InputError
            For years before the first year of the series.
        """
        y = np.asarray(year)
        if np.any(y < self.first_year):
            raise InputError(
                "start_year",
                int(np.min(y)),
                f"must be >= {self.first_year} (first year of models/solar_cycle.csv)",
            )
        after = y - self.last_year - 1
        return np.asarray(
            np.where(
                after < 0,
                y - self.first_year,
                self.n_years + np.mod(after, self.period_years),
            ),
            dtype=np.intp,
        )

    def is_cycle_start(self, year: ArrayLike) -> NDArray[np.bool_]:
        """Whether each calendar year is phase-year 0 of a repeated mean cycle."""
        after = np.asarray(year) - self.last_year - 1
        return np.asarray((after >= 0) & (np.mod(after, self.period_years) == 0))

    def activity(self, year: int) -> SolarActivity:
        """The activity of one calendar year."""
        r = int(self.row(year))
        return SolarActivity(
            name=str(year), f107=self.f107_sfu[r], f107a=self.f107a_sfu[r], ap=self.ap[r]
        )

    @property
    def mean_rows(self) -> IntArray:
        """Rows of the mean cycle."""
        return np.arange(self.n_years, self.n_years + self.period_years, dtype=np.intp)


@functools.lru_cache(maxsize=8)
def _load(directory: str | None) -> SolarCycle:
    series = load_profile("solar_cycle", directory)
    mean = load_profile("solar_cycle_mean", directory)
    years = np.asarray(series.columns["year"], dtype=float)
    if years.size == 0 or np.any(np.diff(years) != 1.0) or np.any(years != np.round(years)):
        raise CatalogError(f"{series.path}: years must be consecutive whole calendar years")
    phases = np.asarray(mean.columns["phase_year"], dtype=float)
    if np.any(phases != np.arange(phases.size)):
        raise CatalogError(f"{mean.path}: phase_year must run 0, 1, 2, ...")
    cols = {}
    for name in ("f107_sfu", "f107a_sfu", "ap"):
        cols[name] = np.concatenate(
            [np.asarray(series.columns[name], float), np.asarray(mean.columns[name], float)]
        )
    return SolarCycle(
        first_year=int(years[0]),
        f107_sfu=cols["f107_sfu"],
        f107a_sfu=cols["f107a_sfu"],
        ap=cols["ap"],
        n_years=years.size,
        period_years=phases.size,
    )


def load_solar_cycle(directory: str | os.PathLike[str] | None = None) -> SolarCycle:
    """The series of ``models/solar_cycle.csv`` and ``models/solar_cycle_mean.csv``."""
    return _load(None if directory is None else os.fspath(directory))


def activity_in_year(year: int, directory: str | os.PathLike[str] | None = None) -> SolarActivity:
    """Yearly-mean F10.7, F10.7a and Ap of a calendar year (the mean cycle after the series)."""
    return load_solar_cycle(directory).activity(year)


def check_start_year(start_year: ArrayLike | None) -> NDArray[np.int64]:
    """``start_year`` as integer calendar years; required by ``activity="cycle"``.

    Raises
    ------
    InputError
        When it is missing or not whole years.
    """
    if start_year is None:
        raise InputError("start_year", None, "is required with activity = 'cycle'")
    y = np.asarray(start_year)
    if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
        raise InputError("start_year", y.tolist(), "must be whole calendar years")
    return np.asarray(np.round(y), dtype=np.int64)


def year_weights(
    start_year: int, years: float, cycle: SolarCycle
) -> tuple[IntArray, FloatArray]:
    """Rows and weights [yr] of the calendar years in ``[start_year, start_year + years)``."""
    n = int(np.ceil(years))
    calendar = start_year + np.arange(n)
    weight = np.clip(start_year + years - calendar, 0.0, 1.0)
    rows = cycle.row(calendar)
    total = np.bincount(rows, weights=weight, minlength=cycle.f107_sfu.size)
    used = np.flatnonzero(total > 0.0)
    return used.astype(np.intp), np.asarray(total[used], dtype=float)


def mean_density_kg_m3(
    altitude_km: ArrayLike,
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    start_year: ArrayLike | None = None,
    years: ArrayLike = 1.0,
) -> FloatArray:
    """Time-mean global density at fixed altitude over a period [kg/m^3].

    ``rho_mean(h) = (1 / Y) sum_y w_y rho(h; F10.7_y, F10.7a_y, Ap_y)`` over the calendar years
    ``y`` of ``[start_year, start_year + Y)``, ``w_y`` the part of year ``y`` in it. For a
    constant level (or a :class:`SolarActivity`) it is the density at that level. Drag
    quantities linear in density at fixed altitude (station-keeping delta-v, decay rate) take
    this mean.

    Parameters
    ----------
    altitude_km : array_like [km]
    activity : {"low", "moderate", "high", "cycle"} or SolarActivity
    model : {"msis", "table", "exponential"}
    directory : path, optional
        Catalog folder (solar-cycle series, tables, levels).
    start_year : int or array_like of int, optional
        First calendar year of the period; required with ``"cycle"``. Broadcasts with
        ``altitude_km`` and ``years``.
    years : float or array_like [yr]
        Length of the period, > 0.
    """
    if isinstance(activity, SolarActivity) or activity != "cycle":
        if not isinstance(activity, SolarActivity):
            require_choice("activity", activity, ACTIVITIES)
        return density_kg_m3(altitude_km, activity, model, directory)
    h, y0, span = np.broadcast_arrays(
        np.asarray(altitude_km, dtype=float), check_start_year(start_year),
        np.asarray(years, dtype=float),
    )
    if not (np.all(np.isfinite(span)) and np.all(span > 0.0)):
        raise InputError("years", np.unique(span).tolist(), "must be > 0")
    cycle = load_solar_cycle(directory)
    out = np.empty(h.shape)
    pairs = np.stack([y0.ravel().astype(float), span.ravel()], axis=1)
    uniq, inverse = np.unique(pairs, axis=0, return_inverse=True)
    inverse = inverse.reshape(h.shape)
    for k, (first, length) in enumerate(uniq):
        sel = inverse == k
        rows, w = year_weights(int(first), float(length), cycle)
        rho = density_at_activity_kg_m3(
            h[sel][None, :],
            cycle.f107_sfu[rows, None],
            cycle.f107a_sfu[rows, None],
            cycle.ap[rows, None],
            model,
            directory,
        )
        out[sel] = w @ rho / length
    return out
