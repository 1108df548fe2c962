"""Governance pages in the real browser: the board reads the scorecard; a manager changes a target."""

import pytest

from tests.governance.conftest import governance_data  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_board_reads_scorecard_and_cannot_edit(page, login, governance_data):  # noqa: F811
    login("board")
    page.get_by_role("link", name="Styrning").first.click()
    page.get_by_role("link", name="Nämndstyrkort 2025–2027").click()
    table = page.locator("table.scorecard")
    assert table.get_by_text("Förhandsbedömningar inom 14 dagar").is_visible()
    assert table.get_by_text("NKI").is_visible()
    assert page.get_by_role("link", name="Ändra").count() == 0
    response = page.goto(f"/styrning/matetal/{governance_data['entered'].pk}/")
    assert response.status == 403


def test_manager_changes_a_target_and_sees_it(page, login, governance_data):  # noqa: F811
    login("department_head")
    card = governance_data["card"]
    page.goto(f"/styrning/styrkort/{card.pk}/")
    page.locator("tr", has_text="NKI").get_by_role("link", name="Ändra").click()
    page.get_by_label("Målvärde 2026").fill("78")
    page.get_by_label("Utfall 2026").fill("76,5")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("networkidle")
    assert "Mätetalet sparades." in page.content()
    row = page.locator("tr", has_text="NKI")
    assert "78" in row.inner_text() and "76,5" in row.inner_text()


def test_board_opens_the_board_report_and_downloads_the_pdf(page, login, governance_data):  # noqa: F811
    login("board")
    page.goto("/styrning/namndrapport/")
    page.get_by_label("Period").fill("2026-01..2026-06")
    page.get_by_label("Diarienummer").fill("SN-2026-0042")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="1. Verksamhetsstatistik").is_visible()
    assert page.get_by_text("Offentlig version").first.is_visible()
    page.get_by_role("link", name="Ladda ner PDF").click()  # starts a job with a progress bar
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner PDF").click()  # the finished job's file
    path = download_info.value.path()
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "SN-2026-0042" in text and "Rapport till nämnden" in text
