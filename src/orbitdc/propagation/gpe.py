"""Element sets (GPEs) as a plain numpy table that pickles, slices and rebuilds ``Satrec``.

``sgp4`` ``Satrec`` objects cannot be pickled, so they cannot be sent to worker processes or to a
Dask cluster. :class:`GpeSet` keeps the exact ``sgp4init`` inputs of every object (the SGP4 mean
elements, the drag terms, the epoch as Julian day plus fraction, the gravity model and the
operation mode) in one structured array. Rebuilding a ``Satrec`` from it with ``sgp4init`` and
restoring the two-part epoch gives a record whose propagation is bit-identical to the original
(SGP4 initialisation is deterministic in its inputs; Vallado et al. 2006 [1]_).

The same table gives heyoka's 9 x n GPE array directly (mean motion, e, i, node, argument of
perigee, mean anomaly, B*, epoch Julian day and fraction [2]_).

References
----------
.. [1] Vallado, D. A., Crawford, P., Hujsak, R. and Kelso, T. S., "Revisiting Spacetrack
   Report #3", AIAA 2006-6753, 2006.
.. [2] heyoka.py documentation, ``heyoka.model.sgp4_propagator`` (version 7).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sgp4.api import WGS72, WGS72OLD, WGS84, Satrec

from orbitdc.constants import WGS72_J2, WGS72_XKE
from orbitdc.time import SGP4_EPOCH0_JD

#: Minutes per day.
MIN_PER_DAY = 1440.0

#: SGP4 switches to its deep-space branch (SDP4) for periods of 225 min or more (Hoots and
#: Roehrich, Spacetrack Report #3, 1980).
DEEP_SPACE_PERIOD_MIN = 225.0

GPE_DTYPE = np.dtype(
    [
        ("satnum", np.int64),
        ("no_kozai", np.float64),  # [rad/min]
        ("ecco", np.float64),
        ("inclo", np.float64),  # [rad]
        ("nodeo", np.float64),  # [rad]
        ("argpo", np.float64),  # [rad]
        ("mo", np.float64),  # [rad]
        ("bstar", np.float64),  # [1/earth radii]
        ("ndot", np.float64),
        ("nddot", np.float64),
        ("jd", np.float64),  # epoch, Julian day part [days]
        ("jd_frac", np.float64),  # epoch, fraction [days]
        ("gravity", np.int8),  # 0 WGS-72, 1 WGS-72 old, 2 WGS-84
        ("opsmode", np.int8),  # 0 'i' (improved), 1 'a' (AFSPC)
    ]
)

_GRAVITY = (WGS72, WGS72OLD, WGS84)


def _gravity_code(sat: Satrec) -> int:
    mu = float(sat.mu)
    if abs(mu - 398600.5) < 1e-6:
        return 2
    if abs(mu - 398600.79964) < 1e-6:
        return 1
    return 0


@dataclass(frozen=True)
class GpeSet:
    """SGP4 element sets of many objects in one structured array (see :data:`GPE_DTYPE`).

    Attributes
    ----------
    records : numpy.ndarray
        Structured array with the ``sgp4init`` inputs of every object.
    """

    records: NDArray[np.void]

    def __len__(self) -> int:
        return int(self.records.shape[0])

    @classmethod
    def from_satrecs(cls, satrecs: Sequence[Satrec]) -> GpeSet:
        """Table of the inputs that rebuild each ``Satrec`` exactly."""
        rec = np.zeros(len(satrecs), dtype=GPE_DTYPE)
        if len(satrecs) == 0:
            return cls(rec)
        fields = ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar", "ndot", "nddot")
        for name in fields:
            rec[name] = [getattr(s, name) for s in satrecs]
        rec["satnum"] = [int(s.satnum) for s in satrecs]
        rec["jd"] = [s.jdsatepoch for s in satrecs]
        rec["jd_frac"] = [s.jdsatepochF for s in satrecs]
        rec["gravity"] = [_gravity_code(s) for s in satrecs]
        rec["opsmode"] = [0 if s.operationmode == "i" else 1 for s in satrecs]
        return cls(rec)

    def subset(self, indices: NDArray[np.integer] | slice) -> GpeSet:
        """Return the objects at ``indices`` (a copy)."""
        return GpeSet(np.ascontiguousarray(self.records[indices]))

    def concat(self, other: GpeSet) -> GpeSet:
        """Return this set followed by ``other``."""
        return GpeSet(np.concatenate([self.records, other.records]))

    def satrecs(self, indices: NDArray[np.integer] | None = None) -> list[Satrec]:
        """Rebuild ``Satrec`` objects with ``sgp4init`` (all, or those at ``indices``)."""
        rec = self.records if indices is None else self.records[np.asarray(indices)]
        out = []
        for r in rec:
            sat = Satrec()
            epoch = float(r["jd"]) + float(r["jd_frac"]) - SGP4_EPOCH0_JD
            sat.sgp4init(
                _GRAVITY[int(r["gravity"])], "i" if int(r["opsmode"]) == 0 else "a",
                int(r["satnum"]) % 100000, epoch, float(r["bstar"]), float(r["ndot"]),
                float(r["nddot"]), float(r["ecco"]), float(r["argpo"]), float(r["inclo"]),
                float(r["mo"]), float(r["no_kozai"]), float(r["nodeo"]),
            )
            # sgp4init splits the single-float epoch itself; restore the exact two-part epoch so
            # the minutes since epoch, and hence the positions, equal the original's.
            sat.jdsatepoch = float(r["jd"])
            sat.jdsatepochF = float(r["jd_frac"])
            out.append(sat)
        return out

    def heyoka_data(self) -> NDArray[np.float64]:
        """Heyoka's 9 x n GPE array (C-contiguous)."""
        r = self.records
        return np.ascontiguousarray(
            np.stack([r["no_kozai"], r["ecco"], r["inclo"], r["nodeo"], r["argpo"], r["mo"],
                      r["bstar"], r["jd"], r["jd_frac"]])
        )

    def period_min(self) -> NDArray[np.float64]:
        """Anomalistic period from the Kozai mean motion [min] (``2 pi / n``)."""
        return 2.0 * math.pi / self.records["no_kozai"]

    def no_unkozai(self) -> NDArray[np.float64]:
        """Brouwer ("un-Kozai'd") mean motion [rad/min], computed as in ``sgp4init`` (initl).

        ``a_k = (x_ke / n)^(2/3)``, ``d1 = 0.75 J2 (3 cos^2 i - 1) / (1 - e^2)^(3/2)``, two
        iterations of ``delta = d1 / a^2`` and ``n'' = n / (1 + delta)`` (Hoots and Roehrich,
        Spacetrack Report #3, 1980; WGS-72 constants).
        """
        r = self.records
        xke, j2 = WGS72_XKE, WGS72_J2
        cosi = np.cos(r["inclo"])
        d1 = 0.75 * j2 * (3.0 * cosi**2 - 1.0) / (1.0 - r["ecco"] ** 2) ** 1.5
        ak = (xke / r["no_kozai"]) ** (2.0 / 3.0)
        delta = d1 / ak**2
        adel = ak * (1.0 - delta**2 - delta * (1.0 / 3.0 + 134.0 * delta**2 / 81.0))
        delta = d1 / adel**2
        return np.asarray(r["no_kozai"] / (1.0 + delta), dtype=float)

    def is_deep_space(self) -> NDArray[np.bool_]:
        """Objects that SGP4 propagates with its deep-space branch (period >= 225 min)."""
        return np.asarray(2.0 * math.pi / self.no_unkozai() >= DEEP_SPACE_PERIOD_MIN)

    def epoch_offset_min(self, jd: float, jd_frac: float) -> NDArray[np.float64]:
        """Minutes from each object's epoch to the instant ``jd + jd_frac`` [min]."""
        r = self.records
        return ((jd - r["jd"]) + (jd_frac - r["jd_frac"])) * MIN_PER_DAY
