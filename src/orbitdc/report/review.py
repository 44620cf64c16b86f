"""The design-review document of one design.

Markdown from design/review_template.md, and a PDF when a headless Chromium is installed (it
prints the document's HTML rendering).
"""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from string import Template
from typing import Any

from orbitdc._version import __version__
from orbitdc.report.records import TrialRecord
from orbitdc.time import now_utc_text


def template_path() -> Path:
    """design/review_template.md of the source tree, or the copy inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2] / "design" / "review_template.md",
                      here / "review_template.md"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("review_template.md not found")


def _f(x: Any, digits: int = 4) -> str:
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if not math.isfinite(x):
            return str(x)
        if x != 0 and (abs(x) >= 1e7 or abs(x) < 1e-3):
            return f"{x:.3e}"
        return f"{x:,.{digits}g}"
    if isinstance(x, list | tuple):
        return ", ".join(str(v) for v in x) or "-"
    return "-" if x is None else str(x)


def _table(rows: list[list[Any]]) -> str:
    return "\n".join("| " + " | ".join(_f(c) for c in r) + " |" for r in rows) or "| - |"


def review_markdown(
    record: TrialRecord,
    study_attrs: dict[str, Any],
    n_trials: int,
    selection: str,
) -> str:
    """Fill the review template for one design."""
    spec = study_attrs.get("spec", {})
    dep = spec.get("deployment", {})
    cons = spec.get("search", {}).get("constraints", {})
    a = record.attrs
    plan = a.get("plan", {"years": [], "shells": []})
    years = plan.get("years", [])
    metric = study_attrs.get("metric", "risk")
    start = int(dep.get("start_year") or 0)

    requirements = [
        ["compute target [PFLOP/s]", dep.get("compute_target_pflops"),
         f"[deployment] by {dep.get('target_year') or 'the last year'}"],
        ["horizon", f"{start}-{start + (dep.get('horizon_years') or 1) - 1}", "[deployment]"],
        ["total budget [USD]", dep.get("budget_usd_total"), "[deployment]"],
        ["yearly budget [USD]", dep.get("budget_usd_per_year"), "[deployment]"],
        ["risk cap [" + metric + "]", dep.get("risk_cap"), "[deployment]"],
        ["max collision probability per satellite (life)",
         cons.get("max_collision_probability_per_sat"), "[search.constraints]"],
        ["max maneuvers per satellite-year", cons.get("max_maneuvers_per_sat_year"),
         "[search.constraints]"],
        ["5-year disposal compliance required", cons.get("require_disposal_compliance"),
         "[search.constraints], FCC 22-74"],
        ["minimum altitude spacing of shells [km]", spec.get("shells", {}).get("min_separation_km"),
         "[shells]"],
    ]
    key = [
        ["compute delivered [PFLOP/s-years]", record.objectives.get("compute")],
        ["debris risk [" + metric + "]", record.objectives.get("risk")],
        ["cost [USD]", record.objectives.get("cost")],
        ["compute per unit risk", record.ratio],
        ["peak compute in service [PFLOP/s]", a.get("peak_compute_pflops")],
        ["satellites launched", a.get("satellites_launched")],
        ["flights", a.get("flights")],
    ]
    allocation = []
    for s in plan.get("shells", []):
        for cls, n in s.get("active_last_year", {}).items():
            launched = sum(s.get("launches", {}).get(cls, []))
            allocation.append([s["key"], s.get("altitude_km"), s.get("inclination"), cls, n,
                               launched])
    schedule = []
    for k, y in enumerate(years):
        launched = sum(sum(v[k] for v in s.get("launches", {}).values())
                       for s in plan.get("shells", []))
        flights = sum(s.get("flights", [0] * len(years))[k] for s in plan.get("shells", []))
        compute = a.get("compute_by_year", [None] * len(years))[k]
        schedule.append([str(y), launched, flights, compute,
                         (a.get("cost_by_year", [0.0] * len(years))[k] or 0.0) / 1e6])
    sizing = [[name, d.get("power_compute_kw"), d.get("total_mass_kg", 0.0) / 1e3,
               d.get("array_area_m2"), d.get("radiator_area_m2"), d.get("battery_mass_kg"),
               d.get("cross_section_m2"), d.get("compute_pflops")]
              for name, d in a.get("designs", {}).items()]
    margins = list(a.get("margins", []))
    breakdown = a.get("risk_breakdown", {})
    total = sum(breakdown.values()) or 1.0
    risk_rows = [[k, v, f"{100 * v / total:.1f} %"] for k, v in breakdown.items()]
    questions = [f"- {q}" for q in a.get("open_questions", [])] or ["- None recorded."]
    values = {
        "study_name": study_attrs.get("spec", {}).get("study", {}).get("name", "study"),
        "design_id": str(record.number),
        "version": __version__,
        "generated": now_utc_text(),
        "study_file": study_attrs.get("study_file", "?"),
        "study_sha": str(study_attrs.get("study_sha256", "?"))[:12],
        "description": spec.get("study", {}).get("description") or "(no description)",
        "requirements": _table(requirements),
        "n_trials": str(n_trials),
        "selection": selection,
        "key_figures": _table(key),
        "allocation": _table(allocation),
        "schedule": _table(schedule),
        "sizing": _table(sizing),
        "params": _table([[k, v] for k, v in record.params.items()]),
        "margins": _table(margins),
        "metric": metric,
        "risk_breakdown": _table(risk_rows),
        "compliance": _table([[k, v] for k, v in a.get("compliance", {}).items()]),
        "open_questions": "\n".join(questions),
    }
    return Template(template_path().read_text(encoding="utf-8")).safe_substitute(values)


def markdown_to_html(text: str) -> str:
    """Minimal Markdown (headings, tables, lists, paragraphs) for the PDF rendering."""
    out = ["<html><head><meta charset='utf-8'><style>body{font-family:sans-serif;font-size:11px;"
           "margin:24px}table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #bbb;"
           "padding:2px 6px}h1{font-size:18px}h2{font-size:15px}h3{font-size:13px}</style></head>"
           "<body>"]
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("|"):
            table = []
            while k < len(lines) and lines[k].startswith("|"):
                cells = [c.strip() for c in lines[k].strip().strip("|").split("|")]
                if not all(re.fullmatch(r"-+", c) for c in cells):
                    table.append(cells)
                k += 1
            out.append("<table>" + "".join(
                "<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{html.escape(c)}"
                                 f"</{'th' if i == 0 else 'td'}>" for c in row) + "</tr>"
                for i, row in enumerate(table)) + "</table>")
            continue
        m = re.match(r"(#+) (.*)", line)
        if m:
            level = len(m.group(1))
            out.append(f"<h{level}>{html.escape(m.group(2))}</h{level}>")
        elif line.startswith("- "):
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.strip():
            out.append(f"<p>{html.escape(line.strip('*'))}</p>")
        k += 1
    out.append("</body></html>")
    return "\n".join(out)


def chromium_executable() -> str | None:
    """A headless-capable Chromium, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def write_pdf(markdown: str, path: Path, timeout_s: float = 60.0) -> Path | None:
    """Print the document to PDF with headless Chromium; ``None`` when Chromium is absent."""
    browser = chromium_executable()
    if browser is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "review.html"
        page.write_text(markdown_to_html(markdown), encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
               f"--print-to-pdf={path}", page.as_uri()]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout_s)
        except (subprocess.SubprocessError, OSError):
            return None
    return path if path.is_file() else None
