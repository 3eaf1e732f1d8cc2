"""GSSI ``.DZT`` radar files (SIR-3000, SIR-4000, SIR-20/30, UtilityScan, StructureScan ...).

Layout
------
A DZT file starts with one 1024-byte header per channel (``struct tagRFHeader`` in GSSI's
documentation; the field names below are GSSI's). The sample block starts at

* ``rh_data * 1024`` when ``rh_data < 1024`` (SIR-4000 and later write ``rh_data = 128``, i.e. a
  131072-byte header), otherwise
* ``1024 * rh_nchan`` (older systems write ``rh_data = 1024`` for single-channel files).

Samples are little-endian words of ``rh_bits`` bits, ``rh_nsamp`` per scan; channels are
interleaved scan by scan (scan 0 of channel 0, scan 0 of channel 1, ..., scan 1 of channel 0 ...).
The trace count is not stored: it is the data length divided by ``rh_nchan * rh_nsamp * bytes``.

Values
------
* 8- and 16-bit words are stored **unsigned** with a binary offset of 2**(bits-1) (0x80, 0x8000);
  ``rh_zero`` is meant to hold it but is 0 in many SIR-3000 files, so it is not trusted.
  roadhealth removes the offset exactly: 16-bit words become ``int16`` (``v - 32768``), 8-bit
  words ``int8`` (``v - 128``); ``attrs["raw_offset"]`` holds the offset that was removed, so the
  stored words are ``survey + attrs["raw_offset"]``.
* 32-bit words are signed ``int32`` and kept as they are (``raw_offset`` 0).
* Words 0 and 1 of every scan are not radar samples on SIR-3000/4000-era systems: word 0 is the
  scan (trace) number, word 1 a mark flag. They are kept in the data (a reader never rewrites
  samples), decoded into the ``trace_number`` and ``mark`` coordinates, and announced by
  ``attrs["header_words"] = 2`` so processing (time zero) ignores them. They are recognised by word
  0 counting up by one from scan to scan; files where it does not get ``header_words = 0``.

Time and distance
-----------------
``dt_ns = rhf_range / rh_nsamp`` and ``twt_ns`` starts at 0 at the first stored sample.
``rhf_position`` (ns) is kept in ``attrs["header"]``; time zero is found from the data by
:mod:`roadhealth.processing`. Along-track distance is ``trace / rhf_spm`` when a survey wheel was
used (``rhf_spm > 0``), else the trace index; a ``time`` coordinate is ``created + trace / rhf_sps``
when ``rhf_sps > 0``. Companion files: ``.DZG`` (GNSS; see :func:`roadhealth.io.gnss.read_dzg`)
and ``.DZX`` (XML; its scan range is compared with the data and a disagreement is warned about).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

import numpy as np

from roadhealth.constants import C0_M_PER_NS
from roadhealth.errors import FormatError
from roadhealth.io._common import (
    antenna_mhz_from_name,
    atomic_write,
    check_dt,
    file_channel_order,
    find_companion,
    lazy_or_loaded,
    memmap_traces,
    want_lazy,
    warn,
)
from roadhealth.survey import make_survey

__all__ = ["HEADER_DTYPE", "read_dzt", "read_dzt_header", "sniff_dzt", "write_dzt"]

MINHEADSIZE = 1024  # bytes of one channel header
PARAREASIZE = 128  # bytes of fixed fields at the start of a channel header

#: One DZT channel header (``tagRFHeader``), little-endian, GSSI's field names and byte offsets.
HEADER_DTYPE = np.dtype(
    {
        "names": [
            "rh_tag", "rh_data", "rh_nsamp", "rh_bits", "rh_zero",
            "rhf_sps", "rhf_spm", "rhf_mpm", "rhf_position", "rhf_range",
            "rh_npass", "rhb_cdt", "rhb_mdt",
            "rh_rgain", "rh_nrgain", "rh_text", "rh_ntext", "rh_proc", "rh_nproc", "rh_nchan",
            "rhf_epsr", "rhf_top", "rhf_depth", "rhf_coordx", "rhf_servo_level",
            "rh_accomp", "rh_sconfig", "rh_spp", "rh_linenum", "rhf_coordy",
            "rh_lineorder", "rh_dtype", "rh_antname", "rh_pass0TX", "rh_version",
            "rh_name", "rh_chksum",
        ],
        "formats": [
            "<u2", "<u2", "<u2", "<u2", "<i2",   # 0 tag, 2 data offset, 4 samples/scan, 6 bits, 8 binary offset
            "<f4", "<f4", "<f4", "<f4", "<f4",   # 10 scans/s, 14 scans/m, 18 m/mark, 22 position ns, 26 range ns
            "<u2", "<u4", "<u4",                 # 30 passes, 32 created, 36 modified (packed dates)
            "<u2", "<u2", "<u2", "<u2", "<u2", "<u2", "<u2",  # 40..52 offsets/sizes of gain, text, proc; nchan
            "<f4", "<f4", "<f4", ("<f4", 2), "<f4",           # 54 epsr, 58 top m, 62 depth m, 66 coordx, 74 servo
            "u1", "<i2", "<i2", "<i2", ("<f4", 2),            # 81 accomp, 82 config, 84 scans/pass, 86 line, 88 coordy
            "u1", "u1", "S14", "u1", "u1",                   # 96 line order, 97 data type, 98 antenna, 112 TX mask, 113 version
            "S12", "<u2",                                    # 114 file name, 126 checksum
        ],
        "offsets": [
            0, 2, 4, 6, 8,
            10, 14, 18, 22, 26,
            30, 32, 36,
            40, 42, 44, 46, 48, 50, 52,
            54, 58, 62, 66, 74,
            81, 82, 84, 86, 88,
            96, 97, 98, 112, 113,
            114, 126,
        ],
        "itemsize": MINHEADSIZE,
    }
)

#: rh_system codes seen in real files (high 5 bits of byte 113); others are reported by number.
_SYSTEMS = {0: "(system not recorded)", 3: "SIR-3000", 8: "SIR-4000"}

_WORD = {8: np.dtype("u1"), 16: np.dtype("<u2"), 32: np.dtype("<i4")}

#: GSSI antenna model numbers -> centre frequency, MHz (GSSI antenna catalogue).
ANTENNA_MHZ: dict[str, float] = {
    "3101": 900, "3101A": 900, "3101D": 900, "3102": 500, "3102A": 500, "3105": 2000,
    "3107": 1000, "3108": 500, "3110": 120, "3111": 200, "3112": 200, "3200": 20,
    "3207": 100, "3207AP": 100, "5100": 1500, "5100B": 1500, "5103": 400, "5103A": 400,
    "5104": 200, "5104A": 200, "5106": 200, "5106A": 200, "50300": 300, "50300S": 300,
    "50270": 270, "50270S": 270, "50400": 400, "50400S": 400, "62000": 2000, "62000-003": 2000,
    "62300": 300, "62300XT": 300, "52600": 2600, "52600S": 2600, "42000": 2000, "42000S": 2000,
    "41000": 1000, "41000S": 1000, "D50800": 800, "51600": 1600, "51600S": 1600, "3101S": 900,
}


def read_dzt_header(path: str | os.PathLike) -> list[dict]:
    """Parse the channel headers of a DZT file.

    Returns
    -------
    list of dict
        One dict per channel with GSSI's field names (``rh_nsamp``, ``rhf_range`` ...), decoded
        dates (``created``, ``modified`` as ISO strings or None), the antenna name and frequency,
        the gain points and the computed ``data_offset``.

    Raises
    ------
    FormatError
        If the file is too short or a field is out of its valid range.
    """
    size = os.path.getsize(path)
    if size < MINHEADSIZE:
        raise FormatError(path, "header", f"file is {size} bytes; a DZT header needs at least {MINHEADSIZE}")
    with open(path, "rb") as f:
        first = np.frombuffer(f.read(MINHEADSIZE), dtype=HEADER_DTYPE)[0]
        nchan = int(first["rh_nchan"])
        if not 1 <= nchan <= 64:
            raise FormatError(path, "rh_nchan", f"expected 1..64 channels; got {nchan}")
        if size < MINHEADSIZE * nchan:
            raise FormatError(path, "header", f"file is {size} bytes; {nchan} channel headers need {MINHEADSIZE * nchan}")
        f.seek(0)
        raw = f.read(MINHEADSIZE * nchan)
    recs = np.frombuffer(raw, dtype=HEADER_DTYPE, count=nchan)
    headers = []
    for ch in range(nchan):
        h = _decode_header(path, recs[ch], raw[ch * MINHEADSIZE : (ch + 1) * MINHEADSIZE], ch)
        headers.append(h)
    h0 = headers[0]
    rh_data = int(first["rh_data"])
    h0["data_offset"] = rh_data * MINHEADSIZE if rh_data < MINHEADSIZE else MINHEADSIZE * nchan
    if h0["data_offset"] < MINHEADSIZE * nchan:
        raise FormatError(path, "rh_data", f"data offset {h0['data_offset']} bytes (rh_data={rh_data}) would start "
                          f"inside the {nchan} channel header(s) of {MINHEADSIZE} bytes each")
    # SIR-4000 files keep the range-gain block beyond the first 1024 bytes (inside their
    # 128 kB header): read it from the file when it lies before the data
    if h0["rh_nrgain"] and h0["rh_rgain"] >= MINHEADSIZE and h0["rh_rgain"] + h0["rh_nrgain"] <= h0["data_offset"]:
        with open(path, "rb") as f:
            f.seek(h0["rh_rgain"])
            block = f.read(h0["rh_nrgain"])
        h0["rh_rgain_bytes"] = block.hex()
        h0["gain_points_db"] = _gain_points(block, 0, len(block))
    for h in headers[1:]:
        h["data_offset"] = h0["data_offset"]
        for key in ("rh_nsamp", "rh_bits"):
            if h[key] != h0[key]:
                raise FormatError(path, key, f"channel {h['channel']} has {h[key]}, channel 0 has {h0[key]}; "
                                  "channels of one file must agree")
    return headers


def _decode_header(path, rec: np.void, raw: bytes, channel: int) -> dict:
    h: dict = {"channel": channel}
    for name in HEADER_DTYPE.names:
        v = rec[name]
        if isinstance(v, bytes):
            h[name] = v.split(b"\x00", 1)[0].decode("latin-1").strip()
        elif isinstance(v, np.ndarray):
            h[name] = [float(x) for x in v]
        elif isinstance(v, np.floating):
            h[name] = float(v)
        else:
            h[name] = int(v)
    if channel == 0:
        bits = h["rh_bits"]
        if bits not in _WORD:
            raise FormatError(path, "rh_bits", f"expected 8, 16 or 32 bits per sample; got {bits}")
        if h["rh_nsamp"] < 2:
            raise FormatError(path, "rh_nsamp", f"expected at least 2 samples per scan; got {h['rh_nsamp']}")
        rng = h["rhf_range"]
        if not (np.isfinite(rng) and 0 < rng < 1e6):
            raise FormatError(path, "rhf_range", f"expected a positive time range in ns; got {rng}")
        check_dt(path, "rhf_range", rng / h["rh_nsamp"], h["rh_nsamp"])  # the interval it implies, as other readers check
        for key in ("rhf_sps", "rhf_spm"):
            if not (np.isfinite(h[key]) and (h[key] == 0 or 1e-3 <= h[key] < 1e7)):
                raise FormatError(path, key, f"expected 0 (not used) or a rate of 0.001..1e7 per s or m; got {h[key]}")
    h["rh_system"] = h["rh_version"] >> 3  # high 5 bits: system type; low 3: header version
    h["created"] = _decode_date(rec["rhb_cdt"])
    h["modified"] = _decode_date(rec["rhb_mdt"])
    h["antenna_name"] = h["rh_antname"]
    h["antenna_mhz"] = antenna_frequency(h["rh_antname"])
    h["gain_points_db"] = _gain_points(raw, h["rh_rgain"], h["rh_nrgain"])
    # the range-gain block as stored, so nothing is lost when its layout is not the documented one
    # (SIR-4000 files put it beyond the first 1024 bytes, which only the full header read covers)
    h["rh_rgain_bytes"] = raw[h["rh_rgain"] : h["rh_rgain"] + h["rh_nrgain"]].hex()
    text = raw[h["rh_text"] : h["rh_text"] + h["rh_ntext"]] if h["rh_text"] < len(raw) else b""
    h["text"] = text.split(b"\x00", 1)[0].decode("latin-1")
    m = re.search(r"offset_m=([-+0-9.eE,\s]+)", h["text"])
    h["text_offset_m"] = None
    if m:
        try:
            h["text_offset_m"] = [float(v) for v in m.group(1).split(",") if v.strip()]
        except ValueError:
            h["text_offset_m"] = None
    h["rh_proc_bytes"] = raw[h["rh_proc"] : h["rh_proc"] + h["rh_nproc"]].hex() if h["rh_proc"] < len(raw) else ""
    return h


def _decode_date(word) -> str | None:
    """GSSI packed date: sec/2:5, min:6, hour:5, day:5, month:4, year-1980:7 (LSB first)."""
    w = int(word)
    if w == 0:
        return None
    sec = (w & 0x1F) * 2
    minute = (w >> 5) & 0x3F
    hour = (w >> 11) & 0x1F
    day = (w >> 16) & 0x1F
    month = (w >> 21) & 0x0F
    year = ((w >> 25) & 0x7F) + 1980
    try:
        return _dt.datetime(year, month, day, hour, minute, sec, tzinfo=_dt.UTC).isoformat()
    except ValueError:
        return None


def _encode_date(when: _dt.datetime | None) -> int:
    if when is None:
        return 0
    return (
        (when.second // 2)
        | (when.minute << 5)
        | (when.hour << 11)
        | (when.day << 16)
        | (when.month << 21)
        | ((when.year - 1980) << 25)
    )


def _gain_points(raw: bytes, offset: int, size: int) -> list[float] | None:
    """Range-gain breakpoints (dB): a uint16 count then float32 values, when present and plausible."""
    if size < 6 or offset + size > len(raw):
        return None
    n = int(np.frombuffer(raw, "<u2", count=1, offset=offset)[0])
    if n == 0 or 2 + 4 * n > size:
        return None
    vals = np.frombuffer(raw, "<f4", count=n, offset=offset + 2)
    if not np.all(np.isfinite(vals)) or np.any(np.abs(vals) > 200) or np.any((vals != 0) & (np.abs(vals) < 1e-6)):
        return None
    return [float(v) for v in vals]


def antenna_frequency(name: str) -> float | None:
    """Centre frequency (MHz) of a GSSI antenna from its model number or a name like ``"400MHz"``."""
    if not name:
        return None
    key = name.strip().upper()
    if key in ANTENNA_MHZ:
        return float(ANTENNA_MHZ[key])
    m = re.match(r"^(D?\d{4,5}[A-Z]*)", key)
    if m and m.group(1) in ANTENNA_MHZ:
        return float(ANTENNA_MHZ[m.group(1)])
    if re.search(r"MHZ|GHZ", key):
        return antenna_mhz_from_name(name)
    return None


def sniff_dzt(path: str | os.PathLike, head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) looks like a DZT header."""
    if len(head) < PARAREASIZE:
        return False
    rec = np.frombuffer(head[:PARAREASIZE].ljust(MINHEADSIZE, b"\0"), dtype=HEADER_DTYPE)[0]
    rng = float(rec["rhf_range"])
    return (
        int(rec["rh_bits"]) in _WORD
        and 2 <= int(rec["rh_nsamp"]) <= 65535
        and 1 <= int(rec["rh_nchan"]) <= 64
        and np.isfinite(rng)
        and 0 < rng < 1e6
    )


