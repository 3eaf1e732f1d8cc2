"""Property tests (hypothesis) of the processing steps.

* linearity of the linear filters: ``step(a x + b y) == a step(x) + b step(y)``; the non-linear
  steps do not depend on the amplitude unit (``step(a x) == k(a) step(x)``);
* equivariance along track: steps that work trace by trace (and the global background) give
  permuted output for permuted traces; moving-window steps commute with a shift of the traces
  away from the ends of the line;
* time-shift invariance of the band-pass (and the running-mean dewow) away from the trace ends;
* chunking invariance: a dask-backed survey in random chunks along channel, trace and sample gives
  the in-memory result, for every registered survey -> survey step that runs on default parameters
  (and the other code paths: moving windows, stacks, resampling, other methods); GSSI header
  words never reach the data, also with dask chunks split along the samples (the migrations,
  which need a velocity, are checked lazy against eager in ``test_threads.py``);
* idempotence where it holds: the global background removal, and time zero to within a sample.

Surveys are small (a few channels, tens of traces, a few hundred samples) so that the whole file
runs in seconds; CI runs hypothesis derandomised (see ``conftest.py``).
"""

from __future__ import annotations

import inspect
import itertools
import warnings

import dask
import dask.array as da
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roadhealth.processing as rp
from roadhealth import make_survey
from roadhealth.errors import ProcessingError

DT = 0.1  # ns: 10 GHz sampling
F = 500.0  # MHz antenna: a 2 ns period, 20 samples

FAST = settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(deadline=None, max_examples=6, suppress_health_check=[HealthCheck.too_slow])

seeds = st.integers(0, 2**32 - 1)
coefficients = st.floats(-4.0, 4.0, allow_nan=False).filter(lambda v: abs(v) > 0.05)


def _survey(x, **kw):
    return make_survey(x, dt_ns=DT, antenna_mhz=F, **kw)


def _noise(seed, shape, dtype=np.float64):
    """Band-limited-ish noise plus a DC offset and a slow drift per trace: something for every
    filter to act on (wow for dewow, out-of-band energy for the band-pass, banding for the
    background removal)."""
    rng = np.random.default_rng(seed)
    n = shape[-1]
    t = DT * np.arange(n)
    x = rng.standard_normal(shape)
    x += rng.normal(0, 2, (*shape[:-1], 1))  # DC per trace
    x += rng.normal(0, 1, (*shape[:-1], 1)) * np.sin(2 * np.pi * 0.02 * t)  # 20 MHz wow
    x += 3 * np.sin(2 * np.pi * 0.5 * t + rng.uniform(0, 6.3))  # a flat 500 MHz "ringing" band
    return x.astype(dtype)


def _ricker(t_ns, f_mhz):
    a = (np.pi * f_mhz / 1000.0 * t_ns) ** 2
    return (1 - 2 * a) * np.exp(-a)


def _radar(seed, shape, jitter_ns=0.3, dtype=np.float32):
    """A first arrival (500 MHz Ricker at ~3 ns) that moves along track (a smooth bounce of up to
    ``jitter_ns`` plus 0.01 ns of trace-to-trace jitter), two weaker reflections, DC offset and
    noise: data that time zero can pick."""
    rng = np.random.default_rng(seed)
    n = shape[-1]
    t = DT * np.arange(n)
    period = rng.uniform(2.0, 4.0) * shape[1]
    bounce = jitter_ns * np.sin(2 * np.pi * np.arange(shape[1]) / period + rng.uniform(0, 6.3))
    t0 = 3.0 + bounce[:, None] + rng.normal(0, 0.01, (*shape[:-1], 1))
    x = 10 * _ricker(t - t0, F)
    x += 3 * _ricker(t - t0 - 6.0, F) - 2 * _ricker(t - t0 - 11.0 - 0.2 * rng.random(), F)
    x += 0.05 * rng.standard_normal(shape) + rng.normal(0, 0.5, (*shape[:-1], 1))
    return x.astype(dtype)


# --------------------------------------------------------------------------------------------------
# linearity
# --------------------------------------------------------------------------------------------------

