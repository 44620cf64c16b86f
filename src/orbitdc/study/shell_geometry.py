"""Shell geometry at ``sampled`` and ``full`` fidelity: slot patterns screened, or Walker growth.

With ``[shells] slots = true`` (the default) every candidate shell already has its self-safe
slot pattern per size class from the coefficient build (:mod:`orbitdc.study.slots`: capacity,
SGP4 separation, crossings). Here the shell's pattern (of the class with the most slots) is
screened against a synthetic background: the members screened are a sample spread evenly over
the pattern (:data:`SAMPLED_MEMBERS` at ``sampled``, :data:`FULL_MEMBERS` at ``full``), since
every member of a Walker pattern sees the background alike, so the cost does not grow with the
pattern (a 100,000-satellite shell costs what a 2,000-satellite one does).

With ``slots = false`` the older path stands: for each candidate shell the trial's Walker
pattern (``P`` planes, phasing ``F = round(f P)``) is grown plane by plane to the largest
``T = P S`` whose self-separation (satellite 0 against all others, by symmetry:
:func:`orbitdc.propagation.walker.self_separation`) is at least the study's guaranteed
separation, and the separation achieved feeds the coordination factor.

The screening uses a synthetic background
(:func:`orbitdc.environment.debris.synthetic_population`): ``sampled`` one tenth of the
catalogued population for a short window, ``full`` the whole population for
``[search] screening_hours``. The empirical background maneuver rate of each size class
(conjunctions with ``Pc >= threshold`` for its hard-body radius) replaces the analytic one when
the study's metric is ``maneuvers`` and the screening saw enough conjunctions
(:data:`MIN_CONJUNCTIONS`); it is stored beside the analytic rate in every trial.

Results are cached by geometry (altitude, inclination, P, S, F, fidelity) in memory and in
``results/<study>/cache/geometry.json``, so trials that repeat a pattern cost nothing.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from orbitdc.environment.debris import DebrisEnvironment, synthetic_population
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation.walker import self_separation_km
from orbitdc.results import atomic_write_text
from orbitdc.risk.maneuvers import EncounterModel
from orbitdc.risk.model import RiskSettings
from orbitdc.spec.read import LoadedStudy
from orbitdc.study.coefficients import CoefficientTable, DesignPoint
from orbitdc.study.space import TrialChoices

#: Element epoch of the screened patterns (fixed so cached geometry is reproducible).
EPOCH = datetime(2030, 1, 1, tzinfo=UTC)
#: Planes used when the study does not search them.
DEFAULT_PLANES = 24
#: Share of the catalogued population screened at ``sampled`` fidelity, and its window [h].
SAMPLED_SHARE = 0.1
SAMPLED_HOURS = 2.0
#: Background conjunctions a screened rate needs before it replaces the analytic one (Poisson
#: relative error 1/sqrt(20) ~ 22 %); with fewer, the analytic rate stands and both are shown.
MIN_CONJUNCTIONS = 20
#: Members of a slot pattern screened against the background at sampled / full fidelity.
SAMPLED_MEMBERS = 240
FULL_MEMBERS = 2400


class GeometryCache:
    """A JSON file of geometry results keyed by a text key, loaded once per process."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict[str, Any] = {}
        if path.is_file():
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                self.data = {}

    def get(self, key: str) -> Any:
        """Cached value or ``None``."""
        return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        """Store and write the file atomically.

        Concurrent workers may overwrite each other's additions; that only costs a
        recomputation.
        """
        self.data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, json.dumps(self.data, indent=0, sort_keys=True))


def _separation(altitude: float, family: InclinationFamily, planes: int, per_plane: int,
                phasing: int, cache: GeometryCache) -> float:
    key = f"sep|{altitude:g}|{family.label}|{planes}|{per_plane}|{phasing}"
    hit = cache.get(key)
    if hit is not None:
        return float(hit)
    if planes * per_plane < 2:
        value = math.inf
    else:
        shell = WalkerShell(altitude, family, planes, per_plane, phasing % planes)
        value = float(self_separation_km(shell, EPOCH))
    cache.put(key, value if math.isfinite(value) else 1e9)
    return value


#: Most patterns examined per shell when looking for its capacity.
MAX_EVALUATIONS = 64


