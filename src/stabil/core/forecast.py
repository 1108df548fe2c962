"""Monthly inflow forecast with prediction intervals, chosen by a rolling-origin backtest.

Pure Python (statsmodels + NumPy), no Django. The series is a count per month (reports received or
investigations opened) for a unit and category. Candidates:

* ``seasonal_naive`` — next year's month equals this year's (the baseline every model must beat);
* ``ets`` — exponential smoothing with additive errors and a damped trend (statsmodels ETSModel),
  seasonal when there are at least two full years;
* ``sarima`` — SARIMA(1,0,0)(0,1,1)12 with drift (statsmodels SARIMAX), when there are two years and a half.

Each candidate is scored by a rolling-origin backtest: from each of the last few origins it is fitted
on the history before the origin and forecasts the months after it; the error is the mean absolute
scaled error (MASE: mean absolute error divided by the in-sample mean absolute error of the
seasonal-naive forecast, Hyndman & Koehler 2006). The candidate with the lowest MASE is chosen; both its
MASE and the seasonal-naive MASE are reported so users can judge the forecast.

Short histories fall back to simpler models (naive, mean) and a history of zeros (a unit with no
cases) gives a forecast of zeros; neither raises.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from stabil.core import calendar

__all__ = ["ForecastResult", "forecast_monthly", "mase"]

Z80 = 1.2815515655446004
Z95 = 1.959963984540054
SEASON = 12
#: Origins of the rolling backtest and the horizon scored at each origin.
BACKTEST_ORIGINS = 4
BACKTEST_HORIZON = 6

MODEL_LABELS_SV = {
    "seasonal_naive": "säsongsnaiv (samma månad förra året)",
    "naive": "naiv (senaste månaden)",
    "mean": "medelvärde",
    "ets": "exponentiell utjämning (ETS)",
    "sarima": "SARIMA",
    "zero": "inga ärenden",
}


@dataclass
class ForecastResult:
    """A forecast: history, per-month median and 80 %/95 % intervals, the chosen model and its backtest."""

    first_month: date
    history: list[float]
    months: list[date]
    median: list[float]
    lo80: list[float]
    hi80: list[float]
    lo95: list[float]
    hi95: list[float]
    model: str
    mase_model: float | None
    mase_seasonal_naive: float | None
    backtest: dict[str, float | None] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document of the CLI contract."""
        return {
            "model": self.model,
            "model_label": MODEL_LABELS_SV[self.model],
            "mase_model": self.mase_model,
            "mase_seasonal_naive": self.mase_seasonal_naive,
            "backtest": self.backtest,
            "note": self.note,
            "history": [
                {"month": calendar.month_start(self.first_month, i).strftime("%Y-%m"), "value": v}
                for i, v in enumerate(self.history)
            ],
            "forecast": [
                {"month": m.strftime("%Y-%m"), "median": md, "lo80": a, "hi80": b, "lo95": c, "hi95": d}
                for m, md, a, b, c, d in zip(self.months, self.median, self.lo80, self.hi80, self.lo95, self.hi95)
            ],
        }


def mase(actual: Sequence[float], predicted: Sequence[float], scale: float) -> float | None:
    """Return the mean absolute scaled error, or None when the scale is zero (no variation to scale by)."""
    a, p = np.asarray(actual, float), np.asarray(predicted, float)
    if scale <= 0 or a.size == 0:
        return None
    return float(np.mean(np.abs(a - p)) / scale)


def _scale(y: np.ndarray) -> float:
    """Return the in-sample MAE of the seasonal-naive forecast (naive when under a year and a month)."""
    m = SEASON if y.size > SEASON else 1
    if y.size <= m:
        return 0.0
    return float(np.mean(np.abs(y[m:] - y[:-m])))


# --- candidate models: fit on y, return (mean, sd) arrays for h steps ---------------------------


