"""Synthetic DeploymentInputs and an exhaustive enumerator, for the deployment-model tests.

The enumerator works from the raw ``DeploymentInputs`` fields only (it shares no code with
``orbitdc.deploy``): it lists every integer launch schedule that fits the per-year limits
(cadence, payload and slots per flight, yearly budget), then filters whole plans by the
cross-year limits (shell capacity, spacing, disposal rule, total budget, compute target,
risk cap) and evaluates compute, exact risk (``k N^2``) and cost with numpy.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)


def tiny_inputs(
    rng: np.random.Generator,
    *,
    n_shells: int = 3,
    n_classes: int = 2,
    n_years: int = 3,
    target: bool = True,
    budget: bool = True,
    class_capacities: bool = False,
) -> DeploymentInputs:
    """A 3 shells x 2 classes x 3 years case with tight integers (caps 1-3, 1-2 flights/yr).

    With ``class_capacities`` every shell also gets slots per class (``capacity_by_class``,
    each in ``1..capacity_sats``, one class at ``capacity_sats``).
    """
    alts = [500.0, 512.0, 560.0, 610.0][:n_shells]
    shells = []
    for i, h in enumerate(alts):
        shells.append(ShellOption(
            key=f"s{i}", altitude_km=h, inclination="53",
            capacity_sats=int(rng.integers(1, 4)),
            intra_risk_per_sat_pair_year=float(rng.uniform(0.0, 2e-4)),
            payload_kg_per_flight=float(rng.choice([1000.0, 1500.0, 2000.0])),
            disposal_compliant=bool(rng.random() < 0.8)))
    classes = [SizeClassOption(name=f"c{j}", power_kw=100.0 * (j + 1),
                               max_per_flight=int(rng.integers(1, 3)),
                               design_life_years=int(rng.integers(1, n_years + 1)))
               for j in range(n_classes)]
    coeff = {}
    for sh in shells:
        for cl in classes:
            if rng.random() < 0.15:
                continue  # pair not offered
            coeff[(sh.key, cl.name)] = SatelliteCoefficients(
                mass_kg=float(rng.choice([500.0, 700.0, 1000.0, 1600.0])),
                cost_usd=float(rng.uniform(10e6, 40e6)),
                compute_pflops=float(np.round(rng.uniform(20.0, 100.0), 3)),
                risk_per_sat_year=float(rng.uniform(1e-5, 1e-3)))
    if class_capacities:
        for i, sh in enumerate(shells):
            caps = {cl.name: int(rng.integers(1, sh.capacity_sats + 1)) for cl in classes}
            caps[classes[int(rng.integers(0, len(classes)))].name] = sh.capacity_sats
            shells[i] = ShellOption(**{**sh.__dict__, "capacity_by_class": caps})
    flights = [float(rng.integers(1, 3)) for _ in range(n_years)]
    budget_year = [float(rng.uniform(60e6, 150e6)) for _ in range(n_years)] if budget else None
    years = list(range(2030, 2030 + n_years))
    return DeploymentInputs(
        shells=shells, classes=classes, years=years, coefficients=coeff,
        flights_per_year=flights, launch_cost_usd_per_flight=float(rng.uniform(5e6, 30e6)),
        budget_usd_per_year=budget_year,
        budget_usd_total=float(rng.uniform(150e6, 400e6)) if budget else None,
        min_shell_spacing_km=20.0,
        compute_target_pflops=float(rng.uniform(20.0, 150.0)) if target else None,
        target_year=int(rng.choice(years)) if target else None,
        allow_noncompliant_disposal=bool(rng.random() < 0.5))


@dataclass
class Enumeration:
    """Every plan that fits the per-year limits, with feasibility and objectives."""

    launches: np.ndarray  # (n, S, C, Y) int
    feasible: np.ndarray  # (n,) bool (all constraints)
    compute: np.ndarray  # (n,) PFLOP/s-yr over the horizon
    compute_year: np.ndarray  # (n, Y) PFLOP/s in service
    risk: np.ndarray  # (n,) exact risk over the horizon
    cost: np.ndarray  # (n,) USD
    active: np.ndarray  # (n, S, C, Y)

    def best(self, key: np.ndarray, mask: np.ndarray | None = None) -> int:
        m = self.feasible if mask is None else (self.feasible & mask)
        if not m.any():
            return -1
        idx = np.flatnonzero(m)
        return int(idx[np.argmax(key[idx])])

    def index_of(self, launches: np.ndarray) -> int:
        """Row of a launch schedule in the enumeration, or -1 if it breaks a per-year limit."""
        hit = np.flatnonzero(np.all(self.launches == np.asarray(launches)[None], axis=(1, 2, 3)))
        return int(hit[0]) if hit.size else -1

    def pareto_set(self) -> np.ndarray:
        """(C, R) pairs of the non-dominated feasible plans (max C, min R)."""
        pts = np.unique(np.stack([self.compute[self.feasible], self.risk[self.feasible]], 1),
                        axis=0)
        keep = []
        for c, r in pts:
            dom = np.any((pts[:, 0] >= c - 1e-9) & (pts[:, 1] <= r + 1e-15)
                         & ((pts[:, 0] > c + 1e-9) | (pts[:, 1] < r - 1e-15)))
            if not dom:
                keep.append((c, r))
        return np.array(keep)


def count_plans(inp: DeploymentInputs) -> int:
    return math.prod(len(o[0]) for o in _year_options(inp))


def _shell_options(inp: DeploymentInputs, s: int, flights: int) -> list[tuple[tuple, int]]:
    sh = inp.shells[s]
    ubs = []
    for cl in inp.classes:
        co = inp.coefficients.get((sh.key, cl.name))
        cap = (sh.capacity_by_class or {}).get(cl.name, sh.capacity_sats)
        ok = co is not None and co.mass_kg <= sh.payload_kg_per_flight and cap > 0
        ubs.append(min(cap, cl.max_per_flight * flights) if ok else 0)
    out = []
    for xs in itertools.product(*(range(u + 1) for u in ubs)):
        mass = sum(inp.coefficients[(sh.key, cl.name)].mass_kg * x
                   for cl, x in zip(inp.classes, xs, strict=True) if x)
        by_mass = math.ceil(mass / sh.payload_kg_per_flight - 1e-9) if mass else 0
        by_slots = math.ceil(sum(x / cl.max_per_flight
                                 for cl, x in zip(inp.classes, xs, strict=True)) - 1e-9)
        f = max(by_mass, by_slots)
        if f <= flights:
            out.append((xs, f))
    return out


def _year_options(inp: DeploymentInputs) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per year: launch arrays (n, S, C), flights (n,), spend (n,)."""
    out = []
    for t in range(len(inp.years)):
        flights = int(math.floor(inp.flights_per_year[t] + 1e-9))
        per_shell = [_shell_options(inp, s, flights) for s in range(len(inp.shells))]
        xs, fs, spend = [], [], []
        for combo in itertools.product(*per_shell):
            f = sum(o[1] for o in combo)
            if f > flights:
                continue
            x = np.array([o[0] for o in combo], dtype=np.int64)
            cost = inp.launch_cost_usd_per_flight * f + sum(
                inp.coefficients[(inp.shells[s].key, inp.classes[c].name)].cost_usd * x[s, c]
                for s in range(x.shape[0]) for c in range(x.shape[1]) if x[s, c])
            if inp.budget_usd_per_year is not None and cost > inp.budget_usd_per_year[t]:
                continue
            xs.append(x)
            fs.append(f)
            spend.append(cost)
        out.append((np.array(xs), np.array(fs), np.array(spend)))
    return out


