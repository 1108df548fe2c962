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

import datetime as dt
import operator
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from stabil.common.parsing import date_problem, id_problem
from stabil.common.parsing import parse_iso_date as parse_date
from stabil.core.caseflow import EVENT_KINDS, INTERVENTION_KINDS, OUTCOMES, PLACEMENT_KINDS, Event
from stabil.imports.framework import FileKind, ImportContext, ImportResult, Table, register
from stabil.organisation.selectors import units
from stabil.staff.selectors import staff_members

from .labels import EVENT_LABELS, INTERVENTION_LABELS, OUTCOME_LABELS
from .models import Case, Child

COLUMNS = ("case_id", "child_id", "birth_date", "category", "unit", "event", "date",
           "staff_id", "outcome", "until", "intervention", "reason")
CATEGORIES = ("barn", "ungdom", "ensamkommande")
EVENT_SET = frozenset(EVENT_KINDS)
INTERVENTION_SET = frozenset(INTERVENTION_KINDS)
ASSIGNMENT_EVENTS = frozenset({"handler_assigned", "co_handler_assigned"})
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_ID = 64
MAX_UNIT = 32
MAX_REASON = 500

# A Swedish personal identity number (YYMMDD-XXXX, YYYYMMDDXXXX): never accepted as a child id.
_PERSONNUMMER = re.compile(r"^(\d{2})?\d{6}[-+]?\d{4}$")


def _kind_text(kind: str) -> str:
    """An event kind by its Swedish name with the file's code: "Förhandsbedömning beslutad (preliminary_decided)"."""
    return f"{EVENT_LABELS[kind]} ({kind})" if kind in EVENT_LABELS else kind


def _interventions_text() -> str:
    """The intervention kinds by name and code: "Öppenvård (outpatient), Jourhem (emergency_foster_home), …"."""
    return ", ".join(f"{INTERVENTION_LABELS[value]} ({value})" for value in INTERVENTION_KINDS)


def _outcomes_text(kind: str) -> str:
    """The outcomes an event allows, by name and code, joined with "eller" (issue 13: no bare English codes)."""
    separator = " " + _("eller") + " "
    return separator.join(f"{OUTCOME_LABELS[value]} ({value})" for value in OUTCOMES[kind])


