"""Numerical kernels shared by the Walker-shell symmetry and the conjunction screening.

* :func:`rotate_z` - rotation of vectors about the z axis (a node rotation of TEME states);
* :func:`periodic_cell`, :func:`hermite_weights`, :func:`hermite_combine` and
  :func:`periodic_hermite` - cubic Hermite interpolation of tables periodic in a phase;
* :func:`safeguarded_newton` - roots of increasing functions (``f = d . d'`` at a closest
  approach, :func:`closest_approach_terms`), vectorised over candidates, kept inside a bracket
  by bisection.

They live in :mod:`orbitdc.propagation` because the Walker symmetry (here) and the screening
(above) both use them. All are pure functions of numpy arrays.

References
----------
.. [1] de Boor, C., *A Practical Guide to Splines*, rev. ed., Springer, 2001, ch. IV (cubic
   Hermite interpolation and its error).
.. [2] Press, W. H., Teukolsky, S. A., Vetterling, W. T. and Flannery, B. P., *Numerical
   Recipes*, 3rd ed., Cambridge University Press, 2007, sec. 9.4 (Newton-Raphson with
   bisection safeguard, ``rtsafe``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import TWO_PI

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Basis weights ``(h00, h10, h01, h11)`` of one derivative order (see :func:`hermite_weights`).
HermiteWeights = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


# -- rotation about z ----------------------------------------------------------------------------


def rotate_z(
    v: ArrayLike, cos_angle: ArrayLike, sin_angle: ArrayLike, axis: int = -1
) -> FloatArray:
    """Rotate vectors about the z axis.

    ``R_z(theta) v = (c v_x - s v_y, s v_x + c v_y, v_z)`` with ``c = cos(theta)``,
    ``s = sin(theta)``: a positive angle turns x towards y (the sense in which the right
    ascension of the ascending node grows). The angle enters through its cosine and sine so
    that callers rotating several vectors by one angle evaluate them once.

    Parameters
    ----------
    v : array_like [any unit]
        Vectors whose components lie along ``axis``: x, y (two components) or x, y, z (three;
        z is copied).
    cos_angle, sin_angle : array_like [-]
        Cosine and sine of the angle, broadcast against ``v`` without its component axis.
    axis : int
        Axis of ``v`` (and of the result) holding the components.

    Returns
    -------
    numpy.ndarray [unit of ``v``]
        Rotated vectors; the component axis is at ``axis`` and the other axes are those of
        ``v`` broadcast with the angle.
    """
    arr = np.asarray(v, dtype=float)
    comp = np.moveaxis(arr, axis, 0)
    n = comp.shape[0]
    if n not in (2, 3):
        raise ValueError(f"rotate_z needs 2 or 3 components along axis {axis}, got {n}")
    c = np.asarray(cos_angle, dtype=float)
    s = np.asarray(sin_angle, dtype=float)
    batch = np.broadcast_shapes(comp.shape[1:], c.shape, s.shape)
    pos = axis if axis >= 0 else len(batch) + 1 + axis
    out = np.empty(batch[:pos] + (n,) + batch[pos:])
    res = np.moveaxis(out, pos, 0)
    np.subtract(c * comp[0], s * comp[1], out=res[0])
    np.add(s * comp[0], c * comp[1], out=res[1])
    if n == 3:
        res[2] = comp[2]
    return out


# -- periodic cubic Hermite interpolation ----------------------------------------------------


def periodic_cell(phi: ArrayLike, n: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Cell of each phase in a table of ``n`` points spread evenly over one period.

    With ``h = 2 pi / n`` and table points ``phi_i = i h``: ``phi = (i + s) h (mod 2 pi)`` with
    ``0 <= s < 1``.

    Parameters
    ----------
    phi : array_like [rad]
        Phases (any real value; reduced modulo ``2 pi``).
    n : int
        Table points per period.

    Returns
    -------
    (i, j, s) : numpy.ndarray
        Left and right table indices of the cell (``j = (i + 1) mod n``) and the fraction of
        the cell, shaped like ``phi``.
    """
    u = np.mod(np.asarray(phi, dtype=float), TWO_PI) / (TWO_PI / n)
    i0 = np.floor(u)
    i = i0.astype(np.int64) % n
    return i, (i + 1) % n, u - i0


