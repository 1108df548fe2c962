"""The access log's hash chain and `stabil audit verify`.

Tampering here uses a privileged path the application does not have: on SQLite the maintenance switch
that Django's migrate and flush commands use (``audit_maintenance``), on PostgreSQL the superuser the suite
runs as, with the append-only trigger switched off for this transaction only.
"""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from datetime import UTC
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.test.utils import CaptureQueriesContext

from stabil.audit.chain import GENESIS, append, canonical_content, verify_chain
from stabil.audit.guard import audit_maintenance
from stabil.audit.models import AccessRecord, ChainHead
from stabil.audit.services import record_access
from stabil.cli import main

pytestmark = pytest.mark.django_db


@contextmanager
def privileged():
    """Raw write access to the log, which only a database administrator has."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
    else:
        with audit_maintenance():
            yield


def _raw(sql, params=()):
    with privileged(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _five(personas):
    return [record_access(by=personas.caseworker, action="view", what=f"Ärendesida K-{n}", objects=[f"K-{n}"])
            for n in range(1, 6)]


def test_each_record_hashes_its_content_and_the_previous_hash(personas):
    records = _five(personas)
    stored = list(AccessRecord.objects.order_by("seq"))
    assert [r.seq for r in stored] == [1, 2, 3, 4, 5]
    assert [r.pk for r in stored] == [r.pk for r in records]
    assert stored[0].prev_hash == GENESIS
    for before, after in pairwise(stored):
        assert after.prev_hash == before.row_hash
    # The documented formula, recomputed by hand for the third record.
    third = stored[2]
    content = json.dumps([third.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                          personas.caseworker.pk, "caseworker", "caseworker", "cli", "view", "Ärendesida K-3", "",
                          ["K-3"], 1, "", None], separators=(",", ":"))
    assert canonical_content(third) == content
    assert third.row_hash == hashlib.sha256(f"{third.prev_hash}\n3\n{content}".encode()).hexdigest()
    head = ChainHead.objects.get()
    assert (head.seq, head.row_hash) == (5, stored[-1].row_hash)


def test_an_append_costs_one_statement_on_postgresql_and_one_more_on_sqlite(personas):
    """record_access runs on every page: the chain may add one small statement at most (inside a transaction,
    as here, SQLite needs no BEGIN of its own)."""
    record_access(by=personas.caseworker, action="view", what="Först")
    with CaptureQueriesContext(connection) as queries:
        record_access(by=personas.caseworker, action="view", what="Ärendesida", objects=["K-1"])
    expected = 1 if connection.vendor == "postgresql" else 2
    assert len(queries) == expected, [q["sql"][:80] for q in queries]


def test_web_records_with_any_address_and_text_verify(personas, rf):
    """Addresses come back from the database in its own notation, text in any script: the hash holds."""
    for address in ("2001:0db8:0000:0000:0000:0000:0000:0001", "::ffff:192.0.2.1", "192.0.2.7", ""):
        request = rf.get("/ärenden/K-1/?q=å&x=😀", REMOTE_ADDR=address)
        request.user = personas.caseworker
        record_access(by=personas.caseworker, action="view", what="Ärendesida 😀 ü", objects=["K-1"],
                      request=request)
    assert AccessRecord.objects.filter(channel="web").count() == 4
    assert verify_chain().problems == []


def test_verify_says_an_intact_log_is_intact(personas, capsys):
    _five(personas)
    assert verify_chain().problems == []
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Åtkomstloggen är hel" in out and "5 poster" in out


def test_verify_reports_a_removed_record(personas, capsys):
    records = _five(personas)
    _raw("DELETE FROM audit_accessrecord WHERE id = %s", [records[2].pk])
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "löpnummer 3 saknas" in out, out
    assert "ändrad" not in out


def test_verify_reports_an_altered_record_by_sequence_number_and_id(personas, capsys):
    records = _five(personas)
    _raw("UPDATE audit_accessrecord SET username = 'någon annan' WHERE id = %s", [records[1].pk])
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"löpnummer 2 (id {records[1].pk}) har ändrats" in out, out
    assert "löpnummer 3" not in out and "saknas" not in out


def test_verify_reports_a_record_altered_with_a_recomputed_hash(personas, capsys):
    records = _five(personas)
    forged = AccessRecord.objects.get(pk=records[3].pk)
    forged.what = "Ingenting"
    new_hash = hashlib.sha256(f"{forged.prev_hash}\n4\n{canonical_content(forged)}".encode()).hexdigest()
    _raw("UPDATE audit_accessrecord SET what = %s, row_hash = %s WHERE id = %s", ["Ingenting", new_hash, forged.pk])
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"löpnummer 4 (id {forged.pk}) har ändrats eller bytts ut" in out, out


def test_verify_reports_removed_newest_records(personas, capsys):
    records = _five(personas)
    _raw("DELETE FROM audit_accessrecord WHERE id IN (%s, %s)", [records[3].pk, records[4].pk])
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "löpnummer 4–5 saknas" in out, out


def test_a_hash_kept_outside_finds_newest_records_removed_with_the_head_rebuilt(personas, capsys):
    records = _five(personas)
    kept = f"{records[4].seq}:{records[4].row_hash}"
    _raw("DELETE FROM audit_accessrecord WHERE id IN (%s, %s)", [records[3].pk, records[4].pk])
    _raw("UPDATE audit_chainhead SET seq = 3, prev_hash = %s, row_hash = %s",
         [records[2].prev_hash, records[2].row_hash])
    assert main(["audit", "verify"]) == 0  # the chain alone cannot tell
    capsys.readouterr()
    assert main(["audit", "verify", "--expect", kept]) == 1
    assert "löpnummer 5 saknas, fast det fanns vid en tidigare kontroll" in capsys.readouterr().out
    assert main(["audit", "verify", "--expect", f"3:{records[2].row_hash}"]) == 0


def test_verify_refuses_a_malformed_expected_hash(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["audit", "verify", "--expect", "5:abc"])
    assert exited.value.code == 2
    assert "LÖPNUMMER:KONTROLLSUMMA" in capsys.readouterr().err


def test_verify_reports_the_first_records_removed(personas, capsys):
    records = _five(personas)
    _raw("DELETE FROM audit_accessrecord WHERE id = %s", [records[0].pk])
    assert main(["audit", "verify"]) == 1
    assert "löpnummer 1 saknas" in capsys.readouterr().out


def test_verify_shows_progress_on_standard_error(personas, capsys):
    _five(personas)
    assert main(["audit", "verify"]) == 0
    captured = capsys.readouterr()
    assert "Kontrollerar åtkomstloggen" in captured.err
    assert "Kontrollerar" not in captured.out


def test_appends_after_the_chain_head_was_lost_continue_the_chain(personas):
    """After a flush (tests) or a lost head row the next append starts from the newest record."""
    _five(personas)
    _raw("DELETE FROM audit_chainhead")
    record = record_access(by=None, action="view", what="Efteråt")
    assert record.seq == 6
    assert verify_chain().problems == []


def _second_connection(alias: str, name: str):
    """A connection of its own to database ``name``, registered under ``alias`` for this thread."""
    params = {**connection.settings_dict, "NAME": name}
    wrapper = PostgresWrapper if connection.vendor == "postgresql" else SqliteWrapper
    connections[alias] = wrapper(params, alias=alias)
    return connections[alias]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_valid_chain(tmp_path):
    """Eight writers with their own connections append at once; the chain has no gap, fork or duplicate."""
    if connection.vendor == "sqlite":
        # The test database lives in memory; the writers share a file copy of it (schema, triggers, head).
        name = str(tmp_path / "log.sqlite3")
        target = SqliteWrapper({**connection.settings_dict, "NAME": name}, alias="copy")
        target.ensure_connection()
        connection.ensure_connection()
        connection.connection.backup(target.connection)
        target.close()
    else:
        name = connection.settings_dict["NAME"]
    per_writer, writers = 25, 8
    errors = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        conn = _second_connection(f"writer{n}", name)
        try:
            start.wait()
            for i in range(per_writer):
                append(conn, {"username": f"w{n}", "role": "", "channel": "cli", "action": "view",
                              "what": f"Post {i}", "object_type": "", "object_ids": [str(i)],
                              "object_count": 1, "path": "", "ip_address": None, "user_id": None})
        except Exception as exc:  # collected and asserted below, in the test's thread
            errors.append(exc)
        finally:
            conn.close()
            del connections[f"writer{n}"]

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = _second_connection("checker", name)
    try:
        report = verify_chain(using=check)
    finally:
        check.close()
        del connections["checker"]
    assert report.problems == []
    assert report.count == per_writer * writers
    assert report.last_seq == per_writer * writers


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_records_written_before_the_chain(personas):
    """Records from before migration 0003 get sequence numbers and hashes in id order."""
    record_access(by=personas.caseworker, action="view", what="Före kedjan")
    call_command("migrate", "audit", "0002", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for what in ("Gammal 1", "Gammal 2"):
                cursor.execute(
                    "INSERT INTO audit_accessrecord (at, username, role, channel, action, what, object_type, "
                    "object_ids, object_count, path) VALUES (%s, 'x', '', 'web', 'view', %s, '', '[]', 0, '')",
                    ["2025-01-02T03:04:05+00:00", what])
    finally:
        call_command("migrate", "audit", verbosity=0)
    assert list(AccessRecord.objects.order_by("seq").values_list("seq", "what")) == [
        (1, "Före kedjan"), (2, "Gammal 1"), (3, "Gammal 2")]
    assert verify_chain().problems == []
    assert record_access(by=None, action="view", what="Efter").seq == 4
    assert verify_chain().problems == []
