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


# ---- unwritable folders: refused before any work, in one line -------------------------------
import shutil  # noqa: E402

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from orbitdc.cli import cli  # noqa: E402

NO_WORK = "worked before checking that the results folder is writable"


@pytest.fixture
def no_work(monkeypatch):
    """Every stage that takes time fails the test if it starts."""
    import orbitdc.api
    import orbitdc.report.build
    import orbitdc.study.runner

    def refuse(*args, **kwargs):
        raise AssertionError(NO_WORK)

    monkeypatch.setattr(orbitdc.api.Study, "coefficients", refuse)
    monkeypatch.setattr(orbitdc.api.Study, "size", refuse)
    monkeypatch.setattr(orbitdc.study.runner, "run_study", refuse)
    monkeypatch.setattr(orbitdc.report.build, "load_results", refuse)


def _one_line_error(result, folder):
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert str(folder) in lines[0] and "cannot write results here" in lines[0]
    assert "Traceback" not in result.output


COMMANDS = {
    "optimize": ["optimize", "{study}", "--results-dir", "{root}"],
    "size STUDY": ["size", "{study}", "--results-dir", "{root}"],
    "run": ["run", "{study}", "--results-dir", "{root}", "--no-report"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_in_the_way_of_the_results_folder_is_refused_first(command, tiny_study,
                                                                   tmp_path, no_work):
    blocker = tmp_path / "work"
    blocker.write_text("a file where a folder should be\n")
    root = blocker / "results"
    args = [a.format(study=tiny_study(), root=root) for a in COMMANDS[command]]
    _one_line_error(CliRunner().invoke(cli, args), root / "tiny")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_results_folder_is_refused_first(command, tiny_study, tmp_path, read_only,
                                                     no_work):
    root = read_only(tmp_path / "results")
    args = [a.format(study=tiny_study(), root=root) for a in COMMANDS[command]]
    _one_line_error(CliRunner().invoke(cli, args), root / "tiny")


def test_report_into_a_read_only_folder_is_refused_first(tiny_study, tmp_path, read_only,
                                                         monkeypatch):
    study = tiny_study()
    first = CliRunner().invoke(cli, ["run", str(study), "--results-dir", str(tmp_path / "r"),
                                     "--trials", "1", "--no-report"])
    assert first.exit_code == 0, first.output
    folder = read_only(tmp_path / "r" / "tiny")
    import orbitdc.report.build

    def refuse(*args, **kwargs):
        raise AssertionError(NO_WORK)

    monkeypatch.setattr(orbitdc.report.build, "load_results", refuse)
    _one_line_error(CliRunner().invoke(cli, ["report", str(folder), "--no-pdf"]), folder)


def test_a_failed_write_names_the_file_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno

    import orbitdc.results as results

    def full(fd, *args, **kwargs):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(results.os, "fdopen", full)
    with pytest.raises(results.ResultsWriteError) as info:
        results.atomic_write_text(tmp_path / "a.json", "{}")
    assert str(info.value) == f"{tmp_path / 'a.json'}: cannot write (No space left on device)"
    assert info.value.errno == errno.ENOSPC and isinstance(info.value, OSError)
    assert list(tmp_path.iterdir()) == []
    assert shutil  # imported for the fixtures above


# ---- one results folder, one study file ------------------------------------------------------
def _edited_copy(tmp_path, original):
    """A copy of a study in another folder, edited, keeping its [study] name."""
    copy = tmp_path / "copy" / original.name
    copy.parent.mkdir()
    copy.write_text(original.read_text().replace("compute_target_pflops = 2000",
                                                 "compute_target_pflops = 1500"))
    return copy


def test_optimize_refuses_the_folder_of_another_study_file_with_the_same_name(tiny_study,
                                                                             tmp_path):
    import hashlib
    import json

    original = tiny_study()
    root = tmp_path / "results"
    first = CliRunner().invoke(cli, ["optimize", str(original), "--results-dir", str(root)])
    assert first.exit_code == 0, first.output
    folder = root / "tiny"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    copy = _edited_copy(tmp_path, original)
    refused = CliRunner().invoke(cli, ["optimize", str(copy), "--results-dir", str(root)])
    assert refused.exit_code == 2, refused.output
    assert f"error: {folder} holds results of {original}" in refused.output
    assert f"not of {copy}" in refused.output and "--allow-changed" in refused.output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    # Allowed on purpose: the outputs name the edited copy, the manifest keeps the original.
    allowed = CliRunner().invoke(cli, ["optimize", str(copy), "--results-dir", str(root),
                                       "--allow-changed"])
    assert allowed.exit_code == 0, allowed.output
    sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    outputs = list(folder.rglob("*.json"))
    assert {p.name for p in outputs} == {"manifest.json", "ratio.json"}
    for path in outputs:
        data = json.loads(path.read_text())
        assert (data["study_file"], data["study_sha256"]) == (str(copy), sha), path
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["previous"] == [{"study_file": str(original), "study_sha256":
                                     hashlib.sha256(original.read_bytes()).hexdigest()}]


def test_a_refused_run_leaves_the_manifest_of_the_stored_study(tiny_study, tmp_path):
    import json

    original = tiny_study()
    root = tmp_path / "results"
    first = CliRunner().invoke(cli, ["run", str(original), "--results-dir", str(root),
                                     "--trials", "1", "--no-report"])
    assert first.exit_code == 0, first.output
    manifest = (root / "tiny" / "manifest.json").read_text()
    copy = _edited_copy(tmp_path, original)
    for command in (["run", str(copy), "--no-report"], ["size", str(copy)]):
        refused = CliRunner().invoke(cli, [*command, "--results-dir", str(root)])
        assert refused.exit_code == 2 and "holds results of" in refused.output, refused.output
    assert (root / "tiny" / "manifest.json").read_text() == manifest
    assert json.loads(manifest)["study_file"] == str(original)
