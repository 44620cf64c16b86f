"""Orbit geometry: circular-orbit relations, inclination families, eclipses, Walker shells."""
