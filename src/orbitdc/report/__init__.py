"""Pareto-front reports and design-review documents (``orbitdc report``)."""
