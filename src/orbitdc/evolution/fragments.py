"""Fragment species and where a breakup's fragments go: the NASA breakup model on the grid.

The fragments >= 10 cm of a breakup are the quadrature points of
:func:`orbitdc.collision.breakup.fragment_cloud` (size, A/M and delta-v of the NASA standard
breakup model), exactly as the risk model takes them (:mod:`orbitdc.risk.consequences`): each
point's kick from the parent's circular orbit gives an eccentric orbit
(:func:`~orbitdc.collision.breakup.fragment_orbits`), whose lifetime is that of a circular orbit
at its *equivalent circular altitude* ``h_eq`` (:mod:`orbitdc.environment.eccentric`), with its
own ``BC_p = (M/A)_p / c_D``.

**Species.** A point belongs to a fragment species by its size (untracked below the tracking
length ``L_t``, tracked above) and its A/M class (``log10 A/M`` below, between or above two
edges). A species has one ballistic coefficient, the geometric mean of its points' ``BC_p``;
its breakup mass is ``(E[m^0.75])^(4/3)`` over its points (the mass that gives the mean
non-catastrophic fragment count, as ``models/debris_environment.csv`` derives the catalogue's
fragment masses) and its radius half its mean length.

**Placement that keeps every fragment's residence.** With drag a species' objects move down a
chain of bins, leaving bin ``j`` at the rate ``1/tau_j``, ``tau_j = BC (T(h_j+1) - T(h_j))``
(``T``: decay time per unit BC, :func:`orbitdc.environment.decay.decay_time_per_bc_years`),
so one entering bin ``d`` at its top stays ``BC T'(h_d+1)`` in the grid on average, with
``T' = T - T(bottom edge)``. A point is placed at the altitude ``h*`` where an object with its
species' ``BC_f`` stays as long as the point does, ``BC_f T'(h*) = BC_p T'(h_eq)``, and split
between the bin ``d`` holding ``h*`` (share ``w``) and the bin below (``1 - w``) with

``w = (T'(h*) - T'(h_d)) / (T'(h_d+1) - T'(h_d))``,

so its expected time in every bin, and in total, is exact at constant activity (the mean of an
exponential residence per bin is ``tau_j``). Points with ``h_eq`` below the grid re-enter at
once; points above its top have left LEO (counted as escaped).

**Tracking length.** About 14,750 objects >= 10 cm are tracked by nobody (ESA Space Environment
Report 2025 at one epoch, ``models/debris_environment.csv``, the risk model's count): they are
fragments just above 10 cm. With the size law ``N(>L) ~ L^-1.71`` the tracked share of
fragments is that above ``L_t = 0.1 m (N_frag / N_frag,tracked)^(1/1.71)`` (14 cm), with the
tracked fragments those of the catalogue and the ones tracked beyond it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbitdc.collision import breakup
from orbitdc.collision.geometry import sphere
from orbitdc.constants import R_EARTH_KM
from orbitdc.environment.decay import ENTRY_ALTITUDE_KM, decay_time_per_bc_years
from orbitdc.environment.eccentric import equivalent_circular_altitude_km
from orbitdc.evolution.grid import AltitudeGrid
from orbitdc.evolution.species import Species, sphere_species

FloatArray = NDArray[np.float64]

#: Smallest fragment counted [m] (the risk model's debris index counts fragments >= 10 cm).
FRAGMENT_LENGTH_M = 0.10
_AM_NAMES = ("dense", "mid", "light")


def untracked_objects(params: dict[str, float]) -> float:
    """Objects >= 10 cm nobody tracks (``models/debris_environment.csv``), as the risk model."""
    if "untracked_objects_ge10cm" in params:
        return float(params["untracked_objects_ge10cm"])
    return max(params["objects_ge10cm"] - params["tracked_objects"], 0.0)


def tracking_length_m(params: dict[str, float]) -> float:
    """Size above which fragments are tracked [m] (module notes).

    Tracked fragments are the catalogue's debris plus the objects tracked beyond the public
    catalogue; every object >= 10 cm that is not tracked is a fragment.
    """
    tracked_frag = params["catalogue_debris_objects"] + max(
        params["tracked_objects"] - params["catalogue_objects"], 0.0)
    all_frag = tracked_frag + untracked_objects(params)
    return float(FRAGMENT_LENGTH_M * (all_frag / tracked_frag) ** (1.0 / breakup.SIZE_EXPONENT))


@dataclass(frozen=True, eq=False)
class FragmentModel:
    """The fragment species and the placement kernel of a grid.

    Attributes
    ----------
    species : tuple of Species
        ``untracked-dense, untracked-mid, untracked-light, tracked-dense, ...``.
    kernel : array (B, F, B) [-]
        ``kernel[k, f, d]``: share of the >= 10 cm fragments of a breakup in bin ``k`` that
        enter species ``f`` at the top of bin ``d`` (sums to at most 1 over ``f, d``).
    escaped : array (B,) [-]
        Share of a breakup's fragments thrown above the grid.
    steady_share : array (F,) [-]
        Share of each species among a breakup's fragments, within the tracked and within the
        untracked species: splits today's catalogued and untracked fragments as the risk
        model's partner masses do (a fresh cloud's mix; old clouds have lost their light
        fragments, so this under-states today's mean mass).
    tracking_length_m : float [m]
    """

    species: tuple[Species, ...]
    kernel: FloatArray
    escaped: FloatArray
    steady_share: FloatArray
    tracking_length_m: float


def fragment_model(
    grid: AltitudeGrid,
    *,
    tracking_length: float,
    am_edges: tuple[float, float],
    drag_coefficient: float,
    activity: str,
    atmosphere: str,
    models_dir: str | os.PathLike[str] | None,
    velocity_km_s: float,
) -> FragmentModel:
    """Fragment species and kernel of ``grid`` (module notes).

    Parameters
    ----------
    tracking_length : float [m]
        Size above which fragments are tracked (:func:`tracking_length_m`).
    am_edges : (float, float) [log10(m^2/kg)]
        Edges of the A/M classes.
    drag_coefficient : float [-]
        Of fragments (``models/operations.csv``).
    activity : str
        ``"cycle"`` places fragments with the ``"moderate"`` tables (the risk model resolves
        eccentric orbits the same way); a constant level with its own.
    atmosphere : str
    models_dir : path or None
    velocity_km_s : float [km/s]
        Mean relative velocity of fragments against other objects.
    """
    cloud = breakup.fragment_cloud(FRAGMENT_LENGTH_M)
    reference = activity if activity != "cycle" else "moderate"
    chi = np.log10(cloud.area_to_mass_m2_kg)
    size_class = (cloud.length_m >= tracking_length).astype(int)
    am_class = np.digitize(chi, am_edges)
    f_of = 3 * size_class + am_class
    bc = cloud.mass_per_area_kg_m2 / drag_coefficient
    area = breakup.fragment_area_m2(cloud.length_m)
    mass = area / cloud.area_to_mass_m2_kg
    n_f = 6
    species = []
    bc_f = np.empty(n_f)
    for f in range(n_f):
        pick = f_of == f
        if not pick.any():  # pragma: no cover - the edges leave every class populated
            pick = np.ones_like(pick)
        bc_f[f] = float(np.exp(np.mean(np.log(bc[pick]))))
        m_eff = float(np.mean(mass[pick] ** 0.75) ** (4.0 / 3.0))
        length = float(np.mean(cloud.length_m[pick]))
        tracked = f >= 3
        order = np.flatnonzero(pick)[np.argsort(mass[pick])]
        groups = np.array_split(order, min(8, order.size))
        quantiles = (tuple(sphere(0.5 * float(np.mean(cloud.length_m[g])),
                                  float(np.mean(mass[g])), "fragment") for g in groups),
                     tuple(float(g.size) / order.size for g in groups))
        species.append(sphere_species(
            f"fragment-{'tracked' if tracked else 'untracked'}-{_AM_NAMES[f % 3]}", "fragment",
            0.5 * length, np.full(grid.size, m_eff), ballistic_coefficient_kg_m2=bc_f[f],
            maneuverable=False, tracked=tracked, velocity_km_s=velocity_km_s,
            length_m=length, population=quantiles))

    # decay time per unit BC above the grid's bottom edge, on a fine grid
    fine = np.arange(ENTRY_ALTITUDE_KM, 2000.0 + 1e-9, 0.5)
    t_fine = decay_time_per_bc_years(fine, reference, atmosphere, models_dir)
    bottom = float(np.interp(grid.lower_km[0], fine, t_fine))
    top_km = float(grid.edges_km[-1])
    t_prime = np.maximum(t_fine - bottom, 0.0)
    t_edges = np.interp(grid.edges_km, fine, t_prime)

    k_src = np.repeat(np.arange(grid.size), cloud.size)
    perigee, apogee = [], []
    for h in grid.center_km:
        orb = breakup.fragment_orbits(float(h), cloud, R_EARTH_KM)
        perigee.append(orb.perigee_km)
        apogee.append(orb.apogee_km)
    h_eq = equivalent_circular_altitude_km(np.concatenate(perigee), np.concatenate(apogee),
                                           reference, atmosphere, models_dir)
    f_all = np.tile(f_of, grid.size)
    bc_all = np.tile(bc, grid.size)
    inside = (h_eq > grid.lower_km[0]) & (h_eq < top_km)
    residence = bc_all * np.interp(np.clip(h_eq, grid.lower_km[0], top_km), fine, t_prime)
    per_bc = residence / bc_f[f_all]
    above = fine >= grid.lower_km[0]
    h_star = np.interp(np.minimum(per_bc, t_edges[-1] * (1.0 - 1e-12)), t_prime[above],
                       fine[above])
    d = np.clip(grid.index(h_star), 0, grid.size - 1)
    lo, hi = t_edges[d], t_edges[d + 1]
    w = np.clip((np.minimum(per_bc, hi) - lo) / np.maximum(hi - lo, 1e-300), 0.0, 1.0)
    kernel = np.zeros((grid.size, n_f, grid.size))
    weight = inside / cloud.size
    np.add.at(kernel, (k_src, f_all, d), weight * w)
    below = d - 1
    ok = below >= 0
    np.add.at(kernel, (k_src[ok], f_all[ok], below[ok]), (weight * (1.0 - w))[ok])
    escaped = np.asarray(np.bincount(k_src, weights=(h_eq >= top_km) / cloud.size,
                                     minlength=grid.size), dtype=float)

    # today's fragments split as a breakup's cloud counts them (the risk model's partner mix)
    counts = np.bincount(f_of, minlength=n_f).astype(float)
    share = np.zeros(n_f)
    for group in (slice(0, 3), slice(3, 6)):
        share[group] = counts[group] / counts[group].sum()
    return FragmentModel(tuple(species), kernel, escaped, share, float(tracking_length))
