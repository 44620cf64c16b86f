"""Solver options, one typed record per solve, and the HiGHS call.

Every MILP solve leaves a :class:`SolveRecord` (termination, solution status, incumbent, bound,
gap, build / transfer / solve times, solver version and options), in the manner of linopy's
``Status`` and ``SolverReport``. A solve that stops on its time limit with an incumbent is a
result like any other; only "no solution at all" becomes an exception, raised by the caller.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from orbitdc.errors import InputError, OrbitdcError, require_range

#: HiGHS keeps one thread scheduler per process; its size is fixed by the first solve and a
#: later solve asking for a different count fails unless the scheduler is reset first.
_scheduler_threads: int | None = None


@dataclass(frozen=True)
class SolverOptions:
    """How to run HiGHS.

    Attributes
    ----------
    time_limit_s : float or None [s]
        Wall-clock limit of each MILP solve (a method that solves several MILPs applies it to
        each). ``None``: no limit.
    mip_rel_gap : float [-]
        Relative gap at which a MILP stops, ``|bound - incumbent| / |incumbent|``. The default
        0.5 % is the project's benchmark target; use ~1e-9 for exact answers on small cases.
    mip_abs_gap : float or None
        Absolute gap in the objective's natural units (the model rescales it). ``None``:
        HiGHS's default.
    threads : int or None
        HiGHS worker threads; ``None`` lets HiGHS choose (all cores).
    seed : int
        HiGHS ``random_seed``: with the same seed and threads, a solve is reproducible.
    highs_options : mapping
        Further HiGHS options by name (e.g. ``{"presolve": "off"}``), passed through unchecked.
    lp_support_start : bool
        Start each MILP from the best plan that launches only where its LP relaxation does
        (:func:`lp_support_start`): a near-optimal incumbent before HiGHS's root cut loop,
        which otherwise finds none within 0.5 % for tens of seconds on large studies. It
        changes the search path, so the answer of a solve may differ within its gap.
    """

    time_limit_s: float | None = None
    mip_rel_gap: float = 5e-3
    mip_abs_gap: float | None = None
    threads: int | None = None
    seed: int = 0
    highs_options: Mapping[str, bool | int | float | str] = field(default_factory=dict)
    lp_support_start: bool = True

    def __post_init__(self) -> None:
        if self.time_limit_s is not None:
            require_range("time_limit_s", self.time_limit_s, gt=0.0)
        require_range("mip_rel_gap", self.mip_rel_gap, ge=0.0, lt=1.0)
        if self.mip_abs_gap is not None:
            require_range("mip_abs_gap", self.mip_abs_gap, ge=0.0)
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise InputError("threads", self.threads, "must be a whole number >= 1 or None")
        if not isinstance(self.seed, int) or not 0 <= self.seed <= 2**31 - 1:
            raise InputError("seed", self.seed, "must be a whole number in 0..2147483647")

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form, for records and JSON."""
        d = asdict(self)
        d["highs_options"] = dict(self.highs_options)
        return d


