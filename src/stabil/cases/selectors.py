"""Reads about cases and deadlines: deadline lists, case pages, the self-inspection report.

Deadlines are read from the materialised ``Deadline`` table when the day looked at is on or after
the last stored event (then the table is exact: it was computed with every event known, and only
open/overdue depends on the day). For an earlier day they are recomputed from the events with
``stabil.core.caseflow``, so events after that day are not known.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from stabil.accounts.policy import scope_cases
from stabil.core import calendar
from stabil.core.caseflow import Event, case_state
from stabil.core.deadlines import DEADLINE_KINDS, MISSED, OVERDUE, KindSummary, compliance_summary
from stabil.core.deadlines import Deadline as CoreDeadline

from .models import Case, CaseEvent, Child, Deadline, DeadlineKind
from .services import deadline_config


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline as listed: its case, unit, handler and the core deadline as seen on a day."""

    case_id: str
    case_pk: int
    unit_code: str
    handler: str | None
    deadline: CoreDeadline

    @property
    def kind_label(self) -> str:
        return str(DeadlineKind(self.deadline.kind).label)


def last_event_on() -> dt.date | None:
    """Return the date of the latest stored event, or None when there are none."""
    return CaseEvent.objects.aggregate(last=Max("on"))["last"]


def materialised_is_exact(on: dt.date) -> bool:
    """Return True when the Deadline table shows the deadlines exactly as seen on ``on``."""
    last = last_event_on()
    return last is None or on >= last


_FIELDS = ("case__case_id", "case_id", "case__unit__code", "case__main_handler__staff_id", "kind", "started_on",
           "due_on", "met_on", "settled", "why", "source")


def _from_table(queryset: QuerySet, on: dt.date) -> Iterator[DeadlineRow]:
    for case_id, case_pk, unit, handler, kind, started, due, met, settled, why, source in queryset.values_list(*_FIELDS):
        status = settled or ("open" if on <= due else OVERDUE)
        yield DeadlineRow(case_id, case_pk, unit, handler, CoreDeadline(kind, started, due, met, status, why, source))


def _from_events(cases: QuerySet, on: dt.date) -> Iterator[DeadlineRow]:
    """Recompute every deadline of ``cases`` as seen on ``on`` from their events."""
    config = deadline_config()
    heads = {pk: (case_id, unit) for pk, case_id, unit in cases.values_list("pk", "case_id", "unit__code")}
    grouped: dict[int, list[Event]] = defaultdict(list)
    events = CaseEvent.objects.filter(on__lte=on)
    if len(heads) < 900:
        events = events.filter(case_id__in=list(heads))
    for case_pk, kind, day, staff_id, outcome, until, intervention, reason in events.values_list(
        "case_id", "kind", "on", "staff__staff_id", "outcome", "until", "intervention", "reason"
    ).iterator(chunk_size=20000):
        if case_pk in heads:
            grouped[case_pk].append(Event(kind, day, staff_id or "", outcome, until, intervention, reason))
    for case_pk in sorted(grouped, key=lambda pk: heads[pk][0]):
        state = case_state(grouped[case_pk], on, config)
        case_id, unit = heads[case_pk]
        for deadline in state.deadlines:
            yield DeadlineRow(case_id, case_pk, unit, state.main_handler, deadline)


def deadlines_as_of(on: dt.date, cases: QuerySet | None = None, *, due_from: dt.date | None = None,
                    due_to: dt.date | None = None) -> Iterator[DeadlineRow]:
    """Yield the deadlines of ``cases`` (default all) as seen on ``on``, by case id, optionally by due date."""
    cases = cases if cases is not None else Case.objects.all()
    if materialised_is_exact(on):
        queryset = Deadline.objects.filter(case__in=cases)
        if due_from is not None:
            queryset = queryset.filter(due_on__gte=due_from)
        if due_to is not None:
            queryset = queryset.filter(due_on__lte=due_to)
        yield from _from_table(queryset.order_by("case__case_id", "pk"), on)
        return
    for row in _from_events(cases, on):
        due = row.deadline.due_on
        if (due_from is None or due >= due_from) and (due_to is None or due <= due_to):
            yield row


