"""The child ids an access record covers (issue 15, ``subjects.py``), hashed only when present (``chain.py``).

A nullable column without a default: SQLite adds it with ALTER TABLE ADD COLUMN (no rebuild, so the log's
triggers stay) and existing records, which have none, keep their hashes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_hash_chain'),
    ]

    operations = [
        migrations.AddField(
            model_name='accessrecord',
            name='child_ids',
            field=models.JSONField(blank=True, null=True, verbose_name='barn'),
        ),
    ]
