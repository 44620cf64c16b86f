"""Every chart of the report, drawn once with matplotlib.

A chart function returns a :class:`Chart`: the matplotlib figure and the data attributes of its
marks (a point of the front carries ``data-trial`` and ``data-tip``, a bar its value).
:meth:`Chart.finish` renders it to SVG with those attributes on the marks (and to PNG and SVG
files when asked), so one drawing serves the figures folder, the design review and the HTML
report, where a small script (``report/template.html``) makes the marks interactive: hovering
shows ``data-tip``, clicking a mark with ``data-trial`` opens that design.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from orbitdc.report.records import TrialRecord  # noqa: E402
from orbitdc.report.tables import MASS_PARTS, fmt, header  # noqa: E402
from orbitdc.risk.metrics import FLEET_QUANTITIES  # noqa: E402
from orbitdc.study.summary import TrialSummary  # noqa: E402

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

#: Text stays text in the SVG (smaller, selectable); ids are stable from run to run.
STYLE: Any = {"svg.fonttype": "none", "svg.hashsalt": "orbitdc", "font.size": 9.0}

Attrs = dict[str, str]


@dataclass
class Rendered:
    """A finished chart: its SVG (no XML prolog, ready to inline) and the files written."""

    svg: str
    files: list[Path] = field(default_factory=list)


@dataclass
class Chart:
    """A matplotlib figure and the data attributes of its interactive marks.

    Attributes
    ----------
    figure : Figure
    marks : dict
        Group id -> attributes of the group (a bar), or a list of attributes, one per drawn
        element of a collection in drawing order (the points of a scatter).
    dropped : int
        Marks left out (non-positive values on a log axis).
    """

    figure: Figure
    marks: dict[str, Attrs | list[Attrs]] = field(default_factory=dict)
    dropped: int = 0

    def mark(self, artist: Artist, attrs: Attrs | list[Attrs]) -> None:
        """Give ``artist`` an id and the attributes its SVG element(s) will carry."""
        gid = f"mark{len(self.marks)}"
        artist.set_gid(gid)
        self.marks[gid] = attrs

    def mark_bars(self, bars: BarContainer, tips: Sequence[str]) -> None:
        """A tooltip on every bar of a bar container."""
        for patch, tip in zip(bars.patches, tips, strict=True):
            self.mark(patch, {"data-tip": tip, "class": "mark"})

    def finish(self, prefix: str, directory: Path | None = None, stem: str = "") -> Rendered:
        """Render to annotated SVG and close the figure.

        Ids are prefixed with ``prefix`` so several charts share a page; ``<stem>.png`` and
        ``<stem>.svg`` are written into ``directory`` when given.
        """
        try:
            buf = io.StringIO()
            with plt.rc_context(STYLE):
                self.figure.savefig(buf, format="svg", bbox_inches="tight")
            svg = annotate_svg(buf.getvalue(), self.marks, prefix)
            files: list[Path] = []
            if directory is not None:
                directory.mkdir(parents=True, exist_ok=True)
                png = directory / f"{stem}.png"
                self.figure.savefig(png, dpi=130, bbox_inches="tight")
                path = directory / f"{stem}.svg"
                path.write_text('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + svg,
                                encoding="utf-8")
                files = [png, path]
            return Rendered(svg, files)
        finally:
            plt.close(self.figure)


def annotate_svg(svg: str, marks: Mapping[str, Attrs | list[Attrs]], prefix: str) -> str:
    """Put the marks' attributes on matplotlib's SVG elements and prefix every id.

    A group with a list of attributes gets them on its drawn elements (``path`` or ``use``) in
    drawing order; nothing is annotated when the counts differ.
    """
    root = ET.fromstring(svg)
    for meta in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(meta)
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    for gid, attrs in marks.items():
        group = by_id.get(gid)
        if group is None:
            continue
        if isinstance(attrs, dict):
            targets, values = [group], [attrs]
        else:
            targets, values = _drawn(group), attrs
            if len(targets) != len(values):
                continue
        for el, extra in zip(targets, values, strict=True):
            for k, v in extra.items():
                el.set(k, v)
    ids = {i for i in by_id if i}
    pattern = re.compile(r"#(" + "|".join(re.escape(i) for i in sorted(ids, key=len,
                                                                        reverse=True)) + r")\b")
    for el in root.iter():
        if el.get("id"):
            el.set("id", prefix + str(el.get("id")))
        for key, value in list(el.attrib.items()):
            if "#" in value and ids:
                el.set(key, pattern.sub(lambda m: "#" + prefix + m.group(1), value))
    root.set("class", "chart-svg")
    return ET.tostring(root, encoding="unicode")


def _drawn(group: ET.Element) -> list[ET.Element]:
    """The ``path`` and ``use`` elements a group draws, in order (definitions excluded)."""
    out: list[ET.Element] = []
    for child in group:
        if child.tag == f"{{{SVG_NS}}}defs":
            continue
        if child.tag in (f"{{{SVG_NS}}}path", f"{{{SVG_NS}}}use"):
            out.append(child)
        else:
            out += _drawn(child)
    return out


def _figure(*args: Any, **kwargs: Any) -> tuple[Figure, Any]:
    with plt.rc_context(STYLE):
        return plt.subplots(*args, **kwargs)


def _tip(record: TrialRecord) -> str:
    o = record.objectives
    shells = ", ".join(record.summary.shells_used) if record.summary else ""
    return (f"trial {record.number}\ncompute {fmt(o.get('compute'))} PFLOP/s-yr\n"
            f"risk {fmt(o.get('risk'))}\ncost {fmt(o.get('cost', 0.0) / 1e9)} bn USD"
            + (f"\nshells {shells}" if shells else ""))


def _positive(records: Sequence[TrialRecord], log_x: bool, log_y: bool) -> list[TrialRecord]:
    return [r for r in records if (not log_x or r.objectives["risk"] > 0)
            and (not log_y or r.objectives["compute"] > 0)]


# -- the front ---------------------------------------------------------------------------------
def pareto_chart(
    fronts: Mapping[str, tuple[Sequence[TrialRecord], Sequence[TrialRecord]]],
    metric: str = "risk",
    *,
    log_x: bool = False,
    log_y: bool = False,
) -> Chart:
    """Compute versus risk of the trials and the Pareto fronts.

    The Pareto-optimal trials of the first study are coloured by cost, beside its other feasible
    and its infeasible trials, and the fronts of the other studies. ``fronts`` maps a study name
    to ``(all records, Pareto records)``; points of the first study carry ``data-trial``. On a
    log axis, points at zero are left out (counted in :attr:`Chart.dropped`).
    """
    fig, ax = _figure(figsize=(8.0, 5.0))
    chart = Chart(fig)
    markers = "osD^v<>"
    scatter = None
    for k, (name, (records, front)) in enumerate(fronts.items()):
        complete = [r for r in records if "risk" in r.objectives and "compute" in r.objectives]
        shown = _positive(complete, log_x, log_y)
        chart.dropped += len(complete) - len(shown) if k == 0 else 0
        on_front = {r.number for r in front}
        pts = sorted(_positive(front, log_x, log_y), key=lambda r: r.objectives["risk"])
        if k > 0:
            if pts:
                line = ax.scatter([r.objectives["risk"] for r in pts],
                                  [r.objectives["compute"] for r in pts],
                                  marker=markers[k % len(markers)], s=40, facecolors="none",
                                  edgecolors=f"C{k}", linewidths=1.6,
                                  label=f"{name}: Pareto-optimal")
                chart.mark(line, [{"data-tip": f"{name}\n" + _tip(r), "class": "pt compare"}
                                  for r in pts])
            continue
        for kind, subset, style in (
            ("infeasible", [r for r in shown if not r.feasible],
             {"marker": "x", "s": 22, "color": "#d08080", "label": "infeasible trials"}),
            ("feasible", [r for r in shown if r.feasible and r.number not in on_front],
             {"s": 22, "color": "#9aa3b5", "alpha": 0.7, "label": "other feasible trials"}),
        ):
            if subset:
                sc = ax.scatter([r.objectives["risk"] for r in subset],
                                [r.objectives["compute"] for r in subset], **style)
                chart.mark(sc, [{"data-trial": str(r.number), "data-tip": _tip(r),
                                 "class": f"pt {kind}"} for r in subset])
        if pts:
            scatter = ax.scatter([r.objectives["risk"] for r in pts],
                                 [r.objectives["compute"] for r in pts],
                                 c=[r.objectives.get("cost", 0.0) / 1e9 for r in pts],
                                 cmap="viridis", s=70, edgecolors="#222222", linewidths=0.8,
                                 label=f"{name}: Pareto-optimal", zorder=3)
            chart.mark(scatter, [{"data-trial": str(r.number), "data-tip": _tip(r),
                                  "class": "pt pareto"} for r in pts])
    ax.set_xlabel(f"debris risk over the horizon [{metric}]")
    ax.set_ylabel("compute delivered [PFLOP/s-years]")
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if scatter is not None:
        fig.colorbar(scatter, ax=ax, label="cost [billion USD]")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8)
    return chart


# -- one design --------------------------------------------------------------------------------
def _stacked(ax: Axes, chart: Chart, x: list[str], series: Mapping[str, list[float]],
             unit: str) -> None:
    bottom = [0.0] * len(x)
    for name, values in series.items():
        bars = ax.bar(x, values, bottom=bottom, label=name)
        chart.mark_bars(bars, [f"{name}, {xx}: {fmt(v)} {unit}" for xx, v in
                               zip(x, values, strict=True)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if series:
        ax.legend(fontsize=7)


def _slots_panel(ax: Axes, chart: Chart, summary: TrialSummary) -> None:
    """Slots of every candidate shell (largest class pattern) and the plan's peak satellites."""
    rows = sorted(summary.slots, key=lambda r: (r.inclination, r.altitude_km))
    peak = {s.key: s.peak_in_service() for s in summary.shells}
    families = sorted({r.inclination for r in rows})
    for k, fam in enumerate(families):
        sel = [r for r in rows if r.inclination == fam]
        x = [r.altitude_km for r in sel]
        y = [float(max(r.slots_by_class.values())) for r in sel]
        ax.plot(x, y, color=f"C{k}", alpha=0.6)
        sc = ax.scatter(x, y, color=f"C{k}", s=24, label=f"slots, {fam}", zorder=3)
        chart.mark(sc, [{"data-tip": f"{r.key}: " + ", ".join(
            f"{c} {n:,} ({r.patterns_by_class[c].split(':')[-1]}, "
            f"{r.min_separation_km_by_class[c]:.2f} km)"
            for c, n in r.slots_by_class.items()), "class": "mark"} for r in sel])
        used = [(r.altitude_km, peak[r.key]) for r in sel if peak.get(r.key)]
        if used:
            pts = ax.scatter([u[0] for u in used], [max(u[1], 1) for u in used], marker="v",
                             color=f"C{k}", s=60, edgecolors="#222222",
                             label=f"peak satellites, {fam}", zorder=4)
            chart.mark(pts, [{"data-tip": f"{a:g} km: {n:,} satellites in service at peak",
                              "class": "mark"} for a, n in used])
    ax.set_yscale("log")
    ax.set_xlabel("altitude [km]")
    ax.set_ylabel("satellites")
    ax.set_title("self-safe slots per shell (SGP4-verified pattern) and the plan's peak")
    ax.legend(fontsize=7)


