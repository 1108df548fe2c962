"""Periods: the one reporting period and the one way to name a period where a figure is shown.

Every figure names its period (issue 13), in the active language:

| period | Swedish | English |
|---|---|---|
| one day | 2026-12-06 | 2026-12-06 |
| a whole calendar year | 2026 | 2026 |
| whole months within a year | 2026, januari–november | 2026, January–November |
| one whole month | 2026, november | 2026, November |
| whole months over a year end | november 2025–februari 2026 | November 2025–February 2026 |
| an ISO week, Monday to Sunday | vecka 49, 2026 | week 49, 2026 |
| any other span | 2026-01-15–2026-12-06 | 2026-01-15–2026-12-06 |

**The reporting period** (``reporting_period``): the year so far in whole months, from 1 January to the end
of the last month that has ended; while January runs, January (no month of the year has ended yet). The
scorecard's running year, the board paper's default period, the statistics' default months and the KPI
page's default all use it, so that the same KPI shows the same figure for the same period on each.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _


def month_end(day: dt.date) -> dt.date:
    """Return the last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def reporting_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the reporting period on ``today``: 1 January to the end of the last whole month.

    While January runs no month of the year has ended: the period is January itself, so that the running
    year always has a period (its deadlines not yet due are counted as open, not as misses).
    """
    first = dt.date(today.year, 1, 1)
    if today.month == 1:
        return first, dt.date(today.year, 1, 31)
    return first, today.replace(day=1) - dt.timedelta(days=1)


def is_month_start(day: dt.date) -> bool:
    return day.day == 1


def is_month_end(day: dt.date) -> bool:
    return day == month_end(day)


def period_label(first: dt.date, last: dt.date | None = None) -> str:
    """Return the period from ``first`` to ``last`` (inclusive) named as in the table above."""
    last = first if last is None else last
    if first == last:
        return first.isoformat()
    if is_month_start(first) and is_month_end(last):
        if first.year == last.year:
            if first.month == 1 and last.month == 12:
                return str(first.year)
            if first.month == last.month:
                return _("%(year)s, %(month)s") % {"year": first.year, "month": MONTHS[first.month]}
            return _("%(year)s, %(first)s–%(last)s") % {"year": first.year, "first": MONTHS[first.month],
                                                         "last": MONTHS[last.month]}
        return _("%(first)s %(first_year)s–%(last)s %(last_year)s") % {
            "first": MONTHS[first.month], "first_year": first.year, "last": MONTHS[last.month],
            "last_year": last.year}
    if first.weekday() == 0 and last == first + dt.timedelta(days=6):
        year, week, _weekday = first.isocalendar()
        return _("vecka %(week)s, %(year)s") % {"week": week, "year": year}
    return f"{first.isoformat()}–{last.isoformat()}"


def week_label(day: dt.date) -> str:
    """Return the ISO week that ``day`` is in, e.g. "vecka 49, 2026"."""
    monday = day - dt.timedelta(days=day.weekday())
    return period_label(monday, monday + dt.timedelta(days=6))


def months_label(first_month: int, last_month: int) -> str:
    """Return a span of months without a year, e.g. "januari–november" (statistics compare years)."""
    if first_month == last_month:
        return str(MONTHS[first_month])
    return f"{MONTHS[first_month]}–{MONTHS[last_month]}"


def month_keys_label(first: str, last: str) -> str:
    """Name the whole months from ``first`` to ``last``, given as "YYYY-MM" (series of monthly figures)."""
    first_day = dt.date(int(first[:4]), int(first[5:7]), 1)
    return period_label(first_day, month_end(dt.date(int(last[:4]), int(last[5:7]), 1)))
