"""Orbital slots: self-safe Walker patterns of a shell, their separation, stacking, capacity.

* :mod:`orbitdc.slots.geometry` - the minimum distance of two members of a shell in closed
  form, the crossing model (Keplerian, first-order J3, measured on SGP4) and a pattern's minimum
  in ``O(P)``;
* :mod:`orbitdc.slots.search` - the self-safe pattern with the most satellites, verified with
  SGP4 (:func:`find_pattern`);
* :mod:`orbitdc.slots.budget` - the required separation of a size class (box, knowledge error,
  hard body) and the radial spacing of stacked shells;
* :mod:`orbitdc.slots.survey` - the slots of a band of LEO (:func:`slot_survey`).

Formulation, verification and comparison with the literature: design/slotting.md.
"""

from __future__ import annotations

from orbitdc.slots.budget import (
    SlotBudget,
    control_allowance_km,
    equatorial_offset_km,
    radial_spacing_km,
    required_separation_km,
)
from orbitdc.slots.geometry import (
    CrossingModel,
    crossing_misses_km,
    kepler_min_distance_km,
    pattern_separation,
)
from orbitdc.slots.search import SlotPattern, find_pattern, verify_pattern
from orbitdc.slots.survey import SlotSurvey, slot_survey

__all__ = [
    "CrossingModel",
    "SlotBudget",
    "SlotPattern",
    "SlotSurvey",
    "control_allowance_km",
    "crossing_misses_km",
    "equatorial_offset_km",
    "find_pattern",
    "kepler_min_distance_km",
    "pattern_separation",
    "radial_spacing_km",
    "required_separation_km",
    "slot_survey",
    "verify_pattern",
]