def design_chart(summary: TrialSummary, number: int) -> Chart:
    """Satellites in service and launched per year by shell, mass and risk breakdowns.

    With slots (``summary.slots``) a third row shows each candidate shell's self-safe slots
    and the plan's peak satellites in the shells it uses.
    """
    if summary.slots:
        fig, grid = _figure(3, 2, figsize=(11, 10.5))
        (ax_service, ax_launch), (ax_mass, ax_risk), (ax_slots, ax_off) = grid
        ax_off.remove()
        gs = ax_slots.get_gridspec()
        ax_slots.remove()
        ax_slots = fig.add_subplot(gs[2, :])
    else:
        fig, axes = _figure(2, 2, figsize=(11, 7.0))
        (ax_service, ax_launch), (ax_mass, ax_risk) = axes
    chart = Chart(fig)
    if summary.slots:
        _slots_panel(ax_slots, chart, summary)
    years = [str(y) for y in summary.years]

    def per_shell(attr: str) -> dict[str, list[float]]:
        return {s.key: [float(sum(col)) for col in zip(*getattr(s, attr).values(), strict=True)]
                for s in summary.shells if getattr(s, attr)}

    _stacked(ax_service, chart, years, per_shell("in_service_by_class"), "satellites")
    ax_service.set_title("satellites in service per year, by shell")
    _stacked(ax_launch, chart, years, per_shell("launched_by_class"), "satellites")
    ax_launch.set_title("satellites launched per year, by shell")
    names = [d.name for d in summary.designs]
    _stacked(ax_mass, chart, names,
             {p.replace("_mass_kg", ""): [getattr(d.satellite, p) / 1e3 for d in summary.designs]
              for p in MASS_PARTS}, "t")
    ax_mass.set_title("satellite mass breakdown [t]")
    ax_mass.tick_params(axis="x", rotation=20)
    b = summary.risk_breakdown
    parts = {"background": b.background, "intra-shell": b.intra_shell,
             "failed satellites": b.failed_satellites}
    bars = ax_risk.bar(list(parts), list(parts.values()), color=["#4c72b0", "#dd8452", "#c44e52"])
    chart.mark_bars(bars, [f"{k}: {fmt(v)} {summary.metric}" for k, v in parts.items()])
    ax_risk.set_title(f"risk over the horizon by source [{summary.metric}]")
    fig.suptitle(f"design {number}")
    fig.tight_layout()
    return chart


