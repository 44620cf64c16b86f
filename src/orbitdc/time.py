"""Time in orbitdc: one representation per job and every conversion between them.

* **Instants** are timezone-aware ``datetime`` objects in UTC. A naive ``datetime`` given by a
  user is read as UTC (:func:`as_utc`), once, at the boundary.
* **Julian dates** (UTC, days) feed SGP4: one float (:func:`julian_date`, ~20 us resolution
  today) or, where microseconds matter (element epochs, screening windows), a two-part date,
  a half-integer day at midnight plus the fraction of the day (:func:`jd_parts`,
  :func:`split_jd`), as ``sgp4`` and heyoka take them.
* **Offsets** are seconds from a reference instant (:func:`times_to_offsets`).
* **Calendar years** (``int``) index deployment plans and solar-activity series; the fraction of
  a year is :func:`decimal_year`.

SGP4 counts its epochs in days from 1949-12-31 00:00 UT (:data:`SGP4_EPOCH0_JD`, Vallado et al.
2006 [1]_).

References
----------
.. [1] Vallado, D. A., Crawford, P., Hujsak, R. and Kelso, T. S., "Revisiting Spacetrack
   Report #3", AIAA 2006-6753, 2006.
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, sec. 3.5
   (Julian date).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.errors import InputError

#: Julian date of J2000.0, 2000-01-01 12:00 (TT taken as UTC at orbitdc's precision) [days].
J2000_JD = 2451545.0
#: Julian date of the SGP4 epoch origin, 1949-12-31 00:00 UT (``sgp4init`` counts days from it).
SGP4_EPOCH0_JD = 2433281.5
#: Julian date of the Unix epoch, 1970-01-01 00:00 UTC.
UNIX_EPOCH_JD = 2440587.5

_J2000 = datetime(2000, 1, 1, 12, tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """The same instant as an aware UTC ``datetime``; a naive value is taken to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_utc(text: str) -> datetime:
    """An ISO-8601 instant (``2009-02-10T00:00:00``, ``...Z`` or with an offset), in UTC.

    Raises ``ValueError`` for text that is not ISO-8601.
    """
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(text))


def julian_date(moment: datetime) -> float:
    """Julian date of an instant [days] (Vallado [2]_ sec. 3.5)."""
    return J2000_JD + (as_utc(moment) - _J2000).total_seconds() / 86400.0


def jd_parts(moment: datetime) -> tuple[float, float]:
    """Two-part Julian date (midnight half-integer day, fraction of day) of an instant.

    Computed from the calendar day and the microseconds of the day, so the fraction carries
    full microsecond resolution.
    """
    moment = as_utc(moment)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    since = midnight - _J2000
    day = J2000_JD + since.days + since.seconds / 86400.0
    into = moment - midnight
    return day, (into.seconds + into.microseconds * 1e-6) / 86400.0


def split_jd(jd: float) -> tuple[float, float]:
    """Split a Julian date into a half-integer day and a fraction in [0, 1) [days]."""
    day = math.floor(jd - 0.5) + 0.5
    return day, jd - day


def sgp4_epoch_days(moment: datetime) -> float:
    """Days from the SGP4 epoch origin to an instant (``sgp4init``'s ``epoch`` argument)."""
    return julian_date(moment) - SGP4_EPOCH0_JD


def times_to_offsets(times: ArrayLike | Sequence[datetime]) -> tuple[float, float, NDArray[Any]]:
    """Reference two-part Julian date and the offsets [s] of instants from the first one.

    ``times`` are datetimes (naive = UTC), ``numpy.datetime64`` values or Julian dates (floats).
    Returns ``(jd, jd_frac, t_s)`` with ``t_s`` seconds after ``jd + jd_frac``.
    """
    seq: Any = list(times) if not isinstance(times, np.ndarray) else times  # type: ignore[arg-type]
    if len(seq) == 0:
        raise InputError("times", "[]", "must hold at least one instant")
    first = seq[0]
    if isinstance(first, datetime):
        moments = [as_utc(t) for t in seq]
        ref = moments[0]
        t_s = np.array([(m - ref).total_seconds() for m in moments])
        jd, frac = jd_parts(ref)
        return jd, frac, t_s
    arr = np.asarray(seq)
    if np.issubdtype(arr.dtype, np.datetime64):
        ns = arr.astype("datetime64[ns]").astype(np.int64)
        # integer day and nanoseconds of day: the split keeps full resolution
        day, rem = divmod(int(ns[0]), 86_400 * 10**9)
        return UNIX_EPOCH_JD + day, rem / 86400e9, (ns - ns[0]) / 1e9
    jd_all = np.asarray(arr, dtype=float)
    jd, frac = split_jd(float(jd_all[0]))
    return jd, frac, (jd_all - jd_all[0]) * 86400.0


def iso_utc(start: datetime, offset_s: float) -> str:
    """``start + offset_s`` as ISO-8601 UTC text with microseconds (``...T16:55:59.796000Z``)."""
    moment = as_utc(start).replace(tzinfo=None) + timedelta(microseconds=round(offset_s * 1e6))
    return moment.isoformat(timespec="microseconds") + "Z"


def decimal_year(moment: datetime) -> float:
    """Calendar year plus the elapsed fraction of it (2030-07-02 12:00 -> ~2030.5)."""
    moment = as_utc(moment)
    start = datetime(moment.year, 1, 1, tzinfo=UTC)
    length = (datetime(moment.year + 1, 1, 1, tzinfo=UTC) - start).total_seconds()
    return moment.year + (moment - start).total_seconds() / length


def year_start(year: int) -> datetime:
    """1 January 00:00 UTC of a calendar year."""
    return datetime(int(year), 1, 1, tzinfo=UTC)


def now_utc_text() -> str:
    """The current time as ``YYYY-MM-DD HH:MM UTC`` (report stamps)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
