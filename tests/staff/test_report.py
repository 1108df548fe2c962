"""`stabil report staff`: per unit, the JSON contract, a past period's situation, CSV/XLSX, audit."""

import io
import json
from datetime import date

import openpyxl
import pytest

from stabil.audit.models import AccessRecord
from stabil.cli import main
from stabil.staff.models import Absence, ExitInterview, Overtime, StaffMember, UnitStaffing
from stabil.staff.selectors import main_handler_warning, staff_report
from stabil.staff.services import staff_change_situation, staff_record_exit_interview


def member(staff_id, unit, *, employment="permanent", years=0, started_on, ended_on=None, exit_reason="",
           cost=40000, degree="socionom", role="caseworker"):
    return StaffMember.objects.create(staff_id=staff_id, unit=unit, role=role, employment=employment, fte=1,
                                      degree=degree, experience_years=years, started_on=started_on,
                                      ended_on=ended_on, exit_reason=exit_reason, monthly_cost_sek=cost)


@pytest.fixture
def scenario(org):
    ua, ub = org.unit_a, org.unit_b
    s1 = member("S1", ua, years=4, started_on=date(2014, 1, 1))
    s2 = member("S2", ua, employment="consultant", years=6, started_on=date(2015, 1, 1), cost=80000)
    member("S3", ua, started_on=date(2015, 2, 1))
    s4 = member("S4", ua, years=2, started_on=date(2013, 1, 1), ended_on=date(2015, 3, 15), exit_reason="pay")
    s5 = member("S5", ua, years=1, started_on=date(2012, 1, 1))
    staff_change_situation(by=None, member=s5, valid_from=date(2015, 3, 1), unit=ub)
    Absence.objects.create(staff=s1, kind="sick", first_day=date(2015, 1, 5), last_day=date(2015, 1, 5))
    Absence.objects.create(staff=s1, kind="sick", first_day=date(2014, 12, 20), last_day=date(2015, 1, 2))
    Absence.objects.create(staff=s1, kind="vacation", first_day=date(2015, 2, 16), last_day=date(2015, 2, 20))
    Absence.objects.create(staff=s2, kind="sick", first_day=date(2015, 2, 2), last_day=date(2015, 2, 4))
    Absence.objects.create(staff=s5, kind="sick", first_day=date(2015, 3, 10), last_day=date(2015, 3, 12))
    Overtime.objects.create(staff=s1, worked_on=date(2015, 1, 20), kind="overtime", hours=3.5)
    Overtime.objects.create(staff=s2, worked_on=date(2015, 1, 20), kind="overtime", hours=9)  # consultant: apart
    UnitStaffing.objects.create(unit=ua, valid_from=date(2014, 1, 1), budgeted_fte=6)
    staff_record_exit_interview(by=None, member=s4, held_on=date(2015, 3, 20), main_reason="pay",
                                other_reasons=["workload", "leadership"], comment="Lön och tempo")
    return org


def test_report_per_unit_in_the_contract_shape(scenario):
    report = staff_report(date(2015, 1, 1), date(2015, 3, 31), [scenario.unit_a, scenario.unit_b])
    ua, ub = report
    assert ua["unit"] == "UA" and ub["unit"] == "UB"
    assert ua["turnover"] == {"started": 1, "ended": 1, "average_headcount": round(282 / 90, 2),
                              "rate": round(1 / (282 / 90), 4), "net_change": 0, "transfers_in": 0,
                              "transfers_out": 1}
    assert ua["exit_reasons"]["pay"] == 1 and sum(ua["exit_reasons"].values()) == 1
    assert ua["sick_leave"] == {"1": {"occasions": 1, "days": 1}, "2-21": {"occasions": 1, "days": 2},
                                "22-90": {"occasions": 0, "days": 0}, "91+": {"occasions": 0, "days": 0},
                                "total": {"occasions": 2, "days": 3}}
    assert ua["consultants"]["sick_leave"]["2-21"] == {"occasions": 1, "days": 3}
    assert ua["consultants"]["count"] == 1 and ua["consultants"]["cost_ratio"] == 2.0
    assert ua["consultants"]["budgeted_fte"] == 6.0
    assert ua["overtime"] == {"fill_in_hours": 0.0, "overtime_hours": 3.5}
    # On 2015-03-31: S1 (5.2 years), S2 (6.2 years, consultant) and S3 (0.2 years) investigate in UA.
    assert ua["eligibility"]["investigators"] == 3
    assert ua["eligibility"]["socionom_3_years_or_more"] == round(2 / 3, 4)
    assert ub["turnover"]["transfers_in"] == 1 and ub["turnover"]["started"] == 0
    assert ub["sick_leave"]["2-21"] == {"occasions": 1, "days": 3}  # S5 was in UB when ill


