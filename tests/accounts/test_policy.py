"""The access policy, walked role by role (the table in stabil/accounts/policy.py)."""

import pytest

from stabil.accounts.policy import CAPABILITIES, has_capability, scope_cases, scope_staff, visible_units
from stabil.cases.models import Case, Child
from stabil.staff.models import StaffMember

pytestmark = pytest.mark.django_db


def _staff(staff_id, unit, team=None, user=None):
    return StaffMember.objects.create(staff_id=staff_id, unit=unit, team=team, user=user, started_on="2020-01-01")


def _case(case_id, unit, main=None, co=None):
    child = Child.objects.create(child_id=f"child-{case_id}")
    return Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit, main_handler=main, co_handler=co)


@pytest.fixture
def world(personas):
    org = personas.org
    me = _staff("S-ME", org.unit_a, org.team_a1, personas.caseworker)
    mate = _staff("S-MATE", org.unit_a, org.team_a1, personas.colleague)
    other = _staff("S-OTHER", org.unit_a, org.team_a2, personas.other_team_caseworker)
    far = _staff("S-FAR", org.unit_b, org.team_b1, personas.outsider)
    cases = {
        "mine": _case("C-MINE", org.unit_a, main=me),
        "co": _case("C-CO", org.unit_a, main=other, co=me),
        "team": _case("C-TEAM", org.unit_a, main=mate),
        "other_team": _case("C-OTHER", org.unit_a, main=other),
        "unassigned": _case("C-NEW", org.unit_a),
        "unit_b": _case("C-B", org.unit_b, main=far),
    }
    return personas, cases


EXPECTED_CASES = {
    "caseworker": {"mine", "co", "team"},
    "colleague": {"mine", "co", "team"},  # same team: sees the team's cases, including the co-handled one
    "other_team_caseworker": {"co", "other_team"},
    "team_lead": {"mine", "co", "team", "unassigned"},
    "unit_manager": {"mine", "co", "team", "other_team", "unassigned"},
    "department_head": {"mine", "co", "team", "other_team", "unassigned"},
    "hr": set(),
    "board": set(),
    "sysadmin": set(),
    "dpo": set(),  # the access log is its remit, not the cases themselves
    "archivist": set(),
    "outsider": {"unit_b"},
    "outsider_manager": {"unit_b"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_CASES))
def test_case_scope_per_role(world, persona):
    personas, cases = world
    visible = set(scope_cases(personas[persona], Case.objects.all()).values_list("case_id", flat=True))
    assert visible == {cases[key].case_id for key in EXPECTED_CASES[persona]}


EXPECTED_STAFF = {
    "caseworker": {"S-ME"},
    "team_lead": {"S-ME", "S-MATE"},
    "unit_manager": {"S-ME", "S-MATE", "S-OTHER"},
    "department_head": {"S-ME", "S-MATE", "S-OTHER"},
    "hr": {"S-ME", "S-MATE", "S-OTHER", "S-FAR"},
    "board": set(),
    "sysadmin": set(),
    "dpo": set(),
    "archivist": set(),
    "outsider_manager": {"S-FAR"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_STAFF))
def test_staff_scope_per_role(world, persona):
    personas, _ = world
    visible = set(scope_staff(personas[persona], StaffMember.objects.all()).values_list("staff_id", flat=True))
    assert visible == EXPECTED_STAFF[persona]


def test_department_head_sees_every_unit_of_their_department(personas):
    from stabil.organisation.models import Unit

    sibling = Unit.objects.create(department=personas.org.department, code="UA2", name="Syskonenhet")
    codes = set(visible_units(personas.department_head).values_list("code", flat=True))
    assert codes == {"UA", sibling.code}


def test_board_sees_no_case_rows_but_has_aggregate_capabilities(personas):
    board = personas.board
    assert not has_capability(board, "cases.view")
    assert has_capability(board, "governance.view")
    assert not has_capability(board, "reports.exact_figures")


def test_capabilities_are_registered_as_rules_permissions(personas):
    for capability, roles in CAPABILITIES.items():
        for name, user in personas.items():
            assert user.has_perm(f"stabil.{capability}") == (user.role in roles), (capability, name)


