"""Risk settings from a study file."""

from __future__ import annotations

from orbitdc.risk.model import RiskSettings
from orbitdc.spec.load import LoadedStudy


def study_risk_settings(loaded: LoadedStudy) -> RiskSettings:
    """The :class:`RiskSettings` a study asks for (catalog defaults where it is silent)."""
    r = loaded.spec.risk
    return RiskSettings.from_catalogs(
        loaded.models_dir,
        activity=r.activity,
        atmosphere=r.atmosphere,
        population=r.population,
        pc_threshold=r.pc_threshold,
        coordinated=r.coordinated,
        min_separation_km=r.guaranteed_separation_km,
        shell_thickness_km=r.shell_thickness_km,
        accumulation_years=float(loaded.spec.deployment.horizon_years),
    )
