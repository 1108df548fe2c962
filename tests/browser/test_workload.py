"""The workload board and the allocation suggestions in the real browser."""

import datetime as dt

import pytest

from stabil.cases.models import Case, CaseEvent, Child
from stabil.cases.services import recompute_cases
from tests.workload.conftest import unit_data  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_opens_board_and_assigns_a_suggested_caseworker(page, login, unit_data):  # noqa: F811
    login("unit_manager")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Arbetsbelastning").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Arbetsbelastning")
    board = page.locator("#workload-board")
    for staff_id in ("S1", "S2", "S3", "S4"):
        assert board.locator(f'tr[data-staff="{staff_id}"]').count() == 1
    assert board.locator('tr[data-staff="S1"] .badge').first.inner_text().endswith("grön")

    page.get_by_role("link", name="Fördela nya ärenden").click()
    page.get_by_role("row", name="C4").get_by_role("link", name="Förslag").click()
    page.wait_for_load_state("networkidle")
    suggestions = page.locator("#suggestions tbody tr")
    assert suggestions.count() >= 2
    assert "S3" in page.locator("#excluded").inner_text()  # consultant, the case needs a decision maker
    page.get_by_role("button", name="Tilldela S4").click()
    page.wait_for_load_state("networkidle")
    assert "S4 är nu handläggare i ärende C4" in page.get_by_role("status").inner_text()
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler.staff_id == "S4"


def test_caseworker_has_no_workload_entry(page, login, unit_data):  # noqa: F811
    login("caseworker")
    assert page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Arbetsbelastning").count() == 0
    response = page.goto("/arbetsbelastning/")
    assert response.status == 403


def test_team_lead_allocates_within_the_team_and_goes_on_to_the_next(page, login, unit_data):  # noqa: F811
    login("team_lead")
    page.goto("/arbetsbelastning/fordela/")
    page.get_by_role("row", name="C4").get_by_role("link", name="Förslag").click()
    page.wait_for_load_state("networkidle")
    shown = page.locator("#suggestions").inner_text() + page.locator("#excluded").inner_text()
    assert "S1" in shown and "S3" not in shown  # S3 is in team TA2, hidden from the lead's board too
    page.get_by_role("button", name="Tilldela S1").click()
    page.wait_for_load_state("networkidle")
    assert "S1 är nu handläggare i ärende C4" in page.get_by_role("status").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Ärenden utan handläggare"
    assert page.get_by_role("row", name="C4").count() == 0
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler.staff_id == "S1"


def test_team_lead_takes_the_most_urgent_case_first_and_goes_on_to_the_next(page, login, unit_data):  # noqa: F811
    # Issue 13: two unassigned cases; C5 (reported 2025-11-10) is due before C4 (2025-11-23), so it comes first,
    # and after assigning it the lead lands on C4's suggestions with C5 still in reach.
    child = Child.objects.create(child_id="B-C5", birth_date=dt.date(2014, 4, 4))
    c5 = Case.objects.create(case_id="C5", child=child, category="barn", unit=unit_data["C4"].unit)
    CaseEvent.objects.create(case=c5, kind="report_received", on=dt.date(2025, 11, 10))
    recompute_cases([c5.pk])

    login("team_lead")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Arbetsbelastning").click()
    page.get_by_role("link", name="Fördela nya ärenden").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("#unassigned")
    assert table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)") == ["C5", "C4"]
    assert "2025-11-10" in table.get_by_role("row", name="C5").inner_text()  # its due date is shown
    page.get_by_role("link", name="Förslag för ärende C5").click()
    page.wait_for_load_state("networkidle")
    assert "Nästa frist: Skyddsbedömning senast 2025-11-10." in page.locator("#next-deadline").inner_text()
    shown = page.locator("#suggestions").inner_text() + page.locator("#excluded").inner_text()
    assert "S3" not in shown  # team TA2: not the lead's team
    page.get_by_role("button", name="Tilldela S1").click()
    page.wait_for_load_state("networkidle")
    assert "S1 är nu handläggare i ärende C5" in page.get_by_role("status").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Förslag på handläggare för ärende C4"
    page.get_by_role("link", name="Öppna ärende C5").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/arenden/arende/C5/")
    c5.refresh_from_db()
    assert c5.main_handler.staff_id == "S1"
