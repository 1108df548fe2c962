"""The staff, absence and overtime files: all or nothing, Swedish row/column errors, idempotent."""

from datetime import date
from decimal import Decimal

import pytest

from stabil.imports.framework import run_import
from stabil.staff.models import Absence, Overtime, StaffChange, StaffMember, StaffRole

STAFF_HEADER = ("staff_id,unit,role,employment,fte,degree,experience_years,started_on,ended_on,exit_reason,"
                "monthly_cost_sek\n")


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def staff_file(tmp_path, org):
    return write(tmp_path, "personal.csv", STAFF_HEADER + (
        "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000\n"
        "S2,UA,caseworker,consultant,1,socionom,6,2015-01-01,,,85000\n"
        "S3,UB,team_lead,permanent,0.75,other_relevant,10,2010-05-01,2015-03-31,workload,45000\n"
    ))


def test_staff_file_stores_every_row(staff_file):
    outcome = run_import(staff_file, quiet=True)
    assert outcome.ok, outcome.error_lines()
    assert StaffMember.objects.count() == 3
    s3 = StaffMember.objects.get(staff_id="S3")
    assert (s3.unit.code, s3.role, s3.fte, s3.ended_on, s3.exit_reason) == (
        "UB", "team_lead", Decimal("0.75"), date(2015, 3, 31), "workload")


def test_staff_file_twice_changes_nothing(staff_file):
    run_import(staff_file, quiet=True)
    again = run_import(staff_file, quiet=True)
    assert again.ok
    assert again.result.counts["oförändrade"] == 3
    assert StaffMember.objects.count() == 3 and StaffChange.objects.count() == 0


def test_semicolon_bom_and_decimal_comma(tmp_path, org):
    text = "\ufeff" + STAFF_HEADER.replace(",", ";") + "S9;UA;caseworker;permanent;0,5;socionom;1,5;2016-01-01;;;40 000\n"
    outcome = run_import(write(tmp_path, "s.csv", text), quiet=True)
    assert outcome.ok, outcome.error_lines()
    member = StaffMember.objects.get(staff_id="S9")
    assert (member.fte, member.experience_years, member.monthly_cost_sek) == (Decimal("0.5"), Decimal("1.5"), 40000)


def test_changed_unit_is_dated_and_old_situation_kept(staff_file, tmp_path):
    run_import(staff_file, quiet=True)
    moved = STAFF_HEADER + "S1,UB,caseworker,permanent,0.8,socionom,2,2014-01-01,,,42000\n"
    outcome = run_import(write(tmp_path, "moved.csv", moved), quiet=True)
    assert outcome.ok and outcome.result.counts["daterade förändringar"] == 1
    member = StaffMember.objects.get(staff_id="S1")
    assert member.unit.code == "UB" and member.fte == Decimal("0.8")
    history = list(member.changes.order_by("valid_from").values_list("unit__code", "fte"))
    assert history == [("UA", Decimal("1.00")), ("UB", Decimal("0.80"))]


