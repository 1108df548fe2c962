"""`stabil migrate` with two PostgreSQL roles: migrate as the owner, then grant the app role its share.

``STABIL_MIGRATE_DATABASE_URL`` (settings: the ``migrate`` database alias) names the owner role;
``DATABASE_URL`` the app role. Without the former, everything runs as ``DATABASE_URL`` as before (SQLite,
development, or a PostgreSQL set up without the split).
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import connections

from .roles import apply_grants

MIGRATE_ALIAS = "migrate"


def migrate_database() -> str:
    """The database alias ``stabil migrate`` runs the migrations on."""
    return MIGRATE_ALIAS if MIGRATE_ALIAS in settings.DATABASES else "default"


def grant_app_role(alias: str) -> None:
    """After migrating as the owner: the app role owns the ordinary tables, and may only add to the log."""
    if alias == "default" or connections[alias].vendor != "postgresql":
        return
    app_role = connections["default"].settings_dict["USER"]
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        if app_role and app_role != owner:
            apply_grants(cursor, app_role=app_role)
            sys.stderr.write(f"Rollen {app_role} får läsa och lägga till i åtkomstloggen men inte ändra den; "
                             f"{owner} äger den.\n")
