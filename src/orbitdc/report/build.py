"""Assemble a report from a study's results folder (and optionally others to compare).

``results/<study>/`` holds the Optuna storage (``study.db``) and ``manifest.json``. The report
reads every trial, finds the feasible Pareto set, picks a design (``--design ID`` or the best
compute per risk), and writes into the output folder (the study's own folder; for a comparison
of several studies a new ``compare-A-B`` folder beside the first, so no study's report is
overwritten; or ``--out DIR``):

* ``report.html``: self-contained, interactive;
* ``figures/pareto_front``, ``design_<id>``, ``fleet_<id>``, ``importances`` and ``slices``,
  each as PNG and SVG (every chart is drawn once, :mod:`orbitdc.report.figures`);
* ``pareto.csv`` and ``pareto.json``: the Pareto set(s) with parameters and key figures;
* ``design_review_<id>.md`` (and ``.pdf`` when headless Chromium is installed).

An empty study, a study without a feasible trial, a study file that no longer matches the
stored study and trials stored by an older orbitdc each produce a page with a clear message
instead of a broken one.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import optuna

from orbitdc._version import __version__
from orbitdc.assumptions import all_entries
from orbitdc.errors import InputError, OrbitdcError
from orbitdc.report import figures, html, tables
from orbitdc.report.records import TrialRecord, best_ratio, pareto_set, records_from_study
from orbitdc.report.review import PdfResult, review_markdown, write_pdf
from orbitdc.results import atomic_write_text, write_csv
from orbitdc.risk.metrics import FLEET_QUANTITIES, RISK_METRICS
from orbitdc.study.storage import default_storage_url, open_storage
from orbitdc.time import now_utc_text

#: Parameter-importance evaluators: PED-ANOVA needs nothing beyond Optuna; fANOVA fits a random
#: forest from scikit-learn (``pip install "orbitdc[fanova]"``).
Importance = Literal["ped-anova", "fanova"]

#: Most designs whose charts the HTML carries (the chosen one and the best Pareto-optimal ones
#: by compute per risk); every other trial's design shows its tables.
MAX_CHARTED_DESIGNS = 30


@dataclass
class LoadedResults:
    """A study's stored trials and what the report needs to know about them."""

    name: str
    directory: Path
    study_attrs: dict[str, Any]
    objectives: list[str]
    records: list[TrialRecord]
    study: optuna.Study
    messages: list[str] = field(default_factory=list)


def load_results(directory: Path, storage_url: str | None = None) -> LoadedResults:
    """Read the stored study of a results folder.

    Raises
    ------
    OrbitdcError
        When the folder holds no study storage.
    """
    directory = Path(directory)
    url = storage_url or default_storage_url(directory)
    if storage_url is None and not (directory / "study.db").is_file():
        raise OrbitdcError(
            f"{directory}: no study found (expected {directory / 'study.db'}); run "
            "'orbitdc run STUDY.toml' first, or give --storage"
        )
    storage = open_storage(url)
    names = [s.study_name for s in optuna.get_all_study_summaries(storage)]
    if not names:
        raise OrbitdcError(f"{directory}: the storage holds no study")
    name = directory.name if directory.name in names else names[0]
    study = optuna.load_study(study_name=name, storage=storage)
    attrs = dict(study.user_attrs)
    objectives = list(attrs.get("objectives", ["compute", "risk", "cost"]))
    records = records_from_study(study, objectives)
    messages = _consistency_messages(attrs) + _format_messages(records)
    return LoadedResults(name, directory, attrs, objectives, records, study, messages)


def _format_messages(records: Sequence[TrialRecord]) -> list[str]:
    old = [r for r in records if r.note]
    if not old:
        return []
    numbers = ", ".join(str(r.number) for r in old[:10]) + (", ..." if len(old) > 10 else "")
    return [f"{len(old)} complete trial(s) ({numbers}) were {old[0].note}: they are drawn on "
            "the front, but their designs cannot be shown; re-run the study with this orbitdc "
            "to see them."]


