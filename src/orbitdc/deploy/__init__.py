"""Deployment optimisation: where, how many, which size and when (Pyomo MILP on HiGHS).

Entry point: :class:`DeploymentModel` built from
:class:`~orbitdc.deploy.inputs.DeploymentInputs`; its methods return :class:`Plan` objects
(with the :class:`SolveRecord` of every solve behind them), a :class:`RatioResult`, a
:class:`ParetoFront` or a :class:`Diagnosis`. An infeasible study raises
:class:`DeploymentInfeasible` naming the blocking constraint families.
"""

from orbitdc.deploy.diagnose import DeploymentInfeasible, Diagnosis, Shortfall
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
)
from orbitdc.deploy.model import FAMILIES, DeploymentModel, Limits, Solution, Weights
from orbitdc.deploy.objectives import DinkelbachStep, ParetoFront, ParetoPoint, RatioResult
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import DeploymentSolveError, SolveRecord, SolverOptions

__all__ = [
    "FAMILIES",
    "DeploymentInfeasible",
    "DeploymentInputs",
    "DeploymentModel",
    "DeploymentSolveError",
    "Diagnosis",
    "DinkelbachStep",
    "Limits",
    "ParetoFront",
    "ParetoPoint",
    "Plan",
    "RatioResult",
    "SatelliteCoefficients",
    "ShellOption",
    "SizeClassOption",
    "Shortfall",
    "Solution",
    "SolveRecord",
    "SolverOptions",
    "Weights",
]
