"""Fuzzing every registered importer, CSV and XLSX (issue 11, "Tests").

Hypothesis writes files of each kind from a mix of plausible values, hostile values (control characters,
exponents, Arabic and full-width digits, ids with '/', impossible dates, long cells) and arbitrary text, with
ragged and junk lines in CSV. Whatever it writes, the file is accepted, or refused as a whole (a Swedish
message that names the file), or rejected with errors that each name a row, and then nothing is stored. No
other exception may escape. Bounded: a modest number of examples, no deadline.
"""

from __future__ import annotations

import csv
import io

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stabil.cases.models import Case, CaseEvent, Child
from stabil.common.parsing import control_character, id_problem
from stabil.imports.framework import ImportFileError, kinds, run_import
from stabil.organisation.models import Unit
from stabil.staff.models import Absence, KnowledgeArea, Overtime, StaffMember, UnitStaffing
from stabil.workload.models import CaseComplexity
from tests.imports.hostile_files import CASE_HEADER, STAFF_HEADER, case_row, staff_row

pytestmark = pytest.mark.django_db

PLAUSIBLE = {
    "case_id": ["C-1", "C-2", "BU-00007"], "child_id": ["P-1", "P-2"], "birth_date": ["2015-03-01", "2010-01-01"],
    "category": ["barn", "ungdom", "ensamkommande"], "unit": ["UA", "UB", "NY-ENHET"],
    "event": ["report_received", "protection_assessed", "preliminary_decided", "investigation_opened",
              "handler_assigned", "investigation_extended"],
    "date": ["2026-01-05", "2026-02-01"], "staff_id": ["S1", "S2", "M1"],
    "outcome": ["", "investigation", "no_investigation"], "until": ["", "2026-09-01"], "intervention": [""],
    "reason": ["", "särskilt skäl"],
    "role": ["caseworker", "team_lead"], "employment": ["permanent", "consultant"], "fte": ["1", "0,5", "0.75"],
    "degree": ["socionom", "none"], "experience_years": ["3", "0", "12,5"], "started_on": ["2020-01-01"],
    "ended_on": ["", "2025-06-30"], "exit_reason": ["", "workload"], "monthly_cost_sek": ["45000", "52 000"],
    "kind": ["sick", "vacation", "fill_in", "overtime"], "first_day": ["2024-02-01", "2024-03-01"],
    "last_day": ["2024-02-03", "2024-03-02"], "extent": ["", "0,5", "1"],
    "worked_on": ["2024-02-01", "2024-02-02"], "hours": ["2", "7,5"],
    "valid_from": ["2024-01-01", "2025-01-01"], "budgeted_fte": ["10", "12,5"],
    "area_code": ["K1", "K2"], "area_name": ["Barnrätt", "Utredning"], "target_level": ["1", "2", "3"],
    "several_children": ["ja", "nej"], "interpreter_needed": ["ja", "nej"],
}
HOSTILE = ["S/1", "..", "1e1000000", "1e-1000000", "١", "٢٠٢٦-٠١-٠٥", "１", "\x00", "a\x00b", "\x1b", "NaN",
           "Infinity", "9999-12-31", "0001-01-01", "2026-02-30", '"', "=1+1", "x" * 300, "-0", "\u2028", "\ufeff",
           " ", "ÅÄÖ", "12345678901234567890", "1,2,3", "0x10", "\u0660", "\r", "a\nb"]

cell_text = st.text(st.characters(codec="utf-8"), max_size=12)


def cells(column: str):
    return st.one_of(st.sampled_from(PLAUSIBLE.get(column, [""])), st.sampled_from(HOSTILE), cell_text)


@st.composite
def tables(draw, kind):
    columns = list(kind.required) + [c for c in kind.optional if draw(st.booleans())]
    columns = draw(st.permutations(columns))
    rows = draw(st.lists(st.tuples(*[cells(c) for c in columns]).map(list), min_size=0, max_size=6))
    return columns, rows


