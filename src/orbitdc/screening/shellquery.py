"""Which satellites of a Walker shell can be near a given point: inverse Walker geometry.

Every satellite of a shell stays within ``delta`` of an ideal circular orbit (radius ``rho``,
plane ``n_p`` rotated about z by the plane's node, argument of latitude advancing uniformly;
:meth:`~orbitdc.propagation.walker.ShellTrack.ideal_circle`). A query sphere (centre ``c``,
radius ``R``) can only contain satellites whose ideal position is within ``R + delta`` of
``c``, i.e. within the angle ``alpha`` of the direction ``q = c / |c|`` with
``cos alpha = (rho^2 + |c|^2 - R'^2) / (2 rho |c|)``. Such a satellite's plane passes within
``alpha`` of ``q``:

``|n_p . q| = |sin i cos(lat) sin(Omega_p - lon) + cos i sin(lat)| <= sin alpha``,

which gives at most two arcs of nodes, hence two ranges of plane indices; in a plane at angle
``d`` from ``q`` the satellite's argument of latitude is within
``beta = acos(cos alpha / cos d)`` of that of ``q``'s projection, a range of slots. The cost
is proportional to the satellites returned, not to the size of the shell: a catalog object
is screened against a million-satellite shell without touching the other satellites.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from orbitdc.constants import TWO_PI
from orbitdc.propagation.kernels import rotate_z
from orbitdc.propagation.walker import IdealCircle, ShellTrack

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _ranges(lo: FloatArray, hi: FloatArray, period: int, scale: float) -> tuple[IntArray, IntArray]:
    """Integer index ranges ``[ceil(lo * scale), floor(hi * scale)]``, capped at one period."""
    a = np.ceil(lo * scale - 1e-12).astype(np.int64)
    b = np.floor(hi * scale + 1e-12).astype(np.int64)
    b = np.minimum(b, a + period - 1)
    return a, np.maximum(b - a + 1, 0)


def _expand(owner: IntArray, start: IntArray, count: IntArray) -> tuple[IntArray, IntArray]:
    """``(owner, start + 0..count-1)`` for every range."""
    total = int(count.sum())
    own = np.repeat(owner, count)
    off = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    return own, np.repeat(start, count) + off


def shell_candidates(
    track: ShellTrack,
    circle: IdealCircle,
    shell_time_s: FloatArray,
    center_km: FloatArray,
    radius_km: FloatArray,
) -> tuple[IntArray, IntArray]:
    """Satellites of a shell whose position may lie within ``radius_km`` of ``center_km``.

    Parameters
    ----------
    track : ShellTrack
    circle : IdealCircle
        ``track.ideal_circle()`` (deviation bound valid at any time).
    shell_time_s : numpy.ndarray, shape (Q,) [s]
        Query times after the shell's epoch.
    center_km : numpy.ndarray, shape (Q, 3) [km]
        Query centres (TEME).
    radius_km : numpy.ndarray, shape (Q,) [km]
        Query radii.

    Returns
    -------
    (query, satellite) : numpy.ndarray of int
        Every satellite whose position at the query time is within the radius appears (a
        superset; callers test exactly).
    """
    sh = track.shell
    n_planes, n_slots, total = sh.planes, sh.sats_per_plane, sh.total
    t = np.asarray(shell_time_s, dtype=float)
    ang = -track.node_rate_rad_s * t  # into the shell's node-free frame
    x, y, z = rotate_z(center_km, np.cos(ang), np.sin(ang), axis=1).T
    rc = np.sqrt(x * x + y * y + z * z)
    rho = circle.radius_km
    big_r = radius_km + circle.delta_km
    with np.errstate(divide="ignore", invalid="ignore"):
        cos_alpha = (rho * rho + rc * rc - big_r * big_r) / (2.0 * rho * rc)
    cos_alpha = np.where(rc > 0, cos_alpha, -1.0)
    reach = cos_alpha <= 1.0
    q_idx = np.flatnonzero(reach)
    cos_alpha = np.clip(cos_alpha[q_idx], -1.0, 1.0)
    sin_alpha = np.sqrt(1.0 - cos_alpha**2)
    wide = cos_alpha <= 0.0  # alpha >= 90 deg: every plane can qualify
    x, y, z, rc = x[q_idx], y[q_idx], z[q_idx], rc[q_idx]
    lon = np.arctan2(y, x)
    sin_lat = z / rc
    cos_lat = np.sqrt(np.clip(1.0 - sin_lat**2, 0.0, None))
    nrm = circle.normal
    inc = math.acos(max(-1.0, min(1.0, float(nrm[2]))))
    node0 = math.atan2(float(circle.e1[1]), float(circle.e1[0]))  # ascending node of plane 0
    a_coef = math.sin(inc) * cos_lat
    b_coef = math.cos(inc) * sin_lat
    # arcs of psi = Omega_p - lon with |a sin(psi) + b| <= sin(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_s = (-sin_alpha - b_coef) / a_coef
        hi_s = (sin_alpha - b_coef) / a_coef
    degenerate = a_coef < 1e-12
    none = ~degenerate & ((lo_s > 1.0) | (hi_s < -1.0))
    none |= degenerate & (np.abs(b_coef) > sin_alpha)
    all_planes = wide | (degenerate & ~none) | (~degenerate & (lo_s <= -1.0) & (hi_s >= 1.0))
    asin_lo = np.arcsin(np.clip(np.nan_to_num(lo_s), -1.0, 1.0))
    asin_hi = np.arcsin(np.clip(np.nan_to_num(hi_s), -1.0, 1.0))
    low_open = lo_s <= -1.0
    high_open = hi_s >= 1.0
    # interval 1 and 2 (merged into one when they touch)
    i1_lo = np.where(low_open & ~high_open, math.pi - asin_hi, asin_lo)
    i1_hi = np.where(low_open & ~high_open, TWO_PI + asin_hi,
                     np.where(high_open, math.pi - asin_lo, asin_hi))
    two = ~(low_open | high_open)
    i2_lo = math.pi - asin_hi
    i2_hi = math.pi - asin_lo
    scale = n_planes / TWO_PI
    base = lon - node0
    q_list, p_start, p_count = [], [], []
    sel = ~none & ~all_planes
    a, cnt = _ranges(i1_lo[sel] + base[sel], i1_hi[sel] + base[sel], n_planes, scale)
    q_list.append(np.flatnonzero(sel))
    p_start.append(a)
    p_count.append(cnt)
    sel2 = sel & two
    a, cnt = _ranges(i2_lo[sel2] + base[sel2], i2_hi[sel2] + base[sel2], n_planes, scale)
    q_list.append(np.flatnonzero(sel2))
    p_start.append(a)
    p_count.append(cnt)
    everything = np.flatnonzero(all_planes & ~none)
    q_list.append(everything)
    p_start.append(np.zeros(everything.size, np.int64))
    p_count.append(np.full(everything.size, n_planes, np.int64))
    qq, pp = _expand(np.concatenate(q_list), np.concatenate(p_start), np.concatenate(p_count))
    if qq.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pp = np.mod(pp, n_planes)
    # the two arcs never share a plane unless they touch, where the merge above applies;
    # exact duplicates can still arise at a shared end point, so drop them
    key = qq * n_planes + pp
    if key.size > 1:
        key_sorted = np.sort(key)
        if np.any(key_sorted[1:] == key_sorted[:-1]):
            key = np.unique(key)
            qq, pp = np.divmod(key, n_planes)
    # in-plane range of arguments of latitude (per-plane vectors from small tables)
    planes = np.arange(n_planes)
    node = node0 + TWO_PI * planes / n_planes
    cn_t, sn_t = np.cos(node), np.sin(node)
    si, ci = math.sin(inc), math.cos(inc)
    nx_t, ny_t = si * sn_t, -si * cn_t
    # e_perp = n_p x e_node with e_node = (cos node, sin node, 0)
    ex_t, ey_t, ez_t = -ci * sn_t, ci * cn_t, nx_t * sn_t - ny_t * cn_t
    off_t = TWO_PI * sh.phasing * planes / total + circle.u0
    ux, uy, uz = x / rc, y / rc, z / rc
    qx, qy, qz = ux[qq], uy[qq], uz[qq]
    dot_n = nx_t[pp] * qx + ny_t[pp] * qy + ci * qz
    cos_d = np.sqrt(np.clip(1.0 - dot_n * dot_n, 0.0, None))
    ca = cos_alpha[qq]
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.arccos(np.clip(np.where(cos_d > 0, ca / cos_d, -1.0), -1.0, 1.0))
    beta = np.where(ca <= 0.0, math.pi, beta)
    u_q = np.arctan2(qx * ex_t[pp] + qy * ey_t[pp] + qz * ez_t[pp],
                     qx * cn_t[pp] + qy * sn_t[pp])
    phase0 = (track.phase_rate_rad_s * t[q_idx])[qq] + off_t[pp]
    s_start, s_count = _ranges(u_q - beta - phase0, u_q + beta - phase0, n_slots,
                               n_slots / TWO_PI)
    owner = np.arange(qq.size, dtype=np.int64)
    o, slot = _expand(owner, s_start, s_count)
    sat = pp[o] * n_slots + np.mod(slot, n_slots)
    return q_idx[qq[o]], sat
