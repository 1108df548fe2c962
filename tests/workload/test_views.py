"""Every workload page: who may open it (permission tests), what it shows, and its audit record."""

import datetime as dt

import pytest
import time_machine

from stabil.audit.models import AccessRecord

from ..conftest import client_for

MANAGERS = {"team_lead", "unit_manager", "department_head"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 11, 24, 10, 0), tick=False):
        yield


def test_board_permissions(unit_data, view_permissions):
    view_permissions("/arbetsbelastning/?enhet=UA", allowed=MANAGERS)


def test_board_shows_loads_and_writes_an_audit_record(unit_data, personas):
    response = client_for(personas.unit_manager).get("/arbetsbelastning/?enhet=UA")
    html = response.content.decode()
    assert response.status_code == 200
    for staff_id in ("S1", "S2", "S3", "S4"):
        assert f'data-staff="{staff_id}"' in html
    assert ">S9<" not in html and "data-staff=\"S9\"" not in html  # another unit
    # S1: 13 / 80.4375 = 16 %
    assert ">16\xa0% grön<" in html
    # Team TA1 (S1, S2, S4): 16 / (80.4375 + 85.8 + 99.25) = 6 %
    teams = html[html.index('id="workload-teams"'):]
    assert ">TA1<" in teams and ">6\xa0% grön<" in teams
    record = AccessRecord.objects.filter(what__startswith="Arbetsbelastningstavla").latest("at")
    assert record.username == "unit_manager" and set(record.object_ids) == {"S1", "S2", "S3", "S4"}


def test_team_lead_sees_only_their_team_on_the_board(unit_data, personas):
    html = client_for(personas.team_lead).get("/arbetsbelastning/?enhet=UA").content.decode()
    assert 'data-staff="S1"' in html and 'data-staff="S4"' in html
    assert 'data-staff="S3"' not in html  # team TA2


def test_another_units_board_is_not_found(unit_data, personas):
    assert client_for(personas.unit_manager).get("/arbetsbelastning/?enhet=UB").status_code == 404


def test_allocation_list_permissions(unit_data, view_permissions):
    # A list of the user's own units' cases: the other unit's manager may open it (and sees only theirs).
    view_permissions("/arbetsbelastning/fordela/", allowed={"team_lead", "unit_manager", "outsider_manager"})


def test_allocation_permissions(unit_data, view_permissions):
    view_permissions("/arbetsbelastning/fordela/C4/", allowed={"team_lead", "unit_manager"})


def test_allocation_page_ranks_and_assigns(unit_data, personas):
    client = client_for(personas.unit_manager)
    html = client.get("/arbetsbelastning/fordela/").content.decode()
    assert ">C4<" in html and ">C1<" not in html  # C1 has a handler
    assert ">C4<" not in client_for(personas.outsider_manager).get("/arbetsbelastning/fordela/").content.decode()
    html = client.get("/arbetsbelastning/fordela/C4/").content.decode()
    assert html.index(">Namn S4 (S4)<") < html.index(">Namn S1 (S1)<")  # issue 13: names with the id
    assert "Saknar beslutsbefogenhet" in html
    assert AccessRecord.objects.filter(what="Fördelningsförslag för ärende C4").exists()
    # A person who is not among the suggestions cannot be assigned through this page.
    response = client.post("/arbetsbelastning/fordela/C4/", {"staff_id": "S3", "role": "main"})
    assert response.status_code == 302
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler is None
    response = client.post("/arbetsbelastning/fordela/C4/", {"staff_id": "S4", "role": "main"})
    assert response.status_code == 302
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler.staff_id == "S4"
    assert unit_data["C4"].events.filter(kind="handler_assigned", staff__staff_id="S4").exists()


def test_allocation_of_an_invisible_case_is_not_found(unit_data, personas):
    assert client_for(personas.outsider_manager).get("/arbetsbelastning/fordela/C4/").status_code == 404


def test_risk_permissions(unit_data, view_permissions):
    view_permissions("/arbetsbelastning/risk/UA/", allowed=MANAGERS)


