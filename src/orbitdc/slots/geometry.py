"""Minimum distance between the members of a Walker / 2D-lattice flower shell.

A Walker-delta pattern ``i: T/P/F`` (``S = T / P`` satellites per plane) puts satellite
``(p, s)`` at node ``Omega = 2 pi p / P`` and argument of latitude
``u = 2 pi s / S + 2 pi F p / T`` [1]_. On circular orbits it is the same set as a 2D lattice
flower constellation with ``N_o = P`` orbits, ``N_so = S`` satellites per orbit and
configuration number ``N_c = (P - F) mod P`` [2]_ [3]_: the phase step ``2 pi F / T`` from one
plane to the next equals the lattice's ``-2 pi N_c / T`` modulo the in-plane spacing
``2 pi / S``. Both are one lattice in the (node, phase) torus, and every satellite sees the same
set of offsets to the others, so the minimum over satellite 0 against all others is the minimum
over all pairs (the lattice is a group).

Two satellites on circular orbits of radius ``R`` and inclination ``i`` with node difference
``dOmega`` and phase difference ``du`` come no closer than

``d_min = 2 R |sin(du/2) cos(dOmega/2) + cos i cos(du/2) sin(dOmega/2)| = 2 R A |sin(dF/2)|``

with ``A^2 = (1 + cos^2 i + sin^2 i cos dOmega) / 2 = cos^2(gamma/2)`` (``gamma`` the angle
between their velocities where the planes cross) and ``dF = du + phi``,
``phi = 2 atan(cos i tan(dOmega/2))``. The two closest approaches of a revolution happen at the
two crossings of the planes (north and south); the form is that of Arnas et al. [2]_ and
Avendano et al. [3]_, derived independently in design/slotting.md.

Under SGP4 a circular mean orbit carries J3's forced (frozen) eccentricity
``e_f = -(J3/J2) (R_E / 2a) sin i`` (~8.6e-4 at 550 km, 53 deg) with its perigee at the
northern apex, and the J2 short-period terms move each satellite by 1-2 km. The phase
difference at which two satellites collide is then no longer ``-phi`` but
``-phi -/+ 4 e_f sin(phi/2)`` at the two crossings (first order in ``e_f``): the crossings
separate, and a pattern designed on Keplerian circles loses most of its separation (550 km,
53 deg, 1584/72/17: 20.2 km on circles, 6.6 km under SGP4). :class:`CrossingModel` holds, as a
function of ``dOmega``, the collision phase offset, the relative-motion slope and the residual
gap of each crossing: in closed form (Keplerian, first-order J3), or measured on the shell's
SGP4 track (:meth:`CrossingModel.sgp4`), which reproduces SGP4's pattern minima to metres.
With it the minimum distance of a pattern costs ``O(P)`` (one nearest slot per plane offset
and crossing), and of all phasings ``F`` of a ``(P, S)`` pair ``O(P^2)``.

References
----------
.. [1] Walker, J. G., "Satellite constellations", J. British Interplanetary Society 37,
   559-572, 1984.
.. [2] Arnas, D., Lifson, M., Linares, R. and Avendano, M. E., "Definition of low Earth orbit
   slotting architectures using 2D lattice flower constellations", Advances in Space Research
   67(11), 3696-3711, 2021, doi:10.1016/j.asr.2020.04.021.
.. [3] Avendano, M. E., Arnas, D., Linares, R. and Lifson, M., "Efficient search of optimal
   Flower Constellations", arXiv:2003.11970, 2020.
.. [4] Avendano, M. E., Davis, J. J. and Mortari, D., "The 2-D lattice theory of Flower
   Constellations", Celestial Mechanics and Dynamical Astronomy 116, 325-337, 2013.
.. [5] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013,
   sec. 9.6 (J3 long-period terms; frozen orbits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import TWO_PI, WGS72_J2, WGS72_J3, WGS72_RADIUS_KM
from orbitdc.errors import InputError, require_range

if TYPE_CHECKING:
    from orbitdc.propagation.walker import ShellTrack

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Node-difference points of a measured (SGP4) crossing model over one turn.
CROSSING_GRID = 4096


# -- closed forms ------------------------------------------------------------------------------


def frozen_eccentricity(altitude_km: ArrayLike, inclination_deg: ArrayLike) -> FloatArray:
    """J3's forced eccentricity of a circular mean orbit [-] (perigee at the northern apex).

    ``e_f = -(J3 / J2) (R_E / 2 a) sin i`` with SGP4's WGS-72 ``J2``, ``J3`` and ``R_E``
    (Vallado [5]_; CNES CelestLab ``CL_op_frozenOrbit``), ``a = R_E + altitude``.

    Parameters
    ----------
    altitude_km : array_like [km]
    inclination_deg : array_like [deg]
    """
    a = WGS72_RADIUS_KM + np.asarray(altitude_km, dtype=float)
    inc = np.radians(np.asarray(inclination_deg, dtype=float))
    return np.asarray(-(WGS72_J3 / WGS72_J2) * WGS72_RADIUS_KM / (2.0 * a) * np.sin(inc))


def crossing_phase_rad(inclination_deg: ArrayLike, node_diff_rad: ArrayLike) -> FloatArray:
    """``phi = 2 atan(cos i tan(dOmega / 2))`` [rad], continuous in ``dOmega``.

    Written ``2 atan2(cos i sin(dOmega/2), cos(dOmega/2))`` so that it grows from 0 to
    ``2 pi sign(cos i)`` over one turn of ``dOmega`` without a jump at ``pi``.
    """
    c = np.cos(np.radians(np.asarray(inclination_deg, dtype=float)))
    h = 0.5 * np.asarray(node_diff_rad, dtype=float)
    return np.asarray(2.0 * np.arctan2(c * np.sin(h), np.cos(h)))


def crossing_cosine(inclination_deg: ArrayLike, node_diff_rad: ArrayLike) -> FloatArray:
    """``A = cos(gamma / 2)`` [-]: ``A^2 = (1 + cos^2 i + sin^2 i cos dOmega) / 2``.

    ``gamma`` is the angle between the velocities of two satellites of the shell where their
    planes cross; ``A = 1`` for co-planar satellites and ``|cos i|`` for planes half a turn
    apart (``A = 0``: a polar shell's opposite planes meet head-on).
    """
    inc = np.radians(np.asarray(inclination_deg, dtype=float))
    dn = np.asarray(node_diff_rad, dtype=float)
    a2 = 0.5 * (1.0 + np.cos(inc) ** 2 + np.sin(inc) ** 2 * np.cos(dn))
    return np.asarray(np.sqrt(np.maximum(a2, 0.0)))


def kepler_min_distance_km(
    radius_km: ArrayLike,
    inclination_deg: ArrayLike,
    node_diff_rad: ArrayLike,
    phase_diff_rad: ArrayLike,
) -> FloatArray:
    """Closest approach of two satellites on circular orbits of equal radius and inclination.

    ``d_min = 2 R |sin(du/2) cos(dOmega/2) + cos i cos(du/2) sin(dOmega/2)|`` [km], reached at
    both crossings of the planes (module docstring; design/slotting.md section 2).

    Parameters
    ----------
    radius_km : array_like [km]
        Orbit radius ``R``.
    inclination_deg : array_like [deg]
    node_diff_rad : array_like [rad]
        ``dOmega`` (second satellite minus first).
    phase_diff_rad : array_like [rad]
        ``du``, difference of the arguments of latitude at the same time.
    """
    c = np.cos(np.radians(np.asarray(inclination_deg, dtype=float)))
    hn = 0.5 * np.asarray(node_diff_rad, dtype=float)
    hu = 0.5 * np.asarray(phase_diff_rad, dtype=float)
    s = np.sin(hu) * np.cos(hn) + c * np.cos(hu) * np.sin(hn)
    return np.asarray(2.0 * np.asarray(radius_km, dtype=float) * np.abs(s))


# -- the crossing model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Crossings:
    """Crossing data at given node differences; arrays shaped ``(2, n)`` (north, south).

    Attributes
    ----------
    phase_rad : numpy.ndarray [rad]
        Collision phase offset ``c``: a pair with node difference ``dOmega`` and phase
        difference ``du`` misses at that crossing by ``2 s |sin((du - c)/2)|`` (plus the gap).
    slope_km : numpy.ndarray [km/rad]
        ``s = |v1 x v2| / |v1 - v2|`` per unit phase rate (``R cos(gamma/2)`` on circles).
    gap_km : numpy.ndarray [km]
        Distance of the two tracks where they pass closest (0 on circles; metres under SGP4).
    """

    phase_rad: FloatArray
    slope_km: FloatArray
    gap_km: FloatArray

    def miss_km(self, phase_diff_rad: ArrayLike) -> FloatArray:
        """Miss distance at each crossing of pairs with phase difference ``du`` [km]."""
        dx = np.asarray(phase_diff_rad, dtype=float) - self.phase_rad
        return np.asarray(np.hypot(self.gap_km, 2.0 * self.slope_km * np.abs(np.sin(0.5 * dx))))


@dataclass(frozen=True)
class CrossingModel:
    """Where, as a function of the node difference, two members of a shell can collide.

    Build with :meth:`kepler`, :meth:`first_order_j3` or :meth:`sgp4`.

    Attributes
    ----------
    kind : str
        ``"kepler"``, ``"j3"`` (first-order frozen eccentricity) or ``"sgp4"`` (measured on
        the shell's SGP4 track).
    radius_km : float [km]
        Radius of the shell (the in-plane spacing of ``S`` satellites is ``2 R sin(pi / S)``).
    inclination_deg : float [deg]
    frozen_e : float [-]
        ``e_f`` of the first-order model (0 on circles).
    grid : tuple of arrays, optional
        Measured model: node differences over ``[0, 2 pi]`` and, at each, the phase-offset
        correction to the Keplerian ``-phi``, the slope and the gap per crossing.
    """

    kind: str
    radius_km: float
    inclination_deg: float
    frozen_e: float = 0.0
    grid: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = field(
        default=None, repr=False)

    @classmethod
    def kepler(cls, radius_km: float, inclination_deg: float) -> CrossingModel:
        """Circular orbits of radius ``R``: ``c = -phi``, ``s = R A``, no gap."""
        return cls("kepler", float(radius_km), float(inclination_deg))

    @classmethod
    def first_order_j3(cls, altitude_km: float, inclination_deg: float) -> CrossingModel:
        """Circular mean orbits under SGP4, to first order in J3's frozen eccentricity.

        The true argument of latitude leads the mean one by ``-2 e_f cos u`` (perigee at the
        northern apex), so at the crossing points ``u = pi/2 +- phi/2`` the collision phase
        offset becomes ``c = -phi +- 4 e_f sin(phi / 2)`` (signs per crossing; the radii agree
        there because the SGP4 radius depends on latitude only). J2 short-period terms are not
        in it (errors up to ~0.7 km at 550 km: design/slotting.md).
        """
        e = float(frozen_eccentricity(altitude_km, inclination_deg))
        return cls("j3", WGS72_RADIUS_KM + float(altitude_km), float(inclination_deg), e)

    @classmethod
    def sgp4(cls, track: ShellTrack, grid_points: int = CROSSING_GRID) -> CrossingModel:
        """Measure the crossings on a shell's SGP4 track (``walker.ShellTrack``).

        Every satellite of a Walker shell follows the node-rotated track ``R_z(dOmega) G``
        of satellite 0 (``G`` as a function of the mean argument of latitude, node drift
        removed). Under SGP4 ``G`` lies on a surface of revolution (radius a function of
        latitude, to a few metres), so the tracks of two planes intersect at two points. For
        each node difference on a grid the two intersections ``G(phi_1) = R_z(dOmega)
        G(phi_2)`` are solved by Newton's method in latitude and longitude from the Keplerian
        crossing; the collision phase offset is ``phi_2 - phi_1``, the slope
        ``|G'(phi_1) x G'(phi_2)| / |G'(phi_1) - G'(phi_2)|`` and the gap the residual
        distance of the tracks. The table is then interpolated linearly in ``dOmega``.
        """
        inc = float(track.shell.inclination_deg)
        require_range("inclination_deg", inc, ge=1.0, le=179.0)
        omega = track.perigee_rate_rad_s * track.phase_period_s / 2.0
        fit = track.ideal_circle(omega)
        m = int(grid_points)
        nodes = TWO_PI * np.arange(1, m) / m
        phi = crossing_phase_rad(inc, nodes)
        corr = np.zeros((2, m + 1))
        slope = np.zeros((2, m + 1))
        gap = np.zeros((2, m + 1))
        for x, sign in enumerate((1.0, -1.0)):  # north, south
            p1 = sign * 0.5 * np.pi + 0.5 * phi - fit.u0
            p2 = sign * 0.5 * np.pi - 0.5 * phi - fit.u0
            p1, p2 = _solve_crossings(track, omega, nodes, p1, p2)
            g1, d1 = track.g(p1, omega, 1)
            g2, d2 = track.g(p2, omega, 1)
            c, s = np.cos(nodes), np.sin(nodes)
            g2 = _rot(g2, c, s)
            d2 = _rot(d2, c, s)
            cross = np.linalg.norm(np.cross(d1, d2), axis=-1)
            dv = np.linalg.norm(d1 - d2, axis=-1)
            corr[x, 1:-1] = _wrap(p2 - p1 + phi)
            slope[x, 1:-1] = cross / np.maximum(dv, 1e-300)
            gap[x, 1:-1] = np.linalg.norm(g2 - g1, axis=-1)
        # dOmega -> 0: the planes coincide, the crossings merge at the apexes with speed R.
        speed = float(np.mean(np.linalg.norm(track.table_km[0, :, :], axis=-1)))
        slope[:, 0] = slope[:, -1] = speed
        grid = (TWO_PI * np.arange(m + 1) / m, corr, slope, gap)
        return cls("sgp4", float(fit.radius_km), inc, 0.0, grid)

    def at(self, node_diff_rad: ArrayLike) -> Crossings:
        """Crossing data at node differences ``dOmega`` [rad] (any real values)."""
        dn = np.mod(np.asarray(node_diff_rad, dtype=float), TWO_PI)
        phi = crossing_phase_rad(self.inclination_deg, dn)
        if self.grid is None:
            shift = 4.0 * self.frozen_e * np.sin(0.5 * phi)
            phase = np.stack([-phi + shift, -phi - shift])
            slope = np.broadcast_to(self.radius_km * crossing_cosine(self.inclination_deg, dn),
                                    phase.shape)
            return Crossings(phase, np.array(slope), np.zeros_like(phase))
        xg, corr, slope_g, gap_g = self.grid
        out = [np.stack([np.interp(dn, xg, table[x]) for x in range(2)])
               for table in (corr, slope_g, gap_g)]
        return Crossings(out[0] - phi, out[1], out[2])


def _wrap(x: FloatArray) -> FloatArray:
    """Angles into ``[-pi, pi)``."""
    return np.asarray(np.mod(x + np.pi, TWO_PI) - np.pi)


def _rot(v: FloatArray, c: FloatArray, s: FloatArray) -> FloatArray:
    """``R_z`` of row vectors ``v`` (n, 3) by per-row angles."""
    out = np.empty_like(v)
    out[:, 0] = c * v[:, 0] - s * v[:, 1]
    out[:, 1] = s * v[:, 0] + c * v[:, 1]
    out[:, 2] = v[:, 2]
    return out


def _lat_lon(g: FloatArray, dg: FloatArray) -> tuple[FloatArray, ...]:
    """Latitude, longitude and their phase derivatives of track points ``g`` (n, 3)."""
    x, y, z = g[:, 0], g[:, 1], g[:, 2]
    dx, dy, dz = dg[:, 0], dg[:, 1], dg[:, 2]
    rho2 = x * x + y * y
    rho = np.sqrt(rho2)
    r2 = rho2 + z * z
    lat = np.arctan2(z, rho)
    lon = np.arctan2(y, x)
    dlat = (dz * rho2 - z * (x * dx + y * dy)) / (r2 * rho)
    dlon = (x * dy - y * dx) / rho2
    return lat, lon, dlat, dlon


def _solve_crossings(track: ShellTrack, omega: float, nodes: FloatArray, p1: FloatArray,
                     p2: FloatArray, iterations: int = 40) -> tuple[FloatArray, FloatArray]:
    """Phases where ``G(p1)`` and ``R_z(dOmega) G(p2)`` have equal latitude and longitude.

    Newton's method on ``(lat1 - lat2, lon1 - lon2 - dOmega)``; steps are limited to 0.05 rad
    so that the iteration stays on the crossing it started from.
    """
    for _ in range(iterations):
        g1, d1 = track.g(p1, omega, 1)
        g2, d2 = track.g(p2, omega, 1)
        la1, lo1, dla1, dlo1 = _lat_lon(g1, d1)
        la2, lo2, dla2, dlo2 = _lat_lon(g2, d2)
        f1 = la1 - la2
        f2 = _wrap(lo1 - lo2 - nodes)
        det = dla2 * dlo1 - dla1 * dlo2
        det = np.where(np.abs(det) > 1e-300, det, 1e-300)
        step1 = np.clip((dlo2 * f1 - dla2 * f2) / det, -0.05, 0.05)
        step2 = np.clip((dlo1 * f1 - dla1 * f2) / det, -0.05, 0.05)
        p1 = p1 + step1
        p2 = p2 + step2
        if float(np.max(np.abs(step1) + np.abs(step2))) < 1e-13:
            break
    return p1, p2


# -- a pattern's minimum distance ------------------------------------------------------------


@dataclass(frozen=True)
class PatternSeparation:
    """The closest approach of a pattern's members (from a crossing model).

    Attributes
    ----------
    distance_km : float [km]
    plane_offset : int
        ``k``: the closest pair is satellite 0 and a satellite ``k`` planes further east
        (0: a neighbour in the same plane).
    slot_offset : int
        In-plane index ``l`` of that satellite.
    crossing : str
        ``"north"``, ``"south"`` or ``"in-plane"``.
    """

    distance_km: float
    plane_offset: int
    slot_offset: int
    crossing: str


def check_pattern(planes: int, sats_per_plane: int, phasing: int) -> None:
    """Raise :class:`InputError` unless ``P >= 1``, ``S >= 1``, ``0 <= F < P``."""
    if planes < 1:
        raise InputError("planes", planes, "must be >= 1")
    if sats_per_plane < 1:
        raise InputError("sats_per_plane", sats_per_plane, "must be >= 1")
    if not 0 <= phasing < planes:
        raise InputError("phasing", phasing, f"must be in [0, {planes - 1}]")


def in_plane_distance_km(radius_km: float, sats_per_plane: int) -> float:
    """Distance between neighbours of one plane, ``2 R sin(pi / S)`` [km] (``inf`` if S = 1)."""
    if sats_per_plane < 2:
        return math.inf
    return 2.0 * radius_km * math.sin(math.pi / sats_per_plane)


def _offsets(planes: int, sats_per_plane: int, phasing: np.ndarray, k: np.ndarray,
             phase: FloatArray) -> FloatArray:
    """``x = frac(F k / P - c S / 2 pi)`` folded to ``[0, 1/2]`` (slot units), broadcast."""
    frac = np.mod(phasing * k, planes) / planes - phase * (sats_per_plane / TWO_PI)
    return np.asarray(np.abs(frac - np.round(frac)))


def pattern_separation(model: CrossingModel, planes: int, sats_per_plane: int,
                       phasing: int) -> PatternSeparation:
    """Minimum distance between any two members of Walker ``i: PS/P/F`` [km], in ``O(P)``.

    For plane offset ``k`` (``dOmega_k = 2 pi k / P``) the members' phase differences are
    ``du = 2 pi l / S + 2 pi F k / T``; at crossing ``X`` the nearest of them to the collision
    offset ``c_X(dOmega_k)`` lies ``2 pi x / S`` away with
    ``x = dist(F k / P - c_X S / 2 pi, Z)``, and misses by
    ``sqrt(gap^2 + (2 s sin(pi x / S))^2)``. The in-plane neighbours are
    ``2 R sin(pi / S)`` apart.

    Parameters
    ----------
    model : CrossingModel
    planes, sats_per_plane, phasing : int
        ``P``, ``S``, ``F``.
    """
    check_pattern(planes, sats_per_plane, phasing)
    best = PatternSeparation(in_plane_distance_km(model.radius_km, sats_per_plane), 0, 1,
                             "in-plane")
    if planes < 2:
        return best
    p, s = int(planes), int(sats_per_plane)
    k = np.arange(1, p, dtype=np.int64)
    cr = model.at(TWO_PI * k / p)
    x = _offsets(p, s, np.asarray(phasing, dtype=np.int64), k[None, :], cr.phase_rad)
    d = np.hypot(cr.gap_km, 2.0 * cr.slope_km * np.sin(np.pi * x / s))
    xi, ki = np.unravel_index(int(np.argmin(d)), d.shape)
    if d[xi, ki] < best.distance_km:
        kk = int(k[ki])
        # the slot l whose phase difference is nearest the collision offset
        target = cr.phase_rad[xi, ki] * s / TWO_PI - (phasing * kk % p) / p
        slot = int(np.round(target)) % s
        return PatternSeparation(float(d[xi, ki]), kk, slot, ("north", "south")[xi])
    return best


def pattern_separations(model: CrossingModel, planes: int, sats_per_plane: int,
                        phasings: ArrayLike) -> FloatArray:
    """Minimum member distance [km] of ``i: PS/P/F`` for every phasing ``F`` given, vectorised.

    ``O(P)`` per phasing (:func:`pattern_separation`); with ``phasings = range(P)`` the whole
    family of a ``(P, S)`` pair costs ``O(P^2)``.
    """
    f = np.atleast_1d(np.asarray(phasings, dtype=np.int64))
    out = np.full(f.shape, in_plane_distance_km(model.radius_km, sats_per_plane))
    if planes < 2:
        return out
    k = np.arange(1, planes, dtype=np.int64)
    cr = model.at(TWO_PI * k / planes)
    for x in range(2):
        off = _offsets(planes, sats_per_plane, f[:, None], k[None, :], cr.phase_rad[x][None, :])
        d = np.hypot(cr.gap_km[x], 2.0 * cr.slope_km[x] * np.sin(np.pi * off / sats_per_plane))
        out = np.minimum(out, d.min(axis=1))
    return out


def crossing_misses_km(model: CrossingModel, planes: int, sats_per_plane: int, phasing: int,
                       bound_km: float) -> FloatArray:
    """Miss distances of one member's close approaches in one revolution, below ``bound_km``.

    Every pair of planes crosses twice a revolution; at each crossing the member meets the
    satellites of the other plane one after another, the ``l``-th nearest to the collision
    offset missing it by ``sqrt(gap^2 + (2 s sin(pi (x + l) / S))^2)``. The list holds every
    ``(k, l, crossing)`` approach closer than the bound, sorted; the pattern repeats them every
    revolution (in-plane neighbours keep a constant distance and are not approaches).

    Parameters
    ----------
    model : CrossingModel
    planes, sats_per_plane, phasing : int
    bound_km : float [km]

    Returns
    -------
    numpy.ndarray [km]
        Sorted miss distances (one entry per approach of satellite 0 per revolution).
    """
    check_pattern(planes, sats_per_plane, phasing)
    if planes < 2 or bound_km <= 0:
        return np.zeros(0)
    p, s = int(planes), int(sats_per_plane)
    k = np.arange(1, p, dtype=np.int64)
    cr = model.at(TWO_PI * k / p)
    # slots within the bound of the collision offset: |l + x| < n_l with s sin(pi n / S) ~ bound
    ratio = np.clip(bound_km / (2.0 * np.maximum(cr.slope_km, 1e-12)), 0.0, 1.0)
    reach = np.ceil(s * np.arcsin(ratio) / np.pi).astype(np.int64) + 1
    span = int(reach.max())
    # each slot of the other plane once: base + shift for shifts covering S consecutive slots
    shifts = range(-span, span + 1) if 2 * span + 1 < s else range(-(s // 2), s - s // 2)
    misses = []
    frac = np.mod(phasing * k, p) / p - cr.phase_rad * (s / TWO_PI)
    base = frac - np.round(frac)  # signed offset of the nearest slot, in [-1/2, 1/2]
    for shift in shifts:
        d = np.hypot(cr.gap_km, 2.0 * cr.slope_km * np.abs(np.sin(np.pi * (base + shift) / s)))
        misses.append(d[d < bound_km])
    out = np.sort(np.concatenate(misses)) if misses else np.zeros(0)
    return np.asarray(out)


__all__ = [
    "CROSSING_GRID",
    "CrossingModel",
    "Crossings",
    "PatternSeparation",
    "check_pattern",
    "crossing_cosine",
    "crossing_misses_km",
    "crossing_phase_rad",
    "frozen_eccentricity",
    "in_plane_distance_km",
    "kepler_min_distance_km",
    "pattern_separation",
    "pattern_separations",
]
