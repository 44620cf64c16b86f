"""Collision cross-sections of randomly oriented bodies made of convex parts.

Two convex bodies ``K`` and ``L`` collide when their relative path crosses the Minkowski sum
``K + (-L)``; averaged over random orientations the cross-section of that sum is

``<sigma(K, L)> = (S_K + S_L) / 4 + M_K M_L / (8 pi)``,

with ``S`` the surface area and ``M`` the integral of mean curvature (``M = 2 pi`` times the mean
width). The first term is Cauchy's mean projection ``S/4`` of each body, the second the mean of
their mixed projected area (Santalo [1]_, ch. 13-14; the same mixed-volume algebra gives Kihara's
excluded volume of convex molecules [2]_). Two spheres give ``pi (r1 + r2)^2``; a sphere and a
segment of length ``l`` give ``pi r^2 + pi r l / 2``.

A satellite is idealised as a few convex parts (the bus, each wing pair as one flat strip);
a collision with the assembly is a collision with one of them, so the assembly's cross-section
is at most the sum over part pairs (a union bound: it never under-states), and the share of
each part pair is the probability that this pair is the one hit (component-level breakup,
:mod:`orbitdc.collision.consequences`).

References
----------
.. [1] Santalo, L. A., *Integral Geometry and Geometric Probability*, Addison-Wesley, 1976,
   ch. 13 (Cauchy's formula, mean projections) and ch. 14 (mixed areas of convex sets).
.. [2] Kihara, T., "Virial coefficients and models of molecules in gases", Rev. Mod. Phys.
   25(4), 831-843, 1953.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ConvexPart:
    """A convex part of a body.

    Attributes
    ----------
    name : str
    surface_m2 : float [m^2]
        Total surface area ``S`` (both faces of a flat plate).
    mean_curvature_m : float [m]
        Integral of mean curvature ``M``: ``4 pi r`` for a sphere, ``3 pi s`` for a cube of
        side ``s``, ``pi (a + b)`` for a flat ``a x b`` rectangle, ``pi l`` for a segment.
    mass_kg : float [kg]
        Mass that breaks up when this part is hit.
    areal_density_kg_m2 : float [kg/m^2]
        For a membrane (an array or radiator wing), its mass per area: a hit engages only the
        mass around the hole (:mod:`orbitdc.risk.consequences`); 0 for a compact part.
    """

    name: str
    surface_m2: float
    mean_curvature_m: float
    mass_kg: float = 0.0
    areal_density_kg_m2: float = 0.0

    @property
    def mean_cross_section_m2(self) -> float:
        """Orientation-averaged projected area ``S / 4`` (Cauchy) [m^2]."""
        return self.surface_m2 / 4.0

    @property
    def mean_radius_m(self) -> float:
        """Radius of the disc of the mean projected area, ``sqrt(S / (4 pi))`` [m]."""
        return math.sqrt(self.surface_m2 / (4.0 * math.pi))


def sphere(radius_m: float, mass_kg: float = 0.0, name: str = "sphere") -> ConvexPart:
    """A sphere: ``S = 4 pi r^2``, ``M = 4 pi r``."""
    return ConvexPart(name, 4.0 * math.pi * radius_m**2, 4.0 * math.pi * radius_m, mass_kg)


def cube(side_m: float, mass_kg: float = 0.0, name: str = "bus") -> ConvexPart:
    """A cube: ``S = 6 s^2``, ``M = 3 pi s`` (12 edges of length ``s`` and dihedral pi/2)."""
    return ConvexPart(name, 6.0 * side_m**2, 3.0 * math.pi * side_m, mass_kg)


def plate(length_m: float, width_m: float, mass_kg: float = 0.0,
          name: str = "plate", areal_density_kg_m2: float = 0.0) -> ConvexPart:
    """A flat rectangle: ``S = 2 a b`` (two faces), ``M = pi (a + b)``."""
    return ConvexPart(name, 2.0 * length_m * width_m, math.pi * (length_m + width_m), mass_kg,
                      areal_density_kg_m2)


def pair_cross_section_m2(a: ConvexPart, b: ConvexPart) -> float:
    """Mean collision cross-section of two randomly oriented convex parts [m^2].

    ``(S_a + S_b) / 4 + M_a M_b / (8 pi)`` (module docstring).
    """
    return (a.surface_m2 + b.surface_m2) / 4.0 + a.mean_curvature_m * b.mean_curvature_m / (
        8.0 * math.pi)


def pair_matrix_m2(body1: Sequence[ConvexPart], body2: Sequence[ConvexPart]) -> FloatArray:
    """Cross-section of every (part of body 1, part of body 2) pair [m^2], shape (n1, n2)."""
    s1 = np.array([p.surface_m2 for p in body1])
    s2 = np.array([p.surface_m2 for p in body2])
    m1 = np.array([p.mean_curvature_m for p in body1])
    m2 = np.array([p.mean_curvature_m for p in body2])
    return np.asarray((s1[:, None] + s2[None, :]) / 4.0 + np.outer(m1, m2) / (8.0 * math.pi),
                      dtype=float)


def body_cross_section_m2(body1: Sequence[ConvexPart], body2: Sequence[ConvexPart]) -> float:
    """Mean collision cross-section of two assemblies of convex parts [m^2].

    The sum over part pairs: exact for one part each, an upper bound (union bound) otherwise.
    """
    return float(pair_matrix_m2(body1, body2).sum())


def equivalent_radius_m(cross_section_m2: float) -> float:
    """Radius of the disc with the same area, ``sqrt(sigma / pi)`` [m]."""
    return math.sqrt(cross_section_m2 / math.pi)
