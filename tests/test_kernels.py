"""Shared numerical kernels: z rotation, periodic Hermite interpolation, safeguarded Newton."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.spatial.transform import Rotation

from orbitdc.constants import TWO_PI
from orbitdc.propagation.kernels import (
    closest_approach_terms,
    hermite_weights,
    periodic_cell,
    periodic_hermite,
    rotate_z,
    safeguarded_newton,
)

MU = 398600.8  # [km^3/s^2], WGS-72

# -- rotation about z --------------------------------------------------------------------------


def test_rotate_z_equals_scipy_rotation():
    rng = np.random.default_rng(1)
    v = rng.normal(size=(50, 3)) * 7000.0
    angle = rng.uniform(-10.0, 10.0, 50)
    expected = Rotation.from_euler("z", angle[:, None]).apply(v)
    got = rotate_z(v, np.cos(angle), np.sin(angle))
    assert np.allclose(got, expected, rtol=0, atol=1e-9)


def test_rotate_z_layouts_and_broadcasting():
    rng = np.random.default_rng(2)
    angle = rng.uniform(0, TWO_PI, (4, 5))
    c, s = np.cos(angle), np.sin(angle)
    v = rng.normal(size=(4, 3, 5))  # (time, component, object): the propagation layout
    got = rotate_z(v, c, s, axis=1)
    for a in range(4):
        for b in range(5):
            m = np.array([[c[a, b], -s[a, b], 0], [s[a, b], c[a, b], 0], [0, 0, 1]])
            assert np.allclose(got[a, :, b], m @ v[a, :, b], rtol=0, atol=1e-14)
    # one vector, many angles: components last
    e = np.array([0.3, -0.4, 0.5])
    many = rotate_z(e, c[0], s[0])
    assert many.shape == (5, 3)
    assert np.allclose(many, Rotation.from_euler("z", angle[0][:, None]).apply(e), atol=1e-15)
    # two components (x, y): the same rotation in the plane
    xy = rotate_z(v[:, :2], c, s, axis=1)
    assert np.array_equal(xy, got[:, :2])
    with pytest.raises(ValueError):
        rotate_z(np.zeros((3, 4)), 1.0, 0.0)


@given(a=st.floats(-20, 20), b=st.floats(-20, 20))
def test_rotate_z_composes_and_keeps_norm_and_z(a, b):
    v = np.array([[1234.5, -678.9, 4321.0]])
    ab = rotate_z(rotate_z(v, math.cos(b), math.sin(b)), math.cos(a), math.sin(a))
    assert np.allclose(ab, rotate_z(v, math.cos(a + b), math.sin(a + b)), rtol=0, atol=1e-9)
    assert ab[0, 2] == v[0, 2]
    assert np.linalg.norm(ab) == pytest.approx(np.linalg.norm(v), rel=1e-14)


# -- periodic cubic Hermite -----------------------------------------------------------------


def test_periodic_cell_reduces_the_phase():
    i, j, s = periodic_cell(np.array([0.0, -1e-3, TWO_PI * 3 + 0.5, TWO_PI - 1e-15]), 8)
    h = TWO_PI / 8
    assert i.tolist()[:3] == [0, 7, int(0.5 // h)]
    assert j.tolist()[:3] == [1, 0, int(0.5 // h) + 1]
    assert np.all((s >= 0) & (s < 1))
    assert s[1] == pytest.approx(1.0 - 1e-3 / h)


def test_hermite_is_exact_for_cubics():
    """Inside a cell the interpolant of a cubic's values and slopes is the cubic itself."""
    n = 16
    coef = np.array([[3.0, -1.0, 0.5, 0.25], [7000.0, 12.0, -3.0, 0.1], [-2.0, 0.0, 0.0, 1.0]])
    grid = TWO_PI * np.arange(n) / n

    def cubic(x, k=0):
        p = np.polynomial.polynomial
        return np.stack([p.polyval(x, p.polyder(c, k) if k else c) for c in coef], axis=-1)

    phi = np.random.default_rng(3).uniform(0.0, TWO_PI * (n - 1) / n, 200)  # no wrap cell
    got = periodic_hermite(cubic(grid), cubic(grid, 1), phi, derivatives=2)
    for k in range(3):
        assert np.allclose(got[k], cubic(phi, k), rtol=1e-12, atol=1e-9), k


