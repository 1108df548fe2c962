"""Reads about cases and deadlines: the case timeline, deadline lists, case pages, the self-inspection.

**Cases owns the case timeline (issue 12).** Every area reads a case as it stood on a day through this
module: ``case_states`` (phase, handlers, deadlines, open LVU placement: the workload board, allocation,
the simulation's starting point), ``deadlines_as_of`` (deadline rows: the self-inspection and the
governance KPIs) and ``deadline_report_rows`` (the rows of ``stabil report deadlines``). They share

* one mapping of stored events to the core's ``Event`` (``events_by_case``);
* one stored-or-replay choice (``_stored_is_exact`` and its SQL twin ``_replayed``): a case's materialised
  ``Deadline`` and ``CaseState`` rows were computed with all its events known, so they are exact for any day
  on or after its last event (only open/overdue depends on the day). A case with an event after the day,
  or without a stored state, is replayed from the events known on the day with ``core.caseflow.case_state``;
* one set of rules, the municipality's (``deadline_config``), which the stored rows were computed with too.

``tests/cases/test_equivalence.py``, ``tests/workload/test_equivalence.py`` and
``tests/simulation/test_equivalence.py`` hold that both ways give the same answer, under the default rules
and under others. A deadline read here carries no ``why``: the case page (``case_view``) explains each
deadline live from the events.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from stabil.accounts.policy import scope_cases
from stabil.common import bulk
from stabil.core import calendar, rounding
from stabil.core.caseflow import PHASES, PLACEMENT_KINDS, Event, case_state
from stabil.core.caseflow import CaseState as CoreCaseState
from stabil.core.deadlines import (
    DEADLINE_KINDS,
    MISSED,
    OPEN,
    OVERDUE,
    DeadlineConfig,
    KindSummary,
    compliance_summary,
)
from stabil.core.deadlines import Deadline as CoreDeadline
from stabil.core.statistics import intervention_spells
from stabil.organisation import selectors as organisation

from .labels import STATUS_LABELS
from .models import Case, CaseEvent, CaseState, Child, Deadline, DeadlineKind, DeadlineSettings

# --- the municipality's deadline rules ----------------------------------------------------------------


def deadline_config() -> DeadlineConfig:
    """Return the municipality's deadline configuration.

    From the settings page (the ``DeadlineSettings`` row) once someone has saved it; before that from
    ``settings.STABIL_DEADLINES`` (a dict) when set, else the environment variable ``STABIL_DEADLINES``
    (JSON), else the defaults of ``core.deadlines.DeadlineConfig``. Example:
    ``STABIL_DEADLINES='{"move_to_working_day": false, "first_contact_working_days": 5}'``.
    """
    saved = DeadlineSettings.objects.order_by("pk").first()
    if saved is not None:
        return DeadlineConfig(**saved.config_values())
    values = getattr(settings, "STABIL_DEADLINES", None)
    if values is None:
        text = os.environ.get("STABIL_DEADLINES", "").strip()
        try:
            values = json.loads(text) if text else {}
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"STABIL_DEADLINES är inte giltig JSON ({exc.msg})") from None
    try:
        return DeadlineConfig(**values)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"STABIL_DEADLINES är felaktig: {exc}") from None


# --- the case timeline: events, the stored-or-replay choice, the state on a day ------------------------

_CHUNK = 900  # below SQLite's bound-parameter limit for IN (...)
# Above this many cases, one scan of the event table is faster than thousands of parameters.
_SCAN_FROM = 20_000  # as bulk.SCAN_FROM: a part of a staged import (10,000 cases) is looked up, not scanned
_EVENT_COLUMNS = ("case_id", "kind", "on", "staff__staff_id", "outcome", "until", "intervention", "reason")


def _chunks(items: Sequence, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def events_by_case(case_pks: Collection[int] | None, on: dt.date | None = None) -> dict[int, list[Event]]:
    """Return the events of these cases (every case when None) known on ``on`` (all when None), as the core's
    ``Event``, by case pk: the one mapping of a stored ``CaseEvent`` to ``core.caseflow.Event``.

    Events come in the order they were stored, so that same-day events of one kind keep it (the core sorts
    by date and kind, stably).
    """
    grouped: dict[int, list[Event]] = defaultdict(list)
    events = CaseEvent.objects.order_by("pk")
    if on is not None:
        events = events.filter(on__lte=on)
    if case_pks is None:
        rows = events.values_list(*_EVENT_COLUMNS).iterator(chunk_size=20000)
    elif len(case_pks) > _SCAN_FROM:
        wanted = case_pks if isinstance(case_pks, (set, frozenset, dict)) else set(case_pks)
        rows = (r for r in events.values_list(*_EVENT_COLUMNS).iterator(chunk_size=20000) if r[0] in wanted)
    else:
        rows = (r for chunk in _chunks(sorted(case_pks))
                for r in events.filter(case_id__in=chunk).values_list(*_EVENT_COLUMNS))
    for case_pk, kind, day, staff_id, outcome, until, intervention, reason in rows:
        grouped[case_pk].append(Event(kind, day, staff_id or "", outcome or "", until, intervention or "",
                                      reason or ""))
    return grouped


def _stored_is_exact(has_state: bool, last_event_on: dt.date | None, on: dt.date) -> bool:
    """The stored-or-replay choice for one case: are its stored rows exact as seen on ``on``?"""
    return has_state and (last_event_on is None or last_event_on <= on)


def _replayed(on: dt.date) -> Q:
    """The same choice as a filter on cases: those that must be replayed from their events on ``on``."""
    return Q(state__isnull=True) | Q(state__last_event_on__gt=on)


def _replay(case_pks: Collection[int], on: dt.date, config: DeadlineConfig) -> Iterator[tuple[int, CoreCaseState]]:
    """Yield (case pk, core state on ``on``) for these cases, replayed from their events known then."""
    grouped = events_by_case(case_pks, on)
    for case_pk in case_pks:
        yield case_pk, case_state(grouped.get(case_pk, ()), on, config)


def _status(settled: str, due_on: dt.date, on: dt.date) -> str:
    """A stored deadline's status on ``on``: settled for good, else open up to its due date and overdue after."""
    return settled or (OPEN if on <= due_on else OVERDUE)


