"""Engineering catalogs from ``models/``: every default with its unit and source.

Each catalog is a CSV file in long format, one row per number, in the manner of PyPSA's
technology-data tables::

    technology,parameter,value,unit,source,description
    triple_junction_gaas,cell_efficiency,0.30,-,"Spectrolab XTJ Prime data sheet (2023)",...

Rows without a source, non-numeric values and duplicated ``(technology, parameter)`` pairs are
errors that name the file and the line. Profile tables (a quantity versus altitude) use the same
idea with columns per quantity; see :func:`load_profile`.

The catalogs are looked up in, in order: an explicit directory (a study's ``models_dir``), the
``ORBITDC_MODELS`` environment variable, the ``models/`` folder of the source tree (editable
installs), and the copy packaged inside the wheel (``orbitdc/_models``).
"""

from __future__ import annotations

import csv
import functools
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orbitdc.errors import CatalogError, InputError

REQUIRED_COLUMNS = ("technology", "parameter", "value", "unit", "source", "description")


def models_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Directory holding the catalogs.

    Parameters
    ----------
    override : path, optional
        Explicit directory, e.g. from a study file; must exist.

    Raises
    ------
    CatalogError
        If no catalog directory can be found.
    """
    candidates: list[Path] = []
    if override is not None:
        path = Path(override)
        if not path.is_dir():
            raise CatalogError(f"models directory {str(path)!r} does not exist")
        return path
    env = os.environ.get("ORBITDC_MODELS")
    if env:
        candidates.append(Path(env))
    here = Path(__file__).resolve().parent
    candidates.append(here.parents[1] / "models")  # src/orbitdc -> repository root
    candidates.append(here / "_models")
    for path in candidates:
        if (path / "solar_arrays.csv").is_file():
            return path
    raise CatalogError(
        "cannot find the models/ catalogs; set ORBITDC_MODELS to the folder that holds them"
    )


@dataclass(frozen=True)
class CatalogEntry:
    """One sourced number of a catalog."""

    catalog: str
    technology: str
    parameter: str
    value: float
    unit: str
    source: str
    description: str


@dataclass(frozen=True)
class Catalog:
    """A parsed catalog: ``(technology, parameter) -> CatalogEntry``."""

    name: str
    path: Path
    entries: dict[tuple[str, str], CatalogEntry]

    def technologies(self) -> list[str]:
        """Technology names in file order."""
        seen: dict[str, None] = {}
        for tech, _ in self.entries:
            seen.setdefault(tech, None)
        return list(seen)

    def parameters(self, technology: str) -> dict[str, float]:
        """All parameters of one technology as ``name -> value``."""
        self.require_technology(technology)
        return {p: e.value for (t, p), e in self.entries.items() if t == technology}

    def require_technology(self, technology: str, field: str | None = None) -> None:
        """Raise :class:`InputError` unless the technology is in this catalog."""
        if technology not in self.technologies():
            raise InputError(
                field or f"{self.name} technology",
                technology,
                "must be one of: " + ", ".join(self.technologies())
                + f" (from {self.path.name})",
            )

    def value(self, technology: str, parameter: str) -> float:
        """One number; raises :class:`CatalogError` naming the file when it is missing."""
        self.require_technology(technology)
        try:
            return self.entries[(technology, parameter)].value
        except KeyError:
            raise CatalogError(
                f"{self.path}: technology {technology!r} has no parameter {parameter!r}"
            ) from None

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries.values())


def _parse_value(path: Path, line: int, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CatalogError(f"{path}:{line}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CatalogError(f"{path}:{line}: value {text!r} is not finite")
    return value


def _read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` skipping blank lines and ``#`` comments."""
    if not path.is_file():
        raise CatalogError(f"catalog file {path} does not exist")
    with path.open(newline="", encoding="utf-8") as fh:
        lines = [(i, ln) for i, ln in enumerate(fh, start=1) if ln.strip() and ln[0] != "#"]
    reader = csv.DictReader(ln for _, ln in lines)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(f"{path}: missing column(s) {', '.join(missing)}")
    for (line, _), row in zip(lines[1:], reader, strict=True):
        yield line, row