def test_hermite_converges_at_fourth_order_on_a_smooth_periodic_function():
    def f(x, k=0):
        # exp(sin x) and its derivatives
        e, c, s = np.exp(np.sin(x)), np.cos(x), np.sin(x)
        return [e, c * e, (c * c - s) * e, (c**3 - 3 * s * c - c) * e][k]

    phi = np.linspace(-7.0, 7.0, 4001)
    errors = []
    for n in (16, 32, 64, 128):
        grid = TWO_PI * np.arange(n) / n
        tab = np.stack([f(grid), 2.0 * f(grid)], axis=-1)
        dtab = np.stack([f(grid, 1), 2.0 * f(grid, 1)], axis=-1)
        got = periodic_hermite(tab, dtab, phi, derivatives=2)
        err = [np.abs(got[k][:, 0] - f(phi, k)).max() for k in range(3)]
        assert np.array_equal(got[0][:, 1], 2.0 * got[0][:, 0])
        # a priori bound h^4 max|f''''| / 384 (max|f''''| of exp(sin x) = 10.9)
        assert err[0] <= (TWO_PI / n) ** 4 * 11.0 / 384
        errors.append(err)
    order = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(order[:, 0] > 3.8)  # values: h^4
    assert np.all(order[:, 1] > 2.8)  # first derivative: h^3
    assert np.all(order[:, 2] > 1.8)  # second derivative: h^2


def test_hermite_weights_form_a_partition_of_unity_and_derivatives():
    s = np.linspace(0.0, 1.0, 11)
    (w, w1, w2) = hermite_weights(s, derivatives=2)
    assert np.allclose(w[0] + w[2], 1.0)
    eps = 1e-6
    up, dn = hermite_weights(s + eps)[0], hermite_weights(s - eps)[0]
    for k in range(4):
        assert np.allclose((up[k] - dn[k]) / (2 * eps), w1[k], atol=1e-8)
    up1, dn1 = hermite_weights(s + eps, 1)[1], hermite_weights(s - eps, 1)[1]
    for k in range(4):
        assert np.allclose((up1[k] - dn1[k]) / (2 * eps), w2[k], atol=1e-6)


# -- safeguarded Newton -------------------------------------------------------------------------


def _circular(a_km, inc, node, u0, t):
    """Position, velocity and acceleration on a circular Kepler orbit, shape (m, 3)."""
    n = math.sqrt(MU / a_km**3)
    u = u0 + n * t
    cu, su = np.cos(u), np.sin(u)
    cn, sn, ci, si = math.cos(node), math.sin(node), math.cos(inc), math.sin(inc)
    p = a_km * np.stack([cu * cn - su * ci * sn, cu * sn + su * ci * cn, su * si], axis=-1)
    v = a_km * n * np.stack([-su * cn - cu * ci * sn, -su * sn + cu * ci * cn, cu * si], axis=-1)
    return p, v, -(n * n) * p


orbit = st.tuples(st.floats(6700.0, 7400.0), st.floats(0.0, math.pi), st.floats(0.0, TWO_PI),
                  st.floats(0.0, TWO_PI))


@given(pairs=st.lists(st.tuples(orbit, orbit), min_size=1, max_size=4),
       secant=st.booleans())
def test_newton_finds_the_closest_approaches_of_random_pairs(pairs, secant):
    """Every local minimum of the distance of circular pairs over 6000 s, against brentq.

    All brackets of all pairs are solved in one vectorised call, with the exact slope
    ``f' = w . w + d . a`` or with SGP4's estimate ``w . w`` plus the secant slope.
    """
    grid = np.linspace(0.0, 6000.0, 601)
    owner, lo, hi, roots = [], [], [], []

    def f(p, t):
        (o1, o2) = pairs[p]
        r1, v1, a1 = _circular(*o1, t)
        r2, v2, a2 = _circular(*o2, t)
        d, w, a = r2 - r1, v2 - v1, a2 - a1
        return np.sum(d * w, -1), np.sum(w * w, -1), np.sum(w * w + d * a, -1)

    for p in range(len(pairs)):
        fg = f(p, grid)[0]
        for k in np.flatnonzero((fg[:-1] < 0) & (fg[1:] >= 0)):
            root = brentq(lambda t, p=p: float(f(p, np.array([t]))[0][0]), grid[k],
                          grid[k + 1], xtol=1e-12)
            slope = float(f(p, np.array([root]))[2][0])
            owner.append(p)
            lo.append(grid[k])
            hi.append(grid[k + 1])
            roots.append((root, slope))
    assume(roots)

    def fun(t, items):
        out = np.empty((2, t.size))
        for n, (tt, m) in enumerate(zip(t, items, strict=True)):
            val, ww, exact = f(owner[m], np.array([tt]))
            out[:, n] = val[0], (ww[0] if secant else exact[0])
        return out[0], out[1]

    lo_a, hi_a = np.array(lo), np.array(hi)
    res = safeguarded_newton(fun, 0.5 * (lo_a + hi_a), lo_a, hi_a, tol=1e-9, max_iter=80,
                             secant=secant)
    assert not res.failed.any()
    for m, (root, slope) in enumerate(roots):
        if slope > 1e-9:  # a simple root: converges to it
            assert res.converged[m]
            assert abs(res.x[m] - root) < 1e-6, (m, res.x[m], root)
        else:  # a flat minimum (near-identical orbits): inside its bracket
            assert lo[m] <= res.x[m] <= hi[m]


