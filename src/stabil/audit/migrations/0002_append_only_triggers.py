"""Make the access log append-only in the database itself.

PostgreSQL (production): UPDATE and DELETE raise an error, row by row. TRUNCATE is left to the table's
owner (a database administrator, not any application role), because test databases are emptied with it.
SQLite (the embedded demo database): UPDATE raises; DELETE is refused by the model and its queryset, as
Django's test flush empties SQLite tables with DELETE.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_accessrecord_no_update BEFORE UPDATE ON audit_accessrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accessrecord_no_update;",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_accessrecord_append_only BEFORE UPDATE OR DELETE ON audit_accessrecord
       FOR EACH ROW EXECUTE FUNCTION audit_accessrecord_append_only();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accessrecord_append_only ON audit_accessrecord;",
    "DROP FUNCTION IF EXISTS audit_accessrecord_append_only();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