def test_bad_rows_are_all_reported_and_nothing_stored(tmp_path, org):
    text = STAFF_HEADER + (
        "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000\n"
        "S2,ZZ,boss,forever,1.5,phd,-1,2014-13-01,,,x\n"
        "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,2013-01-01,pay,42000\n"
        "S4,UA,caseworker,permanent,1,socionom,2,2014-01-01,,pay,42000\n"
    )
    outcome = run_import(write(tmp_path, "bad.csv", text), quiet=True)
    assert not outcome.ok
    lines = outcome.error_lines()
    expected = [
        "bad.csv, rad 3, kolumn role: okänt värde 'boss'",
        "bad.csv, rad 3, kolumn employment: okänt värde 'forever'",
        "bad.csv, rad 3, kolumn fte: 1,5 ska vara större än 0 och högst 1",
        "bad.csv, rad 3, kolumn degree: okänt värde 'phd'",
        "bad.csv, rad 3, kolumn experience_years: -1 ska vara minst 0",
        "bad.csv, rad 3, kolumn started_on: datumet 2014-13-01 finns inte",  # the right form, no such day (issue 12)
        "bad.csv, rad 3, kolumn monthly_cost_sek: 'x' är inte ett tal",
        "bad.csv, rad 4, kolumn staff_id: 'S1' förekommer redan på rad 2",
        "bad.csv, rad 4, kolumn ended_on: slutdatum 2013-01-01 ligger före startdatum 2014-01-01",
        "bad.csv, rad 5, kolumn exit_reason: avgångsorsak utan slutdatum",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert StaffMember.objects.count() == 0
    assert not any("kolumn unit" in line for line in lines)  # a new unit is created, not an error
    from stabil.organisation.models import Unit

    assert not Unit.objects.filter(code="ZZ").exists()  # ... and not before the whole file is valid


def test_unknown_unit_is_created_with_a_notice(tmp_path, org):
    outcome = run_import(write(tmp_path, "ny.csv", STAFF_HEADER + "S7,NY-ENH,caseworker,permanent,1,socionom,2,"
                                                                 "2014-01-01,,,42000\n"), quiet=True)
    assert outcome.ok, outcome.error_lines()
    assert StaffMember.objects.get(staff_id="S7").unit.department.code == "OPLACERAD"
    assert any("enheten NY-ENH fanns inte" in line for line in outcome.notices)


ABSENCE_HEADER = "staff_id,kind,first_day,last_day,extent\n"


def test_absence_file_and_idempotence(staff_file, tmp_path):
    run_import(staff_file, quiet=True)
    text = ABSENCE_HEADER + ("S1,sick,2015-01-05,2015-01-09,\n"
                             "S1,sick,2015-02-02,2015-02-02,0,5\n".replace("0,5", '"0,5"') +
                             "S2,parental,2015-03-01,2015-03-31,1\n")
    path = write(tmp_path, "franvaro.csv", text)
    outcome = run_import(path, quiet=True)
    assert outcome.ok, outcome.error_lines()
    assert Absence.objects.count() == 3
    assert Absence.objects.get(first_day=date(2015, 2, 2)).extent == Decimal("0.5")
    assert Absence.objects.get(first_day=date(2015, 1, 5)).extent == 1
    again = run_import(path, quiet=True)
    assert again.ok and again.result.counts["nya frånvarotillfällen"] == 0 and Absence.objects.count() == 3
    longer = write(tmp_path, "f2.csv", ABSENCE_HEADER + "S1,sick,2015-01-05,2015-01-16,1\n")
    assert run_import(longer, quiet=True).result.counts["ändrade"] == 1
    assert Absence.objects.get(first_day=date(2015, 1, 5)).last_day == date(2015, 1, 16)


def test_absence_file_without_extent_column(staff_file, tmp_path):
    run_import(staff_file, quiet=True)
    outcome = run_import(write(tmp_path, "f.csv", "staff_id,kind,first_day,last_day\nS1,sick,2015-01-05,2015-01-05\n"),
                         quiet=True)
    assert outcome.ok and outcome.kind.name == "absence"


def test_absence_errors(staff_file, tmp_path):
    run_import(staff_file, quiet=True)
    text = ABSENCE_HEADER + (
        "NOPE,sick,2015-01-05,2015-01-09,1\n"
        "S1,flu,2015-01-05,2015-01-09,1\n"
        "S1,sick,2015-01-09,2015-01-05,1\n"
        "S1,sick,2015-01-05,2015-01-09,2\n"
        "S3,sick,2015-03-20,2015-04-10,1\n"
        "S2,sick,2015-02-01,2015-02-10,1\n"
        "S2,sick,2015-02-05,2015-02-06,1\n"
    )
    outcome = run_import(write(tmp_path, "f.csv", text), quiet=True)
    lines = outcome.error_lines()
    for start in ["f.csv, rad 2, kolumn staff_id: medarbetaren 'NOPE' finns inte",
                  "f.csv, rad 3, kolumn kind: okänt värde 'flu'",
                  "f.csv, rad 4, kolumn last_day: sista dag 2015-01-05 ligger före första dag 2015-01-09",
                  "f.csv, rad 5, kolumn extent: 2 ska vara större än 0 och högst 1",
                  "f.csv, rad 6, kolumn last_day: frånvaron 2015-03-20–2015-04-10 ligger utanför anställningen",
                  "f.csv, rad 8, kolumn first_day: frånvaron överlappar frånvaron på rad 7"]:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert Absence.objects.count() == 0


def test_overtime_file(staff_file, tmp_path):
    run_import(staff_file, quiet=True)
    text = "staff_id,worked_on,kind,hours\nS1,2015-01-12,overtime,\"2,5\"\nS1,2015-01-12,fill_in,1\n"
    path = write(tmp_path, "ot.csv", text)
    assert run_import(path, quiet=True).ok
    assert run_import(path, quiet=True).result.counts["nya rader"] == 0
    assert sorted(Overtime.objects.values_list("kind", "hours")) == [("fill_in", Decimal("1.00")),
                                                                     ("overtime", Decimal("2.50"))]
    bad = run_import(write(tmp_path, "ot2.csv", "staff_id,worked_on,kind,hours\nS1,2015-01-13,extra,30\n"), quiet=True)
    assert [line.split(":")[0] for line in bad.error_lines()] == ["ot2.csv, rad 2, kolumn kind",
                                                                  "ot2.csv, rad 2, kolumn hours"]


def test_staffing_budget_and_knowledge_area_files(tmp_path, org):
    from stabil.staff.models import KnowledgeArea, UnitStaffing

    budget = write(tmp_path, "budget.csv", "unit,valid_from,budgeted_fte\nUA,2015-01-01,29\nUA,2016-01-01,\"30,5\"\n")
    assert run_import(budget, quiet=True).ok
    assert run_import(budget, quiet=True).result.counts["oförändrade"] == 2
    assert sorted(UnitStaffing.objects.values_list("budgeted_fte", flat=True)) == [Decimal("29"), Decimal("30.5")]
    areas = write(tmp_path, "omraden.csv", "area_code;area_name;target_level\nBBIC;BBIC och utredningsmetodik;2\n"
                                          "SAMTAL;Samtal med barn;3\n")
    assert run_import(areas, quiet=True).ok
    assert list(KnowledgeArea.objects.values_list("code", "target_level")) == [("BBIC", 2), ("SAMTAL", 3)]
    bad = run_import(write(tmp_path, "b.csv", "area_code,area_name,target_level\nX,Något,4\nX,,2\n"), quiet=True)
    assert [line.split(":")[0] for line in bad.error_lines()] == [
        "b.csv, rad 2, kolumn target_level", "b.csv, rad 3, kolumn area_name", "b.csv, rad 3, kolumn area_code"]


# --- Scope (issue 11): rows about people and units outside the uploader's units are rejected, unanswered ----

# S1 (unit UA) started on 2014-01-01 and costs 42000 a month; S3 is in unit UB.
S1_STORED = ("2014-01-01", "42000", "socionom", "UA")


@pytest.fixture
def hr_b(staff_file, personas):
    """HR for unit UB only (scoped HR), after the operator imported the staff file."""
    from tests.conftest import make_user

    assert run_import(staff_file, quiet=True).ok
    return make_user("hr_b", "hr", units=[personas.org.unit_b])


def _records(username):
    from stabil.audit.models import AccessRecord

    return list(AccessRecord.objects.filter(username=username, action="import").order_by("pk"))


def test_finding_1_an_absence_file_does_not_reveal_employment_dates(hr_b, tmp_path):
    # S1 of unit UA: the absence lies outside S1's employment, and the message said so with the dates.
    path = write(tmp_path, "f.csv", ABSENCE_HEADER + "S1,sick,2013-01-05,2013-01-09,1\nNOPE,sick,2013-01-05,2013-01-09,1\n")
    outcome = run_import(path, by=hr_b, quiet=True, dry_run=True)
    assert outcome.error_lines() == [
        "f.csv, rad 2, kolumn staff_id: medarbetaren 'S1' ligger utanför dina enheter eller finns inte",
        "f.csv, rad 3, kolumn staff_id: medarbetaren 'NOPE' ligger utanför dina enheter eller finns inte",
    ]
    assert [r.object_count for r in _records("hr_b")] == [2]
    assert not any(value in line for line in outcome.error_lines() for value in S1_STORED)
    assert not run_import(path, by=hr_b, quiet=True).ok and not Absence.objects.exists()  # a real run likewise


def test_the_system_administrator_may_not_import_staff_files(hr_b, personas, tmp_path):
    from stabil.imports.framework import ImportFileError

    path = write(tmp_path, "f.csv", ABSENCE_HEADER + "S1,sick,2013-01-05,2013-01-09,1\n")
    with pytest.raises(ImportFileError, match="får inte importera frånvaro"):
        run_import(path, by=personas.sysadmin, quiet=True, dry_run=True)


def test_absence_in_scope_names_the_employment_and_logs_the_people_read(hr_b, tmp_path):
    path = write(tmp_path, "f.csv", ABSENCE_HEADER + "S3,sick,2015-03-20,2015-04-10,1\n")
    outcome = run_import(path, by=hr_b, quiet=True, dry_run=True)
    assert "2010-05-01" in outcome.error_lines()[0]  # S3 is in unit UB: the stored dates may be quoted
    assert [r.object_ids for r in _records("hr_b")] == [["S3"]]
    ok = write(tmp_path, "g.csv", ABSENCE_HEADER + "S3,sick,2015-03-02,2015-03-04,1\n")
    assert run_import(ok, by=hr_b, quiet=True).ok
    assert Absence.objects.get().staff.staff_id == "S3"
    assert [r.object_ids for r in _records("hr_b")] == [["S3"], ["S3"]]


def test_staff_rows_outside_the_units_are_rejected_and_nothing_stored(hr_b, tmp_path):
    path = write(tmp_path, "p.csv", STAFF_HEADER + (
        "S1,UB,caseworker,permanent,1,socionom,2,2014-01-01,,,43000\n"  # row 2: a person of unit UA
        "S7,UA,caseworker,permanent,1,socionom,2,2020-01-01,,,43000\n"  # row 3: a new person in unit UA
        "S8,UZ,caseworker,permanent,1,socionom,2,2020-01-01,,,43000\n"  # row 4: a unit that does not exist
        "S3,UA,team_lead,permanent,1,other_relevant,10,2010-05-01,,,45000\n"  # row 5: moving S3 to UA
        "S9,UB,caseworker,permanent,2,socionom,2,2020-01-01,,,43000\n"  # row 6: an ordinary error, same pass
    ))
    outcome = run_import(path, by=hr_b, quiet=True)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "staff_id"), (3, "unit"), (4, "unit"), (5, "unit"),
                                                           (6, "fte")]
    assert outcome.errors.items[0].message == "medarbetaren 'S1' ligger utanför dina enheter"
    assert outcome.errors.items[1].message.replace("UA", "X") == outcome.errors.items[2].message.replace("UZ", "X")
    assert all("utanför dina enheter" in e.message for e in outcome.errors.items[:4])
    assert not any(value in line for line in outcome.error_lines() for value in ("42000", "2014-01-01"))
    assert StaffMember.objects.count() == 3 and StaffMember.objects.get(staff_id="S1").unit.code == "UA"


