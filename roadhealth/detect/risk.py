"""Collapse-risk grading of detected defects: presets ``"beijing"``, ``"seoul"``, ``"japan"`` and
user tables.

A grading table is a list of rules tried in order; the first rule whose conditions all hold gives
the defect its grade. The presets are TOML files next to this module (``risk_beijing.toml``,
``risk_seoul.toml``, ``risk_japan.toml``), each naming its source; a user passes a path to a TOML
file, a TOML string or a dict of the same layout::

    name = "my-city"
    grades = ["low", "medium", "high"]     # least urgent first
    [[rules]]
    grade = "high"
    kinds = ["cavity", "void"]             # optional: only these kinds
    cover_max_m = 0.3                      # every condition must hold
    [[rules]]
    grade = "low"                          # no condition: the default

Conditions (all optional; lower bounds inclusive, upper bounds exclusive):

==========================  ====================================================================
``cover_min_m/_max_m``      cover (depth of the top below the road surface), m
``asphalt_min_m/_max_m``    asphalt (bound pavement) above the defect, m; a rule with these never
                            matches when the asphalt thickness is unknown
``width_min_m/_max_m``      across-track width, m
``length_min_m/_max_m``     along-track length, m
``size_min_m/_max_m``       plan size ``max(length, width)``, m
``ratio_min/_max``          cover-to-span ratio ``h / l`` (span ``l`` = plan size)
``score_min/_max``          the urgency score below (0-1)
``kinds``                   list of kinds the rule applies to
``severities``              list of severities (``"slight"``, ``"medium"``, ``"severe"``)
==========================  ====================================================================

Urgency score and ``risk_score``
================================
Every defect gets one physical urgency ``u`` in 0-1, the same whatever the preset, in the style of
DB11/T 1399: ``u = K(kind, severity) * f(h / l)`` with the type coefficient ``K`` (cavity and void
1.0, severe water-rich 0.9, severe loose 0.8, water-rich 0.7, medium loose 0.6, slight loose 0.3)
and ``f`` falling from 1 for a thin arch (``h/l <= 0.5``) through 0.8 (1), 0.55 (2) to 0.3
(``h/l >= 4``), linear in between. ``risk_score`` places the grade on a common scale and refines
it with ``u``: grade ``k`` of ``n`` (0 the least urgent) gives ``(k + u) / n``, so a more urgent
grade always scores higher, the most urgent grade of every preset lies in the top band, and
scores are comparable across presets.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from roadhealth.errors import DetectionError

__all__ = [
    "PRESETS",
    "TYPE_COEFFICIENTS",
    "grade",
    "load_table",
    "ratio_factor",
    "urgency",
]

_HERE = Path(__file__).resolve().parent

#: Built-in presets and their TOML files.
PRESETS = {name: _HERE / f"risk_{name}.toml" for name in ("beijing", "seoul", "japan")}

#: Type coefficient K of the urgency score, by (kind, severity); severity None = any.
TYPE_COEFFICIENTS = {
    ("cavity", None): 1.0,
    ("void", None): 1.0,
    ("water_rich", "severe"): 0.9,
    ("water_rich", None): 0.7,
    ("loose", "severe"): 0.8,
    ("loose", "medium"): 0.6,
    ("loose", "slight"): 0.3,
    ("loose", None): 0.6,
}

#: f(h/l): cover-to-span ratio -> factor, linear between the points, constant beyond.
RATIO_POINTS = ((0.0, 1.0), (0.5, 1.0), (1.0, 0.8), (2.0, 0.55), (4.0, 0.3))

_BOUNDS = {
    "cover": "cover_m", "asphalt": "asphalt_m", "width": "width_m", "length": "length_m",
    "size": "size_m", "ratio": "ratio", "score": "score",
}
_KEYS = ({f"{k}_min_m" for k in ("cover", "asphalt", "width", "length", "size")}
         | {f"{k}_max_m" for k in ("cover", "asphalt", "width", "length", "size")}
         | {"ratio_min", "ratio_max", "score_min", "score_max", "kinds", "severities", "grade"})


def ratio_factor(ratio) -> np.ndarray:
    """``f(h / l)`` of the urgency score (dimensionless), see the module notes."""
    x, y = zip(*RATIO_POINTS, strict=True)
    return np.interp(np.asarray(ratio, dtype=float), x, y)


def urgency(kind, severity, cover_m, span_m) -> np.ndarray:
    """Physical urgency ``u = K(kind, severity) * f(cover / span)`` in 0-1, vectorised.

    Parameters
    ----------
    kind, severity : array_like of str
        Defect kinds and severities (``"slight"``, ``"medium"``, ``"severe"`` or None).
    cover_m, span_m : array_like of float
        Cover (m) and span (plan size, m).
    """
    kind = np.atleast_1d(np.asarray(kind, dtype=object))
    severity = np.broadcast_to(np.atleast_1d(np.asarray(severity, dtype=object)), kind.shape)
    k = np.array([TYPE_COEFFICIENTS.get((str(a), b), TYPE_COEFFICIENTS.get((str(a), None), 0.5))
                  for a, b in zip(kind, severity, strict=True)], dtype=float)
    cover = np.maximum(np.asarray(cover_m, dtype=float), 0.0)
    span = np.maximum(np.asarray(span_m, dtype=float), 1e-3)
    return np.clip(k * ratio_factor(cover / span), 0.0, 1.0)


def load_table(risk: Any = "beijing") -> dict[str, Any]:
    """A grading table: ``{"name", "source", "grades", "rules"}``.

    Parameters
    ----------
    risk : str, path-like or mapping
        A preset name (``"beijing"``, ``"seoul"``, ``"japan"``), a path to a TOML file, a TOML
        document as a string, or a dict of the same layout.

    Raises
    ------
    DetectionError
        Naming the table and what is wrong (unknown preset, no grades, a rule whose grade is not
        one of the grades, an unknown condition, a table without a default rule).
    """
    where = "risk table"
    if isinstance(risk, str) and risk in PRESETS:
        path = PRESETS[risk]
        where = f"risk preset {risk!r} ({path.name})"
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    elif isinstance(risk, (str, os.PathLike)):
        text = str(risk)
        if isinstance(risk, os.PathLike) or ("\n" not in text and text.endswith(".toml")):
            path = Path(risk)
            if not path.is_file():
                raise DetectionError(f"risk table file {path} not found (presets: {sorted(PRESETS)})")
            where = f"risk table {path}"
            text = path.read_text(encoding="utf-8")
        elif "=" not in text:
            raise DetectionError(f"unknown risk preset {risk!r}; presets are {sorted(PRESETS)}, "
                                 "or give a TOML file or a dict")
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise DetectionError(f"{where} is not valid TOML: {exc}") from None
    elif isinstance(risk, Mapping):
        table = dict(risk)
    else:
        raise DetectionError(f"risk must be a preset name {sorted(PRESETS)}, a TOML file or a dict; "
                             f"got {type(risk).__name__}")
    grades = table.get("grades")
    if not isinstance(grades, (list, tuple)) or not grades or not all(isinstance(g, str) for g in grades):
        raise DetectionError(f"{where}: 'grades' must be a non-empty list of grade names, least urgent "
                             f"first; got {grades!r}")
    if len(set(grades)) != len(grades):
        raise DetectionError(f"{where}: grade names must be unique; got {grades!r}")
    rules = table.get("rules")
    if not isinstance(rules, (list, tuple)) or not rules:
        raise DetectionError(f"{where}: 'rules' must be a non-empty list of rules; got {rules!r}")
    out_rules = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, Mapping) or "grade" not in rule:
            raise DetectionError(f"{where}: rules[{i}] must be a table with a 'grade'; got {rule!r}")
        if rule["grade"] not in grades:
            raise DetectionError(f"{where}: rules[{i}] grade {rule['grade']!r} is not one of {list(grades)}")
        unknown = set(rule) - _KEYS
        if unknown:
            raise DetectionError(f"{where}: rules[{i}] has unknown condition(s) {sorted(unknown)}; "
                                 f"known: {sorted(_KEYS - {'grade'})}")
        for k, v in rule.items():
            if k in ("grade", "kinds", "severities"):
                continue
            try:
                ok = math.isfinite(float(v))
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise DetectionError(f"{where}: rules[{i}] {k} must be a number; got {v!r}")
        out_rules.append(dict(rule))
    last = out_rules[-1]
    if set(last) != {"grade"}:
        raise DetectionError(f"{where}: the last rule must be a default (a grade and no condition), so "
                             "every defect gets a grade")
    return {"name": str(table.get("name", "user")), "source": str(table.get("source", "user table")),
            "grades": list(grades), "rules": out_rules}


def _matches(rule: Mapping, values: dict[str, np.ndarray]) -> np.ndarray:
    n = len(values["kind"])
    ok = np.ones(n, dtype=bool)
    for key, v in rule.items():
        if key == "grade":
            continue
        if key == "kinds":
            ok &= np.isin(values["kind"].astype(str), [str(k) for k in v])
            continue
        if key == "severities":
            ok &= np.isin(values["severity"].astype(str), [str(k) for k in v])
            continue
        stem, bound = key.split("_")[0], key.split("_")[1]
        col = values[_BOUNDS[stem]]
        with np.errstate(invalid="ignore"):
            ok &= (col >= float(v)) if bound == "min" else (col < float(v))  # NaN fails both
    return ok


def grade(kind, cover_m, length_m, width_m, *, severity=None, asphalt_m=None,
          risk: Any = "beijing") -> tuple[list[str], np.ndarray, dict[str, Any]]:
    """Grade defects with a preset or a user table.

    Parameters
    ----------
    kind : array_like of str
    cover_m, length_m, width_m : array_like of float
        Cover, along-track length and across-track width, m.
    severity : array_like of str, optional
        ``"slight"``, ``"medium"`` or ``"severe"`` (loose and water-rich zones); None for unknown.
    asphalt_m : array_like of float, optional
        Asphalt above each defect, m (NaN or None when unknown).
    risk : preset name, path, TOML string or dict
        See :func:`load_table`.

    Returns
    -------
    grades : list of str
        The grade of each defect (the table's grade names).
    risk_score : numpy.ndarray
        0-1, comparable across presets (see the module notes).
    table : dict
        The grading table used.
    """
    table = load_table(risk)
    kind = np.atleast_1d(np.asarray(kind, dtype=object))
    n = kind.size
    sev = np.full(n, None, dtype=object) if severity is None else np.atleast_1d(np.asarray(severity, dtype=object))
    cover = np.broadcast_to(np.asarray(cover_m, dtype=float), (n,))
    length = np.broadcast_to(np.asarray(length_m, dtype=float), (n,))
    width = np.broadcast_to(np.asarray(width_m, dtype=float), (n,))
    asphalt = (np.full(n, np.nan) if asphalt_m is None
               else np.broadcast_to(np.asarray(asphalt_m, dtype=float), (n,)))
    size = np.maximum(length, width)
    score = urgency(kind, sev, cover, size) if n else np.zeros(0)
    values = {"kind": kind, "severity": sev, "cover_m": cover, "asphalt_m": asphalt, "width_m": width,
              "length_m": length, "size_m": size, "ratio": cover / np.maximum(size, 1e-3), "score": score}
    out = np.full(n, None, dtype=object)
    for rule in table["rules"]:
        hit = _matches(rule, values) & (out == None)  # noqa: E711  (elementwise)
        out[hit] = rule["grade"]
    rank = np.array([table["grades"].index(g) for g in out], dtype=float)
    n_grades = len(table["grades"])
    risk_score = np.clip((rank + score) / n_grades, 0.0, 1.0) if n else np.zeros(0)
    return [str(g) for g in out], risk_score, table
