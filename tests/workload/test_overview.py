"""The department head's overview (issue 13): his units side by side, with the figures of each unit's board,
drill-down to each board, and as his landing page.

On top of ``unit_data`` (conftest: unit UA with S1-S4 and cases C1-C4; UB in another department with S9), unit
UC joins the department of UA with one caseworker and two cases. On 2025-11-24 (defaults: 165 h, 35 %
non-case time):

| unit | caseworkers | capacity h/month | demand h/month | load |
|---|---|---|---|---|
| UA | S1-S4 (S3 a consultant) | 80.4375 + 85.8 + 107.25 + 99.25 = 372.7375 (conftest) | 13 + 3 + 6 + 0 = 22 | 22 / 372.7375 = 5.9 % |
| UC | S10: socionom, 6 years, full time | 165 x 0.65 = 107.25 | C10 investigation, main: 8 | 8 / 107.25 = 7.5 % |
| both | | 479.9875 | 30 | 30 / 479.9875 = 6.25 % |

UC's cases: C10 (reported 2025-11-01, protection assessed that day, investigation opened 2025-11-05: the
investigation is due 2026-03-05, but the first contact with the family, due 7 working days after the opening
-- 6, 7, 10, 11, 12, 13, 14 November -- on 2025-11-14, is overdue) and C11 (reported 2025-11-21, nothing done, no
handler: its protection assessment, due 2025-11-21, is overdue). So UC has 2 open cases, 1 investigation, 1
without a handler and 2 overdue deadlines. UA (conftest): 4 open cases (C1-C4), 1 investigation (C2), 1 without a handler
(C4).
"""

import datetime as dt
import html
import re

import pytest
import time_machine

from stabil.audit.models import AccessRecord

from ..conftest import client_for

URL = "/arbetsbelastning/enheter/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def department(unit_data, personas):
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases
    from stabil.organisation.models import Unit
    from stabil.staff.models import StaffMember

    d = dt.date
    unit_c = Unit.objects.create(department=personas.org.department, code="UC", name="Enhet C")
    s10 = StaffMember.objects.create(staff_id="S10", name="Namn S10", unit=unit_c, role="caseworker",
                                     employment="permanent", fte=1, degree="socionom", experience_years=6,
                                     started_on=d(2020, 1, 1))
    cases = []
    for case_id, events in [
        ("C10", [("report_received", d(2025, 11, 1), {}), ("protection_assessed", d(2025, 11, 1), {}),
                 ("investigation_opened", d(2025, 11, 5), {}), ("handler_assigned", d(2025, 11, 5), {"staff": s10})]),
        ("C11", [("report_received", d(2025, 11, 21), {})]),
    ]:
        child = Child.objects.create(child_id=f"B-{case_id}", birth_date=d(2013, 3, 3))
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit_c,
                                   main_handler=s10 if case_id == "C10" else None)
        for kind, on, extra in events:
            CaseEvent.objects.create(case=case, kind=kind, on=on, **extra)
        cases.append(case)
    recompute_cases([c.pk for c in cases])
    return unit_data


def _row(page: str, code: str) -> list[str]:
    row = re.search(rf'<tr data-unit="{code}">(.*?)</tr>', page, re.DOTALL).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]


def test_the_department_head_compares_his_units(department, personas):
    page = html.unescape(client_for(personas.department_head).get(URL).content.decode())
    assert re.findall(r'<tr data-unit="([^"]*)">', page) == ["UA", "UC", ""]  # UB is another department's
    # unit, caseworkers, consultants, capacity, demand, load, share red, FTE needed, open, investigations,
    # without a handler, overdue deadlines
    ua, uc, total = _row(page, "UA"), _row(page, "UC"), _row(page, "")
    assert ua[:7] == ["Enhet A (UA)", "4", "1", "372,7", "22,0", "6\u00a0% grön", "0\u00a0%"]
    assert ua[8:11] == ["4", "1", "1"]
    assert uc == ["Enhet C (UC)", "1", "0", "107,3", "8,0", "7\u00a0% grön", "0\u00a0%", "0,0", "2", "1", "1", "2"]
    assert total[:6] == ["Alla enheterna", "5", "1", "480,0", "30,0", "6\u00a0% grön"]
    assert total[8:11] == ["6", "2", "2"]
    assert "Enheterna den 2025-11-24" in page and "frånvaron 2025-11-01–2025-11-30" in page


def test_overdue_deadlines_match_the_deadline_list(department, personas):
    # One truth: the overview's overdue count is the number of overdue rows the deadline list shows the unit.
    page = html.unescape(client_for(personas.department_head).get(URL).content.decode())
    listed = client_for(personas.department_head).get("/arenden/?unit=UA").content.decode()
    overdue = int(_row(page, "UA")[11])
    assert overdue == listed.count("status-overdue") > 0


def test_each_unit_drills_down_to_its_board(department, personas):
    client = client_for(personas.department_head)
    page = client.get(URL).content.decode()
    link = "/arbetsbelastning/?enhet=UC&amp;datum=2025-11-24"
    assert f'href="{link}"' in page
    board = client.get(html.unescape(link)).content.decode()
    assert "Arbetsbelastning – Enhet C" in board and 'data-staff="S10"' in board
    assert 'href="/arbetsbelastning/enheter/?datum=2025-11-24"' in board  # and back to all units


def test_a_past_day_shows_that_days_figures(department, personas):
    page = html.unescape(client_for(personas.department_head).get(URL + "?datum=2025-10-01").content.decode())
    # On 2025-10-01 only C2 and C3 were open in UA (C1 and C4 came in November); UC had no cases yet.
    assert _row(page, "UA")[8] == "2" and _row(page, "UC")[8] == "0"
    assert "Enheterna den 2025-10-01" in page


def test_the_department_head_lands_on_the_overview(department, personas):
    response = client_for(personas.department_head).get("/")
    assert response.status_code == 302 and response["Location"] == URL
    assert client_for(personas.unit_manager).get("/").status_code == 200  # the start page, as before


def test_overview_permissions(department, view_permissions):
    # workload.view: team leads, unit managers and department heads (the outsider manager for unit B).
    view_permissions(URL, allowed={"team_lead", "unit_manager", "department_head", "outsider_manager"})


def test_no_one_sees_units_or_people_outside_their_scope(department, personas):
    staff_ids = ["S1", "S2", "S3", "S4", "S9", "S10"]
    for persona, units, hidden in [("department_head", {"UA", "UC"}, {"UB"}),
                                   ("unit_manager", {"UA"}, {"UB", "UC"}),
                                   ("outsider_manager", {"UB"}, {"UA", "UC"})]:
        page = client_for(personas[persona]).get(URL).content.decode()
        assert set(re.findall(r'<tr data-unit="([^"]+)">', page)) == units, persona
        assert not any(f"({code})" in page for code in hidden), persona
        # Aggregates only: no person's id on the page.
        assert not any(re.search(rf"\b{sid}\b", page) for sid in staff_ids), persona


def test_the_overview_is_access_logged(department, personas):
    client_for(personas.department_head).get(URL)
    record = AccessRecord.objects.get(what="Enheternas belastning 2025-11-24")
    assert (record.username, record.object_ids, record.channel) == ("department_head", ["UA", "UC"], "web")
