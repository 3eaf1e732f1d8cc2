"""``survey.rh``: a fluent front for the processing steps, plots and detection, for notebooks.

``survey.rh.dewow(window_ns=2.5).rh.bandpass()`` is exactly
``bandpass(dewow(survey, window_ns=2.5))``: every registered step (see
:data:`roadhealth.processing.recipe.STEPS`) is reachable as a method, calling the same plain
function, which stays the primary API (as rioxarray's ``.rio`` fronts rasterio). ``plot`` and
``plot_slice`` front :mod:`roadhealth.plot`; ``detect`` fronts :func:`roadhealth.detect.detect`.
The accessor is registered by ``import roadhealth``.
"""

from __future__ import annotations

import functools

import xarray as xr


@xr.register_dataarray_accessor("rh")
class SurveyAccessor:
    """Processing steps as methods of a survey DataArray."""

    def __init__(self, survey: xr.DataArray):
        self._survey = survey

    def apply(self, recipe=None, **kwargs) -> xr.DataArray:
        """Run a recipe (path, TOML text, dict, or None for the default); see :func:`~roadhealth.processing.apply`."""
        from roadhealth.processing.recipe import apply

        return apply(self._survey, recipe, **kwargs)

    def validate(self) -> xr.DataArray:
        """Check the survey contract; see :func:`roadhealth.validate`."""
        from roadhealth.survey import validate

        return validate(self._survey)

    def plot(self, **kwargs):
        """Draw the B-scan (distance right, time or depth down); see :func:`roadhealth.plot.bscan`."""
        from roadhealth.plot import bscan

        return bscan(self._survey, **kwargs)

    def plot_slice(self, **kwargs):
        """Draw a time or depth slice of a grid; see :func:`roadhealth.plot.slice_map`."""
        from roadhealth.plot import slice_map

        return slice_map(self._survey, **kwargs)

    def detect(self, recipe="default", **kwargs):
        """Detect and classify defects; see :func:`roadhealth.detect.detect`."""
        from roadhealth.detect import detect

        return detect(self._survey, recipe, **kwargs)

    @property
    def steps(self) -> list[str]:
        """Names of the steps available as methods."""
        from roadhealth.processing.recipe import STEPS

        return sorted(STEPS)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        from roadhealth.processing.recipe import STEPS

        if name not in STEPS:
            # AttributeError, so that hasattr() and getattr(..., default) work as for any object
            raise AttributeError(f"survey.rh has no step or method {name!r}; steps: {', '.join(sorted(STEPS))}")
        func = STEPS[name]
        return functools.wraps(func)(functools.partial(func, self._survey))

    def __dir__(self):
        return [*super().__dir__(), *self.steps]
