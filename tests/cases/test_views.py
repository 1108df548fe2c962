"""Permission, audit and behaviour tests of the cases pages."""

import datetime as dt

import pytest
import time_machine

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent, Child, Deadline
from stabil.cases.services import recompute_cases
from stabil.staff.models import StaffMember
from tests.conftest import client_for

TODAY = dt.date(2026, 6, 17)
CASEWORK = {"caseworker", "colleague", "team_lead", "unit_manager", "department_head"}


@pytest.fixture
def cases(personas):
    """Two cases in unit A handled by the caseworker persona, one in unit B."""
    org = personas.org
    me = StaffMember.objects.create(staff_id="S-CW", unit=org.unit_a, team=org.team_a1, started_on=dt.date(2020, 1, 1),
                                    user=personas.caseworker)
    other = StaffMember.objects.create(staff_id="S-OUT", unit=org.unit_b, team=org.team_b1,
                                       started_on=dt.date(2020, 1, 1), user=personas.outsider)
    made = {}
    for case_id, unit, staff in (("K-A1", org.unit_a, me), ("K-A2", org.unit_a, me), ("K-B1", org.unit_b, other)):
        child = Child.objects.create(child_id="B" + case_id, birth_date=dt.date(2015, 1, 1))
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit)
        CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 6, 5))
        CaseEvent.objects.create(case=case, kind="handler_assigned", on=dt.date(2026, 6, 5), staff=staff)
        made[case_id] = case
    CaseEvent.objects.create(case=made["K-A2"], kind="investigation_opened", on=dt.date(2026, 6, 10))
    recompute_cases([c.pk for c in made.values()])
    return made


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 17, 9, 0), tick=False):
        yield


@pytest.mark.django_db
def test_deadline_list_permissions(cases, view_permissions):
    view_permissions("/arenden/", allowed=CASEWORK | {"other_team_caseworker", "outsider", "outsider_manager"})


@pytest.mark.django_db
def test_deadline_list_shows_only_visible_cases_most_urgent_first(cases, personas):
    response = client_for(personas.caseworker).get("/arenden/")
    body = response.content.decode()
    assert "K-A1" in body and "K-B1" not in body
    rows = [(r.row.case_id, r.row.deadline.kind) for r in response.context["rows"]]
    # protection assessments of 06-05 are overdue and come first; then preliminary due 06-22 (midsommar)
    assert rows[0][1] == "protection_assessment"
    assert ("K-A1", "preliminary_assessment") in rows
    assert AccessRecord.objects.filter(username="caseworker", what="Fristlista").exists()
    outsider_rows = client_for(personas.outsider).get("/arenden/").context["rows"]
    assert {r.row.case_id for r in outsider_rows} == {"K-B1"}


@pytest.mark.django_db
def test_deadline_list_filters(cases, personas):
    client = client_for(personas.unit_manager)
    rows = client.get("/arenden/", {"kind": "investigation"}).context["rows"]
    assert [(r.row.case_id, r.row.deadline.due_on) for r in rows] == [("K-A2", dt.date(2026, 10, 12))]
    # horizon of 3 working days from Wed 06-17: 18, (19 midsommarafton), 22, 23 -> includes 06-22
    rows = client.get("/arenden/", {"horizon": 3, "kind": "preliminary_assessment"}).context["rows"]
    assert {r.row.case_id for r in rows} == {"K-A1"}
    assert rows[0].due_soon and rows[0].working_days_left == 2
    assert client.get("/arenden/", {"unit": "UA", "staff": "nobody"}).context["rows"] == []
    assert {r.row.case_id for r in client.get("/arenden/", {"team": "TA1"}).context["rows"]} == {"K-A1", "K-A2"}
    assert client.get("/arenden/", {"team": "TA2"}).context["rows"] == []
    assert {r.row.case_id for r in client.get("/arenden/", {"staff": "S-CW"}).context["rows"]} == {"K-A1", "K-A2"}


