"""The life of a child-welfare case as events, and its state on a given day (pure, no Django).

Public, stable API (the workload and simulation areas import it):

* :class:`Event` — one event of a case (kinds in :data:`EVENT_KINDS`).
* :func:`case_state` (events in any order, ``on``, config) -> :class:`CaseState`: the case's
  deadlines (see :mod:`stabil.core.deadlines`), its ``phase`` for workload purposes
  (:data:`PHASES`), its open interventions, open investigations, and its main handler and
  co-handler staff ids. Events dated after ``on`` are not known yet and are ignored.

How events are matched (documented because the results depend on it):

* Events are taken in date order; on the same date in the order of :data:`EVENT_KINDS`.
* ``report_received`` starts a report with a protection-assessment and a preliminary-assessment
  deadline. ``protection_assessed`` and ``preliminary_decided`` meet the earliest report still
  waiting for them. ``investigation_opened`` also counts as the preliminary decision of a report
  still waiting for one (opening an investigation is that decision).
* ``feedback_requested`` marks the latest report; once that report's preliminary decision is
  taken on or after 2026-01-15 (``preliminary_decided``, or ``investigation_opened`` when the
  opening was that decision) the reporter-feedback deadline runs a week from the decision, whether
  the reporter asked before or after it; ``reporter_informed`` meets it.
* ``investigation_opened`` starts an investigation (deadline 4 months) and, when the guarantee is
  on, a first-contact deadline. ``first_contact`` belongs to the earliest open investigation that
  has no contact yet (a contact no open investigation waits for is noted, not dropped silently);
  ``investigation_extended`` and ``investigation_closed`` apply to the earliest investigation
  still open.
* ``intervention_started`` with ``intervention`` in :data:`PLACEMENT_KINDS` starts a placement:
  care-plan deadline, foster-home-approval deadline (``foster_home`` only), and six-monthly
  reviews. ``care_plan_established``/``foster_home_approved`` belong to the placement running on
  their date, else to the next placement that starts after it (a plan made before the move is
  met). ``placement_reviewed`` belongs to the named (else latest) running placement.
  ``intervention_ended`` ends the latest running intervention of the named kind (else the latest).
* A deadline's status is decided by its own event alone: without the event it stays ``open`` or
  ``overdue`` whatever else happened in the case (a report decided without a protection assessment,
  an investigation closed without first contact, a placement ended without a plan or approval),
  so the breach stays visible. The one exception is the *next* placement review: when the
  placement ended on or before that review fell due, nothing is left to review and no review
  deadline arises.
* A deadline's ``source`` is :func:`stabil.core.deadlines.cite` by its start date: with
  LVU (1990:52) 13 § only for the reviews of a placement under LVU, and lag (1930:173) 2 § when
  its due date was moved off a weekend or holiday.
* ``handler_assigned``/``co_handler_assigned`` set the main handler/co-handler (``staff_id``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from stabil.core import calendar
from stabil.core import deadlines as rules
from stabil.core.deadlines import DEFAULT_CONFIG, Deadline, DeadlineConfig, status_of
from stabil.core.explanations import Explanation, Part, moved, part

__all__ = [
    "EVENT_KINDS",
    "INTERVENTION_KINDS",
    "OUTCOMES",
    "PHASES",
    "PLACEMENT_KINDS",
    "CaseState",
    "Event",
    "Intervention",
    "case_state",
]

EVENT_KINDS = (
    "report_received",
    "protection_assessed",
    "feedback_requested",
    "handler_assigned",
    "co_handler_assigned",
    "preliminary_decided",
    "reporter_informed",
    "investigation_opened",
    "first_contact",
    "investigation_extended",
    "investigation_closed",
    "intervention_started",
    "care_plan_established",
    "foster_home_approved",
    "placement_reviewed",
    "intervention_ended",
)
_ORDER = {kind: index for index, kind in enumerate(EVENT_KINDS)}

INTERVENTION_KINDS = ("outpatient", "emergency_foster_home", "foster_home", "residential")
PLACEMENT_KINDS = frozenset({"emergency_foster_home", "foster_home", "residential"})

OUTCOMES = {
    "preliminary_decided": ("investigation", "no_investigation"),
    "investigation_closed": ("intervention", "no_intervention"),
}

PHASES = (
    "preliminary_assessment",
    "investigation",
    "outpatient_followup",
    "placement_followup",
    "foster_home",
    "closed",
)


class Event(NamedTuple):
    """One event of a case. ``until`` only for investigation_extended; ``reason`` free text
    (for intervention_started it may give the legal basis ``SoL`` or ``LVU``).

    A NamedTuple (immutable, hashable, compared by value): bulk imports build hundreds of thousands.
    """

    kind: str
    on: dt.date
    staff_id: str = ""
    outcome: str = ""
    until: dt.date | None = None
    intervention: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Intervention:
    """A running intervention: kind (INTERVENTION_KINDS), start date and legal basis (SoL/LVU/"")."""

    kind: str
    started_on: dt.date
    legal_basis: str = ""

    @property
    def is_placement(self) -> bool:
        """Return True for care outside the child's own home."""
        return self.kind in PLACEMENT_KINDS


