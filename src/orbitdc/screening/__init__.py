"""Conjunction screening.

* :func:`screen` - close approaches of a population with itself and/or another set;
* :class:`ScreeningResult` / :class:`ScreeningAggregates` - the conjunction table and the rates
  per satellite-year the risk model consumes;
* :class:`Population` - catalog objects and Walker shells in one index space;
* collision probability in the encounter plane is :mod:`orbitdc.collision.probability`.
"""

from __future__ import annotations

from orbitdc.screening.engine import plan_screening, screen
from orbitdc.screening.population import (
    CatalogGroup,
    Population,
    ShellGroup,
    parse_population_spec,
    parse_walker_spec,
)
from orbitdc.screening.result import CSV_COLUMNS, ScreeningAggregates, ScreeningResult

__all__ = [
    "CSV_COLUMNS",
    "CatalogGroup",
    "Population",
    "ScreeningAggregates",
    "ScreeningResult",
    "ShellGroup",
    "parse_population_spec",
    "parse_walker_spec",
    "plan_screening",
    "screen",
]
