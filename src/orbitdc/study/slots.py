"""A study's slots: the self-safe pattern of every candidate shell and size class, cached.

For each candidate shell and class the required separation follows from the class's hard-body
radius and the slot budget (:func:`orbitdc.slots.budget.required_separation_km`), rounded up to
:data:`SEPARATION_STEP_KM` so that trials with nearby designs share a search. The pattern with
the most satellites found at that separation (:func:`orbitdc.slots.search.find_pattern`,
SGP4-verified) gives the class's slots in the shell, and its crossings the member-member
approaches behind the intra-shell terms (:class:`orbitdc.risk.intra.PatternEncounters`).

Results are kept per process and, when a file is given, in ``results/<study>/cache/slots.json``
(keyed by altitude, inclination, separation, budget and search size), so a study searches each
(shell, separation) once.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from orbitdc.constants import TWO_PI, WGS72_MU_KM3_S2
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.results import atomic_write_text
from orbitdc.risk.intra import PatternEncounters
from orbitdc.slots.budget import SlotBudget, control_allowance_km
from orbitdc.slots.geometry import CrossingModel, crossing_misses_km
from orbitdc.slots.search import find_pattern, shell_crossing_model

#: Required separations are rounded up to this step [km] (a 2 % margin at 2.5 km).
SEPARATION_STEP_KM = 0.05
#: Cache format version (bump when the search changes its answers).
CACHE_VERSION = 1
_SECONDS_PER_YEAR = 365.25 * 86400.0


def quantized_separation_km(separation_km: float) -> float:
    """The separation rounded up to :data:`SEPARATION_STEP_KM` [km]."""
    steps = math.ceil(separation_km / SEPARATION_STEP_KM - 1e-9)
    return round(max(steps, 1) * SEPARATION_STEP_KM, 6)


@dataclass(frozen=True)
class ShellSlots:
    """The self-safe pattern of one shell at one separation.

    Attributes
    ----------
    satellites, planes, sats_per_plane, phasing : int
    min_separation_km : float [km]
        SGP4 minimum distance of the pattern.
    required_separation_km : float [km]
        The (rounded) separation searched for.
    pattern : str
        ``walker:ALT:INC:T/P/F``.
    encounters : PatternEncounters
        Its member-member approaches (risk model input).
    search_seconds : float [s]
    """

    satellites: int
    planes: int
    sats_per_plane: int
    phasing: int
    min_separation_km: float
    required_separation_km: float
    pattern: str
    encounters: PatternEncounters
    search_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the cache's and the trial summary's form)."""
        return {"satellites": self.satellites, "planes": self.planes,
                "sats_per_plane": self.sats_per_plane, "phasing": self.phasing,
                "min_separation_km": self.min_separation_km,
                "required_separation_km": self.required_separation_km,
                "pattern": self.pattern, "search_seconds": self.search_seconds,
                "misses_km": [round(float(v), 4) for v in self.encounters.misses_km],
                "revolutions_per_year": self.encounters.revolutions_per_year,
                "control_allowance_km": self.encounters.control_allowance_km}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ShellSlots:
        """Inverse of :meth:`to_dict`."""
        enc = PatternEncounters(int(d["satellites"]), float(d["min_separation_km"]),
                                np.asarray(d["misses_km"], dtype=float),
                                float(d["revolutions_per_year"]),
                                float(d["control_allowance_km"]), str(d["pattern"]))
        return cls(int(d["satellites"]), int(d["planes"]), int(d["sats_per_plane"]),
                   int(d["phasing"]), float(d["min_separation_km"]),
                   float(d["required_separation_km"]), str(d["pattern"]), enc,
                   float(d.get("search_seconds", 0.0)))


_MEMORY: dict[str, dict[str, Any]] = {}
_MODELS: dict[tuple[float, str], CrossingModel] = {}


class SlotCache:
    """Slot searches by key, in memory for the process and optionally in a JSON file."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.data: dict[str, dict[str, Any]] = _MEMORY
        if path is not None and path.is_file():
            try:
                self.data.update(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, json.JSONDecodeError):
                pass

    def get(self, key: str) -> ShellSlots | None:
        """A cached result or ``None``."""
        hit = self.data.get(key)
        return None if hit is None else ShellSlots.from_dict(hit)

    def put(self, key: str, value: ShellSlots) -> None:
        """Store, and write the file atomically.

        Concurrent writers may drop each other's additions, which only costs a recomputation.
        """
        self.data[key] = value.to_dict()
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(self.data, sort_keys=True))


def crossing_model(altitude_km: float, family: InclinationFamily) -> CrossingModel:
    """The shell's SGP4-measured crossing model, once per process."""
    key = (round(float(altitude_km), 6), family.label)
    if key not in _MODELS:
        _MODELS[key] = shell_crossing_model(altitude_km, family)
    return _MODELS[key]


def shell_slots(
    altitude_km: float,
    family: InclinationFamily,
    separation_km: float,
    budget: SlotBudget,
    screening_radius_km: float,
    *,
    planes_budget: int,
    cache: SlotCache | None = None,
) -> ShellSlots:
    """The self-safe pattern of a shell at a (rounded-up) separation, and its approaches.

    Parameters
    ----------
    altitude_km : float [km]
    family : InclinationFamily
    separation_km : float [km]
        Required separation (rounded up to :data:`SEPARATION_STEP_KM`).
    budget : SlotBudget
        For the control allowance of the approaches.
    screening_radius_km : float [km]
        Approaches are listed up to this guaranteed miss.
    planes_budget : int
        Plane counts the search examines.
    cache : SlotCache, optional
    """
    sep = quantized_separation_km(separation_km)
    allowance = control_allowance_km(budget)
    cache = cache or SlotCache()
    key = (f"v{CACHE_VERSION}|{altitude_km:g}|{family.label}|"
           f"{family.inclination_deg(altitude_km):.6f}|{sep:.3f}|{planes_budget}|"
           f"{allowance:.4f}|{screening_radius_km:g}")
    hit = cache.get(key)
    if hit is not None:
        return hit
    model = crossing_model(altitude_km, family)
    found = find_pattern(altitude_km, family, sep, planes_budget=planes_budget, model=model)
    misses = crossing_misses_km(model, found.planes, found.sats_per_plane, found.phasing,
                                screening_radius_km + allowance)
    radius = model.radius_km
    revs = _SECONDS_PER_YEAR * math.sqrt(WGS72_MU_KM3_S2 / radius**3) / TWO_PI
    enc = PatternEncounters(found.satellites, found.min_separation_km, misses, revs, allowance,
                            found.pattern)
    result = ShellSlots(found.satellites, found.planes, found.sats_per_plane, found.phasing,
                        found.min_separation_km, sep, found.pattern, enc, found.search_seconds)
    cache.put(key, result)
    return result


__all__ = ["SEPARATION_STEP_KM", "ShellSlots", "SlotCache", "crossing_model",
           "quantized_separation_km", "shell_slots"]
