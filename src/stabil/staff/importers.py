"""The staff file, the absence file and the overtime file (``stabil import FILE``).

Contracts (docs/cli-staff.md):

- staff: ``staff_id,unit,role,employment,fte,degree,experience_years,started_on,ended_on,exit_reason,monthly_cost_sek``
  (optional ``name``, ``team``); each row is checked by ``rules.check_staff_record``, as the HR pages are
- absence: ``staff_id,kind,first_day,last_day,extent`` (extent empty = 1)
- overtime: ``staff_id,worked_on,kind,hours`` (kind ``fill_in`` or ``overtime``)
- staffing budget: ``unit,valid_from,budgeted_fte``; knowledge areas: ``area_code,area_name,target_level``

Every row is validated first and every problem collected (row as a spreadsheet shows it, column,
Swedish message); the framework rolls the whole file back on any error. Idempotent: a staff row
updates the person with that ``staff_id`` (a change of unit, team, role, employment, FTE or cost is dated,
see ``services.staff_apply_situation``); an absence row with the same person, kind and first day
replaces the stored one; an overtime row with the same person, day and kind replaces its hours.

Scope (``ctx.scope``, from ``accounts.policy.import_scope``): a row may name only people and units of the
uploader's units. A row about anyone or any unit else is rejected with a message that says so and quotes
nothing stored; where the person or unit must already exist (absence, overtime, budget), "outside your
units" and "does not exist" are one message. Only the whole municipality (central HR, the operator) may
create units or import knowledge areas, which belong to every unit. The ids of the stored people a file
read go to the access log (``ctx.accessed``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import pairwise

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from stabil.imports.framework import FileKind, ImportContext, ImportResult, Table, register
from stabil.organisation import selectors as organisation
from stabil.organisation.services import unit_get_or_create

from .models import (
    Absence,
    AbsenceKind,
    CompetenceLevel,
    KnowledgeArea,
    Overtime,
    OvertimeKind,
    StaffMember,
    UnitStaffing,
)
from .rules import RowChecker, check_staff_record
from .selectors import stored_people
from .services import staff_apply_situation

STAFF_COLUMNS = ("staff_id", "unit", "role", "employment", "fte", "degree", "experience_years", "started_on",
                 "ended_on", "exit_reason", "monthly_cost_sek")
STAFF_OPTIONAL = ("name", "team")
ABSENCE_COLUMNS = ("staff_id", "kind", "first_day", "last_day", "extent")
OVERTIME_COLUMNS = ("staff_id", "worked_on", "kind", "hours")
STAFFING_COLUMNS = ("unit", "valid_from", "budgeted_fte")
AREA_COLUMNS = ("area_code", "area_name", "target_level")


def _refresh_statistics(*tables: str) -> None:
    """Let PostgreSQL's planner see a bulk load at once (autovacuum may come minutes later, and until then
    a year's report can pick a plan 10x slower). A no-op on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _report(ctx: ImportContext, row: int, problems: list[tuple[str, str]]) -> None:
    for column, message in problems:
        ctx.errors.add(row, column, message)


def _members_in_scope(ctx: ImportContext, *fields: str) -> dict:
    """Return {staff_id: values_list(*fields)} of the stored people the file may name."""
    return {staff_id: rest for staff_id, unit_id, *rest in
            StaffMember.objects.values_list("staff_id", "unit_id", *fields) if ctx.scope.covers_unit(unit_id)}


def _unknown_person(ctx: ImportContext, staff_id: str) -> str:
    """The one message for a person the file may not name, whether or not they exist elsewhere."""
    if ctx.scope.everything:
        return _("medarbetaren '%(staff)s' finns inte; importera personalfilen först") % {"staff": staff_id}
    return _("medarbetaren '%(staff)s' ligger utanför dina enheter eller finns inte") % {"staff": staff_id}


# --- staff file ------------------------------------------------------------------------------


