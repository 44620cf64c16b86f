"""Broad phase: pairs of objects whose trajectories can come within the threshold in a step.

The window is sampled every ``h`` seconds. Over the step ``[t_k, t_k + h]`` an object's SGP4
trajectory ``x(t)`` stays within ``a_max h^2 / 8`` of the chord ``x_k -> x_{k+1}`` (Taylor's
theorem on the linear interpolant, ``|x''| <= a_max``), and its radius ``r(t)`` within
``|r''|_max h^2 / 8`` of the chord ``r_k -> r_{k+1}``. Padding those chords' bounds by the
sagitta and by half the threshold (plus the interpolation error of the later narrow phase)
gives a 4-D axis-aligned box (x, y, z, r) per object and step that contains the trajectory; two
objects can come within the threshold during the step only if their boxes overlap. This is the
padding bound of the screening: it follows from the step and a bound on the acceleration, and
it is tighter than the classic ``threshold + v_rel h / 2`` sphere (which follows from
``|d(t)|' <= |v_rel|``) because each box only grows along its own direction of motion.

Boxes are hashed into a uniform grid of (step, radius bin, x, y, z) cells whose size exceeds
the largest box, so a box touches at most two cells per axis; a pair of overlapping boxes is
kept only in the cell that holds the corner ``max(lo_i, lo_j)`` of their intersection (each pair
is reported once without a set operation). Before hashing, an object-step is dropped when no
object it may be paired with occupies any of its radius bins in that step (the time-resolved
apogee/perigee filter): in a constellation-versus-catalog screening most catalog objects are
far from every shell's altitude most of the time.

Pairs are only formed across groups: objects of the same Walker shell are screened against
each other by symmetry instead (:mod:`orbitdc.propagation.walker`), and secondary objects (the
``against`` catalog) are never paired with each other.

References
----------
.. [1] Hoots, F. R., Crawford, L. L. and Roehrich, R. L., "An analytic method to determine
   future close approaches between satellites", Celestial Mechanics 33, 143-158, 1984
   (apogee/perigee filter).
.. [2] Ericson, C., *Real-Time Collision Detection*, Morgan Kaufmann, 2004, ch. 7 (uniform grids,
   reporting each pair once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class BroadPhaseObjects:
    """Per-object constants of the broad phase (all arrays of length ``n``).

    Attributes
    ----------
    secondary : numpy.ndarray of bool
        True for objects of the ``against`` set (never paired with each other).
    group : numpy.ndarray of int
        Objects with the same non-negative group are never paired (same Walker shell); use a
        unique value per catalog object. Groups must be contiguous in index order.
    chord_pad_km : numpy.ndarray [km]
        Sagitta bound ``a_max h^2 / 8`` plus the half-threshold and interpolation margins.
    radius_pad_km : numpy.ndarray [km]
        Same for the radius: ``|r''|_max h^2 / 8`` plus the margins.
    """

    secondary: NDArray[np.bool_]
    group: IntArray
    chord_pad_km: FloatArray
    radius_pad_km: FloatArray


def _bits(n: int) -> int:
    return max(1, int(n - 1).bit_length())


def candidate_pairs(
    pos: FloatArray,
    valid: NDArray[np.bool_],
    objects: BroadPhaseObjects,
    cell_km: float,
    radius_bin_km: float,
) -> tuple[IntArray, IntArray, IntArray]:
    """Pairs whose padded boxes overlap in a step, for one block of steps.

    Parameters
    ----------
    pos : numpy.ndarray, shape (B + 1, 3, n) [km]
        Positions at the samples bounding ``B`` steps.
    valid : numpy.ndarray of bool, shape (B + 1, n)
        False where SGP4 reported an error (that object-step is skipped).
    objects : BroadPhaseObjects
    cell_km : float [km]
        Grid cell size; must exceed every box's extent (boxes larger than a cell still work,
        they touch more cells).
    radius_bin_km : float [km]
        Radius bin size.

    Returns
    -------
    (i, j, k) : numpy.ndarray of int
        Object indices (``i`` primary, ``i < j`` when both are primary) and the step index in
        the block, each pair and step once.
    """
    n_steps = pos.shape[0] - 1
    n = pos.shape[2]
    empty = (np.zeros(0, np.int64),) * 3
    if n_steps <= 0 or n < 2:
        return empty
    r = np.sqrt(np.einsum("tcn,tcn->tn", pos, pos))
    ok = valid[:-1] & valid[1:]
    rpad = objects.radius_pad_km[None, :]
    rlo = np.minimum(r[:-1], r[1:]) - rpad
    rhi = np.maximum(r[:-1], r[1:]) + rpad
    # -- time-resolved apogee/perigee filter on radius bins --------------------------------
    inv_rb = 1.0 / radius_bin_km
    blo = np.floor(rlo * inv_rb).astype(np.int64)
    bhi = np.floor(rhi * inv_rb).astype(np.int64)
    kk, ii = np.nonzero(ok)
    blo_e, bhi_e = blo[kk, ii], bhi[kk, ii]
    b0 = int(blo_e.min()) if blo_e.size else 0
    nb = int(bhi_e.max()) - b0 + 2 if blo_e.size else 1
    sec = objects.secondary[ii]
    grp = objects.group[ii]
    # coverage of radius bins by primary objects, by secondary objects and per shell group
    cov_p = _coverage(kk[~sec], blo_e[~sec] - b0, bhi_e[~sec] - b0, n_steps, nb)
    cov_s = _coverage(kk[sec], blo_e[sec] - b0, bhi_e[sec] - b0, n_steps, nb)
    # primary: another primary (outside its own shell) or a secondary shares a bin
    own = np.zeros_like(cov_p)
    shell_mask = (~sec) & (grp >= 0)
    active = np.zeros(kk.size, bool)
    if np.any(shell_mask):
        # per shell group, subtract its own coverage
        groups = np.unique(grp[shell_mask])
        for g in groups:
            m = shell_mask & (grp == g)
            own = _coverage(kk[m], blo_e[m] - b0, bhi_e[m] - b0, n_steps, nb)
            ind = np.cumsum(((cov_p - own) >= 1) | (cov_s >= 1), axis=1)
            active[m] = _range_any(ind, kk[m], blo_e[m] - b0, bhi_e[m] - b0)
    lone = (~sec) & (grp < 0)
    if np.any(lone):
        ind = np.cumsum((cov_p >= 2) | (cov_s >= 1), axis=1)
        active[lone] = _range_any(ind, kk[lone], blo_e[lone] - b0, bhi_e[lone] - b0)
    if np.any(sec):
        ind = np.cumsum(cov_p >= 1, axis=1)
        active[sec] = _range_any(ind, kk[sec], blo_e[sec] - b0, bhi_e[sec] - b0)
    kk, ii = kk[active], ii[active]
    if kk.size < 2:
        return empty
    # -- boxes of the active object-steps ---------------------------------------------------
    pad = objects.chord_pad_km[ii]
    lo = np.empty((4, kk.size))
    hi = np.empty((4, kk.size))
    for a in range(3):
        p0 = pos[kk, a, ii]
        p1 = pos[kk + 1, a, ii]
        lo[a] = np.minimum(p0, p1) - pad
        hi[a] = np.maximum(p0, p1) + pad
    lo[3] = rlo[kk, ii]
    hi[3] = rhi[kk, ii]
    scale = np.array([1.0 / cell_km] * 3 + [inv_rb])[:, None]
    clo = np.floor(lo * scale).astype(np.int64)
    chi = np.floor(hi * scale).astype(np.int64)
    base = clo.min(axis=1)
    clo -= base[:, None]
    chi -= base[:, None]
    dims = chi.max(axis=1) + 2
    n_cells = chi - clo + 1  # (4, m)
    count = np.prod(n_cells, axis=0)
    # key layout: step | radius bin | x | y | z, then (secondary, box index) in low bits. Boxes
    # are in (step, object) order, so inside a cell entries sort by object: shell groups stay
    # contiguous and secondaries come last.
    bits = [_bits(n_steps), _bits(int(dims[3])), _bits(int(dims[0])), _bits(int(dims[1])),
            _bits(int(dims[2]))]
    box_bits = _bits(kk.size)
    if sum(bits) + box_bits + 1 > 62:
        raise OverflowError("grid too fine for a 64-bit key: increase the cell size")
    # expand each box into the cells it touches (mixed-radix rank -> per-axis offsets)
    entry_box = np.repeat(np.arange(kk.size, dtype=np.int64), count)
    rank = np.arange(entry_box.size, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    cell = kk[entry_box].astype(np.int64)
    for a, b in ((3, bits[1]), (0, bits[2]), (1, bits[3]), (2, bits[4])):
        na = n_cells[a][entry_box]
        cell = (cell << b) | (clo[a][entry_box] + rank % na)
        rank //= na
    sec_box = objects.secondary[ii]
    key = (cell << (box_bits + 1)) | (sec_box[entry_box].astype(np.int64) << box_bits) | entry_box
    key.sort()
    cells = key >> (box_bits + 1)
    box = key & ((1 << box_bits) - 1)
    # runs of equal cell; inside a run, sub-runs of equal group (secondaries form one group)
    m = key.size
    new_cell = np.empty(m, bool)
    new_cell[0] = True
    np.not_equal(cells[1:], cells[:-1], out=new_cell[1:])
    obj = ii[box]
    is_sec = sec_box[box]
    g = np.where(is_sec, -2, objects.group[obj])
    g = np.where(g == -1, -3 - obj, g)  # lone catalog objects: a group of their own
    new_grp = new_cell.copy()
    new_grp[1:] |= g[1:] != g[:-1]
    run_end = np.append(np.flatnonzero(new_cell)[1:], m)[np.cumsum(new_cell) - 1]
    sub_end = np.append(np.flatnonzero(new_grp)[1:], m)[np.cumsum(new_grp) - 1]
    partners = np.where(is_sec, 0, run_end - sub_end)
    total = int(partners.sum())
    if total == 0:
        return empty
    a_pos = np.repeat(np.arange(m), partners)
    b_pos = np.repeat(sub_end, partners) + (
        np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    )
    ba, bb = box[a_pos], box[b_pos]
    overlap = np.ones(total, bool)
    for a in range(4):
        overlap &= (lo[a][ba] <= hi[a][bb]) & (lo[a][bb] <= hi[a][ba])
    a_pos, ba, bb = a_pos[overlap], ba[overlap], bb[overlap]
    # report the pair only in the cell holding the corner max(lo_a, lo_b) of the intersection
    corner = kk[ba].astype(np.int64)
    for a, b in ((3, bits[1]), (0, bits[2]), (1, bits[3]), (2, bits[4])):
        c = np.floor(np.maximum(lo[a][ba], lo[a][bb]) * scale[a, 0]).astype(np.int64) - base[a]
        corner = (corner << b) | c
    keep = corner == cells[a_pos]
    ba, bb = ba[keep], bb[keep]
    i, j, k = ii[ba], ii[bb], kk[ba]
    sec = objects.secondary
    swap = (sec[i] & ~sec[j]) | (~sec[i] & ~sec[j] & (i > j))
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    return i.astype(np.int64), j.astype(np.int64), k.astype(np.int64)


def _coverage(k: IntArray, lo: IntArray, hi: IntArray, n_steps: int, nb: int) -> IntArray:
    """Number of object-steps covering each (step, radius bin): difference array + cumsum."""
    size = n_steps * (nb + 1)
    d = np.bincount(k * (nb + 1) + lo, minlength=size) - np.bincount(
        k * (nb + 1) + hi + 1, minlength=size
    )
    return np.cumsum(d.reshape(n_steps, nb + 1), axis=1)[:, :nb]


def _range_any(ind_cumsum: IntArray, k: IntArray, lo: IntArray, hi: IntArray) -> NDArray[np.bool_]:
    """Whether any bin in ``[lo, hi]`` of step ``k`` is flagged (prefix sums of flags)."""
    upper = ind_cumsum[k, hi]
    lower = np.where(lo > 0, ind_cumsum[k, np.maximum(lo - 1, 0)], 0)
    return np.asarray(upper - lower > 0)
