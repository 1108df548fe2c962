"""The egenkontroll's downloads (issue 13): they work on a first visit, and round as the page does.

On a first visit the page shows the default period (this year up to today) without a submitted form; its
CSV and Excel links then asked for ``?format=csv`` alone and got "Detta fält måste fyllas i". And the
CSV wrote ``18.100000000000023`` where the page showed 18,1: one rounding rule (``core.rounding``) now
serves the page, both CSV files and both Excel files.
"""

import csv
import datetime as dt
import html
import io
import json
import re

import openpyxl
import pytest
import time_machine

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent, Child
from stabil.cases.services import recompute_cases
from stabil.cli import main
from tests.conftest import client_for

URL = "/arenden/egenkontroll/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 17, 9, 0), tick=False):
        yield


@pytest.fixture
def decided(personas):
    """Two reports in unit A on Monday 2026-05-04, decided after 1 and 14 days (both met, due 05-18).

    The preliminary assessment's days: median (1 + 14) / 2 = 7.5; 90th percentile by linear
    interpolation 1 + (14 - 1) * 0.9 = 12.7, which binary floating point computes as 12.700000000000001.
    """
    made = []
    for number, days in ((1, 1), (2, 14)):
        child = Child.objects.create(child_id=f"BE{number}", birth_date=dt.date(2015, 1, 1))
        case = Case.objects.create(case_id=f"KE{number}", child=child, category="barn", unit=personas.org.unit_a)
        CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 5, 4))
        CaseEvent.objects.create(case=case, kind="protection_assessed", on=dt.date(2026, 5, 4))
        CaseEvent.objects.create(case=case, kind="preliminary_decided", on=dt.date(2026, 5, 4) + dt.timedelta(days),
                                 outcome="no_investigation")
        made.append(case)
    recompute_cases([c.pk for c in made])
    return made


def _links(page: str) -> dict[str, str]:
    """The page's download links, by format."""
    return {fmt: html.unescape(href) for href, fmt in re.findall(r'href="(\?[^"]*format=(csv|xlsx)[^"]*)"', page)}


@pytest.mark.django_db
def test_downloads_work_on_a_first_visit(decided, personas):
    client = client_for(personas.unit_manager)
    page = client.get(URL)
    assert page.status_code == 200 and page.context["report"] is not None  # the default period is shown
    links = _links(page.content.decode())
    assert set(links) == {"csv", "xlsx"}
    for fmt, link in links.items():
        response = client.get(URL + link)
        assert response.status_code == 200
        assert "Detta fält måste fyllas i" not in response.content.decode("utf-8", "replace")
        if fmt == "csv":
            assert response["Content-Type"].startswith("text/csv")
            assert "egenkontroll_2026-01-01_2026-06-17.csv" in response["Content-Disposition"]
        else:
            assert response.content[:2] == b"PK"
    # A bookmarked link with only the format (as the page gave it before) gets the default period too.
    bare = client.get(URL, {"format": "csv"})
    assert bare.status_code == 200 and bare["Content-Type"].startswith("text/csv")
    assert AccessRecord.objects.filter(username="unit_manager", action="export").count() == 3


@pytest.mark.django_db
def test_downloads_carry_the_period_and_unit_shown(decided, personas):
    client = client_for(personas.unit_manager)
    page = client.get(URL, {"due_from": "2026-05-01", "due_to": "2026-05-31", "unit": "UA"}).content.decode()
    for link in _links(page).values():
        assert "due_from=2026-05-01" in link and "due_to=2026-05-31" in link and "unit=UA" in link
    # An invalid form shows no report, and so no download link.
    bad = client.get(URL, {"due_from": "2026-05-31", "due_to": "2026-05-01"}).content.decode()
    assert not _links(bad)


