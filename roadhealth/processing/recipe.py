"""Processing recipes: a named list of steps and their parameters, kept in TOML.

A recipe file looks like::

    name = "road-default"

    [[steps]]
    name = "dewow"
    params = { window_ns = "auto" }

    [[steps]]
    name = "bandpass"
    low_mhz = 100.0          # parameters may also sit directly in the step table
    high_mhz = 800.0

:func:`apply` runs a recipe (a path, a TOML string, a dict or a list of steps) on a survey. Each
step records its *resolved* parameters in ``attrs["history"]`` ("auto" replaced by the value that
was used), so :func:`recipe_from_history` rebuilds from a result a recipe that reproduces it
exactly from the raw survey, without any "auto" left. TOML has no null: ``None`` is written as
the string ``"none"`` and read back as ``None``.
"""

from __future__ import annotations

import inspect
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import xarray as xr

from roadhealth.errors import ProcessingError, RoadHealthError
from roadhealth.processing._core import estimate_centre_frequency_mhz
from roadhealth.processing.attributes import (
    coherence,
    dominant_frequency,
    envelope,
    instantaneous_frequency,
    instantaneous_phase,
)
from roadhealth.processing.depth import add_depth, to_depth
from roadhealth.processing.despike import despike
from roadhealth.processing.filters import background_removal, bandpass, dewow, dewow_bandpass
from roadhealth.processing.fused import background_tpower_gain
from roadhealth.processing.gain import agc, exp_gain, sec_gain, tpower_gain
from roadhealth.processing.migration import kirchhoff_migrate, phase_shift_migrate, stolt_migrate
from roadhealth.processing.resample import decimate_samples
from roadhealth.processing.stack import resample_traces, stack
from roadhealth.processing.timezero import _time_zero_plan, time_zero

__all__ = [
    "DEFAULT_RECIPE",
    "STEPS",
    "apply",
    "default_recipe",
    "load_recipe",
    "recipe_from_history",
    "recipe_to_toml",
    "register_step",
]

#: The default recipe file for road surveys (400 MHz - 2 GHz antennas).
DEFAULT_RECIPE = Path(__file__).with_name("default_recipe.toml")

#: Step name -> function ``f(survey, **params) -> survey``.
STEPS: dict[str, Callable[..., xr.DataArray]] = {}


def register_step(name: str, func: Callable[..., xr.DataArray]) -> Callable[..., xr.DataArray]:
    """Make ``func`` available to recipes under ``name`` (the name it records in the history)."""
    if not callable(func):
        raise ProcessingError(f"register_step: {name!r} is not callable")
    STEPS[str(name)] = func
    return func


#: The built-in recipe steps, in the order a road recipe usually runs them. Only survey -> survey
#: functions are steps (same dims, a history record); functions that return something else
#: (``cscan``, ``surface_permittivity``, ``hyperbola_velocities``, ``pick_layers``) are analysis
#: functions, called directly.
BUILTIN_STEPS = (
    despike,
    time_zero,
    dewow,
    bandpass,
    background_removal,
    tpower_gain,
    exp_gain,
    sec_gain,
    agc,
    stack,
    resample_traces,
    decimate_samples,
    envelope,
    instantaneous_phase,
    instantaneous_frequency,
    dominant_frequency,
    coherence,
    add_depth,
    to_depth,
    stolt_migrate,
    phase_shift_migrate,
    kirchhoff_migrate,
)

for _f in BUILTIN_STEPS:
    register_step(_f.__name__, _f)
del _f


# --------------------------------------------------------------------------------------------------
# reading and writing recipes
# --------------------------------------------------------------------------------------------------

def _none_from_toml(value: Any) -> Any:
    if isinstance(value, str) and value == "none":
        return None
    if isinstance(value, list):
        return [_none_from_toml(v) for v in value]
    if isinstance(value, dict):
        return {k: _none_from_toml(v) for k, v in value.items()}
    return value


