"""Reads for record-keeping (issue 15): log extracts, the log follow-up, destruction lists.

The access log is read through ``stabil.audit.selectors``, cases and staff through their areas' selectors,
and who may see what is decided by ``stabil.accounts.policy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from stabil.accounts import selectors as accounts_selectors
from stabil.accounts.policy import reads_whole_access_log, retention_units, scope_cases, scope_staff
from stabil.audit import selectors as audit_selectors
from stabil.cases import selectors as cases_selectors
from stabil.common.parsing import id_problem
from stabil.core import calendar, logreview, retention
from stabil.jobs.selectors import personal_ids_named
from stabil.staff import selectors as staff_selectors

from .models import DestructionList, LogReview, ProtectedChild, RemovedOpening, RemovedSpell, ReviewEntry

# Object types of access records that list case ids (pages about cases, and the case files an import read);
# their records also carry the child ids behind those cases (``audit.subjects``, registered in apps.py).
# Records written before issue 15 without a type ("": the staff page, the allocation command) are searched too.
CASE_TYPES = ("cases.case", "case_events", "case_complexity", "")
# Records that list child ids themselves (a job page naming a child).
CHILD_TYPE = "cases.child"
# Object types of records that list staff ids: pages about people, and the staff files an import read.
STAFF_TYPES = ("staff.staffmember", "staff", "absence", "overtime", "")

# What a page text may call an id: ids never hold white space or these separators (as ``jobs.selectors``).
_WORD = re.compile(r"[^\s,;:()\[\]{}<>\"'«»]+")
MASK = "…"


role_label = accounts_selectors.role_label
channel_label = audit_selectors.channel_label
action_label = audit_selectors.action_label
AccessRecord = audit_selectors.AccessRecordType


@dataclass(frozen=True)
class ExtractRow:
    """One access in a log extract: who, when, from where, what, and which of the subject's ids."""

    seq: int
    at: datetime
    username: str
    role: str
    channel: str
    ip_address: str | None
    action: str
    what: str
    objects: tuple[str, ...]

    @property
    def local_at(self) -> datetime:
        return timezone.localtime(self.at)


@dataclass(frozen=True)
class LogExtract:
    """A log extract (loggutdrag) for a child or a staff member, as one viewer may see it."""

    kind: str  # "child" or "staff"
    subject_id: str
    rows: list[ExtractRow]
    whole_log: bool  # the data-protection officer: every access; others only those to cases/people in scope
    made_at: datetime
    case_ids: tuple[str, ...] = field(default=())  # the child's cases the extract looked for

    @property
    def shown_ids(self) -> list[str]:
        """Every case, child or staff id the extract shows (for its own access record)."""
        ids = {self.subject_id, *self.case_ids}
        for row in self.rows:
            ids.update(row.objects)
        return sorted(ids)


def _visible_ids(user, named: dict[str, list[str]]) -> set[str]:
    """Of the case, child and staff ids ``named`` (by object type), those ``user`` may see."""
    visible: set[str] = set()
    if named.get("cases.case"):
        visible.update(scope_cases(user, cases_selectors.cases_with_ids(named["cases.case"]))
                       .values_list("case_id", flat=True))
    if named.get(CHILD_TYPE):
        visible.update(scope_cases(user, cases_selectors.cases_of_children(named[CHILD_TYPE]))
                       .values_list("child__child_id", flat=True))
    if named.get("staff.staffmember"):
        visible.update(scope_staff(user, staff_selectors.members_with_ids(named["staff.staffmember"]))
                       .values_list("staff_id", flat=True))
    return visible


def mask_hidden_ids(user, texts: Iterable[str]) -> dict[str, str]:
    """Each text with the stored case, child and staff ids that ``user`` may not see replaced by "…".

    A record's "what" names the page it was written for ("Ärendesida K-12"); in an extract for a unit
    manager that page may be about another unit's case.
    """
    texts = list(dict.fromkeys(texts))
    named = personal_ids_named(texts)
    hidden = {i for ids in named.values() for i in ids} - _visible_ids(user, named)
    if not hidden:
        return {text: text for text in texts}

    def swap(match: re.Match) -> str:
        word = match.group(0)
        core = word.rstrip(".!?…")
        if word in hidden:
            return MASK
        if core in hidden:
            return MASK + word[len(core):]
        return word

    return {text: _WORD.sub(swap, text) for text in texts}


