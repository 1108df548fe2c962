"""The case-events import: all or nothing, Swedish row/column errors, idempotent, any row order."""

import datetime as dt
import io

import pytest

from stabil.cases.models import Case, CaseEvent, CaseState, Child, Deadline
from stabil.imports.framework import ImportFileError, run_import

HEADER = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason"

GOOD = [
    "K1,B1,2015-03-01,barn,UA,report_received,2026-06-05,,,,,",
    "K1,B1,2015-03-01,barn,UA,handler_assigned,2026-06-05,S1,,,,",
    "K1,B1,2015-03-01,barn,UA,protection_assessed,2026-06-05,,,,,",
    "K1,B1,2015-03-01,barn,UA,preliminary_decided,2026-06-18,,investigation,,,",
    "K1,B1,2015-03-01,barn,UA,investigation_opened,2026-06-18,,,,,",
    "K2,B2,2010-01-01,ungdom,UNEW,report_received,2026-06-10,,,,,",
]


def write(tmp_path, lines, name="events.csv", header=HEADER, encoding="utf-8", sep=","):
    path = tmp_path / name
    text = "\n".join([header] + list(lines)) + "\n"
    if sep != ",":
        text = text.replace(",", sep)
    path.write_bytes(text.encode(encoding))
    return path


def do_import(path):
    return run_import(path, stream=io.StringIO(), quiet=True)


@pytest.mark.django_db
def test_good_file_is_stored_with_deadlines(org, tmp_path):
    outcome = do_import(write(tmp_path, GOOD))
    assert outcome.ok, outcome.error_lines()
    assert Case.objects.count() == 2 and CaseEvent.objects.count() == 6 and Child.objects.count() == 2
    k1 = Case.objects.get(case_id="K1")
    assert k1.unit == org.unit_a and k1.main_handler.staff_id == "S1"
    assert Case.objects.get(case_id="K2").unit.code == "UNEW"  # units that do not exist are created
    deadlines = {(d.kind, d.due_on.isoformat(), d.settled) for d in Deadline.objects.filter(case=k1)}
    assert ("preliminary_assessment", "2026-06-22", "met") in deadlines  # 06-19 midsommarafton -> 06-22
    assert ("investigation", "2026-10-19", "") in deadlines
    assert CaseState.objects.get(case=k1).phase == "investigation"
    assert outcome.result.counts["nya händelser"] == 6


@pytest.mark.django_db
def test_reimport_changes_nothing_and_order_does_not_matter(org, tmp_path):
    assert do_import(write(tmp_path, GOOD)).ok
    before = sorted(Deadline.objects.values_list("case__case_id", "kind", "due_on", "met_on", "settled"))
    outcome = do_import(write(tmp_path, list(reversed(GOOD)), name="again.csv"))
    assert outcome.ok
    assert outcome.result.counts["nya händelser"] == 0
    assert outcome.result.counts["redan inlästa händelser"] == 6
    assert CaseEvent.objects.count() == 6
    assert sorted(Deadline.objects.values_list("case__case_id", "kind", "due_on", "met_on", "settled")) == before


@pytest.mark.django_db
def test_later_file_adds_events_to_earlier_cases(org, tmp_path):
    assert do_import(write(tmp_path, GOOD)).ok
    later = ["K1,,,,,first_contact,2026-06-24,,,,,", "K1,,,,,investigation_closed,2026-09-01,,no_intervention,,,"]
    outcome = do_import(write(tmp_path, later, name="later.csv"))
    assert outcome.ok, outcome.error_lines()
    k1 = Case.objects.get(case_id="K1")
    assert k1.events.count() == 7
    inv = Deadline.objects.get(case=k1, kind="investigation")
    assert (inv.met_on, inv.settled) == (dt.date(2026, 9, 1), "met")
    assert CaseState.objects.get(case=k1).phase == "closed"


