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


@pytest.mark.django_db
def test_windows_1252_and_utf16_files_are_streamed_with_the_same_rules(org, tmp_path):
    lines = [line.replace("K1,B1", "K1,Bö1") for line in GOOD]  # noqa: F405
    outcome = do_import(write(tmp_path, lines, name="ansi.csv", encoding="cp1252"))  # noqa: F405
    assert outcome.ok, outcome.error_lines()
    assert any("lästes som cp1252" in line for line in outcome.notices)
    path = tmp_path / "utf16.csv"
    path.write_bytes("\n".join([HEADER, *lines]).encode("utf-16"))  # noqa: F405  with its byte-order mark
    outcome = do_import(path)  # noqa: F405
    assert outcome.ok, outcome.error_lines()
    assert outcome.result.counts["redan inlästa händelser"] == 6


@pytest.mark.django_db
def test_a_streamed_file_marked_utf8_with_bad_bytes_is_refused_with_its_byte(org, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join([HEADER, *GOOD]).encode() + b"\n\xff\xfe,x\n")  # noqa: F405
    with pytest.raises(ImportFileError, match=r"märkt som UTF-8 men innehåller ogiltiga tecken \(byte \d+\)"):  # noqa: F405
        do_import(path)  # noqa: F405
    assert not Case.objects.exists()  # noqa: F405


@pytest.mark.django_db
def test_a_control_character_and_a_short_row_are_row_errors_and_nothing_is_stored(org, tmp_path):
    lines = [*GOOD, "K3,B3,2015-01-01,barn,UA,report_received,2026-06-01,S\x001,,,,", "K4,B4"]  # noqa: F405
    outcome = do_import(write(tmp_path, lines))  # noqa: F405
    assert not outcome.ok
    text = "\n".join(outcome.error_lines())
    assert "rad 8, kolumn staff_id: otillåtet styrtecken U+0000" in text
    assert "rad 9: raden har 2 fält men rubrikraden har 12" in text
    assert not CaseEvent.objects.exists()  # noqa: F405


@pytest.mark.django_db
def test_the_streamed_limits_refuse_a_file_too_large_or_too_long(org, tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)  # noqa: F405
    monkeypatch.setattr("stabil.imports.framework.MAX_STREAMED_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="högst 0 MB kan importeras"):  # noqa: F405
        do_import(path)  # noqa: F405
    monkeypatch.setattr("stabil.imports.framework.MAX_STREAMED_FILE_BYTES", 10**9)
    monkeypatch.setattr("stabil.imports.framework.MAX_STREAMED_ROWS", 4)
    with pytest.raises(ImportFileError, match="rad 5: filen har fler än 4 rader"):  # noqa: F405
        do_import(path)  # noqa: F405
    assert not Case.objects.exists()  # noqa: F405


@pytest.mark.django_db
def test_a_dry_run_of_a_streamed_file_stores_nothing_and_leaves_no_staging_table(org, tmp_path):
    from django.db import connection

    outcome = run_import(write(tmp_path, GOOD), stream=io.StringIO(), quiet=True, dry_run=True)  # noqa: F405
    assert not outcome.errors and outcome.result.counts["nya händelser"] == 6
    assert not CaseEvent.objects.exists()  # noqa: F405
    assert not [t for t in connection.introspection.table_names(include_views=False) if "staged" in t]
    assert do_import(write(tmp_path, GOOD, name="real.csv")).ok  # noqa: F405
    assert not [t for t in connection.introspection.table_names(include_views=False) if "staged" in t]


@pytest.mark.django_db
def test_progress_counts_the_rows_checked_then_the_events_stored(org, tmp_path, monkeypatch):
    from stabil.common.progress import Progress

    class EveryStep(Progress):  # every update, not one a second
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "interval": 0})

    monkeypatch.setattr("stabil.imports.framework.Progress", EveryStep)
    updates = []
    outcome = run_import(write(tmp_path, GOOD), stream=io.StringIO(), quiet=True,  # noqa: F405
                         on_progress=lambda fraction, message: updates.append((fraction, message)))
    assert outcome.ok
    fractions = [fraction for fraction, _message in updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert ("kontrollerar rader", "sparar") == (updates[0][1], updates[-1][1])
    assert 0.5 in fractions  # the six rows checked: half of the work


@pytest.mark.django_db
def test_a_streamed_file_naming_too_many_cases_is_refused_and_stores_nothing(org, tmp_path, monkeypatch):
    monkeypatch.setattr("stabil.cases.importers.MAX_FILE_CASES", 1)
    with pytest.raises(ImportFileError, match=r"events.csv, rad 7: filen nämner fler än 1 ärenden; dela upp"):  # noqa: F405
        do_import(write(tmp_path, GOOD))  # noqa: F405
    assert not Case.objects.exists() and not CaseEvent.objects.exists()  # noqa: F405
