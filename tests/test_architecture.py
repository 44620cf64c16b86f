"""The package's layering as design/architecture.md draws it, checked against the code."""

from __future__ import annotations

import subprocess
import sys

import import_graph

DOC = import_graph.DOC


def test_no_component_imports_a_higher_one() -> None:
    assert import_graph.upward_imports() == []


def test_no_import_cycles() -> None:
    assert import_graph.cycles() == []


def test_every_component_is_declared() -> None:
    declared = {name for name, _ in import_graph.LAYERS}
    present = {import_graph.component(m) for m in import_graph.modules()}
    assert present <= declared


def test_architecture_document_shows_the_derived_layers() -> None:
    table = import_graph.layer_table()
    assert table in DOC.read_text(encoding="utf-8"), (
        "design/architecture.md is out of date: paste the output of "
        "`.venv/bin/python tests/import_graph.py --update`"
    )


def test_importing_risk_does_not_load_the_screening_engine() -> None:
    code = ("import sys, orbitdc.risk.model\n"
            "loaded = sorted(m for m in sys.modules if m.startswith(('orbitdc.screening', "
            "'orbitdc.propagation', 'orbitdc.deploy', 'orbitdc.study')))\n"
            "print(loaded)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
