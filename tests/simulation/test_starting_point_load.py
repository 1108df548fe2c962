"""Acceptance: a unit simulated from the database starts where the workload board says it stands.

The unit (UA, on 2025-11-24; November 2025 has 20 working days) has, with the default workload settings
(165 h, 35 % non-case time, 4 h supervision per supervisee):

| staff | who | case hours h/month |
|---|---|---|
| T1 | team lead, 12 years, supervises the five caseworkers of TA1 | 107.25 - 5 x 4 = 87.25 |
| S1 | caseworker, 6 years, 0.8 FTE, sick 3 of 20 days | 165 x 0.8 x 0.85 x 0.65 = 72.93 |
| S2 | caseworker, first year | 107.25 x 0.8 = 85.8 |
| S3 | caseworker, 3.5 years | 107.25 x 0.92 = 98.67 |
| K1 | agency consultant, 2 years | 107.25 x 0.84 = 90.09 |
| TR1 | trainee | 107.25 x 0.5 = 53.625 |

and 8 budgeted positions (5.8 FTE filled: two vacancies). Open cases: 6 preliminary assessments (one without
a handler), 26 investigations (5 co-handled, 3 with an interpreter), 40 follow-ups (24 outpatient, 10 in
foster homes, 6 residential of which 3 under LVU); 20 reports a month for two years, half of them investigated
and half of those ending in an intervention. The board's load is about 1.0; before the fix the simulation
filled both vacancies with consultants on day one and mapped every follow-up to outpatient weight.
"""

import datetime as dt

import numpy as np
import pytest

from stabil.core import simulation as core
from stabil.core.calendar import month_start
from stabil.simulation import selectors

ON = dt.date(2025, 11, 24)


@pytest.fixture
def loaded_unit(personas):
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases
    from stabil.staff.models import Absence, StaffMember, UnitStaffing
    from stabil.workload.models import CaseComplexity

    org = personas.org
    unit, team = org.unit_a, org.team_a1

    def staff(staff_id, *, role="caseworker", employment="permanent", experience=6.0, fte=1, started=None):
        return StaffMember.objects.create(staff_id=staff_id, name=staff_id, unit=unit, team=team, role=role,
                                          employment=employment, fte=fte, degree="socionom",
                                          experience_years=experience, started_on=started or dt.date(2024, 11, 1))

    people = {
        "T1": staff("T1", role="team_lead", experience=11),
        "S1": staff("S1", experience=5, fte=0.8),
        "S2": staff("S2", experience=0, started=dt.date(2025, 6, 1)),
        "S3": staff("S3", experience=2.5),
        "K1": staff("K1", employment="consultant", experience=1),
        "TR1": staff("TR1", employment="trainee", experience=0, started=dt.date(2025, 9, 1)),
    }
    Absence.objects.create(staff=people["S1"], kind="sick", first_day=dt.date(2025, 11, 10),
                           last_day=dt.date(2025, 11, 12))
    UnitStaffing.objects.create(unit=unit, valid_from=dt.date(2025, 1, 1), budgeted_fte=8)

    # Two years of closed history: 20 reports a month, every other one investigated, every other
    # investigation ending in an intervention (the unit's decision shares and inflow forecast).
    children, cases, events = [], [], []
    n = 0
    month = month_start(ON, -24)
    while month < ON.replace(day=1):
        for k in range(20):
            n += 1
            day = month + dt.timedelta(days=k)
            children.append(Child(child_id=f"HB{n}"))
            cases.append((f"H{n}", day, n % 2 == 0, n % 4 == 0))
        month = month_start(month, 1)
    Child.objects.bulk_create(children)
    child_pk = dict(Child.objects.values_list("child_id", "pk"))
    Case.objects.bulk_create([Case(case_id=cid, child_id=child_pk[f"HB{cid[1:]}"], category="barn", unit=unit)
                              for cid, *_ in cases])
    case_pk = dict(Case.objects.values_list("case_id", "pk"))
    for cid, day, investigated, intervention in cases:
        pk = case_pk[cid]
        events.append(CaseEvent(case_id=pk, kind="report_received", on=day))
        events.append(CaseEvent(case_id=pk, kind="preliminary_decided", on=day + dt.timedelta(days=2),
                                outcome="investigation" if investigated else "no_investigation"))
        if investigated:
            events.append(CaseEvent(case_id=pk, kind="investigation_opened", on=day + dt.timedelta(days=2)))
            events.append(CaseEvent(case_id=pk, kind="investigation_closed", on=day + dt.timedelta(days=5),
                                    outcome="intervention" if intervention else "no_intervention"))
            if intervention:
                events.append(CaseEvent(case_id=pk, kind="intervention_started", on=day + dt.timedelta(days=6),
                                        intervention="outpatient"))
                events.append(CaseEvent(case_id=pk, kind="intervention_ended", on=day + dt.timedelta(days=8),
                                        intervention="outpatient"))

    # The open cases, handled by the five people who may be main caseworker (not the trainee).
    handlers = ["T1", "S1", "S2", "S3", "K1"]
    opened = []

    def open_case(case_id, steps, *, main=None, co=None, interpreter=False):
        child = Child.objects.create(child_id=f"OB{case_id}")
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit)
        for kind, day, extra in steps:
            events.append(CaseEvent(case_id=case.pk, kind=kind, on=day, **extra))
        last = steps[-1][1]
        if main:
            events.append(CaseEvent(case_id=case.pk, kind="handler_assigned", on=last, staff=people[main]))
        if co:
            events.append(CaseEvent(case_id=case.pk, kind="co_handler_assigned", on=last, staff=people[co]))
        if interpreter:
            CaseComplexity.objects.create(case=case, interpreter_needed=True)
        opened.append(case.pk)

    def ago(days):
        return ON - dt.timedelta(days=days)

    for i in range(6):
        open_case(f"PA{i}", [("report_received", ago(1 + 2 * i), {})], main=None if i == 0 else handlers[i % 5])
    for i in range(26):
        age = 3 + 4 * i
        open_case(f"U{i}", [("report_received", ago(age + 5), {}),
                            ("preliminary_decided", ago(age), {"outcome": "investigation"}),
                            ("investigation_opened", ago(age), {})],
                  main=handlers[i % 5], co=("S2" if i % 2 else "TR1") if i < 5 else None, interpreter=i in (7, 8, 9))
    for i in range(40):
        kind = "outpatient" if i < 24 else "foster_home" if i < 34 else "residential"
        extra = {"intervention": kind, **({"reason": "LVU"} if i >= 37 else {})}
        start = ago(10 + 9 * i)
        open_case(f"F{i}", [("report_received", start - dt.timedelta(days=60), {}),
                            ("preliminary_decided", start - dt.timedelta(days=55), {"outcome": "investigation"}),
                            ("investigation_opened", start - dt.timedelta(days=55), {}),
                            ("investigation_closed", start - dt.timedelta(days=1), {"outcome": "intervention"}),
                            ("intervention_started", start, extra)],
                  main=handlers[i % 5])
    CaseEvent.objects.bulk_create(events)
    recompute_cases(list(case_pk.values()) + opened)
    return unit