def _unexplained(deadline: CoreDeadline) -> CoreDeadline:
    """A replayed deadline as the stored rows have it: without ``why`` (the case page explains it live)."""
    return deadline._replace(why="") if deadline.why else deadline


def materialised_is_exact(on: dt.date) -> bool:
    """Return True when no case has an event after ``on``: then every stored state shows its case exactly as
    seen on ``on``, and a list need not look for cases to replay (the usual case: nothing after today).

    One indexed query. Every write of events stores the case's state with them (import, event form, new
    report, recomputation); a case without one (events written around the services) is replayed only where
    cases are read one by one (``case_states``) or when some case must be replayed anyway (``_split``).
    """
    return not CaseState.objects.filter(last_event_on__gt=on).exists()


@dataclass(frozen=True)
class CaseOnDay:
    """A case as it stood on a day (``case_states``): its workload phase, handlers (staff ids) and deadlines.

    ``under_lvu``: an intervention under LVU is running (known only when asked for, else False).
    ``last_event_on``: the date of the case's last event of all, from its stored state (None when it has none).
    """

    pk: int
    case_id: str
    unit_code: str
    category: str
    phase: str
    main_handler: str | None
    co_handler: str | None
    deadlines: tuple[CoreDeadline, ...]
    under_lvu: bool = False
    last_event_on: dt.date | None = None


_OPEN_PHASES = tuple(phase for phase in PHASES if phase != "closed")
# The stored phases in which a placement may be running: the placement phases, and a new report or an
# investigation about a placed child (the heavier work gives the phase). Not closed, not outpatient follow-up.
_PLACEMENT_PHASES = ("preliminary_assessment", "investigation", "placement_followup", "foster_home")


