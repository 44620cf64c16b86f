"""Battery sizing for the longest eclipse.

References
----------
.. [1] Wertz, J. R. and Larson, W. J. (eds.), *Space Mission Analysis and Design*, 3rd ed.,
   1999, section 11.4, eq. 11-11: ``C_r = P_e T_e / ((DOD) N n)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def battery_capacity_wh(
    eclipse_load_w: ArrayLike,
    eclipse_duration_s: ArrayLike,
    depth_of_discharge: float,
    discharge_efficiency: float,
) -> FloatArray:
    """Nameplate battery energy [Wh] (SMAD [1]_ eq. 11-11 with one battery, ``N = 1``).

    ``C = P_e T_e / (DOD eta)``; zero when there is no eclipse.

    Parameters
    ----------
    eclipse_load_w : array_like [W]
    eclipse_duration_s : array_like [s]
        Longest eclipse of the year.
    depth_of_discharge : float [-]
        Allowed depth of discharge for the cycle life needed.
    discharge_efficiency : float [-]
        Battery-to-load transmission efficiency ``n``.
    """
    energy_wh = np.asarray(eclipse_load_w, dtype=float) * np.asarray(
        eclipse_duration_s, dtype=float
    ) / 3600.0
    return energy_wh / (depth_of_discharge * discharge_efficiency)
