"""Launch-vehicle payloads and the coefficient builder that feeds the deployment model."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from orbitdc.errors import InputError
from orbitdc.launchers import LaunchVehicle
from orbitdc.propulsion import deorbit_dv_m_s
from orbitdc.spec import read_study
from orbitdc.study.coefficients import DesignPoint, build_coefficients, packing_capacity


def test_starship_payload_vs_altitude_matches_independent_arithmetic():
    # Rocket-equation arithmetic done independently for the orbitdc reference notes
    # (refs_bus.md, sec. 8a/10): reusable ship with dry mass D = 100 t, P0 = 100 t at 250 km,
    # Raptor Vacuum 380 s, Hohmann up plus a deorbit burn to a 50 km perigee:
    # 550 km -> 88.7 t, 1,000 km -> 73.7 t, 1,400 km -> 62.0 t (due-east, no plane change).
    ship = dataclasses.replace(LaunchVehicle.named("starship"), stage_dry_mass_kg=100_000.0)
    for h, expected in ((550.0, 88.7e3), (1000.0, 73.7e3), (1400.0, 62.0e3)):
        assert ship.payload_to_kg(h, ship.reference_inclination_deg) == pytest.approx(
            expected, rel=0.005)


def test_inclination_costs_earth_rotation():
    ship = LaunchVehicle.named("starship")
    due_east = ship.payload_to_kg(550.0, ship.reference_inclination_deg)
    sso = ship.payload_to_kg(550.0, 97.6)
    # Lost rotation help v_eq (cos 26 - cos 97.6) = 0.48 km/s at 3.73 km/s exhaust velocity.
    dv = 465.1 * (math.cos(math.radians(26.0)) - math.cos(math.radians(97.6)))
    assert sso < due_east
    assert dv == pytest.approx(480.0, abs=2.0)


def test_deorbit_burn_vis_viva():
    # From 550 km circular to a 50 km perigee: v_c - v_apo of the ellipse, ~143 m/s
    # (independent arithmetic in refs_bus.md: 0.143 km/s).
    assert deorbit_dv_m_s(550.0) == pytest.approx(143.0, abs=1.0)


def test_packing_capacity_bound():
    # Hexagonal packing on the shell: 8 pi r^2 / (sqrt(3) d^2).
    r = 6378.137 + 550.0
    assert packing_capacity(550.0, 10.0) == int(8 * math.pi * r**2 / (math.sqrt(3) * 100.0))
    assert packing_capacity(550.0, 20.0) < packing_capacity(550.0, 10.0)


def test_unknown_vehicle_is_an_input_error():
    with pytest.raises(InputError, match="launch.vehicle"):
        LaunchVehicle.named("saturn5")


def test_coefficients_of_the_baseline(baseline_path):
    loaded = read_study(baseline_path)
    table = build_coefficients(loaded)
    inputs = table.inputs
    spec = loaded.spec
    assert len(inputs.shells) == len(spec.shells.altitudes_km()) * len(spec.shells.families())
    assert len(inputs.coefficients) == len(inputs.shells) * len(spec.classes)
    for (shell, cls), c in inputs.coefficients.items():
        design = table.designs[(shell, cls)]
        risk = table.risks[(shell, cls)]
        # Launch mass = dry satellite + propellant for station keeping over the life and the
        # disposal, by the rocket equation on the dry mass (Isp 2,500 s).
        life = spec.technology.design_life_years
        dry = design.total_mass_kg - design.propellant_mass_kg
        dv = risk.stationkeeping_dv_m_s_per_year * life + risk.disposal_dv_m_s
        assert c.mass_kg == design.total_mass_kg
        assert design.propellant_mass_kg == pytest.approx(
            dry * np.expm1(dv / (2500.0 * 9.80665)), rel=0.02)
        assert c.compute_pflops == design.compute_pflops
        assert c.risk_per_sat_year == risk.metric(spec.risk.metric)
    # Higher shells keep their fragments longer: the per-satellite risk rises with altitude
    # above the 600-700 km compliance edge.
    low = [s for s in inputs.shells if s.altitude_km == 550.0][0]
    high = [s for s in inputs.shells if s.altitude_km == 1000.0][0]
    name = spec.classes[0].name
    assert (inputs.coefficients[(high.key, name)].risk_per_sat_year
            > inputs.coefficients[(low.key, name)].risk_per_sat_year)
    assert low.disposal_compliant and not high.disposal_compliant


def test_design_point_overrides(baseline_path):
    loaded = read_study(baseline_path)
    name = loaded.spec.classes[0].name
    hot = build_coefficients(loaded, DesignPoint(radiator_temp_k=360.0))
    key = hot.inputs.shells[0].key
    assert hot.designs[(key, name)].radiator_temp_k == 360.0
    capped = build_coefficients(loaded, DesignPoint(capacities={key: 7}))
    assert capped.inputs.shells[0].capacity_sats == 7