LINEAR = {
    "dewow mean": lambda s: rp.dewow(s),
    "dewow highpass": lambda s: rp.dewow(s, method="highpass"),
    "bandpass fft": lambda s: rp.bandpass(s),
    "bandpass sos": lambda s: rp.bandpass(s, method="sos", low_mhz=200.0, high_mhz=1200.0),
    "background global": lambda s: rp.background_removal(s),
    "background moving": lambda s: rp.background_removal(s, window_traces=5),
    "tpower_gain": lambda s: rp.tpower_gain(s, power=1.5, start_ns=2.0),
    "exp_gain": lambda s: rp.exp_gain(s, alpha_db_per_ns=0.8, start_ns=2.0),
    "stack block": lambda s: rp.stack(s, n_traces=3),
    "stack running": lambda s: rp.stack(s, n_traces=3, mode="running"),
}


@pytest.mark.parametrize("name", sorted(LINEAR))
@FAST
@given(seed=seeds, a=coefficients, b=coefficients,
       shape=st.tuples(st.integers(1, 3), st.integers(6, 30), st.integers(64, 256)))
def test_linear_steps_are_linear(name, seed, a, b, shape):
    step = LINEAR[name]
    x, y = _noise(seed, shape), _noise(seed + 1, shape)
    fx, fy = step(_survey(x)).values, step(_survey(y)).values
    combined = step(_survey(a * x + b * y)).values
    scale = abs(a) * np.abs(fx).max() + abs(b) * np.abs(fy).max()
    np.testing.assert_allclose(combined, a * fx + b * fy, rtol=0, atol=1e-9 * scale)
    assert np.abs(fx).max() > 0  # the step did not just zero everything


HOMOGENEOUS = {  # name -> (step, output factor k(a) for input a x, signs of a allowed)
    "agc": (lambda s: rp.agc(s), np.sign, (-1, 1)),
    "envelope": (lambda s: rp.envelope(s), np.abs, (-1, 1)),
    "coherence": (lambda s: rp.coherence(s), lambda a: 1.0, (-1, 1)),
    "dominant_frequency": (lambda s: rp.dominant_frequency(s), lambda a: 1.0, (-1, 1)),
    "instantaneous_frequency": (lambda s: rp.instantaneous_frequency(s), lambda a: 1.0, (-1, 1)),
    "sec_gain auto": (lambda s: rp.sec_gain(s), lambda a: a, (-1, 1)),
    "dewow median": (lambda s: rp.dewow(s, method="median"), lambda a: a, (1,)),
    "background median": (lambda s: rp.background_removal(s, method="median"), lambda a: a, (1,)),
    "background moving median": (lambda s: rp.background_removal(s, method="median", window_traces=5),
                                 lambda a: a, (1,)),
    # picks on the normalised envelope: the same shifts at any gain (the DC level is the lower
    # median of the trace, so a change of polarity may move a pick by a hundredth of a sample)
    "time_zero": (lambda s: rp.time_zero(s), lambda a: a, (1,)),
}


@pytest.mark.parametrize("name", sorted(HOMOGENEOUS))
@FAST
@given(seed=seeds, data=st.data(), magnitude=st.floats(-6.0, 6.0))
def test_nonlinear_steps_do_not_depend_on_the_amplitude_unit(name, seed, data, magnitude):
    """``step(a x) == k(a) step(x)``: no absolute amplitude threshold hides in a step, so the
    result does not depend on the digitiser's scale (int16 counts, mV, normalised)."""
    step, k, signs = HOMOGENEOUS[name]
    a = data.draw(st.sampled_from(signs)) * 10.0 ** magnitude
    x = _radar(seed, (2, 24, 160), dtype=np.float64)
    ref = step(_survey(x)).values
    out = step(_survey(a * x)).values
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, k(a) * ref, rtol=1e-9, atol=1e-9 * abs(k(a)) * np.abs(ref).max())


# --------------------------------------------------------------------------------------------------
# along track: permutation and shift equivariance
# --------------------------------------------------------------------------------------------------

