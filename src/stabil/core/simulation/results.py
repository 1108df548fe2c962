"""The result of a simulation: per-run monthly outputs, per-phase queue statistics and their bands."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np

from .scenario import OUTPUT_KEYS, Scenario

#: The quantiles of a band: median, 80 % (10th-90th percentile) and 95 % (2.5th-97.5th).
BAND_QUANTILES = {"median": 0.5, "lo80": 0.1, "hi80": 0.9, "lo95": 0.025, "hi95": 0.975}


def bands(values: np.ndarray) -> dict[str, list[float | None]]:
    """Return median and 80 % / 95 % bands over runs (axis 0) of a (runs, months) array; NaN ignored."""
    values = np.asarray(values, dtype=float)
    per_month = [summary_bands(values[:, month]) for month in range(values.shape[1])]
    return {key: [month[key] for month in per_month] for key in (*BAND_QUANTILES, "mean")}


def summary_bands(values: np.ndarray) -> dict[str, float | None]:
    """Return the median, the 80 % and 95 % bands and the mean of values over runs; NaN ignored."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {key: None for key in (*BAND_QUANTILES, "mean")}
    quantiles = np.quantile(values, tuple(BAND_QUANTILES.values()))
    return {**{key: float(q) for key, q in zip(BAND_QUANTILES, quantiles, strict=True)},
            "mean": float(values.mean())}


@dataclass
class PhaseStats:
    """Per-run queue statistics of one phase, over cases that arrived during the horizon."""

    arrivals: np.ndarray  # cases that entered the phase's queue on day >= 0
    allocated: np.ndarray  # of those, how many were allocated
    wait_days_total: np.ndarray  # their summed wait before allocation (days)
    queue_days_total: np.ndarray  # sum over days of the end-of-day queue (all cases)
    days: int
    # by the month the case entered the queue: (runs, months) allocated and summed waits
    allocated_by_arrival_month: np.ndarray | None = None
    wait_days_by_arrival_month: np.ndarray | None = None
    arrivals_by_month: np.ndarray | None = None

    def mean_wait_of_cohorts(self, first_months: int) -> float:
        """Return the pooled mean wait of cases that entered in the first months (all runs).

        Cases that arrive near the end of the horizon may still be waiting when it ends; restricting
        the estimate to early cohorts removes that censoring.
        """
        n = self.allocated_by_arrival_month[:, :first_months].sum()
        return float(self.wait_days_by_arrival_month[:, :first_months].sum() / n) if n else math.nan

    def mean_wait_days(self) -> np.ndarray:
        """Return each run's mean wait before allocation (NaN when nothing was allocated)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.wait_days_total / self.allocated

    def mean_unallocated(self) -> np.ndarray:
        """Return each run's time-average number of unallocated cases."""
        return self.queue_days_total / self.days

    def arrival_rate_per_day(self) -> np.ndarray:
        """Return each run's arrivals per day."""
        return self.arrivals / self.days


@dataclass
class SimulationResult:
    """Per-run monthly outputs (``monthly[key]`` is a (runs, months) array) and per-phase statistics."""

    scenario: Scenario
    runs: int
    seed: int
    month_starts: list[date]
    monthly: dict[str, np.ndarray]
    phase_stats: dict[str, PhaseStats]
    met: dict[str, np.ndarray]  # phase -> (runs,) completed on time over the horizon
    completed: dict[str, np.ndarray]  # phase -> (runs,) completed over the horizon
    baseline: SimulationResult | None = None

    def bands(self, key: str) -> dict[str, list[float | None]]:
        """Return the monthly median and bands of one output."""
        return bands(self.monthly[key])

    def compliance(self, phase: str) -> np.ndarray:
        """Return each run's share of the phase's deadlines met over the horizon."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.met[phase] / self.completed[phase]

    def total_cost(self) -> np.ndarray:
        """Return each run's total cost (SEK) over the horizon."""
        return self.monthly["cost_sek"].sum(axis=1)

    def target_reached(self) -> np.ndarray:
        """Return, per run, whether the scenario's target is reached over its last months."""
        t = self.scenario.target
        tail = self.monthly[t.output][:, -min(t.months, self.monthly[t.output].shape[1]):]
        seen = (~np.isnan(tail)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(seen > 0, np.nansum(tail, axis=1) / np.maximum(seen, 1), np.nan)
        return (value >= t.value) if t.higher_is_better else (value <= t.value)

    def summary(self) -> dict[str, Any]:
        """Return the per-scenario summary: cost, compliance, target probability, cost per point."""
        inv_key = self._deadline_phase("investigation")
        pa_key = self._deadline_phase("preliminary_assessment")
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "runs": self.runs,
            "months": len(self.month_starts),
            "seed": self.seed,
            "total_cost_sek": summary_bands(self.total_cost()),
            "investigation_compliance": summary_bands(self.compliance(inv_key)) if inv_key else None,
            "preliminary_assessment_compliance": summary_bands(self.compliance(pa_key)) if pa_key else None,
            "leavers_total": summary_bands(self.monthly["leavers"].sum(axis=1)),
            "unallocated_end": summary_bands(self.monthly["unallocated"][:, -1]),
            "target": {**asdict(self.scenario.target),
                       "probability": float(np.mean(self.target_reached()))},
            "mean_wait_days": {k: summary_bands(s.mean_wait_days()) for k, s in self.phase_stats.items()},
        }
        if self.baseline is not None and inv_key:
            extra_cost = self.total_cost() - self.baseline.total_cost()
            gain_pp = 100.0 * (self.compliance(inv_key) - self.baseline.compliance(inv_key))
            mean_gain = float(np.nanmean(gain_pp))
            mean_cost = float(np.mean(extra_cost))
            out["versus_baseline"] = {
                "extra_cost_sek": summary_bands(extra_cost),
                "compliance_gain_pp": summary_bands(gain_pp),
                # Ratio of means over paired runs (common random numbers): stable where per-run ratios are not.
                "cost_per_pp_sek": (mean_cost / mean_gain) if mean_gain > 0.05 else None,
                "baseline_target_probability": float(np.mean(self.baseline.target_reached())),
            }
        return out

    def _deadline_phase(self, rule: str) -> str | None:
        for p in self.scenario.phases:
            if p.deadline == rule:
                return p.key
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document of the CLI contract: per-month bands of every output and the summary."""
        return {
            "scenario": self.scenario.name,
            "runs": self.runs,
            "seed": self.seed,
            "months": [
                {"month": m.strftime("%Y-%m"), **{k: summary_bands(self.monthly[k][:, j]) for k in OUTPUT_KEYS}}
                for j, m in enumerate(self.month_starts)
            ],
            "summary": self.summary(),
        }


