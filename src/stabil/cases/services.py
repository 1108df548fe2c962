"""Writes to cases: storing events (one at a time or in bulk) and keeping deadlines in step.

A case's deadlines and derived state (``Deadline``, ``CaseState``, the handlers on ``Case``) are
recomputed from all its events with ``stabil.core.caseflow`` whenever its events change; they are
never edited by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from stabil.common.progress import Progress, notice
from stabil.core.caseflow import Event, case_state
from stabil.core.deadlines import MET, MISSED, DeadlineConfig
from stabil.imports.framework import ImportResult

from .models import Case, CaseEvent, CaseState, Child, Deadline

# All events known: deadlines are materialised as seen after the last event.
_ALL_KNOWN = dt.date.max
_CHUNK = 900  # below SQLite's bound-parameter limit for IN (...)


def deadline_config() -> DeadlineConfig:
    """Return the municipality's deadline configuration (settings.STABIL_DEADLINES, else defaults).

    Example: ``STABIL_DEADLINES = {"move_to_working_day": False, "first_contact_working_days": 5}``.
    """
    return DeadlineConfig(**getattr(settings, "STABIL_DEADLINES", {}))


def _chunks(items: Sequence, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _insert(model, fields: Sequence[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (values in ``fields`` order) fast: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table = _quote(model._meta.db_table)
    columns = ", ".join(_quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _date(value):
    """Return a date as the database adapter wants it (ISO text works for SQLite and COPY)."""
    return None if value is None else value.isoformat()


# --- recomputing derived state ----------------------------------------------------------------------


def _state_rows(case_pk: int, events: list[Event], config: DeadlineConfig, staff_pks: dict[str, int]):
    """Return (deadline rows, state row, main handler pk, co-handler pk) for one case."""
    state = case_state(events, _ALL_KNOWN, config)
    rows = []
    for d in state.deadlines:
        settled = d.status if d.status in (MET, MISSED) else ""
        rows.append((case_pk, d.kind, _date(d.started_on), _date(d.due_on), _date(d.met_on), settled,
                     d.why[:1000], d.source[:200]))
    last = max((e.on for e in events), default=None)
    state_row = (case_pk, state.phase, _date(state.reported_on), _date(last))
    return rows, state_row, staff_pks.get(state.main_handler or ""), staff_pks.get(state.co_handler or "")


_DEADLINE_FIELDS = ("case", "kind", "started_on", "due_on", "met_on", "settled", "why", "source")
_STATE_FIELDS = ("case", "phase", "reported_on", "last_event_on")


def _replace_derived(case_events: dict[int, list[Event]], staff_pks: dict[str, int], *,
                     progress: Progress | None = None, update_handlers: Iterable[int] = ()) -> None:
    """Recompute and store deadlines, state and handlers for the cases in ``case_events``."""
    config = deadline_config()
    pks = list(case_events)
    for chunk in _chunks(pks):
        Deadline.objects.filter(case_id__in=chunk).delete()
        CaseState.objects.filter(case_id__in=chunk).delete()
    deadline_rows: list[tuple] = []
    state_rows: list[tuple] = []
    handler_rows: list[tuple] = []
    wanted = set(update_handlers)
    count = 0
    for case_pk, events in case_events.items():
        rows, state_row, main_pk, co_pk = _state_rows(case_pk, events, config, staff_pks)
        deadline_rows.extend(rows)
        state_rows.append(state_row)
        if case_pk in wanted:
            handler_rows.append((main_pk, co_pk, case_pk))
        count += 1
        if progress is not None and count == 5000:
            progress.advance(count, "beräknar frister")
            count = 0
    if progress is not None and count:
        progress.advance(count, "beräknar frister")
    _insert(Deadline, _DEADLINE_FIELDS, deadline_rows)
    _insert(CaseState, _STATE_FIELDS, state_rows)
    if handler_rows:
        table = _quote(Case._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {_quote('main_handler_id')} = %s, {_quote('co_handler_id')} = %s "
                f"WHERE {_quote('id')} = %s",
                handler_rows,
            )


def _events_from_db(case_pks: Sequence[int]) -> dict[int, list[Event]]:
    grouped: dict[int, list[Event]] = defaultdict(list)
    for chunk in _chunks(list(case_pks)):
        for case_pk, kind, on, staff_id, outcome, until, intervention, reason in CaseEvent.objects.filter(
            case_id__in=chunk
        ).values_list("case_id", "kind", "on", "staff__staff_id", "outcome", "until", "intervention", "reason"):
            grouped[case_pk].append(Event(kind, on, staff_id or "", outcome, until, intervention, reason))
    return grouped


def recompute_cases(case_pks: Iterable[int]) -> None:
    """Recompute the deadlines, state and handlers of the given cases from their stored events."""
    pks = list(case_pks)
    grouped = _events_from_db(pks)
    for pk in pks:
        grouped.setdefault(pk, [])
    staff_pks = _staff_pks({e.staff_id for events in grouped.values() for e in events if e.staff_id})
    _replace_derived(grouped, staff_pks, update_handlers=pks)


def _staff_pks(staff_ids: Iterable[str]) -> dict[str, int]:
    from stabil.staff.models import StaffMember

    found: dict[str, int] = {}
    ids = list(staff_ids)
    for chunk in _chunks(ids):
        found.update(StaffMember.objects.filter(staff_id__in=chunk).values_list("staff_id", "pk"))
    return found


# --- the bulk store behind the case-events import ---------------------------------------------------


_HEAD_LABELS = {"child_id": "barn-id", "birth_date": "födelsedatum", "category": "kategori", "unit": "enhet"}


def case_events_store(loader) -> ImportResult:
    """Check a validated ``CaseEventLoader`` against the database and store what is new.

    Writes nothing and returns an empty result when a conflict is found (listed in
    ``loader.errors``). Must run inside a transaction (the import framework's).
    """
    from stabil.organisation.models import Unit
    from stabil.organisation.services import unit_get_or_create
    from stabil.staff.models import StaffMember

    errors = loader.errors
    heads = loader.case_heads
    stream = getattr(loader.progress, "stream", None)
    quiet = getattr(loader.progress, "quiet", True) if loader.progress is not None else True

    def say(message: str) -> None:
        if not quiet:
            notice(message, stream)

    first_row: dict[str, int] = {}
    for event in loader.events:
        row, case_id = event[0], event[1]
        if case_id not in first_row or row < first_row[case_id]:
            first_row[case_id] = row

    # 1. Cases and children already stored: the file must agree with them.
    existing: dict[str, tuple] = {}
    case_ids = list(heads)
    for chunk in _chunks(case_ids):
        for case_id, pk, child_id, birth, category, unit_code in Case.objects.filter(case_id__in=chunk).values_list(
            "case_id", "pk", "child__child_id", "child__birth_date", "category", "unit__code"
        ):
            existing[case_id] = (pk, {"child_id": child_id, "birth_date": birth.isoformat() if birth else "",
                                      "category": category, "unit": unit_code})
    for case_id, head in heads.items():
        stored = existing.get(case_id)
        if stored is not None:
            for column, (value, row) in head.items():
                if stored[1][column] and stored[1][column] != value:
                    errors.add(row, column, f"ärendet {case_id} finns redan med {_HEAD_LABELS[column]} "
                                            f"'{stored[1][column]}', här '{value}'")
        else:
            for column in ("child_id", "category", "unit"):
                if column not in head:
                    errors.add(first_row[case_id], column,
                               f"ärendet {case_id} är nytt men {_HEAD_LABELS[column]} saknas på alla dess rader")
    child_ids = sorted({head["child_id"][0] for head in heads.values() if "child_id" in head})
    children: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(child_ids):
        for child_id, pk, birth in Child.objects.filter(child_id__in=chunk).values_list("child_id", "pk", "birth_date"):
            children[child_id] = (pk, birth.isoformat() if birth else "")
    for child_id, (birth, row) in loader.child_births.items():
        stored = children.get(child_id)
        if stored is not None and stored[1] and stored[1] != birth:
            errors.add(row, "birth_date", f"barnet {child_id} finns redan med födelsedatum {stored[1]}, här {birth}")
    if errors:
        return ImportResult()

    counts: dict[str, int] = {}
    # 2. Units named by new cases that do not exist yet are created.
    unit_pks = dict(Unit.objects.values_list("code", "pk"))
    new_units = 0
    for head in heads.values():
        if "unit" in head and head["unit"][0] not in unit_pks:
            unit, created = unit_get_or_create(code=head["unit"][0], by=loader.by)
            unit_pks[unit.code] = unit.pk
            new_units += created
    if new_units:
        loader.notices.append(f"{new_units} nya enheter skapades; placera dem i rätt avdelning")

    # 3. Staff named in the file that do not exist yet are created in the unit of their first case.
    staff_pks = _staff_pks(loader.staff_first)
    missing_staff = [(sid, first) for sid, first in loader.staff_first.items() if sid not in staff_pks]
    if missing_staff:
        rows = []
        for staff_id, (_row, case_id, first_on) in missing_staff:
            head = heads.get(case_id, {})
            unit_code = head["unit"][0] if "unit" in head else existing[case_id][1]["unit"]
            rows.append(StaffMember(staff_id=staff_id, unit_id=unit_pks[unit_code], started_on=first_on))
        StaffMember.objects.bulk_create(rows, batch_size=500)
        staff_pks = _staff_pks(loader.staff_first)
        loader.notices.append(f"{len(missing_staff)} nya medarbetare skapades (bara personal-id; komplettera i personalregistret)")

    # 4. Children and cases that are new.
    new_children = []
    for case_id, head in heads.items():
        if case_id in existing:
            continue
        child_id = head["child_id"][0]
        if child_id not in children:
            birth = loader.child_births.get(child_id, ("", 0))[0] or None
            children[child_id] = (0, birth or "")
            new_children.append((child_id, birth))
    _insert(Child, ("child_id", "birth_date"), new_children)
    if new_children:
        for chunk in _chunks([c[0] for c in new_children]):
            for child_id, pk in Child.objects.filter(child_id__in=chunk).values_list("child_id", "pk"):
                children[child_id] = (pk, children[child_id][1])
    new_case_ids = [case_id for case_id in heads if case_id not in existing]
    _insert(Case, ("case_id", "child", "category", "unit"),
            [(case_id, children[heads[case_id]["child_id"][0]][0], heads[case_id]["category"][0],
              unit_pks[heads[case_id]["unit"][0]]) for case_id in new_case_ids])
    case_pks = {case_id: stored[0] for case_id, stored in existing.items()}
    for chunk in _chunks(new_case_ids):
        case_pks.update(Case.objects.filter(case_id__in=chunk).values_list("case_id", "pk"))
    counts["nya ärenden"] = len(new_case_ids)
    counts["nya barn"] = len(new_children)

    # 5. Events: skip those already stored (identical in every field) and duplicates in the file.
    touched_existing = [stored[0] for stored in existing.values()]
    grouped = _events_from_db(touched_existing)
    seen: set[tuple] = set()
    for case_pk, events in grouped.items():
        for e in events:
            seen.add((case_pk, e.kind, e.on, e.staff_id, e.outcome, e.until, e.intervention, e.reason))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_pk = getattr(loader.by, "pk", None) if getattr(loader.by, "is_authenticated", False) else None
    new_rows = []
    skipped = 0
    for _row, case_id, kind, on, staff_id, outcome, until, intervention, reason in loader.events:
        case_pk = case_pks[case_id]
        key = (case_pk, kind, on, staff_id, outcome, until, intervention, reason)
        if key in seen:
            skipped += 1
            continue
        seen.add(key)
        grouped[case_pk].append(Event(kind, on, staff_id, outcome, until, intervention, reason))
        new_rows.append((case_pk, kind, _date(on), staff_pks.get(staff_id) if staff_id else None, outcome,
                         _date(until), intervention, reason, now, by_pk))
    say(f"Sparar {len(new_rows):,} nya händelser".replace(",", "\u00a0"))
    _insert(CaseEvent, ("case", "kind", "on", "staff", "outcome", "until", "intervention", "reason",
                        "recorded_at", "recorded_by"), new_rows)
    counts["nya händelser"] = len(new_rows)
    counts["redan inlästa händelser"] = skipped
    if new_units:
        counts["nya enheter"] = new_units
    if missing_staff:
        counts["nya medarbetare"] = len(missing_staff)

    # 6. Deadlines and state of every case that got a new event.
    changed_pks = {r[0] for r in new_rows}
    changed = {pk: events for pk, events in grouped.items() if pk in changed_pks}
    if changed:
        progress = Progress(len(changed), "Frister", stream=stream, quiet=quiet)
        _replace_derived(changed, staff_pks, progress=progress, update_handlers=changed)
        progress.finish()
    counts["ärenden med nya frister"] = len(changed)
    return ImportResult(counts=counts)


# --- single events from the web form ----------------------------------------------------------------


def case_record_event(*, by, case: Case, kind: str, on: dt.date, staff_id: str = "", outcome: str = "",
                      until: dt.date | None = None, intervention: str = "", reason: str = "",
                      request=None) -> CaseEvent:
    """Record one event on ``case`` and recompute its deadlines; raise ValidationError (Swedish) when invalid.

    The same field rules as the import apply (``importers.check_event_fields``). A staff id that
    does not exist yet is refused here (the web form picks from existing staff).
    """
    from stabil.staff.models import StaffMember

    from .importers import check_event_fields

    parsed, problems = check_event_fields(
        kind, on.isoformat() if on else "", staff_id.strip(), outcome, until.isoformat() if until else "",
        intervention, reason.strip(),
    )
    if problems:
        raise ValidationError({column: message for column, message in problems})
    staff = None
    if staff_id:
        staff = StaffMember.objects.filter(staff_id=staff_id.strip()).first()
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