def hermite_weights(s: ArrayLike, derivatives: int = 0) -> tuple[HermiteWeights, ...]:
    """Cubic Hermite basis on the unit interval and its derivatives with respect to ``s``.

    ``H(s) = h00(s) p0 + h10(s) m0 + h01(s) p1 + h11(s) m1`` interpolates values ``p0, p1``
    and derivatives ``m0, m1`` (per unit of ``s``) at ``s = 0, 1``, with
    ``h00 = (1 + 2 s)(1 - s)^2``, ``h10 = s (1 - s)^2``, ``h01 = s^2 (3 - 2 s)`` and
    ``h11 = s^2 (s - 1)``. On a cell of width ``h`` of a function ``f`` with
    ``m = h f'``, the error is at most ``h^4 max|f''''| / 384`` (de Boor [1]_).

    Parameters
    ----------
    s : array_like [-]
        Fractions of the cell.
    derivatives : int
        Highest derivative order wanted (0, 1 or 2).

    Returns
    -------
    tuple of (h00, h10, h01, h11)
        One tuple of weights per order ``0 .. derivatives``, each weight shaped like ``s``;
        order ``k`` gives ``d^k H / ds^k`` (divide by ``h^k`` for the derivative in the
        table's variable).
    """
    x = np.asarray(s, dtype=float)
    s2 = x * x
    out: list[HermiteWeights] = [
        ((1 + 2 * x) * (1 - x) ** 2, x * (1 - x) ** 2, s2 * (3 - 2 * x), s2 * (x - 1))
    ]
    if derivatives >= 1:
        out.append((6 * s2 - 6 * x, 3 * s2 - 4 * x + 1, 6 * x - 6 * s2, 3 * s2 - 2 * x))
    if derivatives >= 2:
        out.append((12 * x - 6, 6 * x - 4, 6 - 12 * x, 6 * x - 2))
    return tuple(out)


def hermite_combine(
    w: HermiteWeights, p0: FloatArray, m0: FloatArray, p1: FloatArray, m1: FloatArray
) -> FloatArray:
    """``w0 p0 + w1 m0 + w2 p1 + w3 m1``: a Hermite interpolant from its basis weights.

    Parameters
    ----------
    w : tuple of numpy.ndarray
        One entry of :func:`hermite_weights` (broadcast against the values).
    p0, m0, p1, m1 : numpy.ndarray [unit of the table]
        Values and scaled derivatives (``h f'``) at the two ends of the cell.
    """
    return np.asarray(w[0] * p0 + w[1] * m0 + w[2] * p1 + w[3] * m1)


def periodic_hermite(
    table: FloatArray, deriv_table: FloatArray, phi: ArrayLike, derivatives: int = 0
) -> tuple[FloatArray, ...]:
    """Cubic Hermite interpolation of a table periodic over ``[0, 2 pi)``, with derivatives.

    Parameters
    ----------
    table : numpy.ndarray, shape (N, ...) [unit]
        Values at ``phi_i = 2 pi i / N``.
    deriv_table : numpy.ndarray, shape (N, ...) [unit/rad]
        Their derivatives with respect to the phase.
    phi : array_like [rad]
        Phases at which to interpolate.
    derivatives : int
        Highest derivative order wanted (0, 1 or 2).

    Returns
    -------
    tuple of numpy.ndarray
        The interpolant and its derivatives ``0 .. derivatives`` [unit/rad^k], each shaped
        ``phi.shape + table.shape[1:]``.
    """
    n = table.shape[0]
    h = TWO_PI / n
    i, j, s = periodic_cell(phi, n)
    s = s.reshape(s.shape + (1,) * (table.ndim - 1))
    p0, p1 = table[i], table[j]
    m0, m1 = deriv_table[i] * h, deriv_table[j] * h
    out = []
    for k, w in enumerate(hermite_weights(s, derivatives)):
        value = hermite_combine(w, p0, m0, p1, m1)
        out.append(value / h**k if k else value)
    return tuple(out)


# -- safeguarded Newton --------------------------------------------------------------------------

#: ``fun(x, items) -> (f, g)``: the function and its slope (the derivative, or an estimate of
#: it) at ``x[m]`` for item ``items[m]``; ``f`` is NaN where it cannot be evaluated.
RootFunction = Callable[[FloatArray, IntArray], tuple[FloatArray, FloatArray]]


