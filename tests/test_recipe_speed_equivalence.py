"""The fast paths of the default recipe give the results of the plain steps (issue 8, speed).

* the moving-mean background by block running sums equals ``x - uniform_filter1d(mode="reflect")``;
* the time-zero shift folded into the fused dewow + band-pass FFT pass (one shift response per
  channel) equals ``time_zero -> dewow -> bandpass`` inside the record, wraps nothing around, and
  gives the same coordinates, QC and history;
* background removal + t-power gain in one pass equal the two steps.

How fast the recipe is (the issue 8 target: at most 3x one numpy rfft + irfft pass over the same
data) is measured by ``benchmarks/processing.py`` (``per_step``), not here: a timed assertion in a
unit test fails on a loaded CI machine without the code having changed.
"""

from __future__ import annotations

import warnings

import dask
import dask.array as da
import numpy as np
import pytest
import scipy.fft as sfft
from conftest import SAMPLES_DIR, requires_samples
from scipy import ndimage

import roadhealth as rh
from roadhealth import make_survey
from roadhealth.processing import apply, background_removal, tpower_gain
from roadhealth.processing.filters import _shift_filter_kernel, dewow_bandpass, subtract_moving_mean
from roadhealth.processing.fused import background_tpower_gain
from roadhealth.processing.timezero import _channel_shift_kernel, _time_zero_plan

DT = 0.1
F = 500.0


def _ricker(t_ns, f_mhz):
    a = (np.pi * f_mhz / 1000.0 * t_ns) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _survey(n_channel=3, n_trace=300, n_sample=1024, header_words=2, seed=0, dtype=np.int16):
    """Channels whose surface arrives at different times (5.0, 6.37, 7.91 ns): per-channel time
    zeros with fractions of a sample; layers, a hyperbola, noise, DC and GSSI header words."""
    rng = np.random.default_rng(seed)
    t = DT * (np.arange(n_sample) - header_words)
    x = np.zeros((n_channel, n_trace, n_sample))
    pos = np.arange(n_trace)
    for c in range(n_channel):
        t0 = 5.0 + 1.37 * c + 0.17 * c * c
        x[c] = 3000 * _ricker(t - t0, F)
        x[c] += 800 * _ricker(t - t0 - 8.0 - 0.002 * pos[:, None], F)
        x[c] += 500 * _ricker(t - t0 - np.hypot(30.0, 0.1 * (pos[:, None] - 150)) * 0.4, F)
    x += 40 * rng.standard_normal(x.shape) + 150
    if header_words:
        x[..., :header_words] = rng.integers(0, 30000, (n_channel, n_trace, header_words))
    s = make_survey(x.astype(dtype), dt_ns=DT, antenna_mhz=F, distance_m=0.02 * pos,
                    attrs={"header_words": header_words})
    return s


def _strip(history):
    return [{k: v for k, v in r.items() if k != "time"} for r in history]


# --------------------------------------------------------------------------------------------------
# moving-mean background
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-6), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape, size", [((2, 1000, 37), 201), ((1, 450, 20), 3), ((3, 450, 16), 449),
                                         ((2, 603, 8), 201), ((1, 40, 5), 7), ((2, 99, 6), 33)])
def test_moving_mean_by_block_sums_is_the_boxcar(dtype, tol, shape, size):
    rng = np.random.default_rng(size)
    x = (rng.standard_normal(shape) * 1000 + 300 * rng.standard_normal(shape[-1])).astype(dtype)
    ref = x - ndimage.uniform_filter1d(x.astype(np.float64), size, axis=1, mode="reflect")
    got = subtract_moving_mean(x, size)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol * np.abs(x).max())
    # in place, into a view of a larger buffer, and with a gain: the same numbers
    y = x.copy()
    assert subtract_moving_mean(y, size, out=y) is y
    np.testing.assert_array_equal(y, got)
    buf = np.zeros((*shape[:-1], shape[-1] + 9), dtype=dtype)
    view = buf[..., 4:4 + shape[-1]]
    view[...] = x
    np.testing.assert_array_equal(subtract_moving_mean(view, size), got)
    g = np.linspace(1.0, 3.0, shape[-1])
    np.testing.assert_allclose(subtract_moving_mean(x, size, gain=g), got * g.astype(dtype), rtol=1e-6)


