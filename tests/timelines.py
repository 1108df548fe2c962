"""Case timelines for the stored = replayed tests (issue 12), shared by the cases, workload and simulation tests.

Each area reads a case as it stood on a day through ``cases.selectors``: from the stored ``Deadline`` and
``CaseState`` rows when they are exact for that day, else replayed from the events. The tests build the same
history twice over: first with only the events up to the day (so every stored row is exact and read), then
with the later events added (so every case with a later event is replayed), and ask each area for the day.
Both must give the same answer, under the default deadline rules and under others.

The timelines lean on the edge cases: a report on julafton (the protection assessment is not moved by
default; moved it lands on 2025-12-29), reports on Saturdays, an extension, a reporter asking for feedback
before 2026-01-15, an LVU foster home with a review on a Saturday, two investigations open at once with two
first contacts, an LVU placement while investigations are open, a handler assigned or changed after the day.
"""

from __future__ import annotations

import datetime as dt

d = dt.date

# Staff of unit A (``personas.org.unit_a``) who handle the cases.
STAFF = (("T-S1", "caseworker", "permanent", 6), ("T-S2", "caseworker", "permanent", 0),
         ("T-S3", "caseworker", "consultant", 8), ("T-S4", "team_lead", "permanent", 10))

# case id -> events (kind, date, extra fields); categories all "barn".
TIMELINES: dict[str, list[tuple]] = {
    "T1": [("report_received", d(2025, 12, 24), {}), ("handler_assigned", d(2025, 12, 24), {"staff_id": "T-S1"}),
           ("protection_assessed", d(2025, 12, 29), {}),
           ("preliminary_decided", d(2026, 1, 9), {"outcome": "investigation"}),
           ("investigation_opened", d(2026, 1, 9), {}), ("first_contact", d(2026, 1, 21), {}),
           ("investigation_extended", d(2026, 5, 8), {"until": d(2026, 7, 9), "reason": "Särskilda skäl"}),
           ("investigation_closed", d(2026, 6, 15), {"outcome": "intervention"})],
    "T2": [("report_received", d(2025, 11, 22), {}), ("feedback_requested", d(2025, 11, 22), {}),
           ("protection_assessed", d(2025, 11, 22), {}), ("handler_assigned", d(2025, 11, 24), {"staff_id": "T-S2"}),
           ("co_handler_assigned", d(2025, 11, 24), {"staff_id": "T-S1"}),
           ("preliminary_decided", d(2026, 1, 16), {"outcome": "no_investigation"}),
           ("reporter_informed", d(2026, 1, 26), {})],
    "T3": [("report_received", d(2025, 6, 2), {}), ("protection_assessed", d(2025, 6, 2), {}),
           ("investigation_opened", d(2025, 6, 10), {}), ("handler_assigned", d(2025, 6, 10), {"staff_id": "T-S1"}),
           ("first_contact", d(2025, 6, 12), {}), ("investigation_closed", d(2025, 10, 1), {"outcome": "intervention"}),
           ("foster_home_approved", d(2025, 10, 3), {}),
           ("intervention_started", d(2025, 10, 4), {"intervention": "foster_home", "reason": "LVU"}),
           ("care_plan_established", d(2025, 10, 20), {}), ("placement_reviewed", d(2026, 3, 28), {}),
           ("intervention_ended", d(2026, 5, 5), {})],
    "T4": [("report_received", d(2026, 1, 3), {}), ("handler_assigned", d(2026, 1, 5), {"staff_id": "T-S2"}),
           ("protection_assessed", d(2026, 1, 5), {}),
           ("preliminary_decided", d(2026, 1, 20), {"outcome": "investigation"}),
           ("investigation_opened", d(2026, 1, 20), {}), ("handler_assigned", d(2026, 2, 2), {"staff_id": "T-S3"})],
    "T5": [("report_received", d(2025, 9, 1), {}), ("protection_assessed", d(2025, 9, 1), {}),
           ("investigation_opened", d(2025, 9, 5), {}), ("handler_assigned", d(2025, 9, 5), {"staff_id": "T-S3"}),
           ("investigation_closed", d(2025, 12, 1), {"outcome": "intervention"}),
           ("intervention_started", d(2025, 12, 8), {"intervention": "outpatient", "reason": "SoL"}),
           ("intervention_ended", d(2026, 2, 27), {})],
    "T6": [("report_received", d(2026, 2, 14), {}), ("protection_assessed", d(2026, 2, 16), {}),
           ("handler_assigned", d(2026, 3, 3), {"staff_id": "T-S1"})],
    "T7": [("report_received", d(2025, 12, 1), {}), ("protection_assessed", d(2025, 12, 1), {}),
           ("investigation_opened", d(2025, 12, 3), {}), ("handler_assigned", d(2025, 12, 3), {"staff_id": "T-S2"}),
           ("first_contact", d(2025, 12, 5), {}), ("report_received", d(2025, 12, 10), {}),
           ("investigation_opened", d(2025, 12, 12), {}), ("first_contact", d(2025, 12, 19), {}),
           ("intervention_started", d(2026, 2, 20), {"intervention": "residential", "reason": "LVU"}),
           ("investigation_closed", d(2026, 3, 20), {"outcome": "intervention"})],
}