def test_past_period_uses_that_periods_situation(scenario):
    (ua,) = staff_report(date(2014, 10, 1), date(2014, 12, 31), [scenario.unit_a])
    # S1, S4 and S5 (still in UA then) the whole quarter.
    assert ua["turnover"]["average_headcount"] == 3.0
    assert ua["sick_leave"]["2-21"] == {"occasions": 1, "days": 12}  # 20-31 December


def test_cli_json_alone_on_stdout_and_audited(scenario, capsys):
    code = main(["report", "staff", "--from", "2015-01-01", "--to", "2015-03-31", "--unit", "UA", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert [entry["unit"] for entry in data] == ["UA"]
    assert set(data[0]["sick_leave"]) == {"1", "2-21", "22-90", "91+", "total"}
    assert AccessRecord.objects.filter(what__startswith="Personalrapport").exists()


def test_cli_csv(scenario, capsys):
    assert main(["report", "staff", "--from", "2015-01-01", "--to", "2015-03-31", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("unit,unit_name,from,to,turnover.started")
    assert len(lines) == 3 and lines[1].startswith("UA,")


def test_cli_xlsx(scenario, capsysbinary):
    assert main(["report", "staff", "--from", "2015-01-01", "--to", "2015-03-31", "--format", "xlsx"]) == 0
    workbook = openpyxl.load_workbook(io.BytesIO(capsysbinary.readouterr().out))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[2][0] == "unit" and rows[3][0] == "UA" and rows[4][0] == "UB"


def test_cli_bad_input_is_a_swedish_message(scenario, capsys):
    assert main(["report", "staff", "--from", "2015-03-31", "--to", "2015-01-01"]) == 2
    assert "ligger före" in capsys.readouterr().err
    assert main(["report", "staff", "--from", "2015-01-01", "--to", "2015-03-31", "--unit", "NOPE"]) == 2
    assert "okänd enhet: NOPE" in capsys.readouterr().err


def test_main_handler_warning(org):
    graduate = member("G1", org.unit_a, started_on=date(2025, 9, 1))
    senior = member("G2", org.unit_a, years=5, started_on=date(2020, 1, 1))
    no_degree = member("G3", org.unit_a, years=9, started_on=date(2020, 1, 1), degree="none")
    assert "endast medhandläggare" in main_handler_warning(graduate, date(2025, 11, 1))
    assert main_handler_warning(senior, date(2025, 11, 1)) is None
    assert "Saknar socionomexamen" in main_handler_warning(no_degree, date(2025, 11, 1))
    assert main_handler_warning(None, date(2025, 11, 1)) is None


def test_exit_interview_compiled(scenario):
    from stabil.staff.selectors import exit_interview_analysis

    (ua,) = exit_interview_analysis(date(2015, 1, 1), date(2015, 3, 31), [scenario.unit_a])
    assert ua["interviews"] == 1
    assert ua["main_reasons"]["pay"] == 1
    assert (ua["mentioned"]["pay"], ua["mentioned"]["workload"], ua["mentioned"]["leadership"]) == (1, 1, 1)
    assert ExitInterview.objects.get().other_reasons == ["leadership", "workload"]
    assert ua["comments"] == [(date(2015, 3, 20), "pay", "Lön och tempo")]
