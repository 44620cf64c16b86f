"""The debris background: spatial density versus altitude, impact velocity, synthetic orbits.

Spatial density of catalogued objects comes from ``models/debris_density.csv`` (derived from a
public SSN catalogue, one value per 50 km shell) and is scaled to the full >= 10 cm population and
to the >= 1 cm population with ESA's MASTER-8 counts (``models/debris_environment.csv``) [1]_.
Mean impact velocities are MASTER's (ECSS-E-ST-10-04C Annex J [2]_).

:func:`synthetic_population` draws orbits whose time-averaged spatial density reproduces the
profile, to stand in for a real catalogue in screening runs.

References
----------
.. [1] ESA Space Debris Office, *ESA's Annual Space Environment Report*, 2025 (MASTER-8
   population: 54,000 objects > 10 cm, 1.2 million 1-10 cm).
.. [2] ECSS-E-ST-10-04C, *Space engineering: Space environment*, 2008, Annex J.2.2.1.3.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.assumptions import load_catalog, load_profile
from orbitdc.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitdc.environment.catalog import ObjectCatalog
from orbitdc.errors import require_choice, require_range
from orbitdc.time import sgp4_epoch_days

FloatArray = NDArray[np.float64]

POPULATIONS = ("all", "no_starlink", "debris_rb")
_COLUMNS = {
    "all": "tracked_all_per_km3",
    "no_starlink": "tracked_no_starlink_per_km3",
    "debris_rb": "tracked_debris_rb_per_km3",
}
#: Width of the density table's altitude bins [km].
BIN_KM = 50.0


@dataclass(frozen=True)
class DebrisEnvironment:
    """Spatial-density profile and debris parameters of one environment epoch."""

    name: str
    bin_lower_km: FloatArray
    tracked: dict[str, FloatArray]
    params: dict[str, float]

    @classmethod
    def load(
        cls, name: str = "leo_2024", directory: str | os.PathLike[str] | None = None
    ) -> DebrisEnvironment:
        """Read ``models/debris_density.csv`` and ``models/debris_environment.csv``."""
        profile = load_profile("debris_density", directory)
        catalog = load_catalog("debris_environment", directory)
        catalog.require_technology(name, "debris environment")
        return cls(
            name=name,
            bin_lower_km=np.asarray(profile.columns["altitude_km"], dtype=float),
            tracked={k: np.asarray(profile.columns[c], dtype=float) for k, c in _COLUMNS.items()},
            params=catalog.parameters(name),
        )

    def _bin(self, altitude_km: ArrayLike) -> NDArray[np.intp]:
        h = np.asarray(altitude_km, dtype=float)
        lo, hi = float(self.bin_lower_km[0]), float(self.bin_lower_km[-1]) + BIN_KM
        if np.any((h < lo) | (h > hi)) or not np.all(np.isfinite(h)):
            bad = h[(h < lo) | (h > hi) | ~np.isfinite(h)]
            require_range("altitude_km", float(bad.flat[0]), ge=lo, le=hi)
        return np.clip(np.searchsorted(self.bin_lower_km, h, side="right") - 1, 0,
                       self.bin_lower_km.size - 1)

    def tracked_density_per_km3(
        self, altitude_km: ArrayLike, population: str = "no_starlink"
    ) -> FloatArray:
        """Catalogued objects per km^3 in the 50 km shell holding each altitude."""
        require_choice("population", population, POPULATIONS)
        return np.asarray(self.tracked[population][self._bin(altitude_km)], dtype=float)

    def density_ge10cm_per_km3(
        self, altitude_km: ArrayLike, population: str = "no_starlink"
    ) -> FloatArray:
        """Objects >= 10 cm per km^3 (catalogued density x MASTER-8 / catalogue ratio)."""
        return self.tracked_density_per_km3(altitude_km, population) * self.params[
            "ge10cm_per_tracked"
        ]

    def density_lethal_nontrackable_per_km3(
        self, altitude_km: ArrayLike, population: str = "no_starlink"
    ) -> FloatArray:
        """Objects of 1-10 cm per km^3: lethal to a satellite, too small to track and avoid."""
        return self.density_ge10cm_per_km3(altitude_km, population) * (
            self.params["ge1cm_per_ge10cm"] - 1.0
        )

    def impact_velocity_km_s(self, inclination_deg: ArrayLike) -> FloatArray:
        """Mean relative velocity to the background [km/s] (MASTER via ECSS [2]_)."""
        inc = np.asarray(inclination_deg, dtype=float)
        # Retrograde orbits (sun-synchronous 98 deg) count by their angle to the equator.
        high = np.minimum(inc, 180.0 - inc) >= self.params["high_inclination_threshold_deg"]
        return np.where(
            high,
            self.params["impact_velocity_high_inclination_km_s"],
            self.params["impact_velocity_low_inclination_km_s"],
        )

    def expected_count(self, population: str = "no_starlink") -> FloatArray:
        """Catalogued objects per 50 km bin (density x shell volume)."""
        r0 = WGS72_RADIUS_KM + self.bin_lower_km
        volume = 4.0 / 3.0 * math.pi * ((r0 + BIN_KM) ** 3 - r0**3)
        return np.asarray(self.tracked[population] * volume, dtype=float)


def synthetic_population(
    n: int,
    epoch: datetime,
    *,
    seed: int = 0,
    environment: DebrisEnvironment | None = None,
    population: str = "no_starlink",
    first_satnum: int = 90000,
) -> ObjectCatalog:
    """Draw ``n`` orbits whose orbit-averaged spatial density follows the profile.

    Mean altitudes are drawn per 50 km bin in proportion to the catalogued count in the bin
    (density x shell volume) and uniformly inside it; eccentricities uniformly up to
    ``max_eccentricity`` but small enough that perigee and apogee stay inside the bin (so the
    profile is reproduced bin by bin); inclinations from the catalogue's
    clusters (``models/debris_environment.csv``); node, perigee and mean anomaly uniform.
    Objects are built with ``sgp4init`` (WGS-72, no drag term) and carry ids ``"SYN<k>"``.
    """
    from sgp4.api import WGS72, Satrec

    if n < 1:
        require_range("n", n, ge=1)
    env = environment or DebrisEnvironment.load()
    rng = np.random.default_rng(seed)
    counts = env.expected_count(population)
    bins = rng.choice(counts.size, size=n, p=counts / counts.sum())
    mean_alt = env.bin_lower_km[bins] + rng.uniform(0.0, BIN_KM, n)
    a = WGS72_RADIUS_KM + mean_alt
    # Keep each orbit inside its bin (r in [a(1-e), a(1+e)]) so the orbit-averaged density
    # reproduces the profile bin by bin.
    room_km = np.minimum(mean_alt - env.bin_lower_km[bins], env.bin_lower_km[bins] + BIN_KM
                         - mean_alt)
    e_max = np.minimum(env.params["max_eccentricity"], room_km / a)
    ecc = rng.uniform(0.0, 1.0, n) * e_max
    weights = np.array([env.params[f"inclination_weight_{k}"]
                        for k in ("sso", "polar", "high", "mid")])
    bands = np.array([[96.0, 100.0], [80.0, 90.0], [62.0, 75.0], [45.0, 56.0]])
    band = rng.choice(4, size=n, p=weights / weights.sum())
    inc = rng.uniform(bands[band, 0], bands[band, 1])
    raan, argp, mean_anom = (rng.uniform(0.0, 2.0 * np.pi, n) for _ in range(3))
    no_kozai = np.sqrt(WGS72_MU_KM3_S2 / a**3) * 60.0
    epoch_days = sgp4_epoch_days(epoch)
    cat = ObjectCatalog(source=f"synthetic({population}, n={n}, seed={seed})")
    for k in range(n):
        sat = Satrec()
        sat.sgp4init(WGS72, "i", (first_satnum + k) % 100000, epoch_days, 0.0, 0.0, 0.0,
                     float(ecc[k]), float(argp[k]), math.radians(float(inc[k])),
                     float(mean_anom[k]), float(no_kozai[k]), float(raan[k]))
        cat.add(sat, "", f"SYN{k}")
    return cat