def read_dzt(
    path: str | os.PathLike,
    *,
    lazy: bool | None = None,
    crs: str | None = None,
    gnss: bool = True,
    lever_arm_m: tuple[float, float] | None = None,
    latency_s: float = 0.0,
    antenna_mhz: float | None = None,
    offset_m=None,
    channels=None,
):
    """Read a GSSI DZT file (all channels, or those chosen) into a survey.

    Parameters
    ----------
    path : path-like
        The ``.DZT`` file. Companions with the same stem (``.DZG``, ``.DZX``) are read when present.
    lazy : bool or None
        True: a dask array that streams the file in chunks of ``io._common.CHUNK_BYTES`` along
        ``trace`` (nothing is read until computed). False: read into memory. None: lazy for files
        over 256 MiB.
    crs : str, optional
        Target CRS of ``x``/``y`` when GNSS is present (default: the UTM zone of the data).
    gnss : bool
        Read the ``.DZG`` companion and georeference the traces.
    lever_arm_m : (float, float), optional
        GNSS antenna position relative to the array centre, m: ``(along, across)``, along
        positive forward, across positive left (see :func:`roadhealth.io.georef.georeference`).
    latency_s : float
        GNSS latency, s (positive: fixes tagged to traces recorded after the position was valid).
    antenna_mhz : float, optional
        Override the antenna centre frequency (when the header's antenna name is unknown).
    offset_m : sequence of float, optional
        Across-track offset of each channel, m (positive to the left). DZT has no standard field
        for it; files written by roadhealth keep it in the header text area (``offset_m=...``),
        which is used when this is not given. Otherwise 0 for every channel, with
        ``attrs["offset_source"]`` saying so. With ``channels``, one offset per chosen channel.
    channels : int or sequence of int, optional
        The channels to read (indices in the file, from 0); default all. Channels that record
        different time windows (``rhf_range``: a dual-frequency antenna's) cannot share one time
        axis and must be read apart; reading them together raises a :class:`FormatError`.

    Returns
    -------
    xarray.DataArray
        dims ``(channel, trace, sample)``; int8/int16/int32 values (see module docstring).
        Channels in ascending ``offset_m``; when the file stores them in another order,
        ``source_channel`` holds each one's index in the file (:func:`write_dzt` writes them
        back in that order).
    """
    path = Path(path)
    headers = read_dzt_header(path)
    nchan = len(headers)
    sel = _chosen_channels(path, channels, nchan)
    # each channel's time window: a secondary header left unfilled (no positive range) shares the
    # first channel's, which is checked (scan-level fields, sps, spm and the dates, are the first
    # channel's: the scans are one)
    ranges = [_channel_range(headers, i) for i in sel]
    if max(ranges) - min(ranges) > 1e-6 * max(ranges):
        listed = ", ".join(f"channel {i}: {r:g} ns" for i, r in zip(sel, ranges, strict=True))
        raise FormatError(path, "rhf_range", f"the channels record different time windows ({listed}); one survey "
                          "has one time axis: read them apart, e.g. read(path, channels=[0])")
    h0 = headers[0]
    window_ns = ranges[0]
    nsamp, bits = h0["rh_nsamp"], h0["rh_bits"]
    word = _WORD[bits]
    offset = h0["data_offset"]
    size = path.stat().st_size
    if size < offset:
        raise FormatError(path, "rh_data", f"data should start at byte {offset} but the file has only {size} bytes")
    scan_bytes = nchan * nsamp * word.itemsize
    n_trace, extra = divmod(size - offset, scan_bytes)
    if n_trace == 0:
        raise FormatError(path, "data", f"no complete scan: {size - offset} data bytes, one scan is {scan_bytes} "
                          f"({nchan} channel(s) x {nsamp} samples x {bits} bits)")
    if extra:
        warn(f"{path}: the sample block ({size - offset} bytes) is not a whole number of scans of "
             f"{scan_bytes} bytes; the last {extra} bytes (an incomplete scan) were not read")
    block = memmap_traces(path, offset, word, (n_trace, nchan, nsamp))
    lazy_flag = want_lazy(lazy, n_trace * scan_bytes)

    raw_offset = {8: 128, 16: 32768, 32: 0}[bits]
    convert = _remove_offset if bits in (8, 16) else None
    data = lazy_or_loaded(block, lazy_flag, trace_axis=0, convert=convert)
    data = data.transpose(1, 0, 2)
    if sel != list(range(nchan)):
        data = data[sel]
    if not lazy_flag:
        data = np.ascontiguousarray(data)

    # Header words: word 0 a scan counter, word 1 a mark flag. Recognised from the first scans
    # (a few kB); for a lazy survey the two coordinates stay lazy too, so opening reads no data.
    coords: dict = {}
    header_words = 0
    if n_trace and nsamp > 2:
        n_probe = min(n_trace, 256)
        probe = np.fromfile(path, dtype=word, count=n_probe * nchan * nsamp, offset=offset)
        probe = probe.reshape(n_probe, nchan, nsamp)[:, 0, :2].astype(np.int64)
        modulus = 1 << bits
        steps = np.mod(np.diff(probe[:, 0]), modulus)
        if (n_probe == 1 and probe[0, 0] == 0) or (n_probe > 1 and np.mean(steps == 1) > 0.95):
            header_words = 2
            if lazy_flag:
                words01 = lazy_or_loaded(block, True, trace_axis=0)[:, 0, :2]
            else:
                words01 = np.asarray(block[:, 0, :2])
            coords["trace_number"] = ("trace", words01[:, 0].astype(np.int64))
            coords["mark"] = ("trace", words01[:, 1] != 0)

    sps, spm = h0["rhf_sps"], h0["rhf_spm"]
    attrs_extra: dict = {}
    distance = None
    if spm > 0:
        distance = np.arange(n_trace) / spm
        attrs_extra["distance_source"] = "survey wheel (rhf_spm)"
    if sps > 0 and h0["created"]:
        t0 = np.datetime64(h0["created"].replace("+00:00", ""), "ns")
        coords["time"] = ("trace", t0 + (np.arange(n_trace) / sps * 1e9).astype("timedelta64[ns]"))

    own = headers[sel[0]]["antenna_mhz"]  # (the chosen channel's antenna where its header names one)
    ant = antenna_mhz if antenna_mhz is not None else (own if own else h0["antenna_mhz"])
    header = {k: v for k, v in h0.items() if k != "channel"}
    header["channels"] = [  # in file order; ``source_channel`` maps survey channels to it
        {"antenna_name": h["antenna_name"], "antenna_mhz": h["antenna_mhz"], "rh_chanmask": h.get("rh_pass0TX")}
        for h in headers
    ]
    dzx, dzx_text = _read_dzx(path)
    instrument = _system_name(dzx_text, h0)
    if offset_m is None:
        offset_m, attrs_extra["offset_source"] = headers[0]["text_offset_m"], "header text (offset_m=)"
        if offset_m is None or len(offset_m) != nchan:
            offset_m, attrs_extra["offset_source"] = np.zeros(nchan), "not recorded: all 0"
        offset_m = np.asarray(offset_m, dtype=float)[sel]
    else:
        attrs_extra["offset_source"] = "given"
    if sel != list(range(nchan)):  # each chosen channel's index in the file
        coords["source_channel"] = ("channel", np.asarray(sel, dtype=np.int64))
        attrs_extra["channels_read"] = list(sel)
    survey = make_survey(
        data,
        dt_ns=window_ns / nsamp,
        distance_m=distance,
        offset_m=offset_m,
        format="gssi_dzt",
        instrument=instrument,
        antenna_mhz=ant,
        source=str(path),
        coords=coords,
        attrs={
            "header": header,
            "raw_offset": raw_offset,
            "header_words": header_words,
            "bits": bits,
            "time_window_ns": window_ns,
            "epsr": h0["rhf_epsr"],
            **attrs_extra,
        },
    )
    _check_dzx(path, dzx, dzx_text, n_trace)
    if gnss:
        dzg = find_companion(path, "DZG")
        if dzg is not None:
            from roadhealth.io.georef import georeference_from_file
            from roadhealth.io.gnss import read_dzg

            survey = georeference_from_file(survey, dzg, read_dzg, crs=crs, n_traces=n_trace, lever_arm_m=lever_arm_m, latency_s=latency_s)
    return survey