def _consistency_messages(attrs: dict[str, Any]) -> list[str]:
    study_file = attrs.get("study_file")
    stored = attrs.get("study_sha256")
    if not study_file or not stored:
        return []
    path = Path(study_file)
    if not path.is_file():
        return [f"The study file {study_file} is not found; the report shows the stored study."]
    now = hashlib.sha256(path.read_bytes()).hexdigest()
    if now != stored:
        return [
            f"The study file {study_file} changed since these results were produced (stored "
            f"sha256 {stored[:12]}, file now {now[:12]}): the report describes the stored study, "
            "not the edited file. Re-run the study (under a new name) to match the file."
        ]
    return []


def _status_messages(res: LoadedResults, front: Sequence[TrialRecord]) -> list[str]:
    complete = [r for r in res.records if r.state == "COMPLETE"]
    if not res.records:
        return ["The study has no trials yet: run 'orbitdc run' to add some."]
    if not complete:
        return [f"No trial has completed ({len(res.records)} trials, states "
                f"{sorted({r.state for r in res.records})})."]
    if not front:
        violated: dict[str, int] = {}
        for r in complete:
            for k, v in r.constraints.items():
                if v > 0:
                    violated[k] = violated.get(k, 0) + 1
        worst = ", ".join(f"{k} ({n} trials)" for k, n in
                          sorted(violated.items(), key=lambda kv: -kv[1])[:3])
        return [f"No feasible trial among {len(complete)} complete ones: the Pareto front is "
                f"empty. Constraints violated most: {worst or 'none recorded'}."]
    return []


def _importances(res: LoadedResults, method: Importance = "ped-anova") -> dict[str, Any]:
    """Parameter importances per objective that varies over the feasible trials."""
    feasible = [r for r in res.records if r.feasible]
    if len(feasible) < 4 or not feasible[0].params:
        return {"note": "Too few feasible trials (or no searched parameters) for importances.",
                "values": {}}
    if method == "fanova":
        try:
            import sklearn  # noqa: F401
        except ImportError:
            return {"note": "fANOVA importances need scikit-learn: pip install "
                            "\"orbitdc[fanova]\", or use the default PED-ANOVA.", "values": {}}
        evaluator: Any = optuna.importance.FanovaImportanceEvaluator(seed=0)
        note = ("fANOVA importances (Optuna's FanovaImportanceEvaluator): the share of each "
                "objective's variance that each parameter explains")
    else:
        evaluator = optuna.importance.PedAnovaImportanceEvaluator()
        note = ("PED-ANOVA importances (Optuna's PedAnovaImportanceEvaluator): how much each "
                "parameter's distribution among the best 10 % of trials for an objective differs "
                "from its distribution over all trials")
    note += (", from the trials the sampler chose; a sampler concentrates on promising regions, "
             "so treat them as indicative.")
    # nothing to attribute when an objective never changed: it is named, not an error
    varied = [o for o in res.objectives if len({r.objectives.get(o) for r in feasible}) > 1]
    constant = [o for o in res.objectives if o not in varied]
    if constant:
        note += f" Constant over the feasible trials (no importances): {', '.join(constant)}."
    sign = {"compute": -1.0}  # PED-ANOVA ranks low target values best
    values = {}
    try:
        for i, obj in enumerate(res.objectives):
            if obj not in varied:
                continue

            def target(t: optuna.trial.FrozenTrial, i: int = i, k: float = sign.get(obj, 1.0)
                       ) -> float:
                return k * float(t.values[i]) if t.values else float("nan")

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PED-ANOVA's reminder that low is better
                imp = optuna.importance.get_param_importances(res.study, evaluator=evaluator,
                                                              target=target)
            values[obj] = {k: float(v) for k, v in imp.items()}
    except Exception as exc:  # importances are a nicety: never break the report
        return {"note": f"Importances unavailable ({type(exc).__name__}: {exc}).", "values": {}}
    return {"note": note, "values": values}


