"""Collision rate inside one shell of ``N`` satellites at the same altitude and inclination.

Satellites of one shell share their altitude and inclination and differ in node and argument of
latitude. At latitude ``phi`` only two velocity directions exist (ascending and descending), so
only opposite-direction pairs meet, at relative speed ``2 v sqrt(sin^2 i - sin^2 phi) / cos phi``,
while the areal density of satellites there is ``N / (2 pi^2 r^2 sqrt(sin^2 i - sin^2 phi))``
(uniform node and argument of latitude). Averaging the kinetic-gas rate over a satellite's
latitude distribution ``cos phi / (pi sqrt(sin^2 i - sin^2 phi))``, the singularities at the
turning latitudes cancel and one satellite meets the ``N - 1`` others at

``lambda = (N - 1) sigma v K(sin i) / (pi^3 r^2 dh)``,

with ``K`` the complete elliptic integral of the first kind and ``dh`` the shell's radial
thickness. The shell as a whole suffers ``N lambda / 2`` collisions per unit time: it grows like
``N^2``. (Derivation in design/risk_model.md; the latitude law is the classic one for a uniformly
precessing orbit, e.g. Lewis et al. [1]_, and the result agrees with the brute-force Monte-Carlo
test in tests/test_risk_intra.py.)

Coordinated shells (phased Walker patterns that the operator keeps apart) only meet at miss
distances of at least their guaranteed separation ``d_min``; their residual rate is the encounter
rate within the screening radius times the collision probability at ``d_min`` with the operator's
own ephemeris error.

References
----------
.. [1] Lewis, H. G. et al., "Sensitivity of the space debris environment to large constellations
   and small satellites", J. British Interplanetary Society 70, 105-117, 2017.
.. [2] Byrd, P. F. and Friedman, M. D., *Handbook of Elliptic Integrals for Engineers and
   Scientists*, 2nd ed., Springer, 1971 (``K``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from orbitdc.collision.probability import pc_isotropic
from orbitdc.constants import R_EARTH_KM, SECONDS_PER_YEAR
from orbitdc.orbits.kepler import circular_speed_km_s

FloatArray = NDArray[np.float64]

#: Cap on sin^2(i) in K(sin i): K diverges logarithmically for exactly polar shells, where every
#: plane crosses at the poles and the thin-shell model breaks down.
_MAX_M = 1.0 - 1e-6


def pair_encounter_rate_per_year(
    altitude_km: ArrayLike,
    inclination_deg: ArrayLike,
    shell_thickness_km: ArrayLike,
    encounter_radius_km: ArrayLike,
) -> FloatArray:
    """Encounters per year of one satellite pair closer than ``encounter_radius_km``.

    ``lambda_pair = pi R^2 v K(sin i) / (pi^3 r^2 dh)`` per second (module docstring).
    """
    h = np.asarray(altitude_km, dtype=float)
    r = R_EARTH_KM + h
    v = circular_speed_km_s(h)
    m = np.minimum(np.sin(np.radians(inclination_deg)) ** 2, _MAX_M)
    sigma = np.pi * np.asarray(encounter_radius_km, dtype=float) ** 2
    per_s = sigma * v * special.ellipk(m) / (np.pi**3 * r**2 * np.asarray(shell_thickness_km))
    return np.asarray(per_s * SECONDS_PER_YEAR, dtype=float)


def uncoordinated_collisions_per_year(
    n_sats: ArrayLike,
    altitude_km: ArrayLike,
    inclination_deg: ArrayLike,
    shell_thickness_km: ArrayLike,
    combined_radius_m: ArrayLike,
) -> FloatArray:
    """Collisions per year inside an uncoordinated shell, ``N (N-1)/2 x lambda_pair``."""
    n = np.asarray(n_sats, dtype=float)
    pair = pair_encounter_rate_per_year(
        altitude_km, inclination_deg, shell_thickness_km, np.asarray(combined_radius_m) / 1e3
    )
    return np.asarray(0.5 * n * (n - 1.0) * pair, dtype=float)


@dataclass(frozen=True)
class PatternEncounters:
    """Member-member close approaches of a slotted shell, from its pattern's geometry.

    In a Walker pattern every pair of planes crosses twice a revolution and every member meets
    the same sequence of members of the other planes at the same miss distances every
    revolution (:func:`orbitdc.slots.geometry.crossing_misses_km`). With ``N`` of the ``T``
    slots filled uniformly, one satellite meets ``N / T`` of those partners, so the shell's
    encounters per year are ``N^2 E / (2 T)`` with ``E`` one full-pattern member's encounters
    per year: the ``k N^2`` form of the unslotted model with ``k`` from the real geometry.

    Attributes
    ----------
    satellites : int
        ``T``, slots of the pattern.
    min_separation_km : float [km]
        The pattern's SGP4 minimum distance.
    misses_km : numpy.ndarray [km]
        Miss distances of one member's approaches in one revolution (sorted; those below the
        screening radius plus the control allowance suffice).
    revolutions_per_year : float [1/yr]
    control_allowance_km : float [km]
        Separation the station-keeping boxes can take away
        (:func:`orbitdc.slots.budget.control_allowance_km`); a miss counts as
        ``max(miss - allowance, 0)``.
    pattern : str
        ``walker:ALT:INC:T/P/F``.
    """

    satellites: int
    min_separation_km: float
    misses_km: FloatArray = field(repr=False)
    revolutions_per_year: float
    control_allowance_km: float = 0.0
    pattern: str = ""

    def guaranteed_misses_km(self) -> FloatArray:
        """Misses that station keeping guarantees, ``max(miss - allowance, 0)`` [km]."""
        return np.asarray(np.maximum(np.asarray(self.misses_km, dtype=float)
                                     - self.control_allowance_km, 0.0))

    @property
    def guaranteed_separation_km(self) -> float:
        """``max(d_min - allowance, 0)`` [km]."""
        return max(self.min_separation_km - self.control_allowance_km, 0.0)

    def encounters_per_sat_year(self, below_km: float) -> float:
        """Approaches of one member of the full pattern with a guaranteed miss below a bound."""
        n = int(np.count_nonzero(self.guaranteed_misses_km() < below_km))
        return n * self.revolutions_per_year


def coordination_factor(
    min_separation_km: float,
    own_sigma_km: float,
    combined_radius_m: float,
    screening_radius_km: float,
) -> float:
    """Ratio of coordinated to uncoordinated collision rate [-].

    Encounters within ``screening_radius_km`` occur ``(R_s / R_c)^2`` times as often as
    collisions of uncoordinated satellites (radius ``R_c``), and each has at most the collision
    probability of a miss of ``d_min`` with the operator's own position error:
    ``f = (R_s / R_c)^2 Pc(d_min; sigma_own, R_c)``, capped at 1.
    """
    r_c = combined_radius_m / 1e3
    pc = float(pc_isotropic(min_separation_km, own_sigma_km, r_c))
    return float(min(1.0, (max(screening_radius_km, r_c) / r_c) ** 2 * pc))
