"""Study specifications: TOML files parsed into frozen, validated pydantic models."""

from orbitdc.spec.read import LoadedStudy, read_study
from orbitdc.spec.schema import StudySpec

__all__ = ["LoadedStudy", "StudySpec", "read_study"]
