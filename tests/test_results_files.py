"""Result files: written whole (atomic rename) with the permissions a plain open() gives."""

from __future__ import annotations

import csv
import os
import stat

from orbitdc.results import atomic_write_text, write_csv


def test_atomic_write_respects_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        import importlib

        import orbitdc.results as results

        importlib.reload(results)  # the module reads the umask once, at import
        results.atomic_write_text(tmp_path / "a.txt", "hello\n")
        plain = tmp_path / "b.txt"
        plain.write_text("hello\n")
    finally:
        os.umask(old)
        importlib.reload(results)
    mode = stat.S_IMODE((tmp_path / "a.txt").stat().st_mode)
    assert mode == stat.S_IMODE(plain.stat().st_mode) == 0o644
    assert (tmp_path / "a.txt").read_text() == "hello\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_write_csv_round_trips(tmp_path):
    rows = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    assert write_csv(tmp_path / "t.csv", rows) == 2
    assert list(csv.DictReader((tmp_path / "t.csv").open())) == [
        {"a": "1", "b": "x"}, {"a": "2", "b": "y"}]
    atomic_write_text(tmp_path / "t.csv", "replaced\n")
    assert (tmp_path / "t.csv").read_text() == "replaced\n"
