"""The deployment MILP as a Pyomo model: the source of truth of ``design/deployment_model.md``.

Every set, parameter, variable and constraint carries the document's symbol as a full name;
the sets are labelled (shell keys, class names, calendar years), so LP files and solutions name
``launches[550km-53,S100,2031]`` rather than ``x[3,0,3]``. Every number is a mutable
``Param``, filled from :func:`input_values` (the inputs) and :func:`method_values` (what one
solve optimises and under which limits), so the structure alone fixes the model.

The solver does not receive this model through Pyomo's persistent interface: at 45,000 rows
its per-row walk took 7 s. :mod:`orbitdc.deploy.handover` assembles the same rows from the
same parameter values with numpy and passes the matrix to HiGHS in one call;
``tests/test_deploy_handover.py`` compiles this model with Pyomo's HiGHS interface and checks
that both give HiGHS the identical model (columns, rows, coefficients, bounds, costs).

Symbols (document -> Pyomo -> unit; ``u_C``, ``u_R``, ``u_K`` are the compute, risk and cost
units of section 2, so scaled quantities are of order one):

===================  ============================  ========================================
document             Pyomo                         unit
===================  ============================  ========================================
``S``                ``S``                         shell keys
``C``                ``C``                         size-class names
``Y``                ``Y``                         calendar years
``K``                ``K``                         chord segments 0..K-1
``F``                ``F``                         relaxable families (:mod:`.families`)
``B``                ``B``                         bins under the sustainability limit
``Cap_s allowed``    ``launch_max[S,C]``           satellites (upper bound of ``launches``)
``m_sc / P_s``       ``mass_per_payload[S,C]``     flights per satellite
``q_sc / u_K``       ``satellite_cost[S,C]``       cost units per satellite
``p_sc / u_C``       ``satellite_compute[S,C]``    compute units per satellite
``r_sc / u_R``       ``satellite_risk[S,C]``       risk units per satellite-year
``1 / M_c``          ``slot_share[C]``             flights per satellite
``floor(F_y)``       ``flights_max[Y]``            flights (upper bound of ``flights``)
``F_y``              ``flights_per_year[Y]``       flights
``max(F_y, 1)``      ``cadence_scale[Y]``          flights (slack unit)
``Q_L / u_K``        ``launch_cost``               cost units per flight
``Cap_s``            ``capacity_sats[S]``          satellites (largest class capacity)
``Cap_s / Cap_sc``   ``slot_weight[S,C]``          slots per satellite of class c
``max(Cap_s, 1)``    ``capacity_scale[S]``         satellites (slack unit)
``D_s or A``         ``disposal_allowed[S]``       0/1
``k_s Cap_s / u_R``  ``intra_risk[S]``             risk units per unit of ``crowding``
``g_sk / Cap_s``     ``chord_slope[S,K]``          1
``h_sk / Cap_s``     ``chord_intercept[S,K]``      satellites
``[h_i<=h_j<h_i+d]`` ``spacing_clique[S,S]``       0/1
``B_y / u_K``        ``budget_per_year_max[Y]``    cost units (``inf``: no budget)
``max(B_y,u_K)/u_K`` ``budget_per_year_scale[Y]``  cost units (slack unit)
``min(B, kappa)/u_K`` ``budget_total_max``         cost units (``inf``: no cap)
``max(B,u_K)/u_K``   ``budget_total_scale``        cost units (slack unit)
``T / u_C`` at y_T   ``compute_target_min[Y]``     compute units (``-inf`` other years, but
                                                   from y_T on when the target is held)
``T / u_C``          ``compute_target_scale``      compute units (slack unit)
``C_min / u_C``      ``compute_floor``             compute units x yr (``-inf``: off)
``min(R, eps)/u_R``  ``risk_cap_max``              risk units (``inf``: no cap)
``R / u_R``          ``risk_cap_scale``            risk units (slack unit)
``w_c``              ``weight_compute``            objective weight of compute
``w_r``              ``weight_risk``               objective weight of risk
``w_k``              ``weight_cost``               objective weight of cost
``w_e``              ``weight_elastic``            objective weight of the elastic slacks
``w_f``              ``family_weight[F]``          elastic weight of a family (0: not relaxed)
(on/off)             ``slack_max[F]``              0, or ``inf`` while diagnosing
``x[s,c,y]``         ``launches[S,C,Y]``           satellites, integer
``f[s,y]``           ``flights[S,Y]``              flights, integer
``u[s]``             ``used[S]``                   binary
``N[s,y]``           ``population[S,Y]``           satellites, integer
``z[s,y]``           ``crowding[S,Y]``             satellites (chord of ``N^2``, / ``Cap_s``)
``cy[y]``            ``compute[Y]``                compute units in service in a year
``ry[y]``            ``risk[Y]``                   risk units of a year
``ky[y]``            ``spending[Y]``               cost units spent in a year
``e_f``              ``slack_<family>``            fraction of the relaxed bound
``e_bscy``           ``sustainability_per_launch[B,S,C,Y]``  fragments / satellite launched
``G_b``              ``sustainability_max[B]``     fragments (the linearised cap)
``max(|G_b|, 1)``    ``sustainability_scale[B]``   fragments (slack unit)
===================  ============================  ========================================

Constraints (section 4), in the order HiGHS receives them: ``shell_population[S,Y]``,
``payload_per_flight[S,Y]``, ``slots_per_flight[S,Y]``, ``cadence[Y]``, ``capacity[S,Y]``,
``chords[S,Y,K]``, ``spacing[S]``, ``disposal[S]``, ``sustainability[B]``,
``compute_in_service[Y]``,
``risk_in_service[Y]``, ``spending_in_year[Y]``, and last the rows whose bounds a method sets
(:data:`METHOD_ROWS`): ``budget_per_year[Y]``, ``budget_total``, ``compute_target[Y]``,
``compute_total``, ``risk_cap``. The relaxable families
(:data:`~orbitdc.deploy.families.REGISTRY`) carry their slack; the objective is
``objective``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.core.util import quicksum

from orbitdc.deploy import pwl
from orbitdc.deploy.data import ModelData
from orbitdc.deploy.families import BY_NAME, FAMILIES, REGISTRY
from orbitdc.deploy.types import Limits, Weights, tightest
from orbitdc.errors import InputError

_INF = math.inf

#: Rows whose bounds (and slack units) a method sets; they are the model's last rows.
METHOD_ROWS = ("budget_per_year", "budget_total", "compute_target", "compute_total", "risk_cap")


@dataclass(frozen=True)
class Param:
    """One mutable parameter: its Pyomo name and the sets that index it."""

    name: str
    index: tuple[str, ...] = ()


#: Parameters that come from the inputs (:func:`input_values`).
INPUT_PARAMS = (
    Param("launch_max", ("S", "C")), Param("mass_per_payload", ("S", "C")),
    Param("satellite_cost", ("S", "C")), Param("satellite_compute", ("S", "C")),
    Param("satellite_risk", ("S", "C")), Param("slot_share", ("C",)),
    Param("flights_max", ("Y",)), Param("flights_per_year", ("Y",)),
    Param("cadence_scale", ("Y",)), Param("launch_cost"), Param("capacity_sats", ("S",)),
    Param("slot_weight", ("S", "C")),
    Param("capacity_scale", ("S",)), Param("disposal_allowed", ("S",)),
    Param("intra_risk", ("S",)), Param("chord_slope", ("S", "K")),
    Param("chord_intercept", ("S", "K")), Param("spacing_clique", ("S", "S")),
    Param("budget_per_year_scale", ("Y",)),
    Param("sustainability_per_launch", ("B", "S", "C", "Y")),
    Param("sustainability_max", ("B",)), Param("sustainability_scale", ("B",)),
)

#: Parameters a method sets before each solve (:func:`method_values`).
METHOD_PARAMS = (
    Param("budget_per_year_max", ("Y",)), Param("budget_total_max"),
    Param("budget_total_scale"), Param("compute_target_min", ("Y",)),
    Param("compute_target_scale"), Param("compute_floor"), Param("risk_cap_max"),
    Param("risk_cap_scale"), Param("weight_compute"), Param("weight_risk"),
    Param("weight_cost"), Param("weight_elastic"), Param("family_weight", ("F",)),
    Param("slack_max", ("F",)),
)

#: The index sets of every parameter, by name.
PARAM_INDEX = {p.name: p.index for p in INPUT_PARAMS + METHOD_PARAMS}

Values = dict[str, np.ndarray]


@dataclass(frozen=True)
class Sets:
    """The labelled index sets of one structure, in model order."""

    S: tuple[str, ...]
    C: tuple[str, ...]
    Y: tuple[int, ...]
    K: tuple[int, ...]
    F: tuple[str, ...] = FAMILIES
    B: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: ModelData, segments: int) -> Sets:
        """Sets of ``data`` with ``segments`` chord segments per shell."""
        return cls(data.shell_keys, data.class_names, data.years, tuple(range(segments)),
                   B=data.sustainability_bins)

    def windows(self, life_years: np.ndarray) -> list[list[list[int]]]:
        """``W_c(y)`` as year positions: launches of class c in service in year position t."""
        n_y = len(self.Y)
        return [[list(range(max(0, t - int(life) + 1), t + 1)) for t in range(n_y)]
                for life in life_years]


def input_values(data: ModelData, breakpoints: np.ndarray) -> Values:
    """Every input parameter as an array over its index sets (positional, model order).

    Parameters
    ----------
    data : ModelData
    breakpoints : array (S, K + 1) [satellites]
        Chord breakpoints (:func:`orbitdc.deploy.pwl.breakpoints`).
    """
    d = data
    ku, cu, ru = d.cost_unit, d.compute_unit, d.risk_unit
    allowed = d.allowed
    cap = d.capacity_sats.astype(float)
    payload = np.where(d.payload_kg > 0, d.payload_kg, 1.0)
    slope, intercept = pwl.chord_lines(breakpoints)
    inv = 1.0 / np.maximum(cap, 1.0)
    h = d.altitude_km
    clique = (h[None, :] >= h[:, None]) & (h[None, :] < h[:, None] + d.min_spacing_km)
    np.fill_diagonal(clique, True)
    by = d.budget_usd_per_year
    n_b = len(d.sustainability_bins)
    per_launch = (np.zeros((n_b, d.n_shells, d.n_classes, d.n_years))
                  if d.sustainability_per_launch is None else d.sustainability_per_launch)
    cap_b = np.zeros(n_b) if d.sustainability_cap is None else d.sustainability_cap
    return {
        "launch_max": np.where(allowed, d.class_capacity.astype(float), 0.0),
        "mass_per_payload": np.where(allowed, d.mass_kg / payload[:, None], 0.0),
        "satellite_cost": np.where(allowed, d.cost_usd / ku, 0.0),
        "satellite_compute": np.where(allowed, d.compute_pflops / cu, 0.0),
        "satellite_risk": np.where(allowed, d.risk_per_sat_year / ru, 0.0),
        "slot_share": 1.0 / d.slots,
        "flights_max": np.floor(d.flights_per_year + 1e-9),
        "flights_per_year": np.asarray(d.flights_per_year, dtype=float),
        "cadence_scale": np.maximum(d.flights_per_year, 1.0),
        "launch_cost": np.asarray(d.launch_cost_usd / ku),
        "capacity_sats": cap,
        "slot_weight": d.slot_weight,
        "capacity_scale": np.maximum(cap, 1.0),
        "disposal_allowed": d.shell_usable.astype(float),
        # crowding holds chord(N^2) / capacity, so its risk coefficient is k * capacity.
        "intra_risk": d.intra_k * cap / ru,
        "chord_slope": slope * inv[:, None],
        "chord_intercept": intercept * inv[:, None],
        "spacing_clique": clique.astype(float),
        "budget_per_year_scale": np.broadcast_to(
            np.maximum(by if by is not None else 0.0, ku) / ku, (d.n_years,)),
        # only launches of allowed pairs can exist; the limit reads them in fragments
        "sustainability_per_launch": np.where(allowed[None, :, :, None], per_launch, 0.0),
        "sustainability_max": np.asarray(cap_b, dtype=float),
        "sustainability_scale": np.maximum(np.abs(cap_b), 1.0),
    }


def method_values(data: ModelData, weights: Weights, limits: Limits,
                  target: tuple[float | None, int | None],
                  elastic: Mapping[str, float] | None) -> Values:
    """Objective weights, the bounds of :data:`METHOD_ROWS` and the slack switches.

    Parameters
    ----------
    data : ModelData
    weights : Weights
    limits : Limits
    target : (float or None, int or None)
        The compute target [PFLOP/s] in force and its year position.
    elastic : mapping family -> weight, optional
        Families to relax (weight > 0) in a diagnosis; ``None`` relaxes none.

    Raises
    ------
    InputError
        Naming ``weights[<family>]`` if a weight is negative or not finite.
    """
    d = data
    by = d.budget_usd_per_year
    risk_cap = tightest(d.risk_cap, limits.risk_cap)
    cost_cap = tightest(d.budget_usd_total, limits.cost_cap_usd)
    floor = limits.compute_min_pflop_years
    t_value, t_idx = target
    target_min = np.full(d.n_years, -_INF)
    target_scale = 1.0
    if t_value is not None and t_idx is not None:
        held = d.n_years if d.inputs.hold_target_through_horizon else t_idx + 1
        target_min[t_idx:held] = t_value / d.compute_unit
        target_scale = t_value / d.compute_unit
    on = elastic or {}
    family_weight = np.zeros(len(FAMILIES))
    for i, fam in enumerate(FAMILIES):
        w = float(on.get(fam, 0.0))
        if w < 0 or not math.isfinite(w):
            raise InputError(f"weights[{fam!r}]", w, "must be >= 0 and finite")
        family_weight[i] = w
    # Each method row's slack counts in units of its bound (or of one unit if it is off).
    return {
        "budget_per_year_max": (np.full(d.n_years, _INF) if by is None
                                else np.asarray(by, dtype=float) / d.cost_unit),
        "budget_total_max": np.asarray(_INF if cost_cap is None else cost_cap / d.cost_unit),
        "budget_total_scale": np.asarray(
            1.0 if cost_cap is None else max(cost_cap, d.cost_unit) / d.cost_unit),
        "compute_target_min": target_min,
        "compute_target_scale": np.asarray(target_scale),
        "compute_floor": np.asarray(-_INF if floor is None else floor / d.compute_unit),
        "risk_cap_max": np.asarray(_INF if risk_cap is None else risk_cap / d.risk_unit),
        "risk_cap_scale": np.asarray(1.0 if risk_cap is None else risk_cap / d.risk_unit),
        "weight_compute": np.asarray(float(weights.compute)),
        "weight_risk": np.asarray(float(weights.risk)),
        "weight_cost": np.asarray(float(weights.cost)),
        "weight_elastic": np.asarray(float(weights.elastic)),
        "family_weight": family_weight,
        "slack_max": np.where(family_weight > 0, _INF, 0.0),
    }


def _labelled(sets: Sets, param: Param, values: np.ndarray) -> dict[Any, float]:
    """``{label tuple: value}`` of an array over ``param.index``."""
    axes = [getattr(sets, name) for name in param.index]
    arr = np.broadcast_to(np.asarray(values, dtype=float), tuple(len(a) for a in axes))
    flat = arr.ravel().tolist()
    if len(axes) == 1:
        return dict(zip(axes[0], flat, strict=True))
    grid = np.array(np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij"))
    keys = [tuple(axes[k][i] for k, i in enumerate(pos)) for pos in grid.reshape(len(axes), -1).T]
    return dict(zip(keys, flat, strict=True))


def set_values(m: pyo.ConcreteModel, sets: Sets, values: Values) -> None:
    """Store ``values`` (from :func:`input_values` / :func:`method_values`) in ``m``'s Params."""
    for param in INPUT_PARAMS + METHOD_PARAMS:
        if param.name not in values:
            continue
        component = getattr(m, param.name)
        if param.index:
            component.store_values(_labelled(sets, param, values[param.name]))
        else:
            component.set_value(float(values[param.name]))