def _chosen_channels(path, channels, nchan: int) -> list[int]:
    """The file's channel indices to read (``channels``: None for all, an int or a sequence of ints)."""
    if channels is None:
        return list(range(nchan))
    chosen = np.asarray(channels, dtype=object).ravel().tolist() if not isinstance(channels, str) else [channels]
    ok = bool(chosen) and all(isinstance(c, int | np.integer) and not isinstance(c, bool | np.bool_) for c in chosen)
    sel = [int(c) for c in chosen] if ok else []
    if not ok or len(set(sel)) != len(sel) or not all(0 <= c < nchan for c in sel):
        raise FormatError(path, "channels", f"expected distinct channel indices 0..{nchan - 1}; got {channels!r}")
    return sel


def _channel_range(headers: list[dict], i: int) -> float:
    """Channel ``i``'s time window (``rhf_range``, ns); a secondary header without a positive one
    (left unfilled) has the first channel's."""
    r = float(headers[i]["rhf_range"])
    return r if i == 0 or (np.isfinite(r) and 0 < r < 1e6) else float(headers[0]["rhf_range"])


def _remove_offset(words: np.ndarray) -> np.ndarray:
    """Unsigned offset-binary words to signed integers, exactly: ``v - 2**(bits-1)``."""
    if words.dtype == np.uint16:
        return words.view(np.int16) ^ np.int16(-32768)
    if words.dtype == np.uint8:
        return words.view(np.int8) ^ np.int8(-128)
    raise TypeError(words.dtype)


