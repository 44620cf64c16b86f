"""NASA standard breakup model: is a collision catastrophic, how many fragments, which orbits.

A collision is catastrophic when the relative kinetic energy of the smaller object divided by the
mass of the larger reaches 40 J/g; the number of fragments larger than a characteristic length
``L_c`` is ``N(>L_c) = 0.1 M^0.75 L_c^-1.71`` with ``M`` the sum of both masses for a catastrophic
collision and ``M = m_p v^2`` (``v`` in km/s) otherwise (Johnson et al. [1]_ eq. 4, with the
non-catastrophic ``M`` as corrected by Krisko [2]_).

Each fragment has an area-to-mass ratio drawn from a distribution in ``chi = log10(A/M)`` that
depends on ``lambda = log10(L_c)`` (eq. 5 below 8 cm; for spacecraft above 11 cm the bimodal
mixture ``alpha N(mu1, s1) + (1 - alpha) N(mu2, s2)`` of eq. 6, rocket bodies eq. 7; between 8 and
11 cm the two laws are mixed with weight ``(L_c - 0.08) / 0.03``), an average cross-section
``A = 0.556945 L_c^2.0047077`` (eq. 9; ``0.540424 L_c^2`` below 1.67 mm) and a velocity kick
``log10(dv [m/s]) ~ N(0.9 chi + 2.9, 0.4)`` in a random direction (eq. 12). The piecewise-linear
parameters are those of the paper as implemented identically by the ESA and MIT open codes [3]_;
the bimodal law is sampled as the mixture the paper writes (the open codes draw a weighted sum of
the two normals instead, which narrows it).

References
----------
.. [1] Johnson, N. L., Krisko, P. H., Liou, J.-C. and Anz-Meador, P. D., "NASA's new breakup
   model of EVOLVE 4.0", Adv. Space Res. 28(9), 1377-1384, 2001,
   doi:10.1016/S0273-1177(01)00423-9, eq. (4).
.. [2] Krisko, P. H., "Proper implementation of the 1998 NASA breakup model", Orbital Debris
   Quarterly News 15(4), 2011.
.. [3] ESA, NASA-breakup-model-cpp (github.com/esa/NASA-breakup-model-cpp,
   ``UtilityAreaMassRatio.h``, ``Breakup.cpp``); MIT ARCLab, pyssem
   (``pyssem/utils/collisions/NASA_SBM_frags.py``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from orbitdc.constants import MU_EARTH_KM3_S2
from orbitdc.errors import require_choice, require_range

FloatArray = NDArray[np.float64]

#: Catastrophic threshold on the energy-to-mass ratio [J/kg] (40 J/g, Johnson et al. [1]_).
CATASTROPHIC_J_PER_KG = 40_000.0


def energy_to_mass_j_per_kg(
    target_mass_kg: ArrayLike, projectile_mass_kg: ArrayLike, velocity_km_s: ArrayLike
) -> FloatArray:
    """Kinetic energy of the smaller object over the mass of the larger [J/kg]."""
    m1 = np.asarray(target_mass_kg, dtype=float)
    m2 = np.asarray(projectile_mass_kg, dtype=float)
    small, large = np.minimum(m1, m2), np.maximum(m1, m2)
    v_m_s = np.asarray(velocity_km_s, dtype=float) * 1e3
    return np.asarray(0.5 * small * v_m_s**2 / large, dtype=float)


def is_catastrophic(
    target_mass_kg: ArrayLike, projectile_mass_kg: ArrayLike, velocity_km_s: ArrayLike
) -> NDArray[np.bool_]:
    """Whether the collision fragments both objects (EMR >= 40 J/g) (Johnson et al. [1]_)."""
    return np.asarray(
        energy_to_mass_j_per_kg(target_mass_kg, projectile_mass_kg, velocity_km_s)
        >= CATASTROPHIC_J_PER_KG
    )


def fragments_larger_than(
    length_m: ArrayLike,
    target_mass_kg: ArrayLike,
    projectile_mass_kg: ArrayLike,
    velocity_km_s: ArrayLike,
) -> FloatArray:
    """Number of fragments with characteristic length above ``length_m`` [-].

    ``N = 0.1 M^0.75 L_c^-1.71`` with ``M = m_t + m_p`` (catastrophic) or ``M = m_p v^2``
    (non-catastrophic, ``m_p`` the smaller mass, ``v`` in km/s) (Johnson et al. [1]_,
    Krisko [2]_).
    """
    m1 = np.asarray(target_mass_kg, dtype=float)
    m2 = np.asarray(projectile_mass_kg, dtype=float)
    v = np.asarray(velocity_km_s, dtype=float)
    cat = is_catastrophic(m1, m2, v)
    big_m = np.where(cat, m1 + m2, np.minimum(m1, m2) * v**2)
    return np.asarray(0.1 * big_m**0.75 * np.asarray(length_m, dtype=float) ** -1.71, dtype=float)


# ---- fragment properties (Johnson et al. [1]_ eqs. 5-12) ---------------------------------------
#: Parent kinds with their own large-fragment A/M law.
PARENT_KINDS = ("spacecraft", "rocket_body")


def _ramp(lam: FloatArray, x0: float, x1: float, y0: float, y1: float) -> FloatArray:
    """``y0`` below ``x0``, ``y1`` above ``x1``, linear between.

    Every piecewise law of eqs. 5-7 is such a continuous ramp (its middle branch meets both
    constant branches).
    """
    return np.asarray(np.interp(lam, [x0, x1], [y0, y1]), dtype=float)


def small_fragment_parameters(length_m: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(mu, sigma)`` of ``log10(A/M)`` for fragments below 8 cm (eq. 5), any parent."""
    lam = np.log10(np.asarray(length_m, dtype=float))
    mu = _ramp(lam, -1.75, -1.25, -0.3, -1.0)
    sigma = np.where(lam <= -3.5, 0.2, 0.2 + 0.1333 * (lam + 3.5))
    return mu, np.asarray(sigma, dtype=float)


