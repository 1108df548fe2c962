"""Hand-computed Swedish working days and lag (1930:173) date arithmetic, 2024-2028."""

import datetime as dt

import pytest

from stabil.core import calendar

D = dt.date.fromisoformat

NON_WORKING = [
    # every public holiday and eve that falls on a weekday, 2024-2027, plus weekends and DST Sundays
    "2024-01-01", "2024-01-06", "2024-03-29", "2024-04-01", "2024-05-01", "2024-05-09", "2024-06-06",
    "2024-06-21", "2024-12-24", "2024-12-25", "2024-12-26", "2024-12-31",
    "2025-01-01", "2025-01-06", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-06",
    "2025-06-20", "2025-12-24", "2025-12-25", "2025-12-26", "2025-12-31",
    "2026-01-01", "2026-01-06", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-06-19",
    "2026-12-24", "2026-12-25", "2026-12-31",
    "2027-01-01", "2027-01-06", "2027-03-26", "2027-03-29", "2027-05-06", "2027-06-25",
    "2027-12-24", "2027-12-31",
    # holidays on weekends stay non-working: national day 2026 (Sat), 2027 (Sun); all saints (Sat)
    "2026-06-06", "2027-06-06", "2024-11-02", "2026-10-31", "2026-06-20", "2026-05-24",
    # DST changes (Sundays) and an ordinary weekend
    "2026-03-29", "2026-10-25", "2026-03-28",
]
WORKING = [
    "2024-02-29",  # leap day, Thursday
    "2024-12-23", "2024-12-27", "2024-12-30", "2025-01-02", "2025-01-07",
    "2026-03-27", "2026-03-30", "2026-10-26",  # around the DST changes
    "2026-04-02",  # skärtorsdag is a working day
    "2026-05-15",  # the day after Ascension (klämdag) is a working day
    "2026-06-18", "2026-06-22", "2026-12-23", "2026-12-28", "2027-12-27", "2027-12-30",
    "2025-06-09",  # the Monday after Pentecost is no holiday since 2005
]


@pytest.mark.parametrize("day", NON_WORKING)
def test_non_working_days(day):
    assert calendar.is_working_day(D(day)) is False


@pytest.mark.parametrize("day", WORKING)
def test_working_days(day):
    assert calendar.is_working_day(D(day)) is True


@pytest.mark.parametrize(
    "year, eves",
    [
        (2024, {"2024-06-21", "2024-12-24", "2024-12-31"}),
        (2025, {"2025-06-20", "2025-12-24", "2025-12-31"}),
        (2026, {"2026-06-19", "2026-12-24", "2026-12-31"}),
        (2027, {"2027-06-25", "2027-12-24", "2027-12-31"}),
    ],
)
def test_the_three_eves_are_holidays(year, eves):
    assert {D(day) for day in eves} <= calendar.holidays_in_year(year)


def test_sundays_are_not_listed_as_holidays():
    assert D("2026-03-22") not in calendar.holidays_in_year(2026)
    assert calendar.holiday_name(D("2026-06-19")) == "Midsummer Eve"
    assert calendar.holiday_name(D("2026-06-18")) is None


@pytest.mark.parametrize(
    "day, moved",
    [
        ("2026-03-10", "2026-03-10"),  # a working day stays
        ("2024-12-24", "2024-12-27"),  # julafton, juldagen, annandagen -> Friday
        ("2025-12-24", "2025-12-29"),  # Wed eve .. Fri 26, weekend -> Monday
        ("2025-12-31", "2026-01-02"),  # nyårsafton, nyårsdagen -> Friday
        ("2026-12-31", "2027-01-04"),  # Thu eve, Fri New Year's Day, weekend
        ("2027-12-24", "2027-12-27"),
        ("2027-12-31", "2028-01-03"),
        ("2024-06-21", "2024-06-24"),  # midsommarafton
        ("2026-06-19", "2026-06-22"),
        ("2025-06-06", "2025-06-09"),  # national day (Fri), Pentecost Sunday
        ("2026-04-03", "2026-04-07"),  # Good Friday .. Easter Monday
        ("2027-03-26", "2027-03-30"),
        ("2026-05-14", "2026-05-15"),  # Ascension Thursday -> Friday
        ("2026-03-29", "2026-03-30"),  # DST starts (Sunday)
        ("2026-10-25", "2026-10-26"),  # DST ends (Sunday)
        ("2026-01-06", "2026-01-07"),  # Epiphany
        ("2024-11-02", "2024-11-04"),  # All Saints' Day (Saturday)
    ],
)
def test_move_to_working_day(day, moved):
    assert calendar.move_to_working_day(D(day)) == D(moved)


