"""One table of risk metrics and fleet quantities, read by the schema, the risk model, the
trial summary and the report."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from orbitdc.risk.metrics import (
    FLEET_QUANTITIES,
    METRIC_NAMES,
    RISK_METRICS,
    quantity,
)


def test_names_are_unique_snake_case_with_units_and_one_line_definitions():
    rows = RISK_METRICS + FLEET_QUANTITIES
    assert len({q.name for q in rows}) == len(rows)
    for q in rows:
        assert q.name.isidentifier() and q.name == q.name.lower()
        assert q.unit and q.label and q.definition.endswith(".")
        assert "\n" not in q.definition
        assert q.aggregate in ("sum", "peak")
    assert quantity("debris_index").unit == "fragment-years"
    with pytest.raises(KeyError):
        quantity("no such metric")


def test_study_schema_and_risk_model_use_the_registry(technology):
    from orbitdc.risk.model import METRICS, RiskSettings, assess_satellite
    from orbitdc.sizing import size_satellite
    from orbitdc.spec.schema import Risk

    assert METRICS == METRIC_NAMES
    assert typing.get_args(Risk.model_fields["metric"].annotation) == METRIC_NAMES
    design = size_satellite(100.0, 550.0, 53.0, technology)
    sat = assess_satellite(design, RiskSettings.from_catalogs())
    for name in METRIC_NAMES:
        assert sat.metric(name) >= 0.0


def test_fleet_rows_have_one_field_per_fleet_quantity():
    from orbitdc.study.summary import FleetYear

    names = [f.name for f in dataclasses.fields(FleetYear)]
    assert names == ["year", *(q.name for q in FLEET_QUANTITIES)]
