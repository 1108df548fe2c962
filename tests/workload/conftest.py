"""A small unit with hand-computed loads: four caseworkers in unit UA, one in UB, four cases.

On 2025-11-24 (defaults: 165 h, 35 % non-case time; November 2025 has 20 working days):

| staff | who | capacity h/month | cases | demand h/month |
|---|---|---|---|---|
| S1 | socionom, 6 years, TA1, absent 5 of 20 days | 165 x 0.75 x 0.65 = 80.4375 | C1 main (preliminary 5), C2 main (investigation 8) | 13 |
| S2 | socionom, first year, TA1 | 165 x 0.65 x 0.8 = 85.8 | C2 co (investigation 3) | 3 |
| S3 | agency consultant, 8 years, TA2 | 107.25 | C3 main (outpatient 6) | 6 |
| S4 | team lead, 10 years, TA1, supervises S1 and S2 | 107.25 - 2 x 4 = 99.25 | – | 0 |
| S9 | socionom, unit UB | 107.25 | – | 0 |

C4 is a new report in UA without a handler.
"""

import datetime as dt

import pytest

ON = dt.date(2025, 11, 24)


@pytest.fixture
def unit_data(personas):
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases
    from stabil.staff.models import Absence, StaffMember

    org = personas.org

    def staff(staff_id, unit, team, *, role="caseworker", employment="permanent", experience=6,
              started=dt.date(2020, 1, 1), user=None):
        return StaffMember.objects.create(staff_id=staff_id, name=f"Namn {staff_id}", unit=unit, team=team, role=role,
                                          employment=employment, fte=1, degree="socionom",
                                          experience_years=experience, started_on=started, user=user)

    s1 = staff("S1", org.unit_a, org.team_a1, user=personas.caseworker)
    s2 = staff("S2", org.unit_a, org.team_a1, experience=0, started=dt.date(2025, 10, 1))
    s3 = staff("S3", org.unit_a, org.team_a2, employment="consultant", experience=8, started=dt.date(2024, 1, 1))
    s4 = staff("S4", org.unit_a, org.team_a1, role="team_lead", experience=10, user=personas.team_lead)
    s9 = staff("S9", org.unit_b, org.team_b1, user=personas.outsider)
    Absence.objects.create(staff=s1, kind="sick", first_day=dt.date(2025, 11, 3), last_day=dt.date(2025, 11, 7))

    def case(case_id, unit, events, category="barn", main=None, co=None):
        child = Child.objects.create(child_id=f"B-{case_id}", birth_date=dt.date(2015, 5, 5))
        c = Case.objects.create(case_id=case_id, child=child, category=category, unit=unit, main_handler=main,
                                co_handler=co)
        for kind, on, extra in events:
            CaseEvent.objects.create(case=c, kind=kind, on=on, **extra)
        return c

    d = dt.date
    c1 = case("C1", org.unit_a, [("report_received", d(2025, 11, 20), {}),
                                 ("handler_assigned", d(2025, 11, 20), {"staff": s1})])
    c2 = case("C2", org.unit_a, [("report_received", d(2025, 9, 1), {}),
                                 ("investigation_opened", d(2025, 9, 5), {}),
                                 ("handler_assigned", d(2025, 9, 5), {"staff": s1}),
                                 ("co_handler_assigned", d(2025, 9, 5), {"staff": s2})])
    c3 = case("C3", org.unit_a, [("report_received", d(2025, 3, 1), {}),
                                 ("investigation_opened", d(2025, 3, 3), {}),
                                 ("handler_assigned", d(2025, 3, 3), {"staff": s3}),
                                 ("investigation_closed", d(2025, 6, 2), {"outcome": "intervention"}),
                                 ("intervention_started", d(2025, 6, 9), {"intervention": "outpatient"})])
    c4 = case("C4", org.unit_a, [("report_received", d(2025, 11, 23), {})])
    recompute_cases([c1.pk, c2.pk, c3.pk, c4.pk])
    return {"S1": s1, "S2": s2, "S3": s3, "S4": s4, "S9": s9, "C1": c1, "C2": c2, "C3": c3, "C4": c4}
