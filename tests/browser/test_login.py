"""Log in through the real browser and reach the start page."""

import pytest

from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_reaches_start_page(page, login, org):
    make_user("maria", "unit_manager", [org.unit_a], first_name="Maria")
    page.goto("/")
    assert "/logga-in/" in page.url
    assert page.locator("html").get_attribute("lang") == "sv"
    login("maria")
    assert page.get_by_role("heading", level=1).inner_text() == "Välkommen, Maria"
    assert page.get_by_role("navigation", name="Huvudmeny").is_visible()


def test_wrong_password_shows_swedish_error(page, login, org):
    make_user("johan", "caseworker", [org.unit_a])
    login("johan", "fel-losenord")
    assert "/logga-in/" in page.url
    assert page.get_by_role("alert").is_visible()


def test_keyboard_first_tab_reaches_the_skip_link(page, login, org):
    make_user("karin", "unit_manager", [org.unit_a], first_name="Karin")
    login("karin")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