def check_event_fields(kind: str, on_text: str, staff_id: str, outcome: str, until_text: str,
                       intervention: str, reason: str, ignored: list[str] | None = None):
    """Validate one event's own fields; return (parsed tuple or None, [(column, Swedish message)]).

    The parsed tuple is (kind, on, staff_id, outcome, until, intervention, reason). Shared by the
    importer and the web form (``services.case_record_event``), so both apply the same rules.

    With ``ignored`` (the file import), a value in a column the event does not use is dropped and the
    column named in ``ignored`` instead of being an error, and an extension without a reason is
    accepted with ``"reason"`` named there: the contract does not forbid either, and a file must not be
    rejected for information it need not carry. The web form passes no list and stays strict.
    """
    problems: list[tuple[str, str]] = []
    lenient = ignored is not None
    if lenient and kind in EVENT_SET:
        if outcome and kind not in OUTCOMES:
            ignored.append("outcome")
            outcome = ""
        if until_text and kind != "investigation_extended":
            ignored.append("until")
            until_text = ""
        if intervention and kind not in ("intervention_started", "intervention_ended", "placement_reviewed"):
            ignored.append("intervention")
            intervention = ""
    if not kind:
        problems.append(("event", _("händelse saknas")))
    elif kind not in EVENT_SET:
        problems.append(("event", _("okänd händelse '%(kind)s'; tillåtna: %(allowed)s") % {"kind": kind, "allowed": ", ".join(EVENT_KINDS)}))
    on = None
    if not on_text:
        problems.append(("date", _("datum saknas")))
    else:
        on = parse_date(on_text)
        if on is None:
            problems.append(("date", date_problem(on_text)))
        elif not MIN_DATE <= on <= MAX_DATE:
            problems.append(("date", _("datumet %(date)s är orimligt") % {"date": on_text}))
            on = None
    if staff_id and (problem := id_problem(staff_id, max_length=MAX_ID)):
        problems.append(("staff_id", _("personal-id: %(problem)s") % {"problem": problem}))
    if kind in ASSIGNMENT_EVENTS and not staff_id:
        problems.append(("staff_id", _("personal-id krävs för %(kind)s") % {"kind": _kind_text(kind)}))
    if kind in OUTCOMES:
        if not outcome:
            problems.append(("outcome", _("utfall krävs för %(kind)s: %(allowed)s") % {
                "kind": _kind_text(kind), "allowed": _outcomes_text(kind)}))
        elif outcome not in OUTCOMES[kind]:
            problems.append(("outcome", _("okänt utfall '%(outcome)s' för %(kind)s; tillåtna: %(allowed)s") % {
                "outcome": outcome, "kind": _kind_text(kind), "allowed": _outcomes_text(kind)}))
    elif outcome and kind in EVENT_SET:
        problems.append(("outcome", _("utfall används inte för %(kind)s (bara för %(decided)s och %(closed)s)") % {
            "kind": _kind_text(kind), "decided": _kind_text("preliminary_decided"),
            "closed": _kind_text("investigation_closed")}))
    until = None
    if kind == "investigation_extended":
        if not until_text:
            problems.append(("until", _("nytt slutdatum (until) krävs för %(kind)s") % {
                "kind": _kind_text("investigation_extended")}))
        else:
            until = parse_date(until_text)
            if until is None:
                problems.append(("until", date_problem(until_text)))
            elif on is not None and until <= on:
                problems.append(("until", _("nytt slutdatum %(until)s måste vara efter beslutsdagen %(date)s") % {
                    "until": until_text, "date": on_text}))
        if not reason:
            if lenient:
                ignored.append("reason")
            else:
                problems.append(("reason", _("en förlängning kräver ett särskilt skäl (reason)")))
    elif until_text and kind in EVENT_SET:
        problems.append(("until", _("until används bara för %(extended)s, inte för %(kind)s") % {
            "extended": _kind_text("investigation_extended"), "kind": _kind_text(kind)}))
    if kind == "intervention_started":
        if not intervention:
            problems.append(("intervention", _("insats krävs för %(kind)s: %(allowed)s") % {
                "kind": _kind_text("intervention_started"),
                "allowed": _interventions_text()}))
        elif intervention not in INTERVENTION_SET:
            problems.append(("intervention", _("okänd insats '%(intervention)s'; tillåtna: %(allowed)s") % {
                "intervention": intervention, "allowed": _interventions_text()}))
    elif kind in ("intervention_ended", "placement_reviewed"):
        if intervention and intervention not in INTERVENTION_SET:
            problems.append(("intervention", _("okänd insats '%(intervention)s'; tillåtna: %(allowed)s") % {
                "intervention": intervention, "allowed": _interventions_text()}))
        elif kind == "placement_reviewed" and intervention and intervention not in PLACEMENT_KINDS:
            problems.append(("intervention", _("övervägande gäller bara placeringar, inte öppenvård (outpatient)")))
    elif intervention and kind in EVENT_SET:
        problems.append(("intervention", _("insats används inte för %(kind)s") % {"kind": kind}))
    if len(reason) > MAX_REASON:
        problems.append(("reason", _("skälet är längre än %(count)d tecken") % {"count": MAX_REASON}))
    if problems:
        return None, problems
    return (kind, on, staff_id, outcome, until, intervention, reason), problems