def test_overtime_outside_the_units_is_rejected_like_an_unknown_person(hr_b, tmp_path):
    text = "staff_id,worked_on,kind,hours\nS1,2015-01-12,overtime,2\nNOPE,2015-01-12,overtime,2\n"
    outcome = run_import(write(tmp_path, "ot.csv", text), by=hr_b, quiet=True)
    assert [e.message.replace("S1", "X").replace("NOPE", "X") for e in outcome.errors] == [
        "medarbetaren 'X' ligger utanför dina enheter eller finns inte"] * 2
    assert not Overtime.objects.exists()
    text = "staff_id,worked_on,kind,hours\nS3,2015-01-12,overtime,2\n"
    assert run_import(write(tmp_path, "ot2.csv", text), by=hr_b, quiet=True).ok
    assert [r.object_ids for r in _records("hr_b")] == [[], ["S3"]]


def test_budget_and_knowledge_areas_outside_the_scope_are_rejected(hr_b, personas, tmp_path):
    from stabil.staff.models import KnowledgeArea, UnitStaffing

    budget = write(tmp_path, "budget.csv", "unit,valid_from,budgeted_fte\nUA,2015-01-01,29\nUZ,2015-01-01,3\n"
                                           "UB,2015-01-01,12\n")
    outcome = run_import(budget, by=hr_b, quiet=True)
    assert [e.message for e in outcome.errors] == ["enheten 'UA' ligger utanför dina enheter eller finns inte",
                                                   "enheten 'UZ' ligger utanför dina enheter eller finns inte"]
    assert not UnitStaffing.objects.exists()
    areas = write(tmp_path, "omraden.csv", "area_code,area_name,target_level\nBBIC,BBIC,2\n")
    outcome = run_import(areas, by=hr_b, quiet=True)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "area_code")]
    assert "hela kommunen" in outcome.errors.items[0].message and "utanför dina enheter" in outcome.errors.items[0].message
    assert not KnowledgeArea.objects.exists()
    assert run_import(areas, by=personas.hr, quiet=True).ok  # central HR covers the whole municipality
    assert run_import(write(tmp_path, "b2.csv", "unit,valid_from,budgeted_fte\nUB,2015-01-01,12\n"), by=hr_b,
                      quiet=True).ok


