"""The one place for numbers, dates, ids and control characters in user input (issue 11, finding 6)."""

import datetime as dt
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import resolve, reverse

from stabil.common.parsing import control_character, date_problem, id_problem, parse_decimal, parse_iso_date


@pytest.mark.parametrize("text,expected", [
    ("12", Decimal("12")), ("-0,5", Decimal("-0.5")), ("1.25", Decimal("1.25")), ("+3", Decimal("3")),
    (",5", Decimal("0.5")), ("5.", Decimal("5")), ("123456789012345678", Decimal("123456789012345678")),
    # no exponent, however small or large: 1e1000000 raised decimal.Overflow, 1e-1000000 overflowed PostgreSQL
    ("1e1000000", None), ("1e-1000000", None), ("1E5", None),
    ("Infinity", None), ("inf", None), ("NaN", None), ("-", None), ("", None), (".", None), ("1,2,3", None),
    # only ASCII digits: Arabic-Indic, extended Arabic-Indic and full-width digits are not numbers
    ("١", None), ("۴۵", None), ("１", None), ("1２", None),
    ("1234567890123456789", None),  # 19 digits
    ("0x10", None), ("1_000", None), (" 1", None),
])
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("2026-01-05", dt.date(2026, 1, 5)), ("1900-01-01", dt.date(1900, 1, 1)), ("2200-12-31", dt.date(2200, 12, 31)),
    ("1899-12-31", None), ("2201-01-01", None), ("9999-12-31", None), ("0001-01-01", None),  # the year range
    ("٢٠٢٦-٠١-٠٥", None), ("２０２６-０１-０５", None),  # \d matched these
    ("20260105", None), ("2026-1-5", None), ("2026-02-30", None), ("2026-01-05 ", None),
])
def test_parse_iso_date(text, expected):
    assert parse_iso_date(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("2026-01-05", None), ("2024-02-29", None),
    # the right form but no calendar date: its own message (issue 12, "every error in one pass")
    ("2026-02-30", "datumet 2026-02-30 finns inte"), ("2025-02-29", "datumet 2025-02-29 finns inte"),
    ("2026-13-01", "datumet 2026-13-01 finns inte"), ("2026-04-31", "datumet 2026-04-31 finns inte"),
    ("2026-00-10", "datumet 2026-00-10 finns inte"),
    # the wrong form
    ("2026-2-3", "'2026-2-3' är inte ett datum på formen ÅÅÅÅ-MM-DD"),
    ("05/06/2026", "'05/06/2026' är inte ett datum på formen ÅÅÅÅ-MM-DD"),
    ("20260105", "'20260105' är inte ett datum på formen ÅÅÅÅ-MM-DD"),
    ("٢٠٢٦-٠١-٠٥", "'٢٠٢٦-٠١-٠٥' är inte ett datum på formen ÅÅÅÅ-MM-DD"),
    # a real date outside the years Stabil accepts
    ("1899-12-31", "datumet 1899-12-31 är orimligt (år 1900–2200)"),
])
def test_date_problem_tells_a_missing_day_from_a_wrong_form(text, expected):
    assert date_problem(text) == expected
    assert (parse_iso_date(text) is None) == (expected is not None)


@pytest.mark.parametrize("value", ["S1", "BU-00007", "UTR-A", "M1030", "P-NY-001", "BU-UTR-S01", "Å.ö-2_x",
                                   "a" * 64, "9"])
def test_valid_ids(value):
    assert id_problem(value) is None


@pytest.mark.parametrize("value", ["S/1", "..", ".", "-a", "_a", "M 1", "a\x00", "a?b", "a#b", "a%2F", "١", "a" * 65,
                                   "S\\1", "é", ""])
def test_invalid_ids_are_named_in_swedish(value):
    problem = id_problem(value)
    assert problem and ("inget giltigt id" in problem or "längre än" in problem)


@pytest.mark.parametrize("value", ["S1", "BU-00007", "Å.ö-2_x", "a.b", "9", "a" * 64])
@pytest.mark.parametrize("name,kwarg", [("staff:detail", "staff_id"), ("cases:case", "case_id"),
                                        ("workload:allocation", "case_id"), ("workload:risk", "unit_code")])
def test_every_valid_id_reverses_and_resolves(value, name, kwarg):
    url = reverse(name, kwargs={kwarg: value})
    assert resolve(unquote(url)).kwargs == {kwarg: value}  # the server decodes the path before resolving it


@pytest.mark.parametrize("text,expected", [
    ("plain text", None), ("tab\there", None), ("line\nbreak", None), ("crlf\r\n", None), ("ÅÄÖ é ü", None),
    ("nul\x00", "U+0000"), ("esc\x1b", "U+001B"), ("del\x7f", "U+007F"), ("c1\x85", "U+0085"),
    ("ls\u2028", "U+2028"), ("bom\ufeff", "U+FEFF"),
])
def test_control_character(text, expected):
    assert control_character(text) == expected


def test_date_problems_are_translated():
    from django.utils import translation

    with translation.override("en"):
        assert date_problem("2026-02-30") == "the date 2026-02-30 does not exist"
        assert date_problem("2026-2-3") == "'2026-2-3' is not a date of the form YYYY-MM-DD"
