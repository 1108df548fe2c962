"""Writes to cases: storing events (one at a time or in bulk) and keeping deadlines in step.

A case's deadlines and derived state (``Deadline``, ``CaseState``, the handlers on ``Case``) are
recomputed from all its events with ``stabil.core.caseflow`` whenever its events change; they are
never edited by hand.

Rows are checked by the pure rules of ``stabil.core.events`` (worded by ``cases.problems``); a batch of
valid rows (``core.events.EventBatch``, plain data) is stored by ``case_events_store(by=, batch=)``, whose
steps are the named functions below it. The bulk plumbing (COPY, index rebuilds, chunking, caches) is
``stabil.common.bulk``'s.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stabil.accounts.policy import check_capability, import_scope
from stabil.audit.changelog import delete_without_history
from stabil.audit.services import record_access
from stabil.common import bulk
from stabil.common.progress import Progress, notice
from stabil.core.caseflow import Event, case_state
from stabil.core.deadlines import MET, MISSED, DeadlineConfig
from stabil.core.events import EventBatch, EventRows
from stabil.imports.framework import ImportErrors, ImportResult
from stabil.jobs.services import job_start
from stabil.organisation.selectors import unit_pks_by_code, units
from stabil.organisation.services import unit_get_or_create
from stabil.staff.selectors import member_by_staff_id
from stabil.staff.services import staff_placeholders_create

from . import problems
from .models import (
    DEADLINE_SETTING_FIELDS,
    Case,
    CaseEvent,
    CaseState,
    Child,
    Deadline,
    DeadlineSettings,
    ReporterKind,
)

# The municipality's rules are a read (issue 12); ``services.deadline_config`` keeps working for callers.
from .selectors import deadline_config, events_by_case

# All events known: deadlines are materialised as seen after the last event.
_ALL_KNOWN = dt.date.max


# --- recomputing derived state ----------------------------------------------------------------------


_SETTLED = frozenset({MET, MISSED})
_DEADLINE_FIELDS = ("case", "unit", "kind", "started_on", "due_on", "met_on", "settled", "why", "source")
_STATE_FIELDS = ("case", "unit", "phase", "reported_on", "last_event_on")


def _derive(events: list[Event], config: DeadlineConfig, staff_pks: dict[str, int]):
    """Return (deadline values without the case, state values without the case, main pk, co pk)."""
    date = bulk.date_text
    state = case_state(events, _ALL_KNOWN, config)
    # ``why`` is not stored: the case page recomputes it live; the lists never show it.
    rows = [(d.kind, date(d.started_on), date(d.due_on), date(d.met_on),
             d.status if d.status in _SETTLED else "", "", d.source) for d in state.deadlines]
    state_values = (state.phase, date(state.reported_on), date(state.last_event_on))
    return rows, state_values, staff_pks.get(state.main_handler or ""), staff_pks.get(state.co_handler or "")


def _delete_derived(case_pks: Sequence[int]) -> None:
    """Delete the stored deadlines and state of ``case_pks``."""
    for model in (Deadline, CaseState):
        bulk.delete_in(model, "case", case_pks)


def _store_derived(derived: dict[int, tuple], *, update_handlers: Iterable[int] = ()) -> None:
    """Insert deadline and state rows for ``derived`` = {case pk: _derive(...)}; update handlers of some."""
    deadline_rows = []
    state_rows = []
    # Each deadline and state row carries its case's unit (the units' indexes, issue 16), read here from
    # the stored cases: every writer of deadlines comes through this function, whatever it knows of units.
    # By key up to bulk.SCAN_FROM cases (a chunk of a recomputation or a part of a streamed import reads its
    # own cases, not the table: 0.06 s for 5,000 at 100,000 cases); a larger import in one scan (0.2 s for
    # 100,000, by key 1.9 s).
    unit_pks = bulk.lookup("cases.Case", "pk", derived, ("unit",))
    for case_pk, (rows, state_values, _main, _co) in derived.items():
        head = (case_pk, unit_pks[case_pk])
        deadline_rows.extend(head + row for row in rows)
        state_rows.append(head + state_values)
    bulk.insert(Deadline, _DEADLINE_FIELDS, deadline_rows)
    bulk.insert(CaseState, _STATE_FIELDS, state_rows)
    bulk.update_many(Case, ("main_handler", "co_handler"),
                     ((derived[pk][2], derived[pk][3], pk) for pk in update_handlers))


def recompute_cases(case_pks: Iterable[int]) -> None:
    """Recompute the deadlines, state and handlers of the given cases from their stored events (and restate
    each case's unit on its rows: what a case moved to another unit must go through)."""
    pks = list(case_pks)
    grouped = events_by_case(pks)
    staff_pks = bulk.lookup("staff.StaffMember", "staff_id",
                            {e.staff_id for pk in pks for e in grouped.get(pk, ()) if e.staff_id})
    config = deadline_config()
    derived = {pk: _derive(grouped.get(pk, []), config, staff_pks) for pk in pks}
    _delete_derived(pks)
    _store_derived(derived, update_handlers=pks)


# --- case-event rows against the stored cases --------------------------------------------------------


_HEAD_LABELS = {"child_id": gettext_lazy("barn-id"), "birth_date": gettext_lazy("födelsedatum"),
                "category": gettext_lazy("kategori"), "unit": gettext_lazy("enhet")}

# report(row, column, message): where a check sends each problem (``ImportErrors.add`` and the like).
Report = Callable[[int, str, str], None]


def case_events_check(batch: EventBatch, *, report: Report, birth_rows: set[int] | None = None,
                      compare_stored: bool = True) -> set[str]:
    """Check a batch's cases against the stored ones; each problem goes to ``report(row, column, message)``.

    Runs in the same pass as the row checks (issue 12), whatever they found: a case not stored must
    name its child, category and unit on some row (reported on its first row). With ``compare_stored``
    the rows must agree with the stored cases and children, and ``batch.stored`` keeps what was read for
    ``case_events_store``; without it (rows outside the uploader's units) no stored value is compared or
    quoted. A row gets at most one birth-date message (``birth_rows``: the rows that have one already, from
    the row checks), and each case's conflict with a stored child is reported once. Returns the ids of the
    stored cases read (for the access log).
    """
    heads = batch.heads
    birth_rows = birth_rows if birth_rows is not None else set()
    existing: dict[str, tuple] = {}
    if Case.objects.exists():
        for case_id, (pk, child_id, birth, category, unit_code) in bulk.lookup(
            "cases.Case", "case_id", heads, ("pk", "child__child_id", "child__birth_date", "category", "unit__code")
        ).items():
            existing[case_id] = (pk, {"child_id": child_id, "birth_date": birth.isoformat() if birth else "",
                                      "category": category, "unit": unit_code})
    for case_id, head in heads.items():
        if case_id not in existing:
            for column in ("child_id", "category", "unit"):
                if column not in head:
                    report(batch.case_first_row[case_id], column,
                           _("ärendet %(case)s är nytt men %(label)s saknas på alla dess rader") % {
                               "case": case_id, "label": _HEAD_LABELS[column]})
    if not compare_stored:
        return set()
    for case_id, head in heads.items():
        stored = existing.get(case_id)
        if stored is not None:
            for column, (value, row) in head.items():
                if stored[1][column] and stored[1][column] != value:
                    if column == "birth_date":
                        if row in birth_rows:
                            continue
                        birth_rows.add(row)
                    report(row, column, _("ärendet %(case)s finns redan med %(label)s '%(stored)s', här "
                                          "'%(value)s'") % {"case": case_id, "label": _HEAD_LABELS[column],
                                                            "stored": stored[1][column], "value": value})
    # Whose units the rows may touch was checked row by row before (``importers.check_case_scope``, with
    # the access policy's import scope): every case compared above is in the uploader's units.
    child_ids = {head["child_id"][0] for head in heads.values() if "child_id" in head}
    children: dict[str, tuple] = {}
    if Child.objects.exists():
        children = {child_id: (pk, birth.isoformat() if birth else "") for child_id, (pk, birth)
                    in bulk.lookup("cases.Child", "child_id", child_ids, ("pk", "birth_date")).items()}
    for case_id, head in heads.items():
        if "child_id" not in head or "birth_date" not in head:
            continue
        child_id, (birth, row) = head["child_id"][0], head["birth_date"]
        stored = children.get(child_id)
        if stored is not None and stored[1] and stored[1] != birth and row not in birth_rows:
            birth_rows.add(row)
            report(row, "birth_date", _("barnet %(child)s finns redan med födelsedatum %(stored)s, här %(birth)s")
                   % {"child": child_id, "stored": stored[1], "birth": birth})
    batch.stored = (existing, children)
    return set(existing)


# --- the bulk store: a batch of checked rows, step by step ------------------------------------------


def case_events_store(*, by, batch: EventBatch, progress: Progress | None = None,
                      notices: list[str] | None = None) -> ImportResult:
    """Store a checked batch of case-event rows: what is new of units, staff, children, cases and events,
    and the recomputed deadlines of every case that got an event. Return the counts.

    ``batch`` comes from ``core.events.EventRows`` with no problems, checked against the stored cases by
    ``case_events_check`` (run here when it was not). Must run inside a transaction (the import's, whose
    access-log record is written in it too): all or nothing. Notices for the user (units and staff
    created) go to ``notices``; ``progress`` (the import's) gives the stream and whether to be quiet.
    """
    if batch.stored is None:
        found: list[str] = []
        case_events_check(batch, report=lambda row, column, message: found.append(f"rad {row}, {column}: {message}"))
        if found:
            raise ValueError("; ".join(found[:5]))
    notices = notices if notices is not None else []
    stream = getattr(progress, "stream", None)
    quiet = getattr(progress, "quiet", True) if progress is not None else True
    timer = bulk.Timer(stream)
    bulk.large_write_cache()
    timer.mark("checks against stored cases")

    unit_pks, new_units = _units_create(by=by, batch=batch, notices=notices)
    staff_pks, new_staff = _staff_create(by=by, batch=batch, unit_pks=unit_pks, notices=notices)
    timer.mark("units and staff")
    counts = _store_part(by=by, part=batch, unit_pks=unit_pks, staff_pks=staff_pks, timer=timer, stream=stream,
                         quiet=quiet)
    if counts["nya händelser"] >= 10_000 and bulk.analyze((Child, Case, CaseEvent, Deadline, CaseState)):
        timer.mark("statistics updated (ANALYZE)")
    return _result(counts, new_units, new_staff)


def _result(counts: dict[str, int], new_units: int, new_staff: int) -> ImportResult:
    """The import's counts, in the order the summary shows them."""
    ordered = {label: counts[label] for label in ("nya ärenden", "nya barn", "nya händelser",
                                                 "redan inlästa händelser")}
    if new_units:
        ordered["nya enheter"] = new_units
    if new_staff:
        ordered["nya medarbetare"] = new_staff
    ordered["ärenden med nya frister"] = counts["ärenden med nya frister"]
    return ImportResult(counts=ordered)


def _store_part(*, by, part: EventBatch, unit_pks: dict[str, int], staff_pks: dict[str, int], timer: bulk.Timer,
                stream=None, quiet: bool = True) -> dict[str, int]:
    """Store the cases of ``part`` (the whole batch, or some of a staged file's cases with all their events):
    de-duplicate its events against the stored ones, derive the deadlines of every case that got a new event,
    insert children, cases, events and derived rows. Units and staff exist already. Return the counts."""
    existing = part.stored[0]
    grouped, new_events, skipped = _new_events(part)
    changed = {case_id for case_id, _event in new_events}
    timer.mark("event de-duplication")

    derived_by_id = _derive_cases(changed, grouped, staff_pks, stream=stream, quiet=quiet)
    timer.mark("deadlines computed (core.caseflow)")

    new_children = _children_create(part)
    case_pks, new_case_ids = _cases_create(part, unit_pks, derived_by_id)
    timer.mark("children and cases inserted")
    if not quiet:
        notice(f"Sparar {len(new_events):,} nya händelser".replace(",", "\u00a0"), stream)
    _events_insert(by=by, new_events=new_events, case_pks=case_pks, staff_pks=staff_pks)
    timer.mark("events inserted")
    changed_existing = [case_pks[case_id] for case_id in changed if case_id in existing]
    _delete_derived(changed_existing)
    _store_derived({case_pks[case_id]: derived for case_id, derived in derived_by_id.items()},
                   update_handlers=changed_existing)
    timer.mark("deadlines and state inserted")
    return {"nya ärenden": len(new_case_ids), "nya barn": len(new_children), "nya händelser": len(new_events),
            "redan inlästa händelser": skipped, "ärenden med nya frister": len(changed)}


class StagedEvents:
    """The valid events of a file too large to hold, kept in a temporary table until they are stored (issue 16).

    ``add`` is ``core.events.EventRows``' sink; ``parts(size)`` gives them back as lists of (case_id, [Event]),
    each case with all its events in file order, ``size`` cases at a time.
    """

    COLUMNS = (("case_id", "text"), ("row", "integer"), ("kind", "text"), ("on_date", "text"), ("staff_id", "text"),
               ("outcome", "text"), ("until_date", "text"), ("intervention", "text"), ("reason", "text"))

    def __init__(self):
        self.staging = bulk.Staging("case_events", self.COLUMNS)

    @property
    def count(self) -> int:
        return self.staging.count

    def add(self, row: int, case_id: str, event: Event) -> None:
        kind, on, staff_id, outcome, until, intervention, reason = event
        date = bulk.date_text
        self.staging.add((case_id, row, kind, date(on), staff_id, outcome, date(until), intervention, reason))

    def parts(self, size: int):
        dates: dict = {None: None}
        for part in self.staging.parts(size):
            converted = []
            for case_id, rows in part:
                events = []
                for _row, kind, on, staff_id, outcome, until, intervention, reason in rows:
                    on_date = dates.get(on)
                    if on_date is None:
                        on_date = dates[on] = dt.date.fromisoformat(on)
                    until_date = dates.get(until)
                    if until_date is None and until is not None:
                        until_date = dates[until] = dt.date.fromisoformat(until)
                    events.append(Event(kind, on_date, staff_id or "", outcome or "", until_date, intervention or "",
                                        reason or ""))
                converted.append((case_id, events))
            yield converted

    def drop(self) -> None:
        self.staging.drop()


# Cases per part of a staged file: about 60,000 events; below ``bulk.SCAN_FROM``, so that a part's lookups use
# the keys' indexes.
STAGED_PART_CASES = 10_000


def case_events_store_staged(*, by, batch: EventBatch, staged: StagedEvents, progress: Progress | None = None,
                             notices: list[str] | None = None) -> ImportResult:
    """Store a checked batch whose events wait in ``staged`` (a file too large to hold, issue 16): the same steps
    as ``case_events_store``, part by part of ``STAGED_PART_CASES`` cases, each with all its events, so that
    memory holds one part. Must run inside the import's transaction: all or nothing for the whole file.

    ``batch`` holds the cases' columns and the staff (``core.events.EventRows`` with a sink), checked against
    the stored cases by ``case_events_check``. For a large file the tables' secondary indexes and foreign keys
    are set aside once and restored at the end (``bulk.deferred_indexes``); those that lead with the case, which
    each part reads, stay.
    """
    notices = notices if notices is not None else []
    stream = getattr(progress, "stream", None)
    timer = bulk.Timer(stream)
    bulk.large_write_cache()
    existing = batch.stored[0]
    unit_pks, new_units = _units_create(by=by, batch=batch, notices=notices)
    staff_pks, new_staff = _staff_create(by=by, batch=batch, unit_pks=unit_pks, notices=notices)
    timer.mark("units and staff")
    totals: dict[str, int] = defaultdict(int)
    heads = batch.heads
    large = bulk.worth_setting_aside(CaseEvent, staged.count)
    with bulk.deferred_indexes((Case, CaseEvent, Deadline, CaseState), keep_leading="case_id", enabled=large):
        for case_events in staged.parts(STAGED_PART_CASES):
            # The children of the part's new cases as stored now (an earlier part may have added one): read per
            # part, so that memory holds no list of every child.
            child_ids = {heads[case_id]["child_id"][0] for case_id, _events in case_events if case_id not in existing}
            children = {child_id: (pk, birth.isoformat() if birth else "") for child_id, (pk, birth)
                        in bulk.lookup("cases.Child", "child_id", child_ids, ("pk", "birth_date")).items()}
            part = EventBatch(
                heads={case_id: heads[case_id] for case_id, _events in case_events},
                child_births=batch.child_births,
                events=[(case_id, event) for case_id, events in case_events for event in events],
                staff_first=batch.staff_first,
                case_first_row=batch.case_first_row,
                stored=({case_id: existing[case_id] for case_id, _events in case_events if case_id in existing},
                        children),
            )
            for label, count in _store_part(by=by, part=part, unit_pks=unit_pks, staff_pks=staff_pks,
                                             timer=timer).items():
                totals[label] += count
            if progress is not None:
                progress.advance(len(part.events), "sparar")
    timer.mark("indexes and foreign keys restored")
    staged.drop()
    if totals["nya händelser"] >= 10_000 and bulk.analyze((Child, Case, CaseEvent, Deadline, CaseState)):
        timer.mark("statistics updated (ANALYZE)")
    return _result(totals, new_units, new_staff)


def _units_create(*, by, batch: EventBatch, notices: list[str]) -> tuple[dict[str, int], int]:
    """Create the units named by new cases that do not exist yet; return ({code: pk}, how many created)."""
    unit_pks = unit_pks_by_code()
    created_count = 0
    for head in batch.heads.values():
        if "unit" in head and head["unit"][0] not in unit_pks:
            unit, created = unit_get_or_create(code=head["unit"][0], by=by)
            unit_pks[unit.code] = unit.pk
            created_count += created
    if created_count:
        notices.append(f"{created_count} nya enheter skapades; placera dem i rätt avdelning")
    return unit_pks, created_count


def _staff_create(*, by, batch: EventBatch, unit_pks: dict[str, int], notices: list[str]) -> tuple[dict, int]:
    """Create the staff named in the rows that do not exist yet, in the unit of their first case.

    Returns ({staff_id: pk} of every staff member named, how many created).
    """
    staff_pks = bulk.lookup("staff.StaffMember", "staff_id", batch.staff_first)
    missing = [(staff_id, first) for staff_id, first in batch.staff_first.items() if staff_id not in staff_pks]
    if not missing:
        return staff_pks, 0
    existing = batch.stored[0]
    members = []
    for staff_id, (_row, case_id, first_on) in missing:
        head = batch.heads.get(case_id, {})
        unit_code = head["unit"][0] if "unit" in head else existing[case_id][1]["unit"]
        members.append((staff_id, unit_pks[unit_code], first_on))
    staff_placeholders_create(by=by, members=members)
    notices.append(f"{len(missing)} nya medarbetare skapades (bara personal-id; komplettera i personalregistret)")
    return bulk.lookup("staff.StaffMember", "staff_id", batch.staff_first), len(missing)


def _new_events(batch: EventBatch) -> tuple[dict[str, list[Event]], list[tuple[str, Event]], int]:
    """Group the events by case with the stored ones; skip those already stored (identical in every field)
    and the file's duplicates. Return ({case_id: all its events}, [(case_id, new Event)], how many skipped)."""
    touched_existing = {stored[0]: case_id for case_id, stored in batch.stored[0].items()}
    grouped: dict[str, list[Event]] = defaultdict(list)
    seen: set[tuple] = set()
    for case_pk, events in events_by_case(list(touched_existing)).items():
        case_id = touched_existing[case_pk]
        grouped[case_id] = events
        seen.update((case_id, e) for e in events)
    new_events: list[tuple] = []
    skipped = 0
    add_seen = seen.add
    for key in batch.events:
        size = len(seen)
        add_seen(key)  # one hash per event: a duplicate leaves the set's size unchanged
        if len(seen) == size:
            skipped += 1
            continue
        grouped[key[0]].append(key[1])
        new_events.append(key)
    return grouped, new_events, skipped


def _derive_cases(changed: set[str], grouped: dict[str, list[Event]], staff_pks: dict[str, int], *,
                  stream=None, quiet: bool = True) -> dict[str, tuple]:
    """The derived state of every case that got a new event under the municipality's rules, computed before
    the cases are written so that new cases are inserted with their handlers."""
    config = deadline_config()
    progress = Progress(len(changed), "Frister", stream=stream, quiet=quiet)
    derived_by_id: dict[str, tuple] = {}
    step = 0
    for case_id in changed:
        derived_by_id[case_id] = _derive(grouped[case_id], config, staff_pks)
        step += 1
        if step == 5000:
            progress.advance(step, "beräknar frister")
            step = 0
    progress.advance(step, "beräknar frister")
    progress.finish()
    return derived_by_id


def _children_create(batch: EventBatch) -> list[tuple]:
    """Insert the children of new cases not stored yet; note their pks in ``batch.stored``. Return them."""
    existing, children = batch.stored
    new_children = []
    for case_id, head in batch.heads.items():
        if case_id in existing:
            continue
        child_id = head["child_id"][0]
        if child_id not in children:
            birth = batch.child_births.get(child_id, ("", 0))[0] or None
            children[child_id] = (None, birth or "")
            new_children.append((child_id, birth))
    bulk.insert(Child, ("child_id", "birth_date"), new_children)
    if new_children:
        for child_id, pk in bulk.lookup("cases.Child", "child_id", {c[0] for c in new_children}).items():
            children[child_id] = (pk, children[child_id][1])
    return new_children


def _cases_create(batch: EventBatch, unit_pks: dict[str, int], derived_by_id: dict[str, tuple]
                  ) -> tuple[dict[str, int], list[str]]:
    """Insert the new cases with their handlers; return ({case_id: pk} of every case in the batch, new ids)."""
    existing, children = batch.stored
    new_case_ids = [case_id for case_id in batch.heads if case_id not in existing]
    case_rows = []
    for case_id in new_case_ids:
        head = batch.heads[case_id]
        derived = derived_by_id.get(case_id)
        case_rows.append((case_id, children[head["child_id"][0]][0], head["category"][0], unit_pks[head["unit"][0]],
                          derived[2] if derived else None, derived[3] if derived else None))
    bulk.insert(Case, ("case_id", "child", "category", "unit", "main_handler", "co_handler"), case_rows)
    case_pks = {case_id: stored[0] for case_id, stored in existing.items()}
    if new_case_ids:
        case_pks.update(bulk.lookup("cases.Case", "case_id", set(new_case_ids)))
    return case_pks, new_case_ids


def _events_insert(*, by, new_events: list[tuple[str, Event]], case_pks: dict[str, int],
                   staff_pks: dict[str, int]) -> None:
    """Insert the new events, recorded now by ``by``."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_pk = by.pk if getattr(by, "is_authenticated", False) else None
    date = bulk.date_text
    bulk.insert(CaseEvent, ("case", "kind", "on", "staff", "outcome", "until", "intervention", "reason",
                            "recorded_at", "recorded_by"),
                [(case_pks[case_id], kind, date(on), staff_pks.get(staff_id) if staff_id else None, outcome,
                  date(until), intervention, reason, now, by_pk)
                 for case_id, (kind, on, staff_id, outcome, until, intervention, reason) in new_events])


def ignored_notices(ignored: dict[str, int]) -> list[str]:
    """Return Swedish notices for values the rows' events do not use (``EventRows.ignored``) or extensions
    accepted without a reason."""
    lines = []
    for column, count in sorted(ignored.items()):
        if column == "reason":
            lines.append(f"{count} förlängningar saknar särskilt skäl (reason); de lästes in ändå, komplettera "
                         "skälen i ärendena")
        else:
            lines.append(f"kolumnen {column} ignorerades på {count} rader vars händelse inte använder den")
    return lines


@transaction.atomic
def case_events_load(*, by, rows: Iterable[Sequence[str]]) -> ImportResult:
    """Store rows of the case-events file (its columns in order: case_id, child_id, birth_date, category, unit,
    event, date, staff_id, outcome, until, intervention, reason): the import's checks, the same store and
    recomputation, in one transaction. For other areas' demo steps. Raise ValueError with the first
    problems when a row is wrong (nothing is stored then)."""
    errors = ImportErrors()
    checker = EventRows(lambda row, problem: errors.add(row, problem.column, problems.text(problem)))
    checker.add_all(enumerate((list(row) for row in rows), start=2))
    accessed = case_events_check(checker.batch, report=errors.add, birth_rows=checker.birth_rows)
    if errors:
        raise ValueError("; ".join(error.format("rader") for error in list(errors)[:5]))
    result = case_events_store(by=by, batch=checker.batch)
    # The write's audit record, in its transaction (as the file import's).
    record_access(by=by, action="import", what="Ärendehändelser lästa in", objects=sorted(accessed),
                  count=len(checker.batch.events), object_type="case_events")
    return result


# --- single events from the web form ----------------------------------------------------------------


def case_record_event(*, by, case: Case, kind: str, on: dt.date, staff_id: str = "", outcome: str = "",
                      until: dt.date | None = None, intervention: str = "", reason: str = "",
                      request=None) -> CaseEvent:
    """Record one event on ``case`` and recompute its deadlines; raise ValidationError (Swedish) when invalid.

    The same field rules as the import apply (``core.events.check_event_fields``, worded by
    ``cases.problems``). A staff id that does not exist yet is refused here (the web form picks from
    existing staff).
    """
    found = problems.check_event_fields(
        kind, on.isoformat() if on else "", staff_id.strip(), outcome, until.isoformat() if until else "",
        intervention, reason.strip(),
    )[1]
    if found:
        raise ValidationError({column: message for column, message in found})
    staff = None
    if staff_id:
        staff = member_by_staff_id(staff_id.strip())
        if staff is None:
            raise ValidationError({"staff_id": f"det finns ingen medarbetare med personal-id {staff_id}"})
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case, kind=kind, on=on, staff=staff, outcome=outcome, until=until, intervention=intervention,
            reason=reason.strip(), recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        recompute_cases([case.pk])
    return event



def digest_preference_set(*, by, receive_digest: bool) -> None:
    """Switch ``by``'s own daily deadline digest on or off (``User.digest_enabled``)."""
    by.digest_enabled = receive_digest
    by.save(update_fields=["digest_enabled"])


@transaction.atomic
def deadline_settings_update(*, by, values: dict):
    """Save the municipality's deadline choices and queue the recomputation of every case's deadlines.

    Returns the background job that recomputes (its page shows the progress).
    """
    DeadlineConfig(**{name: values[name] for name in DEADLINE_SETTING_FIELDS})  # the core's own checks
    row = DeadlineSettings.objects.order_by("pk").first() or DeadlineSettings()
    for name in DEADLINE_SETTING_FIELDS:
        setattr(row, name, values[name])
    row.changed_by = by
    row.save()
    return job_start(by=by, kind="recompute", label="Frister räknas om efter ändrade fristregler",
                     runner="stabil.cases.jobs.recompute_all")


def recompute_all_cases(*, advance=None, chunk_size: int = 5000) -> int:
    """Recompute every case's deadlines in chunks; ``advance(n)`` is told after each chunk. Return the count."""
    pks = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), chunk_size):
        chunk = pks[start:start + chunk_size]
        recompute_cases(chunk)
        if advance is not None:
            advance(len(chunk))
    return len(pks)


