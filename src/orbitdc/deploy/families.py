"""The relaxable constraint families of the deployment MILP: one registry.

Each :class:`Family` is one row family of ``design/deployment_model.md`` section 4 that the
infeasibility diagnosis may relax. The registry :data:`REGISTRY` drives

* the elastic slack ``slack_<name>`` over the family's index sets, measured in units of the
  row's bound (the parameter named by ``scale``), with upper bound ``slack_max[<name>]``
  (0, or infinite while diagnosing) — :mod:`orbitdc.deploy.formulation` and
  :mod:`orbitdc.deploy.handover` create it for every entry;
* the elastic objective ``sum_f family_weight[f] * sum slack_f``;
* the infeasibility diagnosis: ``shortfall`` states a plan's violation in natural units
  (evaluated from the plan's launches alone, numpy);
* the tightness report: ``binds`` says when a plan leaves less than one satellite's worth of
  the resource.

Adding a family is one entry here plus its rows: a ``@m.Constraint`` named after the family in
:func:`orbitdc.deploy.formulation.build_pyomo` and its vectorised twin in
:data:`orbitdc.deploy.handover.ROW_BLOCKS` (``tests/test_deploy_handover.py`` checks the two
agree coefficient by coefficient). Both refuse to build while a registered family has no rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from orbitdc.deploy.data import ModelData
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.types import Limits, Shortfall, tightest

#: Relative tolerance of a shortfall (a violation smaller than this share of the bound is none).
_TOL = 1e-6


@dataclass(frozen=True)
class Check:
    """What a family's checks look at: the inputs, the limits in force and one plan.

    Attributes
    ----------
    data : ModelData
    plan : Plan
    limits : Limits
    target_pflops, target_index : float or None, int or None
        The compute target in force and its year index.
    """

    data: ModelData
    plan: Plan
    limits: Limits
    target_pflops: float | None
    target_index: int | None

    @property
    def risk_cap(self) -> float | None:
        """The risk cap in force [risk]: the tighter of the inputs' and the limits'."""
        return tightest(self.data.risk_cap, self.limits.risk_cap)

    @property
    def cost_cap_usd(self) -> float | None:
        """The total-cost cap in force [USD]: the tighter of the budget and the limits' cap."""
        return tightest(self.data.budget_usd_total, self.limits.cost_cap_usd)

    @property
    def used(self) -> np.ndarray:
        """(S,) bool: the plan puts a satellite in the shell in some year."""
        return np.asarray(self.plan.active.sum(axis=(1, 2)) > 0)

    @property
    def cheapest_usd(self) -> float:
        """Cheapest allowed satellite plus one flight [USD] (``inf`` if none is allowed)."""
        allowed = self.data.allowed
        if not allowed.any():
            return float("inf")
        return float(self.data.cost_usd[allowed].min()) + self.data.launch_cost_usd


@dataclass(frozen=True)
class Family:
    """One relaxable constraint family.

    Attributes
    ----------
    name : str
        The Pyomo constraint's name, and ``slack_<name>`` its slack's.
    label : str
        How messages name it.
    index : tuple of str
        The model sets that index its rows and its slack (``()`` for a single row).
    scale : str or None
        The Pyomo parameter (same index) its slack is multiplied by in the row: the bound it
        relaxes, so a slack of 1 relaxes the bound by 100 %; ``None`` for one unit (a shell).
    shortfall : callable
        ``Check -> Shortfall or None``: the plan's violation in natural units.
    binds : callable or None
        ``Check -> str or None``: the plan exhausts the resource (tightness report).
    """

    name: str
    label: str
    index: tuple[str, ...]
    scale: str | None
    shortfall: Callable[[Check], Shortfall | None]
    binds: Callable[[Check], str | None] | None = None


def _years(years: Sequence[int]) -> str:
    """``2030, 2031, 2032`` -> ``2030-2032``; gaps listed."""
    ys = sorted(years)
    runs: list[str] = []
    start = prev = ys[0]
    for y in ys[1:] + [None]:  # type: ignore[list-item]
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def _names(names: Sequence[str], most: int = 4) -> str:
    shown = list(names[:most])
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _year_list(ck: Check, mask: np.ndarray) -> list[int]:
    return [ck.data.years[i] for i in np.flatnonzero(mask)]


# ---- compute target ----------------------------------------------------------------------------
def _compute_target_short(ck: Check) -> Shortfall | None:
    target, t_idx = ck.target_pflops, ck.target_index
    if target is None or t_idx is None:
        return None
    if ck.data.inputs.hold_target_through_horizon:  # the worst year from the target year on
        t_idx += int(np.argmin(ck.plan.compute_pflops[t_idx:]))
    reached = float(ck.plan.compute_pflops[t_idx])
    short = target - reached
    if short <= _TOL * target:
        return None
    year = ck.data.years[t_idx]
    return Shortfall("compute_target", short, "PFLOP/s", (str(year),),
                     f"compute target: {short:,.0f} PFLOPS short in {year} "
                     f"(target {target:,.0f}, reachable {reached:,.0f})")


