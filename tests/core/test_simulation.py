"""The scenario simulation: reading scenarios, determinism, bands, measures' directions, calibration."""

import json
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from stabil.core import deadlines
from stabil.core import simulation as sim
from stabil.core.simulation.queues import deadline_offsets
from stabil.core.workload import WorkloadConfig

START = date(2025, 1, 1)


def unit(**kw):
    """A small investigation unit: 10 caseworkers (2 in their first year), 2 consultants, rising inflow."""
    base = {
        "name": "Enhet", "start_on": START, "reports_per_month": 60.0, "annual_growth": 0.2, "months": 12,
        "staff": (sim.StaffGroup(count=8, experience_years=6), sim.StaffGroup(count=2, experience_years=0.5),
                  sim.StaffGroup(count=2, consultant=True)),
        "open_allocated": {"investigation": tuple(range(0, 100, 4)), "follow_up": tuple(range(0, 200, 5))},
    }
    base.update(kw)
    return sim.Scenario(**base)


# --- reading scenarios ---------------------------------------------------------------------------

VALID = {
    "name": "Sex erfarna",
    "start_on": "2025-01-01",
    "reports_per_month": 60,
    "staff": [{"count": 8, "experience_years": 6}, {"count": 2, "consultant": True}],
    "measures": [{"kind": "hire", "start_on": "2025-06-15", "count": 6, "experienced": True, "cost_sek": 1500000}],
}


def test_scenario_from_dict_reads_measures_and_defaults():
    sc = sim.scenario_from_dict(VALID)
    assert sc.months == 36 and sc.caseload_cap_per_fte == sim.DEFAULT_CASELOAD_CAP_PER_FTE
    assert sc.measures[0].kind == "hire" and sc.measures[0].start_on == date(2025, 6, 15)
    assert sim.scenario_from_dict(sc.to_dict()) == sc  # round trip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_on": "2025-13-01"}, "start_on: ska vara ett datum ÅÅÅÅ-MM-DD"),
        ({"reports_per_month": "många"}, "reports_per_month: ska vara ett tal"),
        ({"months": 0}, "months: ska ligga i intervallet 1–120"),
        ({"staff": [{"count": 2.5}]}, "staff[0].count: ska vara ett heltal"),
        ({"measures": [{"kind": "lottery", "start_on": "2025-01-01"}]}, "measures[0].kind: okänd åtgärd 'lottery'"),
        ({"measures": [{"kind": "hire", "start_on": "2025-01-01"}]}, "measures[0].count: ska vara minst 1"),
        ({"measures": [{"kind": "pay_rise", "start_on": "2025-01-01"}]}, "measures[0].sek_per_month: saknas"),
        ({"colour": "blå"}, "colour: okänt fält"),
        ({"seasonality": [1, 2]}, "seasonality: ska ha 12 värden"),
        ({"open_allocated": {"nothing": [1]}}, "open_allocated.nothing: okänd fas"),
        ({"consultant_lead_months": -1}, "consultant_lead_months: ska ligga i intervallet 0–24"),
        ({"consultant_lead_months": 1.5}, "consultant_lead_months: ska vara ett heltal"),
        ({"start_absence_share": 1.5}, "start_absence_share: ska ligga i intervallet 0–1"),
        ({"staff": [{"count": 1, "supervisees": -2}]}, "staff[0].supervisees: ska ligga i intervallet 0–1000"),
        ({"staff": [{"count": 1, "trainee": "ja"}]}, "staff[0].trainee: ska vara true eller false"),
        ({"staff": [{"count": 1, "trainee": True, "consultant": True}]}, "staff[0].trainee: en konsult kan inte vara"),
    ],
)
def test_invalid_scenarios_give_swedish_messages_naming_the_field(change, message):
    with pytest.raises(sim.ScenarioError) as err:
        sim.scenario_from_dict({**VALID, **change})
    assert any(message in e for e in err.value.errors), err.value.errors


def test_missing_name_and_date_are_all_reported():
    data = {k: v for k, v in VALID.items() if k not in ("name", "start_on")}
    with pytest.raises(sim.ScenarioError) as err:
        sim.scenario_from_dict(data)
    assert any(e.startswith("name:") for e in err.value.errors)
    assert any(e.startswith("start_on:") for e in err.value.errors)


