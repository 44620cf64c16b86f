"""User-facing errors.

Every error a user can cause by bad input derives from :class:`OrbitdcError` and carries a
one-line message naming the field, the bad value and what is allowed. The CLI prints that line
and exits with status 2; it never shows a traceback for these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


class OrbitdcError(Exception):
    """Base class for errors caused by user input or the user's environment."""


class InputError(OrbitdcError, ValueError):
    """A value outside its allowed range or set.

    Parameters
    ----------
    field : str
        Name of the parameter or study-file path (``classes[0].power_kw``).
    value : object
        The offending value.
    allowed : str
        What is allowed, phrased to follow "must ..." (``"be > 0"``) or a full clause.
    source : str, optional
        File the value came from; prefixed to the message.
    """

    def __init__(self, field: str, value: object, allowed: str, source: str | None = None):
        self.field = field
        self.value = value
        self.allowed = allowed
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{field} = {value!r}: {allowed}")


class StudyFileError(OrbitdcError):
    """A study file that cannot be read or parsed; the message is complete."""


class CatalogError(OrbitdcError):
    """A problem in a ``models/`` catalog file; the message names file and row."""


def require_range(
    field: str,
    value: float,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
) -> float:
    """Check that a scalar lies in a range and return it as ``float``.

    Raises
    ------
    InputError
        If the value is not a finite number or is outside the range; the message states the
        range, e.g. ``power_kw = -5.0: must be > 0``.
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(field, value, "must be a number") from None
    bounds = []
    if gt is not None:
        bounds.append(f"> {gt:g}")
    if ge is not None:
        bounds.append(f">= {ge:g}")
    if lt is not None:
        bounds.append(f"< {lt:g}")
    if le is not None:
        bounds.append(f"<= {le:g}")
    allowed = "must be " + " and ".join(bounds) if bounds else "must be finite"
    if not math.isfinite(x):
        raise InputError(field, value, allowed if bounds else "must be finite")
    if (
        (gt is not None and not x > gt)
        or (ge is not None and not x >= ge)
        or (lt is not None and not x < lt)
        or (le is not None and not x <= le)
    ):
        raise InputError(field, value, allowed)
    return x


def require_choice(field: str, value: str, choices: Iterable[str]) -> str:
    """Check that ``value`` is one of ``choices``.

    Raises
    ------
    InputError
        Naming the field, the value and the sorted list of choices.
    """
    options = sorted(choices)
    if value not in options:
        raise InputError(field, value, "must be one of: " + ", ".join(options))
    return value
