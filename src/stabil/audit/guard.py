"""SQLite: the access log is append-only for every connection the application opens.

On each new SQLite connection (Django's ``connection_created`` signal) Stabil installs

- an authorizer (``sqlite3.Connection.set_authorizer``) that refuses, when a statement is prepared:
  DELETE from the log or its chain head; UPDATE of the log (an upsert is an UPDATE too); DROP TABLE,
  ALTER TABLE, CREATE/DROP TRIGGER and DROP INDEX on either table; ``PRAGMA writable_schema``;
- the SQL function ``stabil_audit_unlocked()``, which the log's triggers (migration 0003) call: BEFORE
  UPDATE and BEFORE DELETE raise unless it returns 1. A connection without the function (the ``sqlite3``
  shell) cannot update or delete either: the trigger fails;
- the SQL function ``stabil_chain_hash(prev_hash, seq, content)`` used when appending (``chain.py``).

The record of retention's removals (``audit_chaincut``, issue 15) is refused INSERT, UPDATE and DELETE alike:
only ``retention.remove_through``, in maintenance, writes it.

``INSERT OR REPLACE`` (and ``REPLACE INTO``) deletes a conflicting row without a DELETE for the
authorizer and without firing DELETE triggers (recursive_triggers is off); a BEFORE INSERT trigger refuses
any insert whose id or sequence number already exists, which is exactly the rows REPLACE would delete.

Both the authorizer and the triggers stand aside only inside ``audit_maintenance()``, which Django's
``migrate`` and ``flush`` commands enter (``management/commands/``): migrations rebuild the table, and a
test run's flush empties every table. Nothing reachable from SQL can enter it.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from .chain import chain_hash

PROTECTED = frozenset({"audit_accessrecord", "audit_chainhead", "audit_chaincut"})
_LOG = "audit_accessrecord"
# Retention's record of removed ranges (issue 15): written only in maintenance, by ``retention.py``.
_CUTS = "audit_chaincut"
_maintenance = 0

_DENY_ON_ARG1 = frozenset({sqlite3.SQLITE_DELETE, sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_TEMP_TABLE})
_DENY_ON_ARG2 = frozenset({
    sqlite3.SQLITE_ALTER_TABLE, sqlite3.SQLITE_CREATE_TRIGGER, sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
    sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_DROP_TEMP_TRIGGER, sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_DROP_TEMP_INDEX,
})
_OK, _DENY = sqlite3.SQLITE_OK, sqlite3.SQLITE_DENY


@contextmanager
def audit_maintenance():
    """Let this process change the log's schema and empty it (migrate, flush); never for a request."""
    global _maintenance
    _maintenance += 1
    try:
        yield
    finally:
        _maintenance -= 1


def _unlocked() -> int:
    return 1 if _maintenance else 0


def authorize(action: int, arg1, arg2, db_name, source) -> int:
    """The sqlite3 authorizer: called for every operation of a statement while it is prepared."""
    if action == sqlite3.SQLITE_READ or action == sqlite3.SQLITE_SELECT or _maintenance:
        return _OK
    if action == sqlite3.SQLITE_UPDATE:
        return _DENY if arg1 and arg1.lower() in (_LOG, _CUTS) else _OK
    if action == sqlite3.SQLITE_INSERT:
        return _DENY if arg1 and arg1.lower() == _CUTS else _OK
    if action in _DENY_ON_ARG1:
        return _DENY if arg1 and arg1.lower() in PROTECTED else _OK
    if action in _DENY_ON_ARG2:
        return _DENY if arg2 and arg2.lower() in PROTECTED else _OK
    if action == sqlite3.SQLITE_PRAGMA and arg1 and arg1.lower() == "writable_schema":
        return _DENY
    return _OK


def on_connection_created(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: guard every SQLite connection Django opens."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("stabil_audit_unlocked", 0, _unlocked)
    raw.create_function("stabil_chain_hash", 3, chain_hash, deterministic=True)
    raw.set_authorizer(authorize)
