"""Numbers behind the audit table of design/risk_model.md: each finding of the risk-model review,
the quantity it changed, computed with the v2 model and with the v1 convention it replaced.

    .venv/bin/python benchmarks/risk_audit.py

Satellites: the baseline study's 100 kW (S100) and 1 MW (S1000) classes at 550 km dawn-dusk,
sized with propulsion as the optimiser sizes them; the v1 column recomputes each term the way the
old model did (same environment, same design), so each row isolates one finding.

A second table undoes, one at a time, each fix made after the independent review of v2
(/work/notes in the project history; design/risk_model.md, section "Independent review"), and
prints the S1000 / S100 debris index per PFLOP/s with that fix undone: how much each one moves
the choice of class.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from unittest import mock

import numpy as np

import orbitdc
from orbitdc.collision import breakup
from orbitdc.collision.geometry import body_cross_section_m2, equivalent_radius_m, sphere
from orbitdc.environment.debris import DebrisEnvironment
from orbitdc.environment.decay import lifetime_years
from orbitdc.risk import consequences, intra, maneuvers
from orbitdc.risk import model as risk_model
from orbitdc.risk.calibration import RiskReductionObservation
from orbitdc.risk.consequences import FRAGMENT_LENGTH_M, fragment_years_per_fragment
from orbitdc.risk.maneuvers import EncounterModel
from orbitdc.risk.model import GenericSatellite, assess_satellite, intra_coefficients


def _row(label: str, v1: str, v2: str, note: str = "") -> None:
    print(f"| {label} | {v1} | {v2} | {note} |")


def main() -> None:
    tick = time.perf_counter()
    study = orbitdc.load_study("studies/baseline.toml")
    env = DebrisEnvironment.load()
    s100 = study.risk("S100", "550km-dawn-dusk")
    s1000 = study.risk("S1000", "550km-dawn-dusk")
    settings = s100.settings
    v = s1000.satellite.relative_velocity_km_s
    print("| finding | v1 | v2 | note |\n|---|---|---|---|")

    # 1. untracked >= 10 cm objects: fragments of ~0.1 kg, not the catalogue's intact mix
    d = s1000.design
    n10 = breakup.fragments_larger_than(FRAGMENT_LENGTH_M, d.total_mass_kg, 448.3, v)
    n_frag = breakup.fragments_larger_than(FRAGMENT_LENGTH_M, d.total_mass_kg, 0.115, v)
    mix_v1 = 0.348 * n10 + 0.652 * n_frag
    _row("1 fragments per untracked collision, S1000", f"{mix_v1:,.0f}",
         f"{s1000.satellite.fragments_per_untracked_collision:,.0f}",
         "v1: 34.8 % intact 448 kg; v2: 10-20 cm fragments, component-level, membrane hole")

    # 2. residual collisions with tracked objects: true area vs the decision sphere
    n_tr = s1000.satellite.tracked_density_per_km3
    hbr = s1000.satellite.decision_hard_body_radius_m / 1e3
    r_true = equivalent_radius_m(s1000.satellite.collision_cross_section_m2) / 1e3
    model = settings.encounter
    sphere_rate = maneuvers.residual_collisions_per_year(n_tr, v, model, hbr, 1e-4)
    true_rate = maneuvers.residual_collisions_per_year(n_tr, v, model, hbr, 1e-4, r_true)
    _row("2 residual tracked collisions / sat-yr, S1000", f"{sphere_rate:.2e}",
         f"{true_rate:.2e}", f"ratio {sphere_rate / true_rate:.1f}")

    # 3. fragment-years: median A/M left at the parent altitude vs the cloud's A/M and kicks
    median_bc = 1.0 / (0.125 * settings.fragment_drag_coefficient)
    for act in ("moderate", "cycle"):
        kw = {"start_year": settings.start_years()[len(settings.start_years()) // 2]} \
            if act == "cycle" else {}
        median = float(lifetime_years(550.0, median_bc, act, **kw))
        mean = fragment_years_per_fragment(550.0, settings.fragment_drag_coefficient, act,
                                           start_years=settings.start_years())
        _row(f"3 years per fragment at 550 km ({act})", f"{median:.2f}", f"{mean:.2f}",
             "v1 median A/M 0.125, circular; v2 mean over A/M and delta-v")
    cloud = breakup.fragment_cloud()
    _row("3 E[M/A] vs 1/median A/M [kg/m^2]", f"{1 / np.median(cloud.area_to_mass_m2_kg):.1f}",
         f"{cloud.mass_per_area_kg_m2.mean():.1f}")

    # 4. solar cycle: the fragment residence through the cycle vs a constant moderate level
    for h in (550.0, 800.0):
        mod = fragment_years_per_fragment(h, settings.fragment_drag_coefficient, "moderate")
        cyc = fragment_years_per_fragment(h, settings.fragment_drag_coefficient, "cycle",
                                          start_years=settings.start_years())
        _row(f"4 years per fragment at {h:g} km", f"{mod:.2f} (moderate)", f"{cyc:.2f} (cycle "
             f"{settings.start_years()[0]}-{settings.start_years()[-1]})")

    # 5. coordinated shells: a Gaussian tail at 1 km vs the reliability floor
    parts = d.parts()
    r_ss = equivalent_radius_m(body_cross_section_m2(parts, parts))
    tail = intra.coordination_factor(settings.min_separation_km, settings.own_sigma_km, r_ss,
                                      settings.screening_radius_km)
    _row("5 coordination factor, S1000 shell", f"{tail:.1e}",
         f"{s1000.intra.coordination_factor:.1e}",
         f"floor 1 - (1 - f)^2, f = {settings.uncoordinated_fraction:g}")

    # 6. satellite-satellite area
    hbr_sat = d.hard_body_radius_m
    _row("6 sat-sat cross-section, S1000 [m^2]", f"{math.pi * (2 * hbr_sat) ** 2:,.0f}",
         f"{s1000.intra.collision_cross_section_m2:,.0f}", "v1 pi (2 HBR)^2; v2 Minkowski mean")

    # 7. operators: an ESA-like satellite at 750 km, Pc 1e-4 (ESA reports ~2 per sat-yr)
    sentinel = GenericSatellite(altitude_km=750.0, inclination_deg=98.5, total_mass_kg=1200.0,
                                cross_section_m2=30.0, hard_body_radius_m=5.0,
                                design_life_years=7.0, drag_coefficient=2.2)
    esa_s = orbitdc.risk_settings(operator="esa", population="no_starlink", pc_threshold=1e-4)
    one_sigma = replace(orbitdc.risk_settings(population="no_starlink", pc_threshold=1e-4),
                        encounter=EncounterModel("v1", 0.23))
    _row("7 ESA-like maneuvers / sat-yr at 1e-4",
         f"{assess_satellite(sentinel, one_sigma).maneuvers_per_sat_year:.1f}",
         f"{assess_satellite(sentinel, esa_s).maneuvers_per_sat_year:.1f}",
         "v1 one sigma 0.23 km fitted to SpaceX; v2 the esa operator class; ESA reports ~2")

    # 8. background at 550 km
    k550 = int(np.searchsorted(env.bin_lower_km, 550.0, side="right") - 1)
    public_no_sl = float(sum(c[k550] for c in env.class_density_per_km3("no_starlink").values()))
    _row("8 tracked density at 550 km [1/km^3]", f"{public_no_sl:.2e} (public, no Starlink)",
         f"{s1000.satellite.tracked_density_per_km3:.2e} (all, SSN)")
    _row("8 untracked >= 10 cm at 550 km [1/km^3]", f"{public_no_sl * 0.376:.2e}",
         f"{s1000.satellite.untracked_ge10cm_density_per_km3:.2e}",
         "v1 0.376 x tracked; v2 fragments on the debris profile")

    # 9. gossamer structures: intact-object collision, whole satellite vs the part hit
    whole = breakup.fragments_larger_than(FRAGMENT_LENGTH_M, d.total_mass_kg, 316.0, v)
    payload = consequences.expected_fragments(
        d.parts(), [sphere(env.params["background_hbr_m"], 316.0)], v,
        hole_ratio=env.params["membrane_hole_diameter_ratio"]).fragments
    _row("9 fragments per collision with a 316 kg payload, S1000", f"{whole:,.0f}",
         f"{payload:,.0f} ({s1000.satellite.fragments_per_tracked_collision:,.0f} bin mix)",
         "v2: a bus hit breaks the satellite, a wing hit the membrane around the hole")

    # 10. the collisions metric
    sat = s1000.satellite
    v1_coll = sat.collisions_per_sat_year + sat.disabling_impacts_per_sat_year + \
        sat.survivable_impacts_per_sat_year
    _row("10 'collisions' / sat-yr, S1000", f"{v1_coll:.3f} (with 1-10 cm)",
         f"{sat.collisions_per_sat_year:.3f} (>= 10 cm)",
         f"survivable 1-10 cm {sat.survivable_impacts_per_sat_year:.3f} reported apart")

    # 11. NASA-STD-8719.14 4.5-1 over the orbital lifetime
    life = d.design_life_years
    _row("11 P(collision >= 10 cm), S1000",
         f"{1 - math.exp(-sat.collisions_per_sat_year * life):.3f} (design life)",
         f"{sat.collision_probability_orbital_life:.3f} (orbital life)")

    # 13. propulsion at 400 km for a 1 MW satellite
    low = orbitdc.size_and_assess_risk(1000.0, 400.0, "dawn-dusk", technology={
        "solar_array": "thin_silicon", "radiator": "carbon_carbon_heat_pipe"},
        eclipse_load_fraction=0.0, radiator_temp_k=330.0)
    _row("13 S1000 at 400 km: propellant [t/yr], EP power [kW]", "not sized",
         f"{low.design.propellant_mass_kg / life / 1e3:.2f}, {low.design.power_propulsion_kw:.1f}")

    # the headline: index per PFLOP/s
    k100 = s100.satellite.debris_index_per_sat_year / s100.design.compute_pflops
    k1000 = s1000.satellite.debris_index_per_sat_year / s1000.design.compute_pflops
    _row("index per PFLOP/s at 550 km, S100 / S1000", "see design/risk_model.md",
         f"{k100:.4f} / {k1000:.4f} (ratio {k1000 / k100:.2f})")
    intra_k = intra_coefficients(s1000.design, s1000.satellite, settings)
    print(f"\nS1000 intra k [fragment-years/(sat^2 yr)]: {intra_k.debris_index:.3e}; "
          f"sphere of satellite 1.1 m: {body_cross_section_m2(parts, [sphere(1.1)]):,.0f} m^2")
    print()
    review_sensitivity(study)
    print(f"\n(computed in {time.perf_counter() - tick:.1f} s)")


@contextmanager
def _whole_wing() -> Iterator[None]:
    """A wing hit engages the whole wing (the v2 model before the review), not the hole."""
    original = risk_model.expected_fragments

    def whole(*args: object, **kwargs: object) -> consequences.Breakup:
        kwargs["hole_ratio"] = 1e9
        return original(*args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(risk_model, "expected_fragments", whole):
        yield


@contextmanager
def _whole_satellite() -> Iterator[None]:
    """Every hit engages the whole satellite (v1's breakup, with v2's partners and geometry)."""
    original = risk_model.expected_fragments

    def whole(body, projectile, *args, **kwargs):  # type: ignore[no-untyped-def]
        total = max(p.mass_kg for p in body)  # the bus part carries the satellite's mass
        body = [replace(p, mass_kg=total, areal_density_kg_m2=0.0) for p in body]
        return original(body, projectile, *args, **kwargs)

    with mock.patch.object(risk_model, "expected_fragments", whole):
        yield


@contextmanager
def _effective_fragment_mass() -> Iterator[None]:
    """Fragment partners as one effective mass (0.548 kg catalogued, 0.163 kg untracked)."""
    def one(min_length_m: float, max_length_m: float, quantiles: int = 32):  # type: ignore[no-untyped-def]
        mass, length = (0.548, 0.198) if max_length_m >= 1.0 else (0.163, 0.12)
        return (sphere(0.5 * length, mass, "fragment"),), (1.0,)

    with mock.patch.object(consequences, "fragment_population", one):
        yield


@contextmanager
def _derelicts_not_avoided() -> Iterator[None]:
    """Maneuvering satellites of the background do not avoid a derelict."""
    with mock.patch.object(risk_model, "MANEUVERING_CLASSES", frozenset()):
        yield


@contextmanager
def _fragments_at_the_shell() -> Iterator[None]:
    """Fragments of derelict and disposal collisions live as long as those made at the shell."""
    original = risk_model._descent

    def at_shell(env: DebrisEnvironment, start_km: float, settings):  # type: ignore[no-untyped-def]
        path = original(env, start_km, settings)
        shell = fragment_years_per_fragment(start_km, settings.fragment_drag_coefficient,
                                            settings.activity, settings.atmosphere,
                                            settings.models_dir, settings.start_years())
        return replace(path, fragment_years=shell)

    with mock.patch.object(risk_model, "_descent", at_shell):
        yield


@contextmanager
def _tracked_count_of_2024(models_dir: object) -> Iterator[None]:
    """ESA's end-2024 tracked count against the Oct 2023 public catalogue (mixed epochs)."""
    env = DebrisEnvironment.load(directory=models_dir)  # type: ignore[arg-type]
    env.params["tracked_objects"] = 39_246.0
    with mock.patch.object(DebrisEnvironment, "load", lambda *a, **k: env):
        yield


