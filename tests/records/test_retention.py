"""Retention (gallring, issue 15): a monthly destruction list, two approvals in two roles, then exactly the rows
past their time are removed or pseudonymised — and nothing before, nothing not on the list, nothing newer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent, Child
from stabil.cli import main
from stabil.records import services
from stabil.records.models import DestructionList
from stabil.staff.models import CompetenceAssessment, ExitInterview, KnowledgeArea, StaffMember
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _child(child_id, unit, last_on, *, placed=False, case_id=None, born=dt.date(2010, 3, 3)):
    child = Child.objects.create(child_id=child_id, birth_date=born)
    case = Case.objects.create(case_id=case_id or f"K-{child_id}", child=child, category="barn", unit=unit)
    CaseEvent.objects.create(case=case, kind="report_received", on=last_on - dt.timedelta(days=30))
    CaseEvent.objects.create(case=case, kind="investigation_opened", on=last_on - dt.timedelta(days=20))
    if placed:
        CaseEvent.objects.create(case=case, kind="intervention_started", on=last_on - dt.timedelta(days=10),
                                 intervention="foster_home")
    CaseEvent.objects.create(case=case, kind="investigation_closed", on=last_on, outcome="no_measures")
    return child


@pytest.fixture
def aged(personas):
    """Children and people on both sides of their time, on 2026-06-15 (five years; two years)."""
    org = personas.org
    made = {
        "OLD-1": _child("OLD-1", org.unit_a, dt.date(2021, 3, 1)),  # due since 2026-03-01
        "OLD-2": _child("OLD-2", org.unit_a, dt.date(2021, 6, 15)),  # due today, to the day
        "NEW-1": _child("NEW-1", org.unit_a, dt.date(2021, 6, 16)),  # due tomorrow: newer
        "PLACED": _child("PLACED", org.unit_a, dt.date(2019, 1, 10), placed=True),  # kept: a placement
        "OLD-B": _child("OLD-B", org.unit_b, dt.date(2020, 1, 10)),  # due, on unit B's list
    }
    area = KnowledgeArea.objects.create(code="KA", name="Utredning")
    left = StaffMember.objects.create(staff_id="LEFT-1", name="Anna Lämnat", unit=org.unit_a,
                                      started_on=dt.date(2018, 1, 1), ended_on=dt.date(2024, 6, 1),
                                      user=personas.colleague)
    CompetenceAssessment.objects.create(staff=left, area=area, assessed_on=dt.date(2023, 1, 1), level=2)
    ExitInterview.objects.create(staff=left, held_on=dt.date(2024, 5, 20), main_reason="workload",
                                 comment="Sa att chefen aldrig lyssnade")
    recent = StaffMember.objects.create(staff_id="LEFT-2", name="Bo Nyss", unit=org.unit_a,
                                        started_on=dt.date(2019, 1, 1), ended_on=dt.date(2024, 6, 16))
    ExitInterview.objects.create(staff=recent, held_on=dt.date(2024, 5, 1), main_reason="pay",
                                 comment="Lönen var för låg")
    StaffMember.objects.create(staff_id="STAYS", name="Cia Kvar", unit=org.unit_a, started_on=dt.date(2019, 1, 1))
    # The change log holds the person's name from an earlier change.
    left.name = "Anna Lämnad"
    left.save()
    return made


def _items(dlist):
    return sorted((i.kind, i.object_id) for i in dlist.items.all())


def _propose():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        return {dl.unit.code if dl.unit else None: dl for dl in services.retention_propose(by=None, on=TODAY)}


def _run(by, dlist, **kwargs):
    return services.retention_run(by=by, destruction_list=dlist, on=TODAY, **kwargs)


def _stored():
    return (sorted(Child.objects.values_list("child_id", flat=True)),
            sorted(StaffMember.objects.values_list("staff_id", flat=True)),
            sorted(ExitInterview.objects.exclude(comment="").values_list("staff__staff_id", flat=True)))


def test_the_monthly_list_names_exactly_what_is_past_its_time(aged):
    lists = _propose()
    assert set(lists) == {"UA", "UB"}
    assert _items(lists["UA"]) == [("child", "OLD-1"), ("child", "OLD-2"), ("exit_comment", "LEFT-2"),
                                   ("staff", "LEFT-1")]
    assert _items(lists["UB"]) == [("child", "OLD-B")]
    assert lists["UA"].counts == {"child": 2, "exit_comment": 1, "staff": 1}


def test_a_run_removes_exactly_what_is_due_after_two_approvals_and_nothing_before(aged, personas):
    lists = _propose()
    ua = lists["UA"]
    before = _stored()
    # No approval, then one: nothing is removed.
    with pytest.raises(services.RecordsError, match="inte godkänd"):
        _run(personas.archivist, ua)
    services.retention_approve(by=personas.archivist, destruction_list=ua)
    with pytest.raises(services.RecordsError, match="inte godkänd"):
        _run(personas.archivist, ua)
    assert _stored() == before
    # The same person cannot approve twice; a second archivist is the same role; a manager of another unit may not.
    with pytest.raises(services.RecordsError, match="redan godkänt"):
        services.retention_approve(by=personas.archivist, destruction_list=ua)
    with pytest.raises(services.RecordsError, match="redan godkänd i din roll"):
        services.retention_approve(by=make_user("arkiv2", "archivist"), destruction_list=ua)
    with pytest.raises(PermissionDenied):
        services.retention_approve(by=personas.outsider_manager, destruction_list=ua)
    ua.refresh_from_db()
    assert ua.status == "proposed"
    services.retention_approve(by=personas.unit_manager, destruction_list=ua)
    ua.refresh_from_db()
    assert ua.status == "approved"
    # Since the proposal OLD-2 got a new entry: it is no longer due and stays.
    CaseEvent.objects.create(case=Case.objects.get(child__child_id="OLD-2"), kind="report_received",
                             on=dt.date(2026, 6, 1))
    dry = _run(personas.archivist, ua, dry_run=True)
    assert dry["would_remove"] == {"child": ["OLD-1"], "exit_comment": ["LEFT-2"], "staff": ["LEFT-1"]}
    assert dry["skipped"] == {"child": 1}
    assert _stored() == before  # a dry run removes nothing
    result = _run(personas.archivist, ua)
    assert result == {"child": {"removed": 1, "skipped": 1}, "exit_comment": {"removed": 1, "skipped": 0},
                      "staff": {"removed": 1, "skipped": 0}}
    children, staff, comments = _stored()
    # Exactly OLD-1 went; OLD-2 (new entry), NEW-1 (newer), PLACED (kept by law), OLD-B (not approved) stay.
    assert children == ["NEW-1", "OLD-2", "OLD-B", "PLACED"]
    assert not Case.objects.filter(case_id="K-OLD-1").exists()
    assert not CaseEvent.objects.filter(case__case_id="K-OLD-1").exists()
    # LEFT-1 is pseudonymised: a random id, no name, no account, no competence; the coded exit reason stays.
    pseudonym = [s for s in staff if s.startswith("gallrad-")]
    assert len(pseudonym) == 1 and "LEFT-1" not in staff and {"LEFT-2", "STAYS"} <= set(staff)
    person = StaffMember.objects.get(staff_id=pseudonym[0])
    assert (person.name, person.user, person.ended_on) == ("", None, dt.date(2024, 6, 1))
    assert not CompetenceAssessment.objects.filter(staff=person).exists()
    assert ExitInterview.objects.get(staff=person).main_reason == "workload"
    assert comments == []  # both comments gone: LEFT-1's with the person, LEFT-2's on its own
    assert StaffMember.objects.get(staff_id="LEFT-2").name == "Bo Nyss"
    # The list keeps kinds, counts, approvals and who ran it; not the ids.
    ua.refresh_from_db()
    assert ua.status == "done" and ua.items.count() == 0 and ua.run_by_name == "archivist"
    assert [a.username for a in ua.approvals.all()] == ["archivist", "unit_manager"]
    # Nothing of what was removed lives on in the change log.
    for removed in ("OLD-1", "K-OLD-1", "LEFT-1", "Anna Lämnat", "Anna Lämnad", "chefen aldrig", "Lönen var"):
        assert not LogEntry.objects.filter(object_repr__contains=removed).exists(), removed
        assert not [e for e in LogEntry.objects.all() if removed in json.dumps(e.changes, ensure_ascii=False)], removed
    # The run itself is in the access log, without the ids.
    run = AccessRecord.objects.get(what__startswith=f"Gallring enligt lista {ua.pk}")
    assert run.object_ids == [] and run.username == "archivist"
    # Unit B's list was never approved: OLD-B is there.
    assert lists["UB"].status == "proposed" and Child.objects.filter(child_id="OLD-B").exists()


def test_a_new_proposal_replaces_an_open_list_and_a_run_list_cannot_run_again(aged, personas):
    first = _propose()["UA"]
    second = _propose()["UA"]
    first.refresh_from_db()
    assert first.status == "withdrawn" and first.items.count() == 0 and second.status == "proposed"
    services.retention_approve(by=personas.archivist, destruction_list=second)
    with pytest.raises(services.RecordsError, match="ersatt"):
        services.retention_approve(by=personas.unit_manager, destruction_list=first)
    services.retention_approve(by=personas.department_head, destruction_list=second)
    _run(None, second)
    with pytest.raises(services.RecordsError):
        _run(None, second)


def test_removed_childrens_figures_stay_in_the_statistics_table(aged, personas):
    from stabil.core.statistics import MonthRange
    from stabil.governance.selectors import statistics_table

    def opened_2021():
        table = statistics_table(years=[2021], months=MonthRange(1, 12))
        return table.counts["investigations_opened"]["barn"][2021]

    assert opened_2021() == 3  # OLD-1, OLD-2 and NEW-1 opened investigations in 2021
    ua = _propose()["UA"]
    services.retention_approve(by=personas.archivist, destruction_list=ua)
    services.retention_approve(by=personas.unit_manager, destruction_list=ua)
    _run(personas.archivist, ua)
    assert Child.objects.filter(child_id__in=["OLD-1", "OLD-2"]).count() == 0
    assert opened_2021() == 3  # the same figure, from the counts kept at removal


def test_the_pages_propose_approve_and_run_with_a_job(aged, personas, django_capture_on_commit_callbacks):
    archivist, manager = client_for(personas.archivist), client_for(personas.unit_manager)
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        preview = archivist.get("/registervard/gallring/foresla/")
        assert preview.status_code == 200 and "OLD-1" in preview.content.decode()
        assert not DestructionList.objects.exists()  # the preview is a dry run
        assert archivist.post("/registervard/gallring/foresla/").status_code == 302
        ua = DestructionList.objects.get(unit__code="UA")
        ub = DestructionList.objects.get(unit__code="UB")
        page = manager.get(f"/registervard/gallring/{ua.pk}/")
        assert page.status_code == 200 and "OLD-1" in page.content.decode() and "OLD-B" not in page.content.decode()
        assert manager.get(f"/registervard/gallring/{ub.pk}/").status_code == 404
        assert AccessRecord.objects.filter(username="unit_manager", what=f"Gallringslista {ua.pk}",
                                           object_ids__icontains="OLD-1").exists()
        refused = archivist.post(f"/registervard/gallring/{ua.pk}/genomfor/")
        assert refused.status_code == 400 and Child.objects.filter(child_id="OLD-1").exists()
        assert archivist.post(f"/registervard/gallring/{ua.pk}/godkann/").status_code == 302
        assert manager.post(f"/registervard/gallring/{ua.pk}/godkann/").status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            started = archivist.post(f"/registervard/gallring/{ua.pk}/genomfor/")
        assert started.status_code == 302 and "/jobb/" in started["Location"]
        job_page = archivist.get(started["Location"])
        assert "Gallringslista" in job_page.content.decode() and "genomförd" in job_page.content.decode()
    assert not Child.objects.filter(child_id__in=["OLD-1", "OLD-2"]).exists()
    assert Child.objects.filter(child_id="OLD-B").exists()
    run = AccessRecord.objects.get(what__startswith=f"Gallring enligt lista {ua.pk}")
    assert run.channel == "web" and run.ip_address == "127.0.0.1"


def test_retention_pages_permissions(aged, personas, view_permissions):
    lists = _propose()
    ua, ub = lists["UA"], lists["UB"]
    view_permissions("/registervard/gallring/", allowed={"archivist", "unit_manager", "department_head",
                                                         "outsider_manager"})
    view_permissions("/registervard/gallring/foresla/", allowed={"archivist"})
    view_permissions(f"/registervard/gallring/{ua.pk}/", allowed={"archivist", "unit_manager", "department_head"})
    view_permissions(f"/registervard/gallring/{ub.pk}/", allowed={"archivist", "outsider_manager"})
    view_permissions(f"/registervard/gallring/{ua.pk}/genomfor/", allowed={"archivist"}, method="post",
                     ok_statuses=(400,))
    view_permissions(f"/registervard/gallring/{ub.pk}/godkann/", allowed={"archivist", "outsider_manager"},
                     method="post")
    # The lists page of unit A's manager names no id of unit B.
    body = client_for(personas.unit_manager).get("/registervard/gallring/").content.decode()
    # (not a bare "UB": a random CSRF token on the page may contain it)
    assert "OLD-B" not in body and ">UB<" not in body and f"/registervard/gallring/{ub.pk}/" not in body


def test_the_command_line(aged, personas, capsys):
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        assert main(["retention", "propose", "--dry-run", "--by", "archivist", "--on", "2026-06-15"]) == 0
        preview = json.loads(capsys.readouterr().out)
        assert not DestructionList.objects.exists()
        assert {item["id"] for group in preview for item in group["items"]} == {"OLD-1", "OLD-2", "OLD-B", "LEFT-1",
                                                                                 "LEFT-2"}
        assert main(["retention", "propose", "--by", "unit_manager"]) == 2  # only the archivist proposes
        assert main(["retention", "propose", "--by", "archivist", "--on", "2026-06-15"]) == 0
        lists = {item["unit"]: item["id"] for item in json.loads(capsys.readouterr().out)}
        ua = str(lists["UA"])
        assert main(["retention", "approve", ua]) == 2  # an approval is a person's
        assert main(["retention", "approve", ua, "--by", "outsider_manager"]) == 2
        assert main(["retention", "approve", ua, "--by", "archivist"]) == 0
        assert main(["retention", "run", ua, "--by", "archivist"]) == 2
        assert "inte godkänd" in capsys.readouterr().err
        assert main(["retention", "approve", ua, "--by", "unit_manager"]) == 0
        capsys.readouterr()
        assert main(["retention", "run", ua, "--dry-run", "--by", "archivist"]) == 0
        assert json.loads(capsys.readouterr().out)["would_remove"]["child"] == ["OLD-1", "OLD-2"]
        assert Child.objects.filter(child_id="OLD-1").exists()
        assert main(["retention", "run", ua, "--by", "archivist"]) == 0
        assert json.loads(capsys.readouterr().out)["child"] == {"removed": 2, "skipped": 0}
        assert main(["retention", "rules"]) == 0
        rules = json.loads(capsys.readouterr().out)
        assert rules[0]["kind"] == "child" and rules[0]["years"] == 5 and "12 kap. 1 §" in rules[0]["source"]
    assert not Child.objects.filter(child_id="OLD-1").exists()
