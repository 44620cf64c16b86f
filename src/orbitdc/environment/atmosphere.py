"""Neutral mass density of the thermosphere versus altitude and solar activity.

Three models, selectable by name:

``"msis"``
    NRLMSIS 2.1 [1]_ through the ``pymsis`` package, averaged over latitude (area-weighted),
    longitude (i.e. local time) and the four seasons. The default when ``pymsis`` is installed.
``"table"``
    The same global means at the ECSS long-term activity levels of
    ``models/solar_activity.csv`` [2]_, tabulated in ``models/atmosphere_density.csv`` (the
    fallback when ``pymsis`` is missing; :func:`tabulate_msis` regenerates it).
``"exponential"``
    Vallado's piecewise exponential atmosphere [3]_ (``models/atmosphere_exponential.csv``),
    a mean-activity reference without any dependence on solar activity.

Activity is either a named ECSS level (``"low"``, ``"moderate"``, ``"high"``) or any
``(F10.7, F10.7a, Ap)`` (:func:`density_at_activity_kg_m3`, or a :class:`SolarActivity` given to
:func:`density_kg_m3`):

* ``"msis"`` evaluates NRLMSIS at the named levels exactly, and at other activities
  log-interpolates a lazily filled, cached grid of global means: bilinear in
  ``(F10.7a, Ap)`` with ``F10.7 = F10.7a`` (:data:`F107A_NODES_SFU`, :data:`AP_NODES`), plus the
  daily-flux term ``log rho(F10.7, F10.7a, 15) - log rho(F10.7a, F10.7a, 15)`` bilinear in
  ``(F10.7a, F10.7 - F10.7a)`` (:data:`DF107_NODES_SFU`). Against NRLMSIS evaluated directly
  the grid is within 0.5 % over 120-2,000 km for ``F10.7 = F10.7a`` and within 2.5 % for daily
  fluxes up to 60 sfu from their 81-day mean (tests/test_solar_cycle.py checks 1 % and 2.5 %).
* ``"table"`` log-interpolates the three tabulated levels linearly in F10.7a (extrapolating
  beyond 65 or 250 sfu). It ignores Ap and ``F10.7 - F10.7a``: Ap follows the ECSS ladder
  (0 at 65 sfu, 15 at 140, 45 at 250). Against NRLMSIS at the same F10.7a with Ap = 15 it is
  off by -34 % to +2 % at 400 km, -17 % to +6 % at 800 km and -16 % to +12 % at 1,100 km for
  70-230 sfu, lowest at low flux where the ladder's Ap falls towards 0 (lifetime effects in
  design/risk_model.md, "Solar cycle").
* ``"exponential"`` returns the same profile at every activity.

Densities between altitude grid points are interpolated linearly in ``log(rho)`` (the
atmosphere is close to exponential locally).

References
----------
.. [1] Emmert, J. T. et al., "NRLMSIS 2.0: A whole-atmosphere empirical model of temperature and
   neutral species densities", Earth and Space Science 8, e2020EA001321, 2021; NRLMSIS 2.1:
   Emmert et al., 2022, doi:10.1029/2022EA002519.
.. [2] ECSS-E-ST-10-04C, *Space engineering: Space environment*, 2008, Table 6-3 and clause
   7.2.1.2.
.. [3] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013,
   Table 8-4.
.. [4] Abramowitz, M. and Stegun, I. A., *Handbook of Mathematical Functions*, 1964, 25.4.29
   (Gauss-Legendre quadrature).
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.assumptions import load_catalog, load_profile
from orbitdc.errors import InputError, require_choice

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

ACTIVITY_LEVELS = ("low", "moderate", "high")
MODELS = ("msis", "table", "exponential")

#: Altitude grid of the tabulated / cached global means [km].
GRID_KM = np.arange(100.0, 2000.0 + 1e-9, 10.0)

#: F10.7a nodes of the cached NRLMSIS grid [sfu]: 5 sfu apart below 100 sfu, where
#: ``log(rho)`` bends most, 10 sfu above. They include the ECSS levels 65, 140 and 250 sfu.
F107A_NODES_SFU = np.concatenate([np.arange(60.0, 100.0, 5.0), np.arange(100.0, 300.1, 10.0)])
#: Ap nodes of the cached NRLMSIS grid [-] (closer at low Ap, where ``log(rho)`` bends most).
AP_NODES = np.array([0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 20.0, 25.0, 30.0, 37.0, 45.0, 60.0])
#: Nodes of the daily-flux offset ``F10.7 - F10.7a`` [sfu].
DF107_NODES_SFU = np.arange(-80.0, 80.1, 20.0)
#: Ap at which the daily-flux term is tabulated [-].
AP_REFERENCE = 15.0

_SEASONS = np.array(
    ["2019-03-20T00:00", "2019-06-21T00:00", "2019-09-23T00:00", "2019-12-21T00:00"],
    dtype="datetime64[m]",
)
_GL_SIN_LAT, _GL_WEIGHTS = np.polynomial.legendre.leggauss(6)
_LATS_DEG = np.degrees(np.arcsin(_GL_SIN_LAT))
_LONS_DEG = np.arange(8) * 45.0


@dataclass(frozen=True)
class SolarActivity:
    """A solar/geomagnetic activity: a long-term level (ECSS-E-ST-10-04C [2]_) or any indices."""

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


def _msis_global_means(
    altitude_km: FloatArray, f107: FloatArray, f107a: FloatArray, ap: FloatArray, version: float
) -> FloatArray:
    """Global means [kg/m^3], shape ``(len(f107), len(altitude_km))``; see the public function."""
    import pymsis

    out = np.empty((f107.size, altitude_km.size))
    for start in range(0, f107.size, 8):  # ~25 MB of pymsis output per chunk of 8 activities
        sl = slice(start, start + 8)
        n = f107[sl].size
        res = pymsis.calculate(
            np.tile(_SEASONS, n),
            _LONS_DEG,
            _LATS_DEG,
            altitude_km,
            f107s=np.repeat(f107[sl], _SEASONS.size),
            f107as=np.repeat(f107a[sl], _SEASONS.size),
            aps=np.repeat(ap[sl], _SEASONS.size)[:, None] * np.ones(7),
            version=version,
        )
        rho = res[..., pymsis.Variable.MASS_DENSITY]  # (dates, lons, lats, alts)
        zonal = np.einsum("dolh,l->dh", rho, _GL_WEIGHTS) / (_GL_WEIGHTS.sum() * _LONS_DEG.size)
        out[sl] = zonal.reshape(n, _SEASONS.size, -1).mean(axis=1)
    return out


def msis_global_mean_density_kg_m3(
    altitude_km: ArrayLike, activity: SolarActivity, *, version: float = 2.1
) -> FloatArray:
    """NRLMSIS global-mean mass density [kg/m^3] (Emmert et al. [1]_).

    The area-weighted mean over the sphere, ``(1/4 pi) int rho dlon d(sin lat)``, by a 6-point
    Gauss-Legendre rule in ``sin(latitude)`` [4]_ and 8 longitudes at 00 UT (every 3 hours of
    local time), averaged over the two equinoxes and two solstices of 2019. Against a 24 x 48
    point rule the quadrature is within 2e-4 over 120-2,000 km at the ECSS levels.

    Parameters
    ----------
    altitude_km : array_like [km]
    activity : SolarActivity
    version : float
        MSIS version (2.1, 2.0 or 0 for NRLMSISE-00).
    """
    alts = np.atleast_1d(np.asarray(altitude_km, dtype=float))
    mean = _msis_global_means(
        alts.ravel(),
        np.array([activity.f107]),
        np.array([activity.f107a]),
        np.array([activity.ap]),
        version,
    )[0]
    return np.asarray(mean, dtype=float).reshape(np.shape(altitude_km))


class _MsisMemo:
    """``log`` of NRLMSIS 2.1 global means on :data:`GRID_KM`, per ``(F10.7, F10.7a, Ap)``.

    Filled on demand, several activities per ``pymsis`` call (~30 ms per activity).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._profiles: dict[tuple[float, float, float], FloatArray] = {}

    def log_profiles(self, keys: NDArray[np.float64]) -> FloatArray:
        """Rows of ``log(rho)`` on :data:`GRID_KM` for the ``(n, 3)`` activities ``keys``."""
        tuples = [(float(a), float(b), float(c)) for a, b, c in keys]
        with self._lock:
            missing = sorted({t for t in tuples if t not in self._profiles})
            if missing:
                arr = np.array(missing, dtype=float)
                rho = _msis_global_means(GRID_KM, arr[:, 0], arr[:, 1], arr[:, 2], 2.1)
                for t, row in zip(missing, np.log(rho), strict=True):
                    self._profiles[t] = row
            return np.array([self._profiles[t] for t in tuples]).reshape(len(tuples), -1)

    def clear(self) -> None:
        """Forget every cached profile."""
        with self._lock:
            self._profiles.clear()

    def __len__(self) -> int:
        return len(self._profiles)


