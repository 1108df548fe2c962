"""The nightly feeds (issue 14): a drop folder imported without a person, with the import's own rules.

Each test writes real files into a temporary drop folder (``STABIL_IMPORT_DIR``) and runs ``feeds_run``;
the jobs run at once (the immediate backend), and one test runs them with the real database worker.
"""

import json
import os
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case
from stabil.feeds.services import feeds_run
from stabil.jobs.models import Job
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

HEADER = "Ärendenummer;Barn-ID;Födelsedatum;Kategori;Enhet;Händelse;Datum;Handläggare;Utfall;Till;Insats;Orsak\n"
COLUMN_MAP = """
[source]
unit = "UA"
contact = "ic@kommun.se"

[columns]
"Ärendenummer" = "case_id"
"Barn-ID" = "child_id"
"Födelsedatum" = "birth_date"
"Kategori" = "category"
"Enhet" = "unit"
"Händelse" = "event"
"Datum" = "date"
"Handläggare" = "staff_id"
"Utfall" = "outcome"
"Till" = "until"
"Insats" = "intervention"
"Orsak" = "reason"

[values.event]
"Aktualisering" = "report_received"
"Skyddsbedömning" = "protection_assessed"
"""
GOOD = HEADER + "FD-1;FK-1;2015-03-01;barn;UA;Aktualisering;2026-01-05;;;;;\nFD-1;;;;;Skyddsbedömning;2026-01-05;;;;;\n"
BAD = HEADER + "FD-2;FK-2;2015-03-01;barn;UA;Aktualisering;2026-13-05;;;;;\n"


@pytest.fixture
def drop(settings, tmp_path):
    settings.STABIL_IMPORT_DIR = str(tmp_path / "in")
    settings.STABIL_IMPORT_SETTLE_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    source = tmp_path / "in" / "treserva"
    source.mkdir(parents=True)
    (source / "columns.toml").write_text(COLUMN_MAP, encoding="utf-8")
    return source


def _run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = feeds_run()
    return [Job.objects.get(pk=job.pk) for job in run.jobs], run


def test_an_export_is_imported_through_its_column_map_and_moved_to_done(personas, drop,
                                                                        django_capture_on_commit_callbacks):
    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    jobs, run = _run(django_capture_on_commit_callbacks)
    assert [job.status for job in jobs] == ["done"] and not run.problems
    assert jobs[0].kind == "feed" and jobs[0].created_by is None
    assert "ärendehändelser importerad" in jobs[0].result["summary"]
    assert Case.objects.filter(case_id="FD-1", unit__code="UA").exists()
    assert not (drop / "natt.csv").exists()
    assert [p.name.endswith("-natt.csv") for p in (drop / "done").iterdir()] == [True]
    assert not list((drop / "processing").iterdir())
    assert AccessRecord.objects.filter(action="import", channel="cli", path__contains="treserva/natt.csv").exists()
    assert mail.outbox == []


def test_a_bad_file_is_moved_aside_with_a_report_naming_row_and_column_and_the_contact_is_mailed(
        personas, drop, django_capture_on_commit_callbacks):
    (drop / "natt.csv").write_text(BAD, encoding="utf-8")
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert jobs[0].status == "failed" and "ingenting sparades" in jobs[0].error
    assert not Case.objects.filter(case_id="FD-2").exists()
    failed = sorted((drop / "failed").iterdir())
    assert [p.suffix for p in failed] == [".csv", ".txt"]
    report = failed[1].read_text(encoding="utf-8")
    assert "natt.csv, rad 2, kolumn date (i exporten: datum)" in report and "Ingenting ur filen sparades" in report
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ic@kommun.se"]
    assert "natt.csv" in mail.outbox[0].subject and "FD-2" not in mail.outbox[0].body  # no ids in an e-mail


def test_without_a_contact_the_units_managers_are_mailed(personas, drop, django_capture_on_commit_callbacks):
    personas.unit_manager.email = "chef@kommun.se"
    personas.unit_manager.save()
    (drop / "columns.toml").write_text(COLUMN_MAP.replace('contact = "ic@kommun.se"\n', ""), encoding="utf-8")
    (drop / "natt.csv").write_text(BAD, encoding="utf-8")
    _run(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["chef@kommun.se"]]


def test_a_source_with_a_unit_writes_only_that_units_cases(personas, drop, django_capture_on_commit_callbacks):
    (drop / "natt.csv").write_text(HEADER + "FD-3;FK-3;2015-03-01;barn;UB;Aktualisering;2026-01-05;;;;;\n",
                                   encoding="utf-8")
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert jobs[0].status == "failed" and not Case.objects.filter(case_id="FD-3").exists()


