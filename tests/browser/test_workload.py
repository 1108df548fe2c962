"""The workload board and the allocation suggestions in the real browser."""

import pytest

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
