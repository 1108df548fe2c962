"""The case-events file (``stabil import FILE``): validate every row, then store all or nothing.

Contract (docs/cli-cases.md): header
``case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason``;
extra columns are ignored with a notice (by the framework). Rows may come in any order; a file
may add events to cases imported before; re-importing the same file changes nothing (an event
identical in every field to a stored one is skipped). Units and staff that do not exist yet are
created. Every error names the row as a spreadsheet shows it (header = row 1), the column and
what is wrong, in Swedish; any error rolls the whole file back (the framework's transaction).

Built for volume (600,000 events): one pass of plain-Python validation, lookups preloaded in
dictionaries, raw bulk inserts (COPY on PostgreSQL), and deadlines recomputed once per touched
case with ``stabil.core.caseflow``.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

from django.utils.translation import gettext as _

from stabil.core.events import CATEGORIES, COLUMNS, EventRows
from stabil.imports.framework import (
    FileKind,
    ImportContext,
    ImportFileError,
    ImportResult,
    StreamedTable,
    Table,
    register,
)
from stabil.organisation.selectors import units
from stabil.staff.selectors import staff_members

from . import problems, services
from .models import Case, Child

# The row rules are the core's (``stabil.core.events``), worded by ``cases.problems``; re-exported here for
# the callers that know them as the importer's.
check_event_fields = problems.check_event_fields
__all__ = ["CATEGORIES", "COLUMNS", "CaseEventLoader", "check_case_scope", "check_event_fields"]


class CaseEventLoader:
    """Check case-event rows and store them in bulk: the import's rows, for the demo and tests.

    ``add(row_number, values)`` takes the 12 contract values (strings) of one row (``core.events.EventRows``
    checks it); ``check()`` compares the rows with the stored cases (``services.case_events_check``) and
    ``store()`` writes what is new (``services.case_events_store``). Errors go to
    ``errors.add(row, column, message)`` in Swedish; ``store`` writes nothing when there are any (the
    caller's transaction rolls back regardless).
    """

    def __init__(self, errors, *, by=None, progress=None, notices: list[str] | None = None, staged: bool = False):
        self.errors = errors
        self.by = by
        self.progress = progress
        self.notices = notices if notices is not None else []
        # A file too large to hold keeps its valid events in the database until they are stored (issue 16).
        self.staged = services.StagedEvents() if staged else None
        self.rows = EventRows(self._report, sink=self.staged.add if staged else None)
        self.accessed: set[str] = set()  # ids of the stored cases read (for the access log)

    def _report(self, row: int, problem) -> None:
        self.errors.add(row, problem.column, problems.text(problem))

    @property
    def batch(self):
        return self.rows.batch

    def add(self, row: int, values) -> None:
        """Check one row (the 12 contract values, stripped strings) and keep it."""
        self.rows.add(row, values)

    def add_records(self, records: Iterable[tuple[int, list[str]]]) -> None:
        """Add many (row number, values) pairs, reporting progress every 20,000 rows."""
        progress = self.progress
        self.rows.add_all(records, None if progress is None else
                          (lambda count: progress.advance(count, "kontrollerar rader")))

    def check(self, *, compare_stored: bool = True) -> None:
        """Check the rows against the stored cases and children (errors added); ``store`` reuses the result.

        A case not stored must name its child, category and unit on some row. With ``compare_stored``
        the file must also agree with the stored cases and children; without it (rows outside the
        uploader's units were found) no stored value is compared.
        """
        self.accessed.update(services.case_events_check(self.batch, report=self.errors.add,
                                                        birth_rows=self.rows.birth_rows,
                                                        compare_stored=compare_stored))

    def store(self) -> ImportResult:
        """Check against stored data and write everything new; return the counts (empty when errors)."""
        self.notices.extend(services.ignored_notices(self.rows.ignored))
        if self.batch.stored is None:
            self.check()
        if self.errors:
            return ImportResult()
        if self.staged is not None:
            return services.case_events_store_staged(by=self.by, batch=self.batch, staged=self.staged,
                                                     progress=self.progress, notices=self.notices)
        return services.case_events_store(by=self.by, batch=self.batch, progress=self.progress,
                                          notices=self.notices)


def _in_chunks(queryset, column: str, values: set[str], *fields: str):
    """Yield ``values_list(column, *fields)`` rows of ``queryset`` whose ``column`` is in ``values``."""
    ordered = sorted(values)
    for start in range(0, len(ordered), 2000):
        yield from queryset.filter(**{f"{column}__in": ordered[start:start + 2000]}).values_list(column, *fields)


_SCOPE_COLUMNS = ("case_id", "child_id", "unit", "staff_id")


def check_case_scope(table: Table, ctx: ImportContext) -> None:
    """Reject every row naming a case, child, unit or staff member outside ``ctx.scope``, row by row.

    A stored case belongs to its unit; a new case to the unit its row names (a unit that does not exist
    is outside a scoped user's units: only the whole municipality may create units); a child to the
    units of its cases; a staff member to their unit. The messages say only that the row is outside the
    uploader's units, so they quote nothing stored. The ids of stored cases in scope go to the access log.
    """
    if ctx.scope.everything:
        return  # the server operator: the store checks and logs the cases it reads
    columns = [table.column(name) for name in _SCOPE_COLUMNS]
    outside = _out_of_scope([set(column) - {""} for column in columns], ctx)
    if outside is not None:
        _scope_errors(zip(table.row_numbers, *columns), outside, ctx)


def _out_of_scope(values: list[set[str]], ctx: ImportContext) -> tuple | None:
    """From the distinct case, child, unit and staff ids of a file, the sets of those outside ``ctx.scope`` (None
    when there are none); the stored cases in scope go to ``ctx.accessed``. One verdict per distinct id: a file
    repeats its ids many times."""
    scope = ctx.scope
    case_ids, child_ids, unit_codes, staff_ids = values
    case_units = dict(_in_chunks(Case.objects, "case_id", case_ids, "unit_id"))
    child_units: dict[str, set[int]] = {}
    for child_id, unit_id in _in_chunks(Case.objects, "child__child_id", child_ids, "unit_id"):
        child_units.setdefault(child_id, set()).add(unit_id)
    for (child_id,) in _in_chunks(Child.objects, "child_id", child_ids):
        child_units.setdefault(child_id, set())  # a stored child without cases: in nobody's units
    unit_pks = dict(_in_chunks(units(), "code", unit_codes, "pk"))
    staff_units = dict(_in_chunks(staff_members(), "staff_id", staff_ids, "unit_id"))
    stored_case_out = {case_id for case_id, unit_id in case_units.items() if not scope.covers_unit(unit_id)}
    ctx.accessed.update(case_id for case_id in case_units if case_id not in stored_case_out)
    unit_out = {code for code in unit_codes if not scope.covers_unit(unit_pks.get(code))}
    child_out = {child_id for child_id, unit_ids in child_units.items() if not scope.covers_any(unit_ids)}
    staff_out = {staff_id for staff_id, unit_id in staff_units.items() if not scope.covers_unit(unit_id)}
    if not (stored_case_out or unit_out or child_out or staff_out):
        return None
    return case_units, stored_case_out, unit_out, child_out, staff_out


def _scope_errors(rows, outside: tuple, ctx: ImportContext) -> None:
    """Add an error for each row (number, case_id, child_id, unit, staff_id) that names something ``outside``."""
    case_units, stored_case_out, unit_out, child_out, staff_out = outside
    add = ctx.errors.add
    for row, case_id, child_id, unit, staff_id in rows:
        if case_id in stored_case_out:
            add(row, "case_id", _("ärendet %(case)s ligger utanför dina enheter") % {"case": case_id})
            continue
        if case_id and case_id not in case_units and unit in unit_out:
            add(row, "unit", _("enheten %(unit)s ligger utanför dina enheter") % {"unit": unit})
        if child_id in child_out:
            add(row, "child_id", _("barnet %(child)s ligger utanför dina enheter") % {"child": child_id})
        if staff_id in staff_out:
            add(row, "staff_id", _("medarbetaren %(staff)s ligger utanför dina enheter") % {"staff": staff_id})


def _handle_case_events(table: Table, ctx: ImportContext) -> ImportResult:
    loader = CaseEventLoader(ctx.errors, by=ctx.by, progress=ctx.progress, notices=ctx.notices)
    indices = [table.index(column) for column in COLUMNS]
    if indices == list(range(len(COLUMNS))) and len(table.headers) == len(COLUMNS):
        records = zip(table.row_numbers, table.rows)  # the contract's order: no reshuffling needed
    else:
        pick = operator.itemgetter(*indices)
        records = ((number, pick(row)) for number, row in zip(table.row_numbers, table.rows))
    loader.add_records(records)
    errors_before = len(ctx.errors)
    check_case_scope(table, ctx)  # in the same pass as the row errors, before anything stored is compared
    return _check_and_store(loader, ctx, errors_before)


def _check_and_store(loader: CaseEventLoader, ctx: ImportContext, errors_before: int) -> ImportResult:
    """Compare the checked rows with the stored cases and store them when nothing is wrong.

    The file is compared with the stored cases in the same pass as the row errors (issue 12), but only when
    every row is in the uploader's units (no scope error since ``errors_before``): a stored case outside them
    is not compared, so its values are not quoted.
    """
    in_scope = ctx.scope.everything or (len(ctx.errors) == errors_before and not ctx.errors.truncated)
    try:
        loader.check(compare_stored=in_scope)
        if ctx.errors:
            return ImportResult()
        return loader.store()
    finally:
        ctx.accessed.update(loader.accessed)


# The cases one streamed file may name. What the streamed import keeps is one entry per case (about 1 KB with
# its child and the check caches: 1,147 MiB peak for 1,000,000 cases, docs/performance.md), so this keeps an
# import under 2 GiB whatever the file's size; a larger export is split into files by case.
MAX_FILE_CASES = 1_500_000


def _handle_case_events_streamed(table: StreamedTable, ctx: ImportContext) -> ImportResult:
    """A case-events file too large to hold (issue 16): the same checks and store as ``_handle_case_events``,
    reading the file row by row. The valid events wait in a temporary table (``services.StagedEvents``) and are
    stored case by case; what is kept in memory is one entry per case, child and staff member named, and one
    part of the cases while they are stored. Still one transaction: all or nothing.
    """
    loader = CaseEventLoader(ctx.errors, by=ctx.by, progress=ctx.progress, notices=ctx.notices, staged=True)
    pick = operator.itemgetter(*[table.index(column) for column in COLUMNS])
    scope_at = [COLUMNS.index(column) for column in _SCOPE_COLUMNS]
    everything = ctx.scope.everything
    distinct: list[set[str]] = [set() for _column in _SCOPE_COLUMNS]

    heads = loader.batch.heads

    def records():
        for number, fields in table.rows():
            values = pick(fields)
            if not everything:
                for seen, at in zip(distinct, scope_at):
                    seen.add(values[at])
            yield number, values
            if len(heads) > MAX_FILE_CASES:
                raise ImportFileError(_("%(file)s, rad %(row)d: filen nämner fler än %(max)s ärenden; dela upp den i "
                                        "flera filer efter ärende") % {"file": table.filename, "row": number,
                                                                      "max": f"{MAX_FILE_CASES:,}".replace(",", " ")})

    loader.add_records(records())
    errors_before = len(ctx.errors)
    if not everything:
        outside = _out_of_scope([seen - {""} for seen in distinct], ctx)
        if outside is not None:  # a second reading of the file names the rows
            _scope_errors(((number, *(pick(fields)[at] for at in scope_at)) for number, fields in table.rows()),
                          outside, ctx)
    return _check_and_store(loader, ctx, errors_before)


CASE_EVENTS = FileKind(
    name="case_events",
    label="ärendehändelser",
    required=COLUMNS,
    handler=_handle_case_events,
    capability="cases.import",
    stream_handler=_handle_case_events_streamed,
)

register(CASE_EVENTS)
