"""Kolada (issue 14): Stabil's KPIs out in Kolada's JSON, Kolada's values in for the scorecard's and the
board paper's comparison with other municipalities ("Källa: Kolada"). Nothing here uses the network."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stabil.cli import main
from stabil.core.kolada import KoladaError
from stabil.feeds import selectors
from stabil.feeds.models import KoladaValue
from stabil.feeds.services import kolada_fetch, kolada_import
from tests.conftest import client_for
from tests.governance.conftest import add_case, governance_data  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "kolada_v3_data.json"
VIEWERS = {"team_lead", "unit_manager", "department_head", "hr", "board", "outsider_manager"}
EDITORS = {"unit_manager", "department_head", "outsider_manager"}


@pytest.fixture
def kolada_settings(settings):
    settings.STABIL_KOLADA_MUNICIPALITY = "1283"
    settings.STABIL_KOLADA_COMPARE = "1280,0180"
    settings.STABIL_KOLADA_KPIS = "preliminary_assessment_within_14_days=N79102"
    settings.STABIL_KOLADA_FETCH = False
    return settings


def _doc(year: int, values: dict[str, float | None]) -> bytes:
    return json.dumps({"values": [{"kpi": "N79102", "municipality": m, "period": year,
                                   "values": [{"gender": "T", "count": 1, "status": "", "value": v}]}
                                  for m, v in values.items()]}).encode()


def test_the_recorded_response_is_stored_and_a_second_import_replaces(personas):
    assert kolada_import(by=None, data=FIXTURE.read_bytes(), name="kolada.json") == 5
    assert KoladaValue.objects.count() == 5
    kolada_import(by=None, data=_doc(2025, {"1280": 70.0}), name="again.json")
    assert KoladaValue.objects.count() == 5
    assert selectors.kolada_values(kpis=["N79102"], municipalities=["1280", "0180"], year=2025) == {
        ("N79102", "1280"): 70.0, ("N79102", "0180"): 62.5}


def test_a_bad_file_stores_nothing_and_names_the_item(personas):
    data = json.loads(FIXTURE.read_text())
    data["values"][2]["values"][0]["gender"] = "X"
    with pytest.raises(KoladaError) as caught:
        kolada_import(by=None, data=json.dumps(data).encode(), name="k.json")
    assert "k.json: values[2].values[0].gender ska vara T, K eller M" in caught.value.problems
    assert not KoladaValue.objects.exists()


def test_fetching_is_off_unless_the_setting_allows_it(personas, kolada_settings):
    with pytest.raises(KoladaError, match="STABIL_KOLADA_FETCH"):
        kolada_fetch(by=None, kpis=["N79102"], municipalities=["1280"], years=[2025])


def test_the_scorecard_and_board_paper_compare_with_kolada(personas, governance_data, kolada_settings):  # noqa: F811
    kolada_import(by=None, data=_doc(2026, {"1283": 55.5, "1280": 68.9, "0180": None}), name="k.json")
    card = governance_data["card"]
    page = client_for(personas.board).get(reverse("governance:scorecard", args=[card.pk])).content.decode()
    assert "Källa: Kolada" in page and "N79102" in page and "68,9" in page and "55,5" in page
    paper = client_for(personas.board).get(reverse("governance:board_report") + "?period=2026-01..2026-06")
    assert "Källa: Kolada" in paper.content.decode() and "68,9" in paper.content.decode()


def test_without_kolada_values_there_is_no_comparison(personas, governance_data, kolada_settings):  # noqa: F811
    card = governance_data["card"]
    page = client_for(personas.board).get(reverse("governance:scorecard", args=[card.pk])).content.decode()
    assert "Källa: Kolada" not in page


def test_kolada_page_permissions(personas, view_permissions):
    view_permissions(reverse("feeds:kolada"), allowed=VIEWERS)


def test_the_export_is_a_download_in_koladas_shape(personas, kolada_settings):
    response = client_for(personas.board).get(reverse("feeds:kolada") + "?ar=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    doc = json.loads(response.content)
    assert set(doc) == {"total_count", "values", "next_url", "previous_url"}
    item = next(i for i in doc["values"] if i["kpi"] == "N79102")
    assert item["municipality"] == "1283" and item["period"] == 2025
    assert set(item["values"][0]) == {"gender", "value", "count", "status"} and item["values"][0]["gender"] == "T"
    # Stabil's own KPIs without a Kolada id keep Stabil's code.
    assert {"investigation_within_4_months", "staff_turnover_rate"} <= {i["kpi"] for i in doc["values"]}


@pytest.mark.parametrize("query, message", [("?ar=abc", "Ange ett år"), ("?ar=2999", "Ange ett år")])
def test_a_bad_year_is_a_swedish_message(personas, kolada_settings, query, message):
    response = client_for(personas.board).get(reverse("feeds:kolada") + query)
    assert response.status_code == 400 and message in response.content.decode()


def test_the_export_needs_the_municipalitys_code(personas, settings):
    settings.STABIL_KOLADA_MUNICIPALITY = ""
    response = client_for(personas.board).get(reverse("feeds:kolada") + "?ar=2025")
    assert response.status_code == 400 and "STABIL_KOLADA_MUNICIPALITY" in response.content.decode()


def test_the_upload_is_for_editors_only(personas):
    url = reverse("feeds:kolada_import")
    for name, user in personas.items():
        response = client_for(user).post(url, {"file": SimpleUploadedFile("k.json", FIXTURE.read_bytes())})
        assert response.status_code == (302 if name in EDITORS else 403), name
    anonymous = client_for(None).post(url, {"file": SimpleUploadedFile("k.json", FIXTURE.read_bytes())})
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]
    assert KoladaValue.objects.count() == 5


def test_a_bad_upload_is_shown_in_swedish_and_stores_nothing(personas):
    response = client_for(personas.unit_manager).post(
        reverse("feeds:kolada_import"), {"file": SimpleUploadedFile("k.json", b"\xff\xfe\x00binary")})
    assert response.status_code == 400 and "k.json: filen är inte UTF-8-text" in response.content.decode()
    assert not KoladaValue.objects.exists()


def test_the_command_line_exports_and_imports(personas, kolada_settings, tmp_path, capsys):
    out = tmp_path / "export.json"
    assert main(["kolada", "export", "--year", "2025", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["values"][0]["municipality"] == "1283"
    assert main(["kolada", "import", str(FIXTURE)]) == 0
    assert "5 värden från Kolada sparades" in capsys.readouterr().err
    assert main(["kolada", "import", str(FIXTURE), "--by", "caseworker"]) == 2
    assert "har inte behörighet till Kolada-importen" in capsys.readouterr().err
    assert main(["kolada", "fetch", "--kpi", "N79102", "--year", "2025"]) == 2
    assert "STABIL_KOLADA_FETCH" in capsys.readouterr().err
    assert main(["kolada", "export", "--year", "20x5"]) == 2
