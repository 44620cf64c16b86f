"""The debris background: spatial density versus altitude, impact velocity, synthetic orbits.

Spatial density of catalogued objects comes from ``models/debris_density.csv`` (derived from a
public SSN catalogue, one value per 50 km shell) and is scaled to the full >= 10 cm population and
to the >= 1 cm population with ESA's MASTER-8 counts (``models/debris_environment.csv``) [1]_.
Mean impact velocities are MASTER's (ECSS-E-ST-10-04C Annex J [2]_).

:func:`synthetic_population` draws orbits whose time-averaged spatial density reproduces the
profile, to stand in for a real catalogue in screening runs.

References
----------
.. [1] ESA Space Debris Office, *ESA's Annual Space Environment Report*, 2025 (MASTER-8
   population: 54,000 objects > 10 cm, 1.2 million 1-10 cm).
.. [2] ECSS-E-ST-10-04C, *Space engineering: Space environment*, 2008, Annex J.2.2.1.3.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitdc.assumptions import load_catalog, load_profile
from orbitdc.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitdc.environment.catalog import ObjectCatalog
from orbitdc.errors import require_choice, require_range
from orbitdc.time import sgp4_epoch_days

FloatArray = NDArray[np.float64]

POPULATIONS = ("all", "no_starlink", "debris_rb")
#: Catalogue classes per population (columns ``tracked_<class>_per_km3``).
_CLASSES = {
    "all": ("payload_no_starlink", "starlink", "rocket_body", "debris"),
    "no_starlink": ("payload_no_starlink", "rocket_body", "debris"),
    "debris_rb": ("rocket_body", "debris"),
}
#: Background-growth scenarios: name -> constellation catalog (``None``: frozen catalogue).
GROWTH_SCENARIOS = {"none": None, "filed": "constellations"}
#: Width of the density table's altitude bins [km].
BIN_KM = 50.0


def shell_volume_km3(lower_km: ArrayLike, width_km: float = BIN_KM) -> FloatArray:
    """Volume of the spherical shell between two altitudes [km^3]."""
    r0 = WGS72_RADIUS_KM + np.asarray(lower_km, dtype=float)
    return np.asarray(4.0 / 3.0 * math.pi * ((r0 + width_km) ** 3 - r0**3), dtype=float)


@dataclass(frozen=True)
class FiledShell:
    """A shell of another operator's filed constellation (a background-growth scenario)."""

    name: str
    altitude_km: float
    inclination_deg: float
    satellites: float
    deployment_start_year: float
    deployment_end_year: float
    mass_kg: float

    def satellites_in(self, year: float) -> float:
        """Satellites in orbit during ``year``: a linear build-up, then the full shell."""
        span = max(self.deployment_end_year - self.deployment_start_year, 1.0)
        done = np.clip((year - self.deployment_start_year + 1.0) / span, 0.0, 1.0)
        return float(self.satellites * done)