def _add_offset(values: np.ndarray, bits: int) -> np.ndarray:
    if bits == 16:
        return (values.astype(np.int16) ^ np.int16(-32768)).view(np.uint16)
    if bits == 8:
        return (values.astype(np.int8) ^ np.int8(-128)).view(np.uint8)
    return values.astype("<i4")


def _read_dzx(path: Path) -> tuple[Path | None, str]:
    """The DZX companion and its text ("" when absent; unreadable: warned)."""
    dzx = find_companion(path, "DZX")
    if dzx is None:
        return None, ""
    try:
        return dzx, dzx.read_text(errors="replace")
    except OSError as exc:
        warn(f"{dzx}: could not read the DZX companion ({exc})")
        return dzx, ""


def _system_name(dzx_text: str, h0) -> str:
    m = re.search(r"<system>([^<]+)</system>", dzx_text)
    if m:
        return f"GSSI {m.group(1).strip()}"
    return f"GSSI {_SYSTEMS.get(h0['rh_system'], 'rh_system ' + str(h0['rh_system']))}"


def _check_dzx(path: Path, dzx: Path | None, dzx_text: str, n_trace: int) -> None:
    m = re.search(r"<scanRange>\s*(\d+)\s*,\s*(\d+)\s*</scanRange>", dzx_text)
    if m:
        n_dzx = int(m.group(2)) - int(m.group(1)) + 1
        if n_dzx != n_trace:
            warn(f"{dzx}: scanRange {m.group(1)},{m.group(2)} describes {n_dzx} scans but {path.name} holds "
                 f"{n_trace}; all {n_trace} scans in the data file were read")


