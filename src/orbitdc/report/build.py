"""Assemble a report from a study's results folder (and optionally others to compare).

``results/<study>/`` holds the Optuna storage (``study.db``) and ``manifest.json``. The report
reads every trial, finds the feasible Pareto set, picks a design (``--design ID`` or the best
compute per risk), and writes beside the storage:

* ``report.html``: self-contained, interactive;
* ``figures/pareto_front.{png,svg}`` and ``figures/design_<id>.{png,svg}``;
* ``pareto.csv`` and ``pareto.json``: the Pareto set with parameters and key figures;
* ``design_review_<id>.md`` (and ``.pdf`` when headless Chromium is installed).

An empty study, a study without a feasible trial and a study file that no longer matches the
stored study each produce a page with a clear message instead of a broken one.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna

from orbitdc._version import __version__
from orbitdc.assumptions import all_entries
from orbitdc.errors import OrbitdcError
from orbitdc.report import figures
from orbitdc.report.html import render_html
from orbitdc.report.records import TrialRecord, best_ratio, pareto_set, records_from_study
from orbitdc.report.review import review_markdown, write_pdf
from orbitdc.results import atomic_write_text, write_csv
from orbitdc.study.storage import default_storage_url, open_storage
from orbitdc.time import now_utc_text


@dataclass
class LoadedResults:
    """A study's stored trials and what the report needs to know about them."""

    name: str
    directory: Path
    study_attrs: dict[str, Any]
    objectives: list[str]
    records: list[TrialRecord]
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
    messages = _consistency_messages(attrs)
    return LoadedResults(name, directory, attrs, objectives, records, messages)


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


def _importances(res: LoadedResults, storage_url: str | None) -> dict[str, Any]:
    complete = [r for r in res.records if r.feasible]
    note = ("fANOVA importances (Optuna's FanovaImportanceEvaluator) from the trials the sampler "
            "chose; a sampler concentrates on promising regions, so treat them as indicative.")
    if len(complete) < 4 or not complete[0].params:
        return {"note": "Too few feasible trials (or no searched parameters) for importances.",
                "values": {}}
    # fANOVA has nothing to split when an objective never changed
    varied = [o for o in res.objectives if len({r.objectives.get(o) for r in complete}) > 1]
    constant = [o for o in res.objectives if o not in varied]
    if constant:
        note += f" Constant over the feasible trials (no importances): {', '.join(constant)}."
    try:
        storage = open_storage(storage_url or default_storage_url(res.directory))
        study = optuna.load_study(study_name=res.name, storage=storage)
        values = {}
        for i, obj in enumerate(res.objectives):
            if obj not in varied:
                continue

            def target(t: optuna.trial.FrozenTrial, i: int = i) -> float:
                return float(t.values[i]) if t.values else float("nan")

            imp = optuna.importance.get_param_importances(
                study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0),
                target=target)
            values[obj] = {k: float(v) for k, v in imp.items()}
        return {"note": note, "values": values}
    except Exception as exc:  # importances are a nicety: never break the report
        return {"note": f"Importances unavailable ({type(exc).__name__}: {exc}).", "values": {}}


def _slices(records: Sequence[TrialRecord]) -> dict[str, dict[str, Any]]:
    feasible = [r for r in records if r.feasible and math.isfinite(r.ratio)]
    params = sorted({p for r in feasible for p in r.params})
    out: dict[str, dict[str, Any]] = {}
    for p in params:
        xs = [r.params[p] for r in feasible if p in r.params]
        categorical = any(isinstance(x, str) for x in xs)
        out[p] = {"x": [str(x) for x in xs] if categorical else xs,
                  "y": [r.ratio for r in feasible if p in r.params],
                  "categorical": categorical}
    return out


def _trial_json(r: TrialRecord) -> dict[str, Any]:
    return {"number": r.number, "state": r.state, "feasible": r.feasible,
            "objectives": r.objectives, "params": r.params, "constraints": r.constraints,
            "attrs": r.attrs}


def pareto_rows(front: Sequence[TrialRecord]) -> list[dict[str, Any]]:
    """Flat rows of the Pareto set for CSV."""
    rows = []
    for r in front:
        row: dict[str, Any] = {"trial": r.number}
        row.update({f"{k}": v for k, v in r.objectives.items()})
        row["ratio_pflop_years_per_risk"] = r.ratio
        row["shells_used"] = " ".join(r.attrs.get("shells_used", []))
        row["satellites_launched"] = r.attrs.get("satellites_launched")
        row.update({f"param_{k}": v for k, v in r.params.items()})
        rows.append(row)
    return rows


