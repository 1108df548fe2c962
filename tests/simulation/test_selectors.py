"""Reading a unit's starting point, its inflow history and forecast from the database."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from stabil.cases.models import DeadlineSettings
from stabil.core import simulation as core
from stabil.core.deadlines import DEFAULT_CONFIG, DeadlineConfig
from stabil.simulation import selectors


@pytest.fixture
def unit_data(personas):
    """Unit A: three caseworkers (one new graduate, one part-time), one consultant, a leaver; two years of
    reports, two cases still in preliminary assessment (one without a main caseworker) and one investigation."""
    from stabil.cases.models import Case, Child
    from stabil.cases.services import case_record_event
    from stabil.staff.models import StaffMember

    unit = personas.org.unit_a
    on = date(2025, 3, 10)
    StaffMember.objects.create(staff_id="S1", unit=unit, fte=1, experience_years=4, started_on=date(2020, 1, 1))
    StaffMember.objects.create(staff_id="S2", unit=unit, fte=1, experience_years=0, started_on=date(2024, 9, 1))
    StaffMember.objects.create(staff_id="S3", unit=unit, fte=0.5, experience_years=10, started_on=date(2019, 1, 1))
    StaffMember.objects.create(staff_id="K1", unit=unit, employment="consultant", started_on=date(2024, 1, 1))
    StaffMember.objects.create(staff_id="L1", unit=unit, started_on=date(2020, 1, 1), ended_on=date(2024, 12, 31))
    StaffMember.objects.create(staff_id="B1", unit=personas.org.unit_b, started_on=date(2020, 1, 1))
    n = 0
    day = date(2023, 3, 1)
    while day < date(2025, 3, 1):  # 3 reports a month in unit A, each closed after assessment
        for k in range(3):
            n += 1
            case = Case.objects.create(case_id=f"C{n}", child=Child.objects.create(child_id=f"B{n}"),
                                       category="barn", unit=unit)
            d = day + timedelta(days=k * 7)
            case_record_event(by=None, case=case, kind="report_received", on=d)
            case_record_event(by=None, case=case, kind="preliminary_decided", on=d + timedelta(days=5),
                              outcome="no_investigation")
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    open_cases = []
    for i, (kind_events, handler) in enumerate([
        ([("report_received", on - timedelta(days=4))], "S1"),
        ([("report_received", on - timedelta(days=2))], None),
        ([("report_received", on - timedelta(days=50)), ("preliminary_decided", on - timedelta(days=40)),
          ("investigation_opened", on - timedelta(days=40))], "S1"),
    ]):
        case = Case.objects.create(case_id=f"O{i}", child=Child.objects.create(child_id=f"OB{i}"), category="barn",
                                   unit=unit)
        for kind, d in kind_events:
            extra = {"outcome": "investigation"} if kind == "preliminary_decided" else {}
            case_record_event(by=None, case=case, kind=kind, on=d, **extra)
        if handler:
            case_record_event(by=None, case=case, kind="handler_assigned", on=kind_events[-1][1], staff_id=handler)
        open_cases.append(case)
    return unit, on


@pytest.mark.django_db
def test_starting_point_reads_staff_open_cases_and_inflow(unit_data):
    unit, on = unit_data
    data = selectors.unit_starting_point(unit, on, months=24)
    staff = data["staff"]
    consultants = [g for g in staff if g.get("consultant")]
    own = [g for g in staff if not g.get("consultant")]
    # the consultant keeps their own experience (2024-01-01 to 2025-03-10: 1.2 years, down to the half year)
    assert consultants == [{"count": 1, "fte": 1.0, "experience_years": 1.0, "consultant": True}]
    assert sum(g["count"] for g in own) == 3  # the leaver and unit B's person are not counted
    assert any(g["experience_years"] == 0.5 for g in own)  # 0 years at start + half a year since
    assert any(g["fte"] == 0.5 for g in own)
    assert data["open_unallocated"] == {"preliminary_assessment": [2]}
    assert data["open_allocated"]["preliminary_assessment"] == [4]
    # investigation opened 40 days ago: age from its pending due date
    assert 38 <= data["open_allocated"]["investigation"][0] <= 42
    # last 12 complete months: 36 + the open investigation's report in January; the year before: 36
    assert data["reports_per_month"] == pytest.approx(37 / 12, abs=0.005)
    assert data["annual_growth"] == pytest.approx(37 / 36 - 1, abs=0.0005)
    assert len(data["inflow_forecast"]) == 24  # 24 months of history: the forecast drives inflow
    sc = core.scenario_from_dict(data)
    assert core.simulate(sc, runs=5, seed=1).monthly["reports"].shape == (5, 24)


@pytest.mark.django_db
def test_inflow_history_counts_months_and_zeros(unit_data, personas):
    unit, on = unit_data
    first, history = selectors.inflow_history(series="reports", unit_ids=[unit.pk], on=on)
    assert first == date(2023, 3, 1) and len(history) == 24
    assert history[:-2] == [3.0] * 22 and history[-2] == 4.0 and history[-1] == 3.0  # January 2025: 3 + 1
    first, history = selectors.inflow_history(series="reports", unit_ids=[personas.org.unit_b.pk], on=on)
    assert history == []
    result = selectors.forecast(series="reports", unit_ids=[personas.org.unit_b.pk], on=on, months_ahead=12)
    assert result.model == "zero" and result.median == [0.0] * 12
    fc = selectors.forecast(series="reports", unit_ids=[unit.pk], on=on, months_ahead=12)
    assert fc.months[0] == date(2025, 3, 1)


@pytest.mark.django_db
def test_turnover_is_calibrated_from_the_units_own_exits(unit_data):
    unit, on = unit_data
    observations = selectors.turnover_observations([unit], on, months=12)
    assert len(observations) == 13  # twelve whole months and the current month so far
    assert sum(exits for _load, _exposure, exits in observations) == 1  # L1 left on 2024-12-31
    model, note = selectors.turnover_calibration([unit], on, months=12)
    # one exit is too few to fit the load sensitivity: the level is fitted, the default sensitivity kept
    assert model.load_sensitivity == core.TurnoverModel().load_sensitivity
    assert "För få avgångar (<5)" in note  # one leaver: suppressed (issue 11, finding 5)
    data = selectors.unit_starting_point(unit, on, months=12)  # calibrates over the last 24 months
    model24, _note = selectors.turnover_calibration([unit], on, months=24)
    assert data["turnover"]["annual_rate_at_reference"] == pytest.approx(model24.annual_rate_at_reference)
    assert "För få avgångar" in data["description"]


# Non-default rules of the Fristregler page: strict calendar days, protection assessment the next day,
# no first-contact guarantee.
NON_DEFAULT_RULES = {"move_to_working_day": False, "protection_assessment_days": 1,
                     "first_contact_guarantee": False, "first_contact_working_days": 5, "warning_working_days": 1}


@pytest.mark.django_db
def test_a_stored_scenario_is_simulated_under_the_municipalitys_deadline_rules(scenario):
    assert selectors.core_scenario(scenario).deadline_config == DEFAULT_CONFIG
    DeadlineSettings.objects.create(**NON_DEFAULT_RULES)
    built = selectors.core_scenario(scenario)
    assert built.deadline_config == DeadlineConfig(**NON_DEFAULT_RULES)
    # Same seed, same cases: strict calendar days never give more time than a deadline moved to the next
    # working day, and a 14-day preliminary assessment due on a weekend is met one or two days earlier.
    strict = core.simulate(built, runs=20, seed=3)
    moved = core.simulate(replace(built, deadline_config=DEFAULT_CONFIG), runs=20, seed=3)
    for phase in ("preliminary_assessment", "investigation"):
        assert (strict.completed[phase] == moved.completed[phase]).all()
        assert (strict.met[phase] <= moved.met[phase]).all()
    assert strict.met["preliminary_assessment"].sum() < moved.met["preliminary_assessment"].sum()


@pytest.mark.django_db
def test_a_scenario_built_from_a_unit_carries_the_municipalitys_deadline_rules(unit_data):
    unit, on = unit_data
    DeadlineSettings.objects.create(**NON_DEFAULT_RULES)
    built = selectors.unit_scenario(unit, on, months=6)
    assert isinstance(built, core.Scenario) and built.months == 6
    assert built.deadline_config == DeadlineConfig(**NON_DEFAULT_RULES)


@pytest.mark.django_db
def test_a_scenario_from_a_unit_is_built_in_one_place_whichever_path(unit_data, personas):
    """Issue 12: `stabil simulate --unit`, and a scenario created on the page and later run, give the same
    typed core scenario: one assembly (`selectors.build_scenario`) under the municipality's rules."""
    from stabil.simulation import services

    unit, on = unit_data
    DeadlineSettings.objects.create(**NON_DEFAULT_RULES)
    direct = selectors.unit_scenario(unit, on, months=6)
    stored = services.scenario_create(by=personas.unit_manager, unit=unit, name=unit.name, on=on, months=6)
    assert selectors.core_scenario(stored) == direct
    assert direct.deadline_config == DeadlineConfig(**NON_DEFAULT_RULES)