@dataclass(frozen=True)
class CaseState:
    """A case as seen on ``on``: deadlines, workload phase, open interventions and handlers.

    ``last_event_on`` is the date of the latest event known on ``on``; ``notes`` lists events that
    matched nothing (e.g. a first contact without an open investigation), in Swedish.
    """

    on: dt.date
    deadlines: tuple[Deadline, ...]
    phase: str
    open_interventions: tuple[Intervention, ...]
    open_investigations: tuple[dt.date, ...]
    main_handler: str | None
    co_handler: str | None
    reported_on: dt.date | None
    notes: tuple[str, ...] = ()
    last_event_on: dt.date | None = None


# --- internal bookkeeping --------------------------------------------------------------------------


@dataclass(slots=True)
class _Report:
    on: dt.date
    protection_on: dt.date | None = None
    decided_on: dt.date | None = None
    decided_by_opening: bool = False
    outcome: str = ""
    feedback_requested_on: dt.date | None = None
    informed_on: dt.date | None = None


@dataclass(slots=True)
class _Investigation:
    opened_on: dt.date
    contact_on: dt.date | None = None
    closed_on: dt.date | None = None
    outcome: str = ""
    extensions: list = field(default_factory=list)  # (decided_on, until, reason)


@dataclass(slots=True)
class _Intervention:
    kind: str
    started_on: dt.date
    legal_basis: str
    ended_on: dt.date | None = None
    plan_on: dt.date | None = None
    approved_on: dt.date | None = None
    reviews: list = field(default_factory=list)

    def running_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


def _deadline(kind, started_on, due_on, met_on, on, why: list[Part], ended_on=None, *, moved=False, lvu=False):
    """Return a Deadline with its status as the contract defines it (issue 4, `docs/deadlines.md`).

    Met or missed is decided by the date of the event alone; while the event has not happened the
    deadline is open or overdue, whatever else happened in the case: an inspector wants to see a
    protection assessment that was never recorded as an open breach, not as a closed one. Only a
    *next* placement review is dropped when its placement ended on or before it fell due, since nothing
    is left to review (``ended_on`` is passed for that deadline alone); a placement that ended after the
    due date without the review leaves it overdue. ``moved`` and ``lvu`` choose the citation
    (lag (1930:173) 2 §, LVU (1990:52) 13 §). ``why`` is the explanation's parts (``core.explanations``).
    """
    if met_on is None and ended_on is not None and ended_on <= due_on:
        return None
    status = status_of(due_on, met_on, on)
    if met_on is None and ended_on is not None:
        why = [*why, part("not_done_placement_ended", ended=ended_on)]
    return Deadline(kind, started_on, due_on, met_on, status, Explanation(why),
                    rules.cite(kind, started_on, moved=moved, lvu=lvu))


