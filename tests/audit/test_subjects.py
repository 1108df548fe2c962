"""Access records name the children they cover (issue 15), so that a log extract finds every access."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from datetime import UTC

import pytest

from stabil.audit.chain import canonical_content, verify_chain
from stabil.audit.models import AccessRecord
from stabil.audit.services import MAX_IDS_PER_RECORD, record_access
from tests.audit.test_chain import _raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_children(org):
    from stabil.cases.models import Case, Child

    first = Child.objects.create(child_id="BARN-1", birth_date=dt.date(2015, 1, 1))
    second = Child.objects.create(child_id="BARN-2", birth_date=dt.date(2016, 1, 1))
    for case_id, child in (("K-1", first), ("K-2", first), ("K-3", second)):
        Case.objects.create(case_id=case_id, child=child, category="barn", unit=org.unit_a)
    return first, second


def test_a_record_of_cases_stores_the_children_behind_them(personas, two_children):
    record = record_access(by=personas.unit_manager, action="view", what="Fristlista",
                           objects=["K-1", "K-2", "K-3", "K-UNKNOWN"], object_type="cases.case")
    stored = AccessRecord.objects.get(pk=record.pk)
    assert stored.child_ids == ["BARN-1", "BARN-2"]
    # A case import names the case ids it read; a job page may name a child id itself.
    by_import = record_access(by=None, action="import", what="Import av ärendehändelser: x.csv", objects=["K-3"],
                              object_type="case_events", count=10)
    by_job = record_access(by=None, action="view", what="Bakgrundsjobb 1", objects=["BARN-1"],
                           object_type="cases.child")
    assert AccessRecord.objects.get(pk=by_import.pk).child_ids == ["BARN-2"]
    assert AccessRecord.objects.get(pk=by_job.pk).child_ids == ["BARN-1"]


def test_records_about_no_child_store_none_and_hash_as_before(personas, two_children):
    staff = record_access(by=personas.hr, action="view", what="Medarbetare", objects=["K-1"],
                          object_type="staff.staffmember")
    plain = record_access(by=personas.hr, action="view", what="Sida")
    for record in (staff, plain):
        assert AccessRecord.objects.get(pk=record.pk).child_ids is None
    assert verify_chain().problems == []


def test_the_child_ids_are_hashed_after_the_other_content(personas, two_children):
    record_access(by=personas.unit_manager, action="view", what="Ärendesida K-3", objects=["K-3"],
                  object_type="cases.case")
    stored = AccessRecord.objects.get()
    # The documented formula: the twelve fields as before, then the child ids.
    content = json.dumps([stored.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), personas.unit_manager.pk,
                          "unit_manager", "unit_manager", "cli", "view", "Ärendesida K-3", "cases.case", ["K-3"], 1,
                          "", None, ["BARN-2"]], separators=(",", ":"))
    assert canonical_content(stored) == content
    assert stored.row_hash == hashlib.sha256(f"{stored.prev_hash}\n1\n{content}".encode()).hexdigest()
    assert verify_chain().problems == []


def test_a_changed_child_id_is_found_by_verify(personas, two_children):
    record = record_access(by=personas.unit_manager, action="view", what="Ärendesida K-3", objects=["K-3"],
                           object_type="cases.case")
    record_access(by=personas.unit_manager, action="view", what="Efteråt")
    _raw("UPDATE audit_accessrecord SET child_ids = %s WHERE id = %s", ['["BARN-1"]', record.pk])
    problems = verify_chain().problems
    assert len(problems) == 1 and "löpnummer 1" in problems[0]


def test_more_ids_than_one_record_holds_are_written_as_parts(personas, two_children):
    ids = [f"X-{n:05d}" for n in range(MAX_IDS_PER_RECORD + 5)] + ["K-3"]
    last = record_access(by=personas.unit_manager, action="export", what="Rapport frister", objects=ids,
                         object_type="cases.case")
    parts = list(AccessRecord.objects.order_by("seq"))
    assert [p.what for p in parts] == ["Rapport frister (del 1 av 2)", "Rapport frister (del 2 av 2)"]
    assert [len(p.object_ids) for p in parts] == [MAX_IDS_PER_RECORD, 6]
    assert [i for p in parts for i in p.object_ids] == ids  # every id listed, none lost
    assert parts[1].child_ids == ["BARN-2"] and parts[0].child_ids is None
    assert last.pk == parts[1].pk
    assert verify_chain().problems == []
