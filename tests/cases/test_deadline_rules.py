"""The municipality's deadline rules page: who may change them, and that saving recomputes every case."""

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry

from stabil.cases.models import Deadline, DeadlineSettings
from stabil.cases.selectors import deadline_config
from stabil.jobs.models import Job
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FORM = {"move_to_working_day": "on", "protection_assessment_days": "0", "protection_assessment_moves": "on",
        "first_contact_guarantee": "on",
        "first_contact_working_days": "7", "warning_working_days": "3"}


def test_rules_page_permissions(view_permissions):
    view_permissions("/arenden/fristregler/", allowed={"department_head", "sysadmin"})


def _case_with_saturday_due(tmp_path):
    from stabil.imports.framework import run_import

    # Report 2026-06-06 (Sat) + 14 days = 2026-06-20 (Sat, midsommardagen): moved to Mon 2026-06-22.
    path = tmp_path / "events.csv"
    path.write_text("case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
                    "R1,P1,2015-01-01,barn,UA,report_received,2026-06-06,,,,,\n"
                    "R1,,,,,investigation_opened,2026-06-08,,,,,\n", encoding="utf-8")
    assert run_import(path, quiet=True).ok


def test_saving_recomputes_every_case_and_is_logged(personas, tmp_path, django_capture_on_commit_callbacks):
    _case_with_saturday_due(tmp_path)
    assert Deadline.objects.get(case__case_id="R1", kind="preliminary_assessment").due_on == dt.date(2026, 6, 22)
    assert Deadline.objects.filter(case__case_id="R1", kind="first_contact").exists()
    client = client_for(personas.department_head)
    strict = {**FORM, "first_contact_working_days": "5"}
    del strict["move_to_working_day"], strict["first_contact_guarantee"]  # unchecked boxes are not sent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/arenden/fristregler/", strict)
    job = Job.objects.get(kind="recompute")
    assert response["Location"] == f"/jobb/{job.pk}/" and job.status == "done"
    # Strict calendar days: due on the Saturday itself; the guarantee is off, so no first-contact deadline.
    assert Deadline.objects.get(case__case_id="R1", kind="preliminary_assessment").due_on == dt.date(2026, 6, 20)
    assert not Deadline.objects.filter(case__case_id="R1", kind="first_contact").exists()
    config = deadline_config()
    assert (config.move_to_working_day, config.first_contact_guarantee, config.first_contact_working_days) == (
        False, False, 5)
    row = DeadlineSettings.objects.get()
    assert row.changed_by == personas.department_head
    assert LogEntry.objects.get_for_object(row).filter(actor=personas.department_head).exists()


@pytest.mark.parametrize("field, value, message", [
    ("first_contact_working_days", "0", "mellan 1 och 30"),
    ("protection_assessment_days", "3", "samma dag (0) eller senast nästa dag (1)"),
    ("warning_working_days", "x", "heltal"),
])
def test_bad_values_are_refused_in_swedish(personas, field, value, message):
    response = client_for(personas.sysadmin).post("/arenden/fristregler/", {**FORM, field: value})
    assert response.status_code == 200 and message in response.content.decode()
    assert not DeadlineSettings.objects.exists() and not Job.objects.exists()


# --- issue 12: the protection assessment is not moved unless the municipality chooses so -----------


def test_the_protection_assessment_is_not_moved_by_default(personas, tmp_path):
    assert DeadlineSettings().protection_assessment_moves is False
    assert deadline_config().protection_assessment_moves is False
    _case_with_saturday_due(tmp_path)
    # the report of Saturday 2026-06-06 is assessed that day (the on-call service), not on Monday
    assert Deadline.objects.get(case__case_id="R1", kind="protection_assessment").due_on == dt.date(2026, 6, 6)


def test_the_page_explains_the_protection_assessment_choice(personas):
    client = client_for(personas.department_head)
    body = client.get("/arenden/fristregler/").content.decode()
    assert "socialjouren" in body and "prop. 2012/13:10" in body and "lag (1930:173)" in body
    # unchecked by default: the box is not pre-ticked (while the one for the periods is)
    assert "checked" not in re.search(r'<input[^>]*name="protection_assessment_moves"[^>]*>', body).group(0)
    assert "checked" in re.search(r'<input[^>]*name="move_to_working_day"[^>]*>', body).group(0)
    client.post("/sprak/", {"language": "en", "next": "/"})
    english = client.get("/arenden/fristregler/").content.decode()
    assert "on-call service" in english and "is no period under" in english


def test_a_municipality_may_choose_to_move_it(personas, tmp_path, django_capture_on_commit_callbacks):
    _case_with_saturday_due(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.department_head).post("/arenden/fristregler/", FORM)  # the box ticked
    protection = Deadline.objects.get(case__case_id="R1", kind="protection_assessment")
    assert protection.due_on == dt.date(2026, 6, 8)  # Saturday -> Monday by lag (1930:173) 2 §
    assert protection.source == "SoL (2025:400) 20 kap. 1 §; lag (1930:173) 2 §"
    without = {key: value for key, value in FORM.items() if key != "protection_assessment_moves"}
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.department_head).post("/arenden/fristregler/", without)
    protection = Deadline.objects.get(case__case_id="R1", kind="protection_assessment")
    assert (protection.due_on, protection.source) == (dt.date(2026, 6, 6), "SoL (2025:400) 20 kap. 1 §")
