"""Stored = replayed for the cases path (issue 12): the case timeline read from the stored rows equals the one
replayed from the events, under the default deadline rules and under others (see ``tests/timelines.py``).

Compared for the day: every case as ``case_states`` gives it, the deadline rows (``deadlines_as_of``, which the
self-inspection and the governance KPIs read), the deadline list page's rows, the self-inspection, and the
exact bytes of ``stabil report deadlines --on`` in JSON and CSV.
"""

import dataclasses
import datetime as dt

import pytest

from stabil.cases import selectors
from stabil.cases.models import Case, CaseState
from stabil.cli import main
from tests import timelines

pytestmark = pytest.mark.django_db


def _read(capsysbinary, on: dt.date) -> dict:
    """Everything the cases area reads about the day."""
    states = sorted((dataclasses.replace(s, last_event_on=None) for s in selectors.case_states(on)),
                    key=lambda s: s.case_id)
    listed, total = selectors.deadline_list(Case.objects.all(), on, limit=500)
    report = {}
    for fmt in ("json", "csv"):
        assert main(["report", "deadlines", "--format", fmt, "--on", on.isoformat()]) == 0
        report[fmt] = capsysbinary.readouterr().out
    return {
        "states": states,
        "rows": list(selectors.deadlines_as_of(on)),
        "list": (listed, total),
        "egenkontroll": selectors.egenkontroll(dt.date(2025, 6, 1), on, on=on).as_json(),
        "report": report,
    }


@pytest.mark.parametrize("rules", list(timelines.RULES))
@pytest.mark.parametrize("on", timelines.DAYS)
def test_the_cases_read_the_same_from_stored_rows_and_from_events(personas, capsysbinary, rules, on):
    add_later = timelines.build(personas.org, timelines.RULES[rules], on)
    assert selectors.materialised_is_exact(on)
    stored = _read(capsysbinary, on)
    add_later()
    # The cases with later events now have stored rows computed with events the day did not know: replayed.
    assert CaseState.objects.filter(last_event_on__gt=on).exists() and not selectors.materialised_is_exact(on)
    replayed = _read(capsysbinary, on)
    assert stored["rows"] and stored["list"][1] and stored["report"]["json"].count(b'"case_id"') > 10
    for key in stored:
        assert replayed[key] == stored[key], key


def test_the_rules_make_a_difference_to_what_is_compared(personas):
    # Not a comparison of empty or rule-blind answers: T1's report came on julafton 2025-12-24. By default the
    # protection assessment is due that day ("genast", not moved); moved, it is due on the next working day
    # after julafton, juldagen, annandag jul and the weekend: Monday 2025-12-29. Strict calendar days with a
    # one-day protection assessment: 2025-12-25.
    on = dt.date(2025, 12, 27)
    due = {}
    for name, rules in timelines.RULES.items():
        timelines.build(personas.org, rules, on)
        state = next(s for s in selectors.case_states(on) if s.case_id == "T1")
        due[name] = next(x.due_on for x in state.deadlines if x.kind == "protection_assessment")
        Case.objects.all().delete()
        from stabil.cases.models import Child, DeadlineSettings
        from stabil.staff.models import StaffMember

        Child.objects.all().delete()
        DeadlineSettings.objects.all().delete()
        StaffMember.objects.all().delete()
    assert due == {"default": dt.date(2025, 12, 24), "moved": dt.date(2025, 12, 29), "strict": dt.date(2025, 12, 25)}
