"""`stabil report workload`, `stabil allocate` and `stabil workload-calibrate` (docs/cli-workload.md)."""

import io
import json

import pytest

from stabil.audit.models import AccessRecord
from stabil.cli import main

pytestmark = pytest.mark.django_db(transaction=False)


def run(capsysbinary, *argv):
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_report_workload_json(unit_data, capsysbinary):
    code, out, err = run(capsysbinary, "report", "workload", "--on", "2025-11-24", "--unit", "UA")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"on", "config_version", "staff", "units"}
    assert data["on"] == "2025-11-24" and data["config_version"] is None
    s1 = next(s for s in data["staff"] if s["staff_id"] == "S1")
    assert s1 == {"staff_id": "S1", "unit": "UA", "team": "TA1", "cases_main": 2, "cases_co": 0,
                  "demand_hours": 13.0, "capacity_hours": 80.44, "load": round(13 / 80.4375, 4), "status": "green"}
    (unit,) = data["units"]
    assert unit["unit"] == "UA" and unit["cases_main"] == 3 and unit["cases_co"] == 1
    assert unit["demand_hours"] == 22.0 and unit["fte_needed"] == 0.0 and unit["staff_count"] == 4
    assert "standardvärdena" in err  # notice on stderr, not in the JSON
    record = AccessRecord.objects.latest("at")
    assert record.channel == "cli" and set(record.object_ids) == {"S1", "S2", "S3", "S4"}


def test_report_workload_csv_and_xlsx(unit_data, capsysbinary):
    code, out, _err = run(capsysbinary, "report", "workload", "--on", "2025-11-24", "--format", "csv")
    assert code == 0
    lines = out.decode().splitlines()
    assert lines[0] == ("level,staff_id,unit,team,cases_main,cases_co,demand_hours,capacity_hours,load,status,"
                        "staff_count,fte_needed")
    assert sum(1 for line in lines if line.startswith("staff,")) == 5  # S9 in UB too
    assert sum(1 for line in lines if line.startswith("unit,")) == 2
    code, out, _err = run(capsysbinary, "report", "workload", "--on", "2025-11-24", "--format", "xlsx")
    assert code == 0
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(out))
    assert book.sheetnames == ["Personal", "Enheter"]
    assert book["Enheter"].max_row == 3 + 2  # title, blank, header, two units


def test_report_workload_bad_arguments(unit_data, capsysbinary):
    code, out, err = run(capsysbinary, "report", "workload", "--on", "2025-11-24", "--unit", "NOPE")
    assert code == 2 and out == b"" and "okänd enhet: NOPE" in err
    with pytest.raises(SystemExit) as exc:
        main(["report", "workload", "--on", "24/11/2025"])
    assert exc.value.code == 2
    assert "ogiltigt datum" in capsysbinary.readouterr().err.decode()


def test_allocate_json(unit_data, capsysbinary):
    code, out, err = run(capsysbinary, "allocate", "C4", "--on", "2025-11-24")
    assert code == 0, err
    data = json.loads(out)
    assert data["case_id"] == "C4" and data["phase"] == "preliminary_assessment" and data["role"] == "main"
    assert [s["staff_id"] for s in data["suggestions"]] == ["S4", "S1"]
    assert data["suggestions"][0]["rank"] == 1 and data["suggestions"][0]["reasons"]
    assert {e["staff_id"] for e in data["excluded"]} == {"S2", "S3"}
    code, out, err = run(capsysbinary, "allocate", "NOPE")
    assert code == 2 and out == b"" and "finns inte" in err


def test_workload_calibrate(tmp_path, db, capsysbinary):
    from stabil.workload.models import ConfigVersion

    path = tmp_path / "studie.csv"
    path.write_text("\ufeffperson,case_type,hours,cases\nA,investigation,160,10\nB,investigation,80,5\n"
                    "A,ej ärende,100,\n", encoding="utf-8")
    code, out, err = run(capsysbinary, "workload-calibrate", str(path), "--months", "2", "--save")
    assert code == 0, err
    data = json.loads(out)
    weights = {w["work_type"]: w for w in data["weights"]}
    assert weights["investigation"]["weight_hours_per_month"] == 8.0
    assert data["non_case_share"] == round(100 / 340, 4)
    assert data["saved_version"] == 1 and ConfigVersion.objects.get().source == "calibration"
    bad = tmp_path / "fel.csv"
    bad.write_text("person;ärendetyp;timmar\nA;utredning;-3\n;utredning;2\n", encoding="utf-8")
    code, out, err = run(capsysbinary, "workload-calibrate", str(bad), "--save")
    assert code == 1 and out == b""
    assert "fel.csv, rad 2, kolumn timmar" in err and "fel.csv, rad 3, kolumn person" in err
    assert ConfigVersion.objects.count() == 1


def test_import_case_complexity(unit_data, tmp_path, capsysbinary):
    from stabil.workload.models import CaseComplexity

    path = tmp_path / "komplexitet.csv"
    path.write_text("case_id;several_children;interpreter_needed\nC1;ja;nej\nC2;nej;ja\nC3;nej;nej\n", encoding="utf-8")
    code, _out, err = run(capsysbinary, "import", str(path))
    assert code == 0, err
    assert {c.case.case_id: c.markers() for c in CaseComplexity.objects.all()} == {
        "C1": ("several_children",), "C2": ("interpreter",)}
    bad = tmp_path / "fel.csv"
    bad.write_text("case_id;several_children;interpreter_needed\nC1;nej;nej\nNOPE;ja;ja\nC2;kanske;nej\n",
                   encoding="utf-8")
    code, _out, err = run(capsysbinary, "import", str(bad))
    assert code == 1
    assert "fel.csv, rad 3, kolumn case_id" in err and "fel.csv, rad 4, kolumn several_children" in err
    # Nothing changed: C1 keeps its marker.
    assert CaseComplexity.objects.get(case__case_id="C1").several_children is True


def test_workload_calibrate_from_recorded_hours_and_the_register(unit_data, tmp_path, capsysbinary):
    """S1 carries a preliminary assessment and an investigation, S2 co-handles the investigation, S3 one
    outpatient case (conftest): their recorded hours are explained exactly."""
    from stabil.workload.models import ConfigVersion

    path = tmp_path / "tid.csv"
    path.write_text("person;timmar\nS1;26\nS2;6\nS3;12\nS4;0\n", encoding="utf-8")
    code, out, err = run(capsysbinary, "workload-calibrate", str(path))
    assert code == 1 and "ange dagen" in err
    code, out, err = run(capsysbinary, "workload-calibrate", str(path), "--on", "2025-11-24", "--months", "2",
                         "--save")
    assert code == 0, err
    data = json.loads(out)
    weights = {w["work_type"]: w for w in data["weights"]}
    assert weights["co:investigation"]["weight_hours_per_month"] == 3.0
    assert weights["outpatient_followup"]["weight_hours_per_month"] == 6.0
    assert data["r_squared"] == 1.0 and data["mae_hours"] == 0.0
    saved = ConfigVersion.objects.get().data
    assert saved["co_weights_hours_per_month"]["investigation"] == 3.0
    unknown = tmp_path / "okand.csv"
    unknown.write_text("person;timmar\nS1;26\nX9;4\n", encoding="utf-8")
    code, out, err = run(capsysbinary, "workload-calibrate", str(unknown), "--on", "2025-11-24")
    assert code == 1 and "X9: finns inte bland handläggarna" in err
