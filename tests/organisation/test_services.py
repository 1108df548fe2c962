"""The organisation services: only the sysadmin changes the structure, codes are checked, and a unit or
team that anything refers to is closed, never deleted."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from stabil.cases.models import Case, Child
from stabil.organisation import services
from stabil.organisation.models import Team, Unit
from stabil.staff.models import StaffMember
from tests.conftest import make_user


def test_only_the_sysadmin_changes_the_organisation(personas):
    org = personas.org
    for name in ("unit_manager", "department_head", "hr"):
        with pytest.raises(PermissionDenied):
            services.unit_create(by=personas[name], code="NY-E", name="Ny", department=org.department)
        with pytest.raises(PermissionDenied):
            services.unit_update(by=personas[name], unit=org.unit_a, name="X", department=org.department,
                                 active=False)
        with pytest.raises(PermissionDenied):
            services.team_delete(by=personas[name], team=org.team_a2)
    assert Unit.objects.get(pk=org.unit_a.pk).active


def test_create_and_change_units_and_teams_with_the_change_log(personas):
    org = personas.org
    admin = personas.sysadmin
    department = services.department_create(by=admin, code="FAM", name="Familj")
    unit = services.unit_create(by=admin, code="FAM-1", name="Familjerätt", department=department)
    team = services.team_create(by=admin, code="FAM-T", name="Familjeteamet", unit=unit)
    services.unit_update(by=admin, unit=unit, name="Familjerätten", department=org.department, active=True)
    services.team_update(by=admin, team=team, name="Teamet", active=False)
    unit.refresh_from_db()
    team.refresh_from_db()
    assert (unit.name, unit.department, team.name, team.active) == ("Familjerätten", org.department, "Teamet", False)
    for obj in (department, unit, team):
        assert {e.actor for e in LogEntry.objects.get_for_object(obj)} == {admin}


@pytest.mark.parametrize("code", ["", "S/1", "a b", "BU-Ö", "x" * 33, "ny", "UA", "ua"])
def test_bad_or_taken_codes_are_refused_in_swedish(personas, code):
    with pytest.raises(services.OrganisationInputError, match="kod"):
        services.unit_create(by=personas.sysadmin, code=code, name="Namn", department=personas.org.department)


def test_a_unit_with_cases_or_staff_is_not_deleted_and_the_refusal_names_no_id(personas):
    org = personas.org
    Case.objects.create(case_id="FALL-HEMLIG-1", child=Child.objects.create(child_id="BARN-1"), category="barn",
                        unit=org.unit_b)
    StaffMember.objects.create(staff_id="PERS-HEMLIG-1", unit=org.unit_a, started_on=date(2020, 1, 1))
    for unit in (org.unit_a, org.unit_b):
        with pytest.raises(services.OrganisationInputError) as refused:
            services.unit_delete(by=personas.sysadmin, unit=unit)
        assert "HEMLIG" not in str(refused.value) and "Stäng enheten" in str(refused.value)
    assert Unit.objects.filter(pk__in=[org.unit_a.pk, org.unit_b.pk]).count() == 2


def test_a_team_with_staff_or_users_is_not_deleted(personas):
    org = personas.org
    StaffMember.objects.create(staff_id="P-2", unit=org.unit_b, team=org.team_b1, started_on=date(2020, 1, 1))
    make_user("in-a2", "caseworker", [org.unit_a], team=org.team_a2)
    for team in (org.team_b1, org.team_a2):
        with pytest.raises(services.OrganisationInputError):
            services.team_delete(by=personas.sysadmin, team=team)
    assert Team.objects.filter(pk__in=[org.team_b1.pk, org.team_a2.pk]).count() == 2


def test_an_empty_unit_and_team_may_be_deleted(personas):
    admin = personas.sysadmin
    unit = services.unit_create(by=admin, code="TOM", name="Tom", department=personas.org.department)
    team = services.team_create(by=admin, code="TOM-T", name="Tomt", unit=unit)
    with pytest.raises(services.OrganisationInputError):
        services.unit_delete(by=admin, unit=unit)  # it still has its team
    services.team_delete(by=admin, team=team)
    services.unit_delete(by=admin, unit=unit)
    assert not Unit.objects.filter(code="TOM").exists()


def test_no_new_team_in_a_closed_unit(personas):
    org = personas.org
    services.unit_update(by=personas.sysadmin, unit=org.unit_b, name=org.unit_b.name, department=org.other_department,
                         active=False)
    with pytest.raises(services.OrganisationInputError, match="stängd"):
        services.team_create(by=personas.sysadmin, code="TB2", name="Nytt", unit=org.unit_b)
