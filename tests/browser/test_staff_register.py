"""HR registers people in the real browser (issue 13): a new caseworker, a change of her FTE, her exit and her
exit interview, with a wrong value on the way that is refused on its field in Swedish."""

import datetime as dt

import pytest

from stabil.staff.models import ExitInterview, StaffChange, StaffMember
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _day(days_ago: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture
def hr(org):
    make_user("lena", "hr", first_name="Lena")
    return org


def test_hr_registers_a_caseworker_changes_her_fte_and_registers_her_exit(page, login, hr):
    login("lena")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Personal").click()
    page.get_by_role("link", name="Registrera ny medarbetare").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ny medarbetare"
    page.get_by_label("Personal-id:", exact=True).fill("N-500")
    page.get_by_label("Namn:", exact=True).fill("Nora Ny")
    page.get_by_label("Enhet:", exact=True).select_option("UA")
    page.get_by_label("Team:", exact=True).select_option("TA1")
    page.get_by_label("Sysselsättningsgrad:", exact=True).fill("1,5")  # wrong: at most 1
    page.get_by_label("Relevant erfarenhet vid start (år):", exact=True).fill("0")
    page.get_by_label("Startdatum:", exact=True).fill(_day(200))
    page.get_by_label("Månadskostnad (kr):", exact=True).fill("41 000")
    page.get_by_role("button", name="Registrera medarbetaren").click()
    page.wait_for_load_state("networkidle")
    assert "1,5 ska vara större än 0 och högst 1" in page.locator("#new-staff").inner_text()
    assert not StaffMember.objects.filter(staff_id="N-500").exists()
    # The other values are kept; only the wrong one is corrected.
    assert page.get_by_label("Namn:", exact=True).input_value() == "Nora Ny"
    page.get_by_label("Sysselsättningsgrad:", exact=True).fill("1")
    page.get_by_role("button", name="Registrera medarbetaren").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Medarbetare Nora Ny (N-500)"
    assert "Nora Ny (N-500) är registrerad." in page.get_by_role("status").inner_text()

    # Her FTE goes down to 80 % from a date: a dated change in her history.
    page.locator("#change summary").click()
    page.get_by_label("Gäller från:", exact=True).fill(_day(100))
    page.get_by_label("Sysselsättningsgrad:", exact=True).fill("0,8")
    page.get_by_role("button", name="Spara förändringen").click()
    page.wait_for_load_state("networkidle")
    history = page.get_by_role("table").filter(has_text="Gäller från").first.inner_text()
    assert _day(200) in history and _day(100) in history and "80\xa0%" in history  # FTE as people read it (issue 13)
    assert "80" in page.locator(".card").first.inner_text()

    # She leaves: the last day and the reason.
    page.locator("#leave summary").click()
    page.get_by_label("Slutdatum (sista anställningsdag):", exact=True).fill(_day(10))
    page.get_by_label("Avgångsorsak:", exact=True).select_option("workload")
    page.get_by_role("button", name="Spara avgången").click()
    page.wait_for_load_state("networkidle")
    assert f"slut {_day(10)}" in page.locator(".card").first.inner_text()

    # The exit interview: a day before the exit is refused on its field, a day after it is recorded.
    page.locator("#interview summary").click()
    page.get_by_label("Datum:", exact=True).fill(_day(12))
    page.get_by_label("Huvudsaklig orsak:", exact=True).select_option("workload")
    page.get_by_role("button", name="Spara").last.click()
    page.wait_for_load_state("networkidle")
    assert f"avgångsintervjun {_day(12)} ligger före slutdatum {_day(10)}" in page.locator("#interview").inner_text()
    assert not ExitInterview.objects.exists()
    page.get_by_label("Datum:", exact=True).fill(_day(5))
    page.get_by_role("button", name="Spara").last.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Avgångsintervju", exact=True).is_visible()

    member = StaffMember.objects.get(staff_id="N-500")
    assert (member.team.code, str(member.fte), member.ended_on.isoformat(), member.exit_reason) == (
        "TA1", "0.80", _day(10), "workload")
    assert list(StaffChange.objects.filter(staff=member).values_list("fte", flat=True)) == [1, member.fte]
    assert member.exit_interview.held_on.isoformat() == _day(5)