def write_dzt(
    survey,
    path: str | os.PathLike,
    *,
    bits: int | None = None,
    antenna_name: str | None = None,
    header_words: bool = False,
    scans_per_meter: float | None = None,
    scans_per_second: float | None = None,
    created: _dt.datetime | None = None,
    gnss: bool = True,
    epsr: float | None = None,
) -> Path:
    """Write a survey as a GSSI DZT file (all channels, interleaved), atomically.

    Parameters
    ----------
    survey : xarray.DataArray
        Integer values in the signed convention of :func:`read_dzt` (the unsigned offset is added
        back for 8/16-bit). Float values must be whole numbers within the word's range; scale
        them first (a writer never silently rounds or clips).
    bits : {8, 16, 32}, optional
        Word size (default: ``attrs["bits"]`` or from the dtype; 16 for float data).
    header_words : bool
        Overwrite samples 0 and 1 of every scan with the scan number and the mark flag, as GSSI
        systems do (the survey should then keep its first two samples free).
    epsr : float, optional
        Relative permittivity written to ``rhf_epsr`` (with the range in metres it implies in
        ``rhf_depth``); it only sets the depth scale vendor software displays. Default:
        ``attrs["epsr"]``, else 6.0.
    gnss : bool
        Write a ``.DZG`` companion with one fix per ``scans_per_second`` (or every 10 traces)
        when the survey has ``lon``/``lat``.

    Returns
    -------
    pathlib.Path
    """
    from roadhealth.survey import validate

    validate(survey)
    path = Path(path)
    order = file_channel_order(survey)
    if np.any(order != np.arange(order.size)):
        survey = survey.isel(channel=order)  # the source file's channel order (its bytes)
    nchan, n_trace, nsamp = (int(n) for n in survey.shape)
    if bits is None:
        bits = int(survey.attrs.get("bits") or {1: 8, 2: 16, 4: 32}.get(survey.dtype.itemsize, 16))
        if survey.dtype.kind == "f":
            bits = 16
    if bits not in _WORD:
        raise FormatError(path, "rh_bits", f"expected 8, 16 or 32; got {bits}")
    if nsamp > 65535 or nchan > 64:
        raise FormatError(path, "rh_nsamp", f"DZT holds at most 65535 samples and 64 channels; got {nsamp}, {nchan}")
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    values = np.asarray(survey.transpose("trace", "channel", "sample").values)
    if values.dtype.kind == "f":
        if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
            raise FormatError(path, "data", "float samples must be finite whole numbers; scale and round them first")
    if values.size and (values.min() < lo or values.max() > hi):
        raise FormatError(path, "data", f"values {values.min()}..{values.max()} do not fit {bits}-bit words ({lo}..{hi})")
    values = values.astype(np.int64)
    if header_words:
        marks = np.asarray(survey.coords["mark"].values, bool) if "mark" in survey.coords else np.zeros(n_trace, bool)
        if marks.ndim == 2:
            marks = marks.any(axis=0)
        counter = np.arange(n_trace) % (1 << min(bits, 31))
        if bits == 32:
            raw0, raw1 = counter, np.where(marks, -335544320, 0)
        else:
            raw0, raw1 = counter, np.where(marks, 0x6400 if bits == 16 else 0x64, 0)
        off = {8: 128, 16: 32768, 32: 0}[bits]
        values[:, :, 0] = (raw0 - off)[:, None]
        values[:, :, 1] = (raw1 - off)[:, None]
    words = _add_offset(values, bits)

    attrs = survey.attrs
    hdr = np.zeros(nchan, dtype=HEADER_DTYPE)
    dt = float(attrs["dt_ns"])
    d = np.asarray(survey.coords["distance_m"].values[0], float)
    if scans_per_meter is None:
        span = d[-1] - d[0] if n_trace > 1 else 0.0
        scans_per_meter = (n_trace - 1) / span if span > 0 and attrs.get("distance_source") != "trace index" else 0.0
    if scans_per_second is None:
        scans_per_second = float(attrs.get("header", {}).get("rhf_sps", 0.0) or 0.0)
    if created is None and "time" in survey.coords and n_trace:
        t0 = np.asarray(survey.coords["time"].values).reshape(-1)[0]
        if not np.isnat(t0):
            created = _dt.datetime.fromisoformat(str(np.datetime_as_string(t0, unit="s")))
    name = antenna_name or _antenna_name_for(attrs.get("antenna_mhz"))
    hdr["rh_tag"] = 0x00FF
    hdr["rh_data"] = MINHEADSIZE * nchan
    hdr["rh_nsamp"] = nsamp
    hdr["rh_bits"] = bits
    hdr["rh_zero"] = {8: 0x80, 16: -32768, 32: 0}[bits]
    hdr["rhf_sps"] = scans_per_second
    hdr["rhf_spm"] = scans_per_meter
    hdr["rhf_range"] = dt * nsamp
    hdr["rhf_position"] = float(survey.coords["twt_ns"].values[0])
    hdr["rhb_cdt"] = _encode_date(created)
    hdr["rhb_mdt"] = _encode_date(created)
    hdr["rh_nchan"] = nchan
    epsr = float(epsr if epsr is not None else (attrs.get("epsr") or 6.0))
    hdr["rhf_epsr"] = epsr
    hdr["rhf_depth"] = dt * nsamp * C0_M_PER_NS / np.sqrt(epsr) / 2.0  # range in metres at that epsr
    text = ("offset_m=" + ",".join(f"{v:.6g}" for v in survey.coords["offset_m"].values)).encode("ascii")
    if len(text) > MINHEADSIZE - 2 * PARAREASIZE:
        text = b""
    hdr["rh_text"] = PARAREASIZE
    hdr["rh_ntext"] = len(text)
    hdr["rh_proc"] = PARAREASIZE + len(text)
    hdr["rh_antname"] = name.encode("latin-1")[:14]
    hdr["rh_name"] = path.stem.encode("latin-1")[:12]
    header_bytes = bytearray(hdr.tobytes())
    for ch in range(nchan):
        start = ch * MINHEADSIZE + PARAREASIZE
        header_bytes[start : start + len(text)] = text
    with atomic_write(path) as f:
        f.write(bytes(header_bytes))
        f.write(np.ascontiguousarray(words).tobytes())
    if gnss and "lon" in survey.coords and "lat" in survey.coords:
        _write_dzg(path.with_suffix(".DZG"), survey, scans_per_second)
    return path