@dataclass(frozen=True)
class DebrisEnvironment:
    """Spatial-density profile and debris parameters of one environment epoch.

    The catalogued (tracked) density per 50 km bin is split by class (payloads without
    Starlink, Starlink, rocket bodies, debris); a population selects classes. Untracked objects
    >= 10 cm and 1-10 cm objects are fragments: they follow the altitude profile of the
    catalogued debris, scaled to ESA's MASTER-8 totals (``models/debris_environment.csv``).
    """

    name: str
    bin_lower_km: FloatArray
    tracked: dict[str, FloatArray]
    params: dict[str, float]
    growth: dict[str, tuple[FiledShell, ...]]
    intact_mass_kg: dict[str, FloatArray]

    @classmethod
    def load(
        cls, name: str = "leo_2024", directory: str | os.PathLike[str] | None = None
    ) -> DebrisEnvironment:
        """Read ``debris_density``, ``intact_mass``, ``debris_environment``, ``constellations``."""
        profile = load_profile("debris_density", directory)
        masses = load_profile("intact_mass", directory)
        catalog = load_catalog("debris_environment", directory)
        catalog.require_technology(name, "debris environment")
        classes = sorted({c for cs in _CLASSES.values() for c in cs})
        growth: dict[str, tuple[FiledShell, ...]] = {}
        for scenario, stem in GROWTH_SCENARIOS.items():
            if stem is None:
                growth[scenario] = ()
                continue
            cat = load_catalog(stem, directory)
            growth[scenario] = tuple(
                FiledShell(name=t, **{k: cat.parameters(t)[k] for k in (
                    "altitude_km", "inclination_deg", "satellites", "deployment_start_year",
                    "deployment_end_year", "mass_kg")})
                for t in cat.technologies())
        return cls(
            name=name,
            bin_lower_km=np.asarray(profile.columns["altitude_km"], dtype=float),
            tracked={c: np.asarray(profile.columns[f"tracked_{c}_per_km3"], dtype=float)
                     for c in classes},
            params=catalog.parameters(name),
            growth=growth,
            intact_mass_kg={c: np.asarray(masses.columns[f"{c}_mass_kg"], dtype=float)
                            for c in ("payload", "rocket_body")},
        )

    def _bin(self, altitude_km: ArrayLike) -> NDArray[np.intp]:
        h = np.asarray(altitude_km, dtype=float)
        lo, hi = float(self.bin_lower_km[0]), float(self.bin_lower_km[-1]) + BIN_KM
        if np.any((h < lo) | (h > hi)) or not np.all(np.isfinite(h)):
            bad = h[(h < lo) | (h > hi) | ~np.isfinite(h)]
            require_range("altitude_km", float(bad.flat[0]), ge=lo, le=hi)
        return np.clip(np.searchsorted(self.bin_lower_km, h, side="right") - 1, 0,
                       self.bin_lower_km.size - 1)

    def class_density_per_km3(self, population: str = "all") -> dict[str, FloatArray]:
        """Catalogued density per bin of each class a population holds [1/km^3]."""
        require_choice("population", population, POPULATIONS)
        return {c: self.tracked[c] for c in _CLASSES[population]}

    def growth_density_per_km3(self, scenario: str, years: tuple[int, ...]) -> FloatArray:
        """Mean density per bin of a growth scenario's satellites over ``years`` [1/km^3]."""
        require_choice("background_growth", scenario, tuple(GROWTH_SCENARIOS))
        out = np.zeros_like(self.bin_lower_km)
        volume = shell_volume_km3(self.bin_lower_km)
        for shell in self.growth[scenario]:
            k = int(self._bin(shell.altitude_km))
            count = float(np.mean([shell.satellites_in(y) for y in years])) if years else 0.0
            out[k] += count / volume[k]
        return out

    def _analyst_per_debris(self) -> float:
        """Fragments the surveillance networks track beyond the public catalogue, per public one.

        ``(N_tracked - N_public) / N_public debris``: ESA's tracked count includes objects kept
        out of the public catalogue (mostly small fragments), which operators still receive
        conjunction warnings for; they follow the catalogued debris profile.
        """
        p = self.params
        return max(p["tracked_objects"] - p["catalogue_objects"], 0.0) / p[
            "catalogue_debris_objects"]

    def tracked_density_per_km3(
        self, altitude_km: ArrayLike, population: str = "all", *,
        years: tuple[int, ...] = (), growth: str = "none",
    ) -> FloatArray:
        """Tracked (avoidable) objects per km^3 in the bin of each altitude.

        The population's catalogue classes, the fragments tracked beyond the public catalogue,
        and a growth scenario's new satellites.
        """
        total = sum(self.class_density_per_km3(population).values())
        total = total + self.tracked["debris"] * self._analyst_per_debris()
        if growth != "none":
            total = total + self.growth_density_per_km3(growth, years)
        return np.asarray(np.asarray(total)[self._bin(altitude_km)], dtype=float)

    def tracked_mix(
        self, altitude_km: float, population: str = "all", *,
        years: tuple[int, ...] = (), growth: str = "none",
    ) -> list[tuple[str, float, float]]:
        """``(class, share of the tracked density, breakup mass [kg])`` in an altitude's bin.

        Classes: the population's catalogue classes and, with a growth scenario, ``growth``
        (other operators' new satellites). Payload and rocket-body masses are the bin's
        catalogue means (``models/intact_mass.csv``); a catalogued fragment counts with the
        breakup model's effective fragment mass.
        """
        k = int(self._bin(altitude_km))
        p = self.params
        density = {c: float(v[k]) for c, v in self.class_density_per_km3(population).items()}
        density["debris"] = density.get("debris", 0.0) + float(
            self.tracked["debris"][k]) * self._analyst_per_debris()
        mass = {"payload_no_starlink": float(self.intact_mass_kg["payload"][k]),
                "starlink": p["starlink_mass_kg"],
                "rocket_body": float(self.intact_mass_kg["rocket_body"][k]),
                "debris": p["tracked_fragment_mass_kg"]}
        if growth != "none":
            density["growth"] = float(self.growth_density_per_km3(growth, years)[k])
            mass["growth"] = self._growth_mass_kg(growth, k)
        total = sum(density.values())
        if total <= 0.0:
            return [("debris", 1.0, mass["debris"])]
        return [(c, d / total, mass[c]) for c, d in density.items() if d > 0.0]

    def _growth_mass_kg(self, scenario: str, k: int) -> float:
        """Count-weighted mean mass of a scenario's shells in bin ``k`` [kg]."""
        shells = [s for s in self.growth[scenario] if int(self._bin(s.altitude_km)) == k]
        count = sum(s.satellites for s in shells)
        return (sum(s.satellites * s.mass_kg for s in shells) / count if count
                else float(self.intact_mass_kg["payload"][k]))

    @staticmethod
    def is_intact(class_name: str) -> bool:
        """Whether a tracked class is an intact object (not a fragment)."""
        return class_name != "debris"

    def intact_density_profile(self, population: str = "all") -> FloatArray:
        """Intact objects (payloads and rocket bodies) per km^3, per bin [1/km^3]."""
        cols = self.class_density_per_km3(population)
        return np.asarray(sum(v for c, v in cols.items() if self.is_intact(c)), dtype=float)

    def untracked_ge10cm_density_per_km3(self, altitude_km: ArrayLike) -> FloatArray:
        """Objects >= 10 cm that nobody tracks, per km^3: fragments on the debris profile.

        ``n_debris(h) x N_untracked / N_debris``, global counts: ``N_untracked`` = MASTER-8's
        >= 10 cm population minus ESA's tracked count at the same epoch (2024), ``N_debris`` the
        fragments of the public catalogue behind ``debris_density.csv``.
        """
        p = self.params
        ratio = p["untracked_objects_ge10cm"] / p["catalogue_debris_objects"]
        return np.asarray(self.tracked["debris"][self._bin(altitude_km)] * max(ratio, 0.0),
                          dtype=float)

    def density_ge10cm_per_km3(
        self, altitude_km: ArrayLike, population: str = "all"
    ) -> FloatArray:
        """All objects >= 10 cm per km^3 (tracked in the population plus untracked)."""
        return np.asarray(self.tracked_density_per_km3(altitude_km, population)
                          + self.untracked_ge10cm_density_per_km3(altitude_km), dtype=float)

    def density_1_10cm_per_km3(self, altitude_km: ArrayLike) -> FloatArray:
        """Objects of 1-10 cm per km^3: lethal to a satellite, too small to track and avoid.

        MASTER-8's 1-10 cm total per >= 10 cm object, on the profile of the >= 10 cm objects
        without Starlink (a global ratio: the altitude shape of the small population is the
        least certain number of the model, notably at 800-1,000 km).
        """
        p = self.params
        ratio = p["objects_1_10cm"] / p["objects_ge10cm"]
        return np.asarray(self.density_ge10cm_per_km3(altitude_km, "no_starlink") * ratio,
                          dtype=float)

    def impact_velocity_km_s(self, inclination_deg: ArrayLike) -> FloatArray:
        """Mean relative velocity to the background [km/s] (MASTER via ECSS [2]_)."""
        inc = np.asarray(inclination_deg, dtype=float)
        # Retrograde orbits (sun-synchronous 98 deg) count by their angle to the equator.
        high = np.minimum(inc, 180.0 - inc) >= self.params["high_inclination_threshold_deg"]
        return np.where(
            high,
            self.params["impact_velocity_high_inclination_km_s"],
            self.params["impact_velocity_low_inclination_km_s"],
        )

    def expected_count(self, population: str = "all") -> FloatArray:
        """Catalogued objects per 50 km bin (density x shell volume)."""
        total = sum(self.class_density_per_km3(population).values())
        return np.asarray(np.asarray(total) * shell_volume_km3(self.bin_lower_km), dtype=float)

    def bin_count(self, altitude_km: float, population: str = "all") -> float:
        """Catalogued objects in the 50 km bin holding ``altitude_km``."""
        return float(self.expected_count(population)[int(self._bin(altitude_km))])


