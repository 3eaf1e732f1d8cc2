"""``survey.rh``: a fluent front for the processing steps, for notebooks.

``survey.rh.dewow(window_ns=2.5).rh.bandpass()`` is exactly
``bandpass(dewow(survey, window_ns=2.5))``: every registered step (see
:data:`roadhealth.processing.recipe.STEPS`) is reachable as a method, calling the same plain
function, which stays the primary API (as rioxarray's ``.rio`` fronts rasterio).
"""

from __future__ import annotations

import functools

import xarray as xr

from roadhealth.errors import ProcessingError


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
            raise ProcessingError(f"no processing step {name!r}; available: {', '.join(sorted(STEPS))}")
        func = STEPS[name]
        return functools.wraps(func)(functools.partial(func, self._survey))

    def __dir__(self):
        return [*super().__dir__(), *self.steps]
