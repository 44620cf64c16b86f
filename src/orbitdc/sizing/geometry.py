"""Geometry a risk model needs: cross-section, largest dimension, ballistic coefficient.

The satellite is idealised as a cubic bus with two rectangular solar-array wings and two
rectangular radiator wings. The orientation-averaged projected area of a convex body is a quarter
of its surface area (Cauchy's surface-area formula [1]_); summing it over the parts gives an upper
bound on the averaged cross-section of the assembly (parts can shadow each other), the
conservative choice for collision risk.

References
----------
.. [1] Cauchy's surface area formula: the mean projected area of a convex body equals one
   quarter of its surface area. See e.g. Santalo, L. A., *Integral Geometry and Geometric
   Probability*, Addison-Wesley, 1976, ch. 13; for its use for spacecraft, Klinkrad, H.,
   *Space Debris: Models and Risk Analysis*, Springer, 2006, section 5.
.. [2] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, ch. 8
   (ballistic coefficient ``BC = m / (c_D A)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Geometry:
    """Derived geometry of a sized satellite (all lengths in m, areas in m^2)."""

    bus_side_m: float
    array_span_m: float
    radiator_span_m: float
    cross_section_m2: float
    largest_dimension_m: float


def wing_pair_span_m(total_area_m2: float, aspect_ratio: float, bus_side_m: float) -> float:
    """Tip-to-tip span of two equal rectangular wings on a bus [m].

    Each wing has area ``A/2``, width ``w = sqrt(A / (2 k))`` and length ``k w``; the span is
    ``2 k w + s_bus``.
    """
    if total_area_m2 <= 0.0:
        return bus_side_m
    width = math.sqrt(total_area_m2 / (2.0 * aspect_ratio))
    return 2.0 * aspect_ratio * width + bus_side_m


def mean_cross_section_m2(
    array_area_m2: float, radiator_area_m2: float, bus_side_m: float
) -> float:
    """Orientation-averaged cross-section [m^2] (Cauchy [1]_, summed over the parts).

    A thin plate of area ``A`` has surface ``2A`` and mean projection ``A/2``; a cube of side
    ``s`` has ``6 s^2 / 4``.
    """
    return 0.5 * array_area_m2 + 0.5 * radiator_area_m2 + 1.5 * bus_side_m**2


def satellite_geometry(
    *,
    array_area_m2: float,
    radiator_area_m2: float,
    bus_mass_kg: float,
    bus_bulk_density_kg_m3: float,
    array_aspect_ratio: float,
    radiator_aspect_ratio: float,
) -> Geometry:
    """Geometry of the bus-plus-wings idealisation.

    Parameters
    ----------
    array_area_m2, radiator_area_m2 : float [m^2]
    bus_mass_kg : float [kg]
        Mass packed in the bus (everything but the array and radiator wings).
    bus_bulk_density_kg_m3 : float [kg/m^3]
    array_aspect_ratio, radiator_aspect_ratio : float [-]
    """
    side = (bus_mass_kg / bus_bulk_density_kg_m3) ** (1.0 / 3.0)
    array_span = wing_pair_span_m(array_area_m2, array_aspect_ratio, side)
    radiator_span = wing_pair_span_m(radiator_area_m2, radiator_aspect_ratio, side)
    return Geometry(
        bus_side_m=side,
        array_span_m=array_span,
        radiator_span_m=radiator_span,
        cross_section_m2=mean_cross_section_m2(array_area_m2, radiator_area_m2, side),
        largest_dimension_m=max(array_span, radiator_span, math.sqrt(3.0) * side),
    )


def ballistic_coefficient_kg_m2(
    mass_kg: float, drag_area_m2: float, drag_coefficient: float
) -> float:
    """Ballistic coefficient ``BC = m / (c_D A)`` [kg/m^2] (Vallado [2]_ ch. 8).

    Larger values decay more slowly.
    """
    return mass_kg / (drag_coefficient * drag_area_m2)
