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
    keep_out: list[Name] = Field(
        default_factory=list,
        description="Crewed stations (models/crewed_stations.csv) whose altitude band, with its "
                    "margin, no candidate shell may use.",
    )
    slots: bool = Field(
        True, description="Capacity of each shell and class from its self-safe Walker pattern "
                          "(orbitdc slots), and intra-shell risk from the pattern's crossings; "
                          "false: the hexagonal packing bound at [risk] guaranteed_separation_km.",
    )
    slot_search_planes: int = Field(
        48, ge=1, le=4096,
        description="Plane counts the slot search examines per shell and class (every count up "
                    "to 128 first; orbitdc slots examines 192); more finds larger patterns, "
                    "slower (~0.4 s per shell and class at 48).",
    )
    along_track_control_km: float | None = Field(
        None, ge=0.0, le=100.0,
        description="Half-width of a slot's along-track box (default models/slots.csv).",
    )
    cross_track_control_km: float | None = Field(
        None, ge=0.0, le=100.0,
        description="Half-width of a slot's cross-track box (default models/slots.csv).",
    )
    radial_control_km: float | None = Field(
        None, ge=0.0, le=100.0,
        description="Half-width of a shell's radial box (default models/slots.csv).",
    )

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

    metric: Literal["collisions", "catastrophic_collisions", "disabling_impacts",
                    "survivable_impacts", "maneuvers", "debris_index",
                    "environmental_index"] = Field(
        "debris_index", description="Risk metric the optimiser divides compute by."
    )
    operator: Name = Field(
        "starlink", description="Operator class of models/operations.csv (encounter model)."
    )
    activity: Literal["cycle", "low", "moderate", "high"] = Field(
        "cycle", description="Solar activity: the recorded and predicted cycle from the first "
                             "year, or an ECSS constant level."
    )
    atmosphere: Literal["msis", "table", "exponential"] = Field(
        "msis", description="Atmosphere model for decay and station keeping."
    )
    population: Literal["all", "no_starlink", "debris_rb"] = Field(
        "all", description="Catalogued background population."
    )
    background_growth: Literal["none", "filed"] = Field(
        "none", description="Add other operators' filed constellations (models/"
                            "constellations.csv) to the background as they deploy."
    )
    pc_threshold: float | None = Field(
        None, gt=0.0, lt=1.0, description="Maneuver threshold (default models/operations.csv)."
    )
    coordinated: bool = Field(True, description="Shells are phased and kept apart by the operator.")
    guaranteed_separation_km: float | None = Field(
        None, ge=0.0, le=100.0,
        description="Minimum distance kept between members of a shell (default "
                    "models/operations.csv).",
    )
    shell_thickness_km: float | None = Field(
        None, gt=0.0, le=100.0,
        description="Radial band occupied by a shell (default models/operations.csv).",
    )


class Deployment(_Section):
    """``[deployment]``: horizon, targets, budgets and the optimisation objective."""

    start_year: int = Field(2028, ge=2000, le=2200, description="First year of the horizon.")
    horizon_years: int = Field(10, ge=1, le=50, description="Years in the horizon.")
    objective: Literal["ratio", "pareto", "min-cost"] = Field(
        "ratio", description="Most compute per risk, the compute-risk front, or least cost."
    )
    pareto_points: int = Field(8, ge=2, le=200, description="Points on the Pareto front.")
    pareto_with_cost: bool = Field(False, description="Add cost as a third objective.")
    compute_target_pflops: float | None = Field(
        None, gt=0.0, description="Compute in service required in target_year [PFLOP/s]."
    )
    target_year: int | None = Field(None, description="Year of the compute target.")
    hold_target_through_horizon: bool = Field(
        False, description="Keep the compute target in service from target_year to the end of "
        "the horizon (replace satellites that retire), not only in target_year."
    )
    budget_usd_total: float | None = Field(None, gt=0.0, description="Total spending cap.")
    budget_usd_per_year: float | None = Field(None, gt=0.0, description="Yearly spending cap.")
    risk_cap: float | None = Field(
        None, gt=0.0, description="Cap on total risk over the horizon (min-cost objective)."
    )
    max_sats_per_shell: int = Field(
        5000, ge=1, le=1_000_000, description="Most satellites one shell may hold."
    )
    allow_noncompliant_disposal: bool = Field(
        True, description="Allow shells that need propulsive disposal (5-year rule)."
    )

    @model_validator(mode="after")
    def _target_year_in_horizon(self) -> Deployment:
        last = self.start_year + self.horizon_years - 1
        if self.target_year is not None and not self.start_year <= self.target_year <= last:
            raise ValueError(
                f"target_year = {self.target_year} must be in {self.start_year}..{last}"
            )
        return self

    def years(self) -> list[int]:
        """Calendar years of the horizon."""
        return list(range(self.start_year, self.start_year + self.horizon_years))


