"""Record an event in the browser and see the case's deadline change."""

import datetime as dt

import pytest
from django.utils import timezone

from stabil.cases.models import Case, CaseEvent, Child
from stabil.cases.services import recompute_cases
from stabil.core import deadlines
from stabil.staff.models import StaffMember
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_recording_a_decision_changes_the_deadline(page, login, org):
    today = timezone.localdate()
    user = make_user("sara", "caseworker", [org.unit_a], team=org.team_a1, first_name="Sara")
    staff = StaffMember.objects.create(staff_id="S-SARA", unit=org.unit_a, team=org.team_a1,
                                       started_on=dt.date(2020, 1, 1), user=user)
    case = Case.objects.create(case_id="K-WEB-1", child=Child.objects.create(child_id="BW1"), category="barn",
                               unit=org.unit_a)
    reported = today - dt.timedelta(days=3)
    CaseEvent.objects.create(case=case, kind="report_received", on=reported)
    CaseEvent.objects.create(case=case, kind="handler_assigned", on=reported, staff=staff)
    recompute_cases([case.pk])
    preliminary_due = deadlines.preliminary_assessment_due(reported).isoformat()

    login("sara")
    page.goto("/arenden/")
    row = page.locator("#deadline-table tr[data-case='K-WEB-1'][data-kind='preliminary_assessment']")
    assert preliminary_due in row.inner_text()
    row.get_by_role("link", name="K-WEB-1").click()
    preliminary = page.locator("#case-deadlines tr[data-kind='preliminary_assessment']")
    assert preliminary.get_attribute("data-status") == "open"
    assert page.locator("#case-deadlines tr[data-kind='investigation']").count() == 0

    page.get_by_role("combobox", name="Händelse").select_option("investigation_opened")
    page.get_by_role("textbox", name="Datum:", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state("networkidle")

    assert "registrerades" in page.get_by_role("status").inner_text()
    preliminary = page.locator("#case-deadlines tr[data-kind='preliminary_assessment']")
    assert preliminary.get_attribute("data-status") == "met"
    investigation = page.locator("#case-deadlines tr[data-kind='investigation']")
    assert investigation.locator("td.due").inner_text() == deadlines.investigation_due(today).isoformat()
    assert page.locator("#case-phase").inner_text() == "Utredning"
    page.goto("/arenden/")
    assert page.locator("#deadline-table tr[data-case='K-WEB-1'][data-kind='preliminary_assessment']").count() == 0
    assert page.locator("#deadline-table tr[data-case='K-WEB-1'][data-kind='investigation']").count() == 1