def _rows(records: Iterable[AccessRecord], objects_of, what_of) -> list[ExtractRow]:
    return [ExtractRow(seq=r.seq, at=r.at, username=r.username, role=role_label(r.role),
                       channel=channel_label(r.channel), ip_address=r.ip_address, action=action_label(r.action),
                       what=what_of(r.what), objects=tuple(objects_of(r))) for r in records]


def valid_subject_id(value: str) -> bool:
    """Whether ``value`` has the shape of a case, child or staff id (``common.parsing.id_problem``)."""
    return id_problem(value) is None


def child_extract(*, by, child_id: str) -> LogExtract | None:
    """The log extract for the child ``child_id`` as ``by`` may see it, or None (no such child in scope).

    The data-protection officer gets every access to the child, removed cases included (``child_ids`` of
    the records, and the child's current case ids for records written before issue 15). A unit manager
    gets the accesses to the child's cases in their units, and only if there is one. ``by`` None is the
    command line's operator: the whole log, as the data-protection officer.
    """
    if not valid_subject_id(child_id):
        return None
    cases = cases_selectors.cases_of_children([child_id])
    if by is None or reads_whole_access_log(by):
        case_ids = set(cases.values_list("case_id", flat=True))
        records = audit_selectors.records_about_child(child_id, case_ids=case_ids, case_types=CASE_TYPES)

        def objects_of(record):
            own = sorted(case_ids & set(record.object_ids)) if record.object_type in CASE_TYPES else []
            return own or [child_id]

        rows = _rows(records, objects_of, lambda what: what)
        return LogExtract("child", child_id, rows, True, timezone.now(), tuple(sorted(case_ids)))
    case_ids = set(scope_cases(by, cases).values_list("case_id", flat=True))
    if not case_ids:
        return None
    records = audit_selectors.records_naming(case_ids, object_types=CASE_TYPES)
    masked = mask_hidden_ids(by, (r.what for r in records))
    rows = _rows(records, lambda r: sorted(case_ids & set(r.object_ids)), masked.__getitem__)
    return LogExtract("child", child_id, rows, False, timezone.now(), tuple(sorted(case_ids)))


def staff_extract(*, by, staff_id: str) -> LogExtract | None:
    """The log extract for the staff member ``staff_id`` as ``by`` may see it, or None (not in scope).

    The data-protection officer may ask for anyone, people no longer stored included; a unit manager for
    the people of their units (``scope_staff``), with other units' ids in the records' texts masked.
    ``by`` None is the command line's operator: the whole log, as the data-protection officer.
    """
    if not valid_subject_id(staff_id):
        return None
    whole = by is None or reads_whole_access_log(by)
    if not whole and not scope_staff(by, staff_selectors.members_with_ids([staff_id])).exists():
        return None
    records = audit_selectors.records_naming([staff_id], object_types=STAFF_TYPES)
    masked = {r.what: r.what for r in records} if whole else mask_hidden_ids(by, (r.what for r in records))
    rows = _rows(records, lambda r: [staff_id], masked.__getitem__)
    return LogExtract("staff", staff_id, rows, whole, timezone.now())


EXTRACT_HEADERS = ("seq", "time", "user", "role", "channel", "ip_address", "action", "what", "objects")


def extract_declared(extract: LogExtract) -> dict[str, list[str]]:
    """The ids an extract lists as such, by object type, for its own access record (``services.log_shown``)."""
    declared = {"cases.case": list(extract.case_ids)}
    declared["cases.child" if extract.kind == "child" else "staff.staffmember"] = [extract.subject_id]
    return declared


def extract_table(extract: LogExtract) -> list[list]:
    """The extract's rows for CSV: local time YYYY-MM-DD HH:MM:SS, objects separated by spaces."""
    return [[row.seq, row.local_at.strftime("%Y-%m-%d %H:%M:%S"), row.username, row.role, row.channel,
             row.ip_address or "", row.action, row.what, " ".join(row.objects)] for row in extract.rows]


def subject_exists(kind: str, subject_id: str) -> bool:
    """Whether the child or staff member is still stored (an extract may be for one already removed)."""
    if kind == "child":
        return cases_selectors.cases_of_children([subject_id]).exists()
    return staff_selectors.members_with_ids([subject_id]).exists()