@dataclass
class ReportFiles:
    """What a report wrote."""

    html: Path
    figures: list[Path]
    pareto_csv: Path
    pareto_json: Path
    review_md: Path | None
    review_pdf: Path | None
    messages: list[str]
    design: int | None


def build_report(
    directories: Sequence[Path],
    *,
    design: int | None = None,
    storage_url: str | None = None,
    pdf: bool = True,
) -> ReportFiles:
    """Write the report of the first results folder, comparing the others' fronts."""
    main = load_results(directories[0], storage_url)
    others = [load_results(d) for d in directories[1:]]
    front = pareto_set(main.records, main.objectives)
    messages = main.messages + _status_messages(main, front)
    chosen = best_ratio(main.records)
    selection = "best compute per unit risk among feasible trials"
    if design is not None:
        match = [r for r in main.records if r.number == design]
        if not match or not match[0].objectives:
            raise OrbitdcError(
                f"--design {design}: no complete trial with that number in {main.directory} "
                f"(complete: {sorted(r.number for r in main.records if r.objectives)[:20]}...)")
        chosen, selection = match[0], "selected with --design"
    out = main.directory
    figs = figures.pareto_figure(
        {main.name: (main.records, front),
         **{o.name: (o.records, pareto_set(o.records, o.objectives)) for o in others}},
        out / "figures", metric=main.study_attrs.get("metric", "risk"))
    if chosen is not None:
        figs += figures.design_figures(chosen, out / "figures", f"design_{chosen.number}")
    pareto_csv, pareto_json = out / "pareto.csv", out / "pareto.json"
    write_csv(pareto_csv, pareto_rows(front))
    atomic_write_text(pareto_json, json.dumps([_trial_json(r) for r in front], indent=1,
                                              default=str))
    counts: dict[str, int] = {}
    for r in main.records:
        counts[r.state] = counts.get(r.state, 0) + 1
    spec = main.study_attrs.get("spec", {})
    data = {
        "title": main.name,
        "subtitle": (spec.get("study", {}).get("description") or "") +
        f"  |  objectives: {', '.join(main.objectives)}  |  metric: "
        f"{main.study_attrs.get('metric', '?')}",
        "messages": messages,
        "metric": main.study_attrs.get("metric", "risk"),
        "summary": [
            ["study file", main.study_attrs.get("study_file", "?")],
            ["study sha256", str(main.study_attrs.get("study_sha256", "?"))[:16]],
            ["trials", ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"],
            ["feasible trials", sum(r.feasible for r in main.records)],
            ["Pareto-optimal trials", len(front)],
            ["sampler", spec.get("search", {}).get("sampler", "?")],
            ["fidelity", spec.get("search", {}).get("fidelity", "?")],
        ],
        "trials": [_trial_json(r) for r in main.records if r.objectives],
        "pareto": [r.number for r in front],
        "default_design": None if chosen is None else chosen.number,
        "compare": [{"name": o.name, "points": [
            {"risk": r.objectives["risk"], "compute": r.objectives["compute"]}
            for r in sorted(pareto_set(o.records, o.objectives),
                            key=lambda r: r.objectives["risk"])]} for o in others],
        "importances": _importances(main, storage_url),
        "slices": _slices(main.records),
        "assumptions": [
            {"catalog": e.catalog, "technology": e.technology, "parameter": e.parameter,
             "value": e.value, "unit": e.unit, "source": e.source} for e in all_entries()
        ],
        "footer": f"orbitdc {__version__}, generated "
        f"{now_utc_text()}",
    }
    from plotly.offline import get_plotlyjs

    html_path = out / "report.html"
    atomic_write_text(html_path, render_html(data, get_plotlyjs()))
    review_md = review_pdf = None
    if chosen is not None:
        text = review_markdown(chosen, main.study_attrs, len(main.records), selection)
        review_md = out / f"design_review_{chosen.number}.md"
        atomic_write_text(review_md, text)
        if pdf:
            review_pdf = write_pdf(text, out / f"design_review_{chosen.number}.pdf")
    return ReportFiles(html_path, figs, pareto_csv, pareto_json, review_md, review_pdf, messages,
                       None if chosen is None else chosen.number)
