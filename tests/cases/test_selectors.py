"""The stored deadlines and the ones recomputed from events must agree; the past view hides later events."""

import datetime as dt

import pytest

from stabil.cases import selectors, synthetic
from stabil.cases.importers import CaseEventLoader
from stabil.cases.models import Case
from stabil.imports.framework import ImportErrors

LAST_ON = dt.date(2026, 11, 24)


@pytest.fixture
def history(db):
    errors = ImportErrors()
    loader = CaseEventLoader(errors)
    spec = synthetic.default_spec(400, LAST_ON, years=3, n_units=3, staff_per_unit=5, seed=11)
    for number, row in enumerate(synthetic.generate(spec), start=2):
        loader.add(number, row)
    loader.store()
    assert not errors
    return Case.objects.all()


def _rows(rows):
    return sorted((r.case_id, r.deadline.kind, r.deadline.started_on, r.deadline.due_on, r.deadline.met_on,
                   r.deadline.status) for r in rows)


@pytest.mark.parametrize("on", [LAST_ON, LAST_ON + dt.timedelta(days=40)])
def test_stored_deadlines_equal_recomputed_ones(history, on):
    assert selectors.materialised_is_exact(on)
    stored = _rows(selectors.deadlines_as_of(on))
    recomputed = _rows(selectors._replayed_rows(list(Case.objects.values_list("pk", flat=True)), on))
    assert stored == recomputed and len(stored) > 1000


def test_a_past_day_does_not_know_later_events(history):
    on = LAST_ON - dt.timedelta(days=200)
    assert not selectors.materialised_is_exact(on)
    rows = list(selectors.deadlines_as_of(on))
    assert all(r.deadline.started_on <= on for r in rows)
    assert all(r.deadline.met_on is None or r.deadline.met_on <= on for r in rows)
    assert {r.deadline.status for r in rows} == {"met", "missed", "open", "overdue"}


def test_egenkontroll_counts_add_up(history):
    report = selectors.egenkontroll(dt.date(2026, 1, 1), dt.date(2026, 6, 30), on=LAST_ON)
    for s in report.summaries:
        assert s.due == s.met + s.missed + s.overdue and s.open == 0
    assert len(report.breaches) == sum(s.missed + s.overdue for s in report.summaries)
    unit = selectors.egenkontroll(dt.date(2026, 1, 1), dt.date(2026, 6, 30), on=LAST_ON, unit_code="U01")
    assert 0 < sum(s.due for s in unit.summaries) < sum(s.due for s in report.summaries)
