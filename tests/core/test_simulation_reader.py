"""The scenario reader takes every default from the dataclasses, reads every field, and names what is wrong.

Issue 12: the reader restated each default of core/simulation's dataclasses, so a default had two homes
that could drift apart. Now a field a file leaves out is not passed at all and the dataclass decides.
"""

import dataclasses
from datetime import date

import pytest

from stabil.core import simulation as sim
from stabil.core.deadlines import DeadlineConfig
from stabil.core.simulation import reader

MINIMAL = {"name": "Enhet", "start_on": "2025-01-01", "reports_per_month": 40, "staff": [{"count": 3}]}


# (what the file gives, the dataclass object it must equal: only the required fields, the rest defaults)
DEFAULTS = [
    ("a scenario with only its required fields", MINIMAL,
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=40.0, staff=(sim.StaffGroup(3),))),
    ("a staff group with only its count", {**MINIMAL, "staff": [{"count": 7}]},
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=40.0, staff=(sim.StaffGroup(7),))),
    ("a measure with only its kind and start", {**MINIMAL, "measures": [{"kind": "retention",
                                                                          "start_on": "2025-03-01"}]},
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=40.0, staff=(sim.StaffGroup(3),),
                  measures=(sim.Measure("retention", date(2025, 3, 1)),))),
    ("a phase with only its key and mean duration", {**MINIMAL, "phases": [{"key": "fas", "mean_days": 12}]},
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=40.0, staff=(sim.StaffGroup(3),),
                  phases=(sim.Phase("fas", 12.0),))),
    ("empty turnover, cost and target tables", {**MINIMAL, "turnover": {}, "monthly_cost_sek": {}, "target": {}},
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=40.0, staff=(sim.StaffGroup(3),))),
    ("one cost given: the others keep their defaults", {**MINIMAL, "monthly_cost_sek": {"consultant": 100_000}},
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=40.0, staff=(sim.StaffGroup(3),),
                  monthly_cost_sek={**sim.DEFAULT_MONTHLY_COST_SEK, "consultant": 100_000.0})),
    ("an inflow forecast instead of reports a month", {**{k: v for k, v in MINIMAL.items() if k != "reports_per_month"},
                                                       "inflow_forecast": [5] * 36},
     sim.Scenario(name="Enhet", start_on=date(2025, 1, 1), reports_per_month=0.0, staff=(sim.StaffGroup(3),),
                  inflow_forecast=(5.0,) * 36)),
]


@pytest.mark.parametrize(("what", "data", "expected"), DEFAULTS, ids=[d[0] for d in DEFAULTS])
def test_fields_left_out_take_the_dataclass_defaults(what, data, expected):
    assert sim.scenario_from_dict(data) == expected, what


# Each dataclass a scenario file fills, and the reader's rules for its fields: a field added to a dataclass
# without a rule could not be set from a file (and a rule for a field that does not exist is a typo).
READABLE = [
    (sim.Scenario, set(reader.SCENARIO_FIELDS) | set(reader.SCENARIO_TABLES) | {"deadline_config"}),
    (sim.StaffGroup, set(reader.STAFF_FIELDS)),
    (sim.Phase, set(reader.PHASE_FIELDS)),
    (sim.Measure, set(reader.MEASURE_FIELDS)),
    (sim.Target, set(reader.TARGET_FIELDS)),
    (sim.TurnoverModel, set(reader.TURNOVER_FIELDS)),
]


@pytest.mark.parametrize(("cls", "rules"), READABLE, ids=[r[0].__name__ for r in READABLE])
def test_every_field_of_a_scenario_can_be_read(cls, rules):
    assert {f.name for f in dataclasses.fields(cls)} == rules


def test_a_full_scenario_survives_a_round_trip_through_its_dict():
    # Every kind of field set away from its default (deadline rules travel beside the dict, not in it).
    rules = DeadlineConfig(move_to_working_day=False)
    sc = sim.Scenario(
        name="Allt", start_on=date(2025, 2, 1), reports_per_month=55.5, months=14, description="text",
        annual_growth=0.1, seasonality=(1.0,) * 12, inflow_forecast=(3.0,) * 14, vacancies=2,
        staff=(sim.StaffGroup(4, experience_years=0.5, fte=0.8, supervisees=2), sim.StaffGroup(1, trainee=True),
               sim.StaffGroup(2, consultant=True)),
        phases=(sim.Phase("a", 10.0, shape=1.0, deadline="preliminary_assessment", next_share=0.4),
                sim.Phase("b", 60.0, hours_per_month=7.5, work_type="investigation", counts_toward_cap=False)),
        caseload_cap_per_fte=18.0, sick_leave_share=0.07, vacation_share=(0.05,) * 12, recruitment_lead_months=2,
        recruitment_success_share=0.6, hire_experienced_share=0.4, consultants_fill_vacancies=False,
        consultant_lead_months=2, consultant_cap=3, start_absence_share=0.12,
        turnover=sim.TurnoverModel(annual_rate_at_reference=0.2, load_sensitivity=3.0),
        monthly_cost_sek={**sim.DEFAULT_MONTHLY_COST_SEK, "admin": 40_000.0},
        open_allocated={"a": (1, 2), "b": (30,)}, open_unallocated={"b": (0, 0)},
        measures=(sim.Measure("pay_rise", date(2025, 4, 1), sek_per_month=1000.0, label="lön",
                              action_plan_measure="7"),
                  sim.Measure("caseload_cap", date(2025, 5, 1), cap=15.0, months=3)),
        target=sim.Target(output="load", value=0.9, months=6, higher_is_better=False),
        deadline_config=rules,
    )
    assert sim.scenario_from_dict(sc.to_dict(), deadline_config=rules) == sc
    assert "deadline_config" not in sc.to_dict()


# (what is wrong, the change to MINIMAL, a message that must name it)
INVALID = [
    ("a staff group without a count", {"staff": [{"experience_years": 3}]}, "staff[0].count: saknas"),
    ("a phase without a key", {"phases": [{"mean_days": 5}]}, "phases[0].key: saknas"),
    ("a phase without a mean duration", {"phases": [{"key": "a"}]}, "phases[0].mean_days: saknas"),
    # JSON reads NaN and Infinity: they are out of every range, never a crash
    ("months NaN (JSON)", {"months": float("nan")}, "months: ska ligga i intervallet 1–120, fick nan"),
    ("vacancies infinite (JSON)", {"vacancies": float("inf")}, "vacancies: ska ligga i intervallet 0–10000, fick inf"),
    ("growth NaN (JSON)", {"annual_growth": float("nan")}, "annual_growth: ska ligga i intervallet -0.9–5.0"),
    ("a text for a name", {"name": 3}, "name: ska vara text, fick 3"),
    ("a blank name", {"name": "  "}, "name: saknas (scenariots namn)"),
    ("the deadline rules in a file", {"deadline_config": {}}, "deadline_config: okänt fält"),
    ("a cost table of the wrong type", {"monthly_cost_sek": [1]}, "monthly_cost_sek: ska vara en tabell"),
    ("an unknown cost", {"monthly_cost_sek": {"bonus": 1}}, "monthly_cost_sek.bonus: okänt fält"),
    ("a measure without a start", {"measures": [{"kind": "retention"}]}, "measures[0].start_on: saknas"),
]


@pytest.mark.parametrize(("what", "change", "message"), INVALID, ids=[i[0] for i in INVALID])
def test_bad_input_is_named_in_swedish(what, change, message):
    with pytest.raises(sim.ScenarioError) as err:
        sim.scenario_from_dict({**MINIMAL, **change})
    assert any(message in e for e in err.value.errors), (what, err.value.errors)
