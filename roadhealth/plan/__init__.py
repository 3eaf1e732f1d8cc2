"""Hot in-place recycling plans from anomaly tables, surface condition and asphalt thickness.

``plan(centrelines, anomalies, condition, thickness, config)`` returns a :class:`Plan` with
``sections``, ``hir_runs``, ``pretreatments`` (GeoDataFrames) and a ``schedule`` table. The
configuration (every threshold, with its source) is ``default_plan.toml`` in this package; the
input formats and rules are documented in ``docs/plan.md``. Works on GeoDataFrames and tables
only (never on radar arrays).
"""

from roadhealth.plan.config import DEFAULT_CONFIG_PATH, PlanError, default_config, load_config
from roadhealth.plan.core import Plan, band_polygon, plan
from roadhealth.plan.referencing import lane_bands, lane_of_offset, locate_footprints, locate_points
from roadhealth.plan.sections import cumulative_difference, optimal_segments, segment

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "Plan",
    "PlanError",
    "band_polygon",
    "cumulative_difference",
    "default_config",
    "lane_bands",
    "lane_of_offset",
    "load_config",
    "locate_footprints",
    "locate_points",
    "optimal_segments",
    "plan",
    "segment",
]