def test_risk_page_chart_has_machine_numbers(unit_data, personas):
    import re

    html = client_for(personas.unit_manager).get("/arbetsbelastning/risk/UA/").content.decode()
    rects = re.findall(r"<rect [^>]*>", html)
    assert len(rects) == 2 * 13  # twelve month-ends and today, amber and red bars
    assert all("," not in r for r in rects)  # SVG coordinates never in the Swedish decimal format


def test_risk_page_lists_the_units_workload_risks_from_the_register(unit_data, personas):
    from stabil.governance.models import Board, Risk
    from stabil.governance.services import risk_create

    board = Board.objects.create(code="IFN", name="Individ- och familjenämnden")
    for title, source, unit in [("Hög belastning i UA", Risk.Source.WORKLOAD, personas.org.unit_a),
                                ("Hög belastning i UB", Risk.Source.WORKLOAD, personas.org.unit_b),
                                ("Brister i dokumentation", Risk.Source.QUALITY, personas.org.unit_a)]:
        risk_create(by=None, board=board, title=title, likelihood=3, consequence=4, owner="Enhetschef",
                    review_on=dt.date(2026, 1, 31), source=source, org_unit=unit)
    html = client_for(personas.unit_manager).get("/arbetsbelastning/risk/UA/").content.decode()
    register = html[html.index('id="risk-register"'):]
    assert "Hög belastning i UA" in register and "3 × 4 = 12" in register
    assert "Hög belastning i UB" not in register and "Brister i dokumentation" not in register


def test_risk_measure_recorded_by_manager_only(unit_data, personas):
    from stabil.workload.models import RiskMeasure

    data = {"risk": "Hög belastning i utredningsteamet", "measure": "Rekrytera två socialsekreterare",
            "responsible": "Enhetschef", "due_on": "2026-02-01", "status": "planned"}
    assert client_for(personas.team_lead).post("/arbetsbelastning/risk/UA/", data).status_code == 403
    response = client_for(personas.unit_manager).post("/arbetsbelastning/risk/UA/", data)
    assert response.status_code == 302
    measure = RiskMeasure.objects.get()
    assert measure.created_by == personas.unit_manager and measure.unit.code == "UA"
    bad = client_for(personas.unit_manager).post("/arbetsbelastning/risk/UA/", {**data, "due_on": "1 feb"})
    assert bad.status_code == 200 and RiskMeasure.objects.count() == 1


def test_settings_permissions(view_permissions):
    # The model is municipality-wide: every manager may read it.
    view_permissions("/arbetsbelastning/modell/", allowed=MANAGERS | {"outsider_manager"})


