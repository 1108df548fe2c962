"""A deterministic generator of realistic case histories (rows of the case-events contract).

Used by the demo municipality (``cases/demo.py``) and by the benchmark (``bench/cases_bench.py``).
Pure Python, no Django: it yields rows in the column order of ``CASE_EVENT_COLUMNS``.

Shape, calibrated on the seeds: report inflow rising about 20 % a year with a summer dip (July
lowest); most reports on weekdays; about 45 % of reports lead to an investigation; a realistic
share of late preliminary assessments (~12 %) and investigations (~20 %, fewer with extensions);
about half the investigations lead to an intervention, a third of those placements.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from stabil.core import calendar

CASE_EVENT_COLUMNS = (
    "case_id", "child_id", "birth_date", "category", "unit", "event", "date",
    "staff_id", "outcome", "until", "intervention", "reason",
)

# Relative report inflow per month (summer dip: July lowest, some dip in June/August and December).
MONTH_FACTOR = {1: 1.05, 2: 1.05, 3: 1.1, 4: 1.05, 5: 1.05, 6: 0.85, 7: 0.6, 8: 0.85, 9: 1.1, 10: 1.1,
                11: 1.1, 12: 0.9}
GROWTH_PER_YEAR = 1.20

EXTENSION_REASONS = (
    "Inväntar polisförhör",
    "Familjen har inte gått att nå",
    "Inväntar utlåtande från BUP",
    "Ny information under utredningen",
)


@dataclass(frozen=True)
class Spec:
    """What to generate: how many cases, over which dates, in which units with which staff."""

    n_cases: int
    first_on: dt.date
    last_on: dt.date
    units: Sequence[str]
    staff_by_unit: dict[str, Sequence[str]]
    seed: int = 1
    case_prefix: str = "A"
    child_prefix: str = "B"
    # Optional: choose the unit from the category (the demo sends youth to the youth unit...).
    unit_chooser: Callable[[str, random.Random], str] | None = None


def _report_days(spec: Spec, rng: random.Random) -> list[dt.date]:
    """Return ``n_cases`` report dates, growing ~20 %/year with a summer dip, mostly weekdays."""
    days = []
    weights = []
    day = spec.first_on
    while day <= spec.last_on:
        years = (day - spec.first_on).days / 365.25
        weight = GROWTH_PER_YEAR**years * MONTH_FACTOR[day.month]
        if day.weekday() >= 5:
            weight *= 0.25
        elif not calendar.is_working_day(day):
            weight *= 0.4
        days.append(day)
        weights.append(weight)
        day += dt.timedelta(days=1)
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    chosen = rng.choices(days, cum_weights=cumulative, k=spec.n_cases)
    chosen.sort()
    return chosen


def generate(spec: Spec) -> Iterator[tuple[str, ...]]:
    """Yield case-event rows (CASE_EVENT_COLUMNS order, all strings) for ``spec``, deterministic by seed.

    Events after ``spec.last_on`` are left out: the history is seen on that day.
    """
    rng = random.Random(spec.seed)
    last_on = spec.last_on
    width = len(str(spec.n_cases * 2))
    for number, report_on in enumerate(_report_days(spec, rng), start=1):
        case_id = f"{spec.case_prefix}{number:0{width}d}"
        child_id = f"{spec.child_prefix}{number:0{width}d}"
        age_days = rng.randrange(0, 18 * 365)
        birth_on = report_on - dt.timedelta(days=age_days)
        if rng.random() < 0.05 and age_days > 12 * 365:
            category = "ensamkommande"
        elif age_days >= 13 * 365:
            category = "ungdom"
        else:
            category = "barn"
        if spec.unit_chooser is not None:
            unit = spec.unit_chooser(category, rng)
        else:
            unit = spec.units[rng.randrange(len(spec.units))]
        staff = spec.staff_by_unit[unit]
        head = (case_id, child_id, birth_on.isoformat(), category, unit)
        rows: list[tuple[dt.date, str, str, str, dt.date | None, str, str]] = []

        def add(kind, on, staff_id="", outcome="", until=None, intervention="", reason=""):
            rows.append((on, kind, staff_id, outcome, until, intervention, reason))

        add("report_received", report_on)
        handler = staff[rng.randrange(len(staff))]
        add("handler_assigned", report_on, staff_id=handler)
        r = rng.random()
        protection_on = report_on if r < 0.93 else report_on + dt.timedelta(days=1 if r < 0.985 else rng.randint(2, 4))
        add("protection_assessed", protection_on)
        asked = report_on >= dt.date(2026, 1, 1) and rng.random() < 0.3
        if asked:
            add("feedback_requested", report_on)
        due = calendar.add_days(report_on, 14)
        if rng.random() < 0.88:
            decided_on = report_on + dt.timedelta(days=rng.randint(1, max(1, (due - report_on).days)))
        else:
            decided_on = due + dt.timedelta(days=rng.randint(1, 20))
        investigate = rng.random() < 0.45
        add("preliminary_decided", decided_on, outcome="investigation" if investigate else "no_investigation")
        if asked:
            add("reporter_informed", decided_on + dt.timedelta(days=rng.randint(1, 6 if rng.random() < 0.85 else 14)))
        if investigate:
            opened_on = decided_on
            add("investigation_opened", opened_on)
            if rng.random() < 0.2:
                add("co_handler_assigned", opened_on, staff_id=staff[rng.randrange(len(staff))])
            if rng.random() < 0.1:
                add("handler_assigned", opened_on, staff_id=staff[rng.randrange(len(staff))])
            working = rng.randint(1, 7) if rng.random() < 0.85 else rng.randint(8, 15)
            add("first_contact", calendar.add_working_days(opened_on, working))
            inv_due = calendar.move_to_working_day(calendar.add_months(opened_on, 4))
            extended = rng.random() < 0.12
            if extended:
                decided_ext = inv_due - dt.timedelta(days=rng.randint(-3, 20))
                until = calendar.add_months(inv_due, rng.choice((1, 2)))
                add("investigation_extended", decided_ext, until=until,
                    reason=EXTENSION_REASONS[rng.randrange(len(EXTENSION_REASONS))])
                limit = until if decided_ext <= inv_due else inv_due
            else:
                limit = inv_due
            if rng.random() < 0.8:
                closed_on = opened_on + dt.timedelta(days=rng.randint(30, max(31, (limit - opened_on).days)))
            else:
                closed_on = limit + dt.timedelta(days=rng.randint(1, 45))
            if extended and closed_on <= decided_ext:
                closed_on = decided_ext + dt.timedelta(days=rng.randint(1, 30))
            intervene = rng.random() < 0.55
            add("investigation_closed", closed_on, outcome="intervention" if intervene else "no_intervention")
            if intervene:
                _intervention(add, rng, closed_on)
        rows.sort(key=lambda row: row[0])
        for on, kind, staff_id, outcome, until, intervention, reason in rows:
            if on > last_on:
                continue
            yield head + (kind, on.isoformat(), staff_id, outcome, until.isoformat() if until else "",
                          intervention, reason)


def _intervention(add, rng: random.Random, closed_on: dt.date) -> None:
    """Add an intervention with its plans, approvals, reviews and end."""
    r = rng.random()
    kind = "outpatient" if r < 0.62 else "emergency_foster_home" if r < 0.72 else "foster_home" if r < 0.9 else "residential"
    started_on = closed_on + dt.timedelta(days=rng.randint(0, 14))
    basis = "LVU" if kind != "outpatient" and rng.random() < 0.25 else "SoL"
    add("intervention_started", started_on, intervention=kind, reason=basis)
    if kind == "outpatient":
        add("intervention_ended", started_on + dt.timedelta(days=rng.randint(60, 400)), intervention=kind)
        return
    plan_late = rng.random() < 0.1
    add("care_plan_established", started_on + dt.timedelta(days=rng.randint(1, 25) if plan_late else -rng.randint(0, 5)))
    if kind == "foster_home":
        late = rng.random() < 0.06
        add("foster_home_approved", started_on + dt.timedelta(days=rng.randint(1, 30) if late else -rng.randint(0, 20)))
    length_days = rng.randint(20, 120) if kind == "emergency_foster_home" else rng.randint(90, 1100)
    ended_on = started_on + dt.timedelta(days=length_days)
    last = started_on
    while True:
        review_on = calendar.add_months(last, 6) - dt.timedelta(days=rng.randint(-12 if rng.random() < 0.12 else 0, 20))
        if review_on >= ended_on:
            break
        add("placement_reviewed", review_on, intervention=kind)
        last = review_on
    add("intervention_ended", ended_on, intervention=kind)


def default_spec(n_cases: int, last_on: dt.date, *, years: int = 4, n_units: int = 4, staff_per_unit: int = 12,
                 seed: int = 1) -> Spec:
    """Return a spec with generic unit codes U01.. and staff ids S0001.. (for the benchmark)."""
    units = [f"U{index:02d}" for index in range(1, n_units + 1)]
    staff_by_unit = {
        unit: [f"S{u * staff_per_unit + s + 1:04d}" for s in range(staff_per_unit)] for u, unit in enumerate(units)
    }
    first_on = dt.date(last_on.year - years, last_on.month, 1)
    return Spec(n_cases=n_cases, first_on=first_on, last_on=last_on, units=units, staff_by_unit=staff_by_unit,
                seed=seed)