def test_moving_mean_rejects_an_even_or_too_long_window():
    from roadhealth.errors import ProcessingError

    x = np.zeros((1, 10, 4), dtype=np.float32)
    for size in (4, 11):
        with pytest.raises(ProcessingError, match="odd and at most 10 traces"):
            subtract_moving_mean(x, size)


@pytest.mark.parametrize("chunks", [(1, 137, 64), (2, 400, 64), (1, 50, 64)])
def test_moving_mean_background_is_the_same_on_dask(chunks):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((2, 1000, 64)) * 100 + 50 * np.sin(np.arange(64))).astype(np.float32)
    dist = 0.05 * np.arange(1000)
    ref = background_removal(make_survey(x, dt_ns=DT, antenna_mhz=F, distance_m=dist), window_m=10.0)
    lazy = background_removal(make_survey(da.from_array(x, chunks=chunks), dt_ns=DT, antenna_mhz=F,
                                          distance_m=dist), window_m=10.0)
    with dask.config.set(scheduler="threads"):
        got = lazy.values
    np.testing.assert_allclose(got, ref.values, rtol=0, atol=1e-6 * np.abs(ref.values).max())


def test_background_and_gain_in_one_pass_equal_the_two_steps():
    s = apply(_survey(), [{"name": "time_zero"}, {"name": "dewow"}, {"name": "bandpass"}])
    bg = {"method": "mean", "window_m": "auto"}
    gain = {"power": 1.0, "start_ns": "auto"}
    fused = background_tpower_gain(s, bg, gain)
    plain = tpower_gain(background_removal(s, **bg), **gain)
    np.testing.assert_allclose(fused.values, plain.values, rtol=0, atol=1e-6 * np.abs(plain.values).max())
    assert _strip(fused.attrs["history"]) == _strip(plain.attrs["history"])
    assert fused.attrs["history"][-1]["parameters"]["stop_ns"] == plain.attrs["history"][-1]["parameters"]["stop_ns"]
    # the input is not written
    before = s.values.copy()
    background_tpower_gain(s, bg, gain)
    np.testing.assert_array_equal(s.values, before)


