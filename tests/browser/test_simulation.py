"""A unit manager runs a scenario in the browser: progress bar while the job runs, then fan charts."""

from datetime import date

import pytest

from tests.conftest import make_user
from tests.simulation.conftest import SMALL_BASE

pytestmark = pytest.mark.django_db(transaction=True)


def test_run_scenario_shows_progress_then_fan_charts(page, login, org, settings):
    from stabil.jobs.models import Job
    from stabil.jobs.services import job_run
    from stabil.simulation import services

    # Keep the job queued (as with a real worker) so the page shows its progress bar; the test is the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    chef = make_user("chef", "unit_manager", [org.unit_a])
    scenario = services.scenario_create(by=chef, unit=org.unit_a, name="Sex erfarna", on=date(2025, 1, 15),
                                        months=6, base=dict(SMALL_BASE))
    login("chef")
    page.get_by_role("link", name="Scenarier").first.click()
    page.get_by_role("link", name="Sex erfarna").click()
    page.get_by_label("Antal körningar").fill("100")
    page.get_by_role("button", name="Kör simuleringen").click()
    progress = page.locator("progress")
    progress.wait_for()
    assert progress.get_attribute("value") == "0"
    job = Job.objects.get(kind="simulation")
    job_run(job.pk)  # the worker runs the job; the page polls its progress every second
    page.get_by_role("link", name="Visa scenariot").click()
    page.get_by_role("heading", name="Resultat").wait_for()
    figure = page.locator("svg.fan").first
    assert figure.get_attribute("role") == "img"
    assert "Ofördelade ärenden" in figure.get_attribute("aria-label")
    page.get_by_text("Tabell med samma siffror").first.click()
    assert page.locator("table.data td.date").first.inner_text() == "2025-01"
    assert scenario.runs.get().finished_at is not None


def test_caseworker_has_no_route_to_scenarios(page, login, org):
    make_user("handlaggare", "caseworker", [org.unit_a], team=org.team_a1)
    login("handlaggare")
    assert page.get_by_role("link", name="Scenarier").count() == 0
    response = page.goto("/simulering/")
    assert response.status == 403
