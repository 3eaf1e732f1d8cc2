"""Road models for synthetic GPR: materials, layers, defects and clutter along a survey track.

Coordinates
-----------
Everything is placed in the frame of one survey pass (the *track*):

* ``s`` (m): distance along the track, 0 at the first trace;
* ``u`` (m): offset across the track, positive to the left of travel (the survey's ``offset_m``);
* ``z`` (m): depth below the road surface, positive down.

A :class:`TrackFrame` maps ``(s, u)`` to projected ``x, y`` (e.g. EPSG:4545) along a centreline
geometry, so truth footprints and trace positions share one definition.

Materials
---------
Relative permittivity ``eps_r`` (dimensionless), conductivity ``sigma_s_m`` (S/m) and a quality
factor ``q`` (constant-Q dielectric loss, dimensionless; ``inf`` for none). Defaults follow
Daniels (2004, table 4.1) and Saarenketo & Scullion (2000): air 1, asphalt 5-6, granular base 7-9,
subgrade 9-16, wet soil 20-30, water 81. Speed ``v = c / sqrt(eps_r)``; low-loss conductive
attenuation ``alpha = (sigma / 2) * sqrt(mu0 / (eps0 * eps_r))`` Np/m (:func:`attenuation_np_per_m`).

Everything random is drawn from ``numpy.random.default_rng`` seeded from the model's ``seed``, so a
model is reproducible from its parameters alone.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from roadhealth.constants import C0_M_PER_NS

__all__ = [
    "MATERIALS",
    "Cavity",
    "Layer",
    "LooseZone",
    "Manhole",
    "Material",
    "Pipe",
    "PointScatterer",
    "RoadModel",
    "SmoothField",
    "TrackFrame",
    "Undulation",
    "Void",
    "WaterRichZone",
    "attenuation_np_per_m",
    "default_layers",
    "fresnel",
]

#: Impedance of free space, ohm (sqrt(mu0 / eps0); CODATA 2018).
Z0_OHM = 376.730313668


# --------------------------------------------------------------------------------------------
# Physics helpers
# --------------------------------------------------------------------------------------------


def fresnel(eps_1, eps_2):
    """Normal-incidence amplitude reflection coefficient from medium 1 into medium 2.

    ``r = (sqrt(eps_1) - sqrt(eps_2)) / (sqrt(eps_1) + sqrt(eps_2))`` (non-magnetic media).
    Negative when the wave enters a slower (higher-permittivity) medium, e.g. air to asphalt
    (the surface reflection) or soil to water; positive into a faster medium, e.g. soil to air
    (the top of a cavity or void).

    Parameters
    ----------
    eps_1, eps_2 : float or array_like
        Relative permittivities above and below the interface.

    Returns
    -------
    float or numpy.ndarray
        Dimensionless coefficient in (-1, 1).
    """
    n1, n2 = np.sqrt(eps_1), np.sqrt(eps_2)
    return (n1 - n2) / (n1 + n2)


def attenuation_np_per_m(sigma_s_m, eps_r):
    """Low-loss conductive attenuation ``alpha = (sigma / 2) * sqrt(mu0 / (eps0 * eps_r))``, Np/m.

    Equivalent to about ``1636 * sigma / sqrt(eps_r)`` dB/m. One-way; a reflection from depth
    ``h`` below a uniform layer is scaled by ``exp(-2 * alpha * h)``.

    Parameters
    ----------
    sigma_s_m : float or array_like
        Conductivity, S/m.
    eps_r : float or array_like
        Relative permittivity.
    """
    return 0.5 * Z0_OHM * np.asarray(sigma_s_m, dtype=float) / np.sqrt(eps_r)


def velocity(eps_r):
    """Wave speed ``c / sqrt(eps_r)``, m/ns."""
    return C0_M_PER_NS / np.sqrt(eps_r)


@dataclass(frozen=True)
class Material:
    """A homogeneous material.

    Attributes
    ----------
    name : str
    eps_r : float
        Relative permittivity.
    sigma_s_m : float
        Conductivity, S/m.
    q : float
        Constant-Q quality factor of dielectric loss (``inf``: none). Controls how fast the
        dominant frequency drops with travel time (``t* = t / Q``).
    """

    name: str
    eps_r: float
    sigma_s_m: float = 0.0
    q: float = math.inf

    @property
    def velocity_m_per_ns(self) -> float:
        """Wave speed, m/ns."""
        return float(velocity(self.eps_r))

    @property
    def alpha_np_per_m(self) -> float:
        """Conductive attenuation, Np/m (one-way)."""
        return float(attenuation_np_per_m(self.sigma_s_m, self.eps_r))

    def lossless(self) -> Material:
        """The same permittivity without conductive or dielectric loss (for clean test scenarios)."""
        return dataclasses.replace(self, sigma_s_m=0.0, q=math.inf)


#: Default materials (eps_r, S/m, Q). Sources: Daniels 2004 table 4.1; Saarenketo & Scullion 2000;
#: Q ranges after Turner & Siggins (1994) and Irving & Knight (2003).
MATERIALS: dict[str, Material] = {
    "air": Material("air", 1.0, 0.0, math.inf),
    "water": Material("water", 81.0, 0.05, 10.0),
    "asphalt": Material("asphalt", 5.5, 0.001, 80.0),
    "base": Material("base", 8.0, 0.005, 50.0),
    "subbase": Material("subbase", 9.5, 0.008, 40.0),
    "subgrade": Material("subgrade", 13.0, 0.015, 25.0),
    "wet_soil": Material("wet_soil", 25.0, 0.06, 8.0),
    "loose_soil": Material("loose_soil", 6.5, 0.006, 20.0),
    "concrete": Material("concrete", 7.0, 0.01, 40.0),
    "pvc": Material("pvc", 3.0, 0.0, math.inf),
    "metal": Material("metal", 1.0e6, 1.0e7, math.inf),  # perfect conductor in practice: r = -1
}


# --------------------------------------------------------------------------------------------
# Smooth random fields
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmoothField:
    """A smooth, seeded random field ``f(s, u)``: a sum of random plane waves.

    ``f = mean + sd * sqrt(2 / n) * sum_k cos(2 pi (s cos(a_k) + u sin(a_k) * across) / L_k + phi_k)``
    with wavelengths ``L_k`` log-uniform in ``wavelength_m`` and directions ``a_k`` uniform; the
    standard deviation over a long road is ``sd``. Evaluating it needs no grid, so it gives the
    same value at a point whatever the trace spacing.

    Attributes
    ----------
    mean, sd : float
        Mean and standard deviation (units of the quantity).
    wavelength_m : tuple of float
        Shortest and longest wavelength, m.
    seed : int
    n_terms : int
    across : float
        Weight of the across-track direction (0: varies along the track only).
    """

    mean: float
    sd: float = 0.0
    wavelength_m: tuple[float, float] = (10.0, 80.0)
    seed: int = 0
    n_terms: int = 8
    across: float = 1.0

    def _terms(self):
        rng = np.random.default_rng(self.seed)
        lo, hi = self.wavelength_m
        lam = np.exp(rng.uniform(np.log(lo), np.log(hi), self.n_terms))
        ang = rng.uniform(0, 2 * np.pi, self.n_terms)
        phi = rng.uniform(0, 2 * np.pi, self.n_terms)
        return lam, ang, phi

    def __call__(self, s, u=0.0):
        """Evaluate at along/across positions ``s``, ``u`` (m; broadcast together)."""
        s = np.asarray(s, dtype=float)
        u = np.asarray(u, dtype=float)
        if self.sd == 0:
            return np.full(np.broadcast_shapes(s.shape, u.shape), float(self.mean))
        lam, ang, phi = self._terms()
        out = np.zeros(np.broadcast_shapes(s.shape, u.shape))
        for k in range(self.n_terms):
            arg = (s * np.cos(ang[k]) + self.across * u * np.sin(ang[k])) / lam[k]
            out = out + np.cos(2 * np.pi * arg + phi[k])
        return self.mean + self.sd * np.sqrt(2.0 / self.n_terms) * out


# --------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One pavement layer; the last layer of a model is a half-space.

    Attributes
    ----------
    name : str
        ``"asphalt"``, ``"base"``, ``"subbase"``, ``"subgrade"`` ...
    material : Material
    thickness_m : float
        Mean thickness, m (ignored for the last layer).
    thickness_sd_m : float
        Standard deviation of the slow thickness variation, m.
    eps_sd : float
        Standard deviation of the slow permittivity variation (absolute eps_r units).
    wavelength_m : tuple of float
        Range of wavelengths of those variations, m (slow: tens of metres).
    """

    name: str
    material: Material
    thickness_m: float = math.inf
    thickness_sd_m: float = 0.0
    eps_sd: float = 0.0
    wavelength_m: tuple[float, float] = (8.0, 80.0)


