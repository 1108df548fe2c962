"""`--by USERNAME` on every report and on allocate/forecast/simulate: one scope for every path (issue 11).

A named user gets the capability check and the row scope of the corresponding page (accounts.policy),
the access log names them; an outsider (unit B) sees none of unit A's ids and may not name unit A.
"""

import datetime as dt
import json

import pytest

from stabil.audit.models import AccessRecord
from stabil.cli import build_registry, main
from stabil.common.cli import Registry, SwedishArgumentParser

pytestmark = pytest.mark.django_db


def run(capsysbinary, *argv):
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8", "replace"), err.decode()


@pytest.fixture
def data(personas):
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases
    from stabil.staff.models import StaffMember

    org = personas.org

    def staff(staff_id, unit, team, user):
        return StaffMember.objects.create(staff_id=staff_id, name=f"Namn {staff_id}", unit=unit, team=team,
                                          role="caseworker", employment="permanent", fte=1, degree="socionom",
                                          experience_years=6, started_on=dt.date(2020, 1, 1), user=user)

    s1 = staff("SA1", org.unit_a, org.team_a1, personas.caseworker)
    staff("SA2", org.unit_a, org.team_a2, personas.other_team_caseworker)
    s9 = staff("SB9", org.unit_b, org.team_b1, personas.outsider)
    cases = []
    for case_id, unit, handler in (("KA1", org.unit_a, s1), ("KA2", org.unit_a, None), ("KB1", org.unit_b, s9)):
        child = Child.objects.create(child_id=f"B-{case_id}", birth_date=dt.date(2015, 5, 5))
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit, main_handler=handler)
        CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2025, 11, 20))
        if handler:
            CaseEvent.objects.create(case=case, kind="handler_assigned", on=dt.date(2025, 11, 20), staff=handler)
        cases.append(case)
    recompute_cases([c.pk for c in cases])
    return personas


# kind -> (arguments, a role without the capability)
REPORTS = {
    "deadlines": (["--on", "2025-11-24"], "board"),
    "egenkontroll": (["--from", "2025-11-01", "--to", "2025-12-31", "--on", "2026-03-01"], "board"),
    "staff": (["--from", "2025-01-01", "--to", "2025-12-31"], "sysadmin"),
    "workload": (["--on", "2025-11-24"], "board"),
    "statistics": (["--years", "2024-2025", "--months", "1-12"], "sysadmin"),
    "kpi": (["--from", "2025-01-01", "--to", "2025-12-31"], "caseworker"),
    "board": (["--period", "2025-01..2025-08", "--format", "xlsx"], "sysadmin"),
}


def _args(kind, tmp_path):
    args = ["report", kind, *REPORTS[kind][0]]
    if kind == "board":
        args += ["--output", str(tmp_path / "board.xlsx")]
    return args


def test_every_registered_report_kind_takes_by():
    """Walks the registry: a report kind without --by fails here (Registry.report adds it to every kind)."""
    registry = build_registry()
    assert set(REPORTS) <= set(registry.reports)
    for kind, command in registry.reports.items():
        parser = SwedishArgumentParser(prog=f"stabil report {kind}")
        command.configure(parser)
        assert "--by" in parser._option_string_actions, f"stabil report {kind} has no --by"
        assert kind in REPORTS, f"stabil report {kind}: add it to the --by tests in this file"


def test_a_new_report_kind_gets_by_generically():
    registry = Registry()
    registry.report("probe", help="", configure=lambda parser: None, run=lambda args: 0)
    parser = SwedishArgumentParser(prog="probe")
    registry.reports["probe"].configure(parser)
    assert parser.parse_args(["--by", "someone"]).by == "someone"


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_unknown_user_is_refused(kind, data, capsysbinary, tmp_path):
    code, out, err = run(capsysbinary, *_args(kind, tmp_path), "--by", "nobody")
    assert code == 2 and out == "" and "användaren 'nobody' finns inte eller är inaktiverad" in err


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_role_without_the_capability_is_refused(kind, data, capsysbinary, tmp_path):
    role = REPORTS[kind][1]
    before = AccessRecord.objects.count()
    code, out, err = run(capsysbinary, *_args(kind, tmp_path), "--by", role)
    assert code == 2 and out == "" and "har inte behörighet" in err, err
    assert AccessRecord.objects.count() == before


