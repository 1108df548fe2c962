"""Exit-interview reasons (issue 11, finding 5): only HR sees the reasons of a few people.

A unit manager saw the reasons and the comment of the one person who left the unit. Roles other
than HR now see exit reasons only for a unit with more leavers interviewed than the suppression
threshold, with small counts suppressed (``core.suppression.suppress_table``), and no person's
interview on the person page; HR sees them all.
"""

import datetime as dt
import io
import re

import openpyxl
import pytest

from stabil.staff.models import ExitInterview, StaffMember
from stabil.staff.services import staff_record_exit_interview
from tests.conftest import client_for

URL = "/personal/omsattning/?fran=2026-01-01&till=2026-06-30"
COMMENT = "Chefen lyssnade aldrig"


def _leaver(staff_id, unit, reason, *, comment=""):
    member = StaffMember.objects.create(staff_id=staff_id, unit=unit, role="caseworker", employment="permanent",
                                        fte=1, degree="socionom", experience_years=3, started_on=dt.date(2020, 1, 1),
                                        ended_on=dt.date(2026, 3, 1), exit_reason=reason, monthly_cost_sek=40000)
    staff_record_exit_interview(by=None, member=member, held_on=dt.date(2026, 3, 5), main_reason=reason,
                                other_reasons=["workload"], comment=comment)
    return member


@pytest.fixture
def single_leaver(org):
    return _leaver("L1", org.unit_a, "leadership", comment=COMMENT)


def _interview_row(page: str, unit_name: str) -> list[str]:
    section = page[page.index('id="t-exit_interviews"'):]
    row = re.search(rf"<th scope=\"row\">{unit_name}</th>(.*?)</tr>", section, re.S).group(1)
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


def test_unit_manager_sees_no_exit_reasons_of_a_single_leaver(personas, single_leaver):
    page = client_for(personas.unit_manager).get(URL).content.decode()
    assert COMMENT not in page
    assert 'id="t-exit_reasons"' not in page  # reasons per unit beside "Slutade": HR only
    cells = _interview_row(page, "Enhet A")
    assert cells and all(cell == ".." for cell in cells), cells
    person = client_for(personas.unit_manager).get("/personal/medarbetare/L1/").content.decode()
    assert "Avgångsintervju" not in person and COMMENT not in person and "Ledarskap" not in person
    export = client_for(personas.unit_manager).get(URL + "&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    values = [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
    assert COMMENT not in values and "exit_reasons" not in book.sheetnames
    interviews = [row for row in book["exit_interviews"].iter_rows(values_only=True) if row[0] == "Enhet A"]
    assert interviews and all(v == ".." for v in interviews[0][1:])


def test_hr_sees_the_single_leavers_reasons(personas, single_leaver):
    page = client_for(personas.hr).get(URL).content.decode()
    assert COMMENT in page and 'id="t-exit_reasons"' in page
    assert _interview_row(page, "Enhet A")[:4] == ["1", "1", "0", "1"]  # interviews, workload, pay, leadership
    person = client_for(personas.hr).get("/personal/medarbetare/L1/").content.decode()
    assert "Avgångsintervju" in person and COMMENT in person


def test_unit_manager_sees_reasons_of_many_leavers_with_small_counts_suppressed(personas, org):
    for i in range(5):
        _leaver(f"M{i}", org.unit_a, "pay", comment=f"Kommentar {i}")
    _leaver("M9", org.unit_a, "leadership")
    page = client_for(personas.unit_manager).get(URL).content.decode()
    cells = _interview_row(page, "Enhet A")
    # six mentioned workload, five pay, one leadership (suppressed); the interview count is not shown
    assert cells[:3] == ["6", "5", "&lt;5"], cells
    assert "Kommentar 3" in page  # comments of a group above the threshold, without date or reason
    assert "2026-03-05" not in page[page.index('id="t-exit_comments"'):]


def test_unit_manager_cannot_record_an_exit_interview(personas, org):
    member = _leaver("L2", org.unit_a, "pay")
    member.exit_interview.delete()
    response = client_for(personas.unit_manager).post("/personal/medarbetare/L2/", {
        "form": "exit", "held_on": "2026-03-01", "main_reason": "pay"})
    assert response.status_code == 403
    assert not ExitInterview.objects.filter(staff=member).exists()