@pytest.mark.django_db
def test_values_an_event_does_not_use_are_ignored_with_a_notice(org, tmp_path):
    rows = [
        "K8,B8,2015-01-01,barn,UA,investigation_opened,2026-01-15,,,,,",
        "K8,,,,,investigation_extended,2026-05-10,,,2026-06-30,,",  # no reason: accepted, with a notice
        "K8,,,,,first_contact,2026-01-16,,done,,,",  # outcome on an event without one
        "K8,,,,,investigation_closed,2026-06-20,,no_intervention,,residential,",  # intervention unused
    ]
    outcome = do_import(write(tmp_path, rows))
    assert outcome.ok, outcome.error_lines()
    assert set(CaseEvent.objects.values_list("outcome", "intervention")) == {("", ""), ("no_intervention", "")}
    assert any("outcome ignorerades på 1 rader" in n for n in outcome.notices)
    assert any("intervention ignorerades på 1 rader" in n for n in outcome.notices)
    assert any("1 förlängningar saknar särskilt skäl" in n for n in outcome.notices)
    investigation = Deadline.objects.get(case__case_id="K8", kind="investigation")
    assert (investigation.due_on, investigation.settled) == (dt.date(2026, 6, 30), "met")  # the extension counts
    assert do_import(write(tmp_path, rows, name="again.csv")).result.counts["nya händelser"] == 0


@pytest.mark.django_db
def test_bad_file_lists_every_error_and_stores_nothing(org, tmp_path):
    bad = GOOD + [
        "K3,B3,2015-13-01,barn,UA,report_received,2026-06-05,,,,,",  # row 8: birth_date
        "K3,B3,,barn,UA,no_such_event,2026-06-05,,,,,",  # row 9: event
        "K3,B3,,barn,UA,preliminary_decided,05/06/2026,,maybe,,,",  # row 10: date and outcome
        "K3,B3,,barn,UA,investigation_extended,2026-06-05,,,2026-06-01,,",  # row 11: until (reason: a notice)
        "K3,B3,,kids,UA,intervention_started,2026-06-05,,,,home,",  # row 12: category, intervention
        "K4,19120212-1212,2012-02-12,barn,UA,report_received,2026-06-05,,,,,",  # row 13: personnummer
        "K1,B1,2015-03-01,ungdom,UA,first_contact,2026-06-20,,,,,",  # row 14: category differs from row 2
        "K5,B5,2015-01-01,barn,UA,handler_assigned,2026-06-05,,,,,",  # row 15: staff_id required
    ]
    outcome = do_import(write(tmp_path, bad))
    assert not outcome.ok
    where = {(e.row, e.column) for e in outcome.errors}
    assert {(8, "birth_date"), (9, "event"), (10, "date"), (10, "outcome"), (11, "until"),
            (12, "category"), (12, "intervention"), (13, "child_id"), (14, "category"), (15, "staff_id")} <= where
    lines = outcome.error_lines()
    assert any(line.startswith("events.csv, rad 10, kolumn date:") and "ÅÅÅÅ-MM-DD" in line for line in lines)
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0 and Deadline.objects.count() == 0


@pytest.mark.django_db
def test_conflict_with_stored_case_is_rejected(org, tmp_path):
    assert do_import(write(tmp_path, GOOD)).ok
    outcome = do_import(write(tmp_path, ["K1,B1,2015-03-01,barn,UB,first_contact,2026-06-20,,,,,"], name="b.csv"))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "unit")]
    assert "finns redan" in outcome.errors.items[0].message
    assert CaseEvent.objects.count() == 6


@pytest.mark.django_db
def test_new_case_without_unit_is_rejected(org, tmp_path):
    outcome = do_import(write(tmp_path, ["K9,B9,2015-03-01,barn,,report_received,2026-06-05,,,,,"]))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "unit")]


@pytest.mark.django_db
def test_semicolon_bom_and_extra_columns(org, tmp_path):
    path = tmp_path / "semi.csv"
    lines = [HEADER + ",note"] + [line + ",x" for line in GOOD]
    path.write_bytes(("\ufeff" + "\n".join(line.replace(",", ";") for line in lines) + "\n").encode("utf-8"))
    outcome = do_import(path)
    assert outcome.ok, outcome.error_lines()
    assert any("note" in n for n in outcome.notices)
    assert CaseEvent.objects.count() == 6


@pytest.mark.django_db
def test_columns_in_another_order(org, tmp_path):
    columns = HEADER.split(",")
    order = list(reversed(range(len(columns))))
    header = ",".join(columns[i] for i in order)
    lines = [",".join(line.split(",")[i] for i in order) for line in GOOD]
    assert do_import(write(tmp_path, lines, header=header)).ok
    assert CaseEvent.objects.count() == 6


