"""Every figure names its period where it is shown (issues 12 and 13), with the one period name.

The scorecard and the board paper are checked in ``tests/governance/test_same_figures.py``; here the other
pages that show figures: staff (turnover, sick leave, consultants) with their Excel files, the KPI page,
statistics, the egenkontroll, the workload board and the simulation pages. Seen on 2026-12-06.
"""

import datetime as dt
import io
import re
from datetime import date

import openpyxl
import pytest
import time_machine

from stabil.cases.models import Case, CaseEvent, Child
from stabil.simulation import services as simulation_services
from stabil.simulation.models import SimulationRun
from stabil.staff.models import StaffMember
from tests.conftest import client_for
from tests.simulation.conftest import SMALL_BASE

JAN_NOV = "2026, januari–november"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, 0), tick=False):
        yield


@pytest.fixture
def data(personas, org):
    StaffMember.objects.create(staff_id="P01", unit=org.unit_a, role="caseworker", employment="permanent", fte=1,
                               degree="socionom", experience_years=4, started_on=dt.date(2024, 1, 1),
                               monthly_cost_sek=42000)
    scenario = simulation_services.scenario_create(by=personas.unit_manager, unit=org.unit_a, name="Scenario A",
                                                   on=date(2025, 1, 15), months=6, base=dict(SMALL_BASE))
    simulation_services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=10, seed=1))
    for number, month in enumerate(range(23)):  # a report a month, January 2025 to November 2026
        on = date(2025 + month // 12, month % 12 + 1, 3)
        child = Child.objects.create(child_id=f"BP{number}", birth_date=date(2015, 1, 1))
        case = Case.objects.create(case_id=f"KP{number}", child=child, category="barn", unit=org.unit_a)
        CaseEvent.objects.create(case=case, kind="report_received", on=on)
    return scenario


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize("path", ["/personal/omsattning/", "/personal/sjukfranvaro/", "/personal/konsulter/"])
def test_staff_pages_and_their_excel_files_name_the_period(data, personas, path):
    client = client_for(personas.hr)
    query = "?fran=2026-01-01&till=2026-11-30"
    assert f"Period: {JAN_NOV}." in _page(client, path + query)
    book = openpyxl.load_workbook(io.BytesIO(client.get(path + query + "&format=xlsx").content))
    assert all(JAN_NOV in sheet["A1"].value for sheet in book.worksheets)
    # The default period (this year so far) is named too.
    assert "Period: 2026-01-01–2026-12-06." in _page(client, path)


def test_kpi_page_names_its_period_and_defaults_to_the_scorecards(data, personas):
    client = client_for(personas.unit_manager)
    page = _page(client, "/styrning/matetal/?first_day=2026-01-01&last_day=2026-11-30")
    assert f"Mätetal för {JAN_NOV}, hela verksamheten" in page
    form = _page(client, "/styrning/matetal/")
    assert 'value="2026-01-01"' in form and 'value="2026-11-30"' in form  # the reporting period


def test_statistics_name_the_months_and_years(data, personas):
    page = _page(client_for(personas.unit_manager), "/styrning/statistik/?years=2023-2026&months=1-11")
    assert "Period: januari–november varje år, 2023–2026." in page


def test_egenkontroll_names_the_period_and_the_day_it_is_seen(data, personas):
    page = _page(client_for(personas.unit_manager), "/arenden/egenkontroll/")
    assert "Frister med förfallodag 2026-01-01–2026-12-06, utfall sett 2026-12-06" in page


def test_workload_board_names_its_day(data, personas):
    page = _page(client_for(personas.unit_manager), "/arbetsbelastning/?enhet=UA")
    assert "Enhetens belastning 2026-12-06" in page and re.search(r"Om fyra veckor \(2027-01-0\d\)", page)


def test_simulation_pages_name_the_simulated_period(data, personas):
    client = client_for(personas.unit_manager)
    # SMALL_BASE starts 2025-01-01 and runs six months.
    assert "Resultat, 2025, januari–juni" in _page(client, f"/simulering/{data.pk}/")
    assert "Utgångsläge 2025-01-01" in _page(client, f"/simulering/{data.pk}/")
    assert "2025, januari–juni" in _page(client, "/simulering/")
    forecast = _page(client, "/simulering/prognos/?months=12")
    # Reports every month from January 2025: history 2025-01..2026-11 (or -12), twelve months of forecast.
    assert re.search(r"Utfall (januari 2025–(november|december) 2026); prognos \w+ 202[67]–\w+ 2027\.", forecast)
