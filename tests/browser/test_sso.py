"""Log in through the municipality's OpenID Connect provider in Chromium (issue 15).

The provider is the certified `oidc-provider` package started locally (tests/oidc/): its own log-in and
consent pages, tokens, keys and end-session endpoint. Nothing of it is imitated.
"""

import pytest

from stabil.accounts.models import User
from tests.conftest import make_user
from tests.oidc.harness import CLIENT_ID, use_provider

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in_at_the_provider(page, subject: str) -> None:
    page.goto("/logga-in/")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.locator("input[name=login]").fill(subject)
    page.locator("input[name=password]").fill("any-password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")


def test_log_in_through_the_municipality_opens_stabil_as_the_matched_user(page, live_server, settings,
                                                                           oidc_provider_live, org):
    use_provider(settings, oidc_provider_live)
    make_user("maria", "unit_manager", [org.unit_a], first_name="Maria", sso_subject="maria-sub")
    page.goto("/")
    assert "/logga-in/" in page.url
    _log_in_at_the_provider(page, "maria-sub")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Välkommen, Maria"
    assert page.locator(".usermenu .role").inner_text() == "Enhetschef"


def test_an_unknown_person_is_refused_in_swedish_and_no_user_is_created(page, live_server, settings,
                                                                         oidc_provider_live, org):
    use_provider(settings, oidc_provider_live)
    make_user("maria", "unit_manager", [org.unit_a], sso_subject="maria-sub")
    before = User.objects.count()
    _log_in_at_the_provider(page, "okand-person")
    assert page.url == f"{live_server.url}/logga-in/"
    assert "inte kopplat till någon användare i Stabil" in page.get_by_role("status").inner_text()
    assert User.objects.count() == before
    page.goto("/")
    assert "/logga-in/" in page.url  # not logged in


def test_log_out_ends_the_session_at_the_provider_too(page, live_server, settings, oidc_provider_live, org):
    use_provider(settings, oidc_provider_live)
    make_user("maria", "unit_manager", [org.unit_a], first_name="Maria", sso_subject="maria-sub")
    _log_in_at_the_provider(page, "maria-sub")
    seen = len(oidc_provider_live.end_sessions)
    page.get_by_role("button", name="Logga ut").click()
    # The provider's end-session page (RP-initiated log-out) asks for confirmation, then sends the browser back.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/logga-in/")
    assert oidc_provider_live.end_sessions[seen:] == [{
        "client_id": CLIENT_ID, "has_id_token_hint": True,
        "post_logout_redirect_uri": f"{live_server.url}/logga-in/",
    }]
    page.goto("/")
    assert "/logga-in/" in page.url
    # The provider's session is over: logging in again asks for the log-in, not only for consent.
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    assert page.locator("input[name=login]").is_visible()
