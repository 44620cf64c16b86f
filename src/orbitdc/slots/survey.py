"""The capacity of a band of LEO: self-safe patterns per shell times the shells that stack.

For each grid altitude and inclination family the best pattern at the required separation is
found (:func:`orbitdc.slots.search.find_pattern`, SGP4-verified) and stands for the band of
altitudes around it (half a grid step each way, clipped to the surveyed range). A band of width
``W`` holds ``floor(W / dr)`` shells at radial spacing ``dr``
(:func:`orbitdc.slots.budget.radial_spacing_km`): shells of one inclination family are parallel
surfaces under SGP4, and shells of different families at close altitudes differ in equatorial
radius by the offset ``J2 R^2 sin^2 i / 4p`` (up to 1.6 km), which the spacing is measured on.
The survey reports, per band, the slots of each family and of the best one, and the totals.

Approximation: the pattern found at the grid altitude is counted for every shell of its band
(its separation scales with the radius, 0.4 % over +-25 km, and the J3 phase shifts are nearly
independent of altitude); ``orbitdc slots`` at any altitude checks one shell exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from orbitdc.errors import InputError, require_range
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.slots.budget import shells_in_band
from orbitdc.slots.search import PLANES_BUDGET, SlotPattern, find_pattern


@dataclass(frozen=True)
class SurveyCell:
    """One grid altitude and inclination family of a survey.

    Attributes
    ----------
    band_low_km, band_high_km : float [km]
        The altitudes the cell stands for.
    pattern : SlotPattern
        The best self-safe pattern found at the grid altitude.
    shells : int
        Shells of this family that fit in the band.
    """

    band_low_km: float
    band_high_km: float
    pattern: SlotPattern
    shells: int

    @property
    def slots(self) -> int:
        """``shells x satellites per shell``."""
        return self.shells * self.pattern.satellites

    def row(self) -> dict[str, object]:
        """One table row (unit-named keys)."""
        p = self.pattern
        return {"altitude_km": p.altitude_km, "inclination": p.inclination,
                "band_low_km": self.band_low_km, "band_high_km": self.band_high_km,
                "satellites_per_shell": p.satellites, "pattern": p.pattern,
                "min_separation_km": p.min_separation_km, "shells": self.shells,
                "slots": self.slots, "search_seconds": p.search_seconds}


@dataclass(frozen=True)
class SlotSurvey:
    """Slots of a band of LEO at one separation.

    Attributes
    ----------
    cells : list of SurveyCell
    min_separation_km : float [km]
        Required separation between members of one shell.
    radial_spacing_km : float [km]
        Equatorial-radius spacing between stacked shells.
    altitude_step_km : float [km]
    search_seconds : float [s]
    """

    cells: list[SurveyCell]
    min_separation_km: float
    radial_spacing_km: float
    altitude_step_km: float
    search_seconds: float = 0.0
    inclinations: tuple[str, ...] = field(default=())

    def totals_by_inclination(self) -> dict[str, int]:
        """Slots of the whole band if every shell used one family."""
        out: dict[str, int] = {}
        for c in self.cells:
            out[c.pattern.inclination] = out.get(c.pattern.inclination, 0) + c.slots
        return out

    def best_by_band(self) -> list[SurveyCell]:
        """Per band the family with the most slots."""
        best: dict[float, SurveyCell] = {}
        for c in self.cells:
            key = c.pattern.altitude_km
            if key not in best or c.slots > best[key].slots:
                best[key] = c
        return [best[k] for k in sorted(best)]

    @property
    def total_slots(self) -> int:
        """Slots of the band with the best family in every altitude band."""
        return sum(c.slots for c in self.best_by_band())

    @property
    def total_shells(self) -> int:
        """Shells stacked over the band."""
        return sum(c.shells for c in self.best_by_band())

    def to_dict(self) -> dict[str, object]:
        """The ``orbitdc slots --survey --json`` layout."""
        return {"min_separation_km": self.min_separation_km,
                "radial_spacing_km": self.radial_spacing_km,
                "altitude_step_km": self.altitude_step_km,
                "inclinations": list(self.inclinations),
                "total_slots": self.total_slots, "total_shells": self.total_shells,
                "totals_by_inclination": self.totals_by_inclination(),
                "best_by_band": [c.row() for c in self.best_by_band()],
                "cells": [c.row() for c in self.cells],
                "search_seconds": self.search_seconds}


def survey_altitudes(altitude_min_km: float, altitude_max_km: float,
                     step_km: float) -> list[tuple[float, float, float]]:
    """Grid altitudes and their bands ``(altitude, low, high)`` covering ``[min, max]``."""
    require_range("altitude_step_km", step_km, gt=0.0)
    if altitude_max_km < altitude_min_km:
        raise InputError("altitude_max_km", altitude_max_km,
                         f"must be >= altitude_min_km ({altitude_min_km:g})")
    n = int(math.floor((altitude_max_km - altitude_min_km) / step_km + 1e-9)) + 1
    grid = altitude_min_km + step_km * np.arange(n)
    out = []
    for h in grid.tolist():
        lo = max(altitude_min_km, h - step_km / 2.0)
        hi = min(altitude_max_km, h + step_km / 2.0)
        out.append((float(h), float(lo), float(hi)))
    return out


def slot_survey(
    altitude_min_km: float,
    altitude_max_km: float,
    inclinations: Sequence[str | float | InclinationFamily],
    min_separation_km: float,
    radial_spacing_km: float,
    *,
    altitude_step_km: float = 50.0,
    planes_budget: int = PLANES_BUDGET,
    progress: Callable[[int, int], None] | None = None,
) -> SlotSurvey:
    """Slots of every shell that stacks between two altitudes, per inclination family.

    Parameters
    ----------
    altitude_min_km, altitude_max_km : float [km]
    inclinations : sequence
        Families (degrees, ``sso``, ``dawn-dusk``, ``sso-HH.H``).
    min_separation_km : float [km]
        Required separation within a shell (:func:`orbitdc.slots.budget.required_separation_km`).
    radial_spacing_km : float [km]
        Spacing of stacked shells (:func:`orbitdc.slots.budget.radial_spacing_km`).
    altitude_step_km : float [km]
        Grid of searched altitudes; each stands for its band.
    planes_budget : int
        Plane counts examined per search.
    progress : callable, optional
        ``progress(done, total)`` over the cells.
    """
    start = time.perf_counter()
    require_range("radial_spacing_km", radial_spacing_km, gt=0.0)
    families = [f if isinstance(f, InclinationFamily) else InclinationFamily.parse(f)
                for f in inclinations]
    if not families:
        raise InputError("inclinations", [], "must name at least one inclination family")
    grid = survey_altitudes(altitude_min_km, altitude_max_km, altitude_step_km)
    cells: list[SurveyCell] = []
    total = len(grid) * len(families)
    for h, lo, hi in grid:
        for fam in families:
            if progress:
                progress(len(cells), total)
            pattern = find_pattern(h, fam, min_separation_km, planes_budget=planes_budget)
            cells.append(SurveyCell(lo, hi, pattern, shells_in_band(hi - lo, radial_spacing_km)))
    if progress:
        progress(total, total)
    return SlotSurvey(cells, float(min_separation_km), float(radial_spacing_km),
                      float(altitude_step_km), time.perf_counter() - start,
                      tuple(f.label for f in families))


__all__ = ["SlotSurvey", "SurveyCell", "slot_survey", "survey_altitudes"]
