"""Collision-avoidance maneuvers and the residual collision rate of a maneuvering satellite.

Encounters with tracked objects arrive at miss distances spread uniformly over the encounter
plane: ``dGamma = n v 2 pi d dd`` per unit time. With an isotropic encounter-plane error
``sigma`` an encounter's collision probability falls with the miss distance ``d``
(:func:`orbitdc.collision.probability.pc_isotropic`). Operators decide on the **hard-body
sphere** (radius ``R_hbr``, the circumscribing sphere of both objects, NASA CARA practice [2]_):
they maneuver whenever ``Pc(d; sigma, R_hbr) >= Pc*``, i.e. for every miss below ``d*``:

``maneuvers/yr = n v pi d*^2``.

The collisions that remain come from the encounters they accept, with the **true** collision
radius ``R`` of the two bodies (from their orientation-averaged cross-section,
:mod:`orbitdc.collision.geometry`), not the decision sphere:

``collisions/yr = n v int_{d*}^inf Pc(d; sigma, R) 2 pi d dd``

(at most ``n v pi R^2``, the flux rate, when the operator never maneuvers). This is the
maneuver-rate analysis of Foster & Estes [1]_ in closed form.

Covariance realism differs from encounter to encounter (CDM position errors span two orders of
magnitude), so an operator's :class:`EncounterModel` is a log-normal mixture of ``sigma`` (median
and log spread, fitted to published maneuver counts, ``models/operations.csv``); a spread of 0 is
the single isotropic sigma. Every rate is the mixture average.

References
----------
.. [1] Foster, J. L. and Estes, H. S., "A parametric analysis of orbital debris collision
   probability and maneuver rate for space vehicles", NASA JSC-25898, 1992.
.. [2] NASA, *Spacecraft Conjunction Assessment and Collision Avoidance Best Practices
   Handbook*, NASA/SP-20205011318, 2020 (hard-body radius as the circumscribing sphere).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from orbitdc.assumptions import load_catalog
from orbitdc.collision.probability import legendre_nodes, miss_distances_for_pc_km, pc_isotropic
from orbitdc.constants import SECONDS_PER_YEAR
from orbitdc.errors import require_range

FloatArray = NDArray[np.float64]

#: Composite Gauss-Legendre panels over [d*, d* + 14 sigma + R]; beyond that the integrand is
#: below exp(-98) of its peak.
_PANELS = 6
_ORDER = 32
#: The log-normal sigma mixture is integrated on a uniform grid in ``z = ln(sigma/median)/s``
#: (trapezoid with normal weights): the maneuver area has a kink where dilution sets in, which
#: defeats Gauss-Hermite, while the uniform rule converges as h^2.
_MIXTURE_Z = np.linspace(-5.0, 5.0, 41)
#: Above this ratio of radius to sigma the disk edge is straight on the scale of sigma: the
#: probability is the 1-D normal tail ``Phi((R - d) / sigma)`` (curvature error ~ sigma / R).
_EDGE_RATIO = 30.0


@functools.lru_cache(maxsize=1)
def _mixture_grid() -> tuple[FloatArray, FloatArray]:
    w = np.exp(-0.5 * _MIXTURE_Z**2)
    return _MIXTURE_Z, np.asarray(w / w.sum(), dtype=float)


@dataclass(frozen=True)
class EncounterModel:
    """An operator's encounter-plane position error: a log-normal mixture of isotropic sigmas.

    Attributes
    ----------
    name : str
        Operator class (``models/operations.csv``).
    sigma_km : float [km]
        Median combined encounter-plane 1-sigma.
    log_spread : float [-]
        Standard deviation of ``ln sigma`` across encounters (0: one sigma).
    """

    name: str
    sigma_km: float
    log_spread: float = 0.0

    def __post_init__(self) -> None:
        require_range("encounter sigma_km", self.sigma_km, gt=0.0)
        require_range("encounter log_spread", self.log_spread, ge=0.0, le=3.0)

    @classmethod
    def from_catalog(cls, operator: str,
                     directory: str | os.PathLike[str] | None = None) -> EncounterModel:
        """The fitted model of an operator class in ``models/operations.csv``."""
        cat = load_catalog("operations", directory)
        cat.require_technology(operator, "risk.operator")
        p = cat.parameters(operator)
        return cls(operator, p["encounter_sigma_km"], p.get("encounter_sigma_log_spread", 0.0))

    def components(self) -> tuple[FloatArray, FloatArray]:
        """``(sigmas [km], weights)`` of the mixture (one component when the spread is 0)."""
        if self.log_spread == 0.0:
            return np.array([self.sigma_km]), np.array([1.0])
        z, w = _mixture_grid()
        return self.sigma_km * np.exp(self.log_spread * z), w


def encounter_flux_per_km2_year(density_per_km3: float, relative_velocity_km_s: float) -> float:
    """Encounters per km^2 of encounter plane per year, ``n v`` [1/(km^2 yr)]."""
    return float(density_per_km3 * relative_velocity_km_s * SECONDS_PER_YEAR)


def decision_distances_km(sigmas_km: FloatArray, hbr_km: float,
                          pc_threshold: float) -> FloatArray:
    """Miss distance ``d*`` below which each sigma's encounters are avoided [km].

    Exact root of ``Pc(d*) = Pc*`` (:func:`~orbitdc.collision.probability.
    miss_distances_for_pc_km`), except where ``HBR / sigma > 30``: there the disk edge is
    straight on the scale of sigma and ``d* = HBR + sigma Phi^-1(1 - Pc*)``.
    """
    sig = np.asarray(sigmas_km, dtype=float)
    edge = hbr_km > _EDGE_RATIO * sig
    out = np.where(edge, hbr_km + sig * special.ndtri(1.0 - pc_threshold), 0.0)
    if np.any(~edge):
        out[~edge] = miss_distances_for_pc_km(pc_threshold, sig[~edge], hbr_km)
    return np.asarray(out, dtype=float)


def maneuver_area_km2(model: EncounterModel, hbr_km: float, pc_threshold: float) -> float:
    """Mean area of the encounter plane that triggers a maneuver, ``<pi d*^2>`` [km^2]."""
    sigmas, weights = model.components()
    d_star = decision_distances_km(sigmas, hbr_km, pc_threshold)
    return float(np.sum(weights * np.pi * d_star**2))


def maneuvers_per_year(
    density_per_km3: float,
    relative_velocity_km_s: float,
    model: EncounterModel,
    hbr_km: float,
    pc_threshold: float,
) -> float:
    """Avoidance maneuvers per year at a probability threshold, ``n v <pi d*^2>``."""
    return encounter_flux_per_km2_year(density_per_km3, relative_velocity_km_s) * (
        maneuver_area_km2(model, hbr_km, pc_threshold))


def residual_area_km2(
    model: EncounterModel,
    hbr_km: float,
    pc_threshold: float | None,
    collision_radius_km: float | None = None,
) -> float:
    """Mean accepted collision area ``<int_{d*}^inf Pc(d; sigma, R) 2 pi d dd>`` [km^2].

    ``d*`` from the decision sphere ``hbr_km``; ``Pc`` with the true radius
    ``collision_radius_km`` (default: the decision sphere). ``None`` threshold: ``pi R^2``.
    """
    radius = hbr_km if collision_radius_km is None else collision_radius_km
    if pc_threshold is None:
        return float(np.pi * radius**2)
    sigmas, weights = model.components()
    d_star = decision_distances_km(sigmas, hbr_km, pc_threshold)
    return float(np.sum(weights * tail_integral_km2(d_star, sigmas, radius)))


def residual_collisions_per_year(
    density_per_km3: float,
    relative_velocity_km_s: float,
    model: EncounterModel,
    hbr_km: float,
    pc_threshold: float | None,
    collision_radius_km: float | None = None,
) -> float:
    """Collisions per year with tracked objects once encounters above ``Pc*`` are avoided.

    ``None`` (no maneuvers) gives the flux rate ``n v pi R^2`` exactly.
    """
    return encounter_flux_per_km2_year(density_per_km3, relative_velocity_km_s) * (
        residual_area_km2(model, hbr_km, pc_threshold, collision_radius_km))


def tail_integral_km2(d_star_km: ArrayLike, sigma_km: ArrayLike, radius_km: float) -> FloatArray:
    """``int_{d*}^inf Pc(d; sigma, R) 2 pi d dd`` [km^2] by composite Gauss-Legendre quadrature.

    Vectorised over matching ``d_star_km`` and ``sigma_km``: one evaluation of the exact
    isotropic ``Pc`` on all nodes of all integrals.
    """
    nodes, weights = legendre_nodes(_ORDER)
    d0 = np.atleast_1d(np.asarray(d_star_km, dtype=float))[:, None, None]
    sig = np.atleast_1d(np.asarray(sigma_km, dtype=float))[:, None, None]
    frac = np.linspace(0.0, 1.0, _PANELS + 1)
    edges = d0 + (14.0 * sig + radius_km) * frac[None, :, None]
    lo, hi = edges[:, :-1], edges[:, 1:]
    d = 0.5 * (hi - lo) * nodes + 0.5 * (hi + lo)
    w = 0.5 * (hi - lo) * weights
    # probabilities below 1e-100 add nothing to the integral: skip their exact evaluation
    integrand = pc_isotropic(d, sig, radius_km, tail=False) * 2.0 * np.pi * d
    out = np.sum(integrand * w, axis=(1, 2))
    return np.asarray(out if np.ndim(d_star_km) or np.ndim(sigma_km) else out[0], dtype=float)
