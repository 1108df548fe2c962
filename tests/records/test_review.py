"""The monthly log follow-up (logguppföljning, issue 15): the selection, the review, the signature, the report."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from stabil.audit.models import AccessRecord
from stabil.core import logreview
from stabil.records import selectors, services
from stabil.records.models import LogReview
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAY_WEDNESDAY = dt.datetime(2026, 5, 13, 10, 0, tzinfo=STOCKHOLM)


def _seqs(**filters) -> list[int]:
    return list(AccessRecord.objects.filter(**filters).order_by("seq").values_list("seq", flat=True))


@pytest.fixture
def may(world, settings):
    """Accesses made in May 2026 through the pages; returns the sequence numbers by what they were."""
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.jobs.models import Job
    from stabil.organisation.models import Unit

    settings.STABIL_LOG_REVIEW_SAMPLE = 0
    sibling = Unit.objects.create(department=world.org.department, code="UA2", name="Syskonenhet")
    child = Child.objects.create(child_id="BX-7")
    case = Case.objects.create(case_id="CS-1", child=child, category="barn", unit=sibling)
    CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 5, 1))
    job = Job.objects.create(kind="import", label="Import", runner="stabil.imports.jobs.import_file",
                             created_by=world.caseworker, status=Job.Status.DONE,
                             result={"summary": "Rad 3: ärende CA-2 finns redan."})
    made = {}
    with time_machine.travel(MAY_WEDNESDAY, tick=False):
        client_for(world.caseworker).get("/arenden/arende/CA-1/")  # his own team's case
        made["in_team"] = _seqs(username="caseworker", what="Ärendesida CA-1")
        client_for(world.team_lead).get("/arenden/arende/CA-1/")  # her team's case
        client_for(world.other_team_caseworker).get("/arenden/arende/CA-2/")  # his team's case
        client_for(world.department_head).get("/arenden/arende/CS-1/")  # a unit of the department, not his own
        made["other_unit"] = _seqs(username="department_head", what="Ärendesida CS-1")
        client_for(world.caseworker).get(f"/jobb/{job.pk}/")  # the job's text names another team's case
        made["other_team"] = _seqs(username="caseworker", object_ids__icontains="CA-2")
    with time_machine.travel(MAY_WEDNESDAY.replace(hour=21), tick=False):
        client_for(world.caseworker).get("/arenden/arende/CA-1/")  # his own case, in the evening
        made["evening"] = _seqs(username="caseworker", at=MAY_WEDNESDAY.replace(hour=21))  # the case and its handler
    with time_machine.travel(dt.datetime(2026, 6, 1, 0, 30, tzinfo=STOCKHOLM), tick=False):
        client_for(world.department_head).get("/arenden/arende/CS-1/")  # June: not in May's review
    return made


def test_the_follow_up_selects_out_of_team_reads_and_not_in_team_reads(world, may):
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        review = services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))
    selected = {e.record_seq: e.reasons for e in review.entries.all()}
    # Outside the reader's team or unit: the department head in a sibling unit, the caseworker's read of
    # another team's case (named by his job page). Not: the in-team reads of the caseworker, the team lead and
    # the other team's caseworker.
    for seq in may["other_unit"] + may["other_team"]:
        assert selected[seq] == [logreview.OUTSIDE_HOME], seq
    for seq in may["in_team"]:
        assert seq not in selected
    in_team_reads = _seqs(what__in=["Ärendesida CA-1", "Ärendesida CA-2"], username__in=[
        "caseworker", "team_lead", "other_team_caseworker"], object_type="cases.case")
    assert set(in_team_reads) - set(may["evening"]) and not (set(in_team_reads) - set(may["evening"])) & set(selected)
    # Outside working hours: his own case (and its handler) at 21:00.
    assert [selected[s] for s in may["evening"]] == [[logreview.OFF_HOURS]] * 2
    # Nothing from June; nothing but the four above.
    assert set(selected) == set(may["other_unit"] + may["other_team"] + may["evening"])


def test_the_random_sample_is_stored_and_reproducible(world, may, settings):
    settings.STABIL_LOG_REVIEW_SAMPLE = 3
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        review = services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))
    sampled = sorted(e.record_seq for e in review.entries.all() if logreview.RANDOM in e.reasons)
    assert len(sampled) == 3
    assert review.review_settings == {"work_start": "07:00", "work_end": "18:00", "many_reads": 400, "sample_size": 3}
    again = selectors.review_selection(dt.date(2026, 5, 1), seed=review.seed, review=selectors.review_settings())
    assert sorted(s for s, reasons in again.entries.items() if logreview.RANDOM in reasons) == sampled


def test_many_accesses_are_one_entry_for_the_user(world, may, settings):
    # The caseworker made five accesses to personal data in May (two case pages with their handlers, a job page);
    # everyone else two at most.
    settings.STABIL_LOG_REVIEW_MANY = 4
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        review = services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))
    many = [(e.username, e.access_count) for e in review.entries.all() if e.reasons == ["many"]]
    assert many == [("caseworker", 5)]


def test_protected_children_are_always_selected(world, may):
    client = client_for(world.dpo)
    assert client.post("/registervard/logguppfoljning/skyddade/", {"child_id": "BX-1"}).status_code == 302
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        review = services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))
    protected = {e.record_seq for e in review.entries.all() if logreview.PROTECTED in e.reasons}
    assert protected == set(_seqs(what="Ärendesida CA-1", object_type="cases.case"))  # in May and by anyone


def test_review_mark_sign_and_report_through_the_pages(world, may):
    client = client_for(world.dpo)
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        # A month that has not ended cannot be reviewed; a bad month is a form error.
        assert "inte slut" in client.post("/registervard/logguppfoljning/", {"month": "2026-06"}).content.decode()
        assert client.post("/registervard/logguppfoljning/", {"month": "maj"}).status_code == 400
        response = client.post("/registervard/logguppfoljning/", {"month": "2026-05"})
        assert response.status_code == 302
        review = LogReview.objects.get(month=dt.date(2026, 5, 1))
        page = client.get(response["Location"])
        assert page.status_code == 200 and "CS-1" in page.content.decode()
        assert AccessRecord.objects.filter(username="dpo", what="Logguppföljning 2026-05",
                                           object_ids__icontains="CS-1").exists()
        # Signing before every entry is reviewed is refused.
        refused = client.post(f"/registervard/logguppfoljning/{review.pk}/signera/")
        assert refused.status_code == 400 and "inte granskade" in refused.content.decode()
        entries = list(review.entries.all())
        empty = client.post(f"/registervard/logguppfoljning/{review.pk}/post/{entries[0].pk}/", {"comment": " "})
        assert empty.status_code == 400
        for n, entry in enumerate(entries):
            follow = "Samtal med medarbetaren, enhetschefen ansvarar" if n == 0 else ""
            marked = client.post(f"/registervard/logguppfoljning/{review.pk}/post/{entry.pk}/",
                                 {"comment": "Tjänsteärende, i sin ordning", "follow_up": follow})
            assert marked.status_code == 302
        assert client.post(f"/registervard/logguppfoljning/{review.pk}/signera/").status_code == 302
        report = client.get("/registervard/logguppfoljning/")
    review.refresh_from_db()
    assert review.signed and review.signed_by_name == "dpo"
    with pytest.raises(services.RecordsError, match="signerad"):
        services.review_entry_mark(by=world.dpo, entry=entries[0], comment="ändrat")
    summary = report.context["summaries"][0]
    assert (summary.entries, summary.reviewed, summary.follow_ups) == (len(entries), len(entries), 1)
    assert len(entries) == 4
    assert "2026-05" in report.content.decode()
    # The change log keeps who marked and signed.
    from auditlog.models import LogEntry

    assert LogEntry.objects.filter(actor=world.dpo, object_repr="2026-05").exists()


def test_only_one_follow_up_per_month(world, may):
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))
        with pytest.raises(services.RecordsError, match="redan påbörjad"):
            services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))


def test_follow_up_pages_permissions(world, may, view_permissions):
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        review = services.review_start(by=world.dpo, month=dt.date(2026, 5, 1))
    entry = review.entries.first()
    view_permissions("/registervard/logguppfoljning/", allowed={"dpo"})
    view_permissions(f"/registervard/logguppfoljning/{review.pk}/", allowed={"dpo"})
    view_permissions("/registervard/logguppfoljning/skyddade/", allowed={"dpo"})
    view_permissions(f"/registervard/logguppfoljning/{review.pk}/post/{entry.pk}/", allowed={"dpo"}, method="post",
                     data={"comment": "ok"}, ok_statuses=(302,))
    view_permissions(f"/registervard/logguppfoljning/{review.pk}/signera/", allowed={"dpo"}, method="post",
                     ok_statuses=(400,))
    view_permissions("/registervard/logguppfoljning/skyddade/BX-1/ta-bort/", allowed={"dpo"}, method="post")
    with pytest.raises(Exception):  # noqa: B017 - the service refuses a user without the capability
        services.review_start(by=make_user("x", "unit_manager"), month=dt.date(2026, 4, 1))