def case_state(events: Iterable[Event], on: dt.date, config: DeadlineConfig = DEFAULT_CONFIG) -> CaseState:
    """Return the state of a case on ``on`` from its events (any order; later events are ignored)."""
    known = sorted((e for e in events if e.on <= on), key=lambda e: (e.on, _ORDER.get(e.kind, 99)))
    reports: list[_Report] = []
    investigations: list[_Investigation] = []
    interventions: list[_Intervention] = []
    plans: list[dt.date] = []
    approvals: list[dt.date] = []
    main_handler: str | None = None
    co_handler: str | None = None
    notes: list[str] = []

    for event in known:
        kind = event.kind
        day = event.on
        if kind == "report_received":
            reports.append(_Report(day))
        elif kind == "protection_assessed":
            report = next((r for r in reports if r.protection_on is None), None)
            if report is None:
                notes.append(Explanation([part("note_protection_without_report", day=day)]))
            else:
                report.protection_on = day
        elif kind == "feedback_requested":
            if reports:
                if reports[-1].feedback_requested_on is None:
                    reports[-1].feedback_requested_on = day
            else:
                notes.append(Explanation([part("note_feedback_without_report", day=day)]))
        elif kind == "preliminary_decided":
            report = next((r for r in reports if r.decided_on is None), None)
            if report is None:
                notes.append(Explanation([part("note_preliminary_without_report", day=day)]))
            else:
                report.decided_on = day
                report.outcome = event.outcome
        elif kind == "reporter_informed":
            report = next(
                (r for r in reports if r.feedback_requested_on is not None and r.informed_on is None), None
            ) or next((r for r in reports if r.informed_on is None), None)
            if report is not None:
                report.informed_on = day
        elif kind == "investigation_opened":
            report = next((r for r in reports if r.decided_on is None), None)
            if report is not None:
                report.decided_on = day
                report.decided_by_opening = True
                report.outcome = "investigation"
            investigations.append(_Investigation(day))
        elif kind == "first_contact":
            waiting = [i for i in investigations if i.closed_on is None]
            investigation = next((i for i in waiting if i.contact_on is None), None)
            if investigation is not None:
                investigation.contact_on = day
            elif waiting:
                notes.append(Explanation([part("note_contact_already_made", day=day)]))
            else:
                notes.append(Explanation([part("note_without_open_investigation", day=day, event=kind)]))
        elif kind in ("investigation_extended", "investigation_closed"):
            investigation = next((i for i in investigations if i.closed_on is None), None)
            if investigation is None:
                notes.append(Explanation([part("note_without_open_investigation", day=day, event=kind)]))
            elif kind == "investigation_extended":
                investigation.extensions.append((day, event.until, event.reason))
            else:
                investigation.closed_on = day
                investigation.outcome = event.outcome
        elif kind == "intervention_started":
            basis = event.reason.strip().upper() if event.reason.strip().upper() in ("SOL", "LVU") else ""
            interventions.append(_Intervention(event.intervention, day, "SoL" if basis == "SOL" else basis))
        elif kind == "care_plan_established":
            plans.append(day)
        elif kind == "foster_home_approved":
            approvals.append(day)
        elif kind == "placement_reviewed":
            running = [p for p in interventions if p.kind in PLACEMENT_KINDS and p.running_on(day)]
            named = [p for p in running if p.kind == event.intervention] if event.intervention else []
            target = (named or running or [None])[-1]
            if target is None:
                notes.append(Explanation([part("note_review_without_placement", day=day)]))
            else:
                target.reviews.append(day)
        elif kind == "intervention_ended":
            running = [p for p in interventions if p.ended_on is None]
            named = [p for p in running if p.kind == event.intervention] if event.intervention else []
            target = (named or running or [None])[-1]
            if target is None:
                notes.append(Explanation([part("note_ended_without_intervention", day=day)]))
            else:
                target.ended_on = day
        elif kind == "handler_assigned":
            main_handler = event.staff_id or None
        elif kind == "co_handler_assigned":
            co_handler = event.staff_id or None

    placements = [p for p in interventions if p.kind in PLACEMENT_KINDS]
    _assign(plans, placements, "plan_on")
    _assign(approvals, [p for p in placements if p.kind == "foster_home"], "approved_on")

    found: list[Deadline | None] = []
    protection_text = {0: "protection_same_day", 1: "protection_next_day"}.get(config.protection_assessment_days,
                                                                            "protection_days")
    for report in reports:
        raw = report.on + dt.timedelta(days=config.protection_assessment_days)
        due = rules.protection_assessment_due(report.on, config)
        found.append(_deadline(
            rules.PROTECTION_ASSESSMENT, report.on, due, report.protection_on, on,
            [part(protection_text, report=report.on, days=config.protection_assessment_days, raw=raw,
                  moved=moved(raw, due))],
            moved=raw != due,
        ))
        raw = report.on + dt.timedelta(days=14)
        due = rules.preliminary_assessment_due(report.on, config)
        met_by = [part("decided_by_opening")] if report.decided_by_opening else []
        found.append(_deadline(
            rules.PRELIMINARY_ASSESSMENT, report.on, due, report.decided_on, on,
            [part("preliminary", report=report.on, raw=raw, moved=moved(raw, due)), *met_by],
            moved=raw != due,
        ))
        if report.feedback_requested_on is not None and report.decided_on is not None:
            if report.decided_on >= rules.REPORTER_FEEDBACK_FROM:
                # A week from the preliminary decision (issue 4's table), whenever the reporter asked.
                start = report.decided_on
                due = rules.reporter_feedback_due(start, config)
                raw = start + dt.timedelta(days=7)
                found.append(_deadline(
                    rules.REPORTER_FEEDBACK, start, due, report.informed_on, on,
                    [part("feedback", requested=report.feedback_requested_on, decided=report.decided_on, raw=raw,
                          moved=moved(raw, due))],
                    moved=raw != due,
                ))

    for inv in investigations:
        raw = calendar.add_months(inv.opened_on, 4)
        due = rules.investigation_due(inv.opened_on, config)
        why = [part("investigation", opened=inv.opened_on, raw=raw, moved=moved(raw, due))]
        was_moved = raw != due  # until a timely extension puts the board's own date in its place
        for decided_on, until, _reason in inv.extensions:
            if until is None or (inv.closed_on is not None and decided_on > inv.closed_on):
                continue
            new_due, timely = rules.investigation_extension(due, decided_on, until)
            if timely:
                why.append(part("extended", decided=decided_on, until=until))
                was_moved = False
            else:
                why.append(part("extension_late", decided=decided_on, due=due))
            due = new_due
        found.append(_deadline(rules.INVESTIGATION, inv.opened_on, due, inv.closed_on, on, why, moved=was_moved))
        due = rules.first_contact_due(inv.opened_on, config)
        if due is not None:
            found.append(_deadline(
                rules.FIRST_CONTACT, inv.opened_on, due, inv.contact_on, on,
                [part("first_contact", opened=inv.opened_on, days=config.first_contact_working_days, due=due)],
            ))

    for placement in placements:
        found.append(_deadline(
            rules.CARE_PLAN, placement.started_on, rules.care_plan_due(placement.started_on),
            placement.plan_on, on, [part("care_plan", intervention=placement.kind, started=placement.started_on)],
        ))
        if placement.kind == "foster_home":
            found.append(_deadline(
                rules.FOSTER_HOME_APPROVAL, placement.started_on,
                rules.foster_home_approval_due(placement.started_on), placement.approved_on, on,
                [part("foster_home_approval", intervention=placement.kind, started=placement.started_on)],
            ))
        lvu = placement.legal_basis == "LVU"
        review_text = "review_lvu" if lvu else "review"
        last = placement.started_on
        for review_on in sorted(placement.reviews):
            raw = calendar.add_months(last, 6)
            due = rules.placement_review_due(last, config)
            found.append(_deadline(
                rules.PLACEMENT_REVIEW, last, due, review_on, on,
                [part(review_text, last=last, raw=raw, moved=moved(raw, due))],
                moved=raw != due, lvu=lvu,
            ))
            last = review_on
        raw = calendar.add_months(last, 6)
        due = rules.placement_review_due(last, config)
        found.append(_deadline(
            rules.PLACEMENT_REVIEW, last, due, None, on,
            [part(review_text, last=last, raw=raw, moved=moved(raw, due))],
            placement.ended_on, moved=raw != due, lvu=lvu,
        ))

    deadlines = tuple(d for d in found if d is not None)
    open_interventions = tuple(
        Intervention(p.kind, p.started_on, p.legal_basis) for p in interventions if p.ended_on is None
    )
    open_investigations = tuple(i.opened_on for i in investigations if i.closed_on is None)
    phase = _phase(reports, investigations, interventions, open_interventions, open_investigations)
    return CaseState(
        on=on,
        deadlines=deadlines,
        phase=phase,
        open_interventions=open_interventions,
        open_investigations=open_investigations,
        main_handler=main_handler,
        co_handler=co_handler,
        reported_on=reports[0].on if reports else None,
        notes=tuple(notes),
        last_event_on=known[-1].on if known else None,
    )