def load_recipe(recipe: Any = None) -> dict[str, Any]:
    """Normalise a recipe to ``{"name": str, "steps": [{"name": str, "params": dict}, ...]}``.

    Parameters
    ----------
    recipe : path, str, dict, list or None
        A ``.toml`` file path, a TOML document as a string, a dict with a ``steps`` list, a list
        of steps, or None (or ``"default"``) for the default recipe. A step is a mapping with ``name`` and either a
        ``params`` table or its parameters directly.
    """
    source = "<dict>"
    from_toml = False
    if recipe is None or (isinstance(recipe, str) and recipe == "default"):  # (detect's name for it too)
        recipe = DEFAULT_RECIPE
    if isinstance(recipe, (str, os.PathLike)):
        text = str(recipe)
        is_path = isinstance(recipe, os.PathLike) or ("\n" not in text and text.endswith(".toml"))
        if is_path:
            path = Path(recipe)
            if not path.is_file():
                raise ProcessingError(f"recipe file {path} not found")
            source = str(path)
            text = path.read_text(encoding="utf-8")
        else:
            source = "<string>"
        if source == "<string>" and not any(c in text for c in "=[\n"):  # a single word: a name or a file
            raise ProcessingError(f"recipe {text!r} is no recipe: expected 'default', a .toml file path, a TOML "
                                  "document, a dict or a list of steps")
        try:
            recipe = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ProcessingError(f"recipe {source} is not valid TOML: {exc}") from None
        from_toml = True
    if isinstance(recipe, list):
        recipe = {"steps": recipe}
    if not isinstance(recipe, Mapping) or "steps" not in recipe:
        raise ProcessingError(f"recipe {source} must have a 'steps' list; got {type(recipe).__name__}")
    steps = []
    for i, step in enumerate(recipe["steps"]):
        if not isinstance(step, Mapping) or "name" not in step:
            raise ProcessingError(f"recipe {source}: steps[{i}] must be a table with a 'name'; got {step!r}")
        name = step["name"]
        if name not in STEPS:
            raise ProcessingError(
                f"recipe {source}: steps[{i}] names unknown step {name!r}; known steps: {sorted(STEPS)}"
            )
        params = dict(step.get("params", {}))
        params.update({k: v for k, v in step.items() if k not in ("name", "params")})
        if from_toml:
            params = _none_from_toml(params)
        steps.append({"name": name, "params": params})
    return {"name": str(recipe.get("name", "")), "steps": steps}


def default_recipe() -> dict[str, Any]:
    """The default recipe for road surveys (see ``default_recipe.toml``)."""
    return load_recipe(DEFAULT_RECIPE)


def _toml_value(v: Any) -> str:
    if v is None:
        return '"none"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise ProcessingError(f"cannot write {v!r} ({type(v).__name__}) to a TOML recipe")


def _toml_key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else _toml_value(str(k))


def recipe_to_toml(recipe: Any) -> str:
    """Write a recipe (anything :func:`load_recipe` accepts) as a TOML document."""
    r = load_recipe(recipe)
    lines = []
    if r["name"]:
        lines += [f"name = {_toml_value(r['name'])}", ""]
    for step in r["steps"]:
        lines += ["[[steps]]", f"name = {_toml_value(step['name'])}"]
        if step["params"]:
            lines.append(f"params = {_toml_value(step['params'])}")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# running recipes
# --------------------------------------------------------------------------------------------------