def default_layers(asphalt_m: float = 0.18, base_m: float = 0.30, subbase_m: float = 0.25) -> list[Layer]:
    """The usual urban flexible pavement: asphalt over granular base and subbase over subgrade.

    Parameters
    ----------
    asphalt_m, base_m, subbase_m : float
        Mean layer thicknesses, m.
    """
    m = MATERIALS
    return [
        Layer("asphalt", m["asphalt"], asphalt_m, 0.012, 0.25, (6.0, 60.0)),
        Layer("base", m["base"], base_m, 0.025, 0.5, (8.0, 80.0)),
        Layer("subbase", m["subbase"], subbase_m, 0.03, 0.6, (8.0, 80.0)),
        Layer("subgrade", m["subgrade"], math.inf, 0.0, 1.2, (10.0, 100.0)),
    ]


# --------------------------------------------------------------------------------------------
# Track frame
# --------------------------------------------------------------------------------------------


class TrackFrame:
    """Map track coordinates ``(s, u)`` to projected ``(x, y)`` along a line.

    Parameters
    ----------
    line : shapely.LineString or None
        The survey track in a projected CRS, traversed in the direction of travel; ``s`` is the
        distance along it. None: a local frame with ``x = s``, ``y = u``.
    crs : str or None
        CRS of ``line`` (e.g. ``"EPSG:4545"``).
    """

    def __init__(self, line=None, crs: str | None = None):
        self.line = line
        self.crs = crs if line is not None else None

    @property
    def length_m(self) -> float:
        """Length of the track line, m (inf for a local frame)."""
        return math.inf if self.line is None else float(self.line.length)

    def to_xy(self, s, u=0.0):
        """Projected coordinates of track positions.

        Parameters
        ----------
        s, u : array_like
            Along/across-track positions, m (broadcast together).

        Returns
        -------
        x, y : numpy.ndarray
            In ``crs`` units (m). Beyond the ends of the line the end tangent is extended.
        """
        import shapely

        s, u = np.broadcast_arrays(np.asarray(s, float), np.asarray(u, float))
        if self.line is None:
            return s.copy(), u.copy()
        length = self.line.length
        sc = np.clip(s, 0.0, length)
        pts = shapely.get_coordinates(shapely.line_interpolate_point(self.line, sc.ravel()))
        h = 0.5
        a = shapely.get_coordinates(shapely.line_interpolate_point(self.line, np.clip(sc.ravel() - h, 0, length)))
        b = shapely.get_coordinates(shapely.line_interpolate_point(self.line, np.clip(sc.ravel() + h, 0, length)))
        t = b - a
        t /= np.hypot(t[:, 0], t[:, 1])[:, None]
        extra = (s - sc).ravel()
        px = pts[:, 0] + extra * t[:, 0] - u.ravel() * t[:, 1]
        py = pts[:, 1] + extra * t[:, 1] + u.ravel() * t[:, 0]
        return px.reshape(s.shape), py.reshape(s.shape)

    def polygon(self, s, u):
        """A shapely Polygon from a closed ring of track coordinates."""
        import shapely

        x, y = self.to_xy(s, u)
        return shapely.Polygon(np.column_stack([x, y]))