def walker_capacity(
    altitude_km: float,
    family: InclinationFamily,
    planes: int,
    phasing_fraction: float,
    required_separation_km: float,
    max_sats: int,
    cache: GeometryCache,
) -> tuple[int, int, float]:
    """Largest satellites per plane keeping the separation: ``(S, F, separation_km)``.

    Self-separation is not monotone in ``S``: phasing resonances make some patterns far
    tighter than their neighbours. So the patterns are examined from the largest
    (``max_sats // P`` per plane) downwards and the first that keeps the separation wins, after
    at most :data:`MAX_EVALUATIONS` patterns (``S = 0`` if none does).
    """
    phasing = int(round(phasing_fraction * planes)) % planes if planes > 1 else 0
    top = max(1, max_sats // planes)
    best_sep = math.inf
    for per_plane in range(top, max(0, top - MAX_EVALUATIONS), -1):
        sep = _separation(altitude_km, family, planes, per_plane, phasing, cache)
        if sep >= required_separation_km:
            return per_plane, phasing, sep
        best_sep = min(best_sep, sep)
    return 0, phasing, best_sep


@functools.lru_cache(maxsize=4)
def _background(n: int, seed: int) -> Any:
    return synthetic_population(n, EPOCH, seed=seed)


def pattern_members(shell: WalkerShell, count: int) -> Any:
    """Element sets of ``count`` members spread evenly over a pattern (all if it is smaller)."""
    from orbitdc.propagation.walker import shell_gpes

    gpes = shell_gpes(shell, EPOCH)
    if shell.total <= count:
        return gpes
    idx = np.unique(np.floor(np.arange(count) * (shell.total / count)).astype(np.int64))
    return gpes.subset(idx)


def background_misses(
    shell: WalkerShell, loaded: LoadedStudy, fidelity: str, sigma_km: float,
    cache: GeometryCache, members: int | None = None,
) -> dict[str, Any]:
    """Miss distances of a pattern's conjunctions (< 5 km) with the synthetic background.

    Returns ``{"misses_km": [...], "sat_years": n_sat x window, "share": sampled share}``; the
    probability of each conjunction depends on the hard-body radius, so maneuver counts are made
    per size class from the misses (:func:`maneuvers_per_sat_year`). With ``members`` only that
    many satellites spread over the pattern are screened (:func:`pattern_members`).
    """
    from orbitdc.screening import screen

    key = (f"bg|{fidelity}|{shell.altitude_km:g}|{shell.inclination.label}|{shell.planes}|"
           f"{shell.sats_per_plane}|{shell.phasing}" + (f"|m{members}" if members else ""))
    hit = cache.get(key)
    if hit is not None:
        return dict(hit)
    env = DebrisEnvironment.load(directory=loaded.models_dir)
    total = int(env.expected_count().sum())
    share, hours = ((SAMPLED_SHARE, SAMPLED_HOURS) if fidelity == "sampled"
                    else (1.0, loaded.spec.search.screening_hours))
    n_bg = max(100, int(round(total * share)))
    # the study's local workers share the cores
    threads = max(1, (os.cpu_count() or 1) // max(1, loaded.spec.search.workers))
    population: Any = shell if members is None else pattern_members(shell, members)
    screened = shell.total if members is None else min(shell.total, members)
    result = screen(population, _background(n_bg, loaded.spec.study.seed), start=EPOCH,
                    hours=hours, threshold_km=5.0, sigma_km=sigma_km, hbr_m=20.0,
                    threads=threads)
    c = result.conjunctions
    from orbitdc.screening.result import KIND_BACKGROUND

    misses = [float(m) for m in c["miss_km"][c["kind"] == KIND_BACKGROUND]]
    value = {"misses_km": misses, "sat_years": screened * hours / (365.25 * 24.0),
             "share": share, "background_objects": n_bg, "window_hours": hours}
    cache.put(key, value)
    return value


def maneuvers_per_sat_year(screened: dict[str, Any], pc_threshold: float,
                           encounter: EncounterModel, hbr_km: float) -> float:
    """Background conjunctions with ``Pc >= threshold`` per satellite-year.

    The probability of each screened miss is averaged over the operator's encounter model
    (its mixture of sigmas), and the count is scaled to the whole background: a sample of the
    background sees its share of the conjunctions.
    """
    from orbitdc.collision.probability import pc_isotropic

    misses = np.asarray(screened["misses_km"], dtype=float)
    if misses.size == 0:
        return 0.0
    sigmas, weights = encounter.components()
    hits = sum(w * float(np.count_nonzero(pc_isotropic(misses, s, hbr_km) >= pc_threshold))
               for s, w in zip(sigmas.tolist(), weights.tolist(), strict=True))
    return hits / (screened["sat_years"] * screened["share"])


def _background_rates(
    screened: dict[str, Any], shell_key: str, table: CoefficientTable, env: DebrisEnvironment,
    threshold: float, settings: RiskSettings, maneuvers: dict[tuple[str, str], float],
    members_screened: int | None = None,
) -> dict[str, float]:
    """A shell's screened background rates, per class beside the analytic ones.

    Each class's empirical maneuver rate (:func:`maneuvers_per_sat_year` at the operator's
    ``threshold``, hard-body radius of the class plus the background's) goes into
    ``maneuvers`` when the screening saw at least :data:`MIN_CONJUNCTIONS` conjunctions.
    """
    rates: dict[str, float] = {"background_conjunctions": float(len(screened["misses_km"])),
                               "background_objects": float(screened["background_objects"])}
    if members_screened is not None:
        rates["members_screened"] = float(members_screened)
    for (key, name), design in table.designs.items():
        if key != shell_key:
            continue
        hbr_km = (design.hard_body_radius_m + env.params["background_hbr_m"]) / 1e3
        empirical = maneuvers_per_sat_year(screened, threshold, settings.encounter, hbr_km)
        if len(screened["misses_km"]) >= MIN_CONJUNCTIONS:
            maneuvers[(key, name)] = empirical
        rates[f"{name}: screened maneuvers/sat-yr"] = empirical
        rates[f"{name}: analytic maneuvers/sat-yr"] = (
            table.risks[(key, name)].maneuvers_per_sat_year)
    return rates


def refine_point(
    loaded: LoadedStudy, table: CoefficientTable, choices: TrialChoices, results_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> tuple[DesignPoint, dict[str, Any]]:
    """Capacities, separations and screened background rates of every candidate shell.

    ``progress(text)`` is called as each shell starts.
    """
    if loaded.spec.shells.slots:
        return _refine_slotted(loaded, table, choices, results_dir, progress)
    spec = loaded.spec
    fidelity = spec.search.fidelity
    cache = GeometryCache(results_dir / "cache" / "geometry.json")
    planes = int(choices.planes or DEFAULT_PLANES)
    fraction = 0.5 if choices.phasing_fraction is None else float(choices.phasing_fraction)
    families = {f.label: f for f in spec.shells.families()}
    capacities: dict[str, int] = {}
    separations: dict[str, float] = {}
    screening: dict[str, dict[str, float]] = {}
    maneuvers: dict[tuple[str, str], float] = {}
    from orbitdc.study.adapters import study_risk_settings

    settings = study_risk_settings(loaded)
    required = (choices.point.guaranteed_separation_km
                if choices.point.guaranteed_separation_km is not None
                else settings.min_separation_km)
    threshold = choices.point.pc_threshold or settings.pc_threshold
    sigma = float(settings.encounter.sigma_km)
    env = DebrisEnvironment.load(directory=loaded.models_dir)
    for shell in table.inputs.shells:
        family = families[shell.inclination]
        per_plane, phasing, sep = walker_capacity(
            shell.altitude_km, family, planes, fraction, required,
            spec.deployment.max_sats_per_shell, cache)
        capacities[shell.key] = planes * per_plane
        separations[shell.key] = sep if math.isfinite(sep) else 1e9
        if per_plane == 0:
            continue
        pattern = WalkerShell(shell.altitude_km, family, planes, per_plane, phasing)
        screened = background_misses(pattern, loaded, fidelity, sigma, cache)
        screening[shell.key] = _background_rates(screened, shell.key, table, env, threshold,
                                                 settings, maneuvers)
    point = replace(choices.point, capacities=capacities, min_separation_km=separations,
                    maneuvers_per_sat_year=maneuvers if spec.risk.metric == "maneuvers" else None)
    details = {"planes": planes, "phasing_fraction": fraction,
               "required_separation_km": required, "capacities": capacities,
               "separations_km": separations, "screening": screening}
    return point, details


def _refine_slotted(
    loaded: LoadedStudy, table: CoefficientTable, choices: TrialChoices, results_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> tuple[DesignPoint, dict[str, Any]]:
    """Screen each candidate shell's slot pattern (a sample of its members).

    Capacities and separations stay those of the slots; the screening gives background
    maneuver rates.
    """
    spec = loaded.spec
    fidelity = spec.search.fidelity
    cache = GeometryCache(results_dir / "cache" / "geometry.json")
    families = {f.label: f for f in spec.shells.families()}
    from orbitdc.study.adapters import study_risk_settings

    settings = study_risk_settings(loaded)
    threshold = choices.point.pc_threshold or settings.pc_threshold
    sigma = float(settings.encounter.sigma_km)
    env = DebrisEnvironment.load(directory=loaded.models_dir)
    members = SAMPLED_MEMBERS if fidelity == "sampled" else FULL_MEMBERS
    capacities: dict[str, int] = {}
    separations: dict[str, float] = {}
    patterns: dict[str, str] = {}
    screening: dict[str, dict[str, float]] = {}
    maneuvers: dict[tuple[str, str], float] = {}
    shells = list(table.inputs.shells)
    for n, shell in enumerate(shells):
        if progress:
            progress(f"screening shell {n + 1}/{len(shells)} ({shell.key})")
        slots = [(name, table.slots[(key, name)]) for (key, name) in table.designs
                 if key == shell.key and (key, name) in table.slots]
        if not slots:
            continue
        _, widest = max(slots, key=lambda item: item[1].satellites)
        capacities[shell.key] = int(shell.capacity_sats)
        separations[shell.key] = min(sl.min_separation_km for _, sl in slots)
        patterns[shell.key] = widest.pattern
        pattern = WalkerShell(shell.altitude_km, families[shell.inclination], widest.planes,
                              widest.sats_per_plane, widest.phasing)
        screened = background_misses(pattern, loaded, fidelity, sigma, cache, members=members)
        screening[shell.key] = _background_rates(
            screened, shell.key, table, env, threshold, settings, maneuvers,
            members_screened=min(members, pattern.total))
    point = replace(choices.point,
                    maneuvers_per_sat_year=maneuvers if spec.risk.metric == "maneuvers" else None)
    details = {"slots": True, "capacities": capacities, "separations_km": separations,
               "patterns": patterns, "screening": screening,
               "members_screened": members}
    return point, details

