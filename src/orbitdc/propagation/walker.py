"""Walker-shell positions and self-separation from the shell's symmetry.

In a Walker shell built by :meth:`orbitdc.orbits.shells.WalkerShell.satrecs` (circular, same
epoch, ``B* = 0``) every satellite has the same SGP4 elements except the node ``Omega`` and the
mean argument of latitude ``L = M + omega``. With ``B* = 0`` SGP4's secular terms are linear in
time, ``Omega(t) = Omega_0 + Omega' t`` and ``L(t) = L_0 + L' t`` (``L' = M' + omega'``), and
the node enters the TEME position only as a rotation about the Earth's z axis (Vallado et al.
2006 [1]_). Hence, with ``G`` the node-drift-removed track of a reference satellite as a
function of its phase ``phi = L``,

``x_m(t) = R_z(dOmega_m + Omega' t) G(L' t + dL_m)``

for satellite ``m`` (node offset ``dOmega_m``, phase offset ``dL_m``). Read as a time shift,
``x_m(t) = R_z(dOmega_m - Omega' tau_m) x_0(t + tau_m)`` with ``tau_m = dL_m / L'``: the J2
node drift over the shift enters the rotation angle. One propagation of a reference satellite
over one phase period gives the whole shell.

SGP4 keeps a floor eccentricity of 1e-6 whose vector turns with the argument of perigee
``omega(t) = omega' t`` (the same for every satellite at a given time), so strictly
``G = G(phi, omega)``. To first order in that eccentricity
``G = C0(phi) + C1(phi) cos omega + C2(phi) sin omega`` (second order ~ ``a e^2`` < 1e-8 km);
the three functions are tabulated from three virtual satellites (argument of perigee 0, 120 and
240 deg) propagated over one phase period and evaluated by cubic Hermite interpolation, so the
symmetric positions match SGP4 to ~1e-8 km at any time.

The distance between satellites ``j`` and ``j (+) k`` (Walker group addition) is
``D_k(L' t + dL_j)`` with ``D_k(phi) = |R_z(dOmega_k) G(phi + dL_k) - G(phi)|``, a function of
the phase alone (up to the slow ``omega`` dependence): the shell's self-separation, the minimum
distance between any two of its satellites, is ``min_k min_phi D_k`` - one satellite against
all others over one phase period instead of all pairs over time.

References
----------
.. [1] Vallado, D. A., Crawford, P., Hujsak, R. and Kelso, T. S., "Revisiting Spacetrack
   Report #3", AIAA 2006-6753, 2006 (SGP4 secular and short-periodic terms).
.. [2] Walker, J. G., "Satellite constellations", J. British Interplanetary Society 37,
   559-572, 1984 (pattern and minimum separation of circular orbits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sgp4.api import Satrec

from orbitdc.constants import TWO_PI
from orbitdc.errors import InputError
from orbitdc.orbits.shells import (
    WalkerShell,
    _circular_satrec,
    kozai_mean_motion_rad_min,
)
from orbitdc.propagation.gpe import GPE_DTYPE, GpeSet
from orbitdc.propagation.kernels import (
    closest_approach_terms,
    hermite_combine,
    hermite_weights,
    periodic_cell,
    periodic_hermite,
    rotate_z,
    safeguarded_newton,
)
from orbitdc.time import as_utc, julian_date

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


#: Table points per phase period; the cubic Hermite error, ``h^4 max|G''''| / 384`` with
#: ``h = 2 pi / N``, is below 1e-10 km for LEO shells.
TABLE_POINTS = 2048


def shell_gpes(shell: WalkerShell, epoch: datetime, first_satnum: int = 0) -> GpeSet:
    """Element sets of every satellite of a shell, without building ``Satrec`` objects.

    Identical to ``GpeSet.from_satrecs(shell.satrecs(epoch, first_satnum=...))`` (same
    ``sgp4init`` inputs) but vectorised, so a million-satellite shell costs milliseconds.
    """
    epoch = as_utc(epoch)
    jd = julian_date(epoch)
    inc = shell.inclination_deg
    n = kozai_mean_motion_rad_min(round(shell.altitude_km, 6), round(inc, 9))
    raan, arglat = shell.elements_deg(epoch)
    ref = _circular_satrec(first_satnum, jd, inc, float(raan[0]), 0.0, n, 0.0)
    rec = np.zeros(shell.total, dtype=GPE_DTYPE)
    rec["satnum"] = (first_satnum + np.arange(shell.total)) % 100000
    rec["no_kozai"] = n
    rec["inclo"] = math.radians(inc)
    # math.radians element by element, exactly as WalkerShell.satrecs converts them
    rec["nodeo"] = np.fromiter((math.radians(o) for o in raan.tolist()), float, raan.size)
    rec["mo"] = np.fromiter((math.radians(u) for u in arglat.tolist()), float, arglat.size)
    rec["jd"] = ref.jdsatepoch
    rec["jd_frac"] = ref.jdsatepochF
    return GpeSet(rec)


def _sgp4_states(sat: Satrec, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """SGP4 positions and velocities of one satellite at ``t_s`` [s after its epoch]."""
    jd = np.full(t_s.size, sat.jdsatepoch)
    fr = sat.jdsatepochF + t_s / 86400.0
    err, r, v = sat.sgp4_array(jd, fr)
    if np.any(err):
        raise InputError("shell", "reference satellite", f"SGP4 error code {int(err.max())}")
    return np.asarray(r), np.asarray(v)


def _spectral_derivative(table: FloatArray) -> FloatArray:
    """Differentiate tables periodic over ``[0, 2 pi)`` along axis 1 (FFT)."""
    n = table.shape[1]
    k = np.fft.rfftfreq(n, d=1.0 / n)
    spec = np.fft.rfft(table, axis=1) * (1j * k)[None, :, None]
    if n % 2 == 0:
        spec[:, -1, :] = 0.0  # the Nyquist term has no odd part
    return np.fft.irfft(spec, n=n, axis=1)


@dataclass(frozen=True)
class IdealCircle:
    """Circular model of a shell track (see :meth:`ShellTrack.ideal_circle`).

    Attributes
    ----------
    radius_km : float [km]
    normal, e1, e2 : numpy.ndarray
        Unit normal of satellite 0's plane, its ascending-node direction, and ``normal x e1``
        (node-free frame, i.e. at the shell epoch).
    u0 : float [rad]
        Argument of latitude of satellite 0 at phase 0.
    delta_km : float [km]
        Largest distance between the track and the model.
    """

    radius_km: float
    normal: FloatArray
    e1: FloatArray
    e2: FloatArray
    u0: float
    delta_km: float


@dataclass(frozen=True)
class ShellTrack:
    """The symmetric description of one Walker shell (see the module docstring).

    Build with :meth:`build`. Times are seconds after the shell's element epoch.

    Attributes
    ----------
    shell : WalkerShell
    epoch : datetime
        Element epoch (UTC).
    phase_rate_rad_s : float [rad/s]
        ``L' = M' + omega'`` of SGP4 (secular, ``B* = 0``).
    node_rate_rad_s : float [rad/s]
        ``Omega'`` of SGP4.
    perigee_rate_rad_s : float [rad/s]
        ``omega'`` of SGP4.
    node_offset_rad : numpy.ndarray [rad], shape (T,)
        ``dOmega_m`` relative to satellite 0.
    phase_offset_rad : numpy.ndarray [rad], shape (T,)
        ``dL_m`` relative to satellite 0.
    table_km : numpy.ndarray, shape (3, N, 3) [km]
        ``C0, C1, C2`` at ``phi_i = 2 pi i / N``.
    table_deriv_km : numpy.ndarray, shape (3, N, 3) [km/rad]
        Their phase derivatives (spectral differentiation of the periodic table; SGP4's own
        velocities are not the exact derivative of its positions, by up to ~1e-4 km/s).
    vtable_km_s, vtable_deriv_km_s : numpy.ndarray, shape (3, N, 3) [km/s, km/s/rad]
        The same for the node-free SGP4 velocity, so :meth:`states` returns SGP4's velocities.
    """

    shell: WalkerShell
    epoch: datetime
    phase_rate_rad_s: float
    node_rate_rad_s: float
    perigee_rate_rad_s: float
    node_offset_rad: FloatArray = field(repr=False)
    phase_offset_rad: FloatArray = field(repr=False)
    table_km: FloatArray = field(repr=False)
    table_deriv_km: FloatArray = field(repr=False)
    vtable_km_s: FloatArray = field(repr=False)
    vtable_deriv_km_s: FloatArray = field(repr=False)

    @classmethod
    def build(
        cls, shell: WalkerShell, epoch: datetime, table_size: int = TABLE_POINTS
    ) -> ShellTrack:
        """Propagate three virtual satellites over one phase period and tabulate ``G``."""
        epoch = as_utc(epoch)
        gpes = shell_gpes(shell, epoch)
        rec0 = gpes.records[:1]
        omega_v = np.array([0.0, TWO_PI / 3.0, 2.0 * TWO_PI / 3.0])
        virtual = np.repeat(rec0, 3)
        virtual["argpo"] = omega_v
        virtual["mo"] = np.mod(rec0["mo"][0] - omega_v, TWO_PI)
        sats = GpeSet(virtual).satrecs()
        ref = sats[0]
        l_rate = (ref.mdot + ref.argpdot) / 60.0
        node_rate = ref.nodedot / 60.0
        w_rate = ref.argpdot / 60.0
        n_tab = int(table_size)
        t = TWO_PI * np.arange(n_tab) / n_tab / l_rate
        c, s = np.cos(-node_rate * t), np.sin(-node_rate * t)
        pos, vel = [], []
        for sat in sats:
            r, v = _sgp4_states(sat, t)
            pos.append(rotate_z(r, c, s))
            vel.append(rotate_z(v, c, s))
        omega = omega_v[:, None] + w_rate * t[None, :]  # (virtual, N)
        # G = C0 + C1 cos(omega) + C2 sin(omega): one 3 x 3 solve per table phase. The
        # node-free SGP4 velocity V obeys the same symmetry and is tabulated the same way.
        basis = np.stack([np.ones_like(omega), np.cos(omega), np.sin(omega)], axis=-1)
        minv = np.linalg.inv(np.transpose(basis, (1, 0, 2)))  # (N, coeff, virtual)
        coef = np.einsum("ncv,vnx->cnx", minv, np.array(pos))
        vcoef = np.einsum("ncv,vnx->cnx", minv, np.array(vel))
        node = gpes.records["nodeo"]
        mo = gpes.records["mo"]
        return cls(
            shell, epoch, float(l_rate), float(node_rate), float(w_rate),
            np.mod(node - node[0], TWO_PI), np.mod(mo - mo[0], TWO_PI),
            coef, _spectral_derivative(coef), vcoef, _spectral_derivative(vcoef),
        )

    # -- basic quantities ---------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Number of satellites ``T``."""
        return self.shell.total

    @property
    def table_size(self) -> int:
        """Number of table points ``N``."""
        return int(self.table_km.shape[1])

    @property
    def phase_period_s(self) -> float:
        """Period of the phase ``L`` [s]; the relative geometry repeats with it."""
        return TWO_PI / self.phase_rate_rad_s

    def seconds_since_epoch(self, moment: datetime) -> float:
        """Seconds from the element epoch to ``moment``."""
        return (as_utc(moment) - self.epoch).total_seconds()

    def tables_at(
        self, omega: ArrayLike, velocity: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """``G(., omega)`` and ``G_phi(., omega)`` tables, shape ``omega.shape + (N, 3)``.

        With ``velocity``, the node-free SGP4 velocity table and its phase derivative.
        """
        w = np.asarray(omega, dtype=float)[..., None, None]
        cw, sw = np.cos(w), np.sin(w)
        tab, dtab = (self.vtable_km_s, self.vtable_deriv_km_s) if velocity else (
            self.table_km, self.table_deriv_km)
        return tab[0] + tab[1] * cw + tab[2] * sw, dtab[0] + dtab[1] * cw + dtab[2] * sw

    def g(self, phi: ArrayLike, omega: float, derivatives: int = 0) -> tuple[FloatArray, ...]:
        """``G(phi, omega)`` and up to two phase derivatives [km, km/rad^k].

        Returns a tuple of arrays shaped ``phi.shape + (3,)``.
        """
        tab, dtab = self.tables_at(omega)
        return periodic_hermite(tab, dtab, phi, derivatives)

    # -- positions of the whole shell ----------------------------------------------------------

    def states(
        self, t_s: ArrayLike, indices: ArrayLike | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Positions [km] and velocities [km/s] at ``t_s`` [s after the epoch].

        Returns two arrays shaped ``(n_times, 3, n_satellites)`` (the propagation layout),
        satellites ``indices`` (default all, plane-major as ``WalkerShell.satrecs``).
        """
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        idx = np.arange(self.total) if indices is None else np.asarray(indices, dtype=np.int64)
        n = self.table_size
        h = TWO_PI / n
        omega = self.perigee_rate_rad_s * t
        phase = self.phase_rate_rad_s * t[:, None] + self.phase_offset_rad[idx][None, :]
        i_loc, j_loc, s = periodic_cell(phase, n)
        # one table per time (its omega), flattened: rows of time q start at q N
        base = (np.arange(t.size, dtype=np.int64) * n)[:, None]
        ii = i_loc + base
        jj = j_loc + base
        w0, w1, w2, w3 = hermite_weights(s)[0]
        w = (w0, w1 * h, w2, w3 * h)  # the tables hold d/dphi: scale by h once per point
        angle = self.node_offset_rad[idx][None, :] + self.node_rate_rad_s * t[:, None]
        c, sn = np.cos(angle), np.sin(angle)
        out = []
        for velocity in (False, True):
            tab, dtab = self.tables_at(omega, velocity)  # (n_t, N, 3)
            tab2, dtab2 = tab.reshape(-1, 3), dtab.reshape(-1, 3)
            g = np.empty((t.size, 3, idx.size))
            for a in range(3):
                tp, td = tab2[:, a], dtab2[:, a]
                g[:, a] = hermite_combine(w, tp[ii], td[ii], tp[jj], td[jj])
            out.append(rotate_z(g, c, sn, axis=1))
        return out[0], out[1]

    def states_at(self, t_s: ArrayLike, indices: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Positions [km] and velocities [km/s] of satellite ``indices[m]`` at ``t_s[m]``.

        One time per satellite (arrays of equal length); returns two ``(m, 3)`` arrays.
        """
        t = np.asarray(t_s, dtype=float).ravel()
        idx = np.asarray(indices, dtype=np.int64).ravel()
        omega = self.perigee_rate_rad_s * t
        weights = (np.ones_like(omega), np.cos(omega), np.sin(omega))
        phase = self.phase_rate_rad_s * t + self.phase_offset_rad[idx]
        angle = self.node_offset_rad[idx] + self.node_rate_rad_s * t
        c, s = np.cos(angle), np.sin(angle)
        out = []
        for tab, dtab in ((self.table_km, self.table_deriv_km),
                          (self.vtable_km_s, self.vtable_deriv_km_s)):
            g = np.zeros((t.size, 3))
            for q, wt in enumerate(weights):
                g += wt[:, None] * periodic_hermite(tab[q], dtab[q], phase)[0]
            out.append(rotate_z(g, c, s))
        return out[0], out[1]

    # -- group structure ------------------------------------------------------------------------

    def compose(self, j: ArrayLike, k: ArrayLike) -> IntArray:
        """Index of satellite ``j (+) k``: the image of ``k`` under the symmetry taking 0 to ``j``.

        Planes add modulo ``P``; a wrap past plane ``P - 1`` adds ``F`` to the slot (plane
        ``P`` would be plane 0 with its phases advanced by ``2 pi F / S``).
        """
        sh = self.shell
        jj = np.asarray(j, dtype=np.int64)
        kk = np.asarray(k, dtype=np.int64)
        pj, sj = np.divmod(jj, sh.sats_per_plane)
        pk, sk = np.divmod(kk, sh.sats_per_plane)
        carry, p = np.divmod(pj + pk, sh.planes)
        s = (sj + sk + carry * sh.phasing) % sh.sats_per_plane
        return np.asarray(p * sh.sats_per_plane + s, dtype=np.int64)

    def offset_distance(
        self, k: ArrayLike, phi: ArrayLike, omega: float, derivatives: int = 0
    ) -> tuple[FloatArray, ...]:
        """Relative position ``R_z(dOmega_k) G(phi + dL_k) - G(phi)`` and phase derivatives.

        Broadcasts ``k`` against ``phi``; returns arrays shaped ``(..., 3)`` [km, km/rad^j].
        """
        k = np.asarray(k, dtype=np.int64)
        phi = np.asarray(phi, dtype=float)
        tab, dtab = self.tables_at(omega)
        a = periodic_hermite(tab, dtab, phi + self.phase_offset_rad[k], derivatives)
        b = periodic_hermite(tab, dtab, phi, derivatives)
        c, s = np.cos(self.node_offset_rad[k]), np.sin(self.node_offset_rad[k])
        return tuple(rotate_z(ga, c, s) - gb for ga, gb in zip(a, b, strict=True))

    def ideal_circle(self, omega: float | None = None) -> IdealCircle:
        """Best-fit circular model of the track and its largest deviation.

        The circle has radius ``rho`` (mean radius of the table) in the best-fit plane
        (smallest singular vector of the table), and satellite 0 sits at argument of latitude
        ``phi + u0`` on it. With ``omega`` None the deviation bound covers every ``omega``
        (``|C1| + |C2|`` added to the ``C0`` deviation).
        """
        g = self.table_km[0] if omega is None else self.tables_at(omega)[0]
        n = self.table_size
        phi = TWO_PI * np.arange(n) / n
        _, _, vt = np.linalg.svd(g - g.mean(axis=0), full_matrices=False)
        normal = vt[2]
        if np.dot(np.cross(g[0], g[n // 4]), normal) < 0:
            normal = -normal
        zc = np.cross([0.0, 0.0, 1.0], normal)
        e1 = zc / np.linalg.norm(zc) if np.linalg.norm(zc) > 1e-12 else np.array([1.0, 0, 0])
        e2 = np.cross(normal, e1)
        rho = float(np.mean(np.linalg.norm(g, axis=1)))
        ang = np.arctan2(g @ e2, g @ e1)
        u0 = float(np.angle(np.mean(np.exp(1j * (ang - phi)))))
        ideal = rho * (np.cos(phi + u0)[:, None] * e1 + np.sin(phi + u0)[:, None] * e2)
        dev = np.linalg.norm(g - ideal, axis=1)
        if omega is None:
            dev = dev + np.linalg.norm(self.table_km[1], axis=1) + np.linalg.norm(
                self.table_km[2], axis=1)
        # Between table points the deviation can exceed the tabulated maximum by at most
        # (h^2 / 8) max|dev''| (~1e-4 of it here); 1 % + 1 m covers it.
        delta = float(dev.max() * 1.01 + 1e-3)
        return IdealCircle(rho, normal, e1, e2, u0, delta)

    def ideal_lower_bounds(self, omega: float) -> FloatArray:
        """Lower bound of ``min_phi D_k`` for every ``k`` [km], from an ideal circular model.

        The track ``G(., omega)`` is compared with a circle of radius ``rho`` in its best-fit
        plane, advancing uniformly with the phase; ``delta`` is the largest deviation of the
        table from it. Two circles of equal radius and rate whose planes are ``gamma`` apart,
        the leading one ``Delta`` ahead past their line of intersection, come no closer than
        ``2 rho cos(gamma / 2) |sin(Delta / 2)|`` (Walker [2]_; from
        ``|d|^2 = rho^2 [(1 + cos gamma)(1 - cos Delta) + (1 - cos gamma)(1 - cos(2u + Delta))]``),
        so ``min D_k >= 2 rho cos(gamma_k / 2) |sin(Delta_k / 2)| - 2 delta``.
        """
        fit = self.ideal_circle(omega)
        rho, normal, e1, e2, delta = fit.radius_km, fit.normal, fit.e1, fit.e2, fit.delta_km
        c, s = np.cos(self.node_offset_rad), np.sin(self.node_offset_rad)
        f1, f2, nk = (rotate_z(v, c, s) for v in (e1, e2, normal))
        cross = np.cross(normal[None, :], nk)
        norm = np.linalg.norm(cross, axis=1)
        line = np.where(norm[:, None] > 1e-12, cross / np.where(norm > 0, norm, 1)[:, None], e1)
        beta1 = np.arctan2(line @ e2, line @ e1)
        beta2 = np.arctan2(np.sum(line * f2, axis=1), np.sum(line * f1, axis=1))
        cos_gamma = np.clip(nk @ normal, -1.0, 1.0)
        lead = self.phase_offset_rad - (beta2 - beta1)
        ideal_min = 2.0 * rho * np.sqrt((1.0 + cos_gamma) / 2.0) * np.abs(np.sin(lead / 2.0))
        return np.asarray(ideal_min - 2.0 * delta)


# -- public functions -----------------------------------------------------------------------------


def shell_positions(
    shell: WalkerShell, epoch: datetime, times: ArrayLike, *, velocities: bool = False
) -> FloatArray | tuple[FloatArray, FloatArray]:
    """Positions of every satellite of a shell from one reference propagation [km].

    Parameters
    ----------
    shell : WalkerShell
        Satellites as ``WalkerShell.satrecs(epoch)`` builds them (``B* = 0``).
    epoch : datetime
        Element epoch (UTC).
    times : array_like of datetime or float
        Datetimes, or seconds after ``epoch``.
    velocities : bool
        Also return velocities [km/s].

    Returns
    -------
    numpy.ndarray, shape (n_times, 3, T) [km]
        TEME positions in ``WalkerShell.satrecs`` order (and velocities if asked).
    """
    track = ShellTrack.build(shell, epoch)
    t = np.atleast_1d(np.asarray(times))
    if t.size and isinstance(t.flat[0], datetime):
        t_s = np.array([track.seconds_since_epoch(x) for x in t.flat])
    else:
        t_s = np.asarray(t, dtype=float)
    pos, vel = track.states(t_s)
    return (pos, vel) if velocities else pos


@dataclass(frozen=True)
class OffsetMinima:
    """Local minima of ``D_k`` over one phase period (below a bound).

    Attributes
    ----------
    offset : numpy.ndarray of int
        ``k`` of each minimum.
    phase_rad : numpy.ndarray [rad]
        Phase ``phi`` of satellite 0 at the minimum, in ``[0, 2 pi)``.
    distance_km : numpy.ndarray [km]
    relative_speed_km_s : numpy.ndarray [km/s]
    """

    offset: IntArray
    phase_rad: FloatArray
    distance_km: FloatArray
    relative_speed_km_s: FloatArray


def offset_minima(
    track: ShellTrack, offsets: ArrayLike, bound_km: float, omega: float, grid: int = 1024
) -> OffsetMinima:
    """All local minima of ``D_k`` below ``bound_km`` for the given offsets ``k``.

    ``D_k^2`` is sampled at ``grid`` phases per period (every 0.35 deg of orbit by default, a
    few seconds of flight, so relative motion between samples is a near-straight line and
    ``D_k^2`` is unimodal across two samples); each sampled local minimum is refined by
    safeguarded Newton iterations on ``f = d . d' = 0`` (``f' = d' . d' + d . d''``) inside its
    two neighbouring intervals.
    """
    ks = np.unique(np.asarray(offsets, dtype=np.int64))
    ks = ks[ks != 0]
    empty = OffsetMinima(np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0))
    if ks.size == 0:
        return empty
    phi = TWO_PI * np.arange(grid) / grid
    step = TWO_PI / grid
    found_k, found_phi = [], []
    chunk = max(1, 2_000_000 // grid)
    for a in range(0, ks.size, chunk):
        kc = ks[a:a + chunk]
        (d,) = track.offset_distance(kc[:, None], phi[None, :], omega)
        d2 = np.einsum("kpc,kpc->kp", d, d)
        prev, nxt = np.roll(d2, 1, axis=1), np.roll(d2, -1, axis=1)
        # A sample minimum within one step of a true minimum below the bound is below
        # (bound + step |d'|)^2; |d'| <= 2 |G'| ~ 2 rho keeps every such minimum.
        limit = (bound_km + 2.0 * 8000.0 * step) ** 2
        r, c = np.nonzero((d2 < prev) & (d2 <= nxt) & (d2 < limit))
        found_k.append(kc[r])
        found_phi.append(phi[c])
    k_all = np.concatenate(found_k)
    if k_all.size == 0:
        return empty
    x0 = np.concatenate(found_phi)

    def f_and_slope(x: FloatArray, items: IntArray) -> tuple[FloatArray, FloatArray]:
        d, d1, d2 = track.offset_distance(k_all[items], x, omega, derivatives=2)
        return (np.einsum("ic,ic->i", d, d1),
                np.einsum("ic,ic->i", d1, d1) + np.einsum("ic,ic->i", d, d2))

    x = safeguarded_newton(f_and_slope, x0, x0 - step, x0 + step, tol=1e-14, max_iter=60).x
    d, d1 = track.offset_distance(k_all, x, omega, derivatives=1)
    dist = np.linalg.norm(d, axis=1)
    speed = np.linalg.norm(d1, axis=1) * track.phase_rate_rad_s
    keep = dist < bound_km
    k_all, x, dist, speed = k_all[keep], np.mod(x[keep], TWO_PI), dist[keep], speed[keep]
    order = np.lexsort((x, k_all))
    return OffsetMinima(k_all[order], x[order], dist[order], speed[order])


@dataclass(frozen=True)
class SelfSeparation:
    """Closest approach between any two satellites of a shell over one phase period.

    Attributes
    ----------
    distance_km : float [km]
        Minimum distance (SGP4 positions of the two satellites).
    time_s : float [s]
        Time after the epoch, within the first phase period, at which satellites 0 and
        ``other`` are closest. The pair ``(j, j (+) other)`` is closest ``dL_j / L'`` earlier
        (modulo the phase period).
    other : int
        Index of the other satellite (``plane * S + slot``).
    relative_speed_km_s : float [km/s]
    lower_bound_km : float [km]
        Smallest ideal-circle lower bound among the satellites not examined in detail
        (every satellite with a bound below the result was examined).
    n_examined : int
        Satellites examined with the full track.
    """

    distance_km: float
    time_s: float
    other: int
    relative_speed_km_s: float
    lower_bound_km: float
    n_examined: int


def self_separation_km(shell: WalkerShell, epoch: datetime) -> float:
    """Minimum distance between any two satellites of a shell, from symmetry [km].

    ``self_separation(shell, epoch).distance_km``; see :func:`self_separation`.
    """
    return self_separation(shell, epoch).distance_km


def self_separation(
    shell: WalkerShell, epoch: datetime, *, track: ShellTrack | None = None
) -> SelfSeparation:
    """Closest approach between any two satellites of a shell, from symmetry.

    Satellite 0 against all others over one phase period (``D_k``, module docstring); every
    offset whose ideal-circle lower bound exceeds the best distance found is excluded without
    evaluation. The winning pair is re-evaluated with SGP4 on both satellites' own element
    sets, so the distance is an SGP4 value, not an interpolated one. Pairs related by the
    symmetry differ by SGP4's floor-eccentricity term (``2 a e_floor omega' tau``, a few
    1e-5 km), so this equals the all-pairs minimum to ~1e-4 km.

    Parameters
    ----------
    shell : WalkerShell
        With ``B* = 0`` (the ``WalkerShell.satrecs`` default), which the symmetry requires.
    epoch : datetime
        Element epoch (UTC); the period examined starts there.
    track : ShellTrack, optional
        A track already built for this shell and epoch.
    """
    if shell.total < 2:
        raise InputError("shell", shell.notation, "needs at least 2 satellites")
    track = track or ShellTrack.build(shell, epoch)
    omega = track.perigee_rate_rad_s * track.phase_period_s / 2.0
    lower = track.ideal_lower_bounds(omega)
    lower[0] = np.inf
    # An upper bound from the offsets with the smallest lower bounds, then every offset that
    # could beat it.
    first = np.argsort(lower)[: min(64, track.total - 1)]
    seed = offset_minima(track, first, np.inf, omega)
    best = float(seed.distance_km.min())
    cand = np.flatnonzero(lower <= best)
    minima = offset_minima(track, cand, best * (1 + 1e-12) + 1e-12, omega)
    if minima.distance_km.size == 0:
        minima = seed
    i = int(np.argmin(minima.distance_km))
    k = int(minima.offset[i])
    rest = np.ones(track.total, bool)
    rest[cand] = False
    rest[0] = False
    lb_rest = float(lower[rest].min()) if rest.any() else math.inf
    t_s = float(minima.phase_rad[i] / track.phase_rate_rad_s)
    dist, t_ref, speed = _refine_pair_sgp4(shell, epoch, k, t_s)
    return SelfSeparation(dist, t_ref, k, speed, lb_rest, int(cand.size))


def _refine_pair_sgp4(
    shell: WalkerShell, epoch: datetime, other: int, t_s: float
) -> tuple[float, float, float]:
    """SGP4 closest approach of satellites 0 and ``other`` near ``t_s`` [km, s, km/s].

    Safeguarded Newton on ``f(t) = d . w`` (``d``, ``w`` relative position and velocity) with
    ``f' ~ w . w`` (the neglected ``d . a`` term is tiny at a close approach) or the secant
    slope, steps of at most 30 s.
    """
    a, b = shell_gpes(shell, epoch).subset(np.array([0, other])).satrecs()

    def f_and_slope(t: FloatArray, items: IntArray) -> tuple[FloatArray, FloatArray]:
        ra, va = _sgp4_states(a, t)
        rb, vb = _sgp4_states(b, t)
        return closest_approach_terms(rb - ra, vb - va)

    t = float(safeguarded_newton(f_and_slope, [t_s], tol=1e-7, max_iter=50, max_step=30.0,
                                 secant=True).x[0])
    ra, va = _sgp4_states(a, np.array([t]))
    rb, vb = _sgp4_states(b, np.array([t]))
    return float(np.linalg.norm(rb - ra)), t, float(np.linalg.norm(vb - va))


__all__ = [
    "OffsetMinima",
    "SelfSeparation",
    "ShellTrack",
    "offset_minima",
    "self_separation",
    "self_separation_km",
    "shell_gpes",
    "shell_positions",
]
