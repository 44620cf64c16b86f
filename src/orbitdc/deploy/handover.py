"""The Pyomo model's rows as one sparse matrix, handed to HiGHS in a single call.

:mod:`orbitdc.deploy.formulation` is the model; this module is its vectorised transcription.
Pyomo's persistent HiGHS interface walks every row's expression (``generate_standard_repn``)
before handing it over, about 100 microseconds a row: 7 s for the 45,000 rows of a 100-shell
study, more than the build itself. Here each constraint of the Pyomo model has a twin in
:data:`ROW_BLOCKS` that lays out the same terms with numpy from the same parameter values
(:func:`~orbitdc.deploy.formulation.input_values`,
:func:`~orbitdc.deploy.formulation.method_values`), and the whole model goes to HiGHS with one
``passModel``.

HiGHS receives exactly the model Pyomo's interface would send, which
``tests/test_deploy_handover.py`` checks entry by entry: the same rows in the same order, and
the columns in the order Pyomo numbers them (a variable gets the next column where it first
appears, row by row, term by term, then in the objective). The order matters: HiGHS's search,
and so a time- or gap-limited answer, depends on it. As in Pyomo's interface, a coefficient
whose parameter is zero is left out of the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orbitdc.deploy.families import BY_NAME, REGISTRY
from orbitdc.deploy.formulation import METHOD_ROWS, Sets, Values

_INF = np.inf


@dataclass(frozen=True)
class VarBlock:
    """One indexed Pyomo variable: its sets, integrality and bounds (parameter names or numbers)."""

    name: str
    index: tuple[str, ...]
    integer: bool
    lower: float
    upper: Callable[[Values], np.ndarray | float]  # broadcast over the variable's sets


def _slack_max(i: int) -> Callable[[Values], np.ndarray]:
    """Upper bound of the i-th family's slack: ``slack_max[F[i]]``."""
    return lambda p: p["slack_max"][i]


#: The Pyomo model's variables, as :func:`orbitdc.deploy.formulation.build_pyomo` declares them.
VARIABLES: tuple[VarBlock, ...] = (
    VarBlock("launches", ("S", "C", "Y"), True, 0.0, lambda p: p["launch_max"][:, :, None]),
    VarBlock("flights", ("S", "Y"), True, 0.0, lambda p: p["flights_max"][None, :]),
    VarBlock("used", ("S",), True, 0.0, lambda p: 1.0),
    VarBlock("population", ("S", "Y"), True, 0.0, lambda p: _INF),
    VarBlock("crowding", ("S", "Y"), False, 0.0, lambda p: _INF),
    VarBlock("compute", ("Y",), False, -_INF, lambda p: _INF),
    VarBlock("risk", ("Y",), False, -_INF, lambda p: _INF),
    VarBlock("spending", ("Y",), False, -_INF, lambda p: _INF),
    *(VarBlock(f"slack_{f.name}", f.index, False, 0.0, _slack_max(i))
      for i, f in enumerate(REGISTRY)),
)


@dataclass
class Rows:
    """A block of rows: bounds and the entries ``(row, variable key, coefficient)`` in term order.

    Entries may list a row's terms in any grouping; the stable sort by row in
    :meth:`Handover.assemble` restores Pyomo's term order provided each group lists its terms
    in that order.
    """

    lower: np.ndarray
    upper: np.ndarray
    row: np.ndarray
    key: np.ndarray
    coef: np.ndarray


@dataclass(frozen=True)
class Lp:
    """A HiGHS model: columns, rows and the column-wise matrix (CSC, rows ascending)."""

    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray


class Handover:
    """Column layout and row assembly of one model structure.

    Parameters
    ----------
    sets : Sets
    life_years : int array (C,) [yr]
    """

    def __init__(self, sets: Sets, life_years: np.ndarray):
        self.sets = sets
        self.shape = {v.name: tuple(len(getattr(sets, i)) for i in v.index) for v in VARIABLES}
        sizes = [int(np.prod(self.shape[v.name], dtype=np.int64)) for v in VARIABLES]
        self.offset = dict(zip([v.name for v in VARIABLES],
                               np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist(),
                               strict=True))
        self.n_keys = int(sum(sizes))
        n_s, n_y = len(sets.S), len(sets.Y)
        # In-service triples (c, t, w): launches of class c in year w serve in year t.
        triples = [(c, t, w) for c, per_year in enumerate(sets.windows(life_years))
                   for t, window in enumerate(per_year) for w in window]
        self.window = np.array(triples, dtype=np.int64).reshape(-1, 3)
        self.n_s, self.n_y = n_s, n_y
        self.n_c, self.n_k = len(sets.C), len(sets.K)
        self.order: np.ndarray | None = None  # column of each variable key (-1: unused)
        self.method_first_row = 0

    def key(self, name: str, *index: np.ndarray | int) -> np.ndarray:
        """Variable keys of ``name[index]`` (positional indices, broadcast)."""
        shape = self.shape[name]
        if not shape:
            return np.array([self.offset[name]], dtype=np.int64)
        arrays = np.broadcast_arrays(*[np.asarray(i, dtype=np.int64) for i in index])
        return self.offset[name] + np.ravel_multi_index(arrays, shape).ravel()

    def columns(self, name: str) -> np.ndarray:
        """HiGHS column of every element of variable ``name``, shaped by its index sets."""
        assert self.order is not None, "assemble() first"
        return self.order[self._all_keys(name)].reshape(self.shape[name])

    # ---- assembly ----------------------------------------------------------------------------
    def stack(self, p: Values, names: tuple[str, ...]) -> Rows:
        """The row blocks ``names`` with parameter values ``p`` as one block, by row.

        Within a row the entries keep their term order (a stable sort), which numbers the
        columns as Pyomo does.
        """
        blocks = [ROW_BLOCKS[name](self, p) for name in names]
        first = np.cumsum([0] + [len(b.lower) for b in blocks])
        row = np.concatenate([b.row + f for b, f in zip(blocks, first[:-1], strict=True)])
        sort = np.argsort(row, kind="stable")
        return Rows(np.concatenate([b.lower for b in blocks]),
                    np.concatenate([b.upper for b in blocks]), row[sort],
                    np.concatenate([b.key for b in blocks])[sort],
                    np.concatenate([b.coef for b in blocks])[sort])

    def assemble(self, p: Values) -> Lp:
        """The whole model with parameter values ``p`` (inputs and method), in Pyomo's order."""
        rows = self.stack(p, tuple(ROW_BLOCKS))
        self.method_first_row = len(rows.lower) - len(self.stack(p, METHOD_ROWS).lower)
        if self.order is None:
            self.order = self._first_appearance(np.concatenate([rows.key,
                                                                self._objective_keys()]))
        nz = rows.coef != 0.0  # as Pyomo's interface, zero coefficients stay out
        lower, upper, integer = self.column_bounds(p)
        start, index, value = _csc(self.order[rows.key[nz]], rows.row[nz], rows.coef[nz],
                                   len(lower))
        return Lp(lower, upper, integer, rows.lower, rows.upper, start, index, value)

    def method_rows(self, p: Values) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                              np.ndarray]:
        """:data:`METHOD_ROWS` as CSR ``(lower, upper, start, column, value)`` for ``addRows``."""
        assert self.order is not None, "assemble() first"
        rows = self.stack(p, METHOD_ROWS)
        nz = rows.coef != 0.0
        start = np.searchsorted(rows.row[nz], np.arange(len(rows.lower)))
        return (rows.lower, rows.upper, start.astype(np.int32),
                self.order[rows.key[nz]].astype(np.int32), rows.coef[nz])

    def column_bounds(self, p: Values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lower and upper bounds and integrality of every column."""
        assert self.order is not None
        n = int((self.order >= 0).sum())
        lower, upper = np.empty(n), np.empty(n)
        integer = np.zeros(n, dtype=bool)
        for v in VARIABLES:
            cols = self.columns(v.name)
            used = cols >= 0
            lower[cols[used]] = v.lower
            upper[cols[used]] = np.broadcast_to(v.upper(p), self.shape[v.name])[used]
            integer[cols[used]] = v.integer
        return lower, upper, integer

    def costs(self, p: Values) -> np.ndarray:
        """Objective coefficients of every column (the objective is maximised)."""
        assert self.order is not None
        cost = np.zeros(int((self.order >= 0).sum()))
        cost[self.columns("compute")] = p["weight_compute"]
        cost[self.columns("risk")] = -p["weight_risk"]
        cost[self.columns("spending")] = -p["weight_cost"]
        for i, fam in enumerate(REGISTRY):
            cols = self.columns(f"slack_{fam.name}")
            cost[cols] = -(p["weight_elastic"] * p["family_weight"][i])
        return cost

    def slack_columns(self, family: str) -> np.ndarray:
        """HiGHS columns of a family's slack."""
        return self.columns(f"slack_{family}").ravel()

    def _all_keys(self, name: str) -> np.ndarray:
        size = int(np.prod(self.shape[name], dtype=np.int64))
        return self.offset[name] + np.arange(size, dtype=np.int64)

    def _objective_keys(self) -> np.ndarray:
        """Variables of the objective, in its term order (they number the unused columns)."""
        names = ["compute", "risk", "spending", *(f"slack_{f.name}" for f in REGISTRY)]
        return np.concatenate([self._all_keys(n) for n in names])

    def _first_appearance(self, keys: np.ndarray) -> np.ndarray:
        """Column of each key: numbered by first appearance in ``keys`` (-1 if absent)."""
        uniq, first = np.unique(keys, return_index=True)
        order = np.full(self.n_keys, -1, dtype=np.int64)
        order[uniq[np.argsort(first, kind="stable")]] = np.arange(len(uniq))
        return order


def _csc(col: np.ndarray, row: np.ndarray, value: np.ndarray,
         n_col: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise matrix with rows ascending in each column."""
    sort = np.lexsort((row, col))
    start = np.searchsorted(col[sort], np.arange(n_col + 1))
    return start.astype(np.int32), row[sort].astype(np.int32), value[sort]


# ---- the rows, one function per Pyomo constraint, in the model's order ------------------------
Term = tuple[np.ndarray, np.ndarray, np.ndarray | float]


def _rows(n: int, lower: np.ndarray | float, upper: np.ndarray | float,
          terms: list[Term]) -> Rows:
    """Rows from term groups ``(row, key, coef)`` listed in Pyomo's term order."""
    rows = [np.asarray(r, dtype=np.int64).ravel() for r, _, _ in terms]
    keys = [np.asarray(k, dtype=np.int64).ravel() for _, k, _ in terms]
    coefs = [np.broadcast_to(np.asarray(c, dtype=float), r.shape).ravel()
             for r, (_, _, c) in zip(rows, terms, strict=True)]
    return Rows(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy(),
                np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy(),
                np.concatenate(rows), np.concatenate(keys), np.concatenate(coefs))


def _elastic(h: Handover, p: Values, family: str, rows: np.ndarray, *index: np.ndarray,
             sign: float) -> Term:
    """The term ``sign * scale * slack`` of a relaxable family's rows (as ``relax()``)."""
    scale = BY_NAME[family].scale
    if scale is None:
        coef: np.ndarray | float = sign
    else:  # the scale is indexed by a prefix of the family's sets
        values = np.asarray(p[scale])
        coef = sign * values[index[:values.ndim]]
    return rows, h.key(f"slack_{family}", *index), coef


def _grid(*sizes: int) -> list[np.ndarray]:
    return [g.ravel() for g in np.meshgrid(*[np.arange(n) for n in sizes], indexing="ij")]


def _shell_population(h: Handover, p: Values) -> Rows:
    s, y = _grid(h.n_s, h.n_y)
    c, t, w = h.window.T
    ss = np.repeat(np.arange(h.n_s), len(t))
    return _rows(h.n_s * h.n_y, 0.0, 0.0, [
        (s * h.n_y + y, h.key("population", s, y), 1.0),
        (ss * h.n_y + np.tile(t, h.n_s), h.key("launches", ss, np.tile(c, h.n_s),
                                              np.tile(w, h.n_s)), -1.0)])


def _per_flight(share: Callable[[Values], np.ndarray]) -> Callable[[Handover, Values], Rows]:
    def rows(h: Handover, p: Values) -> Rows:
        s, y, c = _grid(h.n_s, h.n_y, h.n_c)
        s2, y2 = _grid(h.n_s, h.n_y)
        coef = np.broadcast_to(share(p), (h.n_s, h.n_c))[s, c]
        return _rows(h.n_s * h.n_y, -_INF, 0.0, [
            (s * h.n_y + y, h.key("launches", s, c, y), coef),
            (s2 * h.n_y + y2, h.key("flights", s2, y2), -1.0)])
    return rows


def _cadence(h: Handover, p: Values) -> Rows:
    y, s = _grid(h.n_y, h.n_s)
    years = np.arange(h.n_y)
    return _rows(h.n_y, -_INF, p["flights_per_year"], [
        (y, h.key("flights", s, y), 1.0),
        _elastic(h, p, "cadence", years, years, sign=-1.0)])


def _capacity(h: Handover, p: Values) -> Rows:
    s, y = _grid(h.n_s, h.n_y)
    r = s * h.n_y + y
    c, t, w = h.window.T  # in Pyomo's order: classes, then each class's window
    ss = np.repeat(np.arange(h.n_s), len(t))
    cc, tt, ww = np.tile(c, h.n_s), np.tile(t, h.n_s), np.tile(w, h.n_s)
    return _rows(h.n_s * h.n_y, -_INF, 0.0, [
        (ss * h.n_y + tt, h.key("launches", ss, cc, ww), p["slot_weight"][ss, cc]),
        (r, h.key("used", s), -p["capacity_sats"][s]),
        _elastic(h, p, "capacity", r, s, y, sign=-1.0)])


def _chords(h: Handover, p: Values) -> Rows:
    s, y, k = _grid(h.n_s, h.n_y, h.n_k)
    r = (s * h.n_y + y) * h.n_k + k
    return _rows(h.n_s * h.n_y * h.n_k, 0.0, _INF, [
        (r, h.key("crowding", s, y), 1.0),
        (r, h.key("population", s, y), -p["chord_slope"][s, k]),
        (r, h.key("used", s), p["chord_intercept"][s, k])])


def _spacing(h: Handover, p: Values) -> Rows:
    i, j = _grid(h.n_s, h.n_s)
    shells = np.arange(h.n_s)
    return _rows(h.n_s, -_INF, 1.0, [
        (i, h.key("used", j), p["spacing_clique"][i, j]),
        _elastic(h, p, "spacing", shells, shells, sign=-1.0)])


def _disposal(h: Handover, p: Values) -> Rows:
    s = np.arange(h.n_s)
    return _rows(h.n_s, -_INF, p["disposal_allowed"], [
        (s, h.key("used", s), 1.0),
        _elastic(h, p, "disposal", s, s, sign=-1.0)])


def _sustainability(h: Handover, p: Values) -> Rows:
    n_b = len(h.sets.B)
    b, s, c, y = _grid(n_b, h.n_s, h.n_c, h.n_y)
    bins = np.arange(n_b)
    return _rows(n_b, -_INF, p["sustainability_max"], [
        (b, h.key("launches", s, c, y), p["sustainability_per_launch"][b, s, c, y]),
        _elastic(h, p, "sustainability", bins, bins, sign=-1.0)])


def _in_service(h: Handover, aggregate: str, per_satellite: str, p: Values,
                extra: list[Term]) -> Rows:
    """``aggregate[y] - sum_{s,c,w in W_c(y)} per_satellite[s,c] x[s,c,w] (+ extra) == 0``."""
    years = np.arange(h.n_y)
    win = h.window[np.lexsort((h.window[:, 2], h.window[:, 0], h.window[:, 1]))]
    c, t, w = (np.tile(a, h.n_s) for a in win.T)
    s = np.repeat(np.arange(h.n_s), len(win))
    # Pyomo's term order: for each year, shells, then classes, then the window.
    by = np.lexsort((s, t))
    s, c, t, w = s[by], c[by], t[by], w[by]
    return _rows(h.n_y, 0.0, 0.0, [
        (years, h.key(aggregate, years), 1.0),
        (t, h.key("launches", s, c, w), -p[per_satellite][s, c]),
        *extra])


def _compute_in_service(h: Handover, p: Values) -> Rows:
    return _in_service(h, "compute", "satellite_compute", p, [])


def _risk_in_service(h: Handover, p: Values) -> Rows:
    y, s = _grid(h.n_y, h.n_s)
    return _in_service(h, "risk", "satellite_risk", p, [
        (y, h.key("crowding", s, y), -p["intra_risk"][s])])


def _spending_in_year(h: Handover, p: Values) -> Rows:
    years = np.arange(h.n_y)
    y, s = _grid(h.n_y, h.n_s)
    y3, s3, c3 = _grid(h.n_y, h.n_s, h.n_c)
    return _rows(h.n_y, 0.0, 0.0, [
        (years, h.key("spending", years), 1.0),
        (y, h.key("flights", s, y), -p["launch_cost"]),
        (y3, h.key("launches", s3, c3, y3), -p["satellite_cost"][s3, c3])])


def _budget_per_year(h: Handover, p: Values) -> Rows:
    years = np.arange(h.n_y)
    return _rows(h.n_y, -_INF, p["budget_per_year_max"], [
        (years, h.key("spending", years), 1.0),
        _elastic(h, p, "budget_per_year", years, years, sign=-1.0)])


def _total(variable: str, family: str | None, sign: float,
           bound: str) -> Callable[[Handover, Values], Rows]:
    """One row ``sum_y variable[y] (+ sign * relax(family)) <= or >= bound``."""
    def rows(h: Handover, p: Values) -> Rows:
        zeros = np.zeros(h.n_y, dtype=np.int64)
        terms: list[Term] = [(zeros, h.key(variable, np.arange(h.n_y)), 1.0)]
        if family is not None:
            terms.append(_elastic(h, p, family, np.zeros(1, dtype=np.int64), sign=sign))
        lower, upper = (p[bound], _INF) if sign > 0 else (-_INF, p[bound])
        return _rows(1, lower, upper, terms)
    return rows


def _compute_target(h: Handover, p: Values) -> Rows:
    years = np.arange(h.n_y)
    return _rows(h.n_y, p["compute_target_min"], _INF, [
        (years, h.key("compute", years), 1.0),
        _elastic(h, p, "compute_target", years, years, sign=1.0)])


#: Row blocks in the Pyomo model's constraint order; names are the Pyomo constraints'.
ROW_BLOCKS: dict[str, Callable[[Handover, Values], Rows]] = {
    "shell_population": _shell_population,
    "payload_per_flight": _per_flight(lambda p: p["mass_per_payload"]),
    "slots_per_flight": _per_flight(lambda p: p["slot_share"][None, :]),
    "cadence": _cadence,
    "capacity": _capacity,
    "chords": _chords,
    "spacing": _spacing,
    "disposal": _disposal,
    "sustainability": _sustainability,
    "compute_in_service": _compute_in_service,
    "risk_in_service": _risk_in_service,
    "spending_in_year": _spending_in_year,
    "budget_per_year": _budget_per_year,
    "budget_total": _total("spending", "budget_total", -1.0, "budget_total_max"),
    "compute_target": _compute_target,
    "compute_total": _total("compute", None, 1.0, "compute_floor"),
    "risk_cap": _total("risk", "risk_cap", -1.0, "risk_cap_max"),
}

_missing = [f.name for f in REGISTRY if f.name not in ROW_BLOCKS]
if _missing:  # pragma: no cover - a registered family must have rows
    raise TypeError(f"constraint families without row blocks: {_missing}")