def closest_approach_terms(d: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``f = d . w`` and its slope estimate ``w . w`` from relative states.

    ``f = (|d|^2)' / 2`` goes from ``-`` to ``+`` at a closest approach; its derivative is
    ``w . w + d . a`` with ``a`` the relative acceleration, which is small against ``w . w``
    when two objects pass close at speed (``|a| <= 2 n^2 |d|`` from the gravity gradient), so
    ``w . w`` serves as the Newton slope (with the secant option for slow encounters).

    Parameters
    ----------
    d : numpy.ndarray, shape (m, 3) [km]
        Relative positions.
    w : numpy.ndarray, shape (m, 3) [km/s]
        Relative velocities.

    Returns
    -------
    (f, g) : numpy.ndarray, shape (m,) [km^2/s, km^2/s^2]
    """
    return np.einsum("ic,ic->i", d, w), np.einsum("ic,ic->i", w, w)


@dataclass(frozen=True)
class NewtonResult:
    """Outcome of :func:`safeguarded_newton`, one entry per item.

    Attributes
    ----------
    x : numpy.ndarray
        Last iterate (the root where ``converged``).
    converged : numpy.ndarray of bool
        The last step was below the tolerance.
    failed : numpy.ndarray of bool
        The function could not be evaluated (NaN) at an iterate; ``x`` is the iterate before.
    """

    x: FloatArray
    converged: BoolArray
    failed: BoolArray


def safeguarded_newton(
    fun: RootFunction,
    x0: ArrayLike,
    lo: ArrayLike = -np.inf,
    hi: ArrayLike = np.inf,
    *,
    tol: float,
    max_iter: int,
    max_step: float = np.inf,
    secant: bool = False,
) -> NewtonResult:
    """Roots of increasing functions by Newton's method kept inside a bracket, vectorised.

    For every item ``m`` a root of ``f_m`` with ``f_m < 0`` before it and ``f_m >= 0`` after
    it (at a closest approach ``f = d . d'`` goes from ``-`` to ``+``). Each iteration
    evaluates ``f, g = fun(x, items)`` for the items still iterating and

    1. shrinks the bracket: ``lo <- x`` where ``f < 0``, ``hi <- x`` where ``f >= 0``;
    2. proposes the Newton step ``dx = -f / g``, limited to ``|dx| <= max_step``;
    3. bisects, ``x <- (lo + hi) / 2``, when the proposal leaves ``(lo, hi]`` or ``g <= 0``
       and both bracket ends are known; with one end unknown it moves ``max_step`` towards the
       root instead (and gives up when ``max_step`` is infinite).

    An item stops when its step is below ``tol`` (converged), when ``f`` is NaN (failed) or
    after ``max_iter`` evaluations. Inside a bracket, where plain Newton would diverge or
    cycle, the bracket at least halves every other iteration (``rtsafe``, Press et al. [2]_);
    near a simple root with an exact slope convergence is quadratic.

    Parameters
    ----------
    fun : callable
        ``fun(x, items) -> (f, g)`` for the active items (their indices ``items``), ``g`` the
        derivative of ``f`` or an estimate of it.
    x0 : array_like, shape (m,)
        Starting points.
    lo, hi : array_like, shape (m,) or scalar
        Known points with ``f(lo) < 0`` and ``f(hi) >= 0``; ``-inf`` / ``inf`` where not
        known (the iterates then set them).
    tol : float
        Step below which an item has converged [unit of x].
    max_iter : int
        Largest number of evaluations per item.
    max_step : float
        Largest step [unit of x] (keeps an approximate slope from jumping to another root).
    secant : bool
        Use the secant slope through the last two iterates when it is positive, else ``g``:
        for callers whose ``g`` is an approximation (SGP4's ``f' ~ w . w`` leaves out
        ``d . a``, which dominates in slow encounters, where ``w . w`` alone would make the
        iteration crawl).

    Returns
    -------
    NewtonResult
    """
    x = np.array(x0, dtype=float).ravel()
    m = x.size
    lo_b = np.array(np.broadcast_to(np.asarray(lo, dtype=float), (m,)))
    hi_b = np.array(np.broadcast_to(np.asarray(hi, dtype=float), (m,)))
    converged = np.zeros(m, bool)
    failed = np.zeros(m, bool)
    if secant:
        f_prev = np.full(m, np.nan)
        x_prev = np.full(m, np.nan)
    active = np.arange(m, dtype=np.int64)
    for _ in range(max_iter):
        if active.size == 0:
            break
        xa = x[active]
        f, g = fun(xa, active)
        bad = np.isnan(f)
        lo_a = np.where(f < 0, xa, lo_b[active])
        hi_a = np.where(f >= 0, xa, hi_b[active])
        lo_b[active] = lo_a
        hi_b[active] = hi_a
        if secant:
            with np.errstate(divide="ignore", invalid="ignore"):
                sec = (f - f_prev[active]) / (xa - x_prev[active])
            g = np.where(np.isfinite(sec) & (sec > 0), sec, g)
            f_prev[active] = f
            x_prev[active] = xa
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.clip(-f / g, -max_step, max_step)
        x_new = xa + step
        usable = (g > 0) & (x_new > lo_a) & (x_new <= hi_a)
        if not np.all(usable | bad):
            bracketed = np.isfinite(lo_a) & np.isfinite(hi_a)
            with np.errstate(invalid="ignore"):  # 0 x inf: no step possible, fails below
                toward = xa - np.sign(f) * max_step  # one end unknown: walk towards the root
            x_new = np.where(usable, x_new, np.where(bracketed, 0.5 * (lo_a + hi_a), toward))
            bad |= ~np.isfinite(x_new)
        x_new = np.where(bad, xa, x_new)
        done = np.abs(x_new - xa) < tol
        x[active] = x_new
        failed[active[bad]] = True
        converged[active[done & ~bad]] = True
        active = active[~(done | bad)]
    return NewtonResult(x, converged, failed)


__all__ = [
    "NewtonResult",
    "RootFunction",
    "closest_approach_terms",
    "hermite_combine",
    "hermite_weights",
    "periodic_cell",
    "periodic_hermite",
    "rotate_z",
    "safeguarded_newton",
]