def _antenna_name_for(mhz) -> str:
    if mhz is None:
        return ""
    return f"{round(float(mhz))}MHz"


def _write_dzg(path: Path, survey, sps: float) -> None:
    """Write ``$GSSIS`` + ``$GPGGA`` pairs for channel 0, one per second of scans (or every 10 traces)."""
    n_trace = survey.sizes["trace"]
    step = max(1, round(sps)) if sps and sps > 0 else 10
    idx = np.arange(0, n_trace, step)
    lon = np.asarray(survey.coords["lon"].values[0], float)[idx]
    lat = np.asarray(survey.coords["lat"].values[0], float)[idx]
    elev = (
        np.asarray(survey.coords["elevation_m"].values[0], float)[idx]
        if "elevation_m" in survey.coords
        else np.full(idx.size, np.nan)
    )
    times = None
    if "time" in survey.coords:
        times = np.asarray(survey.coords["time"].values).reshape(-1)[idx]
    lines = []
    for k, i in enumerate(idx):
        t = None if times is None else times[k]
        lines.append(f"$GSSIS,{int(i)},{(i / sps) if sps else 0:.3f}")
        lines.append(_format_gga(lon[k], lat[k], elev[k], t))
        if t is not None and not np.isnat(t):
            lines.append(_format_rmc(lon[k], lat[k], t))
        lines.append("")
    with atomic_write(path, "w") as f:
        f.write("\r\n".join(lines) + "\r\n")


