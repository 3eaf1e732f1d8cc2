"""Synthetic GPR surveys of roads with known truth.

* :mod:`roadhealth.synth.model`: road models (layers, defects, clutter) along a survey track;
* :mod:`roadhealth.synth.forward`: the fast vectorised forward model (:func:`simulate`);
* :mod:`roadhealth.synth.truth`: the truth tables (anomaly schema) of a model;
* :mod:`roadhealth.synth.campaign`: the Longdu sample campaign and larger generated campaigns;
* :mod:`roadhealth.synth.gprmax`: export of a model as gprMax input for full-wave checks.

See ``docs/synthetic.md``.
"""

from roadhealth.synth.forward import Acquisition, SystemEffects, simulate, to_int16
from roadhealth.synth.model import (
    MATERIALS,
    Cavity,
    Layer,
    LooseZone,
    Manhole,
    Material,
    Pipe,
    PointScatterer,
    RoadModel,
    TrackFrame,
    Undulation,
    Void,
    WaterRichZone,
    default_layers,
    fresnel,
)

__all__ = [
    "MATERIALS",
    "Acquisition",
    "Cavity",
    "Layer",
    "LooseZone",
    "Manhole",
    "Material",
    "Pipe",
    "PointScatterer",
    "RoadModel",
    "SystemEffects",
    "TrackFrame",
    "Undulation",
    "Void",
    "WaterRichZone",
    "default_layers",
    "fresnel",
    "simulate",
    "to_int16",
]
