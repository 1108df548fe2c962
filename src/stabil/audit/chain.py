"""The access log's hash chain: appending a record and verifying the whole log.

Every record has a sequence number ``seq`` (1, 2, 3, … without gaps), the previous record's hash
``prev_hash`` (``GENESIS`` for the first) and its own hash

    row_hash = sha256_hex(prev_hash + "\\n" + str(seq) + "\\n" + canonical_content(record))

where ``canonical_content`` is the JSON list (ASCII, no spaces) of the record's time in UTC with
microseconds, user id, user name, role, channel, action, what, object type, object ids, object count,
path and IP address, followed by the list of child ids when the record has any (issue 15; records without
child ids, all those written before, hash exactly as before). This formula is a contract: stored hashes
depend on it, so it never changes.

A removed record leaves a gap in ``seq``; an altered one no longer matches its hash; an altered one whose
hash was recomputed no longer matches the next record's ``prev_hash``; removed newest records no longer
match the chain head (``ChainHead``, one row). ``verify_chain`` reports each by sequence number and id.

Appending serialises on the chain head row. On PostgreSQL one statement updates the head (the row lock
makes concurrent appends wait; READ COMMITTED re-reads the head they waited for) and inserts the record,
with the hash computed by the database's ``sha256``: no extra round trip. On SQLite, whose writers are
serialised by the database anyway, the head is updated (hash by the ``stabil_chain_hash`` function that
``guard.py`` registers on each connection) and the record inserted in one ``BEGIN IMMEDIATE``
transaction: one extra small statement. Called inside a longer transaction, the head stays locked until
that transaction ends, so record accesses at the end of a transaction, as the importer does.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from .models import AccessRecord, ChainCut, ChainHead

GENESIS = "0" * 64
# The record's content, in hash order (``user_id`` is the user's primary key, or None).
CONTENT_FIELDS = ("at", "user_id", "username", "role", "channel", "action", "what", "object_type", "object_ids",
                  "object_count", "path", "ip_address")
# Hashed after them only when non-empty, so that records without it keep the original formula.
SUBJECT_FIELD = "child_ids"
STORED_FIELDS = (*CONTENT_FIELDS, SUBJECT_FIELD)
_RECORD_TABLE = AccessRecord._meta.db_table
_HEAD_TABLE = ChainHead._meta.db_table


def _value(record, name: str):
    return record[name] if isinstance(record, dict) else getattr(record, name)


def _subjects(record) -> list[str]:
    """The record's child ids (a dict of the content fields written before issue 15 has none)."""
    value = record.get(SUBJECT_FIELD) if isinstance(record, dict) else getattr(record, SUBJECT_FIELD, None)
    return list(value or [])


def normalise_ip(value: str | None) -> str | None:
    """The canonical text of an IP address, as both databases give it back."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def canonical_content(record) -> str:
    """The hashed content of ``record`` (an AccessRecord or a dict of ``CONTENT_FIELDS``)."""
    at = _value(record, "at").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    values = [at] + [_value(record, name) for name in CONTENT_FIELDS[1:]]
    values[CONTENT_FIELDS.index("object_ids")] = list(values[CONTENT_FIELDS.index("object_ids")] or [])
    values[-1] = normalise_ip(values[-1])
    subjects = _subjects(record)
    if subjects:
        values.append(subjects)
    return json.dumps(values, ensure_ascii=True, separators=(",", ":"))


def chain_hash(prev_hash: str, seq: int, content: str) -> str:
    """The hash of a record at ``seq`` with ``content`` after a record whose hash is ``prev_hash``."""
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{content}".encode("ascii")).hexdigest()


_ENSURE_HEAD = (
    f"INSERT INTO {_HEAD_TABLE} (id, seq, prev_hash, row_hash) "
    "SELECT 1, COALESCE(last.seq, 0), COALESCE(last.prev_hash, %s), COALESCE(last.row_hash, %s) "
    "FROM (SELECT 1 AS one) base LEFT JOIN "
    f"(SELECT seq, prev_hash, row_hash FROM {_RECORD_TABLE} ORDER BY seq DESC LIMIT 1) last ON 1 = 1 "
    "WHERE 1 = 1 ON CONFLICT (id) DO NOTHING"
)
_ADVANCE_HEAD_SQLITE = (
    f"UPDATE {_HEAD_TABLE} SET seq = seq + 1, prev_hash = row_hash, "
    "row_hash = stabil_chain_hash(row_hash, seq + 1, %s) WHERE id = 1 RETURNING seq, prev_hash, row_hash"
)
_ADVANCE_HEAD_POSTGRESQL = (
    f"UPDATE {_HEAD_TABLE} SET seq = seq + 1, prev_hash = row_hash, "
    "row_hash = encode(sha256(convert_to(row_hash || chr(10) || (seq + 1)::text || chr(10) || %s, 'UTF8')), 'hex') "
    "WHERE id = 1 RETURNING seq, prev_hash, row_hash"
)


def _columns(conn, values: dict) -> tuple[list[str], list[str], list]:
    """Quoted column names, SQL placeholders and database values of the record's content."""
    names, placeholders, params = [], [], []
    for name in STORED_FIELDS:
        model_field = AccessRecord._meta.get_field("user" if name == "user_id" else name)
        names.append(conn.ops.quote_name(model_field.column))
        params.append(model_field.get_db_prep_save(values[name], connection=conn))
        placeholders.append(f"CAST(%s AS {model_field.db_type(conn)})" if conn.vendor == "postgresql" else "%s")
    return names, placeholders, params


