"""The deployment MILP, built once per structure and re-solved persistently on HiGHS.

:class:`DeploymentMilp` owns the model of one structure (shells, classes, years, design lives,
chord segments): its numbers (:func:`~orbitdc.deploy.formulation.input_values`), the HiGHS
instance that holds it (:mod:`orbitdc.deploy.handover`), and on request the Pyomo model that
defines it (:mod:`orbitdc.deploy.formulation`). One objective with mutable weights,

    maximise  w_c C - w_r R - w_k K - w_e E,

(compute, risk, cost and weighted elastic slack, each scaled to order one and each held by a
few per-year aggregate variables) serves every method, so switching between Dinkelbach
iterations, epsilon-constraint points, minimum cost and the infeasibility diagnosis changes only
costs, the bounds of the method rows and the slacks' bounds. :meth:`DeploymentMilp.solve` is
the building block of :mod:`orbitdc.deploy.objectives` and :mod:`orbitdc.deploy.diagnose`;
:class:`orbitdc.deploy.model.DeploymentModel` adds the methods.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from orbitdc.deploy import formulation, pwl
from orbitdc.deploy.data import ModelData, Structure
from orbitdc.deploy.families import REGISTRY
from orbitdc.deploy.formulation import METHOD_ROWS, Sets, Values
from orbitdc.deploy.handover import VARIABLES, Handover
from orbitdc.deploy.inputs import DeploymentInputs
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import (
    HighsInstance,
    ObjectiveSpec,
    SolverOptions,
    quiet,
    run_highs,
)
from orbitdc.deploy.types import Limits, Solution, Weights
from orbitdc.errors import InputError

#: Default relative over-statement target of the chord approximation of k N^2.
DEFAULT_PWL_REL_ERROR = 0.05

_NO_METHOD = (Weights(), Limits(), (None, None), None)


class DeploymentMilp:
    """The deployment MILP of one study: build, update, solve.

    Its parameters are those of :class:`orbitdc.deploy.DeploymentModel`, which adds the
    methods; :mod:`orbitdc.deploy.objectives` and :mod:`orbitdc.deploy.diagnose` take this
    class so that they need not import the methods' entry points.
    """

    def __init__(
        self,
        inputs: DeploymentInputs,
        solver_options: SolverOptions | None = None,
        *,
        pwl_rel_error: float = DEFAULT_PWL_REL_ERROR,
        pwl_segments: int | None = None,
    ):
        self.options = solver_options or SolverOptions()
        self._pwl_rel_error = float(pwl_rel_error)
        pwl.geometric_ratio_for_error(self._pwl_rel_error)  # validates
        if pwl_segments is not None and not (
            isinstance(pwl_segments, int) and 1 <= pwl_segments <= pwl.MAX_SEGMENTS
        ):
            raise InputError("pwl_segments", pwl_segments, f"must be in 1..{pwl.MAX_SEGMENTS}")
        self._fixed_segments = pwl_segments
        self.build_s = 0.0
        self.transfer_s = 0.0
        self.builds = 0
        self._pending_s = 0.0  # transfer time not yet charged to a SolveRecord
        self._pending_build_s = 0.0
        self._pyomo: tuple[Structure, pyo.ConcreteModel] | None = None
        self.data = ModelData.from_inputs(inputs)
        self._segments = self._choose_segments(self.data)
        self._build()

    # ---- structure ---------------------------------------------------------------------------
    def _choose_segments(self, data: ModelData) -> int:
        if self._fixed_segments is not None:
            return int(self._fixed_segments)
        return pwl.segments_for_error(float(max(data.capacity_sats.max(), 1)),
                                      self._pwl_rel_error)

    @property
    def structure(self) -> Structure:
        """Index sets and shapes the built model depends on."""
        return self.data.structure(self._segments)

    @property
    def sets(self) -> Sets:
        """The model's labelled index sets."""
        return Sets.of(self.data, self._segments)

    @property
    def breakpoints(self) -> np.ndarray:
        """(S, K + 1) chord breakpoints in use [satellites]."""
        return self._breakpoints

    @property
    def pwl_max_rel_overstatement(self) -> float:
        """Worst relative over-statement of ``k N^2`` at any integer ``N`` the model allows."""
        return pwl.max_relative_overstatement(self._breakpoints)

    @property
    def highs(self) -> highspy.Highs:
        """The HiGHS instance holding the model (``model.highs.writeModel("m.mps")``)."""
        return self._highs.highs

    @property
    def size(self) -> tuple[int, int]:
        """Columns and rows of the model HiGHS holds."""
        return int(self.highs.getNumCol()), int(self.highs.getNumRow())

    def update(self, inputs: DeploymentInputs) -> bool:
        """Load new coefficients; rebuild only if the structure changed.

        Returns
        -------
        bool
            ``True`` if the model was rebuilt.
        """
        data = ModelData.from_inputs(inputs)
        old = self.structure
        self.data = data
        if self._fixed_segments is None:
            # Keep the segment count unless a capacity grew past what it covers at the target.
            self._segments = max(self._segments, self._choose_segments(data))
        if self.structure != old:
            self._build()
            return True
        assembly, transfer = self._pass_model()
        self._pending_s += assembly + transfer
        return False

    def _build(self) -> None:
        self._handover = Handover(self.sets, self.data.life_years)
        self._highs = HighsInstance.new()
        self.build_s, self.transfer_s = self._pass_model()
        self._pending_build_s = self.build_s
        self._pending_s = self.transfer_s
        self.builds += 1

    def _pass_model(self) -> tuple[float, float]:
        """Assemble the whole model and hand it to HiGHS (no method in force: slacks off).

        Returns
        -------
        (float, float) [s]
            Assembly time and hand-over (``passModel``) time.
        """
        tick = time.perf_counter()
        self._breakpoints = np.stack([pwl.breakpoints(int(c), self._segments)
                                      for c in self.data.capacity_sats])
        self._inputs = formulation.input_values(self.data, self._breakpoints)
        self._method = formulation.method_values(self.data, *_NO_METHOD)
        values = {**self._inputs, **self._method}
        ho = self._handover
        lp = ho.assemble(values)
        cost = ho.costs(values)
        self._method_rows = np.arange(ho.method_first_row, len(lp.row_lower), dtype=np.int32)
        self._x_cols = ho.columns("launches").ravel()
        self._z_cols = ho.columns("crowding").ravel()
        self._slack_on = {fam.name: False for fam in REGISTRY}
        assembled = time.perf_counter()
        with quiet():
            status = self._highs.highs.passModel(
                len(lp.col_lower), len(lp.row_lower), len(lp.value),
                int(highspy.MatrixFormat.kColwise), int(highspy.ObjSense.kMaximize), 0.0,
                cost, lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper,
                lp.start[:-1], lp.index, lp.value, lp.integer.astype(np.int32))
        if status == highspy.HighsStatus.kError:  # pragma: no cover - a malformed model
            raise RuntimeError("HiGHS rejected the deployment model")
        done = time.perf_counter()
        return assembled - tick, done - assembled

    # ---- the Pyomo model ---------------------------------------------------------------------
    def pyomo_model(self, weights: Weights | None = None, limits: Limits | None = None,
                    elastic: Mapping[str, float] | None = None) -> pyo.ConcreteModel:
        """The Pyomo model that defines the MILP, with the current inputs and a method's values.

        Built on first use (a large study has 45,000 rows) and kept for its structure.

        Parameters
        ----------
        weights, limits, elastic
            As for :meth:`solve`; without them, the values of the last solve.
        """
        structure = self.structure
        if self._pyomo is None or self._pyomo[0] != structure:
            self._pyomo = (structure, formulation.build_pyomo(self.sets, self.data.life_years))
        m = self._pyomo[1]
        method = self._method
        if weights is not None or limits is not None or elastic is not None:
            lim = limits or Limits()
            method = formulation.method_values(self.data, weights or Weights(), lim,
                                               self.target(lim), elastic)
        formulation.set_values(m, self.sets, {**self._inputs, **method})
        return m

    def load_solution(self, solution: Solution, model: pyo.ConcreteModel) -> None:
        """Set the variables of the Pyomo model ``model`` to the values of ``solution``."""
        if solution.columns is None:
            raise InputError("solution", solution.record.label, "must hold a feasible solution")
        sets = self.sets
        for var in VARIABLES:
            cols = self._handover.columns(var.name)
            axes = [getattr(sets, name) for name in var.index]
            component = getattr(model, var.name)
            for pos in np.ndindex(*cols.shape):
                label = tuple(axes[k][i] for k, i in enumerate(pos))
                idx = None if not label else (label[0] if len(label) == 1 else label)
                component[idx].set_value(float(solution.columns[cols[pos]]),
                                         skip_validation=True)

    def write_lp(self, path: str | Path, weights: Weights | None = None,
                 limits: Limits | None = None) -> Path:
        """Write the model as an LP file with symbolic (labelled) names; returns the path."""
        p = Path(path)
        self.pyomo_model(weights, limits).write(str(p), io_options={"symbolic_solver_labels":
                                                                    True})
        return p

    # ---- a method's values -------------------------------------------------------------------
    def target(self, limits: Limits | None = None) -> tuple[float | None, int | None]:
        """Compute target [PFLOP/s] and its year index in force (limits override inputs)."""
        lim = limits or Limits()
        if lim.compute_target_pflops is not None:
            year = lim.target_year
            if year is None:
                idx = self.data.target_index
                if idx is None:
                    idx = self.data.n_years - 1
            elif year in self.data.years:
                idx = self.data.years.index(year)
            else:
                raise InputError("target_year", year,
                                 f"must be in {self.data.years[0]}..{self.data.years[-1]}")
            return lim.compute_target_pflops, idx
        return self.data.compute_target_pflops, self.data.target_index

    def prepare(self, weights: Weights, limits: Limits | None = None,
                elastic: Mapping[str, float] | None = None) -> None:
        """Load one method's values into HiGHS without solving (:meth:`solve` starts so).

        Parameters
        ----------
        weights, limits, elastic
            As for :meth:`solve`.
        """
        lim = limits or Limits()
        self._push(formulation.method_values(self.data, weights, lim, self.target(lim), elastic))

    def _push(self, method: Values) -> None:
        """Send one method's values to HiGHS: method rows, slack bounds, objective.

        The method rows are deleted and added again (they are the model's last rows, so the
        order does not change), as Pyomo's interface did, so HiGHS starts each solve from the
        same state as before the hand-over was rewritten.
        """
        h, ho = self._highs.highs, self._handover
        values = {**self._inputs, **method}
        lower, upper, start, index, value = ho.method_rows(values)
        rebound = []
        for i, fam in enumerate(REGISTRY):
            on = bool(method["slack_max"][i] > 0)
            if on != self._slack_on[fam.name]:
                self._slack_on[fam.name] = on
                rebound.append(ho.slack_columns(fam.name))
        with quiet():
            h.deleteRows(len(self._method_rows), self._method_rows)
            h.addRows(len(lower), lower, upper, len(value), start, index, value)
            if rebound:
                cols = np.concatenate(rebound).astype(np.int32)
                col_lower, col_upper, integer = ho.column_bounds(values)
                h.changeColsBounds(len(cols), cols, col_lower[cols], col_upper[cols])
                h.changeColsIntegrality(len(cols), cols, integer[cols].astype(np.uint8))
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
            cost = ho.costs(values)
            h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
            h.changeObjectiveOffset(0.0)
        self._method = method

    # ---- solving -----------------------------------------------------------------------------
    def solve(
        self,
        *,
        label: str,
        weights: Weights,
        spec: ObjectiveSpec,
        limits: Limits | None = None,
        elastic: Mapping[str, float] | None = None,
        abs_gap: float | None = None,
        options: SolverOptions | None = None,
    ) -> Solution:
        """One MILP solve with the given objective weights and extra limits.

        Parameters
        ----------
        label : str
            Names the solve in its record.
        weights : Weights
        spec : ObjectiveSpec
            How to read the objective in natural units.
        limits : Limits, optional
        elastic : mapping family -> weight, optional
            Relax these families (a diagnosis); ``None`` relaxes none.
        abs_gap : float, optional
            Absolute gap in the natural units of ``spec``.
        options : SolverOptions, optional
            Instead of the model's.
        """
        tick = time.perf_counter()
        self.prepare(weights, limits, elastic)
        transfer = self._pending_s + time.perf_counter() - tick
        build = self._pending_build_s
        self._pending_s = self._pending_build_s = 0.0
        record, columns = run_highs(
            self._highs, options or self.options, label=label, spec=spec,
            abs_gap_internal=None if abs_gap is None else abs_gap / spec.scale,
            build_s=build, transfer_s=transfer, start_columns=self._x_cols.ravel(),
        )
        if columns is None:
            return Solution(record, None, None, {})
        d = self.data
        xv = columns[self._x_cols].reshape(d.n_shells, d.n_classes, d.n_years)
        plan = Plan.from_launches(d, xv, self._breakpoints, label=label, records=(record,))
        zv = columns[self._z_cols].reshape(d.n_shells, d.n_years)
        intra = (d.intra_k * d.capacity_sats)[:, None] * zv
        slacks: dict[str, np.ndarray] = {}
        if elastic is not None:
            for fam in REGISTRY:
                slacks[fam.name] = columns[self._handover.slack_columns(fam.name)]
        return Solution(record, plan, intra, slacks, columns)

    def with_options(self, **changes: Any) -> SolverOptions:
        """Return a copy of the solver options with some fields changed."""
        return replace(self.options, **changes)


__all__ = ["DEFAULT_PWL_REL_ERROR", "METHOD_ROWS", "DeploymentMilp"]
