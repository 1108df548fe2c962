"""The Swedish working-day calendar and the date arithmetic of legal time limits.

Every date computation behind a deadline goes through this module (house style: no date
arithmetic elsewhere). All dates are Europe/Stockholm calendar dates (``datetime.date``); there
are no times of day here, so daylight-saving changes cannot shift a result.

Sources:

* Lag (1930:173) om beräkning av lagstadgad tid, 1 §: a period counted in months from a given
  day ends on the day of the last month that has the same number as the given day, or on the
  last day of that month when it has no such day (31 October + 4 months = 28/29 February).
* Lag (1930:173) 2 §: when the last day of a period falls on a Saturday, a Sunday or another
  public holiday, midsommarafton, julafton or nyårsafton, the action may be taken on the next
  working day.

Holidays come from the ``holidays`` package (Sweden, categories ``public`` and ``de_facto``; the
latter holds midsommarafton, julafton and nyårsafton). Sundays are weekends here, not holidays.
The holiday set of each year is built once and cached: this is a hot path (hundreds of thousands
of events per import).
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

__all__ = [
    "add_days",
    "add_months",
    "add_working_days",
    "holiday_name",
    "holidays_in_year",
    "is_working_day",
    "month_start",
    "move_to_working_day",
    "next_working_day",
    "working_days_between",
]

HOLIDAY_CATEGORIES = ("public", "de_facto")

_ONE_DAY = dt.timedelta(days=1)


@cache
def _holiday_table(year: int) -> dict[dt.date, str]:
    """Return the Swedish holidays and eves of ``year`` as {date: English name}."""
    table = holidays.country_holidays(
        "SE", years=year, categories=HOLIDAY_CATEGORIES, include_sundays=False
    )
    return {day: name for day, name in table.items() if day.year == year}


@cache
def holidays_in_year(year: int) -> frozenset[dt.date]:
    """Return the set of non-working holidays (public holidays and the three eves) in ``year``."""
    return frozenset(_holiday_table(year))


def holiday_name(day: dt.date) -> str | None:
    """Return the holiday's English name (as the ``holidays`` package spells it), or None."""
    return _holiday_table(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    """Return True when ``day`` is neither a Saturday, a Sunday, a public holiday nor an eve (1930:173 2 §)."""
    return day.weekday() < 5 and day not in holidays_in_year(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """Return the first working day strictly after ``day``."""
    day = day + _ONE_DAY
    while not is_working_day(day):
        day = day + _ONE_DAY
    return day


@lru_cache(maxsize=65536)
def move_to_working_day(day: dt.date) -> dt.date:
    """Return ``day`` itself when it is a working day, else the next working day (lag 1930:173 2 §)."""
    return day if is_working_day(day) else next_working_day(day)


def add_days(day: dt.date, days: int) -> dt.date:
    """Return the calendar day ``days`` days after ``day`` (the start day itself is not counted)."""
    return day + dt.timedelta(days=days)


@lru_cache(maxsize=131072)
def add_months(day: dt.date, months: int) -> dt.date:
    """Return the day ``months`` months after ``day`` by lag (1930:173) 1 §.

    The same day number in the last month, or that month's last day when it has no such day:
    2025-10-31 + 4 months = 2026-02-28, and 2027-10-31 + 4 months = 2028-02-29 (leap year).
    """
    return day + relativedelta(months=months)


def month_start(day: dt.date, months: int = 0) -> dt.date:
    """Return the first day of the month ``months`` months after ``day``'s month (before it when negative).

    Month arithmetic on whole months (monthly series, forecasts, simulated months), not a period by
    lag (1930:173) 1 § as ``add_months``: 2025-01-31 gives 2025-02-01 for one month, 2026-03-15 gives
    2026-03-01 for none.
    """
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=131072)
def add_working_days(day: dt.date, days: int) -> dt.date:
    """Return the ``days``-th working day after ``day`` (``day`` itself is not counted).

    ``add_working_days(d, 0)`` is ``d``. Used for local service guarantees such as "contact the
    family within 7 working days of the decision"; a decision taken on a weekend counts from the
    next working day, since only working days are counted.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    for _ in range(days):
        day = next_working_day(day)
    return day


_EPOCH_YEAR = 2000  # working days are counted from here; any year works, before it too


@cache
def _cumulative(year: int) -> tuple[int, list[int]]:
    """Return (working days before 1 January of ``year`` counted from 1 January 2000, per-day running count).

    The running count at index ``i`` is the number of working days from 1 January up to and including
    day ``i`` of the year (0-based). Cached per year: the deadline list asks for hundreds of rows.
    """
    running = []
    count = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        if is_working_day(day):
            count += 1
        running.append(count)
        day = day + _ONE_DAY
    if year == _EPOCH_YEAR:
        before = 0
    elif year > _EPOCH_YEAR:
        previous = _cumulative(year - 1)
        before = previous[0] + previous[1][-1]
    else:
        before = _cumulative(year + 1)[0] - count
    return before, running


def _working_index(day: dt.date) -> int:
    before, running = _cumulative(day.year)
    return before + running[day.timetuple().tm_yday - 1]


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Return the number of working days after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start`` (then it counts the working days after ``end`` up
    to and including ``start``, with a minus sign). ``working_days_between(d, d)`` is 0.
    """
    return _working_index(end) - _working_index(start)


STOCKHOLM = "Europe/Stockholm"


def next_daily_run(now: dt.datetime, at: dt.time, tz: str = STOCKHOLM) -> dt.datetime:
    """Return the next moment after ``now`` when the local clock in ``tz`` shows ``at`` (timezone-aware).

    Used to send the daily deadline digest at, say, 07:00 Stockholm time all year: the wall-clock time is
    combined with the local date and localised, so daylight saving changes move the UTC instant, not the
    local hour. A time that does not exist on a spring-forward day (02:30 on the last Sunday of March)
    is taken an hour later, as the clock shows it.
    """
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    day = local_now.date()
    while True:
        candidate = dt.datetime.combine(day, at, tzinfo=zone)
        # Round-trip through UTC normalises a non-existent local time (the spring-forward gap).
        candidate = candidate.astimezone(dt.timezone.utc).astimezone(zone)
        if candidate > local_now:
            return candidate
        day += dt.timedelta(days=1)
