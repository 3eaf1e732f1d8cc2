"""Processing: survey -> survey steps, recipes, attributes, velocity, migration, depth, slices.

Every step is a plain function ``step(survey, **params) -> survey`` that works on numpy- and
dask-backed surveys alike, returns float32 data unless the input is float64, keeps the survey
contract and appends one record (step, resolved parameters, version) to ``attrs["history"]``.
:func:`apply` runs a TOML recipe of steps; :func:`recipe_from_history` rebuilds one from a result.
"""

from roadhealth.processing import accessor as _accessor  # noqa: F401  (registers survey.rh)
from roadhealth.processing import depth, grid, migration, slices, velocity
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
from roadhealth.processing.declip import clip_statistics, clipped_fraction, declip
from roadhealth.processing.depth import (
    Layer,
    add_depth,
    depth_of_twt,
    interface_twt,
    interval_velocity,
    layer_model,
    rms_velocity,
    to_depth,
)
from roadhealth.processing.despike import count_spikes, despike
from roadhealth.processing.filters import (
    background_removal,
    bandpass,
    bandpass_response,
    design_bandpass,
    dewow,
)
from roadhealth.processing.gain import (
    agc,
    exp_gain,
    gain_curve,
    noise_floor_ns,
    sec_gain,
    tpower_gain,
)
from roadhealth.processing.grid import assemble_grid, first_break_ns, read_topo_lines
from roadhealth.processing.migration import kirchhoff_migrate, phase_shift_migrate, stolt_migrate
from roadhealth.processing.resample import auto_decimation, decimate_samples
from roadhealth.processing.slices import cscan, cscans, write_geotiff
from roadhealth.processing.stack import resample_traces, stack
from roadhealth.processing.thickness import asphalt_thickness, calibrate_thickness
from roadhealth.processing.timezero import clean_picks, pick_time_zero, time_zero
from roadhealth.processing.velocity import (
    fit_hyperbola,
    hyperbola_velocities,
    pick_layers,
    surface_permittivity,
)

__all__ = [
    "STEPS",
    "Layer",
    "add_depth",
    "agc",
    "analytic_signal",
    "apply",
    "apply_along_samples",
    "apply_along_traces",
    "asphalt_thickness",
    "assemble_grid",
    "attenuation",
    "auto_decimation",
    "background_removal",
    "bandpass",
    "bandpass_response",
    "calibrate_thickness",
    "centre_frequency_mhz",
    "clean_picks",
    "clip_statistics",
    "clipped_fraction",
    "coherence",
    "count_spikes",
    "cscan",
    "cscans",
    "decimate_samples",
    "declip",
    "default_recipe",
    "depth",
    "depth_of_twt",
    "design_bandpass",
    "despike",
    "dewow",
    "dominant_frequency",
    "energy_ratio",
    "envelope",
    "estimate_centre_frequency_mhz",
    "exp_gain",
    "first_break_ns",
    "fit_hyperbola",
    "gain_curve",
    "grid",
    "hyperbola_velocities",
    "instantaneous_frequency",
    "instantaneous_phase",
    "interface_twt",
    "interval_velocity",
    "kirchhoff_migrate",
    "layer_model",
    "load_recipe",
    "migration",
    "noise_floor_ns",
    "phase_shift_migrate",
    "pick_layers",
    "pick_time_zero",
    "read_topo_lines",
    "recipe_from_history",
    "recipe_to_toml",
    "register_step",
    "resample_traces",
    "rms_velocity",
    "sec_gain",
    "slices",
    "stack",
    "stolt_migrate",
    "surface_permittivity",
    "time_zero",
    "to_depth",
    "tpower_gain",
    "velocity",
    "write_geotiff",
]

from roadhealth.processing.recipe import (
    STEPS,
    apply,
    default_recipe,
    load_recipe,
    recipe_from_history,
    recipe_to_toml,
    register_step,
)