@pytest.mark.parametrize(
    "day, expected", [("2026-03-10", "2026-03-11"), ("2026-03-27", "2026-03-30"), ("2026-12-23", "2026-12-28")]
)
def test_next_working_day_is_strictly_after(day, expected):
    assert calendar.next_working_day(D(day)) == D(expected)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        ("2025-10-31", 4, "2026-02-28"),  # 1930:173 1 §: no 31 Feb -> last day
        ("2023-10-31", 4, "2024-02-29"),  # leap year
        ("2027-10-31", 4, "2028-02-29"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-08-31", 6, "2025-02-28"),
        ("2024-02-29", 6, "2024-08-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-03-15", 4, "2026-07-15"),
        ("2025-12-31", 6, "2026-06-30"),
        ("2026-03-29", 4, "2026-07-29"),  # DST day as start changes nothing
    ],
)
def test_add_months(day, months, expected):
    assert calendar.add_months(D(day), months) == D(expected)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        ("2024-11-01", 3, "2025-02-01"),  # across a year
        ("2024-01-01", -1, "2023-12-01"),  # backwards across a year
        ("2025-01-31", 1, "2025-02-01"),  # the month, not the day: no end-of-month rule
        ("2026-03-15", 0, "2026-03-01"),  # the start of the day's own month
        ("2026-03-15", -26, "2024-01-01"),
    ],
)
def test_month_start(day, months, expected):
    assert calendar.month_start(D(day), months) == D(expected)


def test_add_months_has_one_home():
    """core/calendar.py is the one home of month arithmetic: the copies under the same name are gone."""
    from stabil.core import forecast  # imported here: this test is about what the modules hold
    from stabil.governance import selectors

    assert not hasattr(forecast, "add_months") and not hasattr(selectors, "add_months")


@pytest.mark.parametrize(
    "day, days, expected",
    [
        ("2026-06-12", 7, "2026-06-24"),  # skips midsommarafton
        ("2024-12-20", 7, "2025-01-08"),  # skips Christmas, New Year and Epiphany
        ("2026-03-27", 1, "2026-03-30"),  # over the DST weekend
        ("2026-03-28", 7, "2026-04-09"),  # from a Saturday, over Easter
        ("2026-05-13", 2, "2026-05-18"),  # over Ascension
        ("2026-03-10", 0, "2026-03-10"),
    ],
)
def test_add_working_days(day, days, expected):
    assert calendar.add_working_days(D(day), days) == D(expected)


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError):
        calendar.add_working_days(D("2026-03-10"), -1)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2026-03-27", "2026-04-09", 7),
        ("2026-04-09", "2026-03-27", -7),
        ("2026-03-10", "2026-03-10", 0),
        ("2026-06-18", "2026-06-22", 1),
    ],
)
def test_working_days_between(start, end, expected):
    assert calendar.working_days_between(D(start), D(end)) == expected


def test_add_days():
    assert calendar.add_days(D("2024-02-15"), 14) == D("2024-02-29")


from hypothesis import given
from hypothesis import strategies as st

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@given(DAYS)
def test_property_moved_day_is_the_first_working_day_on_or_after(day):
    moved = calendar.move_to_working_day(day)
    assert calendar.is_working_day(moved) and day <= moved <= day + dt.timedelta(days=5)
    assert all(not calendar.is_working_day(day + dt.timedelta(days=i)) for i in range((moved - day).days))


@given(DAYS, st.integers(min_value=1, max_value=24))
def test_property_add_months_keeps_the_day_number_or_ends_the_month(day, months):
    result = calendar.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + dt.timedelta(days=1)).day == 1)


@given(DAYS, st.integers(min_value=0, max_value=30))
def test_property_working_days_round_trip(day, n):
    assert calendar.working_days_between(day, calendar.add_working_days(day, n)) == n


@pytest.mark.parametrize(
    "now_utc, at, expected_utc",
    [
        # 06:00 UTC on a winter day is 07:00 CET: the digest for today has just gone, so tomorrow 06:00 UTC.
        ("2026-01-14T06:00:00", "07:00", "2026-01-15T06:00:00"),
        ("2026-01-14T05:59:00", "07:00", "2026-01-14T06:00:00"),
        # Saturday 2026-03-28 08:00 CET -> Sunday 2026-03-29 07:00 CEST (clocks went forward at 02:00) = 05:00 UTC
        ("2026-03-28T07:00:00", "07:00", "2026-03-29T05:00:00"),
        # Autumn: Sunday 2026-10-25 07:00 CET (clocks went back at 03:00) = 06:00 UTC
        ("2026-10-24T06:00:00", "07:00", "2026-10-25T06:00:00"),
        # 02:30 does not exist on 2026-03-29 in Stockholm: the clock shows 03:30 CEST = 01:30 UTC
        ("2026-03-28T23:00:00", "02:30", "2026-03-29T01:30:00"),
        # New Year's Eve to New Year's Day across the year end
        ("2026-12-31T07:00:00", "07:00", "2027-01-01T06:00:00"),
    ],
)
def test_next_daily_run_keeps_the_local_hour_across_dst(now_utc, at, expected_utc):
    now = dt.datetime.fromisoformat(now_utc).replace(tzinfo=dt.timezone.utc)
    result = calendar.next_daily_run(now, dt.time.fromisoformat(at))
    assert result.astimezone(dt.timezone.utc).replace(tzinfo=None) == dt.datetime.fromisoformat(expected_utc)
