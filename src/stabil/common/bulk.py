"""Bulk-write plumbing for writes of many rows (the case-events import): nothing domain-specific here.

Services keep their domain steps and call these for speed: ``insert`` (COPY on PostgreSQL, executemany
elsewhere; with the table's secondary indexes, and on PostgreSQL its foreign keys, dropped and rebuilt
for a large batch), ``lookup`` (key -> pk by chunked IN or one scan), ``delete_in`` (plain-SQL delete by
a column's values), ``chunks``, ``date_text`` (memoised ISO dates), ``large_write_cache`` (the SQLite page
cache), ``analyze`` (fresh planner statistics on PostgreSQL) and ``Timer`` (phase timings for the
benchmark). Every function runs in the caller's transaction: DDL is transactional on both databases, so a
write that fails leaves nothing behind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence

from django.apps import apps
from django.db import connection

from stabil.common.progress import notice

CHUNK = 900  # below SQLite's bound-parameter limit for IN (...)

# A batch this large is inserted with the table's secondary indexes dropped and rebuilt afterwards (one
# sorted build instead of a random insert per row).
REBUILD_INDEXES_FROM = 50_000


def chunks(items: Sequence, size: int = CHUNK):
    """Yield consecutive slices of ``items`` of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def quote(name: str) -> str:
    """Quote a table or column name for the connection's database."""
    return connection.ops.quote_name(name)


def insert(model, fields: Sequence[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (values in ``fields`` order) fast: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table_name = model._meta.db_table
    table = quote(table_name)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rebuild = []
            if len(rows) >= REBUILD_INDEXES_FROM:
                # Foreign keys are checked by one join when re-added, instead of a trigger per row at
                # commit; secondary indexes are built once, sorted. Both are restored in the same
                # transaction (PostgreSQL's DDL is transactional), which locks the table meanwhile.
                cursor.execute(
                    "SELECT 'CONSTRAINT', conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' "
                    "UNION ALL SELECT 'INDEX', indexname, indexdef FROM pg_indexes "
                    "WHERE tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))",
                    [table_name, table_name, table_name],
                )
                rebuild = cursor.fetchall()
                # Checks still pending from earlier inserts must run before the table can be altered.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for kind, name, _definition in rebuild:
                    if kind == "CONSTRAINT":
                        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
                    else:
                        cursor.execute(f"DROP INDEX {quote(name)}")
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            for kind, name, definition in rebuild:
                if kind == "CONSTRAINT":
                    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
                else:
                    cursor.execute(definition)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        indexes = []
        if connection.vendor == "sqlite" and len(rows) >= REBUILD_INDEXES_FROM:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL AND sql NOT LIKE %s", [table_name, "%UNIQUE%"])
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
        for _name, sql in indexes:
            cursor.execute(sql)


def update_many(model, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Set ``fields`` of many rows by primary key: ``rows`` are (values in ``fields`` order..., pk)."""
    rows = list(rows)
    if not rows:
        return
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s", rows)


def delete_in(model, field_name: str, values: Sequence) -> None:
    """Delete the rows of ``model`` whose ``field_name`` is in ``values`` (plain SQL: no cascade collected)."""
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        for chunk in chunks(list(values)):
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({placeholders})", list(chunk))


def lookup(model_label: str, key: str, values, fields: Sequence[str] = ("pk",)) -> dict:
    """Return {key value: pk (or a tuple of ``fields``)} for the rows of ``model_label`` whose ``key`` is in
    ``values``.

    Small sets are fetched with IN (...) in chunks; large ones by one scan of the table, which is faster
    than thousands of parameters. The model is named by its label (``"staff.StaffMember"``), so that an
    app's service never imports another app's models.
    """
    model = apps.get_model(model_label)
    wanted = values if isinstance(values, (set, frozenset, dict)) else set(values)
    if not wanted:
        return {}
    found: dict = {}
    single = len(fields) == 1
    if len(wanted) > 2000:
        rows = (r for r in model.objects.values_list(key, *fields).iterator(chunk_size=20000) if r[0] in wanted)
    else:
        ordered = list(wanted)
        rows = (r for chunk in chunks(ordered)
                for r in model.objects.filter(**{f"{key}__in": chunk}).values_list(key, *fields))
    for row in rows:
        found[row[0]] = row[1] if single else row[1:]
    return found


_ISO_DATES: dict = {None: None}


def date_text(value):
    """Return a date as ISO text (what SQLite stores and COPY reads), memoised: dates repeat a lot."""
    text = _ISO_DATES.get(value)
    if text is None and value is not None:
        text = _ISO_DATES[value] = value.isoformat()
    return text


def large_write_cache() -> None:
    """On SQLite, a bigger page cache for this connection (256 MiB at most): index inserts of hundreds of
    thousands of rows stop re-reading pages. Only used as needed; gone with the connection."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def analyze(models: Iterable) -> bool:
    """On PostgreSQL, fresh planner statistics for ``models``' tables after a bulk load, so that reads do
    not run on empty-table plans. Return whether it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
    return True


class Timer:
    """Phase timings of a bulk write on standard error when STABIL_IMPORT_TIMING=1 (for the benchmark)."""

    def __init__(self, stream):
        self.enabled = os.environ.get("STABIL_IMPORT_TIMING") == "1"
        self.stream = stream
        self.clock = time.process_time
        self.last = self.clock()

    def mark(self, label: str) -> None:
        if self.enabled:
            now = self.clock()
            notice(f"  {label}: {now - self.last:.2f} s CPU", self.stream)
            self.last = now
