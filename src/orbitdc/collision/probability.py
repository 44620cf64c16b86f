"""Collision probability of a conjunction in the encounter plane (short-term encounter model).

For a short encounter the relative motion is a straight line, and the probability of collision
is the integral of the relative-position density, projected onto the plane normal to the relative
velocity, over a disk whose radius is the combined hard-body radius ``HBR`` (Foster & Estes 1992
[1]_; Chan 2008 [2]_):

``Pc = (1 / (2 pi sqrt|C|)) integral_{|x| < HBR} exp(-(x - m)^T C^-1 (x - m) / 2) dx``

with ``m`` the miss vector and ``C`` the 2x2 combined covariance. For an isotropic covariance
``C = sigma^2 I`` the integral is exact in closed form: ``|x|^2 / sigma^2`` follows a non-central
chi-square law with 2 degrees of freedom and non-centrality ``(d / sigma)^2``, so
``Pc = F_ncx2((HBR / sigma)^2; 2, (d / sigma)^2)`` (Chan [2]_, ch. 3, where the series is the
Marcum Q function).

References
----------
.. [1] Foster, J. L. and Estes, H. S., "A parametric analysis of orbital debris collision
   probability and maneuver rate for space vehicles", NASA JSC-25898, 1992 (the
   ``FOSTER-1992`` method of CCSDS conjunction data messages).
.. [2] Chan, F. K., *Spacecraft Collision Probability*, The Aerospace Press, 2008, ch. 3-4.
.. [3] Alfano, S., "Relating position uncertainty to maximum conjunction probability",
   J. Astronautical Sciences 53(2), 2005 (maximum probability over sigma).
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]


@functools.lru_cache(maxsize=16)
def legendre_nodes(order: int) -> tuple[FloatArray, FloatArray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (cached: computing them is not free)."""
    nodes, weights = special.roots_legendre(order)
    return np.asarray(nodes, dtype=float), np.asarray(weights, dtype=float)


#: Below this the chi-square CDF is replaced by the radial integral (full relative precision).
_TAIL = 1e-100


def pc_isotropic(miss_km: ArrayLike, sigma_km: ArrayLike, hbr_km: ArrayLike, *,
                 tail: bool = True) -> FloatArray:
    """Exact collision probability for an isotropic encounter-plane covariance [-].

    ``Pc = F_ncx2((HBR/sigma)^2; k=2, lambda=(d/sigma)^2)`` (Chan [2]_). Far in the tail, where
    the chi-square CDF underflows, the same integral is evaluated in radius,
    ``Pc = int_0^HBR (rho/sigma^2) exp(-(rho - d)^2 / (2 sigma^2)) i0e(rho d / sigma^2) d rho``
    with the exponentially scaled Bessel function, which keeps full relative precision.

    Parameters
    ----------
    miss_km : array_like [km]
        Miss distance at the time of closest approach.
    sigma_km : array_like [km]
        Standard deviation of the combined relative position along each encounter-plane axis.
    hbr_km : array_like [km]
        Combined hard-body radius (sum of the two objects' radii).
    tail : bool
        Evaluate probabilities below 1e-100 to full relative precision; ``False`` returns the
        chi-square CDF there (about 0 or underflowed), enough wherever such values are
        negligible (thresholds, integrals over the encounter plane) and much faster.
    """
    d, s, r = np.broadcast_arrays(
        np.asarray(miss_km, dtype=float),
        np.asarray(sigma_km, dtype=float),
        np.asarray(hbr_km, dtype=float),
    )
    # chndtr is the non-central chi-square CDF ufunc behind scipy.stats.ncx2.cdf, without the
    # per-call argument checking that dominates scalar root finding.
    out = np.asarray(special.chndtr((r / s) ** 2, 2.0, (d / s) ** 2), dtype=float)
    far = out < _TAIL
    if tail and np.any(far):
        nodes, weights = legendre_nodes(64)
        dt, st_, rt = d[far][..., None], s[far][..., None], r[far][..., None]
        rho = 0.5 * rt * (nodes + 1.0)
        f = (rho / st_**2) * np.exp(-((rho - dt) ** 2) / (2.0 * st_**2)) * special.i0e(
            rho * dt / st_**2
        )
        out = out.copy()
        out[far] = np.sum(f * weights, axis=-1) * 0.5 * r[far]
    return out


