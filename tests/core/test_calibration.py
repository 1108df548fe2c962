"""Calibration recovers known weights from synthetic time data within a stated error (no database)."""

import numpy as np
import pytest

from stabil.core.calibration import (
    NON_CASE,
    CalibrationError,
    Observation,
    TimeRecord,
    calibrate_time_study,
    fit_weights,
    parse_work_type,
)
from stabil.core.workload import WORK_TYPES, WorkloadConfig

TRUE = {
    "preliminary_assessment": 4.0,
    "investigation": 10.0,
    "outpatient_followup": 5.0,
    "placement_followup": 7.0,
    "foster_home": 3.0,
    "ensamkommande": 4.5,
}


def test_recovers_known_weights_from_recorded_person_hours():
    """80 caseworkers, case counts 0-12 per type, hours with N(0, 4 h) noise: every weight within 0.5 h."""
    rng = np.random.default_rng(20151)
    observations = []
    for i in range(80):
        counts = {t: float(rng.integers(0, 13)) for t in WORK_TYPES}
        hours = sum(TRUE[t] * counts[t] for t in WORK_TYPES) + rng.normal(0, 4.0)
        observations.append(Observation(f"P{i}", hours, counts))
    result = fit_weights(observations, current_weights=WorkloadConfig().main_weights_hours_per_month)
    got = result.suggested_weights()
    for t in WORK_TYPES:
        assert abs(got[t] - TRUE[t]) < 0.5, t
    assert result.r_squared > 0.95
    assert result.mae_hours < 5.0
    assert all(w.estimated and w.standard_error is not None and w.standard_error < 0.5 for w in result.weights)


def test_recovers_weights_from_a_per_case_time_study_over_three_months():
    """One row per case over three months, each case's hours weight x 3 x U(0.8, 1.2): within 5 %."""
    rng = np.random.default_rng(7)
    records = []
    for p in range(30):
        for t in WORK_TYPES:
            for c in range(int(rng.integers(1, 6))):
                records.append(TimeRecord(f"P{p}", t, TRUE[t] * 3 * rng.uniform(0.8, 1.2)))
        records.append(TimeRecord(f"P{p}", NON_CASE, 150.0))
    result = calibrate_time_study(records, months=3)
    got = result.suggested_weights()
    for t in WORK_TYPES:
        assert abs(got[t] - TRUE[t]) / TRUE[t] < 0.05, t
    case_hours = sum(r.hours for r in records if r.case_type != NON_CASE)
    assert result.non_case_share == pytest.approx(30 * 150 / (30 * 150 + case_hours))


def test_exact_data_fits_perfectly_and_rows_with_counts_are_used():
    records = [
        TimeRecord("A", "investigation", 80.0, cases=10),
        TimeRecord("B", "investigation", 40.0, cases=5),
        TimeRecord("A", "foster_home", 12.0, cases=3),
    ]
    result = calibrate_time_study(records, current_weights={"outpatient_followup": 6.0})
    weights = {w.work_type: w for w in result.weights}
    assert weights["investigation"].weight_hours_per_month == pytest.approx(8.0)
    assert weights["foster_home"].weight_hours_per_month == pytest.approx(4.0)
    # No data: the current weight is kept and flagged.
    assert weights["outpatient_followup"].weight_hours_per_month == 6.0
    assert weights["outpatient_followup"].estimated is False
    assert result.r_squared == pytest.approx(1.0)
    assert result.mae_hours == pytest.approx(0.0, abs=1e-9)
    assert result.non_case_share is None


def test_weights_never_come_out_negative():
    # Outpatient cases add nothing (hours fall as they rise): NNLS clamps the weight at zero.
    obs = [Observation(str(i), 50.0 - i, {"investigation": 6.0, "outpatient_followup": float(i)}) for i in range(8)]
    result = fit_weights(obs)
    assert min(result.suggested_weights().values()) >= 0.0
    assert result.suggested_weights()["outpatient_followup"] == 0.0


@pytest.mark.parametrize(
    "text, kind",
    [
        ("investigation", "investigation"),
        ("Utredning", "investigation"),
        ("förhandsbedömning", "preliminary_assessment"),
        ("uppföljning öppenvård", "outpatient_followup"),
        ("Placering", "placement_followup"),
        ("foster home", "foster_home"),
        ("Ensamkommande barn", "ensamkommande"),
        ("ej ärende", NON_CASE),
        ("övrigt", NON_CASE),
        ("semester", None),
    ],
)
def test_parse_work_type(text, kind):
    assert parse_work_type(text) == kind


@pytest.mark.parametrize(
    "records, months, message",
    [
        ([], 1, "Inga observationer"),
        ([TimeRecord("A", "investigation", 5)], 0, "Periodens längd"),
        ([TimeRecord("A", "investigation", -5)], 1, "Negativt"),
        ([TimeRecord("A", "utredning", 5)], 1, "Okänd ärendetyp"),
        ([TimeRecord("A", NON_CASE, 5)], 1, "Inga observationer"),
    ],
)
def test_bad_input_gives_swedish_errors(records, months, message):
    with pytest.raises(CalibrationError, match=message):
        calibrate_time_study(records, months=months)


def test_recovers_main_and_co_handler_weights_from_person_totals():
    """Register counts as main and co-handler, 60 people, N(0, 2 h) noise: co weights within 0.5 h too."""
    rng = np.random.default_rng(3)
    true_co = {"investigation": 3.0, "outpatient_followup": 1.5}
    observations = []
    for i in range(60):
        counts = {t: float(rng.integers(0, 10)) for t in ("investigation", "outpatient_followup")}
        co = {f"co:{t}": float(rng.integers(0, 10)) for t in true_co}
        hours = sum(TRUE[t] * counts[t] for t in counts) + sum(true_co[t[3:]] * co[t] for t in co) + rng.normal(0, 2)
        observations.append(Observation(f"P{i}", hours, {**counts, **co}))
    result = fit_weights(observations, current_weights=WorkloadConfig().main_weights_hours_per_month)
    assert abs(result.suggested_weights()["investigation"] - 10.0) < 0.5
    assert abs(result.suggested_weights()["outpatient_followup"] - 5.0) < 0.5
    co = result.suggested_co_weights()
    assert set(co) == {"investigation", "outpatient_followup"}
    assert abs(co["investigation"] - 3.0) < 0.5 and abs(co["outpatient_followup"] - 1.5) < 0.5
    # Types without data keep the current weight.
    assert result.suggested_weights()["foster_home"] == 4.0
