"""Physics of the synthetic forward model, measured on clean (noise-free, lossless) scenarios.

Every expected value here is computed independently of roadhealth.synth (from c, eps and h), then
compared with what is *picked* from the simulated traces.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from roadhealth.survey import validate
from roadhealth.synth import (
    Acquisition,
    Cavity,
    Layer,
    Material,
    PointScatterer,
    RoadModel,
    SystemEffects,
    WaterRichZone,
    simulate,
)
from roadhealth.synth.forward import SPREADING_REF_M

C = 0.299792458  # m/ns


def n(eps):
    return math.sqrt(eps)


def r_of(e1, e2):
    return (n(e1) - n(e2)) / (n(e1) + n(e2))


def spread(path_m):
    return SPREADING_REF_M / (SPREADING_REF_M + path_m)


EPS = [5.5, 8.0, 10.0, 14.0]
H = [0.20, 0.30, 0.25]
ACQ = Acquisition(frequency_mhz=1000.0, n_samples=640, window_ns=20.0, trace_spacing_m=0.05,
                  time_zero_ns=2.0, antenna_height_m=0.05)


def clean_layers(sigma=(0.0, 0.0, 0.0, 0.0)):
    names = ["asphalt", "base", "subbase", "subgrade"]
    return [
        Layer(nm, Material(nm, e, s), h)
        for nm, e, s, h in zip(names, EPS, sigma, [*H, math.inf], strict=True)
    ]


def clean_model(objects=(), length_m=1.0, **kw):
    return RoadModel(length_m, layers=kw.pop("layers", clean_layers()), objects=list(objects),
                     scatterer_density_per_m3=0.0, seed=1, **kw)


def pick(trace, t, t_guess, half_ns=0.4, sign=None):
    """Time and signed amplitude of the extremum nearest ``t_guess`` (parabolic interpolation)."""
    dt = t[1] - t[0]
    i0 = round((t_guess - half_ns - t[0]) / dt)
    i1 = round((t_guess + half_ns - t[0]) / dt) + 1
    seg = trace[i0:i1]
    if sign is None:
        k = int(np.argmax(np.abs(seg)))
    else:
        k = int(np.argmax(sign * seg))
    k = min(max(k, 1), seg.size - 2)
    y0, y1, y2 = seg[k - 1], seg[k], seg[k + 1]
    den = y0 - 2 * y1 + y2
    d = 0.5 * (y0 - y2) / den if den != 0 else 0.0
    return t[i0 + k] + d * dt, y1 - 0.25 * (y0 - y2) * d


@pytest.fixture(scope="module")
def layered():
    s = simulate(clean_model(), ACQ, SystemEffects.ideal())
    return s


def expected_interfaces():
    """(time ns, depth m, r, two-way transmission) of every interface, from first principles."""
    out = []
    t, z, trans = ACQ.time_zero_ns, 0.0, 1.0
    above = 1.0
    for i, e in enumerate(EPS):
        r = r_of(above, e)
        out.append((t, z, r, trans))
        if i < len(H):
            t += 2 * H[i] / (C / n(e))
            z += H[i]
        trans *= 1 - r**2
        above = e
    return out


def test_survey_contract(layered):
    validate(layered)
    assert layered.dims == ("channel", "trace", "sample")
    assert layered.dtype == np.float32
    assert layered.attrs["antenna_mhz"] == 1000.0
    np.testing.assert_allclose(np.diff(layered.twt_ns.values), ACQ.dt_ns)


def test_interface_times_match_2h_over_v(layered):
    t = layered.twt_ns.values
    trace = layered.values[0, 10].astype(float)
    for t_exp, _z, r, _tr in expected_interfaces():
        t_pick, _ = pick(trace, t, t_exp, sign=np.sign(r))
        assert abs(t_pick - t_exp) < ACQ.dt_ns, (t_pick, t_exp)


def test_reflection_signs_and_fresnel_amplitudes(layered):
    t = layered.twt_ns.values
    trace = layered.values[0, 10].astype(float)
    amps = []
    for t_exp, z, r, trans in expected_interfaces():
        _, a = pick(trace, t, t_exp, sign=np.sign(r))
        assert np.sign(a) == np.sign(r)
        measured_r = a / (trans * spread(2 * ACQ.antenna_height_m + 2 * z))
        assert measured_r == pytest.approx(r, rel=0.05)
        amps.append(a)
    # amplitude ratios to the surface reflection
    exp = expected_interfaces()
    for (_, z, r, trans), a in zip(exp[1:], amps[1:], strict=True):
        ratio_exp = (r * trans * spread(2 * ACQ.antenna_height_m + 2 * z)) / (exp[0][2] * spread(2 * ACQ.antenna_height_m))
        assert a / amps[0] == pytest.approx(ratio_exp, rel=0.05)


def test_point_scatterer_hyperbola_velocity():
    depth = 1.05
    model = clean_model([PointScatterer(2.0, 0.0, depth, radius_m=0.05, eps_r=1.0)], length_m=4.0)
    acq = dataclasses.replace(ACQ, n_samples=960, window_ns=30.0)
    s = simulate(model, acq, SystemEffects.ideal())
    bg = simulate(clean_model(length_m=4.0), acq, SystemEffects.ideal())
    diff = (s - bg).values[0].astype(float)  # the scatterer's response alone
    t = s.twt_ns.values
    x = s.distance_m.values[0]
    # vertical time and RMS velocity from first principles
    dts, vs = [], []
    z_left = depth
    for e, h in zip(EPS, [*H, math.inf], strict=True):
        hh = min(h, z_left)
        v = C / n(e)
        dts.append(2 * hh / v)
        vs.append(v)
        z_left -= hh
        if z_left <= 0:
            break
    t0 = sum(dts)
    v_rms = math.sqrt(sum(v**2 * d for v, d in zip(vs, dts, strict=False)) / t0)
    near = np.abs(x - 2.0) <= 0.8
    picks = []
    for xi, tr in zip(x[near], diff[near], strict=True):
        guess = ACQ.time_zero_ns + math.sqrt(t0**2 + 4 * (xi - 2.0) ** 2 / v_rms**2)
        tp, _ = pick(tr, t, guess, half_ns=0.6, sign=1.0)
        picks.append(tp - ACQ.time_zero_ns)
    picks = np.array(picks)
    xs = x[near]
    # least squares on t^2 = t0^2 + 4 (x - x0)^2 / v^2  ==  a + b x + c x^2
    A = np.column_stack([np.ones_like(xs), xs, xs**2])
    _a, b, c = np.linalg.lstsq(A, picks**2, rcond=None)[0]
    v_fit = 2 / math.sqrt(c)
    x0 = -b / (2 * c)
    assert v_fit == pytest.approx(v_rms, rel=0.02)
    assert x0 == pytest.approx(2.0, abs=0.02)


def test_cavity_top_polarity_opposite_to_surface():
    cav = Cavity(s_m=1.5, u_m=0.0, depth_top_m=0.30, length_m=2.0, width_m=2.0, height_m=0.3)
    s = simulate(clean_model([cav], length_m=3.0), ACQ, SystemEffects.ideal())
    t = s.twt_ns.values
    trace = s.values[0, 30].astype(float)
    _, a_surf = pick(trace, t, ACQ.time_zero_ns)
    t_top = ACQ.time_zero_ns + 2 * 0.2 / (C / n(EPS[0])) + 2 * 0.1 / (C / n(EPS[1]))
    _, a_cav = pick(trace, t, t_top, half_ns=0.25)
    assert a_surf < 0
    assert a_cav > 0
    # a strong event: base -> air is |r| = 0.48
    assert abs(a_cav) > 0.2 * abs(a_surf)


def test_water_rich_polarity_attenuation_and_frequency():
    eps_w, sig_w, h_w = 25.0, 0.06, 0.2
    zone = WaterRichZone(s_m=1.5, u_m=0.0, depth_top_m=0.30, length_m=2.6, width_m=2.6, height_m=h_w,
                         eps_r=eps_w, sigma_s_m=sig_w, q=8.0, flat_top=True, shape_power=8.0)
    model = clean_model([zone], length_m=3.0)
    s = simulate(model, ACQ, SystemEffects.ideal())
    ref = simulate(clean_model(length_m=3.0), ACQ, SystemEffects.ideal())
    t = s.twt_ns.values
    on = s.values[0, 30].astype(float)
    off = ref.values[0, 30].astype(float)
    _, a_surf = pick(on, t, ACQ.time_zero_ns)
    t_top = ACQ.time_zero_ns + 2 * 0.2 / (C / n(EPS[0])) + 2 * 0.1 / (C / n(EPS[1]))
    _, a_top = pick(on, t, t_top, half_ns=0.25)
    assert np.sign(a_top) == np.sign(a_surf) == -1
    # flat-topped zone: the top reflection has the Fresnel size (Kirchhoff sum == plane, within 10 %)
    r_top = r_of(EPS[1], eps_w)
    trans = (1 - r_of(1, EPS[0]) ** 2) * (1 - r_of(EPS[0], EPS[1]) ** 2)
    assert a_top / (trans * spread(2 * ACQ.antenna_height_m + 2 * 0.30)) == pytest.approx(r_top, rel=0.10)
    # the subbase/subgrade reflection beneath the zone, compared with the same trace without it
    t_deep = expected_interfaces()[3][0]
    shift = 2 * h_w * (1 / (C / n(eps_w)) - 1 / (C / n(EPS[1])))

    def energy(tr, tc):
        w = (t > tc - 1.2) & (t < tc + 1.2)
        return float(np.sum(tr[w] ** 2)), tr[w]

    e_on, seg_on = energy(on, t_deep + shift)
    e_off, seg_off = energy(off, t_deep)
    alpha = 0.5 * 376.730313668 * sig_w / n(eps_w)  # Np/m, host lossless
    implied = math.exp(-4 * alpha * h_w)  # two-way, energy
    assert e_on / e_off <= implied
    assert e_on > 0

    # lower dominant frequency beneath the zone
    def centroid(seg):
        spec = np.abs(np.fft.rfft(seg * np.hanning(seg.size), 256))
        f = np.fft.rfftfreq(256, ACQ.dt_ns)
        return float(np.sum(f * spec**2) / np.sum(spec**2))

    assert centroid(seg_on) < 0.9 * centroid(seg_off)


def test_multichannel_grid_and_positions():
    from shapely import LineString

    from roadhealth.synth import TrackFrame

    line = LineString([(538000.0, 3408000.0), (538030.0, 3408040.0)])  # 50 m, EPSG:4545
    acq = Acquisition(n_channels=16, channel_spacing_m=0.075, trace_spacing_m=0.025, n_samples=256)
    model = RoadModel(5.0, frame=TrackFrame(line, "EPSG:4545"), seed=4)
    s = simulate(model, acq)
    validate(s)
    assert s.shape == (16, 201, 256)
    np.testing.assert_allclose(s.offset_m.values, (np.arange(16) - 7.5) * 0.075)  # ascending (data model)
    # channels are spaced 7.5 cm across the track, traces 2.5 cm along it
    dx = np.hypot(np.diff(s.x.values, axis=0), np.diff(s.y.values, axis=0))
    np.testing.assert_allclose(dx, 0.075, atol=1e-6)
    step = np.hypot(np.diff(s.x.values[0]), np.diff(s.y.values[0]))
    np.testing.assert_allclose(step, 0.025, atol=1e-6)
    assert s.attrs["crs"] == "EPSG:4545"
    assert 108 < float(s.lon.mean()) < 109 and 30 < float(s.lat.mean()) < 31
    # reproducible
    s2 = simulate(model, acq)
    np.testing.assert_array_equal(s.values, s2.values)
