"""The board paper fits A4 (issue 13): no word of any page past its edge, every column header in the text.

The demo's board paper lost the staff table's last columns ("Konsultkostnad (kr)" cut at the page edge,
"Socionom ≥ 3 år" outside the page). The data here is as wide as the demo's: long unit names, consultant
costs in millions. The paper is generated as the board gets it: from the command line and from the web
page's background job, exact and public.
"""

import datetime as dt

import pytest
from django.urls import reverse

from stabil.cli import main
from stabil.governance import board_report
from stabil.staff.models import StaffMember
from tests import pdfcheck
from tests.conftest import client_for

PERIOD = "2026-01..2026-11"
#: The columns the issue saw lost, and the other wide tables' headers: the parsed list must keep them.
NAMED_HEADERS = ["Konsultkostnad (kr)", "Socionom ≥ 3 år", "Konsultandel", "Sjukfrånvaro", "Förföll under perioden",
                 "Målvärde", "Trend", "Ansvarig"]


def _member(staff_id, unit, *, employment="permanent", monthly_cost_sek=42000, experience_years=4.0):
    return StaffMember.objects.create(staff_id=staff_id, unit=unit, role="caseworker", employment=employment,
                                      fte=1, degree="socionom", experience_years=experience_years,
                                      started_on=dt.date(2024, 1, 1), monthly_cost_sek=monthly_cost_sek)


@pytest.fixture
def wide_paper(org, add_case, governance_data):
    """Two units with long names, twelve and fourteen employees, consultants at 165,000 kr a month."""
    org.unit_a.name = "Utredning barn och unga, mottagning och skydd"
    org.unit_a.save()
    org.unit_b.name = "Placering och uppföljning, familjehem och HVB"
    org.unit_b.save()
    for unit, count, consultants in ((org.unit_a, 12, 4), (org.unit_b, 14, 3)):
        for i in range(count):
            _member(f"{unit.code}{i:02d}", unit, experience_years=1.0 + i)
        for i in range(consultants):
            _member(f"{unit.code}K{i}", unit, employment="consultant", monthly_cost_sek=165000)
    for i in range(6):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 1 + i)),
                                      ("investigation_opened", dt.date(2026, 2, 10 + i))])
    return org


def _headers(exact: bool) -> list[str]:
    """Every column header of every table in the board paper, from the HTML the PDF is made of."""
    report = board_report.build(period=board_report.parse_period(PERIOD), exact=exact, today=dt.date(2026, 12, 6))
    headers = pdfcheck.column_headers(board_report.render_html(report, for_pdf=True))
    assert set(NAMED_HEADERS) <= set(headers)
    return headers


def _assert_fits(pdf: bytes, headers: list[str]) -> None:
    # The paper's side margins are 18 mm: a table wider than the text column shows there first.
    outside = pdfcheck.words_outside(pdf, side_margin=18 * pdfcheck.MM)
    assert not outside, "words past the page edge: " + ", ".join(f"p{w.page} '{w.text}' x1={w.x1:.0f}"
                                                                  for w in outside[:12])
    assert not pdfcheck.missing(pdf, headers)


@pytest.mark.parametrize("public", [False, True])
def test_board_paper_from_the_command_line_fits_a4(wide_paper, capsys, tmp_path, public):
    target = tmp_path / "board.pdf"
    code = main(["report", "board", "--period", PERIOD, "--format", "pdf", "--output", str(target),
                 *(["--public"] if public else [])])
    assert code == 0, capsys.readouterr().err
    pdf = target.read_bytes()
    # Consultant costs in millions: the widest figures are really in the paper.
    report = board_report.build(period=board_report.parse_period(PERIOD), exact=True, today=dt.date(2026, 12, 6))
    assert min(row["consultants"]["cost_sek"] for row in report.staff) > 1_000_000
    _assert_fits(pdf, _headers(exact=not public))


def _job_download(client, url, capture) -> bytes:
    from stabil.jobs.models import Job

    with capture(execute=True):  # the job is queued when the request's transaction commits
        started = client.get(url)
    job = Job.objects.filter(kind="board_paper").latest("pk")
    assert started.status_code == 302 and job.status == "done", job.error
    response = client.get(f"/jobb/{job.pk}/fil/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("persona", "exact"), [("board", False), ("hr", True)])
def test_board_paper_from_the_web_fits_a4(wide_paper, personas, django_capture_on_commit_callbacks, settings,
                                          tmp_path, persona, exact):
    settings.DATA_DIR = tmp_path
    url = reverse("governance:board_report") + f"?period={PERIOD}&format=pdf"
    pdf = _job_download(client_for(getattr(personas, persona)), url, django_capture_on_commit_callbacks)
    _assert_fits(pdf, _headers(exact=exact))


def test_statistics_pdf_fits_a4(wide_paper, capsys, tmp_path):
    target = tmp_path / "statistics.pdf"
    code = main(["report", "statistics", "--years", "2022-2026", "--months", "1-11", "--format", "pdf",
                 "--output", str(target)])
    assert code == 0, capsys.readouterr().err
    _assert_fits(target.read_bytes(), ["Kategori", "Förändring", "2022", "2026"])


def test_the_check_finds_a_word_past_the_edge():
    """The checker itself: a table wider than the page is caught, a narrow one is not."""
    wide = "<table><thead><tr>" + "".join(f"<th>Kolumnrubrik{i}</th>" for i in range(12)) + "</tr></thead></table>"
    narrow = "<table><thead><tr><th>Enhet</th><th>Slutat</th></tr></thead></table>"
    style = "<style>@page { size: A4; margin: 20mm } th { white-space: nowrap; padding: 4mm }</style>"
    outside = pdfcheck.words_outside(board_report.html_to_pdf(style + wide))
    assert outside and all(w.text.startswith("Kolumnrubrik") for w in outside)
    assert not pdfcheck.words_outside(board_report.html_to_pdf(style + narrow))
    assert pdfcheck.missing(board_report.html_to_pdf(style + narrow), ["Enhet", "Socionom ≥ 3 år"]) == [
        "Socionom ≥ 3 år"]


