"""The eligibility page logs every person and case it shows, each under its own type (issue 11, finding 7).

Before: one record mixed staff ids and case ids without a type, and the main handlers named in the case
warnings were missing when they were outside the reader's staff scope (a team lead sees a case of the
team through its co-handler; the main handler is in another team).
"""

from datetime import date

from stabil.audit.models import AccessRecord
from stabil.staff.models import StaffMember
from tests.conftest import client_for


def test_eligibility_page_logs_staff_and_cases_separately(personas):
    from stabil.cases.models import Case, Child

    org = personas.org
    own = StaffMember.objects.create(staff_id="P-TA1", unit=org.unit_a, team=org.team_a1, started_on=date(2015, 1, 1),
                                     experience_years=10)
    trainee = StaffMember.objects.create(staff_id="P-TA1-NEW", unit=org.unit_a, team=org.team_a1,
                                         started_on=date.today(), experience_years=0)
    other_team = StaffMember.objects.create(staff_id="P-TA2-NEW", unit=org.unit_a, team=org.team_a2,
                                            started_on=date.today(), experience_years=0)
    child = Child.objects.create(child_id="C-1", birth_date=date(2015, 1, 1))
    Case.objects.create(case_id="A-1", child=child, category="barn", unit=org.unit_a, main_handler=other_team,
                        co_handler=own)
    Case.objects.create(case_id="A-2", child=child, category="barn", unit=org.unit_a, main_handler=trainee)
    for fmt in ("", "?format=xlsx"):
        response = client_for(personas.team_lead).get(f"/personal/behorighet/{fmt}")
        assert response.status_code == 200
        records = AccessRecord.objects.filter(username="team_lead", path=f"/personal/behorighet/{fmt}")
        by_type = {r.object_type: set(r.object_ids) for r in records}
        assert by_type == {"staff.staffmember": {"P-TA1-NEW", "P-TA2-NEW"}, "cases.case": {"A-1", "A-2"}}
        assert {r.action for r in records} == {"export" if fmt else "view"}
    assert "P-TA2-NEW" in client_for(personas.team_lead).get("/personal/behorighet/").content.decode()
