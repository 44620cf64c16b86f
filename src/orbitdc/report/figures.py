"""Static figures (PNG and SVG) with matplotlib, beside the HTML report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from orbitdc.report.records import TrialRecord  # noqa: E402

MASS_PARTS = ("array_mass_kg", "radiator_mass_kg", "battery_mass_kg", "compute_hw_mass_kg",
              "structure_mass_kg", "propulsion_mass_kg")


def _save(fig: Figure, directory: Path, stem: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = directory / f"{stem}.{ext}"
        fig.savefig(path, dpi=130, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def pareto_figure(
    fronts: Mapping[str, tuple[Sequence[TrialRecord], Sequence[TrialRecord]]],
    directory: Path,
    stem: str = "pareto_front",
    metric: str = "risk",
) -> list[Path]:
    """Compute vs risk of every feasible trial, the Pareto set connected, cost as colour.

    ``fronts`` maps a study name to ``(all records, pareto records)``; several studies share
    one chart (comparison mode).
    """
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    markers = "osD^v<>"
    scatter = None
    for k, (name, (records, front)) in enumerate(fronts.items()):
        feasible = [r for r in records if r.feasible]
        if feasible:
            scatter = ax.scatter(
                [r.objectives["risk"] for r in feasible],
                [r.objectives["compute"] for r in feasible],
                c=[r.objectives.get("cost", 0.0) / 1e9 for r in feasible],
                cmap="viridis", s=22, alpha=0.45, marker=markers[k % len(markers)],
            )
        pts = sorted(front, key=lambda r: r.objectives["risk"])
        if pts:
            # With cost as a third objective the front is a surface: its projection on
            # compute-risk is not a curve, so points are not joined.
            three = any("cost" in r.objectives for r in pts)
            ax.plot([r.objectives["risk"] for r in pts], [r.objectives["compute"] for r in pts],
                    marker=markers[k % len(markers)], lw=0 if three else 1.5, ms=8,
                    mfc="none", mew=1.8, label=f"{name} Pareto-optimal")
    ax.set_xlabel(f"debris risk over the horizon [{metric}]")
    ax.set_ylabel("compute delivered [PFLOP/s-years]")
    ax.set_title("Compute versus debris risk")
    ax.grid(alpha=0.3)
    if scatter is not None:
        fig.colorbar(scatter, ax=ax, label="cost [billion USD]")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8)
    return _save(fig, directory, stem)


def design_figures(record: TrialRecord, directory: Path, stem: str) -> list[Path]:
    """Shell allocation, launch schedule, mass breakdown and risk breakdown of one design."""
    plan: dict[str, Any] = record.attrs.get("plan", {})
    years = plan.get("years", [])
    shells = plan.get("shells", [])
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    (ax_alloc, ax_sched), (ax_mass, ax_risk) = axes
    # allocation: satellites in service in the last year, per shell and class
    classes = sorted({c for s in shells for c in s.get("active_last_year", {})})
    bottom = [0.0] * len(shells)
    for c in classes:
        vals = [float(s.get("active_last_year", {}).get(c, 0)) for s in shells]
        ax_alloc.bar([s["key"] for s in shells], vals, bottom=bottom, label=c)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax_alloc.set_title("satellites in service (last year)")
    ax_alloc.tick_params(axis="x", rotation=45)
    if classes:
        ax_alloc.legend(fontsize=8)
    # schedule: launches per year, stacked by shell
    bottom = [0.0] * len(years)
    for s in shells:
        per_year = [sum(s.get("launches", {}).get(c, [0] * len(years))[k] for c in
                        s.get("launches", {})) for k in range(len(years))]
        ax_sched.bar([str(y) for y in years], per_year, bottom=bottom, label=s["key"])
        bottom = [b + v for b, v in zip(bottom, per_year, strict=True)]
    ax_sched.set_title("satellites launched per year")
    if shells:
        ax_sched.legend(fontsize=7)
    # mass breakdown of each used (shell, class) design
    designs: dict[str, dict[str, float]] = record.attrs.get("designs", {})
    names = list(designs)
    bottom = [0.0] * len(names)
    for part in MASS_PARTS:
        vals = [float(designs[n].get(part, 0.0)) / 1e3 for n in names]
        ax_mass.bar(names, vals, bottom=bottom, label=part.replace("_mass_kg", ""))
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax_mass.set_title("satellite mass breakdown [t]")
    ax_mass.tick_params(axis="x", rotation=45)
    if names:
        ax_mass.legend(fontsize=7)
    # risk breakdown
    breakdown: dict[str, float] = record.attrs.get("risk_breakdown", {})
    ax_risk.bar(list(breakdown), list(breakdown.values()), color=["#4c72b0", "#dd8452", "#c44e52"])
    ax_risk.set_title("risk over the horizon by source")
    fig.suptitle(f"design {record.number}")
    fig.tight_layout()
    return _save(fig, directory, stem)