@dataclass(frozen=True)
class SolveRecord:
    """What happened in one MILP solve.

    Attributes
    ----------
    label : str
        Which solve (``"dinkelbach[2]"``, ``"pareto risk<=0.031"``, ``"min_cost"``).
    objective : str
        The objective in words, with its sense.
    objective_units : str
    termination : str
        Pyomo ``TerminationCondition`` name (``convergenceCriteriaSatisfied``,
        ``maxTimeLimit``, ``provenInfeasible``, ...).
    solution_status : str
        Pyomo ``SolutionStatus`` name (``optimal``, ``feasible``, ``noSolution``).
    incumbent, bound : float or None
        Objective of the best solution and the solver's bound, in ``objective_units``.
    gap : float or None [-]
        ``|bound - incumbent| / max(|incumbent|, 1e-12)``.
    build_s : float [s]
        Pyomo model construction charged to this solve (non-zero on the first solve after a
        build or rebuild).
    transfer_s : float [s]
        Pyomo -> HiGHS: building the HiGHS model, or pushing changed parameters on a re-solve.
    solve_s : float [s]
        HiGHS run time, the start heuristic included.
    wall_s : float [s]
        The whole solve call including the transfer and reading the solution back.
    solver : str
        ``"highs 1.x.y"``.
    options : dict
        :class:`SolverOptions` as used (after per-method adjustments such as the absolute gap).
    nodes : int or None
        Branch-and-bound nodes.
    start_s : float [s]
        Of ``solve_s``, the LP-support start (:func:`lp_support_start`); 0 when not used.
    start_incumbent : float or None
        The start's objective in ``objective_units`` (``None``: no start found or not used).
    """

    label: str
    objective: str
    objective_units: str
    termination: str
    solution_status: str
    incumbent: float | None
    bound: float | None
    gap: float | None
    build_s: float
    transfer_s: float
    solve_s: float
    wall_s: float
    solver: str
    options: dict[str, Any]
    nodes: int | None = None
    start_s: float = 0.0
    start_incumbent: float | None = None

    @property
    def has_solution(self) -> bool:
        """A feasible incumbent exists (optimal, or stopped on a limit with a solution)."""
        return self.solution_status in ("optimal", "feasible")

    @property
    def optimal(self) -> bool:
        """The solver met its gap (``convergenceCriteriaSatisfied``)."""
        return self.termination == "convergenceCriteriaSatisfied"

    @property
    def infeasible(self) -> bool:
        """The solver proved there is no feasible plan."""
        return self.termination in ("provenInfeasible", "infeasibleOrUnbounded")

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form, for JSON."""
        return asdict(self)


class DeploymentSolveError(OrbitdcError):
    """A solve ended without any feasible plan for a reason other than infeasibility."""

    def __init__(self, record: SolveRecord):
        self.record = record
        limit = record.options.get("time_limit_s")
        hint = (f"; raise time_limit_s (now {limit:g} s)"
                if record.termination == "maxTimeLimit" and limit else "")
        super().__init__(
            f"{record.label}: HiGHS stopped with {record.termination} and no feasible plan{hint}"
        )


@dataclass(frozen=True)
class ObjectiveSpec:
    """How to read the internal (always maximised, scaled) objective in natural units.

    natural = ``sign * scale * internal``; ``sign`` is -1 for a minimisation.
    """

    text: str
    units: str
    sense: str  # "maximize" | "minimize"
    scale: float

    def natural(self, internal: float | None) -> float | None:
        """Convert an internal objective value to natural units (``None`` stays ``None``)."""
        if internal is None or not math.isfinite(internal):
            return None
        sign = 1.0 if self.sense == "maximize" else -1.0
        return sign * self.scale * internal


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Send whatever C code prints to stdout/stderr (HiGHS warnings) to the null device.

    A plain file-descriptor redirect, no reader thread: Pyomo's ``capture_output`` reads the
    redirected output on a Python thread, and a burst of HiGHS warnings from a call that holds
    the GIL (``changeCoeff``) fills the pipe and deadlocks against that thread.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        _LIBC_FFLUSH()  # buffered C output goes to the null device, not the restored stdout
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def _libc_fflush() -> Any:
    """``fflush(NULL)`` of the C library, or a no-op where none can be loaded."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:  # pragma: no cover - no C library to load
        return lambda: None
    return lambda: libc.fflush(None)


_LIBC_FFLUSH = _libc_fflush()


@functools.cache
def _highs_default(name: str) -> Any:
    """HiGHS's default value of an option (from a fresh instance)."""
    import highspy

    with quiet():  # no banner on stdout
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        status, value = h.getOptionValue(name)
    if status != highspy.HighsStatus.kOk:
        raise InputError("highs_options", name, "must name a HiGHS option")
    return value


def highs_version() -> str:
    """``"highs X.Y.Z"`` of the installed highspy."""
    import highspy

    try:
        v = (highspy.HIGHS_VERSION_MAJOR, highspy.HIGHS_VERSION_MINOR,
             highspy.HIGHS_VERSION_PATCH)
    except AttributeError:  # older highspy
        h = highspy.Highs()
        v = (h.versionMajor(), h.versionMinor(), h.versionPatch())
    return "highs " + ".".join(str(x) for x in v)


