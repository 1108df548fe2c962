"""Writes for record-keeping (issue 15): the monthly log follow-up and retention (gallring).

Every service takes the acting user ``by`` (None: the operator at the command line), checks the capability
itself (``accounts.policy``) and records its change in the change log (django-auditlog, ``changes_by``).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from stabil.accounts import selectors as accounts_selectors
from stabil.accounts.policy import check_capability, may_approve_retention
from stabil.accounts.services import changes_by
from stabil.audit import retention as audit_retention
from stabil.audit.services import record_access
from stabil.cases import selectors as cases_selectors
from stabil.cases import services as cases_services
from stabil.common.parsing import id_problem
from stabil.core import retention
from stabil.jobs.selectors import personal_ids_named
from stabil.staff import services as staff_services

from . import selectors
from .models import (
    DestructionApproval,
    DestructionItem,
    DestructionList,
    LogReview,
    ProtectedChild,
    RemovedOpening,
    RemovedSpell,
    ReviewEntry,
)


class RecordsError(Exception):
    """A request the rules refuse; ``str(exc)`` is a Swedish message saying what and why."""


def _name(by) -> str:
    return by.get_username() if by is not None else "(kommandorad)"


def log_shown(*, by, action: str, what: str, texts, declared: dict[str, list[str]], origin: dict | None = None) -> None:
    """One access record per object type for every case, child or staff id a page or command shows.

    ``declared`` are the ids it lists as such; ``texts`` its free text (records' "what"), whose ids are looked
    up so that none goes unlogged. ``origin`` is ``audit.services.web_origin`` of a page; None: the command line.
    """
    found = personal_ids_named(texts)
    for object_type, ids in declared.items():
        found[object_type] = sorted(set(found.get(object_type, [])) | set(ids))
    for object_type, ids in sorted(found.items()):
        if ids:
            record_access(by=by, action=action, what=what, object_type=object_type, objects=ids, **(origin or {}))


# --- the monthly log follow-up -----------------------------------------------------------------------------


def review_start(*, by, month: date, today: date | None = None, seed: int | None = None) -> LogReview:
    """Start the follow-up of ``month`` (a month that has ended): select and store its entries.

    The random sample's seed is drawn here (``seed`` only for the demo, which is the same for the same demo
    seed) and stored, with the settings, so the selection can be made again (``core.logreview``). One
    follow-up per month.
    """
    check_capability(by, "records.log_review")
    today = today or timezone.localdate()
    month = month.replace(day=1)
    if month >= today.replace(day=1):
        raise RecordsError(f"Månaden {month:%Y-%m} är inte slut än; följ upp en månad som har passerat.")
    if LogReview.objects.filter(month=month).exists():
        raise RecordsError(f"Uppföljningen av {month:%Y-%m} är redan påbörjad.")
    review_settings = selectors.review_settings()
    seed = secrets.randbits(62) if seed is None else seed
    selection = selectors.review_selection(month, seed=seed, review=review_settings)
    readers = selectors.readers_of(selection.entries)
    with transaction.atomic(), changes_by(by):
        review = LogReview.objects.create(month=month, seed=seed, review_settings=review_settings.as_dict(),
                                          candidates=selection.candidates, created_by=by)
        entries = [ReviewEntry(review=review, record_seq=seq, username=readers.get(seq, ""), reasons=reasons)
                   for seq, reasons in sorted(selection.entries.items())]
        entries += [ReviewEntry(review=review, username=user, reasons=["many"], access_count=count)
                    for user, count in selection.many.items()]
        for entry in entries:
            entry.save()
    return review


def review_entry_mark(*, by, entry: ReviewEntry, comment: str, follow_up: str = "") -> ReviewEntry:
    """Mark a selected entry reviewed, with the reviewer's comment and, where needed, the follow-up."""
    check_capability(by, "records.log_review")
    comment, follow_up = comment.strip(), follow_up.strip()
    if entry.review.signed:
        raise RecordsError("Uppföljningen är signerad och kan inte ändras.")
    if not comment:
        raise RecordsError("Skriv en kommentar: vad granskningen visade.")
    if len(comment) > 2000 or len(follow_up) > 2000:
        raise RecordsError("Kommentaren och uppföljningen får vara högst 2000 tecken var.")
    with changes_by(by):
        entry.comment, entry.follow_up = comment, follow_up
        entry.reviewed_by, entry.reviewed_at = by, timezone.now()
        entry.save()
    return entry


