"""Data migrations of the cases app, run forward from the state before them on a real database."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0004_protection_assessment_moves")]
AFTER = [("cases", "0005_protection_assessment_not_moved")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_0005_resets_the_old_default_recomputes_deadlines_and_keeps_an_explicit_choice(org):
    old = _migrate(BEFORE)
    try:
        Settings = old.get_model("cases", "DeadlineSettings")
        kept_default = Settings.objects.create(protection_assessment_moves=True)  # the old default, never touched
        chosen = Settings.objects.create(protection_assessment_moves=True)  # switched on explicitly later
        off = Settings.objects.create(protection_assessment_moves=False)
        # The change log of the explicit choice: an update that switched the box on (auditlog's format).
        # (auditlog's own tables are not migrated back: its live model is the one of that state too)
        content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="deadlinesettings")
        LogEntry.objects.create(content_type=content_type, object_pk=str(chosen.pk), object_id=chosen.pk,
                                object_repr="Fristregler", action=0,
                                changes={"protection_assessment_moves": ["None", "True"]})
        LogEntry.objects.create(content_type=content_type, object_pk=str(chosen.pk), object_id=chosen.pk,
                                object_repr="Fristregler", action=1,
                                changes={"protection_assessment_moves": ["False", "True"]})
        LogEntry.objects.create(content_type=content_type, object_pk=str(kept_default.pk), object_id=kept_default.pk,
                                object_repr="Fristregler", action=0,
                                changes={"protection_assessment_moves": ["None", "True"]})
        # A case stored under the old rule: report on julafton 2025, the assessment stored as due 2025-12-29
        # and met on 2025-12-29; the preliminary assessment stored with the old citation.
        Child = old.get_model("cases", "Child")
        Case = old.get_model("cases", "Case")
        case = Case.objects.create(case_id="M1", child=Child.objects.create(child_id="PM1"), category="barn",
                                   unit_id=org.unit_a.pk)
        Event = old.get_model("cases", "CaseEvent")
        Event.objects.create(case=case, kind="report_received", on=dt.date(2025, 12, 24))
        Event.objects.create(case=case, kind="protection_assessed", on=dt.date(2025, 12, 29))
        Deadline = old.get_model("cases", "Deadline")
        Deadline.objects.create(case=case, kind="protection_assessment", started_on=dt.date(2025, 12, 24),
                                due_on=dt.date(2025, 12, 29), met_on=dt.date(2025, 12, 29), settled="met",
                                source="SoL (2025:400) 20 kap. 1 §")
        Deadline.objects.create(case=case, kind="preliminary_assessment", started_on=dt.date(2025, 12, 24),
                                due_on=dt.date(2026, 1, 7), settled="", source="SoL (2025:400) 20 kap. 2 §; lag (1930:173) 2 §")
        new = _migrate(AFTER)
        Settings = new.get_model("cases", "DeadlineSettings")
        assert Settings.objects.get(pk=kept_default.pk).protection_assessment_moves is False
        assert Settings.objects.get(pk=chosen.pk).protection_assessment_moves is True
        assert Settings.objects.get(pk=off.pk).protection_assessment_moves is False
        # The first row (the one in force) now keeps "genast" on the report's day: recomputed, now missed.
        rows = {d.kind: d for d in new.get_model("cases", "Deadline").objects.filter(case__case_id="M1")}
        protection = rows["protection_assessment"]
        assert (protection.due_on, protection.met_on, protection.settled) == (
            dt.date(2025, 12, 24), dt.date(2025, 12, 29), "missed")
        # 2025-12-24 + 14 = 2026-01-07 (Wed), not moved: the citation no longer names 2 §
        assert rows["preliminary_assessment"].source == "SoL (2025:400) 20 kap. 2 §"
    finally:
        _migrate(_leaves())


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