def build_pyomo(sets: Sets, life_years: np.ndarray) -> pyo.ConcreteModel:
    """The deployment MILP over ``sets`` with every parameter 0 (fill with :func:`set_values`).

    Parameters
    ----------
    sets : Sets
    life_years : int array (C,) [yr]
        Design lives ``L_c``: they fix which launches are in service in which year.
    """
    m = pyo.ConcreteModel(name="orbitdc_deployment")
    _declare_sets(m, sets)
    _declare_parameters(m)
    _declare_variables(m)
    _declare_structure_rows(m, sets, life_years)
    _declare_method_rows(m)
    _declare_objective(m)
    missing = [f.name for f in REGISTRY if not isinstance(getattr(m, f.name, None),
                                                          pyo.Constraint)]
    if missing:
        raise TypeError(f"constraint families without rows: {missing}")
    return m


def _declare_sets(m: pyo.ConcreteModel, sets: Sets) -> None:
    m.S = pyo.Set(initialize=sets.S, ordered=True, doc="candidate shells (keys)")
    m.C = pyo.Set(initialize=sets.C, ordered=True, doc="size classes (names)")
    m.Y = pyo.Set(initialize=sets.Y, ordered=True, doc="years of the horizon")
    m.K = pyo.Set(initialize=sets.K, ordered=True, doc="chord segments")
    m.F = pyo.Set(initialize=sets.F, ordered=True, doc="relaxable constraint families")
    m.B = pyo.Set(initialize=sets.B, ordered=True, doc="bins under the sustainability limit")


