"""Piecewise-linear over-estimate of the intra-shell risk ``k N^2`` (chords of a convex function).

The intra-shell risk of a shell holding ``N`` satellites grows like ``k N^2``. A MILP cannot hold
the square, so the model bounds it from above by the chord interpolant through integer
breakpoints ``0 = b_0 < b_1 = 1 < b_2 < ... < b_K = capacity``:

    z >= (b_j + b_{j+1}) N - b_j b_{j+1}        for every segment j,

the chord of ``N^2`` between ``b_j`` and ``b_{j+1}``. Because ``N^2`` is convex, each chord lies
above it on its own segment and below it outside; the largest chord at ``N`` is therefore the
interpolant of the segment holding ``N``, which is ``>= N^2`` on ``[0, capacity]``. A
minimising ``z`` sits on that interpolant, so the model never under-states the risk, needs no
binaries or SOS constraints (HiGHS takes none), and is exact at every breakpoint.

On a segment ``[a, b]`` with ``a >= 1`` the relative over-statement ``(chord - N^2) / N^2 =
(N - a)(b - N) / N^2`` peaks at ``N = 2ab / (a + b)`` with value ``(b - a)^2 / (4ab)``; for a
geometric grid of ratio ``r = b / a`` that is ``(r - 1)^2 / (4r)`` on every segment, which is why
the grid is geometric. The first segment ``[0, 1]`` holds no integer in its interior, so the
over-statement at the integer satellite counts the model can take is zero there.

References
----------
Boyd, S. & Vandenberghe, L. (2004). *Convex Optimization*, sec. 3.1 (a convex function lies
below its chords) and sec. 6.5 (piecewise-linear approximation).
Vielma, J. P. (2015). Mixed integer linear programming formulation techniques. *SIAM Review*
57(1), 3-57, sec. 9 (convex piecewise-linear functions need no binaries when minimised).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from orbitdc.errors import require_range

#: Most segments per shell the model will build, whatever the requested accuracy.
MAX_SEGMENTS = 200


def geometric_ratio_for_error(rel_error: float) -> float:
    """Grid ratio ``r`` whose chord over-statement ``(r - 1)^2 / (4r)`` equals ``rel_error``.

    Parameters
    ----------
    rel_error : float [-]
        Largest allowed relative over-statement of ``N^2``, > 0.

    Returns
    -------
    float [-]
        ``r = 1 + 2e + 2 sqrt(e + e^2)``, the root > 1 of ``(r - 1)^2 = 4 e r``.
    """
    e = require_range("pwl_rel_error", rel_error, gt=0.0, le=1.0)
    return 1.0 + 2.0 * e + 2.0 * math.sqrt(e + e * e)


def _greedy(capacity: int, ratio: float) -> list[float]:
    """Breakpoints 0, 1, then ``b_{j+1} = max(b_j + 1, floor(r b_j))`` until ``capacity``."""
    b = [0.0, 1.0]
    while b[-1] < capacity:
        b.append(float(min(capacity, max(b[-1] + 1.0, math.floor(b[-1] * ratio)))))
    return b


def segments_for_error(capacity_max: float, rel_error: float) -> int:
    """Count the segments that keep the over-statement below ``rel_error`` up to a capacity.

    The segment ``[0, 1]`` plus the greedy geometric segments of ratio at most
    :func:`geometric_ratio_for_error` (each ``b_{j+1} <= r b_j``, so each over-states by at most
    ``rel_error``) needed to reach ``capacity_max``; at least 2, at most :data:`MAX_SEGMENTS`.

    Parameters
    ----------
    capacity_max : float [satellites]
    rel_error : float [-]
    """
    r = geometric_ratio_for_error(rel_error)
    n = len(_greedy(max(int(capacity_max), 1), r)) - 1
    return int(min(max(n, 2), MAX_SEGMENTS))


@functools.lru_cache(maxsize=4096)
def _breakpoints_cached(capacity: int, segments: int) -> tuple[float, ...]:
    k = segments
    if k == 1:
        return (0.0, float(capacity))  # one chord from 0 to capacity
    if capacity <= k:
        return tuple(float(min(j, capacity)) for j in range(k + 1))
    # Smallest ratio whose greedy grid fits in k segments (the count falls as the ratio grows).
    lo, hi = 1.0, float(capacity)
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if len(_greedy(capacity, mid)) - 1 <= k:
            hi = mid
        else:
            lo = mid
    b = _greedy(capacity, hi)
    return tuple(b + [float(capacity)] * (k + 1 - len(b)))


def breakpoints(capacity: int, segments: int) -> np.ndarray:
    """Integer breakpoints ``b_0 .. b_K`` of the chord over-estimate on ``[0, capacity]``.

    ``b_0 = 0``, ``b_1 = 1``, then ``b_{j+1} = max(b_j + 1, floor(r b_j))`` up to ``capacity``,
    with the smallest ratio ``r`` that fits in ``segments`` (bisection), so the worst relative
    over-statement ``(r - 1)^2 / (4r)`` is as small as the segment count allows. If the capacity
    is at most the number of segments every integer is a breakpoint (the approximation is exact
    at all feasible ``N``). Unused segments at the end repeat ``capacity``: a zero-length segment
    gives the tangent at ``capacity``, which lies below ``N^2`` and never binds.

    Parameters
    ----------
    capacity : int [satellites]
        Most satellites the shell may hold, >= 0.
    segments : int
        ``K``, >= 1.

    Returns
    -------
    numpy.ndarray of float, shape (segments + 1,)
    """
    return np.array(_breakpoints_cached(max(int(capacity), 0), int(segments)))


def chord_lines(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slopes and intercepts of the chords of ``N^2``: ``N^2 <= slope N - intercept`` on a segment.

    Parameters
    ----------
    b : array, shape (..., K + 1) [satellites]
        Breakpoints.

    Returns
    -------
    slope : array, shape (..., K) [satellites]
        ``b_j + b_{j+1}``.
    intercept : array, shape (..., K) [satellites^2]
        ``b_j b_{j+1}``.
    """
    lo, hi = b[..., :-1], b[..., 1:]
    return lo + hi, lo * hi