def overdue_counts_by_unit(unit_ids: Collection[int], on: dt.date) -> dict[str, int]:
    """Return unit code -> the number of deadlines overdue on ``on`` (pending, due before ``on``) of the
    cases of these units. Aggregates only: the caller decides who may see them."""
    cases = Case.objects.filter(unit_id__in=list(unit_ids))
    counts: dict[str, int] = defaultdict(int)
    if materialised_is_exact(on):
        # The same rule as _from_table: a pending deadline is overdue from the day after its due date.
        for code, count in (Deadline.objects.filter(case__in=cases, settled="", due_on__lt=on)
                            .values_list("case__unit__code").annotate(n=Count("pk")).order_by()):
            counts[code] = count
        return dict(counts)
    for row in deadlines_as_of(on, cases):
        if row.deadline.status == OVERDUE:
            counts[row.unit_code] += 1
    return dict(counts)


# --- the deadline list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedDeadline:
    """A pending deadline on a list: the row, days left (negative when overdue) and urgency flags."""

    row: DeadlineRow
    days_left: int
    working_days_left: int
    due_soon: bool

    @property
    def overdue(self) -> bool:
        return self.row.deadline.status == OVERDUE


def deadline_list(cases: QuerySet, on: dt.date, *, kinds: Iterable[str] = (), horizon_working_days: int | None = None,
                  unit_code: str = "", team_code: str = "", staff_id: str = "", limit: int = 500) -> tuple[list[ListedDeadline], int]:
    """Return (pending deadlines sorted by urgency, total count) for the visible ``cases``.

    Pending = open or overdue. Overdue first (longest overdue first), then by due date. With a
    horizon, open deadlines due later than ``horizon_working_days`` working days from ``on`` are left out.
    """
    config = deadline_config()
    if unit_code:
        cases = cases.filter(unit__code=unit_code)
    if team_code:
        cases = cases.filter(main_handler__team__code=team_code)
    if staff_id:
        cases = cases.filter(main_handler__staff_id=staff_id) | cases.filter(co_handler__staff_id=staff_id)
    queryset = Deadline.objects.filter(case__in=cases, settled="")
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    horizon_end = None
    if horizon_working_days is not None:
        horizon_end = calendar.add_working_days(on, horizon_working_days)
        queryset = queryset.filter(due_on__lte=horizon_end)
    total = queryset.count()
    rows = []
    for row in _from_table(queryset.order_by("due_on", "case__case_id", "pk")[:limit], on):
        due = row.deadline.due_on
        soon_end = calendar.add_working_days(on, config.warning_working_days)
        rows.append(ListedDeadline(row, (due - on).days, calendar.working_days_between(on, due),
                                   row.deadline.status == "open" and due <= soon_end))
    return rows, total


# --- the case page ----------------------------------------------------------------------------------


def case_by_id(case_id: str) -> Case | None:
    """Return the case with this id (its unit and handlers loaded), or None; the caller checks the scope."""
    return Case.objects.select_related("unit", "main_handler", "co_handler").filter(case_id=case_id).first()


def case_events(case: Case) -> list[CaseEvent]:
    """Return the case's events in date order (the timeline)."""
    return list(case.events.select_related("staff", "recorded_by").order_by("on", "pk"))


def case_view(case: Case, on: dt.date):
    """Return the case state (``core.caseflow.CaseState``) as seen on ``on``, computed from its events."""
    events = [Event(e.kind, e.on, e.staff.staff_id if e.staff else "", e.outcome, e.until, e.intervention, e.reason)
              for e in case.events.select_related("staff")]
    return case_state(events, on, deadline_config())


# --- finding a case, and one's own cases --------------------------------------------------------------------

# A prefix shorter than this matches exact ids only (a one-letter prefix would list everything one sees).
SEARCH_PREFIX_MIN = 3