class CaseEventLoader:
    """Validate case-event records and store them in bulk; used by the file import and the demo.

    ``add(row_number, values)`` takes the 12 contract values (strings) of one row; ``store()`` then
    checks them against the database, writes what is new and recomputes the touched cases'
    deadlines. Errors go to ``errors.add(row, column, message)``; ``store`` writes nothing when
    there are any (the caller's transaction rolls back regardless).
    """

    def __init__(self, errors, *, by=None, progress=None, notices: list[str] | None = None):
        self.errors = errors
        self.by = by
        self.progress = progress
        self.notices = notices if notices is not None else []
        # case_id -> {"child_id": (value, row), "birth_date": ..., "category": ..., "unit": ...}
        self.case_heads: dict[str, dict[str, tuple[str, int]]] = {}
        self.child_births: dict[str, tuple[str, int]] = {}
        # (case_id, core.caseflow.Event) per valid row, and each one's row number
        self.events: list[tuple] = []
        self.event_rows: list[int] = []
        self.staff_first: dict[str, tuple[int, str, dt.date]] = {}  # staff_id -> (row, case_id, first date)
        # Validated field combinations seen before -> parsed result: a file repeats the same dates and
        # events thousands of times, so each distinct combination is checked once.
        self._checked: dict[tuple, tuple] = {}
        self._last_head: tuple | None = None  # the last valid case columns checked
        self._last_recorded: tuple | None = None  # the last case columns recorded in case_heads
        self.ignored: dict[str, int] = {}  # column -> rows whose value there the event does not use
        self.accessed: set[str] = set()  # ids of the stored cases read (for the access log)
        self.case_first_row: dict[str, int] = {}  # case_id -> the first row naming it with a valid case id
        # Conflicts already reported, so that repeated rows of one case say it once: (case_id, column,
        # value) for a case described two ways, (case_id, child_id, birth date) for a child's birth date.
        self.reported: set[tuple] = set()
        self.birth_rows: set[int] = set()  # rows with a birth-date message: at most one each
        # Set by ``services.case_events_check`` (stored cases and children by id) before the store runs.
        self.stored: tuple[dict, dict] | None = None

    def add(self, row: int, values) -> None:
        """Validate one row (the 12 contract values, stripped strings) and keep it."""
        (case_id, child_id, birth_text, category, unit, kind, on_text, staff_id, outcome, until_text,
         intervention, reason) = values
        errors = self.errors
        bad: frozenset[str] = frozenset()
        head_values = (case_id, child_id, birth_text, category, unit)
        # Rows of one case usually repeat the same case columns: check them once per distinct value set.
        if head_values != self._last_head:
            bad = self._check_head(row, head_values)
            if not bad:
                self._last_head = head_values
        # The case columns are recorded whatever else is wrong on the row, so that a new case missing one
        # of them is reported in the same pass as every other error (issue 12).
        if "case_id" not in bad and head_values != self._last_recorded:
            self._record_head(row, head_values, bad)
            self._last_recorded = head_values
        key = (kind, on_text, staff_id, outcome, until_text, intervention, reason)
        cached = self._checked.get(key)
        if cached is None:
            ignored: list[str] = []
            parsed, problems = check_event_fields(kind, on_text, staff_id, outcome, until_text, intervention, reason,
                                                  ignored=ignored)
            # One shared Event per distinct combination: no per-row objects on the way to the case flow.
            cached = (Event._make(parsed) if parsed is not None else None, problems, tuple(ignored))
            if len(self._checked) < 500_000:
                self._checked[key] = cached
        parsed, problems, ignored_columns = cached
        for column, message in problems:
            errors.add(row, column, message)
        for column in ignored_columns:
            self.ignored[column] = self.ignored.get(column, 0) + 1
        if bad or parsed is None:
            return
        on = parsed[1]
        if birth_text and on_text < birth_text:  # ISO dates compare as text
            errors.add(row, "date", _("händelsen %(date)s är före barnets födelsedatum %(birth)s") % {
                "date": on_text, "birth": birth_text})
        if staff_id:
            first = self.staff_first.get(staff_id)
            if first is None or on < first[2]:
                self.staff_first[staff_id] = (row, case_id, on)
        self.events.append((case_id, parsed))
        self.event_rows.append(row)

    def _check_head(self, row: int, head_values) -> frozenset[str]:
        """Validate the case columns of a row; return the invalid ones (errors added)."""
        case_id, child_id, birth_text, category, unit = head_values
        errors = self.errors
        bad = []
        if not case_id:
            errors.add(row, "case_id", _("ärende-id saknas"))
            bad.append("case_id")
        elif problem := id_problem(case_id, max_length=MAX_ID):
            errors.add(row, "case_id", _("ärende-id: %(problem)s") % {"problem": problem})
            bad.append("case_id")
        if child_id:
            if problem := id_problem(child_id, max_length=MAX_ID):
                errors.add(row, "child_id", _("barn-id: %(problem)s") % {"problem": problem})
                bad.append("child_id")
            elif _PERSONNUMMER.match(child_id):
                errors.add(row, "child_id", _("barn-id ser ut som ett personnummer; använd ett pseudonymt id"))
                bad.append("child_id")
        if birth_text and parse_date(birth_text) is None:
            errors.add(row, "birth_date", date_problem(birth_text))
            self.birth_rows.add(row)
            bad.append("birth_date")
        if category and category not in CATEGORIES:
            errors.add(row, "category", _("okänd kategori '%(category)s'; tillåtna: %(allowed)s") % {
                "category": category, "allowed": ", ".join(CATEGORIES)})
            bad.append("category")
        if unit and (problem := id_problem(unit, max_length=MAX_UNIT)):
            errors.add(row, "unit", _("enhetskod: %(problem)s") % {"problem": problem})
            bad.append("unit")
        return frozenset(bad)

    def _record_head(self, row: int, head_values, bad: frozenset[str] = frozenset()) -> None:
        """Remember a row's valid case columns; a case or child described two ways is an error.

        Each conflicting value is reported once, on the first row that brings it (rows of one case repeat
        their case columns), and a row gets at most one birth-date message: a child's two birth dates are
        one conflict, whether the case or the child is named in it.
        """
        case_id, child_id, birth_text, category, unit = head_values
        errors = self.errors
        reported = self.reported
        self.case_first_row.setdefault(case_id, row)
        head = self.case_heads.get(case_id)
        if head is None:
            head = self.case_heads[case_id] = {}
        birth_conflict = False
        if child_id and birth_text and not bad & {"child_id", "birth_date"}:
            seen = self.child_births.get(child_id)
            if seen is None:
                self.child_births[child_id] = (birth_text, row)
            elif seen[0] != birth_text:
                birth_conflict = True
                if (case_id, child_id, birth_text) not in reported:
                    reported.add((case_id, child_id, birth_text))
                    errors.add(row, "birth_date",
                               _("barnet %(child)s har födelsedatum %(seen)s på rad %(row)d, här %(birth)s") % {
                                   "child": child_id, "seen": seen[0], "row": seen[1], "birth": birth_text})
                    self.birth_rows.add(row)
        for column, value in (("child_id", child_id), ("birth_date", birth_text), ("category", category),
                              ("unit", unit)):
            if not value or column in bad:
                continue
            seen = head.get(column)
            if seen is None:
                head[column] = (value, row)
            elif seen[0] != value and (case_id, column, value) not in reported:
                reported.add((case_id, column, value))
                if column == "birth_date":
                    if birth_conflict or row in self.birth_rows:
                        continue  # said above, as the child's
                    self.birth_rows.add(row)
                errors.add(row, column, _("ärendet %(case)s har %(column)s '%(seen)s' på rad %(row)d, här '%(value)s'") % {
                    "case": case_id, "column": column, "seen": seen[0], "row": seen[1], "value": value})

    def add_records(self, records: Iterable[tuple[int, list[str]]]) -> None:
        """Add many (row number, values) pairs, reporting progress every 20,000 rows."""
        count = 0
        for row, values in records:
            self.add(row, values)
            count += 1
            if count == 20000:
                if self.progress is not None:
                    self.progress.advance(count, "kontrollerar rader")
                count = 0
        if count and self.progress is not None:
            self.progress.advance(count, "kontrollerar rader")

    def ignored_notices(self) -> list[str]:
        """Return Swedish notices for values the import dropped or accepted without a reason."""
        lines = []
        for column, count in sorted(self.ignored.items()):
            if column == "reason":
                lines.append(f"{count} förlängningar saknar särskilt skäl (reason); de lästes in ändå, komplettera "
                             "skälen i ärendena")
            else:
                lines.append(f"kolumnen {column} ignorerades på {count} rader vars händelse inte använder den")
        return lines

    def check(self, *, compare_stored: bool = True) -> None:
        """Check the rows against the stored cases and children (errors added); ``store`` reuses the result.

        A case not stored must name its child, category and unit on some row. With ``compare_stored``
        the file must also agree with the stored cases and children; without it (rows outside the
        uploader's units were found) no stored value is compared.
        """
        from stabil.cases import services  # services imports this module (the circle issue 12 names)

        services.case_events_check(self, compare_stored=compare_stored)

    def store(self) -> ImportResult:
        """Check against stored data and write everything new; return the counts."""
        from stabil.cases import services

        self.notices.extend(self.ignored_notices())

        return services.case_events_store(self)


