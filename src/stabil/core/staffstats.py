"""Staff statistics: sick leave, overtime, turnover, exit reasons, competence shares, consultants.

Pure Python (no Django). The shapes follow the Västerås auditors' report (seed 001, section 4.2):
table 1 (turnover per unit and quarter), table 3 (sick days and occasions in bands), table 4 (sick
hours and share of scheduled hours), table 5 (fill-in time and overtime), and Öppna jämförelser 2015
(section 3.3). Every function takes plain records and a ``Period``; the staff app turns its rows
into these records for one unit and one period (using the situation that held in that period).

Counting rules, one place each:

- Sick leave (table 3): one absence row is one occasion. Its band is set by the *whole*
  occasion's length in calendar days (1, 2-21, 22-90, 91+), also the parts outside the period.
  An occasion counts in a period when it overlaps it; the days counted are the calendar days
  inside the period, whatever the extent.
- Sick hours (table 4): scheduled hours on the working days inside both the occasion and the
  period, times the extent; the share is sick hours over all scheduled hours of the unit's staff.
- Turnover (table 1): started = hires into the unit inside the period, ended = exits inside the
  period (transfers between units are counted apart), average headcount = person-days inside the
  period over the period's days, rate = ended / average headcount, net change = started - ended.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from stabil.core.calendar import is_working_day
from stabil.core.eligibility import (
    Employment,
    StaffProfile,
    StaffRole,
    experience_years_on,
    is_caseworker_with_socionom_and_years,
)
from stabil.core.i18n import gettext_noop

SICK_BANDS: tuple[str, ...] = ("1", "2-21", "22-90", "91+")
EXIT_REASONS: tuple[str, ...] = ("workload", "pay", "leadership", "career", "competing_employer",
                                 "studies", "retirement", "other")
EXIT_REASON_LABELS_SV = {
    "workload": gettext_noop("Arbetsbelastning"),
    "pay": gettext_noop("Lön"),
    "leadership": gettext_noop("Ledarskap"),
    "career": gettext_noop("Karriär"),
    "competing_employer": gettext_noop("Konkurrerande arbetsgivare"),
    "studies": gettext_noop("Studier"),
    "retirement": gettext_noop("Pension"),
    "other": gettext_noop("Annat"),
    "": gettext_noop("Ej angivet"),
}
#: Full-time hours per week in municipal employment (AB), the base of scheduled hours.
FULL_TIME_HOURS_PER_WEEK = 40.0
#: Average days per month, used to turn a monthly cost into a cost for a span of days.
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Period:
    """A closed range of calendar days, first_day..last_day inclusive."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(f"period ends {self.last_day} before it starts {self.first_day}")

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def overlap(self, first_day: date, last_day: date | None) -> tuple[date, date] | None:
        """Return the part of first_day..last_day (None = open) inside the period, or None."""
        start = max(first_day, self.first_day)
        end = self.last_day if last_day is None else min(last_day, self.last_day)
        return (start, end) if start <= end else None

    def overlap_days(self, first_day: date, last_day: date | None) -> int:
        """Return how many calendar days of first_day..last_day fall inside the period."""
        span = self.overlap(first_day, last_day)
        return 0 if span is None else (span[1] - span[0]).days + 1


def sick_band(length_days: int) -> str:
    """Return the band of a sick-leave occasion by its whole length in calendar days (seed 001 table 3)."""
    if length_days < 1:
        raise ValueError("an occasion lasts at least one day")
    if length_days == 1:
        return "1"
    if length_days <= 21:
        return "2-21"
    if length_days <= 90:
        return "22-90"
    return "91+"


class WorkingDays:
    """Count working days quickly over a fixed range, using a cumulative table.

    ``is_working_day`` decides each day once (the calendar rule lives with the caller); counts
    between any two days are then O(1), which keeps 200,000 occasions fast.
    """

    def __init__(self, first_day: date, last_day: date, is_working_day: Callable[[date], bool]):
        self.first_day = first_day
        self.last_day = last_day
        cumulative = [0]
        day = first_day
        while day <= last_day:
            cumulative.append(cumulative[-1] + (1 if is_working_day(day) else 0))
            day += timedelta(days=1)
        self._cumulative = cumulative

    def between(self, first_day: date, last_day: date) -> int:
        """Return the number of working days in first_day..last_day (clipped to the table's range)."""
        start = max(first_day, self.first_day)
        end = min(last_day, self.last_day)
        if end < start:
            return 0
        return self._cumulative[(end - self.first_day).days + 1] - self._cumulative[(start - self.first_day).days]