def test_load_scenario_toml_json_and_broken_files(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text(
        'name = "Trainees"\nstart_on = 2025-01-01\nreports_per_month = 50\n'
        '[[staff]]\ncount = 5\n[[measures]]\nkind = "trainees"\nstart_on = 2025-09-01\ncount = 10\n',
        encoding="utf-8",
    )
    assert sim.load_scenario(str(toml)).measures[0].count == 10
    js = tmp_path / "s.json"
    js.write_text(json.dumps(VALID), encoding="utf-8")
    assert sim.load_scenario(str(js)).name == "Sex erfarna"
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": ', encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(str(bad))
    assert "bad.json: ogiltig JSON på rad 1" in str(err.value)
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(str(tmp_path / "missing.toml"))
    assert "kan inte läsa filen" in str(err.value)


# --- the engine ----------------------------------------------------------------------------------


def test_same_seed_same_result_and_other_seed_differs():
    a = sim.simulate(unit(), runs=50, seed=7)
    b = sim.simulate(unit(), runs=50, seed=7)
    c = sim.simulate(unit(), runs=50, seed=8)
    for key in sim.OUTPUT_KEYS:
        np.testing.assert_array_equal(a.monthly[key], b.monthly[key])
    assert not np.array_equal(a.monthly["unallocated"], c.monthly["unallocated"])
    assert a.to_dict() == b.to_dict()


def test_outputs_have_ordered_bands_for_every_month():
    res = sim.simulate(unit(), runs=200, seed=1)
    doc = res.to_dict()
    assert len(doc["months"]) == 12 and doc["months"][0]["month"] == "2025-01"
    for month in doc["months"]:
        for key in sim.OUTPUT_KEYS:
            b = month[key]
            if b["median"] is None:
                continue
            assert b["lo95"] <= b["lo80"] <= b["median"] <= b["hi80"] <= b["hi95"], key
    json.dumps(doc)  # serialisable
    s = doc["summary"]
    assert 0 <= s["investigation_compliance"]["median"] <= 1
    assert 0 <= s["target"]["probability"] <= 1


def test_flow_bookkeeping_is_conserved():
    res = sim.simulate(unit(), runs=20, seed=2)
    st = res.phase_stats["preliminary_assessment"]
    # every report is counted once as an arrival
    np.testing.assert_array_equal(res.monthly["reports"].sum(axis=1), st.arrivals)
    # unallocated never negative, shares within 0-1
    assert (res.monthly["unallocated"] >= 0).all()
    shares = res.monthly["investigation_met_share"]
    assert np.nanmin(shares) >= 0 and np.nanmax(shares) <= 1


def test_more_staff_means_fewer_unallocated_and_better_compliance():
    base = unit(reports_per_month=90.0)
    hired = replace(base, measures=(sim.Measure("hire", START, count=6, experienced=True),),
                    recruitment_lead_months=0, recruitment_success_share=1.0)
    a = sim.simulate(base, runs=100, seed=3, with_baseline=False)
    b = sim.simulate(hired, runs=100, seed=3, with_baseline=True)
    assert b.monthly["unallocated"][:, -1].mean() < a.monthly["unallocated"][:, -1].mean()
    assert np.nanmean(b.compliance("investigation")) > np.nanmean(a.compliance("investigation"))
    summary = b.summary()
    assert summary["versus_baseline"]["extra_cost_sek"]["median"] > 0
    assert summary["versus_baseline"]["compliance_gain_pp"]["median"] > 0
    assert summary["versus_baseline"]["cost_per_pp_sek"] > 0


def test_consultant_cap_zero_removes_consultants_and_their_cost():
    capped = unit(measures=(sim.Measure("consultant_cap", START, cap=0),))
    res = sim.simulate(capped, runs=20, seed=1)
    assert res.monthly["consultants"].max() == 0
    free = sim.simulate(unit(), runs=20, seed=1)
    assert free.monthly["consultants"][:, 0].min() == 2
    assert res.total_cost().mean() < free.total_cost().mean()


def test_summer_temps_are_counted_in_their_weeks_only():
    sc = unit(measures=(sim.Measure("summer_temps", date(2025, 6, 1), count=8, weeks=8, cost_sek=0),))
    res = sim.simulate(sc, runs=5, seed=1)
    temps = res.monthly["summer_temps"][0]
    # 8 weeks from 1 June = 56 days: all of June (30) and 26 of July's 31 days
    assert temps[5] == pytest.approx(8.0) and temps[6] == pytest.approx(8 * 26 / 31)
    assert temps[4] == 0 and temps[7] == 0


def test_trainees_convert_into_first_year_staff():
    # no consultants: no vacancies, so no regular recruitment adds first-year staff
    staff = (sim.StaffGroup(count=8, experience_years=6), sim.StaffGroup(count=2, experience_years=0.5))
    sc = unit(months=18, staff=staff, turnover=sim.TurnoverModel(annual_rate_at_reference=0.0),
              measures=(sim.Measure("trainees", START, count=10, months=12, conversion_share=1.0),))
    res = sim.simulate(sc, runs=5, seed=1)
    assert res.monthly["trainees"][0, 11] == 10 and res.monthly["trainees"][0, 12] == 0
    # month 12: 10 new first-year caseworkers (the two existing first-years have passed a year by then)
    assert res.monthly["staff_first_year"][0, 12] == 10


def test_lower_caseload_cap_raises_unallocated():
    tight = unit(measures=(sim.Measure("caseload_cap", START, cap=6),))
    a = sim.simulate(tight, runs=30, seed=1)
    b = sim.simulate(unit(), runs=30, seed=1)
    assert a.monthly["unallocated_investigation"].mean() > b.monthly["unallocated_investigation"].mean()


def test_turnover_rises_with_load_and_pay_rise_lowers_it():
    model = sim.TurnoverModel()
    low, ref, high = model.monthly_probability(np.array([0.5, 0.85, 1.3]))
    assert low < ref < high
    # at the reference load: 15 % a year -> 1 - exp(-0.15 / 12) a month
    assert ref == pytest.approx(1 - np.exp(-0.15 / 12))
    overloaded = unit(reports_per_month=200.0, months=24)
    calm = unit(reports_per_month=20.0, months=24)
    a = sim.simulate(overloaded, runs=100, seed=1)
    b = sim.simulate(calm, runs=100, seed=1)
    assert a.monthly["leavers"].sum(axis=1).mean() > b.monthly["leavers"].sum(axis=1).mean()
    paid = replace(overloaded, measures=(sim.Measure("pay_rise", START, sek_per_month=5000),))
    c = sim.simulate(paid, runs=100, seed=1)
    assert c.monthly["leavers"].sum(axis=1).mean() < a.monthly["leavers"].sum(axis=1).mean()


def test_calibrate_turnover_recovers_known_parameters():
    truth = sim.TurnoverModel(annual_rate_at_reference=0.2, reference_load=0.85, load_sensitivity=3.0)
    rng = np.random.default_rng(0)
    loads = rng.uniform(0.6, 1.4, 400)
    exposure = np.full(400, 30.0)  # person-months per unit-month
    hazard = truth.annual_rate_at_reference / 12 * np.exp(3.0 * (loads - 0.85))
    exits = rng.poisson(exposure * hazard)
    model, note = sim.calibrate_turnover(list(zip(loads, exposure, exits)))
    assert note["fitted"]
    assert model.load_sensitivity == pytest.approx(3.0, abs=3 * note["load_sensitivity_se"])
    assert model.annual_rate_at_reference == pytest.approx(0.2, rel=0.15)


def test_calibrate_turnover_with_too_little_data_keeps_the_default_sensitivity():
    model, note = sim.calibrate_turnover([(0.9, 20, 1), (0.9, 20, 0)])
    assert not note["fitted"] and model.load_sensitivity == sim.TurnoverModel().load_sensitivity
    model, note = sim.calibrate_turnover([])
    assert model == sim.TurnoverModel() and note["observations"] == 0


def test_deadlines_come_from_the_legal_rules():
    # A preliminary assessment of a report on Friday 2025-12-19 is due 14 days later, 2026-01-02, a
    # Friday after New Year; the investigation rule for 2025-10-31 ends on 2026-02-27 (28 Feb is a Saturday).
    offs = deadline_offsets("preliminary_assessment", date(2025, 12, 19), 1, deadlines.DEFAULT_CONFIG)
    assert offs[0] == (deadlines.preliminary_assessment_due(date(2025, 12, 19)) - date(2025, 12, 19)).days
    inv = deadline_offsets("investigation", date(2025, 10, 31), 1, deadlines.DEFAULT_CONFIG)
    assert inv[0] == (deadlines.investigation_due(date(2025, 10, 31)) - date(2025, 10, 31)).days
    assert deadline_offsets(None, START, 3, deadlines.DEFAULT_CONFIG).min() > 10**8


def test_progress_is_reported_monthly():
    seen = []
    sim.simulate(unit(months=6), runs=5, seed=1, progress=seen.append)
    assert seen == pytest.approx([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0])


# --- the starting point: today's staff, consultants only after their lead time ------------------


def test_vacancies_at_the_start_get_consultants_only_after_the_lead_time():
    # three months: the recruitments started in month 1 end in month 4 (lead time 3)
    sc = unit(vacancies=4, months=3, turnover=sim.TurnoverModel(annual_rate_at_reference=0.0))
    res = sim.simulate(sc, runs=20, seed=1).monthly
    assert (res["consultants"][:, 0] == 2).all()  # month 1: the two consultants actually employed
    assert (res["consultants"][:, 1:] == 6).all()  # from month 2 the four vacancies are covered too
    two = sim.simulate(replace(sc, consultant_lead_months=2), runs=20, seed=1).monthly
    assert (two["consultants"][:, :2] == 2).all() and (two["consultants"][:, 2:] == 6).all()
    at_once = sim.simulate(replace(sc, consultant_lead_months=0), runs=20, seed=1).monthly
    assert (at_once["consultants"] == 6).all()  # lead time 0: the model before the lead time existed
    # the vacancies are recruited from month 1 whatever the lead time
    for key in ("staff_first_year", "staff_experienced"):
        assert (res[key] == at_once[key]).all() and (two[key] == at_once[key]).all()


def test_leavers_positions_get_consultants_after_the_lead_time():
    sc = unit(months=8, turnover=sim.TurnoverModel(annual_rate_at_reference=1.5), recruitment_success_share=0.0)
    lagged = sim.simulate(sc, runs=200, seed=2).monthly
    at_once = sim.simulate(replace(sc, consultant_lead_months=0), runs=200, seed=2).monthly
    # a leaver's position is covered from the next month (the leaver leaves on the month's first day)
    assert lagged["consultants"].mean() < at_once["consultants"].mean()
    assert (lagged["consultants"][:, 0] <= 2).all()
    assert lagged["consultants"][:, -1].mean() > 2


def test_capacity_follows_the_workload_model():
    """Team leads lose supervision hours, trainees count at the trainee rate, consultants at their experience."""
    wl = WorkloadConfig()
    base = {"name": "Kapacitet", "start_on": START, "reports_per_month": 0.0, "months": 1, "sick_leave_share": 0.0,
            "turnover": sim.TurnoverModel(annual_rate_at_reference=0.0), "open_allocated": {"follow_up": (10,) * 30}}

    def load(*staff, **kw):
        sc = sim.Scenario(staff=staff, **{**base, **kw})
        return float(sim.simulate(sc, runs=1, seed=1).monthly["load"][0, 0])

    full = wl.standard_capacity_hours()  # 107.25
    demand = 30 * wl.weight("main", "outpatient_followup")
    # follow-ups lead to no further phase and there is no inflow, so the cases (and their completions, drawn at
    # the start) are the same in every variant: the month's mean loads are in the ratio of the hours
    ref = load(sim.StaffGroup(count=2, experience_years=6))
    lead = load(sim.StaffGroup(count=1, experience_years=6),
                sim.StaffGroup(count=1, experience_years=6, supervisees=5))
    assert lead / ref == pytest.approx(2 * full / (2 * full - 5 * wl.supervision_hours_per_supervisee_per_month))
    trainee = load(sim.StaffGroup(count=1, experience_years=6), sim.StaffGroup(count=1, experience_years=0,
                                                                               trainee=True))
    assert trainee / ref == pytest.approx(2 / (1 + wl.trainee_rate))
    consultant = load(sim.StaffGroup(count=1, experience_years=6),
                      sim.StaffGroup(count=1, experience_years=2, consultant=True))
    assert consultant / ref == pytest.approx(2 / (1 + wl.experience_rate(2.0)))
    absent = load(sim.StaffGroup(count=2, experience_years=6), start_absence_share=0.1)
    assert absent / ref == pytest.approx(1 / 0.9)
    assert demand / (2 * full) > ref  # sanity: the month's mean load is below day one's


def test_trainees_employed_at_the_start_are_counted_as_trainees():
    sc = unit(staff=(sim.StaffGroup(count=8, experience_years=6), sim.StaffGroup(count=2, trainee=True,
                                                                                 experience_years=0)),
              months=2, turnover=sim.TurnoverModel(annual_rate_at_reference=0.0))
    res = sim.simulate(sc, runs=5, seed=1)
    assert (res.monthly["trainees"] == 2).all()
    assert (res.monthly["staff_first_year"] == 0).all() and (res.monthly["staff_experienced"] == 8).all()


def test_the_decision_shares_have_one_home_with_the_workload_model():
    """The share of preliminary assessments that open an investigation, and of investigations that end in an
    intervention, when a unit's own decisions do not say: one assumption each, in core/workload.py."""
    from stabil.core import workload  # imported here: this test is about where the assumptions live

    pre, inv, _follow = sim.default_phases()
    assert pre.next_share == workload.DEFAULT_OPENING_SHARE
    assert inv.next_share == workload.DEFAULT_INTERVENTION_SHARE
    assert not hasattr(sim, "DEFAULT_INVESTIGATION_SHARE") and not hasattr(sim, "DEFAULT_INTERVENTION_SHARE")