def _csv_bytes(draw, columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";"])), lineterminator="\n")
    writer.writerow(columns)
    lines = [out.getvalue()]
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        lines.append(out.getvalue())
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(cell_text) + "\n")  # a junk line: ragged, a stray quote, a blank line
    return "".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="replace")


def _xlsx_bytes(columns, rows) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet()
    for r, row in enumerate([columns, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    workbook.close()
    return out.getvalue()


STORED = (StaffMember, Absence, Overtime, UnitStaffing, KnowledgeArea, Case, Child, CaseEvent, Unit, CaseComplexity)


def _counts():
    return [model.objects.count() for model in STORED]


def _assert_stored_values_are_clean():
    """What an accepted file stored follows the id rule and holds no control character."""
    ids = [*StaffMember.objects.values_list("staff_id", flat=True), *Case.objects.values_list("case_id", flat=True),
           *Child.objects.values_list("child_id", flat=True), *Unit.objects.values_list("code", flat=True),
           *KnowledgeArea.objects.values_list("code", flat=True)]
    for value in ids:
        assert id_problem(value) is None, value
    texts = [*CaseEvent.objects.values_list("reason", flat=True), *KnowledgeArea.objects.values_list("name", flat=True)]
    for value in texts:
        assert control_character(value) is None, value


@pytest.fixture
def stored_world(org, tmp_path):
    """Staff S1 and case C-1 exist, so that absence, overtime and complexity rows can be accepted."""
    staff = tmp_path / "staff.csv"
    staff.write_text(f"{STAFF_HEADER}\n{staff_row('S1')}\n")
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{CASE_HEADER}\n{case_row('C-1')}\n")
    assert run_import(staff, quiet=True).ok and run_import(cases, quiet=True).ok
    return tmp_path


KINDS = sorted(kinds(), key=lambda k: k.name)
assert {k.name for k in KINDS} >= {"case_events", "case_complexity", "staff", "absence", "overtime", "staffing",
                                   "knowledge_areas"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", [k for k in KINDS if not k.name.startswith("test_")], ids=lambda k: k.name)
def test_every_importer_accepts_or_rejects_with_rows_and_stores_nothing(kind, file_format, stored_world):
    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data):
        columns, rows = data.draw(tables(kind))
        content = _csv_bytes(data.draw, columns, rows) if file_format == "csv" else _xlsx_bytes(columns, rows)
        path = stored_world / f"fuzz.{file_format}"
        path.write_bytes(content)
        before = _counts()
        try:
            outcome = run_import(path, quiet=True)
        except ImportFileError as exc:
            assert str(exc).startswith(f"fuzz.{file_format}"), str(exc)
            assert _counts() == before
            return
        if outcome.errors:
            for error in outcome.errors:
                assert error.row is not None and error.row >= 2, error
                assert error.message
            assert all(line.startswith(f"fuzz.{file_format}, rad ") for line in outcome.error_lines()
                       if "fler än" not in line)
            assert _counts() == before, "a rejected file stores nothing"
        else:
            assert outcome.ok and outcome.kind is not None
            _assert_stored_values_are_clean()

    check()


def _valid_xlsx() -> bytes:
    from tests.imports.hostile_files import xlsx_with

    return xlsx_with([staff_row("S1"), staff_row("S2")])


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_reader_answers_arbitrary_bytes_with_a_table_or_a_swedish_refusal(suffix, tmp_path):
    """Raw bytes, and a valid spreadsheet with bytes overwritten: read_table returns or raises ImportFileError."""
    from stabil.imports.framework import read_table

    valid = _valid_xlsx()

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(raw=st.binary(max_size=3000),
           damage=st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=8))
    def check(raw, damage):
        if suffix == "xlsx":
            content = bytearray(valid)
            for position, value in damage:
                content[position] = value
            content = bytes(content)
        else:
            content = raw
        path = tmp_path / f"raw.{suffix}"
        path.write_bytes(content)
        try:
            table, problems = read_table(path)
        except ImportFileError as exc:
            assert str(exc).startswith(f"raw.{suffix}"), str(exc)
            return
        for row in table.rows:
            for value in row:
                assert control_character(value) is None
        assert all(p.row is not None for p in problems)

    check()
