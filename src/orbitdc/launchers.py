"""Launch vehicles: payload delivered to a shell, satellites per flight, flights per year.

The reference payload of a vehicle is quoted to a low insertion orbit at the inclination of a
due-east launch from its site. Delivering it to a shell costs

* the Hohmann velocity change from the insertion orbit to the shell altitude, and, for a
  reusable stage, to come back down and deorbit (Vallado [1]_ ch. 6);
* the Earth-rotation help lost by launching to a higher inclination: a direct ascent to
  inclination ``i`` gets ``v_eq cos i`` from the Earth's rotation (``v_eq = 0.4651 km/s``), so
  going from the reference inclination ``i0`` to ``i`` costs ``v_eq (cos i0 - cos i)``
  (Curtis [2]_ sec. 11; Wertz SMAD [3]_ sec. 18).

With the stage dry mass ``D``, the exhaust velocity ``c = Isp g0`` and the reference payload
``P0``, the stage's mass at insertion ``M0 = D + P0 + D (exp(dv_back(h0)/c) - 1)`` is fixed, and
the payload to the shell follows from the rocket equation:

``P(h, i) = M0 exp(-dv_up(h, i)/c) - D exp(dv_back(h)/c)``

(``dv_back = 0`` for an expendable upper stage). This is the derivation of refs_bus.md
(orbitdc notes), reproduced in tests/test_deploy_inputs.py.

References
----------
.. [1] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, ch. 6.
.. [2] Curtis, H. D., *Orbital Mechanics for Engineering Students*, 3rd ed., 2014, ch. 11.
.. [3] Wertz, J. R. and Larson, W. J., *Space Mission Analysis and Design*, 3rd ed., 1999.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from orbitdc.assumptions import load_catalog
from orbitdc.constants import G0_M_S2, R_EARTH_KM
from orbitdc.propulsion import deorbit_dv_m_s, hohmann_dv_m_s

#: Equatorial surface speed of the Earth's rotation [km/s] (2 pi R_E / sidereal day).
EARTH_ROTATION_SPEED_KM_S = 2.0 * math.pi * R_EARTH_KM / 86164.0905

@dataclass(frozen=True)
class LaunchVehicle:
    """A launch vehicle from ``models/launchers.csv``."""

    name: str
    payload_kg: float
    reference_altitude_km: float
    reference_inclination_deg: float
    stage_dry_mass_kg: float
    stage_isp_s: float
    cost_per_flight_usd: float
    payload_volume_m3: float
    flights_per_year_licensed: float
    reusable_stage: float

    @classmethod
    def named(cls, name: str, directory: str | os.PathLike[str] | None = None) -> LaunchVehicle:
        """Read a vehicle; raises ``InputError`` listing the choices."""
        cat = load_catalog("launchers", directory)
        cat.require_technology(name, "launch.vehicle")
        p = cat.parameters(name)
        return cls(name=name, **{k: p[k] for k in cls.__dataclass_fields__ if k != "name"})

    @property
    def reusable(self) -> bool:
        """Whether the upper stage returns (and carries its deorbit propellant)."""
        return self.reusable_stage > 0.5

    def payload_to_kg(self, altitude_km: float, inclination_deg: float) -> float:
        """Payload delivered to a circular shell [kg] (module docstring); >= 0."""
        c = self.stage_isp_s * G0_M_S2
        d = self.stage_dry_mass_kg
        back0 = deorbit_dv_m_s(self.reference_altitude_km) if self.reusable else 0.0
        back = deorbit_dv_m_s(altitude_km) if self.reusable else 0.0
        m0 = d + self.payload_kg + d * (math.exp(back0 / c) - 1.0)
        rotation = EARTH_ROTATION_SPEED_KM_S * 1e3 * (
            math.cos(math.radians(self.reference_inclination_deg))
            - math.cos(math.radians(inclination_deg))
        )
        up = float(hohmann_dv_m_s(self.reference_altitude_km, altitude_km))
        if altitude_km < self.reference_altitude_km:
            up = 0.0  # dropped off on the way up: no extra cost below the reference orbit
        payload = m0 * math.exp(-(up + max(rotation, 0.0)) / c) - d * math.exp(back / c)
        return max(payload, 0.0)

    def satellites_per_flight(self, satellite_mass_kg: float, stowed_density_kg_m3: float,
                              payload_kg: float) -> int:
        """Satellites of one mass a flight can carry: limited by payload mass and volume."""
        by_mass = math.floor(payload_kg / satellite_mass_kg)
        by_volume = math.floor(self.payload_volume_m3 * stowed_density_kg_m3 / satellite_mass_kg)
        return max(0, min(by_mass, by_volume))
