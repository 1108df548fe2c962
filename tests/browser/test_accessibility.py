"""Accessibility: axe-core (WCAG 2 A and AA rules) finds no serious or critical problem on the main pages.

axe-core is vendored in tests/browser/vendor (MPL-2.0), injected through a context that bypasses the
app's CSP (the app itself allows no inline scripts). The data is a small demo municipality.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from django.utils import timezone

from stabil.accounts.models import User
from stabil.cases.selectors import unassigned_by_urgency
from stabil.staff.models import StaffMember

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
PASSWORD = "Demo-stabil-2026"

PAGES = {
    None: ["/logga-in/", "/api/v1/dokumentation/"],  # issue 14: the API's Swedish docs page is public
    "enhetschef": ["/", "/arenden/", "/arenden/egenkontroll/", "/arbetsbelastning/", "/arbetsbelastning/fordela/",
                   "/styrning/", "/personal/", "/simulering/", "/import/", "/floden/"],
    # issue 13: my cases, a search without a hit, the new-report form
    "handlaggare": ["/arenden/mina/", "/arenden/sok/?q=ZZ", "/arenden/ny/"],
    "hr": ["/personal/sjukfranvaro/", "/personal/omsattning/", "/personal/kompetens/", "/personal/ny/"],
    # issue 13: the department head's units side by side; the team lead's unassigned cases by urgency
    "avdelningschef": ["/arbetsbelastning/enheter/"],
    "arbetsledare": ["/arbetsbelastning/fordela/"],
    # issue 14: the integration clients (sysadmin), the nightly feeds and the Kolada import (unit manager)
    "admin": ["/granskning/", "/arenden/fristregler/", "/integrationer/", "/integrationer/ny/"],
    "namnd": ["/styrning/", "/konto/tvasteg/"],  # issue 15: the second-factor page
    # issue 15: record-keeping
    "dataskydd": ["/registervard/loggutdrag/", "/registervard/logguppfoljning/", "/registervard/logguppfoljning/skyddade/"],
    "arkiv": ["/registervard/gallring/", "/registervard/gallring/foresla/"],
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_demo(monkeypatch, settings):
    import datetime as dt

    from stabil.cases import demo as cases_demo
    from stabil.demo.generator import DemoContext
    from stabil.simulation import demo as simulation_demo

    monkeypatch.setattr(cases_demo, "DEMO_CASES", 900)
    monkeypatch.setattr(simulation_demo, "DEMO_RUNS", 5)
    from stabil.demo import generator

    ctx = DemoContext(seed=7, today=dt.date.today(), rng=random.Random(7), stream=io.StringIO())
    from importlib import import_module

    for step in generator.STEPS:
        import_module(step).build(ctx)
    return ctx


def _violations(browser, live_server, username, paths):
    context = browser.new_context(bypass_csp=True, locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if username:
        page.goto(f"{live_server.url}/logga-in/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state("networkidle")
    found = []
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(path), f"{username} was sent from {path} to {page.url}"
        page.evaluate(AXE)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"{path} [{username}] {violation['id']}: {violation['help']} {targets}")
    context.close()
    return found


def _pages_of_demo_objects() -> dict[str, list[str]]:
    """Pages whose address names a demo object (issue 13): a person's page with HR's forms (new situation,
    exit, exit interview) and the suggestions for the team lead's most urgent unassigned case."""
    person = StaffMember.objects.get(user__username="handlaggare")
    lead = User.objects.get(username="arbetsledare")
    queue = unassigned_by_urgency(lead, timezone.localdate())
    assert queue, "the demo has unassigned cases for the team lead"
    return {"hr": [f"/personal/medarbetare/{person.staff_id}/"],
            "arbetsledare": [f"/arbetsbelastning/fordela/{queue[0].case.case_id}/"]}


def test_main_pages_have_no_serious_accessibility_problems(small_demo, _playwright_browser, live_server):
    problems = []
    for username, paths in PAGES.items():
        problems += _violations(_playwright_browser, live_server, username, paths)
    for username, paths in _pages_of_demo_objects().items():
        problems += _violations(_playwright_browser, live_server, username, paths)
    assert problems == []


def test_the_check_reports_a_known_problem(_playwright_browser):
    # The harness must be able to fail: an unlabelled field and low-contrast text are serious violations.
    context = _playwright_browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content('<html lang="sv"><head><title>t</title></head><body><main><input type="text">'
                     '<p style="color:#eee;background:#fff">svag kontrast</p></main></body></html>')
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    context.close()
    ids = {v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")}
    assert {"label", "color-contrast"} <= ids