def review_sign(*, by, review: LogReview) -> LogReview:
    """Sign the follow-up: every entry must be reviewed; afterwards nothing in it changes."""
    check_capability(by, "records.log_review")
    if review.signed:
        raise RecordsError("Uppföljningen är redan signerad.")
    left = review.entries.filter(reviewed_at__isnull=True).count()
    if left:
        raise RecordsError(f"{left} poster är inte granskade än; granska alla innan du signerar.")
    with changes_by(by):
        review.signed_by, review.signed_by_name, review.signed_at = by, _name(by), timezone.now()
        review.save()
    return review


def protected_mark(*, by, child_id: str) -> ProtectedChild:
    """Mark a child protected: the follow-up then selects every access to it."""
    check_capability(by, "records.log_review")
    child_id = child_id.strip()
    problem = id_problem(child_id)
    if problem:
        raise RecordsError(f"Barn-id: {problem}.")
    with changes_by(by):
        marked, _created = ProtectedChild.objects.get_or_create(child_id=child_id, defaults={"marked_by": by})
    return marked


def protected_unmark(*, by, child_id: str) -> None:
    check_capability(by, "records.log_review")
    with changes_by(by):
        for marked in ProtectedChild.objects.filter(child_id=child_id):
            marked.delete()


# --- retention: propose, approve, run ------------------------------------------------------------------------

ARCHIVE, BUSINESS = "archive", "business"


def _approval_side(role: str) -> str:
    """The archivist approves for the archive, a unit manager or department head for the business."""
    return ARCHIVE if accounts_selectors.is_archivist(role) else BUSINESS


def retention_propose(*, by, on: date | None = None, dry_run: bool = False,
                      origin: dict | None = None) -> list[DestructionList]:
    """Propose this month's destruction lists: one per unit with something due, one for the access log.

    An open list of the same unit (proposed or approved, not run) is replaced. With ``dry_run`` nothing is
    stored and the unsaved lists are returned with their items in ``list.preview``. The ids proposed are
    recorded as read by the proposer (the access log).
    """
    check_capability(by, "records.retention_propose")
    on = on or timezone.localdate()
    rules = selectors.retention_rules()
    due = selectors.retention_due(on, rules)
    groups: dict[int | None, list[selectors.DueItem]] = defaultdict(list)
    for item in due:
        groups[item.unit_id].append(item)
    _log_ids(by, "Gallringsförslag" + (" (provkörning)" if dry_run else ""), due, origin)
    made = []
    with transaction.atomic(), changes_by(by):
        for unit_id in sorted(groups, key=lambda u: (u is not None, u or 0)):
            items = groups[unit_id]
            counts = dict(sorted(_counts(items).items()))
            dlist = DestructionList(month=on.replace(day=1), unit_id=unit_id, counts=counts,
                                    rules=_rules_dict(rules), proposed_by=by, proposed_by_name=_name(by))
            if dry_run:
                dlist.preview = items
                made.append(dlist)
                continue
            open_lists = DestructionList.objects.filter(
                unit_id=unit_id, status__in=[DestructionList.Status.PROPOSED, DestructionList.Status.APPROVED])
            for old in open_lists:
                old.status = DestructionList.Status.WITHDRAWN
                old.save()
                old.items.all().delete()
            dlist.save()
            DestructionItem.objects.bulk_create([
                DestructionItem(destruction_list=dlist, kind=i.kind, object_id=i.object_id,
                                obligation=i.obligation, detail=i.detail) for i in items])
            made.append(dlist)
    return made


