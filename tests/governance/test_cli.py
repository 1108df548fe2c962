"""`stabil report statistics|kpi|board`: contracts, public output, Swedish errors, extractable PDF."""

import datetime as dt
import json

import pytest

from stabil.cli import main


@pytest.fixture
def events(org, add_case):
    """UA: 12 barn + 3 ensamkommande investigations opened in Feb 2026, 10 in Feb 2025; interventions."""
    for year, n in ((2025, 10), (2026, 12)):
        for _ in range(n):
            add_case(org.unit_a, "barn", [("report_received", dt.date(year, 2, 1)),
                                          ("investigation_opened", dt.date(year, 2, 3))])
    for _ in range(3):
        add_case(org.unit_a, "ensamkommande", [("report_received", dt.date(2026, 2, 1)),
                                               ("investigation_opened", dt.date(2026, 2, 3))])
    # outside the months 1-8: not counted
    add_case(org.unit_b, "ungdom", [("report_received", dt.date(2026, 10, 1)),
                                    ("investigation_opened", dt.date(2026, 10, 2))])
    # an intervention running from 2024 into 2026, one ended in 2025, one in unit B
    add_case(org.unit_a, "ungdom", [("report_received", dt.date(2024, 1, 1)),
                                    ("intervention_started", dt.date(2024, 5, 1), "outpatient")])
    add_case(org.unit_a, "ungdom", [("report_received", dt.date(2024, 1, 1)),
                                    ("intervention_started", dt.date(2024, 5, 1), "outpatient"),
                                    ("intervention_ended", dt.date(2025, 3, 1), "outpatient")])
    add_case(org.unit_b, "barn", [("report_received", dt.date(2025, 1, 1)),
                                  ("intervention_started", dt.date(2025, 9, 1), "foster_home")])


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_statistics_json_contract(db, events, capsys):
    code, out, err = run(capsys, "report", "statistics", "--years", "2025-2026", "--months", "1-8")
    assert code == 0, err
    data = json.loads(out)
    assert data["investigations_opened"]["barn"] == {"2025": 10, "2026": 12}
    assert data["investigations_opened"]["ensamkommande"] == {"2025": 0, "2026": 3}
    assert data["investigations_opened"]["ungdom"] == {"2025": 0, "2026": 0}
    assert data["investigations_opened"]["total"] == {"2025": 10, "2026": 15}
    assert data["interventions_ongoing"]["ungdom"] == {"2025": 2, "2026": 1}
    assert data["interventions_ongoing"]["barn"] == {"2025": 0, "2026": 1}
    assert data["change_percent"]["investigations_opened"]["total"] == {"2026": 50}
    assert data["change_percent"]["investigations_opened"]["barn"] == {"2026": 20}
    assert data["change_percent"]["investigations_opened"]["ensamkommande"] == {"2026": None}
    assert "Statistik" in err  # progress on standard error only


def test_statistics_unit_filter_and_public(db, events, capsys):
    code, out, _ = run(capsys, "report", "statistics", "--years", "2025-2026", "--months", "1-8", "--unit", "UA",
                       "--public")
    assert code == 0
    data = json.loads(out)
    assert data["investigations_opened"]["ensamkommande"] == {"2025": 0, "2026": "<5"}
    assert data["investigations_opened"]["total"] == {"2025": 10, "2026": ".."}
    assert data["interventions_ongoing"]["ungdom"] == {"2025": "<5", "2026": "<5"}
    assert data["interventions_ongoing"]["barn"] == {"2025": 0, "2026": 0}  # unit B's placement left out
    assert data["change_percent"]["investigations_opened"]["total"] == {"2026": ".."}
    assert data["average_per_month"]["investigations_opened"] == {"2025": 1, "2026": ".."}
    assert data["public"] is True
    for measure in ("investigations_opened", "interventions_ongoing"):
        for row in data[measure].values():
            assert all(not (isinstance(v, int) and 1 <= v <= 4) for v in row.values())


def test_statistics_csv_and_xlsx(db, events, capsys, tmp_path):
    code, out, _ = run(capsys, "report", "statistics", "--years", "2025-2026", "--months", "1-8", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "measure,category,year,count,change_percent"
    assert "investigations_opened,total,2026,15,50" in lines
    target = tmp_path / "s.xlsx"
    code, _, _ = run(capsys, "report", "statistics", "--years", "2025-2026", "--months", "1-8", "--format", "xlsx",
                     "--output", str(target))
    assert code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(target)["Utredningar"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["Totalt"] == (10, 15, 50)  # real numbers, not text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--years", "2015-2012", "--months", "1-8"], "Ogiltiga år"),
        (["--years", "2012-2015", "--months", "0-8"], "Ogiltiga månader"),
        (["--years", "2012-2015", "--months", "1-8", "--unit", "NOPE"], "okänd enhet 'NOPE'"),
        (["--years", "2012-2015", "--months", "1-8", "--public", "--threshold", "1"], "tröskelvärde"),
        (["--years", "2012-2015", "--months", "1-8", "--format", "doc"], "ogiltigt val"),
    ],
)
def test_statistics_bad_input(db, org, capsys, args, message):
    try:
        code = main(["report", "statistics", *args])
    except SystemExit as exc:  # argparse refuses the argument itself
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2 and "investigations_opened" not in out and "measure," not in out  # no report on stdout
    assert message in err and "Traceback" not in err


