"""The case's unit copied onto its deadline and state rows (issue 16) is kept in step, and the pages that read
a unit's open work through it list the same rows as before, never a case outside the reader's scope."""

import datetime as dt

import pytest
import time_machine
from django.db.models import F

from stabil.cases import selectors, synthetic
from stabil.cases.importers import CaseEventLoader
from stabil.cases.models import Case, CaseEvent, CaseState, Child, Deadline
from stabil.cases.selectors import OPEN, OVERDUE
from stabil.cases.services import case_record_event, recompute_all_cases, recompute_cases
from stabil.imports.framework import ImportErrors
from stabil.organisation.models import Unit
from stabil.staff.models import StaffMember
from tests.conftest import client_for

LAST_ON = dt.date(2026, 11, 24)


def _units_in_step() -> None:
    """Every deadline and state row carries its case's unit."""
    assert not Deadline.objects.exclude(unit_id=F("case__unit_id")).exists()
    assert not CaseState.objects.exclude(unit_id=F("case__unit_id")).exists()


@pytest.fixture
def history(db):
    errors = ImportErrors()
    loader = CaseEventLoader(errors)
    spec = synthetic.default_spec(300, LAST_ON, years=2, n_units=3, staff_per_unit=4, seed=7)
    for number, row in enumerate(synthetic.generate(spec), start=2):
        loader.add(number, row)
    loader.store()
    assert not errors
    return Case.objects.all()


def test_the_import_stores_each_cases_unit_on_its_rows(history):
    assert Deadline.objects.count() > 500 and CaseState.objects.count() == Case.objects.count()
    _units_in_step()


def test_a_new_event_and_a_recomputation_keep_the_unit(history):
    case = Case.objects.filter(state__phase="investigation").first() or Case.objects.first()
    case_record_event(by=None, case=case, kind="investigation_opened", on=LAST_ON)
    assert Deadline.objects.filter(case=case).exists()
    _units_in_step()
    recompute_all_cases(chunk_size=70)
    _units_in_step()


def test_a_case_moved_to_another_unit_takes_its_rows_along(history):
    case = Case.objects.filter(deadlines__settled="").select_related("unit").first()
    old_unit = case.unit
    new_unit = Unit.objects.exclude(pk=old_unit.pk).order_by("code").first()
    Case.objects.filter(pk=case.pk).update(unit=new_unit)
    recompute_cases([case.pk])  # what a move must go through (services.recompute_cases restates the unit)
    assert set(Deadline.objects.filter(case=case).values_list("unit_id", flat=True)) == {new_unit.pk}
    assert CaseState.objects.get(case=case).unit_id == new_unit.pk
    _units_in_step()
    listed = {r.row.case_id for r in selectors.deadline_list(Case.objects.all(), LAST_ON, unit_code=new_unit.code)[0]}
    left = {r.row.case_id for r in selectors.deadline_list(Case.objects.all(), LAST_ON, unit_code=old_unit.code)[0]}
    assert case.case_id in listed and case.case_id not in left
    board = {s.case_id for s in selectors.case_states(LAST_ON, unit_ids=[new_unit.pk], include_closed=False)}
    assert case.case_id in board


def _pending_replayed(unit_code: str, on: dt.date) -> list[tuple]:
    """The unit's pending deadlines the old way: every case of the unit replayed from its events."""
    pks = list(Case.objects.filter(unit__code=unit_code).values_list("pk", flat=True))
    return sorted((r.deadline.due_on, r.case_id, r.deadline.kind, r.deadline.status)
                  for r in selectors._replayed_rows(pks, on) if r.deadline.status in (OPEN, OVERDUE))


@pytest.mark.parametrize("on", [LAST_ON, LAST_ON + dt.timedelta(days=30), LAST_ON - dt.timedelta(days=20)])
def test_the_deadline_list_of_a_unit_lists_the_same_rows(history, on):
    for unit in Unit.objects.all():
        rows, total = selectors.deadline_list(Case.objects.all(), on, unit_code=unit.code, limit=100_000)
        listed = sorted((r.row.deadline.due_on, r.row.case_id, r.row.deadline.kind, r.row.deadline.status)
                        for r in rows)
        assert listed == _pending_replayed(unit.code, on) and total == len(listed) and listed
        assert {r.row.unit_code for r in rows} == {unit.code}


