"""The study-file schema.

Every section is a frozen pydantic model with ``extra="forbid"``, so a misspelt key is an error
rather than a silently ignored setting. Field names carry their units (``power_kw``,
``altitude_km``, ``radiator_temp_k``). Ranges are declared on the fields, and the loader turns
a violation into one line that names the file, the field path, the value and the range.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from orbitdc.errors import InputError
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.sizing.satellite import MAX_ALTITUDE_KM, MAX_POWER_KW, MIN_ALTITUDE_KM

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StudyMeta(_Section):
    """``[study]``: identity and reproducibility."""

    name: Name = Field(description="Study name; results go to results/<name>/.")
    description: str = Field("", description="Free text shown in reports.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Master random seed.")
    models_dir: str | None = Field(
        None, description="Catalog folder, relative to the study file (default: models/)."
    )


class Technology(_Section):
    """``[technology]``: catalog choices and the continuous design parameters."""

    solar_array: str = Field("triple_junction_gaas", description="models/solar_arrays.csv")
    radiator: str = Field("pumped_loop_aluminium", description="models/radiators.csv")
    battery: str = Field("li_ion", description="models/batteries.csv")
    accelerator: str = Field("nvidia_gb200_nvl72", description="models/accelerators.csv")
    bus: str = Field("default", description="models/bus.csv")
    environment: str = Field("leo_hot_case", description="models/thermal_environment.csv")
    radiator_temp_k: float = Field(330.0, gt=150.0, le=600.0, description="Radiator temperature.")
    design_life_years: float = Field(5.0, gt=0.0, le=30.0, description="Design life.")
    eclipse_load_fraction: float = Field(
        1.0, ge=0.0, le=1.0, description="Compute kept running in eclipse."
    )


class SizeClass(_Section):
    """``[[classes]]``: one satellite size class."""

    name: Name
    power_kw: float = Field(gt=0.0, le=MAX_POWER_KW, description="Compute power per satellite.")


Inclination = float | str


class Shells(_Section):
    """``[shells]``: the grid of candidate shells."""

    altitude_min_km: float = Field(ge=MIN_ALTITUDE_KM, le=MAX_ALTITUDE_KM)
    altitude_max_km: float = Field(ge=MIN_ALTITUDE_KM, le=MAX_ALTITUDE_KM)
    altitude_step_km: float = Field(gt=0.0, le=1000.0)
    inclinations: list[Inclination] = Field(min_length=1)
    min_separation_km: float = Field(10.0, ge=0.0, le=500.0)

    @field_validator("inclinations")
    @classmethod
    def _parse_inclinations(cls, value: list[Inclination]) -> list[Inclination]:
        for i, item in enumerate(value):
            try:
                InclinationFamily.parse(item, f"inclinations[{i}]")
            except InputError as exc:
                raise ValueError(f"[{i}] = {item!r}: {exc.allowed}") from None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Shells:
        if self.altitude_max_km < self.altitude_min_km:
            raise ValueError(
                f"altitude_max_km = {self.altitude_max_km:g} must be >= altitude_min_km = "
                f"{self.altitude_min_km:g}"
            )
        return self

    def altitudes_km(self) -> list[float]:
        """Candidate altitudes, from min to max inclusive in steps."""
        n = int((self.altitude_max_km - self.altitude_min_km) / self.altitude_step_km + 1e-9)
        return [self.altitude_min_km + k * self.altitude_step_km for k in range(n + 1)]

    def families(self) -> list[InclinationFamily]:
        """Parsed inclination families."""
        return [InclinationFamily.parse(v) for v in self.inclinations]


class Risk(_Section):
    """``[risk]``: the debris-risk metric and the assumptions behind it."""

    metric: Literal["collisions", "maneuvers", "debris_index"] = Field(
        "debris_index", description="Risk metric the optimiser divides compute by."
    )
    activity: Literal["low", "moderate", "high"] = Field(
        "moderate", description="ECSS long-term solar activity level."
    )
    atmosphere: Literal["msis", "table", "exponential"] = Field(
        "msis", description="Atmosphere model for decay and station keeping."
    )
    population: Literal["all", "no_starlink", "debris_rb"] = Field(
        "no_starlink", description="Catalogued background population."
    )
    pc_threshold: float | None = Field(
        None, gt=0.0, lt=1.0, description="Maneuver threshold (default models/operations.csv)."
    )
    coordinated: bool = Field(True, description="Shells are phased and kept apart by the operator.")
    guaranteed_separation_km: float = Field(
        1.0, ge=0.0, le=100.0, description="Minimum distance kept between members of a shell."
    )
    shell_thickness_km: float = Field(
        2.0, gt=0.0, le=100.0, description="Radial band occupied by a shell."
    )


class Study(_Section):
    """A whole study file."""

    study: StudyMeta
    technology: Technology = Technology()
    classes: list[SizeClass] = Field(min_length=1)
    shells: Shells
    risk: Risk = Risk()

    @field_validator("classes")
    @classmethod
    def _unique_class_names(cls, value: list[SizeClass]) -> list[SizeClass]:
        names = [c.name for c in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"class names must be unique; repeated: {', '.join(dupes)}")
        return value