def test_kpi_report_lists_every_kpi(db, events, capsys):
    from stabil.core.kpi import REGISTRY

    code, out, err = run(capsys, "report", "kpi", "--from", "2026-01-01", "--to", "2026-06-30")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["kpi"] for r in rows] == list(REGISTRY)
    for row in rows:
        assert set(row) == {"kpi", "value", "numerator", "denominator"}
    investigations = next(r for r in rows if r["kpi"] == "investigation_within_4_months")
    # 15 opened 2026-02-03 fall due 2026-06-03 (4 months) and none were closed: 0 of 15.
    assert (investigations["numerator"], investigations["denominator"], investigations["value"]) == (0, 15, 0.0)


def test_kpi_report_refuses_reversed_dates(db, org, capsys):
    code, out, err = run(capsys, "report", "kpi", "--from", "2026-06-30", "--to", "2026-01-01")
    assert code == 2 and out == "" and "--from" in err


def test_board_pdf_opens_and_its_text_is_extractable(db, events, governance_data, capsys, tmp_path):
    from pypdf import PdfReader

    target = tmp_path / "board.pdf"
    code, out, err = run(capsys, "report", "board", "--period", "2026-01..2026-08", "--format", "pdf", "--output",
                         str(target), "--public", "--registration-number", "SN-2026-0042")
    assert code == 0, err
    assert out == ""
    reader = PdfReader(target)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Rapport till nämnden" in text
    assert "SN-2026-0042" in text and "Sida 1 av" in text
    assert "Utredningar öppnade under perioden" in text and "Barngruppen" in text
    assert "<5" in text  # the public version hides the three ensamkommande
    assert "Nämndstyrkort" in text and "Handlingsplan" in text
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_board_xlsx_has_one_sheet_per_table(db, events, governance_data, capsys, tmp_path):
    import openpyxl

    target = tmp_path / "board.xlsx"
    code, _, err = run(capsys, "report", "board", "--period", "2026-01..2026-08", "--format", "xlsx",
                       "--output", str(target))
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Utredningar", "Insatser", "Frister", "Personal", "Styrkort", "Handlingsplan"]
    rows = list(book["Handlingsplan"].iter_rows(min_row=4, values_only=True))
    assert rows[0][6] == 1_500_000 and isinstance(rows[0][6], (int, float))


@pytest.mark.parametrize("period", ["2026-01", "2025-11..2026-02", "2026-08..2026-01", "2026-13..2026-14"])
def test_board_period_errors(db, org, capsys, tmp_path, period):
    code, out, err = run(capsys, "report", "board", "--period", period, "--format", "pdf", "--output",
                         str(tmp_path / "x.pdf"))
    assert code == 2 and "Ogiltig period" in err and "--period" in err
    assert not (tmp_path / "x.pdf").exists()


def test_exact_reports_are_recorded_in_the_access_log(db, events, capsys):
    from stabil.audit.models import AccessRecord

    run(capsys, "report", "statistics", "--years", "2025-2026", "--months", "1-8")
    run(capsys, "report", "statistics", "--years", "2025-2026", "--months", "1-8", "--public")
    records = list(AccessRecord.objects.filter(what__startswith="Statistik"))
    assert len(records) == 1 and records[0].channel == "cli"


def test_unwritable_output_is_a_clear_error(db, org, capsys, tmp_path):
    code, out, err = run(capsys, "report", "statistics", "--years", "2025", "--months", "1-8", "--format", "xlsx",
                         "--output", str(tmp_path / "saknas" / "s.xlsx"))
    assert code == 2 and out == ""
    assert "kan inte skriva filen" in err and "--output" in err and "Traceback" not in err


def test_public_unit_tables_warn_about_linked_tables(db, events, capsys):
    code, out, err = run(capsys, "report", "statistics", "--years", "2026", "--months", "1-8", "--unit", "UA",
                         "--public")
    assert code == 0 and json.loads(out)["public"] is True
    assert "skillnaden" in err