# --------------------------------------------------------------------------------------------
# Objects
# --------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class _Body:
    """A 3D body with a superelliptic footprint and a lens-shaped vertical profile.

    Footprint: ``rho = (|s'/a|^p + |u'/b|^p)^(1/p) <= 1`` with ``s', u'`` the position relative
    to the centre ``(s_m, u_m)`` rotated by ``azimuth_deg`` (0: long axis along the track);
    ``a = length_m / 2``, ``b = width_m / 2``. Vertical: ``top = depth_top_m + dz_top(rho)``,
    ``bottom = depth_top_m + height_m * ...`` (see :meth:`profile`).
    """

    s_m: float
    u_m: float
    depth_top_m: float
    length_m: float
    width_m: float
    height_m: float
    azimuth_deg: float = 0.0
    shape_power: float = 2.0
    flat_top: bool = False

    kind: ClassVar[str] = "body"
    is_anomaly: ClassVar[bool] = True

    # ---- geometry --------------------------------------------------------------------
    def _local(self, s, u):
        th = np.deg2rad(self.azimuth_deg)
        ds = np.asarray(s, float) - self.s_m
        du = np.asarray(u, float) - self.u_m
        return ds * np.cos(th) + du * np.sin(th), -ds * np.sin(th) + du * np.cos(th)

    def rho(self, s, u):
        """Normalised footprint radius (< 1 inside)."""
        a, b, p = self.length_m / 2, self.width_m / 2, self.shape_power
        ls, lu = self._local(s, u)
        return (np.abs(ls / a) ** p + np.abs(lu / b) ** p) ** (1.0 / p)

    def profile(self, rho):
        """Top and bottom depth (m) at normalised radius ``rho`` (NaN outside the footprint)."""
        inside = rho < 1.0
        g = np.sqrt(np.clip(1.0 - np.minimum(rho, 1.0) ** 2, 0.0, 1.0))
        if self.flat_top:
            top = np.full_like(g, self.depth_top_m)
            bottom = self.depth_top_m + self.height_m * g
        else:
            zc = self.depth_top_m + self.height_m / 2
            top = zc - self.height_m / 2 * g
            bottom = zc + self.height_m / 2 * g
        return np.where(inside, top, np.nan), np.where(inside, bottom, np.nan)

    def vertical(self, s, u):
        """Top, bottom (m, NaN outside) and footprint weight in [0, 1] at track positions."""
        r = self.rho(s, u)
        top, bottom = self.profile(r)
        weight = np.sqrt(np.clip(1.0 - np.minimum(r, 1.0) ** 2, 0.0, 1.0))
        return top, bottom, weight

    @property
    def depth_bottom_m(self) -> float:
        return self.depth_top_m + self.height_m

    def footprint_ring(self, n: int = 64):
        """Closed ring ``(s, u)`` of the footprint outline, m."""
        ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
        p = self.shape_power
        c, sn = np.cos(ang), np.sin(ang)
        ls = self.length_m / 2 * np.sign(c) * np.abs(c) ** (2 / p)
        lu = self.width_m / 2 * np.sign(sn) * np.abs(sn) ** (2 / p)
        th = np.deg2rad(self.azimuth_deg)
        s = self.s_m + ls * np.cos(th) - lu * np.sin(th)
        u = self.u_m + ls * np.sin(th) + lu * np.cos(th)
        return np.r_[s, s[:1]], np.r_[u, u[:1]]

    def extent(self):
        """Along- and across-track bounding box ``(s0, s1, u0, u1)``, m."""
        s, u = self.footprint_ring(256)
        return float(s.min()), float(s.max()), float(u.min()), float(u.max())

    def surface_points(self, spacing_m: float):
        """Discretised top and bottom surfaces for Kirchhoff summation.

        Returns
        -------
        dict of numpy.ndarray
            ``s, u, z`` (m), ``gs, gu`` (surface slopes dz/ds, dz/du), ``area`` (projected
            area, m^2) and ``side`` (+1 top, -1 bottom), one entry per point.
        """
        s0, s1, u0, u1 = self.extent()
        gs_ = np.arange(s0 + spacing_m / 2, s1, spacing_m)
        gu_ = np.arange(u0 + spacing_m / 2, u1, spacing_m)
        S, U = np.meshgrid(gs_, gu_, indexing="ij")
        r = self.rho(S, U)
        inside = r < 0.999
        S, U = S[inside], U[inside]
        top, bottom = self.profile(self.rho(S, U))
        h = 1e-3
        t_sp, b_sp = self.profile(self.rho(S + h, U))
        t_sm, b_sm = self.profile(self.rho(S - h, U))
        t_up, b_up = self.profile(self.rho(S, U + h))
        t_um, b_um = self.profile(self.rho(S, U - h))

        def slope(p, m):
            g = (p - m) / (2 * h)
            return np.clip(np.nan_to_num(g, nan=0.0), -5.0, 5.0)

        out = {
            "s": np.r_[S, S],
            "u": np.r_[U, U],
            "z": np.r_[top, bottom],
            "gs": np.r_[slope(t_sp, t_sm), slope(b_sp, b_sm)],
            "gu": np.r_[slope(t_up, t_um), slope(b_up, b_um)],
            "area": np.full(2 * S.size, spacing_m**2),
            "side": np.r_[np.ones(S.size), -np.ones(S.size)],
        }
        return out

    # ---- material -----------------------------------------------------------------------
    def material(self) -> Material:
        raise NotImplementedError

    def description(self) -> str:
        m = self.material()
        return f"{m.name}, eps_r {m.eps_r:g}, sigma {m.sigma_s_m:g} S/m"


