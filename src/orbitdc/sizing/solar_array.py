"""Solar-array sizing.

The method is the one of SMAD [1]_ section 11.4 (steps 1-6 of Table 11-34): the array must
supply the daylight loads and recharge the battery for the eclipse through the power-regulation
paths, at end of life.

References
----------
.. [1] Wertz, J. R. and Larson, W. J. (eds.), *Space Mission Analysis and Design*, 3rd ed.,
   1999, section 11.4, eq. 11-5 (array power), eq. 11-6/11-7 (BOL/EOL output).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def required_array_power_w(
    daylight_load_w: ArrayLike,
    eclipse_load_w: ArrayLike,
    eclipse_fraction: ArrayLike,
    daylight_path_efficiency: float,
    eclipse_path_efficiency: float,
) -> FloatArray:
    """Power the array must deliver in sunlight [W] (SMAD [1]_ eq. 11-5).

    ``P_sa = (P_e T_e / X_e + P_d T_d / X_d) / T_d`` with ``T_e = f T`` and ``T_d = (1 - f) T``,
    so the orbital period cancels:
    ``P_sa = (P_e f / X_e + P_d (1 - f) / X_d) / (1 - f)``.

    Parameters
    ----------
    daylight_load_w : array_like [W]
        Electrical loads in sunlight, ``P_d``.
    eclipse_load_w : array_like [W]
        Electrical loads in eclipse, ``P_e`` (supplied by the battery, recharged in sunlight).
    eclipse_fraction : array_like [-]
        Fraction of the orbit in shadow, in [0, 0.5).
    daylight_path_efficiency, eclipse_path_efficiency : float [-]
        ``X_d`` and ``X_e``: efficiency of the paths array -> loads and
        array -> battery -> loads (SMAD: 0.85 and 0.65 for direct energy transfer).
    """
    f = np.asarray(eclipse_fraction, dtype=float)
    p_d = np.asarray(daylight_load_w, dtype=float)
    p_e = np.asarray(eclipse_load_w, dtype=float)
    return (p_e * f / eclipse_path_efficiency + p_d * (1.0 - f) / daylight_path_efficiency) / (
        1.0 - f
    )


def array_specific_output_w_m2(
    solar_constant_w_m2: float,
    cell_efficiency: float,
    packing_factor: float,
    inherent_degradation: float,
    temperature_factor: ArrayLike,
    pointing_error_deg: float,
    degradation_per_year: float,
    years: ArrayLike,
) -> FloatArray:
    """Electrical output per unit array area [W/m^2] after ``years`` in orbit.

    ``P/A = S eta PF I_d k_T cos(theta) (1 - d)^L`` (SMAD [1]_ eq. 11-6 and 11-7, with the cell
    packing factor and a temperature factor written out).

    Parameters
    ----------
    solar_constant_w_m2 : float [W/m^2]
    cell_efficiency : float [-]
        Beginning-of-life AM0 efficiency at 28 C.
    packing_factor : float [-]
        Cell area over array area.
    inherent_degradation : float [-]
        Design, assembly and shadowing losses (SMAD's ``I_d`` without its temperature term).
    temperature_factor : array_like [-]
        ``1 + c_T (T_op - 28 C)`` with the cells' temperature coefficient ``c_T`` (< 0).
    pointing_error_deg : float [deg]
        Angle between the array normal and the Sun.
    degradation_per_year : float [-]
        Fractional power loss per year (radiation, UV, thermal cycling).
    years : array_like [yr]
        Time in orbit (0 for beginning of life).
    """
    life = (1.0 - degradation_per_year) ** np.asarray(years, dtype=float)
    return (
        solar_constant_w_m2
        * cell_efficiency
        * packing_factor
        * inherent_degradation
        * np.asarray(temperature_factor, dtype=float)
        * np.cos(np.radians(pointing_error_deg))
        * life
    )


def temperature_factor(
    operating_temperature_k: ArrayLike, temperature_coefficient_per_k: float
) -> FloatArray:
    """Cell output relative to the 28 C rating, ``1 + c_T (T - 301.15 K)`` [-]."""
    return 1.0 + temperature_coefficient_per_k * (
        np.asarray(operating_temperature_k, dtype=float) - 301.15
    )
