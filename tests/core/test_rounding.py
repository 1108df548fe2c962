"""The one rounding rule for figures shown to people (``core.rounding``): half up, on the written value."""

from decimal import Decimal

import pytest

from stabil.core.rounding import half_up, shown, shown_percent


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # The egenkontroll's 90th percentile of [1, 14] days: 1 + 13 * 0.9 = 12.7, computed in binary as
        # 12.700000000000001; shown with one decimal it is 12.7.
        (12.700000000000001, 1, Decimal("12.7")),
        # The value: binary noise above 18.1 is dropped.
        (18.100000000000023, 1, Decimal("18.1")),
        # Half up, as the seeds' tables round: 2.45 -> 2.5 (Python's round(2.45, 1) gives 2.5 only by luck
        # of the binary value; round(2.675, 2) gives 2.67 because binary 2.675 is 2.67499999...).
        (2.45, 1, Decimal("2.5")),
        (2.675, 2, Decimal("2.68")),
        (0.5, 0, Decimal(1)),
        (1.5, 0, Decimal(2)),  # half up, not half to even
        (2.5, 0, Decimal(3)),  # round(2.5) is 2 in Python
        (-2.5, 0, Decimal(-3)),  # half away from zero for negatives (ROUND_HALF_UP's meaning)
        (7, 1, Decimal("7.0")),
    ],
)
def test_half_up(value, decimals, expected):
    assert half_up(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12.700000000000001, 1, 12.7),
        (None, 1, None),
        (3.5, 0, 4),  # no decimals: an int
        (101.0, 1, 101.0),
    ],
)
def test_shown(value, decimals, expected):
    result = shown(value, decimals)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (0.8731, 87.3),
        # 2 of 3: 66.666...% -> 66.7
        (2 / 3, 66.7),
        # 0.1 + 0.2 = 0.30000000000000004 in binary: 30.0, no noise
        (0.1 + 0.2, 30.0),
        (None, None),
    ],
)
def test_shown_percent(share, expected):
    assert shown_percent(share) == expected
