"""Read object catalogs: TLE / 3LE text and CCSDS OMM (CSV, XML, JSON).

Bad records never abort a load: each is reported with its line (or record) number and a reason,
and the rest of the file still loads. Formats follow the US Space Force two-line element format
(Space-Track "Basic Description of the Two Line Element Set Format") and CCSDS 502.0-B-3
(Orbit Data Messages), as read by ``sgp4.omm``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sgp4 import omm
from sgp4.api import Satrec
from sgp4.exporter import compute_checksum, export_tle

from orbitdc.errors import OrbitdcError


class CatalogReadError(OrbitdcError):
    """A catalog file that cannot be read at all (missing, empty, unknown format)."""


@dataclass
class ObjectCatalog:
    """Objects loaded from a catalog file.

    Attributes
    ----------
    satrecs : list of Satrec
        Initialised SGP4 records, one per object.
    names : list of str
        Object names (empty string when the file has none).
    ids : list of str
        Catalog numbers as text (``"24946"``) or generated ids.
    problems : list of (int, str)
        ``(line or record number, reason)`` for every record that was skipped.
    source : str
        File the catalog came from.
    """

    satrecs: list[Satrec] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    source: str = ""

    def __len__(self) -> int:
        return len(self.satrecs)

    def add(self, sat: Satrec, name: str, ident: str) -> None:
        """Append one object."""
        self.satrecs.append(sat)
        self.names.append(name)
        self.ids.append(ident)

    def extend(self, other: ObjectCatalog) -> None:
        """Append every object and problem of another catalog."""
        self.satrecs += other.satrecs
        self.names += other.names
        self.ids += other.ids
        self.problems += other.problems


def _checksum_ok(line: str) -> bool:
    return len(line) >= 69 and line[68].isdigit() and compute_checksum(line) == int(line[68])


def _init_error(sat: Satrec) -> str | None:
    # sgp4init reports problems through .error (1: e out of range, 2: n < 0, ...).
    if getattr(sat, "error", 0):
        return f"SGP4 initialisation error {sat.error}"
    return None


def parse_tle_text(text: str, source: str = "<text>") -> ObjectCatalog:
    """Parse TLE or 3LE text (name lines optional; ``0 NAME`` lines accepted).

    Lines starting with ``#`` and blank lines are ignored. A line 1 without a matching line 2,
    a stray line 2, a checksum mismatch, mismatched catalog numbers or a record SGP4 rejects is
    reported in :attr:`ObjectCatalog.problems` with its line number.
    """
    cat = ObjectCatalog(source=source)
    lines = [(i, ln.rstrip("\r\n")) for i, ln in enumerate(text.splitlines(), start=1)]
    lines = [(i, ln) for i, ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    name = ""
    k = 0
    while k < len(lines):
        num, line = lines[k]
        if line.startswith("1 "):
            if k + 1 >= len(lines) or not lines[k + 1][1].startswith("2 "):
                cat.problems.append((num, "line 1 without a following line 2"))
                k += 1
                name = ""
                continue
            num2, line2 = lines[k + 1]
            k += 2
            reason = None
            if not (_checksum_ok(line) and _checksum_ok(line2)):
                reason = "checksum mismatch"
            elif line[2:7] != line2[2:7]:
                reason = f"catalog numbers differ ({line[2:7].strip()} vs {line2[2:7].strip()})"
            if reason is None:
                try:
                    sat = Satrec.twoline2rv(line, line2)
                except (ValueError, IndexError) as exc:
                    reason = f"unreadable element set ({exc})"
                else:
                    reason = _init_error(sat)
            if reason:
                cat.problems.append((num, reason))
            else:
                cat.add(sat, name, line[2:7].strip())
            name = ""
        elif line.startswith("2 "):
            cat.problems.append((num, "line 2 without a preceding line 1"))
            k += 1
        else:
            name = line[2:].strip() if line.startswith("0 ") else line.strip()
            k += 1
    return cat


def _omm_records(cat: ObjectCatalog, records: Iterable[tuple[int, dict[str, str]]]) -> None:
    for number, fields in records:
        sat = Satrec()
        try:
            omm.initialize(sat, fields)
        except (KeyError, ValueError, TypeError) as exc:
            cat.problems.append((number, f"unreadable OMM record ({type(exc).__name__}: {exc})"))
            continue
        reason = _init_error(sat)
        if reason:
            cat.problems.append((number, reason))
            continue
        cat.add(sat, str(fields.get("OBJECT_NAME", "")), str(fields.get("NORAD_CAT_ID", "")))


def parse_omm_csv(text: str, source: str = "<csv>") -> ObjectCatalog:
    """Parse OMM CSV (CelesTrak / Space-Track column names); numbers are file line numbers."""
    cat = ObjectCatalog(source=source)
    rows = omm.parse_csv(io.StringIO(text))
    _omm_records(cat, ((i, dict(row)) for i, row in enumerate(rows, start=2)))
    return cat


def parse_omm_xml(text: str, source: str = "<xml>") -> ObjectCatalog:
    """Parse OMM XML (CCSDS NDM); numbers are record numbers (1-based)."""
    cat = ObjectCatalog(source=source)
    try:
        records = list(omm.parse_xml(io.BytesIO(text.encode("utf-8"))))
    except Exception as exc:  # the XML parser raises its own error types
        raise CatalogReadError(f"{source}: not readable as OMM XML ({exc})") from None
    _omm_records(cat, enumerate(records, start=1))
    return cat


def parse_omm_json(text: str, source: str = "<json>") -> ObjectCatalog:
    """Parse OMM JSON (a list of objects with OMM keys); numbers are record numbers."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogReadError(f"{source}: not valid JSON ({exc})") from None
    if isinstance(data, dict):
        data = [data]
    cat = ObjectCatalog(source=source)
    records: list[tuple[int, dict[str, str]]] = []
    for i, item in enumerate(data, start=1):
        if isinstance(item, dict):
            records.append((i, {k: str(v) for k, v in item.items()}))
        else:
            cat.problems.append((i, "not an OMM object"))
    _omm_records(cat, records)
    return cat


