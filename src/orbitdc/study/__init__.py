"""Optuna design-space studies around the deployment model (``orbitdc run``)."""