PER_TRACE = {
    "dewow mean": lambda s: rp.dewow(s),
    "dewow median": lambda s: rp.dewow(s, method="median"),
    "dewow highpass": lambda s: rp.dewow(s, method="highpass"),
    "bandpass fft": lambda s: rp.bandpass(s),
    "bandpass sos": lambda s: rp.bandpass(s, method="sos"),
    "tpower_gain": lambda s: rp.tpower_gain(s),
    "agc": lambda s: rp.agc(s),
    "envelope": lambda s: rp.envelope(s),
    # not per trace, but a statistic over all traces: invariant to their order
    "background global mean": lambda s: rp.background_removal(s),
    "background global median": lambda s: rp.background_removal(s, method="median"),
}


@pytest.mark.parametrize("name", sorted(PER_TRACE))
@FAST
@given(seed=seeds, data=st.data(),
       shape=st.tuples(st.integers(1, 3), st.integers(2, 25), st.integers(100, 200)))
def test_trace_permutation_permutes_the_output(name, seed, data, shape):
    step = PER_TRACE[name]
    perm = np.array(data.draw(st.permutations(range(shape[1]))))
    x = _noise(seed, shape)
    ref = step(_survey(x)).values
    out = step(_survey(x[:, perm])).values
    np.testing.assert_allclose(out, ref[:, perm], rtol=0, atol=1e-10 * np.abs(ref).max())


MOVING = {  # name -> (step, half window in traces)
    "background moving mean": (lambda s: rp.background_removal(s, window_traces=7), 3),
    "background moving median": (lambda s: rp.background_removal(s, method="median", window_traces=5), 2),
    "stack running": (lambda s: rp.stack(s, n_traces=5, mode="running"), 2),
    "coherence": (lambda s: rp.coherence(s, window_traces=5), 2),
}


@pytest.mark.parametrize("name", sorted(MOVING))
@FAST
@given(seed=seeds, k=st.integers(1, 9), n_trace=st.integers(20, 40))
def test_moving_windows_commute_with_a_shift_along_track(name, seed, k, n_trace):
    """Dropping the first ``k`` traces shifts the output by ``k`` traces wherever the window of a
    trace lies inside both lines (away from the ends, where each line is extended by reflection)."""
    step, h = MOVING[name]
    x = _noise(seed, (2, n_trace, 96))
    ref = step(_survey(x)).values
    out = step(_survey(x[:, k:])).values
    m = n_trace - k
    np.testing.assert_allclose(out[:, h:m - h], ref[:, k + h:n_trace - h], rtol=0,
                               atol=1e-10 * np.abs(ref).max())
    assert not np.allclose(out[:, h:m - h], ref[:, h:m - h])  # it did depend on the traces


TIME_INVARIANT = {  # name -> (step, samples from each end where the ends still matter)
    "bandpass fft": (lambda s: rp.bandpass(s, low_mhz=250.0, high_mhz=1000.0), 160),
    "bandpass sos": (lambda s: rp.bandpass(s, low_mhz=250.0, high_mhz=1000.0, method="sos"), 160),
    "dewow mean": (lambda s: rp.dewow(s), 20),
}


@pytest.mark.parametrize("name", sorted(TIME_INVARIANT))
@FAST
@given(seed=seeds, shift=st.integers(-40, 40).filter(bool))
def test_time_shift_invariance_away_from_the_ends(name, seed, shift):
    """Delaying every trace by ``shift`` samples delays the filtered trace by as much, except within
    the reach of the filter's impulse response from the trace ends (odd extension there): the
    band-pass with a 250 MHz low corner decays to ~1e-8 within 160 samples (4 periods of the
    corner at dt = 0.1 ns)."""
    step, edge = TIME_INVARIANT[name]
    n = 640
    x = _noise(seed, (2, 3, n + abs(shift)))
    a, b = (x[..., :n], x[..., shift:]) if shift > 0 else (x[..., -shift:], x[..., :n])
    # b[k] = a[k + shift]
    fa, fb = step(_survey(a)).values, step(_survey(b)).values
    lo, hi = edge + max(0, -shift), n - edge - max(0, shift)
    assert hi - lo > 100
    np.testing.assert_allclose(fb[..., lo:hi], fa[..., lo + shift:hi + shift], rtol=0,
                               atol=1e-6 * np.abs(fa).max())


# --------------------------------------------------------------------------------------------------
# chunking invariance
# --------------------------------------------------------------------------------------------------