def append(conn, values: dict) -> AccessRecord:
    """Append a record with ``values`` (``CONTENT_FIELDS`` and optionally ``child_ids``; ``at`` defaults to now)
    on connection ``conn``."""
    values = {**values, "ip_address": normalise_ip(values.get("ip_address"))}
    values[SUBJECT_FIELD] = list(values.get(SUBJECT_FIELD) or []) or None
    values.setdefault("at", timezone.now())
    content = canonical_content(values)
    names, placeholders, params = _columns(conn, values)
    columns = ", ".join(names + ["seq", "prev_hash", "row_hash"])
    for _attempt in range(2):
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute(
                    f"WITH head AS ({_ADVANCE_HEAD_POSTGRESQL}) INSERT INTO {_RECORD_TABLE} ({columns}) "
                    f"SELECT {', '.join(placeholders)}, head.seq, head.prev_hash, head.row_hash FROM head "
                    "RETURNING id, seq, prev_hash, row_hash",
                    [content, *params],
                )
                row = cursor.fetchone()
            else:
                with transaction.atomic(using=conn.alias, savepoint=False):
                    cursor.execute(_ADVANCE_HEAD_SQLITE, [content])
                    head = cursor.fetchone()
                    row = None
                    if head is not None:
                        cursor.execute(f"INSERT INTO {_RECORD_TABLE} ({columns}) VALUES "
                                       f"({', '.join(placeholders)}, %s, %s, %s) RETURNING id",
                                       [*params, *head])
                        row = (cursor.fetchone()[0], *head)
            if row is not None:
                break
            # No chain head: a flushed test database, or a head removed by hand. Continue from the newest record.
            cursor.execute(_ENSURE_HEAD, [GENESIS, GENESIS])
    else:  # pragma: no cover - the head was inserted just before
        raise RuntimeError("the access log's chain head is missing")
    record = AccessRecord(id=row[0], seq=row[1], prev_hash=row[2], row_hash=row[3], **values)
    record._state.adding = False
    record._state.db = conn.alias
    return record


# --- verifying -----------------------------------------------------------------------------------------


@dataclass
class ChainReport:
    count: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)
    cuts: list = field(default_factory=list)  # retention's removals of the oldest records (ChainCut), oldest first


def _missing(first: int, last: int) -> str:
    numbers = f"{first}" if first == last else f"{first}–{last}"
    return f"löpnummer {numbers} saknas: {'posten' if first == last else 'posterna'} har tagits bort"


