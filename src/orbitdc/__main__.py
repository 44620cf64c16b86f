"""Allow ``python -m orbitdc``."""

from orbitdc.cli import main

if __name__ == "__main__":
    main()
