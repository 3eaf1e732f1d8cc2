"""Exceptions and warnings raised by roadhealth.

Every error names what went wrong in terms a survey engineer can act on: the file, the field
(as the format itself names it), the value found, and what was expected.
"""

from __future__ import annotations

import os

__all__ = [
    "AnomalyTableError",
    "CampaignError",
    "DetectionError",
    "FormatError",
    "GeoreferenceError",
    "PlanError",
    "ProcessingError",
    "RoadHealthError",
    "RoadHealthWarning",
    "SurveyContractError",
    "UnknownFormatError",
    "WriteError",
]


class RoadHealthError(Exception):
    """Base class of every error roadhealth raises on purpose."""


class FormatError(RoadHealthError, ValueError):
    """A file is truncated, corrupted or inconsistent with its own format.

    Parameters
    ----------
    path : str or path-like or None
        The file concerned.
    field : str or None
        The header field or part of the file (format's own name, e.g. ``rh_nsamp``).
    message : str
        What was found and what was expected.
    """

    def __init__(self, path, field: str | None, message: str):
        self.path = None if path is None else os.fspath(path)
        self.field = field
        self.detail = message
        where = f"{self.path}" if self.path else "<memory>"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")


class UnknownFormatError(FormatError):
    """The format of a file could not be recognised from its content or extension."""


class WriteError(RoadHealthError, ValueError):
    """A survey cannot be written in the requested format as it is (e.g. values that do not fit)."""


class GeoreferenceError(RoadHealthError, ValueError):
    """GNSS positions are missing, unusable or cannot be tied to traces."""


class SurveyContractError(RoadHealthError, ValueError):
    """A DataArray does not satisfy the survey contract (see ``docs/data-model.md``)."""


class AnomalyTableError(RoadHealthError, ValueError):
    """A table does not satisfy the anomaly-table contract (see ``docs/anomalies.md``)."""


class ProcessingError(RoadHealthError, ValueError):
    """A processing step got parameters or data it cannot work with."""


class DetectionError(RoadHealthError, ValueError):
    """A survey cannot be searched for defects as it is (no samples, no signal, a time window too
    short to see below the pavement, depth-domain data without a velocity)."""


class RoadHealthWarning(UserWarning):
    """Something was inferred or repaired; the result is usable but the user should know."""


class PlanError(RoadHealthError, ValueError):
    """Inputs or configuration of the planner are missing or inconsistent.

    Messages name the file (or table), the row and the field concerned, the value found and what
    was expected.
    """


class CampaignError(RoadHealthError, ValueError):
    """A campaign folder or its ``campaign.toml`` cannot be used as it is (names file, key, value)."""
