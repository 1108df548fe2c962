"""`stabil migrate` with two PostgreSQL roles: migrate as the owner, then grant the app role its share.

``STABIL_MIGRATE_DATABASE_URL`` names the owner role, ``DATABASE_URL`` the app role. The migrations run in
a child process whose only database is the owner's (some third-party data migrations use the default
connection, so a second alias is not enough); then the owner applies ``roles.apply_grants``. Without
``STABIL_MIGRATE_DATABASE_URL`` everything runs as ``DATABASE_URL``, as before.
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
from django.conf import settings
from django.db import connections

from stabil.common.cli import CliError

from .roles import apply_grants


def migrate_as_owner() -> bool:
    """Migrate as the owner role and grant the app role; False when no owner role is configured."""
    owner_url = settings.MIGRATE_DATABASE_URL
    if not owner_url:
        return False
    env = {**os.environ, "DATABASE_URL": owner_url, "STABIL_MIGRATE_DATABASE_URL": ""}
    child = subprocess.run([sys.executable, "-m", "stabil.cli", "migrate"], env=env, check=False)
    if child.returncode != 0:
        raise CliError("migreringen som ägarrollen (STABIL_MIGRATE_DATABASE_URL) misslyckades", child.returncode)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_user")
        (app_role,) = cursor.fetchone()
    try:
        with psycopg.connect(owner_url, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (owner,) = cursor.fetchone()
            if app_role == owner:
                raise CliError("DATABASE_URL och STABIL_MIGRATE_DATABASE_URL har samma roll; appen ska köra "
                               "som en egen roll (stabil db-roles)")
            apply_grants(cursor, app_role=app_role)
    except psycopg.Error as exc:
        raise CliError(f"rättigheterna kunde inte sättas: {str(exc).strip().splitlines()[0]}") from exc
    sys.stderr.write(f"Rollen {app_role} får läsa och lägga till i åtkomstloggen men inte ändra den; "
                     f"{owner} äger den.\n")
    return True
