"""The report's tables, built once and rendered as HTML (report) or Markdown (design review).

Each builder takes a :class:`~orbitdc.report.records.TrialRecord` or its
:class:`~orbitdc.study.summary.TrialSummary` and returns a :class:`Table`; :func:`to_html` and
:func:`to_markdown` render any table, with one number format (:func:`fmt`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from orbitdc.report.records import TrialRecord
from orbitdc.risk.metrics import FLEET_QUANTITIES, RISK_METRICS, Quantity
from orbitdc.study.summary import TrialSummary

#: Mass parts of a satellite, in the order the charts stack them.
MASS_PARTS = ("array_mass_kg", "radiator_mass_kg", "battery_mass_kg", "compute_hw_mass_kg",
              "structure_mass_kg", "propulsion_mass_kg")


@dataclass(frozen=True)
class Table:
    """Column headers and rows of cells (numbers are formatted when rendered)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def fmt(x: Any, digits: int = 4) -> str:
    """One cell: thousands separators, ``digits`` significant digits, exponents when extreme."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if not math.isfinite(x):
            return str(x)
        if x != 0 and (abs(x) >= 1e7 or abs(x) < 1e-3):
            return f"{x:.3e}"
        if abs(x) >= 10**digits:  # whole numbers rather than "1.263e+04"
            return f"{x:,.0f}"
        return f"{x:,.{digits}g}"
    if isinstance(x, list | tuple):
        return ", ".join(str(v) for v in x) or "-"
    return "-" if x is None else str(x)


def to_markdown(table: Table) -> str:
    """A GitHub/CommonMark-extension pipe table."""
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rows = [line(table.columns), line(["---"] * len(table.columns))]
    rows += [line([fmt(c) for c in r]) for r in table.rows] or [line(["-"] * len(table.columns))]
    return "\n".join(rows)


def to_html(table: Table, table_id: str | None = None) -> str:
    """An HTML table (cells escaped; no header row when every header is empty)."""
    attr = f' id="{html.escape(table_id)}"' if table_id else ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    head = f"<thead><tr>{head}</tr></thead>" if any(table.columns) else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(fmt(c))}</td>" for c in r) + "</tr>"
                   for r in table.rows)
    return f"<table{attr}>{head}<tbody>{body}</tbody></table>"


def header(q: Quantity, total: bool = False) -> str:
    """``label [unit]``, without the unit when the label already names it."""
    unit = q.unit_of_total if total else q.unit
    return q.label if unit in q.label else f"{q.label} [{unit}]"


# -- one trial ---------------------------------------------------------------------------------
def key_figures(record: TrialRecord, metric: str) -> Table:
    """Objectives and headline numbers of a trial."""
    s = record.summary
    rows: list[list[Any]] = [
        ["compute delivered [PFLOP/s-years]", record.objectives.get("compute")],
        [f"debris risk [{metric}]", record.objectives.get("risk")],
        ["cost [USD]", record.objectives.get("cost")],
        ["compute per unit risk", record.ratio],
    ]
    if s is not None:
        rows += [["peak compute in service [PFLOP/s]", s.peak_compute_pflops],
                 ["satellites launched", s.satellites_launched],
                 ["flights", s.flights],
                 ["shells used", s.shells_used]]
    return Table(["key figure", "value"], rows)


def parameters(record: TrialRecord) -> Table:
    """The trial's sampled parameters."""
    return Table(["parameter", "value"], [[k, v] for k, v in record.params.items()])


def allocation(s: TrialSummary) -> Table:
    """Satellites per shell and class: in service in the last year and at the peak, launched."""
    last = str(s.years[-1]) if s.years else "last year"
    rows = []
    for shell in s.shells:
        for cls, per_year in shell.in_service_by_class.items():
            rows.append([shell.key, shell.altitude_km, shell.inclination, cls, per_year[-1],
                         max(per_year), sum(shell.launched_by_class.get(cls, []))])
    return Table(["shell", "altitude [km]", "inclination", "class", f"in service in {last}",
                  "peak in service", "launched"], rows)