def pc_small_hbr(miss_km: ArrayLike, sigma_km: ArrayLike, hbr_km: ArrayLike) -> FloatArray:
    """Small-object approximation ``Pc = HBR^2 / (2 sigma^2) exp(-d^2 / (2 sigma^2))`` [-].

    The density at the miss point times the disk area (Foster & Estes [1]_); accurate when
    ``HBR << sigma``.
    """
    d = np.asarray(miss_km, dtype=float)
    s = np.asarray(sigma_km, dtype=float)
    r = np.asarray(hbr_km, dtype=float)
    return r**2 / (2.0 * s**2) * np.exp(-(d**2) / (2.0 * s**2))


def pc_foster(
    miss_xy_km: ArrayLike, covariance_km2: ArrayLike, hbr_km: ArrayLike, *, order: int = 32
) -> FloatArray:
    """Foster's 2-D probability for a general encounter-plane covariance [-].

    Integrates the bivariate normal density over the hard-body disk with Gauss-Legendre
    quadrature in radius and the trapezoidal rule in angle (spectrally accurate for the
    periodic angular integrand) (Foster & Estes [1]_).

    Parameters
    ----------
    miss_xy_km : array_like, shape (..., 2) [km]
        Miss vector in the encounter plane.
    covariance_km2 : array_like, shape (..., 2, 2) [km^2]
        Combined relative-position covariance projected on the encounter plane.
    hbr_km : array_like, shape (...) [km]
    order : int
        Quadrature points per dimension.
    """
    m = np.asarray(miss_xy_km, dtype=float)
    c = np.asarray(covariance_km2, dtype=float)
    r = np.asarray(hbr_km, dtype=float)[..., None, None]
    nodes, weights = legendre_nodes(order)
    rho = 0.5 * (nodes + 1.0)  # radial nodes on [0, 1]
    w_rho = 0.5 * weights
    theta = np.linspace(0.0, 2.0 * np.pi, 2 * order, endpoint=False)
    w_theta = 2.0 * np.pi / theta.size
    # points on the disk, shape (..., n_rho, n_theta)
    px = r * rho[:, None] * np.cos(theta)[None, :]
    py = r * rho[:, None] * np.sin(theta)[None, :]
    det = c[..., 0, 0] * c[..., 1, 1] - c[..., 0, 1] ** 2
    inv00 = (c[..., 1, 1] / det)[..., None, None]
    inv11 = (c[..., 0, 0] / det)[..., None, None]
    inv01 = (-c[..., 0, 1] / det)[..., None, None]
    dx = px - m[..., 0, None, None]
    dy = py - m[..., 1, None, None]
    q = inv00 * dx**2 + 2.0 * inv01 * dx * dy + inv11 * dy**2
    dens = np.exp(-0.5 * q) / (2.0 * np.pi * np.sqrt(det)[..., None, None])
    # area element r^2 rho d rho d theta
    integrand = dens * (r**2) * rho[:, None]
    return np.asarray(
        np.sum(integrand * w_rho[:, None], axis=(-2, -1)) * w_theta, dtype=float
    )