@pytest.mark.django_db
def test_xlsx_file(org, tmp_path):
    import xlsxwriter

    path = tmp_path / "events.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for r, line in enumerate([HEADER] + GOOD):
        for c, value in enumerate(line.split(",")):
            sheet.write_string(r, c, value)
    workbook.close()
    outcome = do_import(path)
    assert outcome.ok, outcome.error_lines()
    assert CaseEvent.objects.count() == 6


@pytest.mark.django_db
def test_missing_column_is_named(org, tmp_path):
    header = HEADER.replace(",reason", "")
    path = write(tmp_path, [line.rsplit(",", 1)[0] for line in GOOD], header=header)
    with pytest.raises(ImportFileError, match="reason"):
        do_import(path)


@pytest.mark.django_db
def test_municipality_may_choose_strict_calendar_days(org, tmp_path, settings):
    settings.STABIL_DEADLINES = {"move_to_working_day": False, "first_contact_guarantee": False}
    assert do_import(write(tmp_path, GOOD)).ok
    k1 = Case.objects.get(case_id="K1")
    assert Deadline.objects.get(case=k1, kind="preliminary_assessment").due_on == dt.date(2026, 6, 19)
    assert not Deadline.objects.filter(kind="first_contact").exists()


def _schema_objects(table):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass UNION ALL "
                           "SELECT indexname FROM pg_indexes WHERE tablename = %s", [table, table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
        return sorted(name for (name,) in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_bulk_path_restores_indexes_and_constraints(org, tmp_path, monkeypatch):
    from stabil.common import bulk  # the bulk plumbing of the store (issue 12)

    tables = [model._meta.db_table for model in (CaseEvent, Deadline, Case, Child)]
    before = {table: _schema_objects(table) for table in tables}
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 1)  # take the bulk path even for a tiny file
    assert do_import(write(tmp_path, GOOD)).ok
    assert {table: _schema_objects(table) for table in tables} == before
    assert CaseEvent.objects.count() == 6 and Deadline.objects.filter(case__case_id="K1").exists()
    # a failing import on the bulk path rolls the schema back too
    outcome = do_import(write(tmp_path, ["K1,B1,2015-03-01,barn,UB,first_contact,2026-06-20,,,,,"], name="b.csv"))
    assert not outcome.ok
    assert {table: _schema_objects(table) for table in tables} == before


@pytest.mark.django_db
def test_a_web_import_touches_only_the_importers_units(personas, tmp_path):
    from stabil.imports.framework import run_import

    path = write(tmp_path, [line for line in GOOD if ",UA," in line])
    outsider = run_import(path, by=personas.outsider_manager, quiet=True)  # manager of unit B
    assert not outsider.ok
    assert any("kolumn unit: enheten UA ligger utanför dina enheter" in line for line in outsider.error_lines())
    assert not Case.objects.exists()
    assert run_import(path, by=personas.unit_manager, quiet=True).ok  # manager of unit A
    new_unit = write(tmp_path, [line for line in GOOD if ",UNEW," in line], name="new.csv")
    assert not run_import(new_unit, by=personas.unit_manager, quiet=True).ok  # not theirs to create
    later = write(tmp_path, ["K1,,,,,first_contact,2026-06-24,,,,,"], name="later.csv")
    assert not run_import(later, by=personas.outsider_manager, quiet=True).ok  # a stored case of unit A
    assert run_import(later, by=personas.department_head, quiet=True).ok  # head of unit A's department


# --- Scope (issue 11): the import is no oracle and writes nothing outside the uploader's units -------------

# The stored case K1 of unit UA (child B1, born 2015-03-01, category barn), handled by S1.
STORED_VALUES = {"B1", "2015-03-01", "barn", "UA", "S1"}
# Finding 1: a file naming the stored case with a made-up child, run as a dry run by a manager of unit UB.
PROBE = "K1,ZZZ-PROBE,1900-01-01,ensamkommande,UB,report_received,2026-01-01,,,,,"


def _tokens(lines):
    """The words and values of messages, so that 'barn' is not found inside 'barnet'."""
    import re

    return {token for line in lines for token in re.split(r"[\s,:;'()]+", line)}


@pytest.fixture
def stored_case(org, tmp_path):
    assert do_import(write(tmp_path, GOOD[:5], name="stored.csv")).ok  # by the operator (command line)
    return Case.objects.get(case_id="K1")


@pytest.mark.django_db
def test_finding_1_a_dry_run_does_not_reveal_a_stored_case_of_another_unit(personas, stored_case, tmp_path):
    from stabil.audit.models import AccessRecord

    outcome = run_import(write(tmp_path, [PROBE], name="probe.csv"), by=personas.outsider_manager, quiet=True,
                         dry_run=True)
    assert not outcome.ok
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "case_id")]
    assert outcome.error_lines() == ["probe.csv, rad 2, kolumn case_id: ärendet K1 ligger utanför dina enheter"]
    assert not _tokens(outcome.error_lines()) & STORED_VALUES
    assert not Child.objects.filter(child_id="ZZZ-PROBE").exists() and CaseEvent.objects.count() == 5
    record = AccessRecord.objects.get(username="outsider_manager", action="import")
    assert record.object_count == 1 and "provkörning" in record.what


