"""Collision-avoidance maneuvers and the residual collision rate of a maneuvering satellite.

Encounters with tracked objects arrive at miss distances spread uniformly over the encounter
plane: ``dGamma = n v 2 pi d dd`` per unit time. With an isotropic encounter-plane error
``sigma`` and combined hard-body radius ``R``, an encounter's collision probability ``Pc(d)``
falls with ``d`` (:func:`orbitdc.collision.probability.pc_isotropic`). An operator who maneuvers
whenever ``Pc >= Pc*`` maneuvers for every miss below ``d*`` (``Pc(d*) = Pc*``):

``maneuvers/yr = n v pi d*^2``,

and still collides, through the encounters it accepts, at

``collisions/yr = n v int_{d*}^inf Pc(d) 2 pi d dd``

(at most ``n v pi R^2``, the flux rate, when it never maneuvers). This is the maneuver-rate
analysis of Foster & Estes [1]_ in closed form.

References
----------
.. [1] Foster, J. L. and Estes, H. S., "A parametric analysis of orbital debris collision
   probability and maneuver rate for space vehicles", NASA JSC-25898, 1992.
"""

from __future__ import annotations

import numpy as np

from orbitdc.collision.probability import legendre_nodes, miss_distance_for_pc_km, pc_isotropic
from orbitdc.constants import SECONDS_PER_YEAR

#: Composite Gauss-Legendre panels over [d*, d* + 14 sigma + R]; beyond that the integrand is
#: below exp(-98) of its peak.
_PANELS = 6
_ORDER = 32


def encounter_flux_per_km2_year(density_per_km3: float, relative_velocity_km_s: float) -> float:
    """Encounters per km^2 of encounter plane per year, ``n v`` [1/(km^2 yr)]."""
    return float(density_per_km3 * relative_velocity_km_s * SECONDS_PER_YEAR)


def maneuvers_per_year(
    density_per_km3: float,
    relative_velocity_km_s: float,
    sigma_km: float,
    hbr_km: float,
    pc_threshold: float,
) -> float:
    """Avoidance maneuvers per year at a probability threshold, ``n v pi d*^2``."""
    d_star = miss_distance_for_pc_km(pc_threshold, sigma_km, hbr_km)
    return encounter_flux_per_km2_year(density_per_km3, relative_velocity_km_s) * np.pi * d_star**2


def residual_collisions_per_year(
    density_per_km3: float,
    relative_velocity_km_s: float,
    sigma_km: float,
    hbr_km: float,
    pc_threshold: float | None,
) -> float:
    """Collisions per year with tracked objects once encounters above ``Pc*`` are avoided.

    ``None`` (no maneuvers) gives the flux rate ``n v pi R^2`` exactly.
    """
    flux = encounter_flux_per_km2_year(density_per_km3, relative_velocity_km_s)
    if pc_threshold is None:
        return flux * np.pi * hbr_km**2
    d_star = miss_distance_for_pc_km(pc_threshold, sigma_km, hbr_km)
    return flux * tail_integral_km2(d_star, sigma_km, hbr_km)


def tail_integral_km2(d_star_km: float, sigma_km: float, hbr_km: float) -> float:
    """``int_{d*}^inf Pc(d) 2 pi d dd`` [km^2] by composite Gauss-Legendre quadrature.

    One vectorised evaluation of the exact isotropic ``Pc`` on all nodes.
    """
    nodes, weights = legendre_nodes(_ORDER)
    edges = np.linspace(d_star_km, d_star_km + 14.0 * sigma_km + hbr_km, _PANELS + 1)
    lo, hi = edges[:-1, None], edges[1:, None]
    d = 0.5 * (hi - lo) * nodes[None, :] + 0.5 * (hi + lo)
    w = 0.5 * (hi - lo) * weights[None, :]
    integrand = pc_isotropic(d, sigma_km, hbr_km) * 2.0 * np.pi * d
    return float(np.sum(integrand * w))