def case_states(on: dt.date, *, unit_ids: Sequence[int] | None = None, case_pks: Sequence[int] | None = None,
                kinds: Collection[str] | None = None, pending_only: bool = False, include_closed: bool = True,
                lvu: bool = False, progress=None) -> list[CaseOnDay]:
    """Return the cases (of these units, or these cases; all when neither is given) as they stood on ``on``.

    A case whose stored rows are exact for ``on`` is read from them (its ``CaseState`` and ``Deadline`` rows);
    the others are replayed from their events (see the module's docstring). ``kinds`` and ``pending_only``
    (open or overdue) narrow the deadlines returned; ``include_closed=False`` leaves closed cases out.
    ``lvu=True`` also tells whether an LVU placement is running: the stored state does not keep the open
    interventions, so a placement case with an LVU start on or before ``on`` is replayed. ``progress`` is
    advanced once per case. The cases come by case id, however each was read.
    """
    everything = unit_ids is None and case_pks is None
    by_unit = unit_ids is not None and case_pks is None
    cases = Case.objects.all()
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        cases = cases.filter(unit_id__in=unit_ids)
    if case_pks is not None:
        cases = cases.filter(pk__in=case_pks)
    head_fields = ("pk", "case_id", "unit__code", "category", "main_handler__staff_id", "co_handler__staff_id",
                   "state__phase", "state__last_event_on")
    if not include_closed and by_unit:
        # A unit's open cases through the states' (unit, phase) index (issue 16): as many as the unit has open
        # or changed after the day, not every case it ever had; the case's own unit stays the filter of truth.
        # Then the unit's cases without a stored state, if it has any (``_stateless_case_pks``).
        heads = list(cases.filter(state__unit_id__in=unit_ids)
                     .filter(Q(state__phase__in=_OPEN_PHASES) | Q(state__last_event_on__gt=on))
                     .order_by().values_list(*head_fields))
        stateless = _stateless_case_pks(unit_ids)
        if stateless:
            heads.extend(Case.objects.filter(pk__in=stateless).order_by().values_list(*head_fields))
    else:
        if not include_closed:
            # Leave out in SQL the cases stored as closed that stay so on the day (most of a unit's cases).
            cases = cases.filter(Q(state__isnull=True) | Q(state__phase__in=_OPEN_PHASES)
                                 | Q(state__last_event_on__gt=on))
        heads = list(cases.order_by().values_list(*head_fields))
    if not heads:
        return []

    def related(queryset, phases=None):
        """Yield querysets of ``queryset`` (rows with a ``case``) for these cases, in these stored phases when
        given: all at once, by unit (a join the planner handles well) or in chunks of case keys."""
        if everything:
            yield queryset if phases is None else queryset.filter(case__state__phase__in=phases)
        elif by_unit:
            if phases is not None:
                # Through the states' (unit, phase) index alone: the unit's cases in these phases, not all it
                # ever had (with the case's unit as well the planner hashes every case of the unit). The
                # callers keep only the rows of the cases read above, whose own unit was the filter.
                yield queryset.filter(case__state__unit_id__in=unit_ids, case__state__phase__in=phases)
            else:
                yield queryset.filter(case__unit_id__in=unit_ids)
        else:
            pks = [head[0] for head in heads if phases is None or head[6] in phases]
            for chunk in _chunks(pks):
                yield queryset.filter(case_id__in=chunk)

    under_lvu: set[int] = set()
    if lvu:
        # Only placements can be under LVU (``_PLACEMENT_PHASES``); a case with an LVU start is replayed and
        # finds from its own events whether that placement still runs on the day.
        # Filtered in Python: with `kind` in SQL, SQLite scans the (kind, on) index of every case instead.
        starts = CaseEvent.objects.filter(on__lte=on).order_by()
        if everything:  # over all cases the (kind, on) index is the right one
            starts = starts.filter(kind="intervention_started", reason__iexact="LVU")
        for queryset in related(starts, _PLACEMENT_PHASES):
            under_lvu.update(case_pk for case_pk, kind, reason in queryset.values_list("case_id", "kind", "reason")
                             if kind == "intervention_started" and reason.upper() == "LVU")
    stored: list[tuple] = []
    replay: dict[int, tuple] = {}
    for head in heads:
        phase, last = head[6], head[7]
        if _stored_is_exact(phase is not None, last, on) and head[0] not in under_lvu:
            if phase != "closed" or include_closed:
                stored.append(head)
        else:
            replay[head[0]] = head
    found: dict[int, list[tuple[int, CoreDeadline]]] = defaultdict(list)  # case pk -> [(Deadline pk, deadline)]
    if stored:
        rows = Deadline.objects.order_by()
        if kinds is not None:
            rows = rows.filter(kind__in=list(kinds))
        if pending_only:
            # Pending = not met (a deadline's status is decided by its own event alone: ``core.caseflow``).
            rows = rows.filter(met_on__isnull=True)
        if everything and pending_only:  # over all cases the pending-deadline index is the right one
            rows = rows.filter(settled="")
        wanted = {head[0] for head in stored}
        # Only the stored phases asked for: without closed cases this leaves out most of a unit's deadlines.
        phases = None if everything or include_closed else tuple(sorted({head[6] for head in stored}))
        if by_unit and pending_only:
            # A unit's pending deadlines through their own unit key and the partial index (issue 16): as many
            # rows as the unit has pending, not a join over every case it ever had. ``wanted`` keeps the cases
            # read above (the unit on the row is the case's: ``services._store_derived``).
            chunks = [rows.filter(unit_id__in=list(unit_ids), settled="")]
        else:
            chunks = related(rows, phases)
        for queryset in chunks:
            # `settled` is filtered in Python: on SQLite a filter on it makes the planner scan the
            # pending-deadline index instead of looking the cases up.
            for pk, case_pk, kind, started, due, met, settled, source in queryset.values_list(
                    "pk", "case_id", "kind", "started_on", "due_on", "met_on", "settled", "source"):
                if case_pk in wanted and not (pending_only and settled):
                    found[case_pk].append((pk, CoreDeadline(kind, started, due, met, _status(settled, due, on), "",
                                                            source)))
    stored.sort(key=itemgetter(1))  # by case id
    out = [
        CaseOnDay(pk, case_id, unit, category, phase, main, co,
                  tuple(d for _pk, d in sorted(found[pk])) if pk in found else (), False, last)
        for pk, case_id, unit, category, main, co, phase, last in stored
    ]
    if progress is not None:
        progress.advance(len(heads) - len(replay))
    if replay:
        for case_pk, state in _replay(sorted(replay), on, deadline_config()):
            if progress is not None:
                progress.advance()
            if state.phase == "closed" and not include_closed:
                continue
            # The handlers as they stood on the day (not the case's current ones, assigned perhaps later).
            _pk, case_id, unit, category, _main, _co, _phase, last = replay[case_pk]
            deadlines = tuple(_unexplained(d) for d in state.deadlines
                              if (kinds is None or d.kind in kinds)
                              and not (pending_only and d.status not in (OPEN, OVERDUE)))
            out.append(CaseOnDay(
                case_pk, case_id, unit, category, state.phase, state.main_handler, state.co_handler,
                deadlines, lvu and any(i.legal_basis.upper() == "LVU" for i in state.open_interventions), last,
            ))
        out.sort(key=attrgetter("case_id"))
    return out


