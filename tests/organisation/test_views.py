"""The system administrator's organisation pages: who may open them, that they list no case, child or
staff id, and that deletion of a unit with data is refused without naming any of it."""

from datetime import date

import pytest

from stabil.cases.models import Case, Child
from stabil.organisation.models import Team, Unit
from stabil.staff.models import StaffMember
from tests.conftest import client_for

SECRETS = ("FALL-HEMLIG-1", "BARN-HEMLIG-1", "PERS-HEMLIG-1")


@pytest.fixture
def hidden(personas):
    org = personas.org
    Case.objects.create(case_id="FALL-HEMLIG-1", child=Child.objects.create(child_id="BARN-HEMLIG-1"),
                        category="barn", unit=org.unit_a)
    StaffMember.objects.create(staff_id="PERS-HEMLIG-1", unit=org.unit_a, team=org.team_a1,
                               started_on=date(2020, 1, 1))
    return org


PAGES = ["/organisation/", "/organisation/avdelning/ny/", "/organisation/avdelning/BU/", "/organisation/enhet/ny/",
         "/organisation/enhet/UA/", "/organisation/team/ny/", "/organisation/team/TA1/"]


@pytest.mark.parametrize("url", PAGES)
def test_only_the_sysadmin_opens_the_organisation_pages(view_permissions, url):
    view_permissions(url, allowed={"sysadmin"})


@pytest.mark.parametrize("url", ["/organisation/enhet/UB/ta-bort/", "/organisation/team/TB1/ta-bort/"])
def test_only_the_sysadmin_may_ask_to_delete(view_permissions, url):
    view_permissions(url, allowed={"sysadmin"}, method="post")


@pytest.mark.parametrize("url", PAGES)
def test_no_case_child_or_staff_id_on_the_organisation_pages(personas, hidden, url):
    body = client_for(personas.sysadmin).get(url).content.decode()
    for secret in SECRETS:
        assert secret not in body


def test_deleting_a_unit_with_cases_and_staff_is_refused_without_naming_them(personas, hidden):
    client = client_for(personas.sysadmin)
    response = client.post("/organisation/enhet/UA/ta-bort/", follow=True)
    body = response.content.decode()
    assert "kan inte tas bort" in body and "Stäng enheten" in body
    for secret in SECRETS:
        assert secret not in body
    assert Unit.objects.filter(code="UA").exists()
    assert client.get("/organisation/enhet/UA/ta-bort/").status_code == 405


def test_sysadmin_creates_closes_and_deletes_through_the_pages(personas):
    client = client_for(personas.sysadmin)
    assert client.post("/organisation/avdelning/ny/", {"code": "FAM", "name": "Familj"}).status_code == 302
    assert client.post("/organisation/enhet/ny/", {"code": "FAM-1", "name": "Familjerätt",
                                                  "department": "FAM"}).status_code == 302
    assert client.post("/organisation/team/ny/", {"code": "FAM-T", "name": "Teamet", "unit": "FAM-1"}).status_code == 302
    assert Team.objects.get(code="FAM-T").unit.code == "FAM-1"
    # Close the unit: it disappears from the choices of the user form.
    assert client.post("/organisation/enhet/FAM-1/", {"name": "Familjerätten", "department": "BU"}).status_code == 302
    unit = Unit.objects.get(code="FAM-1")
    assert (unit.name, unit.department.code, unit.active) == ("Familjerätten", "BU", False)
    assert 'value="FAM-1"' not in client.get("/anvandare/ny/").content.decode()
    overview = client.get("/organisation/").content.decode()
    assert "Familjerätten" in overview and "stängd" in overview
    client.post("/organisation/team/FAM-T/ta-bort/")
    client.post("/organisation/enhet/FAM-1/ta-bort/")
    assert not Unit.objects.filter(code="FAM-1").exists()


def test_a_bad_code_is_shown_on_the_form_in_swedish(personas):
    response = client_for(personas.sysadmin).post("/organisation/enhet/ny/", {"code": "S/1", "name": "X",
                                                                             "department": "BU"})
    assert response.status_code == 200 and "ogiltig kod" in response.content.decode()
    assert not Unit.objects.filter(code="S/1").exists()
