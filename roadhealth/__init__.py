"""roadhealth: GPR surveys of city roads to defect maps and hot in-place recycling plans."""

from roadhealth._version import __version__
from roadhealth.errors import FormatError, GeoreferenceError, RoadHealthError, SurveyContractError
from roadhealth.io import read, write
from roadhealth.io.georef import georeference, regularize
from roadhealth.processing import accessor as _accessor  # noqa: F401  (registers survey.rh)
from roadhealth.survey import add_history, make_survey, validate

__all__ = [
    "FormatError",
    "GeoreferenceError",
    "RoadHealthError",
    "SurveyContractError",
    "__version__",
    "add_history",
    "georeference",
    "make_survey",
    "read",
    "regularize",
    "validate",
    "write",
]

#: Subpackages imported on first use (``roadhealth.detect(survey)``, ``roadhealth.plan.plan(...)``),
#: so ``import roadhealth`` stays light.
_LAZY = ("detect", "plan", "campaign", "report", "synth", "processing", "plot")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"roadhealth.{name}")
    raise AttributeError(f"module 'roadhealth' has no attribute {name!r}")
