"""The installed version of orbitdc (kept apart so that low layers need not import the API)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orbitdc")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