@pytest.mark.django_db
def test_creating_and_running_a_scenario_judge_its_starting_point_alike(personas):
    """A starting point whose inflow forecast is shorter than the horizon: a run leaves the forecast out (the
    inflow follows the last year's level), so creating the scenario must not refuse it (it did: creating
    validated its own copy of the starting point, by other rules than the runs)."""
    from stabil.simulation import services

    base = {"name": "Enhet", "start_on": "2025-01-01", "months": 12, "reports_per_month": 30.0,
            "inflow_forecast": [31.0] * 12, "staff": [{"count": 4}]}
    stored = services.scenario_create(by=personas.unit_manager, unit=personas.org.unit_a, name="Tre år",
                                      on=date(2025, 1, 15), months=36, base=base)
    built = selectors.core_scenario(stored)
    assert built.months == 36 and built.inflow_forecast == () and built.reports_per_month == 30.0


@pytest.mark.django_db
def test_a_bad_starting_point_is_named_in_swedish_and_nothing_is_stored(personas):
    from stabil.simulation import services
    from stabil.simulation.models import Scenario

    base = {"name": "Enhet", "start_on": "2025-01-01", "reports_per_month": 30.0, "staff": [{"count": -1}]}
    with pytest.raises(core.ScenarioError) as err:
        services.scenario_create(by=personas.unit_manager, unit=personas.org.unit_a, name="Fel", on=date(2025, 1, 15),
                                 months=12, base=base)
    assert "staff[0].count: ska ligga i intervallet 0–10000, fick -1" in err.value.errors
    assert not Scenario.objects.filter(name="Fel").exists()