def _default_candidates() -> list[str]:
    """Registered steps whose every parameter but the survey has a default."""
    names = []
    for name, func in rp.STEPS.items():
        params = list(inspect.signature(func).parameters.values())[1:]
        if all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
               for p in params):
            names.append(name)
    return sorted(names)


CANDIDATES = _default_candidates()
#: steps that must run on default parameters (the default recipe and the detector inputs)
MUST_RUN_ON_DEFAULTS = {"time_zero", "dewow", "bandpass", "background_removal", "tpower_gain",
                        "sec_gain", "agc", "envelope", "instantaneous_phase",
                        "instantaneous_frequency", "dominant_frequency", "coherence"}
SHAPE = (3, 40, 160)


def _is_survey_step(name: str) -> bool:
    """Runs on defaults and returns a survey (dims channel, trace, sample)."""
    s = _survey(_radar(0, SHAPE))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = rp.STEPS[name](s)
    except ProcessingError:  # needs parameters (e.g. a velocity)
        return False
    return tuple(getattr(out, "dims", ())) == ("channel", "trace", "sample")


def test_the_default_steps_are_all_checked_for_chunking():
    ran = {name for name in CANDIDATES if _is_survey_step(name)}
    assert MUST_RUN_ON_DEFAULTS <= ran, MUST_RUN_ON_DEFAULTS - ran


def _partition(draw, n: int, max_parts: int, min_parts: int = 1) -> tuple[int, ...]:
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), min_size=min_parts - 1,
                               max_size=min(max_parts - 1, n - 1))))
    edges = [0, *cuts, n]
    return tuple(b - a for a, b in itertools.pairwise(edges))


@st.composite
def chunkings(draw, shape=SHAPE, min_sample_chunks=1):
    return (_partition(draw, shape[0], 3), _partition(draw, shape[1], 6),
            _partition(draw, shape[2], 3, min_sample_chunks))


#: further parameters worth the same check: the other code paths (moving windows along track,
#: block stacks, resampling, the other filter methods)
NON_DEFAULT = [
    ("background_removal", {"window_traces": 11}),
    ("background_removal", {"window_m": "auto"}),
    ("background_removal", {"method": "median", "window_traces": 7}),
    ("background_removal", {"method": "median"}),
    ("stack", {"n_traces": 4}),
    ("stack", {"n_traces": 5, "mode": "running"}),
    ("resample_traces", {"spacing_m": 0.7}),
    ("exp_gain", {"alpha_db_per_ns": 0.5}),
    ("dewow", {"method": "median"}),
    ("dewow", {"method": "highpass"}),
    ("bandpass", {"method": "sos"}),
    ("coherence", {"window_traces": 9}),
]


@pytest.mark.parametrize("name, params", [(n, {}) for n in CANDIDATES] + NON_DEFAULT,
                         ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else v)
@FEW
@given(seed=seeds, chunks=chunkings())
def test_dask_chunking_gives_the_in_memory_result(name, params, seed, chunks):
    if not params and not _is_survey_step(name):
        pytest.skip(f"{name} needs parameters or does not return a survey")
    x = _radar(seed, SHAPE)
    step = rp.STEPS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = step(_survey(x), **params)
        lazy = step(_survey(da.from_array(x, chunks=chunks)), **params)
    assert type(lazy.data).__module__.startswith("dask"), f"{name} computed a dask survey eagerly"
    with dask.config.set(scheduler="threads"):
        got = lazy.compute()
    assert got.shape == ref.shape and got.dtype == ref.dtype
    np.testing.assert_allclose(got.twt_ns.values, ref.twt_ns.values, rtol=0, atol=1e-9)
    scale = float(np.abs(ref.values).max())
    np.testing.assert_allclose(got.values, ref.values, rtol=1e-4, atol=2e-5 * scale)


# --------------------------------------------------------------------------------------------------
# GSSI header words: ignored by every step, also in dask blocks split along the samples
# --------------------------------------------------------------------------------------------------

HW = 2  # GSSI SIR-3000/4000: scan counter and mark flag in words 0 and 1 of every scan


def _with_header_words(x, seed):
    y = x.copy()
    y[..., :HW] = np.random.default_rng(seed).integers(0, 30000, y[..., :HW].shape)
    return make_survey(y, dt_ns=DT, antenna_mhz=F, attrs={"header_words": HW})


