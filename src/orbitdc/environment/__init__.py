"""The orbital environment: catalogs, atmosphere, solar cycle, orbital decay, debris background."""