def import_staff(table: Table, ctx: ImportContext) -> ImportResult:
    """Validate and store a staff file (all rows, or nothing when any row is wrong).

    Each row goes through ``rules.check_staff_record``, the rules the HR pages use too.
    """
    units = organisation.units_by_code()
    teams = organisation.teams_by_code()
    existing = {member.staff_id: member for member in StaffMember.objects.select_related("unit", "team")}
    scope = ctx.scope
    stored = stored_people([member for member in existing.values() if scope.covers_unit(member.unit_id)])
    today = timezone.localdate()
    seen: dict[str, int] = {}
    parsed: list[dict] = []
    for row, values in table.records():
        check = RowChecker(values)
        staff_id = check.ident("staff_id")
        if staff_id in seen:
            check.problems.append(("staff_id", _("'%(id)s' förekommer redan på rad %(row)d") % {
                "id": staff_id, "row": seen[staff_id]}))
        elif staff_id:
            seen[staff_id] = row
        if staff_id in existing:
            if not scope.covers_unit(existing[staff_id].unit_id):
                check.problems.append(("staff_id", _("medarbetaren '%(staff)s' ligger utanför dina enheter") % {
                    "staff": staff_id}))
                _report(ctx, row, check.problems)
                ctx.progress.advance()
                continue
            ctx.accessed.add(staff_id)
        member = existing.get(staff_id)
        record = check_staff_record(check, staff_id=staff_id, scope=scope, units=units, teams=teams,
                                    stored=stored.get(member.pk) if member else None, today=today)
        _report(ctx, row, check.problems)
        if not check.problems:
            parsed.append(record)
        ctx.progress.advance()
    if ctx.errors:
        return ImportResult()

    # Units not set up yet are created (in the department for unplaced units), so that nothing is lost;
    # an administrator moves them to their department later.
    for record in parsed:
        if record["unit"] not in units:
            units[record["unit"]], _created = unit_get_or_create(code=record["unit"], by=ctx.by)
            ctx.notices.append(f"{table.filename}: enheten {record['unit']} fanns inte och har skapats "
                               "under Oplacerade enheter")
        record["unit"] = units[record["unit"]]
    created = updated = changed = 0
    new_members = []
    for record in parsed:
        member = existing.get(record["staff_id"])
        if member is None:
            new_members.append(StaffMember(**{key: value for key, value in record.items() if key != "team_given"}))
            continue
        outcome = staff_apply_situation(by=ctx.by, member=member, record=record, today=today)
        updated += outcome != "unchanged"
        changed += outcome == "dated_change"
    StaffMember.objects.bulk_create(new_members, batch_size=1000)
    _refresh_statistics(StaffMember._meta.db_table)
    created = len(new_members)
    return ImportResult(counts={"nya medarbetare": created, "uppdaterade": updated, "daterade förändringar": changed,
                                "oförändrade": len(parsed) - created - updated})


# --- absence file ----------------------------------------------------------------------------


