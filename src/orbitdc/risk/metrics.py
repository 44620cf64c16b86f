"""Names, units and one-line definitions of the risk metrics and of the fleet quantities.

One declarative table that the study schema, the CLI, the trial summary and the report all
read, so a metric means the same everywhere. To add a metric, add a row to
:data:`RISK_METRICS` (and its per-satellite-year value to
:meth:`orbitdc.risk.model.SatelliteRisk.metric`); to add a fleet quantity, add a row to
:data:`FLEET_QUANTITIES` and the field of the same name to
:class:`orbitdc.study.summary.FleetYear`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: How the yearly values of a fleet quantity combine over the horizon.
Aggregate = Literal["sum", "peak"]


@dataclass(frozen=True)
class Quantity:
    """One named quantity.

    Attributes
    ----------
    name : str
        Identifier, snake_case (the study file's ``[risk] metric`` value, or the field name of
        a fleet row).
    label : str
        Short human label for tables and axes.
    unit : str
        Unit of one value (a count names what it counts).
    definition : str
        One line saying what is counted.
    aggregate : {"sum", "peak"}
        Over the horizon: the sum of the yearly values, or their largest.
    total_unit : str, optional
        Unit of the aggregate when it differs from ``unit`` (a sum of PFLOP/s over years is in
        PFLOP/s-years).
    """

    name: str
    label: str
    unit: str
    definition: str
    aggregate: Aggregate = "sum"
    total_unit: str | None = None

    @property
    def unit_of_total(self) -> str:
        """Unit of the value over the horizon."""
        return self.total_unit or self.unit


#: The debris-risk metrics a study can select (``[risk] metric``); yearly values are per year,
#: the objective is their sum over the horizon.
RISK_METRICS: tuple[Quantity, ...] = (
    Quantity("collisions", "collisions with objects >= 10 cm", "collisions",
             "Expected collisions with objects >= 10 cm (NASA-STD-8719.14's large objects): "
             "tracked objects the maneuvers miss, and untracked objects >= 10 cm."),
    Quantity("catastrophic_collisions", "catastrophic collisions", "collisions",
             "Expected collisions that break up the whole part they hit (>= 40 J/g against "
             "its mass: the bus and the whole satellite, or one wing); a hole punched in a "
             "membrane is not one. NASA-STD-8719.14 counts every >= 10 cm collision "
             "('collisions') as catastrophic."),
    Quantity("disabling_impacts", "disabling 1-10 cm impacts", "impacts",
             "Expected 1-10 cm impacts on the bus, which end the satellite (too small to track "
             "and avoid)."),
    Quantity("survivable_impacts", "survivable 1-10 cm impacts", "impacts",
             "Expected 1-10 cm impacts on the array and radiator wings (local damage)."),
    Quantity("maneuvers", "avoidance maneuvers", "maneuvers",
             "Collision-avoidance maneuvers against tracked objects at the collision-probability "
             "threshold."),
    Quantity("debris_index", "debris index", "fragment-years",
             "Fragments >= 10 cm the fleet's collisions create times the years they stay in "
             "orbit: from active satellites, failed satellites (derelicts) and the decay after "
             "disposal."),
    Quantity("environmental_index", "environmental index", "collisions caused",
             "The same fragments weighted by the rate at which they hit intact objects over "
             "their lives: the collisions they are expected to cause (ECOB/CSI-like)."),
)

#: Names of :data:`RISK_METRICS`, in order.
METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in RISK_METRICS)

#: Figures of the long-term environment evolution (:mod:`orbitdc.evolution`): what a plan does
#: to LEO over decades with collision feedback, against the same years without the plan. A study
#: reports them per trial and may use them as an objective or a constraint (``[search]``).
ENVIRONMENT_METRICS: tuple[Quantity, ...] = (
    Quantity("environment_50y", "added debris after 50 years", "objects",
             "Objects >= 10 cm nobody controls (fragments, derelicts, rocket bodies) in LEO 50 "
             "years after the plan's start, minus the same without the plan (orbitdc evolve, "
             "with collision feedback)."),
)

#: Per-year figures of a whole fleet (:class:`orbitdc.study.summary.FleetYear`), accounted as
#: design/study.md describes.
FLEET_QUANTITIES: tuple[Quantity, ...] = (
    Quantity("satellites_in_service", "satellites in service", "satellites",
             "Satellites in service during the year (launched within the design life).",
             aggregate="peak"),
    Quantity("satellites_launched", "satellites launched", "satellites",
             "Satellites launched in the year."),
    Quantity("flights", "flights", "flights", "Launch-vehicle flights in the year."),
    Quantity("avoidance_maneuvers", "avoidance maneuvers", "maneuvers",
             "Expected collision-avoidance maneuvers against the catalogued background."),
    Quantity("breakups", "catastrophic collisions", "collisions",
             "Expected collisions of the fleet that break up the part they hit (>= 40 J/g)."),
    Quantity("impacts_1_10cm", "1-10 cm impacts", "impacts",
             "Expected impacts of 1-10 cm fragments on the whole satellite (disabling on the "
             "bus, survivable on the wings)."),
    Quantity("derelicts", "failures left as derelicts", "satellites",
             "Retiring satellites that fail before disposal and stay as derelicts."),
    Quantity("reentries", "re-entries", "satellites",
             "Satellites re-entering the atmosphere (disposed ones and decayed derelicts)."),
    Quantity("reentry_mass_kg", "re-entering mass", "kg",
             "Mass of the satellites re-entering in the year (their sized mass, without "
             "propellant)."),
    Quantity("compute_pflops", "compute delivered", "PFLOP/s",
             "Compute of the satellites in service; summed over the years it is the compute "
             "objective.", total_unit="PFLOP/s-years"),
)


def quantity(name: str) -> Quantity:
    """The risk metric or fleet quantity of that name.

    Raises
    ------
    KeyError
        When no row has that name.
    """
    for row in RISK_METRICS + ENVIRONMENT_METRICS + FLEET_QUANTITIES:
        if row.name == name:
            return row
    raise KeyError(name)
