"""Tampering with the access log in raw SQL, as the application's own database connection could.

Each test runs on the database of the run and asserts what must hold there: on SQLite the app's own
connection is refused (authorizer and triggers, see ``stabil.audit.guard``); on PostgreSQL the app runs as
a role that may only INSERT and SELECT the log (``stabil.audit.roles``), so the test connects as that role.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from stabil.audit.models import AccessRecord
from stabil.audit.services import record_access

# Committed rows: on PostgreSQL the app role's own connection must see them.
pytestmark = pytest.mark.django_db(transaction=True)

SQLITE_TAMPERING = {
    "delete": "DELETE FROM audit_accessrecord",
    "delete one": "DELETE FROM audit_accessrecord WHERE id = (SELECT MIN(id) FROM audit_accessrecord)",
    "update": "UPDATE audit_accessrecord SET what = 'x'",
    "insert or replace": (
        "INSERT OR REPLACE INTO audit_accessrecord (id, at, username, role, channel, action, what, object_type, "
        "object_ids, object_count, path, seq, prev_hash, row_hash) SELECT id, at, 'x', role, channel, action, "
        "'x', object_type, '[]', 0, path, seq, prev_hash, row_hash FROM audit_accessrecord"
    ),
    "replace into": (
        "REPLACE INTO audit_accessrecord (id, at, username, role, channel, action, what, object_type, "
        "object_ids, object_count, path, seq, prev_hash, row_hash) SELECT id + 1000, at, 'x', role, channel, "
        "action, 'x', object_type, '[]', 0, path, seq, prev_hash, row_hash FROM audit_accessrecord"
    ),
    "upsert": (
        "INSERT INTO audit_accessrecord (id, at, username, role, channel, action, what, object_type, object_ids, "
        "object_count, path, seq, prev_hash, row_hash) SELECT id, at, username, role, channel, action, what, "
        "object_type, object_ids, object_count, path, seq, prev_hash, row_hash FROM audit_accessrecord "
        "WHERE true ON CONFLICT (id) DO UPDATE SET what = 'x'"
    ),
    "drop update trigger": "DROP TRIGGER audit_accessrecord_no_update",
    "drop delete trigger": "DROP TRIGGER audit_accessrecord_no_delete",
    "drop replace trigger": "DROP TRIGGER audit_accessrecord_no_replace",
    "drop table": "DROP TABLE audit_accessrecord",
    "rename table": "ALTER TABLE audit_accessrecord RENAME TO old_log",
    "add column": "ALTER TABLE audit_accessrecord ADD COLUMN x integer",
    "silence inserts": ("CREATE TEMP TRIGGER quiet BEFORE INSERT ON main.audit_accessrecord "
                        "BEGIN SELECT RAISE(IGNORE); END"),
    "writable schema": "PRAGMA writable_schema = ON",
    "delete chain head": "DELETE FROM audit_chainhead",
    "drop chain head": "DROP TABLE audit_chainhead",
    # Retention's record of removed ranges (issue 15): a forged cut could hide removed old records.
    "forge a retention cut": ("INSERT INTO audit_chaincut (at, first_removed, last_removed, removed_count, "
                              "anchor_hash, reason, by_name) VALUES ('2026-01-01', 1, 1, 1, 'x', 'x', 'x')"),
    "drop retention cuts": "DROP TABLE audit_chaincut",
    "drop cut trigger": "DROP TRIGGER audit_chaincut_no_insert",
}

POSTGRESQL_TAMPERING = {
    "delete": "DELETE FROM audit_accessrecord",
    "update": "UPDATE audit_accessrecord SET what = 'x'",
    "truncate": "TRUNCATE audit_accessrecord",
    "disable trigger": "ALTER TABLE audit_accessrecord DISABLE TRIGGER audit_accessrecord_append_only",
    "disable all triggers": "ALTER TABLE audit_accessrecord DISABLE TRIGGER ALL",
    "drop trigger": "DROP TRIGGER audit_accessrecord_append_only ON audit_accessrecord",
    "drop table": "DROP TABLE audit_accessrecord",
    "add a trigger": ("CREATE TRIGGER quiet BEFORE INSERT ON audit_accessrecord FOR EACH ROW "
                      "EXECUTE FUNCTION suppress_redundant_updates_trigger()"),
    "upsert": (
        "INSERT INTO audit_accessrecord SELECT * FROM audit_accessrecord ON CONFLICT (id) DO UPDATE SET what = 'x'"
    ),
    "delete chain head": "DELETE FROM audit_chainhead",
    "truncate chain head": "TRUNCATE audit_chainhead",
    "replication role": "SET session_replication_role = replica",
    # Retention (issue 15): the app role may neither forge a cut nor use retention's switch to delete.
    "forge a retention cut": ("INSERT INTO audit_chaincut (at, first_removed, last_removed, removed_count, "
                              "anchor_hash, reason, by_name) VALUES (now(), 1, 1, 1, 'x', 'x', 'x')"),
    "delete with the retention switch": (
        "WITH switch AS (SELECT set_config('stabil.audit_retention', 'on', true)) "
        "DELETE FROM audit_accessrecord WHERE EXISTS (SELECT 1 FROM switch)"),
    "truncate retention cuts": "TRUNCATE audit_chaincut",
    "drop cut trigger": "DROP TRIGGER audit_chaincut_append_only ON audit_chaincut",
}


def _snapshot():
    return list(AccessRecord.objects.order_by("seq").values_list("seq", "what", "row_hash"))


@pytest.fixture
def two_records(personas):
    record_access(by=personas.unit_manager, action="view", what="Ärendesida", objects=["C-1"])
    record_access(by=personas.caseworker, action="export", what="Fristlista", objects=["C-2"])
    return _snapshot()


if connection.vendor == "postgresql":
    TAMPERING = POSTGRESQL_TAMPERING
else:
    TAMPERING = SQLITE_TAMPERING


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_raw_sql_cannot_change_or_remove_the_access_log(name, two_records, request):
    """On SQLite through the app's own connection; on PostgreSQL as the app's role."""
    if connection.vendor == "postgresql":
        app = request.getfixturevalue("app_role_connection")
        with pytest.raises(psycopg.errors.Error) as raised, app.transaction():
            app.execute(TAMPERING[name])
        assert "permission denied" in str(raised.value) or "must be owner" in str(raised.value) \
            or "append-only" in str(raised.value), str(raised.value)
    else:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(TAMPERING[name])
    assert _snapshot() == two_records


def test_the_app_can_still_append_and_read_through_raw_sql_paths(two_records, request):
    """The guards leave what the app needs: appending (record_access) and reading the log."""
    if connection.vendor == "postgresql":
        app = request.getfixturevalue("app_role_connection")
        rows = app.execute("SELECT count(*) FROM audit_accessrecord").fetchone()
        assert rows == (2,)
        seq = app.append("Ärendesida")
        assert seq == 3
    else:
        record_access(by=None, action="view", what="Ärendesida")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_accessrecord")
            assert cursor.fetchone() == (3,)
    assert [seq for seq, _what, _hash in _snapshot()] == [1, 2, 3]
