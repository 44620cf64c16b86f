"""Read object catalogs: TLE / 3LE text and CCSDS OMM (CSV, XML, JSON).

Bad records never abort a load: each is reported with its line (or record) number and a reason,
and the rest of the file still loads. Formats follow the US Space Force two-line element format
(Space-Track "Basic Description of the Two Line Element Set Format") and CCSDS 502.0-B-3
(Orbit Data Messages), as read by ``sgp4.omm``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sgp4 import omm
from sgp4.api import Satrec
from sgp4.exporter import compute_checksum, export_tle

from orbitdc.errors import OrbitdcError


class CatalogReadError(OrbitdcError):
    """A catalog file that cannot be read at all (missing, empty, unknown format)."""


class BadRecordsError(CatalogReadError):
    """A catalog with rejected records, refused rather than screened without them.

    The message names every rejected record on its own line, ``FILE:LINE: reason``, and ends
    with the count; :attr:`catalog` holds the records that did load.
    """

    def __init__(self, catalog: ObjectCatalog):
        self.catalog = catalog
        lines = list(iter_problems(catalog))
        n = len(catalog.problems)
        total = n + len(catalog)
        lines.append(
            f"{catalog.source}: {n} of {total} record(s) rejected; correct them, or skip them "
            f"(--skip-bad-records) to use the other {len(catalog)}"
        )
        super().__init__("\n".join(lines))


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

    def require_clean(self) -> ObjectCatalog:
        """Return the catalog, or raise :class:`BadRecordsError` if any record was rejected."""
        if self.problems:
            raise BadRecordsError(self)
        return self

    def extend(self, other: ObjectCatalog) -> None:
        """Append every object and problem of another catalog."""
        self.satrecs += other.satrecs
        self.names += other.names
        self.ids += other.ids
        self.problems += other.problems


#: Fields of a TLE line that must be numbers: (first column, last column, name, kind), columns
#: 1-based and inclusive as in the Space-Track format description. Kinds: ``decimal``
#: (``-12.345``, ``.00000153``), ``implied`` (``-11606-4`` = -0.11606e-4), ``digits``.
_TLE_FIELDS = {
    "1": ((19, 32, "epoch", "decimal"),
          (34, 43, "first derivative of mean motion", "decimal"),
          (45, 52, "second derivative of mean motion", "implied"),
          (54, 61, "B* drag term", "implied"),
          (65, 68, "element set number", "digits")),
    "2": ((9, 16, "inclination", "decimal"),
          (18, 25, "right ascension of the ascending node", "decimal"),
          (27, 33, "eccentricity", "digits"),
          (35, 42, "argument of perigee", "decimal"),
          (44, 51, "mean anomaly", "decimal"),
          (53, 63, "mean motion", "decimal"),
          (64, 68, "revolution number", "digits")),
}
_FIELD_PATTERNS = {
    "decimal": re.compile(r" *[+-]?(\d+\.?\d*|\.\d+) *"),
    "implied": re.compile(r" *[+-]?\d{1,5}[+-]?\d *"),
    "digits": re.compile(r" *\d* *"),
}


def _line_problem(line: str) -> str | None:
    """Why one TLE line is unusable (length, checksum, a field that is not a number), or None."""
    if len(line.rstrip()) < 69:
        return f"line {line[0]} is {len(line.rstrip())} characters long, a TLE line has 69"
    if not line[68].isdigit():
        return f"line {line[0]} has {line[68]!r} where the checksum digit belongs (column 69)"
    expected = compute_checksum(line)
    if expected != int(line[68]):
        return f"checksum mismatch (line {line[0]} ends in {line[68]}, its checksum is {expected})"
    for first, last, name, kind in _TLE_FIELDS[line[0]]:
        text = line[first - 1:last]
        if not _FIELD_PATTERNS[kind].fullmatch(text):
            return f"{name} (columns {first}-{last}) = {text.strip()!r} is not a number"
    return None


def _init_error(sat: Satrec) -> str | None:
    # sgp4init reports problems through .error (1: e out of range, 2: n < 0, ...).
    if getattr(sat, "error", 0):
        return f"SGP4 initialisation error {sat.error}"
    return None


def parse_tle_text(text: str, source: str = "<text>") -> ObjectCatalog:
    """Parse TLE or 3LE text (name lines optional; ``0 NAME`` lines accepted).

    Lines starting with ``#`` and blank lines are ignored. A line 1 without a matching line 2,
    a stray line 2, a short line, a checksum mismatch, a numeric field holding anything but a
    number, mismatched catalog numbers or a record SGP4 rejects is reported in
    :attr:`ObjectCatalog.problems` with the number of the offending line.
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
            reason, where = _line_problem(line), num
            if reason is None:
                reason, where = _line_problem(line2), num2
            if reason is None and line[2:7] != line2[2:7]:
                reason = f"catalog numbers differ ({line[2:7].strip()} vs {line2[2:7].strip()})"
            if reason is None:
                try:
                    sat = Satrec.twoline2rv(line, line2)
                except (ValueError, IndexError) as exc:
                    reason = f"unreadable element set ({exc})"
                else:
                    reason = _init_error(sat)
            if reason:
                cat.problems.append((where, reason))
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
