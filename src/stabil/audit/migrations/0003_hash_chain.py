"""Chain the access log by hash and close the raw-SQL ways around its append-only rule.

1. The old triggers go (the table is rebuilt on SQLite, and existing rows are chained below).
2. ``seq``, ``prev_hash`` and ``row_hash`` are added, and the records already written are chained in id
   order (``chain.py``); the chain head row points at the newest.
3. The triggers come back. SQLite: BEFORE UPDATE and BEFORE DELETE raise unless the connection is in
   maintenance (``guard.py``; Django's migrate and flush); BEFORE INSERT raises when the id or sequence
   number exists (what INSERT OR REPLACE would delete); the chain head cannot be deleted. PostgreSQL:
   BEFORE UPDATE OR DELETE raises for every role; TRUNCATE and DDL are the owner's alone, the
   application's role may only INSERT and SELECT (``roles.py``, applied by ``stabil migrate``).

Runs inside ``audit_maintenance`` (the migrate command), as rebuilding and chaining need it on SQLite.
"""

from django.db import migrations, models

from stabil.audit.chain import CONTENT_FIELDS, GENESIS, canonical_content, chain_hash

RECORD = "audit_accessrecord"
HEAD = "audit_chainhead"
REFUSE = "SELECT RAISE(ABORT, 'audit records are append-only');"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_accessrecord_no_update BEFORE UPDATE ON {RECORD}
        WHEN NOT stabil_audit_unlocked() BEGIN {REFUSE} END;""",
    f"""CREATE TRIGGER audit_accessrecord_no_delete BEFORE DELETE ON {RECORD}
        WHEN NOT stabil_audit_unlocked() BEGIN {REFUSE} END;""",
    f"""CREATE TRIGGER audit_accessrecord_no_replace BEFORE INSERT ON {RECORD}
        WHEN EXISTS (SELECT 1 FROM {RECORD} WHERE id = NEW.id OR seq = NEW.seq) BEGIN {REFUSE} END;""",
    f"""CREATE TRIGGER audit_chainhead_no_delete BEFORE DELETE ON {HEAD}
        WHEN NOT stabil_audit_unlocked() BEGIN {REFUSE} END;""",
]
SQLITE_TRIGGER_NAMES = ["audit_accessrecord_no_update", "audit_accessrecord_no_delete",
                        "audit_accessrecord_no_replace", "audit_chainhead_no_delete"]
POSTGRESQL_TRIGGER = [
    """CREATE OR REPLACE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER audit_accessrecord_append_only BEFORE UPDATE OR DELETE ON {RECORD}
       FOR EACH ROW EXECUTE FUNCTION audit_accessrecord_append_only();""",
]


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ["audit_accessrecord_no_update", *SQLITE_TRIGGER_NAMES]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_accessrecord_append_only ON {RECORD};")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGER}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def chain_existing(apps, schema_editor):
    AccessRecord = apps.get_model("audit", "AccessRecord")
    ChainHead = apps.get_model("audit", "ChainHead")
    alias = schema_editor.connection.alias
    prev_hash, seq, updates = GENESIS, 0, []
    rows = AccessRecord.objects.using(alias).order_by("id").values_list("id", *CONTENT_FIELDS)
    for pk, *content in rows.iterator(chunk_size=5000):
        seq += 1
        row_hash = chain_hash(prev_hash, seq, canonical_content(dict(zip(CONTENT_FIELDS, content))))
        updates.append((seq, prev_hash, row_hash, pk))
        prev_hash = row_hash
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {RECORD} SET seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s", updates)
    last_prev = updates[-1][1] if updates else GENESIS
    ChainHead.objects.using(alias).create(id=1, seq=seq, prev_hash=last_prev, row_hash=prev_hash)


def unchain(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.using(schema_editor.connection.alias).all().delete()


def restore_old_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"""CREATE TRIGGER audit_accessrecord_no_update BEFORE UPDATE ON {RECORD}
            BEGIN {REFUSE} END;""")
    elif vendor == "postgresql":
        for sql in POSTGRESQL_TRIGGER:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(drop_triggers, restore_old_triggers),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("prev_hash", models.CharField(max_length=64)),
                ("row_hash", models.CharField(max_length=64)),
            ],
            options={
                "default_permissions": (),
                "constraints": [models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_single_row")],
            },
        ),
        migrations.AddField(
            model_name="accessrecord", name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="löpnummer"),
        ),
        migrations.AddField(
            model_name="accessrecord", name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="föregående kontrollsumma"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessrecord", name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="kontrollsumma"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, unchain),
        migrations.AlterField(
            model_name="accessrecord", name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="löpnummer"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