# --- sick leave (tables 3 and 4) -------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceOccasion:
    """One absence row: an occasion from first_day to last_day at a share of full time (extent)."""

    first_day: date
    last_day: date
    extent: float = 1.0
    hours_per_working_day: float = FULL_TIME_HOURS_PER_WEEK / 5  # the person's scheduled hours


@dataclass
class BandCount:
    occasions: int = 0
    days: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"occasions": self.occasions, "days": self.days}


@dataclass
class SickLeave:
    """Seed 001 table 3 (bands, total) and table 4 (hours, share of scheduled hours)."""

    bands: dict[str, BandCount] = field(default_factory=lambda: {band: BandCount() for band in SICK_BANDS})
    total: BandCount = field(default_factory=BandCount)
    hours: float = 0.0
    scheduled_hours: float = 0.0

    @property
    def share_of_scheduled(self) -> float | None:
        """Return sick hours as a fraction of scheduled hours, None when nothing was scheduled."""
        return self.hours / self.scheduled_hours if self.scheduled_hours else None

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Return the JSON shape of ``stabil report staff``: band -> {occasions, days}, plus total."""
        shape = {band: count.as_dict() for band, count in self.bands.items()}
        shape["total"] = self.total.as_dict()
        return shape


def sick_leave(occasions: Iterable[AbsenceOccasion], period: Period, *,
               working_days: WorkingDays | None = None,
               scheduled: Iterable[tuple[date, date | None, float]] = ()) -> SickLeave:
    """Return sick leave for the period in seed 001's shape (tables 3 and 4).

    ``occasions`` are sick-leave rows (one row = one occasion). ``scheduled`` holds the staff's
    employment spans (first_day, last_day or None, hours per working day) for the share of
    scheduled hours; ``working_days`` counts working days (the Swedish calendar of
    ``stabil.core.calendar`` when not given: weekends, public holidays and the three eves are off).
    """
    counter = working_days or WorkingDays(period.first_day, period.last_day, is_working_day)
    result = SickLeave()
    for occasion in occasions:
        span = period.overlap(occasion.first_day, occasion.last_day)
        if span is None:
            continue
        days_inside = (span[1] - span[0]).days + 1
        band = result.bands[sick_band((occasion.last_day - occasion.first_day).days + 1)]
        band.occasions += 1
        band.days += days_inside
        result.hours += counter.between(*span) * occasion.hours_per_working_day * occasion.extent
    result.total = BandCount(sum(b.occasions for b in result.bands.values()),
                             sum(b.days for b in result.bands.values()))
    for first_day, last_day, hours_per_day in scheduled:
        span = period.overlap(first_day, last_day)
        if span is not None:
            result.scheduled_hours += counter.between(*span) * hours_per_day
    return result


def hours_per_working_day(fte: float, full_time_hours_per_week: float = FULL_TIME_HOURS_PER_WEEK) -> float:
    """Return a person's scheduled hours on a working day from their FTE."""
    return full_time_hours_per_week * fte / 5


# --- overtime and fill-in time (table 5) -----------------------------------------------------

OVERTIME_KINDS = ("fill_in", "overtime")


def overtime_totals(entries: Iterable[tuple[date, str, float]], period: Period) -> dict[str, float]:
    """Return fill-in and overtime hours worked inside the period (seed 001 table 5).

    ``entries`` are (worked_on, kind, hours) with kind "fill_in" (fyllnadstid: part-timers working
    beyond their hours up to full time) or "overtime" (övertid).
    """
    totals = {kind: 0.0 for kind in OVERTIME_KINDS}
    for worked_on, kind, hours in entries:
        if period.first_day <= worked_on <= period.last_day:
            totals[kind] += hours
    return totals


# --- turnover (table 1) and exit reasons -----------------------------------------------------


@dataclass(frozen=True)
class Stint:
    """A person's time in one unit: how they came (hire/transfer) and left (exit/transfer/None)."""

    first_day: date
    last_day: date | None
    joined_by: str = "hire"
    left_by: str | None = None
    exit_reason: str | None = None


@dataclass
class Turnover:
    started: int = 0
    ended: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    average_headcount: float = 0.0
    exit_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """Return ended / average headcount, None when nobody was employed."""
        return self.ended / self.average_headcount if self.average_headcount else None

    @property
    def net_change(self) -> int:
        return self.started - self.ended


def turnover(stints: Iterable[Stint], period: Period) -> Turnover:
    """Return started, ended, transfers, average headcount and exit reasons for the period."""
    result = Turnover()
    person_days = 0
    reasons: Counter[str] = Counter()
    for stint in stints:
        person_days += period.overlap_days(stint.first_day, stint.last_day)
        if period.first_day <= stint.first_day <= period.last_day:
            if stint.joined_by == "transfer":
                result.transfers_in += 1
            else:
                result.started += 1
        if stint.last_day is not None and stint.left_by and period.first_day <= stint.last_day <= period.last_day:
            if stint.left_by == "transfer":
                result.transfers_out += 1
            else:
                result.ended += 1
                reasons[stint.exit_reason or ""] += 1
    result.average_headcount = person_days / period.days
    result.exit_reasons = compile_exit_reasons(reasons.elements())
    return result


