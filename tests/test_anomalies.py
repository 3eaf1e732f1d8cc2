"""The anomaly-table contract (docs/anomalies.md): core columns, named extras, dtypes, checks."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from roadhealth.anomalies import (
    ANOMALY_COLUMNS,
    EXTRA_COLUMNS,
    anomaly_table,
    conform_anomalies,
    empty_anomalies,
    read_anomalies,
    validate_anomalies,
)
from roadhealth.errors import AnomalyTableError, RoadHealthError

GRADES = ["IV", "III", "II", "I"]


def row(**kw):
    r = dict(kind="cavity", confidence=0.9, distance_start_m=1.0, distance_end_m=2.0,
             offset_start_m=-0.5, offset_end_m=0.5, depth_top_m=0.3, depth_bottom_m=0.5, length_m=1.0,
             width_m=1.0, height_m=0.2, cover_m=0.3, risk="I", evidence="strong reversed-polarity echo",
             geometry=shapely.box(0, 0, 1, 1))
    r.update(kw)
    return r


def test_error_is_a_roadhealth_error():
    assert issubclass(AnomalyTableError, RoadHealthError)


def test_empty_table_has_every_column_and_dtype():
    t = empty_anomalies("EPSG:4545", extras=["features", "risk_score"])
    assert list(t.columns) == [*ANOMALY_COLUMNS, "risk_score", "features"]
    assert isinstance(t["kind"].dtype, pd.CategoricalDtype)
    assert list(t["kind"].dtype.categories) == ["cavity", "void", "loose", "water_rich"]
    assert t["risk_score"].dtype == "float64"
    validate_anomalies(t)
    with pytest.raises(AnomalyTableError, match="unknown extra"):
        empty_anomalies(extras=["colour"])


def test_extras_follow_core_in_the_named_order_and_features_become_json():
    t = anomaly_table([row(survey="WAIMAO", risk_score=0.7, features={"polarity": -1.0})],
                      "EPSG:4545", risk_levels=GRADES)
    assert list(t.columns) == [*ANOMALY_COLUMNS, "risk_score", "features", "survey"]
    assert json.loads(t["features"][0]) == {"polarity": -1.0}
    assert t["risk"].dtype.ordered and list(t["risk"].dtype.categories) == GRADES
    validate_anomalies(t, risk_levels=GRADES, crs="EPSG:4545")


def test_risk_grades_are_not_hard_coded():
    t = anomaly_table([row(risk="A")], None)          # japan-style grade, levels unknown: accepted
    validate_anomalies(t)
    with pytest.raises(AnomalyTableError, match="risk must be one of"):
        validate_anomalies(t, risk_levels=GRADES)


@pytest.mark.parametrize(("change", "message"), [
    ({"confidence": 1.5}, "confidence"),
    ({"depth_bottom_m": 0.1}, "depth_bottom_m"),
    ({"distance_end_m": 0.0}, "distance_end_m"),
    ({"width_m": -1.0}, "width_m"),
    ({"geometry": shapely.Point(0, 0)}, "polygon"),
    ({"risk_score": 2.0}, "risk_score"),
    ({"features": "{not json"}, "JSON"),
    ({"geometry": shapely.Polygon()}, "geometry is empty in 1 row"),  # (found by fuzzing the planner)
    ({"geometry": shapely.box(0, 0, float("inf"), 1)}, "non-finite"),
])
def test_bad_values_are_named(change, message):
    t = anomaly_table([row(), row(**change)], "EPSG:4545")
    with pytest.raises(AnomalyTableError, match=message):
        validate_anomalies(t)


def test_column_problems_are_named():
    t = anomaly_table([row()], "EPSG:4545")
    with pytest.raises(AnomalyTableError, match="missing core"):
        validate_anomalies(t.drop(columns=["cover_m"]))
    with pytest.raises(AnomalyTableError, match="unknown column"):
        validate_anomalies(t.assign(colour="red"))
    with pytest.raises(AnomalyTableError, match="order"):
        validate_anomalies(t[["confidence", "kind", *ANOMALY_COLUMNS[2:]]])
    both = anomaly_table([row(road="x", survey="y")], None)
    with pytest.raises(AnomalyTableError, match="order"):
        validate_anomalies(both[[*ANOMALY_COLUMNS, "road", "survey"]])


def test_crs_must_be_projected_metres_and_the_expected_one():
    t = anomaly_table([row()], "EPSG:4326")
    with pytest.raises(AnomalyTableError, match="projected"):
        validate_anomalies(t)
    t = anomaly_table([row()], "EPSG:4545")
    with pytest.raises(AnomalyTableError, match="EPSG:32648"):
        validate_anomalies(t, crs="EPSG:32648")
    validate_anomalies(anomaly_table([row()], None))   # local frame


def test_geopackage_round_trip_is_conformed(tmp_path):
    t = anomaly_table([row(risk="high", survey="W", road="外贸路", anomaly_id="W-1")], "EPSG:4545")
    # a GeoPackage stores geometry last; write extras first as other tools might
    shuffled = gpd.GeoDataFrame(t[["road", "survey", *[c for c in t.columns if c not in ("road", "survey")]]],
                                geometry="geometry", crs=t.crs)
    path = tmp_path / "a.gpkg"
    shuffled.to_file(path, layer="anomalies")
    back = read_anomalies(path)
    assert list(back.columns) == [*ANOMALY_COLUMNS, "anomaly_id", "survey", "road"]
    assert back["road"][0] == "外贸路" and back["kind"].dtype == t["kind"].dtype
    assert back.geometry[0].equals(t.geometry[0])
    with pytest.raises(AnomalyTableError, match=r"b\.gpkg.*missing core"):
        t.drop(columns=["evidence"]).to_file(tmp_path / "b.gpkg", layer="anomalies")
        read_anomalies(tmp_path / "b.gpkg")
    with pytest.raises(AnomalyTableError, match="cannot read layer"):
        read_anomalies(path, layer="nope")


def test_conform_rejects_unknown_columns():
    t = anomaly_table([row()], None).assign(colour="red")
    with pytest.raises(AnomalyTableError, match="colour"):
        conform_anomalies(t)


def test_named_extras_are_the_documented_ones():
    assert list(EXTRA_COLUMNS) == ["risk_score", "features", "anomaly_id", "survey", "road",
                                   "chainage_start_m", "chainage_end_m", "lane"]


def test_float_columns_take_numbers_of_any_type_and_fill_missing_with_nan():
    """Float columns are float64 whatever numbers the rows hold (numpy float32, int, None), and a
    float extra present in one row only is NaN in the others."""
    import numpy as np

    t = anomaly_table([row(confidence=np.float32(0.5), depth_top_m=1, risk_score=0.25),
                       row(cover_m=None)], None)
    assert t["confidence"].dtype == np.float64 and t["confidence"].iloc[0] == 0.5
    assert t["depth_top_m"].dtype == np.float64 and t["depth_top_m"].iloc[0] == 1.0
    assert np.isnan(t["cover_m"].iloc[1]) and t["risk_score"].dtype == np.float64
    assert t["risk_score"].iloc[0] == 0.25 and np.isnan(t["risk_score"].iloc[1])


def test_an_unknown_kind_is_named_not_called_missing():
    t = gpd.GeoDataFrame(pd.DataFrame([row(), row(kind="CAVITY")]), geometry="geometry", crs="EPSG:4545")
    with pytest.raises(AnomalyTableError, match=r"kind must be one of .*found \['CAVITY'\]"):
        conform_anomalies(t)
