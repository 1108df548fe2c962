"""The system administrator's user pages: who may open them, what they show and refuse, what they log."""

from datetime import date

import pytest
from auditlog.models import LogEntry

from stabil.accounts.models import User
from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, Child
from stabil.staff.models import StaffMember
from tests.conftest import client_for

PASSWORD = "Ett-ordentligt-losenord-2026"


@pytest.fixture
def hidden(personas):
    """A case, a child and a staff member whose ids must never appear on these pages."""
    org = personas.org
    Case.objects.create(case_id="FALL-HEMLIG-1", child=Child.objects.create(child_id="BARN-HEMLIG-1"),
                        category="barn", unit=org.unit_a)
    StaffMember.objects.create(staff_id="PERS-HEMLIG-1", unit=org.unit_a, team=org.team_a1,
                               started_on=date(2020, 1, 1), user=personas.caseworker)
    return ("FALL-HEMLIG-1", "BARN-HEMLIG-1", "PERS-HEMLIG-1")


@pytest.mark.parametrize("url", [
    "/anvandare/", "/anvandare/ny/", "/anvandare/konto/caseworker/", "/anvandare/konto/caseworker/losenord/",
])
def test_only_the_sysadmin_opens_the_user_pages(view_permissions, url):
    view_permissions(url, allowed={"sysadmin"})


def test_a_post_by_anyone_else_changes_nobody(personas):
    for name in ("unit_manager", "department_head", "hr", "caseworker", "board"):
        response = client_for(personas[name]).post("/anvandare/konto/caseworker/", {"role": "department_head"})
        assert response.status_code == 403
    assert User.objects.get(username="caseworker").role == "caseworker"


@pytest.mark.parametrize("url", [
    "/anvandare/", "/anvandare/ny/", "/anvandare/konto/caseworker/", "/anvandare/konto/caseworker/losenord/",
])
def test_no_case_child_or_staff_id_on_the_user_pages(personas, hidden, url):
    body = client_for(personas.sysadmin).get(url).content.decode()
    for secret in hidden:
        assert secret not in body


def test_the_list_shows_role_units_and_team_and_is_access_logged(personas):
    body = client_for(personas.sysadmin).get("/anvandare/").content.decode()
    assert "team_lead" in body and "Arbetsledare" in body and "TA1" in body
    record = AccessRecord.objects.filter(what="Användarlista").latest("at")
    assert record.username == "sysadmin" and "caseworker" in record.object_ids