def miss_distances_for_pc_km(pc_threshold: float, sigma_km: ArrayLike,
                             hbr_km: float) -> FloatArray:
    """Miss distances below which isotropic encounters have ``Pc >= pc_threshold`` [km].

    Vectorised over ``sigma_km``. ``Pc`` decreases monotonically with the miss distance, so the
    root of ``log Pc(d) = log Pc*`` is unique. The bracket starts from the small-HBR estimate
    ``d0^2 = 2 sigma^2 ln(HBR^2 / (2 sigma^2 Pc*))`` and the root is found by the Illinois
    variant of regula falsi on all sigmas at once, in ``d^2`` where ``log Pc`` is nearly linear
    (a handful of exact evaluations; it keeps the bracket, so it cannot diverge), to 1e-12.
    Zero where even a head-on miss (``d = 0``) stays below the threshold.
    """
    sig = np.atleast_1d(np.asarray(sigma_km, dtype=float))
    log_pc = np.log(pc_threshold)

    # in u = d^2 the log-probability is nearly linear (Gaussian tail), so regula falsi on u
    # converges in a few steps
    # thresholds are far above 1e-100, so the tail's precision cannot move the root
    def excess(u: FloatArray) -> FloatArray:
        return np.log(np.maximum(pc_isotropic(np.sqrt(u), sig, hbr_km, tail=False), 1e-300)) \
            - log_pc

    f_lo = excess(np.zeros_like(sig))
    reach = f_lo >= 0.0
    if not np.any(reach):
        return np.zeros(np.shape(sigma_km))
    guess = 2.0 * sig**2 * np.maximum(np.log(hbr_km**2 / (2.0 * sig**2 * pc_threshold)), 0.0)
    lo = np.zeros_like(sig)
    hi = (np.sqrt(2.0 * guess) + hbr_km + sig) ** 2
    f_hi = excess(hi)
    for _ in range(60):
        grow = reach & (f_hi > 0.0)
        if not np.any(grow):
            break
        lo, f_lo = np.where(grow, hi, lo), np.where(grow, f_hi, f_lo)
        hi = np.where(grow, 4.0 * hi, hi)
        f_hi = np.where(grow, excess(hi), f_hi)
    side = np.zeros(sig.shape, dtype=int)
    for _ in range(100):
        x = np.where(reach, (lo * f_hi - hi * f_lo) / np.where(f_hi != f_lo, f_hi - f_lo, 1.0),
                     lo)
        x = np.clip(x, lo, hi)
        fx = excess(x)
        above = fx > 0.0
        # Illinois: halve the stale end's value when the same side moves twice in a row
        f_hi = np.where(above & (side == 1), 0.5 * f_hi, f_hi)
        f_lo = np.where(~above & (side == -1), 0.5 * f_lo, f_lo)
        lo, f_lo = np.where(above, x, lo), np.where(above, fx, f_lo)
        hi, f_hi = np.where(above, hi, x), np.where(above, f_hi, fx)
        side = np.where(above, 1, -1)
        if np.all(~reach | (hi - lo <= 1e-12 * (1.0 + hi)) | (np.abs(fx) < 1e-12)):
            break
    root = np.where(np.abs(f_lo) < np.abs(f_hi), lo, hi)
    return np.asarray(np.where(reach, np.sqrt(root), 0.0), dtype=float).reshape(
        np.shape(sigma_km))


def miss_distance_for_pc_km(pc_threshold: float, sigma_km: float, hbr_km: float) -> float:
    """Miss distance below which an isotropic encounter has ``Pc >= pc_threshold`` [km].

    The scalar case of :func:`miss_distances_for_pc_km`.
    """
    return float(miss_distances_for_pc_km(pc_threshold, sigma_km, hbr_km))


def encounter_frame(
    r1_km: ArrayLike, v1_km_s: ArrayLike, r2_km: ArrayLike, v2_km_s: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Unit vectors of the encounter plane and the miss vector in it.

    The plane is normal to the relative velocity ``v = v2 - v1``; its first axis is along the
    miss vector's projection. Returns ``(miss_xy_km, e1, e2)``, shapes ``(..., 2)``,
    ``(..., 3)``, ``(..., 3)``.
    """
    dr = np.asarray(r2_km, dtype=float) - np.asarray(r1_km, dtype=float)
    dv = np.asarray(v2_km_s, dtype=float) - np.asarray(v1_km_s, dtype=float)
    u = dv / np.linalg.norm(dv, axis=-1, keepdims=True)
    miss = dr - np.sum(dr * u, axis=-1, keepdims=True) * u
    norm = np.linalg.norm(miss, axis=-1, keepdims=True)
    # A zero miss vector has no direction: pick any axis normal to u.
    fallback = np.cross(u, np.where(np.abs(u[..., :1]) < 0.9, [1.0, 0, 0], [0, 1.0, 0]))
    e1 = np.where(norm > 0, miss / np.where(norm > 0, norm, 1.0), fallback)
    e1 = e1 / np.linalg.norm(e1, axis=-1, keepdims=True)
    e2 = np.cross(u, e1)
    xy = np.stack([np.sum(miss * e1, axis=-1), np.sum(miss * e2, axis=-1)], axis=-1)
    return xy, e1, e2