# --------------------------------------------------------------------------------------------------
# time zero in the FFT pass
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("interpolation", ["linear", "nearest"])
def test_shift_response_is_the_interpolating_shift(interpolation):
    """With an all-pass response the fused kernel is exactly time_zero's per-channel shift: the
    shift response of "linear" is linear interpolation, that of "nearest" a whole-sample shift."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 20, 300))
    shift = np.array([2.3, 17.75, 40.5])
    if interpolation == "nearest":
        shift = np.rint(shift)
    k_lo, k_hi = 0, 300 - 41
    m = sfft.next_fast_len(300 + 2 * 40, real=True)
    got = _shift_filter_kernel(x, np.broadcast_to(shift[:, None, None], (3, 20, 1)),
                               response=np.ones(m // 2 + 1), pad=40, m=m, n_header=0, k_lo=k_lo,
                               k_hi=k_hi, interpolation=interpolation, dtype=np.float64)
    ref = _channel_shift_kernel(x, shift, k_lo, k_hi, interpolation)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * np.abs(x).max())


def _recipe(interpolation):
    return [{"name": "time_zero", "params": {"interpolation": interpolation}},
            {"name": "dewow", "params": {}}, {"name": "bandpass", "params": {}}]


@pytest.mark.parametrize("interpolation", ["linear", "fft", "nearest"])
def test_time_zero_in_the_fft_pass_equals_the_steps_inside_the_record(interpolation):
    s = _survey()
    fused = apply(s, _recipe(interpolation))
    plain = apply(s, _recipe(interpolation), fuse=False)
    assert fused.shape == plain.shape and fused.dtype == plain.dtype == np.float32
    np.testing.assert_array_equal(fused.twt_ns.values, plain.twt_ns.values)
    assert fused.attrs["time_zero_qc"] == plain.attrs["time_zero_qc"]
    assert fused.attrs["header_words"] == 0
    assert _strip(fused.attrs["history"]) == _strip(plain.attrs["history"])
    bp = fused.attrs["history"][-1]["parameters"]
    reach = int(np.ceil(2000.0 / (bp["low_mhz"] * DT)))  # the band-pass extension: 2 low periods
    n = fused.sizes["sample"]
    assert n - 2 * reach > 300
    scale = np.abs(plain.values).max()
    inner = slice(reach, n - reach)
    tol = 1e-3 if interpolation == "fft" else 2e-4  # fft: band-limited vs edge-padded FFT shift
    np.testing.assert_allclose(fused.values[..., inner], plain.values[..., inner], rtol=0, atol=tol * scale)


@pytest.mark.parametrize("interpolation", ["linear", "nearest"])
def test_time_zero_in_the_fft_pass_is_filter_then_shift_everywhere(interpolation):
    """Up to the window's edges the fused pass is: filter the whole record (header words left
    out), then shift and trim as time_zero does."""
    s = _survey()
    fused = apply(s, _recipe(interpolation))
    plan = _time_zero_plan(s, interpolation=interpolation)
    hw = s.attrs["header_words"]
    record = s.isel(sample=slice(hw, None)).assign_attrs(header_words=0)
    filtered = apply(record, _recipe(interpolation)[1:], fuse=False).values
    ref = _channel_shift_kernel(filtered, plan["shift"][:, 0] - hw, plan["k_lo"], plan["k_hi"], interpolation)
    np.testing.assert_allclose(fused.values, ref, rtol=0, atol=1e-4 * np.abs(ref).max())


def test_time_zero_in_the_fft_pass_keeps_the_surface_wavelet_at_zero():
    """Time zero is the envelope peak of the surface wavelet. Filtered after trimming (the
    steps one by one), the trace starts at that peak and the band-pass's odd reflection about
    it makes sample 0 nearly zero; filtered with the recorded samples above it (fused), the
    peak stays at twt_ns = 0."""
    s = _survey()
    fused = np.abs(apply(s, _recipe("linear")).values[..., :20]).mean(axis=1)
    plain = np.abs(apply(s, _recipe("linear"), fuse=False).values[..., :20]).mean(axis=1)
    assert np.all(fused[:, 0] >= 0.95 * fused.max(axis=-1))
    assert np.all(plain[:, 0] < 0.1 * fused[:, 0])


def test_time_zero_in_the_fft_pass_wraps_nothing_around():
    """A strong arrival at the very end of the record must not appear at the top of the output
    (the shift is a circular phase ramp on the FFT buffer), nor the surface at the bottom."""
    s = _survey(n_channel=2, header_words=0, dtype=np.float32)
    x = s.values.copy()
    x[:, :, -30:] += 30000 * _ricker(DT * np.arange(30) - 1.5, F)  # arrival at the record end
    loud = s.copy(data=x)
    plan = _time_zero_plan(s)  # the same shifts for both
    out = dewow_bandpass(loud, {}, {}, time_zero=plan)
    ref = dewow_bandpass(s, {}, {}, time_zero=plan)
    d = np.abs(out.values - ref.values).max(axis=(0, 1))  # per sample: what the arrival changed
    bp = out.attrs["history"][-1]["parameters"]
    reach = int(np.ceil(2000.0 / (bp["low_mhz"] * DT)))
    n = out.sizes["sample"]
    # the arrival lies below the common window (trimmed); it reaches in only through the
    # filter near the bottom, never at the top
    assert d[: n - reach].max() < 1e-3 * d.max()
    assert d[:n // 2].max() < 1e-4 * np.abs(ref.values).max()


def test_time_zero_in_the_fft_pass_is_the_same_on_dask():
    s = _survey(n_trace=200)
    ref = apply(s, _recipe("linear"))
    lazy = apply(s.copy(data=da.from_array(s.values, chunks=(2, 70, 256))), _recipe("linear"))
    assert type(lazy.data).__module__.startswith("dask")
    with dask.config.set(scheduler="threads"):
        got = lazy.values
    np.testing.assert_allclose(got, ref.values, rtol=0, atol=1e-6 * np.abs(ref.values).max())


def test_per_trace_time_zero_is_not_folded():
    """A per-trace shift is applied by time_zero itself; the result equals the unfused run."""
    s = _survey(n_channel=1)
    recipe = _recipe("linear")
    recipe[0]["params"]["per"] = "trace"
    fused = apply(s, recipe)
    plain = apply(s, recipe, fuse=False)
    scale = np.abs(plain.values).max()
    np.testing.assert_allclose(fused.values, plain.values, rtol=0, atol=1e-4 * scale)


@requires_samples
@pytest.mark.parametrize("name", ["gssi/gprdata_grid/lines/FILE____010.DZT", "gssi/gprpy_400mhz/FILE____032.DZT",
                                  "gssi/impdar_sir4000/test_gssi.DZT", "pulseekko/rgpr_isola_grid/YLINEA0.DT1"])
def test_fused_default_recipe_on_real_lines(name):
    """The default recipe, fused and unfused, on real lines: the same section inside the record
    (1e-3 of the largest amplitude in the middle half), correlated > 0.99 over the whole."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = rh.read(SAMPLES_DIR / name).load()
    fused, plain = apply(s), apply(s, fuse=False)
    assert fused.shape == plain.shape
    a, b = fused.values, plain.values
    n = a.shape[-1]
    mid = slice(n // 4, n - n // 4)
    np.testing.assert_allclose(a[..., mid], b[..., mid], rtol=0, atol=1e-3 * np.abs(b).max())
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.99


def test_time_zero_helpers_give_the_values_of_scipy_and_numpy():
    """The running median of the neighbour check and the channel median of the picks, rewritten
    for speed, give exactly the values of median_filter(mode="nearest") and np.nanmedian."""
    from scipy.ndimage import median_filter

    from roadhealth.processing.timezero import _nanmedian_rows, _running_median

    rng = np.random.default_rng(5)
    for _ in range(100):
        c, t, w = int(rng.integers(1, 4)), int(rng.integers(1, 60)), int(rng.choice([1, 3, 21, 41]))
        p = np.round(rng.standard_normal((c, t)) * 5, 1)  # ties, as picks on a sample grid have
        np.testing.assert_array_equal(_running_median(p, w), median_filter(p, size=(1, w), mode="nearest"))
        q = np.where(rng.random(p.shape) < 0.3, np.nan, p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = np.nanmedian(np.where(np.isfinite(q).any(-1, keepdims=True), q, 0.0), axis=-1)
        np.testing.assert_array_equal(_nanmedian_rows(q), ref)


def test_noise_floor_reads_the_same_runs_of_traces_in_memory_and_on_dask():
    from roadhealth.processing.gain import _rms_traces, noise_floor_ns

    idx = _rms_traces(5000)
    assert idx.size == 512 and np.all(np.diff(idx.reshape(8, 64), axis=1) == 1)  # 8 runs of 64
    assert idx[0] == 0 and idx[-1] == 4999
    np.testing.assert_array_equal(_rms_traces(300), np.arange(300))
    rng = np.random.default_rng(2)
    t = DT * np.arange(200)
    x = ((np.exp(-t / 4.0) * 100 + 1.0) * rng.standard_normal((2, 5000, 200))).astype(np.float32)
    s = make_survey(x, dt_ns=DT, antenna_mhz=F)
    computed = []

    def count(block):
        if block.shape[1] > 1:  # not dask's probe of the function on empty or 1-element blocks
            computed.append(block.shape)
        return block

    lazy = s.copy(data=da.from_array(x, chunks=(1, 200, 200)).map_blocks(count))  # 2 x 25 chunks
    with dask.config.set(scheduler="threads"):
        assert noise_floor_ns(lazy, start_ns=1.0) == noise_floor_ns(s, start_ns=1.0)
    # only the chunks holding the runs: 8 runs of 64 traces touch at most 16 of 25 per channel
    # (512 single traces spread along the survey touched all 50)
    assert 0 < len(computed) <= 32


def test_decimated_channel_picks_read_a_dask_survey_once():
    """per="channel" on a long dask survey: the picked traces are read once (the pick window and
    the picks both look at them) and give the in-memory plan."""
    s = _survey(n_channel=2, n_trace=2600, n_sample=256)
    computed = []

    def count(block):
        if block.shape[1] > 1:  # not dask's probe of the function on empty or 1-element blocks
            computed.append(block.shape)
        return block

    lazy = s.copy(data=da.from_array(s.values, chunks=(1, 520, 256)).map_blocks(count))  # 10 chunks
    with dask.config.set(scheduler="threads"):
        plan = _time_zero_plan(lazy)
    ref = _time_zero_plan(s)
    assert len(computed) == 10
    np.testing.assert_array_equal(plan["shift"], ref["shift"])
    assert plan["qc"] == ref["qc"] and plan["k_lo"] == ref["k_lo"] and plan["k_hi"] == ref["k_hi"]