def _counts(items) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.kind] += int(item.detail.get("count", 1)) if item.kind == retention.ACCESS_LOG else 1
    return counts


def _rules_dict(rules: retention.RetentionRules) -> dict:
    return {"child_years": rules.child_years, "keep_placements": rules.keep_placements,
            "research_days": sorted(rules.research_days), "staff_years": rules.staff_years,
            "exit_comment_years": rules.exit_comment_years, "access_log_years": rules.access_log_years}


def _log_ids(by, what: str, items, origin: dict | None = None) -> None:
    """Record the children and people a retention step read, one record per object type."""
    by_type = {"cases.child": sorted(i.object_id for i in items if i.kind == retention.CHILD),
               "staff.staffmember": sorted(i.object_id for i in items
                                           if i.kind in (retention.STAFF, retention.EXIT_COMMENT))}
    for object_type, ids in by_type.items():
        if ids:
            record_access(by=by, action="view", what=what, object_type=object_type, objects=ids, **(origin or {}))


def retention_approve(*, by, destruction_list: DestructionList) -> DestructionList:
    """Approve a proposed list. Two approvals make it approved: the archivist's and a unit manager's or
    department head's who sees the list's unit (``accounts.policy.may_approve_retention``); one person
    approves once, and a second approval of the same side is refused."""
    check_capability(by, "records.retention_approve")
    if by is None or not may_approve_retention(by, destruction_list.unit):
        raise PermissionDenied
    with transaction.atomic(), changes_by(by):
        dlist = DestructionList.objects.select_for_update().get(pk=destruction_list.pk)
        if dlist.status != DestructionList.Status.PROPOSED:
            raise RecordsError(f"Listan kan inte godkännas: den är {dlist.get_status_display().lower()}.")
        approvals = list(dlist.approvals.all())
        if any(a.username == by.get_username() for a in approvals):
            raise RecordsError("Du har redan godkänt listan. Det andra godkännandet görs av någon annan, i en "
                               "annan roll.")
        side = _approval_side(by.role)
        if any(_approval_side(a.role) == side for a in approvals):
            other = ("en enhetschef eller avdelningschef för enheten" if side == ARCHIVE
                     else "den arkivansvariga")
            raise RecordsError(f"Listan är redan godkänd i din roll; det andra godkännandet ska göras av {other}.")
        DestructionApproval.objects.create(destruction_list=dlist, user=by, username=by.get_username(),
                                           role=by.role)
        if {_approval_side(a.role) for a in approvals} | {side} == {ARCHIVE, BUSINESS}:
            dlist.status = DestructionList.Status.APPROVED
            dlist.save()
    destruction_list.refresh_from_db()
    return destruction_list


def _current(dlist: DestructionList, on: date) -> tuple[dict[str, list], dict[str, list]]:
    """The list's items still due on ``on`` (by kind) and those no longer due or already gone."""
    due_now = {item.key: item for item in selectors.retention_due(on, selectors.retention_rules())}
    keep: dict[str, list] = defaultdict(list)
    skipped: dict[str, list] = defaultdict(list)
    for item in dlist.items.all():
        current = due_now.get((item.kind, item.object_id))
        if current is None:
            skipped[item.kind].append(item)
        elif item.kind == retention.ACCESS_LOG:
            # Never beyond what was approved: the range on the list, cut at what is due now.
            last = min(int(item.detail["last_seq"]), int(current.detail["last_seq"]))
            keep[item.kind].append({"last_seq": last, "before": item.detail["before"]})
        else:
            keep[item.kind].append(item.object_id)
    return keep, skipped


