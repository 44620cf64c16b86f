"""Species of the source-sink model: what kinds of object are counted per altitude bin.

As in MIT's MOCAT-SSEM [1]_, the population is split into species that differ in what they do:

* **active** satellites (one species per plan group of size class and shell family, and one for
  other operators' operational payloads): hold their altitude (station keeping, no drag),
  avoid tracked objects, retire after a mean mission life (rate ``1/L``); a share
  ``p_fail`` of the retirements stays behind as a **derelict**, the rest is disposed of;
* **disposal**: a plan satellite after a successful disposal manoeuvre, still maneuvering
  while it decays from its disposal orbit (the risk model's disposal term), or removed at once
  for the background (MOCAT's convention);
* **derelict** intact objects and **rocket bodies**: drag, no avoidance;
* **fragment** species >= 10 cm by size (untracked below the tracking limit, tracked above)
  and area-to-mass class (dense / middle / light: their decay times differ by decades).

Each species carries its collision body (convex parts with the mass each hit breaks up,
:mod:`orbitdc.collision.geometry`), its ballistic coefficient, whether it maneuvers and
whether others can see (track) it. Masses may differ per bin (the catalogue's intact objects
are heavier at 800-850 km: SL-16 stages).

References
----------
.. [1] D'Ambrosio, A., Lifson, M. and Linares, R., "The capacity of low Earth orbit computed
   using source-sink modeling", arXiv:2206.05345, 2022; MIT ARCLab, pyssem (MOCAT-SSEM in
   Python), PyPI ``pyssem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from orbitdc.collision.geometry import ConvexPart, sphere

FloatArray = NDArray[np.float64]

#: Kinds of species, in the order the state lists them.
KINDS = ("active", "disposal", "derelict", "rocket_body", "fragment")


@dataclass(frozen=True, eq=False)
class Species:
    """One species on a grid of ``B`` bins.

    Attributes
    ----------
    name : str
    kind : {"active", "disposal", "derelict", "rocket_body", "fragment"}
    origin : {"background", "plan"}
        Whether the plan makes it (plan satellites, their derelicts and disposals).
    parts : tuple of ConvexPart
        Collision body (its masses are replaced by ``part_mass_kg``).
    part_mass_kg : array (n_parts, B) [kg]
        Mass each part's hit breaks up, per bin.
    whole : tuple of bool
        Whether a part's breakup is the whole object's (a satellite's bus; a sphere).
    ballistic_coefficient_kg_m2 : float or None [kg/m^2]
        ``m / (c_D A)``; ``None`` for species that hold their altitude.
    hard_body_radius_m : float [m]
        Circumscribing radius (avoidance decisions).
    maneuverable, tracked : bool
    velocity_km_s : float [km/s]
        Mean relative velocity against other objects (MASTER via ECSS, by inclination).
    life_years : float or None [yr]
        Mean mission life (actives).
    failure_probability : float [-]
        Share of retirements left as derelicts (actives).
    derelict : str or None
        Species the failures become (actives).
    disposal : str or None
        Species successful disposals become (``None``: removed at once).
    disposal_map : array (B, B) or None
        Row ``k``: where a satellite retiring in bin ``k`` starts its disposal (sums to 1).
    derelict_map : array (B, B) or None
        Row ``k``: where a satellite failing in bin ``k`` starts to decay (``None``: its bin).
    disabling_cross_section_m2 : float [m^2]
        Area of the parts whose 1-10 cm hit ends the satellite (the bus).
    intra_k_per_year : float or None [1/(satellite^2 yr)]
        Collisions per year per ``N^2`` among members of one coordinated shell (the risk
        model's intra-shell term); ``None``: kinetic gas over the bin.
    intra_velocity_km_s : float [km/s]
    length_m : float [m]
        Mean characteristic length (fragments).
    population : (parts, weights) or None
        A fragment species as breakup partner: equal-weight mass quantiles of its fragments,
        each a sphere of their mean length (as the risk model's fragment partners).
    """

    name: str
    kind: str
    origin: str
    parts: tuple[ConvexPart, ...]
    part_mass_kg: FloatArray
    whole: tuple[bool, ...]
    ballistic_coefficient_kg_m2: float | None
    hard_body_radius_m: float
    maneuverable: bool
    tracked: bool
    velocity_km_s: float
    life_years: float | None = None
    failure_probability: float = 0.0
    derelict: str | None = None
    disposal: str | None = None
    disposal_map: FloatArray | None = field(default=None, repr=False)
    derelict_map: FloatArray | None = field(default=None, repr=False)
    disabling_cross_section_m2: float = 0.0
    intra_k_per_year: float | None = None
    intra_velocity_km_s: float = 0.0
    length_m: float = 0.0
    population: tuple[tuple[ConvexPart, ...], tuple[float, ...]] | None = field(
        default=None, repr=False)

    @property
    def mass_kg(self) -> FloatArray:
        """Mass of the whole object per bin [kg] (the heaviest part's breakup mass)."""
        return np.asarray(self.part_mass_kg.max(axis=0), dtype=float)

    @property
    def drag(self) -> bool:
        """Whether drag moves the species between bins."""
        return self.ballistic_coefficient_kg_m2 is not None


def sphere_species(name: str, kind: str, radius_m: float, mass_kg: FloatArray, *,
                   ballistic_coefficient_kg_m2: float | None, maneuverable: bool,
                   tracked: bool, velocity_km_s: float, origin: str = "background",
                   **extra: object) -> Species:
    """A species whose objects are spheres of ``radius_m`` and mass ``mass_kg`` per bin."""
    mass = np.atleast_1d(np.asarray(mass_kg, dtype=float))
    return Species(
        name=name, kind=kind, origin=origin, parts=(sphere(radius_m, 0.0, name),),
        part_mass_kg=mass[None, :], whole=(True,),
        ballistic_coefficient_kg_m2=ballistic_coefficient_kg_m2,
        hard_body_radius_m=radius_m, maneuverable=maneuverable, tracked=tracked,
        velocity_km_s=velocity_km_s, **extra)  # type: ignore[arg-type]


def parts_species(name: str, kind: str, parts: list[ConvexPart], n_bins: int, *,
                  total_mass_kg: float, **extra: object) -> Species:
    """A species whose objects are a sized satellite's parts (their masses in every bin).

    A part whose breakup mass is the satellite's whole mass (the bus) breaks the whole object.
    """
    masses = np.array([[p.mass_kg] * n_bins for p in parts], dtype=float)
    whole = tuple(bool(p.mass_kg >= total_mass_kg * (1.0 - 1e-9)) for p in parts)
    return Species(name=name, kind=kind, parts=tuple(parts), part_mass_kg=masses,
                   whole=whole, **extra)  # type: ignore[arg-type]
