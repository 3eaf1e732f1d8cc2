"""roadhealth.processing.despike: isolated spikes replaced, reflections (however strong) kept, and
detection on a record with one corrupt sample."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import numpy as np
import pytest

import roadhealth
import roadhealth.processing as rp
from roadhealth.detect import detect
from roadhealth.errors import ProcessingError
from roadhealth.survey import make_survey

BLIND = Path(__file__).resolve().parent.parent / "validation" / "fullwave_blind"


def _ricker(t, f_ghz, t0):
    a = (np.pi * f_ghz * (t - t0)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _survey(n_trace=40, dt=0.1, n=300, f_mhz=400.0, spacing=0.05, seed=0):
    """A direct wave on every trace, a dipping reflection and a point reflector whose apex (traces
    18-22) is three times the direct wave: strong, but seen by neighbouring traces too."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * dt
    f = f_mhz * 1e-3
    x = 10.0 * _ricker(t, f, 3.0)[None, :] + 0.01 * rng.standard_normal((n_trace, n))
    x += np.stack([0.8 * _ricker(t, f, 10.0 + 0.1 * i) for i in range(n_trace)])
    d = np.arange(n_trace) * spacing
    apex = 20 * spacing
    for i in range(n_trace):  # a shallow metal plate's hyperbola, 30 times the direct wave at its apex
        r = np.hypot(d[i] - apex, 0.3)
        x[i] += 30.0 * (0.3 / r) ** 2 * _ricker(t, f, 2 * r / 0.1)
    return make_survey(x[None].astype(np.float64), dt_ns=dt, distance_m=d, antenna_mhz=f_mhz)


def test_isolated_spikes_are_replaced_by_their_neighbours_and_nothing_else_changes():
    s = _survey()
    x = s.values.copy()
    x[0, 7, 150] = 1e6  # one corrupt sample
    x[0, 30, 200:203] = [-5e3, 8e3, -4e3]  # a burst of three in one trace
    x[0, 0, 50] = 2e4  # at the line's start: one neighbour
    out = rp.despike(s.copy(data=x))
    rec = out.attrs["history"][-1]
    assert rec["step"] == "despike" and rec["parameters"]["replaced"] == 5
    y = out.values
    assert y[0, 7, 150] == pytest.approx(0.5 * (x[0, 6, 150] + x[0, 8, 150]))
    assert np.allclose(y[0, 30, 200:203], 0.5 * (x[0, 29, 200:203] + x[0, 31, 200:203]))
    assert y[0, 0, 50] == pytest.approx(x[0, 1, 50])
    changed = y != x
    assert changed.sum() == 5
    # the plate's apex (30 times the direct wave, over three times the survey's threshold) is kept
    assert np.abs(y[0, 18:23]).max() == pytest.approx(np.abs(s.values[0, 18:23]).max())


def test_a_survey_without_spikes_is_counted_clean_and_its_samples_kept():
    s = _survey()
    assert rp.count_spikes(s) == 0
    out = rp.despike(s)
    assert out.attrs["history"][-1]["parameters"]["replaced"] == 0
    assert np.array_equal(out.values, s.values.astype(out.dtype))


def test_a_strong_reflection_on_one_trace_of_a_sparse_survey_is_no_spike():
    """Traces 0.5 m apart at 400 MHz (more than half a wavelength): a point reflector's apex may
    stand out of its neighbours several times; only a sample fifty times them is a spike there."""
    s = _survey(n_trace=12, spacing=0.5)
    x = s.values.copy()
    # at the direct wave's time, eight times what the neighbouring traces hold within half a period
    x[0, 5, 30] = 8.0 * np.abs(x[0, 4:7:2, 17:44]).max()
    assert rp.count_spikes(s.copy(data=x)) == 0
    assert rp.count_spikes(s.copy(data=x), ratio=5.0) == 1
    x[0, 5, 30] = 1e6
    assert rp.count_spikes(s.copy(data=x)) == 1


def test_despike_on_a_dask_survey_equals_in_memory():
    s = _survey()
    x = s.values.copy()
    x[0, 9, 100] = 5e5
    x[0, 10, 260] = -3e5  # next to a block edge below
    mem = rp.despike(s.copy(data=x))
    lazy = rp.despike(s.copy(data=da.from_array(x, chunks=(1, 10, -1))))
    assert lazy.attrs["history"][-1]["parameters"]["replaced"] is None
    assert np.array_equal(lazy.values, mem.values)


