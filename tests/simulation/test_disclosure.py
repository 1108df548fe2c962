"""Disclosure control on the forecast page (issue 11, finding 5).

A board member asking for the forecast of a small series (investigations of unaccompanied children
in one unit: 1-3 a month) got the monthly counts on the page and in its Excel file. Without exact
figures every month 1..threshold is suppressed, and a forecast computed from a series with a
suppressed month is not shown at all (its median, bands and backtest would be functions of the
hidden months); a series without small months is shown in full.
"""

import datetime as dt
import io
import itertools
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from stabil.core.calendar import month_start
from tests.conftest import client_for

_ids = itertools.count(1)


def _events(unit, category, per_month):
    """Create investigation openings: per_month[i] cases in the i-th of the last len(per_month) months."""
    from stabil.cases.models import Case, CaseEvent, Child

    this_month = timezone.localdate().replace(day=1)
    for back, count in enumerate(reversed(per_month), start=1):
        month = month_start(this_month, -back)
        for _ in range(count):
            n = next(_ids)
            child = Child.objects.create(child_id=f"F{n:05d}", birth_date=dt.date(2010, 1, 1))
            case = Case.objects.create(case_id=f"P{n:05d}", child=child, category=category, unit=unit)
            CaseEvent.objects.create(case=case, kind="report_received", on=month)
            CaseEvent.objects.create(case=case, kind="investigation_opened", on=month + dt.timedelta(days=2))


SMALL = [1, 2, 3, 0, 2, 1, 3, 1, 2, 2, 1, 3] * 2  # 24 months of 0-3 investigations


@pytest.fixture
def small_series(org):
    _events(org.unit_a, "ensamkommande", SMALL)
    return f"/simulering/prognos/?unit={org.unit_a.pk}&category=ensamkommande&series=investigations&months=6"


def _numbers(html: str) -> list[str]:
    return re.findall(r'<td class="num">(.*?)</td>', html)


def test_board_member_sees_no_small_monthly_counts_nor_their_forecast(personas, small_series):
    page = client_for(personas.board).get(small_series).content.decode()
    assert page.count("&lt;5") >= 20  # the history, suppressed month by month
    cells = _numbers(page)
    assert not any(re.fullmatch(r"[1-4]([,.]\d)?", cell) for cell in cells), cells
    assert "Prognosen visas inte" in page
    assert "<svg" not in page  # the chart would draw the hidden months
    assert "Prognos per månad" not in page


def test_board_member_excel_has_only_suppressed_markers(personas, small_series):
    response = client_for(personas.board).get(small_series + "&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Prognos"].iter_rows(values_only=True))
    data = rows[[row[0] for row in rows].index("månad") + 1:]
    values = [v for row in data for v in row[1:] if v is not None]
    assert len(values) >= 20 and all(v in ("<5", 0) for v in values), values
    backtest = [v for row in book["Backtest"].iter_rows(values_only=True) for v in row if isinstance(v, float)]
    assert backtest == []


def test_unit_manager_sees_the_exact_small_series(personas, small_series):
    page = client_for(personas.unit_manager).get(small_series).content.decode()
    assert "&lt;5" not in page and "Prognos per månad" in page and "<svg" in page
    response = client_for(personas.unit_manager).get(small_series + "&format=xlsx")
    values = [row[1] for row in load_workbook(io.BytesIO(response.content))["Prognos"].iter_rows(values_only=True)]
    assert 3 in values and 1 in values


def test_board_member_sees_a_forecast_without_small_months(personas, org):
    _events(org.unit_a, "barn", [8, 9, 10, 0, 12, 7] * 4)
    url = f"/simulering/prognos/?unit={org.unit_a.pk}&category=barn&series=investigations&months=6"
    page = client_for(personas.board).get(url).content.decode()
    assert "&lt;5" not in page and "Prognos per månad" in page and "<svg" in page


def test_scenario_page_suppresses_the_few_open_cases_at_start_for_the_board(personas, scenario):
    url = f"/simulering/{scenario.pk}/"

    def open_cases(user):
        page = client_for(user).get(url).content.decode()
        table = page[page.index("Öppna ärenden vid start"):]
        row = re.search(r"<td>Utredning</td>(.*?)</tr>", table, re.S).group(1)
        return _numbers(row)

    assert open_cases(personas.board) == ["&lt;5", "&lt;5"]  # three allocated, one unallocated
    assert open_cases(personas.unit_manager) == ["3", "1"]


def test_scenario_note_does_not_count_a_few_leavers(monkeypatch, org):
    """The note stored with a scenario (shown to the board on its page) named "2 avgångar"."""
    from stabil.simulation import selectors

    monkeypatch.setattr(selectors, "turnover_observations",
                        lambda units, on, months=24: [(0.9, 10.0, 1), (1.1, 10.0, 1)])
    _model, note = selectors.turnover_calibration([org.unit_a], dt.date(2026, 1, 1))
    assert "(2)" not in note and "<5" in note
    monkeypatch.setattr(selectors, "turnover_observations",
                        lambda units, on, months=24: [(0.7 + i / 10, 10.0, 2) for i in range(6)])
    _model, note = selectors.turnover_calibration([org.unit_a], dt.date(2026, 1, 1))
    assert "enhetens 12 avgångar" in note  # above the threshold: the count is shown
