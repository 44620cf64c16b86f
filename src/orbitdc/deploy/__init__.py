"""Deployment optimisation: where, how many, which size and when (a MILP on HiGHS).

Entry point: :class:`DeploymentModel` built from
:class:`~orbitdc.deploy.inputs.DeploymentInputs`; its methods return :class:`Plan` objects
(with the :class:`SolveRecord` of every solve behind them), a :class:`RatioResult`, a
:class:`ParetoFront` or a :class:`Diagnosis`. An infeasible study raises
:class:`DeploymentInfeasible` naming the blocking constraint families (:data:`FAMILIES`).

The model is written in Pyomo (:mod:`orbitdc.deploy.formulation`) and handed to HiGHS as one
sparse matrix (:mod:`orbitdc.deploy.handover`); see ``design/deployment_model.md``.
"""

from orbitdc.deploy.diagnose import DeploymentInfeasible, Diagnosis
from orbitdc.deploy.families import FAMILIES
from orbitdc.deploy.inputs import (
    DeploymentInputs,
    SatelliteCoefficients,
    ShellOption,
    SizeClassOption,
    SustainabilityLimit,
)
from orbitdc.deploy.model import DeploymentModel
from orbitdc.deploy.objectives import DinkelbachStep, ParetoFront, ParetoPoint, RatioResult
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.solve import DeploymentSolveError, SolveRecord, SolverOptions
from orbitdc.deploy.types import Limits, Shortfall

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
    "SolveRecord",
    "SolverOptions",
    "SustainabilityLimit",
]
