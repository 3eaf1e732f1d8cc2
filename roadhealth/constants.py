"""Physical constants used across roadhealth, with their sources.

All speeds are in metres per nanosecond, the natural unit of GPR two-way times.
"""

#: Speed of light in vacuum, m/ns (CODATA 2018, exact: 299 792 458 m/s).
C0_M_PER_NS = 0.299792458

#: Relative permittivity of typical road materials (dimensionless). Ranges from
#: Daniels (ed.), *Ground Penetrating Radar*, 2nd ed., IET 2004, table 4.1, and
#: Saarenketo & Scullion, *Road evaluation with ground penetrating radar*,
#: J. Appl. Geophys. 43 (2000) 119-138.
EPS_AIR = 1.0
EPS_WATER = 81.0
EPS_ASPHALT = 5.5
EPS_BASE = 8.0
EPS_SUBGRADE = 12.0

#: Degrees-minutes conversion of NMEA coordinates.
MINUTES_PER_DEGREE = 60.0


def velocity_m_per_ns(eps_r):
    """Electromagnetic wave speed in a low-loss medium, ``v = c / sqrt(eps_r)`` (m/ns)."""
    import numpy as np

    return C0_M_PER_NS / np.sqrt(eps_r)