def _in_chunks(queryset, column: str, values: set[str], *fields: str):
    """Yield ``values_list(column, *fields)`` rows of ``queryset`` whose ``column`` is in ``values``."""
    ordered = sorted(values)
    for start in range(0, len(ordered), 2000):
        yield from queryset.filter(**{f"{column}__in": ordered[start:start + 2000]}).values_list(column, *fields)


def check_case_scope(table: Table, ctx: ImportContext) -> None:
    """Reject every row naming a case, child, unit or staff member outside ``ctx.scope``, row by row.

    A stored case belongs to its unit; a new case to the unit its row names (a unit that does not exist
    is outside a scoped user's units: only the whole municipality may create units); a child to the
    units of its cases; a staff member to their unit. The messages say only that the row is outside the
    uploader's units, so they quote nothing stored. The ids of stored cases in scope go to the access log.
    """
    scope = ctx.scope
    if scope.everything:
        return  # the server operator: the store checks and logs the cases it reads
    values = {column: set(table.column(column)) - {""} for column in ("case_id", "child_id", "unit", "staff_id")}
    case_units = dict(_in_chunks(Case.objects, "case_id", values["case_id"], "unit_id"))
    child_units: dict[str, set[int]] = {}
    for child_id, unit_id in _in_chunks(Case.objects, "child__child_id", values["child_id"], "unit_id"):
        child_units.setdefault(child_id, set()).add(unit_id)
    for (child_id,) in _in_chunks(Child.objects, "child_id", values["child_id"]):
        child_units.setdefault(child_id, set())  # a stored child without cases: in nobody's units
    unit_pks = dict(_in_chunks(units(), "code", values["unit"], "pk"))
    staff_units = dict(_in_chunks(staff_members(), "staff_id", values["staff_id"], "unit_id"))
    for row, record in table.records():
        case_id = record.get("case_id", "")
        if case_id in case_units:
            if not scope.covers_unit(case_units[case_id]):
                ctx.errors.add(row, "case_id", _("ärendet %(case)s ligger utanför dina enheter") % {"case": case_id})
                continue
            ctx.accessed.add(case_id)
        elif case_id and record.get("unit") and not scope.covers_unit(unit_pks.get(record["unit"])):
            ctx.errors.add(row, "unit", _("enheten %(unit)s ligger utanför dina enheter") % {"unit": record["unit"]})
        child_id = record.get("child_id", "")
        if child_id in child_units and not scope.covers_any(child_units[child_id]):
            ctx.errors.add(row, "child_id", _("barnet %(child)s ligger utanför dina enheter") % {"child": child_id})
        staff_id = record.get("staff_id", "")
        if staff_id in staff_units and not scope.covers_unit(staff_units[staff_id]):
            ctx.errors.add(row, "staff_id", _("medarbetaren %(staff)s ligger utanför dina enheter") % {"staff": staff_id})


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
    # The file is compared with the stored cases in the same pass too (issue 12), but only when every row
    # is in the uploader's units: a stored case outside them is not compared, so its values are not quoted.
    in_scope = ctx.scope.everything or (len(ctx.errors) == errors_before and not ctx.errors.truncated)
    try:
        loader.check(compare_stored=in_scope)
        if ctx.errors:
            return ImportResult()
        return loader.store()
    finally:
        ctx.accessed.update(loader.accessed)


CASE_EVENTS = FileKind(
    name="case_events",
    label="ärendehändelser",
    required=COLUMNS,
    handler=_handle_case_events,
    capability="cases.import",
)

register(CASE_EVENTS)
