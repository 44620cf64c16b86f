"""Broad phase: pairs of objects whose trajectories can come within the threshold in a step.

The window is sampled every ``h`` seconds. Over the step ``[t_k, t_k + h]`` an object's SGP4
trajectory ``x(t)`` stays within ``a_max h^2 / 8`` of the chord ``x_k -> x_{k+1}`` (Taylor's
theorem on the linear interpolant, ``|x''| <= a_max``), and its radius ``r(t)`` within
``|r''|_max h^2 / 8`` of the chord ``r_k -> r_{k+1}``. Padding those chords' bounding boxes by
the sagitta and by half the threshold gives a 4-D axis-aligned box (x, y, z, r) per object and
step that contains the trajectory widened by half the threshold; two objects can come within
the threshold during the step only if their boxes overlap. This is the padding bound of the
screening. It follows from the step and a bound on the acceleration, and is much tighter than
the classic sphere ``threshold + v_rel,max h / 2`` (from ``|d(t)|' <= |v_rel|``): each box only
grows along its own direction of motion, and the radius coordinate separates objects at
different altitudes that pass over the same place.

Pairs are found two ways:

* *Grid hashing* for catalog objects: boxes go into a uniform grid of (step, radius bin, x, y,
  z) cells at least as large as the largest box, so a box touches at most two cells per axis;
  an overlapping pair is kept only in the cell holding the corner ``max(lo_i, lo_j)`` of the
  two boxes' intersection, so each pair is reported once without a set operation. Before
  hashing, an object-step is dropped when nothing it may be paired with occupies any of its
  radius bins in that step (time-resolved apogee/perigee filter).
* *Inverse Walker geometry* for Walker shells (:mod:`orbitdc.screening.shellquery`): each
  catalog object-step whose radius range meets the shell's band asks which of the shell's
  satellites can be within reach (so do the satellites of another shell whose band meets this
  one); a shell is never hashed, so its cost is proportional to the objects passing through
  its altitude band, not to its size.

Objects of one Walker shell are never paired here (the shell's symmetry gives those), and
secondary objects (the ``against`` set) are never paired with each other.

References
----------
.. [1] Hoots, F. R., Crawford, L. L. and Roehrich, R. L., "An analytic method to determine
   future close approaches between satellites", Celestial Mechanics 33, 143-158, 1984
   (apogee/perigee filter).
.. [2] Ericson, C., *Real-Time Collision Detection*, Morgan Kaufmann, 2004, ch. 4 and 7 (AABBs,
   uniform grids, reporting each pair once).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitdc.constants import WGS72_MU_KM3_S2
from orbitdc.propagation.kernels import periodic_cell, rotate_z
from orbitdc.propagation.walker import IdealCircle, ShellTrack
from orbitdc.screening.shellquery import shell_candidates
from orbitdc.screening.states import BlockStates

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]



@dataclass(frozen=True)
class BroadPhaseObjects:
    """Per-object constants of the broad phase (arrays of length ``n``).

    Attributes
    ----------
    secondary : numpy.ndarray of bool
        True for objects of the ``against`` set (never paired with each other).
    group : numpy.ndarray of int
        Shell number for satellites of a Walker shell, -1 for catalog objects.
    chord_pad_km : numpy.ndarray [km]
        Sagitta bound ``a_max h^2 / 8`` plus half the threshold.
    radius_pad_km : numpy.ndarray [km]
        Same for the radius: ``|r''|_max h^2 / 8`` plus half the threshold.
    """

    secondary: BoolArray
    group: IntArray
    chord_pad_km: FloatArray
    radius_pad_km: FloatArray


@dataclass(frozen=True)
class ShellAsker:
    """Satellites of one shell that query another shell whose radius band meets theirs.

    Attributes
    ----------
    first, count : int
        Plan indices of the asking shell's satellites.
    flags : numpy.ndarray of bool, shape (N,)
        For a satellite starting a step at table phase cell ``i``, whether its radius range over
        the step can meet the other shell's band.
    """

    first: int
    count: int
    flags: BoolArray


@dataclass(frozen=True)
class QueryShell:
    """A Walker shell paired with other objects by inverse geometry.

    Attributes
    ----------
    track : ShellTrack
    circle : IdealCircle
    first : int
        Plan index of its first satellite.
    offset_s : float [s]
        Seconds from the shell epoch to the plan's time origin.
    band_lo_km, band_hi_km : float [km]
        Radius band of the shell, widened by its radius pad.
    radius_table_km : numpy.ndarray [km]
        ``|C0|`` of the track at the table phases (the radius as a function of phase).
    radius_err_km : float [km]
        Bound on the error of linear interpolation in that table plus the ``omega`` wobble.
    lat_bin_rad : float [rad]
        Width of the latitude bins of ``lat_rmin_km`` / ``lat_rmax_km``.
    lat_rmin_km, lat_rmax_km : numpy.ndarray [km]
        Radius range of the shell's satellites near each latitude bin (over the window of
        latitudes an object-step can reach), widened by the satellites' radius pad: the
        latitude-resolved apogee/perigee filter (radius and latitude of a shell satellite are
        functions of its phase only).
    askers : tuple of ShellAsker
        Satellites of other shells that query this one (each pair of shells whose bands meet
        is handled from one side only).
    """

    track: ShellTrack
    circle: IdealCircle
    first: int
    offset_s: float
    band_lo_km: float
    band_hi_km: float
    radius_table_km: FloatArray
    radius_err_km: float
    lat_bin_rad: float
    lat_rmin_km: FloatArray
    lat_rmax_km: FloatArray
    askers: tuple[ShellAsker, ...] = ()


def sagitta_km(step_s: float, r_min_km: FloatArray) -> FloatArray:
    """Bound on the distance between a trajectory and its chord over one step [km].

    ``|x(t) - chord(t)| <= max|x''| h^2 / 8`` (remainder of linear interpolation), with
    ``|x''| <= 1.05 mu / r_min^2``: gravity plus J2 (1.6e-3 of it) and SGP4's periodic terms.
    """
    r = np.asarray(r_min_km, dtype=float)
    return np.asarray(1.05 * WGS72_MU_KM3_S2 / r**2 * step_s**2 / 8.0)


def radius_sagitta_km(step_s: float, r_min_km: FloatArray, ecc: FloatArray) -> FloatArray:
    """Bound on the distance between the radius ``r(t)`` and its chord over one step [km].

    Kepler: ``r'' = (mu / r^2)(p / r - 1)`` with ``|p / r - 1| <= e``; J2 and SGP4's
    short-periodic radial terms (amplitude ~10 km at twice the orbital rate, so ``r''`` up to
    ``4 n^2 * 10 km``, ~1 % of gravity) add 0.01 to ``e``.
    """
    r = np.asarray(r_min_km, dtype=float)
    e = np.asarray(ecc, dtype=float)
    return np.asarray(WGS72_MU_KM3_S2 / r**2 * (e + 0.01) * step_s**2 / 8.0)


def _bits(n: int) -> int:
    return max(1, int(max(n, 1) - 1).bit_length())


def _empty() -> tuple[IntArray, IntArray, IntArray]:
    z = np.zeros(0, np.int64)
    return z, z.copy(), z.copy()


def candidate_pairs(
    states: BlockStates,
    objects: BroadPhaseObjects,
    cell_km: float,
    radius_bin_km: float,
    shells: tuple[QueryShell, ...] = (),
) -> tuple[IntArray, IntArray, IntArray]:
    """Pairs whose padded boxes overlap in a step, for one block of steps.

    Parameters
    ----------
    states : BlockStates
        Catalog positions at the ``B + 1`` samples bounding the block's steps, shells on demand.
    objects : BroadPhaseObjects
        Per-object constants for every plan object (catalog objects first).
    cell_km : float [km]
        Grid cell size (at least the largest box extent, or boxes touch more cells).
    radius_bin_km : float [km]
        Radius bin size (same remark).
    shells : tuple of QueryShell
        The Walker shells, paired by inverse geometry.

    Returns
    -------
    (i, j, k) : numpy.ndarray of int
        Plan indices and the step index in the block; ``i`` is primary, and ``i < j`` when
        both are. Each pair and step appears once.
    """
    pos = states.pos
    n_steps = pos.shape[0] - 1
    nc = states.n_catalog
    if n_steps <= 0:
        return _empty()
    r = np.sqrt(np.einsum("tcn,tcn->tn", pos, pos))
    ok = states.valid[:-1] & states.valid[1:]
    rpad = objects.radius_pad_km[None, :nc]
    rlo = np.minimum(r[:-1], r[1:]) - rpad
    rhi = np.maximum(r[:-1], r[1:]) + rpad
    parts = [_hash_pairs(pos, ok, rlo, rhi, objects, cell_km, radius_bin_km)]
    for qs in shells:
        parts.append(_query_pairs(states, ok, rlo, rhi, objects, qs))
    i = np.concatenate([p[0] for p in parts])
    j = np.concatenate([p[1] for p in parts])
    k = np.concatenate([p[2] for p in parts])
    sec = objects.secondary
    swap = (sec[i] & ~sec[j]) | (~sec[i] & ~sec[j] & (i > j))
    return np.where(swap, j, i), np.where(swap, i, j), k


def _gather3(arr: FloatArray, k: IntArray, i: IntArray) -> FloatArray:
    """``arr[k, :, i]`` as a ``(3, m)`` array (per component: much faster than mixed indexing)."""
    return np.stack([arr[k, a, i] for a in range(3)])


def _boxes(
    p0: FloatArray, p1: FloatArray, rlo: FloatArray, rhi: FloatArray, pad: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """4-D boxes ``(lo, hi)``, each ``(4, m)``, from end positions ``(m, 3)`` or ``(3, m)``."""
    if p0.shape[0] != 3:
        p0, p1 = p0.T, p1.T
    lo = np.empty((4, p0.shape[1]))
    hi = np.empty((4, p0.shape[1]))
    np.minimum(p0, p1, out=lo[:3])
    np.maximum(p0, p1, out=hi[:3])
    lo[:3] -= pad
    hi[:3] += pad
    lo[3] = rlo
    hi[3] = rhi
    return lo, hi


# -- grid hashing of catalog objects ------------------------------------------------------------


def _coverage(k: IntArray, lo: IntArray, hi: IntArray, n_steps: int, nb: int) -> IntArray:
    """Count the object-steps covering each (step, radius bin) (difference array, cumsum)."""
    size = n_steps * (nb + 1)
    d = np.bincount(k * (nb + 1) + lo, minlength=size) - np.bincount(
        k * (nb + 1) + hi + 1, minlength=size
    )
    return np.cumsum(d.reshape(n_steps, nb + 1), axis=1)[:, :nb]


def _range_any(flags: BoolArray, k: IntArray, lo: IntArray, hi: IntArray) -> BoolArray:
    """Whether any flagged bin lies in ``[lo, hi]`` of step ``k``."""
    c = np.cumsum(flags, axis=1)
    upper = c[k, hi]
    lower = np.where(lo > 0, c[k, np.maximum(lo - 1, 0)], 0)
    return np.asarray(upper - lower > 0)


def _hash_pairs(
    pos: FloatArray, ok: BoolArray, rlo: FloatArray, rhi: FloatArray,
    objects: BroadPhaseObjects, cell_km: float, radius_bin_km: float,
) -> tuple[IntArray, IntArray, IntArray]:
    """Pairs among catalog objects (primary with primary or secondary) by grid hashing."""
    n_steps, nc = ok.shape
    sec_all = objects.secondary[:nc]
    if not np.any(~sec_all) or ok.sum() < 2:
        return _empty()
    kk, ii = np.nonzero(ok)
    # -- time-resolved apogee/perigee filter on radius bins ---------------------------------
    inv_rb = 1.0 / radius_bin_km
    blo = np.floor(rlo[kk, ii] * inv_rb).astype(np.int64)
    bhi = np.floor(rhi[kk, ii] * inv_rb).astype(np.int64)
    b0 = int(blo.min())
    blo -= b0
    bhi -= b0
    nb = int(bhi.max()) + 1
    sec = sec_all[ii]
    cov_p = _coverage(kk[~sec], blo[~sec], bhi[~sec], n_steps, nb)
    cov_s = _coverage(kk[sec], blo[sec], bhi[sec], n_steps, nb)
    active = np.empty(kk.size, bool)
    active[~sec] = _range_any((cov_p >= 2) | (cov_s >= 1), kk[~sec], blo[~sec], bhi[~sec])
    active[sec] = _range_any(cov_p >= 1, kk[sec], blo[sec], bhi[sec])
    kk, ii = kk[active], ii[active]
    m_box = kk.size
    if m_box < 2:
        return _empty()
    lo, hi = _boxes(_gather3(pos, kk, ii), _gather3(pos, kk + 1, ii), rlo[kk, ii], rhi[kk, ii],
                    objects.chord_pad_km[ii])
    scale = np.array([1.0 / cell_km] * 3 + [inv_rb])
    clo = np.empty((4, m_box), np.int64)
    span = np.empty((4, m_box), np.int64)
    for a in range(4):
        c0 = np.floor(lo[a] * scale[a]).astype(np.int64)
        span[a] = np.floor(hi[a] * scale[a]).astype(np.int64) - c0
        clo[a] = c0
    base = clo.min(axis=1)
    clo -= base[:, None]
    dims = clo.max(axis=1) + span.max(axis=1) + 1
    # key layout (high to low): step | radius bin | x | y | z | secondary | box
    order_axes = (3, 0, 1, 2)
    axis_bits = [_bits(int(dims[a])) for a in order_axes]
    box_bits = _bits(m_box)
    low = box_bits + 1
    if _bits(n_steps) + sum(axis_bits) + low > 63:
        raise OverflowError("grid too fine for a 64-bit key: increase the cell size")
    stride = {}
    shift = 0
    for a, b in zip(reversed(order_axes), reversed(axis_bits), strict=True):
        stride[a] = 1 << shift
        shift += b
    cell_base = kk.astype(np.int64)
    for a, b in zip(order_axes, axis_bits, strict=True):
        cell_base = (cell_base << b) | clo[a]
    # each box spans span + 1 cells per axis (1 or 2 when boxes are at most a cell wide):
    # one pass per corner offset (o_r, o_x, o_y, o_z) in {0, 1}^4
    head = (cell_base << low) | (sec_all[ii].astype(np.int64) << box_bits) | np.arange(m_box)
    wide = np.flatnonzero((span > 1).any(axis=0))
    narrow = np.ones(m_box, bool)
    narrow[wide] = False
    keys = []
    if wide.size:
        # rare boxes spanning more cells (fast radial motion): mixed-radix expansion
        count = np.prod(span[:, wide] + 1, axis=0)
        eb = np.repeat(wide, count)
        rk = np.arange(eb.size, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
        off = np.zeros(eb.size, np.int64)
        for a in order_axes:
            na = span[a][eb] + 1
            off += (rk % na) * stride[a]
            rk //= na
        keys.append(head[eb] + (off << low))
    for offs in range(16):
        o = [(offs >> q) & 1 for q in range(4)]  # order_axes positions
        mask = narrow.copy()
        delta = 0
        for q, a in enumerate(order_axes):
            if o[q]:
                mask &= span[a] >= 1
                delta += stride[a]
        sel = head[mask]
        if sel.size:
            keys.append(sel + (delta << low))
    key = np.concatenate(keys)
    key.sort()
    cells = key >> low
    box = key & ((1 << box_bits) - 1)
    m = key.size
    new_cell = np.empty(m, bool)
    new_cell[0] = True
    np.not_equal(cells[1:], cells[:-1], out=new_cell[1:])
    run_end = np.append(np.flatnonzero(new_cell)[1:], m)[np.cumsum(new_cell) - 1]
    # inside a cell primaries sort first; each primary pairs with every later entry
    partners = np.where(sec_all[ii[box]], 0, run_end - np.arange(1, m + 1))
    total = int(partners.sum())
    if total == 0:
        return _empty()
    a_pos = np.repeat(np.arange(m), partners)
    b_pos = a_pos + 1 + (np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners))
    ba, bb = box[a_pos], box[b_pos]
    overlap = np.ones(total, bool)
    for a in range(4):
        overlap &= (lo[a][ba] <= hi[a][bb]) & (lo[a][bb] <= hi[a][ba])
    a_pos, ba, bb = a_pos[overlap], ba[overlap], bb[overlap]
    # report the pair only in the cell holding the corner max(lo_a, lo_b) of the intersection
    corner = kk[ba].astype(np.int64)
    for a, b in zip(order_axes, axis_bits, strict=True):
        c = np.floor(np.maximum(lo[a][ba], lo[a][bb]) * scale[a]).astype(np.int64) - base[a]
        corner = (corner << b) | c
    keep = corner == cells[a_pos]
    ba, bb = ba[keep], bb[keep]
    ia, ib, kb = ii[ba], ii[bb], kk[ba]
    near = _chords_near(_gather3(pos, kb, ib) - _gather3(pos, kb, ia),
                        _gather3(pos, kb + 1, ib) - _gather3(pos, kb + 1, ia),
                        objects.chord_pad_km[ia] + objects.chord_pad_km[ib])
    return ia[near].astype(np.int64), ib[near].astype(np.int64), kb[near].astype(np.int64)


# -- Walker shells by inverse geometry ------------------------------------------------------


def _query_pairs(
    states: BlockStates, ok: BoolArray, rlo: FloatArray, rhi: FloatArray,
    objects: BroadPhaseObjects, qs: QueryShell,
) -> tuple[IntArray, IntArray, IntArray]:
    """Catalog objects and asking shells' satellites against one shell."""
    pos = states.pos
    near = ok & (rlo <= qs.band_hi_km) & (rhi >= qs.band_lo_km)
    kk, ii = np.nonzero(near)
    # latitude-resolved radius filter at the chord midpoint
    mid = 0.5 * (_gather3(pos, kk, ii) + _gather3(pos, kk + 1, ii))
    lat = np.arcsin(np.clip(mid[2] / np.sqrt((mid * mid).sum(axis=0)), -1.0, 1.0))
    b = np.clip(((lat + 0.5 * math.pi) / qs.lat_bin_rad).astype(np.int64), 0,
                qs.lat_rmin_km.size - 1)
    fine = (rlo[kk, ii] <= qs.lat_rmax_km[b]) & (rhi[kk, ii] >= qs.lat_rmin_km[b])
    kk, ii = kk[fine], ii[fine]
    e0, e1 = _gather3(pos, kk, ii), _gather3(pos, kk + 1, ii)
    lo, hi = _boxes(e0, e1, rlo[kk, ii], rhi[kk, ii], objects.chord_pad_km[ii])
    ks, iis, los, his, ends0, ends1 = [kk], [ii], [lo], [hi], [e0], [e1]
    samples = {first: smp for first, _, smp in states.shells}
    for ask in qs.askers:
        smp = samples[ask.first]
        tr = smp.track
        k_steps = np.arange(len(states.times_s) - 1)
        cell, _, _ = periodic_cell(smp.phase[k_steps][:, None] + tr.phase_offset_rad[None, :],
                                   smp.n)
        ka, ma = np.nonzero(ask.flags[cell])
        if ka.size == 0:
            continue
        idx = ma + ask.first
        p0, _ = states.pos_vel(ka, idx)
        p1, _ = states.pos_vel(ka + 1, idx)
        rp = objects.radius_pad_km[idx]
        r0 = np.linalg.norm(p0, axis=1)
        r1 = np.linalg.norm(p1, axis=1)
        alo = np.minimum(r0, r1) - rp
        ahi = np.maximum(r0, r1) + rp
        inb = (alo <= qs.band_hi_km) & (ahi >= qs.band_lo_km)
        lo_a, hi_a = _boxes(p0[inb], p1[inb], alo[inb], ahi[inb], objects.chord_pad_km[idx[inb]])
        ks.append(ka[inb])
        iis.append(idx[inb])
        los.append(lo_a)
        his.append(hi_a)
        ends0.append(p0[inb].T)
        ends1.append(p1[inb].T)
    kk = np.concatenate(ks)
    ii = np.concatenate(iis)
    if kk.size == 0:
        return _empty()
    lo = np.concatenate(los, axis=1)
    hi = np.concatenate(his, axis=1)
    end0 = np.concatenate(ends0, axis=1)
    end1 = np.concatenate(ends1, axis=1)
    center = 0.5 * (lo[:3] + hi[:3]).T
    half_diag = 0.5 * np.sqrt(((hi[:3] - lo[:3]) ** 2).sum(axis=0))
    # A shell satellite's box lies within L/2 + sqrt(3) pad of its chord midpoint, which is
    # within the sagitta (< pad) of its mid-step position, itself within delta of the ideal
    # circle (added by shell_candidates).
    total = qs.track.total
    sat_pad = float(objects.chord_pad_km[qs.first:qs.first + total].max())
    times = states.times_s
    h = float(times[1] - times[0])
    chord = 2.0 * qs.circle.radius_km * math.sin(0.5 * qs.track.phase_rate_rad_s * h)
    chord += 2.0 * qs.circle.delta_km
    reach = half_diag + 0.5 * chord + (math.sqrt(3.0) + 1.0) * sat_pad
    t_mid = 0.5 * (times[kk] + times[kk + 1]) + qs.offset_s
    q, sat = shell_candidates(qs.track, qs.circle, t_mid, center, reach)
    if q.size == 0:
        return _empty()
    k = kk[q]
    j = sat + qs.first
    # radius from the track's radius-versus-phase table (rotations keep it), then the box from
    # the satellite's ideal-circle positions at both ends of the step, widened by delta (its
    # real positions are within delta of those)
    ts0 = times[k] + qs.offset_s
    r0 = _table_radius(qs, ts0, sat)
    r1 = _table_radius(qs, ts0 + h, sat)
    rpad = objects.radius_pad_km[j] + qs.radius_err_km
    keep = (lo[3][q] <= np.maximum(r0, r1) + rpad) & (np.minimum(r0, r1) - rpad <= hi[3][q])
    q, k, j, sat, ts0 = q[keep], k[keep], j[keep], sat[keep], ts0[keep]
    p0, p1 = _ideal_positions(qs, ts0, h, sat)
    widen = objects.chord_pad_km[j] + qs.circle.delta_km
    overlap = np.ones(q.size, bool)
    for a in range(3):
        overlap &= (lo[a][q] <= np.maximum(p0[a], p1[a]) + widen)
        overlap &= (np.minimum(p0[a], p1[a]) - widen <= hi[a][q])
    q, k, j, p0, p1 = q[overlap], k[overlap], j[overlap], p0[:, overlap], p1[:, overlap]
    obj = ii[q]
    # relative chords: the satellite's real positions are within delta of the ideal ones
    near = _chords_near(end0[:, q] - p0, end1[:, q] - p1,
                        objects.chord_pad_km[obj] + objects.chord_pad_km[j] + qs.circle.delta_km)
    return j[near].astype(np.int64), obj[near].astype(np.int64), k[near].astype(np.int64)


