"""Validation of case-event rows (pure, no Django): the one set of rules for the file import and the forms.

A row of the case-events file (docs/cli-cases.md) has the 12 contract columns ``COLUMNS``. The checks
here say *what* is wrong as a :class:`Problem`: the column, a code from :data:`PROBLEM_CODES` and the
values the message quotes. The edge (``stabil.cases.problems``) words each code in Swedish (wrapped for
translation) and names the row; nothing here knows a language or a database.

* :func:`check_event_fields` checks one event's own fields (kind, date, staff id, outcome, until,
  intervention, reason) and returns the parsed :class:`~stabil.core.caseflow.Event` values.
* :class:`EventRows` checks many rows of the file against each other (a case or child described two
  ways, an event before the child's birth) and collects the valid ones as an :class:`EventBatch`:
  plain data that ``cases.services.case_events_store`` stores.
* :func:`iso_date` and :func:`id_code` are the date and id rules of every import and form
  (``stabil.common.parsing`` words them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from stabil.core.caseflow import EVENT_KINDS, INTERVENTION_KINDS, OUTCOMES, PLACEMENT_KINDS, Event

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "PROBLEM_CODES",
    "EventBatch",
    "EventRows",
    "Problem",
    "check_event_fields",
    "id_code",
    "iso_date",
]

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

# The bounds of every date an import file or form brings in (docs/cli.md): a date outside these years is
# a typing error in Stabil's data, and date arithmetic near year 1 or 9999 overflows.
MIN_YEAR = 1900
MAX_YEAR = 2200
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)
ID_MAX_LENGTH = 64
_ID = re.compile(r"^[A-Za-z0-9ÅÄÖåäö][A-Za-z0-9ÅÄÖåäö_.\-]*$")

# A Swedish personal identity number (YYMMDD-XXXX, YYYYMMDDXXXX): never accepted as a child id.
_PERSONNUMMER = re.compile(r"^(\d{2})?\d{6}[-+]?\d{4}$")

# Every code a Problem may carry, and the values its message quotes.
PROBLEM_CODES = {
    # the event's own fields (check_event_fields)
    "event_missing": (),
    "event_unknown": ("kind", "allowed"),
    "date_missing": (),
    "date_invalid": ("text",),  # worded by the date rule (iso_date's own code)
    "date_implausible": ("date",),
    "staff_id_invalid": ("value", "max_length"),  # worded by the id rule (id_code)
    "staff_id_required": ("kind",),
    "outcome_required": ("kind", "allowed"),
    "outcome_unknown": ("outcome", "kind", "allowed"),
    "outcome_unused": ("kind",),
    "until_required": (),
    "until_invalid": ("text",),
    "until_not_after": ("until", "date"),
    "reason_required": (),
    "until_unused": ("kind",),
    "intervention_required": ("allowed",),
    "intervention_unknown": ("intervention", "allowed"),
    "review_not_placement": (),
    "intervention_unused": ("kind",),
    "reason_too_long": ("count",),
    # the case columns and the rows against each other (EventRows)
    "case_id_missing": (),
    "case_id_invalid": ("value", "max_length"),
    "child_id_invalid": ("value", "max_length"),
    "child_id_personnummer": (),
    "birth_date_invalid": ("text",),
    "category_unknown": ("category", "allowed"),
    "unit_invalid": ("value", "max_length"),
    "event_before_birth": ("date", "birth"),
    "child_birth_conflict": ("child", "seen", "row", "birth"),
    "case_conflict": ("case", "column", "seen", "row", "value"),
}


class Problem(NamedTuple):
    """What is wrong in one column: ``code`` (a key of PROBLEM_CODES) and the values its message quotes."""

    column: str
    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def values(self) -> dict[str, object]:
        return dict(self.params)


def _problem(where: str, code: str, **params) -> Problem:
    return Problem(where, code, tuple(params.items()))


# --- the date and id rules -----------------------------------------------------------------------------------


def iso_date(text: str) -> tuple[dt.date | None, str | None]:
    """Return (the date of a strict YYYY-MM-DD text, None) or (None, why not).

    Why not: ``"form"`` (not ASCII ``YYYY-MM-DD``: ``date.fromisoformat`` also takes 20261124, and ``\\d``
    matches Arabic digits), ``"no_such_day"`` (``2026-02-30``) or ``"year"`` (outside MIN_YEAR-MAX_YEAR).
    """
    if len(text) != 10 or not _ISO_DATE.match(text):
        return None, "form"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, "no_such_day"
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return None, "year"
    return day, None


def id_code(value: str, max_length: int = ID_MAX_LENGTH) -> str | None:
    """Return why ``value`` is no valid id (``"too_long"``, ``"characters"``), or None.

    An id (case, child, staff, unit, team, knowledge area) is 1-``max_length`` characters of
    ``A-Z a-z 0-9 Å Ä Ö å ä ö _ . -``, beginning with a letter or digit. An empty value is the caller's
    business (required or not).
    """
    if len(value) > max_length:
        return "too_long"
    if not _ID.match(value):
        return "characters"
    return None


# --- one event's own fields --------------------------------------------------------------------------------


def check_event_fields(kind: str, on_text: str, staff_id: str, outcome: str, until_text: str,
                       intervention: str, reason: str, ignored: list[str] | None = None
                       ) -> tuple[tuple | None, list[Problem]]:
    """Validate one event's own fields; return (parsed tuple or None, [Problem]).

    The parsed tuple is (kind, on, staff_id, outcome, until, intervention, reason), the fields of
    :class:`~stabil.core.caseflow.Event`. Shared by the importer and the web form, so both apply the same
    rules.

    With ``ignored`` (the file import), a value in a column the event does not use is dropped and the
    column named in ``ignored`` instead of being a problem, and an extension without a reason is accepted
    with ``"reason"`` named there: the contract does not forbid either, and a file must not be rejected
    for information it need not carry. The web form passes no list and stays strict.
    """
    problems: list[Problem] = []
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
        problems.append(_problem("event", "event_missing"))
    elif kind not in EVENT_SET:
        problems.append(_problem("event", "event_unknown", kind=kind, allowed=", ".join(EVENT_KINDS)))
    on = None
    if not on_text:
        problems.append(_problem("date", "date_missing"))
    else:
        on, _why = iso_date(on_text)
        if on is None:
            problems.append(_problem("date", "date_invalid", text=on_text))
        elif not MIN_DATE <= on <= MAX_DATE:
            problems.append(_problem("date", "date_implausible", date=on_text))
            on = None
    if staff_id and id_code(staff_id, MAX_ID):
        problems.append(_problem("staff_id", "staff_id_invalid", value=staff_id, max_length=MAX_ID))
    if kind in ASSIGNMENT_EVENTS and not staff_id:
        problems.append(_problem("staff_id", "staff_id_required", kind=kind))
    if kind in OUTCOMES:
        allowed = " eller ".join(OUTCOMES[kind])
        if not outcome:
            problems.append(_problem("outcome", "outcome_required", kind=kind, allowed=allowed))
        elif outcome not in OUTCOMES[kind]:
            problems.append(_problem("outcome", "outcome_unknown", outcome=outcome, kind=kind, allowed=allowed))
    elif outcome and kind in EVENT_SET:
        problems.append(_problem("outcome", "outcome_unused", kind=kind))
    until = None
    if kind == "investigation_extended":
        if not until_text:
            problems.append(_problem("until", "until_required"))
        else:
            until, _why = iso_date(until_text)
            if until is None:
                problems.append(_problem("until", "until_invalid", text=until_text))
            elif on is not None and until <= on:
                problems.append(_problem("until", "until_not_after", until=until_text, date=on_text))
        if not reason:
            if lenient:
                ignored.append("reason")
            else:
                problems.append(_problem("reason", "reason_required"))
    elif until_text and kind in EVENT_SET:
        problems.append(_problem("until", "until_unused", kind=kind))
    allowed_interventions = ", ".join(INTERVENTION_KINDS)
    if kind == "intervention_started":
        if not intervention:
            problems.append(_problem("intervention", "intervention_required", allowed=allowed_interventions))
        elif intervention not in INTERVENTION_SET:
            problems.append(_problem("intervention", "intervention_unknown", intervention=intervention,
                                     allowed=allowed_interventions))
    elif kind in ("intervention_ended", "placement_reviewed"):
        if intervention and intervention not in INTERVENTION_SET:
            problems.append(_problem("intervention", "intervention_unknown", intervention=intervention,
                                     allowed=allowed_interventions))
        elif kind == "placement_reviewed" and intervention and intervention not in PLACEMENT_KINDS:
            problems.append(_problem("intervention", "review_not_placement"))
    elif intervention and kind in EVENT_SET:
        problems.append(_problem("intervention", "intervention_unused", kind=kind))
    if len(reason) > MAX_REASON:
        problems.append(_problem("reason", "reason_too_long", count=MAX_REASON))
    if problems:
        return None, problems
    return (kind, on, staff_id, outcome, until, intervention, reason), problems


# --- many rows: the file's cases and events ---------------------------------------------------------------


@dataclass
class EventBatch:
    """Validated case-event rows, ready to store (``cases.services.case_events_store``): plain data.

    ``heads``: case_id -> {column: (value, first row)} for the case columns child_id, birth_date, category
    and unit the rows give; ``child_births``: child_id -> (birth date text, first row); ``events``: one
    (case_id, Event) per valid row, in file order, with ``event_rows`` their row numbers; ``staff_first``:
    staff_id -> (row, case_id, first date), where a staff member not stored yet is created;
    ``case_first_row``: case_id -> the first row naming it. ``stored`` is filled by the check against the
    database (stored cases and children by id) so that the store need not read them again.
    """

    heads: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    child_births: dict[str, tuple[str, int]] = field(default_factory=dict)
    events: list[tuple[str, Event]] = field(default_factory=list)
    event_rows: list[int] = field(default_factory=list)
    staff_first: dict[str, tuple[int, str, dt.date]] = field(default_factory=dict)
    case_first_row: dict[str, int] = field(default_factory=dict)
    stored: tuple[dict, dict] | None = None


# report(row, problem): where EventRows sends each problem (the edge words it and names the row).
Report = Callable[[int, Problem], None]


class EventRows:
    """Check case-event rows one by one and against each other; collect the valid ones in ``batch``.

    ``add(row_number, values)`` takes the 12 contract values (stripped strings) of one row. Every problem
    goes to ``report(row, Problem)`` as it is found, so a file gets every error in one pass. Built for
    volume: rows of one case repeat their case columns and a file repeats the same event fields thousands
    of times, so each distinct combination is checked once.
    """

    def __init__(self, report: Report, sink: Callable[[int, str, Event], None] | None = None):
        self.report = report
        # Where each valid event goes: ``batch.events`` (and ``event_rows``), or ``sink(row, case_id, event)``
        # for a file too large to hold (the streamed import keeps them in the database, issue 16).
        self.sink = sink
        self.batch = EventBatch()
        # One object per distinct short value (birth date, category, unit) kept in ``batch.heads``: a large
        # file names a million cases with a few thousand such values.
        self._shared: dict[str, str] = {}
        self._checked: dict[tuple, tuple] = {}
        self._last_head: tuple | None = None  # the last valid case columns checked
        self._last_recorded: tuple | None = None  # the last case columns recorded in batch.heads
        self.ignored: dict[str, int] = {}  # column -> rows whose value there the event does not use
        # Conflicts already reported, so that repeated rows of one case say it once: (case_id, column,
        # value) for a case described two ways, (case_id, child_id, birth date) for a child's birth date.
        self.reported: set[tuple] = set()
        self.birth_rows: set[int] = set()  # rows with a birth-date problem: at most one each

    def add(self, row: int, values) -> None:
        """Check one row (the 12 contract values) and keep it when valid."""
        (case_id, child_id, birth_text, category, unit, kind, on_text, staff_id, outcome, until_text,
         intervention, reason) = values
        report = self.report
        bad: frozenset[str] = frozenset()
        head_values = (case_id, child_id, birth_text, category, unit)
        if head_values != self._last_head:
            bad = self._check_head(row, head_values)
            if not bad:
                self._last_head = head_values
        # The case columns are recorded whatever else is wrong on the row, so that a new case missing one
        # of them is reported in the same pass as every other error.
        if "case_id" not in bad and head_values != self._last_recorded:
            self._record_head(row, head_values, bad)
            self._last_recorded = head_values
        key = (kind, on_text, staff_id, outcome, until_text, intervention, reason)
        cached = self._checked.get(key)
        if cached is None:
            ignored: list[str] = []
            parsed, problems = check_event_fields(kind, on_text, staff_id, outcome, until_text, intervention,
                                                  reason, ignored=ignored)
            # One shared Event per distinct combination: no per-row objects on the way to the case flow.
            cached = (Event._make(parsed) if parsed is not None else None, problems, tuple(ignored))
            if len(self._checked) < 500_000:
                self._checked[key] = cached
        parsed, problems, ignored_columns = cached
        for problem in problems:
            report(row, problem)
        for column in ignored_columns:
            self.ignored[column] = self.ignored.get(column, 0) + 1
        if bad or parsed is None:
            return
        on = parsed[1]
        if birth_text and on_text < birth_text:  # ISO dates compare as text
            report(row, _problem("date", "event_before_birth", date=on_text, birth=birth_text))
        batch = self.batch
        if staff_id:
            first = batch.staff_first.get(staff_id)
            if first is None or on < first[2]:
                batch.staff_first[staff_id] = (row, case_id, on)
        if self.sink is not None:
            self.sink(row, case_id, parsed)
            return
        batch.events.append((case_id, parsed))
        batch.event_rows.append(row)

    def add_all(self, records: Iterable[tuple[int, list[str]]], advance: Callable[[int], None] | None = None,
                every: int = 20000) -> None:
        """Add many (row number, values) pairs; ``advance(n)`` is told every ``every`` rows and at the end."""
        count = 0
        add = self.add
        for row, values in records:
            add(row, values)
            count += 1
            if count == every:
                if advance is not None:
                    advance(count)
                count = 0
        if count and advance is not None:
            advance(count)

    def _check_head(self, row: int, head_values) -> frozenset[str]:
        """Check the case columns of a row; return the invalid ones (problems reported)."""
        case_id, child_id, birth_text, category, unit = head_values
        report = self.report
        bad = []
        if not case_id:
            report(row, _problem("case_id", "case_id_missing"))
            bad.append("case_id")
        elif id_code(case_id, MAX_ID):
            report(row, _problem("case_id", "case_id_invalid", value=case_id, max_length=MAX_ID))
            bad.append("case_id")
        if child_id:
            if id_code(child_id, MAX_ID):
                report(row, _problem("child_id", "child_id_invalid", value=child_id, max_length=MAX_ID))
                bad.append("child_id")
            elif _PERSONNUMMER.match(child_id):
                report(row, _problem("child_id", "child_id_personnummer"))
                bad.append("child_id")
        if birth_text and iso_date(birth_text)[0] is None:
            report(row, _problem("birth_date", "birth_date_invalid", text=birth_text))
            self.birth_rows.add(row)
            bad.append("birth_date")
        if category and category not in CATEGORIES:
            report(row, _problem("category", "category_unknown", category=category, allowed=", ".join(CATEGORIES)))
            bad.append("category")
        if unit and id_code(unit, MAX_UNIT):
            report(row, _problem("unit", "unit_invalid", value=unit, max_length=MAX_UNIT))
            bad.append("unit")
        return frozenset(bad)

    def _record_head(self, row: int, head_values, bad: frozenset[str] = frozenset()) -> None:
        """Remember a row's valid case columns; a case or child described two ways is a problem.

        Each conflicting value is reported once, on the first row that brings it (rows of one case repeat
        their case columns), and a row gets at most one birth-date problem: a child's two birth dates are
        one conflict, whether the case or the child is named in it.
        """
        case_id, child_id, birth_text, category, unit = head_values
        shared = self._shared
        birth_text = shared.setdefault(birth_text, birth_text)
        category = shared.setdefault(category, category)
        unit = shared.setdefault(unit, unit)
        report = self.report
        reported = self.reported
        batch = self.batch
        batch.case_first_row.setdefault(case_id, row)
        head = batch.heads.get(case_id)
        if head is None:
            head = batch.heads[case_id] = {}
        birth_conflict = False
        if child_id and birth_text and not bad & {"child_id", "birth_date"}:
            seen = batch.child_births.get(child_id)
            if seen is None:
                batch.child_births[child_id] = (birth_text, row)
            elif seen[0] != birth_text:
                birth_conflict = True
                if (case_id, child_id, birth_text) not in reported:
                    reported.add((case_id, child_id, birth_text))
                    report(row, _problem("birth_date", "child_birth_conflict", child=child_id, seen=seen[0],
                                         row=seen[1], birth=birth_text))
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
                report(row, _problem(column, "case_conflict", case=case_id, column=column, seen=seen[0], row=seen[1],
                                     value=value))
