"""Size one orbital data-center satellite for a compute power and an orbit.

The chain (each step in its own module, with its equation and source):

1. electrical loads: compute power, bus housekeeping, links, coolant pumps and, when the
   radiator runs hotter than the coolant, a heat pump (:mod:`~orbitdc.sizing.radiator`);
2. eclipse statistics of the orbit over a year (:mod:`orbitdc.orbits.eclipse`);
3. solar array for the worst orbit at end of life (:mod:`~orbitdc.sizing.solar_array`);
4. battery for the longest eclipse (:mod:`~orbitdc.sizing.battery`);
5. radiator for all the electrical power, which ends as heat;
6. masses, with structure and propulsion as fractions of the total;
7. geometry for the risk models (:mod:`~orbitdc.sizing.geometry`);
8. compute delivered: power x availability x accelerator efficiency.

With a :class:`PropulsionDemand` (drag and disposal from the risk model), the electric
propulsion's power joins the daylight load and its propellant the mass; both feed back on the
array (and so on the drag), which a short fixed-point iteration settles.

References
----------
.. [1] Wertz, J. R., Everett, D. F. and Puschell, J. J., *Space Mission Engineering: The New
   SMAD*, Microcosm Press, 2011.
.. [2] Wertz, J. R. and Larson, W. J., *Space Mission Analysis and Design*, 3rd ed., 1999,
   sec. 17.4 (rocket equation, thrust power).
.. [3] Goebel, D. M. and Katz, I., *Fundamentals of Electric Propulsion: Ion and Hall
   Thrusters*, JPL Space Science and Technology Series, Wiley, 2008, ch. 2 (thrust, jet power
   and efficiency).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from orbitdc.collision.geometry import ConvexPart, cube, plate
from orbitdc.constants import G0_M_S2, SECONDS_PER_YEAR
from orbitdc.errors import InputError, require_range
from orbitdc.orbits.eclipse import annual_eclipse_statistics, eclipse_fraction
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.kepler import orbital_period_s
from orbitdc.sizing import battery, geometry, radiator, solar_array
from orbitdc.sizing.technology import SatelliteTechnology

#: Altitude range [km] the sizing and risk models are built for (low Earth orbit).
MIN_ALTITUDE_KM = 150.0
MAX_ALTITUDE_KM = 2000.0
#: Compute power range [kW]: the seed concepts span 100 kW precursors to 10 MW successors;
#: smaller values are allowed for comparisons with existing satellites.
MAX_POWER_KW = 100_000.0


@dataclass(frozen=True)
class SatelliteDesign:
    """A sized satellite. Field names carry their units."""

    power_compute_kw: float
    altitude_km: float
    inclination_deg: float
    inclination_family: str
    design_life_years: float
    radiator_temp_k: float
    eclipse_load_fraction: float
    # orbit
    orbital_period_min: float
    eclipse_fraction: float
    eclipse_fraction_max: float
    eclipse_max_min: float
    beta_min_deg: float
    # power
    power_bus_kw: float
    power_thermal_control_kw: float
    power_heat_pump_kw: float
    power_propulsion_kw: float
    power_daylight_kw: float
    power_eclipse_kw: float
    array_power_required_kw: float
    array_power_bol_kw: float
    array_power_eol_kw: float
    array_area_m2: float
    array_area_bol_m2: float
    # thermal
    heat_rejected_kw: float
    heat_pump_cop: float
    radiator_net_flux_w_m2: float
    radiator_area_m2: float
    # battery
    battery_energy_kwh: float
    # masses
    array_mass_kg: float
    radiator_mass_kg: float
    battery_mass_kg: float
    compute_hw_mass_kg: float
    structure_mass_kg: float
    propulsion_mass_kg: float
    propellant_mass_kg: float
    total_mass_kg: float
    # geometry
    bus_side_m: float
    array_span_m: float
    radiator_span_m: float
    cross_section_m2: float
    bus_cross_section_m2: float
    largest_dimension_m: float
    hard_body_radius_m: float
    area_to_mass_m2_kg: float
    ballistic_coefficient_kg_m2: float
    # compute and cost
    availability: float
    compute_pflops: float
    manufacturing_cost_musd: float

    def to_dict(self) -> dict[str, float | str]:
        """Plain dictionary with unit-named keys (the JSON form)."""
        return asdict(self)

    def parts(self) -> list[ConvexPart]:
        """The convex parts a collision can hit, with the mass each hit breaks up.

        The bus (a cube: a hit breaks the whole satellite) and each wing pair as one flat strip
        of tip-to-tip span and wing width, a membrane of the wings' areal density whose hit
        engages the mass around the hole, at most one wing (:mod:`orbitdc.collision.geometry`,
        :mod:`orbitdc.risk.consequences`).
        """
        side = self.bus_side_m
        out = [cube(side, self.total_mass_kg, "bus")]
        for name, area, span, mass in (
            ("array", self.array_area_m2, self.array_span_m, self.array_mass_kg),
            ("radiator", self.radiator_area_m2, self.radiator_span_m, self.radiator_mass_kg),
        ):
            if area > 0.0 and span > side:
                out.append(plate(span, area / (span - side), 0.5 * mass, name, mass / area))
        return out


@dataclass(frozen=True)
class PropulsionDemand:
    """What the orbit asks of the electric propulsion (from the drag and disposal analysis).

    Attributes
    ----------
    stationkeeping_dv_m_s_per_year : float [m/s/yr]
        Velocity increment that cancels drag each year.
    disposal_dv_m_s : float [m/s]
        Propulsive disposal at the end of life (0 when passive decay meets the rule).
    isp_s : float [s]
        Thruster specific impulse.
    """

    stationkeeping_dv_m_s_per_year: float
    disposal_dv_m_s: float
    isp_s: float


def propulsion_budget(
    demand: PropulsionDemand, dry_mass_kg: float, design_life_years: float,
    thruster_efficiency: float, sunlit_fraction: float,
) -> tuple[float, float]:
    """Propellant [kg] for the life and electric power [W] drawn while thrusting in sunlight.

    Propellant by the rocket equation on the dry mass, ``m_p = m_dry (exp(dv / c) - 1)`` with
    ``dv = dv_sk L + dv_disposal`` and ``c = Isp g0``; the thrust that cancels drag,
    ``F = m a`` with ``a = dv_sk / (1 yr)`` on the mid-life mass, needs the jet power ``F c / 2``
    and the electric power ``F c / (2 eta)``, delivered in sunlight only (SMAD [2]_ sec. 17.4;
    Goebel & Katz [3]_ ch. 2).
    """
    c = demand.isp_s * G0_M_S2
    dv = demand.stationkeeping_dv_m_s_per_year * design_life_years + demand.disposal_dv_m_s
    propellant = dry_mass_kg * math.expm1(dv / c)
    accel = demand.stationkeeping_dv_m_s_per_year / SECONDS_PER_YEAR
    thrust = (dry_mass_kg + 0.5 * propellant) * accel
    power = thrust * c / (2.0 * thruster_efficiency) / max(sunlit_fraction, 1e-3)
    return propellant, power


def _loads_w(
    compute_w: float, tech: SatelliteTechnology, cop: float
) -> tuple[float, float, float, float]:
    """Bus, coolant-pump and heat-pump power, and their total with the compute load [W]."""
    bus = tech.bus.bus_power_w + tech.bus.link_power_w
    pumps = tech.bus.thermal_control_power_fraction * (compute_w + bus)
    source_heat = compute_w + bus + pumps
    heat_pump = 0.0 if math.isinf(cop) else source_heat / cop
    return bus, pumps, heat_pump, source_heat + heat_pump


def size_satellite(
    power_kw: float,
    altitude_km: float,
    inclination: InclinationFamily | float | str,
    technology: SatelliteTechnology,
    *,
    radiator_temp_k: float = 330.0,
    design_life_years: float = 5.0,
    eclipse_load_fraction: float = 1.0,
    beta_deg: float | None = None,
    propulsion: PropulsionDemand | None = None,
) -> SatelliteDesign:
    """Size a satellite that delivers ``power_kw`` of compute power.

    Parameters
    ----------
    power_kw : float [kW]
        Electrical power drawn by the compute hardware, in (0, 100,000].
    altitude_km : float [km]
        Circular-orbit altitude, in [150, 2000].
    inclination : InclinationFamily, float [deg] or str
        A fixed inclination, ``"sso"``, ``"dawn-dusk"`` or ``"sso-HH.H"``.
    technology : SatelliteTechnology
        Catalog technology set (:meth:`SatelliteTechnology.from_catalogs`).
    radiator_temp_k : float [K]
        Radiator surface temperature; above the coolant temperature minus the loop drop a heat
        pump is needed.
    design_life_years : float [yr]
        Years in orbit the array is sized for (end-of-life degradation).
    eclipse_load_fraction : float [-]
        Fraction of the compute load kept running in eclipse (1 = continuous service; 0 = the
        accelerators idle in shadow and only the bus runs on the battery).
    beta_deg : float, optional [deg]
        Size for this fixed beta angle instead of the annual range of the orbit.
    propulsion : PropulsionDemand, optional
        Station keeping and disposal to provide for: adds the electric-propulsion power to the
        daylight load and the propellant to the mass. Without it both are zero.

    Returns
    -------
    SatelliteDesign

    Raises
    ------
    orbitdc.errors.InputError
        Naming the parameter, when an input is out of range or the radiator cannot reject heat
        at that temperature and altitude.
    """
    power_kw = require_range("power_kw", power_kw, gt=0.0, le=MAX_POWER_KW)
    altitude_km = require_range(
        "altitude_km", altitude_km, ge=MIN_ALTITUDE_KM, le=MAX_ALTITUDE_KM
    )
    design_life_years = require_range("design_life_years", design_life_years, gt=0.0, le=30.0)
    eclipse_load_fraction = require_range(
        "eclipse_load_fraction", eclipse_load_fraction, ge=0.0, le=1.0
    )
    radiator_temp_k = require_range(
        "radiator_temp_k", radiator_temp_k, gt=0.0, le=technology.radiator.max_temperature_k
    )
    family = (
        inclination
        if isinstance(inclination, InclinationFamily)
        else InclinationFamily.parse(inclination)
    )
    inc_deg = family.inclination_deg(altitude_km)
    period_s = float(orbital_period_s(altitude_km))

    # 2. eclipses
    if beta_deg is not None:
        beta_deg = require_range("beta_deg", beta_deg, ge=-90.0, le=90.0)
        f_mean = f_max = float(eclipse_fraction(altitude_km, beta_deg))
        beta_min = abs(beta_deg)
    else:
        stats = annual_eclipse_statistics(altitude_km, family)
        f_mean, f_max, beta_min = stats.mean_fraction, stats.max_fraction, stats.min_abs_beta_deg

    # 1. loads, with a heat pump when the radiator is hotter than the coolant can reach
    bus_t = technology.bus
    cold_k = technology.accelerator.coolant_temperature_k - bus_t.radiator_loop_delta_t_k
    cop = float(
        radiator.heat_pump_cop(cold_k, radiator_temp_k, bus_t.heat_pump_second_law_efficiency)
    )
    compute_w = power_kw * 1e3
    bus_w, pumps_w, hp_w, day_w = _loads_w(compute_w, technology, cop)
    eclipse_w = _loads_w(compute_w * eclipse_load_fraction, technology, cop)[3]

    # 3-6. array, battery, radiator and masses; with electric propulsion its power (thrusting in
    # sunlight) and propellant depend on the mass, which depends on the array: a fixed point
    arr = technology.array
    env = technology.environment
    rad = technology.radiator
    acc = technology.accelerator
    batt = technology.battery
    k_temp = solar_array.temperature_factor(
        arr.operating_temperature_k, arr.temperature_coefficient_per_k
    )

    def output(years: float) -> float:
        return float(
            solar_array.array_specific_output_w_m2(
                env.solar_constant_w_m2,
                arr.cell_efficiency,
                arr.packing_factor,
                arr.inherent_degradation,
                k_temp,
                bus_t.pointing_error_deg,
                arr.degradation_per_year,
                years,
            )
        )

    q_bol, q_eol = output(0.0), output(design_life_years)
    absorbed = radiator.absorbed_environment_flux_w_m2(
        altitude_km,
        rad.emissivity,
        rad.solar_absorptivity,
        env.earth_ir_w_m2,
        env.albedo,
        env.solar_constant_w_m2,
        env.albedo_factor,
    )
    solar_load = rad.solar_absorptivity * env.solar_constant_w_m2 * math.sin(
        math.radians(env.radiator_solar_incidence_deg)
    )
    q_net = float(
        radiator.radiator_net_flux_w_m2(
            radiator_temp_k, rad.emissivity, rad.fin_efficiency, absorbed, solar_load
        )
    )
    if q_net <= 0.0:
        t_sink = float(
            radiator.sink_temperature_k(rad.emissivity, rad.fin_efficiency, absorbed, solar_load)
        )
        raise InputError(
            "radiator_temp_k",
            radiator_temp_k,
            f"must be > {t_sink:.0f} K, the radiator sink temperature at {altitude_km:g} km",
        )
    # 4. battery for the longest eclipse (propulsion does not thrust in eclipse)
    energy_wh = float(
        battery.battery_capacity_wh(
            eclipse_w, f_max * period_s, batt.depth_of_discharge, batt.discharge_efficiency
        )
    )
    m_batt = energy_wh / batt.specific_energy_wh_kg
    m_hw = power_kw * (acc.mass_kg_per_kw + acc.shielding_kg_per_kw)
    free_fraction = 1.0 - bus_t.structure_fraction - bus_t.propulsion_fraction
    ep_w = propellant = 0.0
    for _ in range(4 if propulsion is not None else 1):
        # 3. solar array, sized for the worst orbit of the year at end of life
        p_sa = float(
            solar_array.required_array_power_w(
                day_w + ep_w, eclipse_w, f_max, bus_t.daylight_path_efficiency,
                bus_t.eclipse_path_efficiency
            )
        )
        array_area = p_sa / q_eol
        # 5. radiator: the electrical load ends as heat in the coolant loop (the thrusters'
        # jet power leaves with the plume, their losses stay)
        heat_w = day_w + (1.0 - bus_t.thruster_efficiency) * ep_w
        radiator_area = heat_w / q_net
        # 6. masses
        m_array = array_area * arr.areal_density_kg_m2
        m_rad = radiator_area * rad.areal_density_kg_m2
        carried = m_array + m_rad + m_batt + m_hw
        m_dry = carried / free_fraction
        if propulsion is not None:
            propellant, ep_w = propulsion_budget(propulsion, m_dry, design_life_years,
                                                 bus_t.thruster_efficiency, 1.0 - f_mean)
    m_struct = bus_t.structure_fraction * m_dry
    m_prop = bus_t.propulsion_fraction * m_dry
    m_total = m_dry + propellant

    # 7. geometry
    geo = geometry.satellite_geometry(
        array_area_m2=array_area,
        radiator_area_m2=radiator_area,
        bus_mass_kg=m_total - m_array - m_rad,
        bus_bulk_density_kg_m3=bus_t.bus_bulk_density_kg_m3,
        array_aspect_ratio=bus_t.array_aspect_ratio,
        radiator_aspect_ratio=bus_t.radiator_aspect_ratio,
    )

    # 8. compute delivered and cost
    availability = (1.0 - f_mean * (1.0 - eclipse_load_fraction)) * acc.hardware_availability
    pflops = compute_w * availability * acc.flops_per_watt / 1e15
    cost_usd = power_kw * acc.cost_per_kw_usd + (m_total - m_hw) * (
        bus_t.manufacturing_cost_per_kg_usd
    )

    return SatelliteDesign(
        power_compute_kw=power_kw,
        altitude_km=altitude_km,
        inclination_deg=inc_deg,
        inclination_family=family.label,
        design_life_years=design_life_years,
        radiator_temp_k=radiator_temp_k,
        eclipse_load_fraction=eclipse_load_fraction,
        orbital_period_min=period_s / 60.0,
        eclipse_fraction=f_mean,
        eclipse_fraction_max=f_max,
        eclipse_max_min=f_max * period_s / 60.0,
        beta_min_deg=beta_min,
        power_bus_kw=bus_w / 1e3,
        power_thermal_control_kw=pumps_w / 1e3,
        power_heat_pump_kw=hp_w / 1e3,
        power_propulsion_kw=ep_w / 1e3,
        power_daylight_kw=(day_w + ep_w) / 1e3,
        power_eclipse_kw=eclipse_w / 1e3,
        array_power_required_kw=p_sa / 1e3,
        array_power_bol_kw=array_area * q_bol / 1e3,
        array_power_eol_kw=array_area * q_eol / 1e3,
        array_area_m2=array_area,
        array_area_bol_m2=p_sa / q_bol,
        heat_rejected_kw=heat_w / 1e3,
        heat_pump_cop=cop,
        radiator_net_flux_w_m2=q_net,
        radiator_area_m2=radiator_area,
        battery_energy_kwh=energy_wh / 1e3,
        array_mass_kg=m_array,
        radiator_mass_kg=m_rad,
        battery_mass_kg=m_batt,
        compute_hw_mass_kg=m_hw,
        structure_mass_kg=m_struct,
        propulsion_mass_kg=m_prop,
        propellant_mass_kg=propellant,
        total_mass_kg=m_total,
        bus_side_m=geo.bus_side_m,
        array_span_m=geo.array_span_m,
        radiator_span_m=geo.radiator_span_m,
        cross_section_m2=geo.cross_section_m2,
        bus_cross_section_m2=1.5 * geo.bus_side_m**2,
        largest_dimension_m=geo.largest_dimension_m,
        hard_body_radius_m=geo.largest_dimension_m / 2.0,
        area_to_mass_m2_kg=geo.cross_section_m2 / m_total,
        ballistic_coefficient_kg_m2=geometry.ballistic_coefficient_kg_m2(
            m_total, geo.cross_section_m2, bus_t.drag_coefficient
        ),
        availability=availability,
        compute_pflops=pflops,
        manufacturing_cost_musd=cost_usd / 1e6,
    )

