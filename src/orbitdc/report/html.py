"""The self-contained HTML report: one file, no network, no JavaScript library.

The page is ``template.html`` (package data) with its ``<!--@name-->`` markers filled: the charts
as inline SVG (:mod:`orbitdc.report.figures`), the tables as HTML (:mod:`orbitdc.report.tables`),
and every complete trial's design panel as a ``<template id="design-N">`` that a click on the
trial's point shows.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from orbitdc.report import tables
from orbitdc.report.records import TrialRecord

_MARKER = re.compile(r"<!--@([a-z_]+)-->")


def template() -> str:
    """The page template shipped inside the package."""
    return files("orbitdc.report").joinpath("template.html").read_text(encoding="utf-8")


def fill(page: str, parts: Mapping[str, str]) -> str:
    """Replace every ``<!--@name-->`` marker once, in one pass (inserted text is not re-read).

    Raises
    ------
    KeyError
        When a marker has no part.
    """
    return _MARKER.sub(lambda m: parts[m.group(1)], page)


def json_data(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` element (non-finite floats as strings)."""
    blob = json.dumps(_clean(data), separators=(",", ":"))
    return blob.replace("</", "<\\/")  # "</script>" inside would end the element early


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def esc(text: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(text))


def title(text: str) -> str:
    """The design panel's heading (the element the page and its tests look for)."""
    return f'<h2 id="design-title">{esc(text)}</h2>'


def design_panel(
    record: TrialRecord, label: str, metric: str, *, design_svg: str = "", fleet_svg: str = "",
    chart_note: str = "",
) -> str:
    """The design panel of one trial.

    Parameters
    ----------
    record : TrialRecord
    label : str
        Why this trial is shown (``"best compute per unit risk"``, ``"selected with --design"``,
        ``"Pareto-optimal"``, ...).
    metric : str
        The study's risk metric.
    design_svg, fleet_svg : str
        Inline SVGs of the design and fleet charts (``""``: not drawn).
    chart_note : str
        Shown where the charts are not drawn.
    """
    out = [title(f"Design: trial {record.number} ({label})")]
    out.append('<div class="grid"><div>' + tables.to_html(tables.key_figures(record, metric))
               + "</div><div>" + tables.to_html(tables.parameters(record)) + "</div></div>")
    s = record.summary
    if s is None:
        reason = record.note or record.message or f"status {record.status or record.state}"
        out.append(f'<p class="banner">No design to show: {esc(reason)}</p>')
        return "\n".join(out)
    out.append("<h3>The fleet, year by year</h3>")
    out.append('<p class="muted">Expected values of the risk model for the whole fleet; the '
               "Definitions section below says what each column counts.</p>")
    note = f'<p class="muted">{esc(chart_note)}</p>' if chart_note else ""
    out.append(f'<div class="chart">{fleet_svg}</div>' if fleet_svg else note)
    out.append('<div class="scroll">' + tables.to_html(tables.fleet_by_year(s), "fleet") + "</div>")
    out.append("<h3>Over the horizon</h3>" + tables.to_html(tables.fleet_totals(s), "fleet-totals"))
    out.append("<h3>Shells and satellites</h3>")
    out.append(f'<div class="chart">{design_svg}</div>' if design_svg else note)
    out.append('<div class="scroll">' + tables.to_html(tables.allocation(s)) + "</div>")
    out.append("<h3>Satellite sizing</h3>")
    out.append('<div class="scroll">' + tables.to_html(tables.sizing(s), "sizing") + "</div>")
    out.append('<div class="scroll">' + tables.to_html(tables.per_satellite_risk(s)) + "</div>")
    out.append('<div class="grid"><div><h3>Risk by source</h3>'
               + tables.to_html(tables.risk_breakdown(s, metric)) + "<h3>Margins</h3>"
               + tables.to_html(tables.margins(s)) + "</div><div><h3>Compliance</h3>"
               + tables.to_html(tables.compliance(s), "compliance") + "</div></div>")
    if s.rationale:
        out.append("<h3>Why this design</h3><ul>"
                   + "".join(f"<li>{esc(r)}</li>" for r in s.rationale) + "</ul>")
    out.append("<h3>Open questions</h3><ul>"
               + "".join(f"<li>{esc(q)}</li>" for q in s.open_questions) + "</ul>")
    return "\n".join(out)


def design_template(number: int, panel: str) -> str:
    """A design panel kept inert until shown."""
    return f'<template id="design-{number}">{panel}</template>'
