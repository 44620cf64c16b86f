"""orbitdc: design orbital data-center constellations for the most compute per unit of debris risk.

The Python API, in three lines::

    import orbitdc
    study = orbitdc.load_study("studies/baseline.toml")
    best = study.optimize("ratio")          # best.plan: shells, classes, launches per year

and without a study file: ``orbitdc.size_satellite(...)``, ``orbitdc.assess_risk(design)``,
``orbitdc.screen(...)``, ``orbitdc.find_slots(...)``, ``orbitdc.slot_survey(...)``,
``orbitdc.build_report([...])`` (:mod:`orbitdc.api`).

The package is organised as a pipeline, one subpackage per stage (design/architecture.md)::

    spec -> sizing -> orbits / environment -> propagation / screening -> risk
         -> deploy (Pyomo) -> study (Optuna) -> report

The command-line interface (:mod:`orbitdc.cli`) is a thin layer over :mod:`orbitdc.api`.
The API is loaded on first use, so ``import orbitdc`` costs almost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orbitdc._version import __version__

if TYPE_CHECKING:
    from orbitdc.api import (
        EvolutionReport,
        Optimization,
        RiskAssessment,
        SizedDesign,
        Study,
        assess_risk,
        build_report,
        evolve,
        find_slots,
        generic_satellite,
        load_study,
        read_population,
        risk_settings,
        satellite_technology,
        screen,
        size_and_assess_risk,
        size_satellite,
        slot_survey,
    )

__all__ = [
    "EvolutionReport",
    "Optimization",
    "RiskAssessment",
    "SizedDesign",
    "Study",
    "__version__",
    "assess_risk",
    "build_report",
    "evolve",
    "find_slots",
    "generic_satellite",
    "load_study",
    "read_population",
    "risk_settings",
    "satellite_technology",
    "screen",
    "size_and_assess_risk",
    "size_satellite",
    "slot_survey",
]

#: Names re-exported from :mod:`orbitdc.api`.
_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    """Load :mod:`orbitdc.api` when one of its names is first used (PEP 562)."""
    if name in _API:
        from orbitdc import api

        return getattr(api, name)
    raise AttributeError(f"module 'orbitdc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
