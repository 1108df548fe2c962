"""Registering a report about a child as a new case (issue 13): permissions, rules, scope, audit."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent, Child, Deadline
from stabil.staff.models import StaffMember
from tests.conftest import client_for

URL = "/arenden/ny/"
RECORDERS = {"caseworker", "colleague", "other_team_caseworker", "team_lead", "unit_manager", "outsider",
             "outsider_manager"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 17, 9, 0), tick=False):
        yield


@pytest.fixture
def me(personas):
    """The caseworker's own staff record (her account is linked to it)."""
    return StaffMember.objects.create(staff_id="S-CW", unit=personas.org.unit_a, team=personas.org.team_a1,
                                      started_on=dt.date(2020, 1, 1), user=personas.caseworker)


def _report(**overrides):
    data = {"case_id": "", "child_id": "P-4711", "birth_date": "2016-03-04", "category": "barn", "unit": "UA",
            "received_on": "2026-06-15", "reporter_kind": "school", "feedback_requested": "on", "take_case": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_new_report_permissions(personas, view_permissions):
    # GET: the roles that record events; anonymous visitors go to the log-in page (checked by the helper).
    view_permissions(URL, allowed=RECORDERS)


@pytest.mark.django_db
def test_new_report_post_permissions_store_nothing_for_others(personas):
    for name in ("hr", "board", "sysadmin", "department_head"):
        response = client_for(personas[name]).post(URL, _report())
        assert response.status_code == 403, name
    assert client_for(None).post(URL, _report()).status_code == 302
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_registration_creates_case_events_deadlines_and_logs(personas, me):
    client = client_for(personas.caseworker)
    response = client.post(URL, _report())
    case = Case.objects.get()
    assert case.case_id == "UA-2026-0001"  # generated: <UNIT>-<YEAR>-<sequence>
    assert response.status_code == 302 and response["Location"] == f"/arenden/arende/{case.case_id}/"
    assert case.unit == personas.org.unit_a and case.category == "barn" and case.reporter_kind == "school"
    assert case.child.child_id == "P-4711" and case.child.birth_date == dt.date(2016, 3, 4)
    assert sorted(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "feedback_requested", "handler_assigned", "report_received"]
    assert CaseEvent.objects.filter(case=case, recorded_by=personas.caseworker).count() == 3
    assert case.main_handler == me
    kinds = dict(Deadline.objects.filter(case=case).values_list("kind", "due_on"))
    assert "protection_assessment" in kinds and "preliminary_assessment" in kinds
    record = AccessRecord.objects.get(username="caseworker", action="import")
    assert case.case_id in record.object_ids and case.case_id in record.what
    assert LogEntry.objects.filter(object_repr=case.case_id, actor=personas.caseworker).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Anmälan registrerades som ärende UA-2026-0001" in page
    assert "2026-06-15" in page and "Skyddsbedömning" in page


@pytest.mark.django_db
def test_without_taking_the_case_a_caseworker_is_told_it_waits_for_allocation(personas, me):
    client = client_for(personas.caseworker)
    response = client.post(URL, _report(take_case=None), follow=True)
    case = Case.objects.get()
    assert case.main_handler is None
    assert response.redirect_chain[-1][0] == "/arenden/"
    assert "väntar på fördelning" in response.content.decode()
    # The team lead of the unit sees it among the unassigned cases.
    assert client_for(personas.team_lead).get(f"/arenden/arende/{case.case_id}/").status_code == 200


@pytest.mark.django_db
def test_handler_must_be_a_staff_member_in_scope(personas):
    from django.core.exceptions import ValidationError

    from stabil.cases.services import case_register_report

    StaffMember.objects.create(staff_id="S-UB", unit=personas.org.unit_b, started_on=dt.date(2020, 1, 1))
    for staff_id in ("S-UB", "S-NOBODY"):
        with pytest.raises(ValidationError):
            case_register_report(by=personas.team_lead, child_id="P-1", birth_date=dt.date(2016, 1, 1),
                                 category="barn", unit_code="UA", received_on=dt.date(2026, 6, 15),
                                 reporter_kind="police", handler_staff_id=staff_id)
    assert not Case.objects.exists() and not StaffMember.objects.filter(staff_id="S-NOBODY").exists()


@pytest.mark.django_db
def test_second_generated_id_follows_the_sequence_and_an_own_id_is_kept(personas, me):
    client = client_for(personas.caseworker)
    client.post(URL, _report(feedback_requested=None))
    client.post(URL, _report(child_id="P-4712"))
    client.post(URL, _report(child_id="P-4713", case_id="EGET-1"))
    assert sorted(Case.objects.values_list("case_id", flat=True)) == ["EGET-1", "UA-2026-0001", "UA-2026-0002"]
    first = Case.objects.get(case_id="UA-2026-0001")
    assert sorted(first.events.values_list("kind", flat=True)) == ["handler_assigned", "report_received"]


@pytest.mark.django_db
def test_unit_outside_scope_is_refused(personas):
    response = client_for(personas.caseworker).post(URL, _report(unit="UB"))
    assert response.status_code == 400
    assert not Case.objects.exists()
    # The form offers only the user's own units.
    assert [code for code, _label in response.context["form"].fields["unit"].choices] == ["UA"]


@pytest.mark.django_db
def test_unit_outside_scope_is_refused_by_the_service_too(personas):
    from django.core.exceptions import ValidationError

    from stabil.cases.services import case_register_report

    with pytest.raises(ValidationError) as exc:
        case_register_report(by=personas.caseworker, child_id="P-1", birth_date=dt.date(2016, 1, 1),
                             category="barn", unit_code="UB", received_on=dt.date(2026, 6, 15),
                             reporter_kind="police")
    assert "utanför dina enheter" in str(exc.value.message_dict["unit"])
    assert not Case.objects.exists()


@pytest.mark.parametrize("child_id", ["160304-1234", "201603041234", "20160304-1234"])
@pytest.mark.django_db
def test_personnummer_like_child_id_is_refused(personas, child_id):
    response = client_for(personas.caseworker).post(URL, _report(child_id=child_id))
    assert response.status_code == 400
    assert "personnummer" in " ".join(response.context["form"].errors["child_id"])
    assert not Case.objects.exists() and not Child.objects.exists()


@pytest.mark.django_db
def test_child_id_of_another_unit_is_refused_without_detail(personas):
    child = Child.objects.create(child_id="P-HEMLIG", birth_date=dt.date(2012, 5, 6))
    Case.objects.create(case_id="K-UB-9", child=child, category="ungdom", unit=personas.org.unit_b)
    response = client_for(personas.caseworker).post(URL, _report(child_id="P-HEMLIG", birth_date="2016-03-04"))
    assert response.status_code == 400
    body = response.content.decode()
    message = " ".join(response.context["form"].errors["child_id"])
    assert "kan inte användas" in message
    for secret in ("K-UB-9", "UB", "2012-05-06", "ungdom", "Enhet B", "utanför"):
        assert secret not in message
    assert "K-UB-9" not in body and "2012-05-06" not in body
    assert Case.objects.count() == 1
    # A child stored without cases is in nobody's units: refused the same way.
    Child.objects.create(child_id="P-ENSAM", birth_date=dt.date(2014, 1, 1))
    response = client_for(personas.caseworker).post(URL, _report(child_id="P-ENSAM"))
    assert response.status_code == 400 and "kan inte användas" in " ".join(response.context["form"].errors["child_id"])


@pytest.mark.django_db
def test_child_id_of_own_unit_gets_a_second_case_and_birth_date_must_match(personas, me):
    child = Child.objects.create(child_id="P-KAND", birth_date=dt.date(2016, 3, 4))
    Case.objects.create(case_id="K-UA-1", child=child, category="barn", unit=personas.org.unit_a)
    client = client_for(personas.caseworker)
    response = client.post(URL, _report(child_id="P-KAND", birth_date="2016-03-05"))
    assert response.status_code == 400 and "födelsedatum" in " ".join(response.context["form"].errors["birth_date"])
    response = client.post(URL, _report(child_id="P-KAND"))
    assert response.status_code == 302
    assert Case.objects.filter(child=child).count() == 2


@pytest.mark.django_db
def test_existing_case_id_is_refused_without_saying_where(personas):
    child = Child.objects.create(child_id="P-X", birth_date=dt.date(2012, 5, 6))
    Case.objects.create(case_id="K-UB-9", child=child, category="ungdom", unit=personas.org.unit_b)
    response = client_for(personas.caseworker).post(URL, _report(case_id="K-UB-9"))
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["case_id"])
    assert "kan inte användas" in message and "UB" not in message.replace("K-UB-9", "")
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_bad_dates_and_report_before_birth_are_swedish_form_errors(personas):
    client = client_for(personas.caseworker)
    response = client.post(URL, _report(birth_date="04/03/2016"))
    assert response.status_code == 400 and "birth_date" in response.context["form"].errors
    response = client.post(URL, _report(birth_date="2026-06-16"))
    assert response.status_code == 400
    assert "före barnets födelsedatum" in " ".join(response.context["form"].errors["received_on"])
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_deadline_list_and_my_cases_link_to_the_new_report_page(personas):
    for url in ("/arenden/", "/arenden/mina/"):
        assert 'href="/arenden/ny/"' in client_for(personas.caseworker).get(url).content.decode()
        assert 'href="/arenden/ny/"' not in client_for(personas.department_head).get(url).content.decode()


