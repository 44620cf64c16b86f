"""A deployment plan: launches per shell, class and year, and everything that follows from them.

A :class:`Plan` is computed from the integer launch counts alone (numpy, no solver state), so
the compute, risk and cost it reports are an independent evaluation of the solver's answer:

* active satellites ``a[s,c,y] = sum of launches in the last design_life_years years``;
* flights per shell and year: the fewest that carry the launches,
  ``max(ceil(sum_c m x / payload), ceil(sum_c x / max_per_flight))`` (the solver may report
  more when flights are not in its objective; dropping idle flights only lowers the cost);
* compute ``sum_y sum_{s,c} pflops a`` [PFLOP/s-yr];
* risk ``sum_y [sum_{s,c} r a + sum_s k_s N^2]`` [risk] with ``N[s,y] = sum_c a[s,c,y]``, both
  exactly (``risk_exact``) and with the model's chord over-estimate of ``N^2``
  (``risk_model``, what the optimiser bounded and traded; ``>= risk_exact``);
* cost ``sum_y [launch cost * flights + sum satellite cost * launches]`` [USD].
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from orbitdc.deploy import pwl
from orbitdc.deploy.data import ModelData
from orbitdc.deploy.solve import SolveRecord
from orbitdc.results import atomic_write_text, write_csv

#: Integrality tolerance when reading the solver's launch counts.
_INT_TOL = 1e-6


def active_from_launches(launches: np.ndarray, life_years: np.ndarray) -> np.ndarray:
    """Satellites in service: launches of the last ``life_years`` years (inclusive).

    Parameters
    ----------
    launches : int array (S, C, Y)
    life_years : int array (C,) [yr]

    Returns
    -------
    int array (S, C, Y)
    """
    cum = np.cumsum(launches, axis=2)
    out = cum.copy()
    for c, life in enumerate(life_years):
        life = int(life)
        if life < launches.shape[2]:
            out[:, c, life:] -= cum[:, c, :-life]
    return out


def min_flights(data: ModelData, launches: np.ndarray) -> np.ndarray:
    """Fewest flights per shell and year that carry ``launches`` (payload and slot limits).

    Returns
    -------
    int array (S, Y)
    """
    mass = np.einsum("sc,scy->sy", data.mass_kg, launches)
    slots = np.einsum("c,scy->sy", 1.0 / data.slots, launches)
    payload = np.where(data.payload_kg > 0, data.payload_kg, np.inf)[:, None]
    need = np.maximum(mass / payload, slots)
    return np.ceil(need - 1e-9).astype(np.int64)


@dataclass(frozen=True)
class Plan:
    """One deployment plan and its evaluation. Build it with :meth:`from_launches`.

    Attributes
    ----------
    label : str
        What produced it (``"max ratio"``, ``"pareto 3/10"``, ...).
    shell_keys, class_names, years : tuples
    launches : int array (S, C, Y)
        Satellites of each class launched to each shell in each year.
    flights : int array (S, Y)
    active : int array (S, C, Y)
    compute_pflops : float array (Y,) [PFLOP/s]
        Compute in service in each year.
    risk_model, risk_exact : float array (Y,) [risk / yr]
        Risk in each year (model over-estimate / exact quadratic).
    cost_usd : float array (Y,) [USD]
    pwl_max_rel_overstatement : float [-]
        Bound on ``(model - exact) / exact`` of the intra-shell term.
    occupancy : float array (S, Y) [-]
        Share of each shell's slots in use, ``sum_c N_scy / Cap_sc``.
    class_capacity : int array (S, C)
        Slots of each shell for each class ``Cap_sc``.
    records : tuple of SolveRecord
        The solves that produced the plan.
    """

    label: str
    shell_keys: tuple[str, ...]
    class_names: tuple[str, ...]
    years: tuple[int, ...]
    launches: np.ndarray
    flights: np.ndarray
    active: np.ndarray
    compute_pflops: np.ndarray
    risk_model: np.ndarray
    risk_exact: np.ndarray
    cost_usd: np.ndarray
    pwl_max_rel_overstatement: float
    altitude_km: np.ndarray = field(repr=False)
    inclination: tuple[str, ...] = field(repr=False)
    records: tuple[SolveRecord, ...] = ()
    occupancy: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    class_capacity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64),
                                       repr=False)

    @classmethod
    def from_launches(
        cls,
        data: ModelData,
        launches: np.ndarray,
        pwl_breakpoints: np.ndarray,
        *,
        label: str = "",
        records: tuple[SolveRecord, ...] = (),
    ) -> Plan:
        """Evaluate integer launch counts.

        Parameters
        ----------
        data : ModelData
        launches : array (S, C, Y)
            Rounded to the nearest integer (solver values within 1e-6 of one).
        pwl_breakpoints : array (S, K + 1) [satellites]
            The model's chord breakpoints, for ``risk_model``.
        """
        x = np.rint(np.asarray(launches, dtype=float)).astype(np.int64)
        x = np.maximum(x, 0)
        active = active_from_launches(x, data.life_years)
        n = active.sum(axis=1)  # (S, Y)
        compute = np.einsum("sc,scy->y", data.compute_pflops, active)
        background = np.einsum("sc,scy->y", data.risk_per_sat_year, active)
        exact = background + (data.intra_k[:, None] * n.astype(float) ** 2).sum(axis=0)
        model = background + (data.intra_k[:, None] * pwl.interpolant(n, pwl_breakpoints)).sum(
            axis=0
        )
        flights = min_flights(data, x)
        cost = data.launch_cost_usd * flights.sum(axis=0) + np.einsum(
            "sc,scy->y", data.cost_usd, x
        )
        return cls(
            label=label,
            shell_keys=data.shell_keys,
            class_names=data.class_names,
            years=data.years,
            launches=x,
            flights=flights,
            active=active,
            compute_pflops=compute,
            risk_model=model,
            risk_exact=exact,
            cost_usd=cost,
            pwl_max_rel_overstatement=pwl.max_relative_overstatement(pwl_breakpoints),
            altitude_km=data.altitude_km.copy(),
            inclination=tuple(sh.inclination for sh in data.inputs.shells),
            records=tuple(records),
            occupancy=data.occupancy(active),
            class_capacity=data.class_capacity.copy(),
        )

    # ---- totals ---------------------------------------------------------------------------
    @property
    def total_compute_pflop_years(self) -> float:
        """Compute delivered over the horizon [PFLOP/s-yr]."""
        return float(self.compute_pflops.sum())

    @property
    def total_risk_model(self) -> float:
        """Risk over the horizon as the model counts it (chord over-estimate) [risk]."""
        return float(self.risk_model.sum())

    @property
    def total_risk_exact(self) -> float:
        """Risk over the horizon with the exact ``k N^2`` [risk]."""
        return float(self.risk_exact.sum())

    @property
    def total_cost_usd(self) -> float:
        """Launch and manufacturing cost over the horizon [USD]."""
        return float(self.cost_usd.sum())

    @property
    def ratio(self) -> float:
        """Compute per unit of (model) risk [PFLOP/s-yr / risk]; ``inf`` at zero risk."""
        r = self.total_risk_model
        return self.total_compute_pflop_years / r if r > 0 else math.inf

    @property
    def shells_used(self) -> tuple[str, ...]:
        """Keys of shells that hold a satellite in some year."""
        used = self.active.sum(axis=(1, 2)) > 0
        return tuple(k for k, u in zip(self.shell_keys, used, strict=True) if u)

    def totals(self) -> dict[str, Any]:
        """Horizon totals as plain data."""
        return {
            "compute_pflop_years": self.total_compute_pflop_years,
            "risk_model": self.total_risk_model,
            "risk_exact": self.total_risk_exact,
            "cost_usd": self.total_cost_usd,
            "compute_per_risk": self.ratio,
            "satellites_launched": int(self.launches.sum()),
            "flights": int(self.flights.sum()),
            "shells_used": list(self.shells_used),
            "pwl_max_rel_overstatement": self.pwl_max_rel_overstatement,
            "peak_slot_utilisation": (float(self.occupancy.max())
                                      if self.occupancy.size else 0.0),
        }

    def slot_rows(self) -> list[dict[str, Any]]:
        """Slot utilisation of each used shell: slots per class, peak satellites and occupancy.

        ``peak_utilisation`` is the largest ``sum_c N_scy / Cap_sc`` over the years (1 = full).
        """
        rows: list[dict[str, Any]] = []
        if not self.occupancy.size:
            return rows
        for s, key in enumerate(self.shell_keys):
            n = self.active[s].sum(axis=0)
            if n.max() == 0:
                continue
            t = int(np.argmax(self.occupancy[s]))
            rows.append({
                "shell": key,
                "altitude_km": float(self.altitude_km[s]),
                "inclination": self.inclination[s],
                "slots_by_class": {c: int(self.class_capacity[s, j])
                                   for j, c in enumerate(self.class_names)},
                "peak_satellites": int(n.max()),
                "peak_utilisation": float(self.occupancy[s, t]),
                "peak_year": int(self.years[t]),
            })
        return rows

    # ---- tables ---------------------------------------------------------------------------
    def schedule_rows(self) -> list[dict[str, Any]]:
        """One row per (year, shell, class) with launches or satellites in service."""
        rows = []
        for t, year in enumerate(self.years):
            for s, key in enumerate(self.shell_keys):
                for c, name in enumerate(self.class_names):
                    launched = int(self.launches[s, c, t])
                    active = int(self.active[s, c, t])
                    if launched == 0 and active == 0:
                        continue
                    rows.append({
                        "year": year,
                        "shell": key,
                        "altitude_km": float(self.altitude_km[s]),
                        "inclination": self.inclination[s],
                        "size_class": name,
                        "launched_sats": launched,
                        "active_sats": active,
                        "shell_flights": int(self.flights[s, t]),
                    })
        return rows

    def year_rows(self) -> list[dict[str, Any]]:
        """One row per year: launches, flights, satellites and compute in service, risk, cost."""
        return [
            {
                "year": year,
                "launched_sats": int(self.launches[:, :, t].sum()),
                "flights": int(self.flights[:, t].sum()),
                "active_sats": int(self.active[:, :, t].sum()),
                "compute_pflops": float(self.compute_pflops[t]),
                "risk_model": float(self.risk_model[t]),
                "risk_exact": float(self.risk_exact[t]),
                "cost_usd": float(self.cost_usd[t]),
            }
            for t, year in enumerate(self.years)
        ]

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (JSON-ready)."""
        return {
            "label": self.label,
            "totals": self.totals(),
            "years": self.year_rows(),
            "schedule": self.schedule_rows(),
            "slots": self.slot_rows(),
            "records": [r.as_dict() for r in self.records],
        }

    def to_json(self, path: str | Path) -> Path:
        """Write :meth:`to_dict` as JSON (atomically); returns the path."""
        p = Path(path)
        atomic_write_text(p, json.dumps(self.to_dict(), indent=2, default=_json_default))
        return p

    def to_csv(self, directory: str | Path, prefix: str = "plan") -> list[Path]:
        """Write ``<prefix>_schedule.csv`` and ``<prefix>_years.csv`` (atomically)."""
        d = Path(directory)
        out = [d / f"{prefix}_schedule.csv", d / f"{prefix}_years.csv"]
        write_csv(out[0], self.schedule_rows())
        write_csv(out[1], self.year_rows())
        return out


def _json_default(obj: object) -> object:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def launches_from_values(values: np.ndarray, shape: tuple[int, int, int]) -> tuple[np.ndarray,
                                                                                    float]:
    """Solver launch values -> integer array, and the largest distance from an integer."""
    v = np.asarray(values, dtype=float).reshape(shape)
    r = np.rint(v)
    worst = float(np.max(np.abs(v - r))) if v.size else 0.0
    return r.astype(np.int64), worst


__all__ = ["Plan", "active_from_launches", "min_flights", "launches_from_values", "_INT_TOL"]
