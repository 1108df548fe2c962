"""The one period rule and the one way to name a period (``common.periods``), in Swedish and English."""

import datetime as dt

import pytest
from django.utils import translation

from stabil.common.periods import months_label, period_label, reporting_period, week_label

D = dt.date


@pytest.mark.parametrize(
    ("first", "last", "sv", "en"),
    [
        (D(2026, 12, 6), D(2026, 12, 6), "2026-12-06", "2026-12-06"),  # one day: the ISO date
        (D(2026, 12, 6), None, "2026-12-06", "2026-12-06"),
        (D(2026, 1, 1), D(2026, 12, 31), "2026", "2026"),  # a whole calendar year
        (D(2026, 1, 1), D(2026, 11, 30), "2026, januari–november", "2026, January–November"),
        (D(2026, 11, 1), D(2026, 11, 30), "2026, november", "2026, November"),  # one whole month
        (D(2024, 2, 1), D(2024, 2, 29), "2024, februari", "2024, February"),  # leap day ends the month
        (D(2025, 11, 1), D(2026, 2, 28), "november 2025–februari 2026", "November 2025–February 2026"),
        (D(2026, 11, 30), D(2026, 12, 6), "vecka 49, 2026", "week 49, 2026"),  # Monday to Sunday
        (D(2026, 12, 28), D(2027, 1, 3), "vecka 53, 2026", "week 53, 2026"),  # ISO year of the week
        (D(2026, 1, 1), D(2026, 12, 6), "2026-01-01–2026-12-06", "2026-01-01–2026-12-06"),  # any other span
        (D(2026, 2, 1), D(2026, 2, 27), "2026-02-01–2026-02-27", "2026-02-01–2026-02-27"),  # not a month end
    ],
)
def test_period_label(first, last, sv, en):
    with translation.override("sv"):
        assert period_label(first, last) == sv
    with translation.override("en"):
        assert period_label(first, last) == en


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 6 December: January to the end of November, the last month that has ended.
        (D(2026, 12, 6), (D(2026, 1, 1), D(2026, 11, 30))),
        (D(2026, 12, 1), (D(2026, 1, 1), D(2026, 11, 30))),
        (D(2026, 12, 31), (D(2026, 1, 1), D(2026, 11, 30))),
        # 1 March in a year whose February has 28 days.
        (D(2026, 3, 1), (D(2026, 1, 1), D(2026, 2, 28))),
        # January: no month of the year has ended; the period is January itself.
        (D(2027, 1, 15), (D(2027, 1, 1), D(2027, 1, 31))),
        (D(2027, 2, 1), (D(2027, 1, 1), D(2027, 1, 31))),
    ],
)
def test_reporting_period(today, expected):
    assert reporting_period(today) == expected


def test_week_and_months_labels():
    with translation.override("sv"):
        assert week_label(D(2026, 12, 6)) == "vecka 49, 2026"  # a Sunday: the week that ends that day
        assert months_label(1, 11) == "januari–november" and months_label(3, 3) == "mars"
    with translation.override("en"):
        assert week_label(D(2026, 12, 7)) == "week 50, 2026"
        assert months_label(1, 11) == "January–November"


def test_month_keys_label():
    from stabil.common.periods import month_keys_label

    with translation.override("sv"):
        assert month_keys_label("2026-12", "2028-11") == "december 2026–november 2028"
        assert month_keys_label("2026-01", "2026-12") == "2026"
