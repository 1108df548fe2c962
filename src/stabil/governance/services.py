"""Writes for governance. Keyword-only functions taking the acting user as ``by``.

Each write runs in one transaction; django-auditlog records who changed what and when (the
web middleware sets the actor; ``by`` is also stored where the row has a by/created_by field).
Nothing is deleted: ``archive`` sets ``archived_at``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from stabil.accounts.policy import may_change_for_unit
from stabil.core import kpi as core_kpi

from .models import (
    ActionPlan,
    Board,
    FollowUp,
    Goal,
    Kpi,
    KpiEntry,
    KpiSnapshot,
    KpiTarget,
    Measure,
    Perspective,
    Risk,
    Scorecard,
    SelfInspectionCheck,
    SelfInspectionResult,
)
from .selectors import computed_kpis, scorecard_through, year_period


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _check_unit(by, *units) -> None:
    """Refuse a change of a row tied to a unit ``by`` does not see (``policy.may_change_for_unit``)."""
    for unit in units:
        if not may_change_for_unit(_user(by), unit):
            raise PermissionDenied("utanför dina enheter")


class _Actor:
    """Attribute auditlog entries to ``by`` also outside a web request (CLI, tests)."""

    def __init__(self, by):
        self.by = _user(by)
        self._context = None

    def __enter__(self):
        if self.by is not None:
            self._context = set_actor(self.by)
            self._context.__enter__()
        return self

    def __exit__(self, *exc):
        if self._context is not None:
            return self._context.__exit__(*exc)
        return False


def board_get_or_create(*, by, code: str, name: str) -> Board:
    with transaction.atomic(), _Actor(by):
        board, _ = Board.objects.get_or_create(code=code, defaults={"name": name, "created_by": _user(by)})
        return board


def scorecard_create(*, by, board: Board, first_year: int, title: str, registration_number: str = "") -> Scorecard:
    with transaction.atomic(), _Actor(by):
        return Scorecard.objects.create(board=board, first_year=first_year, title=title,
                                        registration_number=registration_number, created_by=_user(by))


def perspective_add(*, by, scorecard: Scorecard, name: str, order: int = 0) -> Perspective:
    with transaction.atomic(), _Actor(by):
        return Perspective.objects.create(scorecard=scorecard, name=name, order=order, created_by=_user(by))


def goal_add(*, by, perspective: Perspective, text: str, strategy: str = "", order: int = 0) -> Goal:
    with transaction.atomic(), _Actor(by):
        return Goal.objects.create(perspective=perspective, text=text, strategy=strategy, order=order,
                                   created_by=_user(by))


def kpi_add(*, by, goal: Goal, name: str, computed: str = "", unit: str | None = None,
            direction: str | None = None, org_unit=None, order: int = 0,
            targets: dict[int, float] | None = None) -> Kpi:
    """Add a KPI to a goal; a computed one takes its unit and direction from the registry."""
    if computed:
        definition = core_kpi.definition(computed)
        unit = definition.unit
        direction = definition.direction
    with transaction.atomic(), _Actor(by):
        kpi = Kpi.objects.create(goal=goal, name=name, computed=computed, unit=unit or core_kpi.PERCENT,
                                 direction=direction or core_kpi.HIGHER, org_unit=org_unit, order=order,
                                 created_by=_user(by))
        for year, target in (targets or {}).items():
            KpiTarget.objects.create(kpi=kpi, year=year, target=Decimal(str(target)))
        return kpi


def kpi_update(*, by, kpi: Kpi, name: str, computed: str, unit: str, direction: str, org_unit) -> Kpi:
    if computed:
        definition = core_kpi.definition(computed)
        unit, direction = definition.unit, definition.direction
    _check_unit(by, kpi.org_unit_id, org_unit)
    with transaction.atomic(), _Actor(by):
        kpi.name, kpi.computed, kpi.unit, kpi.direction, kpi.org_unit = name, computed, unit, direction, org_unit
        kpi.save()
        return kpi


def kpi_target_set(*, by, kpi: Kpi, year: int, target: float | Decimal | None) -> KpiTarget | None:
    """Set (or change) the KPI's target for a year; None leaves an existing target as it is."""
    if target is None:
        return None
    _check_unit(by, kpi.org_unit_id)
    with transaction.atomic(), _Actor(by):
        row, created = KpiTarget.objects.get_or_create(kpi=kpi, year=year, defaults={"target": Decimal(str(target))})
        if not created and row.target != Decimal(str(target)):
            row.target = Decimal(str(target))
            row.save()
        return row


def kpi_entry_set(*, by, kpi: Kpi, year: int, value: float | Decimal, note: str = "") -> KpiEntry:
    """Enter (or correct) the outcome of an entered KPI for a year."""
    if kpi.computed:
        raise ValueError("Mätetalet beräknas av Stabil och kan inte matas in.")
    _check_unit(by, kpi.org_unit_id)
    with transaction.atomic(), _Actor(by):
        row, _ = KpiEntry.objects.update_or_create(
            kpi=kpi, year=year, defaults={"value": Decimal(str(value)), "note": note, "entered_by": _user(by)}
        )
        return row


