"""Scenario and forecast pages: permissions per role, running a scenario as a job, measures, export."""

from datetime import date

import pytest
from openpyxl import load_workbook

from stabil.simulation import services
from stabil.simulation.models import ScenarioMeasure, SimulationRun
from tests.conftest import client_for

VIEWERS = {"unit_manager", "department_head", "hr", "board"}  # simulation.view, seeing unit A
RUNNERS = {"unit_manager", "department_head"}  # simulation.run


@pytest.mark.django_db
def test_index_permissions(view_permissions, scenario):
    view_permissions("/simulering/", allowed=VIEWERS | {"outsider_manager"})


@pytest.mark.django_db
def test_forecast_page_permissions(view_permissions):
    view_permissions("/simulering/prognos/", allowed=VIEWERS | {"outsider_manager"})


@pytest.mark.django_db
def test_scenario_page_permissions(view_permissions, scenario):
    # the outsider manager may use the area but not see unit A's scenario (404)
    view_permissions(f"/simulering/{scenario.pk}/", allowed=VIEWERS)


@pytest.mark.django_db
def test_write_permissions(view_permissions, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        view_permissions(f"/simulering/{scenario.pk}/kor/", allowed=RUNNERS, method="post",
                         data={"runs": 10, "seed": 1})
    view_permissions(f"/simulering/{scenario.pk}/kopiera/", allowed=RUNNERS, method="post")
    view_permissions("/simulering/nytt/", allowed=RUNNERS | {"outsider_manager"}, method="post",
                     data={"name": "x", "unit": "", "months": 12}, ok_statuses=(200, 302, 400))


@pytest.mark.django_db
def test_export_permissions(view_permissions, scenario):
    services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=20, seed=1))
    view_permissions(f"/simulering/{scenario.pk}/excel/", allowed=VIEWERS)


@pytest.mark.django_db
def test_run_as_background_job_shows_progress_then_fan_charts(personas, scenario, django_capture_on_commit_callbacks):
    client = client_for(personas.unit_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/simulering/{scenario.pk}/kor/", {"runs": 50, "seed": 3})
    assert response.status_code == 302
    run = SimulationRun.objects.get(scenario=scenario)
    assert run.finished_at is not None and run.job.status == "done" and run.job.progress == 1.0
    page = client.get(f"/simulering/{scenario.pk}/").content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Ofördelade ärenden" in page and "Tabell med samma siffror" in page
    # the job's own page (polled by htmx) links back to the scenario
    job_page = client.get(f"/jobb/{run.job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert f"/simulering/{scenario.pk}/" in job_page


@pytest.mark.django_db
def test_pending_run_shows_a_progress_bar(personas, scenario):
    client = client_for(personas.unit_manager)
    response = client.post(f"/simulering/{scenario.pk}/kor/", {"runs": 50, "seed": 3})  # not committed: queued
    assert response.status_code == 302
    page = client.get(f"/simulering/{scenario.pk}/").content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page


@pytest.mark.django_db
def test_add_measure_and_compare_with_baseline(personas, scenario):
    client = client_for(personas.unit_manager)
    response = client.post(f"/simulering/{scenario.pk}/atgard/", {
        "kind": "hire", "start_on": "2025-02-01", "count": 3, "experienced": "on", "weeks": 8, "months": 0,
        "conversion_share": 0.7, "sek_per_month": 0, "turnover_factor": 0.95, "cost_sek": 100000,
        "monthly_cost_sek": 0, "label": "Tre erfarna"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ScenarioMeasure.objects.filter(scenario=scenario, kind="hire", count=3).exists()
    data = services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=40, seed=1))
    assert data["summary"]["versus_baseline"]["extra_cost_sek"]["median"] > 0
    index = client.get("/simulering/").content.decode()
    assert "Scenario A" in index and "Kostnad per procentenhet" in index


@pytest.mark.django_db
def test_invalid_measure_gets_swedish_errors_and_stores_nothing(personas, scenario):
    client = client_for(personas.unit_manager)
    response = client.post(f"/simulering/{scenario.pk}/atgard/", {
        "kind": "pay_rise", "start_on": "2025-02-01", "count": 0, "weeks": 8, "months": 0, "conversion_share": 2,
        "sek_per_month": 0, "turnover_factor": 0.95, "cost_sek": 0, "monthly_cost_sek": 0})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange lönepåslaget i kronor per månad." in page and "Andelen ska ligga mellan 0 och 1." in page
    assert not ScenarioMeasure.objects.exists()


@pytest.mark.django_db
def test_measure_of_another_units_scenario_cannot_be_removed(personas, scenario, other_scenario):
    m = ScenarioMeasure.objects.create(scenario=other_scenario, kind="hire", start_on=date(2025, 2, 1), count=1)
    response = client_for(personas.unit_manager).post(f"/simulering/{other_scenario.pk}/atgard/{m.pk}/ta-bort/")
    assert response.status_code == 404
    assert ScenarioMeasure.objects.filter(pk=m.pk).exists()


@pytest.mark.django_db
def test_excel_export_has_real_numbers(personas, scenario):
    services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=20, seed=1))
    response = client_for(personas.board).get(f"/simulering/{scenario.pk}/excel/")
    assert response.status_code == 200
    import io

    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Sammanfattning", "Per månad", "Åtgärder"]
    rows = list(wb["Per månad"].iter_rows(min_row=4, values_only=True))
    assert rows[0][0] == "2025-01" and isinstance(rows[0][2], (int, float))


@pytest.mark.django_db
def test_create_scenario_from_a_unit_in_the_database(personas):
    client = client_for(personas.unit_manager)
    response = client.post("/simulering/nytt/", {"name": "Från databasen", "unit": personas.org.unit_a.pk,
                                                  "months": 12})
    assert response.status_code == 302
    from stabil.simulation.models import Scenario

    sc = Scenario.objects.get(name="Från databasen")
    assert sc.unit == personas.org.unit_a and sc.base["months"] == 12
    # a unit the user cannot see is not a valid choice
    response = client.post("/simulering/nytt/", {"name": "x", "unit": personas.org.unit_b.pk, "months": 12})
    assert response.status_code == 400


@pytest.mark.django_db
def test_forecast_page_and_export(personas):
    client = client_for(personas.unit_manager)
    page = client.get("/simulering/prognos/?months=12").content.decode()
    assert "Prognos för inflödet" in page and "<svg" in page
    response = client.get("/simulering/prognos/?months=12&format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


@pytest.mark.django_db
def test_board_paper_permissions_and_formats(view_permissions, personas, scenario):
    services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=20, seed=1))
    view_permissions("/simulering/namndunderlag/", allowed=VIEWERS | {"outsider_manager"})
    client = client_for(personas.board)
    page = client.get("/simulering/namndunderlag/").content.decode()
    assert "Scenario A" in page and "<svg" in page
    pdf = client.get(f"/simulering/namndunderlag/?scenario={scenario.pk}&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Scenario A" in text and "Andel utredningar i tid" in text
    xlsx = client.get("/simulering/namndunderlag/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content))["Scenarier"].iter_rows(min_row=4, values_only=True))
    assert rows[0][0] == "Scenario A" and isinstance(rows[0][4], (int, float))
    # the outsider manager's board paper does not include unit A's scenario
    other = client_for(personas.outsider_manager).get("/simulering/namndunderlag/").content.decode()
    assert "Scenario A" not in other
