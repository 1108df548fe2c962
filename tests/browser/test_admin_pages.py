"""The system administrator in the real browser: creates a user with a role, units and a team in Stabil's
own pages (issue 13), the new user logs in and sees what the role allows, and axe finds no serious
accessibility problem on the administration pages."""

import pytest

from stabil.accounts.models import User
from tests.browser.test_accessibility import AXE
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Ett-ordentligt-losenord-2026"


@pytest.fixture
def admin_user(org):
    return make_user("eva", "sysadmin", first_name="Eva")


def _serious_problems(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    return [f"{page.url} {v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_sysadmin_creates_a_user_with_role_units_and_team(page, login, admin_user):
    login("eva")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Användare").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Användare"
    page.get_by_role("link", name="Ny användare").click()
    page.get_by_label("Användarnamn:", exact=True).fill("sara.lind")
    page.get_by_label("Förnamn:", exact=True).fill("Sara")
    page.get_by_label("Efternamn:", exact=True).fill("Lind")
    page.get_by_label("Roll:", exact=True).select_option(label="Socialsekreterare")
    page.get_by_label("UA – Enhet A").check()
    page.get_by_label("Team:", exact=True).select_option(label="TA1 – Team A1 (UA)")
    page.get_by_label("Första lösenord:", exact=True).fill(PASSWORD)
    page.get_by_label("Upprepa lösenordet:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Skapa användaren").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Användare sara.lind"
    assert page.get_by_role("status").inner_text().strip() == "Användaren sara.lind är skapad."
    history = page.get_by_role("table", name="Ändringar av användaren")
    assert "enheter tillagda: Enhet A (UA)" in history.inner_text()
    user = User.objects.get(username="sara.lind")
    assert (user.role, [u.code for u in user.units.all()], user.team.code) == ("caseworker", ["UA"], "TA1")

    # The new caseworker logs in and has the caseworker's pages, not the administrator's.
    page.get_by_role("button", name="Logga ut").click()
    login("sara.lind", PASSWORD)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert nav.get_by_role("link", name="Användare").count() == 0
    assert page.goto("/anvandare/").status == 403


def test_sysadmins_own_rights_are_not_editable_and_the_pages_are_accessible(page, login, admin_user):
    login("eva")
    page.goto("/anvandare/konto/eva/")
    assert page.get_by_label("Roll:", exact=True).is_disabled()
    assert page.get_by_label("Aktivt konto:", exact=True).is_disabled()
    problems = _serious_problems(page)
    for path in ("/anvandare/", "/anvandare/ny/", "/organisation/", "/organisation/enhet/UA/",
                 "/anvandare/konto/eva/losenord/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        problems += _serious_problems(page)
    assert problems == []