def test_a_superuser_flag_grants_no_capability(personas):
    user = personas.sysadmin
    user.is_superuser = True
    user.save()
    assert not has_capability(user, "cases.view")


def test_inactive_user_has_no_capability(personas):
    user = personas.unit_manager
    user.is_active = False
    user.save()
    assert not has_capability(user, "cases.view")


def test_unknown_capability_is_an_error(personas):
    with pytest.raises(KeyError):
        has_capability(personas.caseworker, "cases.everything")


def test_import_scope_role_by_role(personas):
    from stabil.accounts.policy import ImportScope, import_scope

    org = personas.org
    a, b = org.unit_a.pk, org.unit_b.pk
    expected = {
        # (cases.import, staff.import): the units each import file may name
        "unit_manager": (ImportScope(unit_ids=frozenset({a})), ImportScope()),
        "outsider_manager": (ImportScope(unit_ids=frozenset({b})), ImportScope()),
        "department_head": (ImportScope(unit_ids=frozenset({a})), ImportScope()),  # UB is in another department
        "hr": (ImportScope(), ImportScope(everything=True)),  # central HR: the whole municipality
        "sysadmin": (ImportScope(), ImportScope()),  # sees no case or person, so imports none
        "caseworker": (ImportScope(), ImportScope()),
        "board": (ImportScope(), ImportScope()),
    }
    for name, (cases, staff) in expected.items():
        assert (import_scope(personas[name], "cases.import"), import_scope(personas[name], "staff.import")) == (
            cases, staff), name
    assert import_scope(None, "cases.import") == ImportScope(everything=True)  # the operator, no --by
    assert not ImportScope().covers_unit(None) and not ImportScope(unit_ids=frozenset({a})).covers_unit(b)
    assert ImportScope(everything=True).covers_unit(None)  # only the whole municipality may create units


# Record-keeping (issue 15): who makes log extracts, runs the log follow-up and handles destruction lists.
RECORDS = {
    # persona: (log extract, whole access log, log follow-up, see lists, propose, approve, run)
    "dpo": (True, True, True, False, False, False, False),
    "unit_manager": (True, False, False, True, False, True, False),
    "outsider_manager": (True, False, False, True, False, True, False),
    "department_head": (False, False, False, True, False, True, False),
    "archivist": (False, False, False, True, True, True, True),
    "caseworker": (False,) * 7,
    "team_lead": (False,) * 7,
    "hr": (False,) * 7,
    "board": (False,) * 7,
    "sysadmin": (False,) * 7,  # the audit page is its own; it neither extracts nor deletes
}


@pytest.mark.parametrize("persona", sorted(RECORDS))
def test_record_keeping_capabilities_per_role(personas, persona):
    from stabil.accounts.policy import reads_whole_access_log

    user = personas[persona]
    got = (has_capability(user, "records.log_extract"), reads_whole_access_log(user),
           has_capability(user, "records.log_review"), has_capability(user, "records.retention_view"),
           has_capability(user, "records.retention_propose"), has_capability(user, "records.retention_approve"),
           has_capability(user, "records.retention_run"))
    assert got == RECORDS[persona]


def test_destruction_lists_are_approved_by_the_archivist_and_a_manager_who_sees_the_unit(personas):
    from stabil.accounts.policy import may_approve_retention, retention_units

    org = personas.org
    a, b = org.unit_a, org.unit_b
    assert may_approve_retention(personas.archivist, a) and may_approve_retention(personas.archivist, b)
    assert may_approve_retention(personas.unit_manager, a) and not may_approve_retention(personas.unit_manager, b)
    assert may_approve_retention(personas.outsider_manager, b) and not may_approve_retention(personas.outsider_manager, a)
    assert may_approve_retention(personas.department_head, a) and not may_approve_retention(personas.department_head, b)
    for name in ("dpo", "caseworker", "hr", "sysadmin", "board"):
        assert not may_approve_retention(personas[name], a), name
    assert retention_units(personas.archivist) is None and retention_units(None) is None  # every unit
    assert set(retention_units(personas.unit_manager)) == {a}
    assert not retention_units(personas.dpo).exists()
