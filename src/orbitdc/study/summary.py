"""The typed contract between a study's trials and the report: :class:`TrialSummary`.

The evaluator (:func:`orbitdc.study.evaluate.summarize`) fills a :class:`TrialSummary` for every
trial that found a plan and stores it in the trial's Optuna user attributes, one attribute per
top-level field, in its :func:`dataclasses.asdict` form (snake_case keys with units in their
names), beside ``summary_version``. :func:`summary_from_attrs` reads the attributes back into the
same dataclasses; a trial stored by an older orbitdc raises :class:`SummaryFormatError` with a
message that says so, which the report shows instead of failing.

Changing the contract: a new field gets a default (older trials still read), anything else
(renaming, removing, changing a type) bumps :data:`SUMMARY_VERSION`.

The fleet figures per year (:class:`FleetYear`) follow a simple accounting from the plan and the
per-satellite rates of the risk model (:func:`fleet_by_year`, design/study.md).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from orbitdc.risk.metrics import FLEET_QUANTITIES
from orbitdc.risk.model import SatelliteRisk
from orbitdc.sizing.satellite import SatelliteDesign

#: Version of the stored form; trials without ``summary_version`` predate the typed summary.
SUMMARY_VERSION = 3


class SummaryFormatError(ValueError):
    """A trial's stored attributes do not hold a summary this orbitdc can read."""


@dataclass(frozen=True)
class ShellPlan:
    """The plan in one used shell.

    Attributes
    ----------
    key : str
        Shell id, e.g. ``"550km-53"``.
    altitude_km : float [km]
    inclination : str
        Inclination family label.
    capacity_sats : int
        Most satellites the shell may hold.
    launched_by_class : dict of str to list of int
        Satellites of each class launched in each year of the horizon.
    in_service_by_class : dict of str to list of int
        Satellites of each class in service in each year.
    flights : list of int
        Flights to the shell in each year.
    """

    key: str
    altitude_km: float
    inclination: str
    capacity_sats: int
    launched_by_class: dict[str, list[int]]
    in_service_by_class: dict[str, list[int]]
    flights: list[int]

    def in_service_last_year(self) -> dict[str, int]:
        """Satellites of each class in service in the last year of the horizon."""
        return {c: (v[-1] if v else 0) for c, v in self.in_service_by_class.items()}

    def peak_in_service(self) -> int:
        """Most satellites (all classes) in service in any year."""
        totals = [sum(col) for col in zip(*self.in_service_by_class.values(), strict=True)]
        return max(totals, default=0)


@dataclass(frozen=True)
class SlotCapacity:
    """The self-safe slots of one candidate shell (``[shells] slots = true``).

    Attributes
    ----------
    key : str
    altitude_km : float [km]
    inclination : str
    slots_by_class : dict of str to int
        Satellites of the best self-safe pattern found at each class's separation.
    patterns_by_class : dict of str to str
        Those patterns, ``walker:ALT:INC:T/P/F``.
    min_separation_km_by_class : dict of str to float [km]
        Their SGP4 minimum distances.
    """

    key: str
    altitude_km: float
    inclination: str
    slots_by_class: dict[str, int]
    patterns_by_class: dict[str, str]
    min_separation_km_by_class: dict[str, float]


@dataclass(frozen=True)
class DesignSummary:
    """The satellite flown by one class in one shell, and its risk there.

    Attributes
    ----------
    shell_key, class_name : str
    satellite : SatelliteDesign
        Sizing (areas, masses, power, compute, cost), unit-named fields.
    risk : SatelliteRisk
        Per-satellite risk figures (per satellite-year unless named otherwise).
    """

    shell_key: str
    class_name: str
    satellite: SatelliteDesign
    risk: SatelliteRisk

    @property
    def name(self) -> str:
        """``"<shell>/<class>"``."""
        return f"{self.shell_key}/{self.class_name}"


