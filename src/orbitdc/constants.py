"""Physical constants used by the analytic models, each with its source.

Engineering assumptions that a user may want to change (cell efficiency, Earth infrared flux,
launch cost...) are *not* here: they live in the ``models/`` catalogs. This module holds only
constants of nature and of the reference Earth model.

The SGP4 propagator uses its own WGS-72 constants (``sgp4.earth_gravity.wgs72``, re-exported below
as ``WGS72_*`` for code that must match SGP4 exactly); the analytic models use WGS-84 / EGM-96
values. The two differ by < 1e-5 relative, far below every
other uncertainty in orbitdc.

References
----------
.. [1] Vallado, D. A., *Fundamentals of Astrodynamics and Applications*, 4th ed., Microcosm
   Press, 2013, Appendix D (Table D-1, EGM-08/WGS-84 constants).
.. [2] NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed., 2000.
.. [3] CODATA 2018 recommended values (Tiesinga et al., Rev. Mod. Phys. 93, 025010, 2021).
.. [4] IERS Conventions (2010), Technical Note 36, Table 1.1.
"""

from __future__ import annotations

import math

from sgp4.earth_gravity import wgs72 as _wgs72

#: Earth gravitational parameter GM [km^3/s^2] (WGS-84/EGM-96) [1]_ [2]_.
MU_EARTH_KM3_S2: float = 398600.4418

#: Earth equatorial radius [km] (WGS-84) [2]_.
R_EARTH_KM: float = 6378.137

#: Second zonal harmonic J2 [-] (EGM-96, unnormalised) [1]_.
J2_EARTH: float = 1.08262668e-3

#: Mean obliquity of the ecliptic at J2000 [deg] (IERS 2010) [4]_.
OBLIQUITY_DEG: float = 23.439279

#: Tropical year [days] (Vallado [1]_, section 3.5), the period of the mean Sun in right ascension.
TROPICAL_YEAR_DAYS: float = 365.2421897

#: One full turn [rad].
TWO_PI: float = 2.0 * math.pi

#: Mean motion of the Sun in right ascension [rad/s]: the nodal rate of a sun-synchronous orbit.
SUN_MEAN_MOTION_RAD_S: float = TWO_PI / (TROPICAL_YEAR_DAYS * 86400.0)

#: Stefan-Boltzmann constant [W/(m^2 K^4)] (CODATA 2018, exact) [3]_.
STEFAN_BOLTZMANN_W_M2_K4: float = 5.670374419e-8

#: Standard gravity [m/s^2], used in the rocket equation (CODATA, exact) [3]_.
G0_M_S2: float = 9.80665

#: Seconds in a Julian year [s].
SECONDS_PER_YEAR: float = 365.25 * 86400.0

#: WGS-72 Earth radius [km], SGP4's own (Spacetrack Report #3; ``sgp4.earth_gravity.wgs72``).
WGS72_RADIUS_KM: float = _wgs72.radiusearthkm
#: WGS-72 gravitational parameter [km^3/s^2], SGP4's own.
WGS72_MU_KM3_S2: float = _wgs72.mu
#: SGP4's ``xke`` = sqrt(GM) in Earth radii^1.5 per minute [er^1.5/min] (WGS-72).
WGS72_XKE: float = _wgs72.xke
#: SGP4's second zonal harmonic J2 [-] (WGS-72).
WGS72_J2: float = _wgs72.j2
#: SGP4's third zonal harmonic J3 [-] (WGS-72): it sets the frozen eccentricity of circular
#: mean orbits (``orbitdc.slots.geometry.frozen_eccentricity``).
WGS72_J3: float = _wgs72.j3
