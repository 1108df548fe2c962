"""Documents and downloads in the real browser (issue 13), on a small demo municipality.

- The unit manager downloads the egenkontroll as CSV and Excel on his first visit (no form submitted),
  and opens the board paper's PDF: every column is there and no word lies outside the page.
- The board member reads the scorecard and the board paper for the same period and finds the same figures,
  each page naming the period.
- axe-core finds no serious WCAG 2 A/AA problem on the pages this package changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from stabil.common.periods import period_label, reporting_period
from tests import pdfcheck
from tests.browser.test_accessibility import PASSWORD, _violations, small_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, username: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("networkidle")


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_unit_manager_downloads_the_egenkontroll_and_the_board_paper_pdf(small_demo, page):  # noqa: F811
    _login(page, "enhetschef")
    page.goto("/arenden/egenkontroll/")  # a first visit: the default period, no form submitted
    assert page.locator("#egenkontroll-summary").is_visible()
    text = _download(page, "Ladda ned CSV").decode("utf-8-sig")
    assert "Detta fält måste fyllas i" not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Frist" and len(rows) > 8
    # Figures as the page shows them: one decimal at most, a decimal comma, no binary noise (a median of days
    # may be negative: a care plan made before the placement).
    for row in rows[1:9]:
        assert all(re.fullmatch(r"-?\d+(,\d)?", cell) or cell == "" for cell in row[6:9]), row
    book = openpyxl.load_workbook(io.BytesIO(_download(page, "Ladda ned Excel")))
    assert book.sheetnames == ["Sammanställning", "Överträdelser"]

    page.goto("/styrning/namndrapport/")
    page.get_by_role("button", name="Visa").click()  # the default period: this year in whole months
    page.wait_for_load_state("networkidle")
    headers = pdfcheck.column_headers(page.content())
    assert "Konsultkostnad (kr)" in headers and "Socionom ≥ 3 år" in headers
    page.get_by_role("link", name="Ladda ner PDF").click()  # starts a job with a progress bar
    pdf = _download(page, "Ladda ner PDF")  # the finished job's file
    assert not pdfcheck.words_outside(pdf, side_margin=18 * pdfcheck.MM)
    assert not pdfcheck.missing(pdf, headers)
    first, last = reporting_period(dt.date.today())
    assert pdfcheck.missing(pdf, [period_label(first, last)]) == []


def _cells(page, selector: str) -> tuple[list[str], list[list[str]]]:
    table = page.locator(selector).first
    headers = [" ".join(t.split()) for t in table.locator("thead th").all_inner_texts()]
    rows = [[" ".join(t.split()) for t in row.locator("td, th").all_inner_texts()]
            for row in table.locator("tbody tr").all()]
    return headers, rows


def _values(headers, rows, column, names) -> dict[str, str]:
    index = headers.index(column)
    return {name: row[index] for row in rows for name in names
            if any(cell == name or cell.startswith(name + " ") for cell in row[:index])}


def test_board_member_finds_the_same_figures_on_the_scorecard_and_in_the_board_paper(small_demo, page):  # noqa: F811
    from stabil.governance.models import Kpi

    names = list(Kpi.objects.exclude(computed="").values_list("name", flat=True))
    first, last = reporting_period(dt.date.today())
    label = period_label(first, last)
    _login(page, "namnd")
    page.get_by_role("link", name="Styrning").first.click()
    page.get_by_role("link", name="Nämndstyrkort").first.click()
    page.wait_for_load_state("networkidle")
    assert label in page.locator("#scorecard-periods").inner_text()
    headers, rows = _cells(page, "table.scorecard")
    on_card = _values(headers, rows, f"Utfall {last.year}", names)
    assert set(on_card) == set(names)

    page.goto("/styrning/namndrapport/")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(label).first.is_visible()
    section = page.locator("section", has=page.get_by_role("heading", name="4. Styrkort"))
    headers, rows = _cells(section, "table")
    assert _values(headers, rows, f"Utfall {label}", names) == on_card


def test_changed_pages_have_no_serious_accessibility_problems(small_demo, _playwright_browser, live_server):  # noqa: F811
    from stabil.governance.models import Scorecard
    from stabil.simulation.models import Scenario

    card = Scorecard.objects.first()
    scenario = Scenario.objects.first()
    first, last = reporting_period(dt.date.today())
    period = f"{first:%Y-%m}..{last:%Y-%m}"
    pages = {
        "enhetschef": ["/arenden/egenkontroll/", f"/styrning/styrkort/{card.pk}/", f"/styrning/namndrapport/?period={period}",
                       f"/styrning/matetal/?first_day={first}&last_day={last}", "/styrning/egenkontroll/",
                       f"/styrning/statistik/?years={last.year - 3}-{last.year}&months={first.month}-{last.month}",
                       "/simulering/namndunderlag/", f"/simulering/{scenario.pk}/", "/arbetsbelastning/"],
        "namnd": [f"/styrning/styrkort/{card.pk}/?till={last:%Y-%m}", f"/styrning/namndrapport/?period={period}"],
        "hr": ["/personal/konsulter/"],
    }
    problems = []
    for username, paths in pages.items():
        problems += _violations(_playwright_browser, live_server, username, paths)
    assert not problems, "\n".join(problems)