def test_sysadmin_creates_a_user_with_role_units_and_team(personas):
    response = client_for(personas.sysadmin).post("/anvandare/ny/", {
        "username": "sara.lind", "first_name": "Sara", "last_name": "Lind", "email": "sara@example.invalid",
        "role": "caseworker", "units": ["UA"], "team": "TA1", "is_active": "on",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302 and response["Location"] == "/anvandare/konto/sara.lind/"
    user = User.objects.get(username="sara.lind")
    assert (user.role, [u.code for u in user.units.all()], user.team.code) == ("caseworker", ["UA"], "TA1")
    assert user.check_password(PASSWORD) and user.is_active and not user.is_staff and not user.is_superuser
    history = client_for(personas.sysadmin).get("/anvandare/konto/sara.lind/").content.decode()
    assert "enheter tillagda: Enhet A (UA)" in history and "sysadmin" in history


def test_the_create_form_refuses_a_weak_password_and_a_foreign_team_in_swedish(personas):
    client = client_for(personas.sysadmin)
    weak = client.post("/anvandare/ny/", {"username": "x1", "role": "hr", "password1": "12345678",
                                          "password2": "12345678"})
    assert weak.status_code == 200 and "lösenordet duger inte" in weak.content.decode()
    foreign = client.post("/anvandare/ny/", {"username": "x2", "role": "caseworker", "units": ["UA"], "team": "TB1",
                                             "password1": PASSWORD, "password2": PASSWORD})
    assert "TB1 hör till enheten UB" in foreign.content.decode()
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_sysadmin_changes_another_users_role_units_and_active_flag_and_it_is_logged(personas):
    client = client_for(personas.sysadmin)
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.post("/anvandare/konto/caseworker/", {
        "first_name": "Caseworker", "role": "team_lead", "units": ["UA", "UB"], "team": "TA2",
    })
    assert response.status_code == 302
    user = User.objects.get(username="caseworker")
    assert (user.role, user.team.code, user.is_active) == ("team_lead", "TA2", False)
    assert sorted(u.code for u in user.units.all()) == ["UA", "UB"]
    entries = LogEntry.objects.get_for_object(user).filter(pk__gt=last)
    assert {e.actor for e in entries} == {personas.sysadmin}
    assert any(e.changes_dict.get("role") == ["caseworker", "team_lead"] for e in entries)
    assert any(e.changes_dict.get("units", {}).get("objects") == ["Enhet B (UB)"] for e in entries)
    page = client.get("/anvandare/konto/caseworker/").content.decode()
    assert "roll: Socialsekreterare → Arbetsledare" in page and "team: TA1 → TA2" in page
    assert "aktivt konto: ja → nej" in page


def test_role_and_unit_changes_are_visible_on_the_audit_page(personas):
    client = client_for(personas.sysadmin)
    client.post("/anvandare/konto/hr/", {"role": "unit_manager", "units": ["UB"], "is_active": "on"})
    audit = client.get("/granskning/").content.decode()
    assert "role" in audit and "units" in audit and "Hr" in audit


def test_sysadmin_cannot_change_its_own_role_units_team_or_active_flag_through_the_page(personas):
    admin = personas.sysadmin
    client = client_for(admin)
    response = client.post("/anvandare/konto/sysadmin/", {
        "first_name": "Eva", "role": "department_head", "units": ["UA"], "team": "TA1",
    })
    assert response.status_code == 302  # the name is saved; the disabled rights fields are ignored
    admin.refresh_from_db()
    assert admin.first_name == "Eva"
    assert (admin.role, admin.team, admin.is_active, admin.units.count()) == ("sysadmin", None, True, 0)
    page = client.get("/anvandare/konto/sysadmin/").content.decode()
    assert "Det här är ditt eget konto" in page
    # And it still cannot see a case.
    assert client.get("/arenden/").status_code == 403


def test_a_second_sysadmin_may_change_the_first(personas):
    from tests.conftest import make_user

    second = make_user("admin2", "sysadmin")
    response = client_for(second).post("/anvandare/konto/sysadmin/", {"role": "sysadmin", "units": []})
    assert response.status_code == 302
    assert User.objects.get(username="sysadmin").is_active is False


def test_sysadmin_sets_a_password_with_djangos_validators(personas):
    client = client_for(personas.sysadmin)
    weak = client.post("/anvandare/konto/caseworker/losenord/", {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200
    assert not User.objects.get(username="caseworker").check_password("abc")
    ok = client.post("/anvandare/konto/caseworker/losenord/", {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert ok.status_code == 302
    assert User.objects.get(username="caseworker").check_password(PASSWORD)
    page = client.get("/anvandare/konto/caseworker/").content.decode()
    assert "lösenordet byttes" in page and PASSWORD not in page


def test_no_page_offers_staff_or_superuser_status(personas):
    client = client_for(personas.sysadmin)
    for url in ("/anvandare/ny/", "/anvandare/konto/caseworker/"):
        body = client.get(url).content.decode()
        assert "is_staff" not in body and "is_superuser" not in body
    client.post("/anvandare/konto/caseworker/", {"role": "caseworker", "units": ["UA"], "team": "TA1",
                                                  "is_active": "on", "is_staff": "on", "is_superuser": "on"})
    user = User.objects.get(username="caseworker")
    assert not user.is_staff and not user.is_superuser


def test_the_nav_shows_users_and_organisation_to_the_sysadmin_only(personas):
    admin_page = client_for(personas.sysadmin).get("/").content.decode()
    assert 'href="/anvandare/"' in admin_page and 'href="/organisation/"' in admin_page
    manager_page = client_for(personas.unit_manager).get("/").content.decode()
    assert 'href="/anvandare/"' not in manager_page and 'href="/organisation/"' not in manager_page


def test_a_deactivated_user_is_logged_out_at_the_next_request(personas):
    from django.test import Client

    client = Client()
    assert client.post("/logga-in/", {"username": "caseworker", "password": "test-password-123"}).status_code == 302
    assert client.get("/arenden/").status_code == 200
    client_for(personas.sysadmin).post("/anvandare/konto/caseworker/", {"role": "caseworker", "units": ["UA"],
                                                                         "team": "TA1"})
    response = client.get("/arenden/")
    assert response.status_code == 302 and "/logga-in/" in response["Location"]