def _chords_near(d0: FloatArray, d1: FloatArray, reach_km: FloatArray) -> BoolArray:
    """Test whether the relative chord ``d0 -> d1`` (``(3, m)``) passes within ``reach`` of 0.

    Each trajectory is within its sagitta of its chord, so the relative position is within
    the sum of the sagittas of the relative chord; ``reach`` is that sum plus the threshold
    (the chord pads hold sagitta + threshold / 2 each).
    """
    e = d1 - d0
    ee = (e * e).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.clip(np.where(ee > 0, -(d0 * e).sum(axis=0) / ee, 0.0), 0.0, 1.0)
    c = d0 + s * e
    return np.asarray((c * c).sum(axis=0) <= reach_km * reach_km)


def _table_radius(qs: QueryShell, shell_time_s: FloatArray, sat: IntArray) -> FloatArray:
    """Radius [km] of shell satellites by linear interpolation in ``qs.radius_table_km``."""
    tr = qs.track
    tab = qs.radius_table_km
    i, j, f = periodic_cell(tr.phase_rate_rad_s * shell_time_s + tr.phase_offset_rad[sat],
                            tab.size)
    return tab[i] * (1.0 - f) + tab[j] * f


def _ideal_positions(
    qs: QueryShell, shell_time_s: FloatArray, step_s: float, sat: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Ideal-circle positions ``(3, m)`` of shell satellites at ``t`` and ``t + step`` [km]."""
    tr, circ = qs.track, qs.circle
    u = tr.phase_rate_rad_s * shell_time_s + tr.phase_offset_rad[sat] + circ.u0
    th = tr.node_offset_rad[sat] + tr.node_rate_rad_s * shell_time_s
    cs_u = np.stack([np.cos(u), np.sin(u)])
    cs_t = np.stack([np.cos(th), np.sin(th)])
    # the step end by angle addition (constant increments): (cos, sin) turned by du and dth
    du, dth = tr.phase_rate_rad_s * step_s, tr.node_rate_rad_s * step_s
    out = []
    for (c_u, s_u), (c_t, s_t) in ((cs_u, cs_t),
                                   (rotate_z(cs_u, math.cos(du), math.sin(du), axis=0),
                                    rotate_z(cs_t, math.cos(dth), math.sin(dth), axis=0))):
        # on satellite 0's circle, then turned to the satellite's node
        a, b = c_u * circ.radius_km, s_u * circ.radius_km
        out.append(rotate_z(a * circ.e1[:, None] + b * circ.e2[:, None], c_t, s_t, axis=0))
    return out[0], out[1]
