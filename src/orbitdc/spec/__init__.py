"""Study specifications: TOML files parsed into frozen, validated pydantic models."""

from orbitdc.spec.load import LoadedStudy, load_study
from orbitdc.spec.schema import Study

__all__ = ["LoadedStudy", "Study", "load_study"]
