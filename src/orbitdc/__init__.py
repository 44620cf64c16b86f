"""orbitdc: design orbital data-center constellations for the most compute per unit of debris risk.

The package is organised as a pipeline, one subpackage per stage::

    spec -> sizing -> orbits / environment -> propagation / screening -> risk
         -> deploy (Pyomo) -> study (Optuna) -> report

The command-line interface (:mod:`orbitdc.cli`) is a thin layer on top.
"""

from orbitdc._version import __version__

__all__ = ["__version__"]