# --- a new report registered in the web form (issue 13) ---------------------------------------------


class _FieldErrors:
    """The error list the row checks write to, collected per form field (column) for the web form."""

    def __init__(self):
        self.by_column: dict[str, list[str]] = defaultdict(list)

    def add(self, row, column, message) -> None:
        self.by_column[column or "__all__"].append(str(message))

    def __len__(self) -> int:
        return sum(len(messages) for messages in self.by_column.values())

    def __bool__(self) -> bool:
        return bool(self.by_column)


# The case-events file's column -> the report form's field, where they differ.
_REPORT_FIELDS = {"date": "received_on", "event": "__all__"}


def next_case_id(unit_code: str, year: int) -> str:
    """Return the next free generated case id of a unit: ``<UNIT>-<YYYY>-<sequence>`` (e.g. ``BU-2026-0007``)."""
    prefix = f"{unit_code}-{year}-"
    taken = set(Case.objects.filter(case_id__startswith=prefix).values_list("case_id", flat=True))
    sequence = len(taken) + 1
    while f"{prefix}{sequence:04d}" in taken:
        sequence += 1
    return f"{prefix}{sequence:04d}"


def case_register_report(*, by, child_id: str, birth_date: dt.date, category: str, unit_code: str,
                         received_on: dt.date, reporter_kind: str, feedback_requested: bool = False,
                         case_id: str = "", handler_staff_id: str = "", request=None) -> Case:
    """Register a report about a child as a new case; return the case. Raise ValidationError (Swedish) when invalid.

    The rows go through the import's own checks and store (``core.events.EventRows``, ``case_events_check``
    and ``case_events_store``: the same id, personnummer, category, date and stored-child checks, the same
    store and deadline recomputation), as a
    ``report_received`` event and, when the reporter asked for it, a ``feedback_requested`` event on the
    same day. The scope is the import's (``accounts.policy.import_scope`` for ``cases.record``): the unit
    must be one of the user's, and a child id already used only in other units (or stored without
    cases) is refused with a message that says nothing about the stored child. An empty ``case_id`` is
    generated (``next_case_id``); a case id that exists is refused without saying where it is. With
    ``handler_staff_id`` (a staff member of the user's units, e.g. the registering caseworker herself) a
    ``handler_assigned`` event on the same day makes them the case's handler.
    """
    check_capability(by, "cases.record")
    scope = import_scope(by, "cases.record")
    child_id = (child_id or "").strip()
    case_id = (case_id or "").strip()
    unit = units().filter(code=unit_code).first()
    if unit is None or not scope.covers_unit(unit.pk):
        raise ValidationError({"unit": _("enheten %(unit)s ligger utanför dina enheter") % {"unit": unit_code}})
    if reporter_kind not in ReporterKind.values:
        raise ValidationError({"reporter_kind": _("okänd anmälare '%(kind)s'") % {"kind": reporter_kind}})
    if handler_staff_id:
        # Only an existing staff member of the user's units (the loader would create an unknown id).
        handler = member_by_staff_id(handler_staff_id)
        if handler is None or not scope.covers_unit(handler.unit_id):
            raise ValidationError({"__all__": _("handläggaren %(staff)s finns inte i dina enheter") % {
                "staff": handler_staff_id}})
    try:
        return _register(by, scope, case_id, child_id, birth_date, category, unit, received_on, reporter_kind,
                         feedback_requested, handler_staff_id, request)
    except IntegrityError:
        # Another registration took the same case id in between (generated ids of one unit): nothing stored.
        raise ValidationError({"case_id": _("ärende-id %(case)s togs nyss av en annan registrering; försök igen")
                               % {"case": case_id or unit.code}}) from None


