"""The physical building blocks of the sizing model against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.constants import R_EARTH_KM
from orbitdc.sizing import battery, radiator, solar_array


def test_blackbody_flux_of_two_sided_plate_at_300k():
    # Incropera et al., Fundamentals of Heat and Mass Transfer, 6th ed.: E_b(300 K) = 459 W/m^2
    # (sigma = 5.670e-8 W/m^2/K^4). A black plate radiating from both faces: 918 W/m^2.
    assert radiator.blackbody_flux_w_m2(300.0) == pytest.approx(459.3, abs=0.1)
    two_sided = radiator.radiator_net_flux_w_m2(300.0, 1.0, 1.0, 0.0)
    assert two_sided == pytest.approx(918.6, abs=0.2)


def _view_factor_brute_force(altitude_km: float, n: int = 2_000_000, seed: int = 1) -> float:
    """Monte-Carlo view factor: F = (1/pi) * integral of cos(theta) over the visible Earth.

    Directions are drawn cosine-weighted over the plate's hemisphere (then F is the fraction
    that hit the Earth), an estimator independent of the closed form.
    """
    rng = np.random.default_rng(seed)
    # Plate at (0, 0, r) with normal +x (horizontal); cosine-weighted hemisphere about +x.
    u1, u2 = rng.random(n), rng.random(n)
    sin_t = np.sqrt(u1)
    cos_t = np.sqrt(1.0 - u1)
    phi = 2.0 * np.pi * u2
    d = np.stack([cos_t, sin_t * np.cos(phi), sin_t * np.sin(phi)], axis=1)
    r = R_EARTH_KM + altitude_km
    origin = np.array([0.0, 0.0, r])
    # Ray-sphere intersection: |o + t d|^2 = R^2 has a positive root.
    b = d @ origin
    c = r * r - R_EARTH_KM**2
    hit = (b < 0.0) & (b * b - c >= 0.0)
    return float(np.mean(hit))


@pytest.mark.parametrize("altitude_km", [200.0, 550.0, 1200.0])
def test_vertical_plate_view_factor_matches_monte_carlo(altitude_km):
    expected = _view_factor_brute_force(altitude_km)
    # Monte-Carlo standard error ~ sqrt(F(1-F)/n) < 4e-4.
    assert radiator.earth_view_factor_vertical_plate(altitude_km) == pytest.approx(
        expected, abs=1.5e-3
    )


def test_vertical_plate_view_factor_limits():
    # At the surface a vertical plate sees half its hemisphere as ground.
    assert radiator.earth_view_factor_vertical_plate(1e-6) == pytest.approx(0.5, abs=1e-3)
    assert radiator.earth_view_factor_vertical_plate(1e6) < 1e-6


def test_heat_pump_cop_is_carnot_bounded():
    # Carnot: COP = T_c / (T_h - T_c) = 300 / 50 = 6 (Moran & Shapiro eq. 5.10).
    assert radiator.heat_pump_cop(300.0, 350.0, 1.0) == pytest.approx(6.0)
    assert radiator.heat_pump_cop(300.0, 350.0, 0.5) == pytest.approx(3.0)
    assert np.isinf(radiator.heat_pump_cop(300.0, 290.0, 0.5))


def test_sink_temperature_zeroes_net_flux():
    absorbed = 120.0
    t = radiator.sink_temperature_k(0.9, 0.9, absorbed)
    assert radiator.radiator_net_flux_w_m2(t, 0.9, 0.9, absorbed) == pytest.approx(0.0, abs=1e-9)


def test_smad_array_power_equation_by_hand():
    # SMAD eq. 11-5 with P_e = P_d = 100 W, T_e = 35 min, T_d = 65 min, X_e = 0.65,
    # X_d = 0.85: (100*35/0.65 + 100*65/0.85)/65 = 200.5 W.
    f = 35.0 / 100.0
    got = solar_array.required_array_power_w(100.0, 100.0, f, 0.85, 0.65)
    assert got == pytest.approx((100 * 35 / 0.65 + 100 * 65 / 0.85) / 65, rel=1e-12)
    # Without eclipse only the daylight path is left.
    assert solar_array.required_array_power_w(100.0, 0.0, 0.0, 0.85, 0.65) == pytest.approx(
        100 / 0.85
    )


def test_battery_capacity_by_hand():
    # SMAD eq. 11-11: C = P_e T_e / (DOD n) = 1000 W * 0.5 h / (0.3 * 0.9) = 1851.85 Wh.
    assert battery.battery_capacity_wh(1000.0, 1800.0, 0.3, 0.9) == pytest.approx(1851.85, rel=1e-5)
    assert battery.battery_capacity_wh(1000.0, 0.0, 0.3, 0.9) == 0.0


@given(years=st.floats(0.0, 30.0), d=st.floats(0.0, 0.1))
def test_array_output_degrades_geometrically(years, d):
    out0 = solar_array.array_specific_output_w_m2(1361, 0.3, 0.9, 0.85, 1.0, 0.0, d, 0.0)
    out = solar_array.array_specific_output_w_m2(1361, 0.3, 0.9, 0.85, 1.0, 0.0, d, years)
    assert out == pytest.approx(out0 * (1 - d) ** years, rel=1e-12)
    assert out0 == pytest.approx(1361 * 0.3 * 0.9 * 0.85)