def _stateless_case_pks(unit_ids: Sequence[int]) -> list[int]:
    """Return the pks of the cases of these units that have no stored state (events written around the
    services; none as a rule). Counted first, the cases and the states of the units, each through its unit
    index (index entries only, no join); looked for only when the counts differ."""
    cases = Case.objects.filter(unit_id__in=unit_ids)
    if cases.count() == CaseState.objects.filter(unit_id__in=unit_ids).count():
        return []
    return list(cases.filter(state__isnull=True).order_by().values_list("pk", flat=True))


def case_pks_changed_after(on: dt.date, *, unit_ids: Sequence[int] | None = None) -> list[int]:
    """Return the pks of the cases (of these units; all when None) whose last event is after ``on``, or unknown.

    The others stood on ``on`` as they stand now, so a reader that has them for a later day may reuse them.
    """
    if unit_ids is None:
        return list(Case.objects.exclude(state__last_event_on__lte=on).order_by().values_list("pk", flat=True))
    # By the states' own unit (issue 16): the unit's states with a later or unknown last event, through the
    # ``last_event_on`` index, and the unit's cases without a state; not a join over all the unit's cases.
    unit_ids = list(unit_ids)
    changed = (Case.objects.filter(unit_id__in=unit_ids, state__unit_id__in=unit_ids)
               .filter(Q(state__last_event_on__gt=on) | Q(state__last_event_on__isnull=True)))
    return list(changed.order_by().values_list("pk", flat=True)) + _stateless_case_pks(unit_ids)


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


_FIELDS = ("case__case_id", "case_id", "case__unit__code", "case__main_handler__staff_id", "kind", "started_on",
           "due_on", "met_on", "settled", "why", "source")


def _from_table(queryset: QuerySet, on: dt.date) -> Iterator[DeadlineRow]:
    # Streamed in chunks (issue 16): a reader of a whole city's deadlines holds a chunk, not the table.
    for case_id, case_pk, unit, handler, kind, started, due, met, settled, why, source in queryset.values_list(
            *_FIELDS).iterator(chunk_size=5000):
        yield DeadlineRow(case_id, case_pk, unit, handler,
                          CoreDeadline(kind, started, due, met, _status(settled, due, on), why, source))


def _split(cases: QuerySet | None, on: dt.date) -> tuple[list[int], QuerySet]:
    """The stored-or-replay choice for many cases at once: (pks to replay, the stored deadlines of the rest)."""
    scope = Case.objects.all() if cases is None else cases
    replay = [] if materialised_is_exact(on) else list(scope.filter(_replayed(on)).order_by().values_list("pk",
                                                                                                        flat=True))
    stored = Deadline.objects.all() if cases is None else Deadline.objects.filter(case__in=cases)
    if replay:
        stored = stored.filter(case__state__last_event_on__lte=on)
    return replay, stored


def _replayed_rows(case_pks: list[int], on: dt.date) -> list[DeadlineRow]:
    """The deadline rows of these cases replayed from their events on ``on``, by case id."""
    if not case_pks:
        return []
    heads = {pk: (case_id, unit) for pk, case_id, unit in
             (row for chunk in _chunks(case_pks)
              for row in Case.objects.filter(pk__in=chunk).values_list("pk", "case_id", "unit__code"))}
    rows = []
    for case_pk, state in _replay(case_pks, on, deadline_config()):
        case_id, unit = heads[case_pk]
        rows.extend(DeadlineRow(case_id, case_pk, unit, state.main_handler, _unexplained(d)) for d in state.deadlines)
    rows.sort(key=lambda row: row.case_id)  # stable: a case's deadlines keep their order
    return rows


def deadlines_as_of(on: dt.date, cases: QuerySet | None = None, *, due_from: dt.date | None = None,
                    due_to: dt.date | None = None) -> Iterator[DeadlineRow]:
    """Yield the deadlines of ``cases`` (default all) as seen on ``on``, by case id, optionally by due date."""
    replay, stored = _split(cases, on)
    if due_from is not None:
        stored = stored.filter(due_on__gte=due_from)
    if due_to is not None:
        stored = stored.filter(due_on__lte=due_to)
    replayed = [row for row in _replayed_rows(replay, on)
                if (due_from is None or row.deadline.due_on >= due_from)
                and (due_to is None or row.deadline.due_on <= due_to)]
    table = _from_table(stored.order_by("case__case_id", "pk"), on)
    yield from heapq.merge(table, replayed, key=lambda row: row.case_id) if replayed else table


DEADLINE_REPORT_HEADERS = ("case_id", "deadline", "due_on", "met_on", "status", "source")
"""The columns of ``stabil report deadlines`` (JSON keys, CSV header, Excel header), in this order."""


def deadline_report_rows(on: dt.date, cases: QuerySet | None = None) -> Iterator[tuple]:
    """Yield the rows of ``stabil report deadlines`` (``DEADLINE_REPORT_HEADERS``) as seen on ``on``, by case id.

    The same reader as ``deadlines_as_of``, with only the report's columns read from the stored table (the
    report streams hundreds of thousands of rows).
    """
    replay, stored = _split(cases, on)
    table = (
        (case_id, kind, due, met, _status(settled, due, on), source)
        for case_id, kind, due, met, settled, source in stored.order_by("case__case_id", "pk").values_list(
            "case__case_id", "kind", "due_on", "met_on", "settled", "source").iterator(chunk_size=20000)
    )
    if not replay:
        yield from table
        return
    replayed = [(row.case_id, row.deadline.kind, row.deadline.due_on, row.deadline.met_on, row.deadline.status,
                 row.deadline.source) for row in _replayed_rows(replay, on)]
    yield from heapq.merge(table, replayed, key=lambda row: row[0])


