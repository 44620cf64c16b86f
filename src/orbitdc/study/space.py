"""The search space: turn a study's ``[search.params]`` into Optuna suggestions.

Each trial draws one value per declared parameter and becomes a :class:`TrialChoices`: a
:class:`~orbitdc.study.coefficients.DesignPoint` for the physics, plus the shell geometry
(planes, phasing) and the inclination family the evaluator and the deployment model use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import optuna

from orbitdc.spec.schema import POWER_PREFIX, SEARCH_PARAMETERS, SearchParam, StudySpec
from orbitdc.study.coefficients import DesignPoint


@dataclass(frozen=True)
class TrialChoices:
    """Everything one trial decided.

    Attributes
    ----------
    point : DesignPoint
        Physics overrides (radiator temperature, class powers, technologies, threshold,
        inclination family, guaranteed separation...).
    planes : int or None
        Orbital planes of every candidate shell's Walker pattern.
    phasing_fraction : float or None
        Walker phasing ``F = round(fraction x P)``.
    params : dict
        The raw values, as Optuna stored them.
    """

    point: DesignPoint
    planes: int | None = None
    phasing_fraction: float | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _suggest(trial: optuna.trial.BaseTrial, name: str, param: SearchParam) -> Any:
    if param.choices is not None:
        return trial.suggest_categorical(name, list(param.choices))
    assert param.low is not None and param.high is not None
    kind = "float" if name.startswith(POWER_PREFIX) else SEARCH_PARAMETERS[name][0]
    if kind == "int":
        step = int(param.step) if param.step else 1
        return trial.suggest_int(name, int(param.low), int(param.high), step=step, log=param.log)
    return trial.suggest_float(name, param.low, param.high, step=param.step, log=param.log)


def suggest(trial: optuna.trial.BaseTrial, spec: StudySpec) -> TrialChoices:
    """Draw every declared parameter for ``trial``."""
    values = {name: _suggest(trial, name, p) for name, p in spec.search.params.items()}
    powers = {k[len(POWER_PREFIX):]: float(v) for k, v in values.items()
              if k.startswith(POWER_PREFIX)}
    life = values.get("design_life_years")
    point = DesignPoint(
        radiator_temp_k=values.get("radiator_temp_k"),
        class_power_kw=powers or None,
        solar_array=values.get("solar_array"),
        radiator=values.get("radiator"),
        accelerator=values.get("accelerator"),
        pc_threshold=values.get("pc_threshold"),
        design_life_years=float(life) if life is not None else None,
        eclipse_load_fraction=values.get("eclipse_load_fraction"),
        inclination=None if values.get("inclination") is None else str(values["inclination"]),
        guaranteed_separation_km=values.get("guaranteed_separation_km"),
    )
    return TrialChoices(
        point=point,
        planes=values.get("planes"),
        phasing_fraction=values.get("phasing_fraction"),
        params=values,
    )
