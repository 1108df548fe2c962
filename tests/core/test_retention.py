"""Retention rules (core/retention.py), hand-computed."""

from __future__ import annotations

from datetime import date

import pytest

from stabil.core.retention import (
    KEPT_BIRTH_UNKNOWN,
    KEPT_PLACEMENT,
    KEPT_RESEARCH,
    RetentionRules,
    access_log_cutoff,
    child_verdict,
    completion_deadline,
    exit_comment_verdict,
    is_proposal_day,
    obligation_date,
    rules_from,
    staff_verdict,
)

DEFAULT = RetentionRules()

OBLIGATIONS = [
    # (last entry, years, duty arises, removal finished by, why)
    (date(2020, 3, 15), 5, date(2025, 3, 15), date(2026, 12, 31), "five years to the day; done the year after"),
    (date(2020, 2, 29), 5, date(2025, 2, 28), date(2026, 12, 31), "no 29 February in 2025: the month's last day"),
    (date(2020, 12, 31), 5, date(2025, 12, 31), date(2026, 12, 31), "duty on New Year's Eve: a year to finish"),
    (date(2021, 1, 1), 2, date(2023, 1, 1), date(2024, 12, 31), "two years"),
]


@pytest.mark.parametrize(("last", "years", "arises", "finished", "why"), OBLIGATIONS,
                         ids=[row[4] for row in OBLIGATIONS])
def test_obligation_and_completion(last, years, arises, finished, why):
    assert obligation_date(last, years) == arises
    assert completion_deadline(arises) == finished


CHILD = [
    # (last entry, birth date, placed, on, rules, due, kept, why)
    (date(2020, 3, 15), date(2012, 1, 1), False, date(2025, 3, 14), DEFAULT, False, "",
     "the day before five years have passed"),
    (date(2020, 3, 15), date(2012, 1, 1), False, date(2025, 3, 15), DEFAULT, True, "", "five years to the day"),
    (date(2020, 3, 15), date(2012, 1, 1), True, date(2030, 1, 1), DEFAULT, False, KEPT_PLACEMENT,
     "a placement is kept (12 kap. 2 §)"),
    (date(2020, 3, 15), date(2012, 1, 1), True, date(2030, 1, 1), RetentionRules(keep_placements=False), True, "",
     "the municipality keeps placements in the archive only"),
    (date(2020, 3, 15), date(2012, 1, 15), False, date(2030, 1, 1), RetentionRules(research_days=frozenset({5, 15, 25})),
     False, KEPT_RESEARCH, "born on the 15th: the research sample"),
    (date(2020, 3, 15), date(2012, 1, 16), False, date(2030, 1, 1), RetentionRules(research_days=frozenset({5, 15, 25})),
     True, "", "born on the 16th: not in the sample"),
    (date(2020, 3, 15), None, False, date(2030, 1, 1), RetentionRules(research_days=frozenset({5, 15, 25})),
     False, KEPT_BIRTH_UNKNOWN, "the sample cannot be checked without a birth date"),
    (date(2020, 3, 15), None, False, date(2030, 1, 1), DEFAULT, True, "", "no sample: the birth date is not needed"),
    (None, None, False, date(2030, 1, 1), DEFAULT, False, "", "no entry at all: nothing to count from"),
    (date(2020, 3, 15), date(2012, 1, 1), False, date(2027, 3, 14), RetentionRules(child_years=7), False, "",
     "a longer time set by the municipality"),
]


@pytest.mark.parametrize(("last", "born", "placed", "on", "rules", "due", "kept", "why"), CHILD,
                         ids=[row[7] for row in CHILD])
def test_child_verdict(last, born, placed, on, rules, due, kept, why):
    verdict = child_verdict(last_entry=last, birth_date=born, placed=placed, on=on, rules=rules)
    assert (verdict.due, verdict.kept) == (due, kept)


def test_staff_exit_comment_and_access_log():
    # Ended 2023-06-30, two years: pseudonymised from 2025-06-30.
    assert not staff_verdict(ended_on=date(2023, 6, 30), on=date(2025, 6, 29), rules=DEFAULT).due
    assert staff_verdict(ended_on=date(2023, 6, 30), on=date(2025, 6, 30), rules=DEFAULT).due
    assert not staff_verdict(ended_on=None, on=date(2099, 1, 1), rules=DEFAULT).due  # still employed
    # An interview of 2024-02-29: its comment goes from 2026-02-28 (no 29 February in 2026).
    assert not exit_comment_verdict(held_on=date(2024, 2, 29), on=date(2026, 2, 27), rules=DEFAULT).due
    assert exit_comment_verdict(held_on=date(2024, 2, 29), on=date(2026, 2, 28), rules=DEFAULT).due
    # Ten years: on 2036-05-10 the records written before 2026-05-10 are due.
    assert access_log_cutoff(date(2036, 5, 10), DEFAULT) == date(2026, 5, 10)


def test_rules_from_settings():
    rules = rules_from({"child_years": 5, "research_days": "5, 15,25", "keep_placements": False, "staff_years": 3})
    assert rules.research_days == frozenset({5, 15, 25}) and not rules.keep_placements and rules.staff_years == 3
    assert rules.access_log_years == 10
    for bad in ({"child_years": 0}, {"staff_years": 101}, {"research_days": "5,32"}, {"research_days": "femte"}):
        with pytest.raises(ValueError):
            rules_from(bad)


# The month's first working day (lag 1930:173 days off and Swedish holidays excluded, core.calendar).
PROPOSAL_DAYS = [
    (date(2026, 12, 1), True, "a Tuesday, no holiday"),
    (date(2026, 12, 2), False, "the second working day"),
    (date(2026, 1, 1), False, "nyårsdagen"),
    (date(2026, 1, 2), True, "Friday 2 January, the first working day of 2026"),
    (date(2026, 11, 2), True, "1 November 2026 is a Sunday: Monday the 2nd"),
    (date(2026, 8, 3), True, "1-2 August 2026 a weekend: Monday the 3rd"),
    (date(2026, 8, 1), False, "a Saturday"),
    (date(2027, 5, 3), True, "1 May 2027 (första maj) is a Saturday: Monday the 3rd"),
]


@pytest.mark.parametrize(("day", "expected", "why"), PROPOSAL_DAYS, ids=[str(d) for d, _, _ in PROPOSAL_DAYS])
def test_is_proposal_day(day, expected, why):
    assert is_proposal_day(day) is expected, why
