"""Altitude bins of the species model: edges, volumes, re-binning of density profiles.

A bin is the spherical shell between two altitudes; its volume is
``V = 4/3 pi ((R + h_hi)^3 - (R + h_lo)^3)`` with the WGS-72 radius of the density profile
(:func:`orbitdc.environment.debris.shell_volume_km3`). A piecewise-constant spatial density
``n(h)`` (objects per km^3, constant in each profile bin) holds ``int n(h) 4 pi (R + h)^2 dh``
objects between two altitudes; :meth:`AltitudeGrid.counts_from_density` integrates it exactly
over the overlap of every profile bin with every grid bin, so a grid of any width starts from
the same number of objects as the profile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import WGS72_RADIUS_KM
from orbitdc.environment.decay import ENTRY_ALTITUDE_KM
from orbitdc.errors import require_range

FloatArray = NDArray[np.float64]


def _shell_volume(lower_km: FloatArray, upper_km: FloatArray) -> FloatArray:
    r0, r1 = WGS72_RADIUS_KM + lower_km, WGS72_RADIUS_KM + upper_km
    return np.asarray(4.0 / 3.0 * math.pi * (r1**3 - r0**3), dtype=float)


@dataclass(frozen=True)
class AltitudeGrid:
    """Equal-width altitude bins.

    Attributes
    ----------
    lower_km : array (B,) [km]
        Lower edges, ascending.
    width_km : float [km]
    """

    lower_km: FloatArray
    width_km: float

    @classmethod
    def regular(cls, min_km: float, max_km: float, width_km: float) -> AltitudeGrid:
        """Bins of ``width_km`` from ``min_km`` up to ``max_km``.

        ``max_km - min_km`` must be a whole number of bins.
        """
        require_range("altitude_min_km", min_km, ge=ENTRY_ALTITUDE_KM + 10.0, lt=max_km)
        require_range("altitude_max_km", max_km, le=2000.0)
        require_range("bin_width_km", width_km, gt=0.0, le=max_km - min_km)
        n = (max_km - min_km) / width_km
        if abs(n - round(n)) > 1e-6:
            require_range("bin_width_km", width_km, le=-1.0)  # always raises with the value
        return cls(min_km + width_km * np.arange(int(round(n)), dtype=float), float(width_km))

    @property
    def size(self) -> int:
        """Number of bins ``B``."""
        return int(self.lower_km.size)

    @property
    def upper_km(self) -> FloatArray:
        """Upper edges [km]."""
        return np.asarray(self.lower_km + self.width_km, dtype=float)

    @property
    def edges_km(self) -> FloatArray:
        """All ``B + 1`` edges [km]."""
        return np.append(self.lower_km, self.lower_km[-1] + self.width_km)

    @property
    def center_km(self) -> FloatArray:
        """Mid altitudes [km]."""
        return np.asarray(self.lower_km + 0.5 * self.width_km, dtype=float)

    @property
    def volume_km3(self) -> FloatArray:
        """Volume of each bin [km^3]."""
        return _shell_volume(self.lower_km, self.upper_km)

    def index(self, altitude_km: ArrayLike) -> NDArray[np.intp]:
        """Bin of each altitude (``-1`` below the grid, ``B`` above it)."""
        h = np.asarray(altitude_km, dtype=float)
        k = np.floor((h - self.lower_km[0]) / self.width_km).astype(np.intp)
        return np.asarray(np.clip(k, -1, self.size), dtype=np.intp)

    def counts_from_density(self, profile_lower_km: ArrayLike, profile_width_km: float,
                            density_per_km3: ArrayLike) -> FloatArray:
        """Objects per bin of a piecewise-constant density profile [-] (exact overlap integral).

        Parameters
        ----------
        profile_lower_km : array (P,) [km]
            Lower edges of the profile's bins.
        profile_width_km : float [km]
        density_per_km3 : array (P,) [1/km^3]
        """
        lo_p = np.asarray(profile_lower_km, dtype=float)
        n = np.asarray(density_per_km3, dtype=float)
        lo = np.maximum(self.lower_km[:, None], lo_p[None, :])
        hi = np.minimum(self.upper_km[:, None], lo_p[None, :] + profile_width_km)
        vol = np.where(hi > lo, _shell_volume(lo, np.maximum(hi, lo)), 0.0)
        return np.asarray(vol @ n, dtype=float)
