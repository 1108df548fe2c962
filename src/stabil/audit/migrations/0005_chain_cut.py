"""Retention of the access log (issue 15): the record of each removal of its oldest records (``ChainCut``),
protected like the log, and the one way the owner may delete old records.

SQLite: the cut table refuses UPDATE and DELETE, and INSERT too, unless the connection is in maintenance
(``guard.py``); the authorizer refuses them as well. The log's DELETE trigger already stands aside only in
maintenance, which ``retention.remove_through`` enters.

PostgreSQL: the append-only trigger function now lets a DELETE of access records through when the
transaction has set ``stabil.audit_retention`` to ``on``. The application role has no DELETE privilege on the
log (``roles.py``), so only the owner (or a superuser) gets as far as the trigger; the setting keeps an
owner's stray DELETE refused. Cuts refuse UPDATE and DELETE for everyone, and the application role may only
SELECT them.
"""

from django.db import migrations, models

CUT = "audit_chaincut"
REFUSE = "SELECT RAISE(ABORT, 'audit records are append-only');"
SQLITE = [
    f"""CREATE TRIGGER audit_chaincut_no_update BEFORE UPDATE ON {CUT}
        WHEN NOT stabil_audit_unlocked() BEGIN {REFUSE} END;""",
    f"""CREATE TRIGGER audit_chaincut_no_delete BEFORE DELETE ON {CUT}
        WHEN NOT stabil_audit_unlocked() BEGIN {REFUSE} END;""",
    f"""CREATE TRIGGER audit_chaincut_no_insert BEFORE INSERT ON {CUT}
        WHEN NOT stabil_audit_unlocked() BEGIN {REFUSE} END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_chaincut_no_update;", "DROP TRIGGER IF EXISTS audit_chaincut_no_delete;",
                  "DROP TRIGGER IF EXISTS audit_chaincut_no_insert;"]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_accessrecord'
            AND current_setting('stabil.audit_retention', true) = 'on' THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit records are append-only';
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER audit_chaincut_append_only BEFORE UPDATE OR DELETE ON {CUT}
       FOR EACH ROW EXECUTE FUNCTION audit_accessrecord_append_only();""",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_chaincut_append_only ON {CUT};",
    """CREATE OR REPLACE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql;""",
]


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_child_ids'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainCut',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='tidpunkt')),
                ('first_removed', models.BigIntegerField(verbose_name='första borttagna löpnummer')),
                ('last_removed', models.BigIntegerField(unique=True, verbose_name='sista borttagna löpnummer')),
                ('removed_count', models.PositiveIntegerField(verbose_name='antal borttagna poster')),
                ('anchor_hash', models.CharField(max_length=64, verbose_name='kontrollsumma som kedjan fortsätter från')),
                ('reason', models.CharField(max_length=200, verbose_name='skäl')),
                ('by_name', models.CharField(max_length=150, verbose_name='av')),
            ],
            options={
                'verbose_name': 'gallring av åtkomstloggen',
                'verbose_name_plural': 'gallringar av åtkomstloggen',
                'ordering': ['last_removed'],
                'default_permissions': ('view',),
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
