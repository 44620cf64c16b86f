"""How far apart the slots of a shell, and the shells of a stack, must be.

**Within a shell.** At a crossing the nominal miss vector of two members lies in the local
horizontal plane, along the bisector of their velocities (design/slotting.md section 2). If each
satellite may sit anywhere within ``+-ds`` along-track and ``+-dc`` cross-track of its slot
(control box plus knowledge error), the miss can shrink by at most
``2 (ds cos(gamma/2) + dc sin(gamma/2)) <= 2 sqrt(ds^2 + dc^2)`` (the bound over all crossing
angles ``gamma``); radial offsets are orthogonal to it. The pattern's SGP4 minimum distance
must therefore be at least

``d_req = 2 r_hb + 2 sqrt(ds^2 + dc^2)``,  ``ds = b_s + k sigma``, ``dc = b_c + k sigma``,

with ``r_hb`` the hard-body radius of the class, ``b_s``, ``b_c`` the box half-widths and
``k sigma`` the knowledge error (``models/slots.csv``, ``models/operations.csv``).

**Between shells.** Under SGP4 a circular mean orbit's radius depends on latitude only,
``r = c0 + (J3 R / 2 J2) sin(lat) - (J2 R^2 / 2 p) sin^2(lat)`` (J3's frozen eccentricity and
J2's short-period term; the coefficients do not depend on the inclination), so the shells of a
stack are parallel surfaces: two shells clear each other by the difference of their equatorial
radii ``c0`` everywhere their latitude bands overlap, not by the 7-15 km osculating swing of
each. orbitdc's altitude is the orbit-averaged radius, ``c0 = R + h + J2 R^2 sin^2 i / (4 p)``,
so shells of different inclinations at one altitude differ by up to 1.6 km in ``c0``. The
radial spacing needed is ``2 r_hb + 2 (b_r + k sigma)``. This is the property Lifson et al.
[1]_ use to stack frozen shells closer than their osculating variation.

References
----------
.. [1] Lifson, M., Arnas, D., Avendano, M. and Linares, R., "A method for generating closely
   packed orbital shells and the implication on orbital capacity", arXiv:2203.13354, 2022.
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013,
   sec. 9.6 (J2 short-period and J3 long-period terms).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.assumptions import load_catalog
from orbitdc.constants import WGS72_J2, WGS72_J3, WGS72_RADIUS_KM
from orbitdc.errors import require_range

FloatArray = NDArray[np.float64]

#: ``models/slots.csv`` parameter (technology ``default``) behind each field.
CATALOG_FIELDS = {
    "along_track_control_km": "along_track_control_km",
    "cross_track_control_km": "cross_track_control_km",
    "radial_control_km": "radial_control_km",
    "ephemeris_sigma_multiple": "ephemeris_sigma_multiple",
    "reference_hard_body_radius_m": "reference_hard_body_radius_m",
}


@dataclass(frozen=True)
class SlotBudget:
    """The station-keeping box and knowledge error that size a slot.

    Build with :meth:`from_catalogs`.

    Attributes
    ----------
    along_track_control_km, cross_track_control_km, radial_control_km : float [km]
        Half-widths of the box around the slot (``b_s``, ``b_c``, ``b_r``).
    ephemeris_sigma_km : float [km]
        1-sigma owner-operator position error (``models/operations.csv``
        ``own_constellation_sigma_km``).
    ephemeris_sigma_multiple : float [-]
        ``k``: the knowledge error added to each half-width is ``k sigma``.
    reference_hard_body_radius_m : float [m]
        Hard-body radius used when none is given.
    """

    along_track_control_km: float
    cross_track_control_km: float
    radial_control_km: float
    ephemeris_sigma_km: float
    ephemeris_sigma_multiple: float
    reference_hard_body_radius_m: float

    def __post_init__(self) -> None:
        for name in ("along_track_control_km", "cross_track_control_km", "radial_control_km",
                     "ephemeris_sigma_km", "ephemeris_sigma_multiple"):
            require_range(name, getattr(self, name), ge=0.0)
        require_range("reference_hard_body_radius_m", self.reference_hard_body_radius_m, ge=0.0)

    @classmethod
    def from_catalogs(cls, directory: str | os.PathLike[str] | None = None,
                      **overrides: float | None) -> SlotBudget:
        """Numbers from ``models/slots.csv`` and ``models/operations.csv`` (``None`` keeps)."""
        folder = None if directory is None else os.fspath(directory)
        rows = load_catalog("slots", folder).parameters("default")
        values: dict[str, float] = {name: rows[row] for name, row in CATALOG_FIELDS.items()}
        values["ephemeris_sigma_km"] = load_catalog("operations", folder).value(
            "default", "own_constellation_sigma_km")
        values.update({k: float(v) for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_overrides(self, **overrides: float | None) -> SlotBudget:
        """A copy with some fields replaced (``None`` keeps)."""
        return replace(self, **{k: float(v) for k, v in overrides.items() if v is not None})

    @property
    def knowledge_km(self) -> float:
        """``k sigma`` [km]."""
        return self.ephemeris_sigma_multiple * self.ephemeris_sigma_km

    @property
    def along_track_km(self) -> float:
        """``ds = b_s + k sigma`` [km]."""
        return self.along_track_control_km + self.knowledge_km

    @property
    def cross_track_km(self) -> float:
        """``dc = b_c + k sigma`` [km]."""
        return self.cross_track_control_km + self.knowledge_km

    @property
    def radial_km(self) -> float:
        """``dr = b_r + k sigma`` [km]."""
        return self.radial_control_km + self.knowledge_km


def required_separation_km(hard_body_radius_m: float, budget: SlotBudget,
                           crossing_angle_deg: float | None = None) -> float:
    """Smallest pattern separation that keeps two satellites' hard bodies apart [km].

    ``d_req = 2 r_hb + 2 (ds cos(gamma/2) + dc sin(gamma/2))``, or with ``gamma`` unknown its
    bound over all crossing angles ``2 r_hb + 2 sqrt(ds^2 + dc^2)`` (module docstring).

    Parameters
    ----------
    hard_body_radius_m : float [m]
        Radius of the sphere enclosing the satellite (``SatelliteDesign.hard_body_radius_m``).
    budget : SlotBudget
    crossing_angle_deg : float, optional [deg]
        Angle between the two velocities at the crossing.
    """
    require_range("hard_body_radius_m", hard_body_radius_m, ge=0.0)
    ds, dc = budget.along_track_km, budget.cross_track_km
    if crossing_angle_deg is None:
        box = math.hypot(ds, dc)
    else:
        half = math.radians(crossing_angle_deg) / 2.0
        box = ds * abs(math.cos(half)) + dc * abs(math.sin(half))
    return 2.0 * hard_body_radius_m / 1e3 + 2.0 * box


def control_allowance_km(budget: SlotBudget) -> float:
    """Separation the control boxes alone can take away, ``2 sqrt(b_s^2 + b_c^2)`` [km].

    A pattern with minimum distance ``d`` guarantees ``d`` minus this between satellites kept in
    their boxes; the knowledge error then enters as the probability of a collision
    (:func:`orbitdc.risk.intra.coordination_factor`).
    """
    return 2.0 * math.hypot(budget.along_track_control_km, budget.cross_track_control_km)


def radial_spacing_km(hard_body_radius_m: float, budget: SlotBudget) -> float:
    """Smallest difference of equatorial radii between two stacked shells [km].

    ``2 r_hb + 2 (b_r + k sigma)``: each shell's satellites stay within ``+-dr`` of its surface,
    and the surfaces are parallel (module docstring).
    """
    require_range("hard_body_radius_m", hard_body_radius_m, ge=0.0)
    return 2.0 * hard_body_radius_m / 1e3 + 2.0 * budget.radial_km


def equatorial_offset_km(altitude_km: ArrayLike, inclination_deg: ArrayLike) -> FloatArray:
    """``c0 - (R + h)``: equatorial radius of the SGP4 shell above its mean radius [km].

    ``J2 R^2 sin^2 i / (4 p)`` with ``p = R + h`` (module docstring): 1.59 km at 550 km and
    90 deg, 1.0 km at 53 deg.
    """
    p = WGS72_RADIUS_KM + np.asarray(altitude_km, dtype=float)
    s = np.sin(np.radians(np.asarray(inclination_deg, dtype=float)))
    return np.asarray(WGS72_J2 * WGS72_RADIUS_KM**2 * s**2 / (4.0 * p))


def shell_radius_km(altitude_km: ArrayLike, inclination_deg: ArrayLike,
                    latitude_deg: ArrayLike) -> FloatArray:
    """Radius of a circular-mean-orbit shell under SGP4 at a latitude [km].

    ``r = c0 + (J3 R / 2 J2) sin(lat) - (J2 R^2 / 2 p) sin^2(lat)`` (module docstring); checked
    against SGP4 to ~10 m in tests/test_slots.py.
    """
    h = np.asarray(altitude_km, dtype=float)
    p = WGS72_RADIUS_KM + h
    c0 = p + equatorial_offset_km(h, inclination_deg)
    s = np.sin(np.radians(np.asarray(latitude_deg, dtype=float)))
    return np.asarray(c0 + WGS72_J3 * WGS72_RADIUS_KM / (2.0 * WGS72_J2) * s
                      - WGS72_J2 * WGS72_RADIUS_KM**2 / (2.0 * p) * s**2)


def radial_excursion_km(altitude_km: float, inclination_deg: float) -> float:
    """Osculating radial range of one satellite over a revolution under SGP4 [km].

    ``max - min`` of :func:`shell_radius_km` over the latitudes the orbit reaches: what stacked
    shells would have to clear if they were not parallel surfaces.
    """
    top = min(inclination_deg, 180.0 - inclination_deg)
    lat = np.linspace(-top, top, 721)
    r = shell_radius_km(altitude_km, inclination_deg, lat)
    return float(r.max() - r.min())


def stacking_clearance_km(altitude_a_km: float, inclination_a_deg: float,
                          altitude_b_km: float, inclination_b_deg: float) -> float:
    """Smallest radial distance between two shells over the latitudes both reach [km].

    Differences of ``c0`` plus the (small) change of the ``sin^2(lat)`` term with altitude.
    """
    top = min(min(inclination_a_deg, 180.0 - inclination_a_deg),
              min(inclination_b_deg, 180.0 - inclination_b_deg))
    lat = np.linspace(-top, top, 361)
    gap = np.abs(shell_radius_km(altitude_a_km, inclination_a_deg, lat)
                 - shell_radius_km(altitude_b_km, inclination_b_deg, lat))
    return float(gap.min())


def shells_in_band(width_km: float, spacing_km: float) -> int:
    """Shells of one inclination family that fit in an altitude band of a given width [-].

    ``floor(width / spacing)``: one shell per spacing (the band's edges are shared with its
    neighbours).
    """
    require_range("spacing_km", spacing_km, gt=0.0)
    return max(0, int(math.floor(width_km / spacing_km + 1e-9)))


__all__ = [
    "SlotBudget",
    "control_allowance_km",
    "equatorial_offset_km",
    "radial_excursion_km",
    "radial_spacing_km",
    "required_separation_km",
    "shell_radius_km",
    "shells_in_band",
    "stacking_clearance_km",
]