def retention_run(*, by, destruction_list: DestructionList, dry_run: bool = False, on: date | None = None,
                  progress: Callable[[float, str], None] | None = None, origin: dict | None = None) -> dict:
    """Run an approved destruction list: remove or pseudonymise what is on it and still due, and keep a
    record of what kinds and how many — never the data.

    Nothing is removed from a list without both approvals. Each item is checked again: an item no longer due
    (a new event since the proposal) or already gone is skipped and counted. With ``dry_run`` (allowed on a
    proposed list too) nothing changes and the result says what would go.
    """
    check_capability(by, "records.retention_run")
    on = on or timezone.localdate()
    progress = progress or (lambda fraction, message="": None)
    dlist = destruction_list
    if dry_run:
        if dlist.status not in (DestructionList.Status.PROPOSED, DestructionList.Status.APPROVED):
            raise RecordsError(f"Listan är {dlist.get_status_display().lower()}; det finns inget att provköra.")
        keep, skipped = _current(dlist, on)
        _log_ids(by, f"Gallringslista {dlist.pk} (provkörning)", list(dlist.items.all()), origin)
        return {"dry_run": True, "would_remove": {kind: _shown(kind, values) for kind, values in keep.items()},
                "skipped": {kind: len(values) for kind, values in skipped.items()}}
    with transaction.atomic():
        dlist = DestructionList.objects.select_for_update().get(pk=destruction_list.pk)
        if dlist.status != DestructionList.Status.APPROVED:
            raise RecordsError("Listan är inte godkänd av två roller (arkivansvarig och chef för enheten); "
                               "ingenting tas bort.")
        keep, skipped = _current(dlist, on)
        removed: dict[str, int] = {}
        steps = max(1, len(keep))
        for step, (kind, values) in enumerate(sorted(keep.items())):
            progress(step / steps, f"Gallrar {selectors.KIND_LABELS[kind]}")
            removed[kind] = _remove(by, kind, values, dlist)
        result = {kind: {"removed": removed.get(kind, 0), "skipped": len(skipped.get(kind, []))}
                  for kind in sorted(set(removed) | set(skipped))}
        with changes_by(by):
            dlist.items.all().delete()
            dlist.status = DestructionList.Status.DONE
            dlist.run_by, dlist.run_by_name, dlist.run_at = by, _name(by), timezone.now()
            dlist.result = result
            dlist.save()
        summary = ", ".join(f"{n['removed']} {selectors.KIND_LABELS[k]}" for k, n in result.items()) or "inget"
        record_access(by=by, action="change", what=f"Gallring enligt lista {dlist.pk}: {summary}"[:200],
                      count=sum(n["removed"] for n in result.values()), **(origin or {}))
    progress(1.0, "Klart")
    return result


def _shown(kind: str, values: list) -> list:
    return [f"löpnummer {v['last_seq']} och äldre" for v in values] if kind == retention.ACCESS_LOG else values


def _remove(by, kind: str, values: list, dlist: DestructionList) -> int:
    if kind == retention.CHILD:
        openings, spells = cases_selectors.statistics_of_children(values)
        RemovedOpening.objects.bulk_create([RemovedOpening(unit_id=unit, category=category, year=year, month=month,
                                                           count=count)
                                            for unit, category, year, month, count in openings])
        RemovedSpell.objects.bulk_create([RemovedSpell(unit_id=unit, category=category, started_on=started,
                                                       ended_on=ended) for unit, category, started, ended in spells])
        return cases_services.children_remove(by=by, child_ids=values)["children"]
    if kind == retention.STAFF:
        return staff_services.staff_pseudonymise(by=by, staff_ids=values)
    if kind == retention.EXIT_COMMENT:
        return staff_services.exit_comments_remove(by=by, staff_ids=values)
    if kind == retention.ACCESS_LOG:
        try:
            cut = audit_retention.remove_through(last_seq=values[0]["last_seq"], by_name=_name(by),
                                                 reason=f"gallringslista {dlist.pk}")
        except audit_retention.RetentionRefused as exc:
            raise RecordsError(str(exc)) from exc
        return cut.removed_count
    raise ValueError(f"unknown kind {kind!r}")