def search_cases(cases: QuerySet, term: str, *, limit: int = 50) -> list[Case]:
    """Return the ``cases`` (already scoped) whose case id or child id is ``term``, or starts with it.

    Ids compare without regard to letter case. Exact matches come first, then the rest by case id.
    """
    term = term.strip()
    if not term:
        return []
    exact = Q(case_id__iexact=term) | Q(child__child_id__iexact=term)
    wanted = exact
    if len(term) >= SEARCH_PREFIX_MIN:
        wanted |= Q(case_id__istartswith=term) | Q(child__child_id__istartswith=term)
    found = list(cases.filter(wanted).select_related("child", "unit").order_by("case_id")[:limit])
    lowered = term.lower()
    return sorted(found, key=lambda c: (lowered not in (c.case_id.lower(), c.child.child_id.lower()), c.case_id))


def next_pending_deadlines(case_pks: Collection[int], on: dt.date) -> dict[int, DeadlineRow]:
    """Return, per case, its next pending (open or overdue) deadline as seen on ``on``: the earliest due."""
    nearest: dict[int, DeadlineRow] = {}
    pks = list(case_pks)
    for start in range(0, len(pks), 900):  # SQLite's limit on query parameters
        pending = Deadline.objects.filter(case__in=pks[start:start + 900], settled="").order_by("due_on", "pk")
        for row in _from_table(pending, on):
            nearest.setdefault(row.case_pk, row)
    return nearest


@dataclass(frozen=True)
class MyCase:
    """One of a staff member's cases: her role in it and its next pending deadline (None: nothing pending)."""

    case: Case
    role: str  # "main" or "co"
    next_deadline: CoreDeadline | None
    days_left: int | None
    due_soon: bool

    @property
    def overdue(self) -> bool:
        return self.next_deadline is not None and self.next_deadline.status == OVERDUE

    @property
    def kind_label(self) -> str:
        return str(DeadlineKind(self.next_deadline.kind).label) if self.next_deadline else ""


def my_cases(cases: QuerySet, staff_member, on: dt.date) -> list[MyCase]:
    """Return the ``cases`` (already scoped) that ``staff_member`` handles or co-handles, with their next
    pending deadline as seen on ``on``: overdue first (longest overdue first), then by due date, then the
    cases with nothing pending (closed ones among them) by case id."""
    mine = list(cases.filter(Q(main_handler=staff_member) | Q(co_handler=staff_member)).select_related("unit"))
    nearest = next_pending_deadlines([c.pk for c in mine], on)
    soon_end = calendar.add_working_days(on, deadline_config().warning_working_days)
    result = []
    for case in mine:
        row = nearest.get(case.pk)
        deadline = row.deadline if row else None
        result.append(MyCase(
            case=case, role="main" if case.main_handler_id == staff_member.pk else "co", next_deadline=deadline,
            days_left=(deadline.due_on - on).days if deadline else None,
            due_soon=bool(deadline and deadline.status == "open" and deadline.due_on <= soon_end),
        ))
    return sorted(result, key=lambda m: (m.next_deadline is None,
                                         m.next_deadline.due_on if m.next_deadline else dt.date.min, m.case.case_id))


@dataclass(frozen=True)
class QueuedCase:
    """An open case without a main caseworker, with its next pending deadline (None: nothing pending)."""

    case: Case
    next_deadline: CoreDeadline | None
    days_left: int | None
    due_soon: bool

    @property
    def overdue(self) -> bool:
        return self.next_deadline is not None and self.next_deadline.status == OVERDUE

    @property
    def kind_label(self) -> str:
        return str(DeadlineKind(self.next_deadline.kind).label) if self.next_deadline else ""