def compile_exit_reasons(reasons: Iterable[str | None]) -> dict[str, int]:
    """Return exit reasons counted, in the fixed order of EXIT_REASONS ("" = not given, last)."""
    counts = Counter(reason or "" for reason in reasons)
    unknown = set(counts) - set(EXIT_REASONS) - {""}
    if unknown:
        raise ValueError(f"unknown exit reasons: {sorted(unknown)}")
    ordered = {reason: counts.get(reason, 0) for reason in EXIT_REASONS}
    if counts.get(""):
        ordered[""] = counts[""]
    return ordered


# --- Öppna jämförelser competence shares -----------------------------------------------------


@dataclass
class CompetenceShares:
    investigators: int = 0
    socionom_3_years_or_more: int = 0
    socionom_over_5_years: int = 0
    over_5_years: int = 0

    def share(self, count: int) -> float | None:
        return count / self.investigators if self.investigators else None

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "investigators": self.investigators,
            "socionom_3_years_or_more": self.share(self.socionom_3_years_or_more),
            "socionom_over_5_years": self.share(self.socionom_over_5_years),
            "over_5_years": self.share(self.over_5_years),
        }


def competence_shares(profiles: Iterable[StaffProfile], on: date,
                      roles: frozenset[str] = frozenset({StaffRole.CASEWORKER})) -> CompetenceShares:
    """Return Öppna jämförelser's shares among investigators employed on the date.

    Socialstyrelsen, Öppna jämförelser 2015 (seed 001, 3.3): share with a socionom degree and at
    least three years' experience (nationally 70 %, Västerås 63 %), and with more than five years
    (Västerås 48 %, the country 49 %); later editions report more than five years alone.
    Consultants who investigate are included: they do the work the indicator measures.
    """
    result = CompetenceShares()
    for profile in profiles:
        if profile.role not in roles or not profile.employed_on(on):
            continue
        result.investigators += 1
        result.socionom_3_years_or_more += is_caseworker_with_socionom_and_years(profile, on, 3)
        result.socionom_over_5_years += is_caseworker_with_socionom_and_years(profile, on, 5, strictly_more=True)
        result.over_5_years += experience_years_on(profile, on) > 5
    return result


# --- consultants -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """A person holding a position in the unit for a span, at an FTE and a monthly cost."""

    first_day: date
    last_day: date | None
    employment: str
    fte: float
    monthly_cost_sek: float
    role: str = StaffRole.CASEWORKER


@dataclass
class ConsultantSummary:
    consultants: int = 0  # distinct consultant positions active in the period
    consultant_fte: float = 0.0  # average over the period
    total_fte: float = 0.0  # average over the period, all filled positions
    budgeted_fte: float | None = None
    consultant_cost_sek: float = 0.0
    permanent_equivalent_cost_sek: float | None = None

    @property
    def share(self) -> float | None:
        """Return the consultants' share of filled positions (FTE, averaged over the period)."""
        return self.consultant_fte / self.total_fte if self.total_fte else None

    @property
    def vacancies_fte(self) -> float | None:
        """Return budgeted minus filled FTE (never below zero), None without a budget."""
        if self.budgeted_fte is None:
            return None
        return max(0.0, self.budgeted_fte - self.total_fte)

    @property
    def cost_ratio(self) -> float | None:
        """Return consultant cost over what permanent staff in the same positions would cost."""
        if not self.permanent_equivalent_cost_sek:
            return None
        return self.consultant_cost_sek / self.permanent_equivalent_cost_sek


