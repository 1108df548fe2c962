"""The pure checks of case-event rows (stabil.core.events): codes, not words; the one set of rules (issue 12)."""

import datetime as dt

import pytest

from stabil.core.events import PROBLEM_CODES, EventRows, check_event_fields, id_code, iso_date

D = dt.date.fromisoformat


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-06-01", (D("2026-06-01"), None)),
    ("2026-02-30", (None, "no_such_day")),
    ("20260601", (None, "form")),
    ("2026-6-01", (None, "form")),
    ("٢٠٢٦-٠٦-٠١", (None, "form")),  # Arabic digits are no ASCII date
    ("1899-12-31", (None, "year")),
    ("2201-01-01", (None, "year")),
    ("", (None, "form")),
])
def test_iso_date(text, expected):
    assert iso_date(text) == expected


@pytest.mark.parametrize(("value", "max_length", "expected"), [
    ("K-2026.01_Å", 64, None),
    ("x" * 65, 64, "too_long"),
    ("x" * 33, 32, "too_long"),
    ("-K1", 64, "characters"),
    ("K 1", 64, "characters"),
    ("K/1", 64, "characters"),
])
def test_id_code(value, max_length, expected):
    assert id_code(value, max_length) == expected


# (kind, date, staff_id, outcome, until, intervention, reason) -> [(column, code)] in the strict (form) mode
FIELD_CASES = [
    (("report_received", "2026-06-01", "", "", "", "", ""), []),
    (("", "2026-06-01", "", "", "", "", ""), [("event", "event_missing")]),
    (("reported", "2026-06-01", "", "", "", "", ""), [("event", "event_unknown")]),
    (("report_received", "", "", "", "", "", ""), [("date", "date_missing")]),
    (("report_received", "2026-02-30", "", "", "", "", ""), [("date", "date_invalid")]),
    (("report_received", "1980-01-01", "", "", "", "", ""), [("date", "date_implausible")]),
    (("handler_assigned", "2026-06-01", "", "", "", "", ""), [("staff_id", "staff_id_required")]),
    (("handler_assigned", "2026-06-01", "S 1", "", "", "", ""), [("staff_id", "staff_id_invalid")]),
    (("preliminary_decided", "2026-06-01", "", "", "", "", ""), [("outcome", "outcome_required")]),
    (("preliminary_decided", "2026-06-01", "", "yes", "", "", ""), [("outcome", "outcome_unknown")]),
    (("first_contact", "2026-06-01", "", "investigation", "", "", ""), [("outcome", "outcome_unused")]),
    (("investigation_extended", "2026-06-01", "", "", "", "", "skäl"), [("until", "until_required")]),
    (("investigation_extended", "2026-06-01", "", "", "2026-13-01", "", "skäl"), [("until", "until_invalid")]),
    (("investigation_extended", "2026-06-01", "", "", "2026-06-01", "", "skäl"), [("until", "until_not_after")]),
    (("investigation_extended", "2026-06-01", "", "", "2026-08-01", "", ""), [("reason", "reason_required")]),
    (("first_contact", "2026-06-01", "", "", "2026-08-01", "", ""), [("until", "until_unused")]),
    (("intervention_started", "2026-06-01", "", "", "", "", ""), [("intervention", "intervention_required")]),
    (("intervention_started", "2026-06-01", "", "", "", "boat", ""), [("intervention", "intervention_unknown")]),
    (("placement_reviewed", "2026-06-01", "", "", "", "outpatient", ""), [("intervention", "review_not_placement")]),
    (("first_contact", "2026-06-01", "", "", "", "foster_home", ""), [("intervention", "intervention_unused")]),
    (("first_contact", "2026-06-01", "", "", "", "", "x" * 501), [("reason", "reason_too_long")]),
    (("handler_assigned", "2026-02-30", "", "", "", "", ""), [("date", "date_invalid"),
                                                             ("staff_id", "staff_id_required")]),
]


@pytest.mark.parametrize(("fields", "expected"), FIELD_CASES)
def test_event_fields_strict(fields, expected):
    parsed, problems = check_event_fields(*fields)
    assert [(p.column, p.code) for p in problems] == expected
    assert all(p.code in PROBLEM_CODES and set(p.values) == set(PROBLEM_CODES[p.code]) for p in problems)
    assert (parsed is None) == bool(expected)


# The file import is lenient: a value the event does not use is dropped and named, not an error.
LENIENT_CASES = [
    (("first_contact", "2026-06-01", "", "investigation", "", "", ""), ["outcome"], []),
    (("first_contact", "2026-06-01", "", "", "2026-08-01", "", ""), ["until"], []),
    (("first_contact", "2026-06-01", "", "", "", "foster_home", ""), ["intervention"], []),
    (("investigation_extended", "2026-06-01", "", "", "2026-08-01", "", ""), ["reason"], []),
    (("reported", "2026-06-01", "", "investigation", "", "", ""), [], ["event_unknown"]),
]


