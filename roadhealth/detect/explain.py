"""``explain(row)``: one short sentence an engineer can read, from a detection's columns."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from roadhealth.detect.classify import SOIL_BODY_CALL
from roadhealth.errors import DetectionError

__all__ = ["explain"]

_KIND_WORDS = {
    "cavity": "Cavity",
    "void": "Void (air gap under the pavement)",
    "water_rich": "Water-rich zone",
    "loose": "Loose soil",
}


def _side(o0: float, o1: float) -> str:
    mid = 0.5 * (o0 + o1)
    if abs(mid) < 0.05:
        return "on the survey line"
    return f"{abs(mid):.2f} m {'left' if mid > 0 else 'right'} of the survey line"


def explain(row) -> str:
    """A short human sentence saying what was found, where, and why.

    Parameters
    ----------
    row : mapping or pandas.Series
        One row of a :func:`roadhealth.detect.detect` table (``table.iloc[i]``).

    Returns
    -------
    str
        e.g. "Cavity (confidence 0.86) at 13.2-14.8 m along the survey, 0.05 m left of the survey
        line, top 0.55 m deep, 1.6 m long, 1.0 m wide: a strong reflection 12 robust SD above the
        background with polarity opposite to the road surface's. Risk I (score 0.95, beijing)."

    Raises
    ------
    DetectionError
        When the row lacks the columns of a detection.
    """
    if not isinstance(row, Mapping) and not hasattr(row, "index"):
        raise DetectionError(f"explain: expected one row of a detection table; got {type(row).__name__}")
    need = ("kind", "confidence", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
            "depth_top_m", "length_m", "width_m")
    missing = [k for k in need if k not in row]
    if missing:
        raise DetectionError(f"explain: the row lacks column(s) {missing}; pass a row of roadhealth.detect's table")
    kind = str(row["kind"])
    feats = {}
    raw = row.get("features") if hasattr(row, "get") else None
    if isinstance(raw, str) and raw:
        try:
            feats = json.loads(raw)
        except ValueError:
            feats = {}
    rng = feats.get("depth_top_range_m")
    rng_txt = (f" ({float(rng[0]):.2f}-{float(rng[1]):.2f} m over the default velocity model's range)"
               if isinstance(rng, list) and len(rng) == 2 else "")
    est = feats.get("trace_spacing_estimated_m")
    est_txt = f" (the file gives no positions: {float(est):.3g} m per trace estimated)" if est else ""
    head = (f"{_KIND_WORDS.get(kind, kind)} (confidence {float(row['confidence']):.2f}) at "
            f"{float(row['distance_start_m']):.1f}-{float(row['distance_end_m']):.1f} m along the survey{est_txt}, "
            f"{_side(float(row['offset_start_m']), float(row['offset_end_m']))}, top "
            f"{float(row['depth_top_m']):.2f} m deep{rng_txt}, {float(row['length_m']):.1f} m long, "
            f"{float(row['width_m']):.1f} m wide")
    why = []
    z = feats.get("z_top")
    pol = feats.get("polarity")
    if z is not None:
        why.append(f"a reflection {z:.0f} robust SD above the background")
    slow = feats.get("slow_bottom_ratio")
    if slow is not None and pol is not None and pol > 0.2:
        # the measured reflection is the wet body's bottom (wetter to drier soil, as air reflects);
        # its top, of the surface's polarity, is the stronger reflection above it
        why.append(f"the bottom of a slow, wet body (polarity of air, wetter to drier soil) under a reflection of "
                   f"the road surface's polarity {float(slow):.1f} times stronger, its top")
    elif pol is not None:
        if kind == "void":
            why.append("flat and continuous under the pavement")
        elif pol > 0.2:
            why.append("with polarity opposite to the road surface's (into a faster medium, e.g. air)")
        elif pol < -0.2:
            why.append("with the road surface's polarity (into a slower, wetter medium)")
        else:
            why.append("with no consistent polarity")
    coh = feats.get("coherence")
    soil, mult = feats.get("soil_body"), feats.get("multiple_ratio")
    if kind == "loose" and soil is not None and soil >= SOIL_BODY_CALL and mult is not None:
        why.append(f"a top and a separate bottom without an air body's internal multiple ({mult:.2f} of the "
                   f"bottom): soil looser or drier than around it")
    elif kind == "loose" and coh is not None:
        why.append(f"chaotic (lateral coherence {coh:.2f})")
    sev = feats.get("severity")
    if sev:
        why.append(f"{sev}")
    text = head + (": " + ", ".join(why) if why else "") + "."
    if "risk" in row and row["risk"] is not None and not (isinstance(row["risk"], float) and math.isnan(row["risk"])):
        score = row.get("risk_score") if hasattr(row, "get") else None
        if score is not None and not (isinstance(score, float) and math.isnan(score)):
            text += f" Risk {row['risk']} (score {float(score):.2f})."
        else:
            text += f" Risk {row['risk']}."
    return text
