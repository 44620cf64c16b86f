"""Where results go and how tables are written.

Every study writes under ``results/<study name>/``. Tables are CSV with unit-named columns; a
``manifest.json`` beside them records the study file's SHA-256, so a result always names the
inputs that made it.
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


def study_results_dir(name: str, root: str | os.PathLike[str] = "results") -> Path:
    """``<root>/<name>``, created if needed."""
    path = Path(root) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The process's umask, read once at import (reading it means setting it, which is not
#: thread-safe, so not on every write).
_UMASK = _current_umask()


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file via a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        # mkstemp creates 0600; give the file the permissions a plain open() would (umask)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
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


def write_manifest(directory: Path, *, study_path: Path, sha256: str, **extra: Any) -> Path:
    """Record which study file (and hash) and which orbitdc version made the results."""
    path = directory / "manifest.json"
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            data = {}
    data.update(
        {"study_file": str(study_path), "study_sha256": sha256, "orbitdc_version": __version__}
    )
    data.update(extra)
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True))
    return path
