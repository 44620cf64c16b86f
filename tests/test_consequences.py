"""Consequences of a collision: which part breaks, how many fragments, how long they stay."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from orbitdc.collision.geometry import cube, plate, sphere
from orbitdc.constants import MU_EARTH_KM3_S2, R_EARTH_KM, SECONDS_PER_YEAR
from orbitdc.environment.atmosphere import density_kg_m3
from orbitdc.environment.decay import lifetime_years
from orbitdc.environment.eccentric import (
    eccentric_lifetime_years,
    equivalent_circular_altitude_km,
)
from orbitdc.risk.consequences import expected_fragments, fragment_years_per_fragment


def test_a_10cm_fragment_does_not_shatter_a_38_tonne_satellite() -> None:
    # The review's example: 0.115 kg at 13 km/s on 38 t is 0.5 m v^2 / M = 0.26 J/g, far below
    # 40 J/g, so M = m_p v^2 and N(>10 cm) = 0.1 (0.115 x 13^2)^0.75 0.1^-1.71 ~ 47, not the
    # ~4,900 of a catastrophic breakup of the whole satellite.
    b = expected_fragments([cube(5.9, 38_000.0)], [sphere(0.05, 0.115)], 13.0)
    assert b.catastrophic_probability == 0.0
    assert b.fragments == pytest.approx(0.1 * (0.115 * 13.0**2) ** 0.75 * 0.1**-1.71, rel=1e-9)
    assert 45 < b.fragments < 50


def test_a_wing_hit_breaks_the_wing_not_the_satellite() -> None:
    bus = cube(6.0, 38_000.0, "bus")
    wing = plate(230.0, 36.0, 5_700.0, "array")
    intact = [sphere(1.1, 450.0)]
    both = expected_fragments([bus, wing], intact, 13.0)
    only_bus = expected_fragments([bus], intact, 13.0)
    only_wing = expected_fragments([wing], intact, 13.0)
    # the wing holds almost all the cross-section, so the expected count is close to a wing's
    assert only_wing.fragments < both.fragments < only_bus.fragments
    assert both.fragments == pytest.approx(only_wing.fragments, rel=0.1)


def test_a_membrane_hit_engages_only_the_mass_around_the_hole() -> None:
    # A 10 cm, 0.115 kg fragment perforates a 2 kg/m^2 array wing: with a hole 3 times its
    # diameter it engages 2 x pi x (3 x 0.05)^2 = 0.141 kg, which it shatters (0.5 x 0.115 x
    # 13,000^2 / 0.141 = 69 kJ/g >> 40 J/g): N = 0.1 (0.115 + 0.141)^0.75 0.1^-1.71 ~ 1.9
    # (eq. 4 of Johnson et al. 2001), not the ~47 of cratering the whole 5.7 t wing.
    wing = plate(230.0, 36.0 / 2, 5_700.0, "array", areal_density_kg_m2=2.0)
    fragment = sphere(0.05, 0.115)
    engaged = 2.0 * math.pi * (3.0 * 0.05) ** 2
    b = expected_fragments([wing], [fragment], 13.0, hole_ratio=3.0)
    # the membrane around the hole shatters; the wing stays (not a catastrophic breakup of it)
    assert b.catastrophic_probability == 0.0
    assert b.fragments == pytest.approx(0.1 * (0.115 + engaged) ** 0.75 * 0.1**-1.71, rel=1e-9)
    rigid = expected_fragments([plate(230.0, 36.0 / 2, 5_700.0, "array")], [fragment], 13.0)
    assert rigid.fragments == pytest.approx(0.1 * (0.115 * 13.0**2) ** 0.75 * 0.1**-1.71,
                                            rel=1e-9)
    # a 450 kg satellite (1.1 m sphere) punches a 6.6 m hole: 2 pi 3.3^2 = 68 kg of membrane
    intact = expected_fragments([wing], [sphere(1.1, 450.0)], 13.0, hole_ratio=3.0)
    assert intact.fragments == pytest.approx(
        0.1 * (450.0 + 2.0 * math.pi * 3.3**2) ** 0.75 * 0.1**-1.71, rel=1e-9)
    # a hole larger than the wing engages the wing's mass, no more
    tiny = plate(10.0, 1.0, 20.0, "array", areal_density_kg_m2=1.0)
    huge = expected_fragments([tiny], [sphere(5.0, 10_000.0)], 13.0, hole_ratio=3.0)
    assert huge.fragments == pytest.approx(0.1 * (10_000.0 + 20.0) ** 0.75 * 0.1**-1.71,
                                           rel=1e-9)
    assert huge.catastrophic_probability == 1.0


def _direct_eccentric_lifetime_years(hp: float, ha: float, bc: float) -> float:
    """Adaptive integration of the orbit-averaged da/dt, de/dt (independent of the table)."""
    mu, re = MU_EARTH_KM3_S2 * 1e9, R_EARTH_KM * 1e3
    m_anom = np.linspace(0, 2 * np.pi, 256, endpoint=False)

    def rhs(_t, y):
        a, e = y[0], max(y[1], 1e-9)
        big_e = m_anom.copy()
        for _ in range(30):
            big_e = big_e - (big_e - e * np.sin(big_e) - m_anom) / (1 - e * np.cos(big_e))
        r = a * (1 - e * np.cos(big_e))
        nu = 2 * np.arctan2(np.sqrt(1 + e) * np.sin(big_e / 2), np.sqrt(1 - e) * np.cos(big_e / 2))
        v = np.sqrt(np.clip(mu * (2 / r - 1 / a), 0, None))
        rho = density_kg_m3(np.clip((r - re) / 1e3, 100, 2000), "moderate", "msis")
        return [-(a**2 / (mu * bc)) * np.mean(rho * v**3),
                -(1 / bc) * np.mean(rho * v * (e + np.cos(nu)))]

    def entry(_t, y):
        return y[0] * (1 - y[1]) - (re + 122e3)

    entry.terminal = True
    rp, ra = re + hp * 1e3, re + ha * 1e3
    sol = solve_ivp(rhs, [0, 1e11], [(rp + ra) / 2, (ra - rp) / (ra + rp)], events=entry,
                    rtol=1e-7, max_step=3e8)
    return float(sol.t[-1] / SECONDS_PER_YEAR)


@pytest.mark.parametrize(("hp", "ha"), [(500.0, 700.0), (400.0, 800.0), (700.0, 1100.0)])
def test_eccentric_lifetime_table_matches_direct_integration(hp, ha) -> None:
    assert float(eccentric_lifetime_years(hp, ha, 10.0)) == pytest.approx(
        _direct_eccentric_lifetime_years(hp, ha, 10.0), rel=0.03)


def test_circular_orbits_reproduce_the_circular_lifetime() -> None:
    h = np.array([300.0, 600.0, 900.0, 1500.0])
    assert eccentric_lifetime_years(h, h, 1.0) == pytest.approx(lifetime_years(h, 1.0),
                                                               rel=0.02)


def test_eccentric_orbits_live_between_their_perigee_and_mean_altitude() -> None:
    hp, ha = 500.0, 900.0
    h_eq = float(equivalent_circular_altitude_km(hp, ha))
    assert hp < h_eq < 0.5 * (hp + ha)


def test_fragment_residence_grows_with_altitude_and_uses_the_mean_mass_per_area() -> None:
    low = fragment_years_per_fragment(550.0, 2.2, "moderate")
    high = fragment_years_per_fragment(800.0, 2.2, "moderate")
    assert high > 10 * low
    # Kicked fragments spread up and down; on average they outlive a fragment of the median
    # A/M left circular at the parent altitude (1/0.128 m^2/kg / c_D 2.2).
    assert low > float(lifetime_years(550.0, 1.0 / (0.128 * 2.2)))
    assert math.isfinite(high)