_MSIS = _MsisMemo()


@functools.lru_cache(maxsize=16)
def _msis_grid(activity: SolarActivity) -> FloatArray:
    key = np.array([[activity.f107, activity.f107a, activity.ap]])
    return np.asarray(np.exp(_MSIS.log_profiles(key)[0]), dtype=float)


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


def _bracket(x: FloatArray, nodes: FloatArray) -> tuple[IntArray, FloatArray]:
    """Segment index ``k`` and weight ``t`` with ``x = (1 - t) nodes[k] + t nodes[k + 1]``.

    ``t`` is not clipped: values outside the nodes extrapolate the end segments.
    """
    k = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, nodes.size - 2)
    t = (x - nodes[k]) / (nodes[k + 1] - nodes[k])
    return k, t


def _interp_rows(x: FloatArray, grid: FloatArray, table: FloatArray, rows: IntArray) -> FloatArray:
    """Linear interpolation of ``table[rows[i]]`` (on ``grid``) at ``x[i]``."""
    k, t = _bracket(x, grid)
    return np.asarray((1.0 - t) * table[rows, k] + t * table[rows, k + 1], dtype=float)


def _msis_log_profiles(f107: FloatArray, f107a: FloatArray, ap: FloatArray) -> FloatArray:
    """``log(rho)`` on :data:`GRID_KM` at each activity, interpolated on the cached grid."""
    i, tf = _bracket(f107a, F107A_NODES_SFU)
    j, ta = _bracket(ap, AP_NODES)
    fa_nodes = F107A_NODES_SFU[np.stack([i, i, i + 1, i + 1])]
    ap_nodes = AP_NODES[np.stack([j, j + 1, j, j + 1])]
    weights = np.stack([(1 - tf) * (1 - ta), (1 - tf) * ta, tf * (1 - ta), tf * ta])
    keys = np.stack([fa_nodes, fa_nodes, ap_nodes], axis=-1).reshape(-1, 3)
    corners = _MSIS.log_profiles(keys).reshape(4, f107.size, -1)
    logp = np.einsum("cn,cnh->nh", weights, corners)
    df = f107 - f107a
    daily = df != 0.0
    if np.any(daily):
        i2, tf2 = _bracket(f107a[daily], F107A_NODES_SFU)
        k, td = _bracket(df[daily], DF107_NODES_SFU)
        fa2 = F107A_NODES_SFU[np.stack([i2, i2, i2 + 1, i2 + 1])]
        d2 = DF107_NODES_SFU[np.stack([k, k + 1, k, k + 1])]
        w2 = np.stack([(1 - tf2) * (1 - td), (1 - tf2) * td, tf2 * (1 - td), tf2 * td])
        ref = np.full_like(fa2, AP_REFERENCE)
        shifted = np.stack([fa2 + d2, fa2, ref], axis=-1).reshape(-1, 3)
        base = np.stack([fa2, fa2, ref], axis=-1).reshape(-1, 3)
        n = int(np.count_nonzero(daily))
        offset = (_MSIS.log_profiles(shifted) - _MSIS.log_profiles(base)).reshape(4, n, -1)
        logp[daily] += np.einsum("cn,cnh->nh", w2, offset)
    return np.asarray(logp, dtype=float)


