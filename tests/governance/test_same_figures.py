"""The scorecard and the board paper show the same figure for the same period (issues 12 and 13).

They used two period rules: the scorecard page counted the running year up to today (2026-01-01–2026-12-06),
the board paper whole months (2026, januari–november). A deadline due on 4 December then counted on the page
and not in the paper, so one KPI had two figures. Now both count each plan year from 1 January to the end
of the reporting period (``common.periods.reporting_period``, or the month chosen on the page), and each
page names that period.

The data: the demo's governance step (Helsingborg's scorecard with every computed KPI) over a unit with
cases and staff, seen on 2026-12-06.
"""

import datetime as dt
import html
import io
import random
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from stabil.governance.models import Kpi, Scorecard
from stabil.staff.models import StaffMember
from tests.conftest import client_for

TODAY = dt.date(2026, 12, 6)
LABEL = "2026, januari–november"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, 0), tick=False):
        yield


@pytest.fixture
def demo_governance(personas, org, add_case):
    """Cases and staff in unit A (the demo's BU-UTR), then the demo's scorecard, plan, risks and checks."""
    from stabil.demo.generator import DemoContext
    from stabil.governance import demo

    # Preliminary assessments: five in time in 2026, one late in October (due 10-15, decided 10-30); one report on 2026-11-20 is due on
    # 2026-12-04 and decided 2026-12-05, late: inside 2026-01-01–2026-12-06, outside January–November.
    for month in (2, 4, 6, 8, 10):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, month, 2)),
                                      ("preliminary_decided", dt.date(2026, month, 9), "", "no_investigation")])
    add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 10, 1)),
                                  ("preliminary_decided", dt.date(2026, 10, 30), "", "no_investigation")])
    add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 11, 20)),
                                  ("preliminary_decided", dt.date(2026, 12, 5), "", "no_investigation")])
    for i in range(12):
        StaffMember.objects.create(staff_id=f"P{i:02d}", unit=org.unit_a, role="caseworker", employment="permanent",
                                   fte=1, degree="socionom", experience_years=1 + i, started_on=dt.date(2024, 1, 1),
                                   monthly_cost_sek=42000,
                                   ended_on=dt.date(2026, 5, 31) if i == 0 else None, exit_reason="pay" if i == 0 else "")
    StaffMember.objects.create(staff_id="K01", unit=org.unit_a, role="caseworker", employment="consultant", fte=1,
                               degree="socionom", experience_years=6, started_on=dt.date(2026, 3, 1),
                               monthly_cost_sek=165000)
    ctx = DemoContext(seed=1, today=TODAY, rng=random.Random(1), stream=io.StringIO(),
                      units={"BU-UTR": org.unit_a}, users={"avdelningschef": personas.department_head})
    demo.build(ctx)
    return Scorecard.objects.get()


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def _table(page: str, table_start: str) -> tuple[list[str], list[list[str]]]:
    """The header cells and body rows (lists of cell texts) of the first table from ``table_start`` on."""
    table = page[page.index(table_start):]
    table = table[:table.index("</table>")]
    head = table[table.index("<thead>"):table.index("</thead>")]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    cells = r"<t[dh][^>]*>(.*?)</t[dh]>"
    return ([_text(c) for c in re.findall(cells, head, re.DOTALL)],
            [[_text(c) for c in re.findall(cells, row, re.DOTALL)] for row in re.findall(r"<tr>(.*?)</tr>", body,
                                                                                          re.DOTALL)])


def _values(headers: list[str], rows: list[list[str]], column: str, names) -> dict[str, str]:
    """KPI name -> the cell under ``column``, for the rows whose KPI cell starts with one of ``names``."""
    index = headers.index(column)
    found = {}
    for row in rows:
        for name in names:
            if any(cell == name or cell.startswith(name + " ") for cell in row[:index]):
                found[name] = row[index]
    return found


def _scorecard_values(page: str, year: int, names) -> dict[str, str]:
    """KPI name -> the outcome shown for ``year`` on the scorecard page."""
    headers, rows = _table(page, '<table class="data scorecard">')
    return _values(headers, rows, f"Utfall {year}", names)