@pytest.mark.django_db
def test_a_case_id_taken_in_between_is_a_form_error_not_a_crash(personas, me, monkeypatch):
    from django.db import IntegrityError

    from stabil.cases import services

    def taken(**_kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "case_events_store", taken)
    response = client_for(personas.caseworker).post(URL, _report())
    assert response.status_code == 400
    assert "försök igen" in " ".join(response.context["form"].errors["case_id"])
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_event_form_shows_only_the_fields_the_chosen_event_uses(personas, me):
    client = client_for(personas.caseworker)
    client.post(URL, _report())
    url = "/arenden/arende/UA-2026-0001/handelse/falt/"
    names = {
        kind: {name for name in ("staff_id", "outcome", "until", "intervention", "reason", "on")
               if f'name="{name}"' in client.get(url, {"kind": kind}).content.decode()}
        for kind in ("protection_assessed", "preliminary_decided", "investigation_extended", "handler_assigned",
                     "intervention_started")
    }
    assert names == {
        "protection_assessed": {"on", "reason"},
        "preliminary_decided": {"on", "reason", "outcome"},
        "investigation_extended": {"on", "reason", "until"},
        "handler_assigned": {"on", "reason", "staff_id"},
        "intervention_started": {"on", "reason", "intervention"},
    }
    page = client.get("/arenden/arende/UA-2026-0001/").content.decode()
    assert 'hx-get="/arenden/arende/UA-2026-0001/handelse/falt/"' in page and 'name="outcome"' not in page
    # Another unit's caseworker gets nothing from the fragment.
    assert client_for(personas.outsider).get(url, {"kind": "preliminary_decided"}).status_code == 404


@pytest.mark.django_db
def test_event_form_fragment_keeps_what_was_typed(personas, me):
    client = client_for(personas.caseworker)
    client.post(URL, _report())
    body = client.get("/arenden/arende/UA-2026-0001/handelse/falt/",
                      {"kind": "preliminary_decided", "on": "2026-06-16", "reason": "SoL 11:1"}).content.decode()
    assert 'value="2026-06-16"' in body and 'value="SoL 11:1"' in body