# --- cases and their events, for the other areas (they read cases here, never through ``cases.models``) ----


def cases() -> QuerySet:
    """Every case: a queryset for the caller to narrow, and to scope with the access policy's ``scope_cases``."""
    return Case.objects.all()


def case_by_id(case_id: str) -> Case | None:
    """Return the case with this id (its unit and handlers at hand), or None. Not scoped: the caller checks
    ``accounts.policy.can_view_case``."""
    return Case.objects.select_related("unit", "main_handler", "co_handler").filter(case_id=case_id).first()


def handlers_of_child(child_pk: int, *, except_case_pk: int | None = None) -> set[str]:
    """Return the staff ids of the main and co-handlers of the child's cases (but one)."""
    found: set[str] = set()
    for main, co in Case.objects.filter(child_id=child_pk).exclude(pk=except_case_pk).values_list(
            "main_handler__staff_id", "co_handler__staff_id"):
        found.update(staff_id for staff_id in (main, co) if staff_id)
    return found


def newest_event_pk() -> int | None:
    """Return the key of the newest stored event (changes whenever an event is recorded), or None."""
    return CaseEvent.objects.aggregate(newest=Max("pk"))["newest"]


def decision_counts(unit_ids: Sequence[int], after: dt.date, on: dt.date) -> dict[tuple[int, str, str], int]:
    """Return {(unit pk, kind, outcome): count} of the preliminary decisions and closed investigations of these
    units dated after ``after`` up to ``on``."""
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for unit_id, kind, outcome, n in (
        CaseEvent.objects.filter(case__unit_id__in=unit_ids, on__gt=after, on__lte=on,
                                 kind__in=("preliminary_decided", "investigation_closed"))
        .order_by().values_list("case__unit_id", "kind", "outcome").annotate(n=Count("pk"))
    ):
        counts[(unit_id, kind, outcome)] += n
    return dict(counts)


def monthly_event_counts(kind: str, first: dt.date, end: dt.date, *, unit_ids: Iterable[int] | None = None,
                         category: str | None = None) -> dict[dt.date, int]:
    """Return {first day of a month: count} of the events of ``kind`` dated from ``first`` to before ``end``, of
    cases in these units (all when None) and this category (all when None)."""
    events = CaseEvent.objects.filter(kind=kind, on__gte=first, on__lt=end)
    if unit_ids is not None:
        events = events.filter(case__unit_id__in=list(unit_ids))
    if category:
        events = events.filter(case__category=category)
    counts: dict[dt.date, int] = defaultdict(int)
    for month, n in events.annotate(m=TruncMonth("on")).values_list("m").annotate(n=Count("pk")).values_list("m", "n"):
        counts[month.date() if isinstance(month, dt.datetime) else month] += n
    return dict(counts)


def investigations_opened(first: dt.date, last: dt.date, *, unit_ids: Iterable[int] | None = None) -> list[tuple[str, dt.date]]:
    """Return (case category, date) of every investigation opened from ``first`` to ``last``, in these units."""
    events = CaseEvent.objects.filter(kind="investigation_opened", on__range=(first, last))
    if unit_ids is not None:
        events = events.filter(case__unit_id__in=list(unit_ids))
    return list(events.values_list("case__category", "on").iterator(chunk_size=10000))


def intervention_events(last: dt.date, *, unit_ids: Iterable[int] | None = None) -> Iterator[tuple]:
    """Yield (case pk, category, kind, date, intervention) of every intervention start and end up to ``last``,
    in these units, by case and date (the order ``core.statistics.intervention_spells`` reads)."""
    events = CaseEvent.objects.filter(kind__in=("intervention_started", "intervention_ended"), on__lte=last)
    if unit_ids is not None:
        events = events.filter(case__unit_id__in=list(unit_ids))
    return (events.order_by("case_id", "on", "pk")
            .values_list("case_id", "case__category", "kind", "on", "intervention").iterator(chunk_size=10000))


