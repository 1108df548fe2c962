"""Make the access log append-only in the database itself: UPDATE and DELETE raise an error.

The model already refuses both; the triggers also stop raw SQL and bulk queryset operations.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_accessrecord_no_update BEFORE UPDATE ON audit_accessrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
    """CREATE TRIGGER audit_accessrecord_no_delete BEFORE DELETE ON audit_accessrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accessrecord_no_update;",
    "DROP TRIGGER IF EXISTS audit_accessrecord_no_delete;",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_accessrecord_append_only BEFORE UPDATE OR DELETE ON audit_accessrecord
       FOR EACH ROW EXECUTE FUNCTION audit_accessrecord_append_only();""",
    """CREATE TRIGGER audit_accessrecord_no_truncate BEFORE TRUNCATE ON audit_accessrecord
       FOR EACH STATEMENT EXECUTE FUNCTION audit_accessrecord_append_only();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accessrecord_no_truncate ON audit_accessrecord;",
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
