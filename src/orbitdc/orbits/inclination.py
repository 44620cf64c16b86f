"""Inclination families: a fixed angle, or sun-synchronous with a local time of ascending node.

A study names inclinations as a number of degrees (``53``), ``"sso"`` (sun-synchronous with the
common 10:30 local time of ascending node), ``"dawn-dusk"`` (sun-synchronous, 18:00) or
``"sso-HH.H"`` for any other local time (``"sso-13.5"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orbitdc.errors import InputError
from orbitdc.orbits.kepler import sun_synchronous_inclination_deg

#: Local time of ascending node [h] of the generic ``"sso"`` family (a common Earth-observation
#: choice, e.g. Landsat 8/9 cross the equator at ~10:00-10:15 descending; the value only sets the
#: beta-angle history for eclipse statistics).
DEFAULT_SSO_LTAN_H = 10.5

#: Local time of ascending node [h] of a dawn-dusk orbit: the orbit plane faces the Sun.
DAWN_DUSK_LTAN_H = 18.0


@dataclass(frozen=True)
class InclinationFamily:
    """An inclination choice for a shell.

    Attributes
    ----------
    fixed_deg : float or None [deg]
        The inclination for a non-sun-synchronous family; ``None`` for sun-synchronous.
    ltan_h : float or None [h]
        Local time of ascending node for a sun-synchronous family, ``None`` otherwise.
    """

    fixed_deg: float | None = None
    ltan_h: float | None = None

    def __post_init__(self) -> None:
        if (self.fixed_deg is None) == (self.ltan_h is None):
            raise ValueError("give exactly one of fixed_deg or ltan_h")

    @property
    def is_sun_synchronous(self) -> bool:
        """Whether the node follows the mean Sun (fixed local time)."""
        return self.ltan_h is not None

    @property
    def label(self) -> str:
        """Short name used in tables and study files (``53``, ``sso``, ``dawn-dusk``)."""
        if self.fixed_deg is not None:
            return f"{self.fixed_deg:g}"
        if self.ltan_h in (DAWN_DUSK_LTAN_H, DAWN_DUSK_LTAN_H - 12.0):
            return "dawn-dusk"
        if self.ltan_h == DEFAULT_SSO_LTAN_H:
            return "sso"
        return f"sso-{self.ltan_h:g}"

    def inclination_deg(self, altitude_km: float) -> float:
        """Inclination [deg] at a given altitude (the SSO inclination depends on altitude)."""
        if self.fixed_deg is not None:
            return self.fixed_deg
        return float(sun_synchronous_inclination_deg(altitude_km))

    @classmethod
    def parse(cls, value: str | float | int, field: str = "inclination") -> InclinationFamily:
        """Parse a study-file or CLI value.

        Raises
        ------
        InputError
            For an unknown name or an angle outside ``[0, 180]`` deg.
        """
        allowed = "must be degrees in [0, 180], 'sso', 'dawn-dusk' or 'sso-HH.H' (LTAN hours)"
        if isinstance(value, bool):
            raise InputError(field, value, allowed)
        if isinstance(value, int | float):
            deg = float(value)
        else:
            text = str(value).strip().lower()
            if text == "sso":
                return cls(ltan_h=DEFAULT_SSO_LTAN_H)
            if text in ("dawn-dusk", "dawn_dusk", "sso-dawn-dusk"):
                return cls(ltan_h=DAWN_DUSK_LTAN_H)
            if text.startswith("sso-"):
                try:
                    ltan = float(text[4:])
                except ValueError:
                    raise InputError(field, value, allowed) from None
                if not 0.0 <= ltan < 24.0:
                    raise InputError(field, value, "LTAN hours must be in [0, 24)")
                return cls(ltan_h=ltan)
            try:
                deg = float(text)
            except ValueError:
                raise InputError(field, value, allowed) from None
        if not (math.isfinite(deg) and 0.0 <= deg <= 180.0):
            raise InputError(field, value, allowed)
        return cls(fixed_deg=deg)
