"""The Pyomo deployment MILP, built once per structure and re-solved persistently on HiGHS.

See ``design/deployment_model.md`` for the formulation. The model is built from the *structure*
(shells, classes, years, design lives, chord segments); every number is a mutable ``Param``.
One objective with mutable weights,

    maximise  w_c C - w_r R - w_k K - w_e E,

(compute, risk, cost and weighted elastic slack, each scaled to order one and each held by a
few per-year aggregate variables) serves every method, so switching between Dinkelbach
iterations, epsilon-constraint points, minimum cost and the infeasibility diagnosis only changes
parameters.

Pyomo's persistent HiGHS interface keeps one HiGHS model. Its automatic update re-evaluates
every mutable coefficient before each solve (hundreds of thousands on a large study), so it is
switched off and the model pushes exactly what changed through the interface's public methods:
``update_parameters()`` after new inputs, ``set_objective()`` for new weights (a few dozen
terms thanks to the aggregates), ``remove_constraints``/``add_constraints`` for the handful of
rows whose bounds a method sets (budgets, compute target, risk cap; a bound that is off is
``inf``, which only a freshly added row can carry), and ``update_variables()`` for the elastic
slacks' bounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.core.util import quicksum

from orbitdc.deploy import pwl
from orbitdc.deploy.data import ModelData, Structure
from orbitdc.deploy.inputs import DeploymentInputs
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import ObjectiveSpec, SolveRecord, SolverOptions, quiet, run_highs
from orbitdc.errors import InputError

if TYPE_CHECKING:
    from orbitdc.deploy.diagnose import Diagnosis
    from orbitdc.deploy.objectives import ParetoFront, RatioResult

#: Constraint families that the infeasibility diagnosis can relax, in report order.
FAMILIES = ("compute_target", "budget_per_year", "budget_total", "cadence", "capacity",
            "risk_cap", "spacing", "disposal")

#: Default relative over-statement target of the chord approximation of k N^2.
DEFAULT_PWL_REL_ERROR = 0.05

#: The persistent interface's automatic checks, all off: the structure never changes after a
#: build and the model pushes parameter changes itself (see the module docstring).
_AUTO_UPDATES = (
    "check_for_new_or_removed_constraints",
    "check_for_new_or_removed_vars",
    "check_for_new_or_removed_params",
    "check_for_new_objective",
    "update_constraints",
    "update_vars",
    "update_named_expressions",
    "update_objective",
    "update_parameters",
)

_INF = math.inf


@dataclass(frozen=True)
class Weights:
    """Objective weights on the scaled compute, risk, cost and elastic-slack terms."""

    compute: float = 0.0
    risk: float = 0.0
    cost: float = 0.0
    elastic: float = 0.0


@dataclass(frozen=True)
class Limits:
    """Constraints a method sets on top of the inputs (natural units; ``None`` = off).

    ``compute_target_pflops`` / ``target_year`` replace the inputs' target; ``risk_cap`` and
    ``cost_cap_usd`` tighten the inputs' risk cap and total budget; ``compute_min_pflop_years``
    is a floor on total compute (lexicographic second stages).
    """

    compute_target_pflops: float | None = None
    target_year: int | None = None
    risk_cap: float | None = None
    cost_cap_usd: float | None = None
    compute_min_pflop_years: float | None = None


@dataclass(frozen=True)
class Solution:
    """One solve: its record, the plan (if any), the solver's own risk and the elastic slacks.

    Attributes
    ----------
    record : SolveRecord
    plan : Plan or None
    solver_intra_risk : array (S, Y) or None [risk / yr]
        The intra-shell risk the MILP charged, ``k capacity z``; at a solve that minimises
        risk this is the chord interpolant of ``k N^2``.
    slacks : dict family -> array
        Elastic slacks as fractions of the bound they relax (only in a diagnosis).
    """

    record: SolveRecord
    plan: Plan | None
    solver_intra_risk: np.ndarray | None
    slacks: dict[str, np.ndarray]


class DeploymentModel:
    """Where to put how many satellites of which size, and when, for the most compute per risk.

    Parameters
    ----------
    inputs : DeploymentInputs
        Coefficients (see :mod:`orbitdc.deploy.inputs`).
    solver_options : SolverOptions, optional
    pwl_rel_error : float [-]
        Target relative over-statement of the intra-shell ``k N^2`` term; fixes the number of
        chord segments at build time from the largest shell capacity.
    pwl_segments : int, optional
        Fix the number of chord segments instead.

    Notes
    -----
    ``update(inputs)`` with the same structure re-uses the Pyomo model and the HiGHS instance;
    a different structure (shells, classes, years, design lives, or a capacity beyond what the
    chord segments cover) rebuilds both.
    """

    def __init__(
        self,
        inputs: DeploymentInputs,
        solver_options: SolverOptions | None = None,
        *,
        pwl_rel_error: float = DEFAULT_PWL_REL_ERROR,
        pwl_segments: int | None = None,
    ):
        self.options = solver_options or SolverOptions()
        self._pwl_rel_error = float(pwl_rel_error)
        pwl.geometric_ratio_for_error(self._pwl_rel_error)  # validates
        if pwl_segments is not None and not (
            isinstance(pwl_segments, int) and 1 <= pwl_segments <= pwl.MAX_SEGMENTS
        ):
            raise InputError("pwl_segments", pwl_segments, f"must be in 1..{pwl.MAX_SEGMENTS}")
        self._fixed_segments = pwl_segments
        self.model: Any = None
        self.solver: Any = None
        self.build_s = 0.0
        self.transfer_s = 0.0
        self.builds = 0
        self._pending_s = 0.0  # build + transfer time not yet charged to a SolveRecord
        self._pending_build_s = 0.0
        self.last_log = ""
        self.data = ModelData.from_inputs(inputs)
        self._segments = self._choose_segments(self.data)
        self._build()

    # ---- structure ---------------------------------------------------------------------------
    def _choose_segments(self, data: ModelData) -> int:
        if self._fixed_segments is not None:
            return int(self._fixed_segments)
        return pwl.segments_for_error(float(max(data.capacity_sats.max(), 1)),
                                      self._pwl_rel_error)

    @property
    def structure(self) -> Structure:
        """Index sets and shapes the built model depends on."""
        return self.data.structure(self._segments)

    @property
    def breakpoints(self) -> np.ndarray:
        """(S, K + 1) chord breakpoints in use [satellites]."""
        return self._breakpoints

    @property
    def pwl_max_rel_overstatement(self) -> float:
        """Worst relative over-statement of ``k N^2`` at any integer ``N`` the model allows."""
        return pwl.max_relative_overstatement(self._breakpoints)

    def update(self, inputs: DeploymentInputs) -> bool:
        """Load new coefficients; rebuild only if the structure changed.

        Returns
        -------
        bool
            ``True`` if the model was rebuilt.
        """
        data = ModelData.from_inputs(inputs)
        old = self.structure
        self.data = data
        if self._fixed_segments is None:
            # Keep the segment count unless a capacity grew past what it covers at the target.
            self._segments = max(self._segments, self._choose_segments(data))
        if self.structure != old:
            self._build()
            return True
        tick = time.perf_counter()
        self._set_input_params()
        with quiet():
            self.solver.update_parameters()
        self._pending_s += time.perf_counter() - tick
        return False

    def _build(self) -> None:
        tick = time.perf_counter()
        d = self.data
        n_s, n_c, n_y, n_k = d.n_shells, d.n_classes, d.n_years, self._segments
        m = pyo.ConcreteModel(name="orbitdc_deployment")
        m.S = pyo.RangeSet(0, n_s - 1)
        m.C = pyo.RangeSet(0, n_c - 1)
        m.Y = pyo.RangeSet(0, n_y - 1)
        m.K = pyo.RangeSet(0, n_k - 1)
        m.F = pyo.Set(initialize=FAMILIES, ordered=True)

        def mp(*index: Any) -> pyo.Param:
            return pyo.Param(*index, mutable=True, initialize=0.0)

        # Input parameters: pushed with update_parameters() after update(inputs).
        m.xub, m.ms, m.kc, m.cs, m.rs = (mp(m.S, m.C) for _ in range(5))
        m.sl = mp(m.C)
        m.fub, m.fy, m.sf = (mp(m.Y) for _ in range(3))
        m.lc = mp()
        m.cap, m.scap, m.dall, m.kq = (mp(m.S) for _ in range(4))
        m.g1, m.g0 = mp(m.S, m.K), mp(m.S, m.K)
        m.clq = mp(m.S, m.S)  # clq[i, j] = 1 if h_i <= h_j < h_i + spacing
        # Bounds of the refreshed rows (re-added on every solve, so they may be inf).
        m.by, m.sb, m.ctgt = (mp(m.Y) for _ in range(3))
        m.ktot, m.sbt, m.ctot, m.rcap, m.st, m.sr = (mp() for _ in range(6))
        # Method parameters: objective weights and elastic switches.
        m.wc, m.wr, m.wk, m.we = (mp() for _ in range(4))
        m.fw = mp(m.F)  # family weights of the elastic objective
        m.eon = mp(m.F)  # slack upper bounds: 0 (off) or inf (on)

        # ---- variables
        m.x = pyo.Var(m.S, m.C, m.Y, domain=pyo.NonNegativeIntegers,
                      bounds=lambda m, s, c, y: (0, m.xub[s, c]))
        m.f = pyo.Var(m.S, m.Y, domain=pyo.NonNegativeIntegers,
                      bounds=lambda m, s, y: (0, m.fub[y]))
        m.u = pyo.Var(m.S, domain=pyo.Binary)
        # Satellites in the shell. Integer (a sum of integers) on purpose: as a continuous column
        # HiGHS's presolve substitutes it into every chord row, and the denser rows slowed the
        # root cut loop of a 100-shell study about fivefold in our benchmark.
        m.N = pyo.Var(m.S, m.Y, domain=pyo.NonNegativeIntegers)
        m.z = pyo.Var(m.S, m.Y, domain=pyo.NonNegativeReals)  # chord(N^2) / capacity
        m.cy = pyo.Var(m.Y, domain=pyo.Reals)  # compute in service, / compute_unit
        m.ry = pyo.Var(m.Y, domain=pyo.Reals)  # risk, / risk_unit
        m.ky = pyo.Var(m.Y, domain=pyo.Reals)  # spending, / cost_unit

        def slack(fam: str, *index: Any) -> pyo.Var:
            return pyo.Var(*index, domain=pyo.NonNegativeReals, bounds=(0, m.eon[fam]))

        m.e_tgt = slack("compute_target", m.Y)
        m.e_bud = slack("budget_per_year", m.Y)
        m.e_btot = slack("budget_total")
        m.e_cad = slack("cadence", m.Y)
        m.e_cap = slack("capacity", m.S, m.Y)
        m.e_risk = slack("risk_cap")
        m.e_sp = slack("spacing", m.S)
        m.e_disp = slack("disposal", m.S)

        life = [int(v) for v in d.life_years]
        x, f, n_sat, u = m.x, m.f, m.N, m.u

        # ---- structural rows (constant coefficients)
        # Satellites of class c in service in year y: launches of the last L_c years. Summed
        # in place (no variable per shell, class and year: fewer rows for Pyomo to hand over).
        windows = [[list(range(max(0, y - life[c] + 1), y + 1)) for y in range(n_y)]
                   for c in range(n_c)]

        def active(s: int, c: int, y: int) -> list[Any]:
            return [x[s, c, w] for w in windows[c][y]]

        m.n_def = pyo.Constraint(
            m.S, m.Y,
            rule=lambda m, s, y: n_sat[s, y]
            - quicksum(v for c in m.C for v in active(s, c, y)) == 0)

        # ---- rows with input coefficients (pushed by update_parameters)
        m.payload = pyo.Constraint(
            m.S, m.Y,
            rule=lambda m, s, y: quicksum(m.ms[s, c] * x[s, c, y] for c in m.C) - f[s, y] <= 0)
        m.slots = pyo.Constraint(
            m.S, m.Y,
            rule=lambda m, s, y: quicksum(m.sl[c] * x[s, c, y] for c in m.C) - f[s, y] <= 0)
        m.cadence = pyo.Constraint(
            m.Y, rule=lambda m, y: quicksum(f[s, y] for s in m.S) - m.sf[y] * m.e_cad[y]
            <= m.fy[y])
        m.capacity = pyo.Constraint(
            m.S, m.Y, rule=lambda m, s, y: n_sat[s, y] - m.cap[s] * u[s]
            - m.scap[s] * m.e_cap[s, y] <= 0)
        # Perspective chords of N^2 (scaled by 1/capacity): z >= g1 N - g0 u. With u = 1 these
        # are the chords; with a fractional u in the LP they charge N as if packed into a
        # u-fraction of the shell, so spreading satellites thinly over many half-used shells
        # no longer looks cheap (Frangioni & Gentile 2006). With u = 0, N = 0 and z >= 0.
        m.pwl = pyo.Constraint(
            m.S, m.Y, m.K,
            rule=lambda m, s, y, k: m.z[s, y] - m.g1[s, k] * n_sat[s, y] + m.g0[s, k] * u[s]
            >= 0)
        # Spacing as cliques: shells within one spacing window above shell i conflict pairwise
        # (an interval graph), so one row per window is exact and tighter than pairs.
        m.spacing = pyo.Constraint(
            m.S, rule=lambda m, i: quicksum(m.clq[i, j] * u[j] for j in m.S) - m.e_sp[i] <= 1)
        m.disposal = pyo.Constraint(m.S, rule=lambda m, s: m.u[s] - m.e_disp[s] <= m.dall[s])
        m.compute_def = pyo.Constraint(
            m.Y, rule=lambda m, y: m.cy[y]
            - quicksum(m.cs[s, c] * v for s in m.S for c in m.C for v in active(s, c, y)) == 0)
        m.risk_def = pyo.Constraint(
            m.Y, rule=lambda m, y: m.ry[y]
            - quicksum(m.rs[s, c] * v for s in m.S for c in m.C for v in active(s, c, y))
            - quicksum(m.kq[s] * m.z[s, y] for s in m.S) == 0)
        m.spend_def = pyo.Constraint(
            m.Y, rule=lambda m, y: m.ky[y] - m.lc * quicksum(f[s, y] for s in m.S)
            - quicksum(m.kc[s, c] * x[s, c, y] for s in m.S for c in m.C) == 0)

        # ---- refreshed rows: few nonzeros, bounds set by the method (maybe inf)
        m.budget_year = pyo.Constraint(
            m.Y, rule=lambda m, y: m.ky[y] - m.sb[y] * m.e_bud[y] <= m.by[y])
        m.budget_total = pyo.Constraint(
            expr=quicksum(m.ky[y] for y in m.Y) - m.sbt * m.e_btot <= m.ktot)
        m.compute_year = pyo.Constraint(
            m.Y, rule=lambda m, y: m.cy[y] + m.st * m.e_tgt[y] >= m.ctgt[y])
        m.compute_total = pyo.Constraint(expr=quicksum(m.cy[y] for y in m.Y) >= m.ctot)
        m.risk_cap = pyo.Constraint(
            expr=quicksum(m.ry[y] for y in m.Y) - m.sr * m.e_risk <= m.rcap)
        self._refreshed = [
            *m.budget_year.values(), m.budget_total, *m.compute_year.values(),
            m.compute_total, m.risk_cap,
        ]

        # ---- one objective; methods change only its weights
        fw = m.fw
        elastic = (
            fw["compute_target"] * quicksum(m.e_tgt[y] for y in m.Y)
            + fw["budget_per_year"] * quicksum(m.e_bud[y] for y in m.Y)
            + fw["budget_total"] * m.e_btot
            + fw["cadence"] * quicksum(m.e_cad[y] for y in m.Y)
            + fw["capacity"] * quicksum(m.e_cap[s, y] for s in m.S for y in m.Y)
            + fw["risk_cap"] * m.e_risk
            + fw["spacing"] * quicksum(m.e_sp[s] for s in m.S)
            + fw["disposal"] * quicksum(m.e_disp[s] for s in m.S)
        )
        m.obj = pyo.Objective(
            expr=m.wc * quicksum(m.cy[y] for y in m.Y) - m.wr * quicksum(m.ry[y] for y in m.Y)
            - m.wk * quicksum(m.ky[y] for y in m.Y) - m.we * elastic,
            sense=pyo.maximize,
        )

        self.model = m
        self._x_list = [x[s, c, y] for s in range(n_s) for c in range(n_c) for y in range(n_y)]
        self._z_list = [m.z[s, y] for s in range(n_s) for y in range(n_y)]
        self._slack_vars = {
            "compute_target": [m.e_tgt[y] for y in range(n_y)],
            "budget_per_year": [m.e_bud[y] for y in range(n_y)],
            "budget_total": [m.e_btot],
            "cadence": [m.e_cad[y] for y in range(n_y)],
            "capacity": [m.e_cap[s, y] for s in range(n_s) for y in range(n_y)],
            "risk_cap": [m.e_risk],
            "spacing": [m.e_sp[s] for s in range(n_s)],
            "disposal": [m.e_disp[s] for s in range(n_s)],
        }
        self._set_input_params()
        self._eon_state: dict[str, float] = {fam: 0.0 for fam in FAMILIES}
        self.build_s = time.perf_counter() - tick

        tick = time.perf_counter()
        self.solver = SolverFactory("highs")
        for name in _AUTO_UPDATES:
            setattr(self.solver.config.auto_updates, name, False)
        with quiet():
            self.solver.set_instance(m)
        self.transfer_s = time.perf_counter() - tick
        self._pending_build_s = self.build_s
        self._pending_s = self.transfer_s
        self.builds += 1

    # ---- parameters --------------------------------------------------------------------------
    def _set_input_params(self) -> None:
        """Write every coefficient of ``self.data`` into the model's mutable parameters."""
        d, m = self.data, self.model
        n_s, n_c, n_y, n_k = d.n_shells, d.n_classes, d.n_years, self._segments
        ru, ku, cu = d.risk_unit, d.cost_unit, d.compute_unit
        sc = [(s, c) for s in range(n_s) for c in range(n_c)]
        years, shells = range(n_y), range(n_s)

        def put(param: Any, keys: Sequence[Any], values: Any) -> None:
            vals = np.broadcast_to(np.asarray(values, dtype=float), (len(keys),))
            param.store_values(dict(zip(keys, vals.tolist(), strict=True)))

        allowed = d.allowed
        cap = d.capacity_sats.astype(float)
        put(m.xub, sc, np.where(allowed, cap[:, None], 0.0).ravel())
        payload = np.where(d.payload_kg > 0, d.payload_kg, 1.0)
        put(m.ms, sc, np.where(allowed, d.mass_kg / payload[:, None], 0.0).ravel())
        put(m.kc, sc, np.where(allowed, d.cost_usd / ku, 0.0).ravel())
        put(m.cs, sc, np.where(allowed, d.compute_pflops / cu, 0.0).ravel())
        put(m.rs, sc, np.where(allowed, d.risk_per_sat_year / ru, 0.0).ravel())
        put(m.sl, range(n_c), 1.0 / d.slots)
        put(m.fub, years, np.floor(d.flights_per_year + 1e-9))
        put(m.fy, years, d.flights_per_year)
        put(m.sf, years, np.maximum(d.flights_per_year, 1.0))
        m.lc.set_value(d.launch_cost_usd / ku)
        put(m.cap, shells, cap)
        put(m.scap, shells, np.maximum(cap, 1.0))
        put(m.dall, shells, d.shell_usable.astype(float))

        b = np.stack([pwl.breakpoints(int(c), n_k) for c in d.capacity_sats])
        self._breakpoints = b
        slope, intercept = pwl.chord_lines(b)
        inv = 1.0 / np.maximum(cap, 1.0)
        sk = [(s, k) for s in shells for k in range(n_k)]
        put(m.g1, sk, (slope * inv[:, None]).ravel())
        put(m.g0, sk, (intercept * inv[:, None]).ravel())
        # z holds chord(N^2) / capacity, so its risk coefficient is k * capacity.
        put(m.kq, shells, d.intra_k * cap / ru)

        h = d.altitude_km
        window = (h[None, :] >= h[:, None]) & (h[None, :] < h[:, None] + d.min_spacing_km)
        np.fill_diagonal(window, True)
        put(m.clq, [(i, j) for i in shells for j in shells], window.astype(float).ravel())

        # Slacks are fractions of the bound they relax; the scale of each row's bound:
        by = d.budget_usd_per_year
        put(m.sb, years, np.maximum(by if by is not None else 0.0, ku) / ku)

    def _set_method_params(self, weights: Weights, limits: Limits,
                           elastic: Mapping[str, float] | None) -> list[Any]:
        """Set weights, refreshed-row bounds and slack switches; return slacks to re-bound."""
        d, m = self.data, self.model
        m.wc.set_value(weights.compute)
        m.wr.set_value(weights.risk)
        m.wk.set_value(weights.cost)
        m.we.set_value(weights.elastic)
        by = d.budget_usd_per_year
        put_y = {y: (_INF if by is None else float(by[y]) / d.cost_unit)
                 for y in range(d.n_years)}
        m.by.store_values(put_y)
        # Each refreshed row's slack counts in units of its bound (or of one unit if off).
        caps = [c for c in (d.risk_cap, limits.risk_cap) if c is not None]
        m.rcap.set_value(min(caps) / d.risk_unit if caps else _INF)
        m.sr.set_value(min(caps) / d.risk_unit if caps else 1.0)
        kcaps = [c for c in (d.budget_usd_total, limits.cost_cap_usd) if c is not None]
        m.ktot.set_value(min(kcaps) / d.cost_unit if kcaps else _INF)
        m.sbt.set_value(max(min(kcaps), d.cost_unit) / d.cost_unit if kcaps else 1.0)
        cm = limits.compute_min_pflop_years
        m.ctot.set_value(-_INF if cm is None else cm / d.compute_unit)
        target, t_idx = self.target(limits)
        ct = {y: -_INF for y in range(d.n_years)}
        m.st.set_value(1.0)
        if target is not None and t_idx is not None:
            ct[t_idx] = target / d.compute_unit
            m.st.set_value(target / d.compute_unit)
        m.ctgt.store_values(ct)

        on = elastic or {}
        rebound: list[Any] = []
        for fam in FAMILIES:
            w = float(on.get(fam, 0.0))
            if w < 0 or not math.isfinite(w):
                raise InputError(f"weights[{fam!r}]", w, "must be >= 0 and finite")
            m.fw[fam].set_value(w)
            eon = _INF if w > 0 else 0.0
            if eon != self._eon_state[fam]:
                m.eon[fam].set_value(eon)
                self._eon_state[fam] = eon
                rebound.extend(self._slack_vars[fam])
        return rebound

    def target(self, limits: Limits | None = None) -> tuple[float | None, int | None]:
        """Compute target [PFLOP/s] and its year index in force (limits override inputs)."""
        lim = limits or Limits()
        if lim.compute_target_pflops is not None:
            year = lim.target_year
            if year is None:
                idx = self.data.target_index
                if idx is None:
                    idx = self.data.n_years - 1
            elif year in self.data.years:
                idx = self.data.years.index(year)
            else:
                raise InputError("target_year", year,
                                 f"must be in {self.data.years[0]}..{self.data.years[-1]}")
            return lim.compute_target_pflops, idx
        return self.data.compute_target_pflops, self.data.target_index

    def _push(self, rebound: list[Any]) -> None:
        """Send the method's changes to HiGHS through the persistent interface."""
        opt = self.solver
        with quiet():
            opt.remove_constraints(self._refreshed)
            opt.add_constraints(self._refreshed)
            if rebound:
                opt.update_variables(rebound)
            opt.set_objective(self.model.obj)

    # ---- solving -----------------------------------------------------------------------------
    def solve(
        self,
        *,
        label: str,
        weights: Weights,
        spec: ObjectiveSpec,
        limits: Limits | None = None,
        elastic: Mapping[str, float] | None = None,
        abs_gap: float | None = None,
        options: SolverOptions | None = None,
    ) -> Solution:
        """One MILP solve with the given objective weights and extra limits.

        The building block of :mod:`orbitdc.deploy.objectives` and
        :mod:`orbitdc.deploy.diagnose`. ``abs_gap`` is in the natural units of ``spec``;
        ``elastic`` maps constraint families to slack weights (a diagnosis).
        """
        lim = limits or Limits()
        tick = time.perf_counter()
        rebound = self._set_method_params(weights, lim, elastic)
        self._push(rebound)
        transfer = self._pending_s + time.perf_counter() - tick
        build = self._pending_build_s
        self._pending_s = self._pending_build_s = 0.0
        record, results = run_highs(
            self.solver, self.model, options or self.options, label=label, spec=spec,
            abs_gap_internal=None if abs_gap is None else abs_gap / spec.scale,
            build_s=build, transfer_s=transfer,
        )
        self.last_log = results.solver_log
        if not record.has_solution:
            return Solution(record, None, None, {})
        d = self.data
        loader = results.solution_loader
        xv = _values(loader, self._x_list)
        plan = Plan.from_launches(d, xv.reshape(d.n_shells, d.n_classes, d.n_years),
                                  self._breakpoints, label=label, records=(record,))
        zv = _values(loader, self._z_list).reshape(d.n_shells, d.n_years)
        intra = (d.intra_k * d.capacity_sats)[:, None] * zv
        slacks: dict[str, np.ndarray] = {}
        if elastic is not None:
            for fam, lst in self._slack_vars.items():
                slacks[fam] = _values(loader, lst) if lst else np.zeros(0)
        return Solution(record, plan, intra, slacks)

    # ---- methods (see objectives.py / diagnose.py) ------------------------------------------
    def maximize_ratio(self, *, max_iterations: int = 30) -> RatioResult:
        """Most compute per unit risk (Dinkelbach); needs ``compute_target_pflops``."""
        from orbitdc.deploy.objectives import maximize_ratio

        return maximize_ratio(self, max_iterations=max_iterations)

    def maximize_compute(self, risk_cap: float | None = None) -> Plan:
        """Most compute over the horizon, then the least risk at that compute."""
        from orbitdc.deploy.objectives import maximize_compute

        return maximize_compute(self, risk_cap=risk_cap)

    def pareto(self, points: int, with_cost: bool = False, *, cost_points: int | None = None,
               method: str = "augmecon") -> ParetoFront:
        """Compute-vs-risk front by the epsilon-constraint method (optionally x cost caps)."""
        from orbitdc.deploy.objectives import pareto

        return pareto(self, points, with_cost=with_cost, cost_points=cost_points, method=method)

    def min_cost(self, compute_target: float | None = None,
                 risk_cap: float | None = None) -> Plan:
        """Least launch + manufacturing cost that meets a compute target under a risk cap."""
        from orbitdc.deploy.objectives import min_cost

        return min_cost(self, compute_target, risk_cap)

    def diagnose_infeasibility(self, limits: Limits | None = None,
                               weights: Mapping[str, float] | None = None) -> Diagnosis:
        """Which constraint families block the study, and by how much."""
        from orbitdc.deploy.diagnose import diagnose

        return diagnose(self, limits or Limits(), weights)

    def with_options(self, **changes: Any) -> SolverOptions:
        """Return a copy of the solver options with some fields changed."""
        return replace(self.options, **changes)


def _values(loader: Any, variables: list[Any]) -> np.ndarray:
    """Solution values of ``variables`` in order, as a float array."""
    got = loader.get_vars(variables)
    return np.fromiter((got[v] for v in variables), dtype=float, count=len(variables))
