"""The public entry point: :class:`DeploymentModel`, the MILP with its methods.

Each method has one entry point here, with the same parameters as the function that implements
it (:mod:`orbitdc.deploy.objectives`, :mod:`orbitdc.deploy.diagnose`); the MILP itself (build,
update, one solve) is :class:`orbitdc.deploy.milp.DeploymentMilp`. See
``design/deployment_model.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

from orbitdc.deploy import diagnose, objectives
from orbitdc.deploy.diagnose import Diagnosis
from orbitdc.deploy.milp import DeploymentMilp
from orbitdc.deploy.objectives import ParetoFront, RatioResult
from orbitdc.deploy.plan import Plan
from orbitdc.deploy.types import Limits


class DeploymentModel(DeploymentMilp):
    """Where to put how many satellites of which size, and when, for the most compute per risk.

    Parameters
    ----------
    inputs : DeploymentInputs
        Coefficients (see :mod:`orbitdc.deploy.inputs`).
    solver_options : SolverOptions, optional
    pwl_rel_error : float [-]
        Target relative over-statement of the intra-shell ``k N^2`` term; fixes the number of
        chord segments at build time from the largest shell capacity.
    pwl_segments : int, optional
        Fix the number of chord segments instead.

    Notes
    -----
    ``update(inputs)`` with the same structure re-uses the HiGHS instance; a different
    structure (shells, classes, years, design lives, or a capacity beyond what the chord
    segments cover) rebuilds it.
    """

    def maximize_ratio(self, *, max_iterations: int = 30) -> RatioResult:
        """Most compute per unit risk (Dinkelbach); needs ``compute_target_pflops``.

        See :func:`orbitdc.deploy.objectives.maximize_ratio`.
        """
        return objectives.maximize_ratio(self, max_iterations=max_iterations)

    def maximize_compute(self, risk_cap: float | None = None) -> Plan:
        """Most compute over the horizon, then the least risk at that compute.

        See :func:`orbitdc.deploy.objectives.maximize_compute`.
        """
        return objectives.maximize_compute(self, risk_cap)

    def pareto(self, points: int, with_cost: bool = False, *, cost_points: int | None = None,
               method: str = "augmecon") -> ParetoFront:
        """Compute-vs-risk front by the epsilon-constraint method (optionally x cost caps).

        See :func:`orbitdc.deploy.objectives.pareto`.
        """
        return objectives.pareto(self, points, with_cost, cost_points=cost_points,
                                 method=method)

    def min_cost(self, compute_target: float | None = None,
                 risk_cap: float | None = None) -> Plan:
        """Least launch + manufacturing cost that meets a compute target under a risk cap.

        See :func:`orbitdc.deploy.objectives.min_cost`.
        """
        return objectives.min_cost(self, compute_target, risk_cap)

    def diagnose_infeasibility(self, limits: Limits | None = None,
                               weights: Mapping[str, float] | None = None, *,
                               per_family: bool = False) -> Diagnosis:
        """Which constraint families block the study, and by how much.

        See :func:`orbitdc.deploy.diagnose.diagnose`.
        """
        return diagnose.diagnose(self, limits, weights, per_family=per_family)
