"""``scope_assignable_staff``: to whom a user may allocate cases (the people of their workload board)."""

from datetime import date

from stabil.accounts.policy import scope_assignable_staff
from stabil.staff.models import StaffMember


def test_assignable_staff_role_by_role(personas):
    org = personas.org
    for staff_id, unit, team in (("TA1-1", org.unit_a, org.team_a1), ("TA2-1", org.unit_a, org.team_a2),
                                 ("TB1-1", org.unit_b, org.team_b1)):
        StaffMember.objects.create(staff_id=staff_id, unit=unit, team=team, started_on=date(2020, 1, 1))
    expected = {
        "team_lead": {"TA1-1"},  # their team only, as on the board
        "unit_manager": {"TA1-1", "TA2-1"},  # their units
        "outsider_manager": {"TB1-1"},
        # Nobody without workload.allocate, whatever staff they may see.
        "caseworker": set(), "department_head": set(), "hr": set(), "board": set(), "sysadmin": set(),
    }
    for persona, ids in expected.items():
        got = set(scope_assignable_staff(personas[persona], StaffMember.objects.all())
                  .values_list("staff_id", flat=True))
        assert got == ids, persona