def overdue_counts_by_unit(unit_ids: Collection[int], on: dt.date) -> dict[str, int]:
    """Return unit code -> the number of deadlines overdue on ``on`` (pending, due before ``on``) of the
    cases of these units. Aggregates only: the caller decides who may see them."""
    cases = Case.objects.filter(unit_id__in=list(unit_ids))
    counts: dict[str, int] = defaultdict(int)
    if materialised_is_exact(on):
        # The same rule as _from_table: a pending deadline is overdue from the day after its due date. Counted
        # in the database through the deadlines' own unit key (partial index, issue 16), no case read.
        codes = dict(organisation.units().filter(pk__in=list(unit_ids)).values_list("pk", "code"))
        for unit_pk, count in (Deadline.objects.filter(unit_id__in=list(codes), settled="", due_on__lt=on)
                               .values_list("unit_id").annotate(n=Count("pk")).order_by()):
            counts[codes[unit_pk]] = count
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
    unit_pks = None
    if unit_code:
        # The unit's key, not a join on its code: with the key the planner knows how many cases the unit has.
        unit_pks = list(organisation.units().filter(code=unit_code).values_list("pk", flat=True))
        cases = cases.filter(unit_id__in=unit_pks)
    if team_code:
        cases = cases.filter(main_handler__team__code=team_code)
    if staff_id:
        cases = cases.filter(main_handler__staff_id=staff_id) | cases.filter(co_handler__staff_id=staff_id)
    horizon_end = calendar.add_working_days(on, horizon_working_days) if horizon_working_days is not None else None
    replay, stored = _split(cases, on)
    pending = Q(settled="")
    if kinds:
        pending &= Q(kind__in=list(kinds))
    if horizon_end is not None:
        pending &= Q(due_on__lte=horizon_end)
    if unit_pks is None:
        queryset = stored.filter(pending)
        total = queryset.count()
        listed = _from_table(queryset.order_by("due_on", "case__case_id", "pk")[:limit], on)
    else:
        # A unit's pending deadlines through their own unit key (partial index on unit and due date, issue 16),
        # then only those of cases the user may see (looked up by key): the unit's open deadlines are read, not
        # every case it ever had (a subquery of the visible cases makes the planner hash all of them).
        own = Deadline.objects.filter(pending, unit_id__in=unit_pks)
        if replay:
            own = own.filter(case__state__last_event_on__lte=on)
        candidates = list(_from_table(own.order_by("due_on", "case__case_id", "pk"), on))
        wanted = sorted({row.case_pk for row in candidates})
        visible = {pk for chunk in _chunks(wanted) for pk in cases.filter(pk__in=chunk).values_list("pk", flat=True)}
        table = [row for row in candidates if row.case_pk in visible]
        total = len(table)
        listed = iter(table[:limit])
    if replay:
        # Cases with events after ``on`` (or never computed): their pending deadlines as they stood on ``on``.
        replayed = sorted((row for row in _replayed_rows(replay, on)
                           if row.deadline.status in (OPEN, OVERDUE) and (not kinds or row.deadline.kind in kinds)
                           and (horizon_end is None or row.deadline.due_on <= horizon_end)),
                          key=lambda row: (row.deadline.due_on, row.case_id))
        total += len(replayed)
        listed = heapq.merge(listed, replayed, key=lambda row: (row.deadline.due_on, row.case_id))
    soon_end = calendar.add_working_days(on, config.warning_working_days)
    rows = []
    for row in listed:
        if len(rows) == limit:
            break
        due = row.deadline.due_on
        rows.append(ListedDeadline(row, (due - on).days, calendar.working_days_between(on, due),
                                   row.deadline.status == OPEN and due <= soon_end))
    return rows, total


# --- the case page ----------------------------------------------------------------------------------


def case_events(case: Case) -> list[CaseEvent]:
    """Return the case's events in date order (the timeline)."""
    return list(case.events.select_related("staff", "recorded_by").order_by("on", "pk"))


def case_view(case: Case, on: dt.date) -> CoreCaseState:
    """Return the case state (``core.caseflow.CaseState``) as seen on ``on``, replayed from its events.

    Always replayed, also when the stored rows are exact: the page explains each deadline (``why``), which
    is not stored.
    """
    return case_state(events_by_case([case.pk], on).get(case.pk, ()), on, deadline_config())


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


def deadline_kind_label(kind: str) -> str:
    """Return the Swedish (translated) name of a deadline kind, as the lists show it."""
    return str(DeadlineKind(kind).label)


def next_pending_deadlines(case_pks: Collection[int], on: dt.date) -> dict[int, CoreDeadline]:
    """Return, per case, its next pending (open or overdue) deadline as seen on ``on``: the earliest due (the first
    of equals in stored order), read through ``case_states``."""
    nearest: dict[int, CoreDeadline] = {}
    for state in case_states(on, case_pks=list(case_pks), pending_only=True):
        if state.deadlines:
            nearest[state.pk] = min(state.deadlines, key=lambda d: d.due_on)
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
        deadline = nearest.get(case.pk)
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
        deadline = nearest.get(case.pk)
        result.append(QueuedCase(
            case=case, next_deadline=deadline, days_left=(deadline.due_on - on).days if deadline else None,
            due_soon=bool(deadline and deadline.status == "open" and deadline.due_on <= soon_end)))
    result.sort(key=lambda q: (q.next_deadline is None, q.next_deadline.due_on if q.next_deadline else dt.date.min,
                               q.case.case_id))
    return result[:limit] if limit is not None else result


# --- self-inspection (egenkontroll) -----------------------------------------------------------------


#: Decimals of the self-inspection's figures as shown: the share in per cent and the days, on the page
#: and in every download (CSV and Excel, web and command line), rounded by ``core.rounding``.
SHOWN_DECIMALS = 1


