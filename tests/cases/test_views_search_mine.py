"""Finding a case by its id or its child's id, and the caseworker's own cases (issue 13)."""

import datetime as dt

import pytest
import time_machine

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent, Child
from stabil.cases.services import recompute_cases
from stabil.staff.models import StaffMember
from tests.conftest import client_for

CASEWORK = {"caseworker", "colleague", "team_lead", "unit_manager", "department_head"}
NOT_FOUND = "Inget ärende hittades"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 17, 9, 0), tick=False):
        yield


@pytest.fixture
def world(personas):
    """In unit A: the caseworker's own case, a case she co-handles, a closed case of hers, a colleague's case
    (visible through the team, but not hers); in unit B: the outsider's case."""
    org = personas.org
    staff = {
        "me": StaffMember.objects.create(staff_id="S-ME", unit=org.unit_a, team=org.team_a1,
                                         started_on=dt.date(2020, 1, 1), user=personas.caseworker),
        "colleague": StaffMember.objects.create(staff_id="S-COL", unit=org.unit_a, team=org.team_a1,
                                                started_on=dt.date(2020, 1, 1), user=personas.colleague),
        "out": StaffMember.objects.create(staff_id="S-OUT", unit=org.unit_b, team=org.team_b1,
                                          started_on=dt.date(2020, 1, 1), user=personas.outsider),
    }
    spec = {
        # case id: (unit, main handler, co-handler, reported on)
        "KS-OWN": (org.unit_a, "me", None, dt.date(2026, 6, 5)),
        "KS-CO": (org.unit_a, "colleague", "me", dt.date(2026, 6, 15)),
        "KS-CLOSED": (org.unit_a, "me", None, dt.date(2026, 3, 2)),
        "KS-TEAM": (org.unit_a, "colleague", None, dt.date(2026, 6, 15)),
        "KS-OUT": (org.unit_b, "out", None, dt.date(2026, 6, 15)),
    }
    made = {}
    for case_id, (unit, main, co, on) in spec.items():
        child = Child.objects.create(child_id="BARN-" + case_id[3:], birth_date=dt.date(2015, 1, 1))
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit)
        CaseEvent.objects.create(case=case, kind="report_received", on=on)
        CaseEvent.objects.create(case=case, kind="handler_assigned", on=on, staff=staff[main])
        if on > dt.date(2026, 6, 10):  # assessed at once: the next deadline is the preliminary assessment
            CaseEvent.objects.create(case=case, kind="protection_assessed", on=on)
        if co:
            CaseEvent.objects.create(case=case, kind="co_handler_assigned", on=on, staff=staff[co])
        made[case_id] = case
    closed = made["KS-CLOSED"]
    CaseEvent.objects.create(case=closed, kind="protection_assessed", on=dt.date(2026, 3, 2))
    CaseEvent.objects.create(case=closed, kind="preliminary_decided", on=dt.date(2026, 3, 9),
                             outcome="no_investigation")
    recompute_cases([c.pk for c in made.values()])
    return made


def _main(body: str) -> str:
    return body[body.index('<main'):body.index("</main>")]


# -- search ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_permissions(world, view_permissions):
    view_permissions("/arenden/sok/?q=nothing", allowed=CASEWORK | {"other_team_caseworker", "outsider",
                                                                  "outsider_manager"})


@pytest.mark.django_db
def test_search_by_case_id_finds_a_closed_case_and_goes_to_it(world, personas):
    response = client_for(personas.caseworker).get("/arenden/sok/", {"q": "KS-CLOSED"})
    assert response.status_code == 302 and response["Location"] == "/arenden/arende/KS-CLOSED/"
    record = AccessRecord.objects.get(username="caseworker", what="Ärendesökning")
    assert record.object_ids == ["KS-CLOSED"]