def _slices(records: Sequence[TrialRecord]) -> dict[str, dict[str, Any]]:
    feasible = [r for r in records if r.feasible and math.isfinite(r.ratio)]
    params = sorted({p for r in feasible for p in r.params})
    out: dict[str, dict[str, Any]] = {}
    for p in params:
        with_p = [r for r in feasible if p in r.params]
        xs = [r.params[p] for r in with_p]
        categorical = any(isinstance(x, str) for x in xs)
        out[p] = {"x": [str(x) for x in xs] if categorical else xs,
                  "y": [r.ratio for r in with_p], "trials": [r.number for r in with_p],
                  "categorical": categorical}
    return out


def _trial_json(r: TrialRecord, study: str) -> dict[str, Any]:
    return {"study": study, "number": r.number, "state": r.state, "feasible": r.feasible,
            "objectives": r.objectives, "params": r.params, "constraints": r.constraints,
            "summary": None if r.summary is None else asdict(r.summary),
            "status": r.status, "message": r.message, "note": r.note,
            "evaluation": r.evaluation}


def pareto_rows(front: Sequence[TrialRecord], study: str = "") -> list[dict[str, Any]]:
    """Flat rows of a Pareto set for CSV."""
    rows = []
    for r in front:
        row: dict[str, Any] = {"study": study, "trial": r.number}
        row.update({f"{k}": v for k, v in r.objectives.items()})
        row["ratio_pflop_years_per_risk"] = r.ratio
        s = r.summary
        row["shells_used"] = " ".join(s.shells_used) if s else ""
        row["satellites_launched"] = s.satellites_launched if s else None
        if s is not None:
            totals = s.fleet_totals()
            row["peak_satellites_in_service"] = totals["satellites_in_service"]
            row["avoidance_maneuvers"] = totals["avoidance_maneuvers"]
            row["catastrophic_collisions"] = totals["breakups"]
        row.update({f"param_{k}": v for k, v in r.params.items()})
        rows.append(row)
    return rows


@dataclass
class ReportFiles:
    """What a report wrote.

    Attributes
    ----------
    directory : Path
        The output folder.
    review_pdf : Path or None
    pdf_skipped : str
        Why there is no PDF (``""`` when there is one, or when no review was written).
    """

    directory: Path
    html: Path
    figures: list[Path]
    pareto_csv: Path
    pareto_json: Path
    review_md: Path | None
    review_pdf: Path | None
    messages: list[str]
    design: int | None
    pdf_skipped: str = ""


def output_directory(results: Sequence[LoadedResults], out: Path | None) -> Path:
    """Where a report goes.

    ``out`` when given; else the study's own folder, or for a comparison a new folder beside
    the first study's, named after the studies (``compare-A-B``).
    """
    if out is not None:
        return Path(out)
    if len(results) == 1:
        return results[0].directory
    return results[0].directory.parent / ("compare-" + "-".join(r.name for r in results))


def _label(record: TrialRecord, chosen: TrialRecord | None, selection: str,
           on_front: set[int]) -> str:
    if chosen is not None and record.number == chosen.number:
        return selection
    if record.number in on_front:
        return "Pareto-optimal"
    return "feasible" if record.feasible else "infeasible"


