"""Searching the access log."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AccessRecord

# The type of a stored access record, for annotations in other apps (which read it through these selectors).
AccessRecordType = AccessRecord


def channel_label(channel: str) -> str:
    """The Swedish name of an access record's channel (web, API, command line …), or the stored value."""
    return str(AccessRecord.Channel(channel).label) if channel in AccessRecord.Channel.values else channel


def action_choices() -> list[tuple[str, str]]:
    """The actions of access records, with their Swedish words: the model's, and ``change``, which the staff
    and records services write for a change of personal data (stored as it is; no migration needed)."""
    return [*AccessRecord.Action.choices, ("change", _("ändrade"))]


def action_label(action: str) -> str:
    """The Swedish word for an access record's action, or the stored value for an unknown one."""
    return str(dict(action_choices()).get(action, action))


# django-auditlog's change-log actions (LogEntry.Action: 0 create, 1 update, 2 delete, 3 access) are English
# words without a Swedish catalogue in the package: named here, in Stabil's catalogue.
_CHANGE_ACTIONS = {0: _("skapade"), 1: _("ändrade"), 2: _("tog bort"), 3: _("visade")}


def change_action_label(action: int) -> str:
    """The Swedish word for a change-log entry's action."""
    return str(_CHANGE_ACTIONS.get(action, action))


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


# --- log extracts and follow-up (issue 15) --------------------------------------------------------------------


def _naming(field: str, value: str) -> Q:
    """Records whose JSON list ``field`` may hold ``value``: a text match, in both spellings a database
    may store (SQLite keeps JSON ASCII-escaped, PostgreSQL as UTF-8). Callers confirm the match exactly."""
    quoted = json.dumps(value)
    condition = Q(**{f"{field}__icontains": quoted})
    if quoted != f'"{value}"':
        condition |= Q(**{f"{field}__icontains": f'"{value}"'})
    return condition


def records_about_child(child_id: str, *, case_ids: Collection[str] = (),
                        case_types: Collection[str] = ()) -> list[AccessRecord]:
    """Every record that covers the child ``child_id``, oldest first.

    Records since issue 15 name the child in ``child_ids``; older ones (without child ids) are found through
    the child's current ``case_ids`` among the ids of records of ``case_types``.
    """
    condition = _naming("child_ids", child_id)
    wanted = set(case_ids)
    for case_id in sorted(wanted):
        condition |= Q(child_ids__isnull=True, object_type__in=list(case_types)) & _naming("object_ids", case_id)
    found = []
    for record in AccessRecord.objects.filter(condition).order_by("seq"):
        if child_id in (record.child_ids or []) or (
                record.child_ids is None and record.object_type in case_types and wanted & set(record.object_ids)):
            found.append(record)
    return found


def records_naming(object_ids: Collection[str], *, object_types: Collection[str]) -> list[AccessRecord]:
    """Every record of ``object_types`` that lists any of ``object_ids``, oldest first."""
    wanted = set(object_ids)
    if not wanted:
        return []
    condition = Q()
    for object_id in sorted(wanted):
        condition |= _naming("object_ids", object_id)
    records = AccessRecord.objects.filter(condition, object_type__in=list(object_types)).order_by("seq")
    return [record for record in records if wanted & set(record.object_ids)]


def records_between(start: datetime, end: datetime) -> QuerySet[AccessRecord]:
    """The records written from ``start`` up to (not including) ``end``, oldest first."""
    return AccessRecord.objects.filter(at__gte=start, at__lt=end).order_by("seq")


def records_by_seq(seqs: Collection[int]) -> dict[int, AccessRecord]:
    """The records with these sequence numbers, by sequence number."""
    wanted = sorted(set(seqs))
    found: dict[int, AccessRecord] = {}
    for start in range(0, len(wanted), 900):  # SQLite's limit on query parameters
        found.update((r.seq, r) for r in AccessRecord.objects.filter(seq__in=wanted[start:start + 900]))
    return found


def records_before(moment: datetime) -> dict:
    """How many records were written before ``moment``, and their first and last sequence numbers."""
    found = AccessRecord.objects.filter(at__lt=moment).aggregate(count=Count("id"), first_seq=Min("seq"),
                                                                 last_seq=Max("seq"))
    return {"count": found["count"], "first_seq": found["first_seq"], "last_seq": found["last_seq"]}