def _declare_parameters(m: pyo.ConcreteModel) -> None:
    for param in INPUT_PARAMS + METHOD_PARAMS:
        index = [getattr(m, name) for name in param.index]
        m.add_component(param.name, pyo.Param(*index, mutable=True, initialize=0.0))


def _declare_variables(m: pyo.ConcreteModel) -> None:
    m.launches = pyo.Var(m.S, m.C, m.Y, domain=pyo.NonNegativeIntegers,
                         bounds=lambda m, s, c, y: (0, m.launch_max[s, c]))
    m.flights = pyo.Var(m.S, m.Y, domain=pyo.NonNegativeIntegers,
                        bounds=lambda m, s, y: (0, m.flights_max[y]))
    m.used = pyo.Var(m.S, domain=pyo.Binary)
    # Satellites in the shell. Integer (a sum of integers) on purpose: as a continuous column
    # HiGHS's presolve substitutes it into every chord row, and the denser rows slowed the
    # root cut loop of a 100-shell study about fivefold in our benchmark.
    m.population = pyo.Var(m.S, m.Y, domain=pyo.NonNegativeIntegers)
    m.crowding = pyo.Var(m.S, m.Y, domain=pyo.NonNegativeReals)
    m.compute = pyo.Var(m.Y, domain=pyo.Reals)
    m.risk = pyo.Var(m.Y, domain=pyo.Reals)
    m.spending = pyo.Var(m.Y, domain=pyo.Reals)
    for fam in REGISTRY:
        index = [getattr(m, name) for name in fam.index]
        m.add_component(f"slack_{fam.name}", pyo.Var(
            *index, domain=pyo.NonNegativeReals, bounds=(0, m.slack_max[fam.name])))


