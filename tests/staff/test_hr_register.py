"""HR registers people in the web UI (issue 13): a new staff member, a dated change, an exit and the exit
interview's window, with the staff file's own rules, scoped and access-logged.

Today is frozen at 2026-06-15. Unit A (UA: teams TA1, TA2) is the home unit of the unit manager; unit B (UB,
team TB1) belongs to the outsider manager; HR is central (every unit).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from stabil.audit.models import AccessRecord
from stabil.imports.framework import run_import
from stabil.staff import services
from stabil.staff.models import ExitInterview, StaffChange, StaffMember
from tests.conftest import client_for

TODAY = dt.date(2026, 6, 15)
NEW = "/personal/ny/"
VALID = {"staff_id": "N-100", "name": "Nora Ny", "unit": "UA", "team": "TA1", "role": "caseworker",
         "employment": "permanent", "fte": "0,75", "degree": "socionom", "experience_years": "1,5",
         "started_on": "2026-06-01", "monthly_cost_sek": "42 000"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def people(personas):
    org = personas.org
    anna = StaffMember.objects.create(staff_id="P-ANNA", name="Anna A", unit=org.unit_a, team=org.team_a1,
                                      started_on=dt.date(2020, 1, 1), experience_years=3, monthly_cost_sek=40000)
    StaffMember.objects.create(staff_id="P-OUT", name="Olle Ute", unit=org.unit_b, team=org.team_b1,
                               started_on=dt.date(2021, 1, 1))
    return {"anna": anna}


def _page(response) -> str:
    return html.unescape(response.content.decode())


# -- the new-staff page -----------------------------------------------------------------------------------------


def test_new_staff_page_permissions(people, view_permissions):
    # staff.edit: HR and unit managers (the outsider manager in their own unit B); everyone else 403.
    view_permissions(NEW, allowed={"unit_manager", "hr", "outsider_manager"})


def test_hr_registers_a_new_caseworker(people, personas):
    client = client_for(personas.hr)
    response = client.post(NEW, VALID)
    assert response.status_code == 302 and response["Location"] == "/personal/medarbetare/N-100/"
    member = StaffMember.objects.get(staff_id="N-100")
    assert (member.name, member.unit.code, member.team.code, member.role, member.employment) == (
        "Nora Ny", "UA", "TA1", "caseworker", "permanent")
    assert (member.fte, member.experience_years, member.started_on, member.monthly_cost_sek) == (
        Decimal("0.75"), Decimal("1.5"), dt.date(2026, 6, 1), 42000)
    record = AccessRecord.objects.get(what="Ny medarbetare")
    assert (record.username, record.object_ids, record.channel) == ("hr", ["N-100"], "web")
    assert "Nora Ny (N-100) är registrerad." in _page(client.get(response["Location"]))


def test_bad_input_gets_swedish_field_messages_and_nothing_is_stored(people, personas):
    bad = {**VALID, "fte": "1,5", "started_on": "2026-02-30", "experience_years": "tre", "team": "TB1",
           "role": "chef"}
    response = client_for(personas.hr).post(NEW, bad)
    assert response.status_code == 200
    page = _page(response)
    for message in ("1,5 ska vara större än 0 och högst 1", "datumet 2026-02-30 finns inte",
                    "'tre' är inte ett tal", "teamet 'TB1' finns inte i enheten 'UA'", "okänt värde 'chef'"):
        assert message in page, message
    assert not StaffMember.objects.filter(staff_id="N-100").exists()
    assert not AccessRecord.objects.filter(what="Ny medarbetare").exists()


def test_the_form_and_the_staff_file_give_the_same_messages(people, personas, tmp_path):
    # One set of rules: the same values in a staff file get the same message per column as on the page.
    bad = {**VALID, "fte": "0", "experience_years": "61", "monthly_cost_sek": "-5", "team": "TX"}
    columns = ["staff_id", "unit", "team", "role", "employment", "fte", "degree", "experience_years", "started_on",
               "ended_on", "exit_reason", "monthly_cost_sek", "name"]
    path = tmp_path / "personal.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(f'"{bad.get(c, "")}"' for c in columns) + "\n",
                    encoding="utf-8")
    outcome = run_import(path, quiet=True)
    from_file = {(error.column, error.message) for error in outcome.errors}
    assert {column for column, _message in from_file} == {"fte", "experience_years", "monthly_cost_sek", "team"}
    with pytest.raises(ValidationError) as raised:
        services.staff_register(by=personas.hr, values=bad)
    from_form = {(field, message) for field, messages in raised.value.message_dict.items() for message in messages}
    assert from_form == from_file


def test_a_unit_manager_registers_only_in_their_units(people, personas):
    client = client_for(personas.unit_manager)
    page = _page(client.get(NEW))
    assert '<option value="UA"' in page and '<option value="UB"' not in page and not re.search(r"\bTB1\b", page)
    response = client.post(NEW, {**VALID, "unit": "UB", "team": ""})
    assert "enheten 'UB' ligger utanför dina enheter" in _page(response)
    assert not StaffMember.objects.filter(staff_id="N-100").exists()
    assert client.post(NEW, VALID).status_code == 302


def test_a_staff_id_in_use_is_refused_without_saying_where(people, personas):
    response = client_for(personas.unit_manager).post(NEW, {**VALID, "staff_id": "P-OUT"})
    page = _page(response)
    assert "personal-id P-OUT kan inte användas" in page
    assert "Olle" not in page and not re.search(r"\bUB\b", page)
    assert StaffMember.objects.get(staff_id="P-OUT").unit.code == "UB"


def test_only_hr_gives_exit_reasons(people, personas):
    response = client_for(personas.unit_manager).post(NEW, {**VALID, "ended_on": "2026-06-10",
                                                            "exit_reason": "pay"})
    assert "avgångsorsaker registreras av HR" in _page(response)
    assert not StaffMember.objects.filter(staff_id="N-100").exists()


def test_the_service_refuses_users_without_the_capability(people, personas):
    for user in (personas.team_lead, personas.department_head, personas.caseworker, personas.board):
        with pytest.raises(PermissionDenied):
            services.staff_register(by=user, values=VALID)
    assert not StaffMember.objects.filter(staff_id="N-100").exists()


# -- a dated change --------------------------------------------------------------------------------------------


def test_hr_changes_fte_as_a_dated_change(people, personas):
    url = "/personal/medarbetare/P-ANNA/"
    response = client_for(personas.hr).post(url, {"form": "change", "valid_from": "2026-07-01", "fte": "0,8"})
    assert response.status_code == 302
    anna = StaffMember.objects.get(staff_id="P-ANNA")
    assert anna.fte == Decimal("0.8")
    history = list(StaffChange.objects.filter(staff=anna).values_list("valid_from", "fte"))
    # The situation before the change is kept from the start date, as the staff file's dated changes do.
    assert history == [(dt.date(2020, 1, 1), 1), (dt.date(2026, 7, 1), Decimal("0.8"))]
    assert AccessRecord.objects.filter(what="Förändring för medarbetare från 2026-07-01",
                                       object_ids=["P-ANNA"], channel="web").exists()


def test_a_change_of_team_and_unit(people, personas):
    url = "/personal/medarbetare/P-ANNA/"
    client = client_for(personas.hr)
    assert client.post(url, {"form": "change", "valid_from": "2026-07-01", "team": "TA2"}).status_code == 302
    assert StaffMember.objects.get(staff_id="P-ANNA").team.code == "TA2"
    page = _page(client.post(url, {"form": "change", "valid_from": "2026-08-01", "unit": "UB", "team": "TA1"}))
    assert "teamet 'TA1' finns inte i enheten 'UB'" in page
    assert client.post(url, {"form": "change", "valid_from": "2026-08-01", "unit": "UB"}).status_code == 302
    anna = StaffMember.objects.get(staff_id="P-ANNA")
    assert (anna.unit.code, anna.team) == ("UB", None)


def test_bad_change_input_stores_nothing(people, personas):
    url = "/personal/medarbetare/P-ANNA/"
    client = client_for(personas.hr)
    cases = [
        ({"valid_from": "2026-07-01", "fte": "0"}, "0 ska vara större än 0 och högst 1"),
        ({"valid_from": "2019-12-31", "fte": "0,5"}, "ändringsdatum 2019-12-31 ligger före startdatum 2020-01-01"),
        ({"valid_from": "", "fte": "0,5"}, "datum saknas"),
        ({"valid_from": "2026-07-01"}, "ange minst en ändring"),
        ({"valid_from": "2026-07-01", "fte": "0,755"}, "högst två decimaler"),
    ]
    for data, message in cases:
        response = client.post(url, {"form": "change", **data})
        assert response.status_code == 200 and message in _page(response), (data, message)
    assert not StaffChange.objects.exists()
    assert StaffMember.objects.get(staff_id="P-ANNA").fte == 1


def test_a_unit_manager_moves_people_only_within_their_units(people, personas):
    url = "/personal/medarbetare/P-ANNA/"
    page = _page(client_for(personas.unit_manager).post(url, {"form": "change", "valid_from": "2026-07-01",
                                                                "unit": "UB"}))
    assert "enheten 'UB' ligger utanför dina enheter" in page
    assert StaffMember.objects.get(staff_id="P-ANNA").unit.code == "UA"
    with pytest.raises(PermissionDenied):
        services.staff_change(by=personas.outsider_manager, member=people["anna"],
                              values={"valid_from": "2026-07-01", "fte": "0,5"})


@pytest.mark.parametrize("form", [
    {"form": "change", "valid_from": "2026-07-01", "fte": "0,9"},
    {"form": "leave", "ended_on": "2026-09-30"},
])
def test_person_page_writes_permissions(people, view_permissions, form):
    # Writes need staff.edit and the person in scope: HR and the unit manager; the department head and team
    # lead see the person but may not write (403); the outsider manager does not see her (404).
    view_permissions("/personal/medarbetare/P-ANNA/", allowed={"unit_manager", "hr"}, method="post", data=form)


def test_person_pages_show_no_one_outside_the_scope(people, personas):
    for url in (NEW, "/personal/medarbetare/P-ANNA/"):
        page = _page(client_for(personas.unit_manager).get(url))
        assert "P-OUT" not in page and "Olle" not in page, url


# -- an exit and its interview ----------------------------------------------------------------------------------


def test_hr_registers_an_exit_with_a_reason(people, personas):
    url = "/personal/medarbetare/P-ANNA/"
    response = client_for(personas.hr).post(url, {"form": "leave", "ended_on": "2026-05-31", "exit_reason": "pay"})
    assert response.status_code == 302
    anna = StaffMember.objects.get(staff_id="P-ANNA")
    assert (anna.ended_on, anna.exit_reason) == (dt.date(2026, 5, 31), "pay")
    assert AccessRecord.objects.filter(what="Avgång 2026-05-31", object_ids=["P-ANNA"]).exists()


def test_a_unit_manager_registers_the_date_only(people, personas):
    url = "/personal/medarbetare/P-ANNA/"
    client = client_for(personas.unit_manager)
    page = _page(client.get(url))
    assert 'name="ended_on"' in page and 'name="exit_reason"' not in page
    page = _page(client.post(url, {"form": "leave", "ended_on": "2026-05-31", "exit_reason": "pay"}))
    assert "avgångsorsaker registreras av HR" in page
    assert StaffMember.objects.get(staff_id="P-ANNA").ended_on is None
    assert client.post(url, {"form": "leave", "ended_on": "2026-05-31"}).status_code == 302
    assert StaffMember.objects.get(staff_id="P-ANNA").ended_on == dt.date(2026, 5, 31)


def test_bad_exits_store_nothing(people, personas):
    anna = people["anna"]
    services.staff_change(by=None, member=anna, values={"valid_from": "2026-03-01", "fte": "0,5"})
    url = "/personal/medarbetare/P-ANNA/"
    client = client_for(personas.hr)
    for data, message in [
        ({"ended_on": "2019-12-31"}, "slutdatum 2019-12-31 ligger före startdatum 2020-01-01"),
        ({"ended_on": "2026-02-28"}, "slutdatum 2026-02-28 ligger före en registrerad förändring från 2026-03-01"),
        ({"ended_on": ""}, "datum saknas"),
        ({"ended_on": "31/5 2026"}, "'31/5 2026' är inte ett datum på formen ÅÅÅÅ-MM-DD"),
        ({"ended_on": "2026-05-31", "exit_reason": "tired"}, "okänt värde 'tired'"),
    ]:
        page = _page(client.post(url, {"form": "leave", **data}))
        assert message in page, (data, message)
    assert StaffMember.objects.get(staff_id="P-ANNA").ended_on is None


@pytest.mark.parametrize(("held_on", "message"), [
    ("2026-05-30", "avgångsintervjun 2026-05-30 ligger före slutdatum 2026-05-31"),
    ("2026-06-16", "avgångsintervjun 2026-06-16 har inte hållits än"),
])
def test_an_exit_interview_outside_the_window_is_refused_on_its_field(people, personas, held_on, message):
    anna = people["anna"]
    services.staff_register_exit(by=None, member=anna, values={"ended_on": "2026-05-31"})
    response = client_for(personas.hr).post("/personal/medarbetare/P-ANNA/", {
        "form": "exit", "held_on": held_on, "main_reason": "workload"})
    assert response.status_code == 200
    page = _page(response)
    assert message in page
    # On the date field of the interview form, which stays open.
    form = page[page.index('id="interview"'):]
    assert form.startswith('id="interview" open') and message in form
    assert not ExitInterview.objects.exists()


def test_the_window_is_ninety_days_after_the_leaving_date(people):
    anna = people["anna"]
    services.staff_register_exit(by=None, member=anna, values={"ended_on": "2026-01-31"})
    # 2026-01-31 + 90 days = 2026-05-01 (28 days of February, 31 of March, 30 of April: 89 to April 30).
    with pytest.raises(ValidationError, match="mer än 90 dagar efter slutdatum 2026-01-31"):
        services.staff_record_exit_interview(by=None, member=anna, held_on=dt.date(2026, 5, 2),
                                             main_reason="pay")
    services.staff_record_exit_interview(by=None, member=anna, held_on=dt.date(2026, 5, 1), main_reason="pay")
    assert ExitInterview.objects.get(staff=anna).held_on == dt.date(2026, 5, 1)


def test_no_exit_interview_without_an_exit(people):
    with pytest.raises(ValidationError, match="registrera avgången"):
        services.staff_record_exit_interview(by=None, member=people["anna"], held_on=dt.date(2026, 6, 1),
                                             main_reason="pay")


def test_moving_the_exit_keeps_the_interview_inside_its_window(people, personas):
    anna = people["anna"]
    services.staff_register_exit(by=None, member=anna, values={"ended_on": "2026-05-31"})
    services.staff_record_exit_interview(by=None, member=anna, held_on=dt.date(2026, 6, 10), main_reason="pay")
    url = "/personal/medarbetare/P-ANNA/"
    client = client_for(personas.hr)
    page = _page(client.post(url, {"form": "leave", "ended_on": "2026-06-12"}))
    assert "den registrerade avgångsintervjun 2026-06-10 skulle hamna utanför" in page
    page = _page(client.post(url, {"form": "leave", "ended_on": "2026-02-28"}))
    assert "den registrerade avgångsintervjun 2026-06-10 skulle hamna utanför" in page
    assert StaffMember.objects.get(staff_id="P-ANNA").ended_on == dt.date(2026, 5, 31)
    assert client.post(url, {"form": "leave", "ended_on": "2026-06-01"}).status_code == 302


def test_the_staff_file_applies_the_same_exit_rules(people, tmp_path):
    # The import and the web agree: a file that moves the exit so that the interview falls outside its window,
    # or removes the exit of a person with an interview, is refused on the row's ended_on cell.
    anna = people["anna"]
    services.staff_register_exit(by=None, member=anna, values={"ended_on": "2026-05-31"})
    services.staff_record_exit_interview(by=None, member=anna, held_on=dt.date(2026, 6, 10), main_reason="pay")
    header = "staff_id,unit,team,role,employment,fte,degree,experience_years,started_on,ended_on,exit_reason,monthly_cost_sek\n"
    for ended_on, reason, message in [
            ("2026-06-11", "pay", "den registrerade avgångsintervjun 2026-06-10 skulle hamna utanför"),
            ("", "", "en avgångsintervju är registrerad; slutdatum kan inte tas bort")]:
        path = tmp_path / "personal.csv"
        path.write_text(header + f"P-ANNA,UA,TA1,caseworker,permanent,1,socionom,3,2020-01-01,{ended_on},{reason},40000\n",
                        encoding="utf-8")
        outcome = run_import(path, quiet=True)
        assert [(e.row, e.column) for e in outcome.errors] == [(2, "ended_on")], outcome.errors.items
        assert message in outcome.errors.items[0].message
    assert StaffMember.objects.get(staff_id="P-ANNA").ended_on == dt.date(2026, 5, 31)


def test_the_staff_file_takes_a_team(people, tmp_path):
    header = "staff_id,unit,team,role,employment,fte,degree,experience_years,started_on,ended_on,exit_reason,monthly_cost_sek\n"
    path = tmp_path / "personal.csv"
    path.write_text(header + "P-ANNA,UA,TA2,caseworker,permanent,1,socionom,3,2020-01-01,,,40000\n"
                    "N-200,UA,TA1,caseworker,trainee,1,socionom,0,2026-06-01,,,30000\n"
                    "N-201,UA,TB1,caseworker,trainee,1,socionom,0,2026-06-01,,,30000\n", encoding="utf-8")
    outcome = run_import(path, quiet=True)
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (4, "team", "teamet 'TB1' finns inte i enheten 'UA'")]
    path.write_text(header + "P-ANNA,UA,TA2,caseworker,permanent,1,socionom,3,2020-01-01,,,40000\n"
                    "N-200,UA,TA1,caseworker,trainee,1,socionom,0,2026-06-01,,,30000\n", encoding="utf-8")
    assert run_import(path, quiet=True).ok
    assert StaffMember.objects.get(staff_id="N-200").team.code == "TA1"
    anna = StaffMember.objects.get(staff_id="P-ANNA")
    # A new team is a dated change from the import day; the team before it stays in the history.
    assert anna.team.code == "TA2"
    assert list(anna.changes.values_list("valid_from", "team__code")) == [
        (dt.date(2020, 1, 1), "TA1"), (TODAY, "TA2")]
