"""Shared test fixtures: an organisation with two units, one persona per role, permission helpers.

Personas (healthchecks' owner / member / outsider, extended to Stabil's roles):

- unit A (code ``UA``, teams ``TA1`` and ``TA2``) is the home unit; unit B (``UB``, team ``TB1``) is elsewhere.
- ``caseworker`` and ``colleague`` are in team TA1, ``other_team_caseworker`` in TA2, ``team_lead`` leads
  TA1, ``unit_manager`` manages UA, ``department_head`` heads the department of UA and UB, ``hr`` is
  central HR, ``board`` a board member, ``sysadmin`` the system administrator, ``dpo`` the data-protection
  officer and ``archivist`` the archive responsible (issue 15; no unit), and ``outsider`` and
  ``outsider_manager`` belong to unit B in another department.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

# Property tests check rules, not speed: under a loaded 2-core CI machine an example may take longer than
# hypothesis' default 200 ms deadline, which fails a correct rule (seen on tests/core/test_calendar.py).
hypothesis_settings.register_profile("stabil", deadline=None)
hypothesis_settings.load_profile("stabil")

# Each test run gets its own throwaway databases on PostgreSQL.
RUN_ID = os.environ.get("STABIL_TEST_RUN_ID") or uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from django.conf import settings
    from pytest_django.fixtures import _set_suffix_to_test_databases

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _set_suffix_to_test_databases(suffix=RUN_ID)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that check hashing set it back explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached reads (KPI values, decision shares) belong to one test's data."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English leaves its thread in English."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.activate("sv")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Background jobs run inside the test; wrap a request that starts one in
    # django_capture_on_commit_callbacks(execute=True), as jobs are queued when the transaction commits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Org:
    municipality: object
    department: object
    other_department: object
    unit_a: object
    unit_b: object
    team_a1: object
    team_a2: object
    team_b1: object


@pytest.fixture
def org(db) -> Org:
    from stabil.organisation.models import Administration, Department, Municipality, Team, Unit

    municipality = Municipality.objects.create(name="Testkommun")
    administration = Administration.objects.create(municipality=municipality, code="SOC", name="Socialförvaltningen")
    department = Department.objects.create(administration=administration, code="BU", name="Barn och unga")
    other = Department.objects.create(administration=administration, code="VUX", name="Vuxen")
    unit_a = Unit.objects.create(department=department, code="UA", name="Enhet A")
    unit_b = Unit.objects.create(department=other, code="UB", name="Enhet B")
    return Org(
        municipality=municipality, department=department, other_department=other, unit_a=unit_a, unit_b=unit_b,
        team_a1=Team.objects.create(unit=unit_a, code="TA1", name="Team A1"),
        team_a2=Team.objects.create(unit=unit_a, code="TA2", name="Team A2"),
        team_b1=Team.objects.create(unit=unit_b, code="TB1", name="Team B1"),
    )


PERSONA_SPECS = {
    # name: (role, unit attribute names, team attribute name)
    "caseworker": ("caseworker", ["unit_a"], "team_a1"),
    "colleague": ("caseworker", ["unit_a"], "team_a1"),
    "other_team_caseworker": ("caseworker", ["unit_a"], "team_a2"),
    "team_lead": ("team_lead", ["unit_a"], "team_a1"),
    "unit_manager": ("unit_manager", ["unit_a"], None),
    "department_head": ("department_head", ["unit_a"], None),
    "hr": ("hr", [], None),
    "board": ("board_member", [], None),
    "sysadmin": ("sysadmin", [], None),
    "dpo": ("dpo", [], None),
    "archivist": ("archivist", [], None),
    "outsider": ("caseworker", ["unit_b"], "team_b1"),
    "outsider_manager": ("unit_manager", ["unit_b"], None),
}


class Personas(dict):
    """Users by persona name, with ``org`` attached."""

    org: Org

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def make_user(username: str, role: str, units=(), team=None, **extra):
    from stabil.accounts.models import User

    user = User.objects.create_user(username=username, password="test-password-123", role=role, team=team, **extra)
    user.units.set(units)
    return user


@pytest.fixture
def personas(org) -> Personas:
    result = Personas()
    result.org = org
    for name, (role, unit_attrs, team_attr) in PERSONA_SPECS.items():
        result[name] = make_user(
            name, role, units=[getattr(org, a) for a in unit_attrs],
            team=getattr(org, team_attr) if team_attr else None,
            first_name=name.replace("_", " ").title(),
        )
    return result


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def assert_view_permissions(url: str, personas: Personas, allowed: set[str], method: str = "get",
                            data=None, ok_statuses=(200, 302)) -> None:
    """Check ``url`` for every persona: ``allowed`` get an OK status, the others 403 or 404; anonymous
    visitors are redirected to the log-in page."""
    anonymous = getattr(Client(), method)(url, data or {})
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"], (
        f"anonymous {method.upper()} {url}: {anonymous.status_code}"
    )
    for name, user in personas.items():
        response = getattr(client_for(user), method)(url, data or {})
        if name in allowed:
            assert response.status_code in ok_statuses, f"{name} should reach {url}, got {response.status_code}"
        else:
            assert response.status_code in (403, 404), f"{name} must not reach {url}, got {response.status_code}"


@pytest.fixture
def view_permissions(personas):
    """A callable: ``view_permissions(url, allowed={...})`` runs ``assert_view_permissions``."""

    def check(url: str, allowed: set[str], **kwargs) -> None:
        assert_view_permissions(url, personas, allowed, **kwargs)

    return check