def build_report(
    directories: Sequence[Path],
    *,
    design: int | None = None,
    storage_url: str | None = None,
    pdf: bool = True,
    out: Path | None = None,
    log_x: bool = False,
    log_y: bool = False,
    importance: Importance = "ped-anova",
) -> ReportFiles:
    """Write the report of the first results folder, comparing the others' fronts.

    Parameters
    ----------
    directories : sequence of Path
        Results folders; the first is reported in full, the others' fronts are drawn beside.
    design : int, optional
        Trial number to review instead of the best compute per unit risk.
    storage_url : str, optional
        Storage of the first study when it is not ``<folder>/study.db``.
    pdf : bool
        Print the design review to PDF when Chromium is installed.
    out : Path, optional
        Output folder (see :func:`output_directory`).
    log_x, log_y : bool
        Logarithmic risk / compute axes on the front.
    importance : {"ped-anova", "fanova"}
        Parameter-importance evaluator.
    """
    if importance not in ("ped-anova", "fanova"):
        raise InputError("importance", importance, "ped-anova or fanova")
    main = load_results(directories[0], storage_url)
    others = [load_results(d) for d in directories[1:]]
    out = output_directory([main, *others], out)
    fig_dir = out / "figures"
    metric = main.study_attrs.get("metric", "risk")
    front = pareto_set(main.records, main.objectives)
    on_front = {r.number for r in front}
    messages = main.messages + [m for o in others for m in o.messages]
    messages += _status_messages(main, front)
    # prefer a design that can be shown (trials of an older orbitdc have no summary)
    chosen = best_ratio([r for r in main.records if r.summary is not None]) or best_ratio(
        main.records)
    selection = "best compute per unit risk"
    if design is not None:
        match = [r for r in main.records if r.number == design]
        if not match or not match[0].objectives:
            raise OrbitdcError(
                f"--design {design}: no complete trial with that number in {main.directory} "
                f"(complete: {sorted(r.number for r in main.records if r.objectives)[:20]}...)")
        chosen, selection = match[0], "selected with --design"

    fronts = {main.name: (main.records, front),
              **{o.name: (o.records, pareto_set(o.records, o.objectives)) for o in others}}
    pareto = figures.pareto_chart(fronts, metric, log_x=log_x, log_y=log_y)
    if pareto.dropped:
        messages.append(f"{pareto.dropped} trial(s) with zero risk or compute are not drawn on "
                        "the logarithmic axes.")
    rendered = pareto.finish("pareto-", fig_dir, "pareto_front")
    written = list(rendered.files)
    importances = _importances(main, importance)
    slices = _slices(main.records)
    search_svgs = {}
    for name, chart in (("importances", figures.importance_chart(importances["values"])),
                        ("slices", figures.slices_chart(slices))):
        if chart is not None:
            done = chart.finish(f"{name}-", fig_dir, name)
            search_svgs[name] = done.svg
            written += done.files

    # the designs: charts for the chosen one (also as files) and the best Pareto-optimal ones
    charted = [r for r in sorted(front, key=lambda r: -r.ratio) if r.summary is not None]
    if chosen is not None and chosen.summary is not None:
        charted = [chosen] + [r for r in charted if r.number != chosen.number]
    charted = charted[:MAX_CHARTED_DESIGNS]
    charts: dict[int, tuple[str, str]] = {}
    for r in charted:
        assert r.summary is not None
        keep = chosen is not None and r.number == chosen.number
        d = figures.design_chart(r.summary, r.number).finish(
            f"design{r.number}-", fig_dir if keep else None, f"design_{r.number}")
        f = figures.fleet_chart(r.summary, r.number).finish(
            f"fleet{r.number}-", fig_dir if keep else None, f"fleet_{r.number}")
        charts[r.number] = (d.svg, f.svg)
        written += d.files + f.files
    note = (f"Charts are drawn for the chosen design and up to {MAX_CHARTED_DESIGNS} "
            "Pareto-optimal ones; 'orbitdc report --design N' draws this one.")
    panels = []
    for r in main.records:
        if not r.objectives:
            continue
        design_svg, fleet_svg = charts.get(r.number, ("", ""))
        panels.append(html.design_template(r.number, html.design_panel(
            r, _label(r, chosen, selection, on_front), metric, design_svg=design_svg,
            fleet_svg=fleet_svg, chart_note=note)))

    # tables and data files
    pareto_csv, pareto_json = out / "pareto.csv", out / "pareto.json"
    all_fronts = [(main.name, front)] + [(o.name, fronts[o.name][1]) for o in others]
    write_csv(pareto_csv, [row for name, f in all_fronts for row in pareto_rows(f, name)])
    atomic_write_text(pareto_json, json.dumps(
        [_trial_json(r, name) for name, f in all_fronts for r in f], indent=1, default=str))
    counts: dict[str, int] = {}
    for r in main.records:
        counts[r.state] = counts.get(r.state, 0) + 1
    spec = main.study_attrs.get("spec", {})
    summary = [
        ["study file", main.study_attrs.get("study_file", "?")],
        ["study sha256", str(main.study_attrs.get("study_sha256", "?"))[:16]],
        ["trials", ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"],
        ["feasible trials", sum(r.feasible for r in main.records)],
        ["Pareto-optimal trials", len(front)],
        ["sampler", spec.get("search", {}).get("sampler", "?")],
        ["fidelity", spec.get("search", {}).get("fidelity", "?")],
    ]
    if others:
        summary.append(["compared with", ", ".join(f"{o.name} ({o.directory})" for o in others)])
    definitions = (
        tables.to_html(tables.metric_definitions(metric))
        + tables.to_html(tables.Table(["fleet quantity", "unit", "over the horizon",
                                       "definition"],
                                      [[q.label, q.unit, q.aggregate, q.definition]
                                       for q in FLEET_QUANTITIES]), "fleet-definitions"))
    assumptions = tables.Table(
        ["catalog", "technology", "parameter", "value", "unit", "source"],
        [[e.catalog, e.technology, e.parameter, e.value, e.unit, e.source]
         for e in all_entries()])
    initial = (html.title("Design: no feasible design to show") if chosen is None else
               html.title(f"Design: trial {chosen.number} ({selection})"))
    parts = {
        "title": html.esc(main.name),
        "subtitle": html.esc((spec.get("study", {}).get("description") or "")
                             + f"  |  objectives: {', '.join(main.objectives)}  |  metric: "
                             + metric),
        "messages": "".join(f'<div class="banner">{html.esc(m)}</div>' for m in messages),
        "summary": tables.to_html(tables.Table(["", ""], summary), "summary"),
        "pareto": rendered.svg,
        "default_trial": "" if chosen is None else str(chosen.number),
        "design_initial": initial,
        "importance_note": html.esc(importances["note"]),
        "importances": search_svgs.get("importances", ""),
        "slices": search_svgs.get("slices", ""),
        "definitions": definitions,
        "assumptions": tables.to_html(assumptions, "assumptions"),
        "footer": html.esc(f"orbitdc {__version__}, generated {now_utc_text()}"),
        "designs": "\n".join(panels),
        "data": html.json_data({
            "default_design": None if chosen is None else chosen.number,
            "selection": selection,
            "pareto": [r.number for r in front],
            "compare": [o.name for o in others],
            "metric": metric,
            "risk_metrics": [asdict(m) for m in RISK_METRICS],
        }),
    }
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "report.html"
    atomic_write_text(html_path, html.fill(html.template(), parts))

    review_md = None
    result = PdfResult(None)
    if chosen is not None and chosen.summary is not None:
        text = review_markdown(chosen, main.study_attrs, len(main.records), selection, {
            "pareto": "figures/pareto_front.png",
            "design": f"figures/design_{chosen.number}.png",
            "fleet": f"figures/fleet_{chosen.number}.png"})
        review_md = out / f"design_review_{chosen.number}.md"
        atomic_write_text(review_md, text)
        result = (write_pdf(text, out / f"design_review_{chosen.number}.pdf") if pdf
                  else PdfResult(None, "--no-pdf given"))
    return ReportFiles(out, html_path, written, pareto_csv, pareto_json, review_md, result.path,
                       messages, None if chosen is None else chosen.number, result.skipped)
