"""Stored = replayed for the workload path (issue 12): the board and the loads of a day read from the stored
case rows equal those replayed from the events, under the default deadline rules and under others
(see ``tests/timelines.py``; the cases themselves are read through ``cases.selectors.case_states``)."""

import dataclasses

import pytest

from stabil.cases.models import CaseState
from stabil.workload import selectors
from tests import timelines

pytestmark = pytest.mark.django_db


def _read(unit_id, on) -> dict:
    view = selectors.workload_on(on=on, unit_ids=[unit_id])
    # ``last_event_on`` is the case's last event of all: it tells a later view what it may reuse, and changes
    # when later events are added. Everything else must be equal.
    snapshots = sorted((dataclasses.replace(s, last_event_on=None) for s in view.snapshots), key=lambda s: s.case_id)
    return {"snapshots": snapshots, "loads": view.result, "by_staff": view.cases_by_staff,
            "board": selectors.board_for_unit(unit_id=unit_id, on=on)}


@pytest.mark.parametrize("rules", list(timelines.RULES))
@pytest.mark.parametrize("on", timelines.DAYS)
def test_the_workload_reads_the_same_from_stored_rows_and_from_events(personas, rules, on):
    unit_id = personas.org.unit_a.pk
    add_later = timelines.build(personas.org, timelines.RULES[rules], on)
    stored = _read(unit_id, on)
    add_later()
    assert CaseState.objects.filter(last_event_on__gt=on).exists()
    replayed = _read(unit_id, on)
    assert stored["snapshots"] and any(s.due_on for s in stored["snapshots"])
    for key in stored:
        assert replayed[key] == stored[key], key