def _at(component: Any, index: tuple[Any, ...]) -> Any:
    """``component[index]`` for an index tuple of any length (``()``: a scalar)."""
    if not index:
        return component[None]
    return component[index[0] if len(index) == 1 else index]


def relax(m: pyo.ConcreteModel, family: str, *index: Any) -> Any:
    """The elastic term of a family's row: its slack times the bound it relaxes.

    The scale parameter is indexed by a prefix of the family's sets (``capacity_scale[s]``
    for the slack ``slack_capacity[s, y]``).
    """
    slack = _at(getattr(m, f"slack_{family}"), index)
    scale = BY_NAME[family].scale
    if scale is None:
        return slack
    return _at(getattr(m, scale), index[:len(PARAM_INDEX[scale])]) * slack


def _declare_structure_rows(m: pyo.ConcreteModel, sets: Sets, life_years: np.ndarray) -> None:
    # W_c(y): launches of the last L_c years are in service (summed in place: no variable).
    pos = sets.windows(life_years)
    years = sets.Y
    window = {(c, y): [years[t] for t in pos[j][i]]
              for j, c in enumerate(sets.C) for i, y in enumerate(years)}

    def in_service(s: str, c: str, y: int) -> list[Any]:
        return [m.launches[s, c, w] for w in window[c, y]]

    @m.Constraint(m.S, m.Y)
    def shell_population(m: Any, s: str, y: int) -> Any:
        return m.population[s, y] - quicksum(v for c in m.C for v in in_service(s, c, y)) == 0

    @m.Constraint(m.S, m.Y)
    def payload_per_flight(m: Any, s: str, y: int) -> Any:
        return quicksum(m.mass_per_payload[s, c] * m.launches[s, c, y] for c in m.C) \
            - m.flights[s, y] <= 0

    @m.Constraint(m.S, m.Y)
    def slots_per_flight(m: Any, s: str, y: int) -> Any:
        return quicksum(m.slot_share[c] * m.launches[s, c, y] for c in m.C) \
            - m.flights[s, y] <= 0

    @m.Constraint(m.Y)
    def cadence(m: Any, y: int) -> Any:
        return quicksum(m.flights[s, y] for s in m.S) - relax(m, "cadence", y) \
            <= m.flights_per_year[y]

    # Slots in use: a satellite of class c takes Cap_s / Cap_sc of the shell's Cap_s slots, so
    # the row is sum_c N_sc / Cap_sc <= u (occupancy) scaled by Cap_s.
    @m.Constraint(m.S, m.Y)
    def capacity(m: Any, s: str, y: int) -> Any:
        return quicksum(m.slot_weight[s, c] * v for c in m.C for v in in_service(s, c, y)) \
            - m.capacity_sats[s] * m.used[s] - relax(m, "capacity", s, y) <= 0

    # Perspective chords of N^2 (scaled by 1/capacity): z >= g N - h u. With u = 1 these are
    # the chords; with a fractional u in the LP they charge N as if packed into a u-fraction
    # of the shell, so spreading satellites thinly over many half-used shells no longer looks
    # cheap (Frangioni & Gentile 2006). With u = 0, N = 0 and z >= 0.
    @m.Constraint(m.S, m.Y, m.K)
    def chords(m: Any, s: str, y: int, k: int) -> Any:
        return m.crowding[s, y] - m.chord_slope[s, k] * m.population[s, y] \
            + m.chord_intercept[s, k] * m.used[s] >= 0

    # Spacing as cliques: shells within one spacing window above shell i conflict pairwise (an
    # interval graph), so one row per window is exact and tighter than pairs.
    @m.Constraint(m.S)
    def spacing(m: Any, i: str) -> Any:
        return quicksum(m.spacing_clique[i, j] * m.used[j] for j in m.S) \
            - relax(m, "spacing", i) <= 1

    @m.Constraint(m.S)
    def disposal(m: Any, s: str) -> Any:
        return m.used[s] - relax(m, "disposal", s) <= m.disposal_allowed[s]

    # Fragments the plan leaves in bin b at the end of the evolution, linearised around a plan
    # (design/environment.md): each launch counts with its fragments per satellite.
    @m.Constraint(m.B)
    def sustainability(m: Any, b: str) -> Any:
        return quicksum(m.sustainability_per_launch[b, s, c, y] * m.launches[s, c, y]
                        for s in m.S for c in m.C for y in m.Y) \
            - relax(m, "sustainability", b) <= m.sustainability_max[b]

    @m.Constraint(m.Y)
    def compute_in_service(m: Any, y: int) -> Any:
        return m.compute[y] - quicksum(m.satellite_compute[s, c] * v for s in m.S for c in m.C
                                       for v in in_service(s, c, y)) == 0

    @m.Constraint(m.Y)
    def risk_in_service(m: Any, y: int) -> Any:
        return m.risk[y] - quicksum(m.satellite_risk[s, c] * v for s in m.S for c in m.C
                                    for v in in_service(s, c, y)) \
            - quicksum(m.intra_risk[s] * m.crowding[s, y] for s in m.S) == 0

    @m.Constraint(m.Y)
    def spending_in_year(m: Any, y: int) -> Any:
        return m.spending[y] - m.launch_cost * quicksum(m.flights[s, y] for s in m.S) \
            - quicksum(m.satellite_cost[s, c] * m.launches[s, c, y] for s in m.S
                       for c in m.C) == 0


