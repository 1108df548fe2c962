"""PostgreSQL only, used by tests that ask for it: the production roles in the test database.

``pg_roles`` creates an owner role and an application role for this test database (names derived from the
database name, so parallel runs do not meet), makes the owner own the access log and gives the app role
the grants ``stabil migrate`` gives it (``stabil.audit.roles``). The rest of the suite keeps running as
the superuser it was started with. At the end every object and grant goes back and the roles are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from stabil.audit.chain import append
from stabil.audit.roles import apply_grants, roles_sql


def _role_names(database: str) -> tuple[str, str]:
    base = re.sub(r"[^a-z0-9_]", "_", database.lower())[:50]
    return f"{base}_app", f"{base}_owner"


@pytest.fixture(scope="session")
def pg_roles(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
        app, owner = _role_names(database)
        with connection.cursor() as cursor:
            for statement in roles_sql(app_role=app, owner_role=owner, database=database):
                cursor.execute(statement)
            apply_grants(cursor, app_role=app, owner_role=owner)
    yield app, owner
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'REASSIGN OWNED BY "{app}", "{owner}" TO CURRENT_USER')
        cursor.execute(f'DROP OWNED BY "{app}", "{owner}"')
        cursor.execute(f'DROP ROLE "{app}"')
        cursor.execute(f'DROP ROLE "{owner}"')


@dataclass
class AppRoleConnection:
    """A connection to the test database as the application's role."""

    raw: object  # psycopg.Connection
    django: object  # a Django DatabaseWrapper with the same role

    def execute(self, sql: str):
        return self.raw.execute(sql)

    def transaction(self):
        return self.raw.transaction()

    def append(self, what: str) -> int:
        return append(self.django, {"username": "(kommandorad)", "role": "", "channel": "cli", "action": "view",
                                    "what": what, "object_type": "", "object_ids": [], "object_count": 0,
                                    "path": "", "ip_address": None, "user_id": None}).seq


@pytest.fixture
def app_role_connection(pg_roles):
    app, _owner = pg_roles
    params = connection.settings_dict
    raw = psycopg.connect(host=params["HOST"] or None, port=params["PORT"] or None, dbname=params["NAME"],
                          user=app, autocommit=True)
    wrapper = DatabaseWrapper({**params, "USER": app, "PASSWORD": ""}, alias="app_role")
    try:
        yield AppRoleConnection(raw=raw, django=wrapper)
    finally:
        raw.close()
        wrapper.close()
