"""Disclosure control in the board paper (issue 11, finding 5): staff figures of small groups.

The public board paper (web, PDF, Excel) shows no sick-leave figure for a group of at most ten
employees (the municipal accounting rule) and no count of leavers 1..threshold, nor anything that
gives one back (the turnover rate beside the headcount, the organisation's turnover on the scorecard).
"""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from stabil.governance import board_report
from stabil.staff.models import Absence, StaffMember
from stabil.web.templatetags.stabil import percent
from tests.conftest import client_for

PERIOD = "2026-01..2026-06"


def _member(staff_id, unit, *, ended_on=None, exit_reason=""):
    return StaffMember.objects.create(staff_id=staff_id, unit=unit, role="caseworker", employment="permanent",
                                      fte=1, degree="socionom", experience_years=4, started_on=dt.date(2024, 1, 1),
                                      ended_on=ended_on, exit_reason=exit_reason, monthly_cost_sek=40000)


@pytest.fixture
def small_unit(org):
    """Unit A: seven employees, one of whom left in March; unit B: fourteen. Both have sick leave."""
    small = [_member(f"A{i}", org.unit_a) for i in range(6)]
    small.append(_member("A6", org.unit_a, ended_on=dt.date(2026, 3, 15), exit_reason="pay"))
    large = [_member(f"B{i}", org.unit_b) for i in range(14)]
    for person in (small[0], small[1], large[0], large[1], large[2]):
        Absence.objects.create(staff=person, kind="sick", first_day=dt.date(2026, 2, 2), last_day=dt.date(2026, 2, 13))
    report = board_report.build(period=board_report.parse_period(PERIOD), exact=True, today=dt.date(2026, 7, 1))
    shares = {row["unit"]: row["sick_hours"]["share"] for row in report.staff}
    assert shares["UA"] and shares["UB"] and shares["UA"] != shares["UB"]
    return {"UA": percent(shares["UA"], 1), "UB": percent(shares["UB"], 1)}


def _row(text: str, unit: str) -> str:
    match = re.search(rf"{unit} Enhet [AB}}](.*?)</tr>", text, re.S)
    assert match, f"no row for {unit}"
    return match.group(1)


def test_public_board_page_shows_no_sick_leave_of_seven_and_no_single_leaver(personas, small_unit, governance_data):
    from stabil.governance import services

    services.kpi_add(by=personas.unit_manager, goal=governance_data["goal"], name="Omsättning i hela verksamheten",
                     computed="staff_turnover_rate", targets={2026: 10})
    url = reverse("governance:board_report") + f"?period={PERIOD}"
    page = client_for(personas.board).get(url).content.decode()
    ua, ub = _row(page, "UA"), _row(page, "UB")
    assert small_unit["UA"] not in page  # the unit of seven has no sick-leave figure
    assert small_unit["UB"] in ub  # fourteen employees: published
    cells = re.findall(r'<td class="num">(.*?)</td>', ua)
    assert cells[1] == "&lt;5"  # one leaver
    assert cells[2] == ".." and cells[3] == ".."  # turnover rate (gives the leaver back) and sick leave
    assert re.findall(r'<td class="num">(.*?)</td>', ub)[1] == "0"
    # The organisation's turnover on the scorecard would give the hidden leaver by difference: hidden.
    turnover_kpi = re.search(r"<td>Omsättning i hela verksamheten</td>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', turnover_kpi)[0] == ".."
    # HR (central) may see exact figures: the same page with them.
    exact = client_for(personas.hr).get(url).content.decode()
    assert small_unit["UA"] in exact and re.findall(r'<td class="num">(.*?)</td>', _row(exact, "UA"))[1] == "1"
    exact_kpi = re.search(r"<td>Omsättning i hela verksamheten</td>(.*?)</tr>", exact, re.S).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', exact_kpi)[0] != ".."


def test_public_board_paper_pdf_and_excel_hide_them_too(personas, small_unit):
    report = board_report.build(period=board_report.parse_period(PERIOD), exact=False, today=dt.date(2026, 7, 1))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(board_report.to_pdf(report))).pages)
    assert small_unit["UB"].replace("\xa0", " ") in text.replace("\xa0", " ")
    assert small_unit["UA"].replace("\xa0", " ") not in text.replace("\xa0", " ")
    book = openpyxl.load_workbook(io.BytesIO(board_report.to_xlsx(report)))
    rows = {row[0]: row for row in book["Personal"].iter_rows(values_only=True) if row[0] in ("UA", "UB")}
    headers = next(r for r in book["Personal"].iter_rows(values_only=True) if r[0] == "Enhet")
    ended, rate, sick = (headers.index(h) for h in ("Slutat", "Personalomsättning (%)", "Sjukfrånvaro (%)"))
    assert rows["UA"][ended] == "<5" and rows["UA"][rate] == ".." and rows["UA"][sick] == ".."
    assert rows["UB"][ended] == 0 and isinstance(rows["UB"][sick], float)