@pytest.mark.django_db
def test_first_simulated_month_starts_at_the_boards_load(loaded_unit):
    from stabil.workload.selectors import workload_on

    view = workload_on(on=ON, unit_ids=[loaded_unit.pk])
    board = next(u for u in view.result.units if u.code == "UA")
    # the fixture is what the docstring says: six people, 72 open cases of which 71 with a handler
    assert board.staff_count == 6
    assert board.capacity_hours == pytest.approx(87.25 + 72.93 + 85.8 + 98.67 + 90.09 + 53.625, abs=0.05)
    assert 0.9 < board.load < 1.15

    data = selectors.unit_starting_point(loaded_unit, ON, months=3)
    assert data["vacancies"] == 2
    consultants = [g for g in data["staff"] if g.get("consultant")]
    assert consultants == [{"count": 1, "fte": 1.0, "experience_years": 2.0, "consultant": True}]
    assert [g for g in data["staff"] if g.get("trainee")] == [
        {"count": 1, "fte": 1.0, "experience_years": 0.0, "trainee": True}]
    assert [g.get("supervisees") for g in data["staff"] if g.get("supervisees")] == [5]
    # the first month's absence is the recorded one: S1's 3 of 20 days, weighted by her case hours
    lost = 0.15 / 0.85 * 72.93
    assert data["start_absence_share"] == pytest.approx(lost / (board.capacity_hours + lost), abs=1e-3)

    sc = core.scenario_from_dict(data)
    res = core.simulate(sc, runs=200, seed=7)
    # month 1: today's people: the one consultant actually employed, not one per vacancy
    assert res.monthly["consultants"][:, 0].max() == 1
    # the vacancies are covered by consultants after the lead time (one month), as before
    assert sc.consultant_lead_months == 1
    assert (res.monthly["consultants"][:, 1] >= 2).mean() > 0.9
    # the simulated first month's median load lies within 10 % of the board's load. What remains is
    # systematic and small (docs/simulation.md, "Starting point"): the simulation counts the one case without
    # a handler (the board counts only cases someone carries), the month's load is the mean over its days
    # while cases complete and new reports arrive (open cases' remaining durations are drawn as a part of a
    # fresh duration, so the stock drains a little faster than it fills), and the median run has nobody
    # leaving on the first day.
    median = float(np.median(res.monthly["load"][:, 0]))
    assert median == pytest.approx(board.load, rel=0.10), (median, board.load)
    # with no lead time (the behaviour before the fix) the two vacancies are filled with consultants on day
    # one: that alone puts the first month's load far below the board's
    filled = core.scenario_from_dict({**data, "consultant_lead_months": 0})
    res0 = core.simulate(filled, runs=200, seed=7)
    assert np.median(res0.monthly["consultants"][:, 0]) == 3
    assert float(np.median(res0.monthly["load"][:, 0])) < 0.8 * board.load
