"""The case's unit on each stored case state, indexed with the phase: a unit's open cases (issue 16).

As 0009 for the deadlines: added empty, filled from the cases in one statement, made required, indexed.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_units(apps, schema_editor, model_name="CaseState"):
    """Copy each row's case unit onto the row (one statement in the database, no rows in Python)."""
    table = apps.get_model("cases", model_name)._meta.db_table
    case = apps.get_model("cases", "Case")._meta.db_table
    q = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        # The new foreign key's check is deferred to the commit; run it now, so that the column may be made
        # required in the same transaction (no "pending trigger events").
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        sql = (f"UPDATE {q(table)} SET {q('unit_id')} = c.{q('unit_id')} FROM {q(case)} c "
               f"WHERE c.{q('id')} = {q(table)}.{q('case_id')}")
    else:
        sql = (f"UPDATE {q(table)} SET {q('unit_id')} = (SELECT c.{q('unit_id')} FROM {q(case)} c "
               f"WHERE c.{q('id')} = {q(table)}.{q('case_id')})")
    schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_deadline_unit'),
    ]

    operations = [
        migrations.AddField(
            model_name='casestate',
            name='unit',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='organisation.unit', verbose_name='enhet'),
        ),
        migrations.RunPython(fill_units, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='casestate',
            name='unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='organisation.unit', verbose_name='enhet'),
        ),
        migrations.AddIndex(
            model_name='casestate',
            index=models.Index(fields=['unit', 'phase'], name='cases_casestate_unit_phase'),
        ),
    ]
