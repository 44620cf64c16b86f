"""Walker-delta shells of circular orbits and their SGP4 satellites.

A Walker delta pattern ``i: T/P/F`` has ``T`` satellites in ``P`` equally spaced planes of the same
inclination; satellite ``s`` of plane ``p`` has right ascension of the ascending node
``Omega_p = Omega_0 + 360 p / P`` and argument of latitude
``u_ps = 360 s / S + 360 F p / T`` (``S = T / P`` per plane, ``0 <= F < P``) [1]_.

Satellites are built as ``sgp4`` ``Satrec`` objects with ``sgp4init`` (WGS-72, improved mode),
so the propagation and screening stages use them directly. SGP4 takes Kozai mean elements; the
mean motion is corrected so that the orbit-averaged radius equals ``R_E + altitude``.

References
----------
.. [1] Walker, J. G., "Satellite constellations", J. British Interplanetary Society 37,
   559-572, 1984.
.. [2] Vallado, D. A., Crawford, P., Hujsak, R. and Kelso, T. S., "Revisiting Spacetrack
   Report #3", AIAA 2006-6753 (the SGP4 implementation in ``sgp4``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sgp4.api import WGS72, Satrec, SatrecArray

from orbitdc.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitdc.errors import InputError, require_range
from orbitdc.orbits.eclipse import sun_right_ascension_deg
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.time import SGP4_EPOCH0_JD, julian_date


def sun_ecliptic_longitude_deg(jd: float) -> float:
    """Low-precision apparent ecliptic longitude of the Sun [deg] (Vallado ch. 5, 0.01 deg)."""
    t = (jd - 2451545.0) / 36525.0
    mean_lon = 280.460 + 36000.771 * t
    anomaly = math.radians(357.5291092 + 35999.05034 * t)
    return (mean_lon + 1.914666471 * math.sin(anomaly) + 0.019994643 * math.sin(2 * anomaly)) % 360


def _circular_satrec(
    satnum: int, epoch_jd: float, inclination_deg: float, raan_deg: float, arglat_deg: float,
    no_kozai: float, bstar: float,
) -> Satrec:
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", satnum % 100000, epoch_jd - SGP4_EPOCH0_JD, bstar, 0.0, 0.0, 0.0, 0.0,
        math.radians(inclination_deg), math.radians(arglat_deg), no_kozai, math.radians(raan_deg),
    )
    return sat


@functools.lru_cache(maxsize=4096)
def kozai_mean_motion_rad_min(altitude_km: float, inclination_deg: float) -> float:
    """SGP4 Kozai mean motion [rad/min] whose orbit-averaged radius is ``R_E + altitude``.

    Starts from the Keplerian value and corrects twice with the mean radius of a propagated
    orbit (the J2 terms of SGP4 shift the mean radius by ~2 km in LEO).
    """
    target = WGS72_RADIUS_KM + altitude_km
    a = target
    for _ in range(3):
        n = math.sqrt(WGS72_MU_KM3_S2 / a**3) * 60.0
        sat = _circular_satrec(0, 2451545.0, inclination_deg, 0.0, 0.0, n, 0.0)
        period_min = 2.0 * math.pi / n
        tsince = np.linspace(0.0, period_min, 97)[:-1]
        jd = np.full_like(tsince, 2451545.0)
        _, r, _ = sat.sgp4_array(jd, tsince / 1440.0)
        mean_r = float(np.mean(np.linalg.norm(r, axis=1)))
        a += target - mean_r
    return math.sqrt(WGS72_MU_KM3_S2 / a**3) * 60.0


@dataclass(frozen=True)
class WalkerShell:
    """A Walker-delta shell ``i: T/P/F`` of circular orbits.

    Attributes
    ----------
    altitude_km : float [km]
    inclination : InclinationFamily
    planes : int
        ``P`` >= 1.
    sats_per_plane : int
        ``S`` >= 1; ``T = P S``.
    phasing : int
        Walker phasing factor ``F`` in ``[0, P - 1]``.
    raan0_deg : float, optional [deg]
        Node of the first plane. ``None`` puts a sun-synchronous shell at its local time of
        ascending node at the epoch, and a drifting-node shell at 0.
    name : str
    """

    altitude_km: float
    inclination: InclinationFamily
    planes: int
    sats_per_plane: int
    phasing: int = 0
    raan0_deg: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        require_range("altitude_km", self.altitude_km, ge=150.0, le=2000.0)
        if self.planes < 1:
            raise InputError("planes", self.planes, "must be >= 1")
        if self.sats_per_plane < 1:
            raise InputError("sats_per_plane", self.sats_per_plane, "must be >= 1")
        if not 0 <= self.phasing < max(self.planes, 1):
            raise InputError("phasing", self.phasing, f"must be in [0, {self.planes - 1}]")

    @property
    def total(self) -> int:
        """Number of satellites ``T``."""
        return self.planes * self.sats_per_plane

    @property
    def inclination_deg(self) -> float:
        """Inclination [deg] (sun-synchronous value at this altitude for SSO families)."""
        return self.inclination.inclination_deg(self.altitude_km)

    @property
    def notation(self) -> str:
        """Walker notation ``i: T/P/F`` with the altitude."""
        return (f"{self.altitude_km:g} km {self.inclination_deg:.2f} deg: "
                f"{self.total}/{self.planes}/{self.phasing}")

    def first_node_deg(self, epoch: datetime) -> float:
        """Node of plane 0 at the epoch [deg]."""
        if self.raan0_deg is not None:
            return self.raan0_deg
        if self.inclination.is_sun_synchronous:
            assert self.inclination.ltan_h is not None
            lam = sun_ecliptic_longitude_deg(julian_date(epoch))
            return float(sun_right_ascension_deg(lam) + 15.0 * (self.inclination.ltan_h - 12.0))
        return 0.0

    def elements_deg(self, epoch: datetime) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Node and argument of latitude of every satellite [deg], plane-major order."""
        p = np.repeat(np.arange(self.planes), self.sats_per_plane)
        s = np.tile(np.arange(self.sats_per_plane), self.planes)
        raan = (self.first_node_deg(epoch) + 360.0 * p / self.planes) % 360.0
        arglat = (360.0 * s / self.sats_per_plane + 360.0 * self.phasing * p / self.total) % 360.0
        return raan, arglat

    def satrecs(
        self, epoch: datetime, *, first_satnum: int = 0, bstar: float = 0.0
    ) -> list[Satrec]:
        """The shell's satellites as SGP4 ``Satrec`` objects (``sgp4init``, WGS-72).

        Parameters
        ----------
        epoch : datetime
            Element epoch (UTC).
        first_satnum : int
            Catalog number of the first satellite (modulo 100,000 inside SGP4).
        bstar : float [1/earth radii]
            SGP4 drag term; 0 keeps the Walker symmetry exact (station-kept shells).
        """
        jd = julian_date(epoch)
        inc = self.inclination_deg
        n = kozai_mean_motion_rad_min(round(self.altitude_km, 6), round(inc, 9))
        raan, arglat = self.elements_deg(epoch)
        return [
            _circular_satrec(first_satnum + k, jd, inc, float(o), float(u), n, bstar)
            for k, (o, u) in enumerate(zip(raan, arglat, strict=True))
        ]

    def satrec_array(self, epoch: datetime, **kwargs: float) -> SatrecArray:
        """The shell as a vectorised ``SatrecArray``."""
        return SatrecArray(self.satrecs(epoch, **kwargs))  # type: ignore[arg-type]


def shells_satrecs(shells: Sequence[WalkerShell], epoch: datetime) -> list[Satrec]:
    """All satellites of several shells, numbered consecutively."""
    out: list[Satrec] = []
    for shell in shells:
        out.extend(shell.satrecs(epoch, first_satnum=len(out)))
    return out
