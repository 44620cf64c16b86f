"""Small types shared by the deployment MILP and the methods that drive it.

:class:`Weights` and :class:`Limits` say what one solve optimises and under which extra limits;
:class:`Solution` is what it returns; :class:`Shortfall` is one violated constraint family of a
diagnosis. They live here, below the model, the methods and the diagnosis, so those modules
import them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from orbitdc.deploy.plan import Plan
    from orbitdc.deploy.solve import SolveRecord


@dataclass(frozen=True)
class Weights:
    """Objective weights on the scaled compute, risk, cost and elastic-slack terms.

    The model maximises ``compute C - risk R - cost K - elastic E`` (each term in the model's
    scaled units, see ``design/deployment_model.md`` section 6).
    """

    compute: float = 0.0
    risk: float = 0.0
    cost: float = 0.0
    elastic: float = 0.0


@dataclass(frozen=True)
class Limits:
    """Constraints a method sets on top of the inputs (natural units; ``None`` = off).

    ``compute_target_pflops`` / ``target_year`` replace the inputs' target; ``risk_cap`` and
    ``cost_cap_usd`` tighten the inputs' risk cap and total budget; ``compute_min_pflop_years``
    is a floor on total compute (lexicographic second stages).
    """

    compute_target_pflops: float | None = None
    target_year: int | None = None
    risk_cap: float | None = None
    cost_cap_usd: float | None = None
    compute_min_pflop_years: float | None = None


def tightest(*caps: float | None) -> float | None:
    """The smallest of the caps that are set, or ``None`` if none is."""
    given = [c for c in caps if c is not None]
    return min(given) if given else None


@dataclass(frozen=True)
class Solution:
    """One solve: its record, the plan (if any), the solver's own risk and the elastic slacks.

    Attributes
    ----------
    record : SolveRecord
    plan : Plan or None
    solver_intra_risk : array (S, Y) or None [risk / yr]
        The intra-shell risk the MILP charged, ``k capacity z``; at a solve that minimises
        risk this is the chord interpolant of ``k N^2``.
    slacks : dict family -> array
        Elastic slacks as fractions of the bound they relax (only in a diagnosis).
    columns : array or None
        Every column of the HiGHS model at the solution, in the hand-over's column order
        (:meth:`orbitdc.deploy.milp.DeploymentMilp.load_solution` maps them back to the
        Pyomo model's variables).
    """

    record: SolveRecord
    plan: Plan | None
    solver_intra_risk: np.ndarray | None
    slacks: dict[str, np.ndarray]
    columns: np.ndarray | None = None


@dataclass(frozen=True)
class Shortfall:
    """One constraint family the closest plan violates.

    Attributes
    ----------
    family : str
        One of :data:`orbitdc.deploy.families.FAMILIES`.
    amount : float
        Largest violation in ``units`` (per year or per shell where that applies).
    units : str
    where : tuple of str
        Years or shells where the family is violated.
    text : str
        One clause for the message.
    """

    family: str
    amount: float
    units: str
    where: tuple[str, ...]
    text: str