@dataclass(frozen=True)
class ShownSummary:
    """A deadline kind's self-inspection figures as the page, the CSV and the Excel file show them."""

    kind: str
    label: str
    due: int
    met: int
    missed: int
    overdue: int
    open: int
    share_percent: float | None
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class Egenkontroll:
    """The self-inspection figures of a period: a summary per deadline kind and the breaches."""

    due_from: dt.date
    due_to: dt.date
    on: dt.date
    unit_code: str | None
    summaries: list[KindSummary]
    breaches: list[DeadlineRow]

    def shown(self) -> list[ShownSummary]:
        """Return the summaries as shown: share in per cent and days with ``SHOWN_DECIMALS``."""
        return [
            ShownSummary(s.kind, str(DeadlineKind(s.kind).label), s.due, s.met, s.missed, s.overdue, s.open,
                         rounding.shown_percent(s.share_met, SHOWN_DECIMALS),
                         rounding.shown(s.median_days, SHOWN_DECIMALS), rounding.shown(s.p90_days, SHOWN_DECIMALS))
            for s in self.summaries
        ]

    def has_negative_days(self) -> bool:
        """Whether a median or 90th percentile of days is negative: something the deadline asks for was done
        before the deadline started to run (a care plan or a foster-home approval before the placement began).
        The page explains it (issue 13)."""
        return any(value is not None and value < 0
                   for s in self.summaries for value in (s.median_days, s.p90_days))

    def shown_breaches(self) -> list[list]:
        """Return the breaches as the page and the downloads show them, by name (issue 13: not "missed")."""
        rows = []
        for b in self.as_json()["breaches"]:
            rows.append([b["case_id"], b["unit"], str(DeadlineKind(b["deadline"]).label), b["due_on"], b["met_on"],
                         str(STATUS_LABELS.get(b["status"], b["status"])), b["days_late"]])
        return rows

    def as_json(self) -> dict:
        return {
            "from": self.due_from, "to": self.due_to, "on": self.on, "unit": self.unit_code,
            "deadlines": [
                {"deadline": s.kind, "label": str(DeadlineKind(s.kind).label), "due": s.due, "met": s.met,
                 "missed": s.missed, "overdue": s.overdue, "open": s.open,
                 "share_met": rounding.shown(s.share_met, 4),
                 "median_days": rounding.shown(s.median_days, SHOWN_DECIMALS),
                 "p90_days": rounding.shown(s.p90_days, SHOWN_DECIMALS)}
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
    on = on or timezone.localdate()
    cases = cases if cases is not None else Case.objects.all()
    if unit_code:
        cases = cases.filter(unit__code=unit_code)
    if unit_ids is not None:
        cases = cases.filter(unit_id__in=list(unit_ids))
    if materialised_is_exact(on):
        # The usual case (nothing recorded after ``on``): every stored deadline is exact. The summary reads
        # five narrow columns, streamed and unordered; only the breaches are read as rows (issue 16).
        stored = Deadline.objects.filter(case__in=cases, due_on__gte=due_from, due_on__lte=due_to)
        summaries = compliance_summary(
            (CoreDeadline(kind, started, due, met, _status(settled, due, on), "", "")
             for kind, started, due, met, settled in stored.order_by().values_list(
                 "kind", "started_on", "due_on", "met_on", "settled").iterator(chunk_size=20000)),
            DEADLINE_KINDS)
        # Missed, or pending past the due date (overdue: the rule of ``_status``), in the order below.
        late = stored.filter(Q(settled=MISSED) | Q(settled="", due_on__lt=on))
        # Sorted here, not by the database: its collation may order ids otherwise than Python (ties by pk).
        breaches = sorted(_from_table(late.order_by("pk"), on),
                          key=lambda row: (row.deadline.due_on, row.case_id, row.deadline.kind))
        return Egenkontroll(due_from, due_to, on, unit_code or None, summaries, breaches)
    breaches = []

    def deadlines() -> Iterator[CoreDeadline]:
        """The deadlines one at a time (a summary needs no more), keeping the breaches."""
        for row in deadlines_as_of(on, cases, due_from=due_from, due_to=due_to):
            if row.deadline.status in (MISSED, OVERDUE):
                breaches.append(row)
            yield row.deadline

    summaries = compliance_summary(deadlines(), DEADLINE_KINDS)
    breaches.sort(key=lambda row: (row.deadline.due_on, row.case_id, row.deadline.kind))
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


# --- record-keeping (issue 15): whose data, which cases ------------------------------------------------------


def children_of_cases(case_ids: Collection[str]) -> list[str]:
    """The child ids of the stored cases among ``case_ids`` (for the access log's ``child_ids``)."""
    # A report of a million cases writes 500 records: two key lookups each (= ANY on PostgreSQL), cases then
    # children, without a join, which the planner would answer by scanning every child.
    child_pks = set(bulk.lookup("cases.Case", "case_id", set(case_ids), ("child",)).values())
    return sorted(set(bulk.lookup("cases.Child", "pk", child_pks, ("child_id",)).values()))


def cases_with_ids(case_ids: Collection[str]) -> QuerySet:
    """The stored cases with these ids (a queryset, for ``accounts.policy.scope_cases``)."""
    return Case.objects.filter(case_id__in=list(set(case_ids)))


def cases_of_children(child_ids: Collection[str]) -> QuerySet:
    """The stored cases of these children (a queryset, for ``accounts.policy.scope_cases``)."""
    return Case.objects.filter(child__child_id__in=list(set(child_ids)))


def case_homes(case_ids: Collection[str]) -> dict[str, tuple[int, frozenset[int], frozenset[str]]]:
    """Case id -> (unit id, team ids of its handlers, staff ids of its handlers) for the stored cases among
    ``case_ids`` (the log follow-up's "outside the reader's team or unit", issue 15)."""
    homes: dict[str, tuple[int, frozenset[int], frozenset[str]]] = {}
    ids = sorted(set(case_ids))
    fields = ("case_id", "unit_id", "main_handler__team_id", "main_handler__staff_id", "co_handler__team_id",
              "co_handler__staff_id")
    for start in range(0, len(ids), 900):  # SQLite's limit on query parameters
        for case_id, unit, main_team, main, co_team, co in Case.objects.filter(
                case_id__in=ids[start:start + 900]).values_list(*fields):
            homes[case_id] = (unit, frozenset(t for t in (main_team, co_team) if t is not None),
                              frozenset(s for s in (main, co) if s))
    return homes


@dataclass(frozen=True)
class ChildFacts:
    """What retention needs of a child (``core.retention.child_verdict``): no case data beyond it."""

    child_id: str
    birth_date: dt.date | None
    last_entry: dt.date | None  # the latest event of any of the child's cases (the personal file's last entry)
    placed: bool  # a placement in a foster home, an HVB or another private home was recorded
    unit_id: int | None  # the unit of the case with the latest event (whose destruction list it goes on)
    cases: int


PLACEMENT_EVENTS = ("foster_home_approved", "placement_reviewed")


def children_retention_facts() -> list[ChildFacts]:
    """Every stored child with its last entry, placement and unit (retention, issue 15)."""
    latest: dict[str, tuple] = {}
    counts: dict[str, int] = defaultdict(int)
    births: dict[str, dt.date | None] = {}
    rows = Case.objects.annotate(last=Max("events__on")).values_list(
        "child__child_id", "child__birth_date", "unit_id", "last", "case_id")
    for child_id, birth, unit_id, last, case_id in rows.iterator(chunk_size=5000):
        births[child_id] = birth
        counts[child_id] += 1
        key = (last or dt.date.min, case_id)
        if child_id not in latest or key > latest[child_id][0]:
            latest[child_id] = (key, unit_id, last)
    placed = set(CaseEvent.objects.filter(
        Q(kind="intervention_started", intervention__in=sorted(PLACEMENT_KINDS)) | Q(kind__in=PLACEMENT_EVENTS)
    ).values_list("case__child__child_id", flat=True).distinct())
    return [ChildFacts(child_id, births[child_id], latest[child_id][2], child_id in placed, latest[child_id][1],
                       counts[child_id]) for child_id in sorted(latest)]


def statistics_of_children(child_ids: Collection[str]) -> tuple[list[tuple], list[tuple]]:
    """What the statistics table counts of these children's cases, without the children (kept when their data
    are removed, so that earlier years' figures stay as they were; issue 15).

    Returns (openings, spells): openings as (unit id, category, year, month, count) of investigations opened;
    spells as (unit id, category, first day of the start month, last day of the end month or None) of their
    interventions (``core.statistics.intervention_spells``). Month precision is exact for the table, whose
    periods are whole months.
    """
    ids = sorted(set(child_ids))
    openings: dict[tuple, int] = defaultdict(int)
    spells: list[tuple] = []
    for start in range(0, len(ids), 900):  # SQLite's limit on query parameters
        events = CaseEvent.objects.filter(case__child__child_id__in=ids[start:start + 900])
        for unit, category, on in events.filter(kind="investigation_opened").values_list(
                "case__unit_id", "case__category", "on"):
            openings[(unit, category, on.year, on.month)] += 1
        rows = (events.filter(kind__in=("intervention_started", "intervention_ended"))
                .order_by("case_id", "on", "pk")
                .values_list("case_id", "case__unit_id", "case__category", "kind", "on", "intervention"))
        for _case, case_rows in groupby(rows, key=lambda r: r[0]):
            case_rows = list(case_rows)
            unit, category = case_rows[0][1], case_rows[0][2]
            for started, ended in intervention_spells((k, on, i or "") for _, _, _, k, on, i in case_rows):
                end = None if ended is None else calendar.month_start(ended, 1) - dt.timedelta(days=1)
                spells.append((unit, category, calendar.month_start(started), end))
    return ([(*key, count) for key, count in sorted(openings.items())], sorted(spells, key=str))


def assignments_after(event_pk: int, *, limit: int = 10_000) -> list[tuple[int, str, int, str, dt.date]]:
    """(event pk, case id, unit pk, unit code, day) of the main-handler assignments stored after event ``event_pk``,
    oldest first: what the API's events feed announces as "case allocated" (issue 14), whichever path stored
    them (the allocation page, the case page, a file or an API batch)."""
    return list(CaseEvent.objects.filter(pk__gt=event_pk, kind="handler_assigned").order_by("pk").values_list(
        "pk", "case__case_id", "case__unit_id", "case__unit__code", "on")[:limit])