def fleet_by_year(s: TrialSummary) -> Table:
    """Every fleet quantity per year, and the cost per year."""
    rows = [[str(row.year), *(getattr(row, q.name) for q in FLEET_QUANTITIES), cost / 1e6]
            for row, cost in zip(s.fleet, s.cost_usd_by_year, strict=True)]
    return Table(["year", *(header(q) for q in FLEET_QUANTITIES), "cost [M USD]"], rows)


def fleet_totals(s: TrialSummary) -> Table:
    """Each fleet quantity over the horizon (sum or peak), its unit and its definition."""
    totals = s.fleet_totals()
    rows = [[("peak " if q.aggregate == "peak" else "") + q.label, totals[q.name],
             q.unit_of_total, q.definition] for q in FLEET_QUANTITIES]
    return Table([f"over {s.years[0]}-{s.years[-1]}" if s.years else "over the horizon",
                  "value", "unit", "definition"], rows)


def metric_definitions(metric: str) -> Table:
    """The risk metrics, their units and definitions; the study's own is marked."""
    return Table(["risk metric", "unit", "definition"],
                 [[m.name + (" (this study)" if m.name == metric else ""), m.unit, m.definition]
                  for m in RISK_METRICS])


def sizing(s: TrialSummary) -> Table:
    """Key sizing figures of every (shell, class) design."""
    rows = [[d.name, d.satellite.power_compute_kw, d.satellite.total_mass_kg / 1e3,
             d.satellite.array_area_m2, d.satellite.radiator_area_m2,
             d.satellite.battery_mass_kg, d.satellite.cross_section_m2,
             d.satellite.compute_pflops, d.risk.decay_years, d.risk.failure_probability]
            for d in s.designs]
    return Table(["shell / class", "power [kW]", "total mass [t]", "array [m^2]",
                  "radiator [m^2]", "battery [kg]", "cross-section [m^2]", "compute [PFLOP/s]",
                  "passive decay [yr]", "failure before disposal [-]"], rows)


def per_satellite_risk(s: TrialSummary) -> Table:
    """Per-satellite-year rates behind the fleet figures."""
    rows = [[d.name, d.risk.maneuvers_per_sat_year, d.risk.collisions_per_sat_year,
             d.risk.catastrophic_collisions_per_sat_year, d.risk.survivable_impacts_per_sat_year,
             d.risk.disabling_impacts_per_sat_year, d.risk.collision_probability_orbital_life,
             d.risk.disposal_years] for d in s.designs]
    return Table(["shell / class", "maneuvers [1/(sat yr)]", "collisions >= 10 cm "
                  "[1/(sat yr)]", "catastrophic collisions [1/(sat yr)]", "survivable 1-10 cm "
                  "impacts [1/(sat yr)]", "disabling impacts [1/(sat yr)]",
                  "collision probability, orbital life [-]", "disposal time [yr]"], rows)


def margins(s: TrialSummary) -> Table:
    """Requirements, values and margins."""
    return Table(["item", "value", "limit", "margin"],
                 [[m.label, m.value, m.limit, f"{m.margin_percent:+.1f} %"] for m in s.margins])


def risk_breakdown(s: TrialSummary, metric: str) -> Table:
    """The study's risk over the horizon by source, with shares."""
    b = s.risk_breakdown
    parts = [("background", b.background), ("intra-shell", b.intra_shell),
             ("failed satellites", b.failed_satellites)]
    total = sum(v for _, v in parts) or 1.0
    return Table(["source", f"risk over the horizon [{metric}]", "share"],
                 [[k, v, f"{100 * v / total:.1f} %"] for k, v in parts])


def compliance(s: TrialSummary) -> Table:
    """Per-satellite limits and disposal rules."""
    c = s.compliance
    return Table(["check", "value"], [
        ["max collision probability per satellite (life) [-]",
         c.max_collision_probability_per_sat_life],
        ["max maneuvers per satellite-year", c.max_maneuvers_per_sat_year],
        ["all used shells meet the 5-year rule", c.all_shells_meet_5yr_rule],
        ["shells needing propulsive disposal", c.shells_needing_propulsive_disposal],
        ["design life [yr]", c.design_life_years],
    ])
