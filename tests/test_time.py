"""orbitdc.time: one home for instants, Julian dates and offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.time import (
    as_utc,
    decimal_year,
    iso_utc,
    jd_parts,
    julian_date,
    parse_utc,
    sgp4_epoch_days,
    split_jd,
    times_to_offsets,
)


def test_julian_date_vallado_example() -> None:
    # Vallado (2013) Example 3-4: 1996 Oct 26 14:20:00 UT is JD 2,450,383.097 222 22.
    assert julian_date(datetime(1996, 10, 26, 14, 20)) == pytest.approx(2450383.09722222, abs=1e-8)


def test_sgp4_epoch_origin() -> None:
    # sgp4init counts days from 1949-12-31 00:00 UT.
    assert sgp4_epoch_days(datetime(1949, 12, 31, tzinfo=UTC)) == 0.0


def test_naive_is_utc_and_offsets_convert() -> None:
    aware = datetime(2030, 1, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert as_utc(aware) == datetime(2030, 1, 1, tzinfo=UTC)
    assert as_utc(datetime(2030, 1, 1)) == datetime(2030, 1, 1, tzinfo=UTC)
    assert parse_utc("2009-02-10T16:55:59Z") == datetime(2009, 2, 10, 16, 55, 59, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_utc("yesterday")


@given(st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2100, 1, 1)))
def test_two_part_date_sums_to_the_julian_date(moment: datetime) -> None:
    day, frac = jd_parts(moment)
    assert day % 1.0 == 0.5 and 0.0 <= frac < 1.0
    assert day + frac == pytest.approx(julian_date(moment), abs=1e-9)
    assert split_jd(day + frac)[0] == day


def test_offsets_agree_across_representations() -> None:
    start = datetime(2009, 2, 10, 16, 55, 59, 796000, tzinfo=UTC)
    times = [start, start + timedelta(seconds=1.5)]
    jd, frac, t = times_to_offsets(times)
    as_dt64 = np.array(["2009-02-10T16:55:59.796", "2009-02-10T16:56:01.296"],
                       dtype="datetime64[ms]")
    jd2, frac2, t2 = times_to_offsets(as_dt64)
    assert (jd, frac) == pytest.approx((jd2, frac2), abs=1e-12)
    assert t.tolist() == pytest.approx([0.0, 1.5]) and t2.tolist() == pytest.approx([0.0, 1.5])
    assert iso_utc(start, 1.5) == "2009-02-10T16:56:01.296000Z"


def test_decimal_year() -> None:
    assert decimal_year(datetime(2030, 1, 1)) == 2030.0
    assert decimal_year(datetime(2030, 7, 2, 12)) == pytest.approx(2030.5, abs=2e-3)