def read_catalog(path: str | Path) -> ObjectCatalog:
    """Read a catalog file, choosing the parser from the extension or the content.

    ``.csv`` -> OMM CSV, ``.xml`` -> OMM XML, ``.json`` -> OMM JSON, anything else -> TLE/3LE.

    Raises
    ------
    CatalogReadError
        If the file is missing or holds no readable object at all (the message then lists the
        first problems with their line numbers).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise CatalogReadError(f"{path}: no such catalog file") from None
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    if suffix == ".csv":
        cat = parse_omm_csv(text, str(path))
    elif suffix == ".xml" or stripped.startswith("<"):
        cat = parse_omm_xml(text, str(path))
    elif suffix == ".json" or stripped.startswith(("[", "{")):
        cat = parse_omm_json(text, str(path))
    else:
        cat = parse_tle_text(text, str(path))
    if not cat.satrecs:
        detail = "; ".join(f"line {n}: {r}" for n, r in cat.problems[:3])
        raise CatalogReadError(f"{path}: no readable objects" + (f" ({detail})" if detail else ""))
    return cat


def format_tle(catalog: ObjectCatalog) -> str:
    """3LE text of a catalog (names, then lines 1 and 2 as exported by ``sgp4``)."""
    out = []
    for sat, name in zip(catalog.satrecs, catalog.names, strict=True):
        line1, line2 = export_tle(sat)
        if name:
            out.append(name)
        out.extend((line1, line2))
    return "\n".join(out) + "\n"


def iter_problems(catalog: ObjectCatalog) -> Iterator[str]:
    """Human-readable problem lines: ``file:line: reason``."""
    for number, reason in catalog.problems:
        yield f"{catalog.source}:{number}: {reason}"