def _table_log_profiles(
    f107a: FloatArray, directory: str | os.PathLike[str] | None
) -> tuple[FloatArray, FloatArray]:
    """Altitudes and ``log(rho)`` of the table model, log-linear in F10.7a between the levels."""
    dirname = None if directory is None else os.fspath(directory)
    levels = sorted(
        (SolarActivity.named(lvl, directory) for lvl in ACTIVITY_LEVELS), key=lambda a: a.f107a
    )
    alt = _table_grid(levels[0].name, dirname)[0]
    logs = np.array([np.log(_table_grid(lv.name, dirname)[1]) for lv in levels])
    k, t = _bracket(f107a, np.array([lv.f107a for lv in levels]))
    return alt, np.asarray((1.0 - t)[:, None] * logs[k] + t[:, None] * logs[k + 1], dtype=float)


def _check_altitude(h: FloatArray) -> None:
    if np.any((h < 100.0) | (h > 2000.0)) or not np.all(np.isfinite(h)):
        raise InputError("altitude_km", h.tolist(), "must be in [100, 2000] km")


def density_at_activity_kg_m3(
    altitude_km: ArrayLike,
    f107_sfu: ArrayLike,
    f107a_sfu: ArrayLike,
    ap: ArrayLike,
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
) -> FloatArray:
    """Global-mean neutral mass density [kg/m^3] at any solar/geomagnetic activity.

    All arguments broadcast together; see the module notes for how each model treats
    activity (``"msis"``: interpolated NRLMSIS 2.1 grid; ``"table"``: log-linear in F10.7a
    between the ECSS levels; ``"exponential"``: independent of activity).

    Parameters
    ----------
    altitude_km : array_like [km]
        In [100, 2000].
    f107_sfu : array_like [sfu]
        Daily F10.7 (of the previous day, as NRLMSIS takes it), within 80 sfu of ``f107a_sfu``.
    f107a_sfu : array_like [sfu]
        81-day mean F10.7, in [60, 300].
    ap : array_like [-]
        Daily Ap, in [0, 60].
    model : {"msis", "table", "exponential"}
        ``"msis"`` falls back to ``"table"`` when ``pymsis`` is not installed.
    directory : path, optional
        Catalog folder (``"table"``: the table and the levels; ``"exponential"``: the profile).
    """
    require_choice("atmosphere model", model, MODELS)
    f, fa, a = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(f107_sfu, f107a_sfu, ap))
    h = np.asarray(altitude_km, dtype=float)
    _check_altitude(h)
    if not (np.all(np.isfinite(fa)) and np.all((fa >= 60.0) & (fa <= 300.0))):
        raise InputError("f107a_sfu", np.unique(fa).tolist(), "must be in [60, 300] sfu")
    if not (np.all(np.isfinite(a)) and np.all((a >= 0.0) & (a <= 60.0))):
        raise InputError("ap", np.unique(a).tolist(), "must be in [0, 60]")
    if not (np.all(np.isfinite(f)) and np.all(np.abs(f - fa) <= 80.0)):
        raise InputError("f107_sfu", np.unique(f).tolist(), "must be within 80 sfu of f107a_sfu")
    dirname = None if directory is None else os.fspath(directory)
    if model == "exponential":
        return _exponential(np.broadcast_arrays(h, f)[0], dirname)
    # Profiles per distinct activity, then interpolation in altitude per element.
    acts = np.stack([f.ravel(), fa.ravel(), a.ravel()], axis=1)
    uniq, inverse = np.unique(acts, axis=0, return_inverse=True)
    if model == "msis" and msis_available():
        grid, logp = GRID_KM, _msis_log_profiles(uniq[:, 0], uniq[:, 1], uniq[:, 2])
    else:
        grid, logp = _table_log_profiles(uniq[:, 1], directory)
    hb, rows = np.broadcast_arrays(h, inverse.reshape(f.shape))
    return np.exp(_interp_rows(hb.ravel(), grid, logp, rows.ravel())).reshape(hb.shape)