@pytest.mark.parametrize(("fields", "ignored_columns", "codes"), LENIENT_CASES)
def test_event_fields_lenient(fields, ignored_columns, codes):
    ignored: list[str] = []
    _parsed, problems = check_event_fields(*fields, ignored=ignored)
    assert ignored == ignored_columns
    assert [p.code for p in problems] == codes


def test_a_valid_event_parses_to_the_event_fields():
    parsed, problems = check_event_fields("investigation_extended", "2026-06-01", "S1", "", "2026-08-01", "", "skäl")
    assert problems == []
    assert parsed == ("investigation_extended", D("2026-06-01"), "S1", "", D("2026-08-01"), "", "skäl")


HEAD = ["K1", "B1", "2015-03-01", "barn", "UA"]

# rows (each the 12 contract values) -> [(row, column, code)] and the number of valid events kept
ROW_CASES = [
    ([HEAD + ["report_received", "2026-06-01", "", "", "", "", ""]], [], 1),
    ([["", "B1", "", "barn", "UA", "report_received", "2026-06-01", "", "", "", "", ""]],
     [(2, "case_id", "case_id_missing")], 0),
    ([["K1", "850101-1234", "", "barn", "UA", "report_received", "2026-06-01", "", "", "", "", ""]],
     [(2, "child_id", "child_id_personnummer")], 0),
    ([["K1", "B1", "2015-02-30", "barn", "UA", "report_received", "2026-06-01", "", "", "", "", ""]],
     [(2, "birth_date", "birth_date_invalid")], 0),
    ([["K1", "B1", "", "vuxen", "UA", "report_received", "2026-06-01", "", "", "", "", ""]],
     [(2, "category", "category_unknown")], 0),
    ([["K1", "B1", "", "barn", "U A", "report_received", "2026-06-01", "", "", "", "", ""]],
     [(2, "unit", "unit_invalid")], 0),
    ([HEAD + ["report_received", "2014-06-01", "", "", "", "", ""]], [(2, "date", "event_before_birth")], 1),
    ([HEAD + ["report_received", "2026-06-01", "", "", "", "", ""],
      ["K1", "B1", "2015-03-01", "ungdom", "UA", "first_contact", "2026-06-02", "", "", "", "", ""]],
     [(3, "category", "case_conflict")], 2),
    ([HEAD + ["report_received", "2026-06-01", "", "", "", "", ""],
      ["K2", "B1", "2015-03-02", "barn", "UA", "report_received", "2026-06-02", "", "", "", "", ""]],
     [(3, "birth_date", "child_birth_conflict")], 2),
    # the same conflict on every row of a case is said once
    ([HEAD + ["report_received", "2026-06-01", "", "", "", "", ""],
      ["K1", "B1", "2015-03-01", "ungdom", "UA", "first_contact", "2026-06-02", "", "", "", "", ""],
      ["K1", "B1", "2015-03-01", "ungdom", "UA", "first_contact", "2026-06-03", "", "", "", "", ""]],
     [(3, "category", "case_conflict")], 3),
]


@pytest.mark.parametrize(("rows", "expected", "kept"), ROW_CASES)
def test_rows_against_each_other(rows, expected, kept):
    found = []
    checker = EventRows(lambda row, problem: found.append((row, problem.column, problem.code)))
    checker.add_all(enumerate(rows, start=2))
    assert found == expected
    assert len(checker.batch.events) == kept


def test_a_batch_is_plain_data():
    checker = EventRows(lambda row, problem: None)
    checker.add_all(enumerate([HEAD + ["handler_assigned", "2026-06-03", "S1", "", "", "", ""],
                               HEAD + ["report_received", "2026-06-01", "", "", "", "", ""]], start=2))
    batch = checker.batch
    assert batch.heads == {"K1": {"child_id": ("B1", 2), "birth_date": ("2015-03-01", 2), "category": ("barn", 2),
                                  "unit": ("UA", 2)}}
    assert batch.child_births == {"B1": ("2015-03-01", 2)}
    assert [(case_id, event.kind) for case_id, event in batch.events] == [("K1", "handler_assigned"),
                                                                          ("K1", "report_received")]
    assert batch.event_rows == [2, 3]
    assert batch.staff_first == {"S1": (2, "K1", D("2026-06-03"))}
    assert batch.case_first_row == {"K1": 2}
    assert batch.stored is None
