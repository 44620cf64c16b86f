"""Where results go and how tables are written.

Every study writes under ``results/<study name>/``. Tables are CSV with unit-named columns; a
``manifest.json`` beside them records the study file's SHA-256, so a result always names the
inputs that made it. A command checks its folder before any work (:func:`writable_dir`,
:func:`check_manifest`): it is writable, and it holds results of the same study file, not of
another file with the same ``[study] name``. A write that fails (disk full, permissions) raises
:class:`ResultsWriteError`, one line naming the file, and leaves no partial file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from orbitdc._version import __version__
from orbitdc.errors import OrbitdcError


class ResultsFolderError(OrbitdcError):
    """A results folder that cannot take this command's results; the message says why."""


class ResultsWriteError(OrbitdcError, OSError):
    """Writing a result file failed (disk full, permissions); the message names the file."""


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _write_error(path: Path, exc: OSError) -> ResultsWriteError:
    error = ResultsWriteError(f"{path}: cannot write ({_reason(exc)})")
    error.errno = exc.errno
    return error


def writable_dir(path: str | os.PathLike[str], *, create: bool = True) -> Path:
    """Return ``path`` once a file could be created in it (the folder is created if needed).

    Checked by writing and removing an empty file, the only test that holds for every file
    system and user (``os.access`` trusts permission bits that a read-only mount ignores).

    Raises
    ------
    ResultsFolderError
        Naming the folder and the system's reason, before any work is done.
    """
    folder = Path(path)
    if not create and not folder.exists():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".orbitdc-write-check.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ResultsFolderError(
            f"{folder}: cannot write results here ({_reason(exc)}); choose another folder "
            "(--results-dir) or make this one writable"
        ) from None
    return folder


def study_results_dir(name: str, root: str | os.PathLike[str] = "results") -> Path:
    """``<root>/<name>``, created if needed and checked writable (:func:`writable_dir`)."""
    return writable_dir(Path(root) / name)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The process's umask, read once at import (reading it means setting it, which is not
#: thread-safe, so not on every write).
_UMASK = _current_umask()


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file via a temporary file and rename, so a crash never leaves half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        # mkstemp creates 0600; give the file the permissions a plain open() would (umask)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, ResultsWriteError):
            raise _write_error(path, exc) from exc
        raise


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write dictionaries as CSV (columns from the first row); returns the row count."""
    rows = list(rows)
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    atomic_write_text(path, buf.getvalue())
    return len(rows)


def read_manifest(directory: Path) -> dict[str, Any]:
    """``manifest.json`` of a results folder (empty if there is none or it is unreadable)."""
    try:
        data = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def check_manifest(directory: Path, *, study_path: Path, sha256: str,
                   allow_changed: bool = False) -> None:
    """Refuse a folder that holds results of another study file (another SHA-256).

    Two study files with the same ``[study] name`` (an edited copy, say) share
    ``results/<name>/``; writing one's results beside the other's would mix them without a
    trace. ``allow_changed`` writes anyway (the manifest then keeps the earlier files).

    Raises
    ------
    ResultsFolderError
        Naming both study files and hashes, and the ways out.
    """
    stored = read_manifest(directory)
    old = stored.get("study_sha256")
    if not old or old == sha256 or allow_changed:
        return
    raise ResultsFolderError(
        f"{directory} holds results of {stored.get('study_file', '?')} (sha256 {old[:12]}), "
        f"not of {study_path} (sha256 {sha256[:12]}): give this study its own [study] name, "
        "delete those results, or pass --allow-changed to write there anyway"
    )


def write_manifest(directory: Path, *, study_path: Path, sha256: str, **extra: Any) -> Path:
    """Record which study file (and hash) and which orbitdc version made the results.

    When another study file wrote here before (allowed with ``--allow-changed``), it stays
    listed under ``previous``.
    """
    path = directory / "manifest.json"
    data = read_manifest(directory)
    if data.get("study_sha256") not in (None, sha256):
        earlier = {"study_file": data.get("study_file"), "study_sha256": data["study_sha256"]}
        data["previous"] = [*data.get("previous", []), earlier]
    data.update(
        {"study_file": str(study_path), "study_sha256": sha256, "orbitdc_version": __version__}
    )
    data.update(extra)
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True))
    return path
