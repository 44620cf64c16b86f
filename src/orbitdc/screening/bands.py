"""Radius filters: which objects and shells can ever meet (apogee/perigee, made sharper).

* :func:`catalog_radius_bands` - radius band of each catalog object over a window, from
  osculating perigee and apogee radii sampled every few hours (+-50 km);
* :func:`shell_radius_band` - exact radius range of a Walker shell from its track;
* :func:`shells_can_meet` - two shells, each a fixed closed curve in the (latitude, radius)
  plane, can only meet where those curves come within the threshold;
* :func:`latitude_radius_window` / :func:`radius_flags` - the same idea per object-step.

References
----------
.. [1] Hoots, F. R., Crawford, L. L. and Roehrich, R. L., "An analytic method to determine
   future close approaches between satellites", Celestial Mechanics 33, 143-158, 1984
   (apogee/perigee filter).
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013,
   ch. 2 (osculating elements from a state).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from orbitdc.constants import TWO_PI, WGS72_MU_KM3_S2
from orbitdc.propagation import GpeSet, Propagator
from orbitdc.propagation.walker import ShellTrack

FloatArray = NDArray[np.float64]


#: Margin on the osculating perigee/apogee band of a catalog object [km]: covers the
#: short-periodic variation of the osculating elements (~10-20 km in LEO) between samples.
RADIUS_BAND_MARGIN_KM = 50.0

#: Spacing of the samples that set the radius bands [s].
RADIUS_BAND_SAMPLE_S = 3 * 3600.0


def osculating_band(pos: FloatArray, vel: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Osculating perigee and apogee radii [km] from TEME states ``(..., 3, n)``."""
    r = np.linalg.norm(pos, axis=-2)
    v2 = np.sum(vel * vel, axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_a = 2.0 / r - v2 / WGS72_MU_KM3_S2
        a = 1.0 / inv_a
        h = np.linalg.norm(np.cross(pos, vel, axis=-2), axis=-2)
        p = h * h / WGS72_MU_KM3_S2
        e = np.sqrt(np.clip(1.0 - p * inv_a, 0.0, None))
        rp = np.where(inv_a > 0, a * (1.0 - e), p / (1.0 + e))
        ra = np.where((inv_a > 0) & (e < 1.0), a * (1.0 + e), np.inf)
    return rp, ra


def catalog_radius_bands(
    gpes: GpeSet, jd: float, jd_frac: float, window_s: float, backend: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Radius band [km] over the window and largest osculating eccentricity of each object.

    Objects that SGP4 cannot propagate at any sample get an empty band (lo = +inf).
    """
    n = len(gpes)
    if n == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    n_s = max(2, math.ceil(window_s / RADIUS_BAND_SAMPLE_S) + 1)
    t = np.linspace(0.0, window_s, n_s)
    with Propagator(gpes, jd, jd_frac, backend=backend) as prop:
        st = prop.states(t)
    pos, vel, err = st[:, 0:3, :], st[:, 3:6, :], st[:, 6, :]
    rp, ra = osculating_band(pos, vel)
    good = (err == 0) & np.isfinite(rp)
    rp = np.where(good, rp, np.inf)
    ra = np.where(good, ra, -np.inf)
    lo = rp.min(axis=0) - RADIUS_BAND_MARGIN_KM
    hi = ra.max(axis=0) + RADIUS_BAND_MARGIN_KM
    with np.errstate(invalid="ignore", divide="ignore"):
        ecc_s = (ra - rp) / (ra + rp)
    ecc = np.where(good & np.isfinite(ecc_s), ecc_s, 0.0).max(axis=0)
    ecc = np.maximum(ecc, gpes.records["ecco"])
    return lo, hi, np.nan_to_num(ecc, nan=1.0, posinf=1.0)


def shell_radius_band(track: ShellTrack) -> tuple[float, float]:
    """Radius band of a shell [km] from its track table (any ``omega``), +-1 km."""
    c0 = np.linalg.norm(track.table_km[0], axis=1)
    wobble = np.linalg.norm(track.table_km[1], axis=1) + np.linalg.norm(track.table_km[2], axis=1)
    return float((c0 - wobble).min() - 1.0), float((c0 + wobble).max() + 1.0)


def overlaps_any(lo: FloatArray, hi: FloatArray, other_lo: FloatArray,
                  other_hi: FloatArray) -> NDArray[np.bool_]:
    """For each band ``[lo, hi]``, whether some band of the other set intersects it."""
    if other_lo.size == 0:
        return np.zeros(lo.size, bool)
    order = np.argsort(other_lo)
    olo = other_lo[order]
    prefix_hi = np.maximum.accumulate(other_hi[order])
    pos = np.searchsorted(olo, hi, side="right")
    return np.where(pos > 0, prefix_hi[np.maximum(pos - 1, 0)] >= lo, False)


def overlaps_other(lo: FloatArray, hi: FloatArray) -> NDArray[np.bool_]:
    """For each band, whether another band of the same set intersects it."""
    n = lo.size
    if n < 2:
        return np.zeros(n, bool)
    order = np.argsort(lo, kind="stable")
    slo, shi = lo[order], hi[order]
    # an earlier band (smaller lo) reaching up to this one, or the next band starting inside
    prev_hi = np.concatenate([[-np.inf], np.maximum.accumulate(shi)[:-1]])
    next_lo = np.concatenate([slo[1:], [np.inf]])
    hit = (prev_hi >= slo) | (next_lo <= shi)
    out = np.empty(n, bool)
    out[order] = hit
    return out


def latitude_radius_window(
    track: ShellTrack, half_box_km: float, threshold_km: float, slack_km: float
) -> tuple[float, FloatArray, FloatArray]:
    """Radius range of a shell's satellites within reach of each latitude bin.

    An object-step whose chord midpoint is at latitude ``lat`` stays within
    ``eps = (v_max h / 2 + pad) / r_min`` of it; a satellite within the threshold of it is
    within ``threshold / r_min`` more. Returns ``(bin width, rmin, rmax)`` over bins of
    latitude from -90 deg, the range taken over the window ``lat +- (eps + threshold / r)``.
    """
    g = track.table_km[0]
    r = np.linalg.norm(g, axis=1)
    lat = np.arcsin(np.clip(g[:, 2] / r, -1.0, 1.0))
    r_min = 6378.0
    reach = half_box_km + threshold_km
    eps = reach / r_min + TWO_PI / track.table_size
    width = 0.005
    n_bins = int(math.ceil(math.pi / width)) + 1
    idx = np.clip(((lat + 0.5 * math.pi) / width).astype(np.int64), 0, n_bins - 1)
    rmin = np.full(n_bins, np.inf)
    rmax = np.full(n_bins, -np.inf)
    np.minimum.at(rmin, idx, r)
    np.maximum.at(rmax, idx, r)
    w = int(math.ceil(eps / width)) + 1
    pad_min = np.concatenate([np.full(w, np.inf), rmin, np.full(w, np.inf)])
    pad_max = np.concatenate([np.full(w, -np.inf), rmax, np.full(w, -np.inf)])
    win_min = np.min(np.stack([pad_min[q:q + n_bins] for q in range(2 * w + 1)]), axis=0)
    win_max = np.max(np.stack([pad_max[q:q + n_bins] for q in range(2 * w + 1)]), axis=0)
    return width, win_min - slack_km, win_max + slack_km


def shells_can_meet(a: ShellTrack, b: ShellTrack, threshold_km: float) -> bool:
    """Whether any satellite of shell ``a`` can come within the threshold of one of ``b``.

    The radius of a shell satellite and its latitude are functions of its phase only (node
    rotations keep both), so each shell traces a fixed closed curve in the (latitude, radius)
    plane. Two satellites within ``d`` of each other have latitudes within ``d / r`` and radii
    within ``d``; if, latitude band by latitude band, the two curves' radius ranges stay more
    than the threshold (plus interpolation and omega-wobble slack) apart, the shells never
    meet (a rigorous test; Hoots et al.'s apogee/perigee filter made latitude-resolved).
    """
    pts = []
    for tr in (a, b):
        g = tr.table_km[0]
        r = np.linalg.norm(g, axis=1)
        lat = np.arcsin(np.clip(g[:, 2] / r, -1.0, 1.0))
        wobble = float((np.linalg.norm(tr.table_km[1], axis=1)
                        + np.linalg.norm(tr.table_km[2], axis=1)).max())
        # between table points latitude moves by at most the table step; radius by
        # |dr/dphi| * step
        step = TWO_PI / tr.table_size
        dr = float(np.abs(np.diff(np.append(r, r[0]))).max())
        pts.append((lat, r, wobble + dr, step))
    r_min = min(float(p[1].min()) for p in pts)
    tol = (threshold_km + 2.0) / r_min + max(pts[0][3], pts[1][3])
    edges_lo = -math.pi / 2 - tol
    n_bins = int(math.ceil((math.pi + 2 * tol) / tol)) + 2
    ranges = []
    for lat, r, _, _ in pts:
        idx = np.floor((lat - edges_lo) / tol).astype(np.int64)
        rmin = np.full(n_bins, np.inf)
        rmax = np.full(n_bins, -np.inf)
        np.minimum.at(rmin, idx, r)
        np.maximum.at(rmax, idx, r)
        ranges.append((rmin, rmax))
    slack = pts[0][2] + pts[1][2] + threshold_km + 1e-3
    (amin, amax), (bmin, bmax) = ranges
    for shift in (-1, 0, 1):
        bmin_s = np.roll(bmin, shift)
        bmax_s = np.roll(bmax, shift)
        gap = np.maximum(amin - bmax_s, bmin_s - amax)
        if np.any(gap <= slack):
            return True
    return False


def radius_flags(
    track: ShellTrack, step_s: float, pad_km: float, band_lo: float, band_hi: float
) -> NDArray[np.bool_]:
    """Flag the table phase cells from which a step's radius range can meet a band.

    For a step starting at table phase cell ``i``: whether the satellite's radius range over
    the step (padded) can meet ``[band_lo, band_hi]``.

    The radius depends on the phase only (``|G|``, rotations keep it); the step's arc is
    covered by table cells ``i .. i + w`` with ``w = 1 + ceil(L' h / dphi)``.
    """
    n = track.table_size
    radius = np.linalg.norm(track.table_km[0], axis=1)
    wobble = float((np.linalg.norm(track.table_km[1], axis=1)
                    + np.linalg.norm(track.table_km[2], axis=1)).max()) + 1e-3
    w = 1 + math.ceil(track.phase_rate_rad_s * step_s / (TWO_PI / n))
    shifted = np.stack([np.roll(radius, -q) for q in range(w + 1)])
    rmin = shifted.min(axis=0) - wobble - pad_km
    rmax = shifted.max(axis=0) + wobble + pad_km
    return np.asarray((rmin <= band_hi) & (rmax >= band_lo))