def test_despike_is_a_recipe_step_and_a_repaired_record_is_still_raw():
    from roadhealth.detect.prepare import _is_processed

    s = _survey()
    out = rp.apply(s, {"name": "repair", "steps": [{"name": "despike", "ratio": 6}]})
    assert out.attrs["history"][-1]["parameters"]["ratio"] == 6.0
    assert not _is_processed(out)  # detect still runs its recipe on it


@pytest.mark.parametrize("kw", [{"ratio": 1.0}, {"ratio": "big"}, {"ratio": float("nan")}, {"min_level": -1},
                                {"min_level": "x"}])
def test_bad_despike_parameters_are_named(kw):
    with pytest.raises(ProcessingError, match="despike: " + next(iter(kw))):
        rp.despike(_survey(), **kw)


def _cavity_line():
    """Blind full-wave line (clean, 400 MHz; peak 248): a cavity 0.8 m down at 1.2-1.9 m (skipped where
    the set is not in the checkout)."""
    path = BLIND / "bw400_cavity_01_clean.sgy"
    if not path.exists():
        pytest.skip(f"{path} not in this checkout")
    return roadhealth.read(path)


def _with_spike(s, trace=5, sample=300, value=1e6):
    """The samples of ``s`` as float32, one of them set to ``value``."""
    x = s.values.astype(np.float32)
    x[0, trace, sample] = value
    return x


@pytest.mark.parametrize("value, trace, sample", [(1e30, 5, 300), (1e6, 5, 300), (-1e12, 20, 450),
                                                  (2480.0, 25, 150)])
def test_one_corrupt_sample_does_not_take_a_cavity_out_of_detection(value, trace, sample):
    """Blind full-wave line (clean, 400 MHz; peak 248): a cavity 0.8 m down at 1.2-1.9 m. One sample
    of 1e30 had left no first arrival to find (an error), one of 1e6 or -1e12, or one ten times the
    record's peak (2480), took the cavity out of the result silently. Despiked first (with a note),
    the cavity is found as on the record without it."""
    s = _cavity_line()
    ref = detect(s)
    assert list(ref["kind"]) == ["cavity"]
    got = detect(s.copy(data=_with_spike(s, trace, sample, value)))
    assert list(got["kind"]) == ["cavity"]
    assert got["depth_top_m"].iloc[0] == pytest.approx(ref["depth_top_m"].iloc[0], abs=0.02)
    assert any("1 isolated spike sample" in n for n in got.attrs["detect"]["notes"])
    assert not any("spike" in n for n in ref.attrs["detect"]["notes"])


def test_without_the_despike_the_corrupt_sample_loses_the_cavity(monkeypatch):
    """The case the despike is for: the same line and sample of 1e6, not despiked, has no cavity."""
    import roadhealth.detect.prepare as prep

    s = _cavity_line()
    monkeypatch.setattr(prep, "_despike_if_spiked", lambda survey, notes, **kw: survey)
    assert "cavity" not in set(detect(s.copy(data=_with_spike(s)))["kind"])


def test_a_spike_on_a_short_record_of_few_traces_is_found():
    """The level is the median of the traces' peaks: a spike raises one trace's peak, not the level
    (a 99.9th percentile of 900 samples had been the spike itself)."""
    s = _survey(n_trace=3)
    x = s.values.copy()
    x[0, 1, 150] = 1e6
    assert rp.count_spikes(s.copy(data=x)) == 1
    assert rp.despike(s.copy(data=x)).values[0, 1, 150] == pytest.approx(0.5 * (x[0, 0, 150] + x[0, 2, 150]))


def test_missing_and_infinite_samples_are_no_spikes_and_count_agrees_with_despike():
    import warnings

    s = _survey()
    x = s.values.copy()
    x[0, 10, 120] = np.inf
    x[0, 11:14, 200] = np.nan  # a spike whose neighbours are missing at its time
    x[0, 12, 200] = 1e6
    x[0, 20, 50] = 1e6
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no all-NaN RuntimeWarning)
        n = rp.count_spikes(s.copy(data=x))
        out = rp.despike(s.copy(data=x))
    assert n == out.attrs["history"][-1]["parameters"]["replaced"] == 2