def _seasonal_naive(y: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    m = SEASON
    idx = np.arange(h)
    mean = y[y.size - m + (idx % m)]
    resid = y[m:] - y[:-m]
    sd = float(np.std(resid, ddof=1)) if resid.size > 1 else float(np.sqrt(max(y.mean(), 1.0)))
    k = idx // m
    s = sd * np.sqrt(k + 1)
    return _normal_bands(mean, s)


def _naive(y: np.ndarray, h: int):
    mean = np.full(h, y[-1])
    resid = np.diff(y)
    sd = float(np.std(resid, ddof=1)) if resid.size > 1 else float(np.sqrt(max(y.mean(), 1.0)))
    return _normal_bands(mean, sd * np.sqrt(np.arange(1, h + 1)))


def _mean(y: np.ndarray, h: int):
    mu = float(y.mean())
    # counts: at least Poisson variation around the mean
    sd = math.sqrt(max(float(np.var(y, ddof=1)) if y.size > 1 else 0.0, mu, 1e-12))
    sd *= math.sqrt(1 + 1 / y.size)
    return _normal_bands(np.full(h, mu), np.full(h, sd))


def _normal_bands(mean: np.ndarray, sd: np.ndarray):
    return mean, (mean - Z80 * sd, mean + Z80 * sd), (mean - Z95 * sd, mean + Z95 * sd), sd


def _ets(y: np.ndarray, h: int):
    # heavy: pandas (with statsmodels) loads only when a forecast model is fitted
    import pandas as pd

    # heavy: statsmodels loads only when a forecast model is fitted
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = "add" if y.size >= 2 * SEASON + 2 else None
    # statsmodels' ETS prediction needs an indexed series (a bare array fails in get_prediction)
    model = ETSModel(pd.Series(y.astype(float)), error="add", trend="add", damped_trend=True, seasonal=seasonal,
                     seasonal_periods=SEASON if seasonal else None)
    res = model.fit(disp=False, maxiter=200)
    n = y.size
    f80 = res.get_prediction(start=n, end=n + h - 1).summary_frame(alpha=0.2)
    f95 = res.get_prediction(start=n, end=n + h - 1).summary_frame(alpha=0.05)
    mean = np.asarray(f80["mean"], float)
    return mean, (np.asarray(f80["pi_lower"]), np.asarray(f80["pi_upper"])), (
        np.asarray(f95["pi_lower"]), np.asarray(f95["pi_upper"])), None


def _sarima(y: np.ndarray, h: int):
    # heavy: statsmodels loads only when a forecast model is fitted
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    model = SARIMAX(y.astype(float), order=(1, 0, 0), seasonal_order=(0, 1, 1, SEASON), trend="c")
    res = model.fit(disp=False, maxiter=100)
    fc = res.get_forecast(steps=h)
    mean = np.asarray(fc.predicted_mean, float)
    c80 = np.asarray(fc.conf_int(alpha=0.2))
    c95 = np.asarray(fc.conf_int(alpha=0.05))
    return mean, (c80[:, 0], c80[:, 1]), (c95[:, 0], c95[:, 1]), None


_MODELS = {"seasonal_naive": _seasonal_naive, "naive": _naive, "mean": _mean, "ets": _ets, "sarima": _sarima}


def _candidates(n: int) -> list[str]:
    if n < 4:
        return ["mean"]
    if n <= SEASON:
        return ["naive", "mean", "ets"] if n >= 8 else ["naive", "mean"]
    out = ["seasonal_naive", "ets"]
    if n >= 2 * SEASON + 6:
        out.append("sarima")
    return out


def _fit(name: str, y: np.ndarray, h: int):
    # Import statsmodels before silencing warnings: on import it installs an "always" filter for its
    # ConvergenceWarning, which would otherwise take precedence inside the block below.
    import statsmodels.tsa.exponential_smoothing.ets
    import statsmodels.tsa.statespace.sarimax  # noqa: F401

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            out = _MODELS[name](y, h)
    mean = np.asarray(out[0], float)
    if not np.all(np.isfinite(mean)):
        raise FloatingPointError(f"{name} gave non-finite forecasts")
    return out


def _backtest(y: np.ndarray, name: str, origins: int, horizon: int) -> float | None:
    """Return the model's MASE over a rolling-origin backtest (None if it cannot be scored)."""
    n = y.size
    scale = _scale(y)
    errors = []
    min_train = {"seasonal_naive": SEASON + 1, "ets": 8, "sarima": 2 * SEASON + 2, "naive": 2, "mean": 2}[name]
    step = 3  # origins three months apart; the latest leaves exactly ``horizon`` months to score
    for k in range(origins - 1, -1, -1):
        origin = n - horizon - k * step
        if origin < min_train:
            continue
        h = horizon
        try:
            pred = _fit(name, y[:origin], h)[0]
        except Exception:  # noqa: BLE001 - a model that cannot fit this window scores as unusable
            return None
        errors.append(np.abs(y[origin:origin + h] - pred))
    if not errors or scale <= 0:
        return None
    return float(np.mean(np.concatenate(errors)) / scale)


def forecast_monthly(
    history: Sequence[float], *, first_month: date, months_ahead: int = 24,
    origins: int = BACKTEST_ORIGINS, horizon: int = BACKTEST_HORIZON,
) -> ForecastResult:
    """Return a forecast ``months_ahead`` (1-36) months after a monthly history starting at first_month.

    The model is chosen by the rolling-origin backtest (lowest MASE; seasonal naive wins ties). Forecasts
    and interval bounds are counts, so they are never below zero.
    """
    if not 1 <= months_ahead <= 36:
        raise ValueError("months_ahead must be 1-36")
    y = np.asarray([float(v) for v in history], dtype=float)
    if y.size and (np.any(~np.isfinite(y)) or np.any(y < 0)):
        raise ValueError("history must be finite counts >= 0")
    first_month = date(first_month.year, first_month.month, 1)
    start = calendar.month_start(first_month, y.size)
    months = [calendar.month_start(start, i) for i in range(months_ahead)]
    h = months_ahead
    if y.size == 0 or not np.any(y):
        zeros = [0.0] * h
        return ForecastResult(first_month, y.tolist(), months, zeros, zeros, zeros, zeros, zeros, "zero", None,
                              None, {}, note="Inga ärenden i historiken: prognosen är noll.")
    names = _candidates(y.size)
    scores = {name: _backtest(y, name, origins, horizon) for name in names}
    baseline = "seasonal_naive" if "seasonal_naive" in names else ("naive" if "naive" in names else None)
    scored = {k: v for k, v in scores.items() if v is not None}
    if scored:
        best = min(scored, key=lambda k: (scored[k], k != baseline))
    else:
        best = names[0]
    order = [best] + [n for n in ("seasonal_naive", "naive", "mean") if n != best and n in _MODELS]
    for name in order:
        if name == "seasonal_naive" and y.size <= SEASON:
            continue
        if name == "naive" and y.size < 2:
            continue
        try:
            mean, (l80, u80), (l95, u95), _ = _fit(name, y, h)
            chosen = name
            break
        except Exception:  # noqa: BLE001 - fall back to the next simpler model
            continue
    note = ""
    if y.size < 2 * SEASON:
        note = "Kort historik (under två år): säsongsvariation skattas inte eller osäkert."
    clip = lambda a: [float(max(v, 0.0)) for v in np.asarray(a, float)]
    return ForecastResult(
        first_month, y.tolist(), months, clip(mean), clip(l80), clip(u80), clip(l95), clip(u95), chosen,
        scores.get(chosen), scores.get("seasonal_naive"), scores, note,
    )
