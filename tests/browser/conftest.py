"""Browser tests: Playwright driving Debian's /usr/bin/chromium (never a downloaded browser).

They run against pytest-django's live server. Playwright's sync API runs an event loop in the test
thread, so Django's async-safety check is switched off for these tests only.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("STABIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _playwright_browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run ./run.sh test, which installs Debian's chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser, live_server):
    context = _playwright_browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """A callable logging ``username`` in through the real log-in form."""

    def do_login(username: str, password: str = "test-password-123") -> None:
        page.goto("/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state("networkidle")

    return do_login


@pytest.fixture(scope="session")
def oidc_provider_live(live_server):
    """A real OpenID Connect provider (tests/oidc/) whose client is Stabil's live server."""
    from tests.oidc.harness import start_provider

    provider = start_provider([live_server.url])
    yield provider
    provider.stop()