def _register(by, scope, case_id, child_id, birth_date, category, unit, received_on, reporter_kind,
              feedback_requested, handler_staff_id, request) -> Case:
    """The writing part of ``case_register_report`` (one transaction)."""
    with transaction.atomic():
        if not case_id:
            case_id = next_case_id(unit.code, received_on.year)
        elif Case.objects.filter(case_id=case_id).exists():
            raise ValidationError({"case_id": _("ärende-id %(case)s kan inte användas; välj ett annat eller låt "
                                                "Stabil skapa det") % {"case": case_id}})
        if child_id:
            child_units = set(Case.objects.filter(child__child_id=child_id).values_list("unit_id", flat=True))
            stored_child = child_units or Child.objects.filter(child_id=child_id).exists()
            if stored_child and not scope.covers_any(child_units):
                # The import's rule (importers.check_case_scope), without naming anything stored.
                raise ValidationError({"child_id": _("barn-id %(child)s kan inte användas här; kontrollera id:t")
                                       % {"child": child_id}})
        errors = _FieldErrors()
        checker = EventRows(lambda row, problem: errors.add(row, problem.column, problems.text(problem)))
        head = [case_id, child_id, birth_date.isoformat() if birth_date else "", category, unit.code]
        events = ["report_received"] + (["feedback_requested"] if feedback_requested else [])
        if handler_staff_id:
            events.append("handler_assigned")
        for row, kind in enumerate(events, start=1):
            staff = handler_staff_id if kind == "handler_assigned" else ""
            checker.add(row, head + [kind, received_on.isoformat(), staff, "", "", "", ""])
        case_events_check(checker.batch, report=errors.add, birth_rows=checker.birth_rows)
        if errors:
            # The checks name the file's columns; the form's fields are the same but for the event date.
            raise ValidationError({_REPORT_FIELDS.get(column, column): messages
                                   for column, messages in errors.by_column.items()})
        case_events_store(by=by, batch=checker.batch)
        Case.objects.filter(case_id=case_id).update(reporter_kind=reporter_kind)
        case = Case.objects.select_related("unit", "child").get(case_id=case_id)
        LogEntry.objects.log_create(case, action=LogEntry.Action.CREATE, force_log=True, actor=by,
                                    changes={"case_id": [None, case.case_id], "unit": [None, unit.code],
                                             "category": [None, category], "reporter_kind": [None, reporter_kind],
                                             "events": [None, ", ".join(events)]})
        record_access(by=by, action="import", what=f"Ny anmälan registrerad, ärende {case.case_id}", objects=[case],
                      request=request)
    return case


# --- retention (issue 15) ---------------------------------------------------------------------------------------


@transaction.atomic
def children_remove(*, by, child_ids: Sequence[str]) -> dict[str, int]:
    """Remove these children with all their cases, events, deadlines and states (retention, gallring).

    Only for an approved destruction list (``stabil.records.services.retention_run`` checks the list and that
    each child is still due). No change-log entry keeps anything of them (``audit.changelog``). Returns the
    number of children, cases and events removed.
    """
    check_capability(by, "records.retention_run")
    ids = sorted(set(child_ids))
    removed = {"children": 0, "cases": 0, "events": 0}
    for start in range(0, len(ids), 900):  # SQLite's limit on query parameters
        chunk = ids[start:start + 900]
        removed["events"] += CaseEvent.objects.filter(case__child__child_id__in=chunk).count()
        per_model = delete_without_history(Case.objects.filter(child__child_id__in=chunk))
        removed["cases"] += per_model.get(Case._meta.label, 0)
        removed["children"] += delete_without_history(Child.objects.filter(child_id__in=chunk)).get(
            Child._meta.label, 0)
    return removed
