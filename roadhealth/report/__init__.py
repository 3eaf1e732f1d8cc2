"""Reports: figures (matplotlib, no pyplot) and the self-contained HTML campaign report.

:class:`ReportContent` holds what a report shows, :func:`render_report` / :func:`write_report`
turn it into one HTML file with embedded figures; :mod:`roadhealth.report.figures` draws the map,
B-scans and depth slices. The campaign runner (:mod:`roadhealth.campaign`) fills the content.
"""

from roadhealth.report.figures import (
    KIND_COLOURS,
    anomaly_map_figure,
    bscan_figure,
    high_risk_mask,
    png_bytes,
    slice_figure,
)
from roadhealth.report.html import ReportContent, render_report, write_report

__all__ = [
    "KIND_COLOURS",
    "ReportContent",
    "anomaly_map_figure",
    "bscan_figure",
    "high_risk_mask",
    "png_bytes",
    "render_report",
    "slice_figure",
    "write_report",
]
