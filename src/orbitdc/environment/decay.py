"""Orbital decay of circular orbits by drag: lifetime, station keeping, disposal.

A near-circular orbit decays through a sequence of circular orbits (King-Hele [1]_; Vallado [2]_
ch. 9) at the rate

``da/dt = -rho(h, t) sqrt(mu a) / BC``,    ``BC = m / (c_D A)`` [kg/m^2].

**Constant activity.** The time to fall from ``h0`` to the entry interface ``h_e`` is

``t = BC T(h0)``,   ``T(h) = int_{h_e}^{h} dh' / (rho(h') sqrt(mu (R_E + h')))`` [s m^2/kg].

``T`` does not depend on ``BC``: it is tabulated once per atmosphere on a 0.5 km grid
(trapezoidal rule) and the lifetime of any satellite is ``BC`` times it.

**Through the solar cycle** (``activity="cycle"``, :mod:`orbitdc.environment.solar_cycle`),
the activity is constant within each calendar year ``y``, so the same relation holds year by
year with that year's table ``T_y``: an object at ``h`` on 1 January is at

``h' = T_y^-1(T_y(h) - 1 yr / BC)``

on 31 December, or re-enters during the year, ``BC T_y(h)`` after 1 January, when
``T_y(h) <= 1 yr / BC``. This is exact for piecewise-constant yearly activity (up to the
tabulation of ``T_y``). After the yearly series the mean cycle repeats; at the start of each
repeated cycle an object whose remaining lifetime under the cycle-mean density
``rho_bar = (1/11) sum rho_phase`` exceeds ``(K + 1)`` cycles (``K`` =
:data:`EXACT_CYCLES_BEFORE_ENTRY` = 3) skips ``n`` whole cycles at once through the cycle-mean
table, ``T_bar(h') = T_bar(h) - n P / BC`` (first-order averaging over the cycle, accurate
while an object loses little altitude per cycle [6]_), leaving its last ``K`` to ``K + 2``
cycles to the yearly steps; two copies skipping ``n - 1`` and ``n`` cycles are blended so that
lifetime stays continuous and increasing in altitude and ``BC``. Against yearly steps to the
end the skip changes lifetimes by at most 0.62 % (600-1,400 km, BC 1-45 kg/m^2, start years
2022-2044; tests/test_solar_cycle.py checks 1 %), and a call costs a few tens of yearly steps
whatever the lifetime.

Holding a shell against drag costs the drag deceleration integrated over a year,
``dv/yr = rho v^2 / (2 BC) x 1 yr`` (SMAD [3]_ sec. 6.2.3), and propellant follows from the
rocket equation; through the cycle both take the time-mean density over the period
(:func:`~orbitdc.environment.solar_cycle.mean_density_kg_m3`).

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
.. [6] Sanders, J. A., Verhulst, F. and Murdock, J., *Averaging Methods in Nonlinear Dynamical
   Systems*, 2nd ed., Springer, 2007, ch. 2 (first-order periodic averaging).
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
from orbitdc.environment.atmosphere import (
    SolarActivity,
    density_at_activity_kg_m3,
    density_kg_m3,
)
from orbitdc.environment.solar_cycle import (
    ACTIVITIES,
    SolarCycle,
    check_start_year,
    load_solar_cycle,
    mean_density_kg_m3,
)
from orbitdc.errors import require_choice, require_range
from orbitdc.propulsion import hohmann_dv_m_s

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Entry interface [km]: below it an object re-enters within hours (NASA's 400,000 ft = 122 km
#: convention for atmospheric entry, Vallado ch. 9).
ENTRY_ALTITUDE_KM = 122.0

#: Whole cycles an object is stepped year by year before re-entry, at least (see the module
#: notes: earlier cycles may be skipped through the cycle-mean density).
EXACT_CYCLES_BEFORE_ENTRY = 3

_MU_M3_S2 = MU_EARTH_KM3_S2 * 1e9
_STEP_KM = 0.5
_FINE_KM = np.arange(ENTRY_ALTITUDE_KM, 2000.0 + 1e-9, _STEP_KM)
#: Buckets of ``log(1 + T)`` that index the inverse of the lifetime tables.
_BUCKETS = 8192


def _per_bc_table(rho: FloatArray) -> FloatArray:
    """Cumulative ``int dh / (rho sqrt(mu a))`` from the entry interface [s m^2/kg].

    ``rho`` holds densities on ``_FINE_KM`` along its last axis.
    """
    a_m = (R_EARTH_KM + _FINE_KM) * 1e3
    integrand = 1.0 / (rho * np.sqrt(_MU_M3_S2 * a_m))  # s per m of altitude, per unit BC
    steps = 0.5 * (integrand[..., 1:] + integrand[..., :-1]) * np.diff(_FINE_KM) * 1e3
    zero = np.zeros(rho.shape[:-1] + (1,))
    return np.concatenate([zero, np.cumsum(steps, axis=-1)], axis=-1)


@functools.lru_cache(maxsize=32)
def _lifetime_per_bc_table(
    activity: str | SolarActivity, model: str, directory: str | None
) -> FloatArray:
    """``T(h)`` on ``_FINE_KM`` at a constant activity [s m^2/kg]."""
    return _per_bc_table(density_kg_m3(_FINE_KM, activity, model, directory))


@dataclass(frozen=True, eq=False)
class _CycleTables:
    """``T_y`` for the rows ``first_row ..`` of a :class:`SolarCycle`, and ``T_bar``.

    :meth:`inverse` brackets ``T`` in each object's own row through a bucket index: ``log(1 +
    T)`` is cut into :data:`_BUCKETS` equal buckets and ``bucket_start[r, j]`` is the last grid
    cell of row ``r`` at or below bucket ``j``; at most ``max_advance`` cells lie in a bucket,
    so a few vectorised steps finish the search.
    """

    cycle: SolarCycle
    first_row: int
    per_bc: FloatArray  #: (rows, fine) [s m^2/kg]
    mean_per_bc: FloatArray  #: (fine,) cycle-mean density [s m^2/kg]
    bucket_start: IntArray  #: (rows, buckets + 1)
    bucket_width: float
    max_advance: int

    @classmethod
    def build(
        cls, cycle: SolarCycle, first_row: int, model: str, directory: str | None
    ) -> _CycleTables:
        """Tables of the rows ``first_row ..`` (densities from the activity grid)."""
        rows = np.arange(first_row, cycle.f107_sfu.size)
        rho = density_at_activity_kg_m3(
            _FINE_KM[None, :],
            cycle.f107_sfu[rows, None],
            cycle.f107a_sfu[rows, None],
            cycle.ap[rows, None],
            model,
            directory,
        )
        per_bc = _per_bc_table(rho)
        mean_rho = rho[cycle.mean_rows - first_row].mean(axis=0)
        logs = np.log1p(per_bc)
        width = float(np.max(logs)) * (1.0 + 1e-12) / _BUCKETS
        edges = np.arange(_BUCKETS + 1) * width
        start = np.empty((rows.size, _BUCKETS + 1), dtype=np.intp)
        advance = 0
        for r in range(rows.size):
            start[r] = np.searchsorted(logs[r], edges, side="right") - 1
            advance = max(advance, int(np.max(np.bincount((logs[r] / width).astype(np.intp)))))
        return cls(
            cycle, first_row, per_bc, _per_bc_table(mean_rho), start, width, advance
        )

    def forward(self, row: IntArray, altitude_km: FloatArray) -> FloatArray:
        """``T_row(h)`` [s m^2/kg]."""
        x = (altitude_km - ENTRY_ALTITUDE_KM) / _STEP_KM
        k = np.minimum(x.astype(np.intp), _FINE_KM.size - 2)
        r = row - self.first_row
        lo, hi = self.per_bc[r, k], self.per_bc[r, k + 1]
        return np.asarray(lo + (x - k) * (hi - lo), dtype=float)

    def inverse(self, row: IntArray, per_bc: FloatArray) -> FloatArray:
        """Altitude ``h`` with ``T_row(h) = per_bc`` [km], for ``per_bc >= 0``."""
        r = row - self.first_row
        last = _FINE_KM.size - 2
        j = np.minimum((np.log1p(per_bc) / self.bucket_width).astype(np.intp), _BUCKETS)
        k = np.minimum(self.bucket_start[r, j], last)
        for _ in range(self.max_advance + 1):
            step = (self.per_bc[r, k + 1] <= per_bc) & (k < last)
            if not step.any():
                break
            k += step
        lo, hi = self.per_bc[r, k], self.per_bc[r, k + 1]
        frac = np.clip((per_bc - lo) / (hi - lo), 0.0, 1.0)
        return np.asarray(_FINE_KM[k] + frac * _STEP_KM, dtype=float)


@functools.lru_cache(maxsize=16)
def _cycle_tables(model: str, directory: str | None, first_row: int) -> _CycleTables:
    return _CycleTables.build(load_solar_cycle(directory), first_row, model, directory)


def _cycle_lifetime_years(
    altitude_km: FloatArray,
    bc_kg_m2: FloatArray,
    start_year: NDArray[np.int64],
    tables: _CycleTables,
    exact_cycles: int = EXACT_CYCLES_BEFORE_ENTRY,
) -> FloatArray:
    """Lifetimes through the yearly series and the repeated mean cycle [yr] (1-D inputs).

    At the first start of a repeated mean cycle an object meets, with ``s = L_bar / P - K``
    (``L_bar = BC T_bar(h)``, ``P`` the period, ``K = exact_cycles``) and ``n = floor(s) >= 1``,
    the lifetime is the blend ``(1 - w) L(skip n - 1) + w L(skip n)``, ``w = s - n``, of two
    copies that skip ``n - 1`` and ``n`` whole cycles through ``T_bar`` and then step year by
    year (``K + 1`` to ``K + 2`` and ``K`` to ``K + 1`` mean cycles before entry). The blend
    keeps the lifetime continuous and increasing in altitude and ``BC`` where the number of
    skipped cycles changes. ``exact_cycles < 0`` steps every year to the end (for tests).
    """
    cycle = tables.cycle
    period = cycle.period_years
    year_s = SECONDS_PER_YEAR
    n = altitude_km.size
    # Slots 0..n-1: the objects; n..2n-1: their copies that skip one cycle fewer.
    h = np.concatenate([altitude_km, altitude_km])
    bc = np.concatenate([bc_kg_m2, bc_kg_m2])
    year = np.concatenate([start_year, start_year])
    elapsed = np.zeros(2 * n)
    weight = np.ones(n)  # of the object; its copy takes 1 - weight
    checked = np.zeros(2 * n, dtype=bool)
    checked[n:] = True
    out = np.zeros(2 * n)
    alive = np.arange(n)
    while alive.size:
        if exact_cycles >= 0:
            at = alive[~checked[alive] & cycle.is_cycle_start(year[alive])]
            checked[at] = True
            tbar = np.interp(h[at], _FINE_KM, tables.mean_per_bc)
            s = bc[at] * tbar / (period * year_s) - exact_cycles
            go = s >= 1.0
            at, s, tbar = at[go], s[go], tbar[go]
            if at.size:
                skip = np.floor(s)
                weight[at] = s - skip
                copies = at + n
                t0, y0 = elapsed[at], year[at]
                for slots, cycles in ((at, skip), (copies, skip - 1.0)):
                    rest = tbar - cycles * period * year_s / bc[at]
                    h[slots] = np.interp(rest, tables.mean_per_bc, _FINE_KM)
                    elapsed[slots] = t0 + cycles * period
                    year[slots] = y0 + (cycles * period).astype(np.int64)
                alive = np.concatenate([alive, copies])
        rows = cycle.row(year[alive])
        tau = tables.forward(rows, h[alive])
        budget = year_s / bc[alive]
        ends = tau <= budget
        done = alive[ends]
        out[done] = elapsed[done] + bc[done] * tau[ends] / year_s
        keep = ~ends
        alive = alive[keep]
        h[alive] = tables.inverse(rows[keep], tau[keep] - budget[keep])
        elapsed[alive] += 1.0
        year[alive] += 1
    blended = weight < 1.0
    out[:n][blended] = (
        weight[blended] * out[:n][blended] + (1.0 - weight[blended]) * out[n:][blended]
    )
    return out[:n]


def _check_orbit(h: FloatArray, bc: FloatArray) -> None:
    if np.any(h < ENTRY_ALTITUDE_KM) or np.any(h > 2000.0) or not np.all(np.isfinite(h)):
        require_range("altitude_km", float(np.max(h)), ge=ENTRY_ALTITUDE_KM, le=2000.0)
        require_range("altitude_km", float(np.min(h)), ge=ENTRY_ALTITUDE_KM, le=2000.0)
    if np.any(bc <= 0.0) or not np.all(np.isfinite(bc)):
        require_range("ballistic_coefficient_kg_m2", float(np.min(bc)), gt=0.0)


def _folder(directory: str | os.PathLike[str] | None) -> str | None:
    return None if directory is None else os.fspath(directory)


def lifetime_years(
    altitude_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    start_year: ArrayLike | None = None,
) -> FloatArray:
    """Time for a circular orbit to decay to the entry interface [yr] (King-Hele [1]_).

    Parameters
    ----------
    altitude_km : array_like [km]
        Initial circular altitude, in [122, 2000].
    ballistic_coefficient_kg_m2 : array_like [kg/m^2]
        ``m / (c_D A)``; larger values decay more slowly (at constant activity lifetime is
        proportional to it).
    activity : {"low", "moderate", "high", "cycle"} or SolarActivity
        A constant activity over the whole decay (ECSS level or any indices), or ``"cycle"``:
        the yearly series from ``start_year``, then the repeated mean cycle (module notes).
    model : {"msis", "table", "exponential"}
        Atmosphere model (:mod:`orbitdc.environment.atmosphere`).
    directory : path, optional
        Catalog folder (atmosphere tables, activity levels, solar-cycle series).
    start_year : int or array_like of int, optional
        Calendar year whose 1 January the decay starts; required with ``"cycle"``, ignored
        otherwise. Broadcasts with the other arrays, e.g. ``altitude_km[:, None]`` against
        ``start_year[None, :]`` for lifetimes over several deployment years in one call.
    """
    h = np.asarray(altitude_km, dtype=float)
    bc = np.asarray(ballistic_coefficient_kg_m2, dtype=float)
    _check_orbit(h, bc)
    folder = _folder(directory)
    if isinstance(activity, SolarActivity) or activity != "cycle":
        if not isinstance(activity, SolarActivity):
            require_choice("activity", activity, ACTIVITIES)
        table = _lifetime_per_bc_table(activity, model, folder)
        per_bc = np.interp(h, _FINE_KM, table)
        return np.asarray(bc * per_bc / SECONDS_PER_YEAR, dtype=float)
    years = check_start_year(start_year)
    hb, bcb, yb = np.broadcast_arrays(h, bc, years)
    cycle = load_solar_cycle(folder)
    first_row = cycle.n_years
    if yb.size:
        first_row = min(int(np.min(cycle.row(yb))), cycle.n_years)
    tables = _cycle_tables(model, folder, first_row)
    out = _cycle_lifetime_years(
        hb.ravel().astype(float), bcb.ravel().astype(float), yb.ravel().astype(np.int64), tables
    )
    return out.reshape(hb.shape)


def decay_time_per_bc_years(
    altitude_km: ArrayLike,
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    year: ArrayLike | None = None,
) -> FloatArray:
    """``T(h)``: decay time per unit ``BC`` from ``h`` to the entry interface [yr m^2/kg].

    At a constant activity the table behind :func:`lifetime_years` (a lifetime is ``BC T(h)``);
    with ``activity="cycle"`` the table of one calendar ``year`` with that year's activity held
    (``T_y`` of the module notes), so that ``BC (T_y(h2) - T_y(h1))`` is the time an object
    takes to fall from ``h2`` to ``h1`` during that year. ``year`` broadcasts against
    ``altitude_km`` (years after the recorded series take the repeated mean cycle).
    """
    h = np.asarray(altitude_km, dtype=float)
    _check_orbit(h, np.ones(1))
    folder = _folder(directory)
    if isinstance(activity, SolarActivity) or activity != "cycle":
        if not isinstance(activity, SolarActivity):
            require_choice("activity", activity, ACTIVITIES)
        table = _lifetime_per_bc_table(activity, model, folder)
        return np.asarray(np.interp(h, _FINE_KM, table) / SECONDS_PER_YEAR, dtype=float)
    years = check_start_year(year)
    hb, yb = np.broadcast_arrays(h, years)
    cycle = load_solar_cycle(folder)
    rows = cycle.row(yb.ravel().astype(np.int64))
    first_row = min(int(np.min(rows)), cycle.n_years) if rows.size else cycle.n_years
    tables = _cycle_tables(model, folder, first_row)
    out = tables.forward(rows, hb.ravel().astype(float)) / SECONDS_PER_YEAR
    return np.asarray(out.reshape(hb.shape), dtype=float)


def decay_rate_km_per_year(
    altitude_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    start_year: ArrayLike | None = None,
    years: ArrayLike = 1.0,
) -> FloatArray:
    """Altitude loss rate of a circular orbit at fixed altitude [km/yr]: ``rho sqrt(mu a) / BC``.

    With ``activity="cycle"`` the time-mean rate over ``[start_year, start_year + years)`` at
    that altitude (the rate is linear in density); arguments as :func:`lifetime_years` and
    :func:`~orbitdc.environment.solar_cycle.mean_density_kg_m3`.
    """
    h = np.asarray(altitude_km, dtype=float)
    rho = mean_density_kg_m3(h, activity, model, directory, start_year, years)
    rate_m_s = rho * np.sqrt(_MU_M3_S2 * (R_EARTH_KM + h) * 1e3) / np.asarray(
        ballistic_coefficient_kg_m2, dtype=float
    )
    return np.asarray(rate_m_s * SECONDS_PER_YEAR / 1e3, dtype=float)


def stationkeeping_dv_m_s_per_year(
    altitude_km: ArrayLike,
    ballistic_coefficient_kg_m2: ArrayLike,
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    start_year: ArrayLike | None = None,
    years: ArrayLike = 1.0,
) -> FloatArray:
    """Velocity increment per year that cancels drag on a circular orbit [m/s/yr].

    ``dv = rho v^2 / (2 BC) x (1 yr)`` (SMAD [3]_ sec. 6.2.3), ``v = sqrt(mu / a)``; with
    ``activity="cycle"`` the mean per year over ``[start_year, start_year + years)`` (e.g. the
    design life from the deployment year).
    """
    h = np.asarray(altitude_km, dtype=float)
    rho = mean_density_kg_m3(h, activity, model, directory, start_year, years)
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
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
    *,
    rule_years: float,
    guideline_years: float,
    start_year: int | None = None,
) -> DisposalAssessment:
    """Passive-decay compliance, and the propulsive disposal needed when it fails.

    A non-compliant satellite is lowered (conservatively by a two-burn Hohmann transfer to a
    circular orbit, rather than a perigee-lowering burn) to the altitude whose passive lifetime
    equals ``rule_years``.

    Parameters
    ----------
    activity, model, directory
        As :func:`lifetime_years`.
    rule_years : float [yr]
        Disposal rule a passive decay must meet (FCC 22-74 [4]_: 5 years;
        ``models/operations.csv``).
    guideline_years : float [yr]
        The older guideline reported beside it (IADC [5]_: 25 years).
    start_year : int, optional
        With ``activity="cycle"``: the calendar year the satellite is abandoned or disposed
        of (its passive decay and the disposal orbit's 5 years start then).
    """

    def life(h: float) -> float:
        return float(
            lifetime_years(
                h, ballistic_coefficient_kg_m2, activity, model, directory, start_year
            )
        )

    passive = life(altitude_km)
    target = altitude_km
    if passive > rule_years:
        target = float(
            optimize.brentq(
                lambda h: life(h) - rule_years, ENTRY_ALTITUDE_KM, altitude_km, xtol=1e-3
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