@dataclass(frozen=True)
class FleetYear:
    """The whole fleet in one year.

    Every field but ``year`` is a row of :data:`orbitdc.risk.metrics.FLEET_QUANTITIES` (name,
    unit, definition). Expected values (maneuvers, collisions, impacts, derelicts, re-entries)
    are means of the risk model, so they are fractional.
    """

    year: int
    satellites_in_service: int
    satellites_launched: int
    flights: int
    avoidance_maneuvers: float
    breakups: float
    impacts_1_10cm: float
    derelicts: float
    reentries: float
    reentry_mass_kg: float
    compute_pflops: float


@dataclass(frozen=True)
class RiskBreakdown:
    """The study's risk metric over the horizon by source [metric].

    Attributes
    ----------
    background : float
        Collisions of active satellites with the catalogued and untracked background.
    intra_shell : float
        Encounters among the satellites of one shell and with the shell's own derelicts.
    failed_satellites : float
        Collisions of failed satellites (derelicts) with the background (debris index only).
    """

    background: float
    intra_shell: float
    failed_satellites: float


@dataclass(frozen=True)
class Compliance:
    """Per-satellite limits and disposal rules of the plan.

    Attributes
    ----------
    max_collision_probability_per_sat_life : float [-]
        Largest probability over the used designs of a collision with an object >= 10 cm
        during the design life (NASA-STD-8719.14 Requirement 4.5-1).
    max_maneuvers_per_sat_year : float [1/(satellite yr)]
    all_shells_meet_5yr_rule : bool
        A failed satellite decays within 5 years from every used shell (FCC 22-74).
    shells_needing_propulsive_disposal : list of str
    design_life_years : float [yr]
    """

    max_collision_probability_per_sat_life: float
    max_maneuvers_per_sat_year: float
    all_shells_meet_5yr_rule: bool
    shells_needing_propulsive_disposal: list[str]
    design_life_years: float


@dataclass(frozen=True)
class Margin:
    """A requirement and how far the design is from it.

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"compute_in_target_year_pflops"``.
    label : str
        Human label with the unit, e.g. ``"compute in 2035 [PFLOP/s]"``.
    value, limit : float
    margin_percent : float [%]
        Positive when the requirement is met with room to spare.
    """

    name: str
    label: str
    value: float
    limit: float
    margin_percent: float


@dataclass(frozen=True)
class SustainabilityRound:
    """One round of the sustainability loop (:mod:`orbitdc.study.sustainability`).

    ``max_bin_ratio`` is the round's plan in its own evolution, ``predicted_max_bin_ratio``
    what the linearisation predicted for it (0 in records stored before it was kept).
    """

    iteration: int
    shells_used: list[str]
    compute_pflop_years: float
    satellites_launched: int
    max_bin_ratio: float
    environment_50y: float
    changed: bool
    predicted_max_bin_ratio: float = 0.0


@dataclass(frozen=True)
class SustainabilityRecord:
    """How the sustainability limit changed the plan.

    Attributes
    ----------
    max_fragment_multiple : float [-]
        The limit: fragments per bin at the end at most this multiple of the no-plan case.
    iterations : int
        Re-solves with the linearised limit.
    converged : bool
        The plan stopped changing and met the limit.
    meets_limit : bool
        The final plan's own evolution keeps every bin within the limit.
    stop_reason : str
        Why the loop ended: ``"met and stable ..."``, ``"limit not met after N rounds ..."``,
        ``"infeasible: ..."`` (empty in records stored before it was kept).
    free_shells_used, free_satellites_by_class, free_compute_pflop_years,
    free_environment_50y, free_max_bin_ratio
        The plan without the limit.
    satellites_by_class : dict of str to int
        The final plan's satellites launched per class.
    rounds : list of SustainabilityRound
    """

    max_fragment_multiple: float
    iterations: int
    converged: bool
    meets_limit: bool
    free_shells_used: list[str]
    free_satellites_by_class: dict[str, int]
    free_compute_pflop_years: float
    free_environment_50y: float
    free_max_bin_ratio: float
    satellites_by_class: dict[str, int]
    rounds: list[SustainabilityRound]
    stop_reason: str = ""


