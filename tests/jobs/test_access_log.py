"""Job pages and job downloads write access records with the ids they show (issue 11, finding 7).

An import's job page shows the runner's text: errors and notices that name cases, children and people.
"""

from datetime import date

import pytest

from stabil.audit.models import AccessRecord
from stabil.jobs.models import Job
from tests.conftest import client_for


@pytest.fixture
def named(personas):
    from stabil.cases.models import Case, Child
    from stabil.staff.models import StaffMember

    child = Child.objects.create(child_id="BARN-7", birth_date=date(2015, 1, 1))
    Case.objects.create(case_id="BU-00007", child=child, category="barn", unit=personas.org.unit_a)
    StaffMember.objects.create(staff_id="P-17", unit=personas.org.unit_a, started_on=date(2020, 1, 1))
    return personas


def _records(job):
    return {r.object_type: set(r.object_ids) for r in AccessRecord.objects.filter(path__startswith=f"/jobb/{job.pk}/")}


def test_failed_import_page_logs_the_ids_its_errors_name(named):
    job = Job.objects.create(kind="import", label="Import av handelser.csv", runner="x",
                             created_by=named.unit_manager, status=Job.Status.FAILED,
                             error="1 fel; ingenting sparades.\nhandelser.csv, rad 2, kolumn child_id: ärendet "
                                   "BU-00007 gäller ett annat barn (BARN-7).\nrad 3: P-17.")
    client = client_for(named.unit_manager)
    assert client.get(f"/jobb/{job.pk}/").status_code == 200
    assert _records(job) == {"cases.case": {"BU-00007"}, "cases.child": {"BARN-7"}, "staff.staffmember": {"P-17"}}
    record = AccessRecord.objects.filter(object_type="cases.case").get()
    assert record.username == "unit_manager" and record.action == "view" and record.channel == "web"
    # The progress partial that htmx polls shows the same text and logs the same.
    client.get(f"/jobb/{job.pk}/", HTTP_HX_REQUEST="true")
    assert AccessRecord.objects.filter(object_type="cases.case").count() == 2


def test_done_job_logs_summary_and_notices(named):
    job = Job.objects.create(kind="import", label="Import", runner="x", created_by=named.unit_manager,
                             status=Job.Status.DONE,
                             result={"summary": "1 rad importerad.", "notices": ["P-17: ny medarbetare."]})
    client_for(named.unit_manager).get(f"/jobb/{job.pk}/")
    assert _records(job) == {"staff.staffmember": {"P-17"}}


def test_job_without_ids_writes_nothing(named):
    job = Job.objects.create(kind="simulation", label="Simulering", runner="x", created_by=named.unit_manager,
                             status=Job.Status.RUNNING, message="12 av 100 körningar")
    client_for(named.unit_manager).get(f"/jobb/{job.pk}/")
    assert not AccessRecord.objects.exists()


def test_download_is_logged_as_an_export_with_the_declared_ids(named, settings, tmp_path):
    from stabil.jobs.services import job_output_path

    settings.DATA_DIR = tmp_path
    job = Job.objects.create(kind="export", label="Export", runner="x", created_by=named.unit_manager,
                             status=Job.Status.DONE, result={"file": "lista.csv", "object_ids": ["BU-00007"],
                                                             "object_type": "cases.case"})
    job_output_path(job, "lista.csv").write_text("BU-00007\n")
    response = client_for(named.unit_manager).get(f"/jobb/{job.pk}/fil/")
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert record.action == "export" and record.object_type == "cases.case" and record.object_ids == ["BU-00007"]


def test_every_download_is_logged(named, settings, tmp_path):
    from stabil.jobs.services import job_output_path

    settings.DATA_DIR = tmp_path
    job = Job.objects.create(kind="board_paper", label="Rapport", runner="x", created_by=named.unit_manager,
                             status=Job.Status.DONE, result={"file": "rapport.pdf"})
    job_output_path(job, "rapport.pdf").write_bytes(b"%PDF-1.4")
    client_for(named.unit_manager).get(f"/jobb/{job.pk}/fil/")
    record = AccessRecord.objects.get()
    assert record.action == "export" and record.what == f"Fil från bakgrundsjobb {job.pk}: rapport.pdf"


def test_another_users_job_is_not_found_and_not_logged(named):
    job = Job.objects.create(kind="import", label="Import", runner="x", created_by=named.unit_manager,
                             status=Job.Status.FAILED, error="ärendet BU-00007")
    for persona in ("outsider_manager", "sysadmin", "team_lead"):
        assert client_for(named[persona]).get(f"/jobb/{job.pk}/").status_code == 404
        assert client_for(named[persona]).get(f"/jobb/{job.pk}/fil/").status_code == 404
    assert not AccessRecord.objects.exists()