def _csv_summary(text: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return {row[0]: row for row in rows if row}


@pytest.mark.django_db
def test_page_csv_and_excel_show_the_same_rounded_figures(decided, personas, capsys):
    client = client_for(personas.unit_manager)
    params = {"due_from": "2026-05-01", "due_to": "2026-05-31"}
    page = client.get(URL, params).content.decode()
    row = re.search(r"Förhandsbedömning</th>(.*?)</tr>", page, re.DOTALL).group(1)
    cells = [html.unescape(cell) for cell in re.findall(r'<td class="num">(.*?)</td>', row)]
    # fell due 2, met 2, missed 0, overdue 0, share 100,0 %, median 7,5, 90th percentile 12,7
    assert cells == ["2", "2", "0", "0", "100,0\xa0%", "7,5", "12,7"]

    text = client.get(URL, {**params, "format": "csv"}).content.decode("utf-8-sig")
    assert "12.700000000000001" not in text
    assert _csv_summary(text)["Förhandsbedömning"][1:] == ["2", "2", "0", "0", "0", "100,0", "7,5", "12,7"]

    book = openpyxl.load_workbook(io.BytesIO(client.get(URL, {**params, "format": "xlsx"}).content))
    sheet = book["Sammanställning"]
    header = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    values = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    assert dict(zip(header, values["Förhandsbedömning"], strict=True)) == {
        "Frist": "Förhandsbedömning", "Föll ut": 2, "Uppfyllda": 2, "Missade": 0, "Försenade (pågår)": 0,
        "Ej förfallna": 0, "Andel uppfyllda (%)": 100.0, "Median dagar": 7.5, "90:e percentil dagar": 12.7}

    # The command line: the same rounding in JSON, CSV and Excel.
    args = ["report", "egenkontroll", "--from", "2026-05-01", "--to", "2026-05-31", "--on", "2026-06-17"]
    assert main([*args, "--format", "json"]) == 0
    data = {d["deadline"]: d for d in json.loads(capsys.readouterr().out)["deadlines"]}
    assert (data["preliminary_assessment"]["median_days"], data["preliminary_assessment"]["p90_days"]) == (7.5, 12.7)
    assert main([*args, "--format", "csv"]) == 0
    rows = {r["deadline"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["preliminary_assessment"]["p90_days"] == "12.7"


@pytest.mark.django_db
def test_the_breaches_in_csv_and_excel_are_named_in_swedish(personas):
    """Issue 13: the breach rows said "preliminary_assessment" and "missed"; the page's words now."""
    child = Child.objects.create(child_id="BL1", birth_date=dt.date(2015, 1, 1))
    case = Case.objects.create(case_id="KL1", child=child, category="barn", unit=personas.org.unit_a)
    CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 5, 4))
    CaseEvent.objects.create(case=case, kind="protection_assessed", on=dt.date(2026, 5, 4))
    CaseEvent.objects.create(case=case, kind="preliminary_decided", on=dt.date(2026, 5, 29), outcome="no_investigation")
    recompute_cases([case.pk])
    client = client_for(personas.unit_manager)
    params = {"due_from": "2026-05-01", "due_to": "2026-05-31"}
    text = client.get(URL, {**params, "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    breach = next(row for row in rows if row and row[0] == "KL1")
    assert breach[2:] == ["Förhandsbedömning", "2026-05-18", "2026-05-29", "Missad", "11"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(URL, {**params, "format": "xlsx"}).content))
    values = [r for r in book["Överträdelser"].iter_rows(values_only=True) if r[0] == "KL1"]
    assert values[0][2] == "Förhandsbedömning" and values[0][5] == "Missad"


@pytest.mark.django_db
def test_negative_days_are_explained_on_the_page(decided, personas):
    """Issue 13: a negative median puzzled managers. A care plan made on 2026-05-04 for a placement that began on
    2026-05-11 was met -7 days after its deadline started to run; the page says what that means, and says it only
    when a negative figure is shown."""
    client = client_for(personas.unit_manager)
    page = client.get(URL).content.decode()
    assert "Dagar räknas från den dag fristen började löpa" in page
    assert "Ett negativt antal dagar" not in page

    child = Child.objects.create(child_id="BE9", birth_date=dt.date(2012, 1, 1))
    case = Case.objects.create(case_id="KE9", child=child, category="barn", unit=personas.org.unit_a)
    for kind, on, extra in (("report_received", dt.date(2026, 3, 2), {}),
                            ("protection_assessed", dt.date(2026, 3, 2), {}),
                            ("preliminary_decided", dt.date(2026, 3, 9), {"outcome": "investigation"}),
                            ("investigation_opened", dt.date(2026, 3, 9), {}),
                            ("investigation_closed", dt.date(2026, 4, 27), {"outcome": "intervention"}),
                            ("care_plan_established", dt.date(2026, 5, 4), {}),
                            ("intervention_started", dt.date(2026, 5, 11), {"intervention": "residential"})):
        CaseEvent.objects.create(case=case, kind=kind, on=on, **extra)
    recompute_cases([case.pk])
    page = client.get(URL).content.decode()
    summary = page[page.index('id="egenkontroll-summary"'):page.index("</table>", page.index('id="egenkontroll-summary"'))]
    assert "−7,0" in summary or "-7,0" in summary
    assert "Ett negativt antal dagar betyder att det fristen gäller gjordes innan fristen började löpa" in page