@dataclass(frozen=True)
class EnvironmentSummary:
    """What the plan does to LEO over decades (:mod:`orbitdc.evolution`).

    Attributes
    ----------
    years : int [yr]
    background : str
        Background traffic scenario (``models/background_traffic.csv``).
    environment_50y : float [objects]
        Added objects >= 10 cm nobody controls at the end (plan minus no plan).
    debris_end, debris_end_reference : float [objects]
    max_bin_ratio : float [-]
        Largest ratio of a bin's fragments at the end with and without the plan.
    catastrophic_collisions, catastrophic_collisions_reference : float [collisions]
    altitude_bins_km : list of float [km]
    fragments_end_by_bin, fragments_end_by_bin_reference : list of float [objects]
    series : dict
        The chart's numbers (:func:`orbitdc.study.environment.evolution_series`).
    sustainability : SustainabilityRecord or None
        When the study's limit is on.
    """

    years: int
    background: str
    environment_50y: float
    debris_end: float
    debris_end_reference: float
    max_bin_ratio: float
    catastrophic_collisions: float
    catastrophic_collisions_reference: float
    altitude_bins_km: list[float]
    fragments_end_by_bin: list[float]
    fragments_end_by_bin_reference: list[float]
    series: dict[str, Any] = field(default_factory=dict)
    sustainability: SustainabilityRecord | None = None


@dataclass(frozen=True)
class TrialSummary:
    """Everything the report shows about one trial that found a plan.

    Attributes
    ----------
    status : str
        ``"ok"``.
    study_sha256 : str
        SHA-256 of the study file that produced the trial.
    metric : str
        The study's risk metric (:data:`orbitdc.risk.metrics.RISK_METRICS`).
    compute_pflop_years : float [PFLOP/s-yr]
    risk : float [metric]
        Risk over the horizon as the optimiser bounded it (chord over-estimate of ``N^2``).
    risk_exact : float [metric]
    cost_usd : float [USD]
    ratio_pflop_years_per_risk : float [PFLOP/s-yr / metric]
    peak_compute_pflops : float [PFLOP/s]
    satellites_launched : int
    flights : int
    shells_used : list of str
    years : list of int
        Calendar years of the horizon.
    shells : list of ShellPlan
        The used shells.
    compute_pflops_by_year : list of float [PFLOP/s]
    risk_by_year : list of float [metric / yr]
    cost_usd_by_year : list of float [USD]
    fleet : list of FleetYear
    designs : list of DesignSummary
    risk_breakdown : RiskBreakdown
    compliance : Compliance
    margins : list of Margin
    open_questions : list of str
    choices : dict
        The trial's sampled parameters (numbers and names).
    rationale : list of str
        Why the plan uses the classes and shells it uses, in plain sentences.
    environment : EnvironmentSummary or None
        The plan's long-term environment (``[sustainability]``), when evaluated.
    slots : list of SlotCapacity
        The slots of every candidate shell (empty without ``[shells] slots``).
    """

    status: str
    study_sha256: str
    metric: str
    compute_pflop_years: float
    risk: float
    risk_exact: float
    cost_usd: float
    ratio_pflop_years_per_risk: float
    peak_compute_pflops: float
    satellites_launched: int
    flights: int
    shells_used: list[str]
    years: list[int]
    shells: list[ShellPlan]
    compute_pflops_by_year: list[float]
    risk_by_year: list[float]
    cost_usd_by_year: list[float]
    fleet: list[FleetYear]
    designs: list[DesignSummary]
    risk_breakdown: RiskBreakdown
    compliance: Compliance
    margins: list[Margin]
    open_questions: list[str]
    choices: dict[str, float | int | str] = field(default_factory=dict)
    rationale: list[str] = field(default_factory=list)
    environment: EnvironmentSummary | None = None
    slots: list[SlotCapacity] = field(default_factory=list)

    def fleet_totals(self) -> dict[str, float]:
        """Each fleet quantity over the horizon.

        The sum of its yearly values or their peak, as
        :data:`orbitdc.risk.metrics.FLEET_QUANTITIES` says.
        """
        out: dict[str, float] = {}
        for q in FLEET_QUANTITIES:
            values = [float(getattr(row, q.name)) for row in self.fleet]
            out[q.name] = (max(values, default=0.0) if q.aggregate == "peak"
                           else math.fsum(values))
        return out