CHUNK_CASES = [(n, {}) for n in CANDIDATES] + NON_DEFAULT


@pytest.mark.parametrize("name, params", CHUNK_CASES,
                         ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else v)
@FEW
@given(seed=seeds, chunks=chunkings(min_sample_chunks=2))
def test_header_words_are_ignored_also_in_sample_chunks(name, params, seed, chunks):
    """The header words' content does not reach the data (in memory), and a dask survey split along
    the samples gives the in-memory result (header words only at the start of each trace)."""
    step = rp.STEPS[name]
    x = _radar(seed, SHAPE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = step(_with_header_words(x, seed), **params)
        except ProcessingError:  # needs parameters, or refuses header words (migrations)
            pytest.skip(f"{name} needs parameters or a survey without header words")
        if ref.dims != ("channel", "trace", "sample"):
            pytest.skip(f"{name} does not return a survey")
        other = step(_with_header_words(x, seed + 1), **params)
        raw = _with_header_words(x, seed)
        lazy = step(raw.copy(data=da.from_array(raw.values, chunks=chunks)), **params)
    h = ref.attrs.get("header_words", 0)
    assert h in (0, HW)
    scale = float(np.abs(ref.values[..., h:]).max())
    np.testing.assert_allclose(other.values[..., h:], ref.values[..., h:], rtol=0, atol=1e-6 * scale)
    with dask.config.set(scheduler="threads"):
        got = lazy.values
    np.testing.assert_allclose(got, ref.values, rtol=1e-4, atol=2e-5 * scale)


# --------------------------------------------------------------------------------------------------
# idempotence
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["mean", "median"])
@FAST
@given(seed=seeds, shape=st.tuples(st.integers(1, 3), st.integers(2, 30), st.integers(16, 128)))
def test_global_background_removal_is_idempotent(method, seed, shape):
    once = rp.background_removal(_survey(_noise(seed, shape)), method=method)
    twice = rp.background_removal(once, method=method)
    scale = np.abs(once.values).max()
    np.testing.assert_allclose(twice.values, once.values, rtol=0, atol=1e-12 * scale)


@FEW
@given(seed=seeds, jitter_ns=st.floats(0.0, 0.5), per=st.sampled_from(["channel", "trace"]))
def test_time_zero_twice_is_once_within_a_sample(seed, jitter_ns, per):
    """A second time zero finds the arrivals where the first put them and moves nothing by a
    sample or more. ``pre_ns = 2.5`` keeps the whole first wavelet (+-1 ns) in the record also for
    the traces whose arrival comes before their channel's (``per="channel"``): a wavelet cut at
    the top of the record biases the envelope pick (circular Hilbert transform) by ~0.2 samples."""
    raw = _survey(_radar(seed, (2, 30, 256), jitter_ns=jitter_ns, dtype=np.float64))
    once = rp.time_zero(raw, per=per, pre_ns=2.5)
    # the checked picks of the result are at twt_ns = 0: typically within a tenth of a
    # sample, every one within a sample (not exactly: shifting by a fraction of a sample
    # interpolates the noise, which moves the broad envelope peak a little, and a pick the
    # neighbour check replaced was shifted by its neighbours' time, not its own)
    picks = np.abs(rp.pick_time_zero(once, per=per).values) / DT
    assert np.median(picks) < 0.25 and picks.max() < 1.0, (np.median(picks), picks.max())
    twice = rp.time_zero(once, per=per, pre_ns=2.5)
    # the same times on both (a sample may be trimmed at either end)
    k = round(float(twice.twt_ns.values[0] - once.twt_ns.values[0]) / DT)
    assert 0 <= k <= 1
    n = min(once.sizes["sample"] - k, twice.sizes["sample"])
    assert n >= once.sizes["sample"] - 2
    np.testing.assert_allclose(twice.twt_ns.values[:n], once.twt_ns.values[k:k + n], atol=1e-9)
    # moved by less than one sample: linear interpolation changes a sample by less than the
    # largest change between two neighbouring samples
    a, b = once.values[..., k:k + n], twice.values[..., :n]
    one_sample = np.abs(np.diff(once.values, axis=-1)).max()
    assert np.abs(b - a).max() < one_sample