# The days looked at: a Saturday after julafton, a Saturday in January, after the LVU placement while
# investigations run, and the day before T6 gets its handler.
DAYS = (d(2025, 12, 27), d(2026, 1, 17), d(2026, 2, 21), d(2026, 3, 2))

# The municipality's rules: the defaults, and two sets of other choices of the Fristregler page.
RULES = {
    "default": None,
    "strict": {"move_to_working_day": False, "protection_assessment_days": 1, "protection_assessment_moves": False,
               "first_contact_guarantee": False, "first_contact_working_days": 7, "warning_working_days": 1},
    "moved": {"move_to_working_day": True, "protection_assessment_days": 0, "protection_assessment_moves": True,
              "first_contact_guarantee": True, "first_contact_working_days": 5, "warning_working_days": 5},
}


def build(org, rules: dict | None, on: dt.date):
    """Store the staff, the rules and every timeline's events up to ``on``; return ``add_later()``, which
    stores the events after ``on`` (each case's deadlines recomputed by the cases area's own services)."""
    from stabil.cases.models import Case, CaseEvent, Child, DeadlineSettings
    from stabil.cases.services import recompute_cases
    from stabil.staff.models import StaffMember

    if rules is not None:
        DeadlineSettings.objects.create(**rules)
    staff = {}
    for staff_id, role, employment, years in STAFF:
        staff[staff_id] = StaffMember.objects.create(
            staff_id=staff_id, name=f"Namn {staff_id}", unit=org.unit_a, team=org.team_a1, role=role,
            employment=employment, fte=1, degree="socionom", experience_years=years, started_on=d(2020, 1, 1))
    cases = {}
    for number, case_id in enumerate(TIMELINES, start=1):
        child = Child.objects.create(child_id=f"TB{number}", birth_date=d(2015, 1, number))
        cases[case_id] = Case.objects.create(case_id=case_id, child=child, category="barn", unit=org.unit_a)

    def store(wanted) -> None:
        for case_id, events in TIMELINES.items():
            for kind, day, extra in events:
                if wanted(day):
                    fields = dict(extra)
                    if "staff_id" in fields:
                        fields["staff"] = staff[fields.pop("staff_id")]
                    CaseEvent.objects.create(case=cases[case_id], kind=kind, on=day, **fields)
        recompute_cases([case.pk for case in cases.values()])

    store(lambda day: day <= on)

    def add_later() -> None:
        store(lambda day: day > on)
        later = {case_id for case_id, events in TIMELINES.items() if any(day > on for _k, day, _x in events)}
        assert later, "some case must have events after the day, or nothing would be replayed"

    return add_later