@dataclass(kw_only=True)
class Cavity(_Body):
    """An ellipsoidal cavity (air-filled, or partly water-filled at its bottom).

    Attributes
    ----------
    water_fraction : float
        Fraction of the height filled with water (0: dry). The water surface is flat.
    """

    water_fraction: float = 0.0
    kind: ClassVar[str] = "cavity"

    def material(self) -> Material:
        return MATERIALS["air"]

    def description(self) -> str:
        w = f", {self.water_fraction:.0%} water-filled" if self.water_fraction > 0 else ", air-filled"
        return f"ellipsoidal cavity{w}"


@dataclass(kw_only=True)
class Void(_Body):
    """A thin air gap directly under a layer (debonding, settlement gap under asphalt or base).

    ``depth_top_m`` is set from the model (the bottom of layer ``under``) by
    :meth:`RoadModel.place`; the gap has a flat top and thins towards its edges.

    Attributes
    ----------
    under : str
        Name of the layer the gap lies beneath (``"asphalt"`` or ``"base"``).
    """

    under: str = "asphalt"
    depth_top_m: float = math.nan
    flat_top: bool = True
    shape_power: float = 4.0
    kind: ClassVar[str] = "void"

    def material(self) -> Material:
        return MATERIALS["air"]

    def description(self) -> str:
        return f"air gap under the {self.under}, up to {self.height_m * 100:.1f} cm thick"