def test_spikes_are_judged_per_channel_and_header_words_left_alone():
    s = _survey()
    x = np.repeat(s.values, 3, axis=0)
    x[1, 15, 100] = 1e6  # a spike on the middle channel; the other channels are its own traces' neighbours
    x[:, :, :2] = 30000.0  # GSSI-like header words (scan counters) in samples 0-1
    m = make_survey(x, dt_ns=0.1, distance_m=np.arange(40) * 0.05, offset_m=[0.0, 0.1, 0.2], antenna_mhz=400.0,
                    attrs={"header_words": 2})
    assert rp.count_spikes(m) == 1
    y = rp.despike(m).values
    assert y[1, 15, 100] == pytest.approx(0.5 * (x[1, 14, 100] + x[1, 16, 100]))
    assert np.array_equal(y[[0, 2], :, 2:], x[[0, 2], :, 2:].astype(y.dtype))


def test_a_despiked_survey_is_still_raw_to_the_chunked_detector():
    from roadhealth.detect import chunked

    assert not chunked._is_processed(rp.despike(_survey()))
    assert chunked._is_processed(rp.apply(_survey(), {"name": "p", "steps": [{"name": "dewow"}]}))


def test_a_lazily_held_spiked_line_is_repaired_by_the_chunked_detector():
    """``detect_chunked`` on a dask-backed survey (the streamed recipe of large files) repairs the
    spike block by block, as ``detect`` does in memory: the cavity is found."""
    from roadhealth.detect import detect_chunked

    s = _cavity_line()
    got = detect_chunked(s.copy(data=da.from_array(_with_spike(s), chunks=(1, 16, -1))))
    assert list(got["kind"]) == ["cavity"]


def test_the_streamed_repair_keeps_the_sample_type_and_finds_spikes_at_block_edges():
    """``despike_lazy`` (the chunked detector's and the campaign's repair of a lazily read record):
    int16 stays int16, blocks without a spike pass unchanged, a spike inside a block and one on a
    block's last trace (judged against its one neighbour inside the block) are replaced."""
    from roadhealth.processing.despike import despike_lazy

    s = _survey()
    x = np.round(s.values * 1000).astype(np.int16)
    x[0, 5, 150] = 32000  # inside the first block (traces 0-9)
    x[0, 19, 200] = -32000  # the last trace of the second block (10-19)
    lazy = despike_lazy(s.copy(data=da.from_array(x, chunks=(1, 10, -1))))
    assert lazy.dtype == np.int16 and lazy.attrs["history"][-1]["step"] == "despike"
    y = lazy.values
    assert y[0, 5, 150] == round(0.5 * (int(x[0, 4, 150]) + int(x[0, 6, 150])))
    assert y[0, 19, 200] == x[0, 18, 200]
    changed = y != x
    assert changed.sum() == 2
    assert np.array_equal(y[0, 20:], x[0, 20:])


def test_repair_gives_a_clean_record_back_as_it_is_and_counts_what_it_replaced():
    """``repair_spikes`` (what detect, its streamed pass and a campaign call): a record without a
    spike is returned itself (bit for bit, its sample type kept), one with spikes despiked and
    counted, a dask-backed one despiked lazily and uncounted."""
    from roadhealth.processing.despike import repair_spikes

    s = _survey()
    ints = s.copy(data=np.round(s.values * 1000).astype(np.int16))
    out, n = repair_spikes(ints)
    assert out is ints and n == 0
    x = s.values.copy()
    x[0, 7, 150] = 1e6
    out, n = repair_spikes(s.copy(data=x))
    assert n == 1 and out.attrs["history"][-1]["parameters"]["replaced"] == 1 and abs(out.values[0, 7, 150]) < 1e3
    out, n = repair_spikes(s.copy(data=da.from_array(x, chunks=(1, 10, -1))))
    assert n is None and abs(out.values[0, 7, 150]) < 1e3


def test_only_samples_from_the_first_judged_one_are_repaired():
    """``repair_spikes(first_sample=k)`` judges and repairs only samples k and later (what detect
    does on a processed survey, from where its search starts): a spike above stays, one below is
    replaced, and the level is the whole traces' (the same threshold as without the bound)."""
    from roadhealth.processing.despike import repair_spikes

    s = _survey()
    x = s.values.copy()
    x[0, 7, 20] = 1e6
    x[0, 9, 150] = 1e6
    out, n = repair_spikes(s.copy(data=x), first_sample=100)
    assert n == 1
    assert out.values[0, 7, 20] == 1e6
    assert out.values[0, 9, 150] == pytest.approx(0.5 * (x[0, 8, 150] + x[0, 10, 150]))
    assert out.attrs["history"][-1]["parameters"]["threshold"] == rp.despike(s.copy(data=x)).attrs["history"][-1]["parameters"]["threshold"]
    same, n0 = repair_spikes(s.copy(data=x), first_sample=200)
    assert n0 == 0 and same.values[0, 9, 150] == 1e6
