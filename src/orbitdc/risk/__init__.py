"""Analytic debris risk: flux collision rates, intra-shell rates, breakups, maneuvers, indices."""