@dataclass(kw_only=True)
class LooseZone(_Body):
    """Loosened, decompacted soil: lower permittivity and strong small-scale heterogeneity.

    Attributes
    ----------
    eps_r : float
        Mean relative permittivity inside.
    heterogeneity : float
        Standard deviation of the reflection coefficient of its internal scatterers.
    density_per_m3 : float
        Number of internal scatterers per cubic metre.
    style : {"mosaic", "uniform"}
        How a full-wave model (:func:`roadhealth.synth.gprmax.write_input`) builds it: a mosaic of
        small cells of random permittivity (the default), or one homogeneous body of ``eps_r``, as
        another modeller may build loosened soil (lower permittivity, no internal scatterers). The
        fast model (:mod:`roadhealth.synth.forward`) reads neither.
    """

    eps_r: float = 6.0
    heterogeneity: float = 0.25
    density_per_m3: float = 4000.0
    style: str = "mosaic"
    kind: ClassVar[str] = "loose"

    def __post_init__(self) -> None:
        if self.style not in ("mosaic", "uniform"):
            raise ValueError(f"LooseZone style must be 'mosaic' or 'uniform'; got {self.style!r}")

    def material(self) -> Material:
        return dataclasses.replace(MATERIALS["loose_soil"], eps_r=self.eps_r)

    def description(self) -> str:
        if self.style == "uniform":
            return f"loose soil, one homogeneous body of eps_r {self.eps_r:g}"
        return f"loose soil, eps_r {self.eps_r:g}, chaotic internal scattering"


