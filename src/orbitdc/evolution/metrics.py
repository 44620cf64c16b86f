"""Scalar figures of an evolution against its no-plan reference.

``environment_50y`` (:data:`orbitdc.risk.metrics.ENVIRONMENT_METRICS`): objects >= 10 cm that
nobody controls (fragments, derelicts, rocket bodies) in LEO at the end of the run (50 years by
default) with the plan, minus the same without it. Per bin, the fragments >= 10 cm at the end
with and without the plan are what the sustainability limit compares.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from orbitdc.evolution.model import EvolutionResult


@dataclass(frozen=True)
class EnvironmentFigures:
    """What a plan does to LEO by the end of the run.

    Attributes
    ----------
    years : int [yr]
        Length of the run.
    environment_50y : float [objects]
        Added objects >= 10 cm nobody controls at the end (plan minus reference).
    debris_end, debris_end_reference : float [objects]
    fragments_end_by_bin, fragments_end_by_bin_reference : list of float [objects]
        Fragments >= 10 cm per bin at the end.
    catastrophic_collisions, catastrophic_collisions_reference : float [collisions]
        Cumulative over the run.
    max_bin_ratio : float [-]
        Largest ratio of a bin's fragments at the end with and without the plan (bins with
        at least one fragment in the reference).
    """

    years: int
    environment_50y: float
    debris_end: float
    debris_end_reference: float
    fragments_end_by_bin: list[float]
    fragments_end_by_bin_reference: list[float]
    catastrophic_collisions: float
    catastrophic_collisions_reference: float
    max_bin_ratio: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


#: Bins with fewer fragments than this without the plan are left out of ``max_bin_ratio`` (a
#: ratio of near-empty bins says nothing) and of the sustainability limit's rows.
JUDGED_FRAGMENTS = 1.0


def environment_figures(plan: EvolutionResult, reference: EvolutionResult,
                        copy: int = 0) -> EnvironmentFigures:
    """Figures of one copy of ``plan`` against the reference (its copy 0)."""
    debris = float(plan.debris()[-1, copy].sum())
    debris_ref = float(reference.debris()[-1, 0].sum())
    frag = plan.count("fragment")[-1, copy]
    frag_ref = reference.count("fragment")[-1, 0]
    ok = frag_ref >= JUDGED_FRAGMENTS
    ratio = float(np.max(frag[ok] / frag_ref[ok])) if ok.any() else 1.0
    return EnvironmentFigures(
        years=int(plan.years[-1] - plan.years[0]),
        environment_50y=debris - debris_ref,
        debris_end=debris,
        debris_end_reference=debris_ref,
        fragments_end_by_bin=[float(v) for v in frag],
        fragments_end_by_bin_reference=[float(v) for v in frag_ref],
        catastrophic_collisions=float(plan.catastrophic[-1, copy]),
        catastrophic_collisions_reference=float(reference.catastrophic[-1, 0]),
        max_bin_ratio=ratio,
    )
