"""The command-line contract: `stabil simulate` and `stabil forecast` (docs/simulation.md)."""

import json
from pathlib import Path

import pytest

from stabil.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_simulate_scenario_file_prints_bands_and_summary(capsys):
    code = main(["simulate", str(ROOT / "docs/scenarios/uppsala_1_six_experienced_hires.toml"), "--runs", "30",
                 "--months", "6", "--seed", "5", "--baseline"])
    out, err = capsys.readouterr()
    assert code == 0
    doc = json.loads(out)  # stdout holds the JSON alone
    assert doc["runs"] == 30 and doc["seed"] == 5 and len(doc["months"]) == 6
    month = doc["months"][0]
    assert month["month"] == "2015-04"
    for key in ("unallocated", "load", "investigation_met_share", "staff_experienced", "leavers", "consultants",
                "cost_sek"):
        assert set(month[key]) == {"median", "lo80", "hi80", "lo95", "hi95", "mean"}
    summary = doc["summary"]
    assert {"total_cost_sek", "investigation_compliance", "target", "versus_baseline"} <= set(summary)
    assert "Simulering" in err and "100%" in err  # progress on stderr


def test_same_seed_same_output(capsys):
    args = ["simulate", str(ROOT / "docs/scenarios/mmc_queue.toml"), "--runs", "20", "--months", "4", "--seed", "9"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_csv_format(capsys):
    assert main(["simulate", str(ROOT / "docs/scenarios/mmc_queue.toml"), "--runs", "10", "--months", "2",
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "month,output,median,lo80,hi80,lo95,hi95"
    assert lines[1].startswith("2025-01,reports,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "x"\nstart_on = 2025-01-01\nreports_per_month = -3\n[[staff]]\ncount = 1\n',
         "reports_per_month: ska ligga i intervallet"),
        ('name = "x"\nstart_on = "igår"\nreports_per_month = 3\n[[staff]]\ncount = 1\n', "start_on: ska vara ett datum"),
        ("name = \n", "ogiltig TOML"),
    ],
)
def test_bad_scenario_file_gives_swedish_error_and_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "scenario.toml"
    path.write_text(content, encoding="utf-8")
    assert main(["simulate", str(path), "--runs", "5"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "stabil: fel: ogiltigt scenario" in err and message in err and str(path) in err


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "x.toml", "--runs", "0"])
    assert exc.value.code == 2
    assert "--runs ska vara 1–100000" in capsys.readouterr().err
    assert main(["simulate"]) == 2
    assert "ange precis en av" in capsys.readouterr().err


@pytest.mark.django_db
def test_forecast_contract_on_an_empty_unit(capsys, personas):
    code = main(["forecast", "--months", "24", "--unit", "UA", "--category", "barn", "--format", "json"])
    out, _err = capsys.readouterr()
    assert code == 0
    doc = json.loads(out)
    assert doc["unit"] == "UA" and doc["model"] == "zero" and len(doc["months"]) == 24
    assert set(doc["months"][0]) == {"month", "median", "lo80", "hi80", "lo95", "hi95"}
    assert "mase_model" in doc and "mase_seasonal_naive" in doc
    assert main(["forecast", "--unit", "NOPE"]) == 2
    assert "okänd enhet 'NOPE'" in capsys.readouterr().err


@pytest.mark.django_db
def test_simulate_a_unit_and_a_stored_scenario_from_the_database(capsys, scenario):
    assert main(["simulate", "--scenario", str(scenario.pk), "--runs", "10", "--months", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == "Scenario A"
    assert main(["simulate", "--unit", "UA", "--runs", "10", "--months", "3"]) == 0
    assert len(json.loads(capsys.readouterr().out)["months"]) == 3
    assert main(["simulate", "--scenario", "999999", "--runs", "10"]) == 2


def test_months_beyond_the_scenarios_inflow_forecast_is_refused(tmp_path, capsys):
    path = tmp_path / "kort.toml"
    path.write_text('name = "Kort prognos"\nstart_on = 2025-01-01\nmonths = 3\ninflow_forecast = [10, 11, 12]\n'
                    '[[staff]]\ncount = 2\n', encoding="utf-8")
    assert main(["simulate", str(path), "--runs", "5"]) == 0
    capsys.readouterr()
    assert main(["simulate", str(path), "--runs", "5", "--months", "6"]) == 2
    assert "inflow_forecast: räcker till 3 månader" in capsys.readouterr().err
