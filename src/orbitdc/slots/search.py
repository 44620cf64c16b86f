"""The self-safe Walker pattern with the most satellites in one shell.

A pattern ``i: T/P/F`` is *self-safe* at separation ``d`` when no two of its members come closer
than ``d`` (:mod:`orbitdc.slots.geometry`). The search maximises ``T = P S`` over the planes
``P``, satellites per plane ``S`` and phasing ``F``:

1. **Model.** The shell's crossing model is measured once on its SGP4 track
   (:meth:`~orbitdc.slots.geometry.CrossingModel.sgp4`): for every plane offset ``k`` and
   crossing ``X`` it gives the collision phase offset ``c_kX``, the slope ``s_kX`` and the gap
   ``g_kX``. A member ``x`` slots (in units of the in-plane spacing ``2 pi / S``) from the
   collision offset misses by ``sqrt(g^2 + (2 s sin(pi x / S))^2)``, so the pattern keeps ``d``
   at that crossing iff ``dist(F k / P - c_kX S / 2 pi, Z) >= h_kX S`` with
   ``h_kX = asin(sqrt(d^2 - g^2) / 2 s) / pi``: a forbidden interval of phasings per plane
   offset.
2. **Bounds.** The in-plane neighbours need ``2 R sin(pi / S) >= d``; each plane offset needs
   its two forbidden intervals to leave room (``S <= 1 / (2 h_kN + 2 h_kS - overlap)``). Among
   the ``S`` these allow, the search skips those where even a random phasing sequence would
   have a feasible ``F`` with a probability below ``10^-luck`` (``luck`` = 20 by default; the best
   patterns found beat that estimate by up to ``10^9``).
3. **Sieve.** For one ``P`` every candidate ``(S, F)`` is tested plane offset by plane offset,
   most dangerous first (widest forbidden interval), and dropped at its first violation: most
   die within a few offsets, so a ``(P, S)`` pair costs ``O(P)`` instead of ``O(P^2)``. ``S`` is
   scanned downwards and the first ``S`` with a surviving ``F`` is the largest for that ``P``;
   ``S <= T_best / P`` is never examined.
4. **Verification.** The best candidates, largest first, are propagated with SGP4 and their
   self-separation measured by the shell's symmetry
   (:func:`orbitdc.propagation.walker.self_separation`); the first that keeps ``d`` wins.

The planes examined are every ``P`` up to :data:`EXHAUSTIVE_PLANES`, then a spread of larger
``P`` (the first ``planes_budget`` of one fixed van der Corput sequence in ``log P`` up to
:data:`MAX_PLANES`), cut at ``16 sqrt`` of a random-lattice capacity estimate, which falls as
the separation grows. The result is the best pattern *found*: a larger budget examines a
superset of plane counts and can only find more satellites, and a larger separation examines a
subset and never finds more (every pattern that keeps it keeps a smaller one).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from orbitdc.constants import TWO_PI
from orbitdc.errors import InputError, require_range
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.slots.geometry import (
    CrossingModel,
    in_plane_distance_km,
    pattern_separation,
    pattern_separations,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Element epoch of the SGP4 verification (the separation of a B* = 0 Walker shell does not
#: depend on it beyond SGP4's floor eccentricity, ~1e-4 km).
EPOCH = datetime(2030, 1, 1, tzinfo=UTC)
#: Every plane count up to this is examined.
EXHAUSTIVE_PLANES = 128
#: Default number of plane counts examined per shell.
PLANES_BUDGET = 192
#: Largest plane count examined (the best patterns found at 2-20 km have 5-300 satellites
#: per plane; a pattern with fewer satellites per plane than 1 would not exist).
MAX_PLANES = 32768
#: Default ``luck``: skip ``S`` where a random phasing sequence has a feasible ``F`` with a
#: probability below ``10^-luck``.
LUCK_LOG10 = 12.0
#: Safety margin [km] the model must keep above the required separation (the SGP4-measured
#: crossing model agrees with SGP4 to a few metres).
MODEL_MARGIN_KM = 0.005
#: Pairs ``(S, F)`` tested at once.
_CHUNK = 1 << 17
#: Candidates (each the best of one ``P``) verified with SGP4 at most.
MAX_VERIFIED = 12


@dataclass(frozen=True)
class SlotPattern:
    """A self-safe Walker pattern of one shell.

    Attributes
    ----------
    altitude_km : float [km]
    inclination : str
        Inclination family label (``53``, ``dawn-dusk``...).
    inclination_deg : float [deg]
    planes, sats_per_plane, phasing : int
        ``P``, ``S``, ``F``.
    required_separation_km : float [km]
        The separation asked for.
    min_separation_km : float [km]
        Minimum distance between any two members over one phase period, SGP4 (by the
        shell's symmetry; NaN if not verified).
    model_separation_km : float [km]
        The same from the SGP4-measured crossing model.
    search_seconds : float [s]
        Wall time of the search and the verification.
    planes_examined : int
        Plane counts examined.
    verified : bool
        ``min_separation_km`` comes from SGP4.
    """

    altitude_km: float
    inclination: str
    inclination_deg: float
    planes: int
    sats_per_plane: int
    phasing: int
    required_separation_km: float
    min_separation_km: float
    model_separation_km: float
    search_seconds: float = 0.0
    planes_examined: int = 0
    verified: bool = True
    notes: tuple[str, ...] = field(default=())

    @property
    def satellites(self) -> int:
        """``T = P S``."""
        return self.planes * self.sats_per_plane

    @property
    def pattern(self) -> str:
        """``walker:ALT:INC:T/P/F`` (what ``orbitdc screen`` accepts)."""
        return (f"walker:{self.altitude_km:g}:{self.inclination}:"
                f"{self.satellites}/{self.planes}/{self.phasing}")

    def shell(self, family: InclinationFamily | None = None) -> WalkerShell:
        """The pattern as a :class:`~orbitdc.orbits.shells.WalkerShell`."""
        fam = family or InclinationFamily.parse(self.inclination)
        return WalkerShell(self.altitude_km, fam, self.planes, self.sats_per_plane, self.phasing)

    def to_dict(self) -> dict[str, object]:
        """The ``orbitdc slots --json`` layout (unit-named keys)."""
        return {
            "satellites": self.satellites,
            "planes": self.planes,
            "sats_per_plane": self.sats_per_plane,
            "phasing": self.phasing,
            "min_separation_km": self.min_separation_km,
            "model_separation_km": self.model_separation_km,
            "required_separation_km": self.required_separation_km,
            "pattern": self.pattern,
            "altitude_km": self.altitude_km,
            "inclination": self.inclination,
            "inclination_deg": self.inclination_deg,
            "verified": self.verified,
            "planes_examined": self.planes_examined,
            "search_seconds": self.search_seconds,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Offsets:
    """Per plane offset of one ``P`` (most dangerous first): phasing step, centre, half-width."""

    k: IntArray  # (n,)
    centre: FloatArray  # (2, n): c S / 2 pi per unit S, i.e. c / 2 pi [slots per S]
    half: FloatArray  # (2, n): h [slots per S]; > 1 means always forbidden


def _offsets(model: CrossingModel, planes: int, separation_km: float) -> _Offsets:
    k = np.arange(1, planes, dtype=np.int64)
    cr = model.at(TWO_PI * k / planes)
    need = np.sqrt(np.maximum(separation_km**2 - cr.gap_km**2, 0.0))
    ratio = need / (2.0 * np.maximum(cr.slope_km, 1e-12))
    half = np.where(ratio < 1.0, np.arcsin(np.minimum(ratio, 1.0)) / np.pi, 2.0)
    order = np.argsort(-half.max(axis=0), kind="stable")
    return _Offsets(k[order], cr.phase_rad[:, order] / TWO_PI, half[:, order])


def _log10_chance(off: _Offsets, planes: int, per_plane: IntArray) -> FloatArray:
    """log10 of the expected number of feasible ``F`` if the offsets were random, per ``S``.

    Also ``-inf`` where some plane offset leaves no room at all (a rigorous bound).
    """
    s = per_plane[None, :].astype(float)
    a = off.half[0][:, None] * s
    b = off.half[1][:, None] * s
    sep = (off.centre[0] - off.centre[1])[:, None] * s
    sep = np.abs(sep - np.round(sep))
    overlap = np.clip(a + b - sep, 0.0, 2.0 * np.minimum(a, b))
    free = 1.0 - (2.0 * a + 2.0 * b - overlap)
    with np.errstate(divide="ignore"):
        logs = np.where(free > 0, np.log10(np.maximum(free, 1e-300)), -np.inf)
    return np.asarray(math.log10(planes) + logs.sum(axis=0))


def _plausible(off: _Offsets, planes: int, lo: int, hi: int, luck_log10: float) -> IntArray:
    """``S`` in ``[lo, hi]``, descending, whose random-model chance is at least ``10^-luck``.

    The chance falls with ``S`` (wider forbidden intervals); a geometric grid of ``S`` brackets
    the last plausible one, and only the ``S`` below the grid point after it are evaluated
    exactly.
    """
    grid = np.unique(np.round(np.geomspace(lo, hi, min(24, hi - lo + 1))).astype(np.int64))
    ok = _log10_chance(off, planes, grid) >= -luck_log10
    if not ok.any():
        return np.zeros(0, dtype=np.int64)
    last = int(np.flatnonzero(ok)[-1])
    top = int(grid[min(last + 1, grid.size - 1)])
    cand = np.arange(top, lo - 1, -1, dtype=np.int64)
    return cand[_log10_chance(off, planes, cand) >= -luck_log10]


def _largest_per_plane(off: _Offsets, planes: int, candidates: IntArray,
                       block: int = 8) -> tuple[int, IntArray] | None:
    """Largest ``S`` among ``candidates`` (descending) with a feasible ``F``, and those ``F``.

    Pairs ``(S, F)`` of a chunk of ``S`` are tested against the plane offsets, a block at a
    time, most dangerous first; a pair leaves at its first violation. In units of ``1/P`` the
    test at offset ``k`` and crossing ``X`` is
    ``|((F k mod P) - P c S + P/2) mod P - P/2| >= P h S``, in single precision (the
    half-widths are far above its resolution).
    """
    p = planes
    k = off.k
    centre = off.centre * p  # per unit S
    half = off.half * p
    fs = np.arange(p, dtype=np.int64)
    per_chunk = max(1, _CHUNK // p)
    for start in range(0, candidates.size, per_chunk):
        s_vals = candidates[start:start + per_chunk]
        s_vals = s_vals[np.all(half.max(axis=0)[:, None] * s_vals[None, :] <= 0.5 * p, axis=0)]
        if s_vals.size == 0:
            continue
        ss = np.repeat(s_vals, p)
        ff = np.tile(fs, s_vals.size)
        sf = ss.astype(np.float32)
        j = 0
        while j < k.size:
            # small blocks while many pairs live, larger ones for the few that survive
            step = int(min(k.size - j, max(block, _CHUNK // max(ss.size, 1))))
            kk = k[j:j + step, None]
            pos = np.mod(ff[None, :] * kk, p).astype(np.float32)
            ok = np.ones(ss.size, dtype=bool)
            for x in range(2):
                c = centre[x, j:j + step, None].astype(np.float32)
                v = pos - c * sf[None, :] + np.float32(0.5 * p)
                v = np.abs(np.mod(v, np.float32(p)) - np.float32(0.5 * p))
                ok &= np.all(v >= half[x, j:j + step, None].astype(np.float32) * sf[None, :],
                             axis=0)
            j += step
            ss, ff, sf = ss[ok], ff[ok], sf[ok]
            if ss.size == 0:
                break
        if ss.size:
            top = int(ss.max())
            return top, ff[ss == top]
    return None


def _inverses(planes: int, k: IntArray) -> tuple[IntArray, IntArray]:
    """``g = gcd(k, P)`` and the inverse of ``k / g`` modulo ``P / g``, per offset."""
    g = np.gcd(k, planes)
    inv = np.array([pow(int(a), -1, int(b)) if b > 1 else 0
                    for a, b in zip((k // g).tolist(), (planes // g).tolist(), strict=True)],
                   dtype=np.int64)
    return g, inv


def _largest_per_plane_marked(off: _Offsets, planes: int,
                              candidates: IntArray) -> tuple[int, IntArray] | None:
    """As :func:`_largest_per_plane`, by marking the forbidden phasings of each offset.

    Offset ``k`` forbids the positions ``m = F k mod P`` in the open interval
    ``P (c S -+ h S)``; ``F k = m (mod P)`` has a solution only if ``g = gcd(k, P)`` divides
    ``m``, and then exactly ``g`` of them, ``F = (m/g) (k/g)^-1 + t P/g``. Marking costs
    ``O(P^2 h S)`` per ``S`` against the sieve's ``O(P / h S)``: less when ``P (4 h S)^2`` is
    small (many planes, few satellites each).
    """
    p = planes
    g_all, inv_all = _inverses(p, off.k)
    g2 = np.tile(g_all, 2)
    inv2 = np.tile(inv_all, 2)
    centre0 = off.centre.ravel() * p
    width0 = off.half.ravel() * p
    for per_plane in candidates.tolist():
        if off.half.max() * per_plane > 0.5:
            continue
        centre = centre0 * per_plane
        width = width0 * per_plane
        lo = np.floor(centre - width).astype(np.int64) + 1  # open interval: first inside
        count = np.maximum(np.ceil(centre + width).astype(np.int64) - lo, 0)
        total = int(count.sum())
        forbidden = np.zeros(p, dtype=bool)
        if total:
            offs = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
            m = np.mod(np.repeat(lo, count) + offs, p)
            g = np.repeat(g2, count)
            inv = np.repeat(inv2, count)
            keep = m % g == 0
            m, g, inv = m[keep], g[keep], inv[keep]
            mod = p // g
            f = np.mod((m // g) * inv, mod)
            if np.any(g > 1):
                extra = np.arange(int(g.sum())) - np.repeat(np.cumsum(g) - g, g)
                f = np.repeat(f, g) + extra * np.repeat(mod, g)
            forbidden[f] = True
        free = np.flatnonzero(~forbidden)
        if free.size:
            return int(per_plane), free.astype(np.int64)
    return None


@dataclass(frozen=True)
class _Candidate:
    satellites: int
    planes: int
    per_plane: int
    phasing: int
    model_km: float


def _van_der_corput(n: int) -> float:
    """The ``n``-th point of the base-2 van der Corput sequence in ``(0, 1)``."""
    x, denom = 0.0, 1.0
    while n:
        n, bit = divmod(n, 2)
        denom *= 2.0
        x += bit / denom
    return x


def _plane_order(max_planes: int, budget: int) -> list[int]:
    """Plane counts to examine: all up to :data:`EXHAUSTIVE_PLANES`, then a spread to ``max``.

    The spread follows the van der Corput sequence in ``log P``, so a larger budget examines a
    superset of a smaller one's plane counts (the capacity found never falls as the budget
    grows).
    """
    first = list(range(1, min(EXHAUSTIVE_PLANES, max_planes) + 1))
    if budget <= len(first):
        return first[:max(budget, 1)]
    lo, hi = EXHAUSTIVE_PLANES + 1, max_planes
    if hi < lo:
        return first
    if hi - lo + 1 <= budget - len(first):
        return first + list(range(lo, hi + 1))
    seen: set[int] = set()
    picks: list[int] = []
    n = 1
    span = math.log(hi / lo)
    while len(picks) < budget - len(first) and n < 64 * budget:
        value = int(round(lo * math.exp(span * _van_der_corput(n))))
        n += 1
        if lo <= value <= hi and value not in seen:
            seen.add(value)
            picks.append(value)
    return first + picks


def search_patterns(
    model: CrossingModel,
    separation_km: float,
    *,
    max_satellites: int | None = None,
    planes_budget: int = PLANES_BUDGET,
    luck_log10: float = LUCK_LOG10,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[_Candidate], int]:
    """Best ``(P, S, F)`` per plane count by the crossing model, best first.

    Returns the candidates (at most one per ``P``, each beating every earlier one) and the
    number of plane counts examined.
    """
    d = float(separation_km) + MODEL_MARGIN_KM
    r = model.radius_km
    if d >= 2.0 * r:
        return [_Candidate(1, 1, 1, 0, math.inf)], 1
    s_in = int(math.floor(math.pi / math.asin(d / (2.0 * r))))
    while s_in > 1 and in_plane_distance_km(r, s_in) < d:
        s_in -= 1
    cap = max_satellites if max_satellites is not None else 2**62
    # First pass at one plane: a string of pearls is always self-safe.
    best = _Candidate(min(s_in, cap), 1, min(s_in, cap), 0, in_plane_distance_km(r, min(s_in,
                                                                                        cap)))
    found = [best]
    # One fixed sequence of plane counts, cut at a bound that shrinks as the separation grows
    # (16 sqrt of the random-lattice estimate, design/slotting.md): a larger separation
    # examines a subset, so it never finds more satellites.
    bound = 16.0 * math.sqrt(max(_capacity_estimate(model, d), 1.0))
    order = [p for p in _plane_order(MAX_PLANES, planes_budget) if p <= min(cap, bound)]
    for n, planes in enumerate(order):
        if progress:
            progress(n, len(order))
        if planes < 2:
            continue
        lo = best.satellites // planes + 1
        hi = min(s_in, cap // planes)
        if hi < lo:
            continue
        off = _offsets(model, planes, d)
        cand = _plausible(off, planes, lo, hi, luck_log10)
        if cand.size == 0:
            continue
        # marking wins when each offset forbids few phasings (module docstring)
        share = 4.0 * float(off.half.max()) * float(cand[0])
        hit = (_largest_per_plane_marked(off, planes, cand) if planes * share**2 < 0.3
               else _largest_per_plane(off, planes, cand))
        if hit is None:
            continue
        per_plane, phasings = hit
        seps = pattern_separations(model, planes, per_plane, phasings)
        i = int(np.argmax(seps))
        best = _Candidate(planes * per_plane, planes, per_plane, int(phasings[i]),
                          float(seps[i]))
        found.append(best)
    if progress:
        progress(len(order), len(order))
    found.sort(key=lambda c: (-c.satellites, -c.model_km))
    return found, len(order)


def _capacity_estimate(model: CrossingModel, separation_km: float) -> float:
    """Satellites a random lattice of the shell keeps at ``d`` with probability ~1e-20 [-].

    Each plane offset forbids a share ``~ 2 (h_N + h_S) S`` of the phasings, so over ``P``
    planes the expected number of feasible ``F`` is ``~ P exp(-T I)`` with ``I`` the mean of
    ``2 (h_N + h_S)`` over the node difference; ``T = 46 / I`` puts it near 1e-20. The best
    patterns found exceed it by up to ~30 %, so bounds built on it stay generous.
    """
    nodes = TWO_PI * (np.arange(720) + 0.5) / 720
    cr = model.at(nodes)
    need = np.sqrt(np.maximum(separation_km**2 - cr.gap_km**2, 0.0))
    ratio = np.minimum(need / (2.0 * np.maximum(cr.slope_km, 1e-12)), 1.0)
    share = 2.0 * float(np.mean(np.arcsin(ratio).sum(axis=0) / np.pi))
    return 46.0 / share if share > 0 else 1e12


def verify_pattern(altitude_km: float, family: InclinationFamily, planes: int,
                   sats_per_plane: int, phasing: int, epoch: datetime = EPOCH) -> float:
    """SGP4 self-separation of a Walker pattern [km] (by symmetry, satellite 0 against all).

    :func:`orbitdc.propagation.walker.self_separation` on
    ``WalkerShell(altitude, family, P, S, F)`` with ``B* = 0`` over one phase period.
    """
    if planes * sats_per_plane < 2:
        return math.inf
    from orbitdc.propagation.walker import self_separation

    shell = WalkerShell(altitude_km, family, planes, sats_per_plane, phasing)
    return float(self_separation(shell, epoch).distance_km)


def find_pattern(
    altitude_km: float,
    inclination: str | float | InclinationFamily,
    min_separation_km: float,
    *,
    max_satellites: int | None = None,
    planes_budget: int = PLANES_BUDGET,
    luck_log10: float = LUCK_LOG10,
    verify: bool = True,
    model: CrossingModel | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SlotPattern:
    """The self-safe Walker pattern with the most satellites found for one shell.

    Parameters
    ----------
    altitude_km : float [km]
        Shell altitude (orbit-averaged SGP4 radius minus the WGS-72 equatorial radius, as
        :class:`~orbitdc.orbits.shells.WalkerShell`).
    inclination : str, float or InclinationFamily
        Degrees, ``"sso"``, ``"dawn-dusk"`` or ``"sso-HH.H"``.
    min_separation_km : float [km]
        Required separation between any two members (:mod:`orbitdc.slots.budget`).
    max_satellites : int, optional
        Largest pattern wanted.
    planes_budget : int
        Plane counts examined (module docstring).
    luck_log10 : float
        Skip ``(P, S)`` pairs where a random phasing has a feasible ``F`` with probability below
        ``10^-luck``.
    verify : bool
        Check the winner with SGP4 (default); without, ``min_separation_km`` is the model's.
    model : CrossingModel, optional
        A crossing model already measured for this shell (:meth:`CrossingModel.sgp4`).
    progress : callable, optional
        ``progress(done, total)`` over the plane counts examined.

    Returns
    -------
    SlotPattern

    Raises
    ------
    InputError
        For a separation <= 0 or an altitude outside [150, 2000] km.
    """
    start = time.perf_counter()
    require_range("min_separation_km", min_separation_km, gt=0.0)
    require_range("altitude_km", altitude_km, ge=150.0, le=2000.0)
    if max_satellites is not None:
        require_range("max_satellites", max_satellites, ge=1)
    family = (inclination if isinstance(inclination, InclinationFamily)
              else InclinationFamily.parse(inclination, "inclination"))
    inc = family.inclination_deg(altitude_km)
    if model is None:
        model = shell_crossing_model(altitude_km, family)
    found, examined = search_patterns(model, min_separation_km, max_satellites=max_satellites,
                                      planes_budget=planes_budget, luck_log10=luck_log10,
                                      progress=progress)
    notes: list[str] = []
    chosen = found[-1]
    measured = math.nan
    if verify:
        for cand in found[:MAX_VERIFIED]:
            measured = verify_pattern(altitude_km, family, cand.planes, cand.per_plane,
                                      cand.phasing)
            if measured >= min_separation_km:
                chosen = cand
                break
            notes.append(f"{cand.satellites}/{cand.planes}/{cand.phasing}: model "
                         f"{cand.model_km:.3f} km, SGP4 {measured:.3f} km < required")
        else:
            chosen = found[-1]  # a single plane: in-plane spacing only
            measured = verify_pattern(altitude_km, family, chosen.planes, chosen.per_plane,
                                      chosen.phasing)
    else:
        chosen = found[0]
        measured = chosen.model_km
    sep = pattern_separation(model, chosen.planes, chosen.per_plane, chosen.phasing)
    return SlotPattern(
        altitude_km=float(altitude_km),
        inclination=family.label,
        inclination_deg=float(inc),
        planes=chosen.planes,
        sats_per_plane=chosen.per_plane,
        phasing=chosen.phasing,
        required_separation_km=float(min_separation_km),
        min_separation_km=float(measured),
        model_separation_km=float(sep.distance_km),
        search_seconds=time.perf_counter() - start,
        planes_examined=examined,
        verified=verify,
        notes=tuple(notes),
    )


def shell_crossing_model(altitude_km: float, family: InclinationFamily,
                         epoch: datetime = EPOCH) -> CrossingModel:
    """The SGP4-measured crossing model of a shell (one reference propagation)."""
    from orbitdc.propagation.walker import ShellTrack

    inc = family.inclination_deg(altitude_km)
    if not 1.0 <= inc <= 179.0:
        raise InputError("inclination", family.label, "must be in [1, 179] deg for slotting")
    track = ShellTrack.build(WalkerShell(altitude_km, family, 1, 2, 0), epoch)
    return CrossingModel.sgp4(track)


__all__ = [
    "EPOCH",
    "SlotPattern",
    "find_pattern",
    "search_patterns",
    "shell_crossing_model",
    "verify_pattern",
]
