"""Conjunction screening and collision probability."""
