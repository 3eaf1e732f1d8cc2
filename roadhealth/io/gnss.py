"""GNSS fixes: parsing NMEA sentences and the vendors' coordinate files.

A :class:`GnssFixes` holds fixes tied to (fractional) trace indices; it is what every reader
hands to :func:`roadhealth.io.georef.georeference`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class GnssFixes:
    """GNSS fixes tied to traces of one file.

    Attributes
    ----------
    trace : ndarray of float, shape (n,)
        0-based trace index each fix belongs to (may be fractional, or lie outside the file when a
        file was cut).
    lon, lat : ndarray of float, shape (n,)
        WGS84 / CGCS2000 geographic coordinates, degrees (east and north positive).
    elevation_m : ndarray of float, shape (n,)
        Height above mean sea level, m (NaN when the receiver gave none).
    time : ndarray of datetime64[ns], shape (n,)
        UTC time of the fix (NaT when unknown).
    quality : ndarray of int, shape (n,)
        GGA fix quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float); -1 when unknown.
    n_satellites : ndarray of int, shape (n,); -1 when unknown.
    hdop : ndarray of float, shape (n,); NaN when unknown.
    source : str
        The file the fixes came from.
    """

    trace: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    elevation_m: np.ndarray
    time: np.ndarray
    quality: np.ndarray
    n_satellites: np.ndarray
    hdop: np.ndarray
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(np.asarray(self.trace).size)