def _assign(days: list[dt.date], placements: list[_Intervention], attr: str) -> None:
    """Give each plan/approval date to the placement running then, else to the next one to start."""
    for day in sorted(days):
        running = [p for p in placements if getattr(p, attr) is None and p.running_on(day)]
        if running:
            setattr(running[-1], attr, day)
            continue
        upcoming = [p for p in placements if getattr(p, attr) is None and p.started_on > day]
        if upcoming:
            setattr(upcoming[0], attr, day)


def _phase(reports, investigations, interventions, open_interventions, open_investigations) -> str:
    """Return the workload phase: the heaviest open work on the case wins."""
    if open_investigations:
        return "investigation"
    if any(r.decided_on is None for r in reports):
        return "preliminary_assessment"
    kinds = {i.kind for i in open_interventions}
    if "foster_home" in kinds:
        return "foster_home"
    if kinds & PLACEMENT_KINDS:
        return "placement_followup"
    if "outpatient" in kinds:
        return "outpatient_followup"
    closed = [i for i in investigations if i.closed_on is not None]
    if closed:
        last = max(closed, key=lambda i: i.closed_on)
        if last.outcome == "intervention" and not any(p.started_on >= last.closed_on for p in interventions):
            # Decided on an intervention that has not started yet: follow-up work is under way.
            return "outpatient_followup"
    return "closed"
