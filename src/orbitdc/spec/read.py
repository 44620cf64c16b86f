"""Read a study TOML file into a validated :class:`~orbitdc.spec.schema.StudySpec`.

Every problem becomes a :class:`~orbitdc.errors.StudyFileError` whose message has one line per
problem, each naming the file, the field path, the value and what is allowed::

    studies/x.toml: classes[0].power_kw = -5: must be > 0
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from orbitdc.assumptions import load_catalog, models_dir
from orbitdc.errors import CatalogError, InputError, StudyFileError
from orbitdc.spec.schema import StudySpec


@dataclass(frozen=True)
class LoadedStudy:
    """A parsed study with where it came from.

    Attributes
    ----------
    spec : StudySpec
    path : Path
    sha256 : str
        Hash of the file's bytes; stored with every result so a result names its inputs.
    models_dir : Path
        Catalog folder in use.
    """

    spec: StudySpec
    path: Path
    sha256: str
    models_dir: Path

    @property
    def name(self) -> str:
        """The study's name (``[study] name``)."""
        return self.spec.study.name


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _lookup(data: Any, loc: tuple[int | str, ...]) -> tuple[bool, Any]:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, data


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the field at ``loc``'s parent."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        field = fields.get(part) if isinstance(fields, dict) else None
        if field is None:
            return None
        ann = field.annotation
        args = getattr(ann, "__args__", ()) or ()
        candidates = [ann, *args]
        current = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if current is None:
            return None
    return current if isinstance(current, type) else None


def _describe(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx", {})
    bounds = {
        "greater_than": ("> {gt}", "gt"),
        "greater_than_equal": (">= {ge}", "ge"),
        "less_than": ("< {lt}", "lt"),
        "less_than_equal": ("<= {le}", "le"),
    }
    if kind in bounds:
        fmt, key = bounds[kind]
        bound = ctx.get(key)
        text = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return "must be " + fmt.format(**{key: text})
    if kind == "missing":
        return "is required"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "must be a " + ("whole number" if kind.startswith("int") else "number")
    if kind in ("string_type",):
        return "must be a string"
    if kind == "string_pattern_mismatch":
        return "must start with a letter or digit and use only letters, digits, '_', '.', '-'"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind in ("list_type", "model_type", "dict_type"):
        return "has the wrong type (" + err["msg"].lower() + ")"
    if kind == "literal_error":
        return "must be one of: " + str(ctx.get("expected"))
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]


def format_validation_error(path: Path, exc: ValidationError, data: dict[str, Any]) -> str:
    """One line per problem: ``file: field = value: what is allowed``."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        # Union members add their type name to the location; drop those.
        loc = tuple(p for p in loc if not (isinstance(p, str) and p in ("float", "str", "int")))
        where = _field_path(loc)
        if err["type"] == "extra_forbidden":
            owner = _model_at(StudySpec, loc)
            allowed = ", ".join(owner.model_fields) if owner else "see the documentation"
            lines.append(f"{path}: {where}: unknown key (allowed keys: {allowed})")
            continue
        if err["type"] == "missing":
            lines.append(f"{path}: {where}: is required")
            continue
        found, value = _lookup(data, loc)
        message = _describe(dict(err))
        if err["type"] == "value_error" and message.startswith("["):
            # list validators report the item index themselves: "inclinations[2] = 'x': ..."
            lines.append(f"{path}: {where}{message}")
        elif found and not isinstance(value, dict):
            lines.append(f"{path}: {where} = {value!r}: {message}")
        elif where:
            lines.append(f"{path}: {where}: {message}")
        else:  # a whole-file check names its fields in the message
            lines.append(f"{path}: {message}")
    return "\n".join(lines)


#: Study fields that name a catalog technology: (section, field, catalog file stem).
_CATALOG_FIELDS = (
    ("technology", "solar_array", "solar_arrays"),
    ("technology", "radiator", "radiators"),
    ("technology", "battery", "batteries"),
    ("technology", "accelerator", "accelerators"),
    ("technology", "bus", "bus"),
    ("technology", "environment", "thermal_environment"),
    ("launch", "vehicle", "launchers"),
    ("risk", "operator", "operations"),
)


def _check_catalog_names(spec: StudySpec, directory: Path, path: Path) -> None:
    names = [
        (getattr(getattr(spec, section), field), f"{section}.{field}", catalog)
        for section, field, catalog in _CATALOG_FIELDS
    ]
    for section, field, catalog in _CATALOG_FIELDS:
        param = spec.search.params.get(field) if section == "technology" else None
        for k, choice in enumerate(param.choices or [] if param else []):
            names.append((str(choice), f"search.params.{field}.choices[{k}]", catalog))
    names += [(station, f"shells.keep_out[{k}]", "crewed_stations")
              for k, station in enumerate(spec.shells.keep_out)]
    for value, where, catalog in names:
        try:
            load_catalog(catalog, directory).require_technology(value, where)
        except InputError as exc:
            raise StudyFileError(f"{path}: {exc}") from None


def read_study(path: str | Path) -> LoadedStudy:
    """Parse and validate a study file.

    Raises
    ------
    StudyFileError
        If the file is missing, is not valid TOML, breaks the schema or names a technology
        that is not in the catalogs. The message has one line per problem.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StudyFileError(f"{path}: no such study file") from None
    except OSError as exc:
        raise StudyFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise StudyFileError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise StudyFileError(f"{path}: TOML syntax error: {exc}") from None
    try:
        spec = StudySpec.model_validate(data)
    except ValidationError as exc:
        raise StudyFileError(format_validation_error(path, exc, data)) from None
    try:
        directory = models_dir(
            (path.parent / spec.study.models_dir) if spec.study.models_dir else None
        )
    except CatalogError as exc:
        raise StudyFileError(
            f"{path}: study.models_dir = {spec.study.models_dir!r}: {exc}"
        ) from None
    _check_catalog_names(spec, directory, path)
    return LoadedStudy(
        spec=spec, path=path, sha256=hashlib.sha256(raw).hexdigest(), models_dir=directory
    )
