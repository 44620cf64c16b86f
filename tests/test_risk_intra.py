"""The intra-shell kinetic-gas rate against a brute-force simulation of a random shell."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from orbitdc.constants import MU_EARTH_KM3_S2, R_EARTH_KM
from orbitdc.risk.intra import pair_encounter_rate_per_year, uncoordinated_collisions_per_year


def _simulate_encounters(n, altitude_km, inclination_deg, thickness_km, radius_km, hours, seed):
    """Count close-approach events in a shell of circular orbits, by direct simulation.

    Satellites get uniform nodes and arguments of latitude and a uniform radial offset in the
    shell; they move on Keplerian circles (precession is irrelevant over hours). An event is a
    pair entering the encounter sphere between two time samples.
    """
    rng = np.random.default_rng(seed)
    raan = rng.uniform(0, 2 * np.pi, n)
    u0 = rng.uniform(0, 2 * np.pi, n)
    r = R_EARTH_KM + altitude_km + rng.uniform(-thickness_km / 2, thickness_km / 2, n)
    rate = np.sqrt(MU_EARTH_KM3_S2 / r**3)
    inc = np.radians(inclination_deg)
    dt = 0.5
    inside: set[tuple[int, int]] = set()
    events = 0
    for t in np.arange(0.0, hours * 3600.0, dt):
        u = u0 + rate * t
        x = r * (np.cos(raan) * np.cos(u) - np.sin(raan) * np.sin(u) * np.cos(inc))
        y = r * (np.sin(raan) * np.cos(u) + np.cos(raan) * np.sin(u) * np.cos(inc))
        z = r * np.sin(u) * np.sin(inc)
        now = cKDTree(np.column_stack([x, y, z])).query_pairs(radius_km)
        events += len(now - inside)
        inside = now
    return events


@pytest.mark.slow
@pytest.mark.parametrize("inclination_deg", [53.0, 97.6])
def test_pair_rate_matches_brute_force_shell(inclination_deg):
    # One orbit of 1,500 random satellites: ~1.1 million pairs, each meeting at most once or
    # twice, so the event count is close to Poisson.
    n, h, dh, radius, hours = 1500, 550.0, 200.0, 25.0, 1.6
    events = _simulate_encounters(n, h, inclination_deg, dh, radius, hours, seed=3)
    pairs = n * (n - 1) / 2
    rate = float(pair_encounter_rate_per_year(h, inclination_deg, dh, radius))
    # The kinetic-gas formula assumes the encounter sphere sits inside the band; averaged over
    # a uniform band of thickness H, a sphere of radius R loses 4R/(3 pi H) of its cross-section
    # outside the band edges (integral of the circular-segment area).
    edge = 1.0 - 4.0 * radius / (3.0 * np.pi * dh)
    expected = pairs * rate * edge * hours / (365.25 * 24)
    assert events > 500
    assert events == pytest.approx(expected, rel=0.08)


def test_intra_rate_scales_with_n_squared_and_cross_section():
    base = float(uncoordinated_collisions_per_year(1001, 550.0, 53.0, 2.0, 20.0))
    assert float(uncoordinated_collisions_per_year(2001, 550.0, 53.0, 2.0, 20.0)) == pytest.approx(
        base * (2001 * 2000) / (1001 * 1000)
    )
    # radius doubled -> cross-section x4
    assert float(uncoordinated_collisions_per_year(1001, 550.0, 53.0, 2.0, 40.0)) == pytest.approx(
        4.0 * base
    )
    assert float(uncoordinated_collisions_per_year(1, 550.0, 53.0, 2.0, 20.0)) == 0.0
