"""The demo's record-keeping (issue 15): a month of reads, a signed follow-up, proposed destruction lists."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest

from stabil.audit.chain import verify_chain
from stabil.audit.models import AccessRecord
from stabil.records.models import DestructionList, LogReview
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)


def _context(world, seed: int):
    from stabil.demo.generator import DemoContext

    users = {"handlaggare": world.caseworker, "arbetsledare": world.team_lead, "enhetschef": world.unit_manager,
             "avdelningschef": world.department_head, "dataskydd": world.dpo, "arkiv": world.archivist}
    return DemoContext(seed=seed, today=TODAY, rng=random.Random(seed), stream=io.StringIO(), users=users)


@pytest.fixture
def demo_world(world):
    """The world, with a case in a sibling unit of the department and a child whose case ended in 2019."""
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.organisation.models import Unit

    sibling = Unit.objects.create(department=world.org.department, code="UA2", name="Syskonenhet")
    case = Case.objects.create(case_id="CS-1", child=Child.objects.create(child_id="BX-7"), category="barn",
                               unit=sibling)
    CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 4, 1))
    old = Case.objects.create(case_id="CO-1", child=Child.objects.create(child_id="BX-8"), category="barn",
                              unit=world.org.unit_a)
    CaseEvent.objects.create(case=old, kind="report_received", on=dt.date(2019, 3, 1))
    return world


def test_the_demo_has_a_signed_follow_up_and_proposed_destruction_lists(demo_world):
    from stabil.audit import demo as audit_demo
    from stabil.records import demo as records_demo

    world = demo_world
    ctx = _context(world, 7)
    audit_demo.build(ctx)
    reads = AccessRecord.objects.filter(at__date__gte=dt.date(2026, 5, 1), at__date__lt=dt.date(2026, 6, 1))
    assert reads.count() == sum(n for n, _ in audit_demo.READERS.values()) + audit_demo.OTHER_UNIT_READS
    # The department head reads only the case of the sibling unit: the one his scope holds outside his unit.
    assert [ids for ids in reads.filter(username="department_head").values_list("object_ids", flat=True)] == [
        ["CS-1"]] * audit_demo.OTHER_UNIT_READS
    assert reads.filter(username="caseworker", object_ids__icontains="CA-2").count() == 0  # only what he may see
    records_demo.build(ctx)
    review = LogReview.objects.get()
    assert review.month == dt.date(2026, 5, 1) and review.signed and review.signed_by_name == "dpo"
    entries = list(review.entries.all())
    reasons = {r for e in entries for r in e.reasons}
    assert {"outside_home", "off_hours"} <= reasons  # the department head's reads, the evening reads
    assert all(e.reviewed and e.comment for e in entries) and sum(1 for e in entries if e.follow_up) == 1
    # The archivist's proposal: BX-8 (last entry 2019) on unit A's list, approved on the archive's side.
    dlist = DestructionList.objects.get(unit=world.org.unit_a)
    assert dlist.status == DestructionList.Status.PROPOSED and dlist.counts == {"child": 1}
    assert list(dlist.items.values_list("object_id", flat=True)) == ["BX-8"]
    assert [a.username for a in dlist.approvals.all()] == ["archivist"]
    assert verify_chain().problems == []  # the chain holds with the demo's history in it
    # What the demo users see: the signed follow-up in the report, the lists to approve.
    page = client_for(world.dpo).get("/registervard/logguppfoljning/")
    assert "2026-05" in page.content.decode()
    assert client_for(world.unit_manager).get(f"/registervard/gallring/{dlist.pk}/").context["can_approve"]


def test_the_same_seed_gives_the_same_demo_history(demo_world):
    from stabil.audit import demo as audit_demo

    def history():
        return list(AccessRecord.objects.order_by("seq").values_list("at", "username", "object_ids"))

    audit_demo.build(_context(demo_world, 3))
    first = history()
    audit_demo.build(_context(demo_world, 3))
    assert history()[len(first):] == first