def test_closest_approach_terms_are_half_the_rate_of_the_squared_distance():
    t = np.array([100.0, 1234.5])
    eps = 1e-3

    def rel(tt):
        r1, v1, _ = _circular(6900.0, 0.9, 0.2, 0.0, tt)
        r2, v2, _ = _circular(7000.0, 1.7, 1.1, 0.5, tt)
        return r2 - r1, v2 - v1

    f, g = closest_approach_terms(*rel(t))
    d2 = [np.sum(rel(t + h)[0] ** 2, axis=1) for h in (eps, -eps)]
    assert np.allclose(f, (d2[0] - d2[1]) / (4 * eps), rtol=1e-7)
    assert np.allclose(g, np.sum(rel(t)[1] ** 2, axis=1))


def _plain_newton(f, fp, x, n):
    for _ in range(n):
        x = x - f(x) / fp(x)
    return x


@given(k=st.floats(1.0, 1000.0), root=st.floats(-3.0, 3.0), start=st.floats(1.5, 50.0),
       side=st.sampled_from([-1.0, 1.0]))
def test_newton_converges_where_plain_newton_diverges(k, root, start, side):
    """``f = atan(k (x - r))``: plain Newton diverges from ``|k (x - r)| > 1.39``."""
    x0 = root + side * start / k

    def f(x):
        return np.arctan(k * (x - root))

    def fp(x):
        return k / (1.0 + (k * (x - root)) ** 2)

    with np.errstate(all="ignore"):
        plain = _plain_newton(f, fp, x0, 6)
    assert not abs(plain - root) < abs(x0 - root)  # moves away (or overflows)
    width = 2.0 * start / k
    res = safeguarded_newton(lambda x, _: (f(x), fp(x)), [x0], root - width, root + width,
                             tol=1e-13, max_iter=200)
    assert res.converged[0]
    assert abs(res.x[0] - root) < 1e-12


@pytest.mark.parametrize("secant", [False, True])
def test_newton_with_an_underestimated_slope_brackets_itself(secant):
    """An approximate slope 2.5x too small makes plain Newton overshoot and diverge
    (``x <- -1.5 x``); the first overshoot gives a bracket, then bisection (or the secant)
    converges. No bracket is given: the iterates set it."""
    def fun(x, _):
        return 3.0 * (x - 1.0), np.full(x.size, 3.0 / 2.5)

    res = safeguarded_newton(fun, [0.0, 5.0], tol=1e-12, max_iter=100, max_step=100.0,
                             secant=secant)
    assert res.converged.all()
    assert np.allclose(res.x, 1.0, rtol=0, atol=1e-11)


def test_newton_multiple_root_and_unusable_slope():
    # (x - 1)^3: slope zero at the root, Newton converges linearly inside the bracket
    res = safeguarded_newton(lambda x, _: ((x - 1) ** 3, 3 * (x - 1) ** 2), [3.0], 0.0, 3.0,
                             tol=1e-13, max_iter=200)
    assert res.converged[0] and abs(res.x[0] - 1.0) < 1e-10
    # a negative slope estimate: bisection inside the bracket
    res = safeguarded_newton(lambda x, _: (x - 0.3, -np.ones(x.size)), [0.9], 0.0, 1.0,
                             tol=1e-12, max_iter=100)
    assert res.converged[0] and abs(res.x[0] - 0.3) < 1e-11
    # no bracket and no usable slope: walks max_step towards the root
    res = safeguarded_newton(lambda x, _: (x - 100.0, np.zeros(x.size)), [0.0], tol=1e-9,
                             max_iter=1, max_step=10.0)
    assert res.x[0] == 10.0 and not res.converged[0]
    # ... and gives up when it may not step at all
    res = safeguarded_newton(lambda x, _: (x - 100.0, np.zeros(x.size)), [0.0], tol=1e-9,
                             max_iter=5)
    assert res.failed[0] and res.x[0] == 0.0


def test_newton_steps_are_limited_and_items_independent():
    seen = []

    def fun(x, items):
        seen.append(items.copy())
        f = np.where(items == 1, np.nan, x - np.array([100.0, 0.0, 2.0])[items])
        return f, np.ones(x.size)

    res = safeguarded_newton(fun, [0.0, 0.0, 0.0], tol=1e-9, max_iter=20, max_step=30.0)
    # item 0 walks 30 s at a time; item 1 cannot be evaluated; item 2 converges at once
    assert res.converged.tolist() == [True, False, True]
    assert res.failed.tolist() == [False, True, False]
    assert res.x.tolist() == [100.0, 0.0, 2.0]
    assert seen[0].tolist() == [0, 1, 2]
    assert seen[1].tolist() == [0, 2]  # item 2 stops after its zero-length step
    assert seen[2].tolist() == [0]
