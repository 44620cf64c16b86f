"""Bulk SGP4 propagation (two backends) and Walker-shell symmetry.

* :func:`propagate` - states of many objects at many times, fastest installed backend;
* :class:`Propagator` - the same for repeated or chunked requests (``iter_states``);
* :mod:`orbitdc.propagation.walker` - a Walker shell's positions and its self-separation from
  one reference satellite, by the shell's rotational symmetry.

Layout of every state array: ``(n_times, component, n_objects)``, components x, y, z [km],
vx, vy, vz [km/s] in the TEME frame of SGP4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sgp4.api import Satrec

from orbitdc.errors import InputError
from orbitdc.propagation.backends import (
    BACKENDS,
    Propagator,
    available_backends,
    heyoka_available,
    resolve_backend,
)
from orbitdc.propagation.gpe import GpeSet, split_jd

__all__ = [
    "BACKENDS",
    "GpeSet",
    "Propagator",
    "States",
    "available_backends",
    "heyoka_available",
    "propagate",
    "resolve_backend",
    "jd_parts",
    "times_to_offsets",
]


@dataclass(frozen=True)
class States:
    """Propagated states, time-major.

    Attributes
    ----------
    position_km : numpy.ndarray, shape (n_times, 3, n_objects) [km]
    velocity_km_s : numpy.ndarray, shape (n_times, 3, n_objects) [km/s]
    error : numpy.ndarray of int, shape (n_times, n_objects)
        SGP4 error code (0 = valid; 1-6 as in Vallado et al. 2006, e.g. 6 = decayed).
    backend : str
        Backend that produced the near-Earth states.
    """

    position_km: NDArray[np.float64]
    velocity_km_s: NDArray[np.float64]
    error: NDArray[np.int8]
    backend: str


def times_to_offsets(times: ArrayLike | Sequence[datetime]) -> tuple[float, float, np.ndarray]:
    """Return the reference two-part Julian date and the offsets [s] of UTC instants.

    ``times`` are timezone-aware or UTC-naive datetimes, ``numpy.datetime64`` values or Julian
    dates (floats). Returns ``(jd, jd_frac, t_s)`` with ``t_s`` seconds after ``jd + jd_frac``.
    """
    seq: Any = list(times) if not isinstance(times, np.ndarray) else times  # type: ignore[arg-type]
    if len(seq) == 0:
        raise InputError("times", "[]", "must hold at least one instant")
    first = seq[0]
    if isinstance(first, datetime):
        moments: list[datetime] = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in seq]
        ref = moments[0]
        t_s = np.array([(m - ref).total_seconds() for m in moments])
        jd, frac = jd_parts(ref)
        return jd, frac, t_s
    arr = np.asarray(seq)
    if np.issubdtype(arr.dtype, np.datetime64):
        ns = arr.astype("datetime64[ns]").astype(np.int64)
        t_s = (ns - ns[0]) / 1e9
        # integer day and nanoseconds of day: the split keeps full resolution
        day, rem = divmod(int(ns[0]), 86_400 * 10**9)
        return _jd_from_day(2440587.5 + day, rem / 86400e9) + (t_s,)
    jd_all = np.asarray(arr, dtype=float)
    jd, frac = split_jd(float(jd_all[0]))
    return jd, frac, (jd_all - jd_all[0]) * 86400.0


def _jd_from_day(jd_day: float, frac: float) -> tuple[float, float]:
    # ``jd_day`` is a half-integer Julian date (midnight UTC), ``frac`` in [0, 1)
    return jd_day, frac


def jd_parts(moment: datetime) -> tuple[float, float]:
    """Two-part Julian date (midnight half-integer day, fraction of day) of a UTC instant.

    Computed from the calendar day and the microseconds of the day, so the fraction carries
    full microsecond resolution (one float Julian date resolves only ~20 us today).
    """
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    j2000 = datetime(2000, 1, 1, 12, tzinfo=UTC)
    day = 2451545.0 + (midnight - j2000).days + (midnight - j2000).seconds / 86400.0
    frac = ((moment - midnight).seconds + (moment - midnight).microseconds * 1e-6) / 86400.0
    return day, frac


def propagate(
    satrecs: Sequence[Satrec] | GpeSet,
    times: ArrayLike | Sequence[datetime],
    backend: str = "auto",
) -> States:
    """SGP4 states of many objects at many common times.

    Parameters
    ----------
    satrecs : sequence of sgp4 Satrec, or GpeSet
    times : datetimes, numpy.datetime64 or Julian dates (UTC)
    backend : {"auto", "heyoka", "sgp4"}
        ``"auto"``: heyoka when installed (about 5x faster per core), else sgp4's
        ``SatrecArray``. Deep-space objects always use sgp4.

    Returns
    -------
    States
        Arrays shaped ``(n_times, 3, n_objects)``. For long windows of large populations use
        :meth:`Propagator.iter_states`, which bounds memory.
    """
    gpes = satrecs if isinstance(satrecs, GpeSet) else GpeSet.from_satrecs(list(satrecs))
    jd, frac, t_s = times_to_offsets(times)
    with Propagator(gpes, jd, frac, backend=backend) as prop:
        out = prop.states(t_s)
        name = prop.backend
    return States(
        position_km=out[:, 0:3, :],
        velocity_km_s=out[:, 3:6, :],
        error=out[:, 6, :].astype(np.int8),
        backend=name,
    )
