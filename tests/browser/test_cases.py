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


def test_caseworker_opens_my_cases_and_finds_a_closed_case_by_its_id(page, login, org):
    today = timezone.localdate()
    user = make_user("lina", "caseworker", [org.unit_a], team=org.team_a1, first_name="Lina")
    staff = StaffMember.objects.create(staff_id="S-LINA", unit=org.unit_a, team=org.team_a1,
                                       started_on=dt.date(2020, 1, 1), user=user)
    colleague = StaffMember.objects.create(staff_id="S-KOLL", unit=org.unit_a, team=org.team_a1,
                                           started_on=dt.date(2020, 1, 1))
    made = {}
    for case_id, reported in (("K-MINE-OPEN", today - dt.timedelta(days=3)), ("K-MINE-CO", today),
                              ("K-MINE-CLOSED", today - dt.timedelta(days=60))):
        case = Case.objects.create(case_id=case_id, child=Child.objects.create(child_id="B" + case_id),
                                   category="barn", unit=org.unit_a)
        CaseEvent.objects.create(case=case, kind="report_received", on=reported)
        CaseEvent.objects.create(case=case, kind="protection_assessed", on=reported)
        made[case_id] = case
    CaseEvent.objects.create(case=made["K-MINE-OPEN"], kind="handler_assigned", on=today, staff=staff)
    CaseEvent.objects.create(case=made["K-MINE-CO"], kind="handler_assigned", on=today, staff=colleague)
    CaseEvent.objects.create(case=made["K-MINE-CO"], kind="co_handler_assigned", on=today, staff=staff)
    closed = made["K-MINE-CLOSED"]
    CaseEvent.objects.create(case=closed, kind="handler_assigned", on=today - dt.timedelta(days=60), staff=colleague)
    CaseEvent.objects.create(case=closed, kind="preliminary_decided", on=today - dt.timedelta(days=55),
                             outcome="no_investigation")
    recompute_cases([c.pk for c in made.values()])

    login("lina")  # a caseworker lands on her own cases
    assert page.url.endswith("/arenden/mina/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina ärenden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mina ärenden"
    assert "Du är registrerad som S-LINA" in page.locator("#my-staff-id").inner_text()
    rows = page.locator("#my-cases tbody tr")
    assert [rows.nth(i).get_attribute("data-case") for i in range(rows.count())] == ["K-MINE-OPEN", "K-MINE-CO"]
    assert "Medhandläggare" in page.locator("#my-cases tr[data-case='K-MINE-CO']").inner_text()

    page.get_by_role("search", name="Sök ärende").get_by_label("Ärende-id eller barn-id").fill("K-MINE-CLOSED")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/arenden/arende/K-MINE-CLOSED/")
    assert page.locator("#case-phase").inner_text() == "Avslutat"


def test_caseworker_registers_a_report_and_sees_the_protection_assessment_deadline(page, login, org):
    today = timezone.localdate()
    received = today - dt.timedelta(days=1)
    user = make_user("mona", "caseworker", [org.unit_a], team=org.team_a1, first_name="Mona")
    StaffMember.objects.create(staff_id="S-MONA", unit=org.unit_a, team=org.team_a1,
                               started_on=dt.date(2020, 1, 1), user=user)

    login("mona")
    page.goto("/arenden/mina/")
    page.get_by_role("link", name="Registrera ny anmälan").click()
    page.get_by_role("textbox", name="Barn-id (pseudonym):").fill("P-WEB-7")
    page.get_by_role("textbox", name="Barnets födelsedatum:").fill("2016-03-04")
    page.get_by_role("combobox", name="Kategori:").select_option("barn")
    page.get_by_role("combobox", name="Enhet:").select_option("UA")
    page.get_by_role("textbox", name="Anmälan inkom:").fill(received.isoformat())
    page.get_by_role("combobox", name="Anmälare:").select_option(label="Skola")
    page.get_by_role("checkbox", name="Anmälaren vill ha återkoppling").check()
    page.get_by_role("button", name="Registrera anmälan").click()
    page.wait_for_load_state("networkidle")

    case_id = f"UA-{received.year}-0001"
    assert case_id in page.get_by_role("status").inner_text()
    protection = page.locator("#case-deadlines tr[data-kind='protection_assessment']")
    assert protection.get_attribute("data-status") in ("open", "overdue")
    assert protection.locator("td.due").inner_text() == deadlines.protection_assessment_due(received).isoformat()
    assert page.locator("#case-deadlines tr[data-kind='preliminary_assessment']").count() == 1

    # The existing event form records the protection assessment on the new case.
    page.get_by_role("textbox", name="Datum:", exact=True).fill(received.isoformat())
    page.get_by_role("combobox", name="Händelse").select_option("protection_assessed")
    page.wait_for_load_state("networkidle")  # the fields re-rendered for the event, the date kept
    assert page.get_by_role("textbox", name="Datum:", exact=True).input_value() == received.isoformat()
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state("networkidle")
    protection = page.locator("#case-deadlines tr[data-kind='protection_assessment']")
    assert protection.get_attribute("data-status") == "met"
    assert Case.objects.get(case_id=case_id).reporter_kind == "school"

    # The decision: the form shows the outcome only once the event that needs it is chosen (htmx).
    assert page.get_by_role("combobox", name="Utfall").count() == 0
    page.get_by_role("combobox", name="Händelse").select_option("preliminary_decided")
    page.wait_for_load_state("networkidle")
    page.get_by_role("combobox", name="Utfall").select_option("investigation")
    page.get_by_role("textbox", name="Datum:", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#case-deadlines tr[data-kind='preliminary_assessment']").get_attribute("data-status") == "met"