def consultant_summary(positions: Iterable[Position], period: Period, *,
                       budgeted_fte: float | None = None,
                       permanent_monthly_cost_per_fte_sek: float | None = None) -> ConsultantSummary:
    """Return consultants' count, share of positions, cost and the permanent-staff equivalent.

    Cost for a span = monthly cost x days / (365.25 / 12). The permanent equivalent prices the
    consultants' FTE-days at the permanent staff's average monthly cost per FTE *in the same role*
    (a consultant caseworker against permanent caseworkers), falling back on all permanent staff when
    the role has none; ``permanent_monthly_cost_per_fte_sek`` overrides the price. Seed 001: a
    consultant costs about twice a permanent caseworker.
    """
    result = ConsultantSummary(budgeted_fte=budgeted_fte)
    consultant_fte_days: dict[str, float] = defaultdict(float)
    total_fte_days = 0.0
    permanent_cost: dict[str, float] = defaultdict(float)
    permanent_fte_days: dict[str, float] = defaultdict(float)
    for position in positions:
        days = period.overlap_days(position.first_day, position.last_day)
        if not days:
            continue
        total_fte_days += position.fte * days
        if position.employment == Employment.CONSULTANT:
            result.consultants += 1
            consultant_fte_days[position.role] += position.fte * days
            result.consultant_cost_sek += position.monthly_cost_sek * days / DAYS_PER_MONTH
        elif position.employment == Employment.PERMANENT and position.fte > 0:
            permanent_cost[position.role] += position.monthly_cost_sek * days / DAYS_PER_MONTH
            permanent_fte_days[position.role] += position.fte * days
    result.consultant_fte = sum(consultant_fte_days.values()) / period.days
    result.total_fte = total_fte_days / period.days
    all_days = sum(permanent_fte_days.values())
    overall = sum(permanent_cost.values()) / all_days * DAYS_PER_MONTH if all_days else None
    equivalent = 0.0
    for role, fte_days in consultant_fte_days.items():
        per_fte = permanent_monthly_cost_per_fte_sek
        if per_fte is None:
            per_fte = (permanent_cost[role] / permanent_fte_days[role] * DAYS_PER_MONTH
                       if permanent_fte_days.get(role) else overall)
        if per_fte is None:
            return result  # nobody permanent to compare with
        equivalent += per_fte * fte_days / DAYS_PER_MONTH
    if consultant_fte_days:
        result.permanent_equivalent_cost_sek = equivalent
    return result


#: How long after the leaving date an exit interview may be held (and recorded): 90 days, about one quarter.
#: Seed 001 (Västerås, 4.2.3): exit interviews are held "i samband med att personal slutar" (in connection
#: with leaving), and turnover is followed up per quarter (table 1). An interview within a quarter of the
#: last day is still about that exit and lands in the next quarterly follow-up at the latest; a later date is
#: far more likely a typing error (a wrong month or year) than an interview, and would be compiled with the
#: wrong period. The one home of the window: the staff services apply it to every path (web, import).
EXIT_INTERVIEW_WINDOW_DAYS = 90
#: Why an exit interview's date is refused (the staff app words each in Swedish).
INTERVIEW_NO_EXIT = "no_exit"
INTERVIEW_BEFORE_EXIT = "before_exit"
INTERVIEW_AFTER_WINDOW = "after_window"
INTERVIEW_IN_FUTURE = "in_future"


def exit_interview_window(ended_on: date, window_days: int = EXIT_INTERVIEW_WINDOW_DAYS) -> tuple[date, date]:
    """Return the first and last day (inclusive) on which an exit interview for this leaving date may be held."""
    return ended_on, ended_on + timedelta(days=window_days)


def exit_interview_problem(held_on: date, ended_on: date | None, today: date,
                           window_days: int = EXIT_INTERVIEW_WINDOW_DAYS) -> str | None:
    """Return why an exit interview held on ``held_on`` is refused, or None when it is accepted.

    Accepted only for a registered exit (``ended_on``), on or after the leaving date, at most ``window_days``
    after it, and not after ``today`` (an interview is recorded once it has been held).
    """
    if ended_on is None:
        return INTERVIEW_NO_EXIT
    first, last = exit_interview_window(ended_on, window_days)
    if held_on < first:
        return INTERVIEW_BEFORE_EXIT
    if held_on > last:
        return INTERVIEW_AFTER_WINDOW
    if held_on > today:
        return INTERVIEW_IN_FUTURE
    return None


def quarter(year: int, number: int) -> Period:
    """Return calendar quarter 1-4 of a year as a Period (seed 001 reports per quarter)."""
    if number not in (1, 2, 3, 4):
        raise ValueError("quarter number must be 1-4")
    first = date(year, 3 * number - 2, 1)
    next_first = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(first, next_first - timedelta(days=1))


__all__ = [
    "EXIT_INTERVIEW_WINDOW_DAYS",
    "EXIT_REASONS",
    "EXIT_REASON_LABELS_SV",
    "OVERTIME_KINDS",
    "SICK_BANDS",
    "AbsenceOccasion",
    "BandCount",
    "CompetenceShares",
    "ConsultantSummary",
    "Period",
    "Position",
    "SickLeave",
    "Stint",
    "Turnover",
    "WorkingDays",
    "competence_shares",
    "compile_exit_reasons",
    "consultant_summary",
    "exit_interview_problem",
    "exit_interview_window",
    "hours_per_working_day",
    "overtime_totals",
    "quarter",
    "sick_band",
    "sick_leave",
    "turnover",
]
