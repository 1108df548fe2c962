"""The web upload: a file becomes a background job with progress, then a summary or every error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stabil.audit.models import AccessRecord
from stabil.common.output import Sheet, write_xlsx
from stabil.jobs.models import Job
from stabil.organisation.models import Unit
from tests.conftest import client_for
from tests.imports.test_framework import test_kind  # noqa: F401  registers the test file kind

pytestmark = pytest.mark.django_db


def test_upload_page_permissions(view_permissions):
    # Every unit manager may upload (a file names its own units), the one of unit B included. The system
    # administrator may not (issue 11): every import file is about cases or people, which it does not see.
    view_permissions("/import/", allowed={"unit_manager", "outsider_manager", "department_head", "hr"})


def _upload(client, content, name="units.csv", **extra):
    return client.post("/import/", {"file": SimpleUploadedFile(name, content.encode()), **extra})


def test_upload_runs_as_a_job_and_shows_the_summary(personas, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = client_for(personas.unit_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "unit_code,unit_name\nX1,Ett\nX2,Två\n")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobb/{job.pk}/"
    assert job.status == "done" and job.progress == 1.0
    page = client.get(response["Location"]).content.decode()
    assert "Filen med testenheter importerades" in page
    assert Unit.objects.filter(code__in=["X1", "X2"]).count() == 2
    assert AccessRecord.objects.filter(action="import", username="unit_manager").exists()
    assert not list((tmp_path / "uploads").rglob("*.csv")), "uploaded files are removed after import"


def test_bad_file_lists_every_error_and_stores_nothing(personas, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = client_for(personas.unit_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "unit_code,unit_name\nX1,Ett\nbad,Två\n")
    job = Job.objects.get()
    assert job.status == "failed"
    assert "units.csv, rad 3, kolumn unit_code" in job.error and "ingenting sparades" in job.error
    assert not Unit.objects.filter(code="X1").exists()
    assert "rad 3" in client.get(response["Location"]).content.decode()


def test_a_role_without_the_kinds_capability_is_refused(personas, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(personas.hr), "unit_code,unit_name\nX1,Ett\n")  # the test kind needs cases.import
    job = Job.objects.get()
    assert job.status == "failed" and "får inte importera" in job.error
    assert not Unit.objects.filter(code="X1").exists()


def test_job_pages_are_private_to_their_creator(personas, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(personas.unit_manager), "unit_code,unit_name\nX1,Ett\n")
    url = f"/jobb/{Job.objects.get().pk}/"
    assert client_for(personas.department_head).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    partial = client_for(personas.unit_manager).get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_wrong_file_type_is_a_form_error(personas):
    response = _upload(client_for(personas.unit_manager), "x", name="units.pdf")
    assert response.status_code == 200
    assert "CSV- eller XLSX-fil" in response.content.decode()
    assert not Job.objects.exists()


def test_finding_1_the_job_page_of_a_dry_run_shows_nothing_stored(personas, django_capture_on_commit_callbacks,
                                                                    settings, tmp_path):
    from stabil.cases.models import Case, Child

    settings.DATA_DIR = tmp_path
    # The stored values are words no random token on the page (CSRF) can contain by chance.
    child = Child.objects.create(child_id="STORED-CHILD-1", birth_date="2015-03-01")
    Case.objects.create(case_id="K1", child=child, category="barn", unit=personas.org.unit_a)
    header = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
    probe = header + "K1,ZZZ-PROBE,1900-01-01,ensamkommande,UB,report_received,2026-01-01,,,,,\n"
    client = client_for(personas.outsider_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, probe, name="probe.csv", dry_run="on")
    job = Job.objects.get()
    assert job.status == "failed" and "probe.csv, rad 2, kolumn case_id" in job.error
    page = client.get(response["Location"]).content.decode()
    assert "utanför dina enheter" in page
    assert not any(value in job.error + page for value in ("STORED-CHILD-1", "2015-03-01", "'barn'", ">UA<", " UA"))
    record = AccessRecord.objects.get(username="outsider_manager", action="import")
    assert "provkörning" in record.what and not Child.objects.filter(child_id="ZZZ-PROBE").exists()


@pytest.mark.parametrize("name", ["å" * 250 + ".csv", "€" * 200 + ".csv", "a" * 300 + ".csv"])
def test_a_long_file_name_is_imported_not_a_server_error(name, personas, django_capture_on_commit_callbacks,
                                                         settings, tmp_path):
    # Red-team finding: 250 'å' are 500 bytes, over the file system's 255-byte limit for a name; saving the
    # upload raised OSError (ENAMETOOLONG) and the page answered 500.
    settings.DATA_DIR = tmp_path
    client = client_for(personas.unit_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "unit_code,unit_name\nX1,Ett\n", name=name)
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "done", job.error
    assert Unit.objects.filter(code="X1").exists()
    assert not list((tmp_path / "uploads").rglob("*.csv"))


@pytest.mark.parametrize("name", ["€.xlsx", " .xlsx"])
def test_an_xlsx_whose_name_is_only_the_extension_is_read_as_xlsx(name, personas, django_capture_on_commit_callbacks,
                                                                  settings, tmp_path):
    # Red-team finding: the file system's name of "€.xlsx" was ".xlsx", which has no suffix, so the workbook
    # was read as CSV and refused with "rubriken innehåller det otillåtna styrtecknet U+0003".
    settings.DATA_DIR = tmp_path
    content = write_xlsx([Sheet("Blad1", ["unit_code", "unit_name"], [["X1", "Ett"]])])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.unit_manager).post("/import/", {"file": SimpleUploadedFile(name, content)})
    job = Job.objects.get()
    assert job.status == "done", job.error
    assert Unit.objects.filter(code="X1").exists()
