"""Ranked suggestions of caseworkers for a new case; the manager decides.

Pure Python, no Django. Three filters, then a ranking, each step giving a Swedish reason:

1. Eligibility (the competence rule lives in ``core/eligibility.py``; the Django layer passes its
   verdict in as flags): a person who may only be co-handler (for example a first-year graduate
   without the experience SoL 2001:453 3 kap 3 a § / SoL 2025:400 25 kap 1 § require for
   independent work, or someone without a relevant degree) is never proposed as main caseworker;
   an agency consultant, who has no decision authority, is never proposed where the role needs a
   decision maker.
2. Capacity: a person who has no capacity this month (e.g. on leave), or whose load would go above
   the red threshold with the new case, is not proposed.
3. Fit: people who work with the case's type (their team's specialisation) rank first.

4. Presence: a person absent half or more of the coming four weeks' working days (leave already
   recorded) is not proposed; a shorter absence is shown as a reason and ranks them after those present.

Among those left, the ranking is: fits the case type, already knows the child, same team as the
case, no absence ahead, then the lowest load after taking the case; ties by staff id so the result is
deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from stabil.core.workload import (
    CO,
    MAIN,
    STATUS_LABELS_SV,
    WORK_TYPE_LABELS_SV,
    CaseAssignment,
    WorkloadConfig,
    case_hours,
    format_percent_sv,
    load_ratio,
    work_type,
)


#: A person absent this share or more of the coming four weeks' working days is not proposed: the first
#: weeks of a case (protection and preliminary assessment, first contact) cannot wait for them.
ABSENCE_AHEAD_LIMIT = 0.5


@dataclass(frozen=True)
class NewCase:
    """The case to allocate: the phase it starts in, its category and complexity."""

    case_id: str
    phase: str
    category: str = "barn"
    complexity: tuple[str, ...] = ()
    unit: str = ""
    team: str = ""
    needs_decision_maker: bool = False


@dataclass(frozen=True)
class Candidate:
    """A caseworker who could take the case, with their current load and eligibility."""

    staff_id: str
    demand_hours: float
    capacity_hours: float
    unit: str = ""
    team: str = ""
    may_assess: bool = True  # may do child-welfare casework at all (competence requirement)
    may_be_main: bool = True
    may_decide: bool = True
    ineligible_reason: str = ""  # Swedish, from the eligibility rule, shown when excluded
    work_types: frozenset[str] = field(default_factory=frozenset)  # empty: works with every type
    knows_child: bool = False
    absence_ahead: float = 0.0  # share of the working days in the coming weeks already booked as absence


@dataclass(frozen=True)
class Suggestion:
    """One ranked caseworker with the reasons for the rank."""

    rank: int
    staff_id: str
    role: str
    load_before: float | None
    load_after: float | None
    status_after: str
    added_hours: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "staff_id": self.staff_id,
            "role": self.role,
            "load_before": None if self.load_before is None else round(self.load_before, 4),
            "load_after": None if self.load_after is None else round(self.load_after, 4),
            "status_after": self.status_after,
            "added_hours": round(self.added_hours, 2),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Exclusion:
    """A caseworker who was not proposed, and why."""

    staff_id: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"staff_id": self.staff_id, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class AllocationResult:
    case_id: str
    role: str
    added_hours: float
    suggestions: list[Suggestion]
    excluded: list[Exclusion]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "role": self.role,
            "added_hours": round(self.added_hours, 2),
            "suggestions": [s.to_dict() for s in self.suggestions],
            "excluded": [e.to_dict() for e in self.excluded],
        }


def candidate_flags(eligibility: Any) -> dict[str, Any]:
    """Return the Candidate eligibility fields from a ``core.eligibility.Eligibility`` verdict."""
    return {
        "may_assess": bool(eligibility.may_assess),
        "may_be_main": bool(eligibility.may_be_main_handler),
        "may_decide": bool(eligibility.may_take_decisions),
        "ineligible_reason": " ".join(eligibility.reasons),
    }


def suggest(
    config: WorkloadConfig,
    case: NewCase,
    candidates: Iterable[Candidate],
    *,
    role: str = MAIN,
    limit: int | None = None,
) -> AllocationResult:
    """Return the eligible caseworkers with capacity for this case, ranked, and the excluded ones."""
    kind = work_type(case.phase, case.category)
    if kind is None:
        raise ValueError("Ett avslutat ärende kan inte fördelas")
    added = case_hours(
        config,
        CaseAssignment(case.case_id, case.phase, role, case.category, tuple(case.complexity)),
    )
    kind_label = WORK_TYPE_LABELS_SV[kind]
    ranked: list[tuple[tuple[Any, ...], Candidate, float | None, float | None, list[str]]] = []
    excluded: list[Exclusion] = []
    for c in candidates:
        why_not: list[str] = []
        if not c.may_assess:
            why_not.append(c.ineligible_reason or "Uppfyller inte behörighetskravet för myndighetsutövning")
        elif role == MAIN and not c.may_be_main:
            why_not.append(c.ineligible_reason or "Får bara vara medhandläggare, inte huvudhandläggare")
        if case.needs_decision_maker and role == MAIN and not c.may_decide:
            why_not.append("Saknar beslutsbefogenhet (inhyrd konsult) och ärendet kräver beslutsfattare")
        before = load_ratio(c.demand_hours, c.capacity_hours)
        after = load_ratio(c.demand_hours + added, c.capacity_hours)
        if c.capacity_hours <= 0:
            why_not.append("Ingen tillgänglig kapacitet denna månad (frånvaro eller ingen tjänstgöring)")
        elif after is not None and after > config.red_above:
            why_not.append(
                f"Saknar utrymme: belastningen skulle bli {format_percent_sv(after)} "
                f"(nu {format_percent_sv(before)})"
            )
        if c.absence_ahead >= ABSENCE_AHEAD_LIMIT:
            why_not.append(f"Frånvarande {format_percent_sv(c.absence_ahead)} av arbetsdagarna de kommande "
                           "fyra veckorna")
        if why_not:
            excluded.append(Exclusion(c.staff_id, tuple(why_not)))
            continue
        fits = not c.work_types or kind in c.work_types
        same_team = bool(case.team) and c.team == case.team
        reasons = []
        reasons.append("Behörig som huvudhandläggare" if role == MAIN else "Kan vara medhandläggare")
        if c.work_types:
            reasons.append(
                f"Arbetar med {kind_label}" if fits else f"Arbetar vanligen inte med {kind_label}"
            )
        if c.knows_child:
            reasons.append("Känner barnet från tidigare ärende (kontinuitet)")
        if same_team:
            reasons.append("Samma team som ärendet")
        if c.absence_ahead > 0:
            reasons.append(f"Frånvarande {format_percent_sv(c.absence_ahead)} av arbetsdagarna de kommande "
                           "fyra veckorna")
        status_after = config.status(after)
        reasons.append(
            f"Belastning {format_percent_sv(before)} → {format_percent_sv(after)} "
            f"({STATUS_LABELS_SV[status_after]})"
        )
        key = (not fits, not c.knows_child, not same_team, c.absence_ahead > 0,
               after if after is not None else 0.0, c.staff_id)
        ranked.append((key, c, before, after, reasons))
    ranked.sort(key=lambda item: item[0])
    if limit is not None:
        ranked = ranked[:limit]
    suggestions = [
        Suggestion(
            rank=i,
            staff_id=c.staff_id,
            role=role,
            load_before=before,
            load_after=after,
            status_after=config.status(after),
            added_hours=added,
            reasons=tuple(reasons),
        )
        for i, (_key, c, before, after, reasons) in enumerate(ranked, start=1)
    ]
    excluded.sort(key=lambda e: e.staff_id)
    return AllocationResult(case.case_id, role, added, suggestions, excluded)


__all__ = ["CO", "MAIN", "AllocationResult", "Candidate", "Exclusion", "NewCase", "Suggestion", "suggest"]
