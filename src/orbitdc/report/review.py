"""The design-review document of one design.

Markdown from design/review_template.md with the report's tables (:mod:`orbitdc.report.tables`)
and figures, and a PDF when a headless Chromium is installed: markdown-it-py renders the
Markdown to HTML and Chromium prints it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from markdown_it import MarkdownIt

from orbitdc._version import __version__
from orbitdc.report import tables
from orbitdc.report.records import TrialRecord
from orbitdc.report.tables import Table, to_markdown
from orbitdc.time import now_utc_text

#: How to get the PDF when Chromium is missing.
INSTALL_CHROMIUM = ("install Debian's chromium ('apt-get install chromium') and run "
                    "'orbitdc report' again")


def template_path() -> Path:
    """design/review_template.md of the source tree, or the copy inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2] / "design" / "review_template.md",
                      here / "review_template.md"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("review_template.md not found")


def _rows(table: Table) -> str:
    """The body rows of a table (the template holds the headers of the fixed tables)."""
    return "\n".join(to_markdown(table).splitlines()[2:])


def review_markdown(
    record: TrialRecord,
    study_attrs: dict[str, Any],
    n_trials: int,
    selection: str,
    figures: dict[str, str] | None = None,
) -> str:
    """Fill the review template for one design.

    Parameters
    ----------
    record : TrialRecord
        With a summary.
    study_attrs : dict
        The stored study's attributes (spec, metric, study file and hash).
    n_trials : int
    selection : str
        Why this design (``"best compute per unit risk among feasible trials"``,
        ``"selected with --design"``).
    figures : dict, optional
        ``pareto``, ``design`` and ``fleet``: image paths relative to the document.
    """
    s = record.summary
    if s is None:
        raise ValueError(f"trial {record.number} has no summary to review")
    spec = study_attrs.get("spec", {})
    dep = spec.get("deployment", {})
    cons = spec.get("search", {}).get("constraints", {})
    metric = study_attrs.get("metric", s.metric)
    start = int(dep.get("start_year") or 0)
    figures = figures or {}

    def image(key: str, alt: str) -> str:
        return f"![{alt}]({figures[key]})" if key in figures else ""

    requirements = Table(["requirement", "value", "source"], [
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
    ])
    questions = [f"- {q}" for q in s.open_questions] or ["- None recorded."]
    values = {
        "study_name": spec.get("study", {}).get("name", "study"),
        "design_id": str(record.number),
        "version": __version__,
        "generated": now_utc_text(),
        "study_file": study_attrs.get("study_file", "?"),
        "study_sha": str(study_attrs.get("study_sha256", "?"))[:12],
        "description": spec.get("study", {}).get("description") or "(no description)",
        "requirements": _rows(requirements),
        "n_trials": str(n_trials),
        "selection": selection,
        "pareto_figure": image("pareto", "Pareto front: compute versus debris risk"),
        "key_figures": _rows(tables.key_figures(record, metric)),
        "allocation": to_markdown(tables.allocation(s)),
        "design_figure": image("design", f"design {record.number}"),
        "fleet_figure": image("fleet", f"design {record.number}: the fleet per year"),
        "fleet_by_year": to_markdown(tables.fleet_by_year(s)),
        "fleet_totals": to_markdown(tables.fleet_totals(s)),
        "sizing": to_markdown(tables.sizing(s)),
        "per_satellite_risk": to_markdown(tables.per_satellite_risk(s)),
        "params": _rows(tables.parameters(record)),
        "margins": _rows(tables.margins(s)),
        "metric": metric,
        "metric_definitions": to_markdown(tables.metric_definitions(metric)),
        "risk_breakdown": _rows(tables.risk_breakdown(s, metric)),
        "compliance": _rows(tables.compliance(s)),
        "open_questions": "\n".join(questions),
        "rationale": "\n".join(f"- {r}" for r in s.rationale) or "- (not recorded)",
    }
    return Template(template_path().read_text(encoding="utf-8")).safe_substitute(values)


_STYLE = ("body{font-family:sans-serif;font-size:10.5px;margin:24px}table{border-collapse:"
          "collapse;margin:6px 0}td,th{border:1px solid #bbb;padding:2px 5px}th{background:#eee}"
          "h1{font-size:18px}h2{font-size:15px}h3{font-size:13px}img{max-width:100%}")


def markdown_to_html(text: str, base: Path | None = None) -> str:
    """The document as HTML (CommonMark with tables), images resolved against ``base``."""
    body = MarkdownIt("commonmark").enable("table").render(text)
    base_tag = f'<base href="{base.resolve().as_uri()}/">' if base is not None else ""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{base_tag}<style>{_STYLE}"
            f"</style></head><body>{body}</body></html>")


def chromium_executable() -> str | None:
    """A headless-capable Chromium, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass(frozen=True)
class PdfResult:
    """The PDF written, or why not."""

    path: Path | None
    skipped: str = ""


def write_pdf(markdown: str, path: Path, timeout_s: float = 60.0) -> PdfResult:
    """Print the document to PDF with headless Chromium (images relative to ``path``)."""
    browser = chromium_executable()
    if browser is None:
        return PdfResult(None, f"no headless Chromium found: {INSTALL_CHROMIUM}")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "review.html"
        page.write_text(markdown_to_html(markdown, path.parent), encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--allow-file-access-from-files", f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", f"--print-to-pdf={path}", page.as_uri()]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout_s)
        except (subprocess.SubprocessError, OSError) as exc:
            return PdfResult(None, f"Chromium could not print it ({type(exc).__name__})")
    if not path.is_file():
        return PdfResult(None, "Chromium wrote no file")
    return PdfResult(path)
