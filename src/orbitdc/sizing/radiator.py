"""Radiator sizing: heat rejected by a two-sided flat radiator in low Earth orbit.

The radiator is a flat panel radiating from both faces, kept edge-on to the Sun (as the ISS
radiators are) with its plane containing the local vertical, so each face sees the Earth with
the view factor of a vertical plate. Each face absorbs Earth infrared and albedo; the panel
rejects ``q = 2 eta_fin eps sigma T^4 - 2 (eps q_IR F + alpha a S F k_alb) - alpha S sin(theta)``
per unit plate area. When the radiator runs hotter than the coolant that leaves the electronics,
a heat pump lifts the heat; its work is bounded by Carnot.

References
----------
.. [1] Gilmore, D. G. (ed.), *Spacecraft Thermal Control Handbook, Vol. I: Fundamental
   Technologies*, 2nd ed., The Aerospace Press, 2002, ch. 2 (orbital environment: Earth IR,
   albedo; view factors to the Earth) and ch. 6 (radiators, fin efficiency).
.. [2] Incropera, F. P. et al., *Fundamentals of Heat and Mass Transfer*, 6th ed., Wiley, 2007,
   eq. 12.28 (black-body emissive power ``E_b = sigma T^4``).
.. [3] Moran, M. J. and Shapiro, H. N., *Fundamentals of Engineering Thermodynamics*, 5th ed.,
   2006, eq. 5.10 (Carnot coefficient of performance of a heat pump).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import R_EARTH_KM, STEFAN_BOLTZMANN_W_M2_K4

FloatArray = NDArray[np.float64]


def blackbody_flux_w_m2(temperature_k: ArrayLike) -> FloatArray:
    """Black-body emissive power ``E_b = sigma T^4`` [W/m^2] (Incropera [2]_ eq. 12.28)."""
    t = np.asarray(temperature_k, dtype=float)
    return STEFAN_BOLTZMANN_W_M2_K4 * t**4


def earth_view_factor_vertical_plate(altitude_km: ArrayLike) -> FloatArray:
    """View factor from one face of a plate whose normal is horizontal to the Earth [-].

    ``F = (1/pi) [atan(1/X) - X / H^2]`` with ``H = (R_E + h) / R_E`` and ``X = sqrt(H^2 - 1)``
    (Gilmore [1]_ ch. 2, view factor of a vertical plate to a sphere). ``F -> 1/2`` at the
    surface and decays like ``H^-3`` far away.
    """
    h_ratio = (R_EARTH_KM + np.asarray(altitude_km, dtype=float)) / R_EARTH_KM
    x = np.sqrt(h_ratio**2 - 1.0)
    return (np.arctan(1.0 / x) - x / h_ratio**2) / np.pi


def absorbed_environment_flux_w_m2(
    altitude_km: ArrayLike,
    emissivity: float,
    solar_absorptivity: float,
    earth_ir_w_m2: float,
    albedo: float,
    solar_constant_w_m2: float,
    albedo_factor: float,
) -> FloatArray:
    """Earth infrared plus albedo absorbed by one radiator face [W/m^2].

    ``q_abs = eps q_IR F + alpha a S F k_alb`` (Gilmore [1]_ ch. 2), with ``k_alb`` the
    fraction of the full sub-solar albedo load assumed (1 = hot case).
    """
    f = earth_view_factor_vertical_plate(altitude_km)
    infrared = emissivity * earth_ir_w_m2 * f
    reflected = solar_absorptivity * albedo * solar_constant_w_m2 * f * albedo_factor
    return infrared + reflected


def radiator_net_flux_w_m2(
    temperature_k: ArrayLike,
    emissivity: float,
    fin_efficiency: float,
    absorbed_per_face_w_m2: ArrayLike,
    solar_load_w_m2: ArrayLike = 0.0,
) -> FloatArray:
    """Net heat rejected per unit area of a two-sided radiator plate [W/m^2].

    ``q = 2 eta_fin eps sigma T^4 - 2 q_abs - q_sun`` (Gilmore [1]_ ch. 6).

    Parameters
    ----------
    temperature_k : array_like [K]
        Radiator surface (root) temperature.
    emissivity : float [-]
        Hemispherical infrared emissivity of the coating.
    fin_efficiency : float [-]
        Mean-to-root emissive power ratio of the fins.
    absorbed_per_face_w_m2 : array_like [W/m^2]
        Environmental flux absorbed by each face (see
        :func:`absorbed_environment_flux_w_m2`).
    solar_load_w_m2 : array_like [W/m^2]
        Direct sunlight absorbed by the plate (zero when edge-on to the Sun).
    """
    emitted = 2.0 * fin_efficiency * emissivity * blackbody_flux_w_m2(temperature_k)
    return emitted - 2.0 * np.asarray(absorbed_per_face_w_m2, dtype=float) - np.asarray(
        solar_load_w_m2, dtype=float
    )


def sink_temperature_k(
    emissivity: float,
    fin_efficiency: float,
    absorbed_per_face_w_m2: ArrayLike,
    solar_load_w_m2: ArrayLike = 0.0,
) -> FloatArray:
    """Temperature at which the radiator's net rejection is zero [K].

    Solves :func:`radiator_net_flux_w_m2` ``= 0`` for ``T``; a radiator must run hotter.
    """
    absorbed = 2.0 * np.asarray(absorbed_per_face_w_m2, dtype=float) + np.asarray(
        solar_load_w_m2, dtype=float
    )
    return (absorbed / (2.0 * fin_efficiency * emissivity * STEFAN_BOLTZMANN_W_M2_K4)) ** 0.25


def heat_pump_cop(
    cold_k: ArrayLike, hot_k: ArrayLike, second_law_efficiency: float
) -> FloatArray:
    """Coefficient of performance (heat lifted per unit work) of a heat pump [-].

    ``COP = eta_II T_c / (T_h - T_c)`` (Carnot, Moran & Shapiro [3]_ eq. 5.10, times a
    second-law efficiency). Infinite when no lift is needed (``T_h <= T_c``).
    """
    cold = np.asarray(cold_k, dtype=float)
    hot = np.asarray(hot_k, dtype=float)
    lift = hot - cold
    with np.errstate(divide="ignore"):
        return np.where(lift > 0.0, second_law_efficiency * cold / np.where(lift > 0, lift, 1.0),
                        np.inf)
