"""``explain(row)``: one short sentence an engineer can read, from a detection's columns."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import pandas as pd

from roadhealth.detect.classify import POINT_LIKE_SAID, SOIL_BODY_CALL
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
    if isinstance(row, pd.DataFrame):  # a table: one row of it only
        if len(row) != 1:
            raise DetectionError(f"explain: expected one row of a detection table; got a table of {len(row)} rows "
                                 "(explain each: table.iloc[i])")
        row = row.iloc[0]
    if not isinstance(row, Mapping) and not isinstance(row, pd.Series):
        raise DetectionError(f"explain: expected one row of a detection table; got {type(row).__name__}")
    need = ("kind", "confidence", "distance_start_m", "distance_end_m", "offset_start_m", "offset_end_m",
            "depth_top_m", "length_m", "width_m")
    missing = [k for k in need if k not in row]
    if missing:
        raise DetectionError(f"explain: the row lacks column(s) {missing}; pass a row of roadhealth.detect's table")
    kind = str(row["kind"])
    num = {k: _field(row, k) for k in need[1:]}
    feats = {}
    raw = row.get("features")
    if isinstance(raw, str) and raw:
        try:
            feats = json.loads(raw)
        except ValueError:
            feats = {}
    if not isinstance(feats, dict):  # (a JSON list or number is no feature record)
        feats = {}
    rng = feats.get("depth_top_range_m")
    rng = [_real(v) for v in rng] if isinstance(rng, list) and len(rng) == 2 else [None]
    rng_txt = (f" ({rng[0]:.2f}-{rng[1]:.2f} m over the default velocity model's range)"
               if None not in rng else "")
    est = _real(feats.get("trace_spacing_estimated_m"))
    est_txt = f" (the file gives no positions: {est:.3g} m per trace estimated)" if est else ""
    head = (f"{_KIND_WORDS.get(kind, kind)} (confidence {num['confidence']:.2f}) at "
            f"{num['distance_start_m']:.1f}-{num['distance_end_m']:.1f} m along the survey{est_txt}, "
            f"{_side(num['offset_start_m'], num['offset_end_m'])}, top "
            f"{num['depth_top_m']:.2f} m deep{rng_txt}, {num['length_m']:.1f} m long, "
            f"{num['width_m']:.1f} m wide")
    why = []
    # (feature values that are not numbers are left out of the sentence)
    z, pol, slow, coh, soil, mult = (_real(feats.get(k)) for k in ("z_top", "polarity", "slow_bottom_ratio",
                                                                    "coherence", "soil_body", "multiple_ratio"))
    unexplained = kind == "loose" and (_real(feats.get("unexplained_zone")) or 0.0) > 0
    if unexplained:  # (the polarity of a few bright scatterers says nothing about a scattering zone)
        pol = None
    if z is not None:
        why.append(f"a reflection {z:.0f} robust SD above the background")
    if slow is not None and pol is not None and pol > 0.2:
        # the measured reflection is the wet body's bottom (wetter to drier soil, as air reflects);
        # its top, of the surface's polarity, is the stronger reflection above it
        why.append(f"the bottom of a slow, wet body (polarity of air, wetter to drier soil) under a reflection of "
                   f"the road surface's polarity {slow:.1f} times stronger, its top")
    elif pol is not None:
        if kind == "void":
            why.append("flat and continuous under the pavement")
        elif pol > 0.2:
            why.append("with polarity opposite to the road surface's (into a faster medium, e.g. air)")
        elif pol < -0.2:
            why.append("with the road surface's polarity (into a slower, wetter medium)")
        else:
            why.append("with no consistent polarity")
    ringing_body, flat_body, strength, ring = (_real(feats.get(k)) for k in ("weak_ringing_body", "weak_flat_body",
                                                                            "top_surface_ratio", "ringing"))
    if kind == "loose" and (ringing_body or 0.0) >= SOIL_BODY_CALL and strength is not None and ring is not None:
        why.append(f"a top {strength:.2f} as strong as the surface's, weak for air, with {ring:.2f} of its energy "
                   f"in the periods under it: soil looser or drier than around it, scattering inside")
    elif kind == "loose" and (flat_body or 0.0) >= SOIL_BODY_CALL and strength is not None:
        why.append(f"a wide flat top {strength:.2f} as strong as the surface's, weak for air: soil looser or "
                   f"drier than around it")
    elif kind == "loose" and soil is not None and soil >= SOIL_BODY_CALL and mult is not None:
        why.append(f"a top and a separate bottom without an air body's internal multiple ({mult:.2f} of the "
                   f"bottom): soil looser or drier than around it")
    elif unexplained:
        dip = _real(feats.get("coherence_dip"))
        why.append("an incoherent zone that no other kind explains (lateral coherence "
                   + (f"{coh:.2f}, " if coh is not None else "") + "along its dip "
                   + (f"{dip:.2f}" if dip is not None else "low") + ", no diffraction hyperbola)")
    elif kind == "loose" and coh is not None:
        why.append(f"chaotic (lateral coherence {coh:.2f})")
    point = _real(feats.get("point_like"))
    if kind == "cavity" and point is not None and point > POINT_LIKE_SAID:
        # (on one profile an air-filled pipe crossing the line gives the same picture)
        why.append("its response is also a point diffractor's, so an air-filled pipe crossing the line cannot "
                   "be excluded (a crossing line or an array's channels tell them apart)")
    sev = feats.get("severity")
    if isinstance(sev, str) and sev:
        why.append(sev)
    text = head + (": " + ", ".join(why) if why else "") + "."
    if "risk" in row and row["risk"] is not None and not (isinstance(row["risk"], float) and math.isnan(row["risk"])):
        score = _real(row.get("risk_score"))
        if score is not None:
            text += f" Risk {row['risk']} (score {score:.2f})."
        else:
            text += f" Risk {row['risk']}."
    return text


def _real(v) -> float | None:
    """``v`` as a finite float, else None."""
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _field(row, key: str) -> float:
    """A numeric column of the row, or a DetectionError naming it."""
    try:
        return float(row[key])
    except (TypeError, ValueError):
        raise DetectionError(f"explain: column {key} = {row[key]!r}; expected a number") from None