def apply(survey: xr.DataArray, recipe: Any = None, *, fuse: bool = True) -> xr.DataArray:
    """Run a recipe on a survey, step by step.

    Parameters
    ----------
    survey : xarray.DataArray, dims (channel, trace, sample)
        numpy- or dask-backed (stays lazy for dask).
    recipe : path, str, dict, list or None
        See :func:`load_recipe`; None runs the default recipe.
    fuse : bool
        Run adjacent steps as one pass where that is equivalent (the same history records):

        * a ``dewow`` (method "mean") directly followed by a ``bandpass`` (method "fft") as one
          rfft/irfft pass (:func:`roadhealth.processing.filters.dewow_bandpass`): the same result
          within 1e-4 of the largest amplitude (what the band-pass carries across its extension
          at the trace ends; a later gain scales that too), about half the time of the pair;
        * a ``time_zero`` right before them, when it shifts by one time per channel (the
          default): the shift becomes a per-channel phase ramp in that FFT pass. The same result
          inside the record; within the filter's reach (about two periods of the band-pass low
          corner) of the window edges time zero trims, the filter sees the recorded samples
          beyond the cut instead of an odd reflection (see ``dewow_bandpass``);
        * a ``background_removal`` (moving "mean" window) followed by ``tpower_gain``:
          the gain multiplies the background-removed array in place
          (:func:`roadhealth.processing.fused.background_tpower_gain`), the same result.

        False runs every step on its own.

    Returns
    -------
    xarray.DataArray
        The processed survey; its history has one record per step, with resolved parameters.

    Notes
    -----
    When ``attrs["antenna_mhz"]`` is missing, the centre frequency is estimated once from the
    input's spectrum (:func:`estimate_centre_frequency_mhz`) and kept in
    ``attrs["centre_mhz_estimate"]``, so "auto" parameters of every step derive from the same
    value (and later steps do not look at already filtered data).
    """
    r = load_recipe(recipe)
    if not isinstance(survey, xr.DataArray):
        raise ProcessingError(f"apply: expected a survey (xarray.DataArray); got {type(survey).__name__}")
    if r["steps"] and not _has_antenna(survey) and survey.attrs.get("centre_mhz_estimate") is None:
        survey = survey.assign_attrs(centre_mhz_estimate=estimate_centre_frequency_mhz(survey))
    steps = r["steps"]
    i = 0
    while i < len(steps):
        step = steps[i]
        try:
            survey, i = _run_one(survey, steps, i, fuse)
        except RoadHealthError:
            raise
        except (ValueError, OverflowError, FloatingPointError, MemoryError, IndexError) as exc:
            # (a step that fails on this survey: named with its parameters, not a numpy traceback)
            raise ProcessingError(f"recipe step {i} ({step['name']}, parameters {step['params']}) failed on this "
                                  f"survey: {type(exc).__name__}: {exc}") from exc
    return survey


def _run_one(survey: xr.DataArray, steps: list[dict[str, Any]], i: int, fuse: bool) -> tuple[xr.DataArray, int]:
    """Run step ``i`` (with the next ones where they fuse); returns the survey and the next index."""
    step = steps[i]
    if fuse and step["name"] == "time_zero" and STEPS["time_zero"] is time_zero and _fusable(steps, i + 1):
        for k, f in ((0, time_zero), (1, dewow), (2, bandpass)):
            _bind(f, steps[i + k], i + k)
        plan = _time_zero_plan(survey, **step["params"])
        survey = dewow_bandpass(survey, steps[i + 1]["params"], steps[i + 2]["params"],
                                time_zero=plan, contiguous=i + 3 == len(steps))
        return survey, i + 3
    if fuse and _fusable(steps, i):
        _bind(dewow, step, i)
        _bind(bandpass, steps[i + 1], i + 1)
        survey = dewow_bandpass(survey, step["params"], steps[i + 1]["params"],
                                contiguous=i + 2 == len(steps))
        return survey, i + 2
    if fuse and _background_gain_fusable(steps, i):
        _bind(background_removal, step, i)
        _bind(tpower_gain, steps[i + 1], i + 1)
        survey = background_tpower_gain(survey, step["params"], steps[i + 1]["params"])
        return survey, i + 2
    func = STEPS[step["name"]]
    _bind(func, step, i)
    return func(survey, **step["params"]), i + 1