#: Pyomo's names for HiGHS's model status (``pyomo.contrib.solver.solvers.highs``), which the
#: records kept when orbitdc solved through Pyomo's interface.
_TERMINATION = {
    "kNotset": "unknown", "kLoadError": "error", "kModelError": "error",
    "kPresolveError": "error", "kSolveError": "error", "kPostsolveError": "error",
    "kModelEmpty": "unknown", "kOptimal": "convergenceCriteriaSatisfied",
    "kInfeasible": "provenInfeasible", "kUnboundedOrInfeasible": "infeasibleOrUnbounded",
    "kUnbounded": "unbounded", "kObjectiveBound": "objectiveLimit",
    "kObjectiveTarget": "objectiveLimit", "kTimeLimit": "maxTimeLimit",
    "kIterationLimit": "iterationLimit", "kSolutionLimit": "iterationLimit",
    "kUnknown": "unknown",
}


@dataclass
class HighsInstance:
    """One persistent HiGHS model and the pass-through options an earlier solve set on it."""

    highs: Any
    pass_through: set[str] = field(default_factory=set)

    @classmethod
    def new(cls) -> HighsInstance:
        """A fresh, silent HiGHS instance."""
        import highspy

        with quiet():  # no banner on stdout
            return cls(highspy.Highs())


def run_highs(
    instance: HighsInstance,
    options: SolverOptions,
    *,
    label: str,
    spec: ObjectiveSpec,
    abs_gap_internal: float | None = None,
    build_s: float = 0.0,
    transfer_s: float = 0.0,
    start_columns: Any = None,
) -> tuple[SolveRecord, Any]:
    """Solve the model loaded in ``instance`` and record what happened.

    Parameters
    ----------
    instance : HighsInstance
        The persistent HiGHS model (built once per structure; methods change only bounds,
        costs and a few rows between solves).
    options : SolverOptions
    label : str
    spec : ObjectiveSpec
    abs_gap_internal : float, optional
        Absolute gap in the internal (scaled) objective units; overrides ``options``.
    build_s : float [s]
        Model construction time to charge to this record.
    transfer_s : float [s]
        Time spent handing this solve's model or changes to HiGHS.
    start_columns : numpy.ndarray of int, optional
        The integer columns whose LP-relaxation support the start sub-MIP keeps
        (:func:`lp_support_start`; the launches); ``None``: no start.

    Returns
    -------
    (SolveRecord, numpy.ndarray or None)
        The record and, if HiGHS has a feasible solution, the value of every column.
    """
    global _scheduler_threads
    import highspy

    highs = instance.highs
    threads = options.threads or 0
    if _scheduler_threads is not None and _scheduler_threads != threads:
        highspy.Highs.resetThreadScheduler(True)
    _scheduler_threads = threads

    abs_gap = abs_gap_internal
    if abs_gap is None and options.mip_abs_gap is not None:
        abs_gap = options.mip_abs_gap / spec.scale
    # HiGHS keeps an option until it is set again: so every solve sets all of them, defaults
    # included, and puts back the defaults of pass-through options an earlier solve set.
    highs_opts: dict[str, Any] = {
        "log_to_console": True,
        "threads": threads,
        "mip_rel_gap": options.mip_rel_gap,
        "random_seed": options.seed,
        "time_limit": math.inf if options.time_limit_s is None else options.time_limit_s,
        "mip_abs_gap": _highs_default("mip_abs_gap") if abs_gap is None else abs_gap,
    }
    for key in instance.pass_through - set(options.highs_options):
        highs_opts[key] = _highs_default(key)
    highs_opts.update(options.highs_options)
    instance.pass_through = set(options.highs_options)

    tick = time.perf_counter()
    with quiet():
        for key, value in highs_opts.items():
            highs.setOptionValue(key, value)
        run_tick = time.perf_counter()
        start_s, start_value = 0.0, None
        if start_columns is not None and options.lp_support_start:
            start_value = lp_support_start(highs, np.asarray(start_columns, dtype=np.int32),
                                           options.time_limit_s)
            start_s = time.perf_counter() - run_tick
            if options.time_limit_s is not None:  # the start counts against the solve's limit
                highs.setOptionValue("time_limit", max(options.time_limit_s - start_s,
                                                     min(options.time_limit_s, 1e-3)))
        highs.run()
        highs_s = time.perf_counter() - run_tick
    status = highs.getModelStatus()
    info = highs.getInfo()
    has = info.primal_solution_status == 2
    termination = _TERMINATION.get(status.name, "unknown")
    if status == highspy.HighsModelStatus.kOptimal:
        solution_status = "optimal"
    elif has:
        solution_status = "feasible"
    else:
        solution_status = "noSolution"
    incumbent = info.objective_function_value if has else None
    if info.mip_node_count == -1:
        bound = incumbent if has and termination == "convergenceCriteriaSatisfied" else None
    else:
        bound = info.mip_dual_bound
    columns = np.asarray(highs.getSolution().col_value, dtype=float) if has else None
    wall = time.perf_counter() - tick

    inc = spec.natural(incumbent) if has else None
    bnd = spec.natural(bound)
    gap = None
    if inc is not None and bnd is not None:
        gap = abs(bnd - inc) / max(abs(inc), 1e-12)
    used = options.as_dict()
    if abs_gap is not None:
        used["mip_abs_gap"] = abs_gap * spec.scale
    record = SolveRecord(
        label=label,
        objective=f"{spec.sense} {spec.text}",
        objective_units=spec.units,
        termination=termination,
        solution_status=solution_status,
        incumbent=inc,
        bound=bnd,
        gap=gap,
        build_s=build_s,
        transfer_s=transfer_s,
        solve_s=highs_s,
        wall_s=wall,
        solver=highs_version(),
        options=used,
        nodes=int(info.mip_node_count) if info.valid else None,
        start_s=start_s,
        start_incumbent=None if start_value is None else spec.natural(start_value),
    )
    return record, columns