class Sustainability(_Section):
    """``[sustainability]``: the long-term environment (orbitdc evolve) in studies and the MILP.

    Numbers left out take ``models/evolution.csv``; the background traffic is a scenario of
    ``models/background_traffic.csv``.
    """

    evaluate: bool = Field(
        False, description="Evolve every trial's plan and report environment_50y.")
    years: int | None = Field(None, ge=1, le=200, description="Years evolved (default 50).")
    background: Name = Field("sustained", description="models/background_traffic.csv scenario.")
    bin_width_km: float | None = Field(None, gt=0.0, le=450.0,
                                       description="Altitude bin width (default 50 km).")
    after_horizon: Literal["replace", "stop"] = Field(
        "replace", description="After the horizon the last year's fleet is held or retires.")
    max_fragment_multiple: float | None = Field(
        None, gt=1.0, le=1000.0,
        description="Sustainability limit: no altitude bin may hold more than this multiple "
                    "of its fragments >= 10 cm without the plan at the end of the run.")
    max_iterations: int = Field(6, ge=1, le=50, description="Sensitivity / re-solve rounds.")


class Launch(_Section):
    """``[launch]``: vehicle and flight cadence ramp."""

    vehicle: str = Field("starship", description="models/launchers.csv")
    flights_first_year: float = Field(10.0, ge=0.0, description="Flights in the first year.")
    flights_growth_per_year: float = Field(10.0, ge=0.0, description="Added flights per year.")
    flights_max_per_year: float = Field(100.0, gt=0.0, description="Cadence ceiling.")

    def flights_per_year(self, years: int) -> list[float]:
        """The cadence ramp: first year, growing linearly up to the ceiling."""
        return [
            min(self.flights_max_per_year,
                self.flights_first_year + k * self.flights_growth_per_year)
            for k in range(years)
        ]


class Solver(_Section):
    """``[solver]``: HiGHS options."""

    time_limit_s: float = Field(60.0, gt=0.0, le=86_400.0)
    mip_gap: float = Field(0.005, ge=0.0, le=1.0)
    threads: int = Field(2, ge=1, le=256)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    lp_support_start: bool = True  # start each MILP from its LP relaxation's support (RENS)


#: Parameters the design-space search may vary, with their kind and allowed range.
SEARCH_PARAMETERS: dict[str, tuple[str, float | None, float | None]] = {
    "radiator_temp_k": ("float", 150.0, 600.0),
    "pc_threshold": ("float", 0.0, 1.0),
    "design_life_years": ("int", 1.0, 30.0),
    "eclipse_load_fraction": ("float", 0.0, 1.0),
    "guaranteed_separation_km": ("float", 0.0, 100.0),
    "planes": ("int", 1.0, 10_000.0),
    "phasing_fraction": ("float", 0.0, 1.0),
    "solar_array": ("choice", None, None),
    "radiator": ("choice", None, None),
    "accelerator": ("choice", None, None),
    "inclination": ("choice", None, None),
}
#: Prefix of per-class power parameters: ``power_kw.<class name>``.
POWER_PREFIX = "power_kw."


class SearchParam(_Section):
    """One dimension of the search space: a range (``low``/``high``) or ``choices``."""

    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = Field(None, gt=0.0)
    choices: list[str | float] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _range_or_choices(self) -> SearchParam:
        if self.choices is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either choices or low/high, not both")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give low and high (or choices)")
        if not self.low < self.high:
            raise ValueError(f"low = {self.low:g} must be < high = {self.high:g}")
        if self.log and self.low <= 0.0:
            raise ValueError(f"low = {self.low:g} must be > 0 with log = true")
        return self


