"""States of a block of samples: propagated catalog objects, Walker shells on demand.

Catalog objects are propagated at every sample of a block (arrays ``(B + 1, 3, n_catalog)``).
A shell's satellites are evaluated only where the screening needs them - for candidate pairs
and for the satellites that query other shells - from the shell's track
(:class:`~orbitdc.propagation.walker.ShellTrack`): one combined table per sample time, then two
row gathers and a cubic Hermite combination per satellite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitdc.constants import TWO_PI
from orbitdc.propagation.kernels import hermite_combine, hermite_weights, periodic_cell, rotate_z
from orbitdc.propagation.walker import ShellTrack

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class ShellSamples:
    """A shell's satellites at the block's sample times, evaluated on demand.

    Parameters
    ----------
    track : ShellTrack
    shell_times_s : numpy.ndarray, shape (B + 1,) [s]
        Sample times after the shell's epoch.
    """

    def __init__(self, track: ShellTrack, shell_times_s: FloatArray):
        self.track = track
        t = np.asarray(shell_times_s, dtype=float)
        self.phase = track.phase_rate_rad_s * t
        self.node = track.node_rate_rad_s * t
        # One table at the block's middle omega: G moves with omega by at most
        # (|C1| + |C2|) |d omega| (~7 m x omega' x block length, < 1 m for any block), which the
        # screening adds to the shells' interpolation error.
        omega = track.perigee_rate_rad_s * 0.5 * (t[0] + t[-1])
        g, dg = track.tables_at(omega)  # (N, 3)
        v, dv = track.tables_at(omega, velocity=True)
        n = track.table_size
        self.step = TWO_PI / n
        # rows [G, V, h G', h V'] so one gather fetches everything for a table point
        self.table = np.concatenate([g, v, dg * self.step, dv * self.step], axis=1)
        self.n = n
        self.omega_span = track.perigee_rate_rad_s * 0.5 * abs(t[-1] - t[0])

    def states(self, k: IntArray, sat: IntArray) -> tuple[FloatArray, FloatArray]:
        """Positions [km] and velocities [km/s], shape ``(m, 3)``, of satellites at samples."""
        tr = self.track
        i, j, s = periodic_cell(self.phase[k] + tr.phase_offset_rad[sat], self.n)
        a = self.table[i]
        b = self.table[j]
        w = hermite_weights(s[:, None])[0]
        pv = hermite_combine(w, a[:, 0:6], a[:, 6:12], b[:, 0:6], b[:, 6:12])
        ang = tr.node_offset_rad[sat] + self.node[k]
        c, sn = np.cos(ang), np.sin(ang)
        return rotate_z(pv[:, 0:3], c, sn), rotate_z(pv[:, 3:6], c, sn)


@dataclass
class BlockStates:
    """States of all plan objects at a block's samples.

    Attributes
    ----------
    times_s : numpy.ndarray, shape (B + 1,) [s]
        Sample times after the plan's reference instant.
    pos, vel : numpy.ndarray, shape (B + 1, 3, n_catalog)
        Catalog objects (plan indices ``0 .. n_catalog - 1``) [km, km/s].
    valid : numpy.ndarray of bool, shape (B + 1, n_catalog)
        False where SGP4 reported an error.
    shells : list of (first index, count, ShellSamples)
    """

    times_s: FloatArray
    pos: FloatArray
    vel: FloatArray
    valid: BoolArray
    shells: Sequence[tuple[int, int, ShellSamples]]

    @property
    def n_catalog(self) -> int:
        """Catalog objects in the block."""
        return int(self.pos.shape[2])

    def pos_vel(self, k: IntArray, idx: IntArray) -> tuple[FloatArray, FloatArray]:
        """Positions and velocities ``(m, 3)`` of objects ``idx`` at samples ``k``."""
        k = np.asarray(k, dtype=np.int64)
        idx = np.asarray(idx, dtype=np.int64)
        pos = np.empty((idx.size, 3))
        vel = np.empty((idx.size, 3))
        cat = idx < self.n_catalog
        if np.any(cat):
            kc, ic = k[cat], idx[cat]
            for a in range(3):
                pos[cat, a] = self.pos[kc, a, ic]
                vel[cat, a] = self.vel[kc, a, ic]
        for first, count, samples in self.shells:
            m = (idx >= first) & (idx < first + count)
            if np.any(m):
                pos[m], vel[m] = samples.states(k[m], idx[m] - first)
        return pos, vel

    def valid_at(self, k: IntArray, idx: IntArray) -> BoolArray:
        """Whether objects ``idx`` have valid states at samples ``k`` (shells always do)."""
        out = np.ones(np.asarray(idx).size, bool)
        cat = idx < self.n_catalog
        out[cat] = self.valid[k[cat], idx[cat]]
        return out