# -- storage -----------------------------------------------------------------------------------
def summary_attrs(summary: TrialSummary) -> dict[str, Any]:
    """Optuna user attributes of a summary: its top-level fields (``asdict``) and the version."""
    attrs = asdict(summary)
    attrs["summary_version"] = SUMMARY_VERSION
    return attrs


def summary_field_names() -> tuple[str, ...]:
    """Names of the user attributes that :func:`summary_attrs` writes."""
    return (*(f.name for f in fields(TrialSummary)), "summary_version")


def summary_from_attrs(attrs: Mapping[str, Any]) -> TrialSummary:
    """Rebuild a :class:`TrialSummary` from a trial's user attributes.

    Unknown attributes (solver records, timings, ...) are ignored.

    Raises
    ------
    SummaryFormatError
        When the attributes were written by an orbitdc with another summary format, or are
        missing or mistyped.
    """
    version = attrs.get("summary_version")
    if version is None:
        raise SummaryFormatError(
            "stored by an orbitdc older than the typed trial summary (no summary_version)")
    if version != SUMMARY_VERSION:
        raise SummaryFormatError(f"stored with trial-summary format {version} (this orbitdc "
                                 f"reads format {SUMMARY_VERSION})")
    try:
        return typing.cast(TrialSummary, _build(TrialSummary, dict(attrs), "summary"))
    except (KeyError, TypeError, ValueError) as exc:
        raise SummaryFormatError(f"stored with an incompatible trial summary ({exc})") from exc


