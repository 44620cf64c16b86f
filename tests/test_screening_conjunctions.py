"""The Conjunctions table: concat, take, and one definition of "the same conjunction"."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbitdc.screening.conjunctions import SAME_CONJUNCTION_S, Conjunctions, distinct
from orbitdc.screening.engine import merge_windows
from orbitdc.screening.window import WindowResult


def table(rows):
    """Conjunctions from (i, j, tca_s, miss_km) rows; speed = 10 + row number."""
    i, j, t, m = (np.array(c) for c in zip(*rows, strict=True)) if rows else ([],) * 4
    n = len(rows)
    return Conjunctions(np.asarray(i, np.int64), np.asarray(j, np.int64),
                        np.asarray(t, float), np.asarray(m, float), 10.0 + np.arange(n))


def rows_of(c):
    return list(zip(c.i.tolist(), c.j.tolist(), c.tca_s.tolist(), c.miss_km.tolist(),
                    strict=True))


def test_concat_take_and_lengths():
    a = table([(0, 1, 5.0, 1.0), (2, 3, 1.0, 2.0)])
    b = table([(4, 5, 3.0, 0.5)])
    both = Conjunctions.concat([a, Conjunctions.empty(), b])
    assert len(both) == 3 and len(Conjunctions.concat([])) == 0
    assert rows_of(both.take([2, 0])) == [(4, 5, 3.0, 0.5), (0, 1, 5.0, 1.0)]
    assert rows_of(both.take(both.miss_km > 0.7)) == rows_of(a)
    assert both.sorted_by_time().tca_s.tolist() == [1.0, 3.0, 5.0]
    with pytest.raises(ValueError):
        Conjunctions(np.zeros(2, np.int64), np.zeros(1, np.int64), *(np.zeros(2),) * 3)


def test_dedupe_tolerance_edges():
    tol = SAME_CONJUNCTION_S
    c = table([
        (0, 1, 100.0, 1.0),
        (0, 1, 100.0 + tol, 1.0),  # exactly the tolerance apart: a second conjunction
        (2, 3, 50.0, 1.0),
        (2, 3, 50.0 + 0.999 * tol, 1.0),  # just inside: one
        (4, 5, 10.0, 1.0),
        (4, 5, 10.0 + 0.6 * tol, 1.0),  # a run of copies each within the tolerance of the
        (4, 5, 10.0 + 1.2 * tol, 1.0),  # previous one is one conjunction
        (5, 4, 10.0, 1.0),  # pairs are ordered as their producers write them
        (6, 7, 10.0, 1.0),  # another pair at the same time
    ])
    out = c.dedupe()
    assert [(a, b) for a, b, _, _ in rows_of(out)] == [(0, 1), (0, 1), (2, 3), (4, 5), (5, 4),
                                                        (6, 7)]
    assert len(Conjunctions.empty().dedupe()) == 0
    assert len(c.take([0]).dedupe()) == 1


def test_dedupe_keeps_the_copy_nearest_the_minimum():
    c = table([(0, 1, 7.0, 0.30), (0, 1, 7.4, 0.25), (0, 1, 7.9, 0.25), (0, 1, 600.0, 0.9)])
    out = c.dedupe()
    # smallest miss of the run; the earliest of equal ones; the later pass stays
    assert rows_of(out) == [(0, 1, 7.4, 0.25), (0, 1, 600.0, 0.9)]
    assert out.speed_km_s.tolist() == [11.0, 13.0]  # whole rows move together
    # without misses (predicted times before refinement): the first of each run
    assert distinct(c.i, c.j, c.tca_s).tolist() == [0, 3]


def test_one_tolerance_where_the_old_code_disagreed():
    """Two copies of one conjunction 0.2 s apart (a copy whose refinement stopped at its
    iteration cap). Before, merging sub-windows used 1 ms and kept both (a duplicate), while
    the intra-shell enumeration used 1 s and kept one; now both use SAME_CONJUNCTION_S."""
    first = WindowResult(table([(0, 1, 3600.0, 1.2)]))
    second = WindowResult(table([(0, 1, 3600.2, 1.3), (0, 2, 3650.0, 2.0)]))
    both = Conjunctions.concat([first.conjunctions, second.conjunctions])
    assert len(both.dedupe(time_tolerance_s=1e-3)) == 3  # the old sub-window merge
    assert len(distinct(both.i, both.j, both.tca_s, 1.0)) == 2  # the old intra-shell rule
    merged = merge_windows([first, second])
    assert rows_of(merged) == [(0, 1, 3600.0, 1.2), (0, 2, 3650.0, 2.0)]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.floats(0.0, 20.0),
                          st.floats(0.0, 5.0)), max_size=30), st.randoms())
def test_dedupe_does_not_depend_on_the_input_order(rows, rnd):
    c = table(rows)
    shuffled = list(range(len(rows)))
    rnd.shuffle(shuffled)
    a, b = c.dedupe(), c.take(np.array(shuffled, dtype=np.int64)).dedupe()
    # the same conjunctions (equal rows may swap, so compare as sorted multisets)
    assert sorted(rows_of(a)) == sorted(rows_of(b))
    # every kept row is at least the tolerance after the previous kept row of its pair
    for p in set(zip(a.i.tolist(), a.j.tolist(), strict=True)):
        sel = (a.i == p[0]) & (a.j == p[1])
        times = np.sort(c.tca_s[(c.i == p[0]) & (c.j == p[1])])
        runs = 1 + int(np.sum(np.diff(times) >= SAME_CONJUNCTION_S))
        assert sel.sum() == runs
