"""Breakup model, maneuvers, and the assembled satellite / shell risk."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.collision import breakup
from orbitdc.errors import InputError
from orbitdc.risk import maneuvers
from orbitdc.risk.model import RiskSettings, assess_satellite, assess_shell, intra_coefficients
from orbitdc.sizing import size_satellite


def test_breakup_model_iridium_cosmos():
    # Iridium 33 (560 kg) and Cosmos 2251 (900 kg) met at 11.65 km/s (TCA check in
    # tests/test_screening*): energy-to-mass ratio ~42,000 J/g >> 40 J/g, catastrophic, and
    # N(>10 cm) = 0.1 x 1460^0.75 x 0.1^-1.71 ~ 1,210 fragments (Johnson et al. 2001 eq. 4).
    # The catalogue holds ~2,375 pieces: the breakup model under-predicts this event by ~2x,
    # as noted in the literature.
    assert breakup.energy_to_mass_j_per_kg(900.0, 560.0, 11.647) == pytest.approx(
        0.5 * 560 * 11647.0**2 / 900, rel=1e-12
    )
    assert breakup.is_catastrophic(900.0, 560.0, 11.647)
    n = breakup.fragments_larger_than(0.1, 900.0, 560.0, 11.647)
    assert n == pytest.approx(0.1 * 1460**0.75 * 0.1**-1.71, rel=1e-12)
    assert 1100 < n < 1300


def test_breakup_non_catastrophic_uses_projectile_mass_times_v_squared():
    # 0.1 kg at 10 km/s on a 10 t satellite: 0.5*0.1*1e8/1e4 = 500 J/kg < 40,000 J/kg, so
    # M = m_p v^2 = 10 (Krisko 2011, ODQN 15(4)).
    assert not breakup.is_catastrophic(10_000.0, 0.1, 10.0)
    assert breakup.fragments_larger_than(0.1, 10_000.0, 0.1, 10.0) == pytest.approx(
        0.1 * 10.0**0.75 * 0.1**-1.71
    )


def test_no_maneuver_limit_is_the_flux_rate():
    # Integrating Pc over the whole encounter plane recovers the geometric cross-section.
    n, v, sigma, hbr = 3e-8, 10.0, 0.3, 0.02
    flux = maneuvers.residual_collisions_per_year(n, v, sigma, hbr, None)
    almost_never = maneuvers.residual_collisions_per_year(n, v, sigma, hbr, 0.999999)
    assert almost_never == pytest.approx(flux, rel=1e-6)
    assert flux == pytest.approx(n * v * 365.25 * 86400 * np.pi * hbr**2)


@given(t1=st.floats(1e-8, 1e-3), t2=st.floats(1e-8, 1e-3))
def test_lower_threshold_means_more_maneuvers_fewer_collisions(t1, t2):
    lo, hi = sorted((t1, t2))
    if hi / lo < 1.01:
        return
    args = (2e-8, 10.0, 0.23, 0.016)
    assert maneuvers.maneuvers_per_year(*args, lo) > maneuvers.maneuvers_per_year(*args, hi)
    assert maneuvers.residual_collisions_per_year(*args, lo) < (
        maneuvers.residual_collisions_per_year(*args, hi)
    )


def _starlink_like(technology):
    """A Starlink V2 mini: 800 kg, two 52.5 m^2 arrays of 12.8 m on a 4.1 m bus (SpaceX FCC
    filings via press), so a hard-body radius of ~15 m, at 550 km and 53 deg."""
    d = size_satellite(20.0, 550.0, 53, technology)
    return dataclasses.replace(
        d, total_mass_kg=800.0, cross_section_m2=0.5 * 105.0 + 1.5 * 4.1**2,
        hard_body_radius_m=(2 * 12.8 + 4.1) / 2, ballistic_coefficient_kg_m2=800.0 / (2.2 * 78.7),
    )


def test_maneuver_rate_reproduces_spacex_reports(technology):
    # SpaceX semi-annual reports to the FCC: 25,299 (Dec 2022-May 2023) and 24,410 (Jun-Nov
    # 2023) avoidance maneuvers for ~4,000 satellites at Pc >= 1e-5, i.e. ~12.5 per
    # satellite-year; the encounter sigma in models/operations.csv is calibrated on this.
    star = _starlink_like(technology)
    at_1e5 = assess_satellite(star, RiskSettings.from_catalogs(pc_threshold=1e-5))
    assert 11.0 < at_1e5.maneuvers_per_sat_year < 14.0
    # Prediction, not fitted: after the threshold was lowered to 1e-6 (report of 1 Jul 2024)
    # SpaceX reported ~50,000 maneuvers for ~5,650 satellites in six months, ~17.7 per
    # satellite-year.
    at_1e6 = assess_satellite(star, RiskSettings.from_catalogs(pc_threshold=1e-6))
    assert at_1e6.maneuvers_per_sat_year == pytest.approx(17.7, rel=0.2)


def test_collision_rate_linear_in_cross_section(technology):
    d = size_satellite(100.0, 700.0, 53, technology)
    s = RiskSettings.from_catalogs()
    base = assess_satellite(d, s)
    bigger = assess_satellite(dataclasses.replace(d, cross_section_m2=2 * d.cross_section_m2), s)
    assert bigger.lethal_nontrackable_per_sat_year == pytest.approx(
        2 * base.lethal_nontrackable_per_sat_year
    )


def test_high_shells_fail_disposal_and_score_worse(technology):
    s = RiskSettings.from_catalogs()
    low = assess_satellite(size_satellite(100.0, 500.0, 53, technology), s)
    high = assess_satellite(size_satellite(100.0, 1000.0, 53, technology), s)
    assert low.compliant_5yr and not high.compliant_5yr
    assert high.disposal_propellant_kg > 0.0 and low.disposal_propellant_kg == 0.0
    assert high.fragment_residual_years > 100 * low.fragment_residual_years
    assert high.debris_index_per_sat_year > 10 * low.debris_index_per_sat_year


def test_shell_intra_term_grows_with_n_squared(technology):
    d = size_satellite(100.0, 800.0, 53, technology)
    uncoord = RiskSettings.from_catalogs(coordinated=False)
    a = assess_shell(d, 1000, uncoord)
    b = assess_shell(d, 2000, uncoord)
    assert b.intra_collisions_per_year == pytest.approx(4 * a.intra_collisions_per_year)
    # Coordination removes the pair term, leaving the derelict term.
    coord = RiskSettings.from_catalogs(coordinated=True, min_separation_km=2.0)
    c = assess_shell(d, 1000, coord)
    assert c.intra_collisions_per_year < a.intra_collisions_per_year
    k = intra_coefficients(d, assess_satellite(d, coord), coord)
    assert k.coordination_factor < 1e-20 and k.collisions > 0.0


def test_metric_selection_and_errors(technology):
    sat = assess_satellite(size_satellite(100.0, 600.0, 53, technology),
                           RiskSettings.from_catalogs())
    assert sat.metric("maneuvers") == sat.maneuvers_per_sat_year
    with pytest.raises(InputError, match="risk metric"):
        sat.metric("fun")
    with pytest.raises(InputError, match="pc_threshold"):
        RiskSettings.from_catalogs(pc_threshold=2.0)
