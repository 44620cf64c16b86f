"""Satellite sizing: power, thermal, battery, mass, geometry and compute of one satellite.

The entry point is :func:`orbitdc.sizing.satellite.size_satellite`; the submodules hold the
pure physical models it combines.
"""

from orbitdc.sizing.satellite import SatelliteDesign, size_satellite
from orbitdc.sizing.technology import SatelliteTechnology

__all__ = ["SatelliteDesign", "SatelliteTechnology", "size_satellite"]
