"""Files cannot hurt (issue 11, finding 6): every crafted hostile file gets a Swedish message with file, row and
column and exit code 1 or 2, never 3, a signal or a traceback, and nothing is stored.

The same corpus (``hostile_files.CORPUS``) goes through ``stabil import`` as a user runs it (a subprocess, so
that an abort in the spreadsheet reader shows as its exit code), through ``run_import`` on the test database
(SQLite and PostgreSQL: a NUL byte must not reach either) and through the web upload job.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stabil.cases.models import Case, CaseEvent, Child
from stabil.imports.framework import ImportFileError, read_table, run_import
from stabil.jobs.models import Job
from stabil.organisation.models import Unit
from stabil.staff.models import StaffMember
from tests.conftest import client_for
from tests.imports.hostile_files import CORPUS, ENCODED, STAFF_HEADER, staff_csv, staff_row, write

TABLES = ("staff_staffmember", "staff_absence", "staff_overtime", "staff_knowledgearea", "staff_unitstaffing",
          "cases_case", "cases_child", "cases_caseevent", "organisation_unit", "workload_casecomplexity")
IDS = [h.id for h in CORPUS]


def _env(tmp_path, database):
    return {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "STABIL_DATA_DIR": str(tmp_path),
            "STABIL_DEBUG": ""}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database file, made once and copied for each CLI run."""
    folder = tmp_path_factory.mktemp("clidb")
    database = folder / "template.sqlite3"
    result = subprocess.run([sys.executable, "-m", "stabil.cli", "migrate"], env=_env(folder, database),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return database


def _counts(database) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}


