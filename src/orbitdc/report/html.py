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
    if s.environment is not None:
        out.append(environment_section(s.environment))
    out.append("<h3>Open questions</h3><ul>"
               + "".join(f"<li>{esc(q)}</li>" for q in s.open_questions) + "</ul>")
    return "\n".join(out)


def environment_section(env: Any) -> str:
    """The plan's long-term environment and, with the limit, how the limit changed the plan."""
    from orbitdc.report.figures import evolution_chart

    out = [f"<h3>The environment over {env.years} years (orbitdc evolve)</h3>",
           '<p class="muted">Species-by-altitude evolution with collision feedback, against the '
           f"same years without the plan ({esc(env.background)} background traffic; "
           "design/environment.md).</p>"]
    out.append(tables.to_html(tables.Table(["figure", "with the plan", "without"], [
        ["debris objects >= 10 cm at the end", env.debris_end, env.debris_end_reference],
        ["environment_50y (added debris objects)", env.environment_50y, ""],
        ["catastrophic collisions (cumulative)", env.catastrophic_collisions,
         env.catastrophic_collisions_reference],
        ["worst bin: fragments / fragments without the plan", env.max_bin_ratio, ""]]),
        "environment"))
    if env.series:
        out.append('<div class="chart">' + evolution_chart(env.series).finish(
            "evolution-").svg + "</div>")
    lim = env.sustainability
    if lim is not None:
        out.append(f"<h3>Sustainability limit: {lim.max_fragment_multiple:g}x the fragments "
                   "without the plan, per bin</h3>")
        out.append(f'<p class="muted">{lim.iterations} round(s) with the linearised limit, '
                   f"{'converged' if lim.converged else 'stopped before converging'}; the "
                   f"final plan {'meets' if lim.meets_limit else 'does NOT meet'} the limit in "
                   "its own evolution"
                   + (f" (stopped: {esc(lim.stop_reason)})" if lim.stop_reason else "")
                   + ".</p>")
        cls = lambda d: ", ".join(f"{k}: {v:,}" for k, v in d.items())  # noqa: E731
        out.append(tables.to_html(tables.Table(["plan", "shells", "satellites by class",
                                                "compute [PFLOP/s-yr]", "environment_50y",
                                                "worst bin ratio"], [
            ["without the limit", ", ".join(lim.free_shells_used),
             cls(lim.free_satellites_by_class), lim.free_compute_pflop_years,
             lim.free_environment_50y, lim.free_max_bin_ratio],
            *[[f"round {r.iteration}", ", ".join(r.shells_used), "", r.compute_pflop_years,
               r.environment_50y, r.max_bin_ratio] for r in lim.rounds],
            ["with the limit (this design)", ", ".join(s for s in lim.rounds[-1].shells_used)
             if lim.rounds else "", cls(lim.satellites_by_class),
             lim.rounds[-1].compute_pflop_years if lim.rounds else "", env.environment_50y,
             env.max_bin_ratio]]), "sustainability"))
    return "\n".join(out)


def design_template(number: int, panel: str) -> str:
    """A design panel kept inert until shown."""
    return f'<template id="design-{number}">{panel}</template>'
