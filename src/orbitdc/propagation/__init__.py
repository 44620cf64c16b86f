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
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sgp4.api import Satrec

from orbitdc.propagation.backends import (
    BACKENDS,
    Propagator,
    available_backends,
    heyoka_available,
    resolve_backend,
)
from orbitdc.propagation.gpe import GpeSet
from orbitdc.time import times_to_offsets

__all__ = [
    "BACKENDS",
    "GpeSet",
    "Propagator",
    "States",
    "available_backends",
    "heyoka_available",
    "propagate",
    "resolve_backend",
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