def synthetic_population(
    n: int,
    epoch: datetime,
    *,
    seed: int = 0,
    environment: DebrisEnvironment | None = None,
    population: str = "all",
    first_satnum: int = 90000,
) -> ObjectCatalog:
    """Draw ``n`` orbits whose orbit-averaged spatial density follows the profile.

    Mean altitudes are drawn per 50 km bin in proportion to the catalogued count in the bin
    (density x shell volume) and uniformly inside it; eccentricities uniformly up to
    ``max_eccentricity`` but small enough that perigee and apogee stay inside the bin (so the
    profile is reproduced bin by bin); inclinations from the catalogue's
    clusters (``models/debris_environment.csv``); node, perigee and mean anomaly uniform.
    Objects are built with ``sgp4init`` (WGS-72, no drag term) and carry ids ``"SYN<k>"``.
    """
    from sgp4.api import WGS72, Satrec

    if n < 1:
        require_range("n", n, ge=1)
    env = environment or DebrisEnvironment.load()
    rng = np.random.default_rng(seed)
    counts = env.expected_count(population)
    bins = rng.choice(counts.size, size=n, p=counts / counts.sum())
    mean_alt = env.bin_lower_km[bins] + rng.uniform(0.0, BIN_KM, n)
    a = WGS72_RADIUS_KM + mean_alt
    # Keep each orbit inside its bin (r in [a(1-e), a(1+e)]) so the orbit-averaged density
    # reproduces the profile bin by bin.
    room_km = np.minimum(mean_alt - env.bin_lower_km[bins], env.bin_lower_km[bins] + BIN_KM
                         - mean_alt)
    e_max = np.minimum(env.params["max_eccentricity"], room_km / a)
    ecc = rng.uniform(0.0, 1.0, n) * e_max
    weights = np.array([env.params[f"inclination_weight_{k}"]
                        for k in ("sso", "polar", "high", "mid")])
    bands = np.array([[96.0, 100.0], [80.0, 90.0], [62.0, 75.0], [45.0, 56.0]])
    band = rng.choice(4, size=n, p=weights / weights.sum())
    inc = rng.uniform(bands[band, 0], bands[band, 1])
    raan, argp, mean_anom = (rng.uniform(0.0, 2.0 * np.pi, n) for _ in range(3))
    no_kozai = np.sqrt(WGS72_MU_KM3_S2 / a**3) * 60.0
    epoch_days = sgp4_epoch_days(epoch)
    cat = ObjectCatalog(source=f"synthetic({population}, n={n}, seed={seed})")
    for k in range(n):
        sat = Satrec()
        sat.sgp4init(WGS72, "i", (first_satnum + k) % 100000, epoch_days, 0.0, 0.0, 0.0,
                     float(ecc[k]), float(argp[k]), math.radians(float(inc[k])),
                     float(mean_anom[k]), float(no_kozai[k]), float(raan[k]))
        cat.add(sat, "", f"SYN{k}")
    return cat