# ---- budgets ---------------------------------------------------------------------------------
def _yearly_excess(ck: Check, family: str, over: np.ndarray, bad: np.ndarray, units: str,
                   text: Callable[[float], str]) -> Shortfall | None:
    """A per-year family's shortfall: the worst excess ``text(worst)`` and the years."""
    if not bad.any():
        return None
    ys = _year_list(ck, bad)
    worst = float(over[bad].max())
    return Shortfall(family, worst, units, tuple(map(str, ys)),
                     f"{text(worst)} over in {_years(ys)}")


def _budget_per_year_over(ck: Check) -> Shortfall | None:
    d = ck.data
    if d.budget_usd_per_year is None:
        return None
    over = ck.plan.cost_usd - d.budget_usd_per_year
    bad = over > _TOL * np.maximum(d.budget_usd_per_year, d.cost_unit)
    return _yearly_excess(ck, "budget_per_year", over, bad, "USD",
                          lambda w: f"budget per year: up to {w / 1e6:,.0f} M USD")


def _budget_per_year_binds(ck: Check) -> str | None:
    d = ck.data
    if d.budget_usd_per_year is None:
        return None
    left = d.budget_usd_per_year - ck.plan.cost_usd
    ys = _year_list(ck, left < ck.cheapest_usd)
    return f"budget per year binds in {_years(ys)}" if ys else None


def _total_excess(family: str, total: float, cap: float | None, scale: float, units: str,
                  text: Callable[[float, float], str]) -> Shortfall | None:
    """A horizon total over its cap by more than ``_TOL * scale``: ``text(over, cap)``."""
    if cap is None or total - cap <= _TOL * max(cap, scale):
        return None
    return Shortfall(family, total - cap, units, (), text(total - cap, cap))


def _budget_total_over(ck: Check) -> Shortfall | None:
    return _total_excess(
        "budget_total", ck.plan.total_cost_usd, ck.cost_cap_usd, ck.data.cost_unit, "USD",
        lambda over, cap: f"total budget: {over / 1e6:,.0f} M USD over "
                          f"(cap {cap / 1e6:,.0f} M USD)")


def _budget_total_binds(ck: Check) -> str | None:
    cap = ck.cost_cap_usd
    if cap is not None and cap - ck.plan.total_cost_usd < ck.cheapest_usd:
        return "total budget binds"
    return None


# ---- launch cadence --------------------------------------------------------------------------
def _cadence_over(ck: Check) -> Shortfall | None:
    over = ck.plan.flights.sum(axis=0) - ck.data.flights_per_year
    return _yearly_excess(ck, "cadence", over, over > 1e-6, "flights",
                          lambda w: f"launch cadence: up to {w:,.0f} flights")


def _cadence_binds(ck: Check) -> str | None:
    left = ck.data.flights_per_year - ck.plan.flights.sum(axis=0)
    ys = _year_list(ck, left < 1.0)
    return f"launch cadence binds in {_years(ys)}" if ys else None


# ---- shell capacity --------------------------------------------------------------------------
def _capacity_over(ck: Check) -> Shortfall | None:
    d = ck.data
    # slots in use (satellites of the shell's largest-capacity class) over the capacity
    over = d.occupancy(ck.plan.active) * d.capacity_sats[:, None] - d.capacity_sats[:, None]
    bad = over > 1e-6
    if not bad.any():
        return None
    shells = [d.shell_keys[s] for s in np.flatnonzero(bad.any(axis=1))]
    worst = float(over.max())
    return Shortfall("capacity", worst, "satellites", tuple(shells),
                     f"shell capacity: up to {worst:,.0f} satellites over in {_names(shells)}")


def _capacity_binds(ck: Check) -> str | None:
    d = ck.data
    left = (1.0 - d.occupancy(ck.plan.active)) * d.capacity_sats[:, None]
    full = (left < 1.0 - 1e-9) & (d.capacity_sats[:, None] > 0)
    shells = [d.shell_keys[s] for s in np.flatnonzero(full.any(axis=1))]
    return f"shell capacity binds in {_names(shells)}" if shells else None


# ---- risk cap --------------------------------------------------------------------------------
def _risk_cap_over(ck: Check) -> Shortfall | None:
    return _total_excess(
        "risk_cap", ck.plan.total_risk_model, ck.risk_cap, 0.0, "risk",
        lambda over, cap: f"risk cap: exceeded by {over:.3g} (cap {cap:.3g})")