def _build(tp: Any, value: Any, where: str) -> Any:
    """``value`` (JSON) as type ``tp``: dataclasses, lists, dicts, optionals, scalars."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, Mapping):
            raise TypeError(f"{where}: expected an object, got {type(value).__name__}")
        hints = typing.get_type_hints(tp)
        kwargs = {}
        for f in fields(tp):
            if f.name in value:
                kwargs[f.name] = _build(hints[f.name], value[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise KeyError(f"{where}.{f.name} missing")
        return tp(**kwargs)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list:
        if not isinstance(value, list):
            raise TypeError(f"{where}: expected a list, got {type(value).__name__}")
        return [_build(args[0], v, f"{where}[{k}]") for k, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, Mapping):
            raise TypeError(f"{where}: expected an object, got {type(value).__name__}")
        return {str(k): _build(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        if type(value) in args:
            return _build(type(value), value, where)
        for arg in args:  # an optional dataclass is stored as an object
            if dataclasses.is_dataclass(arg) and isinstance(value, Mapping):
                return _build(arg, value, where)
        for arg in args:
            if arg is not type(None) and _is_instance(value, arg):
                return _build(arg, value, where)
        raise TypeError(f"{where}: {value!r} is not {tp}")
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            # Optuna's JSON keeps inf and nan as floats; anything else is an error.
            raise TypeError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp in (int, str, bool):
        if not _is_instance(value, tp):
            raise TypeError(f"{where}: expected {tp.__name__}, got {value!r}")
        return value
    return value


def _is_instance(value: Any, tp: Any) -> bool:
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, tp) if isinstance(tp, type) else True


# -- fleet accounting --------------------------------------------------------------------------
def fleet_by_year(
    years: Sequence[int],
    launches: np.ndarray,
    active: np.ndarray,
    flights: np.ndarray,
    compute_pflops: Sequence[float],
    life_years: Sequence[int],
    designs: Sequence[Sequence[DesignSummary | None]],
) -> list[FleetYear]:
    """Fleet figures per year from a plan and the per-satellite rates of the risk model.

    Accounting (design/study.md):

    * in service, launched, flights and compute are the plan's;
    * avoidance maneuvers, catastrophic collisions and 1-10 cm impacts are the satellites in
      service times the per-satellite-year rates of their (shell, class);
    * a satellite retires ``L`` years after its launch (its class's design life, as the plan
      counts it in service); a fraction ``p_fail`` (the risk model's failure probability) of the
      retiring satellites fails before disposal and stays as a derelict;
    * the others are disposed of and re-enter ``disposal_years`` after retiring (rounded down
      to whole years); derelicts re-enter after their passive decay time ``decay_years``; the
      re-entering mass is their count times the design's ``total_mass_kg``. Only events inside
      the horizon are counted.

    Parameters
    ----------
    years : sequence of int (Y,)
    launches, active : int arrays (S, C, Y)
    flights : int array (S, Y)
    compute_pflops : sequence of float (Y,) [PFLOP/s]
    life_years : sequence of int (C,) [yr]
    designs : S x C nested sequence
        The design of each (shell, class) pair, ``None`` where the pair is unused.

    Returns
    -------
    list of FleetYear, one per year
    """
    n_years = len(years)
    launches = np.asarray(launches, dtype=float)
    active = np.asarray(active, dtype=float)
    maneuvers = np.zeros(n_years)
    catastrophic = np.zeros(n_years)
    impacts = np.zeros(n_years)
    derelicts = np.zeros(n_years)
    reentries = np.zeros(n_years)
    reentry_mass = np.zeros(n_years)
    for s, row in enumerate(designs):
        for c, design in enumerate(row):
            if design is None:
                continue
            risk, n = design.risk, active[s, c]
            maneuvers += n * risk.maneuvers_per_sat_year
            catastrophic += n * risk.catastrophic_collisions_per_sat_year
            impacts += n * (risk.disabling_impacts_per_sat_year
                            + risk.survivable_impacts_per_sat_year)
            life = int(life_years[c])
            retired = np.zeros(n_years)
            if life < n_years:
                retired[life:] = launches[s, c, : n_years - life]
            failed = retired * risk.failure_probability
            derelicts += failed
            mass = design.satellite.total_mass_kg
            for count, delay in ((retired - failed, risk.disposal_years),
                                 (failed, risk.decay_years)):
                shift = _whole_years(delay)
                if shift < n_years:
                    arrived = np.zeros(n_years)
                    arrived[shift:] = count[: n_years - shift]
                    reentries += arrived
                    reentry_mass += arrived * mass
    total_active = active.sum(axis=(0, 1))
    total_launched = launches.sum(axis=(0, 1))
    total_flights = np.asarray(flights).sum(axis=0)
    return [
        FleetYear(
            year=int(y),
            satellites_in_service=int(round(total_active[k])),
            satellites_launched=int(round(total_launched[k])),
            flights=int(total_flights[k]),
            avoidance_maneuvers=float(maneuvers[k]),
            breakups=float(catastrophic[k]),
            impacts_1_10cm=float(impacts[k]),
            derelicts=float(derelicts[k]),
            reentries=float(reentries[k]),
            reentry_mass_kg=float(reentry_mass[k]),
            compute_pflops=float(compute_pflops[k]),
        )
        for k, y in enumerate(years)
    ]


def _whole_years(duration_years: float) -> int:
    """Whole years of a duration (rounded down); an infinite one never ends in the horizon."""
    if not math.isfinite(duration_years):
        return 2**31 - 1
    return max(0, int(math.floor(duration_years)))
