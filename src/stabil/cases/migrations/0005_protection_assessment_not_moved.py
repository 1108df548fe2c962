"""The protection assessment is not moved by default (issue 12); stored deadlines follow the corrected rules.

1. ``DeadlineSettings.protection_assessment_moves`` defaults to False: "genast" (SoL 2025:400 20 kap. 1 §)
   is no period under lag (1930:173), so it is not moved off weekends and holidays.
2. A saved row that still holds the old default (True) is set to False, unless the change log shows that
   someone switched the box on explicitly (an update entry of django-auditlog whose latest change of the
   field set it to True). The old default was wrong law and the page never explained it, so a row saved
   with the box left as it came is not taken as a choice. The reset is not in the change log (historical
   models have no auditlog); this docstring and docs/deadlines.md record it.
3. Every case's stored deadlines are recomputed from its events with the pure core (``core.caseflow``,
   no Django) and the configuration in force, since the due dates of protection assessments and the
   citations of every kind (LVU 13 § only under LVU, lag (1930:173) 2 § only when moved) changed. The
   derived state (phase, handlers) does not depend on these rules and is left as it is.
"""

import datetime as dt
import json
import os
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

from stabil.core.caseflow import Event, case_state
from stabil.core.deadlines import MET, MISSED, DeadlineConfig

FIELDS = ("move_to_working_day", "protection_assessment_days", "protection_assessment_moves",
          "first_contact_guarantee", "first_contact_working_days", "warning_working_days")


def _explicitly_switched_on(apps, row) -> bool:
    """Return True when the change log's latest update of the field on ``row`` set it to True."""
    try:
        LogEntry = apps.get_model("auditlog", "LogEntry")
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return False
    content_type = ContentType.objects.filter(app_label="cases", model="deadlinesettings").first()
    if content_type is None:
        return False
    updates = LogEntry.objects.filter(content_type=content_type, object_pk=str(row.pk), action=1).order_by(
        "-timestamp", "-pk")
    for entry in updates:
        changes = entry.changes if isinstance(entry.changes, dict) else json.loads(entry.changes or "{}")
        change = changes.get("protection_assessment_moves")
        if change:
            return str(change[-1]) == "True"
    return False


def _config(apps) -> DeadlineConfig:
    """The configuration in force, as ``cases.services.deadline_config`` reads it (kept here: a frozen copy)."""
    row = apps.get_model("cases", "DeadlineSettings").objects.order_by("pk").first()
    if row is not None:
        return DeadlineConfig(**{name: getattr(row, name) for name in FIELDS})
    values = getattr(settings, "STABIL_DEADLINES", None)
    try:
        if values is None:
            text = os.environ.get("STABIL_DEADLINES", "").strip()
            values = json.loads(text) if text else {}
        return DeadlineConfig(**values)
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"STABIL_DEADLINES är felaktig: {exc}") from None


def forward(apps, schema_editor):
    Settings = apps.get_model("cases", "DeadlineSettings")
    for row in Settings.objects.filter(protection_assessment_moves=True):
        if not _explicitly_switched_on(apps, row):
            Settings.objects.filter(pk=row.pk).update(protection_assessment_moves=False)
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Deadline = apps.get_model("cases", "Deadline")
    if not CaseEvent.objects.exists():
        return
    config = _config(apps)
    columns = ("case_id", "kind", "on", "staff__staff_id", "outcome", "until", "intervention", "reason")
    rows = CaseEvent.objects.order_by("case_id", "on", "pk").values_list(*columns).iterator(chunk_size=20000)
    Deadline.objects.all().delete()
    batch = []
    for case_pk, events in groupby(rows, key=lambda row: row[0]):
        state = case_state([Event(kind, on, staff or "", outcome, until, intervention, reason)
                            for _pk, kind, on, staff, outcome, until, intervention, reason in events], dt.date.max,
                           config)
        batch.extend(Deadline(case_id=case_pk, kind=d.kind, started_on=d.started_on, due_on=d.due_on, met_on=d.met_on,
                              settled=d.status if d.status in (MET, MISSED) else "", why="", source=d.source)
                     for d in state.deadlines)
        if len(batch) >= 5000:
            Deadline.objects.bulk_create(batch)
            batch = []
    Deadline.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_protection_assessment_moves"),
        ("auditlog", "0015_alter_logentry_changes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadlinesettings",
            name="protection_assessment_moves",
            field=models.BooleanField(
                default=False,
                help_text="Av (standard): skyddsbedömningen görs samma dag även helger och helgdagar, genom "
                          "socialjouren. På: den flyttas till nästa arbetsdag som fristerna.",
                verbose_name="flytta även skyddsbedömningen till nästa arbetsdag"),
        ),
        # Backwards: the rows keep their values (the old default cannot be told from a choice afterwards).
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
