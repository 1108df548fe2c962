"""The access log names the web as the channel of web actions, also when a job or a service does the logging."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stabil.audit.models import AccessRecord
from stabil.audit.services import record_access
from stabil.imports.framework import run_import
from stabil.staff.models import StaffMember
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CASE_EVENTS = ("case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
               "K1,B1,2015-03-01,barn,UA,report_received,2026-06-05,,,,,\n")
STAFF = ("staff_id,unit,role,employment,fte,degree,experience_years,started_on,ended_on,exit_reason,"
         "monthly_cost_sek\nS1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000\n")
ADDRESS = "198.51.100.7"


def _upload(user, name, content, django_capture_on_commit_callbacks):
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/import/", {"file": SimpleUploadedFile(name, content.encode())},
                               REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302


@pytest.mark.parametrize(("persona", "name", "content"), [
    ("unit_manager", "handelser.csv", CASE_EVENTS),
    ("hr", "personal.csv", STAFF),
])
def test_a_web_upload_is_logged_as_web_with_user_and_address(personas, django_capture_on_commit_callbacks,
                                                             settings, tmp_path, persona, name, content):
    settings.DATA_DIR = tmp_path
    user = getattr(personas, persona)
    _upload(user, name, content, django_capture_on_commit_callbacks)
    record = AccessRecord.objects.get(action="import")
    assert (record.channel, record.username, record.ip_address) == ("web", user.get_username(), ADDRESS)


def test_a_command_line_import_is_still_logged_as_command_line(org, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_text(STAFF, encoding="utf-8")
    assert run_import(path, quiet=True).ok
    record = AccessRecord.objects.get(action="import")
    assert (record.channel, record.username, record.ip_address) == ("cli", "(kommandorad)", None)


def test_an_exit_interview_recorded_on_the_web_is_logged_as_web(personas):
    member = StaffMember.objects.create(staff_id="P-EX", unit=personas.org.unit_a, started_on=date(2020, 1, 1),
                                        ended_on=date(2024, 6, 30))
    response = client_for(personas.hr).post(f"/personal/medarbetare/{member.staff_id}/", {
        "form": "exit", "held_on": "2024-07-02", "main_reason": "workload", "would_return": "unknown"},
        REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    record = AccessRecord.objects.get(action="change", what="Avgångsintervju")
    assert (record.channel, record.username, record.ip_address) == ("web", personas.hr.get_username(), ADDRESS)


def test_the_channel_can_be_given_without_a_request(personas):
    record = record_access(by=personas.hr, action="view", what="Test", objects=["P1"], channel="web",
                           ip_address=ADDRESS)
    assert (record.channel, record.ip_address) == ("web", ADDRESS)
    assert record_access(by=None, action="view", what="Test").channel == "cli"


def test_every_person_page_form_is_logged_as_web(personas):
    from stabil.staff.models import KnowledgeArea

    member = StaffMember.objects.create(staff_id="P-F", unit=personas.org.unit_a, started_on=date(2020, 1, 1))
    area = KnowledgeArea.objects.create(code="BBIC", name="BBIC")
    client = client_for(personas.hr)
    url = f"/personal/medarbetare/{member.staff_id}/"
    assert client.post(url, {"form": "assessment", "assessed_on": "2024-05-01", f"area_{area.pk}": "2"},
                       REMOTE_ADDR=ADDRESS).status_code == 302
    record = AccessRecord.objects.get(action="change", what="Kompetensbedömning")
    assert (record.channel, record.ip_address) == ("web", ADDRESS)
