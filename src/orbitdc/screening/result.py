"""Screening results: the conjunction table and the aggregates the risk model consumes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.constants import SECONDS_PER_YEAR
from orbitdc.screening.conjunctions import Conjunctions
from orbitdc.screening.population import Population
from orbitdc.time import iso_utc

#: One row per conjunction. ``i`` indexes the screened population; ``j`` indexes the
#: population (``kind`` 0, intra) or the ``against`` set (``kind`` 1, background).
CONJUNCTION_DTYPE = np.dtype(
    [
        ("i", np.int64),
        ("j", np.int64),
        ("kind", np.int8),
        ("tca_s", np.float64),  # [s] after the window start
        ("miss_km", np.float64),
        ("speed_km_s", np.float64),
        ("pc", np.float64),
    ]
)

KIND_INTRA = 0
KIND_BACKGROUND = 1


def conjunction_table(found: Conjunctions, kind: ArrayLike, pc: ArrayLike) -> NDArray[np.void]:
    """The conjunction table of a result (:data:`CONJUNCTION_DTYPE`), one row per conjunction.

    Parameters
    ----------
    found : Conjunctions
        In population indices (``j`` in the ``against`` set for background conjunctions).
    kind : array_like of int
        :data:`KIND_INTRA` or :data:`KIND_BACKGROUND` per conjunction.
    pc : array_like
        Collision probability per conjunction.
    """
    out = np.zeros(len(found), dtype=CONJUNCTION_DTYPE)
    for name in ("i", "j", "tca_s", "miss_km", "speed_km_s"):
        out[name] = getattr(found, name)
    out["kind"] = kind
    out["pc"] = pc
    return out


#: CSV columns of :meth:`ScreeningResult.to_rows`.
CSV_COLUMNS = ("id_1", "id_2", "kind", "tca_utc", "miss_km", "relative_speed_km_s", "pc")


@dataclass(frozen=True)
class ScreeningAggregates:
    """Conjunction and maneuver rates for the risk model and the optimiser.

    Rates are per satellite of the screened population and per year of the window.
    An intra-population conjunction involves two of its satellites and counts for both in the
    conjunction rate, and as one maneuver (one satellite of the pair maneuvers); a background
    conjunction involves one satellite and one maneuver (debris cannot maneuver).

    Attributes
    ----------
    conjunctions_per_sat_year_intra : float [1/(sat yr)]
    conjunctions_per_sat_year_background : float [1/(sat yr)]
    maneuvers_per_sat_year_intra : float [1/(sat yr)]
        Conjunctions with ``pc >= pc_threshold``, as above.
    maneuvers_per_sat_year_background : float [1/(sat yr)]
    min_separation_km : float [km]
        Smallest distance between two satellites of the population: the smallest intra miss
        distance found, or the shells' self-separation when that is smaller or no intra
        conjunction fell under the threshold (``inf`` when unknown).
    window_hours : float [h]
    n_satellites : int
    threshold_km : float [km]
    pc_threshold : float
    n_intra, n_background, n_maneuvers_intra, n_maneuvers_background : int
        The counts behind the rates.
    """

    conjunctions_per_sat_year_intra: float
    conjunctions_per_sat_year_background: float
    maneuvers_per_sat_year_intra: float
    maneuvers_per_sat_year_background: float
    min_separation_km: float
    window_hours: float
    n_satellites: int
    threshold_km: float
    pc_threshold: float
    n_intra: int
    n_background: int
    n_maneuvers_intra: int
    n_maneuvers_background: int

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary (unit-named keys)."""
        return dict(self.__dict__)