@pytest.mark.django_db
def test_search_by_child_id_and_by_prefix(world, personas):
    client = client_for(personas.caseworker)
    response = client.get("/arenden/sok/", {"q": "barn-own"})  # ids compare without regard to case
    assert response["Location"] == "/arenden/arende/KS-OWN/"
    response = client.get("/arenden/sok/", {"q": "KS-"})
    assert response.status_code == 200
    assert [c.case_id for c in response.context["hits"]] == ["KS-CLOSED", "KS-CO", "KS-OWN", "KS-TEAM"]
    body = response.content.decode()
    assert "KS-OUT" not in body and "BARN-OUT" not in body
    record = AccessRecord.objects.filter(username="caseworker", what="Ärendesökning").latest("pk")
    assert record.object_ids == ["KS-CLOSED", "KS-CO", "KS-OWN", "KS-TEAM"]


@pytest.mark.django_db
def test_an_out_of_scope_case_answers_like_an_unknown_one(world, personas):
    client = client_for(personas.caseworker)
    pages = {q: client.get("/arenden/sok/", {"q": q}) for q in ("KS-OUT", "BARN-OUT", "KS-NOSUCH", "BARN-NOSUCH")}
    for q, response in pages.items():
        assert response.status_code == 200
        body = response.content.decode()
        assert NOT_FOUND in body and response.context["hits"] == []
        # the same page but for the echoed term
        assert _main(body).replace(q, "") == _main(pages["KS-NOSUCH"].content.decode()).replace("KS-NOSUCH", "")
    # the outsider's ids are never written to the log by someone who may not see them
    for record in AccessRecord.objects.filter(username="caseworker", what__startswith="Ärendesökning"):
        assert record.object_ids == []
        assert "OUT" not in record.what + record.path and "NOSUCH" not in record.what + record.path
        assert record.path == "/arenden/sok/"


@pytest.mark.django_db
def test_search_field_is_on_the_deadline_list(world, personas):
    body = client_for(personas.caseworker).get("/arenden/").content.decode()
    assert 'action="/arenden/sok/"' in body and 'name="q"' in body


@pytest.mark.django_db
def test_search_rejects_a_too_long_term_in_swedish(world, personas):
    response = client_for(personas.caseworker).get("/arenden/sok/", {"q": "K" * 200})
    assert response.status_code == 400
    assert "högst 64 tecken" in response.content.decode()


# -- my cases --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_cases_permissions(world, view_permissions):
    view_permissions("/arenden/mina/", allowed=CASEWORK | {"other_team_caseworker", "outsider", "outsider_manager"})


@pytest.mark.django_db
def test_my_cases_lists_own_and_co_handled_overdue_first(world, personas):
    response = client_for(personas.caseworker).get("/arenden/mina/")
    body = response.content.decode()
    assert "Du är registrerad som S-ME" in body
    rows = response.context["rows"]
    assert [r.case.case_id for r in rows] == ["KS-OWN", "KS-CO", "KS-CLOSED"]
    own, co, closed = rows
    assert own.overdue and own.role == "main" and co.role == "co" and not co.overdue
    assert closed.next_deadline is None
    assert "KS-TEAM" not in body and "KS-OUT" not in body and "S-COL" not in body
    record = AccessRecord.objects.get(username="caseworker", what="Mina ärenden")
    assert record.object_ids == ["KS-CLOSED", "KS-CO", "KS-OWN"]
    staff_record = AccessRecord.objects.get(username="caseworker", what="Mina ärenden: medarbetare")
    assert staff_record.object_ids == ["S-ME"]


@pytest.mark.django_db
def test_my_cases_without_a_staff_record_says_whom_to_ask(world, personas):
    response = client_for(personas.team_lead).get("/arenden/mina/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "inte kopplat till någon medarbetare" in body and "systemadministratören" in body
    assert response.context["rows"] == []


@pytest.mark.django_db
def test_caseworkers_land_on_my_cases(world, personas):
    response = client_for(personas.caseworker).get("/")
    assert response.status_code == 302 and response["Location"] == "/arenden/mina/"
    assert client_for(personas.unit_manager).get("/").status_code == 200


@pytest.mark.django_db
def test_my_cases_and_search_speak_english_when_chosen(world, personas):
    client = client_for(personas.caseworker)
    client.post("/sprak/", {"language": "en", "next": "/"})
    assert "You are registered as S-ME" in client.get("/arenden/mina/").content.decode()
    body = client.get("/arenden/sok/", {"q": "KS-OUT"}).content.decode()
    assert "No case found for" in body and "Case id or child id" in body