def test_the_drop_folder_itself_uses_stabils_own_columns(personas, drop, django_capture_on_commit_callbacks):
    header = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
    (drop.parent / "natt.csv").write_text(header + "FD-4,FK-4,2015-03-01,barn,UB,report_received,2026-01-05,,,,,\n")
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert [j.status for j in jobs] == ["done"] and Case.objects.filter(case_id="FD-4", unit__code="UB").exists()
    assert list((drop.parent / "done").iterdir())


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "columns.toml").write_text('[columns\n"a" = "case_id"\n'), "treserva/columns.toml, rad 1"),
    (lambda d: (d / "natt.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 1000), "natt.csv"),
    (lambda d: (d / "natt.xls").write_bytes(b"\xd0\xcf\x11\xe0"), "det gamla Excel-formatet .xls stöds inte"),
    (lambda d: (d / "natt.csv").symlink_to("/etc/passwd"), "symbolisk länk"),
    (lambda d: (d / "natt.csv").write_text(HEADER.replace("Enhet", "Händelse")), "förekommer två gånger"),
])
def test_hostile_input_gets_a_swedish_error_and_is_put_aside(personas, drop, make, message,
                                                             django_capture_on_commit_callbacks):
    if not (drop / "natt.csv").exists() and "columns" in message:
        (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    make(drop)
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert len(jobs) == 1 and jobs[0].status == "failed", [j.error for j in jobs]
    assert message in jobs[0].error and "oväntat" not in jobs[0].error
    assert not Case.objects.exists()
    assert len(list((drop / "failed").glob("*.fel.txt"))) == 1
    assert Path("/etc/passwd").exists()


def test_a_file_above_the_size_limit_is_refused(personas, drop, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("stabil.imports.framework.MAX_FILE_BYTES", 100)
    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert jobs[0].status == "failed" and "natt.csv" in jobs[0].error and "MB" in jobs[0].error


def test_files_being_written_hidden_files_and_linked_folders_are_left_alone(personas, drop, tmp_path, settings,
                                                                            django_capture_on_commit_callbacks):
    settings.STABIL_IMPORT_SETTLE_SECONDS = 3600
    (drop / "ny.csv").write_text(GOOD)  # changed just now: still being written
    old = drop / "gammal.csv"
    old.write_text(GOOD)
    os.utime(old, (1_600_000_000, 1_600_000_000))
    for name in (".dold.csv", "halv.csv.part"):
        (drop / name).write_text(GOOD)
        os.utime(drop / name, (1_600_000_000, 1_600_000_000))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.csv").write_text(GOOD)
    os.utime(elsewhere / "x.csv", (1_600_000_000, 1_600_000_000))
    (drop.parent / "linked").symlink_to(elsewhere)
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert [j.params["name"] for j in jobs] == ["gammal.csv"]
    assert {p.name for p in drop.iterdir()} >= {"ny.csv", ".dold.csv", "halv.csv.part"}
    assert (elsewhere / "x.csv").exists()


def test_an_unset_or_missing_drop_folder_is_a_clear_error(settings):
    from stabil.feeds.folder import FeedFolderError

    settings.STABIL_IMPORT_DIR = ""
    with pytest.raises(FeedFolderError, match="STABIL_IMPORT_DIR är inte satt"):
        feeds_run()
    settings.STABIL_IMPORT_DIR = "/nonexistent/stabil-in"
    with pytest.raises(FeedFolderError, match="finns inte"):
        feeds_run()


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_the_drop_folder(personas, drop, settings):
    """The real path: `feeds run` queues a job per file, the database worker (db_worker) runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker runs the jobs here, not in a child process: this test process has started polars' thread
    # pool in earlier tests' imports, and a fork of a process with running threads may deadlock in the child.
    # The real worker never imports in its own process, so its children fork cleanly (isolation itself is
    # tested in tests/jobs/test_isolation.py).
    settings.STABIL_JOB_ISOLATION = "off"
    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    (drop / "fel.csv").write_text(BAD, encoding="utf-8")
    run = feeds_run()
    assert {Job.objects.get(pk=j.pk).status for j in run.jobs} == {"queued"}
    call_command("db_worker", batch=True, interval=0, no_startup_delay=True)
    jobs = {j.params["name"]: j for j in Job.objects.filter(kind="feed")}
    assert jobs["natt.csv"].status == "done" and jobs["fel.csv"].status == "failed"
    assert Case.objects.filter(case_id="FD-1").exists() and not Case.objects.filter(case_id="FD-2").exists()
    assert len(list((drop / "done").iterdir())) == 1 and len(list((drop / "failed").iterdir())) == 2


# -- the page ----------------------------------------------------------------------------------------------------


def test_feeds_page_permissions(view_permissions):
    # Not HR: a run's errors may name case ids, and HR sees no case.
    view_permissions("/floden/", allowed={"unit_manager", "outsider_manager", "department_head"})


def test_the_page_shows_a_sources_runs_only_to_those_who_see_its_unit_and_logs_the_ids(
        personas, drop, django_capture_on_commit_callbacks):
    (drop / "natt.csv").write_text(BAD.replace("FD-2", "FD-SECRET-9"), encoding="utf-8")
    _run(django_capture_on_commit_callbacks)
    seen = client_for(personas.unit_manager).get("/floden/").content.decode()
    assert "natt.csv" in seen and "rad 2" in seen
    for outsider in ("outsider_manager", "caseworker"):
        response = client_for(personas[outsider]).get("/floden/")
        assert "natt.csv" not in response.content.decode()


def test_a_run_of_the_whole_municipality_is_shown_only_to_those_who_see_every_unit(
        personas, drop, django_capture_on_commit_callbacks):
    header = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
    (drop.parent / "hela.csv").write_text(header + "FD-5,FK-5,2015-03-01,barn,UB,report_received,2026-01-05,,,,,\n")
    _run(django_capture_on_commit_callbacks)
    head_of_all = make_user("head_of_all", "department_head", units=[personas.org.unit_a, personas.org.unit_b])
    assert "hela.csv" in client_for(head_of_all).get("/floden/").content.decode()
    for persona in ("unit_manager", "outsider_manager", "department_head", "hr"):
        assert "hela.csv" not in client_for(personas[persona]).get("/floden/").content.decode()


def test_ids_a_run_shows_are_access_logged(personas, drop, django_capture_on_commit_callbacks):
    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    _run(django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="feed")
    job.error = "natt.csv, rad 2: ärendet FD-1 …"  # a run's text naming a stored case
    job.save()
    client_for(personas.unit_manager).get("/floden/")
    record = AccessRecord.objects.filter(username="unit_manager", what="Nattliga flöden").get()
    assert "FD-1" in record.object_ids


def test_the_command_runs_the_feeds_now_for_cron(personas, drop, capsys):
    from stabil.cli import main

    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    (drop / "fel.csv").write_text(BAD, encoding="utf-8")
    assert main(["feeds", "run", "--now"]) == 1  # one file refused
    out, err = capsys.readouterr()
    lines = sorted((json.loads(line) for line in out.splitlines()), key=lambda line: line["file"])
    assert [(line["file"], line["status"], line["source"]) for line in lines] == [
        ("fel.csv", "failed", "treserva"), ("natt.csv", "done", "treserva")]
    assert "2 filer togs, 1 avvisades" in err
    assert main(["feeds", "run", "--now"]) == 0  # nothing waiting
    assert main(["feeds", "run", "--settle", "-1"]) == 2


def test_the_command_says_when_the_drop_folder_is_not_set(personas, settings, capsys):
    from stabil.cli import main

    settings.STABIL_IMPORT_DIR = ""
    assert main(["feeds", "run"]) == 2
    assert "STABIL_IMPORT_DIR är inte satt" in capsys.readouterr().err


def test_a_file_whose_job_died_is_put_aside_on_the_next_run(personas, drop, settings,
                                                            django_capture_on_commit_callbacks):
    """A job whose process died (out of memory, a signal) is failed by the worker but could not move its file."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not run
    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    run = feeds_run()
    Job.objects.filter(pk=run.jobs[0].pk).update(status="failed", error="Jobbets process avslutades av signalen SIGKILL.")
    assert list((drop / "processing").rglob("natt.csv"))
    feeds_run()
    assert not list((drop / "processing").rglob("natt.csv"))
    report = next((drop / "failed").glob("*.fel.txt")).read_text(encoding="utf-8")
    assert "SIGKILL" in report and "natt.csv" in report


def test_a_map_naming_a_unit_that_does_not_exist_is_refused(personas, drop, django_capture_on_commit_callbacks):
    (drop / "columns.toml").write_text(COLUMN_MAP.replace('unit = "UA"', 'unit = "NOPE"'), encoding="utf-8")
    (drop / "natt.csv").write_text(GOOD, encoding="utf-8")
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert jobs[0].status == "failed" and "[source] unit 'NOPE' är ingen enhet i Stabil" in jobs[0].error


def test_a_name_in_another_encoding_or_with_control_characters_is_taken_and_shown_safely(
        personas, drop, django_capture_on_commit_callbacks):
    raw = os.fsdecode(b"natt\xe5\n.csv")  # Latin-1 'å' and a newline: not UTF-8, not printable
    (drop / raw).write_text(GOOD, encoding="utf-8")
    jobs, _ = _run(django_capture_on_commit_callbacks)
    assert [j.status for j in jobs] == ["done"] and jobs[0].params["name"] == "natt\ufffd .csv"
    assert [p.name.endswith(".csv") for p in (drop / "done").iterdir()] == [True]
    assert "\n" not in next((drop / "done").iterdir()).name
