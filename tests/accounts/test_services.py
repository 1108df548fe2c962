"""The user services: the rules hold whoever calls them (pages, command line), and every change of role or
units is in the change log with who and when."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from stabil.accounts.models import User
from stabil.accounts.services import (
    SelfChangeRefused,
    UserInputError,
    user_create,
    user_set_password,
    user_update,
)

PASSWORD = "Ett-ordentligt-losenord-2026"


def _entries(user):
    return LogEntry.objects.get_for_object(user).order_by("timestamp", "pk")


@pytest.mark.parametrize("change", [
    {"role": "department_head"},
    {"unit_codes": ["UA"]},
    {"is_active": False},
])
def test_nobody_changes_their_own_role_units_or_active_flag(personas, change):
    admin = personas.sysadmin
    with pytest.raises(SelfChangeRefused):
        user_update(by=admin, user=admin, **change)
    admin.refresh_from_db()
    assert admin.role == "sysadmin" and not admin.units.exists() and admin.is_active


def test_nobody_changes_their_own_team(personas):
    second = user_create(by=None, username="admin2", role="sysadmin", password=PASSWORD, unit_codes=["UA"])
    with pytest.raises(SelfChangeRefused):
        user_update(by=second, user=second, team_code="TA1")
    second.refresh_from_db()
    assert second.team is None


def test_one_may_change_ones_own_name_but_not_rights_in_the_same_call(personas):
    admin = personas.sysadmin
    user_update(by=admin, user=admin, first_name="Eva", role="sysadmin", unit_codes=[], is_active=True)
    admin.refresh_from_db()
    assert admin.first_name == "Eva"


def test_another_sysadmin_may_change_a_users_rights(personas):
    user = personas.caseworker
    user_update(by=personas.sysadmin, user=user, role="team_lead", unit_codes=["UA"], team_code="TA2")
    user.refresh_from_db()
    assert (user.role, user.team.code) == ("team_lead", "TA2")


def test_only_the_sysadmin_changes_users(personas):
    for name in ("unit_manager", "department_head", "hr", "caseworker"):
        with pytest.raises(PermissionDenied):
            user_update(by=personas[name], user=personas.caseworker, role="department_head")
        with pytest.raises(PermissionDenied):
            user_create(by=personas[name], username=f"new-{name}", role="caseworker", password=PASSWORD)
        with pytest.raises(PermissionDenied):
            user_set_password(by=personas[name], user=personas.caseworker, password=PASSWORD)
    assert User.objects.get(pk=personas.caseworker.pk).role == "caseworker"


def test_a_role_change_is_logged_with_who_and_when(personas):
    user = personas.caseworker
    user_update(by=personas.sysadmin, user=user, role="unit_manager")
    entry = _entries(user).last()
    assert entry.actor == personas.sysadmin and entry.timestamp is not None
    assert entry.changes_dict["role"] == ["caseworker", "unit_manager"]


def test_unit_changes_are_logged_with_who_and_when(personas):
    user = personas.hr
    user_update(by=personas.sysadmin, user=user, unit_codes=["UA", "UB"])
    user_update(by=personas.sysadmin, user=user, unit_codes=["UB"])
    units = [e for e in _entries(user) if "units" in (e.changes_dict or {})]
    assert [(e.changes_dict["units"]["operation"], e.changes_dict["units"]["objects"]) for e in units] == [
        ("add", ["Enhet A (UA)", "Enhet B (UB)"]), ("delete", ["Enhet A (UA)"]),
    ]
    assert {e.actor for e in units} == {personas.sysadmin}


def test_a_created_user_is_logged_with_its_units(personas):
    user = user_create(by=personas.sysadmin, username="ny", role="caseworker", password=PASSWORD,
                       unit_codes=["UA"], team_code="TA1")
    entries = list(_entries(user))
    assert entries[0].action == LogEntry.Action.CREATE and entries[0].actor == personas.sysadmin
    assert any(e.changes_dict.get("units", {}).get("objects") == ["Enhet A (UA)"] for e in entries)


def test_a_password_change_is_logged_without_its_value(personas):
    user = personas.caseworker
    user_set_password(by=personas.sysadmin, user=user, password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    entry = _entries(user).last()
    assert entry.actor == personas.sysadmin and entry.changes_dict == {"password": ["***", "***"]}
    assert user.password not in str(entry.changes) and user.password not in str(entry.serialized_data)


def test_passwords_go_through_djangos_validators(personas):
    with pytest.raises(UserInputError, match="lösenordet duger inte"):
        user_set_password(by=personas.sysadmin, user=personas.caseworker, password="abc")
    with pytest.raises(UserInputError, match="lösenordet duger inte"):
        user_create(by=personas.sysadmin, username="kort", role="hr", password="12345678")


def test_the_team_must_belong_to_one_of_the_users_units(personas):
    with pytest.raises(UserInputError, match="TB1 hör till enheten UB"):
        user_create(by=personas.sysadmin, username="x", role="caseworker", password=PASSWORD,
                    unit_codes=["UA"], team_code="TB1")
    with pytest.raises(UserInputError, match="TA1 hör till enheten UA"):
        user_update(by=personas.sysadmin, user=personas.caseworker, unit_codes=["UB"])


def test_closed_units_and_teams_are_not_newly_assigned(personas):
    org = personas.org
    org.unit_b.active = False
    org.unit_b.save()
    with pytest.raises(UserInputError, match="stängd"):
        user_update(by=personas.sysadmin, user=personas.caseworker, unit_codes=["UA", "UB"])
    # Someone already in a closed unit keeps it when other things change.
    user_update(by=personas.sysadmin, user=personas.outsider, first_name="Kvar", unit_codes=["UB"])


def test_nobody_becomes_staff_or_superuser(personas):
    user = user_create(by=personas.sysadmin, username="ny-admin", role="sysadmin", password=PASSWORD)
    assert not user.is_staff and not user.is_superuser
    user.is_superuser = user.is_staff = True
    user.save()
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


def test_unknown_role_unit_or_team_and_duplicate_names_are_swedish_errors(personas):
    with pytest.raises(UserInputError, match="okänd roll"):
        user_update(by=personas.sysadmin, user=personas.caseworker, role="king")
    with pytest.raises(UserInputError, match="okänd enhet: NOPE"):
        user_create(by=None, username="a", role="hr", password=PASSWORD, unit_codes=["NOPE"])
    with pytest.raises(UserInputError, match="okänt team"):
        user_create(by=None, username="a", role="hr", password=PASSWORD, team_code="NOPE")
    with pytest.raises(UserInputError, match="finns redan"):
        user_create(by=None, username="Caseworker", role="hr", password=PASSWORD)