def _risk_cap_binds(ck: Check) -> str | None:
    cap = ck.risk_cap
    allowed = ck.data.allowed
    if cap is None or not allowed.any():
        return None
    smallest = float(ck.data.risk_per_sat_year[allowed].min())
    if cap - ck.plan.total_risk_model < max(smallest, 1e-9 * cap):
        return "risk cap binds"
    return None


# ---- shell spacing and disposal --------------------------------------------------------------
def _spacing_conflict(ck: Check) -> Shortfall | None:
    d = ck.data
    if d.min_spacing_km <= 0:
        return None
    used = ck.used
    pi, pj, conflict = d.spacing_conflicts()
    bad = conflict & used[pi] & used[pj]
    if not bad.any():
        return None
    pairs = [f"{d.shell_keys[i]} & {d.shell_keys[j]}"
             for i, j in zip(pi[bad], pj[bad], strict=True)]
    return Shortfall("spacing", float(bad.sum()), "shell pairs", tuple(pairs),
                     f"shell spacing: {int(bad.sum())} pair(s) of used shells closer than "
                     f"{d.min_spacing_km:g} km ({_names(pairs, 3)})")


def _disposal_breach(ck: Check) -> Shortfall | None:
    d = ck.data
    bad = ck.used & ~d.shell_usable
    if not bad.any():
        return None
    shells = [d.shell_keys[s] for s in np.flatnonzero(bad)]
    return Shortfall("disposal", float(bad.sum()), "shells", tuple(shells),
                     f"disposal rule: needs non-compliant shell(s) {_names(shells)} "
                     f"(allow_noncompliant_disposal is False)")


# ---- sustainability --------------------------------------------------------------------------
def _sustainability_added(ck: Check) -> np.ndarray | None:
    d = ck.data
    if d.sustainability_per_launch is None or not len(d.sustainability_bins):
        return None
    return np.asarray(np.einsum("bscy,scy->b", d.sustainability_per_launch, ck.plan.launches))


def _sustainability_over(ck: Check) -> Shortfall | None:
    d = ck.data
    added = _sustainability_added(ck)
    if added is None or d.sustainability_cap is None:
        return None
    cap = d.sustainability_cap
    over = added - cap
    bad = over > _TOL * np.maximum(np.abs(cap), 1.0)
    if not bad.any():
        return None
    bins = [d.sustainability_bins[b] for b in np.flatnonzero(bad)]
    worst = float(over[bad].max())
    return Shortfall("sustainability", worst, "fragments", tuple(bins),
                     f"sustainability limit: up to {_amount(worst)} fragments over in "
                     f"{_names(bins)}")


def _amount(value: float) -> str:
    """A count for a message: whole above 10, two significant digits below (0.37, not 0)."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"


def _sustainability_binds(ck: Check) -> str | None:
    d = ck.data
    added = _sustainability_added(ck)
    if added is None or d.sustainability_cap is None or d.sustainability_per_launch is None:
        return None
    per_sat = d.sustainability_per_launch.max(axis=(1, 2, 3))
    full = (d.sustainability_cap - added < np.maximum(per_sat, 1e-9)) & (added > 0)
    bins = [d.sustainability_bins[b] for b in np.flatnonzero(full)]
    return f"sustainability limit binds in {_names(bins)}" if bins else None


#: The relaxable families in report order. Their rows are in the model under the same names.
REGISTRY: tuple[Family, ...] = (
    Family("compute_target", "compute target", ("Y",), "compute_target_scale",
           _compute_target_short),
    Family("budget_per_year", "budget per year", ("Y",), "budget_per_year_scale",
           _budget_per_year_over, _budget_per_year_binds),
    Family("budget_total", "total budget", (), "budget_total_scale",
           _budget_total_over, _budget_total_binds),
    Family("cadence", "launch cadence", ("Y",), "cadence_scale",
           _cadence_over, _cadence_binds),
    Family("capacity", "shell capacity", ("S", "Y"), "capacity_scale",
           _capacity_over, _capacity_binds),
    Family("risk_cap", "risk cap", (), "risk_cap_scale", _risk_cap_over, _risk_cap_binds),
    Family("spacing", "shell spacing", ("S",), None, _spacing_conflict),
    Family("disposal", "disposal rule", ("S",), None, _disposal_breach),
    Family("sustainability", "sustainability limit", ("B",), "sustainability_scale",
           _sustainability_over, _sustainability_binds),
)

#: Family names in report order (the keys of diagnosis weights).
FAMILIES: tuple[str, ...] = tuple(f.name for f in REGISTRY)

#: Family by name.
BY_NAME: dict[str, Family] = {f.name: f for f in REGISTRY}
