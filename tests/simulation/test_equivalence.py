"""Stored = replayed for the simulation's starting point (issue 12): a unit's starting point on a day read from
the stored case rows equals the one replayed from the events, under the default deadline rules and under
others (see ``tests/timelines.py``). The open cases' phases and ages come from the cases area's reader."""

import pytest

from stabil.cases.models import CaseState
from stabil.simulation import selectors
from tests import timelines

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rules", list(timelines.RULES))
@pytest.mark.parametrize("on", timelines.DAYS)
def test_the_starting_point_is_the_same_from_stored_rows_and_from_events(personas, rules, on):
    unit = personas.org.unit_a
    add_later = timelines.build(personas.org, timelines.RULES[rules], on)
    stored = selectors.unit_starting_point(unit, on, use_forecast=False, calibrate_turnover=False)
    add_later()
    assert CaseState.objects.filter(last_event_on__gt=on).exists()
    replayed = selectors.unit_starting_point(unit, on, use_forecast=False, calibrate_turnover=False)
    # Not an empty comparison: open cases with their ages in days.
    assert any(ages for ages in stored["open_allocated"].values())
    assert any(age > 0 for ages in stored["open_allocated"].values() for age in ages)
    assert replayed == stored