def _bind(func: Callable[..., xr.DataArray], step: dict[str, Any], i: int) -> None:
    """Check a step's parameters against its signature (a TypeError raised *inside* a step is a
    bug to report, not bad parameters, so only the binding is translated), and each value against
    the kind its signature declares (:func:`_check_value`)."""
    sig = inspect.signature(func)
    try:
        sig.bind(None, **step["params"])
    except TypeError as exc:
        raise ProcessingError(f"recipe step {i} ({step['name']}): bad parameters {step['params']}: {exc}") from None
    for key, value in step["params"].items():
        par = sig.parameters.get(key)
        if par is not None:
            problem = _check_value(par, value)
            if problem:
                raise ProcessingError(f"recipe step {i} ({step['name']}): parameter {key} = {value!r}: {problem}")


def _check_value(par: inspect.Parameter, value: Any) -> str | None:
    """What is wrong with ``value`` for a step parameter (None: nothing seen): a number where the
    signature declares a number (int or float annotation, or a numeric default) must be finite, and
    text is refused there unless the annotation allows ``str`` (``"auto"``). Found by fuzzing
    recipes: a NaN gain power made 95 % of the samples NaN without a word, and a bandpass order of
    "four" failed deep inside numpy."""
    ann = par.annotation if isinstance(par.annotation, str) else getattr(par.annotation, "__name__", str(par.annotation))
    default = par.default
    numeric_default = isinstance(default, int | float) and not isinstance(default, bool)
    numeric = numeric_default or any(w in ann for w in ("float", "int"))
    if not numeric or "bool" in ann or isinstance(default, bool):
        return None
    if value is None:
        return None if ("None" in ann or default is None) else "expected a number, not None"
    if isinstance(value, bool):
        return "expected a number, not a boolean"
    if isinstance(value, str):
        return None if ("str" in ann or "Literal" in ann or isinstance(default, str)) else "expected a number"
    if isinstance(value, int | float):
        return None if math.isfinite(value) else "expected a finite number"
    return None


def _fusable(steps: list[dict[str, Any]], i: int) -> bool:
    """True when steps i, i+1 are the built-in dewow (mean) and bandpass (fft)."""
    if i + 1 >= len(steps):
        return False
    a, b = steps[i], steps[i + 1]
    return (a["name"] == "dewow" and STEPS["dewow"] is dewow
            and a["params"].get("method", "mean") == "mean"
            and b["name"] == "bandpass" and STEPS["bandpass"] is bandpass
            and b["params"].get("method", "fft") == "fft")


def _background_gain_fusable(steps: list[dict[str, Any]], i: int) -> bool:
    """True when steps i, i+1 are the built-in background_removal (mean) and tpower_gain."""
    if i + 1 >= len(steps):
        return False
    a, b = steps[i], steps[i + 1]
    return (a["name"] == "background_removal" and STEPS["background_removal"] is background_removal
            and a["params"].get("method", "mean") == "mean"
            and b["name"] == "tpower_gain" and STEPS["tpower_gain"] is tpower_gain)


def _has_antenna(survey: xr.DataArray) -> bool:
    v = survey.attrs.get("antenna_mhz")
    try:
        return v is not None and float(v) > 0 and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def recipe_from_history(survey: xr.DataArray, *, since: int = 0) -> dict[str, Any]:
    """Rebuild the recipe that produced ``survey`` from its ``attrs["history"]``.

    Records from index ``since`` on whose step is a registered recipe step are kept, in order,
    with the parameters they recorded (already resolved, no "auto"); records of other steps
    (``read``, georeferencing ...) are skipped. Applying the result to the raw survey reproduces
    ``survey``.
    """
    history = survey.attrs.get("history", [])
    steps = []
    for rec in history[since:]:
        if isinstance(rec, Mapping) and rec.get("step") in STEPS:
            steps.append({"name": rec["step"], "params": dict(rec.get("parameters", {}))})
    return {"name": "from-history", "steps": steps}