@pytest.mark.django_db
def test_case_page_permissions(cases, view_permissions):
    view_permissions("/arenden/arende/K-A1/", allowed=CASEWORK)


@pytest.mark.django_db
def test_case_page_shows_deadlines_with_why_and_audits(cases, personas):
    response = client_for(personas.caseworker).get("/arenden/arende/K-A1/")
    body = response.content.decode()
    assert "2026-06-22" in body and "midsommar" not in body.lower() or "flyttad" in body
    assert "lag (1930:173) 2 §" in body
    record = AccessRecord.objects.get(username="caseworker", what="Ärendesida K-A1")
    assert record.object_ids == ["K-A1"]


@pytest.mark.django_db
def test_record_event_permissions(cases, view_permissions):
    data = {"kind": "protection_assessed", "on": "2026-06-05"}
    view_permissions("/arenden/arende/K-A1/handelse/", allowed={"caseworker", "colleague", "team_lead", "unit_manager"},
                     method="post", data=data)


@pytest.mark.django_db
def test_record_event_changes_the_deadline(cases, personas):
    client = client_for(personas.caseworker)
    response = client.post("/arenden/arende/K-A1/handelse/", {"kind": "preliminary_decided", "on": "2026-06-16",
                                                              "outcome": "investigation"})
    assert response.status_code == 302
    deadline = Deadline.objects.get(case=cases["K-A1"], kind="preliminary_assessment")
    assert (deadline.met_on, deadline.settled) == (dt.date(2026, 6, 16), "met")
    event = CaseEvent.objects.get(case=cases["K-A1"], kind="preliminary_decided")
    assert event.recorded_by == personas.caseworker


