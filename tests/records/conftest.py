"""A small world for record-keeping: two children with cases in unit A and B, their handlers."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def world(personas):
    """Child ``BX-1`` has case ``CA-1`` in unit A (handled by the caseworker) and ``CB-1`` in unit B (handled by
    the outsider); child ``BX-2`` has ``CA-2`` in unit A, handled by the other team's caseworker."""
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases
    from stabil.staff.models import StaffMember

    org = personas.org

    def staff(staff_id, unit, team, user):
        return StaffMember.objects.create(staff_id=staff_id, name=f"Namn {staff_id}", unit=unit, team=team,
                                          started_on=dt.date(2020, 1, 1), user=user)

    handlers = {"SA-1": staff("SA-1", org.unit_a, org.team_a1, personas.caseworker),
                "SA-2": staff("SA-2", org.unit_a, org.team_a2, personas.other_team_caseworker),
                "SB-1": staff("SB-1", org.unit_b, org.team_b1, personas.outsider)}
    first = Child.objects.create(child_id="BX-1", birth_date=dt.date(2015, 5, 5))
    second = Child.objects.create(child_id="BX-2", birth_date=dt.date(2016, 6, 6))
    cases = {}
    for case_id, child, unit, handler in (("CA-1", first, org.unit_a, "SA-1"), ("CB-1", first, org.unit_b, "SB-1"),
                                          ("CA-2", second, org.unit_a, "SA-2")):
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit,
                                   main_handler=handlers[handler])
        CaseEvent.objects.create(case=case, kind="report_received", on=dt.date.today() - dt.timedelta(days=3))
        CaseEvent.objects.create(case=case, kind="handler_assigned", on=dt.date.today() - dt.timedelta(days=3),
                                 staff=handlers[handler])
        cases[case_id] = case
    recompute_cases([c.pk for c in cases.values()])
    personas.cases = cases
    personas.handlers = handlers
    return personas
