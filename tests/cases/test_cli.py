"""The case contracts from the command line, run as a user runs them (a subprocess, fresh database)."""

import csv
import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest

HEADER = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason"
ROWS = [
    # report on Fri 2026-06-05: preliminary due 06-19 = midsommarafton -> Mon 06-22
    "K1,B1,2015-03-01,barn,U1,report_received,2026-06-05,,,,,",
    "K1,B1,2015-03-01,barn,U1,protection_assessed,2026-06-05,,,,,",
    "K1,B1,2015-03-01,barn,U1,handler_assigned,2026-06-05,S1,,,,",
    "K1,B1,2015-03-01,barn,U1,preliminary_decided,2026-06-23,,investigation,,,",
    "K1,B1,2015-03-01,barn,U1,investigation_opened,2026-06-23,,,,,",
    # a placement on a Saturday: the care plan is due that day, never moved
    "K2,B2,2011-05-05,ungdom,U2,intervention_started,2026-06-20,,,,residential,LVU",
    "K2,B2,2011-05-05,ungdom,U2,care_plan_established,2026-06-22,,,,,",
]


def stabil(args, db, cwd):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "STABIL_DATA_DIR": str(cwd)}
    return subprocess.run([sys.executable, "-m", "stabil.cli", *args], env=env, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "cli.sqlite3"
    assert stabil(["migrate"], db, tmp).returncode == 0
    path = tmp / "events.csv"
    path.write_text("\n".join([HEADER] + ROWS) + "\n", encoding="utf-8")
    result = stabil(["import", str(path)], db, tmp)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    return tmp, db


def test_report_deadlines_json_as_seen_on_a_day(imported):
    tmp, db = imported
    result = stabil(["report", "deadlines", "--format", "json", "--on", "2026-06-22"], db, tmp)
    assert result.returncode == 0, result.stderr.decode()
    rows = json.loads(result.stdout)
    got = {(r["case_id"], r["deadline"]): (r["due_on"], r["met_on"], r["status"]) for r in rows}
    assert set(rows[0]) == {"case_id", "deadline", "due_on", "met_on", "status", "source"}
    assert got[("K1", "protection_assessment")] == ("2026-06-05", "2026-06-05", "met")
    # the decision of 06-23 is not known on 06-22
    assert got[("K1", "preliminary_assessment")] == ("2026-06-22", None, "open")
    assert ("K1", "investigation") not in got
    assert got[("K2", "care_plan")] == ("2026-06-20", "2026-06-22", "missed")
    later = {(r["case_id"], r["deadline"]): r for r in json.loads(stabil(
        ["report", "deadlines", "--format", "json", "--on", "2026-10-26"], db, tmp).stdout)}
    assert later[("K1", "preliminary_assessment")]["status"] == "missed"
    # 06-23 + 4 months = 10-23 (Fri); not closed by 10-26: overdue
    assert (later[("K1", "investigation")]["due_on"], later[("K1", "investigation")]["status"]) == ("2026-10-23", "overdue")


def test_reimport_is_idempotent(imported):
    tmp, db = imported
    before = stabil(["report", "deadlines", "--on", "2027-01-01"], db, tmp).stdout
    result = stabil(["import", str(tmp / "events.csv")], db, tmp)
    assert result.returncode == 0
    assert "redan inlästa händelser: 7" in result.stderr.decode()
    assert stabil(["report", "deadlines", "--on", "2027-01-01"], db, tmp).stdout == before


def test_bad_file_exit_1_lists_errors_and_stores_nothing(imported):
    tmp, db = imported
    bad = tmp / "bad.csv"
    bad.write_text(HEADER + "\nK3,B3,2015-01-01,barn,U1,report_received,2026-13-01,,,,,\n"
                   "K3,B3,2015-01-01,barn,U1,intervention_started,2026-06-01,,,,castle,\n", encoding="utf-8")
    result = stabil(["import", str(bad)], db, tmp)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "bad.csv, rad 2, kolumn date:" in err and "bad.csv, rad 3, kolumn intervention:" in err
    assert "Traceback" not in err
    ids = {r["case_id"] for r in json.loads(stabil(["report", "deadlines", "--on", "2027-01-01"], db, tmp).stdout)}
    assert "K3" not in ids


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_report_egenkontroll(imported, fmt):
    tmp, db = imported
    result = stabil(["report", "egenkontroll", "--from", "2026-06-01", "--to", "2026-06-30", "--on", "2026-07-01",
                     "--format", fmt], db, tmp)
    assert result.returncode == 0, result.stderr.decode()
    if fmt == "json":
        data = json.loads(result.stdout)
        by_kind = {d["deadline"]: d for d in data["deadlines"]}
        assert by_kind["preliminary_assessment"]["due"] == 1 and by_kind["preliminary_assessment"]["missed"] == 1
        assert by_kind["care_plan"]["share_met"] == 0.0
        assert by_kind["protection_assessment"]["share_met"] == 1.0
        assert {(b["case_id"], b["deadline"]) for b in data["breaches"]} == {("K1", "preliminary_assessment"),
                                                                          ("K2", "care_plan")}
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
        assert {r["deadline"] for r in rows} >= {"care_plan", "investigation"}
    else:
        assert result.stdout[:2] == b"PK"


def test_egenkontroll_bad_arguments(imported):
    tmp, db = imported
    result = stabil(["report", "egenkontroll", "--from", "2026-06-30", "--to", "2026-06-01"], db, tmp)
    assert result.returncode == 2 and "före" in result.stderr.decode()
    result = stabil(["report", "egenkontroll", "--from", "2026-06-01", "--to", "2026-06-30", "--unit", "NOPE"], db, tmp)
    assert result.returncode == 2 and "NOPE" in result.stderr.decode()
    result = stabil(["report", "deadlines", "--on", "2026-02-30"], db, tmp)
    assert result.returncode == 2 and "ogiltigt datum" in result.stderr.decode()


# Sources by the start date (SoL 2025:400 from 2025-07-01): the preliminary assessment of K1 was moved
# from midsommarafton to Monday (lag (1930:173) 2 §); K2's LVU placement of Sat 2026-06-20 is reviewed
# 6 months later, Sun 2026-12-20 -> Mon 12-21 (1 § for the months, 2 § for the move, LVU 13 §).
SOURCES = {
    ("K1", "protection_assessment"): "SoL (2025:400) 20 kap. 1 §",
    ("K1", "preliminary_assessment"): "SoL (2025:400) 20 kap. 2 §; lag (1930:173) 2 §",
    ("K2", "care_plan"): "SoL (2025:400) 9 kap. 12-13 §§",
    ("K2", "placement_review"): "SoL (2025:400) 22 kap. 13 §; LVU (1990:52) 13 §; lag (1930:173) 1 §; lag (1930:173) 2 §",
}


@pytest.mark.parametrize("on", ["2026-06-22", "2027-01-01"])  # recomputed from the events; the stored rows
def test_report_deadlines_carries_the_source_on_both_paths(imported, on):
    tmp, db = imported
    result = stabil(["report", "deadlines", "--format", "json", "--on", on], db, tmp)
    assert result.returncode == 0, result.stderr.decode()
    got = {(r["case_id"], r["deadline"]): r["source"] for r in json.loads(result.stdout)}
    assert {key: got[key] for key in SOURCES} == SOURCES
    assert ("Räknar om" in result.stderr.decode()) is (on == "2026-06-22")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("on", ["2026-06-22", "2027-01-01"])
def test_report_deadlines_csv_and_xlsx_have_the_same_rows(imported, fmt, on):
    tmp, db = imported
    expected = json.loads(stabil(["report", "deadlines", "--format", "json", "--on", on], db, tmp).stdout)
    result = stabil(["report", "deadlines", "--format", fmt, "--on", on], db, tmp)
    assert result.returncode == 0, result.stderr.decode()
    headers = ["case_id", "deadline", "due_on", "met_on", "status", "source"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout.decode())))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(result.stdout))["Frister"]
        assert sheet["A1"].value == f"Frister per {on}"  # the title, then the header on row 3
        rows = [["" if v is None else v.date().isoformat() if hasattr(v, "date") else v for v in row]
                for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == headers
    assert rows[1:] == [[r[h] or "" for h in headers] for r in expected]
