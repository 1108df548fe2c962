"""The inflow forecast: model choice by backtest, MASE, intervals, short and empty histories."""

from datetime import date

import numpy as np
import pytest

from stabil.core import forecast as fc

SEASON = np.array([1.0, 1.05, 1.1, 1.0, 1.05, 0.95, 0.75, 0.85, 1.1, 1.1, 1.05, 1.0])


def series(n, level=40.0, growth=0.2, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return rng.poisson(level * (1 + growth) ** (t / 12) * SEASON[t % 12]).astype(float)


@pytest.mark.parametrize(
    ("actual", "predicted", "scale", "expected"),
    [
        ([10, 12], [11, 11], 2.0, 0.5),  # MAE 1 / scale 2
        ([10, 20, 30], [10, 20, 30], 5.0, 0.0),
        ([1, 2], [3, 4], 0.0, None),  # no variation to scale by
    ],
)
def test_mase_hand_computed(actual, predicted, scale, expected):
    assert fc.mase(actual, predicted, scale) == expected


def test_seasonal_naive_scale_hand_computed():
    # 13 months: the only seasonal difference is y[12] - y[0] = 5 - 1 = 4
    y = np.array([1.0] + [0.0] * 11 + [5.0])
    assert fc._scale(y) == 4.0



@pytest.mark.parametrize("history", [[], [0] * 30, [0, 0, 0]])
def test_unit_without_cases_gives_zeros(history):
    result = fc.forecast_monthly(history, first_month=date(2023, 1, 1), months_ahead=12)
    assert result.model == "zero"
    assert result.median == [0.0] * 12 and result.hi95 == [0.0] * 12
    assert result.mase_model is None and result.note


@pytest.mark.parametrize("n", [1, 3, 7, 11])
def test_short_histories_do_not_crash(n):
    result = fc.forecast_monthly(series(n), first_month=date(2024, 1, 1), months_ahead=24)
    assert len(result.median) == 24
    assert result.model in {"mean", "naive", "ets"}
    assert all(lo <= md <= hi for lo, md, hi in zip(result.lo95, result.median, result.hi95))


def test_forecast_contract_and_months():
    result = fc.forecast_monthly(series(48), first_month=date(2021, 3, 15), months_ahead=24)
    assert result.months[0] == date(2025, 3, 1) and result.months[-1] == date(2027, 2, 1)
    assert result.model in {"seasonal_naive", "ets", "sarima"}
    assert result.mase_seasonal_naive is not None and result.mase_model is not None
    # the chosen model is the best in the backtest
    scored = {k: v for k, v in result.backtest.items() if v is not None}
    assert result.mase_model == min(scored.values())
    for lo95, lo80, md, hi80, hi95 in zip(result.lo95, result.lo80, result.median, result.hi80, result.hi95):
        assert 0 <= lo95 <= lo80 <= md <= hi80 <= hi95
    # intervals widen with the horizon
    assert result.hi95[-1] - result.lo95[-1] > result.hi95[0] - result.lo95[0]
    data = result.to_dict()
    assert set(data["forecast"][0]) == {"month", "median", "lo80", "hi80", "lo95", "hi95"}
    assert data["forecast"][0]["month"] == "2025-03"


def test_growing_series_beats_seasonal_naive_and_follows_growth():
    y = series(60, growth=0.2)
    result = fc.forecast_monthly(y, first_month=date(2020, 1, 1), months_ahead=12)
    # seasonal naive lags a 20 % yearly growth; the chosen model must not be worse in the backtest
    assert result.mase_model <= result.mase_seasonal_naive
    assert np.mean(result.median) > np.mean(y[-12:])


def test_months_ahead_is_bounded():
    with pytest.raises(ValueError):
        fc.forecast_monthly([1, 2, 3], first_month=date(2024, 1, 1), months_ahead=37)
    with pytest.raises(ValueError):
        fc.forecast_monthly([1, -2, 3], first_month=date(2024, 1, 1), months_ahead=12)