@dataclass(kw_only=True)
class WaterRichZone(_Body):
    """A water-rich (saturated) zone: high permittivity, high conductivity, low Q.

    Attributes
    ----------
    eps_r, sigma_s_m, q : float
        Material of the zone (default wet soil: 25, 0.06 S/m, Q 8).
    """

    eps_r: float = 25.0
    sigma_s_m: float = 0.06
    q: float = 8.0
    kind: ClassVar[str] = "water_rich"

    def material(self) -> Material:
        return Material("wet_soil", self.eps_r, self.sigma_s_m, self.q)

    def description(self) -> str:
        return f"water-rich soil, eps_r {self.eps_r:g}, sigma {self.sigma_s_m:g} S/m"


@dataclass
class PointScatterer:
    """A small inclusion (stone, root, small void) scattering as a sphere of radius ``radius_m``.

    Attributes
    ----------
    s_m, u_m, depth_m : float
        Centre, m.
    radius_m : float
    eps_r : float
        Permittivity of the inclusion (its contrast with the host sets the coefficient).
    """

    s_m: float
    u_m: float
    depth_m: float
    radius_m: float = 0.03
    eps_r: float = 1.0
    kind: ClassVar[str] = "point"
    is_anomaly: ClassVar[bool] = False


@dataclass
class Pipe:
    """A buried pipe (clutter): a horizontal cylinder crossing the track.

    Attributes
    ----------
    s_m, u_m : float
        A point on the pipe axis, m (track frame).
    depth_m : float
        Depth of the pipe crown (top), m.
    diameter_m : float
    azimuth_deg : float
        Angle between the pipe axis and the track, degrees (90: crossing at right angles).
    material : {"metal", "pvc"}
    fill : {"air", "water"}
        Content of a PVC pipe.
    """

    s_m: float
    u_m: float
    depth_m: float
    diameter_m: float = 0.2
    azimuth_deg: float = 90.0
    material: str = "metal"
    fill: str = "air"
    kind: ClassVar[str] = "pipe"
    is_anomaly: ClassVar[bool] = False

    @property
    def radius_m(self) -> float:
        return self.diameter_m / 2

    def horizontal_distance(self, s, u):
        """Perpendicular horizontal distance from track positions to the pipe axis, m."""
        th = np.deg2rad(self.azimuth_deg)
        ds = np.asarray(s, float) - self.s_m
        du = np.asarray(u, float) - self.u_m
        return np.abs(-ds * np.sin(th) + du * np.cos(th))

    def description(self) -> str:
        what = "metal" if self.material == "metal" else f"PVC ({self.fill}-filled)"
        return f"{what} pipe, diameter {self.diameter_m:g} m, crossing at {self.azimuth_deg:g} deg"


@dataclass
class Manhole:
    """A manhole: a metal cover flush with the surface over a concrete shaft (clutter).

    Attributes
    ----------
    s_m, u_m : float
        Centre of the cover, m.
    diameter_m : float
    """

    s_m: float
    u_m: float
    diameter_m: float = 0.7
    kind: ClassVar[str] = "manhole"
    is_anomaly: ClassVar[bool] = False

    def weight(self, s, u, edge_m: float = 0.02):
        """Fraction of the antenna footprint on the cover, 0..1 (smooth edge)."""
        d = np.hypot(np.asarray(s, float) - self.s_m, np.asarray(u, float) - self.u_m)
        return np.clip((self.diameter_m / 2 - d) / edge_m + 0.5, 0.0, 1.0)

    def description(self) -> str:
        return f"manhole with metal cover, diameter {self.diameter_m:g} m"


@dataclass
class Undulation:
    """A local bump (positive: deeper) of one layer interface, e.g. a settled base (clutter).

    Attributes
    ----------
    s_m, u_m : float
        Centre, m.
    length_m, width_m : float
        Gaussian full widths (2 sigma), m.
    amplitude_m : float
        Depth change at the centre, m.
    interface : str
        Name of the layer whose *bottom* moves (``"base"``: the base/subbase interface).
    """

    s_m: float
    u_m: float
    length_m: float = 4.0
    width_m: float = 4.0
    amplitude_m: float = 0.06
    interface: str = "base"
    kind: ClassVar[str] = "undulation"
    is_anomaly: ClassVar[bool] = False

    def bump(self, s, u):
        """Depth change, m, at track positions."""
        ds = (np.asarray(s, float) - self.s_m) / (self.length_m / 2)
        du = (np.asarray(u, float) - self.u_m) / (self.width_m / 2)
        return self.amplitude_m * np.exp(-0.5 * (ds**2 + du**2) * 4.0)

    def description(self) -> str:
        return f"{self.amplitude_m * 100:+.0f} cm undulation of the bottom of the {self.interface}"


