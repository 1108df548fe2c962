"""Searching the access log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccessRecord


def access_records_search(*, username: str = "", object_id: str = "", action: str = "",
                          from_on: date | None = None, to_on: date | None = None) -> QuerySet[AccessRecord]:
    """Return access records matching the filters, newest first."""
    qs = AccessRecord.objects.all()
    if username:
        qs = qs.filter(username__icontains=username)
    if action:
        qs = qs.filter(action=action)
    if object_id:
        # JSON containment is not portable across SQLite and PostgreSQL; a text match on the id list is.
        qs = qs.filter(Q(object_ids__icontains=f'"{object_id}"') | Q(what__icontains=object_id))
    tz = timezone.get_current_timezone()
    if from_on:
        qs = qs.filter(at__gte=datetime.combine(from_on, time.min, tzinfo=tz))
    if to_on:
        qs = qs.filter(at__lt=datetime.combine(to_on + timedelta(days=1), time.min, tzinfo=tz))
    return qs