def test_settings_edit_saves_a_version(personas):
    from stabil.core.workload import WORK_TYPES, WorkloadConfig
    from stabil.workload.models import ConfigVersion

    cfg = WorkloadConfig().to_dict()
    data = {"note": "Kalibrerat mot tidsstudie"}
    for kind in WORK_TYPES:
        data[f"main__{kind}"] = str(cfg["main_weights_hours_per_month"][kind]).replace(".", ",")
        data[f"co__{kind}"] = str(cfg["co_weights_hours_per_month"][kind]).replace(".", ",")
    data["main__investigation"] = "9,5"
    for key in ("lvu", "several_children", "interpreter"):
        data[f"complexity__{key}"] = str(cfg["complexity_factors"][key]).replace(".", ",")
    for name in ("contracted_hours_per_month", "non_case_share", "non_case_share_with_admin_support",
                 "supervision_hours_per_supervisee_per_month", "trainee_rate", "amber_from", "red_above",
                 "target_load"):
        data[name] = str(cfg[name]).replace(".", ",")
    for i, (years, rate) in enumerate(cfg["experience_rates"]):
        data[f"exp_years_{i}"], data[f"exp_rate_{i}"] = str(years), str(rate).replace(".", ",")
    assert client_for(personas.team_lead).post("/arbetsbelastning/modell/", data).status_code == 403
    response = client_for(personas.unit_manager).post("/arbetsbelastning/modell/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    version = ConfigVersion.objects.get()
    assert version.created_by == personas.unit_manager and version.note == "Kalibrerat mot tidsstudie"
    assert version.changes == [{"field": "main_weights_hours_per_month.investigation", "old": 8.0, "new": 9.5}]
    html = client_for(personas.department_head).get("/arbetsbelastning/modell/").content.decode()
    assert "Kalibrerat mot tidsstudie" in html and "main_weights_hours_per_month.investigation" in html
    # An amber limit above the red one is refused with the field named, and nothing is saved.
    response = client_for(personas.unit_manager).post("/arbetsbelastning/modell/", {**data, "amber_from": "1,5"})
    assert response.status_code == 200 and "amber_from" in response.content.decode()
    assert ConfigVersion.objects.count() == 1


def test_calibration_permissions(view_permissions):
    view_permissions("/arbetsbelastning/kalibrering/",
                     allowed={"unit_manager", "department_head", "outsider_manager"})


def test_calibration_upload(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stabil.workload.models import ConfigVersion

    csv = "person;ärendetyp;timmar;ärenden\nA;utredning;80;10\nB;utredning;40;5\nA;familjehemsarbete;12;3\n"
    client = client_for(personas.unit_manager)
    response = client.post("/arbetsbelastning/kalibrering/", {
        "file": SimpleUploadedFile("studie.csv", csv.encode()), "months": "1", "save": "on", "note": "Test"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "calibration-result" in html and "8,00" in html
    assert ConfigVersion.objects.get().data["main_weights_hours_per_month"]["investigation"] == 8.0
    bad = client.post("/arbetsbelastning/kalibrering/", {
        "file": SimpleUploadedFile("fel.csv", "person;ärendetyp;timmar\nA;semester;x\n".encode()), "months": "1"})
    html = bad.content.decode()
    assert "fel.csv, rad 2, kolumn ärendetyp" in html and "fel.csv, rad 2, kolumn timmar" in html


def test_unit_settings_permissions(view_permissions):
    view_permissions("/arbetsbelastning/enhet/UA/installningar/", allowed={"unit_manager", "department_head"})


def test_unit_settings_saved_and_used(unit_data, personas):
    from stabil.workload.models import TeamSettings, UnitSettings
    from stabil.workload.selectors import workload_on

    client = client_for(personas.unit_manager)
    response = client.post("/arbetsbelastning/enhet/UA/installningar/",
                           {"admin_support": "on", "team_TA1": ["investigation", "preliminary_assessment"]})
    assert response.status_code == 302
    assert UnitSettings.objects.get(unit__code="UA").admin_support
    assert TeamSettings.objects.get(team__code="TA1").work_types == ["investigation", "preliminary_assessment"]
    assert TeamSettings.objects.get(team__code="TA2").work_types == []
    # With admin support S3's capacity is 165 x 0.75 = 123.75 instead of 107.25.
    s3 = next(p for p in workload_on(on=dt.date(2025, 11, 24), unit_ids=[personas.org.unit_a.pk]).result.people
              if p.staff_id == "S3")
    assert s3.capacity_hours == pytest.approx(123.75)
    bad = client.post("/arbetsbelastning/enhet/UA/installningar/", {"team_TA1": ["nonsense"]})
    assert bad.status_code == 200 and TeamSettings.objects.get(team__code="TA1").work_types[0] == "investigation"


def test_allocation_page_shows_people_by_name_and_id(unit_data, personas):
    html = client_for(personas.unit_manager).get("/arbetsbelastning/fordela/C4/").content.decode()
    suggestions = html[html.index('id="suggestions"'):html.index('id="excluded"')]
    excluded = html[html.index('id="excluded"'):]
    assert ">Namn S4 (S4)<" in suggestions and ">Namn S1 (S1)<" in suggestions
    assert "Namn S" in excluded
    # The names shown are of the people the page logs.
    record = AccessRecord.objects.filter(object_type="staff.staffmember").latest("at")
    assert {"S1", "S4"} <= set(record.object_ids) and "S9" not in record.object_ids