def unassigned_by_urgency(user, on: dt.date, *, units=None, limit: int | None = None) -> list[QueuedCase]:
    """Return the open cases without a main caseworker that ``user`` may see (``policy.scope_cases``; only
    in ``units`` when given), most urgent first.

    Urgency is the due date of the case's next pending deadline (``next_pending_deadlines``): the earliest
    first, so overdue cases lead; cases with nothing pending follow by case id. ``due_soon`` uses the
    municipality's warning horizon, as the deadline list does.
    """
    cases = Case.objects.all() if units is None else Case.objects.filter(unit__in=units)
    queue = list(scope_cases(user, cases).filter(main_handler__isnull=True).exclude(state__phase="closed")
                 .select_related("unit", "state"))
    nearest = next_pending_deadlines([c.pk for c in queue], on)
    soon_end = calendar.add_working_days(on, deadline_config().warning_working_days)
    result = []
    for case in queue:
        row = nearest.get(case.pk)
        deadline = row.deadline if row else None
        result.append(QueuedCase(
            case=case, next_deadline=deadline, days_left=(deadline.due_on - on).days if deadline else None,
            due_soon=bool(deadline and deadline.status == "open" and deadline.due_on <= soon_end)))
    result.sort(key=lambda q: (q.next_deadline is None, q.next_deadline.due_on if q.next_deadline else dt.date.min,
                               q.case.case_id))
    return result[:limit] if limit is not None else result


# --- self-inspection (egenkontroll) -----------------------------------------------------------------


@dataclass(frozen=True)
class Egenkontroll:
    """The self-inspection figures of a period: a summary per deadline kind and the breaches."""

    due_from: dt.date
    due_to: dt.date
    on: dt.date
    unit_code: str | None
    summaries: list[KindSummary]
    breaches: list[DeadlineRow]

    def as_json(self) -> dict:
        return {
            "from": self.due_from, "to": self.due_to, "on": self.on, "unit": self.unit_code,
            "deadlines": [
                {"deadline": s.kind, "label": str(DeadlineKind(s.kind).label), "due": s.due, "met": s.met,
                 "missed": s.missed, "overdue": s.overdue, "open": s.open,
                 "share_met": None if s.share_met is None else round(s.share_met, 4),
                 "median_days": s.median_days, "p90_days": s.p90_days}
                for s in self.summaries
            ],
            "breaches": [
                {"case_id": b.case_id, "unit": b.unit_code, "deadline": b.deadline.kind, "due_on": b.deadline.due_on,
                 "met_on": b.deadline.met_on, "status": b.deadline.status,
                 "days_late": (b.deadline.met_on or self.on).toordinal() - b.deadline.due_on.toordinal()}
                for b in self.breaches
            ],
        }


def egenkontroll(due_from: dt.date, due_to: dt.date, *, cases: QuerySet | None = None, unit_code: str | None = None,
                 unit_ids: Iterable[int] | None = None, on: dt.date | None = None) -> Egenkontroll:
    """Return the self-inspection for deadlines falling due from ``due_from`` to ``due_to`` (inclusive).

    Seen as of ``on`` (default today); the share met is ``core.deadlines.compliance_summary``'s, the one
    definition that the deadline KPIs (scorecard, board paper) read through this function too.
    ``unit_ids`` limits the cases to those units. Breaches are the missed and overdue deadlines, by due date.
    """
    from django.utils import timezone

    on = on or timezone.localdate()
    cases = cases if cases is not None else Case.objects.all()
    if unit_code:
        cases = cases.filter(unit__code=unit_code)
    if unit_ids is not None:
        cases = cases.filter(unit_id__in=list(unit_ids))
    rows = list(deadlines_as_of(on, cases, due_from=due_from, due_to=due_to))
    summaries = compliance_summary((row.deadline for row in rows), DEADLINE_KINDS)
    breaches = sorted((row for row in rows if row.deadline.status in (MISSED, OVERDUE)),
                      key=lambda row: (row.deadline.due_on, row.case_id, row.deadline.kind))
    return Egenkontroll(due_from, due_to, on, unit_code or None, summaries, breaches)


EGENKONTROLL_SUMMARY_HEADERS = ("deadline", "label", "due", "met", "missed", "overdue", "open", "share_met",
                                "median_days", "p90_days")
EGENKONTROLL_BREACH_HEADERS = ("case_id", "unit", "deadline", "due_on", "met_on", "status", "days_late")


def stored_ids_among(values: Collection[str]) -> dict[str, list[str]]:
    """Which of ``values`` are stored case ids and child ids, by object type (for logging what a text names)."""
    return {
        "cases.case": list(Case.objects.filter(case_id__in=values).values_list("case_id", flat=True)),
        "cases.child": list(Child.objects.filter(child_id__in=values).values_list("child_id", flat=True)),
    }
