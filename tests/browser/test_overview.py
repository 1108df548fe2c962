"""The department head compares his units' load side by side in the real browser and drills into one
(issue 13). The data is tests/workload/test_overview.py's: units UA and UC of one department."""

import pytest

from tests.workload.conftest import unit_data  # noqa: F401  (fixture)
from tests.workload.test_overview import department  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_department_head_compares_his_units_and_drills_into_one(page, login, department):  # noqa: F811
    login("department_head")  # lands on the overview
    assert page.get_by_role("heading", level=1).inner_text() == "Enheterna sida vid sida"
    table = page.get_by_role("table", name="Enheterna den")
    rows = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.unit)")
    assert rows == ["UA", "UC"]  # his department's units, not UB
    loads = {code: table.locator(f'tr[data-unit="{code}"] .badge').inner_text() for code in rows}
    assert all(text.endswith("grön") for text in loads.values()), loads
    assert page.get_by_role("img", name="Stapeldiagram över enheternas belastning; samma siffror finns i tabellen")\
        .is_visible()
    table.get_by_role("link", name="Enhet C (UC)").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Arbetsbelastning – Enhet C"
    assert page.locator('#workload-board tr[data-staff="S10"]').count() == 1
    page.get_by_role("link", name="Alla enheter sida vid sida").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Enheterna sida vid sida"