@functools.lru_cache(maxsize=64)
def _load_catalog_cached(path: Path) -> Catalog:
    entries: dict[tuple[str, str], CatalogEntry] = {}
    for line, row in _read_rows(path, REQUIRED_COLUMNS):
        key = (row["technology"].strip(), row["parameter"].strip())
        if not all(key):
            raise CatalogError(f"{path}:{line}: empty technology or parameter name")
        if key in entries:
            raise CatalogError(f"{path}:{line}: duplicate row for {key[0]}.{key[1]}")
        source = (row["source"] or "").strip()
        if not source:
            raise CatalogError(f"{path}:{line}: {key[0]}.{key[1]} has no source")
        entries[key] = CatalogEntry(
            catalog=path.stem,
            technology=key[0],
            parameter=key[1],
            value=_parse_value(path, line, row["value"].strip()),
            unit=(row["unit"] or "").strip(),
            source=source,
            description=(row["description"] or "").strip(),
        )
    return Catalog(name=path.stem, path=path, entries=entries)


def load_catalog(name: str, directory: str | os.PathLike[str] | None = None) -> Catalog:
    """Load ``models/<name>.csv``.

    Parameters
    ----------
    name : str
        Catalog name without extension (``solar_arrays``, ``radiators``, ``batteries``,
        ``accelerators``, ``bus``, ``thermal_environment``, ``launchers``...).
    directory : path, optional
        Catalog directory; see :func:`models_dir`.
    """
    return _load_catalog_cached(models_dir(directory).resolve() / f"{name}.csv")


@dataclass(frozen=True)
class Profile:
    """A table of quantities versus a key column (e.g. altitude), each column with a unit.

    The file starts with ``# unit:`` and ``# source:`` comment lines per column, e.g.::

        # source: density_ge10cm_per_km3 = ESA Space Environment Report 2025, fig. 4.3
        altitude_km,density_ge10cm_per_km3
        400,1.1e-8
    """

    name: str
    path: Path
    columns: dict[str, tuple[float, ...]]
    sources: dict[str, str]


@functools.lru_cache(maxsize=32)
def _load_profile_cached(path: Path) -> Profile:
    sources: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for ln in fh:
            if ln.startswith("# source:"):
                col, _, text = ln[len("# source:") :].partition("=")
                sources[col.strip()] = text.strip()
    data: dict[str, list[float]] = {}
    for line, row in _read_rows(path, ()):
        for col, text in row.items():
            data.setdefault(col, []).append(_parse_value(path, line, (text or "").strip()))
    if not data:
        raise CatalogError(f"{path}: no rows")
    for col in data:
        if col not in sources and not col.endswith("_km"):
            raise CatalogError(f"{path}: column {col!r} has no '# source: {col} = ...' line")
    return Profile(
        name=path.stem,
        path=path,
        columns={c: tuple(v) for c, v in data.items()},
        sources=sources,
    )


def load_profile(name: str, directory: str | os.PathLike[str] | None = None) -> Profile:
    """Load a profile table ``models/<name>.csv`` (see :class:`Profile`)."""
    return _load_profile_cached(models_dir(directory).resolve() / f"{name}.csv")


def all_entries(directory: str | os.PathLike[str] | None = None) -> list[CatalogEntry]:
    """Every sourced number of every long-format catalog, for assumptions tables."""
    root = models_dir(directory)
    out: list[CatalogEntry] = []
    for path in sorted(root.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            header = next((ln for ln in fh if ln.strip() and ln[0] != "#"), "")
        if header.strip().split(",")[: len(REQUIRED_COLUMNS)] == list(REQUIRED_COLUMNS):
            out.extend(load_catalog(path.stem, root))
    return out
