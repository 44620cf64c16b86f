"""The numbers the deployment model needs: the contract between the physics and the MILP.

The sizing, risk and launch models reduce a study (and, in an Optuna trial, one point of the
design space) to these coefficient tables. The model (:mod:`orbitdc.deploy.formulation`) is
built once from the *structure* (the sets: shells, classes, years) and takes the *numbers* as
parameters, so a new trial or a Dinkelbach / epsilon iteration re-solves without rebuilding.

Units are in every field name. "Risk" is whatever metric the study selected (expected
collisions, avoidance maneuvers or the debris index), always per satellite-year for the per-
satellite terms, so the model is metric-agnostic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from orbitdc.errors import InputError


@dataclass(frozen=True)
class ShellOption:
    """A candidate shell.

    Attributes
    ----------
    key : str
        Unique id, e.g. ``"550km-53"``.
    altitude_km : float [km]
    inclination : str
        Inclination family label (``"53"``, ``"dawn-dusk"``).
    capacity_sats : int
        Most satellites the shell may hold at the study's minimum separation (with
        ``capacity_by_class``: the largest of the classes' capacities).
    intra_risk_per_sat_pair_year : float [risk / (satellite^2 yr)]
        ``k_s``: the shell's intra-constellation risk in a year is ``k_s N^2`` for ``N``
        satellites (uncoordinated kinetic-gas rate, or the reduced coordinated rate).
    payload_kg_per_flight : float [kg]
        Launcher payload delivered to this shell's altitude and inclination per flight.
    disposal_compliant : bool
        Whether a failed satellite decays passively within the 5-year rule from this shell
        (``False`` means the coefficients already include propulsive disposal).
    capacity_by_class : mapping class name -> int, optional
        Slots of the shell for each size class (``Cap_sc``: its self-safe pattern at the
        class's required separation, :mod:`orbitdc.slots`). A shell holding several classes
        is full when ``sum_c N_sc / Cap_sc = 1``. A class missing here has ``capacity_sats``.
    """

    key: str
    altitude_km: float
    inclination: str
    capacity_sats: int
    intra_risk_per_sat_pair_year: float
    payload_kg_per_flight: float
    disposal_compliant: bool = True
    capacity_by_class: Mapping[str, int] | None = None


@dataclass(frozen=True)
class SizeClassOption:
    """A satellite size class.

    Attributes
    ----------
    name : str
    power_kw : float [kW]
    max_per_flight : int
        Satellites of this class that fit one flight by volume / dispenser slots.
    design_life_years : int [yr]
        Satellites retire after this many years and must be replaced to keep compute.
    """

    name: str
    power_kw: float
    max_per_flight: int
    design_life_years: int


@dataclass(frozen=True)
class SatelliteCoefficients:
    """Per-satellite numbers for one (shell, class) pair.

    Attributes
    ----------
    mass_kg : float [kg]
        Launch mass, including station-keeping and disposal propellant.
    cost_usd : float [USD]
        Manufacturing cost of one satellite.
    compute_pflops : float [PFLOP/s]
        Average delivered compute of one satellite in service.
    risk_per_sat_year : float [risk / (satellite yr)]
        Background and failure (derelict) terms of the selected metric.
    """

    mass_kg: float
    cost_usd: float
    compute_pflops: float
    risk_per_sat_year: float


@dataclass(frozen=True)
class SustainabilityLimit:
    """A linear limit per altitude bin on what the plan leaves in orbit.

    The sustainability constraint family: ``sum_{s,c,y} e[b,s,c,y] x[s,c,y] <= cap[b]`` for
    every bin ``b``.

    The numbers come from the environment evolution, linearised around a plan
    (:mod:`orbitdc.study.sustainability`); the MILP only reads them.

    Attributes
    ----------
    bins : sequence of str
        Labels of the limited bins, e.g. ``"800-850km"``.
    fragments_per_launch : mapping ``(shell key, class name) -> [bin][year]``
        Fragments >= 10 cm in each bin at the end of the evolution per satellite launched in
        each year of the horizon [fragments / satellite]; a missing pair adds nothing.
    cap : sequence of float
        Fragments the plan's launches may add in each bin [fragments].
    """

    bins: Sequence[str]
    fragments_per_launch: Mapping[tuple[str, str], Sequence[Sequence[float]]]
    cap: Sequence[float]


@dataclass(frozen=True)
class DeploymentInputs:
    """Everything the deployment MILP needs.

    Attributes
    ----------
    shells, classes : sequences of options
    years : sequence of int
        Calendar years of the horizon, consecutive.
    coefficients : mapping ``(shell key, class name) -> SatelliteCoefficients``
        A missing pair means the class is not allowed in that shell.
    flights_per_year : sequence of float
        Launch cadence available to the constellation in each year (the ramp).
    launch_cost_usd_per_flight : float [USD]
    budget_usd_per_year : sequence of float or None [USD]
        Spending cap per year (launch + manufacturing), or ``None``.
    budget_usd_total : float or None [USD]
    min_shell_spacing_km : float [km]
        Two used shells must differ in altitude by at least this much.
    compute_target_pflops : float or None [PFLOP/s]
        Minimum compute in service in ``target_year``.
    target_year : int or None
    hold_target_through_horizon : bool
        Keep at least the compute target in service every year from ``target_year`` to the
        end of the horizon (satellites retiring after the target year are replaced).
    risk_cap : float or None [risk]
        Cap on total risk over the horizon (min-cost objective, or a user constraint).
    allow_noncompliant_disposal : bool
        If ``False``, shells with ``disposal_compliant=False`` cannot be used.
    sustainability : SustainabilityLimit or None
        Per-bin limits on the fragments the plan leaves (the ``sustainability`` family).
    """

    shells: Sequence[ShellOption]
    classes: Sequence[SizeClassOption]
    years: Sequence[int]
    coefficients: Mapping[tuple[str, str], SatelliteCoefficients]
    flights_per_year: Sequence[float]
    launch_cost_usd_per_flight: float
    budget_usd_per_year: Sequence[float] | None = None
    budget_usd_total: float | None = None
    min_shell_spacing_km: float = 0.0
    compute_target_pflops: float | None = None
    target_year: int | None = None
    hold_target_through_horizon: bool = False
    risk_cap: float | None = None
    allow_noncompliant_disposal: bool = True
    metric: str = "debris_index"
    notes: Mapping[str, str] = field(default_factory=dict)
    sustainability: SustainabilityLimit | None = None

    def validate(self) -> None:
        """Check internal consistency; raises :class:`InputError` naming the field."""
        keys = [s.key for s in self.shells]
        if len(set(keys)) != len(keys):
            raise InputError("shells", keys, "shell keys must be unique")
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise InputError("classes", names, "class names must be unique")
        years = list(self.years)
        if not years or years != list(range(years[0], years[0] + len(years))):
            raise InputError("years", years, "must be consecutive calendar years")
        if len(self.flights_per_year) != len(years):
            raise InputError("flights_per_year", list(self.flights_per_year),
                             f"must have one value per year ({len(years)})")
        if self.budget_usd_per_year is not None and len(self.budget_usd_per_year) != len(years):
            raise InputError("budget_usd_per_year", list(self.budget_usd_per_year),
                             f"must have one value per year ({len(years)})")
        if self.target_year is not None and self.target_year not in years:
            raise InputError("target_year", self.target_year, f"must be in {years[0]}..{years[-1]}")
        for (s, c) in self.coefficients:
            if s not in keys or c not in names:
                raise InputError("coefficients", (s, c), "names an unknown shell or class")
        lim = self.sustainability
        if lim is not None:
            if len(lim.cap) != len(lim.bins):
                raise InputError("sustainability.cap", list(lim.cap),
                                 f"must have one value per bin ({len(lim.bins)})")
            for (s, c), rows in lim.fragments_per_launch.items():
                if s not in keys or c not in names:
                    raise InputError("sustainability.fragments_per_launch", (s, c),
                                     "names an unknown shell or class")
                if len(rows) != len(lim.bins) or any(len(r) != len(years) for r in rows):
                    raise InputError(f"sustainability.fragments_per_launch[{s!r}, {c!r}]",
                                     "shape", f"must be [bin][year] ({len(lim.bins)} x "
                                     f"{len(years)})")
        for i, sh in enumerate(self.shells):
            for c in sh.capacity_by_class or {}:
                if c not in names:
                    raise InputError(f"shells[{i}].capacity_by_class", c,
                                     "must name a size class of the inputs")
