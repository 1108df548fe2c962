"""Layout in the real browser at 1366 px, a common office screen (issue 13): the main menu fits one line,
badges do not wrap, and the badge of a computed KPI says what it means."""

import pytest

from stabil.accounts.models import User
from tests.governance.conftest import governance_data  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1366


def _tops(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(selector, "els => els.map(e => Math.round(e.getBoundingClientRect().top))")


@pytest.mark.parametrize("username", ["unit_manager", "department_head", "sysadmin"])
def test_the_main_menu_fits_one_line(page, login, governance_data, username):  # noqa: F811
    # A real name is longer than the test personas': the user menu beside the main menu must not squeeze it.
    User.objects.filter(username=username).update(first_name="Margareta Elisabeth", last_name="Johansson-Lindqvist")
    page.set_viewport_size({"width": WIDTH, "height": 800})
    login(username)
    tops = _tops(page, ".mainnav li")
    assert len(tops) >= 3 and len(set(tops)) == 1, tops


def test_scorecard_badges_do_not_wrap_and_say_what_they_mean(page, login, governance_data):  # noqa: F811
    page.set_viewport_size({"width": WIDTH, "height": 800})
    login("board")
    page.goto(f"/styrning/styrkort/{governance_data['card'].pk}/")
    badge = page.locator("table.scorecard .badge").first
    assert badge.inner_text() == "räknas av Stabil"
    assert "matas inte in" in badge.get_attribute("title")
    lines = page.eval_on_selector_all("table.scorecard .badge, table.scorecard .status",
                                      "els => els.map(e => e.getClientRects().length)")
    assert lines and set(lines) == {1}, lines
