"""Fixtures for governance tests: cases with events, a small scorecard and an action plan."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

_ids = itertools.count(1)


@pytest.fixture
def add_case(db):
    """Return a function creating a case with events: add_case(unit, category, [(kind, on, intervention)])."""
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases

    def make(unit, category, events):
        number = next(_ids)
        child = Child.objects.create(child_id=f"B{number:05d}", birth_date=dt.date(2010, 1, 1))
        case = Case.objects.create(case_id=f"A{number:05d}", child=child, category=category, unit=unit)
        for kind, on, *rest in events:
            CaseEvent.objects.create(case=case, kind=kind, on=on, intervention=rest[0] if rest else "",
                                     outcome=rest[1] if len(rest) > 1 else "")
        recompute_cases([case.pk])
        return case

    return make


@pytest.fixture
def governance_data(personas):
    """A board with a scorecard (one computed, one entered KPI), an action plan, a risk and a check."""
    from stabil.governance import services

    by = personas.unit_manager
    board = services.board_get_or_create(by=by, code="SN", name="Socialnämnden")
    card = services.scorecard_create(by=by, board=board, first_year=2025, title="Nämndstyrkort")
    perspective = services.perspective_add(by=by, scorecard=card, name="Invånare")
    goal = services.goal_add(by=by, perspective=perspective, text="Lagstadgade tider hålls")
    computed = services.kpi_add(by=by, goal=goal, name="Förhandsbedömningar inom 14 dagar",
                                computed="preliminary_assessment_within_14_days",
                                targets={2025: 100, 2026: 100, 2027: 100})
    entered = services.kpi_add(by=by, goal=goal, name="NKI", unit="index", targets={2025: 75, 2026: 75, 2027: 75})
    services.kpi_entry_set(by=by, kpi=entered, year=2025, value=70)
    plan = services.plan_create(by=by, board=board, title="Handlingsplan", budget_sek=5_000_000)
    risk = services.risk_create(by=by, board=board, title="Hög arbetsbelastning", likelihood=4, consequence=3,
                                owner="Enhetschef", review_on=dt.date(2026, 6, 30))
    measure = services.measure_add(by=by, plan=plan, title="Sex socialsekreterare", how="Anställa", expected_result="Kapacitet",
                                   due_on=dt.date(2026, 6, 15), cost_sek=1_500_000, responsible="Avdelningschef",
                                   goals=[goal], kpis=[computed], risks=[risk])
    check = services.check_create(by=by, board=board, name="Journalgranskning", frequency="quarterly",
                                  responsible="Kvalitetsutvecklare", first_due_on=dt.date(2026, 1, 31))
    return {"board": board, "card": card, "goal": goal, "computed": computed, "entered": entered, "plan": plan,
            "risk": risk, "measure": measure, "check": check}
