"""Governance reads: the deadline KPIs count as the egenkontroll counts (one definition of "met on time")."""

import datetime as dt

import pytest
import time_machine

from stabil.cases import selectors as case_selectors
from stabil.governance import selectors

FIRST, LAST = dt.date(2026, 3, 1), dt.date(2026, 3, 31)  # 2026-03-31 is a Tuesday


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Seen on the period's last day: the deadline due that day and not yet decided is open (it can still
        # be met today), not missed; only the one met on time fell due.
        (dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC), (1, 1)),
        # Seen after the period: it was not met on its day, so it is a breach.
        (dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC), (1, 2)),
    ],
)
def test_deadline_kpis_count_a_deadline_due_on_the_last_day_as_the_egenkontroll_does(add_case, org, today,
                                                                                         expected):
    add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 3, 2)),
                                  ("preliminary_decided", dt.date(2026, 3, 5), "", "no_investigation")])
    add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 3, 17))])  # due 2026-03-31
    with time_machine.travel(today, tick=False):
        value = selectors.deadline_values(FIRST, LAST, None)["preliminary_assessment_within_14_days"]
        summary = next(s for s in case_selectors.egenkontroll(FIRST, LAST).summaries
                       if s.kind == "preliminary_assessment")
    assert (value.numerator, value.denominator) == expected
    assert (summary.met, summary.due) == expected
