"""The orbital environment: object catalogs, atmosphere, orbital decay and the debris background."""
