"""The self-contained HTML report: one file, no network, plotly.js inlined.

The page embeds the report data as JSON and draws every chart in the browser: the Pareto front
(compute versus risk, cost as colour; hover shows a design, clicking a point opens it), the
chosen design's shell allocation, launch schedule, satellite sizing, risk breakdown and
compliance, parameter importances and slices, and the assumptions table with the source of
every default.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orbitdc report: __TITLE__</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2433;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px 0;font-size:22px} header p{margin:2px 0;opacity:.85;font-size:13px}
main{padding:18px 28px;max-width:1280px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:14px 18px;margin:0 0 18px 0}
h2{font-size:17px;margin:4px 0 10px 0}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid #e3e6ee;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f8}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.banner{background:#fff4e5;border-left:4px solid #f0a020;padding:10px 14px;margin:0 0 14px 0;border-radius:4px}
.ok{color:#1b7f3b;font-weight:600} .bad{color:#b3261e;font-weight:600}
.muted{color:#667085;font-size:12px} .chart{min-height:320px} .scroll{overflow-x:auto}
</style>
<script>__PLOTLY__</script>
</head><body>
<header><h1>orbitdc report: __TITLE__</h1><p id="subtitle"></p></header>
<main>
<div id="messages"></div>
<section><h2>Study</h2><table id="summary"></table></section>
<section><h2>Pareto front: compute versus debris risk</h2>
<p class="muted">Each point is a trial (one design point of the search, its deployment plan
optimised by the MILP). Colour: cost. Click a point to open its design below.</p>
<div id="pareto" class="chart"></div></section>
<section id="design"><h2 id="design-title">Design</h2>
<div class="grid"><div><table id="design-figures"></table></div><div><table id="design-params"></table></div></div>
<div class="grid"><div id="allocation" class="chart"></div><div id="schedule" class="chart"></div></div>
<h2>Satellite sizing</h2><div class="scroll"><table id="sizing"></table></div>
<div class="grid"><div id="risk-breakdown" class="chart"></div><div><h2>Compliance</h2><table id="compliance"></table></div></div>
</section>
<section><h2>Parameter importances and slices</h2>
<p class="muted" id="importance-note"></p>
<div id="importances" class="chart"></div><div id="slices" class="chart"></div></section>
<section><h2>Assumptions</h2><p class="muted">Every default of the engineering catalogs in
models/, with its source.</p><table id="assumptions"></table></section>
<p class="muted" id="footer"></p>
</main>
<script>
const DATA = __DATA__;
const byId = Object.fromEntries(DATA.trials.map(t => [t.number, t]));
function fmt(x) {
  if (x === null || x === undefined) return "";
  if (typeof x === "boolean") return x ? "yes" : "no";
  if (typeof x !== "number") return String(x);
  if (!isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return x.toLocaleString("en-US", {maximumSignificantDigits: 5});
}
function esc(s) { const d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
function rows(el, pairs, header) {
  const t = document.getElementById(el);
  let h = header ? "<tr>" + header.map(c => "<th>" + esc(c) + "</th>").join("") + "</tr>" : "";
  for (const r of pairs) h += "<tr>" + r.map(c => "<td>" + esc(fmt(c)) + "</td>").join("") + "</tr>";
  t.innerHTML = h;
}
function hoverText(t) {
  return "trial " + t.number + "<br>compute " + fmt(t.objectives.compute) + " PFLOP/s-yr" +
    "<br>risk " + fmt(t.objectives.risk) + "<br>cost " + fmt((t.objectives.cost || 0) / 1e9) +
    " bn USD<br>shells " + esc((t.attrs.shells_used || []).join(", "));
}
function renderPareto() {
  const pareto = DATA.pareto.map(n => byId[n]);
  const paretoSet = new Set(DATA.pareto);
  const others = DATA.trials.filter(t => t.feasible && !paretoSet.has(t.number));
  const infeasible = DATA.trials.filter(t => t.state === "COMPLETE" && !t.feasible);
  const traces = [
    {name: "Pareto front", type: "scatter", mode: "markers", x: pareto.map(t => t.objectives.risk),
     y: pareto.map(t => t.objectives.compute), customdata: pareto.map(t => t.number),
     text: pareto.map(hoverText), hoverinfo: "text",
     marker: {size: 12, color: pareto.map(t => (t.objectives.cost || 0) / 1e9), colorscale: "Viridis",
              showscale: true, colorbar: {title: {text: "cost [bn USD]"}}, line: {width: 1, color: "#222"}}},
    {name: "other feasible trials", type: "scatter", mode: "markers", x: others.map(t => t.objectives.risk),
     y: others.map(t => t.objectives.compute), customdata: others.map(t => t.number),
     text: others.map(hoverText), hoverinfo: "text", marker: {size: 7, color: "#9aa3b5", opacity: 0.6}},
    {name: "infeasible trials", type: "scatter", mode: "markers", x: infeasible.map(t => t.objectives.risk),
     y: infeasible.map(t => t.objectives.compute), customdata: infeasible.map(t => t.number),
     text: infeasible.map(hoverText), hoverinfo: "text", marker: {size: 7, symbol: "x", color: "#d0a0a0"}},
  ];
  for (const other of DATA.compare) {
    traces.push({name: other.name + " Pareto front", type: "scatter", mode: "markers+lines",
      x: other.points.map(p => p.risk), y: other.points.map(p => p.compute), hoverinfo: "x+y"});
  }
  const layout = {margin: {t: 20, r: 20}, showlegend: true,
                  xaxis: {title: {text: "debris risk over the horizon [" + DATA.metric + "]"}},
                  yaxis: {title: {text: "compute [PFLOP/s-years]"}}, legend: {orientation: "h", y: -0.25}};
  Plotly.newPlot("pareto", traces, layout, {responsive: true, displaylogo: false});
  document.getElementById("pareto").on("plotly_click", ev => {
    const n = ev.points[0].customdata; if (n !== undefined) showDesign(n);
  });
}
function showDesign(number) {
  const t = byId[number];
  if (!t) return;
  const a = t.attrs;
  document.getElementById("design-title").textContent =
    "Design: trial " + t.number + (number === DATA.default_design ? " (best compute per risk)" : "");
  rows("design-figures", [
    ["compute [PFLOP/s-years]", t.objectives.compute], ["risk [" + DATA.metric + "]", t.objectives.risk],
    ["cost [USD]", t.objectives.cost], ["compute per risk", a.ratio_pflop_years_per_risk],
    ["peak compute in service [PFLOP/s]", a.peak_compute_pflops], ["satellites launched", a.satellites_launched],
    ["flights", a.flights], ["shells used", (a.shells_used || []).join(", ")], ["status", a.status],
  ], ["key figure", "value"]);
  rows("design-params", Object.entries(t.params), ["parameter", "value"]);
  const plan = a.plan || {years: [], shells: []};
  const classes = [...new Set(plan.shells.flatMap(s => Object.keys(s.active_last_year || {})))];
  Plotly.newPlot("allocation", classes.map(c => ({type: "bar", name: c, x: plan.shells.map(s => s.key),
    y: plan.shells.map(s => (s.active_last_year || {})[c] || 0)})),
    {barmode: "stack", title: {x: 0.02, text: "satellites in service in " + (plan.years[plan.years.length - 1] || "")},
     margin: {t: 60}}, {displaylogo: false});
  Plotly.newPlot("schedule", plan.shells.map(s => ({type: "bar", name: s.key, x: plan.years,
    y: plan.years.map((_, k) => Object.values(s.launches || {}).reduce((acc, v) => acc + (v[k] || 0), 0))})),
    {barmode: "stack", title: {x: 0.02, text: "launch schedule (satellites per year)"}, margin: {t: 60}}, {displaylogo: false});
  const designs = a.designs || {};
  const cols = ["array_area_m2", "radiator_area_m2", "array_mass_kg", "radiator_mass_kg", "battery_mass_kg",
                "compute_hw_mass_kg", "structure_mass_kg", "propulsion_mass_kg", "total_mass_kg",
                "cross_section_m2", "compute_pflops"];
  rows("sizing", Object.entries(designs).map(([k, d]) => [k, ...cols.map(c => d[c])]), ["shell / class", ...cols]);
  const rb = a.risk_breakdown || {};
  Plotly.newPlot("risk-breakdown", [{type: "bar", x: Object.keys(rb), y: Object.values(rb),
    marker: {color: ["#4c72b0", "#dd8452", "#c44e52"]}}],
    {title: {x: 0.02, text: "risk over the horizon by source"}, margin: {t: 60}}, {displaylogo: false});
  const comp = a.compliance || {};
  rows("compliance", Object.entries(comp).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
       ["check", "value"]);
  document.getElementById("design").dataset.trial = String(t.number);
}
function renderImportances() {
  const imp = DATA.importances;
  document.getElementById("importance-note").textContent = imp.note || "";
  const objs = Object.keys(imp.values || {});
  if (objs.length) {
    Plotly.newPlot("importances", objs.map(o => ({type: "bar", name: o, x: Object.keys(imp.values[o]),
      y: Object.values(imp.values[o])})), {barmode: "group", title: {x: 0.02, text: "parameter importance"},
      margin: {t: 60}}, {displaylogo: false});
  }
  const params = Object.keys(DATA.slices || {});
  if (params.length) {
    const traces = params.map((p, k) => ({type: "scatter", mode: "markers", name: p,
      x: DATA.slices[p].x, y: DATA.slices[p].y, xaxis: "x" + (k + 1), yaxis: "y" + (k + 1)}));
    const layout = {grid: {rows: 1, columns: params.length, pattern: "independent"},
                    title: {x: 0.02, text: "slices: compute per risk against each parameter"}, margin: {t: 60},
                    showlegend: false};
    // categorical parameters (e.g. inclination "53" / "dawn-dusk") on a category axis: plotly
    // would otherwise read the numeric-looking labels as numbers and drop the rest
    params.forEach((p, k) => { layout["xaxis" + (k + 1)] = {title: {text: p},
      type: DATA.slices[p].categorical ? "category" : "-"}; });
    Plotly.newPlot("slices", traces, layout, {displaylogo: false});
  }
}
function render() {
  document.getElementById("subtitle").textContent = DATA.subtitle;
  document.getElementById("messages").innerHTML = DATA.messages.map(m =>
    '<div class="banner">' + esc(m) + "</div>").join("");
  rows("summary", DATA.summary, null);
  rows("assumptions", DATA.assumptions.map(r => [r.catalog, r.technology, r.parameter, r.value, r.unit, r.source]),
       ["catalog", "technology", "parameter", "value", "unit", "source"]);
  document.getElementById("footer").textContent = DATA.footer;
  renderPareto();
  renderImportances();
  if (DATA.default_design !== null) showDesign(DATA.default_design);
  else document.getElementById("design-title").textContent = "Design: no feasible design to show";
}
window.orbitdcReport = {showDesign: showDesign, data: DATA};
render();
</script>
</body></html>
"""


def _clean(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become strings, tuples lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def render_html(data: dict[str, Any], plotly_js: str) -> str:
    """Fill the template. ``data`` follows the structure :mod:`orbitdc.report.build` makes."""
    blob = json.dumps(_clean(data), separators=(",", ":"))
    # A "</script>" inside the JSON would end the script element early.
    blob = blob.replace("</", "<\\/")
    return (
        _TEMPLATE.replace("__TITLE__", html.escape(str(data.get("title", ""))))
        .replace("__PLOTLY__", plotly_js.replace("</script", "<\\/script"))
        .replace("__DATA__", blob)
    )
