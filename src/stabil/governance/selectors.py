"""Reads for governance: the statistics table, computed KPIs, scorecards and the board report.

Counting and KPI rules live in ``stabil.core.statistics`` and ``stabil.core.kpi``; this module
only fetches rows and hands them over. Staff KPIs come from the staff area's report
(``stabil.staff.selectors.staff_report``), loads from the workload area
(``stabil.workload.selectors.workload_on``), deadlines and case events from the cases area's reader
(``stabil.cases.selectors``: ``egenkontroll``, ``investigations_opened``, ``intervention_events``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from stabil.cases import selectors as case_selectors
from stabil.feeds import selectors as feeds_selectors
from stabil.common.periods import period_label, reporting_period
from stabil.core import calendar, statistics, suppression
from stabil.core import kolada as core_kolada
from stabil.core import kpi as core_kpi
from stabil.core.statistics import MonthRange, YearOverYearTable
from stabil.organisation import selectors as organisation
from stabil.records import selectors as records_selectors
from stabil.staff.selectors import staff_report
from stabil.workload import selectors as workload_selectors

from .models import (
    FREQUENCY_MONTHS,
    ActionPlan,
    Board,
    Kpi,
    KpiSnapshot,
    Measure,
    Risk,
    Scorecard,
    SelfInspectionCheck,
    Status,
)

SNAPSHOT_MAX_AGE = dt.timedelta(hours=1)

DEADLINE_KPIS = {
    "preliminary_assessment_within_14_days": "preliminary_assessment",
    "investigation_within_4_months": "investigation",
    "first_contact_within_guarantee": "first_contact",
    "placement_review_on_time": "placement_review",
}


#: Computed KPIs that are a share of people (staff): hidden in public when either count is small.
STAFF_SHARE_KPIS = ("caseworkers_socionom_3_years", "caseworkers_above_full_load")


def kpi_hidden_in_public(value: core_kpi.KpiValue, threshold: int, *, single_unit: bool = False) -> bool:
    """Return True when a computed KPI must not be published (``core.suppression`` rules 1, 4 and 5).

    Deadline shares and shares of staff: when a count behind them is small (``suppress_share``).
    Staff turnover: when the number of leavers is small. The share of units with sick leave under
    5 %: for a single unit (it would say whether that unit's sick leave is under 5 %, a sick-leave
    figure of a group that may be ten or fewer).
    """
    code = value.kpi
    if value.numerator is None or value.denominator is None:
        return False
    numerator, denominator = int(round(value.numerator)), int(round(value.denominator))
    if code in DEADLINE_KPIS or code in STAFF_SHARE_KPIS:
        return bool(value.denominator) and suppression.suppress_share(numerator, denominator, threshold)
    if code == "staff_turnover_rate":
        return suppression.is_small(numerator, threshold)
    if code == "units_sick_leave_below_5_percent":
        return single_unit
    return False


def default_threshold() -> int:
    """Return the suppression threshold: the setting STABIL_SUPPRESSION_THRESHOLD, else 4."""
    return int(getattr(settings, "STABIL_SUPPRESSION_THRESHOLD", suppression.DEFAULT_THRESHOLD))


# --- the statistics table ---------------------------------------------------------------------


def statistics_table(*, years: Sequence[int], months: MonthRange, unit_ids: Sequence[int] | None = None,
                     progress=None) -> YearOverYearTable:
    """Return the Värmdö table from case events (counting rules in ``stabil.core.statistics``), read through
    ``cases.selectors``."""
    years = sorted(years)
    first_day = months.first_day(years[0])
    last_day = months.last_day(years[-1])
    opened = case_selectors.investigations_opened(first_day, last_day, unit_ids=unit_ids)
    if progress is not None:
        progress.advance(1, "utredningar hämtade")
    # Interventions: every start/end event up to the last day, of cases with a start by then.
    rows = case_selectors.intervention_events(last_day, unit_ids=unit_ids)
    spells: list[tuple[str, dt.date, dt.date | None]] = []
    for _case_pk, case_rows in groupby(rows, key=lambda r: r[0]):
        case_rows = list(case_rows)
        category = case_rows[0][1]
        for started_on, ended_on in statistics.intervention_spells((k, on, i or "") for _, _, k, on, i in case_rows):
            if ended_on is None or ended_on >= first_day:
                spells.append((category, started_on, ended_on))
    # Children whose data were removed (retention, issue 15) still count: their figures were kept at removal.
    removed_opened, removed_spells = records_selectors.removed_statistics(first_day, last_day, unit_ids)
    opened += removed_opened
    spells += [spell for spell in removed_spells if spell[2] is None or spell[2] >= first_day]
    if progress is not None:
        progress.advance(1, "insatser hämtade")
    table = statistics.year_over_year(investigations_opened=opened, interventions=spells, years=years,
                                      months=months)
    if progress is not None:
        progress.advance(1, "tabellen räknad")
    return table


# --- computed KPIs ----------------------------------------------------------------------------


def deadline_values(first_day: dt.date, last_day: dt.date, unit_ids: Sequence[int] | None,
                    progress=None) -> dict[str, core_kpi.KpiValue]:
    """Return the four deadline KPIs: the egenkontroll's share met for the period, seen as of today.

    One definition of "met on time" (``core.deadlines.compliance_summary``, read through
    ``cases.selectors.egenkontroll``): met / (met + missed + overdue) among the deadlines due in the
    period; a deadline still open (due today or later, no event yet) has not fallen due and is not counted.
    """
    report = case_selectors.egenkontroll(first_day, last_day, unit_ids=unit_ids)
    if progress is not None:
        progress.advance(1, "frister hämtade")
    by_kind = {summary.kind: summary for summary in report.summaries}
    return {
        code: core_kpi.share(code, by_kind[kind].met, by_kind[kind].due)
        for code, kind in DEADLINE_KPIS.items()
    }


def _staff_values(first_day: dt.date, last_day: dt.date, units) -> dict[str, core_kpi.KpiValue]:
    report = staff_report(first_day, last_day, units)
    ended = sum(row["turnover"]["ended"] for row in report)
    headcount = sum(row["turnover"]["average_headcount"] for row in report)
    sick_shares = [row["sick_hours"]["share"] for row in report]
    consultant_fte = sum(row["consultants"]["fte"] for row in report)
    filled_fte = sum(row["consultants"]["filled_fte"] for row in report)
    cost = sum(row["consultants"]["cost_sek"] for row in report)
    investigators = sum(row["eligibility"]["investigators"] for row in report)
    qualified = sum(
        round((row["eligibility"]["socionom_3_years_or_more"] or 0) * row["eligibility"]["investigators"])
        for row in report
    )
    return {
        "staff_turnover_rate": core_kpi.turnover_rate(ended, headcount),
        "units_sick_leave_below_5_percent": core_kpi.units_sick_leave_below(sick_shares),
        "consultant_share": core_kpi.consultant_share(min(consultant_fte, filled_fte), filled_fte),
        "consultant_cost_sek": core_kpi.consultant_cost(cost, consultant_fte),
        "caseworkers_socionom_3_years": core_kpi.caseworkers_socionom_3_years(qualified, investigators),
    }


def _load_values(last_day: dt.date, units) -> dict[str, core_kpi.KpiValue]:
    unit_ids = [unit.pk for unit in units]
    view = workload_selectors.workload_on(on=last_day, unit_ids=unit_ids) if unit_ids else None
    loads = [p.load for p in view.result.people] if view else []
    return {"caseworkers_above_full_load": core_kpi.caseworkers_above_full_load(loads)}


def computed_kpis(*, first_day: dt.date, last_day: dt.date, unit_codes: Sequence[str] | None = None,
                  progress=None) -> list[core_kpi.KpiValue]:
    """Return every registered KPI computed for the period and units (all units when None)."""
    units = organisation.units() if unit_codes is None else organisation.units().filter(code__in=list(unit_codes))
    units = list(units.order_by("code"))
    unit_ids = None if unit_codes is None else [unit.pk for unit in units]
    values: dict[str, core_kpi.KpiValue] = {}
    values.update(deadline_values(first_day, last_day, unit_ids, progress))
    values.update(_staff_values(first_day, last_day, units))
    values.update(_load_values(last_day, units))
    return [values[code] for code in core_kpi.REGISTRY]


def snapshot_values(*, first_day: dt.date, last_day: dt.date, unit_code: str = "",
                    progress=None) -> dict[str, core_kpi.KpiValue]:
    """Return the KPI values for the period and scope: the stored snapshot when there is a usable one, else
    computed now. A read: snapshots are taken only by ``services.kpi_snapshots_take`` (docs/governance.md).

    A snapshot of a past period is used as it is; one of a period still running only while younger than
    ``SNAPSHOT_MAX_AGE`` (events arrive). Values computed here are kept in the process's cache for as long,
    so that the scorecard page is not recomputed on every view; they are not stored.
    """
    rows = list(KpiSnapshot.objects.filter(unit_code=unit_code, first_day=first_day, last_day=last_day))
    stored = {s.code: core_kpi.KpiValue(s.code, s.value, s.numerator, s.denominator) for s in rows}
    stale = bool(rows) and last_day >= timezone.localdate() - dt.timedelta(days=1) and (
        min(s.computed_at for s in rows) < timezone.now() - SNAPSHOT_MAX_AGE)
    if not stale and set(stored) == set(core_kpi.REGISTRY):
        return stored
    key = f"governance:kpis:{unit_code}:{first_day.isoformat()}:{last_day.isoformat()}"
    values = cache.get(key)
    if values is None:
        values = {v.kpi: v for v in computed_kpis(first_day=first_day, last_day=last_day,
                                                  unit_codes=[unit_code] if unit_code else None, progress=progress)}
        cache.set(key, values, SNAPSHOT_MAX_AGE.total_seconds())
    return values


# --- Kolada comparison (issue 14) --------------------------------------------------------------


@dataclass
class KoladaComparison:
    """The municipality beside the chosen others, one row per KPI with a Kolada id ("Källa: Kolada")."""

    year: int
    own: str
    municipalities: list[str]  # the own first, then the others of STABIL_KOLADA_COMPARE
    rows: list[tuple[str, str, list[float | None]]]  # (Stabil's KPI code, Kolada id, a value per municipality)
    source: str = core_kolada.SOURCE_LABEL


def kolada_comparison(year: int) -> KoladaComparison | None:
    """Return the stored Kolada values of ``year`` for the scorecard and the board paper, or None when no
    KPI has a Kolada id (``STABIL_KOLADA_KPIS``) or nothing is stored for that year."""
    mapping = core_kolada.parse_kpi_map(settings.STABIL_KOLADA_KPIS)
    own = settings.STABIL_KOLADA_MUNICIPALITY
    municipalities = core_kolada.parse_municipalities(",".join([own, settings.STABIL_KOLADA_COMPARE]))
    if not mapping or not municipalities:
        return None
    values = feeds_selectors.kolada_values(kpis=list(mapping.values()), municipalities=municipalities, year=year)
    if not values:
        return None
    rows = [(code, kolada_id, [values.get((kolada_id, m)) for m in municipalities])
            for code, kolada_id in mapping.items()]
    return KoladaComparison(year=year, own=own, municipalities=municipalities, rows=rows)


# --- scorecards -------------------------------------------------------------------------------


@dataclass
class KpiRow:
    """One KPI on the scorecard page: values per plan year, targets, status and trend."""

    kpi: Kpi
    years: list[int]
    values: dict[int, float | None]
    targets: dict[int, float | None]
    statuses: dict[int, str]
    trend: str | None
    hidden: dict[int, bool] = field(default_factory=dict)  # suppressed for a public view
    numerators: dict[int, float | None] = field(default_factory=dict)
    denominators: dict[int, float | None] = field(default_factory=dict)

    @property
    def current_year(self) -> int:
        known = [y for y in self.years if self.values.get(y) is not None]
        return known[-1] if known else self.years[0]


def scorecard_through(today: dt.date) -> dt.date:
    """Return the last day the scorecard counts on ``today``: the end of the reporting period.

    The one period rule of the scorecard and the board paper (``common.periods.reporting_period``): the
    running year counts whole months up to the last that has ended (January while January runs), so the
    scorecard page and the board paper for the same months show the same figures. (Counting the running
    year up to today, as the page once did, while the board paper counted whole months, gave one KPI two
    figures: 2026-01-01–2026-12-06 on the page, 2026, januari–november in the paper.)
    """
    return reporting_period(today)[1]


def year_period(year: int, through: dt.date) -> tuple[dt.date, dt.date] | None:
    """Return a scorecard year's period counted up to ``through``, or None for a year after it.

    A year that ended by ``through`` counts whole; the year of ``through`` from 1 January to ``through``.
    """
    if year > through.year:
        return None
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), through)


def year_period_labels(years, through: dt.date) -> dict[int, str]:
    """Return each year's period as shown beside its figures ("2025", "2026, januari–november")."""
    return {year: period_label(*bounds) for year in years if (bounds := year_period(year, through))}


