"""Encounter-plane collision probability against independent computations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.collision.probability import (
    encounter_frame,
    miss_distance_for_pc_km,
    pc_foster,
    pc_isotropic,
    pc_small_hbr,
)


@given(
    miss=st.floats(0.0, 3.0),
    sigma=st.floats(0.05, 2.0),
    hbr=st.floats(0.002, 0.05),
)
def test_foster_quadrature_equals_exact_isotropic(miss, sigma, hbr):
    exact = float(pc_isotropic(miss, sigma, hbr))
    cov = np.array([[sigma**2, 0.0], [0.0, sigma**2]])
    quad = float(pc_foster(np.array([miss, 0.0]), cov, hbr))
    assert quad == pytest.approx(exact, rel=1e-6, abs=1e-300)


def test_head_on_isotropic_closed_form():
    # d = 0: Pc = 1 - exp(-HBR^2 / (2 sigma^2)) exactly (Rayleigh distribution).
    for sigma, hbr in ((0.1, 0.02), (0.2, 0.6), (1.0, 0.01)):
        assert pc_isotropic(0.0, sigma, hbr) == pytest.approx(1 - np.exp(-hbr**2 / (2 * sigma**2)))


def test_foster_anisotropic_matches_monte_carlo():
    rng = np.random.default_rng(7)
    miss = np.array([0.15, -0.05])
    cov = np.array([[0.04, 0.012], [0.012, 0.01]])
    hbr = 0.05
    samples = rng.multivariate_normal(miss, cov, size=4_000_000)
    mc = np.mean(np.hypot(samples[:, 0], samples[:, 1]) < hbr)
    assert pc_foster(miss, cov, hbr) == pytest.approx(mc, rel=0.02)


def test_small_hbr_approximation_converges():
    assert pc_small_hbr(0.5, 0.3, 0.001) == pytest.approx(pc_isotropic(0.5, 0.3, 0.001), rel=1e-4)


@given(threshold=st.floats(1e-9, 1e-3), sigma=st.floats(0.05, 1.0))
def test_threshold_miss_distance_inverts_pc(threshold, sigma):
    hbr = 0.02
    d = miss_distance_for_pc_km(threshold, sigma, hbr)
    if d == 0.0:
        assert pc_isotropic(0.0, sigma, hbr) < threshold
    else:
        assert pc_isotropic(d, sigma, hbr) == pytest.approx(threshold, rel=1e-6)
        assert pc_isotropic(0.99 * d, sigma, hbr) > threshold


def test_encounter_frame_projects_out_the_relative_velocity():
    r1 = np.array([7000.0, 0.0, 0.0])
    v1 = np.array([0.0, 7.5, 0.0])
    r2 = np.array([7000.3, 0.4, 0.0])
    v2 = np.array([0.0, 0.0, 7.5])
    xy, e1, e2 = encounter_frame(r1, v1, r2, v2)
    dv = v2 - v1
    assert abs(e1 @ dv) < 1e-12 and abs(e2 @ dv) < 1e-12
    # |miss|^2 = |dr|^2 - (dr . u)^2
    dr = r2 - r1
    u = dv / np.linalg.norm(dv)
    assert np.hypot(*xy) == pytest.approx(np.sqrt(dr @ dr - (dr @ u) ** 2))