def _board_values(page: str, names, label: str = LABEL) -> dict[str, str]:
    """KPI name -> the outcome in the board paper's scorecard section (its column names the period)."""
    headers, rows = _table(page[page.index("4. Styrkort"):], "<table")
    return _values(headers, rows, f"Utfall {label}", names)


def _deadline_values(page: str) -> dict[str, str]:
    _headers, rows = _table(page[page.index("2. Frister"):], "<table")
    return {row[0]: row[1] for row in rows}


@pytest.mark.parametrize("persona", ["hr", "board"])  # exact figures, and the board's public ones
def test_scorecard_and_board_paper_show_the_same_figures_for_the_same_period(demo_governance, personas, persona):
    from stabil.governance.board_report import KPI_LABELS
    from stabil.governance.selectors import DEADLINE_KPIS

    client = client_for(getattr(personas, persona))
    card_page = client.get(reverse("governance:scorecard", args=[demo_governance.pk])).content.decode()
    paper_page = client.get(reverse("governance:board_report") + "?period=2026-01..2026-11").content.decode()
    assert LABEL in card_page and LABEL in paper_page  # each names the period
    computed = {k.name: k.computed for k in Kpi.objects.exclude(computed="")}
    on_card = _scorecard_values(card_page, 2026, computed)
    in_paper = _board_values(paper_page, computed)
    assert set(on_card) == set(computed) and on_card == in_paper
    assert on_card != {name: "–" for name in computed}  # there are figures to compare
    # The paper's deadline section shows the deadline KPIs once more: the same figures.
    deadlines = _deadline_values(paper_page)
    for name, code in computed.items():
        if code in DEADLINE_KPIS:
            assert deadlines[str(KPI_LABELS[code])] == on_card[name], name


def test_the_figure_is_the_periods_not_up_to_today(demo_governance, personas):
    """Five of six due in January–November were in time; up to today the late one due 4 December counts too."""
    client = client_for(personas.hr)
    card_page = client.get(reverse("governance:scorecard", args=[demo_governance.pk])).content.decode()
    name = Kpi.objects.get(computed="preliminary_assessment_within_14_days").name
    assert _scorecard_values(card_page, 2026, [name])[name] == "83,3 %"  # 5 / 6, not 5 / 7 = 71,4 % up to 2026-12-06


def test_a_chosen_month_matches_the_board_paper_for_that_period(demo_governance, personas):
    client = client_for(personas.hr)
    card_page = client.get(reverse("governance:scorecard", args=[demo_governance.pk]), {"till": "2026-08"})
    card_page = card_page.content.decode()
    assert "2026, januari–augusti" in card_page
    computed = [k.name for k in Kpi.objects.exclude(computed="")]
    on_card = _scorecard_values(card_page, 2026, computed)
    assert set(on_card) == set(computed)
    for period in ("2026-01..2026-08", "2026-03..2026-08"):  # the scorecard section counts from 1 January
        paper = client.get(reverse("governance:board_report") + f"?period={period}").content.decode()
        assert _board_values(paper, computed, "2026, januari–augusti") == on_card


def test_the_board_papers_workbook_has_the_same_figures_and_names_the_period(demo_governance, personas):
    from stabil.governance import board_report, selectors

    report = board_report.build(period=board_report.parse_period("2026-01..2026-11"), exact=True, today=TODAY)
    sheets = {sheet.name: sheet for sheet in board_report.workbook_sheets(report)}
    scorecard = sheets["Styrkort"]
    assert scorecard.headers[4] == f"Utfall {LABEL}" and LABEL in scorecard.title
    assert LABEL in sheets["Frister"].title and LABEL in sheets["Personal"].title
    rows = selectors.scorecard_rows(demo_governance, today=TODAY, exact=True)
    page_values = {row.kpi.name: row.values[2026] for _p, goals in rows for _g, kpis in goals for row in kpis}
    for row in scorecard.rows:
        expected = page_values[row[3]]
        assert row[4] == (None if expected is None else pytest.approx(round(expected, 1), abs=0.05))
    book = openpyxl.load_workbook(io.BytesIO(board_report.to_xlsx(report)))
    assert LABEL in book["Styrkort"]["A1"].value