def fleet_chart(summary: TrialSummary, number: int) -> Chart:
    """The fleet per year: one small bar chart per fleet quantity.

    The panels follow :data:`~orbitdc.risk.metrics.FLEET_QUANTITIES`, with their units.
    """
    cols = 5
    rows = math.ceil(len(FLEET_QUANTITIES) / cols)
    fig, axes = _figure(rows, cols, figsize=(13, 2.6 * rows), squeeze=False)
    chart = Chart(fig)
    years = [str(y) for y in summary.years]
    for k, q in enumerate(FLEET_QUANTITIES):
        ax = axes[k // cols][k % cols]
        values = [float(getattr(row, q.name)) for row in summary.fleet]
        bars = ax.bar(years, values, color=f"C{k % 10}")
        chart.mark_bars(bars, [f"{q.label}, {y}: {fmt(v)} {q.unit}"
                               for y, v in zip(years, values, strict=True)])
        ax.set_title(header(q), fontsize=8.5)
        ax.tick_params(axis="x", rotation=90, labelsize=7)
        ax.tick_params(axis="y", labelsize=7)
    for k in range(len(FLEET_QUANTITIES), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle(f"design {number}: the fleet per year")
    fig.tight_layout()
    return chart


# -- the search --------------------------------------------------------------------------------
def importance_chart(values: Mapping[str, Mapping[str, float]]) -> Chart | None:
    """Parameter importance per objective (grouped bars); ``None`` without values."""
    objectives = list(values)
    if not objectives:
        return None
    params = sorted({p for v in values.values() for p in v})
    fig, ax = _figure(figsize=(9, 3.6))
    chart = Chart(fig)
    width = 0.8 / len(objectives)
    for k, obj in enumerate(objectives):
        xs = [i + (k - (len(objectives) - 1) / 2) * width for i in range(len(params))]
        ys = [values[obj].get(p, 0.0) for p in params]
        bars = ax.bar(xs, ys, width=width, label=obj)
        chart.mark_bars(bars, [f"{obj}: {p} {fmt(y)}" for p, y in zip(params, ys, strict=True)])
    ax.set_xticks(range(len(params)), params, rotation=15)
    ax.set_ylabel("importance [-]")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return chart


def slices_chart(slices: Mapping[str, Mapping[str, Any]]) -> Chart | None:
    """Compute per risk against each searched parameter, one panel each.

    Categorical parameters go on a category axis; points carry ``data-trial``.
    """
    params = list(slices)
    if not params:
        return None
    fig, axes = _figure(1, len(params), figsize=(max(4.0, 2.3 * len(params)), 3.2),
                        sharey=True, squeeze=False)
    chart = Chart(fig)
    for k, p in enumerate(params):
        ax = axes[0][k]
        data = slices[p]
        sc = ax.scatter(data["x"], data["y"], s=14, color=f"C{k % 10}")
        chart.mark(sc, [{"data-trial": str(n), "data-tip": f"trial {n}\n{p} = {fmt(x)}\n"
                         f"compute per risk {fmt(y)}", "class": "pt slice"}
                        for n, x, y in zip(data["trials"], data["x"], data["y"], strict=True)])
        ax.set_xlabel(p, fontsize=8)
        ax.tick_params(axis="x", rotation=30, labelsize=7)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("compute per unit risk")
    fig.tight_layout()
    return chart


def evolution_chart(series: Mapping[str, Any], title: str = "") -> Chart:
    """Population by kind of object over the years, and a year x altitude heat map.

    ``series`` (:func:`orbitdc.study.environment.evolution_series`): ``years``,
    ``altitude_bins_km`` (lower edges), ``bin_width_km``, ``by_kind`` (kind -> [year]) and
    ``by_kind_reference`` (the no-plan run, dashed), ``debris`` ([year][bin], the heat map).
    """
    years = list(series["years"])
    fig, (ax, hm) = _figure(1, 2, figsize=(11.0, 4.0), width_ratios=[1.0, 1.1])
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (kind, values) in enumerate(series["by_kind"].items()):
        color = colors[k % len(colors)]
        ax.plot(years, np.maximum(values, 1e-3), color=color, label=kind)
        ref = series.get("by_kind_reference", {}).get(kind)
        if ref is not None and series.get("has_plan"):
            ax.plot(years, np.maximum(ref, 1e-3), color=color, linestyle="--", linewidth=0.9)
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel("objects >= 10 cm")
    ax.set_title("population by kind" + (" (dashed: without the plan)"
                                         if series.get("has_plan") else ""))
    ax.legend(fontsize=7, loc="best")
    ax.grid(True, alpha=0.3)
    debris = np.asarray(series["debris"], dtype=float)
    lower = np.asarray(series["altitude_bins_km"], dtype=float)
    width = float(series["bin_width_km"])
    edges_y = np.append(lower, lower[-1] + width)
    edges_x = np.append(np.asarray(years, dtype=float) - 0.5, years[-1] + 0.5)
    mesh = hm.pcolormesh(edges_x, edges_y, np.maximum(debris, 1e-1).T,
                         norm=matplotlib.colors.LogNorm(vmin=1.0, vmax=max(debris.max(), 10.0)),
                         cmap="viridis", shading="flat")
    fig.colorbar(mesh, ax=hm, label="debris objects per bin")
    hm.set_xlabel("year")
    hm.set_ylabel("altitude [km]")
    hm.set_title("fragments, derelicts and rocket bodies" + (f": {title}" if title else ""))
    fig.tight_layout()
    return Chart(fig)