def _class_ratio(study: orbitdc.Study, shell: str, **overrides: Any) -> tuple[float, float]:
    """Debris index per PFLOP/s of S100 and S1000 in a shell."""
    out = []
    for name in ("S100", "S1000"):
        r = study.risk(name, shell, **overrides)
        out.append(r.satellite.debris_index_per_sat_year / r.design.compute_pflops)  # type: ignore[attr-defined]
    return out[0], out[1]


def review_sensitivity(study: orbitdc.Study) -> None:
    """Each post-review fix undone alone: S1000 / S100 index per PFLOP/s at 500 and 550 km."""
    undo: list[tuple[str, Callable[[], Any], dict[str, Any]]] = [
        ("none (the model)", _nothing, {}),
        ("P1a every 1-10 cm bus hit disables (critical fraction 1, not 0.3)", _nothing,
         {"bus_critical_area_fraction": 1.0}),
        ("P1b Starlink does not avoid derelicts", _derelicts_not_avoided, {}),
        ("P1c derelict/disposal fragments live as long as at the shell", _fragments_at_the_shell,
         {}),
        ("P2 a wing hit engages the whole wing", _whole_wing, {}),
        ("P2 (bound) every hit engages the whole satellite", _whole_satellite, {}),
        ("P6 fragment partners as one effective mass", _effective_fragment_mass, {}),
        ("P4 end-2024 tracked count with the 2023 catalogue",
         lambda: _tracked_count_of_2024(study.models_dir), {}),
        ("P10 constant moderate activity (the old baseline)", _nothing, {"activity": "moderate"}),
    ]
    print("| fix undone | S1000/S100 at 500 km 53 deg | at 550 km dawn-dusk |\n|---|---|---|")
    for label, context, overrides in undo:
        with context():  # type: ignore[attr-defined]
            a = _class_ratio(study, "500km-53", **overrides)
            b = _class_ratio(study, "550km-dawn-dusk", **overrides)
        print(f"| {label} | {a[1] / a[0]:.2f} | {b[1] / b[0]:.2f} |")
    esa = EncounterModel.from_catalog("esa")
    reduction = RiskReductionObservation(1e-4, 0.9, 6.1e-3)
    print(f"\nP5 ESA-like risk reduction at 1e-4: {100 * reduction.predicted(esa):.1f} % "
          f"(ESA reports ~90 %); one sigma 0.42 km (the old fit): "
          f"{100 * reduction.predicted(EncounterModel('esa', 0.421)):.1f} %")


@contextmanager
def _nothing() -> Iterator[None]:
    yield


if __name__ == "__main__":
    main()