def verify_chain(*, using: str | object = DEFAULT_DB_ALIAS, on_progress: Callable[[int, int], None] | None = None,
                 chunk_size: int = 5000) -> ChainReport:
    """Walk the whole log in sequence order and report every removed or altered record.

    ``using`` is a connection alias (or a connection registered under its alias); ``on_progress(done,
    total)`` is called every ``chunk_size`` records.
    """
    alias = using if isinstance(using, str) else using.alias
    report = ChainReport()
    records = AccessRecord.objects.using(alias)
    total = records.count()
    rows = records.order_by("seq").values_list("id", "seq", "prev_hash", "row_hash", *STORED_FIELDS)
    # Retention may have removed the oldest records (retention.py): the chain then starts after the last cut,
    # from the hash of the last record it removed. The cuts must follow each other from the first record.
    report.cuts = list(ChainCut.objects.using(alias).order_by("last_removed"))
    expected, start_hash = 1, GENESIS
    for cut in report.cuts:
        if cut.first_removed != expected:
            report.problems.append(f"gallringen av löpnummer {cut.first_removed}–{cut.last_removed} börjar inte där "
                                   f"den förra slutade (löpnummer {expected})")
        expected, start_hash = cut.last_removed + 1, cut.anchor_hash
    previous = None  # (id, seq, row_hash) of the record before
    for index, (pk, seq, prev_hash, row_hash, *content) in enumerate(rows.iterator(chunk_size=chunk_size), 1):
        if seq > expected:
            report.problems.append(_missing(expected, seq - 1))
        elif previous is not None and prev_hash != previous[2]:
            report.problems.append(
                f"löpnummer {previous[1]} (id {previous[0]}) har ändrats eller bytts ut: nästa post "
                f"(löpnummer {seq}) bygger på ett annat kontrollvärde")
        elif previous is None and prev_hash != start_hash:
            report.problems.append(f"löpnummer {seq} (id {pk}) har ändrats: kedjan börjar inte från början")
        if chain_hash(prev_hash, seq, canonical_content(dict(zip(STORED_FIELDS, content)))) != row_hash:
            report.problems.append(f"löpnummer {seq} (id {pk}) har ändrats: innehållet stämmer inte med kontrollsumman")
        expected = seq + 1
        previous = (pk, seq, row_hash)
        report.count = index
        if on_progress and index % chunk_size == 0:
            on_progress(index, total)
    if previous is not None:
        report.last_seq, report.last_hash = previous[1], previous[2]
    elif report.cuts:
        report.last_seq, report.last_hash = report.cuts[-1].last_removed, report.cuts[-1].anchor_hash
    head = ChainHead.objects.using(alias).filter(id=1).first()
    if head is None:
        if report.count:
            report.problems.append("kedjans huvud saknas: det kan ha tagits bort tillsammans med de senaste posterna")
    elif head.seq > report.last_seq:
        report.problems.append(_missing(report.last_seq + 1, head.seq))
    elif head.seq < report.last_seq:
        report.problems.append(f"posterna efter löpnummer {head.seq} har lagts till utanför Stabil "
                               "(kedjans huvud känner inte till dem)")
    elif previous is not None and head.row_hash != report.last_hash:
        report.problems.append(f"löpnummer {previous[1]} (id {previous[0]}) har ändrats eller bytts ut: kedjans "
                               "huvud anger ett annat kontrollvärde")
    if on_progress:
        on_progress(report.count, total)
    return report


def anchor_problem(seq: int, row_hash: str, *, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Compare a sequence number and hash noted earlier (outside Stabil) with the log; a message, or None."""
    stored = AccessRecord.objects.using(using).filter(seq=seq).values_list("id", "row_hash").first()
    cut = ChainCut.objects.using(using).filter(first_removed__lte=seq, last_removed__gte=seq).first()
    if stored is None and cut is not None:
        if seq == cut.last_removed and cut.anchor_hash != row_hash.strip().lower():
            return (f"löpnummer {seq} gallrades {cut.at:%Y-%m-%d} med en annan kontrollsumma än vid den tidigare "
                    "kontrollen: kedjan före den har byggts om")
        return None  # removed by retention, as recorded (``stabil audit verify`` lists the cuts)
    if stored is None:
        return (f"löpnummer {seq} saknas, fast det fanns vid en tidigare kontroll: de senaste posterna har "
                "tagits bort och kedjans huvud byggts om")
    if stored[1] != row_hash.strip().lower():
        return (f"löpnummer {seq} (id {stored[0]}) har en annan kontrollsumma än vid den tidigare kontrollen: "
                "posten eller kedjan före den har byggts om")
    return None