def scorecard_rows(scorecard: Scorecard, *, today: dt.date | None = None, through: dt.date | None = None,
                   exact: bool, threshold: int = suppression.DEFAULT_THRESHOLD) -> list[tuple]:
    """Return [(perspective, [(goal, [KpiRow...])...])...] for the scorecard page and report.

    Each plan year is counted over ``year_period(year, through)``; ``through`` defaults to the end of the
    reporting period on ``today`` (``scorecard_through``), the board paper passes its period's last day.
    Computed KPIs come from stored snapshots per plan year (computed when missing, not stored: see
    ``snapshot_values``); years after ``through`` have no value. Without exact figures, a KPI that would
    give a small count is hidden
    (``kpi_hidden_in_public``).
    """
    if through is None:
        through = scorecard_through(today or timezone.localdate())
    years = scorecard.years
    kpis = list(
        Kpi.objects.filter(goal__perspective__scorecard=scorecard, archived_at__isnull=True)
        .select_related("goal__perspective", "org_unit")
        .prefetch_related("targets", "entries")
    )
    snapshots: dict[tuple[str, int], dict[str, core_kpi.KpiValue]] = {}
    rows_by_goal: dict[int, list[KpiRow]] = {}
    for kpi in kpis:
        targets = {t.year: float(t.target) for t in kpi.targets.all()}
        entries = {e.year: float(e.value) for e in kpi.entries.all()}
        values: dict[int, float | None] = {}
        numerators: dict[int, float | None] = {}
        denominators: dict[int, float | None] = {}
        hidden: dict[int, bool] = {}
        for year in years:
            if kpi.computed:
                bounds = year_period(year, through)
                if bounds is None:
                    values[year] = None
                    continue
                first_day, last_day = bounds
                unit_code = kpi.org_unit.code if kpi.org_unit else ""
                key = (unit_code, year)
                if key not in snapshots:
                    snapshots[key] = snapshot_values(first_day=first_day, last_day=last_day, unit_code=unit_code)
                value = snapshots[key][kpi.computed]
                values[year] = value.value
                numerators[year], denominators[year] = value.numerator, value.denominator
                if not exact and kpi_hidden_in_public(value, threshold, single_unit=bool(unit_code)):
                    hidden[year] = True
            else:
                values[year] = entries.get(year)
        statuses = {
            year: core_kpi.status(None if hidden.get(year) else values.get(year), targets.get(year),
                                  kpi.direction, kpi.band(targets.get(year) or 0.0))
            for year in years
        }
        visible_values = [None if hidden.get(y) else values.get(y) for y in years]
        row = KpiRow(kpi, years, values, targets, statuses, core_kpi.trend(visible_values, kpi.direction, kpi.unit),
                     hidden, numerators, denominators)
        rows_by_goal.setdefault(kpi.goal_id, []).append(row)
    out = []
    for perspective in scorecard.perspectives.filter(archived_at__isnull=True).prefetch_related("goals"):
        goals = [(goal, rows_by_goal.get(goal.pk, [])) for goal in perspective.goals.all()
                 if goal.archived_at is None]
        out.append((perspective, goals))
    return out


