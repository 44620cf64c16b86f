"""Circular-orbit relations, sun-synchronous inclination, beta angle and eclipses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.constants import OBLIQUITY_DEG, R_EARTH_KM
from orbitdc.orbits.eclipse import (
    annual_eclipse_statistics,
    beta_angle_deg,
    critical_beta_deg,
    eclipse_fraction,
)
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.kepler import (
    circular_speed_km_s,
    orbital_period_s,
    sun_synchronous_inclination_deg,
)


@pytest.mark.parametrize(
    ("altitude_km", "published_deg", "source"),
    [
        # Landsat 8: 705 km, 98.2 deg (USGS, Landsat 8 Data Users Handbook v5, 2019, sec. 1).
        (705.0, 98.2, "USGS Landsat 8 DUH"),
        # Sentinel-2: 786 km mean altitude, 98.62 deg (ESA Sentinel-2 User Handbook, 2015,
        # sec. 2.2 "Orbit").
        (786.0, 98.62, "ESA Sentinel-2 UH"),
        # Sentinel-1: 693 km, 98.18 deg (ESA Sentinel-1 User Handbook, 2013, sec. 2.2).
        (693.0, 98.18, "ESA Sentinel-1 UH"),
    ],
)
def test_sun_synchronous_inclination_matches_flown_missions(altitude_km, published_deg, source):
    # Flown missions use mean elements and their own rounding; 0.1 deg is the spread.
    assert sun_synchronous_inclination_deg(altitude_km) == pytest.approx(published_deg, abs=0.1)


def test_sun_synchronous_inclination_smad_values():
    # SMAD 3rd ed. (Wertz & Larson 1999) Fig. 6-? / common tables: 97.6 deg at 550 km and
    # 98.6 deg at 800 km (also e.g. ESA EO portal mission pages).
    assert sun_synchronous_inclination_deg(550.0) == pytest.approx(97.6, abs=0.05)
    assert sun_synchronous_inclination_deg(800.0) == pytest.approx(98.6, abs=0.05)


def test_iss_period_and_eclipse():
    # ISS at ~400 km: period ~92.6 min and the longest (beta = 0) eclipse ~36 min
    # (NASA, "ISS Facts and Figures": 16 orbits/day; Rickman, NASA TFAWS 2014, beta-angle
    # lecture: ~36 min of eclipse at beta 0 for the ISS).
    period_min = orbital_period_s(400.0) / 60.0
    assert period_min == pytest.approx(92.6, abs=0.2)
    assert eclipse_fraction(400.0, 0.0) * period_min == pytest.approx(36.0, abs=0.5)


def test_circular_speed_at_leo():
    # v = sqrt(mu/r): 7.67 km/s at 400 km (ISS, NASA "ISS Facts and Figures" ~ 7.66 km/s).
    assert circular_speed_km_s(400.0) == pytest.approx(7.67, abs=0.02)


def _brute_force_eclipse_fraction(altitude_km: float, beta_deg: float, n: int = 200_000) -> float:
    """Sample the orbit and test each point against the cylindrical shadow directly."""
    r = R_EARTH_KM + altitude_km
    beta = np.radians(beta_deg)
    sun = np.array([np.cos(beta), 0.0, np.sin(beta)])  # orbit plane is x-y
    u = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    pos = r * np.stack([np.cos(u), np.sin(u), np.zeros_like(u)], axis=1)
    along = pos @ sun
    perp = np.linalg.norm(pos - np.outer(along, sun), axis=1)
    return float(np.mean((along < 0.0) & (perp < R_EARTH_KM)))


@given(
    altitude_km=st.floats(200.0, 2000.0),
    beta_deg=st.floats(-89.0, 89.0),
)
def test_eclipse_fraction_matches_brute_force_geometry(altitude_km, beta_deg):
    expected = _brute_force_eclipse_fraction(altitude_km, beta_deg)
    assert eclipse_fraction(altitude_km, beta_deg) == pytest.approx(expected, abs=2e-5)


def test_no_eclipse_above_critical_beta():
    for h in (300.0, 550.0, 1200.0):
        b = float(critical_beta_deg(h))
        assert eclipse_fraction(h, b + 0.01) == 0.0
        assert eclipse_fraction(h, b - 0.5) > 0.0


@given(
    inclination_deg=st.floats(0.0, 180.0),
    raan_deg=st.floats(0.0, 360.0),
    lam_deg=st.floats(0.0, 360.0),
)
def test_beta_angle_matches_vector_construction(inclination_deg, raan_deg, lam_deg):
    # Independent construction: rotate the orbit normal and the Sun vector with matrices.
    def rx(a):
        c, s = np.cos(a), np.sin(a)
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])

    def rz(a):
        c, s = np.cos(a), np.sin(a)
        return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])

    normal = rz(np.radians(raan_deg)) @ rx(np.radians(inclination_deg)) @ np.array([0, 0, 1.0])
    sun = rx(np.radians(OBLIQUITY_DEG)) @ np.array(
        [np.cos(np.radians(lam_deg)), np.sin(np.radians(lam_deg)), 0.0]
    )
    expected = np.degrees(np.arcsin(np.clip(normal @ sun, -1, 1)))
    assert beta_angle_deg(inclination_deg, raan_deg, lam_deg) == pytest.approx(expected, abs=1e-8)


def test_dawn_dusk_orbit_is_eclipse_free_high_and_seasonal_low():
    # Minimum |beta| of a dawn-dusk SSO is about 90 - 23.44 - (i - 90) deg, so only orbits
    # above ~1,400 km (beta* < ~56 deg) never see the shadow; lower ones have a short
    # eclipse season around the June solstice.
    high = annual_eclipse_statistics(1500.0, InclinationFamily.parse("dawn-dusk"))
    assert high.max_fraction == 0.0 and high.season_fraction == 0.0
    low = annual_eclipse_statistics(550.0, InclinationFamily.parse("dawn-dusk"))
    assert 0.0 < low.season_fraction < 0.4
    assert low.min_abs_beta_deg == pytest.approx(90 - OBLIQUITY_DEG - (97.59 - 90), abs=0.3)
    # A drifting-node orbit always reaches beta = 0, the longest eclipse.
    drift = annual_eclipse_statistics(550.0, InclinationFamily.parse(53))
    assert drift.max_fraction == pytest.approx(float(eclipse_fraction(550.0, 0.0)))
    assert drift.mean_fraction < drift.max_fraction


@pytest.mark.parametrize("bad", ["polar", "sso-25", -1, 181, "sso-x", True])
def test_inclination_parse_rejects_bad_values(bad):
    from orbitdc.errors import InputError

    with pytest.raises(InputError, match="inclination"):
        InclinationFamily.parse(bad)


def test_sso_has_no_circular_solution_very_high():
    from orbitdc.errors import InputError

    with pytest.raises(InputError, match="sun-synchronous"):
        sun_synchronous_inclination_deg(7000.0)