def _declare_method_rows(m: pyo.ConcreteModel) -> None:
    @m.Constraint(m.Y)
    def budget_per_year(m: Any, y: int) -> Any:
        return m.spending[y] - relax(m, "budget_per_year", y) <= m.budget_per_year_max[y]

    @m.Constraint()
    def budget_total(m: Any) -> Any:
        return quicksum(m.spending[y] for y in m.Y) - relax(m, "budget_total") \
            <= m.budget_total_max

    @m.Constraint(m.Y)
    def compute_target(m: Any, y: int) -> Any:
        return m.compute[y] + relax(m, "compute_target", y) >= m.compute_target_min[y]

    @m.Constraint()
    def compute_total(m: Any) -> Any:
        return quicksum(m.compute[y] for y in m.Y) >= m.compute_floor

    @m.Constraint()
    def risk_cap(m: Any) -> Any:
        return quicksum(m.risk[y] for y in m.Y) - relax(m, "risk_cap") <= m.risk_cap_max


def _declare_objective(m: pyo.ConcreteModel) -> None:
    elastic = quicksum(
        m.family_weight[fam.name] * quicksum(getattr(m, f"slack_{fam.name}").values())
        for fam in REGISTRY)

    @m.Objective(sense=pyo.maximize)
    def objective(m: Any) -> Any:
        return m.weight_compute * quicksum(m.compute[y] for y in m.Y) \
            - m.weight_risk * quicksum(m.risk[y] for y in m.Y) \
            - m.weight_cost * quicksum(m.spending[y] for y in m.Y) - m.weight_elastic * elastic