def current_scorecards() -> list[Scorecard]:
    return list(Scorecard.objects.filter(archived_at__isnull=True).select_related("board"))


# --- action plans, risks, self-inspection -----------------------------------------------------


@dataclass
class PlanProgress:
    plan: ActionPlan
    measures: list[Measure]
    cost_sek: float
    done: int
    in_progress: int
    delayed: int
    overdue: list[Measure]

    @property
    def total(self) -> int:
        return len(self.measures)


def plan_progress(plan: ActionPlan, today: dt.date) -> PlanProgress:
    """Return the plan's measures with cost and status counts; overdue = past due, not done."""
    measures = list(plan.measures.filter(archived_at__isnull=True).prefetch_related("goals", "kpis", "risks",
                                                                                      "follow_ups"))
    active = [m for m in measures if m.status != Status.CANCELLED]
    return PlanProgress(
        plan=plan,
        measures=measures,
        cost_sek=float(sum(m.cost_sek for m in active)),
        done=sum(m.status == Status.DONE for m in measures),
        in_progress=sum(m.status == Status.IN_PROGRESS for m in measures),
        delayed=sum(m.status == Status.DELAYED for m in measures),
        overdue=[m for m in active if m.status != Status.DONE and m.due_on < today],
    )


def plan_measures_by_number(registration_suffix: str) -> dict[int, Measure]:
    """Return {number: measure} of the action plans whose registration number ends with ``registration_suffix``
    (for the simulation's scenarios of a plan's measures)."""
    return {m.number: m for m in Measure.objects.filter(plan__registration_number__endswith=registration_suffix)}


