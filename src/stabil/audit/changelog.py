"""Retention and the change log (django-auditlog): removed data must not live on in its history (issue 15).

The change log keeps, for each registered model, the values a row had before and after each change, and a
row's text (``object_repr``). When retention removes a child's cases or pseudonymises a person, those
entries would keep what was removed. The areas' retention services therefore change and delete through
the two functions here: with the change log switched off for the removal itself (an entry of the removal
would hold the data too), and with every earlier entry about the rows concerned deleted. What was removed
is recorded instead, without the data, on the destruction list (``stabil.records``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector


def forget_history(instances: Iterable[Model]) -> int:
    """Delete every change-log entry about these rows; return how many were deleted."""
    by_model: dict[type, set[str]] = defaultdict(set)
    for instance in instances:
        by_model[type(instance)._meta.concrete_model].add(str(instance.pk))
    deleted = 0
    for model, pks in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        ordered = sorted(pks)
        for start in range(0, len(ordered), 900):  # SQLite's limit on query parameters
            deleted += LogEntry.objects.filter(content_type=content_type,
                                               object_pk__in=ordered[start:start + 900]).delete()[0]
    return deleted


def delete_without_history(queryset: QuerySet) -> dict[str, int]:
    """Delete ``queryset`` and everything that cascades from it, leaving no change-log entry about any of
    them (neither earlier ones nor one of the deletion). Returns the number of rows deleted per model."""
    collector = Collector(using=queryset.db or DEFAULT_DB_ALIAS)
    collector.collect(queryset)
    doomed = [instance for instances in collector.data.values() for instance in instances]
    for related in collector.fast_deletes:  # querysets deleted without being loaded
        doomed.extend(related)
    forget_history(doomed)
    with disable_auditlog():
        _total, per_model = queryset.delete()
    return per_model


def update_without_history(instances: Iterable[Model], related: Iterable[Model] = ()) -> None:
    """Save ``instances`` (already changed in memory) with no change-log entry, after deleting every earlier
    entry about them and about ``related`` rows (their history may name what was changed)."""
    instances = list(instances)
    forget_history([*instances, *related])
    with disable_auditlog():
        for instance in instances:
            instance.save()
