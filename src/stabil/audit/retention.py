"""Retention of the access log (issue 15): the owner's one path to remove its oldest records.

The log is append-only and hash-chained (``chain.py``, ``guard.py``, ``roles.py``). Records past their time
(``core.retention``, ten years by default) are removed only here, only from the oldest end, and only on an
approved destruction list (``stabil.records``). Each removal writes a ``ChainCut``: the removed range, how
many, the hash of the last removed record (the chain's new anchor), why and by whom. ``stabil audit verify``
then checks the remaining log from that anchor, so any other gap or change is still found, and reports the
cuts. The removal itself is then recorded in the log like any other access (``stabil.records.services``).

Who can do it:

- SQLite: this process, inside ``audit_maintenance`` (nothing reachable from SQL can enter it).
- PostgreSQL: the owner role. With ``STABIL_MIGRATE_DATABASE_URL`` set the removal opens its own connection
  as the owner; without it, it runs on the application's connection, which works only where the application
  owns the log (a one-role installation, or the test suite's superuser). The app role of a two-role
  installation has no DELETE privilege: the removal then stops with a Swedish message and removes nothing.
  The delete passes the append-only trigger only with ``stabil.audit_retention`` set for the transaction
  (migration 0005). Run it from the command line (``stabil retention run``), not from the web worker, which
  should not hold the owner's password.
"""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from .guard import audit_maintenance
from .models import AccessRecord, ChainCut


class RetentionRefused(Exception):
    """The access log cannot be trimmed here; ``str(exc)`` says why, in Swedish."""


_OWNER_NEEDED = ("Åtkomstloggen kan bara gallras av databasens ägarroll: kör stabil retention run från "
                 "kommandoraden med STABIL_MIGRATE_DATABASE_URL satt. Ingenting togs bort.")


def _plan(last_seq: int) -> tuple[int, int, int, str] | None:
    """(first removed, last removed, count, anchor hash) for removing every record up to ``last_seq``."""
    first = AccessRecord.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is None or first > last_seq:
        return None
    newest = AccessRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
    if last_seq >= newest:
        raise RetentionRefused("Den senaste posten i åtkomstloggen tas aldrig bort: kedjan måste fortsätta från den.")
    last, anchor = AccessRecord.objects.filter(seq__lte=last_seq).order_by("-seq").values_list("seq", "row_hash")[0]
    count = AccessRecord.objects.filter(seq__lte=last).count()
    return first, last, count, anchor


def remove_through(*, last_seq: int, by_name: str, reason: str) -> ChainCut:
    """Remove every access record up to and including ``last_seq`` and record the cut; return it.

    The newest record is never removed (the chain and its head continue from it).
    """
    plan = _plan(last_seq)
    if plan is None:
        raise RetentionRefused("Det finns inga poster att gallra i åtkomstloggen.")
    first, last, count, anchor = plan
    cut = {"first_removed": first, "last_removed": last, "removed_count": count, "anchor_hash": anchor,
           "reason": reason[:200], "by_name": by_name[:150]}
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        with audit_maintenance(), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {AccessRecord._meta.db_table} WHERE seq <= %s", [last])
            return ChainCut.objects.create(**cut)
    owner_url = getattr(settings, "MIGRATE_DATABASE_URL", "")
    if owner_url:
        return _remove_as_owner(owner_url, cut)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL stabil.audit_retention = 'on'")
            cursor.execute(f"DELETE FROM {AccessRecord._meta.db_table} WHERE seq <= %s", [last])
            cursor.execute("SET LOCAL stabil.audit_retention = 'off'")
            return ChainCut.objects.create(**cut)
    except DatabaseError as exc:
        raise RetentionRefused(_OWNER_NEEDED) from exc


def _remove_as_owner(owner_url: str, cut: dict) -> ChainCut:
    """The removal on a connection of the owner's own, committed at once (PostgreSQL)."""
    columns = ", ".join(cut)
    try:
        with psycopg.connect(owner_url) as conn, conn.cursor() as cursor:
            cursor.execute("SET LOCAL stabil.audit_retention = 'on'")
            cursor.execute(f"DELETE FROM {AccessRecord._meta.db_table} WHERE seq <= %s", [cut["last_removed"]])
            cursor.execute(f"INSERT INTO {ChainCut._meta.db_table} ({columns}, at) VALUES "
                           f"({', '.join(['%s'] * len(cut))}, now()) RETURNING id", list(cut.values()))
            (pk,) = cursor.fetchone()
    except psycopg.Error as exc:
        raise RetentionRefused(_OWNER_NEEDED) from exc
    return ChainCut.objects.get(pk=pk)