def density_kg_m3(
    altitude_km: ArrayLike,
    activity: str | SolarActivity = "moderate",
    model: str = "msis",
    directory: str | os.PathLike[str] | None = None,
) -> FloatArray:
    """Global-mean neutral mass density [kg/m^3].

    Parameters
    ----------
    altitude_km : array_like [km]
        In [100, 2000].
    activity : {"low", "moderate", "high"} or SolarActivity
        ECSS long-term activity level, or any indices (:func:`density_at_activity_kg_m3`).
        Ignored by the exponential model, a mean atmosphere. The time-mean density through the
        solar cycle is :func:`orbitdc.environment.solar_cycle.mean_density_kg_m3`.
    model : {"msis", "table", "exponential"}
        ``"msis"`` falls back to ``"table"`` when ``pymsis`` is not installed.
    directory : path, optional
        Catalog folder.
    """
    if isinstance(activity, SolarActivity):
        return density_at_activity_kg_m3(
            altitude_km, activity.f107, activity.f107a, activity.ap, model, directory
        )
    require_choice("activity", activity, ACTIVITY_LEVELS)
    require_choice("atmosphere model", model, MODELS)
    h = np.asarray(altitude_km, dtype=float)
    _check_altitude(h)
    dirname = None if directory is None else os.fspath(directory)
    if model == "exponential":
        return _exponential(h, dirname)
    if model == "msis" and msis_available():
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
        "# averaged over the sphere (6-point Gauss-Legendre in sin(latitude) x 8 local times) and",
        "# the four seasons; regenerate with orbitdc.environment.atmosphere.tabulate_msis().",
        "# Used when pymsis is not installed, and as the 'table' atmosphere model.",
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