# --- the monthly log follow-up ------------------------------------------------------------------------------


def review_settings() -> logreview.ReviewSettings:
    """The municipality's follow-up settings (``STABIL_LOG_REVIEW_*``, docs/configuration.md)."""
    start, end = settings.STABIL_LOG_REVIEW_HOURS
    return logreview.ReviewSettings(work_start=start, work_end=end, many_reads=settings.STABIL_LOG_REVIEW_MANY,
                                    sample_size=settings.STABIL_LOG_REVIEW_SAMPLE)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in Europe/Stockholm."""
    tz = timezone.get_current_timezone()
    first = datetime.combine(month.replace(day=1), time.min, tzinfo=tz)
    return first, datetime.combine(calendar.month_start(month, 1), time.min, tzinfo=tz)


PERSONAL_TYPES = frozenset({*CASE_TYPES, CHILD_TYPE, *STAFF_TYPES})


def month_accesses(month: date) -> list[logreview.Access]:
    """The month's access records as the follow-up sees them (local times)."""
    start, end = month_bounds(month)
    accesses = []
    for record in audit_selectors.records_between(start, end).iterator(chunk_size=5000):
        personal = bool(record.child_ids) or (record.object_type in PERSONAL_TYPES and bool(record.object_ids))
        case_ids = tuple(record.object_ids) if record.object_type in CASE_TYPES else ()
        accesses.append(logreview.Access(record.seq, timezone.localtime(record.at), record.username, case_ids,
                                         tuple(record.child_ids or ()), personal))
    return accesses


def review_selection(month: date, *, seed: int, review: logreview.ReviewSettings) -> logreview.Selection:
    """Select the month's entries (``core.logreview.select``) from the access log and today's homes."""
    accesses = month_accesses(month)
    users = {a.user for a in accesses}
    staff_of = staff_selectors.staff_ids_of_users(users)
    homes = {name: logreview.Home(team, units, staff_of.get(name))
             for name, (team, units) in accounts_selectors.homes_of(users).items()}
    case_ids = {case_id for a in accesses for case_id in a.case_ids}
    cases = {case_id: logreview.CaseHome(unit, teams, handlers)
             for case_id, (unit, teams, handlers) in cases_selectors.case_homes(case_ids).items()}
    protected = frozenset(ProtectedChild.objects.values_list("child_id", flat=True))
    return logreview.select(accesses, homes=homes, cases=cases, protected=protected, settings=review, seed=seed)


def readers_of(seqs) -> dict[int, str]:
    """Sequence number -> the user name of the record."""
    return {seq: record.username for seq, record in audit_selectors.records_by_seq(seqs).items()}


REASON_LABELS = {
    logreview.OUTSIDE_HOME: gettext_lazy("utanför eget team eller egen enhet"),
    logreview.OFF_HOURS: gettext_lazy("utanför arbetstid"),
    logreview.MANY: gettext_lazy("ovanligt många åtkomster"),
    logreview.PROTECTED: gettext_lazy("skyddat barn"),
    logreview.RANDOM: gettext_lazy("slumpvis urval"),
}


@dataclass(frozen=True)
class EntryView:
    """A review entry with the access record it concerns (None when a user's month, or when removed)."""

    entry: ReviewEntry
    record: AccessRecord | None

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS.get(r, r)) for r in self.entry.reasons]

    @property
    def action(self) -> str:
        return action_label(self.record.action) if self.record else ""

    @property
    def role(self) -> str:
        return role_label(self.record.role) if self.record else ""


def review_entries(review: LogReview) -> list[EntryView]:
    entries = list(review.entries.select_related("reviewed_by"))
    records = audit_selectors.records_by_seq([e.record_seq for e in entries if e.record_seq is not None])
    return [EntryView(e, records.get(e.record_seq)) for e in entries]


@dataclass(frozen=True)
class ReviewSummary:
    review: LogReview
    entries: int
    reviewed: int
    follow_ups: int
    by_reason: dict[str, int]


def reviews_by_month() -> list[ReviewSummary]:
    """Every follow-up, newest month first, with its counts (the report of reviews done per month)."""
    summaries = []
    for review in LogReview.objects.select_related("created_by", "signed_by").prefetch_related("entries"):
        entries = list(review.entries.all())
        by_reason = {str(REASON_LABELS[r]): sum(1 for e in entries if r in e.reasons) for r in logreview.REASONS}
        summaries.append(ReviewSummary(review, len(entries), sum(1 for e in entries if e.reviewed),
                                       sum(1 for e in entries if e.follow_up), by_reason))
    return summaries


