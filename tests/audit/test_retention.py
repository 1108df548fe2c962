"""Retention of the access log (issue 15): the owner's path removes the oldest records, records the cut, and
`stabil audit verify` still passes and still finds any other removal or change."""

from __future__ import annotations

import pytest
from django.db import connection

from stabil.audit.chain import anchor_problem, verify_chain
from stabil.audit.models import AccessRecord, ChainCut
from stabil.audit.retention import RetentionRefused, remove_through
from stabil.audit.services import record_access
from stabil.cli import main
from tests.audit.test_chain import _raw

pytestmark = pytest.mark.django_db


def _ten(personas):
    return [record_access(by=personas.caseworker, action="view", what=f"Ärendesida K-{n}", objects=[f"K-{n}"])
            for n in range(1, 11)]


def test_removing_the_oldest_records_keeps_the_chain_verifiable(personas, capsys):
    records = _ten(personas)
    cut = remove_through(last_seq=4, by_name="arkiv", reason="gallringslista 1")
    assert (cut.first_removed, cut.last_removed, cut.removed_count) == (1, 4, 4)
    assert cut.anchor_hash == records[3].row_hash  # the chain now starts from the last removed record's hash
    assert list(AccessRecord.objects.order_by("seq").values_list("seq", flat=True)) == list(range(5, 11))
    record_access(by=personas.caseworker, action="view", what="Efteråt")
    report = verify_chain()
    assert report.problems == [] and report.count == 7 and report.last_seq == 11
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Gallrat" in out and "löpnummer 1–4 (4 poster, gallringslista 1, av arkiv)" in out
    # A second cut continues where the first ended.
    remove_through(last_seq=6, by_name="arkiv", reason="gallringslista 2")
    assert verify_chain().problems == []


def test_any_other_removal_or_change_is_still_found(personas):
    records = _ten(personas)
    remove_through(last_seq=3, by_name="arkiv", reason="gallringslista 1")
    _raw("DELETE FROM audit_accessrecord WHERE id = %s", [records[5].pk])
    problems = verify_chain().problems
    assert problems == ["löpnummer 6 saknas: posten har tagits bort"]


def test_removing_the_first_kept_record_as_well_is_found(personas):
    _ten(personas)
    remove_through(last_seq=3, by_name="arkiv", reason="gallringslista 1")
    _raw("DELETE FROM audit_accessrecord WHERE seq = 4")
    assert verify_chain().problems == ["löpnummer 4 saknas: posten har tagits bort"]


def test_the_newest_record_is_never_removed_and_nothing_is_removed_twice(personas):
    _ten(personas)
    with pytest.raises(RetentionRefused, match="senaste posten"):
        remove_through(last_seq=10, by_name="arkiv", reason="x")
    remove_through(last_seq=5, by_name="arkiv", reason="x")
    with pytest.raises(RetentionRefused, match="inga poster"):
        remove_through(last_seq=5, by_name="arkiv", reason="x")
    assert ChainCut.objects.count() == 1 and AccessRecord.objects.count() == 5


def test_a_check_point_from_before_the_cut_still_holds(personas):
    records = _ten(personas)
    remove_through(last_seq=4, by_name="arkiv", reason="gallringslista 1")
    assert anchor_problem(2, records[1].row_hash) is None  # removed by retention, as recorded
    assert anchor_problem(4, records[3].row_hash) is None
    assert "annan kontrollsumma" in anchor_problem(4, "0" * 64)
    assert anchor_problem(8, records[7].row_hash) is None


@pytest.mark.django_db(transaction=True)
def test_only_the_retention_path_removes_records(personas, request, settings):
    """PostgreSQL: the app role cannot delete, even with retention's switch; the owner, on a connection of
    its own (STABIL_MIGRATE_DATABASE_URL), can. SQLite: a raw DELETE on the app's connection is refused;
    the retention path (maintenance) removes."""
    from django.db import DatabaseError, transaction

    _ten(personas)
    if connection.vendor == "postgresql":
        app = request.getfixturevalue("app_role_connection")
        with pytest.raises(Exception, match="permission denied"):  # noqa: B017 - psycopg's own class
            with app.transaction():
                app.execute("SET LOCAL stabil.audit_retention = 'on'")
                app.execute("DELETE FROM audit_accessrecord WHERE seq <= 3")
        params = connection.settings_dict
        settings.MIGRATE_DATABASE_URL = (f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
                                         f"{params['PORT'] or 5432}/{params['NAME']}")
    else:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessrecord WHERE seq <= 3")
    assert AccessRecord.objects.count() == 10
    cut = remove_through(last_seq=3, by_name="arkiv", reason="gallringslista 1")
    assert cut.removed_count == 3 and AccessRecord.objects.count() == 7
    assert verify_chain().problems == []
