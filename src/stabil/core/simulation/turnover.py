"""Turnover: the monthly probability that a permanent caseworker leaves, and its calibration.

The vicious circle of seed 001 ("personal söker sig bort och arbetssituationen blir sämre vilket leder
till än fler söker sig till annat arbete"): the hazard rises with last month's load. The workforce
(``workforce.py``) draws the leavers from it; :func:`calibrate_turnover` fits it to a municipality's own
exits and loads (docs/simulation.md, "Workforce").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TurnoverModel:
    """Monthly leaving probability of permanent staff as a function of load (the vicious circle).

    hazard(load) = annual_rate_at_reference / 12 x exp(load_sensitivity x (load - reference_load)),
    a log-linear (Poisson) model; :func:`calibrate_turnover` fits the two parameters from a
    municipality's own exits and loads.
    """

    annual_rate_at_reference: float = 0.15
    reference_load: float = 0.85
    load_sensitivity: float = 2.5
    max_monthly_probability: float = 0.25

    def monthly_probability(self, load: np.ndarray | float) -> np.ndarray:
        """Return the monthly probability of leaving at this load."""
        hazard = self.annual_rate_at_reference / 12.0 * np.exp(
            self.load_sensitivity * (np.asarray(load, dtype=float) - self.reference_load)
        )
        return np.minimum(1.0 - np.exp(-hazard), self.max_monthly_probability)


#: Fewer exits than this, or less spread in load than MIN_LOAD_SPREAD: only the level is fitted.
MIN_EXITS_TO_FIT_SENSITIVITY = 5
MIN_LOAD_SPREAD = 0.05
#: A fitted sensitivity is kept within 0..MAX_LOAD_SENSITIVITY (turnover does not fall with load).
MAX_LOAD_SENSITIVITY = 20.0


def calibrate_turnover(
    observations: Sequence[tuple[float, float, int]], *, reference_load: float = 0.85,
    default: TurnoverModel | None = None,
) -> tuple[TurnoverModel, dict[str, Any]]:
    """Fit the turnover model to a municipality's own (load, person_months, exits) observations.

    A Poisson regression exits ~ person_months x exp(a + b x (load - reference_load)) by Newton's
    method (pure NumPy). Returns the fitted model and a note; with too little data (fewer than 5
    exits or no spread in load) the default's sensitivity is kept and only the level is fitted.
    """
    default = default or TurnoverModel(reference_load=reference_load)
    obs = np.asarray([(float(load), float(exposure), float(exits)) for load, exposure, exits in observations
                      if exposure > 0], dtype=float)
    if obs.size == 0:
        return default, {"fitted": False, "reason": "inga observationer", "observations": 0, "exits": 0}
    load, exposure, exits = obs[:, 0], obs[:, 1], obs[:, 2]
    load_above_reference = load - reference_load
    total_exits = exits.sum()
    if total_exits < MIN_EXITS_TO_FIT_SENSITIVITY or np.ptp(load) < MIN_LOAD_SPREAD:
        rate = (max(total_exits, 0.5) / exposure.sum()
                / np.mean(np.exp(default.load_sensitivity * load_above_reference)))
        model = replace(default, reference_load=reference_load, annual_rate_at_reference=float(12 * rate))
        return model, {"fitted": False, "reason": "för få avgångar eller för liten spridning i belastning",
                       "observations": len(obs), "exits": int(total_exits)}
    level, sensitivity = math.log(total_exits / exposure.sum()), 0.0
    for _ in range(50):
        expected = exposure * np.exp(level + sensitivity * load_above_reference)
        gradient = np.array([np.sum(exits - expected), np.sum((exits - expected) * load_above_reference)])
        hessian = np.array([
            [np.sum(expected), np.sum(expected * load_above_reference)],
            [np.sum(expected * load_above_reference), np.sum(expected * load_above_reference * load_above_reference)],
        ])
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
        level, sensitivity = level + step[0], sensitivity + step[1]
        if np.max(np.abs(step)) < 1e-10:
            break
    sensitivity = float(min(max(sensitivity, 0.0), MAX_LOAD_SENSITIVITY))
    sensitivity_se = float(math.sqrt(max(np.linalg.inv(hessian)[1, 1], 0.0)))
    model = replace(default, reference_load=reference_load, annual_rate_at_reference=float(12 * math.exp(level)),
                    load_sensitivity=sensitivity)
    return model, {"fitted": True, "observations": len(obs), "exits": int(total_exits),
                   "load_sensitivity_se": sensitivity_se}
