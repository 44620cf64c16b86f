"""Fit an operator's encounter model to its published maneuver counts.

The encounter-plane error behind an operator's decisions is not published; its maneuver counts
are. For observations ``(threshold Pc*_j, maneuvers per satellite-year m_j)`` of a satellite with
decision radius ``R`` crossing a tracked density ``n`` at mean speed ``v``, the model predicts
``n v <pi d*(Pc*_j; sigma, R)^2>`` (:mod:`orbitdc.risk.maneuvers`), and the median ``sigma`` and
log spread of the operator's :class:`~orbitdc.risk.maneuvers.EncounterModel` are chosen to
minimise ``sum_j ln(predicted_j / m_j)^2`` (relative errors, as counts span an order of
magnitude). With one observation only the median is fitted (spread 0).

An operator may also publish the share of the collision risk its threshold removes (ESA: a
threshold of 1e-4 "for 90 % risk reduction at a cost of 1-3 manoeuvres per year", Funke et al.
2018). For that observation the model predicts the accepted share
``<int_{d*}^inf Pc(d; sigma, R) 2 pi d dd> / (pi R^2)`` on the decision sphere (what ESA's
ARES tool integrates), and the loss adds ``ln(predicted / observed accepted share)^2``. A
maneuver count and a risk reduction at one threshold fix both the median and the spread.

The observations used for the catalogued operators, with their sources, are in
``models/operations.csv`` and tests/test_risk_model.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from orbitdc.errors import require_range
from orbitdc.risk.maneuvers import EncounterModel, maneuvers_per_year, residual_area_km2

#: Largest log spread the fit explores (the :class:`EncounterModel` limit).
MAX_SPREAD = 3.0


@dataclass(frozen=True)
class ManeuverObservation:
    """A published maneuver rate and the conditions it was observed in.

    Attributes
    ----------
    pc_threshold : float [-]
    maneuvers_per_sat_year : float [1/(sat yr)]
    density_per_km3 : float [1/km^3]
        Tracked objects the operator screens against, at its altitude.
    relative_velocity_km_s : float [km/s]
    hbr_km : float [km]
        Combined decision radius (satellite hard-body sphere plus the background object's).
    """

    pc_threshold: float
    maneuvers_per_sat_year: float
    density_per_km3: float
    relative_velocity_km_s: float
    hbr_km: float

    def predicted(self, model: EncounterModel) -> float:
        """The model's maneuvers per satellite-year for these conditions."""
        return maneuvers_per_year(self.density_per_km3, self.relative_velocity_km_s, model,
                                  self.hbr_km, self.pc_threshold)

    def log_error(self, model: EncounterModel) -> float:
        """``ln(predicted / observed)`` maneuver rate."""
        return math.log(max(self.predicted(model), 1e-12) / self.maneuvers_per_sat_year)


@dataclass(frozen=True)
class RiskReductionObservation:
    """A published share of the collision risk removed by an operator's maneuver threshold.

    Attributes
    ----------
    pc_threshold : float [-]
    risk_reduction : float [-]
        Share of the accumulated collision probability avoided, in (0, 1).
    hbr_km : float [km]
        Combined decision radius.
    """

    pc_threshold: float
    risk_reduction: float
    hbr_km: float

    def __post_init__(self) -> None:
        require_range("risk_reduction", self.risk_reduction, gt=0.0, lt=1.0)

    def predicted(self, model: EncounterModel) -> float:
        """The model's share of the collision risk removed at the threshold."""
        accepted = residual_area_km2(model, self.hbr_km, self.pc_threshold) / (
            math.pi * self.hbr_km**2)
        return 1.0 - accepted

    def log_error(self, model: EncounterModel) -> float:
        """``ln(predicted / observed)`` accepted share ``1 - reduction`` (its relative error)."""
        accepted = max(1.0 - self.predicted(model), 1e-12)
        return math.log(accepted / (1.0 - self.risk_reduction))


Observation = ManeuverObservation | RiskReductionObservation


def fit_encounter_model(
    name: str,
    observations: Sequence[Observation],
    *,
    fit_spread: bool | None = None,
    sigma_starts_km: Sequence[float] = (0.05, 0.1, 0.2, 0.4, 0.8),
) -> EncounterModel:
    """The encounter model that best reproduces the observations (least squares in log).

    ``fit_spread`` defaults to ``True`` with two or more distinct observations (maneuver rates
    at different thresholds, or a rate and a risk reduction).
    The maneuver rate rises with ``sigma`` and then falls (probability dilution), so one rate
    has two solutions; ``sigma_starts_km`` selects the branch (the best of the local fits from
    these starting medians wins).
    """
    require_range("observations", len(observations), ge=1)
    kinds = {(type(o).__name__, o.pc_threshold) for o in observations}
    spread = len(kinds) > 1 if fit_spread is None else fit_spread

    def loss(x: np.ndarray) -> float:
        model = EncounterModel(name, math.exp(x[0]), min(abs(x[1]), MAX_SPREAD) if spread
                               else 0.0)
        return float(sum(o.log_error(model) ** 2 for o in observations))

    best: optimize.OptimizeResult | None = None
    # the rate is not monotone in sigma (dilution): start from several medians
    for sigma0 in sigma_starts_km:
        for spread0 in ((0.3, 1.0, 2.0) if spread else (0.0,)):
            res = optimize.minimize(loss, np.array([math.log(sigma0), spread0]),
                                    method="Nelder-Mead",
                                    options={"xatol": 1e-4, "fatol": 1e-8, "maxiter": 400})
            if best is None or res.fun < best.fun:
                best = res
    assert best is not None
    return EncounterModel(name, float(math.exp(best.x[0])),
                          float(min(abs(best.x[1]), MAX_SPREAD)) if spread else 0.0)
