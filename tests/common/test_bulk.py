"""The bulk-write plumbing (``stabil.common.bulk``): when a write sets a table's indexes aside (issue 16)."""

import pytest

from stabil.cases.models import CaseEvent
from stabil.common import bulk
from tests.cases.test_import import GOOD, do_import, write


@pytest.mark.django_db
def test_indexes_are_set_aside_only_for_a_write_large_beside_the_table(org, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 1)
    assert do_import(write(tmp_path, GOOD)).ok  # six events stored
    bulk.analyze([CaseEvent])  # PostgreSQL's estimate of the rows (SQLite counts them)
    assert not bulk.worth_setting_aside(CaseEvent, 1)  # 1 row beside 6: rebuilding would cost the table
    assert bulk.worth_setting_aside(CaseEvent, 1_000)
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 50_000)
    assert not bulk.worth_setting_aside(CaseEvent, 1_000)  # below the threshold whatever the table


@pytest.mark.django_db
def test_a_small_file_added_to_a_larger_history_keeps_the_indexes_in_place(org, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 1)
    assert do_import(write(tmp_path, GOOD)).ok
    bulk.analyze([CaseEvent])
    set_aside = []
    real = bulk._set_aside
    monkeypatch.setattr(bulk, "_set_aside", lambda cursor, table, *args: set_aside.append(table) or real(cursor, table, *args))
    line = "K9,B9,2015-03-01,barn,UA,report_received,2026-06-05,,,,,"
    assert do_import(write(tmp_path, [line], name="one.csv")).ok
    assert CaseEvent._meta.db_table not in set_aside
