"""Conjunctions as a struct of arrays: what every screening stage produces, merges and cleans.

The SGP4 refinement, the intra-shell enumeration, each sub-window and the merge of the
sub-windows all hand over a :class:`Conjunctions` (plan indices), concatenated with
:meth:`Conjunctions.concat`, filtered with :meth:`Conjunctions.take` and freed of copies of one
conjunction with :meth:`Conjunctions.dedupe` - one definition of "the same conjunction"
(:data:`SAME_CONJUNCTION_S`) everywhere. :func:`orbitdc.screening.result.conjunction_table`
turns the final one into the public table of a :class:`~orbitdc.screening.ScreeningResult`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Two conjunctions of one pair whose TCAs differ by less than this are one [s].
#:
#: Copies of one minimum arise where sub-windows overlap (one step on each side) and, for a
#: Walker shell, from the offsets ``k`` and ``-k``, which describe the same pair. Converged
#: copies agree to the refinement tolerance (0.1 us on SGP4; the ``k``/``-k`` predictions to
#: 1e-10 s); the tolerance must also absorb a copy whose iteration stopped at its cap.
#: Distinct minima of one pair are far apart: between two minima lies a maximum of ``|d|^2``,
#: whose second derivative ``2 (|w|^2 + d . a_rel)`` is positive wherever
#: ``|w| > sqrt(2) n |d|`` (gravity gradient ``|a_rel| <= 2 n^2 |d|``, ``n`` the mean motion:
#: 8 m/s at 5 km in LEO), so within the threshold a pair has one minimum per pass unless it
#: drifts more slowly than that, and then its relative motion evolves on the orbital time
#: scale ``1 / n`` (~15 min). Measured on the benchmark: distinct minima of one pair at least
#: 2,860 s (half an orbit) apart. One second sits between, with seven orders of magnitude on
#: one side and three on the other. (It replaces 1 ms for merging sub-windows and 1 s for the
#: intra-shell copies.)
SAME_CONJUNCTION_S = 1.0


def distinct(
    i: IntArray,
    j: IntArray,
    tca_s: FloatArray,
    time_tolerance_s: float = SAME_CONJUNCTION_S,
    miss_km: FloatArray | None = None,
) -> IntArray:
    """One index per distinct conjunction, in (pair, TCA) order.

    Rows of one ordered pair ``(i, j)`` whose TCAs, sorted, are each less than
    ``time_tolerance_s`` after the previous one form one conjunction (a run: three copies
    0.6 s apart are one conjunction at a 1 s tolerance). Pairs are compared as written:
    producers write each pair one way (primary first; the smaller index first between two
    primaries).

    Parameters
    ----------
    i, j : numpy.ndarray of int
        Object indices of each row.
    tca_s : numpy.ndarray [s]
        TCA of each row.
    time_tolerance_s : float [s]
        See :data:`SAME_CONJUNCTION_S`.
    miss_km : numpy.ndarray [km], optional
        Keep the copy with the smallest miss distance (the one nearest the true minimum);
        without it, or among equal ones, the earliest.

    Returns
    -------
    numpy.ndarray of int
        Row indices, one per conjunction, sorted by (i, j, TCA of the run's first copy).
    """
    order = np.lexsort((tca_s, j, i))
    ii, jj, tt = i[order], j[order], tca_s[order]
    copy = np.zeros(order.size, bool)
    copy[1:] = (ii[1:] == ii[:-1]) & (jj[1:] == jj[:-1]) & (np.diff(tt) < time_tolerance_s)
    if miss_km is None or not copy.any():
        return np.asarray(order[~copy], dtype=np.int64)
    run = np.cumsum(~copy) - 1
    best = np.lexsort((miss_km[order], run))  # stable: the earliest among equal misses
    first = np.ones(best.size, bool)
    first[1:] = run[best[1:]] != run[best[:-1]]
    return np.asarray(order[best[first]], dtype=np.int64)


@dataclass(frozen=True)
class Conjunctions:
    """Conjunctions as columns of equal length (plan or population indices).

    Attributes
    ----------
    i, j : numpy.ndarray of int
        The two objects.
    tca_s : numpy.ndarray [s]
        Time of closest approach after the reference instant.
    miss_km : numpy.ndarray [km]
        Distance at TCA.
    speed_km_s : numpy.ndarray [km/s]
        Relative speed at TCA.
    """

    i: IntArray
    j: IntArray
    tca_s: FloatArray
    miss_km: FloatArray
    speed_km_s: FloatArray

    def __post_init__(self) -> None:
        sizes = {np.shape(getattr(self, f.name)) for f in fields(self)}
        if len(sizes) != 1 or len(next(iter(sizes))) != 1:
            raise ValueError(f"Conjunctions columns must be 1-D of one length, got {sizes}")

    def __len__(self) -> int:
        return int(self.i.size)

    @classmethod
    def empty(cls) -> Conjunctions:
        """No conjunctions."""
        z = np.zeros(0)
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), z, z.copy(), z.copy())

    @classmethod
    def concat(cls, parts: Iterable[Conjunctions]) -> Conjunctions:
        """All rows of ``parts``, in order."""
        seq = list(parts)
        if not seq:
            return cls.empty()
        return cls(*(np.concatenate([getattr(p, f.name) for p in seq]) for f in fields(cls)))

    def take(self, index: ArrayLike) -> Conjunctions:
        """Rows selected by integer indices or a boolean mask."""
        sel = np.asarray(index)
        return Conjunctions(*(getattr(self, f.name)[sel] for f in fields(self)))

    def sorted_by_time(self) -> Conjunctions:
        """Rows ordered by TCA, then ``i``, then ``j``."""
        return self.take(np.lexsort((self.j, self.i, self.tca_s)))

    def dedupe(self, time_tolerance_s: float = SAME_CONJUNCTION_S) -> Conjunctions:
        """One row per conjunction: copies of a pair within the tolerance merged.

        Keeps the copy with the smallest miss distance (see :func:`distinct`); rows come out
        in (i, j, TCA) order.
        """
        return self.take(distinct(self.i, self.j, self.tca_s, time_tolerance_s, self.miss_km))


__all__ = ["SAME_CONJUNCTION_S", "Conjunctions", "distinct"]