@pytest.mark.django_db
def test_a_manager_of_the_cases_unit_is_told_what_differs_and_the_read_is_logged(personas, stored_case, tmp_path):
    from stabil.audit.models import AccessRecord

    probe = PROBE.replace(",UB,", ",UA,")
    outcome = run_import(write(tmp_path, [probe]), by=personas.unit_manager, quiet=True, dry_run=True)
    assert {(e.row, e.column) for e in outcome.errors} == {(2, "child_id"), (2, "category"), (2, "birth_date")}
    assert any("'B1'" in line for line in outcome.error_lines())  # in scope: the stored value may be quoted
    record = AccessRecord.objects.get(username="unit_manager", action="import")
    assert record.object_ids == ["K1"] and record.object_type == "case_events"


@pytest.mark.django_db
def test_a_real_import_logs_the_stored_cases_it_read_and_its_row_count(personas, stored_case, tmp_path):
    from stabil.audit.models import AccessRecord

    later = ["K1,,,,,first_contact,2026-06-24,,,,,", "K7,B7,2016-01-01,barn,UA,report_received,2026-06-24,,,,,"]
    assert run_import(write(tmp_path, later), by=personas.unit_manager, quiet=True).ok
    record = AccessRecord.objects.get(username="unit_manager", action="import")
    assert (record.object_ids, record.object_count) == (["K1"], 2)


@pytest.mark.django_db
def test_case_events_outside_the_units_are_rejected_row_by_row_and_nothing_is_stored(personas, stored_case,
                                                                                     tmp_path):
    from stabil.staff.models import StaffMember

    StaffMember.objects.create(staff_id="S9", unit=personas.org.unit_b, started_on=dt.date(2020, 1, 1))
    rows = [
        "K1,,,,,first_contact,2026-06-24,,,,,",  # row 2: a stored case of unit UA
        "K20,B1,,barn,UB,report_received,2026-06-24,,,,,",  # row 3: a new case for the child of UA's case
        "K21,B21,2016-01-01,barn,UA,report_received,2026-06-24,,,,,",  # row 4: a new case in unit UA
        "K22,B22,2016-01-01,barn,UB,report_received,2026-06-24,S1,,,,",  # row 5: UA's staff member
        "K23,B23,2016-01-01,barn,UB,no_such_event,2026-06-24,,,,,",  # row 6: an ordinary error, same pass
        "K1,,,,,investigation_closed,2026-09-01,,no_intervention,,,",  # row 7: the stored case again
    ]
    outcome = run_import(write(tmp_path, rows), by=personas.outsider_manager, quiet=True)
    assert {(e.row, e.column) for e in outcome.errors} == {
        (2, "case_id"), (3, "child_id"), (4, "unit"), (5, "staff_id"), (6, "event"), (7, "case_id")}
    outside = [e for e in outcome.errors if e.column != "event"]
    assert all("utanför dina enheter" in e.message for e in outside)
    assert not _tokens(outcome.error_lines()) & (STORED_VALUES - {"UA", "B1", "S1"})  # those are the file's own
    assert all("2015-03-01" not in line and "'barn'" not in line for line in outcome.error_lines())
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 5


@pytest.mark.django_db
def test_an_unknown_unit_and_another_units_unit_give_the_same_message(personas, stored_case, tmp_path):
    rows = ["K30,B30,2016-01-01,barn,UA,report_received,2026-06-24,,,,,",  # exists, not theirs
            "K31,B31,2016-01-01,barn,UZ,report_received,2026-06-24,,,,,"]  # does not exist
    outcome = run_import(write(tmp_path, rows), by=personas.outsider_manager, quiet=True, dry_run=True)
    first, second = (e.message for e in outcome.errors)
    assert first.replace("UA", "X") == second.replace("UZ", "X")
    assert "utanför dina enheter" in first