def kpi_snapshots_take(*, by, first_day: dt.date, last_day: dt.date, unit_code: str = "",
                       progress=None) -> dict[str, core_kpi.KpiValue]:
    """Compute every registered KPI for the period and scope now and store it as its snapshot (replacing the
    one before); return the values. Derived data: replaced, not audited.

    The only writer of ``KpiSnapshot``: called by the scorecard's "Räkna om och spara mätetalen" (editors)
    and by the demo build, never by a page view (docs/governance.md, "Computed values").
    """
    values = computed_kpis(first_day=first_day, last_day=last_day, unit_codes=[unit_code] if unit_code else None,
                           progress=progress)
    with transaction.atomic():
        for value in values:
            KpiSnapshot.objects.update_or_create(
                code=value.kpi, unit_code=unit_code, first_day=first_day, last_day=last_day,
                defaults={"value": value.value, "numerator": value.numerator, "denominator": value.denominator},
            )
    return {value.kpi: value for value in values}


def scorecard_snapshots_take(*, by, scorecard: Scorecard, today: dt.date) -> int:
    """Take the snapshots of every period and scope a scorecard's computed KPIs show: each plan year that has
    begun (the running year up to the end of the reporting period on ``today``, the scorecard's one period
    rule: ``selectors.scorecard_through``), for the whole organisation and each unit a KPI names.
    Return how many periods and scopes were taken."""
    units = {kpi.org_unit.code if kpi.org_unit_id else "" for kpi in
             Kpi.objects.filter(goal__perspective__scorecard=scorecard, archived_at__isnull=True)
             .exclude(computed="").select_related("org_unit")}
    taken = 0
    through = scorecard_through(today)
    for year in scorecard.years:
        bounds = year_period(year, through)
        if bounds is None:
            continue
        first_day, last_day = bounds
        for unit_code in sorted(units):
            kpi_snapshots_take(by=by, first_day=first_day, last_day=last_day, unit_code=unit_code)
            taken += 1
    return taken


def plan_create(*, by, board: Board, title: str, registration_number: str = "", decided_on: dt.date | None = None,
                budget_sek: float = 0, purpose: str = "") -> ActionPlan:
    with transaction.atomic(), _Actor(by):
        return ActionPlan.objects.create(board=board, title=title, registration_number=registration_number,
                                         decided_on=decided_on, budget_sek=Decimal(str(budget_sek)),
                                         purpose=purpose, created_by=_user(by))


def measure_add(*, by, plan: ActionPlan, title: str, how: str, expected_result: str, due_on: dt.date,
                cost_sek: float, responsible: str, status: str = "planned", number: int | None = None,
                goals=(), kpis=(), risks=()) -> Measure:
    with transaction.atomic(), _Actor(by):
        if number is None:
            number = (plan.measures.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        measure = Measure.objects.create(plan=plan, number=number, title=title, how=how,
                                         expected_result=expected_result, due_on=due_on,
                                         cost_sek=Decimal(str(cost_sek)), responsible=responsible, status=status,
                                         created_by=_user(by))
        measure.goals.set(goals)
        measure.kpis.set(kpis)
        measure.risks.set(risks)
        return measure


def measure_update(*, by, measure: Measure, **fields) -> Measure:
    """Change a measure's fields (and its links: goals, kpis, risks)."""
    links = {name: fields.pop(name) for name in ("goals", "kpis", "risks") if name in fields}
    with transaction.atomic(), _Actor(by):
        for name, value in fields.items():
            setattr(measure, name, value)
        measure.save()
        for name, value in links.items():
            getattr(measure, name).set(value)
        return measure


def follow_up_record(*, by, measure: Measure, on: dt.date, status: str, note: str) -> FollowUp:
    """Record a dated follow-up and move the measure to the status it reports."""
    with transaction.atomic(), _Actor(by):
        follow_up = FollowUp.objects.create(measure=measure, on=on, status=status, note=note, by=_user(by))
        if measure.status != status:
            measure.status = status
            measure.save(update_fields=["status"])
        return follow_up


def risk_create(*, by, board: Board, title: str, likelihood: int, consequence: int, owner: str,
                review_on: dt.date, description: str = "", source: str = Risk.Source.QUALITY,
                org_unit=None) -> Risk:
    _check_unit(by, org_unit)
    with transaction.atomic(), _Actor(by):
        risk = Risk(board=board, title=title, likelihood=likelihood, consequence=consequence, owner=owner,
                    review_on=review_on, description=description, source=source, org_unit=org_unit,
                    created_by=_user(by))
        risk.full_clean()
        risk.save()
        return risk


def risk_update(*, by, risk: Risk, **fields) -> Risk:
    _check_unit(by, risk.org_unit_id, fields.get("org_unit"))
    with transaction.atomic(), _Actor(by):
        for name, value in fields.items():
            setattr(risk, name, value)
        risk.full_clean()
        risk.save()
        return risk


def check_create(*, by, board: Board, name: str, frequency: str, responsible: str, first_due_on: dt.date,
                 method: str = "", kind: str = SelfInspectionCheck.Kind.MANUAL) -> SelfInspectionCheck:
    with transaction.atomic(), _Actor(by):
        return SelfInspectionCheck.objects.create(board=board, name=name, frequency=frequency,
                                                  responsible=responsible, first_due_on=first_due_on,
                                                  method=method, kind=kind, created_by=_user(by))


def check_result_record(*, by, check: SelfInspectionCheck, performed_on: dt.date, passed: bool,
                        deviations: int, summary: str) -> SelfInspectionResult:
    with transaction.atomic(), _Actor(by):
        return SelfInspectionResult.objects.create(check_item=check, performed_on=performed_on, passed=passed,
                                                   deviations=deviations, summary=summary, by=_user(by))


def archive(*, by, obj) -> None:
    """Archive a governance row (never deleted); it stays in history and the audit log."""
    _check_unit(by, getattr(obj, "org_unit_id", None))
    with transaction.atomic(), _Actor(by):
        obj.archived_at = timezone.now()
        obj.save(update_fields=["archived_at"])