# --- retention ------------------------------------------------------------------------------------------------


def retention_rules() -> retention.RetentionRules:
    """The municipality's retention rules (``STABIL_RETENTION_*``; defaults and sources in core.retention)."""
    return settings.STABIL_RETENTION_RULES


KIND_LABELS = {
    retention.CHILD: gettext_lazy("barn med ärenden"),
    retention.STAFF: gettext_lazy("medarbetare som slutat (pseudonymiseras)"),
    retention.EXIT_COMMENT: gettext_lazy("kommentar i avgångsintervju"),
    retention.ACCESS_LOG: gettext_lazy("åtkomstloggens äldsta poster"),
}


@dataclass(frozen=True)
class DueItem:
    kind: str
    object_id: str
    unit_id: int | None
    obligation: date
    detail: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.object_id)


def retention_due(on: date, rules: retention.RetentionRules | None = None) -> list[DueItem]:
    """Everything due for removal on ``on`` (``core.retention``), by kind and id."""
    rules = rules or retention_rules()
    due: list[DueItem] = []
    for facts in cases_selectors.children_retention_facts():
        verdict = retention.child_verdict(last_entry=facts.last_entry, birth_date=facts.birth_date,
                                          placed=facts.placed, on=on, rules=rules)
        if verdict.due:
            due.append(DueItem(retention.CHILD, facts.child_id, facts.unit_id, verdict.obligation,
                               {"cases": facts.cases, "last_entry": facts.last_entry.isoformat()}))
    left, comments = staff_selectors.retention_facts()
    pseudonymised = set()
    for staff_id, unit_id, ended_on in left:
        verdict = retention.staff_verdict(ended_on=ended_on, on=on, rules=rules)
        if verdict.due:
            pseudonymised.add(staff_id)
            due.append(DueItem(retention.STAFF, staff_id, unit_id, verdict.obligation,
                               {"ended_on": ended_on.isoformat()}))
    for staff_id, unit_id, held_on in comments:
        verdict = retention.exit_comment_verdict(held_on=held_on, on=on, rules=rules)
        if verdict.due and staff_id not in pseudonymised:  # pseudonymising removes the comment too
            due.append(DueItem(retention.EXIT_COMMENT, staff_id, unit_id, verdict.obligation,
                               {"held_on": held_on.isoformat()}))
    cutoff = retention.access_log_cutoff(on, rules)
    old = audit_selectors.records_before(datetime.combine(cutoff, time.min, tzinfo=timezone.get_current_timezone()))
    if old["count"]:
        due.append(DueItem(retention.ACCESS_LOG, "", None, cutoff, {"before": cutoff.isoformat(), **old}))
    return due


def lists_for(user) -> QuerySet:
    """The destruction lists ``user`` may see (``accounts.policy.retention_units``)."""
    lists = DestructionList.objects.select_related("unit").prefetch_related("approvals")
    units = retention_units(user)
    if units is None:
        return lists
    return lists.filter(unit__in=units)


def list_for(user, pk: int) -> DestructionList:
    """One destruction list ``user`` may see (404 otherwise, the same as one that does not exist)."""
    return get_object_or_404(lists_for(user), pk=pk)


def removed_statistics(first_day: date, last_day: date, unit_ids=None) -> tuple[list[tuple], list[tuple]]:
    """What removed children's cases still count for in the statistics table (kept at removal, without the
    children): investigations opened as (category, first day of the month), once per opening, and
    interventions as (category, start, end or None) month spells (``cases.selectors.statistics_of_children``)."""
    openings = RemovedOpening.objects.all()
    spells = RemovedSpell.objects.filter(started_on__lte=last_day)
    if unit_ids is not None:
        openings, spells = openings.filter(unit_id__in=list(unit_ids)), spells.filter(unit_id__in=list(unit_ids))
    opened = [(category, date(year, month, 1))
              for category, year, month, count in openings.values_list("category", "year", "month", "count")
              if first_day <= date(year, month, 1) <= last_day for _ in range(count)]
    return opened, list(spells.values_list("category", "started_on", "ended_on"))
