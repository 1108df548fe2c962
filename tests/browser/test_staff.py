"""The HR pages in the real browser: an HR officer navigates, filters, sees the seed-shaped tables and
a chart; a caseworker has no way to reach anyone's sick leave."""

from datetime import date

import pytest

from stabil.staff.models import Absence, StaffMember
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(org):
    member = StaffMember.objects.create(staff_id="P-100", unit=org.unit_a, started_on=date(2014, 1, 1),
                                        experience_years=3, monthly_cost_sek=42000)
    StaffMember.objects.create(staff_id="P-200", unit=org.unit_a, employment="consultant", started_on=date(2015, 1, 1),
                               experience_years=6, monthly_cost_sek=85000)
    Absence.objects.create(staff=member, kind="sick", first_day=date(2015, 2, 2), last_day=date(2015, 2, 2))
    Absence.objects.create(staff=member, kind="sick", first_day=date(2015, 3, 2), last_day=date(2015, 3, 6))
    make_user("lena", "hr", first_name="Lena")
    make_user("sara", "caseworker", [org.unit_a], team=org.team_a1, first_name="Sara")
    return org


def test_hr_officer_reads_sick_leave_for_a_quarter(page, login, people):
    login("lena")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Personal").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Personalregister"
    assert page.get_by_role("rowheader", name="P-100").is_visible()
    page.get_by_role("link", name="Sjukfrånvaro och övertid").click()
    page.get_by_label("Från:", exact=True).fill("2015-01-01")
    page.get_by_label("Till:", exact=True).fill("2015-03-31")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_role("table", name="Sjukfrånvarodagar och tillfällen")
    row = table.get_by_role("row", name="Enhet A")
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[:4] == ["6", "2", "1", "1"]  # 6 days, 2 occasions; 1 one-day occasion of 1 day
    assert page.get_by_role("img", name="Stapeldiagram; samma siffror finns i tabellen").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera till Excel").click()
    assert download.value.suggested_filename == "sick_leave.xlsx"


def test_caseworker_has_no_way_to_sick_leave(page, login, people):
    login("sara")
    assert page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Personal").count() == 0
    response = page.goto("/personal/sjukfranvaro/")
    assert response.status == 403
