"""The models/ catalogs: every number sourced, malformed files rejected with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbitdc.assumptions import all_entries, load_catalog
from orbitdc.errors import CatalogError, InputError

HEADER = "technology,parameter,value,unit,source,description\n"


def test_every_catalog_number_has_a_source_and_unit():
    entries = all_entries()
    assert len(entries) > 40
    for e in entries:
        assert e.source and e.unit, (e.catalog, e.technology, e.parameter)


def _catalog(tmp_path: Path, body: str) -> Path:
    (tmp_path / "solar_arrays.csv").write_text(HEADER + body)
    return tmp_path


def test_missing_source_is_rejected_with_line_number(tmp_path):
    d = _catalog(tmp_path, "a,cell_efficiency,0.3,-,,x\n")
    with pytest.raises(CatalogError, match=r"solar_arrays.csv:2: a.cell_efficiency has no source"):
        load_catalog("solar_arrays", d)


def test_non_numeric_and_duplicates_are_rejected(tmp_path):
    d = _catalog(tmp_path, "a,cell_efficiency,high,-,src,x\n")
    with pytest.raises(CatalogError, match=r":2: value 'high' is not a number"):
        load_catalog("solar_arrays", d)
    d2 = tmp_path / "dup"
    d2.mkdir()
    _catalog(d2, "a,x,1,-,s,\n# comment\na,x,2,-,s,\n")
    with pytest.raises(CatalogError, match=r":4: duplicate row for a.x"):
        load_catalog("solar_arrays", d2)


def test_unknown_technology_lists_choices():
    with pytest.raises(InputError, match="must be one of: triple_junction_gaas"):
        load_catalog("solar_arrays").require_technology("perovskite")


def test_no_placeholder_sources_remain():
    for e in all_entries():
        assert "PROVISIONAL" not in e.source.upper(), (e.catalog, e.technology, e.parameter)
        assert "TODO" not in e.source.upper()