@pytest.mark.django_db
def test_the_system_administrator_may_not_import_case_events(personas, stored_case, tmp_path):
    with pytest.raises(ImportFileError, match="får inte importera ärendehändelser"):
        run_import(write(tmp_path, [PROBE]), by=personas.sysadmin, quiet=True, dry_run=True)


# --- Every error in one pass (issue 12) ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_case_without_its_columns_is_reported_beside_other_errors(org, tmp_path):
    rows = [
        "K40,,,,,report_received,2026-06-05,,,,,",  # row 2: a new case without child_id, category, unit
        "K41,B41,2015-01-01,barn,UA,no_such_event,2026-06-05,,,,,",  # row 3: an ordinary error
        "K42,B42,2015-01-01,,UA,report_received,2026-13-40,,,,,",  # row 4: a bad date; category missing
        "K43,B43,2015-02-30,barn,,report_received,2026-06-05,,,,,",  # row 5: a bad birth date; unit missing
    ]
    outcome = do_import(write(tmp_path, rows))
    assert {(e.row, e.column) for e in outcome.errors} == {
        (2, "child_id"), (2, "category"), (2, "unit"), (3, "event"), (4, "category"), (4, "date"),
        (5, "birth_date"), (5, "unit")}
    assert any("rad 2, kolumn unit: ärendet K40 är nytt men enhet saknas" in line for line in outcome.error_lines())
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_conflict_with_a_stored_case_is_reported_beside_other_errors(org, tmp_path):
    assert do_import(write(tmp_path, GOOD)).ok
    rows = ["K1,B1,2015-03-01,barn,UB,first_contact,2026-06-20,,,,,",  # row 2: the stored case is in UA
            "K50,B50,2015-01-01,barn,UA,no_such_event,2026-06-05,,,,,"]  # row 3
    outcome = do_import(write(tmp_path, rows, name="b.csv"))
    assert {(e.row, e.column) for e in outcome.errors} == {(2, "unit"), (3, "event")}


@pytest.mark.django_db
def test_rows_outside_the_units_and_every_other_error_come_in_one_pass(personas, stored_case, tmp_path):
    rows = [
        "K1,,,,,first_contact,2026-06-24,,,,,",  # row 2: a stored case of unit UA
        "K60,,,,,report_received,2026-06-24,,,,,",  # row 3: a new case without its columns
        "K61,B61,2016-01-01,barn,UB,report_received,2026-02-30,,,,,",  # row 4: no such day
        "K62,B62,2016-01-01,barn,UA,report_received,2026-06-24,,,,,",  # row 5: a unit not theirs
    ]
    outcome = run_import(write(tmp_path, rows), by=personas.outsider_manager, quiet=True, dry_run=True)
    assert {(e.row, e.column) for e in outcome.errors} == {
        (2, "case_id"), (3, "child_id"), (3, "category"), (3, "unit"), (4, "date"), (5, "unit")}
    assert not _tokens(outcome.error_lines()) & (STORED_VALUES - {"UA"})  # nothing stored is quoted
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_day_that_does_not_exist_is_told_apart_from_a_wrong_form(org, tmp_path):
    rows = ["K70,B70,2015-02-29,barn,UA,report_received,2026-02-30,,,,,",
            "K70,B70,2015-02-29,barn,UA,investigation_opened,2026-03-01,,,,,",
            "K70,,,,,investigation_extended,2026-05-01,,,2026-06-31,,skäl",
            "K71,B71,2015-01-01,barn,UA,report_received,2026-2-3,,,,,"]
    lines = do_import(write(tmp_path, rows)).error_lines()
    assert "events.csv, rad 2, kolumn birth_date: datumet 2015-02-29 finns inte" in lines
    assert "events.csv, rad 2, kolumn date: datumet 2026-02-30 finns inte" in lines
    assert "events.csv, rad 4, kolumn until: datumet 2026-06-31 finns inte" in lines
    assert "events.csv, rad 5, kolumn date: '2026-2-3' är inte ett datum på formen ÅÅÅÅ-MM-DD" in lines


