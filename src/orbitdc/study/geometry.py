"""Score the candidate shells' geometry at the study's fidelity.

``analytic``
    No propagation: shell capacity from the hexagonal packing bound and the study's
    guaranteed separation (:mod:`orbitdc.study.coefficients`).
``sampled`` / ``full``
    Each candidate shell's self-safe slot pattern (``[shells] slots = true``, built with the
    coefficients) is screened against a synthetic background for the empirical conjunction
    rate: ``sampled`` a few hundred members spread over the pattern and a tenth of the
    background for two hours, ``full`` a few thousand members and the whole background. With
    ``slots = false`` each shell becomes a Walker pattern with the trial's planes and phasing,
    grown to the largest one whose self-separation stays at or above the guaranteed
    separation. Results are cached per geometry in ``results/<study>/cache``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orbitdc.spec.read import LoadedStudy
from orbitdc.study.coefficients import CoefficientTable, DesignPoint
from orbitdc.study.space import TrialChoices


@dataclass
class GeometryResult:
    """A refined design point (``None`` when the analytic coefficients stand) and a summary."""

    point: DesignPoint | None
    summary: dict[str, Any] = field(default_factory=dict)


def score_geometry(
    loaded: LoadedStudy, table: CoefficientTable, choices: TrialChoices, results_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> GeometryResult:
    """Refine capacities and separations for the trial's shell geometry.

    ``progress(text)`` reports the shell being screened.
    """
    fidelity = loaded.spec.search.fidelity
    summary: dict[str, Any] = {"fidelity": fidelity, "planes": choices.planes,
                               "phasing_fraction": choices.phasing_fraction}
    if fidelity == "analytic":
        return GeometryResult(None, summary)
    from orbitdc.study.shell_geometry import refine_point

    point, details = refine_point(loaded, table, choices, results_dir, progress)
    summary.update(details)
    return GeometryResult(point, summary)
