"""DeploymentInputs as dense numpy tables aligned with the model's index sets, checked.

The model's sets list shells, classes and years in the order of the inputs; this module turns
the coefficient contract (:class:`~orbitdc.deploy.inputs.DeploymentInputs`) into arrays in that
order, rejects numbers outside their ranges with an :class:`~orbitdc.errors.InputError` naming
the field, and computes the unit scales that keep the MILP's coefficients near 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitdc.deploy.inputs import DeploymentInputs
from orbitdc.errors import InputError, require_range


@dataclass(frozen=True)
class Structure:
    """What the Pyomo model's index sets and constraint shapes depend on.

    Two inputs with the same structure can share one built model; anything else is a
    mutable parameter.
    """

    shell_keys: tuple[str, ...]
    class_names: tuple[str, ...]
    years: tuple[int, ...]
    design_life_years: tuple[int, ...]
    pwl_segments: int
    sustainability_bins: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelData:
    """Dense coefficient tables (shells S, classes C, years Y) and unit scales.

    Arrays use the natural units of :mod:`orbitdc.deploy.inputs`; the model divides by
    ``compute_unit``, ``risk_unit`` and ``cost_unit`` so its coefficients are of order one.
    """

    inputs: DeploymentInputs
    shell_keys: tuple[str, ...]
    class_names: tuple[str, ...]
    years: tuple[int, ...]
    altitude_km: np.ndarray  # (S,)
    capacity_sats: np.ndarray  # (S,) int: Cap_s, the largest class capacity of the shell
    class_capacity: np.ndarray  # (S, C) int: Cap_sc (slots of the shell for class c)
    intra_k: np.ndarray  # (S,) [risk / (sat^2 yr)]
    payload_kg: np.ndarray  # (S,)
    compliant: np.ndarray  # (S,) bool
    slots: np.ndarray  # (C,) int, satellites per flight
    life_years: np.ndarray  # (C,) int
    allowed: np.ndarray  # (S, C) bool: pair given and one satellite fits one flight
    mass_kg: np.ndarray  # (S, C)
    cost_usd: np.ndarray  # (S, C)
    compute_pflops: np.ndarray  # (S, C)
    risk_per_sat_year: np.ndarray  # (S, C)
    flights_per_year: np.ndarray  # (Y,)
    launch_cost_usd: float
    budget_usd_per_year: np.ndarray | None  # (Y,)
    budget_usd_total: float | None
    min_spacing_km: float
    compute_target_pflops: float | None
    target_index: int | None
    risk_cap: float | None
    allow_noncompliant: bool
    compute_unit: float  # [PFLOP/s]
    risk_unit: float  # [risk / yr]
    cost_unit: float  # [USD]
    sustainability_bins: tuple[str, ...] = ()
    sustainability_per_launch: np.ndarray | None = None  # (B, S, C, Y) [fragments/satellite]
    sustainability_cap: np.ndarray | None = None  # (B,) [fragments]

    @property
    def n_shells(self) -> int:
        """Number of candidate shells S."""
        return len(self.shell_keys)

    @property
    def n_classes(self) -> int:
        """Number of size classes C."""
        return len(self.class_names)

    @property
    def n_years(self) -> int:
        """Number of years Y."""
        return len(self.years)

    @property
    def slot_weight(self) -> np.ndarray:
        """(S, C) ``Cap_s / Cap_sc``: reference slots one satellite of class c takes.

        1 for a class at the shell's largest capacity, and where the class is not allowed.
        """
        cap = self.capacity_sats.astype(float)[:, None]
        cls = self.class_capacity.astype(float)
        return np.where(cls > 0, cap / np.maximum(cls, 1.0), 1.0)

    def occupancy(self, active: np.ndarray) -> np.ndarray:
        """(S, Y) share of each shell's slots in use, ``sum_c N_scy / Cap_sc`` [-]."""
        cap = np.maximum(self.capacity_sats.astype(float), 1.0)[:, None]
        return np.einsum("sc,scy->sy", self.slot_weight, active) / cap

    @property
    def shell_usable(self) -> np.ndarray:
        """(S,) bool: the disposal rule allows the shell."""
        return self.compliant | self.allow_noncompliant

    def structure(self, pwl_segments: int) -> Structure:
        """Return the :class:`Structure` of these inputs with ``pwl_segments`` segments."""
        return Structure(
            self.shell_keys,
            self.class_names,
            self.years,
            tuple(int(v) for v in self.life_years),
            int(pwl_segments),
            self.sustainability_bins,
        )

    def spacing_conflicts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All shell pairs ``i < j`` and whether they are closer than the minimum spacing.

        Returns
        -------
        i, j : int arrays, shape (S(S-1)/2,)
        conflict : bool array
            ``|h_i - h_j| < min_shell_spacing_km`` (any inclinations).
        """
        i, j = np.triu_indices(self.n_shells, k=1)
        conflict = np.abs(self.altitude_km[i] - self.altitude_km[j]) < self.min_spacing_km
        return i, j, conflict

    @classmethod
    def from_inputs(cls, inputs: DeploymentInputs) -> ModelData:
        """Check ``inputs`` and lay them out as arrays.

        Raises
        ------
        InputError
            Naming the field (``shells[2].capacity_sats``), the value and the allowed range.
        """
        inputs.validate()
        shells, classes = list(inputs.shells), list(inputs.classes)
        if not shells:
            raise InputError("shells", [], "must list at least one candidate shell")
        if not classes:
            raise InputError("classes", [], "must list at least one size class")
        s_n, c_n, years = len(shells), len(classes), tuple(int(y) for y in inputs.years)

        alt = np.empty(s_n)
        cap = np.empty(s_n, dtype=np.int64)
        k = np.empty(s_n)
        payload = np.empty(s_n)
        for i, sh in enumerate(shells):
            f = f"shells[{i}]"
            alt[i] = require_range(f"{f}.altitude_km", sh.altitude_km, gt=0.0)
            cap[i] = _count(f"{f}.capacity_sats", sh.capacity_sats)
            k[i] = require_range(f"{f}.intra_risk_per_sat_pair_year",
                                 sh.intra_risk_per_sat_pair_year, ge=0.0)
            payload[i] = require_range(f"{f}.payload_kg_per_flight", sh.payload_kg_per_flight,
                                       ge=0.0)
        compliant = np.array([bool(sh.disposal_compliant) for sh in shells])
        class_cap = np.repeat(cap[:, None], len(classes), axis=1)
        for i, sh in enumerate(shells):
            for j, cl in enumerate(classes):
                if sh.capacity_by_class and cl.name in sh.capacity_by_class:
                    value = _count(f"shells[{i}].capacity_by_class[{cl.name!r}]",
                                   sh.capacity_by_class[cl.name])
                    if value > cap[i]:
                        raise InputError(f"shells[{i}].capacity_by_class[{cl.name!r}]", value,
                                         f"must be <= capacity_sats ({cap[i]})")
                    class_cap[i, j] = value

        slots = np.empty(c_n, dtype=np.int64)
        life = np.empty(c_n, dtype=np.int64)
        for j, cl in enumerate(classes):
            f = f"classes[{j}]"
            require_range(f"{f}.power_kw", cl.power_kw, gt=0.0)
            slots[j] = _count(f"{f}.max_per_flight", cl.max_per_flight, minimum=1)
            life[j] = _count(f"{f}.design_life_years", cl.design_life_years, minimum=1)

        s_index = {sh.key: i for i, sh in enumerate(shells)}
        c_index = {cl.name: j for j, cl in enumerate(classes)}
        given = np.zeros((s_n, c_n), dtype=bool)
        mass = np.zeros((s_n, c_n))
        cost = np.zeros((s_n, c_n))
        pflops = np.zeros((s_n, c_n))
        risk = np.zeros((s_n, c_n))
        for (sk, cn), co in inputs.coefficients.items():
            i, j = s_index[sk], c_index[cn]
            f = f"coefficients[{sk!r}, {cn!r}]"
            given[i, j] = True
            mass[i, j] = require_range(f"{f}.mass_kg", co.mass_kg, gt=0.0)
            cost[i, j] = require_range(f"{f}.cost_usd", co.cost_usd, ge=0.0)
            pflops[i, j] = require_range(f"{f}.compute_pflops", co.compute_pflops, ge=0.0)
            risk[i, j] = require_range(f"{f}.risk_per_sat_year", co.risk_per_sat_year, ge=0.0)
        # A satellite is never split across flights: heavier than one flight's payload = excluded.
        allowed = given & (mass <= payload[:, None]) & (class_cap > 0)

        flights = np.array([require_range(f"flights_per_year[{t}]", v, ge=0.0)
                            for t, v in enumerate(inputs.flights_per_year)])
        launch = require_range("launch_cost_usd_per_flight", inputs.launch_cost_usd_per_flight,
                               ge=0.0)
        budget_year = None
        if inputs.budget_usd_per_year is not None:
            budget_year = np.array([require_range(f"budget_usd_per_year[{t}]", v, ge=0.0)
                                    for t, v in enumerate(inputs.budget_usd_per_year)])
        budget_total = None
        if inputs.budget_usd_total is not None:
            budget_total = require_range("budget_usd_total", inputs.budget_usd_total, ge=0.0)
        spacing = require_range("min_shell_spacing_km", inputs.min_shell_spacing_km, ge=0.0)
        target = None
        target_index = None
        if inputs.compute_target_pflops is not None:
            target = require_range("compute_target_pflops", inputs.compute_target_pflops, gt=0.0)
            if inputs.target_year is None:
                raise InputError("target_year", None,
                                 "must name a year of the horizon when compute_target_pflops "
                                 "is set")
            target_index = years.index(int(inputs.target_year))
        risk_cap = None
        if inputs.risk_cap is not None:
            risk_cap = require_range("risk_cap", inputs.risk_cap, gt=0.0)

        def unit(values: np.ndarray) -> float:
            v = values[np.isfinite(values) & (values > 0)]
            return float(v.max()) if v.size else 1.0

        compute_unit = unit(pflops[allowed])
        # Per-satellite-year risk at a full shell: background + intra-shell k * capacity.
        risk_unit = unit((risk + (k * cap)[:, None])[allowed])
        cost_unit = unit(np.append(cost[allowed], launch))

        bins: tuple[str, ...] = ()
        per_launch = cap_b = None
        lim = inputs.sustainability
        if lim is not None:
            bins = tuple(str(b) for b in lim.bins)
            per_launch = np.zeros((len(bins), s_n, c_n, len(years)))
            for (sk, cn), rows in lim.fragments_per_launch.items():
                values = np.asarray(rows, dtype=float)
                if not np.all(np.isfinite(values)) or np.any(values < 0):
                    raise InputError(f"sustainability.fragments_per_launch[{sk!r}, {cn!r}]",
                                     "values", "must be finite and >= 0")
                per_launch[:, s_index[sk], c_index[cn], :] = values
            cap_b = np.array([float(v) for v in lim.cap])
            if not np.all(np.isfinite(cap_b)):
                raise InputError("sustainability.cap", list(lim.cap), "must be finite")

        return cls(
            inputs=inputs,
            shell_keys=tuple(sh.key for sh in shells),
            class_names=tuple(cl.name for cl in classes),
            years=years,
            altitude_km=alt,
            capacity_sats=cap,
            class_capacity=class_cap,
            intra_k=k,
            payload_kg=payload,
            compliant=compliant,
            slots=slots,
            life_years=life,
            allowed=allowed,
            mass_kg=mass,
            cost_usd=cost,
            compute_pflops=pflops,
            risk_per_sat_year=risk,
            flights_per_year=flights,
            launch_cost_usd=launch,
            budget_usd_per_year=budget_year,
            budget_usd_total=budget_total,
            min_spacing_km=spacing,
            compute_target_pflops=target,
            target_index=target_index,
            risk_cap=risk_cap,
            allow_noncompliant=bool(inputs.allow_noncompliant_disposal),
            compute_unit=compute_unit,
            risk_unit=risk_unit,
            cost_unit=cost_unit,
            sustainability_bins=bins,
            sustainability_per_launch=per_launch,
            sustainability_cap=cap_b,
        )


def _count(field: str, value: object, minimum: int = 0) -> int:
    """Check a whole number >= ``minimum`` (floats like 3.0 are accepted)."""
    x = require_range(field, value, ge=float(minimum))  # type: ignore[arg-type]
    if not math.isclose(x, round(x)):
        raise InputError(field, value, f"must be a whole number >= {minimum}")
    return int(round(x))