@pytest.mark.django_db
def test_a_birth_date_conflict_is_reported_once_per_row(org, tmp_path):
    rows = [
        "K80,B80,2015-03-01,barn,UA,report_received,2026-06-05,,,,,",  # row 2: the first birth date
        "K80,B80,2015-04-01,barn,UA,handler_assigned,2026-06-05,S1,,,,",  # row 3: another one
        "K80,B80,2015-04-01,barn,UA,protection_assessed,2026-06-05,,,,,",  # row 4: the same conflict again
        "K80,B80,2015-03-01,barn,UA,first_contact,2026-06-10,,,,,",  # row 5: agrees with row 2
        "K80,B80,2015-04-01,barn,UA,preliminary_decided,2026-06-18,,investigation,,,",  # row 6: row 3 again
        "K81,B80,2015-04-01,barn,UA,report_received,2026-06-05,,,,,",  # row 7: another case of the child
    ]
    errors = do_import(write(tmp_path, rows)).errors
    assert [(e.row, e.column) for e in errors] == [(3, "birth_date"), (7, "birth_date")]
    assert [e.message for e in errors] == [
        "barnet B80 har födelsedatum 2015-03-01 på rad 2, här 2015-04-01",
        "barnet B80 har födelsedatum 2015-03-01 på rad 2, här 2015-04-01"]


@pytest.mark.django_db
def test_a_birth_date_conflict_with_a_stored_child_is_reported_once_per_row(org, tmp_path):
    assert do_import(write(tmp_path, GOOD)).ok
    rows = ["K1,B1,2015-04-01,barn,UA,first_contact,2026-06-20,,,,,",  # row 2: the stored case and child
            "K1,B1,2015-04-01,barn,UA,first_contact,2026-06-21,,,,,",  # row 3: the same again
            "K90,B1,2015-04-01,barn,UA,report_received,2026-06-05,,,,,"]  # row 4: a new case of the child
    errors = do_import(write(tmp_path, rows, name="b.csv")).errors
    assert [(e.row, e.column) for e in errors] == [(2, "birth_date"), (4, "birth_date")]


def test_the_row_messages_are_marked_for_translation():
    from django.utils import translation

    from stabil.cases.importers import check_event_fields

    with translation.override("en"):
        _, problems = check_event_fields("handler_assigned", "2026-02-30", "", "", "", "", "")
    assert problems == [("date", "the date 2026-02-30 does not exist"),
                        ("staff_id", "a staff id is required for Caseworker assigned (handler_assigned)")]
    # Swedish, the default language (set explicitly: an earlier test in this worker may have left another active).
    with translation.override("sv"):
        _, problems = check_event_fields("handler_assigned", "2026-06-01", "", "", "", "", "")
    assert problems == [("staff_id", "personal-id krävs för Handläggare utsedd (handler_assigned)")]


def test_the_row_messages_name_events_and_outcomes_in_words_with_the_files_codes():
    """Issue 13: "utfall krävs för preliminary_decided: investigation eller no_investigation" was English in a
    Swedish message; the names come first, the codes a file uses stay in brackets."""
    from django.utils import translation

    from stabil.cases.importers import check_event_fields

    with translation.override("sv"):
        _, problems = check_event_fields("preliminary_decided", "2026-06-01", "", "", "", "", "")
        assert problems == [("outcome", "utfall krävs för Förhandsbedömning beslutad (preliminary_decided): "
                                        "Utredning inleds (investigation) eller Ingen utredning (no_investigation)")]
        _, problems = check_event_fields("intervention_started", "2026-06-01", "", "", "", "", "")
        assert problems[0][1].startswith("insats krävs för Insats påbörjad (intervention_started): Öppenvård (outpatient), ")
    with translation.override("en"):
        _, problems = check_event_fields("preliminary_decided", "2026-06-01", "", "maybe", "", "", "")
        assert "Utredning" not in problems[0][1] and "(no_investigation)" in problems[0][1]


@pytest.mark.django_db
def test_a_new_case_missing_its_unit_is_told_in_english_too(org, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        lines = do_import(write(tmp_path, ["K9,B9,2015-03-01,barn,,report_received,2026-06-05,,,,,"])).error_lines()
    assert lines == ["events.csv, rad 2, kolumn unit: the case K9 is new but its unit is missing on all its rows"]