ANOMALY_TYPES = (Cavity, Void, LooseZone, WaterRichZone)


# --------------------------------------------------------------------------------------------
# The road model
# --------------------------------------------------------------------------------------------


@dataclass
class RoadModel:
    """A road along one survey track: layers, defects and clutter.

    Attributes
    ----------
    length_m : float
        Length of the modelled track, m.
    layers : list of Layer
        Top to bottom; the last is a half-space.
    objects : list
        Defects (:class:`Cavity`, :class:`Void`, :class:`LooseZone`, :class:`WaterRichZone`)
        and clutter (:class:`Pipe`, :class:`Manhole`, :class:`Undulation`,
        :class:`PointScatterer`).
    frame : TrackFrame
        Maps track coordinates to projected x, y (local frame by default).
    seed : int
        Seed of every random property of the model (slow variations, heterogeneity).
    scatterer_density_per_m3 : float
        Density of small background inclusions (stones, roots) in base, subbase and subgrade.
    scatterer_sd : float
        Standard deviation of their reflection coefficients.
    name : str
    """

    length_m: float
    layers: list[Layer] = field(default_factory=default_layers)
    objects: list = field(default_factory=list)
    frame: TrackFrame = field(default_factory=TrackFrame)
    seed: int = 0
    scatterer_density_per_m3: float = 60.0
    scatterer_sd: float = 0.15
    name: str = ""

    def __post_init__(self):
        if len(self.layers) < 1:
            raise ValueError("a road model needs at least one layer")
        self.place()

    # ---- layer fields -----------------------------------------------------------------
    def _seed(self, *keys: int) -> int:
        return int(np.random.default_rng([int(self.seed) & 0xFFFFFFFF, *keys]).integers(2**31))

    def thickness_field(self, i: int) -> SmoothField:
        lay = self.layers[i]
        return SmoothField(lay.thickness_m, lay.thickness_sd_m, lay.wavelength_m, self._seed(1, i), across=0.3)

    def eps_field(self, i: int) -> SmoothField:
        lay = self.layers[i]
        return SmoothField(lay.material.eps_r, lay.eps_sd, lay.wavelength_m, self._seed(2, i), across=0.3)

    def layer_index(self, name: str) -> int:
        for i, lay in enumerate(self.layers):
            if lay.name == name:
                return i
        raise KeyError(f"no layer named {name!r}; layers are {[lay.name for lay in self.layers]}")

    def interfaces(self, s, u=0.0):
        """Depths of the top of every layer at track positions.

        Returns
        -------
        numpy.ndarray, shape (n_layers, *broadcast(s, u).shape)
            ``[0]`` is the road surface (0 m); ``[i]`` the top of layer ``i``, m.
        """
        s, u = np.broadcast_arrays(np.asarray(s, float), np.asarray(u, float))
        n = len(self.layers)
        z = np.zeros((n, *s.shape))
        bumps = np.zeros((n, *s.shape))
        for obj in self.objects:
            if isinstance(obj, Undulation):
                i = self.layer_index(obj.interface) + 1
                if i < n:
                    bumps[i] += obj.bump(s, u)
        for i in range(1, n):
            h = np.maximum(self.thickness_field(i - 1)(s, u), 0.02)
            z[i] = z[i - 1] + h
        z = z + bumps
        for i in range(1, n):  # keep at least 1 cm per layer after bumps
            z[i] = np.maximum(z[i], z[i - 1] + 0.01)
        return z

    def eps(self, s, u=0.0):
        """Relative permittivity of every layer at track positions, shape (n_layers, ...)."""
        s, u = np.broadcast_arrays(np.asarray(s, float), np.asarray(u, float))
        return np.stack([np.maximum(self.eps_field(i)(s, u), 1.5) for i in range(len(self.layers))])

    def sigma(self):
        """Conductivity of every layer, S/m, shape (n_layers,)."""
        return np.array([lay.material.sigma_s_m for lay in self.layers])

    def q(self):
        """Quality factor of every layer, shape (n_layers,)."""
        return np.array([lay.material.q for lay in self.layers])

    def layer_at(self, s: float, u: float, z: float) -> int:
        """Index of the layer containing depth ``z`` (m) at one position."""
        tops = self.interfaces(s, u)
        return int(max(0, np.searchsorted(tops, z, side="right") - 1))

    # ---- objects ------------------------------------------------------------------------
    def place(self) -> None:
        """Set depths that depend on the layers (voids sit at the bottom of their layer)."""
        for obj in self.objects:
            if isinstance(obj, Void):
                i = self.layer_index(obj.under) + 1
                obj.depth_top_m = float(self.interfaces(obj.s_m, obj.u_m)[i])

    @property
    def anomalies(self) -> list:
        """The defects (objects that belong in the truth table)."""
        return [o for o in self.objects if isinstance(o, ANOMALY_TYPES)]

    @property
    def clutter(self) -> list:
        """Pipes, manholes and undulations (objects a detector must not flag)."""
        return [o for o in self.objects if isinstance(o, (Pipe, Manhole, Undulation))]

    def background_scatterers(self, s0: float, s1: float, u0: float, u1: float, z_max: float) -> dict:
        """Small random inclusions in base, subbase and subgrade within a box.

        Drawn per 1 m cell along the track from seeds that depend only on the model seed and
        the cell, so a trace block sees the same inclusions whatever the blocking.

        Returns
        -------
        dict of numpy.ndarray
            ``s, u, z`` (m) and ``r`` (reflection coefficient) of each inclusion.
        """
        out = {k: [] for k in ("s", "u", "z", "r")}
        if self.scatterer_density_per_m3 <= 0 or len(self.layers) < 2:
            return {k: np.zeros(0) for k in out}
        z_min = 0.0
        width = u1 - u0
        depth = z_max - z_min
        for cell in range(math.floor(s0), math.ceil(s1)):
            rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, 7, cell + 1_000_000])
            n = rng.poisson(self.scatterer_density_per_m3 * width * depth)
            s = cell + rng.uniform(0, 1, n)
            u = u0 + rng.uniform(0, 1, n) * width
            z = z_min + rng.uniform(0, 1, n) * depth
            r = rng.normal(0, self.scatterer_sd, n)
            out["s"].append(s)
            out["u"].append(u)
            out["z"].append(z)
            out["r"].append(r)
        res = {k: np.concatenate(v) if v else np.zeros(0) for k, v in out.items()}
        tops = self.interfaces(res["s"], res["u"])
        keep = res["z"] > tops[1] + 0.03 if len(self.layers) > 1 else np.ones(res["z"].size, bool)
        return {k: v[keep] for k, v in res.items()}

    def summary(self) -> dict:
        """A JSON-serialisable description of the model (layers, objects, seed)."""

        def obj_dict(o):
            d = {k: (v if not isinstance(v, float) else round(v, 6)) for k, v in dataclasses.asdict(o).items()}
            d["kind"] = o.kind
            return d

        return {
            "name": self.name,
            "length_m": self.length_m,
            "seed": self.seed,
            "layers": [
                {
                    "name": lay.name,
                    "eps_r": lay.material.eps_r,
                    "sigma_s_m": lay.material.sigma_s_m,
                    "q": None if math.isinf(lay.material.q) else lay.material.q,
                    "thickness_m": None if math.isinf(lay.thickness_m) else lay.thickness_m,
                    "thickness_sd_m": lay.thickness_sd_m,
                    "eps_sd": lay.eps_sd,
                }
                for lay in self.layers
            ],
            "objects": [obj_dict(o) for o in self.objects],
            "scatterer_density_per_m3": self.scatterer_density_per_m3,
            "scatterer_sd": self.scatterer_sd,
        }
