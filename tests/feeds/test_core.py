"""The column map and Kolada's JSON, pure (issue 14): table-driven, no database."""

import json
from pathlib import Path

import pytest

from stabil.core import kolada
from stabil.core.columnmap import ColumnMap, ColumnMapError, parse

KNOWN = {"case_id", "event", "date", "unit"}
FIXTURE = Path(__file__).parent / "fixtures" / "kolada_v3_data.json"


@pytest.mark.parametrize("text, expected", [
    ("", ColumnMap()),
    ('[columns]\n"Ärendenummer" = "case_id"\n', ColumnMap(columns={"ärendenummer": "case_id"})),
    ('[columns]\n" Händelse " = "EVENT"\n[values.event]\n"Aktualisering" = "report_received"\n',
     ColumnMap(columns={"händelse": "event"}, values={"event": {"Aktualisering": "report_received"}})),
    ('[source]\nunit = "UA"\ncontact = "ic@kommun.se"\n', ColumnMap(unit="UA", contacts=("ic@kommun.se",))),
    ('[source]\ncontact = ["a@k.se", "b@k.se"]\n', ColumnMap(contacts=("a@k.se", "b@k.se"))),
])
def test_a_good_map_is_read(text, expected):
    assert parse(text.encode(), name="x/columns.toml", known_columns=KNOWN) == expected


@pytest.mark.parametrize("data, message", [
    (b'[columns\n"a" = "case_id"\n', "x/columns.toml, rad 1: kolumnkartan är inte giltig TOML"),
    (b'[columns]\n"a" = "case_id"\n"b" = \n', "rad 3: kolumnkartan är inte giltig TOML"),
    (b"\xff\xfe\x00binary", "inte UTF-8-text"),
    (b'[columns]\n"a" = "name"\n', "pekar på 'name', som ingen importfil har"),
    (b'[columns]\n"a" = "case_id"\n"b" = "case_id"\n', "både 'a' och 'b' pekar på 'case_id'"),
    (b'[columns]\n"a" = 3\n', "ska vara en text"),
    (b'[secrets]\nx = 1\n', "okänd del secrets"),
    (b'[source]\nunit = "../../etc"\n', "ingen enhetskod"),
    (b'[source]\ncontact = "inte-en-adress"\n', "ingen e-postadress"),
    (b'[source]\nrun_as = "admin"\n', "okända nyckeln run_as"),
    (b'[values.name]\n"a" = "b"\n', "[values.name] gäller ingen kolumn"),
    (b"#" * (300 * 1024), "större än 256 kB"),
    (b'[columns]\n"a\\u0000" = "case_id"\n', "utan styrtecken"),
])
def test_a_bad_map_is_refused_in_swedish_naming_the_file(data, message):
    with pytest.raises(ColumnMapError) as caught:
        parse(data, name="x/columns.toml", known_columns=KNOWN)
    assert message in str(caught.value) and str(caught.value).startswith("x/columns.toml")


def test_the_map_renames_and_translates_and_names_the_original():
    cmap = parse('[columns]\n"Händelse" = "event"\n[values.event]\n"Akt" = "report_received"\n'.encode(),
                 name="m", known_columns=KNOWN)
    assert cmap.header(["händelse", "date"]) == ["event", "date"]
    assert cmap.value("event", " Akt ") == "report_received" and cmap.value("event", "x") == "x"
    assert cmap.original("event") == "händelse" and cmap.original("date") is None


def test_the_recorded_v3_response_is_read():
    rows = kolada.parse_response(FIXTURE.read_bytes(), name="f.json")
    assert len(rows) == 5
    assert kolada.KoladaRow("N79102", "1280", 2025, "T", 68.9, 1, "") in rows
    assert kolada.KoladaRow("N79102", "1283", 2025, "T", None, 0, "") in rows


@pytest.mark.parametrize("doc, message", [
    ([], "ett objekt med listan values"),
    ({"values": [{"kpi": "N1", "municipality": "180", "period": 2025, "values": []}]}, "values[0].municipality"),
    ({"values": [{"kpi": "N 1", "municipality": "0180", "period": 2025, "values": []}]}, "values[0].kpi"),
    ({"values": [{"kpi": "N1", "municipality": "0180", "period": "2025", "values": []}]}, "values[0].period"),
    ({"values": [{"kpi": "N1", "municipality": "0180", "period": 2025,
                  "values": [{"gender": "X", "value": 1}]}]}, "values[0].values[0].gender ska vara T, K eller M"),
    ({"values": [{"kpi": "N1", "municipality": "0180", "period": 2025,
                  "values": [{"gender": "T", "value": "1,5"}]}]}, "values[0].values[0].value ska vara ett tal"),
    ({"values": [{"kpi": "N1", "municipality": "0180", "period": 2025,
                  "values": [{"gender": "T", "value": 1, "count": -1}]}]}, "values[0].values[0].count"),
    ({"values": [{"kpi": "N1", "municipality": "0180", "period": 2025,
                  "values": [{"gender": "T", "value": 1}, {"gender": "T", "value": 2}]}]}, "finns två gånger"),
])
def test_a_bad_kolada_file_names_the_item_and_field(doc, message):
    with pytest.raises(kolada.KoladaError) as caught:
        kolada.parse_response(json.dumps(doc).encode(), name="f.json")
    assert any(message in p and p.startswith("f.json: ") for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("data, message", [
    (b"{not json", "f.json, rad 1: filen är inte giltig JSON"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "inte UTF-8-text"),
    (b"[" * 100000, "inte giltig JSON"),
])
def test_a_file_that_is_not_json_is_refused(data, message):
    with pytest.raises(kolada.KoladaError) as caught:
        kolada.parse_response(data, name="f.json")
    assert message in str(caught.value)


def test_the_export_is_a_v3_response_that_reads_back():
    doc = kolada.export_document(municipality="0180", year=2025, values=[("N79102", 81.234, 40), ("x_kpi", None, None)])
    assert doc["values"][0] == {"kpi": "N79102", "municipality": "0180", "period": 2025,
                                "values": [{"gender": "T", "count": 40, "status": "", "value": 81.23}]}
    assert doc["values"][1]["values"][0]["value"] is None and doc["values"][1]["values"][0]["count"] is None
    rows = kolada.parse_response(json.dumps(doc).encode(), name="export")
    assert [r.value for r in rows] == [81.23, None]


@pytest.mark.parametrize("text, expected", [
    ("", {}),
    ("investigation_within_4_months=N79102, staff_turnover_rate = N00210", {
        "investigation_within_4_months": "N79102", "staff_turnover_rate": "N00210"}),
])
def test_the_kpi_map_setting(text, expected):
    assert kolada.parse_kpi_map(text) == expected


@pytest.mark.parametrize("text", ["investigation_within_4_months", "=N1", "a=N 1"])
def test_a_bad_kpi_map_setting_is_refused(text):
    with pytest.raises(kolada.KoladaError):
        kolada.parse_kpi_map(text)