def enumerate_plans(inp: DeploymentInputs, max_plans: int = 400_000) -> Enumeration:
    opts = _year_options(inp)
    sizes = [len(o[0]) for o in opts]
    n = math.prod(sizes)
    assert n <= max_plans, f"{n} plans: instance too large to enumerate"
    grids = np.indices(sizes).reshape(len(sizes), -1)  # (Y, n)
    x = np.stack([opts[t][0][grids[t]] for t in range(len(sizes))], axis=-1)  # (n, S, C, Y)
    spend = np.stack([opts[t][2][grids[t]] for t in range(len(sizes))], axis=-1)  # (n, Y)
    S, C, Y = x.shape[1:]
    active = np.zeros_like(x)
    for c, cl in enumerate(inp.classes):
        for y in range(Y):
            lo = max(0, y - cl.design_life_years + 1)
            active[:, :, c, y] = x[:, :, c, lo:y + 1].sum(axis=-1)
    n_sat = active.sum(axis=2)  # (n, S, Y)
    # slots: a shell is full when sum_c N_sc / Cap_sc reaches 1
    cap_sc = np.array([[(sh.capacity_by_class or {}).get(cl.name, sh.capacity_sats)
                        for cl in inp.classes] for sh in inp.shells], dtype=float)
    share = np.einsum("nscy,sc->nsy", active, 1.0 / np.maximum(cap_sc, 1.0))
    feasible = np.all(share <= 1.0 + 1e-9, axis=(1, 2))
    used = n_sat.sum(axis=2) > 0  # (n, S)
    alt = np.array([sh.altitude_km for sh in inp.shells])
    for i in range(S):
        for j in range(i + 1, S):
            if abs(alt[i] - alt[j]) < inp.min_shell_spacing_km:
                feasible &= ~(used[:, i] & used[:, j])
    if not inp.allow_noncompliant_disposal:
        bad = np.array([not sh.disposal_compliant for sh in inp.shells])
        feasible &= ~np.any(used & bad[None, :], axis=1)
    cost = spend.sum(axis=1)
    if inp.budget_usd_total is not None:
        feasible &= cost <= inp.budget_usd_total
    pf = np.zeros((S, C))
    rk = np.zeros((S, C))
    for (sk, cn), co in inp.coefficients.items():
        s = [sh.key for sh in inp.shells].index(sk)
        c = [cl.name for cl in inp.classes].index(cn)
        pf[s, c], rk[s, c] = co.compute_pflops, co.risk_per_sat_year
    compute_year = np.einsum("sc,nscy->ny", pf, active)
    k = np.array([sh.intra_risk_per_sat_pair_year for sh in inp.shells])
    risk = np.einsum("sc,nscy->n", rk, active) + np.einsum("s,nsy->n", k, n_sat ** 2)
    if inp.compute_target_pflops is not None:
        t = list(inp.years).index(inp.target_year)
        feasible &= compute_year[:, t] >= inp.compute_target_pflops - 1e-9
    if inp.risk_cap is not None:
        feasible &= risk <= inp.risk_cap
    return Enumeration(x, feasible, compute_year.sum(axis=1), compute_year, risk, cost, active)