@pytest.mark.django_db
def test_record_event_rejects_bad_input_in_swedish(cases, personas):
    client = client_for(personas.caseworker)
    response = client.post("/arenden/arende/K-A1/handelse/", {"kind": "investigation_extended", "on": "2026-06-16"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "nytt slutdatum" in body and "särskilt skäl" in body
    assert not CaseEvent.objects.filter(kind="investigation_extended").exists()
    response = client.post("/arenden/arende/K-A1/handelse/", {"kind": "handler_assigned", "on": "2026-06-16",
                                                              "staff_id": "NOPE"})
    assert response.status_code == 400 and "NOPE" in response.content.decode()


@pytest.mark.django_db
def test_egenkontroll_permissions(cases, view_permissions):
    view_permissions("/arenden/egenkontroll/", allowed={"team_lead", "unit_manager", "department_head",
                                                        "outsider_manager"})


@pytest.mark.django_db
def test_egenkontroll_page_and_downloads(cases, personas):
    client = client_for(personas.unit_manager)
    params = {"due_from": "2026-06-01", "due_to": "2026-06-30"}
    response = client.get("/arenden/egenkontroll/", params)
    report = response.context["report"]
    by_kind = {s.kind: s for s in report.summaries}
    # Neither K-A1 nor K-A2 has a protection assessment recorded: both overdue (K-A2's report was decided
    # by opening an investigation, which does not make the missing assessment a closed matter)
    protection = by_kind["protection_assessment"]
    assert (protection.due, protection.met, protection.missed, protection.overdue) == (2, 0, 0, 2)
    assert {b.case_id for b in report.breaches} == {"K-A1", "K-A2"}  # K-B1 is in another unit
    csv_response = client.get("/arenden/egenkontroll/", {**params, "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    assert "Skyddsbedömning;2;0;0;2" in text and "K-A1" in text
    xlsx = client.get("/arenden/egenkontroll/", {**params, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert AccessRecord.objects.filter(username="unit_manager", action="export").count() == 2


@pytest.mark.django_db
def test_digest_opt_out(cases, personas, view_permissions):
    view_permissions("/arenden/sammanstallning/", allowed=CASEWORK | {"other_team_caseworker", "outsider",
                                                                      "outsider_manager"},
                     method="post", data={"receive_digest": "1"})
    client = client_for(personas.caseworker)
    client.post("/arenden/sammanstallning/", {"receive_digest": "0"})
    personas.caseworker.refresh_from_db()
    assert personas.caseworker.digest_enabled is False


@pytest.mark.django_db
def test_case_page_lists_events_that_matched_no_deadline(cases, personas):
    # K-A2's investigation (opened 06-10) has its first contact on 06-11; a second one on 06-12 has no
    # investigation waiting for it: it is shown as a note, not silently dropped (issue 12).
    for day in (11, 12):
        CaseEvent.objects.create(case=cases["K-A2"], kind="first_contact", on=dt.date(2026, 6, day))
    recompute_cases([cases["K-A2"].pk])
    body = client_for(personas.caseworker).get("/arenden/arende/K-A2/").content.decode()
    assert "Händelser som inte hör till någon frist" in body
    assert "2026-06-12: första kontakt, men varje öppen utredning har redan sin första kontakt" in body
    client = client_for(personas.caseworker)
    client.post("/sprak/", {"language": "en", "next": "/"})
    english = client.get("/arenden/arende/K-A2/").content.decode()  # issue 13: in the reader's language
    assert "2026-06-12: first contact, but every open investigation already has its first contact" in english
    assert "Händelser som inte hör till någon frist" not in client_for(personas.caseworker).get(
        "/arenden/arende/K-A1/").content.decode()


@pytest.mark.django_db
def test_deadline_list_and_case_page_log_the_handlers_they_show(cases, personas):
    # The pages show the handlers' staff ids: staff ids are personal data, logged like the cases.
    client = client_for(personas.caseworker)
    assert "S-CW" in client.get("/arenden/").content.decode()
    listed = AccessRecord.objects.get(username="caseworker", object_type="staff.staffmember",
                                      what__startswith="Fristlista")
    assert listed.object_ids == ["S-CW"]
    assert "S-CW" in client.get("/arenden/arende/K-A1/").content.decode()
    shown = AccessRecord.objects.get(username="caseworker", object_type="staff.staffmember",
                                     what__startswith="Ärendesida K-A1")
    assert shown.object_ids == ["S-CW"]


def test_deadline_list_and_case_page_show_handlers_by_name_and_id(cases, personas):
    StaffMember.objects.filter(staff_id="S-CW").update(name="Anna Berg")
    StaffMember.objects.filter(staff_id="S-OUT").update(name="Olle Ut")
    client = client_for(personas.caseworker)
    listing = client.get("/arenden/").content.decode()
    assert "Anna Berg (S-CW)" in listing and "Olle Ut" not in listing
    page = client.get("/arenden/arende/K-A1/").content.decode()
    assert page.count("Anna Berg (S-CW)") >= 2  # the handler card and the timeline's assignment
    shown = AccessRecord.objects.get(username="caseworker", object_type="staff.staffmember",
                                     what__startswith="Ärendesida K-A1")
    assert shown.object_ids == ["S-CW"]


def test_children_never_have_names():
    # Stabil keeps no child's name: neither the model, the case-events import nor the event form has one.
    from stabil.cases.forms import EventForm
    from stabil.imports.framework import kinds

    assert not any("name" in field.name for field in Child._meta.get_fields())
    case_events = next(kind for kind in kinds() if kind.name == "case_events")
    assert not any("name" in column for column in (*case_events.required, *case_events.optional))
    assert not any("name" in field for field in EventForm.base_fields)


@pytest.mark.django_db
def test_the_case_pages_explanations_are_in_the_readers_language(cases, personas):
    """Issue 13: "Varför" was Swedish on the English page; core gives the parts, the page translates them."""
    client = client_for(personas.caseworker)
    swedish = client.get("/arenden/arende/K-A1/").content.decode()
    assert "+ 14 dagar =" in swedish
    client.post("/sprak/", {"language": "en", "next": "/"})
    english = client.get("/arenden/arende/K-A1/").content.decode()
    assert "+ 14 days =" in english and "+ 14 dagar" not in english and "Anmälan " not in english