class SearchConstraints(_Section):
    """``[search.constraints]``: feasibility limits on every trial's plan."""

    max_collision_probability_per_sat: float | None = Field(
        None, gt=0.0, le=1.0, description="Over a satellite's design life."
    )
    max_maneuvers_per_sat_year: float | None = Field(None, gt=0.0)
    require_disposal_compliance: bool = Field(
        False, description="Every used shell decays passively within the 5-year rule."
    )
    max_environment_50y: float | None = Field(
        None, description="Added debris objects after 50 years (orbitdc evolve)."
    )


class Search(_Section):
    """``[search]``: the Optuna design-space study around the deployment model."""

    n_trials: int = Field(24, ge=1, le=100_000, description="Completed trials to reach.")
    sampler: Literal["nsga2", "tpe", "gp", "random", "bruteforce"] = Field(
        "nsga2", description="bruteforce enumerates small discrete spaces."
    )
    population_size: int = Field(8, ge=2, le=1000, description="NSGA-II population.")
    workers: int = Field(2, ge=1, le=256, description="Local worker processes.")
    fidelity: Literal["analytic", "sampled", "full"] = Field(
        "analytic", description="How the evaluator scores shells."
    )
    objectives: list[Literal["compute", "risk", "cost", "environment_50y"]] = Field(
        ["compute", "risk", "cost"], min_length=2
    )
    milp_objective: Literal["ratio", "min-cost"] = Field(
        "ratio", description="What each trial's deployment MILP optimises."
    )
    screening_hours: float = Field(6.0, gt=0.0, le=240.0, description="Window of sampled/full.")
    screening_sample: int = Field(
        4, ge=1, le=10_000, description="Satellites per shell screened at sampled fidelity."
    )
    params: dict[str, SearchParam] = Field(default_factory=dict)
    constraints: SearchConstraints = SearchConstraints()

    @field_validator("objectives")
    @classmethod
    def _unique_objectives(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("objectives must not repeat")
        return value

    @field_validator("params")
    @classmethod
    def _known_params(cls, value: dict[str, SearchParam]) -> dict[str, SearchParam]:
        for name, param in value.items():
            kind: str
            lo: float | None
            hi: float | None
            if name.startswith(POWER_PREFIX):
                kind, lo, hi = "float", 0.0, MAX_POWER_KW
            elif name in SEARCH_PARAMETERS:
                kind, lo, hi = SEARCH_PARAMETERS[name]
            else:
                allowed = ", ".join([*SEARCH_PARAMETERS, POWER_PREFIX + "<class>"])
                raise ValueError(f"unknown parameter {name!r} (allowed: {allowed})")
            if kind == "choice" and param.choices is None:
                raise ValueError(f"{name} takes choices = [...]")
            if kind != "choice" and param.choices is not None:
                raise ValueError(f"{name} takes low/high, not choices")
            if kind != "choice" and lo is not None and hi is not None:
                assert param.low is not None and param.high is not None
                if param.low < lo or param.high > hi:
                    raise ValueError(f"{name}: low/high must lie within [{lo:g}, {hi:g}]")
        return value


class StudySpec(_Section):
    """A whole study file."""

    study: StudyMeta
    technology: Technology = Technology()
    classes: list[SizeClass] = Field(min_length=1)
    shells: Shells
    risk: Risk = Risk()
    deployment: Deployment = Deployment()
    launch: Launch = Launch()
    sustainability: Sustainability = Sustainability()
    solver: Solver = Solver()
    search: Search = Search()

    @model_validator(mode="after")
    def _search_refers_to_known_names(self) -> StudySpec:
        names = {c.name for c in self.classes}
        labels = {f.label for f in self.shells.families()}
        for pname, param in self.search.params.items():
            if pname.startswith(POWER_PREFIX) and pname[len(POWER_PREFIX):] not in names:
                raise ValueError(
                    f"search.params.{pname}: no class {pname[len(POWER_PREFIX):]!r} "
                    f"(classes: {', '.join(sorted(names))})"
                )
            if pname == "inclination":
                bad = [c for c in param.choices or [] if str(c) not in labels | {"all"}]
                if bad:
                    raise ValueError(
                        f"search.params.inclination: {bad} not among the shells' families "
                        f"({', '.join(sorted(labels))}, or 'all')"
                    )
        return self

    @field_validator("classes")
    @classmethod
    def _unique_class_names(cls, value: list[SizeClass]) -> list[SizeClass]:
        names = [c.name for c in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"class names must be unique; repeated: {', '.join(dupes)}")
        return value