@pytest.mark.parametrize("kind", ["egenkontroll", "staff", "workload", "statistics", "kpi", "board"])
def test_outsider_may_not_name_another_unit(kind, data, capsysbinary, tmp_path):
    """Unit A named by unit B's manager: the same message as a unit that does not exist, exit 2."""
    code, out, err_a = run(capsysbinary, *_args(kind, tmp_path), "--unit", "UA", "--by", "outsider_manager")
    assert code == 2 and out == "" and "finns inte eller ingår inte i användarens" in err_a
    code, _out, err_none = run(capsysbinary, *_args(kind, tmp_path), "--unit", "NOPE", "--by", "outsider_manager")
    assert code == 2 and err_none.replace("NOPE", "UA") == err_a


def _latest_named(username):
    record = AccessRecord.objects.latest("pk")
    assert record.username == username
    return record


def test_deadlines_by_user(data, capsysbinary, tmp_path):
    code, out, err = run(capsysbinary, *_args("deadlines", tmp_path), "--by", "unit_manager")
    assert code == 0, err
    assert {r["case_id"] for r in json.loads(out)} == {"KA1", "KA2"}
    assert set(_latest_named("unit_manager").object_ids) == {"KA1", "KA2"}
    code, out, err = run(capsysbinary, *_args("deadlines", tmp_path), "--by", "outsider_manager")
    assert code == 0, err
    assert "KA1" not in out and "KA2" not in out and "KB1" in out
    code, out, _err = run(capsysbinary, *_args("deadlines", tmp_path), "--by", "caseworker")  # own team's case
    assert {r["case_id"] for r in json.loads(out)} == {"KA1"}
    code, out, _err = run(capsysbinary, *_args("deadlines", tmp_path))  # the operator: everything
    assert {r["case_id"] for r in json.loads(out)} == {"KA1", "KA2", "KB1"}
    assert AccessRecord.objects.latest("pk").username == "(kommandorad)"


def test_egenkontroll_by_user(data, capsysbinary, tmp_path):
    code, out, err = run(capsysbinary, *_args("egenkontroll", tmp_path), "--by", "unit_manager")
    assert code == 0, err
    breaches = {b["case_id"] for b in json.loads(out)["breaches"]}
    assert breaches == {"KA1", "KA2"}
    assert set(_latest_named("unit_manager").object_ids) == {"KA1", "KA2"}
    code, out, err = run(capsysbinary, *_args("egenkontroll", tmp_path), "--by", "outsider_manager")
    assert code == 0, err
    assert "KA1" not in out and "KA2" not in out and "KB1" in out
    assert set(_latest_named("outsider_manager").object_ids) == {"KB1"}


def test_staff_by_user(data, capsysbinary, tmp_path):
    code, out, err = run(capsysbinary, *_args("staff", tmp_path), "--by", "unit_manager")
    assert code == 0, err
    report = json.loads(out)
    assert [e["unit"] for e in report] == ["UA"]
    assert all("exit_reasons" not in e for e in report)  # exit reasons: HR only
    assert _latest_named("unit_manager").object_ids == ["UA"]
    code, out, err = run(capsysbinary, *_args("staff", tmp_path), "--by", "outsider_manager")
    assert [e["unit"] for e in json.loads(out)] == ["UB"] and '"UA"' not in out
    code, out, err = run(capsysbinary, *_args("staff", tmp_path), "--by", "hr")  # central HR: all, with reasons
    assert [e["unit"] for e in json.loads(out)] == ["UA", "UB"] and "exit_reasons" in out


def test_workload_by_user(data, capsysbinary, tmp_path):
    code, out, err = run(capsysbinary, *_args("workload", tmp_path), "--by", "unit_manager")
    assert code == 0, err
    result = json.loads(out)
    assert {s["staff_id"] for s in result["staff"]} == {"SA1", "SA2"}
    assert [u["unit"] for u in result["units"]] == ["UA"]
    assert set(_latest_named("unit_manager").object_ids) == {"SA1", "SA2"}
    code, out, err = run(capsysbinary, *_args("workload", tmp_path), "--by", "team_lead")  # their team only
    assert code == 0, err
    assert {s["staff_id"] for s in json.loads(out)["staff"]} == {"SA1"} and "SA2" not in out
    assert set(_latest_named("team_lead").object_ids) == {"SA1"}
    code, out, err = run(capsysbinary, *_args("workload", tmp_path), "--by", "outsider_manager")
    assert code == 0, err
    assert "SA1" not in out and "SB9" in out and '"UA"' not in out


def test_statistics_by_user(data, capsysbinary, tmp_path):
    code, _out, err = run(capsysbinary, *_args("statistics", tmp_path), "--unit", "UA", "--by", "unit_manager")
    assert code == 0, err
    assert "offentliga tal" not in err
    assert _latest_named("unit_manager").what.endswith("(exakta tal)")
    before = AccessRecord.objects.count()
    code, _out, err = run(capsysbinary, *_args("statistics", tmp_path), "--by", "board")
    assert code == 0, err
    assert "offentliga tal" in err  # a board member gets the public figures
    assert AccessRecord.objects.count() == before


