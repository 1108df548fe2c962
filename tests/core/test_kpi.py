"""KPI definitions, status against target and trend: hand-computed tables."""

from datetime import date

import pytest

from stabil.core import kpi

D = date


@pytest.mark.parametrize(
    ("leavers", "headcount", "value"),
    [(6, 24.0, 25.0), (0, 10.0, 0.0), (3, 0.0, None), (1, 4.0, 25.0)],
)
def test_turnover_rate(leavers, headcount, value):
    assert kpi.turnover_rate(leavers, headcount).value == value


@pytest.mark.parametrize(
    ("shares", "below", "counted"),
    [
        # Västerås Q1 2015, table 4: 8.75 %, 5.85 %, 3.47 %, 7.34 % -> one of four below 5 %
        ([0.0875, 0.0585, 0.0347, 0.0734], 1, 4),
        ([0.05, 0.0499], 1, 2),  # exactly 5 % is not below
        ([None, 0.01], 1, 1),  # a unit without scheduled hours is left out
        ([], 0, 0),
    ],
)
def test_units_sick_leave_below_5_percent(shares, below, counted):
    got = kpi.units_sick_leave_below(shares)
    assert (got.numerator, got.denominator) == (below, counted)


def test_consultant_share_vasteras():
    # Västerås: 12 of 26 investigators were consultants (all full time) -> 46.15 %
    got = kpi.consultant_share(12.0, 26.0)
    assert got.value == pytest.approx(46.1538, abs=1e-3)
    assert kpi.consultant_share(0.0, 0.0).value is None
    with pytest.raises(ValueError):
        kpi.consultant_share(5.0, 4.0)


def test_consultant_cost():
    got = kpi.consultant_cost(7_500_000.0, 10.0)
    assert got.value == 7_500_000.0
    assert got.as_dict() == {"kpi": "consultant_cost_sek", "value": 7500000.0, "numerator": 7500000,
                             "denominator": 10}


@pytest.mark.parametrize(
    ("qualified", "caseworkers", "value"),
    # Öppna jämförelser 2015: nationally 70 %; Västerås 63 % (e.g. 17 of 27 = 62.96 %)
    [(7, 10, 70.0), (17, 27, 62.96), (0, 0, None)],
)
def test_caseworkers_socionom_3_years(qualified, caseworkers, value):
    got = kpi.caseworkers_socionom_3_years(qualified, caseworkers)
    assert (round(got.value, 2) if got.value is not None else None) == value


@pytest.mark.parametrize(
    ("loads", "above", "counted"),
    [([0.8, 1.0, 1.01, 1.5], 2, 4), ([None, 1.2], 1, 1), ([1.0], 0, 1)],
)
def test_caseworkers_above_full_load(loads, above, counted):
    got = kpi.caseworkers_above_full_load(loads)
    assert (got.numerator, got.denominator) == (above, counted)


def test_share_refuses_impossible_counts():
    with pytest.raises(ValueError):
        kpi.share("x", 5, 4)
    with pytest.raises(ValueError):
        kpi.share("x", -1, 4)


@pytest.mark.parametrize(
    ("value", "target", "direction", "band", "expected"),
    [
        (100.0, 100.0, kpi.HIGHER, 5.0, kpi.MET),
        (96.0, 100.0, kpi.HIGHER, 5.0, kpi.NEAR),
        (95.0, 100.0, kpi.HIGHER, 5.0, kpi.NEAR),  # the band's edge is near
        (94.9, 100.0, kpi.HIGHER, 5.0, kpi.NOT_MET),
        (80.0, 75.0, kpi.HIGHER, 5.0, kpi.MET),
        (10.0, 12.0, kpi.LOWER, 2.0, kpi.MET),
        (13.5, 12.0, kpi.LOWER, 2.0, kpi.NEAR),
        (14.5, 12.0, kpi.LOWER, 2.0, kpi.NOT_MET),
        (None, 12.0, kpi.LOWER, 2.0, kpi.UNKNOWN),
        (10.0, None, kpi.LOWER, 2.0, kpi.UNKNOWN),
    ],
)
def test_status(value, target, direction, band, expected):
    assert kpi.status(value, target, direction, band) == expected


@pytest.mark.parametrize(
    ("code", "value", "target", "expected"),
    [
        ("units_sick_leave_below_5_percent", 72.0, 75.0, kpi.NEAR),  # Helsingborg 2017 target 75 %
        ("units_sick_leave_below_5_percent", 69.0, 75.0, kpi.NOT_MET),
        ("consultant_cost_sek", 7_800_000.0, 7_500_000.0, kpi.NEAR),  # within 5 % of target
        ("consultant_cost_sek", 8_000_000.0, 7_500_000.0, kpi.NOT_MET),
        ("staff_turnover_rate", 13.0, 12.0, kpi.NEAR),  # own band: 2 percentage points
        ("staff_turnover_rate", 14.5, 12.0, kpi.NOT_MET),
    ],
)
def test_status_for_uses_each_kpis_band(code, value, target, expected):
    assert kpi.status_for(code, value, target) == expected


@pytest.mark.parametrize(
    ("values", "direction", "unit", "expected"),
    [
        ([60.0, 70.0], kpi.HIGHER, kpi.PERCENT, kpi.IMPROVING),
        ([70.0, 60.0], kpi.HIGHER, kpi.PERCENT, kpi.WORSENING),
        ([70.0, 70.9], kpi.HIGHER, kpi.PERCENT, kpi.UNCHANGED),
        ([20.0, 15.0], kpi.LOWER, kpi.PERCENT, kpi.IMPROVING),
        ([20.0, None, 25.0], kpi.LOWER, kpi.PERCENT, kpi.WORSENING),  # skips missing periods
        ([1_000_000.0, 1_005_000.0], kpi.LOWER, kpi.SEK, kpi.UNCHANGED),  # within 1 %
        ([1_000_000.0, 1_020_000.0], kpi.LOWER, kpi.SEK, kpi.WORSENING),
        ([None, 50.0], kpi.HIGHER, kpi.PERCENT, None),
    ],
)
def test_trend(values, direction, unit, expected):
    assert kpi.trend(values, direction, unit) == expected


def test_every_registered_kpi_is_defined_and_sourced():
    assert set(kpi.REGISTRY) == {
        "preliminary_assessment_within_14_days",
        "investigation_within_4_months",
        "first_contact_within_guarantee",
        "placement_review_on_time",
        "staff_turnover_rate",
        "units_sick_leave_below_5_percent",
        "consultant_share",
        "consultant_cost_sek",
        "caseworkers_socionom_3_years",
        "caseworkers_above_full_load",
    }
    for definition in kpi.REGISTRY.values():
        assert len(definition.definition) > 60 and definition.source
        assert definition.unit in kpi.UNITS and definition.direction in (kpi.HIGHER, kpi.LOWER)
    with pytest.raises(KeyError, match="unknown KPI"):
        kpi.definition("nope")
