"""Every legal deadline of a child-welfare case, in one place, each citing its source.

Socialtjänstlag (2001:453) governed until 2025-06-30; Socialtjänstlag (2025:400) replaced it on
2025-07-01 with the same time limits under new paragraphs. A rule's citation is chosen by the
date its period starts (:func:`cite`). The feedback-to-reporter rule (SoL 2025:400 19 kap 6 §)
applies only to preliminary decisions taken on or after 2026-01-15.

Deadline arithmetic (lag 1930:173, see :mod:`stabil.core.calendar`): a period counted in days or
months whose last day is not a working day moves to the next working day (2 §), unless the
municipality chooses strict calendar days (``DeadlineConfig.move_to_working_day = False``).
Deadlines that are due "on the start date itself" (care plan, foster-home approval) are never moved.
The protection assessment ("genast", at once) is no period under lag (1930:173) and is not moved
by default (``DeadlineConfig.protection_assessment_moves = False``): the on-call service assesses
at weekends and holidays; a municipality may choose otherwise.

A deadline's source (:func:`cite`) is the law of the day its period started, LVU (1990:52) 13 §
for a placement under LVU only, lag (1930:173) 1 § for a period in months and 2 § when the due
date was moved.

A deadline is ``met`` when its event falls on or before the due date, ``missed`` when it falls
later, and ``open`` (due date not passed) or ``overdue`` (due date passed) while it has not
happened, whatever else happened in the case (see :mod:`stabil.core.caseflow`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from stabil.core import calendar
from stabil.core.explanations import Explanation

__all__ = [
    "DEADLINE_KINDS",
    "DEFAULT_CONFIG",
    "MET",
    "MISSED",
    "OPEN",
    "OVERDUE",
    "REPORTER_FEEDBACK_FROM",
    "RULES",
    "SOL_2025_FROM",
    "STATUSES",
    "Deadline",
    "DeadlineConfig",
    "KindSummary",
    "Rule",
    "care_plan_due",
    "cite",
    "compliance_summary",
    "first_contact_due",
    "foster_home_approval_due",
    "investigation_due",
    "investigation_extension",
    "is_due_soon",
    "placement_review_due",
    "preliminary_assessment_due",
    "protection_assessment_due",
    "reporter_feedback_due",
    "status_of",
]

# --- dates on which the law changed --------------------------------------------------------------

SOL_2025_FROM = dt.date(2025, 7, 1)
"""Socialtjänstlag (2025:400) applies from this day; SoL (2001:453) before it."""

REPORTER_FEEDBACK_FROM = dt.date(2026, 1, 15)
"""SoL 2025:400 19 kap 6 § (feedback to a reporter who asks) applies to decisions from this day."""

# --- statuses ------------------------------------------------------------------------------------

MET = "met"
MISSED = "missed"
OPEN = "open"
OVERDUE = "overdue"
STATUSES = (MET, MISSED, OPEN, OVERDUE)

# --- deadline kinds (the contract's names) --------------------------------------------------------

PROTECTION_ASSESSMENT = "protection_assessment"
PRELIMINARY_ASSESSMENT = "preliminary_assessment"
INVESTIGATION = "investigation"
FIRST_CONTACT = "first_contact"
CARE_PLAN = "care_plan"
FOSTER_HOME_APPROVAL = "foster_home_approval"
PLACEMENT_REVIEW = "placement_review"
REPORTER_FEEDBACK = "reporter_feedback"

DEADLINE_KINDS = (
    PROTECTION_ASSESSMENT,
    PRELIMINARY_ASSESSMENT,
    INVESTIGATION,
    FIRST_CONTACT,
    CARE_PLAN,
    FOSTER_HOME_APPROVAL,
    PLACEMENT_REVIEW,
    REPORTER_FEEDBACK,
)


@dataclass(frozen=True)
class DeadlineConfig:
    """A municipality's choices about deadlines (the legal limits themselves are not configurable).

    move_to_working_day: True (default) applies lag (1930:173) 2 §; False counts strict calendar days.
    protection_assessment_days: 0 (default) = the same day as the report; 1 = the next day
        (prop. 2012/13:10 p. 60 accepts the next day for a report that comes in late).
    protection_assessment_moves: False (default) keeps the protection assessment on the report's day
        (or the next day, above) even on a weekend or holiday: "genast" is no period under lag
        (1930:173), and the on-call service (socialjour) assesses then. True moves it to the next
        working day by 2 § like the periods (a municipality's own, more lenient choice; never with
        strict calendar days).
    first_contact_guarantee: the local service guarantee "first contact within N working days of
        the decision to open an investigation" is on (default) or off.
    first_contact_working_days: N for that guarantee (default 7, Helsingborg's tjänstegaranti).
    warning_working_days: the warning horizon: an open deadline due within this many working days
        is "due soon" (default 3).
    """

    move_to_working_day: bool = True
    protection_assessment_days: int = 0
    protection_assessment_moves: bool = False
    first_contact_guarantee: bool = True
    first_contact_working_days: int = 7
    warning_working_days: int = 3

    def __post_init__(self) -> None:
        if self.protection_assessment_days < 0:
            raise ValueError("protection_assessment_days must be zero or more")
        if self.first_contact_working_days < 1:
            raise ValueError("first_contact_working_days must be one or more")
        if self.warning_working_days < 0:
            raise ValueError("warning_working_days must be zero or more")


DEFAULT_CONFIG = DeadlineConfig()


# --- citations, versioned by date ----------------------------------------------------------------


LVU_13 = "LVU (1990:52) 13 §"
"""Cited for the reviews of a placement under LVU (the six-monthly decision whether care should end)."""
MONTHS_1 = "lag (1930:173) 1 §"
"""Cited for every period counted in months (investigation, placement review)."""
MOVED_2 = "lag (1930:173) 2 §"
"""Cited for every deadline whose last day was moved to the next working day."""


@dataclass(frozen=True)
class Rule:
    """A deadline rule: its kind, its Swedish label and its sources before/from 2025-07-01.

    other: a further source that always applies (the local guarantee); lvu: cited only for a
    placement under LVU; months: the period is counted in months (lag (1930:173) 1 §).
    """

    kind: str
    label_sv: str
    sol_2001: str | None
    sol_2025: str | None
    other: str = ""
    lvu: str = ""
    months: bool = False

    def citation(self, start_on: dt.date, *, moved: bool = False, lvu: bool = False) -> str:
        """Return the paragraphs that applied to a period starting on ``start_on``.

        The law of that day; ``lvu`` adds LVU (1990:52) 13 § (placement reviews only); a period in
        months adds lag (1930:173) 1 §; ``moved`` (the due date was moved) adds lag (1930:173) 2 §.
        """
        law = self.sol_2025 if start_on >= SOL_2025_FROM else self.sol_2001
        parts = (law, self.other, self.lvu if lvu else "", MONTHS_1 if self.months else "", MOVED_2 if moved else "")
        return "; ".join(part for part in parts if part)


RULES: dict[str, Rule] = {
    rule.kind: rule
    for rule in (
        Rule(PROTECTION_ASSESSMENT, "Skyddsbedömning", "SoL (2001:453) 11 kap. 1 a §",
             "SoL (2025:400) 20 kap. 1 §"),
        Rule(PRELIMINARY_ASSESSMENT, "Förhandsbedömning", "SoL (2001:453) 11 kap. 1 a §",
             "SoL (2025:400) 20 kap. 2 §"),
        Rule(INVESTIGATION, "Utredning", "SoL (2001:453) 11 kap. 2 §", "SoL (2025:400) 20 kap. 3 §",
             months=True),
        Rule(FIRST_CONTACT, "Första kontakt (tjänstegaranti)", None, None,
             "lokal tjänstegaranti (Helsingborg)"),
        Rule(CARE_PLAN, "Vårdplan", "SoL (2001:453) 11 kap. 3 §", "SoL (2025:400) 9 kap. 12-13 §§"),
        Rule(FOSTER_HOME_APPROVAL, "Familjehemsutredning och beslut", "SoL (2001:453) 6 kap. 6 §",
             "SoL (2025:400) 22 kap. 2 §"),
        Rule(PLACEMENT_REVIEW, "Övervägande av placering", "SoL (2001:453) 6 kap. 8 §",
             "SoL (2025:400) 22 kap. 13 §", lvu=LVU_13, months=True),
        Rule(REPORTER_FEEDBACK, "Återkoppling till anmälare", None, "SoL (2025:400) 19 kap. 6 §"),
    )
}


# Every citation of every rule, built once: cite() runs for every deadline of every case.
_CITATIONS = {
    (kind, new_law, moved, lvu): rule.citation(SOL_2025_FROM if new_law else SOL_2025_FROM - dt.timedelta(days=1),
                                               moved=moved, lvu=lvu)
    for kind, rule in RULES.items() for new_law in (False, True) for moved in (False, True) for lvu in (False, True)
}


def cite(kind: str, start_on: dt.date, *, moved: bool = False, lvu: bool = False) -> str:
    """Return the source of deadline ``kind`` as it applied to a period starting on ``start_on``.

    ``moved``: its due date was moved to the next working day (adds lag (1930:173) 2 §); ``lvu``: a
    placement review of a placement under LVU (adds LVU (1990:52) 13 §).
    """
    return _CITATIONS[kind, start_on >= SOL_2025_FROM, moved, lvu]


# --- the rules -----------------------------------------------------------------------------------


def _period_end(day: dt.date, config: DeadlineConfig) -> dt.date:
    """Return the last day of a period, moved by lag (1930:173) 2 § unless strict calendar days."""
    return calendar.move_to_working_day(day) if config.move_to_working_day else day


def protection_assessment_due(report_on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> dt.date:
    """Return the due date of the protection assessment: at once, i.e. the day of the report.

    SoL (2001:453) 11 kap. 1 a § / SoL (2025:400) 20 kap. 1 §: "genast". Prop. 2012/13:10 p. 60
    accepts the next day for a report that comes in late, hence ``protection_assessment_days`` (the
    events carry no time of day, so "late" is the municipality's choice for every report). "Genast"
    is no period under lag (1930:173): the due date is not moved off weekends and holidays (the
    on-call service assesses then) unless the municipality chooses so (``protection_assessment_moves``),
    and then only when it moves periods at all (``move_to_working_day``).
    """
    due = calendar.add_days(report_on, config.protection_assessment_days)
    return _period_end(due, config) if config.protection_assessment_moves else due


def preliminary_assessment_due(report_on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> dt.date:
    """Return the due date of the decision whether to open an investigation: 14 days after the report.

    SoL (2001:453) 11 kap. 1 a § / SoL (2025:400) 20 kap. 2 §: "utan dröjsmål och, om inte
    synnerliga skäl föranleder annat, inom fjorton dagar"; moved by lag (1930:173) 2 §.
    """
    return _period_end(calendar.add_days(report_on, 14), config)


def investigation_due(opened_on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> dt.date:
    """Return the due date of an investigation: four months after it was opened.

    SoL (2001:453) 11 kap. 2 § / SoL (2025:400) 20 kap. 3 §; months by lag (1930:173) 1 §
    (31 Oct + 4 months = 28/29 Feb), moved by 2 §.
    """
    return _period_end(calendar.add_months(opened_on, 4), config)


def investigation_extension(
    current_due: dt.date, decided_on: dt.date, until: dt.date
) -> tuple[dt.date, bool]:
    """Return (new due date, timely) for an extension decided on ``decided_on`` to ``until``.

    SoL (2001:453) 11 kap. 2 § / SoL (2025:400) 20 kap. 3 §: with special reasons the board may
    extend the investigation "för viss tid". The extension must be decided within the four months
    (on or before the current due date): then the deadline becomes the decided date ``until``
    (a date the board chose, not a period, so it is not moved). An extension decided after the
    due date moves nothing and is itself a breach (``timely`` False).
    """
    if decided_on <= current_due:
        return until, True
    return current_due, False


def first_contact_due(opened_on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> dt.date | None:
    """Return the due date of the first contact with the family, or None when the guarantee is off.

    A local service guarantee (Helsingborg's tjänstegaranti), not law: the investigating
    caseworker contacts the family within ``first_contact_working_days`` (default 7) working days
    of the decision to open the investigation. Working days exclude the days of lag (1930:173) 2 §.
    """
    if not config.first_contact_guarantee:
        return None
    return calendar.add_working_days(opened_on, config.first_contact_working_days)


def care_plan_due(placement_started_on: dt.date) -> dt.date:
    """Return the due date of the care plan of a placement: the start date itself, never moved.

    SoL (2001:453) 11 kap. 3 § / SoL (2025:400) 9 kap. 12-13 §§: a care plan (and for children an
    implementation plan) must exist when the child is placed. A plan on that day is met.
    """
    return placement_started_on


def foster_home_approval_due(placement_started_on: dt.date) -> dt.date:
    """Return the due date of the foster-home investigation and decision: the start date, never moved.

    SoL (2001:453) 6 kap. 6 § / SoL (2025:400) 22 kap. 2 §: the home is investigated and the board
    decides on care there (or consents, medgivande) before the child moves in. That day is met.
    """
    return placement_started_on


def placement_review_due(last_on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> dt.date:
    """Return the due date of the next reconsideration of a placement: six months after ``last_on``.

    ``last_on`` is the placement's start or its last review. SoL (2001:453) 6 kap. 8 § /
    SoL (2025:400) 22 kap. 13 § ("minst en gång var sjätte månad"); for a placement under LVU the
    board also decides every six months whether compulsory care should end (LVU (1990:52) 13 §,
    cited only for those). Months by lag (1930:173) 1 §, moved by 2 §.
    """
    return _period_end(calendar.add_months(last_on, 6), config)


def reporter_feedback_due(
    decided_on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG
) -> dt.date | None:
    """Return the due date of the feedback to a reporter who asked for it, or None before the rule.

    SoL (2025:400) 19 kap. 6 §: a reporter who asks is told within a week of the preliminary
    decision whether an investigation was opened; applies to decisions from 2026-01-15 only
    (``REPORTER_FEEDBACK_FROM``). One week = 7 days, moved by lag (1930:173) 2 §.
    """
    if decided_on < REPORTER_FEEDBACK_FROM:
        return None
    return _period_end(calendar.add_days(decided_on, 7), config)


def status_of(due_on: dt.date, met_on: dt.date | None, on: dt.date) -> str:
    """Return met / missed / open / overdue for a deadline due on ``due_on`` as seen on ``on``.

    ``met_on`` must already be None when its event is dated after ``on`` (not yet known).
    """
    if met_on is not None:
        return MET if met_on <= due_on else MISSED
    return OPEN if on <= due_on else OVERDUE


def is_due_soon(due_on: dt.date, status: str, on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> bool:
    """Return True for an open deadline due within the warning horizon (working days) from ``on``."""
    if status != OPEN:
        return False
    return due_on <= calendar.add_working_days(on, config.warning_working_days)


# --- a case's deadline and the self-inspection summary --------------------------------------------


class Deadline(NamedTuple):
    """One deadline of a case as seen on a given day.

    kind: one of DEADLINE_KINDS; started_on: the day its period started; due_on; met_on (the
    event's date, or None); status: met / missed / open / overdue; why: how the due date was reached,
    shown on the case page (``core.explanations.Explanation``: its parts, read as its Swedish text; "" where
    a stored row carries none); source: the citation (by
    ``started_on``). A NamedTuple: immutable and cheap, since every case yields several.
    """

    kind: str
    started_on: dt.date
    due_on: dt.date
    met_on: dt.date | None
    status: str
    why: Explanation | str
    source: str

    @property
    def days_taken(self) -> int | None:
        """Return the calendar days from the start to the event, or None when not done."""
        return None if self.met_on is None else (self.met_on - self.started_on).days

    @property
    def days_late(self) -> int | None:
        """Return the calendar days past the due date (event date, or None while open)."""
        if self.met_on is not None:
            return max(0, (self.met_on - self.due_on).days)
        return None


@dataclass(frozen=True)
class KindSummary:
    """Self-inspection figures for one deadline kind: how many fell due, were met, share, days."""

    kind: str
    due: int
    met: int
    missed: int
    overdue: int
    open: int
    share_met: float | None
    median_days: float | None
    p90_days: float | None


def _percentile(sorted_values: list[int], fraction: float) -> float | None:
    """Return the ``fraction`` percentile by linear interpolation (numpy's default), or None."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def compliance_summary(deadlines: Iterable[Deadline], kinds: Iterable[str] = DEADLINE_KINDS) -> list[KindSummary]:
    """Return one KindSummary per kind for the given deadlines (those due in a period, seen on a day).

    This is the one definition of "share met on time": the egenkontroll, the deadline KPIs of the
    scorecard and the board paper, and the API all count with it. The caller passes the deadlines due
    from the period's first to its last day (inclusive) with their status as seen on a day ``on``
    (``status_of``); then

        share_met = met / (met + missed + overdue)

    and open deadlines are counted apart, not as misses. Reasoning (docs/deadlines.md "The
    self-inspection", docs/governance.md "met on time / fell due in the period"): a deadline is met when
    its event is dated on or before the due day, so one due on the period's last day that has no event
    when seen that day (or a period still running) can still be met: it has not fallen due. Counting it
    as a miss, as a second formula once did, lowered the running period's figure and made the
    scorecard and the egenkontroll disagree. Seen after its due day without an event it is overdue and
    counts against the share. Median and 90th percentile are calendar days from start to event, over
    the deadlines whose event happened (met or missed).
    """
    # One pass that keeps counts and day numbers only (issue 16: the deadlines may be streamed from the
    # database, a city's year of them; memory grows with the days taken, not with the deadline rows).
    counted: dict[str, dict[str, int]] = {kind: {status: 0 for status in STATUSES} for kind in kinds}
    days: dict[str, list[int]] = {kind: [] for kind in counted}
    for deadline in deadlines:
        counts = counted.get(deadline.kind)
        if counts is not None:
            counts[deadline.status] += 1
            if deadline.met_on is not None:
                days[deadline.kind].append((deadline.met_on - deadline.started_on).days)
    summaries = []
    for kind, counts in counted.items():
        taken = days[kind]
        taken.sort()
        fell_due = counts[MET] + counts[MISSED] + counts[OVERDUE]
        summaries.append(
            KindSummary(
                kind=kind,
                due=fell_due,
                met=counts[MET],
                missed=counts[MISSED],
                overdue=counts[OVERDUE],
                open=counts[OPEN],
                share_met=(counts[MET] / fell_due) if fell_due else None,
                median_days=_percentile(taken, 0.5),
                p90_days=_percentile(taken, 0.9),
            )
        )
    return summaries