def test_kpi_by_user(data, capsysbinary, tmp_path):
    code, out, err = run(capsysbinary, *_args("kpi", tmp_path), "--unit", "UA", "--by", "unit_manager")
    assert code == 0, err
    assert any(r["denominator"] is not None for r in json.loads(out))
    assert _latest_named("unit_manager").what.endswith("(exakta tal)")
    code, out, err = run(capsysbinary, *_args("kpi", tmp_path), "--by", "board")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(r["numerator"] is None and r["denominator"] is None for r in rows)


def test_board_by_user(data, capsysbinary, tmp_path):
    code, _out, err = run(capsysbinary, *_args("board", tmp_path), "--unit", "UA", "--by", "unit_manager")
    assert code == 0, err
    assert _latest_named("unit_manager").what.endswith("(exakta tal)")
    before = AccessRecord.objects.count()
    code, _out, err = run(capsysbinary, *_args("board", tmp_path), "--by", "board")
    assert code == 0 and "offentliga tal" in err
    assert AccessRecord.objects.count() == before


def test_allocate_by_user(data, capsysbinary):
    code, out, err = run(capsysbinary, "allocate", "KA2", "--on", "2025-11-24", "--by", "unit_manager")
    assert code == 0, err
    assert {s["staff_id"] for s in json.loads(out)["suggestions"]} <= {"SA1", "SA2"}
    # One record per object type (issue 15: a log extract finds the case and each person by type).
    people = _latest_named("unit_manager")
    assert people.object_type == "staff.staffmember" and set(people.object_ids) <= {"SA1", "SA2"}
    case = AccessRecord.objects.filter(pk__lt=people.pk).latest("pk")
    assert (case.username, case.object_type, case.object_ids) == ("unit_manager", "cases.case", ["KA2"])
    code, out, err_a = run(capsysbinary, "allocate", "KA2", "--by", "outsider_manager")
    assert code == 2 and out == ""
    code, out, err_none = run(capsysbinary, "allocate", "NOPE", "--by", "outsider_manager")
    assert err_none.replace("NOPE", "KA2") == err_a  # does not reveal that KA2 exists
    code, out, err = run(capsysbinary, "allocate", "KA2", "--by", "board")
    assert code == 2 and "har inte behörighet" in err
    code, out, err = run(capsysbinary, "allocate", "KA2", "--by", "nobody")
    assert code == 2 and "finns inte" in err


def test_forecast_and_simulate_by_user(data, capsysbinary):
    code, out, err = run(capsysbinary, "forecast", "--unit", "UA", "--by", "outsider_manager")
    assert code == 2 and out == "" and "ingår inte" in err
    code, out, err = run(capsysbinary, "forecast", "--by", "caseworker")
    assert code == 2 and "har inte behörighet" in err
    code, out, err = run(capsysbinary, "forecast", "--months", "3", "--on", "2025-12-15", "--by", "board")
    assert code == 0, err
    public = json.loads(out)  # November 2025: 3 reports, a small count: suppressed, and no forecast from it
    assert public["months"] == [] and public["mase_model"] is None and "prognosen visas inte" in err
    assert all(not isinstance(h["value"], (int, float)) or h["value"] == 0 for h in public["history"])
    code, out, err = run(capsysbinary, "forecast", "--months", "3", "--on", "2025-12-15", "--unit", "UA",
                         "--by", "unit_manager")
    assert code == 0, err
    assert len(json.loads(out)["months"]) == 3  # exact figures for the manager's own unit
    code, out, err = run(capsysbinary, "simulate", "--unit", "UA", "--runs", "5", "--by", "outsider_manager")
    assert code == 2 and out == "" and "ingår inte" in err
    code, out, err = run(capsysbinary, "simulate", "--unit", "UA", "--runs", "5", "--by", "sysadmin")
    assert code == 2 and "har inte behörighet" in err


def test_simulate_a_saved_scenario_only_in_scope(data, capsysbinary):
    from stabil.simulation.models import Scenario

    scenario = Scenario.objects.create(name="Prov", unit=data.org.unit_a, start_on=dt.date(2025, 12, 1), months=3)
    code, out, err_a = run(capsysbinary, "simulate", "--scenario", str(scenario.pk), "--runs", "5",
                           "--by", "outsider_manager")
    assert code == 2 and out == ""
    code, out, err_none = run(capsysbinary, "simulate", "--scenario", "999999", "--runs", "5",
                              "--by", "outsider_manager")
    assert err_none.replace("999999", str(scenario.pk)) == err_a  # does not reveal that the scenario exists
