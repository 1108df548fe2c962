"""No page or export with personal data may be kept by a browser or proxy cache (issue 11, finding 8):
every response Stabil itself makes carries ``Cache-Control: no-store``; static files stay cacheable."""

import datetime as dt

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in [p.strip() for p in response.get("Cache-Control", "").split(",")]


@pytest.fixture
def case(personas):
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases

    child = Child.objects.create(child_id="B-CACHE", birth_date=dt.date(2015, 5, 5))
    c = Case.objects.create(case_id="CACHE-1", child=child, category="barn", unit=personas.org.unit_a)
    CaseEvent.objects.create(case=c, kind="report_received", on=dt.date(2025, 11, 20))
    recompute_cases([c.pk])
    return c


def test_case_page_is_not_stored(personas, case):
    response = client_for(personas.unit_manager).get("/arenden/arende/CACHE-1/")
    assert response.status_code == 200 and _no_store(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_not_stored(personas, case, fmt):
    response = client_for(personas.unit_manager).get(
        f"/arenden/egenkontroll/?due_from=2025-01-01&due_to=2025-12-31&format={fmt}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert _no_store(response)


def test_staff_excel_is_not_stored(personas):
    response = client_for(personas.hr).get("/personal/?format=xlsx")
    assert response.status_code == 200 and _no_store(response)


def test_job_download_is_not_stored(personas):
    from stabil.jobs.models import Job
    from stabil.jobs.services import job_output_path

    job = Job.objects.create(kind="board_paper", label="Rapport", runner="x", created_by=personas.unit_manager,
                             status=Job.Status.DONE, result={"file": "rapport.pdf", "content_type": "application/pdf"})
    job_output_path(job, "rapport.pdf").write_bytes(b"%PDF-1.4")
    response = client_for(personas.unit_manager).get(f"/jobb/{job.pk}/fil/")
    assert response.status_code == 200 and _no_store(response)
    response = client_for(personas.unit_manager).get(f"/jobb/{job.pk}/")
    assert response.status_code == 200 and _no_store(response)


def test_every_authenticated_page_and_error_is_not_stored(personas):
    client = client_for(personas.caseworker)
    for url in ("/", "/arenden/", "/arenden/arende/FINNS-INTE/", "/personal/"):  # 200, 200, 404, 403
        assert _no_store(client.get(url)), url


def test_anonymous_responses_are_not_stored_either():
    assert _no_store(Client().get("/logga-in/"))
    assert _no_store(Client().get("/arenden/"))  # the redirect to log-in


def test_static_files_stay_cacheable():
    response = Client().get("/static/stabil/app.js")
    assert response.status_code == 200 and not _no_store(response)