def interpolant(n: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Evaluate the over-estimate ``max_j (slope_j N - intercept_j)`` charged for ``N`` sats.

    Parameters
    ----------
    n : array, shape (..., m) [satellites]
    b : array, shape (..., K + 1) [satellites]
        Breakpoints, broadcast against ``n`` on the leading axes.

    Returns
    -------
    array, shape (..., m) [satellites^2]
    """
    slope, intercept = chord_lines(np.asarray(b, dtype=float))
    n = np.asarray(n, dtype=float)
    lines = slope[..., None, :] * n[..., :, None] - intercept[..., None, :]
    return np.maximum(lines.max(axis=-1), 0.0)


def max_relative_overstatement(b: np.ndarray) -> float:
    """Largest ``(PWL(N) - N^2) / N^2`` over integers ``1 <= N <= b_K`` for breakpoints ``b``.

    Evaluated per segment at the integers either side of the continuous maximiser
    ``N* = 2ab / (a + b)``, so it is the exact worst case over the satellite counts the model
    can take, not only the continuous bound ``(b - a)^2 / (4ab)``.

    Parameters
    ----------
    b : array, shape (K + 1,) or (S, K + 1) [satellites]

    Returns
    -------
    float [-]
    """
    b = np.atleast_2d(np.asarray(b, dtype=float))
    lo, hi = b[:, :-1], b[:, 1:]
    ok = (lo >= 1.0) & (hi - lo >= 2.0)  # an interior integer exists and N >= 1
    if not ok.any():
        return 0.0
    lo, hi = lo[ok], hi[ok]
    star = 2.0 * lo * hi / (lo + hi)
    worst = 0.0
    for n in (np.floor(star), np.ceil(star)):
        n = np.clip(n, lo, hi)
        worst = max(worst, float(np.max((n - lo) * (hi - n) / (n * n))))
    return worst