def import_absences(table: Table, ctx: ImportContext) -> ImportResult:
    """Validate and store an absence file: one row is one occasion."""
    # Only the people in scope are looked at, so no message can quote another unit's employment dates.
    members = _members_in_scope(ctx, "pk", "started_on", "ended_on")
    seen: dict[tuple, int] = {}
    by_person: dict[tuple[int, str], list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    parsed: list[tuple[int, str, dt.date, dt.date, Decimal]] = []
    for row, values in table.records():
        check = RowChecker(values)
        staff_id = check.ident("staff_id")
        member = members.get(staff_id)
        if staff_id and member is None:
            check.problems.append(("staff_id", _unknown_person(ctx, staff_id)))
        elif member is not None:
            ctx.accessed.add(staff_id)
        kind = check.choice("kind", AbsenceKind.values)
        first_day = check.date("first_day")
        last_day = check.date("last_day")
        extent = check.number("extent", low=Decimal(0), high=Decimal(1), low_inclusive=False, default=Decimal(1))
        if extent is not None and extent.as_tuple().exponent < -2:
            check.problems.append(("extent", _("högst två decimaler")))
        if first_day and last_day and last_day < first_day:
            check.problems.append(("last_day", _("sista dag %(last)s ligger före första dag %(first)s") % {
                "last": last_day, "first": first_day}))
        elif member and first_day and last_day:
            _pk, started_on, ended_on = member
            if first_day < started_on or (ended_on is not None and last_day > ended_on):
                check.problems.append(("first_day" if first_day < started_on else "last_day",
                                       _("frånvaron %(first)s–%(last)s ligger utanför anställningen "
                                         "(%(start)s–%(end)s)") % {"first": first_day, "last": last_day,
                                                                   "start": started_on, "end": ended_on or ""}))
        if member and kind and first_day:
            key = (member[0], kind, first_day)
            if key in seen:
                check.problems.append(("first_day", _("samma medarbetare, slag och första dag som rad %(row)d") % {
                    "row": seen[key]}))
            else:
                seen[key] = row
        _report(ctx, row, check.problems)
        if not check.problems:
            parsed.append((member[0], kind, first_day, last_day, extent))
            by_person[(member[0], kind)].append((first_day, last_day, row))
        ctx.progress.advance()
    # Two occasions of one kind cannot overlap for one person: they would be counted twice.
    for spans in by_person.values():
        spans.sort()
        for (_f1, last1, row1), (first2, _l2, row2) in pairwise(spans):
            if first2 <= last1:
                ctx.errors.add(row2, "first_day", _("frånvaron överlappar frånvaron på rad %(row)d") % {"row": row1})
    if ctx.errors:
        return ImportResult()

    stored = {(staff, kind, first): (pk, last, extent) for pk, staff, kind, first, last, extent in
              Absence.objects.filter(staff_id__in={p[0] for p in parsed}).values_list(
                  "pk", "staff_id", "kind", "first_day", "last_day", "extent")}
    new, changed = [], []
    for staff_pk, kind, first_day, last_day, extent in parsed:
        previous = stored.get((staff_pk, kind, first_day))
        if previous is None:
            new.append(Absence(staff_id=staff_pk, kind=kind, first_day=first_day, last_day=last_day, extent=extent))
        elif (previous[1], previous[2]) != (last_day, extent):
            changed.append(Absence(pk=previous[0], last_day=last_day, extent=extent))
    Absence.objects.bulk_create(new, batch_size=5000)
    Absence.objects.bulk_update(changed, ["last_day", "extent"], batch_size=2000)
    _refresh_statistics(Absence._meta.db_table)
    return ImportResult(counts={"nya frånvarotillfällen": len(new), "ändrade": len(changed),
                                "oförändrade": len(parsed) - len(new) - len(changed)})


# --- overtime file ---------------------------------------------------------------------------


def import_overtime(table: Table, ctx: ImportContext) -> ImportResult:
    """Validate and store fill-in time and overtime hours per person and day."""
    members = {staff_id: pk for staff_id, (pk,) in _members_in_scope(ctx, "pk").items()}
    seen: dict[tuple, int] = {}
    parsed = []
    for row, values in table.records():
        check = RowChecker(values)
        staff_id = check.ident("staff_id")
        if staff_id and staff_id not in members:
            check.problems.append(("staff_id", _unknown_person(ctx, staff_id)))
        elif staff_id:
            ctx.accessed.add(staff_id)
        worked_on = check.date("worked_on")
        kind = check.choice("kind", OvertimeKind.values)
        hours = check.number("hours", low=Decimal(0), high=Decimal(24), low_inclusive=False)
        key = (staff_id, worked_on, kind)
        if all(key) and key in seen:
            check.problems.append(("worked_on", f"samma medarbetare, dag och slag som rad {seen[key]}"))
        elif all(key):
            seen[key] = row
        _report(ctx, row, check.problems)
        if not check.problems:
            parsed.append((members[staff_id], worked_on, kind, hours))
        ctx.progress.advance()
    if ctx.errors:
        return ImportResult()
    stored = {(s, d, k): (pk, h) for pk, s, d, k, h in Overtime.objects.filter(
        staff_id__in={p[0] for p in parsed}).values_list("pk", "staff_id", "worked_on", "kind", "hours")}
    new, changed = [], []
    for staff_pk, worked_on, kind, hours in parsed:
        previous = stored.get((staff_pk, worked_on, kind))
        if previous is None:
            new.append(Overtime(staff_id=staff_pk, worked_on=worked_on, kind=kind, hours=hours))
        elif previous[1] != hours:
            changed.append(Overtime(pk=previous[0], hours=hours))
    Overtime.objects.bulk_create(new, batch_size=5000)
    Overtime.objects.bulk_update(changed, ["hours"], batch_size=2000)
    _refresh_statistics(Overtime._meta.db_table)
    return ImportResult(counts={"nya rader": len(new), "ändrade": len(changed),
                                "oförändrade": len(parsed) - len(new) - len(changed)})


# --- staffing budget and knowledge areas ----------------------------------------------------


def import_staffing(table: Table, ctx: ImportContext) -> ImportResult:
    """Validate and store units' budgeted positions (FTE) from a date; vacancies = budget - filled."""
    units = {unit.code: unit for unit in organisation.units() if ctx.scope.covers_unit(unit.pk)}
    missing = (_("enheten '%(unit)s' finns inte") if ctx.scope.everything
               else _("enheten '%(unit)s' ligger utanför dina enheter eller finns inte"))
    seen: dict[tuple, int] = {}
    parsed = []
    for row, values in table.records():
        check = RowChecker(values)
        code = check.ident("unit", max_length=32)
        if code and code not in units:
            check.problems.append(("unit", missing % {"unit": code}))
        valid_from = check.date("valid_from")
        budget = check.number("budgeted_fte", low=Decimal(0), high=Decimal(10000))
        if code and valid_from:
            if (code, valid_from) in seen:
                check.problems.append(("valid_from", f"samma enhet och datum som rad {seen[(code, valid_from)]}"))
            seen[(code, valid_from)] = row
        _report(ctx, row, check.problems)
        if not check.problems:
            parsed.append((units[code], valid_from, budget))
        ctx.progress.advance()
    if ctx.errors:
        return ImportResult()
    created = changed = 0
    for unit, valid_from, budget in parsed:
        staffing, was_created = UnitStaffing.objects.get_or_create(unit=unit, valid_from=valid_from,
                                                                   defaults={"budgeted_fte": budget})
        if was_created:
            created += 1
        elif staffing.budgeted_fte != budget:
            staffing.budgeted_fte = budget
            staffing.save(update_fields=["budgeted_fte"])
            changed += 1
    return ImportResult(counts={"nya budgetrader": created, "ändrade": changed,
                                "oförändrade": len(parsed) - created - changed})


def import_knowledge_areas(table: Table, ctx: ImportContext) -> ImportResult:
    """Validate and store the municipality's knowledge areas and the level each expects (1-3)."""
    seen: dict[str, int] = {}
    parsed = []
    for position, (row, values) in enumerate(table.records()):
        check = RowChecker(values)
        code = check.ident("area_code", max_length=32)
        if not ctx.scope.everything:
            check.problems.append(("area_code", _("kunskapsområden gäller hela kommunen, också enheter utanför dina "
                                                  "enheter; de importeras av central HR")))
        name = check.text("area_name", max_length=120)
        level = check.choice("target_level", [str(value) for value in CompetenceLevel.values])
        if code in seen:
            check.problems.append(("area_code", _("'%(id)s' förekommer redan på rad %(row)d") % {"id": code, "row": seen[code]}))
        elif code:
            seen[code] = row
        _report(ctx, row, check.problems)
        if not check.problems:
            parsed.append((code, name, int(level), position))
        ctx.progress.advance()
    if ctx.errors:
        return ImportResult()
    created = 0
    for code, name, level, position in parsed:
        _area, was_created = KnowledgeArea.objects.update_or_create(
            code=code, defaults={"name": name, "target_level": level, "position": position})
        created += was_created
    return ImportResult(counts={"nya kunskapsområden": created, "uppdaterade eller oförändrade": len(parsed) - created})


register(FileKind(name="staff", label="personal", required=STAFF_COLUMNS, optional=STAFF_OPTIONAL,
                  handler=import_staff, capability="staff.import"))
register(FileKind(name="absence", label="frånvaro", required=ABSENCE_COLUMNS[:4], optional=("extent",),
                  handler=import_absences, capability="staff.import"))
register(FileKind(name="overtime", label="övertid", required=OVERTIME_COLUMNS, handler=import_overtime,
                  capability="staff.import"))
register(FileKind(name="staffing", label="bemanningsbudget", required=STAFFING_COLUMNS, handler=import_staffing,
                  capability="staff.import"))
register(FileKind(name="knowledge_areas", label="kunskapsområden", required=AREA_COLUMNS,
                  handler=import_knowledge_areas, capability="staff.import"))