def _nmea_checksum(body: str) -> str:
    c = 0
    for ch in body.encode("ascii"):
        c ^= ch
    return f"{c:02X}"


def _nmea_lat_lon(lon: float, lat: float) -> str:
    alat, alon = abs(lat), abs(lon)
    lat_s = f"{int(alat):02d}{(alat - int(alat)) * 60:010.7f}"
    lon_s = f"{int(alon):03d}{(alon - int(alon)) * 60:010.7f}"
    return f"{lat_s},{'N' if lat >= 0 else 'S'},{lon_s},{'E' if lon >= 0 else 'W'}"


def _nmea_time(time) -> str:
    s = str(np.datetime_as_string(time, unit="ms"))
    return s[11:13] + s[14:16] + s[17:19] + "." + s[20:22]


def _format_rmc(lon: float, lat: float, time) -> str:
    """One ``$GPRMC`` sentence carrying the date of the fix."""
    s = str(np.datetime_as_string(time, unit="D"))
    ddmmyy = s[8:10] + s[5:7] + s[2:4]
    body = f"GPRMC,{_nmea_time(time)},A,{_nmea_lat_lon(lon, lat)},0.0,0.0,{ddmmyy},,,A"
    return f"${body}*{_nmea_checksum(body)}"


def _format_gga(lon: float, lat: float, elev: float, time=None) -> str:
    """One ``$GPGGA`` sentence (fix quality 1, 8 satellites) with 7-decimal minutes (~0.2 mm)."""
    hhmmss = _nmea_time(time) if time is not None and not np.isnat(time) else "000000.00"
    el = "" if not np.isfinite(elev) else f"{elev:.3f}"
    body = f"GPGGA,{hhmmss},{_nmea_lat_lon(lon, lat)},1,08,0.9,{el},M,0.0,M,,"
    return f"${body}*{_nmea_checksum(body)}"
