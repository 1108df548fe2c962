"""Calibrate the workload weights from recorded hours or a time study.

Pure Python with numpy/scipy, no Django. The model says each open case of work type *t* costs
*w_t* hours per month; a period's recorded time gives, per observation (a person, or a person and
a case type), the hours spent and the number of cases of each type carried. The weights that best
explain the time are the non-negative least-squares solution of

    hours_per_month[i] = sum_t w_t * cases[i, t]

(scipy's Lawson-Hanson NNLS, so no weight comes out negative). The fit is reported as R² (share
of the variation in hours the weights explain), mean absolute error in hours per month, and a
standard error per weight. Work types with no data keep their current weight and are flagged.

Two input shapes are supported by :func:`observations_from_records`:

* a time study with one row per person and case type and the number of cases the hours cover
  (``cases``), or one row per case (``cases`` empty, each row counts as one case);
* recorded total hours per person with case counts from the register: build
  :class:`Observation` objects directly, with co-handled cases under the keys ``co:<work type>``
  so that the co-handler weights are fitted too.

Rows whose case type is ``non_case`` (or "ej ärende", "övrigt") are time not spent on cases; their
share of all recorded hours is reported as a suggested non-case share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import nnls

from stabil.core.workload import WORK_TYPE_LABELS_SV, WORK_TYPES

NON_CASE = "non_case"
#: Column key for the co-handler weight of a work type, e.g. "co:investigation".
CO_PREFIX = "co:"
CO_KEYS = tuple(CO_PREFIX + t for t in WORK_TYPES)
_NON_CASE_ALIASES = {"non_case", "ej ärende", "ej_ärende", "övrigt", "ovrigt", "icke ärendetid", "administration"}


def parse_work_type(text: str) -> str | None:
    """Return the work type for an English key or Swedish label (any case), 'non_case', or None."""
    key = " ".join(str(text).strip().lower().replace("-", " ").split())
    if key in _NON_CASE_ALIASES:
        return NON_CASE
    underscored = key.replace(" ", "_")
    if underscored in WORK_TYPES:
        return underscored
    for kind, label in WORK_TYPE_LABELS_SV.items():
        if key == label:
            return kind
    aliases = {
        "förhandsbedömning": "preliminary_assessment",
        "utredning": "investigation",
        "öppenvård": "outpatient_followup",
        "placering": "placement_followup",
        "familjehem": "foster_home",
        "ensamkommande": "ensamkommande",
    }
    return aliases.get(key)


@dataclass(frozen=True)
class TimeRecord:
    """One row of a time study: a person, a work type, hours, and optionally the cases covered."""

    person: str
    case_type: str  # a work type key or NON_CASE
    hours: float
    cases: float | None = None


@dataclass(frozen=True)
class Observation:
    """Hours per month spent by one person (or on one type) and the cases of each type carried."""

    label: str
    hours_per_month: float
    cases: Mapping[str, float]


@dataclass(frozen=True)
class WeightEstimate:
    work_type: str
    weight_hours_per_month: float
    standard_error: float | None
    observations: int
    current_weight: float | None
    estimated: bool  # False: no data, the current weight is kept

    def to_dict(self) -> dict[str, Any]:
        return {
            "work_type": self.work_type,
            "weight_hours_per_month": round(self.weight_hours_per_month, 3),
            "standard_error": None if self.standard_error is None else round(self.standard_error, 3),
            "observations": self.observations,
            "current_weight": self.current_weight,
            "estimated": self.estimated,
        }


@dataclass(frozen=True)
class CalibrationResult:
    weights: list[WeightEstimate]
    r_squared: float | None
    mae_hours: float
    observations: int
    non_case_share: float | None
    residuals: list[tuple[str, float]] = field(default_factory=list)

    def suggested_weights(self) -> dict[str, float]:
        """Return work type -> suggested main-caseworker weight (estimated or kept)."""
        return {w.work_type: round(w.weight_hours_per_month, 2) for w in self.weights
                if not w.work_type.startswith(CO_PREFIX)}

    def suggested_co_weights(self) -> dict[str, float]:
        """Return work type -> suggested co-handler weight, for the types with data."""
        return {w.work_type[len(CO_PREFIX):]: round(w.weight_hours_per_month, 2) for w in self.weights
                if w.work_type.startswith(CO_PREFIX) and w.estimated}

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": [w.to_dict() for w in self.weights],
            "r_squared": None if self.r_squared is None else round(self.r_squared, 4),
            "mae_hours": round(self.mae_hours, 3),
            "observations": self.observations,
            "non_case_share": None if self.non_case_share is None else round(self.non_case_share, 4),
        }


class CalibrationError(ValueError):
    """The data cannot be used for calibration (message in Swedish)."""


def observations_from_records(
    records: Iterable[TimeRecord], *, months: float = 1.0
) -> tuple[list[Observation], float | None]:
    """Return one observation per (person, work type) and the non-case share of all hours.

    Hours are divided by ``months`` (the length of the study) to give hours per month. A row
    without ``cases`` counts as one case; rows for the same person and type are summed.
    """
    if months <= 0:
        raise CalibrationError("Periodens längd i månader måste vara större än noll")
    hours: dict[tuple[str, str], float] = {}
    cases: dict[tuple[str, str], float] = {}
    non_case_hours = 0.0
    total_hours = 0.0
    for r in records:
        if r.hours < 0:
            raise CalibrationError(f"Negativt antal timmar för {r.person}")
        total_hours += r.hours
        if r.case_type == NON_CASE:
            non_case_hours += r.hours
            continue
        if r.case_type not in WORK_TYPES:
            raise CalibrationError(f"Okänd ärendetyp {r.case_type!r} för {r.person}")
        key = (r.person, r.case_type)
        hours[key] = hours.get(key, 0.0) + r.hours
        cases[key] = cases.get(key, 0.0) + (1.0 if r.cases is None else float(r.cases))
    observations = [
        Observation(f"{person}/{kind}", hours[(person, kind)] / months, {kind: cases[(person, kind)]})
        for person, kind in sorted(hours)
        if cases[(person, kind)] > 0
    ]
    share = (non_case_hours / total_hours) if total_hours > 0 and non_case_hours > 0 else None
    return observations, share


def fit_weights(
    observations: Sequence[Observation],
    *,
    current_weights: Mapping[str, float] | None = None,
    non_case_share: float | None = None,
) -> CalibrationResult:
    """Return non-negative weights that best explain the observed hours, and the fit."""
    if not observations:
        raise CalibrationError("Inga observationer att kalibrera mot")
    current = dict(current_weights or {})
    used = [t for t in WORK_TYPES + CO_KEYS if any(o.cases.get(t, 0) > 0 for o in observations)]
    if not used:
        raise CalibrationError("Observationerna saknar ärenden av någon känd ärendetyp")
    X = np.array([[float(o.cases.get(t, 0.0)) for t in used] for o in observations])
    y = np.array([float(o.hours_per_month) for o in observations])
    coef, _ = nnls(X, y)
    fitted = X @ coef
    resid = y - fitted
    n, k = X.shape
    ss_res = float(resid @ resid)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = (1.0 - ss_res / ss_tot) if ss_tot > 0 else None
    mae = float(np.abs(resid).mean())
    # Standard errors from the ordinary least-squares covariance, for the weights NNLS left positive.
    se: dict[str, float | None] = {t: None for t in used}
    active = [i for i in range(k) if coef[i] > 0]
    if n > len(active) and active:
        Xa = X[:, active]
        sigma2 = ss_res / (n - len(active))
        try:
            cov = sigma2 * np.linalg.inv(Xa.T @ Xa)
            for j, i in enumerate(active):
                se[used[i]] = float(np.sqrt(max(cov[j, j], 0.0)))
        except np.linalg.LinAlgError:
            pass
    counts = {t: int(sum(1 for o in observations if o.cases.get(t, 0) > 0)) for t in used}
    estimates = []
    for t in WORK_TYPES + tuple(k for k in CO_KEYS if k in used):
        if t in used:
            i = used.index(t)
            estimates.append(
                WeightEstimate(t, float(coef[i]), se[t], counts[t], current.get(t), True)
            )
        else:
            estimates.append(WeightEstimate(t, float(current.get(t, 0.0)), None, 0, current.get(t), False))
    return CalibrationResult(
        weights=estimates,
        r_squared=r2,
        mae_hours=mae,
        observations=n,
        non_case_share=non_case_share,
        residuals=[(o.label, float(r)) for o, r in zip(observations, resid)],
    )


def calibrate_time_study(
    records: Iterable[TimeRecord],
    *,
    months: float = 1.0,
    current_weights: Mapping[str, float] | None = None,
) -> CalibrationResult:
    """Return suggested weights and fit from a time study's rows."""
    observations, share = observations_from_records(records, months=months)
    return fit_weights(observations, current_weights=current_weights, non_case_share=share)
