"""Detection: candidates -> features -> kinds -> risk, from a survey to a table of defects.

``roadhealth.detect.detect(survey, recipe="default", *, risk="beijing", **options)`` returns the
anomaly table (``docs/anomalies.md``); ``candidates(survey)`` the unclassified regions with their
measured features; ``explain(row)`` a sentence; :mod:`roadhealth.detect.risk` the grading presets.
The method is described in ``docs/detection.md``.

The package module itself is callable: ``roadhealth.detect(survey, ...)`` is
``roadhealth.detect.detect(survey, ...)``.
"""

import sys as _sys
import types as _types

from roadhealth.detect import risk
from roadhealth.detect.chunked import detect_chunked as detect_chunked  # re-exported
from roadhealth.detect.core import candidates, detect
from roadhealth.detect.explain import explain
from roadhealth.detect.prepare import surface_reference
from roadhealth.errors import DetectionError

__all__ = ["DetectionError", "candidates", "detect", "detect_chunked", "explain", "risk", "surface_reference"]

try:  # evaluation against truth lives in its own module (roadhealth/detect/evaluate.py)
    from roadhealth.detect.evaluate import evaluate  # noqa: F401
except ModuleNotFoundError as _exc:  # pragma: no cover - only while that module does not exist
    if _exc.name != "roadhealth.detect.evaluate":
        raise
else:
    __all__.append("evaluate")


class _CallableModule(_types.ModuleType):
    """``roadhealth.detect`` the module, callable as ``roadhealth.detect.detect``."""

    def __call__(self, survey, recipe="default", *, risk="beijing", **options):
        return detect(survey, recipe, risk=risk, **options)


_sys.modules[__name__].__class__ = _CallableModule
