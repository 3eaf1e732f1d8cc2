"""The plan configuration: one TOML file with every threshold, overridable by a file or a dict.

The defaults live in ``roadhealth/plan/default_plan.toml`` next to this module, each value with
its source. :func:`load_config` merges a user's overrides over them key by key and checks the
result; an unknown key or a value of the wrong type raises :class:`PlanError` naming the key.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from roadhealth.errors import PlanError

__all__ = ["DEFAULT_CONFIG_PATH", "PlanError", "default_config", "load_config"]

#: The shipped default configuration.
DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_plan.toml")

#: Tables whose keys are the user's own (grade names, phases): any key is accepted there.
_OPEN_TABLES = {("pretreatment", "risk_scores"), ("schedule", "phase_deadlines")}


def default_config() -> dict:
    """The shipped defaults as a nested dict (a fresh copy)."""
    with open(DEFAULT_CONFIG_PATH, "rb") as f:
        return tomllib.load(f)


def _merge(base: dict, over: Mapping, path: tuple[str, ...], source: str) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        where = ".".join((*path, str(key)))
        if path in _OPEN_TABLES:
            out[str(key)] = value
            continue
        if key not in base:
            raise PlanError(f"{source}: unknown configuration key {where!r}; known keys here: {sorted(base)}")
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise PlanError(f"{source}: {where!r} must be a table; got {value!r}")
            out[key] = _merge(base[key], value, (*path, str(key)), source)
            continue
        want = base[key]
        if isinstance(want, bool) != isinstance(value, bool):
            raise PlanError(f"{source}: {where!r} must be {type(want).__name__}; got {value!r}")
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise PlanError(f"{source}: {where!r} must be a number; got {value!r}")
        elif isinstance(want, str) and not isinstance(value, (str, dt.date)):
            raise PlanError(f"{source}: {where!r} must be text; got {value!r}")
        elif isinstance(want, list) and not isinstance(value, (list, tuple)):
            raise PlanError(f"{source}: {where!r} must be a list; got {value!r}")
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


def _check(cfg: dict, source: str) -> dict:
    def bad(key, value, expected):
        raise PlanError(f"{source}: {key} = {value!r}; expected {expected}")

    _finite_numbers(cfg, source)
    h = cfg["hir"]
    if not 0 <= h["new_mix_fraction"] <= 0.30:
        bad("hir.new_mix_fraction", h["new_mix_fraction"], "0..0.30 (JTG/T 5521: new mix <= 30 %)")
    if not 1.5 <= h["speed_m_per_min"] <= 5.0:
        bad("hir.speed_m_per_min", h["speed_m_per_min"], "1.5..5 m/min")
    for k in ("depth_mm", "hours_per_day", "mix_density_t_m3"):
        if not h[k] > 0:
            bad(f"hir.{k}", h[k], "> 0")
    if not h["hours_per_day"] <= 24:
        bad("hir.hours_per_day", h["hours_per_day"], "at most 24 hours")
    if not 0 <= h["rejuvenator_pct"] <= 10 or not h["min_remaining_mm"] >= 0:
        bad("hir.rejuvenator_pct/min_remaining_mm", (h["rejuvenator_pct"], h["min_remaining_mm"]),
            "0..10 % of the binder and a thickness >= 0")
    if not cfg["referencing"]["tolerance_m"] > 0:
        bad("referencing.tolerance_m", cfg["referencing"]["tolerance_m"], "a distance > 0 m")
    if not 0 < h["utilisation"] <= 1:
        bad("hir.utilisation", h["utilisation"], "0 < utilisation <= 1")
    s = cfg["sections"]
    if s["method"] not in ("pelt", "dp", "cda"):
        bad("sections.method", s["method"], '"pelt", "dp" or "cda"')
    if not s["step_m"] > 0 or not s["min_length_m"] >= s["step_m"]:
        bad("sections.step_m/min_length_m", (s["step_m"], s["min_length_m"]), "step_m > 0 and min_length_m >= step_m")
    r = cfg["runs"]
    if r["min_run_m"] < 0 or r["bridge_gap_m"] < 0 or not 0 <= r["min_coverage"] <= 1 or not r["coverage_gap_m"] > 0:
        bad("runs", r, "min_run_m >= 0, bridge_gap_m >= 0, 0 <= min_coverage <= 1, coverage_gap_m > 0")
    if not s["penalty"] >= 0 or not s["cda_threshold"] > 0:
        bad("sections.penalty/cda_threshold", (s["penalty"], s["cda_threshold"]), "penalty >= 0 and cda_threshold > 0")
    c = cfg["condition"]
    if not (0 <= c["pci_reconstruct"] and c["pci_sound"] <= 100):
        bad("condition.pci_sound/pci_reconstruct", (c["pci_sound"], c["pci_reconstruct"]), "PCIs in 0..100")
    if c["ravelling_sound"] not in c["ravelling_grades"]:
        bad("condition.ravelling_sound", c["ravelling_sound"], f"one of {c['ravelling_grades']}")
    if not c["pci_reconstruct"] < c["pci_sound"]:
        bad("condition.pci_reconstruct", c["pci_reconstruct"], f"< pci_sound ({c['pci_sound']})")
    p = cfg["pretreatment"]
    kinds = ("cavity", "void", "loose", "water_rich")
    for k in (*p["kinds"], *p["repair_outside_runs"]):
        if k not in kinds:
            bad("pretreatment.kinds", k, f"one of {kinds}")
    for k, v in p["risk_scores"].items():
        if not isinstance(v, (int, float)) or not 0 <= v <= 1:
            bad(f"pretreatment.risk_scores.{k}", v, "a number in 0..1")
    for part in ("grout", "excavation"):
        if not p[part]["rate_m3_per_day"] > 0 or not 0 <= p[part]["curing_days"] <= 365:
            bad(f"pretreatment.{part}", p[part], "rate_m3_per_day > 0 and 0 <= curing_days <= 365")
    for k in ("buffer_m", "excavate_min_area_m2", "excavate_max_depth_top_m", "min_job_days"):
        if not p[k] >= 0:
            bad(f"pretreatment.{k}", p[k], ">= 0")
    if not 0 <= p["emergency_risk_score"] <= 1:
        bad("pretreatment.emergency_risk_score", p["emergency_risk_score"], "a number in 0..1")
    g = p["grout"]
    if not g["hole_spacing_m"] > 0 or not g["waste_factor"] >= 1:
        bad("pretreatment.grout", {k: g[k] for k in ("hole_spacing_m", "waste_factor")},
            "hole_spacing_m > 0 and waste_factor >= 1 (a multiplier of the void volume)")
    for k, v in g["fill_fraction"].items():
        if not isinstance(v, (int, float)) or not 0 <= v <= 1:
            bad(f"pretreatment.grout.fill_fraction.{k}", v, "a fraction in 0..1")
    if not p["excavation"]["margin_m"] >= 0:
        bad("pretreatment.excavation.margin_m", p["excavation"]["margin_m"], ">= 0")
    if not p["grout"]["void_max_gap_m"] > 0:
        bad("pretreatment.grout.void_max_gap_m", p["grout"]["void_max_gap_m"], "a thickness > 0")
    sc = cfg["schedule"]
    for k in ("start_date", "deadline"):
        sc[k] = _date(sc[k], f"schedule.{k}", source)
    sc["phase_deadlines"] = {str(k): _date(v, f"schedule.phase_deadlines.{k}", source)
                             for k, v in sc["phase_deadlines"].items()}
    if not 1900 <= sc["start_date"].year <= 2200:
        bad("schedule.start_date", sc["start_date"], "a date in 1900..2200")
    if not sc["deadline"] > sc["start_date"]:
        bad("schedule.deadline", sc["deadline"], f"after start_date {sc['start_date']}")
    if any(isinstance(sc[k], bool) or not isinstance(sc[k], (int, float)) or sc[k] != int(sc[k]) for k in ("trains", "crews")) \
            or int(sc["trains"]) < 1 or int(sc["crews"]) < 1:
        bad("schedule.trains/crews", (sc["trains"], sc["crews"]), "at least 1 each")
    if not set(sc["weekdays"]) <= set(range(7)) or not sc["weekdays"]:
        bad("schedule.weekdays", sc["weekdays"], "a non-empty list of 0 (Monday) .. 6")
    if not set(sc["months"]) <= set(range(1, 13)) or not sc["months"]:
        bad("schedule.months", sc["months"], "a non-empty list of 1..12")
    if sc["move_days"] < 0:
        bad("schedule.move_days", sc["move_days"], ">= 0")
    if not sc["search_time_s"] > 0:
        bad("schedule.search_time_s", sc["search_time_s"], "> 0 s (CP-SAT's deterministic time per solve)")
    if not 0 < sc["time_step_days"] <= 1:
        bad("schedule.time_step_days", sc["time_step_days"], "in (0, 1] working days")
    return cfg


def _finite_numbers(cfg, source: str, prefix: str = "") -> None:
    """Every number of the configuration must be finite: a NaN compares False with everything,
    so range checks written as ``x < 0`` let it through, and a NaN emergency threshold or gap
    bridge silently dropped emergencies and runs (found by fuzzing the planner)."""
    items = cfg.items() if isinstance(cfg, dict) else enumerate(cfg) if isinstance(cfg, list) else ()
    for k, v in items:
        key = f"{prefix}{k}" if isinstance(cfg, dict) else f"{prefix.rstrip('.')}[{k}]"
        if isinstance(v, float) and not math.isfinite(v):
            raise PlanError(f"{source}: {key} = {v!r}; expected a finite number")
        if isinstance(v, (dict, list)):
            _finite_numbers(v, source, f"{key}.")


def _date(value, key: str, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PlanError(f"{source}: {key} = {value!r}; expected an ISO date (YYYY-MM-DD)") from None


def load_config(config=None) -> dict:
    """The plan configuration: the defaults with ``config`` merged over them.

    Parameters
    ----------
    config : None, dict, str or path-like
        Overrides: a nested dict, or the path of a TOML file with the same tables as
        ``default_plan.toml``. Only the keys given change.

    Returns
    -------
    dict
        The full configuration (dates parsed to :class:`datetime.date`).

    Raises
    ------
    PlanError
        For an unreadable file, an unknown key, a value of the wrong type or out of range.
    """
    base = default_config()
    if config is None:
        return _check(base, str(DEFAULT_CONFIG_PATH))
    if isinstance(config, (str, os.PathLike)):
        source = os.fspath(config)
        try:
            with open(source, "rb") as f:
                over = tomllib.load(f)
        except OSError as exc:
            raise PlanError(f"{source}: cannot read the plan configuration: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise PlanError(f"{source}: not valid TOML: {exc}") from None
    elif isinstance(config, Mapping):
        source, over = "plan configuration (dict)", config
    else:
        raise PlanError(f"config must be None, a dict or a TOML path; got {type(config).__name__}")
    return _check(_merge(base, over, (), source), source)
