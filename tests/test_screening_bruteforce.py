"""An independent brute-force screening (all pairs, fine fixed step, local root finding) and
encounter construction, used by the screening tests; checked here on its own.

Nothing here uses orbitdc's screening code: python-sgp4 positions at a fine step, sign changes
of ``f = d . w`` (the derivative of ``|d|^2 / 2``) between samples, then ``brentq`` on ``f`` with
python-sgp4 in each bracket.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from sgp4.api import WGS72, Satrec

MU = 398600.8  # WGS-72, as SGP4
SGP4_EPOCH0_JD = 2433281.5


@dataclass(frozen=True)
class BruteConjunction:
    a: int
    b: int
    tca_s: float
    miss_km: float


def _state(sat: Satrec, jd: float, frac: float, t_s: float) -> tuple[np.ndarray, np.ndarray]:
    tsince = ((jd - sat.jdsatepoch) + (frac - sat.jdsatepochF)) * 1440.0 + t_s / 60.0
    e, r, v = sat.sgp4_tsince(tsince)
    if e:
        raise ValueError(f"SGP4 error {e}")
    return np.array(r), np.array(v)


def brute_force(
    sats: list[Satrec], jd: float, frac: float, hours: float, threshold_km: float,
    pairs: list[tuple[int, int]] | None = None, step_s: float = 2.0,
) -> list[BruteConjunction]:
    """Local minima of the distance below ``threshold_km`` with TCA in ``[0, hours)``."""
    window = hours * 3600.0
    t = np.arange(-step_s, window + 2 * step_s, step_s)
    pos = np.empty((len(sats), t.size, 3))
    vel = np.empty((len(sats), t.size, 3))
    for n, s in enumerate(sats):
        e, r, v = s.sgp4_array(np.full(t.size, jd), frac + t / 86400.0)
        if np.any(e):
            raise ValueError("SGP4 error in the brute force")
        pos[n], vel[n] = r, v
    if pairs is None:
        pairs = [(a, b) for a in range(len(sats)) for b in range(a + 1, len(sats))]
    out = []
    for a, b in pairs:
        d = pos[b] - pos[a]
        w = vel[b] - vel[a]
        f = np.einsum("tc,tc->t", d, w)
        dist = np.linalg.norm(d, axis=1)
        # |d| changes by at most |w| step between samples: skip pairs far from the threshold
        reach = threshold_km + np.linalg.norm(w, axis=1) * step_s
        for m in np.flatnonzero((f[:-1] < 0) & (f[1:] >= 0)):
            if min(dist[m], dist[m + 1]) > reach[m]:
                continue

            def g(x: float, a: int = a, b: int = b) -> float:
                ra, va = _state(sats[a], jd, frac, x)
                rb, vb = _state(sats[b], jd, frac, x)
                return float((rb - ra) @ (vb - va))

            tca = brentq(g, t[m], t[m + 1], xtol=1e-9, rtol=1e-15)
            ra, _ = _state(sats[a], jd, frac, tca)
            rb, _ = _state(sats[b], jd, frac, tca)
            miss = float(np.linalg.norm(rb - ra))
            if 0.0 <= tca < window and miss < threshold_km:
                out.append(BruteConjunction(a, b, tca, miss))
    return out


def kepler_elements(r: np.ndarray, v: np.ndarray) -> dict[str, float]:
    """Classical elements from a state (Vallado, Fundamentals of Astrodynamics, alg. 9)."""
    h = np.cross(r, v)
    n = np.cross([0.0, 0.0, 1.0], h)
    rn, vn = np.linalg.norm(r), np.linalg.norm(v)
    e_vec = ((vn**2 - MU / rn) * r - (r @ v) * v) / MU
    e = float(np.linalg.norm(e_vec))
    energy = vn**2 / 2 - MU / rn
    a = -MU / (2 * energy)
    inc = math.acos(h[2] / np.linalg.norm(h))
    nn = np.linalg.norm(n)
    raan = math.atan2(n[1], n[0]) if nn > 1e-12 else 0.0
    if e > 1e-9 and nn > 1e-12:
        argp = math.acos(np.clip(n @ e_vec / (nn * e), -1, 1))
        if e_vec[2] < 0:
            argp = 2 * math.pi - argp
        nu = math.acos(np.clip(e_vec @ r / (e * rn), -1, 1))
        if r @ v < 0:
            nu = 2 * math.pi - nu
    else:  # circular: argument of latitude in place of the true anomaly
        argp = 0.0
        nu = math.acos(np.clip(n @ r / (nn * rn), -1, 1)) if nn > 1e-12 else math.atan2(r[1], r[0])
        if nn > 1e-12 and r[2] < 0:
            nu = 2 * math.pi - nu
    ea = 2 * math.atan2(math.sqrt(1 - e) * math.sin(nu / 2), math.sqrt(1 + e) * math.cos(nu / 2))
    mean = (ea - e * math.sin(ea)) % (2 * math.pi)
    return {"a": a, "e": e, "i": inc, "raan": raan % (2 * math.pi), "argp": argp, "M": mean}


def satrec_through(
    r_target: np.ndarray, v_target: np.ndarray, epoch_jd: float, satnum: int,
    bstar: float = 0.0,
) -> Satrec:
    """An SGP4 element set whose state at its epoch equals ``(r_target, v_target)``.

    Kepler elements of an adjusted state, corrected until SGP4's state at the epoch matches
    (SGP4 = Kepler + small periodic terms, so the fixed-point iteration converges to mm).
    """
    r_adj, v_adj = r_target.copy(), v_target.copy()
    sat = Satrec()
    for _ in range(12):
        el = kepler_elements(r_adj, v_adj)
        sat = Satrec()
        n_kozai = math.sqrt(MU / el["a"] ** 3) * 60.0
        sat.sgp4init(WGS72, "i", satnum, epoch_jd - SGP4_EPOCH0_JD, bstar, 0.0, 0.0, el["e"],
                     el["argp"], el["i"], el["M"], n_kozai, el["raan"])
        e, r, v = sat.sgp4_tsince(0.0)
        if e:
            raise ValueError(f"SGP4 error {e} while constructing an orbit")
        dr = r_target - np.array(r)
        dv = v_target - np.array(v)
        if np.linalg.norm(dr) < 1e-7 and np.linalg.norm(dv) < 1e-10:
            break
        r_adj += dr
        v_adj += dv
    return sat


def rotate(v: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    """Rodrigues rotation of ``v`` about ``axis``."""
    k = axis / np.linalg.norm(axis)
    return v * math.cos(angle) + np.cross(k, v) * math.sin(angle) + k * (k @ v) * (
        1 - math.cos(angle))


# -- self-checks of the brute force --------------------------------------------------------


def test_satrec_through_hits_its_target() -> None:
    r = np.array([6000.0, 2500.0, 1200.0])
    v = np.array([-2.5, 6.0, 3.0])
    sat = satrec_through(r, v, 2460676.5, 1)
    e, rr, vv = sat.sgp4_tsince(0.0)
    assert e == 0
    assert np.linalg.norm(np.array(rr) - r) < 1e-6
    assert np.linalg.norm(np.array(vv) - v) < 1e-9


def test_brute_force_finds_a_head_on_encounter() -> None:
    jd, frac = 2460676.5, 0.0
    r = np.array([7000.0, 0.0, 0.0])
    v = np.array([0.0, 7.5, 0.2])
    a = satrec_through(r, v, jd + 0.05, 1)
    miss = np.array([0.0, 0.0, 0.8])  # normal to both velocities below
    b = satrec_through(r + miss, -v * np.array([0, 1, -1]), jd + 0.05, 2)
    res = brute_force([a, b], jd, frac, 3.0, 5.0)
    near = [c for c in res if abs(c.tca_s - 0.05 * 86400) < 5]
    assert len(near) == 1
    assert abs(near[0].miss_km - 0.8) < 0.01