@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_cli_answers_hostile_files_with_a_swedish_message(hostile, migrated, tmp_path):
    database = tmp_path / "cli.sqlite3"
    shutil.copy(migrated, database)
    before = _counts(database)
    path = write(tmp_path, hostile)
    result = subprocess.run([sys.executable, "-m", "stabil.cli", "import", path, "--quiet"],
                            env=_env(tmp_path, database), capture_output=True, text=True, timeout=300)
    assert result.returncode == hostile.exit_code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "oväntat fel" not in result.stderr
    for fragment in hostile.fragments:
        assert fragment in result.stderr, result.stderr[-2000:]
    assert _counts(database) == before, "nothing may be stored"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_run_import_refuses_hostile_files_on_this_database(hostile, org, tmp_path):
    path = write(tmp_path, hostile)
    units = Unit.objects.count()
    try:
        outcome = run_import(path, quiet=True)
    except ImportFileError as exc:
        assert hostile.exit_code == 2, str(exc)
        message = str(exc)
    else:
        assert hostile.exit_code == 1 and outcome.errors, outcome.error_lines()
        message = "\n".join(outcome.error_lines())
    for fragment in hostile.fragments:
        assert fragment in message, message
    assert not StaffMember.objects.exists() and not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not Child.objects.exists() and Unit.objects.count() == units


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_web_upload_job_fails_with_the_message_and_stores_nothing(hostile, personas, tmp_path, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.DATA_DIR = tmp_path
    client = client_for(personas[hostile.persona])
    units = Unit.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/import/", {"file": SimpleUploadedFile(hostile.filename, hostile.build())})
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    for fragment in hostile.fragments:
        assert fragment in job.error, job.error
    assert "oväntat fel" not in job.error
    assert not StaffMember.objects.exists() and not Case.objects.exists() and Unit.objects.count() == units
    page = client.get(response["Location"]).content.decode()
    assert hostile.filename in page


@pytest.mark.django_db
@pytest.mark.parametrize("codec,prefix", ENCODED, ids=[c for c, _ in ENCODED])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(codec, prefix, org, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes((prefix + staff_csv(staff_row("S1"), staff_row("Å.ö-2")).decode()).encode(codec))
    outcome = run_import(path, quiet=True)
    assert outcome.ok, outcome.error_lines()
    assert set(StaffMember.objects.values_list("staff_id", flat=True)) == {"S1", "Å.ö-2"}


def test_row_numbers_count_records_not_lines(tmp_path):
    # Row 2 holds a cell with two line breaks: a spreadsheet shows it as one row, so the short row is row 3.
    path = tmp_path / "u.csv"
    path.write_text(f'{STAFF_HEADER}\n{staff_row(unit=chr(34) + "U" + chr(10) + "A" + chr(10) + "B" + chr(34))}\nS2\n')
    table, problems = read_table(path)
    assert table.row_numbers == [2]
    assert [p.format("u.csv") for p in problems] == ["u.csv, rad 3: raden har 1 fält men rubrikraden har 11"]


def test_blank_lines_keep_their_row_numbers(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(f'{STAFF_HEADER}\n"S1",UA\n\n{staff_row("S3")}\n')
    table, problems = read_table(path)
    assert table.row_numbers == [4] and [p.row for p in problems] == [2]


def test_a_control_character_leaves_its_row_out_of_the_table(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(staff_csv(staff_row("S1"), staff_row("S\x002"), staff_row("S3")))
    table, problems = read_table(path)
    assert table.row_numbers == [2, 4]
    assert [p.format("u.csv") for p in problems] == ["u.csv, rad 3, kolumn staff_id: otillåtet styrtecken U+0000 i "
                                                     "värdet"]


def test_tabs_and_line_breaks_inside_quoted_cells_are_text(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text('a,b\n"x\ty","rad ett\r\nrad två"\n', newline="")
    table, problems = read_table(path)
    assert problems == [] and table.rows == [["x\ty", "rad ett\r\nrad två"]]


@pytest.mark.parametrize("name", ["A1:XFD1048576", "A1:CW200001"])
def test_used_range_is_checked_against_the_limits(tmp_path, name):
    from tests.imports.hostile_files import sheet_xml, xlsx

    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx(sheet_xml([STAFF_HEADER.split(",")], dimension=name)))
    with pytest.raises(ImportFileError, match="rader × .* kolumner"):
        read_table(path)


def test_a_sheet_within_the_limits_is_read_with_spreadsheet_row_numbers(tmp_path):
    from tests.imports.hostile_files import xlsx_with

    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx_with([staff_row("S1"), staff_row("S2")]))
    table, problems = read_table(path)
    assert problems == [] and table.row_numbers == [2, 3] and table.column("staff_id") == ["S1", "S2"]


@pytest.mark.django_db
def test_an_accepted_id_works_in_the_pages_that_link_it(personas, tmp_path):
    # `S/1` was accepted and then /personal/ answered 500 for good (no URL could be reversed for it); every id
    # the rule accepts, dots and Swedish letters included, is linked and opens.
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv(staff_row("Å.ö-2"), staff_row("M.1")))
    assert run_import(path, quiet=True).ok
    client = client_for(personas.hr)
    register = client.get("/personal/")
    assert register.status_code == 200
    for staff_id in ("Å.ö-2", "M.1"):
        url = reverse("staff:detail", kwargs={"staff_id": staff_id})
        assert url in register.content.decode()
        assert client.get(url).status_code == 200


def test_a_sheet_that_begins_further_down_keeps_its_row_numbers(tmp_path):
    from tests.imports.hostile_files import _SHEET_HEAD, xlsx

    cells = "".join(f'<c r="{chr(66 + i)}3" t="inlineStr"><is><t>{name}</t></is></c>'
                    for i, name in enumerate(["unit_code", "unit_name"]))
    data = '<c r="B5" t="inlineStr"><is><t>X1</t></is></c><c r="C5" t="inlineStr"><is><t>Ett</t></is></c>'
    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx(f'{_SHEET_HEAD}<sheetData><row r="3">{cells}</row><row r="5">{data}</row></sheetData>'
                          "</worksheet>"))
    table, problems = read_table(path)
    assert table.headers == ["unit_code", "unit_name"] and table.rows == [["X1", "Ett"]]
    assert table.row_numbers == [5]