def large_fragment_parameters(
    length_m: ArrayLike, kind: str = "spacecraft"
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """``(alpha, mu1, sigma1, mu2, sigma2)`` of the bimodal ``log10(A/M)`` law above 11 cm.

    Spacecraft fragments eq. 6, rocket-body fragments eq. 7 (Johnson et al. [1]_).
    """
    require_choice("kind", kind, PARENT_KINDS)
    lam = np.log10(np.asarray(length_m, dtype=float))
    if kind == "spacecraft":
        return (_ramp(lam, -1.95, 0.55, 0.0, 1.0),  # alpha = 0.3 + 0.4 (lambda + 1.2) inside
                _ramp(lam, -1.1, 0.0, -0.6, -0.95),
                _ramp(lam, -1.3, -0.3, 0.1, 0.3),
                _ramp(lam, -0.7, -0.1, -1.2, -2.0),
                _ramp(lam, -0.5, -0.3, 0.5, 0.3))
    return (_ramp(lam, -1.4, 0.0, 1.0, 0.5),
            _ramp(lam, -0.5, 0.0, -0.45, -0.9),
            np.full_like(lam, 0.55),
            np.full_like(lam, -0.9),
            _ramp(lam, -1.0, 0.1, 0.28, 0.1))


def log_area_to_mass_pdf(
    chi: ArrayLike, length_m: ArrayLike, kind: str = "spacecraft"
) -> FloatArray:
    """Probability density of ``chi = log10(A/M [m^2/kg])`` for fragments of size ``L_c``.

    Eq. 5 below 8 cm, the mixture of eq. 6 (spacecraft) or 7 (rocket body) above 11 cm, and
    between them the two laws mixed with weight ``w = (L_c - 0.08) / 0.03`` on the large law.
    """
    x = np.asarray(chi, dtype=float)
    size = np.asarray(length_m, dtype=float)
    mu_s, sig_s = small_fragment_parameters(size)
    alpha, mu1, s1, mu2, s2 = large_fragment_parameters(size, kind)
    large = alpha * stats.norm.pdf(x, mu1, s1) + (1.0 - alpha) * stats.norm.pdf(x, mu2, s2)
    small = stats.norm.pdf(x, mu_s, sig_s)
    w = np.clip((size - 0.08) / 0.03, 0.0, 1.0)
    return np.asarray(w * large + (1.0 - w) * small, dtype=float)


def fragment_area_m2(length_m: ArrayLike) -> FloatArray:
    """Average cross-section of a fragment of characteristic length ``L_c`` [m^2] (eqs. 8-9)."""
    size = np.asarray(length_m, dtype=float)
    return np.asarray(np.where(size < 0.00167, 0.540424 * size**2,
                               0.556945 * size**2.0047077), dtype=float)


def delta_v_log10_mean(chi: ArrayLike) -> FloatArray:
    """Mean of ``log10(dv [m/s])`` for collision fragments, ``0.9 chi + 2.9`` (eq. 12)."""
    return np.asarray(0.9 * np.asarray(chi, dtype=float) + 2.9, dtype=float)


#: Standard deviation of ``log10(dv [m/s])`` for collision fragments (eq. 12).
DELTA_V_LOG10_SIGMA = 0.4
#: Exponent of the cumulative size law, ``N(>L) ~ L^-1.71`` (eq. 4).
SIZE_EXPONENT = 1.71


@dataclass(frozen=True)
class FragmentCloud:
    """Equal-weight quadrature points of the fragments of one breakup above a size.

    Attributes
    ----------
    length_m : array [m]
        Characteristic lengths, distributed as ``dN/dL ~ L^-2.71`` between the bounds.
    area_to_mass_m2_kg : array [m^2/kg]
    delta_v_m_s : array [m/s]
        Magnitude of the velocity kick.
    along_track, radial, cross_track : arrays [-]
        Components of the kick's unit vector in the parent's local frame (isotropic).
    """

    length_m: FloatArray
    area_to_mass_m2_kg: FloatArray
    delta_v_m_s: FloatArray
    along_track: FloatArray
    radial: FloatArray
    cross_track: FloatArray

    @property
    def size(self) -> int:
        """Number of quadrature points."""
        return int(self.length_m.size)

    @property
    def mass_per_area_kg_m2(self) -> FloatArray:
        """``M/A`` of each point [kg/m^2] (the lifetime scales with it)."""
        return np.asarray(1.0 / self.area_to_mass_m2_kg, dtype=float)


@functools.lru_cache(maxsize=8)
def fragment_cloud(
    min_length_m: float = 0.1,
    max_length_m: float = 1.0,
    kind: str = "spacecraft",
    points_log2: int = 12,
) -> FragmentCloud:
    """Fragments of a collision between two sizes, as ``2^points_log2`` quadrature points.

    A scrambled Sobol sequence (fixed seed: the same points every run) in six dimensions maps
    to the size (inverse of the power law), the choice of A/M law and mixture component, the A/M
    normal quantile, the delta-v normal quantile and an isotropic direction.
    """
    require_choice("kind", kind, PARENT_KINDS)
    require_range("min_length_m", min_length_m, gt=0.0, lt=max_length_m)
    u = stats.qmc.Sobol(d=6, scramble=True, seed=20010101).random_base2(points_log2)
    u = np.clip(u, 1e-12, 1.0 - 1e-12)
    # sizes: N(>L) ~ L^-k between the bounds, inverted
    k = SIZE_EXPONENT
    lo, hi = min_length_m ** -k, max_length_m ** -k
    size = (lo - u[:, 0] * (lo - hi)) ** (-1.0 / k)
    # law and mixture component from one coordinate
    w_large = np.clip((size - 0.08) / 0.03, 0.0, 1.0)
    mu_s, sig_s = small_fragment_parameters(size)
    alpha, mu1, s1, mu2, s2 = large_fragment_parameters(size, kind)
    use_large = u[:, 1] < w_large
    within = np.where(use_large, u[:, 1] / np.maximum(w_large, 1e-300),
                      (u[:, 1] - w_large) / np.maximum(1.0 - w_large, 1e-300))
    first = within < alpha
    mu = np.where(use_large, np.where(first, mu1, mu2), mu_s)
    sig = np.where(use_large, np.where(first, s1, s2), sig_s)
    chi = mu + sig * special.ndtri(u[:, 2])
    log_dv = delta_v_log10_mean(chi) + DELTA_V_LOG10_SIGMA * special.ndtri(u[:, 3])
    cos_t = 2.0 * u[:, 4] - 1.0
    sin_t = np.sqrt(1.0 - cos_t**2)
    phi = 2.0 * math.pi * u[:, 5]
    return FragmentCloud(
        length_m=np.asarray(size, dtype=float),
        area_to_mass_m2_kg=np.asarray(10.0**chi, dtype=float),
        delta_v_m_s=np.asarray(10.0**log_dv, dtype=float),
        along_track=cos_t,
        radial=sin_t * np.cos(phi),
        cross_track=sin_t * np.sin(phi),
    )


@dataclass(frozen=True)
class FragmentOrbits:
    """Orbits of fragments kicked from a circular parent orbit (two-body, instantaneous).

    Attributes
    ----------
    perigee_km, apogee_km : arrays [km]
        Altitudes above the equatorial radius; a perigee below the entry interface means the
        fragment re-enters at once.
    semi_major_axis_km : array [km]
    """

    perigee_km: FloatArray
    apogee_km: FloatArray
    semi_major_axis_km: FloatArray


def fragment_orbits(parent_altitude_km: float, cloud: FragmentCloud,
                    earth_radius_km: float) -> FragmentOrbits:
    """Perigee and apogee of each fragment after its kick from a circular orbit [km].

    The kick ``dv`` adds to the circular velocity ``v0``; vis-viva gives the new semi-major
    axis ``a = 1 / (2/r0 - |v|^2/mu)`` and the angular momentum ``h = r0 |v_horizontal|`` the
    eccentricity ``e = sqrt(1 - h^2 / (mu a))`` (Vallado, *Fundamentals of Astrodynamics*,
    2013, ch. 2). Hyperbolic kicks (never in LEO at these speeds) are given an infinite apogee.
    """
    r0 = earth_radius_km + parent_altitude_km
    v0 = math.sqrt(MU_EARTH_KM3_S2 / r0)
    dv = cloud.delta_v_m_s / 1e3
    vt = v0 + dv * cloud.along_track
    vr = dv * cloud.radial
    vn = dv * cloud.cross_track
    v2 = vt**2 + vr**2 + vn**2
    inv_a = 2.0 / r0 - v2 / MU_EARTH_KM3_S2
    bound = inv_a > 0.0
    a = np.where(bound, 1.0 / np.where(bound, inv_a, 1.0), np.inf)
    h2 = r0**2 * (vt**2 + vn**2)
    e = np.sqrt(np.clip(1.0 - h2 / (MU_EARTH_KM3_S2 * np.where(bound, a, 1.0)), 0.0, None))
    return FragmentOrbits(
        perigee_km=np.asarray(np.where(bound, a * (1.0 - e), r0) - earth_radius_km, dtype=float),
        apogee_km=np.asarray(np.where(bound, a * (1.0 + e), np.inf) - earth_radius_km,
                             dtype=float),
        semi_major_axis_km=np.asarray(a, dtype=float),
    )