def test_leavers_of_a_unit_under_the_threshold_are_suppressed_and_above_shown(org, personas):
    for i in range(20):
        _member(f"C{i}", org.unit_b, ended_on=dt.date(2026, 2, 1) if i < 6 else None, exit_reason="pay")
    for i in range(8):
        _member(f"D{i}", org.unit_a, ended_on=dt.date(2026, 2, 1) if i < 4 else None)
    report = board_report.build(period=board_report.parse_period(PERIOD), exact=False, today=dt.date(2026, 7, 1))
    public = {row["unit"]: row["public"] for row in report.staff}
    assert public["UA"]["ended"] == "<5" and public["UA"]["rate_hidden"]
    assert public["UB"]["ended"] == 6 and not public["UB"]["rate_hidden"]


def test_scorecard_and_kpi_page_hide_the_turnover_of_a_single_leaver(personas, small_unit, governance_data):
    from stabil.governance import services

    services.kpi_add(by=personas.unit_manager, goal=governance_data["goal"], name="Omsättning i hela verksamheten",
                     computed="staff_turnover_rate", targets={2026: 10})
    card = reverse("governance:scorecard", args=[governance_data["card"].pk])

    def turnover_cells(user):
        page = client_for(user).get(card).content.decode()
        row = re.search(r"Omsättning i hela verksamheten <span.*?</td>(.*?)</tr>", page, re.S).group(1)
        return re.findall(r'<td class="num">(.*?)</td>', row)

    board, hr = turnover_cells(personas.board), turnover_cells(personas.hr)
    assert board.count("..") == 1  # 2026, the year of the one leaver (2025 had none: 0 % is published)
    assert "%" in hr[board.index("..")]  # exact figures: HR sees the rate
    kpis = reverse("governance:kpis") + "?first_day=2026-01-01&last_day=2026-06-30"
    page = client_for(personas.board).get(kpis).content.decode()
    row = re.search(r'<th scope="row">Personalomsättning</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', row)[1] == ".."  # the one leaver


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "single_unit", "hidden"),
    [
        ("staff_turnover_rate", 1, 7.0, False, True),  # one leaver
        ("staff_turnover_rate", 0, 7.0, False, False),  # none: says nothing about anyone
        ("staff_turnover_rate", 6, 80.0, False, False),
        ("caseworkers_socionom_3_years", 2, 30, False, True),  # two of thirty
        ("caseworkers_socionom_3_years", 28, 30, False, True),  # all but two
        ("caseworkers_socionom_3_years", 15, 30, False, False),
        ("caseworkers_above_full_load", 3, 40, False, True),
        ("units_sick_leave_below_5_percent", 1, 1, True, True),  # one unit: its own sick leave
        ("units_sick_leave_below_5_percent", 4, 7, False, False),
        ("preliminary_assessment_within_14_days", 3, 40, False, True),  # as before
        ("consultant_cost_sek", 1, 1, True, False),
    ],
)
def test_kpi_hidden_in_public(code, numerator, denominator, single_unit, hidden):
    from stabil.core.kpi import KpiValue
    from stabil.governance.selectors import kpi_hidden_in_public

    value = KpiValue(code, 1.0, numerator, denominator)
    assert kpi_hidden_in_public(value, 4, single_unit=single_unit) is hidden
