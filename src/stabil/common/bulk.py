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
from contextlib import contextmanager

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


def insert(model, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (values in ``fields`` order) fast: COPY on PostgreSQL, executemany elsewhere.

    A list worth it (``worth_setting_aside``) is inserted with the table's secondary indexes (and on
    PostgreSQL its foreign keys) set aside and restored after, unless ``deferred_indexes`` has done so for the
    whole of a larger write.
    """
    if isinstance(rows, list) and not rows:
        return
    table_name = model._meta.db_table
    table = quote(table_name)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    large = isinstance(rows, list) and table_name not in _DEFERRED and worth_setting_aside(model, len(rows))
    with connection.cursor() as cursor:
        set_aside = _set_aside(cursor, table_name) if large else []
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
        _restore(cursor, table_name, set_aside)


def worth_setting_aside(model, count: int) -> bool:
    """Return whether writing ``count`` rows to ``model``'s table should set its indexes aside: at least
    ``REBUILD_INDEXES_FROM`` rows and at least a quarter of the rows it holds already (PostgreSQL's estimate,
    SQLite's count). Rebuilding costs the whole table, so a nightly file added to ten years of history keeps
    its indexes (issue 16)."""
    if count < REBUILD_INDEXES_FROM:
        return False
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass",
                           [model._meta.db_table])
        else:  # asked only before a write of REBUILD_INDEXES_FROM rows, beside which a count is cheap
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
        stored = cursor.fetchone()[0] or 0
    return count * 4 >= stored


# Tables whose secondary indexes ``deferred_indexes`` has set aside: ``insert`` leaves them as they are.
_DEFERRED: set[str] = set()


def _leading_column(definition: str) -> str:
    """The first column of an index or foreign-key definition ("... (case_id, due_on) ..." -> "case_id")."""
    inside = definition.split("(", 1)[1] if "(" in definition else ""
    return inside.split(")", 1)[0].split(",", 1)[0].strip().strip('"')


def _set_aside(cursor, table_name: str, keep_leading: str = "") -> list[tuple[str, str, str]]:
    """Drop the table's secondary indexes (and on PostgreSQL its foreign keys); return what restores them.

    Primary keys and unique constraints stay (lookups and conflicts need them), and so do indexes whose first
    column is ``keep_leading`` (a chunked write reads by it). DDL is transactional on both databases.
    """
    set_aside: list[tuple[str, str, str]] = []
    if connection.vendor == "postgresql":
        # Foreign keys are checked by one join when re-added, instead of a trigger per row at commit; secondary
        # indexes are built once, sorted. Both are restored in the same transaction, which locks the table.
        cursor.execute(
            "SELECT 'CONSTRAINT', conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' "
            "UNION ALL SELECT 'INDEX', indexname, indexdef FROM pg_indexes "
            "WHERE tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))",
            [table_name, table_name, table_name],
        )
        found = cursor.fetchall()
        # Checks still pending from earlier inserts must run before the table can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for kind, name, definition in found:
            if kind == "INDEX" and keep_leading and _leading_column(definition.split(" USING ", 1)[-1]) == keep_leading:
                continue
            if kind == "CONSTRAINT":
                cursor.execute(f"ALTER TABLE {quote(table_name)} DROP CONSTRAINT {quote(name)}")
            else:
                cursor.execute(f"DROP INDEX {quote(name)}")
            set_aside.append((kind, name, definition))
    elif connection.vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                       "AND sql IS NOT NULL AND sql NOT LIKE %s", [table_name, "%UNIQUE%"])
        for name, sql in cursor.fetchall():
            if keep_leading and _leading_column(sql.split(" ON ", 1)[-1]) == keep_leading:
                continue
            cursor.execute(f"DROP INDEX {quote(name)}")
            set_aside.append(("INDEX", name, sql))
    return set_aside


def _restore(cursor, table_name: str, set_aside: list[tuple[str, str, str]]) -> None:
    """Re-create what ``_set_aside`` dropped (a foreign key is checked against every row as it is added)."""
    for kind, name, definition in set_aside:
        if kind == "CONSTRAINT":
            cursor.execute(f"ALTER TABLE {quote(table_name)} ADD CONSTRAINT {quote(name)} {definition}")
        else:
            cursor.execute(definition)


@contextmanager
def deferred_indexes(models: Iterable, *, keep_leading: str = "", enabled: bool = True):
    """Set the secondary indexes (and on PostgreSQL the foreign keys) of ``models``' tables aside for a write
    in many parts, and restore them once at the end: one sorted build instead of an insert per row, one join
    instead of a check per row. Indexes leading with ``keep_leading`` stay, for the parts' reads. On an error
    nothing is restored here: the caller's transaction rolls the DDL back with the rows."""
    if not enabled:
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        set_aside = {table: _set_aside(cursor, table, keep_leading) for table in tables}
    _DEFERRED.update(tables)
    try:
        yield
    finally:
        _DEFERRED.difference_update(tables)
    with connection.cursor() as cursor:
        for table in tables:
            _restore(cursor, table, set_aside[table])


class Staging:
    """Rows of a large write kept in a temporary table of the connection until they are stored (issue 16).

    ``columns`` are (name, SQL type) pairs. ``add(row)`` buffers a row (values in ``columns`` order) and writes every ``flush_every`` to the table
    (COPY on PostgreSQL); ``parts(size)`` reads them back ordered by the first column and then the second, as
    lists of (first value, [the other values of each row]) with at most ``size`` distinct first values each
    (all the rows of one first value in one part). Created inside the caller's transaction, dropped by
    ``drop`` or with a rollback.
    """

    def __init__(self, name: str, columns: Sequence[tuple[str, str]], *, flush_every: int = 20_000):
        self.table = quote(f"stabil_staged_{name}")
        self.columns = tuple(column for column, _type in columns)
        self.flush_every = flush_every
        self.count = 0
        self._buffer: list[tuple] = []
        column_list = ", ".join(f"{quote(column)} {sql_type}" for column, sql_type in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({column_list})")

    def add(self, row: tuple) -> None:
        self._buffer.append(row)
        self.count += 1
        if len(self._buffer) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        names = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                    for row in self._buffer:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({placeholders})", self._buffer)
        self._buffer = []

    def parts(self, size: int):
        """Yield lists of (first value, [rest of each row]) with at most ``size`` first values each."""
        self.flush()
        first, second = quote(self.columns[0]), quote(self.columns[1])
        names = ", ".join(quote(column) for column in self.columns)
        # The sort is the database's (on PostgreSQL in memory up to work_mem, else on disk): nothing here holds
        # more than one part.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(f"SELECT {names} FROM {self.table} ORDER BY {first}, {second}")
            part: list[tuple[str, list[tuple]]] = []
            current = None
            while rows := cursor.fetchmany(10_000):
                for row in rows:
                    if row[0] != current:
                        if len(part) >= size:
                            yield part
                            part = []
                        current = row[0]
                        part.append((current, []))
                    part[-1][1].append(row[1:])
            if part:
                yield part
        finally:
            cursor.close()

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


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


# ``lookup`` reads the whole table rather than look this many keys up (a whole file's cases against the stored).
SCAN_FROM = 20_000


def lookup(model_label: str, key: str, values, fields: Sequence[str] = ("pk",)) -> dict:
    """Return {key value: pk (or a tuple of ``fields``)} for the rows of ``model_label`` whose ``key`` is in
    ``values``.

    Up to ``SCAN_FROM`` keys are fetched with IN (...) in chunks, on PostgreSQL with ``= ANY(array)`` in one
    query (one parameter: a third of the time of 2,000 IN parameters); more by one scan of the table. The
    model is named by its label (``"staff.StaffMember"``), so that an app's service never imports another
    app's models.
    """
    model = apps.get_model(model_label)
    wanted = values if isinstance(values, (set, frozenset, dict)) else set(values)
    if not wanted:
        return {}
    found: dict = {}
    single = len(fields) == 1
    if len(wanted) > SCAN_FROM:
        rows = (r for r in model.objects.values_list(key, *fields).iterator(chunk_size=20000) if r[0] in wanted)
    elif connection.vendor == "postgresql":
        field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        column = f"{quote(model._meta.db_table)}.{quote(field.column)}"
        rows = model.objects.extra(where=[f"{column} = ANY(%s)"], params=[list(wanted)]).values_list(key, *fields)
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
