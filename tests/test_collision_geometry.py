"""Mean collision cross-sections of convex parts, against a Monte-Carlo of projected areas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull
from scipy.spatial.transform import Rotation

from orbitdc.collision.geometry import (
    body_cross_section_m2,
    cube,
    pair_cross_section_m2,
    plate,
    sphere,
)


def _box_vertices(a: float, b: float, c: float) -> np.ndarray:
    return np.array([[x, y, z] for x in (-a / 2, a / 2) for y in (-b / 2, b / 2)
                     for z in (-c / 2, c / 2)])


def _brute_force_minkowski_area(v1: np.ndarray, v2: np.ndarray, n: int = 3000,
                                seed: int = 1) -> float:
    """Mean projected area of K1 + (-K2) over independent random orientations of both.

    The projection of a Minkowski sum is the convex hull of the sums of projected vertices.
    """
    rng = np.random.default_rng(seed)
    r1 = Rotation.random(n, random_state=rng).as_matrix()
    r2 = Rotation.random(n, random_state=rng).as_matrix()
    total = 0.0
    for a, b in zip(r1, r2, strict=True):
        p1 = (v1 @ a.T)[:, :2]
        p2 = -(v2 @ b.T)[:, :2]
        sums = (p1[:, None, :] + p2[None, :, :]).reshape(-1, 2)
        total += ConvexHull(sums).volume  # area in 2-D
    return total / n


def test_two_spheres_give_pi_r1_plus_r2_squared() -> None:
    assert pair_cross_section_m2(sphere(1.0), sphere(2.5)) == pytest.approx(math.pi * 3.5**2)


def test_cauchy_mean_projection_of_a_cube_and_a_plate() -> None:
    # A cube of side s projects on average 6 s^2 / 4; a thin plate half its area (Cauchy).
    assert cube(2.0).mean_cross_section_m2 == pytest.approx(6.0)
    assert plate(10.0, 2.0).mean_cross_section_m2 == pytest.approx(10.0)


@pytest.mark.parametrize(("dims1", "dims2"), [
    ((2.0, 2.0, 2.0), (2.0, 2.0, 2.0)),        # two cubes
    ((30.0, 3.0, 1e-3), (30.0, 3.0, 1e-3)),    # two long thin wings
    ((30.0, 3.0, 1e-3), (1.0, 1.0, 1.0)),      # a wing and a small bus
])
def test_minkowski_mean_area_matches_monte_carlo(dims1, dims2) -> None:
    def part(d):
        a, b, c = d
        if c < 1e-2:
            return plate(a, b)
        return cube(a)

    formula = pair_cross_section_m2(part(dims1), part(dims2))
    brute = _brute_force_minkowski_area(_box_vertices(*dims1), _box_vertices(*dims2))
    assert formula == pytest.approx(brute, rel=0.03)


@settings(max_examples=30, deadline=None)
@given(r=st.floats(0.1, 5.0), a=st.floats(0.5, 50.0), b=st.floats(0.5, 50.0))
def test_union_bound_is_never_below_a_single_part(r, a, b) -> None:
    body = [plate(a, b), cube(min(a, b) / 3)]
    assert body_cross_section_m2(body, [sphere(r)]) >= pair_cross_section_m2(body[0], sphere(r))