def test_the_row_messages_are_translated(tmp_path, org):
    from django.utils import translation

    path = write(tmp_path, "personal.csv", STAFF_HEADER + "S1,UA,boss,permanent,1.5,socionom,2,2014-02-30,,,x\n")
    with translation.override("en"):
        lines = run_import(path, quiet=True).error_lines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "unknown value 'boss'; allowed: " + ", ".join(StaffRole.values),
        "1,5 must be greater than 0 and at most 1",
        "the date 2014-02-30 does not exist",
        "'x' is not a number (the digits 0-9, at most 18 digits, a decimal comma or point, no exponent)",
    ]


def test_staff_file_carries_an_optional_name(tmp_path, org):
    header = STAFF_HEADER.rstrip("\n") + ",name\n"
    path = write(tmp_path, "personal.csv", header + "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000,Anna Berg\n"
                                                    "S2,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000,\n")
    assert run_import(path, quiet=True).ok
    assert dict(StaffMember.objects.values_list("staff_id", "name")) == {"S1": "Anna Berg", "S2": ""}
    # A later file corrects the name; one without the column (or with an empty cell) keeps it.
    write(tmp_path, "personal.csv", header + "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000,Anna Lind\n")
    assert run_import(path, quiet=True).ok
    assert StaffMember.objects.get(staff_id="S1").name == "Anna Lind"
    write(tmp_path, "personal.csv", STAFF_HEADER + "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000\n")
    assert run_import(path, quiet=True).ok
    assert StaffMember.objects.get(staff_id="S1").name == "Anna Lind"


def test_a_too_long_name_is_a_swedish_error_naming_row_and_column(tmp_path, org):
    header = STAFF_HEADER.rstrip("\n") + ",name\n"
    path = write(tmp_path, "personal.csv", header + "S1,UA,caseworker,permanent,1,socionom,2,2014-01-01,,,42000,"
                 + "A" * 121 + "\n")
    outcome = run_import(path, quiet=True)
    assert not outcome.ok
    assert any("rad 2, kolumn name" in line and "längre än 120 tecken" in line for line in outcome.error_lines())
    assert not StaffMember.objects.exists()
