"""Processing: survey -> survey steps, recipes, attributes, velocity, migration, depth, slices.

Every step is a plain function ``step(survey, **params) -> survey`` that works on numpy- and
dask-backed surveys alike, returns float32 data unless the input is float64, keeps the survey
contract and appends one record (step, resolved parameters, version) to ``attrs["history"]``.
:func:`apply` runs a TOML recipe of steps; :func:`recipe_from_history` rebuilds one from a result.
"""

from roadhealth.processing import accessor as _accessor  # noqa: F401  (registers survey.rh)
from roadhealth.processing._core import (
    apply_along_samples,
    apply_along_traces,
    centre_frequency_mhz,
    estimate_centre_frequency_mhz,
)
from roadhealth.processing.attributes import (
    analytic_signal,
    attenuation,
    coherence,
    dominant_frequency,
    energy_ratio,
    envelope,
    instantaneous_frequency,
    instantaneous_phase,
)
from roadhealth.processing.filters import (
    background_removal,
    bandpass,
    bandpass_response,
    design_bandpass,
    dewow,
)
from roadhealth.processing.gain import agc, exp_gain, gain_curve, sec_gain, tpower_gain
from roadhealth.processing.stack import resample_traces, stack
from roadhealth.processing.timezero import pick_time_zero, time_zero

__all__ = [
    "STEPS",
    "agc",
    "analytic_signal",
    "apply",
    "apply_along_samples",
    "apply_along_traces",
    "attenuation",
    "background_removal",
    "bandpass",
    "bandpass_response",
    "centre_frequency_mhz",
    "coherence",
    "default_recipe",
    "design_bandpass",
    "dewow",
    "dominant_frequency",
    "energy_ratio",
    "envelope",
    "estimate_centre_frequency_mhz",
    "exp_gain",
    "gain_curve",
    "instantaneous_frequency",
    "instantaneous_phase",
    "load_recipe",
    "pick_time_zero",
    "recipe_from_history",
    "recipe_to_toml",
    "register_step",
    "resample_traces",
    "sec_gain",
    "stack",
    "time_zero",
    "tpower_gain",
]

# The velocity / migration / depth / grid / slices steps (their modules' own __all__), re-exported.
from roadhealth.processing import depth as _depth
from roadhealth.processing import grid as _grid
from roadhealth.processing import migration as _migration
from roadhealth.processing import slices as _slices
from roadhealth.processing import velocity as _velocity

for _mod in (_velocity, _migration, _depth, _grid, _slices):
    for _attr in _mod.__all__:
        globals()[_attr] = getattr(_mod, _attr)
        if _attr not in __all__:
            __all__.append(_attr)
del _mod, _attr

from roadhealth.processing.recipe import (  # noqa: E402
    STEPS,
    apply,
    default_recipe,
    load_recipe,
    recipe_from_history,
    recipe_to_toml,
    register_step,
)