def active_plans() -> list[ActionPlan]:
    return list(ActionPlan.objects.filter(archived_at__isnull=True).select_related("board"))


def risk_register(board: Board | None = None) -> list[Risk]:
    risks = Risk.objects.filter(archived_at__isnull=True).select_related("org_unit").prefetch_related("measures")
    if board is not None:
        risks = risks.filter(board=board)
    return sorted(risks, key=lambda r: (-r.score, r.review_on, r.pk))


def risk_matrix(risks: Iterable[Risk]) -> list[tuple[int, list[list[Risk]]]]:
    """Return the 4 x 4 matrix as [(consequence 4..1, [risks at likelihood 1..4])], for the matrix view."""
    grid = [[[] for _ in range(4)] for _ in range(4)]
    for risk in risks:
        grid[4 - risk.consequence][risk.likelihood - 1].append(risk)
    return [(4 - index, row) for index, row in enumerate(grid)]


def workload_risk_measures() -> list:
    """Return the workload risk assessment's measures (the workload area), for the risk register."""
    return workload_selectors.risk_measures()


def next_due_on(check: SelfInspectionCheck, last_performed_on: dt.date | None) -> dt.date:
    """Return when a check is next due: its first date, then one period after the latest result."""
    if last_performed_on is None:
        return check.first_due_on
    return calendar.add_months(last_performed_on, FREQUENCY_MONTHS[check.frequency])


@dataclass
class CheckRow:
    check: SelfInspectionCheck
    latest: object | None
    due_on: dt.date
    overdue: bool


def self_inspection_plan(today: dt.date) -> list[CheckRow]:
    rows = []
    for check in SelfInspectionCheck.objects.filter(archived_at__isnull=True).prefetch_related("results"):
        results = list(check.results.all())
        latest = results[0] if results else None
        due_on = next_due_on(check, latest.performed_on if latest else None)
        rows.append(CheckRow(check, latest, due_on, due_on < today))
    return sorted(rows, key=lambda r: (r.due_on, r.check.name))
