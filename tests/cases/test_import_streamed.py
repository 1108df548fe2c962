"""The case-events import of a file too large to hold (issue 16), at small sizes: every test of
``test_import`` again, with every CSV file streamed row by row (``framework.STREAM_FROM_BYTES`` 0), its events
staged in the database and stored one case at a time, and the tables' indexes set aside from the first event,
so that the streamed path stores and reports exactly what the in-memory one does."""

import pytest

from tests.cases.test_import import *  # noqa: F403  the same tests, run on the streamed path
from tests.cases import test_import


@pytest.fixture(autouse=True)
def _streamed(monkeypatch):
    monkeypatch.setattr("stabil.imports.framework.STREAM_FROM_BYTES", 0)
    monkeypatch.setattr("stabil.cases.services.STAGED_PART_CASES", 1)
    monkeypatch.setattr("stabil.common.bulk.REBUILD_INDEXES_FROM", 1)
    monkeypatch.setattr("stabil.common.bulk.Staging.__init__.__kwdefaults__", {"flush_every": 2})


def test_the_in_memory_tests_are_all_here():
    names = {name for name in dir(test_import) if name.startswith("test_")}
    assert names <= set(globals())


@pytest.mark.django_db
def test_a_csv_file_goes_the_streamed_way(org, tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("the in-memory store ran")

    monkeypatch.setattr("stabil.cases.services.case_events_store", refuse)
    outcome = do_import(write(tmp_path, GOOD))  # noqa: F405
    assert outcome.ok, outcome.error_lines()
    assert outcome.result.counts["nya händelser"] == 6
