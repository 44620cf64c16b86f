"""The chord over-estimate of k N^2: never below, within its stated bound (brute force)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.deploy import DeploymentModel, Limits, SolverOptions, pwl
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)
from orbitdc.deploy.milp import DEFAULT_PWL_REL_ERROR
from orbitdc.deploy.solve import ObjectiveSpec
from orbitdc.deploy.types import Weights


def _brute(cap: int, b: np.ndarray) -> np.ndarray:
    """(PWL(N) - N^2) / N^2 for every integer 1..cap, the PWL from the chords' definition."""
    n = np.arange(1, cap + 1, dtype=float)
    # Independent evaluation: linear interpolation of N^2 through the breakpoints.
    nodes, idx = np.unique(b, return_index=True)
    pw = np.interp(n, nodes, nodes**2)
    return (pw - n**2) / n**2


@given(st.integers(0, 30_000), st.floats(0.002, 0.3))
def test_interpolant_never_below_and_within_bound(cap, rel_error):
    k = pwl.segments_for_error(max(cap, 1), rel_error)
    b = pwl.breakpoints(cap, k)
    assert b[0] == 0 and b[-1] == cap and len(b) == k + 1
    assert np.all(np.diff(b) >= 0) and np.all(b == np.round(b))
    if cap >= 1:
        assert b[1] == 1
    if cap == 0:
        return
    rel = _brute(cap, b)
    bound = pwl.max_relative_overstatement(b)
    assert rel.min() >= -1e-12  # never under-states
    assert rel.max() <= bound + 1e-12  # the stated bound holds at every integer
    assert rel.max() == pytest.approx(bound, abs=1e-12)  # ... and is attained
    if k < pwl.MAX_SEGMENTS:
        assert bound <= rel_error + 1e-12  # the requested accuracy is met
    # The model's max-of-chords form equals the interpolant.
    n = np.arange(0, cap + 1)
    assert np.allclose(pwl.interpolant(n, b), np.interp(n, np.unique(b), np.unique(b) ** 2),
                       rtol=1e-12, atol=1e-9)


@given(st.integers(1, 200), st.integers(1, 60))
def test_small_capacities_are_exact_and_fixed_counts_fit(cap, segments):
    b = pwl.breakpoints(cap, segments)
    assert len(b) == segments + 1 and b[-1] == cap
    if cap <= segments:
        assert pwl.max_relative_overstatement(b) == 0.0
        assert np.array_equal(np.unique(b), np.arange(cap + 1))


def test_ratio_for_error_inverts_the_geometric_bound():
    for e in (0.001, 0.01, 0.02, 0.1):
        r = pwl.geometric_ratio_for_error(e)
        assert (r - 1) ** 2 / (4 * r) == pytest.approx(e, rel=1e-12)


def test_segment_bound_is_the_textbook_chord_gap():
    # On [a, b] = [1000, 1300] the chord of N^2 over-states by at most (b - a)^2 / (4ab)
    # relative, at N = 2ab / (a + b) = 1130.4...; the integer worst case is at 1130.
    b = np.array([0.0, 1.0, 2.0, 1000.0, 1300.0])
    n = np.arange(1000, 1301, dtype=float)
    rel = ((2300.0 * n - 1.3e6) - n**2) / n**2
    assert rel.max() <= 300.0**2 / (4 * 1000 * 1300)
    got = pwl.max_relative_overstatement(b)
    # Segment [2, 1000] dominates here; check it by brute force too.
    m = np.arange(2, 1001, dtype=float)
    rel2 = ((1002.0 * m - 2000.0) - m**2) / m**2
    assert got == pytest.approx(max(rel.max(), rel2.max()), rel=1e-12)


def _one_shell_inputs(capacity: int, k: float, target: float) -> DeploymentInputs:
    return DeploymentInputs(
        shells=[ShellOption("s", 550.0, "53", capacity, k, 1e6)],
        classes=[SizeClassOption("c", 100.0, capacity, 1)],
        years=[2030],
        coefficients={("s", "c"): SatelliteCoefficients(100.0, 1.0, 1.0, 1e-6)},
        flights_per_year=[1.0],
        launch_cost_usd_per_flight=1.0,
        compute_target_pflops=target,
        target_year=2030,
    )


@pytest.mark.parametrize("n_sats", [1, 2, 7, 130, 1999, 3871, 5000])
def test_solver_risk_at_the_optimum_is_above_k_n2_and_within_the_bound(n_sats):
    # One shell of 5,000 slots and one year: the target forces N = n_sats; minimising risk
    # puts the solver's intra-shell term on the chord interpolant.
    k = 3e-8
    model = DeploymentModel(_one_shell_inputs(5000, k, float(n_sats)),
                            SolverOptions(mip_rel_gap=1e-9, threads=1))
    spec = ObjectiveSpec("risk", "risk", "minimize", model.data.risk_unit)
    sol = model.solve(label="min risk", weights=Weights(risk=1.0), spec=spec, limits=Limits())
    assert sol.plan is not None and int(sol.plan.active.sum()) == n_sats
    intra = float(sol.solver_intra_risk.sum())
    exact = k * n_sats**2
    bound = model.pwl_max_rel_overstatement
    assert 0 < bound <= DEFAULT_PWL_REL_ERROR
    assert intra >= exact * (1 - 1e-9)
    assert intra <= exact * (1 + bound) * (1 + 1e-9)
    # The plan reports both; the model's risk is the chord value.
    b = model.breakpoints[0]
    chord = float(np.interp(n_sats, np.unique(b), np.unique(b) ** 2)) * k
    assert intra == pytest.approx(chord, rel=1e-7)
    assert sol.plan.total_risk_exact == pytest.approx(exact + 1e-6 * n_sats, rel=1e-12)