@dataclass
class ScreeningResult:
    """Conjunctions of a screening and its parameters.

    Attributes
    ----------
    conjunctions : numpy.ndarray
        Structured array of :data:`CONJUNCTION_DTYPE`, sorted by TCA.
    population, against : Population
        The screened objects (``against`` may be empty).
    start : datetime
        Window start (UTC).
    hours : float [h]
    threshold_km : float [km]
    sigma_km : float [km]
        Combined 1-sigma relative position uncertainty per encounter-plane axis.
    hbr_km : float [km]
        Combined hard-body radius.
    pc_method : str
    step_s : float [s]
        Sampling step.
    backend : str
    self_separation_km : dict
        Shell label -> self-separation [km] of each Walker shell screened by symmetry.
    stats : dict
        Counts and timings (objects propagated, candidate pairs, seconds per phase).
    """

    conjunctions: NDArray[np.void]
    population: Population
    against: Population
    start: datetime
    hours: float
    threshold_km: float
    sigma_km: float
    hbr_km: float
    pc_method: str
    step_s: float
    backend: str
    self_separation_km: dict[str, float] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.conjunctions.size)

    @property
    def n_satellites(self) -> int:
        """Objects in the screened population."""
        return len(self.population)

    def ids(self) -> tuple[list[str], list[str]]:
        """Ids of the two objects of every conjunction."""
        c = self.conjunctions
        ids1 = self.population.ids(c["i"])
        intra = c["kind"] == KIND_INTRA
        ids2 = [""] * c.size
        for mask, pop in ((intra, self.population), (~intra, self.against)):
            sel = np.flatnonzero(mask)
            if sel.size:
                for pos, lab in zip(sel.tolist(), pop.ids(c["j"][sel]), strict=True):
                    ids2[pos] = lab
        return ids1, ids2

    def tca_utc(self) -> list[str]:
        """TCAs as UTC ISO-8601 strings with microseconds (``2009-02-10T16:55:59.796000Z``)."""
        return [iso_utc(self.start, t) for t in self.conjunctions["tca_s"].tolist()]

    def to_rows(self) -> list[dict[str, Any]]:
        """One dictionary per conjunction with the :data:`CSV_COLUMNS` keys."""
        ids1, ids2 = self.ids()
        c = self.conjunctions
        kinds = np.where(c["kind"] == KIND_INTRA, "intra", "background")
        return [
            {"id_1": a, "id_2": b, "kind": k, "tca_utc": t, "miss_km": float(m),
             "relative_speed_km_s": float(v), "pc": float(p)}
            for a, b, k, t, m, v, p in zip(ids1, ids2, kinds.tolist(), self.tca_utc(),
                                           c["miss_km"], c["speed_km_s"], c["pc"], strict=True)
        ]

    def closest(self, n: int = 10) -> NDArray[np.void]:
        """Return the ``n`` conjunctions with the smallest miss distance."""
        order = np.argsort(self.conjunctions["miss_km"], kind="stable")
        return self.conjunctions[order[:n]]

    def aggregates(self, pc_threshold: float = 1e-5) -> ScreeningAggregates:
        """Rates per satellite-year (see :class:`ScreeningAggregates`)."""
        c = self.conjunctions
        n_sat = max(self.n_satellites, 1)
        years = self.hours * 3600.0 / SECONDS_PER_YEAR
        intra = c["kind"] == KIND_INTRA
        bg = ~intra
        man = c["pc"] >= pc_threshold
        n_i, n_b = int(intra.sum()), int(bg.sum())
        m_i, m_b = int((intra & man).sum()), int((bg & man).sum())
        misses = c["miss_km"][intra]
        min_sep = float(misses.min()) if misses.size else math.inf
        if self.self_separation_km:
            min_sep = min(min_sep, min(self.self_separation_km.values()))
        denom = n_sat * years
        return ScreeningAggregates(
            conjunctions_per_sat_year_intra=2.0 * n_i / denom,
            conjunctions_per_sat_year_background=n_b / denom,
            maneuvers_per_sat_year_intra=m_i / denom,
            maneuvers_per_sat_year_background=m_b / denom,
            min_separation_km=min_sep,
            window_hours=self.hours,
            n_satellites=self.n_satellites,
            threshold_km=self.threshold_km,
            pc_threshold=pc_threshold,
            n_intra=n_i,
            n_background=n_b,
            n_maneuvers_intra=m_i,
            n_maneuvers_background=m_b,
        )