@pytest.mark.parametrize("on", [LAST_ON, LAST_ON - dt.timedelta(days=20)])
def test_a_units_open_cases_are_the_same_read_by_unit_or_case_by_case(history, on):
    """The by-unit reads (the states' and deadlines' own unit) against the by-case reads (chunks of keys)."""
    def shown(states):
        return sorted((s.case_id, s.phase, s.main_handler, s.co_handler, s.under_lvu, s.deadlines) for s in states)

    for unit in Unit.objects.all():
        pks = list(Case.objects.filter(unit=unit).values_list("pk", flat=True))
        for pending_only in (True, False):
            by_unit = selectors.case_states(on, unit_ids=[unit.pk], include_closed=False, pending_only=pending_only,
                                            lvu=True)
            by_case = selectors.case_states(on, case_pks=pks, include_closed=False, pending_only=pending_only,
                                            lvu=True)
            assert shown(by_unit) == shown(by_case) and by_unit
        changed = set(Case.objects.filter(unit=unit).exclude(state__last_event_on__lte=on).values_list("pk", flat=True))
        assert set(selectors.case_pks_changed_after(on, unit_ids=[unit.pk])) == changed


def test_a_case_without_a_stored_state_is_still_on_its_units_board(history):
    unit = Unit.objects.order_by("code").first()
    case = Case.objects.filter(unit=unit, state__phase="investigation").first()
    CaseState.objects.filter(case=case).delete()
    Deadline.objects.filter(case=case).delete()
    states = {s.case_id: s for s in selectors.case_states(LAST_ON, unit_ids=[unit.pk], include_closed=False)}
    assert case.case_id in states and states[case.case_id].phase == "investigation"
    assert case.pk in selectors.case_pks_changed_after(LAST_ON, unit_ids=[unit.pk])


def test_overdue_counts_are_counted_in_the_database_by_unit(history):
    units = list(Unit.objects.all())
    counts = selectors.overdue_counts_by_unit([u.pk for u in units], LAST_ON)
    for unit in units:
        expected = sum(1 for _due, _case, _kind, status in _pending_replayed(unit.code, LAST_ON) if status == OVERDUE)
        assert counts.get(unit.code, 0) == expected


# --- scope: a unit's key on a row never lets a case outside the reader's scope through ---------------------


@pytest.fixture
def two_units(personas):
    org = personas.org
    staff = {}
    for unit, team, user, staff_id in ((org.unit_a, org.team_a1, personas.caseworker, "S-A"),
                                      (org.unit_b, org.team_b1, personas.outsider, "S-B")):
        staff[unit.code] = StaffMember.objects.create(staff_id=staff_id, unit=unit, team=team,
                                                      started_on=dt.date(2020, 1, 1), user=user)
    made = {}
    for case_id, unit in (("K-A1", org.unit_a), ("K-A2", org.unit_a), ("K-B1", org.unit_b), ("K-B2", org.unit_b)):
        child = Child.objects.create(child_id="B" + case_id, birth_date=dt.date(2015, 1, 1))
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit)
        CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 6, 5))
        CaseEvent.objects.create(case=case, kind="handler_assigned", on=dt.date(2026, 6, 5), staff=staff[unit.code])
        CaseEvent.objects.create(case=case, kind="investigation_opened", on=dt.date(2026, 6, 10))
        made[case_id] = case
    recompute_cases([c.pk for c in made.values()])
    return made


@pytest.fixture(autouse=False)
def _june():
    with time_machine.travel(dt.datetime(2026, 6, 17, 9, 0), tick=False):
        yield


def test_out_of_scope_case_ids_never_appear(two_units, personas, _june):
    org = personas.org
    # A row whose unit key says unit A while its case is in unit B (as if a move had not been recomputed):
    # the unit's key only finds rows, the case's own unit and the reader's scope decide what is shown.
    Deadline.objects.filter(case=two_units["K-B2"]).update(unit=org.unit_a)
    CaseState.objects.filter(case=two_units["K-B2"]).update(unit=org.unit_a)
    outside = {"K-B1", "K-B2"}
    for name in ("unit_manager", "caseworker", "team_lead", "department_head"):
        client = client_for(personas[name])
        for url in ("/arenden/", "/arenden/?unit=UA", "/arenden/?unit=UB", "/arenden/mina/"):
            response = client.get(url)
            body = response.content.decode()
            assert not any(case_id in body for case_id in outside), (name, url)
        listed = {r.row.case_id for r in selectors.deadline_list(Case.objects.filter(unit=org.unit_a), dt.date(2026, 6, 17),
                                                                 unit_code="UA")[0]}
        assert listed == {"K-A1", "K-A2"}
    board = {s.case_id for s in selectors.case_states(dt.date(2026, 6, 17), unit_ids=[org.unit_a.pk],
                                                      include_closed=False, pending_only=True)}
    assert board == {"K-A1", "K-A2"}
    # The unit manager's board and allocation pages of unit A.
    client = client_for(personas.unit_manager)
    for url in ("/arbetsbelastning/", "/arbetsbelastning/fordela/", "/arbetsbelastning/enheter/"):
        response = client.get(url)
        assert response.status_code in (200, 302)
        assert not any(case_id in response.content.decode() for case_id in outside), url
