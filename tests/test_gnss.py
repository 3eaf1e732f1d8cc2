"""GNSS parsing: real companion files, NMEA edge cases, bad checksums, tying by time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadhealth.errors import FormatError, GeoreferenceError
from roadhealth.io.gnss import (
    GnssFixes,
    nmea_checksum,
    parse_nmea,
    read_dzg,
    read_mala_cor,
    read_nmea_file,
    read_sensors_gps,
    tie_by_time,
)

DZG = "gssi/impdar_sir4000/test_gssi.DZG"
COR = "mala/impdar_ten_col/ten_col.cor"
GPS = "pulseekko/rgpr_isola_grid/YLINEA0.GPS"


def sentence(body: str) -> str:
    """``$body*HH`` with a correct checksum."""
    return f"${body}*{nmea_checksum(body)}"


# ---------------------------------------------------------------------------------------------
# Real companion files
# ---------------------------------------------------------------------------------------------


def test_dzg_real(samples_dir, expected):
    f = read_dzg(samples_dir / DZG, n_traces=345)
    assert isinstance(f, GnssFixes)
    assert len(f) == 14 == expected["gssi/impdar_sir4000/test_gssi.DZT"]["gps_fix_count"]
    np.testing.assert_array_equal(f.trace, np.arange(23, 336, 24))
    np.testing.assert_allclose(f.lat, 47 + 39.2552 / 60, rtol=0, atol=1e-12)
    np.testing.assert_allclose(f.lon, -(122 + 18.5815 / 60), rtol=0, atol=1e-12)
    np.testing.assert_allclose(f.lat, 47.6542533, atol=1e-7)
    np.testing.assert_allclose(f.lon, -122.3096917, atol=1e-7)
    assert np.all(np.isnan(f.elevation_m))  # empty altitude field
    np.testing.assert_array_equal(f.quality, 0)  # kept, flagged
    np.testing.assert_array_equal(f.n_satellites, 0)
    assert any("quality 0" in n for n in f.notes)
    # GGA has time of day only: 00:03:20, one second per fix
    secs = (f.time - f.time[0]).astype("timedelta64[ms]").astype(float) / 1000
    np.testing.assert_allclose(secs, np.arange(14))


def test_dzg_date_given(samples_dir):
    f = read_dzg(samples_dir / DZG, date="2017-12-16")
    assert f.time[0] == np.datetime64("2017-12-16T00:03:20")


def test_mala_cor_real(samples_dir):
    f = read_mala_cor(samples_dir / COR)
    # 1-based trace numbers 7, 18, 27 -> 0-based indices
    np.testing.assert_array_equal(f.trace, [6, 17, 26])
    np.testing.assert_allclose(f.lat, [75.63203000000, 75.63203166667, 75.63203166667], atol=1e-12)
    np.testing.assert_allclose(
        f.lon, [-35.98767333333, -35.98767333333, -35.98765500000], atol=1e-12
    )
    np.testing.assert_allclose(f.elevation_m, [2663.650, 2663.610, 2662.740])
    np.testing.assert_allclose(f.accuracy_m, 0.8)
    assert f.time[0] == np.datetime64("2019-07-26T16:58:43")
    np.testing.assert_array_equal(f.quality, -1)


def test_sensors_gps_real(samples_dir, expected):
    f = read_sensors_gps(samples_dir / GPS)
    assert len(f) == 195 == expected["pulseekko/rgpr_isola_grid/YLINEA0.DT1"]["gps_fix_count"]
    np.testing.assert_array_equal(f.trace, np.arange(195))  # "Trace #N" -> N - 1
    # position from the GGA (4624.895686N 00944.015529E, 1800.72 m), not the RMC
    assert f.lat[0] == pytest.approx(46 + 24.895686 / 60, abs=1e-12)
    assert f.lat[0] == pytest.approx(46.4149281, abs=1e-7)
    assert f.lon[0] == pytest.approx(9 + 44.015529 / 60, abs=1e-12)
    assert f.elevation_m[0] == pytest.approx(1800.72)
    np.testing.assert_array_equal(f.quality, 1)
    assert f.n_satellites[0] == 6 and f.hdop[0] == pytest.approx(1.5)
    # GGA time, RMC date (the RMC of the block is 1 s earlier)
    assert f.time[0] == np.datetime64("2014-03-11T14:20:08")
    assert f.lat[-1] == pytest.approx(46 + 24.905223 / 60, abs=1e-12)
    assert f.lon[-1] == pytest.approx(9 + 43.983683 / 60, abs=1e-12)
    # ImpDAR's lat[0]/elev[0] (46.41491718333334, 1799.69) are the GGA of block "Trace #5":
    assert f.lat[4] == pytest.approx(46.41491718333334, abs=1e-12)
    assert f.elevation_m[4] == pytest.approx(1799.69)


# ---------------------------------------------------------------------------------------------
# NMEA parsing
# ---------------------------------------------------------------------------------------------


def test_gga_rmc_any_talker_and_hemispheres():
    lines = [
        sentence("GNGGA,123519.50,3048.000000,N,10824.000000,E,4,12,0.8,185.25,M,-25.0,M,1.0,0001"),
        sentence("BDRMC,123519.50,A,3348.500000,S,07012.250000,W,10.0,90.0,230394,,,A"),
        sentence("GLGGA,000000,0000.0000,N,00000.0000,E,1,05,1.0,0.0,M,,M,,"),
        sentence("GBGGA,000001,8959.9999,S,17959.9999,W,2,05,1.0,-12.5,M,,M,,"),
    ]
    recs = parse_nmea(lines)
    assert [r["kind"] for r in recs] == ["GGA", "RMC", "GGA", "GGA"]
    assert [r["talker"] for r in recs] == ["GN", "BD", "GL", "GB"]
    assert recs[0]["lat"] == pytest.approx(30.8) and recs[0]["lon"] == pytest.approx(108.4)
    assert recs[0]["quality"] == 4 and recs[0]["n_satellites"] == 12
    assert recs[0]["elevation_m"] == pytest.approx(185.25)
    assert recs[0]["time_s"] == pytest.approx(12 * 3600 + 35 * 60 + 19.5)
    assert recs[1]["lat"] == pytest.approx(-(33 + 48.5 / 60))
    assert recs[1]["lon"] == pytest.approx(-(70 + 12.25 / 60))
    assert recs[1]["date"] == "1994-03-23"
    assert recs[3]["lat"] == pytest.approx(-(89 + 59.9999 / 60))
    assert recs[3]["lon"] == pytest.approx(-(179 + 59.9999 / 60))


def test_gga_empty_fields():
    recs = parse_nmea([sentence("GPGGA,000320,4739.2552,N,12218.5815,W,0,00,,,M,,M,,")])
    r = recs[0]
    assert r["quality"] == 0 and r["n_satellites"] == 0
    assert np.isnan(r["elevation_m"]) and np.isnan(r["hdop"])
    recs = parse_nmea([sentence("GPGGA,,,,,,0,,,,,,,,")])
    assert (
        np.isnan(recs[0]["lat"]) and np.isnan(recs[0]["time_s"]) and recs[0]["n_satellites"] == -1
    )


def test_checksum_failures_are_counted():
    good = sentence("GPGGA,120000,3048.0,N,10824.0,E,1,08,1.0,100.0,M,,M,,")
    bad = good[:-2] + ("00" if good[-2:] != "00" else "11")
    no_sum = "$GPGGA,120001,3048.0,N,10824.0,E,1,08,1.0,100.0,M,,M,,"
    garbled = good.replace("3048.0", "30X8.0")
    notes: list[str] = []
    recs = parse_nmea(
        [good, bad, "random text", no_sum, garbled, "$GPGSV,1,1,00*79"],
        source="f.nmea",
        notes=notes,
    )
    assert len(recs) == 2  # good + sentence without checksum
    assert recs.n_bad_checksum == 2  # the wrong checksum and the garbled body
    assert recs.skipped["checksum"] == [1, 4]
    assert any("bad checksum" in n and "f.nmea" in n for n in notes)


def test_malformed_fields_are_skipped_not_raised():
    lines = [
        "$GPGGA,12,3048.0,N,10824.0,E,1,08,1.0,100.0,M,,M,,",  # bad time
        "$GPGGA,120000,3098.0,N,10824.0,E,1,08,1.0,100.0,M,,M,,",  # 98 minutes
        "$GPGGA,120000,3048.0,Q,10824.0,E,1,08,1.0,100.0,M,,M,,",  # bad hemisphere
        "$GPGGA,120000,3048.0,N",  # truncated
        "$GPRMC,120000,A,3048.0,N,10824.0,E,0.0,0.0,310299,,",  # 31 Feb
    ]
    recs = parse_nmea(lines)
    assert len(recs) == 0
    assert len(recs.skipped["malformed"]) == 5


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text())
def test_parse_nmea_never_raises_on_arbitrary_text(text):
    recs = parse_nmea(text)
    assert isinstance(recs, list)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["GPGGA", "GNRMC", "BDGGA", "GPRMC"]),
    st.lists(st.text(alphabet="0123456789.,-NSEWAVM*", max_size=12), max_size=16),
    st.booleans(),
)
def test_parse_nmea_never_raises_on_nmea_like_text(address, fields, with_sum):
    body = ",".join([address, *fields])
    line = sentence(body) if with_sum else "$" + body
    recs = parse_nmea([line, line.encode("latin-1")])
    for r in recs:
        assert np.isnan(r["lat"]) or -90 <= r["lat"] <= 90
        assert np.isnan(r["lon"]) or -180 <= r["lon"] <= 180


# ---------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------


def test_bad_files_raise_format_error(tmp_path):
    p = tmp_path / "x.DZG"
    p.write_text("nothing here\n")
    with pytest.raises(FormatError, match=r"\$GSSIS"):
        read_dzg(p)
    with pytest.raises(FormatError, match="Trace #"):
        read_sensors_gps(p)
    with pytest.raises(FormatError):
        read_dzg(tmp_path / "missing.DZG")
    cor = tmp_path / "x.cor"
    cor.write_text("7\t2019-07-26\t16:58:43\t75.6\tN\n")
    with pytest.raises(FormatError, match="columns"):
        read_mala_cor(cor)
    cor.write_text("7\t2019-07-26\t16:58:43\tabc\tN\t35.9\tW\t2663.6\tM\t0.8\n")
    with pytest.raises(FormatError, match="latitude"):
        read_mala_cor(cor)
    cor.write_text("")
    with pytest.raises(FormatError):
        read_mala_cor(cor)


def test_truncated_dzg_gives_notes(tmp_path, samples_dir):
    text = (samples_dir / DZG).read_text()
    cut = text[: len(text) // 2 - 7]  # last sentence cut in the middle
    p = tmp_path / "cut.DZG"
    p.write_text(cut + "\n$GSSIS,999,-1\n$GPGGA,000399,4739.2552,N,12218.58")
    f = read_dzg(p)
    assert 1 <= len(f) < 14
    assert np.all(np.isfinite(f.lat))


# ---------------------------------------------------------------------------------------------
# Plain NMEA logs and tying by time
# ---------------------------------------------------------------------------------------------


def test_read_nmea_file_and_tie_by_time(tmp_path):
    lines = []
    for k in range(5):
        t = f"1200{k:02d}.00"
        lat = f"3048.{k:06d}"
        lines.append(sentence(f"GNRMC,{t},A,{lat},N,10824.000000,E,1.0,0.0,150524,,,A"))
        lines.append(sentence(f"GNGGA,{t},{lat},N,10824.000000,E,4,20,0.6,200.{k},M,,M,,"))
    lines.append("$GNGSA,A,3,01,02,03,,,,,,,,,,1.0,0.6,0.8*2D")
    p = tmp_path / "log.nmea"
    p.write_text("\r\n".join(lines))
    f = read_nmea_file(p)
    assert len(f) == 5
    assert np.all(np.isnan(f.trace))
    np.testing.assert_array_equal(f.quality, 4)
    np.testing.assert_allclose(f.elevation_m, [200.0, 200.1, 200.2, 200.3, 200.4])
    assert f.time[0] == np.datetime64("2024-05-15T12:00:00")
    # traces every 0.5 s from 11:59:59.5
    trace_times = np.datetime64("2024-05-15T11:59:59.500") + np.arange(20) * np.timedelta64(
        500, "ms"
    )
    tied = tie_by_time(f, trace_times)
    np.testing.assert_allclose(tied.trace, [1, 3, 5, 7, 9])
    tied2 = read_nmea_file(p, trace_times=trace_times[4:])  # first fixes precede the recording
    np.testing.assert_allclose(tied2.trace, [-3, -1, 1, 3, 5])
    assert any("outside the recording" in n for n in tied2.notes)
    with pytest.raises(GeoreferenceError):
        tie_by_time(f, trace_times[::-1])


def test_gga_only_log_uses_given_date_and_rolls_over_midnight(tmp_path):
    lines = [
        sentence("GPGGA,235959.00,3048.0,N,10824.0,E,1,08,1.0,100.0,M,,M,,"),
        sentence("GPGGA,000000.00,3048.0,N,10824.0,E,1,08,1.0,100.0,M,,M,,"),
    ]
    p = tmp_path / "gga.nmea"
    p.write_text("\n".join(lines))
    f = read_nmea_file(p, date="2024-12-31")
    assert f.time[0] == np.datetime64("2024-12-31T23:59:59")
    assert f.time[1] == np.datetime64("2025-01-01T00:00:00")


def test_tie_by_mark_pairs_fixes_with_marked_traces_in_order():
    from roadhealth.io.gnss import GnssFixes, tie_by_mark

    n = 3
    fixes = GnssFixes(trace=np.full(n, np.nan), lon=np.array([108.0, 108.001, 108.002]),
                      lat=np.full(n, 30.8), elevation_m=np.full(n, np.nan),
                      time=np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
                      quality=np.ones(n, int), n_satellites=np.full(n, -1), hdop=np.full(n, np.nan), source="log")
    marks = np.zeros(100, bool)
    marks[[5, 40, 90]] = True
    tied = tie_by_mark(fixes, marks)
    np.testing.assert_array_equal(tied.trace, [5, 40, 90])
    short = tie_by_mark(fixes, marks & (np.arange(100) < 50))
    np.testing.assert_array_equal(short.trace[:2], [5, 40])
    assert np.isnan(short.trace[2]) and "2 paired" in short.notes[-1]
    with pytest.raises(GeoreferenceError, match="no marks"):
        tie_by_mark(fixes, np.zeros(10, bool))
