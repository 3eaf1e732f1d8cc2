"""The direct wave's lag under low-frequency antennas (``prepare.DIRECT_WAVE_LAG_LOW``).

Where no layer reflection stands out, the polarity reference is the first arrival's opposite phase
turned by a lag: where a reflection into a slower medium lies past it. The first arrival mixes the
wave through the air, the one along the ground and the surface's echo, and how far it stands from
a far reflection's wavelet is set by the antenna's height and the dipoles' separation in
wavelengths: a few centimetres are a smaller part of a longer wavelength, and the lag shrinks.
Measured on the blind full-wave lines (dipoles 2 cm up) as the detector reads them: median 3
degrees at 200 MHz, 30 at 400, 47 at 900; one lag of 50 degrees at every frequency called four
200-250 MHz wet lenses cavities and a 200 MHz metal pipe a cavity until the sixty-second session."""

from __future__ import annotations

import itertools
import math

import pytest

import roadhealth.detect.prepare as P
from roadhealth.detect.prepare import Prepared, direct_wave_lag_deg, relative_polarity


def test_the_lag_is_the_low_one_under_long_wavelengths_and_the_calibrated_one_above():
    f_low, lag_low, f_full = P.DIRECT_WAVE_LAG_LOW
    assert direct_wave_lag_deg(100.0) == lag_low == direct_wave_lag_deg(f_low)
    assert direct_wave_lag_deg(f_full) == P.DIRECT_WAVE_LAG_DEG == direct_wave_lag_deg(900.0)
    lags = [direct_wave_lag_deg(f) for f in (f_low, 230.0, 260.0, 300.0, f_full)]
    assert all(a < b for a, b in itertools.pairwise(lags))  # rising with the frequency in between
    # log-linear: halfway in log frequency, halfway in lag
    mid = math.sqrt(f_low * f_full)
    assert direct_wave_lag_deg(mid) == pytest.approx(0.5 * (lag_low + P.DIRECT_WAVE_LAG_DEG))
    assert direct_wave_lag_deg(float("nan")) == P.DIRECT_WAVE_LAG_DEG  # unknown: the calibrated one


def test_off_it_is_one_lag_at_every_frequency(monkeypatch):
    monkeypatch.setattr(P, "DIRECT_WAVE_LAG_LOW", None)
    assert direct_wave_lag_deg(200.0) == direct_wave_lag_deg(900.0) == P.DIRECT_WAVE_LAG_DEG


def _prepared(centre_mhz):
    return Prepared(survey=None, centre_mhz=centre_mhz, velocity_m_per_ns=0.1, velocity_source="test",
                    surface_polarity=-1, surface_measured=True, surface_ns=0.0,
                    first_arrival_phase_rad=math.radians(10.0),
                    polarity_source="opposite of the direct wave (ground-coupled first arrival)")


@pytest.mark.parametrize("centre_mhz", [200.0, 900.0])
def test_the_reference_follows_the_antennas_lag_and_says_it(centre_mhz):
    pr = _prepared(centre_mhz)
    lag = direct_wave_lag_deg(centre_mhz)
    expected = math.radians(10.0 + 180.0 + lag)
    assert math.remainder(pr.polarity_reference_rad - expected, 2 * math.pi) == pytest.approx(0.0, abs=1e-12)
    assert f"opposite and {lag:.0f} degrees later" in pr.polarity_reference


def test_a_wet_top_at_200_mhz_reads_wet_where_the_one_lag_read_it_undefined():
    """A slower body's top whose phase lies 15 degrees past the first arrival's opposite, as the
    blind 200 MHz lines' layers do: the 50-degree lag put it 35 degrees before the reference, near
    the undefined middle; the low-frequency lag puts it on the reference."""
    pr = _prepared(200.0)
    top = math.radians(10.0 + 180.0 + 15.0)
    assert relative_polarity(top, pr.polarity_reference_rad) == pytest.approx(-1.0)
    one_lag = math.radians(10.0 + 180.0 + P.DIRECT_WAVE_LAG_DEG)
    assert relative_polarity(top, one_lag) > -0.3
