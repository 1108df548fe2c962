"""`stabil db-roles`, `stabil migrate` and `stabil audit verify` run as an operator runs them (subprocesses).

On PostgreSQL the production set-up from scratch: roles and database by `stabil db-roles --execute`, the
migration as the owner role, then the app role owns the ordinary tables and may only read and add to the
log. On SQLite a fresh file: the log's triggers hold even for a connection that is not Stabil's.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from tests.conftest import RUN_ID


def stabil(args, env):
    return subprocess.run([sys.executable, "-m", "stabil.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=900, check=False)


def _url(params, user, database):
    host = params["HOST"] or "127.0.0.1"
    return f"postgresql://{user}@{host}:{params['PORT'] or 5432}/{database}"


def test_db_roles_prints_the_sql_for_psql(tmp_path):
    result = stabil(["db-roles", "--database", "stabil"], {"STABIL_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "CREATE ROLE \"stabil_owner\"" in result.stdout and "GRANT \"stabil_app\" TO \"stabil_owner\"" in result.stdout
    assert "\\connect stabil" in result.stdout


def _postgresql_setup(tmp_path):
    params = connection.settings_dict
    base = re.sub(r"[^a-z0-9_]", "_", f"stabil_cli_{RUN_ID}_{os.environ.get('PYTEST_XDIST_WORKER', 'w')}".lower())[:50]
    database, app, owner = base, f"{base}_a", f"{base}_o"
    superuser = _url(params, params["USER"], "postgres")
    env = {"STABIL_DATA_DIR": str(tmp_path), "DATABASE_URL": _url(params, app, database),
           "STABIL_MIGRATE_DATABASE_URL": _url(params, owner, database)}
    try:
        created = stabil(["db-roles", "--app-role", app, "--owner-role", owner, "--database", database,
                          "--execute", superuser], {"STABIL_DATA_DIR": str(tmp_path)})
        assert created.returncode == 0, created.stderr
        migrated = stabil(["migrate"], env)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        assert f"Rollen {app} får läsa och lägga till i åtkomstloggen" in migrated.stderr
        user = stabil(["createuser", "sara", "--role", "hr"], {**env, "STABIL_MIGRATE_DATABASE_URL": ""})
        assert user.returncode == 0, user.stderr
        verified = stabil(["audit", "verify"], {**env, "STABIL_MIGRATE_DATABASE_URL": ""})
        assert verified.returncode == 0, verified.stderr
        assert "Åtkomstloggen är hel: 0 poster" in verified.stdout
        again = stabil(["migrate"], env)
        assert again.returncode == 0, again.stderr[-3000:]
        with psycopg.connect(_url(params, params["USER"], database), autocommit=True) as conn:
            owners = dict(conn.execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'"))
        assert owners["audit_accessrecord"] == owners["audit_chainhead"] == owners["django_migrations"] == owner
        assert owners["cases_case"] == owners["accounts_user"] == app
        with psycopg.connect(_url(params, app, database), autocommit=True) as conn:
            for statement in ("TRUNCATE audit_accessrecord", "DELETE FROM audit_accessrecord",
                              "ALTER TABLE audit_accessrecord DISABLE TRIGGER ALL"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
            # The bulk import drops and rebuilds indexes of ordinary tables: the app role owns them.
            with conn.transaction(force_rollback=True):
                conn.execute("CREATE INDEX probe ON cases_case (id)")
                conn.execute("DROP INDEX probe")
    finally:
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{app}"')
            conn.execute(f'DROP ROLE IF EXISTS "{owner}"')


def _sqlite_setup(tmp_path):
    path = tmp_path / "stabil.sqlite3"
    env = {"STABIL_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{path}"}
    migrated = stabil(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    verified = stabil(["audit", "verify"], env)
    assert verified.returncode == 0, verified.stderr
    assert "Åtkomstloggen är hel: 0 poster" in verified.stdout
    outside = sqlite3.connect(path)
    try:
        for statement in ("DELETE FROM audit_accessrecord", "UPDATE audit_accessrecord SET what = 'x'",
                          "DELETE FROM audit_chainhead",
                          # Retention's cuts (issue 15): nobody but Stabil's retention path writes one.
                          "INSERT INTO audit_chaincut (at, first_removed, last_removed, removed_count, anchor_hash, "
                          "reason, by_name) VALUES ('2026-01-01', 1, 1, 1, 'x', 'x', 'x')"):
            with pytest.raises(sqlite3.OperationalError, match="stabil_audit_unlocked"):
                outside.execute(statement)
    finally:
        outside.close()


def test_migrate_sets_up_an_append_only_log_from_scratch(tmp_path):
    if connection.vendor == "postgresql":
        _postgresql_setup(tmp_path)
    else:
        _sqlite_setup(tmp_path)