#: Longest the start sub-MIP may run [s] (and at most this share of a solve's time limit).
START_TIME_LIMIT_S = 10.0
START_TIME_SHARE = 0.2


def lp_support_start(highs: Any, columns: np.ndarray, time_limit_s: float | None) -> float | None:
    """Hand HiGHS a MIP start: the best plan within the LP relaxation's support.

    Solve the LP relaxation ``x*``; then the MILP with every column ``j`` of ``columns``
    restricted to ``0 <= x_j <= ceil(x*_j)`` (launch nowhere the relaxation does not, and no
    more than it rounds up to; all other columns free), a small MILP that presolve cuts to the
    relaxation's few dozen (shell, class, year) triples; its solution becomes HiGHS's start
    (``setSolution``) for the full MILP, and the bounds are put back. This is RENS (Berthold
    2014, "RENS: the optimal rounding", Math. Prog. Comp. 6) with the rounding window widened
    down to zero, which keeps the launches' knapsacks (budgets, flights, capacity) feasible.

    Parameters
    ----------
    highs : highspy.Highs
        The loaded model, options set.
    columns : numpy.ndarray of int
        The columns to restrict (the launches).
    time_limit_s : float or None [s]
        The solve's limit; the sub-MIP takes at most :data:`START_TIME_SHARE` of it and
        :data:`START_TIME_LIMIT_S`.

    Returns
    -------
    float or None
        The start's objective in HiGHS's (internal) units, or ``None`` when the relaxation or
        the restricted MILP found nothing (the full solve then starts without it).
    """
    import highspy

    lp = highs.getLp()
    if not any(int(v) for v in lp.integrality_) or len(columns) == 0:
        return None
    _, limit = highs.getOptionValue("time_limit")
    try:
        highs.setOptionValue("solve_relaxation", True)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        relaxed = np.asarray(highs.getSolution().col_value, dtype=float)[columns]
    finally:
        highs.setOptionValue("solve_relaxation", False)
    lower = np.asarray(lp.col_lower_, dtype=float)[columns]
    upper = np.asarray(lp.col_upper_, dtype=float)[columns]
    window = np.maximum(np.minimum(upper, np.ceil(relaxed - 1e-6)), lower)
    sub_limit = START_TIME_LIMIT_S
    if time_limit_s is not None:
        sub_limit = min(sub_limit, START_TIME_SHARE * time_limit_s)
    start = value = None
    highs.changeColsBounds(len(columns), columns, lower, window)
    try:
        highs.setOptionValue("time_limit", sub_limit)
        highs.run()
        if highs.getInfo().primal_solution_status == 2:
            start = highs.getSolution()
            value = float(highs.getInfo().objective_function_value)
    finally:
        highs.changeColsBounds(len(columns), columns, lower, upper)
        highs.setOptionValue("time_limit", limit)
    if start is not None:
        highs.setSolution(start)
    return value
